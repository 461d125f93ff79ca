//! The monthly update as data, and a member's digest of it: what the commits since the last update
//! changed (new actions, status changes, deadline moves, updates added, milestones changed), the
//! actions now overdue and the milestones ahead. It takes the commits `git::Repo::changes` returns
//! and the log's current records; nothing here reads git or formats markup.
//!
//! Each section has its own columns, so that a reader sees a deadline and the days late where they
//! matter and a milestone's date and kind where it is one. Every date reads "10 July 2019". A change
//! is dated when the log says it happened (the date of the update a move or a deadline change
//! wrote), else on the day it was committed; the update oslog wrote for a move or a deadline change
//! is that change, so it is not listed again among the updates.

use super::theme::{self, ThemeInfo};
use crate::model::lifecycle::{self, Recorded, RecordedUpdate};
use crate::model::{
    Action, Deadline, LogDate, Milestone, MilestoneKind, MilestoneStatus, Status, Themes,
};
use crate::trail::{Change, CommitChanges, Entry, Event, Op};
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// What the monthly update is built from.
pub struct Inputs<'a> {
    pub themes: &'a Themes,
    pub actions: &'a [&'a Action],
    pub milestones: &'a [&'a Milestone],
    pub today: NaiveDate,
    pub public: bool,
}

impl Inputs<'_> {
    pub(super) fn info(&self, key: &str) -> ThemeInfo {
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

    fn milestone(&self, id: &str) -> Option<&Milestone> {
        self.milestones.iter().copied().find(|m| m.id == id)
    }

    fn owner(&self, a: &Action) -> String {
        theme::owner(self.themes, a, self.public)
    }
}

/// Where the update starts: the changes it covers are those committed after this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Since {
    /// A day: the commits made on it and after.
    Day(NaiveDate),
    /// A milestone, such as the previous workshop: the commits made from its date on.
    Milestone { title: String, date: LogDate },
    /// A commit, named by its day: the commits after it.
    Commit(NaiveDate),
}

impl Since {
    /// The words after "Changes" in the document: "since Open Space workshop 5 (14 May 2019)".
    fn words(&self) -> String {
        match self {
            Since::Day(d) | Since::Commit(d) => format!("since {}", long_day(*d)),
            Since::Milestone { title, date } => format!("since {title} ({})", date.long()),
        }
    }
}

/// What a column holds, so that a renderer can align and style it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An action's number.
    Number,
    /// An action's or a milestone's title.
    Title,
    Text,
    Date,
    /// A count of days.
    Days,
    Status,
}

/// A column of a section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    pub head: &'static str,
    pub kind: Kind,
}

/// One row: a cell per column, and the theme of the action it is about (none for a milestone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub theme: Option<ThemeInfo>,
    pub cells: Vec<String>,
    /// For a milestone, the text it was taken from, shown with its title; otherwise empty.
    pub description: String,
}

/// A section of the update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// A stable id for anchors and tests.
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub columns: Vec<Column>,
    pub lines: Vec<Line>,
}

/// The monthly update, or a member's digest of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    pub title: String,
    /// What the update covers, for the line under the title: "since 1 June 2019".
    pub since: String,
    pub as_of: NaiveDate,
    pub as_of_long: String,
    pub public: bool,
    /// The member a digest is for.
    pub member: Option<String>,
    /// The themes the report covers.
    pub themes: Vec<ThemeInfo>,
    pub sections: Vec<Section>,
    /// The record files that did not load and are left out of the report, as its note names them.
    pub left_out: Vec<String>,
    /// In a public version, the sentence on the records it leaves out for their source; or empty.
    pub withheld: String,
}

pub(super) fn long_day(d: NaiveDate) -> String {
    LogDate::from_day(d).long()
}

/// A deadline as the file writes it ("2019-07", "monthly") in a reader's form, or "none".
pub(super) fn deadline_long(v: Option<&str>) -> String {
    match v.and_then(|s| Deadline::parse(s).ok()) {
        Some(d) => deadline_words(d),
        None => "none".into(),
    }
}

fn deadline_words(d: Deadline) -> String {
    match d {
        Deadline::Date(d) => d.long(),
        Deadline::Monthly => "monthly".into(),
    }
}

/// A status as the file writes it, in a reader's words.
fn status_words(v: Option<&str>) -> String {
    match v.and_then(Status::parse) {
        Some(s) => s.label().into(),
        None => v.unwrap_or("none").into(),
    }
}

/// An update as the trail writes it ("2019-07-10: text", or the text of an undated one): its date
/// and its text.
fn split_update(v: &str) -> (Option<LogDate>, &str) {
    match v.split_once(": ") {
        Some((d, text)) => match LogDate::parse(d) {
            Ok(d) => (Some(d), text),
            Err(_) => (None, v),
        },
        None => (None, v),
    }
}

