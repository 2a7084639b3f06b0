//! `--alerts FILE`: the alerts a command renders or sends, read from JSON in
//! either of the two shapes people already have:
//!
//! - a list of alerts as POSTed to `/api/v2/alerts` (what Prometheus and
//!   `amtool alert add` send): `[{"labels": {…}, "annotations": {…},
//!   "startsAt": "…", "endsAt": "…", "generatorURL": "…"}, …]`;
//! - an object with an `"alerts"` list, such as a webhook payload (one line
//!   of a `tocsin inspect --save` file) or an amtool `--template.data` file.
//!
//! Missing `startsAt` means now; missing, empty or zero `endsAt` means
//! firing. Each alert is validated as the API validates posted alerts.
//! `-` reads standard input.

use std::io::Read as _;
use std::path::Path;

use jiff::Timestamp;
use serde_json::{Map, Value};
use tocsin_alerting::alert::{Alert, Time};
use tocsin_model::LabelSet;
use tocsin_model::matcher::ParseMode;

/// Why the alerts file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AlertsFileError {
    #[error("cannot read {path}: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: not JSON: {cause}")]
    Json {
        path: String,
        cause: serde_json::Error,
    },
    #[error("{path}: {message}")]
    Shape { path: String, message: String },
}

/// The alerts in `path` (`-` for standard input), with `now` standing in
/// for missing start times.
pub fn read_alerts(path: &Path, now: Timestamp) -> Result<Vec<Alert>, AlertsFileError> {
    let shown = path.display().to_string();
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|cause| AlertsFileError::Read {
                path: "standard input".into(),
                cause,
            })?;
        bytes
    } else {
        std::fs::read(path).map_err(|cause| AlertsFileError::Read {
            path: shown.clone(),
            cause,
        })?
    };
    parse_alerts(&bytes, now).map_err(|e| match e {
        ParseError::Json(cause) => AlertsFileError::Json {
            path: shown.clone(),
            cause,
        },
        ParseError::Shape(message) => AlertsFileError::Shape {
            path: shown.clone(),
            message,
        },
    })
}

#[derive(Debug)]
enum ParseError {
    Json(serde_json::Error),
    Shape(String),
}

fn parse_alerts(bytes: &[u8], now: Timestamp) -> Result<Vec<Alert>, ParseError> {
    let document: Value = serde_json::from_slice(bytes).map_err(ParseError::Json)?;
    let list = match &document {
        Value::Array(list) => list,
        Value::Object(object) => match object.get("alerts") {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(ParseError::Shape(
                    "expected a list of alerts or an object with an \"alerts\" list".into(),
                ));
            }
        },
        _ => {
            return Err(ParseError::Shape(
                "expected a list of alerts or an object with an \"alerts\" list".into(),
            ));
        }
    };
    if list.is_empty() {
        return Err(ParseError::Shape("the alert list is empty".into()));
    }
    list.iter()
        .enumerate()
        .map(|(i, value)| {
            alert(value, now).map_err(|message| ParseError::Shape(format!("alert {i}: {message}")))
        })
        .collect()
}

fn alert(value: &Value, now: Timestamp) -> Result<Alert, String> {
    let Value::Object(object) = value else {
        return Err("expected an object".into());
    };
    let labels = label_set(object, "labels")?;
    let annotations = label_set(object, "annotations")?;
    let starts_at = time(object, "startsAt")?.unwrap_or_else(|| Time::utc(now));
    let ends_at = time(object, "endsAt")?.unwrap_or(Time::ZERO);
    let generator_url = match object.get("generatorURL") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("\"generatorURL\" must be a string".into()),
    };
    let alert = Alert {
        labels,
        annotations,
        starts_at,
        ends_at,
        generator_url,
        updated_at: Time::utc(now),
        timeout: false,
    };
    alert
        .validate(ParseMode::Fallback)
        .map_err(|e| e.to_string())?;
    Ok(alert)
}

fn label_set(object: &Map<String, Value>, field: &str) -> Result<LabelSet, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(LabelSet::new()),
        Some(Value::Object(pairs)) => pairs
            .iter()
            .map(|(name, value)| match value {
                Value::String(s) => Ok((name.clone(), s.clone())),
                _ => Err(format!("\"{field}\".{name} must be a string")),
            })
            .collect(),
        Some(_) => Err(format!("\"{field}\" must be an object of strings")),
    }
}

/// An RFC 3339 time; `None` when absent, empty or Go's zero time.
fn time(object: &Map<String, Value>, field: &str) -> Result<Option<Time>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => {
            let t = Time::parse_rfc3339(s).map_err(|e| format!("\"{field}\": {e}"))?;
            Ok((!t.is_zero()).then_some(t))
        }
        Some(_) => Err(format!("\"{field}\" must be an RFC 3339 time string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn reads_api_alert_lists_with_defaults() {
        let alerts = parse_alerts(
            br#"[{"labels":{"alertname":"A"}},
                 {"labels":{"alertname":"B"},"annotations":{"summary":"s"},
                  "startsAt":"2026-01-01T10:00:00+02:00","endsAt":"2026-01-01T11:00:00Z",
                  "generatorURL":"http://g"}]"#,
            now(),
        )
        .unwrap();
        assert_eq!(alerts.len(), 2);
        assert_eq!(alerts[0].starts_at, Time::utc(now()));
        assert!(alerts[0].ends_at.is_zero());
        assert_eq!(alerts[1].annotations.get("summary"), Some("s"));
        assert_eq!(
            alerts[1].starts_at.to_rfc3339_nano(),
            "2026-01-01T10:00:00+02:00"
        );
        assert!(alerts[1].resolved_at(now()));
        assert_eq!(alerts[1].generator_url, "http://g");
    }

    #[test]
    fn reads_webhook_payloads_where_zero_end_means_firing() {
        let alerts = parse_alerts(
            br#"{"receiver":"r","alerts":[{"status":"firing","labels":{"a":"1"},
                "startsAt":"2026-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}"#,
            now(),
        )
        .unwrap();
        assert!(alerts[0].ends_at.is_zero());
    }

    #[test]
    fn bad_shapes_say_which_alert_and_why() {
        let message = |input: &[u8]| match parse_alerts(input, now()) {
            Err(ParseError::Shape(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            message(br#"[{"labels":{"a":"1"}},{"labels":{}}]"#),
            "alert 1: at least one label pair required"
        );
        assert_eq!(
            message(br#"[{"labels":{"a":1}}]"#),
            "alert 0: \"labels\".a must be a string"
        );
        assert!(
            message(br#"[{"labels":{"a":"1"},"startsAt":"yesterday"}]"#)
                .starts_with("alert 0: \"startsAt\": ")
        );
        assert_eq!(message(b"[]"), "the alert list is empty");
        assert!(matches!(
            parse_alerts(b"{", now()),
            Err(ParseError::Json(_))
        ));
    }
}
