//! The log's git repository: opening it with clear messages at the edges (no repository, no commits,
//! detached HEAD, shallow clone), resolving `DATE|REV`, reading records at a commit without a checkout,
//! and walking the history for the audit trail. This file holds the repository itself; its concerns
//! have files of their own: commits by name (`revs.rs`), records read from objects (`objects.rs`),
//! the first-parent line (`line.rs`), the record changes along it (`changes.rs`), the trail of one
//! record (`trail.rs`), the numbers history has used (`numbers.rs`) and damage (`damage.rs`).
//!
//! The walk follows first parents only: a merge is compared with its first parent, so the changes a
//! merged branch brings in appear once, in the merge commit, and the trail of each record is one chain
//! in which every change starts from the value the previous one left. For speed it never diffs whole
//! trees: a commit whose `actions/` and `timeline/` subtree ids equal its parent's is skipped, entry ids
//! are compared before any blob is read, and only the blobs that changed are parsed (each at most once).

mod changes;
mod damage;
mod line;
pub(super) mod numbers;
mod objects;
mod revs;
mod trail;

pub use changes::Commit;
pub use damage::explain_damage;
use objects::read_blob_from;
pub(in crate::git) use objects::{decode, read_blob, read_tree};

use super::cache::{self, Known};
use super::graph::Graph;
use super::raw_commit::CommitFacts;
use super::tree::RawTree;
use crate::store::{RecordKind, ACTIONS_DIR, TIMELINE_DIR};
use crate::trail::Version;
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use git2::{ErrorCode, Oid, Repository};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
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
    /// How many more times the part of a walk being worked on asks for each decoded record (see
    /// `changes.rs`): at the last, the record leaves `cache` rather than being copied.
    uses: RefCell<HashMap<Oid, usize>>,
    /// The history cache's file (`None` when it is turned off), and the steps known so far.
    cache_file: Option<PathBuf>,
    known: RefCell<Option<Known>>,
    /// The record-changes cache's file.
    entries_file: Option<PathBuf>,
    /// The last few raw tree objects read.
    trees: RefCell<Vec<(Oid, Rc<RawTree>)>>,
    /// The commits of every line walked so far, whose steps the history cache keeps.
    walked: RefCell<HashSet<Oid>>,
    /// git's commit-graph, opened when first needed (`None` when there is none, or it cannot be
    /// used); cleared if it ever disagrees with the objects.
    graph: RefCell<Option<Option<Rc<Graph>>>>,
    /// The pack reader of a walk that reads a few commits at a time (see `line.rs`).
    packs: RefCell<Option<super::pack::Packs>>,
    /// The pack reader of commits and root trees (see `objects.rs`), and how many objects were
    /// asked of it before it was opened.
    small: RefCell<Option<super::pack::Packs>>,
    asked: std::cell::Cell<usize>,
    /// Whether commits may be parsed from their bytes: not where grafts give commits other parents.
    raw_commits: bool,
    /// The pack files, whose indexes every pack reader of the run shares.
    indexes: super::pack::Indexes,
    /// Pack readers for the worker threads of a walk, kept from one piece of work to the next.
    readers: RefCell<Vec<super::pack::Packs>>,
    /// The last commits read, with the ids of their `DIRS` folders (see `line.rs`).
    read: RefCell<Vec<(Oid, Rc<Read>)>>,
    /// Steps computed outside a whole walk of the line, not yet in the history cache's file.
    unsaved: std::cell::Cell<bool>,
}

/// A commit as a walk reads it: its facts and the ids of its `DIRS` folders.
struct Read {
    facts: CommitFacts,
    dirs: Vec<Option<Oid>>,
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
        // libgit2 keeps every small object it parses (a walk's commits and root trees) until the
        // process ends, up to 256 MiB: memory a walk of thousands of commits does not get back. The
        // walk keeps what it needs itself (the history cache's steps, the last few trees).
        git2::opts::enable_caching(false);
        let (repo, root, prefix) = discover(root)?;
        match repo.head() {
            Ok(_) => {}
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
                let branch = repo
                    .find_reference("HEAD")
                    .ok()
                    .and_then(|r| {
                        r.symbolic_target()
                            .ok()
                            .flatten()
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
        // libgit2 gives a grafted commit the parents its `shallow` or `info/grafts` file names.
        let grafted = [repo.path(), repo.commondir()]
            .iter()
            .any(|d| d.join("shallow").exists() || d.join("info").join("grafts").exists());
        Ok(Repo {
            indexes: super::pack::Indexes::new(&repo.commondir().join("objects")),
            cache_file: cache::path(repo.commondir(), &prefix, cache::Kind::Steps),
            entries_file: cache::path(repo.commondir(), &prefix, cache::Kind::Entries),
            repo,
            root,
            prefix,
            grafts,
            detached,
            cache: RefCell::new(HashMap::new()),
            uses: RefCell::new(HashMap::new()),
            known: RefCell::new(None),
            trees: RefCell::new(Vec::new()),
            walked: RefCell::new(HashSet::new()),
            graph: RefCell::new(None),
            packs: RefCell::new(None),
            small: RefCell::new(None),
            asked: std::cell::Cell::new(0),
            raw_commits: !grafted,
            readers: RefCell::new(Vec::new()),
            read: RefCell::new(Vec::new()),
            unsaved: std::cell::Cell::new(false),
        })
    }

    /// Warnings that belong with any answer read from the history that runs back from HEAD.
    pub fn warnings(&self) -> Vec<String> {
        let detached = self
            .detached
            .as_ref()
            .map(|at| format!("HEAD is detached at {at}; the history runs back from that commit"));
        detached.into_iter().chain(self.shallow_warning()).collect()
    }

    /// The warning that belongs with a comparison of named commits, which does not depend on where
    /// HEAD is (a workflow checks a pull request out detached): only a shallow clone's.
    pub fn shallow_warning(&self) -> Option<String> {
        let at: Vec<String> = self.grafts.iter().map(|o| Rev(*o).short()).collect();
        (!at.is_empty()).then(|| format!(
            "this is a shallow clone: the trail starts at the graft ({}); earlier changes are not known (run `git fetch --unshallow` for the whole history)",
            at.join(", ")
        ))
    }

    /// Whether the clone is shallow.
    pub fn shallow(&self) -> bool {
        !self.grafts.is_empty()
    }
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
