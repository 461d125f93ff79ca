//! What text in a record may hold beyond the control characters the reader refuses outright:
//! characters that show nothing, and when they hide or reorder the text around them. A title made
//! only of invisible characters looks empty on every screen, and a bidirectional override makes a
//! line read differently from what it holds (as in "Trojan Source"), so both are findings. The rules
//! are pure, so the reader, the writers and the tests share them.

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): each changes the
/// order in which the text after it is shown, so a log file never holds one.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Zero-width spaces, joiners and direction marks (U+200B–U+200F). They have honest uses between
/// two visible characters (a joiner inside an emoji or a word, a mark beside punctuation in
/// right-to-left text) and none elsewhere.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}')
}

/// Whether `c` shows nothing by itself: whitespace (a no-break space included) and Unicode's
/// default-ignorable characters (zero-width and direction marks, the word joiner, the byte-order
/// mark, the soft hyphen, Hangul fillers, variation selectors and tags).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || is_zero_width(c)
        || is_bidi_control(c)
        || is_attached(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
        )
}

/// Invisible characters that only modify the visible one before them (variation selectors, tags,
/// Mongolian free variation selectors): beside a zero-width joiner they belong to a visible
/// character, as in the emoji ❤️‍🔥.
fn is_attached(c: char) -> bool {
    matches!(
        c,
        '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether a text shows nothing at all: empty, or only whitespace and invisible characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// The first character of `text` that would hide or reorder it, with its index in characters: a
/// bidirectional control anywhere, or a zero-width character that does not stand between two
/// visible characters (at either end of the text, or beside whitespace or another invisible
/// character).
pub fn hiding_character(text: &str) -> Option<(usize, char)> {
    let shows = |c: Option<char>| c.is_some_and(|c| !is_invisible(c) || is_attached(c));
    let mut prev = None;
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        if is_bidi_control(c) || (is_zero_width(c) && !(shows(prev) && shows(next))) {
            return Some((i, c));
        }
        prev = Some(c);
    }
    None
}

/// A character's code point as `U+XXXX`, for messages.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_texts_show_nothing() {
        for text in [
            "",
            " \t\n",
            "\u{a0}",
            "\u{200b}\u{200b}",
            "\u{2060}",
            "\u{feff}\u{3164}",
            "\u{fe0f}",
        ] {
            assert!(is_blank(text), "{text:?}");
        }
        for text in ["a", "\u{200b}a", "·", "❤️"] {
            assert!(!is_blank(text), "{text:?}");
        }
    }

    #[test]
    fn zero_width_characters_are_allowed_only_between_visible_ones() {
        for fine in [
            "plain",
            "👨\u{200d}👩\u{200d}👧",
            "❤\u{fe0f}\u{200d}🔥",
            "می\u{200c}خواهم",
            "a\u{200e}b",
        ] {
            assert_eq!(hiding_character(fine), None, "{fine:?}");
        }
        for (text, at) in [
            ("\u{200b}", 0),
            ("\u{200b}title", 0),
            ("title\u{200d}", 5),
            ("a \u{200b}b", 2),
            ("a\u{200b}\u{200b}b", 1),
            ("ab\u{202e}cd", 2),
            ("x\u{2066}y\u{2069}", 1),
        ] {
            assert_eq!(hiding_character(text).map(|(i, _)| i), Some(at), "{text:?}");
        }
    }
}
