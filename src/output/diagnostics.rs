//! Rendering findings: rustc-like text with the offending line and a caret, JSON for programs,
//! GitHub workflow commands for pull-request annotations, the Markdown of a workflow's job summary,
//! which holds every finding where the annotations stop, and SARIF (`output/sarif.rs`). Every text
//! from a file (its name, its lines, values in messages) goes through `output::printable` on its way
//! out, in the human and the GitHub form alike; JSON stays exact.
//!
//! The snippet is drawn here rather than by annotate-snippets: it is one line and a caret, cut at
//! 200 characters, and what it needs is the caret under the token, which the display width of each
//! character (`unicode-width`, wide CJK and emoji, escaped controls) gives. annotate-snippets
//! 0.12.18, tried on the same findings, puts the caret under wide characters correctly too, but
//! does not give this layout: it adds a `|` line before every hint, cuts a long line around the
//! caret with `...` at both ends, and shows a control character as a picture (`␛`) where every
//! other output of oslog shows `\u{1b}`; 35 of the 46 `tests/cmd` fixtures with a snippet would
//! change, for no gain to the reader. Its cost grows with the line it is given: on a 1 MiB line of
//! 349,000 list items (a release build), 34 to 280 ms per finding, where a list of repeats gives
//! one finding per item; so it would need the line cut first, as done here (2,000 findings on a
//! line cut to 1,000 characters took 126 ms). Drawing it here keeps the layout and the cost of a
//! finding bounded by `SNIPPET_COLUMNS`.

use super::printable;
use super::style::Paint;
use crate::diag::{Diagnostic, Severity, Summary};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// The output formats of findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// What was checked, for the closing line and the JSON summary.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Checked {
    pub files: usize,
    pub actions: usize,
    pub milestones: usize,
    pub themes: usize,
}

/// Write findings in `format`. `prefix` is the log root as the user should see it (for file paths);
/// `source` returns the text of a file relative to the root, for snippets.
pub fn render(
    w: &mut dyn Write,
    format: Format,
    diags: &[Diagnostic],
    checked: Checked,
    prefix: &Path,
    paint: Paint,
    source: &dyn Fn(&Path) -> Option<String>,
) -> io::Result<()> {
    match format {
        Format::Human => human(w, diags, checked, prefix, paint, source),
        Format::Json => json(w, diags, checked, prefix),
        Format::Github => github(w, diags, prefix),
        Format::Sarif => super::sarif::write(w, diags, prefix),
    }
}

fn shown(prefix: &Path, file: &Path) -> String {
    prefix.join(file).display().to_string()
}

