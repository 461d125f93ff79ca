//! Lists of records as a grid of text cells, and the grid in each machine or document format: CSV
//! (through the csv crate, with spreadsheet formulas neutralised), Markdown (each cell escaped by
//! `markdown.rs`) and JSON. The terminal table is in `table.rs`.

use crate::model::Action;
use std::io::{self, Write};

/// A column of `oslog list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Id,
    Status,
    Theme,
    Owner,
    Raised,
    Deadline,
    SignedOff,
    Title,
    Updates,
}

impl Column {
    /// Every column, in the order of the format's fields.
    pub const ALL: &'static [Column] = &[
        Column::Id,
        Column::Title,
        Column::Theme,
        Column::Owner,
        Column::Raised,
        Column::Deadline,
        Column::Status,
        Column::SignedOff,
        Column::Updates,
    ];

    /// The columns shown when none are asked for.
    pub const DEFAULT: &'static [Column] = &[
        Column::Id,
        Column::Status,
        Column::Theme,
        Column::Deadline,
        Column::Owner,
        Column::Title,
    ];

    /// The column's name on the command line and in headers.
    pub fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Status => "status",
            Column::Theme => "theme",
            Column::Owner => "owner",
            Column::Raised => "raised",
            Column::Deadline => "deadline",
            Column::SignedOff => "signed_off",
            Column::Title => "title",
            Column::Updates => "updates",
        }
    }

    /// The column with this name.
    pub fn parse(s: &str) -> Option<Column> {
        Column::ALL.iter().copied().find(|c| c.name() == s)
    }

    /// The cell of this column for `a`.
    pub fn cell(self, a: &Action) -> String {
        let opt = |v: Option<String>| v.unwrap_or_default();
        match self {
            Column::Id => a.id.to_string(),
            Column::Status => a.status.to_string(),
            Column::Theme => a.theme.clone(),
            Column::Owner => opt(a.owner.clone()),
            Column::Raised => a.raised.to_string(),
            Column::Deadline => opt(a.deadline.map(|d| d.to_string())),
            Column::SignedOff => opt(a.signed_off.map(|d| d.to_string())),
            Column::Title => a.title.clone(),
            Column::Updates => a.updates.len().to_string(),
        }
    }
}

/// Rows of text under named columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// The grid of `actions` in `columns`.
    pub fn of(actions: &[&Action], columns: &[Column]) -> Grid {
        Grid {
            headers: columns.iter().map(|c| c.name().to_string()).collect(),
            rows: actions
                .iter()
                .map(|a| columns.iter().map(|c| c.cell(a)).collect())
                .collect(),
        }
    }
}

/// A cell that a spreadsheet would run as a formula, made inert with a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The grid as CSV with a header row.
pub fn csv(w: &mut dyn Write, grid: &Grid) -> io::Result<()> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(&grid.headers)?;
    for row in &grid.rows {
        out.write_record(row.iter().map(|c| neutralise(c)))?;
    }
    out.flush()
}

/// The grid as a Markdown table.
pub fn markdown(w: &mut dyn Write, grid: &Grid) -> io::Result<()> {
    let line = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    writeln!(
        w,
        "{}",
        line(
            grid.headers
                .iter()
                .map(|h| super::markdown::cell(h))
                .collect()
        )
    )?;
    writeln!(
        w,
        "{}",
        line(grid.headers.iter().map(|_| "---".to_string()).collect())
    )?;
    for row in &grid.rows {
        writeln!(
            w,
            "{}",
            line(row.iter().map(|c| super::markdown::cell(c)).collect())
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        let grid = Grid {
            headers: vec!["title".into()],
            rows: vec![
                vec!["=HYPERLINK(\"x\")".into()],
                vec!["-1".into()],
                vec!["plain, with comma".into()],
            ],
        };
        let mut out = Vec::new();
        csv(&mut out, &grid).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "title\n\"'=HYPERLINK(\"\"x\"\")\"\n'-1\n\"plain, with comma\"\n"
        );
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("+44"), "'+44");
    }

    #[test]
    fn markdown_tables_escape_their_cells() {
        let grid = Grid {
            headers: vec!["id".into(), "title".into()],
            rows: vec![vec!["16".into(), "x|y".into()]],
        };
        let mut out = Vec::new();
        markdown(&mut out, &grid).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "| id | title |\n| --- | --- |\n| 16 | x\\|y |\n"
        );
    }
}
