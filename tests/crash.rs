//! Crash safety of writes, shown with the fault injection that debug builds honour: a write that fails
//! or a process that aborts midway leaves every file in its old state or its new one.

mod common;
use common::{commit, log_repo, snapshot, switch, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";

/// A log of three actions, each valid but not canonical (keys out of order).
fn messy_log(dir: &Path) -> Vec<(String, String)> {
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(dir.join("themes.yaml"), THEMES).unwrap();
    (1..=3)
        .map(|id| {
            let name = format!("actions/{id:03}.yaml");
            let text = format!("title: Action {id}.\nid: {id}\ntheme: governance\nstatus: ongoing\nraised: 2019-02\n");
            std::fs::write(dir.join(&name), &text).unwrap();
            (name, text)
        })
        .collect()
}

fn canonical(id: u32) -> String {
    format!("id: {id}\ntitle: Action {id}.\ntheme: governance\nraised: 2019-02\nstatus: ongoing\n")
}

fn fmt_with(dir: &Path, var: &str, n: &str) -> std::process::Output {
    common::oslog_with(dir, &["fmt"], &[(var, n)])
}

#[test]
fn a_failed_write_leaves_every_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let old = messy_log(dir.path());
    // Write 1 is the journal, 2 the first file: fmt writes its three files all or nothing.
    for n in ["1", "2", "4"] {
        let out = fmt_with(dir.path(), "OSLOG_FAIL_WRITE", n);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("injected failure at write {n}")),
            "{err}"
        );
        assert!(err.contains("nothing was changed"), "{err}");
        for (name, before) in &old {
            let now = std::fs::read_to_string(dir.path().join(name)).unwrap();
            assert_eq!(&now, before, "failing at write {n}");
        }
        let leftovers: Vec<_> = ["", "actions"]
            .iter()
            .flat_map(|d| std::fs::read_dir(dir.path().join(d)).unwrap().flatten())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".oslog") && n != ".oslog.lock")
            .collect();
        assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    }
}

#[test]
fn an_abort_midway_is_named_by_validate_and_completed_by_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let old = messy_log(dir.path());
    let out = fmt_with(dir.path(), "OSLOG_ABORT_WRITE", "3");
    assert!(!out.status.success());
    for (i, (name, before)) in old.iter().enumerate() {
        let now = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(
            now == *before || now == canonical(i as u32 + 1),
            "{name} is neither old nor new:\n{now}"
        );
    }
    // What the killed write left is named with its fix, not reported as a stray file.
    let v = common::oslog(dir.path(), &["validate", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let codes: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["hint"].as_str().unwrap_or(""),
            )
        })
        .filter(|(c, _)| *c != "non-canonical")
        .collect();
    assert!(!codes.is_empty(), "{json}");
    for (code, hint) in &codes {
        assert_eq!(*code, "interrupted-write", "{json}");
        assert!(hint.starts_with("run: oslog recover"), "{json}");
    }
    // The lock ended with the process: the next writer goes ahead, completing the write first.
    let again = fmt_with(dir.path(), "OSLOG_FAIL_WRITE", "0");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{err}");
    assert!(err.contains("oslog: completed an interrupted write: wrote actions/001.yaml, actions/002.yaml, actions/003.yaml"), "{err}");
    for (i, (name, _)) in old.iter().enumerate() {
        let now = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(now, canonical(i as u32 + 1));
    }
    let v = common::oslog(dir.path(), &["validate", "--strict"]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
}

