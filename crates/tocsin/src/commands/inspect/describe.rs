//! One received request as readable text: an Alertmanager webhook payload
//! (receiver, status, group labels and key, notification reason, truncated
//! count, then every alert's status, labels, annotations and times), any
//! other JSON indented as sent, and anything else shown as a malformed
//! body. Pure formatting: nothing here does I/O, so it is tested directly.
//!
//! Everything that came over the wire goes through [`clean`] before it is
//! printed, so a payload cannot move the cursor or change colours.

use std::fmt::Write as _;

use jiff::Timestamp;
use serde_json::{Map, Value};

use tocsin_model::goquote::go_quote;

use super::style::{Paint, Style};
use crate::commands::notify::json_text;

/// Longest body excerpt shown for a payload that is not an Alertmanager one.
const EXCERPT_LIMIT: usize = 4096;

/// What arrived, as the server saw it.
pub struct Received<'a> {
    /// 1 for the first request since start.
    pub number: u64,
    pub method: &'a str,
    /// Path and query string, e.g. `/database-team`.
    pub target: &'a str,
    pub peer: &'a str,
    pub user_agent: Option<&'a str>,
    pub at: Timestamp,
    pub body: &'a [u8],
}

/// `received` as a block of lines ending with a blank line.
pub fn describe(received: &Received<'_>, style: Style) -> String {
    let mut out = String::new();
    let at = received
        .at
        .to_zoned(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M:%S %Z");
    let mut heading = format!(
        "#{} {} {} ({} bytes from {}",
        received.number,
        clean(received.method),
        clean(received.target),
        received.body.len(),
        clean(received.peer)
    );
    if let Some(agent) = received.user_agent {
        let _ = write!(heading, ", {}", clean(agent));
    }
    let _ = write!(heading, ", {at})");
    let _ = writeln!(out, "{}", style.paint(Paint::Heading, &heading));

    match serde_json::from_slice::<Value>(received.body) {
        Ok(Value::Object(payload)) if payload.get("alerts").is_some_and(Value::is_array) => {
            describe_payload(&mut out, &payload, received.at, style);
        }
        Ok(_) => {
            let _ = writeln!(
                out,
                "{}",
                style.paint(
                    Paint::Warning,
                    "not an Alertmanager webhook payload (no \"alerts\" list); body as sent:"
                )
            );
            let text = json_text::indent(received.body).unwrap_or_default();
            push_excerpt(&mut out, text.as_bytes());
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "{}",
                style.paint(
                    Paint::Warning,
                    &format!("malformed payload: not JSON ({e})")
                )
            );
            push_excerpt(&mut out, received.body);
        }
    }
    out.push('\n');
    out
}

