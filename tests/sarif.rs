//! `oslog validate --format sarif`: the findings as a SARIF 2.1.0 log, checked against the standard's
//! own JSON Schema (tests/schemas/sarif-2.1.0.json, OASIS's sarif-schema-2.1.0.json) and read as a
//! code-scanning dashboard reads it: rule, level, message, file and position.

mod common;

use serde_json::Value;

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&schema).expect("the SARIF schema is valid draft-07")
}

/// Run `oslog [global…] validate --format sarif` in `dir`: its exit code and its log, which must be
/// valid SARIF.
fn sarif(dir: &std::path::Path, global: &[&str]) -> (Option<i32>, Value) {
    let mut all = global.to_vec();
    all.extend(["validate", "--format", "sarif"]);
    let out = common::oslog(dir, &all);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::shown(&out)));
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
    (out.status.code(), doc)
}

const THEMES: &str =
    "themes:\n  - key: governance\n    name: Governance\n    colour: \"#1f77b4\"\n";

#[test]
fn findings_are_results_at_their_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("forum log");
    common::write(&log, "themes.yaml", THEMES);
    common::write(
        &log,
        "actions/001.yaml",
        "id: 1\ntitle: Share the paper\ntheme: governanse\nraised: 2019-01\nstatus: ongoing\n",
    );
    // Run from the repository's top, as a workflow does: the URIs are relative to it.
    let (code, doc) = sarif(tmp.path(), &["-C", "forum log"]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "oslog");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{doc:#}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "unknown-theme");
    assert_eq!(r["level"], "error");
    let rule = &run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "unknown-theme");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("governanse"),
        "{r}"
    );
    let place = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        place["artifactLocation"]["uri"],
        "forum%20log/actions/001.yaml"
    );
    assert_eq!(place["region"]["startLine"], 3);
    assert_eq!(place["region"]["startColumn"], 8);
}

#[test]
fn a_clean_log_has_no_results_and_each_finding_is_a_result_where_json_puts_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    common::write(root, "themes.yaml", THEMES);
    common::write(
        root,
        "actions/001.yaml",
        "id: 1\ntitle: Share the paper\ntheme: governance\nraised: 2019-01\nstatus: ongoing\n",
    );
    let (code, doc) = sarif(root, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    // Every finding code is a rule, with its description and level.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), oslog::diag::Code::ALL.len());

    // Each finding as JSON gives it is a result at the same place; one without a line (a stray
    // file) has no region.
    common::write(root, "actions/notes.txt", "to do\n");
    common::write(root, "actions/notes.yaml", "id: 2\n");
    let (code, doc) = sarif(root, &[]);
    assert_eq!(code, Some(1));
    let json = common::oslog(root, &["validate", "--format", "json"]);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    assert!(diags.iter().any(|d| d.get("line").is_none()), "{json:#}");
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(r["level"], d["severity"]);
        let place = &r["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], d["file"]);
        assert_eq!(place["region"]["startLine"], d["line"]);
        assert_eq!(place["region"]["startColumn"], d["column"]);
        assert_eq!(place.get("region").is_none(), d.get("line").is_none());
    }
}
