//! Shared test fixtures: the Rust side of `tests/oracle/main.go`. It turns
//! the JSON data of a case into [`Value`]s with the same encoding rules
//! (integral numbers are ints, `{"$kv": ...}` builds a KV object, ...),
//! implements the oracle's Go types (`main.KV`, `main.Pairs`, `main.Pair`,
//! `main.Item`) as [`Object`]s, provides the oracle's functions with their Go
//! signatures, and runs a case the way the oracle does.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use tocsin_gotemplate::{
    FuncError, FuncMap, Function, GoType, List, Map, Object, Repr, SafeKind, Signature, Template,
    Value,
};

/// One test case of `tests/cases.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub name: String,
    pub template: serde_json::Value,
    #[serde(default)]
    pub data: Option<serde_json::Value>,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub html: bool,
    #[serde(default)]
    pub exec: Option<serde_json::Value>,
    #[serde(default)]
    pub delims: Option<Vec<String>>,
    #[serde(default)]
    pub note: Option<String>,
    pub output: String,
    pub error: String,
    pub phase: String,
}

/// What running a case produced.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub output: String,
    pub error: String,
    pub phase: String,
}

/// `tests/cases.json`: shared datasets and the cases.
#[derive(Debug, Clone, Deserialize)]
pub struct Suite {
    pub datasets: BTreeMap<String, serde_json::Value>,
    pub cases: Vec<Case>,
}

impl Suite {
    /// The JSON data of a case.
    pub fn data_of(&self, case: &Case) -> Option<serde_json::Value> {
        match &case.dataset {
            Some(name) => Some(self.datasets.get(name).expect("known dataset").clone()),
            None => case.data.clone(),
        }
    }
}

pub fn load_suite(path: &str) -> Suite {
    let text = std::fs::read_to_string(path).expect("read cases");
    serde_json::from_str(&text).expect("parse cases")
}

pub fn cases_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases.json").to_string()
}

fn texts(template: &serde_json::Value) -> Vec<String> {
    match template {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().expect("template text").to_string())
            .collect(),
        other => panic!("bad template field {other}"),
    }
}

/// A case where this engine deliberately differs from Go 1.19.
pub struct Difference {
    pub name: &'static str,
    /// Why we differ.
    pub reason: &'static str,
    /// What we produce instead.
    pub output: &'static str,
    pub error: &'static str,
}

pub const KNOWN_DIFFERENCES: &[Difference] = &[
    Difference {
        name: "html_attr_empty_value",
        reason: "Go 1.19.9+/1.20.4+ (CVE-2023-29400) replace an empty unquoted attribute value",
        output: "<a title=\"\" alt=ZgotmplZ>x</a>",
        error: "",
    },
    Difference {
        name: "html_unquoted_empty_values",
        reason: "Go 1.19.9+/1.20.4+ (CVE-2023-29400) replace an empty unquoted attribute value",
        output: "<a title=ZgotmplZ class=ZgotmplZ>x</a>",
        error: "",
    },
    Difference {
        name: "html_style_angle_brackets",
        reason: "Go 1.19.9+/1.20.4+ (CVE-2023-24539) reject < and > in CSS values",
        output: "<p style=\"color: ZgotmplZ\">x</p><style>p { color: ZgotmplZ }</style>",
        error: "",
    },
    Difference {
        name: "range_over_int",
        reason: "Go 1.22+ ranges over integers; 1.19 rejects it",
        output: "xxx",
        error: "",
    },
    Difference {
        name: "exec_error_range_int_var",
        reason: "Go 1.22+ message for two variables over an integer",
        output: "",
        error: "template: exec_error_range_int_var:1:18: executing \"exec_error_range_int_var\" at <3>: can't use 3 to iterate over more than one variable",
    },
    Difference {
        name: "parse_with_else_with",
        reason: "Go 1.23+ accepts {{else with}}",
        output: "a",
        error: "",
    },
    Difference {
        name: "parse_if_else_with",
        reason: "Go 1.23+ leaves the `with` of {{else with}} inside an if to the list parser",
        output: "",
        error: "template: parse_if_else_with:1: unexpected <with> in input",
    },
    Difference {
        name: "template_infinite",
        reason: "our template depth limit is 100 (Go: 100000)",
        output: "",
        error: "template: template_infinite:1:25: executing \"r\" at <{{template \"r\"}}>: exceeded maximum template depth (100)",
    },
    Difference {
        name: "func_value_printed",
        reason: "function values have no Go signature type name",
        output: "",
        error: "template: func_value_printed:1:2: executing \"func_value_printed\" at <{{adder}}>: can't print {{adder}} of type func",
    },
    Difference {
        name: "parse_complex",
        reason: "complex constants are not supported",
        output: "",
        error: "template: parse_complex:1: complex constant \"1+2i\" is not supported",
    },
    Difference {
        name: "parse_imaginary",
        reason: "complex constants are not supported",
        output: "",
        error: "template: parse_imaginary:1: complex constant \"2i\" is not supported",
    },
];

