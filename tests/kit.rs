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

const WORKFLOW: &str = ".github/workflows/oslog.yml";

/// A workflow's text as data.
fn parse_workflow(src: &str) -> serde_json::Value {
    oslog::store::yaml::parse(src).unwrap().root.to_json()
}

#[test]
fn each_pre_commit_hook_has_a_system_twin_that_runs_the_same_command() {
    let doc = parse_workflow(&std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap());
    let hooks = doc.as_array().unwrap();
    let built: Vec<_> = hooks.iter().filter(|h| h["language"] == "rust").collect();
    assert_eq!(built.len(), 2, "{doc}");
    for hook in built {
        let id = hook["id"].as_str().unwrap();
        let twin = hooks
            .iter()
            .find(|h| h["id"] == format!("{id}-system"))
            .unwrap_or_else(|| panic!("no {id}-system"));
        assert_eq!(twin["language"], "system");
        for key in ["entry", "files", "pass_filenames"] {
            assert_eq!(twin[key], hook[key], "{id}: {key}");
        }
    }
}

/// The workflow file, parsed.
fn workflow() -> serde_json::Value {
    parse_workflow(&std::fs::read_to_string(WORKFLOW).unwrap())
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
fn force_keeps_the_replaced_hook_and_uninstall_puts_it_back() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, root) = new_log();
    commit_all(&root);
    let hooks = root.join(".git/hooks");
    let hook = hooks.join("pre-commit");
    let theirs = "#!/bin/sh\necho ours\n";
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::write(&hook, theirs).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();

    let out = oslog(&root, &["hooks", "install", "--force"]);
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout).contains(".git/hooks/pre-commit.before-oslog"),
        "{}",
        text(&out.stdout)
    );
    let kept = hooks.join("pre-commit.before-oslog");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), theirs);
    let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o750);
    assert!(std::fs::read_to_string(&hook)
        .unwrap()
        .contains("validate --strict --staged"));

    // A second foreign hook replaced by force does not overwrite the first one kept.
    std::fs::write(&hook, "#!/bin/sh\necho second\n").unwrap();
    assert_exit(&oslog(&root, &["hooks", "install", "--force"]), 0);
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), theirs);
    let second = hooks.join("pre-commit.before-oslog.2");
    assert_eq!(
        std::fs::read_to_string(&second).unwrap(),
        "#!/bin/sh\necho second\n"
    );

    // Uninstall puts back the hook replaced last, then the one before it.
    let out = oslog(&root, &["hooks", "uninstall"]);
    assert_exit(&out, 0);
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho second\n"
    );
    assert!(!second.exists());
    // The hook is the user's again: uninstall refuses it and leaves it.
    let refused = oslog(&root, &["hooks", "uninstall"]);
    assert_exit(&refused, 2);
    assert!(text(&refused.stderr).starts_with("oslog: error: refused: "));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho second\n"
    );

    std::fs::remove_file(&hook).unwrap();
    assert_exit(&oslog(&root, &["hooks", "install"]), 0);
    assert_exit(&oslog(&root, &["hooks", "uninstall"]), 0);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), theirs);
    assert_eq!(
        std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
        0o750
    );
    assert!(!kept.exists());

    // With no backup, uninstall removes oslog's hook; with no hook there is nothing to do.
    std::fs::remove_file(&hook).unwrap();
    assert_exit(&oslog(&root, &["hooks", "install"]), 0);
    assert_exit(&oslog(&root, &["hooks", "uninstall"]), 0);
    assert!(!hook.exists());
    let out = oslog(&root, &["hooks", "uninstall"]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("nothing to uninstall"));
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

/// A pull request's checkout as `actions/checkout` makes it by default: one commit of the branch,
/// no history and no base branch.
fn depth_one_checkout(tmp: &Path) -> PathBuf {
    let (_keep, origin) = new_log();
    commit_all(&origin);
    common::git(&origin, &["checkout", "-q", "-b", "feature"]);
    common::write(&origin, "README.md", "# Our log\n");
    common::git(&origin, &["commit", "-q", "-am", "Name the log"]);
    let url = format!("file://{}", origin.display());
    let clone = tmp.join("checkout");
    let out = common::git(
        tmp,
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "checkout",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    clone
}

#[test]
fn validate_base_in_a_depth_one_checkout_asks_for_the_whole_history() {
    let tmp = tempfile::tempdir().unwrap();
    let clone = depth_one_checkout(tmp.path());
    for base in ["origin/main", "main"] {
        let out = oslog(&clone, &["validate", "--strict", "--base", base]);
        assert_exit(&out, 2);
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("oslog: error: `{base}`")), "{err}");
        assert!(err.contains("fetch-depth: 0"), "{err}");
        assert!(!err.contains("day") && !err.contains("YYYY"), "{err}");
    }
    // The same, through the workflow's step.
    let step = workflow_steps()
        .into_iter()
        .find(|s| s.name == "Check action numbers against the base branch")
        .unwrap();
    let out = run_step(&clone, &step.run, tmp.path());
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("fetch-depth: 0"), "{out:?}");
}

