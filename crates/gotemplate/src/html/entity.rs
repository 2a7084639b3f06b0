//! HTML character-reference decoding (`html.UnescapeString`), used by the
//! escaper to see attribute values as the browser will: numeric references
//! exactly as Go decodes them, and the named references that produce ASCII
//! punctuation or white space (the only ones that can change an escaping
//! context) plus `&nbsp;`. Other named references are left as written.

/// Windows-1252 replacements for numeric references 0x80–0x9F.
const WINDOWS_1252: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Longest named reference that may appear without a trailing `;`.
const LONGEST_WITHOUT_SEMICOLON: usize = 6;

fn named(name: &[u8]) -> Option<char> {
    Some(match name {
        b"Tab;" => '\t',
        b"NewLine;" => '\n',
        b"excl;" => '!',
        b"quot;" | b"QUOT;" | b"quot" | b"QUOT" => '"',
        b"num;" => '#',
        b"dollar;" => '$',
        b"percnt;" => '%',
        b"amp;" | b"AMP;" | b"amp" | b"AMP" => '&',
        b"apos;" => '\'',
        b"lpar;" => '(',
        b"rpar;" => ')',
        b"ast;" | b"midast;" => '*',
        b"plus;" => '+',
        b"comma;" => ',',
        b"period;" => '.',
        b"sol;" => '/',
        b"colon;" => ':',
        b"semi;" => ';',
        b"lt;" | b"LT;" | b"lt" | b"LT" => '<',
        b"equals;" => '=',
        b"gt;" | b"GT;" | b"gt" | b"GT" => '>',
        b"quest;" => '?',
        b"commat;" => '@',
        b"lsqb;" | b"lbrack;" => '[',
        b"bsol;" => '\\',
        b"rsqb;" | b"rbrack;" => ']',
        b"Hat;" => '^',
        b"lowbar;" | b"UnderBar;" => '_',
        b"grave;" | b"DiacriticalGrave;" => '`',
        b"lcub;" | b"lbrace;" => '{',
        b"verbar;" | b"vert;" | b"VerticalLine;" => '|',
        b"rcub;" | b"rbrace;" => '}',
        b"nbsp;" | b"nbsp" | b"NonBreakingSpace;" => '\u{a0}',
        _ => return None,
    })
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Decodes the reference at the start of `s` (which begins with `&`),
/// appending the result; returns the number of input bytes consumed.
fn unescape_entity(s: &[u8], out: &mut Vec<u8>) -> usize {
    if s.len() <= 1 {
        out.push(s[0]);
        return 1;
    }
    let mut i = 1;
    if s[i] == b'#' {
        if s.len() <= 3 {
            out.push(s[0]);
            return 1;
        }
        i += 1;
        let hex = matches!(s[i], b'x' | b'X');
        if hex {
            i += 1;
        }
        let mut x: u32 = 0;
        while i < s.len() {
            let c = s[i];
            i += 1;
            let digit = if hex {
                char::from(c).to_digit(16)
            } else {
                char::from(c).to_digit(10)
            };
            if let Some(d) = digit {
                x = x
                    .saturating_mul(if hex { 16 } else { 10 })
                    .saturating_add(d);
                continue;
            }
            if c != b';' {
                i -= 1;
            }
            break;
        }
        if i <= 3 {
            out.push(s[0]);
            return 1;
        }
        let c = if (0x80..=0x9f).contains(&x) {
            WINDOWS_1252[(x - 0x80) as usize]
        } else {
            char::from_u32(x).filter(|_| x != 0).unwrap_or('\u{FFFD}')
        };
        push_char(out, c);
        return i;
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_alphanumeric() {
            continue;
        }
        if c != b';' {
            i -= 1;
        }
        break;
    }
    let name = &s[1..i];
    if !name.is_empty() {
        if let Some(c) = named(name) {
            push_char(out, c);
            return i;
        }
        let max_len = (name.len() - 1).min(LONGEST_WITHOUT_SEMICOLON);
        for j in (2..=max_len).rev() {
            if let Some(c) = named(&name[..j]) {
                push_char(out, c);
                return j + 1;
            }
        }
    }
    out.extend_from_slice(&s[..i]);
    i
}

/// `html.UnescapeString` over bytes.
pub(crate) fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i..].iter().position(|&b| b == b'&') {
            None => {
                out.extend_from_slice(&s[i..]);
                break;
            }
            Some(k) => {
                out.extend_from_slice(&s[i..i + k]);
                i += k;
                i += unescape_entity(&s[i..], &mut out);
            }
        }
    }
    out
}