/// Every record file under `root` (not the lock, not temporary files), by path.
fn tree(root: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for dir in ["", "actions", "timeline"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") && !name.starts_with('.') {
                let rel = format!("{dir}/{name}");
                out.insert(rel, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    out
}

/// A copy of the valid fixture log.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("tests/cmd/valid.in");
    for rel in [
        "themes.yaml",
        "actions/001.yaml",
        "actions/016.yaml",
        "timeline/2019-09-open-space-annual-report.yaml",
    ] {
        std::fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
        std::fs::copy(from.join(rel), dir.path().join(rel)).unwrap();
    }
    dir
}

fn oslog(dir: &Path, args: &[&str], fault: Option<(&str, &str)>) -> std::process::Output {
    let fault: Vec<(&str, &str)> = fault.into_iter().collect();
    common::oslog_with(dir, args, &fault)
}

const WRITING_COMMANDS: &[&[&str]] = &[
    &[
        "add",
        "--title",
        "Circulate the DPIA.",
        "--theme",
        "data-sharing",
        "--raised",
        "2019-07",
    ],
    &[
        "status",
        "16",
        "proposed-complete",
        "--note",
        "Paper circulated.",
    ],
    &["update", "16", "Draft paper shared with members."],
    &["edit", "16", "--deadline", "2019-12"],
    &[
        "milestone",
        "status",
        "2019-09-open-space-annual-report",
        "done",
    ],
    &[
        "milestone",
        "add",
        "--date",
        "2019-10",
        "--kind",
        "workshop",
        "--title",
        "Workshop 8",
    ],
    &["fmt"],
];

/// The fixture with work for `fmt` (action 16's first two lines swapped), and its record files.
fn unformatted() -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, String>,
) {
    let dir = fixture();
    let path = dir.path().join("actions/016.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(0, 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let files = tree(dir.path());
    (dir, files)
}

#[test]
fn every_writing_command_leaves_the_old_tree_when_its_write_fails() {
    for args in WRITING_COMMANDS {
        let (dir, before) = unformatted();
        let out = oslog(dir.path(), args, Some(("OSLOG_FAIL_WRITE", "1")));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("injected failure at write 1"),
            "{args:?}: {err}"
        );
        assert_eq!(tree(dir.path()), before, "{args:?} changed the log");
        let dotfiles: Vec<String> = ["", "actions", "timeline"]
            .iter()
            .flat_map(|d| std::fs::read_dir(dir.path().join(d)).unwrap().flatten())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".oslog") && n != ".oslog.lock")
            .collect();
        assert!(dotfiles.is_empty(), "{args:?} left {dotfiles:?}");
    }
}

#[test]
fn every_writing_command_leaves_the_old_or_the_new_tree_when_it_aborts() {
    for args in WRITING_COMMANDS {
        let (done, before) = unformatted();
        let out = oslog(done.path(), args, None);
        assert!(out.status.success(), "{args:?}: {out:?}");
        let after = tree(done.path());
        assert_ne!(before, after, "{args:?} changed nothing");

        let (dir, _) = unformatted();
        let out = oslog(dir.path(), args, Some(("OSLOG_ABORT_WRITE", "1")));
        assert!(!out.status.success(), "{args:?}");
        let now = tree(dir.path());
        assert!(
            now == before || now == after,
            "{args:?} left a mix: {now:#?}"
        );
        // The lock ended with the process.
        assert!(!oslog::store::lock_held(dir.path()), "{args:?}");
    }
}

#[test]
fn recover_says_what_it_completed_and_then_that_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    messy_log(dir.path());
    let killed = oslog(
        dir.path(),
        &["fmt"],
        Some(("OSLOG_ABORT_AT", "journal-renamed:2")),
    );
    assert!(!killed.status.success());
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    // A reading command warns, and changes nothing.
    let status = oslog(dir.path(), &["status"], None);
    let warning = String::from_utf8_lossy(&status.stderr);
    assert!(
        warning.contains("[interrupted-write] .oslog-journal")
            && warning.contains("run `oslog recover`"),
        "{warning}"
    );
    assert!(dir.path().join(".oslog-journal").exists());
    let done = oslog(dir.path(), &["recover"], None);
    assert!(done.status.success(), "{done:?}");
    assert_eq!(
        text(&done),
        "completed an interrupted write: wrote actions/001.yaml, actions/002.yaml, actions/003.yaml\n"
    );
    for id in 1..=3 {
        let now =
            std::fs::read_to_string(dir.path().join(format!("actions/{id:03}.yaml"))).unwrap();
        assert_eq!(now, canonical(id));
    }
    let again = oslog(dir.path(), &["recover"], None);
    assert_eq!(
        text(&again),
        "nothing to recover: no write was interrupted\n"
    );
}

