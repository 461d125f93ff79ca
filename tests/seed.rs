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

/// The README's "Data notes" section, up to the next section, with its lines joined.
fn data_notes() -> String {
    let readme = readme();
    let start = readme
        .find("## Data notes")
        .expect("README.md has its data notes");
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].replace('\n', " ")
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
        for t in [
            Some(&m.title),
            m.description.as_ref(),
            m.by.as_ref(),
            m.objective.as_ref(),
        ]
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
/// Appendix A of *Open Space – the future v1.0*, row by row as printed (30 rows, two of them printed
/// twice), with the milestone that holds each: the row's year and month as printed, and its text
/// with the PDF's line breaks mended.
const APPENDIX_A: [(&str, &str, &str); 30] = [
    (
        "2019 September",
        "2019-09-open-space-annual-report",
        "Academia driven by civil society engagement in the Open Space. Academic holds the pen receiving direction from Open Space on the summary of issues discussed and resolved, discussed and not resolved, and outstanding issues that still require work. Objective - start the public debate for the Public Consultation and inform the input into the Practitioners thoughts on the Code of Practice.",
    ),
    (
        "2019 October",
        "2019-10-draft-public-guide-consultation",
        "Home Office working in partnership with the College of Policing publish the draft Public Guide formal (practitioner) consultation. Objective – Publish a guide for public consumption that details the expected standards, how these should be interpreted and what impact these standards might have to individual data subjects.",
    ),
    (
        "2019 October",
        "2019-10-draft-code-of-practice-consultation",
        "Home Office working in partnership with the College of Policing publish the draft Code of Practice formal (practitioner) consultation on Code of Practice published in public domain. Objective – Publish a draft set of legal principles to become legally binding upon Chief officers in England and Wales and administratively binding on all LEDS Users.",
    ),
    (
        "2019 November",
        "2019-11-dpia",
        "Home Office publishes its DPIA updating the PIA that covers the PNC/PND/LEDS. Objective – Legal requirement to write and to publish details of the DPIA.",
    ),
    (
        "2019 November",
        "2019-11-law-enforcement-user-organisations",
        "Home Office publishes (limited) details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to aid understanding of the DPIA.",
    ),
    (
        "2019 November",
        "2019-11-policy-equality-statement",
        "Home Office publishes Policy Equality Statement details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement to aligned to the DPIA. With sufficient details to aid understanding of the DPIA.",
    ),
    (
        "2020 June",
        "2020-06-code-of-practice-public-consultation",
        "Code of Practice Public consultation updated with comments received. Objective - conclude the public debate on the Code of Practice with a three-month consultation especially about National Register of Missing Persons",
    ),
    (
        "2020 June",
        "2020-06-public-guide-consultation",
        "Public Guide to assist understanding of the Code of Practice consultation updated with comments received. Objective - conclude the public debate on the Code of Practice/Public Guide with a three-month consultation especially about National Register of Missing Persons",
    ),
    (
        "2020 September",
        "2020-09-open-space-annual-report",
        "Academia driven by civil society engagement in the Open Space. Academic holds the pen receiving direction from Open Space on the summary of issues discussed and resolved, discussed and not resolved, and outstanding issues that still require work. Objective - start the public debate for the Public Consultation and inform the input into the Practitioners thoughts on the Code of Practice. This links to the desire from Biometrics commissioner to start a public debate.",
    ),
    (
        "2020 November",
        "2020-11-dpia",
        "Home Office publishes its DPIA (2020) updating the 2019 version updating on mitigating actions. Objective – Legal requirement to write and to publish details of the DPIA.",
    ),
    (
        "2020 November",
        "2020-11-law-enforcement-user-organisations",
        "Home Office refreshes publication of details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to aid understanding of the DPIA",
    ),
    (
        "2020 November",
        "2020-11-policy-equality-statement",
        "Home Office publishes Policy Equality Statement details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to aid understanding of the DPIA",
    ),
    (
        "2020 December",
        "2020-12-parliamentary-laying-code-and-public-guide",
        "Parliamentary laying of updated Code of Practice and Public Guide",
    ),
    (
        "2021 January",
        "2021-01-nca-early-nrmp-stats",
        "NCA – Publish early stats on the National Register of Missing Persons",
    ),
    (
        "2021 June",
        "2021-06-refreshed-code-of-practice-consultation",
        "Refreshed Code of Practice Public consultation updated with comments received. Objective - conclude the public debate on the Code of Practice with a three-month consultation especially about Initial use of LEDS with PNC data",
    ),
    (
        "2021 June",
        "2021-06-refreshed-code-of-practice-consultation",
        "Refreshed Code of Practice Public consultation updated with comments received. Objective - conclude the public debate on the Code of Practice with a three-month consultation especially about Initial use of LEDS with PNC data",
    ),
    (
        "2021 September",
        "2021-09-open-space-annual-report",
        "Academia driven by civil society engagement in the Open Space. Academic holds the pen receiving direction from Open Space on the summary of issues discussed and resolved, discussed and not resolved, and outstanding issues that still require work.",
    ),
    (
        "2021 November",
        "2021-11-dpia",
        "Home Office publishes its DPIA (2021) updating the 2020 version updating on mitigating actions. Objective – Legal requirement to write and to publish details of the DPIA.",
    ),
    (
        "2021 November",
        "2021-11-law-enforcement-user-organisations",
        "Home Office refreshes publication of details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to aid understanding of the DPIA",
    ),
    (
        "2021 November",
        "2021-11-policy-equality-statement",
        "Home Office publishes Policy Equality Statement details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to aid understanding of the DPIA",
    ),
    (
        "2021 December",
        "2021-12-parliamentary-laying-code-and-public-guide",
        "Parliamentary laying of updated Code of Practice and Public Guide",
    ),
    (
        "2022 February",
        "2022-02-nrmp-full-year-report",
        "Home Office report to refer to (NCA) full year National Register of Missing Persons statistics and narrative. Initial PNC in LEDS operation",
    ),
    (
        "2022 June",
        "2022-06-refreshed-code-of-practice-consultation",
        "Home Office Refreshed Code of Practice Public consultation updated with comments received. Objective - conclude the public debate on the Code of Practice with a three-month consultation especially about Initial use of LEDS with PND data",
    ),
    (
        "2022 June",
        "2022-06-refreshed-code-of-practice-consultation",
        "Home Office Refreshed Code of Practice Public consultation updated with comments received. Objective - conclude the public debate on the Code of Practice with a three-month consultation especially about Initial use of LEDS with PND data",
    ),
    (
        "2022 September",
        "2022-09-open-space-annual-report",
        "Academia driven by civil society engagement in the Open Space. Academic holds the pen receiving direction from Open Space on the summary of issues discussed and resolved, discussed and not resolved, and outstanding issues that still require work.",
    ),
    (
        "2022 November",
        "2022-11-dpia",
        "Home Office publishes its DPIA (2022) updating the 2021 version updating on mitigating actions. Objective – Legal requirement to write and to publish details of the DPIA.",
    ),
    (
        "2022 November",
        "2022-11-law-enforcement-user-organisations",
        "Home Office refreshes publication of details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to aid understanding of the DPIA",
    ),
    (
        "2022 November",
        "2022-11-policy-equality-statement",
        "Home Office publishes Policy Equality Statement details of law enforcement user organisations and the purposes for which they use PNC and PND. Objective – Legal requirement aligned to the DPIA. With sufficient details to understanding of the DPIA",
    ),
    (
        "2022 December",
        "2022-12-parliamentary-laying-code-and-public-guide",
        "Parliamentary laying of updated Code of Practice and Public Guide",
    ),
    (
        "2023 February",
        "2023-02-nrmp-full-year-report",
        "Home Office report to refer to (NCA) full year National Register of Missing Persons statistics and narrative. Full year of PNC data in LEDS operation and partial PND in LEDS operation.",
    ),
];

