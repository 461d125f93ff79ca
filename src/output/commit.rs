//! The message of a `--commit`, written from what the commit holds: the record changes between HEAD's
//! version of each touched file and the version written, compared as the audit trail compares them
//! (`crate::trail::entries`). So a message can never describe less than its commit, even when the file
//! held earlier uncommitted edits. The subject says what happened in a person's words
//! (`Action 16: ongoing → complete`); the body lists every change when there is more to say; the
//! trailers name the records (`Oslog-Action: 16`), and a status change or a renumbering.

use super::table::ellipsis;
use super::trail::{entry_lines, record_name};
use crate::trail::change::{update_diff, Change, Op, UpdateChange};
use crate::trail::{Entry, Event, FileDiff, Rec, Version};

/// The width a subject keeps to, as git's tools expect.
const SUBJECT_WIDTH: usize = 72;

/// A part of a subject, and whether it says all there is to say about its change.
struct Phrase {
    text: String,
    complete: bool,
}

/// The commit message for these file changes.
pub fn message(diffs: &[FileDiff]) -> String {
    let entries = crate::trail::entries(diffs);
    let (subject, complete) = subject(&entries, diffs);
    let mut out = format!("{subject}\n");
    let many = entries.len() > 1;
    let lines: Vec<String> = entries
        .iter()
        .flat_map(|e| {
            let name = if many {
                format!("{} ", record_name(e))
            } else {
                String::new()
            };
            entry_lines(e)
                .into_iter()
                .map(move |l| format!("- {name}{l}"))
        })
        .collect();
    // One change the subject says in full needs no body.
    if !(lines.is_empty() || lines.len() == 1 && complete) {
        out.push('\n');
        for l in &lines {
            out.push_str(l);
            out.push('\n');
        }
    }
    let trailers = trailers(&entries);
    if !trailers.is_empty() {
        out.push('\n');
        for (k, v) in trailers {
            out.push_str(&format!("{k}: {v}\n"));
        }
    }
    out
}

/// The subject, and whether it says everything the commit holds.
fn subject(entries: &[Entry], diffs: &[FileDiff]) -> (String, bool) {
    let renumbered: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.event == Event::Renumbered)
        .collect();
    match (renumbered.as_slice(), entries) {
        ([e], _) => (
            format!(
                "Renumber action {} to {}",
                e.from.unwrap_or_default(),
                e.action.unwrap_or_default()
            ),
            false,
        ),
        ([_, ..], _) => (format!("Renumber {} actions", renumbered.len()), false),
        ([], []) => {
            let files: Vec<&str> = diffs.iter().map(|d| d.file.as_str()).collect();
            (
                format!("Rewrite {} in the canonical layout", files.join(", ")),
                true,
            )
        }
        // A milestone given a new date has a new id and file: one record, renamed.
        ([], [e]) if former_id(e, diffs).is_some() => (
            format!(
                "Milestone {}: now {}",
                former_id(e, diffs).unwrap_or_default(),
                e.milestone.as_deref().unwrap_or_default()
            ),
            false,
        ),
        ([], [e]) => {
            let phrases = phrases(e, diffs);
            let complete = phrases.iter().all(|p| p.complete);
            let label = label(e);
            let texts: Vec<&str> = phrases.iter().map(|p| p.text.as_str()).collect();
            let all = format!("{label}: {}", texts.join(", "));
            if all.chars().count() <= SUBJECT_WIDTH || texts.len() < 2 {
                return (all, complete);
            }
            let more = texts.len() - 1;
            let s = if more == 1 { "" } else { "s" };
            let first = format!("{label}: {}, and {more} more change{s}", texts[0]);
            if first.chars().count() <= SUBJECT_WIDTH {
                return (first, false);
            }
            (format!("{label}: {} changes", texts.len()), false)
        }
        ([], _) => {
            // Several actions that made the same change (a batch move): one subject for them all.
            let said = |e: &Entry| -> Vec<String> {
                phrases(e, diffs).into_iter().map(|p| p.text).collect()
            };
            let ids: Option<Vec<u32>> = entries.iter().map(|e| e.action).collect();
            if let Some(ids) = ids {
                let first = said(&entries[0]);
                if !first.is_empty() && entries.iter().all(|e| said(e) == first) {
                    let label = format!("Actions {}", crate::model::lifecycle::numbers(&ids));
                    // All the phrases, or the first (the body lists every change).
                    let fits = [first.join(", "), first[0].clone()]
                        .into_iter()
                        .map(|p| format!("{label}: {p}"))
                        .find(|s| s.chars().count() <= SUBJECT_WIDTH);
                    if let Some(subject) = fits {
                        return (subject, false);
                    }
                }
            }
            let labels: Vec<String> = entries.iter().map(label).collect();
            (format!("Change {}", labels.join(", ")), false)
        }
    }
}

