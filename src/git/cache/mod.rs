//! The history cache, in two files. The first holds, for each commit of a walk, its first parent, who
//! made it and when, and which record files it changed (old and new blob ids); the second holds the
//! record changes (`Entry`) that those file changes amount to, which `log` and the reports read. Both
//! are facts of the commit's id (its tree and parents, and so the whole history behind it, are part of
//! what the id hashes) and of oslog's version, so a record never goes stale; a walk uses the ones it has and computes the rest.
//! A merge's record changes depend on its merged branch, which a shallow clone may have cut off, so
//! a shallow clone keeps none of them.
//!
//! The cache lives in `<git dir>/oslog/`, one pair of files per log root within the repository. A file starts
//! with a line naming the format, oslog's version and the SHA-1 of the rest; a file that fails any of
//! these checks, or does not parse, is ignored and rewritten, so a corrupt or foreign cache costs a
//! cold walk, never a wrong answer. It is written atomically (a temporary file renamed into place),
//! so concurrent runs leave one whole file. Setting `OSLOG_NO_CACHE` turns it off.

mod lines;

pub use lines::{Lines, Spool};

use super::tree::Kind as EntryKind;
use git2::{ObjectType, Oid};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::HashMap;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The format line. Its number changes whenever what a record means changes, so that a cache written
/// by an oslog that computed it otherwise is ignored: 2 when an update moved by its date became one
/// edit, 3 when a renumbering in a merge became one only if the merged branch had moved that record,
/// 4 when links and submodules in a record's place became changes of their own, 5 when a
/// milestone's `description` and a record's `source` became fields that load and are compared, 6
/// when reviewers' flags covered more moves and a merge's changes named the merged branch's commits
/// that made them, 7 when a milestone given a new date became one change, 8 when record changes
/// were stored a commit a line.
const FORMAT: &str = "oslog-history-cache 8";

/// A record file a commit changed: its path under the log root, its ids before and after, and what
/// it was on each side (a regular file, or a symbolic link or submodule in the record's place).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Touched {
    pub file: String,
    pub old: Option<Oid>,
    pub new: Option<Oid>,
    pub kinds: [EntryKind; 2],
}

/// One commit of the first-parent line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: Oid,
    /// The first parent; `None` for a root commit.
    pub parent: Option<Oid>,
    /// The committer's time, seconds since the epoch, and its offset from UTC in minutes.
    pub time: i64,
    pub offset: i32,
    pub author: String,
    pub summary: String,
    /// The record files changed against the first parent, in path order.
    pub files: Vec<Touched>,
}

/// The cached steps by commit id.
pub type Known = HashMap<Oid, Rc<Step>>;

#[derive(Serialize, Deserialize)]
struct Stored<C> {
    prefix: String,
    commits: C,
}

/// Records serialised one at a time, as they are written, from an iterator that can be run again.
struct Records<I>(I);

impl<I> Serialize for Records<I>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

#[derive(Serialize, Deserialize)]
struct StoredStep {
    id: String,
    parent: Option<String>,
    time: i64,
    offset: i32,
    author: String,
    summary: String,
    files: Vec<(String, Option<String>, Option<String>)>,
}

/// Which of the two files.
#[derive(Clone, Copy)]
pub enum Kind {
    Steps,
    Entries,
}

/// Where the cache of the log at `prefix` (relative to the work tree) lives, or `None` when the cache
/// is turned off.
pub fn path(git_dir: &Path, prefix: &str, kind: Kind) -> Option<PathBuf> {
    if crate::store::caches_off() {
        return None;
    }
    let stem = match kind {
        Kind::Steps => "history",
        Kind::Entries => "entries",
    };
    let name = match prefix {
        "" => format!("{stem}.cache"),
        p => {
            let hash = Oid::hash_object(ObjectType::Blob, p.as_bytes()).ok()?;
            format!("{stem}-{}.cache", &hash.to_string()[..12])
        }
    };
    Some(git_dir.join("oslog").join(name))
}

/// Remove the temporary files in the cache's folder (`path`'s) that a run killed while it wrote
/// left behind: those not written to for a day, which no run still writing would leave so long.
fn sweep(path: &Path) {
    const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
    let Some(entries) = path.parent().and_then(|d| std::fs::read_dir(d).ok()) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok()?.elapsed().ok());
        let name = e.file_name();
        if crate::store::is_temporary(&name.to_string_lossy()) && stale.is_some_and(|t| t > DAY) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The start of the first line, up to the checksum.
