//! `oslog edit`: change an action's fields other than its status and updates.

use super::args::parse_number;
use super::{Context, Outcome};
use crate::model::{lifecycle, Action, Deadline, LogDate};
use crate::write;
use anyhow::{bail, Result};
use std::io::Write;

/// Change the title, theme, owner, deadline, links or merged_into of action N.
///
/// A deadline change also appends a dated update ("Deadline moved from 2019-07 to 2019-09"), so that
/// slippage is visible in the file itself. The result must leave the log valid (the theme exists, the
/// links resolve, no merge cycle); otherwise nothing is written and oslog exits 2.
///
/// Examples:
///   oslog edit 16 --deadline 2019-09
///   oslog edit 16 --owner "HO Data team" --link 21 --unlink 24
///   oslog edit 16 --theme governance --commit
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The action.
    #[arg(value_name = "N", value_parser = parse_number)]
    pub id: u32,
    /// A new title.
    #[arg(long)]
    pub title: Option<String>,
    /// A new theme key.
    #[arg(long)]
    pub theme: Option<String>,
    /// A new owner; an empty string removes it.
    #[arg(long)]
    pub owner: Option<String>,
    /// A new deadline: YYYY-MM, YYYY-MM-DD or `monthly`.
    #[arg(long, value_parser = Deadline::parse, value_name = "DATE")]
    pub deadline: Option<Deadline>,
    /// Add a related action (repeatable, or comma-separated: 21,24).
    #[arg(long = "link", value_name = "N", value_delimiter = ',', value_parser = parse_number)]
    pub link: Vec<u32>,
    /// Remove a related action (repeatable, or comma-separated).
    #[arg(long = "unlink", value_name = "N", value_delimiter = ',', value_parser = parse_number)]
    pub unlink: Vec<u32>,
    /// Add an action this one continues under (repeatable, or comma-separated).
    #[arg(long, value_name = "N", value_delimiter = ',', value_parser = parse_number)]
    pub merged_into: Vec<u32>,
    /// Commit the changed file with git.
    #[arg(long)]
    pub commit: bool,
}

/// Run `oslog edit`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let today = LogDate::from_day(ctx.today);
    let id = args.id;
    let mut changed = Vec::new();
    let (_, written) = write::action(
        &ctx.lock(&root)?,
        id,
        ctx.commit(args.commit),
        |log, current| {
            let next = edited(current, &args, today, &mut changed)?;
            if changed.is_empty() {
                bail!("nothing to change: action {id} already has these values");
            }
            if let Some(message) = args
                .theme
                .as_deref()
                .and_then(|t| log.themes.as_ref()?.value.unknown(t))
            {
                bail!("{message}");
            }
            Ok(next)
        },
    )?;
    ctx.written(
        out,
        &root,
        &format!("action {id}: changed {}", changed.join(", ")),
        &written,
    )
}

/// The action with the requested fields changed; `changed` receives the names of the fields that
/// really changed.
fn edited(
    current: &Action,
    args: &Args,
    today: LogDate,
    changed: &mut Vec<&'static str>,
) -> Result<Action> {
    let mut a = current.clone();
    if let Some(t) = &args.title {
        if crate::model::text::is_blank(t) {
            bail!("--title: the title is empty, or shows nothing");
        }
        a.title = t.trim().to_string();
    }
    if let Some(t) = &args.theme {
        a.theme = t.clone();
    }
    if let Some(o) = &args.owner {
        a.owner = Some(o.trim().to_string()).filter(|o| !o.is_empty());
    }
    if let Some(d) = args.deadline {
        a.deadline = Some(d);
        if let Some(text) = lifecycle::deadline_moved(current.deadline, d) {
            a.insert_update(crate::model::Update {
                date: Some(today),
                text,
            });
        }
    }
    for n in &args.unlink {
        if !a.links.contains(n) {
            bail!("--unlink {n}: action {} does not link to {n}", a.id);
        }
        a.links.retain(|l| l != n);
    }
    for n in &args.link {
        if !a.links.contains(n) {
            a.links.push(*n);
        }
    }
    for n in &args.merged_into {
        if !a.merged_into.contains(n) {
            a.merged_into.push(*n);
        }
    }
    let fields: [(&'static str, bool); 6] = [
        ("title", a.title != current.title),
        ("theme", a.theme != current.theme),
        ("owner", a.owner != current.owner),
        ("deadline", a.deadline != current.deadline),
        ("links", a.links != current.links),
        ("merged_into", a.merged_into != current.merged_into),
    ];
    changed.extend(fields.iter().filter(|(_, c)| *c).map(|(n, _)| *n));
    Ok(a)
}
