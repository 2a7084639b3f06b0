//! The pipeline's telemetry seam: [`PipelineMetrics`] receives one call per
//! event the upstream `alertmanager_notification*` series count; the API
//! crate implements it on top of its metrics registry.

use std::time::Duration;

use crate::notifier::FailureReason;

/// `reason` label values of `alertmanager_notifications_suppressed_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SuppressionReason {
    Silence,
    Inhibition,
    MuteTimeInterval,
    ActiveTimeInterval,
}

impl SuppressionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::Silence => "silence",
            SuppressionReason::Inhibition => "inhibition",
            SuppressionReason::MuteTimeInterval => "mute_time_interval",
            SuppressionReason::ActiveTimeInterval => "active_time_interval",
        }
    }
}

/// Receives the pipeline's counts. `integration` is the integration name
/// (`webhook`, `slack`, …).
pub trait PipelineMetrics: Send + Sync + 'static {
    /// `alertmanager_notifications_total{integration}`: one per integration
    /// whose dedup decided to notify (counted even when send_resolved turns
    /// the send into a no-op).
    fn notification_attempted(&self, integration: &str);
    /// `alertmanager_notifications_failed_total{integration,reason}`: one per
    /// notification that finally failed.
    fn notification_failed(&self, integration: &str, reason: FailureReason);
    /// `alertmanager_notification_requests_total{integration}`,
    /// `..._requests_failed_total{integration}` (when `failed`) and
    /// `alertmanager_notification_latency_seconds{integration}`: one per
    /// attempt.
    fn request_completed(&self, integration: &str, latency: Duration, failed: bool);
    /// `alertmanager_notifications_suppressed_total{reason}` += `alerts`.
    fn suppressed(&self, reason: SuppressionReason, alerts: usize);
}

/// Metrics that go nowhere.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMetrics;

impl PipelineMetrics for NoMetrics {
    fn notification_attempted(&self, _integration: &str) {}
    fn notification_failed(&self, _integration: &str, _reason: FailureReason) {}
    fn request_completed(&self, _integration: &str, _latency: Duration, _failed: bool) {}
    fn suppressed(&self, _reason: SuppressionReason, _alerts: usize) {}
}
