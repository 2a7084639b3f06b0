//! Templated JSON documents: upstream's `template.DeepCopyWithTemplate`,
//! used by the webhook `payload:` map and Jira's custom `fields`. A YAML
//! value from the configuration is copied with every string (values and map
//! keys) rendered as a text template; a rendered string that reads as YAML
//! holding something other than a string (a number, `true`, a list, a map,
//! or nothing at all) becomes that structured value, as upstream re-parses
//! it with `yaml.v2`. Maps keep only string keys; the result is written as
//! Go's `encoding/json` writes the equivalent `any` value (map keys sorted,
//! Go's float format).

use std::collections::BTreeMap;

use tocsin_config::Value;
use tocsin_config::yaml::{self, Document, NodeId, NodeKind, Resolved};

use crate::gojson::{GoJson, JsonError, write_string};

/// Alias expansions allowed while re-reading one rendered string (guards
/// against exponential "billion laughs" documents).
const MAX_EXPANDED_NODES: usize = 10_000;

/// A JSON value as Go's `encoding/json` sees an `any`.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    /// Always finite ([`JsonValue::check_finite`] refuses the others, as Go
    /// does).
    Float(f64),
    String(String),
    Array(Vec<JsonValue>),
    /// Keys in byte order, as Go writes map keys.
    Object(BTreeMap<String, JsonValue>),
}

/// Why a templated document could not be produced.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JsonTemplateError {
    #[error("{0}")]
    Template(String),
    /// Go: `json: unsupported value: NaN`.
    #[error("json: unsupported value: {0}")]
    UnsupportedValue(String),
}

/// Copies `value`, rendering every string with `render` (which reports the
/// template error, if any).
pub fn render_value(
    value: &Value,
    render: &mut impl FnMut(&str) -> Result<String, String>,
) -> Result<JsonValue, JsonTemplateError> {
    let copied = match value {
        Value::Null => JsonValue::Null,
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::Int(i) => JsonValue::Int(*i),
        Value::Uint(u) => JsonValue::Uint(*u),
        Value::Float(f) => JsonValue::Float(*f),
        Value::String(s) => {
            let rendered = render(s).map_err(JsonTemplateError::Template)?;
            reread_rendered(rendered)
        }
        Value::Sequence(items) => JsonValue::Array(
            items
                .iter()
                .map(|item| render_value(item, render))
                .collect::<Result<_, _>>()?,
        ),
        Value::Mapping(entries) => {
            let mut object = BTreeMap::new();
            for (key, item) in entries {
                let Value::String(key) = key else {
                    continue;
                };
                let key = render(key).map_err(JsonTemplateError::Template)?;
                object.insert(key, render_value(item, render)?);
            }
            JsonValue::Object(object)
        }
    };
    copied.check_finite()?;
    Ok(copied)
}

/// A rendered string stays a string unless it reads as YAML holding
/// something else (upstream re-parses it with `yaml.v2`).
fn reread_rendered(rendered: String) -> JsonValue {
    let Ok(document) = yaml::parse(&rendered) else {
        return JsonValue::String(rendered);
    };
    let Some(root) = document.root() else {
        // An empty (or comment-only) document is `nil`.
        return JsonValue::Null;
    };
    let mut budget = MAX_EXPANDED_NODES;
    match yaml_to_json(&document, root, &mut budget) {
        Some(JsonValue::String(_)) | None => JsonValue::String(rendered),
        Some(value) => value,
    }
}

/// `yaml.v2` decoding into `any`, then upstream's normalisation (string
/// keys only). `None` when the document cannot be decoded.
fn yaml_to_json(document: &Document, id: NodeId, budget: &mut usize) -> Option<JsonValue> {
    *budget = budget.checked_sub(1)?;
    let node = document.node(id)?;
    Some(match &node.kind {
        NodeKind::Scalar(scalar) => match scalar.resolve() {
            Resolved::Null => JsonValue::Null,
            Resolved::Bool(b) => JsonValue::Bool(b),
            Resolved::Int(i) => JsonValue::Int(i),
            Resolved::Uint(u) => JsonValue::Uint(u),
            Resolved::Float(f) => JsonValue::Float(f),
            Resolved::Str | Resolved::Timestamp | Resolved::Merge => {
                JsonValue::String(scalar.value.clone())
            }
        },
        NodeKind::Sequence(items) => JsonValue::Array(
            items
                .iter()
                .map(|item| yaml_to_json(document, *item, budget))
                .collect::<Option<_>>()?,
        ),
        NodeKind::Mapping(entries) => {
            let mut object = BTreeMap::new();
            for (key, item) in entries {
                let value = yaml_to_json(document, *item, budget)?;
                if let Some(JsonValue::String(key)) = yaml_to_json(document, *key, budget) {
                    object.insert(key, value);
                }
            }
            JsonValue::Object(object)
        }
        NodeKind::Alias { target, .. } => yaml_to_json(document, *target, budget)?,
    })
}

