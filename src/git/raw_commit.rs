//! What the history needs of a commit (its tree, parents, author, committer time and summary), parsed
//! from the commit object's bytes as the pack reader gives them.
//!
//! A cold walk reads every commit of the line. Through libgit2 each read builds a commit object
//! with its own allocations, and libgit2 maps the whole pack into memory to find it, so a walk over
//! 10,000 commits scattered through a pack touches every page of it. Read through the pack reader
//! (`pack.rs`) and parsed here, a commit costs one read of its entry and a few small strings.
//!
//! The parser gives exactly what libgit2 gives for the same bytes, or nothing: it accepts only a
//! commit in the form git writes (a `tree` line, `parent` lines, one `author` and one `committer`
//! line with a name, an e-mail in angle brackets, a time in seconds and a `+hhmm`/`-hhmm` offset,
//! then any other header lines, such as `encoding`, `gpgsig` or `mergetag` and their continuation
//! lines, up to the empty line before the message), and anything else (a NUL byte, a second
//! author, an offset libgit2 would not keep, upper-case hex) is left to libgit2, which reports a
//! damaged commit as it always has. The summary follows libgit2's `git_commit_summary`: the first
//! paragraph of the message after its leading newlines, with each run of whitespace that holds a
//! newline made one space and trailing whitespace dropped. The tests compare every field with
//! libgit2's on commits of every such shape.

use git2::Oid;

/// The fields of a commit that the history shows and walks by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitFacts {
    pub tree: Oid,
    pub parents: Vec<Oid>,
    /// The author's name, `?` when it is not UTF-8.
    pub author: String,
    /// The committer's time, seconds since the epoch, and its offset from UTC in minutes.
    pub time: i64,
    pub offset: i32,
    /// The message's summary, empty when it is not UTF-8.
    pub summary: String,
}

impl CommitFacts {
    /// The facts of a commit libgit2 has read.
    pub fn of(c: &git2::Commit) -> CommitFacts {
        CommitFacts {
            tree: c.tree_id(),
            parents: c.parent_ids().collect(),
            author: c.author().name().unwrap_or("?").to_string(),
            time: c.time().seconds(),
            offset: c.time().offset_minutes(),
            summary: c.summary().ok().flatten().unwrap_or("").to_string(),
        }
    }

    /// The facts of the commit object whose bytes are `data`, if it has the form git writes.
    pub fn parse(data: &[u8]) -> Option<CommitFacts> {
        if data.contains(&0) {
            return None;
        }
        let mut lines = Lines { rest: data };
        let tree = hex_id(lines.next()?.strip_prefix(b"tree ")?)?;
        let mut parents = Vec::new();
        let mut line = lines.next()?;
        while let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(hex_id(hex)?);
            line = lines.next()?;
        }
        let (author, _) = signature(line.strip_prefix(b"author ")?)?;
        let (_, (time, offset)) = signature(lines.next()?.strip_prefix(b"committer ")?)?;
        // The other header lines run to the first empty one; without it, there is no message.
        let message = loop {
            match lines.next() {
                Some(b"") => break lines.rest,
                Some(_) => {}
                None => break &[][..],
            }
        };
        Some(CommitFacts {
            tree,
            parents,
            author: String::from_utf8(author.to_vec()).unwrap_or_else(|_| "?".into()),
            time,
            offset,
            summary: String::from_utf8(summary(message)).unwrap_or_default(),
        })
    }
}

/// The lines of a header, each without its newline; a last line without one ends the header.
struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Lines<'a> {
    fn next(&mut self) -> Option<&'a [u8]> {
        let end = self.rest.iter().position(|b| *b == b'\n')?;
        let line = &self.rest[..end];
        self.rest = &self.rest[end + 1..];
        Some(line)
    }
}

/// A commit id in the 40 lower-case hex digits git writes.
fn hex_id(hex: &[u8]) -> Option<Oid> {
    if hex.len() != 40 || !hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
}

/// `Name <e-mail> seconds +hhmm`: the name as libgit2 takes it (before the last `<`, trimmed), the
/// time and the offset in minutes.
fn signature(line: &[u8]) -> Option<(&[u8], (i64, i32))> {
    let lt = line.iter().rposition(|b| *b == b'<')?;
    let gt = line.iter().rposition(|b| *b == b'>')?;
    if gt <= lt {
        return None;
    }
    let when = line[gt + 1..].strip_prefix(b" ")?;
    let space = when.iter().position(|b| *b == b' ')?;
    let (seconds, zone) = (&when[..space], &when[space + 1..]);
    if seconds.is_empty() || seconds.len() > 18 || !seconds.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let time = std::str::from_utf8(seconds).ok()?.parse().ok()?;
    let (sign, digits) = zone.split_first()?;
    if !matches!(sign, b'+' | b'-') || digits.len() != 4 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0, |v, d| v * 10 + i32::from(d - b'0'))
    };
    let (hours, minutes) = (n(0..2), n(2..4));
    // libgit2 keeps no offset beyond these; such a commit is left to it.
    if hours > 14 || minutes > 59 {
        return None;
    }
    let offset = (hours * 60 + minutes) * if *sign == b'-' { -1 } else { 1 };
    Some((trim(&line[..lt]), (time, offset)))
}

