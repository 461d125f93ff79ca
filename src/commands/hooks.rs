//! `oslog hooks install`: a plain git pre-commit hook that runs `oslog validate --strict --staged`
//! and `oslog fmt --check --staged`, for teams that do not use the pre-commit framework, so that it
//! checks exactly what is being committed. A hook that oslog wrote (it carries [`MARK`]) is brought up
//! to date by installing again; one that oslog did not write is never replaced without `--force`, and
//! then it is kept beside as `pre-commit.before-oslog`, which `oslog hooks uninstall` puts back.

use super::{Context, Outcome};
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Manage the git hooks that check the log.
///
/// Examples:
///   oslog hooks install
///   oslog hooks install --force
///   oslog hooks uninstall
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    pub action: HooksCommand,
}

/// The subcommands of `oslog hooks`.
#[derive(Debug, clap::Subcommand)]
pub enum HooksCommand {
    Install(InstallArgs),
    Uninstall(UninstallArgs),
}

/// Install a git pre-commit hook that runs `oslog validate --strict --staged` and
/// `oslog fmt --check --staged`.
///
/// The hook goes where git runs hooks from (core.hooksPath, or .git/hooks). It checks the files
/// as staged for the commit (the git index, including the one `git commit -a` and
/// `git commit PATH` prepare), not the working tree; `git commit --no-verify` skips it once.
/// Installing again updates a hook that oslog wrote, such as one from an earlier version. A
/// pre-commit hook that oslog did not write is left alone, and the command is refused (exit 2),
/// unless --force is given: the hook is then kept as pre-commit.before-oslog (or .before-oslog.2,
/// … when that name is taken), and `oslog hooks uninstall` puts it back.
///
/// Examples:
///   oslog hooks install
///   oslog hooks install --force
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct InstallArgs {
    /// Replace an existing pre-commit hook that oslog did not write, keeping it as
    /// pre-commit.before-oslog.
    #[arg(long)]
    pub force: bool,
}

/// Remove the pre-commit hook that `oslog hooks install` wrote, and put back the hook it replaced.
///
/// A pre-commit hook that oslog did not write is left alone, and the command is refused (exit 2).
/// When `hooks install --force` kept a hook as pre-commit.before-oslog (the latest of .2, .3, … if
/// there are several), it becomes the pre-commit hook again. With no pre-commit hook there is
/// nothing to do.
///
/// Examples:
///   oslog hooks uninstall
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct UninstallArgs {}

/// The name a replaced hook is kept under, beside the hook: the first backup, then numbered ones.
const BACKUP: &str = "pre-commit.before-oslog";

/// The line that marks a hook as oslog's own, so that reinstalling may replace it.
const MARK: &str = "# Installed by `oslog hooks install`.";

/// The hook script for a log at `log_dir`, relative to the repository's working folder.
pub fn hook_script(log_dir: &Path) -> String {
    let dir = match log_dir.to_str() {
        Some("") | None => ".".to_string(),
        Some(d) => d.replace('\'', r"'\''"),
    };
    format!(
        "#!/bin/sh\n\
         {MARK}\n\
         # Checks the action log as staged for each commit (the git index, not the working tree);\n\
         # `git commit --no-verify` skips it once.\n\
         set -e\n\
         if ! command -v oslog >/dev/null 2>&1; then\n\
         \x20 echo 'oslog is not on PATH; install it (cargo install --path <oslog source>) or commit with --no-verify' >&2\n\
         \x20 exit 1\n\
         fi\n\
         oslog -C '{dir}' validate --strict --staged\n\
         oslog -C '{dir}' fmt --check --staged\n"
    )
}

/// Run `oslog hooks`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    match args.action {
        HooksCommand::Install(a) => install(a, ctx, out),
        HooksCommand::Uninstall(_) => uninstall(ctx, out),
    }
}

/// Where the pre-commit hook of the log's repository lives, and how to show that path.
struct Hook {
    path: PathBuf,
    shown: String,
    workdir: PathBuf,
    /// The log's folder relative to the repository's working folder.
    log_dir: PathBuf,
}

impl Hook {
    fn of(ctx: &Context) -> Result<Hook> {
        let root = ctx.root()?;
        let repo = crate::git::repo_paths(&root)?;
        let workdir = repo.workdir.canonicalize().unwrap_or(repo.workdir);
        let log_dir = root.strip_prefix(&workdir).unwrap_or(&root).to_path_buf();
        let path = repo.hooks.join("pre-commit");
        let mut hook = Hook {
            shown: String::new(),
            path,
            workdir,
            log_dir,
        };
        hook.shown = hook.shown(&hook.path);
        Ok(hook)
    }

    fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The backup names in the order they are taken: `pre-commit.before-oslog`, then `.2`, `.3`, …
    fn backup(&self, n: usize) -> PathBuf {
        match n {
            1 => self.folder().join(BACKUP),
            n => self.folder().join(format!("{BACKUP}.{n}")),
        }
    }

    /// `path` as shown to the user: relative to the repository's working folder when inside it.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.workdir)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Keep the hook under the first free backup name. A hard link keeps the very file, its bytes and
    /// its mode, and fails rather than overwrite a backup that exists; the atomic write that follows
    /// then replaces only the hook's name.
    fn keep(&self) -> Result<PathBuf> {
        for n in 1.. {
            let backup = self.backup(n);
            match std::fs::hard_link(&self.path, &backup) {
                Ok(()) => return Ok(backup),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("cannot keep {} as {}", self.shown, self.shown(&backup))
                    })
                }
            }
        }
        unreachable!("the backup names are endless")
    }

    /// The latest backup, if any.
    fn latest_backup(&self) -> Option<PathBuf> {
        let mut latest = None;
        for n in 1.. {
            let backup = self.backup(n);
            if std::fs::symlink_metadata(&backup).is_err() {
                return latest;
            }
            latest = Some(backup);
        }
        latest
    }
}

fn install(args: InstallArgs, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let hook = Hook::of(ctx)?;
    let shown = &hook.shown;
    let path = &hook.path;
    let script = hook_script(&hook.log_dir);
    let existing = read_hook(path)?;
    let mut kept = None;
    let done = match existing.as_deref() {
        None => "installed",
        Some(text) if text == script => {
            make_executable(path)?;
            writeln!(out, "{shown} is up to date")?;
            return Ok(Outcome::Success);
        }
        Some(text) if text.contains(MARK) => "updated",
        Some(_) if args.force => {
            kept = Some(hook.keep()?);
            "replaced"
        }
        Some(_) => bail!(
            "refused: {shown} exists and was not written by oslog; \
             add `oslog validate --strict --staged` to it, or replace it with --force"
        ),
    };
    std::fs::create_dir_all(hook.folder())
        .with_context(|| format!("cannot create folder {}", hook.folder().display()))?;
    crate::store::write_atomic(path, &script)?;
    make_executable(path)?;
    match kept {
        Some(backup) => writeln!(
            out,
            "{done} {shown}; the old hook is kept as {}",
            hook.shown(&backup)
        )?,
        None => writeln!(out, "{done} {shown}")?,
    }
    Ok(Outcome::Success)
}

fn uninstall(ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let hook = Hook::of(ctx)?;
    let shown = &hook.shown;
    match read_hook(&hook.path)? {
        None => {
            writeln!(out, "{shown} does not exist; nothing to uninstall")?;
            return Ok(Outcome::Success);
        }
        Some(text) if !text.contains(MARK) => {
            bail!("refused: {shown} was not written by oslog; it is left as it is")
        }
        Some(_) => {}
    }
    match hook.latest_backup() {
        Some(backup) => {
            // One rename: the hook is oslog's or the user's again, never missing in between.
            std::fs::rename(&backup, &hook.path)
                .with_context(|| format!("cannot put {} back as {shown}", hook.shown(&backup)))?;
            crate::store::sync_folder(hook.folder())?;
            writeln!(
                out,
                "removed oslog's {shown}; put back {} in its place",
                hook.shown(&backup)
            )?;
        }
        None => {
            std::fs::remove_file(&hook.path).with_context(|| format!("cannot remove {shown}"))?;
            crate::store::sync_folder(hook.folder())?;
            writeln!(out, "removed {shown}")?;
        }
    }
    Ok(Outcome::Success)
}

/// The hook's text, `None` when there is no hook. A hook that is not text (a binary program) is
/// one oslog did not write.
fn read_hook(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_runs_from_the_repository_top_in_the_log_folder() {
        let s = hook_script(Path::new("docs/it's log"));
        assert!(s.starts_with("#!/bin/sh\n") && s.contains(MARK));
        assert!(s.contains(r"oslog -C 'docs/it'\''s log' validate --strict --staged"));
        assert!(hook_script(Path::new("")).contains("oslog -C '.' fmt --check --staged"));
    }
}
