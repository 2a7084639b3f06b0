//! Reading providers' JSON answers with the error texts Go's
//! `encoding/json` gives, since upstream puts those texts into notification
//! errors (`invalid character '<' looking for beginning of value`). A
//! validating scanner reproduces Go's syntax errors; values themselves are
//! read with `serde_json` and looked up the way Go matches struct fields
//! (exact name first, then case-insensitively), with Go's type-mismatch
//! texts for the fields integrations read.

use serde_json::{Map, Value};
use tocsin_model::goquote::go_quote;

/// Go's `json.Unmarshal` input check: one value, surrounded by white space.
pub fn unmarshal(body: &[u8]) -> Result<Value, String> {
    let end = scan_value(body, 0).map_err(|e| e.text)?;
    let rest = skip_space(body, end);
    if let Some(&c) = body.get(rest) {
        return Err(syntax(c, "after top-level value").text);
    }
    parse_valid(body.get(..end).unwrap_or_default())
}

/// Go's `json.NewDecoder(r).Decode(&v)`: the first value; what follows is
/// not read. Empty input is `EOF`, a value cut short `unexpected EOF`.
pub fn decode_first(body: &[u8]) -> Result<Value, String> {
    if skip_space(body, 0) >= body.len() {
        return Err("EOF".to_owned());
    }
    match scan_value(body, 0) {
        Ok(end) => parse_valid(body.get(..end).unwrap_or_default()),
        Err(e) if e.at_end => Err("unexpected EOF".to_owned()),
        Err(e) => Err(e.text),
    }
}

fn parse_valid(text: &[u8]) -> Result<Value, String> {
    // The scanner accepted the text, so serde_json only fails on limits
    // (e.g. nesting depth); report those in its words.
    serde_json::from_slice(text).map_err(|e| e.to_string())
}

/// A syntax error, and whether it comes from running out of input.
#[derive(Debug, PartialEq, Eq)]
struct ScanError {
    text: String,
    at_end: bool,
}

/// Go's `quoteChar` for scanner errors.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            // Go converts the byte to a rune (Latin-1) before quoting.
            let quoted = go_quote(&char::from(c).to_string());
            let inner = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(&quoted);
            format!("'{inner}'")
        }
    }
}

fn syntax(c: u8, context: &str) -> ScanError {
    ScanError {
        text: format!("invalid character {} {context}", quote_char(c)),
        at_end: false,
    }
}

fn unexpected_end() -> ScanError {
    ScanError {
        text: "unexpected end of JSON input".to_owned(),
        at_end: true,
    }
}

