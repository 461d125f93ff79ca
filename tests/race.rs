//! Writers at the same moment. `renumber` is held open after it has chosen its numbers (the
//! `renumber-planned` point, with `OSLOG_REACHED` and `OSLOG_DELAY`), and the other command runs
//! inside that window every time, not by luck: no record may be lost or overwritten, and no two
//! records may share a number.

mod common;
use common::{add_args, commit, log_repo, switch, write};
use git2::Repository;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";

fn action(id: u32, title: &str) -> String {
    format!("id: {id}\ntitle: {title}\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n")
}

/// A repository with actions 1 to 3 on `main`; then `main` and `feature` each add a different action
/// 4. HEAD is `feature`, so `renumber --onto main` moves feature's action 4 to the new file 005.yaml.
fn two_branches() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = log_repo(root, THEMES, 3, |id| action(id, &format!("Action {id}")));
    commit(&repo, "Ann", 1_561_982_400, "Start the log");
    switch(&repo, "feature");
    switch(&repo, "main");
    write(root, "actions/004.yaml", &action(4, "Main's action"));
    commit(&repo, "Bob", 1_562_068_800, "Add 4 on main");
    switch(&repo, "feature");
    write(root, "actions/004.yaml", &action(4, "Feature's action"));
    commit(&repo, "Cy", 1_562_155_200, "Add 4 on feature");
    (dir, repo)
}

fn oslog(root: &Path, args: &[&str]) -> Command {
    let mut cmd = common::oslog_command(root, args);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Start `oslog renumber --onto main`, held for `ms` at the named point, and return once it is there.
fn held_at(root: &Path, point: &str, ms: u64) -> (Child, tempfile::TempDir) {
    let signals = tempfile::tempdir().unwrap();
    let child = oslog(root, &["renumber", "--onto", "main"])
        .env("OSLOG_REACHED", signals.path())
        .env("OSLOG_DELAY", format!("{point}:{ms}"))
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !signals.path().join(point).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "renumber never reached {point}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    (child, signals)
}

fn add(root: &Path, title: &str) -> Command {
    oslog(root, &add_args(title))
}

/// The title of every action file, by file.
fn titles(root: &Path) -> BTreeMap<PathBuf, String> {
    std::fs::read_dir(root.join("actions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("title: "))
                .unwrap_or_else(|| panic!("{}: {text}", p.display()))
                .to_string();
            (p, title)
        })
        .collect()
}

/// Each title is in exactly one file, and the log is valid.
fn each_once(root: &Path, want: &[&str]) {
    let all = titles(root);
    for t in want {
        let n = all.values().filter(|v| v == t).count();
        assert_eq!(n, 1, "{t:?} is in {n} files: {all:#?}");
    }
    let valid = oslog(root, &["validate", "--strict"]).output().unwrap();
    assert!(valid.status.success(), "{}", text(&valid));
}

#[test]
fn an_add_while_renumber_writes_keeps_both_records() {
    let (dir, _repo) = two_branches();
    let root = dir.path();
    let (renumber, _signals) = held_at(root, "renumber-planned", 1500);
    let added = add(root, "Added meanwhile").output().unwrap();
    assert!(added.status.success(), "{}", text(&added));
    let renumbered = renumber.wait_with_output().unwrap();
    assert!(renumbered.status.success(), "{}", text(&renumbered));
    assert!(
        text(&renumbered).contains("action 4 → 5: Feature's action"),
        "{}",
        text(&renumbered)
    );
    each_once(
        root,
        &[
            "Action 1",
            "Action 2",
            "Action 3",
            "Feature's action",
            "Added meanwhile",
        ],
    );
    assert!(text(&added).contains("added action 6"), "{}", text(&added));
}

#[test]
fn many_adds_while_renumber_writes_each_keep_their_record() {
    let (dir, _repo) = two_branches();
    let root = dir.path();
    let (renumber, _signals) = held_at(root, "renumber-planned", 1500);
    let names: Vec<String> = (0..12).map(|i| format!("Added meanwhile {i}")).collect();
    let adds: Vec<Child> = names
        .iter()
        .map(|t| add(root, t).spawn().unwrap())
        .collect();
    let mut numbers = Vec::new();
    for a in adds {
        let o = a.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
        numbers.push(text(&o));
    }
    let renumbered = renumber.wait_with_output().unwrap();
    assert!(renumbered.status.success(), "{}", text(&renumbered));
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        12,
        "two adds reported one number: {numbers:?}"
    );
    let mut want: Vec<&str> = names.iter().map(String::as_str).collect();
    want.push("Feature's action");
    each_once(root, &want);
}

#[test]
fn a_file_that_appears_at_a_new_name_is_never_overwritten() {
    let (dir, _repo) = two_branches();
    let root = dir.path();
    let before = std::fs::read(root.join("actions/004.yaml")).unwrap();
    let (renumber, _signals) = held_at(root, "renumber-planned", 500);
    // Written by hand (or by an older oslog that takes no lock) inside the window.
    let mine = action(5, "Written by hand");
    std::fs::write(root.join("actions/005.yaml"), &mine).unwrap();
    let refused = renumber.wait_with_output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("actions/005.yaml"),
        "{}",
        text(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("actions/005.yaml")).unwrap(),
        mine
    );
    assert_eq!(
        std::fs::read(root.join("actions/004.yaml")).unwrap(),
        before
    );
}

#[test]
fn a_write_under_way_is_not_reported_as_interrupted() {
    let (dir, _repo) = two_branches();
    let root = dir.path();
    let (renumber, _signals) = held_at(root, "journal-written", 1500);
    assert!(root.join(".oslog-journal").exists());
    let v = oslog(root, &["validate", "--format", "json"])
        .output()
        .unwrap();
    assert!(!text(&v).contains("interrupted-write"), "{}", text(&v));
    let status = oslog(root, &["status"]).output().unwrap();
    assert!(
        !text(&status).contains("interrupted-write"),
        "{}",
        text(&status)
    );
    let done = renumber.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", text(&done));
    assert!(!root.join(".oslog-journal").exists());
}

#[test]
fn a_killed_lock_holder_does_not_lock_the_log() {
    let (dir, _repo) = two_branches();
    let root = dir.path();
    let signals = tempfile::tempdir().unwrap();
    let mut holder = oslog(root, &["update", "1", "Held, then killed."])
        .env("OSLOG_REACHED", signals.path())
        .env("OSLOG_DELAY", "lock-taken:60000")
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !signals.path().join("lock-taken").exists() {
        assert!(start.elapsed() < Duration::from_secs(30), "never locked");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(oslog::store::lock_held(root));
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(
        !oslog::store::lock_held(root),
        "the lock ended with its holder"
    );
    let next = oslog(root, &["update", "1", "Next."]).output().unwrap();
    assert!(next.status.success(), "{}", text(&next));
    let file = std::fs::read_to_string(root.join("actions/001.yaml")).unwrap();
    assert!(file.contains("Next.") && !file.contains("Held"), "{file}");
}
