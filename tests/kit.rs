//! The adoption kit as a new team meets it: `oslog init` in a fresh folder, `oslog hooks install`
//! in a fresh git repository, the GitHub workflow's command lines run on that repository, and the
//! generated completions and man page.

mod common;

use common::path_with_oslog;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// oslog as a new team runs it: on the day it is.
fn oslog(dir: &Path, args: &[&str]) -> Output {
    common::oslog_command(dir, args)
        .env_remove("OSLOG_TODAY")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A new log made by `oslog init` in a fresh temporary folder.
fn new_log() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = oslog(tmp.path(), &["init", "log"]);
    assert_exit(&out, 0);
    let root = tmp.path().join("log");
    (tmp, root)
}

#[test]
fn init_writes_a_log_that_passes_the_checks() {
    let (_tmp, root) = new_log();
    for file in [
        "themes.yaml",
        "README.md",
        "actions/.gitkeep",
        "timeline/.gitkeep",
    ] {
        assert!(root.join(file).is_file(), "{file} is missing");
    }
    assert_exit(&oslog(&root, &["validate", "--strict"]), 0);
    assert_exit(&oslog(&root, &["fmt", "--check"]), 0);
    let status = oslog(&root, &["status", "--today", "2025-01-01"]);
    assert_exit(&status, 0);
    assert!(text(&status.stdout).contains("Governance"));
}

#[test]
fn a_schema_modeline_survives_fmt() {
    let (_tmp, root) = new_log();
    let schema = oslog(&root, &["schema", "actions"]);
    assert_exit(&schema, 0);
    std::fs::create_dir(root.join("schemas")).unwrap();
    std::fs::write(root.join("schemas/action.schema.json"), &schema.stdout).unwrap();
    let modeline = "# yaml-language-server: $schema=../schemas/action.schema.json\n";
    std::fs::write(
        root.join("actions/001.yaml"),
        format!("{modeline}title: Share the paper\nid: 1\ntheme: governance\nraised: 2025-01\nstatus: ongoing\n"),
    )
    .unwrap();
    assert_exit(&oslog(&root, &["fmt"]), 0);
    let text = std::fs::read_to_string(root.join("actions/001.yaml")).unwrap();
    assert!(
        text.starts_with(&format!("{modeline}id: 1\ntitle:")),
        "{text}"
    );
    assert_exit(&oslog(&root, &["validate", "--strict"]), 0);
}

#[test]
fn oslogs_own_files_stay_out_of_git() {
    let (_tmp, root) = new_log();
    commit_all(&root);
    let added = oslog(
        &root,
        &[
            "add",
            "--title",
            "Share the paper",
            "--theme",
            "governance",
            "--raised",
            "2025-01",
        ],
    );
    assert_exit(&added, 0);
    assert!(root.join(".oslog.lock").is_file());
    // What a killed write leaves, as well.
    std::fs::write(root.join(".oslog-journal"), "{}").unwrap();
    std::fs::write(root.join("actions/.oslog-Ab12Cd.tmp"), "id: 2\n").unwrap();
    let status = common::git(&root, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(text(&status.stdout), "?? actions/001.yaml\n");
}

#[test]
fn init_refuses_an_existing_log_and_changes_nothing() {
    let (tmp, root) = new_log();
    std::fs::write(root.join("themes.yaml"), "themes: []\n").unwrap();
    let out = oslog(tmp.path(), &["init", "log"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).starts_with("oslog: error: "));
    assert_eq!(text(&out.stderr).lines().count(), 1);
    assert_eq!(
        std::fs::read_to_string(root.join("themes.yaml")).unwrap(),
        "themes: []\n"
    );
}

#[test]
fn init_keeps_an_existing_readme() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("README.md"), "ours\n").unwrap();
    assert_exit(&oslog(tmp.path(), &["init"]), 0);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("README.md")).unwrap(),
        "ours\n"
    );
    assert!(tmp.path().join("themes.yaml").is_file());
}

/// Make `root` a git repository with one commit of everything in it, and an `origin/main` ref at
/// that commit, as a pull request's checkout with `fetch-depth: 0` has.
fn commit_all(root: &Path) -> git2::Repository {
    let repo = git2::Repository::init(root).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new(
        "Secretariat",
        "sec@example.org",
        &git2::Time::new(1_561_939_200, 0),
    )
    .unwrap();
    let commit = repo
        .commit(Some("HEAD"), &sig, &sig, "Start the log", &tree, &[])
        .unwrap();
    repo.reference("refs/remotes/origin/main", commit, false, "fixture")
        .unwrap();
    drop(tree);
    repo
}

/// The workflow file, parsed.
fn workflow() -> serde_json::Value {
    let src = std::fs::read_to_string(".github/workflows/oslog.yml").unwrap();
    oslog::store::yaml::parse(&src).unwrap().root.to_json()
}

