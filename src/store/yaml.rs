//! The only module that knows the YAML parser. It turns text into a small tree of [`Node`]s that
//! remember their line and column and how each scalar was written, and it enforces oslog's limits:
//! one document, bounded nesting and size, no anchors, aliases or tags. Comments are located so that
//! writers can keep a file's header comments and refuse to drop the others.
//!
//! The parser is `saphyr-parser`, the YAML 1.2 event parser that the saphyr family (and, through a fork,
//! `serde-saphyr`) is built on. See the README's "Why this YAML library" for the choice.

use crate::diag::{Code, Pos};
use crate::model::text::{code_point, hiding_character, is_bidi_control};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Nesting depth allowed in a log file; the format itself needs four.
pub const MAX_DEPTH: usize = 16;
/// Nodes (scalars, lists and mappings) allowed in one file.
pub const MAX_NODES: usize = 250_000;

/// How a scalar was written, which decides how it is typed: only plain scalars can be numbers or null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

/// A value in the tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Scalar { text: String, style: Style },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A value and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub pos: Pos,
    /// Whether a sequence or mapping was written in flow style (`[a, b]`).
    pub flow: bool,
}

impl Node {
    /// Whether the node is a plain null: empty, `~` or `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, style: Style::Plain } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A short description of the node's kind, for "found …" in messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            Kind::Scalar {
                style: Style::Quoted | Style::Block,
                ..
            } => "a string",
            Kind::Scalar {
                text,
                style: Style::Plain,
            } => plain_kind(text),
        }
    }
}

impl Node {
    /// The value as a YAML 1.2 core-schema reader (such as an editor's language server) sees it, for
    /// checking a file against the JSON Schema: plain scalars may be nulls, booleans or numbers.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(pairs) => Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.scalar_text().to_owned(), v.to_json()))
                    .collect(),
            ),
            Kind::Scalar {
                text,
                style: Style::Plain,
            } => match plain_kind(text) {
                "nothing (null)" => Value::Null,
                "a boolean" => Value::Bool(text.eq_ignore_ascii_case("true")),
                "a number" => core_number(text).unwrap_or_else(|| Value::String(text.clone())),
                _ => Value::String(text.clone()),
            },
            Kind::Scalar { text, .. } => Value::String(text.clone()),
        }
    }

    fn scalar_text(&self) -> &str {
        match &self.kind {
            Kind::Scalar { text, .. } => text,
            _ => "",
        }
    }
}

fn core_number(text: &str) -> Option<serde_json::Value> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = digits.to_ascii_lowercase();
    let int = if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = lower.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    match int {
        Some(n) => Some((sign * n).into()),
        None => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number),
    }
}

/// How a plain scalar would be typed by a YAML 1.2 core-schema reader.
pub fn plain_kind(text: &str) -> &'static str {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => "nothing (null)",
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => "a boolean",
        _ if looks_numeric(text) => "a number",
        _ => "a string",
    }
}

fn looks_numeric(t: &str) -> bool {
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return true;
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = lower.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    !t.is_empty()
        && t.parse::<f64>().is_ok()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b"._eE+-".contains(&b))
}

/// A parsed file: its single document and where its comments are.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// Full-line comments before the first key, kept by writers (for example a schema modeline).
    pub header_comments: Vec<String>,
    /// Comments anywhere else, which writers cannot keep.
    pub interior_comments: Vec<Pos>,
}

/// Why a file could not be read as a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub code: Code,
    pub pos: Option<Pos>,
    pub message: String,
    pub hint: Option<String>,
}

impl YamlError {
    fn new(code: Code, pos: Option<Pos>, message: impl Into<String>) -> Self {
        YamlError {
            code,
            pos,
            message: message.into(),
            hint: None,
        }
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line() as u32, span.start.col() as u32 + 1)
}

enum Frame {
    Seq(Vec<Node>, Pos, bool),
    Map(Vec<(Node, Node)>, Option<Node>, Pos, bool),
}

