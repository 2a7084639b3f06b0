//! Data for rendering templates outside a real notification (`tocsin
//! notify render`, `tocsin template render`): built-in sample alerts, alerts
//! read from a JSON file in the API's postable-alert format, template data
//! read from a JSON file in the webhook / `amtool template render` format,
//! and the assembly of a notification's data from a list of alerts.

use jiff::Timestamp;
use serde_json::{Map, Value as Json};
use tocsin_alerting::alert::{Alert, AlertStatus, Time};
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::NotifyContext;
use tocsin_model::{Fingerprint, LabelSet};

use crate::data::{TemplateAlert, TemplateData};

/// Why an alerts or data file could not be used.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct AlertsFileError(pub String);

fn err(message: impl Into<String>) -> AlertsFileError {
    AlertsFileError(message.into())
}

/// Three realistic alerts of one group: two firing, one resolved, relative
/// to `now`.
pub fn sample_alerts(now: Timestamp) -> Vec<Alert> {
    let at = |minutes_ago: i64| {
        Time::utc(
            now.checked_sub(jiff::SignedDuration::from_mins(minutes_ago))
                .unwrap_or(now),
        )
    };
    let alert = |instance: &str,
                 severity: &str,
                 summary: &str,
                 started: i64,
                 ended: Option<i64>| {
        let labels: LabelSet = [
            ("alertname", "HighRequestLatency"),
            ("instance", instance),
            ("job", "api-server"),
            ("severity", severity),
            ("team", "platform"),
        ]
        .into_iter()
        .collect();
        let annotations: LabelSet = [
            ("summary", summary),
            (
                "description",
                "The 99th percentile of request latency has been above 500ms for 10 minutes.",
            ),
            (
                "runbook_url",
                "https://runbooks.example.com/high-request-latency",
            ),
        ]
        .into_iter()
        .collect();
        Alert {
            labels,
            annotations,
            starts_at: at(started),
            ends_at: ended.map_or(Time::ZERO, at),
            generator_url: "http://prometheus.example.com:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28http_request_duration_seconds_bucket%5B5m%5D%29%29+%3E+0.5&g0.tab=1".to_owned(),
            updated_at: at(0),
            timeout: false,
        }
    };
    vec![
        alert(
            "api-1.example.com:8080",
            "critical",
            "High request latency on api-1.example.com:8080",
            25,
            None,
        ),
        alert(
            "api-2.example.com:8080",
            "warning",
            "High request latency on api-2.example.com:8080",
            12,
            None,
        ),
        alert(
            "api-3.example.com:8080",
            "warning",
            "High request latency on api-3.example.com:8080",
            48,
            Some(3),
        ),
    ]
}

/// The notification data of [`sample_alerts`] at the current time, for
/// receiver `example`, grouped by `alertname`.
pub fn sample_data() -> TemplateData {
    let now = Timestamp::now();
    preview_data(
        &sample_alerts(now),
        "example",
        &["alertname"],
        "http://localhost:9093",
        now,
    )
}

/// The data of a notification sending `alerts` to `receiver` at `now`,
/// grouped by the `group_by` labels (taken from the first alert, as all
/// alerts of a group share them).
pub fn preview_data(
    alerts: &[Alert],
    receiver: &str,
    group_by: &[&str],
    external_url: &str,
    now: Timestamp,
) -> TemplateData {
    let group_labels = alerts
        .first()
        .map(|a| a.labels.restricted_to(group_by.iter().copied()))
        .unwrap_or_default();
    let ctx = NotifyContext {
        flush: FlushContext {
            now,
            group_key: format!("{{}}:{group_labels}"),
            group_labels,
            route_labels: LabelSet::new(),
            receiver: receiver.to_owned(),
            route_id: "{}".to_owned(),
            group_interval: std::time::Duration::from_secs(300),
            repeat_interval: std::time::Duration::from_secs(4 * 3600),
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            timeout: std::time::Duration::from_secs(300),
        },
        notification_reason: "first notification".to_owned(),
        receiver_data: Default::default(),
    };
    TemplateData::new(&ctx, alerts, external_url, now)
}

/// Reads alerts in the API's postable-alert format: a JSON array (or one
/// object) of `{"labels":{…}, "annotations":{…}, "startsAt":…, "endsAt":…,
/// "generatorURL":…}`. Only `labels` is required; a missing `startsAt`
/// becomes `now`, a missing `endsAt` leaves the alert firing.
pub fn parse_alerts_json(text: &str, now: Timestamp) -> Result<Vec<Alert>, AlertsFileError> {
    let json: Json = serde_json::from_str(text).map_err(|e| err(format!("invalid JSON: {e}")))?;
    let items = match json {
        Json::Array(items) => items,
        object @ Json::Object(_) => vec![object],
        _ => return Err(err("expected a JSON array of alerts")),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_postable(item, now).map_err(|e| err(format!("alert {i}: {e}"))))
        .collect()
}

