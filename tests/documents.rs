//! The documents that go to members, made from copies of the repository's own log in real git
//! repositories: the monthly update (its range, its title, each section's own columns, dates in
//! words) and the action log (what awaits sign-off, the latest update that matters, the chart that
//! draws only what it knows).

mod common;

use std::path::Path;

/// The repository's own log in a new git repository, committed as the log circulated before the
/// 14 May 2019 workshop (on 10 May 2019).
fn logged() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_shipped_log(dir.path());
    let repo = git2::Repository::init(dir.path()).unwrap();
    common::write(dir.path(), ".gitignore", oslog::store::GITIGNORE);
    common::commit(&repo, "Ann", 1_557_489_600, "The log before workshop 5");
    common::git(dir.path(), &["config", "user.name", "Secretariat"]);
    common::git(
        dir.path(),
        &["config", "user.email", "secretariat@example.org"],
    );
    dir
}

/// Run oslog in `dir` with today fixed at `today`; its stdout, which must be a success.
fn ok(dir: &Path, today: &str, args: &[&str]) -> String {
    let o = common::oslog_with(dir, args, &[("OSLOG_TODAY", today)]);
    assert!(o.status.success(), "{args:?}: {}", common::shown(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// The Markdown section headed `## {title} (…)`, up to the next section.
fn section<'a>(md: &'a str, title: &str) -> &'a str {
    let start = md
        .find(&format!("## {title} ("))
        .unwrap_or_else(|| panic!("no section {title}: {md}"));
    let rest = &md[start + 3..];
    let end = rest.find("\n## ").map_or(md.len(), |i| start + 3 + i);
    &md[start..end]
}

#[test]
fn an_update_as_of_an_earlier_day_still_covers_the_commits_in_its_range() {
    let log = logged();
    let dir = log.path();
    // Committed now, with a sign-off dated in July 2019.
    ok(
        dir,
        "2019-07-20",
        &[
            "status",
            "109",
            "complete",
            "--signed-off",
            "2019-07-10",
            "--commit",
        ],
    );
    // As of 1 July 2019, earlier than the commit itself.
    let md = ok(
        dir,
        "2019-07-01",
        &["report", "monthly", "--since", "HEAD~1"],
    );
    let status = section(&md, "Status changes");
    assert!(status.starts_with("## Status changes (1)"), "{md}");
    assert!(
        status.contains("| 109 | Involve &amp; HO to update and circulate")
            || status.contains("| 109 | Involve & HO to update and circulate"),
        "{status}"
    );
    assert!(status.contains("proposed complete → complete"), "{status}");
    assert!(status.contains("signed off 10 July 2019"), "{status}");
    assert!(!md.contains("HEAD"), "no revision in the document: {md}");
}

#[test]
fn an_update_since_the_last_workshop_names_it_and_takes_a_title() {
    let log = logged();
    let dir = log.path();
    ok(
        dir,
        "2019-07-20",
        &[
            "update",
            "16",
            "Draft paper shared with members.",
            "--date",
            "2019-07-09",
            "--commit",
        ],
    );
    let md = ok(
        dir,
        "2019-07-20",
        &[
            "report",
            "monthly",
            "--since",
            "2019-05-14-workshop-5",
            "--title",
            "Update since the 14 May workshop",
        ],
    );
    assert!(
        md.starts_with("# Update since the 14 May workshop\n"),
        "{md}"
    );
    assert!(
        md.contains("since Open Space workshop 5 (14 May 2019), as of 20 July 2019.")
            || md.contains("since Open Space workshop 5 \\(14 May 2019\\), as of 20 July 2019."),
        "{md}"
    );
    let updates = section(&md, "Updates added");
    assert!(
        updates.contains("| 9 July 2019 | Draft paper shared with members. |"),
        "{updates}"
    );
    assert!(section(&md, "New actions").contains("None."), "{md}");
    // A milestone id typed wrong gets the nearest one.
    let o = common::oslog_with(
        dir,
        &["report", "monthly", "--since", "2019-05-14-workshop5"],
        &[("OSLOG_TODAY", "2019-07-20")],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("did you mean `2019-05-14-workshop-5`?"),
        "{err}"
    );
}

#[test]
fn each_section_of_the_update_has_its_own_columns_and_says_each_change_once() {
    let log = logged();
    let dir = log.path();
    ok(
        dir,
        "2019-07-20",
        &[
            "status",
            "16",
            "proposed-complete",
            "--note",
            "Paper circulated.",
            "--date",
            "2019-07-09",
        ],
    );
    ok(dir, "2019-07-20", &["edit", "129", "--deadline", "2019-09"]);
    common::git_as(
        dir,
        "Secretariat",
        "2019-07-20T10:00:00Z",
        &["commit", "-qam", "Workshop 6 follow-up"],
    );
    let md = ok(
        dir,
        "2019-07-20",
        &["report", "monthly", "--since", "2019-05-14-workshop-5"],
    );
    let head = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("| "))
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        head(section(&md, "Status changes")),
        "| No. | Action | Theme | Status | Date | Note |"
    );
    assert!(
        section(&md, "Status changes")
            .contains("| ongoing → proposed complete | 9 July 2019 | Paper circulated. |"),
        "{md}"
    );
    assert_eq!(
        head(section(&md, "Deadline moves")),
        "| No. | Action | Theme | From | To | Moved on |"
    );
    assert!(
        section(&md, "Deadline moves").contains("| June 2019 | September 2019 | 20 July 2019 |"),
        "{md}"
    );
    // The updates oslog wrote for the move and the deadline are those changes, not news of their own.
    assert!(section(&md, "Updates added").contains("None."), "{md}");
    assert_eq!(
        head(section(&md, "Actions now overdue")),
        "| No. | Action | Theme | Deadline | Days late | Status | Owner |"
    );
    assert!(
        section(&md, "Actions now overdue").contains("| June 2019 | 20 | ongoing |"),
        "{md}"
    );
    assert_eq!(
        head(section(&md, "Milestones in the coming three months")),
        "| Date | Milestone | Kind | Owner |"
    );
    assert!(!md.contains('—'), "no column without a name: {md}");
    for iso in ["2019-07-09", "2019-07-20", "2019-09"] {
        assert!(!md.contains(iso), "dates in words only ({iso}): {md}");
    }
    // No colour codes in a document: the legend names the themes.
    let actions = ok(dir, "2019-07-20", &["report", "actions"]);
    assert!(!actions.contains("#2ca02c"), "{actions}");
    assert!(!md.contains("#2ca02c"), "{md}");
}

