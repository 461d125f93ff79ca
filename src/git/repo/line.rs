//! The first-parent line of commits, each with the record files it changed: taken from the history
//! cache where it has them, and read from the object database where it does not. Reading is the
//! expensive part (a large folder's tree object per commit, and the blobs that changed), so it is
//! spread over threads, each with its own handle on the repository and a pack reader kept from one
//! piece of work to the next (all of them sharing one reading of the packs' indexes); the answers
//! are put back in the line's order, so they do not depend on how the work was split.

use super::revs::describe;
use super::{read_blob_from, Repo, Rev, DIRS};
use crate::git::cache::{self, Known, Step, Touched};
use crate::git::graph::Graph;
use crate::git::pack::{self, Indexes, Packs};
use crate::git::tree::{self, Kind, RawTree, Side};
use crate::store::RecordKind;
use anyhow::{anyhow, Result};
use git2::{Oid, Repository};
use std::collections::HashSet;
use std::rc::Rc;

/// The steps of a walk along the first-parent line: all of them, or those read as they are asked
/// for, from the commit given (see [`Repo::next_step`]).
pub(super) enum Steps {
    Line(std::vec::IntoIter<Rc<Step>>),
    Sparse(Option<Oid>),
}

/// A commit of the line not in the cache, with what is needed to compute its step.
struct Pending {
    id: Oid,
    parent: Option<Oid>,
    time: i64,
    offset: i32,
    author: String,
    summary: String,
    /// Per folder of `DIRS`: the folder's tree in the parent and in the commit.
    dirs: Vec<(Option<Oid>, Option<Oid>)>,
}

impl Repo {
    /// The commits from `tip` back along first parents, newest first, to (not including) `stop` and
    /// its ancestors, a shallow clone's graft, or the root.
    pub(super) fn line(&self, tip: Rev, stop: Option<Rev>) -> Result<Vec<Rc<Step>>> {
        let mut slot = self.known.borrow_mut();
        let known = slot.get_or_insert_with(|| self.load_cache(tip.0));
        let mut line: Vec<Option<Rc<Step>>> = Vec::new();
        let mut pending = Vec::new();
        let mut visit = |id: Oid| -> Result<Option<Oid>> {
            if let Some(s) = known.get(&id) {
                line.push(Some(s.clone()));
                return Ok(s.parent);
            }
            let p = self.pending(id)?;
            let parent = p.parent;
            line.push(None);
            pending.push((line.len() - 1, p));
            Ok(parent)
        };
        match stop {
            None => {
                let mut at = Some(tip.0);
                while let Some(id) = at.filter(|id| !self.grafts.contains(id)) {
                    at = visit(id)?;
                }
            }
            Some(stop) => {
                for id in self.first_parent_walk(tip, Some(stop))? {
                    let id = id?;
                    if self.grafts.contains(&id) {
                        break;
                    }
                    visit(id)?;
                }
            }
        }
        if !pending.is_empty() {
            let steps = self.compute(pending.iter().map(|(_, p)| p).collect())?;
            for ((at, _), step) in pending.iter().zip(steps) {
                let step = Rc::new(step);
                known.insert(step.id, step.clone());
                line[*at] = Some(step);
            }
        }
        self.walked
            .borrow_mut()
            .extend(line.iter().flatten().map(|s| s.id));
        if !pending.is_empty() {
            self.save_steps(known);
        }
        Ok(line.into_iter().flatten().collect())
    }

    /// Write the steps known into the history cache.
    fn save_steps(&self, known: &Known) {
        let Some(path) = &self.cache_file else { return };
        let walked = self.walked.borrow();
        // Records of commits this run did not walk (rewritten history, other branches) are kept up
        // to a bound, then dropped. A run walks the line, and a trail also the merged branches it
        // follows.
        let keep_all = known.len() <= walked.len() + 50_000;
        let steps = known
            .values()
            .filter(|s| keep_all || walked.contains(&s.id))
            .map(|s| s.as_ref());
        // A cache that cannot be written costs only speed next time.
        let _ = cache::save(path, &self.prefix, steps);
        self.unsaved.set(false);
    }

