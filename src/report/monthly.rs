//! The reports read from the audit trail: the monthly update (and a member's digest of it), the
//! annual report, and the open-against-completed figures drawn from git history. They take the
//! commits `git::Repo::changes` returns and the log's current records, and return plain data that
//! `output/report_md.rs` and `output/html.rs` render; nothing here reads git or formats markup.

use super::actions::{self as report, Point, ThemeInfo};
use crate::model::{Action, Deadline, LogDate, Milestone, MilestoneStatus, Status, Themes};
use crate::trail::{CommitChanges, Event};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One line of a report section: an action (or a milestone) and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The action's number, or the milestone's id.
    pub id: String,
    pub title: String,
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
        report::theme_infos(self.themes, self.actions)
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

    fn item(&self, a: &Action, detail: String, when: String) -> Item {
        Item {
            id: a.id.to_string(),
            title: a.title.clone(),
            theme: self.info(&a.theme),
            detail,
            when,
            owner: report::owner(self.themes, a, self.public),
        }
    }
}

fn long_day(d: NaiveDate) -> String {
    LogDate::from_day(d).long()
}

fn deadline_long(v: Option<&str>) -> String {
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
                    "updates" if ch.op == crate::trail::change::Op::Added => {
                        updates.push(input.item(a, to.to_string(), when.clone()));
                    }
                    _ => {}
                }
            }
        }
    }
    let infos = report::theme_infos(input.themes, input.actions);
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
    }
}

/// Where a completion date came from, for the annual report's footnote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    SignedOff,
    History,
    Update,
}

/// The day git history shows each action's status becoming complete or closed (the last time it
/// did). Additions are not counted: a file added already complete records when the log was written
/// down, not when the work finished.
pub fn finished_in_history(commits: &[CommitChanges]) -> BTreeMap<u32, NaiveDate> {
    let mut out = BTreeMap::new();
    for c in commits {
        let Some(info) = &c.commit else { continue };
        for e in &c.entries {
            let Some(id) = e.action else { continue };
            if e.event == Event::Renumbered {
                if let Some(d) = e.from.and_then(|f| out.remove(&f)) {
                    out.insert(id, d);
                }
            }
            for ch in e.changes.iter().filter(|c| c.field == "status") {
                let done = ch
                    .new
                    .as_deref()
                    .and_then(Status::parse)
                    .is_some_and(|s| !s.is_open());
                if e.event == Event::Added {
                    continue;
                }
                if done {
                    out.insert(id, info.date);
                } else {
                    out.remove(&id);
                }
            }
        }
    }
    out
}

/// When an action was completed or closed, and where that date came from: its sign-off, else the
/// day history shows it finishing, else its last dated update.
pub fn completed_on(a: &Action, history: &BTreeMap<u32, NaiveDate>) -> Option<(NaiveDate, Source)> {
    if a.status.is_open() {
        return None;
    }
    if let Some(d) = a.signed_off {
        return Some((d.first_day(), Source::SignedOff));
    }
    if let Some(d) = history.get(&a.id) {
        return Some((*d, Source::History));
    }
    a.updates
        .iter()
        .rev()
        .find_map(|u| u.date)
        .map(|d| (d.first_day(), Source::Update))
}

/// One theme's year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThemeYear {
    pub theme: ThemeInfo,
    pub raised: usize,
    pub completed: usize,
    pub closed: usize,
    /// Median days from raised to complete, of the actions completed in the year.
    pub median_days: Option<f64>,
    /// Actions whose deadline moved during the year, and how many moves.
    pub slipped_actions: usize,
    pub slips: usize,
    pub milestones_done: usize,
    pub milestones_slipped: usize,
    /// Discussed and resolved; discussed and not resolved; outstanding, still requiring work.
    pub parts: Vec<Part>,
}

/// The annual report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnnualReport {
    pub title: String,
    pub year: i32,
    pub as_of: NaiveDate,
    pub as_of_long: String,
    pub public: bool,
    pub themes: Vec<ThemeYear>,
    /// How many completion dates came from sign-off, from history, and from the last update.
    pub sources: BTreeMap<&'static str, usize>,
    /// Milestones of the year in no theme: (done, slipped).
    pub milestones_done: usize,
    pub milestones_slipped: usize,
    /// The record files that did not load and are left out of the report, as its note names them.
    pub left_out: Vec<String>,
}

/// A status with the latest update after it, if any.
fn with_latest(status: Status, latest: &str) -> String {
    if latest.is_empty() {
        status.to_string()
    } else {
        format!("{status}; {latest}")
    }
}

