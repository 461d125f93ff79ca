//! The monthly update as data, and a member's digest of it: what the commits since the last update
//! changed (new actions, status changes, deadline moves, updates added), the actions now overdue and
//! the milestones ahead. It takes the commits `git::Repo::changes` returns and the log's current
//! records; nothing here reads git or formats markup.

use super::theme::{self, ThemeInfo};
use crate::model::{Action, Deadline, LogDate, Milestone, MilestoneStatus, Themes};
use crate::trail::{CommitChanges, Event};
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// One line of a report section: an action (or a milestone) and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The action's number, or the milestone's id.
    pub id: String,
    pub title: String,
    /// For a milestone, the text it was taken from; otherwise empty.
    pub description: String,
    pub theme: ThemeInfo,
    /// What happened: "ongoing → complete", "July 2019 → September 2019", an update's text.
    pub detail: String,
    /// When, in a reader's form.
    pub when: String,
    pub owner: String,
}

/// A section of the monthly update or of one theme in the annual report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// A stable id for anchors and tests.
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub items: Vec<Item>,
}

/// The monthly update, or a member's digest of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    pub title: String,
    /// "1 June 2019", or the revision the update starts after.
    pub since: String,
    pub as_of: NaiveDate,
    pub as_of_long: String,
    pub public: bool,
    /// The member a digest is for.
    pub member: Option<String>,
    /// The themes the report covers.
    pub themes: Vec<ThemeInfo>,
    pub parts: Vec<Part>,
    /// The record files that did not load and are left out of the report, as its note names them.
    pub left_out: Vec<String>,
    /// In a public version, the sentence on the records it leaves out for their source; or empty.
    pub withheld: String,
}

/// What the monthly update is built from.
pub struct Inputs<'a> {
    pub themes: &'a Themes,
    pub actions: &'a [&'a Action],
    pub milestones: &'a [&'a Milestone],
    pub today: NaiveDate,
    pub public: bool,
}

impl Inputs<'_> {
    fn info(&self, key: &str) -> ThemeInfo {
        theme::theme_infos(self.themes, self.actions)
            .into_iter()
            .find(|t| t.key == key)
            .unwrap_or_else(|| ThemeInfo {
                key: key.into(),
                name: key.into(),
                colour: "#777777".into(),
            })
    }

    fn action(&self, id: u32) -> Option<&Action> {
        self.actions.iter().copied().find(|a| a.id == id)
    }

    pub(super) fn item(&self, a: &Action, detail: String, when: String) -> Item {
        Item {
            id: a.id.to_string(),
            title: a.title.clone(),
            description: String::new(),
            theme: self.info(&a.theme),
            detail,
            when,
            owner: theme::owner(self.themes, a, self.public),
        }
    }
}

pub(super) fn long_day(d: NaiveDate) -> String {
    LogDate::from_day(d).long()
}

pub(super) fn deadline_long(v: Option<&str>) -> String {
    match v.and_then(|s| Deadline::parse(s).ok()) {
        Some(Deadline::Date(d)) => d.long(),
        Some(Deadline::Monthly) => "monthly".into(),
        None => "none".into(),
    }
}

