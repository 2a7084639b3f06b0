//! Go `regexp/syntax` (Perl flags, as `regexp.Compile` uses) parsed into a
//! small tree and printed back in `regex` crate syntax with Go's meaning.
//!
//! The parser follows Go's stack machine closely enough that it accepts and
//! rejects the same patterns with the same `error parsing regexp: …`
//! messages (code and offending text), including Go's limits (repeat counts
//! up to 1000, nested repeat products, nesting depth 1000, program size).
//! Everything Go decides at parse time (flags, greediness, `.` and `^`/`$`
//! meaning, ASCII-only `\d \s \w \b`, octal and hex escapes, `\Q…\E`, a `{`
//! that is not a repeat) is resolved into the tree, so the printed pattern
//! uses only unambiguous `regex` constructs: hex-escaped literals, explicit
//! classes, `(?i:…)` for case folding, `\A`/`\z`, `(?m:^)`, `(?-u:\b)`.
//! Captures keep Go's numbering; their names are returned separately.

use std::fmt::Write as _;

use super::unicode_names;

/// Go's error codes (`regexp/syntax.ErrorCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ErrorCode {
    InternalError,
    InvalidCharRange,
    InvalidEscape,
    InvalidNamedCapture,
    InvalidPerlOp,
    InvalidRepeatOp,
    InvalidRepeatSize,
    MissingBracket,
    MissingParen,
    MissingRepeatArgument,
    TrailingBackslash,
    UnexpectedParen,
    NestingDepth,
    Large,
}

impl ErrorCode {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InternalError => "regexp/syntax: internal error",
            ErrorCode::InvalidCharRange => "invalid character class range",
            ErrorCode::InvalidEscape => "invalid escape sequence",
            ErrorCode::InvalidNamedCapture => "invalid named capture",
            ErrorCode::InvalidPerlOp => "invalid or unsupported Perl syntax",
            ErrorCode::InvalidRepeatOp => "invalid nested repetition operator",
            ErrorCode::InvalidRepeatSize => "invalid repeat count",
            ErrorCode::MissingBracket => "missing closing ]",
            ErrorCode::MissingParen => "missing closing )",
            ErrorCode::MissingRepeatArgument => "missing argument to repetition operator",
            ErrorCode::TrailingBackslash => "trailing backslash at end of expression",
            ErrorCode::UnexpectedParen => "unexpected )",
            ErrorCode::NestingDepth => "expression nests too deeply",
            ErrorCode::Large => "expression too large",
        }
    }
}

/// A Go parse error: the code and the offending text Go reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub code: ErrorCode,
    pub expr: String,
}

type Result<T> = std::result::Result<T, SyntaxError>;

fn error<T>(code: ErrorCode, expr: &str) -> Result<T> {
    Err(SyntaxError {
        code,
        expr: expr.to_owned(),
    })
}

/// The result of translating one Go pattern.
pub(super) struct Translation {
    /// Equivalent pattern in `regex` crate syntax.
    pub pattern: String,
    /// Go's `SubexpNames()`: index 0 is the whole match, `None` = unnamed.
    pub capture_names: Vec<Option<String>>,
    /// Nesting depth of the parsed tree (Go's height).
    pub depth: u32,
}

/// Go's limits (`regexp/syntax/parse.go`).
const MAX_REPEAT: i64 = 1000;
const MAX_HEIGHT: u32 = 1000;
const MAX_SIZE: u64 = (128 << 20) / 40;

/// Parser flags that change meaning (Go's `Flags`, Perl mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Flags {
    fold_case: bool,
    dot_nl: bool,
    one_line: bool,
    non_greedy: bool,
}

const PERL_FLAGS: Flags = Flags {
    fold_case: false,
    dot_nl: false,
    one_line: true,
    non_greedy: false,
};

/// One item of a bracketed class.
#[derive(Debug, Clone)]
enum ClassItem {
    /// Inclusive range of code points (may include surrogates, which can
    /// never match and are dropped when printing).
    Range(u32, u32),
    /// A nested class body (Perl, POSIX or Unicode group), maybe negated.
    Group { body: String, negated: bool },
}

#[derive(Debug, Clone, Copy)]
enum RepeatOp {
    Star,
    Plus,
    Quest,
    Counted { min: i64, max: i64 },
}

