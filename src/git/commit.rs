//! `--commit`: record a change oslog made as one git commit holding exactly the files it touched, made
//! completely or not at all. `Committer::prepare` runs before any file is written: it refuses a
//! repository in the middle of a merge, rebase, cherry-pick, revert, bisect or `git am`, an index with
//! unmerged paths, and an index another git process holds, and then holds git's `index.lock` itself
//! (created exclusively, as git does) until the end, so that no git process changes the index
//! meanwhile. `Committer::commit` then does every step that can fail first (the objects, and the new
//! index written into the held lock file and synced) and moves HEAD last: the ref update is the single
//! commit point, after which the lock is renamed over the index. A failure before it leaves HEAD and
//! the index as they were, and the error says so and how to commit the written files by hand.
//!
//! The commit is built from HEAD's tree plus the touched files, so other staged work stays staged and
//! out of the commit. Its message is written by the caller from what the commit holds: the versions
//! of the touched files in HEAD and on disk ([`FileDiff`]). No hooks run.

use super::repo::{decode, read_blob};
use crate::store::{fault, RecordKind, Stored, ACTIONS_DIR, TIMELINE_DIR};
use crate::trail::FileDiff;
use anyhow::{anyhow, bail, Context, Result};
use git2::{Index, IndexEntry, IndexTime, Oid, Repository, RepositoryState};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A repository prepared for committing some files of the log, holding git's index lock.
pub struct Committer {
    repo: Repository,
    /// The repository's working folder.
    workdir: PathBuf,
    /// The log root relative to the working folder.
    prefix: PathBuf,
    lock: IndexLock,
}

/// A commit that was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The abbreviated commit id.
    pub short: String,
    /// Whether HEAD was detached, so that the commit is on no branch.
    pub detached: bool,
}

/// Git's `index.lock`, created exclusively and held until it is renamed over the index; dropped
/// while still held (a failure), it is removed. A process killed while holding it leaves it behind,
/// as a crashed git does.
struct IndexLock {
    path: PathBuf,
    index: PathBuf,
    file: File,
    held: bool,
}

impl IndexLock {
    fn take(index: &Path) -> Result<IndexLock> {
        let path = index.with_file_name("index.lock");
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => Ok(IndexLock {
                path,
                index: index.to_path_buf(),
                file,
                held: true,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "--commit: git's index is locked ({} exists): another git process is running in this repository (an editor may run one in the background), or one crashed and left the file behind; wait for it and run oslog again, or if no git process is running, remove {} and run again; nothing was written",
                path.display(),
                path.display()
            ),
            Err(e) => Err(e).with_context(|| {
                format!("--commit: cannot create {}; nothing was written", path.display())
            }),
        }
    }

    /// Fill the held lock file with the new index and sync it.
    fn fill(&mut self, bytes: &[u8]) -> Result<()> {
        self.file.write_all(bytes)?;
        self.file.sync_all()?;
        Ok(())
    }