/// Build the monthly update from `commits` (the changes since the last update, in any order). With
/// `only`, the report keeps the actions of those themes (a member's digest).
pub fn monthly(
    input: &Inputs,
    commits: &[CommitChanges],
    since: String,
    only: Option<&[String]>,
) -> MonthlyReport {
    let keep = |theme: &str| only.is_none_or(|o| o.iter().any(|t| t == theme));
    let mut ordered: Vec<&CommitChanges> = commits.iter().collect();
    ordered.sort_by_key(|c| c.commit.as_ref().map(|i| i.date));
    let (mut new, mut status, mut moves, mut updates) = (vec![], vec![], vec![], vec![]);
    for c in ordered {
        let when = c
            .commit
            .as_ref()
            .map(|i| long_day(i.date))
            .unwrap_or_default();
        for e in &c.entries {
            let Some(id) = e.action else { continue };
            let Some(a) = input.action(id) else { continue };
            if !keep(&a.theme) {
                continue;
            }
            if e.event == Event::Added {
                let detail = format!(
                    "raised {}; deadline {}",
                    a.raised.long(),
                    deadline_long(a.deadline.map(|d| d.to_string()).as_deref())
                );
                new.push(input.item(a, detail, when.clone()));
                continue;
            }
            if !matches!(e.event, Event::Changed | Event::Renumbered) {
                continue;
            }
            for ch in &e.changes {
                let old = ch.old.as_deref().unwrap_or("none");
                let to = ch.new.as_deref().unwrap_or("none");
                match ch.field {
                    "status" => {
                        status.push(input.item(a, format!("{old} → {to}"), when.clone()));
                    }
                    "deadline" => {
                        let detail = format!(
                            "{} → {}",
                            deadline_long(ch.old.as_deref()),
                            deadline_long(ch.new.as_deref())
                        );
                        moves.push(input.item(a, detail, when.clone()));
                    }
                    "updates" if ch.op == crate::trail::Op::Added => {
                        updates.push(input.item(a, to.to_string(), when.clone()));
                    }
                    _ => {}
                }
            }
        }
    }
    let infos = theme::theme_infos(input.themes, input.actions);
    let order = |i: &Item| infos.iter().position(|t| t.key == i.theme.key);
    let mut overdue: Vec<Item> = input
        .actions
        .iter()
        .filter(|a| keep(&a.theme) && a.is_overdue(input.today))
        .map(|a| {
            let detail = format!(
                "deadline {}; {}",
                deadline_long(a.deadline.map(|d| d.to_string()).as_deref()),
                a.status
            );
            input.item(a, detail, String::new())
        })
        .collect();
    overdue.sort_by_key(|i| (order(i), i.id.parse::<u32>().ok()));
    let horizon = input.today + Months::new(3);
    let mut coming: Vec<&Milestone> = input
        .milestones
        .iter()
        .copied()
        .filter(|m| m.date.last_day() >= input.today && m.date.first_day() <= horizon)
        .filter(|m| m.status != MilestoneStatus::Cancelled)
        .collect();
    coming.sort_by_key(|m| m.date.sort_key());
    let milestones = coming
        .iter()
        .map(|m| Item {
            id: m.id.clone(),
            title: m.title.clone(),
            description: m.description.clone().unwrap_or_default(),
            theme: ThemeInfo {
                key: String::new(),
                name: m.kind.as_str().into(),
                colour: "#1d2330".into(),
            },
            detail: m.status.to_string(),
            when: m.date.long(),
            owner: m.by.clone().filter(|_| !input.public).unwrap_or_default(),
        })
        .collect();
    let themes = infos.into_iter().filter(|t| keep(&t.key)).collect();
    MonthlyReport {
        title: "Monthly update".into(),
        since,
        as_of: input.today,
        as_of_long: long_day(input.today),
        public: input.public,
        member: None,
        themes,
        parts: vec![
            Part {
                id: "new-actions",
                title: "New actions",
                intro: "Actions added to the log.",
                items: new,
            },
            Part {
                id: "status-changes",
                title: "Status changes",
                intro: "Actions whose status moved.",
                items: status,
            },
            Part {
                id: "deadline-moves",
                title: "Deadline moves",
                intro: "Deadlines changed, from the old deadline to the new one.",
                items: moves,
            },
            Part {
                id: "updates-added",
                title: "Updates added",
                intro: "Progress recorded against actions.",
                items: updates,
            },
            Part {
                id: "overdue",
                title: "Actions now overdue",
                intro: "Open actions whose deadline has passed.",
                items: overdue,
            },
            Part {
                id: "milestones",
                title: "Milestones in the coming three months",
                intro: "Workshops, reports and other dates ahead.",
                items: milestones,
            },
        ],
        left_out: Vec::new(),
        withheld: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, Status};
    use crate::report::sample::{change, commit, day, entry, themes};
    use crate::trail::change::Op;

    #[test]
    fn monthly_sorts_changes_into_sections_and_a_digest_keeps_its_themes() {
        let mut a = sample(1, Status::Ongoing);
        a.deadline = Some(Deadline::parse("2019-05").unwrap());
        let mut b = sample(2, Status::NotStarted);
        b.theme = "y".into();
        let themes = themes();
        let actions = [&a, &b];
        let input = Inputs {
            themes: &themes,
            actions: &actions,
            milestones: &[],
            today: day("2019-07-01"),
            public: false,
        };
        let commits = vec![commit(
            "2019-06-10",
            vec![
                entry(
                    1,
                    Event::Changed,
                    "x",
                    vec![
                        change("status", Op::Changed, Some("not-started"), "ongoing"),
                        change("deadline", Op::Changed, Some("2019-04"), "2019-05"),
                        change("updates", Op::Added, None, "2019-06: begun"),
                    ],
                ),
                entry(2, Event::Added, "y", vec![]),
            ],
        )];
        let r = monthly(&input, &commits, "1 June 2019".into(), None);
        let counts: Vec<usize> = r.parts.iter().map(|p| p.items.len()).collect();
        assert_eq!(counts, vec![1, 1, 1, 1, 1, 0]);
        assert_eq!(r.parts[1].items[0].detail, "not-started → ongoing");
        assert_eq!(r.parts[2].items[0].detail, "April 2019 → May 2019");
        assert_eq!(r.parts[4].items[0].id, "1");
        let only = vec!["y".to_string()];
        let d = monthly(&input, &commits, String::new(), Some(&only));
        let counts: Vec<usize> = d.parts.iter().map(|p| p.items.len()).collect();
        assert_eq!(counts, vec![1, 0, 0, 0, 0, 0]);
        assert_eq!(d.themes.len(), 1);
    }
}
