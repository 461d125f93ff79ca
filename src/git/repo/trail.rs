//! The trail of one record through the history, followed by the record and never by its number. Along
//! the first-parent line a record stays in its file. Where it arrived in its file, the trail goes on
//! only through where it came from: the file the same commit removed that held it (a move on the
//! line, such as a renumbering), or, where it came in with a merge, the merged branch, back through
//! that branch's own commits (by their authors) to where the branch began. The file of a former
//! number is never followed past the commit that moved the record out of it, so the changes of
//! another record that held the number before or after never appear.
//!
//! The same rule decides which removal a renumbering pairs with in a merge commit (`confirmed_moves`):
//! an action that came in with the merged branch is the removed one only if the branch had it in the
//! removed file where it left the line; and who made a change that a merge brought (`credit`): the
//! merged branch's commits that the record's trail passes through.

use super::changes::action_file;
use super::{Repo, Rev};
use crate::git::cache::Step;
use crate::model::Action;
use crate::store::{RecordKind, ACTIONS_DIR};
use crate::trail::{CommitChanges, CommitInfo, FileDiff, Rec, Version};
use anyhow::{bail, Result};
use git2::Oid;

/// Where tracing a record back through the history ended.
pub(super) enum End {
    /// At the commit that added it.
    Added,
    /// Where the walk stopped (the root, a shallow clone's graft, or the history of the commit it was
    /// told to stop at), with the file that held the record there.
    At(String),
}

/// Where a record that arrived in its file in a commit came from.
enum Came {
    /// From another file of the same commit's first parent (a move on the line): the removal and
    /// the addition.
    Moved(Box<[FileDiff; 2]>),
    /// With a merged branch: its commit, the file that held the record there and its blob.
    Merged(Oid, String, Option<Oid>),
}

impl Repo {
    /// Every change to action `id`, newest first, with uncommitted changes in the working tree first:
    /// the trail of the record in the action's file, or of the record that last left it (a deleted
    /// or renumbered action, whose trail then starts with its removal or move). A number that no
    /// commit on HEAD's first-parent line and not the working tree has had is an error.
    pub fn action_trail(&self, id: u32) -> Result<Vec<CommitChanges>> {
        let head = self.head()?;
        let head_tree = self.commit(head.0)?.tree_id();
        let file = format!("{ACTIONS_DIR}/{}", Action::file_name(id));
        let committed = self.file_entry(head_tree, &file)?;
        let mut out = Vec::new();
        let mut follow = file.clone();
        let mut diffs = Vec::new();
        if let Some(d) = self.worktree_diff(committed, RecordKind::Action, &file)? {
            // A move not committed yet: the committed file of a former number that the working tree
            // no longer has, and that held that number's action.
            if let (None, Version::Present(Rec::Action(a))) = (committed, &d.new) {
                for n in a.formerly.iter().rev() {
                    let former = format!("{ACTIONS_DIR}/{}", Action::file_name(*n));
                    let old = self.file_entry(head_tree, &former)?;
                    let Some(g) = self.worktree_diff(old, RecordKind::Action, &former)? else {
                        continue;
                    };
                    if g.new == Version::Absent
                        && matches!(&g.old, Version::Present(Rec::Action(x)) if x.id == *n)
                    {
                        diffs.push(g);
                        follow = former;
                        break;
                    }
                }
            }
            diffs.push(d);
        }
        let entries = crate::trail::entries(&diffs);
        if !entries.is_empty() {
            out.push(CommitChanges {
                commit: None,
                entries,
            });
        }
        self.trace(head.0, follow, None, Some(&mut out), true)?;
        self.flush_steps();
        if out.is_empty() && committed.is_none() {
            let since = if self.shallow() {
                " since the shallow clone's graft (run `git fetch --unshallow` for the whole history)"
            } else {
                ""
            };
            bail!("action {id} has never been in the log: neither the working tree nor any commit on HEAD's first-parent line{since} has {file}");
        }
        Ok(out)
    }

