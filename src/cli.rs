//! The command line: global options and the subcommands. Each subcommand's arguments live beside its
//! handler in `commands/`; this file only assembles them.

use crate::commands;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  oslog init forum-log
  oslog status
  oslog validate --strict
  oslog -C path/to/log fmt --check

Exit codes:
  0  success; for validate and fmt --check, nothing to report
  1  findings that fail (validate, fmt --check); with --strict, a reading command that leaves
     out a record file that does not load
  2  could not run: no log root, an I/O error, bad arguments, or a refused change (nothing is written)

The log root is the nearest folder, from the current one upwards, that holds themes.yaml.";

/// Keep a forum's action log as plain YAML files in git: validate, query and report on it.
#[derive(Debug, Parser)]
#[command(name = "oslog", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// Run as if started in DIR (the log root is found from there upwards).
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Evaluate dates (overdue, upcoming) as of this day instead of today; the writing commands
    /// refuse dates after it.
    #[arg(long, global = true, env = "OSLOG_TODAY", value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub today: Option<chrono::NaiveDate>,

    /// Read the log as it was at this commit, or at the last commit on or before this day, from git
    /// objects without a checkout (for status, list, show, timeline and report actions; dates are then evaluated as
    /// of that commit's day unless --today is given).
    #[arg(long, global = true, value_name = "DATE|REV")]
    pub as_of: Option<String>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Show more context on errors.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    Auto,
    Always,
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Validate(commands::validate::Args),
    Fmt(commands::fmt::Args),
    Status(commands::status::Args),
    Add(commands::add::Args),
    Update(commands::update::Args),
    Edit(commands::edit::Args),
    Show(commands::show::Args),
    List(commands::list::Args),
    Milestone(commands::milestone::Args),
    Timeline(commands::timeline::Args),
    Schema(commands::schema::Args),
    Hooks(commands::hooks::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
    History(commands::history::Args),
    Log(commands::log::Args),
    Diff(commands::diff::Args),
    Slips(commands::slips::Args),
    Renumber(commands::renumber::Args),
    Recover(commands::recover::Args),
    MergeDriver(commands::merge_driver::Args),
    Report(commands::report::Args),
}

/// Parse a day (`YYYY-MM-DD`) given on the command line.
pub fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| format!("`{s}` is not a day of the form YYYY-MM-DD"))
}

/// Parse a log date (`YYYY-MM` or `YYYY-MM-DD`) given on the command line.
pub fn parse_date(s: &str) -> Result<crate::model::LogDate, String> {
    crate::model::LogDate::parse(s).map_err(|e| match e.hint {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message,
    })
}

/// Parse a deadline (a date or `monthly`) given on the command line.
pub fn parse_deadline(s: &str) -> Result<crate::model::Deadline, String> {
    crate::model::Deadline::parse(s).map_err(|e| match e.hint {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message,
    })
}

/// Parse an action status, accepting the words people use for one ("in progress", "done").
pub fn parse_status(s: &str) -> Result<crate::model::Status, String> {
    use crate::model::Status;
    Status::parse(s)
        .or_else(|| Status::from_alias(s))
        .ok_or_else(|| format!("`{s}` is not a status; use one of {}", Status::choices()))
}
