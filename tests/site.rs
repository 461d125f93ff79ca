//! `oslog site`: the static website built from a real git repository: every page, each action's
//! history from git through a renumbering, the same bytes from two runs, the public version's
//! redaction on every page, in the feed and in the calendar, and the feed and calendar read back by
//! independent parsers (Python's `xml` and the `icalendar` package). Without Python's `icalendar`
//! the calendar test fails under CI=true (where `.ci/run` installs it) and says so elsewhere.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const THEMES: &str = "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n  - key: data-sharing\n    name: Data sharing\n    colour: \"#1f77b4\"\n    public_owners: true\nsources:\n  - key: minutes\n    name: Minutes\n    public: true\n  - key: members-paper\n    name: A paper for members only\n";

const HOSTILE: &str = r#"<script>alert("x")</script> & "><img src=x>"#;

fn action(id: u32, theme: &str, deadline: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: Action number {id}\ntheme: {theme}\nowner: Owner Of {id}\nraised: 2019-02\ndeadline: {deadline}\nstatus: ongoing\n{extra}"
    )
}

/// A log with four commits: three actions added; action 1's deadline moved; action 3 renumbered to
/// 4; a members-only action 5 and a milestone added.
fn repo(dir: &Path) {
    let repo = common::log_repo(dir, THEMES, 0, |_| String::new());
    common::write(
        dir,
        "actions/001.yaml",
        &action(1, "governance", "2019-06", ""),
    );
    common::write(
        dir,
        "actions/002.yaml",
        &action(2, "data-sharing", "2019-08-15", "links: [1]\n"),
    );
    common::write(
        dir,
        "actions/003.yaml",
        &action(3, "governance", "2019-09", ""),
    );
    common::commit(&repo, "Ana", 1_550_000_000, "three actions");
    common::write(
        dir,
        "actions/001.yaml",
        &action(1, "governance", "2019-10", ""),
    );
    common::commit(&repo, "Ben", 1_560_000_000, "action 1: deadline moved");
    std::fs::remove_file(dir.join("actions/003.yaml")).unwrap();
    common::write(
        dir,
        "actions/004.yaml",
        &action(4, "governance", "2019-09", "formerly: [3]\n").replace("number 4", "number 3"),
    );
    common::commit(&repo, "Ana", 1_561_000_000, "renumber 3 to 4");
    let quoted = serde_json::to_string(HOSTILE).unwrap();
    common::write(
        dir,
        "actions/005.yaml",
        &format!("id: 5\ntitle: Secret plan\ntheme: governance\nowner: Hidden Owner\nraised: 2019-03\ndeadline: 2019-12\nstatus: not-started\nsource: members-paper\nupdates:\n  - date: 2019-04\n    text: {quoted}\n"),
    );
    common::write(
        dir,
        "timeline/2019-09-report.yaml",
        "id: 2019-09-report\ndate: 2019-09\nkind: report\ntitle: Annual report; published, at last\nstatus: planned\nactions: [1, 4]\nsource: minutes\n",
    );
    common::commit(&repo, "Cleo", 1_561_500_000, "more");
}

fn site(dir: &Path, out: &Path, extra: &[&str]) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut args = vec!["site", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = common::oslog(dir, &args);
    assert!(o.status.success(), "{}", common::shown(&o));
    let files = common::snapshot(out);
    files
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(out).unwrap_or(&p).to_path_buf(), b))
        .collect()
}

fn text(files: &BTreeMap<PathBuf, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("no {path} in {:?}", files.keys().collect::<Vec<_>>()))
            .clone(),
    )
    .unwrap()
}

