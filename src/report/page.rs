//! `oslog show N` as a page for a person: the action's fields in a reader's words (the theme's name,
//! the deadline with the days overdue or left, the meeting that raised it), the actions it links to
//! and those that refer to it with their titles, and its dated updates. `output::page` renders it.

use super::actions::raised;
use super::Related;
use crate::model::{Action, Deadline, Milestone, MilestoneKind, Themes};
use chrono::NaiveDate;

/// Another action named on the page, with its title (empty when the log has no such action).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: u32,
    pub title: String,
}

/// One action as a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub id: u32,
    pub title: String,
    pub theme: String,
    pub status: &'static str,
    pub owner: String,
    /// "July 2019 (12 days overdue)", "September 2019 (62 days left)", "monthly", or empty.
    pub deadline: String,
    pub raised: String,
    pub signed_off: String,
    /// (what, actions): "Links to", "Merged into", "Duplicate of", "Linked from", "Merged into it",
    /// "Duplicated by"; only those with actions.
    pub relations: Vec<(&'static str, Vec<Named>)>,
    /// The milestones that cite it: "September 2019: Open Space annual report (2019-09-…)".
    pub milestones: Vec<String>,
    /// (number from 1, date in words or empty, text), in the order of the file.
    pub updates: Vec<(usize, String, String)>,
}

/// The page of `a` as of `today`; `related` is what refers to it.
pub fn page(
    a: &Action,
    themes: &Themes,
    actions: &[&Action],
    milestones: &[&Milestone],
    today: NaiveDate,
    related: Related,
) -> Page {
    let named = |ids: &[u32]| -> Vec<Named> {
        ids.iter()
            .map(|&id| Named {
                id,
                title: actions
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.title.clone())
                    .unwrap_or_default(),
            })
            .collect()
    };
    let workshops: Vec<&Milestone> = milestones
        .iter()
        .copied()
        .filter(|m| m.kind == MilestoneKind::Workshop)
        .collect();
    let deadline = match a.deadline {
        None => String::new(),
        Some(Deadline::Monthly) => "monthly".into(),
        Some(Deadline::Date(d)) => {
            let days = |n: i64| {
                if n == 1 {
                    "1 day".to_string()
                } else {
                    format!("{n} days")
                }
            };
            let end = d.last_day();
            let when = if !a.status.is_open() {
                String::new()
            } else if a.is_overdue(today) {
                format!(" ({} overdue)", days((today - end).num_days()))
            } else if end >= today {
                format!(" ({} left)", days((end - today).num_days()))
            } else {
                // Past, but proposed complete: it awaits sign-off.
                " (awaiting sign-off)".into()
            };
            format!("{}{when}", d.long())
        }
    };
    let duplicate: Vec<u32> = a.duplicate_of.into_iter().collect();
    let relations = [
        ("Links to", named(&a.links)),
        ("Merged into", named(&a.merged_into)),
        ("Duplicate of", named(&duplicate)),
        ("Linked from", named(&related.linked_from)),
        ("Merged into it", named(&related.merged_from)),
        ("Duplicated by", named(&related.duplicates)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    Page {
        id: a.id,
        title: a.title.clone(),
        theme: themes
            .get(&a.theme)
            .map_or_else(|| a.theme.clone(), |t| t.name.clone()),
        status: a.status.label(),
        owner: a.owner.clone().unwrap_or_default(),
        deadline,
        raised: raised(a.raised, &workshops),
        signed_off: a.signed_off.map(|d| d.long()).unwrap_or_default(),
        relations,
        milestones: related
            .milestones
            .iter()
            .map(|id| match milestones.iter().find(|m| &m.id == id) {
                Some(m) => format!("{}: {} ({id})", m.date.long(), m.title),
                None => id.clone(),
            })
            .collect(),
        updates: a
            .updates
            .iter()
            .enumerate()
            .map(|(i, u)| {
                (
                    i + 1,
                    u.date.map(|d| d.long()).unwrap_or_default(),
                    u.text.clone(),
                )
            })
            .collect(),
    }
}
