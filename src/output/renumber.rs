//! The plan of `oslog renumber`, as text: each move, the files it touches and the mentions in free
//! text that a person should check.

use crate::write::renumber::Plan;
use std::io::Write;

/// Write the plan. `kept_on` names the base revision for records that keep their number there.
pub fn plan(w: &mut dyn Write, p: &Plan, kept_on: Option<&str>) -> std::io::Result<()> {
    for m in &p.moves {
        let keeper = match kept_on {
            Some(rev) if m.kept_on_base => {
                format!("{rev}:{}", m.kept_by.display())
            }
            _ if m.conflict => format!(
                "theirs in the merge conflict in {}; ours",
                m.kept_by.display()
            ),
            _ => m.kept_by.display().to_string(),
        };
        writeln!(
            w,
            "action {} → {}: {} ({} keeps {})",
            m.old, m.new, m.title, keeper, m.old
        )?;
    }
    writeln!(w, "files:")?;
    let conflict = |from: &std::path::Path| p.moves.iter().any(|m| m.conflict && m.from == from);
    for (from, to, a) in &p.actions {
        let theirs = p
            .moves
            .iter()
            .any(|m| m.conflict && m.from == *from && m.new == a.id);
        match (from == to, conflict(from)) {
            (_, true) if theirs => writeln!(
                w,
                "  {} (theirs, out of the merge conflict in {})",
                to.display(),
                from.display()
            )?,
            (true, true) => writeln!(w, "  {} (ours, without the conflict markers)", to.display())?,
            (true, false) => writeln!(w, "  {}", to.display())?,
            (false, _) => writeln!(w, "  {} (renamed from {})", to.display(), from.display())?,
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
