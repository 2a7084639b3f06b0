//! The notification data every integration renders: Alertmanager's
//! `template.Data` built from one flush (receiver, group and route labels,
//! notification reason), the alerts being sent and the external URL. It is
//! both the webhook payload (through [`GoJson`], with upstream's field names
//! and order) and, later, the dot of notification templates. Per-alert status
//! is decided against a caller-supplied "now", as upstream decides it against
//! the wall clock when the notification is built.

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, AlertStatus, Time};
use tocsin_alerting::notifier::NotifyContext;
use tocsin_model::{Fingerprint, LabelSet};

use crate::gojson::{GoJson, JsonError, ObjectWriter};

/// One alert as templates and webhook payloads see it (`template.Alert`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateAlert {
    pub status: AlertStatus,
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub starts_at: Time,
    /// The alert's end, or Go's zero time ([`Time::ZERO`]) while it is
    /// firing (upstream hides a future end time).
    pub ends_at: Time,
    pub generator_url: String,
    pub fingerprint: Fingerprint,
}

/// One notification's data (`template.Data`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateData {
    /// The receiver name passed through Go's `regexp.QuoteMeta` (upstream
    /// quirk: `my.recv` becomes `my\.recv`).
    pub receiver: String,
    /// Firing when at least one alert is firing.
    pub status: AlertStatus,
    pub alerts: Vec<TemplateAlert>,
    pub notification_reason: String,
    pub group_labels: LabelSet,
    /// Label pairs shared by every alert in `alerts`.
    pub common_labels: LabelSet,
    /// Annotation pairs shared by every alert in `alerts`.
    pub common_annotations: LabelSet,
    pub route_labels: LabelSet,
    pub external_url: String,
}

impl TemplateData {
    /// Builds the data for sending `alerts` in the flush described by `ctx`,
    /// with statuses decided at `now`.
    pub fn new(ctx: &NotifyContext, alerts: &[Alert], external_url: &str, now: Timestamp) -> Self {
        let alerts_data: Vec<TemplateAlert> = alerts
            .iter()
            .map(|a| {
                let status = a.status_at(now);
                TemplateAlert {
                    status,
                    labels: a.labels.clone(),
                    annotations: a.annotations.clone(),
                    starts_at: a.starts_at,
                    ends_at: if status == AlertStatus::Resolved {
                        a.ends_at
                    } else {
                        Time::ZERO
                    },
                    generator_url: a.generator_url.clone(),
                    fingerprint: a.fingerprint(),
                }
            })
            .collect();
        let status = if alerts_data.iter().any(|a| a.status == AlertStatus::Firing) {
            AlertStatus::Firing
        } else {
            AlertStatus::Resolved
        };
        TemplateData {
            receiver: quote_meta(&ctx.flush.receiver),
            status,
            notification_reason: ctx.notification_reason.clone(),
            group_labels: ctx.flush.group_labels.clone(),
            common_labels: common_pairs(alerts.iter().map(|a| &a.labels)),
            common_annotations: common_pairs(alerts.iter().map(|a| &a.annotations)),
            route_labels: ctx.flush.route_labels.clone(),
            external_url: external_url.to_owned(),
            alerts: alerts_data,
        }
    }
}

/// The pairs present with the same value in every set (empty for no sets).
fn common_pairs<'a>(mut sets: impl Iterator<Item = &'a LabelSet>) -> LabelSet {
    let Some(first) = sets.next() else {
        return LabelSet::new();
    };
    let mut common = first.clone();
    for set in sets {
        if common.is_empty() {
            break;
        }
        let differing: Vec<String> = common
            .iter()
            .filter(|(name, value)| set.get(name) != Some(*value))
            .map(|(name, _)| name.to_owned())
            .collect();
        for name in differing {
            common.remove(&name);
        }
    }
    common
}

/// Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl GoJson for AlertStatus {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        self.as_str().write_json(out)
    }
}

impl GoJson for TemplateAlert {
    /// Fields as upstream's `template.Alert` declares them.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("status", &self.status)?;
        o.field("labels", &self.labels)?;
        o.field("annotations", &self.annotations)?;
        o.field("startsAt", &self.starts_at)?;
        o.field("endsAt", &self.ends_at)?;
        o.field("generatorURL", &self.generator_url)?;
        o.field("fingerprint", &self.fingerprint.to_string())?;
        o.end();
        Ok(())
    }
}

impl TemplateData {
    /// Writes the fields of upstream's `template.Data` (0.34 order; no
    /// `omitempty` anywhere) into an object the caller has opened, so that
    /// types embedding `Data` (the webhook message) can append their own.
    pub fn write_fields(&self, o: &mut ObjectWriter<'_>) -> Result<(), JsonError> {
        o.field("receiver", &self.receiver)?;
        o.field("status", &self.status)?;
        o.field("alerts", &self.alerts)?;
        o.field("notification_reason", &self.notification_reason)?;
        o.field("groupLabels", &self.group_labels)?;
        o.field("commonLabels", &self.common_labels)?;
        o.field("commonAnnotations", &self.common_annotations)?;
        o.field("routeLabels", &self.route_labels)?;
        o.field("externalURL", &self.external_url)?;
        Ok(())
    }
}

