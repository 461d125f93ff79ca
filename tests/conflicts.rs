//! Two branches that each added a different action under the same number, merged before anyone ran
//! `renumber --onto`: with the merge driver installed and without it (git's own line-wise markers,
//! in the default and the diff3 style). Both whole records must survive the merge, `validate` must
//! name the conflict and the command that resolves it, and `renumber` must turn it into two valid
//! records, the merged-into branch's keeping its number. A record changed differently on both sides
//! is one record, never split.

mod common;
use common::{commit, git, git_merge, log_repo, switch, write};
use std::path::Path;
use std::process::Output;

const OSLOG: &str = env!("CARGO_BIN_EXE_oslog");
const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";

fn action(id: u32, title: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: {title}\ntheme: governance\nraised: 2019-07\nstatus: ongoing\n{extra}"
    )
}

const MAINS: &str = "Main's paper on data sharing";
const FEATURES: &str = "Feature's consultation response";

fn mains() -> String {
    action(4, MAINS, "links: [1]\n")
}

fn features() -> String {
    action(
        4,
        FEATURES,
        "updates:\n  - date: 2019-07-02\n    text: Drafted.\n",
    )
}

fn oslog(root: &Path, args: &[&str]) -> Output {
    common::oslog_with(root, args, &[])
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// How git merges record files in a test.
#[derive(Clone, Copy)]
enum Merging {
    /// With `oslog merge-driver`, installed as `--install` does (pointing at the binary under test),
    /// and git's conflict marker size set to `size`.
    Driver { size: usize },
    /// Git's own line-wise merge, in the default or the diff3 conflict style.
    Git { diff3: bool },
}

/// A repository with actions 1 to 3 on `main`; `main` and `feature` then each add a different action
/// 4, `main` committing `main_4` and `feature` committing `feature_4` (after `base_4`, when given, on
/// both). HEAD is `main`, and `git merge feature` has run.
fn merged(
    how: Merging,
    base_4: Option<&str>,
    main_4: &str,
    feature_4: &str,
) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = log_repo(root, THEMES, 3, |id| {
        action(id, &format!("Action {id}"), "")
    });
    if let Some(base) = base_4 {
        write(root, "actions/004.yaml", base);
    }
    match how {
        Merging::Driver { size } => {
            let installed = oslog(root, &["merge-driver", "--install"]);
            assert!(installed.status.success(), "{}", text(&installed));
            let line =
                oslog::commands::merge_driver::DRIVER.replacen("oslog", &format!("'{OSLOG}'"), 1);
            repo.config()
                .unwrap()
                .set_str("merge.oslog.driver", &line)
                .unwrap();
            if size != 7 {
                write(
                    root,
                    ".gitattributes",
                    &format!("actions/*.yaml merge=oslog conflict-marker-size={size}\n"),
                );
            }
        }
        Merging::Git { diff3 } => {
            if diff3 {
                repo.config()
                    .unwrap()
                    .set_str("merge.conflictStyle", "diff3")
                    .unwrap();
            }
        }
    }
    commit(&repo, "Ann", 1_561_982_400, "Start the log");
    switch(&repo, "feature");
    switch(&repo, "main");
    write(root, "actions/004.yaml", main_4);
    commit(&repo, "Bob", 1_562_068_800, "Main: action 4");
    switch(&repo, "feature");
    write(root, "actions/004.yaml", feature_4);
    commit(&repo, "Cy", 1_562_155_200, "Feature: action 4");
    switch(&repo, "main");
    let merge = git_merge(root, "feature");
    (dir, merge)
}

