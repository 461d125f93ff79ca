//! Changing the log safely. Every command that writes goes through here, holding the log's lock
//! (which the command takes, completing any interrupted write first): it loads the record, applies
//! the change, checks that the result decodes and that the whole log gains no finding, and only then
//! writes the canonical text atomically (and commits it with `--commit`). A refused change is an
//! error and leaves every file as it was.

use crate::diag::{Code, Diagnostic, Severity};
use crate::git::commit::{Committed, Committer};
use crate::model::{Action, Milestone};
use crate::store::{self, emit, Loaded, Lock, Log, RecordKind, Source};
use anyhow::{anyhow, bail, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a write did, for the command to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The file written, relative to the log root.
    pub file: PathBuf,
    /// The commit, with `--commit`.
    pub commit: Option<Committed>,
}

/// Load the log under its lock and apply `change` to action `id`. `change` returns the new action,
/// or a refusal.
pub fn action(
    lock: &Lock,
    id: u32,
    commit: bool,
    change: impl FnOnce(&Log, &Action) -> Result<Action>,
) -> Result<(Action, Written)> {
    let root = lock.root();
    let log = store::load(root)?;
    let i = find_action(&log, id)?;
    let current = &log.actions[i];
    refuse_if_unwritable(&log, &current.file)?;
    let next = change(&log, &current.value)?;
    let text = emit::action(&next, &current.header);
    check_decodes(RecordKind::Action, &current.file, &text)?;
    let mut after = log.clone();
    after.actions[i].value = next.clone();
    refuse_new_findings(&log, &after)?;
    let written = write(root, &current.file, &text, commit)?;
    Ok((next, written))
}

/// Load the log under its lock and apply `change` to milestone `id`.
pub fn milestone(
    lock: &Lock,
    id: &str,
    commit: bool,
    change: impl FnOnce(&Milestone) -> Result<Milestone>,
) -> Result<(Milestone, Written)> {
    let root = lock.root();
    let log = store::load(root)?;
    let Some(i) = log.milestones.iter().position(|m| m.value.id == id) else {
        let ids = log.milestones.iter().map(|m| m.value.id.as_str());
        let hint = crate::model::closest(id, ids)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        bail!("no milestone `{id}` in {}{hint}", store::TIMELINE_DIR);
    };
    let current = &log.milestones[i];
    refuse_if_unwritable(&log, &current.file)?;
    let next = change(&current.value)?;
    let text = emit::milestone(&next, &current.header);
    check_decodes(RecordKind::Milestone, &current.file, &text)?;
    let mut after = log.clone();
    after.milestones[i].value = next.clone();
    refuse_new_findings(&log, &after)?;
    let written = write(root, &current.file, &text, commit)?;
    Ok((next, written))
}

/// Create a new record file exclusively after checking it against the whole log: for a milestone,
/// whose id the user chose, so a clash is an error rather than a new number.
pub fn create_milestone(lock: &Lock, m: Milestone, commit: bool) -> Result<Written> {
    let root = lock.root();
    let log = store::load(root)?;
    let file = Path::new(store::TIMELINE_DIR).join(format!("{}.yaml", m.id));
    if root.join(&file).exists() {
        bail!("{} already exists", file.display());
    }
    let text = emit::milestone(&m, &[]);
    check_decodes(RecordKind::Milestone, &file, &text)?;
    let mut after = log.clone();
    after.milestones.push(Loaded {
        value: m.clone(),
        file: file.clone(),
        spans: Default::default(),
        header: vec![],
        canonical: true,
    });
    refuse_new_findings(&log, &after)?;
    let committer = prepare(root, &file, commit)?;
    std::fs::create_dir_all(root.join(store::TIMELINE_DIR))?;
    if !store::create_new(&store::path_in(root, &file)?, &text)? {
        bail!("{} already exists", file.display());
    }
    finish(file, committer)
}

/// A new action as the user described it; its number is chosen when it is written.
pub struct Draft {
    pub action: Action,
}

/// Write a new action under the next free number: above every number the files in the tree use and
/// every number git history shows was used by a file since deleted. The lock keeps every other writer
/// out while the number is chosen and the file created, and the file is created exclusively besides.
/// The record is checked first, without loading the whole log: its theme must exist, its links must
/// name existing actions, and its deadline may not precede `raised`.
pub fn create_action(lock: &Lock, draft: Draft, commit: bool) -> Result<(Action, Written)> {
    let root = lock.root();
    let mut a = draft.action;
    check_new_action(root, &a)?;
    // Under the log's lock, concurrent adds commit one after another instead of finding git's index
    // held; git's index is held from before the number is claimed to the end.
    let committer = commit.then(|| Committer::prepare(root)).transpose()?;
    std::fs::create_dir_all(root.join(store::ACTIONS_DIR))?;
    // Numbers whose files are gone stay used: they were circulated.
    let gone = crate::git::highest_removed_number(root)?;
    for _ in 0..1000 {
        a.id = store::next_free_id(root)?.max(gone + 1);
        if a.id > crate::model::MAX_ID {
            bail!(
                "no free action number: the log has used every number up to {}",
                crate::model::MAX_ID
            );
        }
        let file = Path::new(store::ACTIONS_DIR).join(Action::file_name(a.id));
        let text = emit::action(&a, &[]);
        check_decodes(RecordKind::Action, &file, &text)?;
        if !store::create_new(&store::path_in(root, &file)?, &text)? {
            continue;
        }
        if let Some(c) = &committer {
            if let Err(e) = c.refuse_staged(std::slice::from_ref(&file)) {
                let _ = std::fs::remove_file(root.join(&file));
                return Err(e);
            }
        }
        return Ok((a, finish(file, committer)?));
    }
    bail!("could not claim a free action number after 1000 tries")
}

