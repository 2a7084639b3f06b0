//! YAML text → an owned node tree with source positions.
//!
//! Built on `saphyr-parser`'s event API. Only the first document is read (as
//! Go's `yaml.v2` `Unmarshal` does). Anchors become shared nodes and aliases
//! stay alias nodes pointing at them, so the decoder can expand them lazily
//! and count the expansions (alias bombs are stopped there, see `decode`).
//! Nesting deeper than [`MAX_DEPTH`] is refused here with a clear error, so
//! nothing downstream can overflow the stack. Scalar resolution follows
//! `yaml.v2` (YAML 1.1: `yes`/`no`/`on`/`off` booleans, `0x`/`0o`/leading-0
//! integers, `_` separators); it lives here because both the decoder and the
//! renderer need it. This module knows nothing about Alertmanager.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, Span};

/// Deepest nesting of sequences and mappings accepted (a route tree uses two
/// levels per route, so this allows ~60 levels of nested routes).
pub const MAX_DEPTH: usize = 128;

/// A position in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mark {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset from the start of the text.
    pub offset: usize,
}

pub type NodeId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug)]
pub struct Scalar {
    pub value: String,
    pub style: ScalarStyle,
    /// Explicit tag in short form (`!!str`, `!custom`), if any.
    pub tag: Option<String>,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<NodeId>),
    Mapping(Vec<(NodeId, NodeId)>),
    /// `*name`, pointing at the anchored node.
    Alias {
        target: NodeId,
        name: String,
    },
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// Where the node starts (for block scalars: the `|`/`>` indicator).
    pub mark: Mark,
}

/// A parsed YAML document.
#[derive(Clone, Debug, Default)]
pub struct Document {
    nodes: Vec<Node>,
    root: Option<NodeId>,
    /// Whether the stream holds further documents after the first.
    pub has_more_documents: bool,
}

impl Document {
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }
}

/// A YAML syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub mark: Mark,
    /// The problem in `yaml.v2`'s words (`mapping values are not allowed in this context`).
    pub message: String,
}

/// Parse the first document of `text`.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    Builder::new(text).run()
}

/// Builds the node arena from parser events.
struct Builder<'t> {
    text: &'t str,
    positions: PositionIndex<'t>,
    nodes: Vec<Node>,
    anchors: HashMap<usize, NodeId>,
    /// Open containers: node id plus, for mappings, a pending key.
    stack: Vec<Open>,
    root: Option<NodeId>,
}

