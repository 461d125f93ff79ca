//! What several commands' arguments share: the parser of a status, `--as-of` (for the commands
//! that read the log as it was), and the one [`Format`] enum, of which each command's `--format`
//! offers its own choice.

use crate::model::Status;

/// Parse an action status, accepting the words people use for one ("in progress", "done").
pub fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s)
        .or_else(|| Status::from_alias(s))
        .ok_or_else(|| format!("`{s}` is not a status; use one of {}", Status::choices()))
}

/// Parse an action number: a whole number from 1 to 999999, as people cite actions.
pub fn parse_number(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=crate::model::MAX_ID).contains(n))
        .ok_or_else(|| {
            format!(
                "`{s}` is not an action number (a whole number from 1 to {})",
                crate::model::MAX_ID
            )
        })
}

/// Parse an update's number, as `oslog show N` numbers them; the command says which exist.
pub fn parse_update_number(s: &str) -> Result<usize, String> {
    s.trim().parse::<usize>().map_err(|_| {
        format!("`{s}` is not an update number (1, 2, … as `oslog show N` numbers them)")
    })
}

/// Parse a count from 1 (`--top N`, `--limit N`).
pub fn parse_count(s: &str) -> Result<usize, String> {
    s.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("`{s}` is not a whole number from 1 up"))
}

/// `--as-of`, for the commands that can read the log as it was: status, list, show, timeline and
/// report (resolved by `Context::snapshot`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AsOf {
    /// Read the log as it was at this commit, or at the last commit on or before this day, from git
    /// objects without a checkout; dates are then evaluated as of that commit's day unless --today is
    /// given.
    #[arg(long, global = true, value_name = "DATE|REV")]
    pub as_of: Option<String>,
}

/// Every output format oslog writes. Each command's `--format` offers the ones it writes (see
/// [`formats`]), so that one name means one format everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table (or text) for the terminal.
    Table,
    /// A record as in its file, with its updates numbered.
    Text,
    /// Findings as rustc-like text.
    Human,
    Json,
    Csv,
    /// A Markdown table.
    Markdown,
    /// A Markdown document.
    Md,
    Html,
    /// A Word document.
    Docx,
    Yaml,
    /// GitHub workflow commands.
    Github,
    /// A SARIF 2.1.0 log.
    Sarif,
}

impl Format {
    /// Other names the command line takes for the format: Markdown is `md` or `markdown`
    /// wherever a command writes it, a table or a document.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Format::Markdown => &["md"],
            Format::Md => &["markdown"],
            _ => &[],
        }
    }

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Text => "text",
            Format::Human => "human",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Md => "md",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Yaml => "yaml",
            Format::Github => "github",
            Format::Sarif => "sarif",
        }
    }
}

/// The formats of the answers read from the log or its history (status, history, log, slips).
pub const TABLE_OR_JSON: &[(Format, &str)] = &[(Format::Table, ""), (Format::Json, "")];

/// The formats of lists of records (list, timeline).
pub const LISTS: &[(Format, &str)] = &[
    (Format::Table, ""),
    (Format::Json, ""),
    (Format::Csv, ""),
    (Format::Markdown, ""),
];

/// A `--format` parser that offers `offered`, in that order, each with its help in `--help` when
/// it has one.
pub fn formats(
    offered: &'static [(Format, &'static str)],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = offered.iter().map(|(f, help)| {
        let value = PossibleValue::new(f.name()).aliases(f.aliases().iter().copied());
        match help.is_empty() {
            true => value,
            false => value.help(*help),
        }
    });
    PossibleValuesParser::new(values).map(move |name| {
        offered
            .iter()
            .map(|(f, _)| *f)
            .find(|f| f.name() == name || f.aliases().contains(&name.as_str()))
            .unwrap_or(offered[0].0)
    })
}

/// Read `what` from standard input (an argument given as `-`), whole: long text that a shell
/// argument would mangle.
pub fn read_stdin(what: &str) -> anyhow::Result<String> {
    use anyhow::Context as _;
    use std::io::Read as _;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .with_context(|| format!("could not read {what} from standard input"))?;
    Ok(text)
}

/// A span of time back from today, as `--stale` takes it: `8w` (weeks), `30d` (days) or `2m`
/// (calendar months).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Days(u32),
    Months(u32),
}

impl Span {
    /// The day `self` before `today` (the earliest for a month that lacks the day).
    pub fn before(self, today: chrono::NaiveDate) -> chrono::NaiveDate {
        match self {
            Span::Days(n) => today - chrono::Days::new(n.into()),
            Span::Months(n) => today
                .checked_sub_months(chrono::Months::new(n))
                .unwrap_or(chrono::NaiveDate::MIN),
        }
    }
}

/// Parse a span: a whole number from 1 up with `d`, `w` or `m` after it.
pub fn parse_span(s: &str) -> Result<Span, String> {
    let bad = || {
        format!("`{s}` is not a span of time; give a number of days, weeks or months: 30d, 8w, 2m")
    };
    let t = s.trim();
    let unit = t.chars().last().ok_or_else(bad)?;
    let n: u32 = t[..t.len() - unit.len_utf8()]
        .parse()
        .ok()
        .filter(|n| (1..=100_000).contains(n))
        .ok_or_else(bad)?;
    match unit.to_ascii_lowercase() {
        'd' => Ok(Span::Days(n)),
        'w' => Ok(Span::Days(n * 7)),
        'm' => Ok(Span::Months(n)),
        _ => Err(bad()),
    }
}

/// Text written in the user's editor ($VISUAL, else $EDITOR) on `template`: the file's lines that
/// do not start with `#`. The editor is run through the shell, so it may carry arguments
/// (`EDITOR="code --wait"`); one that fails, none set, or a template left as it was is an error.
pub fn edit_text(template: &str) -> anyhow::Result<String> {
    use anyhow::{bail, Context as _};
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()));
    let Some(editor) = editor else {
        bail!("--edit needs an editor: set VISUAL or EDITOR");
    };
    let file = tempfile::Builder::new()
        .prefix("oslog-")
        .suffix(".txt")
        .tempfile()
        .context("could not make a file to edit")?;
    std::fs::write(file.path(), format!("\n{template}"))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .with_context(|| format!("could not run the editor `{editor}`"))?;
    if !status.success() {
        bail!("the editor `{editor}` failed ({status}); nothing was written");
    }
    let kept = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = kept(&std::fs::read_to_string(file.path())?);
    if text.trim() == kept(template).trim() {
        bail!("the template was left as it was; nothing was written");
    }
    Ok(text)
}
