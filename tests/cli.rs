//! Snapshot tests of the command line: each `tests/cmd/<case>.trycmd` runs oslog in the fixture tree
//! `tests/cmd/<case>.in` and compares stdout, stderr and the exit code. Regenerate after an intended
//! change with `TRYCMD=overwrite cargo test --test cli`, then review the diff. A case may also run
//! `git` (without the user's or the system's configuration) to build a repository in its sandbox.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .register_bin("git", git())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env("OSLOG_TODAY", "2019-07-01")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2019-07-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2019-07-01T12:00:00Z")
        .case("tests/cmd/*.trycmd");
}

/// The `git` program on PATH, for the cases that build a repository.
fn git() -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("git"))
        .find(|git| git.is_file())
        .unwrap_or_else(|| "git".into())
}
