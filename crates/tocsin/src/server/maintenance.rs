//! Background upkeep of a running server, each loop a task ended by
//! [`Maintenance::stop`]:
//!
//! * alert store GC every `--alerts.gc-interval` (resolved alerts leave the
//!   store; aggregation groups keep their own references);
//! * silences and notification-log GC every `--data.maintenance-interval`
//!   (upstream also snapshots to disk there; tocsin has already written every change);
//! * inhibitor GC every 15 minutes (upstream's fixed interval), on
//!   whichever generation is current.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tocsin_api::AlertmanagerMetrics;
use tokio::task::JoinHandle;

use super::core::Core;

const INHIBITOR_GC_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// The running upkeep tasks.
pub struct Maintenance {
    tasks: Vec<JoinHandle<()>>,
}

fn ticker(interval: Duration) -> tokio::time::Interval {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker
}

impl Maintenance {
    /// Starts every loop. The tasks hold the core weakly, so they never keep
    /// a stopped server alive.
    pub fn start(
        core: &Arc<Core>,
        metrics: Arc<AlertmanagerMetrics>,
        alerts_gc_interval: Duration,
        maintenance_interval: Duration,
    ) -> Maintenance {
        let store = Arc::clone(core.store());
        let alerts_gc = tokio::spawn(async move {
            store
                .run_gc(alerts_gc_interval, |deleted| {
                    tracing::debug!(count = deleted.len(), "resolved alerts garbage-collected");
                })
                .await;
        });

        let weak: Weak<Core> = Arc::downgrade(core);
        let data_gc = tokio::spawn(async move {
            let mut ticker = ticker(maintenance_interval);
            loop {
                ticker.tick().await;
                let Some(core) = weak.upgrade() else { return };
                let started = Instant::now();
                let silences = core.silences_store().gc();
                metrics
                    .silences_gc_duration_seconds
                    .observe(started.elapsed().as_secs_f64());
                metrics.silences_maintenance.inc();
                let started = Instant::now();
                let entries = core.nflog().gc(core.clock().now());
                metrics
                    .nflog_gc_duration_seconds
                    .observe(started.elapsed().as_secs_f64());
                metrics.nflog_maintenance.inc();
                tracing::debug!(silences, nflog_entries = entries, "maintenance done");
            }
        });

        let weak: Weak<Core> = Arc::downgrade(core);
        let inhibitor_gc = tokio::spawn(async move {
            let mut ticker = ticker(INHIBITOR_GC_INTERVAL);
            loop {
                ticker.tick().await;
                let Some(core) = weak.upgrade() else { return };
                let dropped = core.current().inhibitor.gc(core.clock().now());
                tracing::debug!(sources = dropped, "inhibitor garbage-collected");
            }
        });

        Maintenance {
            tasks: vec![alerts_gc, data_gc, inhibitor_gc],
        }
    }

    pub fn stop(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Drop for Maintenance {
    fn drop(&mut self) {
        self.stop();
    }
}
