//! `--commit` in real repositories: the commit is made completely or not at all (a held or stale
//! `index.lock`, an unfinished merge or rebase, and injected failures and aborts at each step of the
//! commit), it works from a linked worktree and on a detached HEAD, and its message describes every
//! record change the commit holds, including earlier uncommitted edits of the same file.

mod common;
use common::copy_dir;
use common::{git as git_in, shown as text};
use git2::Repository;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture log, committed under `log/` of a new repository at a fixed time, with an identity
/// and a staged unrelated file (`notes.txt`) that every `--commit` must leave staged.
struct Fixture {
    _dir: tempfile::TempDir,
    top: PathBuf,
    root: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("repo");
        let root = top.join("log");
        copy_dir(Path::new("tests/cmd/valid.in"), &root);
        let f = Fixture {
            _dir: dir,
            top,
            root,
        };
        f.git_ok(&["init", "-q", "-b", "main"]);
        f.git_ok(&["config", "user.name", "Secretariat"]);
        f.git_ok(&["config", "user.email", "secretariat@example.org"]);
        f.git_ok(&["add", "-A"]);
        f.git_ok(&["commit", "-q", "-m", "Seed"]);
        std::fs::write(f.top.join("notes.txt"), "draft\n").unwrap();
        f.git_ok(&["add", "notes.txt"]);
        f
    }

    /// Run the git program in the repository's top folder with fixed dates.
    fn git(&self, args: &[&str]) -> Output {
        git_in(&self.top, args)
    }

    fn git_ok(&self, args: &[&str]) -> String {
        let o = self.git(args);
        assert!(o.status.success(), "git {args:?}: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn oslog(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        common::oslog_with(&self.root, args, env)
    }

    fn head(&self) -> String {
        self.git_ok(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn git_dir(&self) -> PathBuf {
        self.top.join(".git")
    }

    fn index(&self) -> Vec<u8> {
        std::fs::read(self.git_dir().join("index")).unwrap()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// `git status --porcelain`, which must always show the staged note.
    fn status(&self) -> String {
        self.git_ok(&["status", "--porcelain"])
    }

    fn message(&self) -> String {
        self.git_ok(&["log", "-1", "--format=%B"])
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MOVE: &[&str] = &["status", "16", "proposed-complete", "--commit"];

#[test]
fn a_held_index_lock_is_refused_before_anything_is_written() {
    let f = Fixture::new();
    let (head, index, before) = (f.head(), f.index(), f.read("actions/016.yaml"));
    std::fs::write(f.git_dir().join("index.lock"), "").unwrap();
    let o = f.oslog(MOVE, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = stderr(&o);
    assert!(err.contains("index.lock"), "{err}");
    assert!(err.contains("another git process"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(f.head(), head, "HEAD moved");
    assert_eq!(f.index(), index, "the index changed");
    assert_eq!(f.read("actions/016.yaml"), before, "the file was written");
    assert!(
        f.git_dir().join("index.lock").exists(),
        "another process's lock is not oslog's to remove"
    );
    // Once the lock is gone the same command succeeds completely.
    std::fs::remove_file(f.git_dir().join("index.lock")).unwrap();
    let o = f.oslog(MOVE, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(f.status(), "A  notes.txt\n");
}

#[test]
fn unfinished_merges_rebases_and_unmerged_paths_are_refused() {
    let f = Fixture::new();
    f.git_ok(&["commit", "-q", "-m", "Notes"]);
    // Two branches that change notes.txt differently: merging them stops with a conflict.
    f.git_ok(&["switch", "-q", "-c", "other"]);
    std::fs::write(f.top.join("notes.txt"), "theirs\n").unwrap();
    f.git_ok(&["commit", "-q", "-am", "Theirs"]);
    f.git_ok(&["switch", "-q", "main"]);
    std::fs::write(f.top.join("notes.txt"), "ours\n").unwrap();
    f.git_ok(&["commit", "-q", "-am", "Ours"]);
    let cases: [(&[&str], &str, &[&str]); 4] = [
        (&["merge", "other"], "a merge", &["merge", "--abort"]),
        (&["rebase", "other"], "a rebase", &["rebase", "--abort"]),
        (
            &["cherry-pick", "other"],
            "a cherry-pick",
            &["cherry-pick", "--abort"],
        ),
        (&["revert", "HEAD~1"], "a revert", &["revert", "--abort"]),
    ];
    for (start, what, abort) in cases {
        let o = f.git(start);
        assert!(
            !o.status.success(),
            "git {start:?} should stop: {}",
            text(&o)
        );
        let (head, index, before) = (f.head(), f.index(), f.read("actions/016.yaml"));
        let o = f.oslog(&["update", "16", "More.", "--commit"], &[]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", text(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!("{what} is in progress")), "{err}");
        assert!(err.contains(&format!("git {}", abort.join(" "))), "{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert_eq!(
            (f.head(), f.index(), f.read("actions/016.yaml")),
            (head, index, before),
            "{what}"
        );
        f.git_ok(abort);
    }
    // Conflicts left in the index without a merge (as `git stash pop` leaves them).
    f.git_ok(&["switch", "-q", "-c", "stashing", "other"]);
    std::fs::write(f.top.join("notes.txt"), "stashed\n").unwrap();
    f.git_ok(&["stash", "-q"]);
    std::fs::write(f.top.join("notes.txt"), "changed\n").unwrap();
    f.git_ok(&["commit", "-q", "-am", "Changed"]);
    assert!(!f.git(&["stash", "pop"]).status.success());
    let o = f.oslog(&["update", "16", "More.", "--commit"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("unmerged"), "{}", stderr(&o));
    f.git_ok(&["reset", "-q", "--hard"]);
    let bisect = f.git(&["bisect", "start"]);
    assert!(bisect.status.success(), "{}", text(&bisect));
    let o = f.oslog(&["update", "16", "More.", "--commit"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("git bisect reset"), "{}", stderr(&o));
}

/// The named points of a commit, in order; the last comes after the commit point (the ref update).
const BEFORE_REF: [&str; 3] = ["commit-objects", "commit-index", "commit-ref"];

#[test]
fn a_failure_before_the_ref_update_changes_nothing_in_git_and_says_how_to_commit() {
    for point in BEFORE_REF {
        let f = Fixture::new();
        let (head, index) = (f.head(), f.index());
        let o = f.oslog(MOVE, &[("OSLOG_FAIL_AT", point)]);
        assert_eq!(o.status.code(), Some(2), "{point}: {}", text(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("nothing was committed"), "{point}: {err}");
        assert!(err.contains("actions/016.yaml holds the change"), "{err}");
        assert_eq!(f.head(), head, "{point}: HEAD moved");
        assert_eq!(f.index(), index, "{point}: the index changed");
        assert!(!f.git_dir().join("index.lock").exists(), "{point}");
        assert!(f
            .read("actions/016.yaml")
            .contains("status: proposed-complete"));
        assert_eq!(
            f.status(),
            " M log/actions/016.yaml\nA  notes.txt\n",
            "{point}"
        );
        // The command the error gives commits the change by hand, and only it.
        let hint = err.split("run: ").nth(1).expect("a command to run").trim();
        let by_hand = Command::new("sh")
            .args(["-c", hint])
            .current_dir(&f.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(by_hand.status.success(), "{hint}: {}", text(&by_hand));
        assert_eq!(f.status(), "A  notes.txt\n", "{point}: {hint}");
        assert!(
            f.message()
                .starts_with("Action 16: ongoing → proposed-complete\n"),
            "{}",
            f.message()
        );
    }
}

#[test]
fn a_failure_after_the_ref_update_reports_the_commit_and_the_repair() {
    let f = Fixture::new();
    let head = f.head();
    let o = f.oslog(MOVE, &[("OSLOG_FAIL_AT", "commit-index-rename")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = stderr(&o);
    assert_ne!(f.head(), head, "the commit was made");
    let short = &f.head()[..7];
    assert!(err.contains(&format!("committed {short}")), "{err}");
    assert!(!f.git_dir().join("index.lock").exists());
    let hint = err.split("run: ").nth(1).expect("a repair").trim();
    let repair = Command::new("sh")
        .args(["-c", hint])
        .current_dir(&f.root)
        .output()
        .unwrap();
    assert!(repair.status.success(), "{hint}: {}", text(&repair));
    assert_eq!(f.status(), "A  notes.txt\n", "{hint}");
}

#[test]
fn an_abort_at_any_step_leaves_head_and_index_old_or_new_together() {
    for point in BEFORE_REF.iter().chain(&["commit-index-rename"]) {
        let f = Fixture::new();
        let head = f.head();
        let o = f.oslog(MOVE, &[("OSLOG_ABORT_AT", point)]);
        assert!(!o.status.success(), "{point}");
        // Like a crashed git, the process leaves git's lock behind; the next --commit says what to do.
        assert!(f.git_dir().join("index.lock").exists(), "{point}");
        std::fs::remove_file(f.root.join(".oslog.lock")).unwrap();
        let again = f.oslog(&["update", "16", "More.", "--commit"], &[]);
        assert_eq!(again.status.code(), Some(2), "{point}");
        assert!(stderr(&again).contains("crashed"), "{}", stderr(&again));
        std::fs::remove_file(f.git_dir().join("index.lock")).unwrap();
        let moved = f.head() != head;
        assert_eq!(moved, *point == "commit-index-rename", "{point}");
        if !moved {
            assert_eq!(
                f.status(),
                " M log/actions/016.yaml\nA  notes.txt\n",
                "{point}"
            );
        }
    }
}

#[test]
fn oslog_holds_the_index_lock_from_the_write_to_the_end() {
    let f = Fixture::new();
    let child = common::oslog_command(&f.root, MOVE)
        .env("OSLOG_DELAY", "commit-objects:3000")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lock = f.git_dir().join("index.lock");
    let start = std::time::Instant::now();
    while !f.read("actions/016.yaml").contains("proposed-complete") {
        assert!(start.elapsed().as_secs() < 30, "the file was never written");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        lock.exists(),
        "the file is written while git's index is not held"
    );
    // Another git process cannot stage meanwhile, so it cannot be overwritten or undone.
    std::fs::write(f.top.join("other.txt"), "x\n").unwrap();
    let add = f.git(&["add", "other.txt"]);
    assert!(!add.status.success(), "{}", text(&add));
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!lock.exists());
    assert_eq!(f.status(), "A  notes.txt\n?? other.txt\n");
}

#[test]
fn the_commit_keeps_heads_reflog_and_runs_no_hooks() {
    let f = Fixture::new();
    let hooks = f.top.join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    for hook in ["pre-commit", "commit-msg", "post-commit"] {
        let path = hooks.join(hook);
        std::fs::write(
            &path,
            "#!/bin/sh\ntouch \"$(dirname \"$0\")/ran\"\nexit 1\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    f.git_ok(&["config", "core.hooksPath", "hooks"]);
    let o = f.oslog(MOVE, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!hooks.join("ran").exists());
    let reflog = f.git_ok(&["reflog", "-1", "--format=%gs"]);
    assert_eq!(reflog, "commit: Action 16: ongoing → proposed-complete\n");
    let branch = f.git_ok(&["reflog", "-1", "--format=%gs", "main"]);
    assert_eq!(branch, reflog);
}

#[test]
fn a_linked_worktree_commits_on_its_own_branch_and_index() {
    let f = Fixture::new();
    f.git_ok(&["commit", "-q", "-m", "Notes"]);
    let wt = f.top.parent().unwrap().join("wt");
    f.git_ok(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    let main_head = f.head();
    let o = common::oslog_with(&wt.join("log"), MOVE, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(f.head(), main_head, "the main worktree's branch moved");
    let side = git_in(&wt, &["log", "-1", "--format=%s"]);
    assert_eq!(
        String::from_utf8_lossy(&side.stdout),
        "Action 16: ongoing → proposed-complete\n"
    );
    let status = git_in(&wt, &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");
    assert!(!f.git_dir().join("worktrees/wt/index.lock").exists());
}

#[test]
fn a_detached_head_is_committed_on_and_said_so() {
    let f = Fixture::new();
    f.git_ok(&["commit", "-q", "-m", "Notes"]);
    f.git_ok(&["switch", "-q", "--detach"]);
    let o = f.oslog(MOVE, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("detached HEAD"), "{out}");
    assert!(out.contains("git switch -c"), "{out}");
    assert_eq!(
        f.git_ok(&["log", "-1", "--format=%s"]),
        "Action 16: ongoing → proposed-complete\n"
    );
    assert_eq!(f.status(), "");
}

#[test]
fn a_first_commit_on_an_unborn_branch() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("repo");
    copy_dir(Path::new("tests/cmd/valid.in"), &top);
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["config", "user.name", "Secretariat"],
        &["config", "user.email", "secretariat@example.org"],
    ] {
        assert!(git_in(&top, args).status.success());
    }
    let o = common::oslog_with(&top, MOVE, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let repo = Repository::open(&top).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.parent_count(), 0);
    let tree = head.tree().unwrap();
    assert_eq!(tree.len(), 1, "only the touched file");
    assert!(tree.get_path(Path::new("actions/016.yaml")).is_ok());
    let status = git_in(&top, &["status", "--porcelain", "actions"]);
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "?? actions/001.yaml\n"
    );
}

#[test]
fn the_message_describes_every_change_the_commit_holds() {
    let f = Fixture::new();
    // An earlier change of the same file, never committed, is swept into the next commit of it.
    let o = f.oslog(
        &["status", "16", "proposed-complete", "--note", "Paper sent."],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = f.oslog(&["edit", "16", "--deadline", "2019-09", "--commit"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        f.message(),
        "Action 16: ongoing → proposed-complete, deadline 2019-07 → 2019-09\n\n\
         - deadline: 2019-07 → 2019-09\n\
         - status: ongoing → proposed-complete\n\
         - update added: 2019-07-01: Status changed from ongoing to proposed-complete. Paper sent.\n\
         - update added: 2019-07-01: Deadline moved from 2019-07 to 2019-09.\n\n\
         Oslog-Action: 16\n\
         Oslog-Status: ongoing -> proposed-complete\n\n"
    );
    assert_eq!(f.status(), "A  notes.txt\n");
}

#[test]
fn every_writing_command_says_what_happened_in_its_commit() {
    let f = Fixture::new();
    let run = |args: &[&str]| {
        let o = f.oslog(args, &[]);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        f.message()
    };
    let add = run(&[
        "add",
        "--title",
        "HO to circulate the DPIA",
        "--theme",
        "data-sharing",
        "--raised",
        "2019-07",
        "--commit",
    ]);
    assert_eq!(
        add,
        "Action 17: add \"HO to circulate the DPIA\"\n\n\
         - added: HO to circulate the DPIA (status not-started)\n\nOslog-Action: 17\n\n"
    );
    let update = run(&[
        "update",
        "16",
        "Draft shared.",
        "--date",
        "2019-06-20",
        "--commit",
    ]);
    assert_eq!(
        update,
        "Action 16: update of 2019-06-20\n\n- update added: 2019-06-20: Draft shared.\n\nOslog-Action: 16\n\n"
    );
    let status = run(&["status", "16", "proposed-complete", "--commit"]);
    assert!(
        status.starts_with(
            "Action 16: ongoing → proposed-complete\n\n- status: ongoing → proposed-complete\n"
        ),
        "{status}"
    );
    let milestone = run(&[
        "milestone",
        "add",
        "--date",
        "2019-10",
        "--kind",
        "workshop",
        "--title",
        "Workshop 7",
        "--commit",
    ]);
    assert!(
        milestone.starts_with("Milestone 2019-10-workshop-7: add \"Workshop 7\"\n\n"),
        "{milestone}"
    );
    assert!(milestone.ends_with("\nOslog-Milestone: 2019-10-workshop-7\n\n"));
    let done = run(&[
        "milestone",
        "status",
        "2019-10-workshop-7",
        "done",
        "--commit",
    ]);
    assert_eq!(
        done,
        "Milestone 2019-10-workshop-7: planned → done\n\n\
         Oslog-Milestone: 2019-10-workshop-7\nOslog-Status: planned -> done\n\n"
    );
    assert!(!f
        .git_ok(&["log", "--format=%B"])
        .contains("Oslog-Status: ->"));
}

#[test]
fn a_renumbering_commit_describes_earlier_edits_of_the_files_it_touches() {
    let f = Fixture::new();
    // A careless copy: two files claim 16, and action 1 links to it.
    let text16 = f.read("actions/016.yaml");
    std::fs::write(
        f.root.join("actions/017.yaml"),
        text16.replace("title: HO committed", "title: Copy of HO committed"),
    )
    .unwrap();
    let one = f.read("actions/001.yaml");
    std::fs::write(
        f.root.join("actions/001.yaml"),
        one.replace("artefacts: [1]\n", "links: [16]\nartefacts: [1]\n"),
    )
    .unwrap();
    f.git_ok(&["add", "-A", "log"]);
    f.git_ok(&["commit", "-q", "-m", "Copy"]);
    // An uncommitted edit of the file renumber will move.
    let copy = f.read("actions/017.yaml");
    std::fs::write(
        f.root.join("actions/017.yaml"),
        copy.replace("owner: withheld", "owner: HO"),
    )
    .unwrap();
    let o = f.oslog(&["renumber", "--commit"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    let m = f.message();
    // The copy keeps its file, 017.yaml, and takes the number the file names.
    assert_eq!(
        m,
        "Renumber action 16 to 17\n\n- renumbered from #16\n- owner: withheld → HO\n\n\
         Oslog-Action: 17\nOslog-Renumber: 16 -> 17\n\n"
    );
}

#[test]
fn concurrent_adds_commit_one_after_another() {
    let f = Fixture::new();
    let children: Vec<_> = (0..6)
        .map(|i| {
            let title = format!("Concurrent action {i}");
            let mut args = common::add_args(&title).to_vec();
            args.push("--commit");
            common::oslog_command(&f.root, &args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    let subjects = f.git_ok(&["log", "--format=%s", "-6"]);
    assert_eq!(subjects.lines().count(), 6);
    assert!(subjects
        .lines()
        .all(|s| s.contains(": add \"Concurrent action")));
    assert_eq!(f.status(), "A  notes.txt\n");
}

#[test]
fn a_failed_write_under_commit_releases_gits_index_and_commits_nothing() {
    let f = Fixture::new();
    let (head, index) = (f.head(), f.index());
    let o = f.oslog(MOVE, &[("OSLOG_FAIL_WRITE", "1")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!((f.head(), f.index()), (head, index));
    assert!(!f.git_dir().join("index.lock").exists());
    assert_eq!(f.status(), "A  notes.txt\n");
}
