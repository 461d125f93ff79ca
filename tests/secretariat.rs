//! The secretariat's commands on copies of the repository's own log: what an action awaiting
//! sign-off counts as, moves of several actions at once, long text from standard input or an editor,
//! a new action written in the editor, milestones edited, stale actions, and filters that say when a
//! word is wrong.

mod common;

use std::path::Path;

/// The repository's own log, copied into a fresh folder (not a git repository).
fn real_log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_shipped_log(dir.path());
    dir
}

fn stdout(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", common::shown(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_action_awaiting_sign_off_is_not_overdue() {
    let log = real_log();
    let dir = log.path();
    // 71, 97 and 110 are proposed complete with deadlines before July 2019.
    let listed = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--overdue",
            "--format",
            "csv",
            "--columns",
            "id,status",
        ],
    ));
    assert!(!listed.contains("proposed-complete"), "{listed}");
    assert!(listed.lines().any(|l| l == "68,ongoing"), "{listed}");

    let dash: serde_json::Value = serde_json::from_str(&stdout(&common::oslog(
        dir,
        &["status", "--format", "json"],
    )))
    .unwrap();
    let ids = |key: &str| -> Vec<u64> {
        dash[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_u64().unwrap())
            .collect()
    };
    for n in [71, 97, 110] {
        assert!(!ids("overdue").contains(&n), "{n} is not overdue");
        assert!(ids("awaiting_sign_off").contains(&n), "{n} awaits sign-off");
    }

    let md = stdout(&common::oslog(dir, &["report", "actions"]));
    let row = md.lines().find(|l| l.starts_with("| 71 |")).unwrap();
    assert!(!row.contains("overdue"), "{row}");
}

/// Run oslog in `dir` and return (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = common::oslog(dir, args);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The first cell of each row of a CSV answer.
fn ids(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

#[test]
fn one_vocabulary_for_formats_dates_lists_and_order() {
    let log = real_log();
    let dir = log.path();
    // md and markdown are one format, wherever Markdown is written.
    for (a, b) in [
        (
            &["list", "--format", "md"][..],
            &["list", "--format", "markdown"][..],
        ),
        (
            &["timeline", "--format", "md"][..],
            &["timeline", "--format", "markdown"][..],
        ),
        (
            &["report", "actions", "--format", "md"][..],
            &["report", "actions", "--format", "markdown"][..],
        ),
    ] {
        assert_eq!(
            stdout(&common::oslog(dir, a)),
            stdout(&common::oslog(dir, b))
        );
    }
    // A month is a date like any other: due before July 2019 means by the end of June.
    let by_month = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--due-before",
            "2019-07",
            "--format",
            "csv",
            "--columns",
            "id,deadline",
        ],
    ));
    let by_day = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--due-before",
            "2019-07-01",
            "--format",
            "csv",
            "--columns",
            "id,deadline",
        ],
    ));
    assert_eq!(by_month, by_day);
    assert!(!by_month.contains("2019-07"), "{by_month}");
    let after = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--due-after",
            "2019-09",
            "--format",
            "csv",
            "--columns",
            "id,deadline",
        ],
    ));
    assert!(
        after
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(1) > Some("2019-09-99")),
        "{after}"
    );
    assert!(after.lines().count() > 1, "{after}");
    // Descending with a minus, and a limit.
    let latest = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--sort",
            "-deadline",
            "--limit",
            "3",
            "--format",
            "csv",
            "--columns",
            "id,deadline",
        ],
    ));
    let rows: Vec<&str> = latest.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{latest}");
    let all = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--sort",
            "deadline",
            "--format",
            "csv",
            "--columns",
            "id,deadline",
        ],
    ));
    let dated: Vec<&str> = all
        .lines()
        .skip(1)
        .filter(|l| !l.ends_with(',') && !l.ends_with(",monthly"))
        .collect();
    assert_eq!(rows[0], *dated.last().unwrap(), "the latest deadline first");
    assert!(ids(&all).len() > 100);
    // Several numbers in one --link.
    let (code, out, err) = run(
        dir,
        &[
            "add",
            "--title",
            "HO to circulate the DPIA",
            "--theme",
            "data-sharing",
            "--raised",
            "2019-07",
            "--link",
            "21,24",
            "--link",
            "16",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("added action 141"), "{out}");
    let written = std::fs::read_to_string(dir.join("actions/141.yaml")).unwrap();
    assert!(written.contains("links: [16, 21, 24]"), "{written}");
}