#[derive(Debug)]
enum Kind {
    Empty,
    NoMatch,
    Literal {
        runes: Vec<u32>,
        fold: bool,
    },
    Class {
        items: Vec<ClassItem>,
        negated: bool,
        fold: bool,
    },
    AnyCharNotNl,
    AnyChar,
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
    Capture(Box<Node>),
    Repeat {
        op: RepeatOp,
        greedy: bool,
        sub: Box<Node>,
    },
    Concat(Vec<Node>),
    Alternate(Vec<Node>),
}

/// A parsed node with Go's height and program-size estimates cached.
#[derive(Debug)]
struct Node {
    kind: Kind,
    height: u32,
    size: u64,
}

impl Node {
    fn new(kind: Kind) -> Node {
        let (height, size) = match &kind {
            Kind::Literal { runes, .. } => (1, runes.len() as u64),
            Kind::Capture(sub) => (sub.height + 1, sub.size.saturating_add(2)),
            Kind::Repeat { op, sub, .. } => {
                let size = match *op {
                    RepeatOp::Star => sub.size.saturating_add(2),
                    RepeatOp::Plus | RepeatOp::Quest => sub.size.saturating_add(1),
                    RepeatOp::Counted { min, max: -1 } => {
                        if min == 0 {
                            sub.size.saturating_add(2)
                        } else {
                            (min as u64).saturating_mul(sub.size).saturating_add(1)
                        }
                    }
                    RepeatOp::Counted { min, max } => (max as u64)
                        .saturating_mul(sub.size)
                        .saturating_add((max - min) as u64),
                };
                (sub.height + 1, size)
            }
            Kind::Concat(subs) | Kind::Alternate(subs) => {
                let height = subs.iter().map(|s| s.height).max().unwrap_or(0) + 1;
                let mut size = subs.iter().fold(0u64, |acc, s| acc.saturating_add(s.size));
                if matches!(kind, Kind::Alternate(_)) && subs.len() > 1 {
                    size = size.saturating_add(subs.len() as u64 - 1);
                }
                (height, size)
            }
            _ => (1, 0),
        };
        Node {
            kind,
            height,
            size: size.max(1),
        }
    }

    fn is_literal(&self) -> bool {
        matches!(self.kind, Kind::Literal { .. })
    }
}

enum StackItem {
    Node(Node),
    /// `(` or `(?flags:`; `capture` is false for non-capturing groups.
    LeftParen {
        capture: bool,
        flags: Flags,
    },
    VerticalBar,
}

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    stack: Vec<StackItem>,
    capture_names: Vec<Option<String>>,
    nodes_created: u64,
    repeat_product: u64,
}

/// Translates a Go pattern, as `regexp.Compile` would parse it.
pub(super) fn translate(pattern: &str) -> Result<Translation> {
    let mut parser = Parser {
        whole: pattern,
        flags: PERL_FLAGS,
        stack: Vec::new(),
        capture_names: vec![None],
        nodes_created: 0,
        repeat_product: 1,
    };
    let root = parser.parse()?;
    let mut out = String::with_capacity(pattern.len() * 2);
    emit(&root, &mut out);
    Ok(Translation {
        pattern: out,
        capture_names: parser.capture_names,
        depth: root.height,
    })
}

/// `s[start..end]`, or `""` if those are not character boundaries (they
/// always are; this keeps the parser panic-free regardless).
fn slice(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end).unwrap_or("")
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

