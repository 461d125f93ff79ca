//! Terminal styles, applied only when colour is on for the stream written to (see
//! `commands/context.rs`: a terminal, `--color always` or `CLICOLOR_FORCE`, and never with
//! `NO_COLOR`, `CLICOLOR=0` or `--color never`).

use anstyle::{AnsiColor, Color, RgbColor, Style};

/// Whether to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paint {
    pub on: bool,
}

impl Paint {
    /// Wrap `text` in `style` when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// Bold red, for errors.
    pub fn error(&self, text: &str) -> String {
        self.paint(
            Style::new()
                .bold()
                .fg_color(Some(Color::Ansi(AnsiColor::Red))),
            text,
        )
    }

    /// Bold yellow, for warnings.
    pub fn warning(&self, text: &str) -> String {
        self.paint(
            Style::new()
                .bold()
                .fg_color(Some(Color::Ansi(AnsiColor::Yellow))),
            text,
        )
    }

    /// Bold blue, for gutters and arrows.
    pub fn accent(&self, text: &str) -> String {
        self.paint(
            Style::new()
                .bold()
                .fg_color(Some(Color::Ansi(AnsiColor::Blue))),
            text,
        )
    }

    /// Bold.
    pub fn bold(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    /// Red and struck through, for words a change removed.
    pub fn removed(&self, text: &str) -> String {
        self.paint(
            Style::new()
                .strikethrough()
                .fg_color(Some(Color::Ansi(AnsiColor::Red))),
            text,
        )
    }

    /// Green and underlined, for words a change added.
    pub fn added(&self, text: &str) -> String {
        self.paint(
            Style::new()
                .underline()
                .fg_color(Some(Color::Ansi(AnsiColor::Green))),
            text,
        )
    }

    /// Dimmed, for secondary text.
    pub fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }

    /// Text in a theme's `#rrggbb` colour.
    pub fn colour(&self, hex: &str, text: &str) -> String {
        match parse_hex(hex) {
            Some((r, g, b)) => self.paint(
                Style::new().fg_color(Some(Color::Rgb(RgbColor(r, g, b)))),
                text,
            ),
            None => text.to_string(),
        }
    }
}

/// The red, green and blue parts of `#rrggbb`.
pub fn parse_hex(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}
