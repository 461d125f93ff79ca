//! Hostile inputs that cannot be committed as fixture files: symbolic links (inside and out of the
//! log), a 50 MB file, a pipe, and many findings at once. Each must give a finding with a code and
//! a file, exit 1, and never hang or panic. The modules below take inputs to every documented limit
//! (`growth.rs`: each command's cost grows with its input, not faster; `reading.rs`: what the
//! reader refuses at those limits; `swapped.rs`: a file swapped for a pipe or a link after it was
//! listed; `memory.rs`: what is never read whole; `terminal.rs`: what reaches a terminal;
//! `writing.rs`: writes that would break a limit).

mod common;
#[path = "hostile/growth.rs"]
mod growth;
#[path = "hostile/memory.rs"]
mod memory;
#[path = "hostile/reading.rs"]
mod reading;
#[path = "hostile/swapped.rs"]
mod swapped;
#[path = "hostile/terminal.rs"]
mod terminal;
#[path = "hostile/writing.rs"]
mod writing;

use std::path::Path;

fn base(dir: &Path) {
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::create_dir_all(dir.join("timeline")).unwrap();
    std::fs::write(
        dir.join("themes.yaml"),
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("actions/001.yaml"),
        "id: 1\ntitle: A title.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n",
    )
    .unwrap();
}

fn validate(dir: &Path) -> (i32, serde_json::Value, String) {
    let out = common::oslog(dir, &["validate", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn codes(json: &serde_json::Value) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or("").to_string(),
                        d["file"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn symlinks_are_reported_and_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        "id: 2\ntitle: Outside.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("actions/002.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("actions/001.yaml"),
        dir.path().join("actions/003.yaml"),
    )
    .unwrap();
    let (code, json, _) = validate(dir.path());
    assert_eq!(code, 1);
    let found = codes(&json);
    assert!(
        found.contains(&("symlink".into(), "actions/002.yaml".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("symlink".into(), "actions/003.yaml".into())),
        "{found:?}"
    );
    assert_eq!(
        json["checked"]["actions"], 1,
        "the linked files must not be loaded"
    );
}

#[cfg(unix)]
#[test]
fn a_linked_actions_folder_is_neither_read_nor_written_through() {
    let outside = tempfile::tempdir().unwrap();
    base(outside.path());
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    std::fs::remove_dir_all(dir.path().join("actions")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("actions"), dir.path().join("actions")).unwrap();
    let (code, json, _) = validate(dir.path());
    assert_eq!(code, 1);
    assert!(
        codes(&json).contains(&("symlink".into(), "actions".into())),
        "{json}"
    );
    assert_eq!(json["checked"]["actions"], 0);
    let add = common::oslog(dir.path(), &common::add_args("T."));
    assert_eq!(add.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&add.stderr).contains("is a symbolic link"));
    let outside_files = std::fs::read_dir(outside.path().join("actions"))
        .unwrap()
        .count();
    assert_eq!(outside_files, 1, "nothing was written through the link");
}

#[test]
fn a_huge_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let big = "id: 2\ntitle: ".to_string() + &"x".repeat(50 * 1024 * 1024) + "\n";
    std::fs::write(dir.path().join("actions/002.yaml"), big).unwrap();
    let (code, json, _) = validate(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        codes(&json),
        vec![("file-too-large".to_string(), "actions/002.yaml".to_string())]
    );
}

#[test]
fn ten_thousand_updates_load() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let mut text = "id: 2\ntitle: Many updates.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\nupdates:\n".to_string();
    for i in 0..10_000 {
        text.push_str(&format!("  - text: Update {i}\n"));
    }
    std::fs::write(dir.path().join("actions/002.yaml"), text).unwrap();
    let (code, json, _) = validate(dir.path());
    assert_eq!((code, codes(&json)), (0, vec![]));
}

#[cfg(unix)]
#[test]
fn a_pipe_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let fifo = dir.path().join("actions/002.yaml");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        return; // mkfifo is part of coreutils; without it there is nothing to test.
    }
    let (code, json, _) = validate(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        codes(&json),
        vec![("stray-file".to_string(), "actions/002.yaml".to_string())]
    );
}

#[cfg(unix)]
#[test]
fn a_socket_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("actions/002.yaml"));
    let (code, json, _) = validate(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        codes(&json),
        vec![("stray-file".to_string(), "actions/002.yaml".to_string())]
    );
}

#[test]
fn no_log_root_exits_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = validate(dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("oslog: error: no oslog log found"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_list_repeating_one_number_gives_one_finding_per_repeat() {
    // One long line holding 20,000 repeats: each finding is drawn from that line, so its snippet
    // must not cost a pass over the line.
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let links = vec!["1"; 20_000].join(", ");
    let text = format!("id: 2\ntitle: Repeats.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\nlinks: [{links}]\n");
    std::fs::write(dir.path().join("actions/002.yaml"), text).unwrap();
    let out = common::oslog(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    let found = human
        .lines()
        .filter(|l| l.starts_with("error[duplicate-number]"))
        .count();
    assert_eq!(found, 19_999);
    assert!(
        human.ends_with("failed: 19999 errors, 0 warnings in 1 file (2 actions, 0 milestones and 1 theme loaded from 3 files)\n"),
        "{}",
        &human[human.len().saturating_sub(300)..]
    );
}