/// Parse `src` as one YAML document under oslog's limits.
pub fn parse(src: &str) -> Result<Document, YamlError> {
    if let Some(e) = check_characters(src).or_else(|| check_version(src)) {
        return Err(e);
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    let mut string_spans: Vec<(Pos, Pos)> = Vec::new();
    let offsets = CharOffsets::new(src);

    for item in Parser::new_from_str(src) {
        let (event, span) = item.map_err(|e| syntax_error(&e, src))?;
        let pos = pos_of(&span);
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::new(
                        Code::MultipleDocuments,
                        Some(pos),
                        "a second YAML document begins here; a log file holds exactly one",
                    )
                    .with_hint(
                        "remove the `---` line and what follows, or move it into its own file",
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(YamlError::new(
                    Code::YamlAlias,
                    Some(pos),
                    "aliases (`*name`) are not allowed in log files",
                )
                .with_hint("write the value out in full"))
            }
            Event::Scalar(text, style, anchor, tag) => {
                check_node(anchor, tag.is_some(), pos)?;
                check_escapes(&text, pos)?;
                check_hidden(&text, pos)?;
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                };
                if style != Style::Plain {
                    string_spans.push((
                        pos,
                        Pos::new(span.end.line() as u32, span.end.col() as u32 + 1),
                    ));
                }
                Node {
                    kind: Kind::Scalar {
                        text: text.into_owned(),
                        style,
                    },
                    pos,
                    flow: false,
                }
            }
            Event::SequenceStart(anchor, tag) => {
                check_node(anchor, tag.is_some(), pos)?;
                push_frame(
                    &mut stack,
                    Frame::Seq(Vec::new(), pos, offsets.is_flow(src, &span)),
                    pos,
                )?;
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                check_node(anchor, tag.is_some(), pos)?;
                push_frame(
                    &mut stack,
                    Frame::Map(Vec::new(), None, pos, offsets.is_flow(src, &span)),
                    pos,
                )?;
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, p, flow)) => Node {
                    kind: Kind::Seq(items),
                    pos: p,
                    flow,
                },
                _ => {
                    return Err(YamlError::new(
                        Code::YamlSyntax,
                        Some(pos),
                        "unbalanced sequence",
                    ))
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _, p, flow)) => Node {
                    kind: Kind::Map(entries),
                    pos: p,
                    flow,
                },
                _ => {
                    return Err(YamlError::new(
                        Code::YamlSyntax,
                        Some(pos),
                        "unbalanced mapping",
                    ))
                }
            },
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(YamlError::new(
                Code::YamlLimit,
                Some(pos),
                format!("more than {MAX_NODES} values in one file"),
            ));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, key, ..)) => match key.take() {
                None => {
                    if matches!(&node.kind, Kind::Scalar { text, style: Style::Plain } if text == "<<")
                    {
                        return Err(YamlError::new(
                            Code::YamlAlias,
                            Some(node.pos),
                            "merge keys (`<<`) are not allowed in log files",
                        ));
                    }
                    *key = Some(node)
                }
                Some(k) => entries.push((k, node)),
            },
        }
    }
    let Some(root) = root else {
        return Err(YamlError::new(
            Code::EmptyFile,
            None,
            "the file holds no YAML document (it is empty or only comments)",
        ));
    };
    if matches!(&root.kind, Kind::Scalar { text, style: Style::Plain } if text.is_empty()) {
        return Err(YamlError::new(
            Code::EmptyFile,
            None,
            "the file holds an empty YAML document (only `---` or `...`)",
        ));
    }
    let (header_comments, interior_comments) = find_comments(src, root.pos, &string_spans);
    Ok(Document {
        root,
        header_comments,
        interior_comments,
    })
}

