//! The server's side of `/metrics`: the pipeline's counts forwarded to the
//! API crate's [`AlertmanagerMetrics`] ([`PipelineTelemetry`]), and the
//! configuration gauges upstream's config coordinator and reloader set
//! ([`record_reload_success`], [`record_reload_failure`]).

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::notifier::FailureReason;
use tocsin_alerting::pipeline::{PipelineMetrics, SuppressionReason};
use tocsin_api::AlertmanagerMetrics;
use tocsin_api::metrics::SuppressedReason;

use super::config_hash;

/// [`PipelineMetrics`] over the exposed metrics.
pub struct PipelineTelemetry(pub Arc<AlertmanagerMetrics>);

impl PipelineMetrics for PipelineTelemetry {
    fn notification_attempted(&self, integration: &str) {
        self.0.notifications.with(&[integration]).inc();
    }

    fn notification_failed(&self, integration: &str, reason: FailureReason) {
        self.0
            .notifications_failed
            .with(&[integration, reason.as_str()])
            .inc();
    }

    fn request_completed(&self, integration: &str, latency: Duration, failed: bool) {
        self.0.notification_requests.with(&[integration]).inc();
        if failed {
            self.0
                .notification_requests_failed
                .with(&[integration])
                .inc();
        }
        self.0
            .notification_latency_seconds
            .with(&[integration])
            .observe(latency.as_secs_f64());
    }

    fn suppressed(&self, reason: SuppressionReason, alerts: usize) {
        let reason = match reason {
            SuppressionReason::Silence => SuppressedReason::Silence,
            SuppressionReason::Inhibition => SuppressedReason::Inhibition,
            SuppressionReason::MuteTimeInterval => SuppressedReason::MuteTimeInterval,
            SuppressionReason::ActiveTimeInterval => SuppressedReason::ActiveTimeInterval,
        };
        self.0
            .notifications_suppressed_by(reason, u64::try_from(alerts).unwrap_or(u64::MAX));
    }
}

/// What a successfully applied configuration contains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConfigCounts {
    /// Receivers some route refers to.
    pub receivers: usize,
    /// Integrations of those receivers.
    pub integrations: usize,
    pub inhibition_rules: usize,
}

/// A configuration was applied: upstream's coordinator and reloader gauges.
pub fn record_reload_success(
    metrics: &AlertmanagerMetrics,
    file_text: &str,
    counts: ConfigCounts,
    now: Timestamp,
) {
    metrics.receivers.set(counts.receivers as f64);
    metrics.integrations.set(counts.integrations as f64);
    metrics.inhibition_rules.set(counts.inhibition_rules as f64);
    metrics.config_last_reload_successful.set(1.0);
    metrics
        .config_last_reload_success_timestamp_seconds
        .set(now.as_millisecond() as f64 / 1000.0);
    metrics
        .config_hash
        .set(config_hash::metric_value(file_text.as_bytes()));
}

/// A reload failed; the previous configuration stays.
pub fn record_reload_failure(metrics: &AlertmanagerMetrics) {
    metrics.config_last_reload_successful.set(0.0);
}