/// The byte at `i`; at the end of the input Go's scanner is fed a space,
/// so errors there name `' '` (and count as running out of input).
fn byte_or_space(
    b: &[u8],
    i: usize,
    context: &str,
    accept: impl Fn(u8) -> bool,
) -> Result<u8, ScanError> {
    match b.get(i) {
        Some(&c) if accept(c) => Ok(c),
        Some(&c) => Err(syntax(c, context)),
        None => Err(ScanError {
            at_end: true,
            ..syntax(b' ', context)
        }),
    }
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Deepest nesting scanned (Go allows 10000; answers never come close).
const MAX_DEPTH: usize = 10_000;

/// Validates one value starting at `i` (after optional white space) and
/// returns the index just past it.
fn scan_value(b: &[u8], i: usize) -> Result<usize, ScanError> {
    let mut stack: Vec<u8> = Vec::new();
    let mut i = skip_space(b, i);
    loop {
        // Expect a value.
        let Some(&c) = b.get(i) else {
            return Err(unexpected_end());
        };
        match c {
            b'{' | b'[' if stack.len() >= MAX_DEPTH => {
                return Err(ScanError {
                    text: "exceeded max depth".to_owned(),
                    at_end: false,
                });
            }
            b'{' => {
                stack.push(b'{');
                i = skip_space(b, i + 1);
                match b.get(i) {
                    Some(b'}') => {
                        stack.pop();
                        i += 1;
                    }
                    Some(b'"') => {
                        i = skip_space(b, scan_key(b, i)?);
                        continue;
                    }
                    Some(&c) => {
                        return Err(syntax(c, "looking for beginning of object key string"));
                    }
                    None => return Err(unexpected_end()),
                }
            }
            b'[' => {
                stack.push(b'[');
                i = skip_space(b, i + 1);
                if b.get(i) == Some(&b']') {
                    stack.pop();
                    i += 1;
                } else {
                    continue;
                }
            }
            b'"' => i = scan_string(b, i)?,
            b'-' | b'0'..=b'9' => i = scan_number(b, i)?,
            b't' => i = scan_literal(b, i, "true")?,
            b'f' => i = scan_literal(b, i, "false")?,
            b'n' => i = scan_literal(b, i, "null")?,
            _ => return Err(syntax(c, "looking for beginning of value")),
        }
        // After a value: close containers or move to the next element.
        loop {
            let Some(&top) = stack.last() else {
                return Ok(i);
            };
            i = skip_space(b, i);
            let Some(&c) = b.get(i) else {
                return Err(unexpected_end());
            };
            match (top, c) {
                (b'{', b',') => {
                    i = skip_space(b, i + 1);
                    match b.get(i) {
                        Some(b'"') => {
                            i = scan_key(b, i)?;
                            break;
                        }
                        Some(&c) => {
                            return Err(syntax(c, "looking for beginning of object key string"));
                        }
                        None => return Err(unexpected_end()),
                    }
                }
                (b'{', b'}') | (b'[', b']') => {
                    stack.pop();
                    i += 1;
                }
                (b'[', b',') => {
                    i += 1;
                    break;
                }
                (b'{', c) => return Err(syntax(c, "after object key:value pair")),
                (_, c) => return Err(syntax(c, "after array element")),
            }
        }
        i = skip_space(b, i);
    }
}

/// A key string, then `:`; returns the index after the colon.
fn scan_key(b: &[u8], i: usize) -> Result<usize, ScanError> {
    let i = skip_space(b, scan_string(b, i)?);
    match b.get(i) {
        Some(b':') => Ok(i + 1),
        Some(&c) => Err(syntax(c, "after object key")),
        None => Err(unexpected_end()),
    }
}

fn scan_string(b: &[u8], start: usize) -> Result<usize, ScanError> {
    let mut i = start + 1;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(unexpected_end());
        };
        match c {
            b'"' => return Ok(i + 1),
            b'\\' => {
                let escape = byte_or_space(b, i + 1, "in string escape code", |e| {
                    matches!(
                        e,
                        b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' | b'u'
                    )
                })?;
                i += 2;
                if escape == b'u' {
                    for _ in 0..4 {
                        byte_or_space(b, i, "in \\u hexadecimal character escape", |h| {
                            h.is_ascii_hexdigit()
                        })?;
                        i += 1;
                    }
                }
            }
            c if c < 0x20 => return Err(syntax(c, "in string literal")),
            _ => i += 1,
        }
    }
}

fn scan_digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

fn scan_number(b: &[u8], start: usize) -> Result<usize, ScanError> {
    let mut i = start;
    if b.get(i) == Some(&b'-') {
        i += 1;
        byte_or_space(b, i, "in numeric literal", |c| c.is_ascii_digit())?;
    }
    i = if b.get(i) == Some(&b'0') {
        i + 1
    } else {
        scan_digits(b, i)
    };
    if b.get(i) == Some(&b'.') {
        byte_or_space(b, i + 1, "after decimal point in numeric literal", |c| {
            c.is_ascii_digit()
        })?;
        i = scan_digits(b, i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        byte_or_space(b, i, "in exponent of numeric literal", |c| {
            c.is_ascii_digit()
        })?;
        i = scan_digits(b, i);
    }
    Ok(i)
}

fn scan_literal(b: &[u8], start: usize, word: &str) -> Result<usize, ScanError> {
    for (k, expected) in word.bytes().enumerate().skip(1) {
        let context = format!("in literal {word} (expecting {})", quote_char(expected));
        byte_or_space(b, start + k, &context, |c| c == expected)?;
    }
    Ok(start + word.len())
}

/// A JSON object as Go decodes it into a struct: fields are matched by
/// name, exactly or else ignoring case; absent and `null` fields keep the
/// zero value. Type mismatches read as Go 1.19 words them (the innermost
/// struct's name, then the field path from the outermost value).
pub struct GoStruct<'a> {
    object: Option<&'a Map<String, Value>>,
    /// Go's package-qualified struct type (`rocketchat.response`; empty for
    /// an anonymous struct).
    type_name: &'a str,
    /// Field names from the outermost struct down to this one.
    path: Vec<&'a str>,
}