impl<'a> Parser<'a> {
    fn rest(&self, pos: usize) -> &'a str {
        self.whole.get(pos..).unwrap_or("")
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.rest(pos).chars().next()
    }

    fn byte_at(&self, pos: usize) -> Option<u8> {
        self.whole.as_bytes().get(pos).copied()
    }

    fn parse(&mut self) -> Result<Node> {
        let s = self.whole;
        let mut pos = 0;
        // Start of the repetition operator just parsed, if the previous
        // token was one (Go's `lastRepeat`).
        let mut last_repeat: Option<usize> = None;
        while pos < s.len() {
            let mut repeat = None;
            match self.byte_at(pos) {
                Some(b'(') => {
                    if self.byte_at(pos + 1) == Some(b'?') {
                        pos = self.parse_perl_flags(pos)?;
                    } else {
                        self.capture_names.push(None);
                        self.stack.push(StackItem::LeftParen {
                            capture: true,
                            flags: self.flags,
                        });
                        pos += 1;
                    }
                }
                Some(b'|') => {
                    self.parse_vertical_bar()?;
                    pos += 1;
                }
                Some(b')') => {
                    self.parse_right_paren()?;
                    pos += 1;
                }
                Some(b'^') => {
                    let kind = if self.flags.one_line {
                        Kind::BeginText
                    } else {
                        Kind::BeginLine
                    };
                    self.push(Node::new(kind))?;
                    pos += 1;
                }
                Some(b'$') => {
                    let kind = if self.flags.one_line {
                        Kind::EndText
                    } else {
                        Kind::EndLine
                    };
                    self.push(Node::new(kind))?;
                    pos += 1;
                }
                Some(b'.') => {
                    let kind = if self.flags.dot_nl {
                        Kind::AnyChar
                    } else {
                        Kind::AnyCharNotNl
                    };
                    self.push(Node::new(kind))?;
                    pos += 1;
                }
                Some(b'[') => pos = self.parse_class(pos)?,
                Some(op @ (b'*' | b'+' | b'?')) => {
                    let op = match op {
                        b'*' => RepeatOp::Star,
                        b'+' => RepeatOp::Plus,
                        _ => RepeatOp::Quest,
                    };
                    let before = pos;
                    pos = self.repeat(op, before, before + 1, last_repeat)?;
                    repeat = Some(before);
                }
                Some(b'{') => match self.parse_repeat(pos) {
                    None => {
                        self.literal('{' as u32)?;
                        pos += 1;
                    }
                    Some((min, max, after)) => {
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return error(ErrorCode::InvalidRepeatSize, slice(s, pos, after));
                        }
                        let before = pos;
                        pos = self.repeat(
                            RepeatOp::Counted { min, max },
                            before,
                            after,
                            last_repeat,
                        )?;
                        repeat = Some(before);
                    }
                },
                Some(b'\\') => pos = self.parse_backslash(pos)?,
                _ => {
                    let c = self.char_at(pos).unwrap_or('\u{fffd}');
                    self.literal(c as u32)?;
                    pos += c.len_utf8();
                }
            }
            last_repeat = repeat;
        }
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() != 1 {
            return error(ErrorCode::MissingParen, s);
        }
        match self.stack.pop() {
            Some(StackItem::Node(node)) => Ok(node),
            _ => error(ErrorCode::MissingParen, s),
        }
    }

    /// Handles a `\` outside a class at `pos`; returns the new position.
    fn parse_backslash(&mut self, pos: usize) -> Result<usize> {
        let kind = match self.byte_at(pos + 1) {
            Some(b'A') => Some(Kind::BeginText),
            Some(b'b') => Some(Kind::WordBoundary),
            Some(b'B') => Some(Kind::NoWordBoundary),
            Some(b'z') => Some(Kind::EndText),
            Some(b'C') => return error(ErrorCode::InvalidEscape, slice(self.whole, pos, pos + 2)),
            Some(b'Q') => {
                // \Q ... \E: everything up to \E (or the end) is literal.
                let body = self.rest(pos + 2);
                let (literal, next) = match body.find(r"\E") {
                    Some(i) => (&body[..i], pos + 2 + i + 2),
                    None => (body, self.whole.len()),
                };
                for c in literal.chars() {
                    self.literal(c as u32)?;
                }
                return Ok(next);
            }
            _ => None,
        };
        if let Some(kind) = kind {
            self.push(Node::new(kind))?;
            return Ok(pos + 2);
        }
        if let Some((item, next)) = self.parse_unicode_class(pos)? {
            self.push_class(vec![item], false)?;
            return Ok(next);
        }
        if let Some((item, next)) = self.parse_perl_class_escape(pos) {
            self.push_class(vec![item], false)?;
            return Ok(next);
        }
        let (c, next) = self.parse_escape(pos)?;
        self.literal(c)?;
        Ok(next)
    }

    fn push_class(&mut self, items: Vec<ClassItem>, negated: bool) -> Result<()> {
        let fold = self.flags.fold_case;
        self.push(Node::new(Kind::Class {
            items,
            negated,
            fold,
        }))
    }

    fn literal(&mut self, rune: u32) -> Result<()> {
        let fold = self.flags.fold_case;
        self.push(Node::new(Kind::Literal {
            runes: vec![rune],
            fold,
        }))
    }

    fn push(&mut self, node: Node) -> Result<()> {
        // Go recycles the nodes of merged literals, so they do not count.
        if !node.is_literal() {
            self.nodes_created += 1;
        }
        self.check_limits(&node)?;
        self.stack.push(StackItem::Node(node));
        Ok(())
    }

    /// Go's `checkLimits`: nesting depth and (once the cheap estimate says
    /// it could matter) compiled program size.
    fn check_limits(&mut self, node: &Node) -> Result<()> {
        if node.height > MAX_HEIGHT {
            return error(ErrorCode::NestingDepth, self.whole);
        }
        if let Kind::Repeat {
            op: RepeatOp::Counted { min, max },
            ..
        } = node.kind
        {
            let n = if max == -1 { min } else { max }.max(1) as u64;
            self.repeat_product = if n > MAX_SIZE / self.repeat_product {
                MAX_SIZE
            } else {
                self.repeat_product * n
            };
        }
        if self.nodes_created >= MAX_SIZE / self.repeat_product && node.size > MAX_SIZE {
            return error(ErrorCode::Large, self.whole);
        }
        Ok(())
    }

    /// Applies a repetition operator found at `before` (its syntax ends at
    /// `after`) to the top of the stack; returns the position after it and
    /// any non-greedy `?` suffix.
    fn repeat(
        &mut self,
        op: RepeatOp,
        before: usize,
        after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize> {
        let s = self.whole;
        let mut flags = self.flags;
        let mut after = after;
        if self.byte_at(after) == Some(b'?') {
            after += 1;
            flags.non_greedy = !flags.non_greedy;
        }
        if let Some(last) = last_repeat {
            return error(ErrorCode::InvalidRepeatOp, slice(s, last, after));
        }
        let sub = match self.stack.pop() {
            Some(StackItem::Node(node)) => node,
            other => {
                if let Some(item) = other {
                    self.stack.push(item);
                }
                return error(ErrorCode::MissingRepeatArgument, slice(s, before, after));
            }
        };
        let node = Node::new(Kind::Repeat {
            op,
            greedy: !flags.non_greedy,
            sub: Box::new(sub),
        });
        self.nodes_created += 1;
        self.check_limits(&node)?;
        if let RepeatOp::Counted { min, max } = op
            && (min >= 2 || max >= 2)
            && !repeat_is_valid(&node, MAX_REPEAT)
        {
            return error(ErrorCode::InvalidRepeatSize, slice(s, before, after));
        }
        self.stack.push(StackItem::Node(node));
        Ok(after)
    }

    /// Go's `parseRepeat`: `{n}`, `{n,}` or `{n,m}` at `pos`. `None` means
    /// the brace is a literal. Values too big come back as `min == -1`.
    fn parse_repeat(&self, pos: usize) -> Option<(i64, i64, usize)> {
        let (mut min, mut at) = self.parse_int(pos + 1)?;
        let max = match self.byte_at(at)? {
            b',' => {
                at += 1;
                if self.byte_at(at)? == b'}' {
                    -1
                } else {
                    let (max, next) = self.parse_int(at)?;
                    at = next;
                    if max < 0 {
                        min = -1;
                    }
                    max
                }
            }
            _ => min,
        };
        if self.byte_at(at)? != b'}' {
            return None;
        }
        Some((min, max, at + 1))
    }

    /// Go's `parseInt`: digits without leading zeros; values of 10^8 or more
    /// come back as -1 (too big, but still a repeat).
    fn parse_int(&self, pos: usize) -> Option<(i64, usize)> {
        let digits = self
            .rest(pos)
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 || (digits >= 2 && self.byte_at(pos) == Some(b'0')) {
            return None;
        }
        let mut n: i64 = 0;
        for b in self.rest(pos).bytes().take(digits) {
            if n >= 100_000_000 {
                n = -1;
                break;
            }
            n = n * 10 + i64::from(b - b'0');
        }
        Some((n, pos + digits))
    }

    /// `(?` at `pos`: named capture, non-capturing group or flag change.
    fn parse_perl_flags(&mut self, pos: usize) -> Result<usize> {
        let t = self.rest(pos);
        let tb = t.as_bytes();
        let starts_with_p = tb.len() > 4 && tb[2] == b'P' && tb[3] == b'<';
        let starts_with_name = tb.len() > 3 && tb[2] == b'<';
        if starts_with_p || starts_with_name {
            let name_start = if starts_with_p { 4 } else { 3 };
            let Some(end) = t.find('>') else {
                return error(ErrorCode::InvalidNamedCapture, t);
            };
            let capture = slice(t, 0, end + 1);
            let name = slice(t, name_start, end);
            if name.is_empty() || !name.chars().all(|c| c == '_' || is_alnum(c)) {
                return error(ErrorCode::InvalidNamedCapture, capture);
            }
            self.capture_names.push(Some(name.to_owned()));
            self.stack.push(StackItem::LeftParen {
                capture: true,
                flags: self.flags,
            });
            return Ok(pos + end + 1);
        }
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        let mut at = pos + 2;
        while let Some(c) = self.char_at(at) {
            at += c.len_utf8();
            match c {
                'i' => {
                    flags.fold_case = !negated;
                    saw_flag = true;
                }
                'm' => {
                    flags.one_line = negated;
                    saw_flag = true;
                }
                's' => {
                    flags.dot_nl = !negated;
                    saw_flag = true;
                }
                'U' => {
                    flags.non_greedy = !negated;
                    saw_flag = true;
                }
                '-' => {
                    if negated {
                        break;
                    }
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negated && !saw_flag {
                        break;
                    }
                    if c == ':' {
                        self.stack.push(StackItem::LeftParen {
                            capture: false,
                            flags: self.flags,
                        });
                    }
                    self.flags = flags;
                    return Ok(at);
                }
                _ => break,
            }
        }
        error(ErrorCode::InvalidPerlOp, slice(self.whole, pos, at))
    }

    fn parse_vertical_bar(&mut self) -> Result<()> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.stack.push(StackItem::VerticalBar);
        }
        Ok(())
    }

    /// If the stack ends with `VerticalBar, node`, swaps them (finished
    /// alternatives live below the bar) and reports true.
    fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 2 && matches!(self.stack[n - 2], StackItem::VerticalBar) {
            self.stack.swap(n - 2, n - 1);
            return true;
        }
        false
    }

    fn parse_right_paren(&mut self) -> Result<()> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        let inner = self.stack.pop();
        let paren = self.stack.pop();
        match (inner, paren) {
            (Some(StackItem::Node(inner)), Some(StackItem::LeftParen { capture, flags })) => {
                self.flags = flags;
                let node = if capture {
                    Node::new(Kind::Capture(Box::new(inner)))
                } else {
                    inner
                };
                self.push(node)
            }
            _ => error(ErrorCode::UnexpectedParen, self.whole),
        }
    }

    /// Pops the nodes above the topmost `(` or `|`.
    fn pop_operands(&mut self) -> Vec<Node> {
        let start = self
            .stack
            .iter()
            .rposition(|item| !matches!(item, StackItem::Node(_)))
            .map_or(0, |i| i + 1);
        self.stack
            .drain(start..)
            .filter_map(|item| match item {
                StackItem::Node(node) => Some(node),
                _ => None,
            })
            .collect()
    }

    /// Replaces the nodes above the topmost `(` or `|` by their concatenation.
    fn concat(&mut self) -> Result<()> {
        let subs = self.pop_operands();
        if subs.is_empty() {
            return self.push(Node::new(Kind::Empty));
        }
        let mut flat: Vec<Node> = Vec::with_capacity(subs.len());
        for sub in subs {
            match sub.kind {
                Kind::Concat(inner) => flat.extend(inner),
                _ => flat.push(sub),
            }
        }
        let mut merged: Vec<Node> = Vec::with_capacity(flat.len());
        for node in flat {
            if let (Some(last), Kind::Literal { runes, fold }) = (merged.last_mut(), &node.kind)
                && let Kind::Literal {
                    runes: last_runes,
                    fold: last_fold,
                } = &mut last.kind
                && last_fold == fold
            {
                last_runes.extend_from_slice(runes);
                last.size = last_runes.len() as u64;
                continue;
            }
            merged.push(node);
        }
        let node = if merged.len() == 1 {
            merged.pop().unwrap_or_else(|| Node::new(Kind::Empty))
        } else {
            Node::new(Kind::Concat(merged))
        };
        self.push(node)
    }

    /// Replaces the nodes above the topmost `(` by their alternation.
    fn alternate(&mut self) -> Result<()> {
        let subs = self.pop_operands();
        if subs.is_empty() {
            return self.push(Node::new(Kind::NoMatch));
        }
        let mut flat: Vec<Node> = Vec::with_capacity(subs.len());
        for sub in subs {
            match sub.kind {
                Kind::Alternate(inner) => flat.extend(inner),
                _ => flat.push(sub),
            }
        }
        let node = if flat.len() == 1 {
            flat.pop().unwrap_or_else(|| Node::new(Kind::NoMatch))
        } else {
            Node::new(Kind::Alternate(flat))
        };
        self.push(node)
    }

    /// `[` at `pos`: a bracketed class; returns the position after `]`.
    fn parse_class(&mut self, pos: usize) -> Result<usize> {
        let whole_class = self.rest(pos);
        let mut at = pos + 1;
        let mut negated = false;
        if self.byte_at(at) == Some(b'^') {
            negated = true;
            at += 1;
        }
        let mut items: Vec<ClassItem> = Vec::new();
        let mut first = true;
        while self.byte_at(at) != Some(b']') || first {
            first = false;
            let t = self.rest(at);
            if t.len() > 2
                && t.starts_with("[:")
                && let Some((item, next)) = self.parse_named_class(at)?
            {
                items.push(item);
                at = next;
                continue;
            }
            if let Some((item, next)) = self.parse_unicode_class(at)? {
                items.push(item);
                at = next;
                continue;
            }
            if let Some((item, next)) = self.parse_perl_class_escape(at) {
                items.push(item);
                at = next;
                continue;
            }
            let range_start = at;
            let (lo, next) = self.parse_class_char(at, whole_class)?;
            at = next;
            let mut hi = lo;
            if self.byte_at(at) == Some(b'-') && self.byte_at(at + 1).is_some_and(|b| b != b']') {
                let (value, next) = self.parse_class_char(at + 1, whole_class)?;
                at = next;
                hi = value;
                if hi < lo {
                    return error(
                        ErrorCode::InvalidCharRange,
                        slice(self.whole, range_start, at),
                    );
                }
            }
            items.push(ClassItem::Range(lo, hi));
        }
        self.push_class(items, negated)?;
        Ok(at + 1)
    }

    fn parse_class_char(&self, pos: usize, whole_class: &str) -> Result<(u32, usize)> {
        match self.char_at(pos) {
            None => error(ErrorCode::MissingBracket, whole_class),
            Some('\\') => self.parse_escape(pos),
            Some(c) => Ok((c as u32, pos + c.len_utf8())),
        }
    }

    /// `[:name:]` at `pos` inside a class. `Ok(None)` if there is no `:]`.
    fn parse_named_class(&self, pos: usize) -> Result<Option<(ClassItem, usize)>> {
        let t = self.rest(pos);
        let Some(i) = t.get(2..).and_then(|after| after.find(":]")) else {
            return Ok(None);
        };
        let name = slice(t, 0, i + 4);
        let (negated, bare) = match name.strip_prefix("[:^") {
            Some(rest) => (true, rest),
            None => (false, name.get(2..).unwrap_or("")),
        };
        let body = match bare.strip_suffix(":]").unwrap_or("") {
            "alnum" => r"0-9A-Za-z",
            "alpha" => r"A-Za-z",
            "ascii" => r"\x{0}-\x{7F}",
            "blank" => r"\t ",
            "cntrl" => r"\x{0}-\x{1F}\x{7F}",
            "digit" => r"0-9",
            "graph" => r"!-~",
            "lower" => r"a-z",
            "print" => r" -~",
            "punct" => r"!-/:-@\[-`\{-~",
            "space" => r"\t-\r ",
            "upper" => r"A-Z",
            "word" => r"0-9A-Za-z_",
            "xdigit" => r"0-9A-Fa-f",
            _ => return error(ErrorCode::InvalidCharRange, name),
        };
        Ok(Some((
            ClassItem::Group {
                body: body.to_owned(),
                negated,
            },
            pos + name.len(),
        )))
    }

    /// `\d \D \s \S \w \W` at `pos` (ASCII-only, as in Go).
    fn parse_perl_class_escape(&self, pos: usize) -> Option<(ClassItem, usize)> {
        if self.byte_at(pos) != Some(b'\\') {
            return None;
        }
        let (body, negated) = match self.byte_at(pos + 1)? {
            b'd' => (r"0-9", false),
            b'D' => (r"0-9", true),
            b's' => (r"\t\n\x{C}\r ", false),
            b'S' => (r"\t\n\x{C}\r ", true),
            b'w' => (r"0-9A-Za-z_", false),
            b'W' => (r"0-9A-Za-z_", true),
            _ => return None,
        };
        Some((
            ClassItem::Group {
                body: body.to_owned(),
                negated,
            },
            pos + 2,
        ))
    }

    /// `\p..`/`\P..` at `pos`. `Ok(None)` if there is none.
    fn parse_unicode_class(&self, pos: usize) -> Result<Option<(ClassItem, usize)>> {
        let s = self.rest(pos);
        let mut negated = match s.as_bytes() {
            [b'\\', b'p', ..] => false,
            [b'\\', b'P', ..] => true,
            _ => return Ok(None),
        };
        let after = &s[2..];
        let (seq, name) = match after.chars().next() {
            Some('{') => {
                let Some(end) = s.find('}') else {
                    return error(ErrorCode::InvalidCharRange, s);
                };
                (slice(s, 0, end + 1), slice(s, 3, end))
            }
            Some(c) => (slice(s, 0, 2 + c.len_utf8()), slice(s, 2, 2 + c.len_utf8())),
            None => (slice(s, 0, 2), ""),
        };
        let name = match name.strip_prefix('^') {
            Some(rest) => {
                negated = !negated;
                rest
            }
            None => name,
        };
        let Some(class) = unicode_names::lookup(name) else {
            return error(ErrorCode::InvalidCharRange, seq);
        };
        let negated = negated != class.inverted;
        Ok(Some((
            ClassItem::Group {
                body: class.body,
                negated,
            },
            pos + seq.len(),
        )))
    }

    /// Go's `parseEscape`: the single-character escape at `pos` (a `\`).
    fn parse_escape(&self, pos: usize) -> Result<(u32, usize)> {
        let s = self.whole;
        let mut at = pos + 1;
        let Some(c) = self.char_at(at) else {
            return error(ErrorCode::TrailingBackslash, "");
        };
        at += c.len_utf8();
        let invalid = |end: usize| error(ErrorCode::InvalidEscape, slice(s, pos, end));
        let is_octal = |b: Option<u8>| b.is_some_and(|b| (b'0'..=b'7').contains(&b));
        match c {
            '1'..='7' if !is_octal(self.byte_at(at)) => invalid(at),
            '0'..='7' => {
                let mut value = c as u32 - '0' as u32;
                for _ in 1..3 {
                    match self.byte_at(at) {
                        Some(b) if is_octal(Some(b)) => {
                            value = value * 8 + u32::from(b - b'0');
                            at += 1;
                        }
                        _ => break,
                    }
                }
                Ok((value, at))
            }
            'x' => {
                let Some(c) = self.char_at(at) else {
                    return invalid(at);
                };
                at += c.len_utf8();
                if c == '{' {
                    let mut digits = 0;
                    let mut value: u32 = 0;
                    loop {
                        let Some(c) = self.char_at(at) else {
                            return invalid(at);
                        };
                        at += c.len_utf8();
                        if c == '}' {
                            break;
                        }
                        let Some(v) = unhex(c) else {
                            return invalid(at);
                        };
                        value = value * 16 + v;
                        if value > 0x10FFFF {
                            return invalid(at);
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return invalid(at);
                    }
                    return Ok((value, at));
                }
                let x = unhex(c);
                let y = match self.char_at(at) {
                    Some(c2) => {
                        at += c2.len_utf8();
                        unhex(c2)
                    }
                    None => None,
                };
                match (x, y) {
                    (Some(x), Some(y)) => Ok((x * 16 + y, at)),
                    _ => invalid(at),
                }
            }
            'a' => Ok((0x07, at)),
            'f' => Ok((0x0c, at)),
            'n' => Ok((0x0a, at)),
            'r' => Ok((0x0d, at)),
            't' => Ok((0x09, at)),
            'v' => Ok((0x0b, at)),
            c if c.is_ascii() && !is_alnum(c) => Ok((c as u32, at)),
            _ => invalid(at),
        }
    }
}

