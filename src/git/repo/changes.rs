//! The record changes of the history, commit by commit along the first-parent line (kept in the
//! history cache), and between two commits or a commit and the working tree (`oslog diff`), with the
//! numbers such a comparison brings in that are not new.

use super::objects::{decode_source, entry_map};
use super::{Repo, Rev, DIRS};
use crate::git::cache::{self, Entries, Step};
use crate::git::tree::Kind;
use crate::store::{self, RecordKind, ACTIONS_DIR};
use crate::trail::{CommitChanges, Entry, Event, FileDiff, Flag, NotAFile, Rec, Version};
use anyhow::{Context, Result};
use git2::{ObjectType, Oid};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

impl Repo {
    /// The versions of a changed file on each side.
    pub(super) fn file_diff(&self, t: &cache::Touched) -> Result<FileDiff> {
        let kind = super::line::kind_of(&t.file);
        Ok(FileDiff {
            old: self.committed(t.old.map(|id| (id, t.kinds[0])), kind, &t.file)?,
            new: self.committed(t.new.map(|id| (id, t.kinds[1])), kind, &t.file)?,
            file: t.file.clone(),
        })
    }

    /// What a commit holds at `file`: a record (decoded), or a link or submodule, which is not read.
    pub(super) fn committed(
        &self,
        entry: Option<(Oid, Kind)>,
        kind: RecordKind,
        file: &str,
    ) -> Result<Version> {
        Ok(match entry {
            None => Version::Absent,
            Some((id, Kind::File)) => self.version(Some(id), kind, file)?,
            Some((_, Kind::Symlink)) => Version::NotAFile(NotAFile::Symlink),
            Some((_, Kind::Submodule)) => Version::NotAFile(NotAFile::Submodule),
        })
    }

    /// The changes of every commit from `tip` back to (not including) `stop`, newest first. Commits
    /// that change no record are left out.
    pub fn changes(&self, tip: Rev, stop: Option<Rev>) -> Result<Vec<CommitChanges>> {
        let line = self.line(tip, stop)?;
        let line: Vec<&Rc<Step>> = line.iter().filter(|s| !s.files.is_empty()).collect();
        let mut slot = self.entries.borrow_mut();
        let known = match slot.as_mut() {
            Some(known) => known,
            None => slot.insert(self.load_entries(line.first().copied())?),
        };
        let missing: Vec<&Rc<Step>> = line
            .iter()
            .filter(|s| !known.contains_key(&s.id))
            .copied()
            .collect();
        if !missing.is_empty() {
            // The decoded versions are kept only while the commits that read them are worked on: a
            // walk of the whole log would otherwise hold every version of every record at once.
            for part in missing.chunks(DECODED_AT_ONCE) {
                self.decode_all(part.iter().flat_map(|s| &s.files))?;
                // A commit of thousands of files would otherwise hold each version twice while
                // its changes are worked out: decoded, and in its file comparisons.
                let mut uses = HashMap::new();
                for t in part.iter().flat_map(|s| &s.files) {
                    for (id, kind) in [(t.old, t.kinds[0]), (t.new, t.kinds[1])] {
                        if let (Some(id), Kind::File) = (id, kind) {
                            *uses.entry(id).or_insert(0) += 1;
                        }
                    }
                }
                *self.uses.borrow_mut() = uses;
                let made = part
                    .iter()
                    .map(|step| Ok((step.id, Rc::new(self.step_entries(step)?))))
                    .collect::<Result<Vec<_>>>();
                self.uses.borrow_mut().clear();
                known.extend(made?);
                self.cache.borrow_mut().clear();
            }
            if let Some(path) = &self.entries_file {
                let on_line: HashSet<Oid> = line.iter().map(|s| s.id).collect();
                let keep_all = known.len() <= on_line.len() + 50_000;
                // In a shallow clone a merged branch may be cut off, so what a merge's changes
                // are (a renumbering confirmed, who made them) is not a fact of its id: not kept.
                let cut = |id: &Oid| {
                    self.shallow() && self.facts(*id).map_or(true, |c| c.parents.len() > 1)
                };
                let kept = known
                    .iter()
                    .filter(|(id, _)| (keep_all || on_line.contains(id)) && !cut(id));
                // A cache that cannot be written costs only speed next time.
                let _ = cache::save_entries(path, &self.prefix, kept);
            }
        }
        // The answer takes the record changes over rather than copying them, so they are not held
        // twice; a later walk in this run reads them again from the cache.
        let out = line
            .iter()
            .filter_map(|step| {
                let entries = known.remove(&step.id)?;
                let entries = Rc::try_unwrap(entries).unwrap_or_else(|e| e.as_ref().clone());
                (!entries.is_empty()).then(|| CommitChanges {
                    commit: Some(step.info()),
                    entries,
                })
            })
            .collect();
        *slot = None;
        Ok(out)
    }

