//! The log's index (`.git/oslog/index`) never changes an answer: after random edits through oslog
//! and behind its back (same size, an old modification time put back, broken files, removals,
//! copies), every reading command and `validate` give the same output, errors and exit code as with
//! `OSLOG_NO_CACHE=1`; and an index that is damaged, truncated or from another version is ignored
//! and written anew.

mod common;

use common::{oslog_with, write};
use std::path::{Path, PathBuf};

/// The shipped log in a new git repository, its files old enough for the index to keep them.
fn repo_with_log() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("log");
    common::copy_shipped_log(&root);
    git2::Repository::init(&root).unwrap();
    // A file changed in the last two seconds is read again rather than kept (the racy rule).
    std::thread::sleep(RACY_WAIT);
    (dir, root)
}

/// Long enough for a file just written to be out of the racy window: the rule counts two seconds in
/// whole seconds (a file written at 100.05 s is still racy for a run at 102.15 s), so three, and a
/// little more.
const RACY_WAIT: std::time::Duration = std::time::Duration::from_millis(3100);

/// The commands compared, each as its arguments.
const QUESTIONS: &[&[&str]] = &[
    &["show", "16"],
    &["show", "16", "--format", "json"],
    &["show", "31"],
    &["show", "97", "--strict"],
    &["list"],
    &["list", "--theme", "data-sharing", "--format", "json"],
    &["list", "--theme", "governance,hob", "--status", "open"],
    &["list", "--owner", "withheld", "--overdue"],
    &["list", "--stale", "6m", "--format", "json"],
    &["list", "--due-before", "2019-12", "--status", "open"],
    &["status"],
    &["status", "--format", "json", "--strict"],
    &["timeline", "--format", "json"],
    &["report", "actions"],
    &["validate"],
    &["validate", "--format", "json"],
];

fn index_file(root: &Path) -> PathBuf {
    root.join(".git/oslog/index")
}

/// Run every question with the index and without it, and require the same output.
fn same_answers(root: &Path, round: &str) {
    for args in QUESTIONS {
        let with = oslog_with(root, args, &[]);
        let without = oslog_with(root, args, &[("OSLOG_NO_CACHE", "1")]);
        let show = |o: &std::process::Output| common::shown(o);
        assert_eq!(
            (with.status.code(), &with.stdout, &with.stderr),
            (without.status.code(), &without.stdout, &without.stderr),
            "{round}: `oslog {}` differs with the index:\n{}\nwithout:\n{}",
            args.join(" "),
            show(&with),
            show(&without)
        );
    }
}

/// A small deterministic generator, so a failing round can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Replace the first `from` in a file with `to` of the same length, and put the file's old
/// modification time back: only the change time (which nobody can set) tells.
fn same_size_edit(path: &Path, from: &str, to: &str) -> bool {
    assert_eq!(from.len(), to.len());
    let text = std::fs::read_to_string(path).unwrap();
    if !text.contains(from) {
        return false;
    }
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(modified).unwrap();
    true
}

#[test]
fn every_answer_is_the_same_with_and_without_the_index_after_random_edits() {
    let (_dir, root) = repo_with_log();
    same_answers(&root, "first run");
    let index = std::fs::read(index_file(&root)).expect("the first run writes the index");
    assert!(
        index.windows(16).any(|w| w == b"actions/016.yaml"),
        "the index keeps the records"
    );
    let mut rng = Rng(0x5eed_1234_abcd);
    let themes = ["data-sharing", "governance", "hob", "design"];
    for round in 0..14 {
        let n = 1 + rng.next(140);
        let file = root.join(format!("actions/{n:03}.yaml"));
        let what = match rng.next(9) {
            0 => {
                oslog_with(&root, &["update", &n.to_string(), "Checked again."], &[]);
                "update"
            }
            1 => {
                let theme = themes[rng.next(4) as usize];
                oslog_with(&root, &["edit", &n.to_string(), "--theme", theme], &[]);
                "edit --theme"
            }
            2 => {
                oslog_with(
                    &root,
                    &[
                        "edit",
                        &n.to_string(),
                        "--link",
                        &(1 + rng.next(140)).to_string(),
                    ],
                    &[],
                );
                "edit --link"
            }
            3 => {
                same_size_edit(&file, "status: ongoing", "status: complet");
                "a status broken in place, same size, old time"
            }
            4 => {
                same_size_edit(&file, "theme: data-sharing", "theme: data-sharinh");
                "a theme changed in place, same size, old time"
            }
            5 => {
                let _ = std::fs::remove_file(&file);
                "a removal"
            }
            6 => {
                let text = std::fs::read_to_string(root.join("actions/016.yaml")).unwrap();
                write(&root, "actions/016.yaml", &text.replace("id: 16", "id: 61"));
                "an id that disagrees with its name"
            }
            7 => {
                let text = std::fs::read_to_string(root.join("actions/020.yaml"))
                    .unwrap_or_else(|_| "id: 200\n".into());
                write(
                    &root,
                    "actions/200.yaml",
                    &text.replace("id: 20\n", "id: 200\n"),
                );
                "a copy under a new number"
            }
            _ => {
                // Put a cached file back as it was, after waiting out the racy window once.
                std::thread::sleep(RACY_WAIT);
                "time passing"
            }
        };
        same_answers(&root, &format!("round {round} ({what} of {n})"));
    }
}

