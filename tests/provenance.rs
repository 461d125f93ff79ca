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
        log.contains("  2019-09-annual-report  Annual report\n    description: (none) → Academia driven by civil"),
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
        .find(|l| l.starts_with("| September 2019 | Annual report"))
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

/// Two sources: minutes that may be published, and a paper for members only.
const SOURCES: &str = "sources:\n  - key: minutes\n    name: The minutes\n    public: true\n  - key: members-paper\n    name: A paper for members only\n    description: To be viewed only by members.\n";

fn themes_with_sources() -> String {
    format!("{THEMES}{SOURCES}")
}

#[test]
fn a_record_names_a_source_that_themes_yaml_declares() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(root, "themes.yaml", &themes_with_sources());
    common::write(
        root,
        "actions/001.yaml",
        "id: 1\ntitle: First action\ntheme: governance\nraised: 2019-01\nstatus: ongoing\nsource: minutes\n",
    );
    common::write(
        root,
        "timeline/2019-09-annual-report.yaml",
        &format!("{}source: members-paper\n", milestone("")),
    );
    let checked = oslog(root, &["validate", "--strict"]);
    assert!(checked.status.success(), "{}", common::shown(&checked));
    let formatted = oslog(root, &["fmt", "--check"]);
    assert!(formatted.status.success(), "{}", common::shown(&formatted));

    // A source that is not declared, on an action and on a milestone.
    common::write(
        root,
        "actions/002.yaml",
        "id: 2\ntitle: Second action\ntheme: governance\nraised: 2019-01\nstatus: ongoing\nsource: minuets\n",
    );
    common::write(
        root,
        "timeline/2019-10-workshop.yaml",
        "id: 2019-10-workshop\ndate: 2019-10\nkind: workshop\ntitle: Workshop\nstatus: planned\nsource: memo\n",
    );
    let found = oslog(root, &["validate", "--format", "json"]);
    assert_eq!(found.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    let seen: Vec<(String, String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "unknown-source".to_string(),
                "actions/002.yaml".to_string(),
                "did you mean `minutes`?".to_string()
            ),
            (
                "unknown-source".to_string(),
                "timeline/2019-10-workshop.yaml".to_string(),
                "the sources are: minutes, members-paper".to_string()
            ),
        ]
    );

    // Without a `sources:` list, any source is unknown, and the hint says where to declare it.
    common::write(root, "themes.yaml", THEMES);
    std::fs::remove_file(root.join("actions/002.yaml")).unwrap();
    std::fs::remove_file(root.join("timeline/2019-10-workshop.yaml")).unwrap();
    let found = String::from_utf8(oslog(root, &["validate"]).stdout).unwrap();
    assert_eq!(found.matches("error[unknown-source]").count(), 2, "{found}");
    assert!(
        found.contains("declare it under `sources:` in themes.yaml"),
        "{found}"
    );

    // A `sources:` that is not a list is the one finding: which sources it meant is not known.
    common::write(root, "themes.yaml", &format!("{THEMES}sources: minutes\n"));
    let found = String::from_utf8(oslog(root, &["validate"]).stdout).unwrap();
    assert!(
        found.contains("error[wrong-type]: `sources` should be a list"),
        "{found}"
    );
    assert!(!found.contains("unknown-source"), "{found}");
}

#[test]
fn a_change_of_source_shows_in_the_trail() {
    let dir = repo(&themes_with_sources(), "");
    let root = dir.path();
    common::write(
        root,
        "actions/001.yaml",
        "id: 1\ntitle: First action\ntheme: governance\nraised: 2019-01\nstatus: ongoing\nsource: minutes\n",
    );
    commit(root, 2, "Where action 1 came from");
    let history = stdout(&oslog(root, &["history", "1"]));
    assert!(history.contains("  source: (none) → minutes"), "{history}");
}

#[test]
fn add_and_milestone_add_take_a_declared_source_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(root, "themes.yaml", &themes_with_sources());
    let add = |source: &str| {
        let mut args = common::add_args("First action").to_vec();
        args.extend(["--source", source]);
        oslog(root, &args)
    };
    let refused = add("minuets");
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        common::shown(&refused)
    );
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "oslog: error: unknown source `minuets`; did you mean `minutes`?\n"
    );
    assert!(!root.join("actions/001.yaml").exists());
    stdout(&add("minutes"));
    assert!(std::fs::read_to_string(root.join("actions/001.yaml"))
        .unwrap()
        .ends_with("status: not-started\nsource: minutes\n"));

    let milestone = |source: &str| {
        oslog(
            root,
            &[
                "milestone",
                "add",
                "--date",
                "2019-09",
                "--kind",
                "report",
                "--title",
                "Annual report",
                "--description",
                ROW,
                "--source",
                source,
            ],
        )
    };
    let refused = milestone("memo");
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        common::shown(&refused)
    );
    assert!(!root.join("timeline/2019-09-annual-report.yaml").exists());
    stdout(&milestone("members-paper"));
    assert_eq!(
        std::fs::read_to_string(root.join("timeline/2019-09-annual-report.yaml")).unwrap(),
        format!(
            "{}source: members-paper\n",
            crate::milestone(&format!("description: {ROW}\n"))
        )
    );
}