    /// The record changes of one step, from its decoded files; in a merge, each with the merged
    /// branch's commits that made it.
    fn step_entries(&self, step: &Step) -> Result<Vec<Entry>> {
        let diffs = self.step_diffs(step)?;
        let moves = self.confirmed_moves(step, &diffs)?;
        let mut entries = crate::trail::entries_with_moves(&diffs, &moves);
        if self.facts(step.id)?.parents.len() > 1 {
            for e in &mut entries {
                e.credit = self.credit(step, &e.file)?;
            }
        }
        Ok(entries)
    }

    /// The cached record changes, if the cache agrees with the repository about `newest`, the newest
    /// commit of the walk that changed a record: its changes are computed again and must be the same.
    pub(super) fn load_entries(&self, newest: Option<&Rc<Step>>) -> Result<Entries> {
        let Some(path) = &self.entries_file else {
            return Ok(Entries::new());
        };
        let known = cache::load_entries(path, &self.prefix);
        if let Some(step) = newest {
            if let Some(cached) = known.get(&step.id) {
                self.decode_all(step.files.iter())?;
                if self.step_entries(step)? != **cached {
                    return Ok(Entries::new());
                }
            }
        }
        Ok(known)
    }

    /// The files of the log that differ between two trees. Folders whose ids are equal are skipped;
    /// within a folder, entry ids are compared before any blob is read.
    fn tree_diffs(&self, old: Option<Oid>, new: Option<Oid>) -> Result<Vec<FileDiff>> {
        let dirs = DIRS
            .iter()
            .map(|(dir, _)| Ok((self.subtree(old, dir)?, self.subtree(new, dir)?)))
            .collect::<Result<Vec<_>>>()?;
        let touched = self.touched(&[&dirs])?.pop().unwrap_or_default();
        touched.into_iter().map(|t| self.file_diff(&t)).collect()
    }

    /// The record changes from commit `a` to commit `b`, or to the working tree when `b` is `None`.
    /// An action that comes in under a number that is not new is flagged (`number-reused`): one
    /// that `a`'s first-parent history gave to an action since gone, or that `other` (the other side
    /// of a three-dot range) has meanwhile given to another action.
    pub fn compare(&self, a: Rev, b: Option<Rev>, other: Option<Rev>) -> Result<Vec<Entry>> {
        let old_tree = self.commit(a.0)?.tree_id();
        let diffs = match b {
            Some(b) => {
                let new_tree = self.commit(b.0)?.tree_id();
                self.tree_diffs(Some(old_tree), Some(new_tree))?
            }
            None => {
                let mut diffs = Vec::new();
                for (dir, kind) in DIRS {
                    let committed = entry_map(&*self.raw_tree(self.subtree(Some(old_tree), dir)?)?);
                    let on_disk = self.disk_names(dir)?;
                    let names: BTreeSet<&String> = committed.keys().chain(on_disk.iter()).collect();
                    for name in names {
                        let file = format!("{dir}/{name}");
                        diffs.extend(self.worktree_diff(
                            committed.get(name).copied(),
                            kind,
                            &file,
                        )?);
                    }
                }
                diffs
            }
        };
        let mut entries = crate::trail::entries(&diffs);
        self.flag_reused(&mut entries, &diffs, a, other)?;
        Ok(entries)
    }

