//! Terminal tables (the only module that uses comfy-table): the dashboard of `oslog status` and the
//! grids of `list` and `timeline`. comfy-table draws the borders, alignment and colours; the layout
//! is oslog's own, for two reasons. comfy-table's dynamic arrangement breaks a long word by copying
//! the rest of it for every piece, so one valid 900,000-character title took minutes; and on a
//! narrow terminal it cut short columns mid-word. Here every column gets at least its longest word,
//! the widest column (the title) gets the room left, and each cell is wrapped in one pass, breaking
//! only a word wider than its column; widths are display widths (`unicode-width`), so CJK text and
//! emoji line up. The table is then handed to comfy-table already fitted.
//!
//! The width is the caller's: the terminal's, or when it reports none (0×0, as under `docker exec`,
//! `script` and some CI runners) `COLUMNS`, then 80; output that is not a terminal uses `COLUMNS`,
//! then 120 (resolved once, in `commands::Context`).

use super::style::{parse_hex, Paint};
use crate::model::Status;
use crate::report::dashboard::{Brief, Dashboard, UPCOMING_DAYS};
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::collections::HashMap;
use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// One cell: its text, and how it is shown.
struct Entry {
    text: String,
    right: bool,
    bold: bool,
    colour: Option<(u8, u8, u8)>,
}

impl Entry {
    /// A cell of text from anywhere (a record, the command line), made safe for a terminal; a tab
    /// would break the column, so it is a space.
    fn new(text: &str) -> Entry {
        Entry {
            text: super::printable(text).replace('\t', " "),
            right: false,
            bold: false,
            colour: None,
        }
    }

    fn right(self) -> Entry {
        Entry {
            right: true,
            ..self
        }
    }

    fn bold(self) -> Entry {
        Entry { bold: true, ..self }
    }

    /// The cell in a theme's `#rrggbb` colour, in bold, when colour is on.
    fn theme(self, colour: &str, paint: Paint) -> Entry {
        match parse_hex(colour) {
            Some(rgb) if paint.on => Entry {
                colour: Some(rgb),
                bold: true,
                ..self
            },
            _ => self,
        }
    }
}

/// A header and rows, fitted to a width and drawn.
struct Sheet {
    header: Vec<Entry>,
    rows: Vec<Vec<Entry>>,
}

impl Sheet {
    fn new(header: Vec<Entry>) -> Sheet {
        Sheet {
            header,
            rows: Vec::new(),
        }
    }

    fn write(self, w: &mut dyn Write, paint: Paint, width: usize) -> io::Result<()> {
        let all = || std::iter::once(&self.header).chain(&self.rows);
        let measures: Vec<Measure> = (0..self.header.len())
            .map(|i| {
                all()
                    .filter_map(|row| row.get(i))
                    .fold(Measure::default(), |m, e| m.max(Measure::of(&e.text)))
            })
            .collect();
        // Each column has a space either side and a border after it, and the table one more.
        let overhead = 3 * measures.len() + 1;
        let widths = fit(&measures, width.saturating_sub(overhead));
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        if paint.on {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        let cells = |row: &[Entry]| -> Vec<Cell> {
            row.iter().zip(&widths).map(|(e, &w)| e.cell(w)).collect()
        };
        t.set_header(cells(&self.header));
        for row in &self.rows {
            t.add_row(cells(row));
        }
        writeln!(w, "{t}")
    }
}

impl Entry {
    fn cell(&self, width: usize) -> Cell {
        let mut cell = Cell::new(wrap(&self.text, width));
        if self.right {
            cell = cell.set_alignment(CellAlignment::Right);
        }
        if self.bold {
            cell = cell.add_attribute(Attribute::Bold);
        }
        if let Some((r, g, b)) = self.colour {
            cell = cell.fg(Color::Rgb { r, g, b });
        }
        cell
    }
}

/// A column's text as wide as it gets: its widest line, and its widest word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Measure {
    line: usize,
    word: usize,
}

impl Measure {
    fn of(text: &str) -> Measure {
        text.split('\n').fold(Measure::default(), |m, line| {
            let word = line.split(' ').map(str::width).max().unwrap_or(0);
            m.max(Measure {
                line: line.width(),
                word,
            })
        })
    }

    fn max(self, other: Measure) -> Measure {
        Measure {
            line: self.line.max(other.line),
            word: self.word.max(other.word),
        }
    }
}

