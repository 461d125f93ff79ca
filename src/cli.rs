//! The command line's global options: the folder to run in, the day, colour, the caches and
//! verbosity, around
//! the subcommand `C` (`commands::Command`). Each subcommand's arguments live beside its handler in
//! `commands/`; this file knows none of them.
//!
//! A global option goes before the subcommand or after it, and means the same in both places; but
//! each command takes only the global options it honours (`--today` means nothing to `history`),
//! lists them in its `--help` under their own heading, and refuses the others. So they are not
//! clap's `global` arguments, which every subcommand would take: the caller says which command
//! honours which ([`Globals`]), and [`command`] adds those to each subcommand.

use crate::model::LogDate;
use chrono::NaiveDate;
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
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

The log root is the nearest folder, from the current one upwards, that holds themes.yaml. The
global options go before or after the subcommand; each command's --help lists those it takes.";

/// The heading of the global options in every `--help`.
const GLOBAL: &str = "Global options";

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

// `-C DIR`. (Not a doc comment: clap would make it the about of each command it joins.)
#[derive(Debug, Default, Args)]
pub struct Dir {
    /// Run as if started in DIR (the log root is found from there upwards).
    #[arg(short = 'C', long = "dir", value_name = "DIR", help_heading = GLOBAL)]
    pub dir: Option<PathBuf>,
}

// `--today`. (Not a doc comment: clap would make it the about of each command it joins.)
#[derive(Debug, Default, Args)]
pub struct Today {
    /// Evaluate dates (overdue, upcoming) as of this day instead of today; the writing commands
    /// refuse dates after it. The variable OSLOG_TODAY sets it too.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = LogDate::parse_day, help_heading = GLOBAL)]
    pub today: Option<NaiveDate>,
}

// `--color`. (Not a doc comment: clap would make it the about of each command it joins.)
#[derive(Debug, Default, Args)]
pub struct Colour {
    /// When to use colour: auto (the default: on a terminal, unless NO_COLOR is set or CLICOLOR=0;
    /// CLICOLOR_FORCE forces it), always or never.
    #[arg(long, value_enum, value_name = "WHEN", help_heading = GLOBAL, hide_possible_values = true)]
    pub color: Option<ColorWhen>,
}

// `--no-cache`. (Not a doc comment: clap would make it the about of each command it joins.)
#[derive(Debug, Default, Args)]
pub struct NoCache {
    /// Neither read nor write oslog's caches: the index of the log's records and the history cache
    /// (as OSLOG_NO_CACHE does). Answers are the same either way; only speed differs.
    #[arg(long, help_heading = GLOBAL)]
    pub no_cache: bool,
}

// `-v`. (Not a doc comment: clap would make it the about of each command it joins.)
#[derive(Debug, Default, Args)]
pub struct Verbose {
    /// Show the causes of an error.
    #[arg(short, long, help_heading = GLOBAL)]
    pub verbose: bool,
}

/// The global options as given: before the subcommand, and after it where the command takes them.
#[derive(Debug, Default, Args)]
pub struct Global {
    #[command(flatten)]
    pub dir: Dir,
    #[command(flatten)]
    pub today: Today,
    #[command(flatten)]
    pub colour: Colour,
    #[command(flatten)]
    pub no_cache: NoCache,
    #[command(flatten)]
    pub verbose: Verbose,
}

/// One global option, as a command declares that it honours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    Dir,
    Today,
    Colour,
    NoCache,
    Verbose,
}

impl Opt {
    /// The option as the user types it.
    fn flag(self) -> &'static str {
        match self {
            Opt::Dir => "-C/--dir",
            Opt::Today => "--today",
            Opt::Colour => "--color",
            Opt::NoCache => "--no-cache",
            Opt::Verbose => "--verbose",
        }
    }

    fn augment(self, cmd: clap::Command) -> clap::Command {
        match self {
            Opt::Dir => Dir::augment_args(cmd),
            Opt::Today => Today::augment_args(cmd),
            Opt::Colour => Colour::augment_args(cmd),
            Opt::NoCache => NoCache::augment_args(cmd),
            Opt::Verbose => Verbose::augment_args(cmd),
        }
    }
}

