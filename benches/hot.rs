//! criterion benchmarks for the hot paths: decoding one action file, loading a log of 10,000 actions,
//! and walking the history of 1,000 commits. The logs are built in a temporary folder first, so only
//! the work itself is timed. Run with `cargo bench --bench hot`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use oslog::git::Repo;
use oslog::store::{self, RecordKind};
use std::path::Path;
use std::process::{Command, Stdio};

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";

fn action(id: u32, status: &str, updates: usize) -> String {
    let mut text = format!(
        "id: {id}\ntitle: Action {id} on the data sharing paper and its review\ntheme: governance\nowner: HO\nraised: 2018-07\ndeadline: 2019-07\nstatus: {status}\n"
    );
    if updates > 0 {
        text.push_str("updates:\n");
        for k in 1..=updates {
            text.push_str(&format!(
                "  - date: 2019-0{k}\n    text: Update {k}: the paper was discussed and a review agreed.\n"
            ));
        }
    }
    text
}

fn write_log(root: &Path, actions: u32) {
    std::fs::write(root.join(store::THEMES_FILE), THEMES).unwrap();
    std::fs::create_dir_all(root.join(store::ACTIONS_DIR)).unwrap();
    for id in 1..=actions {
        let file = root
            .join(store::ACTIONS_DIR)
            .join(oslog::model::Action::file_name(id));
        std::fs::write(file, action(id, "ongoing", 1 + id as usize % 6)).unwrap();
    }
}

/// A repository of 100 actions and `commits` commits that each change one action's status, built
/// with git fast-import.
fn write_repo(root: &Path, commits: u32) {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .status()
            .unwrap()
    };
    git(&["init", "-q", "-b", "main"]);
    let mut stream = String::new();
    let data = |s: &mut String, text: &str| s.push_str(&format!("data {}\n{text}\n", text.len()));
    let commit = |s: &mut String, n: u32, msg: &str| {
        s.push_str("commit refs/heads/main\n");
        s.push_str(&format!(
            "committer Ann <ann@example.org> {} +0000\n",
            1_546_300_800 + 60 * n
        ));
        data(s, msg);
    };
    commit(&mut stream, 0, "Start");
    stream.push_str("M 100644 inline themes.yaml\n");
    data(&mut stream, THEMES);
    for id in 1..=100 {
        stream.push_str(&format!("M 100644 inline actions/{id:03}.yaml\n"));
        data(&mut stream, &action(id, "not-started", 1));
    }
    let statuses = ["ongoing", "proposed-complete", "not-started"];
    for n in 1..=commits {
        let id = n % 100 + 1;
        commit(&mut stream, n, &format!("Move {id}"));
        stream.push_str(&format!("M 100644 inline actions/{id:03}.yaml\n"));
        data(
            &mut stream,
            &action(id, statuses[(n / 100) as usize % 3], 1),
        );
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(&["reset", "-q", "--hard", "main"]);
}

fn parse_one(c: &mut Criterion) {
    let text = action(16, "ongoing", 6);
    let src = store::source_from_bytes(text.into_bytes()).unwrap_or_else(|_| unreachable!());
    c.bench_function("parse one action", |b| {
        b.iter(|| store::decode_source(RecordKind::Action, Path::new("actions/016.yaml"), &src))
    });
}

fn load_10000(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), 10_000);
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("load 10,000 actions", |b| {
        b.iter(|| store::load(dir.path()).unwrap())
    });
    group.finish();
}

fn walk_1000(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    write_repo(dir.path(), 1000);
    let mut group = c.benchmark_group("history");
    group.sample_size(10);
    // Cold: the history cache is removed before each run; warm: the previous run's cache is read.
    let cache = dir.path().join(".git/oslog");
    let forget = || {
        let _ = std::fs::remove_dir_all(&cache);
    };
    let log = || {
        let repo = Repo::open(dir.path()).unwrap();
        repo.changes(repo.head().unwrap(), None).unwrap()
    };
    let history = || Repo::open(dir.path()).unwrap().action_trail(42).unwrap();
    group.bench_function("log over 1,000 commits, cold", |b| {
        b.iter_batched(forget, |_| log(), BatchSize::PerIteration)
    });
    group.bench_function("log over 1,000 commits, warm", |b| b.iter(log));
    group.bench_function("history of one action over 1,000 commits, cold", |b| {
        b.iter_batched(forget, |_| history(), BatchSize::PerIteration)
    });
    group.bench_function("history of one action over 1,000 commits, warm", |b| {
        b.iter(history)
    });
    group.finish();
}

criterion_group!(benches, parse_one, load_10000, walk_1000);
criterion_main!(benches);