#[test]
fn every_appendix_a_row_is_a_milestone_with_its_text_verbatim() {
    let log = log();
    let mut held = std::collections::BTreeSet::new();
    for (printed, id, text) in APPENDIX_A {
        let m = milestone(&log, id);
        assert_eq!(m.description.as_deref(), Some(text), "{printed}: {id}");
        assert_eq!(m.source.as_deref(), Some("appendix-a"), "{id}");
        assert_eq!(m.date.to_string(), id[..7], "{id}");
        assert_eq!(m.status.as_str(), "planned", "{id}: a candidate timeframe");
        // The objective is the row's words after "Objective –", with a capital.
        if let Some((_, after)) = text
            .split_once("Objective – ")
            .or_else(|| text.split_once("Objective - "))
        {
            let mut chars = after.chars();
            let first = chars.next().unwrap().to_uppercase().to_string();
            assert_eq!(
                m.objective.as_deref(),
                Some(format!("{first}{}", chars.as_str()).as_str()),
                "{id}"
            );
        } else {
            assert_eq!(m.objective, None, "{id}");
        }
        held.insert(id);
    }
    assert_eq!(held.len(), 28, "two rows are printed twice");
    for m in log.milestones.iter().map(|m| &m.value) {
        if !held.contains(m.id.as_str()) {
            assert_eq!(m.kind.as_str(), "workshop", "{}", m.id);
            assert_eq!(m.source.as_deref(), Some("editorial"), "{}", m.id);
            assert_eq!(m.description, None, "{}", m.id);
        }
    }
    // The September rows name no deliverable; their title is the paper's own name for the report.
    for year in 2019..=2022 {
        let m = milestone(&log, &format!("{year}-09-open-space-annual-report"));
        assert_eq!(m.title, "Open Space annual report");
        assert!(m.description.as_deref().unwrap().contains(
            "Academic holds the pen receiving direction from Open Space on the summary of issues \
             discussed and resolved, discussed and not resolved, and outstanding issues that still \
             require work."
        ));
    }
}

