//! The annual report as data: per theme, the issues discussed and resolved, discussed and not
//! resolved, and outstanding, with the year's figures, read from the log and its whole history
//! (the completion dates git shows, the deadline moves committed during the year).

use super::monthly::{deadline_long, long_day, Inputs};
use super::theme::ThemeInfo;
use crate::model::{Action, MilestoneStatus, Status};
use crate::trail::{CommitChanges, Event};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One line of a theme's part: an action and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The action's number.
    pub id: String,
    pub title: String,
    pub theme: ThemeInfo,
    /// Its status and latest update.
    pub detail: String,
    /// When it finished, or its deadline, in a reader's form.
    pub when: String,
    pub owner: String,
}

/// A part of one theme's year: resolved, not resolved, outstanding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// A stable id for anchors and tests.
    pub id: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub items: Vec<Item>,
}

/// The line of `a` in a part.
fn item(input: &Inputs, a: &Action, detail: String, when: String) -> Item {
    Item {
        id: a.id.to_string(),
        title: a.title.clone(),
        theme: input.info(&a.theme),
        detail,
        when,
        owner: super::theme::owner(input.themes, a, input.public),
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
    /// In a public version, the sentence on the records it leaves out for their source; or empty.
    pub withheld: String,
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
    for info in super::theme::theme_infos(input.themes, input.actions) {
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
                resolved.push(item(input, a, detail, long_day(day)));
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
            let line = item(input, a, detail, when);
            if discussed {
                unresolved.push(line);
            } else {
                outstanding.push(line);
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
        withheld: String::new(),
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
         The completion date is the sign-off date where there is one ({}), else the day git \
         history shows the status becoming complete ({}), else the date of the last dated update ({}). {}.",
        r.year,
        super::count(n("signed-off"), "action"),
        n("history"),
        n("update"),
        match n("undated") {
            1 => "1 completed or closed action carries no date and is counted in no year".into(),
            k => format!("{k} completed or closed actions carry no date and are counted in no year"),
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, LogDate};
    use crate::report::sample::{change, commit, day, entry, themes};
    use crate::trail::change::Op;

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
}