    /// Trace the record in `file` at commit `tip` (or, if `file` is absent there, the record that
    /// last left it) back through the history, to the commit that added it or to where the walk
    /// stops: the root, a graft, or `stop` and its history. With `out`, each change is recorded,
    /// newest first; with `credit` too, a change a merge brought names the merged branch's commits
    /// that made it.
    pub(super) fn trace(
        &self,
        tip: Oid,
        file: String,
        stop: Option<Oid>,
        mut out: Option<&mut Vec<CommitChanges>>,
        credit: bool,
    ) -> Result<End> {
        let (mut at, mut file) = (tip, file);
        'lines: loop {
            let mut steps = self.steps(Rev(at), stop.map(Rev))?;
            while let Some(step) = self.next_step(&mut steps, &file)? {
                let Some(t) = step.files.iter().find(|t| t.file == file) else {
                    continue;
                };
                let diff = self.file_diff(t)?;
                if t.old.is_some() {
                    // A change, or (only where the trace starts) the removal, which may be a move
                    // out of this file.
                    let moved = match t.new {
                        None => self.came(&step, &file, true)?,
                        Some(_) => None,
                    };
                    let diffs = match moved {
                        Some(Came::Moved(pair)) => pair.to_vec(),
                        _ => vec![diff],
                    };
                    let by = match credit && out.is_some() {
                        true => self.credit(&step, &file)?,
                        false => Vec::new(),
                    };
                    record(&mut out, &step, &diffs, by);
                    continue;
                }
                match self.came(&step, &file, false)? {
                    Some(Came::Moved(pair)) => {
                        file = pair[0].file.clone();
                        record(&mut out, &step, pair.as_slice(), Vec::new());
                    }
                    Some(Came::Merged(commit, held, blob)) => {
                        let before = self.version(blob, RecordKind::Action, &held)?;
                        let diffs = if held == file {
                            vec![FileDiff {
                                old: before,
                                ..diff
                            }]
                        } else {
                            let removed = FileDiff {
                                file: held.clone(),
                                old: before,
                                new: Version::Absent,
                            };
                            vec![removed, diff]
                        };
                        // The branch's own commits follow, each under its author.
                        record(&mut out, &step, &diffs, Vec::new());
                        (at, file) = (commit, held);
                        continue 'lines;
                    }
                    None => {
                        record(&mut out, &step, &[diff], Vec::new());
                        return Ok(End::Added);
                    }
                }
            }
            return Ok(End::At(file));
        }
    }

    /// Where the record that arrived in `file` in `step` came from; or, with `leaving`, where the
    /// record that left `file` went (only a move is looked for then).
    fn came(&self, step: &Step, file: &str, leaving: bool) -> Result<Option<Came>> {
        let removes = step
            .files
            .iter()
            .any(|t| t.new.is_none() && action_file(t).is_some());
        if removes {
            let diffs = self.step_diffs(step)?;
            let moves = self.confirmed_moves(step, &diffs)?;
            let pair = moves.iter().find(|(r, a)| {
                let side = if leaving { *r } else { *a };
                diffs[side].file == file
            });
            if let Some((r, a)) = pair {
                let pair = [diffs[*r].clone(), diffs[*a].clone()];
                return Ok(Some(Came::Moved(Box::new(pair))));
            }
        }
        if leaving {
            return Ok(None);
        }
        self.merged_in(step, file)
    }

    /// The merged branch that brought the record in `file` to merge commit `step`, if it came so: the
    /// first merged parent that has the file, else the first that holds it in a former number's file
    /// that the merge did not keep.
    fn merged_in(&self, step: &Step, file: &str) -> Result<Option<Came>> {
        let merged = self.merged_parents(step.id)?;
        if merged.is_empty() {
            return Ok(None);
        }
        for q in &merged {
            let tree = self.commit(*q)?.tree_id();
            if let Some(blob) = self.lookup(tree, file, false)? {
                return Ok(Some(Came::Merged(*q, file.to_string(), Some(blob))));
            }
        }
        let tree = self.commit(step.id)?.tree_id();
        let blob = self.lookup(tree, file, false)?;
        let Version::Present(Rec::Action(a)) = self.version(blob, RecordKind::Action, file)? else {
            return Ok(None);
        };
        for q in &merged {
            let theirs = self.commit(*q)?.tree_id();
            for n in a.formerly.iter().rev() {
                let former = format!("{ACTIONS_DIR}/{}", Action::file_name(*n));
                let Some(held) = self.lookup(theirs, &former, false)? else {
                    continue;
                };
                let left = self.lookup(tree, &former, false)? != Some(held);
                let holds = matches!(
                    self.version(Some(held), RecordKind::Action, &former)?,
                    Version::Present(Rec::Action(x)) if x.id == *n
                );
                if left && holds {
                    return Ok(Some(Came::Merged(*q, former, Some(held))));
                }
            }
        }
        Ok(None)
    }

    /// The renumberings of `step` (see `crate::trail::moves`) that are real. In a merge, an action that
    /// came in with a merged branch is the removed action moved only if, traced back along that
    /// branch to where it left the line, it was in the removed file; otherwise the merge removed one
    /// record and brought another.
    pub(super) fn confirmed_moves(
        &self,
        step: &Step,
        diffs: &[FileDiff],
    ) -> Result<Vec<(usize, usize)>> {
        let moves = crate::trail::moves(diffs);
        if moves.is_empty() {
            return Ok(moves);
        }
        let merged = self.merged_parents(step.id)?;
        let mut out = Vec::new();
        for (r, a) in moves {
            let (from, to) = (&diffs[r].file, &diffs[a].file);
            let mut real = true;
            for q in &merged {
                if self
                    .lookup(self.commit(*q)?.tree_id(), to, false)?
                    .is_some()
                {
                    let end = self.trace(*q, to.clone(), step.parent, None, false)?;
                    real = matches!(end, End::At(held) if held == *from);
                    break;
                }
            }
            if real {
                out.push((r, a));
            }
        }
        Ok(out)
    }

    /// Who made the change that merge `step` brought to the record in `file`: the commits of the
    /// merged branches, back to where each left the first-parent line, that changed that record
    /// (followed as the trail follows it), newest first. A merge on the branch itself is left out:
    /// it brought someone else's change. Nothing, for a commit that is not a merge.
    pub(super) fn credit(&self, step: &Step, file: &str) -> Result<Vec<CommitInfo>> {
        let mut out: Vec<CommitInfo> = Vec::new();
        for q in self.merged_parents(step.id)? {
            let mut trail = Vec::new();
            self.trace(q, file.to_string(), step.parent, Some(&mut trail), false)?;
            for info in trail.into_iter().filter_map(|c| c.commit) {
                let id = Oid::from_str(&info.id)?;
                if self.facts(id)?.parents.len() < 2 && !out.iter().any(|c| c.id == info.id) {
                    out.push(info);
                }
            }
        }
        Ok(out)
    }

    /// The parents of a commit after the first (a merge's merged branches), those that are present.
    fn merged_parents(&self, id: Oid) -> Result<Vec<Oid>> {
        let odb = self.repo.odb()?;
        Ok(self
            .commit(id)?
            .parent_ids()
            .skip(1)
            // A shallow clone may lack a merged branch's commits; its trail then stops there.
            .filter(|p| !self.grafts.contains(p) && odb.exists(*p))
            .collect())
    }

    /// Every changed file of `step`, decoded.
    pub(super) fn step_diffs(&self, step: &Step) -> Result<Vec<FileDiff>> {
        self.decode_all(step.files.iter())?;
        let mut diffs = Vec::with_capacity(step.files.len());
        for t in &step.files {
            diffs.push(self.file_diff(t)?);
        }
        Ok(diffs)
    }
}

/// Add the entries of `diffs` (a renumbering, when there are two) to the trail, as `step`'s, with
/// the commits of a merged branch that made them.
fn record(
    out: &mut Option<&mut Vec<CommitChanges>>,
    step: &Step,
    diffs: &[FileDiff],
    credit: Vec<CommitInfo>,
) {
    let Some(out) = out else { return };
    let moves: &[(usize, usize)] = if diffs.len() == 2 { &[(0, 1)] } else { &[] };
    let mut entries = crate::trail::entries_with_moves(diffs, moves);
    for e in &mut entries {
        e.credit = credit.clone();
    }
    if !entries.is_empty() {
        out.push(CommitChanges {
            commit: Some(step.info()),
            entries,
        });
    }
}
