//! What reaches a terminal: text oslog did not write itself (file contents, file names, git authors
//! and subjects) never carries a control sequence, and tables fit the width they are given.

use super::common;
use super::growth::log_with;

#[test]
fn piped_tables_honour_columns_and_keep_words_whole() {
    let dir = tempfile::tempdir().unwrap();
    log_with(
        dir.path(),
        "id: 2\ntitle: Publish the annual report of the forum with every theme's progress\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n",
    );
    for columns in ["60", "80"] {
        let out = common::oslog_with(dir.path(), &["list"], &[("COLUMNS", columns)]);
        assert_eq!(out.status.code(), Some(0), "{}", common::shown(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let width: usize = columns.parse().unwrap();
        for line in text.lines() {
            assert!(line.chars().count() <= width, "{columns}: {line:?}\n{text}");
        }
        for word in ["Publish", "annual", "progress", "governance", "ongoing"] {
            assert!(text.contains(word), "{columns}: {word} was broken\n{text}");
        }
    }
}
