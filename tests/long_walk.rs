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
