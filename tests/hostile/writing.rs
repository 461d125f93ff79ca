//! Writes that would break a limit: a file pushed past the size limit by `update` or grown past it
//! by `fmt`, and `add` beside numbers at the end of the range. Each is refused before anything is
//! written, with one clear line (exit 2), never a panic or a file that can no longer be loaded.

use super::common;
use super::growth::{log_with, HEAD};
use std::path::Path;
use std::time::{Duration, Instant};

/// Run `oslog ARGS` in `dir`, expecting it refused: exit 2, one `oslog: error:` line holding
/// `says`, and no file of the log changed; its output.
fn refused(dir: &Path, args: &[&str], says: &str) -> std::process::Output {
    let before = common::snapshot(dir);
    let out = common::oslog(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        common::shown(&out)
    );
    assert!(
        stderr.starts_with("oslog: error: ")
            && stderr.lines().count() == 1
            && stderr.contains(says),
        "{args:?}: {stderr}"
    );
    assert!(common::snapshot(dir) == before, "{args:?} changed the log");
    out
}

#[test]
fn add_refuses_numbers_past_the_limit_without_wrapping() {
    for claimed in ["4294967295", "4294967294", "999999"] {
        let dir = tempfile::tempdir().unwrap();
        log_with(dir.path(), &format!("id: {claimed}\ntitle: Last.\n"));
        refused(dir.path(), &common::add_args("T."), "no free action number");
    }
    // The last number there is is still given out.
    let dir = tempfile::tempdir().unwrap();
    log_with(dir.path(), "id: 999998\ntitle: Nearly last.\n");
    let out = common::oslog(dir.path(), &common::add_args("T."));
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    assert!(dir.path().join("actions/999999.yaml").is_file());
}

#[test]
fn update_refuses_to_push_a_file_past_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Just under 1 MiB: the next update of a hundred characters would cross it.
    let mut text = format!("{HEAD}updates:\n");
    let line = format!("  - text: {}\n", "u".repeat(90));
    while text.len() + line.len() < 1024 * 1024 - 60 {
        text.push_str(&line);
    }
    log_with(dir.path(), &text);
    let out = common::oslog(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    refused(
        dir.path(),
        &["update", "2", &"v".repeat(100), "--date", "2019-06-30"],
        "over the limit of 1048576 bytes",
    );
}

#[test]
fn fmt_refuses_to_grow_a_file_past_the_size_limit() {
    // A single-quoted title of double quotes with one apostrophe is written back double-quoted,
    // each `"` escaped: 600 KB would become 1.2 MB.
    let dir = tempfile::tempdir().unwrap();
    let title = format!("'{}'''", "\"".repeat(600_000));
    log_with(
        dir.path(),
        &format!("id: 2\ntitle: {title}\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n"),
    );
    let out = common::oslog(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    refused(dir.path(), &["fmt"], "over the limit of 1048576 bytes");
}

/// A pipe in `actions/` is not opened to find the next number: `add` ends, and gives the number
/// after the pipe's name.
#[cfg(unix)]
#[test]
fn add_beside_a_pipe_does_not_wait_on_it() {
    let dir = tempfile::tempdir().unwrap();
    log_with(dir.path(), HEAD);
    let fifo = dir.path().join("actions/050.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // mkfifo is part of coreutils; without it there is nothing to test.
    }
    let mut child = common::oslog_command(dir.path(), &common::add_args("T."))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("oslog add waited on the pipe in actions/");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    assert!(dir.path().join("actions/051.yaml").is_file());
}

/// `init` in a folder whose `actions/` or `timeline/` is a link writes nothing through it.
#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_linked_folder() {
    for linked in ["actions", "timeline"] {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(linked)).unwrap();
        let out = common::oslog(dir.path(), &["init"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{linked}: {}",
            common::shown(&out)
        );
        assert!(stderr.contains("is a symbolic link"), "{linked}: {stderr}");
        let written = std::fs::read_dir(outside.path()).unwrap().count();
        assert_eq!(written, 0, "{linked}: init wrote through the link");
        assert!(!dir.path().join("themes.yaml").exists(), "{linked}");
    }
}

/// `renumber` moves a record above every number taken; when that is past the highest an action may
/// have, it is refused with one line naming the limit, never wrapped round to a low number (nor a
/// panic in a debug build), whether the highest number is in a file of the tree or in one git
/// history deleted.
#[test]
fn renumber_refuses_numbers_past_the_limit_without_wrapping() {
    for claimed in ["4294967295", "4294967294", "999999"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        log_with(root, HEAD);
        // A file git history deleted claims the number.
        common::write(
            root,
            "actions/003.yaml",
            &format!("id: {claimed}\ntitle: Gone.\n"),
        );
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["add", "-A"],
            &["commit", "-qm", "Start"],
            &["rm", "-q", "actions/003.yaml"],
            &["commit", "-qm", "Remove it"],
        ] {
            let out = common::git(root, args);
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                common::shown(&out)
            );
        }
        // Two files claim number 2.
        common::write(
            root,
            "actions/004.yaml",
            &HEAD.replace("Many.", "Also two."),
        );
        let says = format!("no free number for action 2 (actions/004.yaml): the next would be {}, above the highest an action may have (999999); a file in actions/, a `formerly` or a file git history deleted claims {claimed}; nothing was changed", u64::from(claimed.parse::<u32>().unwrap()) + 1);
        for args in [&["renumber"][..], &["renumber", "--dry-run"]] {
            let out = refused(root, args, &says);
            // No plan is shown with a number that cannot be given.
            assert_eq!(String::from_utf8_lossy(&out.stdout), "", "{args:?}");
        }
    }
}
