//! Number collisions against a base revision, for `oslog validate --base`: the action numbers and
//! milestone ids this branch adds that the base has meanwhile given to other records, and the links
//! and submodules the base has in a record's place, which hide whatever they stand for. `oslog
//! renumber --onto` moves the records this finds (see `write/renumber.rs`).

use crate::diag::{Code, Diagnostic};
use crate::store::{self, Log, Stored};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A record this branch adds whose number (or milestone id) the base revision has meanwhile given
/// to a different record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    /// The action number, or `None` for a milestone.
    pub action: Option<u32>,
    /// The id as written: `139` or `2019-10-workshop-7`.
    pub id: String,
    /// The branch's file.
    pub file: PathBuf,
    /// The base revision's file and title.
    pub theirs: PathBuf,
    pub their_title: String,
}

/// The records of `tree` that are absent at `merge_base` and whose id `rev` holds for a record that
/// is also absent at `merge_base` and is not the same record (same title and raised, or same title and
/// date for a milestone).
pub fn branch_collisions(tree: &Log, merge_base: &Log, rev: &Log) -> Vec<Collision> {
    let mut out = Vec::new();
    let base_ids: BTreeSet<u32> = merge_base.actions.iter().map(|a| a.value.id).collect();
    for a in tree
        .actions
        .iter()
        .filter(|a| !base_ids.contains(&a.value.id))
    {
        let theirs = rev
            .actions
            .iter()
            .find(|r| r.value.id == a.value.id && !r.value.same_record(&a.value));
        if let Some(r) = theirs {
            out.push(Collision {
                action: Some(a.value.id),
                id: a.value.id.to_string(),
                file: a.file.clone(),
                theirs: r.file.clone(),
                their_title: r.value.title.clone(),
            });
        }
    }
    let base_ms: BTreeSet<&str> = merge_base
        .milestones
        .iter()
        .map(|m| m.value.id.as_str())
        .collect();
    for m in tree
        .milestones
        .iter()
        .filter(|m| !base_ms.contains(m.value.id.as_str()))
    {
        let theirs = rev
            .milestones
            .iter()
            .find(|r| r.value.id == m.value.id && !r.value.same_record(&m.value));
        if let Some(r) = theirs {
            out.push(Collision {
                action: None,
                id: m.value.id.clone(),
                file: m.file.clone(),
                theirs: r.file.clone(),
                their_title: r.value.title.clone(),
            });
        }
    }
    out
}

/// The findings of `validate --base spec` for `log` (the working tree, or the index): each number
/// collision between this branch and `spec`, and each link or submodule `spec` has in a record's
/// place.
pub fn against_base(root: &Path, log: &Log, spec: &str) -> Result<Vec<Diagnostic>> {
    let repo = crate::git::Repo::open(root)?;
    let (rev, base) = repo.base(spec)?;
    let rev_files = repo.files_at(rev)?;
    // A link or submodule in a record's place on `spec` hides whatever number it stands for from
    // the comparison, so it is reported, under `spec`'s name.
    let not_files: BTreeSet<PathBuf> = rev_files
        .iter()
        .filter(|(_, c)| !matches!(c, Stored::Blob(_)))
        .map(|(p, _)| p.clone())
        .collect();
    let rev_log = store::load_stored(root, &rev_files);
    let base_log = store::load_stored(root, &repo.files_at(base)?);
    let mut out: Vec<Diagnostic> = rev_log
        .diags
        .iter()
        .filter(|d| not_files.contains(&d.file))
        .map(|d| Diagnostic {
            file: format!("{spec}:{}", d.file.display()).into(),
            ..d.clone()
        })
        .collect();
    let collisions = branch_collisions(log, &base_log, &rev_log);
    out.extend(collisions.into_iter().map(|c| {
        let (what, hint) = match c.action {
            Some(_) => (
                format!("action {}", c.id),
                format!("run: oslog renumber --onto {spec}"),
            ),
            None => (
                format!("milestone `{}`", c.id),
                "give this milestone another slug (rename its file and id)".to_string(),
            ),
        };
        let spans = log
            .actions
            .iter()
            .find(|a| a.file == c.file)
            .map(|a| &a.spans)
            .or_else(|| {
                log.milestones
                    .iter()
                    .find(|m| m.file == c.file)
                    .map(|m| &m.spans)
            });
        Diagnostic::new(
            Code::NumberCollision,
            &c.file,
            spans.map(|s| s.get("id")),
            format!(
                "{what} is new on this branch, but {spec} has given it to another record: {} ({})",
                c.their_title,
                c.theirs.display()
            ),
        )
        .with_hint(hint)
    }));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_collisions_are_new_ids_the_base_gave_to_other_records() {
        let log = |files: &[(&str, &str)]| {
            crate::store::load_files(
                Path::new("."),
                files
                    .iter()
                    .map(|(p, t)| (PathBuf::from(p), t.as_bytes().to_vec())),
            )
        };
        let a = |id: u32, title: &str| {
            format!("id: {id}\ntitle: {title}\ntheme: t\nraised: 2019-01\nstatus: ongoing\n")
        };
        let m = |title: &str| {
            format!(
                "id: 2019-10-ws\ndate: 2019-10\nkind: workshop\ntitle: {title}\nstatus: planned\n"
            )
        };
        let base = log(&[("actions/001.yaml", &a(1, "One"))]);
        let ours = log(&[
            ("actions/001.yaml", &a(1, "One, edited")),
            ("actions/002.yaml", &a(2, "Ours")),
            ("actions/003.yaml", &a(3, "Same")),
            ("timeline/2019-10-ws.yaml", &m("Workshop 7")),
        ]);
        let theirs = log(&[
            ("actions/001.yaml", &a(1, "One")),
            ("actions/002.yaml", &a(2, "Theirs")),
            ("actions/003.yaml", &a(3, "Same")),
            ("timeline/2019-10-ws.yaml", &m("Workshop 8")),
        ]);
        let found: Vec<(Option<u32>, String)> = branch_collisions(&ours, &base, &theirs)
            .into_iter()
            .map(|c| (c.action, c.id))
            .collect();
        assert_eq!(
            found,
            vec![(Some(2), "2".into()), (None, "2019-10-ws".into())],
            "1 was there before; 3 is the same record on both sides"
        );
    }
}
