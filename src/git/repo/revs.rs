//! Commits by name: HEAD, a revision or a day resolved to a commit, merge bases and ancestry, the
//! default branch a diff starts from, and who made a commit and when.

use super::damage::damage;
use super::{Bound, Repo, Rev};
use crate::git::raw_commit::CommitFacts;
use crate::trail::CommitInfo;
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use git2::{Oid, Sort};
use std::collections::HashMap;
use std::path::PathBuf;

impl Repo {
    /// The commit HEAD points at.
    pub fn head(&self) -> Result<Rev> {
        let id = self.repo.head()?.target().context("HEAD is not a commit")?;
        Ok(Rev(self.commit(id)?.id()))
    }

    /// A commit, read and checked against its id.
    pub(super) fn commit(&self, id: Oid) -> Result<git2::Commit<'_>> {
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
        if let Ok(day) = crate::model::LogDate::parse_day(spec) {
            return Ok(Bound::Date(day));
        }
        match self.repo.revparse_single(spec) {
            Ok(obj) => Ok(Bound::Rev(Self::peel(spec, obj)?)),
            Err(_) => {
                bail!("`{spec}` is neither a day (YYYY-MM-DD) nor a revision of this repository")
            }
        }
    }

    fn peel(spec: &str, obj: git2::Object<'_>) -> Result<Rev> {
        let c = obj
            .peel_to_commit()
            .map_err(|_| anyhow!("`{spec}` does not name a commit"))?;
        Ok(Rev(c.id()))
    }

    /// The merge base of HEAD and `other`.
    pub fn merge_base_with_head(&self, other: Rev) -> Result<Rev> {
        self.merge_base(self.head()?, other)
    }

    /// The best common ancestor of `a` and `b`, where `a...b` starts.
    pub fn merge_base(&self, a: Rev, b: Rev) -> Result<Rev> {
        match self.repo.merge_base(a.0, b.0) {
            Ok(base) => Ok(Rev(base)),
            Err(_) if !self.grafts.is_empty() => bail!(
                "{} and {} have no common commit in this shallow clone; fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` in a workflow)",
                a.short(),
                b.short()
            ),
            Err(_) => bail!(
                "{} and {} have no common commit, so there is no merge base to start from",
                a.short(),
                b.short()
            ),
        }
    }

    /// Whether `a` is `b` or one of its ancestors, so that `a..b` holds only `b`'s own changes.
    pub fn is_ancestor(&self, a: Rev, b: Rev) -> Result<bool> {
        Ok(a == b || self.repo.graph_descendant_of(b.0, a.0)?)
    }

    /// The branch a change is compared with (`validate --base`, `renumber --onto`): a revision, not
    /// a day, and its merge base with HEAD. A checkout of one commit (a shallow clone, as
    /// actions/checkout makes by default) lacks the base branch or the history that joins it to
    /// HEAD, so then the error says how to fetch the whole history.
    pub fn base(&self, spec: &str) -> Result<(Rev, Rev)> {
        let shallow = |e: anyhow::Error| {
            if self.shallow() {
                anyhow!("{e}; this clone is shallow: check out the whole history (`fetch-depth: 0` with actions/checkout) or run `git fetch --unshallow`")
            } else {
                e
            }
        };
        let obj = self
            .repo
            .revparse_single(spec)
            .map_err(|_| shallow(anyhow!("`{spec}` is not a revision of this repository")))?;
        let rev = Self::peel(spec, obj)?;
        let base = self
            .repo
            .merge_base(self.head()?.0, rev.0)
            .map_err(|_| shallow(anyhow!("HEAD and `{spec}` have no common commit")))?;
        Ok((rev, Rev(base)))
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

    pub(super) fn first_parent_walk(
        &self,
        tip: Rev,
        stop: Option<Rev>,
    ) -> Result<git2::Revwalk<'_>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL)?;
        walk.simplify_first_parent()?;
        walk.push(tip.0)?;
        if let Some(s) = stop {
            walk.hide(s.0)?;
        }
        Ok(walk)
    }

    /// The branch `oslog diff` compares with by default: `origin/HEAD`, else `main` or `master`
    /// (local, then `origin`'s), with its name as the user writes it.
    pub fn default_branch(&self) -> Result<(Rev, String)> {
        let mut candidates = Vec::new();
        if let Ok(r) = self.repo.find_reference("refs/remotes/origin/HEAD") {
            if let Ok(Some(t)) = r.symbolic_target() {
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
        for name in candidates {
            let Ok(r) = self.repo.find_reference(&name) else {
                continue;
            };
            let Ok(c) = r.peel_to_commit() else { continue };
            let short = name
                .trim_start_matches("refs/heads/")
                .trim_start_matches("refs/remotes/")
                .to_string();
            return Ok((Rev(c.id()), short));
        }
        bail!("no default branch found (tried origin/HEAD, main and master); give a range such as `oslog diff main...HEAD`")
    }
}

pub(super) fn info(c: &git2::Commit) -> CommitInfo {
    let f = CommitFacts::of(c);
    describe(c.id(), f.time, f.offset, &f.author, &f.summary)
}

/// A commit as the history shows it; the date is the committer's, in the committer's time zone.
pub(super) fn describe(
    id: Oid,
    seconds: i64,
    offset: i32,
    author: &str,
    summary: &str,
) -> CommitInfo {
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