#[test]
fn a_report_written_to_a_file_takes_the_format_its_name_says() {
    let log = logged();
    let dir = log.path();
    for (args, html) in [
        (&["--out", "log.html"][..], true),
        (&["--out", "log.HTM"][..], true),
        (&["--out", "log.html", "--format", "md"][..], false),
        (&["--out", "log.md"][..], false),
        (&["--out", "log.txt", "--format", "html"][..], true),
    ] {
        let said = ok(
            dir,
            "2019-07-20",
            &[&["report", "actions"][..], args].concat(),
        );
        let file = dir.join(args[1]);
        let written = std::fs::read_to_string(&file).unwrap();
        assert_eq!(written.starts_with("<!DOCTYPE html>"), html, "{args:?}");
        assert_eq!(written.starts_with("# Action log"), !html, "{args:?}");
        assert_eq!(said, format!("wrote {}\n", args[1]));
        std::fs::remove_file(file).unwrap();
    }
}

#[test]
fn the_action_log_keeps_the_latest_update_in_peoples_words_in_view() {
    let log = logged();
    let dir = log.path();
    ok(dir, "2019-07-20", &["edit", "16", "--deadline", "2019-09"]);
    ok(dir, "2019-07-20", &["status", "16", "proposed-complete"]);
    let latest = "First draft has been completed and a final version will be circulated ahead of the July Open Space.";
    let md = ok(dir, "2019-07-20", &["report", "actions"]);
    let row = md.lines().find(|l| l.starts_with("| 16 |")).unwrap();
    assert!(row.contains(latest), "{row}");
    assert!(
        row.contains("Deadline moved from July 2019 to September 2019."),
        "{row}"
    );
    assert!(row.contains("3 earlier updates"), "{row}");
    let html = ok(
        dir,
        "2019-07-20",
        &["report", "actions", "--format", "html"],
    );
    let start = html.find("id=\"action-16\"").unwrap();
    let tr = &html[start..start + html[start..].find("</tr>").unwrap()];
    assert!(tr.contains(latest), "{tr}");
    assert!(tr.contains("<details"), "the earlier updates expand: {tr}");
    assert!(
        tr.contains(
            "Update – team members recruited and tasked with writing paper to be shared in June."
        ),
        "{tr}"
    );
}

