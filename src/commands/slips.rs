//! `oslog slips`: how far each action's deadline moved over its history.

use super::args::{formats, Format, TABLE_OR_JSON};
use super::{Context, Outcome};
use crate::git::Repo;
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// Deadline slippage from git history.
///
/// Per action, the original deadline, the current one and the number of times it moved; then the
/// actions that slipped most and the median delay per theme.
///
/// "Original" is the first deadline the history records; "current" is the one at HEAD. A delay is
/// counted from the end of the original deadline to the end of the current one.
///
/// Examples:
///   oslog slips
///   oslog slips --top 5
///   oslog slips --format json | jq '.themes'
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// How many of the most-slipped actions to list.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = super::args::parse_count)]
    pub top: usize,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(TABLE_OR_JSON))]
    pub format: Format,
}

#[derive(Serialize)]
struct Report<'a> {
    shallow: bool,
    warnings: &'a [String],
    #[serde(flatten)]
    slips: &'a crate::trail::Slips,
}

/// Run `oslog slips`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let repo = Repo::open(&root)?;
    let mut commits = repo.changes(repo.head()?, None)?;
    commits.reverse();
    let slips = crate::trail::slips(&commits, args.top);
    let warnings = repo.warnings();
    match args.format {
        Format::Json => {
            let report = Report {
                shallow: repo.shallow(),
                warnings: &warnings,
                slips: &slips,
            };
            crate::output::json::write(out, &report)?;
        }
        _ => {
            crate::output::trail::warnings(out, &warnings, ctx.paint)?;
            crate::output::trail::slips(out, &slips, ctx.paint)?;
        }
    }
    Ok(Outcome::Success)
}
