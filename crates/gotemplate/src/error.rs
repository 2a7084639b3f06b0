//! Errors of every stage, each rendering exactly the message Go prints:
//! parse errors (`template: NAME:LINE: ...`), execution errors
//! (`template: NAME:LINE:COL: executing "NAME" at <NODE>: ...`),
//! html/template escaping errors (`html/template:NAME:LINE:COL: ...`) and
//! API misuse. Structured fields are kept for callers that want them.

use std::fmt;

use crate::func::FuncError;

/// A syntax error found while parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Name of the template being parsed (the top-level name of the text).
    pub template: String,
    /// 1-based line of the token where the error was detected.
    pub line: usize,
    /// Byte offset of that token within its line (not part of Go's message;
    /// for diagnostics).
    pub column: usize,
    /// What went wrong, in Go's words.
    pub description: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "template: {}:{}: {}",
            self.template, self.line, self.description
        )
    }
}

/// Where an execution error happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecLocation {
    /// `parse_name:line:column` of the node (column = byte offset in the
    /// line, as Go computes it).
    pub position: String,
    /// The node's source form (`.Foo`, `index .X 1`, ...).
    pub context: String,
}

/// A failure while executing a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError {
    /// Name of the template being executed when the error happened.
    pub template: String,
    /// The node being evaluated, when known.
    pub location: Option<ExecLocation>,
    /// What went wrong, in Go's words.
    pub description: String,
    /// The error returned by a function or method, when that is the cause.
    pub source: Option<FuncError>,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(
                f,
                "template: {}: executing {} at <{}>: {}",
                location.position,
                crate::strconv::quote::quote_str(&self.template),
                location.context,
                self.description
            ),
            None => write!(f, "template: {}: {}", self.template, self.description),
        }
    }
}

/// html/template's error codes (Go's `ErrorCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscapeErrorCode {
    /// A URL action in an ambiguous position.
    AmbigContext,
    /// Malformed HTML (quotes in attribute names, `<` in unquoted values...).
    BadHtml,
    /// Branches of `if`/`range`/`with` end in different contexts.
    BranchEnd,
    /// A template ends in a non-text context.
    EndContext,
    /// A called template does not exist.
    NoSuchTemplate,
    /// The output context of a recursive template cannot be computed.
    OutputContext,
    /// An unfinished JS regexp character class.
    PartialCharset,
    /// An unfinished escape sequence in JS or CSS.
    PartialEscape,
    /// A range loop re-entry changes context.
    RangeLoopReentry,
    /// A `/` that could start a regexp or a division.
    SlashAmbig,
    /// `html` or `urlquery` used where the escaper forbids them.
    PredefinedEscaper,
    /// An action inside a JS template literal.
    JsTemplateLiteral,
    /// A context this engine does not support (rather than risk unsafe
    /// output).
    Unsupported,
}

/// An html/template contextual-escaping error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapeError {
    /// The kind of problem.
    pub code: EscapeErrorCode,
    /// The full message, as Go's `Error()` renders it.
    pub message: String,
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Any error of this crate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Parsing failed.
    #[error("{0}")]
    Parse(ParseError),
    /// Execution failed.
    #[error("{0}")]
    Exec(ExecError),
    /// html/template escaping failed.
    #[error("{0}")]
    Escape(EscapeError),
    /// `execute_template` named a template that does not exist.
    #[error("{0}")]
    NoSuchTemplate(String),
    /// An option string was not recognised.
    #[error("unrecognized option: {0}")]
    UnknownOption(String),
    /// A function name is not a Go identifier.
    #[error("function name {} is not a valid identifier", crate::strconv::quote::quote_str(.0))]
    InvalidFuncName(String),
    /// The output grew beyond the configured limit.
    #[error("template: output exceeds the limit of {limit} bytes")]
    OutputLimit {
        /// The limit that was exceeded.
        limit: usize,
    },
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Error {
        Error::Parse(e)
    }
}

impl From<ExecError> for Error {
    fn from(e: ExecError) -> Error {
        Error::Exec(e)
    }
}

impl From<EscapeError> for Error {
    fn from(e: EscapeError) -> Error {
        Error::Escape(e)
    }
}
