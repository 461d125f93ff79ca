//! The audit trail as text: commits with their record changes (`history`, `log`, `diff`), the Markdown
//! summary of `diff --format md`, and the slippage report of `slips`.

use super::style::Paint;
use super::table::ellipsis;
use crate::trail::change::{Change, Flag, Op};
use crate::trail::{CommitChanges, Entry, Event, Slips};
use std::io::{self, Write};

/// How long a text value may be on one line before it is cut.
const WIDTH: usize = 72;

/// A value on one line, cut at `width` characters.
fn value(v: &Option<String>, width: usize) -> String {
    match v {
        Some(s) => ellipsis(&s.replace('\n', " "), width),
        None => "(none)".into(),
    }
}

/// One change as a phrase: `status: ongoing → complete`, `update added: …`.
fn change_text(c: &Change, width: usize) -> String {
    let value = |v| value(v, width);
    match c.op {
        Op::Changed => format!("{}: {} → {}", c.field, value(&c.old), value(&c.new)),
        Op::Added => format!("update added: {}", value(&c.new)),
        Op::Edited => format!("update edited: {} → {}", value(&c.old), value(&c.new)),
        Op::Removed => format!("update removed: {}", value(&c.old)),
    }
}

/// The record an entry is about: `#42` or the milestone's id.
pub fn record_name(e: &Entry) -> String {
    match (&e.action, &e.milestone) {
        (Some(n), _) => format!("#{n}"),
        (None, Some(m)) => m.clone(),
        (None, None) => e.file.clone(),
    }
}

/// The lines that describe one entry, without the record's name, each value cut to fit a line.
pub fn entry_lines(e: &Entry) -> Vec<String> {
    entry_lines_within(e, WIDTH)
}

/// The lines that describe one entry, each value cut at `width` characters.
pub fn entry_lines_within(e: &Entry, width: usize) -> Vec<String> {
    let value = |v| value(v, width);
    match e.event {
        Event::Added => {
            let brief: Vec<String> = e
                .changes
                .iter()
                .filter(|c| matches!(c.field, "status" | "deadline" | "owner" | "date"))
                .filter_map(|c| Some(format!("{} {}", c.field, c.new.as_deref()?)))
                .collect();
            vec![format!("added: {} ({})", value(&e.title), brief.join(", "))]
        }
        Event::Removed => vec![format!("removed: {}", value(&e.title))],
        Event::Unreadable => vec![format!(
            "changed, but one version of {} does not load",
            e.file
        )],
        Event::NotAFile => vec![match (e.was, e.now) {
            (_, Some(now)) => format!(
                "{} is {} here, not a record file; oslog does not read it",
                e.file,
                now.describe()
            ),
            (Some(was), None) => format!("{} is no longer {}", e.file, was.describe()),
            (None, None) => format!("{} is not a record file", e.file),
        }],
        Event::Renumbered | Event::Changed => {
            let mut lines = Vec::new();
            if let Some(from) = e.from {
                lines.push(format!("renumbered from #{from}"));
            }
            lines.extend(e.changes.iter().map(|c| change_text(c, width)));
            lines
        }
    }
}

fn commit_heading(w: &mut dyn Write, c: &CommitChanges, paint: Paint) -> io::Result<()> {
    match &c.commit {
        Some(ci) => writeln!(
            w,
            "{}  {}  {}  {}",
            paint.accent(&ci.short),
            ci.date,
            ci.author,
            paint.dim(&ellipsis(&ci.summary, 60))
        ),
        None => writeln!(w, "{}", paint.warning("uncommitted (working tree)")),
    }
}

fn flag_lines(w: &mut dyn Write, flags: &[Flag], indent: &str, paint: Paint) -> io::Result<()> {
    for f in flags {
        writeln!(w, "{indent}{}", paint.warning(&format!("! {}", f.about())))?;
    }
    Ok(())
}

/// Write commits newest first. With `names`, each change line starts with its record (for `log`);
/// without, the record is known (for `history`).
pub fn commits(
    w: &mut dyn Write,
    commits: &[CommitChanges],
    names: bool,
    paint: Paint,
) -> io::Result<()> {
    for (i, c) in commits.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        commit_heading(w, c, paint)?;
        entries(w, &c.entries, names, paint)?;
    }
    Ok(())
}