#[test]
fn the_site_has_every_page_with_history_and_the_same_bytes_each_run() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = tempfile::tempdir().unwrap();
    let a = site(dir.path(), &out.path().join("a"), &[]);
    let b = site(dir.path(), &out.path().join("b"), &[]);
    assert_eq!(a, b, "two runs on the same commit give the same bytes");
    for page in [
        "index.html",
        "actions/1.html",
        "actions/2.html",
        "actions/4.html",
        "actions/5.html",
        "themes/governance.html",
        "themes/data-sharing.html",
        "timeline.html",
        "feed.xml",
        "calendar.ics",
    ] {
        assert!(a.contains_key(Path::new(page)), "{page}");
    }
    assert!(!a.contains_key(Path::new("actions/3.html")));
    let index = text(&a, "index.html");
    assert!(
        index.contains("href=\"actions/4.html\""),
        "the index links the pages"
    );
    assert!(
        index.contains("id=\"filter-text\""),
        "the index has a search box"
    );
    // The renumbered action's history goes back past its renumbering to its addition.
    let four = text(&a, "actions/4.html");
    assert!(four.contains("Renumbered from 3"), "{four}");
    assert!(four.contains("Added"), "history before the renumbering");
    assert_eq!(four.matches("<li><span class=\"when\">").count(), 2);
    // Action 1: its deadline move, from Ben, with the chart.
    let one = text(&a, "actions/1.html");
    assert!(one.contains("Ben"));
    assert!(one.contains("id=\"chart-deadline\""));
    assert!(one.contains("June 2019") && one.contains("October 2019"));
    // Links both ways: 2 links to 1, so 1 is linked from 2; milestones cite 1.
    assert!(text(&a, "actions/2.html").contains("<a href=\"1.html\">1</a>"));
    assert!(one.contains("<a href=\"2.html\">2</a>"));
    assert!(one.contains("../timeline.html#2019-09-report"));
    // Text from the log is escaped.
    let five = text(&a, "actions/5.html");
    assert!(!five.contains("<script>alert") && five.contains("&lt;script&gt;"));

    // A build over an earlier one removes the pages that no longer belong.
    let stale = out.path().join("a/actions/99.html");
    std::fs::write(&stale, "old").unwrap();
    site(dir.path(), &out.path().join("a"), &[]);
    assert!(!stale.exists());
}

#[test]
fn the_public_site_withholds_on_every_page_in_the_feed_and_in_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = tempfile::tempdir().unwrap();
    let files = site(dir.path(), out.path(), &["--public", "--reports"]);
    assert!(files.contains_key(Path::new("reports/annual-2019.html")));
    assert!(!files.contains_key(Path::new("actions/5.html")));
    for (path, bytes) in &files {
        let s = String::from_utf8_lossy(bytes);
        assert!(
            !s.contains("Secret plan"),
            "{} names the withheld action",
            path.display()
        );
        assert!(!s.contains("Hidden Owner"), "{}", path.display());
        // Governance's owners are not public: in pages, history, feed and calendar alike.
        assert!(
            !s.contains("Owner Of 1"),
            "{} names a withheld owner",
            path.display()
        );
        assert!(!s.contains("Owner Of 4"), "{}", path.display());
        // No commit author is named in the public version.
        for author in ["Ana", "Ben", "Cleo"] {
            assert!(!s.contains(author), "{} names {author}", path.display());
        }
    }
    // Data sharing's owners are public.
    assert!(text(&files, "actions/2.html").contains("Owner Of 2"));
}

const READ_FEED: &str = r#"
import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == A + "feed", root.tag
for tag in ("id", "title", "updated"):
    assert root.find(A + tag) is not None, tag
for e in root.findall(A + "entry"):
    for tag in ("id", "title", "updated", "author"):
        assert e.find(A + tag) is not None, tag
    print(e.find(A + "id").text, "|", e.find(A + "title").text)
"#;

