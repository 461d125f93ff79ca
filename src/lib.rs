//! oslog keeps a forum's action log as plain YAML files in git: one file per action
//! (`actions/NNN.yaml`) and per timeline milestone (`timeline/<date>-<slug>.yaml`), with the themes in
//! `themes.yaml`. This crate is the library behind the `oslog` binary.
//!
//! Layout: `model` holds the domain types and pure rules; `store` reads and writes files (and is the
//! only place that knows YAML); `rules` checks a loaded log; `diag` defines findings; `output` renders;
//! `cli` and `commands` are the command line. Domain code never prints.

pub mod change;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod git;
pub mod history;
pub mod model;
pub mod output;
pub mod query;
pub mod report;
pub mod rules;
pub mod store;

use std::io::{IsTerminal, Write};

/// The process exit code for a run.
pub fn run(cli: cli::Cli) -> anyhow::Result<commands::Outcome> {
    let stdout = std::io::stdout();
    let ctx = commands::Context::new(&cli, stdout.is_terminal())?;
    let mut out = std::io::BufWriter::new(stdout.lock());
    let outcome = commands::dispatch(cli, &ctx, &mut out)?;
    out.flush()?;
    Ok(outcome)
}
