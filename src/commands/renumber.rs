//! `oslog renumber`: resolve number collisions, inside the working tree or against a base revision,
//! by moving the records that lose the keep rule (see `renumber.rs`) to free numbers, rewriting the
//! references that mean them, and writing every changed file all or nothing.

use super::{Context, Outcome};
use crate::diag::{Code, Severity};
use crate::store::conflict::Sides;
use crate::store::{self, emit, Log, THEMES_FILE};
use crate::write::renumber::{self, Claim, Tree};
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
/// name order. A moved record gets a number above every id on REV and on this branch, every
/// `formerly` and every number of a deleted action in the history, records its old number in
/// `formerly`, and its file is renamed. References (links, merged_into, duplicate_of, milestone
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
        crate::output::interrupted(&mut std::io::stderr(), &log.diags)?;
    }
    // Files where a merge left two different actions under one number are split: ours stays.
    let conflicts = crate::git::conflicts(&root, &log);
    let mut splits = Vec::new();
    for (file, conflict) in &conflicts {
        match &conflict.sides {
            Sides::TwoActions(ours, theirs) => splits.push((file.as_path(), ours, theirs)),
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
    let tree = Tree {
        actions: log
            .actions
            .iter()
            .map(|a| (a.file.as_path(), &a.value))
            .chain(splits.iter().map(|(f, ours, _)| (*f, &ours.value)))
            .collect(),
        milestones: log
            .milestones
            .iter()
            .map(|m| (m.file.as_path(), &m.value))
            .collect(),
        split: splits.iter().map(|(f, _, t)| (*f, &t.value)).collect(),
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
    let mut claims: Vec<Claim> = tree
        .actions
        .iter()
        .map(|(file, a)| claim(file, a, false))
        .collect();
    let mut taken: BTreeSet<u32> = tree
        .actions
        .iter()
        .chain(&tree.split)
        .flat_map(|(_, a)| a.formerly.iter().copied().chain([a.id]))
        .collect();
    taken.insert(crate::git::highest_removed_number(&root)?);
    let repo = crate::git::Repo::open(&root);
    if let Some(spec) = &args.onto {
        let repo = repo.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let rev = repo.resolve(spec)?;
        let base = repo.merge_base_with_head(rev)?;
        let rev_log = store::load_stored(&root, &repo.files_at(rev)?);
        let base_log = store::load_stored(&root, &repo.files_at(base)?);
        for c in crate::validate::branch_collisions(&log, &base_log, &rev_log) {
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
    let header = |file: &Path| -> Vec<String> {
        let loaded = log
            .actions
            .iter()
            .find(|a| a.file == file)
            .map(|a| &a.header);
        let loaded = loaded.or_else(|| {
            log.milestones
                .iter()
                .find(|m| m.file == file)
                .map(|m| &m.header)
        });
        let ours = || {
            splits
                .iter()
                .find(|(f, _, _)| *f == file)
                .map(|(_, o, _)| &o.header)
        };
        loaded.or_else(ours).cloned().unwrap_or_default()
    };
    let texts = new_texts(&plan, header);
    check(&root, &log, &texts)?;
    let Some(lock) = lock else {
        writeln!(out, "dry run: nothing was changed")?;
        return Ok(Outcome::Success);
    };
    // The new numbers are chosen and checked; nothing is written yet.
    store::fault::point("renumber-planned")?;
    let files: Vec<store::Replacement> = texts
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
        let c = crate::git::commit::Committer::prepare(&root)?;
        c.refuse_staged(&touched)?;
        Some((c, touched))
    } else {
        None
    };
    store::replace_all(&lock, &files)?;
    let n = plan.moves.len();
    writeln!(
        out,
        "renumbered {n} action{}",
        if n == 1 { "" } else { "s" }
    )?;
    if let Some((c, touched)) = committer {
        let committed = crate::write::commit_files(c, &touched)?;
        crate::output::committed(out, &committed)?;
    }
    Ok(Outcome::Success)
}

/// The canonical text of every changed file: (old path, new path, text), relative to the root, each
/// with the header comments of the file it comes from.
fn new_texts(
    plan: &renumber::Plan,
    header: impl Fn(&Path) -> Vec<String>,
) -> Vec<(PathBuf, PathBuf, String)> {
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
        for d in l.diags.iter().chain(&crate::validate::check(l)) {
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
