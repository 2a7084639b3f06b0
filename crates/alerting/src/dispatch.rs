//! The dispatcher (upstream `dispatch/dispatch.go`): takes every alert
//! from the store, routes it through the [`RouteTree`], and keeps one
//! aggregation group per (route, group labels) whose timer hands the
//! group's alerts to a [`FlushHandler`] (the notification pipeline).
//!
//! Lifecycle: [`Dispatcher::start`] subscribes to the store, routes every
//! alert already stored, then follows the subscription. Groups created
//! before the start time (`--dispatch.start-delay` after process start) are
//! not run until then; their timers count from creation, so overdue first
//! flushes happen at the start time. A maintenance tick removes destroyed
//! groups. On reload the caller [`stop`](Dispatcher::stop)s the old
//! dispatcher (cancelling every group loop and in-flight flush) and starts
//! a new one, which rebuilds all groups from the store.
//!
//! Concurrency: one ingestion task; per route a mutex over its groups, and
//! per group a mutex over its alerts, each held only to look up, insert or
//! copy `Arc`s. [`Dispatcher::groups`] copies under those locks and does
//! the rest outside them, so readers never stall ingestion for long. All
//! timing uses tokio time and the injected [`Clock`].

mod group;

use std::cmp::Ordering as CmpOrdering;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_model::{LabelSet, PackedLabelSet};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::alert::{Alert, label_set_order, notification_order};
use crate::clock::Clock;
use crate::flush::FlushHandler;
use crate::route::{RouteNode, RouteTree};
use crate::store::{AlertStore, FingerprintMap, StoredAlert, Subscription};

use group::AggrGroup;

/// Upstream's `--dispatch.maintenance-interval` default.
pub const DEFAULT_MAINTENANCE_INTERVAL: Duration = Duration::from_secs(30);

/// Alerts routed between two yields of the ingestion task.
const INGEST_CHUNK: usize = 1024;

/// Renders a route's `labels:` (templates, new in 0.34) for one group.
/// Implemented where the template engine lives; without one the raw
/// values are used.
pub trait RouteLabelRenderer: Send + Sync + 'static {
    /// `node.options().labels` rendered against the group's data.
    fn render(&self, node: &RouteNode, group_labels: &LabelSet, alerts: &[Alert]) -> LabelSet;
}

/// Called with `(route ID, group key)` when maintenance removes a
/// destroyed group (upstream then deletes the group's marker).
pub type GroupRemovedHook = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// Dispatcher settings.
#[derive(Clone)]
pub struct DispatcherOptions {
    /// Wall time before which no group runs: process start plus
    /// `--dispatch.start-delay` (the same instant across reloads). `None`
    /// starts groups as soon as the existing alerts are loaded.
    pub start_at: Option<Timestamp>,
    /// `--dispatch.maintenance-interval`.
    pub maintenance_interval: Duration,
    pub route_labels: Option<Arc<dyn RouteLabelRenderer>>,
    pub on_group_removed: Option<GroupRemovedHook>,
}

impl Default for DispatcherOptions {
    fn default() -> Self {
        DispatcherOptions {
            start_at: None,
            maintenance_interval: DEFAULT_MAINTENANCE_INTERVAL,
            route_labels: None,
            on_group_removed: None,
        }
    }
}

impl std::fmt::Debug for DispatcherOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DispatcherOptions")
            .field("start_at", &self.start_at)
            .field("maintenance_interval", &self.maintenance_interval)
            .field("route_labels", &self.route_labels.is_some())
            .field("on_group_removed", &self.on_group_removed.is_some())
            .finish()
    }
}

/// One aggregation group as `GET /api/v2/alerts/groups` shows it.
#[derive(Clone, Debug)]
pub struct GroupSnapshot {
    pub group_labels: LabelSet,
    /// The route's index in the tree ([`RouteTree::node`]).
    pub route: usize,
    pub receiver: String,
    pub route_id: String,
    pub group_key: String,
    /// Rendered by the [`RouteLabelRenderer`] if there is one.
    pub route_labels: LabelSet,
    /// Sorted by `job`, `instance`, labels. Resolved alerts not yet
    /// notified are included; callers filter by time as they need.
    pub alerts: Vec<Arc<StoredAlert>>,
}

const WAITING: u8 = 0;
const RUNNING: u8 = 1;
const STOPPED: u8 = 2;

/// State shared by the dispatcher's tasks.
struct Shared {
    tree: Arc<RouteTree>,
    handler: Arc<dyn FlushHandler>,
    clock: Clock,
    options: DispatcherOptions,
    /// Per route index: group fingerprint → group.
    groups: Box<[Mutex<FingerprintMap<Arc<AggrGroup>>>]>,
    group_count: AtomicUsize,
    state: AtomicU8,
    loaded: watch::Sender<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Routes alerts into aggregation groups and runs their timers.
pub struct Dispatcher {
    shared: Arc<Shared>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("routes", &self.shared.tree.len())
            .field("groups", &self.group_count())
            .finish()
    }
}