/// Write record entries, one or more lines each.
pub fn entries(w: &mut dyn Write, entries: &[Entry], names: bool, paint: Paint) -> io::Result<()> {
    // Action numbers make a narrow column; a milestone's long id goes on a line of its own.
    let width = entries
        .iter()
        .filter(|e| e.action.is_some())
        .map(|e| record_name(e).chars().count())
        .max()
        .unwrap_or(0);
    for e in entries {
        let full = record_name(e);
        let (own_line, name) = match names {
            false => (false, String::new()),
            true if full.chars().count() > width => (true, format!("{:<width$}  ", "")),
            true => (false, format!("{full:<width$}  ")),
        };
        if own_line {
            writeln!(w, "  {}", paint.bold(&full))?;
        }
        let pad = " ".repeat(name.chars().count());
        for (j, line) in entry_lines(e).iter().enumerate() {
            let lead = if j == 0 { &name } else { &pad };
            writeln!(w, "  {}{line}", paint.bold(lead))?;
        }
        flag_lines(w, &e.flags, &format!("  {pad}"), paint)?;
    }
    Ok(())
}

/// Write warnings (shallow clone, detached HEAD) before an answer.
pub fn warnings(w: &mut dyn Write, warnings: &[String], paint: Paint) -> io::Result<()> {
    for text in warnings {
        writeln!(w, "{} {text}", paint.warning("warning:"))?;
    }
    Ok(())
}

/// The Markdown summary of a semantic diff, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
pub fn diff_markdown(
    w: &mut dyn Write,
    range: &str,
    entries: &[Entry],
    warnings: &[String],
) -> io::Result<()> {
    writeln!(w, "## oslog diff {}\n", super::markdown::text(range))?;
    for text in warnings {
        writeln!(w, "> **Warning:** {}\n", super::markdown::text(text))?;
    }
    if entries.is_empty() {
        writeln!(w, "No changes to actions or milestones.")?;
        return Ok(());
    }
    let count = |ev: Event| entries.iter().filter(|e| e.event == ev).count();
    writeln!(
        w,
        "{} changed, {} added, {} removed, {} renumbered.\n",
        count(Event::Changed) + count(Event::Unreadable) + count(Event::NotAFile),
        count(Event::Added),
        count(Event::Removed),
        count(Event::Renumbered)
    )?;
    let flagged: Vec<&Entry> = entries.iter().filter(|e| !e.flags.is_empty()).collect();
    if !flagged.is_empty() {
        writeln!(w, "### Look twice\n")?;
        for e in flagged {
            let why: Vec<&str> = e.flags.iter().map(|f| f.about()).collect();
            writeln!(
                w,
                "- **{}**: {}",
                super::markdown::text(&record_name(e)),
                why.join("; ")
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "### Changes\n")?;
    writeln!(w, "| Record | Change |")?;
    writeln!(w, "| --- | --- |")?;
    for e in entries {
        let lines: Vec<String> = entry_lines(e)
            .iter()
            .map(|l| super::markdown::text(l))
            .collect();
        writeln!(
            w,
            "| {} | {} |",
            super::markdown::text(&record_name(e)),
            lines.join("<br>")
        )?;
    }
    Ok(())
}

/// The slippage report: the actions that slipped most, the median delay per theme, and every action
/// whose deadline moved.
pub fn slips(w: &mut dyn Write, s: &Slips, paint: Paint) -> io::Result<()> {
    writeln!(w, "{}", paint.bold("Most slipped"))?;
    if s.most_slipped.is_empty() {
        writeln!(w, "  no deadline has moved")?;
    }
    for id in &s.most_slipped {
        let Some(a) = s.actions.iter().find(|a| a.action == *id) else {
            continue;
        };
        let show = |d: Option<crate::model::Deadline>| d.map_or("(none)".into(), |d| d.to_string());
        writeln!(
            w,
            "  #{:<5} moved {} time{}: {} → {}{}  {}",
            a.action,
            a.moves,
            if a.moves == 1 { "" } else { "s" },
            show(a.original),
            show(a.current),
            a.delay_days
                .map(|d| format!(" ({d:+} days)"))
                .unwrap_or_default(),
            paint.dim(&ellipsis(&a.title, 50))
        )?;
    }
    writeln!(w, "\n{}", paint.bold("Median delay per theme"))?;
    if s.themes.is_empty() {
        writeln!(w, "  no action has a dated deadline")?;
    }
    let width = s.themes.iter().map(|t| t.theme.len()).max().unwrap_or(0);
    for t in &s.themes {
        writeln!(
            w,
            "  {:<width$}  {:>6} days  ({} of {} moved)",
            t.theme,
            t.median_delay_days,
            t.moved,
            crate::report::count(t.actions, "action")
        )?;
    }
    Ok(())
}