    /// Write the steps that [`Repo::next_step`] computed into the history cache, if there are any.
    pub(super) fn flush_steps(&self) {
        if self.unsaved.get() {
            if let Some(known) = self.known.borrow().as_ref() {
                self.save_steps(known);
            }
        }
    }

    /// Let go of what the readers of objects keep for the reads that may follow (rebuilt objects,
    /// decoded records), when a walk has read what it needs; a later read opens them again.
    pub(super) fn let_go(&self) {
        self.readers.borrow_mut().clear();
        *self.packs.borrow_mut() = None;
        *self.small.borrow_mut() = None;
        self.trees.borrow_mut().clear();
        self.cache.borrow_mut().clear();
    }

    /// The steps from `tip` back along first parents, for a walk that needs only those that change
    /// one file at a time (see [`Repo::next_step`]). With git's commit-graph and its changed-path
    /// Bloom filters, and no `stop`, commits the filters rule out are never read; otherwise the whole
    /// line is taken as [`Repo::line`] gives it.
    pub(super) fn steps(&self, tip: Rev, stop: Option<Rev>) -> Result<Steps> {
        if stop.is_none() && self.graph().is_some() {
            let mut packs = self.packs.borrow_mut();
            if packs.is_none() {
                *packs = Some(self.indexes.reader(pack::CACHE_BYTES));
            }
            return Ok(Steps::Sparse(Some(tip.0)));
        }
        Ok(Steps::Line(self.line(tip, stop)?.into_iter()))
    }

    /// The next step of `steps` that may change `file`: every step that does is given, and others
    /// may be (the caller looks for `file` in each).
    pub(super) fn next_step(&self, steps: &mut Steps, file: &str) -> Result<Option<Rc<Step>>> {
        let at = match steps {
            Steps::Line(line) => return Ok(line.next()),
            Steps::Sparse(at) => at,
        };
        let path = format!("{}{file}", self.prefix);
        loop {
            let Some(id) = at.filter(|id| !self.grafts.contains(id)) else {
                return Ok(None);
            };
            let cached = self.known_step(id);
            if let Some(step) = cached {
                *at = step.parent;
                return Ok(Some(step));
            }
            let graph = self.graph();
            let entry = graph.as_ref().and_then(|g| g.find(id).map(|e| (g, e)));
            if let Some((g, e)) = &entry {
                if g.rules_out(e.pos, &path) {
                    *at = match e.parent {
                        Some(p) => Some(g.at(p).map(|(id, _)| id).ok_or_else(|| {
                            anyhow!("the commit-graph names a parent it does not hold")
                        })?),
                        None => None,
                    };
                    continue;
                }
            }
            let p = self.pending(id)?;
            if let Some((g, e)) = &entry {
                let parent = e.parent.and_then(|p| g.at(p)).map(|(id, _)| id);
                if parent != p.parent {
                    // The graph disagrees with the objects: it is not used again.
                    *self.graph.borrow_mut() = Some(None);
                }
            }
            let step = Rc::new(self.compute(vec![&p])?.remove(0));
            self.walked.borrow_mut().insert(id);
            if let Some(known) = self.known.borrow_mut().as_mut() {
                known.insert(id, step.clone());
                self.unsaved.set(true);
            }
            *at = step.parent;
            return Ok(Some(step));
        }
    }

    /// The step of `id` from the history cache, loading it first if needed.
    fn known_step(&self, id: Oid) -> Option<Rc<Step>> {
        let mut slot = self.known.borrow_mut();
        let known = slot.get_or_insert_with(|| self.load_cache(id));
        known.get(&id).cloned()
    }

