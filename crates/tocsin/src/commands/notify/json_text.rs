//! JSON as text, without reordering anything: [`indent`] (Go's
//! `json.Indent`, for `notify render --pretty` and `inspect`) and
//! [`compact`] (one line, for `inspect --save`). Both work on the bytes,
//! so field order and number spelling stay exactly as sent; both refuse
//! input that is not one valid JSON document.

use serde::de::IgnoredAny;

/// Whether `bytes` hold exactly one JSON value (surrounding whitespace allowed).
pub fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

/// `bytes` re-indented with two spaces per level, or `None` if they are
/// not JSON. Empty objects and arrays stay `{}` and `[]`.
pub fn indent(bytes: &[u8]) -> Option<String> {
    if !is_json(bytes) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    // An opening bracket whose newline is postponed until we know the
    // container is not empty.
    let mut pending_open = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        if pending_open {
            pending_open = false;
            if c == '}' || c == ']' {
                depth -= 1;
                out.push(c);
                continue;
            }
            newline(&mut out, depth);
        }
        match c {
            '{' | '[' => {
                out.push(c);
                depth += 1;
                pending_open = true;
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            '"' => {
                in_string = true;
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `bytes` on one line (whitespace outside strings removed), or `None` if
/// they are not JSON.
pub fn compact(bytes: &[u8]) -> Option<Vec<u8>> {
    if !is_json(bytes) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !b.is_ascii_whitespace() {
            out.push(b);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_keeps_order_and_matches_go_json_indent() {
        // Expected text produced with Go 1.19: json.Indent(&buf, in, "", "  ").
        let input = br#"{"z":1,"a":[1,{"b":"x,y:{}"}],"e":{},"f":[],"s":"q\"}"}"#;
        let want = "{\n  \"z\": 1,\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,y:{}\"\n    }\n  ],\n  \"e\": {},\n  \"f\": [],\n  \"s\": \"q\\\"}\"\n}";
        assert_eq!(indent(input).as_deref(), Some(want));
    }

    #[test]
    fn indent_and_compact_refuse_non_json() {
        assert_eq!(indent(b"{\"a\":"), None);
        assert_eq!(compact(b"not json"), None);
        assert_eq!(compact(b"{} {}"), None);
    }

    #[test]
    fn compact_puts_a_document_on_one_line_without_touching_strings() {
        let input = b"{\n  \"a b\": \"x  y\\n\",\n  \"c\": [ 1, 2 ]\n}\n";
        assert_eq!(
            compact(input).as_deref(),
            Some(&br#"{"a b":"x  y\n","c":[1,2]}"#[..])
        );
    }
}