/// After a conflicted add/add merge: validate names the conflict at `line` with the fix, renumber
/// splits it, and the merge can be committed with both records valid.
fn resolves_into_two_records(root: &Path, line: u32) {
    let found = oslog(root, &["validate"]);
    assert_eq!(found.status.code(), Some(1), "{}", text(&found));
    let out = text(&found);
    assert!(
        out.contains(&format!(
            "error[conflict-markers]: unresolved merge conflict: two different actions claim number 4: “{MAINS}” (ours) and “{FEATURES}” (theirs)\n --> actions/004.yaml:{line}:1\n"
        )),
        "{out}"
    );
    assert!(out.contains("= hint: run: oslog renumber"), "{out}");
    assert!(!out.contains("yaml-syntax"), "{out}");

    // Git is in the middle of the merge: oslog does not commit on its own.
    let before = read(root, "actions/004.yaml");
    let refused = oslog(root, &["renumber", "--commit"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("a merge is in progress"),
        "{}",
        text(&refused)
    );
    assert_eq!(read(root, "actions/004.yaml"), before);

    let split = oslog(root, &["renumber"]);
    assert!(split.status.success(), "{}", text(&split));
    assert!(
        text(&split).contains(&format!("action 4 → 5: {FEATURES}")),
        "{}",
        text(&split)
    );
    assert_eq!(read(root, "actions/004.yaml"), mains(), "ours keeps 4");
    assert_eq!(
        read(root, "actions/005.yaml"),
        action(
            5,
            FEATURES,
            "formerly: [4]\nupdates:\n  - date: 2019-07-02\n    text: Drafted.\n"
        ),
        "theirs moves, with formerly"
    );
    let valid = oslog(root, &["validate", "--strict"]);
    assert!(valid.status.success(), "{}", text(&valid));
    let added = git(root, &["add", "-A"]);
    assert!(added.status.success(), "{}", text(&added));
    let committed = git(root, &["commit", "--no-edit"]);
    assert!(committed.status.success(), "{}", text(&committed));
    let status = git(root, &["status", "--porcelain"]);
    assert_eq!(text(&status), "");
}

#[test]
fn with_the_driver_both_whole_records_survive_the_merge() {
    let (dir, merge) = merged(Merging::Driver { size: 7 }, None, &mains(), &features());
    let root = dir.path();
    assert!(!merge.status.success(), "{}", text(&merge));
    assert!(
        text(&merge).contains("oslog: conflict in actions/004.yaml: both sides added a different action under this number"),
        "{}",
        text(&merge)
    );
    assert_eq!(
        read(root, "actions/004.yaml"),
        format!(
            "<<<<<<< HEAD\n{}=======\n{}>>>>>>> feature\n",
            mains(),
            features()
        )
    );
    resolves_into_two_records(root, 1);
}

#[test]
fn the_driver_writes_markers_of_the_size_git_asks_for() {
    let (dir, merge) = merged(Merging::Driver { size: 9 }, None, &mains(), &features());
    let root = dir.path();
    assert!(!merge.status.success(), "{}", text(&merge));
    assert_eq!(
        read(root, "actions/004.yaml"),
        format!(
            "<<<<<<<<< HEAD\n{}=========\n{}>>>>>>>>> feature\n",
            mains(),
            features()
        )
    );
    resolves_into_two_records(root, 1);
}

#[test]
fn without_the_driver_gits_markers_are_found_and_split() {
    let (dir, merge) = merged(Merging::Git { diff3: false }, None, &mains(), &features());
    let root = dir.path();
    assert!(!merge.status.success(), "{}", text(&merge));
    let file = read(root, "actions/004.yaml");
    assert!(file.starts_with("id: 4\n<<<<<<< HEAD\n"), "{file}");
    resolves_into_two_records(root, 2);
}

#[test]
fn the_diff3_style_is_found_and_split() {
    let (dir, merge) = merged(Merging::Git { diff3: true }, None, &mains(), &features());
    let root = dir.path();
    assert!(!merge.status.success(), "{}", text(&merge));
    let file = read(root, "actions/004.yaml");
    // With an empty ancestor, git makes the whole file one conflict.
    assert!(file.starts_with("<<<<<<< HEAD\nid: 4\n"), "{file}");
    assert!(file.contains("\n||||||| "), "{file}");
    resolves_into_two_records(root, 1);
}

#[test]
fn one_record_changed_differently_on_both_sides_is_never_split() {
    // Both sides retitle the same action 4 and move it differently: one record, two opinions.
    let base = action(4, "Shared paper", "");
    let ours =
        action(4, "Shared paper, revised by main", "").replace("ongoing", "proposed-complete");
    let theirs = action(4, "Shared paper, revised by feature", "").replace("ongoing", "closed");
    for how in [
        Merging::Git { diff3: false },
        Merging::Git { diff3: true },
        Merging::Driver { size: 7 },
    ] {
        let (dir, merge) = merged(how, Some(&base), &ours, &theirs);
        let root = dir.path();
        assert!(!merge.status.success(), "{}", text(&merge));
        let found = text(&oslog(root, &["validate"]));
        assert!(
            found.contains("error[conflict-markers]: unresolved merge conflict: both sides changed this record differently"),
            "{found}"
        );
        assert!(found.contains("= hint: resolve it by hand"), "{found}");
        let before = read(root, "actions/004.yaml");
        let renumber = oslog(root, &["renumber"]);
        assert!(renumber.status.success(), "{}", text(&renumber));
        assert!(
            text(&renumber).contains(
                "actions/004.yaml: a merge conflict inside one record; resolve it by hand"
            ),
            "{}",
            text(&renumber)
        );
        assert_eq!(read(root, "actions/004.yaml"), before);
        assert!(!root.join("actions/005.yaml").exists());
    }
}

#[test]
fn the_driver_keeps_both_texts_when_a_side_does_not_load() {
    let tmp = tempfile::tempdir().unwrap();
    let ours = action(4, MAINS, "");
    let theirs = "id: 4\ntitle: [unclosed\n";
    write(tmp.path(), "o", "");
    write(tmp.path(), "a", &ours);
    write(tmp.path(), "b", theirs);
    let driver = oslog(
        tmp.path(),
        &["merge-driver", "o", "a", "b", "actions/004.yaml", "7"],
    );
    assert_eq!(driver.status.code(), Some(1), "{}", text(&driver));
    assert_eq!(
        read(tmp.path(), "a"),
        format!("<<<<<<< ours\n{ours}=======\n{theirs}>>>>>>> theirs\n")
    );
}

#[test]
fn the_driver_labels_its_markers_as_git_asks_on_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let ours = action(4, MAINS, "");
    let theirs = "id: 4\ntitle: [unclosed\n";
    let run = |labels: &[&str]| {
        write(tmp.path(), "o", "");
        write(tmp.path(), "a", &ours);
        write(tmp.path(), "b", theirs);
        let mut args = vec!["merge-driver", "o", "a", "b", "actions/004.yaml", "8"];
        args.extend(labels);
        let driver = oslog(tmp.path(), &args);
        assert_eq!(driver.status.code(), Some(1), "{}", text(&driver));
        read(tmp.path(), "a")
    };
    assert_eq!(
        run(&["base", "HEAD", "feature/x"]),
        format!("<<<<<<<< HEAD\n{ours}========\n{theirs}>>>>>>>> feature/x\n")
    );
    // A label never breaks the marker's line; a git older than 2.44 passes the placeholders as they
    // are, and the markers then say ours and theirs.
    assert_eq!(
        run(&["base", "HEAD\n=======", "%Y"]),
        format!("<<<<<<<< HEAD\\u{{a}}=======\n{ours}========\n{theirs}>>>>>>>> theirs\n")
    );
    assert_eq!(
        run(&["%S", "%X", "%Y"]),
        format!("<<<<<<<< ours\n{ours}========\n{theirs}>>>>>>>> theirs\n")
    );
}
