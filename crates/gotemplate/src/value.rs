//! The dynamic value model templates operate on: [`Value`] and the minimal
//! description of Go types ([`GoType`]) needed to reproduce Go's type names,
//! zero values and assignability checks. Values are cheap to clone (every
//! heap payload sits behind an `Arc`). How values print lives in `fmt`, how
//! they compare lives in `builtins`; user-defined types plug in through
//! [`Object`](crate::Object).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::func::Function;
use crate::object::Object;

/// The typed "safe" strings of Go's `html/template` package. A value of one of
/// these kinds is trusted content: the html escaper passes it through (or
/// filters it less) in the matching context. In `text/template` they behave
/// exactly like strings, as in Go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SafeKind {
    /// `template.HTML`: a known-safe HTML fragment.
    Html,
    /// `template.HTMLAttr`: a safe attribute (name and value), e.g. `dir="ltr"`.
    HtmlAttr,
    /// `template.URL`: a safe URL or URL substring.
    Url,
    /// `template.JS`: a safe JavaScript expression.
    Js,
    /// `template.JSStr`: a safe sequence of characters inside a JS string.
    JsStr,
    /// `template.CSS`: safe CSS.
    Css,
    /// `template.Srcset`: a safe `srcset` attribute value.
    Srcset,
}

impl SafeKind {
    /// The Go type name, as printed by `%T` and in error messages.
    pub fn type_name(self) -> &'static str {
        match self {
            SafeKind::Html => "template.HTML",
            SafeKind::HtmlAttr => "template.HTMLAttr",
            SafeKind::Url => "template.URL",
            SafeKind::Js => "template.JS",
            SafeKind::JsStr => "template.JSStr",
            SafeKind::Css => "template.CSS",
            SafeKind::Srcset => "template.Srcset",
        }
    }
}

/// The Go type of a value, reduced to what templates can observe: type names
/// in messages and `%T`, zero values for `missingkey=zero`, and whether a
/// value may be passed to a function parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GoType {
    /// `interface {}`: accepts any value.
    Any,
    /// `bool`.
    Bool,
    /// `int` (64 bits).
    Int,
    /// `uint` (64 bits).
    Uint,
    /// `float64`.
    Float64,
    /// `string`.
    String,
    /// One of html/template's safe string types.
    Safe(SafeKind),
    /// `[]T`.
    List(Arc<GoType>),
    /// `map[string]T`.
    Map(Arc<GoType>),
    /// A function value.
    Func,
    /// A caller-defined type (an [`Object`]), identified by its name, e.g.
    /// `template.Alert`.
    Named(Arc<str>),
}

impl GoType {
    /// `[]string`.
    pub fn string_list() -> GoType {
        GoType::List(Arc::new(GoType::String))
    }

    /// The zero value of this type, as Go's `reflect.Zero` would produce it.
    /// Types without a representable zero (named types) give [`Value::Nil`].
    pub fn zero(&self) -> Value {
        match self {
            GoType::Any | GoType::Func | GoType::Named(_) => Value::Nil,
            GoType::Bool => Value::Bool(false),
            GoType::Int => Value::Int(0),
            GoType::Uint => Value::Uint(0),
            GoType::Float64 => Value::Float(0.0),
            GoType::String => Value::String(Arc::from("")),
            GoType::Safe(kind) => Value::Safe(*kind, Arc::from("")),
            GoType::List(elem) => Value::List(List::typed(GoType::clone(elem), Vec::new())),
            GoType::Map(elem) => Value::Map(Map::typed(GoType::clone(elem), BTreeMap::new())),
        }
    }

    /// Whether Go's untyped `nil` can be assigned to this type.
    pub(crate) fn can_be_nil(&self) -> bool {
        matches!(
            self,
            GoType::Any | GoType::List(_) | GoType::Map(_) | GoType::Func | GoType::Named(_)
        )
    }
}

impl fmt::Display for GoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoType::Any => f.write_str("interface {}"),
            GoType::Bool => f.write_str("bool"),
            GoType::Int => f.write_str("int"),
            GoType::Uint => f.write_str("uint"),
            GoType::Float64 => f.write_str("float64"),
            GoType::String => f.write_str("string"),
            GoType::Safe(kind) => f.write_str(kind.type_name()),
            GoType::List(elem) => write!(f, "[]{elem}"),
            GoType::Map(elem) => write!(f, "map[string]{elem}"),
            GoType::Func => f.write_str("func"),
            GoType::Named(name) => f.write_str(name),
        }
    }
}

/// A list (Go slice) with its element type. Cloning shares the items.
#[derive(Clone)]
pub struct List(Arc<ListData>);

struct ListData {
    elem: GoType,
    items: Vec<Value>,
}

impl List {
    /// A `[]interface {}`.
    pub fn new(items: Vec<Value>) -> List {
        List::typed(GoType::Any, items)
    }

    /// A list whose Go element type is `elem`. The items are not checked
    /// against it; the caller promises they match.
    pub fn typed(elem: GoType, items: Vec<Value>) -> List {
        List(Arc::new(ListData { elem, items }))
    }

    /// The element type.
    pub fn elem_type(&self) -> &GoType {
        &self.0.elem
    }

    /// The items.
    pub fn items(&self) -> &[Value] {
        &self.0.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.0.items.len()
    }

    /// Whether the list has no items.
    pub fn is_empty(&self) -> bool {
        self.0.items.is_empty()
    }

    /// A list of the same element type holding `items`.
    pub(crate) fn with_items(&self, items: Vec<Value>) -> List {
        List::typed(self.0.elem.clone(), items)
    }
}