#[test]
fn a_base_that_is_not_a_revision_is_named_as_such() {
    let (_tmp, root) = new_log();
    commit_all(&root);
    let out = oslog(&root, &["validate", "--base", "origin/nope"]);
    assert_exit(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("`origin/nope` is not a revision"), "{err}");
    assert!(
        !err.contains("day") && !err.contains("fetch-depth"),
        "{err}"
    );
}

/// The step of `doc` whose `id` or `uses` is `which`.
fn step<'a>(doc: &'a serde_json::Value, which: &str) -> &'a serde_json::Value {
    doc["jobs"]["check"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == which || s["uses"] == which)
        .unwrap_or_else(|| panic!("no step {which}"))
}

/// A value of the workflow with its `${{ … }}` expressions evaluated, as GitHub does for a runner
/// of a log repository: `runner.os`, the workflow's `env` and the repository's `vars`. Any other
/// expression, such as `hashFiles('Cargo.lock')`, fails the test: a log repository has no such file
/// to key on.
fn expand(doc: &serde_json::Value, value: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        let expr = rest[start + 3..end].trim();
        let value = match expr.split_once('.') {
            Some(("runner", "os")) => "Linux".to_string(),
            Some(("env", name)) => doc["env"][name].as_str().unwrap_or("").to_string(),
            Some(("vars", name)) => vars
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, v)| *v)
                .to_string(),
            _ => panic!("the workflow uses `{expr}`, which a log repository cannot evaluate"),
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out + rest
}

/// A runner of GitHub Actions for the install step: a fresh home for each job, `actions/cache`
/// as a map from key to the cached binary, and `cargo` a stand-in that records its arguments and
/// installs an `oslog` that prints the version of the tag it was given (or `$STUB_BUILDS`).
struct Runner {
    tmp: tempfile::TempDir,
    cache: std::collections::HashMap<String, Vec<u8>>,
    jobs: usize,
}

