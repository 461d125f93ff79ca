//! The index of the log: each record file's decoded record, kept beside the files so that the
//! everyday commands need not parse 10,000 files to answer about one. Like git's own index, an entry
//! is keyed by the file's path and its file-system facts (device, inode, size, modification and
//! change times); an entry whose file no longer has exactly those facts is never used, and the file
//! is read again.
//!
//! Three rules keep it from ever giving a wrong answer. Only a file that loaded with no finding at
//! all is kept (any other file is read and parsed on every run, so its findings are always current).
//! A file changed within two seconds before the run that read it is not kept (git's "racy" rule: a
//! change made in the same tick of the file system's clock as the read could leave every fact the
//! same). And the index is one file, in the repository's git folder (so git never tracks it), whose
//! format, oslog version, log root and CRC-32 must all match, or it is ignored and written anew.
//! `OSLOG_NO_CACHE` (or `--no-cache`) turns it off; outside a git repository there is none.

use super::codec::{self, Reader, Summary, Writer};
use super::load::{self, FileLoad, Want};
use super::{Loaded, Log, Record, RecordKind, Spans};
use anyhow::Result;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs::DirEntry;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The first bytes of an index file, and the version of its layout.
const MAGIC: &[u8] = b"oslog index\n";
const FORMAT: u64 = 1;

/// How long before a run a file must have last changed for its entry to be kept, in seconds: past
/// the coarsest timestamps of common file systems (FAT's two seconds), so that a change in the same
/// tick as the read always shows.
const RACY_SECONDS: i64 = 2;

/// Whether oslog's caches (this index and the history cache) are turned off: `OSLOG_NO_CACHE` set,
/// as `--no-cache` also sets it.
pub fn caches_off() -> bool {
    std::env::var_os("OSLOG_NO_CACHE").is_some()
}

