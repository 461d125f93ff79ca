//! `oslog fmt` writes files, so it is tested here on copies in a temporary folder rather than in
//! `tests/cmd/` (trycmd runs `.trycmd` cases in the fixture folders themselves). The fixtures are the
//! trycmd ones: `non-canonical.in` (every file formattable) and `fmt-check.in` (the same, plus files
//! that fmt must refuse to touch).

mod common;
use common::{copy_dir, snapshot};
use oslog::model::{Action, Milestone, Themes};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The fixture folder of a trycmd case.
fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cmd")
        .join(format!("{case}.in"))
}

/// A copy of a fixture in a fresh temporary folder.
fn copy_of(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(case), dir.path());
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn oslog(dir: &Path, args: &[&str]) -> Run {
    let out = common::oslog(dir, args);
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

/// The data of every record that loaded, keyed by file.
#[derive(Debug, PartialEq)]
struct Data {
    themes: Option<Themes>,
    actions: BTreeMap<PathBuf, Action>,
    milestones: BTreeMap<PathBuf, Milestone>,
}

fn data(dir: &Path) -> Data {
    let log = oslog::store::load(dir).unwrap();
    Data {
        themes: log.themes.map(|t| t.value),
        actions: log.actions.into_iter().map(|a| (a.file, a.value)).collect(),
        milestones: log
            .milestones
            .into_iter()
            .map(|m| (m.file, m.value))
            .collect(),
    }
}

/// The findings of `validate --format json` as (code, file, line), leaving out `non-canonical`.
fn findings(dir: &Path) -> Vec<(String, String, u64)> {
    let run = oslog(dir, &["validate", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut found = common::findings_of(&json);
    found.retain(|(code, _, _)| code != "non-canonical");
    found
}

fn no_temporary_files(dir: &Path) {
    for file in snapshot(dir).keys() {
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(
            !name.starts_with(".oslog-"),
            "left behind: {}",
            file.display()
        );
    }
}

/// An action that breaks every layout rule at once: a byte-order mark, CRLF endings, keys out of
/// order, needless quotes, a spaced flow list, an update with its keys swapped and an escaped line
/// break. Its header comment must survive.
const MESSY: &str = concat!(
    "\u{feff}# yaml-language-server: $schema=../schema/action.json\r\n",
    "title: \"HO to publish the paper.\"\r\n",
    "id: 17\r\n",
    "status: ongoing\r\n",
    "theme: 'data-sharing'\r\n",
    "raised: 2018-09\r\n",
    "links: [ 16 ,1 ]\r\n",
    "updates:\r\n",
    "  - text: \"First line.\\nSecond line.\"\r\n",
    "    date: 2019-04-09\r\n",
);

const MESSY_CANONICAL: &str = "# yaml-language-server: $schema=../schema/action.json
id: 17
title: HO to publish the paper.
theme: data-sharing
raised: 2018-09
status: ongoing
links: [16, 1]
updates:
  - date: 2019-04-09
    text: |-
      First line.
      Second line.
";

#[test]
fn fmt_makes_every_file_canonical_and_keeps_the_data() {
    let dir = copy_of("non-canonical");
    let root = dir.path();
    std::fs::write(root.join("actions/017.yaml"), MESSY).unwrap();

    let before = data(root);
    assert_eq!(before.actions.len(), 3, "{before:?}");
    assert_eq!(before.milestones.len(), 1, "{before:?}");
    let findings_before = findings(root);
    assert_eq!(
        findings_before,
        vec![],
        "the fixture has only layout warnings"
    );
    assert_eq!(oslog(root, &["fmt", "--check"]).code, 1);

    let run = oslog(root, &["fmt"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "formatted actions/001.yaml\n\
         formatted actions/016.yaml\n\
         formatted actions/017.yaml\n\
         formatted timeline/2019-09-open-space-annual-report.yaml\n"
    );

    // The files are canonical now: fmt --check and validate --strict pass.
    let check = oslog(root, &["fmt", "--check"]);
    assert_eq!(
        (check.code, check.stdout.as_str()),
        (0, "all 5 files are canonical\n")
    );
    let strict = oslog(root, &["validate", "--strict"]);
    assert_eq!(strict.code, 0, "{}", strict.stdout);

    // The data is unchanged, and so are the findings other than layout.
    assert_eq!(data(root), before);
    assert_eq!(findings(root), findings_before);

    // The fixture's files were broken copies of the valid case's files: they are those files again.
    let valid = fixture("valid");
    for file in [
        "actions/001.yaml",
        "actions/016.yaml",
        "timeline/2019-09-open-space-annual-report.yaml",
    ] {
        assert_eq!(
            std::fs::read_to_string(root.join(file)).unwrap(),
            std::fs::read_to_string(valid.join(file)).unwrap(),
            "{file}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(root.join("actions/017.yaml")).unwrap(),
        MESSY_CANONICAL
    );
    no_temporary_files(root);

    // A second run changes nothing.
    let files = snapshot(root);
    let again = oslog(root, &["fmt"]);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, "all 5 files are canonical\n")
    );
    assert_eq!(snapshot(root), files);
}

#[test]
fn fmt_leaves_files_with_errors_or_interior_comments_untouched() {
    let dir = copy_of("fmt-check");
    let root = dir.path();
    let untouched = [
        "actions/017.yaml", // a comment inside the record
        "actions/018.yaml", // an unknown field
        "actions/019.yaml", // a YAML syntax error
    ];
    let files_before = snapshot(root);
    let data_before = data(root);
    let findings_before = findings(root);

    let run = oslog(root, &["fmt"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for file in untouched {
        assert!(
            run.stdout.contains(&format!(
                "cannot format {file}: it has findings; run `oslog validate`\n"
            )),
            "{}",
            run.stdout
        );
    }
    for file in [
        "actions/001.yaml",
        "actions/016.yaml",
        "timeline/2019-09-open-space-annual-report.yaml",
    ] {
        assert!(
            run.stdout.contains(&format!("formatted {file}\n")),
            "{}",
            run.stdout
        );
    }

    // The refused files are byte for byte what they were; the others were rewritten.
    let files_after = snapshot(root);
    for file in untouched {
        assert_eq!(
            files_after[Path::new(file)],
            files_before[Path::new(file)],
            "{file} was changed"
        );
    }
    assert_ne!(
        files_after[Path::new("actions/001.yaml")],
        files_before[Path::new("actions/001.yaml")]
    );
    assert_eq!(
        files_after.keys().collect::<Vec<_>>(),
        files_before.keys().collect::<Vec<_>>(),
        "fmt added or removed files"
    );
    no_temporary_files(root);

    // The data and the findings (other than layout) are unchanged.
    assert_eq!(data(root), data_before);
    assert_eq!(findings(root), findings_before);

    // Only the refused files are left for fmt --check to name, and it still fails because of them.
    let check = oslog(root, &["fmt", "--check"]);
    assert_eq!(check.code, 1);
    assert!(!check.stdout.contains("not canonical:"), "{}", check.stdout);
    assert_eq!(
        check.stdout.lines().count(),
        untouched.len(),
        "{}",
        check.stdout
    );
}

#[test]
fn fmt_check_changes_nothing() {
    let dir = copy_of("fmt-check");
    let root = dir.path();
    let before = snapshot(root);
    let run = oslog(root, &["fmt", "--check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("not canonical: actions/016.yaml\n"));
    assert_eq!(snapshot(root), before);
}