#[test]
fn concurrent_status_and_update_on_one_action_both_keep_their_change() {
    for round in 0..5 {
        let dir = fixture();
        let spawn = |args: &[&str]| {
            common::oslog_command(dir.path(), args)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut a = spawn(&[
            "status",
            "16",
            "proposed-complete",
            "--note",
            "Paper circulated.",
        ]);
        let mut b = spawn(&["update", "16", "Discussed at workshop 6."]);
        assert!(a.wait().unwrap().success(), "round {round}: status failed");
        assert!(b.wait().unwrap().success(), "round {round}: update failed");
        let text = std::fs::read_to_string(dir.path().join("actions/016.yaml")).unwrap();
        assert!(
            text.contains("status: proposed-complete"),
            "round {round}:\n{text}"
        );
        assert!(text.contains("Paper circulated."), "round {round}:\n{text}");
        assert!(
            text.contains("Discussed at workshop 6."),
            "round {round}:\n{text}"
        );
        assert!(!oslog::store::lock_held(dir.path()));
    }
}

/// A repository where `main` and `feature` each added actions 6, 7 and 8; on `feature`, action 9
/// links to 6 and a milestone cites 7. HEAD is `feature`: `renumber --onto main` renames three files
/// and rewrites two, a write of several steps.
fn branches_with_collisions() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let action = |id: u32, who: &str, extra: &str| {
        format!("id: {id}\ntitle: {who} action {id}\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n{extra}")
    };
    let repo = log_repo(root, THEMES, 5, |id| action(id, "Shared", ""));
    commit(&repo, "Ann", 1_561_982_400, "Start");
    switch(&repo, "feature");
    switch(&repo, "main");
    for id in 6..=8 {
        write(
            root,
            &format!("actions/{id:03}.yaml"),
            &action(id, "Main's", ""),
        );
    }
    commit(&repo, "Bob", 1_562_068_800, "Main adds 6 to 8");
    switch(&repo, "feature");
    for id in 6..=8 {
        write(
            root,
            &format!("actions/{id:03}.yaml"),
            &action(id, "Feature's", ""),
        );
    }
    write(
        root,
        "actions/009.yaml",
        &action(9, "Feature's", "links: [6]\n"),
    );
    write(
        root,
        "timeline/2019-10-workshop-7.yaml",
        "id: 2019-10-workshop-7\ndate: 2019-10\nkind: workshop\ntitle: Workshop 7\nstatus: planned\nactions: [7]\n",
    );
    commit(&repo, "Cy", 1_562_155_200, "Feature adds 6 to 9");
    dir
}

/// Every way to kill a run at a step of its write: each counted write, and each named point of the
/// journal up to `k` times.
fn kills(writes: usize, k: usize) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&str, String)> = (1..=writes)
        .map(|n| ("OSLOG_ABORT_WRITE", n.to_string()))
        .collect();
    out.push(("OSLOG_ABORT_AT", "journal-written".into()));
    out.push(("OSLOG_ABORT_AT", "journal-applied".into()));
    for i in 1..=k {
        out.push(("OSLOG_ABORT_AT", format!("journal-renamed:{i}")));
        out.push(("OSLOG_ABORT_AT", format!("journal-removed:{i}")));
    }
    out
}

