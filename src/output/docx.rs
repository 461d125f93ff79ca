//! The action log as a Word document, in the forum's own layout: landscape A4, a legend of the
//! themes in their colours, then the three sections, each a table with the 2019 log's columns (#,
//! Actions, Deadline, Status, When from?, Owner?), its rows grouped by theme under a band of the
//! theme's colour and each number in that colour, as the circulated log was colour coded.
//!
//! Written with docx-rs, a maintained writer of the Office Open XML format, so the secretariat can
//! open, edit and circulate it as before; it escapes every value, so text from the log stays text.

use crate::report::actions::Row;
use crate::report::ActionsReport;
use docx_rs::{
    Docx, PageMargin, PageOrientationType, Paragraph, Run, RunFonts, Shading, ShdType, Table,
    TableCell, TableLayoutType, TableRow, WidthType,
};

/// A4 landscape, in twentieths of a point.
const PAGE: (u32, u32) = (16838, 11906);
/// The width of each column, in twentieths of a point: #, Actions, Deadline, Status, When from?,
/// Owner? (the page less 1.5 cm margins).
const COLUMNS: [usize; 6] = [700, 3900, 1300, 6300, 1300, 1600];
/// The columns' headings, as the 2019 log has them.
const HEADINGS: [&str; 6] = ["#", "Actions", "Deadline", "Status", "When from?", "Owner?"];

/// Text of `size` half-points, bold or not, in `colour` (hex without `#`).
fn run(text: &str, size: usize, bold: bool, colour: &str) -> Run {
    // A line break in a value becomes a break in the document: Word shows no raw newline.
    let mut r = Run::new().size(size).color(colour);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(docx_rs::BreakType::TextWrapping);
        }
        r = r.add_text(strip(line));
    }
    if bold {
        r = r.bold();
    }
    r
}

/// Text without the control characters a document may not hold.
fn strip(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect()
}

fn para(text: &str, size: usize, bold: bool) -> Paragraph {
    Paragraph::new().add_run(run(text, size, bold, "1D2330"))
}

/// Black or white, whichever reads better on `fill` (hex, with or without `#`).
fn ink_on(fill: &str) -> &'static str {
    let hex = fill.trim_start_matches('#');
    let channel = |i: usize| {
        u8::from_str_radix(hex.get(i..i + 2).unwrap_or("77"), 16).unwrap_or(0x77) as f64 / 255.0
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    if luminance > 0.5 {
        "000000"
    } else {
        "FFFFFF"
    }
}

fn fill(colour: &str) -> Shading {
    Shading::new()
        .shd_type(ShdType::Clear)
        .fill(colour.trim_start_matches('#'))
}

fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs.into_iter().fold(
        TableCell::new().width(width, WidthType::Dxa),
        TableCell::add_paragraph,
    )
}

fn row(r: &Row, colour: &str) -> TableRow {
    let mut status = vec![para(r.status.as_str(), 18, true)];
    if !r.outcome.is_empty() {
        status.push(para(&r.outcome, 16, false));
    }
    let earlier = r.updates.earlier.len();
    if earlier > 0 {
        status.push(para(
            &format!(
                "{earlier} earlier update{}",
                if earlier == 1 { "" } else { "s" }
            ),
            16,
            false,
        ));
    }
    for u in r.updates.latest.iter().chain(&r.updates.later) {
        let text = match u.date.is_empty() {
            true => u.text.clone(),
            false => format!("{}: {}", u.date, u.text),
        };
        status.push(para(&text, 18, false));
    }
    let deadline = match r.overdue {
        true => format!("{} (overdue)", r.deadline),
        false => r.deadline.clone(),
    };
    TableRow::new(vec![
        cell(
            COLUMNS[0],
            vec![Paragraph::new().add_run(run(&r.id.to_string(), 18, true, ink_on(colour)))],
        )
        .shading(fill(colour)),
        cell(COLUMNS[1], vec![para(&r.title, 18, false)]),
        cell(COLUMNS[2], vec![para(&deadline, 18, false)]),
        cell(COLUMNS[3], status),
        cell(COLUMNS[4], vec![para(&r.raised, 18, false)]),
        cell(COLUMNS[5], vec![para(&r.owner, 18, false)]),
    ])
    .cant_split()
}

/// Write the action log as a Word document.
pub fn actions(w: &mut dyn std::io::Write, r: &ActionsReport) -> anyhow::Result<()> {
    let total: usize = COLUMNS.iter().sum();
    let mut doc = Docx::new()
        .page_size(PAGE.0, PAGE.1)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(PageMargin::new().top(850).bottom(850).left(850).right(850))
        .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
        .default_size(20);
    let mut subtitle = format!("As of {}.", r.as_of_long);
    if r.public {
        subtitle.push_str(
            " Public version: owners are withheld except where a theme's owners are public.",
        );
    }
    if !r.withheld.is_empty() {
        subtitle = format!("{subtitle} {}", r.withheld);
    }
    doc = doc
        .add_paragraph(para(&r.title, 36, true))
        .add_paragraph(para(&subtitle, 20, false));
    if !r.left_out.is_empty() {
        doc = doc.add_paragraph(para(
            &format!(
                "Incomplete: these files of the log do not load and are left out: {}.",
                r.left_out.join(", ")
            ),
            20,
            true,
        ));
    }
    // The legend: one row per theme, its colour beside its name.
    let legend = r
        .themes
        .iter()
        .map(|t| {
            TableRow::new(vec![
                cell(400, vec![Paragraph::new()]).shading(fill(&t.colour)),
                cell(4000, vec![para(&t.name, 18, false)]),
            ])
        })
        .collect();
    doc = doc
        .add_paragraph(para("Legend", 22, true))
        .add_table(Table::new(legend).set_grid(vec![400, 4000]));
    for s in &r.sections {
        doc = doc
            .add_paragraph(Paragraph::new())
            .add_paragraph(para(&format!("{} ({})", s.title, s.count), 28, true))
            .add_paragraph(para(s.intro, 18, false));
        let heading = TableRow::new(
            HEADINGS
                .iter()
                .zip(COLUMNS)
                .map(|(h, width)| cell(width, vec![para(h, 18, true)]).shading(fill("D8DCE3")))
                .collect(),
        );
        let mut rows = vec![heading];
        for g in &s.groups {
            rows.push(TableRow::new(vec![cell(
                total,
                vec![Paragraph::new().add_run(run(
                    &g.theme.name,
                    20,
                    true,
                    ink_on(&g.theme.colour),
                ))],
            )
            .grid_span(COLUMNS.len())
            .shading(fill(&g.theme.colour))]));
            rows.extend(g.rows.iter().map(|a| row(a, &g.theme.colour)));
        }
        doc = doc.add_table(
            Table::new(rows)
                .set_grid(COLUMNS.to_vec())
                .width(total, WidthType::Dxa)
                .layout(TableLayoutType::Fixed),
        );
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf)?;
    w.write_all(&buf.into_inner())?;
    Ok(())
}
