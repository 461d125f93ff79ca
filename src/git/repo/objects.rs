//! Records read from git objects without a checkout: what a commit holds at each path of the log,
//! tree objects looked up by name (kept for the walk, which reads each tree twice), and blobs decoded
//! into records, each at most once.
//!
//! Commits and trees are read through libgit2, which hashes what it reads, until a run has asked
//! for enough of them to be a walk; from then on through the pack reader, which checks CRCs and
//! does not map the whole pack into memory (see `pack.rs`), with libgit2 still reading whatever
//! the pack reader does not give (a loose object, a damaged entry, a commit not in git's form).

use super::damage::{damage, FSCK};
use super::Read;
use super::{Repo, Rev, DIRS};
use crate::git::pack::{self, Packs};
use crate::git::raw_commit::CommitFacts;
use crate::git::tree::{Kind, RawTree};
use crate::store::{self, Record, RecordKind, Stored, THEMES_FILE};
use crate::trail::{Rec, Version};
use anyhow::{bail, Result};
use git2::{ObjectType, Oid, Repository};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

impl Repo {
    /// What a commit holds at each path of the log (relative to the log root), for loading the log
    /// as it was without a checkout: the bytes of each file, and links, submodules and folders as
    /// such, so that they are reported rather than read or passed over.
    pub fn files_at(&self, rev: Rev) -> Result<BTreeMap<PathBuf, Stored>> {
        let tree = self.commit(rev.0)?.tree_id();
        let content = |id: Oid, kind: Option<Kind>, rel: &Path| -> Result<Stored> {
            Ok(match kind {
                Some(Kind::File) => self.blob(id, &rel.to_string_lossy())?,
                Some(Kind::Symlink) => Stored::Symlink,
                Some(Kind::Submodule) => Stored::Submodule,
                None => Stored::Folder,
            })
        };
        let mut out = BTreeMap::new();
        if let Some((id, kind)) = self.lookup_entry(tree, THEMES_FILE, false)? {
            let rel = PathBuf::from(THEMES_FILE);
            let c = content(id, kind, &rel)?;
            out.insert(rel, c);
        }
        for (dir, _) in DIRS {
            if let Some(sub) = self.subtree(Some(tree), dir)? {
                for e in self.raw_tree(Some(sub))?.iter() {
                    let rel = Path::new(dir).join(String::from_utf8_lossy(e.name).as_ref());
                    let c = content(e.oid(), e.kind(), &rel)?;
                    out.insert(rel, c);
                }
            } else if let Some((_, Some(Kind::Symlink))) = self.lookup_entry(tree, dir, false)? {
                out.insert(PathBuf::from(dir), Stored::Symlink);
            }
        }
        Ok(out)
    }

    pub(super) fn blob(&self, id: Oid, file: &str) -> Result<Stored> {
        read_blob(&self.repo, id, file)
    }

    /// The id of a file (`want_tree` false) or folder under the log root in `tree`, read from the raw
    /// tree objects: looking a name up this way costs a scan of the bytes, not a parse of every entry.
    pub(super) fn lookup(&self, tree: Oid, path: &str, want_tree: bool) -> Result<Option<Oid>> {
        Ok(match self.lookup_entry(tree, path, want_tree)? {
            Some((id, None)) if want_tree => Some(id),
            Some((id, Some(Kind::File))) if !want_tree => Some(id),
            _ => None,
        })
    }

    /// The id and kind of the file, link or submodule at `path` under the log root in `tree`.
    pub(super) fn file_entry(&self, tree: Oid, path: &str) -> Result<Option<(Oid, Kind)>> {
        Ok(match self.lookup_entry(tree, path, false)? {
            Some((id, Some(kind))) => Some((id, kind)),
            _ => None,
        })
    }

