//! CSS support for html/template: decoding CSS escapes (to see through
//! `\75 rl(`), recognising keywords, and the two CSS escapers Go applies:
//! `cssEscaper` (inside CSS strings) and `cssValueFilter` (bare CSS
//! values, rejecting anything that could break out or run code).

use crate::html::escapers::{FILTER_FAILSAFE, stringify};
use crate::value::{SafeKind, Value};

/// Go's `isCSSNmchar`.
pub(crate) fn is_css_nmchar(r: char) -> bool {
    r.is_ascii_alphanumeric()
        || r == '-'
        || r == '_'
        || ('\u{80}'..='\u{d7ff}').contains(&r)
        || ('\u{e000}'..='\u{fffd}').contains(&r)
        || ('\u{10000}'..='\u{10ffff}').contains(&r)
}

/// Go's `endsWithCSSKeyword`: `b` ends with `kw` (case-insensitively) not
/// preceded by a name character.
pub(crate) fn ends_with_css_keyword(b: &[u8], kw: &str) -> bool {
    let Some(i) = b.len().checked_sub(kw.len()) else {
        return false;
    };
    if i != 0 {
        let before = String::from_utf8_lossy(&b[..i]);
        if before.chars().next_back().is_some_and(is_css_nmchar) {
            return false;
        }
    }
    b[i..].eq_ignore_ascii_case(kw.as_bytes())
}

fn hex_value(c: u8) -> Option<u32> {
    char::from(c).to_digit(16)
}

fn skip_css_space(c: &[u8]) -> &[u8] {
    match c.first() {
        Some(b'\t' | b'\n' | b'\x0c' | b' ') => &c[1..],
        Some(b'\r') => {
            if c.get(1) == Some(&b'\n') {
                &c[2..]
            } else {
                &c[1..]
            }
        }
        _ => c,
    }
}

/// Go's `decodeCSS`: resolves `\hex ` and `\c` escapes.
pub(crate) fn decode_css(s: &[u8]) -> Vec<u8> {
    if !s.contains(&b'\\') {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut s = s;
    while !s.is_empty() {
        let i = s.iter().position(|&b| b == b'\\').unwrap_or(s.len());
        out.extend_from_slice(&s[..i]);
        s = &s[i..];
        if s.len() < 2 {
            break;
        }
        if hex_value(s[1]).is_some() {
            let mut j = 2;
            while j < s.len() && j < 7 && hex_value(s[j]).is_some() {
                j += 1;
            }
            let mut r: u32 = s[1..j]
                .iter()
                .fold(0, |acc, &c| (acc << 4) | hex_value(c).unwrap_or(0));
            if r > 0x10ffff {
                r /= 16;
                j -= 1;
            }
            let ch = char::from_u32(r).unwrap_or('\u{FFFD}');
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            s = skip_css_space(&s[j..]);
        } else {
            let rest = String::from_utf8_lossy(&s[1..]);
            let n = rest.chars().next().map_or(1, char::len_utf8);
            let n = n.min(s.len() - 1);
            out.extend_from_slice(&s[1..1 + n]);
            s = &s[1 + n..];
        }
    }
    out
}

fn is_css_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn css_replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "\\0",
        '\t' => "\\9",
        '\n' => "\\a",
        '\x0c' => "\\c",
        '\r' => "\\d",
        '"' => "\\22",
        '&' => "\\26",
        '\'' => "\\27",
        '(' => "\\28",
        ')' => "\\29",
        '+' => "\\2b",
        '/' => "\\2f",
        ':' => "\\3a",
        ';' => "\\3b",
        '<' => "\\3c",
        '>' => "\\3e",
        '\\' => "\\\\",
        '{' => "\\7b",
        '}' => "\\7d",
        _ => return None,
    })
}

/// Go's `cssEscaper`.
pub(crate) fn css_escaper(args: &[Value]) -> String {
    let (s, _) = stringify(args);
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match css_replacement(c) {
            None => out.push(c),
            Some(repl) => {
                out.push_str(repl);
                let next = i + c.len_utf8();
                if repl != "\\\\"
                    && (next == bytes.len()
                        || hex_value(bytes[next]).is_some()
                        || is_css_space(bytes[next]))
                {
                    out.push(' ');
                }
            }
        }
    }
    out
}

/// Go's `cssValueFilter` (with the angle-bracket fix of later releases).
pub(crate) fn css_value_filter(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if kind == Some(SafeKind::Css) {
        return s;
    }
    let b = decode_css(s.as_bytes());
    let mut id: Vec<u8> = Vec::with_capacity(64);
    for (i, &c) in b.iter().enumerate() {
        match c {
            // `<` and `>` are rejected as in Go 1.19.9+/1.20.4+
            // (CVE-2023-24539); Go 1.19.8 let them through.
            0 | b'"' | b'\'' | b'(' | b')' | b'/' | b';' | b'@' | b'[' | b'\\' | b']' | b'`'
            | b'{' | b'}' | b'<' | b'>' => return FILTER_FAILSAFE.to_string(),
            b'-' => {
                if i != 0 && b[i - 1] == b'-' {
                    return FILTER_FAILSAFE.to_string();
                }
            }
            _ => {
                if c < 0x80 && is_css_nmchar(char::from(c)) {
                    id.push(c);
                }
            }
        }
    }
    let id = String::from_utf8_lossy(&id).to_lowercase();
    if id.contains("expression") || id.contains("mozbinding") {
        return FILTER_FAILSAFE.to_string();
    }
    String::from_utf8_lossy(&b).into_owned()
}
