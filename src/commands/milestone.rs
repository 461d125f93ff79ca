//! `oslog milestone`: add a milestone to the timeline, edit it, or change its status.

use super::{Context, Outcome};
use crate::model::{LogDate, Milestone, MilestoneKind, MilestoneStatus};
use crate::write;
use anyhow::{bail, Result};
use std::io::{IsTerminal, Write};

/// Add a milestone to the timeline, or change a milestone's status.
///
/// Examples:
///   oslog milestone add --date 2019-09 --kind report --title "Open Space annual report" --action 16
///   oslog milestone status 2019-09-open-space-annual-report done --commit
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands of `milestone`.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Add a milestone; its id is its date and a slug of its title (or --slug).
    ///
    /// Examples:
    ///   oslog milestone add --date 2019-09 --kind report --title "Open Space annual report" --action 16
    ///   oslog milestone add --date 2019-10-15 --kind workshop --title "Workshop 8" --slug workshop-8
    #[command(verbatim_doc_comment)]
    Add {
        /// YYYY-MM or YYYY-MM-DD.
        #[arg(long, value_parser = LogDate::parse)]
        date: LogDate,
        /// workshop, publication, consultation, report, statistics or parliament.
        #[arg(long)]
        kind: MilestoneKind,
        #[arg(long)]
        title: String,
        /// The text the milestone was taken from, verbatim (such as a row of a published
        /// timetable).
        #[arg(long)]
        description: Option<String>,
        /// The kebab-case part of the id (default: from the title).
        #[arg(long)]
        slug: Option<String>,
        /// Who delivers it.
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        objective: Option<String>,
        /// An action that feeds it (repeatable, or comma-separated: 16,21).
        #[arg(long = "action", value_name = "N", value_delimiter = ',', value_parser = super::args::parse_number)]
        actions: Vec<u32>,
        /// Where the milestone came from: a key of the sources in themes.yaml.
        #[arg(long, value_name = "KEY")]
        source: Option<String>,
        /// Commit the new file with git.
        #[arg(long)]
        commit: bool,
    },
    /// Change a milestone's date, title, owner or linked actions.
    ///
    /// A new date gives the milestone a new id (the date and the same slug), and its file the new
    /// name, in one change.
    ///
    /// Examples:
    ///   oslog milestone edit 2019-09-workshop-7 --date 2019-10 --commit
    ///   oslog milestone edit 2019-09-open-space-annual-report --by Involve --action 141
    #[command(verbatim_doc_comment)]
    Edit {
        id: String,
        /// The new date: YYYY-MM or YYYY-MM-DD.
        #[arg(long, value_parser = LogDate::parse)]
        date: Option<LogDate>,
        #[arg(long)]
        title: Option<String>,
        /// Who delivers it (the owner).
        #[arg(long)]
        by: Option<String>,
        /// Link an action (repeatable, or comma-separated: 16,21).
        #[arg(long = "action", value_name = "N", value_delimiter = ',', value_parser = super::args::parse_number)]
        actions: Vec<u32>,
        /// Unlink an action (repeatable, or comma-separated).
        #[arg(long = "unlink-action", value_name = "N", value_delimiter = ',', value_parser = super::args::parse_number)]
        unlink: Vec<u32>,
        /// Commit the change with git.
        #[arg(long)]
        commit: bool,
    },
    /// Set a milestone's status: planned, done, slipped or cancelled.
    ///
    /// Examples:
    ///   oslog milestone status 2019-09-open-space-annual-report done
    ///   oslog milestone status 2019-07-workshop-6 slipped --date 2019-08 --commit
    #[command(verbatim_doc_comment)]
    Status {
        id: String,
        status: MilestoneStatus,
        /// The new date, needed to set slipped (asked for on a terminal when not given): the
        /// milestone takes it and its new id (as with `milestone edit --date`).
        #[arg(long, value_parser = LogDate::parse)]
        date: Option<LogDate>,
        /// Commit the changed file with git.
        #[arg(long)]
        commit: bool,
    },
}

