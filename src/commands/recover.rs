//! `oslog recover`: finish what an interrupted write left behind, on request. Every writing command
//! does the same first on its own; this command is for the moment after a crash, and for the fix
//! that `oslog validate` names (`interrupted-write`).

use super::{Context, Outcome};
use anyhow::Result;
use std::io::Write;

/// Complete an interrupted write, and remove temporary files left by killed writes.
///
/// A command that writes several files (renumber, fmt) first records all of them, with their new
/// texts, in .oslog-journal in the log root. If it is killed midway, this command completes the
/// write from the journal, so the log is wholly in its new state, and removes the journal. It also
/// removes every temporary file (.oslog-*.tmp) a killed write left in the log root, actions/ or
/// timeline/. It holds the log's lock, so it never touches the files of a write still under way.
/// Every writing command does the same first, and says so; `oslog validate` reports what is left
/// (interrupted-write) until then.
///
/// Examples:
///   oslog recover
///   oslog validate || oslog recover
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

/// Run `oslog recover`.
pub fn run(_args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let (_lock, done) = crate::write::lock(&root)?;
    if done.is_empty() {
        writeln!(out, "nothing to recover: no write was interrupted")?;
    }
    crate::output::recovery(out, &done, "")?;
    Ok(Outcome::Success)
}
