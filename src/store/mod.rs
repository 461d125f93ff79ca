//! The log on disk. Reading: finding the log root, reading each file under explicit limits
//! (`source.rs`), the YAML tree (`yaml.rs`, the only module that knows YAML), decoding records with
//! their positions (`decode.rs`, `record.rs`, into the types of `loaded.rs`), file names
//! (`names.rs`) and whole logs from the working tree, a commit or git's index (`load.rs`); the log's
//! own index of decoded records, kept beside the files (`index.rs`, in `codec.rs`'s form). Writing:
//! the canonical layout (`emit.rs`), atomic writes of one file (`atomic.rs`), writes of several all
//! or nothing (`journal.rs`), the write lock (`lock.rs`), conflict markers (`conflict.rs`), free
//! numbers (`numbers.rs`) and the debug builds' fault points (`fault.rs`). Problems in the log's
//! files become findings; only problems with the machine (an unreadable root) are errors.

mod atomic;
mod codec;
pub mod conflict;
pub mod decode;
pub mod emit;
pub mod fault;
mod index;
mod journal;
mod load;
mod loaded;
mod lock;
mod names;
mod numbers;
mod record;
mod source;
pub mod yaml;

pub use atomic::{
    add_lines, add_lines_aside, aside, create_new, is_temporary, path_in, put_aside, sync_folder,
    write_aside, write_aside_with, write_atomic, write_atomic_with,
};
pub use decode::Spans;
pub use index::{caches_off, load_indexed, place, unplaced};
pub use journal::{recover, replace_all, Recovery, Replacement, JOURNAL_FILE};
pub use load::{
    load, load_files, load_stored, load_where, mentions_number, references_of, KeepFn, LeftOut,
    Log, Partial, Stored, Want,
};
pub use loaded::{Loaded, Part, Record, RecordKind};
pub use lock::{lock_held, Lock, LOCK_FILE, LOCK_TIMEOUT};
pub use names::action_id_from_name;
pub use numbers::{highest_in, next_free_id, number_of_name};
pub use record::{decode, decode_record, decode_source, find_conflict, Decoded};
pub use source::{read_source, source_from_bytes, Source};

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The `.gitignore` lines (relative to the log root) for oslog's own files: the write lock, an
/// interrupted write's journal, and temporary files. None of them is part of the record.
pub const GITIGNORE: &str =
    "/.oslog.lock\n/.oslog-journal\n/.oslog-*.tmp\n/actions/.oslog-*.tmp\n/timeline/.oslog-*.tmp\n";

/// The largest file oslog reads; larger files are reported, not read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The file that marks a log root.
pub const THEMES_FILE: &str = "themes.yaml";
/// The folder of action files.
pub const ACTIONS_DIR: &str = "actions";
/// The folder of milestone files.
pub const TIMELINE_DIR: &str = "timeline";

/// Find the log root: `start` or the nearest folder above it that holds `themes.yaml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .with_context(|| format!("cannot open folder {}", start.display()))?;
    for dir in start.ancestors() {
        if dir.join(THEMES_FILE).exists() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "no oslog log found: neither {} nor any folder above it holds {THEMES_FILE} (use -C DIR, or `oslog init`)",
        start.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ignored_files_are_oslogs_own() {
        let lines: Vec<&str> = GITIGNORE.lines().collect();
        assert!(lines.contains(&format!("/{LOCK_FILE}").as_str()));
        assert!(lines.contains(&format!("/{JOURNAL_FILE}").as_str()));
        for dir in ["", "actions/", "timeline/"] {
            let pattern = format!("/{dir}{}*{}", atomic::TEMP_PREFIX, atomic::TEMP_SUFFIX);
            assert!(lines.contains(&pattern.as_str()), "{pattern}");
        }
    }
}
