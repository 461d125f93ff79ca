//! Everything that turns data into text for people or programs: diagnostics in human, JSON and
//! GitHub form, tables, and the styles used on a terminal. Commands hand data to these functions with
//! the writer to fill; nothing here decides what is true.

pub mod diagnostics;
pub mod prompt;
pub mod style;
pub mod table;

/// Report a write: `summary (path)`, then the commit when one was made.
pub fn written(
    w: &mut dyn std::io::Write,
    summary: &str,
    path: &std::path::Path,
    commit: Option<&str>,
) -> std::io::Result<()> {
    writeln!(w, "{summary} ({})", path.display())?;
    if let Some(c) = commit {
        writeln!(w, "committed {c}")?;
    }
    Ok(())
}