    /// Rename the lock over the index: the new index takes effect and the lock is released.
    fn commit(&mut self) -> Result<()> {
        std::fs::rename(&self.path, &self.index)?;
        self.held = false;
        Ok(())
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if self.held {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What is in progress in a repository that is not in a clean state, and how to end it.
fn in_progress(state: RepositoryState) -> Option<(&'static str, &'static str)> {
    use RepositoryState::*;
    Some(match state {
        Clean => return None,
        Merge => (
            "a merge",
            "finish it with `git commit` or abandon it with `git merge --abort`",
        ),
        Revert | RevertSequence => (
            "a revert",
            "finish it with `git revert --continue` or abandon it with `git revert --abort`",
        ),
        CherryPick | CherryPickSequence => (
            "a cherry-pick",
            "finish it with `git cherry-pick --continue` or abandon it with `git cherry-pick --abort`",
        ),
        Bisect => ("a bisect", "end it with `git bisect reset`"),
        Rebase | RebaseInteractive | RebaseMerge => (
            "a rebase",
            "finish it with `git rebase --continue` or abandon it with `git rebase --abort`",
        ),
        ApplyMailbox => (
            "`git am`",
            "finish it with `git am --continue` or abandon it with `git am --abort`",
        ),
        ApplyMailboxOrRebase => (
            "a rebase or `git am`",
            "finish it (`git rebase --continue` or `git am --continue`) or abandon it (`--abort`)",
        ),
    })
}

impl Committer {
    /// Open the repository holding the log at `root`, refuse one that cannot take a commit now
    /// (an operation in progress, unmerged paths, a held index, no identity), and take git's index
    /// lock. Called before anything is written.
    pub fn prepare(root: &Path) -> Result<Committer> {
        let repo = Repository::discover(root)
            .with_context(|| format!("--commit: {} is not in a git repository", root.display()))?;
        let workdir = repo
            .workdir()
            .context("--commit: the repository has no working folder")?
            .canonicalize()?;
        let prefix = root
            .canonicalize()?
            .strip_prefix(&workdir)
            .context("--commit: the log is outside the repository's working folder")?
            .to_path_buf();
        if let Some((what, how)) = in_progress(repo.state()) {
            bail!("--commit: {what} is in progress in this repository; {how}, then run oslog again; nothing was written");
        }
        repo.signature().context(
            "--commit: no git identity; set user.name and user.email (git config --global user.name …)",
        )?;
        let index = repo.index().context("--commit: cannot read git's index")?;
        let index_path = index
            .path()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.path().join("index"));
        let lock = IndexLock::take(&index_path)?;
        // Read again under the lock: what another process left before we took it.
        let index = Index::open(&index_path)?;
        if index.has_conflicts() {
            bail!("--commit: git's index has unmerged paths (`git status` lists them); resolve and `git add` them, or undo with `git reset --merge`, then run oslog again; nothing was written");
        }
        fault::point("commit-locked")?;
        Ok(Committer {
            repo,
            workdir,
            prefix,
            lock,
        })
    }

    /// Refuse if any of `files` (relative to the log root) has staged changes that are not oslog's.
    pub fn refuse_staged(&self, files: &[PathBuf]) -> Result<()> {
        let index = Index::open(&self.lock.index)?;
        let head = self.head_tree()?;
        for f in files {
            let p = self.prefix.join(f);
            let staged = index.get_path(&p, 0).map(|e| e.id);
            let committed = head
                .as_ref()
                .and_then(|t| t.get_path(&p).ok())
                .map(|e| e.id());
            if staged != committed {
                bail!(
                    "--commit: {} has staged changes; commit or unstage them first (git restore --staged {}); nothing was written",
                    p.display(),
                    p.display()
                );
            }
        }
        Ok(())
    }

    fn head_tree(&self) -> Result<Option<git2::Tree<'_>>> {
        Ok(match self.repo.head() {
            Ok(h) => Some(h.peel_to_tree()?),
            Err(_) => None,
        })
    }

    /// Commit `files` (relative to the log root) as they now are on disk, with the message
    /// `describe` writes from their versions in HEAD and on disk. Either HEAD and the index both
    /// take the commit, or neither changes and the error says how to commit by hand.
    pub fn commit(
        mut self,
        files: &[PathBuf],
        describe: impl FnOnce(&[FileDiff]) -> String,
    ) -> Result<Committed> {
        // No HEAD commit means an unborn branch: the commit is its first.
        let parent = self.repo.head().ok().and_then(|h| h.target());
        let detached = self.repo.head_detached().unwrap_or(false);
        let mut message = None;
        let made = self.make(files, parent, describe, &mut message);
        // The ref update is the last step and either happens or not: after any error, nothing of
        // oslog's is committed.
        let oid = match made {
            Ok(oid) => oid,
            Err(e) => {
                let moved = self.repo.head().ok().and_then(|h| h.target()) != parent;
                return Err(self.nothing_committed(e, files, message.as_deref(), moved));
            }
        };
        let short = oid.to_string()[..7].to_string();
        let finished = fault::point("commit-index-rename").and_then(|()| self.lock.commit());
        if let Err(e) = finished {
            let paths = self.shown(files);
            bail!(
                "--commit: committed {short}, but git's index could not be updated ({e:#}), so it still holds the old version of {}; so that your next commit does not undo this one, run: {}",
                paths.join(", "),
                self.git_command(&format!("reset -q -- {}", quote_all(&paths)))
            );
        }
        Ok(Committed { short, detached })
    }

    /// Every step that can fail, the ref update last: the objects, the new index in the held lock,
    /// then HEAD.
    fn make(
        &mut self,
        files: &[PathBuf],
        parent: Option<Oid>,
        describe: impl FnOnce(&[FileDiff]) -> String,
        message: &mut Option<String>,
    ) -> Result<Oid> {
        let repo = &self.repo;
        let parent = parent.map(|id| repo.find_commit(id)).transpose()?;
        let parent = parent.as_ref();
        let head_tree = parent.map(|p| p.tree()).transpose()?;
        let mut diffs = Vec::new();
        let mut contents = Vec::new();
        for f in files {
            let path = self.prefix.join(f);
            let on_disk = self.workdir.join(&path);
            let bytes = match std::fs::symlink_metadata(&on_disk) {
                Ok(_) => Some(
                    std::fs::read(&on_disk)
                        .with_context(|| format!("cannot read {}", on_disk.display()))?,
                ),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot read {}", on_disk.display()))
                }
            };
            let old = head_tree
                .as_ref()
                .and_then(|t| t.get_path(&path).ok())
                .map(|e| (e.id(), e.filemode()));
            let kind = kind_of(f);
            let file = f.to_string_lossy().replace('\\', "/");
            diffs.push(FileDiff {
                old: match old {
                    Some((id, _)) => decode(kind, &file, read_blob(repo, id, &file)?),
                    None => crate::trail::Version::Absent,
                },
                new: match &bytes {
                    Some(b) => decode(kind, &file, Stored::Blob(b.clone())),
                    None => crate::trail::Version::Absent,
                },
                file,
            });
            contents.push((path, bytes, old.map(|(_, mode)| mode as u32)));
        }
        *message = Some(describe(&diffs));

        fault::point("commit-objects")?;
        let mut tree_index = Index::new()?;
        if let Some(t) = &head_tree {
            tree_index.read_tree(t)?;
        }
        let mut taken = Vec::new();
        for (path, bytes, mode) in contents {
            let blob = match bytes {
                None => {
                    tree_index.remove_path(&path)?;
                    None
                }
                Some(b) => {
                    let id = repo.blob(&b)?;
                    let mode = mode.unwrap_or(0o100644);
                    let mut entry = entry(&path, id, mode);
                    entry.file_size = b.len() as u32;
                    tree_index.add(&entry)?;
                    Some((id, mode))
                }
            };
            taken.push(Taken { path, blob });
        }
        let tree = repo.find_tree(tree_index.write_tree_to(repo)?)?;

        fault::point("commit-index")?;
        let new_index = self.new_index(&taken)?;
        self.lock.fill(&new_index)?;

        fault::point("commit-ref")?;
        let sig = repo.signature()?;
        let parents: Vec<&git2::Commit> = parent.into_iter().collect();
        let text = message.as_deref().unwrap_or_default();
        Ok(repo.commit(Some("HEAD"), &sig, &sig, text, &tree, &parents)?)
    }

