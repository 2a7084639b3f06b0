//! JavaScript support for html/template: deciding whether a `/` starts a
//! regexp or a division, recognising JS MIME types, and the JS escapers
//! (`jsValEscaper` with Go's `encoding/json` output, `jsStrEscaper`,
//! `jsRegexpEscaper`).

use crate::gofmt;
use crate::html::context::JsCtx;
use crate::html::escapers::stringify;
use crate::object::Repr;
use crate::strconv::ftoa::append_float;
use crate::value::{SafeKind, Value};

fn is_js_ident_part(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphanumeric()
}

fn is_regexp_preceder_keyword(word: &str) -> bool {
    matches!(
        word,
        "break"
            | "case"
            | "continue"
            | "delete"
            | "do"
            | "else"
            | "finally"
            | "in"
            | "instanceof"
            | "return"
            | "throw"
            | "try"
            | "typeof"
            | "void"
    )
}

/// Go's `nextJSCtx`: after JS text `s`, would a `/` start a regexp?
pub(crate) fn next_js_ctx(s: &[u8], preceding: JsCtx) -> JsCtx {
    let text = String::from_utf8_lossy(s);
    let trimmed = text.trim_end_matches(['\t', '\n', '\x0c', '\r', ' ', '\u{2028}', '\u{2029}']);
    let b = trimmed.as_bytes();
    let Some(&c) = b.last() else {
        return preceding;
    };
    let n = b.len();
    match c {
        b'+' | b'-' => {
            let mut start = n - 1;
            while start > 0 && b[start - 1] == c {
                start -= 1;
            }
            if (n - start) & 1 == 1 {
                JsCtx::Regexp
            } else {
                JsCtx::DivOp
            }
        }
        b'.' => {
            if n != 1 && b[n - 2].is_ascii_digit() {
                JsCtx::DivOp
            } else {
                JsCtx::Regexp
            }
        }
        b',' | b'<' | b'>' | b'=' | b'*' | b'%' | b'&' | b'|' | b'^' | b'?' | b'!' | b'~'
        | b'(' | b'[' | b':' | b';' | b'{' | b'}' => JsCtx::Regexp,
        _ => {
            let mut j = n;
            while j > 0 && is_js_ident_part(char::from(b[j - 1])) {
                j -= 1;
            }
            if is_regexp_preceder_keyword(&trimmed[j..]) {
                JsCtx::Regexp
            } else {
                JsCtx::DivOp
            }
        }
    }
}

