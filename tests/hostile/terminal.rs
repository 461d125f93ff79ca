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

/// The bytes that would move the cursor, erase, ring, or open a hyperlink on a terminal.
fn unsafe_bytes(out: &[u8]) -> Vec<u8> {
    out.iter()
        .copied()
        .filter(|b| matches!(b, 0x1b | 0x07 | 0x08 | b'\r' | 0x9b))
        .collect()
}

/// Hostile text everywhere oslog does not write it: an author name with a colour escape, a commit
/// subject with an OSC 8 hyperlink and a bell, a record's file name with an escape, a carriage
/// return, a backspace and a workflow command, and a stray file named to erase the line.
#[cfg(unix)]
#[test]
fn text_from_git_and_file_names_reaches_the_terminal_made_visible() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = common::log_repo(
        root,
        "themes:\n  - key: governance\n    name: Governance\n    colour: \"#9467bd\"\n",
        2,
        |id| {
            format!("id: {id}\ntitle: Action {id}.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n")
        },
    );
    std::fs::create_dir_all(root.join("timeline")).unwrap();
    common::commit(&repo, "Ann", 1_561_939_200, "Start the log");
    common::write(
        root,
        "actions/002.yaml",
        "id: 2\ntitle: Action 2.\ntheme: governance\nraised: 2018-10\nstatus: complete\nsigned_off: 2019-06\n",
    );
    common::write(root, "actions/\x1b[2K\rx\x08.yaml", "id: 9\n");
    common::write(root, "actions/003\n::error::forged.yaml", "x: [\n");
    common::commit(
        &repo,
        "Mallory\x1b[31m red",
        1_561_939_300,
        "Close \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 it\x07",
    );
    let runs: &[&[&str]] = &[
        &["history", "2"],
        &["log"],
        &["diff", "HEAD~1"],
        &["validate"],
        &["validate", "--format", "github"],
        &["list"],
        &["show", "2"],
        &["status"],
        &["timeline"],
    ];
    for args in runs {
        let out = common::oslog(root, args);
        assert!(
            out.status.code().is_some_and(|c| c <= 2),
            "{args:?}: {}",
            common::shown(&out)
        );
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert_eq!(
                unsafe_bytes(bytes),
                [0u8; 0],
                "{args:?} {stream}: {}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    // An error that quotes a path: one line, made visible.
    let elsewhere = tempfile::tempdir().unwrap();
    let named = elsewhere.path().join("a\x1b[31m\rb");
    std::fs::create_dir(&named).unwrap();
    let out = common::oslog(&named, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        unsafe_bytes(&out.stderr),
        [0u8; 0],
        "{}",
        common::shown(&out)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    // A workflow command starts at the start of a line: none but oslog's own.
    let github = common::oslog(root, &["validate", "--format", "github"]);
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{text}"
    );
    assert!(!text.contains("::error::forged"), "{text}");
}

#[test]
fn carets_stand_under_their_token_after_wide_characters() {
    let dir = tempfile::tempdir().unwrap();
    log_with(
        dir.path(),
        "id: 2\ntitle: 漢字の題 🎉 x\ntheme: governance\nraised: 2018-10\nstatus: ongoing\nlinks: [\"漢字🎉\", 1, 1]\n",
    );
    let out = common::oslog(dir.path(), &["validate"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = |header: &str| {
        let i = lines.iter().position(|l| l.starts_with(header));
        i.unwrap_or_else(|| panic!("{header}: {text}"))
    };
    // The quoted string takes eight columns: its quotes and three wide characters.
    let wrong = at("error[wrong-type]");
    assert_eq!(
        lines[wrong + 4],
        format!("  | {}{}", " ".repeat(8), "^".repeat(8)),
        "{text}"
    );
    let snippet = at("error[duplicate-number]") + 3;
    // The caret starts where the repeated `1` does: after `links: ["漢字🎉", 1, `, 18 characters of
    // which three are wide and take two columns each.
    assert_eq!(
        lines[snippet + 1],
        format!("  | {}^", " ".repeat(21)),
        "{text}"
    );
}

/// A terminal that reports a size of 0×0 (what `script` makes without a terminal of its own, like
/// `docker exec` and some CI runners): tables fit `COLUMNS`, else 80 columns.
#[test]
fn a_terminal_without_a_size_falls_back_to_columns_then_80() {
    let dir = tempfile::tempdir().unwrap();
    log_with(
        dir.path(),
        &format!(
            "id: 2\ntitle: {}\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n",
            "word ".repeat(60).trim_end()
        ),
    );
    for (columns, width) in [(Some("60"), 60), (None, 80)] {
        let env: Vec<(&str, &str)> = columns.map(|c| ("COLUMNS", c)).into_iter().collect();
        let Some((code, shown)) =
            common::on_terminal(dir.path(), "oslog list --color never; stty size", "", &env)
        else {
            return; // `script` is part of util-linux; without it there is nothing to test.
        };
        assert_eq!(code, 0, "{shown}");
        if !shown.contains("\n0 0") && !shown.starts_with("0 0") {
            return; // This terminal has a size after all.
        }
        let widest = shown
            .lines()
            .map(|l| l.trim_end_matches('\r').chars().count())
            .max();
        assert_eq!(widest, Some(width), "{columns:?}:\n{shown}");
    }
}
