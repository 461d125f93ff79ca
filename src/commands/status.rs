//! `oslog status`: with no arguments, the dashboard of the log as of today (or `--today`); with an
//! action number and a status, a move along the action's lifecycle.

use super::args::{formats, Format, TABLE_OR_JSON};
use super::args::{parse_number, parse_status, AsOf};
use super::{Context, Outcome};
use crate::model::lifecycle::{self, Move};
use crate::model::{LogDate, Status};
use crate::write;
use anyhow::{bail, Result};
use std::io::Write;

/// Show the dashboard, or move action N to STATUS.
///
/// With no arguments: counts by theme and status, overdue actions, actions proposed complete and
/// awaiting sign-off, open actions with no update for 8 weeks, and milestones due in the next 90
/// days. Each list of actions shows its first 10, then how many more there are and the `oslog list`
/// that lists them all; --all shows every one (JSON always has them all). A record file that does
/// not load is left out of the figures, with a warning on stderr naming it (and in JSON,
/// `left_out`); run `oslog validate` to see why. --strict makes that exit 1.
///
/// With N STATUS: not-started → ongoing → proposed-complete → complete, or closed. Moving to complete
/// needs --signed-off DATE; moving back from complete or closed needs --reopen and --note; closing
/// needs --merged-into, --duplicate-of or --note. Each move adds a dated update, in date order. An
/// illegal move, a --date or --signed-off after today, or a sign-off before the action was raised is
/// refused (exit 2), and nothing is written.
///
/// With several numbers (N N... STATUS), each action makes the same move: every move is checked
/// before any file is written, so one refusal leaves them all as they were, and --commit makes one
/// commit of them all.
///
/// Examples:
///   oslog status
///   oslog status --today 2019-07-01
///   oslog status --format json
///   oslog status 16 proposed-complete --note "Paper circulated."
///   oslog status 16 complete --signed-off 2019-09-10 --commit
///   oslog status 109 110 126 complete --signed-off 2019-07-10 --commit
///   oslog status 98 closed --duplicate-of 16
///   oslog status 16 ongoing --reopen --note "Sign-off was recorded in error."
///   oslog status --as-of 2019-06-30
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The actions to move (one or more numbers), then the new status: not-started, ongoing,
    /// proposed-complete, complete or closed.
    #[arg(value_name = "N... STATUS")]
    pub words: Vec<String>,
    /// Why: added to the appended update.
    #[arg(long)]
    pub note: Option<String>,
    /// The date of the appended update (default: today; not after today). It goes in date order
    /// among the action's updates.
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub date: Option<LogDate>,
    /// The meeting at which members signed completion off (needed for complete): not after today,
    /// nor before the action was raised.
    #[arg(long, value_parser = LogDate::parse, value_name = "DATE")]
    pub signed_off: Option<LogDate>,
    /// Move an action back from complete or closed (needs --note).
    #[arg(long)]
    pub reopen: bool,
    /// Close as merged into action N (repeatable, or comma-separated: 116,117).
    #[arg(long, value_name = "N", value_delimiter = ',', value_parser = parse_number)]
    pub merged_into: Vec<u32>,
    /// Close as a duplicate of action N.
    #[arg(long, value_name = "N", value_parser = parse_number)]
    pub duplicate_of: Option<u32>,
    /// Commit the changed file with git.
    #[arg(long)]
    pub commit: bool,
    /// Output format of the dashboard.
    #[arg(long, default_value = "table", value_parser = formats(TABLE_OR_JSON))]
    pub format: Format,
    /// Exit 1 when a record file does not load and is left out of the dashboard.
    #[arg(long)]
    pub strict: bool,
    /// Show every action in each list of the dashboard, not only the first 10.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub as_of: AsOf,
}

/// How many actions each list of the dashboard shows without --all: a dashboard is read at a glance,
/// and `oslog list` gives the rest.
const DASHBOARD_ROWS: usize = 10;

/// The dashboard as JSON: its figures, and the record files left out of them.
#[derive(serde::Serialize)]
struct DashboardJson<'a> {
    #[serde(flatten)]
    dashboard: &'a crate::report::Dashboard,
    left_out: &'a [crate::store::LeftOut],
}

