//! The record changes of the history, commit by commit along the first-parent line (kept in the
//! history cache), and between two commits or a commit and the working tree (`oslog diff`), with the
//! numbers such a comparison brings in that are not new.

use super::objects::{decode_source, entry_map};
use super::{Repo, Rev, DIRS};
use crate::git::cache::{self, Lines, Spool, Step};
use crate::git::tree::Kind;
use crate::store::{self, RecordKind, ACTIONS_DIR};
use crate::trail::{
    CommitChanges, CommitInfo, Entry, Event, FileDiff, Flag, NotAFile, Rec, Version,
};
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

    /// The changes of every commit from `tip` back to (not including) `stop`, newest first, all at
    /// once (see [`Repo::walk`]).
    pub fn changes(&self, tip: Rev, stop: Option<Rev>) -> Result<Vec<CommitChanges>> {
        self.walk(tip, stop)?.map(|c| c?.into_changes()).collect()
    }

    /// The changes of every commit from `tip` back to (not including) `stop`, newest first, handed
    /// out a commit at a time. Commits that change no record are left out.
    ///
    /// Every commit's changes are found in the cache or worked out before the first is handed out,
    /// so that a damaged repository is an error before any answer. What is worked out goes to the
    /// record-changes file as it is made, a part of the line at a time (see [`FILES_AT_ONCE`]), and
    /// is read back from it a commit at a time: a walk of any length holds little more than the
    /// part it works on, then the commit it hands out.
    pub fn walk(&self, tip: Rev, stop: Option<Rev>) -> Result<Changes<'_>> {
        let line: Vec<Rc<Step>> = self
            .line(tip, stop)?
            .into_iter()
            .filter(|s| !s.files.is_empty())
            .collect();
        let stored = self.stored_entries(line.first())?.map(Rc::new);
        let missing: Vec<&Step> = line
            .iter()
            .filter(|s| !stored.as_ref().is_some_and(|l| l.checked(&s.id)))
            .map(|s| s.as_ref())
            .collect();
        let new = match missing.is_empty() {
            true => None,
            false => Some(Rc::new(self.write_missing(
                &line,
                &missing,
                stored.as_deref(),
            )?)),
        };
        self.let_go();
        Ok(Changes {
            repo: self,
            steps: line.into_iter(),
            new,
            stored,
        })
    }

    /// The record changes of `missing`, steps of `line`, worked out into the cache (after the lines
    /// of `stored` it keeps) or wherever a spool can be written; into memory when that file fails as
    /// it is written (a full disk).
    fn write_missing(
        &self,
        line: &[Rc<Step>],
        missing: &[&Step],
        stored: Option<&Lines>,
    ) -> Result<Lines> {
        let mut spool = Spool::new(self.entries_file.as_deref(), &self.prefix);
        let copied = match stored.filter(|_| spool.is_cache()) {
            Some(stored) => {
                let on_line: HashSet<Oid> = line.iter().map(|s| s.id).collect();
                let gone: HashSet<Oid> = missing.iter().map(|s| s.id).collect();
                let keep_all = stored.len() <= on_line.len() + 50_000;
                spool.copy(stored, |id| {
                    (keep_all || on_line.contains(id)) && !gone.contains(id)
                })
            }
            None => Ok(()),
        };
        let written = match copied {
            Ok(()) => self.spool(missing, spool)?,
            Err(e) => Err(e),
        };
        match written {
            Ok(lines) => Ok(lines),
            Err(_) => self
                .spool(missing, Spool::in_memory(&self.prefix))?
                .context("cannot hold the record changes of the history"),
        }
    }

    /// Work out the record changes of `steps` into `spool`, and hand back what it wrote; an error
    /// of the spool's file is the inner one.
    fn spool(&self, steps: &[&Step], mut spool: Spool) -> Result<std::io::Result<Lines>> {
        let mut failed = None;
        self.work_out(steps, |step, entries, first, last| {
            let mut write = || {
                if first {
                    // In a shallow clone a merged branch may be cut off, so what a merge's changes
                    // are (a renumbering confirmed, who made them) is not a fact of its id: it is
                    // written for this walk only.
                    let fact =
                        !self.shallow() || self.facts(step.id).is_ok_and(|c| c.parents.len() < 2);
                    spool.begin(step.id, fact)?;
                }
                spool.extend(&entries)?;
                match last {
                    true => spool.end(),
                    false => Ok(()),
                }
            };
            if failed.is_none() {
                failed = write().err();
            }
            match last {
                true => crate::store::fault::point("history-spooled"),
                false => Ok(()),
            }
        })?;
        crate::store::fault::point("history-walked")?;
        Ok(match failed {
            Some(e) => Err(e),
            None => spool.finish(),
        })
    }

    /// The record changes of one step.
    fn step_changes(&self, step: &Step) -> Result<Vec<Entry>> {
        let mut out = Vec::new();
        self.work_out(&[step], |_, entries, _, _| {
            out.extend(entries);
            Ok(())
        })?;
        Ok(out)
    }

    /// Work out the record changes of `steps`, in order, handing each piece of a step to `each`
    /// with whether it is the step's first and its last. The changed files are decoded
    /// [`FILES_AT_ONCE`] at a time and let go after: a step with more files is worked on in pieces
    /// of that many, unless it both adds and removes records (a renumbering pairs a removed file
    /// with an added one, wherever they are in the step). Each piece's changes are in path order,
    /// and so are the pieces.
    fn work_out(
        &self,
        steps: &[&Step],
        mut each: impl FnMut(&Step, Vec<Entry>, bool, bool) -> Result<()>,
    ) -> Result<()> {
        let pieces = pieces(steps, FILES_AT_ONCE);
        let mut at = 0;
        while at < pieces.len() {
            let mut end = at + 1;
            let mut files = pieces[at].1.len();
            while end < pieces.len() && files + pieces[end].1.len() <= FILES_AT_ONCE {
                files += pieces[end].1.len();
                end += 1;
            }
            let group = &pieces[at..end];
            let touched = || group.iter().flat_map(|(i, r)| &steps[*i].files[r.clone()]);
            self.decode_all(touched())?;
            // A step of thousands of files would otherwise hold each version twice while its
            // changes are worked out: decoded, and in its file comparisons.
            let mut uses = HashMap::new();
            for t in touched() {
                for (id, kind) in [(t.old, t.kinds[0]), (t.new, t.kinds[1])] {
                    if let (Some(id), Kind::File) = (id, kind) {
                        *uses.entry(id).or_insert(0) += 1;
                    }
                }
            }
            *self.uses.borrow_mut() = uses;
            let result = (|| -> Result<()> {
                for (i, r) in group {
                    let step = steps[*i];
                    let entries = self.entries_of(step, &step.files[r.clone()])?;
                    each(step, entries, r.start == 0, r.end == step.files.len())?;
                }
                Ok(())
            })();
            self.uses.borrow_mut().clear();
            self.cache.borrow_mut().clear();
            result?;
            at = end;
        }
        Ok(())
    }

    /// The record changes of `files`, changed files of `step` decoded already: all of them, or a
    /// piece of a step that does not both add and remove records; in a merge, each with the merged
    /// branch's commits that made it.
    fn entries_of(&self, step: &Step, files: &[cache::Touched]) -> Result<Vec<Entry>> {
        let diffs = files
            .iter()
            .map(|t| self.file_diff(t))
            .collect::<Result<Vec<_>>>()?;
        let moves = self.confirmed_moves(step, &diffs)?;
        let mut entries = crate::trail::entries_with_moves(&diffs, &moves);
        if self.facts(step.id)?.parents.len() > 1 {
            for e in &mut entries {
                e.credit = self.credit(step, &e.file)?;
            }
        }
        Ok(entries)
    }

    /// The record-changes cache, if there is one and it agrees with the repository about `newest`,
    /// the newest commit of the walk that changed a record: its changes are worked out again and
    /// must be the same.
    fn stored_entries(&self, newest: Option<&Rc<Step>>) -> Result<Option<Lines>> {
        let Some(lines) = self
            .entries_file
            .as_ref()
            .and_then(|path| Lines::open(path, &self.prefix))
        else {
            return Ok(None);
        };
        if let Some(step) = newest {
            if let Some(cached) = lines.get(&step.id) {
                if self.step_changes(step)? != cached {
                    return Ok(None);
                }
            }
        }
        Ok(Some(lines))
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

/// How many changed files a walk decodes before it lets them go: a few megabytes of records.
pub(super) const FILES_AT_ONCE: usize = 1024;

/// The record changes of a walk's commits, newest first, each read when it is asked for (see
/// [`Repo::walk`]).
pub struct Changes<'r> {
    repo: &'r Repo,
    steps: std::vec::IntoIter<Rc<Step>>,
    /// What the walk worked out, and what the cache had.
    new: Option<Rc<Lines>>,
    stored: Option<Rc<Lines>>,
}

