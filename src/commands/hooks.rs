//! `oslog hooks install`: a plain git pre-commit hook that runs `oslog validate --strict --staged`
//! and `oslog fmt --check --staged`, for teams that do not use the pre-commit framework, so that it
//! checks exactly what is being committed. A hook that oslog wrote (it carries [`MARK`]) is brought up
//! to date by installing again; one that oslog did not write is never replaced without `--force`.

use super::{Context, Outcome};
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use std::path::Path;

/// Manage the git hooks that check the log.
///
/// Examples:
///   oslog hooks install
///   oslog hooks install --force
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
}

/// Install a git pre-commit hook that runs `oslog validate --strict --staged` and
/// `oslog fmt --check --staged`.
///
/// The hook goes where git runs hooks from (core.hooksPath, or .git/hooks). It checks the files
/// as staged for the commit (the git index, including the one `git commit -a` and
/// `git commit PATH` prepare), not the working tree; `git commit --no-verify` skips it once.
/// Installing again updates a hook that oslog wrote, such as one from an earlier version. A
/// pre-commit hook that oslog did not write is left alone, and the command is refused (exit 2),
/// unless --force is given.
///
/// Examples:
///   oslog hooks install
///   oslog hooks install --force
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct InstallArgs {
    /// Replace an existing pre-commit hook that oslog did not write.
    #[arg(long)]
    pub force: bool,
}

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
    }
}

fn install(args: InstallArgs, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let root = ctx.root()?;
    let repo = crate::git::repo_paths(&root)?;
    let workdir = repo.workdir.canonicalize().unwrap_or(repo.workdir);
    let log_dir = root.strip_prefix(&workdir).unwrap_or(&root);
    let path = repo.hooks.join("pre-commit");
    let shown = path.strip_prefix(&workdir).unwrap_or(&path).display();
    let script = hook_script(log_dir);
    let existing = std::fs::read_to_string(&path).ok();
    let done = match existing.as_deref() {
        None => "installed",
        Some(text) if text == script => {
            make_executable(&path)?;
            writeln!(out, "{shown} is up to date")?;
            return Ok(Outcome::Success);
        }
        Some(text) if text.contains(MARK) => "updated",
        Some(_) if args.force => "replaced",
        Some(_) => bail!(
            "refused: {shown} exists and was not written by oslog; \
             add `oslog validate --strict --staged` to it, or replace it with --force"
        ),
    };
    std::fs::create_dir_all(&repo.hooks)
        .with_context(|| format!("cannot create folder {}", repo.hooks.display()))?;
    crate::store::write_atomic(&path, &script)?;
    make_executable(&path)?;
    writeln!(out, "{done} {shown}")?;
    Ok(Outcome::Success)
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