/// The id a milestone had before this change gave it a new date, and so a new id and file.
fn former_id(e: &Entry, diffs: &[FileDiff]) -> Option<String> {
    let new = e.milestone.as_deref()?;
    diffs.iter().find_map(|d| match (&d.old, &d.new) {
        (Version::Present(Rec::Milestone(m)), Version::Absent)
            if m.id != new && same_slug(Some(&m.id), Some(new)) =>
        {
            Some(m.id.clone())
        }
        _ => None,
    })
}

/// Whether two milestone ids differ only in their dates.
fn same_slug(a: Option<&str>, b: Option<&str>) -> bool {
    fn slug(id: Option<&str>) -> Option<&str> {
        id.and_then(crate::model::split_milestone_id)
            .map(|(_, s)| s)
    }
    slug(a).is_some() && slug(a) == slug(b)
}

/// `Action 16`, `Milestone 2019-10-workshop-7`, or the file.
fn label(e: &Entry) -> String {
    match (&e.action, &e.milestone) {
        (Some(n), _) => format!("Action {n}"),
        (None, Some(m)) => format!("Milestone {m}"),
        (None, None) => e.file.clone(),
    }
}

/// What happened to one record, as phrases for its subject.
fn phrases(e: &Entry, diffs: &[FileDiff]) -> Vec<Phrase> {
    let quoted = |t: &Option<String>| format!("\"{}\"", short(t.as_deref().unwrap_or_default()));
    match e.event {
        Event::Added => vec![Phrase {
            text: format!("add {}", quoted(&e.title)),
            complete: false,
        }],
        Event::Removed => vec![Phrase {
            text: format!("remove {}", quoted(&e.title)),
            complete: false,
        }],
        Event::NotAFile => vec![Phrase {
            text: "put a link or submodule in its place".into(),
            complete: false,
        }],
        Event::Unreadable => vec![Phrase {
            text: "rewrite a version that does not load".into(),
            complete: false,
        }],
        Event::Changed | Event::Renumbered => {
            // A status change first: it is what people look for.
            let mut fields: Vec<&Change> =
                e.changes.iter().filter(|c| c.field != "updates").collect();
            fields.sort_by_key(|c| c.field != "status");
            let mut out: Vec<Phrase> = fields.into_iter().map(field_phrase).collect();
            let updates = match diffs.iter().find(|d| d.file == e.file) {
                Some(FileDiff {
                    old: Version::Present(Rec::Action(a)),
                    new: Version::Present(Rec::Action(b)),
                    ..
                }) => update_diff(&a.updates, &b.updates),
                _ => Vec::new(),
            };
            // The update a status change or a deadline move appends goes without saying; an update
            // edited or removed never does.
            let fields = !out.is_empty();
            out.extend(
                updates
                    .iter()
                    .filter(|u| !fields || u.op != Op::Added)
                    .map(update_phrase),
            );
            out
        }
    }
}