/// Kill `args` at every step of its write (`steps` of them) in a fresh log from `setup`; then run
/// `then` as the docs say, and require the log to be exactly as before the command or exactly as
/// after it (with `exact_new`, exactly as after it): every file's bytes, no file more, and no
/// temporary file or journal left.
fn kill_at_every_step(
    setup: fn() -> tempfile::TempDir,
    args: &[&str],
    steps: usize,
    then: &[&str],
    exact_new: bool,
) {
    let old = snapshot(setup().path());
    let done = setup();
    let ran = oslog(done.path(), args, None);
    assert!(ran.status.success(), "{ran:?}");
    let new = snapshot(done.path());
    assert_ne!(old, new);
    let mut killed = 0;
    for (var, at) in kills(12, 6) {
        let dir = setup();
        let out = oslog(dir.path(), args, Some((var, &at)));
        if out.status.success() {
            // The point is not on this write's way (a sixth rename of a write of five).
            assert_eq!(snapshot(dir.path()), new, "{var}={at}");
            continue;
        }
        killed += 1;
        let after = oslog(dir.path(), then, None);
        assert!(
            after.status.success(),
            "{var}={at}, then {then:?}: {after:?}"
        );
        let now = snapshot(dir.path());
        if exact_new {
            assert!(
                now == new,
                "{var}={at}, then {then:?}: {}",
                differences(&now, &new)
            );
        } else {
            assert!(
                now == old || now == new,
                "{var}={at}, then {then:?}: neither old ({}) nor new ({})",
                differences(&now, &old),
                differences(&now, &new)
            );
        }
    }
    assert_eq!(killed, steps, "the write has another number of steps");
}

/// The files that differ between two snapshots, by name.
fn differences(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let names: std::collections::BTreeSet<&PathBuf> = a.keys().chain(b.keys()).collect();
    let differ: Vec<String> = names
        .into_iter()
        .filter(|n| a.get(*n) != b.get(*n))
        .map(|n| n.display().to_string())
        .collect();
    differ.join(", ")
}

#[test]
fn renumber_killed_at_any_step_then_recover_gives_the_old_or_the_new_log() {
    let renumber = ["renumber", "--onto", "main"];
    // The history cache (read for the numbers deleted actions used), the journal, five files and
    // three removals; and the named points between them.
    kill_at_every_step(branches_with_collisions, &renumber, 19, &["recover"], false);
}

#[test]
fn renumber_killed_at_any_step_then_run_again_gives_the_new_log_once() {
    let renumber = ["renumber", "--onto", "main"];
    kill_at_every_step(branches_with_collisions, &renumber, 19, &renumber, true);
}

#[test]
fn fmt_killed_at_any_step_then_recover_gives_the_old_or_the_new_log() {
    fn messy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        messy_log(dir.path());
        dir
    }
    // The journal and three files; and the named points between them.
    kill_at_every_step(messy, &["fmt"], 9, &["recover"], false);
    kill_at_every_step(messy, &["fmt"], 9, &["fmt"], true);
}

#[test]
fn an_add_after_a_killed_renumber_completes_it_first() {
    let dir = branches_with_collisions();
    let root = dir.path();
    let killed = oslog(
        root,
        &["renumber", "--onto", "main"],
        Some(("OSLOG_ABORT_AT", "journal-renamed:2")),
    );
    assert!(!killed.status.success());
    let added = oslog(root, &common::add_args("Added after the crash"), None);
    let err = String::from_utf8_lossy(&added.stderr);
    assert!(added.status.success(), "{err}");
    assert!(
        err.starts_with("oslog: completed an interrupted write: wrote actions/010.yaml, actions/011.yaml, actions/012.yaml, actions/009.yaml, timeline/2019-10-workshop-7.yaml; removed actions/006.yaml, actions/007.yaml, actions/008.yaml\n"),
        "{err}"
    );
    // Above the numbers the renumbering gave out, and above every number used before it.
    assert_eq!(
        String::from_utf8_lossy(&added.stdout),
        "added action 13 (actions/013.yaml)\n"
    );
    let again = oslog(root, &["renumber", "--onto", "main"], None);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "no number collisions\n"
    );
}