#[test]
fn the_feed_is_atom_with_one_entry_per_commit_and_stable_ids() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = tempfile::tempdir().unwrap();
    site(
        dir.path(),
        &out.path().join("a"),
        &["--base-url", "https://forum.example.org/log"],
    );
    let Some(entries) = common::python(READ_FEED, &[&out.path().join("a/feed.xml")]) else {
        return;
    };
    let lines: Vec<&str> = entries.lines().collect();
    assert_eq!(lines.len(), 4, "{entries}");
    let head = common::git(dir.path(), &["rev-parse", "HEAD"]);
    let head = String::from_utf8(head.stdout).unwrap();
    assert!(
        lines[0].starts_with(&format!(
            "https://forum.example.org/log/feed.xml#{}",
            head.trim()
        )),
        "{entries}"
    );
    assert!(
        lines[1].contains("Action 4: renumbered from #3"),
        "{entries}"
    );
    assert!(
        lines[2].contains("Action 1: deadline: 2019-06 → 2019-10"),
        "{entries}"
    );
    // Without a base URL, the ids carry the log's identity; a later commit adds one entry and
    // leaves the others' ids as they were.
    site(dir.path(), &out.path().join("b"), &[]);
    let before = common::python(READ_FEED, &[&out.path().join("b/feed.xml")]).unwrap();
    assert!(before.starts_with("urn:oslog:"), "{before}");
    common::write(
        dir.path(),
        "actions/002.yaml",
        &action(2, "data-sharing", "2019-11", "links: [1]\n"),
    );
    let repo = git2::Repository::open(dir.path()).unwrap();
    common::commit(&repo, "Ana", 1_561_600_000, "move");
    site(dir.path(), &out.path().join("b"), &[]);
    let after = common::python(READ_FEED, &[&out.path().join("b/feed.xml")]).unwrap();
    assert_eq!(after.lines().count(), 5);
    assert!(after.ends_with(&before), "{after}\n---\n{before}");
}

const READ_CALENDAR: &str = r#"
import sys, icalendar
data = open(sys.argv[1], "rb").read()
for line in data.split(b"\r\n"):
    assert len(line) <= 75, line
cal = icalendar.Calendar.from_ical(data)
for e in cal.walk("VEVENT"):
    start = e.decoded("DTSTART")
    assert type(start).__name__ == "date", start
    print(e["UID"], "|", start.isoformat(), "|", e.decoded("DTEND").isoformat(), "|", e["SUMMARY"])
"#;

#[test]
fn the_calendar_is_icalendar_with_all_day_events_and_stable_uids() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = tempfile::tempdir().unwrap();
    site(dir.path(), &out.path().join("a"), &[]);
    let Some(events) = common::python(READ_CALENDAR, &[&out.path().join("a/calendar.ics")]) else {
        return;
    };
    let lines: Vec<&str> = events.lines().collect();
    // The milestone and the open actions' deadlines: 1, 2, 4 and 5.
    assert_eq!(lines.len(), 5, "{events}");
    let find = |uid: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(uid))
            .unwrap_or_else(|| panic!("no {uid} in {events}"))
    };
    // A month's deadline is its last day; a day's is that day; a milestone's month is the month.
    assert!(find("action-1-deadline@").contains("| 2019-10-31 | 2019-11-01 |"));
    assert!(find("action-2-deadline@").contains("| 2019-08-15 | 2019-08-16 |"));
    assert!(find("milestone-2019-09-report@")
        .contains("| 2019-09-01 | 2019-10-01 | Annual report; published, at last"));
    // The same UIDs from another run, and from a later commit.
    let repo = git2::Repository::open(dir.path()).unwrap();
    common::write(
        dir.path(),
        "actions/002.yaml",
        &action(2, "data-sharing", "2019-11", "links: [1]\n"),
    );
    common::commit(&repo, "Ana", 1_561_600_000, "move");
    site(dir.path(), &out.path().join("b"), &[]);
    let again = common::python(READ_CALENDAR, &[&out.path().join("b/calendar.ics")]).unwrap();
    let uids = |s: &str| -> std::collections::BTreeSet<String> {
        s.lines()
            .map(|l| l.split(" | ").next().unwrap().to_string())
            .collect()
    };
    assert_eq!(uids(&events), uids(&again));
}

#[test]
fn the_repositorys_own_log_becomes_a_site() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = site(root, out.path(), &[]);
    let actions = std::fs::read_dir(root.join("actions")).unwrap().count();
    let pages = files.keys().filter(|p| p.starts_with("actions")).count();
    assert_eq!(pages, actions);
}

