//! The extension point for caller-defined data: the [`Object`] trait (Go
//! structs, named maps and slices with methods, `time.Time`, ...) and
//! [`Repr`], the description of how `fmt` prints such a value. The engine
//! only talks to objects through this trait; it never knows their Rust type.

use std::any::Any;

use crate::func::{FuncError, Signature};
use crate::value::Value;

/// How `print`, `printf "%v"` and plain `{{.}}` output show an [`Object`].
pub enum Repr {
    /// The object behaves like a Go type with a `String() string` method:
    /// the verbs `%v %s %q %x %X` format this text (Go's `fmt.Stringer`
    /// rule); other verbs report a bad verb.
    Stringer(String),
    /// Print as if it were this value (e.g. a list of the object's elements
    /// for a named slice type without a `String` method).
    Value(Value),
    /// A struct: `{v1 v2}` for `%v`, `{Name1:v1 Name2:v2}` for `%+v`.
    Struct(Vec<(String, Value)>),
}

/// A caller-defined value: a Go struct, a named map or slice type, or any
/// other type with fields and methods (for Alertmanager: `Data`, `Alert`,
/// `Alerts`, `KV`, `Pairs`, `time.Time`, ...).
///
/// Field and method resolution follows Go's order for `.Name`: a method
/// named `Name` wins over a field or map key `Name`.
pub trait Object: Any + Send + Sync {
    /// The Go type name used in error messages and by `%T`, e.g.
    /// `template.Data` or `*template.Data`.
    fn type_name(&self) -> &str;

    /// How `fmt` prints the object.
    fn repr(&self) -> Repr;

    /// The struct field or map entry `name`. `None` means "no such field"
    /// (for a map-like object, see [`Object::map_zero`]).
    fn field(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// For objects that behave like a Go map: the zero value of the element
    /// type. Absent keys are then "missing keys", handled per the template's
    /// `missingkey` option (`<no value>` by default, this zero with
    /// `missingkey=zero`, an error with `missingkey=error`) instead of the
    /// "can't evaluate field" error of structs. `None` (the default) means
    /// the object is struct-like.
    fn map_zero(&self) -> Option<Value> {
        None
    }

    /// The signature of method `name`, or `None` when there is no such
    /// method. Arguments are evaluated and checked against it (Go's rules and
    /// messages) before [`Object::call_method`] is called.
    fn method(&self, name: &str) -> Option<Signature> {
        let _ = name;
        None
    }

    /// Calls method `name` (which [`Object::method`] reported) with
    /// arguments that already passed the signature check. An `Err` is
    /// reported as Go reports a method's non-nil error result:
    /// `error calling NAME: MESSAGE`.
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let _ = args;
        Err(FuncError::new(format!("method {name} is not implemented")))
    }

    /// `len` of the object; `None` gives Go's `len of type T` error.
    fn len(&self) -> Option<usize> {
        None
    }

    /// Whether `len` is defined and zero.
    fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The (key, element) pairs `range` iterates over, in order: (index,
    /// element) for slice-like objects, (key, value) in sorted key order for
    /// map-like ones. `None` gives Go's `range can't iterate over` error.
    fn range(&self) -> Option<Vec<(Value, Value)>> {
        None
    }

    /// The `index` builtin applied to this object with one key. The default
    /// serves map-like objects (see [`Object::map_zero`]): a string key
    /// looks up [`Object::field`], an absent key gives the zero value. For
    /// other objects that [`Object::range`] over elements it indexes those
    /// elements by position (Go's slice indexing and messages); the rest
    /// report `can't index item of type T`.
    fn index(&self, key: &Value) -> Result<Value, FuncError> {
        let Some(zero) = self.map_zero() else {
            let Some(elements) = self.range() else {
                return Err(FuncError::new(format!(
                    "can't index item of type {}",
                    self.type_name()
                )));
            };
            let position = match key {
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
            return usize::try_from(position)
                .ok()
                .and_then(|i| elements.into_iter().nth(i))
                .map(|(_, element)| element)
                .ok_or_else(|| FuncError::new(format!("index out of range: {position}")));
        };
        match key {
            Value::String(k) => Ok(self.field(k).unwrap_or(zero)),
            Value::Nil => Err(FuncError::new("value is nil; should be of type string")),
            other => Err(FuncError::new(format!(
                "value has type {}; should be string",
                other.type_name()
            ))),
        }
    }

    /// Truth for `if`, `with`, `and`, `or`, `not`: Go treats structs as
    /// always true and maps and slices as true when non-empty. The default
    /// is "non-empty if `len` is defined, else true".
    fn truthy(&self) -> bool {
        self.len().is_none_or(|n| n > 0)
    }

    /// `eq`/`ne` between two objects. `None` (the default) reports Go's
    /// error for non-comparable types.
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        let _ = other;
        None
    }
}

impl dyn Object {
    /// Downcasts to the concrete Rust type, for functions that need to look
    /// inside an object they know (e.g. a time value).
    pub fn downcast_ref<T: Object>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref::<T>()
    }
}
