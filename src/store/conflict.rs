//! Merge conflict markers in a record file: git's own (`<<<<<<<`, `|||||||` in the diff3 style,
//! `=======`, `>>>>>>>`, of any size from 7 up) and those of `oslog merge-driver`. A file holding
//! them is not YAML, and "syntax error at line 3" would not tell anyone what happened, so it gets its
//! own finding, at the first marker, with a hint that depends on what the two sides are. Each side is
//! rebuilt whole (the lines outside the conflicts, plus that side's lines inside them) and decoded:
//! two different actions under one number are split by `oslog renumber`; one record with fields
//! changed on both sides is for a person to resolve.

use super::loaded::{Loaded, Record};
use crate::diag::{Code, Diagnostic, Pos};
use crate::model::{Action, Milestone};
use std::path::Path;

/// The size of git's conflict markers unless configured otherwise (`conflict-marker-size`).
pub const MARKER_SIZE: usize = 7;

/// Which marker a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    /// `<<<<<<< label`: ours begins.
    Ours,
    /// `||||||| label`: the common ancestor begins (diff3).
    Base,
    /// `=======`: theirs begins.
    Theirs,
    /// `>>>>>>> label`: the conflict ends.
    End,
}

/// The marker a line is, and its size: a run of at least seven of one marker character at the start
/// of the line, followed by the end of the line or (except for `=`) a space and a label. No line of a
/// record can look like this, since YAML text inside a record is indented or quoted.
fn marker(line: &str) -> Option<(Marker, usize)> {
    let first = line.chars().next()?;
    let kind = match first {
        '<' => Marker::Ours,
        '|' => Marker::Base,
        '=' => Marker::Theirs,
        '>' => Marker::End,
        _ => return None,
    };
    let size = line.chars().take_while(|c| *c == first).count();
    let rest = &line[size..];
    let ends = match kind {
        Marker::Theirs => rest.is_empty(),
        _ => rest.is_empty() || rest.starts_with(' '),
    };
    (size >= MARKER_SIZE && ends).then_some((kind, size))
}

/// The line of the first conflict marker in `text`, if it has any.
pub fn first_marker(text: &str) -> Option<u32> {
    text.lines()
        .position(|l| marker(l).is_some())
        .map(|i| i as u32 + 1)
}

/// The two whole texts of a file with two-sided conflicts: the lines outside every conflict, with
/// ours or theirs inside each. `None` when the markers do not pair up.
pub fn sides(text: &str) -> Option<(String, String)> {
    #[derive(PartialEq)]
    enum In {
        Both,
        Ours,
        Base,
        Theirs,
    }
    let (mut ours, mut theirs) = (String::new(), String::new());
    let mut at = In::Both;
    let mut size = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.strip_suffix('\n').unwrap_or(line);
        let m = marker(bare).filter(|(_, n)| at == In::Both || *n == size);
        match (&at, m) {
            (In::Both, Some((Marker::Ours, n))) => {
                at = In::Ours;
                size = n;
            }
            (In::Ours, Some((Marker::Base, _))) => at = In::Base,
            (In::Ours | In::Base, Some((Marker::Theirs, _))) => at = In::Theirs,
            (In::Theirs, Some((Marker::End, _))) => at = In::Both,
            (_, Some(_)) => return None,
            (In::Both, None) => {
                ours.push_str(line);
                theirs.push_str(line);
            }
            (In::Ours, None) => ours.push_str(line),
            (In::Base, None) => {}
            (In::Theirs, None) => theirs.push_str(line),
        }
    }
    (at == In::Both).then_some((ours, theirs))
}

/// What the two sides of a conflicted record file are.
pub enum Sides {
    /// Two different actions under one number (their titles or `raised` differ): both must survive.
    TwoActions(Box<Loaded<Action>>, Box<Loaded<Action>>),
    /// Two different milestones under one id.
    TwoMilestones(Box<Loaded<Milestone>>, Box<Loaded<Milestone>>),
    /// One record, with fields changed differently on both sides.
    OneRecord,
    /// The markers do not pair up, or a side is not a whole record.
    Unreadable,
}

/// A conflicted record file: where its first marker is and what its sides are.
pub struct Conflict {
    pub line: u32,
    pub sides: Sides,
}

