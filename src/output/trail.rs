//! The audit trail as text: commits with their record changes (`history`, `log`), the review of a
//! range (`diff`) on a terminal and in Markdown, the phrases of commit messages, and the slippage
//! report of `slips`. A person reads every value whole: on a terminal long lines wrap to its width,
//! piped or in Markdown they are never cut; and a rewritten title or update shows the words it lost
//! and gained. Authors, subjects, file names and values come from commits anyone could have made:
//! on the way to a terminal each goes through `output::printable`.

use super::markdown;
use super::printable;
use super::style::Paint;
use super::table::ellipsis;
use crate::trail::change::{Change, Flag, Op};
use crate::trail::words::{words, Words};
use crate::trail::{CommitChanges, CommitInfo, Entry, Event, Slips};
use std::io::{self, Write};

/// How text reaches the reader: colour, and the width a terminal wraps lines to (`None` when the
/// output is not a terminal: every line whole).
#[derive(Clone, Copy, Debug)]
pub struct Screen {
    pub paint: Paint,
    pub width: Option<usize>,
}

/// A line as a reviewer reads it: the text both versions share (and labels), and the words a
/// change removed and added.
type Line = Vec<Words>;

fn plain(s: impl Into<String>) -> Line {
    vec![Words::Same(s.into())]
}

/// A value on one line, whole.
fn value(v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_string(), |s| s.replace('\n', " "))
}

/// One change as a phrase: `status: ongoing → complete`, `update added: …`.
fn phrase(c: &Change) -> String {
    let v = |x: &Option<String>| value(x.as_deref());
    match c.op {
        Op::Changed => format!("{}: {} → {}", c.field, v(&c.old), v(&c.new)),
        Op::Added => format!("update added: {}", v(&c.new)),
        Op::Edited => format!("update edited: {} → {}", v(&c.old), v(&c.new)),
        Op::Removed => format!("update removed: {}", v(&c.old)),
    }
}

/// One change for a reviewer: a rewritten text (a title, a milestone's description, an update)
/// word by word, anything else as its phrase.
fn change_line(c: &Change) -> Line {
    let label = match (c.op, c.field) {
        (Op::Edited, _) => "update edited: ".to_string(),
        (Op::Changed, "title" | "description" | "objective" | "by") => format!("{}: ", c.field),
        _ => return plain(phrase(c)),
    };
    let pieces = match (&c.old, &c.new) {
        (Some(old), Some(new)) => words(old, new),
        _ => None,
    };
    match pieces {
        Some(pieces) => std::iter::once(Words::Same(label)).chain(pieces).collect(),
        None => plain(phrase(c)),
    }
}

