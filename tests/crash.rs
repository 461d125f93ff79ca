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
