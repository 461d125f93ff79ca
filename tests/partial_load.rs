//! `show N` and `list --theme` parse only the files that can matter; these cases check that the
//! files they skip could not have changed the answer.

mod common;

use std::path::Path;

const THEMES: &str = "themes:\n  - key: data-sharing\n    name: Data Sharing\n    colour: \"#2ca02c\"\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n";

fn write(root: &Path, id: u32, theme: &str, extra: &str) {
    let text = format!(
        "id: {id}\ntitle: Action {id}\ntheme: {theme}\nraised: 2019-01\nstatus: ongoing\n{extra}"
    );
    std::fs::write(root.join("actions").join(format!("{id:03}.yaml")), text).unwrap();
}

fn log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("themes.yaml"), THEMES).unwrap();
    std::fs::create_dir(dir.path().join("actions")).unwrap();
    write(dir.path(), 1, "governance", "");
    write(dir.path(), 2, "governance", "links:\n  - 1\n");
    write(dir.path(), 3, "governance", "links: [11, 100]\n");
    write(dir.path(), 4, "\"data\\x2dsharing\"", "duplicate_of: 1\n");
    write(dir.path(), 11, "data-sharing", "merged_into: [1]\n");
    dir
}

fn oslog(root: &Path, args: &[&str]) -> String {
    let out = common::oslog(root, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn show_finds_every_reference_in_any_form() {
    let dir = log();
    let json: serde_json::Value =
        serde_json::from_str(&oslog(dir.path(), &["show", "1", "--format", "json"])).unwrap();
    let refs = &json["referenced_by"];
    assert_eq!(refs["linked_from"], serde_json::json!([2]));
    assert_eq!(refs["merged_from"], serde_json::json!([11]));
    assert_eq!(refs["duplicates"], serde_json::json!([4]));
}

#[test]
fn list_by_theme_finds_a_theme_written_with_an_escape() {
    let dir = log();
    let csv = oslog(
        dir.path(),
        &[
            "list",
            "--theme",
            "data-sharing",
            "--format",
            "csv",
            "--columns",
            "id",
        ],
    );
    assert_eq!(csv.lines().skip(1).collect::<Vec<_>>(), vec!["4", "11"]);
}
