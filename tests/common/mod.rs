//! Helpers shared by the integration tests: the one runner of the oslog binary, copying fixture
//! trees, writing files, committing the whole working tree of a real repository with a fixed
//! author and time, and rendering Markdown as GitHub does.
#![allow(dead_code)] // each test binary uses its own subset

use git2::{Repository, Signature, Time};
use std::path::Path;

/// Copy a folder and everything under it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Copy the repository's own log (actions, timeline and themes.yaml) into the folder `to`.
pub fn copy_shipped_log(to: &Path) {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["actions", "timeline"] {
        copy_dir(&here.join(sub), &to.join(sub));
    }
    std::fs::copy(here.join("themes.yaml"), to.join("themes.yaml")).unwrap();
}

/// Write `text` to `root/rel`, creating folders as needed.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Commit the whole working tree (additions, changes and removals) as `who` at `seconds` since the
/// epoch, with the given parents.
pub fn commit_with(
    repo: &Repository,
    who: &str,
    seconds: i64,
    message: &str,
    parents: &[&git2::Commit],
) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let email = format!("{}@example.org", who.to_lowercase());
    let sig = Signature::new(who, &email, &Time::new(seconds, 0)).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, parents)
        .unwrap()
}

/// Commit the whole working tree on top of HEAD (or as the first commit).
pub fn commit(repo: &Repository, who: &str, seconds: i64, message: &str) -> git2::Oid {
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    commit_with(repo, who, seconds, message, &parents)
}

