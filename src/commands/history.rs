//! `oslog history N`: every change to one action, newest first, from git.

use super::args::{formats, Format, TABLE_OR_JSON};
use super::{Context, Outcome};
use crate::git::Repo;
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

/// Every change to one action, newest first, from git.
///
/// Lists each commit in which action N changed (status, deadline, owner, theme, title, signed_off,
/// links, updates), with the commit, its author and date, and each field's old → new value.
///
/// Uncommitted changes in the working tree come first, marked as such. The trail follows the record,
/// not the number: through renumbering (a file renamed with `formerly` naming the old number, from
/// the commit of the move), and for an action that came in with a merge, into the merged branch's own
/// commits. Otherwise history follows first parents: a merged branch's changes to an action already
/// on the line appear once, at the merge commit, followed by the branch's own commits that made
/// them ("by <commit> <day> <author> <subject>"), so the change is credited to whoever made it.
///
/// Every value is shown whole; on a terminal long lines wrap to its width, and an edited update or
/// a new title shows its words removed and added.
///
/// A deleted action's history starts with its removal (a renumbered one's old number, with the
/// move). A number never used (in no commit on HEAD's first-parent line, nor the working tree) is an
/// error.
///
/// Examples:
///   oslog history 42
///   oslog history 42 --format json | jq '.changes[] | select(.changes[].field == "status")'
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The action's number.
    #[arg(value_parser = super::args::parse_number)]
    pub action: u32,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(TABLE_OR_JSON))]
    pub format: Format,
}

#[derive(Serialize)]
struct Report<'a> {
    action: u32,
    shallow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detached: Option<&'a str>,
    warnings: &'a [String],
    changes: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    commit: Option<&'a crate::trail::CommitInfo>,
    uncommitted: bool,
    #[serde(flatten)]
    entry: &'a crate::trail::Entry,
}

/// Run `oslog history N`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let repo = Repo::open(&root)?;
    let trail = repo.action_trail(args.action)?;
    let warnings = repo.warnings();
    match args.format {
        Format::Json => {
            let changes = trail
                .iter()
                .flat_map(|c| {
                    c.entries.iter().map(|e| Row {
                        commit: c.commit.as_ref(),
                        uncommitted: c.commit.is_none(),
                        entry: e,
                    })
                })
                .collect();
            let report = Report {
                action: args.action,
                shallow: repo.shallow(),
                detached: repo.detached.as_deref(),
                warnings: &warnings,
                changes,
            };
            crate::output::json::write(out, &report)?;
        }
        _ => {
            crate::output::trail::warnings(out, &warnings, ctx.paint)?;
            if trail.is_empty() {
                writeln!(out, "no changes to action {} in the history", args.action)?;
            } else {
                writeln!(
                    out,
                    "{}",
                    ctx.paint
                        .bold(&format!("History of action {}, newest first", args.action))
                )?;
                let ids: std::collections::BTreeSet<_> = trail
                    .iter()
                    .flat_map(|c| c.entries.iter().map(|e| e.action))
                    .collect();
                crate::output::trail::commits(out, &trail, ids.len() > 1, ctx.screen())?;
            }
        }
    }
    Ok(Outcome::Success)
}