fn field_phrase(c: &Change) -> Phrase {
    let (old, new) = (c.old.as_deref(), c.new.as_deref());
    let fits = |v: Option<&str>| v.is_none_or(|v| short(v) == v);
    let prose = matches!(c.field, "title" | "description" | "objective");
    let complete = fits(old) && fits(new) && !prose;
    let text = match (c.field, old, new) {
        (f, _, _) if prose => format!("{f} changed"),
        ("status", Some(a), Some(b)) => format!("{a} → {b}"),
        (f, Some(a), Some(b)) => format!("{f} {} → {}", short(a), short(b)),
        (f, None, Some(b)) => format!("{f} set to {}", short(b)),
        (f, Some(_), None) => format!("{f} removed"),
        (f, None, None) => format!("{f} changed"),
    };
    Phrase { text, complete }
}

fn update_phrase(u: &UpdateChange) -> Phrase {
    let of = |u: Option<&crate::model::Update>| match u.and_then(|u| u.date) {
        Some(d) => format!("update of {d}"),
        None => "update".to_string(),
    };
    let text = match u.op {
        Op::Added if u.new.is_some_and(|n| n.date.is_none()) => "update added".to_string(),
        Op::Added => of(u.new),
        Op::Edited => format!("{} edited", of(u.old)),
        Op::Removed | Op::Changed => format!("{} removed", of(u.old)),
    };
    Phrase {
        text,
        complete: false,
    }
}

/// A value cut to fit a subject, on one line.
fn short(v: &str) -> String {
    ellipsis(&v.split_whitespace().collect::<Vec<_>>().join(" "), 40)
}