    /// Flag the actions that `entries` bring under a number (added, or renumbered to it) that
    /// `before`'s history used for a file since gone, or that `other` holds for a different action.
    fn flag_reused(
        &self,
        entries: &mut [Entry],
        diffs: &[FileDiff],
        before: Rev,
        other: Option<Rev>,
    ) -> Result<()> {
        let arrived = |e: &Entry| matches!(e.event, Event::Added | Event::Renumbered);
        if !entries.iter().any(|e| arrived(e) && e.action.is_some()) {
            return Ok(());
        }
        let used: HashSet<String> = self
            .line(before, None)?
            .iter()
            .flat_map(|s| s.files.iter())
            .filter(|t| action_file(t).is_some())
            .map(|t| t.file.clone())
            .collect();
        let other_tree = other.map(|o| Ok::<_, anyhow::Error>(self.commit(o.0)?.tree_id()));
        let other_tree = other_tree.transpose()?;
        for e in entries.iter_mut().filter(|e| arrived(e)) {
            let Some(Version::Present(Rec::Action(ours))) =
                diffs.iter().find(|d| d.file == e.file).map(|d| &d.new)
            else {
                continue;
            };
            let mut reused = used.contains(&e.file);
            if let Some(tree) = other_tree {
                let theirs = self.lookup(tree, &e.file, false)?;
                if let Version::Present(Rec::Action(t)) =
                    self.version(theirs, RecordKind::Action, &e.file)?
                {
                    reused |= !t.same_record(ours);
                }
            }
            if reused && !e.flags.contains(&Flag::NumberReused) {
                e.flags.push(Flag::NumberReused);
            }
        }
        Ok(())
    }

    /// The record files in `dir` of the working tree.
    fn disk_names(&self, dir: &str) -> Result<Vec<String>> {
        let path = self.root.join(dir);
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", path.display())),
        };
        let mut names = Vec::new();
        for e in entries {
            if let Ok(name) = e?.file_name().into_string() {
                if name.ends_with(".yaml") {
                    names.push(name);
                }
            }
        }
        Ok(names)
    }

    /// How the working tree's `file` differs from what is committed there (a file, link or
    /// submodule), if it does. A link stays a link and a submodule's folder (or its absence: it
    /// need not be checked out) stays a submodule; neither is read.
    pub(super) fn worktree_diff(
        &self,
        committed: Option<(Oid, Kind)>,
        kind: RecordKind,
        file: &str,
    ) -> Result<Option<FileDiff>> {
        let path = self.root.join(file);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let submodule = matches!(committed, Some((_, Kind::Submodule)));
        let new = match meta {
            Some(m) if m.file_type().is_symlink() => Version::NotAFile(NotAFile::Symlink),
            Some(m) if m.is_dir() && submodule => Version::NotAFile(NotAFile::Submodule),
            None if submodule => Version::NotAFile(NotAFile::Submodule),
            None => Version::Absent,
            Some(_) => {
                if let (Some((id, Kind::File)), Ok(bytes)) = (committed, std::fs::read(&path)) {
                    if Oid::hash_object(ObjectType::Blob, &bytes).ok() == Some(id) {
                        return Ok(None);
                    }
                }
                match store::read_source(&self.root, Path::new(file)) {
                    Err(_) => Version::Unreadable,
                    Ok(src) => decode_source(kind, file, &src),
                }
            }
        };
        let old = self.committed(committed, kind, file)?;
        Ok((old != new).then(|| FileDiff {
            file: file.to_string(),
            old,
            new,
        }))
    }
}

/// How many commits' changed files a walk decodes before it lets them go.
const DECODED_AT_ONCE: usize = 512;

/// The file name of a changed file in the actions folder.
pub(super) fn action_file(t: &cache::Touched) -> Option<&str> {
    t.file.strip_prefix(ACTIONS_DIR)?.strip_prefix('/')
}