fn parse_postable(item: &Json, now: Timestamp) -> Result<Alert, String> {
    let object = item.as_object().ok_or("expected an object")?;
    let labels = label_set(object, "labels")?;
    if labels.is_empty() {
        return Err("labels: at least one label pair required".to_owned());
    }
    let starts_at = optional_time(object, "startsAt")?.unwrap_or_else(|| Time::utc(now));
    let ends_at = optional_time(object, "endsAt")?.unwrap_or(Time::ZERO);
    if !ends_at.is_zero() && ends_at.instant < starts_at.instant {
        return Err("start time must be before end time".to_owned());
    }
    Ok(Alert {
        labels,
        annotations: label_set(object, "annotations")?,
        starts_at,
        ends_at,
        generator_url: optional_string(object, "generatorURL")?,
        updated_at: Time::utc(now),
        timeout: false,
    })
}

/// Reads notification data in the webhook payload format (the format
/// `amtool template render --template.data` reads): `receiver`, `status`,
/// `alerts`, `groupLabels`, `commonLabels`, `commonAnnotations`,
/// `routeLabels`, `externalURL`, `notification_reason`. Missing fields are
/// empty; the receiver is taken as already quoted, as in the payload.
pub fn parse_data_json(text: &str) -> Result<TemplateData, AlertsFileError> {
    let json: Json = serde_json::from_str(text).map_err(|e| err(format!("invalid JSON: {e}")))?;
    let object = json
        .as_object()
        .ok_or_else(|| err("expected a JSON object"))?;
    let alerts = match object.get("alerts") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, a)| template_alert(a).map_err(|e| err(format!("alerts[{i}]: {e}"))))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(err("alerts: expected an array")),
    };
    Ok(TemplateData {
        receiver: optional_string(object, "receiver").map_err(err)?,
        status: status(object).map_err(err)?,
        alerts,
        notification_reason: optional_string(object, "notification_reason").map_err(err)?,
        group_labels: label_set(object, "groupLabels").map_err(err)?,
        common_labels: label_set(object, "commonLabels").map_err(err)?,
        common_annotations: label_set(object, "commonAnnotations").map_err(err)?,
        route_labels: label_set(object, "routeLabels").map_err(err)?,
        external_url: optional_string(object, "externalURL").map_err(err)?,
    })
}

fn template_alert(item: &Json) -> Result<TemplateAlert, String> {
    let object = item.as_object().ok_or("expected an object")?;
    let labels = label_set(object, "labels")?;
    let fingerprint = match object.get("fingerprint") {
        None | Some(Json::Null) => labels.fingerprint(),
        Some(Json::String(s)) if s.is_empty() => labels.fingerprint(),
        Some(Json::String(s)) => s
            .parse::<Fingerprint>()
            .map_err(|_| format!("fingerprint: not a hexadecimal fingerprint: {s}"))?,
        Some(_) => return Err("fingerprint: expected a string".to_owned()),
    };
    Ok(TemplateAlert {
        status: status(object)?,
        annotations: label_set(object, "annotations")?,
        starts_at: optional_time(object, "startsAt")?.unwrap_or(Time::ZERO),
        ends_at: optional_time(object, "endsAt")?.unwrap_or(Time::ZERO),
        generator_url: optional_string(object, "generatorURL")?,
        fingerprint,
        labels,
    })
}

fn status(object: &Map<String, Json>) -> Result<AlertStatus, String> {
    match object.get("status").and_then(Json::as_str) {
        Some("firing") | None => Ok(AlertStatus::Firing),
        Some("resolved") => Ok(AlertStatus::Resolved),
        Some(other) => Err(format!(
            "status: expected firing or resolved, got {other:?}"
        )),
    }
}

fn label_set(object: &Map<String, Json>, key: &str) -> Result<LabelSet, String> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(LabelSet::new()),
        Some(Json::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Json::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(format!("{key}.{k}: expected a string")),
            })
            .collect(),
        Some(_) => Err(format!("{key}: expected an object of strings")),
    }
}

fn optional_string(object: &Map<String, Json>, key: &str) -> Result<String, String> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{key}: expected a string")),
    }
}

fn optional_time(object: &Map<String, Json>, key: &str) -> Result<Option<Time>, String> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Time::parse_rfc3339(s)
            .map(Some)
            .map_err(|e| format!("{key}: {e}")),
        Some(_) => Err(format!("{key}: expected an RFC 3339 time string")),
    }
}