/// What a case must produce: Go's recorded result, or the documented
/// alternative for a known difference (whose phase is taken from `got`).
pub fn expected_outcome(case: &Case, got: &Outcome) -> Outcome {
    let difference = KNOWN_DIFFERENCES.iter().find(|d| d.name == case.name);
    let (output, error) = match difference {
        Some(d) => (d.output.to_string(), d.error.to_string()),
        None => (case.output.clone(), case.error.clone()),
    };
    let phase = if error.is_empty() {
        String::new()
    } else if difference.is_some() {
        got.phase.clone()
    } else {
        case.phase.clone()
    };
    Outcome {
        output,
        error,
        phase,
    }
}

/// Runs a case like the oracle does.
pub fn run_case(suite: &Suite, case: &Case) -> Outcome {
    let mut t = if case.html {
        Template::new_html(&case.name)
    } else {
        Template::new(&case.name)
    };
    if let Some(delims) = &case.delims {
        t.delims(&delims[0], &delims[1]);
    }
    t.funcs(oracle_funcs()).expect("funcs");
    for option in &case.options {
        t.option(option).expect("option");
    }
    for text in texts(&case.template) {
        if let Err(err) = t.parse(&text) {
            return Outcome {
                output: String::new(),
                error: err.to_string(),
                phase: "parse".to_string(),
            };
        }
    }
    let data = suite.data_of(case).as_ref().map_or(Value::Nil, to_value);
    let names = match &case.exec {
        None => vec![String::new()],
        Some(serde_json::Value::String(name)) => vec![name.clone()],
        Some(other) => texts(other),
    };
    let mut out = String::new();
    let mut result = Ok(());
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str("\n--\n");
        }
        result = if name.is_empty() {
            t.execute(&data, &mut out)
        } else {
            t.execute_template(name, &data, &mut out)
        };
        if result.is_err() {
            break;
        }
    }
    match result {
        Ok(()) => Outcome {
            output: out,
            error: String::new(),
            phase: String::new(),
        },
        Err(err) => Outcome {
            output: out,
            error: err.to_string(),
            phase: "exec".to_string(),
        },
    }
}

/// Converts case data with the oracle's encoding rules.
pub fn to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().expect("number")),
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => Value::list(items.iter().map(to_value)),
        serde_json::Value::Object(map) => {
            if map.len() == 1 {
                let (key, inner) = map.iter().next().expect("one entry");
                if let Some(typed) = typed_value(key, inner) {
                    return typed;
                }
            }
            Value::map(map.iter().map(|(k, v)| (k.as_str(), to_value(v))))
        }
    }
}

fn typed_value(key: &str, inner: &serde_json::Value) -> Option<Value> {
    let text = || inner.as_str().unwrap_or("").to_string();
    let safe = |kind: SafeKind| Some(Value::Safe(kind, Arc::from(text())));
    match key {
        "$uint" => Some(Value::Uint(inner.as_u64().expect("uint"))),
        "$float" => Some(Value::Float(match text().as_str() {
            "NaN" => f64::NAN,
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "-0" => -0.0,
            other => other.parse().expect("float"),
        })),
        "$html" => safe(SafeKind::Html),
        "$attr" => safe(SafeKind::HtmlAttr),
        "$url" => safe(SafeKind::Url),
        "$js" => safe(SafeKind::Js),
        "$jsstr" => safe(SafeKind::JsStr),
        "$css" => safe(SafeKind::Css),
        "$srcset" => safe(SafeKind::Srcset),
        "$strings" => Some(Value::string_list(
            inner
                .as_array()
                .expect("strings")
                .iter()
                .map(|s| s.as_str().expect("string").to_string()),
        )),
        "$kv" => Some(Value::object(Kv::from_json(inner))),
        "$item" => Some(Value::object(Item::from_json(inner))),
        "$items" => Some(Value::List(List::typed(
            GoType::Named(Arc::from("main.Item")),
            inner
                .as_array()
                .expect("items")
                .iter()
                .map(|m| Value::object(Item::from_json(m)))
                .collect(),
        ))),
        _ => None,
    }
}

