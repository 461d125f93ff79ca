//! Number collisions end to end: `validate --base`, `renumber` (with and without `--onto`, all or
//! nothing) and the merge driver as git runs it, in real repositories built in temporary folders with
//! fixed authors and commit times. Commits and branches are made with git2; the merges themselves
//! are run by the `git` command, so that git calls `oslog merge-driver` as it would for a user.

mod common;
use common::{commit, git_merge, log_repo, oslog_with, snapshot, switch, write};
use git2::Repository;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The binary under test, as git runs it for the merge driver.
const OSLOG: &str = env!("CARGO_BIN_EXE_oslog");
const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";
/// 1 July 2019, noon UTC.
const T0: i64 = 1_561_982_400;

/// The time of day `day` after T0, in seconds since the epoch.
fn at(day: i64) -> i64 {
    T0 + day * 86_400
}

fn action(id: u32, title: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: {title}\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n{extra}"
    )
}

/// The day these scenarios run on: after every date they give.
const TODAY: (&str, &str) = ("OSLOG_TODAY", "2019-07-31");

fn oslog(dir: &Path, args: &[&str]) -> Output {
    oslog_with(dir, args, &[TODAY])
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// A repository on `main` with actions 1 to 138 committed.
fn log_of_138() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let repo = log_repo(dir.path(), THEMES, 138, |id| {
        action(id, &format!("Action {id}"), "")
    });
    commit(&repo, "Ann", at(0), "Start the log");
    (dir, repo)
}

#[test]
fn two_branches_add_action_139_and_renumber_onto_makes_the_merge_clean() {
    let (dir, repo) = log_of_138();
    let root = dir.path();
    switch(&repo, "feature");
    switch(&repo, "main");
    write(
        root,
        "actions/139.yaml",
        &action(139, "Theirs, publish the DPIA", ""),
    );
    commit(&repo, "Bob", at(1), "Add action 139 on main");

    switch(&repo, "feature");
    write(
        root,
        "actions/139.yaml",
        &action(
            139,
            "Ours, circulate the paper",
            "updates:\n  - text: Linked from action 139 in the minutes.\n",
        ),
    );
    write(
        root,
        "actions/016.yaml",
        &action(16, "Action 16", "links: [139]\n"),
    );
    write(
        root,
        "timeline/2019-10-workshop-7.yaml",
        "id: 2019-10-workshop-7\ndate: 2019-10\nkind: workshop\ntitle: Workshop 7\nstatus: planned\nactions: [16, 139]\n",
    );
    commit(&repo, "Cy", at(2), "Add action 139 on feature");

    let flagged = oslog(root, &["validate", "--base", "main"]);
    assert_eq!(code(&flagged), 1, "{}", text(&flagged));
    let out = text(&flagged);
    assert!(out.contains("error[number-collision]: action 139 is new on this branch, but main has given it to another record: Theirs, publish the DPIA"), "{out}");
    assert!(out.contains("--> actions/139.yaml:1:5"), "{out}");
    assert!(
        out.contains("hint: run: oslog renumber --onto main"),
        "{out}"
    );

    let before = snapshot(root);
    let dry = oslog(root, &["renumber", "--onto", "main", "--dry-run"]);
    assert_eq!(code(&dry), 0, "{}", text(&dry));
    assert_eq!(snapshot(root), before, "a dry run changes nothing");
    let plan = text(&dry);
    assert!(
        plan.contains(
            "action 139 → 140: Ours, circulate the paper (main:actions/139.yaml keeps 139)"
        ),
        "{plan}"
    );
    assert!(plan.contains("  actions/016.yaml\n  actions/140.yaml (renamed from actions/139.yaml)\n  timeline/2019-10-workshop-7.yaml\n"), "{plan}");
    assert!(
        plan.contains("actions/139.yaml: 139 in \"Linked from action 139 in the minutes.\""),
        "{plan}"
    );

    let done = oslog(root, &["renumber", "--onto", "main"]);
    assert_eq!(code(&done), 0, "{}", text(&done));
    assert!(!root.join("actions/139.yaml").exists());
    assert_eq!(
        read(root, "actions/140.yaml"),
        action(
            140,
            "Ours, circulate the paper",
            "formerly: [139]\nupdates:\n  - text: Linked from action 139 in the minutes.\n"
        ),
        "the mention in text is listed, not rewritten"
    );
    assert!(read(root, "actions/016.yaml").contains("links: [140]\n"));
    assert!(read(root, "timeline/2019-10-workshop-7.yaml").contains("actions: [16, 140]\n"));
    assert_eq!(code(&oslog(root, &["validate", "--base", "main"])), 0);
    commit(&repo, "Cy", at(3), "Renumber 139 to 140");

    let merged = git_merge(root, "main");
    assert!(merged.status.success(), "{}", text(&merged));
    assert!(read(root, "actions/139.yaml").contains("Theirs, publish the DPIA"));
    assert!(read(root, "actions/140.yaml").contains("Ours, circulate the paper"));
    let valid = oslog(root, &["validate", "--strict"]);
    assert_eq!(code(&valid), 0, "{}", text(&valid));
    let history = oslog(root, &["history", "140", "--format", "json"]);
    assert!(
        text(&history).contains("\"renumbered\""),
        "history follows the move: {}",
        text(&history)
    );
    // After the merge, 139 is main's action: none of its trail belongs to 140's.
    assert!(
        !text(&history).contains("Theirs"),
        "history of 140 holds main's 139: {}",
        text(&history)
    );
}

