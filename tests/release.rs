//! What a release promises: `oslog --version` names the version and the commit it was built from,
//! the package cannot be published by mistake, and the changelog and the README speak of the version
//! that Cargo.toml declares.

mod common;

use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The commit the source was built from, as the build script finds it: HEAD of the repository whose
/// top is the package's folder, or `unknown` (a tarball, or no git).
fn built_from() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"]).map(std::path::PathBuf::from);
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    match top {
        Some(top) if top.canonicalize().ok() == here.canonicalize().ok() => {
            git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into())
        }
        _ => "unknown".into(),
    }
}

#[test]
fn version_names_the_release_and_the_commit() {
    let tmp = tempfile::tempdir().unwrap();
    for flag in ["--version", "-V"] {
        let out = common::oslog_command(tmp.path(), &[flag]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("oslog {} ({})\n", env!("CARGO_PKG_VERSION"), built_from())
        );
    }
}

#[test]
fn the_package_is_never_published() {
    // `oslog` on crates.io is an unrelated crate: a `cargo publish` must be refused.
    let manifest = read("Cargo.toml");
    let package = manifest.split("\n[").next().unwrap();
    assert!(
        package.lines().any(|l| l.trim() == "publish = false"),
        "Cargo.toml's [package] lacks `publish = false`"
    );
}
