//! What a record says of where it came from: a milestone's `description` (the text it was taken
//! from, verbatim) and the `source` of actions and milestones, declared under `sources:` in
//! themes.yaml. They load, keep their layout, show in the trail, merge field by field, and a public
//! report honours a source that is not for publication. Real repositories in temporary folders,
//! committed by the `git` program with fixed authors and days.

mod common;
use std::path::Path;
use std::process::Output;

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";

const ROW: &str =
    "Academia driven by civil society engagement in the Open Space. Academic holds the \
pen receiving direction from Open Space on the summary of issues discussed and resolved, discussed \
and not resolved, and outstanding issues that still require work.";

fn milestone(extra: &str) -> String {
    format!(
        "id: 2019-09-annual-report\ndate: 2019-09\nkind: report\ntitle: Annual report\n{extra}status: planned\n"
    )
}

fn oslog(root: &Path, args: &[&str]) -> Output {
    common::oslog_with(root, args, &[])
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", common::shown(o));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A log with one action and the annual report milestone (with `extra` lines before its status),
/// committed on `main` by Ann on 1 July 2019.
fn repo(themes: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(root, "themes.yaml", themes);
    common::write(
        root,
        "actions/001.yaml",
        "id: 1\ntitle: First action\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n",
    );
    common::write(
        root,
        "timeline/2019-09-annual-report.yaml",
        &milestone(extra),
    );
    git(root, 1, &["init", "--quiet", "--initial-branch=main"]);
    commit(root, 1, "Start the log");
    dir
}

fn git(root: &Path, day: u32, args: &[&str]) -> String {
    common::git_as(root, "Ann", &format!("2019-07-{day:02}T12:00:00Z"), args)
}

fn commit(root: &Path, day: u32, message: &str) {
    git(root, day, &["add", "--all"]);
    git(root, day, &["commit", "--quiet", "-m", message]);
}

#[test]
fn a_milestone_keeps_its_description_verbatim() {
    let block =
        "description: |\n  The row's text.\n  - as given\n    second: a colon # and a hash\n";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(root, "themes.yaml", THEMES);
    common::write(
        root,
        "timeline/2019-09-annual-report.yaml",
        &milestone(&format!("{block}by: Academia\n")),
    );
    let checked = oslog(root, &["validate", "--strict"]);
    assert!(checked.status.success(), "{}", common::shown(&checked));
    let formatted = oslog(root, &["fmt", "--check"]);
    assert!(formatted.status.success(), "{}", common::shown(&formatted));
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&oslog(root, &["timeline", "--format", "json"]))).unwrap();
    assert_eq!(
        listed["milestones"][0]["description"],
        "The row's text.\n- as given\n  second: a colon # and a hash\n"
    );

    // A one-line description written in quotes is rewritten plain, after the title.
    let quoted = format!(
        "id: 2019-09-annual-report\ndate: 2019-09\nkind: report\nstatus: planned\ntitle: Annual report\ndescription: \"{ROW}\"\n"
    );
    common::write(root, "timeline/2019-09-annual-report.yaml", &quoted);
    stdout(&oslog(root, &["fmt"]));
    assert_eq!(
        std::fs::read_to_string(root.join("timeline/2019-09-annual-report.yaml")).unwrap(),
        milestone(&format!("description: {ROW}\n"))
    );
}

#[test]
fn a_change_of_description_shows_in_the_trail() {
    let dir = repo(THEMES, "");
    let root = dir.path();
    common::write(
        root,
        "timeline/2019-09-annual-report.yaml",
        &milestone(&format!("description: {ROW}\n")),
    );
    commit(root, 2, "The row's text");
    let log = stdout(&oslog(root, &["log"]));
    assert!(
        log.contains("  2019-09-annual-report\n    description: (none) → Academia driven by civil"),
        "{log}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&oslog(root, &["log", "--format", "json"]))).unwrap();
    let change = &json["commits"][0]["entries"][0]["changes"][0];
    assert_eq!(change["field"], "description");
    assert_eq!(change["new"], ROW);
}

#[test]
fn the_merge_driver_takes_a_description_from_one_side_and_a_status_from_the_other() {
    let dir = repo(THEMES, "");
    let root = dir.path();
    let installed = oslog(root, &["merge-driver", "--install"]);
    assert!(installed.status.success(), "{}", common::shown(&installed));
    let line = oslog::commands::merge_driver::DRIVER.replacen(
        "oslog",
        &format!("'{}'", env!("CARGO_BIN_EXE_oslog")),
        1,
    );
    git(root, 2, &["config", "merge.oslog.driver", &line]);
    commit(root, 2, "The merge driver");
    git(root, 3, &["switch", "--quiet", "-c", "feature"]);
    let file = "timeline/2019-09-annual-report.yaml";
    common::write(root, file, &milestone(&format!("description: {ROW}\n")));
    commit(root, 3, "The row's text");
    git(root, 4, &["switch", "--quiet", "main"]);
    common::write(root, file, &milestone("").replace("planned", "slipped"));
    commit(root, 4, "Slipped");
    git(root, 5, &["merge", "--quiet", "--no-edit", "feature"]);
    assert_eq!(
        std::fs::read_to_string(root.join(file)).unwrap(),
        milestone(&format!("description: {ROW}\n")).replace("planned", "slipped")
    );
}

#[test]
fn the_reports_show_a_milestones_description() {
    let dir = repo(THEMES, &format!("description: {ROW}\n"));
    let root = dir.path();
    let monthly = ["report", "monthly", "--since", "2019-06-01"];
    let md = stdout(&oslog(root, &monthly));
    let row = md
        .lines()
        .find(|l| l.contains("2019-09-annual-report"))
        .unwrap_or_else(|| panic!("the milestone in the monthly update: {md}"));
    assert!(
        row.contains("Annual report: Academia driven by civil society"),
        "{row}"
    );
    let html = stdout(&oslog(
        root,
        &[&monthly[..], &["--format", "html"]].concat(),
    ));
    assert!(
        html.contains(&format!("<div class=\"description\">{ROW}</div>")),
        "{html}"
    );
    let html = stdout(&oslog(root, &["report", "actions", "--format", "html"]));
    assert!(
        html.contains(&format!(
            "<title>September 2019: Annual report (planned). {ROW}</title>"
        )),
        "the strip's mark says it: {html}"
    );
}
