//! git's commit-graph and its changed-path Bloom filters change no answer: `history` of every
//! action, and `log`, are the same with a graph written by git (whole or split), without one, and
//! with one that is damaged (a flipped byte, truncated, a chain naming a missing file), which is
//! not used.

mod common;

use common::{git_as, oslog_with, write};
use std::path::Path;

const THEMES: &str = "themes:\n  - key: t\n    name: T\n    colour: \"#000000\"\n";

fn action(id: u32, status: &str, extra: &str) -> String {
    format!("id: {id}\ntitle: Action {id}\ntheme: t\nraised: 2019-01\nstatus: {status}\n{extra}")
}

/// A repository whose history changes the actions one at a time, renumbers one, deletes one, and
/// merges a branch that changed another; the log is in `log`, the repository at `root`.
fn history_repo(root: &Path, log: &Path) {
    let at = |n: u32| format!("2019-0{}-{:02}T12:00:00Z", 1 + n / 28, 1 + n % 28);
    git_as(root, "Ann", &at(0), &["init", "-q", "-b", "main"]);
    write(log, "themes.yaml", THEMES);
    for id in 1..=8 {
        write(
            log,
            &format!("actions/{id:03}.yaml"),
            &action(id, "not-started", ""),
        );
    }
    git_as(root, "Ann", &at(0), &["add", "-A"]);
    git_as(root, "Ann", &at(0), &["commit", "-q", "-m", "init"]);
    let n = std::cell::Cell::new(1);
    let step = |root: &Path, who: &str, msg: &str| {
        git_as(root, who, &at(n.get()), &["add", "-A"]);
        git_as(root, who, &at(n.get()), &["commit", "-q", "-m", msg]);
        n.set(n.get() + 1);
    };
    for round in 0..3 {
        for id in 1..=8 {
            let status = ["ongoing", "proposed-complete", "complete"][round];
            let signed = if status == "complete" {
                "signed_off: 2019-03\n"
            } else {
                ""
            };
            write(
                log,
                &format!("actions/{id:03}.yaml"),
                &action(id, status, signed),
            );
            step(root, "Bob", &format!("move {id}"));
        }
    }
    // 3 becomes 9 (a renumbering on the line), 5 is deleted.
    std::fs::remove_file(log.join("actions/003.yaml")).unwrap();
    write(
        log,
        "actions/009.yaml",
        &action(9, "complete", "signed_off: 2019-03\nformerly: [3]\n")
            .replace("Action 9", "Action 3"),
    );
    step(root, "Ann", "renumber 3 to 9");
    std::fs::remove_file(log.join("actions/005.yaml")).unwrap();
    step(root, "Ann", "remove 5");
    // A branch changes 2 while the line changes 4, then merges.
    git_as(root, "Cy", &at(n.get()), &["checkout", "-q", "-b", "side"]);
    write(
        log,
        "actions/002.yaml",
        &action(2, "ongoing", "links: [1]\n"),
    );
    step(root, "Cy", "side: reopen 2");
    git_as(root, "Ann", &at(n.get()), &["checkout", "-q", "main"]);
    write(
        log,
        "actions/004.yaml",
        &action(4, "closed", "merged_into: [1]\n"),
    );
    step(root, "Ann", "close 4");
    git_as(
        root,
        "Ann",
        &at(n.get()),
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
    );
}

/// Every history answer, read with the history cache off.
fn answers(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut questions: Vec<Vec<String>> = (1..=9)
        .map(|n| vec!["history".to_string(), n.to_string()])
        .collect();
    questions.push(vec!["log".into()]);
    questions.push(vec![
        "history".into(),
        "2".into(),
        "--format".into(),
        "json".into(),
    ]);
    for q in questions {
        let args: Vec<&str> = q.iter().map(String::as_str).collect();
        let o = oslog_with(root, &args, &[("OSLOG_NO_CACHE", "1")]);
        out.push(format!("{q:?}\n{}", common::shown(&o)));
    }
    out
}

/// Where chunk `name` of a commit-graph file starts and ends, from its table of contents.
fn chunk(bytes: &[u8], name: &[u8; 4]) -> (usize, usize) {
    let count = usize::from(bytes[6]);
    let offset = |i: usize| {
        let at = 8 + 12 * i + 4;
        u64::from_be_bytes(bytes[at..at + 8].try_into().unwrap()) as usize
    };
    let i = (0..count)
        .find(|i| &bytes[8 + 12 * i..8 + 12 * i + 4] == name)
        .expect("the chunk is there");
    (offset(i), offset(i + 1))
}

/// `git commit-graph write --reachable` with `flags`.
fn write_graph(root: &Path, flags: &[&str]) {
    let mut args = vec!["commit-graph", "write", "--reachable"];
    args.extend(flags);
    git_as(root, "Ann", "2019-09-01T12:00:00Z", &args);
}