/// The facts of a file that an entry is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stat {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stat {
    /// The facts of a regular file, from its metadata (not followed through a link).
    #[cfg(unix)]
    fn of(m: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        m.file_type().is_file().then(|| Stat {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }

    /// Elsewhere the facts that git's index relies on are not all there, so nothing is kept.
    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<Stat> {
        None
    }

    /// Whether the file last changed at or after `since` (seconds since the epoch), or claims a
    /// time in the future.
    fn racy(&self, since: i64) -> bool {
        self.mtime.0 >= since || self.ctime.0 >= since
    }

    fn put(&self, w: &mut Writer) {
        w.u64(self.dev);
        w.u64(self.ino);
        w.u64(self.size);
        for (s, ns) in [self.mtime, self.ctime] {
            w.i64(s);
            w.i64(ns);
        }
    }

    fn get(r: &mut Reader) -> Option<Stat> {
        Some(Stat {
            dev: r.u64()?,
            ino: r.u64()?,
            size: r.u64()?,
            mtime: (r.i64()?, r.i64()?),
            ctime: (r.i64()?, r.i64()?),
        })
    }
}

/// One entry of an index file: where its name and summary are in the table, and its record in the
/// file.
struct Slot {
    name: Range<usize>,
    stat: Stat,
    summary: Range<usize>,
    /// Where the encoded record starts, after the table, and its CRC-32.
    blob: Range<u64>,
    crc: u32,
}

/// An index file as read. Its layout: [`MAGIC`], the length of the table (8 bytes, little-endian),
/// the table (format, oslog's version, the log root, then per file in path order its path, facts,
/// summary, and its record's length and CRC-32), the CRC-32 of all of that, then the records. A
/// question about one action reads the table and the few records it needs.
struct Index {
    path: PathBuf,
    file: Option<std::fs::File>,
    table: Vec<u8>,
    slots: Vec<Slot>,
    /// Where the records start in the file.
    records_at: u64,
    /// Every record, read at once when most are needed.
    records: Option<Vec<u8>>,
}

/// What the index gave for one record file, or what the run learnt of it for the next index.
pub(super) enum Entry {
    /// The entry of the index as read (its place there), still true of the file.
    Kept(Stat, usize),
    /// A record read from the file this run: its summary and its record, encoded.
    Fresh(Stat, Vec<u8>, Vec<u8>),
}

impl Index {
    /// The index at `path` of the log at `root`, read and checked; empty when the file is missing,
    /// damaged, foreign or of another version. With `all`, every record is read at once.
    fn open(path: PathBuf, root: &Path, all: bool) -> Index {
        let mut index = Index {
            path,
            file: None,
            table: Vec::new(),
            slots: Vec::new(),
            records_at: 0,
            records: None,
        };
        if let Ok(file) = std::fs::File::open(&index.path) {
            if index.read_table(&file, root).is_some() {
                if all {
                    index.records = index.read_records(&file);
                }
                index.file = Some(file);
            } else {
                index.slots.clear();
            }
        }
        index
    }

    fn read_table(&mut self, mut file: &std::fs::File, root: &Path) -> Option<()> {
        use std::io::Read;
        let mut head = [0u8; MAGIC.len() + 8];
        file.read_exact(&mut head).ok()?;
        if &head[..MAGIC.len()] != MAGIC {
            return None;
        }
        let len = u64::from_le_bytes(head[MAGIC.len()..].try_into().ok()?);
        let size = file.metadata().ok()?.len();
        // The table and its CRC must fit in the file: a damaged length is not a reason to allocate.
        let len = usize::try_from(len)
            .ok()
            .filter(|l| (*l as u64) + 4 + head.len() as u64 <= size)?;
        let mut table = vec![0u8; len + 4];
        file.read_exact(&mut table).ok()?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head);
        crc.update(&table[..len]);
        if crc.finalize().to_le_bytes() != table[len..] {
            return None;
        }
        table.truncate(len);
        let mut r = Reader::new(&table);
        if r.u64()? != FORMAT
            || r.str()? != env!("CARGO_PKG_VERSION")
            || r.str()? != root.to_str()?
        {
            return None;
        }
        let n = r.u64()?;
        let mut at = 0u64;
        for _ in 0..n {
            let len = usize::try_from(r.u64()?).ok()?;
            let start = r.at;
            r.bytes(len)?;
            let name = start..r.at;
            let stat = Stat::get(&mut r)?;
            let len = usize::try_from(r.u64()?).ok()?;
            let start = r.at;
            r.bytes(len)?;
            let summary = start..r.at;
            let len = r.u64()?;
            let crc = u32::try_from(r.u64()?).ok()?;
            let end = at.checked_add(len)?;
            self.slots.push(Slot {
                name,
                stat,
                summary,
                blob: at..end,
                crc,
            });
            at = end;
        }
        let sorted = self
            .slots
            .windows(2)
            .all(|w| table[w[0].name.clone()] < table[w[1].name.clone()]);
        self.records_at = (head.len() + len + 4) as u64;
        (r.done() && sorted && self.records_at.checked_add(at)? == size).then_some(())?;
        self.table = table;
        Some(())
    }

    fn read_records(&self, file: &std::fs::File) -> Option<Vec<u8>> {
        let len = self.slots.last().map_or(0, |s| s.blob.end);
        let mut records = vec![0u8; usize::try_from(len).ok()?];
        read_at(file, &mut records, self.records_at)?;
        Some(records)
    }

    /// The place of `rel` in the index, if it has an entry of that name.
    fn named(&self, rel: &str) -> Option<usize> {
        self.slots
            .binary_search_by(|s| self.table[s.name.clone()].cmp(rel.as_bytes()))
            .ok()
    }

    /// The encoded record of the entry at `i`, if it is there whole.
    fn record(&self, i: usize) -> Option<Cow<'_, [u8]>> {
        let slot = &self.slots[i];
        let bytes = match &self.records {
            Some(all) => Cow::Borrowed(all.get(slot.blob.start as usize..slot.blob.end as usize)?),
            None => {
                let mut b = vec![0u8; usize::try_from(slot.blob.end - slot.blob.start).ok()?];
                read_at(
                    self.file.as_ref()?,
                    &mut b,
                    self.records_at + slot.blob.start,
                )?;
                Cow::Owned(b)
            }
        };
        (crc32fast::hash(&bytes) == slot.crc).then_some(bytes)
    }

    /// Write the index of `root` with `entries` (path, entry), in path order. A failure costs only
    /// speed: the next run reads the files again.
    fn save(&self, root: &Path, entries: &[(String, &Entry)]) {
        let Some(root) = root.to_str() else { return };
        let mut table = Writer::default();
        table.u64(FORMAT);
        table.str(env!("CARGO_PKG_VERSION"));
        table.str(root);
        table.u64(entries.len() as u64);
        let mut records = Vec::new();
        for (rel, entry) in entries {
            let (stat, summary, record) = match entry {
                Entry::Kept(stat, i) => {
                    let Some(record) = self.record(*i) else {
                        return;
                    };
                    (stat, &self.table[self.slots[*i].summary.clone()], record)
                }
                Entry::Fresh(stat, summary, record) => {
                    (stat, summary.as_slice(), Cow::Borrowed(record.as_slice()))
                }
            };
            table.str(rel);
            stat.put(&mut table);
            table.u64(summary.len() as u64);
            table.bytes.extend_from_slice(summary);
            table.u64(record.len() as u64);
            table.u64(u64::from(crc32fast::hash(&record)));
            records.extend_from_slice(&record);
        }
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(table.bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(&table.bytes);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&records);
        let _ = super::write_aside(&self.path, &out);
    }
}

