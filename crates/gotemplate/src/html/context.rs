//! The parser state html/template tracks through template text: where in
//! an HTML document (text, tag, attribute, URL, JS, CSS, comment, ...) the
//! output currently is. Names and formatting match Go's (they appear in
//! error messages and in the names of derived templates), as do the error
//! values carried by a context.

use std::fmt;
use std::sync::Arc;

use crate::error::{EscapeError, EscapeErrorCode};

/// The HTML parser state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum State {
    #[default]
    Text,
    Tag,
    AttrName,
    AfterName,
    BeforeValue,
    HtmlCmt,
    Rcdata,
    Attr,
    Url,
    Srcset,
    Js,
    JsDqStr,
    JsSqStr,
    JsBqStr,
    JsRegexp,
    JsBlockCmt,
    JsLineCmt,
    Css,
    CssDqStr,
    CssSqStr,
    CssDqUrl,
    CssSqUrl,
    CssUrl,
    CssBlockCmt,
    CssLineCmt,
    Error,
    Dead,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Text => "stateText",
            State::Tag => "stateTag",
            State::AttrName => "stateAttrName",
            State::AfterName => "stateAfterName",
            State::BeforeValue => "stateBeforeValue",
            State::HtmlCmt => "stateHTMLCmt",
            State::Rcdata => "stateRCDATA",
            State::Attr => "stateAttr",
            State::Url => "stateURL",
            State::Srcset => "stateSrcset",
            State::Js => "stateJS",
            State::JsDqStr => "stateJSDqStr",
            State::JsSqStr => "stateJSSqStr",
            State::JsBqStr => "stateJSBqStr",
            State::JsRegexp => "stateJSRegexp",
            State::JsBlockCmt => "stateJSBlockCmt",
            State::JsLineCmt => "stateJSLineCmt",
            State::Css => "stateCSS",
            State::CssDqStr => "stateCSSDqStr",
            State::CssSqStr => "stateCSSSqStr",
            State::CssDqUrl => "stateCSSDqURL",
            State::CssSqUrl => "stateCSSSqURL",
            State::CssUrl => "stateCSSURL",
            State::CssBlockCmt => "stateCSSBlockCmt",
            State::CssLineCmt => "stateCSSLineCmt",
            State::Error => "stateError",
            State::Dead => "stateDead",
        }
    }

    /// Whether the state is inside a comment.
    pub(crate) fn is_comment(self) -> bool {
        matches!(
            self,
            State::HtmlCmt
                | State::JsBlockCmt
                | State::JsLineCmt
                | State::CssBlockCmt
                | State::CssLineCmt
        )
    }

    /// Whether the state is inside a tag.
    pub(crate) fn is_in_tag(self) -> bool {
        matches!(
            self,
            State::Tag | State::AttrName | State::AfterName | State::BeforeValue | State::Attr
        )
    }
}

/// How the current attribute value ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Delim {
    #[default]
    None,
    DoubleQuote,
    SingleQuote,
    SpaceOrTagEnd,
}

impl Delim {
    fn name(self) -> &'static str {
        match self {
            Delim::None => "delimNone",
            Delim::DoubleQuote => "delimDoubleQuote",
            Delim::SingleQuote => "delimSingleQuote",
            Delim::SpaceOrTagEnd => "delimSpaceOrTagEnd",
        }
    }

    /// The bytes that end an attribute value with this delimiter.
    pub(crate) fn ends(self) -> &'static [u8] {
        match self {
            Delim::None => b"",
            Delim::DoubleQuote => b"\"",
            Delim::SingleQuote => b"'",
            Delim::SpaceOrTagEnd => b" \t\n\x0c\r>",
        }
    }
}

/// Where in a URL the output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum UrlPart {
    #[default]
    None,
    PreQuery,
    QueryOrFrag,
    Unknown,
}

impl UrlPart {
    fn name(self) -> &'static str {
        match self {
            UrlPart::None => "urlPartNone",
            UrlPart::PreQuery => "urlPartPreQuery",
            UrlPart::QueryOrFrag => "urlPartQueryOrFrag",
            UrlPart::Unknown => "urlPartUnknown",
        }
    }
}

/// Whether a `/` in JS would start a regexp or a division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum JsCtx {
    #[default]
    Regexp,
    DivOp,
    Unknown,
}

impl JsCtx {
    fn name(self) -> &'static str {
        match self {
            JsCtx::Regexp => "jsCtxRegexp",
            JsCtx::DivOp => "jsCtxDivOp",
            JsCtx::Unknown => "jsCtxUnknown",
        }
    }
}

