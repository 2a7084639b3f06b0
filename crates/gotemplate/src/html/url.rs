//! URL handling for html/template: the scheme filter that turns unsafe
//! URLs into `#ZgotmplZ`, percent-encoding for URL parts (`urlEscaper`,
//! `urlNormalizer`) and the `srcset` filter-and-escaper.

use crate::html::escapers::{FILTER_FAILSAFE, stringify};
use crate::value::{SafeKind, Value};

/// Go's `isSafeURL`: no scheme, or http, https or mailto.
pub(crate) fn is_safe_url(s: &str) -> bool {
    if let Some((protocol, _)) = s.split_once(':')
        && !protocol.contains('/')
        && !protocol.eq_ignore_ascii_case("http")
        && !protocol.eq_ignore_ascii_case("https")
        && !protocol.eq_ignore_ascii_case("mailto")
    {
        return false;
    }
    true
}

/// Go's `urlFilter`.
pub(crate) fn url_filter(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if kind == Some(SafeKind::Url) {
        return s;
    }
    if !is_safe_url(&s) {
        return format!("#{FILTER_FAILSAFE}");
    }
    s
}

/// Go's `processURLOnto`: percent-encodes what a URL (part) cannot
/// contain; with `norm`, keeps reserved characters and valid escapes.
/// Returns whether anything changed.
pub(crate) fn process_url_onto(s: &str, norm: bool, out: &mut String) -> bool {
    let bytes = s.as_bytes();
    let mut written = 0;
    let mut changed = false;
    for (i, &c) in bytes.iter().enumerate() {
        let keep = match c {
            b'!' | b'#' | b'$' | b'&' | b'*' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?'
            | b'@' | b'[' | b']' => norm,
            b'-' | b'.' | b'_' | b'~' => true,
            b'%' => {
                norm && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                    && i + 2 < bytes.len()
            }
            _ => c.is_ascii_alphanumeric(),
        };
        if keep {
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&bytes[written..i]));
        out.push_str(&format!("%{c:02x}"));
        written = i + 1;
        changed = true;
    }
    out.push_str(&String::from_utf8_lossy(&bytes[written..]));
    changed
}

fn url_processor(norm: bool, args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    let norm = norm || kind == Some(SafeKind::Url);
    let mut out = String::with_capacity(s.len() + 16);
    if process_url_onto(&s, norm, &mut out) {
        out
    } else {
        s
    }
}

/// Go's `urlEscaper`.
pub(crate) fn url_escaper(args: &[Value]) -> String {
    url_processor(false, args)
}

/// Go's `urlNormalizer`.
pub(crate) fn url_normalizer(args: &[Value]) -> String {
    url_processor(true, args)
}

fn is_html_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_html_space_or_ascii_alnum(c: u8) -> bool {
    is_html_space(c) || c.is_ascii_alphanumeric()
}

fn filter_srcset_element(s: &str, left: usize, right: usize, out: &mut String) {
    let bytes = s.as_bytes();
    let mut start = left;
    while start < right && is_html_space(bytes[start]) {
        start += 1;
    }
    let mut end = right;
    for (i, &b) in bytes.iter().enumerate().take(right).skip(start) {
        if is_html_space(b) {
            end = i;
            break;
        }
    }
    let url = &s[start..end];
    if is_safe_url(url)
        && bytes[end..right]
            .iter()
            .all(|&b| is_html_space_or_ascii_alnum(b))
    {
        out.push_str(&s[left..start]);
        process_url_onto(url, true, out);
        out.push_str(&s[end..right]);
        return;
    }
    out.push('#');
    out.push_str(FILTER_FAILSAFE);
}

/// Go's `srcsetFilterAndEscaper`.
pub(crate) fn srcset_escaper(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    match kind {
        Some(SafeKind::Srcset) => return s,
        Some(SafeKind::Url) => {
            let mut out = String::new();
            let normalized = if process_url_onto(&s, true, &mut out) {
                out
            } else {
                s
            };
            return normalized.replace(',', "%2c");
        }
        _ => {}
    }
    let mut out = String::new();
    let mut written = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b',' {
            filter_srcset_element(&s, written, i, &mut out);
            out.push(',');
            written = i + 1;
        }
    }
    filter_srcset_element(&s, written, s.len(), &mut out);
    out
}
