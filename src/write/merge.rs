//! Three-way merges of one record, field by field, for `oslog merge-driver`. Updates appended on both
//! sides are all kept, in date order, without duplicates; lists of numbers merge as sets (what either
//! side removed stays removed); any other field changed on one side takes that side, and changed on
//! both sides to different values is a conflict, written with markers around that field only. Pure:
//! the command reads the three versions and writes the result.

use crate::model::{Action, Milestone, Update, ACTION_FIELDS, MILESTONE_FIELDS};
use crate::store::{self, emit, Record, RecordKind, Source};
use std::path::Path;

/// A merged record, and the fields that conflict. For a conflicted field, `ours` holds our value and
/// `theirs` the same record with their value, so that both can be written out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged<T> {
    pub ours: T,
    pub theirs: T,
    pub conflicts: Vec<&'static str>,
}

fn scalar<T: Clone + PartialEq>(
    name: &'static str,
    base: Option<&T>,
    a: &T,
    b: &T,
    conflicts: &mut Vec<&'static str>,
) -> (T, T) {
    if a == b || base == Some(b) {
        (a.clone(), a.clone())
    } else if base == Some(a) {
        (b.clone(), b.clone())
    } else {
        conflicts.push(name);
        (a.clone(), b.clone())
    }
}

fn numbers(base: Option<&[u32]>, a: &[u32], b: &[u32]) -> Vec<u32> {
    let base = base.unwrap_or(&[]);
    let removed = |n: &u32| base.contains(n) && (!a.contains(n) || !b.contains(n));
    let mut out: Vec<u32> = Vec::new();
    for n in a.iter().chain(b) {
        if !removed(n) && !out.contains(n) {
            out.push(*n);
        }
    }
    out
}

fn updates(
    base: Option<&[Update]>,
    a: &[Update],
    b: &[Update],
    conflicts: &mut Vec<&'static str>,
) -> (Vec<Update>, Vec<Update>) {
    let base = base.unwrap_or(&[]);
    if a == b || b == base {
        return (a.to_vec(), a.to_vec());
    }
    if a == base {
        return (b.to_vec(), b.to_vec());
    }
    if a.starts_with(base) && b.starts_with(base) {
        let mut added: Vec<Update> = Vec::new();
        for u in a[base.len()..].iter().chain(&b[base.len()..]) {
            if !added.contains(u) {
                added.push(u.clone());
            }
        }
        // Undated updates stay after the dated ones they followed: sort is stable, and an undated
        // update takes the date of the one before it.
        let mut last = base.iter().rev().find_map(|u| u.date);
        let mut keyed: Vec<_> = added
            .into_iter()
            .map(|u| {
                last = u.date.or(last);
                (last, u)
            })
            .collect();
        keyed.sort_by_key(|(d, _)| *d);
        let mut out = base.to_vec();
        out.extend(keyed.into_iter().map(|(_, u)| u));
        return (out.clone(), out);
    }
    conflicts.push("updates");
    (a.to_vec(), b.to_vec())
}

/// Merge each named field of `$a` and `$b` (with `$base`) into `$ours` and `$theirs`: scalars with
/// [`scalar`], lists of numbers with [`numbers`].
macro_rules! merge_fields {
    ($base:ident, $a:ident, $b:ident => $ours:ident, $theirs:ident, $c:ident;
     scalars: $($s:ident),*; lists: $($l:ident),*) => {
        $(
            let (x, y) = scalar(stringify!($s), $base.map(|o| &o.$s), &$a.$s, &$b.$s, &mut $c);
            $ours.$s = x;
            $theirs.$s = y;
        )*
        $(
            let merged = numbers($base.map(|o| &o.$l[..]), &$a.$l, &$b.$l);
            $theirs.$l = merged.clone();
            $ours.$l = merged;
        )*
    };
}

/// Merge three versions of an action; `base` is `None` when both sides added the file.
pub fn action(base: Option<&Action>, a: &Action, b: &Action) -> Merged<Action> {
    let mut c = Vec::new();
    let (mut ours, mut theirs) = (a.clone(), a.clone());
    merge_fields!(base, a, b => ours, theirs, c;
        scalars: id, title, theme, owner, raised, deadline, status, signed_off, duplicate_of, source;
        lists: links, merged_into, formerly, artefacts);
    let (x, y) = updates(base.map(|o| &o.updates[..]), &a.updates, &b.updates, &mut c);
    ours.updates = x;
    theirs.updates = y;
    Merged {
        ours,
        theirs,
        conflicts: c,
    }
}

/// Merge three versions of a milestone; `base` is `None` when both sides added the file.
pub fn milestone(base: Option<&Milestone>, a: &Milestone, b: &Milestone) -> Merged<Milestone> {
    let mut c = Vec::new();
    let (mut ours, mut theirs) = (a.clone(), a.clone());
    merge_fields!(base, a, b => ours, theirs, c;
        scalars: id, date, kind, title, description, by, objective, status, source;
        lists: actions);
    Merged {
        ours,
        theirs,
        conflicts: c,
    }
}

