//! `oslog report actions --format docx`: the Word document read back by an independent reader
//! (python-docx): landscape A4, the legend of theme colours, and the three sections as tables with
//! the 2019 log's columns, holding every action of the repository's own log in its section. Without
//! python-docx the test fails under CI=true (where `.ci/run` installs it) and says so elsewhere.

mod common;

use std::path::Path;

const READ: &str = r##"
import sys, docx
d = docx.Document(sys.argv[1])
s = d.sections[0]
print("page", s.orientation, round(s.page_width.mm), round(s.page_height.mm))
for t in d.tables:
    head = [c.text for c in t.rows[0].cells]
    if head[0] != "#":
        fills = t._tbl.xpath(".//w:shd/@w:fill")
        print("legend", len(t.rows), ",".join(f.lower() for f in fills))
        continue
    numbers = [r.cells[0].text for r in t.rows[1:] if r.cells[0].text.isdigit()]
    print("table", "|".join(head), " ".join(numbers))
"##;

#[test]
fn the_word_document_has_the_2019_layout_and_every_action() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.docx");
    let o = common::oslog(
        root,
        &[
            "report",
            "actions",
            "--format",
            "docx",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::shown(&o));
    let Some(out) = common::python(READ, &[&file]) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "page LANDSCAPE (1) 297 210", "{out}");
    // The legend: every theme of themes.yaml in its colour.
    let themes = std::fs::read_to_string(root.join("themes.yaml")).unwrap();
    let colours: Vec<String> = themes
        .lines()
        .filter_map(|l| l.trim().strip_prefix("colour: "))
        .map(|c| c.trim_matches('"').trim_start_matches('#').to_lowercase())
        .collect();
    let legend = lines[1].strip_prefix("legend ").expect("the legend first");
    assert_eq!(legend, format!("{} {}", colours.len(), colours.join(",")));
    // Three tables with the 2019 log's columns; each holds the actions of its section.
    let list = common::oslog(root, &["list", "--format", "csv", "--columns", "id,status"]);
    let csv = String::from_utf8(list.stdout).unwrap();
    let ids = |keep: &dyn Fn(&str) -> bool| -> Vec<u32> {
        let mut v: Vec<u32> = csv
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(','))
            .filter(|(_, s)| keep(s))
            .map(|(n, _)| n.parse().unwrap())
            .collect();
        v.sort();
        v
    };
    let expected = [
        ids(&|s| s == "not-started" || s == "ongoing"),
        ids(&|s| s == "proposed-complete"),
        ids(&|s| s == "complete" || s == "closed"),
    ];
    let tables: Vec<&str> = lines[2..].to_vec();
    assert_eq!(tables.len(), 3, "{out}");
    let mut all = 0;
    for (t, want) in tables.iter().zip(&expected) {
        let rest = t
            .strip_prefix("table #|Actions|Deadline|Status|When from?|Owner? ")
            .unwrap_or_else(|| panic!("columns: {t}"));
        let mut got: Vec<u32> = rest
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        got.sort();
        assert_eq!(&got, want);
        all += got.len();
    }
    let files = std::fs::read_dir(root.join("actions")).unwrap().count();
    assert_eq!(all, files, "every action in its section");
}

#[test]
fn a_word_document_needs_a_file_and_the_action_log() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = common::oslog(root, &["report", "actions", "--format", "docx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "no bytes of a document on a terminal");
    let o = common::oslog(root, &["report", "monthly", "--format", "docx"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::shown(&o));
}