/// The width of each column within `room`: every column as wide as its widest line when they all
/// fit; otherwise every column as wide as its widest word, and the room left to the widest column
/// (the title) first, then to the others, the nearest to their full width first. When even the
/// words do not fit, the columns with the widest words are narrowed to one width, and their long
/// words are broken.
fn fit(columns: &[Measure], room: usize) -> Vec<usize> {
    let full: Vec<usize> = columns.iter().map(|m| m.line.max(1)).collect();
    if full.iter().sum::<usize>() <= room {
        return full;
    }
    let mut widths: Vec<usize> = columns.iter().map(|m| m.word.min(m.line).max(1)).collect();
    let words: usize = widths.iter().sum();
    if words > room {
        // The widest level at which the narrowed columns still fit.
        let mut floors = widths.clone();
        floors.sort_unstable();
        let mut left = room;
        let mut level = 1;
        for (i, f) in floors.iter().enumerate() {
            let share = left / (floors.len() - i);
            if *f > share {
                level = share.max(1);
                break;
            }
            left -= f;
            level = *f;
        }
        return widths.iter().map(|&w| w.min(level)).collect();
    }
    let mut left = room - words;
    let title = (0..full.len()).max_by_key(|&i| full[i]).unwrap_or(0);
    let mut order: Vec<usize> = (0..full.len()).filter(|&i| i != title).collect();
    order.sort_by_key(|&i| full[i] - widths[i]);
    for i in std::iter::once(title).chain(order) {
        let more = (full[i] - widths[i]).min(left);
        widths[i] += more;
        left -= more;
    }
    widths
}

/// `text` wrapped to `width` columns in one pass: words are kept whole and joined by single
/// spaces while they fit, and a word wider than the column is broken where it reaches the edge.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut at = 0;
        for word in line.split(' ') {
            let w = word.width();
            if at > 0 && at + 1 + w <= width {
                out.push(' ');
                out.push_str(word);
                at += 1 + w;
                continue;
            }
            if at > 0 {
                out.push('\n');
                at = 0;
            }
            if w <= width {
                out.push_str(word);
                at = w;
                continue;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if at > 0 && at + cw > width {
                    out.push('\n');
                    at = 0;
                }
                out.push(c);
                at += cw;
            }
        }
    }
    out
}

/// Write the dashboard: counts by theme and status, overdue actions, actions awaiting sign-off, and
/// milestones in the coming days, fitted to `width` columns. Each list of actions shows its first
/// `rows` (every one with `None`), then how many more there are and the `oslog list` that has them.
pub fn dashboard(
    w: &mut dyn Write,
    d: &Dashboard,
    paint: Paint,
    width: usize,
    rows: Option<usize>,
) -> io::Result<()> {
    writeln!(
        w,
        "{} as of {}: {}, {}",
        paint.bold("Action log"),
        d.today.format("%-d %B %Y"),
        crate::report::count(d.actions, "action"),
        crate::report::count(d.milestones, "milestone")
    )?;
    let mut header = vec![Entry::new("Theme")];
    header.extend(Status::ALL.iter().map(|s| Entry::new(s.as_str()).right()));
    header.push(Entry::new("total").right());
    let mut t = Sheet::new(header);
    for c in &d.counts {
        let mut row = vec![if c.theme.is_empty() {
            Entry::new(&c.name).bold()
        } else {
            Entry::new(&c.name).theme(&c.colour, paint)
        }];
        row.extend(c.by_status.iter().map(|n| {
            Entry::new(&if *n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            })
            .right()
        }));
        row.push(Entry::new(&c.total.to_string()).right());
        t.rows.push(row);
    }
    t.write(w, paint, width)?;

    let themes: HashMap<&str, (&str, &str)> = d
        .counts
        .iter()
        .map(|c| (c.theme.as_str(), (c.name.as_str(), c.colour.as_str())))
        .collect();
    let weeks = crate::report::dashboard::STALE_WEEKS;
    let sections = [
        (
            "Overdue".to_string(),
            &d.overdue,
            true,
            "oslog list --overdue --sort deadline".to_string(),
        ),
        (
            "Proposed complete, awaiting sign-off".to_string(),
            &d.awaiting_sign_off,
            false,
            "oslog list --status proposed-complete".to_string(),
        ),
        (
            format!("No update for {weeks} weeks"),
            &d.stale,
            false,
            format!("oslog list --stale {weeks}w"),
        ),
    ];
    for (heading, items, overdue, all) in sections {
        writeln!(
            w,
            "\n{}",
            paint.bold(&format!("{heading} ({})", items.len()))
        )?;
        let shown = rows.map_or(items.len(), |n| n.min(items.len()));
        section(w, paint, width, &items[..shown], &themes, overdue)?;
        if shown < items.len() {
            writeln!(w, "… and {} more: {all}", items.len() - shown)?;
        }
    }

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
        let mut t = Sheet::new(
            ["Date", "Kind", "Milestone", "Status"]
                .into_iter()
                .map(Entry::new)
                .collect(),
        );
        for m in &d.upcoming_milestones {
            t.rows.push(vec![
                Entry::new(&m.date.to_string()),
                Entry::new(m.kind.as_str()),
                Entry::new(&m.title),
                Entry::new(m.status.as_str()),
            ]);
        }
        t.write(w, paint, width)?;
    }
    if !d.overdue_milestones.is_empty() {
        let n = d.overdue_milestones.len();
        writeln!(
            w,
            "\n{n} planned milestone{} past {} date; see `oslog timeline --overdue`.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "its" } else { "their" }
        )?;
    }
    Ok(())
}