impl Dispatcher {
    /// Subscribes to `store` and starts routing (must run inside a tokio
    /// runtime). Alerts already stored are routed first; see
    /// [`Dispatcher::wait_loaded`].
    pub fn start(
        store: &AlertStore,
        tree: Arc<RouteTree>,
        handler: Arc<dyn FlushHandler>,
        clock: Clock,
        options: DispatcherOptions,
    ) -> Dispatcher {
        let (stored, subscription) = store.slurp_and_subscribe("dispatcher");
        let maintenance_interval = options.maintenance_interval.max(Duration::from_millis(1));
        let shared = Arc::new(Shared {
            groups: (0..tree.len()).map(|_| Mutex::default()).collect(),
            tree,
            handler,
            clock,
            options,
            group_count: AtomicUsize::new(0),
            state: AtomicU8::new(WAITING),
            loaded: watch::Sender::new(false),
        });
        let tasks = vec![
            tokio::spawn(ingest(Arc::clone(&shared), stored, subscription)),
            tokio::spawn(start_groups(Arc::clone(&shared))),
            tokio::spawn(maintain(Arc::clone(&shared), maintenance_interval)),
        ];
        Dispatcher {
            shared,
            tasks: Mutex::new(tasks),
        }
    }

    /// Resolves once the alerts stored at start have been routed, or the
    /// dispatcher was stopped (upstream `WaitForLoading`; the groups API
    /// waits for it).
    pub async fn wait_loaded(&self) {
        let mut loaded = self.shared.loaded.subscribe();
        // Only fails if the sender is gone, which `self` prevents.
        let _ = loaded.wait_for(|done| *done).await;
    }

    /// The tree this dispatcher routes with.
    pub fn route_tree(&self) -> &Arc<RouteTree> {
        &self.shared.tree
    }

    /// Live aggregation groups (`alertmanager_dispatcher_aggregation_groups`).
    pub fn group_count(&self) -> usize {
        self.shared.group_count.load(Ordering::Relaxed)
    }

    /// A snapshot of the non-empty groups of the routes `route_filter`
    /// accepts, sorted by group labels then receiver (upstream `Groups`).
    pub fn groups(&self, mut route_filter: impl FnMut(&RouteNode) -> bool) -> Vec<GroupSnapshot> {
        let shared = &self.shared;
        let mut out = Vec::new();
        for node in shared.tree.nodes() {
            if !route_filter(node) {
                continue;
            }
            let Some(route_groups) = shared.groups.get(node.index()) else {
                continue;
            };
            let groups: Vec<Arc<AggrGroup>> = lock(route_groups).values().cloned().collect();
            for group in groups {
                let alerts = group.alerts();
                if alerts.is_empty() {
                    continue;
                }
                let alerts = sorted_for_listing(alerts);
                let group_labels = group.labels();
                let route_labels = if node.options().labels.is_empty() {
                    LabelSet::new()
                } else {
                    let owned: Vec<Alert> = alerts.iter().map(|a| a.to_alert()).collect();
                    shared.route_labels(node, &group_labels, &owned)
                };
                out.push(GroupSnapshot {
                    group_key: group::group_key(node, &group_labels),
                    group_labels,
                    route: node.index(),
                    receiver: node.receiver().to_owned(),
                    route_id: node.id().to_owned(),
                    route_labels,
                    alerts,
                });
            }
        }
        out.sort_by(
            |a, b| match label_set_order(&a.group_labels, &b.group_labels) {
                CmpOrdering::Equal => a.receiver.cmp(&b.receiver),
                unequal => unequal,
            },
        );
        out
    }

    /// Stops ingestion, maintenance and every group loop (cancelling
    /// flushes in progress) and waits until they are gone.
    pub async fn stop(&self) {
        self.shared.state.store(STOPPED, Ordering::SeqCst);
        let tasks = std::mem::take(&mut *lock(&self.tasks));
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            let _ = task.await;
        }
        // Nobody waits forever on a dispatcher stopped while loading.
        self.shared.loaded.send_replace(true);
        let mut group_tasks = Vec::new();
        for route_groups in self.shared.groups.iter() {
            for group in lock(route_groups).values() {
                group.abort();
                group_tasks.extend(group.take_task());
            }
        }
        for task in group_tasks {
            let _ = task.await;
        }
    }
}

impl Drop for Dispatcher {
    /// Aborts whatever [`Dispatcher::stop`] did not already end, so no task
    /// outlives the dispatcher.
    fn drop(&mut self) {
        self.shared.state.store(STOPPED, Ordering::SeqCst);
        for task in lock(&self.tasks).iter() {
            task.abort();
        }
        for route_groups in self.shared.groups.iter() {
            for group in lock(route_groups).values() {
                group.abort();
            }
        }
    }
}

impl Shared {
    fn route_labels(
        &self,
        node: &RouteNode,
        group_labels: &LabelSet,
        alerts: &[Alert],
    ) -> LabelSet {
        let raw = &node.options().labels;
        if raw.is_empty() {
            return LabelSet::new();
        }
        match &self.options.route_labels {
            Some(renderer) => renderer.render(node, group_labels, alerts),
            None => raw.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        }
    }