/// Build the annual report of `year` from the log and its whole history (`commits`, oldest first).
pub fn annual(input: &Inputs, commits: &[CommitChanges], year: i32) -> AnnualReport {
    let in_year = |d: NaiveDate| d.year() == year;
    let history = finished_in_history(commits);
    let year_commits: Vec<CommitChanges> = commits
        .iter()
        .filter(|c| c.commit.as_ref().is_some_and(|i| in_year(i.date)))
        .cloned()
        .collect();
    let slips = crate::trail::slips(&year_commits, 0);
    // Worked on: changed in a commit of the year (additions record the log, not work on it).
    let worked: BTreeSet<u32> = year_commits
        .iter()
        .flat_map(|c| &c.entries)
        .filter(|e| matches!(e.event, Event::Changed | Event::Renumbered))
        .filter_map(|e| e.action)
        .collect();
    let mut sources: BTreeMap<&'static str, usize> = BTreeMap::new();
    let undated = input
        .actions
        .iter()
        .filter(|a| !a.status.is_open() && completed_on(a, &history).is_none())
        .count();
    if undated > 0 {
        sources.insert("undated", undated);
    }
    let mut themes = Vec::new();
    for info in report::theme_infos(input.themes, input.actions) {
        let mine: Vec<&Action> = input
            .actions
            .iter()
            .copied()
            .filter(|a| a.theme == info.key)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let (mut resolved, mut unresolved, mut outstanding) = (vec![], vec![], vec![]);
        let (mut completed, mut closed, mut days) = (0, 0, vec![]);
        for a in &mine {
            let latest = a
                .updates
                .iter()
                .rev()
                .find(|u| u.date.is_none_or(|d| d.first_day().year() <= year))
                .map(|u| u.text.clone())
                .unwrap_or_default();
            if let Some((day, source)) = completed_on(a, &history).filter(|(d, _)| in_year(*d)) {
                if a.status == Status::Complete {
                    completed += 1;
                    days.push((day - a.raised.first_day()).num_days().max(0));
                    let key = match source {
                        Source::SignedOff => "signed-off",
                        Source::History => "history",
                        Source::Update => "update",
                    };
                    *sources.entry(key).or_default() += 1;
                } else {
                    closed += 1;
                }
                let detail = with_latest(a.status, &latest);
                resolved.push(input.item(a, detail, long_day(day)));
                continue;
            }
            if !a.status.is_open() {
                continue;
            }
            let discussed = a.raised.first_day().year() == year
                || worked.contains(&a.id)
                || a.updates
                    .iter()
                    .any(|u| u.date.is_some_and(|d| d.first_day().year() == year));
            let when = a
                .deadline
                .map(|d| deadline_long(Some(&d.to_string())))
                .unwrap_or_default();
            let detail = with_latest(a.status, &latest);
            let item = input.item(a, detail, when);
            if discussed {
                unresolved.push(item);
            } else {
                outstanding.push(item);
            }
        }
        let theme_slips: Vec<_> = slips
            .actions
            .iter()
            .filter(|s| s.theme == info.key && s.moves > 0)
            .collect();
        let ms = |status| {
            input
                .milestones
                .iter()
                .filter(|m| m.status == status && m.date.first_day().year() == year)
                .filter(|m| {
                    !m.actions.is_empty()
                        && m.actions.iter().any(|n| mine.iter().any(|a| a.id == *n))
                })
                .count()
        };
        themes.push(ThemeYear {
            raised: mine
                .iter()
                .filter(|a| a.raised.first_day().year() == year)
                .count(),
            completed,
            closed,
            median_days: crate::trail::median(days),
            slipped_actions: theme_slips.len(),
            slips: theme_slips.iter().map(|s| s.moves).sum(),
            milestones_done: ms(MilestoneStatus::Done),
            milestones_slipped: ms(MilestoneStatus::Slipped),
            theme: info,
            parts: vec![
                Part {
                    id: "resolved",
                    title: "Discussed and resolved",
                    intro: "Completed or closed during the year.",
                    items: resolved,
                },
                Part {
                    id: "unresolved",
                    title: "Discussed and not resolved",
                    intro: "Raised or worked on during the year, and still open.",
                    items: unresolved,
                },
                Part {
                    id: "outstanding",
                    title: "Outstanding issues that still require work",
                    intro: "Open actions with no progress recorded during the year.",
                    items: outstanding,
                },
            ],
        });
    }
    let all = |status| {
        input
            .milestones
            .iter()
            .filter(|m| m.status == status && m.date.first_day().year() == year)
            .count()
    };
    AnnualReport {
        title: format!("Annual report {year}"),
        year,
        as_of: input.today,
        as_of_long: long_day(input.today),
        public: input.public,
        themes,
        sources,
        milestones_done: all(MilestoneStatus::Done),
        milestones_slipped: all(MilestoneStatus::Slipped),
        left_out: Vec::new(),
    }
}

