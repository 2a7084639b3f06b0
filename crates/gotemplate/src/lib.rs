//! A Go `text/template` and `html/template` engine producing the same
//! bytes as Go (1.19 is the reference oracle; the newer `else with` and
//! `range` over integers are supported too). It knows nothing about
//! alerts: callers supply data as [`Value`]s, their own types through the
//! [`Object`] trait, and functions through [`FuncMap`].
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
//! Extending: a [`Function`] is a closure with a Go [`Signature`] (argument
//! counts, types and constant conversion are checked with Go's messages
//! before the closure runs); an [`Object`] exposes fields, methods (each
//! with a signature), `len`, `range`, `index`, truth and its `fmt` form
//! ([`Repr`]).
//!
//! ```
//! use tocsin_gotemplate::{FuncError, Function, GoType, Object, Repr, Signature, Template, Value};
//!
//! struct Labels(Vec<(String, String)>);
//!
//! impl Object for Labels {
//!     fn type_name(&self) -> &str { "template.KV" }
//!     fn repr(&self) -> Repr {
//!         let text: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
//!         Repr::Stringer(text.join(", "))
//!     }
//!     fn field(&self, name: &str) -> Option<Value> {
//!         self.0.iter().find(|(k, _)| k == name).map(|(_, v)| Value::from(v.as_str()))
//!     }
//!     fn map_zero(&self) -> Option<Value> { Some(Value::from("")) }
//!     fn method(&self, name: &str) -> Option<Signature> {
//!         (name == "Names").then(|| Signature::fixed(vec![]))
//!     }
//!     fn call_method(&self, _name: &str, _args: &[Value]) -> Result<Value, FuncError> {
//!         Ok(Value::string_list(self.0.iter().map(|(k, _)| k.clone())))
//!     }
//!     fn len(&self) -> Option<usize> { Some(self.0.len()) }
//! }
//!
//! let mut t = Template::new("");
//! t.option("missingkey=zero").unwrap();
//! t.func(
//!     "join",
//!     Function::with_signature(
//!         Signature::fixed(vec![GoType::String, GoType::string_list()]),
//!         |args| {
//!             let sep = args[0].as_str().unwrap_or("");
//!             let Value::List(items) = &args[1] else { return Err(FuncError::new("not a list")) };
//!             let parts: Vec<&str> = items.items().iter().filter_map(Value::as_str).collect();
//!             Ok(Value::from(parts.join(sep)))
//!         },
//!     ),
//! )
//! .unwrap();
//! t.parse(r#"{{ .Names | join "," }} [{{ .nope }}] {{ . }}"#).unwrap();
//! let labels = Value::object(Labels(vec![("a".into(), "1".into()), ("b".into(), "2".into())]));
//! assert_eq!(t.execute_to_string(&labels).unwrap(), "a,b [] a=1, b=2");
//! ```
//!
//! Module map: `lex` → `parse` (building `ast` trees) → `exec` (with
//! `builtins` and `gofmt`, Go's `fmt`) for text templates; `html` adds the
//! contextual escaper in front of `exec` for html templates. `strconv` and
//! `unicode` reproduce the Go library behaviour the others rely on; `stack`
//! bounds recursion.
//!
//! html/template follows Go 1.19.8 plus two later security fixes: an empty
//! unquoted attribute value and CSS values containing `<` or `>` become
//! `ZgotmplZ`. Actions inside JS template literals (`` `...` ``) are an
//! error, as in Go 1.19 (Go 1.21+ escapes them).
//!
//! Known differences from Go: complex constants are rejected; strings are
//! UTF-8, so byte escapes like `"\xff"` that do not form UTF-8 become U+FFFD;
//! the `{{template}}` depth limit defaults to 100 ([`DEFAULT_MAX_DEPTH`])
//! and an execution stops after [`DEFAULT_MAX_STEPS`] steps or 1 MiB of
//! stack; function values print their type as `func`; html templates may be
//! parsed again after executing (the escaping is redone), and objects
//! without a [`Repr::Value`] cannot be JSON-encoded in JS contexts (they
//! become `null` with a comment, as Go does for unsupported values).

mod ast;
mod builtins;
mod error;
mod exec;
mod fasthash;
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
#[rustfmt::skip]
mod unicode_tables;
mod value;

pub use error::{Error, EscapeError, EscapeErrorCode, ExecError, ExecLocation, ParseError};
pub use func::{FuncError, FuncMap, Function, Signature};
pub use object::{Object, Repr};
pub use template::{DEFAULT_MAX_DEPTH, DEFAULT_MAX_STEPS, Template};
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
