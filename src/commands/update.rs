//! `oslog update`: append a progress update to an action.

use super::{Context, Outcome};
use crate::change::{self, CommitNote};
use crate::cli::parse_date;
use crate::model::{LogDate, Update};
use anyhow::{bail, Result};
use std::io::Write;

/// Append a dated progress update to action N. The date defaults to today.
///
/// Examples:
///   oslog update 16 "Draft paper shared with members."
///   oslog update 16 "Discussed at workshop 6." --date 2019-07-09 --commit
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The action.
    #[arg(value_name = "N")]
    pub id: u32,
    /// The update's text.
    #[arg(value_name = "TEXT")]
    pub text: String,
    /// The update's date: YYYY-MM or YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub date: Option<LogDate>,
    /// Commit the changed file with git.
    #[arg(long)]
    pub commit: bool,
}

/// Run `oslog update`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let text = args.text.trim().to_string();
    if text.is_empty() {
        bail!("the update's text is empty");
    }
    let root = ctx.root()?;
    let date = args.date.unwrap_or(LogDate::from_day(ctx.today));
    let id = args.id;
    let (_, written) = change::action(&ctx.lock(&root)?, id, args.commit, |_, current| {
        let mut next = current.clone();
        next.updates.push(Update {
            date: Some(date),
            text,
        });
        let note = CommitNote {
            subject: format!("Action {id}: update of {date}"),
            trailers: vec![("Oslog-Action", id.to_string())],
        };
        Ok((next, note))
    })?;
    ctx.written(
        out,
        &root,
        &format!("action {id}: update of {date} added"),
        &written,
    )
}
