//! The open-against-completed chart of the action log, in one place: each month's figures drawn from
//! git history for the months it covers, and from the log's own dates before them (or throughout, for
//! a log without history), with the caption that says which.

use crate::model::{Action, LogDate, Status};
use crate::trail::{CommitChanges, Entry, Event};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// A point of the open-against-completed chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    /// The month, YYYY-MM.
    pub month: String,
    pub open: usize,
    pub completed: usize,
}

/// The open-against-completed chart: its points, the caption that says where they come from, and
/// how many actions it leaves out because the log does not say when they finished.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub points: Vec<Point>,
    pub caption: String,
    /// Completed or closed actions with no sign-off and no dated update, drawn in no month.
    pub left_out: usize,
}

/// Open and completed actions at the end of each month up to `today`, with the chart's caption:
/// from the history (`commits`, oldest first; commits after `today` left out) for the months it
/// covers, and from the log's own dates before them, or throughout when there is no history. An
/// action that finished on no day the log gives is drawn in no month (neither open nor completed)
/// before the history begins, and the caption says how many.
pub fn over_time(actions: &[&Action], commits: &[Dated], today: NaiveDate) -> Chart {
    let undated: Vec<u32> = actions
        .iter()
        .filter(|a| !a.status.is_open() && finished(a).is_none())
        .map(|a| a.id)
        .collect();
    let known: Vec<&Action> = actions
        .iter()
        .copied()
        .filter(|a| !undated.contains(&a.id))
        .collect();
    let dated = dated(&known, today);
    let (points, from) = from_history(commits, &dated, today);
    let mut caption = match &from {
        Some(from) => format!(
            "From {from} on, drawn from git history (each action's status at the end of the month); before that, from the dates in the log."
        ),
        None => "Drawn from the dates in the log: when each action was raised, and when it was signed off or last updated.".to_string(),
    };
    // Where history covers every month, it knows every action's status; otherwise the months
    // drawn from dates lack the undated actions.
    let dated_months = match &from {
        Some(f) => points.iter().any(|p| &p.month < f),
        None => true,
    };
    let left_out = if dated_months { undated.len() } else { 0 };
    if left_out > 0 {
        let what = match left_out {
            1 => "1 completed or closed action that has".to_string(),
            n => format!("{n} completed or closed actions that have"),
        };
        caption.push_str(&format!(
            " The chart leaves out {what} no sign-off date and no dated update, since the log does not say when {} finished{}.",
            if left_out == 1 { "it" } else { "they" },
            match &from {
                Some(from) => format!(" (before {from})"),
                None => String::new(),
            }
        ));
    }
    Chart {
        points,
        caption,
        left_out,
    }
}

/// What the chart reads of one change to an action: its number, whether it left its number (or
/// the log) or came from another, and the status it was given. A walk of a long history keeps this
/// much of each change, not the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub action: u32,
    pub left: Left,
    pub status: Option<Status>,
}

/// Whether a change took an action out of the log, or brought it from another number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    /// Removed, or a link or submodule put in its file's place.
    Gone,
    /// Renumbered from this number.
    From(u32),
    Stayed,
}

/// A commit of the history as the chart reads it: its day and its changes to actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dated {
    pub date: NaiveDate,
    pub moves: Vec<Move>,
}

/// What the chart reads of a record change; `None` for a milestone's.
pub fn read_by_chart(e: &Entry) -> Option<Move> {
    let action = e.action?;
    let left = match (e.event, e.from) {
        (Event::Removed, _) => Left::Gone,
        (Event::NotAFile, _) if e.now.is_some() => Left::Gone,
        (Event::Renumbered, Some(from)) => Left::From(from),
        _ => Left::Stayed,
    };
    let status = e
        .changes
        .iter()
        .rev()
        .filter(|c| c.field == "status")
        .find_map(|c| c.new.as_deref().and_then(Status::parse));
    Some(Move {
        action,
        left,
        status,
    })
}

/// What the chart reads of whole commits, in their order.
pub fn read_history<'a>(commits: impl IntoIterator<Item = &'a CommitChanges>) -> Vec<Dated> {
    commits
        .into_iter()
        .filter_map(|c| {
            Some(Dated {
                date: c.commit.as_ref()?.date,
                moves: c.entries.iter().filter_map(read_by_chart).collect(),
            })
        })
        .collect()
}

