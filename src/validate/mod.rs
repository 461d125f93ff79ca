//! Everything `oslog validate` checks. Loading a file already gives its own findings (`store/`);
//! here are the rules that look across records (`rules.rs`), what git knows of a file in conflict,
//! and the number collisions with a base revision (`collisions.rs`). Every check adds findings and
//! none stops the others; the command renders them.

mod collisions;
mod rules;

pub use collisions::{against_base, branch_collisions, Collision};
pub use rules::{check, check_part, reach, Rest};

use crate::diag::{self, Code, Diagnostic};
use crate::store::Log;
use anyhow::Result;
use std::path::Path;

/// Every finding for `log`, the log at `root` as loaded from the working tree or the index, sorted:
/// the files' own, the rules across records, and with `base` the collisions with that revision.
pub fn findings(root: &Path, log: &Log, base: Option<&str>) -> Result<Vec<Diagnostic>> {
    let mut diags = log.diags.clone();
    // A conflict's finding, with what git knows of the file's ancestor.
    for (file, conflict) in crate::git::conflicts(root, log) {
        let code = Code::ConflictMarkers;
        if let Some(d) = diags.iter_mut().find(|d| d.code == code && d.file == file) {
            *d = conflict.diagnostic(&file);
        }
    }
    diags.extend(check(log));
    if let Some(spec) = base {
        diags.extend(against_base(root, log, spec)?);
    }
    diag::sort(&mut diags);
    Ok(diags)
}