#[test]
fn a_word_a_filter_does_not_know_is_an_error_with_a_suggestion() {
    let log = real_log();
    let dir = log.path();
    let repo = git2::Repository::init(dir).unwrap();
    common::commit(&repo, "Ann", 1_563_000_000, "The log");
    for (args, says) in [
        (
            &["list", "--theme", "data-shring"][..],
            "unknown theme `data-shring`; did you mean `data-sharing`?",
        ),
        (&["list", "--theme", "nope"][..], "unknown theme `nope`"),
        (
            &["list", "--owner", "Lizzy"][..],
            "no action's owner contains `Lizzy`; did you mean `Lizzie Adams`?",
        ),
        (
            &["list", "--owner", "zzzz"][..],
            "no action's owner contains `zzzz`",
        ),
        (
            &["log", "--field", "stauts"][..],
            "unknown field `stauts`; did you mean `status`?",
        ),
        (
            &["log", "--theme", "govenance"][..],
            "did you mean `governance`?",
        ),
    ] {
        let (code, out, err) = run(dir, args);
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert!(err.starts_with("oslog: error: "), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A filter that is right but matches nothing is an empty answer.
    let (code, out, _) = run(dir, &["list", "--owner", "Lizzie", "--status", "complete"]);
    assert_eq!(code, Some(0));
    assert!(out.ends_with("0 actions\n"), "{out}");
}

#[test]
fn an_update_reads_its_text_from_standard_input() {
    let log = real_log();
    let dir = log.path();
    let note = "Paper discussed at the workshop: members asked for a section on retention, and the HO agreed to circulate a revised draft by September.\n";
    let o = common::oslog_input(dir, &["update", "16", "-"], &[], note);
    assert!(o.status.success(), "{}", common::shown(&o));
    let yaml = std::fs::read_to_string(dir.join("actions/016.yaml")).unwrap();
    assert!(
        yaml.contains("members asked for a section on retention"),
        "{yaml}"
    );
    assert!(
        !yaml.contains("text: '-'") && !yaml.contains("text: \"-\""),
        "{yaml}"
    );
    let o = common::oslog_input(dir, &["update", "16", "-"], &[], "  \n");
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the update's text is empty"),
        "{}",
        common::shown(&o)
    );
}

#[test]
fn stale_actions_are_the_open_ones_with_no_recent_update() {
    let log = real_log();
    let dir = log.path();
    let stale = |span: &str| {
        ids(&stdout(&common::oslog(
            dir,
            &[
                "list",
                "--stale",
                span,
                "--format",
                "csv",
                "--columns",
                "id,status",
            ],
        )))
    };
    let before = stale("8w");
    assert!(before.contains(&"16".to_string()), "{before:?}");
    let statuses = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--stale",
            "8w",
            "--format",
            "csv",
            "--columns",
            "status",
        ],
    ));
    assert!(
        statuses
            .lines()
            .skip(1)
            .all(|s| ["not-started", "ongoing", "proposed-complete"].contains(&s)),
        "{statuses}"
    );
    // A longer span lists no more actions.
    assert!(stale("2m").len() <= before.len() && stale("52w").len() <= stale("2m").len());
    let dash: serde_json::Value = serde_json::from_str(&stdout(&common::oslog(
        dir,
        &["status", "--format", "json"],
    )))
    .unwrap();
    let listed: Vec<String> = dash["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].to_string())
        .collect();
    let mut sorted = listed.clone();
    sorted.sort_by_key(|s| s.parse::<u32>().unwrap());
    assert_eq!(sorted, before, "the dashboard lists the same actions");

    stdout(&common::oslog(dir, &["update", "16", "Met the DPO."]));
    assert!(!stale("8w").contains(&"16".to_string()));
    let (code, _, err) = run(dir, &["list", "--stale", "eight weeks"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a span of time"), "{err}");
}

#[test]
fn show_is_a_page_for_a_person() {
    let log = real_log();
    let dir = log.path();
    let page = stdout(&common::oslog_with(
        dir,
        &["show", "68"],
        &[("OSLOG_TODAY", "2019-07-12")],
    ));
    assert!(
        page.starts_with("Action 68: HO/Involve to table specific session on transparency"),
        "{page}"
    );
    for line in [
        "Theme:      Code of Practice and training",
        "Status:     ongoing",
        "Deadline:   May 2019 (42 days overdue)",
        "Raised:     December 2018 workshop",
    ] {
        assert!(page.lines().any(|l| l == line), "{line}: {page}");
    }
    assert!(!page.contains("theme: "), "no raw record: {page}");
    let yaml = stdout(&common::oslog(dir, &["show", "68", "--format", "yaml"]));
    assert_eq!(
        yaml,
        std::fs::read_to_string(dir.join("actions/068.yaml")).unwrap(),
        "yaml is the record as its file holds it"
    );
    let page = stdout(&common::oslog_with(
        dir,
        &["show", "16"],
        &[("OSLOG_TODAY", "2019-07-12")],
    ));
    assert!(
        page.contains(
            "Cited by milestones:\n  July 2019: Open Space workshop 6 (2019-07-workshop-6)\n"
        ),
        "{page}"
    );
    assert!(
        page.contains("  4. undated: First draft has been completed"),
        "{page}"
    );
}

/// A scripted editor: a shell script in `dir` that runs `script` on the file it is given ("$1").
fn editor(dir: &Path, script: &str) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let file = tempfile::Builder::new()
        .prefix("editor-")
        .suffix(".sh")
        .tempfile_in(dir)
        .unwrap()
        .into_temp_path()
        .keep()
        .unwrap();
    std::fs::write(&file, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
    file.display().to_string()
}

#[test]
fn an_update_is_written_in_the_editor() {
    let log = real_log();
    let dir = log.path();
    // An editor that writes a note above the template, keeping its comment lines.
    let editor = editor(
        dir,
        "{ printf 'Paper discussed; revised draft by September.'; cat \"$1\"; } > \"$1.new\" && mv \"$1.new\" \"$1\"",
    );
    let o = common::oslog_with(
        dir,
        &["update", "16", "--edit"],
        &[("VISUAL", ""), ("EDITOR", editor.as_str())],
    );
    assert!(o.status.success(), "{}", common::shown(&o));
    let yaml = std::fs::read_to_string(dir.join("actions/016.yaml")).unwrap();
    assert!(
        yaml.contains("Paper discussed; revised draft by September."),
        "{yaml}"
    );
    assert!(!yaml.contains("The update for action 16"), "{yaml}");
    let o = common::oslog_with(
        dir,
        &["update", "16", "--edit"],
        &[("VISUAL", ""), ("EDITOR", "false")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the editor `false` failed"),
        "{}",
        common::shown(&o)
    );
}

/// The action files of the log in `dir`.
fn action_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("actions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn a_new_action_is_written_in_the_editor() {
    let log = real_log();
    let dir = log.path();
    let with = |editor: &str, args: &[&str]| {
        let args = [&["add", "--edit"][..], args].concat();
        common::oslog_with(dir, &args, &[("VISUAL", ""), ("EDITOR", editor)])
    };
    // The template holds every field, filled from the flags given and `raised` from today's month.
    let seen = dir.join("template.txt");
    let copy = editor(dir, &format!("cp \"$1\" '{}'", seen.display()));
    let o = with(&copy, &["--theme", "data-sharing", "--link", "16"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
    let template = std::fs::read_to_string(&seen).unwrap();
    for line in [
        "title: \n",
        "theme: data-sharing\n",
        "owner: \n",
        "raised: 2019-07\n",
        "deadline: \n",
        "links: [16]\n",
    ] {
        assert!(template.contains(line), "{line}: {template}");
    }
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("the template was left as it was; nothing was written"),
        "{}",
        common::shown(&o)
    );

    let before = action_files(dir);
    let fill = |theme: &str, links: &str| {
        editor(
            dir,
            &format!(
                "sed -i -e 's/^title:.*/title: \"HO to circulate the DPIA: second draft\"/' \
                 -e 's/^theme:.*/theme: {theme}/' -e 's/^owner:.*/owner: Home Office/' \
                 -e 's/^deadline:.*/deadline: 2019-09/' -e 's/^links:.*/links: [{links}]/' \"$1\""
            ),
        )
    };
    // Refused with the same words as `add` with the same fields as flags, and nothing written.
    for (theme, links) in [("data-shring", "16, 21"), ("data-sharing", "16, 9999")] {
        let o = with(&fill(theme, links), &[]);
        assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
        let flags = common::oslog(
            dir,
            &[
                "add",
                "--title",
                "HO to circulate the DPIA: second draft",
                "--theme",
                theme,
                "--owner",
                "Home Office",
                "--raised",
                "2019-07",
                "--deadline",
                "2019-09",
                "--link",
                &links.replace(' ', ""),
            ],
        );
        assert_eq!(flags.status.code(), Some(2), "{}", common::shown(&flags));
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&flags.stderr)
        );
        assert_eq!(action_files(dir), before);
    }
    // An editor that fails, a template emptied, a required field left out, a field add does not
    // take, a wrong date: each says so, and nothing is written.
    for (script, says) in [
        ("exit 3", "the editor `"),
        (": > \"$1\"", "the edited action is empty; nothing was written"),
        (
            "sed -i 's/^theme:.*/theme: data-sharing/' \"$1\"",
            "the edited action has no title; nothing was written",
        ),
        (
            "echo 'status: complete' >> \"$1\"",
            "the edited action has a field `status` that add does not take",
        ),
        (
            "sed -i -e 's/^title:.*/title: T/' -e 's/^theme:.*/theme: data-sharing/' -e 's/^raised:.*/raised: July/' \"$1\"",
            "the edited action's raised: `July` is not a date",
        ),
        (
            "sed -i -e 's/^title:.*/title: T/' -e 's/^theme:.*/theme: data-sharing/' -e 's/^raised:.*/raised: 2019-08/' \"$1\"",
            "--raised",
        ),
        ("printf 'title: [' > \"$1\"", "the edited action is not YAML"),
        (
            "printf 'title: A\\ntheme: data-sharing\\nraised: 2019-07\\ntitle: B\\n' > \"$1\"",
            "the edited action has `title` twice; nothing was written",
        ),
    ] {
        let o = with(&editor(dir, script), &[]);
        assert_eq!(o.status.code(), Some(2), "{script}: {}", common::shown(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{script}: {err}");
        assert!(err.starts_with("oslog: error: "), "{script}: {err}");
        assert_eq!(action_files(dir), before, "{script}");
    }

    let o = with(
        &fill("data-sharing", "16, 21"),
        &["--note", "Agreed at workshop 6."],
    );
    assert!(o.status.success(), "{}", common::shown(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("added action 141 (actions/141.yaml)"),
        "{}",
        common::shown(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("actions/141.yaml")).unwrap(),
        "id: 141\ntitle: \"HO to circulate the DPIA: second draft\"\ntheme: data-sharing\nowner: Home Office\nraised: 2019-07\ndeadline: 2019-09\nstatus: not-started\nlinks: [16, 21]\nupdates:\n  - date: 2019-07-01\n    text: Agreed at workshop 6.\n"
    );
    stdout(&common::oslog(dir, &["validate", "--strict"]));
}

/// The rows of the dashboard's table under `heading`, by action number.
fn dashboard_rows(text: &str, heading: &str) -> Vec<u32> {
    text.split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading} in {text}"))
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix('│')?.split('┆').next()?.trim().parse().ok())
        .collect()
}

#[test]
fn the_dashboard_shows_ten_of_each_list_and_names_the_list_that_has_them_all() {
    let log = real_log();
    let dir = log.path();
    let stale_csv = stdout(&common::oslog(
        dir,
        &[
            "list",
            "--stale",
            "8w",
            "--format",
            "csv",
            "--columns",
            "id",
        ],
    ));
    let stale = ids(&stale_csv);
    assert!(stale.len() > 10, "{stale_csv}");
    let shown = stdout(&common::oslog(dir, &["status"]));
    let heading = format!("No update for 8 weeks ({})", stale.len());
    let rows = dashboard_rows(&shown, &heading);
    assert_eq!(rows.len(), 10, "{shown}");
    let more = format!("… and {} more: oslog list --stale 8w", stale.len() - 10);
    assert!(shown.contains(&more), "{shown}");
    // A list of ten or fewer is shown whole, with no line about more.
    let awaiting = dashboard_rows(&shown, "Proposed complete, awaiting sign-off (6)");
    assert_eq!(awaiting.len(), 6, "{shown}");
    assert!(!shown.contains("more: oslog list --status"), "{shown}");

    let all = stdout(&common::oslog(dir, &["status", "--all"]));
    let mut rows = dashboard_rows(&all, &heading);
    assert!(!all.contains(" more: oslog list"), "{all}");
    let mut listed: Vec<u32> = stale.iter().map(|s| s.parse().unwrap()).collect();
    rows.sort_unstable();
    listed.sort_unstable();
    assert_eq!(rows, listed, "{all}");

    // JSON always holds every action of each list.
    let json = stdout(&common::oslog(dir, &["status", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["stale"].as_array().unwrap().len(), stale.len());

    let (code, _, err) = run(dir, &["status", "5", "ongoing", "--all"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--all"), "{err}");
}