fn check_new_action(root: &Path, a: &Action) -> Result<()> {
    let themes = themes(root)?;
    if let Some(message) = themes.unknown(&a.theme) {
        bail!("{message}");
    }
    for n in &a.links {
        if !root
            .join(store::ACTIONS_DIR)
            .join(Action::file_name(*n))
            .exists()
        {
            bail!("--link {n}: there is no action {n}");
        }
    }
    if let Some(d) = a.deadline.and_then(|d| d.date()) {
        if d.wholly_before(&a.raised) {
            bail!(
                "the deadline {d} is before the action was raised ({})",
                a.raised
            );
        }
    }
    if a.title.trim().is_empty() {
        bail!("the title is empty");
    }
    Ok(())
}

/// The themes of the log at `root`, which must load without errors.
pub fn themes(root: &Path) -> Result<crate::model::Themes> {
    let rel = Path::new(store::THEMES_FILE);
    let src =
        store::read_source(root, rel).map_err(|d| anyhow!("{}: {}", rel.display(), d.message))?;
    match store::decode_source(RecordKind::Themes, rel, &src) {
        (Some(store::Record::Themes(t)), _) => Ok(t.value),
        _ => bail!("{} has errors; run `oslog validate`", rel.display()),
    }
}

/// The position of action `id` in the loaded log, or an error that says why it is not there.
pub fn find_action(log: &Log, id: u32) -> Result<usize> {
    if let Some(i) = log.actions.iter().position(|a| a.value.id == id) {
        return Ok(i);
    }
    if log.unreadable_ids.contains(&id) {
        bail!(
            "action {id} cannot be read: {}/{} has errors; run `oslog validate`",
            store::ACTIONS_DIR,
            Action::file_name(id)
        );
    }
    bail!("no action {id} in {}", store::ACTIONS_DIR)
}

/// Refuse to rewrite a file that has errors or holds comments the writer would drop.
fn refuse_if_unwritable(log: &Log, file: &Path) -> Result<()> {
    if let Some(d) = log.diags.iter().find(|d| {
        d.file == file && (d.severity == Severity::Error || d.code == Code::CommentNotKept)
    }) {
        bail!(
            "{} cannot be rewritten without loss: {} [{}]; fix it first (see `oslog validate`)",
            file.display(),
            d.message,
            d.code
        );
    }
    Ok(())
}

fn check_decodes(kind: RecordKind, file: &Path, text: &str) -> Result<()> {
    let src = Source {
        text: text.to_string(),
        had_bom: false,
        had_crlf: false,
    };
    let (record, diags) = store::decode_source(kind, file, &src);
    match diags.iter().find(|d| d.severity == Severity::Error) {
        Some(d) => bail!("the new {} would be invalid: {}", file.display(), d.message),
        None if record.is_none() => bail!("the new {} would be invalid", file.display()),
        None => Ok(()),
    }
}

/// Refuse a change that would add a finding anywhere in the log (a dangling reference, a merge cycle,
/// a deadline before `raised`, …). Findings that were there before are not this change's doing.
fn refuse_new_findings(before: &Log, after: &Log) -> Result<()> {
    let key = |d: &Diagnostic| (d.code, d.file.clone(), d.message.clone());
    let old: HashSet<_> = crate::validate::check(before).iter().map(key).collect();
    let new: Vec<Diagnostic> = crate::validate::check(after)
        .into_iter()
        .filter(|d| !old.contains(&key(d)))
        .collect();
    if let Some(d) = new.first() {
        let mut msg = format!(
            "refused: the change would make {} invalid: {} [{}]",
            d.file.display(),
            d.message,
            d.code
        );
        if let Some(h) = &d.hint {
            msg.push_str(&format!(" (hint: {h})"));
        }
        bail!(msg);
    }
    Ok(())
}

/// With `--commit`, the repository prepared before anything is written: no operation in progress,
/// git's index held, and no staged changes of `file` that are not oslog's.
fn prepare(root: &Path, file: &Path, commit: bool) -> Result<Option<Committer>> {
    if !commit {
        return Ok(None);
    }
    let c = Committer::prepare(root)?;
    c.refuse_staged(&[file.to_path_buf()])?;
    Ok(Some(c))
}

fn write(root: &Path, file: &Path, text: &str, commit: bool) -> Result<Written> {
    let committer = prepare(root, file, commit)?;
    store::write_atomic(&store::path_in(root, file)?, text)?;
    finish(file.to_path_buf(), committer)
}

fn finish(file: PathBuf, committer: Option<Committer>) -> Result<Written> {
    let commit = match committer {
        Some(c) => Some(commit_files(c, std::slice::from_ref(&file))?),
        None => None,
    };
    Ok(Written { file, commit })
}

/// Commit `files` with the message of what the commit holds.
pub fn commit_files(c: Committer, files: &[PathBuf]) -> Result<Committed> {
    c.commit(files, crate::output::commit::message)
}
