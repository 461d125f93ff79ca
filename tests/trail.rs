//! The audit trail follows a record, not a number: across merges of branches that renumbered, to a
//! deleted action's removal, and never to a number that was not used. Real repositories in temporary
//! folders, with branches, merges and commits made by the `git` program as a user makes them, each
//! commit with a fixed author and day.

mod common;
use serde_json::Value;

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";

fn action(id: u32, title: &str, deadline: &str, status: &str, extra: &str) -> String {
    format!("id: {id}\ntitle: {title}\ntheme: governance\nraised: 2019-01\ndeadline: {deadline}\nstatus: {status}\n{extra}")
}

use common::GitLog as Log;

/// Actions 1 and 2, committed by Ann.
fn new_log() -> Log {
    let log = Log::new();
    log.write("themes.yaml", THEMES);
    log.write(
        "actions/001.yaml",
        &action(1, "First action", "2019-07", "ongoing", ""),
    );
    log.write(
        "actions/002.yaml",
        &action(2, "Second action", "2019-08", "not-started", ""),
    );
    log.commit("Ann", "Start the log");
    log
}

/// (author, event, action) of each change in `oslog history N --format json`.
fn trail(log: &Log, n: u32) -> Vec<(String, String, u64)> {
    let v = log.json(&["history", &n.to_string(), "--format", "json"]);
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["commit"]["author"].as_str().unwrap_or("").to_string(),
                c["event"].as_str().unwrap().to_string(),
                c["action"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Branches `a` (Ann) and `b` (Bob) each add action 3; `a` is merged into main first; `b` runs
/// `oslog renumber --onto main --commit` (3 → 4). Main's 3 is Ann's; Bob's action is 4.
fn two_branches_one_number() -> Log {
    let log = new_log();
    log.git("Ann", &["checkout", "--quiet", "-b", "a"]);
    log.write(
        "actions/003.yaml",
        &action(3, "Ann's action", "2019-08", "ongoing", ""),
    );
    log.commit("Ann", "Add action 3");
    log.git("Bob", &["checkout", "--quiet", "-b", "b", "main"]);
    log.write(
        "actions/003.yaml",
        &action(3, "Bob's action", "2019-09", "not-started", ""),
    );
    log.commit("Bob", "Add action 3");
    log.write(
        "actions/003.yaml",
        &action(3, "Bob's action", "2019-10", "not-started", ""),
    );
    log.commit("Bob", "Move action 3's deadline");
    log.git("Cy", &["checkout", "--quiet", "main"]);
    log.merge("Cy", "a");
    log.git("Bob", &["checkout", "--quiet", "b"]);
    log.git("Bob", &["config", "user.name", "Bob"]);
    let o = log.oslog(&["renumber", "--onto", "main", "--commit"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    log
}

/// The reproduction as filed: after the merge of the renumbered branch, the moved action's trail is
/// its own branch's commits, by their authors, and never main's action under the old number.
#[test]
fn a_renumbered_branch_keeps_its_own_trail_after_the_merge() {
    let log = two_branches_one_number();
    log.git("Cy", &["checkout", "--quiet", "main"]);
    log.merge("Cy", "b");

    let four = trail(&log, 4);
    assert_eq!(
        four,
        vec![
            ("Bob".into(), "renumbered".into(), 4),
            ("Bob".into(), "changed".into(), 3),
            ("Bob".into(), "added".into(), 3),
        ],
    );
    let text = String::from_utf8_lossy(&log.oslog(&["history", "4"]).stdout).into_owned();
    assert!(!text.contains("Ann's action"), "{text}");
    assert!(text.contains("renumbered from #3"), "{text}");

    // Main's action 3 arrived through the merge of `a`: its trail is Ann's commit on that branch.
    assert_eq!(trail(&log, 3), vec![("Ann".into(), "added".into(), 3)]);
    let text = String::from_utf8_lossy(&log.oslog(&["history", "3"]).stdout).into_owned();
    assert!(!text.contains("Bob's action"), "{text}");

    // On main's line, the merge of `b` adds action 4; it renumbered nothing of main's.
    let v = log.json(&["log", "--format", "json"]);
    let merge = &v["commits"][0];
    assert_eq!(merge["commit"]["summary"], "Merge branch 'b'");
    let events: Vec<(&str, u64)> = merge["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["event"].as_str().unwrap(), e["action"].as_u64().unwrap()))
        .collect();
    assert_eq!(events, vec![("added", 4)], "{v:#}");

    let v = log.json(&["slips", "--format", "json"]);
    let slip = |n: u64| {
        v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["action"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("no slip for {n}: {v:#}"))
    };
    assert_eq!(slip(3)["title"], "Ann's action");
    assert_eq!(slip(3)["original"], "2019-08");
    assert_eq!(slip(4)["title"], "Bob's action");
    assert_eq!(slip(4)["original"], "2019-10");
}

/// The renumbered branch merges main (so it holds main's 3 as well), drops main's 3 as a duplicate,
/// and is merged: on main's line that one merge removes 3 and adds 4 with `formerly: [3]`. They are
/// two records, not a renumbering, in the trail, the log, the slips and the monthly update.
#[test]
fn a_merge_that_drops_one_record_and_brings_another_is_not_a_renumbering() {
    let log = two_branches_one_number();
    log.git("Bob", &["merge", "--quiet", "--no-edit", "main"]);
    std::fs::remove_file(log.path().join("actions/003.yaml")).unwrap();
    log.commit("Bob", "Remove action 3, a duplicate of 1");
    log.git("Cy", &["checkout", "--quiet", "main"]);
    let before_merge = log.git("Cy", &["rev-parse", "HEAD"]);
    log.merge("Cy", "b");

    let four = trail(&log, 4);
    assert!(four.iter().all(|(who, _, _)| who == "Bob"), "{four:?}");
    assert_eq!(four.last().unwrap(), &("Bob".into(), "added".into(), 3));
    let text = String::from_utf8_lossy(&log.oslog(&["history", "4"]).stdout).into_owned();
    assert!(!text.contains("Ann's action"), "{text}");

    let v = log.json(&["log", "--format", "json"]);
    let merge = &v["commits"][0];
    let events: Vec<(&str, u64)> = merge["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["event"].as_str().unwrap(), e["action"].as_u64().unwrap()))
        .collect();
    assert_eq!(events, vec![("removed", 3), ("added", 4)], "{v:#}");

    let v = log.json(&["slips", "--format", "json"]);
    let actions = v["actions"].as_array().unwrap();
    assert!(!actions.iter().any(|s| s["action"] == 3), "{v:#}");
    let four = actions.iter().find(|s| s["action"] == 4).unwrap();
    assert_eq!(four["title"], "Bob's action");
    assert_eq!(four["original"], "2019-10", "{v:#}");

    let o = log.oslog(&[
        "--today",
        "2019-07-31",
        "report",
        "monthly",
        "--since",
        before_merge.trim(),
        "--format",
        "md",
    ]);
    let md = String::from_utf8_lossy(&o.stdout);
    let new = md.split("## New actions").nth(1).unwrap_or("");
    let new = new.split("\n## ").next().unwrap();
    assert!(new.contains("Bob's action"), "{md}");
}

/// A renumbering committed on main itself is a move on the line: the trail goes on through the old
/// number's file, and that file's later record is not part of it.
#[test]
fn a_move_on_the_line_is_followed_and_the_reused_number_is_not() {
    let log = new_log();
    log.write(
        "actions/002.yaml",
        &action(2, "Second action", "2019-09", "not-started", ""),
    );
    log.commit("Bob", "Move action 2's deadline");
    std::fs::remove_file(log.path().join("actions/002.yaml")).unwrap();
    log.write(
        "actions/005.yaml",
        &action(
            5,
            "Second action",
            "2019-09",
            "not-started",
            "formerly: [2]\n",
        ),
    );
    log.commit("Cy", "Renumber action 2 to 5");
    log.write(
        "actions/002.yaml",
        &action(2, "A new second action", "2019-12", "ongoing", ""),
    );
    log.commit("Dee", "Add a new action 2");
    assert_eq!(
        trail(&log, 5),
        vec![
            ("Cy".into(), "renumbered".into(), 5),
            ("Bob".into(), "changed".into(), 2),
            ("Ann".into(), "added".into(), 2),
        ]
    );
    assert_eq!(trail(&log, 2), vec![("Dee".into(), "added".into(), 2)]);
}

/// A deleted action's trail ends (newest first: starts) with its removal; a number never used is an
/// error that says so.
#[test]
fn a_deleted_action_ends_with_its_removal_and_an_unused_number_is_an_error() {
    let log = new_log();
    log.write(
        "actions/002.yaml",
        &action(2, "Second action", "2019-08", "ongoing", ""),
    );
    log.commit("Bob", "Start action 2");
    std::fs::remove_file(log.path().join("actions/002.yaml")).unwrap();
    log.commit("Cy", "Remove action 2");
    log.write(
        "actions/001.yaml",
        &action(1, "First action", "2019-09", "ongoing", ""),
    );
    log.commit("Dee", "Move action 1's deadline");

    assert_eq!(
        trail(&log, 2),
        vec![
            ("Cy".into(), "removed".into(), 2),
            ("Bob".into(), "changed".into(), 2),
            ("Ann".into(), "added".into(), 2),
        ]
    );
    let o = log.oslog(&["history", "2"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("removed: Second action"), "{text}");
    assert!(!text.contains("no changes"), "{text}");

    // Removed in the working tree, not yet committed: the removal comes first, uncommitted.
    std::fs::remove_file(log.path().join("actions/001.yaml")).unwrap();
    let v = log.json(&["history", "1", "--format", "json"]);
    assert_eq!(v["changes"][0]["event"], "removed", "{v:#}");
    assert_eq!(v["changes"][0]["uncommitted"], true, "{v:#}");
    assert_eq!(v["changes"].as_array().unwrap().len(), 3, "{v:#}");

    for args in [
        &["history", "9999"][..],
        &["history", "9999", "--format", "json"],
    ] {
        let o = log.oslog(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("oslog: error: action 9999 "), "{err}");
        assert!(err.contains("never"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// The old number of a renumbered action: its trail ends with the move to the new number.
#[test]
fn the_old_number_of_a_moved_action_ends_with_the_move() {
    let log = new_log();
    std::fs::remove_file(log.path().join("actions/002.yaml")).unwrap();
    log.write(
        "actions/005.yaml",
        &action(
            5,
            "Second action",
            "2019-08",
            "not-started",
            "formerly: [2]\n",
        ),
    );
    log.commit("Cy", "Renumber action 2 to 5");
    let v = log.json(&["history", "2", "--format", "json"]);
    let first = &v["changes"][0];
    assert_eq!(
        (&first["event"], &first["from"], &first["action"]),
        (&Value::from("renumbered"), &Value::from(2), &Value::from(5)),
        "{v:#}"
    );
    assert_eq!(trail(&log, 2).len(), 2);
}

/// A log whose branch `bob` has one commit by Bob, which proposes action 1 complete.
fn bob_proposes_action_1_on_a_branch() -> Log {
    let log = new_log();
    log.git("Bob", &["checkout", "--quiet", "-b", "bob"]);
    log.write(
        "actions/001.yaml",
        &action(1, "First action", "2019-07", "proposed-complete", ""),
    );
    log.commit("Bob", "Propose action 1 complete");
    log
}

/// Bob changes action 1 on a branch, merges main into it (bringing Cy's new title for action 1)
/// and changes it again; Ann merges the branch. The merge means one change on main's
/// line, Ann's, and its credit names the branch's two commits by Bob, not the branch's own merge.
#[test]
fn a_merged_change_is_credited_to_the_branch_commits_that_made_it() {
    let log = bob_proposes_action_1_on_a_branch();
    log.git("Cy", &["checkout", "--quiet", "main"]);
    log.write(
        "actions/001.yaml",
        &action(1, "First action, renamed", "2019-07", "ongoing", ""),
    );
    log.commit("Cy", "Rename action 1");
    log.git("Bob", &["checkout", "--quiet", "bob"]);
    log.merge("Bob", "main");
    log.write(
        "actions/001.yaml",
        &action(
            1,
            "First action, renamed",
            "2019-07",
            "proposed-complete",
            "updates:\n  - text: Paper sent\n",
        ),
    );
    log.commit("Bob", "Say why");
    log.git("Ann", &["checkout", "--quiet", "main"]);
    log.merge("Ann", "bob");

    let v = log.json(&["log", "--format", "json"]);
    let merge = &v["commits"][0];
    assert_eq!(merge["commit"]["author"], "Ann");
    let entry = &merge["entries"][0];
    assert_eq!(entry["action"], 1);
    let credit: Vec<(&str, &str)> = entry["credit"]
        .as_array()
        .unwrap_or_else(|| panic!("no credit in {entry:#}"))
        .iter()
        .map(|c| {
            (
                c["author"].as_str().unwrap(),
                c["summary"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        credit,
        [("Bob", "Say why"), ("Bob", "Propose action 1 complete")]
    );
    // Commits that are not merges name no one else.
    assert!(
        v["commits"][1]["entries"][0].get("credit").is_none(),
        "{v:#}"
    );

    let text = String::from_utf8(log.oslog(&["history", "1"]).stdout).unwrap();
    assert!(
        text.contains("Ann  Merge branch 'bob'\n  status: ongoing → proposed-complete\n  update added: Paper sent\n  by "),
        "{text}"
    );
    assert!(text.contains("  Bob  Say why\n"), "{text}");
    assert!(
        text.contains("  Bob  Propose action 1 complete\n"),
        "{text}"
    );
    let h = log.json(&["history", "1", "--format", "json"]);
    assert_eq!(
        h["changes"][0]["credit"].as_array().map(Vec::len),
        Some(2),
        "{h:#}"
    );
}

/// A shallow clone that holds a merge but not the merged branch cannot know who made the change
/// the merge brought. Once the whole history is fetched it does: what the clone saw is not kept as
/// if it were a fact of the merge's id.
#[test]
fn credit_unknown_in_a_shallow_clone_is_found_once_the_history_is_fetched() {
    let log = bob_proposes_action_1_on_a_branch();
    log.git("Ann", &["checkout", "--quiet", "main"]);
    log.merge("Ann", "bob");
    log.write(
        "actions/002.yaml",
        &action(2, "Second action", "2019-08", "ongoing", ""),
    );
    log.commit("Ann", "Start action 2");

    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", log.path().display());
    common::git_as(
        clone.path(),
        "Ann",
        "2019-08-01T12:00:00Z",
        &["clone", "--quiet", "--depth", "3", &url, "log"],
    );
    let root = clone.path().join("log");
    let credit = |args: &[&str]| -> Vec<String> {
        let o = common::oslog(&root, args);
        assert_eq!(o.status.code(), Some(0), "{}", common::shown(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let merge = v["commits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["commit"]["summary"] == "Merge branch 'bob'")
            .unwrap_or_else(|| panic!("no merge in {v:#}"));
        let credit = merge["entries"][0]["credit"].as_array().cloned();
        credit
            .unwrap_or_default()
            .iter()
            .map(|c| c["summary"].as_str().unwrap().to_string())
            .collect()
    };
    let args = ["log", "--format", "json"];
    assert_eq!(credit(&args), Vec::<String>::new());
    common::git_as(
        &root,
        "Ann",
        "2019-08-01T12:00:00Z",
        &["fetch", "--quiet", "--unshallow"],
    );
    assert_eq!(credit(&args), ["Propose action 1 complete"]);
}

/// `milestone edit --date` gives a milestone a new id and so a new file; the trail shows one
/// milestone whose date changed, not a deletion (flagged as such) and an unrelated addition.
#[test]
fn a_milestone_given_a_new_date_is_one_change_not_a_deletion() {
    let log = new_log();
    log.write(
        "timeline/2019-09-workshop-7.yaml",
        "id: 2019-09-workshop-7\ndate: 2019-09\nkind: workshop\ntitle: Open Space workshop 7\nstatus: planned\n",
    );
    log.commit("Ann", "Plan workshop 7");
    let out = log.oslog(&[
        "milestone",
        "edit",
        "2019-09-workshop-7",
        "--date",
        "2019-10-08",
        "--commit",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    let v = log.json(&["log", "--format", "json"]);
    let newest = &v["commits"][0]["entries"];
    let entries = newest.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{newest}");
    let e = &entries[0];
    assert_eq!(e["event"], "changed", "{e}");
    assert_eq!(e["milestone"], "2019-10-08-workshop-7", "{e}");
    assert_eq!(e["flags"].as_array().map_or(0, Vec::len), 0, "{e}");
    assert_eq!(e["changes"][0]["field"], "date", "{e}");
    assert_eq!(e["changes"][0]["old"], "2019-09", "{e}");
    assert_eq!(e["changes"][0]["new"], "2019-10-08", "{e}");
    let text = log.stdout(&["log"]);
    assert!(!text.contains("deleted"), "{text}");
}