/// Git-style conflict markers: their size (git's `%L`, 7 unless configured) and the labels of the
/// two sides.
pub struct Markers<'a> {
    pub size: usize,
    pub ours: &'a str,
    pub theirs: &'a str,
}

impl Markers<'_> {
    /// `x` as ours and `y` as theirs between markers; each is given a final line break if it has
    /// none, so that a marker always starts a line.
    pub fn wrap(&self, x: &str, y: &str) -> String {
        let line = |t: &str| {
            if t.is_empty() || t.ends_with('\n') {
                t.to_string()
            } else {
                format!("{t}\n")
            }
        };
        format!(
            "{} {}\n{}{}\n{}{} {}\n",
            "<".repeat(self.size),
            self.ours,
            line(x),
            "=".repeat(self.size),
            line(y),
            ">".repeat(self.size),
            self.theirs
        )
    }
}

/// Two canonical texts of one record that differ only in some fields, as one text with conflict
/// markers around each differing top-level field and the rest as it is.
/// `fields` is the canonical key order of the record.
pub fn with_markers(ours: &str, theirs: &str, fields: &[&str], markers: &Markers) -> String {
    let (a, b) = (blocks(ours), blocks(theirs));
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in a.iter().chain(&b) {
        if !keys.contains(k) {
            keys.push(k);
        }
    }
    let order = |k: &str| fields.iter().position(|f| *f == k).unwrap_or(usize::MAX);
    keys.sort_by_key(|k| if k.is_empty() { 0 } else { order(k) + 1 });
    let get = |v: &[(&str, String)], k: &str| {
        v.iter()
            .find(|(x, _)| *x == k)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    let mut out = String::new();
    for k in keys {
        let (x, y) = (get(&a, k), get(&b, k));
        if x == y {
            out.push_str(&x);
        } else {
            out.push_str(&markers.wrap(&x, &y));
        }
    }
    out
}

/// A canonical text split into its top-level fields (the header comments under the key ""), each
/// with its lines.
fn blocks(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let top = !line.starts_with([' ', '#', '\n']);
        if top {
            let key = line.split(':').next().unwrap_or("");
            out.push((key, String::new()));
        } else if out.is_empty() {
            out.push(("", String::new()));
        }
        out.last_mut().expect("a block").1.push_str(line);
    }
    out
}

/// What merging one file gave: a clean text, or one with conflict markers and why.
pub enum MergedFile {
    Clean(String),
    Conflict { text: String, why: String },
}

