//! The reports as Markdown. Every value from the log goes through `markdown::text`, which
//! neutralises HTML and link syntax, so that a title cannot inject markup or a `javascript:` link into
//! a rendered page, and pipes and line breaks cannot break a table.

use super::markdown::text;
use crate::report::annual::{self, AnnualReport, Item};
use crate::report::monthly::{Kind, MonthlyReport, Section};
use crate::report::ActionsReport;
use std::io::{self, Write};

/// End the line under a report's title, saying whether this is the public version and what it left
/// out for its source.
fn end_intro(w: &mut dyn Write, public: bool, withheld: &str) -> io::Result<()> {
    if public {
        write!(
            w,
            " Public version: owners are withheld except where a theme's owners are public."
        )?;
    }
    if !withheld.is_empty() {
        write!(w, " {}", text(withheld))?;
    }
    writeln!(w)
}

/// The note naming the record files left out of a report, when there are any.
fn left_out(w: &mut dyn Write, files: &[String]) -> io::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let what = match files.len() {
        1 => "1 file of the log does not load and is".to_string(),
        n => format!("{n} files of the log do not load and are"),
    };
    let names: Vec<String> = files.iter().map(|f| text(f)).collect();
    writeln!(w)?;
    writeln!(
        w,
        "> **Incomplete:** {what} left out of this report: {}. Run `oslog validate` to see why.",
        names.join(", ")
    )
}

/// Write the action log as Markdown.
pub fn actions(w: &mut dyn Write, r: &ActionsReport) -> io::Result<()> {
    writeln!(w, "# {}", text(&r.title))?;
    writeln!(w)?;
    write!(w, "As of {}.", r.as_of_long)?;
    end_intro(w, r.public, &r.withheld)?;
    left_out(w, &r.left_out)?;
    writeln!(w)?;
    let names: Vec<String> = r.themes.iter().map(|t| text(&t.name)).collect();
    writeln!(w, "Themes: {}.", names.join(", "))?;
    for s in &r.sections {
        writeln!(w)?;
        writeln!(w, "## {} ({})", s.title, s.count)?;
        writeln!(w)?;
        writeln!(w, "{}", s.intro)?;
        if s.groups.is_empty() {
            writeln!(w)?;
            writeln!(w, "None.")?;
        }
        for g in &s.groups {
            writeln!(w)?;
            writeln!(w, "### {}", text(&g.theme.name))?;
            writeln!(w)?;
            writeln!(
                w,
                "| No. | Action | Deadline | Status and latest update | Raised | Owner |"
            )?;
            writeln!(w, "| ---: | --- | --- | --- | --- | --- |")?;
            for a in &g.rows {
                let mut deadline = text(&a.deadline);
                if a.overdue {
                    deadline.push_str(" **overdue**");
                }
                let mut status = format!("**{}**", a.status_label);
                if !a.outcome.is_empty() {
                    status.push_str(&format!(" ({})", text(&a.outcome)));
                }
                let shown = a.updates.latest.iter().chain(&a.updates.later);
                for u in shown {
                    status.push_str("<br>");
                    if !u.date.is_empty() {
                        status.push_str(&format!("{}: ", text(&u.date)));
                    }
                    status.push_str(&text(&u.text));
                }
                match a.updates.earlier.len() {
                    0 => {}
                    1 => status.push_str("<br>(1 earlier update)"),
                    n => status.push_str(&format!("<br>({n} earlier updates)")),
                }
                writeln!(
                    w,
                    "| {} | {} | {} | {} | {} | {} |",
                    a.id,
                    text(&a.title),
                    deadline,
                    status,
                    text(&a.raised),
                    text(&a.owner)
                )?;
            }
        }
    }
    Ok(())
}

/// A table of the annual report's items.
fn items(w: &mut dyn Write, items: &[Item], when: &str) -> io::Result<()> {
    if items.is_empty() {
        return writeln!(w, "None.");
    }
    writeln!(
        w,
        "| No. | Action | Status and latest update | {when} | Owner |"
    )?;
    writeln!(w, "| ---: | --- | --- | --- | --- |")?;
    for i in items {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            text(&i.id),
            text(&i.title),
            text(&i.detail),
            text(&i.when),
            text(&i.owner)
        )?;
    }
    Ok(())
}

