//! The record-changes file: after a first line naming the format, oslog's version and the log's
//! root, one line per commit: its id, its record changes as a JSON array, and the CRC-32 of that
//! JSON. Between two records' changes the array has a tab (JSON whitespace, and a byte serde_json
//! never writes inside a string), so that the changes of a commit of thousands of records can be
//! read one record at a time.
//!
//! The file is never read whole. Opening it notes where each line starts; a line is read when a
//! walk asks for it, and one that fails its check costs only its own commit, which is worked out
//! again. The same lines are what a walk writes as it works ([`Spool`]): into the cache's
//! temporary file, renamed into place when the walk is done, or where the cache cannot be written,
//! into an unnamed temporary file or memory; and read back from there, a commit at a time.

use super::{oid, preamble, BUFFER, MAX_BYTES};
use crate::trail::Entry;
use anyhow::{anyhow, Result};
use git2::Oid;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The length of a commit id in hexadecimal, and of a CRC-32.
const ID_HEX: usize = 40;
const CRC_HEX: usize = 8;
/// What follows the id of a line the cache keeps, and of one written for a single walk.
const FACT: u8 = b' ';
const ONE_WALK: u8 = b'-';
/// Between the record changes of two records.
const NEXT: &[u8] = b",\t";
/// The length from which a line is read a record at a time, never whole.
const LONG_LINE: usize = 1 << 20;

/// The first line of a record-changes file of the log at `prefix`.
fn header(prefix: &str) -> String {
    let prefix = serde_json::to_string(prefix).unwrap_or_default();
    format!("{}entries {prefix}\n", preamble())
}

/// Where a line starts in its file, and its length with its line break.
type Place = (u64, usize);

/// Lines of record changes, read back one commit at a time: the record-changes cache, or what a
/// walk wrote while it worked out the changes the cache did not have.
pub struct Lines {
    src: Source,
    /// Where each commit's line is; a commit written twice has its last line.
    at: HashMap<Oid, Place>,
}

enum Source {
    File(RefCell<Cursor>),
    Memory(Vec<u8>),
}

/// A file read through one buffer, with where the reading stands: lines asked for in the order
/// they were written (as a walk asks for them) are read without a system call each.
struct Cursor {
    file: BufReader<File>,
    at: u64,
}

impl Cursor {
    fn new(file: File) -> RefCell<Cursor> {
        RefCell::new(Cursor {
            file: BufReader::with_capacity(BUFFER, file),
            at: u64::MAX,
        })
    }
}