const CARGO_STUB: &str = r#"#!/bin/sh
printf '%s\n' "$*" >> "$CARGO_CALLS"
tag=; prev=
for a in "$@"; do [ "$prev" = --tag ] && tag=$a; prev=$a; done
version=${STUB_BUILDS:-${tag#v}}
mkdir -p "$HOME/.cargo/bin"
printf '#!/bin/sh\necho "oslog %s (0123abc)"\n' "${version:-0.0.0}" > "$HOME/.cargo/bin/oslog"
chmod +x "$HOME/.cargo/bin/oslog"
"#;

impl Runner {
    fn new() -> Runner {
        let tmp = tempfile::tempdir().unwrap();
        let stub = tmp.path().join("stub/cargo");
        common::write(tmp.path(), "stub/cargo", CARGO_STUB);
        make_executable(&stub);
        Runner {
            tmp,
            cache: Default::default(),
            jobs: 0,
        }
    }

    fn calls(&self) -> Vec<String> {
        let calls = std::fs::read_to_string(self.tmp.path().join("calls")).unwrap_or_default();
        calls.lines().map(String::from).collect()
    }

    /// One job of `workflow` on a fresh home in `root`: restore the cache, run the install step,
    /// save the cache if the key was missed, as actions/cache does. The step's output, the key
    /// and what `oslog --version` then prints.
    fn job(
        &mut self,
        workflow: &str,
        root: &Path,
        vars: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> (Output, String, String) {
        self.jobs += 1;
        let home = self.tmp.path().join(format!("home{}", self.jobs));
        let doc = parse_workflow(workflow);
        let cache = &step(&doc, "actions/cache@v4")["with"];
        assert_eq!(cache["path"], "~/.cargo/bin/oslog");
        let key = expand(&doc, cache["key"].as_str().unwrap(), vars);
        let binary = home.join(".cargo/bin/oslog");
        if let Some(bytes) = self.cache.get(&key) {
            std::fs::create_dir_all(binary.parent().unwrap()).unwrap();
            std::fs::write(&binary, bytes).unwrap();
            make_executable(&binary);
        }
        let install = step(&doc, "install");
        let path = format!(
            "{}:{}:/usr/bin:/bin",
            self.tmp.path().join("stub").display(),
            binary.parent().unwrap().display()
        );
        let mut cmd = Command::new("bash");
        cmd.args(["-e", "-c", install["run"].as_str().unwrap()])
            .current_dir(root)
            .env_clear()
            .env("HOME", &home)
            .env("PATH", &path)
            .env("CARGO_CALLS", self.tmp.path().join("calls"));
        for scope in [&doc["env"], &install["env"]] {
            for (name, value) in scope.as_object().into_iter().flatten() {
                cmd.env(name, expand(&doc, value.as_str().unwrap(), vars));
            }
        }
        for (name, value) in env {
            cmd.env(name, value);
        }
        let out = cmd.output().unwrap();
        if out.status.success() && !self.cache.contains_key(&key) {
            self.cache
                .insert(key.clone(), std::fs::read(&binary).unwrap());
        }
        let version = Command::new(&binary)
            .output()
            .map(|o| text(&o.stdout).trim().to_string())
            .unwrap_or_default();
        (out, key, version)
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

const SOURCE: (&str, &str) = ("OSLOG_GIT", "https://example.org/oslog.git");

#[test]
fn the_workflow_pins_this_release_in_one_place() {
    let src = std::fs::read_to_string(WORKFLOW).unwrap();
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(parse_workflow(&src)["env"]["OSLOG_VERSION"], tag.as_str());
    assert_eq!(
        src.matches(&tag).count(),
        1,
        "{WORKFLOW} names {tag} more than once"
    );
}

#[test]
fn a_new_pinned_tag_changes_the_cache_key_and_installs_the_new_release() {
    let (_tmp, root) = new_log();
    commit_all(&root);
    let mut runner = Runner::new();
    let shipped = std::fs::read_to_string(WORKFLOW).unwrap();
    let old = parse_workflow(&shipped)["env"]["OSLOG_VERSION"]
        .as_str()
        .unwrap()
        .to_string();

    // The first run builds the pinned release; the next finds it in the cache.
    let (out, key, version) = runner.job(&shipped, &root, &[SOURCE], &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        version.starts_with(&format!("oslog {} (", &old[1..])),
        "{version}"
    );
    let install = format!(
        "install --locked --force --git {} --tag {old} oslog",
        SOURCE.1
    );
    assert_eq!(runner.calls(), [install]);
    let (out, same_key, _) = runner.job(&shipped, &root, &[SOURCE], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(same_key, key);
    assert_eq!(runner.calls().len(), 1, "a cached release is built again");

    // The team changes the pin, in its one place: a new key, and the new release.
    let upgraded = shipped.replace(&old, "v9.1.0");
    let (out, new_key, version) = runner.job(&upgraded, &root, &[SOURCE], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_ne!(new_key, key);
    assert!(version.starts_with("oslog 9.1.0 ("), "{version}");
    assert!(text(&out.stdout).ends_with(&format!("{version}\n")));
    assert_eq!(
        runner.calls().last().unwrap(),
        &format!(
            "install --locked --force --git {} --tag v9.1.0 oslog",
            SOURCE.1
        )
    );

    // An old binary restored under the new key (a cache kept by hand) is replaced all the same.
    let stale = runner.cache[&key].clone();
    runner.cache.insert(new_key, stale);
    runner.cache.retain(|k, _| k != &key);
    let (out, _, version) = runner.job(&upgraded, &root, &[SOURCE], &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(version.starts_with("oslog 9.1.0 ("), "{version}");
    assert_eq!(runner.calls().len(), 3);
}

#[test]
fn the_install_step_refuses_a_missing_source_and_a_tag_of_another_version() {
    let (_tmp, root) = new_log();
    let mut runner = Runner::new();
    let shipped = std::fs::read_to_string(WORKFLOW).unwrap();

    let (out, _, _) = runner.job(&shipped, &root, &[], &[]);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.starts_with("::error::") && said.contains("OSLOG_GIT"),
        "{said}"
    );
    assert!(runner.calls().is_empty());

    let (out, _, _) = runner.job(&shipped, &root, &[SOURCE], &[("STUB_BUILDS", "0.1.0")]);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.contains("::error::the tag v") && said.contains("oslog 0.1.0"),
        "{said}"
    );
}

#[test]
fn in_oslogs_own_repository_the_install_step_builds_the_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    common::write(tmp.path(), "Cargo.toml", "[package]\nname = \"oslog\"\n");
    let mut runner = Runner::new();
    let shipped = std::fs::read_to_string(WORKFLOW).unwrap();
    let (out, _, _) = runner.job(&shipped, tmp.path(), &[], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(runner.calls(), ["install --locked --path ."]);
}
