//! Subscriptions to the alert store: every stored (new or updated) alert is
//! handed to every live subscriber, in store order.
//!
//! Coalescing per fingerprint is the store's back-pressure policy (see the
//! `store` module documentation).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::StoredAlert;
use super::fingerprint_hash::FingerprintMap;

/// Backlog length below which a queue is never compacted.
const MIN_COMPACT_AT: usize = 4096;

/// The receiving end of a subscription. Dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    queue: Arc<SubscriberQueue>,
    /// Scratch for [`latest_in_first_arrival_order`], kept between batches.
    seen: FingerprintMap<usize>,
}

/// What the store holds for one subscriber.
#[derive(Debug)]
pub(super) struct SubscriberQueue {
    name: String,
    pending: Mutex<Pending>,
    wake: Notify,
    closed: AtomicBool,
}

/// Versions in store order, duplicates included: pushing is a plain append
/// (the store calls it under a shard lock, on the HTTP path). The receiver
/// removes duplicates; a backlog that outgrows `compact_at` is compacted in
/// place, so it stays bounded by (twice) the number of distinct alerts.
#[derive(Debug)]
struct Pending {
    versions: Vec<Arc<StoredAlert>>,
    compact_at: usize,
    seen: FingerprintMap<usize>,
}

/// Keeps the latest version of each fingerprint, at the position of its
/// first arrival.
fn latest_in_first_arrival_order(
    versions: &mut Vec<Arc<StoredAlert>>,
    seen: &mut FingerprintMap<usize>,
) {
    seen.clear();
    let mut kept = 0;
    for i in 0..versions.len() {
        let fp = versions[i].fingerprint().0;
        match seen.get(&fp) {
            Some(&at) => versions.swap(at, i),
            None => {
                seen.insert(fp, kept);
                versions.swap(kept, i);
                kept += 1;
            }
        }
    }
    versions.truncate(kept);
}

impl SubscriberQueue {
    pub(super) fn new(name: &str) -> Arc<SubscriberQueue> {
        Arc::new(SubscriberQueue {
            name: name.to_owned(),
            pending: Mutex::new(Pending {
                versions: Vec::new(),
                compact_at: MIN_COMPACT_AT,
                seen: FingerprintMap::default(),
            }),
            wake: Notify::new(),
            closed: AtomicBool::new(false),
        })
    }

    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues `alerts` and wakes the subscriber.
    pub(super) fn push<'a>(&self, alerts: impl IntoIterator<Item = &'a Arc<StoredAlert>>) {
        let mut pending = self.lock();
        let before = pending.versions.len();
        pending.versions.extend(alerts.into_iter().cloned());
        let after = pending.versions.len();
        if after > pending.compact_at {
            let Pending { versions, seen, .. } = &mut *pending;
            latest_in_first_arrival_order(versions, seen);
            pending.compact_at = (2 * pending.versions.len()).max(MIN_COMPACT_AT);
        }
        drop(pending);
        if after > before {
            self.wake.notify_one();
        }
    }

    fn take(&self) -> Vec<Arc<StoredAlert>> {
        let mut pending = self.lock();
        pending.compact_at = MIN_COMPACT_AT;
        std::mem::take(&mut pending.versions)
    }
}

impl Subscription {
    pub(super) fn new(queue: Arc<SubscriberQueue>) -> Subscription {
        Subscription {
            queue,
            seen: FingerprintMap::default(),
        }
    }

    /// The name given at subscription (for logs).
    pub fn name(&self) -> &str {
        &self.queue.name
    }

    fn drain(&mut self) -> Vec<Arc<StoredAlert>> {
        let mut batch = self.queue.take();
        latest_in_first_arrival_order(&mut batch, &mut self.seen);
        batch
    }

    /// Waits until at least one alert is pending, then returns all pending
    /// alerts (the latest version of each) in first-arrival order.
    pub async fn recv(&mut self) -> Vec<Arc<StoredAlert>> {
        loop {
            let batch = self.drain();
            if !batch.is_empty() {
                return batch;
            }
            self.queue.wake.notified().await;
        }
    }

    /// Everything pending now, possibly nothing.
    pub fn try_recv(&mut self) -> Vec<Arc<StoredAlert>> {
        self.drain()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.queue.closed.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{Alert, Time};

    fn version(name: &str, generation: usize) -> Arc<StoredAlert> {
        Arc::new(StoredAlert::pack(&Alert {
            labels: [("alertname", name)].into_iter().collect(),
            annotations: Default::default(),
            starts_at: Time::ZERO,
            ends_at: Time::ZERO,
            generator_url: generation.to_string(),
            updated_at: Time::ZERO,
            timeout: false,
        }))
    }

    #[test]
    fn duplicates_collapse_to_the_latest_version_at_first_arrival() {
        let mut versions: Vec<_> = [("a", 1), ("b", 1), ("a", 2), ("c", 1), ("b", 2), ("a", 3)]
            .into_iter()
            .map(|(name, generation)| version(name, generation))
            .collect();
        latest_in_first_arrival_order(&mut versions, &mut FingerprintMap::default());
        let got: Vec<String> = versions
            .iter()
            .map(|v| format!("{}{}", v.name(), v.generator_url()))
            .collect();
        assert_eq!(got, ["a3", "b2", "c1"]);
    }

    #[test]
    fn a_backlog_of_few_alerts_stays_small_however_many_versions_arrive() {
        let queue = SubscriberQueue::new("slow");
        let mut subscription = Subscription::new(Arc::clone(&queue));
        for generation in 0..100_000 {
            queue.push(&[version(&format!("alert{}", generation % 10), generation)]);
            assert!(queue.lock().versions.len() <= MIN_COMPACT_AT + 1);
        }
        let batch = subscription.try_recv();
        assert_eq!(batch.len(), 10);
        assert!(
            batch
                .iter()
                .all(|v| v.generator_url().parse::<usize>().unwrap() >= 99_990)
        );
        assert!(subscription.try_recv().is_empty());
    }
}
