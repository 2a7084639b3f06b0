//! Go's `strconv.Quote` and the double-quoted half of `strconv.Unquote`.
//!
//! Quoting is used wherever Alertmanager prints a quoted string (label set
//! strings, matcher strings with reserved characters, error messages);
//! unquoting is what the UTF-8 matcher syntax applies to `"..."` tokens.
//! Both follow Go byte for byte: the escapes `\a \b \f \n \r \t \v \\ \"`,
//! `\xNN` for other ASCII control characters, `\uXXXX` / `\UXXXXXXXX` for
//! non-printable runes, and printable non-ASCII runes kept as they are.

use std::fmt;

use crate::gounicode;

/// Quote `s` exactly as Go's `strconv.Quote` does.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_go_quote(&mut out, s);
    out
}

/// Write `s` quoted as Go's `strconv.Quote` into `out`, without allocating.
pub fn write_go_quote<W: fmt::Write>(out: &mut W, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let mut plain_start = 0;
    for (i, c) in s.char_indices() {
        let plain = c != '"' && c != '\\' && gounicode::is_print(c);
        if plain {
            continue;
        }
        out.write_str(&s[plain_start..i])?;
        plain_start = i + c.len_utf8();
        write_escaped_rune(out, c)?;
    }
    out.write_str(&s[plain_start..])?;
    out.write_char('"')
}

fn write_escaped_rune<W: fmt::Write>(out: &mut W, c: char) -> fmt::Result {
    match c {
        '"' => out.write_str("\\\""),
        '\\' => out.write_str("\\\\"),
        '\u{7}' => out.write_str("\\a"),
        '\u{8}' => out.write_str("\\b"),
        '\u{c}' => out.write_str("\\f"),
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        '\u{b}' => out.write_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => write!(out, "\\x{:02x}", c as u32),
        c if (c as u32) < 0x10000 => write!(out, "\\u{:04x}", c as u32),
        c => write!(out, "\\U{:08x}", c as u32),
    }
}

/// Why a quoted string could not be unquoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnquoteError {
    /// Go's `strconv.ErrSyntax`.
    #[error("invalid syntax")]
    Syntax,
    /// The escapes produced bytes that are not valid UTF-8 (for example a
    /// lone `\xff`); Go would return such a string, Rust strings cannot hold it.
    #[error("quoted string contains invalid UTF-8 code points")]
    InvalidUtf8,
}

/// Go's `strconv.Unquote` for a double-quoted string literal (`"..."`,
/// quotes included). Raw newlines and unescaped `"` are rejected; `\xNN` and
/// octal escapes produce raw bytes, which must form valid UTF-8 overall.
pub fn go_unquote(quoted: &str) -> Result<String, UnquoteError> {
    let body = quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or(UnquoteError::Syntax)?;
    let bytes = body.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\n' => return Err(UnquoteError::Syntax),
            b'\\' => i = unescape(bytes, i + 1, &mut out)?,
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| UnquoteError::InvalidUtf8)
}

/// Decodes the escape whose letter is at `bytes[at]`, appending its value
/// to `out`; returns the index after the escape.
fn unescape(bytes: &[u8], at: usize, out: &mut Vec<u8>) -> Result<usize, UnquoteError> {
    let letter = *bytes.get(at).ok_or(UnquoteError::Syntax)?;
    let simple = match letter {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' => Some(b'\\'),
        b'"' => Some(b'"'),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return Ok(at + 1);
    }
    match letter {
        b'x' | b'u' | b'U' => {
            let digits = match letter {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = bytes
                .get(at + 1..at + 1 + digits)
                .ok_or(UnquoteError::Syntax)?;
            let mut value: u32 = 0;
            for &h in hex {
                let d = char::from(h).to_digit(16).ok_or(UnquoteError::Syntax)?;
                value = (value << 4) | d;
            }
            if letter == b'x' {
                // A single byte, possibly not UTF-8 on its own.
                out.push(value as u8);
            } else {
                let c = char::from_u32(value).ok_or(UnquoteError::Syntax)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Ok(at + 1 + digits)
        }
        b'0'..=b'7' => {
            let octal = bytes.get(at..at + 3).ok_or(UnquoteError::Syntax)?;
            let mut value: u32 = 0;
            for &o in octal {
                if !(b'0'..=b'7').contains(&o) {
                    return Err(UnquoteError::Syntax);
                }
                value = (value << 3) | u32::from(o - b'0');
            }
            let byte = u8::try_from(value).map_err(|_| UnquoteError::Syntax)?;
            out.push(byte);
            Ok(at + 3)
        }
        _ => Err(UnquoteError::Syntax),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values produced by running Go 1.19's `strconv.Quote` on the
    /// same inputs (the larger table and the live re-check are in
    /// `tests/go_differential.rs`).
    #[test]
    fn quote_matches_go() {
        let cases: &[(&str, &str)] = &[
            ("", r#""""#),
            ("plain", r#""plain""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\u{7}\u{8}\u{c}\n\r\t\u{b}", r#""\a\b\f\n\r\t\v""#),
            ("\u{0}\u{1}\u{1b}\u{1f}\u{7f}", r#""\x00\x01\x1b\x1f\x7f""#),
            ("\u{80}\u{9f}\u{a0}\u{ad}", r#""\u0080\u009f\u00a0\u00ad""#),
            ("é🙂Σ日本", "\"é🙂Σ日本\""),
            ("\u{2028}\u{feff}\u{e000}", r#""\u2028\ufeff\ue000""#),
            (
                "\u{10ffff}\u{e0001}\u{1f642}",
                "\"\\U0010ffff\\U000e0001🙂\"",
            ),
            ("'`{}", r#""'`{}""#),
        ];
        for (input, want) in cases {
            assert_eq!(&go_quote(input), want, "quoting {input:?}");
        }
    }

    #[test]
    fn unquote_follows_go() {
        assert_eq!(go_unquote(r#""bar""#).as_deref(), Ok("bar"));
        assert_eq!(go_unquote(r#""\xf0\x9f\x99\x82""#).as_deref(), Ok("🙂"));
        assert_eq!(
            go_unquote(r#""\U0001f642\u00e9\101\a""#).as_deref(),
            Ok("🙂éA\u{7}")
        );
        assert_eq!(go_unquote("\"tab\there\r\""), Ok("tab\there\r".to_owned()));
        assert_eq!(go_unquote(r#""\xf0\x9f""#), Err(UnquoteError::InvalidUtf8));
        for bad in [
            r#""\d+""#,
            r#""\'""#,
            "\"a\nb\"",
            r#""a"b""#,
            r#""\400""#,
            r#""\12""#,
            r#""\x4""#,
            r#""\ud800""#,
            r#""\U00110000""#,
            r#""\""#,
            r#"""#,
            "bare",
            "'x'",
        ] {
            assert_eq!(go_unquote(bad), Err(UnquoteError::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn quote_then_unquote_round_trips() {
        for s in [
            "",
            "a\"\\b",
            "\u{0}\u{7f}\u{80}",
            "🙂\u{2028}\n",
            "\u{10ffff}",
        ] {
            assert_eq!(go_unquote(&go_quote(s)).as_deref(), Ok(s));
        }
    }
}
