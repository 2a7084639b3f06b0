//! Go string and rune literals: quoting (`strconv.Quote`, `QuoteToASCII`,
//! `QuoteRune`, `QuoteRuneToASCII`, `CanBackquote`, `fmt`'s `%#U`) and
//! unquoting (`strconv.Unquote`, `UnquoteChar`) with Go's escape rules.

use crate::unicode::is_print;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, value: u32, digits: u32) {
    for shift in (0..digits).rev() {
        let nibble = (value >> (shift * 4)) & 0xF;
        out.push(char::from(LOWER_HEX[nibble as usize]));
    }
}

fn push_escaped_rune(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let code = u32::from(r);
            if code < 0x20 || code == 0x7f {
                out.push_str("\\x");
                push_hex(out, code, 2);
            } else if code < 0x10000 {
                out.push_str("\\u");
                push_hex(out, code, 4);
            } else {
                out.push_str("\\U");
                push_hex(out, code, 8);
            }
        }
    }
}

/// `strconv.Quote`.
pub(crate) fn quote_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_quote(&mut out, s, false);
    out
}

/// `strconv.Quote` (or `QuoteToASCII` when `ascii_only`), appended to `out`.
pub(crate) fn append_quote(out: &mut String, s: &str, ascii_only: bool) {
    out.push('"');
    for c in s.chars() {
        push_escaped_rune(out, c, '"', ascii_only);
    }
    out.push('"');
}

/// `strconv.QuoteRune` (or `QuoteRuneToASCII`), appended to `out`.
pub(crate) fn append_quote_rune(out: &mut String, r: char, ascii_only: bool) {
    out.push('\'');
    push_escaped_rune(out, r, '\'', ascii_only);
    out.push('\'');
}

/// `strconv.CanBackquote`.
pub(crate) fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            return c != '\u{feff}';
        }
        !((c < ' ' && c != '\t') || c == '`' || c == '\u{7f}')
    })
}

/// `fmt.Sprintf("%#U", r)`: `U+0041 'A'` (the quoted form only when
/// printable).
pub(crate) fn quote_rune_prefix_u(r: char) -> String {
    let mut out = format!("U+{:04X}", u32::from(r));
    if is_print(r) {
        out.push_str(" '");
        out.push(r);
        out.push('\'');
    }
    out
}

/// Why an unquote failed; Go reports every case as `invalid syntax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyntaxError;

/// One character of a quoted literal, as `strconv.UnquoteChar` decodes it:
/// the value and whether it is a byte (`\x`, octal escapes) rather than a
/// code point.
pub(crate) struct UnquotedChar {
    pub value: u32,
    pub is_byte: bool,
}

fn unhex(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// `strconv.UnquoteChar`: decodes the first character or escape of `s`
/// and returns it with the remaining text.
pub(crate) fn unquote_char(s: &str, quote: u8) -> Result<(UnquotedChar, &str), SyntaxError> {
    let bytes = s.as_bytes();
    let Some(&c) = bytes.first() else {
        return Err(SyntaxError);
    };
    if c == quote && (quote == b'\'' || quote == b'"') {
        return Err(SyntaxError);
    }
    if c >= 0x80 {
        let ch = s.chars().next().ok_or(SyntaxError)?;
        let rest = s.get(ch.len_utf8()..).ok_or(SyntaxError)?;
        return Ok((
            UnquotedChar {
                value: u32::from(ch),
                is_byte: false,
            },
            rest,
        ));
    }
    if c != b'\\' {
        return Ok((
            UnquotedChar {
                value: u32::from(c),
                is_byte: false,
            },
            s.get(1..).ok_or(SyntaxError)?,
        ));
    }
    let &escape = bytes.get(1).ok_or(SyntaxError)?;
    let rest = s.get(2..).ok_or(SyntaxError)?;
    let simple = |value: char| {
        Ok((
            UnquotedChar {
                value: u32::from(value),
                is_byte: false,
            },
            rest,
        ))
    };
    match escape {
        b'a' => simple('\u{7}'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'v' => simple('\u{b}'),
        b'\\' => simple('\\'),
        b'\'' | b'"' => {
            if escape != quote {
                return Err(SyntaxError);
            }
            simple(char::from(escape))
        }
        b'x' | b'u' | b'U' => {
            let n = match escape {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.as_bytes().get(..n).ok_or(SyntaxError)?;
            let mut value: u32 = 0;
            for &d in digits {
                value = (value << 4) | unhex(d).ok_or(SyntaxError)?;
            }
            let tail = rest.get(n..).ok_or(SyntaxError)?;
            if escape == b'x' {
                return Ok((
                    UnquotedChar {
                        value,
                        is_byte: true,
                    },
                    tail,
                ));
            }
            if char::from_u32(value).is_none() {
                return Err(SyntaxError);
            }
            Ok((
                UnquotedChar {
                    value,
                    is_byte: false,
                },
                tail,
            ))
        }
        b'0'..=b'7' => {
            let mut value = u32::from(escape - b'0');
            let digits = rest.as_bytes().get(..2).ok_or(SyntaxError)?;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(SyntaxError);
                }
                value = (value << 3) | u32::from(d - b'0');
            }
            if value > 255 {
                return Err(SyntaxError);
            }
            Ok((
                UnquotedChar {
                    value,
                    is_byte: true,
                },
                rest.get(2..).ok_or(SyntaxError)?,
            ))
        }
        _ => Err(SyntaxError),
    }
}

/// `strconv.Unquote` for `"..."`, `` `...` `` and `'...'` literals. Go
/// strings may hold arbitrary bytes; ours are UTF-8, so byte escapes that do
/// not form valid UTF-8 are replaced by U+FFFD.
pub(crate) fn unquote(s: &str) -> Result<String, SyntaxError> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err(SyntaxError);
    }
    let quote = bytes[0];
    if bytes[bytes.len() - 1] != quote {
        return Err(SyntaxError);
    }
    let body = s.get(1..s.len() - 1).ok_or(SyntaxError)?;
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err(SyntaxError);
            }
            Ok(body.replace('\r', ""))
        }
        b'"' | b'\'' => {
            let mut out: Vec<u8> = Vec::with_capacity(body.len());
            let mut rest = body;
            let mut count = 0;
            while !rest.is_empty() {
                if rest.starts_with('\n') {
                    return Err(SyntaxError);
                }
                let (ch, tail) = unquote_char(rest, quote)?;
                rest = tail;
                count += 1;
                if ch.is_byte {
                    out.push(u8::try_from(ch.value).map_err(|_| SyntaxError)?);
                } else {
                    let c = char::from_u32(ch.value).ok_or(SyntaxError)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
            if quote == b'\'' && count != 1 {
                return Err(SyntaxError);
            }
            Ok(match String::from_utf8(out) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })
        }
        _ => Err(SyntaxError),
    }
}