/// Why an entry's fields cannot be compared, for an unreadable version or what is not a file.
fn odd_phrase(e: &Entry) -> String {
    match (e.event, e.was, e.now) {
        (Event::NotAFile, _, Some(now)) => format!(
            "{} is {} here, not a record file; oslog does not read it",
            e.file,
            now.describe()
        ),
        (Event::NotAFile, Some(was), None) => format!("{} is no longer {}", e.file, was.describe()),
        (Event::NotAFile, None, None) => format!("{} is not a record file", e.file),
        // Without a title no version loads: the file is new, or was already broken.
        _ if e.title.is_none() => format!("{} does not load", e.file),
        _ => format!("changed, but one version of {} does not load", e.file),
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

/// The lines that describe one entry in a commit message, one phrase per change, values whole.
pub fn entry_lines(e: &Entry) -> Vec<String> {
    match e.event {
        Event::Added => {
            let brief: Vec<String> = e
                .changes
                .iter()
                .filter(|c| matches!(c.field, "status" | "deadline" | "owner" | "date"))
                .filter_map(|c| Some(format!("{} {}", c.field, c.new.as_deref()?)))
                .collect();
            vec![format!(
                "added: {} ({})",
                value(e.title.as_deref()),
                brief.join(", ")
            )]
        }
        Event::Removed => vec![format!("removed: {}", value(e.title.as_deref()))],
        Event::Unreadable | Event::NotAFile => vec![odd_phrase(e)],
        Event::Renumbered | Event::Changed => {
            let from = e.from.map(|f| format!("renumbered from #{f}"));
            from.into_iter()
                .chain(e.changes.iter().map(phrase))
                .collect()
        }
    }
}

/// The lines that describe one entry to a reviewer. With `titled`, the record's title heads them;
/// without, an addition or removal says it. An addition lists every field it sets, one a line.
fn review_lines(e: &Entry, titled: bool) -> Vec<Line> {
    let what = |word: &str| match (&e.title, titled) {
        (Some(t), false) => plain(format!("{word}: {}", value(Some(t)))),
        _ => plain(word),
    };
    match e.event {
        Event::Added => {
            let fields = e.changes.iter().filter(|c| c.field != "title").map(|c| {
                let v = value(c.new.as_deref());
                plain(match c.op {
                    Op::Added => format!("update: {v}"),
                    _ => format!("{}: {v}", c.field),
                })
            });
            std::iter::once(what("added")).chain(fields).collect()
        }
        Event::Removed => vec![what("removed")],
        Event::Unreadable | Event::NotAFile => vec![plain(odd_phrase(e))],
        Event::Renumbered | Event::Changed => {
            let from = e.from.map(|f| plain(format!("renumbered from #{f}")));
            from.into_iter()
                .chain(e.changes.iter().map(change_line))
                .collect()
        }
    }
}

/// A commit as one line: `1a2b3c4  2019-07-10  Bob  Complete 16`, safe for a terminal.
fn commit_line(c: &CommitInfo, paint: Paint) -> String {
    format!(
        "{}  {}  {}  {}",
        paint.accent(&c.short),
        c.date,
        printable(&c.author),
        paint.dim(&printable(&c.summary))
    )
}

/// Write `text` after `first`, wrapped to the screen's width with `rest` before each further line;
/// whole when the screen has no width.
fn wrapped(w: &mut dyn Write, s: Screen, first: &str, rest: &str, text: &str) -> io::Result<()> {
    let Some(width) = s.width else {
        return writeln!(w, "{first}{text}");
    };
    let options = textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(rest);
    for line in textwrap::wrap(text, options) {
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// A line for a terminal: removed and added words coloured (struck through, underlined), or, in
/// plain text, marked as `git diff --word-diff` marks them: `[-removed-]{+added+}`.
fn terminal_text(line: &[Words], paint: Paint) -> String {
    let mut out = String::new();
    let mark = |t: &str, style: fn(&Paint, &str) -> String| -> String {
        // Word by word, so that a line wrapped inside a change starts uncoloured.
        let flat = printable(&t.replace('\n', " "));
        let marked: Vec<String> = flat.split(' ').map(|word| style(&paint, word)).collect();
        marked.join(" ")
    };
    let mut after_removal = false;
    for piece in line {
        match piece {
            Words::Same(t) => out.push_str(&printable(&t.replace('\n', " "))),
            Words::Removed(t) if paint.on => out.push_str(&mark(t, Paint::removed)),
            Words::Added(t) if paint.on => {
                if after_removal {
                    out.push(' ');
                }
                out.push_str(&mark(t, Paint::added));
            }
            Words::Removed(t) => out.push_str(&format!("[-{}-]", printable(&t.replace('\n', " ")))),
            Words::Added(t) => out.push_str(&format!("{{+{}+}}", printable(&t.replace('\n', " ")))),
        }
        after_removal = matches!(piece, Words::Removed(_));
    }
    out
}

/// Write commits newest first. With `names`, each record's changes come under its number and
/// title (for `log`); without, the record is known (for `history`).
pub fn commits(
    w: &mut dyn Write,
    commits: &[CommitChanges],
    names: bool,
    s: Screen,
) -> io::Result<()> {
    for (i, c) in commits.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        commit(w, c, names, s)?;
    }
    Ok(())
}

/// Write one commit of [`commits`]: its line, then its record entries.
pub fn commit(w: &mut dyn Write, c: &CommitChanges, names: bool, s: Screen) -> io::Result<()> {
    commit_head(w, c.commit.as_ref(), s)?;
    entries(w, &c.entries, names, s)
}

/// Write the line of a commit (`None` for uncommitted changes), before its entries.
pub fn commit_head(w: &mut dyn Write, c: Option<&CommitInfo>, s: Screen) -> io::Result<()> {
    match c {
        Some(ci) => wrapped(w, s, "", "  ", &commit_line(ci, s.paint)),
        None => writeln!(w, "{}", s.paint.warning("uncommitted (working tree)")),
    }
}

/// Write record entries: with `names`, each under its record's name and title; then its changes,
/// what to look at twice, and, for a change a merge brought, the merged branch's commits that made
/// it.
pub fn entries(w: &mut dyn Write, entries: &[Entry], names: bool, s: Screen) -> io::Result<()> {
    let mut column = Column::default();
    entries.iter().for_each(|e| column.fit(e));
    for e in entries {
        entry(w, e, column, names, s)?;
    }
    Ok(())
}

/// The width of the column of record names in a commit's entries: the widest action number's
/// (a milestone's long id goes past it).
#[derive(Clone, Copy, Default)]
pub struct Column(usize);

impl Column {
    /// Make room for `e`'s name.
    pub fn fit(&mut self, e: &Entry) {
        if e.action.is_some() {
            self.0 = self.0.max(printable(&record_name(e)).chars().count());
        }
    }
}

/// Write one record entry of [`entries`], with the names in `column`.
pub fn entry(
    w: &mut dyn Write,
    e: &Entry,
    Column(column): Column,
    names: bool,
    s: Screen,
) -> io::Result<()> {
    let pad = match names {
        true => " ".repeat(column + 4),
        false => "  ".to_string(),
    };
    let hang = format!("{pad}  ");
    if names {
        let name = format!("{:<column$}  ", printable(&record_name(e)));
        let rest = " ".repeat(name.chars().count() + 2);
        let title = e.title.as_deref().map(|t| printable(&value(Some(t))));
        match title {
            Some(title) => wrapped(w, s, &format!("  {}", s.paint.bold(&name)), &rest, &title)?,
            None => writeln!(w, "  {}", s.paint.bold(name.trim_end()))?,
        }
    }
    for line in review_lines(e, names) {
        wrapped(w, s, &pad, &hang, &terminal_text(&line, s.paint))?;
    }
    for f in &e.flags {
        let text = s.paint.warning(&format!("! {}", printable(f.about())));
        wrapped(w, s, &pad, &hang, &text)?;
    }
    for c in &e.credit {
        wrapped(
            w,
            s,
            &pad,
            &hang,
            &format!("by {}", commit_line(c, s.paint)),
        )?;
    }
    Ok(())
}

/// Write warnings (shallow clone, detached HEAD) before an answer.
pub fn warnings(w: &mut dyn Write, warnings: &[String], paint: Paint) -> io::Result<()> {
    for text in warnings {
        writeln!(w, "{} {}", paint.warning("warning:"), printable(text))?;
    }
    Ok(())
}

/// Say, on stderr, that `a..b` (as written: an empty side is HEAD, or for `b` the working tree)
/// compares two trees of which `a` is not an ancestor of `b`: either they split (`a...b` is what
/// `b` brings), or `b` is an ancestor of `a` (`backwards`: `b..a` is what `a` made).
pub fn diverged(
    w: &mut dyn Write,
    a: &str,
    b: &str,
    backwards: bool,
    paint: Paint,
) -> io::Result<()> {
    let (a, b) = (printable(a), printable(b));
    let name = |s: &str| {
        if s.is_empty() {
            "HEAD".to_string()
        } else {
            s.to_string()
        }
    };
    let (na, nb) = (name(&a), name(&b));
    let warning = paint.warning("warning:");
    match backwards {
        true => writeln!(
            w,
            "oslog: {warning} {nb} is an ancestor of {na}, so {a}..{b} shows the changes {na} made since {nb} as if undone; for them as made run `oslog diff {b}..{a}`"
        ),
        false => writeln!(
            w,
            "oslog: {warning} {na} is not an ancestor of {nb}, so {a}..{b} also shows the changes {na} made since they split, as if {nb} had undone them; for {nb}'s own changes run `oslog diff {a}...{b}`"
        ),
    }
}

/// A range's review: what was compared, and the record changes found.
pub struct Review<'a> {
    /// The range as written (`origin/main...HEAD`), or as the default reads.
    pub range: &'a str,
    /// The old side's short id: the merge base, for a three-dot range.
    pub from: &'a str,
    /// Whether `from` is the merge base of a three-dot range.
    pub merge_base: bool,
    /// The new side: a short commit id, or `working tree`.
    pub to: &'a str,
    pub entries: &'a [Entry],
    pub warnings: &'a [String],
}

impl Review<'_> {
    /// Where the changes run from and to, as a phrase.
    fn scope(&self) -> String {
        let to = match self.to {
            "working tree" => "the working tree",
            id => id,
        };
        match self.merge_base {
            true => format!("since the merge base {}, up to {to}", self.from),
            false => format!("from {}, up to {to}", self.from),
        }
    }

    /// How many records changed in each way, and how many to look at twice.
    fn counts(&self) -> String {
        let count = |ev: &[Event]| {
            self.entries
                .iter()
                .filter(|e| ev.contains(&e.event))
                .count()
        };
        let flagged = self.entries.iter().filter(|e| !e.flags.is_empty()).count();
        let unreadable = match count(&[Event::Unreadable]) {
            0 => String::new(),
            n => format!(", {n} that {} not load", if n == 1 { "does" } else { "do" }),
        };
        format!(
            "{} changed, {} added, {} removed, {} renumbered{unreadable}; {} to look at twice",
            count(&[Event::Changed, Event::NotAFile]),
            count(&[Event::Added]),
            count(&[Event::Removed]),
            count(&[Event::Renumbered]),
            flagged
        )
    }
}

/// The review of a range on a terminal, or piped as plain text.
pub fn review_text(w: &mut dyn Write, r: &Review, s: Screen) -> io::Result<()> {
    warnings(w, r.warnings, s.paint)?;
    let heading = s.paint.bold(&format!("Changes {}", printable(r.range)));
    wrapped(w, s, "", "  ", &format!("{heading} ({})", r.scope()))?;
    if r.entries.is_empty() {
        return writeln!(w, "  none");
    }
    wrapped(w, s, "  ", "  ", &r.counts())?;
    entries(w, r.entries, true, s)
}

/// A line in Markdown: removed words struck through, added ones in bold, everything escaped.
fn markdown_line(line: &[Words]) -> String {
    let mut out = String::new();
    let mut after_removal = false;
    for piece in line {
        match piece {
            Words::Same(t) => out.push_str(&markdown::text(t)),
            Words::Removed(t) => out.push_str(&format!("~~{}~~", markdown::text(t))),
            Words::Added(t) => {
                if after_removal {
                    out.push(' ');
                }
                out.push_str(&format!("**{}**", markdown::text(t)));
            }
        }
        after_removal = matches!(piece, Words::Removed(_));
    }
    out
}

/// An entry's heading in Markdown: its record and title.
fn markdown_name(e: &Entry) -> String {
    let title = e
        .title
        .as_deref()
        .map(|t| format!(" {}", markdown::text(t)));
    format!(
        "{}{}",
        markdown::text(&record_name(e)),
        title.unwrap_or_default()
    )
}

fn reasons(flags: &[Flag]) -> String {
    let why: Vec<&str> = flags.iter().map(|f| f.about()).collect();
    why.join("; ")
}

/// The top of a review in Markdown: the heading, the counts and any warning.
fn markdown_head(r: &Review) -> String {
    let mut out = format!(
        "## oslog diff {}

",
        markdown::code(r.range)
    );
    let scope = r.scope();
    let mut cap = scope.chars();
    let scope: String = cap
        .next()
        .map(|c| c.to_uppercase().chain(cap).collect())
        .unwrap_or_default();
    match r.entries.is_empty() {
        true => out.push_str(&format!(
            "{scope}: no changes to actions or milestones.\n\n"
        )),
        false => out.push_str(&format!("{scope}: {}.\n\n", r.counts())),
    }
    for text in r.warnings {
        out.push_str(&format!("> **Warning:** {}\n\n", markdown::text(text)));
    }
    out
}

/// The item of a record in the list of what to look at twice.
fn look_twice_item(e: &Entry) -> String {
    format!("- **{}**: {}\n", markdown_name(e), reasons(&e.flags))
}

/// A record's section under "Changes": its name and title, then its changes, one item each.
fn change_section(e: &Entry) -> String {
    let mut out = format!("\n#### {}\n\n", markdown_name(e));
    for line in review_lines(e, true) {
        out.push_str(&format!("- {}\n", markdown_line(&line)));
    }
    if !e.flags.is_empty() {
        out.push_str(&format!("- **Look twice:** {}\n", reasons(&e.flags)));
    }
    out
}

const LOOK_TWICE: &str = "### Look twice\n\n";
const CHANGES: &str = "### Changes\n";

/// The whole review in Markdown.
fn markdown_review(r: &Review) -> String {
    let mut out = markdown_head(r);
    if r.entries.is_empty() {
        return out;
    }
    let flagged: Vec<&Entry> = r.entries.iter().filter(|e| !e.flags.is_empty()).collect();
    if !flagged.is_empty() {
        out.push_str(LOOK_TWICE);
        for e in flagged {
            out.push_str(&look_twice_item(e));
        }
        out.push('\n');
    }
    out.push_str(CHANGES);
    for e in r.entries {
        out.push_str(&change_section(e));
    }
    out
}

/// Append to `out` as many of `items`, in order, as keep it within `max` characters together with
/// the line that says how many were left out (`more`), and then that line.
fn fit(out: &mut String, items: &[String], max: usize, more: impl Fn(usize) -> String) {
    let mut length = out.chars().count();
    for (i, item) in items.iter().enumerate() {
        let left = items.len() - i - 1;
        let tail = if left > 0 {
            more(left).chars().count()
        } else {
            0
        };
        let size = item.chars().count();
        if length + size + tail > max {
            out.push_str(&more(items.len() - i));
            return;
        }
        out.push_str(item);
        length += size;
    }
}

/// The review of a range in Markdown, for a pull-request comment or a job summary. With `limit`
/// (a number of characters, and where the whole review is), a review longer than that becomes a
/// summary that fits: the counts, as many of the records to look at twice as fit, and then as many
/// of the records' sections.
pub fn review_markdown(
    w: &mut dyn Write,
    r: &Review,
    limit: Option<(usize, Option<&str>)>,
) -> io::Result<()> {
    let full = markdown_review(r);
    let length = full.chars().count();
    let Some((max, link)) = limit.filter(|(max, _)| length > *max) else {
        return w.write_all(full.as_bytes());
    };
    let whole = match link {
        Some(url) => markdown::link("the whole review", url),
        None => "the whole review".to_string(),
    };
    let mut out = markdown_head(r);
    out.push_str(&format!(
        "This is a summary: {whole} is {length} characters, more than {max}; run `oslog diff` on the branch to see it.\n\n"
    ));
    let flagged: Vec<String> = r
        .entries
        .iter()
        .filter(|e| !e.flags.is_empty())
        .map(look_twice_item)
        .collect();
    if !flagged.is_empty() {
        out.push_str(LOOK_TWICE);
        fit(&mut out, &flagged, max, |n| format!("- and {n} more\n"));
    }
    let sections: Vec<String> = r.entries.iter().map(change_section).collect();
    let more = |n: usize| format!("\nAnd {n} more records, in the whole review.\n");
    // The heading only when its first record fits under it.
    let first = match sections.as_slice() {
        [only] => only.chars().count(),
        [first, ..] => first.chars().count() + more(sections.len() - 1).chars().count(),
        [] => usize::MAX / 2,
    };
    let gap = usize::from(!flagged.is_empty());
    if out.chars().count() + gap + CHANGES.len() + first <= max {
        out.push_str(&"\n".repeat(gap));
        out.push_str(CHANGES);
        fit(&mut out, &sections, max, more);
    }
    w.write_all(out.as_bytes())
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
