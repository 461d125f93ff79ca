//! The reports as Markdown. Every value from the log goes through [`cell`] or [`text`], which
//! neutralise HTML and link syntax, so that a title cannot inject markup or a `javascript:` link into
//! a rendered page, and pipes and line breaks cannot break a table.

use crate::report::ActionsReport;
use std::io::{self, Write};

/// Text from the log made inert as Markdown: HTML, link and emphasis characters escaped, line breaks
/// as spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            '\n' => out.push(' '),
            '\\' | '[' | ']' | '(' | ')' | '*' | '_' | '`' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Write the action log as Markdown.
pub fn actions(w: &mut dyn Write, r: &ActionsReport) -> io::Result<()> {
    writeln!(w, "# {}", text(&r.title))?;
    writeln!(w)?;
    write!(w, "As of {}.", r.as_of_long)?;
    if r.public {
        write!(
            w,
            " Public version: owners are withheld except where a theme's owners are public."
        )?;
    }
    writeln!(w)?;
    writeln!(w)?;
    writeln!(w, "Themes:")?;
    for t in &r.themes {
        writeln!(w, "- {} ({})", text(&t.name), t.colour)?;
    }
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
                let mut status = format!("**{}**", a.status);
                if !a.outcome.is_empty() {
                    status.push_str(&format!(" ({})", text(&a.outcome)));
                }
                for u in &a.updates {
                    status.push_str("<br>");
                    if !u.date.is_empty() {
                        status.push_str(&format!("{}: ", text(&u.date)));
                    }
                    status.push_str(&text(&u.text));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_neutralises_markup_links_and_table_breaks() {
        assert_eq!(
            text("<script>alert(1)</script> & [x](javascript:alert(1)) a|b\nc"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt; &amp; \\[x\\]\\(javascript:alert\\(1\\)\\) a\\|b c"
        );
    }
}