fn describe_payload(out: &mut String, payload: &Map<String, Value>, now: Timestamp, style: Style) {
    let alerts: &[Value] = payload
        .get("alerts")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let firing = alerts
        .iter()
        .filter(|a| a.get("status").and_then(Value::as_str) == Some("firing"))
        .count();
    let status = text_field(payload, "status");
    let mut status_line = style.paint(Paint::for_status(&status), &clean(&status));
    let _ = write!(
        status_line,
        " ({} alert{}: {firing} firing, {} resolved)",
        alerts.len(),
        if alerts.len() == 1 { "" } else { "s" },
        alerts.len() - firing
    );
    let mut fields = vec![
        ("receiver", clean(&text_field(payload, "receiver"))),
        ("status", status_line),
        ("reason", clean(&text_field(payload, "notification_reason"))),
        ("group labels", pairs(payload.get("groupLabels"))),
        ("common labels", pairs(payload.get("commonLabels"))),
        ("group key", clean(&text_field(payload, "groupKey"))),
    ];
    if let Some(route_labels) = payload.get("routeLabels").filter(|v| !is_empty(v)) {
        fields.push(("route labels", pairs(Some(route_labels))));
    }
    let truncated = payload
        .get("truncatedAlerts")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if truncated > 0 {
        fields.push((
            "truncated",
            style.paint(
                Paint::Warning,
                &format!("{truncated} more alert(s) not sent (max_alerts)"),
            ),
        ));
    }
    fields.push(("external URL", clean(&text_field(payload, "externalURL"))));
    let version = text_field(payload, "version");
    if version != "4" {
        fields.push((
            "version",
            style.paint(
                Paint::Warning,
                &format!("{} (tocsin knows version 4)", clean(&version)),
            ),
        ));
    }
    push_fields(out, "", &fields, style);

    for (i, alert) in alerts.iter().enumerate() {
        let status = alert
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let name = alert
            .get("labels")
            .and_then(|l| l.get("alertname"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let _ = writeln!(
            out,
            "  [{}/{}] {} {}",
            i + 1,
            alerts.len(),
            style.paint(Paint::for_status(status), &status.to_uppercase()),
            style.paint(Paint::Heading, &clean(name))
        );
        let alert_fields = [
            ("labels", pairs(alert.get("labels"))),
            ("annotations", annotations(alert.get("annotations"))),
            ("starts at", time_field(alert, "startsAt", now)),
            ("ends at", time_field(alert, "endsAt", now)),
            ("generator", clean(&text_field_of(alert, "generatorURL"))),
            ("fingerprint", clean(&text_field_of(alert, "fingerprint"))),
        ];
        push_fields(out, "    ", &alert_fields, style);
    }
}

/// `name: value` lines with aligned values; continuation lines of
/// multi-line values are indented under the value.
fn push_fields(out: &mut String, indent: &str, fields: &[(&str, String)], style: Style) {
    // The longest name gets a colon and two spaces.
    let width = fields.iter().map(|(name, _)| name.len()).max().unwrap_or(0) + 3;
    for (name, value) in fields {
        let label = format!("{name}:");
        let _ = write!(
            out,
            "{indent}{}{}",
            style.paint(Paint::Key, &label),
            " ".repeat(width - label.len())
        );
        let mut lines = value.split('\n');
        let _ = writeln!(out, "{}", lines.next().unwrap_or(""));
        for line in lines {
            let _ = writeln!(out, "{indent}{}{line}", " ".repeat(width));
        }
    }
}

/// A string field of the payload, `-` when absent or not a string.
fn text_field(payload: &Map<String, Value>, name: &str) -> String {
    match payload.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".to_owned(),
        Some(other) => other.to_string(),
    }
}

fn text_field_of(object: &Value, name: &str) -> String {
    object
        .as_object()
        .map_or_else(|| "-".to_owned(), |o| text_field(o, name))
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// `{a="1", b="2"}` for a label map (names sorted), `-` when absent.
fn pairs(v: Option<&Value>) -> String {
    match v {
        Some(Value::Object(map)) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let value = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    format!("{}={}", clean(k), go_quote(&value))
                })
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        None | Some(Value::Null) => "-".to_owned(),
        Some(other) => clean(&other.to_string()),
    }
}

/// One `name: value` line per annotation; values keep their line breaks.
fn annotations(v: Option<&Value>) -> String {
    match v {
        Some(Value::Object(map)) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| {
                let value = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                let value = value.replace('\n', "\n  ");
                format!("{}: {}", clean(k), clean_multiline(&value))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Some(Value::Object(_)) | None | Some(Value::Null) => "-".to_owned(),
        Some(other) => clean(&other.to_string()),
    }
}

/// A time as sent, with how long ago (or ahead) it is; `-` for Go's zero
/// time, which Alertmanager sends as the end of a firing alert.
fn time_field(alert: &Value, name: &str, now: Timestamp) -> String {
    let raw = text_field_of(alert, name);
    if raw.starts_with("0001-01-01T00:00:00") {
        return "-".to_owned();
    }
    match raw.parse::<Timestamp>() {
        Ok(t) => {
            let seconds = now.as_second() - t.as_second();
            let relation = if seconds >= 0 {
                format!("{} ago", short_duration(seconds.unsigned_abs()))
            } else {
                format!("in {}", short_duration(seconds.unsigned_abs()))
            };
            format!("{} ({relation})", clean(&raw))
        }
        Err(_) => clean(&raw),
    }
}

/// `3h2m1s`-style, largest unit first, zero parts left out.
fn short_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_owned();
    }
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    let mut out = String::new();
    for (value, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] {
        if value > 0 {
            let _ = write!(out, "{value}{unit}");
        }
    }
    out
}

