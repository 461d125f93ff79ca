//! What the reader refuses at and past its limits, and text that would hide or reorder itself on a
//! screen: each is a finding with its code, never a wrong one, a panic or a silent acceptance.

use super::common;
use super::growth::{log_with, HEAD};
use std::path::Path;

/// The findings of `oslog validate` as (code, file, line).
fn findings(dir: &Path) -> Vec<(String, String, u64)> {
    let out = common::oslog(dir, &["validate", "--format", "json"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        common::shown(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    common::findings_of(&json)
}

fn codes_for(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    log_with(dir.path(), text);
    findings(dir.path())
        .into_iter()
        .map(|(code, _, _)| code)
        .collect()
}

#[test]
fn flow_nesting_past_the_parser_s_own_limit_is_a_limit_not_a_syntax_error() {
    for depth in [17, 100, 300, 5000] {
        let text = format!("{HEAD}links: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(codes_for(&text), ["yaml-limit"], "depth {depth}");
    }
    // Unclosed as well as too deep: the depth is what is reported.
    let text = format!("{HEAD}links: {}\n", "[".repeat(300));
    assert_eq!(codes_for(&text), ["yaml-limit"]);
}

#[test]
fn a_yaml_version_other_than_1_2_is_a_finding() {
    for version in ["2.0", "1.1", "1.3", "x"] {
        let text = format!("# a comment\n%YAML {version}\n---\n{HEAD}");
        let dir = tempfile::tempdir().unwrap();
        log_with(dir.path(), &text);
        assert_eq!(
            findings(dir.path()),
            [("yaml-version".into(), "actions/002.yaml".into(), 2)],
            "{version}"
        );
        // fmt leaves the file as it is: it does not drop what it cannot read.
        let out = common::oslog(dir.path(), &["fmt"]);
        assert_eq!(out.status.code(), Some(1), "{}", common::shown(&out));
        let kept = std::fs::read_to_string(dir.path().join("actions/002.yaml")).unwrap();
        assert_eq!(kept, text);
    }
    // 1.2 is the version oslog reads; the directive is only not canonical.
    let codes = codes_for(&format!("%YAML 1.2\n---\n{HEAD}"));
    assert_eq!(codes, ["non-canonical"]);
}

#[test]
fn a_title_that_shows_nothing_is_empty() {
    for title in [
        "\"\\u00A0\"",
        "\"\\u2060\\u2060\"",
        "\"\\uFEFF\"",
        "\"\\u3164\"",
    ] {
        let text = HEAD.replace("title: Many.", &format!("title: {title}"));
        assert_eq!(codes_for(&text), ["empty-text"], "{title}");
    }
}

#[test]
fn invisible_and_bidirectional_characters_that_hide_or_reorder_text_are_findings() {
    for (title, line) in [
        ("\u{200b}", 2),
        ("\u{200b}\u{200c}\u{200d}", 2),
        ("\"\\u200B\"", 2),
        ("Plain\u{200d}", 2),
        ("Two\u{200b} words", 2),
        ("Paid \u{202e}1202\u{202c} pounds", 2),
        ("\"Paid \\u202E1202\\u202C\"", 2),
        ("Isolate \u{2066}x\u{2069}", 2),
    ] {
        let text = HEAD.replace("title: Many.", &format!("title: {title}"));
        let dir = tempfile::tempdir().unwrap();
        log_with(dir.path(), &text);
        assert_eq!(
            findings(dir.path()),
            [(
                "invisible-character".into(),
                "actions/002.yaml".into(),
                line
            )],
            "{title:?}"
        );
    }
    // In a comment a bidirectional control reorders the file on screen, too.
    let text = format!("# safe \u{202e} not\n{HEAD}");
    assert_eq!(codes_for(&text), ["invisible-character"]);
    // Joiners and marks between visible characters are text: an emoji, a Persian word.
    for title in [
        "Family 👨\u{200d}👩\u{200d}👧",
        "می\u{200c}خواهم",
        "❤\u{fe0f}\u{200d}🔥",
    ] {
        let text = HEAD.replace("title: Many.", &format!("title: {title}"));
        assert_eq!(codes_for(&text), Vec::<String>::new(), "{title:?}");
    }
}

#[test]
fn add_refuses_a_title_that_shows_nothing_or_hides_text() {
    let dir = tempfile::tempdir().unwrap();
    log_with(dir.path(), HEAD);
    for title in ["\u{200b}\u{200b}", "\u{3164}", "A \u{202e}title"] {
        let out = common::oslog(dir.path(), &common::add_args(title));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{title:?}: {}",
            common::shown(&out)
        );
        assert!(!dir.path().join("actions/003.yaml").exists(), "{title:?}");
    }
}
