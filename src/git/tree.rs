//! Raw git tree objects, read without building an object per entry. A folder of 10,000 actions is a
//! tree of 10,000 entries that changes in one entry per commit; parsing every entry of both trees for
//! every commit would dominate a walk. Here a name is found by scanning the bytes up to it (git keeps
//! entries sorted), and two versions are compared by skipping their identical leading and trailing
//! bytes, so only the entries in between are compared.
//!
//! A record's name can also be taken by a symbolic link or a submodule; the walk reports those with
//! their kind rather than passing over them, so the trail can say what stands where a record was.

use git2::Oid;
use std::cmp::Ordering;

/// A tree object's bytes, owned or borrowed from the object database.
pub struct RawTree<D = Vec<u8>> {
    data: D,
}

/// One entry: `<mode> <name>\0<20-byte id>`.
pub struct RawEntry<'a> {
    mode: &'a [u8],
    pub name: &'a [u8],
    id: &'a [u8],
}

/// What a non-folder entry of a tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A regular file (mode 100644 or 100755).
    File,
    /// A symbolic link (mode 120000): its blob holds the link's target.
    Symlink,
    /// A submodule (mode 160000): its id is a commit of another repository.
    Submodule,
}

/// One side of a changed entry: its id and kind.
pub type Side = (Oid, Kind);

impl RawEntry<'_> {
    /// The entry's kind; `None` for a folder or a mode git does not write.
    pub fn kind(&self) -> Option<Kind> {
        match self.mode {
            m if m.starts_with(b"100") => Some(Kind::File),
            b"120000" => Some(Kind::Symlink),
            b"160000" => Some(Kind::Submodule),
            _ => None,
        }
    }

    /// A file, link or submodule whose name is a record's: what the walk compares.
    pub fn tracked(&self) -> Option<Side> {
        let kind = self.kind()?;
        self.name.ends_with(b".yaml").then(|| (self.oid(), kind))
    }

    pub fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }

    pub fn oid(&self) -> Oid {
        Oid::from_bytes(self.id).unwrap_or(Oid::ZERO_SHA1)
    }

    /// Git's sort key: a folder sorts as if its name ended in `/`.
    fn cmp_key(&self, name: &[u8], is_tree: bool) -> Ordering {
        let a = self.name.iter().chain(self.is_tree().then_some(&b'/'));
        let b = name.iter().chain(is_tree.then_some(&b'/'));
        a.cmp(b)
    }
}

/// The entry at the start of `data` and its length in bytes. An entry's parse reads only its own
/// bytes, which is what lets identical byte runs stand for identical entries.
fn parse(data: &[u8]) -> Option<(RawEntry<'_>, usize)> {
    let space = data.iter().take(7).position(|b| *b == b' ')?;
    let nul = space + 1 + data[space + 1..].iter().position(|b| *b == 0)?;
    let id = data.get(nul + 1..nul + 21)?;
    Some((
        RawEntry {
            mode: &data[..space],
            name: &data[space + 1..nul],
            id,
        },
        nul + 21,
    ))
}

impl RawTree {
    /// The tree with no entries.
    pub fn empty() -> RawTree {
        RawTree::new(Vec::new())
    }
}

impl<D: AsRef<[u8]>> RawTree<D> {
    /// A tree object's bytes. Bytes that do not parse end the entries.
    pub fn new(data: D) -> RawTree<D> {
        RawTree { data }
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = RawEntry<'_>> {
        let mut rest = self.data.as_ref();
        std::iter::from_fn(move || {
            let (e, len) = parse(rest)?;
            rest = &rest[len..];
            Some(e)
        })
    }

    /// The entry with this name (a folder when `is_tree`). Entries are in git's order, so the scan
    /// stops at the first entry past the name.
    pub fn find(&self, name: &[u8], is_tree: bool) -> Option<RawEntry<'_>> {
        let e = self
            .iter()
            .find(|e| e.cmp_key(name, is_tree) != Ordering::Less)?;
        (e.cmp_key(name, is_tree) == Ordering::Equal && e.is_tree() == is_tree).then_some(e)
    }
}

/// A record file (or a link or submodule with a record's name) that differs between two versions of a
/// folder: (name, old side, new side).
pub type Changed = (String, Option<Side>, Option<Side>);

/// Offsets known to start an entry of a tree, sorted: what one comparison learns about the old tree,
/// handed to the next comparison of a walk, in which that tree is the new one.
pub type Marks = Vec<usize>;

/// How many entries a scan passes between two marks it records.
const MARK_EVERY: usize = 64;