/// A theme's deadline slips in a reader's form: "3 (2 actions)".
pub fn slips_text(t: &ThemeYear) -> String {
    match t.slipped_actions {
        0 => "0".into(),
        1 => format!("{} (1 action)", t.slips),
        n => format!("{} ({n} actions)", t.slips),
    }
}

/// The footnote on where the completion dates behind the medians come from.
pub fn footnote(r: &AnnualReport) -> String {
    let n = |k| r.sources.get(k).copied().unwrap_or(0);
    format!(
        "Days from the month an action was raised to its completion, for the actions completed in {}. \
         The completion date is the sign-off date where there is one ({} actions), else the day git \
         history shows the status becoming complete ({}), else the date of the last dated update ({}). {} completed or closed actions carry no date \
         and are counted in no year.",
        r.year,
        n("signed-off"),
        n("history"),
        n("update"),
        n("undated")
    )
}

/// Open and finished actions at the end of each month, from git history (`commits`, oldest first)
/// for the months it covers and from `dated` (the log's own dates) before it. Returns the points and
/// the first month drawn from history, if any. Commits after `today` are left out.
pub fn over_time(
    commits: &[CommitChanges],
    dated: &[Point],
    today: NaiveDate,
) -> (Vec<Point>, Option<String>) {
    let commits: Vec<&CommitChanges> = commits
        .iter()
        .filter(|c| c.commit.as_ref().is_some_and(|i| i.date <= today))
        .collect();
    let Some(first) = commits.first().and_then(|c| c.commit.as_ref()) else {
        return (dated.to_vec(), None);
    };
    let month = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let start = month(first.date);
    let mut out: Vec<Point> = dated.iter().filter(|p| p.month < start).cloned().collect();
    let mut status: BTreeMap<u32, Status> = BTreeMap::new();
    let mut next = 0;
    let mut day = first.date.with_day(1).expect("the first of a month");
    while day <= today {
        let end = day + Months::new(1);
        while let Some(c) = commits.get(next) {
            let info = c.commit.as_ref().expect("filtered on commit");
            if info.date >= end {
                break;
            }
            for e in &c.entries {
                let Some(id) = e.action else { continue };
                match e.event {
                    // Gone from the log: removed, or a link or submodule in its file's place.
                    Event::Removed => {
                        status.remove(&id);
                    }
                    Event::NotAFile if e.now.is_some() => {
                        status.remove(&id);
                    }
                    Event::Renumbered => {
                        if let Some(s) = e.from.and_then(|f| status.remove(&f)) {
                            status.insert(id, s);
                        }
                    }
                    _ => {}
                }
                for ch in e.changes.iter().filter(|c| c.field == "status") {
                    if let Some(s) = ch.new.as_deref().and_then(Status::parse) {
                        status.insert(id, s);
                    }
                }
            }
            next += 1;
        }
        let open = status.values().filter(|s| s.is_open()).count();
        out.push(Point {
            month: month(day),
            open,
            completed: status.len() - open,
        });
        day = end;
    }
    (out, Some(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, Theme};
    use crate::trail::change::{Change, Op};
    use crate::trail::{CommitInfo, Entry};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn themes() -> Themes {
        Themes {
            themes: ["x", "y"]
                .iter()
                .map(|k| Theme {
                    key: k.to_string(),
                    name: k.to_uppercase(),
                    colour: "#123456".into(),
                    description: None,
                    public_owners: false,
                })
                .collect(),
            members: vec![],
        }
    }

    fn change(field: &'static str, op: Op, old: Option<&str>, new: &str) -> Change {
        Change {
            field,
            op,
            old: old.map(String::from),
            new: Some(new.into()),
        }
    }

    fn entry(id: u32, event: Event, theme: &str, changes: Vec<Change>) -> Entry {
        Entry {
            action: Some(id),
            milestone: None,
            file: format!("actions/{id:03}.yaml"),
            event,
            from: None,
            theme: Some(theme.into()),
            title: Some("t".into()),
            changes,
            flags: vec![],
            was: None,
            now: None,
        }
    }

    fn commit(date: &str, entries: Vec<Entry>) -> CommitChanges {
        CommitChanges {
            commit: Some(CommitInfo {
                id: "0".repeat(40),
                short: "0000000".into(),
                author: "Ann".into(),
                date: day(date),
                summary: "s".into(),
            }),
            entries,
        }
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

    #[test]
    fn completion_dates_prefer_sign_off_then_history_then_updates() {
        let mut a = sample(1, Status::Complete);
        a.signed_off = Some(LogDate::parse("2019-05").unwrap());
        let b = sample(2, Status::Complete);
        let mut c = sample(3, Status::Closed);
        c.updates = vec![crate::model::Update {
            date: Some(LogDate::parse("2019-04").unwrap()),
            text: "u".into(),
        }];
        let history = finished_in_history(&[
            commit(
                "2019-03-01",
                vec![entry(
                    2,
                    Event::Changed,
                    "x",
                    vec![change("status", Op::Changed, Some("ongoing"), "complete")],
                )],
            ),
            // An addition records the log, not the work: it gives no completion date.
            commit(
                "2019-03-02",
                vec![entry(
                    3,
                    Event::Added,
                    "x",
                    vec![change("status", Op::Changed, None, "closed")],
                )],
            ),
        ]);
        assert_eq!(
            completed_on(&a, &history),
            Some((day("2019-05-01"), Source::SignedOff))
        );
        assert_eq!(
            completed_on(&b, &history),
            Some((day("2019-03-01"), Source::History))
        );
        assert_eq!(
            completed_on(&c, &history),
            Some((day("2019-04-01"), Source::Update))
        );
    }

    #[test]
    fn annual_splits_resolved_unresolved_and_outstanding_with_figures() {
        let mut done = sample(1, Status::Complete);
        done.signed_off = Some(LogDate::parse("2019-03").unwrap());
        let mut new = sample(2, Status::Ongoing);
        new.raised = LogDate::parse("2019-02").unwrap();
        let mut old = sample(3, Status::NotStarted);
        old.raised = LogDate::parse("2018-02").unwrap();
        let themes = themes();
        let actions = [&done, &new, &old];
        let input = Inputs {
            themes: &themes,
            actions: &actions,
            milestones: &[],
            today: day("2020-01-15"),
            public: false,
        };
        let commits = vec![commit(
            "2019-06-01",
            vec![entry(
                2,
                Event::Changed,
                "x",
                vec![change("deadline", Op::Changed, Some("2019-07"), "2019-09")],
            )],
        )];
        let r = annual(&input, &commits, 2019);
        assert_eq!(r.themes.len(), 1);
        let t = &r.themes[0];
        let ids: Vec<Vec<&str>> = t
            .parts
            .iter()
            .map(|p| p.items.iter().map(|i| i.id.as_str()).collect())
            .collect();
        assert_eq!(ids, vec![vec!["1"], vec!["2"], vec!["3"]]);
        assert_eq!((t.raised, t.completed, t.closed), (2, 1, 0));
        // Raised January 2019, signed off March 2019.
        assert_eq!(t.median_days, Some(59.0));
        assert_eq!((t.slipped_actions, t.slips), (1, 1));
        assert_eq!(r.sources.get("signed-off"), Some(&1));
    }

    #[test]
    fn over_time_uses_history_from_its_first_month_and_dates_before() {
        let dated = vec![
            Point {
                month: "2019-01".into(),
                open: 5,
                completed: 0,
            },
            Point {
                month: "2019-02".into(),
                open: 9,
                completed: 9,
            },
        ];
        let added = |id, s| {
            entry(
                id,
                Event::Added,
                "x",
                vec![change("status", Op::Changed, None, s)],
            )
        };
        let commits = vec![
            commit("2019-02-03", vec![added(1, "ongoing"), added(2, "ongoing")]),
            commit(
                "2019-03-20",
                vec![entry(
                    2,
                    Event::Changed,
                    "x",
                    vec![change("status", Op::Changed, Some("ongoing"), "complete")],
                )],
            ),
            commit("2019-09-01", vec![added(3, "ongoing")]),
        ];
        let (points, from) = over_time(&commits, &dated, day("2019-04-02"));
        assert_eq!(from.as_deref(), Some("2019-02"));
        let got: Vec<(&str, usize, usize)> = points
            .iter()
            .map(|p| (p.month.as_str(), p.open, p.completed))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2019-01", 5, 0),
                ("2019-02", 2, 0),
                ("2019-03", 1, 1),
                ("2019-04", 1, 1)
            ]
        );
        let (points, from) = over_time(&[], &dated, day("2019-04-02"));
        assert_eq!((points, from), (dated, None));
    }
}