    /// git's commit-graph, if the repository has one that passes its checks and git itself would
    /// use: not in a shallow clone, nor with replaced objects, which change what a commit id means.
    fn graph(&self) -> Option<Rc<Graph>> {
        if let Some(g) = self.graph.borrow().as_ref() {
            return g.clone();
        }
        let replaced = self
            .repo
            .references_glob("refs/replace/*")
            .map_or(true, |mut r| r.next().is_some());
        let usable = self.grafts.is_empty()
            && !replaced
            && !self.repo.commondir().join("info").join("grafts").exists();
        let g = usable
            .then(|| Graph::open(&self.repo.commondir().join("objects")))
            .flatten()
            .map(Rc::new);
        *self.graph.borrow_mut() = Some(g.clone());
        g
    }

    /// The cached steps, if the cache agrees with the repository about `tip`; otherwise none.
    fn load_cache(&self, tip: Oid) -> Known {
        let Some(path) = &self.cache_file else {
            return Known::new();
        };
        let known = cache::load(path, &self.prefix);
        // The checksum guards against damage; this guards against a cache that is whole but not this
        // repository's: the tip's record is computed again and must be the same.
        let agrees = known.get(&tip).is_none_or(|s| {
            self.pending(tip)
                .and_then(|p| self.compute(vec![&p]))
                .is_ok_and(|fresh| fresh.first() == Some(s.as_ref()))
        });
        if agrees {
            known
        } else {
            Known::new()
        }
    }

    fn pending(&self, id: Oid) -> Result<Pending> {
        let read = self.read_commit(id)?;
        let c = &read.facts;
        let parent = c.parents.first().copied();
        let before = parent.map(|p| self.read_commit(p)).transpose()?;
        let dirs = (0..DIRS.len())
            .map(|d| (before.as_ref().and_then(|b| b.dirs[d]), read.dirs[d]))
            .collect();
        Ok(Pending {
            id,
            parent,
            time: c.time,
            offset: c.offset,
            author: c.author.clone(),
            summary: c.summary.clone(),
            dirs,
        })
    }

    /// The steps of commits not in the cache.
    fn compute(&self, pending: Vec<&Pending>) -> Result<Vec<Step>> {
        let dirs: Vec<&[(Option<Oid>, Option<Oid>)]> =
            pending.iter().map(|p| p.dirs.as_slice()).collect();
        let files = self.touched(&dirs)?;
        Ok(pending
            .into_iter()
            .zip(files)
            .map(|(p, files)| Step {
                id: p.id,
                parent: p.parent,
                time: p.time,
                offset: p.offset,
                author: p.author.clone(),
                summary: p.summary.clone(),
                files,
            })
            .collect())
    }

    /// For each item, given the ids of the `DIRS` folders before and after, the record files that
    /// changed. The folders that differ are compared on worker threads, in the items' order, so that
    /// in a walk (newest first) each comparison's older folder is the next one's newer.
    pub(super) fn touched(
        &self,
        items: &[&[(Option<Oid>, Option<Oid>)]],
    ) -> Result<Vec<Vec<Touched>>> {
        let jobs: Vec<(usize, usize, Option<Oid>, Option<Oid>)> = items
            .iter()
            .enumerate()
            .flat_map(|(i, dirs)| {
                dirs.iter()
                    .enumerate()
                    .filter(|(_, (old, new))| old != new)
                    .map(move |(d, (old, new))| (i, d, *old, *new))
            })
            .collect();
        let indexes = &self.indexes;
        let changed = match self.packs.try_borrow_mut() {
            // A walk that reads a few commits at a time keeps one pack reader for all of them.
            Ok(mut packs) if jobs.len() <= 32 && packs.is_some() => {
                compare(&self.repo, packs.as_mut(), &jobs)?
            }
            _ => self.in_parallel(&jobs, 32, |repo, reader, chunk| {
                // The readers share one budget, each in proportion to its part of the work, so
                // that more cores do not mean more memory.
                let budget = pack::CACHE_BYTES / jobs.len().max(1) * chunk.len();
                let reader = reader_for(reader, indexes, chunk.len(), budget);
                compare(repo, reader, chunk)
            })?,
        };
        let mut files: Vec<Vec<Touched>> = vec![Vec::new(); items.len()];
        for ((i, d, _, _), changes) in jobs.iter().zip(changed) {
            let dir = DIRS[*d].0;
            files[*i].extend(changes.into_iter().map(|(name, old, new)| {
                let kind = |side: Option<Side>| side.map_or(Kind::File, |(_, k)| k);
                Touched {
                    file: format!("{dir}/{name}"),
                    old: old.map(|(id, _)| id),
                    new: new.map(|(id, _)| id),
                    kinds: [kind(old), kind(new)],
                }
            }));
        }
        Ok(files)
    }

