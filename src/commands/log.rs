//! `oslog log`: every change to actions and milestones, newest first, from git.

use super::args::{formats, Format, TABLE_OR_JSON};
use super::{Context, Outcome};
use crate::git::{Bound, Repo};
use crate::trail::Entry;
use anyhow::{bail, Result};
use serde::Serialize;
use std::io::Write;

/// All changes to actions and milestones, newest first, from git.
///
/// Fields changed, updates added, and actions added, removed or renumbered: the raw material of the
/// monthly update. Each record's changes come under its number and title, every value whole (on a
/// terminal, wrapped to its width). A merge's changes name the merged branch's own commits that
/// made them ("by <commit> <day> <author> <subject>"), so credit goes to whoever made each change.
///
/// DATE is YYYY-MM-DD and is compared with commit dates (as `git log --since` does); REV is any
/// revision (a tag, branch or commit id). --since REV leaves REV itself out; --until REV starts there.
/// --field keeps changes to that field (additions, removals and renumberings are always kept).
///
/// Examples:
///   oslog log --since 2019-06-01
///   oslog log --since v1.0 --field status
///   oslog log --theme data-sharing --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only changes after this day or revision.
    #[arg(long, value_name = "DATE|REV")]
    pub since: Option<String>,

    /// Only changes up to this day or revision.
    #[arg(long, value_name = "DATE|REV")]
    pub until: Option<String>,

    /// Only actions of this theme.
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,

    /// Only changes to this field (status, deadline, owner, theme, title, signed_off, links,
    /// merged_into, duplicate_of, updates, …).
    #[arg(long, value_name = "FIELD")]
    pub field: Option<String>,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(TABLE_OR_JSON))]
    pub format: Format,
}

#[derive(Serialize)]
struct Report<'a> {
    shallow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detached: Option<&'a str>,
    warnings: &'a [String],
    commits: &'a [crate::trail::CommitChanges],
}

/// Run `oslog log`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    if let Some(message) = args.field.as_deref().and_then(crate::model::unknown_field) {
        bail!("{message}");
    }
    let root = ctx.root()?;
    let repo = Repo::open(&root)?;
    let (mut tip, mut stop) = (repo.head()?, None);
    let (mut after, mut before) = (None, None);
    if let Some(s) = &args.since {
        match repo.bound(s)? {
            Bound::Rev(r) => stop = Some(r),
            Bound::Date(d) => after = Some(d),
        }
    }
    if let Some(s) = &args.until {
        match repo.bound(s)? {
            Bound::Rev(r) => tip = r,
            Bound::Date(d) => before = Some(d),
        }
    }
    let commits: Vec<_> = repo
        .changes(tip, stop)?
        .into_iter()
        .filter(|c| {
            let date = c.commit.as_ref().map(|i| i.date);
            after.is_none_or(|a| date >= Some(a)) && before.is_none_or(|b| date <= Some(b))
        })
        .collect();
    // A theme no entry has is a typo unless themes.yaml has it; one only the history has is not.
    if let Some(theme) = &args.theme {
        let seen = commits
            .iter()
            .flat_map(|c| &c.entries)
            .any(|e| e.theme.as_ref() == Some(theme));
        let unknown = crate::write::themes(&root)
            .ok()
            .and_then(|t| t.unknown(theme));
        if let (false, Some(message)) = (seen, unknown) {
            bail!("{message}");
        }
    }
    let keep = |e: &Entry| {
        args.theme
            .as_ref()
            .is_none_or(|t| e.theme.as_ref() == Some(t))
            && args.field.as_ref().is_none_or(|f| e.touches(f))
    };
    let commits = crate::trail::filter(commits, keep);
    let warnings = repo.warnings();
    match args.format {
        Format::Json => {
            let report = Report {
                shallow: repo.shallow(),
                detached: repo.detached.as_deref(),
                warnings: &warnings,
                commits: &commits,
            };
            crate::output::json::write(out, &report)?;
        }
        _ => {
            crate::output::trail::warnings(out, &warnings, ctx.paint)?;
            if commits.is_empty() {
                writeln!(out, "no changes")?;
            }
            crate::output::trail::commits(out, &commits, true, ctx.screen())?;
        }
    }
    Ok(Outcome::Success)
}