/// Whitespace as libgit2 counts it.
fn space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'\x0b')
}

/// A name trimmed as libgit2 trims it: of control characters, spaces and `,:;<>"\'` at both ends.
fn trim(mut s: &[u8]) -> &[u8] {
    let crud = |b: u8| b <= b' ' || b",:;<>\"\\'".contains(&b);
    while let [first, rest @ ..] = s {
        if !crud(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !crud(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// libgit2's summary of a message: the first paragraph, after leading newlines, whitespace runs
/// that hold a newline made one space, and whitespace at the end dropped.
fn summary(message: &[u8]) -> Vec<u8> {
    let start = message
        .iter()
        .position(|b| *b != b'\n')
        .unwrap_or(message.len());
    let msg = &message[start..];
    let mut out = Vec::new();
    let mut run: Option<(usize, bool)> = None;
    for (i, &c) in msg.iter().enumerate() {
        if c == b'\n' {
            // A paragraph ends at an empty line, or one of only whitespace, or the end.
            let next = &msg[i + 1..];
            let blank = next.iter().position(|b| !space(*b) || *b == b'\n');
            if blank.is_none_or(|at| next[at] == b'\n') {
                break;
            }
        }
        if space(c) {
            let (from, newline) = run.unwrap_or((i, false));
            run = Some((from, newline || c == b'\n'));
        } else {
            match run.take() {
                Some((_, true)) => out.push(b' '),
                Some((from, false)) => out.extend_from_slice(&msg[from..i]),
                None => {}
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_libgit2s() {
        let cases: [(&[u8], &str); 12] = [
            (b"", ""),
            (b"\n\n\nSubject\n", "Subject"),
            (b"Subject\n\nBody\n", "Subject"),
            (b"one\ntwo\n  three\n\nbody", "one two three"),
            (b"one\n \t\nbody", "one"),
            (b"one\n", "one"),
            (
                b"  lead  and  inner\t\ttabs  \n",
                "  lead  and  inner\t\ttabs",
            ),
            (b"a \n b", "a b"),
            (b"a\r\nb", "a b"),
            (b"x\n   ", "x"),
            (b"x\n\n", "x"),
            (b"\n", ""),
        ];
        for (message, want) in cases {
            assert_eq!(summary(message), want.as_bytes(), "{message:?}");
        }
    }

    /// Write `bytes` as a commit object and compare what the parser and libgit2 make of it: the
    /// same facts, or the parser leaves it to libgit2. Whether the parser took it is returned.
    fn agrees(repo: &git2::Repository, bytes: &[u8]) -> bool {
        let id = repo
            .odb()
            .unwrap()
            .write(git2::ObjectType::Commit, bytes)
            .unwrap();
        let parsed = CommitFacts::parse(bytes);
        match repo.find_commit(id) {
            Ok(c) => {
                if let Some(p) = &parsed {
                    assert_eq!(
                        p,
                        &CommitFacts::of(&c),
                        "{:?}",
                        String::from_utf8_lossy(bytes)
                    );
                }
            }
            Err(_) => assert_eq!(parsed, None, "{:?}", String::from_utf8_lossy(bytes)),
        }
        parsed.is_some()
    }

    fn scratch() -> (tempfile::TempDir, git2::Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        (dir, repo)
    }

    const TREE: &str = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n";
    const PARENT: &str = "parent 8b137891791fe96927ad78e64b0aad7bded08bdc\n";

    #[test]
    fn commits_of_every_shape_read_as_libgit2_reads_them() {
        let (_dir, repo) = scratch();
        let sig = "author Ann Author <ann@example.org> 1561982400 +0200\ncommitter Cy <c@x> 1561986000 -0545\n";
        let gpgsig = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n";
        let mergetag = "mergetag object 8b137891791fe96927ad78e64b0aad7bded08bdc\n type commit\n tag v1\n \n message\n";
        let taken: Vec<String> = vec![
            format!("{TREE}{sig}\nSubject line\n\nBody\n"),
            format!("{TREE}{PARENT}{sig}\nmulti\nline\n  subject\n\nbody"),
            format!("{TREE}{PARENT}{PARENT}{sig}\n\n\n\nleading blank lines\n"),
            format!("{TREE}{PARENT}{sig}{gpgsig}\nsigned\n"),
            format!("{TREE}{PARENT}{PARENT}{sig}{mergetag}{gpgsig}\nMerge branch 'x'\n"),
            format!("{TREE}{sig}encoding ISO-8859-1\n\nLatin-1 été\n"),
            format!("{TREE}{sig}"),
            format!("{TREE}{sig}\n"),
            format!("{TREE}{sig}\n   \n"),
            format!("{TREE}{sig}\n\ttab and  spaces  \r\n"),
            format!("{TREE}author  <> 0 +0000\ncommitter  <> 0 -0000\n\nempty name"),
            format!("{TREE}author A <<a>> 1 +1400\ncommitter C <c> 2 +1459\n\nbrackets"),
            format!(
                "{TREE}author  padded   name\t <a> 1 +0000\ncommitter C <c> 9999999999 +0000\n\nm"
            ),
            format!("{TREE}{sig}x-custom header\n continued\n\nsummary\nsecond line\n"),
        ];
        for text in &taken {
            assert!(agrees(&repo, text.as_bytes()), "{text:?}");
        }
        // Not UTF-8: the author and the summary are as libgit2's accessors give them.
        let latin = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Jos\xe9 <j@x> 1 +0000\ncommitter C <c> 2 +0000\n\nR\xe9sum\xe9\n";
        assert!(agrees(&repo, latin));
        let facts = CommitFacts::parse(latin).unwrap();
        assert_eq!((facts.author.as_str(), facts.summary.as_str()), ("?", ""));
        // Odd or broken commits may be left to libgit2, never read otherwise than it reads them.
        for text in [
            format!(
                "{TREE}author A <a> 1 +0000\nauthor B <b> 1 +0000\ncommitter C <c> 2 +0000\n\nm"
            ),
            format!("{TREE}author A <a> 1 +0000\ncommitter C <c> 2 +9999\n\nm"),
            format!("{TREE}author A <a> 1 +0000\ncommitter C <c> 2 0100\n\nm"),
            format!("{TREE}author A <a> 1 +0000\ncommitter C <c>\n\nm"),
            format!("{TREE}author A a> 1 +0000\ncommitter C <c> 2 +0000\n\nm"),
            format!("{TREE}committer C <c> 2 +0000\n\nm"),
            format!("{TREE}author A <a> 1 +0000\n\nm"),
            format!("{TREE}parent nothex\nauthor A <a> 1 +0000\ncommitter C <c> 2 +0000\n\nm"),
            format!(
                "{}author A <a> 1 +0000\ncommitter C <c> 2 +0000\n\nm",
                TREE.to_uppercase()
            ),
            format!("{TREE}author A <a> 1 +0000\ncommitter C <c> 2 +0000\n\nnul\0inside"),
            "no tree at all\n".to_string(),
        ] {
            agrees(&repo, text.as_bytes());
        }
    }

    thread_local! {
        static REPO: (tempfile::TempDir, git2::Repository) = scratch();
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Names, times, offsets, header lines and messages of any shape read as libgit2 reads them.
        #[test]
        fn any_commit_reads_as_libgit2_reads_it(
            name in proptest::collection::vec(proptest::sample::select(&b"a \t\r\x01<>,;:'\"\\\xc3\xa9\xe9"[..]), 0..8),
            time in 0i64..=99_999_999_999,
            zone in proptest::sample::select(&["+0000", "-0000", "+0530", "-1200", "+1400", "+1460", "+2000", "0100"][..]),
            parents in 0usize..3,
            extra in proptest::sample::select(&["", "encoding UTF-8\n", "gpgsig x\n y\n \n", "odd\n"][..]),
            message in proptest::collection::vec(proptest::sample::select(&b"ab \t\n\r\x0b\x0c\xff"[..]), 0..24),
        ) {
            let mut bytes = TREE.as_bytes().to_vec();
            for _ in 0..parents {
                bytes.extend_from_slice(PARENT.as_bytes());
            }
            bytes.extend_from_slice(b"author ");
            bytes.extend_from_slice(&name);
            bytes.extend_from_slice(format!(" <a@b> 1 +0100\ncommitter C <c> {time} {zone}\n{extra}\n").as_bytes());
            bytes.extend_from_slice(&message);
            REPO.with(|(_, repo)| agrees(repo, &bytes));
        }
    }

    #[test]
    fn a_commit_not_in_gits_form_is_left_to_libgit2() {
        let tree = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n";
        let good = format!("{tree}author A <a> 1 +0000\ncommitter C <c> 2 -0130\n\nm");
        let facts = CommitFacts::parse(good.as_bytes()).unwrap();
        assert_eq!((facts.time, facts.offset), (2, -90));
        for bad in [
            format!("{tree}author A <a> 1 +0000\ncommitter C <c> 2 +1500\n\nm"),
            format!("{tree}author A <a> 1 +0000\ncommitter C <c> 2 +0160\n\nm"),
            format!("{tree}author A <a> 1 +0000\ncommitter C <c> x +0000\n\nm"),
            format!("{tree}author A <a> 1 +0000\ncommitter C <c> 2\n\nm"),
            format!("{tree}author A <a> 1 +0000\ncommitter C c> 2 +0000\n\nm"),
            format!("{tree}author A <a> 1 +0000\nauthor B <b> 1 +0000\ncommitter C <c> 2 +0000\n"),
            format!("{tree}author A <a> 1 +0000\ncommitter C <c> 2 +0000"),
            format!("{tree}author A <a> 1 +0000\ncommitter C <c> 2 +0000\n\nm\0"),
            format!(
                "{}author A <a> 1 +0000\ncommitter C <c> 2 +0000\n",
                tree.to_uppercase()
            ),
            format!("{tree}parent 12\nauthor A <a> 1 +0000\ncommitter C <c> 2 +0000\n"),
        ] {
            assert_eq!(CommitFacts::parse(bad.as_bytes()), None, "{bad:?}");
        }
    }
}
