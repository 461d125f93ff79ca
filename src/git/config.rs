//! The repository's own configuration, for `oslog merge-driver --install`.

use anyhow::{Context, Result};
use std::path::Path;

/// Register oslog's merge driver in the configuration of the clone that holds `start`
/// (`merge.oslog.name` and `merge.oslog.driver`), so that `.gitattributes` can name it.
pub fn install_merge_driver(start: &Path, driver: &str) -> Result<()> {
    let repo = git2::Repository::discover(start)
        .with_context(|| format!("{} is not inside a git repository", start.display()))?;
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .context("cannot open the repository's configuration")?;
    config.set_str(
        "merge.oslog.name",
        "oslog: merge action and milestone files field by field",
    )?;
    config
        .set_str("merge.oslog.driver", driver)
        .context("cannot write merge.oslog.driver")?;
    Ok(())
}
