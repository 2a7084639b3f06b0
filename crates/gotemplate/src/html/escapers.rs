//! The functions html/template inserts into pipelines
//! (`_html_template_htmlescaper`, `..._attrescaper`, `..._urlfilter`, ...),
//! their names, and the HTML escapers themselves. Each takes the pipeline's
//! value(s) and returns escaped text; typed safe strings are trusted in the
//! matching context.

use crate::gofmt;
use crate::html::attr::{ContentType, attr_type};
use crate::html::context::{Context, Delim, Element, State};
use crate::html::css::{css_escaper, css_value_filter};
use crate::html::js::{js_regexp_escaper, js_str_escaper, js_val_escaper};
use crate::html::transition::transition_as;
use crate::html::url::{srcset_escaper, url_escaper, url_filter, url_normalizer};
use crate::value::{SafeKind, Value};

/// What unsafe values are replaced with.
pub(crate) const FILTER_FAILSAFE: &str = "ZgotmplZ";

/// An escaping function the escaper can insert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Escaper {
    Attr,
    Comment,
    Css,
    CssValueFilter,
    HtmlNameFilter,
    Html,
    JsRegexp,
    JsStr,
    JsVal,
    Nospace,
    Rcdata,
    Srcset,
    Url,
    UrlFilter,
    UrlNormalizer,
    /// `_eval_args_`: `fmt.Sprint` of the arguments.
    EvalArgs,
}

impl Escaper {
    const ALL: [Escaper; 16] = [
        Escaper::Attr,
        Escaper::Comment,
        Escaper::Css,
        Escaper::CssValueFilter,
        Escaper::HtmlNameFilter,
        Escaper::Html,
        Escaper::JsRegexp,
        Escaper::JsStr,
        Escaper::JsVal,
        Escaper::Nospace,
        Escaper::Rcdata,
        Escaper::Srcset,
        Escaper::Url,
        Escaper::UrlFilter,
        Escaper::UrlNormalizer,
        Escaper::EvalArgs,
    ];

    /// The function name Go uses.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Escaper::Attr => "_html_template_attrescaper",
            Escaper::Comment => "_html_template_commentescaper",
            Escaper::Css => "_html_template_cssescaper",
            Escaper::CssValueFilter => "_html_template_cssvaluefilter",
            Escaper::HtmlNameFilter => "_html_template_htmlnamefilter",
            Escaper::Html => "_html_template_htmlescaper",
            Escaper::JsRegexp => "_html_template_jsregexpescaper",
            Escaper::JsStr => "_html_template_jsstrescaper",
            Escaper::JsVal => "_html_template_jsvalescaper",
            Escaper::Nospace => "_html_template_nospaceescaper",
            Escaper::Rcdata => "_html_template_rcdataescaper",
            Escaper::Srcset => "_html_template_srcsetescaper",
            Escaper::Url => "_html_template_urlescaper",
            Escaper::UrlFilter => "_html_template_urlfilter",
            Escaper::UrlNormalizer => "_html_template_urlnormalizer",
            Escaper::EvalArgs => "_eval_args_",
        }
    }

    /// The escaper with Go's name `name`.
    pub(crate) fn lookup(name: &str) -> Option<Escaper> {
        if !name.starts_with('_') {
            return None;
        }
        Escaper::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Applies the escaper.
    pub(crate) fn apply(self, args: &[Value]) -> Value {
        let text = match self {
            Escaper::Attr => attr_escaper(args),
            Escaper::Comment => String::new(),
            Escaper::Css => css_escaper(args),
            Escaper::CssValueFilter => css_value_filter(args),
            Escaper::HtmlNameFilter => html_name_filter(args),
            Escaper::Html => html_escaper(args),
            Escaper::JsRegexp => js_regexp_escaper(args),
            Escaper::JsStr => js_str_escaper(args),
            Escaper::JsVal => js_val_escaper(args),
            Escaper::Nospace => html_nospace_escaper(args),
            Escaper::Rcdata => rcdata_escaper(args),
            Escaper::Srcset => srcset_escaper(args),
            Escaper::Url => url_escaper(args),
            Escaper::UrlFilter => url_filter(args),
            Escaper::UrlNormalizer => url_normalizer(args),
            Escaper::EvalArgs => eval_args(args),
        };
        Value::from(text)
    }
}

/// Go's `stringify`: the text of the arguments and, for a single typed
/// safe string, its kind. Nil arguments are dropped.
pub(crate) fn stringify(args: &[Value]) -> (String, Option<SafeKind>) {
    match args {
        [Value::String(s)] => return (s.to_string(), None),
        [Value::Safe(kind, s)] => return (s.to_string(), Some(*kind)),
        _ => {}
    }
    let present: Vec<Value> = args.iter().filter(|a| !a.is_nil()).cloned().collect();
    (gofmt::sprint(&present), None)
}

/// html/template's `evalArgs`.
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    gofmt::sprint(args)
}

