//! `oslog log`: every change to actions and milestones, newest first, from git.

use super::args::{formats, Format, TABLE_OR_JSON};
use super::{Context, Outcome};
use crate::git::{Bound, Commit, Repo};
use crate::output::trail::{self, Column};
use crate::trail::Entry;
use anyhow::{bail, Result};
use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use std::cell::RefCell;
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
struct Report<'a, C: Serialize> {
    shallow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detached: Option<&'a str>,
    warnings: &'a [String],
    commits: C,
}

/// A commit as `--format json` writes it (as `CommitChanges` is written), with the entries that
/// `keep` keeps, each written as it is read.
struct Shown<'a> {
    commit: Commit,
    keep: &'a dyn Fn(&Entry) -> bool,
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut fields = s.serialize_struct("CommitChanges", 2)?;
        fields.serialize_field("commit", &Some(&self.commit.info))?;
        fields.serialize_field("entries", &Kept(self))?;
        fields.end()
    }
}

struct Kept<'s, 'a>(&'s Shown<'a>);

impl Serialize for Kept<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut failed = None;
        let read = self.0.commit.each(&mut |e| {
            if (self.0.keep)(e) {
                if let Err(err) = seq.serialize_element(e) {
                    failed = Some(err);
                    anyhow::bail!("stopped");
                }
            }
            Ok(())
        });
        match (failed, read) {
            (Some(err), _) => Err(err),
            (None, Err(e)) => Err(S::Error::custom(format!("{e:#}"))),
            (None, Ok(())) => seq.end(),
        }
    }
}

/// Run `oslog log`. The commits are written as they are read back from the history, never held
/// all at once.
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
    let in_range = |c: &Commit| {
        let date = c.info.date;
        after.is_none_or(|a| date >= a) && before.is_none_or(|b| date <= b)
    };
    // A theme no entry has is a typo unless themes.yaml has it; one only the history has is not.
    if let Some(theme) = &args.theme {
        let unknown = crate::write::themes(&root)
            .ok()
            .and_then(|t| t.unknown(theme));
        if let Some(message) = unknown {
            let mut seen = false;
            for c in repo.walk(tip, stop)? {
                let c = c?;
                if in_range(&c) {
                    c.each(&mut |e| {
                        seen |= e.theme.as_ref() == Some(theme);
                        Ok(())
                    })?;
                }
            }
            if !seen {
                bail!("{message}");
            }
        }
    }
    let keep = |e: &Entry| {
        args.theme
            .as_ref()
            .is_none_or(|t| e.theme.as_ref() == Some(t))
            && args.field.as_ref().is_none_or(|f| e.touches(f))
    };
    // Each commit is read twice: for the width of its names and whether it keeps any entry, then
    // to write it.
    let fit = |c: &Commit| -> Result<Option<Column>> {
        let (mut column, mut any) = (Column::default(), false);
        c.each(&mut |e| {
            if keep(e) {
                column.fit(e);
                any = true;
            }
            Ok(())
        })?;
        Ok(any.then_some(column))
    };
    let commits = repo.walk(tip, stop)?.filter_map(|c| {
        let c = match c {
            Ok(c) if in_range(&c) => c,
            Ok(_) => return None,
            Err(e) => return Some(Err(e)),
        };
        fit(&c)
            .map(|column| column.map(|column| (c, column)))
            .transpose()
    });
    let warnings = repo.warnings();
    match args.format {
        Format::Json => {
            let failed = RefCell::new(None);
            let shown = commits.map(|c| {
                c.map(|(commit, _)| Shown {
                    commit,
                    keep: &keep,
                })
            });
            let report = Report {
                shallow: repo.shallow(),
                detached: repo.detached.as_deref(),
                warnings: &warnings,
                commits: crate::output::json::Each::new(shown, &failed),
            };
            let written = crate::output::json::write(out, &report);
            if let Some(e) = failed.take() {
                return Err(e);
            }
            written?;
        }
        _ => {
            crate::output::trail::warnings(out, &warnings, ctx.paint)?;
            let mut any = false;
            for c in commits {
                let (c, column) = c?;
                if any {
                    writeln!(out)?;
                }
                trail::commit_head(out, Some(&c.info), ctx.screen())?;
                c.each(&mut |e| {
                    if keep(e) {
                        trail::entry(out, e, column, true, ctx.screen())?;
                    }
                    Ok(())
                })?;
                any = true;
            }
            if !any {
                writeln!(out, "no changes")?;
            }
        }
    }
    Ok(Outcome::Success)
}