/// Go's `isJSType`: whether a `<script type>` value is JavaScript.
pub(crate) fn is_js_type(mime_type: &str) -> bool {
    let mime = mime_type.split(';').next().unwrap_or("");
    let mime = mime.to_lowercase();
    matches!(
        mime.trim(),
        "application/ecmascript"
            | "application/javascript"
            | "application/json"
            | "application/ld+json"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "module"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

/// `encoding/json`'s string encoding (with its default HTML escaping).
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `encoding/json`'s float encoding.
fn json_float(out: &mut String, f: f64) -> Result<(), String> {
    if f.is_nan() || f.is_infinite() {
        let text = gofmt::sprintf("%v", &[Value::Float(f)]);
        return Err(format!("json: unsupported value: {text}"));
    }
    let abs = f.abs();
    let exponent_form = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let mut s = String::new();
    append_float(&mut s, f, if exponent_form { 'e' } else { 'f' }, -1);
    if exponent_form {
        // Clean up e-09 to e-9.
        let bytes = s.as_bytes();
        let n = bytes.len();
        if n >= 4 && bytes[n - 4] == b'e' && bytes[n - 3] == b'-' && bytes[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    out.push_str(&s);
    Ok(())
}

/// `json.Marshal` of a value.
fn json_value(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => json_float(out, *f)?,
        Value::String(s) | Value::Safe(_, s) => json_string(out, s),
        Value::List(list) => {
            out.push('[');
            for (i, item) in list.items().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_value(out, item)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (key, item)) in map.entries().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(out, key);
                out.push(':');
                json_value(out, item)?;
            }
            out.push('}');
        }
        Value::Func(_) => return Err("json: unsupported type: func".to_string()),
        Value::Object(object) => match object.repr() {
            Repr::Value(inner) => json_value(out, &inner)?,
            _ => {
                return Err(format!("json: unsupported type: {}", object.type_name()));
            }
        },
    }
    Ok(())
}

/// Go's `jsValEscaper`: the value as a JS expression (JSON), padded with
/// spaces when it could merge with neighbouring identifiers.
pub(crate) fn js_val_escaper(args: &[Value]) -> String {
    let subject = match args {
        [Value::Safe(SafeKind::Js, s)] => return s.to_string(),
        [Value::Safe(SafeKind::JsStr, s)] => return format!("\"{s}\""),
        [Value::Object(object)] => match object.repr() {
            Repr::Stringer(text) => Value::from(text),
            _ => args[0].clone(),
        },
        [single] => single.clone(),
        _ => Value::from(gofmt::sprint(args)),
    };
    let mut json = String::new();
    if let Err(message) = json_value(&mut json, &subject) {
        return format!(" /* {} */null ", message.replace("*/", "* /"));
    }
    if json.is_empty() {
        return " null ".to_string();
    }
    let first = json.chars().next().unwrap_or(' ');
    let last = json.chars().next_back().unwrap_or(' ');
    if is_js_ident_part(first) || is_js_ident_part(last) {
        return format!(" {json} ");
    }
    json
}

fn low_unicode_replacement(c: char) -> Option<String> {
    let code = u32::from(c);
    if code >= 0x20 {
        return None;
    }
    Some(match c {
        '\t' => "\\t".to_string(),
        '\n' => "\\n".to_string(),
        '\x0c' => "\\f".to_string(),
        '\r' => "\\r".to_string(),
        '\x0b' => "\\u000b".to_string(),
        _ => format!("\\u{code:04x}"),
    })
}

fn js_str_replacement(c: char, normalize: bool) -> Option<&'static str> {
    Some(match c {
        '"' => "\\u0022",
        '`' => "\\u0060",
        '&' => "\\u0026",
        '\'' => "\\u0027",
        '+' => "\\u002b",
        '/' => "\\/",
        '<' => "\\u003c",
        '>' => "\\u003e",
        '\\' if !normalize => "\\\\",
        _ => return None,
    })
}

fn js_regexp_replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '"' => "\\u0022",
        '$' => "\\$",
        '&' => "\\u0026",
        '\'' => "\\u0027",
        '(' => "\\(",
        ')' => "\\)",
        '*' => "\\*",
        '+' => "\\u002b",
        '-' => "\\-",
        '.' => "\\.",
        '/' => "\\/",
        '<' => "\\u003c",
        '>' => "\\u003e",
        '?' => "\\?",
        '[' => "\\[",
        '\\' => "\\\\",
        ']' => "\\]",
        '^' => "\\^",
        '{' => "\\{",
        '|' => "\\|",
        '}' => "\\}",
        _ => return None,
    })
}

fn replace(s: &str, table: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(repl) = low_unicode_replacement(c) {
            out.push_str(&repl);
        } else if let Some(repl) = table(c) {
            out.push_str(repl);
        } else if c == '\u{2028}' {
            out.push_str("\\u2028");
        } else if c == '\u{2029}' {
            out.push_str("\\u2029");
        } else {
            out.push(c);
        }
    }
    out
}

/// Go's `jsStrEscaper`.
pub(crate) fn js_str_escaper(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    let normalize = kind == Some(SafeKind::JsStr);
    replace(&s, |c| js_str_replacement(c, normalize))
}

/// Go's `jsRegexpEscaper`.
pub(crate) fn js_regexp_escaper(args: &[Value]) -> String {
    let (s, _) = stringify(args);
    let escaped = replace(&s, js_regexp_replacement);
    if escaped.is_empty() {
        "(?:)".to_string()
    } else {
        escaped
    }
}
