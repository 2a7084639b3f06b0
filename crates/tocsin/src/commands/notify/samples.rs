//! The alerts used when no `--alerts` file is given: the built-in sample
//! alerts for `notify render`, given labels that route them to the receiver
//! (so templates using `.GroupLabels` or `.CommonLabels` show real values)
//! and the clearly marked test alert `notify test` sends. Also
//! `--status`, which forces every alert firing or resolved.

use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_config::GroupBy;
use tocsin_model::LabelSet;

use super::scenario::Routing;

/// `alertname` of the alert `notify test` sends.
pub const TEST_ALERT_NAME: &str = "TocsinTestNotification";
/// `summary` annotation of the alert `notify test` sends.
pub const TEST_SUMMARY: &str = "Test notification sent by tocsin notify test";

/// `--status`: force every alert into one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ForcedStatus {
    Firing,
    Resolved,
}

/// The built-in sample alerts (two firing, one resolved), given the labels
/// that make them reach the receiver's first route: its path's matchers and
/// a value for each `group_by` label they lack.
pub fn sample_alerts(routing: &Routing, now: Timestamp) -> Vec<Alert> {
    let node = routing.fallback_route();
    let reaching = routing.labels_reaching(node);
    let mut alerts = tocsin_notify::template::sample_alerts(now);
    for alert in &mut alerts {
        for (name, value) in reaching.iter() {
            alert.labels.insert(name, value);
        }
        if let GroupBy::Labels(names) = &node.options().group_by {
            for name in names {
                if !alert.labels.contains(name) {
                    alert.labels.insert(name.clone(), format!("sample-{name}"));
                }
            }
        }
    }
    alerts
}

/// The one alert `notify test` sends: `alertname="TocsinTestNotification"`
/// plus the labels that route to the receiver, with a summary saying what
/// it is.
pub fn test_alert(routing: &Routing, now: Timestamp) -> Alert {
    let mut labels = routing.labels_reaching(routing.fallback_route());
    labels.insert("alertname", TEST_ALERT_NAME);
    let annotations: LabelSet = [
        ("summary".to_owned(), TEST_SUMMARY.to_owned()),
        (
            "description".to_owned(),
            format!(
                "A test of receiver {:?}. It resolves by itself; no action is needed.",
                routing.receiver
            ),
        ),
    ]
    .into_iter()
    .collect();
    Alert {
        labels,
        annotations,
        starts_at: Time::utc(now),
        ends_at: Time::ZERO,
        generator_url: String::new(),
        updated_at: Time::utc(now),
        timeout: false,
    }
}

/// Every alert firing (no end) or resolved (ended a minute ago, or at its
/// own end when that is already past).
pub fn force_status(alerts: &mut [Alert], status: ForcedStatus, now: Timestamp) {
    for alert in alerts {
        match status {
            ForcedStatus::Firing => alert.ends_at = Time::ZERO,
            ForcedStatus::Resolved => {
                if !alert.resolved_at(now) {
                    let end = ago(now, 60).max(alert.starts_at.instant);
                    alert.ends_at = Time::utc(end);
                }
            }
        }
    }
}

fn ago(now: Timestamp, seconds: u64) -> Timestamp {
    now.checked_sub(Duration::from_secs(seconds)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(ends_at: Time) -> Alert {
        Alert {
            labels: [("a", "1")].into_iter().collect(),
            annotations: LabelSet::new(),
            starts_at: Time::utc("2026-01-01T10:00:00Z".parse().unwrap()),
            ends_at,
            generator_url: String::new(),
            updated_at: Time::ZERO,
            timeout: false,
        }
    }

    #[test]
    fn forcing_status_resolves_or_revives() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let past = Time::utc("2026-01-01T11:00:00Z".parse().unwrap());
        let mut alerts = vec![alert(Time::ZERO), alert(past)];
        force_status(&mut alerts, ForcedStatus::Resolved, now);
        assert!(alerts.iter().all(|a| a.resolved_at(now)));
        assert_eq!(alerts[1].ends_at, past, "an end already past is kept");
        force_status(&mut alerts, ForcedStatus::Firing, now);
        assert!(alerts.iter().all(|a| !a.resolved_at(now)));
    }
}