    /// The bytes of git's index with the touched files staged as committed (stat data from disk, so
    /// that `git status` sees them clean), and every other entry as it was.
    fn new_index(&self, taken: &[Taken]) -> Result<Vec<u8>> {
        let git_dir = self.lock.index.parent().unwrap_or(Path::new("."));
        let scratch = tempfile::Builder::new()
            .prefix("oslog-index-")
            .tempfile_in(git_dir)
            .context("cannot create a temporary index")?;
        match std::fs::read(&self.lock.index) {
            Ok(bytes) => std::fs::write(scratch.path(), bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::remove_file(scratch.path())?
            }
            Err(e) => return Err(e).context("cannot read git's index"),
        }
        let mut index = Index::open(scratch.path())?;
        for Taken { path, blob } in taken {
            match blob {
                None => {
                    let _ = index.remove_path(path);
                }
                Some((id, mode)) => {
                    let mode = index.get_path(path, 0).map_or(*mode, |staged| staged.mode);
                    let mut e = entry(path, *id, mode);
                    stat_into(&mut e, &self.workdir.join(path));
                    index.add(&e)?;
                }
            }
        }
        index.write()?;
        let bytes = std::fs::read(scratch.path())?;
        Ok(bytes)
    }

    /// The error for a failure before the ref update: nothing was committed; the files hold the
    /// change; the commands that commit it by hand.
    fn nothing_committed(
        &self,
        e: anyhow::Error,
        files: &[PathBuf],
        message: Option<&str>,
        head_moved: bool,
    ) -> anyhow::Error {
        let on_disk: Vec<String> = files
            .iter()
            .filter(|f| self.workdir.join(self.prefix.join(f)).exists())
            .map(|f| f.display().to_string())
            .collect();
        let paths = self.shown(files);
        let commit = match message.and_then(|m| m.lines().next()) {
            Some(subject) => format!("commit -m {} -- {}", quote(subject), quote_all(&paths)),
            None => format!("commit -- {}", quote_all(&paths)),
        };
        let state = if head_moved {
            "git's index is as it was, and HEAD was moved meanwhile by another process"
        } else {
            "HEAD and git's index are as they were"
        };
        anyhow!(
            "--commit failed: {e:#}; nothing was committed ({state}); {} {} the change; to commit it by hand, run: {} && {}",
            on_disk.join(", "),
            if on_disk.len() == 1 { "holds" } else { "hold" },
            self.git_command(&format!("add -A -- {}", quote_all(&paths))),
            self.git_command(&commit)
        )
    }