fn trailers(entries: &[Entry]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for e in entries {
        match (&e.action, &e.milestone) {
            (Some(n), _) => out.push(("Oslog-Action", n.to_string())),
            (None, Some(m)) => out.push(("Oslog-Milestone", m.clone())),
            _ => {}
        }
    }
    if let [e] = entries {
        let status = e.changes.iter().find(|c| c.field == "status");
        if let (Event::Changed, Some(c)) = (e.event, status) {
            if let (Some(a), Some(b)) = (&c.old, &c.new) {
                out.push(("Oslog-Status", format!("{a} -> {b}")));
            }
        }
    }
    for e in entries.iter().filter(|e| e.event == Event::Renumbered) {
        if let (Some(from), Some(to)) = (e.from, e.action) {
            out.push(("Oslog-Renumber", format!("{from} -> {to}")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Deadline, LogDate, Status, Update};
    use crate::trail::change::sample_action;

    fn diff(
        file: &str,
        old: Option<&crate::model::Action>,
        new: &crate::model::Action,
    ) -> FileDiff {
        let v = |a: Option<&crate::model::Action>| match a {
            Some(a) => Version::Present(Rec::Action(a.clone())),
            None => Version::Absent,
        };
        FileDiff {
            file: file.into(),
            old: v(old),
            new: v(Some(new)),
        }
    }

    fn update(date: &str, text: &str) -> Update {
        Update {
            date: Some(LogDate::parse(date).unwrap()),
            text: text.into(),
        }
    }

    #[test]
    fn a_status_change_names_the_move_and_lists_its_update() {
        let old = sample_action(16, Status::Ongoing, "2019-07");
        let mut new = old.clone();
        new.status = Status::Complete;
        new.updates.push(update("2019-07-01", "Status changed."));
        assert_eq!(
            message(&[diff("actions/016.yaml", Some(&old), &new)]),
            "Action 16: ongoing → complete\n\n- status: ongoing → complete\n- update added: 2019-07-01: Status changed.\n\nOslog-Action: 16\nOslog-Status: ongoing -> complete\n"
        );
    }

    #[test]
    fn every_change_of_a_swept_file_is_in_the_message() {
        let old = sample_action(129, Status::Ongoing, "2019-07");
        let mut new = old.clone();
        new.status = Status::ProposedComplete;
        new.deadline = Some(Deadline::parse("2019-09").unwrap());
        new.updates.push(update("2019-06", "Proposed."));
        new.updates.push(update("2019-07-01", "Deadline moved."));
        let m = message(&[diff("actions/129.yaml", Some(&old), &new)]);
        assert!(
            m.starts_with(
                "Action 129: ongoing → proposed-complete, deadline 2019-07 → 2019-09\n\n"
            ),
            "{m}"
        );
        for line in [
            "- deadline: 2019-07 → 2019-09\n",
            "- status: ongoing → proposed-complete\n",
            "- update added: 2019-06: Proposed.\n",
            "- update added: 2019-07-01: Deadline moved.\n",
            "Oslog-Status: ongoing -> proposed-complete\n",
        ] {
            assert!(m.contains(line), "{line} in {m}");
        }
    }

    #[test]
    fn an_addition_quotes_the_title_and_has_no_status_trailer() {
        let mut a = sample_action(141, Status::NotStarted, "2019-09");
        a.title = "HO to circulate the DPIA".into();
        let m = message(&[diff("actions/141.yaml", None, &a)]);
        assert!(
            m.starts_with("Action 141: add \"HO to circulate the DPIA\"\n\n- added: "),
            "{m}"
        );
        assert!(m.ends_with("\n\nOslog-Action: 141\n"), "{m}");
    }

    #[test]
    fn one_complete_change_needs_no_body_and_edits_are_named() {
        let old = sample_action(16, Status::Ongoing, "2019-07");
        let mut new = old.clone();
        new.owner = Some("HO".into());
        assert_eq!(
            message(&[diff("actions/016.yaml", Some(&old), &new)]),
            "Action 16: owner set to HO\n\nOslog-Action: 16\n"
        );
        let mut old = old;
        old.updates = vec![update("2019-04-09", "Met."), update("2019-05", "Again.")];
        let mut new = old.clone();
        new.updates[0].text = "Met twice.".into();
        new.updates.remove(1);
        let m = message(&[diff("actions/016.yaml", Some(&old), &new)]);
        assert!(
            m.starts_with("Action 16: update of 2019-04-09 edited, update of 2019-05 removed\n\n- update edited: 2019-04-09: Met. → 2019-04-09: Met twice.\n- update removed: 2019-05: Again.\n"),
            "{m}"
        );
    }

    #[test]
    fn a_long_subject_counts_what_it_leaves_to_the_body() {
        let old = sample_action(16, Status::Ongoing, "2019-07");
        let mut new = old.clone();
        new.owner = Some("HO and the DPO".into());
        new.links = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        new.deadline = Some(Deadline::parse("2019-09").unwrap());
        let m = message(&[diff("actions/016.yaml", Some(&old), &new)]);
        assert!(
            m.starts_with("Action 16: owner set to HO and the DPO, and 2 more changes\n\n"),
            "{m}"
        );
        new.owner = Some("The Home Office data protection team, with the DPO".into());
        let m = message(&[diff("actions/016.yaml", Some(&old), &new)]);
        assert!(m.starts_with("Action 16: 3 changes\n\n- owner: "), "{m}");
    }

    #[test]
    fn a_renumbering_names_the_move_and_the_rewritten_references() {
        let old = sample_action(139, Status::Ongoing, "2019-07");
        let mut moved = old.clone();
        moved.id = 141;
        moved.formerly = vec![139];
        let mut linker = sample_action(16, Status::Ongoing, "2019-07");
        linker.links = vec![139];
        let mut relinked = linker.clone();
        relinked.links = vec![141];
        let m = message(&[
            FileDiff {
                file: "actions/139.yaml".into(),
                old: Version::Present(Rec::Action(old)),
                new: Version::Absent,
            },
            diff("actions/141.yaml", None, &moved),
            diff("actions/016.yaml", Some(&linker), &relinked),
        ]);
        assert_eq!(
            m,
            "Renumber action 139 to 141\n\n- #16 links: [139] → [141]\n- #141 renumbered from #139\n\nOslog-Action: 16\nOslog-Action: 141\nOslog-Renumber: 139 -> 141\n"
        );
    }
}