impl YamlError {
    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

fn push_frame(stack: &mut Vec<Frame>, frame: Frame, pos: Pos) -> Result<(), YamlError> {
    if stack.len() >= MAX_DEPTH {
        return Err(depth_limit(pos));
    }
    stack.push(frame);
    Ok(())
}

fn depth_limit(pos: Pos) -> YamlError {
    YamlError::new(
        Code::YamlLimit,
        Some(pos),
        format!("values are nested more than {MAX_DEPTH} deep"),
    )
}

/// Refuse a `%YAML` directive for any version but 1.2: oslog reads every file by YAML 1.2's rules,
/// and `oslog fmt` writes no directive, so a file that declares another version would be read, and
/// rewritten, as something other than what it says.
fn check_version(src: &str) -> Option<YamlError> {
    for (i, line) in src.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with('%') {
            // Directives come only before the first document.
            return None;
        }
        let Some(version) = line
            .strip_prefix("%YAML")
            .filter(|rest| rest.starts_with([' ', '\t']))
        else {
            continue;
        };
        let version = version.split(" #").next().unwrap_or_default().trim();
        if version != "1.2" {
            let shown: String = version.chars().take(20).collect();
            return Some(
                YamlError::new(
                    Code::YamlVersion,
                    Some(Pos::new(i as u32 + 1, 1)),
                    format!("the file declares YAML version `{shown}`; oslog reads YAML 1.2"),
                )
                .with_hint("remove the `%YAML` line, or make it `%YAML 1.2`"),
            );
        }
    }
    None
}

/// Refuse a value holding a character that would hide or reorder its text (see `model::text`),
/// whether written as itself or as an escape.
fn check_hidden(text: &str, pos: Pos) -> Result<(), YamlError> {
    match hiding_character(text) {
        None => Ok(()),
        Some((_, c)) if is_bidi_control(c) => Err(bidi(c, pos)),
        Some((i, c)) => Err(YamlError::new(
            Code::InvisibleCharacter,
            Some(pos),
            format!(
                "this value holds the invisible character {} {}, where it would hide text",
                code_point(c),
                match i {
                    0 => "at its start".to_string(),
                    i if i + 1 == text.chars().count() => "at its end".to_string(),
                    i => format!(
                        "after {i} characters, beside a space or another invisible character"
                    ),
                }
            ),
        )
        .with_hint(
            "remove it; a zero-width joiner or mark belongs only between two visible characters",
        )),
    }
}

/// The finding for a bidirectional control character at `pos`.
fn bidi(c: char, pos: Pos) -> YamlError {
    YamlError::new(
        Code::InvisibleCharacter,
        Some(pos),
        format!(
            "the bidirectional control character {} is not allowed in a log file: it changes the order in which the text around it is shown",
            code_point(c)
        ),
    )
    .with_hint("remove it")
}

fn check_node(anchor: usize, tagged: bool, pos: Pos) -> Result<(), YamlError> {
    if anchor != 0 {
        return Err(YamlError::new(
            Code::YamlAlias,
            Some(pos),
            "anchors (`&name`) are not allowed in log files",
        )
        .with_hint("remove the anchor; write repeated values out in full"));
    }
    if tagged {
        return Err(YamlError::new(
            Code::YamlTag,
            Some(pos),
            "explicit tags (`!tag`, `!!str`) are not allowed in log files",
        )
        .with_hint("remove the tag; quote the value if it must be read as a string"));
    }
    Ok(())
}

/// Where each character of a text starts, found in constant time: the parser's markers count
/// characters, not bytes, and a scan from the start of the text for each collection would cost the
/// number of collections times the length of the file.
struct CharOffsets {
    /// The byte offset of every `STEP`th character.
    marks: Vec<usize>,
}

impl CharOffsets {
    const STEP: usize = 64;

    fn new(src: &str) -> CharOffsets {
        CharOffsets {
            marks: src
                .char_indices()
                .step_by(Self::STEP)
                .map(|(at, _)| at)
                .collect(),
        }
    }

    /// The byte offset of the character at `index` (the end of the text past its last one).
    fn byte(&self, src: &str, index: usize) -> usize {
        let Some(&mark) = self.marks.get(index / Self::STEP) else {
            return src.len();
        };
        src[mark..]
            .char_indices()
            .nth(index % Self::STEP)
            .map_or(src.len(), |(at, _)| mark + at)
    }

