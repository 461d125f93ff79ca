//! The rules for moving an action from one status to another, as pure functions: which moves are legal,
//! what each move requires (a sign-off date, a reason, `--reopen`), and the record that results. Every
//! accepted move appends a dated update, so the file explains itself without git.

use super::{Action, Deadline, LogDate, Status, Update};
use std::fmt;

/// A requested change of status, with what the user supplied alongside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Move {
    pub to: Option<Status>,
    pub note: Option<String>,
    /// The date of the appended update.
    pub date: Option<LogDate>,
    pub signed_off: Option<LogDate>,
    pub reopen: bool,
    pub merged_into: Vec<u32>,
    pub duplicate_of: Option<u32>,
}

/// Why a move was refused; the message says what would be accepted instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// Whether leaving `from` is a reopening, which needs `--reopen` and a note.
pub fn is_reopening(from: Status) -> bool {
    matches!(from, Status::Complete | Status::Closed)
}

/// The statuses an action in `from` may move to. Open statuses move forward (skipping is allowed),
/// proposed-complete may fall back to ongoing when members do not sign it off, complete is reached only
/// from proposed-complete, and any open action may be closed. Complete and closed actions move back only
/// when reopened.
pub fn legal_targets(from: Status) -> Vec<Status> {
    use Status::*;
    match from {
        NotStarted => vec![Ongoing, ProposedComplete, Closed],
        Ongoing => vec![ProposedComplete, Closed],
        ProposedComplete => vec![Ongoing, Complete, Closed],
        Complete => vec![Ongoing, ProposedComplete],
        Closed => vec![NotStarted, Ongoing, ProposedComplete],
    }
}

fn words(statuses: &[Status]) -> String {
    statuses
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check a move of `action` to `to` against the lifecycle, without changing anything.
pub fn check(action: &Action, to: Status, m: &Move) -> Result<(), Refusal> {
    let from = action.status;
    let legal = legal_targets(from);
    if from == to {
        return Err(Refusal(format!(
            "action {} is already {to}; from {from} it can move to: {}",
            action.id,
            words(&legal)
        )));
    }
    if !legal.contains(&to) {
        return Err(Refusal(format!(
            "action {} cannot move from {from} to {to}; from {from} it can move to: {}",
            action.id,
            words(&legal)
        )));
    }
    let has_note = m.note.as_deref().is_some_and(|n| !n.trim().is_empty());
    if is_reopening(from) {
        if !m.reopen || !has_note {
            return Err(Refusal(format!(
                "action {} is {from}; moving it back to {to} needs --reopen and --note saying why",
                action.id
            )));
        }
    } else if m.reopen {
        return Err(Refusal(format!(
            "--reopen is only for moving an action back from complete or closed; action {} is {from}",
            action.id
        )));
    }
    if to == Status::Complete && m.signed_off.is_none() {
        return Err(Refusal(format!(
            "completing action {} needs --signed-off DATE: the meeting at which members signed it off",
            action.id
        )));
    }
    if to != Status::Complete && m.signed_off.is_some() {
        return Err(Refusal(
            "--signed-off is only for a move to complete".to_string(),
        ));
    }
    let has_reason = !m.merged_into.is_empty() || m.duplicate_of.is_some();
    if to == Status::Closed && !has_reason && !has_note {
        return Err(Refusal(format!(
            "closing action {} needs a reason: --merged-into N, --duplicate-of N or --note TEXT",
            action.id
        )));
    }
    if to != Status::Closed && has_reason {
        return Err(Refusal(
            "--merged-into and --duplicate-of are only for a move to closed".to_string(),
        ));
    }
    let targets = m.merged_into.iter().chain(m.duplicate_of.iter());
    if let Some(n) = targets.into_iter().find(|n| **n == action.id) {
        return Err(Refusal(format!("action {n} cannot be closed into itself")));
    }
    Ok(())
}

/// The action after the move, with a dated update in its place in date order, or the refusal.
pub fn apply(action: &Action, m: &Move, today: LogDate) -> Result<Action, Refusal> {
    let to = m.to.ok_or_else(|| Refusal("no status given".to_string()))?;
    check(action, to, m)?;
    let from = action.status;
    let mut next = action.clone();
    next.status = to;
    let mut text = format!("Status changed from {from} to {to}");
    if is_reopening(from) {
        text = format!("Reopened; status changed from {from} to {to}");
    }
    if from == Status::Complete {
        next.signed_off = None;
    }
    if let Some(d) = m.signed_off {
        next.signed_off = Some(d);
        text.push_str(&format!(", signed off {d}"));
    }
    for n in &m.merged_into {
        if !next.merged_into.contains(n) {
            next.merged_into.push(*n);
        }
    }
    if !m.merged_into.is_empty() {
        text.push_str(&format!(", merged into {}", numbers(&m.merged_into)));
    }
    if let Some(n) = m.duplicate_of {
        next.duplicate_of = Some(n);
        text.push_str(&format!(", a duplicate of {n}"));
    }
    text.push('.');
    if let Some(note) = m.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        text.push(' ');
        text.push_str(note);
    }
    next.insert_update(Update {
        date: Some(m.date.unwrap_or(today)),
        text,
    });
    Ok(next)
}

