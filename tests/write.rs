//! The commands that write (add, status N STATUS, update, edit), run as the binary on a copy of a fixture
//! log in a temporary folder: what they write, what they refuse (exit 2, files untouched), that the log
//! stays valid, that concurrent adds get distinct numbers, and `--commit` in a real git repository.

mod common;
use common::copy_dir;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

const FIXTURE: &str = "tests/cmd/valid.in";

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("log");
    copy_dir(Path::new(FIXTURE), &root);
    (dir, root)
}

fn oslog(root: &Path, args: &[&str]) -> Output {
    common::oslog_with(root, args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under the root with its bytes, to show that a refusal changed nothing.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for dir in ["actions", "timeline"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            out.insert(p.clone(), std::fs::read(&p).unwrap());
        }
    }
    out.insert(
        root.join("themes.yaml"),
        std::fs::read(root.join("themes.yaml")).unwrap(),
    );
    out
}

fn assert_valid(root: &Path) {
    let o = oslog(root, &["validate", "--strict"]);
    assert!(o.status.success(), "{}", stdout(&o));
}

/// Run a command that must be refused with exit 2 and leave every file as it was; returns stderr.
fn refused(root: &Path, args: &[&str]) -> String {
    let before = snapshot(root);
    let o = oslog(root, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    assert_eq!(snapshot(root), before, "{args:?} changed files");
    assert!(
        !oslog::store::lock_held(root),
        "{args:?} left the log locked"
    );
    stderr(&o)
}

/// What a refused command must say on stderr: all of it, or a part.
enum Says {
    All(&'static str),
    Part(&'static str),
}
use Says::{All, Part};

/// Run each command, which must be refused (see [`refused`]), in order, and check what it says.
fn refusals(root: &Path, cases: &[(&[&str], Says)]) {
    for (args, says) in cases {
        let err = refused(root, args);
        match says {
            All(text) => assert_eq!(err, *text, "{args:?}"),
            Part(text) => assert!(err.contains(text), "{args:?}: {err}"),
        }
    }
}

/// `add` of an action titled `t`, theme `theme`, raised July 2019, with `more` arguments.
fn add<'a>(theme: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "add", "--title", "t", "--theme", theme, "--raised", "2019-07",
    ];
    args.extend(more);
    args
}

#[test]
fn add_writes_the_next_number_and_prints_it() {
    let (_dir, root) = fixture();
    let o = oslog(
        &root,
        &[
            "add",
            "--title",
            "HO to circulate the DPIA",
            "--theme",
            "data-sharing",
            "--raised",
            "2019-07",
            "--deadline",
            "2019-09",
            "--owner",
            "HO",
            "--link",
            "16",
            "--note",
            "Agreed at workshop 6.",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "added action 17 (actions/017.yaml)\n");
    assert_eq!(
        std::fs::read_to_string(root.join("actions/017.yaml")).unwrap(),
        "id: 17\ntitle: HO to circulate the DPIA\ntheme: data-sharing\nowner: HO\nraised: 2019-07\n\
         deadline: 2019-09\nstatus: not-started\nlinks: [16]\nupdates:\n  - date: 2019-07-01\n    \
         text: Agreed at workshop 6.\n"
    );
    assert_valid(&root);
}

#[test]
fn add_never_reuses_a_former_number() {
    let (_dir, root) = fixture();
    let path = root.join("actions/016.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("links: [1]\n", "links: [1]\nformerly: [112]\n"),
    )
    .unwrap();
    let o = oslog(&root, &add("governance", &[]));
    assert_eq!(stdout(&o), "added action 113 (actions/113.yaml)\n");
}

#[test]
fn add_without_a_terminal_names_every_missing_flag() {
    let (_dir, root) = fixture();
    refusals(
        &root,
        &[(
            &["add", "--owner", "HO"],
            All("oslog: error: missing --title, --theme, --raised; standard input is not a terminal, so oslog cannot ask for them\n"),
        )],
    );
}

#[test]
fn add_refuses_an_unknown_theme_with_a_hint() {
    let (_dir, root) = fixture();
    refusals(
        &root,
        &[
            (
                &add("data-sharng", &[]),
                All("oslog: error: unknown theme `data-sharng`; did you mean `data-sharing`?\n"),
            ),
            (
                &add("governance", &["--link", "99"]),
                Part("there is no action 99"),
            ),
            (
                &add("governance", &["--deadline", "2019-05"]),
                Part("before the action was raised"),
            ),
        ],
    );
}

#[test]
fn twenty_concurrent_adds_get_twenty_numbers() {
    let (_dir, root) = fixture();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let title = format!("Concurrent action {i}");
            common::oslog_command(&root, &common::add_args(&title))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut numbers = Vec::new();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let n: u32 = stdout(&o)
            .strip_prefix("added action ")
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        numbers.push(n);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (17..37).collect::<Vec<u32>>());
    let titles: std::collections::HashSet<String> = (17..37)
        .map(|n| std::fs::read_to_string(root.join(format!("actions/{n:03}.yaml"))).unwrap())
        .collect();
    assert_eq!(titles.len(), 20);
    assert_valid(&root);
}

#[test]
fn status_moves_along_the_lifecycle_and_explains_itself() {
    let (_dir, root) = fixture();
    let o = oslog(
        &root,
        &[
            "status",
            "16",
            "proposed-complete",
            "--note",
            "Paper circulated.",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "action 16: ongoing → proposed-complete (actions/016.yaml)\n"
    );
    let o = oslog(
        &root,
        &["status", "16", "complete", "--signed-off", "2019-06-27"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(root.join("actions/016.yaml")).unwrap();
    assert!(
        text.contains("status: complete\nsigned_off: 2019-06-27\n"),
        "{text}"
    );
    assert!(text.ends_with(
        "  - date: 2019-07-01\n    text: Status changed from ongoing to proposed-complete. Paper circulated.\n  \
         - date: 2019-07-01\n    text: Status changed from proposed-complete to complete, signed off 2019-06-27.\n"
    ), "{text}");
    assert_valid(&root);
    let o = oslog(
        &root,
        &[
            "--today",
            "2019-07-10",
            "status",
            "16",
            "ongoing",
            "--reopen",
            "--note",
            "Recorded in error.",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(root.join("actions/016.yaml")).unwrap();
    assert!(!text.contains("signed_off"));
    assert!(text.ends_with(
        "  - date: 2019-07-10\n    text: Reopened; status changed from complete to ongoing. Recorded in error.\n"
    ));
    assert_valid(&root);
}

#[test]
fn status_refusals_exit_2_and_change_nothing() {
    let (_dir, root) = fixture();
    refusals(
        &root,
        &[
            (
                &["status", "16", "not-started"],
                All("oslog: error: action 16 cannot move from ongoing to not-started; from ongoing it can move to: proposed-complete, closed\n"),
            ),
            (
                &["status", "16", "closed"],
                Part("needs a reason: --merged-into N, --duplicate-of N or --note TEXT"),
            ),
            (
                &["status", "16", "closed", "--merged-into", "99"],
                Part("[dangling-reference]"),
            ),
            (&["status", "1", "ongoing"], Part("needs --reopen and --note")),
            (
                &["status", "1", "ongoing", "--reopen"],
                Part("needs --reopen and --note"),
            ),
            (
                &["status", "16", "proposed-complete", "--reopen"],
                Part("--reopen is only for"),
            ),
            (
                &["status", "99", "ongoing"],
                All("oslog: error: no action 99 in actions\n"),
            ),
            (
                &["status", "16"],
                Part("give the new status of action 16"),
            ),
            (&["status", "--note", "x"], Part("need an action")),
            (
                &["status", "16", "closed", "--note", "x", "--date", "2019-07-02"],
                Part("--date 2019-07-02 is after today"),
            ),
        ],
    );
}

#[test]
fn status_refuses_a_file_it_cannot_rewrite_without_loss() {
    let (_dir, root) = fixture();
    let path = root.join("actions/016.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("status: ongoing\n", "status: ongoing # see minutes\n"),
    )
    .unwrap();
    refusals(
        &root,
        &[(&["update", "16", "More."], Part("[comment-not-kept]"))],
    );
}

#[test]
fn update_appends_a_dated_paragraph() {
    let (_dir, root) = fixture();
    let o = oslog(&root, &["update", "16", "Draft shared with members."]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "action 16: update of 2019-07-01 added (actions/016.yaml)\n"
    );
    let text = std::fs::read_to_string(root.join("actions/016.yaml")).unwrap();
    assert!(text.ends_with("  - date: 2019-07-01\n    text: Draft shared with members.\n"));
    refusals(&root, &[(&["update", "16", "  "], Part("empty"))]);
    assert_valid(&root);
}

#[test]
fn edit_records_a_moved_deadline() {
    let (_dir, root) = fixture();
    let o = oslog(
        &root,
        &[
            "edit",
            "16",
            "--deadline",
            "2019-09",
            "--owner",
            "HO",
            "--unlink",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "action 16: changed owner, deadline, links (actions/016.yaml)\n"
    );
    let text = std::fs::read_to_string(root.join("actions/016.yaml")).unwrap();
    assert!(text.contains("owner: HO\n") && !text.contains("links"));
    assert!(
        text.ends_with("  - date: 2019-07-01\n    text: Deadline moved from 2019-07 to 2019-09.\n")
    );
    assert_valid(&root);
    refusals(
        &root,
        &[
            (
                &["edit", "16", "--theme", "governanse"],
                All("oslog: error: unknown theme `governanse`; did you mean `governance`?\n"),
            ),
            (
                &["edit", "16", "--merged-into", "16"],
                Part("[self-reference]"),
            ),
            (
                &["edit", "16", "--deadline", "2019-09"],
                Part("nothing to change"),
            ),
        ],
    );
}

#[test]
fn milestones_are_added_and_moved() {
    let (_dir, root) = fixture();
    let o = oslog(
        &root,
        &[
            "milestone",
            "add",
            "--date",
            "2019-10",
            "--kind",
            "workshop",
            "--title",
            "Workshop 7",
            "--action",
            "16",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "added milestone 2019-10-workshop-7 (timeline/2019-10-workshop-7.yaml)\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("timeline/2019-10-workshop-7.yaml")).unwrap(),
        "id: 2019-10-workshop-7\ndate: 2019-10\nkind: workshop\ntitle: Workshop 7\nstatus: planned\nactions: [16]\n"
    );
    assert_valid(&root);
    let o = oslog(
        &root,
        &["milestone", "status", "2019-10-workshop-7", "done"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "milestone 2019-10-workshop-7: planned → done (timeline/2019-10-workshop-7.yaml)\n"
    );
    refusals(
        &root,
        &[
            (
                &["milestone", "status", "2019-10-workshop-7", "done"],
                Part("already done"),
            ),
            (
                &["milestone", "status", "2019-10-workshop", "done"],
                Part("did you mean `2019-10-workshop-7`?"),
            ),
            (
                &[
                    "milestone",
                    "add",
                    "--date",
                    "2019-11",
                    "--kind",
                    "report",
                    "--title",
                    "R",
                    "--action",
                    "99",
                ],
                Part("[dangling-reference]"),
            ),
        ],
    );
}

mod commit {
    use super::*;
    use git2::{Repository, Signature, Time};

    /// A repository holding the fixture log in `log/`, committed once at a fixed time.
    fn repo() -> (tempfile::TempDir, PathBuf, Repository) {
        let (dir, root) = fixture();
        let repo = Repository::init(dir.path()).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Secretariat").unwrap();
        cfg.set_str("user.email", "secretariat@example.org")
            .unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["log"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new("Seed", "seed@example.org", &Time::new(1_561_939_200, 0)).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "Seed", &tree, &[])
            .unwrap();
        drop(tree);
        (dir, root, repo)
    }

    #[test]
    fn a_status_change_commits_exactly_its_file() {
        let (_dir, root, repo) = repo();
        // Unrelated staged work must stay staged and out of the commit.
        std::fs::write(root.join("actions/001.yaml"), "changed\n").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("log/actions/001.yaml")).unwrap();
        index.write().unwrap();
        let o = oslog(&root, &["status", "16", "proposed-complete", "--commit"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(
            head.message().unwrap(),
            "Action 16: ongoing → proposed-complete\n\n\
             - status: ongoing → proposed-complete\n\
             - update added: 2019-07-01: Status changed from ongoing to proposed-complete.\n\n\
             Oslog-Action: 16\nOslog-Status: ongoing -> proposed-complete\n"
        );
        assert_eq!(head.author().name().ok(), Some("Secretariat"));
        let files: Vec<_> = common::head_changes(&repo)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(files, vec![PathBuf::from("log/actions/016.yaml")]);
        let statuses = repo.statuses(None).unwrap();
        let staged: Vec<_> = statuses
            .iter()
            .filter(|s| s.status().is_index_modified())
            .map(|s| s.path().unwrap().to_string())
            .collect();
        assert_eq!(staged, vec!["log/actions/001.yaml"]);
    }

    #[test]
    fn staged_changes_to_the_same_file_are_refused() {
        let (_dir, root, repo) = repo();
        let path = root.join("actions/016.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("owner: withheld", "owner: HO")).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("log/actions/016.yaml")).unwrap();
        index.write().unwrap();
        refusals(
            &root,
            &[(
                &["update", "16", "More.", "--commit"],
                Part("log/actions/016.yaml has staged changes"),
            )],
        );
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(head.message().ok(), Some("Seed"));
    }

    fn add(root: &Path, title: &str) -> String {
        let o = oslog(root, &common::add_args(title));
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    }

    /// Commit the whole working tree, removals included, at a fixed time.
    fn commit_all(repo: &Repository, message: &str) {
        common::commit(repo, "Secretariat", 1_562_000_000, message);
    }

    #[test]
    fn a_deleted_actions_number_is_not_given_again() {
        let (dir, root, repo) = repo();
        assert_eq!(add(&root, "First"), "added action 17 (actions/017.yaml)\n");
        commit_all(&repo, "Add 17");
        std::fs::remove_file(root.join("actions/017.yaml")).unwrap();
        commit_all(&repo, "Remove 17");
        assert_eq!(add(&root, "Second"), "added action 18 (actions/018.yaml)\n");
        commit_all(&repo, "Add 18");
        // Deleted in the working tree only: the history still has it.
        std::fs::remove_file(root.join("actions/018.yaml")).unwrap();
        assert_eq!(add(&root, "Third"), "added action 19 (actions/019.yaml)\n");
        // The walk is kept in the history cache, so the next add reads only new commits.
        let cache = dir.path().join(".git/oslog/history-");
        let cached = std::fs::read_dir(dir.path().join(".git/oslog"))
            .unwrap()
            .any(|e| {
                e.unwrap()
                    .path()
                    .to_string_lossy()
                    .starts_with(&*cache.to_string_lossy())
            });
        assert!(cached, "no history cache for the log in log/");
    }

    #[test]
    fn the_former_numbers_of_a_deleted_action_are_not_given_again() {
        let (_dir, root, repo) = repo();
        let text = "id: 20\ntitle: Moved once\ntheme: governance\nraised: 2019-01\nstatus: ongoing\nformerly: [30]\n";
        // Under a name that is not its number, so that only its text says 20 and 30.
        std::fs::write(root.join("actions/moved.yaml"), text).unwrap();
        commit_all(&repo, "Add a record");
        std::fs::remove_file(root.join("actions/moved.yaml")).unwrap();
        commit_all(&repo, "Remove it");
        assert_eq!(add(&root, "Next"), "added action 31 (actions/031.yaml)\n");
    }

    #[test]
    fn renumber_does_not_give_out_a_deleted_actions_number() {
        let (_dir, root, repo) = repo();
        assert_eq!(
            add(&root, "Soon removed"),
            "added action 17 (actions/017.yaml)\n"
        );
        commit_all(&repo, "Add 17");
        std::fs::remove_file(root.join("actions/017.yaml")).unwrap();
        commit_all(&repo, "Remove 17");
        // A careless copy: a second file claims 16.
        let copy = std::fs::read_to_string(root.join("actions/016.yaml"))
            .unwrap()
            .replace("title: ", "title: Copy of ");
        std::fs::write(root.join("actions/copy.yaml"), copy).unwrap();
        let o = oslog(&root, &["renumber"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("action 16 → 18"), "{}", stdout(&o));
        assert!(!root.join("actions/017.yaml").exists());
    }

    #[test]
    fn add_commits_the_new_file() {
        let (_dir, root, repo) = repo();
        let o = oslog(&root, &super::add("governance", &["--commit"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(
            head.message().unwrap(),
            "Action 17: add \"t\"\n\n- added: t (status not-started)\n\nOslog-Action: 17\n"
        );
        assert!(head
            .tree()
            .unwrap()
            .get_path(Path::new("log/actions/017.yaml"))
            .is_ok());
    }
}
