//! Go's predefined template functions (`and or not len index slice print
//! printf println html js urlquery eq ne lt le gt ge call`) with Go's
//! comparison rules and error messages, plus the lookup of the internal
//! html/template escaper functions. `and`/`or` short-circuit and are
//! evaluated by the executor; everything else is a plain function of its
//! evaluated arguments.

use std::sync::{Arc, LazyLock};

use crate::exec::Operand;
use crate::func::{FuncError, Signature};
use crate::gofmt;
use crate::html::escapers::Escaper;
use crate::unicode::is_print;
use crate::value::{GoType, Value};

/// A predefined function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    UrlQuery,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Call,
    /// One of html/template's `_html_template_*` escapers (or `_eval_args_`),
    /// only resolvable in escaped html templates.
    Escaper(Escaper),
}

impl Builtin {
    /// The builtin called `name` in templates.
    pub(crate) fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::UrlQuery,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            "call" => Builtin::Call,
            _ => return None,
        })
    }

    /// The Go signature (`reflect.Value` parameters are `interface {}` here).
    pub(crate) fn signature(self) -> &'static Signature {
        static ONE_PLUS: LazyLock<Signature> =
            LazyLock::new(|| Signature::variadic(vec![GoType::Any], GoType::Any));
        static ONE: LazyLock<Signature> = LazyLock::new(|| Signature::fixed(vec![GoType::Any]));
        static TWO: LazyLock<Signature> =
            LazyLock::new(|| Signature::fixed(vec![GoType::Any, GoType::Any]));
        static PRINTF: LazyLock<Signature> =
            LazyLock::new(|| Signature::variadic(vec![GoType::String], GoType::Any));
        static ANY: LazyLock<Signature> = LazyLock::new(Signature::any);
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Eq
            | Builtin::Call => &ONE_PLUS,
            Builtin::Not | Builtin::Len => &ONE,
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => &TWO,
            Builtin::Printf => &PRINTF,
            Builtin::Print
            | Builtin::Println
            | Builtin::Html
            | Builtin::Js
            | Builtin::UrlQuery
            | Builtin::Escaper(_) => &ANY,
        }
    }

    /// Calls the builtin (not `and`/`or`, which the executor evaluates).
    pub(crate) fn call(self, args: &[Operand]) -> Result<Value, FuncError> {
        match self {
            Builtin::And | Builtin::Or => Err(FuncError::new("unreachable")),
            Builtin::Not => Ok(Value::Bool(!first(args).value.is_true())),
            Builtin::Len => length(first(args)),
            Builtin::Index => index(first(args), args.get(1..).unwrap_or(&[])),
            Builtin::Slice => slice(first(args), args.get(1..).unwrap_or(&[])),
            Builtin::Print => Ok(Value::from(gofmt::sprint(&values(args)))),
            Builtin::Println => Ok(Value::from(gofmt::sprintln(&values(args)))),
            Builtin::Printf => {
                let format = first(args).value.as_str().unwrap_or("").to_string();
                let rest = values(args.get(1..).unwrap_or(&[]));
                Ok(Value::from(gofmt::sprintf(&format, &rest)))
            }
            Builtin::Html => Ok(Value::from(html_escape_string(&eval_args(args)))),
            Builtin::Js => Ok(Value::from(js_escape_string(&eval_args(args)))),
            Builtin::UrlQuery => Ok(Value::from(query_escape(&eval_args(args)))),
            Builtin::Eq => {
                let rest = args.get(1..).unwrap_or(&[]);
                eq(&first(args).value, rest).map(Value::Bool)
            }
            Builtin::Ne => eq(&first(args).value, args.get(1..2).unwrap_or(&[]))
                .map(|equal| Value::Bool(!equal)),
            Builtin::Lt => lt(&nth(args, 0).value, &nth(args, 1).value).map(Value::Bool),
            Builtin::Le => le(&nth(args, 0).value, &nth(args, 1).value).map(Value::Bool),
            Builtin::Gt => le(&nth(args, 0).value, &nth(args, 1).value).map(|b| Value::Bool(!b)),
            Builtin::Ge => lt(&nth(args, 0).value, &nth(args, 1).value).map(|b| Value::Bool(!b)),
            Builtin::Call => call(first(args), args.get(1..).unwrap_or(&[])),
            Builtin::Escaper(escaper) => Ok(escaper.apply(&values(args))),
        }
    }
}