fn human(
    w: &mut dyn Write,
    diags: &[Diagnostic],
    checked: Checked,
    prefix: &Path,
    paint: Paint,
    source: &dyn Fn(&Path) -> Option<String>,
) -> io::Result<()> {
    let mut cache: std::collections::HashMap<&Path, Option<Lines>> =
        std::collections::HashMap::new();
    for d in diags {
        let label = match d.severity {
            Severity::Error => paint.error(&format!("error[{}]", d.code)),
            Severity::Warning => paint.warning(&format!("warning[{}]", d.code)),
        };
        writeln!(
            w,
            "{label}{} {}",
            paint.bold(":"),
            paint.bold(&printable(&d.message))
        )?;
        let file = printable(&shown(prefix, &d.file));
        let location = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file,
        };
        let lines = cache
            .entry(&d.file)
            .or_insert_with(|| source(&d.file).map(Lines::new));
        // A caret further right than any snippet would show is not drawn: the location says where.
        let line_text = d
            .line
            .filter(|_| d.column.unwrap_or(1) as usize <= SNIPPET_COLUMNS)
            .and_then(|l| lines.as_ref()?.get(l as usize));
        let gutter = d.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        writeln!(w, "{pad}{} {location}", paint.accent("-->"))?;
        if let (Some(l), Some(line)) = (d.line, line_text) {
            let col = d.column.unwrap_or(1) as usize;
            let shown_line = printable(&line.chars().take(200).collect::<String>());
            let rest: String = line.chars().skip(col - 1).take(SNIPPET_COLUMNS).collect();
            let width = token_width(&rest);
            let lead: String = line
                .chars()
                .take(col - 1)
                .map(|c| match c {
                    '\t' => "\t".to_string(),
                    c => " ".repeat(shown_width(c.encode_utf8(&mut [0; 4]))),
                })
                .collect();
            writeln!(w, "{pad} {}", paint.accent("|"))?;
            writeln!(
                w,
                "{} {} {shown_line}",
                paint.accent(&l.to_string()),
                paint.accent("|")
            )?;
            let caret = "^".repeat(width);
            let caret = if d.severity == Severity::Error {
                paint.error(&caret)
            } else {
                paint.warning(&caret)
            };
            writeln!(w, "{pad} {} {lead}{caret}", paint.accent("|"))?;
        }
        if let Some(h) = &d.hint {
            writeln!(
                w,
                "{pad} {} {} {}",
                paint.accent("="),
                paint.bold("hint:"),
                printable(h)
            )?;
        }
        writeln!(w)?;
    }
    let s = Summary::of(diags);
    let what = format!(
        "{} action{}, {} milestone{} and {} theme{}",
        checked.actions,
        plural(checked.actions),
        checked.milestones,
        plural(checked.milestones),
        checked.themes,
        plural(checked.themes)
    );
    if diags.is_empty() {
        writeln!(w, "{} {what}: no findings", paint.bold("ok:"))
    } else {
        let files: std::collections::HashSet<&Path> =
            diags.iter().map(|d| d.file.as_path()).collect();
        writeln!(
            w,
            "{} {} error{}, {} warning{} in {} file{} ({what} loaded from {} file{})",
            if s.errors > 0 {
                paint.error("failed:")
            } else {
                paint.warning("warnings:")
            },
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings),
            files.len(),
            plural(files.len()),
            checked.files,
            plural(checked.files),
        )
    }
}

/// How far right a snippet's caret may be drawn. Lines are cut at 200 characters when shown, but a
/// caret a little past that still says where on the line the finding is; one at column 500,000 of a
/// huge line would cost a pass over the line for each finding.
const SNIPPET_COLUMNS: usize = 1000;

/// A file's text with where each of its lines starts, so that each finding finds its line at once.
struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// Line `n` (1-based) as `str::lines` gives it: without its line ending, and no empty line after
    /// a final line break.
    fn get(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.text.len(), |next| next - 1);
        if start == self.text.len() {
            return None;
        }
        let line = &self.text[start..end];
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// The columns `text` takes on a terminal once made printable: a CJK character or an emoji takes two,
/// a combining mark none, and an escaped control character the length of its escape.
fn shown_width(text: &str) -> usize {
    printable(text).width()
}

/// The display width of the token that starts `rest`: a quoted string, a list item, a key, or the rest of the line.
fn token_width(rest: &str) -> usize {
    let chars: Vec<char> = rest.chars().collect();
    let end = match chars.first() {
        Some(q @ ('"' | '\'')) => chars
            .iter()
            .skip(1)
            .position(|c| c == q)
            .map_or(chars.len(), |i| i + 2),
        _ => (0..chars.len())
            .find(|&i| {
                let next = chars.get(i + 1).copied().unwrap_or(' ');
                matches!(chars[i], ',' | ']' | '}')
                    || (chars[i] == ':' && next == ' ')
                    || (chars[i] == ' ' && next == '#')
            })
            .unwrap_or(chars.len()),
    };
    let token: String = chars[..end].iter().collect();
    shown_width(token.trim_end()).clamp(1, 80)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    checked: Checked,
    summary: Summary,
    diagnostics: Vec<JsonDiag<'a>>,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    #[serde(flatten)]
    diag: &'a Diagnostic,
    path: String,
}