impl Iterator for Changes<'_> {
    type Item = Result<Commit>;

    fn next(&mut self) -> Option<Result<Commit>> {
        loop {
            let step = self.steps.next()?;
            let lines = [&self.new, &self.stored]
                .into_iter()
                .flatten()
                .find(|lines| lines.has(&step.id));
            let held = match lines {
                Some(lines) if lines.is_long(&step.id) => Held::Line(lines.clone(), step.id),
                _ => match lines.and_then(|lines| lines.get(&step.id)) {
                    Some(entries) => Held::Entries(entries),
                    // A line that passed its check but does not parse (made by hand) is worked
                    // out again.
                    None => match self.repo.step_changes(&step) {
                        Ok(entries) => Held::Entries(entries),
                        Err(e) => return Some(Err(e)),
                    },
                },
            };
            if !matches!(&held, Held::Entries(e) if e.is_empty()) {
                return Some(Ok(Commit {
                    info: step.info(),
                    held,
                }));
            }
        }
    }
}

/// A commit of a walk, with its record changes: held, or, for a commit of thousands of records,
/// read from the record-changes file a record at a time each time they are asked for.
pub struct Commit {
    pub info: CommitInfo,
    held: Held,
}

enum Held {
    Entries(Vec<Entry>),
    Line(Rc<Lines>, Oid),
}

