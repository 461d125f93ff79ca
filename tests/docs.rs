//! The documentation cannot drift from the code: every finding code and every field is in the format
//! reference, and every subcommand is in the README.

use oslog::diag::Code;
use oslog::model::{
    ACTION_FIELDS, MEMBER_FIELDS, MILESTONE_FIELDS, SOURCE_FIELDS, THEMES_FILE_FIELDS,
    THEME_FIELDS, UPDATE_FIELDS,
};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_code_is_documented() {
    let format = read("docs/format.md");
    for code in Code::ALL {
        let row = format!(
            "| `{}` | {} |",
            code.as_str(),
            format!("{:?}", code.severity()).to_lowercase()
        );
        assert!(
            format.contains(&row),
            "docs/format.md lacks the row for `{code}`: {row}"
        );
    }
}

#[test]
fn every_field_is_documented() {
    let format = read("docs/format.md");
    for field in ACTION_FIELDS
        .iter()
        .chain(MILESTONE_FIELDS)
        .chain(THEME_FIELDS)
        .chain(THEMES_FILE_FIELDS)
        .chain(MEMBER_FIELDS)
        .chain(SOURCE_FIELDS)
        .chain(UPDATE_FIELDS)
    {
        assert!(
            format.contains(&format!("{field}:")),
            "docs/format.md does not show the field `{field}`"
        );
    }
}

#[test]
fn every_subcommand_is_in_the_readme() {
    let readme = read("README.md");
    for sub in oslog::command().get_subcommands() {
        let name = format!("oslog {}", sub.get_name());
        assert!(
            readme.contains(&name),
            "README.md does not mention `{name}`"
        );
    }
}