fn preamble() -> String {
    format!("{FORMAT} {} ", env!("CARGO_PKG_VERSION"))
}

fn header(body: &str) -> Option<String> {
    let sum = Oid::hash_object(ObjectType::Blob, body.as_bytes()).ok()?;
    Some(format!("{}{sum}\n", preamble()))
}

/// The records stored in `text` for the log at `prefix`, if it passes every check.
fn decode<T: DeserializeOwned>(text: &str, prefix: &str) -> Option<Vec<T>> {
    let (first, body) = text.split_once('\n')?;
    if header(body)? != format!("{first}\n") {
        return None;
    }
    let stored: Stored<Vec<T>> = serde_json::from_str(body).ok()?;
    (stored.prefix == prefix).then_some(stored.commits)
}

/// Replace the file at `path` atomically with the records of the log at `prefix`. The file is
/// written as it is serialised, never held whole in memory: its checksum is git's blob id of the
/// body, which starts from the body's length, so the records are serialised once to count the
/// bytes and once to write and hash them, and the checksum is then written over a placeholder. A
/// cache that cannot be written only costs speed, so the error is returned for the caller to ignore.
fn write<I>(path: &Path, prefix: &str, records: I) -> anyhow::Result<()>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    let stored = Stored {
        prefix: prefix.to_string(),
        commits: Records(records),
    };
    // serde writes a token at a time: the buffer comes first, so that bytes are counted and
    // hashed in large pieces.
    let mut counted = BufWriter::with_capacity(
        BUFFER,
        Body {
            out: std::io::sink(),
            sum: None,
            len: 0,
        },
    );
    serde_json::to_writer(&mut counted, &stored)?;
    let len = counted.into_inner().map_err(|e| e.into_error())?.len;
    crate::store::write_aside_with(path, |file| {
        let preamble = preamble();
        file.write_all(preamble.as_bytes())?;
        file.write_all(&[b'0'; 40])?;
        file.write_all(b"\n")?;
        let mut body = BufWriter::with_capacity(
            BUFFER,
            Body {
                out: &mut *file,
                sum: Some(sha1_smol::Sha1::from(format!("blob {len}\0"))),
                len: 0,
            },
        );
        serde_json::to_writer(&mut body, &stored)?;
        let body = body.into_inner().map_err(|e| e.into_error())?;
        anyhow::ensure!(body.len == len, "the records changed while written");
        let sum = body.sum.map(|s| s.digest().to_string()).unwrap_or_default();
        file.seek(SeekFrom::Start(preamble.len() as u64))?;
        file.write_all(sum.as_bytes())?;
        Ok(())
    })
}

/// How many bytes of a cache file are serialised before they are counted, hashed and written.
const BUFFER: usize = 1 << 16;

/// A writer of a cache file's body that counts its bytes and hashes them.
struct Body<W> {
    out: W,
    sum: Option<sha1_smol::Sha1>,
    len: usize,
}

impl<W: Write> Write for Body<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        if let Some(sum) = &mut self.sum {
            sum.update(&buf[..n]);
        }
        self.len += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The largest cache file read: larger than any oslog writes for a log it can walk.
const MAX_BYTES: u64 = 1 << 30;

