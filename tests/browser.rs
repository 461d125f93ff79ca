//! The HTML reports in a real browser: each report of the repository's own log is rendered to a file,
//! loaded by headless Chromium with networking off, and the DOM it builds is checked (the three
//! sections and their row counts, the theme colours, the charts). A screenshot is kept under
//! `target/browser/` as an artefact, with the action log printed to PDF, whose pages are counted.
//! Without /usr/bin/chromium the test fails under CI=true (where `.ci/run` installs it) and says
//! loudly that it is skipped elsewhere.

mod common;

use std::path::{Path, PathBuf};

use common::{chromium, CHROMIUM};

/// Whether Chromium is here. Under CI=true its absence fails the test; elsewhere the skip is written
/// to the process's stderr directly, past the harness's capture, so that it shows in every run.
fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !ci,
        "{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`); .ci/run does this"
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr().lock(),
        "\nWARNING: browser test SKIPPED: {CHROMIUM} is not installed (`apt-get install -y chromium`)\n"
    );
    false
}

/// The number of pages of a PDF, from its page objects (`/Type /Page`, not `/Pages`), checked
/// against the page tree's largest `/Count`.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let mut pages = 0;
    for (at, _) in text.match_indices("/Type") {
        let rest = text[at + 5..].trim_start();
        if let Some(after) = rest.strip_prefix("/Page") {
            if !after.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                pages += 1;
            }
        }
    }
    let count = text
        .match_indices("/Count")
        .filter_map(|(at, _)| {
            let digits: String = text[at + 6..]
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<usize>().ok()
        })
        .max();
    assert_eq!(count, Some(pages), "the page tree counts the page objects");
    pages
}

fn render(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let page = dir.join(name);
    let out = common::oslog_command(Path::new(env!("CARGO_MANIFEST_DIR")), args)
        .arg("--out")
        .arg(&page)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    page
}

/// The text of the element whose opening tag starts at `id="…"`, up to the next `</section>`.
fn section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = dom[start..].find("</section>").unwrap() + start;
    &dom[start..end]
}

fn data_count(section: &str) -> usize {
    let at = section.find("data-count=\"").unwrap() + "data-count=\"".len();
    let digits: String = section[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

#[test]
fn the_action_log_renders_in_chromium() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = render(
        dir.path(),
        "actions.html",
        &["report", "actions", "--format", "html"],
    );
    let dom = chromium(&page, &["--dump-dom"]);
    // The log's own counts, from its files, as of the same day.
    let list = common::oslog(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["list", "--format", "csv", "--columns", "status"],
    );
    let statuses = String::from_utf8(list.stdout).unwrap();
    let count = |f: &dyn Fn(&str) -> bool| statuses.lines().skip(1).filter(|l| f(l)).count();
    let expected = [
        ("open", count(&|s| s == "not-started" || s == "ongoing")),
        ("awaiting-sign-off", count(&|s| s == "proposed-complete")),
        ("completed", count(&|s| s == "complete" || s == "closed")),
    ];
    for (id, n) in expected {
        let s = section(&dom, id);
        assert_eq!(s.matches("<tr class=\"action\"").count(), n, "rows of {id}");
        assert_eq!(data_count(s), n, "count shown for {id}");
    }
    assert!(expected[0].1 > 0 && expected[2].1 > 0);
    let themes =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes.yaml")).unwrap();
    for colour in themes
        .lines()
        .filter_map(|l| l.trim().strip_prefix("colour: "))
    {
        let colour = colour.trim_matches('"');
        assert!(
            dom.contains(&format!("background: {colour}")),
            "theme colour {colour} in the legend"
        );
    }
    assert!(dom.matches("<svg").count() >= 3, "the three charts");
    for chart in ["chart-over-time", "chart-by-theme", "chart-milestones"] {
        assert!(dom.contains(&format!("<figure id=\"{chart}\"")), "{chart}");
    }
    assert!(dom.contains("<polyline"), "the line chart has lines");
    assert!(dom.contains("<circle"), "the milestone strip has marks");

    let public = render(
        dir.path(),
        "public.html",
        &["report", "actions", "--format", "html", "--public"],
    );
    let dom = chromium(&public, &["--dump-dom"]);
    assert!(dom.contains("public version"));
    assert!(
        section(&dom, "open")
            .matches("<tr class=\"action\"")
            .count()
            == expected[0].1
    );

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("actions.png");
    let _ = std::fs::remove_file(&shot);
    chromium(
        &page,
        &[
            "--window-size=1280,1600",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a screenshot"
    );
}

#[test]
fn the_monthly_and_annual_reports_render_in_chromium() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&shots).unwrap();
    // Since a day before the log's first commit, every action of the log is new; as of a day far
    // ahead, every open action is overdue.
    let monthly = render(
        dir.path(),
        "monthly.html",
        &[
            "--today",
            "2099-12-31",
            "report",
            "monthly",
            "--since",
            "2000-01-01",
            "--format",
            "html",
        ],
    );
    let dom = chromium(&monthly, &["--dump-dom"]);
    let actions = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("actions"))
        .unwrap()
        .count();
    for id in [
        "new-actions",
        "status-changes",
        "deadline-moves",
        "updates-added",
        "overdue",
        "milestone-changes",
        "milestones",
    ] {
        let s = section(&dom, id);
        assert_eq!(
            s.matches("<tr class=\"item\"").count(),
            data_count(s),
            "rows of {id}"
        );
    }
    assert_eq!(data_count(section(&dom, "new-actions")), actions);
    assert!(data_count(section(&dom, "overdue")) > 0);

    let annual = render(
        dir.path(),
        "annual.html",
        &["report", "annual", "--year", "2019", "--format", "html"],
    );
    let dom = chromium(&annual, &["--dump-dom"]);
    let figures = section(&dom, "figures");
    assert!(figures.matches("<th scope=\"row\"").count() > 1);
    let governance = section(&dom, "theme-governance");
    for part in ["resolved", "unresolved", "outstanding"] {
        assert!(
            governance.contains(&format!("data-part=\"{part}\"")),
            "{part}"
        );
    }
    assert!(dom.contains("border-color: #9467bd"), "the theme's colour");

    for (page, name) in [(&monthly, "monthly.png"), (&annual, "annual.png")] {
        let shot = shots.join(name);
        let _ = std::fs::remove_file(&shot);
        chromium(
            page,
            &[
                "--window-size=1280,1600",
                &format!("--screenshot={}", shot.display()),
            ],
        );
        assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "{name}");
    }
}

#[test]
fn the_action_log_prints_on_few_pages_with_each_theme_named_where_it_continues() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = render(
        dir.path(),
        "actions.html",
        &["report", "actions", "--format", "html"],
    );
    let pdf = dir.path().join("actions.pdf");
    chromium(
        &page,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let pages = pdf_pages(&std::fs::read(&pdf).unwrap());
    // The 140 actions printed on 39 A4 pages when each row was kept whole and each theme began
    // under its own heading; half of that at most.
    assert!((2..=19).contains(&pages), "{pages} pages");
    let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser/actions.pdf");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::copy(&pdf, kept).unwrap();

    // Each theme's table repeats the theme's name in its head, which print repeats on every page
    // the table runs on to.
    let dom = chromium(&page, &["--dump-dom"]);
    let tables = dom.matches("<table class=\"actions\"").count();
    assert!(tables > 0);
    assert_eq!(
        dom.matches("<tr class=\"theme-repeat\"").count(),
        tables,
        "every table's head names its theme"
    );
}
