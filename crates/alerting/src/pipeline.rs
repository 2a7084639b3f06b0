//! The notification pipeline: what happens to one flush of one aggregation
//! group, in upstream's order (`notify/notify.go`):
//!
//! inhibit → time-active → time-mute → silence → fan-out, one concurrent
//! branch per integration of the receiver: dedup → retry → set-notifies.
//!
//! (Upstream's gossip-settle and cluster-wait stages come first and wait
//! only in a cluster; without clustering they do nothing and are not here.)
//!
//! A stage that leaves no alerts ends the flush successfully without
//! touching the notification log. Any branch failure fails the flush, so
//! the dispatcher keeps the group's resolved alerts. [`Pipeline`] is the
//! dispatcher's [`FlushHandler`]; integrations plug in as
//! [`Notifier`]s; telemetry leaves through [`PipelineMetrics`].

pub mod dedup;
mod fanout;
pub mod group_marker;
pub mod metrics;
mod mute;
pub mod retry;
mod set_notifies;
pub mod time;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::time::Instant;

use crate::alert::Alert;
use crate::clock::Clock;
use crate::flush::{FlushContext, FlushError, FlushHandler, FlushResult};
use crate::inhibit::Inhibitor;
use crate::nflog::NotificationLog;
use crate::notifier::Notifier;
use crate::silence::Silences;

pub use group_marker::GroupMarker;
pub use metrics::{NoMetrics, PipelineMetrics, SuppressionReason};
pub use time::TimeIntervals;

/// A stage before the fan-out: takes the group's alerts, returns those to
/// pass on (none ends the flush successfully).
trait FilterStage: Send + Sync {
    fn run(&self, ctx: &FlushContext, alerts: Vec<Alert>) -> Result<Vec<Alert>, FlushError>;
}

/// Everything the pipeline is built from (rebuilt on every config reload,
/// sharing the long-lived silences and notification log).
pub struct PipelineParts {
    /// Receiver name → its integrations, in configuration order. A receiver
    /// with no integrations is a valid no-op.
    pub receivers: HashMap<String, Vec<Arc<dyn Notifier>>>,
    pub inhibitor: Arc<Inhibitor>,
    pub silences: Arc<Silences>,
    pub time_intervals: TimeIntervals,
    pub nflog: Arc<NotificationLog>,
    /// Written by the time stages; read by the API; pruned by the dispatcher.
    pub group_marker: Arc<GroupMarker>,
    pub clock: Clock,
    pub metrics: Arc<dyn PipelineMetrics>,
}

/// The notification pipeline for every receiver of one configuration.
pub struct Pipeline {
    stages: Vec<Box<dyn FilterStage>>,
    receivers: HashMap<String, Vec<Arc<fanout::Branch>>>,
}

impl Pipeline {
    pub fn new(parts: PipelineParts) -> Self {
        let PipelineParts {
            receivers,
            inhibitor,
            silences,
            time_intervals,
            nflog,
            group_marker,
            clock,
            metrics,
        } = parts;
        let intervals = Arc::new(time_intervals);
        let stages: Vec<Box<dyn FilterStage>> = vec![
            Box::new(mute::InhibitStage {
                inhibitor,
                clock,
                metrics: Arc::clone(&metrics),
            }),
            Box::new(time::TimeActiveStage {
                intervals: Arc::clone(&intervals),
                marker: Arc::clone(&group_marker),
                metrics: Arc::clone(&metrics),
            }),
            Box::new(time::TimeMuteStage {
                intervals,
                marker: group_marker,
                metrics: Arc::clone(&metrics),
            }),
            Box::new(mute::SilenceStage {
                silences,
                clock,
                metrics: Arc::clone(&metrics),
            }),
        ];
        let receivers = receivers
            .into_iter()
            .map(|(name, notifiers)| {
                let branches = notifiers
                    .into_iter()
                    .map(|n| {
                        Arc::new(fanout::Branch::new(
                            &name,
                            n,
                            Arc::clone(&nflog),
                            clock,
                            Arc::clone(&metrics),
                        ))
                    })
                    .collect();
                (name, branches)
            })
            .collect();
        Pipeline { stages, receivers }
    }

    async fn run(&self, ctx: FlushContext, mut alerts: Vec<Alert>) -> FlushResult {
        let deadline = Instant::now() + ctx.timeout;
        let Some(branches) = self.receivers.get(&ctx.receiver) else {
            return Err(FlushError("stage for receiver missing".to_owned()));
        };
        for stage in &self.stages {
            if alerts.is_empty() {
                return Ok(());
            }
            alerts = stage.run(&ctx, alerts)?;
        }
        if alerts.is_empty() || branches.is_empty() {
            return Ok(());
        }
        fanout::run_all(branches, &ctx, alerts, deadline).await
    }
}

impl FlushHandler for Pipeline {
    fn flush(
        &self,
        ctx: FlushContext,
        alerts: Vec<Alert>,
    ) -> Pin<Box<dyn Future<Output = FlushResult> + Send + '_>> {
        Box::pin(self.run(ctx, alerts))
    }
}
