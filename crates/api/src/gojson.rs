//! JSON exactly as Go's `encoding/json` reads and writes it, for request
//! bodies and responses of the API.
//!
//! Reading: [`parse`] reads the first JSON value of a body the way a
//! `json.Decoder` does (trailing bytes after it are ignored) and reports
//! syntax errors with Go's scanner messages (`invalid character 'x' looking
//! for beginning of value`, `unexpected EOF`). Strings are decoded as Go
//! does: invalid UTF-8 and lone surrogates become U+FFFD. Objects keep their
//! keys in document order, duplicates included, so the typed decoding in
//! [`crate::wire`] can apply Go's "last one wins / maps merge" rules.
//!
//! Writing: [`write_string`] and [`write_string_map`] are the model's Go
//! escaping (`tocsin_model::gojson`), with or without HTML escaping of `<`,
//! `>`, `&` — go-swagger's models that are `allOf` compositions are
//! marshalled with HTML escaping, plain ones without, and the API
//! reproduces that per value.

use std::borrow::Cow;

pub use tocsin_model::gojson::{write_string, write_string_map};
use tocsin_model::goquote::go_quote;

/// A JSON value with objects as ordered key/value lists.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's literal text (the API never needs its numeric value).
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Go's name for the JSON kind, as used in `cannot unmarshal <kind> into`.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// Why a body could not be read as JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// Only whitespace (Go's `io.EOF`; go-swagger reports the body as missing).
    #[error("EOF")]
    Empty,
    /// The value was cut short.
    #[error("unexpected EOF")]
    UnexpectedEof,
    /// Go's `*json.SyntaxError` text.
    #[error("{0}")]
    Invalid(String),
}

/// Go's scanner refuses values nested deeper than this.
const MAX_DEPTH: usize = 10_000;

/// Read the first JSON value in `input` as `json.Decoder.Decode` does.
pub fn parse(input: &[u8]) -> Result<Value, SyntaxError> {
    let mut reader = Reader::new(input);
    reader.skip_whitespace();
    if reader.pos >= input.len() {
        return Err(SyntaxError::Empty);
    }
    reader.read_value()
}

/// A cursor for decoders that read one expected shape straight from the
/// bytes and give up (`None`) on anything else, leaving [`parse`] to read
/// the body again and report whatever it is. Strings decode exactly as in
/// [`parse`].
pub struct Cursor<'a> {
    reader: Reader<'a>,
}

impl<'a> Cursor<'a> {
    pub fn new(input: &'a [u8]) -> Cursor<'a> {
        Cursor {
            reader: Reader::new(input),
        }
    }

    /// Skips whitespace, then consumes `byte` if it comes next.
    pub fn eat(&mut self, byte: u8) -> bool {
        self.reader.skip_whitespace();
        let found = self.reader.peek() == Some(byte);
        if found {
            self.reader.pos += 1;
        }
        found
    }

    /// Skips whitespace, then reads a string if one comes next and is well
    /// formed.
    pub fn string(&mut self) -> Option<String> {
        self.borrowed_string().map(Cow::into_owned)
    }

    /// [`Cursor::string`], borrowing from the input when the string has no
    /// escapes and is valid UTF-8.
    pub fn borrowed_string(&mut self) -> Option<Cow<'a, str>> {
        self.reader.skip_whitespace();
        if self.reader.peek() != Some(b'"') {
            return None;
        }
        self.reader.read_string().ok()
    }
}

enum Frame {
    Array(Vec<Value>),
    Object(Vec<(String, Value)>, String),
}

struct Reader<'a> {
    input: &'a [u8],
    /// `input` itself when it is valid UTF-8 as a whole (checked once), so
    /// escape-free strings are sliced out without validating each one.
    text: Option<&'a str>,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(input: &'a [u8]) -> Reader<'a> {
        Reader {
            input,
            text: std::str::from_utf8(input).ok(),
            pos: 0,
        }
    }
}

fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let quoted = go_quote(&char::from(c).to_string());
            let inner = quoted
                .get(1..quoted.len().saturating_sub(1))
                .unwrap_or_default();
            format!("'{inner}'")
        }
    }
}

fn invalid(c: u8, context: &str) -> SyntaxError {
    SyntaxError::Invalid(format!("invalid character {} {context}", quote_char(c)))
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.pos += 1;
        }
    }

    /// The next non-whitespace byte, or `unexpected EOF`.
    fn next_significant(&mut self) -> Result<u8, SyntaxError> {
        self.skip_whitespace();
        self.peek().ok_or(SyntaxError::UnexpectedEof)
    }

    fn read_value(&mut self) -> Result<Value, SyntaxError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            let c = self.next_significant()?;
            let mut done = match c {
                b'{' => {
                    self.pos += 1;
                    if stack.len() >= MAX_DEPTH {
                        return Err(invalid(c, "exceeded max depth"));
                    }
                    let c = self.next_significant()?;
                    if c == b'}' {
                        self.pos += 1;
                        Value::Object(Vec::new())
                    } else if c == b'"' {
                        let key = self.read_object_key()?;
                        stack.push(Frame::Object(Vec::new(), key));
                        continue 'value;
                    } else {
                        return Err(invalid(c, "looking for beginning of object key string"));
                    }
                }
                b'[' => {
                    self.pos += 1;
                    if stack.len() >= MAX_DEPTH {
                        return Err(invalid(c, "exceeded max depth"));
                    }
                    let c = self.next_significant()?;
                    if c == b']' {
                        self.pos += 1;
                        Value::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue 'value;
                    }
                }
                b'"' => Value::String(self.read_string()?.into_owned()),
                b't' => self.read_literal("true", Value::Bool(true))?,
                b'f' => self.read_literal("false", Value::Bool(false))?,
                b'n' => self.read_literal("null", Value::Null)?,
                b'-' | b'0'..=b'9' => Value::Number(self.read_number()?),
                _ => return Err(invalid(c, "looking for beginning of value")),
            };
            // Attach the finished value to its container(s).
            loop {
                match stack.pop() {
                    None => return Ok(done),
                    Some(Frame::Array(mut items)) => {
                        items.push(done);
                        let c = self.next_significant()?;
                        match c {
                            b',' => {
                                self.pos += 1;
                                stack.push(Frame::Array(items));
                                continue 'value;
                            }
                            b']' => {
                                self.pos += 1;
                                done = Value::Array(items);
                            }
                            _ => return Err(invalid(c, "after array element")),
                        }
                    }
                    Some(Frame::Object(mut members, key)) => {
                        members.push((key, done));
                        let c = self.next_significant()?;
                        match c {
                            b',' => {
                                self.pos += 1;
                                let c = self.next_significant()?;
                                if c != b'"' {
                                    return Err(invalid(
                                        c,
                                        "looking for beginning of object key string",
                                    ));
                                }
                                let key = self.read_object_key()?;
                                stack.push(Frame::Object(members, key));
                                continue 'value;
                            }
                            b'}' => {
                                self.pos += 1;
                                done = Value::Object(members);
                            }
                            _ => return Err(invalid(c, "after object key:value pair")),
                        }
                    }
                }
            }
        }
    }

    /// A key string followed by `:`.
    fn read_object_key(&mut self) -> Result<String, SyntaxError> {
        let key = self.read_string()?.into_owned();
        let c = self.next_significant()?;
        if c != b':' {
            return Err(invalid(c, "after object key"));
        }
        self.pos += 1;
        Ok(key)
    }

    fn read_literal(&mut self, word: &'static str, value: Value) -> Result<Value, SyntaxError> {
        for (i, expected) in word.bytes().enumerate() {
            match self.input.get(self.pos + i) {
                None => return Err(SyntaxError::UnexpectedEof),
                Some(&c) if c == expected => {}
                Some(&c) => {
                    let context = format!("in literal {word} (expecting {})", quote_char(expected));
                    return Err(invalid(c, &context));
                }
            }
        }
        self.pos += word.len();
        Ok(value)
    }

    fn read_number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            match self.peek() {
                None => return Err(SyntaxError::UnexpectedEof),
                Some(b'0'..=b'9') => {}
                Some(c) => return Err(invalid(c, "in numeric literal")),
            }
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.skip_digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            match self.peek() {
                None => return Err(SyntaxError::UnexpectedEof),
                Some(b'0'..=b'9') => self.skip_digits(),
                Some(c) => return Err(invalid(c, "after decimal point in numeric literal")),
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            match self.peek() {
                None => return Err(SyntaxError::UnexpectedEof),
                Some(b'0'..=b'9') => self.skip_digits(),
                Some(c) => return Err(invalid(c, "in exponent of numeric literal")),
            }
        }
        let text = self.input.get(start..self.pos).unwrap_or_default();
        Ok(String::from_utf8_lossy(text).into_owned())
    }

    fn skip_digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// A string starting at the opening quote, decoded as Go's `unquote`.
    fn read_string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.pos += 1; // opening quote
        // Most strings have no escapes: borrow them, and hand what comes
        // after a backslash to the byte-by-byte loop below.
        let input: &'a [u8] = self.input;
        let rest = input.get(self.pos..).unwrap_or_default();
        let plain = plain_prefix_len(rest);
        let prefix = rest.get(..plain).unwrap_or_default();
        if rest.get(plain) == Some(&b'"') {
            // Both ends are ASCII quotes, so on char boundaries.
            let known_valid = self
                .text
                .and_then(|text| text.get(self.pos..self.pos + plain));
            self.pos += plain + 1;
            return Ok(
                match known_valid.map_or_else(|| std::str::from_utf8(prefix), Ok) {
                    Ok(valid) => Cow::Borrowed(valid),
                    Err(_) => Cow::Owned(sanitize_utf8(prefix.to_vec())),
                },
            );
        }
        let mut out: Vec<u8> = Vec::with_capacity(plain + 16);
        out.extend_from_slice(prefix);
        self.pos += plain;
        loop {
            let Some(c) = self.peek() else {
                return Err(SyntaxError::UnexpectedEof);
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(Cow::Owned(sanitize_utf8(out)));
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(SyntaxError::UnexpectedEof);
                    };
                    self.pos += 1;
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(0x08),
                        b'f' => Some(0x0c),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        _ => return Err(invalid(e, "in string escape code")),
                    };
                    match simple {
                        Some(b) => out.push(b),
                        None => {
                            let unit = self.read_hex4()?;
                            let ch = self.combine_surrogates(unit)?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
                c if c < 0x20 => return Err(invalid(c, "in string literal")),
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn read_hex4(&mut self) -> Result<u16, SyntaxError> {
        let mut unit: u16 = 0;
        for _ in 0..4 {
            let Some(c) = self.peek() else {
                return Err(SyntaxError::UnexpectedEof);
            };
            let digit = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(invalid(c, "in \\u hexadecimal character escape")),
            };
            unit = unit * 16 + u16::from(digit);
            self.pos += 1;
        }
        Ok(unit)
    }

    /// After a `\uXXXX`, join a following low surrogate escape; lone
    /// surrogates become U+FFFD as in Go.
    fn combine_surrogates(&mut self, unit: u16) -> Result<char, SyntaxError> {
        if !(0xD800..0xDC00).contains(&unit) {
            return Ok(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        let rest = self.input.get(self.pos..).unwrap_or_default();
        if rest.starts_with(b"\\u") {
            let saved = self.pos;
            self.pos += 2;
            let low = self.read_hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            // Not a pair: Go emits U+FFFD for the lone high half and then
            // decodes the second escape on its own.
            self.pos = saved;
        }
        Ok(char::REPLACEMENT_CHARACTER)
    }
}

/// Bytes to a string, each invalid UTF-8 byte becoming U+FFFD (Go's rule,
/// which differs from `from_utf8_lossy` for truncated sequences).
/// How many bytes of `s` come before the first `"`, `\\` or control
/// character (the part of a string literal that needs no decoding).
fn plain_prefix_len(s: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Eight bytes at a time: `(w - ONES * n) & !w & HIGH_BITS` has the high
    // bit set in the lowest byte of `w` below `n` (borrows may also flag
    // higher bytes, never lower ones), and a byte equal to `c` is a zero
    // byte of `w ^ (ONES * c)`. So the lowest flagged byte is exact.
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w;
    let mut chunks = s.chunks_exact(8);
    let mut done = 0;
    for chunk in chunks.by_ref() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let w = u64::from_le_bytes(bytes);
        let flagged = (below(w ^ (ONES * u64::from(b'"')), 1)
            | below(w ^ (ONES * u64::from(b'\\')), 1)
            | below(w, 0x20))
            & HIGH_BITS;
        if flagged != 0 {
            return done + (flagged.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    let tail = chunks.remainder();
    done + tail
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(tail.len())
}

fn sanitize_utf8(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(err) => {
            let bytes = err.into_bytes();
            let mut out = String::with_capacity(bytes.len());
            let mut rest: &[u8] = &bytes;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(valid) => {
                        out.push_str(valid);
                        break;
                    }
                    Err(e) => {
                        let (valid, after) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                        out.push(char::REPLACEMENT_CHARACTER);
                        rest = after.get(1..).unwrap_or_default();
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_prefix_stops_at_the_first_special_byte_wherever_it_is() {
        let naive = |s: &[u8]| {
            s.iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(s.len())
        };
        for len in 0..40 {
            let plain = vec![b'a'; len];
            assert_eq!(plain_prefix_len(&plain), len);
            for at in 0..len {
                for special in [b'"', b'\\', b'\n', 0x1f, 0] {
                    let mut s = plain.clone();
                    s[at] = special;
                    assert_eq!(plain_prefix_len(&s), naive(&s), "{s:?}");
                    assert_eq!(plain_prefix_len(&s), at);
                }
            }
        }
        assert_eq!(plain_prefix_len("ünï 🙂 \x7f ok\"".as_bytes()), 15);
        // Random bytes of every kind, bytes >= 0x80 and neighbours of the
        // special values included.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let palette = [
            b'"', b'\\', 0, 0x1f, 0x20, 0x21, b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa2, 0xdc, 0xff,
        ];
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let s: Vec<u8> = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 5);
                    if r.is_multiple_of(7) {
                        palette[(r >> 8) as usize % palette.len()]
                    } else {
                        b'a' + (r % 26) as u8
                    }
                })
                .collect();
            assert_eq!(plain_prefix_len(&s), naive(&s), "{s:?}");
        }
    }

    fn err(input: &str) -> String {
        match parse(input.as_bytes()) {
            Ok(v) => panic!("expected an error for {input:?}, got {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn syntax_errors_have_go_messages() {
        // Messages captured from Alertmanager 0.25 (Go's encoding/json) for
        // the same bodies.
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(err("["), "unexpected EOF");
        assert_eq!(
            err("[}"),
            "invalid character '}' looking for beginning of value"
        );
        assert_eq!(
            err(r#"[{"labels":{"a":"b"}} x"#),
            "invalid character 'x' after array element"
        );
        assert_eq!(
            err(r#"[{"labels":{"a":"b"}},]"#),
            "invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            err(r#"{"a":1,}"#),
            "invalid character '}' looking for beginning of object key string"
        );
        assert_eq!(err(r#"{"a" 1}"#), "invalid character '1' after object key");
        assert_eq!(
            err(r#"{"a":1 "b"}"#),
            "invalid character '\"' after object key:value pair"
        );
        assert_eq!(
            err("[tru]"),
            "invalid character ']' in literal true (expecting 'e')"
        );
        assert_eq!(err("[-x]"), "invalid character 'x' in numeric literal");
        assert_eq!(
            err("[1.x]"),
            "invalid character 'x' after decimal point in numeric literal"
        );
        assert_eq!(
            err("[1ex]"),
            "invalid character 'x' in exponent of numeric literal"
        );
        assert_eq!(
            err("[\"\\q\"]"),
            "invalid character 'q' in string escape code"
        );
        assert_eq!(
            err("[\"\\u12g4\"]"),
            "invalid character 'g' in \\u hexadecimal character escape"
        );
        assert_eq!(
            err("[\"a\u{1}\"]"),
            "invalid character '\\x01' in string literal"
        );
        assert_eq!(
            err("['a']"),
            r"invalid character '\'' looking for beginning of value"
        );
        assert_eq!(parse(b"  \n").unwrap_err(), SyntaxError::Empty);
    }

    #[test]
    fn reads_first_value_and_decodes_strings_like_go() {
        let v =
            parse(br#"{"a":"\ud800x","b":"\u00e9\ud83d\ude00","c":[1,-2.5e3,true,null]} trailing"#)
                .unwrap();
        let Value::Object(members) = v else {
            panic!("object expected")
        };
        assert_eq!(
            members[0],
            ("a".to_owned(), Value::String("\u{fffd}x".to_owned()))
        );
        assert_eq!(
            members[1],
            ("b".to_owned(), Value::String("é😀".to_owned()))
        );
        assert_eq!(
            members[2].1,
            Value::Array(vec![
                Value::Number("1".into()),
                Value::Number("-2.5e3".into()),
                Value::Bool(true),
                Value::Null
            ])
        );
        let v = parse(b"[\"\xff\xc3\"]").unwrap();
        assert_eq!(
            v,
            Value::Array(vec![Value::String("\u{fffd}\u{fffd}".into())])
        );
    }

    #[test]
    fn strings_with_plain_runs_and_escapes_decode_whole() {
        // A plain run before an escape is kept; invalid UTF-8 in either part
        // becomes U+FFFD per byte; control bytes and EOF are still errors.
        let v = parse(b"[\"ab\\ncd\", \"x\xffy\\t\xc3\", \"plain \xc3\xa9\"]").unwrap();
        assert_eq!(
            v,
            Value::Array(vec![
                Value::String("ab\ncd".into()),
                Value::String("x\u{fffd}y\t\u{fffd}".into()),
                Value::String("plain é".into()),
            ])
        );
        assert_eq!(
            parse(b"\"ab\ncd\""),
            Err(SyntaxError::Invalid(
                "invalid character '\\n' in string literal".into()
            ))
        );
        assert_eq!(parse(b"\"abc"), Err(SyntaxError::UnexpectedEof));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&deep), "invalid character '[' exceeded max depth");
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn writes_strings_like_go() {
        // Expected bytes as printed by Alertmanager for the same values
        // (HTML-escaped inside gettable alerts, plain in group labels).
        let mut out = String::new();
        write_string(&mut out, "H<t>&\u{2028}\u{8}\u{1}é\"\\", true);
        assert_eq!(out, r#""H\u003ct\u003e\u0026\u2028\b\u0001é\"\\""#);
        out.clear();
        write_string(&mut out, "H<t>&\u{c}\u{7f}", false);
        assert_eq!(out, "\"H<t>&\\f\u{7f}\"");
        // Plain text (the fast path) and characters sharing U+2028's lead
        // byte that need no escape.
        out.clear();
        write_string(&mut out, "plain text é", true);
        assert_eq!(out, "\"plain text é\"");
        out.clear();
        write_string(&mut out, "\u{2026}\u{2029}\u{20ac}", false);
        assert_eq!(out, "\"\u{2026}\\u2029\u{20ac}\"");
    }
}