/// Which characters an HTML replacement table covers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    /// `&` `<` `>` quotes `+` and NUL.
    Html,
    /// As `Html` but leaves `&` alone (normalising already-escaped HTML).
    HtmlNorm,
    /// As `Html` plus white space, `=` and backquote, for unquoted values.
    Nospace,
    /// As `Nospace` but leaves `&` alone.
    NospaceNorm,
}

fn replacement(table: Table, c: char) -> Option<&'static str> {
    let nospace = matches!(table, Table::Nospace | Table::NospaceNorm);
    let escape_amp = matches!(table, Table::Html | Table::Nospace);
    Some(match c {
        '\0' if nospace => "&#xfffd;",
        '\0' => "\u{FFFD}",
        '"' => "&#34;",
        '&' if escape_amp => "&amp;",
        '\'' => "&#39;",
        '+' => "&#43;",
        '<' => "&lt;",
        '>' => "&gt;",
        '\t' if nospace => "&#9;",
        '\n' if nospace => "&#10;",
        '\x0b' if nospace => "&#11;",
        '\x0c' if nospace => "&#12;",
        '\r' if nospace => "&#13;",
        ' ' if nospace => "&#32;",
        '=' if nospace => "&#61;",
        '`' if nospace => "&#96;",
        _ => return None,
    })
}

/// Go's `htmlReplacer`.
fn html_replacer(s: &str, table: Table, bad_runes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(repl) = replacement(table, c) {
            out.push_str(repl);
        } else if !bad_runes
            && (('\u{fdd0}'..='\u{fdef}').contains(&c) || ('\u{fff0}'..='\u{ffff}').contains(&c))
        {
            out.push_str(&format!("&#x{:x};", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Go's `htmlNospaceEscaper`, including the fix of Go 1.19.9+/1.20.4+
/// (CVE-2023-29400): an empty unquoted attribute value becomes `ZgotmplZ`
/// so that HTML normalization cannot merge it with what follows.
fn html_nospace_escaper(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if s.is_empty() {
        return FILTER_FAILSAFE.to_string();
    }
    if kind == Some(SafeKind::Html) {
        return html_replacer(&strip_tags(&s), Table::NospaceNorm, false);
    }
    html_replacer(&s, Table::Nospace, false)
}

fn attr_escaper(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if kind == Some(SafeKind::Html) {
        return html_replacer(&strip_tags(&s), Table::HtmlNorm, true);
    }
    html_replacer(&s, Table::Html, true)
}

fn rcdata_escaper(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if kind == Some(SafeKind::Html) {
        return html_replacer(&s, Table::HtmlNorm, true);
    }
    html_replacer(&s, Table::Html, true)
}

fn html_escaper(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if kind == Some(SafeKind::Html) {
        return s;
    }
    html_replacer(&s, Table::Html, true)
}

fn html_name_filter(args: &[Value]) -> String {
    let (s, kind) = stringify(args);
    if kind == Some(SafeKind::HtmlAttr) {
        return s;
    }
    if s.is_empty() {
        return FILTER_FAILSAFE.to_string();
    }
    let s = s.to_lowercase();
    if attr_type(&s) != ContentType::Plain {
        return FILTER_FAILSAFE.to_string();
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
    {
        return FILTER_FAILSAFE.to_string();
    }
    s
}

/// Go's `stripTags`: the text content of an HTML fragment.
fn strip_tags(html: &str) -> String {
    let s = html.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut c = Context::default();
    let mut i = 0;
    let mut all_text = true;
    while i != s.len() {
        if c.delim == Delim::None {
            let mut st = c.state;
            if c.element != Element::None && !c.state.is_in_tag() {
                st = State::Rcdata;
            }
            let (d, nread) = transition_as(st, &c, &s[i..]);
            if nread == 0 && d.same(&c) {
                // No progress possible; keep what was collected.
                break;
            }
            let i1 = i + nread;
            if c.state == State::Text || c.state == State::Rcdata {
                let mut j = i1;
                if d.state != c.state
                    && let Some(lt) = s[i..j].iter().rposition(|&b| b == b'<')
                {
                    j = i + lt;
                }
                out.extend_from_slice(&s[i..j]);
            } else {
                all_text = false;
            }
            c = d;
            i = i1;
            continue;
        }
        let Some(end) = s[i..].iter().position(|b| c.delim.ends().contains(b)) else {
            break;
        };
        let mut i1 = i + end;
        if c.delim != Delim::SpaceOrTagEnd {
            i1 += 1;
        }
        c = Context {
            state: State::Tag,
            element: c.element,
            ..Context::default()
        };
        i = i1;
    }
    if all_text {
        return html.to_string();
    }
    if c.state == State::Text || c.state == State::Rcdata {
        out.extend_from_slice(&s[i..]);
    }
    String::from_utf8_lossy(&out).into_owned()
}
