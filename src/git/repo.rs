//! The log's git repository: opening it with clear messages at the edges (no repository, no commits,
//! detached HEAD, shallow clone), resolving `DATE|REV`, reading records at a commit without a checkout,
//! and walking the history for the audit trail.
//!
//! The walk follows first parents only: a merge is compared with its first parent, so the changes a
//! merged branch brings in appear once, in the merge commit, and the trail of each record is one chain
//! in which every change starts from the value the previous one left. For speed it never diffs whole
//! trees: a commit whose `actions/` and `timeline/` subtree ids equal its parent's is skipped, entry ids
//! are compared before any blob is read, and only the blobs that changed are parsed (each at most once).

mod line;
pub(super) mod numbers;
mod trail;

use super::cache::{self, Entries, Known, Step};
use super::tree::{Kind, RawTree};
use crate::store::{self, Record, RecordKind, Stored, ACTIONS_DIR, THEMES_FILE, TIMELINE_DIR};
use crate::trail::{CommitChanges, CommitInfo, Entry, FileDiff, NotAFile, Rec, Version};
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use git2::{ErrorClass, ErrorCode, ObjectType, Oid, Repository, Sort};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A commit, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rev(Oid);

impl Rev {
    /// The abbreviated commit id.
    pub fn short(&self) -> String {
        self.0.to_string()[..7].to_string()
    }
}

/// One end of a range: a day (compared with commit dates) or a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Date(NaiveDate),
    Rev(Rev),
}

/// The repository that holds a log.
pub struct Repo {
    repo: Repository,
    /// The log root on disk.
    root: PathBuf,
    /// The log root relative to the work tree: empty, or ending in `/`.
    prefix: String,
    /// The commits at which a shallow clone's history was cut.
    grafts: HashSet<Oid>,
    /// The short id HEAD points at, when it is detached.
    pub detached: Option<String>,
    /// Decoded records by blob id.
    cache: RefCell<HashMap<Oid, Version>>,
    /// The history cache's file (`None` when it is turned off), and the steps known so far.
    cache_file: Option<PathBuf>,
    known: RefCell<Option<Known>>,
    /// The record-changes cache's file, and the record changes known so far.
    entries_file: Option<PathBuf>,
    entries: RefCell<Option<Entries>>,
    /// The last few raw tree objects read.
    trees: RefCell<Vec<(Oid, Rc<RawTree>)>>,
    /// The commits of every line walked so far, whose steps the history cache keeps.
    walked: RefCell<HashSet<Oid>>,
}

const DIRS: [(&str, RecordKind); 2] = [
    (ACTIONS_DIR, RecordKind::Action),
    (TIMELINE_DIR, RecordKind::Milestone),
];