/// The seed log with its two collisions put back: 139.yaml and 140.yaml claim 97 and 112 again.
fn seed_with_collisions() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(here.join("themes.yaml"), dir.path().join("themes.yaml")).unwrap();
    for sub in ["actions", "timeline"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(here.join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    for (file, from, to) in [
        ("actions/139.yaml", "139", "97"),
        ("actions/140.yaml", "140", "112"),
    ] {
        let t = read(dir.path(), file)
            .replace(&format!("id: {from}\n"), &format!("id: {to}\n"))
            .replace(&format!("formerly: [{to}]\n"), "");
        write(dir.path(), file, &t);
    }
    dir
}

#[test]
fn the_seed_collisions_resolve_as_the_data_notes_say() {
    let dir = seed_with_collisions();
    let root = dir.path();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = text(&oslog(root, &["validate"]));
    assert!(
        found.contains("error[duplicate-id]: action 97 is also in"),
        "{found}"
    );

    let done = oslog(root, &["renumber"]);
    assert_eq!(code(&done), 0, "{}", text(&done));
    let plan = text(&done);
    assert!(
        plan.contains("action 97 → 139: HO to review use of term “citizens”"),
        "{plan}"
    );
    assert!(plan.contains("(actions/097.yaml keeps 97)"), "{plan}");
    assert!(
        plan.contains("action 112 → 140: Involve to research academics"),
        "{plan}"
    );
    assert!(plan.contains("(actions/112.yaml keeps 112)"), "{plan}");
    assert!(
        plan.contains("actions/099.yaml: 97 in"),
        "the mention in 99 is listed: {plan}"
    );
    for file in [
        "actions/139.yaml",
        "actions/140.yaml",
        "actions/099.yaml",
        "actions/097.yaml",
        "actions/112.yaml",
        "timeline/2019-09-open-space-annual-report.yaml",
    ] {
        assert_eq!(
            read(root, file),
            read(here, file),
            "{file} is as the seed has it"
        );
    }
    assert_eq!(snapshot(root).len(), snapshot_log(here).len());
    assert_eq!(code(&oslog(root, &["validate"])), 0);
}

fn snapshot_log(root: &Path) -> Vec<PathBuf> {
    ["actions", "timeline"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .chain([root.join("themes.yaml")])
        .collect()
}

#[test]
fn a_renumber_that_fails_midway_leaves_nothing_changed() {
    // Two files change: write 1 is the journal, 2 and 3 the files; then each named step.
    let faults = ["1", "2", "3"]
        .map(|n| ("OSLOG_FAIL_WRITE", n))
        .into_iter()
        .chain(
            [
                "journal-written",
                "journal-renamed:1",
                "journal-renamed:2",
                "journal-applied",
            ]
            .map(|at| ("OSLOG_FAIL_AT", at)),
        );
    for fault in faults {
        let dir = seed_with_collisions();
        let before = snapshot(dir.path());
        let failed = oslog_with(dir.path(), &["renumber"], &[TODAY, fault]);
        assert_eq!(code(&failed), 2, "{fault:?}: {}", text(&failed));
        assert!(
            text(&failed).contains("nothing was changed"),
            "{}",
            text(&failed)
        );
        assert_eq!(snapshot(dir.path()), before, "failing at {fault:?}");
    }
}

/// A repository on `main` with action 16 (one update), the merge driver installed and pointing at
/// the binary under test.
fn log_with_driver() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = Repository::init(root).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    write(root, "themes.yaml", THEMES);
    write(
        root,
        "actions/016.yaml",
        &action(
            16,
            "Provocation paper on data sharing",
            "updates:\n  - date: 2019-04-09\n    text: Substantive discussion.\n",
        ),
    );
    let installed = oslog(root, &["merge-driver", "--install"]);
    assert_eq!(code(&installed), 0, "{}", text(&installed));
    assert_eq!(
        read(root, ".gitattributes"),
        "actions/*.yaml merge=oslog\ntimeline/*.yaml merge=oslog\n"
    );
    let config = repo.config().unwrap().snapshot().unwrap();
    assert_eq!(
        config.get_str("merge.oslog.driver").unwrap(),
        "oslog merge-driver %O %A %B %P %L %S %X %Y"
    );
    // The line installed before the marker size was passed (%L) still works.
    repo.config()
        .unwrap()
        .set_str(
            "merge.oslog.driver",
            &format!("'{OSLOG}' merge-driver %O %A %B %P"),
        )
        .unwrap();
    commit(&repo, "Ann", at(0), "Start the log");
    switch(&repo, "other");
    switch(&repo, "main");
    (dir, repo)
}

#[test]
fn updates_appended_on_two_branches_merge_cleanly_in_date_order() {
    let (dir, repo) = log_with_driver();
    let root = dir.path();
    assert_eq!(
        code(&oslog(
            root,
            &[
                "update",
                "16",
                "Draft shared with members.",
                "--date",
                "2019-07-09"
            ]
        )),
        0
    );
    commit(&repo, "Bob", at(1), "Update 16");
    switch(&repo, "other");
    assert_eq!(
        code(&oslog(
            root,
            &[
                "update",
                "16",
                "Discussed at workshop 6.",
                "--date",
                "2019-07-02"
            ]
        )),
        0
    );
    assert_eq!(code(&oslog(root, &["edit", "16", "--owner", "HO"])), 0);
    commit(&repo, "Cy", at(2), "Update 16 too");
    switch(&repo, "main");

    let merged = git_merge(root, "other");
    assert!(merged.status.success(), "{}", text(&merged));
    assert_eq!(
        read(root, "actions/016.yaml"),
        "id: 16\ntitle: Provocation paper on data sharing\ntheme: governance\nowner: HO\nraised: 2019-01\nstatus: ongoing\nupdates:\n  - date: 2019-04-09\n    text: Substantive discussion.\n  - date: 2019-07-02\n    text: Discussed at workshop 6.\n  - date: 2019-07-09\n    text: Draft shared with members.\n"
    );
    let valid = oslog(root, &["validate", "--strict"]);
    assert_eq!(code(&valid), 0, "{}", text(&valid));
}

#[test]
fn a_status_changed_differently_on_both_sides_is_a_conflict_around_that_field() {
    let (dir, repo) = log_with_driver();
    let root = dir.path();
    assert_eq!(
        code(&oslog(
            root,
            &["status", "16", "proposed-complete", "--date", "2019-07-05"]
        )),
        0
    );
    commit(&repo, "Bob", at(1), "16 proposed complete");
    switch(&repo, "other");
    assert_eq!(
        code(&oslog(
            root,
            &[
                "status",
                "16",
                "closed",
                "--note",
                "Withdrawn.",
                "--date",
                "2019-07-05"
            ]
        )),
        0
    );
    commit(&repo, "Cy", at(2), "16 closed");
    switch(&repo, "main");

    let merged = git_merge(root, "other");
    assert!(!merged.status.success(), "{}", text(&merged));
    assert!(
        text(&merged).contains("oslog: conflict in actions/016.yaml: status changed differently"),
        "{}",
        text(&merged)
    );
    let file = read(root, "actions/016.yaml");
    assert!(
        file.starts_with("id: 16\ntitle: Provocation paper on data sharing\ntheme: governance\nraised: 2019-01\n<<<<<<< ours\nstatus: proposed-complete\n=======\nstatus: closed\n>>>>>>> theirs\n"),
        "{file}"
    );

    // The driver on its own, as git calls it: exit 1 on the conflict.
    let tmp = tempfile::tempdir().unwrap();
    let base = action(16, "Paper", "");
    write(tmp.path(), "o", &base);
    write(tmp.path(), "a", &base.replace("ongoing", "complete"));
    write(tmp.path(), "b", &base.replace("ongoing", "closed"));
    let driver = oslog(
        tmp.path(),
        &["merge-driver", "o", "a", "b", "actions/016.yaml"],
    );
    assert_eq!(code(&driver), 1, "{}", text(&driver));
    assert_eq!(
        read(tmp.path(), "a"),
        "id: 16\ntitle: Paper\ntheme: governance\nraised: 2019-01\n<<<<<<< ours\nstatus: complete\n=======\nstatus: closed\n>>>>>>> theirs\n"
    );
}

/// `renumber --commit`: one commit holding the rename and every rewritten reference, nothing else.
#[test]
fn renumber_commit_records_the_rename_and_the_references() {
    let (dir, repo) = log_of_138();
    let root = dir.path();
    let mut cfg = repo.config().unwrap();
    cfg.set_str("user.name", "Cy").unwrap();
    cfg.set_str("user.email", "cy@example.org").unwrap();
    // Action 139 added twice on one branch (a careless copy), one of them linked from action 16.
    write(root, "actions/139.yaml", &action(139, "First", ""));
    write(root, "actions/200.yaml", &action(139, "Second", ""));
    write(
        root,
        "actions/016.yaml",
        &action(16, "Action 16", "links: [139]\n"),
    );
    commit(&repo, "Cy", at(1), "Add two actions");
    // Unrelated work, staged: it must stay staged and out of the commit.
    write(root, "notes.txt", "draft\n");
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("notes.txt")).unwrap();
    index.write().unwrap();

    let refused = oslog(root, &["renumber", "--commit", "--dry-run"]);
    assert_eq!(code(&refused), 2, "{}", text(&refused));

    let done = oslog(root, &["renumber", "--commit"]);
    assert_eq!(code(&done), 0, "{}", text(&done));
    assert!(text(&done).contains("committed "), "{}", text(&done));

    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let message = head.message().unwrap();
    assert!(
        message.starts_with("Renumber action 139 to 140\n"),
        "{message}"
    );
    assert!(
        message.contains("\nOslog-Renumber: 139 -> 140\n"),
        "{message}"
    );
    let mut changed: Vec<String> = common::head_changes(&repo)
        .into_iter()
        .map(|(status, path)| format!("{status:?} {}", path.display()))
        .collect();
    changed.sort();
    let loser = if read(root, "actions/140.yaml").contains("First") {
        "139"
    } else {
        "200"
    };
    let mut want: Vec<String> = vec![
        format!("Deleted actions/{loser}.yaml"),
        "Added actions/140.yaml".to_string(),
    ];
    if loser == "139" {
        want.push("Modified actions/016.yaml".to_string());
    }
    want.sort();
    assert_eq!(changed, want);
    // The work tree matches the commit for every file renumber touched; the staged note stays staged.
    let status = common::git(root, &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "A  notes.txt\n");
    // The trail goes back through the file that held the moved record, not the file named 139.
    let history = text(&oslog(root, &["history", "140", "--format", "json"]));
    assert!(history.contains("\"renumbered\""), "{history}");
    assert!(history.contains("\"Second\""), "{history}");
    assert!(!history.contains("\"First\""), "{history}");
}