impl<'a> GoStruct<'a> {
    /// `value` read into the Go struct type `type_name`. A non-object value
    /// is a type mismatch, as in Go.
    pub fn new(value: &'a Value, type_name: &'a str) -> Result<Self, String> {
        match value {
            Value::Object(object) => Ok(GoStruct {
                object: Some(object),
                type_name,
                path: Vec::new(),
            }),
            Value::Null => Ok(GoStruct {
                object: None,
                type_name,
                path: Vec::new(),
            }),
            other => Err(format!(
                "json: cannot unmarshal {} into Go value of type {type_name}",
                json_kind(other)
            )),
        }
    }

    /// The field's value, matched as Go matches keys to struct fields.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let object = self.object?;
        let found = object.get(name).or_else(|| {
            object
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        });
        found.filter(|v| !v.is_null())
    }

    fn mismatch(&self, name: &str, value: &Value, go_type: &str) -> String {
        let unqualified = self
            .type_name
            .rsplit_once('.')
            .map_or(self.type_name, |(_, name)| name);
        let mut field = self.path.join(".");
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(name);
        format!(
            "json: cannot unmarshal {} into Go struct field {unqualified}.{field} of type {go_type}",
            json_kind(value),
        )
    }

    fn child(
        &self,
        name: &'a str,
        object: Option<&'a Map<String, Value>>,
        type_name: &'a str,
    ) -> GoStruct<'a> {
        let mut path = self.path.clone();
        path.push(name);
        GoStruct {
            object,
            type_name,
            path,
        }
    }

    /// A `string` field.
    pub fn string(&self, name: &str) -> Result<String, String> {
        match self.get(name) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(self.mismatch(name, other, "string")),
        }
    }

    /// A `bool` field.
    pub fn bool(&self, name: &str) -> Result<bool, String> {
        match self.get(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.mismatch(name, other, "bool")),
        }
    }

    /// An `int` field (64-bit).
    pub fn int(&self, name: &str) -> Result<i64, String> {
        match self.get(name) {
            None => Ok(0),
            Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
                // Go names the number itself when it cannot become an int.
                self.mismatch(name, &Value::Number(n.clone()), "int")
                    .replacen("unmarshal number", &format!("unmarshal number {n}"), 1)
            }),
            Some(other) => Err(self.mismatch(name, other, "int")),
        }
    }

    /// A `[]string` field.
    pub fn strings(&self, name: &str) -> Result<Vec<String>, String> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Null => Ok(String::new()),
                    other => Err(self.mismatch(name, other, "string")),
                })
                .collect(),
            Some(other) => Err(self.mismatch(name, other, "[]string")),
        }
    }

    /// A nested struct (or pointer to struct) field of Go type `type_name`.
    pub fn object(&self, name: &'a str, type_name: &'a str) -> Result<GoStruct<'a>, String> {
        match self.get(name) {
            None => Ok(self.child(name, None, type_name)),
            Some(Value::Object(object)) => Ok(self.child(name, Some(object), type_name)),
            Some(other) => Err(self.mismatch(name, other, type_name)),
        }
    }

    /// A slice field of structs of Go type `type_name`.
    pub fn objects(&self, name: &'a str, type_name: &'a str) -> Result<Vec<GoStruct<'a>>, String> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Object(object) => Ok(self.child(name, Some(object), type_name)),
                    Value::Null => Ok(self.child(name, None, type_name)),
                    other => Err(self.mismatch(name, other, type_name)),
                })
                .collect(),
            Some(other) => Err(self.mismatch(name, other, &format!("[]{type_name}"))),
        }
    }

    /// Whether the object is present at all (not absent or `null`).
    pub fn is_present(&self) -> bool {
        self.object.is_some()
    }
}