struct Open {
    id: NodeId,
    pending_key: Option<NodeId>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            positions: PositionIndex::new(text),
            nodes: Vec::new(),
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
        }
    }

    fn run(mut self) -> Result<Document, SyntaxError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut in_document = false;
        let mut has_more_documents = false;
        while let Some(event) = parser.next_event() {
            let (event, span) = event.map_err(|e| self.scan_error(&e))?;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    if in_document || self.root.is_some() {
                        has_more_documents = true;
                        break;
                    }
                    in_document = true;
                }
                Event::DocumentEnd => {
                    // Look whether another document follows, without parsing it.
                    if let Some(Ok((Event::DocumentStart(_), _))) = parser.peek() {
                        has_more_documents = true;
                    }
                    break;
                }
                Event::Alias(anchor) => {
                    let mark = self.mark_of(&span);
                    let name = self.alias_name(mark.offset);
                    let Some(&target) = self.anchors.get(&anchor) else {
                        return Err(SyntaxError {
                            mark,
                            message: format!("unknown anchor '{name}' referenced"),
                        });
                    };
                    let id = self.push(NodeKind::Alias { target, name }, mark);
                    self.attach(id);
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let style = match style {
                        SaphyrStyle::Plain => ScalarStyle::Plain,
                        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                        SaphyrStyle::Literal => ScalarStyle::Literal,
                        SaphyrStyle::Folded => ScalarStyle::Folded,
                    };
                    let mut mark = self.mark_of(&span);
                    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                        mark = self.block_indicator_before(mark);
                    } else if value.is_empty() && style == ScalarStyle::Plain && self.in_sequence()
                    {
                        mark = self.dash_before(mark);
                    }
                    let tag = tag.map(|t| short_tag(&t.handle, &t.suffix));
                    let id = self.push(
                        NodeKind::Scalar(Scalar {
                            value: value.into_owned(),
                            style,
                            tag,
                        }),
                        mark,
                    );
                    if anchor > 0 {
                        self.anchors.insert(anchor, id);
                    }
                    self.attach(id);
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    let mark = self.mark_of(&span);
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(SyntaxError {
                            mark,
                            message: format!(
                                "document nests sequences and mappings more than {MAX_DEPTH} levels deep"
                            ),
                        });
                    }
                    let kind = if matches!(event, Event::SequenceStart(..)) {
                        NodeKind::Sequence(Vec::new())
                    } else {
                        NodeKind::Mapping(Vec::new())
                    };
                    let id = self.push(kind, mark);
                    if anchor > 0 {
                        self.anchors.insert(anchor, id);
                    }
                    // Attach before filling so that an alias inside the node
                    // to its own anchor is seen as a cycle by the decoder.
                    self.attach(id);
                    self.stack.push(Open {
                        id,
                        pending_key: None,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.stack.pop();
                }
            }
        }
        Ok(Document {
            nodes: self.nodes,
            root: self.root,
            has_more_documents,
        })
    }

    fn push(&mut self, kind: NodeKind, mark: Mark) -> NodeId {
        self.nodes.push(Node { kind, mark });
        self.nodes.len() - 1
    }

    /// Hang a finished (or just opened) node onto its parent.
    fn attach(&mut self, id: NodeId) {
        let Some(open) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(id);
            }
            return;
        };
        let parent = open.id;
        let Some(parent_node) = self.nodes.get_mut(parent) else {
            return;
        };
        match &mut parent_node.kind {
            NodeKind::Sequence(items) => items.push(id),
            NodeKind::Mapping(pairs) => match open.pending_key.take() {
                None => open.pending_key = Some(id),
                Some(key) => pairs.push((key, id)),
            },
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
        }
    }

    fn mark_of(&mut self, span: &Span) -> Mark {
        let start = span.start;
        Mark {
            line: u32::try_from(start.line()).unwrap_or(u32::MAX),
            column: u32::try_from(start.col() + 1).unwrap_or(u32::MAX),
            offset: self.positions.byte_offset(start.index()),
        }
    }

    /// The anchor name written after `*` at `offset`.
    fn alias_name(&self, offset: usize) -> String {
        let rest = self.text.get(offset..).unwrap_or("");
        let rest = rest.strip_prefix('*').unwrap_or(rest);
        rest.chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    }

    fn in_sequence(&self) -> bool {
        self.stack
            .last()
            .and_then(|open| self.nodes.get(open.id))
            .is_some_and(|n| matches!(n.kind, NodeKind::Sequence(_)))
    }

    /// An empty sequence item (`-` alone) is reported at its dash.
    fn dash_before(&self, at: Mark) -> Mark {
        let before = self.text.get(..at.offset).unwrap_or("");
        let trimmed = before.trim_end_matches([' ', '\t']);
        if trimmed.ends_with('-') && at.column as usize > before.len() - trimmed.len() {
            let back = before.len() - trimmed.len() + 1;
            return Mark {
                line: at.line,
                column: at.column - back as u32,
                offset: at.offset - back,
            };
        }
        at
    }

    /// Block scalars are reported (like libyaml does) at their `|`/`>`
    /// indicator, which precedes the content the parser points at.
    fn block_indicator_before(&self, content: Mark) -> Mark {
        let before = self.text.get(..content.offset).unwrap_or("");
        let Some(pos) = before.rfind(['|', '>']) else {
            return content;
        };
        let line_start = before[..pos].rfind('\n').map_or(0, |p| p + 1);
        let line = content
            .line
            .saturating_sub(before[pos..].matches('\n').count() as u32)
            .max(1);
        let column = before[line_start..pos].chars().count() as u32 + 1;
        Mark {
            line,
            column,
            offset: pos,
        }
    }

    fn scan_error(&mut self, e: &saphyr_parser::ScanError) -> SyntaxError {
        let m = e.marker();
        let mark = Mark {
            line: u32::try_from(m.line()).unwrap_or(u32::MAX),
            column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
            offset: self.positions.byte_offset(m.index()),
        };
        let info = e.info();
        let message = if info.contains("unknown anchor") {
            format!(
                "unknown anchor '{}' referenced",
                self.alias_name(mark.offset)
            )
        } else if info.contains("recursion limit exceeded") {
            format!("document nests sequences and mappings more than {MAX_DEPTH} levels deep")
        } else {
            // libyaml (and so yaml.v2) prints the problem without the
            // "while parsing …" context that saphyr prepends.
            match info.split_once(", ") {
                Some((context, problem)) if context.starts_with("while ") => problem.to_owned(),
                _ => info.to_owned(),
            }
        };
        SyntaxError { mark, message }
    }
}

fn short_tag(handle: &str, suffix: &str) -> String {
    if handle == "tag:yaml.org,2002:" || handle == "!!" {
        format!("!!{suffix}")
    } else {
        format!("{handle}{suffix}")
    }
}

/// Converts the parser's character indices into byte offsets. Events arrive
/// in increasing order, so a forward cursor makes this linear overall.
struct PositionIndex<'t> {
    text: &'t str,
    char_index: usize,
    byte_offset: usize,
}