    /// Decode the blobs of `touched` not decoded yet, on worker threads, into the version cache.
    pub(super) fn decode_all<'a>(&self, touched: impl Iterator<Item = &'a Touched>) -> Result<()> {
        let mut seen = HashSet::new();
        let wanted: Vec<(Oid, RecordKind, &str)> = {
            let cache = self.cache.borrow();
            touched
                .flat_map(|t| {
                    let files = [(t.old, t.kinds[0]), (t.new, t.kinds[1])];
                    let files = files.into_iter().filter(|(_, k)| *k == Kind::File);
                    files.filter_map(|(id, _)| id).map(move |id| (id, t))
                })
                .filter(|(id, _)| !cache.contains_key(id) && seen.insert(*id))
                .map(|(id, t)| (id, kind_of(&t.file), t.file.as_str()))
                .collect()
        };
        if wanted.is_empty() {
            return Ok(());
        }
        let indexes = &self.indexes;
        let versions = self.in_parallel(&wanted, 128, |repo, reader, chunk| {
            let budget = BLOB_BYTES / wanted.len() * chunk.len();
            let mut reader = reader_for(reader, indexes, chunk.len(), budget);
            chunk
                .iter()
                .map(|(id, kind, file)| {
                    let blob = read_blob_from(reader.as_deref_mut(), repo, *id, file)?;
                    Ok(super::decode(*kind, file, blob))
                })
                .collect()
        })?;
        let mut cache = self.cache.borrow_mut();
        for ((id, _, _), v) in wanted.iter().zip(versions) {
            cache.insert(*id, v);
        }
        Ok(())
    }

    /// Run `work` over `items` in contiguous chunks, one thread and one repository handle per chunk
    /// (at most one per core, and none smaller than `min_chunk`), and join the results in order.
    /// Each chunk is also given a pack reader kept from earlier work, if there is one; whatever
    /// reader it leaves is kept for later work.
    fn in_parallel<T: Sync, R: Send>(
        &self,
        items: &[T],
        min_chunk: usize,
        work: impl Fn(&Repository, &mut Option<Packs>, &[T]) -> Result<Vec<R>> + Sync,
    ) -> Result<Vec<R>> {
        // Asking for the number of cores reads files under /proc and /sys: not for work of one chunk.
        let threads = if items.len() <= min_chunk {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8)
                .min(items.len().div_ceil(min_chunk))
                .max(1)
        };
        let mut readers = self.readers.borrow_mut();
        if threads == 1 {
            let mut reader = readers.pop();
            let out = work(&self.repo, &mut reader, items);
            readers.extend(reader);
            return out;
        }
        let size = items.len().div_ceil(threads);
        let path = self.repo.path();
        let work = &work;
        std::thread::scope(|s| {
            let handles: Vec<_> = items
                .chunks(size)
                .map(|chunk| {
                    let mut reader = readers.pop();
                    s.spawn(move || {
                        let out = Repository::open(path)
                            .map_err(anyhow::Error::from)
                            .and_then(|repo| work(&repo, &mut reader, chunk));
                        (out, reader)
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(items.len());
            let mut failed = None;
            for h in handles {
                match h.join() {
                    Ok((part, reader)) => {
                        readers.extend(reader);
                        match part {
                            Ok(part) => out.extend(part),
                            Err(e) => failed = failed.or(Some(e)),
                        }
                    }
                    Err(_) => failed = failed.or(Some(anyhow!("a history worker stopped"))),
                }
            }
            failed.map_or(Ok(out), Err)
        })
    }
}

/// The pack reader for a worker's chunk of `len` items, keeping `budget` bytes: the one it was
/// given, or a new one for a chunk large enough to be worth it (the first reader of a run reads the
/// packs' indexes whole), or none.
fn reader_for<'r>(
    reader: &'r mut Option<Packs>,
    indexes: &Indexes,
    len: usize,
    budget: usize,
) -> Option<&'r mut Packs> {
    if reader.is_none() && len >= PACK_READER_FROM {
        *reader = Some(indexes.reader(budget));
    }
    let r = reader.as_mut()?;
    r.set_budget(budget);
    Some(r)
}

