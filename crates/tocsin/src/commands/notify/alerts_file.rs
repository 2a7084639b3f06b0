//! `--alerts FILE`: the alerts a command renders or sends, read from JSON in
//! either of the two shapes people already have:
//!
//! - alerts as POSTed to `/api/v2/alerts` (what Prometheus and `amtool
//!   alert add` send), parsed by [`parse_alerts_json`];
//! - an object with an `"alerts"` list, such as a webhook payload (one line
//!   of a `tocsin inspect --save` file): its alerts are read the same way.
//!
//! `-` reads standard input.

use std::io::Read as _;
use std::path::Path;

use jiff::Timestamp;
use serde_json::Value;
use tocsin_alerting::alert::Alert;
use tocsin_notify::template::parse_alerts_json;

/// Why the alerts file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AlertsFileError {
    #[error("cannot read {path}: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// The alerts in `path` (`-` for standard input), with `now` standing in
/// for missing start times.
pub fn read_alerts(path: &Path, now: Timestamp) -> Result<Vec<Alert>, AlertsFileError> {
    let (shown, read) = if path.as_os_str() == "-" {
        let mut text = String::new();
        let read = std::io::stdin().read_to_string(&mut text).map(|_| text);
        ("standard input".to_owned(), read)
    } else {
        (path.display().to_string(), std::fs::read_to_string(path))
    };
    let text = read.map_err(|cause| AlertsFileError::Read {
        path: shown.clone(),
        cause,
    })?;
    parse(&text, now).map_err(|message| AlertsFileError::Invalid {
        path: shown,
        message,
    })
}

fn parse(text: &str, now: Timestamp) -> Result<Vec<Alert>, String> {
    // A payload's alert list is parsed on its own.
    let unwrapped = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut object)) if object.get("alerts").is_some_and(Value::is_array) => {
            object.remove("alerts").map(|alerts| alerts.to_string())
        }
        _ => None,
    };
    let alerts =
        parse_alerts_json(unwrapped.as_deref().unwrap_or(text), now).map_err(|e| e.to_string())?;
    if alerts.is_empty() {
        return Err("the alert list is empty".into());
    }
    Ok(alerts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn reads_api_alert_lists() {
        let alerts = parse(
            r#"[{"labels":{"alertname":"A"}},
                {"labels":{"alertname":"B"},"startsAt":"2026-01-01T10:00:00+02:00",
                 "endsAt":"2026-01-01T11:00:00Z"}]"#,
            now(),
        )
        .unwrap();
        assert_eq!(alerts.len(), 2);
        assert!(alerts[0].ends_at.is_zero());
        assert!(alerts[1].resolved_at(now()));
    }

    #[test]
    fn reads_the_alerts_of_a_webhook_payload() {
        let alerts = parse(
            r#"{"receiver":"r","status":"firing","alerts":[{"status":"firing","labels":{"a":"1"},
                "startsAt":"2026-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                "fingerprint":"0123456789abcdef"}],"version":"4"}"#,
            now(),
        )
        .unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].labels.get("a"), Some("1"));
        assert!(!alerts[0].resolved_at(now()));
    }

    #[test]
    fn empty_and_malformed_files_are_refused() {
        assert_eq!(parse("[]", now()).unwrap_err(), "the alert list is empty");
        assert_eq!(
            parse(r#"{"alerts": []}"#, now()).unwrap_err(),
            "the alert list is empty"
        );
        assert!(parse("{", now()).is_err());
        assert!(
            parse(r#"[{"labels": {}}]"#, now())
                .unwrap_err()
                .starts_with("alert 0: ")
        );
    }
}