impl Repo {
    /// Open the repository that holds the log at `root`, refusing one without commits.
    pub fn open(root: &Path) -> Result<Repo> {
        // libgit2 hashes every object it reads and checks it against the id asked for, so a damaged
        // repository gives an error rather than another object's bytes. The walk's large tree
        // objects, where hashing would cost the most, come from the pack reader, which checks CRCs.
        git2::opts::strict_hash_verification(true);
        let (repo, root, prefix) = discover(root)?;
        match repo.head() {
            Ok(_) => {}
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
                let branch = repo
                    .find_reference("HEAD")
                    .ok()
                    .and_then(|r| {
                        r.symbolic_target()
                            .map(|s| s.trim_start_matches("refs/heads/").to_string())
                    })
                    .unwrap_or_else(|| "HEAD".into());
                if repo.is_empty().unwrap_or(false) {
                    bail!("the repository has no commits yet (branch `{branch}` is unborn); commit the log first");
                }
                bail!("branch `{branch}` has no commits yet (it is unborn); commit to it, or switch to a branch with history");
            }
            Err(e) => return Err(e).context("cannot read HEAD"),
        }
        let detached = if repo.head_detached().unwrap_or(false) {
            repo.head()
                .ok()
                .and_then(|h| h.target())
                .map(|o| Rev(o).short())
        } else {
            None
        };
        let grafts = if repo.is_shallow() {
            std::fs::read_to_string(repo.path().join("shallow"))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| Oid::from_str(l.trim()).ok())
                .collect()
        } else {
            HashSet::new()
        };
        Ok(Repo {
            cache_file: cache::path(repo.commondir(), &prefix, cache::Kind::Steps),
            entries_file: cache::path(repo.commondir(), &prefix, cache::Kind::Entries),
            entries: RefCell::new(None),
            repo,
            root,
            prefix,
            grafts,
            detached,
            cache: RefCell::new(HashMap::new()),
            known: RefCell::new(None),
            trees: RefCell::new(Vec::new()),
            walked: RefCell::new(HashSet::new()),
        })
    }

    /// Warnings that belong with any answer read from this repository's history.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let Some(at) = &self.detached {
            w.push(format!(
                "HEAD is detached at {at}; the history runs back from that commit"
            ));
        }
        if !self.grafts.is_empty() {
            let at: Vec<String> = self.grafts.iter().map(|o| Rev(*o).short()).collect();
            w.push(format!(
                "this is a shallow clone: the trail starts at the graft ({}); earlier changes are not known (run `git fetch --unshallow` for the whole history)",
                at.join(", ")
            ));
        }
        w
    }

    /// Whether the clone is shallow.
    pub fn shallow(&self) -> bool {
        !self.grafts.is_empty()
    }

    /// The commit HEAD points at.
    pub fn head(&self) -> Result<Rev> {
        let id = self.repo.head()?.target().context("HEAD is not a commit")?;
        Ok(Rev(self.commit(id)?.id()))
    }

    /// A commit, read and checked against its id.
    fn commit(&self, id: Oid) -> Result<git2::Commit<'_>> {
        self.repo
            .find_commit(id)
            .map_err(|e| damage(id, "commit", &e))
    }

    /// Resolve `DATE|REV` to a commit: a day `YYYY-MM-DD` means the last commit on HEAD's first-parent
    /// line made on or before that day; anything else is a revision such as a tag, branch or commit id.
    pub fn resolve(&self, spec: &str) -> Result<Rev> {
        match self.bound(spec)? {
            Bound::Rev(r) => Ok(r),
            Bound::Date(day) => self.at_date(day),
        }
    }

    /// Read `DATE|REV` as a bound of a range.
    pub fn bound(&self, spec: &str) -> Result<Bound> {
        if let Some(day) = parse_day(spec) {
            return Ok(Bound::Date(day));
        }
        let obj = self.repo.revparse_single(spec).map_err(|_| {
            anyhow!("`{spec}` is neither a day (YYYY-MM-DD) nor a revision of this repository")
        })?;
        let c = obj
            .peel_to_commit()
            .map_err(|_| anyhow!("`{spec}` does not name a commit"))?;
        Ok(Bound::Rev(Rev(c.id())))
    }

    /// The merge base of HEAD and `other`.
    pub fn merge_base_with_head(&self, other: Rev) -> Result<Rev> {
        let head = self.head()?;
        let base = self
            .repo
            .merge_base(head.0, other.0)
            .context("HEAD and the base revision have no common commit")?;
        Ok(Rev(base))
    }

    /// When each of `files` (relative to the log root) first appeared in HEAD's history, as the
    /// commit time in seconds; files never committed are absent.
    pub fn first_committed(&self, files: &[PathBuf]) -> Result<HashMap<PathBuf, i64>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TIME | Sort::REVERSE)?;
        walk.push(self.head()?.0)?;
        let mut out = HashMap::new();
        for oid in walk {
            if out.len() == files.len() {
                break;
            }
            let commit = self.commit(oid?)?;
            let tree = commit.tree_id();
            for f in files {
                if out.contains_key(f) {
                    continue;
                }
                let rel = f.to_string_lossy().replace('\\', "/");
                if self.lookup(tree, &rel, false)?.is_some() {
                    out.insert(f.clone(), commit.time().seconds());
                }
            }
        }
        Ok(out)
    }

    /// The day a commit was made (the committer's date in its own time zone).
    pub fn date(&self, rev: Rev) -> Result<NaiveDate> {
        Ok(info(&self.commit(rev.0)?).date)
    }

    fn at_date(&self, day: NaiveDate) -> Result<Rev> {
        let mut walk = self.first_parent_walk(self.head()?, None)?;
        let mut oldest = None;
        for oid in &mut walk {
            let c = self.commit(oid?)?;
            let info = info(&c);
            if info.date <= day {
                return Ok(Rev(c.id()));
            }
            oldest = Some(info.date);
        }
        match oldest {
            Some(d) => bail!("no commit on or before {day}: the history starts on {d}"),
            None => bail!("no commit on or before {day}"),
        }
    }

    fn first_parent_walk(&self, tip: Rev, stop: Option<Rev>) -> Result<git2::Revwalk<'_>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL)?;
        walk.simplify_first_parent()?;
        walk.push(tip.0)?;
        if let Some(s) = stop {
            walk.hide(s.0)?;
        }
        Ok(walk)
    }

    /// The base of `oslog diff` by default: the merge base of HEAD with the default branch.
    pub fn default_base(&self) -> Result<(Rev, String)> {
        let mut candidates = Vec::new();
        if let Ok(r) = self.repo.find_reference("refs/remotes/origin/HEAD") {
            if let Some(t) = r.symbolic_target() {
                candidates.push(t.to_string());
            }
        }
        candidates.extend(
            [
                "refs/heads/main",
                "refs/heads/master",
                "refs/remotes/origin/main",
                "refs/remotes/origin/master",
            ]
            .map(String::from),
        );
        let head = self.head()?;
        for name in candidates {
            let Ok(r) = self.repo.find_reference(&name) else {
                continue;
            };
            let Ok(c) = r.peel_to_commit() else { continue };
            let base = self
                .repo
                .merge_base(head.0, c.id())
                .with_context(|| format!("HEAD and {name} have no common commit"))?;
            let short = name
                .trim_start_matches("refs/heads/")
                .trim_start_matches("refs/remotes/")
                .to_string();
            return Ok((Rev(base), short));
        }
        bail!("no default branch found (tried origin/HEAD, main and master); give a range such as `oslog diff main..HEAD`")
    }

    /// The versions of a changed file on each side.
    fn file_diff(&self, t: &cache::Touched) -> Result<FileDiff> {
        let kind = line::kind_of(&t.file);
        Ok(FileDiff {
            old: self.committed(t.old.map(|id| (id, t.kinds[0])), kind, &t.file)?,
            new: self.committed(t.new.map(|id| (id, t.kinds[1])), kind, &t.file)?,
            file: t.file.clone(),
        })
    }

    /// What a commit holds at `file`: a record (decoded), or a link or submodule, which is not read.
    fn committed(
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
            self.decode_all(missing.iter().flat_map(|s| &s.files))?;
            for step in &missing {
                known.insert(step.id, Rc::new(self.step_entries(step)?));
            }
            if let Some(path) = &self.entries_file {
                let on_line: HashSet<Oid> = line.iter().map(|s| s.id).collect();
                let keep_all = known.len() <= on_line.len() + 50_000;
                let kept = known
                    .iter()
                    .filter(|(id, _)| keep_all || on_line.contains(id));
                // A cache that cannot be written costs only speed next time.
                let _ = cache::save_entries(path, &self.prefix, kept);
            }
        }
        Ok(line
            .iter()
            .filter_map(|step| {
                let entries = known.get(&step.id).filter(|e| !e.is_empty())?;
                Some(CommitChanges {
                    commit: Some(step.info()),
                    entries: entries.as_ref().clone(),
                })
            })
            .collect())
    }

    /// The record changes of one step, from its decoded files.
    fn step_entries(&self, step: &Step) -> Result<Vec<Entry>> {
        let diffs = self.step_diffs(step)?;
        let moves = self.confirmed_moves(step, &diffs)?;
        Ok(crate::trail::entries_with_moves(&diffs, &moves))
    }

    /// The cached record changes, if the cache agrees with the repository about `newest`, the newest
    /// commit of the walk that changed a record: its changes are computed again and must be the same.
    fn load_entries(&self, newest: Option<&Rc<Step>>) -> Result<Entries> {
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
    pub fn compare(&self, a: Rev, b: Option<Rev>) -> Result<Vec<Entry>> {
        let old_tree = self.commit(a.0)?.tree_id();
        if let Some(b) = b {
            let new_tree = self.commit(b.0)?.tree_id();
            return Ok(crate::trail::entries(
                &self.tree_diffs(Some(old_tree), Some(new_tree))?,
            ));
        }
        let mut diffs = Vec::new();
        for (dir, kind) in DIRS {
            let committed = entry_map(&*self.raw_tree(self.subtree(Some(old_tree), dir)?)?);
            let on_disk = self.disk_names(dir)?;
            let names: BTreeSet<&String> = committed.keys().chain(on_disk.iter()).collect();
            for name in names {
                let file = format!("{dir}/{name}");
                diffs.extend(self.worktree_diff(committed.get(name).copied(), kind, &file)?);
            }
        }
        Ok(crate::trail::entries(&diffs))
    }

    /// What a commit holds at each path of the log (relative to the log root), for loading the log
    /// as it was without a checkout: the bytes of each file, and links, submodules and folders as
    /// such, so that they are reported rather than read or passed over.
    pub fn files_at(&self, rev: Rev) -> Result<BTreeMap<PathBuf, Stored>> {
        let tree = self.commit(rev.0)?.tree_id();
        let content = |id: Oid, kind: Option<Kind>, rel: &Path| -> Result<Stored> {
            Ok(match kind {
                Some(Kind::File) => Stored::Blob(self.blob(id, &rel.to_string_lossy())?),
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

    fn blob(&self, id: Oid, file: &str) -> Result<Vec<u8>> {
        read_blob(&self.repo, id, file)
    }

    /// The id of a file (`want_tree` false) or folder under the log root in `tree`, read from the raw
    /// tree objects: looking a name up this way costs a scan of the bytes, not a parse of every entry.
    fn lookup(&self, tree: Oid, path: &str, want_tree: bool) -> Result<Option<Oid>> {
        Ok(match self.lookup_entry(tree, path, want_tree)? {
            Some((id, None)) if want_tree => Some(id),
            Some((id, Some(Kind::File))) if !want_tree => Some(id),
            _ => None,
        })
    }

    /// The id and kind of the file, link or submodule at `path` under the log root in `tree`.
    fn file_entry(&self, tree: Oid, path: &str) -> Result<Option<(Oid, Kind)>> {
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

    fn subtree(&self, tree: Option<Oid>, dir: &str) -> Result<Option<Oid>> {
        match tree {
            Some(t) => self.lookup(t, dir, true),
            None => Ok(None),
        }
    }

    /// A tree object, indexed (empty for none). The last few are kept, since a walk reads each tree
    /// twice: as a commit's, and as the parent of the commit before.
    fn raw_tree(&self, id: Option<Oid>) -> Result<Rc<RawTree>> {
        let Some(id) = id else {
            return Ok(Rc::new(RawTree::empty()));
        };
        if let Some((_, t)) = self.trees.borrow().iter().find(|(o, _)| *o == id) {
            return Ok(t.clone());
        }
        let t = Rc::new(RawTree::new(
            read_tree(&self.repo.odb()?, id)?.data().to_vec(),
        ));
        let mut trees = self.trees.borrow_mut();
        if trees.len() >= 8 {
            trees.remove(0);
        }
        trees.push((id, t.clone()));
        Ok(t)
    }

    /// The record in a blob, decoded once and remembered by blob id. A blob that reads but does not
    /// decode is `Unreadable`; one that cannot be read is an error (the repository is damaged).
    fn version(&self, id: Option<Oid>, kind: RecordKind, file: &str) -> Result<Version> {
        let Some(id) = id else {
            return Ok(Version::Absent);
        };
        if let Some(v) = self.cache.borrow().get(&id) {
            return Ok(v.clone());
        }
        let v = decode(kind, file, self.blob(id, file)?);
        self.cache.borrow_mut().insert(id, v.clone());
        Ok(v)
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
    fn worktree_diff(
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

/// An object of the repository that could not be read, or that does not hash to its id.
#[derive(Debug)]
struct Damaged(String);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Damaged {}

const FSCK: &str = "run `git fsck` to find the broken objects, then fetch them again or restore them from another clone";

/// The error for object `id` (`what` it is) that libgit2 could not read.
pub(super) fn damage(id: Oid, what: &str, err: &git2::Error) -> anyhow::Error {
    anyhow::Error::new(Damaged(format!(
        "the git repository is damaged: {what} {id} cannot be read ({}); {FSCK}",
        err.message().trim_end_matches('.')
    )))
}

/// A blob's bytes, read and checked against its id; `file` names it in an error.
pub(super) fn read_blob(repo: &Repository, id: Oid, file: &str) -> Result<Vec<u8>> {
    let what = format!("the blob of {file}");
    Ok(repo
        .find_blob(id)
        .map_err(|e| damage(id, &what, &e))?
        .content()
        .to_vec())
}

/// A tree object, read through libgit2 and checked against its id.
pub(super) fn read_tree<'a>(odb: &'a git2::Odb<'a>, id: Oid) -> Result<git2::OdbObject<'a>> {
    let obj = odb.read(id).map_err(|e| damage(id, "tree", &e))?;
    if obj.kind() != ObjectType::Tree {
        bail!("the git repository is damaged: object {id} is not a tree; {FSCK}");
    }
    Ok(obj)
}

/// The repository that holds the log at `root`, with the root (canonical) and the root's path in
/// the work tree: empty, or ending in `/`. A bare repository, or a root outside the work tree, is
/// refused.
pub(super) fn discover(root: &Path) -> Result<(Repository, PathBuf, String)> {
    let repo = Repository::discover(root).map_err(|_| {
        anyhow!(
            "{} is not in a git repository; the history commands, --as-of and --staged read the log's git repository (run `git init` and commit the log)",
            root.display()
        )
    })?;
    let workdir = repo.workdir().ok_or_else(|| {
        anyhow!(
            "the repository at {} is bare; run oslog in a clone with a work tree",
            repo.path().display()
        )
    })?;
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canon(root);
    let rel = root.strip_prefix(canon(workdir)).with_context(|| {
        format!(
            "the log root {} is outside the repository's work tree",
            root.display()
        )
    })?;
    let mut prefix = rel.to_string_lossy().replace('\\', "/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    Ok((repo, root, prefix))
}

/// Say plainly when an error comes from a damaged repository (an object that cannot be read or
/// inflated), which libgit2 reports only in its own terms.
pub fn explain_damage(err: anyhow::Error) -> anyhow::Error {
    if err.chain().any(|c| c.is::<Damaged>()) {
        return err;
    }
    let damage = err.chain().find_map(|cause| {
        cause.downcast_ref::<git2::Error>().filter(|e| {
            matches!(
                e.class(),
                ErrorClass::Odb | ErrorClass::Zlib | ErrorClass::Object
            ) && e.code() != ErrorCode::NotFound
        })
    });
    match damage.map(|e| e.message().to_string()) {
        Some(why) => err.context(format!("the git repository is damaged: {why}; {FSCK}")),
        None => err,
    }
}

/// The file name of a changed file in the actions folder.
fn action_file(t: &cache::Touched) -> Option<&str> {
    t.file.strip_prefix(ACTIONS_DIR)?.strip_prefix('/')
}

fn entry_map(raw: &RawTree) -> BTreeMap<String, (Oid, Kind)> {
    raw.iter()
        .filter_map(|e| Some((String::from_utf8_lossy(e.name).into_owned(), e.tracked()?)))
        .collect()
}

pub(super) fn decode(kind: RecordKind, file: &str, bytes: Vec<u8>) -> Version {
    if bytes.len() as u64 > store::MAX_FILE_BYTES {
        return Version::Unreadable;
    }
    match store::source_from_bytes(bytes) {
        Ok(src) => decode_source(kind, file, &src),
        Err(_) => Version::Unreadable,
    }
}

fn decode_source(kind: RecordKind, file: &str, src: &store::Source) -> Version {
    match store::decode_source(kind, Path::new(file), src).0 {
        Some(Record::Action(a)) => Version::Present(Rec::Action(a.value)),
        Some(Record::Milestone(m)) => Version::Present(Rec::Milestone(m.value)),
        _ => Version::Unreadable,
    }
}

fn info(c: &git2::Commit) -> CommitInfo {
    let t = c.time();
    describe(
        c.id(),
        t.seconds(),
        t.offset_minutes(),
        c.author().name().unwrap_or("?"),
        c.summary().unwrap_or(""),
    )
}

/// A commit as the history shows it; the date is the committer's, in the committer's time zone.
fn describe(id: Oid, seconds: i64, offset: i32, author: &str, summary: &str) -> CommitInfo {
    let local = seconds + i64::from(offset) * 60;
    let date = chrono::DateTime::from_timestamp(local, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default();
    let id = id.to_string();
    CommitInfo {
        short: id[..7].to_string(),
        id,
        author: author.to_string(),
        date,
        summary: summary.to_string(),
    }
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    (s.len() == 10)
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}