/// The record files that differ between two versions of a folder, without marks.
#[cfg(test)]
fn changed<A: AsRef<[u8]>, B: AsRef<[u8]>>(old: &RawTree<A>, new: &RawTree<B>) -> Vec<Changed> {
    changed_marked(old, new, &[]).0
}

/// The record files that differ between two versions of a folder, given marks of `new` (entry starts,
/// possibly none), and marks of `old` for the next comparison.
///
/// The entries that lie wholly within the identical leading bytes are the same in both, so the walk
/// starts at the first entry that does not; from there the two lists are merged by name until the
/// rest of both is the same run of identical trailing bytes. A commit that changes one entry of a
/// large folder costs a scan of the entries up to it and a comparison of one or two entries.
pub fn changed_marked<A: AsRef<[u8]>, B: AsRef<[u8]>>(
    old: &RawTree<A>,
    new: &RawTree<B>,
    marks: &[usize],
) -> (Vec<Changed>, Marks) {
    let (a, b) = (old.data.as_ref(), new.data.as_ref());
    let prefix = common_prefix(a, b);
    // An entry start of `new` within the identical leading bytes has only identical entries before
    // it, so it starts an entry of `old` too: the scan begins at the last such mark.
    let known = marks.partition_point(|m| *m <= prefix);
    let mut old_marks: Marks = marks[..known].to_vec();
    let mut start = old_marks.last().copied().unwrap_or(0);
    let mut passed = 0;
    while let Some((_, len)) = parse(&a[start..]) {
        if start + len > prefix {
            break;
        }
        start += len;
        passed += 1;
        if passed % MARK_EVERY == 0 {
            old_marks.push(start);
        }
    }
    let suffix = common_suffix(&a[start..], &b[start..]);
    let (mut i, mut j) = (start, start);
    let mut out = Vec::new();
    let name = |e: &RawEntry| String::from_utf8_lossy(e.name).into_owned();
    let mut aligned = false;
    loop {
        // The rest of both is the same bytes, so the same entries.
        if a.len() - i == b.len() - j && a.len() - i <= suffix {
            aligned = true;
            break;
        }
        match (parse(&a[i..]), parse(&b[j..])) {
            (None, None) => break,
            (Some((x, n)), _) if x.tracked().is_none() => i += n,
            (_, Some((y, m))) if y.tracked().is_none() => j += m,
            (Some((x, n)), Some((y, m))) if x.name == y.name => {
                if (x.id, x.kind()) != (y.id, y.kind()) {
                    out.push((name(&x), x.tracked(), y.tracked()));
                }
                (i, j) = (i + n, j + m);
            }
            (Some((x, n)), None) => {
                out.push((name(&x), x.tracked(), None));
                i += n;
            }
            (Some((x, n)), Some((y, _))) if x.name < y.name => {
                out.push((name(&x), x.tracked(), None));
                i += n;
            }
            (_, Some((y, m))) => {
                out.push((name(&y), None, y.tracked()));
                j += m;
            }
        }
    }
    // `start` and `i` start entries of `old`; past `i` its entries are those of `new` past `j`.
    for at in [start, i] {
        if old_marks.last().is_none_or(|m| *m < at) {
            old_marks.push(at);
        }
    }
    if aligned {
        let tail = marks.iter().filter(|m| **m > j).map(|m| m - j + i);
        old_marks.extend(tail);
    }
    (out, old_marks)
}

/// How many leading bytes `a` and `b` share. Large blocks first: each comparison is a call to
/// `memcmp`, so fewer, longer ones are faster.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    for block in [4096, 64, 1] {
        while i + block <= n && a[i..i + block] == b[i..i + block] {
            i += block;
        }
    }
    i
}

