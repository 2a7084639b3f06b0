//! Test helpers: the recording server (`tests/common/recording_server.rs`)
//! and builders for alerts and notification contexts.

use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::NotifyContext;
use tocsin_model::LabelSet;

pub use crate::recording_server::{Recorded, RecordingServer, Reply};

/// A label set from pairs.
pub fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

/// A UTC time from RFC 3339 text.
pub fn utc(s: &str) -> Time {
    Time::utc(s.parse().expect("timestamp"))
}

pub fn alert(
    label_pairs: &[(&str, &str)],
    annotation_pairs: &[(&str, &str)],
    starts_at: Time,
    ends_at: Time,
) -> Alert {
    Alert {
        labels: labels(label_pairs),
        annotations: labels(annotation_pairs),
        starts_at,
        ends_at,
        generator_url: String::new(),
        updated_at: starts_at,
        timeout: false,
    }
}

/// A notification context for `receiver` and a group keyed by `group_labels`.
pub fn context(receiver: &str, group_labels: &[(&str, &str)], reason: &str) -> NotifyContext {
    let group_labels = labels(group_labels);
    NotifyContext {
        flush: FlushContext {
            now: Timestamp::now(),
            group_key: format!("{{}}:{group_labels}"),
            group_labels,
            route_labels: LabelSet::new(),
            receiver: receiver.to_owned(),
            route_id: "{}".to_owned(),
            group_interval: Duration::from_secs(300),
            repeat_interval: Duration::from_secs(3600),
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            timeout: Duration::from_secs(300),
        },
        notification_reason: reason.to_owned(),
        receiver_data: Default::default(),
    }
}
