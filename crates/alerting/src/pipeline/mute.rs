//! The two muting stages: inhibition and silences. Each drops the alerts
//! its muter mutes at the current wall-clock time and counts them in
//! `notifications_suppressed_total` (upstream `notify/mute.go`). Resolved
//! alerts are muted like firing ones.

use std::sync::Arc;

use crate::alert::Alert;
use crate::clock::Clock;
use crate::flush::{FlushContext, FlushError};
use crate::inhibit::Inhibitor;
use crate::silence::Silences;

use super::FilterStage;
use super::metrics::{PipelineMetrics, SuppressionReason};

/// Drops inhibited alerts.
pub(super) struct InhibitStage {
    pub inhibitor: Arc<Inhibitor>,
    pub clock: Clock,
    pub metrics: Arc<dyn PipelineMetrics>,
}

impl FilterStage for InhibitStage {
    fn run(&self, _ctx: &FlushContext, alerts: Vec<Alert>) -> Result<Vec<Alert>, FlushError> {
        let now = self.clock.now();
        Ok(drop_muted(
            alerts,
            &*self.metrics,
            SuppressionReason::Inhibition,
            |a| self.inhibitor.inhibited_by(&a.labels, now).is_some(),
        ))
    }
}

/// Drops silenced alerts.
pub(super) struct SilenceStage {
    pub silences: Arc<Silences>,
    pub clock: Clock,
    pub metrics: Arc<dyn PipelineMetrics>,
}

impl FilterStage for SilenceStage {
    fn run(&self, _ctx: &FlushContext, alerts: Vec<Alert>) -> Result<Vec<Alert>, FlushError> {
        let now = self.clock.now();
        Ok(drop_muted(
            alerts,
            &*self.metrics,
            SuppressionReason::Silence,
            |a| !self.silences.silenced_by(&a.labels, now).is_empty(),
        ))
    }
}

fn drop_muted(
    alerts: Vec<Alert>,
    metrics: &dyn PipelineMetrics,
    reason: SuppressionReason,
    is_muted: impl Fn(&Alert) -> bool,
) -> Vec<Alert> {
    let before = alerts.len();
    let kept: Vec<Alert> = alerts.into_iter().filter(|a| !is_muted(a)).collect();
    let muted = before - kept.len();
    if muted > 0 {
        metrics.suppressed(reason, muted);
        tracing::debug!(
            reason = reason.as_str(),
            muted,
            "Notifications will not be sent for muted alerts"
        );
    }
    kept
}