#[test]
fn every_record_says_where_it_came_from() {
    let log = log();
    let themes = &log.themes.as_ref().unwrap().value;
    let sources: Vec<(&str, bool)> = themes
        .sources
        .iter()
        .map(|s| (s.key.as_str(), s.public))
        .collect();
    assert_eq!(
        sources,
        [
            ("log-2019", true),
            ("appendix-a", false),
            ("editorial", true)
        ]
    );
    let paper = themes
        .sources
        .iter()
        .find(|s| s.key == "appendix-a")
        .unwrap();
    let terms = paper.description.as_deref().unwrap();
    assert!(terms.contains("is not a statement of Home Office policy or intention"));
    assert!(terms.contains(
        "is to be circulated to and viewed only by members of the LEDS and HOB Open Space"
    ));
    for a in log.actions.iter().map(|a| &a.value) {
        assert_eq!(a.source.as_deref(), Some("log-2019"), "{}", a.id);
    }
    let notes = data_notes();
    for said in ["log-2019", "appendix-a", "editorial", "--public"] {
        assert!(notes.contains(said), "the data notes say what {said} is");
    }
}

#[test]
fn a_public_report_of_the_log_leaves_out_appendix_a() {
    let public = oslog(&["report", "actions", "--public", "--format", "html"]);
    assert!(public.contains("It leaves out 28 milestones whose source is not for publication."));
    assert_eq!(public.matches("<circle").count(), 7, "the workshops only");
    for (_, _, text) in APPENDIX_A {
        assert!(!public.contains(text));
    }
    assert!(!public.contains(": Open Space annual report (planned)"));
    let circulated = oslog(&["report", "actions", "--format", "html"]);
    assert_eq!(circulated.matches("<circle").count(), 35);
    assert!(circulated.contains(": Open Space annual report (planned)"));
    assert!(!circulated.contains("It leaves out"));
}

#[test]
fn the_milestone_links_are_the_documented_editorial_ones() {
    let log = log();
    let linked: Vec<(&str, Vec<u32>)> = log
        .milestones
        .iter()
        .map(|m| &m.value)
        .filter(|m| !m.actions.is_empty() && m.kind.as_str() != "workshop")
        .map(|m| (m.id.as_str(), m.actions.clone()))
        .collect();
    assert_eq!(
        linked,
        [
            (
                "2019-09-open-space-annual-report",
                vec![106, 112, 113, 114, 115, 116]
            ),
            (
                "2019-10-draft-code-of-practice-consultation",
                vec![13, 96, 121, 123]
            ),
            ("2019-11-dpia", vec![19]),
        ]
    );
    let notes = data_notes();
    for said in [
        "Appendix A links no actions",
        "(106, 112–116)",
        "13, 96, 121 and 123",
        "These will feed into the Data Protection Impact Assessment",
    ] {
        assert!(notes.contains(said), "the data notes document {said}");
    }
}

#[test]
fn the_data_notes_counts_are_the_files() {
    let log = log();
    let notes = data_notes();
    let actions = log.actions.len();
    let numbers: std::collections::BTreeSet<u32> = log
        .actions
        .iter()
        .flat_map(|a| std::iter::once(a.value.id).chain(a.value.formerly.iter().copied()))
        .filter(|n| *n <= 138)
        .collect();
    let moved = log
        .actions
        .iter()
        .filter(|a| !a.value.formerly.is_empty())
        .count();
    let workshops = log
        .milestones
        .iter()
        .filter(|m| m.value.kind.as_str() == "workshop")
        .count();
    let rows = log.milestones.len() - workshops;
    assert_eq!((actions, numbers.len(), moved), (140, 138, 2));
    assert_eq!((log.milestones.len(), rows, workshops), (35, 28, 7));
    for said in [
        format!("{actions} action files"),
        format!("the {} distinct numbers 1 to 138", numbers.len()),
        format!("{} milestones", log.milestones.len()),
        format!("{rows} distinct rows of Appendix A's {}", APPENDIX_A.len()),
        format!("{workshops} workshops"),
    ] {
        assert!(notes.contains(&said), "the data notes say {said:?}");
    }
}
