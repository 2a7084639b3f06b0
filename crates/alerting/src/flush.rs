//! The seam between the dispatcher and the notification pipeline: when an
//! aggregation group's timer fires, the dispatcher hands its alerts and a
//! [`FlushContext`] to a [`FlushHandler`] and learns whether it succeeded.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use jiff::Timestamp;
use tocsin_model::LabelSet;

use crate::alert::Alert;

/// Everything the pipeline needs to know about one flush of one group.
#[derive(Clone, Debug)]
pub struct FlushContext {
    /// The tick time (upstream's `notify.WithNow`).
    pub now: Timestamp,
    /// `route.Key() + ":" + groupLabels.String()`, e.g. `{}:{alertname="X"}`.
    pub group_key: String,
    pub group_labels: LabelSet,
    /// The route's `labels:` (0.34), rendered.
    pub route_labels: LabelSet,
    pub receiver: String,
    /// Route ID (key plus sibling index) for group markers.
    pub route_id: String,
    pub group_interval: Duration,
    pub repeat_interval: Duration,
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
    /// Deadline for the whole flush: `max(group_interval, 10s)` from `now`.
    pub timeout: Duration,
}

/// The pipeline's answer. Only on success does the dispatcher forget the
/// resolved alerts it flushed.
pub type FlushResult = Result<(), FlushError>;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct FlushError(pub String);

/// Runs one flush of one group (implemented by the notification pipeline).
pub trait FlushHandler: Send + Sync + 'static {
    fn flush(
        &self,
        ctx: FlushContext,
        alerts: Vec<Alert>,
    ) -> Pin<Box<dyn Future<Output = FlushResult> + Send + '_>>;
}
