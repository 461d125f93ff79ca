//! The website and the HTML reports in headless Chromium: the site of the repository's own log is
//! opened at its index, a link to an action's page is followed, and axe-core (pinned, from the npm
//! registry; `.ci/run` installs it under `target/axe/`) checks every kind of page and every HTML
//! report against WCAG 2.2 AA with zero violations. The filters are checked as a keyboard user meets
//! them: labelled native controls in the tab order that filter the rows on the events typing and
//! choosing fire. Without Chromium or axe-core the test fails under CI=true and says so elsewhere.

mod common;

use std::path::{Path, PathBuf};

use common::CHROMIUM;

/// Where `.ci/run` installs axe-core (`npm install --prefix target/axe axe-core@4.10.2`), unless
/// AXE_CORE names the script.
fn axe() -> Option<PathBuf> {
    let path = std::env::var_os("AXE_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    for (tool, there) in [
        (CHROMIUM.to_string(), Path::new(CHROMIUM).exists()),
        (path.display().to_string(), path.exists()),
    ] {
        if !there {
            assert!(!ci, "{tool} is missing; .ci/run installs it");
            #[allow(clippy::print_stderr)]
            {
                eprintln!("SKIPPED, NOT CHECKED: {tool} is missing (see .ci/run)");
            }
            return None;
        }
    }
    Some(path)
}

/// The DOM Chromium builds from `page`, after its scripts (and timers) have run.
fn dom(page: &Path) -> String {
    common::chromium(page, &["--virtual-time-budget=30000", "--dump-dom"])
}

/// What a script injected into a page left in the root element's `data-result`, unescaped.
fn result(dom: &str) -> String {
    let at = dom
        .find("data-result=\"")
        .unwrap_or_else(|| panic!("the check did not finish: {}", &dom[..dom.len().min(500)]))
        + "data-result=\"".len();
    let end = dom[at..].find('"').unwrap() + at;
    dom[at..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A copy of `page` beside it that runs `script` after loading axe-core from beside it.
fn with_script(page: &Path, axe: &Path, script: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).unwrap();
    let dir = page.parent().unwrap();
    std::fs::copy(axe, dir.join("axe.min.js")).unwrap();
    let checked = dir.join(format!(
        "{}.checked.html",
        page.file_stem().unwrap().to_str().unwrap()
    ));
    let tail = format!("<script src=\"axe.min.js\"></script><script>{script}</script></body>");
    assert!(html.contains("</body>"));
    std::fs::write(&checked, html.replacen("</body>", &tail, 1)).unwrap();
    checked
}

const AXE: &str = r#"
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
  .then(function (r) {
    document.documentElement.setAttribute("data-result", JSON.stringify(r.violations.map(function (v) {
      return v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }).join("; ");
    })));
  }, function (e) { document.documentElement.setAttribute("data-result", "error: " + e); });
"#;

/// Run axe-core on `page` and assert there is no violation.
fn no_violations(page: &Path, axe: &Path) {
    let found = result(&dom(&with_script(page, axe, AXE)));
    assert_eq!(found, "[]", "WCAG 2.2 AA violations in {}", page.display());
}

fn oslog(args: &[&str]) {
    let o = common::oslog(Path::new(env!("CARGO_MANIFEST_DIR")), args);
    assert!(o.status.success(), "{}", common::shown(&o));
}