static NIL_OPERAND: Operand = Operand {
    value: Value::Nil,
    in_interface: false,
};

fn first(args: &[Operand]) -> &Operand {
    args.first().unwrap_or(&NIL_OPERAND)
}

fn nth(args: &[Operand], i: usize) -> &Operand {
    args.get(i).unwrap_or(&NIL_OPERAND)
}

fn values(args: &[Operand]) -> Vec<Value> {
    args.iter().map(|a| a.value.clone()).collect()
}

/// The message Go's reflection panics with when asked the type of an
/// invalid value (recovered by the template engine into an error).
const ZERO_VALUE_TYPE: &str = "reflect: call of reflect.Value.Type on zero Value";

fn length(item: &Operand) -> Result<Value, FuncError> {
    if item.in_interface && item.value.is_nil() {
        return Err(FuncError::new("len of nil pointer"));
    }
    let n = match &item.value {
        Value::String(s) | Value::Safe(_, s) => s.len(),
        Value::List(list) => list.len(),
        Value::Map(map) => map.len(),
        Value::Object(object) => match object.len() {
            Some(n) => n,
            None => {
                return Err(FuncError::new(format!(
                    "len of type {}",
                    object.type_name()
                )));
            }
        },
        Value::Nil => return Err(FuncError::new(ZERO_VALUE_TYPE)),
        other => return Err(FuncError::new(format!("len of type {}", other.type_name()))),
    };
    Ok(Value::from(n))
}

/// Go's `indexArg`: an integer index within `0..=cap`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, FuncError> {
    let x: i128 = match index {
        Value::Int(i) => i128::from(*i),
        Value::Uint(u) => i128::from(*u as i64),
        Value::Nil => return Err(FuncError::new("cannot index slice/array with nil")),
        other => {
            return Err(FuncError::new(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            )));
        }
    };
    if x < 0 || x > i128::try_from(cap).unwrap_or(i128::MAX) {
        return Err(FuncError::new(format!("index out of range: {x}")));
    }
    usize::try_from(x).map_err(|_| FuncError::new(format!("index out of range: {x}")))
}

/// Go's `prepareArg` for a `string` map key.
fn string_key(index: &Value) -> Result<&str, FuncError> {
    match index {
        Value::String(s) => Ok(s),
        Value::Nil => Err(FuncError::new("value is nil; should be of type string")),
        other => Err(FuncError::new(format!(
            "value has type {}; should be string",
            other.type_name()
        ))),
    }
}