/// Run `oslog milestone`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    match args.command {
        Sub::Add {
            date,
            kind,
            title,
            description,
            slug,
            by,
            objective,
            actions,
            source,
            commit,
        } => {
            let slug = slug.unwrap_or_else(|| slugify(&title));
            let m = Milestone {
                id: format!("{date}-{slug}"),
                date,
                kind,
                title: title.trim().to_string(),
                description: description.filter(|d| !d.trim().is_empty()),
                by,
                objective,
                status: MilestoneStatus::Planned,
                actions,
                source,
            };
            if crate::model::split_milestone_id(&m.id).is_none() {
                bail!("`{slug}` is not a kebab-case slug; give one with --slug");
            }
            let id = m.id.clone();
            let written = write::create_milestone(&ctx.lock(&root)?, m, ctx.commit(commit))?;
            ctx.written(out, &root, &format!("added milestone {id}"), &written)?;
        }
        Sub::Edit {
            id,
            date,
            title,
            by,
            actions,
            unlink,
            commit,
        } => {
            let (next, written) =
                write::milestone(&ctx.lock(&root)?, &id, ctx.commit(commit), |m| {
                    edit(m, date, title, by, &actions, &unlink)
                })?;
            let what = match next.id == id {
                true => format!("milestone {id}: edited"),
                false => format!("milestone {id}: edited, now {}", next.id),
            };
            ctx.written(out, &root, &what, &written)?;
        }
        Sub::Status {
            id,
            status,
            date,
            commit,
        } => {
            // On a terminal, a milestone that slips asks for its new date rather than refusing.
            let date = match (status, date) {
                (MilestoneStatus::Slipped, None) if std::io::stdin().is_terminal() => {
                    crate::output::prompt::ask(
                        "New date",
                        "YYYY-MM or YYYY-MM-DD",
                        None,
                        LogDate::parse,
                    )?
                }
                (_, date) => date,
            };
            match (status, date) {
                (MilestoneStatus::Slipped, None) => bail!(
                    "a milestone that slips needs its new date: oslog milestone status {id} slipped --date YYYY-MM[-DD]"
                ),
                (MilestoneStatus::Slipped, Some(_)) | (_, None) => {}
                (_, Some(_)) => bail!("--date goes with slipped; to change only the date: oslog milestone edit {id} --date DATE"),
            }
            let mut from = status;
            let (next, written) =
                write::milestone(&ctx.lock(&root)?, &id, ctx.commit(commit), |m| {
                    from = m.status;
                    if m.status == status && date.is_none_or(|d| d == m.date) {
                        bail!("milestone {id} is already {status}");
                    }
                    let mut next = match date {
                        Some(d) if d != m.date => edit(m, Some(d), None, None, &[], &[])?,
                        _ => m.clone(),
                    };
                    next.status = status;
                    Ok(next)
                })?;
            let now = match next.id == id {
                true => String::new(),
                false => format!(", now {} ({})", next.id, next.date.long()),
            };
            ctx.written(
                out,
                &root,
                &format!("milestone {id}: {from} → {status}{now}"),
                &written,
            )?;
        }
    }
    Ok(Outcome::Success)
}

/// `m` with the changes of `milestone edit`; refused when there are none.
fn edit(
    m: &Milestone,
    date: Option<LogDate>,
    title: Option<String>,
    by: Option<String>,
    link: &[u32],
    unlink: &[u32],
) -> Result<Milestone> {
    let mut next = m.clone();
    if let Some(d) = date {
        let Some((_, slug)) = crate::model::split_milestone_id(&m.id) else {
            bail!("milestone {} has an id that is not a date and a slug", m.id);
        };
        next.date = d;
        next.id = format!("{d}-{slug}");
    }
    if let Some(t) = title {
        if t.trim().is_empty() {
            bail!("the title is empty");
        }
        next.title = t.trim().to_string();
    }
    if let Some(b) = by {
        next.by = Some(b.trim().to_string()).filter(|b| !b.is_empty());
    }
    for n in link {
        if !next.actions.contains(n) {
            next.actions.push(*n);
        }
    }
    for n in unlink {
        if !next.actions.contains(n) {
            bail!("milestone {} does not cite action {n}", m.id);
        }
        next.actions.retain(|a| a != n);
    }
    if next == *m {
        bail!("nothing to change: give --date, --title, --by, --action or --unlink-action");
    }
    Ok(next)
}

/// A kebab-case slug of a title: "Open Space annual report" → "open-space-annual-report".
fn slugify(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
