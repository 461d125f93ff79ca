//! Raw git tree objects, read without building an object per entry. A folder of 10,000 actions is a
//! tree of 10,000 entries that changes in one entry per commit; parsing every entry of both trees for
//! every commit would dominate a walk. Here a name is found by scanning the bytes up to it (git keeps
//! entries sorted), and two versions are compared by skipping their identical leading and trailing
//! bytes, so only the entries in between are compared.

use git2::Oid;
use std::cmp::Ordering;

/// A tree object's bytes (owned, or borrowed from the object database) and the offset at which each
/// entry starts.
pub struct RawTree<D = Vec<u8>> {
    data: D,
    /// Where each entry starts, found on first need: looking up one name does not need it.
    index: std::cell::OnceCell<Vec<usize>>,
}

/// One entry: `<mode> <name>\0<20-byte id>`.
pub struct RawEntry<'a> {
    mode: &'a [u8],
    pub name: &'a [u8],
    id: &'a [u8],
}

impl RawEntry<'_> {
    pub fn is_blob(&self) -> bool {
        self.mode.starts_with(b"100")
    }

    pub fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }

    /// A regular file whose name ends in `.yaml`.
    pub fn is_record(&self) -> bool {
        self.is_blob() && self.name.ends_with(b".yaml")
    }

    pub fn oid(&self) -> Oid {
        Oid::from_bytes(self.id).unwrap_or_else(|_| Oid::zero())
    }

    /// Git's sort key: a folder sorts as if its name ended in `/`.
    fn cmp_key(&self, name: &[u8], is_tree: bool) -> Ordering {
        let a = self.name.iter().chain(self.is_tree().then_some(&b'/'));
        let b = name.iter().chain(is_tree.then_some(&b'/'));
        a.cmp(b)
    }
}

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
        RawTree {
            data,
            index: std::cell::OnceCell::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.index.get_or_init(|| {
            let mut starts = Vec::new();
            let mut at = 0;
            while let Some((_, len)) = parse(&self.data.as_ref()[at..]) {
                starts.push(at);
                at += len;
            }
            starts
        })
    }

    fn entry(&self, i: usize) -> RawEntry<'_> {
        parse(&self.data.as_ref()[self.starts()[i]..])
            .expect("indexed entries parse")
            .0
    }

    fn entries(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = RawEntry<'_>> {
        range.map(|i| self.entry(i))
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

    /// The index of the entry starting at `offset`, if one does.
    fn index_at(&self, offset: usize) -> Option<usize> {
        self.starts().binary_search(&offset).ok()
    }
}

/// The record files that differ between two versions of a folder: (name, old id, new id).
pub fn changed<A: AsRef<[u8]>, B: AsRef<[u8]>>(
    old: &RawTree<A>,
    new: &RawTree<B>,
) -> Vec<(String, Option<Oid>, Option<Oid>)> {
    let (a, b) = (old.data.as_ref(), new.data.as_ref());
    let (starts_a, starts_b) = (old.starts(), new.starts());
    // Identical leading bytes parse into identical entries, so the entries before the last one that
    // starts within them are the same in both, at the same offsets.
    let prefix = common_prefix(a, b);
    let first = starts_a.partition_point(|s| *s <= prefix).saturating_sub(1);
    let skip = starts_a.get(first).copied().unwrap_or(0);
    // Identical trailing bytes: the first entry of old that starts within them begins a run of
    // identical entries if the same distance from the end is also where an entry of new starts.
    let suffix = common_suffix(&a[skip..], &b[skip.min(b.len())..]);
    let (mut end_a, mut end_b) = (starts_a.len(), starts_b.len());
    for (i, start) in starts_a.iter().enumerate().skip(first) {
        if *start < a.len() - suffix {
            continue;
        }
        if let Some(j) = new.index_at(start + b.len() - a.len()) {
            (end_a, end_b) = (i, j);
            break;
        }
    }
    merge(
        old.entries(first..end_a),
        new.entries(first.min(end_b)..end_b),
    )
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[la - i - CHUNK..la - i] == b[lb - i - CHUNK..lb - i] {
        i += CHUNK;
    }
    while i < n && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

/// Merge two runs of entries in git order, keeping the record files that were added, removed or
/// changed.
fn merge<'a>(
    old: impl Iterator<Item = RawEntry<'a>>,
    new: impl Iterator<Item = RawEntry<'a>>,
) -> Vec<(String, Option<Oid>, Option<Oid>)> {
    let mut out = Vec::new();
    let mut a = old.filter(RawEntry::is_record).peekable();
    let mut b = new.filter(RawEntry::is_record).peekable();
    let name = |e: &RawEntry| String::from_utf8_lossy(e.name).into_owned();
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(x), Some(y)) if x.name == y.name => {
                if x.id != y.id {
                    out.push((name(x), Some(x.oid()), Some(y.oid())));
                }
                a.next();
                b.next();
            }
            (Some(x), Some(y)) if x.name < y.name => {
                out.push((name(x), Some(x.oid()), None));
                a.next();
            }
            (Some(x), None) => {
                out.push((name(x), Some(x.oid()), None));
                a.next();
            }
            (_, Some(y)) => {
                out.push((name(y), None, Some(y.oid())));
                b.next();
            }
        }
    }
    out
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

    fn names(c: &[(String, Option<Oid>, Option<Oid>)]) -> Vec<(&str, bool, bool)> {
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
            assert_eq!(c[0].2, Oid::from_bytes(&[7; 20]).ok());
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
    }
}
