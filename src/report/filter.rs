//! The filters of `oslog list` and `oslog timeline`: which actions and milestones an answer keeps.

use crate::model::{Action, LogDate, Milestone, MilestoneKind, MilestoneStatus, Status, Themes};
use chrono::NaiveDate;

/// The filters of `oslog list`; every one given must match.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Any of these statuses (empty: all).
    pub statuses: Vec<Status>,
    pub themes: Vec<String>,
    /// A case-insensitive part of the owner.
    pub owner: Option<String>,
    pub overdue: bool,
    /// Deadline ends before this day or month begins.
    pub due_before: Option<LogDate>,
    /// Deadline starts after this day or month ends.
    pub due_after: Option<LogDate>,
    /// Raised in this month or on this day.
    pub raised: Option<LogDate>,
    /// A case-insensitive part of the title or of an update.
    pub grep: Option<String>,
    /// Only open actions with no update on or after this day (see [`last_heard`]).
    pub stale_since: Option<NaiveDate>,
}

/// The last day the log shows news of action `a`: its latest dated update, or the month it was
/// raised when it has none (an update dated by month counts to the month's end).
pub fn last_heard(a: &Action) -> NaiveDate {
    a.updates
        .iter()
        .filter_map(|u| u.date)
        .map(|d| d.last_day())
        .chain([a.raised.last_day()])
        .max()
        .unwrap_or_else(|| a.raised.last_day())
}

/// Whether `a` is open and has had no update on or after `since`.
pub fn is_stale(a: &Action, since: NaiveDate) -> bool {
    a.status.is_open() && last_heard(a) < since
}

impl Filter {
    /// Whether `a` passes every filter, as of `today`.
    pub fn matches(&self, a: &Action, today: NaiveDate) -> bool {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        let deadline = a.deadline.and_then(|d| d.date());
        (self.statuses.is_empty() || self.statuses.contains(&a.status))
            && (self.themes.is_empty() || self.themes.contains(&a.theme))
            && self
                .owner
                .as_deref()
                .is_none_or(|o| a.owner.as_deref().is_some_and(|ao| has(ao, o)))
            && (!self.overdue || a.is_overdue(today))
            && self
                .due_before
                .is_none_or(|d| deadline.is_some_and(|dl| dl.last_day() < d.first_day()))
            && self
                .due_after
                .is_none_or(|d| deadline.is_some_and(|dl| dl.first_day() > d.last_day()))
            && self.raised.is_none_or(|r| {
                r.first_day() <= a.raised.first_day() && a.raised.last_day() <= r.last_day()
            })
            && self
                .grep
                .as_deref()
                .is_none_or(|g| has(&a.title, g) || a.updates.iter().any(|u| has(&u.text, g)))
            && self.stale_since.is_none_or(|since| is_stale(a, since))
    }

    /// Why a filter cannot mean what was typed, as a refusal with a suggestion: a theme that
    /// themes.yaml does not have, or an owner that no action in `actions` has. A filter that is
    /// right but happens to match nothing is not refused.
    pub fn check(&self, themes: Option<&Themes>, actions: &[&Action]) -> Result<(), String> {
        if let Some(themes) = themes {
            if let Some(message) = self.themes.iter().find_map(|t| themes.unknown(t)) {
                return Err(message);
            }
        }
        let Some(owner) = &self.owner else {
            return Ok(());
        };
        let needle = owner.to_lowercase();
        let mut owners: Vec<&str> = actions.iter().filter_map(|a| a.owner.as_deref()).collect();
        owners.sort_unstable();
        owners.dedup();
        if owners.iter().any(|o| o.to_lowercase().contains(&needle)) {
            return Ok(());
        }
        let hint = match crate::model::closest(owner, owners.iter().copied()) {
            Some(o) => format!("; did you mean `{o}`?"),
            None if owners.is_empty() => "; no action has an owner".to_string(),
            None if owners.len() <= 12 => format!("; the owners are: {}", owners.join(", ")),
            None => "; `oslog list --columns id,owner` lists them".to_string(),
        };
        Err(format!("no action's owner contains `{owner}`{hint}"))
    }
}

/// The filters of `oslog timeline`; every one given must match.
#[derive(Clone, Debug, Default)]
pub struct MilestoneFilter {
    /// Planned or slipped milestones from today on.
    pub upcoming: bool,
    /// Planned milestones whose date has passed.
    pub overdue: bool,
    /// Any of these kinds (empty: all).
    pub kinds: Vec<MilestoneKind>,
}

impl MilestoneFilter {
    /// Whether `m` passes every filter, as of `today`.
    pub fn matches(&self, m: &Milestone, today: NaiveDate) -> bool {
        let pending = matches!(
            m.status,
            MilestoneStatus::Planned | MilestoneStatus::Slipped
        );
        (self.kinds.is_empty() || self.kinds.contains(&m.kind))
            && (!self.upcoming || (pending && m.date.last_day() >= today))
            && (!self.overdue
                || (m.status == MilestoneStatus::Planned && m.date.last_day() < today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogDate;

    fn m(date: &str, status: MilestoneStatus, kind: MilestoneKind) -> Milestone {
        Milestone {
            id: format!("{date}-x"),
            date: LogDate::parse(date).unwrap(),
            kind,
            title: "T".into(),
            description: None,
            by: None,
            objective: None,
            status,
            actions: vec![],
            source: None,
        }
    }

    fn filter(upcoming: bool, overdue: bool, kinds: Vec<MilestoneKind>) -> MilestoneFilter {
        MilestoneFilter {
            upcoming,
            overdue,
            kinds,
        }
    }

    #[test]
    fn milestones_by_date_status_and_kind() {
        let today = chrono::NaiveDate::from_ymd_opt(2019, 7, 15).unwrap();
        let july = m("2019-07", MilestoneStatus::Planned, MilestoneKind::Workshop);
        let may = m("2019-05", MilestoneStatus::Planned, MilestoneKind::Report);
        let done = m("2019-05", MilestoneStatus::Done, MilestoneKind::Workshop);
        assert!(
            filter(true, false, vec![]).matches(&july, today),
            "the current month is upcoming"
        );
        assert!(!filter(true, false, vec![]).matches(&may, today));
        assert!(filter(false, true, vec![]).matches(&may, today));
        assert!(
            !filter(false, true, vec![]).matches(&done, today),
            "done is never overdue"
        );
        assert!(!filter(false, false, vec![MilestoneKind::Workshop]).matches(&may, today));
    }
}