    /// The id of a folder (`want_tree`) or else of the file, link or submodule at `path` under the
    /// log root in `tree`, with its kind (`None` for a folder).
    fn lookup_entry(
        &self,
        tree: Oid,
        path: &str,
        want_tree: bool,
    ) -> Result<Option<(Oid, Option<Kind>)>> {
        let full = format!("{}{path}", self.prefix);
        let parts: Vec<&str> = full.split('/').collect();
        let mut at = tree;
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let raw = self.raw_tree(Some(at))?;
            let Some(e) = raw.find(part.as_bytes(), !last || want_tree) else {
                return Ok(None);
            };
            if last {
                return Ok(Some((e.oid(), e.kind())));
            }
            at = e.oid();
        }
        Ok(None)
    }

    pub(super) fn subtree(&self, tree: Option<Oid>, dir: &str) -> Result<Option<Oid>> {
        match tree {
            Some(t) => self.lookup(t, dir, true),
            None => Ok(None),
        }
    }

    /// A tree object, indexed (empty for none). The last few are kept, since a walk reads each tree
    /// twice: as a commit's, and as the parent of the commit before.
    pub(super) fn raw_tree(&self, id: Option<Oid>) -> Result<Rc<RawTree>> {
        let Some(id) = id else {
            return Ok(Rc::new(RawTree::empty()));
        };
        if let Some((_, t)) = self.trees.borrow().iter().find(|(o, _)| *o == id) {
            return Ok(t.clone());
        }
        let bytes = match self.packed(id, pack::TREE) {
            Some(b) => Arc::try_unwrap(b).unwrap_or_else(|b| b.as_ref().clone()),
            None => read_tree(&self.repo.odb()?, id)?.data().to_vec(),
        };
        let t = Rc::new(RawTree::new(bytes));
        let mut trees = self.trees.borrow_mut();
        if trees.len() >= 8 {
            trees.remove(0);
        }
        trees.push((id, t.clone()));
        Ok(t)
    }

    /// What the history needs of a commit: parsed from its bytes in the pack where it is there in
    /// git's form, otherwise read by libgit2 (which also reports a damaged or missing commit).
    pub(super) fn facts(&self, id: Oid) -> Result<CommitFacts> {
        let parsed = self
            .raw_commits
            .then(|| self.packed(id, pack::COMMIT))
            .flatten();
        match parsed.and_then(|bytes| CommitFacts::parse(&bytes)) {
            Some(facts) => Ok(facts),
            None => Ok(CommitFacts::of(&self.commit(id)?)),
        }
    }

    /// A commit's facts and the ids of its `DIRS` folders. The last two are kept: a walk reads
    /// each commit twice, as itself and as the parent of the commit before.
    pub(super) fn read_commit(&self, id: Oid) -> Result<Rc<Read>> {
        if let Some((_, r)) = self.read.borrow().iter().find(|(o, _)| *o == id) {
            return Ok(r.clone());
        }
        let facts = self.facts(id)?;
        let dirs = DIRS
            .iter()
            .map(|(dir, _)| self.subtree(Some(facts.tree), dir))
            .collect::<Result<_>>()?;
        let r = Rc::new(Read { facts, dirs });
        let mut read = self.read.borrow_mut();
        if read.len() >= 2 {
            read.remove(0);
        }
        read.push((id, r.clone()));
        Ok(r)
    }

    /// Object `id`'s bytes from the pack reader of commits and root trees, if it is packed, of git
    /// type `kind`, and passes the reader's checks. The reader is opened only once a run has asked
    /// for more objects than a few: opening it reads the packs' indexes whole.
    fn packed(&self, id: Oid, kind: u8) -> Option<Arc<Vec<u8>>> {
        let mut slot = self.small.borrow_mut();
        if slot.is_none() {
            self.asked.set(self.asked.get() + 1);
            if self.asked.get() <= OPEN_AFTER {
                return None;
            }
            *slot = Some(self.indexes.reader(SMALL_BYTES));
        }
        match slot.as_mut()?.read(id)? {
            (k, bytes) if k == kind => Some(bytes),
            _ => None,
        }
    }

    /// The record in a blob, decoded once and remembered by blob id. A blob that reads but does not
    /// decode is `Unreadable`; one that cannot be read is an error (the repository is damaged).
    pub(super) fn version(&self, id: Option<Oid>, kind: RecordKind, file: &str) -> Result<Version> {
        let Some(id) = id else {
            return Ok(Version::Absent);
        };
        let mut uses = self.uses.borrow_mut();
        match uses.get_mut(&id) {
            Some(n) if *n > 1 => *n -= 1,
            Some(_) => {
                // Its last use in the part of the walk being worked on: handed over, not copied.
                uses.remove(&id);
                if let Some(v) = self.cache.borrow_mut().remove(&id) {
                    return Ok(v);
                }
            }
            None => {}
        }
        drop(uses);
        if let Some(v) = self.cache.borrow().get(&id) {
            return Ok(v.clone());
        }
        let v = decode(kind, file, self.blob(id, file)?);
        self.cache.borrow_mut().insert(id, v.clone());
        Ok(v)
    }
}

