//! A record file swapped after its folder was listed and before it is opened: `validate` (and
//! `add`, reading the numbers in use) is held at the `record-open` point (with `OSLOG_REACHED` and
//! `OSLOG_DELAY`) while `actions/001.yaml`, the log's one record file, becomes a pipe or a link to
//! a file outside the log. Whatever stands at the name when it is opened is what is judged: no wait
//! on the pipe, nothing read through the link, a finding that names the file.

use super::{base, codes, common};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How long the run is held before it opens the record file; the swap takes a moment of it.
const HOLD_MS: u64 = 700;

/// `oslog validate --format json` in `dir`, with `swap` done to the log once the folders are listed
/// and before the record file is opened; its exit code and findings.
fn validate_swapped(dir: &Path, swap: impl FnOnce(&Path)) -> (i32, serde_json::Value) {
    let out = swapped(dir, &["validate", "--format", "json"], swap);
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", common::shown(&out)));
    (out.status.code().unwrap_or(-1), json)
}

/// `oslog ARGS` in `dir`, with `swap` done to the log once the folders are listed and before the
/// record file is opened. A run that does not end within 30 seconds is killed and fails the test.
fn swapped(dir: &Path, args: &[&str], swap: impl FnOnce(&Path)) -> std::process::Output {
    let signals = tempfile::tempdir().unwrap();
    let mut child = common::oslog_command(dir, args)
        .env("OSLOG_REACHED", signals.path())
        .env("OSLOG_DELAY", format!("record-open:{HOLD_MS}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !signals.path().join("record-open").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{args:?} never reached record-open"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    swap(dir);
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} hung on the swapped file");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    out
}

#[cfg(unix)]
#[test]
fn a_file_swapped_for_a_pipe_after_the_listing_is_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let (code, json) = validate_swapped(dir.path(), |root| {
        let file = root.join("actions/001.yaml");
        std::fs::remove_file(&file).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&file).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    });
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        codes(&json),
        vec![("stray-file".to_string(), "actions/001.yaml".to_string())]
    );
    assert_eq!(json["checked"]["actions"], 0, "{json}");
}

#[cfg(unix)]
#[test]
fn a_file_swapped_for_a_link_after_the_listing_is_not_read_through() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(
        &secret,
        "id: 1\ntitle: Outside the log.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let (code, json) = validate_swapped(dir.path(), |root| {
        let file = root.join("actions/001.yaml");
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&secret, &file).unwrap();
    });
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        codes(&json),
        vec![("symlink".to_string(), "actions/001.yaml".to_string())]
    );
    assert_eq!(
        json["checked"]["actions"], 0,
        "the linked file must not be loaded: {json}"
    );
    assert!(!json.to_string().contains("Outside the log"), "{json}");
}

/// `add` finds the next number past the link swapped in, without reading the file it points to
/// (which claims 900), and says which file it could not read.
#[cfg(unix)]
#[test]
fn add_reads_no_number_through_a_link_swapped_in_after_the_listing() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "id: 900\ntitle: Outside the log.\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let out = swapped(dir.path(), &common::add_args("T."), |root| {
        let file = root.join("actions/001.yaml");
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&secret, &file).unwrap();
    });
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    assert!(
        dir.path().join("actions/002.yaml").is_file(),
        "{}",
        common::shown(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("oslog: warning: [symlink] actions/001.yaml is a symbolic link"));
}
