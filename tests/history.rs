//! The git audit trail end to end: real repositories built with git2 in temporary folders, with fixed
//! authors and commit times, read by the `oslog` binary (`history`, `log`, `diff`, `slips`, `--as-of`).

mod common;
use common::{commit, commit_with, write};
use git2::Repository;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const THEMES: &str = "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\n";

/// 1 July 2019, noon UTC.
const T0: i64 = 1_561_982_400;

/// The time of day `day` after T0, in seconds since the epoch.
fn at(day: i64) -> i64 {
    T0 + day * 86_400
}

fn action(id: u32, theme: &str, deadline: &str, status: &str, extra: &str) -> String {
    format!("id: {id}\ntitle: Action number {id}\ntheme: {theme}\nraised: 2019-01\ndeadline: {deadline}\nstatus: {status}\n{extra}")
}

fn oslog(dir: &Path, args: &[&str]) -> Output {
    common::oslog_with(dir, args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let o = oslog(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A log with five commits on main and a merged branch:
/// 1. Ann adds actions 1 and 2 and a milestone;
/// 2. Bob starts action 1;
/// 3. Bob moves action 1's deadline from 2019-07 to 2019-09;
/// 4. Cy renumbers action 2 to 5 (`formerly: [2]`);
/// 5. on a branch, Dee proposes action 1 complete; Ann merges the branch (the merge commit).
fn scenario() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = Repository::init(root).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    write(root, "themes.yaml", THEMES);
    write(
        root,
        "actions/001.yaml",
        &action(1, "governance", "2019-07", "not-started", ""),
    );
    write(
        root,
        "actions/002.yaml",
        &action(2, "data-sharing", "2019-08", "ongoing", ""),
    );
    write(
        root,
        "timeline/2019-09-annual-report.yaml",
        "id: 2019-09-annual-report\ndate: 2019-09\nkind: report\ntitle: Annual report\nstatus: planned\n",
    );
    commit(&repo, "Ann", at(0), "Start the log");
    write(
        root,
        "actions/001.yaml",
        &action(1, "governance", "2019-07", "ongoing", ""),
    );
    commit(&repo, "Bob", at(1), "Start action 1");
    write(
        root,
        "actions/001.yaml",
        &action(1, "governance", "2019-09", "ongoing", ""),
    );
    commit(&repo, "Bob", at(2), "Move action 1's deadline");
    std::fs::remove_file(root.join("actions/002.yaml")).unwrap();
    write(
        root,
        "actions/005.yaml",
        &action(5, "data-sharing", "2019-08", "ongoing", "formerly: [2]\n")
            .replace("number 5", "number 2"),
    );
    commit(&repo, "Cy", at(3), "Renumber action 2 to 5");

    let main_tip = repo.head().unwrap().peel_to_commit().unwrap();
    repo.branch("feature", &main_tip, false).unwrap();
    repo.set_head("refs/heads/feature").unwrap();
    write(
        root,
        "actions/001.yaml",
        &action(1, "governance", "2019-09", "proposed-complete", ""),
    );
    let feature = commit(&repo, "Dee", at(4), "Propose action 1 complete");
    let feature = repo.find_commit(feature).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    commit_with(
        &repo,
        "Ann",
        at(5),
        "Merge branch 'feature'",
        &[&main_tip, &feature],
    );
    drop(feature);
    drop(main_tip);
    (dir, repo)
}

fn fields(entry: &Value) -> Vec<(String, String, String)> {
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["old"].as_str().unwrap_or("").to_string(),
                c["new"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn history_lists_status_changes_and_deadline_moves_newest_first() {
    let (dir, _repo) = scenario();
    let v = json(dir.path(), &["history", "1", "--format", "json"]);
    assert_eq!(v["shallow"], false);
    let changes = v["changes"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["commit"]["author"].as_str().unwrap(),
                c["event"].as_str().unwrap(),
            )
        })
        .collect();
    // The merge is compared with its first parent: the branch's change is Ann's merge.
    assert_eq!(
        summary,
        vec![
            ("Ann", "changed"),
            ("Bob", "changed"),
            ("Bob", "changed"),
            ("Ann", "added")
        ]
    );
    assert_eq!(
        fields(&changes[0]),
        vec![(
            "status".into(),
            "ongoing".into(),
            "proposed-complete".into()
        )]
    );
    assert_eq!(
        fields(&changes[1]),
        vec![("deadline".into(), "2019-07".into(), "2019-09".into())]
    );
    assert_eq!(changes[1]["flags"], serde_json::json!(["deadline-later"]));
    assert_eq!(changes[1]["commit"]["date"], "2019-07-03");
    assert_eq!(
        fields(&changes[2]),
        vec![("status".into(), "not-started".into(), "ongoing".into())]
    );

    let text = stdout(&oslog(dir.path(), &["history", "1"]));
    assert!(text.contains("deadline: 2019-07 → 2019-09"), "{text}");
    assert!(text.contains("! the deadline moved later"), "{text}");
}

#[test]
fn history_follows_a_renumbered_action() {
    let (dir, _repo) = scenario();
    let v = json(dir.path(), &["history", "5", "--format", "json"]);
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{v:#}");
    assert_eq!(changes[0]["event"], "renumbered");
    assert_eq!(changes[0]["from"], 2);
    assert_eq!(changes[0]["action"], 5);
    assert_eq!(changes[1]["event"], "added");
    assert_eq!(changes[1]["action"], 2);
    assert_eq!(changes[1]["file"], "actions/002.yaml");
}

#[test]
fn uncommitted_changes_come_first_and_are_marked() {
    let (dir, _repo) = scenario();
    write(
        dir.path(),
        "actions/001.yaml",
        &action(
            1,
            "governance",
            "2019-09",
            "complete",
            "signed_off: 2019-07-20\n",
        ),
    );
    let v = json(dir.path(), &["history", "1", "--format", "json"]);
    let first = &v["changes"][0];
    assert_eq!(first["uncommitted"], true);
    assert_eq!(first["commit"], Value::Null);
    assert_eq!(
        fields(first),
        vec![
            (
                "status".into(),
                "proposed-complete".into(),
                "complete".into()
            ),
            ("signed_off".into(), "".into(), "2019-07-20".into()),
        ]
    );
    let text = stdout(&oslog(dir.path(), &["history", "1"]));
    assert!(text.contains("uncommitted (working tree)"), "{text}");
}

#[test]
fn log_filters_by_field_theme_and_range() {
    let (dir, repo) = scenario();
    let v = json(dir.path(), &["log", "--format", "json"]);
    let commits = v["commits"].as_array().unwrap();
    assert_eq!(
        commits.len(),
        5,
        "every commit on the first-parent line: {v:#}"
    );
    assert_eq!(commits[0]["commit"]["summary"], "Merge branch 'feature'");
    assert_eq!(commits[4]["entries"].as_array().unwrap().len(), 3);

    let v = json(
        dir.path(),
        &[
            "log",
            "--field",
            "deadline",
            "--since",
            "2019-07-02",
            "--format",
            "json",
        ],
    );
    let commits = v["commits"].as_array().unwrap();
    let summaries: Vec<&str> = commits
        .iter()
        .map(|c| c["commit"]["summary"].as_str().unwrap())
        .collect();
    // The renumbering is an event of its own and is always kept.
    assert_eq!(
        summaries,
        vec!["Renumber action 2 to 5", "Move action 1's deadline"]
    );

    let v = json(
        dir.path(),
        &["log", "--theme", "data-sharing", "--format", "json"],
    );
    let n: usize = v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["entries"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 2, "the addition of 2 and its renumbering: {v:#}");

    let second = repo
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .parent(0)
        .unwrap();
    let since = second.parent(0).unwrap().id().to_string();
    let v = json(
        dir.path(),
        &[
            "log",
            "--since",
            &since,
            "--until",
            &second.id().to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(v["commits"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["commits"][0]["commit"]["summary"],
        "Renumber action 2 to 5"
    );

    let text = stdout(&oslog(dir.path(), &["log"]));
    assert!(
        text.contains("  #5  Action number 2\n      renumbered from #2"),
        "{text}"
    );
    assert!(
        text.contains("  2019-09-annual-report  Annual report\n      added"),
        "{text}"
    );
}

#[test]
fn diff_flags_what_a_reviewer_must_look_at_twice() {
    let (dir, _repo) = scenario();
    write(
        dir.path(),
        "actions/001.yaml",
        &action(
            1,
            "governance",
            "2019-12",
            "ongoing",
            "updates:\n  - text: Rewritten history\n",
        ),
    );
    write(
        dir.path(),
        "actions/003.yaml",
        &action(3, "governance", "2019-10", "not-started", ""),
    );
    let v = json(dir.path(), &["diff", "HEAD", "--format", "json"]);
    assert_eq!(v["to"], "working tree");
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["flags"], serde_json::json!(["deadline-later"]));
    assert_eq!(entries[1]["event"], "added");

    let v = json(dir.path(), &["diff", "HEAD~4..HEAD", "--format", "json"]);
    let events: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["changed", "renumbered"]);
    assert_eq!(
        v["entries"][0]["flags"],
        serde_json::json!(["deadline-later", "status-skip"])
    );

    let md = stdout(&oslog(
        dir.path(),
        &["diff", "HEAD~4..HEAD", "--format", "md"],
    ));
    // The range is a code span: shown exactly, with nothing escaped.
    assert!(md.starts_with("## oslog diff `HEAD~4..HEAD`"), "{md}");
    assert!(md.contains("### Look twice"), "{md}");
    // `#5` reads as written, but GitHub must not link it to an issue.
    assert!(
        md.contains("#### #\u{2060}5 Action number 2\n\n- renumbered from #\u{2060}2\n"),
        "{md}"
    );

    // With no range: the merge base with main (HEAD itself on main) up to the working tree.
    let v = json(dir.path(), &["diff", "--format", "json"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
}

#[test]
fn an_edited_or_removed_update_is_flagged() {
    let (dir, repo) = scenario();
    let with = |updates: &str| {
        action(
            5,
            "data-sharing",
            "2019-08",
            "ongoing",
            &format!("formerly: [2]\nupdates:\n{updates}"),
        )
        .replace("number 5", "number 2")
    };
    write(
        dir.path(),
        "actions/005.yaml",
        &with("  - text: First\n  - text: Second\n"),
    );
    commit(&repo, "Bob", at(6), "Two updates");
    write(
        dir.path(),
        "actions/005.yaml",
        &with("  - text: First, corrected\n"),
    );
    let v = json(dir.path(), &["diff", "HEAD", "--format", "json"]);
    assert_eq!(
        v["entries"][0]["flags"],
        serde_json::json!(["update-edited", "update-removed"])
    );
}

#[test]
fn slips_count_deadline_moves_per_action() {
    let (dir, _repo) = scenario();
    let v = json(dir.path(), &["slips", "--format", "json"]);
    let one = &v["actions"][0];
    assert_eq!(one["action"], 1);
    assert_eq!(
        (one["original"].as_str(), one["current"].as_str()),
        (Some("2019-07"), Some("2019-09"))
    );
    assert_eq!(one["moves"], 1);
    assert_eq!(one["delay_days"], 61);
    assert_eq!(v["actions"][1]["action"], 5);
    assert_eq!(v["actions"][1]["moves"], 0);
    assert_eq!(v["most_slipped"], serde_json::json!([1]));
    let text = stdout(&oslog(dir.path(), &["slips"]));
    assert!(
        text.contains("#1     moved 1 time: 2019-07 → 2019-09 (+61 days)"),
        "{text}"
    );
}

#[test]
fn a_shallow_clone_warns_that_the_trail_starts_at_the_graft() {
    let (dir, _repo) = scenario();
    let clone = tempfile::tempdir().unwrap();
    let target = clone.path().join("log");
    let url = format!("file://{}", dir.path().display());
    let status = Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", &url])
        .arg(&target)
        .status()
        .expect("git is installed");
    assert!(status.success());
    let v = json(&target, &["history", "1", "--format", "json"]);
    assert_eq!(v["shallow"], true);
    assert!(
        v["warnings"][0].as_str().unwrap().contains("shallow clone"),
        "{v:#}"
    );
    assert_eq!(
        v["changes"].as_array().unwrap().len(),
        0,
        "nothing is known before the graft"
    );
    let text = stdout(&oslog(&target, &["log"]));
    assert!(
        text.starts_with("warning: this is a shallow clone"),
        "{text}"
    );
}

#[test]
fn a_folder_that_is_not_a_repository_exits_2_for_history_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "themes.yaml", THEMES);
    write(
        dir.path(),
        "actions/001.yaml",
        &action(1, "governance", "2019-07", "ongoing", ""),
    );
    for args in [&["history", "1"][..], &["log"], &["diff"], &["slips"]] {
        let o = oslog(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is not in a git repository"), "{err}");
    }
    assert_eq!(oslog(dir.path(), &["validate"]).status.code(), Some(0));
}

#[test]
fn an_empty_repository_says_it_has_no_commits() {
    let dir = tempfile::tempdir().unwrap();
    Repository::init(dir.path()).unwrap();
    write(dir.path(), "themes.yaml", THEMES);
    let o = oslog(dir.path(), &["log"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no commits yet"), "{err}");
    assert_eq!(oslog(dir.path(), &["validate"]).status.code(), Some(0));
}

#[test]
fn a_detached_head_works_and_says_so() {
    let (dir, repo) = scenario();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    repo.set_head_detached(head.parent(0).unwrap().id())
        .unwrap();
    let v = json(dir.path(), &["history", "1", "--format", "json"]);
    assert_eq!(v["detached"].as_str().map(str::len), Some(7));
    assert_eq!(
        v["changes"].as_array().unwrap().len(),
        3 + 1,
        "the uncommitted proposal, then three commits"
    );
    // A comparison of named commits does not depend on where HEAD is, and says nothing of it.
    let text = stdout(&oslog(dir.path(), &["diff", "main..HEAD"]));
    assert!(!text.contains("detached"), "{text}");
    let text = stdout(&oslog(dir.path(), &["history", "1"]));
    assert!(text.starts_with("warning: HEAD is detached at"), "{text}");
}

#[test]
fn as_of_reads_the_log_at_a_commit_without_a_checkout() {
    let (dir, _repo) = scenario();
    let all_themes =
        |v: &Value| v["counts"].as_array().unwrap().last().unwrap()["by_status"].clone();
    let v = json(
        dir.path(),
        &["status", "--as-of", "HEAD~4", "--format", "json"],
    );
    assert_eq!(all_themes(&v), serde_json::json!([1, 1, 0, 0, 0]));
    let v = json(
        dir.path(),
        &["status", "--as-of", "2019-07-02", "--format", "json"],
    );
    assert_eq!(all_themes(&v), serde_json::json!([0, 2, 0, 0, 0]));
    let v = json(dir.path(), &["status", "--format", "json"]);
    assert_eq!(all_themes(&v), serde_json::json!([0, 1, 1, 0, 0]));

    let v = json(
        dir.path(),
        &["list", "--as-of", "HEAD~4", "--format", "json"],
    );
    let ids: Vec<&Value> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, vec![1, 2], "{v:#}");
    let v = json(
        dir.path(),
        &["show", "1", "--as-of", "HEAD~3", "--format", "json"],
    );
    assert_eq!(v["action"]["status"], "ongoing", "{v:#}");
    let o = oslog(dir.path(), &["status", "--as-of", "2019-06-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no commit on or before 2019-06-01"));
    let o = oslog(dir.path(), &["fmt", "--as-of", "HEAD"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_log_in_a_subfolder_of_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let root = dir.path().join("forum/log");
    write(&root, "themes.yaml", THEMES);
    write(
        &root,
        "actions/007.yaml",
        &action(7, "governance", "2019-07", "ongoing", ""),
    );
    commit(&repo, "Ann", at(0), "Start");
    write(
        &root,
        "actions/007.yaml",
        &action(7, "governance", "2019-08", "ongoing", ""),
    );
    commit(&repo, "Bob", at(1), "Move 7");
    let v = json(&root.join("actions"), &["history", "7", "--format", "json"]);
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{v:#}");
    assert_eq!(
        fields(&changes[0]),
        vec![("deadline".into(), "2019-07".into(), "2019-08".into())]
    );
    let v = json(&root, &["status", "--as-of", "HEAD~1", "--format", "json"]);
    assert_eq!(v["actions"], 1);
}

#[test]
fn an_unborn_branch_exits_2_for_history_only() {
    let (dir, repo) = scenario();
    // As after `git checkout --orphan fresh`: HEAD names a branch with no commits.
    repo.set_head("refs/heads/fresh").unwrap();
    for args in [&["history", "1"][..], &["log"], &["diff", "main..HEAD"]] {
        let o = oslog(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("branch `fresh` has no commits yet"), "{err}");
    }
    assert_eq!(oslog(dir.path(), &["validate"]).status.code(), Some(0));
    assert_eq!(oslog(dir.path(), &["list"]).status.code(), Some(0));
}

#[test]
fn a_corrupt_object_exits_2_with_a_message_naming_it() {
    let (dir, repo) = scenario();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let first = head.parent(0).unwrap().parent(0).unwrap().id().to_string();
    let loose = dir
        .path()
        .join(".git/objects")
        .join(&first[..2])
        .join(&first[2..]);
    let mut perms = std::fs::metadata(&loose).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&loose, perms).unwrap();
    std::fs::write(&loose, b"not a zlib stream").unwrap();
    for args in [&["history", "1"][..], &["log"]] {
        let o = oslog(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("oslog: error:"), "{err}");
        assert!(err.contains("repository is damaged"), "{err}");
        assert!(err.contains("git fsck"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(oslog(dir.path(), &["validate"]).status.code(), Some(0));
}

/// `.git` as a file: a linked worktree made with `git worktree add`.
#[test]
fn a_linked_worktree_reads_its_own_history() {
    let (dir, _repo) = scenario();
    let other = tempfile::tempdir().unwrap();
    let wt = other.path().join("wt");
    let status = Command::new("git")
        .args(["worktree", "add", "--quiet", "--detach"])
        .arg(&wt)
        .arg("main")
        .current_dir(dir.path())
        .status()
        .expect("git is installed");
    assert!(status.success());
    assert!(wt.join(".git").is_file());
    let v = json(&wt, &["history", "1", "--format", "json"]);
    assert_eq!(v["changes"].as_array().unwrap().len(), 4, "{v:#}");
    assert_eq!(oslog(&wt, &["validate"]).status.code(), Some(0));
}

/// `.git` as a file: a submodule keeps its repository elsewhere and names it with `gitdir:`.
#[test]
fn a_gitdir_file_is_followed() {
    let (dir, _repo) = scenario();
    let store = tempfile::tempdir().unwrap();
    let moved = store.path().join("modules/log");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(dir.path().join(".git"), &moved).unwrap();
    std::fs::write(
        dir.path().join(".git"),
        format!("gitdir: {}\n", moved.display()),
    )
    .unwrap();
    let repo = Repository::open(&moved).unwrap();
    // As a submodule's repository does, name the work tree in its config (`core.worktree`).
    repo.set_workdir(dir.path(), true).unwrap();
    let v = json(dir.path(), &["history", "1", "--format", "json"]);
    assert_eq!(v["changes"].as_array().unwrap().len(), 4, "{v:#}");
    assert_eq!(oslog(dir.path(), &["validate"]).status.code(), Some(0));
}

/// Every history answer, as bytes: what the cache must leave unchanged.
fn answers(dir: &Path, cache: bool) -> Vec<String> {
    let runs: [&[&str]; 9] = [
        &["history", "1", "--format", "json"],
        &["history", "5"],
        &["log", "--format", "json"],
        &["log", "--field", "status"],
        &["log", "--since", "2019-07-03"],
        &["log", "--since", "HEAD~3", "--format", "json"],
        &["slips", "--format", "json"],
        &["status", "--as-of", "2019-07-04"],
        &["report", "monthly", "--since", "2019-07-01"],
    ];
    runs.iter()
        .map(|args| {
            let env: &[(&str, &str)] = if cache {
                &[]
            } else {
                &[("OSLOG_NO_CACHE", "1")]
            };
            let o = common::oslog_with(dir, args, env);
            assert!(
                o.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            stdout(&o)
        })
        .collect()
}

fn cache_file(dir: &Path) -> std::path::PathBuf {
    dir.join(".git/oslog/history.cache")
}

#[test]
fn the_history_cache_gives_the_answers_a_cold_walk_gives() {
    let (dir, repo) = scenario();
    let cold = answers(dir.path(), false);
    assert!(
        !cache_file(dir.path()).exists(),
        "OSLOG_NO_CACHE writes none"
    );
    assert_eq!(
        answers(dir.path(), true),
        cold,
        "the run that fills the cache"
    );
    let text = std::fs::read_to_string(cache_file(dir.path())).unwrap();
    assert!(text.starts_with(CACHE_FORMAT), "{text}");
    assert_eq!(answers(dir.path(), true), cold, "the runs that read it");

    // A new commit on top: the cache has every commit but the tip, and must not hide it.
    write(
        dir.path(),
        "actions/001.yaml",
        &action(1, "governance", "2019-10", "ongoing", ""),
    );
    commit(&repo, "Eve", at(9), "Move action 1 to October");
    let cold = answers(dir.path(), false);
    assert!(cold[0].contains("Eve"), "{}", cold[0]);
    assert_eq!(answers(dir.path(), true), cold);
    assert_ne!(
        std::fs::read_to_string(cache_file(dir.path())).unwrap(),
        text
    );
}

/// A cache file with its checksum recomputed after `change` edits the tip's record: whole, but not
/// this repository's history.
fn forge(text: &str, head: &str, change: &dyn Fn(&mut Value)) -> Vec<u8> {
    let (first, body) = text.split_once('\n').unwrap();
    let mut v: Value = serde_json::from_str(body).unwrap();
    let tip = v["commits"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["id"] == head)
        .expect("the tip is cached");
    change(tip);
    let body = serde_json::to_string(&v).unwrap();
    let sum = git2::Oid::hash_object(git2::ObjectType::Blob, body.as_bytes()).unwrap();
    let (name, _) = first.rsplit_once(' ').unwrap();
    format!("{name} {sum}\n{body}").into_bytes()
}

/// The record-changes cache `text` with the record changes of commit `head` changed by `change`,
/// and the line's CRC-32 made to match: a forgery no check of the line can catch.
fn forge_line(text: &str, head: &str, change: &dyn Fn(&mut Value)) -> Vec<u8> {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match line.strip_prefix(head) {
            Some(rest) => {
                let (json, _) = rest[1..].trim_end().rsplit_once(' ').unwrap();
                let mut v: Value = serde_json::from_str(json).unwrap();
                change(&mut v);
                let json = serde_json::to_string(&v).unwrap();
                let sum = crc32fast::hash(json.as_bytes());
                out.push_str(&format!("{head} {json} {sum:08x}\n"));
            }
            None => out.push_str(line),
        }
    }
    assert_ne!(out, text, "the tip is cached");
    out.into_bytes()
}

/// Ways a cache file can be damaged, each with the bytes to put in its place.
/// The start of a cache file's first line: the format oslog writes.
const CACHE_FORMAT: &str = "oslog-history-cache 8 ";

fn damaged(good: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut flipped = good.to_string().into_bytes();
    let at = good.find("actions/001.yaml").unwrap();
    flipped[at + 10] = b'2';
    vec![
        ("a changed byte", flipped),
        (
            "a truncated file",
            good.as_bytes()[..good.len() / 2].to_vec(),
        ),
        ("an empty file", Vec::new()),
        ("not text", vec![0xff, 0xfe, 0, 1, 2]),
        (
            "another version",
            good.replacen(CACHE_FORMAT, "oslog-history-cache 999 ", 1)
                .into_bytes(),
        ),
    ]
}

#[test]
fn a_damaged_or_foreign_cache_is_detected_and_rebuilt() {
    let (dir, repo) = scenario();
    let cold = answers(dir.path(), false);
    answers(dir.path(), true);
    let head = repo.head().unwrap().target().unwrap().to_string();
    let steps = cache_file(dir.path());
    let entries = dir.path().join(".git/oslog/entries.cache");
    for (path, forged) in [
        (&steps, {
            let good = std::fs::read_to_string(&steps).unwrap();
            vec![
                (
                    "another summary at the tip",
                    forge(&good, &head, &|tip| {
                        tip["summary"] = "Nobody merged this".into()
                    }),
                ),
                (
                    "another file change at the tip",
                    forge(&good, &head, &|tip| {
                        tip["files"][0][2] = tip["files"][0][1].clone()
                    }),
                ),
            ]
        }),
        (&entries, {
            let good = std::fs::read_to_string(&entries).unwrap();
            vec![(
                "another status at the tip",
                forge_line(&good, &head, &|tip| {
                    tip[0]["changes"][0]["new"] = "complete".into()
                }),
            )]
        }),
    ] {
        let good = std::fs::read_to_string(path).unwrap();
        for (what, bytes) in damaged(&good).into_iter().chain(forged) {
            std::fs::write(path, &bytes).unwrap();
            assert_eq!(
                answers(dir.path(), true),
                cold,
                "{}: {what}",
                path.display()
            );
            let now = std::fs::read(path).unwrap();
            assert_ne!(now, bytes, "{what}: the cache is rewritten");
            assert!(now.starts_with(CACHE_FORMAT.as_bytes()), "{what}");
        }
    }
}

/// A cold walk killed, or failing, after any commit whose record changes it has written leaves the
/// cache as it was (none, or the one an earlier, shorter walk wrote) and prints nothing; the next
/// run gives the answers a run without the cache gives.
#[test]
fn a_walk_killed_or_failing_as_it_writes_the_cache_leaves_the_cache_as_it_was() {
    let (dir, _repo) = scenario();
    let cold = answers(dir.path(), false);
    let folder = dir.path().join(".git/oslog");
    let entries = folder.join("entries.cache");
    let log =
        |env: &[(&str, &str)]| common::oslog_with(dir.path(), &["log", "--format", "json"], env);
    // The scenario's first-parent line has 5 commits that change records; an older cache knows the
    // 3 oldest, so a walk then writes 2.
    for (earlier, written) in [(None, 5), (Some("HEAD~2"), 2)] {
        for (var, k) in ["OSLOG_ABORT_AT", "OSLOG_FAIL_AT"]
            .into_iter()
            .flat_map(|v| (1..=written + 1).map(move |k| (v, k)))
        {
            let _ = std::fs::remove_dir_all(&folder);
            if let Some(rev) = earlier {
                let o = common::oslog_with(dir.path(), &["log", "--until", rev], &[]);
                assert!(o.status.success());
            }
            let before = std::fs::read(&entries).ok();
            let at = format!("history-spooled:{k}");
            let o = log(&[(var, &at)]);
            let err = String::from_utf8_lossy(&o.stderr);
            if k > written {
                // Past the last commit written: the point is never reached.
                assert!(o.status.success(), "{var} {at}: {err}");
                continue;
            }
            assert!(!o.status.success(), "{var} {at}");
            assert!(
                o.stdout.is_empty(),
                "{var} {at}: printed before the walk was whole"
            );
            if var == "OSLOG_FAIL_AT" {
                assert_eq!(o.status.code(), Some(2), "{err}");
                assert!(err.contains("injected failure at history-spooled"), "{err}");
            }
            assert_eq!(
                std::fs::read(&entries).ok(),
                before,
                "{var} {at}: the cache changed"
            );
            assert_eq!(answers(dir.path(), true), cold, "{var} {at}");
            assert!(entries.exists());
        }
    }
}

/// Two cold walks at once: the one that finishes last puts its cache in place over the other's,
/// after the other swept the cache's folder without touching its temporary file. Both answer as a
/// run without the cache does, and so does the next run, from the cache they left.
#[cfg(unix)]
#[test]
fn two_cold_walks_at_once_each_leave_a_whole_cache() {
    let (dir, _repo) = scenario();
    let cold = answers(dir.path(), false);
    let args = ["log", "--format", "json"];
    let reached = tempfile::tempdir().unwrap();
    let slow = common::oslog_command(dir.path(), &args)
        .env("OSLOG_DELAY", "history-walked:1500")
        .env("OSLOG_REACHED", reached.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !reached.path().join("history-walked").exists() {
        assert!(
            started.elapsed().as_secs() < 30,
            "the slow walk never got there"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let fast = common::oslog_with(dir.path(), &args, &[]);
    let entries = dir.path().join(".git/oslog/entries.cache");
    let file_of = |path: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).map(|m| (m.dev(), m.ino())).unwrap()
    };
    let fast_file = file_of(&entries);
    let slow = slow.wait_with_output().unwrap();
    assert!(fast.status.success() && slow.status.success());
    assert_ne!(
        file_of(&entries),
        fast_file,
        "the slow walk's cache, put in place last, is the one left"
    );
    let expected = common::oslog_with(dir.path(), &args, &[("OSLOG_NO_CACHE", "1")]).stdout;
    assert_eq!(fast.stdout, expected);
    assert_eq!(slow.stdout, expected);
    assert_eq!(answers(dir.path(), true), cold);
    let left: Vec<_> = std::fs::read_dir(dir.path().join(".git/oslog"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "the two cache files, no temporary one: {left:?}"
    );
}

/// A run killed while it writes the cache leaves its temporary file in the cache's folder; the next
/// run that writes the cache removes it once it has not been written to for a day, and leaves a
/// newer one (another run may be writing it).
#[test]
fn a_temporary_file_a_killed_run_left_is_swept_after_a_day() {
    let (dir, _repo) = scenario();
    let cold = answers(dir.path(), false);
    let folder = dir.path().join(".git/oslog");
    std::fs::create_dir_all(&folder).unwrap();
    let (old, new) = (
        folder.join(".oslog-Killed.tmp"),
        folder.join(".oslog-Writing.tmp"),
    );
    for path in [&old, &new] {
        std::fs::write(path, "oslog-history-cache 8 half a line").unwrap();
    }
    let two_days = std::time::Duration::from_secs(2 * 24 * 60 * 60);
    let file = std::fs::File::options().write(true).open(&old).unwrap();
    file.set_modified(std::time::SystemTime::now() - two_days)
        .unwrap();
    assert_eq!(answers(dir.path(), true), cold);
    assert!(!old.exists(), "a day-old temporary file is removed");
    assert!(new.exists(), "a newer one is left alone");
    assert!(folder.join("entries.cache").exists());
}

#[test]
fn a_cache_that_cannot_be_written_costs_nothing_but_time() {
    let (dir, _repo) = scenario();
    let cold = answers(dir.path(), false);
    // A file where the cache's folder would be.
    std::fs::write(dir.path().join(".git/oslog"), "not a folder").unwrap();
    assert_eq!(answers(dir.path(), true), cold);
    std::fs::remove_file(dir.path().join(".git/oslog")).unwrap();
    // A folder where the cache file would be.
    std::fs::create_dir_all(cache_file(dir.path())).unwrap();
    assert_eq!(answers(dir.path(), true), cold);
}

/// Packed objects are read by oslog's own pack reader; loose ones by libgit2. Both give one answer.
#[test]
fn a_packed_repository_gives_the_answers_a_loose_one_gives() {
    let (dir, repo) = scenario();
    // Enough commits for the walk to read trees through the pack reader.
    for day in 10..40 {
        let deadline = format!("2020-{:02}", day % 12 + 1);
        write(
            dir.path(),
            "actions/001.yaml",
            &action(1, "governance", &deadline, "ongoing", ""),
        );
        commit(
            &repo,
            "Fay",
            at(day),
            &format!("Move action 1 to {deadline}"),
        );
    }
    let loose = answers(dir.path(), false);
    for args in [
        &["gc", "--quiet", "--aggressive"][..],
        &["repack", "-adfq", "--depth=2"],
    ] {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .status()
            .expect("git is installed")
            .success();
        assert!(ok, "{args:?}");
        assert_eq!(answers(dir.path(), false), loose, "{args:?}, cold");
        assert_eq!(
            answers(dir.path(), true),
            loose,
            "{args:?}, filling the cache"
        );
        assert_eq!(answers(dir.path(), true), loose, "{args:?}, warm");
    }
}

/// A renumbering not committed yet: the trail starts in the working tree and goes on through the
/// former numbers' files; once the move is committed, it goes through them only before the move.
#[test]
fn an_uncommitted_renumbering_is_followed_and_a_reused_number_is_not() {
    let (dir, repo) = scenario();
    std::fs::remove_file(dir.path().join("actions/005.yaml")).unwrap();
    write(
        dir.path(),
        "actions/006.yaml",
        &action(
            6,
            "data-sharing",
            "2019-08",
            "ongoing",
            "formerly: [2, 5]\n",
        ),
    );
    let v = json(dir.path(), &["history", "6", "--format", "json"]);
    let events: Vec<(&str, u64)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["event"].as_str().unwrap(), c["action"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        events,
        vec![("renumbered", 6), ("renumbered", 5), ("added", 2)],
        "{v:#}"
    );
    assert_eq!(v["changes"][0]["uncommitted"], true);

    // Committed, and number 5 given to a new action afterwards: its trail is not action 6's.
    commit(&repo, "Cy", at(10), "Renumber action 5 to 6");
    write(
        dir.path(),
        "actions/005.yaml",
        &action(5, "governance", "2019-12", "not-started", ""),
    );
    commit(&repo, "Dee", at(11), "Add a new action 5");
    let v = json(dir.path(), &["history", "6", "--format", "json"]);
    assert_eq!(v["changes"].as_array().unwrap().len(), 3, "{v:#}");
    assert!(!v.to_string().contains("Dee"), "{v:#}");
}
