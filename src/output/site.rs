//! The log's website as files: the front page (the action log of `html.rs` with the site's
//! navigation and links), a page per action and per theme, and the timeline, rendered with the same
//! minijinja environment and base template as the reports (templates `site_*.html`), so every value
//! is escaped and every page is self-contained. Links are relative, so the site works from `file://`
//! as well as from a web server. The feed and the calendar are written by `feed.rs` and
//! `calendar.rs`.

use crate::report::site::{ActionPage, DeadlineMove, Site};
use crate::report::ActionsReport;
use serde::Serialize;

/// The site's own templates, added to the reports' environment.
const TEMPLATES: [(&str, &str); 6] = [
    (
        "site_reports.html",
        include_str!("templates/site_reports.html"),
    ),
    ("site_head.html", include_str!("templates/site_head.html")),
    ("site_nav.html", include_str!("templates/site_nav.html")),
    (
        "site_action.html",
        include_str!("templates/site_action.html"),
    ),
    ("site_theme.html", include_str!("templates/site_theme.html")),
    (
        "site_timeline.html",
        include_str!("templates/site_timeline.html"),
    ),
];

/// What every page of the site knows about where it is: the way back to the site's root, the
/// site's title and which section it belongs to, for the navigation.
#[derive(Serialize)]
pub struct Nav<'a> {
    pub root: &'static str,
    pub title: &'a str,
    pub current: &'static str,
    pub themes: Vec<(&'a str, &'a str)>,
    /// Whether the site has its reports (`--reports`).
    pub reports: bool,
}

/// One file of the site: its path under the site's folder, with `/` between parts, and its bytes.
pub type File = (String, Vec<u8>);

fn environment() -> minijinja::Environment<'static> {
    let mut env = super::html::environment();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("the built-in template {name} does not parse: {e}"));
    }
    env
}

/// A value for a template.
fn value<T: Serialize>(v: T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// The site's HTML pages: `index.html`, `actions/N.html`, `themes/KEY.html`, `timeline.html`.
pub fn pages(index: &ActionsReport, site: &Site, reports: bool) -> anyhow::Result<Vec<File>> {
    let env = environment();
    let here = |root, current| nav(site, root, current, reports);
    // Made once and shared by every page (a value clones as a reference): made for each page of
    // 10,000 actions, it cost the square of the log.
    let s = value(site);
    let mut files = Vec::new();
    let mut front = Vec::new();
    super::html::actions_in(&mut front, index, Some(&here("", "index")), &env)?;
    files.push(("index.html".to_string(), front));
    for t in &site.themes {
        for a in &t.actions {
            let html = env
                .get_template("site_action.html")?
                .render(minijinja::context! {
                    site => value(here("../", "action")),
                    s => s.clone(),
                    a => value(a),
                    chart => value(slip_chart(a)),
                })?;
            files.push((format!("actions/{}.html", a.id), html.into_bytes()));
        }
        if t.actions.is_empty() {
            continue;
        }
        let html = env
            .get_template("site_theme.html")?
            .render(minijinja::context! {
                site => value(here("../", "theme")),
                s => s.clone(),
                t => value(t),
            })?;
        files.push((format!("themes/{}.html", t.page), html.into_bytes()));
    }
    let html = env
        .get_template("site_timeline.html")?
        .render(minijinja::context! {
            site => value(here("", "timeline")),
            s => s,
        })?;
    files.push(("timeline.html".to_string(), html.into_bytes()));
    Ok(files)
}

/// The navigation of a page `root` below the site's folder, in its section `current`.
fn nav<'a>(site: &'a Site, root: &'static str, current: &'static str, reports: bool) -> Nav<'a> {
    Nav {
        root,
        title: &site.title,
        current,
        themes: site
            .themes
            .iter()
            .filter(|t| !t.actions.is_empty())
            .map(|t| (t.page.as_str(), t.theme.name.as_str()))
            .collect(),
        reports,
    }
}

/// The list of the site's reports, `reports/index.html`: each file's name and title.
pub fn reports_page(site: &Site, reports: &[(String, String)]) -> anyhow::Result<Vec<u8>> {
    let html = environment()
        .get_template("site_reports.html")?
        .render(minijinja::context! {
            site => value(nav(site, "../", "reports", true)),
            s => value(site),
            reports => value(reports),
        })?;
    Ok(html.into_bytes())
}

/// The deadline's path over time: a point where it was first set and one per move, in SVG units.
#[derive(Serialize)]
struct SlipChart {
    width: f64,
    height: f64,
    points: String,
    marks: Vec<SlipMark>,
    summary: String,
}

#[derive(Serialize)]
struct SlipMark {
    x: f64,
    y: f64,
    label: String,
}

/// The chart of an action's deadline moves, or nothing when it never moved to or from a date.
fn slip_chart(a: &ActionPage) -> Option<SlipChart> {
    const W: f64 = 560.0;
    const H: f64 = 150.0;
    const M: f64 = 36.0;
    let day = |s: &str| {
        crate::model::LogDate::parse(s)
            .ok()
            .map(|d| d.last_day().num_days_from_ce() as f64)
    };
    use chrono::Datelike;
    let dated: Vec<&DeadlineMove> = a
        .moves
        .iter()
        .filter(|m| day(&m.old).is_some() && day(&m.new).is_some())
        .collect();
    let first = dated.first()?;
    // Each deadline as it stood: the first move's old value, then every new one, at its commit.
    let mut steps: Vec<(f64, f64, &str)> = vec![(
        first.date.num_days_from_ce() as f64,
        day(&first.old)?,
        &first.old,
    )];
    for m in &dated {
        steps.push((m.date.num_days_from_ce() as f64, day(&m.new)?, &m.new));
    }
    let (x0, x1) = (steps[0].0, steps[steps.len() - 1].0);
    let y0 = steps.iter().map(|s| s.1).fold(f64::MAX, f64::min);
    let y1 = steps.iter().map(|s| s.1).fold(f64::MIN, f64::max);
    let x = |v: f64| M + (W - 2.0 * M) * (v - x0) / (x1 - x0).max(1.0);
    let y = |v: f64| H - M - (H - 2.0 * M) * (v - y0) / (y1 - y0).max(1.0);
    let marks: Vec<SlipMark> = steps
        .iter()
        .map(|(d, v, label)| SlipMark {
            x: x(*d),
            y: y(*v),
            label: crate::model::LogDate::parse(label)
                .map(|d| d.long())
                .unwrap_or_else(|_| label.to_string()),
        })
        .collect();
    let points = marks
        .iter()
        .map(|m| format!("{:.1},{:.1}", m.x, m.y))
        .collect::<Vec<_>>()
        .join(" ");
    let total: i64 = dated.iter().map(|m| m.days).sum();
    let summary = format!(
        "The deadline moved {} time{}, from {} to {}: {} day{} {} in all.",
        dated.len(),
        if dated.len() == 1 { "" } else { "s" },
        marks[0].label,
        marks[marks.len() - 1].label,
        total.abs(),
        if total.abs() == 1 { "" } else { "s" },
        if total < 0 { "earlier" } else { "later" },
    );
    Some(SlipChart {
        width: W,
        height: H,
        points,
        marks,
        summary,
    })
}