#[test]
fn a_base_url_must_be_a_web_address() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let o = common::oslog(
        dir.path(),
        &["site", "--out", "x", "--base-url", "javascript:alert(1)"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("oslog: error: --base-url"));
}

#[test]
fn the_pages_workflow_builds_the_public_site() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/oslog-pages.yml"),
    )
    .unwrap();
    let doc = oslog::store::yaml::parse(&src).unwrap().root.to_json();
    let steps = doc["jobs"]["build"]["steps"].as_array().unwrap();
    let build = steps
        .iter()
        .find(|s| s["name"] == "Build the site")
        .expect("a build step");
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let bin = Path::new(env!("CARGO_BIN_EXE_oslog")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let o = Command::new("sh")
        .arg("-ec")
        .arg(build["run"].as_str().unwrap())
        .current_dir(dir.path())
        .env("PATH", path)
        .env("BASE_URL", "https://forum.example.org/log")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::shown(&o));
    let site = dir.path().join("_site");
    let feed = std::fs::read_to_string(site.join("feed.xml")).unwrap();
    assert!(feed.contains("https://forum.example.org/log/feed.xml#"));
    assert!(!site.join("actions/5.html").exists(), "the public version");
    assert!(site.join("actions/1.html").exists());
}

#[test]
fn the_reports_are_pages_of_the_site_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = tempfile::tempdir().unwrap();
    let plain = site(dir.path(), &out.path().join("plain"), &[]);
    assert!(!plain.keys().any(|p| p.starts_with("reports")));
    assert!(!text(&plain, "index.html").contains("reports/index.html"));
    let files = site(dir.path(), &out.path().join("a"), &["--reports"]);
    let reports: Vec<&Path> = files
        .keys()
        .filter(|p| p.starts_with("reports"))
        .map(|p| p.as_path())
        .collect();
    assert_eq!(
        reports,
        [
            Path::new("reports/annual-2019.html"),
            Path::new("reports/index.html"),
            Path::new("reports/monthly-2019-02.html"),
            Path::new("reports/monthly-2019-06.html"),
        ]
    );
    let list = text(&files, "reports/index.html");
    assert!(list.contains("Monthly update, June 2019") && list.contains("Annual report, 2019"));
    assert!(text(&files, "index.html").contains("reports/index.html"));
    // June's update holds June's deadline move of action 1, not February's additions.
    let june = text(&files, "reports/monthly-2019-06.html");
    let february = text(&files, "reports/monthly-2019-02.html");
    assert!(june.contains("October 2019"), "the move in June");
    assert!(
        !february.contains("October 2019"),
        "February is as of February"
    );
    assert_eq!(
        files,
        site(dir.path(), &out.path().join("b"), &["--reports"]),
        "the same bytes"
    );
}

#[test]
fn a_theme_that_is_not_a_key_cannot_write_outside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("log");
    let repo = common::log_repo(&root, THEMES, 0, |_| String::new());
    common::write(
        &root,
        "actions/001.yaml",
        &action(1, "\"../../escaped\"", "2019-06", ""),
    );
    common::commit(&repo, "Ana", 1_550_000_000, "one");
    let out = dir.path().join("a/b/site");
    let o = common::oslog(&root, &["site", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::shown(&o));
    assert!(
        !dir.path().join("a/b/escaped.html").exists(),
        "a page outside the site"
    );
    let files = common::snapshot(dir.path());
    assert!(
        files
            .keys()
            .all(|p| p.starts_with("log") || p.starts_with("a/b/site")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
    // The theme still has its page, and the action's page links to it.
    let page = std::fs::read_to_string(out.join("actions/1.html")).unwrap();
    let at = page.find("href=\"../themes/").unwrap() + "href=\"../".len();
    let href = &page[at..at + page[at..].find('"').unwrap()];
    assert!(out.join(href).exists(), "{href}");
}
