//! The command line's global options: the folder to run in, the day, colour and verbosity, around
//! the subcommand `C` (`commands::Command`). Each subcommand's arguments live beside its handler in
//! `commands/`; this file knows none of them.

use crate::model::LogDate;
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

/// The version and the commit it was built from (`build.rs`), for `oslog --version`.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("OSLOG_COMMIT"), ")");

/// Keep a forum's action log as plain YAML files in git: validate, query and report on it.
#[derive(Debug, Parser)]
#[command(name = "oslog", version = VERSION, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli<C: Subcommand> {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: C,
}

/// The options every subcommand takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Run as if started in DIR (the log root is found from there upwards).
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Evaluate dates (overdue, upcoming) as of this day instead of today; the writing commands
    /// refuse dates after it.
    #[arg(long, global = true, env = "OSLOG_TODAY", value_name = "YYYY-MM-DD", value_parser = LogDate::parse_day)]
    pub today: Option<chrono::NaiveDate>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Neither read nor write oslog's caches: the index of the log's records and the history cache
    /// (as OSLOG_NO_CACHE does). Answers are the same either way; only speed differs.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Show more context on errors.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set or CLICOLOR=0 (CLICOLOR_FORCE forces it).
    Auto,
    Always,
    Never,
}
