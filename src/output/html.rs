//! HTML reports, rendered with minijinja from the templates in `output/templates/`. Templates named
//! `*.html` escape every value by default, so text from the log (titles, owners, updates) can never
//! become markup; nothing here builds HTML by concatenating strings. The charts are inline SVG drawn
//! by the same templates from the geometry computed below, so the file is self-contained.
//!
//! minijinja rather than askama: it compiles templates at run time and depends only on serde, so it
//! adds no procedural macros and few crates to the build.

use crate::model::{MilestoneStatus, Status};
use crate::report::annual::{self, AnnualReport, ThemeYear};
use crate::report::{ActionsReport, MonthlyReport};
use minijinja::Environment;
use serde::Serialize;
use std::io::Write;

/// The templates, by name: the base page, a shared theme legend, the shared note on left-out files,
/// and one per report.
const TEMPLATES: [(&str, &str); 6] = [
    ("base.html", include_str!("templates/base.html")),
    ("legend.html", include_str!("templates/legend.html")),
    ("left_out.html", include_str!("templates/left_out.html")),
    ("actions.html", include_str!("templates/actions.html")),
    ("monthly.html", include_str!("templates/monthly.html")),
    ("annual.html", include_str!("templates/annual.html")),
];

/// The reports' templates; the site adds its own (`site.rs`).
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("the built-in template {name} does not parse: {e}"));
    }
    env
}

/// Chart sizes, in SVG user units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const MARGIN: f64 = 40.0;

/// A polyline's points and its legend.
#[derive(Serialize)]
struct Line {
    label: &'static str,
    colour: &'static str,
    points: String,
    last: usize,
}

/// A labelled tick on an axis.
#[derive(Serialize)]
struct Tick {
    x: f64,
    y: f64,
    label: String,
}

#[derive(Serialize)]
struct LineChart {
    width: f64,
    height: f64,
    lines: Vec<Line>,
    x_ticks: Vec<Tick>,
    y_ticks: Vec<Tick>,
    summary: String,
}

fn over_time(r: &ActionsReport) -> LineChart {
    let points = &r.over_time.points;
    let n = points.len().max(2) as f64 - 1.0;
    let max = points
        .iter()
        .map(|p| p.open.max(p.completed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = |i: usize| MARGIN + (WIDTH - 2.0 * MARGIN) * i as f64 / n;
    let y = |v: usize| HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * v as f64 / max;
    let line = |label, colour, get: &dyn Fn(&crate::report::Point) -> usize| Line {
        label,
        colour,
        points: points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(get(p))))
            .collect::<Vec<_>>()
            .join(" "),
        last: points.last().map(get).unwrap_or(0),
    };
    let step = (points.len() / 8).max(1);
    let x_ticks = points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        .map(|(i, p)| Tick {
            x: x(i),
            y: HEIGHT - MARGIN + 16.0,
            label: p.month.clone(),
        })
        .collect();
    let top = max as usize;
    let y_ticks = [0, top / 2, top]
        .into_iter()
        .map(|v| Tick {
            x: MARGIN - 6.0,
            y: y(v) + 4.0,
            label: v.to_string(),
        })
        .collect();
    let summary = match (points.first(), points.last()) {
        (Some(a), Some(b)) => format!(
            "From {} to {}, open actions went from {} to {}, and completed or closed actions from {} to {}.",
            a.month, b.month, a.open, b.open, a.completed, b.completed
        ),
        _ => "No actions yet.".into(),
    };
    LineChart {
        width: WIDTH,
        height: HEIGHT,
        lines: vec![
            line("open", "#d62728", &|p| p.open),
            line("completed or closed", "#2ca02c", &|p| p.completed),
        ],
        x_ticks,
        y_ticks,
        summary,
    }
}

/// A segment of a stacked bar.
#[derive(Serialize)]
struct Segment {
    x: f64,
    width: f64,
    colour: String,
    count: usize,
    status: &'static str,
}