fn index(item: &Operand, indexes: &[Operand]) -> Result<Value, FuncError> {
    if item.value.is_nil() {
        return Err(FuncError::new("index of untyped nil"));
    }
    let mut current = Operand {
        value: item.value.clone(),
        in_interface: false,
    };
    for index in indexes {
        if current.in_interface && current.value.is_nil() {
            return Err(FuncError::new("index of nil pointer"));
        }
        let key = &index.value;
        current = match &current.value {
            Value::List(list) => {
                let x = index_arg(key, list.len())?;
                match list.items().get(x) {
                    Some(elem) => Operand {
                        value: elem.clone(),
                        in_interface: *list.elem_type() == GoType::Any,
                    },
                    None => return Err(FuncError::new("reflect: slice index out of range")),
                }
            }
            Value::String(s) | Value::Safe(_, s) => {
                let x = index_arg(key, s.len())?;
                match s.as_bytes().get(x) {
                    Some(&b) => Operand {
                        value: Value::Uint(u64::from(b)),
                        in_interface: false,
                    },
                    None => return Err(FuncError::new("reflect: string index out of range")),
                }
            }
            Value::Map(map) => {
                let k = string_key(key)?;
                let in_interface = *map.elem_type() == GoType::Any;
                match map.get(k) {
                    Some(v) => Operand {
                        value: v.clone(),
                        in_interface,
                    },
                    None => Operand {
                        value: map.elem_type().zero(),
                        in_interface,
                    },
                }
            }
            Value::Object(object) => Operand {
                value: object.index(key)?,
                in_interface: false,
            },
            Value::Nil => return Err(FuncError::new("index of untyped nil")),
            other => {
                return Err(FuncError::new(format!(
                    "can't index item of type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(current.value)
}

fn slice(item: &Operand, indexes: &[Operand]) -> Result<Value, FuncError> {
    if item.value.is_nil() {
        return Err(FuncError::new("slice of untyped nil"));
    }
    if indexes.len() > 3 {
        return Err(FuncError::new(format!(
            "too many slice indexes: {}",
            indexes.len()
        )));
    }
    let len = match &item.value {
        Value::String(s) | Value::Safe(_, s) => {
            if indexes.len() == 3 {
                return Err(FuncError::new("cannot 3-index slice a string"));
            }
            s.len()
        }
        Value::List(list) => list.len(),
        other => {
            return Err(FuncError::new(format!(
                "can't slice item of type {}",
                other.type_name()
            )));
        }
    };
    let mut idx = [0, len, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(&index.value, len)?;
    }
    if idx[0] > idx[1] {
        return Err(FuncError::new(format!(
            "invalid slice index: {} > {}",
            idx[0], idx[1]
        )));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(FuncError::new(format!(
            "invalid slice index: {} > {}",
            idx[1], idx[2]
        )));
    }
    Ok(match &item.value {
        Value::String(s) => Value::String(Arc::from(lossy_bytes(s, idx[0], idx[1]))),
        Value::Safe(kind, s) => Value::Safe(*kind, Arc::from(lossy_bytes(s, idx[0], idx[1]))),
        Value::List(list) => {
            Value::List(list.with_items(list.items().get(idx[0]..idx[1]).unwrap_or(&[]).to_vec()))
        }
        _ => Value::Nil,
    })
}

/// A byte range of a string; Go keeps partial UTF-8 sequences, we cannot,
/// so they become U+FFFD.
fn lossy_bytes(s: &str, from: usize, to: usize) -> String {
    match s.get(from..to) {
        Some(sub) => sub.to_string(),
        None => String::from_utf8_lossy(s.as_bytes().get(from..to).unwrap_or(&[])).into_owned(),
    }
}

fn call(function: &Operand, args: &[Operand]) -> Result<Value, FuncError> {
    let f = match &function.value {
        Value::Nil => return Err(FuncError::new("call of nil")),
        Value::Func(f) => f,
        other => {
            return Err(FuncError::new(format!(
                "non-function of type {}",
                other.type_name()
            )));
        }
    };
    let signature = f.signature();
    let fixed = signature.params.len();
    if signature.variadic.is_some() {
        if args.len() < fixed {
            return Err(FuncError::new(format!(
                "wrong number of args: got {} want at least {}",
                args.len(),
                fixed
            )));
        }
    } else if args.len() != fixed {
        return Err(FuncError::new(format!(
            "wrong number of args: got {} want {}",
            args.len(),
            fixed
        )));
    }
    let mut argv = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let ty = signature.param(i).unwrap_or(&GoType::Any);
        let value = &arg.value;
        if value.is_nil() && !ty.can_be_nil() {
            return Err(FuncError::new(format!(
                "arg {i}: value is nil; should be of type {ty}"
            )));
        }
        if value.is_nil() {
            argv.push(ty.zero());
        } else if value.assignable_to(ty) {
            argv.push(value.clone());
        } else if let Some(converted) = convert_int_like(value, ty) {
            argv.push(converted);
        } else {
            return Err(FuncError::new(format!(
                "arg {i}: value has type {}; should be {ty}",
                value.type_name()
            )));
        }
    }
    f.call(&argv)
}

/// Go's int-to-int conversion in `prepareArg`.
fn convert_int_like(value: &Value, ty: &GoType) -> Option<Value> {
    match (value, ty) {
        (Value::Int(i), GoType::Uint) => Some(Value::Uint(*i as u64)),
        (Value::Uint(u), GoType::Int) => Some(Value::Int(*u as i64)),
        _ => None,
    }
}

// Comparison.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Uint(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::String(_) | Value::Safe(..) => Kind::String,
        _ => Kind::Invalid,
    }
}

const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";
const BAD_COMPARISON: &str = "incompatible types for comparison";

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        _ => 0,
    }
}

fn uint_of(v: &Value) -> u64 {
    match v {
        Value::Uint(u) => *u,
        _ => 0,
    }
}

/// Reflect "kind" names for Go's `canCompare` (same kind or one invalid).
fn same_reflect_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Nil, _)
            | (_, Value::Nil)
            | (Value::List(_), Value::List(_))
            | (Value::Map(_), Value::Map(_))
            | (Value::Func(_), Value::Func(_))
            | (Value::Object(_), Value::Object(_))
    )
}

