//! `oslog add` on a terminal asks for missing fields, offers the optional ones, and asks again after a
//! wrong answer. The terminal
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

#[test]
fn add_offers_owner_deadline_and_links_and_raises_in_this_month() {
    let dir = valid_log();
    // Enter takes this month for `raised`; a wrong deadline and a wrong number are asked again.
    let typed = "data-sharing\n\nHome Office\nSeptember\n2019-09\n1, 0\n1, 16\n";
    let Some((code, screen)) =
        on_terminal(dir.path(), "add --title 'HO to circulate the DPIA'", typed)
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` is needed for this test"
        );
        return;
    };
    assert_eq!(code, 0, "{screen}");
    for asked in [
        "Raised (YYYY-MM or YYYY-MM-DD; Enter for 2019-07):",
        "Owner (who holds it; Enter for none):",
        "Deadline (YYYY-MM, YYYY-MM-DD or monthly; Enter for none):",
        "`September` is not a date",
        "Links (related actions' numbers, as 16, 21; Enter for none):",
        "`0` is not an action number",
    ] {
        assert!(screen.contains(asked), "{asked}: {screen}");
    }
    let written = std::fs::read_to_string(dir.path().join("actions/017.yaml")).unwrap();
    assert_eq!(written, "id: 17\ntitle: HO to circulate the DPIA\ntheme: data-sharing\nowner: Home Office\nraised: 2019-07\ndeadline: 2019-09\nstatus: not-started\nlinks: [1, 16]\n");

    // Enter leaves an optional field out; a flag given is not asked for again.
    let typed = "2019-06\n\n\n";
    let Some((code, screen)) = on_terminal(
        dir.path(),
        "add --title T --theme data-sharing --link 1",
        typed,
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Links ("), "{screen}");
    let written = std::fs::read_to_string(dir.path().join("actions/018.yaml")).unwrap();
    assert_eq!(
        written,
        "id: 18\ntitle: T\ntheme: data-sharing\nraised: 2019-06\nstatus: not-started\nlinks: [1]\n"
    );
}

/// A milestone set to slipped on a terminal without `--date` asks for its new date (and again after
/// a wrong answer) rather than refusing.
#[test]
fn a_milestone_that_slips_asks_for_its_new_date() {
    let dir = valid_log();
    let Some((code, screen)) = on_terminal(
        dir.path(),
        "milestone status 2019-09-open-space-annual-report slipped",
        "October\n2019-11\n",
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` is needed for this test"
        );
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("New date (YYYY-MM or YYYY-MM-DD):"),
        "{screen}"
    );
    assert!(screen.contains("`October` is not a date"), "{screen}");
    assert!(
        screen.contains("now 2019-11-open-space-annual-report"),
        "{screen}"
    );
    let moved = dir
        .path()
        .join("timeline/2019-11-open-space-annual-report.yaml");
    let text = std::fs::read_to_string(&moved).unwrap();
    assert!(
        text.contains("date: 2019-11\n") && text.contains("status: slipped\n"),
        "{text}"
    );
}