#[test]
fn a_damaged_truncated_or_foreign_index_is_ignored_and_written_anew() {
    let (_dir, root) = repo_with_log();
    same_answers(&root, "first run");
    let good = std::fs::read(index_file(&root)).unwrap();
    let flipped = {
        let mut b = good.clone();
        let at = b.len() / 2;
        b[at] ^= 0x40;
        b
    };
    // Another version's index, whole and with a checksum of its own.
    let foreign = {
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        let at = good
            .windows(version.len())
            .position(|w| w == version)
            .unwrap();
        let mut b = good[..good.len() - 4].to_vec();
        b[at] = b'9';
        let mut crc = flate2::Crc::new();
        crc.update(&b);
        b.extend_from_slice(&crc.sum().to_le_bytes());
        b
    };
    let cases: [(&str, Vec<u8>); 5] = [
        ("a flipped byte", flipped),
        ("truncated", good[..good.len() / 3].to_vec()),
        ("empty", Vec::new()),
        ("from another version", foreign),
        ("not an index", b"hello\n".to_vec()),
    ];
    for (what, bytes) in cases {
        // The records themselves change meanwhile, so an index that was trusted would show it.
        let text = std::fs::read_to_string(root.join("actions/016.yaml")).unwrap();
        std::fs::write(index_file(&root), &bytes).unwrap();
        write(
            &root,
            "actions/016.yaml",
            &text.replace("status: ", "status:  "),
        );
        same_answers(&root, what);
        let now = std::fs::read(index_file(&root)).unwrap();
        assert_ne!(now, bytes, "{what}: the index is written anew");
        write(&root, "actions/016.yaml", &text);
    }
}

#[test]
fn a_file_rewritten_within_the_same_second_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git2::Repository::init(root).unwrap();
    write(
        root,
        "themes.yaml",
        "themes:\n  - key: t\n    name: T\n    colour: \"#000000\"\n",
    );
    let action =
        |status: &str| format!("id: 1\ntitle: One\ntheme: t\nraised: 2019-01\nstatus: {status}\n");
    write(root, "actions/001.yaml", &action("ongoing"));
    let first = oslog_with(root, &["list", "--format", "csv"], &[]);
    assert!(String::from_utf8_lossy(&first.stdout).contains("ongoing"));
    // The same size and the same modification time, in the same second as the run that read it.
    let path = root.join("actions/001.yaml");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, action("closed!").replace("closed!", "closed ")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let second = oslog_with(root, &["list", "--format", "csv"], &[]);
    let without = oslog_with(
        root,
        &["list", "--format", "csv"],
        &[("OSLOG_NO_CACHE", "1")],
    );
    assert_eq!(second.stdout, without.stdout, "{}", common::shown(&second));
    assert!(!String::from_utf8_lossy(&second.stdout).contains("ongoing"));
}

#[test]
fn no_cache_neither_reads_nor_writes_the_index() {
    let (_dir, root) = repo_with_log();
    let out = oslog_with(&root, &["--no-cache", "status"], &[]);
    assert!(out.status.success(), "{}", common::shown(&out));
    assert!(!index_file(&root).exists());
    oslog_with(&root, &["status"], &[]);
    assert!(index_file(&root).exists());
    // A lying index (another record under 16's facts) is not read with --no-cache.
    let bytes = std::fs::read(index_file(&root)).unwrap();
    std::fs::write(index_file(&root), &bytes[..bytes.len() - 1]).unwrap();
    let with = oslog_with(&root, &["--no-cache", "show", "16"], &[]);
    let without = oslog_with(&root, &["show", "16"], &[("OSLOG_NO_CACHE", "1")]);
    assert_eq!(with.stdout, without.stdout);
    assert_eq!(
        std::fs::read(index_file(&root)).unwrap(),
        bytes[..bytes.len() - 1],
        "--no-cache writes nothing"
    );
}

