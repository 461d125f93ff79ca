//! The log as staged: its files read from the git index, for `validate --staged` and
//! `fmt --check --staged`, so that a pre-commit hook checks exactly what is being committed. It
//! needs no commit (the first commit of a repository is checked too), so it does not go through
//! [`super::Repo::open`], which refuses a branch without one.

use crate::store::{Stored, ACTIONS_DIR, THEMES_FILE, TIMELINE_DIR};
use anyhow::{Context, Result};
use git2::{IndexEntry, IndexEntryExtendedFlag, Repository};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How an index entry records its stage: 0 for a merged path, 1 to 3 for the versions of a conflict.
const STAGE_MASK: u16 = 0x3000;

/// The log's files as staged for the next commit, by their path relative to the log root: themes.yaml
/// and everything under actions/ and timeline/. The index is the one git names in `GIT_INDEX_FILE`
/// when set (as it does for a hook under `git commit -a` or `git commit PATH`), else the repository's.
/// An intent-to-add entry (`git add -N`) is left out, as git leaves it out of the commit; a path in
/// conflict is [`Stored::Conflicted`].
pub fn staged_files(root: &Path) -> Result<BTreeMap<PathBuf, Stored>> {
    let (repo, _, prefix) = super::repo::discover(root)?;
    let index = match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) => {
            let path = std::env::current_dir()?.join(path);
            git2::Index::open(&path)
                .with_context(|| format!("cannot read the git index {}", path.display()))?
        }
        None => repo.index().context("cannot read the git index")?,
    };
    let mut out = BTreeMap::new();
    for entry in index.iter() {
        let Some(rel) = log_path(&entry.path, &prefix) else {
            continue;
        };
        if IndexEntryExtendedFlag::from_bits_truncate(entry.flags_extended).is_intent_to_add() {
            continue;
        }
        let stored = if entry.flags & STAGE_MASK != 0 {
            Stored::Conflicted
        } else if std::str::from_utf8(&entry.path).is_err() {
            Stored::BadName
        } else {
            stored(&repo, &entry)?
        };
        // A conflict's versions share one path; any of them makes the path conflicted.
        if out.get(&rel) != Some(&Stored::Conflicted) {
            out.insert(rel, stored);
        }
    }
    Ok(out)
}

/// The path of an entry relative to the log root, if it is one of the log's files.
fn log_path(path: &[u8], prefix: &str) -> Option<PathBuf> {
    let rel = path.strip_prefix(prefix.as_bytes())?;
    let rel = String::from_utf8_lossy(rel);
    let in_log = rel == THEMES_FILE
        || [ACTIONS_DIR, TIMELINE_DIR]
            .iter()
            .any(|dir| rel.strip_prefix(dir).is_some_and(|r| r.starts_with('/')));
    in_log.then(|| PathBuf::from(rel.as_ref()))
}

/// What a merged entry holds, by its mode: a file's bytes (unless too large to read), a link or a
/// submodule.
fn stored(repo: &Repository, entry: &IndexEntry) -> Result<Stored> {
    const LINK: u32 = 0o120000;
    const SUBMODULE: u32 = 0o160000;
    Ok(match entry.mode & 0o170000 {
        LINK => Stored::Symlink,
        SUBMODULE => Stored::Submodule,
        _ => super::repo::read_blob(repo, entry.id, &String::from_utf8_lossy(&entry.path))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_log_s_files_under_its_root() {
        let p = |path: &str, prefix: &str| log_path(path.as_bytes(), prefix);
        assert_eq!(p("themes.yaml", ""), Some(PathBuf::from("themes.yaml")));
        assert_eq!(
            p("log/actions/001.yaml", "log/"),
            Some(PathBuf::from("actions/001.yaml"))
        );
        assert_eq!(
            p("log/timeline/x/y.yaml", "log/"),
            Some(PathBuf::from("timeline/x/y.yaml"))
        );
        assert_eq!(p("actions/001.yaml", "log/"), None);
        assert_eq!(p("actionsx/001.yaml", ""), None);
        assert_eq!(p("README.md", ""), None);
        assert_eq!(p("log/themes.yaml.orig", "log/"), None);
    }
}
