//! `oslog validate` reports every finding a file has in one run: a file with a decode error (an
//! unknown key, an empty title, a bad value) still has the part of its record that decoded checked
//! by the cross-record rules, themes.yaml with errors still has its theme keys checked, and a number
//! repeated in a list is a finding of its own. Each case asserts the whole list of findings, so a
//! finding reported twice, or falsely because a field is missing, fails as well.

mod common;

use common::{oslog_with, write};
use std::path::Path;

const THEMES: &str = "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\n";

fn action(id: u32, extra: &str) -> String {
    format!("id: {id}\ntitle: Action number {id}.\ntheme: governance\nraised: 2019-02\nstatus: ongoing\n{extra}")
}

/// A log with themes.yaml and action 1, plus `files`.
fn log(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "themes.yaml", THEMES);
    write(dir.path(), "actions/001.yaml", &action(1, ""));
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

/// Every finding of one `validate` run as (code, file, line), in the order reported.
fn findings(root: &Path) -> Vec<(String, String, u64)> {
    let out = oslog_with(root, &["validate", "--format", "json"], &[]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    common::findings_of(&json)
}

fn f(code: &str, file: &str, line: u64) -> (String, String, u64) {
    (code.to_string(), file.to_string(), line)
}

#[test]
fn an_action_with_a_decode_error_has_its_cross_record_findings_too() {
    let text = "id: 7\n\
                title: \"\"\n\
                theme: data-shring\n\
                raised: 2019-03\n\
                deadline: 2019-01\n\
                status: ongoing\n\
                links: [7, 99, 1]\n\
                colour: red\n\
                updates:\n  - date: 2019-05\n    text: Later.\n  - date: 2019-04\n    text: Earlier.\n";
    let dir = log(&[("actions/007.yaml", text)]);
    let a = "actions/007.yaml";
    assert_eq!(
        findings(dir.path()),
        vec![
            f("empty-text", a, 2),
            f("unknown-theme", a, 3),
            f("deadline-before-raised", a, 5),
            f("self-reference", a, 7),
            f("dangling-reference", a, 7),
            f("unknown-field", a, 8),
            f("updates-out-of-order", a, 12),
        ]
    );
}

#[test]
fn repeated_numbers_in_lists_are_reported_once_each() {
    let text = action(
        7,
        "links: [1, 1, 7, 7, 99, 99]\nmerged_into: [1, 1]\nformerly: [3, 3]\nartefacts: [9, 9]\n",
    );
    let milestone = "id: 2019-09-report\ndate: 2019-09\nkind: report\ntitle: Report\nstatus: planned\nactions: [1, 7, 1]\n";
    let dir = log(&[
        ("actions/007.yaml", &text),
        ("timeline/2019-09-report.yaml", milestone),
    ]);
    let a = "actions/007.yaml";
    let m = "timeline/2019-09-report.yaml";
    // A repeated item gets `duplicate-number`; what is wrong with the number itself (naming its own
    // action, naming no action) is said once, at its first place.
    assert_eq!(
        findings(dir.path()),
        vec![
            f("duplicate-number", a, 6),
            f("self-reference", a, 6),
            f("duplicate-number", a, 6),
            f("dangling-reference", a, 6),
            f("duplicate-number", a, 6),
            f("duplicate-number", a, 7),
            f("duplicate-number", a, 8),
            f("duplicate-number", a, 9),
            f("duplicate-number", m, 6),
        ]
    );
}

#[test]
fn themes_yaml_with_errors_still_has_its_keys_and_members_checked() {
    let themes = "themes:\n\
                  \x20 - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n\
                  \x20 - key: governance\n    name: Again\n    colour: green\n\
                  \x20 - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\n    shade: dark\n\
                  members:\n  - name: Liberty\n    themes: [governance, data-shring]\n";
    let dir = log(&[(
        "actions/002.yaml",
        &action(2, "").replace("governance", "goverance"),
    )]);
    write(dir.path(), "themes.yaml", themes);
    let t = "themes.yaml";
    assert_eq!(
        findings(dir.path()),
        vec![
            f("unknown-theme", "actions/002.yaml", 3),
            f("duplicate-theme-key", t, 5),
            f("invalid-colour", t, 7),
            f("unknown-field", t, 11),
            f("unknown-theme", t, 14),
        ]
    );
}

#[test]
fn a_milestone_with_a_decode_error_has_its_references_and_name_checked() {
    let text = "id: 2019-09-report\ndate: 2019-10\nkind: reprot\ntitle: Report\nstatus: planned\nactions: [1, 5]\n";
    let dir = log(&[("timeline/2019-09-report.yaml", text)]);
    let m = "timeline/2019-09-report.yaml";
    assert_eq!(
        findings(dir.path()),
        vec![
            f("milestone-date-mismatch", m, 1),
            f("unknown-kind", m, 3),
            f("dangling-reference", m, 6),
        ]
    );
}

#[test]
fn an_action_with_errors_keeps_its_number_for_the_name_and_duplicate_checks() {
    let seven = action(7, "colour: red\n");
    let other = action(7, "").replace("Action number 7.", "Another action.");
    let dir = log(&[("actions/007.yaml", &seven), ("actions/008.yaml", &other)]);
    assert_eq!(
        findings(dir.path()),
        vec![
            f("unknown-field", "actions/007.yaml", 6),
            f("id-mismatch", "actions/008.yaml", 1),
            f("duplicate-id", "actions/008.yaml", 1),
        ]
    );
}

#[test]
fn a_field_that_did_not_decode_gives_no_finding_that_rests_on_it() {
    // No theme, so no unknown theme; a broken `merged_into` is not a missing reason for closing; a
    // broken raised date is not compared with the deadline; a broken id gives no self-reference, and
    // the file's name still counts as an action, so links to it do not dangle.
    let closed = "id: 7\ntitle: Action number 7.\nraised: 2019-02\ndeadline: 2018-01\nstatus: closed\nmerged_into: one\n";
    let bad_raised = "id: 8\ntitle: Action number 8.\ntheme: governance\nraised: 2019-13\ndeadline: 2018-01\nstatus: ongoing\n";
    let bad_id = "id: 09\ntitle: Action number 9.\ntheme: governance\nraised: 2019-02\nstatus: closed\nlinks: [9]\nupdates:\n  - date: 2019-05\n    text: Later.\n  - date: 2019-04-31\n    text: Bad date.\n  - date: 2019-06\n    text: Last.\n";
    let dir = log(&[
        ("actions/007.yaml", closed),
        ("actions/008.yaml", bad_raised),
        ("actions/009.yaml", bad_id),
    ]);
    assert_eq!(
        findings(dir.path()),
        vec![
            f("missing-field", "actions/007.yaml", 1),
            f("deadline-before-raised", "actions/007.yaml", 4),
            f("wrong-type", "actions/007.yaml", 6),
            f("invalid-date", "actions/008.yaml", 4),
            f("invalid-id", "actions/009.yaml", 1),
            f("invalid-date", "actions/009.yaml", 10),
        ]
    );
}