/// The oracle's `KV`: a `map[string]string` with Alertmanager-like methods.
pub struct Kv(pub BTreeMap<String, String>);

impl Kv {
    fn from_json(json: &serde_json::Value) -> Kv {
        Kv(json
            .as_object()
            .expect("kv")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("kv value").to_string()))
            .collect())
    }

    fn pairs(&self) -> Pairs {
        Pairs(self.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

impl Object for Kv {
    fn type_name(&self) -> &str {
        "main.KV"
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(self.pairs().text())
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.0.get(name).map(|v| Value::from(v.as_str()))
    }

    fn map_zero(&self) -> Option<Value> {
        Some(Value::from(""))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "SortedPairs" | "Names" | "Values" | "String" => Some(Signature::fixed(vec![])),
            "Remove" => Some(Signature::fixed(vec![GoType::string_list()])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let pairs = self.pairs();
        Ok(match name {
            "SortedPairs" => Value::object(pairs),
            "Names" => Value::string_list(pairs.0.iter().map(|p| p.0.clone())),
            "Values" => Value::string_list(pairs.0.iter().map(|p| p.1.clone())),
            "String" => Value::from(pairs.text()),
            "Remove" => {
                let mut out = self.0.clone();
                if let Some(Value::List(keys)) = args.first() {
                    for key in keys.items() {
                        if let Some(k) = key.as_str() {
                            out.remove(k);
                        }
                    }
                }
                Value::object(Kv(out))
            }
            other => return Err(FuncError::new(format!("no method {other}"))),
        })
    }

    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .map(|(k, v)| (Value::from(k.as_str()), Value::from(v.as_str())))
                .collect(),
        )
    }
}

/// The oracle's `Pairs`.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    fn text(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Object for Pairs {
    fn type_name(&self) -> &str {
        "main.Pairs"
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(self.text())
    }

    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "Names" | "Values" | "String").then(|| Signature::fixed(vec![]))
    }

    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, FuncError> {
        Ok(match name {
            "Names" => Value::string_list(self.0.iter().map(|p| p.0.clone())),
            "Values" => Value::string_list(self.0.iter().map(|p| p.1.clone())),
            _ => Value::from(self.text()),
        })
    }

    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, (k, v))| (Value::from(i), Value::object(Pair(k.clone(), v.clone()))))
                .collect(),
        )
    }
}

/// The oracle's `Pair`.
pub struct Pair(pub String, pub String);

impl Object for Pair {
    fn type_name(&self) -> &str {
        "main.Pair"
    }

    fn repr(&self) -> Repr {
        Repr::Struct(vec![
            ("Name".to_string(), Value::from(self.0.as_str())),
            ("Value".to_string(), Value::from(self.1.as_str())),
        ])
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(Value::from(self.0.as_str())),
            "Value" => Some(Value::from(self.1.as_str())),
            _ => None,
        }
    }
}

/// The oracle's `Item` struct.
pub struct Item {
    pub name: String,
    pub count: i64,
    pub tags: Vec<String>,
}