/// Where the index of the log at `root` lives: `oslog/index` in the git folder of the working tree
/// that holds it (a linked worktree's own), or nowhere outside a git repository.
fn index_path(root: &Path) -> Option<PathBuf> {
    for dir in root.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            return Some(dot_git.join("oslog").join("index"));
        }
        // A linked worktree's or a submodule's `.git` file names its git folder.
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let git_dir = text.strip_prefix("gitdir:")?.trim();
        return Some(dir.join(git_dir).join("oslog").join("index"));
    }
    None
}

/// Load the log under `root` for a question that needs the records `want` selects, through the
/// index: the same log as [`load::load_where`] with `want`'s test of the text would give, except
/// that records answered from the index carry no positions (their files had no findings to place),
/// and that records it knows do not bear on the question may be left out. Files the index does not
/// answer for are read, parsed whole and kept in it for the next run.
pub fn load_indexed(root: &Path, want: &Want) -> Result<Log> {
    let keep = |kind: RecordKind, name: &str, text: &str| want.text(kind, name, text);
    let Some(path) = index_path(root).filter(|_| !caches_off()) else {
        return load::load_where(root, &keep);
    };
    let index = Index::open(path, root, matches!(want, Want::All));
    let since = now() - RACY_SECONDS;
    // The index is written again only when it would gain an entry or lose one for a file that is
    // gone. An entry whose file changed is left as it is until then: its facts no longer match, so
    // it is never used, and rewriting the whole index for a file that cannot be kept yet (changed in
    // the last two seconds, or with findings) would cost more than the run.
    let changed = AtomicBool::new(false);
    let named = AtomicUsize::new(0);
    let read = |rel: &Path| super::read_source(root, rel);
    let is_dir = |rel: &Path| root.join(rel).is_dir();
    let one = |kind: RecordKind, rel: &Path, name: &str, listed: Option<&DirEntry>| -> FileLoad {
        let record_file = name.ends_with(".yaml") && !name.starts_with('.');
        let stat = match listed {
            // Relative to the open folder: no walk of the whole path for each file.
            Some(entry) => entry.metadata().ok(),
            None => std::fs::symlink_metadata(root.join(rel)).ok(),
        };
        let Some(stat) = stat.as_ref().filter(|_| record_file).and_then(Stat::of) else {
            return load::load_file(kind, rel, name, &read, &is_dir, &keep);
        };
        let key = rel.to_str().unwrap_or_default();
        if let Some(i) = index.named(key) {
            named.fetch_add(1, Ordering::Relaxed);
            if index.slots[i].stat == stat {
                if let Some(file) = from_index(&index, i, kind, rel, want) {
                    return FileLoad {
                        entry: Some(Entry::Kept(stat, i)),
                        ..file
                    };
                }
            }
        }
        // Parsed whole for the index's sake; what the question does not need is then set aside.
        let wanted = AtomicBool::new(true);
        let all = |kind: RecordKind, name: &str, text: &str| {
            wanted.store(want.text(kind, name, text), Ordering::Relaxed);
            true
        };
        let mut file = load::load_file(kind, rel, name, &read, &is_dir, &all);
        if file.diags.is_empty() && !stat.racy(since) {
            file.entry = encode(file.record.as_deref()).map(|(s, r)| Entry::Fresh(stat, s, r));
            if file.entry.is_some() {
                changed.store(true, Ordering::Relaxed);
            }
        }
        if !wanted.load(Ordering::Relaxed) {
            file.set_aside();
        }
        file
    };
    let (log, entries) = load::load_with(root, &one)?;
    if changed.load(Ordering::Relaxed) || named.load(Ordering::Relaxed) != index.slots.len() {
        // Listed names are UTF-8 (others are stray files, never entries).
        let listed: Vec<(String, &Entry)> = entries
            .iter()
            .filter_map(|(rel, e)| Some((rel.to_str()?.to_string(), e)))
            .collect();
        index.save(root, &listed);
    }
    Ok(log)
}