/// `eq arg1 arg2...`: whether arg1 equals any of the others.
pub(crate) fn eq(arg1: &Value, others: &[Operand]) -> Result<bool, FuncError> {
    if others.is_empty() {
        return Err(FuncError::new("missing argument for comparison"));
    }
    let k1 = basic_kind(arg1);
    for other in others {
        let arg = &other.value;
        let k2 = basic_kind(arg);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => int_of(arg1) >= 0 && int_of(arg1) as u64 == uint_of(arg),
                (Kind::Uint, Kind::Int) => int_of(arg) >= 0 && uint_of(arg1) == int_of(arg) as u64,
                _ => {
                    if !arg1.is_nil() && !arg.is_nil() {
                        return Err(FuncError::new(BAD_COMPARISON));
                    }
                    false
                }
            }
        } else {
            match (arg1, arg) {
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::Float(a), Value::Float(b)) => a == b,
                (Value::Int(a), Value::Int(b)) => a == b,
                (Value::Uint(a), Value::Uint(b)) => a == b,
                (a, b) if k1 == Kind::String => a.as_str() == b.as_str(),
                _ => compare_non_basic(arg1, arg)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn compare_non_basic(a: &Value, b: &Value) -> Result<bool, FuncError> {
    if !same_reflect_kind(a, b) {
        return Err(FuncError::new(format!(
            "non-comparable types {}: {}, {}: {}",
            gofmt::sprintf("%s", std::slice::from_ref(a)),
            a.type_name(),
            b.type_name(),
            gofmt::sprintf("%v", std::slice::from_ref(b)),
        )));
    }
    if a.is_nil() || b.is_nil() {
        return Ok(a.is_nil() == b.is_nil());
    }
    if let (Value::Object(x), Value::Object(y)) = (a, b)
        && let Some(equal) = x.equals(y.as_ref())
    {
        return Ok(equal);
    }
    Err(FuncError::new(format!(
        "non-comparable type {}: {}",
        gofmt::sprintf("%s", std::slice::from_ref(b)),
        b.type_name()
    )))
}

/// `lt a b`.
pub(crate) fn lt(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(FuncError::new(BAD_COMPARISON_TYPE));
    }
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(FuncError::new(BAD_COMPARISON_TYPE));
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64),
            _ => Err(FuncError::new(BAD_COMPARISON)),
        };
    }
    Ok(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Uint(x), Value::Uint(y)) => x < y,
        _ if k1 == Kind::String => a.as_str() < b.as_str(),
        _ => return Err(FuncError::new(BAD_COMPARISON_TYPE)),
    })
}

/// `le a b`: `lt` or `eq`.
pub(crate) fn le(a: &Value, b: &Value) -> Result<bool, FuncError> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(
        a,
        &[Operand {
            value: b.clone(),
            in_interface: false,
        }],
    )
}

// Escaping builtins.

/// Go's `evalArgs`: a lone string as is, otherwise `fmt.Sprint` of the
/// arguments with nil shown as `<no value>`.
pub(crate) fn eval_args(args: &[Operand]) -> String {
    if let [
        Operand {
            value: Value::String(s),
            ..
        },
    ] = args
    {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.value.is_nil() {
                Value::from("<no value>")
            } else {
                a.value.clone()
            }
        })
        .collect();
    gofmt::sprint(&printable)
}

/// `template.HTMLEscapeString`.
pub(crate) fn html_escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// `template.JSEscapeString`.
pub(crate) fn js_escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c < ' ' => {
                out.push_str(&format!("\\u00{:02X}", u32::from(c)));
            }
            c if c.is_ascii() => out.push(c),
            c if is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        }
    }
    out
}

/// `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
