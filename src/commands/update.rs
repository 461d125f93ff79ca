//! `oslog update`: add a progress update to an action, in date order, or correct or remove one.

use super::{Context, Outcome};
use crate::model::{Action, LogDate, Update};
use crate::write;
use anyhow::{bail, Result};
use std::io::Write;

/// Add a dated progress update to action N, or correct or remove one of its updates.
///
/// The date defaults to today and may not be after it. The update goes in date order: before the
/// first update dated after it, otherwise last; undated updates keep their places.
///
/// Updates are numbered 1, 2, … in the order of the file (oldest first, undated ones included), as
/// `oslog show N` numbers them. --amend K corrects update K: its text (TEXT), its date (--date), or
/// both; a new date moves it to its place in date order. --remove K takes update K out. The audit
/// trail (history, log, diff) shows a corrected or removed update and flags it.
///
/// Examples:
///   oslog update 16 "Draft paper shared with members."
///   oslog update 16 "Discussed at workshop 6." --date 2019-07-09 --commit
///   oslog update 16 --amend 3 "Discussed at workshop 5." --date 2019-05-14
///   oslog update 16 --remove 4 --commit
///   oslog update 16 - < minutes-note.txt
///   oslog update 16 --edit
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The action.
    #[arg(value_name = "N", value_parser = super::args::parse_number)]
    pub id: u32,
    /// The update's text (with --amend, its new text); `-` reads it from standard input.
    #[arg(value_name = "TEXT", required_unless_present_any = ["amend", "remove", "edit"])]
    pub text: Option<String>,
    /// The update's date: YYYY-MM or YYYY-MM-DD, not after today (default: today; with --amend, the
    /// new date).
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub date: Option<LogDate>,
    /// Correct update K (numbered as `oslog show N` lists them) with TEXT, --date, or both.
    #[arg(long, value_name = "K", conflicts_with = "remove", value_parser = super::args::parse_update_number)]
    pub amend: Option<usize>,
    /// Remove update K (numbered as `oslog show N` lists them).
    #[arg(long, value_name = "K", conflicts_with_all = ["text", "date"], value_parser = super::args::parse_update_number)]
    pub remove: Option<usize>,
    /// Write the text in $VISUAL or $EDITOR, on a template; lines starting with # are left out.
    #[arg(long, conflicts_with_all = ["text", "remove"])]
    pub edit: bool,
    /// Commit the changed file with git.
    #[arg(long)]
    pub commit: bool,
}

/// Run `oslog update`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let text = match args.text.as_deref() {
        Some("-") => Some(super::args::read_stdin("the update's text")?),
        _ if args.edit => Some(super::args::edit_text(&format!(
            "# The update for action {}: write it above these lines; lines starting with # are left out.\n",
            args.id
        ))?),
        t => t.map(str::to_string),
    };
    let text = match text.as_deref().map(str::trim) {
        Some("") => bail!("the update's text is empty"),
        t => t.map(str::to_string),
    };
    ctx.not_after_today("--date", args.date)?;
    let root = ctx.root()?;
    let id = args.id;
    let mut summary = String::new();
    let (_, written) = write::action(
        &ctx.lock(&root)?,
        id,
        ctx.commit(args.commit),
        |_, current| {
            let mut next = current.clone();
            match (args.amend, args.remove) {
                (Some(k), _) => {
                    let i = index_of(current, k)?;
                    let old = &current.updates[i];
                    if text.is_none() && args.date.is_none() {
                        bail!("--amend {k}: give the new TEXT, a new --date, or both");
                    }
                    let new = Update {
                        date: args.date.or(old.date),
                        text: text.unwrap_or_else(|| old.text.clone()),
                    };
                    if new == *old {
                        bail!("nothing to change: update {k} of action {id} already reads so");
                    }
                    let at = if new.date == old.date {
                        next.updates[i] = new.clone();
                        i
                    } else {
                        next.updates.remove(i);
                        next.insert_update(new.clone())
                    };
                    summary = format!("update {k} ({}) amended", date_of(old));
                    if at != i || new.date != old.date {
                        summary.push_str(&format!(": now update {} of {}", at + 1, date_of(&new)));
                    }
                }
                (None, Some(k)) => {
                    let i = index_of(current, k)?;
                    next.updates.remove(i);
                    summary = format!("update {k} ({}) removed", date_of(&current.updates[i]));
                }
                (None, None) => {
                    let date = args.date.unwrap_or(LogDate::from_day(ctx.today));
                    let at = next.insert_update(Update {
                        date: Some(date),
                        text: text.unwrap_or_default(),
                    });
                    summary = format!("update of {date} added");
                    if at + 1 < next.updates.len() {
                        summary.push_str(&format!(" as update {}, in date order", at + 1));
                    }
                }
            }
            Ok(next)
        },
    )?;
    ctx.written(out, &root, &format!("action {id}: {summary}"), &written)
}

/// The position of update `k` (numbered from 1) of `a`, or why there is none.
fn index_of(a: &Action, k: usize) -> Result<usize> {
    let n = a.updates.len();
    match n {
        _ if (1..=n).contains(&k) => Ok(k - 1),
        0 => bail!("action {} has no updates", a.id),
        1 => bail!(
            "action {} has 1 update, number 1 (see `oslog show {}`)",
            a.id,
            a.id
        ),
        _ => bail!(
            "action {} has {n} updates, numbered 1 to {n} (see `oslog show {}`)",
            a.id,
            a.id
        ),
    }
}

fn date_of(u: &Update) -> String {
    u.date
        .map_or_else(|| "undated".to_string(), |d| d.to_string())
}
