//! `oslog man`: the roff man page, generated from the command line's own definition by clap_mangen,
//! so it says what `--help` says.

use super::{Context, Outcome};
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

/// Print the man page (roff), for `man 1 oslog`.
///
/// The page covers the global options and lists the subcommands; each subcommand's `--help`
/// has its details.
///
/// Examples:
///   oslog man > ~/.local/share/man/man1/oslog.1
///   oslog man | man -l -
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

/// Run `oslog man`.
pub fn run(_args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    clap_mangen::Man::new(crate::cli::Cli::command()).render(out)?;
    Ok(Outcome::Success)
}
