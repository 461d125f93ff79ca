//! `oslog renumber`: resolve number collisions, inside the working tree or against a base revision,
//! by moving the records that lose the keep rule (see `renumber.rs`) to free numbers, rewriting the
//! references that mean them, and writing every changed file all or nothing.

use super::{Context, Outcome};
use crate::diag::{Code, Severity};
use crate::renumber::{self, Claim, Tree};
use crate::store::{self, emit, Lock, Log, LOCK_TIMEOUT, THEMES_FILE};
use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Give colliding actions free numbers, and rewrite the references that mean them.
///
/// Without --onto, resolves duplicates inside the working tree (two files with one id). With
/// --onto REV, also moves every action this branch adds whose number REV has meanwhile given to
/// another action. Which record keeps a number: the one on REV; failing that, the one other records
/// refer to; failing that, the one committed first; failing that, the one raised earlier; then file
/// name order. A moved record gets a number above every id on REV and on this branch and every
/// `formerly`, records its old number in `formerly`, and its file is renamed. References (links,
/// merged_into, duplicate_of, milestone actions) that mean it are rewritten; mentions in text are
/// listed for you to check. Every file is written to a temporary name first, then renamed: all or
/// nothing.
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
    let _lock = if args.dry_run {
        None
    } else {
        Some(Lock::acquire(&root, LOCK_TIMEOUT)?)
    };
    let log = store::load(&root)?;
    let tree = Tree {
        actions: log
            .actions
            .iter()
            .map(|a| (a.file.as_path(), &a.value))
            .collect(),
        milestones: log
            .milestones
            .iter()
            .map(|m| (m.file.as_path(), &m.value))
            .collect(),
    };
    let claim = |file: &Path, a: &crate::model::Action, on_base: bool| Claim {
        file: file.to_path_buf(),
        id: a.id,
        title: a.title.clone(),
        raised: a.raised,
        on_base,
        referred: !on_base && renumber::is_referred(&tree, file, a.id),
        committed: None,
    };
    let mut claims: Vec<Claim> = log
        .actions
        .iter()
        .map(|a| claim(&a.file, &a.value, false))
        .collect();
    let mut taken: BTreeSet<u32> = log
        .actions
        .iter()
        .flat_map(|a| a.value.formerly.iter().copied().chain([a.value.id]))
        .collect();
    let repo = crate::git::Repo::open(&root);
    if let Some(spec) = &args.onto {
        let repo = repo.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let rev = repo.resolve(spec)?;
        let base = repo.merge_base_with_head(rev)?;
        let rev_log = store::load_committed(&root, repo.files_at(rev)?);
        let base_log = store::load_committed(&root, repo.files_at(base)?);
        for c in renumber::branch_collisions(&log, &base_log, &rev_log) {
            let Some(id) = c.action else { continue };
            if let Some(theirs) = rev_log.actions.iter().find(|a| a.value.id == id) {
                claims.push(claim(&theirs.file, &theirs.value, true));
            }
        }
        taken.extend(
            rev_log
                .actions
                .iter()
                .flat_map(|a| a.value.formerly.iter().copied().chain([a.value.id])),
        );
    }
    let contested_ids: BTreeSet<u32> = renumber::losers(&claims).into_keys().collect();
    if let Ok(repo) = &repo {
        let files: Vec<PathBuf> = claims
            .iter()
            .filter(|c| !c.on_base && contested_ids.contains(&c.id))
            .map(|c| c.file.clone())
            .collect();
        let times = repo.first_committed(&files)?;
        for c in claims.iter_mut().filter(|c| !c.on_base) {
            c.committed = times.get(&c.file).copied();
        }
    }
    let plan = renumber::plan(&tree, &renumber::losers(&claims), &taken);
    if plan.is_empty() {
        writeln!(out, "no number collisions")?;
        return Ok(Outcome::Success);
    }
    crate::output::renumber::plan(out, &plan, args.onto.as_deref())?;
    let texts = new_texts(&log, &plan);
    check(&root, &log, &texts)?;
    if args.dry_run {
        writeln!(out, "dry run: nothing was changed")?;
        return Ok(Outcome::Success);
    }
    // Never through a symbolic link, and never outside the log root.
    let paths: Vec<(PathBuf, PathBuf, &str)> = texts
        .iter()
        .map(|(from, to, text)| {
            Ok((
                store::path_in(&root, from)?,
                store::path_in(&root, to)?,
                text.as_str(),
            ))
        })
        .collect::<Result<_>>()?;
    let files: Vec<store::Replacement> = paths
        .iter()
        .map(|(from, to, contents)| store::Replacement { from, to, contents })
        .collect();
    // Checked before anything is written: a repository, an identity, no staged changes of these files.
    let committer = if args.commit {
        let touched: BTreeSet<PathBuf> = texts
            .iter()
            .flat_map(|(from, to, _)| [from.clone(), to.clone()])
            .collect();
        let touched: Vec<PathBuf> = touched.into_iter().collect();
        Some(crate::git::commit::Committer::prepare(&root, &touched)?)
    } else {
        None
    };
    store::replace_all(&files)?;
    let n = plan.moves.len();
    writeln!(
        out,
        "renumbered {n} action{}",
        if n == 1 { "" } else { "s" }
    )?;
    if let Some(c) = committer {
        let subject = match plan.moves.as_slice() {
            [m] => format!("Renumber action {} to {}", m.old, m.new),
            _ => format!("Renumber {n} actions"),
        };
        let trailers: Vec<(&str, String)> = plan
            .moves
            .iter()
            .map(|m| ("Oslog-Renumber", format!("{} -> {}", m.old, m.new)))
            .collect();
        let id = c.commit(&crate::git::commit::message(&subject, &trailers))?;
        writeln!(out, "committed {id}")?;
    }
    Ok(Outcome::Success)
}