/// How many trailing bytes `a` and `b` share.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    for block in [4096, 64, 1] {
        while i + block <= n && a[la - i - block..la - i] == b[lb - i - block..lb - i] {
            i += block;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(entries: &[(&str, &str, u8)]) -> RawTree {
        let mut data = Vec::new();
        for (mode, name, id) in entries {
            data.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            data.extend_from_slice(&[*id; 20]);
        }
        RawTree::new(data)
    }

    fn names(c: &[Changed]) -> Vec<(&str, bool, bool)> {
        c.iter()
            .map(|(n, o, w)| (n.as_str(), o.is_some(), w.is_some()))
            .collect()
    }

    fn many(change: Option<(usize, u8)>, skip: Option<usize>) -> RawTree {
        let names: Vec<String> = (1..=300).map(|i| format!("{i:03}.yaml")).collect();
        let entries: Vec<(&str, &str, u8)> = names
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(i, n)| {
                let id = match change {
                    Some((at, id)) if at == i => id,
                    _ => 1,
                };
                ("100644", n.as_str(), id)
            })
            .collect();
        tree(&entries)
    }

    #[test]
    fn finds_entries_by_name_in_git_order() {
        // A folder sorts as if named `actions/`, so after `actions.yaml`.
        let t = tree(&[
            ("100644", "a.yaml", 1),
            ("100644", "actions.yaml", 3),
            ("40000", "actions", 2),
            ("100644", "b", 4),
        ]);
        assert_eq!(
            t.find(b"actions", true).unwrap().oid(),
            Oid::from_bytes(&[2; 20]).unwrap()
        );
        assert!(t.find(b"actions", false).is_none());
        assert_eq!(
            t.find(b"b", false).unwrap().oid(),
            Oid::from_bytes(&[4; 20]).unwrap()
        );
        assert!(t.find(b"c", false).is_none());
    }

    #[test]
    fn finds_one_changed_entry_among_many() {
        for at in [0, 1, 150, 298, 299] {
            let c = changed(&many(None, None), &many(Some((at, 7)), None));
            assert_eq!(c.len(), 1, "at {at}");
            assert_eq!(c[0].0, format!("{:03}.yaml", at + 1));
            assert_eq!(
                c[0].2,
                Some((Oid::from_bytes(&[7; 20]).unwrap(), Kind::File))
            );
        }
        assert!(changed(&many(None, None), &many(None, None)).is_empty());
    }

    #[test]
    fn finds_added_and_removed_entries() {
        for at in [0, 10, 299] {
            let name = format!("{:03}.yaml", at + 1);
            let c = changed(&many(None, Some(at)), &many(None, None));
            assert_eq!(names(&c), vec![(name.as_str(), false, true)]);
            let c = changed(&many(None, None), &many(None, Some(at)));
            assert_eq!(names(&c), vec![(name.as_str(), true, false)]);
        }
        let c = changed(&RawTree::empty(), &many(None, None));
        assert_eq!(c.len(), 300);
    }

    #[test]
    fn ids_that_look_like_entries_do_not_mislead() {
        // An id whose bytes hold a NUL and a mode: the byte comparison must stay on entry bounds.
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (buf, last) in [(&mut a, b'x'), (&mut b, b'y')] {
            buf.extend_from_slice(b"100644 1.yaml\0");
            buf.extend_from_slice(b"\x00100644 2.yaml\x00abcd\x00");
            buf.extend_from_slice(b"100644 2.yaml\0");
            buf.extend_from_slice(&[last; 20]);
        }
        let c = changed(&RawTree::new(a), &RawTree::new(b));
        assert_eq!(names(&c), vec![("2.yaml", true, true)]);
    }

    #[test]
    fn only_record_files_count() {
        let old = tree(&[("100644", ".gitkeep", 1), ("100644", "1.yaml", 1)]);
        let new = tree(&[
            ("100644", ".gitkeep", 2),
            ("40000", "x.yaml", 1),
            ("100644", "1.yaml", 1),
        ]);
        assert!(changed(&old, &new).is_empty());
    }

    #[test]
    fn a_record_replaced_by_a_link_or_submodule_is_a_change_of_kind() {
        let old = tree(&[("100644", "1.yaml", 1), ("100644", "2.yaml", 2)]);
        let new = tree(&[("120000", "1.yaml", 1), ("160000", "2.yaml", 3)]);
        let id = |n: u8| Oid::from_bytes(&[n; 20]).unwrap();
        assert_eq!(
            changed(&old, &new),
            vec![
                (
                    "1.yaml".into(),
                    Some((id(1), Kind::File)),
                    Some((id(1), Kind::Symlink))
                ),
                (
                    "2.yaml".into(),
                    Some((id(2), Kind::File)),
                    Some((id(3), Kind::Submodule))
                ),
            ]
        );
    }

    /// Every entry of both compared: the answer `changed` must give.
    fn merge<'a>(
        old: impl Iterator<Item = RawEntry<'a>>,
        new: impl Iterator<Item = RawEntry<'a>>,
    ) -> Vec<Changed> {
        let name = |e: &RawEntry| String::from_utf8_lossy(e.name).into_owned();
        let old: std::collections::BTreeMap<String, Side> =
            old.filter_map(|e| Some((name(&e), e.tracked()?))).collect();
        let new: std::collections::BTreeMap<String, Side> =
            new.filter_map(|e| Some((name(&e), e.tracked()?))).collect();
        let names: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        names
            .into_iter()
            .filter(|n| old.get(*n) != new.get(*n))
            .map(|n| (n.clone(), old.get(n).copied(), new.get(n).copied()))
            .collect()
    }

    proptest::proptest! {
        /// Skipping identical bytes gives the same answer as comparing every entry.
        #[test]
        fn skipping_agrees_with_a_full_comparison(
            old in proptest::collection::btree_map(0u16..400, 0u8..4, 0..60),
            new in proptest::collection::btree_map(0u16..400, 0u8..4, 0..60),
        ) {
            let build = |m: &std::collections::BTreeMap<u16, u8>| {
                // Names of different lengths, in git's (byte) order.
                let mut names: Vec<(String, u8)> = m.iter().map(|(n, id)| (format!("{n}.yaml"), *id)).collect();
                names.sort();
                let entries: Vec<(&str, &str, u8)> = names.iter().map(|(n, id)| ("100644", n.as_str(), *id)).collect();
                tree(&entries)
            };
            let (a, b) = (build(&old), build(&new));
            proptest::prop_assert_eq!(changed(&a, &b), merge(a.iter(), b.iter()));
        }

        /// A walk that hands each comparison's marks to the next gives the full comparison's answer
        /// at every step, and every mark starts an entry.
        #[test]
        fn marks_carried_along_a_walk_agree(
            first in proptest::collection::btree_map(0u16..3000, 0u8..3, 0..400),
            edits in proptest::collection::vec((0u16..3000, proptest::option::of(0u8..3)), 1..30),
        ) {
            let build = |m: &std::collections::BTreeMap<u16, u8>| {
                let mut names: Vec<(String, u8)> = m.iter().map(|(n, id)| (format!("{n}.yaml"), *id)).collect();
                names.sort();
                let entries: Vec<(&str, &str, u8)> = names.iter().map(|(n, id)| ("100644", n.as_str(), *id)).collect();
                tree(&entries)
            };
            // Newest first: each older version undoes one edit.
            let mut versions = vec![build(&first)];
            let mut m = first.clone();
            for (n, id) in &edits {
                match id {
                    Some(id) => m.insert(*n, *id),
                    None => m.remove(n),
                };
                versions.push(build(&m));
            }
            let mut marks: Marks = Vec::new();
            for pair in versions.windows(2) {
                let (new, old) = (&pair[0], &pair[1]);
                let (got, next) = changed_marked(old, new, &marks);
                proptest::prop_assert_eq!(got, merge(old.iter(), new.iter()));
                let mut starts = std::collections::BTreeSet::new();
                let mut at = 0;
                while let Some((_, len)) = parse(&old.data[at..]) {
                    starts.insert(at);
                    at += len;
                }
                starts.insert(at);
                proptest::prop_assert!(next.windows(2).all(|w| w[0] < w[1]), "sorted: {:?}", next);
                for mark in &next {
                    proptest::prop_assert!(starts.contains(mark), "{} is not an entry start", mark);
                }
                marks = next;
            }
        }

        /// The same with folders and other files among the records, and links and submodules in
        /// their place, in git's order.
        #[test]
        fn other_entries_are_skipped_but_not_misread(
            old in proptest::collection::btree_map(0u16..60, (0u8..5, 0u8..3), 0..40),
            new in proptest::collection::btree_map(0u16..60, (0u8..5, 0u8..3), 0..40),
        ) {
            let build = |m: &std::collections::BTreeMap<u16, (u8, u8)>| {
                let mut rows: Vec<(String, &str, u8)> = m
                    .iter()
                    .map(|(n, (kind, id))| match kind {
                        0 => (format!("{n}.yaml"), "100644", *id),
                        1 => (format!("{n}.yaml/"), "40000", *id),
                        2 => (format!("{n}.txt"), "100644", *id),
                        3 => (format!("{n}.yaml"), "120000", *id),
                        _ => (format!("{n}.yaml"), "160000", *id),
                    })
                    .collect();
                rows.sort();
                let names: Vec<(String, &str, u8)> = rows
                    .into_iter()
                    .map(|(n, mode, id)| (n.trim_end_matches('/').to_string(), mode, id))
                    .collect();
                let entries: Vec<(&str, &str, u8)> =
                    names.iter().map(|(n, mode, id)| (*mode, n.as_str(), *id)).collect();
                tree(&entries)
            };
            let (a, b) = (build(&old), build(&new));
            proptest::prop_assert_eq!(changed(&a, &b), merge(a.iter(), b.iter()));
        }
    }
}