impl Commit {
    /// Hand each record's changes to `each`, in path order.
    pub fn each(&self, each: &mut dyn FnMut(&Entry) -> Result<()>) -> Result<()> {
        match &self.held {
            Held::Entries(entries) => entries.iter().try_for_each(each),
            Held::Line(lines, id) => lines.each(id, &mut |e| each(&e)),
        }
    }

    /// The commit with all its record changes at once.
    pub fn into_changes(self) -> Result<CommitChanges> {
        let entries = match self.held {
            Held::Entries(entries) => entries,
            Held::Line(lines, id) => {
                let mut entries = Vec::new();
                lines.each(&id, &mut |e| {
                    entries.push(e);
                    Ok(())
                })?;
                entries
            }
        };
        Ok(CommitChanges {
            commit: Some(self.info),
            entries,
        })
    }
}

/// The pieces `steps` are worked on in, in order, as (step, range of its files): a whole step, or
/// `size` files of a step, in path order, that does not both add and remove records.
fn pieces(steps: &[&Step], size: usize) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let n = step.files.len();
        let files = &step.files;
        let whole = files.iter().any(|t| t.old.is_none()) && files.iter().any(|t| t.new.is_none())
            || files.windows(2).any(|w| w[0].file >= w[1].file);
        let size = if whole { n } else { size }.max(1);
        out.extend((0..n).step_by(size).map(|a| (i, a..(a + size).min(n))));
    }
    out
}

/// The file name of a changed file in the actions folder.
pub(super) fn action_file(t: &cache::Touched) -> Option<&str> {
    t.file.strip_prefix(ACTIONS_DIR)?.strip_prefix('/')
}