/// A step of the workflow after the install step: its name, `run:` script and `env:`.
struct Step {
    name: String,
    run: String,
    env: serde_json::Value,
}

impl Step {
    /// Whether the step calls GitHub's API, which only GitHub can answer.
    fn calls_github(&self) -> bool {
        self.run.contains("gh api")
    }
}

fn workflow_steps() -> Vec<Step> {
    let doc = workflow();
    let steps = doc["jobs"]["check"]["steps"].as_array().unwrap();
    let install = steps
        .iter()
        .position(|s| s["id"] == "install")
        .expect("an install step");
    steps[install + 1..]
        .iter()
        .map(|s| Step {
            name: s["name"].as_str().unwrap().to_string(),
            run: s["run"].as_str().unwrap().to_string(),
            env: s["env"].clone(),
        })
        .collect()
}

/// Run a step's script as the runner would, in `root`, with the runner's variables pointing into
/// `tmp`: the job summary file, the runner's temporary folder, and the run's address.
fn run_step(root: &Path, script: &str, tmp: &Path) -> Output {
    Command::new("sh")
        .arg("-ec")
        .arg(script)
        .current_dir(root)
        .env("PATH", path_with_oslog())
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_STEP_SUMMARY", tmp.join("summary.md"))
        .env("RUNNER_TEMP", tmp)
        .env("RUN_URL", "https://github.com/o/r/actions/runs/1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_workflow_commands_pass_on_a_new_log_and_annotate_a_broken_one() {
    let (tmp, root) = new_log();
    commit_all(&root);
    let steps = workflow_steps();
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Validate the log",
            "Check the canonical layout",
            "Check action numbers against the base branch",
            "Summarise the change",
            "Comment on the pull request"
        ]
    );
    for step in steps.iter().filter(|s| !s.calls_github()) {
        let out = run_step(&root, &step.run, tmp.path());
        assert!(out.status.success(), "step `{}` failed: {out:?}", step.name);
    }

    std::fs::write(
        root.join("actions/001.yaml"),
        "id: 1\ntitle: Share the paper\ntheme: governence\nraised: 2025-01\nstatus: ongoing\n",
    )
    .unwrap();
    let out = run_step(&root, &steps[0].run, tmp.path());
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("::error file=actions/001.yaml,line=3"),
        "{}",
        text(&out.stdout)
    );
}

/// A pull request that adds an action: the summary step writes the review into the job summary
/// and the comment's body, with the marker the comment step finds its own comment by.
#[test]
fn the_review_goes_into_the_job_summary_and_the_comment_body() {
    let (tmp, root) = new_log();
    commit_all(&root);
    assert_exit(
        &oslog(&root, &common::add_args("Share the paper @octocat")),
        0,
    );
    common::git(&root, &["add", "--all"]);
    common::git(&root, &["commit", "--quiet", "-m", "Add an action"]);
    let steps = workflow_steps();
    let step = steps
        .iter()
        .find(|s| s.name == "Summarise the change")
        .unwrap();
    assert_eq!(
        step.env["RUN_URL"],
        "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}"
    );
    let out = run_step(&root, &step.run, tmp.path());
    assert_exit(&out, 0);
    let summary = std::fs::read_to_string(tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.starts_with("## oslog diff `origin/main...HEAD`\n"),
        "{summary}"
    );
    assert!(
        summary.contains("Share the paper @\u{2060}octocat"),
        "{summary}"
    );
    let body = std::fs::read_to_string(tmp.path().join("oslog-comment.md")).unwrap();
    assert_eq!(body, format!("<!-- oslog review -->\n{summary}"));

    // The one step that is not run here: it posts that body, or updates the comment that starts
    // with the marker, with the workflow's own token, which the workflow lets write comments.
    let comment = steps.iter().find(|s| s.calls_github()).unwrap();
    assert_eq!(comment.name, "Comment on the pull request");
    assert_eq!(comment.env["GH_TOKEN"], "${{ github.token }}");
    for part in [
        "$RUNNER_TEMP/oslog-comment.md",
        "startswith(\"<!-- oslog review -->\")",
        "--method PATCH",
        "--method POST",
    ] {
        assert!(comment.run.contains(part), "{part} in {}", comment.run);
    }
    assert_eq!(workflow()["permissions"]["pull-requests"], "write");
}