impl Conflict {
    /// The conflict in a file's text, if it has conflict markers, with `decode` giving the record
    /// each side holds (see `record::find_conflict`).
    pub fn find(text: &str, decode: impl Fn(String) -> Option<Record>) -> Option<Conflict> {
        let line = first_marker(text)?;
        let decoded = sides(text).map(|(a, b)| (decode(a), decode(b)));
        let sides = match decoded {
            Some((Some(Record::Action(a)), Some(Record::Action(b)))) => {
                if a.value.id == b.value.id && !a.value.same_record(&b.value) {
                    Sides::TwoActions(Box::new(a), Box::new(b))
                } else {
                    Sides::OneRecord
                }
            }
            Some((Some(Record::Milestone(a)), Some(Record::Milestone(b)))) => {
                if a.value.id == b.value.id && !a.value.same_record(&b.value) {
                    Sides::TwoMilestones(Box::new(a), Box::new(b))
                } else {
                    Sides::OneRecord
                }
            }
            Some((Some(Record::Themes(_)), Some(Record::Themes(_)))) => Sides::OneRecord,
            _ => Sides::Unreadable,
        };
        Some(Conflict { line, sides })
    }

    /// The same conflict known to be inside one record: git recorded a common ancestor of the file,
    /// so both sides changed one record, even if they changed its title.
    pub fn in_one_record(self) -> Conflict {
        let sides = match self.sides {
            Sides::TwoActions(..) | Sides::TwoMilestones(..) => Sides::OneRecord,
            other => other,
        };
        Conflict { sides, ..self }
    }

    /// The finding, with the way out.
    pub fn diagnostic(&self, rel: &Path) -> Diagnostic {
        let by_hand = "resolve it by hand: in each conflict keep ours (the lines after <<<<<<<) or theirs (the lines after =======), delete the rest and the marker lines, then run: oslog validate";
        let (message, hint) = match &self.sides {
            Sides::TwoActions(a, b) => (
                format!(
                    "unresolved merge conflict: two different actions claim number {}: “{}” (ours) and “{}” (theirs)",
                    a.value.id, a.value.title, b.value.title
                ),
                format!(
                    "run: oslog renumber (ours keeps {0}; theirs moves to a new number, with formerly: [{0}])",
                    a.value.id
                ),
            ),
            Sides::TwoMilestones(a, b) => (
                format!(
                    "unresolved merge conflict: two different milestones claim id `{}`: “{}” (ours) and “{}” (theirs)",
                    a.value.id, a.value.title, b.value.title
                ),
                "resolve it by hand: keep ours in this file, and put theirs in a file of its own with a new slug in its id and file name".to_string(),
            ),
            Sides::OneRecord => (
                "unresolved merge conflict: both sides changed this record differently".to_string(),
                by_hand.to_string(),
            ),
            Sides::Unreadable => (
                "unresolved merge conflict markers".to_string(),
                by_hand.to_string(),
            ),
        };
        Diagnostic::new(
            Code::ConflictMarkers,
            rel,
            Some(Pos::new(self.line, 1)),
            message,
        )
        .with_hint(hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_of_every_size_and_style_are_found() {
        assert_eq!(first_marker("id: 4\n<<<<<<< HEAD\n"), Some(2));
        assert_eq!(first_marker("<<<<<<<<<\n"), Some(1));
        assert_eq!(first_marker("id: 4\n=======\n"), Some(2));
        assert_eq!(
            first_marker("id: 4\n  <<<<<<< x\n<<<<<< six\n======= x\n"),
            None
        );
        assert_eq!(first_marker("title: a <<<<<<< b\n"), None);
    }

    #[test]
    fn both_sides_are_rebuilt_whole() {
        let git = "id: 4\n<<<<<<< HEAD\ntitle: A\n=======\ntitle: B\nowner: X\n>>>>>>> feature\nstatus: ongoing\n";
        assert_eq!(
            sides(git),
            Some((
                "id: 4\ntitle: A\nstatus: ongoing\n".into(),
                "id: 4\ntitle: B\nowner: X\nstatus: ongoing\n".into()
            ))
        );
        let diff3 = "id: 4\n<<<<<<< HEAD\ntitle: A\n||||||| base\ntitle: O\n=======\ntitle: B\n>>>>>>> feature\n";
        assert_eq!(
            sides(diff3),
            Some(("id: 4\ntitle: A\n".into(), "id: 4\ntitle: B\n".into()))
        );
        // Markers of nine inside, a line of seven is text.
        let nine = "<<<<<<<<< ours\na\n=======\n=========\nb\n>>>>>>>>> theirs\n";
        assert_eq!(sides(nine), Some(("a\n=======\n".into(), "b\n".into())));
        assert_eq!(sides("<<<<<<< a\nx\n"), None, "unclosed");
        assert_eq!(sides("=======\n"), None, "unopened");
        assert_eq!(sides("<<<<<<< a\n=======\n<<<<<<< b\n"), None, "nested");
    }
}