/// A map with string keys (Go `map[string]T`), iterated in sorted key order.
/// Cloning shares the entries.
#[derive(Clone)]
pub struct Map(Arc<MapData>);

struct MapData {
    elem: GoType,
    entries: BTreeMap<Arc<str>, Value>,
}

impl Map {
    /// A `map[string]interface {}`.
    pub fn new(entries: BTreeMap<Arc<str>, Value>) -> Map {
        Map::typed(GoType::Any, entries)
    }

    /// A map whose Go element type is `elem` (its zero value is what
    /// `missingkey=zero` and `index` return for absent keys).
    pub fn typed(elem: GoType, entries: BTreeMap<Arc<str>, Value>) -> Map {
        Map(Arc::new(MapData { elem, entries }))
    }

    /// The element type.
    pub fn elem_type(&self) -> &GoType {
        &self.0.elem
    }

    /// The entry for `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.entries.get(key)
    }

    /// The entries in key order.
    pub fn entries(&self) -> &BTreeMap<Arc<str>, Value> {
        &self.0.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.entries.is_empty()
    }
}

/// A template value. `Nil` stands for Go's untyped nil and for "no value"
/// (a missing map key, an unset interface): printed directly by an action it
/// shows `<no value>`, through `fmt` it shows `<nil>`, as in Go.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's `nil` / an invalid `reflect.Value`.
    #[default]
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int`.
    Int(i64),
    /// `uint`.
    Uint(u64),
    /// `float64`.
    Float(f64),
    /// `string`.
    String(Arc<str>),
    /// One of html/template's typed strings (`template.HTML`, ...).
    Safe(SafeKind, Arc<str>),
    /// A slice.
    List(List),
    /// A map with string keys.
    Map(Map),
    /// A function value (callable with the `call` builtin).
    Func(Function),
    /// A caller-defined value with fields and methods.
    Object(Arc<dyn Object>),
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A `template.HTML` value (what Alertmanager's `safeHtml` returns).
    pub fn html(s: impl Into<Arc<str>>) -> Value {
        Value::Safe(SafeKind::Html, s.into())
    }

    /// A `[]interface {}` value.
    pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
        Value::List(List::new(items.into_iter().collect()))
    }

    /// A `[]string` value.
    pub fn string_list<S: Into<Arc<str>>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::List(List::typed(
            GoType::String,
            items.into_iter().map(|s| Value::String(s.into())).collect(),
        ))
    }

    /// A `map[string]interface {}` value.
    pub fn map<K: Into<Arc<str>>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(Map::new(
            entries.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        ))
    }

    /// An object value.
    pub fn object(object: impl Object + 'static) -> Value {
        Value::Object(Arc::new(object))
    }

    /// The Go type of this value.
    pub fn go_type(&self) -> GoType {
        match self {
            Value::Nil => GoType::Any,
            Value::Bool(_) => GoType::Bool,
            Value::Int(_) => GoType::Int,
            Value::Uint(_) => GoType::Uint,
            Value::Float(_) => GoType::Float64,
            Value::String(_) => GoType::String,
            Value::Safe(kind, _) => GoType::Safe(*kind),
            Value::List(list) => GoType::List(Arc::new(list.elem_type().clone())),
            Value::Map(map) => GoType::Map(Arc::new(map.elem_type().clone())),
            Value::Func(_) => GoType::Func,
            Value::Object(object) => GoType::Named(Arc::from(object.type_name())),
        }
    }

    /// The Go type name of this value (`<nil>` for nil), as `%T` prints it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_string(),
            Value::Object(object) => object.type_name().to_string(),
            other => other.go_type().to_string(),
        }
    }

    /// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) | Value::Safe(_, s) => !s.is_empty(),
            Value::List(list) => !list.is_empty(),
            Value::Map(map) => !map.is_empty(),
            Value::Func(_) => true,
            Value::Object(object) => object.truthy(),
        }
    }

    /// The string inside a `String` or `Safe` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Safe(_, s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `Nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Whether `self` may be passed where Go expects `ty` (exact type match;
    /// `interface {}` accepts everything).
    pub(crate) fn assignable_to(&self, ty: &GoType) -> bool {
        match (ty, self) {
            (GoType::Any, _) => true,
            (GoType::Bool, Value::Bool(_))
            | (GoType::Int, Value::Int(_))
            | (GoType::Uint, Value::Uint(_))
            | (GoType::Float64, Value::Float(_))
            | (GoType::String, Value::String(_))
            | (GoType::Func, Value::Func(_)) => true,
            (GoType::Safe(want), Value::Safe(have, _)) => want == have,
            (GoType::List(elem), Value::List(list)) => **elem == *list.elem_type(),
            (GoType::Map(elem), Value::Map(map)) => **elem == *map.elem_type(),
            (GoType::Named(name), Value::Object(object)) => **name == *object.type_name(),
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Uint(u) => write!(f, "Uint({u})"),
            Value::Float(x) => write!(f, "Float({x:?})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Safe(kind, s) => write!(f, "Safe({kind:?}, {s:?})"),
            Value::List(list) => f.debug_list().entries(list.items()).finish(),
            Value::Map(map) => f.debug_map().entries(map.entries()).finish(),
            Value::Func(_) => f.write_str("Func"),
            Value::Object(object) => write!(f, "Object({})", object.type_name()),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i64::from(i))
    }
}

impl From<usize> for Value {
    fn from(u: usize) -> Value {
        Value::Int(i64::try_from(u).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Value {
    fn from(u: u64) -> Value {
        Value::Uint(u)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Arc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Arc::from(s))
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Value {
        Value::String(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }
}

impl From<Function> for Value {
    fn from(f: Function) -> Value {
        Value::Func(f)
    }
}