/// The kind of attribute whose value the output is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Attr {
    #[default]
    None,
    Script,
    ScriptType,
    Style,
    Url,
    Srcset,
}

impl Attr {
    fn name(self) -> &'static str {
        match self {
            Attr::None => "attrNone",
            Attr::Script => "attrScript",
            Attr::ScriptType => "attrScriptType",
            Attr::Style => "attrStyle",
            Attr::Url => "attrURL",
            Attr::Srcset => "attrSrcset",
        }
    }
}

/// The special element whose content the output is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Element {
    #[default]
    None,
    Script,
    Style,
    Textarea,
    Title,
}

impl Element {
    fn name(self) -> &'static str {
        match self {
            Element::None => "elementNone",
            Element::Script => "elementScript",
            Element::Style => "elementStyle",
            Element::Textarea => "elementTextarea",
            Element::Title => "elementTitle",
        }
    }
}

/// Details of an escaping error, as Go's `*Error` holds them.
#[derive(Clone, Debug)]
pub(crate) struct ErrorInfo {
    pub code: EscapeErrorCode,
    /// `parse_name:line:col` of the node the error is about, if any.
    pub location: Option<String>,
    pub name: String,
    pub line: usize,
    pub description: String,
}

impl ErrorInfo {
    pub(crate) fn new(
        code: EscapeErrorCode,
        location: Option<String>,
        line: usize,
        description: String,
    ) -> Arc<ErrorInfo> {
        Arc::new(ErrorInfo {
            code,
            location,
            name: String::new(),
            line,
            description,
        })
    }

    /// Go's `Error.Error()`.
    pub(crate) fn message(&self) -> String {
        if let Some(location) = &self.location {
            format!("html/template:{location}: {}", self.description)
        } else if self.line != 0 {
            format!(
                "html/template:{}:{}: {}",
                self.name, self.line, self.description
            )
        } else if !self.name.is_empty() {
            format!("html/template:{}: {}", self.name, self.description)
        } else {
            format!("html/template: {}", self.description)
        }
    }

    pub(crate) fn to_error(&self) -> EscapeError {
        EscapeError {
            code: self.code,
            message: self.message(),
        }
    }
}

/// The escaper's view of where output is.
#[derive(Clone, Debug, Default)]
pub(crate) struct Context {
    pub state: State,
    pub delim: Delim,
    pub url_part: UrlPart,
    pub js_ctx: JsCtx,
    pub attr: Attr,
    pub element: Element,
    /// For `{{break}}`/`{{continue}}` contexts: the line and location of
    /// that action.
    pub line: usize,
    pub break_location: Option<Arc<str>>,
    pub err: Option<Arc<ErrorInfo>>,
}

impl Context {
    /// A context in a state.
    pub(crate) fn of(state: State) -> Context {
        Context {
            state,
            ..Context::default()
        }
    }

    /// An error context.
    pub(crate) fn error(info: Arc<ErrorInfo>) -> Context {
        Context {
            state: State::Error,
            err: Some(info),
            ..Context::default()
        }
    }

    /// Go's `context.eq`: all fields equal, errors by identity.
    pub(crate) fn same(&self, other: &Context) -> bool {
        self.state == other.state
            && self.delim == other.delim
            && self.url_part == other.url_part
            && self.js_ctx == other.js_ctx
            && self.attr == other.attr
            && self.element == other.element
            && match (&self.err, &other.err) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }

    /// Go's `context.mangle`: the name of the template specialised for this
    /// context.
    pub(crate) fn mangle(&self, template_name: &str) -> String {
        if self.state == State::Text {
            return template_name.to_string();
        }
        let mut s = format!("{template_name}$htmltemplate_{}", self.state.name());
        if self.delim != Delim::None {
            s.push('_');
            s.push_str(self.delim.name());
        }
        if self.url_part != UrlPart::None {
            s.push('_');
            s.push_str(self.url_part.name());
        }
        if self.js_ctx != JsCtx::Regexp {
            s.push('_');
            s.push_str(self.js_ctx.name());
        }
        if self.attr != Attr::None {
            s.push('_');
            s.push_str(self.attr.name());
        }
        if self.element != Element::None {
            s.push('_');
            s.push_str(self.element.name());
        }
        s
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let err = match &self.err {
            Some(info) => info.message(),
            None => "<nil>".to_string(),
        };
        write!(
            f,
            "{{{} {} {} {} {} {} {}}}",
            self.state.name(),
            self.delim.name(),
            self.url_part.name(),
            self.js_ctx.name(),
            self.attr.name(),
            self.element.name(),
            err
        )
    }
}
