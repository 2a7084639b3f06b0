//! The time-active and time-mute stages: a route's `active_time_intervals`
//! and `mute_time_intervals` silence a whole group at the flush's tick time,
//! and the result is recorded in the [`GroupMarker`] as `mutedBy`
//! (upstream `notify/mute.go` `TimeActiveStage`/`TimeMuteStage` and
//! `timeinterval.Intervener`).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use tocsin_model::timeinterval::TimeInterval;

use crate::alert::Alert;
use crate::flush::{FlushContext, FlushError};

use super::FilterStage;
use super::group_marker::GroupMarker;
use super::metrics::{PipelineMetrics, SuppressionReason};

/// Named time intervals (`time_intervals:`): an instant is inside a named
/// interval when any of its elements contains it.
pub type TimeIntervals = HashMap<String, Vec<TimeInterval>>;

/// The names among `names` whose interval contains `now`, once per
/// containing element as upstream reports them; an unknown name is an error.
fn intervals_containing(
    intervals: &TimeIntervals,
    names: &[String],
    now: Timestamp,
) -> Result<Vec<String>, FlushError> {
    let mut inside = Vec::new();
    for name in names {
        let Some(elements) = intervals.get(name) else {
            return Err(FlushError(format!(
                "time interval {name} doesn't exist in config"
            )));
        };
        for element in elements {
            if element.contains(now) {
                inside.push(name.clone());
            }
        }
    }
    Ok(inside)
}

/// Drops every alert while the tick is outside all `active_time_intervals`.
pub(super) struct TimeActiveStage {
    pub intervals: Arc<TimeIntervals>,
    pub marker: Arc<GroupMarker>,
    pub metrics: Arc<dyn PipelineMetrics>,
}

impl FilterStage for TimeActiveStage {
    fn run(&self, ctx: &FlushContext, alerts: Vec<Alert>) -> Result<Vec<Alert>, FlushError> {
        if ctx.active_time_intervals.is_empty() {
            self.marker
                .set_muted(&ctx.route_id, &ctx.group_key, Vec::new());
            return Ok(alerts);
        }
        let active =
            !intervals_containing(&self.intervals, &ctx.active_time_intervals, ctx.now)?.is_empty();
        if active {
            self.marker
                .set_muted(&ctx.route_id, &ctx.group_key, Vec::new());
            return Ok(alerts);
        }
        self.marker.set_muted(
            &ctx.route_id,
            &ctx.group_key,
            ctx.active_time_intervals.clone(),
        );
        self.metrics
            .suppressed(SuppressionReason::ActiveTimeInterval, alerts.len());
        tracing::debug!(
            alerts = alerts.len(),
            "Notifications not sent, route is not within active time"
        );
        Ok(Vec::new())
    }
}

/// Drops every alert while the tick is inside any `mute_time_intervals`.
pub(super) struct TimeMuteStage {
    pub intervals: Arc<TimeIntervals>,
    pub marker: Arc<GroupMarker>,
    pub metrics: Arc<dyn PipelineMetrics>,
}

impl FilterStage for TimeMuteStage {
    fn run(&self, ctx: &FlushContext, alerts: Vec<Alert>) -> Result<Vec<Alert>, FlushError> {
        if ctx.mute_time_intervals.is_empty() {
            self.marker
                .set_muted(&ctx.route_id, &ctx.group_key, Vec::new());
            return Ok(alerts);
        }
        let muted_by = intervals_containing(&self.intervals, &ctx.mute_time_intervals, ctx.now)?;
        let muted = !muted_by.is_empty();
        self.marker
            .set_muted(&ctx.route_id, &ctx.group_key, muted_by);
        if !muted {
            return Ok(alerts);
        }
        self.metrics
            .suppressed(SuppressionReason::MuteTimeInterval, alerts.len());
        tracing::debug!(
            alerts = alerts.len(),
            "Notifications not sent, route is within mute time"
        );
        Ok(Vec::new())
    }
}