/// The update that records a deadline change, or `None` when the deadline did not change.
pub fn deadline_moved(from: Option<Deadline>, to: Deadline) -> Option<String> {
    match from {
        Some(f) if f == to => None,
        Some(f) => Some(format!("Deadline moved from {f} to {to}.")),
        None => Some(format!("Deadline set to {to}.")),
    }
}

/// Which change an update that oslog wrote records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// A move from one status to another ([`apply`]).
    Status { from: Status, to: Status },
    /// A deadline set or moved ([`deadline_moved`]).
    Deadline,
}

/// An update that oslog wrote for a move or a deadline change, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedUpdate<'a> {
    pub change: Recorded,
    /// oslog's sentence in a reader's words: "Status changed from ongoing to proposed complete,
    /// signed off 10 July 2019."
    pub words: String,
    /// What a person added after oslog's sentence ("Paper circulated."); empty when nothing.
    pub note: &'a str,
}

/// Read back an update that oslog wrote for a move or a deadline change: which change it records,
/// its sentence in a reader's words, and the words a person added after it. `None` for an update
/// a person wrote, even one that begins with the same words.
pub fn recorded(text: &str) -> Option<RecordedUpdate<'_>> {
    let (sentence, rest) = text.split_once('.')?;
    let note = rest.trim();
    let long_deadline = |d: &str| -> Option<String> {
        Some(match Deadline::parse(d).ok()? {
            Deadline::Date(d) => d.long(),
            Deadline::Monthly => "monthly".into(),
        })
    };
    // "ongoing to complete, signed off 2019-07-10, merged into 16, 21 and 24"
    let status = |words: &str, opening: &str| -> Option<(Recorded, String)> {
        let (from, rest) = words.split_once(" to ")?;
        let mut clauses = rest.split(", ");
        let to = clauses.next()?;
        let (from, to) = (Status::parse(from)?, Status::parse(to)?);
        let mut said = format!("{opening} from {} to {}", from.label(), to.label());
        for c in clauses {
            if let Some(d) = c.strip_prefix("signed off ") {
                said.push_str(&format!(", signed off {}", LogDate::parse(d).ok()?.long()));
            } else if c.starts_with("merged into ")
                || c.starts_with("a duplicate of ")
                // the rest of a list of numbers: "merged into 16, 21 and 24"
                || c.split(' ').all(|w| w == "and" || w.parse::<u32>().is_ok())
            {
                said.push_str(&format!(", {c}"));
            } else {
                return None;
            }
        }
        Some((Recorded::Status { from, to }, said))
    };
    let (change, said) = if let Some(w) = sentence.strip_prefix("Status changed from ") {
        status(w, "Status changed")?
    } else if let Some(w) = sentence.strip_prefix("Reopened; status changed from ") {
        status(w, "Reopened; status changed")?
    } else if let Some(w) = sentence.strip_prefix("Deadline moved from ") {
        let (from, to) = w.split_once(" to ")?;
        let said = format!(
            "Deadline moved from {} to {}",
            long_deadline(from)?,
            long_deadline(to)?
        );
        (Recorded::Deadline, said)
    } else {
        let to = sentence.strip_prefix("Deadline set to ")?;
        (
            Recorded::Deadline,
            format!("Deadline set to {}", long_deadline(to)?),
        )
    };
    Some(RecordedUpdate {
        change,
        words: format!("{said}."),
        note,
    })
}

