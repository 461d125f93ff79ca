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

/// A `major.minor[.patch]` Rust version as numbers, for comparing.
fn rust_version(text: &str) -> Vec<u64> {
    text.split('.').map(|n| n.parse().unwrap()).collect()
}

/// The minimum Rust version claimed is true: at least what every package that `cargo install
/// --locked` builds declares (the locked tree, for every platform, without dev-dependencies), and
/// the README says the same. The code's own use of the standard library is checked against the
/// claim by clippy's `incompatible_msrv` lint (`File::lock` needs 1.89), which `.ci/run` denies.
#[test]
fn the_minimum_rust_version_is_what_the_locked_tree_needs() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let declared = env!("CARGO_PKG_RUST_VERSION");
    assert!(!declared.is_empty(), "Cargo.toml declares no rust-version");

    let packages: std::collections::HashMap<&str, &serde_json::Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: std::collections::HashMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    // What the binary builds: every dependency reachable by normal and build edges.
    let mut built = std::collections::BTreeSet::new();
    let mut todo = vec![meta["resolve"]["root"].as_str().unwrap()];
    while let Some(id) = todo.pop() {
        if !built.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let kinds = dep["dep_kinds"].as_array().unwrap();
            if kinds.iter().any(|k| k["kind"] != "dev") {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let needs = built
        .iter()
        .filter_map(|id| {
            let p = packages[id];
            let v = p["rust_version"].as_str()?;
            Some((
                rust_version(v),
                format!(
                    "{} {} needs {v}",
                    p["name"].as_str()?,
                    p["version"].as_str()?
                ),
            ))
        })
        .max()
        .expect("some package declares a rust-version");
    assert!(
        rust_version(declared) >= needs.0,
        "Cargo.toml claims rust-version {declared}, but {}",
        needs.1
    );
    let readme = read("README.md");
    let claims: Vec<&str> = readme
        .split("Rust ")
        .skip(1)
        .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
        .map(|t| t.split(' ').next().unwrap())
        .collect();
    assert!(!claims.is_empty(), "README.md names no Rust version");
    assert!(
        claims.iter().all(|c| *c == declared),
        "README.md names Rust {claims:?}, Cargo.toml {declared}"
    );
}

#[test]
fn the_changelog_has_the_version_and_the_readme_says_what_is_stable() {
    let version = env!("CARGO_PKG_VERSION");
    let changelog = read("CHANGELOG.md");
    let headings: Vec<&str> = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## ["))
        .collect();
    assert_eq!(
        headings.first().copied(),
        Some("Unreleased]"),
        "{headings:?}"
    );
    assert!(
        headings
            .get(1)
            .is_some_and(|h| h.starts_with(&format!("{version}] - "))),
        "CHANGELOG.md's latest release is not {version}: {headings:?}"
    );
    // Keep a Changelog's headings, and no other.
    for line in changelog.lines().filter(|l| l.starts_with("### ")) {
        assert!(
            [
                "Added",
                "Changed",
                "Deprecated",
                "Removed",
                "Fixed",
                "Security"
            ]
            .contains(&&line[4..]),
            "{line}"
        );
    }
    let readme = read("README.md");
    assert!(readme.contains("\n## Stability\n"));
    assert!(readme.contains("[CHANGELOG.md](CHANGELOG.md)"));
}
