//! Field-level changes between two versions of a record, and the changes a reviewer must look at twice:
//! what each entry of the trail (`entry.rs`) says changed. It compares values that were already
//! loaded, wherever they came from, and knows nothing of git.

use crate::model::{Action, Deadline, Milestone, Status, Update};
use serde::{Deserialize, Serialize};

/// What happened to a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// A value replaced another (or appeared, or was cleared: `old` or `new` is then absent).
    Changed,
    /// An update was appended or inserted.
    Added,
    /// An update's date or text was rewritten.
    Edited,
    /// An update was taken out.
    Removed,
}

/// One field's change, with the values as they are written in the files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: &'static str,
    pub op: Op,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// A change as read back from the history cache, its field named by any string.
#[derive(Deserialize)]
struct StoredChange {
    field: String,
    op: Op,
    old: Option<String>,
    new: Option<String>,
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Change, D::Error> {
        let c = StoredChange::deserialize(d)?;
        let field = crate::model::ACTION_FIELDS
            .iter()
            .chain(crate::model::MILESTONE_FIELDS)
            .find(|f| **f == c.field)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown field `{}`", c.field)))?;
        Ok(Change {
            field,
            op: c.op,
            old: c.old,
            new: c.new,
        })
    }
}

impl Change {
    fn changed(field: &'static str, old: Option<String>, new: Option<String>) -> Option<Change> {
        (old != new).then_some(Change {
            field,
            op: Op::Changed,
            old,
            new,
        })
    }
}

/// A change that deserves a second look in review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// A complete or closed action is open again.
    Reopened,
    /// The deadline moved to a later date.
    DeadlineLater,
    /// A dated deadline was taken away (cleared, or made `monthly`).
    DeadlineRemoved,
    /// The status skipped a step of not-started → ongoing → proposed-complete → complete.
    StatusSkip,
    /// The sign-off date was changed or cleared.
    SignedOffChanged,
    /// An update was rewritten rather than a new one appended.
    UpdateEdited,
    /// An update was removed.
    UpdateRemoved,
    /// The record was deleted rather than closed (or, for a milestone, cancelled).
    Deleted,
    /// The action's number belonged to another action: one the history had under it, one the
    /// other side of the range has meanwhile given it to, or the one this file held before.
    NumberReused,
}

impl Flag {
    /// Every flag, in the order an entry lists them.
    pub const ALL: [Flag; 9] = [
        Flag::Reopened,
        Flag::DeadlineLater,
        Flag::DeadlineRemoved,
        Flag::StatusSkip,
        Flag::SignedOffChanged,
        Flag::UpdateEdited,
        Flag::UpdateRemoved,
        Flag::Deleted,
        Flag::NumberReused,
    ];

    /// A sentence for reviewers.
    pub fn about(self) -> &'static str {
        match self {
            Flag::Reopened => "a closed or complete action was reopened",
            Flag::DeadlineLater => "the deadline moved later",
            Flag::DeadlineRemoved => "the deadline was taken away",
            Flag::StatusSkip => "the status skipped a step",
            Flag::SignedOffChanged => "the sign-off date was changed",
            Flag::UpdateEdited => "an update was edited rather than appended",
            Flag::UpdateRemoved => "an update was removed",
            Flag::Deleted => "deleted rather than closed or cancelled",
            Flag::NumberReused => "the number belongs to another action",
        }
    }

    /// The flag's kebab-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Reopened => "reopened",
            Flag::DeadlineLater => "deadline-later",
            Flag::DeadlineRemoved => "deadline-removed",
            Flag::StatusSkip => "status-skip",
            Flag::SignedOffChanged => "signed-off-changed",
            Flag::UpdateEdited => "update-edited",
            Flag::UpdateRemoved => "update-removed",
            Flag::Deleted => "deleted",
            Flag::NumberReused => "number-reused",
        }
    }
}

fn show<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(T::to_string)
}