/// More findings than GitHub shows as annotations: every one is in the job summary too.
#[test]
fn every_finding_is_in_the_job_summary_beside_the_annotations() {
    let (tmp, root) = new_log();
    for n in 1..=12 {
        std::fs::write(
            root.join(format!("actions/{n:03}.yaml")),
            format!("id: {n}\ntitle: Action <b>{n}</b>\ntheme: governence\nraised: 2025-01\nstatus: ongoing\n"),
        )
        .unwrap();
    }
    let steps = workflow_steps();
    let out = run_step(&root, &steps[0].run, tmp.path());
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches("::error ").count(), 12, "{stdout}");
    assert!(
        stdout.contains("::notice::12 errors; GitHub shows at most 10 of each kind as annotations: all are in the job summary"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.starts_with("## oslog validate\n\n12 errors, 0 warnings in 12 files.\n"),
        "{summary}"
    );
    for n in 1..=12 {
        assert!(
            summary.contains(&format!("`actions/{n:03}.yaml:3:8`")),
            "{n}: {summary}"
        );
    }
    let html = common::markdown_html(&summary);
    assert!(!html.contains("<b>"), "{html}");
}

#[test]
fn the_hook_installs_refuses_a_foreign_hook_and_stops_a_bad_commit() {
    let (_tmp, root) = new_log();
    let repo = commit_all(&root);
    let hook = root.join(".git/hooks/pre-commit");

    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho ours\n").unwrap();
    // A refused change: exit 2, one line on stderr, and the hook left as it was.
    let refused = oslog(&root, &["hooks", "install"]);
    assert_exit(&refused, 2);
    assert!(text(&refused.stdout).is_empty());
    let err = text(&refused.stderr);
    assert!(err.starts_with("oslog: error: refused: "), "{err}");
    assert!(err.contains("--force") && err.lines().count() == 1, "{err}");
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho ours\n"
    );

    assert_exit(&oslog(&root, &["hooks", "install", "--force"]), 0);
    assert_exit(&oslog(&root, &["hooks", "install"]), 0);
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.contains("oslog -C '.' validate --strict"));

    let run_hook = || {
        Command::new(&hook)
            .current_dir(&root)
            .env("PATH", path_with_oslog())
            .env("NO_COLOR", "1")
            .env_remove("GIT_INDEX_FILE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
    };
    assert!(run_hook().success());
    // The hook checks what is staged: a broken file only on disk is not its business.
    std::fs::write(root.join("actions/002.yaml"), "id: 2\n").unwrap();
    assert!(run_hook().success());
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("actions/002.yaml")).unwrap();
    index.write().unwrap();
    assert!(!run_hook().success());
}

#[test]
fn the_hook_finds_a_log_in_a_subfolder_of_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    assert_exit(&oslog(tmp.path(), &["init", "forum/log"]), 0);
    commit_all(tmp.path());
    assert_exit(
        &oslog(&tmp.path().join("forum/log"), &["hooks", "install"]),
        0,
    );
    let script = std::fs::read_to_string(tmp.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(
        script.contains("oslog -C 'forum/log' fmt --check"),
        "{script}"
    );
}

#[test]
fn hooks_install_outside_git_is_an_error() {
    let (_tmp, root) = new_log();
    let out = oslog(&root, &["hooks", "install"]);
    if Command::new("git")
        .args(["rev-parse", "--git-dir"])
        .current_dir(&root)
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return; // the temporary folder lies inside some repository; nothing to check here
    }
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("not inside a git repository"));
}

#[test]
fn completions_are_generated_for_every_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _oslog"),
        ("zsh", "#compdef oslog"),
        ("fish", "complete -c oslog"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = oslog(tmp.path(), &["completions", shell]);
        assert_exit(&out, 0);
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for sub in ["validate", "schema", "init"] {
            assert!(script.contains(sub), "{shell}: no `{sub}`");
        }
    }
    assert_exit(&oslog(tmp.path(), &["completions", "tcsh"]), 2);
}

#[test]
fn the_man_page_is_roff_and_lists_the_subcommands() {
    let tmp = tempfile::tempdir().unwrap();
    let out = oslog(tmp.path(), &["man"]);
    assert_exit(&out, 0);
    let page = text(&out.stdout);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..80]);
    assert!(page.contains(".TH oslog 1"));
    for sub in ["validate", "fmt", "status", "init", "hooks"] {
        assert!(page.contains(sub), "the man page lacks `{sub}`");
    }
}

#[test]
fn the_man_pages_go_into_a_folder_one_per_command() {
    let tmp = tempfile::tempdir().unwrap();
    assert_exit(&oslog(tmp.path(), &["man", "--out-dir", "man1"]), 0);
    for page in ["oslog.1", "oslog-validate.1", "oslog-hooks-install.1"] {
        let text = std::fs::read_to_string(tmp.path().join("man1").join(page)).unwrap();
        assert!(text.contains(".TH oslog"), "{page}");
    }
}

#[test]
fn schema_needs_no_log() {
    let tmp = tempfile::tempdir().unwrap();
    let out = oslog(tmp.path(), &["schema", "actions"]);
    assert_exit(&out, 0);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "oslog action");
}
