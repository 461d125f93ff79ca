//! Dates that cannot be right: the writing commands refuse a date after today (the same today the
//! command reports, `--today` included), a sign-off before the action was raised is a finding, updates
//! go in date order with undated ones kept in place, and an update can be corrected or removed by
//! number (`update N --amend K` / `--remove K`, numbered as `show` lists them), which the audit trail
//! shows and flags.

mod common;
use common::copy_dir;
use common::shown as text;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Action 16 raised 2018-07 with updates: undated, 2019-04-09, undated, 2019-06.
const ACTION_16: &str = "id: 16
title: HO committed to providing provocation paper on data sharing in LEDS.
theme: data-sharing
owner: withheld
raised: 2018-07
deadline: 2019-07
status: ongoing
links: [1]
updates:
  - text: Ongoing, as the 2019 log has it.
  - date: 2019-04-09
    text: Substantive discussion on data sharing.
  - text: Paper to follow.
  - date: 2019-06
    text: Draft seen by the chair.
";

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("log");
    copy_dir(Path::new("tests/cmd/valid.in"), &root);
    std::fs::write(root.join("actions/016.yaml"), ACTION_16).unwrap();
    (dir, root)
}

/// Run oslog with today fixed at 1 July 2019.
fn oslog(root: &Path, args: &[&str]) -> Output {
    common::oslog_with(root, args, &[])
}