#[test]
fn a_file_changed_just_now_is_read_again_without_rewriting_the_index() {
    let (_dir, root) = repo_with_log();
    same_answers(&root, "first run");
    let before = std::fs::read(index_file(&root)).unwrap();
    // Changed now: too recent to keep, so the index has nothing to gain from being written again.
    let file = root.join("actions/016.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    write(
        &root,
        "actions/016.yaml",
        &text.replace("status: ongoing", "status: not-started"),
    );
    let shown = oslog_with(&root, &["show", "16", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(
        json["action"]["status"],
        "not-started",
        "{}",
        common::shown(&shown)
    );
    same_answers(&root, "after the change");
    assert!(
        std::fs::read(index_file(&root)).unwrap() == before,
        "the index was written again for a file it could not keep"
    );
    // Once the change is old enough, the next run keeps the file's new record.
    std::thread::sleep(RACY_WAIT);
    same_answers(&root, "after the racy window");
    let after = std::fs::read(index_file(&root)).unwrap();
    assert!(after != before, "the changed file's record was not kept");
    // A removed file's entry is dropped.
    std::fs::remove_file(root.join("actions/017.yaml")).unwrap();
    same_answers(&root, "after a removal");
    let removed = std::fs::read(index_file(&root)).unwrap();
    assert!(!removed.windows(16).any(|w| w == b"actions/017.yaml"));
}

#[test]
fn every_page_of_show_is_the_page_the_whole_log_gives() {
    // A page names the titles of the actions an action links to and the workshop that raised it,
    // so `show` reads more than the records that mention its number. The committed log, read whole
    // from its commit (`--as-of HEAD`), is the reference: from fresh files (read and parsed), then
    // from the index, then with an action's links changed since.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("log");
    common::copy_shipped_log(&root);
    let repo = git2::Repository::init(&root).unwrap();
    common::commit(&repo, "Ann", 1_561_939_200, "The log");
    let ids: Vec<String> = std::fs::read_dir(root.join("actions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| Some(n.strip_suffix(".yaml")?.trim_start_matches('0').to_string()))
        .collect();
    let same_pages = |round: &str| {
        for id in &ids {
            let now = oslog_with(&root, &["show", id], &[]);
            let whole = oslog_with(&root, &["show", id, "--as-of", "HEAD"], &[]);
            assert_eq!(
                String::from_utf8_lossy(&now.stdout),
                String::from_utf8_lossy(&whole.stdout),
                "{round}: show {id}\n{}",
                common::shown(&now)
            );
        }
    };
    same_pages("fresh files");
    std::thread::sleep(RACY_WAIT);
    same_pages("the index written");
    same_pages("from the index");
    // Links added since: the page names the new titles.
    for (id, link) in [("16", "120"), ("5", "131")] {
        let o = oslog_with(&root, &["edit", id, "--link", link], &[]);
        assert!(o.status.success(), "{}", common::shown(&o));
    }
    common::commit(&repo, "Ann", 1_561_939_300, "Links");
    same_pages("after new links");
    let page = String::from_utf8_lossy(&oslog_with(&root, &["show", "5"], &[]).stdout).into_owned();
    assert!(page.contains("October 2018 workshop"), "{page}");
    assert!(page.contains("131"), "{page}");
}

#[test]
fn validate_points_into_a_file_the_index_kept() {
    // A file kept in the index has no finding of its own; a rule across records can still find
    // one in it (here a link to a removed action), and the finding names its line.
    let (_dir, root) = repo_with_log();
    let first = oslog_with(&root, &["validate"], &[]);
    assert!(first.status.success(), "{}", common::shown(&first));
    assert!(index_file(&root).exists());
    let linking = std::fs::read_to_string(root.join("actions/002.yaml")).unwrap();
    let line = 1 + linking
        .lines()
        .position(|l| l.starts_with("links:"))
        .unwrap();
    std::fs::remove_file(root.join("actions/003.yaml")).unwrap();
    let with = oslog_with(&root, &["validate", "--format", "json"], &[]);
    let without = oslog_with(
        &root,
        &["validate", "--format", "json"],
        &[("OSLOG_NO_CACHE", "1")],
    );
    assert_eq!(
        String::from_utf8_lossy(&with.stdout),
        String::from_utf8_lossy(&without.stdout)
    );
    let json: serde_json::Value = serde_json::from_slice(&with.stdout).unwrap();
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "actions/002.yaml")
        .unwrap_or_else(|| panic!("{json}"))
        .clone();
    assert_eq!(found["line"], line, "{found}");
}