/// "16", "16 and 21", "16, 21 and 24".
pub fn numbers(ns: &[u32]) -> String {
    let words: Vec<String> = ns.iter().map(u32::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(status: Status) -> Action {
        crate::model::sample(16, status)
    }

    fn day(s: &str) -> LogDate {
        LogDate::parse(s).unwrap()
    }

    fn to(s: Status) -> Move {
        Move {
            to: Some(s),
            ..Move::default()
        }
    }

    #[test]
    fn forward_moves_append_a_dated_update() {
        let a = apply(
            &action(Status::NotStarted),
            &to(Status::Ongoing),
            day("2019-07-01"),
        )
        .unwrap();
        assert_eq!(a.status, Status::Ongoing);
        assert_eq!(a.updates.len(), 1);
        assert_eq!(a.updates[0].date, Some(day("2019-07-01")));
        assert_eq!(
            a.updates[0].text,
            "Status changed from not-started to ongoing."
        );
    }

    #[test]
    fn an_illegal_move_names_the_legal_ones() {
        let e = check(
            &action(Status::Ongoing),
            Status::NotStarted,
            &Move::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "action 16 cannot move from ongoing to not-started; from ongoing it can move to: proposed-complete, closed"
        );
        let e = check(&action(Status::Ongoing), Status::Ongoing, &Move::default()).unwrap_err();
        assert!(e.0.contains("already ongoing"));
    }

    #[test]
    fn complete_needs_a_sign_off_date_and_a_proposal() {
        let a = action(Status::ProposedComplete);
        assert!(check(&a, Status::Complete, &Move::default())
            .unwrap_err()
            .0
            .contains("--signed-off"));
        let m = Move {
            to: Some(Status::Complete),
            signed_off: Some(day("2019-05-14")),
            ..Move::default()
        };
        let done = apply(&a, &m, day("2019-07-01")).unwrap();
        assert_eq!(done.signed_off, Some(day("2019-05-14")));
        assert!(done.updates[0].text.contains("signed off 2019-05-14"));
        assert!(check(&action(Status::Ongoing), Status::Complete, &m).is_err());
    }

    #[test]
    fn reopening_needs_the_flag_and_a_note() {
        let mut a = action(Status::Complete);
        a.signed_off = Some(day("2019-05-14"));
        let mut m = to(Status::Ongoing);
        assert!(check(&a, Status::Ongoing, &m).is_err());
        m.reopen = true;
        assert!(check(&a, Status::Ongoing, &m).is_err());
        m.note = Some("Status was recorded in error.".into());
        let back = apply(&a, &m, day("2019-07-01")).unwrap();
        assert_eq!(back.signed_off, None);
        assert_eq!(
            back.updates[0].text,
            "Reopened; status changed from complete to ongoing. Status was recorded in error."
        );
        let mut open = to(Status::ProposedComplete);
        open.reopen = true;
        assert!(check(&action(Status::Ongoing), Status::ProposedComplete, &open).is_err());
    }

    #[test]
    fn closing_needs_a_reason() {
        let a = action(Status::Ongoing);
        assert!(check(&a, Status::Closed, &Move::default()).is_err());
        let m = Move {
            to: Some(Status::Closed),
            merged_into: vec![31],
            ..Move::default()
        };
        let closed = apply(&a, &m, day("2019-07-01")).unwrap();
        assert_eq!(closed.merged_into, vec![31]);
        assert_eq!(
            closed.updates[0].text,
            "Status changed from ongoing to closed, merged into 31."
        );
        let dup = Move {
            to: Some(Status::Closed),
            duplicate_of: Some(16),
            ..Move::default()
        };
        assert!(check(&a, Status::Closed, &dup).is_err());
        let reason_elsewhere = Move {
            duplicate_of: Some(9),
            ..Move::default()
        };
        assert!(check(&a, Status::ProposedComplete, &reason_elsewhere).is_err());
    }

    #[test]
    fn deadline_changes_are_recorded() {
        let d = |s| Deadline::parse(s).unwrap();
        assert_eq!(
            deadline_moved(Some(d("2019-07")), d("2019-09")).unwrap(),
            "Deadline moved from 2019-07 to 2019-09."
        );
        assert_eq!(deadline_moved(Some(d("2019-07")), d("2019-07")), None);
        assert_eq!(
            deadline_moved(None, d("monthly")).unwrap(),
            "Deadline set to monthly."
        );
    }

    #[test]
    fn the_updates_oslog_writes_are_read_back_with_the_words_added_to_them() {
        let a = action(Status::ProposedComplete);
        let m = Move {
            to: Some(Status::Complete),
            signed_off: Some(day("2019-07-10")),
            note: Some("Agreed at workshop 6. Minuted.".into()),
            ..Move::default()
        };
        let done = apply(&a, &m, day("2019-07-20")).unwrap();
        let read = recorded(&done.updates[0].text).unwrap();
        assert_eq!(
            read.change,
            Recorded::Status {
                from: Status::ProposedComplete,
                to: Status::Complete,
            }
        );
        assert_eq!(
            read.words,
            "Status changed from proposed complete to complete, signed off 10 July 2019."
        );
        assert_eq!(read.note, "Agreed at workshop 6. Minuted.");
        let closed = Move {
            to: Some(Status::Closed),
            merged_into: vec![31, 44, 86],
            ..Move::default()
        };
        let text = apply(&action(Status::Ongoing), &closed, day("2019-07-20"))
            .unwrap()
            .updates[0]
            .text
            .clone();
        let read = recorded(&text).unwrap();
        assert_eq!(
            (read.words.as_str(), read.note),
            (
                "Status changed from ongoing to closed, merged into 31, 44 and 86.",
                ""
            )
        );
        let d = |s| Deadline::parse(s).unwrap();
        for (text, words) in [
            (
                deadline_moved(Some(d("2019-07")), d("2019-09")).unwrap(),
                "Deadline moved from July 2019 to September 2019.",
            ),
            (
                deadline_moved(None, d("monthly")).unwrap(),
                "Deadline set to monthly.",
            ),
        ] {
            let read = recorded(&text).unwrap();
            assert_eq!(
                (read.change, read.words.as_str()),
                (Recorded::Deadline, words)
            );
        }
        for person in [
            "Status changed from the plan we had. More to follow.",
            "Deadline moved from spring to summer.",
            "Status changed from ongoing to complete",
            "Paper circulated.",
        ] {
            assert_eq!(recorded(person), None, "{person}");
        }
    }

    #[test]
    fn numbers_read_as_a_list() {
        assert_eq!(numbers(&[16]), "16");
        assert_eq!(numbers(&[16, 21]), "16 and 21");
        assert_eq!(numbers(&[16, 21, 24]), "16, 21 and 24");
    }
}