fn ok(root: &Path, args: &[&str]) -> String {
    let o = oslog(root, args);
    assert!(o.status.success(), "{args:?}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A command that must be refused (exit 2) without changing action 16; returns the one error line.
fn refused(root: &Path, args: &[&str]) -> String {
    let before = read16(root);
    let o = oslog(root, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    assert_eq!(read16(root), before, "{args:?} changed the file");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

fn read16(root: &Path) -> String {
    std::fs::read_to_string(root.join("actions/016.yaml")).unwrap()
}

/// The updates of action 16 as `date: text` (or just the text), in file order.
fn updates(root: &Path) -> Vec<String> {
    let json = ok(root, &["show", "16", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["action"]["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| match u["date"].as_str() {
            Some(d) => format!("{d}: {}", u["text"].as_str().unwrap()),
            None => u["text"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[test]
fn writing_commands_refuse_dates_after_today() {
    let (_dir, root) = fixture();
    let err = refused(
        &root,
        &["update", "16", "From the future.", "--date", "2031-01"],
    );
    assert!(
        err.contains("--date 2031-01 is after today (2019-07-01)"),
        "{err}"
    );
    assert!(err.contains("--today"), "{err}");
    let err = refused(
        &root,
        &["status", "16", "proposed-complete", "--date", "2019-07-02"],
    );
    assert!(err.contains("--date 2019-07-02 is after today"), "{err}");
    ok(&root, &["status", "16", "proposed-complete"]);
    let err = refused(
        &root,
        &["status", "16", "complete", "--signed-off", "2020-01-14"],
    );
    assert!(
        err.contains("--signed-off 2020-01-14 is after today (2019-07-01)"),
        "{err}"
    );
    assert!(err.contains("--today"), "{err}");
    let add = oslog(
        &root,
        &[
            "add",
            "--title",
            "t",
            "--theme",
            "governance",
            "--raised",
            "2019-08",
        ],
    );
    assert_eq!(add.status.code(), Some(2), "{}", text(&add));
    assert!(
        text(&add).contains("--raised 2019-08 is after today"),
        "{}",
        text(&add)
    );
    assert!(!root.join("actions/017.yaml").exists());
    // A month that holds today is not after it.
    ok(&root, &["update", "16", "This month.", "--date", "2019-07"]);
    // The same today the command reports: --today moves it, either way.
    ok(
        &root,
        &[
            "--today",
            "2031-02-01",
            "update",
            "16",
            "Later.",
            "--date",
            "2031-01",
        ],
    );
    let err = refused(
        &root,
        &[
            "--today",
            "2019-03-01",
            "update",
            "16",
            "x",
            "--date",
            "2019-04",
        ],
    );
    assert!(err.contains("after today (2019-03-01)"), "{err}");
}

#[test]
fn a_sign_off_before_the_action_was_raised_is_a_finding_and_refused() {
    let (_dir, root) = fixture();
    ok(&root, &["status", "16", "proposed-complete"]);
    let err = refused(
        &root,
        &["status", "16", "complete", "--signed-off", "2018-06-30"],
    );
    assert!(err.contains("[signed-off-before-raised]"), "{err}");
    // Written by hand, validate reports it.
    let text = read16(&root).replace(
        "status: proposed-complete\n",
        "status: complete\nsigned_off: 2018-06\n",
    );
    std::fs::write(root.join("actions/016.yaml"), text).unwrap();
    let o = oslog(&root, &["validate", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", self::text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["signed-off-before-raised"]);
    // The same month as raised is not before it.
    let text = read16(&root).replace("signed_off: 2018-06", "signed_off: 2018-07-31");
    std::fs::write(root.join("actions/016.yaml"), text).unwrap();
    ok(&root, &["validate", "--strict"]);
}

#[test]
fn updates_go_in_date_order_and_undated_ones_keep_their_place() {
    let (_dir, root) = fixture();
    let out = ok(
        &root,
        &["update", "16", "Met the DPO.", "--date", "2019-05-01"],
    );
    assert_eq!(
        out,
        "action 16: update of 2019-05-01 added as update 4, in date order (actions/016.yaml)\n"
    );
    ok(&root, &["update", "16", "Circulated."]);
    ok(
        &root,
        &["status", "16", "proposed-complete", "--date", "2019-04-10"],
    );
    assert_eq!(
        updates(&root),
        vec![
            "Ongoing, as the 2019 log has it.",
            "2019-04-09: Substantive discussion on data sharing.",
            "Paper to follow.",
            "2019-04-10: Status changed from ongoing to proposed-complete.",
            "2019-05-01: Met the DPO.",
            "2019-06: Draft seen by the chair.",
            "2019-07-01: Circulated.",
        ]
    );
    ok(&root, &["validate", "--strict"]);
}

#[test]
fn a_future_dated_update_no_longer_blocks_and_can_be_corrected() {
    let (_dir, root) = fixture();
    // Written before dates were checked: an update years after today.
    let text = format!("{ACTION_16}  - date: 2031-06\n    text: Typed for 2019-06.\n");
    std::fs::write(root.join("actions/016.yaml"), text).unwrap();
    ok(&root, &["update", "16", "Today's news."]);
    ok(&root, &["edit", "16", "--deadline", "2019-09"]);
    ok(&root, &["status", "16", "proposed-complete"]);
    let show = ok(&root, &["show", "16"]);
    assert!(
        show.contains("  8. June 2031: Typed for 2019-06.\n"),
        "{show}"
    );
    let out = ok(
        &root,
        &["update", "16", "--amend", "8", "--date", "2019-06-28"],
    );
    assert_eq!(
        out,
        "action 16: update 8 (2031-06) amended: now update 5 of 2019-06-28 (actions/016.yaml)\n"
    );
    assert_eq!(
        updates(&root)[4..],
        [
            "2019-06-28: Typed for 2019-06.",
            "2019-07-01: Today's news.",
            "2019-07-01: Deadline moved from 2019-07 to 2019-09.",
            "2019-07-01: Status changed from ongoing to proposed-complete.",
        ]
    );
    ok(
        &root,
        &["update", "16", "--amend", "3", "Paper to follow in June."],
    );
    assert_eq!(
        updates(&root)[2],
        "Paper to follow in June.",
        "undated, in place"
    );
    let out = ok(&root, &["update", "16", "--remove", "5"]);
    assert_eq!(
        out,
        "action 16: update 5 (2019-06-28) removed (actions/016.yaml)\n"
    );
    assert_eq!(updates(&root).len(), 7);
    ok(&root, &["validate", "--strict"]);
}

#[test]
fn amend_and_remove_refuse_what_they_cannot_do() {
    let (_dir, root) = fixture();
    let err = refused(&root, &["update", "16", "--amend", "5", "x"]);
    assert!(err.contains("action 16 has 4 updates"), "{err}");
    assert!(err.contains("oslog show 16"), "{err}");
    let err = refused(&root, &["update", "16", "--remove", "0"]);
    assert!(err.contains("action 16 has 4 updates"), "{err}");
    let err = refused(&root, &["update", "16", "--amend", "2"]);
    assert!(err.contains("TEXT") && err.contains("--date"), "{err}");
    let err = refused(
        &root,
        &[
            "update",
            "16",
            "--amend",
            "2",
            "Substantive discussion on data sharing.",
        ],
    );
    assert!(err.contains("nothing to change"), "{err}");
    let err = refused(
        &root,
        &["update", "16", "--amend", "2", "--date", "2031-01"],
    );
    assert!(err.contains("after today"), "{err}");
    for args in [
        &["update", "16", "--remove", "2", "text"][..],
        &["update", "16", "--remove", "2", "--date", "2019-01"],
        &["update", "16", "--remove", "2", "--amend", "1"],
    ] {
        let o = oslog(&root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
    // Removing the update that says why an action was closed would leave it closed without a reason.
    std::fs::write(
        root.join("actions/001.yaml"),
        "id: 1\ntitle: HO to share list of LEDS users with group.\ntheme: governance\nraised: 2018-10\nstatus: closed\nupdates:\n  - text: Withdrawn by the Home Office.\n",
    )
    .unwrap();
    ok(&root, &["validate", "--strict"]);
    let o = oslog(&root, &["update", "1", "--remove", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("[closed-without-reason]"), "{}", text(&o));
}

#[test]
fn a_corrected_or_removed_update_shows_and_is_flagged_in_the_trail() {
    let (dir, root) = fixture();
    let top = dir.path();
    let git = |args: &[&str]| {
        let o = common::git(top, args);
        assert!(o.status.success(), "git {args:?}: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.name", "Secretariat"]);
    git(&["config", "user.email", "secretariat@example.org"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "Seed"]);
    ok(
        &root,
        &[
            "update",
            "16",
            "--amend",
            "2",
            "Discussion on data sharing.",
            "--commit",
        ],
    );
    assert_eq!(
        git(&["log", "-1", "--format=%B"]),
        "Action 16: update of 2019-04-09 edited\n\n\
         - update edited: 2019-04-09: Substantive discussion on data sharing. → 2019-04-09: Discussion on data sharing.\n\n\
         Oslog-Action: 16\n\n"
    );
    ok(&root, &["update", "16", "--remove", "4", "--commit"]);
    assert!(git(&["log", "-1", "--format=%s"]).starts_with("Action 16: update of 2019-06 removed"));
    let history = ok(&root, &["history", "16"]);
    for line in [
        "update removed: 2019-06: Draft seen by the chair.",
        "! an update was removed",
        "update edited: 2019-04-09: [-Substantive discussion-]{+Discussion+} on data sharing.",
        "! an update was edited rather than appended",
    ] {
        assert!(history.contains(line), "{line} in\n{history}");
    }
    let log = ok(&root, &["log", "--format", "json"]);
    assert!(
        log.contains("\"update-removed\"") && log.contains("\"update-edited\""),
        "{log}"
    );
    let diff = ok(&root, &["diff", "HEAD~2..HEAD"]);
    assert!(diff.contains("! an update was removed"), "{diff}");
    assert!(
        diff.contains("! an update was edited rather than appended"),
        "{diff}"
    );
}
