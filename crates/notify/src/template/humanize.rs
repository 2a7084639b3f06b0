//! `humanizeDuration` (prometheus/common `HumanizeDuration`): a number of
//! seconds as `1d 2h 3m 4s` (whole seconds from one minute up), `1.234s`
//! below a minute, and SI-prefixed fractions below a second (`100ms`,
//! `100us`). Accepts numbers, numeric strings and `time.Duration`.

use tocsin_gotemplate::{FuncError, Value};

use super::gotime::GoDurationValue;

/// prometheus/common's `ConvertToFloat` over a template value.
fn to_float(value: &Value) -> Result<f64, FuncError> {
    match value {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Uint(u) => Ok(*u as f64),
        Value::String(s) => parse_float(s),
        Value::Object(object) => match object.downcast_ref::<GoDurationValue>() {
            Some(d) => Ok(duration_seconds(d.0)),
            None => Err(cannot_convert(value)),
        },
        _ => Err(cannot_convert(value)),
    }
}

fn cannot_convert(value: &Value) -> FuncError {
    FuncError::new(format!("can't convert {} to float", value.type_name()))
}

/// Go's `Duration.Seconds()`.
fn duration_seconds(nanos: i64) -> f64 {
    let whole = nanos / 1_000_000_000;
    let fraction = nanos % 1_000_000_000;
    whole as f64 + fraction as f64 / 1e9
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input (and `inf`, `nan`),
/// with Go's error messages. Hexadecimal floats and `_` separators are not
/// accepted.
fn parse_float(s: &str) -> Result<f64, FuncError> {
    let syntax = || {
        FuncError::new(format!(
            "strconv.ParseFloat: parsing {}: invalid syntax",
            tocsin_model::goquote::go_quote(s)
        ))
    };
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        let magnitude = if lower == "nan" {
            f64::NAN
        } else {
            f64::INFINITY
        };
        return Ok(if s.starts_with('-') {
            -magnitude
        } else {
            magnitude
        });
    }
    let valid = !unsigned.is_empty()
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && unsigned.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return Err(syntax());
    }
    let value: f64 = s.parse().map_err(|_| syntax())?;
    if value.is_infinite() {
        return Err(FuncError::new(format!(
            "strconv.ParseFloat: parsing {}: value out of range",
            tocsin_model::goquote::go_quote(s)
        )));
    }
    Ok(value)
}

/// Go's `fmt.Sprintf("%.4g", v)`.
fn g4(v: f64) -> String {
    tocsin_gotemplate::sprintf("%.4g", &[Value::Float(v)])
}

/// `humanizeDuration`.
pub(super) fn humanize_duration(value: &Value) -> Result<String, FuncError> {
    let mut v = to_float(value)?;
    if v.is_nan() || v.is_infinite() {
        return Ok(g4(v));
    }
    if v == 0.0 {
        return Ok(format!("{}s", g4(v)));
    }
    if v.abs() >= 1.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        v = v.abs();
        // Go's int64 conversion truncates (and saturates here).
        let whole = v as i64;
        let seconds = whole % 60;
        let minutes = (whole / 60) % 60;
        let hours = (whole / 3600) % 24;
        let days = whole / 86400;
        if days != 0 {
            return Ok(format!("{sign}{days}d {hours}h {minutes}m {seconds}s"));
        }
        if hours != 0 {
            return Ok(format!("{sign}{hours}h {minutes}m {seconds}s"));
        }
        if minutes != 0 {
            return Ok(format!("{sign}{minutes}m {seconds}s"));
        }
        return Ok(format!("{sign}{}s", g4(v)));
    }
    let mut prefix = "";
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
        if v.abs() >= 1.0 {
            break;
        }
        prefix = p;
        v *= 1000.0;
    }
    Ok(format!("{}{prefix}s", g4(v)))
}
