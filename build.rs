//! Embeds the commit oslog is built from, for `oslog --version`: HEAD of the git repository whose
//! top is this package's folder, or `unknown` when there is none (a tarball of the source, a
//! vendored copy inside another repository, or no git on the machine). It never fails the build.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// Whether the package's folder is the top of its own repository, not a folder inside another one.
fn own_repository() -> bool {
    let here = std::env::var_os("CARGO_MANIFEST_DIR").map(|d| Path::new(&d).canonicalize());
    let top = git(&["rev-parse", "--show-toplevel"]).map(|t| Path::new(&t).canonicalize());
    matches!((here, top), (Some(Ok(h)), Some(Ok(t))) if h == t)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let commit = own_repository()
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten();
    if commit.is_some() {
        // Build again when HEAD moves: HEAD itself, the branch it names, and the packed refs. A
        // path that does not exist would make cargo rerun this script on every build.
        let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
        watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
        for name in watched {
            if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
                if Path::new(&path).exists() {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
        }
    }
    let commit = commit.unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=OSLOG_COMMIT={commit}");
}