#[test]
fn the_site_opens_links_and_passes_the_accessibility_check() {
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    oslog(&["site", "--out", site.to_str().unwrap()]);
    let index = dom(&site.join("index.html"));
    assert!(index.contains("<nav class=\"site\""));
    assert!(index.matches("<tr class=\"action\"").count() > 100);
    // Follow the first link to an action's page, and from there its theme's page.
    let at = index.find("href=\"actions/").expect("a link to an action") + "href=\"".len();
    let href = &index[at..at + index[at..].find('"').unwrap()];
    let action = dom(&site.join(href));
    assert!(action.contains("<section id=\"history\""), "{href}");
    assert!(action.contains("<h1>"));
    let at = action.find("href=\"../themes/").unwrap() + "href=\"../".len();
    let theme = &action[at..at + action[at..].find('"').unwrap()];
    assert!(dom(&site.join(theme)).contains("<table class=\"list\""));
    for page in ["index.html", href, theme, "timeline.html"] {
        no_violations(&site.join(page), &axe);
    }
    // An action's page in each status (each has its own colours), and one with a deadline chart.
    let pages: Vec<(PathBuf, String)> = std::fs::read_dir(site.join("actions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    let mut marks: Vec<String> = [
        "not-started",
        "ongoing",
        "proposed-complete",
        "complete",
        "closed",
    ]
    .iter()
    .map(|s| format!("<p class=\"meta\"><span class=\"status status-{s}\">"))
    .collect();
    marks.push("id=\"chart-deadline\"".into());
    for mark in &marks {
        if let Some((p, _)) = pages.iter().find(|(_, html)| html.contains(mark.as_str())) {
            no_violations(p, &axe);
        }
    }
    // The public version too.
    let public = dir.path().join("public");
    oslog(&["site", "--out", public.to_str().unwrap(), "--public"]);
    no_violations(&public.join("index.html"), &axe);
    no_violations(&public.join(href), &axe);
}

#[test]
fn the_html_reports_pass_the_accessibility_check() {
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    let (a, m, y) = (
        path("actions.html"),
        path("monthly.html"),
        path("annual.html"),
    );
    oslog(&["report", "actions", "--format", "html", "--out", &s(&a)]);
    oslog(&[
        "--today",
        "2099-12-31",
        "report",
        "monthly",
        "--since",
        "2000-01-01",
        "--format",
        "html",
        "--out",
        &s(&m),
    ]);
    oslog(&[
        "report",
        "annual",
        "--year",
        "2019",
        "--format",
        "html",
        "--out",
        &s(&y),
    ]);
    for page in [a, m, y] {
        no_violations(&page, &axe);
    }
}

/// The filters as a keyboard user meets them: in the tab order, labelled, and filtering on the
/// events that choosing with the arrow keys and typing fire.
const KEYBOARD: &str = r#"
(function () {
  var tabbable = Array.prototype.filter.call(
    document.querySelectorAll("a[href], input, select, button, [tabindex]"),
    function (e) { return e.tabIndex >= 0 && !e.disabled && e.offsetParent !== null; });
  var order = tabbable.map(function (e) { return e.id; }).filter(function (id) { return id.indexOf("filter-") === 0; });
  var labelled = ["filter-theme", "filter-status", "filter-text"].every(function (id) {
    var e = document.getElementById(id); return e.labels && e.labels.length > 0 && e.labels[0].textContent.trim() !== "";
  });
  function visible() { return document.querySelectorAll("tr.action:not([style*='none'])").length; }
  var all = visible();
  var theme = document.getElementById("filter-theme");
  theme.focus();
  theme.selectedIndex = 1;
  theme.dispatchEvent(new Event("change", {bubbles: true}));
  var byTheme = visible();
  theme.selectedIndex = 0;
  theme.dispatchEvent(new Event("change", {bubbles: true}));
  var text = document.getElementById("filter-text");
  text.focus();
  text.value = "no action says this";
  text.dispatchEvent(new Event("input", {bubbles: true}));
  var none = visible();
  var said = document.getElementById("filter-count").textContent;
  document.documentElement.setAttribute("data-result", JSON.stringify(
    {order: order, labelled: labelled, all: all, byTheme: byTheme, none: none, said: said,
     focused: document.activeElement.id}));
})();
"#;

#[test]
fn the_filters_work_from_the_keyboard() {
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    oslog(&["site", "--out", site.to_str().unwrap()]);
    let found = result(&dom(&with_script(&site.join("index.html"), &axe, KEYBOARD)));
    let v: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(
        v["order"],
        serde_json::json!(["filter-theme", "filter-status", "filter-text"]),
        "{found}"
    );
    assert_eq!(v["labelled"], true, "{found}");
    let all = v["all"].as_u64().unwrap();
    let by_theme = v["byTheme"].as_u64().unwrap();
    assert!(all > 100 && by_theme > 0 && by_theme < all, "{found}");
    assert_eq!(v["none"], 0, "{found}");
    assert_eq!(v["said"], format!("0 of {all} actions"), "{found}");
    assert_eq!(v["focused"], "filter-text");
}