/// The canonical text of every changed file: (old path, new path, text), relative to the root.
fn new_texts(log: &Log, plan: &renumber::Plan) -> Vec<(PathBuf, PathBuf, String)> {
    let header = |file: &Path| -> Vec<String> {
        let a = log
            .actions
            .iter()
            .find(|a| a.file == file)
            .map(|a| a.header.clone());
        let m = log
            .milestones
            .iter()
            .find(|m| m.file == file)
            .map(|m| m.header.clone());
        a.or(m).unwrap_or_default()
    };
    let actions = plan
        .actions
        .iter()
        .map(|(from, to, a)| (from.clone(), to.clone(), emit::action(a, &header(from))));
    let milestones = plan.milestones.iter().map(|(file, m)| {
        (
            file.clone(),
            file.clone(),
            emit::milestone(m, &header(file)),
        )
    });
    actions.chain(milestones).collect()
}

/// Refuse the change when the log after it would have more errors of any kind than before.
fn check(root: &Path, log: &Log, texts: &[(PathBuf, PathBuf, String)]) -> Result<()> {
    let mut files: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let loaded = log
        .actions
        .iter()
        .map(|a| &a.file)
        .chain(log.milestones.iter().map(|m| &m.file));
    for rel in loaded.chain(std::iter::once(&PathBuf::from(THEMES_FILE))) {
        if let Ok(bytes) = std::fs::read(root.join(rel)) {
            files.insert(rel.clone(), bytes);
        }
    }
    for (from, _, _) in texts {
        files.remove(from);
    }
    for (_, to, text) in texts {
        files.insert(to.clone(), text.clone().into_bytes());
    }
    let after = store::load_files(root, files);
    let count = |l: &Log| -> BTreeMap<Code, usize> {
        let mut m = BTreeMap::new();
        for d in l.diags.iter().chain(&crate::rules::check(l)) {
            if d.severity == Severity::Error {
                *m.entry(d.code).or_default() += 1;
            }
        }
        m
    };
    let (before, after) = (count(log), count(&after));
    for (code, n) in &after {
        if n > before.get(code).unwrap_or(&0) {
            bail!("renumbering would add a finding ({code}); nothing was changed");
        }
    }
    Ok(())
}
