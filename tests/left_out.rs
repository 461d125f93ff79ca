//! A reading command over a log with a record that does not load says so: one warning line per
//! left-out file on stderr (terminal-safe), a `left_out` field in JSON, a visible note in reports,
//! and exit 1 with `--strict`. The answer itself still comes from the records that loaded.

mod common;

use common::{commit, oslog_with, write};
use std::path::Path;
use std::process::Output;

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";
const ONE: &str = "id: 1\ntitle: Publish the code of practice.\ntheme: governance\nraised: 2019-02\ndeadline: 2019-03\nstatus: ongoing\n";
/// Action 7 links to 1, but has a key the format does not define, so it does not load.
const SEVEN: &str = "id: 7\ntitle: Circulate the DPIA.\ntheme: governance\nraised: 2019-02\nstatus: ongoing\nlinks: [1]\ncolour: red\n";
const MILESTONE: &str =
    "id: 2019-09-report\ndate: 2019-09\nkind: report\ntitle: Annual report\nstatus: planned\n";
const WARNING: &str = "oslog: warning: actions/007.yaml does not load (unknown-field); it is left out; run `oslog validate`\n";

fn log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "themes.yaml", THEMES);
    write(dir.path(), "actions/001.yaml", ONE);
    write(dir.path(), "actions/007.yaml", SEVEN);
    write(dir.path(), "timeline/2019-09-report.yaml", MILESTONE);
    dir
}

