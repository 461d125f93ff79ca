//! The site's calendar (iCalendar, RFC 5545): one all-day event per milestone and one per open
//! action's dated deadline, so that members can subscribe to the forum's dates.
//!
//! Written here rather than with a crate: the format is a few line-based properties, and the
//! maintained writers stamp each event with the time of writing (DTSTAMP), which would make every
//! build differ. Here DTSTAMP is the day the log is shown as of, so the same commit gives the same
//! bytes. Every text value is escaped (backslash, semicolon, comma, newline) and stripped of control
//! characters, and every line is folded at 75 octets without splitting a character.
//!
//! UIDs come from stable facts, so re-importing updates events rather than duplicating them:
//! `milestone-<id>@<identity>` and `action-<N>-deadline@<identity>`, where the identity is the
//! site's address without its scheme (`--base-url`) or the log's own (see `report::site`).

use super::feed::Place;
use crate::model::{Action, Deadline, LogDate, Milestone, MilestoneStatus, Themes};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// The longest line, in octets, before folding.
const LINE: usize = 75;

/// Append `line` to `out`, folded at [`LINE`] octets (continuations start with a space), ending in
/// CRLF.
fn fold(out: &mut String, line: &str) {
    let mut used = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if used + n > LINE {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(ch);
        used += n;
    }
    out.push_str("\r\n");
}

/// A TEXT value, escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// One all-day event from `start` to the day before `end`.
struct Event {
    uid: String,
    start: NaiveDate,
    end: NaiveDate,
    summary: String,
    description: String,
    url: Option<String>,
    cancelled: bool,
}

/// The days an event covers: the day, or for a month the whole month when `whole_month`, else its
/// last day.
fn span(d: LogDate, whole_month: bool) -> (NaiveDate, NaiveDate) {
    let next = |d: NaiveDate| d.succ_opt().unwrap_or(d);
    match d {
        LogDate::Day(x) => (x, next(x)),
        _ if whole_month => (d.first_day(), next(d.last_day())),
        _ => (d.last_day(), next(d.last_day())),
    }
}

/// The identity in UIDs: the base URL without its scheme and trailing slash, or the log's own.
fn identity(place: &Place) -> String {
    match place.base {
        Some(b) => b
            .split_once("://")
            .map_or(b, |(_, rest)| rest)
            .trim_end_matches('/')
            .to_string(),
        None => format!("{}.oslog", place.identity),
    }
}

/// Write the calendar of `milestones` and the dated deadlines of the open `actions`, as of `as_of`.
pub fn write(
    w: &mut dyn std::io::Write,
    place: &Place,
    themes: &Themes,
    actions: &[&Action],
    milestones: &[&Milestone],
    as_of: NaiveDate,
    public: bool,
) -> anyhow::Result<()> {
    let who = identity(place);
    let mut events = Vec::new();
    for m in milestones {
        let (start, end) = span(m.date, true);
        let mut description = format!("{} ({})", m.kind, m.status);
        for (label, v) in [("By", &m.by), ("Objective", &m.objective)] {
            if let Some(v) = v {
                let _ = write!(description, "\n{label}: {v}");
            }
        }
        if !m.actions.is_empty() {
            let ns: Vec<String> = m.actions.iter().map(|n| n.to_string()).collect();
            let _ = write!(description, "\nActions: {}", ns.join(", "));
        }
        events.push(Event {
            uid: format!("milestone-{}@{who}", m.id),
            start,
            end,
            summary: m.title.clone(),
            description,
            url: place
                .base
                .map(|_| place.link(&format!("timeline.html#{}", m.id))),
            cancelled: m.status == MilestoneStatus::Cancelled,
        });
    }
    for a in actions.iter().filter(|a| a.status.is_open()) {
        let Some(Deadline::Date(d)) = a.deadline else {
            continue;
        };
        let (start, end) = span(d, false);
        let theme = themes.get(&a.theme).map_or(a.theme.as_str(), |t| &t.name);
        let mut description = format!(
            "Theme: {theme}\nStatus: {}\nDeadline: {}",
            a.status,
            d.long()
        );
        let owner = crate::report::theme::owner(themes, a, public);
        if !owner.is_empty() {
            let _ = write!(description, "\nOwner: {owner}");
        }
        events.push(Event {
            uid: format!("action-{}-deadline@{who}", a.id),
            start,
            end,
            summary: format!("Action {} due: {}", a.id, a.title),
            description,
            url: place
                .base
                .map(|_| place.link(&format!("actions/{}.html", a.id))),
            cancelled: false,
        });
    }
    events.sort_by(|a, b| (a.start, &a.uid).cmp(&(b.start, &b.uid)));
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//oslog//action log calendar//EN",
        "CALSCALE:GREGORIAN",
    ] {
        fold(&mut out, line);
    }
    fold(&mut out, &format!("X-WR-CALNAME:{}", text(place.title)));
    let stamp = format!("{}T000000Z", day(as_of));
    for e in &events {
        fold(&mut out, "BEGIN:VEVENT");
        fold(&mut out, &format!("UID:{}", text(&e.uid)));
        fold(&mut out, &format!("DTSTAMP:{stamp}"));
        fold(&mut out, &format!("DTSTART;VALUE=DATE:{}", day(e.start)));
        fold(&mut out, &format!("DTEND;VALUE=DATE:{}", day(e.end)));
        fold(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        fold(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        if let Some(u) = &e.url {
            fold(&mut out, &format!("URL:{}", text(u)));
        }
        fold(&mut out, "TRANSP:TRANSPARENT");
        if e.cancelled {
            fold(&mut out, "STATUS:CANCELLED");
        }
        fold(&mut out, "END:VEVENT");
    }
    fold(&mut out, "END:VCALENDAR");
    w.write_all(out.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "é".repeat(80)));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= LINE, "{} octets: {line}", line.len());
        }
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}", "é".repeat(80)));
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(text("a;b,c\\d\ne\u{1b}[0m"), "a\\;b\\,c\\\\d\\ne[0m");
    }
}
