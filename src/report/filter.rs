//! The filters of `oslog list`: which actions an answer keeps.

use crate::model::{Action, Status};
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
    /// Deadline ends before this day.
    pub due_before: Option<NaiveDate>,
    /// Deadline starts after this day.
    pub due_after: Option<NaiveDate>,
    /// Raised in this month or on this day.
    pub raised: Option<crate::model::LogDate>,
    /// A case-insensitive part of the title or of an update.
    pub grep: Option<String>,
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
                .is_none_or(|d| deadline.is_some_and(|dl| dl.last_day() < d))
            && self
                .due_after
                .is_none_or(|d| deadline.is_some_and(|dl| dl.first_day() > d))
            && self.raised.is_none_or(|r| {
                r.first_day() <= a.raised.first_day() && a.raised.last_day() <= r.last_day()
            })
            && self
                .grep
                .as_deref()
                .is_none_or(|g| has(&a.title, g) || a.updates.iter().any(|u| has(&u.text, g)))
    }
}
