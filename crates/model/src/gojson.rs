//! Strings and string maps written as Go's `encoding/json` writes them,
//! shared by the API's responses and the integrations' request bodies.
//!
//! Escaping follows current Go (1.22 and later): `\"`, `\\`, `\b`, `\f`,
//! `\n`, `\r`, `\t`, `\u00XX` for the other control bytes, `\u2028` and
//! `\u2029`, and with HTML escaping (the default of `json.Marshal`) `<`,
//! `>` and `&` as `\u003c`, `\u003e`, `\u0026`. Go 1.19–1.21 (which built
//! Alertmanager 0.25) wrote `\b` and `\f` as `\u0008` and `\u000c`. Rust
//! strings are valid UTF-8, so Go's `\ufffd` substitution never applies.

use std::fmt::Write as _;

/// Where JSON text is appended: a `String` or a byte buffer.
pub trait JsonOut {
    fn push_json(&mut self, text: &str);
}

impl JsonOut for String {
    fn push_json(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl JsonOut for Vec<u8> {
    fn push_json(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
}

/// Appends `s` as a quoted JSON string.
pub fn write_string(out: &mut impl JsonOut, s: &str, escape_html: bool) {
    out.push_json("\"");
    if !may_need_escaping(s.as_bytes(), escape_html) {
        out.push_json(s);
        out.push_json("\"");
        return;
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '<' if escape_html => Some("\\u003c"),
            '>' if escape_html => Some("\\u003e"),
            '&' if escape_html => Some("\\u0026"),
            _ => None,
        };
        let needs_hex = c < ' ' || c == '\u{2028}' || c == '\u{2029}';
        if escape.is_none() && !needs_hex {
            continue;
        }
        out.push_json(s.get(start..i).unwrap_or_default());
        match escape {
            Some(e) => out.push_json(e),
            None => {
                let mut hex = String::with_capacity(6);
                let _ = write!(hex, "\\u{:04x}", u32::from(c));
                out.push_json(&hex);
            }
        }
        start = i + c.len_utf8();
    }
    out.push_json(s.get(start..).unwrap_or_default());
    out.push_json("\"");
}

/// Whether `bytes` hold anything [`write_string`] escapes: `"`, `\\`,
/// control bytes, `<` `>` `&` when HTML-escaping, or the lead byte 0xE2 of
/// U+2028/U+2029 (other characters starting with it are checked by the
/// slow path, which leaves them alone).
fn may_need_escaping(bytes: &[u8], escape_html: bool) -> bool {
    bytes.iter().any(|&b| match b {
        b'"' | b'\\' | 0xE2 => true,
        b'<' | b'>' | b'&' => escape_html,
        b => b < 0x20,
    })
}

/// Appends a JSON object of string values; `pairs` must come with keys in
/// byte order, the order Go writes map keys in (a label set's order).
pub fn write_string_map<'a>(
    out: &mut impl JsonOut,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    escape_html: bool,
) {
    out.push_json("{");
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push_json(",");
        }
        write_string(out, k, escape_html);
        out.push_json(":");
        write_string(out, v, escape_html);
    }
    out.push_json("}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(s: &str, escape_html: bool) -> String {
        let mut out = String::new();
        write_string(&mut out, s, escape_html);
        let mut bytes = Vec::new();
        write_string(&mut bytes, s, escape_html);
        assert_eq!(bytes, out.as_bytes(), "both sinks write the same");
        out
    }

    #[test]
    fn escapes_as_go() {
        // Go 1.22+'s encoder: json.Marshal (HTML on) and an Encoder with
        // SetEscapeHTML(false).
        assert_eq!(quoted("plain é 🙂", true), "\"plain é 🙂\"");
        assert_eq!(
            quoted("a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i\u{1f}j", true),
            r#""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj""#
        );
        assert_eq!(quoted("<a&b>", true), r#""\u003ca\u0026b\u003e""#);
        assert_eq!(quoted("<a&b>", false), r#""<a&b>""#);
        assert_eq!(quoted("x\u{2028}y\u{2029}z", false), r#""x\u2028y\u2029z""#);
        assert_eq!(quoted("\u{2027}\u{2030}", false), "\"\u{2027}\u{2030}\"");
        assert_eq!(quoted("\u{7f}", true), "\"\u{7f}\"");
    }

    #[test]
    fn maps_are_objects_in_the_given_order() {
        let mut out = String::new();
        write_string_map(&mut out, [("a", "1"), ("b<", "\"")], true);
        assert_eq!(out, r#"{"a":"1","b\u003c":"\""}"#);
        let mut empty = Vec::new();
        write_string_map(&mut empty, [], false);
        assert_eq!(empty, b"{}");
    }
}