/// Go's `repeatIsValid`: no more than `n` copies of anything in total.
fn repeat_is_valid(node: &Node, mut n: i64) -> bool {
    if let Kind::Repeat {
        op: RepeatOp::Counted { min, max },
        ..
    } = node.kind
    {
        let mut m = max;
        if m == 0 {
            return true;
        }
        if m < 0 {
            m = min;
        }
        if m > n {
            return false;
        }
        if m > 0 {
            n /= m;
        }
    }
    match &node.kind {
        Kind::Capture(sub) | Kind::Repeat { sub, .. } => repeat_is_valid(sub, n),
        Kind::Concat(subs) | Kind::Alternate(subs) => subs.iter().all(|s| repeat_is_valid(s, n)),
        _ => true,
    }
}

/// A code point as a `regex` escape, or `None` for a surrogate (which Go
/// accepts in patterns but which can never match UTF-8 text).
fn escaped(c: u32) -> Option<String> {
    let ch = char::from_u32(c)?;
    Some(if ch.is_ascii_alphanumeric() {
        ch.to_string()
    } else {
        format!(r"\x{{{c:X}}}")
    })
}

fn emit_class_items(items: &[ClassItem], out: &mut String) {
    for item in items {
        match item {
            ClassItem::Range(lo, hi) => {
                // Clip the surrogate gap, which no text can contain.
                let (lo, hi) = (*lo, *hi);
                let lo = if (0xD800..=0xDFFF).contains(&lo) {
                    0xE000
                } else {
                    lo
                };
                let hi = if (0xD800..=0xDFFF).contains(&hi) {
                    0xD7FF
                } else {
                    hi
                };
                if lo > hi {
                    continue;
                }
                if let (Some(l), Some(h)) = (escaped(lo), escaped(hi)) {
                    out.push_str(&l);
                    if lo != hi {
                        out.push('-');
                        out.push_str(&h);
                    }
                }
            }
            ClassItem::Group { body, negated } => {
                out.push('[');
                if *negated {
                    out.push('^');
                }
                out.push_str(body);
                out.push(']');
            }
        }
    }
}