/// The files among `files` whose records in `log` came from the index, without positions.
pub fn unplaced<'a>(log: &Log, files: impl Iterator<Item = &'a Path>) -> BTreeSet<PathBuf> {
    let from_index: BTreeSet<&Path> = log
        .actions
        .iter()
        .filter(|a| a.spans.is_empty())
        .map(|a| a.file.as_path())
        .chain(
            log.milestones
                .iter()
                .filter(|m| m.spans.is_empty())
                .map(|m| m.file.as_path()),
        )
        .collect();
    files
        .filter(|f| from_index.contains(f))
        .map(Path::to_path_buf)
        .collect()
}

/// Give the records of `files` that came from the index their positions, by reading and parsing
/// the files again, for findings that point into them. A file that no longer gives the same record
/// is left as it was (readers take no lock: a file may change while it is read).
pub fn place(log: &mut Log, files: &BTreeSet<PathBuf>) {
    let root = log.root.clone();
    let parsed = |kind: RecordKind, file: &Path| {
        let src = super::read_source(&root, file).ok()?;
        super::decode(kind, file, &src).record
    };
    for a in log.actions.iter_mut().filter(|a| files.contains(&a.file)) {
        if let Some(Record::Action(fresh)) = parsed(RecordKind::Action, &a.file) {
            if fresh.value == a.value {
                a.spans = fresh.spans;
            }
        }
    }
    for m in log
        .milestones
        .iter_mut()
        .filter(|m| files.contains(&m.file))
    {
        if let Some(Record::Milestone(fresh)) = parsed(RecordKind::Milestone, &m.file) {
            if fresh.value == m.value {
                m.spans = fresh.spans;
            }
        }
    }
}

/// A record file's load answered from the entry at `i` of the index: its record, or nothing when
/// `want` does not need it; `None` when the entry does not decode as a record of `kind`.
fn from_index(
    index: &Index,
    i: usize,
    kind: RecordKind,
    rel: &Path,
    want: &Want,
) -> Option<FileLoad> {
    let needed = match codec::summary(&index.table[index.slots[i].summary.clone()])? {
        Summary::Action {
            id,
            theme,
            references,
        } => kind == RecordKind::Action && want.action(id, theme, &references),
        Summary::Milestone { actions } => kind == RecordKind::Milestone && want.milestone(&actions),
    };
    let loaded = |header| Loaded {
        value: (),
        file: rel.to_path_buf(),
        spans: Spans::default(),
        header,
        canonical: true,
    };
    let record = match needed {
        false => None,
        true => match codec::decode(&index.record(i)?)? {
            codec::Decoded::Action(a, header) if kind == RecordKind::Action => {
                Some(Box::new(Record::Action(loaded(header).with(a))))
            }
            codec::Decoded::Milestone(m, header) if kind == RecordKind::Milestone => {
                Some(Box::new(Record::Milestone(loaded(header).with(m))))
            }
            _ => return None,
        },
    };
    Some(FileLoad {
        diags: Vec::new(),
        read: true,
        skipped: record.is_none(),
        record,
        part: None,
        entry: None,
    })
}

/// The summary and encoded form of a record that loaded, for the index.
fn encode(record: Option<&Record>) -> Option<(Vec<u8>, Vec<u8>)> {
    let (mut summary, mut w) = (Writer::default(), Writer::default());
    match record? {
        Record::Action(a) => {
            codec::action_summary(&mut summary, &a.value);
            codec::put_action(&mut w, &a.value, &a.header);
        }
        Record::Milestone(m) => {
            codec::milestone_summary(&mut summary, &m.value);
            codec::put_milestone(&mut w, &m.value, &m.header);
        }
        Record::Themes(_) => return None,
    }
    Some((summary.bytes, w.bytes))
}

/// Fill `buf` from `file` at `offset`, without moving a position shared between threads.
#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset).ok()
}

#[cfg(not(unix))]
fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> Option<()> {
    None
}

/// Seconds since the epoch, by the system clock.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