fn run(root: &Path, args: &[&str]) -> Output {
    oslog_with(root, args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_warns(o: &Output, code: i32, warning: &str) {
    assert_eq!(o.status.code(), Some(code), "{}{}", stdout(o), stderr(o));
    assert_eq!(stderr(o), warning);
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn left_out(v: &serde_json::Value) -> serde_json::Value {
    v["left_out"].clone()
}

fn expected_left_out() -> serde_json::Value {
    serde_json::json!([{"file": "actions/007.yaml", "codes": ["unknown-field"]}])
}

#[test]
fn list_warns_about_a_record_it_leaves_out_and_fails_with_strict() {
    let dir = log();
    for format in ["table", "csv", "markdown", "json"] {
        let o = run(dir.path(), &["list", "--format", format]);
        assert_warns(&o, 0, WARNING);
        assert!(
            stdout(&o).contains("Publish the code of practice."),
            "{format}"
        );
        let o = run(dir.path(), &["list", "--strict", "--format", format]);
        assert_warns(&o, 1, WARNING);
    }
    let v = json(&run(dir.path(), &["list", "--format", "json"]));
    assert_eq!(left_out(&v), expected_left_out());
    let ids: Vec<u64> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1]);
}

#[test]
fn show_warns_that_a_back_reference_may_be_missing() {
    let dir = log();
    let o = run(dir.path(), &["show", "1"]);
    assert_warns(&o, 0, WARNING);
    assert!(!stdout(&o).contains("Linked from"), "{}", stdout(&o));
    assert_warns(&run(dir.path(), &["show", "1", "--strict"]), 1, WARNING);
    let v = json(&run(dir.path(), &["show", "1", "--format", "json"]));
    assert_eq!(left_out(&v), expected_left_out());
    assert_eq!(v["action"]["id"], 1);
}

#[test]
fn the_dashboard_and_the_timeline_warn_too() {
    let dir = log();
    let o = run(dir.path(), &["status"]);
    assert_warns(&o, 0, WARNING);
    assert!(stdout(&o).contains("1 action"), "{}", stdout(&o));
    assert_warns(&run(dir.path(), &["status", "--strict"]), 1, WARNING);
    let v = json(&run(dir.path(), &["status", "--format", "json"]));
    assert_eq!(left_out(&v), expected_left_out());

    write(
        dir.path(),
        "timeline/2019-10-workshop.yaml",
        "id: 2019-10-workshop\ndate: 2019-10\nkind: wrkshop\ntitle: Workshop\nstatus: planned\n",
    );
    let both = format!("{WARNING}oslog: warning: timeline/2019-10-workshop.yaml does not load (unknown-kind); it is left out; run `oslog validate`\n");
    let o = run(dir.path(), &["timeline"]);
    assert_warns(&o, 0, &both);
    assert!(stdout(&o).contains("Annual report"));
    assert_warns(&run(dir.path(), &["timeline", "--strict"]), 1, &both);
    let v = json(&run(dir.path(), &["timeline", "--format", "json"]));
    assert_eq!(v["left_out"][1]["file"], "timeline/2019-10-workshop.yaml");
    assert_eq!(v["milestones"][0]["id"], "2019-09-report");
}

#[test]
fn reports_carry_a_note_listing_the_left_out_files() {
    let dir = log();
    let o = run(dir.path(), &["report", "actions"]);
    assert_warns(&o, 0, WARNING);
    let md = stdout(&o);
    let note = md
        .lines()
        .find(|l| l.contains("actions/007.yaml"))
        .unwrap_or_else(|| panic!("no note in\n{md}"));
    assert!(note.contains("left out"), "{note}");
    let o = run(dir.path(), &["report", "actions", "--format", "html"]);
    assert_warns(&o, 0, WARNING);
    let html = stdout(&o);
    let at = html.find("actions/007.yaml").expect("a note in the HTML");
    assert!(html[..at].contains("class=\"left-out\""), "{html}");
    assert_warns(
        &run(dir.path(), &["report", "actions", "--strict"]),
        1,
        WARNING,
    );
}

#[test]
fn history_based_reports_and_as_of_warn_about_the_commit_they_read() {
    let dir = log();
    let repo = git2::Repository::init(dir.path()).unwrap();
    commit(&repo, "Ann", 1_561_939_200, "the log, with a broken action");
    // Fixed in the working tree but not in the commit that --as-of reads.
    write(
        dir.path(),
        "actions/007.yaml",
        &SEVEN.replace("colour: red\n", ""),
    );
    assert_warns(&run(dir.path(), &["list"]), 0, "");
    assert_warns(&run(dir.path(), &["list", "--as-of", "HEAD"]), 0, WARNING);
    assert_warns(
        &run(dir.path(), &["status", "--as-of", "HEAD", "--strict"]),
        1,
        WARNING,
    );
    write(dir.path(), "actions/007.yaml", SEVEN);
    for report in [
        &["report", "monthly", "--since", "2019-01-01"][..],
        &["report", "digest", "--member", "Liberty"][..],
        &["report", "annual", "--year", "2019"][..],
    ] {
        if report[1] == "digest" {
            write(
                dir.path(),
                "themes.yaml",
                &format!("{THEMES}members:\n  - name: Liberty\n    themes: [governance]\n"),
            );
        }
        let o = run(dir.path(), report);
        assert_warns(&o, 0, WARNING);
        assert!(stdout(&o).contains("actions/007.yaml"), "{}", stdout(&o));
        let mut html = report.to_vec();
        html.extend(["--format", "html"]);
        let o = run(dir.path(), &html);
        assert_warns(&o, 0, WARNING);
        let page = stdout(&o);
        let at = page.find("actions/007.yaml").expect("a note in the HTML");
        assert!(page[..at].contains("class=\"left-out\""), "{page}");
        let mut strict = report.to_vec();
        strict.push("--strict");
        assert_warns(&run(dir.path(), &strict), 1, WARNING);
    }
}

#[test]
fn a_file_name_with_control_characters_is_shown_escaped() {
    let dir = log();
    write(dir.path(), "actions/\x1b[2J.yaml", "id: [\n");
    let o = run(dir.path(), &["list"]);
    let err = stderr(&o);
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(
        err.contains("oslog: warning: actions/\\u{1b}[2J.yaml does not load (yaml-syntax)"),
        "{err}"
    );
    let md = stdout(&run(dir.path(), &["report", "actions"]));
    assert!(!md.contains('\x1b'), "{md:?}");
}