/// Go's name for a JSON value's kind in mismatch errors.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected texts produced by Go 1.19 `json.Unmarshal` into `any`.
    #[test]
    fn syntax_errors_read_like_go() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "unexpected end of JSON input"),
            (b"  ", "unexpected end of JSON input"),
            (
                b"<html>",
                "invalid character '<' looking for beginning of value",
            ),
            (
                b"{\"a\":1} x",
                "invalid character 'x' after top-level value",
            ),
            (b"{\"a\" 1}", "invalid character '1' after object key"),
            (
                b"{\"a\":1 \"b\"}",
                "invalid character '\"' after object key:value pair",
            ),
            (b"[1 2]", "invalid character '2' after array element"),
            (
                b"{x}",
                "invalid character 'x' looking for beginning of object key string",
            ),
            (
                b"{\"a\":1,}",
                "invalid character '}' looking for beginning of object key string",
            ),
            (b"\"a\nb\"", "invalid character '\\n' in string literal"),
            (b"\"\\x\"", "invalid character 'x' in string escape code"),
            (
                b"\"\\u12g4\"",
                "invalid character 'g' in \\u hexadecimal character escape",
            ),
            (b"-x", "invalid character 'x' in numeric literal"),
            (
                b"1.x",
                "invalid character 'x' after decimal point in numeric literal",
            ),
            (
                b"1ex",
                "invalid character 'x' in exponent of numeric literal",
            ),
            (b"01", "invalid character '1' after top-level value"),
            (
                b"trux",
                "invalid character 'x' in literal true (expecting 'e')",
            ),
            (
                b"nul",
                "invalid character ' ' in literal null (expecting 'l')",
            ),
            (b"-", "invalid character ' ' in numeric literal"),
            (b"\"\\", "invalid character ' ' in string escape code"),
            (b"{\"a\":[1,", "unexpected end of JSON input"),
            (
                b"'x'",
                "invalid character '\\'' looking for beginning of value",
            ),
            (
                b"\x01",
                "invalid character '\\x01' looking for beginning of value",
            ),
            (
                b"\xc3",
                "invalid character 'Ã' looking for beginning of value",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                unmarshal(input).unwrap_err(),
                *want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert!(unmarshal(b" {\"a\": [1, -2.5e+3, true, null, \"\\u00e9\"]} ").is_ok());
    }

    // Expected texts produced by Go 1.19 `json.NewDecoder(r).Decode(&v)`.
    #[test]
    fn decoder_reads_the_first_value_only() {
        assert_eq!(decode_first(b"").unwrap_err(), "EOF");
        assert_eq!(decode_first(b"{\"a\":").unwrap_err(), "unexpected EOF");
        assert_eq!(decode_first(b"nul").unwrap_err(), "unexpected EOF");
        assert_eq!(
            decode_first(b"[1 x]").unwrap_err(),
            "invalid character 'x' after array element"
        );
        assert_eq!(
            decode_first(b"<html>").unwrap_err(),
            "invalid character '<' looking for beginning of value"
        );
        assert_eq!(
            decode_first(b"{\"a\":1} trailing").unwrap(),
            serde_json::json!({"a": 1})
        );
    }

    // Expected texts produced by Go 1.19 unmarshalling into
    // `struct{ Success bool; Error string; Code int }` named `response`.
    #[test]
    fn struct_fields_match_like_go() {
        let value = unmarshal(br#"{"SUCCESS":true,"error":"boom","code":1.5,"n":null}"#).unwrap();
        let s = GoStruct::new(&value, "main.response").unwrap();
        assert!(s.bool("success").unwrap());
        assert_eq!(s.string("error").unwrap(), "boom");
        assert_eq!(s.string("n").unwrap(), "");
        assert_eq!(
            s.int("code").unwrap_err(),
            "json: cannot unmarshal number 1.5 into Go struct field response.code of type int"
        );
        assert_eq!(
            s.bool("error").unwrap_err(),
            "json: cannot unmarshal string into Go struct field response.error of type bool"
        );
        assert_eq!(
            GoStruct::new(&serde_json::json!([1]), "main.response")
                .err()
                .unwrap(),
            "json: cannot unmarshal array into Go value of type main.response"
        );
    }
}
