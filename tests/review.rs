//! The monthly update, the member digest and the annual report end to end: real repositories built
//! with git2 in temporary folders, with fixed authors and commit times, read by the `oslog` binary;
//! and hostile text in them, escaped in HTML and inert in Markdown.

mod common;
use common::{commit, write};
use git2::Repository;
use std::path::Path;
use std::process::Output;

const THEMES: &str = "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\nmembers:\n  - name: Liberty\n    themes: [data-sharing]\n";

/// 1 May 2019, noon UTC.
const T0: i64 = 1_556_712_000;

/// The time of day `day` after T0, in seconds since the epoch.
fn at(day: i64) -> i64 {
    T0 + day * 86_400
}

const HOSTILE: &str = r#"<script>alert("x")</script> & 'q' a|b"#;

fn action(id: u32, theme: &str, title: &str, deadline: &str, status: &str, extra: &str) -> String {
    let title = serde_json::to_string(title).unwrap();
    format!("id: {id}\ntitle: {title}\ntheme: {theme}\nraised: 2019-02\ndeadline: {deadline}\nstatus: {status}\n{extra}")
}

/// 1 May: Ann starts the log (actions 1 and 2, a workshop in August).
/// 10 June: Bob starts action 1, moves its deadline from 2019-06 to 2019-09 and adds an update.
/// 12 June: Cy adds action 3 (data sharing, with hostile text) and completes action 2.
fn scenario() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = Repository::init(root).unwrap();
    write(root, "themes.yaml", THEMES);
    write(
        root,
        "actions/001.yaml",
        &action(
            1,
            "governance",
            "Publish the terms",
            "2019-06",
            "not-started",
            "",
        ),
    );
    write(
        root,
        "actions/002.yaml",
        &action(2, "governance", "Share the paper", "2019-05", "ongoing", ""),
    );
    write(
        root,
        "timeline/2019-08-workshop.yaml",
        "id: 2019-08-workshop\ndate: 2019-08\nkind: workshop\ntitle: Workshop 5\nstatus: planned\n",
    );
    commit(&repo, "Ann", at(0), "Start the log");
    write(
        root,
        "actions/001.yaml",
        &action(
            1,
            "governance",
            "Publish the terms",
            "2019-09",
            "ongoing",
            "updates:\n  - date: 2019-06-10\n    text: Draft circulated\n",
        ),
    );
    commit(&repo, "Bob", at(40), "Start action 1");
    let hostile = serde_json::to_string(HOSTILE).unwrap();
    write(
        root,
        "actions/003.yaml",
        &action(
            3,
            "data-sharing",
            HOSTILE,
            "2019-12",
            "not-started",
            &format!("owner: {hostile}\n"),
        ),
    );
    write(
        root,
        "actions/002.yaml",
        &action(
            2,
            "governance",
            "Share the paper",
            "2019-05",
            "complete",
            "",
        ),
    );
    commit(&repo, "Cy", at(42), "Add action 3, complete action 2");
    dir
}

