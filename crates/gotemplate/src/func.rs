//! Callable values: [`Function`] (a Rust closure plus the Go [`Signature`]
//! it pretends to have), the [`FuncError`] a call may fail with, and
//! [`FuncMap`], the name → function table a template set is given. The
//! executor checks argument counts and types against the signature with
//! Go's wording before calling; the closure only sees valid arguments.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::value::{GoType, Value};

/// The Go signature a function or method presents to templates: fixed
/// parameters, optionally followed by a variadic parameter `...T`.
///
/// Parameter types decide how constants are converted (`3` passed to a
/// `float64` parameter arrives as `Value::Float(3.0)`) and which values are
/// accepted, exactly as Go's reflection-based calls do. Use
/// [`GoType::Any`] to accept anything unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Types of the fixed parameters.
    pub params: Vec<GoType>,
    /// Element type of the trailing `...T` parameter, if any.
    pub variadic: Option<GoType>,
}

impl Signature {
    /// A function with exactly these parameters.
    pub fn fixed(params: impl Into<Vec<GoType>>) -> Signature {
        Signature {
            params: params.into(),
            variadic: None,
        }
    }

    /// A function with these fixed parameters followed by `...rest`.
    pub fn variadic(params: impl Into<Vec<GoType>>, rest: GoType) -> Signature {
        Signature {
            params: params.into(),
            variadic: Some(rest),
        }
    }

    /// `func(...interface{})`: any number of arguments of any type.
    pub fn any() -> Signature {
        Signature::variadic(Vec::new(), GoType::Any)
    }

    /// The type expected for argument number `i` (0-based), if the
    /// signature has one.
    pub(crate) fn param(&self, i: usize) -> Option<&GoType> {
        self.params.get(i).or(self.variadic.as_ref())
    }
}

/// The error a function or method returns. The executor reports it the way
/// Go reports a function's non-nil `error` result: `error calling NAME:
/// MESSAGE`, wrapped in the usual location prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncError {
    message: String,
}

impl FuncError {
    /// An error with this message (Go's `err.Error()`).
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FuncError {}

type Callback = dyn Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync;

/// A function callable from templates. Cloning shares the closure.
#[derive(Clone)]
pub struct Function {
    signature: Arc<Signature>,
    callback: Arc<Callback>,
}

impl Function {
    /// A function accepting any arguments (`func(...interface{})`).
    pub fn new(
        callback: impl Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Function {
        Function::with_signature(Signature::any(), callback)
    }

    /// A function with a Go signature; arguments are checked against it
    /// (count and types, with Go's messages) before `callback` runs.
    pub fn with_signature(
        signature: Signature,
        callback: impl Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Function {
        Function {
            signature: Arc::new(signature),
            callback: Arc::new(callback),
        }
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// Calls the function directly (no signature check).
    pub fn call(&self, args: &[Value]) -> Result<Value, FuncError> {
        (self.callback)(args)
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Function({:?})", self.signature)
    }
}

/// Functions made available to a template set, by name. Names must be Go
/// identifiers (letters, digits, underscores; not starting with a digit).
pub type FuncMap = HashMap<String, Function>;

/// Go's rule for function names in a `FuncMap`.
pub(crate) fn is_valid_func_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        None => false,
        Some(first) if first != '_' && !crate::unicode::is_letter(first) => false,
        Some(_) => {
            chars.all(|c| c == '_' || crate::unicode::is_letter(c) || crate::unicode::is_digit(c))
        }
    }
}
