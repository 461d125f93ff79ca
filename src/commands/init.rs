//! `oslog init`: start a new log in a folder, for a forum that wants a log of its own. Every file is
//! created exclusively, so an existing log is never overwritten.

use super::{Context, Outcome};
use crate::model::{Theme, Themes};
use crate::store::{self, emit, ACTIONS_DIR, THEMES_FILE, TIMELINE_DIR};
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Start a new log in DIR (default: the current folder).
///
/// Writes themes.yaml with example themes to edit, empty actions/ and timeline/ folders (each
/// with a .gitkeep, so git keeps them), a .gitattributes that sends record files to
/// `oslog merge-driver` (once `oslog merge-driver --install` has registered it in a clone; until
/// then git merges them as text), a .gitignore that keeps oslog's own files (the lock
/// .oslog.lock, the journal and temporary files of a write) out of git, and a README.md stub
/// unless one exists. Refuses, and changes nothing, when DIR already holds a themes.yaml, which it
/// writes last. The new log passes `oslog validate --strict` and `oslog fmt --check` as it is.
///
/// Examples:
///   oslog init
///   oslog init forum-log && cd forum-log && git init
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The folder to start the log in; created if missing.
    #[arg(value_name = "DIR")]
    pub folder: Option<PathBuf>,
}

const THEMES_HEADER: &str = "\
# The themes of this log, in the order reports use. Rename, recolour, add or remove them; every
# action's `theme` must be one of these keys. The format: docs/format.md in oslog's repository.";

/// The themes a new log starts with: examples of the kind a forum uses.
pub fn example_themes() -> Themes {
    let theme = |key: &str, name: &str, colour: &str, description: &str| Theme {
        key: key.into(),
        name: name.into(),
        colour: colour.into(),
        description: Some(description.into()),
        public_owners: false,
    };
    Themes {
        themes: vec![
            theme(
                "governance",
                "Governance",
                "#1f77b4",
                "How the forum runs: membership, terms of reference and decisions.",
            ),
            theme(
                "papers-and-information",
                "Papers and Information",
                "#ff7f0e",
                "Papers, figures and updates that members asked to see.",
            ),
            theme(
                "consultation",
                "Consultation",
                "#2ca02c",
                "Consultations, their responses and what changed as a result.",
            ),
        ],
        members: Vec::new(),
        sources: Vec::new(),
    }
}

const README: &str = "\
# Action log

This folder is an action log kept with oslog: one YAML file per action in
`actions/` (`actions/001.yaml`), one per timeline milestone in `timeline/`
(`timeline/2025-03-annual-report.yaml`), and the themes in `themes.yaml`.

- `oslog status` shows where the log stands.
- `oslog validate` checks every file; `oslog fmt` writes them in the canonical layout.
- `oslog hooks install` checks the log before every commit.
- `oslog merge-driver --install` merges action files field by field.
";

/// Run `oslog init`.
pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome> {
    let dir = match &args.folder {
        Some(d) => ctx.start.join(d),
        None => ctx.start.clone(),
    };
    if dir.join(THEMES_FILE).exists() {
        bail!(
            "{} already holds a log ({THEMES_FILE} exists); nothing was changed",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;

    for sub in [ACTIONS_DIR, TIMELINE_DIR] {
        create_folder(&dir, sub)?;
    }
    super::merge_driver::write_attributes(&dir)?;
    store::add_lines(
        &store::path_in(&dir, Path::new(".gitignore"))?,
        store::GITIGNORE,
    )?;
    let readme = if store::create_new(&store::path_in(&dir, Path::new("README.md"))?, README)? {
        "README.md"
    } else {
        "README.md (kept the existing one)"
    };
    // Last, since it marks the log root: an init interrupted before it can simply be run again.
    let header: Vec<String> = THEMES_HEADER.lines().map(String::from).collect();
    let themes = emit::themes(&example_themes(), &header);
    if !store::create_new(&store::path_in(&dir, Path::new(THEMES_FILE))?, &themes)? {
        bail!(
            "{} already holds a log ({THEMES_FILE} exists); nothing was changed",
            dir.display()
        );
    }
    writeln!(
        out,
        "started a log in {}: {THEMES_FILE}, {ACTIONS_DIR}/, {TIMELINE_DIR}/, .gitattributes, .gitignore, {readme}",
        shown(&dir)
    )?;
    writeln!(
        out,
        "next: edit {THEMES_FILE}, then `oslog validate`; `oslog hooks install` checks every commit"
    )?;
    Ok(Outcome::Success)
}

/// Create the folder `sub` of `dir` with its `.gitkeep`, never through a link in its place.
fn create_folder(dir: &Path, sub: &str) -> Result<()> {
    let path = store::path_in(dir, Path::new(sub))?;
    std::fs::create_dir_all(&path)
        .with_context(|| format!("cannot create folder {}", path.display()))?;
    store::create_new(&store::path_in(&path, Path::new(".gitkeep"))?, "")?;
    Ok(())
}

fn shown(dir: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| dir.strip_prefix(c).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => ".".into(),
        Some(rel) => rel.display().to_string(),
        None => dir.display().to_string(),
    }
}