    /// Whether a collection starting at `span` is written in flow style: the start marker of a flow
    /// collection points at its `[` or `{`.
    fn is_flow(&self, src: &str, span: &Span) -> bool {
        src[self.byte(src, span.start.index())..].starts_with(['[', '{'])
    }
}

fn syntax_error(e: &saphyr_parser::ScanError, src: &str) -> YamlError {
    let m = e.marker();
    let pos = Pos::new(m.line() as u32, m.col() as u32 + 1);
    let info = e.info();
    // The scanner reads flow brackets ahead of the events that would reach MAX_DEPTH, so nesting
    // past its own limit arrives as this error, not as an unclosed bracket.
    if info.contains("recursion limit") {
        return depth_limit(pos);
    }
    let line = src.lines().nth(m.line().saturating_sub(1)).unwrap_or("");
    if let Some(open) = unclosed_bracket(src, pos) {
        let (bracket, close) = open.1;
        return YamlError::new(
            Code::YamlSyntax,
            Some(open.0),
            format!(
                "YAML syntax: this `{bracket}` is not closed ({info} at line {}, column {})",
                pos.line, pos.column
            ),
        )
        .with_hint(format!("close it with `{close}` on the same value"));
    }
    let mut err = YamlError::new(Code::YamlSyntax, Some(pos), format!("YAML syntax: {info}"));
    if line.trim_start_matches(' ').starts_with('\t') || info.contains("tab") {
        err.hint = Some("indent with spaces; YAML does not allow tabs for indentation".into());
    } else if info.contains("mapping values are not allowed") {
        err.hint = Some("a value containing `: ` must be quoted".into());
    }
    err
}

/// The innermost flow bracket (`[` or `{`) still open at `at`, with its closing partner. Quoted text and
/// comments are skipped, and a bracket counts as opening only where a value starts, so that `[` inside
/// plain text is not taken for one.
fn unclosed_bracket(src: &str, at: Pos) -> Option<(Pos, (char, char))> {
    let mut open: Vec<(Pos, (char, char))> = Vec::new();
    let mut quote: Option<char> = None;
    for (i, line) in src.split('\n').enumerate() {
        let n = i as u32 + 1;
        if n > at.line {
            break;
        }
        let mut prev = ' ';
        let mut value_starts = true;
        let mut chars = line.chars().enumerate().peekable();
        while let Some((col, c)) = chars.next() {
            let here = Pos::new(n, col as u32 + 1);
            if (here.line, here.column) >= (at.line, at.column) {
                break;
            }
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => {
                    if q == '\'' && matches!(chars.peek(), Some((_, '\''))) {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    '#' if prev == ' ' || prev == '\t' => break,
                    '\'' | '"' if value_starts => quote = Some(c),
                    '[' if value_starts => open.push((here, ('[', ']'))),
                    '{' if value_starts => open.push((here, ('{', '}'))),
                    ']' | '}' if !open.is_empty() => {
                        open.pop();
                    }
                    _ => {}
                },
            }
            if quote.is_none() && !c.is_whitespace() {
                value_starts = matches!(c, ':' | '-' | ',' | '[' | '{' | '?');
            }
            prev = c;
        }
    }
    open.pop()
}

/// Reject a control character that a double-quoted escape (`"\e[31m"`, `"\0"`) put into a value, as
/// the raw characters are rejected: line breaks and tabs are the only ones text may hold.
fn check_escapes(text: &str, pos: Pos) -> Result<(), YamlError> {
    match text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        None => Ok(()),
        Some(c) => Err(YamlError::new(
            Code::ControlCharacter,
            Some(pos),
            format!(
                "this value holds the control character U+{:04X}, written as an escape; it is not allowed in a log file",
                c as u32
            ),
        )
        .with_hint("remove the escape; text may hold line breaks and tabs only")),
    }
}

