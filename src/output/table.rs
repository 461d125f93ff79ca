//! Terminal tables (the only module that uses comfy-table): the dashboard of `oslog status`.

use super::style::{parse_hex, Paint};
use crate::model::Status;
use crate::report::dashboard::{Brief, Dashboard, UPCOMING_DAYS};
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::io::{self, Write};

/// The widest a table may be when the terminal width is unknown (output to a pipe or file).
const DEFAULT_WIDTH: u16 = 120;

fn table(paint: Paint) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if paint.on {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if t.width().is_none() {
        t.set_width(DEFAULT_WIDTH);
    }
    t
}

fn theme_cell(name: &str, colour: &str, paint: Paint) -> Cell {
    let cell = Cell::new(name);
    match parse_hex(colour) {
        Some((r, g, b)) if paint.on => cell
            .fg(Color::Rgb { r, g, b })
            .add_attribute(Attribute::Bold),
        _ => cell,
    }
}

/// Write the dashboard: counts by theme and status, overdue actions, actions awaiting sign-off, and
/// milestones in the coming days.
pub fn dashboard(w: &mut dyn Write, d: &Dashboard, paint: Paint) -> io::Result<()> {
    writeln!(
        w,
        "{} as of {}: {}, {}",
        paint.bold("Action log"),
        d.today.format("%-d %B %Y"),
        crate::report::count(d.actions, "action"),
        crate::report::count(d.milestones, "milestone")
    )?;
    let mut t = table(paint);
    let mut header = vec![Cell::new("Theme")];
    header.extend(
        Status::ALL
            .iter()
            .map(|s| Cell::new(s.as_str()).set_alignment(CellAlignment::Right)),
    );
    header.push(Cell::new("total").set_alignment(CellAlignment::Right));
    t.set_header(header);
    for c in &d.counts {
        let mut row = vec![if c.theme.is_empty() {
            Cell::new(&c.name).add_attribute(Attribute::Bold)
        } else {
            theme_cell(&c.name, &c.colour, paint)
        }];
        row.extend(c.by_status.iter().map(|n| {
            Cell::new(if *n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            })
            .set_alignment(CellAlignment::Right)
        }));
        row.push(Cell::new(c.total).set_alignment(CellAlignment::Right));
        t.add_row(row);
    }
    writeln!(w, "{t}")?;

    let colour_of = |key: &str| {
        d.counts
            .iter()
            .find(|c| c.theme == key)
            .map(|c| (c.name.clone(), c.colour.clone()))
            .unwrap_or_default()
    };
    section(
        w,
        paint,
        &format!("Overdue ({})", d.overdue.len()),
        &d.overdue,
        &colour_of,
        true,
    )?;
    section(
        w,
        paint,
        &format!(
            "Proposed complete, awaiting sign-off ({})",
            d.awaiting_sign_off.len()
        ),
        &d.awaiting_sign_off,
        &colour_of,
        false,
    )?;
    section(
        w,
        paint,
        &format!(
            "No update for {} weeks ({})",
            crate::report::dashboard::STALE_WEEKS,
            d.stale.len()
        ),
        &d.stale,
        &colour_of,
        false,
    )?;

    writeln!(
        w,
        "\n{}",
        paint.bold(&format!(
            "Milestones in the next {} days ({})",
            UPCOMING_DAYS,
            d.upcoming_milestones.len()
        ))
    )?;
    if d.upcoming_milestones.is_empty() {
        writeln!(w, "  none")?;
    } else {
        let mut t = table(paint);
        t.set_header(vec!["Date", "Kind", "Milestone", "Status"]);
        for m in &d.upcoming_milestones {
            t.add_row(vec![
                m.date.to_string(),
                m.kind.to_string(),
                m.title.clone(),
                m.status.to_string(),
            ]);
        }
        writeln!(w, "{t}")?;
    }
    if !d.overdue_milestones.is_empty() {
        writeln!(
            w,
            "\n{} planned milestone{} past {} date; see `oslog timeline --overdue`.",
            d.overdue_milestones.len(),
            if d.overdue_milestones.len() == 1 {
                ""
            } else {
                "s"
            },
            if d.overdue_milestones.len() == 1 {
                "its"
            } else {
                "their"
            }
        )?;
    }
    Ok(())
}

fn section(
    w: &mut dyn Write,
    paint: Paint,
    heading: &str,
    items: &[Brief],
    colour_of: &dyn Fn(&str) -> (String, String),
    overdue: bool,
) -> io::Result<()> {
    writeln!(w, "\n{}", paint.bold(heading))?;
    if items.is_empty() {
        writeln!(w, "  none")?;
        return Ok(());
    }
    let mut t = table(paint);
    let mut header = vec!["#", "Theme", "Action", "Deadline"];
    if overdue {
        header.push("Days late");
    }
    header.push("Status");
    t.set_header(header);
    for b in items {
        let (name, colour) = colour_of(&b.theme);
        let mut row = vec![
            Cell::new(b.id).set_alignment(CellAlignment::Right),
            theme_cell(
                if name.is_empty() { &b.theme } else { &name },
                &colour,
                paint,
            ),
            Cell::new(ellipsis(&b.title, 90)),
            Cell::new(b.deadline.map(|d| d.to_string()).unwrap_or_default()),
        ];
        if overdue {
            row.push(
                Cell::new(b.days_overdue.map(|n| n.to_string()).unwrap_or_default())
                    .set_alignment(CellAlignment::Right),
            );
        }
        row.push(Cell::new(b.status.as_str()));
        t.add_row(row);
    }
    writeln!(w, "{t}")
}

/// Shorten `s` to at most `max` characters, ending with an ellipsis when cut.
pub fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A grid of cells as a terminal table that fits the terminal (or 120 columns when piped).
pub fn grid(w: &mut dyn Write, g: &super::records::Grid, paint: Paint) -> io::Result<()> {
    let mut t = table(paint);
    t.set_header(g.headers.clone());
    for row in &g.rows {
        t.add_row(row.clone());
    }
    writeln!(w, "{t}")
}