/// An update an entry added: its date, its text, and what oslog's own wording says it records.
type Added<'e> = (Option<LogDate>, &'e str, Option<RecordedUpdate<'e>>);

/// The rows of the sections that come from the history, in the order of the commits.
#[derive(Default)]
struct Changes {
    new: Vec<Line>,
    status: Vec<Line>,
    deadlines: Vec<Line>,
    updates: Vec<Line>,
    milestones: Vec<Line>,
}

impl Changes {
    /// Sort one action's changes in one commit into the sections, dated on `committed` where the
    /// log does not say when.
    fn action(&mut self, input: &Inputs, a: &Action, e: &Entry, committed: &str) {
        let theme = Some(input.info(&a.theme));
        let line = |cells: Vec<String>| Line {
            theme: theme.clone(),
            cells: [vec![a.id.to_string(), a.title.clone()], cells].concat(),
            description: String::new(),
        };
        if e.event == Event::Added {
            let workshops = workshops(input.milestones);
            self.new.push(line(vec![
                super::actions::raised(a.raised, &workshops),
                a.deadline.map(deadline_words).unwrap_or_default(),
                input.owner(a),
            ]));
            return;
        }
        if !matches!(e.event, Event::Changed | Event::Renumbered) {
            return;
        }
        // The updates this entry added, each with what oslog's own wording says it records; one is
        // taken when the change it records is shown.
        let mut added: Vec<Added> = e
            .changes
            .iter()
            .filter(|c| c.field == "updates" && c.op == Op::Added)
            .filter_map(|c| c.new.as_deref())
            .map(|v| {
                let (date, text) = split_update(v);
                (date, text, lifecycle::recorded(text))
            })
            .collect();
        let mut take = |wanted: &dyn Fn(Recorded) -> bool| {
            let i = added
                .iter()
                .position(|(_, _, r)| r.as_ref().is_some_and(|r| wanted(r.change)))?;
            let (date, _, r) = added.remove(i);
            Some((date, r.map(|r| r.note).unwrap_or_default()))
        };
        let when = |date: Option<LogDate>| date.map_or_else(|| committed.to_string(), |d| d.long());
        let field = |name: &str| e.changes.iter().find(|c| c.field == name);
        if let Some(c) = field("status") {
            let (from, to) = (c.old.as_deref(), c.new.as_deref());
            let moved = |k: Recorded| {
                matches!(k, Recorded::Status { from: f, to: t }
                    if Some(f.as_str()) == from && Some(t.as_str()) == to)
            };
            let (date, note) = take(&moved).unwrap_or((None, ""));
            let mut notes = Vec::new();
            if let Some(d) = field("signed_off").and_then(|c| c.new.as_deref()) {
                if let Ok(d) = LogDate::parse(d) {
                    notes.push(format!("signed off {}", d.long()));
                }
            }
            if !note.is_empty() {
                notes.push(note.to_string());
            }
            self.status.push(line(vec![
                format!("{} → {}", status_words(from), status_words(to)),
                when(date),
                notes.join("; "),
            ]));
        }
        if let Some(c) = field("deadline") {
            let (date, _) = take(&|k| k == Recorded::Deadline).unwrap_or((None, ""));
            self.deadlines.push(line(vec![
                deadline_long(c.old.as_deref()),
                deadline_long(c.new.as_deref()),
                when(date),
            ]));
        }
        for (date, text, _) in added {
            self.updates.push(line(vec![when(date), text.to_string()]));
        }
    }

    /// One milestone's change in one commit. A milestone given a new date (and so a new id) is a
    /// change of its date: the trail pairs the two files.
    fn milestone(&mut self, m: &Milestone, e: &Entry) {
        let change = |c: &Change| {
            let (old, new) = (c.old.as_deref(), c.new.as_deref());
            match c.field {
                "status" => format!("{} → {}", old.unwrap_or("none"), new.unwrap_or("none")),
                "date" => {
                    let long = |v: Option<&str>| {
                        v.and_then(|d| LogDate::parse(d).ok())
                            .map_or_else(|| "none".to_string(), |d| d.long())
                    };
                    format!("date {} → {}", long(old), long(new))
                }
                "actions" => format!(
                    "actions {} → {}",
                    old.unwrap_or("none"),
                    new.unwrap_or("none")
                ),
                "by" => "owner changed".into(),
                f => format!("{f} changed"),
            }
        };
        let what = match e.event {
            Event::Added => "added to the timeline".to_string(),
            Event::Changed => e.changes.iter().map(change).collect::<Vec<_>>().join("; "),
            _ => return,
        };
        self.milestones.push(Line {
            theme: None,
            cells: vec![m.date.long(), m.title.clone(), m.kind.as_str().into(), what],
            description: m.description.clone().unwrap_or_default(),
        });
    }
}

