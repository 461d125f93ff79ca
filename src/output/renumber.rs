//! The plan of `oslog renumber`, as text: each move, the files it touches and the mentions in free
//! text that a person should check.

use crate::renumber::Plan;
use std::io::Write;

/// Write the plan. `kept_on` names the base revision for records that keep their number there.
pub fn plan(w: &mut dyn Write, p: &Plan, kept_on: Option<&str>) -> std::io::Result<()> {
    for m in &p.moves {
        let keeper = match kept_on {
            Some(rev) if m.kept_on_base => {
                format!("{rev}:{}", m.kept_by.display())
            }
            _ => m.kept_by.display().to_string(),
        };
        writeln!(
            w,
            "action {} → {}: {} ({} keeps {})",
            m.old, m.new, m.title, keeper, m.old
        )?;
    }
    writeln!(w, "files:")?;
    for (from, to, _) in &p.actions {
        if from == to {
            writeln!(w, "  {}", to.display())?;
        } else {
            writeln!(w, "  {} (renamed from {})", to.display(), from.display())?;
        }
    }
    for (file, _) in &p.milestones {
        writeln!(w, "  {}", file.display())?;
    }
    if !p.mentions.is_empty() {
        writeln!(w, "mentions in text to check by hand (not rewritten):")?;
        for m in &p.mentions {
            writeln!(
                w,
                "  {}: {} in \"{}\"",
                m.file.display(),
                m.number,
                m.excerpt
            )?;
        }
    }
    Ok(())
}