/// Replace a file git wrote read-only.
fn overwrite(path: &Path, bytes: &[u8]) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn graph_file(root: &Path) -> std::path::PathBuf {
    root.join(".git/objects/info/commit-graph")
}

#[test]
fn history_is_the_same_with_and_without_a_commit_graph() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    history_repo(root, root);
    let plain = answers(root);
    assert!(
        plain[1].contains("move 2") && plain[1].contains("merge side"),
        "{}",
        plain[1]
    );
    write_graph(root, &["--changed-paths"]);
    assert!(graph_file(root).exists());
    assert_eq!(answers(root), plain, "with changed-path filters");
    // The history cache filled through the filters gives the same answers next time.
    for n in 1..=9 {
        let args = ["history".to_string(), n.to_string()];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let cached = oslog_with(root, &args, &[]);
        let again = oslog_with(root, &args, &[]);
        assert_eq!(cached.stdout, again.stdout);
        assert!(plain[n as usize - 1].contains(&String::from_utf8_lossy(&again.stdout).to_string()));
    }
    // A graph without filters, and a split chain.
    std::fs::remove_file(graph_file(root)).unwrap();
    write_graph(root, &[]);
    assert_eq!(answers(root), plain, "without filters");
    std::fs::remove_file(graph_file(root)).unwrap();
    write_graph(root, &["--changed-paths", "--split=no-merge"]);
    write(
        root,
        "actions/001.yaml",
        &action(1, "ongoing", "links: [2]\n"),
    );
    git_as(root, "Ann", "2019-09-02T12:00:00Z", &["add", "-A"]);
    git_as(
        root,
        "Ann",
        "2019-09-02T12:00:00Z",
        &["commit", "-q", "-m", "reopen 1"],
    );
    let plain_after = {
        let hidden = root.join(".git/objects/info/commit-graphs-hidden");
        std::fs::rename(root.join(".git/objects/info/commit-graphs"), &hidden).unwrap();
        let a = answers(root);
        std::fs::rename(&hidden, root.join(".git/objects/info/commit-graphs")).unwrap();
        a
    };
    write_graph(root, &["--changed-paths", "--split=no-merge"]);
    let chain =
        std::fs::read_to_string(root.join(".git/objects/info/commit-graphs/commit-graph-chain"))
            .unwrap();
    assert_eq!(chain.lines().count(), 2, "a chain of two layers");
    assert_eq!(answers(root), plain_after, "a split chain");
}

#[test]
fn a_damaged_commit_graph_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    history_repo(root, root);
    let plain = answers(root);
    write_graph(root, &["--changed-paths"]);
    let good = std::fs::read(graph_file(root)).unwrap();
    // Filters that rule out every path, under the old checksum: read without its checks, this graph
    // would hide every change from `history`.
    let (start, end) = chunk(&good, b"BDAT");
    let mut zeroed = good.clone();
    zeroed[start + 12..end].fill(0);
    let mut flipped = good.clone();
    let at = flipped.len() - 40;
    flipped[at] ^= 0xff;
    for (what, bytes) in [
        ("filters zeroed", zeroed),
        ("a flipped byte", flipped),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
    ] {
        overwrite(&graph_file(root), &bytes);
        assert_eq!(answers(root), plain, "{what}");
    }
    std::fs::remove_file(graph_file(root)).unwrap();
    // A chain that names a layer that is not there.
    write_graph(root, &["--changed-paths", "--split"]);
    let graphs = root.join(".git/objects/info/commit-graphs");
    let chain = graphs.join("commit-graph-chain");
    let text = std::fs::read_to_string(&chain).unwrap();
    std::fs::write(&chain, format!("{}\n{text}", "0".repeat(40))).unwrap();
    assert_eq!(answers(root), plain, "a chain naming a missing layer");
    std::fs::write(&chain, &text).unwrap();
    for layer in std::fs::read_dir(&graphs).unwrap() {
        let path = layer.unwrap().path();
        if path.extension().is_some_and(|e| e == "graph") {
            let bytes = std::fs::read(&path).unwrap();
            overwrite(&path, &bytes[..bytes.len() - 1]);
        }
    }
    assert_eq!(answers(root), plain, "a chain whose layer is truncated");
}

#[test]
fn a_log_in_a_folder_of_the_repository_reads_the_filters_by_its_full_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let log = root.join("forum");
    history_repo(root, &log);
    let plain = answers(&log);
    assert!(plain[1].contains("move 2"), "{}", plain[1]);
    write_graph(root, &["--changed-paths"]);
    assert_eq!(answers(&log), plain);
}
