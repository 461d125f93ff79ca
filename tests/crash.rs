//! Crash safety of writes, shown with the fault injection that debug builds honour: a write that fails
//! or a process that aborts midway leaves every file in its old state or its new one.

use std::path::Path;
use std::process::Command;

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";

/// A log of three actions, each valid but not canonical (keys out of order).
fn messy_log(dir: &Path) -> Vec<(String, String)> {
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(dir.join("themes.yaml"), THEMES).unwrap();
    (1..=3)
        .map(|id| {
            let name = format!("actions/{id:03}.yaml");
            let text = format!("title: Action {id}.\nid: {id}\ntheme: governance\nstatus: ongoing\nraised: 2019-02\n");
            std::fs::write(dir.join(&name), &text).unwrap();
            (name, text)
        })
        .collect()
}

fn canonical(id: u32) -> String {
    format!("id: {id}\ntitle: Action {id}.\ntheme: governance\nraised: 2019-02\nstatus: ongoing\n")
}

fn fmt_with(dir: &Path, var: &str, n: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oslog"))
        .arg("fmt")
        .env(var, n)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_failed_write_leaves_old_or_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let old = messy_log(dir.path());
    let out = fmt_with(dir.path(), "OSLOG_FAIL_WRITE", "2");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("injected failure at write 2"));
    let now = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(now(&old[0].0), canonical(1), "the first write completed");
    assert_eq!(
        now(&old[1].0),
        old[1].1,
        "the failed write left the old file"
    );
    assert_eq!(
        now(&old[2].0),
        old[2].1,
        "nothing after the failure was written"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("actions"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn an_abort_midway_leaves_every_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let old = messy_log(dir.path());
    let out = fmt_with(dir.path(), "OSLOG_ABORT_WRITE", "3");
    assert!(!out.status.success());
    for (i, (name, before)) in old.iter().enumerate() {
        let now = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(
            now == *before || now == canonical(i as u32 + 1),
            "{name} is neither old nor new:\n{now}"
        );
    }
    // The aborted write's temporary file is visible to validate, not silently ignored; fmt then finishes.
    let v = Command::new(env!("CARGO_BIN_EXE_oslog"))
        .args(["validate", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "stray-file"),
        "{json}"
    );
    // The aborted process left its lock; the next writer says so at once instead of waiting.
    let blocked = fmt_with(dir.path(), "OSLOG_FAIL_WRITE", "0");
    let err = String::from_utf8_lossy(&blocked.stderr);
    assert_eq!(blocked.status.code(), Some(2), "{err}");
    assert!(err.contains("which is no longer running"), "{err}");
    std::fs::remove_file(dir.path().join(".oslog.lock")).unwrap();
    let again = Command::new(env!("CARGO_BIN_EXE_oslog"))
        .arg("fmt")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&old[2].0)).unwrap(),
        canonical(3),
        "{again:?}"
    );
}

/// Every record file under `root` (not the lock, not temporary files), by path.
fn tree(root: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for dir in ["", "actions", "timeline"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") && !name.starts_with('.') {
                let rel = format!("{dir}/{name}");
                out.insert(rel, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    out
}

/// A copy of the valid fixture log.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("tests/cmd/valid.in");
    for rel in [
        "themes.yaml",
        "actions/001.yaml",
        "actions/016.yaml",
        "timeline/2019-09-open-space-annual-report.yaml",
    ] {
        std::fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
        std::fs::copy(from.join(rel), dir.path().join(rel)).unwrap();
    }
    dir
}

/// `oslog args` in `dir` with a fixed day and no fault injected.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oslog"));
    cmd.args(args)
        .current_dir(dir)
        .env("OSLOG_TODAY", "2019-07-01")
        .env_remove("OSLOG_FAIL_WRITE")
        .env_remove("OSLOG_ABORT_WRITE");
    cmd
}