#[derive(Serialize)]
struct Bar {
    name: String,
    colour: String,
    y: f64,
    total: usize,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
struct BarChart {
    width: f64,
    height: f64,
    bars: Vec<Bar>,
    legend: Vec<(&'static str, &'static str)>,
    summary: String,
}

/// The fill of each status in the charts, light to dark as actions progress.
fn status_colour(s: Status) -> &'static str {
    match s {
        Status::NotStarted => "#d9d9d9",
        Status::Ongoing => "#fdae61",
        Status::ProposedComplete => "#abd9e9",
        Status::Complete => "#2c7bb6",
        Status::Closed => "#7f7f7f",
    }
}

fn by_theme(r: &ActionsReport) -> BarChart {
    const LABEL: f64 = 260.0;
    const ROW: f64 = 24.0;
    let max = r
        .by_theme
        .iter()
        .map(|c| c.by_status.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let scale = (WIDTH - LABEL - 50.0) / max;
    let bars: Vec<Bar> = r
        .by_theme
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut x = LABEL;
            let segments = Status::ALL
                .iter()
                .zip(&c.by_status)
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| {
                    let seg = Segment {
                        x,
                        width: *n as f64 * scale,
                        colour: status_colour(*s).into(),
                        count: *n,
                        status: s.as_str(),
                    };
                    x += seg.width;
                    seg
                })
                .collect();
            Bar {
                name: c.theme.name.clone(),
                colour: c.theme.colour.clone(),
                y: 10.0 + i as f64 * ROW,
                total: c.by_status.iter().sum(),
                segments,
            }
        })
        .collect();
    let summary = r
        .by_theme
        .iter()
        .map(|c| {
            let parts: Vec<String> = Status::ALL
                .iter()
                .zip(&c.by_status)
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| format!("{n} {s}"))
                .collect();
            format!("{}: {}.", c.theme.name, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" ");
    BarChart {
        width: WIDTH,
        height: 20.0 + bars.len() as f64 * ROW,
        bars,
        legend: Status::ALL
            .iter()
            .map(|s| (s.as_str(), status_colour(*s)))
            .collect(),
        summary,
    }
}

#[derive(Serialize)]
struct Mark {
    x: f64,
    colour: &'static str,
    label: String,
    title: String,
    description: String,
    status: &'static str,
    above: bool,
}

#[derive(Serialize)]
struct Strip {
    width: f64,
    height: f64,
    marks: Vec<Mark>,
    today_x: Option<f64>,
    summary: String,
}

fn milestone_colour(s: MilestoneStatus) -> &'static str {
    match s {
        MilestoneStatus::Planned => "#1f77b4",
        MilestoneStatus::Done => "#2ca02c",
        MilestoneStatus::Slipped => "#ff7f0e",
        MilestoneStatus::Cancelled => "#7f7f7f",
    }
}

/// The least distance between two labels on the same side of the milestone strip.
const LABEL_GAP: f64 = 110.0;

fn strip(r: &ActionsReport) -> Strip {
    let days = |d: chrono::NaiveDate| d.num_days_from_ce() as f64;
    use chrono::Datelike;
    let first = r.milestones.first().map(|m| days(m.date.first_day()));
    let last = r.milestones.last().map(|m| days(m.date.first_day()));
    let (lo, hi) = match (first, last) {
        (Some(a), Some(b)) => (a.min(days(r.as_of)), b.max(days(r.as_of))),
        _ => (0.0, 1.0),
    };
    let span = (hi - lo).max(1.0);
    let x = |d: f64| MARGIN + (WIDTH - 2.0 * MARGIN) * (d - lo) / span;
    // Labels alternate above and below the line; one that would overlap its neighbour on the same
    // side is left out (the mark keeps its tooltip, and the text alternative lists every milestone).
    let mut last_label = [f64::MIN; 2];
    let marks = r
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let at = x(days(m.date.first_day()));
            let side = i % 2;
            let fits = at - last_label[side] >= LABEL_GAP;
            if fits {
                last_label[side] = at;
            }
            Mark {
                x: at,
                colour: milestone_colour(m.status),
                label: if fits { m.label.clone() } else { String::new() },
                title: m.title.clone(),
                description: m.description.clone(),
                status: m.status.as_str(),
                above: side == 0,
            }
        })
        .collect();
    let summary = r
        .milestones
        .iter()
        .map(|m| format!("{}: {} ({}).", m.label, m.title, m.status))
        .collect::<Vec<_>>()
        .join(" ");
    Strip {
        width: WIDTH,
        height: 120.0,
        marks,
        today_x: first.map(|_| x(days(r.as_of))),
        summary,
    }
}