impl GoJson for TemplateData {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        self.write_fields(&mut o)?;
        o.end();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::Offset;
    use std::time::Duration;
    use tocsin_alerting::flush::FlushContext;

    fn labels(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn time(s: &str) -> Time {
        Time {
            instant: s.parse().unwrap(),
            offset: Offset::UTC,
        }
    }

    fn alert(l: &[(&str, &str)], a: &[(&str, &str)], ends_at: Time) -> Alert {
        Alert {
            labels: labels(l),
            annotations: labels(a),
            starts_at: time("2026-01-01T00:00:00Z"),
            ends_at,
            generator_url: String::new(),
            updated_at: time("2026-01-01T00:00:00Z"),
            timeout: false,
        }
    }

    fn context(receiver: &str) -> NotifyContext {
        NotifyContext {
            flush: FlushContext {
                now: "2026-01-01T00:10:00Z".parse().unwrap(),
                group_key: "{}:{alertname=\"A\"}".to_owned(),
                group_labels: labels(&[("alertname", "A")]),
                route_labels: labels(&[("team", "x")]),
                receiver: receiver.to_owned(),
                route_id: "{}".to_owned(),
                group_interval: Duration::from_secs(300),
                repeat_interval: Duration::from_secs(3600),
                mute_time_intervals: Vec::new(),
                active_time_intervals: Vec::new(),
                timeout: Duration::from_secs(300),
            },
            notification_reason: "first notification".to_owned(),
            receiver_data: Default::default(),
        }
    }

    // Expected values produced by Go 1.19.8 `regexp.QuoteMeta`.
    #[test]
    fn quote_meta_matches_go() {
        assert_eq!(quote_meta("my.recv"), r"my\.recv");
        assert_eq!(
            quote_meta(r"a\b+c*d?e(f)g|h[i]j{k}l^m$n-o/p"),
            r"a\\b\+c\*d\?e\(f\)g\|h\[i\]j\{k\}l\^m\$n-o/p"
        );
        assert_eq!(quote_meta("team-a"), "team-a");
        assert_eq!(quote_meta("é.x"), r"é\.x");
    }

    #[test]
    fn statuses_and_hidden_end_times() {
        let now: Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        let alerts = vec![
            alert(
                &[("alertname", "A"), ("i", "1")],
                &[],
                time("2026-01-01T00:05:00Z"),
            ),
            alert(
                &[("alertname", "A"), ("i", "2")],
                &[],
                time("2026-01-01T00:10:00Z"),
            ),
            alert(
                &[("alertname", "A"), ("i", "3")],
                &[],
                time("2026-01-01T00:10:00.000000001Z"),
            ),
            alert(&[("alertname", "A"), ("i", "4")], &[], Time::ZERO),
        ];
        let data = TemplateData::new(&context("r"), &alerts, "http://am", now);
        let statuses: Vec<_> = data.alerts.iter().map(|a| a.status).collect();
        use AlertStatus::*;
        assert_eq!(statuses, [Resolved, Resolved, Firing, Firing]);
        assert_eq!(data.alerts[0].ends_at, time("2026-01-01T00:05:00Z"));
        assert_eq!(data.alerts[2].ends_at, Time::ZERO);
        assert_eq!(data.status, Firing);
        assert_eq!(data.alerts[0].fingerprint, alerts[0].labels.fingerprint());

        let resolved_only = TemplateData::new(&context("r"), &alerts[..2], "", now);
        assert_eq!(resolved_only.status, Resolved);
        let none = TemplateData::new(&context("r"), &[], "", now);
        assert_eq!(none.status, Resolved);
        assert!(none.common_labels.is_empty());
    }

    #[test]
    fn common_pairs_are_identical_across_all_alerts() {
        let now: Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        let alerts = vec![
            alert(
                &[("alertname", "A"), ("sev", "warn"), ("i", "1")],
                &[("summary", "s"), ("x", "1")],
                Time::ZERO,
            ),
            alert(
                &[("alertname", "A"), ("sev", "warn"), ("i", "2")],
                &[("summary", "s"), ("x", "2")],
                Time::ZERO,
            ),
            alert(
                &[("alertname", "A"), ("i", "3")],
                &[("summary", "s")],
                Time::ZERO,
            ),
        ];
        let data = TemplateData::new(&context("my.recv"), &alerts, "http://am", now);
        assert_eq!(data.common_labels, labels(&[("alertname", "A")]));
        assert_eq!(data.common_annotations, labels(&[("summary", "s")]));
        assert_eq!(data.receiver, r"my\.recv");
        assert_eq!(data.route_labels, labels(&[("team", "x")]));
        assert_eq!(data.group_labels, labels(&[("alertname", "A")]));
        assert_eq!(data.notification_reason, "first notification");

        let two = TemplateData::new(&context("r"), &alerts[..2], "", now);
        assert_eq!(
            two.common_labels,
            labels(&[("alertname", "A"), ("sev", "warn")])
        );
    }
}
