//! `oslog renumber`: resolve number collisions, inside the working tree or against a base revision,
//! by moving the records that lose the keep rule (see `write/renumber.rs`) to free numbers, rewriting
//! the references that mean them, and writing every changed file all or nothing.

use super::{Context, Outcome};
use crate::store::{self, conflict::Sides};
use crate::write::{self, renumber};
use anyhow::Result;
use std::io::Write;

/// Give colliding actions free numbers, and rewrite the references that mean them.
///
/// Without --onto, resolves duplicates inside the working tree (two files with one id). With
/// --onto REV, also moves every action this branch adds whose number REV has meanwhile given to
/// another action. Which record keeps a number: the one on REV; failing that, the one other records
/// refer to; failing that, the one committed first; failing that, the one raised earlier; then file
/// name order. A moved record gets a number above every id on REV and on this branch, every
/// `formerly` and every number of a deleted action in the history (past 999999, the highest an
/// action may have, renumber refuses and changes nothing), records its old number in `formerly`,
/// and its file is renamed. References (links, merged_into, duplicate_of, milestone
/// actions) that mean it are rewritten; mentions in text are listed for you to check. A file where
/// a merge left two different actions under one number is split: ours (the branch merged into)
/// keeps the number, theirs moves. The files are written all or nothing, through .oslog-journal:
/// if renumber is killed, the next writing command (or `oslog recover`) completes it. A file that
/// appears meanwhile at a new name is never overwritten: the renumbering is undone and refused.
///
/// Examples:
///   oslog renumber --dry-run
///   oslog renumber --onto origin/main --commit
///   oslog validate --base origin/main || oslog renumber --onto origin/main
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The revision this branch will merge into, such as origin/main.
    #[arg(long, value_name = "REV")]
    pub onto: Option<String>,
    /// Print the plan (moves, files touched, mentions to check) and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Commit exactly the files renumber touched (renames included), with an `Oslog-Renumber`
    /// trailer per move.
    #[arg(long, conflicts_with = "dry_run")]
    pub commit: bool,
}

/// Run `oslog renumber`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let lock = (!args.dry_run).then(|| ctx.lock(&root)).transpose()?;
    let log = store::load(&root)?;
    if args.dry_run {
        crate::output::interrupted(&mut std::io::stderr(), &log.diags, ctx.paint_err)?;
    }
    // Files where a merge left two different actions under one number are split: ours stays.
    let conflicts = crate::git::conflicts(&root, &log);
    for (file, conflict) in &conflicts {
        match &conflict.sides {
            Sides::TwoActions(..) => {}
            Sides::TwoMilestones(..) => writeln!(
                out,
                "{}: a merge conflict between two milestones with one id; resolve it by hand (see `oslog validate`)",
                file.display()
            )?,
            _ => writeln!(
                out,
                "{}: a merge conflict inside one record; resolve it by hand (see `oslog validate`)",
                file.display()
            )?,
        }
    }
    let (plan, files) = renumber::prepare(&root, &log, &conflicts, args.onto.as_deref())?;
    if plan.is_empty() {
        writeln!(out, "no number collisions")?;
        return Ok(Outcome::Success);
    }
    crate::output::renumber::plan(out, &plan, args.onto.as_deref())?;
    write::no_new_findings(&log, &files)?;
    let Some(lock) = lock else {
        writeln!(out, "dry run: nothing was changed")?;
        return Ok(Outcome::Success);
    };
    // The new numbers are chosen and checked; nothing is written yet.
    store::fault::point("renumber-planned")?;
    let committed = write::write(&lock, &files, ctx.commit(args.commit))?;
    let n = plan.moves.len();
    writeln!(
        out,
        "renumbered {n} action{}",
        if n == 1 { "" } else { "s" }
    )?;
    if let Some(c) = committed {
        crate::output::committed(out, &c)?;
    }
    Ok(Outcome::Success)
}
