//! The context transitions of html/template: given a context and a run of
//! template text, how far the text can be consumed in that context and
//! which context follows (entering tags, attributes, comments, script and
//! style bodies, JS strings and regexps, CSS strings and URLs, ...).

use crate::error::EscapeErrorCode;
use crate::html::attr::{ContentType, attr_type};
use crate::html::context::{Attr, Context, Delim, Element, ErrorInfo, JsCtx, State, UrlPart};
use crate::html::css::{decode_css, ends_with_css_keyword};
use crate::html::js::next_js_ctx;
use crate::strconv::quote::quote_str;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_any(haystack: &[u8], set: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| set.contains(b))
}

/// Go's `%q` of a byte string, optionally truncated to `max_runes` first
/// (`%.32q`).
pub(crate) fn quote_bytes(b: &[u8], max_runes: Option<usize>) -> String {
    let s = String::from_utf8_lossy(b);
    match max_runes {
        Some(n) => quote_str(&s.chars().take(n).collect::<String>()),
        None => quote_str(&s),
    }
}

fn error_context(code: EscapeErrorCode, description: String) -> Context {
    Context::error(ErrorInfo::new(code, None, 0, description))
}

/// Applies the transition function of `c.state` to `s`.
pub(crate) fn transition(c: &Context, s: &[u8]) -> (Context, usize) {
    transition_as(c.state, c, s)
}

/// Applies the transition function of `state` to context `c` and `s`.
pub(crate) fn transition_as(state: State, c: &Context, s: &[u8]) -> (Context, usize) {
    match state {
        State::Text => t_text(c, s),
        State::Tag => t_tag(c, s),
        State::AttrName => t_attr_name(c, s),
        State::AfterName => t_after_name(c, s),
        State::BeforeValue => t_before_value(c, s),
        State::HtmlCmt => t_html_cmt(c, s),
        State::Rcdata => t_special_tag_end(c, s),
        State::Attr => (c.clone(), s.len()),
        State::Url | State::Srcset => t_url(c, s),
        State::Js => t_js(c, s),
        State::JsDqStr | State::JsSqStr | State::JsBqStr | State::JsRegexp => t_js_delimited(c, s),
        State::JsBlockCmt | State::CssBlockCmt => t_block_cmt(c, s),
        State::JsLineCmt | State::CssLineCmt => t_line_cmt(c, s),
        State::Css => t_css(c, s),
        State::CssDqStr | State::CssSqStr | State::CssDqUrl | State::CssSqUrl | State::CssUrl => {
            t_css_str(c, s)
        }
        State::Error | State::Dead => (c.clone(), s.len()),
    }
}

fn t_text(c: &Context, s: &[u8]) -> (Context, usize) {
    let mut k = 0;
    loop {
        let Some(found) = s
            .get(k..)
            .and_then(|rest| rest.iter().position(|&b| b == b'<'))
        else {
            return (c.clone(), s.len());
        };
        let mut i = k + found;
        if i + 1 == s.len() {
            return (c.clone(), s.len());
        }
        if s.get(i..i + 4) == Some(b"<!--") {
            return (Context::of(State::HtmlCmt), i + 4);
        }
        i += 1;
        let mut end = false;
        if s[i] == b'/' {
            if i + 1 == s.len() {
                return (c.clone(), s.len());
            }
            end = true;
            i += 1;
        }
        let (j, element) = eat_tag_name(s, i);
        if j != i {
            let element = if end { Element::None } else { element };
            return (
                Context {
                    state: State::Tag,
                    element,
                    ..Context::default()
                },
                j,
            );
        }
        k = j;
    }
}

fn element_content_type(e: Element) -> State {
    match e {
        Element::None => State::Text,
        Element::Script => State::Js,
        Element::Style => State::Css,
        Element::Textarea | Element::Title => State::Rcdata,
    }
}

