//! The changes to records: moving an action along its lifecycle (one, or several at once), an
//! update, an edit, a milestone's status or fields (a new date renames its file), and new actions
//! and milestones. Each loads the log under its lock, applies the change, checks the result
//! (`check.rs`) and writes it (`apply.rs`); a refused change is an error and leaves every file as
//! it was.

use super::apply::{self, finish, Message, Rewrite, Written};
use super::check;
use crate::diag::Diagnostic;
use crate::git::commit::{Committed, Committer};
use crate::model::{Action, Milestone};
use crate::store::{self, emit, Lock, Log, RecordKind};
use anyhow::{anyhow, bail, Result};
use std::path::{Path, PathBuf};

/// Load the log under its lock and apply `change` to action `id`. `change` returns the new action,
/// or a refusal.
pub fn action(
    lock: &Lock,
    id: u32,
    commit: Option<Message>,
    change: impl FnOnce(&Log, &Action) -> Result<Action>,
) -> Result<(Action, Written)> {
    let log = store::load_indexed(lock.root(), &store::Want::All)?;
    let i = find_action(&log, id)?;
    let current = &log.actions[i];
    check::unwritable(&log, &current.file)?;
    let next = change(&log, &current.value)?;
    let text = emit::action(&next, &current.header);
    let written = rewrite(lock, &log, &current.file, text, commit)?;
    Ok((next, written))
}

/// Load the log under its lock and apply `change` to each of the actions `ids`: every change is
/// made and the whole result checked before any file is written, so one refusal leaves every file
/// as it was; the files are then written all or nothing and, with `commit`, in one commit.
pub fn actions(
    lock: &Lock,
    ids: &[u32],
    commit: Option<Message>,
    mut change: impl FnMut(&Log, &Action) -> Result<Action>,
) -> Result<(Vec<Action>, Vec<PathBuf>, Option<Committed>)> {
    let log = store::load(lock.root())?;
    let mut changed = Vec::new();
    let mut files = Vec::new();
    for &id in ids {
        let current = &log.actions[find_action(&log, id)?];
        check::unwritable(&log, &current.file)?;
        // A refusal names the action it is about, so that one of several is clear.
        let next = change(&log, &current.value).map_err(|e| {
            let said = format!("{e:#}");
            match said.starts_with(&format!("action {id} ")) {
                true => anyhow!(said),
                false => anyhow!("action {id}: {said}"),
            }
        })?;
        files.push(Rewrite {
            from: current.file.clone(),
            to: current.file.clone(),
            text: emit::action(&next, &current.header),
        });
        changed.push(next);
    }
    check::no_new_findings(&log, &files)?;
    let committed = apply::write(lock, &files, commit)?;
    Ok((
        changed,
        files.into_iter().map(|f| f.to).collect(),
        committed,
    ))
}

/// Load the log under its lock and apply `change` to milestone `id`.
pub fn milestone(
    lock: &Lock,
    id: &str,
    commit: Option<Message>,
    change: impl FnOnce(&Milestone) -> Result<Milestone>,
) -> Result<(Milestone, Written)> {
    let log = store::load_indexed(lock.root(), &store::Want::All)?;
    let Some(i) = log.milestones.iter().position(|m| m.value.id == id) else {
        let ids = log.milestones.iter().map(|m| m.value.id.as_str());
        let hint = crate::model::closest(id, ids)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        bail!("no milestone `{id}` in {}{hint}", store::TIMELINE_DIR);
    };
    let current = &log.milestones[i];
    check::unwritable(&log, &current.file)?;
    let next = change(&current.value)?;
    let text = emit::milestone(&next, &current.header);
    // A new date is a new id, and so a new file name: the file is renamed with the change.
    let to = match next.id == current.value.id {
        true => current.file.clone(),
        false => Path::new(store::TIMELINE_DIR).join(format!("{}.yaml", next.id)),
    };
    if to != current.file && log.milestones.iter().any(|m| m.value.id == next.id) {
        bail!("milestone `{}` exists already", next.id);
    }
    let written = rewrite_to(lock, &log, &current.file, &to, text, commit)?;
    Ok((next, written))
}

