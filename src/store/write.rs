//! Atomic writes. Every file oslog writes goes to a temporary file in the same folder, is synced, and
//! is then renamed over the target, so a crash leaves the old file or the new one, never half of one.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

fn temp_in(path: &Path, contents: &str) -> Result<tempfile::NamedTempFile> {
    let tmp = temp_in_unchecked(path, contents)?;
    super::fault::write_point()?;
    Ok(tmp)
}

fn temp_in_unchecked(path: &Path, contents: &str) -> Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".oslog-").suffix(".tmp");
    set_mode(&mut builder, path);
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot sync {}", path.display()))?;
    Ok(tmp)
}

/// Give the new file the mode of the file it replaces, or the usual mode of a new file (0666 less
/// the umask) rather than a temporary file's private 0600.
#[cfg(unix)]
fn set_mode(builder: &mut tempfile::Builder, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::symlink_metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
    builder.permissions(std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_mode(_: &mut tempfile::Builder, _: &Path) {}

/// `root/rel`, for writing, after checking that no folder on the way (nor the file) is a symbolic
/// link, so that a write never lands outside the log root.
pub fn path_in(root: &Path, rel: &Path) -> Result<std::path::PathBuf> {
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            anyhow::bail!(
                "{} is a symbolic link; oslog does not write through links (replace it with the folder or file itself)",
                at.display()
            );
        }
    }
    Ok(at)
}

/// Replace `path` with `contents` atomically.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let tmp = temp_in(path, contents)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Create `path` with `contents`, failing if it already exists (so two writers never share a name).
/// Returns `Ok(false)` when the file exists.
pub fn create_new(path: &Path, contents: &str) -> Result<bool> {
    let tmp = temp_in(path, contents)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// One file of a [`replace_all`]: `contents` goes to `to`, and `from`, when it differs, is removed
/// (a rename).
pub struct Replacement<'a> {
    pub from: &'a Path,
    pub to: &'a Path,
    pub contents: &'a str,
}

/// Write several files all or nothing: every new text goes to a temporary file first; only when all
/// are written are they renamed into place, and if a rename fails, every file already replaced gets
/// its old contents back and every new name is removed.
pub fn replace_all(files: &[Replacement]) -> Result<()> {
    let mut temps = Vec::with_capacity(files.len());
    for f in files {
        let tmp =
            temp_in(f.to, f.contents).map_err(|e| anyhow::anyhow!("{e:#}; nothing was changed"))?;
        temps.push(tmp);
    }
    let mut old: Vec<(&Path, Option<Vec<u8>>)> = Vec::new();
    for f in files {
        for p in [f.from, f.to] {
            if !old.iter().any(|(q, _)| *q == p) {
                let bytes = match std::fs::read(p) {
                    Ok(b) => Some(b),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot read {}", p.display()))
                    }
                };
                old.push((p, bytes));
            }
        }
    }
    let result = (|| -> Result<()> {
        for (f, tmp) in files.iter().zip(temps) {
            super::fault::write_point()?;
            tmp.persist(f.to)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot replace {}", f.to.display()))?;
        }
        let targets: Vec<&Path> = files.iter().map(|f| f.to).collect();
        for f in files.iter().filter(|f| !targets.contains(&f.from)) {
            std::fs::remove_file(f.from)
                .with_context(|| format!("cannot remove {}", f.from.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (p, bytes) in &old {
            let restored = match bytes {
                Some(b) => std::fs::read(p).ok().as_ref() == Some(b) || restore(p, b).is_ok(),
                None => std::fs::remove_file(p).is_ok() || !p.exists(),
            };
            if !restored {
                return Err(e.context(format!("and {} could not be restored", p.display())));
            }
        }
        return Err(anyhow::anyhow!("{e:#}; nothing was changed"));
    }
    Ok(())
}

fn restore(path: &Path, bytes: &[u8]) -> Result<()> {
    let contents = std::str::from_utf8(bytes)?;
    let tmp = temp_in_unchecked(path, contents)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_are_readable_by_others_and_replaced_files_keep_their_mode() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.yaml");
        assert!(create_new(&new, "a: 1\n").unwrap());
        assert_eq!(mode(&new) & 0o044, 0o044, "not 0600 like a temporary file");

        let old = dir.path().join("old.yaml");
        std::fs::write(&old, "a: 1\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&old, "a: 2\n").unwrap();
        assert_eq!(mode(&old), 0o640);
    }
}