/// When an action was completed or closed: its sign-off, else its last dated update; `None` for an
/// open action or one that finished on no day the log gives.
fn finished(a: &Action) -> Option<LogDate> {
    if a.status.is_open() {
        return None;
    }
    a.signed_off
        .or_else(|| a.updates.iter().rev().find_map(|u| u.date))
}

/// Open and finished actions at the end of each month, from the month the first action was raised
/// to `today`: drawn from the log's own dates (raised, signed off, dated updates).
fn dated(actions: &[&Action], today: NaiveDate) -> Vec<Point> {
    let Some(first) = actions.iter().map(|a| a.raised.year_month()).min() else {
        return Vec::new();
    };
    let last = LogDate::from_day(today).year_month();
    let mut raised: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    let mut done: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for a in actions {
        *raised.entry(a.raised.year_month()).or_default() += 1;
        if let Some(d) = finished(a) {
            *done
                .entry(d.year_month().max(a.raised.year_month()))
                .or_default() += 1;
        }
    }
    let (mut open, mut completed) = (0usize, 0usize);
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let r = raised.get(&(y, m)).copied().unwrap_or(0);
        let c = done.get(&(y, m)).copied().unwrap_or(0);
        completed += c;
        open = open + r - c.min(open + r);
        out.push(Point {
            month: format!("{y:04}-{m:02}"),
            open,
            completed,
        });
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Open and finished actions at the end of each month, from git history (`commits`, oldest first)
/// for the months it covers and from `dated` (the log's own dates) before it. Returns the points and
/// the first month drawn from history, if any. Commits after `today` are left out.
fn from_history(
    commits: &[Dated],
    dated: &[Point],
    today: NaiveDate,
) -> (Vec<Point>, Option<String>) {
    let commits: Vec<&Dated> = commits.iter().filter(|c| c.date <= today).collect();
    let Some(first) = commits.first() else {
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
        while let Some(c) = commits.get(next).filter(|c| c.date < end) {
            for m in &c.moves {
                match m.left {
                    Left::Gone => {
                        status.remove(&m.action);
                    }
                    Left::From(from) => {
                        if let Some(s) = status.remove(&from) {
                            status.insert(m.action, s);
                        }
                    }
                    Left::Stayed => {}
                }
                if let Some(s) = m.status {
                    status.insert(m.action, s);
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
    use crate::model::sample;
    use crate::report::sample::{change, commit, day, entry};
    use crate::trail::change::Op;

    /// Each point as (month, open, completed).
    fn figures(points: &[Point]) -> Vec<(&str, usize, usize)> {
        points
            .iter()
            .map(|p| (p.month.as_str(), p.open, p.completed))
            .collect()
    }

    #[test]
    fn over_time_counts_open_and_completed_by_month() {
        let a = sample(1, Status::Ongoing);
        let mut b = sample(2, Status::Complete);
        b.signed_off = Some(LogDate::parse("2019-03").unwrap());
        let points = dated(&[&a, &b], day("2019-04-10"));
        assert_eq!(
            figures(&points),
            vec![
                ("2019-01", 2, 0),
                ("2019-02", 2, 0),
                ("2019-03", 1, 1),
                ("2019-04", 1, 1)
            ]
        );
    }

    #[test]
    fn an_action_finished_on_no_known_day_is_left_out_and_counted() {
        let open = sample(1, Status::Ongoing);
        let mut dated = sample(2, Status::Complete);
        dated.signed_off = Some(LogDate::parse("2019-02").unwrap());
        let undated = sample(3, Status::Complete);
        let chart = over_time(&[&open, &dated, &undated], &[], day("2019-03-10"));
        assert_eq!(
            figures(&chart.points),
            vec![("2019-01", 2, 0), ("2019-02", 1, 1), ("2019-03", 1, 1)],
            "3 is neither open nor completed in any month"
        );
        assert_eq!(chart.left_out, 1);
        assert!(
            chart
                .caption
                .contains("leaves out 1 completed or closed action"),
            "{}",
            chart.caption
        );
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
        let (points, from) = from_history(&read_history(&commits), &dated, day("2019-04-02"));
        assert_eq!(from.as_deref(), Some("2019-02"));
        assert_eq!(
            figures(&points),
            vec![
                ("2019-01", 5, 0),
                ("2019-02", 2, 0),
                ("2019-03", 1, 1),
                ("2019-04", 1, 1)
            ]
        );
        let (points, from) = from_history(&[], &dated, day("2019-04-02"));
        assert_eq!((points, from), (dated, None));
    }

    #[test]
    fn the_chart_reads_of_a_change_where_the_action_went_and_its_status() {
        let mut renumbered = entry(3, Event::Renumbered, "x", Vec::new());
        renumbered.from = Some(1);
        let mut linked = entry(4, Event::NotAFile, "x", Vec::new());
        linked.now = Some(crate::trail::NotAFile::Symlink);
        let restored = entry(5, Event::NotAFile, "x", Vec::new());
        let changed = entry(
            2,
            Event::Changed,
            "x",
            vec![
                change("status", Op::Changed, Some("open"), "ongoing"),
                change("title", Op::Changed, Some("Old"), "New"),
                change("status", Op::Changed, Some("ongoing"), "complete"),
            ],
        );
        let removed = entry(6, Event::Removed, "x", Vec::new());
        let read = |e: &Entry| read_by_chart(e).map(|m| (m.action, m.left, m.status));
        assert_eq!(read(&renumbered), Some((3, Left::From(1), None)));
        assert_eq!(read(&linked), Some((4, Left::Gone, None)));
        assert_eq!(read(&restored), Some((5, Left::Stayed, None)));
        assert_eq!(
            read(&changed),
            Some((2, Left::Stayed, Some(Status::Complete)))
        );
        assert_eq!(read(&removed), Some((6, Left::Gone, None)));
        let mut milestone = entry(1, Event::Added, "x", Vec::new());
        (milestone.action, milestone.milestone) = (None, Some("workshop".into()));
        assert_eq!(read_by_chart(&milestone), None);
        // A renumbering carries the status over; a removal ends it.
        let commits = vec![
            commit(
                "2019-02-03",
                vec![entry(
                    1,
                    Event::Added,
                    "x",
                    vec![change("status", Op::Changed, None, "complete")],
                )],
            ),
            commit("2019-03-20", vec![renumbered]),
            commit("2019-04-01", vec![removed.clone()]),
            commit(
                "2019-05-09",
                vec![Entry {
                    action: Some(3),
                    ..removed
                }],
            ),
        ];
        let (points, _) = from_history(&read_history(&commits), &[], day("2019-05-10"));
        assert_eq!(
            figures(&points),
            vec![
                ("2019-02", 0, 1),
                ("2019-03", 0, 1),
                ("2019-04", 0, 1),
                ("2019-05", 0, 0)
            ]
        );
    }

    #[test]
    fn a_day_before_every_commit_draws_from_the_log_dates_alone() {
        let dated = vec![Point {
            month: "2019-01".into(),
            open: 3,
            completed: 1,
        }];
        let added = entry(
            1,
            Event::Added,
            "x",
            vec![change("status", Op::Changed, None, "ongoing")],
        );
        let history = read_history(&[commit("2019-02-03", vec![added])]);
        let (points, from) = from_history(&history, &dated, day("2019-01-20"));
        assert_eq!((points, from), (dated, None));
    }

    #[test]
    fn the_caption_says_where_the_figures_come_from() {
        let a = sample(1, Status::Ongoing);
        let chart = over_time(&[&a], &[], day("2019-02-10"));
        assert_eq!(chart.points.len(), 2);
        assert!(chart.caption.starts_with("Drawn from the dates in the log"));
        let added = entry(
            1,
            Event::Added,
            "x",
            vec![change("status", Op::Changed, None, "ongoing")],
        );
        let caption = over_time(
            &[&a],
            &read_history(&[commit("2019-02-03", vec![added])]),
            day("2019-02-10"),
        )
        .caption;
        assert!(
            caption.starts_with("From 2019-02 on, drawn from git history"),
            "{caption}"
        );
    }
}