/// At most [`EXCERPT_LIMIT`] bytes of `body`, cleaned and indented.
fn push_excerpt(out: &mut String, body: &[u8]) {
    let shown = &body[..body.len().min(EXCERPT_LIMIT)];
    let text = String::from_utf8_lossy(shown);
    for line in clean_multiline(&text).lines() {
        let _ = writeln!(out, "  {line}");
    }
    if body.len() > shown.len() {
        let _ = writeln!(out, "  … ({} more bytes)", body.len() - shown.len());
    }
}

/// `s` with every control character escaped (`\u{1b}`), line breaks included.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`clean`], keeping line breaks.
fn clean_multiline(s: &str) -> String {
    s.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(body: &[u8]) -> Received<'_> {
        Received {
            number: 7,
            method: "POST",
            target: "/team-a",
            peer: "127.0.0.1:4000",
            user_agent: Some("Alertmanager/0.34.0"),
            at: "2026-01-01T00:10:00Z".parse().unwrap(),
            body,
        }
    }

    const PAYLOAD: &str = r#"{"receiver":"team-a","status":"firing","alerts":[
        {"status":"firing","labels":{"alertname":"DiskFull","instance":"db1"},
         "annotations":{"summary":"Disk full","description":"line one\nline two"},
         "startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",
         "generatorURL":"http://prom/graph","fingerprint":"0123456789abcdef"},
        {"status":"resolved","labels":{"alertname":"DiskFull","instance":"db2"},
         "annotations":{},"startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T00:05:00Z",
         "generatorURL":"","fingerprint":"fedcba9876543210"}],
        "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},
        "commonAnnotations":{},"externalURL":"http://am:9093","version":"4",
        "groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":3,
        "notification_reason":"first notification"}"#;

    #[test]
    fn a_webhook_payload_shows_group_and_every_alert() {
        let text = describe(&received(PAYLOAD.as_bytes()), Style::plain());
        for expected in [
            "#7 POST /team-a (",
            "receiver:       team-a\n",
            "status:         firing (2 alerts: 1 firing, 1 resolved)\n",
            "reason:         first notification\n",
            "group labels:   {alertname=\"DiskFull\"}\n",
            "group key:      {}:{alertname=\"DiskFull\"}\n",
            "truncated:      3 more alert(s) not sent (max_alerts)\n",
            "  [1/2] FIRING DiskFull\n",
            "    labels:       {alertname=\"DiskFull\", instance=\"db1\"}\n",
            "    annotations:  description: line one\n                    line two\n                  summary: Disk full\n",
            "    starts at:    2026-01-01T00:00:00Z (10m ago)\n",
            "    ends at:      -\n",
            "  [2/2] RESOLVED DiskFull\n",
            "    ends at:      2026-01-01T00:05:00Z (5m ago)\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(!text.contains('\x1b'), "plain style has no escapes");
    }

    #[test]
    fn colours_only_when_asked() {
        let text = describe(&received(PAYLOAD.as_bytes()), Style::coloured());
        assert!(text.contains("\x1b[1;31mFIRING\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[1;32mRESOLVED\x1b[0m"), "{text}");
    }

    #[test]
    fn malformed_and_foreign_bodies_are_shown_not_fatal() {
        let text = describe(&received(b"{\"alerts\": [1,"), Style::plain());
        assert!(text.contains("malformed payload: not JSON ("), "{text}");
        assert!(text.contains("  {\"alerts\": [1,\n"), "{text}");

        let text = describe(&received(br#"{"hello":"world"}"#), Style::plain());
        assert!(
            text.contains("not an Alertmanager webhook payload"),
            "{text}"
        );
        assert!(
            text.contains("  {\n    \"hello\": \"world\"\n  }\n"),
            "{text}"
        );
    }

    #[test]
    fn control_characters_from_the_wire_are_escaped() {
        let body = br#"{"receiver":"evil\u001b[2J","alerts":[]}"#;
        let text = describe(&received(body), Style::plain());
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("evil\\u{1b}[2J"), "{text}");
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = vec![b'x'; EXCERPT_LIMIT + 10];
        let text = describe(&received(&body), Style::plain());
        assert!(text.contains("… (10 more bytes)"), "{text}");
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(short_duration(0), "0s");
        assert_eq!(short_duration(3723), "1h2m3s");
        assert_eq!(short_duration(86_400 + 60), "1d1m");
    }
}
