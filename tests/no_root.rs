//! The `no-root` case. It cannot be a trycmd case: `tests/cmd/<case>.in` lies inside this repository,
//! whose own `themes.yaml` the upward search for a log root would find, so a fixture folder without
//! `themes.yaml` would validate (and `fmt` would rewrite) the repository's own log. A temporary folder
//! has no log above it.

mod common;

use std::path::Path;

fn oslog(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::oslog(dir, args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder with actions but no `themes.yaml`.
fn rootless() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("actions")).unwrap();
    std::fs::write(
        dir.path().join("actions/001.yaml"),
        "title: out of order\nid: 1\n",
    )
    .unwrap();
    dir
}

#[test]
fn every_command_exits_2_with_one_line_on_stderr() {
    let dir = rootless();
    let shown = dir.path().canonicalize().unwrap();
    let expected = format!(
        "oslog: error: no oslog log found: neither {} nor any folder above it holds themes.yaml",
        shown.display()
    );
    for args in [
        &["validate"][..],
        &["validate", "--format", "json"],
        &["validate", "--format", "github"],
        &["fmt", "--check"],
        &["fmt"],
        &["status"],
    ] {
        let (code, stdout, stderr) = oslog(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.starts_with(&expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    // fmt found no log, so it wrote nothing.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("actions/001.yaml")).unwrap(),
        "title: out of order\nid: 1\n"
    );
}

#[test]
fn a_missing_dir_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = oslog(dir.path(), &["-C", "no-such-folder", "validate"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(
        stderr.starts_with("oslog: error: cannot open folder "),
        "{stderr}"
    );
}

#[test]
fn a_folder_inside_a_log_belongs_to_that_log() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("themes.yaml"),
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    let (code, stdout, stderr) = oslog(&dir.path().join("notes"), &["validate"]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "ok: 0 actions, 0 milestones and 1 theme: no findings\n"),
        "{stderr}"
    );
}