impl<'t> PositionIndex<'t> {
    fn new(text: &'t str) -> Self {
        PositionIndex {
            text,
            char_index: 0,
            byte_offset: 0,
        }
    }

    fn byte_offset(&mut self, char_index: usize) -> usize {
        if char_index < self.char_index {
            self.char_index = 0;
            self.byte_offset = 0;
        }
        let rest = self.text.get(self.byte_offset..).unwrap_or("");
        let mut chars = rest.char_indices();
        while self.char_index < char_index {
            match chars.next() {
                Some((_, c)) => {
                    self.byte_offset += c.len_utf8();
                    self.char_index += 1;
                }
                None => break,
            }
        }
        self.byte_offset
    }
}

/// A scalar's value after YAML 1.1 resolution as `yaml.v2` performs it.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    /// Integers above `i64::MAX`.
    Uint(u64),
    Float(f64),
    Str,
    Timestamp,
    Merge,
}

impl Resolved {
    /// The short tag `yaml.v2` names in its messages (`!!str`, `!!int`, …).
    pub fn tag(&self) -> &'static str {
        match self {
            Resolved::Null => "!!null",
            Resolved::Bool(_) => "!!bool",
            Resolved::Int(_) | Resolved::Uint(_) => "!!int",
            Resolved::Float(_) => "!!float",
            Resolved::Str => "!!str",
            Resolved::Timestamp => "!!timestamp",
            Resolved::Merge => "!!merge",
        }
    }
}

impl Scalar {
    /// Resolve this scalar's value. Quoted and block scalars are strings,
    /// as are scalars with an explicit `!!str` tag.
    pub fn resolve(&self) -> Resolved {
        match self.tag.as_deref() {
            Some("!!str") | Some("!!binary") => return Resolved::Str,
            Some("!!null") => return Resolved::Null,
            Some(t) if !matches!(t, "!!bool" | "!!int" | "!!float" | "!!timestamp") => {
                return Resolved::Str;
            }
            _ => {}
        }
        if self.style != ScalarStyle::Plain && self.tag.is_none() {
            return Resolved::Str;
        }
        resolve_plain(&self.value)
    }

    /// Whether `yaml.v2` treats this scalar as null before any decoding.
    pub fn is_null(&self) -> bool {
        if self.tag.as_deref() == Some("!!null") {
            return true;
        }
        self.tag.is_none()
            && self.style == ScalarStyle::Plain
            && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

/// `yaml.v2`'s resolution of an untagged plain scalar.
pub fn resolve_plain(s: &str) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        "<<" => return Resolved::Merge,
        _ => {}
    }
    match first {
        b'.' => {
            if let Some(f) = go_parse_float(s) {
                return Resolved::Float(f);
            }
        }
        b'0'..=b'9' | b'+' | b'-' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain)
                && let Some(f) = go_parse_float(&plain)
            {
                return Resolved::Float(f);
            }
            if let Some(bits) = plain.strip_prefix("0b") {
                if let Ok(i) = i64::from_str_radix(bits, 2) {
                    return Resolved::Int(i);
                }
                if let Ok(u) = u64::from_str_radix(bits, 2) {
                    return Resolved::Uint(u);
                }
            } else if let Some(bits) = plain.strip_prefix("-0b")
                && let Ok(i) = i64::from_str_radix(&format!("-{bits}"), 2)
            {
                return Resolved::Int(i);
            }
        }
        _ => {}
    }
    Resolved::Str
}