/// What the action log's template sees.
#[derive(Serialize)]
struct ActionsPage<'a> {
    r: &'a ActionsReport,
    statuses: Vec<&'static str>,
    over_time: LineChart,
    by_theme: BarChart,
    strip: Strip,
    /// On the site's front page: its navigation, and links to the actions' pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a super::site::Nav<'a>>,
}

/// Write the action log as one self-contained HTML document.
pub fn actions(w: &mut dyn Write, r: &ActionsReport) -> anyhow::Result<()> {
    actions_in(w, r, None, &environment())
}

/// Write the action log, as a report or as the front page of the site whose navigation is `site`.
pub(crate) fn actions_in(
    w: &mut dyn Write,
    r: &ActionsReport,
    site: Option<&super::site::Nav>,
    env: &Environment,
) -> anyhow::Result<()> {
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    // Written as it renders: the page of a large log is tens of megabytes.
    env.get_template("actions.html")?.render_captured_to(
        minijinja::Value::from(minijinja::value::Serde(ActionsPage {
            r,
            statuses,
            over_time: over_time(r),
            by_theme: by_theme(r),
            strip: strip(r),
            site,
        })),
        w,
    )?;
    Ok(())
}

/// Write the monthly update (or a member's digest) as one self-contained HTML document.
pub fn monthly(w: &mut dyn Write, r: &MonthlyReport) -> anyhow::Result<()> {
    let html = environment()
        .get_template("monthly.html")?
        .render(minijinja::context! { r => minijinja::Value::from(minijinja::value::Serde(r)) })?;
    w.write_all(html.as_bytes())?;
    Ok(())
}

/// A theme's row of figures with its slips in words.
#[derive(Serialize)]
struct ThemeRow<'a> {
    #[serde(flatten)]
    t: &'a ThemeYear,
    slips_text: String,
}

/// The year's totals over every theme.
#[derive(Serialize)]
struct Totals {
    raised: usize,
    completed: usize,
    closed: usize,
}

#[derive(Serialize)]
struct AnnualPage<'a> {
    title: &'a str,
    year: i32,
    as_of: chrono::NaiveDate,
    as_of_long: &'a str,
    public: bool,
    milestones_done: usize,
    milestones_slipped: usize,
    themes: Vec<ThemeRow<'a>>,
    left_out: &'a [String],
    withheld: &'a str,
}

/// Write the annual report as one self-contained HTML document.
pub fn annual(w: &mut dyn Write, r: &AnnualReport) -> anyhow::Result<()> {
    let page = AnnualPage {
        title: &r.title,
        year: r.year,
        as_of: r.as_of,
        as_of_long: &r.as_of_long,
        public: r.public,
        milestones_done: r.milestones_done,
        milestones_slipped: r.milestones_slipped,
        themes: r
            .themes
            .iter()
            .map(|t| ThemeRow {
                t,
                slips_text: annual::slips_text(t),
            })
            .collect(),
        left_out: &r.left_out,
        withheld: &r.withheld,
    };
    let totals = Totals {
        raised: r.themes.iter().map(|t| t.raised).sum(),
        completed: r.themes.iter().map(|t| t.completed).sum(),
        closed: r.themes.iter().map(|t| t.closed).sum(),
    };
    let html = environment()
        .get_template("annual.html")?
        .render(minijinja::context! {
            r => minijinja::Value::from(minijinja::value::Serde(&page)),
            totals => minijinja::Value::from(minijinja::value::Serde(&totals)),
            footnote => annual::footnote(r),
        })?;
    w.write_all(html.as_bytes())?;
    Ok(())
}