/// The record files that changed in each of `jobs` (item, folder, old tree, new tree), read through
/// `packs` where given. In a walk (newest first) each comparison's older folder is the next one's
/// newer, and what one learned about it is handed on.
fn compare(
    repo: &Repository,
    mut packs: Option<&mut Packs>,
    jobs: &[(usize, usize, Option<Oid>, Option<Oid>)],
) -> Result<Vec<Vec<tree::Changed>>> {
    let odb = repo.odb()?;
    let mut out = Vec::with_capacity(jobs.len());
    // The older folder of one comparison, with what was learned about it, for the next.
    let mut last: Option<(Oid, TreeBytes, tree::Marks)> = None;
    for (_, _, old, new) in jobs {
        let (new_tree, known) = match last.take() {
            Some((id, bytes, marks)) if Some(id) == *new => (bytes, marks),
            _ => (read_tree(packs.as_deref_mut(), &odb, *new)?, Vec::new()),
        };
        let old_tree = read_tree(packs.as_deref_mut(), &odb, *old)?;
        let (changes, next) = tree::changed_marked(
            &RawTree::new(old_tree.bytes()),
            &RawTree::new(new_tree.bytes()),
            &known,
        );
        last = old.map(|id| (id, old_tree, next));
        out.push(changes);
    }
    Ok(out)
}

/// A tree object's bytes, from the pack reader or from libgit2.
enum TreeBytes<'odb> {
    None,
    Pack(std::sync::Arc<Vec<u8>>),
    Odb(git2::OdbObject<'odb>),
}

impl TreeBytes<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            TreeBytes::None => &[],
            TreeBytes::Pack(b) => b,
            TreeBytes::Odb(o) => o.data(),
        }
    }
}

/// Read a folder's tree: from the packs when they have it, else through libgit2 (which also reports a
/// damaged or missing object).
fn read_tree<'odb>(
    packs: Option<&mut Packs>,
    odb: &'odb git2::Odb,
    id: Option<Oid>,
) -> Result<TreeBytes<'odb>> {
    let Some(id) = id else {
        return Ok(TreeBytes::None);
    };
    if let Some((pack::TREE, bytes)) = packs.and_then(|p| p.read(id)) {
        return Ok(TreeBytes::Pack(bytes));
    }
    Ok(TreeBytes::Odb(super::read_tree(odb, id)?))
}

/// The fewest folder comparisons or blobs for which a worker opens a pack reader.
const PACK_READER_FROM: usize = 16;

/// How many bytes of rebuilt objects the workers that read blobs keep, all together. Record files
/// are stored as deltas on one another, across files too, so their reads follow no chain in order:
/// the less the readers keep, the more deltas they apply again. Measured on the 10,000-commit log,
/// half the walk's budget costs no measurable time and a quarter of it a tenth more.
const BLOB_BYTES: usize = pack::CACHE_BYTES / 2;

/// What kind of record a path under the log root holds.
pub(super) fn kind_of(file: &str) -> RecordKind {
    DIRS.iter()
        .find(|(dir, _)| file.strip_prefix(dir).is_some_and(|r| r.starts_with('/')))
        .map_or(RecordKind::Action, |(_, k)| *k)
}

impl Step {
    pub(crate) fn info(&self) -> crate::trail::CommitInfo {
        describe(self.id, self.time, self.offset, &self.author, &self.summary)
    }
}
