//! What changed in each commit, record by record: the entries of the audit trail, built from the two
//! versions of each changed file, with a renumbering (a file removed and one added whose `formerly`
//! names it) paired into one entry. `git/` supplies the versions; everything here is pure and tested
//! without a repository.

use super::change::{self, Change, Flag, Op};
use crate::model::{Action, Milestone};
use serde::{Deserialize, Serialize};

/// A decoded record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rec {
    Action(Action),
    Milestone(Milestone),
}

/// What stands where a record file belongs when it is not a regular file. oslog reads neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotAFile {
    Symlink,
    Submodule,
}

impl NotAFile {
    /// The thing, in words.
    pub fn describe(self) -> &'static str {
        match self {
            NotAFile::Symlink => "a symbolic link",
            NotAFile::Submodule => "a submodule",
        }
    }
}

/// One side of a file's change.
// Versions live briefly, one or two per changed file; boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    /// The file does not exist on this side.
    Absent,
    /// The file exists but does not decode as a valid record.
    Unreadable,
    /// A symbolic link or submodule stands where the file belongs.
    NotAFile(NotAFile),
    Present(Rec),
}

/// A file that differs between two versions of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDiff {
    /// The path relative to the log root, such as `actions/042.yaml`.
    pub file: String,
    pub old: Version,
    pub new: Version,
}

/// Who made a commit, and when (the committer's date, as `git log --since` uses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitInfo {
    pub id: String,
    pub short: String,
    pub author: String,
    pub date: chrono::NaiveDate,
    pub summary: String,
}

/// What happened to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    Added,
    Removed,
    Changed,
    /// The action took a new number (its file was renamed and `formerly` names the old one).
    Renumbered,
    /// One side of the change could not be decoded, so its fields cannot be compared.
    Unreadable,
    /// One side is a symbolic link or a submodule in the record's place (`was`, `now`), not read.
    NotAFile,
}

/// One record's change in one commit (or in the working tree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The action's number (after the change, for a renumbering).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<u32>,
    /// The milestone's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<String>,
    pub file: String,
    pub event: Event,
    /// For a renumbering: the number the action had before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    /// The action's theme (after the change, or before a removal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// The title (after the change, or before a removal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// For an addition, every field that is set; otherwise the fields that changed.
    pub changes: Vec<Change>,
    pub flags: Vec<Flag>,
    /// For `not-a-file`: what stood in the record's place before the change, and after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<NotAFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<NotAFile>,
    /// For a change that a merge brought in: the commits of the merged branch that made it, newest
    /// first, so that the change is credited to whoever made it rather than to whoever merged it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit: Vec<CommitInfo>,
}

/// The changes of one commit; `commit` is `None` for uncommitted changes in the working tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitChanges {
    pub commit: Option<CommitInfo>,
    pub entries: Vec<Entry>,
}

impl Entry {
    fn new(file: &str, event: Event, rec: Option<&Rec>) -> Entry {
        let (action, milestone, theme, title) = match rec {
            Some(Rec::Action(a)) => (
                Some(a.id),
                None,
                Some(a.theme.clone()),
                Some(a.title.clone()),
            ),
            Some(Rec::Milestone(m)) => (None, Some(m.id.clone()), None, Some(m.title.clone())),
            None => (
                crate::store::action_id_from_name(file.rsplit('/').next().unwrap_or("")),
                None,
                None,
                None,
            ),
        };
        Entry {
            action,
            milestone,
            file: file.to_string(),
            event,
            from: None,
            theme,
            title,
            changes: Vec::new(),
            flags: Vec::new(),
            was: None,
            now: None,
            credit: Vec::new(),
        }
    }

    /// A removal, flagged: the log closes (or cancels) a record rather than deleting it.
    fn removed(file: &str, rec: Option<&Rec>) -> Entry {
        Entry {
            flags: vec![Flag::Deleted],
            ..Entry::new(file, Event::Removed, rec)
        }
    }

    /// Whether the entry touches `field` (`updates` matches any update change).
    pub fn touches(&self, field: &str) -> bool {
        match self.event {
            Event::Changed => self.changes.iter().any(|c| c.field == field),
            _ => true,
        }
    }
}

