//! oslog keeps a forum's action log as plain YAML files in git: one file per action
//! (`actions/NNN.yaml`) and per timeline milestone (`timeline/<date>-<slug>.yaml`), with the themes in
//! `themes.yaml`. This crate is the library behind the `oslog` binary.
//!
//! Layout: `model` holds the domain types and pure rules; `store` reads and writes files (and is the
//! only place that knows YAML); `validate` checks a loaded log; `diag` defines findings; `output` renders;
//! `cli` and `commands` are the command line. Domain code never prints.

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

/// The process exit code for a run.
pub fn run(cli: CommandLine) -> anyhow::Result<commands::Outcome> {
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
