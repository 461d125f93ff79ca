//! The repository's own log, the LEDS/HOB Open Space's 2019 action log and Appendix A of the
//! discussion paper, holds what its sources hold: each fact the README's data notes state about an
//! editorial choice is pinned here against the files, and the notes' counts and tables against what
//! oslog itself reports of them.

use oslog::model::{Action, Milestone, Status};
use oslog::store::Log;
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn log() -> Log {
    let log = oslog::store::load(root()).expect("the repository's log loads");
    assert!(
        log.left_out.is_empty(),
        "files left out: {:?}",
        log.left_out
    );
    log
}

fn action(log: &Log, id: u32) -> &Action {
    log.actions
        .iter()
        .map(|a| &a.value)
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no action {id}"))
}

fn milestone<'a>(log: &'a Log, id: &str) -> &'a Milestone {
    log.milestones
        .iter()
        .map(|m| &m.value)
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no milestone {id}"))
}

fn texts(a: &Action) -> Vec<&str> {
    a.updates.iter().map(|u| u.text.as_str()).collect()
}

fn oslog(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_oslog"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("OSLOG_TODAY", "2019-07-01")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "oslog {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The README's "Data notes" section, up to the next section.
fn data_notes() -> String {
    let readme = readme();
    let start = readme
        .find("## Data notes")
        .expect("README.md has its data notes");
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

#[test]
fn action_20_keeps_its_title_and_its_status_cell_whole() {
    let log = log();
    let a = action(&log, 20);
    assert_eq!(a.title, "Review missing commitment re. inputting data.");
    let updates = texts(a);
    assert_eq!(updates.len(), 3, "{updates:#?}");
    assert_eq!(updates[0], "Ongoing.");
    assert_eq!(
        updates[1],
        "Following the Data Quality update in WS2. HO to provide substantive update on data \
         quality failures by omission of data"
    );
    assert!(
        updates[2].starts_with(
            "Update -\n- The Data Quality (DQ) Dashboard is live in 18 forces with the remaining \
             forces scheduled over the coming 3 months.\n"
        ),
        "{}",
        updates[2]
    );
    assert_eq!(
        updates[2].lines().count(),
        7,
        "Update - and its six bullets"
    );
}

#[test]
fn runs_of_spaces_are_collapsed_in_every_text() {
    let log = log();
    let mut found = Vec::new();
    for a in log.actions.iter().map(|a| &a.value) {
        for t in std::iter::once(a.title.as_str()).chain(texts(a)) {
            if t.lines().any(|l| l.contains("  ") || l != l.trim_end()) {
                found.push(format!("{}: {t:?}", a.id));
            }
        }
    }
    for m in log.milestones.iter().map(|m| &m.value) {
        for t in [Some(&m.title), m.by.as_ref(), m.objective.as_ref()]
            .into_iter()
            .flatten()
        {
            if t.contains("  ") {
                found.push(format!("{}: {t:?}", m.id));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    let a = action(&log, 78);
    assert_eq!(
        texts(a)[0],
        "Ongoing. This should be available for May Open Space, subject to agenda"
    );
    assert!(texts(action(&log, 85))[1].contains("what will happen in LEDS. A simple measure"));
}

#[test]
fn the_workshops_list_what_the_log_said_would_be_taken_there() {
    let log = log();
    // July: 16–18 (a session or paper in July), 77, 78, 85, 86 (July), 87 and 88 (the system demo
    // planned for the July Open Space), 106, 133, 137 and 138 (discussions in July).
    assert_eq!(
        milestone(&log, "2019-07-workshop-6").actions,
        [16, 17, 18, 77, 78, 85, 86, 87, 88, 106, 133, 137, 138]
    );
    // September: 31 and the five it lists for the September agenda (43, 44, 86, 87, 88), 45 (the
    // system demo in September), 107, 108 and 126.
    assert_eq!(
        milestone(&log, "2019-09-workshop-7").actions,
        [31, 43, 44, 45, 86, 87, 88, 107, 108, 126]
    );
    let agenda = texts(action(&log, 31)).join("\n");
    for n in [43, 44, 86, 87, 88] {
        assert!(agenda.contains(&format!("\n{n}. ")), "31 lists {n}");
        assert!(milestone(&log, "2019-09-workshop-7").actions.contains(&n));
    }
}

#[test]
fn themes_follow_the_content_and_the_legends() {
    let log = log();
    assert_eq!(action(&log, 117).theme, "open-space-process", "ESMCP");
    for n in [80, 81, 82] {
        assert_eq!(action(&log, n).theme, "hob", "{n}");
    }
    assert_eq!(
        action(&log, 97).theme,
        "national-register-of-missing-persons"
    );
    let notes = data_notes();
    for said in ["117", "ESMCP", "80–82", "legend"] {
        assert!(notes.contains(said), "the data notes explain {said}");
    }
}

#[test]
fn action_33_is_complete_as_its_section_says() {
    let log = log();
    let a = action(&log, 33);
    assert_eq!(a.status, Status::Complete);
    assert_eq!(
        texts(a),
        [
            "Proposed Closed.",
            "Update - Law organisations invited and attended last Open Space"
        ]
    );
    let notes = data_notes();
    assert!(notes.contains("33"), "the data notes explain 33");
    // Only 125 is closed: it went into 116, 117 and 118.
    let closed: Vec<u32> = log
        .actions
        .iter()
        .filter(|a| a.value.status == Status::Closed)
        .map(|a| a.value.id)
        .collect();
    assert_eq!(closed, [125]);
    assert_eq!(action(&log, 125).merged_into, [116, 117, 118]);
}

/// The entries of the log's "Proposed Complete Actions" section, by the numbers the files carry.
const PROPOSED_SECTION: [u32; 7] = [71, 97, 109, 110, 125, 126, 133];
/// The entries of its "Completed Actions" section (the "citizens" 97 is now 139, the second 112 is
/// 140).
const COMPLETED_SECTION: [u32; 66] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 19, 22, 23, 25, 27, 28, 29, 32, 33, 34, 36, 38,
    41, 42, 43, 44, 46, 57, 58, 59, 60, 61, 63, 65, 67, 70, 72, 73, 74, 75, 76, 79, 80, 81, 82, 84,
    86, 87, 88, 90, 91, 92, 93, 96, 98, 99, 101, 102, 103, 111, 139, 140,
];

#[test]
fn the_section_decides_the_status() {
    let log = log();
    for a in log.actions.iter().map(|a| &a.value) {
        let expected = if a.id == 125 {
            vec![Status::Closed]
        } else if a.id == 28 {
            // Listed in the open section too, and kept once as that entry.
            vec![Status::Ongoing]
        } else if PROPOSED_SECTION.contains(&a.id) {
            vec![Status::ProposedComplete]
        } else if COMPLETED_SECTION.contains(&a.id) {
            vec![Status::Complete]
        } else {
            vec![Status::NotStarted, Status::Ongoing]
        };
        assert!(expected.contains(&a.status), "{}: {}", a.id, a.status);
    }
}

#[test]
fn the_readme_dashboard_is_the_logs() {
    let readme = readme();
    let status = oslog(&["status", "--today", "2019-07-01"]);
    let start = readme
        .find("$ oslog status --today 2019-07-01\n")
        .expect("the README shows the dashboard");
    let shown: Vec<&str> = readme[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(shown.len() > 10, "{shown:?}");
    for line in shown {
        assert!(
            status.lines().any(|l| l == line),
            "the README's line is not in `oslog status`: {line}\n{status}"
        );
    }
}
