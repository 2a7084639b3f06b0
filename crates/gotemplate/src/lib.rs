//! A Go `text/template` and `html/template` engine producing the same
//! bytes as Go (1.19 is the reference; a few newer additions — `else with`,
//! `range` over integers — are supported too). It knows nothing about
//! alerts: callers supply data as [`Value`]s, including their own types
//! through the [`Object`] trait, and functions through [`FuncMap`].
//!
//! ```
//! use tocsin_gotemplate::{Template, Value};
//!
//! let mut t = Template::new("greeting");
//! t.parse("Hello, {{.name}}! {{range $i, $x := .items}}{{if $i}}, {{end}}{{$x}}{{end}}")
//!     .unwrap();
//! let data = Value::map([
//!     ("name", Value::from("world")),
//!     ("items", Value::list([Value::from(1), Value::from(2)])),
//! ]);
//! assert_eq!(t.execute_to_string(&data).unwrap(), "Hello, world! 1, 2");
//! ```
//!
//! Module map: `lex` → `parse` (building `ast` trees) → `exec` (with
//! `builtins` and `gofmt`, Go's `fmt`) for text templates; `html` adds the
//! contextual escaper in front of `exec` for html templates. `strconv` and
//! `unicode` reproduce the Go library behaviour the others rely on.

mod ast;
mod builtins;
mod error;
mod exec;
mod func;
mod gofmt;
mod html;
mod lex;
mod object;
mod parse;
mod stack;
mod strconv;
mod template;
mod unicode;
mod unicode_tables;
mod value;

pub use error::{Error, EscapeError, EscapeErrorCode, ExecError, ExecLocation, ParseError};
pub use exec::MissingKey;
pub use func::{FuncError, FuncMap, Function, Signature};
pub use object::{Object, Repr};
pub use template::{DEFAULT_MAX_DEPTH, Template};
pub use value::{GoType, List, Map, SafeKind, Value};

/// Go's `fmt.Sprint` over values (what `print` does).
pub fn sprint(args: &[Value]) -> String {
    gofmt::sprint(args)
}

/// Go's `fmt.Sprintf` over values (what `printf` does).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    gofmt::sprintf(format, args)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape_string(s: &str) -> String {
    builtins::html_escape_string(s)
}

/// Go's `template.JSEscapeString`.
pub fn js_escape_string(s: &str) -> String {
    builtins::js_escape_string(s)
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    builtins::query_escape(s)
}
