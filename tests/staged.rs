//! The pre-commit hook checks exactly what is being committed: `oslog validate --staged` and
//! `oslog fmt --check --staged` read the log from the git index (or the temporary index git gives a
//! hook for `git commit -a` and `git commit PATH`), not the working tree. Every case runs the `git`
//! program as a user would, with the hook that `oslog hooks install` writes.

mod common;

use common::{oslog_with, path_with_oslog, write};
use std::path::Path;
use std::process::{Command, Output};

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";
const ONE: &str =
    "id: 1\ntitle: Publish the code of practice.\ntheme: governance\nraised: 2019-02\nstatus: ongoing\n";
const TWO: &str = "id: 2\ntitle: Circulate the DPIA.\ntheme: governance\nraised: 2019-03\nstatus: ongoing\nlinks: [1]\n";
/// Action 2 with a key the format does not define.
const TWO_BROKEN: &str = "id: 2\ntitle: Circulate the DPIA.\ntheme: governance\nraised: 2019-03\nstatus: ongoing\nlinks: [1]\ncolour: red\n";

/// Run `git` in `dir` with a fixed identity and time, no user or system configuration, and the
/// binary under test on PATH for the hook.
fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ann")
        .env("GIT_AUTHOR_EMAIL", "ann@example.org")
        .env("GIT_COMMITTER_NAME", "Ann")
        .env("GIT_COMMITTER_EMAIL", "ann@example.org")
        .env("GIT_AUTHOR_DATE", "2019-07-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2019-07-01T12:00:00Z")
        .env("PATH", path_with_oslog())
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap()
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A new repository holding a log under `sub` (empty for the top), with oslog's hook installed and
/// a first commit made through it.
fn repository(sub: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(git(dir.path(), &["init", "-q", "-b", "main"]));
    let root = dir.path().join(sub);
    write(&root, "themes.yaml", THEMES);
    write(&root, "actions/001.yaml", ONE);
    ok(oslog_with(&root, &["hooks", "install"], &[]));
    ok(git(dir.path(), &["add", "."]));
    // The first commit, on an unborn branch, runs the hook too.
    ok(git(dir.path(), &["commit", "-q", "-m", "Start the log"]));
    dir
}

fn head(dir: &Path) -> String {
    text(&ok(git(dir, &["rev-parse", "HEAD"])))
}

fn committed(dir: &Path, path: &str) -> String {
    text(&ok(git(dir, &["show", &format!("HEAD:{path}")])))
}

#[test]
fn a_broken_file_staged_and_fixed_only_in_the_working_tree_is_refused() {
    let dir = repository("");
    let before = head(dir.path());
    write(dir.path(), "actions/002.yaml", TWO_BROKEN);
    ok(git(dir.path(), &["add", "actions/002.yaml"]));
    write(dir.path(), "actions/002.yaml", TWO);
    let o = git(dir.path(), &["commit", "-q", "-m", "Add action 2"]);
    assert!(!o.status.success(), "the broken staged file was committed");
    assert!(text(&o).contains("unknown-field"), "{}", text(&o));
    assert_eq!(head(dir.path()), before);
}

#[test]
fn a_good_file_staged_and_broken_only_in_the_working_tree_is_committed() {
    let dir = repository("");
    write(dir.path(), "actions/002.yaml", TWO);
    ok(git(dir.path(), &["add", "actions/002.yaml"]));
    write(dir.path(), "actions/002.yaml", TWO_BROKEN);
    ok(git(dir.path(), &["commit", "-q", "-m", "Add action 2"]));
    assert_eq!(committed(dir.path(), "actions/002.yaml"), TWO);
}

#[test]
fn commit_all_and_commit_of_paths_are_checked_as_they_will_be_committed() {
    let dir = repository("");
    // The index holds a broken version; `git commit -a` and `git commit PATH` commit the good one
    // from the working tree, through a temporary index the hook is given.
    write(dir.path(), "actions/002.yaml", TWO);
    ok(git(dir.path(), &["add", "actions/002.yaml"]));
    ok(git(dir.path(), &["commit", "-q", "-m", "Add action 2"]));
    write(dir.path(), "actions/002.yaml", TWO_BROKEN);
    ok(git(dir.path(), &["add", "actions/002.yaml"]));
    write(
        dir.path(),
        "actions/002.yaml",
        &TWO.replace("DPIA", "DPIA again"),
    );
    ok(git(
        dir.path(),
        &["commit", "-q", "-a", "-m", "Edit action 2"],
    ));
    assert!(committed(dir.path(), "actions/002.yaml").contains("DPIA again"));

    write(dir.path(), "actions/002.yaml", TWO_BROKEN);
    let o = git(
        dir.path(),
        &["commit", "-q", "-m", "Break 2", "--", "actions/002.yaml"],
    );
    assert!(!o.status.success(), "a broken file committed by path");
    let o = git(dir.path(), &["commit", "-q", "-a", "-m", "Break 2"]);
    assert!(!o.status.success(), "a broken file committed with -a");
    write(dir.path(), "actions/002.yaml", TWO);
    ok(git(
        dir.path(),
        &["commit", "-q", "-m", "Two", "--", "actions/002.yaml"],
    ));
    assert_eq!(committed(dir.path(), "actions/002.yaml"), TWO);
}