impl Item {
    fn from_json(json: &serde_json::Value) -> Item {
        Item {
            name: json["Name"].as_str().unwrap_or("").to_string(),
            count: json["Count"].as_i64().unwrap_or(0),
            tags: json["Tags"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|t| t.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn tags(&self) -> Value {
        Value::string_list(self.tags.iter().cloned())
    }
}

impl Object for Item {
    fn type_name(&self) -> &str {
        "main.Item"
    }

    fn repr(&self) -> Repr {
        Repr::Struct(vec![
            ("Name".to_string(), Value::from(self.name.as_str())),
            ("Count".to_string(), Value::Int(self.count)),
            ("Tags".to_string(), self.tags()),
        ])
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(Value::from(self.name.as_str())),
            "Count" => Some(Value::Int(self.count)),
            "Tags" => Some(self.tags()),
            _ => None,
        }
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Upper" | "Fail" => Some(Signature::fixed(vec![])),
            "Add" => Some(Signature::fixed(vec![GoType::Int])),
            "Greet" => Some(Signature::fixed(vec![GoType::String])),
            "Join" => Some(Signature::variadic(vec![GoType::String], GoType::String)),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        match name {
            "Upper" => Ok(Value::from(go_to_upper(&self.name))),
            "Fail" => Err(FuncError::new("item failure")),
            "Add" => match args {
                [Value::Int(n)] => Ok(Value::Int(self.count + n)),
                _ => Err(FuncError::new("bad args")),
            },
            "Greet" => Ok(Value::from(format!(
                "hello {} from {}",
                args.first().and_then(Value::as_str).unwrap_or(""),
                self.name
            ))),
            "Join" => {
                let sep = args.first().and_then(Value::as_str).unwrap_or("");
                let parts: Vec<&str> = args.iter().skip(1).filter_map(Value::as_str).collect();
                Ok(Value::from(format!("{}:{}", self.name, parts.join(sep))))
            }
            other => Err(FuncError::new(format!("no method {other}"))),
        }
    }
}

/// Go's `strings.ToUpper`: per-character simple upper-casing.
pub fn go_to_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

/// The oracle's function map, with the same Go signatures.
pub fn oracle_funcs() -> FuncMap {
    let mut funcs = FuncMap::new();
    let mut add = |name: &str, f: Function| {
        funcs.insert(name.to_string(), f);
    };
    add(
        "upper",
        Function::with_signature(Signature::fixed(vec![GoType::String]), |args| {
            Ok(Value::from(go_to_upper(str_arg(args, 0))))
        }),
    );
    add(
        "add",
        Function::with_signature(Signature::fixed(vec![GoType::Int, GoType::Int]), |args| {
            Ok(Value::Int(int_arg(args, 0) + int_arg(args, 1)))
        }),
    );
    add(
        "fail",
        Function::with_signature(Signature::fixed(vec![]), |_| Err(FuncError::new("boom"))),
    );
    add(
        "join",
        Function::with_signature(
            Signature::fixed(vec![GoType::String, GoType::string_list()]),
            |args| {
                let sep = str_arg(args, 0);
                let parts: Vec<&str> = match args.get(1) {
                    Some(Value::List(list)) => {
                        list.items().iter().filter_map(Value::as_str).collect()
                    }
                    _ => Vec::new(),
                };
                Ok(Value::from(parts.join(sep)))
            },
        ),
    );
    add(
        "strs",
        Function::with_signature(Signature::variadic(vec![], GoType::String), |args| {
            Ok(Value::string_list(
                args.iter().filter_map(Value::as_str).map(str::to_string),
            ))
        }),
    );
    add(
        "safe",
        Function::with_signature(Signature::fixed(vec![GoType::String]), |args| {
            Ok(Value::html(str_arg(args, 0)))
        }),
    );
    add(
        "double",
        Function::with_signature(Signature::fixed(vec![GoType::Float64]), |args| match args {
            [Value::Float(f)] => Ok(Value::Float(f * 2.0)),
            _ => Err(FuncError::new("bad args")),
        }),
    );
    add(
        "concat",
        Function::with_signature(
            Signature::variadic(vec![GoType::String], GoType::Any),
            |args| {
                let rest = args.get(1..).unwrap_or(&[]);
                Ok(Value::from(format!(
                    "{}{}",
                    str_arg(args, 0),
                    tocsin_gotemplate::sprint(rest)
                )))
            },
        ),
    );
    add(
        "null",
        Function::with_signature(Signature::fixed(vec![]), |_| Ok(Value::Nil)),
    );
    add(
        "kv",
        Function::with_signature(Signature::fixed(vec![]), |_| {
            Ok(Value::object(Kv(BTreeMap::from([
                ("b".to_string(), "2".to_string()),
                ("a".to_string(), "1".to_string()),
            ]))))
        }),
    );
    add(
        "isnil",
        Function::with_signature(Signature::fixed(vec![GoType::Any]), |args| {
            Ok(Value::Bool(args.first().is_none_or(Value::is_nil)))
        }),
    );
    add(
        "adder",
        Function::with_signature(Signature::fixed(vec![]), |_| {
            Ok(Value::Func(Function::with_signature(
                Signature::fixed(vec![GoType::Int, GoType::Int]),
                |args| Ok(Value::Int(int_arg(args, 0) + int_arg(args, 1))),
            )))
        }),
    );
    add(
        "uinc",
        Function::with_signature(Signature::fixed(vec![GoType::Uint]), |args| match args {
            [Value::Uint(u)] => Ok(Value::Uint(u + 1)),
            _ => Err(FuncError::new("bad args")),
        }),
    );
    add(
        "yes",
        Function::with_signature(Signature::fixed(vec![GoType::Bool]), |args| match args {
            [Value::Bool(b)] => Ok(Value::from(b.to_string())),
            _ => Err(FuncError::new("bad args")),
        }),
    );
    funcs
}

/// A `map[string]string` value (Go's typed map), for tests that need one.
pub fn string_map(entries: &[(&str, &str)]) -> Value {
    Value::Map(Map::typed(
        GoType::String,
        entries
            .iter()
            .map(|(k, v)| (Arc::from(*k), Value::from(*v)))
            .collect(),
    ))
}
