//! Everything that turns data into text for people or programs: diagnostics in human, JSON and
//! GitHub form (`diagnostics.rs`), tables (`table.rs`, `records.rs`), the audit trail (`trail.rs`),
//! the reports in Markdown and HTML (`report_md.rs`, `html.rs`), the action log as a Word document
//! (`docx.rs`), the log's website (`site.rs`) with its feed (`feed.rs`) and calendar (`calendar.rs`), commit messages (`commit.rs`), the
//! one JSON writer (`json.rs`), the one Markdown escaper (`markdown.rs`), and the styles used on a
//! terminal (`style.rs`). Commands hand data to these functions with the writer to fill; nothing here
//! decides what is true.

pub mod calendar;
pub mod commit;
pub mod diagnostics;
pub mod docx;
pub mod feed;
pub mod html;
pub mod json;
pub mod markdown;
pub mod prompt;
pub mod records;
pub mod renumber;
pub mod report_md;
pub mod sarif;
pub mod site;
pub mod style;
pub mod table;
pub mod trail;

/// Text safe to print on a terminal: control characters (other than tab) and bidirectional
/// controls, which would reorder what follows them, shown as escapes.
pub fn printable(s: &str) -> String {
    let unsafe_char =
        |c: char| (c.is_control() && c != '\t') || crate::model::text::is_bidi_control(c);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match unsafe_char(c) {
            true => out.extend(c.escape_unicode()),
            false => out.push(c),
        }
    }
    out
}

/// The left-out record files as a report names them: relative to the log root, terminal-safe.
pub fn left_out_files(left_out: &[crate::store::LeftOut]) -> Vec<String> {
    left_out
        .iter()
        .map(|l| printable(&l.file.display().to_string()))
        .collect()
}

/// One warning line for each record file left out of an answer, with the path as the user sees it
/// under `prefix` (the log root as shown).
pub fn left_out(
    w: &mut dyn std::io::Write,
    prefix: &std::path::Path,
    left_out: &[crate::store::LeftOut],
    paint: style::Paint,
) -> std::io::Result<()> {
    for l in left_out {
        let codes: Vec<&str> = l.codes.iter().map(|c| c.as_str()).collect();
        writeln!(
            w,
            "oslog: {} {} does not load ({}); it is left out; run `oslog validate`",
            paint.warning("warning:"),
            printable(&prefix.join(&l.file).display().to_string()),
            codes.join(", ")
        )?;
    }
    Ok(())
}

/// Warn, for `add`, of each file in `actions/` it could not read: only the number in its name was
/// counted, not the numbers it may hold. Paths as in [`left_out`].
pub fn unread_numbers(
    w: &mut dyn std::io::Write,
    prefix: &std::path::Path,
    unread: &[crate::diag::Diagnostic],
    paint: style::Paint,
) -> std::io::Result<()> {
    for d in unread {
        writeln!(
            w,
            "oslog: {} [{}] {} {}; the numbers it may hold were not read, only the one in its name; run `oslog validate`",
            paint.warning("warning:"),
            d.code,
            printable(&prefix.join(&d.file).display().to_string()),
            printable(&d.message)
        )?;
    }
    Ok(())
}

/// Report a write: `summary (path)`, then the commit when one was made.
pub fn written(
    w: &mut dyn std::io::Write,
    summary: &str,
    path: &std::path::Path,
    commit: Option<&crate::git::commit::Committed>,
) -> std::io::Result<()> {
    writeln!(w, "{summary} ({})", path.display())?;
    match commit {
        Some(c) => committed(w, c),
        None => Ok(()),
    }
}

/// Report a commit `--commit` made; on a detached HEAD, how to keep it on a branch.
pub fn committed(
    w: &mut dyn std::io::Write,
    c: &crate::git::commit::Committed,
) -> std::io::Result<()> {
    writeln!(w, "committed {}", c.short)?;
    if c.detached {
        writeln!(
            w,
            "note: the commit is on a detached HEAD, on no branch; to keep it on one: git switch -c NAME"
        )?;
    }
    Ok(())
}