    /// Upstream `routeAlert`.
    fn route_alert(self: &Arc<Self>, alert: &Arc<StoredAlert>) {
        let now = self.clock.now();
        let labels = alert.labels();
        for node in self.tree.match_labels(&labels) {
            self.group_alert(alert, node, now);
        }
    }

    /// Upstream `groupAlert`: insert into the node's group for the alert's
    /// group labels, creating the group (again, if destroyed) when needed.
    fn group_alert(self: &Arc<Self>, alert: &Arc<StoredAlert>, node: &RouteNode, now: Timestamp) {
        let labels = alert.labels();
        let group_fp = node.group_fingerprint(&labels).0;
        let Some(route_groups) = self.groups.get(node.index()) else {
            return;
        };
        let mut groups = lock(route_groups);
        if groups
            .get(&group_fp)
            .is_some_and(|group| group.insert(alert))
        {
            return;
        }
        let group_wait = node.options().group_wait;
        let created = Instant::now();
        // An alert older than group_wait makes the new group flush at once.
        let old = alert
            .starts_at()
            .instant
            .checked_add(group_wait)
            .is_ok_and(|ready| ready < now);
        let first_flush = if old { created } else { created + group_wait };
        let group_labels = PackedLabelSet::from_sorted(node.group_label_pairs(&labels));
        let group = Arc::new(AggrGroup::new(node, group_labels, first_flush));
        group.insert(alert);
        tracing::debug!(aggr_group = %group.key(node), immediate = old, "aggregation group created");
        match groups.insert(group_fp, Arc::clone(&group)) {
            Some(destroyed) => destroyed.abort(),
            None => {
                self.group_count.fetch_add(1, Ordering::Relaxed);
            }
        }
        if self.state.load(Ordering::SeqCst) == RUNNING {
            group.start(self);
        }
    }

    /// Upstream `doMaintenance`: forget destroyed groups.
    fn remove_destroyed(&self) {
        for route_groups in self.groups.iter() {
            let mut removed = Vec::new();
            lock(route_groups).retain(|_, group| {
                let destroyed = group.is_destroyed();
                if destroyed {
                    removed.push(Arc::clone(group));
                }
                !destroyed
            });
            for group in removed {
                group.abort();
                self.group_count.fetch_sub(1, Ordering::Relaxed);
                if let (Some(hook), Some(node)) =
                    (&self.options.on_group_removed, self.tree.node(group.route))
                {
                    hook(node.id(), &group.key(node));
                }
            }
        }
    }
}

/// `alerts` in notification order ([`notification_order`]), comparing the
/// `job` and `instance` values looked up once per alert before falling back
/// to whole label sets.
fn sorted_for_listing(alerts: Vec<Arc<StoredAlert>>) -> Vec<Arc<StoredAlert>> {
    let mut keyed: Vec<(Option<&str>, Option<&str>, &Arc<StoredAlert>)> = alerts
        .iter()
        .map(|a| {
            let labels = a.labels();
            (labels.get("job"), labels.get("instance"), a)
        })
        .collect();
    let present_first = |x: Option<&str>, y: Option<&str>| match (x, y) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => CmpOrdering::Less,
        (None, Some(_)) => CmpOrdering::Greater,
        (None, None) => CmpOrdering::Equal,
    };
    keyed.sort_by(|(job_a, inst_a, a), (job_b, inst_b, b)| {
        present_first(*job_a, *job_b)
            .then_with(|| present_first(*inst_a, *inst_b))
            .then_with(|| notification_order(&a.labels(), &b.labels()))
    });
    keyed.into_iter().map(|(_, _, a)| Arc::clone(a)).collect()
}

/// Routes the alerts stored at start, then everything the store publishes.
async fn ingest(
    shared: Arc<Shared>,
    stored: Vec<Arc<StoredAlert>>,
    mut subscription: Subscription,
) {
    route_batch(&shared, stored).await;
    shared.loaded.send_replace(true);
    loop {
        let batch = subscription.recv().await;
        route_batch(&shared, batch).await;
    }
}

async fn route_batch(shared: &Arc<Shared>, batch: Vec<Arc<StoredAlert>>) {
    for chunk in batch.chunks(INGEST_CHUNK) {
        for alert in chunk {
            shared.route_alert(alert);
        }
        if chunk.len() == INGEST_CHUNK {
            tokio::task::yield_now().await;
        }
    }
}

/// Waits for loading and the start time, then runs every group.
async fn start_groups(shared: Arc<Shared>) {
    let mut loaded = shared.loaded.subscribe();
    let _ = loaded.wait_for(|done| *done).await;
    if let Some(start_at) = shared.options.start_at {
        tokio::time::sleep_until(shared.clock.instant_at(start_at)).await;
    }
    if shared
        .state
        .compare_exchange(WAITING, RUNNING, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return;
    }
    tracing::debug!("dispatcher started");
    for route_groups in shared.groups.iter() {
        for group in lock(route_groups).values() {
            group.start(&shared);
        }
    }
}

async fn maintain(shared: Arc<Shared>, interval: Duration) {
    let mut ticker = tokio::time::interval_at(Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        shared.remove_destroyed();
    }
}
