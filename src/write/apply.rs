//! The last steps of every write: the log's lock, taken first (completing whatever an interrupted
//! write left), and the files written once the change has passed the checks, atomically, then with
//! `--commit` committed. With `--commit` the repository is prepared before anything is written (no
//! operation in progress, git's index held, no staged changes of the files that are not oslog's), so
//! that a change is committed whole or not written at all.

use crate::git::commit::{Committed, Committer};
use crate::store::{self, Lock, Recovery};
use crate::trail::FileDiff;
use anyhow::{bail, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One file a change writes: its path now and after (relative to the log root; the same unless the
/// file is renamed), and its new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    pub from: PathBuf,
    pub to: PathBuf,
    pub text: String,
}

/// The message of a commit, written from what it holds (the versions of each file it changes):
/// with `--commit`, the command layer passes `output::commit::message`.
pub type Message = fn(&[FileDiff]) -> String;

/// What a write did, for the command to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The file written, relative to the log root.
    pub file: PathBuf,
    /// The commit, with `--commit`.
    pub commit: Option<Committed>,
}

/// Take the write lock of the log at `root`, first completing what an interrupted write left, and
/// keep oslog's own files out of git. Every command that writes record files holds it.
pub fn lock(root: &Path) -> Result<(Lock, Recovery)> {
    let lock = Lock::acquire(root, store::LOCK_TIMEOUT)?;
    crate::git::exclude_own_files(root, store::GITIGNORE);
    let done = store::recover(&lock)?;
    Ok((lock, done))
}

/// Write `files`, which have passed the checks, under `lock`, and with `commit` commit exactly
/// the files they touch. One file rewritten in its place is replaced atomically; a renamed file, or
/// several, go through the journal, all or nothing.
pub fn write(lock: &Lock, files: &[Rewrite], commit: Option<Message>) -> Result<Option<Committed>> {
    for f in files {
        super::check::fits(&f.to, &f.text)?;
    }
    let root = lock.root();
    let touched: BTreeSet<PathBuf> = files
        .iter()
        .flat_map(|f| [f.from.clone(), f.to.clone()])
        .collect();
    let touched: Vec<PathBuf> = touched.into_iter().collect();
    let committer = prepare(root, &touched, commit)?;
    match files {
        [f] if f.from == f.to => store::write_atomic(&store::path_in(root, &f.to)?, &f.text)?,
        _ => write_all(lock, files)?,
    }
    committer
        .map(|(c, message)| c.commit(&touched, message))
        .transpose()
}

/// Write `files` under `lock` all or nothing, through the journal: if a step fails, the files
/// already written get their old contents back, and a write that is killed is completed by the
/// next writer (see `store/journal.rs`).
pub fn write_all(lock: &Lock, files: &[Rewrite]) -> Result<()> {
    for f in files {
        super::check::fits(&f.to, &f.text)?;
    }
    let replacements: Vec<store::Replacement> = files
        .iter()
        .map(|f| store::Replacement {
            from: &f.from,
            to: &f.to,
            contents: &f.text,
        })
        .collect();
    store::replace_all(lock, &replacements)
}

/// Create the record file `file`, which has passed the checks, under `lock` with `text`, never over
/// a file that exists; with `commit`, commit it.
pub fn create(lock: &Lock, file: PathBuf, text: &str, commit: Option<Message>) -> Result<Written> {
    super::check::fits(&file, text)?;
    let root = lock.root();
    let committer = prepare(root, std::slice::from_ref(&file), commit)?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(root.join(dir))?;
    }
    if !store::create_new(&store::path_in(root, &file)?, text)? {
        bail!("{} already exists", file.display());
    }
    finish(file, committer)
}

/// With `--commit`, the repository prepared before anything is written: no operation in progress,
/// git's index held, and no staged changes of `files` that are not oslog's.
pub(super) fn prepare(
    root: &Path,
    files: &[PathBuf],
    commit: Option<Message>,
) -> Result<Option<(Committer, Message)>> {
    let Some(message) = commit else {
        return Ok(None);
    };
    let c = Committer::prepare(root)?;
    c.refuse_staged(files)?;
    Ok(Some((c, message)))
}

/// Commit the file written, with the repository prepared before.
pub(super) fn finish(file: PathBuf, committer: Option<(Committer, Message)>) -> Result<Written> {
    let commit = match committer {
        Some((c, message)) => Some(c.commit(std::slice::from_ref(&file), message)?),
        None => None,
    };
    Ok(Written { file, commit })
}
