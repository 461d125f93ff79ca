//! The JSON Schema cannot drift from the format: the repository's own log and the test fixtures
//! validate against it (read as an editor's YAML 1.2 language server reads them), its properties are
//! the decoder's field lists, and it rejects the mistakes a secretariat makes while typing.

use oslog::commands::schema::{generate, SchemaKind};
use oslog::model::{
    ACTION_FIELDS, MEMBER_FIELDS, MILESTONE_FIELDS, SOURCE_FIELDS, THEMES_FILE_FIELDS,
    THEME_FIELDS, UPDATE_FIELDS,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn validator(kind: SchemaKind) -> jsonschema::Validator {
    jsonschema::draft7::new(&generate(kind)).expect("the generated schema is valid draft-07")
}

fn yaml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    oslog::store::yaml::parse(&text)
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message))
        .root
        .to_json()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    files
}

/// The log roots to check: the repository's own log and the valid fixture log of the snapshot tests
/// (the other fixtures are broken on purpose).
fn log_roots() -> Vec<PathBuf> {
    vec![PathBuf::from("."), PathBuf::from("tests/cmd/valid.in")]
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_file_of_the_logs_validates() {
    let (actions, milestones, themes) = (
        validator(SchemaKind::Actions),
        validator(SchemaKind::Milestones),
        validator(SchemaKind::Themes),
    );
    let mut checked = [0, 0, 0];
    let mut failures = Vec::new();
    for root in log_roots() {
        let kinds = [
            (&actions, yaml_files(&root.join("actions"))),
            (&milestones, yaml_files(&root.join("timeline"))),
            (&themes, vec![root.join("themes.yaml")]),
        ];
        for (i, (v, files)) in kinds.into_iter().enumerate() {
            for file in files {
                checked[i] += 1;
                for e in errors(v, &yaml_as_json(&file)) {
                    failures.push(format!("{}: {e}", file.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked.iter().all(|n| *n > 0),
        "actions, milestones and themes files checked: {checked:?}"
    );
}

fn property_names(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .expect("an object schema")
        .keys()
        .cloned()
        .collect()
}

fn names(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

#[test]
fn properties_are_the_decoders_fields() {
    let action = generate(SchemaKind::Actions);
    assert_eq!(property_names(&action), names(ACTION_FIELDS));
    assert_eq!(
        property_names(&action["definitions"]["Update"]),
        names(UPDATE_FIELDS)
    );
    let milestone = generate(SchemaKind::Milestones);
    assert_eq!(property_names(&milestone), names(MILESTONE_FIELDS));
    let themes = generate(SchemaKind::Themes);
    assert_eq!(property_names(&themes), names(THEMES_FILE_FIELDS));
    assert_eq!(
        property_names(&themes["definitions"]["Member"]),
        names(MEMBER_FIELDS)
    );
    assert_eq!(
        property_names(&themes["definitions"]["Theme"]),
        names(THEME_FIELDS)
    );
    assert_eq!(
        property_names(&themes["definitions"]["RecordSource"]),
        names(SOURCE_FIELDS)
    );
}

#[test]
fn the_schema_is_draft_07_and_closed() {
    for kind in [
        SchemaKind::Actions,
        SchemaKind::Milestones,
        SchemaKind::Themes,
    ] {
        let s = generate(kind);
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(s["additionalProperties"], false);
    }
}

#[test]
fn typing_mistakes_are_refused() {
    let v = validator(SchemaKind::Actions);
    let good = json!({"id": 16, "title": "Paper on data sharing", "theme": "data-sharing",
        "raised": "2018-07", "deadline": "monthly", "status": "ongoing", "links": [21],
        "updates": [{"date": "2019-04-09", "text": "Discussed."}]});
    assert!(errors(&v, &good).is_empty(), "{:?}", errors(&v, &good));
    let with = |key: &str, value: Value| {
        let mut a = good.clone();
        a[key] = value;
        a
    };
    let mut missing_title = good.clone();
    missing_title.as_object_mut().unwrap().remove("title");
    for (what, bad) in [
        ("status word", with("status", json!("Ongoing"))),
        ("month", with("raised", json!("2018-13"))),
        ("date shape", with("raised", json!("Jul'18"))),
        ("deadline", with("deadline", json!("Monthly"))),
        ("id", with("id", json!(0))),
        ("id type", with("id", json!("16"))),
        ("theme key", with("theme", json!("Data Sharing"))),
        ("unknown field", with("owner_name", json!("HO"))),
        ("link", with("links", json!([0]))),
        ("update", with("updates", json!([{"txt": "x"}]))),
        ("missing title", missing_title),
    ] {
        assert!(!v.is_valid(&bad), "the schema accepts a wrong {what}");
    }

    let themes = validator(SchemaKind::Themes);
    assert!(!themes.is_valid(&json!({"themes": [{"key": "x", "name": "X", "colour": "red"}]})));
    assert!(!themes.is_valid(&json!({"themes": []})));
    let milestones = validator(SchemaKind::Milestones);
    assert!(
        !milestones.is_valid(&json!({"id": "annual-report", "date": "2019-09",
        "kind": "report", "title": "Annual report", "status": "planned"}))
    );
    assert!(
        milestones.is_valid(&json!({"id": "2019-09-annual-report", "date": "2019-09",
        "kind": "report", "title": "Annual report", "status": "planned"}))
    );
}