fn section(
    w: &mut dyn Write,
    paint: Paint,
    width: usize,
    items: &[Brief],
    themes: &HashMap<&str, (&str, &str)>,
    overdue: bool,
) -> io::Result<()> {
    if items.is_empty() {
        writeln!(w, "  none")?;
        return Ok(());
    }
    let mut header = vec!["#", "Theme", "Action", "Deadline"];
    if overdue {
        header.push("Days late");
    }
    header.push("Status");
    let mut t = Sheet::new(header.into_iter().map(Entry::new).collect());
    for b in items {
        let (name, colour) = themes.get(b.theme.as_str()).copied().unwrap_or_default();
        let mut row = vec![
            Entry::new(&b.id.to_string()).right(),
            Entry::new(if name.is_empty() { &b.theme } else { name }).theme(colour, paint),
            Entry::new(&ellipsis(&b.title, 90)),
            Entry::new(&b.deadline.map(|d| d.to_string()).unwrap_or_default()),
        ];
        if overdue {
            let late = b.days_overdue.map(|n| n.to_string()).unwrap_or_default();
            row.push(Entry::new(&late).right());
        }
        row.push(Entry::new(b.status.as_str()));
        t.rows.push(row);
    }
    t.write(w, paint, width)
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

/// A grid of cells as a terminal table fitted to `width` columns.
pub fn grid(
    w: &mut dyn Write,
    g: &super::records::Grid,
    paint: Paint,
    width: usize,
) -> io::Result<()> {
    let mut t = Sheet::new(g.headers.iter().map(|h| Entry::new(h)).collect());
    for row in &g.rows {
        t.rows.push(row.iter().map(|c| Entry::new(c)).collect());
    }
    t.write(w, paint, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: usize, word: usize) -> Measure {
        Measure { line, word }
    }

    #[test]
    fn columns_that_fit_keep_their_width() {
        assert_eq!(fit(&[m(3, 3), m(40, 10)], 60), [3, 40]);
    }

    #[test]
    fn the_title_gets_the_room_and_other_columns_keep_their_words() {
        // A theme of 30 (longest word 11) and a title of 90 in 60 columns.
        assert_eq!(fit(&[m(3, 3), m(30, 11), m(90, 12)], 60), [3, 11, 46]);
        // Room beyond the title's full width goes to the others.
        assert_eq!(fit(&[m(3, 3), m(20, 11), m(30, 12)], 45), [3, 12, 30]);
    }

    #[test]
    fn words_wider_than_the_room_are_cut_at_one_level() {
        assert_eq!(fit(&[m(3, 3), m(900, 900), m(500, 500)], 43), [3, 20, 20]);
        assert_eq!(fit(&[m(5, 5), m(5, 5)], 0), [1, 1]);
    }

    #[test]
    fn wrapping_keeps_words_and_breaks_only_wider_ones() {
        assert_eq!(wrap("Data Sharing and more", 12), "Data Sharing\nand more");
        assert_eq!(wrap("abcdefghij", 4), "abcd\nefgh\nij");
        assert_eq!(wrap("a abcdefghij", 4), "a\nabcd\nefgh\nij");
        assert_eq!(wrap("line\nnext", 10), "line\nnext");
        // Display widths: each of these takes two columns.
        assert_eq!(wrap("漢字漢字漢", 4), "漢字\n漢字\n漢");
        assert_eq!(Measure::of("漢字 a"), m(6, 4));
    }
}
