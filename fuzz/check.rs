//! What the fuzz targets and their regression test run: one file of a small valid log replaced by
//! arbitrary bytes, loaded, validated and rendered in every findings format. Any panic is a bug.

use oslog::output::diagnostics::{render, Checked, Format};
use oslog::output::style::Paint;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const THEMES: &str =
    "themes:\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#1f77b4\"\n";
const ACTION: &str = "id: 1\ntitle: Share the list of LEDS users.\ntheme: data-sharing\nraised: 2018-07\nstatus: ongoing\n";
const MILESTONE: &str =
    "id: 2019-09-open-space\ntitle: Open space\ndate: 2019-09\nkind: meeting\nactions: [1, 16]\n";

/// Which file the bytes stand for.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Action,
    Themes,
}

/// Load, validate and render a log whose action 16 (or themes.yaml) holds `bytes`.
pub fn check(target: Target, bytes: &[u8]) {
    let mut files: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    files.insert("themes.yaml".into(), THEMES.into());
    files.insert("actions/001.yaml".into(), ACTION.into());
    files.insert("timeline/2019-09-open-space.yaml".into(), MILESTONE.into());
    let path = match target {
        Target::Action => "actions/016.yaml",
        Target::Themes => "themes.yaml",
    };
    files.insert(path.into(), bytes.to_vec());

    let log = oslog::store::load_files(Path::new("."), files.clone());
    let mut diags = log.diags.clone();
    diags.extend(oslog::validate::check(&log));
    oslog::diag::sort(&mut diags);
    let source = |rel: &Path| {
        files
            .get(rel)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    for format in [Format::Human, Format::Json, Format::Github] {
        let mut out = Vec::new();
        render(
            &mut out,
            format,
            &diags,
            Checked::default(),
            Path::new(""),
            Paint { on: true },
            &source,
        )
        .expect("rendering into memory cannot fail");
    }
}