fn t_tag(c: &Context, s: &[u8]) -> (Context, usize) {
    let i = eat_white_space(s, 0);
    if i == s.len() {
        return (c.clone(), s.len());
    }
    if s[i] == b'>' {
        return (
            Context {
                state: element_content_type(c.element),
                element: c.element,
                ..Context::default()
            },
            i + 1,
        );
    }
    let j = match eat_attr_name(s, i) {
        Ok(j) => j,
        Err(err) => return (err, s.len()),
    };
    if i == j {
        return (
            error_context(
                EscapeErrorCode::BadHtml,
                format!(
                    "expected space, attr name, or end of tag, but got {}",
                    quote_bytes(&s[i..], None)
                ),
            ),
            s.len(),
        );
    }
    let attr_name = String::from_utf8_lossy(&s[i..j]).to_lowercase();
    let attr = if c.element == Element::Script && attr_name == "type" {
        Attr::ScriptType
    } else {
        match attr_type(&attr_name) {
            ContentType::Url => Attr::Url,
            ContentType::Css => Attr::Style,
            ContentType::Js => Attr::Script,
            ContentType::Srcset => Attr::Srcset,
            _ => Attr::None,
        }
    };
    let state = if j == s.len() {
        State::AttrName
    } else {
        State::AfterName
    };
    (
        Context {
            state,
            element: c.element,
            attr,
            ..Context::default()
        },
        j,
    )
}

fn t_attr_name(c: &Context, s: &[u8]) -> (Context, usize) {
    match eat_attr_name(s, 0) {
        Err(err) => (err, s.len()),
        Ok(i) => {
            let mut c = c.clone();
            if i != s.len() {
                c.state = State::AfterName;
            }
            (c, i)
        }
    }
}

fn t_after_name(c: &Context, s: &[u8]) -> (Context, usize) {
    let i = eat_white_space(s, 0);
    let mut c = c.clone();
    if i == s.len() {
        return (c, s.len());
    }
    if s[i] != b'=' {
        c.state = State::Tag;
        return (c, i);
    }
    c.state = State::BeforeValue;
    (c, i + 1)
}

/// The state an attribute value of this kind starts in.
pub(crate) fn attr_start_state(attr: Attr) -> State {
    match attr {
        Attr::None | Attr::ScriptType => State::Attr,
        Attr::Script => State::Js,
        Attr::Style => State::Css,
        Attr::Url => State::Url,
        Attr::Srcset => State::Srcset,
    }
}

fn t_before_value(c: &Context, s: &[u8]) -> (Context, usize) {
    let mut i = eat_white_space(s, 0);
    let mut c = c.clone();
    if i == s.len() {
        return (c, s.len());
    }
    let mut delim = Delim::SpaceOrTagEnd;
    match s[i] {
        b'\'' => {
            delim = Delim::SingleQuote;
            i += 1;
        }
        b'"' => {
            delim = Delim::DoubleQuote;
            i += 1;
        }
        _ => {}
    }
    c.state = attr_start_state(c.attr);
    c.delim = delim;
    (c, i)
}

fn t_html_cmt(c: &Context, s: &[u8]) -> (Context, usize) {
    match find(s, b"-->") {
        Some(i) => (Context::default(), i + 3),
        None => (c.clone(), s.len()),
    }
}

fn special_tag_end_marker(e: Element) -> &'static [u8] {
    match e {
        Element::Script => b"script",
        Element::Style => b"style",
        Element::Textarea => b"textarea",
        Element::Title => b"title",
        Element::None => b"",
    }
}

/// Go's `tSpecialTagEnd`: inside a special element, finds its end tag.
pub(crate) fn t_special_tag_end(c: &Context, s: &[u8]) -> (Context, usize) {
    if c.element != Element::None
        && let Some(i) = index_tag_end(s, special_tag_end_marker(c.element))
    {
        return (Context::default(), i);
    }
    (c.clone(), s.len())
}

/// The index of `</tag` followed by a tag-end separator, case-insensitively.
fn index_tag_end(s: &[u8], tag: &[u8]) -> Option<usize> {
    let mut res = 0;
    let mut s = s;
    while !s.is_empty() {
        let i = find(s, b"</")?;
        s = &s[i + 2..];
        if tag.len() <= s.len() && s[..tag.len()].eq_ignore_ascii_case(tag) {
            s = &s[tag.len()..];
            if s.first().is_some_and(|b| b"> \t\n\x0c/".contains(b)) {
                return Some(res + i);
            }
            res += tag.len();
        }
        res += i + 2;
    }
    None
}

/// Go's `tURL`.
pub(crate) fn t_url(c: &Context, s: &[u8]) -> (Context, usize) {
    let mut c = c.clone();
    if find_any(s, b"#?").is_some() {
        c.url_part = UrlPart::QueryOrFrag;
    } else if s.len() != eat_white_space(s, 0) && c.url_part == UrlPart::None {
        c.url_part = UrlPart::PreQuery;
    }
    (c, s.len())
}