/// Merge the three texts of the record file `path` (`base` is empty when both sides added it): field
/// by field into one canonical text, or, where a field changed differently on both sides, with
/// markers around that field; two different records added under one id, or a version that does not
/// load, are kept whole between markers.
pub fn texts(
    kind: RecordKind,
    path: &Path,
    base: &str,
    a: &str,
    b: &str,
    markers: &Markers,
) -> MergedFile {
    let decode = |text: &str| {
        let src = Source {
            text: text.to_string(),
            had_bom: false,
            had_crlf: false,
        };
        let (rec, diags) = store::decode_source(kind, path, &src);
        rec.ok_or_else(|| diags.first().map_or(String::new(), |d| d.message.clone()))
    };
    // Git's ancestor is empty when both sides added the file.
    let o = (!base.trim().is_empty()).then(|| decode(base)).transpose();
    let whole = |why: String| MergedFile::Conflict {
        text: markers.wrap(a, b),
        why,
    };
    let (o, x, y) = match (o, decode(a), decode(b)) {
        (Ok(o), Ok(x), Ok(y)) => (o, x, y),
        (o, x, y) => {
            let first = [o.err(), x.err(), y.err()].into_iter().flatten().next();
            return whole(format!(
                "a version does not load ({}); both are kept whole between the markers, to merge by hand",
                first.unwrap_or_default()
            ));
        }
    };
    let header = |r: &Record| match r {
        Record::Action(l) => l.header.clone(),
        Record::Milestone(l) => l.header.clone(),
        Record::Themes(l) => l.header.clone(),
    };
    let (ours_header, theirs_header) = (header(&x), header(&y));
    let added_on_both = o.is_none();
    // Per kind: whether the sides are two different records (and what to do then), both whole
    // texts, and the field-by-field merge.
    let (two, whole_texts, (ours_text, theirs_text, conflicts, fields)) = match (o, x, y) {
        (o, Record::Action(x), Record::Action(y)) => {
            let o = match o {
                Some(Record::Action(o)) => Some(o.value),
                _ => None,
            };
            let m = action(o.as_ref(), &x.value, &y.value);
            (
                (!x.value.same_record(&y.value)).then_some(
                    "both sides added a different action under this number; after the merge, `oslog renumber` keeps both (ours keeps the number)",
                ),
                (
                    emit::action(&x.value, &ours_header),
                    emit::action(&y.value, &theirs_header),
                ),
                (
                    emit::action(&m.ours, &ours_header),
                    emit::action(&m.theirs, &ours_header),
                    m.conflicts,
                    ACTION_FIELDS,
                ),
            )
        }
        (o, Record::Milestone(x), Record::Milestone(y)) => {
            let o = match o {
                Some(Record::Milestone(o)) => Some(o.value),
                _ => None,
            };
            let m = milestone(o.as_ref(), &x.value, &y.value);
            (
                (!x.value.same_record(&y.value)).then_some(
                    "both sides added a different milestone with this id; keep one and give the other a new slug",
                ),
                (
                    emit::milestone(&x.value, &ours_header),
                    emit::milestone(&y.value, &theirs_header),
                ),
                (
                    emit::milestone(&m.ours, &ours_header),
                    emit::milestone(&m.theirs, &ours_header),
                    m.conflicts,
                    MILESTONE_FIELDS,
                ),
            )
        }
        _ => {
            return whole(format!(
                "{} is not an action or milestone file",
                path.display()
            ))
        }
    };
    // Two records are never merged into one: both stay whole.
    if let Some(why) = two.filter(|_| added_on_both) {
        return MergedFile::Conflict {
            text: markers.wrap(&whole_texts.0, &whole_texts.1),
            why: why.to_string(),
        };
    }
    if conflicts.is_empty() {
        return MergedFile::Clean(ours_text);
    }
    MergedFile::Conflict {
        text: with_markers(&ours_text, &theirs_text, fields, markers),
        why: format!("{} changed differently on both sides", conflicts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LogDate, Status};

    fn action() -> Action {
        Action {
            title: "Paper".into(),
            theme: "t".into(),
            links: vec![21, 24],
            updates: vec![up(Some("2019-02"), "first")],
            ..crate::model::sample(16, Status::Ongoing)
        }
    }

    fn up(date: Option<&str>, text: &str) -> Update {
        Update {
            date: date.map(|d| LogDate::parse(d).unwrap()),
            text: text.into(),
        }
    }

    #[test]
    fn updates_appended_on_both_sides_are_kept_in_date_order_once() {
        let o = action();
        let mut a = o.clone();
        a.updates.push(up(Some("2019-07-09"), "ours"));
        a.updates.push(up(Some("2019-07-01"), "both"));
        let mut b = o.clone();
        b.updates.push(up(Some("2019-07-01"), "both"));
        b.updates.push(up(None, "theirs, undated"));
        let m = action_merge(&o, &a, &b);
        assert!(m.conflicts.is_empty());
        let texts: Vec<&str> = m.ours.updates.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts, ["first", "both", "theirs, undated", "ours"]);
    }

    fn action_merge(o: &Action, a: &Action, b: &Action) -> Merged<Action> {
        super::action(Some(o), a, b)
    }

    #[test]
    fn a_scalar_changed_on_one_side_wins_and_on_both_sides_conflicts() {
        let o = action();
        let mut a = o.clone();
        a.owner = Some("HO".into());
        a.links = vec![21];
        let mut b = o.clone();
        b.status = Status::ProposedComplete;
        b.links = vec![21, 24, 30];
        let m = action_merge(&o, &a, &b);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.ours.owner.as_deref(), Some("HO"));
        assert_eq!(m.ours.status, Status::ProposedComplete);
        assert_eq!(
            m.ours.links,
            vec![21, 30],
            "24 removed by ours, 30 added by theirs"
        );

        b.status = Status::Closed;
        a.status = Status::Complete;
        let m = action_merge(&o, &a, &b);
        assert_eq!(m.conflicts, vec!["status"]);
        assert_eq!(
            (m.ours.status, m.theirs.status),
            (Status::Complete, Status::Closed)
        );
        a.status = Status::Closed;
        assert!(
            action_merge(&o, &a, &b).conflicts.is_empty(),
            "the same change twice"
        );
    }

    #[test]
    fn markers_wrap_only_the_differing_field() {
        let ours = "# head\nid: 1\nstatus: complete\nupdates:\n  - text: a\n";
        let theirs = "# head\nid: 1\nstatus: closed\nupdates:\n  - text: a\n";
        let markers = |size| Markers {
            size,
            ours: "ours",
            theirs: "theirs",
        };
        assert_eq!(
            with_markers(ours, theirs, ACTION_FIELDS, &markers(7)),
            "# head\nid: 1\n<<<<<<< ours\nstatus: complete\n=======\nstatus: closed\n>>>>>>> theirs\nupdates:\n  - text: a\n"
        );
        let theirs = "id: 1\nowner: HO\nstatus: complete\n";
        assert_eq!(
            with_markers(
                "id: 1\nstatus: complete\n",
                theirs,
                ACTION_FIELDS,
                &markers(9)
            ),
            "id: 1\n<<<<<<<<< ours\n=========\nowner: HO\n>>>>>>>>> theirs\nstatus: complete\n"
        );
        assert_eq!(
            markers(7).wrap("a: 1", ""),
            "<<<<<<< ours\na: 1\n=======\n>>>>>>> theirs\n",
            "a side without a final line break still leaves the marker on a line of its own"
        );
    }
}