/// The workshops among `milestones`, which name the meeting that raised an action.
fn workshops<'a>(milestones: &[&'a Milestone]) -> Vec<&'a Milestone> {
    milestones
        .iter()
        .copied()
        .filter(|m| m.kind == MilestoneKind::Workshop)
        .collect()
}

fn columns(spec: &[(&'static str, Kind)]) -> Vec<Column> {
    spec.iter()
        .map(|(head, kind)| Column { head, kind: *kind })
        .collect()
}

/// Build the update from `commits` (the changes it covers, in any order). With `only`, it keeps
/// the actions of those themes (a member's digest).
pub fn monthly(
    input: &Inputs,
    commits: &[CommitChanges],
    since: &Since,
    only: Option<&[String]>,
) -> MonthlyReport {
    let keep = |theme: &str| only.is_none_or(|o| o.iter().any(|t| t == theme));
    let mut ordered: Vec<&CommitChanges> = commits.iter().collect();
    ordered.sort_by_key(|c| c.commit.as_ref().map(|i| i.date));
    let mut changes = Changes::default();
    for c in ordered {
        let committed = c
            .commit
            .as_ref()
            .map(|i| long_day(i.date))
            .unwrap_or_default();
        for e in &c.entries {
            if let Some(a) = e.action.and_then(|id| input.action(id)) {
                if keep(&a.theme) {
                    changes.action(input, a, e, &committed);
                }
            } else if let Some(m) = e.milestone.as_deref().and_then(|id| input.milestone(id)) {
                if only.is_none() {
                    changes.milestone(m, e);
                }
            }
        }
    }
    let mut overdue: Vec<(i64, Line)> = input
        .actions
        .iter()
        .filter(|a| keep(&a.theme) && a.is_overdue(input.today))
        .filter_map(|a| {
            let deadline = a.deadline?.date()?;
            let late = (input.today - deadline.last_day()).num_days();
            let line = Line {
                theme: Some(input.info(&a.theme)),
                cells: vec![
                    a.id.to_string(),
                    a.title.clone(),
                    deadline.long(),
                    late.to_string(),
                    a.status.label().into(),
                    input.owner(a),
                ],
                description: String::new(),
            };
            Some((late, line))
        })
        .collect();
    overdue.sort_by_key(|(late, l)| (std::cmp::Reverse(*late), l.cells[0].parse::<u32>().ok()));
    let horizon = input.today + Months::new(3);
    let mut coming: Vec<&Milestone> = input
        .milestones
        .iter()
        .copied()
        .filter(|m| m.date.last_day() >= input.today && m.date.first_day() <= horizon)
        .filter(|m| {
            matches!(
                m.status,
                MilestoneStatus::Planned | MilestoneStatus::Slipped
            )
        })
        .collect();
    coming.sort_by_key(|m| m.date.sort_key());
    let ahead = coming
        .iter()
        .map(|m| Line {
            theme: None,
            cells: vec![
                match m.status {
                    MilestoneStatus::Slipped => format!("{} (slipped)", m.date.long()),
                    _ => m.date.long(),
                },
                m.title.clone(),
                m.kind.as_str().into(),
                m.by.clone().filter(|_| !input.public).unwrap_or_default(),
            ],
            description: m.description.clone().unwrap_or_default(),
        })
        .collect();
    let themes = theme::theme_infos(input.themes, input.actions)
        .into_iter()
        .filter(|t| keep(&t.key))
        .collect();
    use Kind::*;
    let section = |id, title, intro, spec: &[(&'static str, Kind)], lines| Section {
        id,
        title,
        intro,
        columns: columns(spec),
        lines,
    };
    let mut sections = vec![
        section(
            "new-actions",
            "New actions",
            "Actions added to the log, with the meeting that raised them.",
            &[
                ("No.", Number),
                ("Action", Title),
                ("Raised", Date),
                ("Deadline", Date),
                ("Owner", Text),
            ],
            changes.new,
        ),
        section(
            "status-changes",
            "Status changes",
            "Actions that moved along their lifecycle, with the date the log records.",
            &[
                ("No.", Number),
                ("Action", Title),
                ("Status", Status),
                ("Date", Date),
                ("Note", Text),
            ],
            changes.status,
        ),
        section(
            "deadline-moves",
            "Deadline moves",
            "Deadlines changed, from the old deadline to the new one.",
            &[
                ("No.", Number),
                ("Action", Title),
                ("From", Date),
                ("To", Date),
                ("Moved on", Date),
            ],
            changes.deadlines,
        ),
        section(
            "updates-added",
            "Updates added",
            "Progress recorded against actions.",
            &[
                ("No.", Number),
                ("Action", Title),
                ("Date", Date),
                ("Update", Text),
            ],
            changes.updates,
        ),
        section(
            "overdue",
            "Actions now overdue",
            "Actions not started or ongoing whose deadline has passed, the most overdue first. Actions proposed complete await sign-off instead.",
            &[
                ("No.", Number),
                ("Action", Title),
                ("Deadline", Date),
                ("Days late", Days),
                ("Status", Status),
                ("Owner", Text),
            ],
            overdue.into_iter().map(|(_, l)| l).collect(),
        ),
    ];
    // A digest is about its member's themes; the timeline is the forum's.
    if only.is_none() {
        sections.push(section(
            "milestone-changes",
            "Timeline changes",
            "Milestones added, done, slipped or changed.",
            &[
                ("Date", Date),
                ("Milestone", Title),
                ("Kind", Text),
                ("Change", Text),
            ],
            changes.milestones,
        ));
    }
    sections.push(section(
        "milestones",
        "Milestones in the coming three months",
        "Workshops, reports and other dates ahead.",
        &[
            ("Date", Date),
            ("Milestone", Title),
            ("Kind", Text),
            ("Owner", Text),
        ],
        ahead,
    ));
    MonthlyReport {
        title: "Monthly update".into(),
        since: since.words(),
        as_of: input.today,
        as_of_long: long_day(input.today),
        public: input.public,
        member: None,
        themes,
        sections,
        left_out: Vec::new(),
        withheld: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, Status};
    use crate::report::sample::{change, commit, day, entry, themes};

    fn counts(r: &MonthlyReport) -> Vec<(&str, usize)> {
        r.sections.iter().map(|s| (s.id, s.lines.len())).collect()
    }

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
                        change(
                            "updates",
                            Op::Added,
                            None,
                            "2019-06-09: Status changed from not-started to ongoing. Begun.",
                        ),
                        change(
                            "updates",
                            Op::Added,
                            None,
                            "2019-06-09: Deadline moved from 2019-04 to 2019-05.",
                        ),
                        change("updates", Op::Added, None, "2019-06: Met the DPO."),
                    ],
                ),
                entry(2, Event::Added, "y", vec![]),
            ],
        )];
        let since = Since::Day(day("2019-06-01"));
        let r = monthly(&input, &commits, &since, None);
        assert_eq!(
            counts(&r),
            vec![
                ("new-actions", 1),
                ("status-changes", 1),
                ("deadline-moves", 1),
                ("updates-added", 1),
                ("overdue", 1),
                ("milestone-changes", 0),
                ("milestones", 0)
            ]
        );
        assert_eq!(r.since, "since 1 June 2019");
        assert_eq!(
            r.sections[1].lines[0].cells[2..],
            ["not started → ongoing", "9 June 2019", "Begun."]
        );
        assert_eq!(
            r.sections[2].lines[0].cells[2..],
            ["April 2019", "May 2019", "9 June 2019"]
        );
        assert_eq!(
            r.sections[3].lines[0].cells[2..],
            ["June 2019", "Met the DPO."]
        );
        assert_eq!(
            r.sections[4].lines[0].cells[2..4],
            ["May 2019".to_string(), "31".to_string()]
        );
        let only = vec!["y".to_string()];
        let d = monthly(&input, &commits, &since, Some(&only));
        assert_eq!(
            counts(&d),
            vec![
                ("new-actions", 1),
                ("status-changes", 0),
                ("deadline-moves", 0),
                ("updates-added", 0),
                ("overdue", 0),
                ("milestones", 0)
            ]
        );
        assert_eq!(d.themes.len(), 1);
    }

    #[test]
    fn a_change_without_its_update_is_dated_on_its_commit() {
        let a = sample(1, Status::ProposedComplete);
        let themes = themes();
        let actions = [&a];
        let input = Inputs {
            themes: &themes,
            actions: &actions,
            milestones: &[],
            today: day("2019-07-01"),
            public: false,
        };
        let commits = vec![commit(
            "2019-06-10",
            vec![entry(
                1,
                Event::Changed,
                "x",
                vec![
                    change("status", Op::Changed, Some("ongoing"), "proposed-complete"),
                    change("updates", Op::Added, None, "2019-06-08: Paper sent."),
                ],
            )],
        )];
        let r = monthly(&input, &commits, &Since::Day(day("2019-06-01")), None);
        assert_eq!(
            r.sections[1].lines[0].cells[2..],
            ["ongoing → proposed complete", "10 June 2019", ""]
        );
        assert_eq!(
            r.sections[3].lines[0].cells[2..],
            ["8 June 2019", "Paper sent."]
        );
    }
}
