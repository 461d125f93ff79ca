//! `--commit`: record a change oslog made as one git commit holding exactly the files it touched, with
//! the user's git identity and trailers that say what changed (`Oslog-Action: 16`). The commit is built
//! from HEAD's tree plus those files, so other staged work stays staged and out of the commit; if the
//! touched files themselves hold staged changes, the command refuses before writing anything.

use anyhow::{bail, Context, Result};
use git2::{Index, Repository, Signature};
use std::path::{Path, PathBuf};

/// A repository prepared for committing some files of the log.
pub struct Committer {
    repo: Repository,
    /// The touched files, relative to the repository's working folder.
    paths: Vec<PathBuf>,
}

impl Committer {
    /// Open the repository holding the log at `root`, and refuse if any of `files` (relative to `root`)
    /// has staged changes that are not oslog's, or if there is no identity to commit with.
    pub fn prepare(root: &Path, files: &[PathBuf]) -> Result<Committer> {
        let repo = Repository::discover(root)
            .with_context(|| format!("--commit: {} is not in a git repository", root.display()))?;
        if repo.state() != git2::RepositoryState::Clean {
            bail!("--commit: git is in the middle of a merge (or a rebase, cherry-pick or revert), which a commit of oslog's own would not finish; run the command without --commit, then finish with `git add` and `git commit`");
        }
        let workdir = repo
            .workdir()
            .context("--commit: the repository has no working folder")?
            .canonicalize()?;
        let root = root.canonicalize()?;
        let prefix = root
            .strip_prefix(&workdir)
            .context("--commit: the log is outside the repository's working folder")?
            .to_path_buf();
        let paths: Vec<PathBuf> = files.iter().map(|f| prefix.join(f)).collect();
        repo.signature().context(
            "--commit: no git identity; set user.name and user.email (git config --global user.name …)",
        )?;
        let head_tree = match repo.head() {
            Ok(h) => Some(h.peel_to_tree()?),
            Err(_) => None,
        };
        let index = repo.index()?;
        let head_tree = head_tree.map(|t| t.id());
        for p in &paths {
            let staged = index.get_path(p, 0).map(|e| e.id);
            let committed = match head_tree {
                Some(t) => repo.find_tree(t)?.get_path(p).ok().map(|e| e.id()),
                None => None,
            };
            if staged != committed {
                bail!(
                    "--commit: {} has staged changes; commit or unstage them first (git restore --staged {})",
                    p.display(),
                    p.display()
                );
            }
        }
        Ok(Committer { repo, paths })
    }

    /// Commit the touched files as they now are on disk, with `message`; returns the short commit id.
    pub fn commit(&self, message: &str) -> Result<String> {
        let repo = &self.repo;
        let sig: Signature = repo.signature()?;
        let parent = match repo.head() {
            Ok(h) => Some(h.peel_to_commit()?),
            Err(_) => None,
        };
        // A fresh index from HEAD, with only our files changed: the commit's tree.
        let mut index = Index::new()?;
        if let Some(p) = &parent {
            index.read_tree(&p.tree()?)?;
        }
        let workdir = repo.workdir().context("no working folder")?.to_path_buf();
        for p in &self.paths {
            // A file oslog removed (the old name of a renamed record) leaves the commit too.
            if std::fs::symlink_metadata(workdir.join(p)).is_err() {
                index.remove_path(p)?;
                continue;
            }
            let bytes = std::fs::read(workdir.join(p))
                .with_context(|| format!("--commit: cannot read {}", p.display()))?;
            let mut entry = entry_for(p);
            entry.id = repo.blob(&bytes)?;
            entry.file_size = bytes.len() as u32;
            index.add(&entry)?;
        }
        let tree = repo.find_tree(index.write_tree_to(repo)?)?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let oid = repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)?;
        // Stage the same files in the real index so that `git status` shows them as committed.
        let mut real = repo.index()?;
        for p in &self.paths {
            if workdir.join(p).exists() {
                real.add_path(p)?;
            } else {
                real.remove_path(p)?;
            }
        }
        real.write()?;
        Ok(oid.to_string()[..7].to_string())
    }
}

fn entry_for(path: &Path) -> git2::IndexEntry {
    git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: git2::Oid::zero(),
        flags: 0,
        flags_extended: 0,
        path: path.to_string_lossy().replace('\\', "/").into_bytes(),
    }
}

/// A commit message: a subject, a blank line, and `Key: value` trailers.
pub fn message(subject: &str, trailers: &[(&str, String)]) -> String {
    let mut m = format!("{subject}\n\n");
    for (k, v) in trailers {
        m.push_str(&format!("{k}: {v}\n"));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_end_with_trailers() {
        assert_eq!(
            message(
                "Action 16: ongoing → complete",
                &[
                    ("Oslog-Action", "16".into()),
                    ("Oslog-Status", "ongoing -> complete".into())
                ]
            ),
            "Action 16: ongoing → complete\n\nOslog-Action: 16\nOslog-Status: ongoing -> complete\n"
        );
    }
}