impl Lines {
    /// The record-changes cache at `path` for the log at `prefix`, if there is one with oslog's
    /// format and version.
    pub fn open(path: &Path, prefix: &str) -> Option<Lines> {
        let file = File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() > MAX_BYTES {
            return None;
        }
        let mut reader = BufReader::with_capacity(BUFFER, &file);
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).ok()?;
        if line != header(prefix).as_bytes() {
            return None;
        }
        let mut at = HashMap::new();
        let mut start = line.len() as u64;
        loop {
            // Only the id is kept: the rest of a line is skipped, a buffer at a time.
            line.clear();
            let (n, whole) = skip_line(&mut reader, &mut line).ok()?;
            if n == 0 {
                break;
            }
            // A line for one walk only (`-` after the id), or one cut short, is not read again.
            if line.get(ID_HEX) == Some(&FACT) && whole && n >= ID_HEX + CRC_HEX + 5 {
                if let Some(id) = std::str::from_utf8(&line[..ID_HEX]).ok().and_then(oid) {
                    at.insert(id, (start, n));
                }
            }
            start += n as u64;
        }
        Some(Lines {
            src: Source::File(Cursor::new(file)),
            at,
        })
    }

    /// How many commits have a line.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Hand `read` a reader of `len` bytes from `start`.
    fn read_at<T>(
        &self,
        (start, len): Place,
        read: impl FnOnce(&mut dyn BufRead) -> Result<T>,
    ) -> Result<T> {
        match &self.src {
            Source::File(cursor) => {
                let mut cursor = cursor.borrow_mut();
                let Cursor { file, at } = &mut *cursor;
                if *at == u64::MAX {
                    file.seek(SeekFrom::Start(start))?;
                } else if *at != start {
                    // Within what the buffer holds, a seek keeps it.
                    file.seek_relative(start as i64 - *at as i64)?;
                }
                let mut part = file.take(len as u64);
                // Where the reading stands is unknown until `read` has returned.
                *at = u64::MAX;
                let made = read(&mut part);
                if made.is_ok() {
                    *at = start + (len as u64 - part.limit());
                }
                made
            }
            Source::Memory(text) => {
                let start = usize::try_from(start)?;
                let part = text.get(start..start.saturating_add(len));
                read(&mut part.ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?)
            }
        }
    }

    /// `len` bytes from `start`, all of them.
    fn bytes(&self, at: Place) -> Option<Vec<u8>> {
        self.read_at(at, |r| {
            let mut bytes = vec![0; at.1];
            r.read_exact(&mut bytes)?;
            Ok(bytes)
        })
        .ok()
    }

    /// Where a line's JSON is, and the CRC-32 its line gives for it.
    fn json(&self, (start, len): Place) -> Option<(Place, u32)> {
        let tail = self.bytes((start + (len - CRC_HEX - 2) as u64, CRC_HEX + 2))?;
        let hex = tail.strip_prefix(b" ")?.strip_suffix(b"\n")?;
        let sum = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        Some((
            (start + ID_HEX as u64 + 1, len - ID_HEX - 1 - CRC_HEX - 2),
            sum,
        ))
    }

    /// Whether commit `id` has a line.
    pub fn has(&self, id: &Oid) -> bool {
        self.at.contains_key(id)
    }

    /// Whether commit `id` has a line that passes its check.
    pub fn checked(&self, id: &Oid) -> bool {
        let Some(at) = self.at.get(id).copied() else {
            return false;
        };
        if at.1 <= LONG_LINE {
            return self.bytes(at).is_some_and(|line| json_of(&line).is_some());
        }
        let Some((json, sum)) = self.json(at) else {
            return false;
        };
        let mut crc = Crc::new(io::sink());
        let copied = self.read_at(json, |r| Ok(io::copy(r, &mut crc)?));
        copied.is_ok_and(|n| n == json.1 as u64) && crc.crc.finalize() == sum
    }

    /// Whether commit `id`'s line is long enough to be read a record at a time ([`Lines::each`])
    /// rather than whole ([`Lines::get`]).
    pub fn is_long(&self, id: &Oid) -> bool {
        self.at.get(id).is_some_and(|at| at.1 > LONG_LINE)
    }

    /// The record changes of commit `id`, if it has a line that passes its check and parses.
    pub fn get(&self, id: &Oid) -> Option<Vec<Entry>> {
        if self.is_long(id) {
            let mut out = Vec::new();
            self.each(id, &mut |e| {
                out.push(e);
                Ok(())
            })
            .ok()?;
            return Some(out);
        }
        let line = self.bytes(*self.at.get(id)?)?;
        serde_json::from_slice(json_of(&line)?).ok()
    }

    /// Hand the record changes of commit `id` to `each`, one record's at a time, in order. The
    /// line's check comes at its end: [`Lines::checked`] should have passed first.
    pub fn each(&self, id: &Oid, each: &mut dyn FnMut(Entry) -> Result<()>) -> Result<()> {
        let bad = || anyhow!("the record changes of commit {id} do not read back as written");
        let at = self.at.get(id).copied().ok_or_else(bad)?;
        let (json, sum) = self.json(at).ok_or_else(bad)?;
        self.read_at(json, |r| {
            let mut reader = Crc::new(r);
            let mut piece = Vec::new();
            let mut first = true;
            loop {
                piece.clear();
                if reader.read_until(b'\t', &mut piece)? == 0 {
                    break;
                }
                let mut record = piece.strip_suffix(b"\t").unwrap_or(&piece);
                if std::mem::take(&mut first) {
                    record = record.strip_prefix(b"[").ok_or_else(bad)?;
                }
                let record = match record.strip_suffix(b",") {
                    Some(r) => r,
                    None => record.strip_suffix(b"]").ok_or_else(bad)?,
                };
                if !record.is_empty() {
                    each(serde_json::from_slice(record).map_err(|_| bad())?)?;
                }
            }
            match reader.len == json.1 && reader.crc.finalize() == sum {
                true => Ok(()),
                false => Err(bad()),
            }
        })
    }
}

