//! One aggregation group (upstream `aggrGroup`): the alerts of one route
//! sharing one set of group labels, and the timer loop that flushes them.
//!
//! Timing, as upstream: the first flush is due `group_wait` after creation
//! (or at creation when the creating alert is older than that); at each
//! tick the timer is re-armed `group_interval` from that moment *before*
//! flushing, and the loop is sequential, so a slow flush delays the next
//! tick. A flush snapshots the alerts, zeroes `ends_at` of those not yet
//! resolved, sorts them, and hands them to the [`FlushHandler`](crate::flush::FlushHandler); only on
//! success are the flushed resolved alerts deleted, unless they changed
//! meanwhile, and an emptied group is marked destroyed and stops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_model::{LabelSet, PackedLabelSet};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::alert::{Alert, Time, notification_order};
use crate::flush::FlushContext;
use crate::route::RouteNode;
use crate::store::{FingerprintMap, StoredAlert};

use super::Shared;

/// Upstream `notify.MinTimeout`: a flush gets at least this long.
const MIN_FLUSH_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(super) struct AggrGroup {
    pub(super) route: usize,
    labels: PackedLabelSet,
    /// When the first flush is due.
    first_flush: Instant,
    alerts: Mutex<GroupAlerts>,
    started: AtomicBool,
    task: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct GroupAlerts {
    by_fingerprint: FingerprintMap<Arc<StoredAlert>>,
    destroyed: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AggrGroup {
    pub(super) fn new(node: &RouteNode, labels: PackedLabelSet, first_flush: Instant) -> AggrGroup {
        AggrGroup {
            route: node.index(),
            labels,
            first_flush,
            alerts: Mutex::default(),
            started: AtomicBool::new(false),
            task: Mutex::new(None),
        }
    }

    /// The group labels.
    pub(super) fn labels(&self) -> LabelSet {
        self.labels.view().to_label_set()
    }

    /// Upstream `GroupKey()`: `route key + ":" + group labels`, e.g.
    /// `{}/{team="a"}:{alertname="X"}`.
    pub(super) fn key(&self, node: &RouteNode) -> String {
        group_key(node, &self.labels())
    }

    /// Adds or replaces `alert`; `false` when the group is destroyed.
    pub(super) fn insert(&self, alert: &Arc<StoredAlert>) -> bool {
        let mut alerts = lock(&self.alerts);
        if alerts.destroyed {
            return false;
        }
        alerts
            .by_fingerprint
            .insert(alert.fingerprint().0, Arc::clone(alert));
        true
    }

    pub(super) fn is_destroyed(&self) -> bool {
        lock(&self.alerts).destroyed
    }

    /// The current alerts, unordered.
    pub(super) fn alerts(&self) -> Vec<Arc<StoredAlert>> {
        lock(&self.alerts)
            .by_fingerprint
            .values()
            .cloned()
            .collect()
    }

    /// Upstream `DeleteIfNotModified(resolved, destroyIfEmpty=true)`.
    fn delete_if_not_modified(&self, flushed_resolved: &[(u64, Time)]) {
        let mut alerts = lock(&self.alerts);
        for (fp, updated_at) in flushed_resolved {
            if alerts
                .by_fingerprint
                .get(fp)
                .is_some_and(|a| a.updated_at().instant == updated_at.instant)
            {
                alerts.by_fingerprint.remove(fp);
            }
        }
        if alerts.by_fingerprint.is_empty() {
            alerts.destroyed = true;
        }
    }

    /// Starts the timer loop once; later calls do nothing.
    pub(super) fn start(self: &Arc<Self>, shared: &Arc<Shared>) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let handle = tokio::spawn(run(Arc::clone(shared), Arc::clone(self)));
        *lock(&self.task) = Some(handle);
    }

    /// Cancels the timer loop and any flush in progress.
    pub(super) fn abort(&self) {
        if let Some(task) = lock(&self.task).as_ref() {
            task.abort();
        }
    }

    /// The loop's handle, for waiting on it after [`AggrGroup::abort`].
    pub(super) fn take_task(&self) -> Option<JoinHandle<()>> {
        lock(&self.task).take()
    }
}

/// Upstream `GroupKey()` of a group of `node` with `labels`.
pub(super) fn group_key(node: &RouteNode, labels: &LabelSet) -> String {
    format!("{}:{}", node.key(), labels)
}

/// The timer loop (upstream `aggrGroup.run`).
async fn run(shared: Arc<Shared>, group: Arc<AggrGroup>) {
    let Some(node) = shared.tree.node(group.route) else {
        return;
    };
    let group_interval = node.options().group_interval;
    let mut due = group.first_flush;
    loop {
        tokio::time::sleep_until(due).await;
        // The tick is when the timer fired, even if the loop got to it late
        // (start delay, slow flush): upstream reads it from the timer channel.
        let late = Instant::now().saturating_duration_since(due);
        let tick = shared
            .clock
            .now()
            .checked_sub(late)
            .unwrap_or(Timestamp::MIN);
        due = Instant::now() + group_interval;
        // Boxed so an idle group's task stays small.
        Box::pin(flush(&shared, &group, node, tick)).await;
        if group.is_destroyed() {
            return;
        }
    }
}

/// One flush (upstream `aggrGroup.flush` plus the notify call).
async fn flush(shared: &Shared, group: &AggrGroup, node: &RouteNode, tick: Timestamp) {
    let snapshot = group.alerts();
    if snapshot.is_empty() {
        return;
    }
    let now = shared.clock.now();
    let mut resolved = Vec::new();
    let mut alerts: Vec<Alert> = snapshot
        .iter()
        .map(|stored| {
            let mut alert = stored.to_alert();
            if alert.resolved_at(now) {
                resolved.push((stored.fingerprint().0, alert.updated_at));
            } else {
                alert.ends_at = Time::ZERO;
            }
            alert
        })
        .collect();
    alerts.sort_by(|a, b| notification_order(&a.labels, &b.labels));

    let options = node.options();
    let timeout = options.group_interval.max(MIN_FLUSH_TIMEOUT);
    let group_labels = group.labels();
    let group_key = group.key(node);
    let ctx = FlushContext {
        now: tick,
        group_key: group_key.clone(),
        route_labels: shared.route_labels(node, &group_labels, &alerts),
        group_labels,
        receiver: options.receiver.clone(),
        route_id: node.id().to_owned(),
        group_interval: options.group_interval,
        repeat_interval: options.repeat_interval,
        mute_time_intervals: options.mute_time_intervals.clone(),
        active_time_intervals: options.active_time_intervals.clone(),
        timeout,
    };
    let count = alerts.len();
    let succeeded = match tokio::time::timeout(timeout, shared.handler.flush(ctx, alerts)).await {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            tracing::error!(aggr_group = %group_key, num_alerts = count, err = %err, "Notify for alerts failed");
            false
        }
        Err(_) => {
            tracing::error!(
                aggr_group = %group_key,
                num_alerts = count,
                err = "context deadline exceeded",
                "Notify for alerts failed"
            );
            false
        }
    };
    if succeeded {
        group.delete_if_not_modified(&resolved);
    }
}
