//! The secretariat's commands on copies of the repository's own log: what an action awaiting
//! sign-off counts as, moves of several actions at once, long text from standard input or an editor,
//! milestones edited, stale actions, and filters that say when a word is wrong.

mod common;

use std::path::Path;

/// The repository's own log, copied into a fresh folder (not a git repository).
fn real_log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["actions", "timeline"] {
        common::copy_dir(&here.join(sub), &dir.path().join(sub));
    }
    std::fs::copy(here.join("themes.yaml"), dir.path().join("themes.yaml")).unwrap();
    dir
}

fn stdout(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", common::shown(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_action_awaiting_sign_off_is_not_overdue() {
    let log = real_log();
    let dir = log.path();
    // 71, 97 and 110 are proposed complete with deadlines before July 2019.
    let listed = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--overdue",
            "--format",
            "csv",
            "--columns",
            "id,status",
        ],
    ));
    assert!(!listed.contains("proposed-complete"), "{listed}");
    assert!(listed.lines().any(|l| l == "68,ongoing"), "{listed}");

    let dash: serde_json::Value = serde_json::from_str(&stdout(&common::oslog(
        dir,
        &["status", "--format", "json"],
    )))
    .unwrap();
    let ids = |key: &str| -> Vec<u64> {
        dash[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_u64().unwrap())
            .collect()
    };
    for n in [71, 97, 110] {
        assert!(!ids("overdue").contains(&n), "{n} is not overdue");
        assert!(ids("awaiting_sign_off").contains(&n), "{n} awaits sign-off");
    }

    let md = stdout(&common::oslog(dir, &["report", "actions"]));
    let row = md.lines().find(|l| l.starts_with("| 71 |")).unwrap();
    assert!(!row.contains("overdue"), "{row}");
}
