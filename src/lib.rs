//! oslog keeps a forum's action log as plain YAML files in git: one file per action
//! (`actions/NNN.yaml`) and per timeline milestone (`timeline/<date>-<slug>.yaml`), with the themes in
//! `themes.yaml`. This crate is the library behind the `oslog` binary.
//!
//! # Crate map
//!
//! A feature has its domain folder, its renderer in `output/` and its command in `commands/`; the
//! domain folders are named after the README's sections. From the bottom up, each layer imports only
//! those below it, and nothing below `output/` prints:
//!
//! - `diag`: findings as data, each with a stable kebab-case code.
//! - `model/`: actions, milestones, themes, dates, statuses, the lifecycle: pure types and rules.
//! - `store/`: the log on disk: the root, reading under limits, YAML, decoding, the canonical layout,
//!   atomic writes, the journal of writes of several files, the lock, the index of the records.
//! - `trail/`: the audit trail as data: what each commit changed, record by record, field by field
//!   and word by word, and the slips read from it. Pure; `git/` fills it.
//! - `git/`: the only module that talks to git: records at a commit or in the index, the history
//!   walked into trail entries (and cached, and passed over where git's commit-graph filters rule a
//!   commit out), commits.
//! - `validate/`: everything `oslog validate` checks: rules across records, collisions with a base.
//! - `report/`: answers and reports as data: the dashboard, the filters, what refers to an action
//!   and the page `show N` prints, the action log, the monthly update and digest, the annual report,
//!   the pages of the website.
//! - `write/`: every change to the files, one way: lock, load, change, check (one refusal rule),
//!   write, commit; renumbering and the merge driver's merge of a record.
//! - `output/`: renderers: diagnostics, tables, the trail as text, reports in Markdown, HTML and
//!   Word, the website with its Atom feed and calendar, commit messages, the one JSON writer and the
//!   one Markdown escaper.
//! - `commands/`: one file per subcommand, the context they run in (`--as-of` resolved once into a
//!   snapshot, colour chosen once) and the arguments they share; `cli` holds the global options.
//!
//! `docs/architecture.md` draws the layers and follows one read (`oslog list`) and one write
//! (`oslog status N STATUS --commit`) through them.

pub mod cli;
pub mod commands;
pub mod diag;
pub mod git;
pub mod model;
pub mod output;
pub mod report;
pub mod store;
pub mod trail;
pub mod validate;
pub mod write;

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static PIPE_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether standard output was closed by its reader (`oslog list | head`). The error that follows
/// may be wrapped by any serializer, so the writer records it here and the binary ends quietly.
pub fn stdout_closed() -> bool {
    PIPE_CLOSED.load(Ordering::SeqCst)
}

/// Standard output that notes a broken pipe before passing the error on.
struct Stdout<W: Write>(W);

impl<W: Write> Stdout<W> {
    fn note<T>(r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                PIPE_CLOSED.store(true, Ordering::SeqCst);
            }
        }
        r
    }
}

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Self::note(self.0.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Self::note(self.0.flush())
    }
}

/// The command line: the global options around a subcommand.
pub type CommandLine = cli::Cli<commands::Command>;

/// The command line's definition, each subcommand with the global options it honours: what
/// `--help`, the completions and the man pages describe.
pub fn command() -> clap::Command {
    cli::command::<commands::Command>(commands::globals)
}

/// Parse the command line (the program's name first).
pub fn parse(
    args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
) -> Result<CommandLine, clap::Error> {
    cli::parse_from(args, commands::globals)
}

/// Answer a command line that did not parse: help and the version on stdout (exit 0), anything
/// else as an error in oslog's form on stderr (exit 2).
pub fn usage_error(e: &clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    let code = std::process::ExitCode::from(e.exit_code() as u8);
    if let ErrorKind::DisplayHelp
    | ErrorKind::DisplayVersion
    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand = e.kind()
    {
        // clap colours help as it colours everything: only on a terminal. A reader that closed
        // the pipe (`oslog --help | head -1`) is no error.
        let _ = e.print();
        return code;
    }
    let mut err = std::io::stderr();
    let _ = err.write_all(cli::error_text(e).as_bytes());
    code
}

/// The process exit code for a run.
pub fn run(cli: CommandLine) -> anyhow::Result<commands::Outcome> {
    if cli.global.no_cache.no_cache {
        // Read by every cache where it decides whether to be used; set before any thread starts.
        std::env::set_var("OSLOG_NO_CACHE", "1");
    }
    let stdout = std::io::stdout();
    let ctx = commands::Context::new(
        &cli.global,
        stdout.is_terminal(),
        std::io::stderr().is_terminal(),
    )?;
    let mut out = std::io::BufWriter::new(Stdout(stdout.lock()));
    let outcome = commands::dispatch(cli.command, &ctx, &mut out)?;
    out.flush()?;
    Ok(outcome)
}
