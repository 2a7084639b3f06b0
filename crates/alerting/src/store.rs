//! The in-memory alert store (upstream `provider/mem` + `store`): one
//! version per fingerprint, merged on put by the rule of
//! [`Lifespan::merge`](crate::alert::Lifespan::merge), resolved alerts
//! garbage-collected on an interval, and every stored version fanned out to
//! subscribers (the dispatcher and the inhibitor).
//!
//! Layout: 16 shards, each a `RwLock` over a map fingerprint →
//! `Arc<`[`StoredAlert`]`>` (a packed, single-allocation form), so puts on different
//! shards do not contend and readers take short read locks. A put packs
//! alerts outside any lock, then per shard merges, stores and queues the
//! result for subscribers under that shard's lock, so every subscriber sees
//! the versions of one fingerprint in store order. No lock is held across
//! an `.await`.
//!
//! Back-pressure: puts never wait for subscribers. Each [`Subscription`]
//! receives only the latest version of each alert (a later version replaces
//! an earlier one in place, keeping the first arrival's position): the
//! store appends versions to the subscriber's queue and the receiving side
//! removes the duplicates, and a queue that outgrows twice its distinct
//! alerts is compacted in place. A slow subscriber therefore skips
//! intermediate versions but never ends with a stale one, and its backlog
//! is bounded by the number of distinct alerts, not by the ingest rate.
//! Upstream instead blocks `POST /api/v2/alerts` once a 200-slot channel is
//! full (prometheus/alertmanager#4392). The dispatcher and the inhibitor
//! keep only the latest version per fingerprint, so skipping intermediate
//! versions does not change what they end up with.

mod fingerprint_hash;
mod limit;
mod packed;
mod subscription;

use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use tocsin_model::Fingerprint;

use crate::alert::Alert;
use crate::clock::Clock;

pub(crate) use fingerprint_hash::{FingerprintMap, mix as mix_fingerprint};
pub use packed::{AlertTimes, StoredAlert};
pub use subscription::Subscription;

use limit::AlertnameLimits;
use subscription::SubscriberQueue;

const SHARD_BITS: u32 = 4;
const SHARDS: usize = 1 << SHARD_BITS;

/// Store settings (command-line flags).
#[derive(Clone, Copy, Debug, Default)]
pub struct StoreOptions {
    /// `--alerts.per-alertname-limit`; 0 means unlimited.
    pub per_alertname_limit: usize,
}

/// What a put did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PutReport {
    /// How many alerts were stored (and published).
    pub stored: usize,
    /// Alerts rejected by the per-alertname limit: fingerprint and alertname
    /// (upstream logs them and counts `alertmanager_alerts_limited_total`).
    pub limited: Vec<(Fingerprint, String)>,
}

/// The alert store. Share it behind an `Arc`.
#[derive(Debug)]
pub struct AlertStore {
    clock: Clock,
    shards: Box<[RwLock<FingerprintMap<Arc<StoredAlert>>>]>,
    subscribers: RwLock<Vec<Arc<SubscriberQueue>>>,
    limits: Option<Mutex<AlertnameLimits>>,
}

fn shard_of(fp: u64) -> usize {
    // The top bits of the mixed fingerprint; the shift leaves < SHARDS.
    (mix_fingerprint(fp) >> (64 - SHARD_BITS)) as usize
}

impl AlertStore {
    pub fn new(clock: Clock, options: StoreOptions) -> AlertStore {
        AlertStore {
            clock,
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            subscribers: RwLock::default(),
            limits: (options.per_alertname_limit > 0)
                .then(|| Mutex::new(AlertnameLimits::new(options.per_alertname_limit))),
        }
    }