fn numbers(v: &[u32]) -> Option<String> {
    (!v.is_empty()).then(|| {
        let parts: Vec<String> = v.iter().map(u32::to_string).collect();
        format!("[{}]", parts.join(", "))
    })
}

/// The changes from `old` to `new`, field by field in canonical order. The id and `formerly` are not
/// compared: a renumbering is reported as an event of its own.
pub fn action_changes(old: &Action, new: &Action) -> Vec<Change> {
    let mut out: Vec<Change> = [
        Change::changed("title", Some(old.title.clone()), Some(new.title.clone())),
        Change::changed("theme", Some(old.theme.clone()), Some(new.theme.clone())),
        Change::changed("owner", old.owner.clone(), new.owner.clone()),
        Change::changed(
            "raised",
            Some(old.raised.to_string()),
            Some(new.raised.to_string()),
        ),
        Change::changed("deadline", show(&old.deadline), show(&new.deadline)),
        Change::changed(
            "status",
            Some(old.status.to_string()),
            Some(new.status.to_string()),
        ),
        Change::changed("signed_off", show(&old.signed_off), show(&new.signed_off)),
        Change::changed("links", numbers(&old.links), numbers(&new.links)),
        Change::changed(
            "merged_into",
            numbers(&old.merged_into),
            numbers(&new.merged_into),
        ),
        Change::changed(
            "duplicate_of",
            show(&old.duplicate_of),
            show(&new.duplicate_of),
        ),
        Change::changed(
            "artefacts",
            numbers(&old.artefacts),
            numbers(&new.artefacts),
        ),
        Change::changed("source", old.source.clone(), new.source.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.extend(update_changes(&old.updates, &new.updates));
    out
}

/// The changes from `old` to `new` for a milestone, field by field.
pub fn milestone_changes(old: &Milestone, new: &Milestone) -> Vec<Change> {
    [
        Change::changed(
            "date",
            Some(old.date.to_string()),
            Some(new.date.to_string()),
        ),
        Change::changed(
            "kind",
            Some(old.kind.to_string()),
            Some(new.kind.to_string()),
        ),
        Change::changed("title", Some(old.title.clone()), Some(new.title.clone())),
        Change::changed(
            "description",
            old.description.clone(),
            new.description.clone(),
        ),
        Change::changed("by", old.by.clone(), new.by.clone()),
        Change::changed("objective", old.objective.clone(), new.objective.clone()),
        Change::changed(
            "status",
            Some(old.status.to_string()),
            Some(new.status.to_string()),
        ),
        Change::changed("actions", numbers(&old.actions), numbers(&new.actions)),
        Change::changed("source", old.source.clone(), new.source.clone()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// An update as one line of text: `2019-04-09: text`.
pub fn update_text(u: &Update) -> String {
    match &u.date {
        Some(d) => format!("{d}: {}", u.text),
        None => u.text.clone(),
    }
}

/// One update's change: appended or inserted (`new` only), rewritten (both), or taken out (`old`
/// only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpdateChange<'a> {
    pub op: Op,
    pub old: Option<&'a Update>,
    pub new: Option<&'a Update>,
}

/// Above this many comparisons the middle of two update lists is paired by position alone.
const MATCH_LIMIT: usize = 1 << 20;

/// Updates added, edited and removed. The unchanged head and tail are matched first; in what is left
/// in the middle, the longest run of updates kept unchanged (in order) is matched next, so that an
/// update moved by a change of date is one edit rather than a chain of them. The updates left over on
/// both sides are paired in order as edits, and the surplus on either side is added or removed.
pub fn update_diff<'a>(old: &'a [Update], new: &'a [Update]) -> Vec<UpdateChange<'a>> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_mid, new_mid) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let (kept_old, kept_new) = kept(old_mid, new_mid);
    let gone: Vec<&Update> = old_mid
        .iter()
        .enumerate()
        .filter(|(i, _)| !kept_old[*i])
        .map(|(_, u)| u)
        .collect();
    let came: Vec<&Update> = new_mid
        .iter()
        .enumerate()
        .filter(|(i, _)| !kept_new[*i])
        .map(|(_, u)| u)
        .collect();
    (0..gone.len().max(came.len()))
        .map(|i| {
            let (old, new) = (gone.get(i).copied(), came.get(i).copied());
            let op = match (old, new) {
                (Some(_), Some(_)) => Op::Edited,
                (Some(_), None) => Op::Removed,
                _ => Op::Added,
            };
            UpdateChange { op, old, new }
        })
        .collect()
}

/// Which updates of `old` and of `new` belong to their longest common subsequence.
fn kept(old: &[Update], new: &[Update]) -> (Vec<bool>, Vec<bool>) {
    let (n, m) = (old.len(), new.len());
    let mut kept_old = vec![false; n];
    let mut kept_new = vec![false; m];
    if n == 0 || m == 0 || n.saturating_mul(m) > MATCH_LIMIT {
        return (kept_old, kept_new);
    }
    // lcs[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old[i] == new[j] {
            kept_old[i] = true;
            kept_new[j] = true;
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (kept_old, kept_new)
}

fn update_changes(old: &[Update], new: &[Update]) -> Vec<Change> {
    update_diff(old, new)
        .into_iter()
        .map(|c| Change {
            field: "updates",
            op: c.op,
            old: c.old.map(update_text),
            new: c.new.map(update_text),
        })
        .collect()
}

/// The step of a status along the lifecycle, for spotting skips; `closed` stands apart.
fn step(s: Status) -> Option<u8> {
    match s {
        Status::NotStarted => Some(0),
        Status::Ongoing => Some(1),
        Status::ProposedComplete => Some(2),
        Status::Complete => Some(3),
        Status::Closed => None,
    }
}

/// What a reviewer should look at twice in the change from `old` to `new`, in the order of
/// [`Flag::ALL`].
pub fn action_flags(old: &Action, new: &Action, changes: &[Change]) -> Vec<Flag> {
    let finished = matches!(old.status, Status::Complete | Status::Closed);
    let dated = |d: Option<Deadline>| match d {
        Some(Deadline::Date(d)) => Some(d.last_day()),
        _ => None,
    };
    let steps = step(old.status).zip(step(new.status));
    let checks = [
        (Flag::Reopened, finished && new.status.is_open()),
        (
            Flag::DeadlineLater,
            matches!((dated(old.deadline), dated(new.deadline)), (Some(a), Some(b)) if a < b),
        ),
        (
            Flag::DeadlineRemoved,
            dated(old.deadline).is_some() && dated(new.deadline).is_none(),
        ),
        (Flag::StatusSkip, steps.is_some_and(|(a, b)| b > a + 1)),
        (
            Flag::SignedOffChanged,
            old.signed_off.is_some() && old.signed_off != new.signed_off,
        ),
        (
            Flag::UpdateEdited,
            changes.iter().any(|c| c.op == Op::Edited),
        ),
        (
            Flag::UpdateRemoved,
            changes.iter().any(|c| c.op == Op::Removed),
        ),
        // Neither the title nor the day it was raised kept: another action in the same file.
        (
            Flag::NumberReused,
            old.title != new.title && old.raised != new.raised,
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(f, _)| f)
        .collect()
}

/// An action with the given number, status and deadline, for tests.
#[cfg(test)]
pub(crate) fn sample_action(id: u32, status: Status, deadline: &str) -> Action {
    Action {
        title: format!("action {id}"),
        theme: "gov".into(),
        deadline: Some(Deadline::parse(deadline).unwrap()),
        ..crate::model::sample(id, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogDate;

    fn action() -> Action {
        sample_action(1, Status::NotStarted, "2019-07")
    }

    fn milestone() -> Milestone {
        Milestone {
            id: "2019-09-x".into(),
            date: LogDate::parse("2019-09").unwrap(),
            kind: crate::model::MilestoneKind::Report,
            title: "r".into(),
            description: None,
            by: None,
            objective: None,
            status: crate::model::MilestoneStatus::Planned,
            actions: vec![],
            source: None,
        }
    }

    fn update(text: &str) -> Update {
        Update {
            date: None,
            text: text.into(),
        }
    }

    #[test]
    fn scalar_fields_report_old_and_new() {
        let old = action();
        let mut new = action();
        new.status = Status::Ongoing;
        new.owner = Some("HO".into());
        new.links = vec![3, 4];
        let c = action_changes(&old, &new);
        let fields: Vec<_> = c
            .iter()
            .map(|c| (c.field, c.old.as_deref(), c.new.as_deref()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("owner", None, Some("HO")),
                ("status", Some("not-started"), Some("ongoing")),
                ("links", None, Some("[3, 4]")),
            ]
        );
        assert!(action_changes(&old, &old).is_empty());
    }

    #[test]
    fn id_and_formerly_are_not_field_changes() {
        let old = action();
        let mut new = action();
        new.id = 9;
        new.formerly = vec![1];
        assert!(action_changes(&old, &new).is_empty());
    }

    #[test]
    fn updates_appended_edited_removed() {
        let mut old = action();
        old.updates = vec![update("a"), update("b"), update("c")];
        let mut new = old.clone();
        new.updates.push(update("d"));
        let c = action_changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].op, c[0].new.as_deref()), (Op::Added, Some("d")));
        assert!(action_flags(&old, &new, &c).is_empty());

        new.updates = vec![update("a"), update("B"), update("c")];
        let c = action_changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].op, c[0].old.as_deref(), c[0].new.as_deref()),
            (Op::Edited, Some("b"), Some("B"))
        );
        assert_eq!(action_flags(&old, &new, &c), vec![Flag::UpdateEdited]);

        new.updates = vec![update("a"), update("c")];
        let c = action_changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].op, c[0].old.as_deref()), (Op::Removed, Some("b")));
        assert_eq!(action_flags(&old, &new, &c), vec![Flag::UpdateRemoved]);
    }

    #[test]
    fn an_update_moved_by_its_new_date_is_one_edit() {
        let dated = |d: &str, t: &str| Update {
            date: Some(LogDate::parse(d).unwrap()),
            text: t.into(),
        };
        let (a, b, c, d) = (
            dated("2019-01", "a"),
            dated("2019-02", "b"),
            dated("2019-03", "c"),
            dated("2019-04", "d"),
        );
        let moved = dated("2019-03-20", "b");
        let old = vec![a.clone(), b.clone(), c.clone(), d.clone()];
        let new = vec![a.clone(), c.clone(), moved.clone(), d.clone()];
        let diff = update_diff(&old, &new);
        assert_eq!(
            diff,
            vec![UpdateChange {
                op: Op::Edited,
                old: Some(&b),
                new: Some(&moved)
            }]
        );
        let inserted = vec![a.clone(), b.clone(), moved.clone(), c.clone(), d.clone()];
        let diff = update_diff(&old, &inserted);
        assert_eq!(diff.len(), 1);
        assert_eq!((diff[0].op, diff[0].new), (Op::Added, Some(&moved)));
        let removed = vec![a.clone(), c.clone(), d.clone()];
        let diff = update_diff(&old, &removed);
        assert_eq!(
            (diff.len(), diff[0].op, diff[0].old),
            (1, Op::Removed, Some(&b))
        );
    }

    #[test]
    fn dated_updates_read_as_one_line() {
        let u = Update {
            date: Some(LogDate::parse("2019-04-09").unwrap()),
            text: "met".into(),
        };
        assert_eq!(update_text(&u), "2019-04-09: met");
    }

    #[test]
    fn flags_for_reopening_later_deadlines_and_skips() {
        let mut old = action();
        old.status = Status::Complete;
        let mut new = action();
        new.status = Status::Ongoing;
        new.deadline = Some(Deadline::parse("2019-09").unwrap());
        let c = action_changes(&old, &new);
        assert_eq!(
            action_flags(&old, &new, &c),
            vec![Flag::Reopened, Flag::DeadlineLater]
        );

        let old = action();
        let mut new = action();
        new.status = Status::Complete;
        assert_eq!(action_flags(&old, &new, &[]), vec![Flag::StatusSkip]);
        new.status = Status::Ongoing;
        assert!(action_flags(&old, &new, &[]).is_empty());
        new.status = Status::Closed;
        assert!(action_flags(&old, &new, &[]).is_empty());
        new.deadline = Some(Deadline::parse("2019-07-31").unwrap());
        assert!(
            action_flags(&old, &new, &[]).is_empty(),
            "same last day is not later"
        );
    }

    #[test]
    fn flags_for_a_closed_action_reopened_a_deadline_or_sign_off_taken_away_and_a_reused_number() {
        let mut old = action();
        old.status = Status::Closed;
        old.signed_off = Some(LogDate::parse("2019-06").unwrap());
        let mut new = old.clone();
        new.status = Status::NotStarted;
        new.deadline = Some(Deadline::Monthly);
        new.signed_off = None;
        assert_eq!(
            action_flags(&old, &new, &[]),
            vec![
                Flag::Reopened,
                Flag::DeadlineRemoved,
                Flag::SignedOffChanged
            ]
        );
        new = old.clone();
        new.deadline = None;
        new.signed_off = Some(LogDate::parse("2019-07").unwrap());
        assert_eq!(
            action_flags(&old, &new, &[]),
            vec![Flag::DeadlineRemoved, Flag::SignedOffChanged]
        );
        // A sign-off recorded for the first time is the lifecycle, not a rewrite.
        let mut first = old.clone();
        first.signed_off = None;
        assert!(action_flags(&first, &old, &[]).is_empty());
        // A retitle keeps the day raised; another action under the number keeps neither.
        new = old.clone();
        new.title = "Another".into();
        assert!(action_flags(&old, &new, &[]).is_empty());
        new.raised = LogDate::parse("2019-05").unwrap();
        assert_eq!(action_flags(&old, &new, &[]), vec![Flag::NumberReused]);
        for f in Flag::ALL {
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.as_str()));
            assert!(!f.about().is_empty());
        }
    }

    #[test]
    fn every_change_reads_back_from_json() {
        let old = action();
        let mut new = sample_action(1, Status::Complete, "2019-09");
        new.title = "other".into();
        new.theme = "data".into();
        new.owner = Some("HO".into());
        new.raised = LogDate::parse("2018-01").unwrap();
        new.signed_off = Some(LogDate::parse("2019-10").unwrap());
        new.links = vec![2];
        new.merged_into = vec![3];
        new.duplicate_of = Some(4);
        new.artefacts = vec![5];
        new.updates = vec![update("u")];
        let m = milestone();
        let n = Milestone {
            date: LogDate::parse("2019-10").unwrap(),
            kind: crate::model::MilestoneKind::Workshop,
            title: "s".into(),
            description: Some("as given".into()),
            by: Some("HO".into()),
            objective: Some("o".into()),
            status: crate::model::MilestoneStatus::Slipped,
            actions: vec![1],
            ..m.clone()
        };
        let mut changes = action_changes(&old, &new);
        changes.extend(milestone_changes(&m, &n));
        assert_eq!(changes.len(), 20, "{changes:?}");
        let json = serde_json::to_string(&changes).unwrap();
        let back: Vec<Change> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, changes);
        assert!(serde_json::from_str::<Change>(r#"{"field":"nope","op":"changed"}"#).is_err());
    }

    #[test]
    fn milestone_fields() {
        let old = milestone();
        let mut new = old.clone();
        new.status = crate::model::MilestoneStatus::Slipped;
        let c = milestone_changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].field, c[0].new.as_deref()),
            ("status", Some("slipped"))
        );
    }
}
