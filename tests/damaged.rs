//! Damaged repositories give errors, never invented history: two offsets swapped in a pack index, a
//! byte flipped in a pack entry (of a blob, a folder's tree, a commit or a commit's root tree), a
//! truncated pack, a broken loose object. Each run must exit 2 naming
//! the object and `git fsck`, print no change, and leave no cache that outlives the repair. Also: a
//! symbolic link or submodule committed where a record belongs is reported, not passed over.
//! Repositories are built by the `git` program in temporary folders, with fixed authors and days.

mod common;
use std::path::{Path, PathBuf};
use std::process::Output;

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";

fn action(id: u32, deadline: &str, status: &str) -> String {
    format!("id: {id}\ntitle: Action number {id}\ntheme: governance\nraised: 2019-01\ndeadline: {deadline}\nstatus: {status}\n")
}

fn git(dir: &Path, args: &[&str]) -> String {
    common::git_as(dir, "Ann", "2019-07-01T12:00:00Z", args)
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", message]);
}

/// A log whose action 1 moves its deadline in each of 24 commits (enough for the walk to read its
/// trees through the pack reader), with action 2 changing beside it.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "--quiet", "--initial-branch=main"]);
    common::write(root, "themes.yaml", THEMES);
    common::write(root, "actions/001.yaml", &action(1, "2019-07", "ongoing"));
    common::write(root, "actions/002.yaml", &action(2, "2019-07", "ongoing"));
    commit(root, "Start the log");
    for i in 0..24 {
        let month = format!("{}-{:02}", 2020 + i / 12, i % 12 + 1);
        common::write(root, "actions/001.yaml", &action(1, &month, "ongoing"));
        if i % 3 == 0 {
            common::write(root, "actions/002.yaml", &action(2, &month, "ongoing"));
        }
        commit(root, &format!("Move action 1 to {month}"));
    }
    dir
}

fn oslog(dir: &Path, args: &[&str], cache: bool) -> Output {
    let env: &[(&str, &str)] = if cache {
        &[]
    } else {
        &[("OSLOG_NO_CACHE", "1")]
    };
    common::oslog_with(dir, args, env)
}

const RUNS: [&[&str]; 4] = [
    &["history", "1", "--format", "json"],
    &["history", "2"],
    &["log", "--format", "json"],
    &["slips", "--format", "json"],
];