/// Say what completing an interrupted write did, one line for the write and one for temporary
/// files, each after `prefix`; nothing when there was nothing to do.
pub fn recovery(
    w: &mut dyn std::io::Write,
    done: &crate::store::Recovery,
    prefix: &str,
) -> std::io::Result<()> {
    let list = |files: &[std::path::PathBuf]| {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        names.join(", ")
    };
    if let Some((written, removed)) = &done.completed {
        let mut did = Vec::new();
        if !written.is_empty() {
            did.push(format!("wrote {}", list(written)));
        }
        if !removed.is_empty() {
            did.push(format!("removed {}", list(removed)));
        }
        writeln!(
            w,
            "{prefix}completed an interrupted write: {}",
            did.join("; ")
        )?;
    }
    if !done.temporary.is_empty() {
        let n = done.temporary.len();
        writeln!(
            w,
            "{prefix}removed {n} temporary file{} left by an interrupted write: {}",
            if n == 1 { "" } else { "s" },
            list(&done.temporary)
        )?;
    }
    Ok(())
}

/// Warn, for a command that only reads, that an interrupted write left the log half done, with the
/// fix; nothing when no finding says so.
pub fn interrupted(
    w: &mut dyn std::io::Write,
    diags: &[crate::diag::Diagnostic],
    paint: style::Paint,
) -> std::io::Result<()> {
    let code = crate::diag::Code::InterruptedWrite;
    if let Some(d) = diags.iter().find(|d| d.code == code) {
        writeln!(
            w,
            "oslog: {} [{code}] {} {}; run `oslog recover`",
            paint.warning("warning:"),
            d.file.display(),
            d.message
        )?;
    }
    Ok(())
}

/// `oslog show N`: the page for a person, each value from the log made safe for the terminal.
pub fn page(
    w: &mut dyn std::io::Write,
    p: &crate::report::Page,
    paint: style::Paint,
) -> std::io::Result<()> {
    let safe = printable;
    writeln!(
        w,
        "{}",
        paint.bold(&format!("Action {}: {}", p.id, safe(&p.title)))
    )?;
    writeln!(w)?;
    let fields = [
        ("Theme", p.theme.clone()),
        ("Status", p.status.to_string()),
        ("Owner", p.owner.clone()),
        ("Deadline", p.deadline.clone()),
        ("Raised", p.raised.clone()),
        ("Signed off", p.signed_off.clone()),
    ];
    for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        writeln!(w, "{:<12}{}", format!("{label}:"), safe(value))?;
    }
    for (label, named) in &p.relations {
        writeln!(w)?;
        writeln!(w, "{}", paint.bold(&format!("{label}:")))?;
        for n in named {
            writeln!(w, "  {:>4}  {}", n.id, safe(&n.title))?;
        }
    }
    if !p.milestones.is_empty() {
        writeln!(w)?;
        writeln!(w, "{}", paint.bold("Cited by milestones:"))?;
        for m in &p.milestones {
            writeln!(w, "  {}", safe(m))?;
        }
    }
    writeln!(w)?;
    writeln!(
        w,
        "{}",
        paint.bold(&format!("Updates ({}):", p.updates.len()))
    )?;
    for (k, date, text) in &p.updates {
        let date = if date.is_empty() { "undated" } else { date };
        // A text of several lines keeps them, each under the first.
        let lines: Vec<String> = text.trim_end().lines().map(safe).collect();
        writeln!(w, "  {k}. {}: {}", safe(date), lines.join("\n     "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::printable;
    use proptest::prelude::*;

    /// Character by character, as the rule says it.
    fn by_the_rule(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if (c.is_control() && c != '\t') || crate::model::text::is_bidi_control(c) {
                out.push_str(&c.escape_unicode().to_string());
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn control_and_bidirectional_characters_are_shown_as_escapes() {
        assert_eq!(printable("a\tb"), "a\tb");
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(printable("x\ny\r"), "x\\u{a}y\\u{d}");
        assert_eq!(printable("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(printable("café 🎉\u{a0}"), "café 🎉\u{a0}");
    }

    proptest! {
        #[test]
        fn any_text_is_shown_as_the_rule_says(
            s in proptest::collection::vec(
                prop_oneof![
                    any::<char>(),
                    proptest::sample::select(&['\t', '\n', '\u{1b}', '\u{7f}', '\u{85}', '\u{202a}', '\u{2066}', '\u{200b}', 'é'][..]),
                ],
                0..40,
            ).prop_map(|v| v.into_iter().collect::<String>())
        ) {
            prop_assert_eq!(printable(&s), by_the_rule(&s));
        }
    }
}