fn oslog(dir: &Path, args: &[&str], fault: Option<(&str, &str)>) -> std::process::Output {
    let mut cmd = command(dir, args);
    if let Some((var, n)) = fault {
        cmd.env(var, n);
    }
    cmd.output().unwrap()
}

const WRITING_COMMANDS: &[&[&str]] = &[
    &[
        "add",
        "--title",
        "Circulate the DPIA.",
        "--theme",
        "data-sharing",
        "--raised",
        "2019-07",
    ],
    &[
        "status",
        "16",
        "proposed-complete",
        "--note",
        "Paper circulated.",
    ],
    &["update", "16", "Draft paper shared with members."],
    &["edit", "16", "--deadline", "2019-12"],
    &[
        "milestone",
        "status",
        "2019-09-open-space-annual-report",
        "done",
    ],
    &[
        "milestone",
        "add",
        "--date",
        "2019-10",
        "--kind",
        "workshop",
        "--title",
        "Workshop 8",
    ],
    &["fmt"],
];

/// The fixture with work for `fmt` (action 16's first two lines swapped), and its record files.
fn unformatted() -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, String>,
) {
    let dir = fixture();
    let path = dir.path().join("actions/016.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(0, 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let files = tree(dir.path());
    (dir, files)
}

#[test]
fn every_writing_command_leaves_the_old_tree_when_its_write_fails() {
    for args in WRITING_COMMANDS {
        let (dir, before) = unformatted();
        let out = oslog(dir.path(), args, Some(("OSLOG_FAIL_WRITE", "1")));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("injected failure at write 1"),
            "{args:?}: {err}"
        );
        assert_eq!(tree(dir.path()), before, "{args:?} changed the log");
        let dotfiles: Vec<String> = ["", "actions", "timeline"]
            .iter()
            .flat_map(|d| std::fs::read_dir(dir.path().join(d)).unwrap().flatten())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".oslog"))
            .collect();
        assert!(dotfiles.is_empty(), "{args:?} left {dotfiles:?}");
    }
}

#[test]
fn every_writing_command_leaves_the_old_or_the_new_tree_when_it_aborts() {
    for args in WRITING_COMMANDS {
        let (done, before) = unformatted();
        let out = oslog(done.path(), args, None);
        assert!(out.status.success(), "{args:?}: {out:?}");
        let after = tree(done.path());
        assert_ne!(before, after, "{args:?} changed nothing");

        let (dir, _) = unformatted();
        let out = oslog(dir.path(), args, Some(("OSLOG_ABORT_WRITE", "1")));
        assert!(!out.status.success(), "{args:?}");
        let now = tree(dir.path());
        assert!(
            now == before || now == after,
            "{args:?} left a mix: {now:#?}"
        );
        // A lock left by the aborted process names it, as SECURITY.md describes.
        if let Ok(pid) = std::fs::read_to_string(dir.path().join(".oslog.lock")) {
            assert!(pid.trim().parse::<u32>().is_ok(), "{pid:?}");
        }
    }
}

#[test]
fn concurrent_status_and_update_on_one_action_both_keep_their_change() {
    for round in 0..5 {
        let dir = fixture();
        let spawn = |args: &[&str]| {
            command(dir.path(), args)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut a = spawn(&[
            "status",
            "16",
            "proposed-complete",
            "--note",
            "Paper circulated.",
        ]);
        let mut b = spawn(&["update", "16", "Discussed at workshop 6."]);
        assert!(a.wait().unwrap().success(), "round {round}: status failed");
        assert!(b.wait().unwrap().success(), "round {round}: update failed");
        let text = std::fs::read_to_string(dir.path().join("actions/016.yaml")).unwrap();
        assert!(
            text.contains("status: proposed-complete"),
            "round {round}:\n{text}"
        );
        assert!(text.contains("Paper circulated."), "round {round}:\n{text}");
        assert!(
            text.contains("Discussed at workshop 6."),
            "round {round}:\n{text}"
        );
        assert!(!dir.path().join(".oslog.lock").exists());
    }
}
