//! `oslog add` on a terminal asks for missing fields and asks again after a wrong answer. The terminal
//! is a real pseudo-terminal made by util-linux's `script`, which feeds it the typed lines.

mod common;

use std::path::Path;

/// `oslog ARGS` on a terminal, with `typed` as the keyboard.
fn on_terminal(dir: &Path, args: &str, typed: &str) -> Option<(i32, String)> {
    common::on_terminal(dir, &format!("oslog {args}"), typed, &[])
}

fn valid_log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["actions", "timeline"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    for file in [
        "themes.yaml",
        "actions/001.yaml",
        "actions/016.yaml",
        "timeline/2019-09-open-space-annual-report.yaml",
    ] {
        std::fs::copy(format!("tests/cmd/valid.in/{file}"), dir.path().join(file)).unwrap();
    }
    dir
}

#[test]
fn add_asks_for_missing_fields_and_again_after_a_wrong_answer() {
    let dir = valid_log();
    let typed = "HO to circulate the DPIA\ndata-shring\ndata-sharing\nJuly\n2019-07\n";
    let Some((code, screen)) = on_terminal(dir.path(), "add --owner HO", typed) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` is needed for this test"
        );
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Title (what was agreed):"), "{screen}");
    assert!(
        screen.contains("unknown theme `data-shring`; did you mean `data-sharing`?"),
        "{screen}"
    );
    assert!(screen.contains("`July` is not a date"), "{screen}");
    assert!(
        screen.contains("added action 17 (actions/017.yaml)"),
        "{screen}"
    );
    let written = std::fs::read_to_string(dir.path().join("actions/017.yaml")).unwrap();
    assert_eq!(written, "id: 17\ntitle: HO to circulate the DPIA\ntheme: data-sharing\nowner: HO\nraised: 2019-07\nstatus: not-started\n");
}

#[test]
fn add_gives_up_cleanly_when_input_ends() {
    let dir = valid_log();
    let Some((code, screen)) = on_terminal(dir.path(), "add --title X", "") else {
        return;
    };
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("input ended before every required field was given"),
        "{screen}"
    );
    assert!(!dir.path().join("actions/017.yaml").exists());
}