/// Prints `node` so that it can be followed by a repetition operator.
fn emit_atom(node: &Node, out: &mut String) {
    let single = match &node.kind {
        Kind::Literal { runes, fold: false } => runes.len() == 1,
        Kind::Literal { .. }
        | Kind::Class { .. }
        | Kind::AnyCharNotNl
        | Kind::AnyChar
        | Kind::Capture(_)
        | Kind::NoMatch => true,
        _ => false,
    };
    if single {
        emit(node, out);
    } else {
        out.push_str("(?:");
        emit(node, out);
        out.push(')');
    }
}

const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";

fn emit(node: &Node, out: &mut String) {
    match &node.kind {
        Kind::Empty => out.push_str("(?:)"),
        Kind::NoMatch => out.push_str(NEVER),
        Kind::Literal { runes, fold } => {
            if *fold {
                out.push_str("(?i:");
            }
            for &r in runes {
                match escaped(r) {
                    Some(text) => out.push_str(&text),
                    None => out.push_str(NEVER),
                }
            }
            if *fold {
                out.push(')');
            }
        }
        Kind::Class {
            items,
            negated,
            fold,
        } => {
            if *fold {
                out.push_str("(?i:");
            }
            out.push('[');
            if *negated {
                out.push('^');
            }
            let before = out.len();
            emit_class_items(items, out);
            if out.len() == before {
                // Nothing printable (only surrogates): an empty class.
                out.push_str(r"[^\x{0}-\x{10FFFF}]");
            }
            out.push(']');
            if *fold {
                out.push(')');
            }
        }
        Kind::AnyCharNotNl => out.push_str(r"[^\n]"),
        Kind::AnyChar => out.push_str(r"(?s:.)"),
        Kind::BeginLine => out.push_str("(?m:^)"),
        Kind::EndLine => out.push_str("(?m:$)"),
        Kind::BeginText => out.push_str(r"\A"),
        Kind::EndText => out.push_str(r"\z"),
        Kind::WordBoundary => out.push_str(r"(?-u:\b)"),
        Kind::NoWordBoundary => out.push_str(r"(?-u:\B)"),
        Kind::Capture(sub) => {
            out.push('(');
            emit(sub, out);
            out.push(')');
        }
        Kind::Repeat { op, greedy, sub } => {
            emit_atom(sub, out);
            match op {
                RepeatOp::Star => out.push('*'),
                RepeatOp::Plus => out.push('+'),
                RepeatOp::Quest => out.push('?'),
                RepeatOp::Counted { min, max } if *max == -1 => {
                    let _ = write!(out, "{{{min},}}");
                }
                RepeatOp::Counted { min, max } if min == max => {
                    let _ = write!(out, "{{{min}}}");
                }
                RepeatOp::Counted { min, max } => {
                    let _ = write!(out, "{{{min},{max}}}");
                }
            }
            if !greedy {
                out.push('?');
            }
        }
        Kind::Concat(subs) => {
            for sub in subs {
                if matches!(sub.kind, Kind::Alternate(_)) {
                    out.push_str("(?:");
                    emit(sub, out);
                    out.push(')');
                } else {
                    emit(sub, out);
                }
            }
        }
        Kind::Alternate(subs) => {
            for (i, sub) in subs.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(sub, out);
            }
        }
    }
}