/// How many commits and trees a run reads through libgit2 before it opens the pack reader.
const OPEN_AFTER: usize = 32;

/// How many bytes of rebuilt objects the pack reader of commits and root trees keeps: enough for
/// the delta chains of small objects read in history order.
const SMALL_BYTES: usize = 1 << 20;

/// A blob's bytes, read and checked against its id; `file` names it in an error.
pub(in crate::git) fn read_blob(repo: &Repository, id: Oid, file: &str) -> Result<Stored> {
    let what = format!("the blob of {file}");
    let odb = repo.odb().map_err(|e| damage(id, &what, &e))?;
    // The header says how large the object is without inflating it: a blob over the limit, which
    // one commit may hold and a later one delete, is never read into memory.
    let (size, kind) = odb.read_header(id).map_err(|e| damage(id, &what, &e))?;
    if kind != ObjectType::Blob {
        bail!("the git repository is damaged: object {id} ({what}) is not a blob; {FSCK}");
    }
    if size as u64 > store::MAX_FILE_BYTES {
        return Ok(Stored::TooLarge(size as u64));
    }
    let obj = odb.read(id).map_err(|e| damage(id, &what, &e))?;
    Ok(Stored::Blob(obj.data().to_vec()))
}

/// [`read_blob`], through `packs` where they have the blob, passing its checks, within the size
/// limit (a larger blob is left to libgit2, which reports its size without reading it).
pub(super) fn read_blob_from(
    packs: Option<&mut Packs>,
    repo: &Repository,
    id: Oid,
    file: &str,
) -> Result<Stored> {
    let limit = usize::try_from(store::MAX_FILE_BYTES).unwrap_or(usize::MAX);
    match packs.and_then(|p| p.read_within(id, limit)) {
        Some((pack::BLOB, bytes)) => Ok(Stored::Blob(
            Arc::try_unwrap(bytes).unwrap_or_else(|b| b.as_ref().clone()),
        )),
        _ => read_blob(repo, id, file),
    }
}

/// A tree object, read through libgit2 and checked against its id.
pub(in crate::git) fn read_tree<'a>(
    odb: &'a git2::Odb<'a>,
    id: Oid,
) -> Result<git2::OdbObject<'a>> {
    let obj = odb.read(id).map_err(|e| damage(id, "tree", &e))?;
    if obj.kind() != ObjectType::Tree {
        bail!("the git repository is damaged: object {id} is not a tree; {FSCK}");
    }
    Ok(obj)
}

pub(super) fn entry_map(raw: &RawTree) -> BTreeMap<String, (Oid, Kind)> {
    raw.iter()
        .filter_map(|e| Some((String::from_utf8_lossy(e.name).into_owned(), e.tracked()?)))
        .collect()
}

pub(in crate::git) fn decode(kind: RecordKind, file: &str, stored: Stored) -> Version {
    match stored {
        Stored::Blob(bytes) if bytes.len() as u64 <= store::MAX_FILE_BYTES => {
            match store::source_from_bytes(bytes) {
                Ok(src) => decode_source(kind, file, &src),
                Err(_) => Version::Unreadable,
            }
        }
        _ => Version::Unreadable,
    }
}

pub(super) fn decode_source(kind: RecordKind, file: &str, src: &store::Source) -> Version {
    match store::decode_record(kind, Path::new(file), src) {
        Some(Record::Action(a)) => Version::Present(Rec::Action(a.value)),
        Some(Record::Milestone(m)) => Version::Present(Rec::Milestone(m.value)),
        _ => Version::Unreadable,
    }
}
