//! `--template.data FILE` (amtool's flag): the data of one notification as
//! JSON in Alertmanager's `template.Data` layout (what webhooks receive),
//! decoded as Go's `encoding/json` decodes it into that struct: absent
//! fields are empty, a key matches its field exactly or else
//! case-insensitively, unknown keys are ignored.
//!
//! Where tocsin's data model is narrower than Go's strings: a status must be
//! `firing`, `resolved` or empty (empty group status: derived from the
//! alerts), and a fingerprint that is not 16 hex digits is replaced by the
//! labels' fingerprint (reported on standard error).

use serde_json::{Map, Value};
use tocsin_alerting::alert::{AlertStatus, Time};
use tocsin_model::{Fingerprint, LabelSet};
use tocsin_notify::data::{TemplateAlert, TemplateData};

/// Decodes `bytes`; warnings (replaced fingerprints) go to `warn`.
pub fn parse_template_data(
    bytes: &[u8],
    warn: &mut dyn FnMut(String),
) -> Result<TemplateData, String> {
    let document: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(object) = document else {
        return Err("expected a JSON object in the template.Data layout".into());
    };
    let alerts = match field(&object, "alerts") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, a)| alert(a, warn).map_err(|e| format!("alerts[{i}]: {e}")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("\"alerts\" must be a list".into()),
    };
    let status = match status(&object, "status")? {
        Some(status) => status,
        None if alerts
            .iter()
            .any(|a: &TemplateAlert| a.status == AlertStatus::Firing) =>
        {
            AlertStatus::Firing
        }
        None => AlertStatus::Resolved,
    };
    Ok(TemplateData {
        receiver: string(&object, "receiver")?,
        status,
        alerts,
        notification_reason: string(&object, "notification_reason")?,
        group_labels: kv(&object, "groupLabels")?,
        common_labels: kv(&object, "commonLabels")?,
        common_annotations: kv(&object, "commonAnnotations")?,
        route_labels: kv(&object, "routeLabels")?,
        external_url: string(&object, "externalURL")?,
    })
}

fn alert(value: &Value, warn: &mut dyn FnMut(String)) -> Result<TemplateAlert, String> {
    let Value::Object(object) = value else {
        return Err("expected an object".into());
    };
    let labels = kv(object, "labels")?;
    let fingerprint = string(object, "fingerprint")?;
    let fingerprint = match fingerprint.parse::<Fingerprint>() {
        Ok(f) if fingerprint.len() == 16 => f,
        _ => {
            let computed = labels.fingerprint();
            if !fingerprint.is_empty() {
                warn(format!(
                    "fingerprint {fingerprint:?} is not 16 hex digits; using the labels' fingerprint {computed}"
                ));
            }
            computed
        }
    };
    Ok(TemplateAlert {
        status: status(object, "status")?.unwrap_or(AlertStatus::Firing),
        labels,
        annotations: kv(object, "annotations")?,
        starts_at: time(object, "startsAt")?,
        ends_at: time(object, "endsAt")?,
        generator_url: string(object, "generatorURL")?,
        fingerprint,
    })
}

/// Go's field matching: the exact key, else the first key equal to it
/// ignoring case.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn string(object: &Map<String, Value>, name: &str) -> Result<String, String> {
    match field(object, name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{name:?} must be a string")),
    }
}

fn status(object: &Map<String, Value>, name: &str) -> Result<Option<AlertStatus>, String> {
    match string(object, name)?.as_str() {
        "" => Ok(None),
        "firing" => Ok(Some(AlertStatus::Firing)),
        "resolved" => Ok(Some(AlertStatus::Resolved)),
        other => Err(format!(
            "{name:?} must be \"firing\" or \"resolved\", not {other:?}"
        )),
    }
}

fn kv(object: &Map<String, Value>, name: &str) -> Result<LabelSet, String> {
    match field(object, name) {
        None | Some(Value::Null) => Ok(LabelSet::new()),
        Some(Value::Object(pairs)) => pairs
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(format!("{name:?}.{k} must be a string")),
            })
            .collect(),
        Some(_) => Err(format!("{name:?} must be an object of strings")),
    }
}

/// An RFC 3339 time; absent means Go's zero time.
fn time(object: &Map<String, Value>, name: &str) -> Result<Time, String> {
    match field(object, name) {
        None | Some(Value::Null) => Ok(Time::ZERO),
        Some(Value::String(s)) => Time::parse_rfc3339(s).map_err(|e| format!("{name:?}: {e}")),
        Some(_) => Err(format!("{name:?} must be an RFC 3339 time string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_webhook_payload_as_go_would() {
        let mut warnings = Vec::new();
        let data = parse_template_data(
            br#"{"Receiver":"team\\.a","status":"","alerts":[
                {"status":"resolved","labels":{"a":"1"},"startsAt":"2026-01-01T00:00:00+01:00",
                 "endsAt":"2026-01-01T01:00:00Z","fingerprint":"0123456789abcdef"},
                {"status":"firing","labels":{"a":"2"},"fingerprint":"fingerprint2"}],
                "groupLabels":{"a":"x"},"externalURL":"http://am","unknown":1}"#,
            &mut |w| warnings.push(w),
        )
        .unwrap();
        assert_eq!(data.receiver, "team\\.a", "keys match case-insensitively");
        assert_eq!(data.status, AlertStatus::Firing, "derived from the alerts");
        assert_eq!(
            data.alerts[0].fingerprint,
            Fingerprint(0x0123_4567_89ab_cdef)
        );
        assert_eq!(
            data.alerts[0].starts_at.to_rfc3339_nano(),
            "2026-01-01T00:00:00+01:00"
        );
        assert!(data.alerts[1].ends_at.is_zero());
        assert_eq!(
            data.alerts[1].fingerprint,
            [("a", "2")].into_iter().collect::<LabelSet>().fingerprint()
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(data.group_labels.get("a"), Some("x"));
        assert_eq!(data.external_url, "http://am");
    }

    #[test]
    fn wrong_types_are_reported_with_their_place() {
        let err = |input: &[u8]| parse_template_data(input, &mut |_| {}).unwrap_err();
        assert_eq!(
            err(b"[]"),
            "expected a JSON object in the template.Data layout"
        );
        assert_eq!(
            err(br#"{"alerts":[{"labels":{"a":1}}]}"#),
            "alerts[0]: \"labels\".a must be a string"
        );
        assert_eq!(
            err(br#"{"status":"alertstatus"}"#),
            "\"status\" must be \"firing\" or \"resolved\", not \"alertstatus\""
        );
    }
}
