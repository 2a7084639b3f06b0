//! Test helpers: the recording server standing in for a provider
//! (`tests/common/recording_server.rs`), loading
//! receivers from YAML through the real configuration loader, and alert /
//! context builders.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::NotifyContext;
use tocsin_config::Receiver;
use tocsin_model::LabelSet;
use tocsin_notify::IntegrationEnv;
use tocsin_notify::template::Templates;

pub use crate::recording_server::{Recorded, RecordingServer, Reply};

/// A path under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// The first receiver of an `alertmanager.yml` whose `receivers:` list is
/// `receivers_yaml` (and optional `global:` block), loaded by the real
/// configuration loader (defaults, inheritance, validation).
pub fn receiver(global_yaml: &str, receivers_yaml: &str) -> Receiver {
    let text =
        format!("global:\n{global_yaml}\nroute:\n  receiver: team\nreceivers:\n{receivers_yaml}\n");
    match tocsin_config::load_str(&text, "test.yml") {
        Ok(loaded) => loaded
            .config
            .receivers
            .into_iter()
            .next()
            .expect("a receiver"),
        Err(failure) => panic!("config does not load: {failure:?}\n{text}"),
    }
}

pub fn templates() -> Arc<Templates> {
    Arc::new(Templates::builtin())
}

/// An environment with a fixed external URL and the system clock.
pub fn env() -> IntegrationEnv {
    IntegrationEnv {
        external_url: "http://am.example:9093".to_owned(),
        user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
        clock: Clock::system(),
    }
}

pub fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

pub fn utc(s: &str) -> Time {
    Time::utc(s.parse().expect("timestamp"))
}

/// An alert firing since 2026-01-01 (ending far in the future).
pub fn firing(label_pairs: &[(&str, &str)], annotation_pairs: &[(&str, &str)]) -> Alert {
    alert(label_pairs, annotation_pairs, utc("2099-01-01T00:00:00Z"))
}

/// An alert that ended on 2026-01-01 at 01:00.
pub fn resolved(label_pairs: &[(&str, &str)], annotation_pairs: &[(&str, &str)]) -> Alert {
    alert(label_pairs, annotation_pairs, utc("2026-01-01T01:00:00Z"))
}

fn alert(label_pairs: &[(&str, &str)], annotation_pairs: &[(&str, &str)], ends_at: Time) -> Alert {
    let starts_at = utc("2026-01-01T00:00:00Z");
    Alert {
        labels: labels(label_pairs),
        annotations: labels(annotation_pairs),
        starts_at,
        ends_at,
        generator_url: "http://prom.example/graph?g0.expr=up".to_owned(),
        updated_at: starts_at,
        timeout: false,
    }
}

/// A notification context for receiver `team` and a group keyed by
/// `group_labels`.
pub fn context(group_labels: &[(&str, &str)]) -> NotifyContext {
    let group_labels = labels(group_labels);
    NotifyContext {
        flush: FlushContext {
            now: Timestamp::now(),
            group_key: format!("{{}}:{group_labels}"),
            group_labels,
            route_labels: LabelSet::new(),
            receiver: "team".to_owned(),
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

/// Quoted-printable decoding (RFC 2045), written for the test.
pub fn qp_decode(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}