/// Every field set in a new record, as changes from nothing.
fn initial_fields(rec: &Rec) -> Vec<Change> {
    match rec {
        Rec::Action(a) => {
            let blank = Action {
                title: String::new(),
                theme: String::new(),
                raised: a.raised,
                updates: Vec::new(),
                links: Vec::new(),
                merged_into: Vec::new(),
                artefacts: Vec::new(),
                owner: None,
                deadline: None,
                signed_off: None,
                duplicate_of: None,
                source: None,
                ..a.clone()
            };
            let mut c = change::action_changes(&blank, a);
            for ch in &mut c {
                if ch.old.as_deref() == Some("") {
                    ch.old = None;
                }
            }
            // The day raised and the status are always set; the blank kept them.
            for (field, new) in [
                ("raised", a.raised.to_string()),
                ("status", a.status.to_string()),
            ] {
                if !c.iter().any(|ch| ch.field == field) {
                    c.push(Change {
                        field,
                        op: Op::Changed,
                        old: None,
                        new: Some(new),
                    });
                }
            }
            let at = |f: &str| crate::model::ACTION_FIELDS.iter().position(|x| *x == f);
            c.sort_by_key(|ch| at(ch.field));
            c
        }
        Rec::Milestone(m) => vec![
            Change {
                field: "date",
                op: Op::Changed,
                old: None,
                new: Some(m.date.to_string()),
            },
            Change {
                field: "status",
                op: Op::Changed,
                old: None,
                new: Some(m.status.to_string()),
            },
        ],
    }
}

/// The renumberings among one commit's changed files, as (removed, added) indexes into `diffs`: an
/// action removed from one file and an action added in another whose `formerly` names the removed
/// one's number. Each added action is paired first with the removed action of its latest former
/// number (the one a renumbering appends), then with one of any former number; each file pairs once.
pub fn moves(diffs: &[FileDiff]) -> Vec<(usize, usize)> {
    let action = |v: &Version| match v {
        Version::Present(Rec::Action(a)) => Some(a.clone()),
        _ => None,
    };
    let removed: Vec<(usize, u32)> = diffs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.new == Version::Absent)
        .filter_map(|(i, d)| Some((i, action(&d.old)?.id)))
        .collect();
    if removed.is_empty() {
        return Vec::new();
    }
    let added: Vec<(usize, Vec<u32>)> = diffs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.old == Version::Absent)
        .filter_map(|(i, d)| Some((i, action(&d.new)?.formerly)))
        .filter(|(_, formerly)| !formerly.is_empty())
        .collect();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for latest_only in [true, false] {
        for (a, formerly) in &added {
            if out.iter().any(|(_, x)| x == a) {
                continue;
            }
            let wanted = |id: &u32| match latest_only {
                true => formerly.last() == Some(id),
                false => formerly.contains(id),
            };
            let free = |r: &usize| !out.iter().any(|(x, _)| x == r);
            if let Some((r, _)) = removed.iter().find(|(r, id)| free(r) && wanted(id)) {
                out.push((*r, *a));
            }
        }
    }
    out
}

/// The milestones of one commit that were given a new date, as (removed, added) indexes into
/// `diffs`: a milestone's id is its date and a slug (`2019-09-workshop-7`), so `milestone edit
/// --date` renames its file, and the commit removes one id and adds another with the same slug.
/// Each file pairs once, in the order of `diffs`.
fn milestone_moves(diffs: &[FileDiff]) -> Vec<(usize, usize)> {
    let slug = |v: &Version| match v {
        Version::Present(Rec::Milestone(m)) => {
            crate::model::split_milestone_id(&m.id).map(|(_, slug)| slug.to_string())
        }
        _ => None,
    };
    let added: Vec<(usize, String)> = diffs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.old == Version::Absent)
        .filter_map(|(i, d)| Some((i, slug(&d.new)?)))
        .collect();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (r, d) in diffs.iter().enumerate() {
        if d.new != Version::Absent {
            continue;
        }
        let Some(gone) = slug(&d.old) else { continue };
        if let Some((a, _)) = added
            .iter()
            .find(|(a, s)| *s == gone && !out.iter().any(|(_, x)| x == a))
        {
            out.push((r, *a));
        }
    }
    out
}

/// Turn the changed files of one commit into record entries, pairing a removed action with the added
/// one whose `formerly` names it as a renumbering (see [`moves`]). Files whose records are equal (a
/// change of layout only) give no entry.
pub fn entries(diffs: &[FileDiff]) -> Vec<Entry> {
    entries_with_moves(diffs, &moves(diffs))
}