/// A section of the monthly update as a table with its own columns; the theme of an action follows
/// its title.
fn section(w: &mut dyn Write, s: &Section) -> io::Result<()> {
    if s.lines.is_empty() {
        return writeln!(w, "None.");
    }
    let themed = s.lines.iter().any(|l| l.theme.is_some());
    let mut heads = Vec::new();
    let mut rules = Vec::new();
    for c in &s.columns {
        heads.push(c.head.to_string());
        rules.push(match c.kind {
            Kind::Number | Kind::Days => "---:",
            _ => "---",
        });
        if themed && c.kind == Kind::Title {
            heads.push("Theme".into());
            rules.push("---");
        }
    }
    writeln!(w, "| {} |", heads.join(" | "))?;
    writeln!(w, "| {} |", rules.join(" | "))?;
    for l in &s.lines {
        let mut cells = Vec::new();
        for (c, v) in s.columns.iter().zip(&l.cells) {
            match (c.kind, l.description.is_empty()) {
                (Kind::Title, false) => {
                    cells.push(format!("{}: {}", text(v), text(&l.description)))
                }
                _ => cells.push(text(v)),
            }
            if themed && c.kind == Kind::Title {
                cells.push(l.theme.as_ref().map(|t| text(&t.name)).unwrap_or_default());
            }
        }
        writeln!(w, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// Write the monthly update (or a member's digest) as Markdown.
pub fn monthly(w: &mut dyn Write, r: &MonthlyReport) -> io::Result<()> {
    writeln!(w, "# {}", text(&r.title))?;
    writeln!(w)?;
    write!(w, "Changes {}, as of {}.", text(&r.since), r.as_of_long)?;
    if let Some(m) = &r.member {
        let names: Vec<String> = r.themes.iter().map(|t| text(&t.name)).collect();
        write!(w, " For {}: {}.", text(m), names.join(", "))?;
    }
    end_intro(w, r.public, &r.withheld)?;
    left_out(w, &r.left_out)?;
    for s in &r.sections {
        writeln!(w)?;
        writeln!(w, "## {} ({})", s.title, s.lines.len())?;
        writeln!(w)?;
        writeln!(w, "{}", s.intro)?;
        writeln!(w)?;
        section(w, s)?;
    }
    Ok(())
}

/// Write the annual report as Markdown.
pub fn annual(w: &mut dyn Write, r: &AnnualReport) -> io::Result<()> {
    writeln!(w, "# {}", text(&r.title))?;
    writeln!(w)?;
    write!(w, "The year {}, as of {}.", r.year, r.as_of_long)?;
    end_intro(w, r.public, &r.withheld)?;
    left_out(w, &r.left_out)?;
    writeln!(w)?;
    writeln!(w, "## Figures")?;
    writeln!(w)?;
    writeln!(w, "| Theme | Raised | Completed | Closed | Median days to complete¹ | Deadline slips | Milestones done | Milestones slipped |")?;
    writeln!(
        w,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )?;
    for t in &r.themes {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            text(&t.theme.name),
            t.raised,
            t.completed,
            t.closed,
            t.median_days
                .map(|d| format!("{d:.0}"))
                .unwrap_or_else(|| "–".into()),
            annual::slips_text(t),
            t.milestones_done,
            t.milestones_slipped
        )?;
    }
    writeln!(w)?;
    writeln!(w, "¹ {}", annual::footnote(r))?;
    for t in &r.themes {
        writeln!(w)?;
        writeln!(w, "## {}", text(&t.theme.name))?;
        for p in &t.parts {
            writeln!(w)?;
            writeln!(w, "### {} ({})", p.title, p.items.len())?;
            writeln!(w)?;
            writeln!(w, "{}", p.intro)?;
            writeln!(w)?;
            let when = if p.id == "resolved" {
                "Finished"
            } else {
                "Deadline"
            };
            items(w, &p.items, when)?;
        }
    }
    Ok(())
}
