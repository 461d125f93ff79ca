//! Memory stays bounded whatever the log holds: every read from disk or from git honours the size
//! limit before it allocates. Each command runs with its address space limited (`ulimit -v`) far
//! below the size of the file it must not read, so reading it fails the run.

use super::common;
use super::growth::{log_with, HEAD};
use std::path::Path;

/// The most address space a run may use, in KiB: ample for oslog, far less than the files below.
const ADDRESS_SPACE_KIB: u32 = 400_000;

/// `oslog ARGS` in `dir` as the shared runner sets it up, with its address space limited.
fn oslog_limited(dir: &Path, args: &[&str]) -> std::process::Output {
    let runner = common::oslog_command(dir, args);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(runner.get_program())
        .args(runner.get_args())
        .current_dir(dir)
        .env("MALLOC_ARENA_MAX", "2");
    for (k, v) in runner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().unwrap()
}

/// A file of `bytes` zero bytes that takes no room on disk.
fn sparse(path: &Path, bytes: u64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(path).unwrap().set_len(bytes).unwrap();
}

#[cfg(unix)]
#[test]
fn add_does_not_read_a_huge_file_in_actions() {
    let dir = tempfile::tempdir().unwrap();
    log_with(dir.path(), HEAD);
    sparse(&dir.path().join("actions/050.yaml"), 3 << 30);
    let out = oslog_limited(dir.path(), &common::add_args("T."));
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    // The number in the file's name is still taken.
    assert!(dir.path().join("actions/051.yaml").is_file());
    // The size was known without reading the file, and the user hears which file went unread.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "oslog: warning: [file-too-large] actions/050.yaml is 3221225472 bytes; the limit is 1048576 bytes; the numbers it may hold were not read, only the one in its name; run `oslog validate`\n"
    );
    let out = oslog_limited(dir.path(), &["validate", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::shown(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("file-too-large"));
}

/// A huge file committed and deleted again packs small, and the history must not inflate it.
#[cfg(unix)]
#[test]
fn a_huge_blob_in_the_history_is_never_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    log_with(root, HEAD);
    let git = |args: &[&str]| {
        let out = common::git(root, args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            common::shown(&out)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "Start"]);
    sparse(&root.join("actions/003.yaml"), 700 << 20);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "A huge file"]);
    git(&["rm", "-q", "actions/003.yaml"]);
    git(&["commit", "-qm", "Remove it"]);
    for args in [
        &["log"][..],
        &["history", "3"],
        &["diff", "HEAD~2"],
        &["validate", "--base", "HEAD~1"],
        &["list", "--as-of", "HEAD~1"],
    ] {
        let out = oslog_limited(root, args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            common::shown(&out)
        );
    }
    // Its number stays used.
    let out = oslog_limited(root, &common::add_args("T."));
    assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
    assert!(root.join("actions/004.yaml").is_file());
}
