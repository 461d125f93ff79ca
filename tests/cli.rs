//! Snapshot tests of the command line: each `tests/cmd/<case>.trycmd` runs oslog in the fixture tree
//! `tests/cmd/<case>.in` and compares stdout, stderr and the exit code. Regenerate after an intended
//! change with `TRYCMD=overwrite cargo test --test cli`, then review the diff.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("OSLOG_TODAY", "2019-07-01")
        .case("tests/cmd/*.trycmd");
}
