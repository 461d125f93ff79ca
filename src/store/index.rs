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
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// The facts of the regular file at `path`, not followed through a link.
    #[cfg(unix)]
    fn of(path: &Path) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
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
    fn of(_: &Path) -> Option<Stat> {
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

/// One entry of an index file, by position in its bytes.
struct Slot {
    name: Range<usize>,
    stat: Stat,
    blob: Range<usize>,
}

/// An index file as read: its bytes and its entries, sorted by path.
struct Index {
    path: PathBuf,
    bytes: Vec<u8>,
    slots: Vec<Slot>,
}

/// What the index gave for one record file, or what the run learnt of it for the next index.
pub(super) enum Entry {
    /// The entry of the index as read, still true of the file.
    Kept(Stat, Range<usize>),
    /// A record read from the file this run, encoded.
    Fresh(Stat, Vec<u8>),
}

impl Index {
    /// The index of the log at `root`: its file read and checked, or none (empty) when the file is
    /// missing, damaged, foreign or of another version.
    fn open(path: PathBuf, root: &Path) -> Index {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let slots = Index::slots(&bytes, root).unwrap_or_default();
        Index { path, bytes, slots }
    }

    fn slots(bytes: &[u8], root: &Path) -> Option<Vec<Slot>> {
        let body = bytes.get(..bytes.len().checked_sub(4)?)?;
        let mut crc = flate2::Crc::new();
        crc.update(body);
        if crc.sum().to_le_bytes() != bytes[body.len()..] {
            return None;
        }
        let mut r = Reader::new(body);
        if r.bytes(MAGIC.len())? != MAGIC
            || r.u64()? != FORMAT
            || r.str()? != env!("CARGO_PKG_VERSION")
            || r.str()? != root.to_str()?
        {
            return None;
        }
        let n = r.u64()?;
        let mut slots = Vec::new();
        for _ in 0..n {
            let len = usize::try_from(r.u64()?).ok()?;
            let start = r.at;
            r.bytes(len)?;
            let name = start..r.at;
            let stat = Stat::get(&mut r)?;
            let len = usize::try_from(r.u64()?).ok()?;
            let start = r.at;
            r.bytes(len)?;
            slots.push(Slot {
                name,
                stat,
                blob: start..r.at,
            });
        }
        let sorted = slots
            .windows(2)
            .all(|w| body[w[0].name.clone()] < body[w[1].name.clone()]);
        (r.done() && sorted).then_some(slots)
    }

    /// The encoded record of `rel`, if the index has it for a file with exactly the facts `stat`.
    fn find(&self, rel: &str, stat: &Stat) -> Option<Range<usize>> {
        let i = self
            .slots
            .binary_search_by(|s| self.bytes[s.name.clone()].cmp(rel.as_bytes()))
            .ok()?;
        let slot = &self.slots[i];
        (slot.stat == *stat).then(|| slot.blob.clone())
    }

    /// Write the index of `root` with `entries` (path, entry), in path order. A failure costs only
    /// speed: the next run reads the files again.
    fn save(&self, root: &Path, entries: &[(String, &Entry)]) {
        let Some(root) = root.to_str() else { return };
        let mut w = Writer::default();
        w.bytes.extend_from_slice(MAGIC);
        w.u64(FORMAT);
        w.str(env!("CARGO_PKG_VERSION"));
        w.str(root);
        w.u64(entries.len() as u64);
        for (rel, entry) in entries {
            w.str(rel);
            let (stat, blob) = match entry {
                Entry::Kept(stat, blob) => (stat, &self.bytes[blob.clone()]),
                Entry::Fresh(stat, blob) => (stat, blob.as_slice()),
            };
            stat.put(&mut w);
            w.u64(blob.len() as u64);
            w.bytes.extend_from_slice(blob);
        }
        let mut crc = flate2::Crc::new();
        crc.update(&w.bytes);
        w.bytes.extend_from_slice(&crc.sum().to_le_bytes());
        let _ = super::write_aside(&self.path, &w.bytes);
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
    let keep = |name: &str, text: &str| want.text(name, text);
    let Some(path) = index_path(root).filter(|_| !caches_off()) else {
        return load::load_where(root, &keep);
    };
    let index = Index::open(path, root);
    let since = now() - RACY_SECONDS;
    let changed = AtomicBool::new(false);
    let read = |rel: &Path| super::read_source(root, rel);
    let is_dir = |rel: &Path| root.join(rel).is_dir();
    let one = |kind: RecordKind, rel: &Path, name: &str| -> FileLoad {
        let record_file = name.ends_with(".yaml") && !name.starts_with('.');
        let Some(stat) = record_file.then(|| Stat::of(&root.join(rel))).flatten() else {
            return load::load_file(kind, rel, name, &read, &is_dir, &keep);
        };
        let key = rel.to_str().unwrap_or_default();
        if let Some(blob) = index.find(key, &stat) {
            if let Some(file) = from_index(kind, rel, &index.bytes[blob.clone()], want) {
                return FileLoad {
                    entry: Some(Entry::Kept(stat, blob)),
                    ..file
                };
            }
        }
        changed.store(true, Ordering::Relaxed);
        // Parsed whole for the index's sake; what the question does not need is then set aside.
        let wanted = AtomicBool::new(true);
        let all = |name: &str, text: &str| {
            wanted.store(want.text(name, text), Ordering::Relaxed);
            true
        };
        let mut file = load::load_file(kind, rel, name, &read, &is_dir, &all);
        if file.diags.is_empty() && !stat.racy(since) {
            file.entry = encode(file.record.as_ref()).map(|blob| Entry::Fresh(stat, blob));
        }
        if !wanted.load(Ordering::Relaxed) {
            file.set_aside();
        }
        file
    };
    let (log, entries) = load::load_with(root, &one)?;
    let listed: Vec<(String, &Entry)> = entries
        .iter()
        .filter_map(|(rel, e)| Some((rel.to_str()?.to_string(), e)))
        .collect();
    if changed.load(Ordering::Relaxed) || listed.len() != index.slots.len() {
        index.save(root, &listed);
    }
    Ok(log)
}

/// A record file's load answered from the index: its record, or nothing when `want` does not need
/// it; `None` when the entry does not decode as a record of `kind`.
fn from_index(kind: RecordKind, rel: &Path, blob: &[u8], want: &Want) -> Option<FileLoad> {
    let needed = match codec::summary(blob)? {
        Summary::Action {
            id,
            theme,
            references,
        } => want.action(id, theme, &references),
        Summary::Milestone { actions } => want.milestone(&actions),
    };
    let loaded = |header| Loaded {
        value: (),
        file: rel.to_path_buf(),
        spans: Spans::default(),
        header,
        canonical: true,
    };
    let record = match codec::decode(blob)? {
        _ if !needed => None,
        codec::Decoded::Action(a, header) if kind == RecordKind::Action => {
            Some(Record::Action(loaded(header).with(a)))
        }
        codec::Decoded::Milestone(m, header) if kind == RecordKind::Milestone => {
            Some(Record::Milestone(loaded(header).with(m)))
        }
        _ => return None,
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

/// The encoded form of a record that loaded, for the index.
fn encode(record: Option<&Record>) -> Option<Vec<u8>> {
    let mut w = Writer::default();
    match record? {
        Record::Action(a) => codec::put_action(&mut w, &a.value, &a.header),
        Record::Milestone(m) => codec::put_milestone(&mut w, &m.value, &m.header),
        Record::Themes(_) => return None,
    }
    Some(w.bytes)
}

/// Seconds since the epoch, by the system clock.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