/// Read up to the end of a line, keeping at most its first [`BUFFER`] bytes in `start`: the
/// line's length, and whether it ends with a line break.
fn skip_line(reader: &mut impl BufRead, start: &mut Vec<u8>) -> io::Result<(usize, bool)> {
    let mut n = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((n, false));
        }
        let (used, done) = match memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = BUFFER.saturating_sub(start.len()).min(used);
        start.extend_from_slice(&buf[..room]);
        reader.consume(used);
        n += used;
        if done {
            return Ok((n, true));
        }
    }
}

fn memchr(byte: u8, bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == byte)
}

/// The JSON of a line (`<id> <json> <crc>\n`, or `<id>-<json> <crc>\n` for one walk only) whose
/// CRC-32 matches.
fn json_of(line: &[u8]) -> Option<&[u8]> {
    let body = line.strip_suffix(b"\n")?;
    let (json, sum) = body.split_at_checked(body.len().checked_sub(CRC_HEX)?)?;
    let json = json.strip_suffix(b" ")?.get(ID_HEX + 1..)?;
    let sum = u32::from_str_radix(std::str::from_utf8(sum).ok()?, 16).ok()?;
    (crc32fast::hash(json) == sum).then_some(json)
}

/// A file of record changes being written: the record-changes cache's temporary file, renamed into
/// place when it is finished; or, where that cannot be written (the cache is off, or its folder is
/// not writable), an unnamed temporary file, or memory.
pub struct Spool {
    out: BufWriter<Target>,
    len: u64,
    at: HashMap<Oid, Place>,
    /// The line being written.
    open: Option<Open>,
}

/// A line begun: its commit, the CRC-32 and length of its JSON so far, and whether a record's
/// changes have been written.
struct Open {
    id: Oid,
    json: Crc<io::Sink>,
    any: bool,
}

enum Target {
    Cache(tempfile::NamedTempFile, PathBuf),
    Temp(File),
    Memory(Vec<u8>),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Cache(f, _) => f.write(buf),
            Target::Temp(f) => f.write(buf),
            Target::Memory(v) => v.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Cache(f, _) => f.flush(),
            Target::Temp(f) => f.flush(),
            Target::Memory(_) => Ok(()),
        }
    }
}

impl Spool {
    /// A new record-changes file for the log at `prefix`: the cache at `path` if it can be written
    /// there, or else a temporary file, or else memory.
    pub fn new(path: Option<&Path>, prefix: &str) -> Spool {
        if let Some(path) = path {
            super::sweep(path);
        }
        let aside = path.and_then(|p| Some((crate::store::aside(p).ok()?, p.to_path_buf())));
        let target = match aside {
            Some((tmp, path)) => Target::Cache(tmp, path),
            None => match tempfile::tempfile() {
                Ok(file) => Target::Temp(file),
                Err(_) => Target::Memory(Vec::new()),
            },
        };
        Self::to(target, prefix)
    }

    /// A new record-changes file for the log at `prefix`, in memory.
    pub fn in_memory(prefix: &str) -> Spool {
        Self::to(Target::Memory(Vec::new()), prefix)
    }

    fn to(target: Target, prefix: &str) -> Spool {
        let mut spool = Spool {
            out: BufWriter::with_capacity(BUFFER, target),
            len: 0,
            at: HashMap::new(),
            open: None,
        };
        // A header that cannot be written fails the first line written after it.
        if spool.out.write_all(header(prefix).as_bytes()).is_ok() {
            spool.len = header(prefix).len() as u64;
        }
        spool
    }

    /// Whether this is the record-changes cache, which keeps lines for later walks.
    pub fn is_cache(&self) -> bool {
        matches!(self.out.get_ref(), Target::Cache(..))
    }

    /// Copy the lines of `from` whose commits `keep` chooses, unread: each is checked when it is used.
    pub fn copy(&mut self, from: &Lines, keep: impl Fn(&Oid) -> bool) -> io::Result<()> {
        let mut kept: Vec<(&Oid, &Place)> = from.at.iter().filter(|(id, _)| keep(id)).collect();
        kept.sort_by_key(|(_, at)| at.0);
        for (id, &at) in kept {
            let out = &mut self.out;
            let copied = from
                .read_at(at, |r| Ok(io::copy(r, out)?))
                .map_err(io::Error::other)?;
            if copied != at.1 as u64 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.at.insert(*id, (self.len, at.1));
            self.len += copied;
        }
        Ok(())
    }