    /// The touched files as git names them, relative to the top of the working folder.
    fn shown(&self, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|f| self.prefix.join(f).to_string_lossy().replace('\\', "/"))
            .collect()
    }

    /// A git command line that runs in the working folder, wherever the user is.
    fn git_command(&self, args: &str) -> String {
        let cwd = std::env::current_dir().and_then(|c| c.canonicalize()).ok();
        if cwd.as_deref() == Some(self.workdir.as_path()) {
            format!("git {args}")
        } else {
            format!("git -C {} {args}", quote(&self.workdir.to_string_lossy()))
        }
    }
}

/// A touched file as the commit takes it.
struct Taken {
    /// The path relative to the working folder.
    path: PathBuf,
    /// Its blob and mode; `None` for a file removed.
    blob: Option<(Oid, u32)>,
}

/// What kind of record a file of the log holds, from its folder.
fn kind_of(file: &Path) -> RecordKind {
    match file
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
    {
        Some(TIMELINE_DIR) => RecordKind::Milestone,
        Some(ACTIONS_DIR) => RecordKind::Action,
        _ => RecordKind::Themes,
    }
}

fn entry(path: &Path, id: Oid, mode: u32) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.to_string_lossy().replace('\\', "/").into_bytes(),
    }
}

/// The file's stat data, as git records it in the index.
#[cfg(unix)]
fn stat_into(e: &mut IndexEntry, file: &Path) {
    use std::os::unix::fs::MetadataExt;
    if let Ok(m) = std::fs::symlink_metadata(file) {
        e.ctime = IndexTime::new(m.ctime() as i32, m.ctime_nsec() as u32);
        e.mtime = IndexTime::new(m.mtime() as i32, m.mtime_nsec() as u32);
        e.dev = m.dev() as u32;
        e.ino = m.ino() as u32;
        e.uid = m.uid();
        e.gid = m.gid();
        e.file_size = m.size() as u32;
    }
}

#[cfg(not(unix))]
fn stat_into(_: &mut IndexEntry, _: &Path) {}

/// A word for a POSIX shell: as it is when it is safe, otherwise in single quotes.
fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn quote_all(words: &[String]) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(quote("log/actions/016.yaml"), "log/actions/016.yaml");
        assert_eq!(quote("Action 16: add"), "'Action 16: add'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn files_are_read_as_the_records_of_their_folder() {
        assert_eq!(kind_of(Path::new("actions/016.yaml")), RecordKind::Action);
        assert_eq!(
            kind_of(Path::new("timeline/2019-09-x.yaml")),
            RecordKind::Milestone
        );
    }
}
