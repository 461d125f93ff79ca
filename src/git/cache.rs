//! The history cache: for each commit of a walk, its first parent, who made it and when, and which
//! record files it changed (old and new blob ids). These are facts of the commit's id (its tree and
//! parents are part of what the id hashes), so a record never goes stale; the walk uses the ones it
//! has and computes the rest.
//!
//! The cache lives in `<git dir>/oslog/`, one file per log root within the repository. The file starts
//! with a line naming the format, oslog's version and the SHA-1 of the rest; a file that fails any of
//! these checks, or does not parse, is ignored and rewritten, so a corrupt or foreign cache costs a
//! cold walk, never a wrong answer. It is written atomically (a temporary file renamed into place),
//! so concurrent runs leave one whole file. Setting `OSLOG_NO_CACHE` turns it off.

use git2::{ObjectType, Oid};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

const FORMAT: &str = "oslog-history-cache 1";

/// A record file a commit changed: its path under the log root and its blob ids before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Touched {
    pub file: String,
    pub old: Option<Oid>,
    pub new: Option<Oid>,
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
struct Stored {
    prefix: String,
    commits: Vec<StoredStep>,
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

/// Where the cache of the log at `prefix` (relative to the work tree) lives, or `None` when the cache
/// is turned off.
pub fn path(git_dir: &Path, prefix: &str) -> Option<PathBuf> {
    if std::env::var_os("OSLOG_NO_CACHE").is_some() {
        return None;
    }
    let name = match prefix {
        "" => "history.cache".to_string(),
        p => {
            let hash = Oid::hash_object(ObjectType::Blob, p.as_bytes()).ok()?;
            format!("history-{}.cache", &hash.to_string()[..12])
        }
    };
    Some(git_dir.join("oslog").join(name))
}

fn header(body: &str) -> Option<String> {
    let sum = Oid::hash_object(ObjectType::Blob, body.as_bytes()).ok()?;
    Some(format!("{FORMAT} {} {sum}\n", env!("CARGO_PKG_VERSION")))
}

/// The steps stored at `path` for the log at `prefix`; empty when there is no cache or it fails a
/// check.
pub fn load(path: &Path, prefix: &str) -> Known {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Known::new();
    };
    decode(&text, prefix).unwrap_or_default()
}

fn decode(text: &str, prefix: &str) -> Option<Known> {
    let (first, body) = text.split_once('\n')?;
    if header(body)? != format!("{first}\n") {
        return None;
    }
    let stored: Stored = serde_json::from_str(body).ok()?;
    if stored.prefix != prefix {
        return None;
    }
    let oid = |s: &str| {
        Oid::from_str(s)
            .ok()
            .filter(|o| s.len() == 40 && !o.is_zero())
    };
    let opt = |s: &Option<String>| -> Option<Option<Oid>> {
        match s {
            None => Some(None),
            Some(s) => oid(s).map(Some),
        }
    };
    let mut known = Known::with_capacity(stored.commits.len());
    for c in stored.commits {
        let mut files = Vec::with_capacity(c.files.len());
        for (file, old, new) in &c.files {
            files.push(Touched {
                file: file.clone(),
                old: opt(old)?,
                new: opt(new)?,
            });
        }
        let step = Step {
            id: oid(&c.id)?,
            parent: opt(&c.parent)?,
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

/// The cache file's text for these steps.
fn encode<'a>(prefix: &str, steps: impl Iterator<Item = &'a Step>) -> Option<String> {
    let hex = |o: &Option<Oid>| o.map(|o| o.to_string());
    let stored = Stored {
        prefix: prefix.to_string(),
        commits: steps
            .map(|s| StoredStep {
                id: s.id.to_string(),
                parent: hex(&s.parent),
                time: s.time,
                offset: s.offset,
                author: s.author.clone(),
                summary: s.summary.clone(),
                files: s
                    .files
                    .iter()
                    .map(|t| (t.file.clone(), hex(&t.old), hex(&t.new)))
                    .collect(),
            })
            .collect(),
    };
    let body = serde_json::to_string(&stored).ok()?;
    Some(header(&body)? + &body)
}

/// Replace the cache at `path` with these steps. A cache that cannot be written only costs speed, so
/// the error is returned for the caller to ignore or report.
pub fn save<'a>(
    path: &Path,
    prefix: &str,
    steps: impl Iterator<Item = &'a Step>,
) -> anyhow::Result<()> {
    let text = encode(prefix, steps).ok_or_else(|| anyhow::anyhow!("cannot encode the cache"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::store::write_atomic(path, &text)
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
            files: vec![Touched {
                file: "actions/004.yaml".into(),
                old: parent.map(|_| id(n + 100)),
                new: Some(id(n + 101)),
            }],
        }
    }

    #[test]
    fn round_trips() {
        let steps = [step(1, None), step(2, Some(1))];
        let text = encode("log/", steps.iter()).unwrap();
        let known = decode(&text, "log/").unwrap();
        assert_eq!(known.len(), 2);
        for s in &steps {
            assert_eq!(known[&s.id].as_ref(), s);
        }
    }

    #[test]
    fn refuses_a_changed_byte_another_root_or_version() {
        let text = encode("", [step(1, None)].iter()).unwrap();
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