    fn read_shard(
        &self,
        index: usize,
    ) -> Option<RwLockReadGuard<'_, FingerprintMap<Arc<StoredAlert>>>> {
        Some(
            self.shards
                .get(index)?
                .read()
                .unwrap_or_else(|p| p.into_inner()),
        )
    }

    fn write_shard(
        &self,
        index: usize,
    ) -> Option<RwLockWriteGuard<'_, FingerprintMap<Arc<StoredAlert>>>> {
        Some(
            self.shards
                .get(index)?
                .write()
                .unwrap_or_else(|p| p.into_inner()),
        )
    }

    fn live_subscribers(&self) -> RwLockReadGuard<'_, Vec<Arc<SubscriberQueue>>> {
        self.subscribers.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `alerts` in order (upstream `Put`): for a fingerprint already
    /// held, an incoming alert whose activity range overlaps the stored one
    /// is merged with it, otherwise it replaces it. The per-alertname limit
    /// is applied to the result. Everything stored is published to the
    /// subscribers. Never waits.
    pub fn put(&self, alerts: Vec<Alert>) -> PutReport {
        self.put_packed(alerts.iter().map(StoredAlert::pack).collect())
    }

    /// [`AlertStore::put`] for alerts already in their stored form.
    pub fn put_packed(&self, alerts: Vec<StoredAlert>) -> PutReport {
        let now = self.clock.now();
        let mut packed: Vec<(usize, StoredAlert)> = alerts
            .into_iter()
            .map(|stored| (shard_of(stored.fingerprint().0), stored))
            .collect();
        // Stable: versions of one fingerprint keep their order.
        packed.sort_by_key(|(shard, _)| *shard);

        let mut report = PutReport::default();
        let mut published: Vec<Arc<StoredAlert>> = Vec::with_capacity(packed.len());
        let mut incoming_alerts = packed.into_iter().peekable();
        while let Some((shard, first)) = incoming_alerts.next() {
            let Some(mut map) = self.write_shard(shard) else {
                continue;
            };
            published.clear();
            let mut next = Some(first);
            while let Some(incoming) = next.take() {
                // One probe of the map per alert: look up and store through
                // the same entry.
                let stored = match map.entry(incoming.fingerprint().0) {
                    Entry::Occupied(mut held) => self
                        .merge_and_admit(Some(held.get()), incoming, now, &mut report)
                        .inspect(|stored| {
                            held.insert(Arc::clone(stored));
                        }),
                    Entry::Vacant(free) => self
                        .merge_and_admit(None, incoming, now, &mut report)
                        .inspect(|stored| {
                            free.insert(Arc::clone(stored));
                        }),
                };
                published.extend(stored);
                if incoming_alerts.peek().is_some_and(|(s, _)| *s == shard) {
                    next = incoming_alerts.next().map(|(_, alert)| alert);
                }
            }
            report.stored += published.len();
            for subscriber in self.live_subscribers().iter().filter(|s| !s.is_closed()) {
                subscriber.push(&published);
            }
        }
        report
    }

    /// The version to store for `incoming` given the version held for its
    /// fingerprint, or `None` when the per-alertname limit rejects it.
    fn merge_and_admit(
        &self,
        held: Option<&Arc<StoredAlert>>,
        incoming: StoredAlert,
        now: jiff::Timestamp,
        report: &mut PutReport,
    ) -> Option<Arc<StoredAlert>> {
        let fp = incoming.fingerprint();
        let merged = match held {
            Some(existing) if incoming.lifespan().overlaps(&existing.lifespan()) => {
                let span = existing.lifespan().merge(&incoming.lifespan(), now);
                let base = if span.other_is_younger {
                    incoming
                } else {
                    StoredAlert::clone(existing)
                };
                base.with_span(span.starts_at, span.ends_at)
            }
            _ => incoming,
        };
        if let Some(limits) = &self.limits {
            let mut limits = limits.lock().unwrap_or_else(|p| p.into_inner());
            if !limits.admit(merged.name(), fp.0, merged.ends_at().instant, now) {
                report.limited.push((fp, merged.name().to_owned()));
                return None;
            }
        }
        Some(Arc::new(merged))
    }

    /// The stored version of `fingerprint`.
    pub fn get(&self, fingerprint: Fingerprint) -> Option<Arc<StoredAlert>> {
        self.read_shard(shard_of(fingerprint.0))?
            .get(&fingerprint.0)
            .cloned()
    }

    /// A snapshot of every stored alert, in no particular order (resolved
    /// ones included until GC; callers filter by `ends_at`).
    pub fn list(&self) -> Vec<Arc<StoredAlert>> {
        let mut out = Vec::with_capacity(self.len());
        for index in 0..SHARDS {
            if let Some(map) = self.read_shard(index) {
                out.extend(map.values().cloned());
            }
        }
        out
    }

    /// How many alerts are stored.
    pub fn len(&self) -> usize {
        (0..SHARDS)
            .filter_map(|i| self.read_shard(i))
            .map(|m| m.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn register(&self, name: &str) -> Arc<SubscriberQueue> {
        let queue = SubscriberQueue::new(name);
        let mut subscribers = self.subscribers.write().unwrap_or_else(|p| p.into_inner());
        subscribers.retain(|s| !s.is_closed());
        subscribers.push(Arc::clone(&queue));
        queue
    }

    /// Subscribes to stored alerts; the first batch received holds every
    /// alert stored now (upstream `Subscribe`).
    pub fn subscribe(&self, name: &str) -> Subscription {
        let queue = self.register(name);
        for index in 0..SHARDS {
            // Under the shard lock, so no put of this shard interleaves.
            if let Some(map) = self.read_shard(index) {
                queue.push(map.values());
            }
        }
        Subscription::new(queue)
    }

    /// Every alert stored now, and a subscription to what is stored from
    /// now on (upstream `SlurpAndSubscribe`). An alert stored concurrently
    /// may appear in both, in that order, never older in the subscription.
    pub fn slurp_and_subscribe(&self, name: &str) -> (Vec<Arc<StoredAlert>>, Subscription) {
        let queue = self.register(name);
        (self.list(), Subscription::new(queue))
    }

    /// Deletes alerts resolved now (`ends_at <= now`) and returns them;
    /// also forgets stale per-alertname limit buckets and closed
    /// subscriptions. Aggregation groups keep their own references.
    pub fn gc(&self) -> Vec<Arc<StoredAlert>> {
        let now = self.clock.now();
        self.subscribers
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|s| !s.is_closed());
        if let Some(limits) = &self.limits {
            limits.lock().unwrap_or_else(|p| p.into_inner()).gc(now);
        }
        let mut deleted = Vec::new();
        for index in 0..SHARDS {
            if let Some(mut map) = self.write_shard(index) {
                map.retain(|_, alert| {
                    let resolved = alert.resolved_at(now);
                    if resolved {
                        deleted.push(Arc::clone(alert));
                    }
                    !resolved
                });
            }
        }
        deleted
    }

    /// Runs [`AlertStore::gc`] every `interval` (`--alerts.gc-interval`),
    /// handing what was deleted to `on_deleted` (e.g. to evict silence
    /// caches). Runs until the task is dropped or aborted.
    pub async fn run_gc(
        &self,
        interval: Duration,
        mut on_deleted: impl FnMut(Vec<Arc<StoredAlert>>),
    ) {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let deleted = self.gc();
            if !deleted.is_empty() {
                on_deleted(deleted);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Time;
    use jiff::Timestamp;
    use tocsin_model::LabelSet;

    const T0: i64 = 1_800_000_000;

    fn at(s: i64) -> Time {
        Time::utc(Timestamp::from_second(T0 + s).unwrap())
    }

    fn alert(name: &str, starts: i64, ends: i64, updated: i64) -> Alert {
        Alert {
            labels: [("alertname", name)].into_iter().collect(),
            annotations: LabelSet::new(),
            starts_at: at(starts),
            ends_at: at(ends),
            generator_url: String::new(),
            updated_at: at(updated),
            timeout: false,
        }
    }

    fn store_at(clock_s: i64, options: StoreOptions) -> AlertStore {
        AlertStore::new(Clock::starting_at(at(clock_s).instant), options)
    }

    #[tokio::test(start_paused = true)]
    async fn put_merges_overlapping_and_replaces_otherwise() {
        let store = store_at(10, StoreOptions::default());
        let first = alert("A", 0, 100, 1);
        let fp = first.fingerprint();
        store.put(vec![first]);
        // Overlapping (start inside), resolved earlier: younger resolve at 50 is
        // not yet reached at now=10, so firing rule: older non-timeout end 100 wins.
        let mut update = alert("A", 5, 50, 2);
        update.annotations.insert("v", "2");
        store.put(vec![update]);
        let got = store.get(fp).unwrap();
        assert_eq!(got.starts_at(), at(0));
        assert_eq!(got.ends_at(), at(100));
        assert_eq!(got.annotations().get("v"), Some("2"));
        // Non-overlapping: replaced as is.
        store.put(vec![alert("A", 200, 300, 3)]);
        let got = store.get(fp).unwrap();
        assert_eq!((got.starts_at(), got.ends_at()), (at(200), at(300)));
        assert!(got.annotations().is_empty());
        assert_eq!(store.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn versions_in_one_batch_apply_in_order() {
        let store = store_at(10, StoreOptions::default());
        let a = alert("A", 0, 100, 1);
        let fp = a.fingerprint();
        let mut b = alert("A", 0, 100, 2);
        b.generator_url = "second".into();
        let others = (0..40).map(|i| alert(&format!("x{i}"), 0, 100, 1));
        let batch: Vec<Alert> = std::iter::once(a)
            .chain(others)
            .chain(std::iter::once(b))
            .collect();
        assert_eq!(store.put(batch).stored, 42);
        assert_eq!(store.get(fp).unwrap().generator_url(), "second");
        assert_eq!(store.len(), 41);
    }

    #[tokio::test(start_paused = true)]
    async fn subscribers_get_latest_versions_in_first_arrival_order() {
        let store = store_at(10, StoreOptions::default());
        store.put(vec![alert("old", 0, 100, 1)]);
        let mut sub = store.subscribe("test");
        let (slurped, mut sub2) = store.slurp_and_subscribe("test2");
        assert_eq!(slurped.len(), 1);
        store.put(vec![alert("B", 0, 100, 1), alert("C", 0, 100, 1)]);
        let mut b2 = alert("B", 0, 100, 2);
        b2.generator_url = "v2".into();
        store.put(vec![b2]);
        let names = |batch: &[Arc<StoredAlert>]| -> Vec<String> {
            batch
                .iter()
                .map(|a| format!("{}{}", a.name(), a.generator_url()))
                .collect()
        };
        assert_eq!(names(&sub.recv().await), ["old", "Bv2", "C"]);
        assert_eq!(names(&sub2.recv().await), ["Bv2", "C"]);
        assert!(sub.try_recv().is_empty());
        // A dropped subscription stops receiving and is pruned.
        drop(sub2);
        store.put(vec![alert("D", 0, 100, 1)]);
        assert_eq!(names(&sub.recv().await), ["D"]);
        store.gc();
        assert_eq!(store.live_subscribers().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn recv_waits_for_a_put() {
        let store = Arc::new(store_at(10, StoreOptions::default()));
        let mut sub = store.subscribe("test");
        let writer = Arc::clone(&store);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            writer.put(vec![alert("late", 0, 100, 1)]);
        });
        let batch = sub.recv().await;
        assert_eq!(batch.len(), 1);
        assert_eq!(tokio::time::Instant::now().elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn gc_deletes_resolved_on_interval() {
        let store = Arc::new(store_at(0, StoreOptions::default()));
        store.put(vec![
            alert("soon", 0, 20, 0),
            alert("later", 0, 90, 0),
            alert("now", 0, 30, 0),
        ]);
        let deleted = Arc::new(Mutex::new(Vec::new()));
        let (s, d) = (Arc::clone(&store), Arc::clone(&deleted));
        let task = tokio::spawn(async move {
            s.run_gc(Duration::from_secs(30), |gone| {
                let mut names: Vec<String> = gone.iter().map(|a| a.name().to_owned()).collect();
                names.sort();
                d.lock().unwrap().push(names);
            })
            .await;
        });
        tokio::time::sleep(Duration::from_secs(29)).await;
        assert_eq!(store.len(), 3);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(store.len(), 1, "EndsAt == now counts as resolved");
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(store.is_empty());
        task.abort();
        assert_eq!(
            *deleted.lock().unwrap(),
            vec![vec!["now".to_string(), "soon".into()], vec!["later".into()]]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn per_alertname_limit_rejects_new_fingerprints() {
        let store = store_at(
            10,
            StoreOptions {
                per_alertname_limit: 1,
            },
        );
        let mut a = alert("A", 0, 100, 1);
        a.labels.insert("instance", "1");
        let mut b = alert("A", 0, 100, 1);
        b.labels.insert("instance", "2");
        let b_fp = b.fingerprint();
        let report = store.put(vec![a.clone(), b]);
        assert_eq!(report.stored, 1);
        assert_eq!(report.limited, vec![(b_fp, "A".to_string())]);
        assert_eq!(store.put(vec![a]).stored, 1, "known fingerprint passes");
        assert!(store.get(b_fp).is_none());
    }
}