/// Check the new text of `file` against the whole log, then write it in its place.
fn rewrite(
    lock: &Lock,
    log: &Log,
    file: &Path,
    text: String,
    commit: Option<Message>,
) -> Result<Written> {
    rewrite_to(lock, log, file, file, text, commit)
}

/// Check the new text of `from`, written as `to`, against the whole log, then write it.
fn rewrite_to(
    lock: &Lock,
    log: &Log,
    from: &Path,
    to: &Path,
    text: String,
    commit: Option<Message>,
) -> Result<Written> {
    let files = [Rewrite {
        from: from.to_path_buf(),
        to: to.to_path_buf(),
        text,
    }];
    check::no_new_findings(log, &files)?;
    let commit = apply::write(lock, &files, commit)?;
    Ok(Written {
        file: to.to_path_buf(),
        commit,
    })
}

/// Create a new record file exclusively after checking it against the whole log: for a milestone,
/// whose id the user chose, so a clash is an error rather than a new number.
pub fn create_milestone(lock: &Lock, m: Milestone, commit: Option<Message>) -> Result<Written> {
    let root = lock.root();
    let log = store::load_indexed(root, &store::Want::All)?;
    let file = Path::new(store::TIMELINE_DIR).join(format!("{}.yaml", m.id));
    if root.join(&file).exists() {
        bail!("{} already exists", file.display());
    }
    let text = emit::milestone(&m, &[]);
    let new = Rewrite {
        from: file.clone(),
        to: file.clone(),
        text,
    };
    check::no_new_findings(&log, std::slice::from_ref(&new))?;
    apply::create(lock, file, &new.text, commit)
}

/// A new action as the user described it; its number is chosen when it is written.
pub struct Draft {
    pub action: Action,
}

/// Write a new action under the next free number: above every number the files in the tree use and
/// every number git history shows was used by a file since deleted. The lock keeps every other writer
/// out while the number is chosen and the file created, and the file is created exclusively besides.
/// The record is checked first, without loading the whole log: its theme must exist, its links must
/// name existing actions, and its deadline may not precede `raised`. With the action written come
/// the findings for the files in `actions/` whose numbers could not be read, for the user to hear.
pub fn create_action(
    lock: &Lock,
    draft: Draft,
    commit: Option<Message>,
) -> Result<(Action, Written, Vec<Diagnostic>)> {
    let root = lock.root();
    let mut a = draft.action;
    check_new_action(root, &a)?;
    // Under the log's lock, concurrent adds commit one after another instead of finding git's index
    // held; git's index is held from before the number is claimed to the end.
    let committer = commit
        .map(|m| Committer::prepare(root).map(|c| (c, m)))
        .transpose()?;
    std::fs::create_dir_all(root.join(store::ACTIONS_DIR))?;
    // Numbers whose files are gone stay used: they were circulated.
    let gone = crate::git::highest_removed_number(root)?;
    for _ in 0..1000 {
        let free = store::next_free_id(root)?;
        let next = free.id.max(u64::from(gone) + 1);
        a.id = match u32::try_from(next) {
            Ok(id) if id <= crate::model::MAX_ID => id,
            _ => bail!(
                "no free action number: the next would be {next}, above the highest an action may have ({}); a file in actions/ (or one git history deleted) claims {}",
                crate::model::MAX_ID,
                next - 1
            ),
        };
        let file = Path::new(store::ACTIONS_DIR).join(Action::file_name(a.id));
        let text = emit::action(&a, &[]);
        check::decodes(RecordKind::Action, &file, &text)?;
        if !store::create_new(&store::path_in(root, &file)?, &text)? {
            continue;
        }
        if let Some((c, _)) = &committer {
            if let Err(e) = c.refuse_staged(std::slice::from_ref(&file)) {
                let _ = std::fs::remove_file(root.join(&file));
                return Err(e);
            }
        }
        return Ok((a, finish(file, committer)?, free.unread));
    }
    bail!("could not claim a free action number after 1000 tries")
}

fn check_new_action(root: &Path, a: &Action) -> Result<()> {
    let themes = themes(root)?;
    if let Some(message) = themes.unknown(&a.theme) {
        bail!("{message}");
    }
    if let Some(message) = themes.unknown_source(a.source.as_deref()) {
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
    if crate::model::text::is_blank(&a.title) {
        bail!("the title is empty, or shows nothing");
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