#[test]
fn the_chart_draws_only_what_the_log_says_and_agrees_with_the_page() {
    let log = logged();
    let dir = log.path();
    let html = ok(
        dir,
        "2019-07-01",
        &["report", "actions", "--format", "html"],
    );
    let chart = &html[html.find("<figure id=\"chart-over-time\"").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    // Of the 68 completed or closed actions, 66 have no sign-off date and no dated update.
    assert!(
        chart.contains("The chart leaves out 66 completed or closed actions that have no sign-off date and no dated update"),
        "{chart}"
    );
    let count = |id: &str| -> usize {
        let at = html
            .find(&format!("<section id=\"{id}\" data-count=\""))
            .unwrap();
        let rest = &html[at..];
        let rest = &rest[rest.find("data-count=\"").unwrap() + 12..];
        rest[..rest.find('"').unwrap()].parse().unwrap()
    };
    let open = count("open") + count("awaiting-sign-off");
    let done = count("completed");
    assert_eq!(open + done, 140);
    assert!(chart.contains(&format!("open (now {open})")), "{chart}");
    // The history covers the last months, so it knows every action's status by then.
    assert!(
        chart.contains(&format!("completed or closed (now {done})")),
        "{chart}"
    );
    assert!(chart.contains("(before 2019-05)"), "{chart}");
}

#[test]
fn several_actions_move_in_one_command_and_one_commit_or_not_at_all() {
    let log = logged();
    let dir = log.path();
    let before = common::snapshot(dir);
    // 1 is complete already: the whole command is refused, and 109 is not written either.
    let o = common::oslog_with(
        dir,
        &[
            "status",
            "109",
            "1",
            "complete",
            "--signed-off",
            "2019-07-10",
        ],
        &[("OSLOG_TODAY", "2019-07-20")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("oslog: error: action 1 is already complete"),
        "{err}"
    );
    assert_eq!(common::snapshot(dir), before, "nothing is written");

    let said = ok(
        dir,
        "2019-07-20",
        &[
            "status",
            "109",
            "110",
            "126",
            "complete",
            "--signed-off",
            "2019-07-10",
            "--commit",
        ],
    );
    for n in [109, 110, 126] {
        assert!(
            said.contains(&format!(
                "action {n}: proposed-complete → complete (actions/{n}.yaml)"
            )),
            "{said}"
        );
        let yaml = std::fs::read_to_string(dir.join(format!("actions/{n}.yaml"))).unwrap();
        assert!(yaml.contains("signed_off: 2019-07-10"), "{yaml}");
    }
    let count = common::git(dir, &["rev-list", "--count", "HEAD"]);
    assert_eq!(
        String::from_utf8_lossy(&count.stdout).trim(),
        "2",
        "one commit"
    );
    let shown = common::git(dir, &["show", "--stat", "--format=%B", "HEAD"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.starts_with("Actions 109, 110 and 126: proposed-complete → complete\n"),
        "{shown}"
    );
    assert!(!shown.contains("Oslog-Status"), "{shown}");
    assert!(shown.contains("3 files changed"), "{shown}");
    let o = common::oslog(dir, &["status", "109", "110"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("give the new status last"),
        "{}",
        common::shown(&o)
    );
}

/// Run oslog in `dir` with today fixed at `today` and `input` on its standard input; its stdout,
/// which must be a success.
fn ok_with_input(dir: &Path, today: &str, args: &[&str], input: &str) -> String {
    let o = common::oslog_input(dir, args, &[("OSLOG_TODAY", today)], input);
    assert!(o.status.success(), "{args:?}: {}", common::shown(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Compare `text` with the snapshot `tests/snapshots/NAME`; with OSLOG_BLESS=1, write it instead.
fn snapshot(name: &str, text: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("OSLOG_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&file, text).unwrap();
        return;
    }
    let kept = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with OSLOG_BLESS=1 to write it",
            file.display()
        )
    });
    assert_eq!(
        text, kept,
        "{name} differs; run with OSLOG_BLESS=1 to accept the new text"
    );
}

/// A workshop's follow-up as the secretariat runs it, each step a command and a commit: the
/// actions the workshop raised, the sign-offs it agreed, the notes taken, the deadline it moved,
/// the workshop marked held; then the update for members since the workshop before.
#[test]
fn a_workshops_follow_up_ends_in_an_update_fit_for_members() {
    let log = logged();
    let dir = log.path();
    let day = "2019-07-12";
    let added = ok(
        dir,
        day,
        &[
            "add",
            "--title",
            "HO to circulate the DPIA",
            "--theme",
            "data-sharing",
            "--owner",
            "Home Office",
            "--raised",
            "2019-07",
            "--deadline",
            "2019-09",
            "--link",
            "16,17",
            "--commit",
        ],
    );
    assert!(added.contains("action 141"), "{added}");
    ok(
        dir,
        day,
        &[
            "status",
            "109",
            "110",
            "126",
            "complete",
            "--signed-off",
            "2019-07-10",
            "--commit",
        ],
    );
    ok_with_input(
        dir,
        day,
        &["update", "16", "-", "--date", "2019-07-10", "--commit"],
        "Discussed at workshop 6: members asked for a section on retention;\nthe HO will circulate a revised draft before the September workshop.\n",
    );
    ok(
        dir,
        day,
        &["edit", "129", "--deadline", "2019-09", "--commit"],
    );
    ok(
        dir,
        day,
        &[
            "milestone",
            "status",
            "2019-07-workshop-6",
            "done",
            "--commit",
        ],
    );
    // The workshop agreed to move the next one to October: a new date, so a new id.
    let moved = ok(
        dir,
        day,
        &[
            "milestone",
            "edit",
            "2019-09-workshop-7",
            "--date",
            "2019-10-08",
            "--commit",
        ],
    );
    assert!(moved.contains("now 2019-10-08-workshop-7"), "{moved}");
    let subjects = common::git(dir, &["log", "--format=%s", "--reverse"]);
    let subjects = String::from_utf8_lossy(&subjects.stdout).into_owned();
    assert_eq!(
        subjects.lines().skip(1).collect::<Vec<_>>(),
        [
            "Action 141: add \"HO to circulate the DPIA\"",
            "Actions 109, 110 and 126: proposed-complete → complete",
            "Action 16: update of 2019-07-10",
            "Action 129: deadline 2019-06 → 2019-09",
            "Milestone 2019-07-workshop-6: planned → done",
            "Milestone 2019-09-workshop-7: now 2019-10-08-workshop-7",
        ],
        "{subjects}"
    );
    let md = ok(
        dir,
        day,
        &[
            "report",
            "monthly",
            "--since",
            "2019-05-14-workshop-5",
            "--title",
            "Update since the 14 May workshop",
        ],
    );
    // (The Markdown escaper is shared and decides how text is escaped; the snapshot shows it.)
    for jargon in ["HEAD", "origin/", "#1f77b4", "None."] {
        assert!(!md.contains(jargon), "{jargon}: {md}");
    }
    // The moved workshop reads as moved, not as a new one beside a September one gone unsaid.
    assert!(
        md.contains("| Open Space workshop 7 | workshop | date September 2019 → 8 October 2019 |"),
        "{md}"
    );
    snapshot("workshop-follow-up.md", &md);
}

#[test]
fn a_milestone_edited_to_a_new_date_takes_the_new_id_in_one_commit() {
    let log = logged();
    let dir = log.path();
    let said = ok(
        dir,
        "2019-07-12",
        &[
            "milestone",
            "edit",
            "2019-09-workshop-7",
            "--date",
            "2019-10",
            "--title",
            "Open Space workshop 7 (moved)",
            "--action",
            "16,17",
            "--commit",
        ],
    );
    assert!(said.contains("now 2019-10-workshop-7"), "{said}");
    assert!(!dir.join("timeline/2019-09-workshop-7.yaml").exists());
    let yaml = std::fs::read_to_string(dir.join("timeline/2019-10-workshop-7.yaml")).unwrap();
    assert!(yaml.contains("date: 2019-10\n"), "{yaml}");
    assert!(
        yaml.contains("title: Open Space workshop 7 (moved)\n"),
        "{yaml}"
    );
    let subject = common::git(dir, &["log", "-1", "--format=%s"]);
    assert_eq!(
        String::from_utf8_lossy(&subject.stdout).trim(),
        "Milestone 2019-09-workshop-7: now 2019-10-workshop-7"
    );
    ok(dir, "2019-07-12", &["validate", "--strict"]);
    let o = common::oslog(
        dir,
        &["milestone", "edit", "2019-10-workshp-7", "--by", "Involve"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("did you mean `2019-10-workshop-7`?"),
        "{}",
        common::shown(&o)
    );
    let csv = ok(dir, "2019-07-12", &["timeline", "--format", "csv"]);
    assert!(
        csv.lines().any(|l| l.ends_with(",2019-10-workshop-7")),
        "{csv}"
    );
}

#[test]
fn a_milestone_that_slips_takes_its_new_date() {
    let log = logged();
    let dir = log.path();
    let o = common::oslog(
        dir,
        &["milestone", "status", "2019-09-workshop-7", "slipped"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("needs its new date"),
        "{}",
        common::shown(&o)
    );
    let said = ok(
        dir,
        "2019-07-12",
        &[
            "milestone",
            "status",
            "2019-09-workshop-7",
            "slipped",
            "--date",
            "2019-11",
            "--commit",
        ],
    );
    assert!(
        said.starts_with("milestone 2019-09-workshop-7: planned → slipped, now 2019-11-workshop-7 (November 2019)"),
        "{said}"
    );
    let yaml = std::fs::read_to_string(dir.join("timeline/2019-11-workshop-7.yaml")).unwrap();
    assert!(
        yaml.contains("status: slipped\n") && yaml.contains("date: 2019-11\n"),
        "{yaml}"
    );
    // The update for members reads it as the same workshop, moved and slipped.
    let md = ok(
        dir,
        "2019-07-12",
        &["report", "monthly", "--since", "2019-07-01"],
    );
    assert!(
        md.contains("| Open Space workshop 7 | workshop | date September 2019 → November 2019; planned → slipped |"),
        "{md}"
    );
}