/// Reject NUL and other control characters, and bidirectional controls, before parsing, with their
/// exact position: in a comment as much as in a value, since either would reorder the file on screen.
fn check_characters(src: &str) -> Option<YamlError> {
    for (i, line) in src.split('\n').enumerate() {
        for (col, c) in line.chars().enumerate() {
            if is_bidi_control(c) {
                return Some(bidi(c, Pos::new(i as u32 + 1, col as u32 + 1)));
            }
            let bad = (c.is_control() && !matches!(c, '\t' | '\r'))
                || (c == '\r' && col + 1 != line.chars().count());
            if bad {
                let name = if c == '\0' {
                    "a NUL byte".to_string()
                } else {
                    format!("the control character U+{:04X}", c as u32)
                };
                return Some(YamlError::new(
                    Code::ControlCharacter,
                    Some(Pos::new(i as u32 + 1, col as u32 + 1)),
                    format!("{name} is not allowed in a log file"),
                ));
            }
        }
    }
    None
}

/// The header comments (full lines before the first key) and the positions of every other comment.
/// `strings` are the quoted and block scalars in document order, whose `#` starts no comment; the
/// comments are found in the same order, so one pass over both suffices.
fn find_comments(src: &str, root: Pos, strings: &[(Pos, Pos)]) -> (Vec<String>, Vec<Pos>) {
    let mut header = Vec::new();
    let mut interior = Vec::new();
    let mut strings = strings.iter().peekable();
    let mut inside = |p: Pos| {
        while strings.next_if(|(_, end)| *end <= p).is_some() {}
        strings.peek().is_some_and(|(start, _)| *start <= p)
    };
    for (i, line) in src.lines().enumerate() {
        let n = i as u32 + 1;
        let mut prev_space = true;
        for (col, c) in line.chars().enumerate() {
            if c == '#' && prev_space && !inside(Pos::new(n, col as u32 + 1)) {
                if n < root.line && line[..line.find('#').unwrap_or(0)].trim().is_empty() {
                    header.push(line.trim_end().to_string());
                } else {
                    interior.push(Pos::new(n, col as u32 + 1));
                }
                break;
            }
            prev_space = c == ' ' || c == '\t';
        }
    }
    (header, interior)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(src: &str) -> Node {
        parse(src).unwrap().root
    }

    #[test]
    fn json_types_scalars_as_a_core_schema_reader_does() {
        let v = root("id: 16\nq: \"16\"\nd: 2019-07\nn: ~\nb: true\nx: 0x10\nf: 1.5\nl: [1, a]\n")
            .to_json();
        assert_eq!(
            v,
            serde_json::json!({"id": 16, "q": "16", "d": "2019-07", "n": null, "b": true, "x": 16, "f": 1.5, "l": [1, "a"]})
        );
    }

    #[test]
    fn keeps_positions_and_styles() {
        let n = root("id: 16\ntitle: \"x\"\nlinks: [21, 24]\ntext: |\n  a\n  b\n");
        let Kind::Map(entries) = n.kind else { panic!() };
        assert_eq!(entries[0].1.pos, Pos::new(1, 5));
        assert_eq!(
            entries[1].1.kind,
            Kind::Scalar {
                text: "x".into(),
                style: Style::Quoted
            }
        );
        assert!(entries[2].1.flow);
        assert_eq!(
            entries[3].1.kind,
            Kind::Scalar {
                text: "a\nb\n".into(),
                style: Style::Block
            }
        );
    }

    #[test]
    fn refuses_anchors_aliases_tags_and_merge_keys() {
        assert_eq!(parse("a: &x 1\nb: *x\n").unwrap_err().code, Code::YamlAlias);
        assert_eq!(parse("a: !!str 1\n").unwrap_err().code, Code::YamlTag);
        assert_eq!(parse("<<: {a: 1}\n").unwrap_err().code, Code::YamlAlias);
    }

    #[test]
    fn one_document_only() {
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(
            (e.code, e.pos.map(|p| p.line)),
            (Code::MultipleDocuments, Some(2))
        );
        assert_eq!(parse("").unwrap_err().code, Code::EmptyFile);
        assert_eq!(
            parse("# only a comment\n").unwrap_err().code,
            Code::EmptyFile
        );
    }

    #[test]
    fn limits_depth() {
        let deep = "a: ".to_string() + &"[".repeat(40) + &"]".repeat(40) + "\n";
        assert_eq!(parse(&deep).unwrap_err().code, Code::YamlLimit);
    }

    #[test]
    fn reports_control_characters_and_syntax() {
        let e = parse("a: 1\nb: x\0y\n").unwrap_err();
        assert_eq!(
            (e.code, e.pos),
            (Code::ControlCharacter, Some(Pos::new(2, 5)))
        );
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.code, Code::YamlSyntax);
        let e = parse("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(e.code, Code::YamlSyntax);
        assert!(e.hint.unwrap().contains("tabs"));
    }

    #[test]
    fn finds_header_and_interior_comments() {
        let src = "# yaml-language-server: $schema=x\nid: 1 # trailing\ntext: |\n  # not a comment\n  b\nq: \"a # b\"\n# end\n";
        let d = parse(src).unwrap();
        assert_eq!(
            d.header_comments,
            vec!["# yaml-language-server: $schema=x".to_string()]
        );
        assert_eq!(d.interior_comments, vec![Pos::new(2, 7), Pos::new(7, 1)]);
    }

    #[test]
    fn types_plain_scalars() {
        assert_eq!(plain_kind("016"), "a number");
        assert_eq!(plain_kind("1e3"), "a number");
        assert_eq!(plain_kind("0x10"), "a number");
        assert_eq!(plain_kind("~"), "nothing (null)");
        assert_eq!(plain_kind("2019-07"), "a string");
        assert_eq!(plain_kind("3rd"), "a string");
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let e = parse("id: 1\nlinks: [1, 2\nupdates:\n  - a\n").unwrap_err();
        assert_eq!((e.code, e.pos), (Code::YamlSyntax, Some(Pos::new(2, 8))));
        assert!(e.message.contains("`[` is not closed"), "{}", e.message);
        let e = parse("a: {b: 1\nc: 2\n").unwrap_err();
        assert_eq!(e.pos, Some(Pos::new(1, 4)));
        // Brackets inside text or quotes are not openings.
        assert_eq!(
            unclosed_bracket("t: see [1 and '[' \"[\"\nx", Pos::new(2, 1)),
            None
        );
    }

    #[test]
    fn flow_style_is_found_after_wide_characters() {
        // Markers count characters; the text is indexed by bytes.
        let wide = "é→😀".repeat(50);
        let n = root(&format!(
            "a: {wide}\nb: {{x: [1]}}\nc:\n  - {wide}\nd: [{wide}, {{}}]\n"
        ));
        let Kind::Map(entries) = n.kind else { panic!() };
        let flows: Vec<bool> = entries.iter().map(|(_, v)| v.flow).collect();
        assert_eq!(flows, [false, true, false, true]);
        let Kind::Seq(items) = &entries[3].1.kind else {
            panic!()
        };
        assert!(items[1].flow);
    }

    #[test]
    fn nesting_past_the_scanner_s_limit_is_a_limit() {
        let deep = "a: ".to_string() + &"[".repeat(1000) + &"]".repeat(1000) + "\n";
        assert_eq!(parse(&deep).unwrap_err().code, Code::YamlLimit);
    }

    #[test]
    fn only_yaml_1_2_is_read() {
        assert!(parse("%YAML 1.2\n---\na: 1\n").is_ok());
        for v in ["1.1", "2.0", "1.2.1"] {
            let e = parse(&format!("# c\n\n%YAML {v}\n---\na: 1\n")).unwrap_err();
            assert_eq!(
                (e.code, e.pos),
                (Code::YamlVersion, Some(Pos::new(3, 1))),
                "{v}"
            );
        }
        // A `%` that is not at the start of the stream is no directive.
        assert!(parse("a: 1\nb: \"%YAML 2.0\"\n").is_ok());
    }

    #[test]
    fn a_document_of_only_markers_is_empty() {
        for src in ["---\n", "...\n", "---\n...\n", "# c\n---\n"] {
            assert_eq!(parse(src).unwrap_err().code, Code::EmptyFile, "{src:?}");
        }
    }
}