    /// Start the line of commit `id`: a fact of the commit, or for this walk only. Its record
    /// changes follow ([`Spool::extend`]), a piece at a time if need be, then [`Spool::end`].
    pub fn begin(&mut self, id: Oid, fact: bool) -> io::Result<()> {
        self.out.write_all(id.to_string().as_bytes())?;
        self.out
            .write_all(&[if fact { FACT } else { ONE_WALK }, b'['])?;
        let mut json = Crc::new(io::sink());
        json.write_all(b"[")?;
        self.open = Some(Open {
            id,
            json,
            any: false,
        });
        Ok(())
    }

    /// Write record changes of the line begun.
    pub fn extend(&mut self, entries: &[Entry]) -> io::Result<()> {
        let open = self.open.as_mut().ok_or(io::ErrorKind::InvalidInput)?;
        // The line's bytes go to the file and, to be counted and summed, to the line's CRC.
        let mut both = Both(&mut self.out, &mut open.json);
        for e in entries {
            if std::mem::replace(&mut open.any, true) {
                both.write_all(NEXT)?;
            }
            serde_json::to_writer(&mut both, e)?;
        }
        Ok(())
    }

    /// End the line begun.
    pub fn end(&mut self) -> io::Result<()> {
        let mut open = self.open.take().ok_or(io::ErrorKind::InvalidInput)?;
        open.json.write_all(b"]")?;
        let sum = open.json.crc.finalize();
        self.out.write_all(format!("] {sum:08x}\n").as_bytes())?;
        let len = ID_HEX + 1 + open.json.len + 1 + CRC_HEX + 1;
        self.at.insert(open.id, (self.len, len));
        self.len += len as u64;
        Ok(())
    }

    /// The lines written, to read back. The cache's file is put in place first; one that cannot
    /// be is still read, through the handle kept open on it.
    pub fn finish(self) -> io::Result<Lines> {
        let target = self.out.into_inner().map_err(|e| e.into_error())?;
        let src = match target {
            Target::Cache(tmp, path) => {
                let file = tmp.reopen()?;
                // A cache that cannot be put in place costs only speed next time.
                let _ = crate::store::put_aside(tmp, &path);
                Source::File(Cursor::new(file))
            }
            Target::Temp(file) => Source::File(Cursor::new(file)),
            Target::Memory(text) => Source::Memory(text),
        };
        Ok(Lines { src, at: self.at })
    }
}

/// A reader or writer that takes the CRC-32 of the bytes through it and counts them.
struct Crc<T> {
    inner: T,
    crc: crc32fast::Hasher,
    len: usize,
}

impl<T> Crc<T> {
    fn new(inner: T) -> Self {
        Crc {
            inner,
            crc: crc32fast::Hasher::new(),
            len: 0,
        }
    }
}

impl<R: Read> Read for Crc<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Crc<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            self.crc.update(&buf[..n.min(buf.len())]);
        }
        self.len += n;
        self.inner.consume(n);
    }
}

impl<W: Write> Write for Crc<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A writer to two writers at once.
struct Both<'a, A, B>(&'a mut A, &'a mut B);

