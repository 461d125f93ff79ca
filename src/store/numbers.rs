//! Finding the next free action number cheaply. A number is never reused: the next one is above every
//! number in a file name, every `id:` and every number an action had before (`formerly`). File names
//! and one pass over each file's lines give all three; only a file whose `formerly` is not in the
//! canonical flow form (`formerly: [112]`) is parsed in full. The files in the tree are all this
//! knows; the numbers of files that git history has seen deleted come from `git::numbers`.

use super::{action_id_from_name, decode, read_source, yaml, ACTIONS_DIR};
use crate::diag::Diagnostic;
use anyhow::{Context, Result};
use std::path::Path;

/// The next free number, and the findings for the files whose numbers could not be read.
pub struct NextFree {
    /// The smallest number above every number the files use. It is a `u64`: a file may claim the
    /// largest `u32`, and the number after it is then refused by the caller, not wrapped.
    pub id: u64,
    /// Record files in `actions/` that could not be read (too large, a link, a pipe, not UTF-8):
    /// only the numbers of their names count, so the user must hear of them.
    pub unread: Vec<Diagnostic>,
}

/// The smallest number above every number the files in `actions/` use.
pub fn next_free_id(root: &Path) -> Result<NextFree> {
    let dir = root.join(ACTIONS_DIR);
    let mut free = NextFree {
        id: 1,
        unread: Vec::new(),
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(free),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    let mut highest = 0;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        highest = highest.max(number_of_name(&name).unwrap_or(0));
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) || name.starts_with('.') {
            continue;
        }
        // Read as `validate` reads: under the size limit, never through a link or from a pipe.
        let rel = Path::new(ACTIONS_DIR).join(&name);
        match read_source(root, &rel) {
            Ok(src) => highest = highest.max(highest_in(&src.text, Path::new(&name))),
            Err(d) => free.unread.push(d),
        }
    }
    free.unread.sort_by(|a, b| a.file.cmp(&b.file));
    free.id = u64::from(highest) + 1;
    Ok(free)
}

/// The number a file name in `actions/` stands for, in the canonical form or not (`016.yaml`,
/// `16.yaml`, `16.yml`).
pub fn number_of_name(name: &str) -> Option<u32> {
    let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
    action_id_from_name(name).or_else(|| stem.parse().ok())
}

/// The highest number a file's text uses as its `id` or in `formerly`; `name` only names the file.
pub fn highest_in(text: &str, name: &Path) -> u32 {
    let mut highest = 0;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            highest = highest.max(v.trim().parse().unwrap_or(0));
        } else if let Some(v) = line.strip_prefix("formerly:") {
            match flow_numbers(v.trim()) {
                Some(ns) => highest = highest.max(ns.into_iter().max().unwrap_or(0)),
                None => return highest.max(parsed_in_full(text, name)),
            }
        }
    }
    highest
}

/// `[1, 2]` as numbers; `None` for any other form.
fn flow_numbers(v: &str) -> Option<Vec<u32>> {
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    inner.split(',').map(|n| n.trim().parse().ok()).collect()
}

fn parsed_in_full(text: &str, name: &Path) -> u32 {
    let Ok(doc) = yaml::parse(text) else { return 0 };
    let mut dec = decode::Decoder::new(name);
    // Whatever decoded counts, even from a file with errors: its numbers are still claimed.
    dec.action(&doc.root)
        .and_then(|a| a.formerly.into_iter().chain([a.id]).flatten().max())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formerly_numbers_are_never_reused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(next_free_id(dir.path()).unwrap().id, 1);
        let actions = dir.path().join(ACTIONS_DIR);
        std::fs::create_dir(&actions).unwrap();
        std::fs::write(actions.join("007.yaml"), "id: 7\nformerly: [112, 9]\n").unwrap();
        assert_eq!(next_free_id(dir.path()).unwrap().id, 113);
        std::fs::write(
            actions.join("008.yaml"),
            "id: 8\ntitle: t\ntheme: x\nraised: 2019-01\nstatus: ongoing\nformerly:\n  - 200\n",
        )
        .unwrap();
        assert_eq!(next_free_id(dir.path()).unwrap().id, 201);
        std::fs::write(actions.join("1000.yaml"), "broken: [").unwrap();
        assert_eq!(next_free_id(dir.path()).unwrap().id, 1001);
        // A file with errors still claims the numbers that decoded.
        std::fs::write(
            actions.join("009.yaml"),
            "id: 9\nformerly:\n  - 2000\ncolour: red\n",
        )
        .unwrap();
        assert_eq!(next_free_id(dir.path()).unwrap().id, 2001);
    }

    #[test]
    fn names_stand_for_their_numbers() {
        assert_eq!(number_of_name("016.yaml"), Some(16));
        assert_eq!(number_of_name("16.yml"), Some(16));
        assert_eq!(number_of_name("copy.yaml"), None);
    }
}
