//! A cold walk longer than the part of the line whose records are decoded at once: `log` lets each
//! part's decoded versions go before the next, so a version is decoded again where two parts meet.
//! Every change along the line must still start from the value the change before it left, across
//! every boundary, and the answer must be the same cold and warm.

mod common;

use common::{commit, log_repo, oslog_with, write};

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";

fn action(title: &str) -> String {
    format!("id: 1\ntitle: {title}\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n")
}

#[test]
fn every_change_of_a_long_line_starts_from_the_value_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = log_repo(root, THEMES, 0, |_| String::new());
    write(root, "actions/001.yaml", &action("Title 0."));
    commit(&repo, "Ann", 1_560_000_000, "Add action 1");
    // More commits than several parts hold, each changing the one record.
    const CHANGES: u32 = 1_100;
    for k in 1..=CHANGES {
        write(root, "actions/001.yaml", &action(&format!("Title {k}.")));
        commit(&repo, "Ann", 1_560_000_000 + i64::from(k) * 60, "Retitle");
    }
    let run = || {
        let out = oslog_with(root, &["log", "--format", "json"], &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let cold = run();
    assert_eq!(run(), cold, "the warm answer is the cold one");
    let json: serde_json::Value = serde_json::from_slice(&cold).unwrap();
    let commits = json["commits"].as_array().unwrap();
    assert_eq!(commits.len(), CHANGES as usize + 1);
    // Newest first: the k-th change from the end retitles "Title k-1." to "Title k.".
    for (i, c) in commits[..CHANGES as usize].iter().enumerate() {
        let k = CHANGES as usize - i;
        let change = &c["entries"][0]["changes"][0];
        assert_eq!(change["field"], "title", "{c}");
        assert_eq!(change["old"], format!("Title {}.", k - 1), "{c}");
        assert_eq!(change["new"], format!("Title {k}."), "{c}");
    }
}

/// An action whose one update makes its record changes a few hundred bytes long.
fn action_with_update(id: u32, status: &str) -> String {
    format!(
        "id: {id}\ntitle: Action {id}\ntheme: governance\nraised: 2018-10\nstatus: {status}\nupdates:\n  - date: 2019-01-0{}\n    text: {}\n",
        id % 9 + 1,
        "A long update on the paper and its consultation. ".repeat(8).trim_end()
    )
}

/// A log whose first commit, "Add the log", adds `actions` ongoing actions with an update each.
fn first_commit_of(actions: u32) -> (tempfile::TempDir, git2::Repository) {
    let dir = tempfile::tempdir().unwrap();
    let repo = log_repo(dir.path(), THEMES, actions, |id| {
        action_with_update(id, "ongoing")
    });
    commit(&repo, "Ann", 1_560_000_000, "Add the log");
    (dir, repo)
}

/// `log --format json` and `log`, cold without the cache, cold with it, and warm: all must agree.
fn every_log(root: &std::path::Path) -> (serde_json::Value, String) {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = oslog_with(root, args, env);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json = run(&["log", "--format", "json"], &[("OSLOG_NO_CACHE", "1")]);
    let text = run(&["log"], &[("OSLOG_NO_CACHE", "1")]);
    let _ = std::fs::remove_dir_all(root.join(".git/oslog"));
    assert_eq!(run(&["log", "--format", "json"], &[]), json, "cold, cached");
    assert_eq!(run(&["log", "--format", "json"], &[]), json, "warm");
    assert_eq!(run(&["log"], &[]), text, "warm text");
    (serde_json::from_str(&json).unwrap(), text)
}

/// A commit of more changed files than a walk decodes at once is worked on in pieces, and its
/// record changes, more than a line of the cache that is read whole, in pieces too: it must still
/// be one commit, its records in path order, named in one column.
#[test]
fn a_commit_of_thousands_of_records_is_one_commit_in_path_order() {
    const ACTIONS: u32 = 2_600;
    let (dir, repo) = first_commit_of(ACTIONS);
    let root = dir.path();
    for id in [7, 1_500, 2_600] {
        let text = action_with_update(id, "complete");
        write(root, &format!("actions/{id:03}.yaml"), &text);
    }
    commit(&repo, "Bea", 1_560_000_060, "Complete three actions");
    let (json, text) = every_log(root);
    let commits = json["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 2);
    let files: Vec<&str> = commits[1]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), ACTIONS as usize);
    assert!(files.windows(2).all(|w| w[0] < w[1]), "in path order");
    assert!(commits[1]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["event"] == "added"));
    assert_eq!(text.matches("Add the log").count(), 1, "one commit");
    // Every name is padded to the widest, "#2600".
    assert!(text.contains("\n  #7     Action 7\n"), "{}", &text[..2000]);
    assert!(text.contains("\n  #2600  Action 2600\n"));
}

/// A commit that renumbers more actions than a walk decodes at once is worked on whole: a removed
/// file is paired with the added one that names it, wherever the two are in the commit.
#[test]
fn a_renumbering_of_thousands_of_actions_pairs_every_move() {
    const ACTIONS: u32 = 1_300;
    let (dir, repo) = first_commit_of(ACTIONS);
    let root = dir.path();
    for id in 1..=ACTIONS {
        std::fs::remove_file(root.join(format!("actions/{id:03}.yaml"))).unwrap();
        let new = id + 5_000;
        let text = action_with_update(id, "ongoing").replacen(
            &format!("id: {id}\n"),
            &format!("id: {new}\nformerly: [{id}]\n"),
            1,
        );
        write(root, &format!("actions/{new}.yaml"), &text);
    }
    commit(&repo, "Bea", 1_560_000_060, "Renumber every action");
    let (json, _) = every_log(root);
    let entries = json["commits"][0]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), ACTIONS as usize, "one entry per move");
    for e in entries {
        assert_eq!(e["event"], "renumbered", "{e}");
        assert_eq!(
            e["from"].as_u64().unwrap() + 5_000,
            e["action"].as_u64().unwrap()
        );
    }
}