/// A cache file's text; none for a file larger than any cache oslog writes for a log it can walk.
fn read(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

fn oid(s: &str) -> Option<Oid> {
    Oid::from_str(s)
        .ok()
        .filter(|o| s.len() == 40 && !o.is_zero())
}

fn opt_oid(s: &Option<String>) -> Option<Option<Oid>> {
    match s {
        None => Some(None),
        Some(s) => oid(s).map(Some),
    }
}

/// How a side of a changed file is stored: its id, after `link:` or `submodule:` when it is one.
fn side(id: Option<Oid>, kind: EntryKind) -> Option<String> {
    let id = id?;
    Some(match kind {
        EntryKind::File => id.to_string(),
        EntryKind::Symlink => format!("link:{id}"),
        EntryKind::Submodule => format!("submodule:{id}"),
    })
}

fn read_side(s: &Option<String>) -> Option<(Option<Oid>, EntryKind)> {
    let Some(s) = s else {
        return Some((None, EntryKind::File));
    };
    let (kind, id) = match s.split_once(':') {
        None => (EntryKind::File, s.as_str()),
        Some(("link", id)) => (EntryKind::Symlink, id),
        Some(("submodule", id)) => (EntryKind::Submodule, id),
        Some(_) => return None,
    };
    Some((Some(oid(id)?), kind))
}

/// The steps stored at `path` for the log at `prefix`; empty when there is no cache or it fails a
/// check.
pub fn load(path: &Path, prefix: &str) -> Known {
    read(path)
        .and_then(|text| steps(&text, prefix))
        .unwrap_or_default()
}

fn steps(text: &str, prefix: &str) -> Option<Known> {
    let stored: Vec<StoredStep> = decode(text, prefix)?;
    let mut known = Known::with_capacity(stored.len());
    for c in stored {
        let mut files = Vec::with_capacity(c.files.len());
        for (file, old, new) in &c.files {
            let ((old, was), (new, now)) = (read_side(old)?, read_side(new)?);
            files.push(Touched {
                file: file.clone(),
                old,
                new,
                kinds: [was, now],
            });
        }
        let step = Step {
            id: oid(&c.id)?,
            parent: opt_oid(&c.parent)?,
            time: c.time,
            offset: c.offset,
            author: c.author,
            summary: c.summary,
            files,
        };
        known.insert(step.id, Rc::new(step));
    }
    Some(known)
}

/// How a step is stored.
fn stored_step(s: &Step) -> StoredStep {
    let hex = |o: &Option<Oid>| o.map(|o| o.to_string());
    StoredStep {
        id: s.id.to_string(),
        parent: hex(&s.parent),
        time: s.time,
        offset: s.offset,
        author: s.author.clone(),
        summary: s.summary.clone(),
        files: s
            .files
            .iter()
            .map(|t| {
                let [was, now] = t.kinds;
                (t.file.clone(), side(t.old, was), side(t.new, now))
            })
            .collect(),
    }
}

/// Replace the steps cache at `path`.
pub fn save<'a>(
    path: &Path,
    prefix: &str,
    steps: impl Iterator<Item = &'a Step> + Clone,
) -> anyhow::Result<()> {
    write(path, prefix, steps.map(stored_step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(n: u8, parent: Option<u8>) -> Step {
        let id = |n: u8| Oid::from_bytes(&[n; 20]).unwrap();
        Step {
            id: id(n),
            parent: parent.map(id),
            time: 1_600_000_000 + i64::from(n),
            offset: -300,
            author: "A \"quoted\"\tname".into(),
            summary: "Action 4: open → ongoing".into(),
            files: vec![
                Touched {
                    file: "actions/004.yaml".into(),
                    old: parent.map(|_| id(n + 100)),
                    new: Some(id(n + 101)),
                    kinds: [EntryKind::File, EntryKind::File],
                },
                Touched {
                    file: "actions/005.yaml".into(),
                    old: Some(id(n + 102)),
                    new: Some(id(n + 103)),
                    kinds: [EntryKind::Symlink, EntryKind::Submodule],
                },
            ],
        }
    }

    /// The text of a steps cache holding `steps`, as written to a file.
    fn encode_steps(prefix: &str, steps: &[Step]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.cache");
        save(&path, prefix, steps.iter()).unwrap();
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn round_trips() {
        let steps = [step(1, None), step(2, Some(1))];
        let text = encode_steps("log/", &steps);
        let known = super::steps(&text, "log/").unwrap();
        assert_eq!(known.len(), 2);
        for s in &steps {
            assert_eq!(known[&s.id].as_ref(), s);
        }
    }

    #[test]
    fn refuses_a_changed_byte_another_root_or_version() {
        let text = encode_steps("", &[step(1, None)]);
        let decode = |t: &str, p: &str| super::steps(t, p);
        assert!(decode(&text, "other/").is_none());
        // Any one byte of the body changed is caught by the checksum.
        let at = text.find("actions/004").unwrap();
        let mut bad = text.clone().into_bytes();
        bad[at + 9] = b'5';
        assert!(decode(std::str::from_utf8(&bad).unwrap(), "").is_none());
        let other = text.replacen(env!("CARGO_PKG_VERSION"), "0.0.0-other", 1);
        assert!(decode(&other, "").is_none());
        assert!(decode("", "").is_none());
        assert!(decode(&text[..text.len() - 1], "").is_none());
    }
}