impl JsonValue {
    /// Go refuses NaN and infinities when encoding.
    pub fn check_finite(&self) -> Result<(), JsonTemplateError> {
        match self {
            JsonValue::Float(f) if !f.is_finite() => Err(JsonTemplateError::UnsupportedValue(
                go_float_name(*f).to_owned(),
            )),
            JsonValue::Array(items) => items.iter().try_for_each(JsonValue::check_finite),
            JsonValue::Object(object) => object.values().try_for_each(JsonValue::check_finite),
            _ => Ok(()),
        }
    }
}

fn go_float_name(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

/// Go's `encoding/json` text for a finite float64: shortest round-trip
/// digits, plain notation unless the magnitude is below 1e-6 or at least
/// 1e21, where Go uses `1e+21` / `1e-7`.
pub fn go_float(f: f64) -> String {
    let magnitude = f.abs();
    if magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        let text = format!("{f:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => {
                format!("{mantissa}e+{exponent}")
            }
            _ => text,
        }
    } else {
        format!("{f}")
    }
}

impl GoJson for JsonValue {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        match self {
            JsonValue::Null => out.extend_from_slice(b"null"),
            JsonValue::Bool(b) => b.write_json(out)?,
            JsonValue::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            JsonValue::Uint(u) => out.extend_from_slice(u.to_string().as_bytes()),
            // Non-finite floats never get here (see `check_finite`); Go would
            // refuse them, `null` keeps the output valid JSON regardless.
            JsonValue::Float(f) if f.is_finite() => out.extend_from_slice(go_float(*f).as_bytes()),
            JsonValue::Float(_) => out.extend_from_slice(b"null"),
            JsonValue::String(s) => write_string(out, s),
            JsonValue::Array(items) => items.write_json(out)?,
            JsonValue::Object(object) => {
                out.push(b'{');
                for (i, (key, value)) in object.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(out, key);
                    out.push(b':');
                    value.write_json(out)?;
                }
                out.push(b'}');
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: &JsonValue) -> String {
        String::from_utf8(crate::gojson::marshal(value).unwrap()).unwrap()
    }

    fn identity(s: &str) -> Result<String, String> {
        Ok(s.to_owned())
    }

    // Expected values produced by Go 1.19 `json.Marshal(float64)`.
    #[test]
    fn floats_are_written_like_go() {
        let cases = [
            (1.5, "1.5"),
            (100.0, "100"),
            (-0.0, "-0"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.25e-10, "1.25e-10"),
            (0.30000000000000004, "0.30000000000000004"),
        ];
        for (f, want) in cases {
            assert_eq!(go_float(f), want, "{f}");
        }
    }

    #[test]
    fn rendered_strings_are_reread_as_yaml() {
        let cases = [
            ("plain text", JsonValue::String("plain text".into())),
            ("123", JsonValue::Int(123)),
            ("1.5", JsonValue::Float(1.5)),
            ("yes", JsonValue::Bool(true)),
            ("", JsonValue::Null),
            ("~", JsonValue::Null),
            ("'quoted'", JsonValue::String("'quoted'".into())),
            (
                "value1:",
                JsonValue::Object([("value1".to_owned(), JsonValue::Null)].into()),
            ),
            (
                "[a, 1]",
                JsonValue::Array(vec![JsonValue::String("a".into()), JsonValue::Int(1)]),
            ),
            (
                "{1: a, b: 2}",
                JsonValue::Object([("b".to_owned(), JsonValue::Int(2))].into()),
            ),
            ("a: b: c", JsonValue::String("a: b: c".into())),
            ("2026-01-01", JsonValue::String("2026-01-01".into())),
        ];
        for (text, want) in cases {
            assert_eq!(
                render_value(&Value::String(text.to_owned()), &mut identity).unwrap(),
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn maps_keep_string_keys_rendered_and_sorted() {
        let value = Value::Mapping(vec![
            (Value::String("z".into()), Value::Int(1)),
            (Value::Int(5), Value::Int(2)),
            (
                Value::String("a".into()),
                Value::Sequence(vec![Value::Bool(false), Value::Null, Value::Float(0.5)]),
            ),
        ]);
        let mut upper = |s: &str| Ok(s.to_uppercase());
        let rendered = render_value(&value, &mut upper).unwrap();
        assert_eq!(encode(&rendered), r#"{"A":[false,null,0.5],"Z":1}"#);
    }

    #[test]
    fn template_errors_and_non_finite_floats_are_refused() {
        let mut failing = |_: &str| Err("template: boom".to_owned());
        assert_eq!(
            render_value(&Value::String("x".into()), &mut failing).unwrap_err(),
            JsonTemplateError::Template("template: boom".into())
        );
        assert_eq!(
            render_value(&Value::Float(f64::NAN), &mut identity)
                .unwrap_err()
                .to_string(),
            "json: unsupported value: NaN"
        );
        assert_eq!(
            render_value(&Value::String(".inf".into()), &mut identity)
                .unwrap_err()
                .to_string(),
            "json: unsupported value: +Inf"
        );
    }

    #[test]
    fn alias_bombs_stay_strings() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ["b", "c", "d", "e", "f"]
            .iter()
            .zip(["a", "b", "c", "d", "e"])
        {
            bomb.push_str(&format!(
                "{i}: &{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert_eq!(
            render_value(&Value::String(bomb.clone()), &mut identity).unwrap(),
            JsonValue::String(bomb)
        );
    }
}