fn t_js(c: &Context, s: &[u8]) -> (Context, usize) {
    let mut c = c.clone();
    let Some(i) = find_any(s, b"\"`'/") else {
        c.js_ctx = next_js_ctx(s, c.js_ctx);
        return (c, s.len());
    };
    c.js_ctx = next_js_ctx(&s[..i], c.js_ctx);
    let mut i = i;
    match s[i] {
        b'"' => {
            c.state = State::JsDqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        b'\'' => {
            c.state = State::JsSqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        b'`' => {
            c.state = State::JsBqStr;
            c.js_ctx = JsCtx::Regexp;
        }
        _ => {
            if s.get(i + 1) == Some(&b'/') {
                c.state = State::JsLineCmt;
                i += 1;
            } else if s.get(i + 1) == Some(&b'*') {
                c.state = State::JsBlockCmt;
                i += 1;
            } else if c.js_ctx == JsCtx::Regexp {
                c.state = State::JsRegexp;
            } else if c.js_ctx == JsCtx::DivOp {
                c.js_ctx = JsCtx::Regexp;
            } else {
                return (
                    error_context(
                        EscapeErrorCode::SlashAmbig,
                        format!(
                            "'/' could start a division or regexp: {}",
                            quote_bytes(&s[i..], Some(32))
                        ),
                    ),
                    s.len(),
                );
            }
        }
    }
    (c, i + 1)
}

fn t_js_delimited(c: &Context, s: &[u8]) -> (Context, usize) {
    let specials: &[u8] = match c.state {
        State::JsSqStr => b"\\'",
        State::JsBqStr => b"`\\",
        State::JsRegexp => b"\\/[]",
        _ => b"\\\"",
    };
    let mut c = c.clone();
    let mut k = 0;
    let mut in_charset = false;
    while let Some(found) = s.get(k..).and_then(|rest| find_any(rest, specials)) {
        let mut i = k + found;
        match s[i] {
            b'\\' => {
                i += 1;
                if i == s.len() {
                    return (
                        error_context(
                            EscapeErrorCode::PartialEscape,
                            format!(
                                "unfinished escape sequence in JS string: {}",
                                quote_bytes(s, None)
                            ),
                        ),
                        s.len(),
                    );
                }
            }
            b'[' => in_charset = true,
            b']' => in_charset = false,
            _ => {
                if !in_charset {
                    c.state = State::Js;
                    c.js_ctx = JsCtx::DivOp;
                    return (c, i + 1);
                }
            }
        }
        k = i + 1;
    }
    if in_charset {
        return (
            error_context(
                EscapeErrorCode::PartialCharset,
                format!("unfinished JS regexp charset: {}", quote_bytes(s, None)),
            ),
            s.len(),
        );
    }
    (c, s.len())
}

fn t_block_cmt(c: &Context, s: &[u8]) -> (Context, usize) {
    let Some(i) = find(s, b"*/") else {
        return (c.clone(), s.len());
    };
    let mut c = c.clone();
    c.state = if c.state == State::JsBlockCmt {
        State::Js
    } else {
        State::Css
    };
    (c, i + 2)
}

fn t_line_cmt(c: &Context, s: &[u8]) -> (Context, usize) {
    let mut c = c.clone();
    let (position, end_state) = if c.state == State::JsLineCmt {
        // JS line terminators: \n \r U+2028 U+2029.
        let text = String::from_utf8_lossy(s);
        let position = text
            .char_indices()
            .find(|&(_, ch)| matches!(ch, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
            .map(|(i, _)| i);
        (position, State::Js)
    } else {
        (find_any(s, b"\n\x0c\r"), State::Css)
    };
    match position {
        None => (c, s.len()),
        Some(i) => {
            c.state = end_state;
            (c, i)
        }
    }
}

fn t_css(c: &Context, s: &[u8]) -> (Context, usize) {
    let mut c = c.clone();
    let mut k = 0;
    loop {
        let Some(found) = s.get(k..).and_then(|rest| find_any(rest, b"(\"'/")) else {
            return (c, s.len());
        };
        let i = k + found;
        match s[i] {
            b'(' => {
                let before = trim_right(&s[..i], b"\t\n\x0c\r ");
                if ends_with_css_keyword(before, "url") {
                    let after = &s[i + 1..];
                    let trimmed = trim_left(after, b"\t\n\x0c\r ");
                    let mut j = s.len() - trimmed.len();
                    if j != s.len() && s[j] == b'"' {
                        c.state = State::CssDqUrl;
                        j += 1;
                    } else if j != s.len() && s[j] == b'\'' {
                        c.state = State::CssSqUrl;
                        j += 1;
                    } else {
                        c.state = State::CssUrl;
                    }
                    return (c, j);
                }
            }
            b'/' => {
                if let Some(&next) = s.get(i + 1) {
                    if next == b'/' {
                        c.state = State::CssLineCmt;
                        return (c, i + 2);
                    }
                    if next == b'*' {
                        c.state = State::CssBlockCmt;
                        return (c, i + 2);
                    }
                }
            }
            b'"' => {
                c.state = State::CssDqStr;
                return (c, i + 1);
            }
            _ => {
                c.state = State::CssSqStr;
                return (c, i + 1);
            }
        }
        k = i + 1;
    }
}

fn t_css_str(c: &Context, s: &[u8]) -> (Context, usize) {
    let end_and_esc: &[u8] = match c.state {
        State::CssDqStr | State::CssDqUrl => b"\\\"",
        State::CssSqStr | State::CssSqUrl => b"\\'",
        _ => b"\\\t\n\x0c\r )",
    };
    let mut c = c.clone();
    let mut k = 0;
    loop {
        let Some(found) = s.get(k..).and_then(|rest| find_any(rest, end_and_esc)) else {
            let decoded = decode_css(&s[k..]);
            let (c1, nread) = t_url(&c, &decoded);
            return (c1, k + nread);
        };
        let mut i = k + found;
        if s[i] == b'\\' {
            i += 1;
            if i == s.len() {
                return (
                    error_context(
                        EscapeErrorCode::PartialEscape,
                        format!(
                            "unfinished escape sequence in CSS string: {}",
                            quote_bytes(s, None)
                        ),
                    ),
                    s.len(),
                );
            }
        } else {
            c.state = State::Css;
            return (c, i + 1);
        }
        let decoded = decode_css(&s[..=i]);
        c = t_url(&c, &decoded).0;
        k = i + 1;
    }
}

fn trim_right<'a>(s: &'a [u8], set: &[u8]) -> &'a [u8] {
    let end = s
        .iter()
        .rposition(|b| !set.contains(b))
        .map_or(0, |p| p + 1);
    &s[..end]
}

fn trim_left<'a>(s: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = s.iter().position(|b| !set.contains(b)).unwrap_or(s.len());
    &s[start..]
}

/// Go's `eatAttrName`: the end of an attribute name starting at `i`.
fn eat_attr_name(s: &[u8], i: usize) -> Result<usize, Context> {
    for j in i..s.len() {
        match s[j] {
            b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'=' | b'>' => return Ok(j),
            b'\'' | b'"' | b'<' => {
                return Err(error_context(
                    EscapeErrorCode::BadHtml,
                    format!(
                        "{} in attribute name: {}",
                        quote_bytes(&s[j..=j], None),
                        quote_bytes(s, Some(32))
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(s.len())
}

fn element_by_name(name: &str) -> Element {
    match name {
        "script" => Element::Script,
        "style" => Element::Style,
        "textarea" => Element::Textarea,
        "title" => Element::Title,
        _ => Element::None,
    }
}

/// Go's `eatTagName`: the end of a tag name starting at `i` and the
/// special element it names.
fn eat_tag_name(s: &[u8], i: usize) -> (usize, Element) {
    if i == s.len() || !s[i].is_ascii_alphabetic() {
        return (i, Element::None);
    }
    let mut j = i + 1;
    while j < s.len() {
        let x = s[j];
        if x.is_ascii_alphanumeric() {
            j += 1;
            continue;
        }
        if (x == b':' || x == b'-') && s.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
            j += 2;
            continue;
        }
        break;
    }
    let name = String::from_utf8_lossy(&s[i..j]).to_lowercase();
    (j, element_by_name(&name))
}

/// Go's `eatWhiteSpace`.
pub(crate) fn eat_white_space(s: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < s.len() {
        match s[j] {
            b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' => j += 1,
            _ => return j,
        }
    }
    s.len()
}
