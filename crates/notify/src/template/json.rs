//! `toJson`: Go's `json.Marshal` over template values, byte-compatible
//! (HTML-safe string escapes, sorted map keys, Go's float formatting,
//! `time.Time` as RFC 3339). Alertmanager's own types are written by
//! [`super::objects::write_object_json`] with their JSON field names.

use tocsin_gotemplate::{FuncError, Value};

use super::objects::write_object_json;
use crate::gojson::write_string;

/// `json.Marshal(v)` as a string.
pub(super) fn marshal(value: &Value) -> Result<String, FuncError> {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, value)?;
    // Every piece written is valid UTF-8 (strings are copied whole).
    String::from_utf8(out).map_err(|e| FuncError::new(e.to_string()))
}

/// Appends the JSON of `value`.
pub(super) fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), FuncError> {
    match value {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Uint(u) => out.extend_from_slice(u.to_string().as_bytes()),
        Value::Float(f) => write_float(out, *f)?,
        Value::String(s) | Value::Safe(_, s) => write_string(out, s),
        Value::List(list) => {
            out.push(b'[');
            for (i, item) in list.items().iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item)?;
            }
            out.push(b']');
        }
        Value::Map(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.entries().iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, key);
                out.push(b':');
                write_value(out, item)?;
            }
            out.push(b'}');
        }
        Value::Func(_) => {
            return Err(FuncError::new("json: unsupported type: func"));
        }
        Value::Object(object) => write_object_json(out, object.as_ref())?,
    }
    Ok(())
}

/// Go's float encoding: shortest digits, plain notation between 1e-6 and
/// 1e21, otherwise `1e+21` / `1e-7`.
fn write_float(out: &mut Vec<u8>, f: f64) -> Result<(), FuncError> {
    if f.is_nan() || f.is_infinite() {
        let text = tocsin_gotemplate::sprint(&[Value::Float(f)]);
        return Err(FuncError::new(format!("json: unsupported value: {text}")));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        out.extend_from_slice(mantissa.as_bytes());
        out.push(b'e');
        match exponent.strip_prefix('-') {
            Some(digits) => {
                out.push(b'-');
                out.extend_from_slice(digits.as_bytes());
            }
            None => {
                out.push(b'+');
                if exponent.len() < 2 {
                    out.push(b'0');
                }
                out.extend_from_slice(exponent.as_bytes());
            }
        }
    } else {
        out.extend_from_slice(format!("{f}").as_bytes());
    }
    Ok(())
}