/// Run `oslog status`: the dashboard, or a move when a number is given.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    if args.words.is_empty() {
        return dashboard(args, ctx, out);
    }
    let (ids, to) = targets(&args.words)?;
    move_actions(&ids, to, args, ctx, out)
}

/// The actions and the status of `oslog status N... STATUS`: numbers, then one status last. A
/// number named twice moves once.
fn targets(words: &[String]) -> Result<(Vec<u32>, Status)> {
    let (last, numbers) = words.split_last().expect("called with words");
    let mut ids = Vec::new();
    for w in numbers {
        let id = parse_number(w).map_err(anyhow::Error::msg)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        // One word: a number with no status, or a status with no number.
        match parse_number(last) {
            Ok(id) => bail!(
                "give the new status of action {id}: oslog status {id} STATUS (one of {})",
                Status::choices()
            ),
            Err(_) if parse_status(last).is_ok() => {
                bail!("give the actions to move: oslog status N... {last}")
            }
            Err(e) => bail!("{e}"),
        }
    }
    let to = match parse_status(last) {
        Ok(to) => to,
        Err(_) if parse_number(last).is_ok() => bail!(
            "give the new status last: oslog status {} STATUS (one of {})",
            words.join(" "),
            Status::choices()
        ),
        Err(e) => bail!("{e}"),
    };
    Ok((ids, to))
}

fn move_actions(
    ids: &[u32],
    to: Status,
    args: Args,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<Outcome> {
    if args.strict || args.all {
        bail!("--strict and --all apply to the dashboard (oslog status --strict), not to a move");
    }
    if args.as_of.as_of.is_some() {
        bail!("--as-of applies to the dashboard (oslog status --as-of DATE|REV), not to a move");
    }
    ctx.not_after_today("--date", args.date)?;
    ctx.not_after_today("--signed-off", args.signed_off)?;
    let root = ctx.root()?;
    let request = Move {
        to: Some(to),
        note: args.note,
        date: args.date,
        signed_off: args.signed_off,
        reopen: args.reopen,
        merged_into: args.merged_into,
        duplicate_of: args.duplicate_of,
    };
    let today = LogDate::from_day(ctx.today);
    let mut from = Vec::new();
    let (_, files, committed) = write::actions(
        &ctx.lock(&root)?,
        ids,
        ctx.commit(args.commit),
        |_, current| {
            from.push(current.status);
            Ok(lifecycle::apply(current, &request, today)?)
        },
    )?;
    let prefix = ctx.display_prefix(&root);
    for ((id, from), file) in ids.iter().zip(&from).zip(&files) {
        writeln!(
            out,
            "action {id}: {from} → {to} ({})",
            prefix.join(file).display()
        )?;
    }
    if let Some(c) = &committed {
        crate::output::committed(out, c)?;
    }
    Ok(Outcome::Success)
}

fn dashboard(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let moving = args.note.is_some()
        || args.date.is_some()
        || args.signed_off.is_some()
        || args.reopen
        || !args.merged_into.is_empty()
        || args.duplicate_of.is_some()
        || args.commit;
    if moving {
        bail!("--note, --date, --signed-off, --reopen, --merged-into, --duplicate-of and --commit need an action: oslog status N STATUS");
    }
    let snap = ctx.snapshot(&args.as_of)?;
    let log = ctx.load(&snap)?;
    let outcome = ctx.warn_left_out(&log, args.strict)?;
    let (themes, actions, milestones) = log.records();
    let dash = crate::report::dashboard(&themes, &actions, &milestones, snap.today);
    match args.format {
        Format::Json => {
            let json = DashboardJson {
                dashboard: &dash,
                left_out: &log.left_out,
            };
            crate::output::json::write(out, &json)?;
        }
        _ => crate::output::table::dashboard(
            out,
            &dash,
            ctx.paint,
            ctx.table_width,
            (!args.all).then_some(DASHBOARD_ROWS),
        )?,
    }
    Ok(outcome)
}