fn oslog(dir: &Path, args: &[&str]) -> Output {
    common::oslog_with(dir, args, &[])
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = oslog(dir, args);
    assert!(o.status.success(), "{args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

/// The lines of a Markdown section, from its heading to the next `## `.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(&format!("## {heading}"))
        .unwrap_or_else(|| panic!("no {heading} in\n{md}"));
    let end = md[start + 3..]
        .find("\n## ")
        .map_or(md.len(), |e| e + start + 3);
    &md[start..end]
}

/// The rows of a section's table, without its header and rule.
fn rows(section: &str) -> Vec<&str> {
    section
        .lines()
        .filter(|l| l.starts_with("| "))
        .skip(2)
        .collect()
}

#[test]
fn monthly_lists_what_changed_since_the_date() {
    let dir = scenario();
    // The default: one month before 1 July 2019, so Ann's first commit is left out.
    let md = ok(dir.path(), &["report", "monthly"]);
    assert!(
        md.contains("Changes since 1 June 2019, as of 1 July 2019."),
        "{md}"
    );
    let new = rows(section(&md, "New actions"));
    assert_eq!(new.len(), 1, "{md}");
    assert!(new[0].starts_with("| 3 | "), "{}", new[0]);
    assert!(new[0].contains(" | Data Sharing |"), "{}", new[0]);
    let status = rows(section(&md, "Status changes"));
    assert_eq!(status.len(), 2);
    assert!(status[0].contains("not started → ongoing") && status[0].contains("10 June 2019"));
    assert!(status[1].contains("ongoing → complete") && status[1].contains("12 June 2019"));
    let moves = rows(section(&md, "Deadline moves"));
    assert_eq!(moves.len(), 1);
    assert!(
        moves[0].contains("| June 2019 | September 2019 |"),
        "{}",
        moves[0]
    );
    let updates = rows(section(&md, "Updates added"));
    assert_eq!(updates.len(), 1);
    assert!(updates[0].contains("Draft circulated"));
    // Action 2 is complete, action 1's deadline moved to September: nothing is overdue.
    assert!(section(&md, "Actions now overdue").contains("None."));
    let ms = rows(section(&md, "Milestones in the coming three months"));
    assert_eq!(ms.len(), 1);
    assert!(ms[0].contains("Workshop 5"));

    // Since a date before the first commit, both actions of the first commit are new too.
    let all = ok(dir.path(), &["report", "monthly", "--since", "2019-04-01"]);
    assert_eq!(rows(section(&all, "New actions")).len(), 3);
    // Since a revision: the commits after it.
    let rev = ok(dir.path(), &["report", "monthly", "--since", "HEAD~1"]);
    assert_eq!(rows(section(&rev, "Status changes")).len(), 1);
    // As of 11 June 2019, the update still covers the commit of 12 June (action 2 complete,
    // action 3 added): the log it shows holds that commit's changes.
    let early = ok(
        dir.path(),
        &[
            "--today",
            "2019-06-11",
            "report",
            "monthly",
            "--since",
            "2019-06-01",
        ],
    );
    assert_eq!(rows(section(&early, "New actions")).len(), 1, "{early}");
    assert_eq!(rows(section(&early, "Status changes")).len(), 2, "{early}");
    // The log as it was on 11 June is --as-of's: the commit of 12 June is not in it.
    let as_of = ok(
        dir.path(),
        &[
            "report",
            "monthly",
            "--as-of",
            "2019-06-11",
            "--since",
            "2019-06-01",
        ],
    );
    assert_eq!(rows(section(&as_of, "New actions")).len(), 0, "{as_of}");
    let status = rows(section(&as_of, "Status changes"));
    assert_eq!(status.len(), 1, "{as_of}");
    assert!(status[0].contains("not started → ongoing"));
}

#[test]
fn digest_keeps_the_member_themes_and_names_the_known_members() {
    let dir = scenario();
    let md = ok(dir.path(), &["report", "digest", "--member", "liberty"]);
    assert!(md.contains("For Liberty: Data Sharing."), "{md}");
    assert_eq!(rows(section(&md, "New actions")).len(), 1);
    assert!(section(&md, "Status changes").contains("None."));
    let o = oslog(dir.path(), &["report", "digest", "--member", "Nobody"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("known members: Liberty"), "{err}");
}

#[test]
fn annual_gives_three_sections_per_theme_with_figures() {
    let dir = scenario();
    let md = ok(dir.path(), &["report", "annual", "--year", "2019"]);
    let figures = section(&md, "Figures");
    let governance = figures
        .lines()
        .find(|l| l.starts_with("| Governance |"))
        .unwrap();
    // Raised 2; completed 1 (action 2, on 12 June 2019 by history: 131 days from 1 February);
    // closed 0; one deadline move.
    assert_eq!(
        governance,
        "| Governance | 2 | 1 | 0 | 131 | 1 (1 action) | 0 | 0 |"
    );
    assert!(figures.contains("git history shows the status becoming complete (1)"));
    let g = section(&md, "Governance\n");
    assert!(g.contains("### Discussed and resolved (1)"));
    assert!(g.contains("### Discussed and not resolved (1)"));
    assert!(g.contains("### Outstanding issues that still require work (0)"));
    assert!(g.contains("| 2 | Share the paper | complete | 12 June 2019 |"));
    let earlier = ok(dir.path(), &["report", "annual", "--year", "2018"]);
    assert!(section(&earlier, "Figures").contains("| Governance | 0 | 0 | 0 | – | 0 | 0 | 0 |"));
}

#[test]
fn new_reports_escape_text_from_the_log() {
    let dir = scenario();
    for args in [
        &["report", "monthly", "--format", "html"][..],
        &["report", "annual", "--year", "2019", "--format", "html"],
        &[
            "report", "digest", "--member", "Liberty", "--format", "html",
        ],
    ] {
        let html = ok(dir.path(), args);
        assert!(!html.contains("<script>alert"), "{args:?}");
        assert!(html.contains("&lt;script&gt;alert("), "{args:?}");
        assert!(html.contains("&amp; "), "{args:?}");
    }
    for args in [
        &["report", "monthly"][..],
        &["report", "annual", "--year", "2019"],
    ] {
        let md = ok(dir.path(), args);
        let html = common::markdown_html(&md);
        assert!(!html.contains("<script"), "{args:?}: {html}");
        assert!(html.contains("&lt;script&gt;alert"), "{args:?}: {html}");
        let row = md
            .lines()
            .find(|l| l.starts_with("| 3 |"))
            .expect("action 3's row");
        assert!(row.contains("a\\|b"), "{row}");
        let cells = row.replace("\\|", "").matches('|').count();
        assert!(cells == 6 || cells == 7, "{row}");
    }
}