fn json(
    w: &mut dyn Write,
    diags: &[Diagnostic],
    checked: Checked,
    prefix: &Path,
) -> io::Result<()> {
    let report = JsonReport {
        checked,
        summary: Summary::of(diags),
        diagnostics: diags
            .iter()
            .map(|d| JsonDiag {
                diag: d,
                path: shown(prefix, &d.file),
            })
            .collect(),
    };
    super::json::write(w, &report)
}

/// Escape a value for a GitHub workflow command (data part).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property of a GitHub workflow command.
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(w: &mut dyn Write, diags: &[Diagnostic], prefix: &Path) -> io::Result<()> {
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = printable(&shown(prefix, &d.file));
        let mut props = vec![format!("file={}", gh_prop(&file))];
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", gh_prop(&format!("oslog {}", d.code))));
        let mut message = format!("[{}] {}", d.code, d.message);
        if let Some(h) = &d.hint {
            message.push_str(&format!(" (hint: {h})"));
        }
        let message = printable(&message);
        writeln!(w, "::{kind} {}::{}", props.join(","), gh_data(&message))?;
    }
    Ok(())
}

/// How many annotations of each kind GitHub shows for one step.
const GITHUB_SHOWN: usize = 10;

/// After the annotations: a notice when there are more of a kind than GitHub shows, saying where
/// they all are.
pub fn github_notice(w: &mut dyn Write, diags: &[Diagnostic], summarised: bool) -> io::Result<()> {
    let s = Summary::of(diags);
    if s.errors <= GITHUB_SHOWN && s.warnings <= GITHUB_SHOWN {
        return Ok(());
    }
    let mut counts = Vec::new();
    for (n, kind) in [(s.errors, "error"), (s.warnings, "warning")] {
        if n > GITHUB_SHOWN {
            counts.push(format!("{n} {kind}{}", plural(n)));
        }
    }
    let rest = match summarised {
        true => "all are in the job summary",
        false => "run `oslog validate` to see them all",
    };
    writeln!(
        w,
        "::notice::{}; GitHub shows at most {GITHUB_SHOWN} of each kind as annotations: {rest}",
        gh_data(&counts.join(" and "))
    )
}

/// Every finding as Markdown, for a workflow's job summary: a heading, the counts, and one item per
/// finding with its place, code, message and hint.
pub fn summary_markdown(w: &mut dyn Write, diags: &[Diagnostic], prefix: &Path) -> io::Result<()> {
    use super::markdown::{code, text};
    writeln!(w, "## oslog validate\n")?;
    let s = Summary::of(diags);
    if diags.is_empty() {
        return writeln!(w, "No findings.\n");
    }
    let files: std::collections::HashSet<&Path> = diags.iter().map(|d| d.file.as_path()).collect();
    writeln!(
        w,
        "{} error{}, {} warning{} in {} file{}.\n",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        files.len(),
        plural(files.len())
    )?;
    for d in diags {
        let mut place = shown(prefix, &d.file);
        for n in [d.line, d.column].into_iter().map_while(|n| n) {
            place.push_str(&format!(":{n}"));
        }
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let hint = d.hint.as_deref().map(|h| format!(" (hint: {})", text(h)));
        writeln!(
            w,
            "- **{severity}** {} {}: {}{}",
            code(d.code.as_str()),
            code(&place),
            text(&d.message),
            hint.unwrap_or_default()
        )?;
    }
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_as_str_lines_finds_them() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\n\n", "\n\nc"] {
            let lines = Lines::new(text.to_string());
            let expected: Vec<&str> = text.lines().collect();
            let found: Vec<&str> = (1..=expected.len() + 2)
                .filter_map(|n| lines.get(n))
                .collect();
            assert_eq!(found, expected, "{text:?}");
            assert_eq!(lines.get(0), None);
        }
    }

    #[test]
    fn github_commands_escape_their_parts() {
        assert_eq!(gh_prop("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(gh_data("x: y, 50%\nz"), "x: y, 50%25%0Az");
    }
}