/// The global options each subcommand honours, by the subcommand's name (the same for the
/// subcommands under it, such as `report monthly`).
pub type Globals = fn(&str) -> &'static [Opt];

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set or CLICOLOR=0 (CLICOLOR_FORCE forces it).
    Auto,
    Always,
    Never,
}

/// The whole command line: `Cli<C>` with each subcommand given the global options it honours.
pub fn command<C: Subcommand>(globals: Globals) -> clap::Command {
    let cmd = <Cli<C> as clap::CommandFactory>::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| with_options(sub, globals(name)))
    })
}

/// `cmd` and every subcommand under it, taking `opts`.
fn with_options(cmd: clap::Command, opts: &[Opt]) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let cmd = names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| with_options(sub, opts))
    });
    opts.iter().fold(cmd, |cmd, o| o.augment(cmd))
}

/// Parse `args` (the program's name first): the global options given anywhere are gathered into
/// `global`, the last given winning; one given before a subcommand that does not honour it is
/// refused as clap refuses an unknown argument.
pub fn parse_from<C: Subcommand>(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    globals: Globals,
) -> Result<Cli<C>, clap::Error> {
    let mut cmd = command::<C>(globals);
    let matches = cmd.try_get_matches_from_mut(args)?;
    let mut cli = Cli::<C>::from_arg_matches(&matches)?;
    let Some((name, mut sub)) = matches.subcommand() else {
        return Ok(cli);
    };
    let honoured = globals(name);
    let top = &cli.global;
    let given_before = [
        (Opt::Dir, top.dir.dir.is_some()),
        (Opt::Today, top.today.today.is_some()),
        (Opt::Colour, top.colour.color.is_some()),
        (Opt::NoCache, top.no_cache.no_cache),
        (Opt::Verbose, top.verbose.verbose),
    ];
    if let Some((o, _)) = given_before
        .iter()
        .find(|(o, given)| *given && !honoured.contains(o))
    {
        return Err(cmd.error(
            clap::error::ErrorKind::ArgumentConflict,
            format!("{} does not apply to `oslog {name}`", o.flag()),
        ));
    }
    loop {
        cli.global.take(sub, honoured)?;
        match sub.subcommand() {
            Some((_, deeper)) => sub = deeper,
            None => break,
        }
    }
    if honoured.contains(&Opt::Today) && cli.global.today.today.is_none() {
        cli.global.today.today =
            today_from_env().map_err(|e| cmd.error(clap::error::ErrorKind::ValueValidation, e))?;
    }
    Ok(cli)
}

impl Global {
    /// Take the options `opts` given in `m` (a subcommand's matches), over those given before.
    fn take(&mut self, m: &ArgMatches, opts: &[Opt]) -> Result<(), clap::Error> {
        for o in opts {
            match o {
                Opt::Dir => {
                    let d = Dir::from_arg_matches(m)?;
                    self.dir.dir = d.dir.or(self.dir.dir.take());
                }
                Opt::Today => {
                    let t = Today::from_arg_matches(m)?;
                    self.today.today = t.today.or(self.today.today);
                }
                Opt::Colour => {
                    let c = Colour::from_arg_matches(m)?;
                    self.colour.color = c.color.or(self.colour.color);
                }
                Opt::NoCache => self.no_cache.no_cache |= NoCache::from_arg_matches(m)?.no_cache,
                Opt::Verbose => self.verbose.verbose |= Verbose::from_arg_matches(m)?.verbose,
            }
        }
        Ok(())
    }
}

/// A clap error as oslog writes every error: `oslog: error: …` on the first line.
pub fn error_text(e: &clap::Error) -> String {
    let text = e.render().to_string();
    match text.strip_prefix("error: ") {
        Some(rest) => format!("oslog: error: {rest}"),
        None => text,
    }
}

/// The day `OSLOG_TODAY` names, for a command that honours `--today` and was not given it; when it
/// is not a day, an error that names the variable.
fn today_from_env() -> Result<Option<NaiveDate>, String> {
    match std::env::var_os("OSLOG_TODAY").filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => {
            let v = v.to_string_lossy();
            LogDate::parse_day(&v).map(Some).map_err(|_| {
                format!(
                    "OSLOG_TODAY: `{}` is not a day of the form YYYY-MM-DD",
                    crate::output::printable(&v)
                )
            })
        }
    }
}