#[test]
fn intent_to_add_files_are_not_staged_and_removed_files_are_gone() {
    let dir = repository("");
    // `git add -N` records only the intent: the file is not part of the commit.
    write(dir.path(), "actions/003.yaml", "id: 3\nbroken: [\n");
    ok(git(dir.path(), &["add", "-N", "actions/003.yaml"]));
    write(dir.path(), "actions/002.yaml", TWO);
    ok(git(dir.path(), &["add", "actions/002.yaml"]));
    let o = ok(oslog_with(
        dir.path(),
        &["validate", "--staged", "--strict"],
        &[],
    ));
    assert!(text(&o).contains("ok: 2 actions"), "{}", text(&o));
    ok(git(dir.path(), &["commit", "-q", "-m", "Add action 2"]));

    // Action 1 removed from the index but still on disk: action 2's link now dangles.
    ok(git(
        dir.path(),
        &["rm", "-q", "--cached", "actions/001.yaml"],
    ));
    assert!(dir.path().join("actions/001.yaml").exists());
    let o = git(dir.path(), &["commit", "-q", "-m", "Remove action 1"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("dangling-reference"), "{}", text(&o));
    assert_eq!(
        oslog_with(dir.path(), &["validate", "--strict"], &[])
            .status
            .code(),
        Some(1),
        "the working tree still has the broken intent-to-add file"
    );
}

#[test]
fn a_conflicted_file_in_the_index_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(git(d, &["init", "-q", "-b", "main"]));
    write(d, "themes.yaml", THEMES);
    write(d, "actions/001.yaml", ONE);
    ok(git(d, &["add", "."]));
    ok(git(d, &["commit", "-q", "-m", "Start"]));
    ok(git(d, &["checkout", "-q", "-b", "other"]));
    write(d, "actions/001.yaml", &ONE.replace("code", "draft code"));
    ok(git(d, &["commit", "-q", "-a", "-m", "Draft"]));
    ok(git(d, &["checkout", "-q", "main"]));
    write(d, "actions/001.yaml", &ONE.replace("code", "final code"));
    ok(git(d, &["commit", "-q", "-a", "-m", "Final"]));
    assert!(!git(d, &["merge", "-q", "other"]).status.success());

    let o = oslog_with(d, &["validate", "--staged", "--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(o.stderr.is_empty(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("merge-conflict", "actions/001.yaml")]);
    let o = oslog_with(d, &["fmt", "--check", "--staged"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn fmt_check_staged_reads_the_staged_layout() {
    let dir = repository("");
    let scrambled =
        "title: Circulate the DPIA.\nid: 2\ntheme: governance\nraised: 2019-03\nstatus: ongoing\n";
    write(dir.path(), "actions/002.yaml", scrambled);
    ok(git(dir.path(), &["add", "actions/002.yaml"]));
    write(
        dir.path(),
        "actions/002.yaml",
        "id: 2\ntitle: Circulate the DPIA.\ntheme: governance\nraised: 2019-03\nstatus: ongoing\n",
    );
    ok(oslog_with(dir.path(), &["fmt", "--check"], &[]));
    let o = oslog_with(dir.path(), &["fmt", "--check", "--staged"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not canonical: actions/002.yaml"),
        "{}",
        text(&o)
    );
    assert!(!git(dir.path(), &["commit", "-q", "-m", "Add 2"])
        .status
        .success());
    // Rewriting the index is not what fmt does: --staged only checks.
    let o = oslog_with(dir.path(), &["fmt", "--staged"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn findings_show_the_staged_lines_in_a_log_in_a_subfolder() {
    let dir = repository("forum/log");
    let root = dir.path().join("forum/log");
    write(&root, "actions/002.yaml", TWO_BROKEN);
    ok(git(dir.path(), &["add", "."]));
    write(&root, "actions/002.yaml", TWO);
    let o = oslog_with(&root, &["validate", "--staged"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("7 | colour: red"), "{}", text(&o));
    let o = git(dir.path(), &["commit", "-q", "-m", "Add action 2"]);
    assert!(!o.status.success(), "{}", text(&o));
}

#[test]
fn a_hook_installed_by_an_earlier_oslog_is_updated_by_a_reinstall() {
    let dir = repository("");
    let hook = dir.path().join(".git/hooks/pre-commit");
    // The script as earlier versions wrote it: it checked the working tree.
    let old = "#!/bin/sh\n# Installed by `oslog hooks install`.\n# Checks the action log before every commit; `git commit --no-verify` skips it once.\nset -e\nif ! command -v oslog >/dev/null 2>&1; then\n  echo 'oslog is not on PATH; install it (cargo install --path <oslog source>) or commit with --no-verify' >&2\n  exit 1\nfi\noslog -C '.' validate --strict\noslog -C '.' fmt --check\n";
    std::fs::write(&hook, old).unwrap();
    let o = ok(oslog_with(dir.path(), &["hooks", "install"], &[]));
    assert!(text(&o).contains("updated"), "{}", text(&o));
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.contains("validate --strict --staged"), "{script}");
    assert!(script.contains("fmt --check --staged"), "{script}");
    let o = ok(oslog_with(dir.path(), &["hooks", "install"], &[]));
    assert!(text(&o).contains("up to date"), "{}", text(&o));
}