/// Every file under `root` with its bytes, except git's own and the log's lock file (which stays
/// after every writing command, holding no data).
pub fn snapshot(root: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name() == Some(".git".as_ref()) || p == root.join(".oslog.lock") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// The `git` program run in `root` as a user would run it, with a fixed identity and date and no
/// configuration but the repository's own.
pub fn git(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_AUTHOR_NAME", "Ann")
        .env("GIT_AUTHOR_EMAIL", "ann@example.org")
        .env("GIT_COMMITTER_NAME", "Ann")
        .env("GIT_COMMITTER_EMAIL", "ann@example.org")
        .env("GIT_AUTHOR_DATE", "2019-07-10T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2019-07-10T12:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .output()
        .unwrap()
}

/// `git merge BRANCH` as a user would run it.
pub fn git_merge(root: &Path, branch: &str) -> std::process::Output {
    git(root, &["merge", "--no-edit", branch])
}

/// A new repository in `root` on the branch `main`, holding a log not yet committed: `themes` as
/// themes.yaml, the .gitignore of `oslog init`, and actions 1 to `n` with the texts `action` gives.
pub fn log_repo(root: &Path, themes: &str, n: u32, action: impl Fn(u32) -> String) -> Repository {
    let repo = Repository::init(root).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    write(root, "themes.yaml", themes);
    write(root, ".gitignore", oslog::store::GITIGNORE);
    for id in 1..=n {
        write(root, &format!("actions/{id:03}.yaml"), &action(id));
    }
    repo
}

/// The arguments of an `oslog add` of an action titled `title` (theme governance, raised July 2019).
pub fn add_args(title: &str) -> [&str; 7] {
    [
        "add",
        "--title",
        title,
        "--theme",
        "governance",
        "--raised",
        "2019-07",
    ]
}

/// Create `branch` at HEAD (when new) and check it out.
pub fn switch(repo: &Repository, branch: &str) {
    if repo.find_branch(branch, git2::BranchType::Local).is_err() {
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        repo.branch(branch, &head, false).unwrap();
    }
    repo.set_head(&format!("refs/heads/{branch}")).unwrap();
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
}

/// The files HEAD changed against its first parent, as (status, path), sorted by path.
pub fn head_changes(repo: &Repository) -> Vec<(git2::Delta, std::path::PathBuf)> {
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let parent = head.parent(0).unwrap();
    let diff = repo
        .diff_tree_to_tree(
            Some(&parent.tree().unwrap()),
            Some(&head.tree().unwrap()),
            None,
        )
        .unwrap();
    let mut out: Vec<_> = diff
        .deltas()
        .map(|d| {
            let path = d.new_file().path().or(d.old_file().path()).unwrap();
            (d.status(), path.to_path_buf())
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The oslog binary under test, ready to run in `dir` with `args`: colour off, today fixed at 1 July
/// 2019, tables at their default width, no fault injected, and the variables git gives a hook removed, so that tests run from a
/// hook read their own repositories. This is the one runner of the binary: `.output()` runs it, `.spawn()` starts it,
/// and a test that needs another environment sets or removes variables on it.
pub fn oslog_command(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_oslog"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("OSLOG_TODAY", "2019-07-01")
        .env_remove("COLUMNS")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        // Run inside a GitHub workflow, `validate --format github` would write to its job summary.
        .env_remove("GITHUB_STEP_SUMMARY");
    for fault in [
        "OSLOG_FAIL_WRITE",
        "OSLOG_ABORT_WRITE",
        "OSLOG_FAIL_AT",
        "OSLOG_ABORT_AT",
        "OSLOG_DELAY",
    ] {
        cmd.env_remove(fault);
    }
    cmd
}

/// Run the oslog binary (see [`oslog_command`]) with `env` set.
pub fn oslog_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    oslog_command(dir, args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// Run the oslog binary (see [`oslog_command`]) with `env` set and `input` on its standard input.
pub fn oslog_input(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    input: &str,
) -> std::process::Output {
    use std::io::Write as _;
    let mut child = oslog_command(dir, args)
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Run the oslog binary (see [`oslog_command`]).
pub fn oslog(dir: &Path, args: &[&str]) -> std::process::Output {
    oslog_with(dir, args, &[])
}

/// A process's exit code, stdout and stderr, for an assertion's message.
pub fn shown(o: &std::process::Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Run the `git` program in `dir` as `who` (author and committer, with a fixed address) at `date`
/// (ISO 8601), away from the user's and the system's configuration; its standard output, trimmed.
pub fn git_as(dir: &Path, who: &str, date: &str, args: &[&str]) -> String {
    let o = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_AUTHOR_EMAIL", "people@example.org")
        .env("GIT_COMMITTER_EMAIL", "people@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git is installed");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Markdown rendered to HTML as GitHub renders a comment: comrak with GitHub's extensions
/// (tables, strikethrough, autolinks, task lists, footnotes, `$` math), raw HTML let through, so
/// that a test sees what a reader would, including anything the escaper let through.
pub fn markdown_html(md: &str) -> String {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.math_dollars = true;
    o.render.r#unsafe = true;
    comrak::markdown_to_html(md, &o)
}

/// An empty log's git repository on branch `main`, changed as a user changes it, with the `git`
/// program: each git command runs as its author on the next day of July 2019, so that commits
/// have fixed ids.
pub struct GitLog {
    dir: tempfile::TempDir,
    day: std::cell::Cell<u32>,
}

impl GitLog {
    /// A new repository, with nothing committed.
    pub fn new() -> GitLog {
        let log = GitLog {
            dir: tempfile::tempdir().unwrap(),
            day: std::cell::Cell::new(1),
        };
        log.git("Ann", &["init", "--quiet", "--initial-branch=main"]);
        log.git("Ann", &["config", "user.email", "people@example.org"]);
        log
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run git as `who` on the next day; its standard output.
    pub fn git(&self, who: &str, args: &[&str]) -> String {
        let day = self.day.get();
        self.day.set(day + 1);
        git_as(
            self.path(),
            who,
            &format!("2019-07-{day:02}T12:00:00Z"),
            args,
        )
    }

    pub fn write(&self, rel: &str, text: &str) {
        write(self.path(), rel, text);
    }

    /// Commit everything in the working tree as `who`.
    pub fn commit(&self, who: &str, message: &str) {
        self.git(who, &["add", "--all"]);
        self.git(who, &["commit", "--quiet", "-m", message]);
    }

    /// Merge `branch` into the branch checked out, always with a merge commit.
    pub fn merge(&self, who: &str, branch: &str) {
        let message = format!("Merge branch '{branch}'");
        self.git(
            who,
            &["merge", "--quiet", "--no-ff", "-m", &message, branch],
        );
    }

    pub fn oslog(&self, args: &[&str]) -> std::process::Output {
        oslog(self.path(), args)
    }

    /// What oslog writes on standard output, which must exit 0.
    pub fn stdout(&self, args: &[&str]) -> String {
        let o = self.oslog(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", shown(&o));
        String::from_utf8(o.stdout).unwrap()
    }

    /// What oslog writes on standard output, as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.stdout(args)).unwrap()
    }
}

/// A PATH on which `oslog` is the binary under test, for hooks and scripts that run it.
pub fn path_with_oslog() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_oslog"))
        .parent()
        .unwrap()
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).unwrap()
}

/// Run `shell`, a command line that calls `oslog` (the binary under test), on a pseudo-terminal made
/// by util-linux's `script`, in `dir`, with `typed` as the keyboard: colour variables cleared,
/// `TERM=xterm`, today fixed at 1 July 2019, and `env` set. The exit code and what the terminal
/// showed, or None when `script` is missing.
pub fn on_terminal(
    dir: &Path,
    shell: &str,
    typed: &str,
    env: &[(&str, &str)],
) -> Option<(i32, String)> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new("script")
        .args(["-qec", shell, "/dev/null"])
        .current_dir(dir)
        .env("PATH", path_with_oslog())
        .env("TERM", "xterm")
        .env("OSLOG_TODAY", "2019-07-01")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(typed.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Run a Python `script` with `args`, and its standard output; `None` (said loudly on stderr) when
/// a package it imports is missing, which fails the test under CI=true, where `.ci/run` installs
/// the packages.
pub fn python(script: &str, args: &[&Path]) -> Option<String> {
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&o.stderr);
    if err.contains("ModuleNotFoundError") {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "a Python package is missing ({err}); .ci/run installs it"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("SKIPPED, NOT CHECKED: {err}");
        }
        return None;
    }
    assert!(o.status.success(), "{err}");
    Some(String::from_utf8(o.stdout).unwrap())
}

/// Debian's Chromium, which the browser and accessibility tests drive headless.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// What headless Chromium prints for `page` with the flags `extra` (`--dump-dom`,
/// `--print-to-pdf=…`), in a fresh profile and with nothing fetched from the network.
pub fn chromium(page: &Path, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The findings of a `validate --format json` document as (code, file, line), in the order
/// reported; a finding with no line has line 0.
pub fn findings_of(json: &serde_json::Value) -> Vec<(String, String, u64)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}