/// Go `strconv.ParseInt(s, 0, 64)` (the input has no `_` left).
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(digits)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes, leading `0` = octal.
fn go_parse_uint(s: &str) -> Option<u64> {
    let (radix, digits) = if let Some(rest) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, rest)
    } else if let Some(rest) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, rest)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseFloat(s, 64)` for the decimal forms YAML produces.
fn go_parse_float(s: &str) -> Option<f64> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !ok {
        return None;
    }
    s.parse::<f64>().ok()
}

/// `yaml.v2` reads plain scalars shaped like `2006-1-2`, `2006-1-2T15:4:5Z`
/// or `2006-1-2 15:4:5` as timestamps.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(p) => (&s[..p], Some(&s[p + 1..])),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let number = |p: &str, max_len: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|c| c.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    match time {
        None => true,
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let clock = t.split(['+', '-']).next().unwrap_or("");
            let clock = clock.split('.').next().unwrap_or("");
            let mut hms = clock.split(':');
            matches!(
                (hms.next().and_then(|h| number(h, 2)), hms.next().and_then(|m| number(m, 2)), hms.next().and_then(|s| number(s, 2)), hms.next()),
                (Some(h), Some(m), Some(s), None) if h < 24 && m < 60 && s < 60
            )
        }
    }
}

/// `yaml.v2`'s `isBase60Float`: strings such as `17:00` that a YAML 1.1
/// reader would take as sexagesimal numbers, so the encoder quotes them.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start < 2 {
            i += 1;
        }
        let group = &b[start..i];
        let valid = match group {
            [d] => d.is_ascii_digit(),
            [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
            _ => false,
        };
        if !valid {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar_at(doc: &Document, id: NodeId) -> &Scalar {
        match &doc.node(id).map(|n| &n.kind) {
            Some(NodeKind::Scalar(s)) => s,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    #[test]
    fn builds_mapping_with_positions() {
        let doc = parse("a: 1\nb:\n  - x\n  - 'y'\n").expect("valid yaml");
        let root = doc.root().expect("root");
        let NodeKind::Mapping(pairs) = &doc.node(root).expect("node").kind else {
            panic!()
        };
        assert_eq!(pairs.len(), 2);
        let (k, v) = pairs[1];
        assert_eq!(scalar_at(&doc, k).value, "b");
        let NodeKind::Sequence(items) = &doc.node(v).expect("node").kind else {
            panic!()
        };
        let y = doc.node(items[1]).expect("node");
        assert_eq!(
            y.mark,
            Mark {
                line: 4,
                column: 5,
                offset: 18
            }
        );
        assert_eq!(scalar_at(&doc, items[1]).style, ScalarStyle::SingleQuoted);
    }

    #[test]
    fn comment_after_colon_gives_empty_scalar() {
        let doc = parse("channel: #monitoring\n").expect("valid yaml");
        let NodeKind::Mapping(pairs) = &doc.node(doc.root().expect("root")).expect("n").kind else {
            panic!()
        };
        assert!(scalar_at(&doc, pairs[0].1).is_null());
    }

    #[test]
    fn aliases_point_at_anchors() {
        let doc = parse("a: &x {k: v}\nb: *x\n").expect("valid yaml");
        let NodeKind::Mapping(pairs) = &doc.node(doc.root().expect("root")).expect("n").kind else {
            panic!()
        };
        match &doc.node(pairs[1].1).expect("n").kind {
            NodeKind::Alias { target, name } => {
                assert_eq!(*target, pairs[0].1);
                assert_eq!(name, "x");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_anchor_is_reported_as_yaml_v2_does() {
        let err = parse("a: *nope\n").expect_err("unknown anchor");
        assert_eq!(err.message, "unknown anchor 'nope' referenced");
        assert_eq!(err.mark.line, 1);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&deep).expect_err("too deep");
        assert!(err.message.contains("levels deep"), "{}", err.message);
        let mut block = String::new();
        for i in 0..(MAX_DEPTH + 5) {
            block.push_str(&" ".repeat(i));
            block.push_str("a:\n");
        }
        assert!(
            parse(&block)
                .expect_err("too deep")
                .message
                .contains("levels deep")
        );
    }

    #[test]
    fn only_the_first_document_is_read() {
        let doc = parse("a: 1\n---\nb: 2\n").expect("valid yaml");
        assert!(doc.has_more_documents);
        let NodeKind::Mapping(pairs) = &doc.node(doc.root().expect("root")).expect("n").kind else {
            panic!()
        };
        assert_eq!(pairs.len(), 1);
    }

    #[test]
    fn block_scalars_are_placed_at_their_indicator() {
        let doc = parse("a: |\n  x\n").expect("valid yaml");
        let NodeKind::Mapping(pairs) = &doc.node(doc.root().expect("root")).expect("n").kind else {
            panic!()
        };
        let n = doc.node(pairs[0].1).expect("n");
        assert_eq!((n.mark.line, n.mark.column), (1, 4));
    }

    #[test]
    fn resolution_follows_yaml_v2() {
        // Expected values from gopkg.in/yaml.v2 v2.4.0 resolve.go semantics.
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("y"), Resolved::Bool(true));
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain(""), Resolved::Null);
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("0o17"), Resolved::Int(15));
        assert_eq!(resolve_plain("017"), Resolved::Int(15));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("-42"), Resolved::Int(-42));
        assert_eq!(
            resolve_plain("18446744073709551615"),
            Resolved::Uint(u64::MAX)
        );
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("2001-12-14"), Resolved::Timestamp);
        assert_eq!(resolve_plain("30s"), Resolved::Str);
        assert_eq!(resolve_plain("09:00"), Resolved::Str);
        assert_eq!(resolve_plain("0b101"), Resolved::Int(5));
        assert_eq!(resolve_plain("<<"), Resolved::Merge);
        assert!(is_base60_float("17:00"));
        assert!(is_base60_float("1:2:3.5"));
        assert!(!is_base60_float("17:60"));
        assert!(!is_base60_float("abc"));
    }
}