impl<A: Write, B: Write> Write for Both<'_, A, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).unwrap()
    }

    /// The record changes of `n` records, each `pad` bytes of title long.
    fn entries(n: u32, pad: usize) -> Vec<Entry> {
        (1..=n)
            .map(|k| {
                let title = format!("Title {k} \t\"quoted\", [bracketed] {}", "x".repeat(pad));
                let json = serde_json::json!({
                    "action": k,
                    "file": format!("actions/{k:03}.yaml"),
                    "event": "changed",
                    "title": title,
                    "changes": [{"field": "status", "op": "changed", "old": "open", "new": "ongoing"}],
                    "flags": [],
                });
                serde_json::from_value(json).unwrap()
            })
            .collect()
    }

    /// Write `commits` into `spool`, each in pieces of `piece` records, and read them back.
    fn written(mut spool: Spool, commits: &[(Oid, Vec<Entry>, bool)], piece: usize) -> Lines {
        for (id, entries, fact) in commits {
            spool.begin(*id, *fact).unwrap();
            for part in entries.chunks(piece) {
                spool.extend(part).unwrap();
            }
            spool.end().unwrap();
        }
        spool.finish().unwrap()
    }

    fn read_each(lines: &Lines, id: &Oid) -> Result<Vec<Entry>> {
        let mut out = Vec::new();
        lines.each(id, &mut |e| {
            out.push(e);
            Ok(())
        })?;
        Ok(out)
    }

    fn commits() -> Vec<(Oid, Vec<Entry>, bool)> {
        vec![
            (id(1), entries(3, 10), true),
            (id(2), Vec::new(), true),
            // Longer than a line read whole.
            (id(3), entries(3_000, 400), true),
            (id(4), entries(1, 0), false),
        ]
    }

    #[test]
    fn every_kind_of_spool_reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oslog/entries.cache");
        let commits = commits();
        assert!(
            commits[2].1.len() > 1 && serde_json::to_vec(&commits[2].1).unwrap().len() > LONG_LINE
        );
        for spool in [
            Spool::new(Some(&path), "log/"),
            Spool::new(None, "log/"),
            Spool::in_memory("log/"),
        ] {
            for piece in [1, 7, usize::MAX] {
                let lines = written(spool_like(&spool, &path), &commits, piece);
                for (id, entries, _) in &commits {
                    assert!(lines.checked(id));
                    assert_eq!(lines.get(id).as_ref(), Some(entries));
                    assert_eq!(&read_each(&lines, id).unwrap(), entries);
                }
                assert!(lines.is_long(&id(3)) && !lines.is_long(&id(1)));
            }
            drop(spool);
        }
    }

    /// A new spool of the same kind as `spool`.
    fn spool_like(spool: &Spool, path: &Path) -> Spool {
        match spool.out.get_ref() {
            Target::Cache(..) => Spool::new(Some(path), "log/"),
            Target::Temp(_) => Spool::new(None, "log/"),
            Target::Memory(_) => Spool::in_memory("log/"),
        }
    }

    #[test]
    fn the_cache_keeps_the_lines_that_are_facts_for_its_own_root() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entries.cache");
        let commits = commits();
        let spool = Spool::new(Some(&path), "log/");
        assert!(spool.is_cache());
        written(spool, &commits, 100);
        let lines = Lines::open(&path, "log/").unwrap();
        assert_eq!(
            lines.len(),
            3,
            "the line for one walk only is not read again"
        );
        for (id, entries, fact) in &commits {
            assert_eq!(lines.get(id).as_ref(), fact.then_some(entries));
        }
        assert!(Lines::open(&path, "other/").is_none());
        assert!(Lines::open(&dir.path().join("none"), "log/").is_none());
    }

    #[test]
    fn a_damaged_line_costs_only_its_own_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entries.cache");
        let commits = commits();
        written(Spool::new(Some(&path), ""), &commits, 100);
        let good = std::fs::read(&path).unwrap();
        let start_of = |n: u8| {
            let hex = id(n).to_string();
            good.windows(40).position(|w| w == hex.as_bytes()).unwrap()
        };
        // A byte changed in the first commit's line, and in the middle of the long one.
        for (at, hit) in [(start_of(1) + 60, 1), (start_of(3) + 500_000, 3)] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            let lines = Lines::open(&path, "").unwrap();
            for (id, entries, _) in commits.iter().filter(|c| c.2) {
                let damaged = *id == super::tests::id(hit);
                assert_eq!(lines.checked(id), !damaged);
                assert_eq!(lines.get(id).is_none(), damaged);
                if !damaged {
                    assert_eq!(&read_each(&lines, id).unwrap(), entries);
                }
            }
            assert!(read_each(&lines, &id(hit)).is_err());
        }
        // Cut short: the last whole line is kept, the cut one is not.
        std::fs::write(&path, &good[..start_of(3) + 1000]).unwrap();
        let lines = Lines::open(&path, "").unwrap();
        assert!(lines.checked(&id(1)) && lines.checked(&id(2)));
        assert!(!lines.has(&id(3)));
    }

    #[test]
    fn a_line_written_again_is_read_from_its_last_place_and_copied_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entries.cache");
        let (old, new) = (entries(2, 0), entries(5, 0));
        written(
            Spool::new(Some(&path), ""),
            &[
                (id(1), old, true),
                (id(1), new.clone(), true),
                (id(2), entries(1, 0), true),
            ],
            100,
        );
        let lines = Lines::open(&path, "").unwrap();
        assert_eq!(lines.get(&id(1)), Some(new.clone()));
        let mut spool = Spool::new(Some(&path), "");
        spool.copy(&lines, |i| *i == id(1)).unwrap();
        spool.finish().unwrap();
        let copied = Lines::open(&path, "").unwrap();
        assert_eq!(copied.len(), 1);
        assert_eq!(copied.get(&id(1)), Some(new));
    }
}
