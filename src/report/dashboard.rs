//! The dashboard of `oslog status` as plain data: counts by theme and status, overdue actions, actions
//! awaiting sign-off, open actions with no recent update, and milestones ahead or overdue. `output/table.rs` renders it.

use crate::model::{Action, Deadline, Milestone, MilestoneStatus, Status, Themes};
use chrono::NaiveDate;
use serde::Serialize;

/// Counts of actions per status for one theme (or for all).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub theme: String,
    pub name: String,
    pub colour: String,
    /// Counts in the order of [`Status::ALL`].
    pub by_status: Vec<usize>,
    pub total: usize,
}

/// A brief reference to an action, for lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Brief {
    pub id: u32,
    pub theme: String,
    pub title: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Days past the end of the deadline, for overdue actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
}

impl Brief {
    /// The brief of an action, as of `today`.
    pub fn of(a: &Action, today: NaiveDate) -> Brief {
        let days_overdue = a
            .is_overdue(today)
            .then(|| {
                a.deadline
                    .and_then(|d| d.date())
                    .map(|d| (today - d.last_day()).num_days())
            })
            .flatten();
        Brief {
            id: a.id,
            theme: a.theme.clone(),
            title: a.title.clone(),
            status: a.status,
            deadline: a.deadline,
            owner: a.owner.clone(),
            days_overdue,
        }
    }
}

/// The dashboard of `oslog status`.
#[derive(Clone, Debug, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub actions: usize,
    pub milestones: usize,
    /// One row per theme in themes.yaml order (then any unknown themes), and a last row for all.
    pub counts: Vec<Counts>,
    pub overdue: Vec<Brief>,
    pub awaiting_sign_off: Vec<Brief>,
    /// Open actions with no update for [`STALE_WEEKS`] weeks, the longest silent first.
    pub stale: Vec<Brief>,
    pub upcoming_milestones: Vec<Milestone>,
    /// Planned milestones whose date has passed.
    pub overdue_milestones: Vec<Milestone>,
}

/// How long an open action may go without an update before the dashboard lists it as stale.
pub const STALE_WEEKS: u64 = 8;

/// How far ahead the dashboard looks for milestones.
pub const UPCOMING_DAYS: i64 = 90;

/// Build the dashboard for `today`.
pub fn dashboard(
    themes: &Themes,
    actions: &[&Action],
    milestones: &[&Milestone],
    today: NaiveDate,
) -> Dashboard {
    let mut counts: Vec<Counts> = themes
        .themes
        .iter()
        .map(|t| Counts {
            theme: t.key.clone(),
            name: t.name.clone(),
            colour: t.colour.clone(),
            by_status: vec![0; Status::ALL.len()],
            total: 0,
        })
        .collect();
    let mut all = Counts {
        theme: String::new(),
        name: "All themes".into(),
        colour: String::new(),
        by_status: vec![0; Status::ALL.len()],
        total: 0,
    };
    for a in actions {
        let i = Status::ALL.iter().position(|s| *s == a.status).unwrap_or(0);
        let row = match counts.iter().position(|c| c.theme == a.theme) {
            Some(r) => r,
            None => {
                counts.push(Counts {
                    theme: a.theme.clone(),
                    name: a.theme.clone(),
                    colour: String::new(),
                    by_status: vec![0; Status::ALL.len()],
                    total: 0,
                });
                counts.len() - 1
            }
        };
        counts[row].by_status[i] += 1;
        counts[row].total += 1;
        all.by_status[i] += 1;
        all.total += 1;
    }
    counts.push(all);
    let mut overdue: Vec<Brief> = actions
        .iter()
        .filter(|a| a.is_overdue(today))
        .map(|a| Brief::of(a, today))
        .collect();
    overdue.sort_by_key(|b| (std::cmp::Reverse(b.days_overdue), b.id));
    let awaiting_sign_off = actions
        .iter()
        .filter(|a| a.status == Status::ProposedComplete)
        .map(|a| Brief::of(a, today))
        .collect();
    let since = today - chrono::Days::new(STALE_WEEKS * 7);
    let mut stale: Vec<&&Action> = actions
        .iter()
        .filter(|a| super::filter::is_stale(a, since))
        .collect();
    stale.sort_by_cached_key(|a| (super::filter::last_heard(a), a.id));
    let stale = stale.into_iter().map(|a| Brief::of(a, today)).collect();
    let horizon = today + chrono::Duration::days(UPCOMING_DAYS);
    let mut upcoming: Vec<Milestone> = milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Planned || m.status == MilestoneStatus::Slipped)
        .filter(|m| m.date.last_day() >= today && m.date.first_day() <= horizon)
        .map(|m| (*m).clone())
        .collect();
    upcoming.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let mut overdue_milestones: Vec<Milestone> = milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Planned && m.date.last_day() < today)
        .map(|m| (*m).clone())
        .collect();
    overdue_milestones.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    Dashboard {
        today,
        actions: actions.len(),
        milestones: milestones.len(),
        counts,
        overdue,
        awaiting_sign_off,
        stale,
        upcoming_milestones: upcoming,
        overdue_milestones,
    }
}