/// Turn the changed files of one commit into record entries, with the renumberings already known as
/// (removed, added) indexes into `diffs`.
pub fn entries_with_moves(diffs: &[FileDiff], moves: &[(usize, usize)]) -> Vec<Entry> {
    // A walk keeps the entries of every commit: none holds room it does not use.
    let mut out = Vec::with_capacity(diffs.len());
    for &(r, a) in moves {
        let (Version::Present(Rec::Action(old)), Version::Present(Rec::Action(new))) =
            (&diffs[r].old, &diffs[a].new)
        else {
            continue;
        };
        let mut e = Entry::new(&diffs[a].file, Event::Renumbered, Some(&diffs[a].new_rec()));
        e.from = Some(old.id);
        e.changes = change::action_changes(old, new);
        e.flags = change::action_flags(old, new, &e.changes);
        out.push(e);
    }
    let mut paired: std::collections::HashSet<usize> =
        moves.iter().flat_map(|(r, a)| [*r, *a]).collect();
    for (r, a) in milestone_moves(diffs) {
        let (Version::Present(Rec::Milestone(old)), Version::Present(Rec::Milestone(new))) =
            (&diffs[r].old, &diffs[a].new)
        else {
            continue;
        };
        let mut e = Entry::new(&diffs[a].file, Event::Changed, Some(&diffs[a].new_rec()));
        e.changes = change::milestone_changes(old, new);
        out.push(e);
        paired.extend([r, a]);
    }
    for (i, d) in diffs.iter().enumerate() {
        if paired.contains(&i) {
            continue;
        }
        let e = match (&d.old, &d.new) {
            (Version::Absent, Version::Absent) => continue,
            (Version::Absent, Version::Present(r)) => {
                let mut e = Entry::new(&d.file, Event::Added, Some(r));
                e.changes = initial_fields(r);
                e
            }
            (Version::Present(r), Version::Absent) => Entry::removed(&d.file, Some(r)),
            (Version::Present(Rec::Action(a)), Version::Present(Rec::Action(b))) => {
                let changes = change::action_changes(a, b);
                // A new number in the same file (a renumbering whose new number names the file).
                let renumbered = a.id != b.id;
                if changes.is_empty() && !renumbered {
                    continue;
                }
                let event = if renumbered {
                    Event::Renumbered
                } else {
                    Event::Changed
                };
                let mut e = Entry::new(&d.file, event, Some(&d.new_rec()));
                e.from = renumbered.then_some(a.id);
                e.flags = change::action_flags(a, b, &changes);
                e.changes = changes;
                e
            }
            (Version::Present(Rec::Milestone(a)), Version::Present(Rec::Milestone(b))) => {
                let changes = change::milestone_changes(a, b);
                if changes.is_empty() {
                    continue;
                }
                let mut e = Entry::new(&d.file, Event::Changed, Some(&d.new_rec()));
                e.changes = changes;
                e
            }
            (Version::NotAFile(_), _) | (_, Version::NotAFile(_)) => {
                let rec = match (&d.old, &d.new) {
                    (Version::Present(r), _) | (_, Version::Present(r)) => Some(r),
                    _ => None,
                };
                let mut e = Entry::new(&d.file, Event::NotAFile, rec);
                let not_a_file = |v: &Version| match v {
                    Version::NotAFile(k) => Some(*k),
                    _ => None,
                };
                (e.was, e.now) = (not_a_file(&d.old), not_a_file(&d.new));
                e
            }
            (Version::Unreadable, Version::Absent) => Entry::removed(&d.file, None),
            (_, Version::Present(r)) => Entry::new(&d.file, Event::Unreadable, Some(r)),
            (Version::Present(r), _) => Entry::new(&d.file, Event::Unreadable, Some(r)),
            _ => Entry::new(&d.file, Event::Unreadable, None),
        };
        out.push(e);
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    for e in &mut out {
        e.changes.shrink_to_fit();
    }
    out.shrink_to_fit();
    out
}

impl FileDiff {
    fn new_rec(&self) -> Rec {
        match &self.new {
            Version::Present(r) => r.clone(),
            _ => unreachable!("only called on a present new side"),
        }
    }
}

/// Versions and commits for the trail's tests.
#[cfg(test)]
pub(crate) mod sample {
    use super::*;

    /// An action as the present side of a file's change.
    pub fn present(a: &Action) -> Version {
        Version::Present(Rec::Action(a.clone()))
    }

    /// A changed file.
    pub fn diff(file: &str, old: Version, new: Version) -> FileDiff {
        FileDiff {
            file: file.into(),
            old,
            new,
        }
    }

    /// Entries as uncommitted changes.
    pub fn commit(entries: Vec<Entry>) -> CommitChanges {
        CommitChanges {
            commit: None,
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sample::{diff, present};
    use super::*;
    use crate::model::Status;
    use crate::trail::change::sample_action as action;

    #[test]
    fn a_changed_status_is_one_entry() {
        let a = action(1, Status::NotStarted, "2019-07");
        let b = action(1, Status::Ongoing, "2019-07");
        let e = entries(&[diff("actions/001.yaml", present(&a), present(&b))]);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].event, e[0].action), (Event::Changed, Some(1)));
        assert_eq!(e[0].changes[0].field, "status");
    }

    #[test]
    fn layout_only_changes_give_no_entry() {
        let a = action(1, Status::NotStarted, "2019-07");
        assert!(entries(&[diff("actions/001.yaml", present(&a), present(&a))]).is_empty());
    }

    #[test]
    fn a_renumbering_pairs_the_removed_and_added_files() {
        let old = action(112, Status::Ongoing, "2019-07");
        let mut new = action(42, Status::Ongoing, "2019-07");
        new.title = old.title.clone();
        new.formerly = vec![112];
        let e = entries(&[
            diff("actions/042.yaml", Version::Absent, present(&new)),
            diff("actions/112.yaml", present(&old), Version::Absent),
        ]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            (e[0].event, e[0].from, e[0].action),
            (Event::Renumbered, Some(112), Some(42))
        );
        assert!(e[0].changes.is_empty());
    }

    #[test]
    fn a_new_number_in_the_same_file_is_a_renumbering() {
        let old = action(16, Status::Ongoing, "2019-07");
        let mut new = old.clone();
        new.id = 17;
        new.formerly = vec![16];
        let e = entries(&[diff("actions/017.yaml", present(&old), present(&new))]);
        assert_eq!(
            (e.len(), e[0].event, e[0].from, e[0].action),
            (1, Event::Renumbered, Some(16), Some(17))
        );
    }

    #[test]
    fn a_renumbering_pairs_with_the_latest_former_number_first() {
        // 5 → 8, and 6 (once 5) → 7, in one commit: 7 names both 5 and 6, but it left 6.
        let x = action(5, Status::Ongoing, "2019-07");
        let mut y = action(6, Status::Ongoing, "2019-08");
        y.formerly = vec![5];
        let mut y2 = y.clone();
        (y2.id, y2.formerly) = (7, vec![5, 6]);
        let mut x2 = x.clone();
        (x2.id, x2.formerly) = (8, vec![5]);
        let diffs = [
            diff("actions/005.yaml", present(&x), Version::Absent),
            diff("actions/006.yaml", present(&y), Version::Absent),
            diff("actions/007.yaml", Version::Absent, present(&y2)),
            diff("actions/008.yaml", Version::Absent, present(&x2)),
        ];
        assert_eq!(moves(&diffs), vec![(1, 2), (0, 3)]);
        let e = entries(&diffs);
        let got: Vec<_> = e.iter().map(|e| (e.event, e.from, e.action)).collect();
        assert_eq!(
            got,
            vec![
                (Event::Renumbered, Some(6), Some(7)),
                (Event::Renumbered, Some(5), Some(8))
            ]
        );
        // Told that 8 is not 5's (say, another branch's record), the two are a removal and an addition.
        let e = entries_with_moves(&diffs, &[(1, 2)]);
        let got: Vec<_> = e.iter().map(|e| (e.event, e.action)).collect();
        assert_eq!(
            got,
            vec![
                (Event::Removed, Some(5)),
                (Event::Renumbered, Some(7)),
                (Event::Added, Some(8))
            ]
        );
    }

    #[test]
    fn additions_list_their_fields_and_removals_their_title() {
        let a = action(3, Status::NotStarted, "2019-07");
        let e = entries(&[
            diff("actions/003.yaml", Version::Absent, present(&a)),
            diff(
                "actions/004.yaml",
                present(&action(4, Status::Ongoing, "2019-08")),
                Version::Absent,
            ),
            diff("actions/005.yaml", Version::Unreadable, Version::Absent),
        ]);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].event, Event::Added);
        let fields: Vec<_> = e[0].changes.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec!["title", "theme", "raised", "deadline", "status"]
        );
        assert_eq!(
            (e[1].event, e[1].title.as_deref()),
            (Event::Removed, Some("action 4"))
        );
        assert_eq!((e[2].event, e[2].action), (Event::Removed, Some(5)));
    }
}
