//! `oslog diff [A..B]`: a semantic diff of the log for pull-request review.

use super::args::{formats, Format};
use super::{Context, Outcome};
use crate::git::Repo;
use anyhow::{bail, Result};
use serde::Serialize;
use std::io::Write;

/// A semantic diff of the log for pull-request review.
///
/// Shows what a range changes, record by record: actions added, removed and renumbered, field
/// changes, updates added, and milestone changes. It flags what a reviewer should look at
/// twice: a complete action reopened, a deadline moved later, a status skipping a step, and an update
/// edited or removed rather than appended.
///
/// RANGE is A..B (two revisions or days), or A alone (A to the working tree). Without RANGE: from the
/// merge base of HEAD with the default branch (origin/HEAD, main or master) to the working tree.
///
/// Examples:
///   oslog diff
///   oslog diff main..HEAD
///   oslog diff --format md >> "$GITHUB_STEP_SUMMARY"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The range to compare: A..B, or A for A up to the working tree.
    #[arg(value_name = "RANGE")]
    pub range: Option<String>,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(FORMATS))]
    pub format: Format,
}

/// The output formats of `diff`.
const FORMATS: &[(Format, &str)] = &[
    (Format::Table, ""),
    (Format::Json, ""),
    (
        Format::Md,
        "A short Markdown summary for a PR comment or $GITHUB_STEP_SUMMARY",
    ),
];

#[derive(Serialize)]
struct Report<'a> {
    from: String,
    to: String,
    shallow: bool,
    warnings: &'a [String],
    flagged: usize,
    entries: &'a [crate::trail::Entry],
}

/// Run `oslog diff`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let repo = Repo::open(&root)?;
    let warnings = repo.warnings();
    let (from, to, from_name, to_name) = match args.range.as_deref() {
        None => {
            let (base, branch) = repo.default_base()?;
            (
                base,
                None,
                format!("{} (merge base with {branch})", base.short()),
                "working tree".to_string(),
            )
        }
        Some(r) => match r.split_once("..") {
            Some((a, b)) => {
                if a.is_empty() || b.starts_with('.') {
                    bail!("`{r}` is not a range; write A..B, or A alone to compare with the working tree");
                }
                let from = repo.resolve(a)?;
                if b.is_empty() {
                    (from, None, a.to_string(), "working tree".to_string())
                } else {
                    (from, Some(repo.resolve(b)?), a.to_string(), b.to_string())
                }
            }
            None => (
                repo.resolve(r)?,
                None,
                r.to_string(),
                "working tree".to_string(),
            ),
        },
    };
    let entries = repo.compare(from, to)?;
    let range = format!("{from_name}..{to_name}");
    match args.format {
        Format::Json => {
            let report = Report {
                from: from.short(),
                to: to.map_or_else(|| "working tree".to_string(), |t| t.short()),
                shallow: repo.shallow(),
                warnings: &warnings,
                flagged: entries.iter().filter(|e| !e.flags.is_empty()).count(),
                entries: &entries,
            };
            crate::output::json::write(out, &report)?;
        }
        Format::Md => crate::output::trail::diff_markdown(out, &range, &entries, &warnings)?,
        _ => {
            crate::output::trail::warnings(out, &warnings, ctx.paint)?;
            writeln!(out, "{}", ctx.paint.bold(&format!("Changes {range}")))?;
            if entries.is_empty() {
                writeln!(out, "  none")?;
            }
            crate::output::trail::entries(out, &entries, true, ctx.paint)?;
        }
    }
    Ok(Outcome::Success)
}