/// Every answer, as bytes.
fn answers(dir: &Path, cache: bool) -> Vec<Vec<u8>> {
    RUNS.iter()
        .map(|args| {
            let o = oslog(dir, args, cache);
            assert!(
                o.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            o.stdout
        })
        .collect()
}

fn the_pack(dir: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(dir.join(".git/objects/pack"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .expect("one pack")
}

/// A version-2 pack index: (position, offset) of each object id, and where the offsets are stored.
struct Index {
    bytes: Vec<u8>,
    ids: Vec<String>,
    offsets_at: usize,
}

impl Index {
    fn read(path: &Path) -> Index {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(&bytes[..8], b"\xfftOc\0\0\0\x02");
        let n = u32::from_be_bytes(bytes[8 + 255 * 4..8 + 256 * 4].try_into().unwrap()) as usize;
        let ids = (0..n)
            .map(|i| {
                let at = 1032 + 20 * i;
                bytes[at..at + 20]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            })
            .collect();
        Index {
            offsets_at: 1032 + 24 * n,
            bytes,
            ids,
        }
    }

    fn position(&self, id: &str) -> usize {
        self.ids.iter().position(|i| i == id).expect("packed")
    }

    fn offset(&self, id: &str) -> usize {
        let at = self.offsets_at + 4 * self.position(id);
        let v = u32::from_be_bytes(self.bytes[at..at + 4].try_into().unwrap());
        assert_eq!(v & 0x8000_0000, 0, "a small pack");
        v as usize
    }

    /// Where the entry of `id` ends: at the next entry, or at the pack's checksum.
    fn end(&self, id: &str, pack_len: usize) -> usize {
        let start = self.offset(id);
        self.ids
            .iter()
            .map(|i| self.offset(i))
            .filter(|o| *o > start)
            .min()
            .unwrap_or(pack_len - 20)
    }
}

/// What a damaged repository must do: every run that reads the damaged object (at least
/// `history 1` and `log`, which read every version of action 1) exits 2 with one line naming an
/// object (one of `named`, when given) and `git fsck`, and prints nothing; a run that does not read
/// it gives the answer it gave before the damage.
fn refuses(dir: &Path, what: &str, named: &[&str], good: &[Vec<u8>]) {
    for (args, good) in RUNS.iter().zip(good) {
        for cache in [false, true] {
            let o = oslog(dir, args, cache);
            let err = String::from_utf8_lossy(&o.stderr);
            if o.status.success() && !args.contains(&"1") && args[0] != "log" {
                assert_eq!(&o.stdout, good, "{what}: {args:?}: invented output");
                continue;
            }
            assert_eq!(o.status.code(), Some(2), "{what}: {args:?}: {err}");
            assert!(o.stdout.is_empty(), "{what}: {args:?}: invented output");
            assert!(err.starts_with("oslog: error: "), "{what}: {err}");
            assert_eq!(err.lines().count(), 1, "{what}: {err}");
            assert!(err.contains("git fsck"), "{what}: {err}");
            if named.is_empty() {
                let hex = err
                    .split(|c: char| !c.is_ascii_hexdigit())
                    .any(|w| w.len() == 40);
                assert!(hex, "{what}: no object named: {err}");
            } else {
                assert!(
                    named.iter().any(|id| err.contains(id)),
                    "{what}: {err} names none of {named:?}"
                );
            }
            assert!(!err.contains("panicked"), "{what}: {err}");
            assert!(
                !dir.join(".git/oslog/entries.cache").exists(),
                "{what}: {args:?} wrote the record changes of a bad read"
            );
        }
    }
}

/// Damage the repository as `what` says, check every run refuses, then put the bytes back and check
/// that every answer, with whatever cache the damaged runs left, equals a fresh run's and the
/// answers before the damage.
fn damaged_then_repaired(what: &str) {
    let dir = repository();
    git(dir.path(), &["gc", "--quiet"]);
    let good = answers(dir.path(), false);
    let (file, damaged, named) = the_damage(dir.path(), what);
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    let original = std::fs::read(&file).unwrap();
    writable(&file);
    std::fs::write(&file, &damaged).unwrap();
    refuses(dir.path(), what, &named, &good);
    std::fs::write(&file, &original).unwrap();
    assert_eq!(answers(dir.path(), true), good, "{what}: repaired, warm");
    assert_eq!(answers(dir.path(), false), good, "{what}: repaired, fresh");
}

/// Git leaves its object files read-only.
fn writable(file: &Path) {
    let mut perms = std::fs::metadata(file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).unwrap();
}

/// The file to damage for `what`, its damaged bytes, and the objects an error may name (any, when
/// none are given).
fn the_damage(dir: &Path, what: &str) -> (PathBuf, Vec<u8>, Vec<String>) {
    let (idx_file, pack_file) = (the_pack(dir, "idx"), the_pack(dir, "pack"));
    let idx = Index::read(&idx_file);
    let pack = std::fs::read(&pack_file).unwrap();
    let id = |rev: &str| git(dir, &["rev-parse", rev]);
    match what {
        swapped if swapped.starts_with("two ") => {
            // Old commits: a walk reads the newest few through libgit2, the rest through the pack
            // reader, which then has only the CRCs to go by when the index's checksum is made to
            // match.
            let (a, b) = match what.split(',').next().unwrap() {
                "two blob offsets swapped" => {
                    (id("HEAD:actions/001.yaml"), id("HEAD~1:actions/001.yaml"))
                }
                "two tree offsets swapped" => (id("HEAD:actions"), id("HEAD~1:actions")),
                "two commit offsets swapped" => (id("HEAD~20"), id("HEAD~21")),
                _ => unreachable!("{what}"),
            };
            let mut bytes = idx.bytes.clone();
            let (pa, pb) = (
                idx.offsets_at + 4 * idx.position(&a),
                idx.offsets_at + 4 * idx.position(&b),
            );
            for i in 0..4 {
                bytes.swap(pa + i, pb + i);
            }
            if what.ends_with("the index's checksum recomputed") {
                let body = bytes.len() - 20;
                let sum = sha1_smol::Sha1::from(&bytes[..body]).digest().bytes();
                bytes[body..].copy_from_slice(&sum);
            }
            (idx_file, bytes, vec![a, b])
        }
        "a byte flipped in a blob entry"
        | "a byte flipped in a tree entry"
        | "a byte flipped in a commit entry"
        | "a byte flipped in a root tree entry" => {
            let target = match what {
                "a byte flipped in a blob entry" => id("HEAD~2:actions/001.yaml"),
                "a byte flipped in a tree entry" => id("HEAD~3:actions"),
                "a byte flipped in a commit entry" => id("HEAD~20"),
                _ => id("HEAD~21^{tree}"),
            };
            let (start, end) = (idx.offset(&target), idx.end(&target, pack.len()));
            assert!(end - start > 8, "{what}: an entry of {} bytes", end - start);
            let mut bytes = pack;
            bytes[start + (end - start) * 2 / 3] ^= 0x20;
            (pack_file, bytes, vec![target])
        }
        "a truncated pack" => {
            let half = pack.len() / 2;
            (pack_file, pack[..half].to_vec(), Vec::new())
        }
        _ => unreachable!("{what}"),
    }
}

#[test]
fn two_offsets_swapped_in_a_pack_index_are_an_error_not_history() {
    damaged_then_repaired("two blob offsets swapped");
    damaged_then_repaired("two tree offsets swapped");
    damaged_then_repaired("two commit offsets swapped");
    damaged_then_repaired("two commit offsets swapped, the index's checksum recomputed");
    damaged_then_repaired("two tree offsets swapped, the index's checksum recomputed");
    damaged_then_repaired("two blob offsets swapped, the index's checksum recomputed");
}

#[test]
fn a_flipped_byte_in_a_pack_entry_is_an_error_not_history() {
    damaged_then_repaired("a byte flipped in a blob entry");
    damaged_then_repaired("a byte flipped in a tree entry");
    damaged_then_repaired("a byte flipped in a commit entry");
    damaged_then_repaired("a byte flipped in a root tree entry");
}

#[test]
fn a_truncated_pack_is_an_error_not_history() {
    damaged_then_repaired("a truncated pack");
}

/// A loose blob that does not inflate: the record cannot be read, which is damage (exit 2), not a
/// record that does not load (an `unreadable` change, exit 0).
#[test]
fn a_broken_loose_blob_is_an_error_not_an_unreadable_record() {
    let dir = repository();
    let blob = git(dir.path(), &["rev-parse", "HEAD~1:actions/001.yaml"]);
    let loose = dir
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    writable(&loose);
    let original = std::fs::read(&loose).unwrap();
    let good = answers(dir.path(), false);
    std::fs::write(&loose, b"not a zlib stream").unwrap();
    refuses(dir.path(), "a broken loose blob", &[&blob], &good);
    std::fs::write(&loose, &original).unwrap();
    assert_eq!(answers(dir.path(), true), answers(dir.path(), false));
}

/// A symbolic link and a submodule committed in `actions/`: a log loaded from that commit reports
/// them, and the trail has an entry for each, instead of passing over them.
#[test]
fn a_symlink_or_submodule_in_actions_is_reported() {
    let dir = repository();
    let root = dir.path();
    // Action 2's file becomes a link to action 1's.
    std::fs::remove_file(root.join("actions/002.yaml")).unwrap();
    std::os::unix::fs::symlink("001.yaml", root.join("actions/002.yaml")).unwrap();
    git(root, &["add", "--all"]);
    // A submodule entry (a commit of another repository) where action 3's file would be.
    let head = git(root, &["rev-parse", "HEAD"]);
    let entry = format!("160000,{head},actions/003.yaml");
    git(root, &["update-index", "--add", "--cacheinfo", &entry]);
    git(root, &["commit", "--quiet", "-m", "A link and a submodule"]);

    let o = oslog(root, &["status", "--as-of", "HEAD"], true);
    let err = String::from_utf8_lossy(&o.stderr);
    for file in ["actions/002.yaml", "actions/003.yaml"] {
        assert!(
            err.contains(&format!("oslog: warning: {file} does not load")),
            "{file}: {err}"
        );
    }

    // `validate --base` reads the base revision from git: its link and submodule are findings.
    git(root, &["checkout", "--quiet", "-b", "feature", "HEAD~1"]);
    let o = oslog(
        root,
        &["validate", "--base", "main", "--format", "json"],
        true,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("symlink", "main:actions/002.yaml")),
        "{v:#}"
    );
    assert!(
        found.contains(&("stray-file", "main:actions/003.yaml")),
        "{v:#}"
    );
    git(root, &["checkout", "--quiet", "main"]);

    for (n, what) in [("2", "symbolic link"), ("3", "submodule")] {
        let v: serde_json::Value =
            serde_json::from_slice(&oslog(root, &["history", n, "--format", "json"], true).stdout)
                .unwrap();
        let first = &v["changes"][0];
        assert_eq!(first["event"], "not-a-file", "{n}: {v:#}");
        assert_eq!(
            first["commit"]["summary"], "A link and a submodule",
            "{v:#}"
        );
        let text = String::from_utf8_lossy(&oslog(root, &["history", n], true).stdout).into_owned();
        assert!(text.contains(what), "{n}: {text}");
        let text = String::from_utf8_lossy(&oslog(root, &["log"], true).stdout).into_owned();
        assert!(text.contains(what), "{text}");
    }
}
