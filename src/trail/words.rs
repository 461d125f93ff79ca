//! What changed within a text value, word by word: a retitled action or an edited update is shown
//! as the words kept, removed and added, so that a reviewer sees the one word that changed in a long
//! title instead of comparing two long lines. The comparison is `similar`'s (Myers' algorithm over
//! words and the spaces between them), kept behind this one function.

use similar::{ChangeTag, TextDiff};

/// Above this many words on either side the values are shown whole, old and new, rather than word
/// by word: the comparison's cost grows with the product of the lengths.
const MAX_WORDS: usize = 5_000;

/// A stretch of a text value in a word-by-word comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Words {
    /// Text both versions have.
    Same(String),
    /// Text only the old version has.
    Removed(String),
    /// Text only the new version has.
    Added(String),
}

/// `old` and `new` as the text they share and the words each has alone, in reading order; a
/// removal comes before the addition that replaces it. `None` when either is too long to compare
/// word by word.
pub fn words(old: &str, new: &str) -> Option<Vec<Words>> {
    let count = |s: &str| s.split_whitespace().count();
    if count(old) > MAX_WORDS || count(new) > MAX_WORDS {
        return None;
    }
    let diff = TextDiff::from_words(old, new);
    let tokens: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut out = Vec::new();
    let mut same = String::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let mut i = 0;
    while i < tokens.len() {
        let (tag, text) = tokens[i];
        // Space both sides keep between two changed words belongs to the change, so that one
        // rewritten phrase reads as one removal and one addition.
        let inside = tag == ChangeTag::Equal
            && text.trim().is_empty()
            && !(removed.is_empty() && added.is_empty())
            && tokens[i + 1..]
                .first()
                .is_some_and(|(t, _)| *t != ChangeTag::Equal);
        match tag {
            ChangeTag::Equal if inside => {
                removed.push_str(text);
                added.push_str(text);
            }
            ChangeTag::Equal => {
                flush(&mut out, &mut removed, &mut added, &mut same);
                same.push_str(text);
            }
            ChangeTag::Delete | ChangeTag::Insert => {
                if !same.is_empty() {
                    out.push(Words::Same(std::mem::take(&mut same)));
                }
                let side = if tag == ChangeTag::Delete {
                    &mut removed
                } else {
                    &mut added
                };
                side.push_str(text);
            }
        }
        i += 1;
    }
    flush(&mut out, &mut removed, &mut added, &mut same);
    if !same.is_empty() {
        out.push(Words::Same(same));
    }
    Some(out)
}

/// End a changed stretch: its removal, then its addition, each without the spaces at its ends,
/// which go back to the text both keep around it (the end ones into `same`, what comes next).
fn flush(out: &mut Vec<Words>, removed: &mut String, added: &mut String, same: &mut String) {
    let (removed, added) = (std::mem::take(removed), std::mem::take(added));
    let outer = if removed.trim().is_empty() {
        &added
    } else {
        &removed
    };
    if outer.trim().is_empty() {
        same.push_str(outer);
        return;
    }
    let lead = &outer[..outer.len() - outer.trim_start().len()];
    if !lead.is_empty() {
        match out.last_mut() {
            Some(Words::Same(s)) => s.push_str(lead),
            _ => out.push(Words::Same(lead.to_string())),
        }
    }
    for (text, make) in [
        (removed.trim(), Words::Removed as fn(String) -> Words),
        (added.trim(), Words::Added),
    ] {
        if !text.is_empty() {
            out.push(make(text.to_string()));
        }
    }
    same.push_str(&outer[outer.trim_end().len()..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use Words::*;

    fn w(old: &str, new: &str) -> Vec<Words> {
        words(old, new).unwrap()
    }

    #[test]
    fn one_word_replaced_in_a_long_title() {
        assert_eq!(
            w(
                "HO to publish the terms of reference",
                "HO to publish the revised terms of reference"
            ),
            vec![
                Same("HO to publish the ".into()),
                Added("revised".into()),
                Same(" terms of reference".into())
            ]
        );
    }

    #[test]
    fn a_rewritten_phrase_is_one_removal_and_one_addition() {
        assert_eq!(
            w(
                "Share the draft paper by May",
                "Share the final report by May"
            ),
            vec![
                Same("Share the ".into()),
                Removed("draft paper".into()),
                Added("final report".into()),
                Same(" by May".into())
            ]
        );
    }

    #[test]
    fn changes_at_the_ends_and_nothing_in_common() {
        assert_eq!(
            w("a b c", "b c d"),
            vec![Removed("a".into()), Same(" b c ".into()), Added("d".into())]
        );
        assert_eq!(
            w("old", "new"),
            vec![Removed("old".into()), Added("new".into())]
        );
        assert_eq!(w("same", "same"), vec![Same("same".into())]);
    }

    #[test]
    fn the_pieces_put_back_give_both_versions() {
        let cases = [
            (
                "2019-06-10: Draft circulated",
                "2019-06-12: Draft circulated to members",
            ),
            ("  spaced   out ", "spaced in"),
            ("x\ny z", "x y\nz"),
        ];
        for (old, new) in cases {
            let pieces = w(old, new);
            let side = |keep: fn(&Words) -> Option<&String>| -> String {
                pieces
                    .iter()
                    .filter_map(keep)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("")
            };
            let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            let before = side(|p| match p {
                Same(s) | Removed(s) => Some(s),
                Added(_) => None,
            });
            let after = side(|p| match p {
                Same(s) | Added(s) => Some(s),
                Removed(_) => None,
            });
            // Spaces at the ends of a change are given back to the text around it.
            assert_eq!(squash(&before), squash(old), "{pieces:?}");
            assert_eq!(squash(&after), squash(new), "{pieces:?}");
        }
    }

    #[test]
    fn very_long_values_are_not_compared_word_by_word() {
        let long = "word ".repeat(MAX_WORDS + 1);
        assert!(words(&long, "short").is_none());
    }
}