#[test]
fn a_public_report_leaves_out_the_records_of_a_source_not_for_publication() {
    let dir = repo(&themes_with_sources(), "");
    let root = dir.path();
    let restricted = "Action from the members paper";
    let file = "timeline/2019-09-annual-report.yaml";
    let row = milestone(&format!("description: {ROW}\nby: Academia\n"))
        .replace("title: Annual report", "title: Timetable row");
    common::write(root, file, &format!("{row}source: members-paper\n"));
    common::write(
        root,
        "actions/002.yaml",
        &format!("id: 2\ntitle: {restricted}\ntheme: governance\nraised: 2019-01\nstatus: not-started\nsource: members-paper\n"),
    );
    common::write(
        root,
        "timeline/2019-08-workshop.yaml",
        "id: 2019-08-workshop\ndate: 2019-08\nkind: workshop\ntitle: Summer workshop\nstatus: planned\n",
    );
    commit(root, 2, "Records from the members' paper");
    let moved = std::fs::read_to_string(root.join("actions/002.yaml"))
        .unwrap()
        .replace("not-started", "ongoing");
    common::write(root, "actions/002.yaml", &moved);
    commit(root, 3, "Work on the paper's action");

    // At the end of July, when the commits are news.
    let late = |args: &[&str]| common::oslog_with(root, args, &[("OSLOG_TODAY", "2019-07-31")]);
    // The milestones that reports show: in the action log's strip and the monthly update's list.
    let monthly = stdout(&late(&["report", "monthly", "--since", "2019-06-01"]));
    assert!(monthly.contains("Timetable row") && monthly.contains("Summer workshop"));
    let reports: [&[&str]; 3] = [
        &["report", "actions"],
        &["report", "monthly", "--since", "2019-06-01"],
        &["report", "annual", "--year", "2019"],
    ];
    for args in reports {
        for format in ["md", "html"] {
            let all = stdout(&late(&[args, &["--format", format]].concat()));
            let public = stdout(&late(&[args, &["--format", format, "--public"]].concat()));
            for text in ["First action", "Summer workshop"] {
                assert_eq!(
                    public.contains(text),
                    all.contains(text),
                    "{args:?} {format} --public keeps {text}"
                );
            }
            for text in [restricted, "Timetable row", "Academia driven"] {
                assert!(
                    !public.contains(text),
                    "{args:?} {format} --public shows {text}"
                );
            }
            assert!(all.contains(restricted), "{args:?} {format}");
            let note =
                "It leaves out 1 action and 1 milestone whose source is not for publication.";
            assert!(
                public.contains(note) && !all.contains(note),
                "{args:?} {format}: {public}"
            );
        }
    }
}

#[test]
fn a_public_report_fails_closed_when_it_cannot_read_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(
        root,
        "actions/001.yaml",
        "id: 1\ntitle: Minuted action\ntheme: governance\nraised: 2019-01\nstatus: ongoing\nsource: minutes\n",
    );
    common::write(
        root,
        "actions/002.yaml",
        "id: 2\ntitle: Own action\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n",
    );
    let public = |themes: &str| {
        common::write(root, "themes.yaml", themes);
        String::from_utf8(oslog(root, &["report", "actions", "--public"]).stdout).unwrap()
    };
    let shown = public(&themes_with_sources());
    assert!(shown.contains("Minuted action") && shown.contains("Own action"));
    // A themes.yaml that does not load (a colour that is not one) declares no source public.
    let shown = public(&themes_with_sources().replace("\"#1f77b4\"", "blue"));
    assert!(!shown.contains("Minuted action"), "{shown}");
    assert!(shown.contains("Own action") && shown.contains("It leaves out 1 action"));
    // Nor does a source declared twice, once not public.
    let twice = format!(
        "{}  - key: minutes\n    name: Draft minutes\n",
        themes_with_sources()
    );
    let shown = public(&twice);
    assert!(!shown.contains("Minuted action"), "{shown}");
}
