//! Subscriptions to the alert store: every stored (new or updated) alert is
//! handed to every live subscriber, in store order.
//!
//! Coalescing per fingerprint is the store's back-pressure policy (see the
//! `store` module documentation).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::StoredAlert;
use super::fingerprint_hash::FingerprintMap;

/// The receiving end of a subscription. Dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    queue: Arc<SubscriberQueue>,
}

/// What the store holds for one subscriber.
#[derive(Debug)]
pub(super) struct SubscriberQueue {
    name: String,
    pending: Mutex<Pending>,
    wake: Notify,
    closed: AtomicBool,
}

#[derive(Debug, Default)]
struct Pending {
    latest: FingerprintMap<Arc<StoredAlert>>,
    order: Vec<u64>,
}

impl SubscriberQueue {
    pub(super) fn new(name: &str) -> Arc<SubscriberQueue> {
        Arc::new(SubscriberQueue {
            name: name.to_owned(),
            pending: Mutex::new(Pending::default()),
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

    /// Queues `alerts` (coalescing per fingerprint) and wakes the subscriber.
    pub(super) fn push<'a>(&self, alerts: impl IntoIterator<Item = &'a Arc<StoredAlert>>) {
        let mut pending = self.lock();
        let mut any = false;
        for alert in alerts {
            any = true;
            let fp = alert.fingerprint().0;
            if pending.latest.insert(fp, Arc::clone(alert)).is_none() {
                pending.order.push(fp);
            }
        }
        drop(pending);
        if any {
            self.wake.notify_one();
        }
    }

    fn drain(&self) -> Vec<Arc<StoredAlert>> {
        let mut pending = self.lock();
        let Pending { latest, order } = std::mem::take(&mut *pending);
        drop(pending);
        let mut latest: HashMap<_, _, _> = latest;
        order
            .into_iter()
            .filter_map(|fp| latest.remove(&fp))
            .collect()
    }
}

impl Subscription {
    pub(super) fn new(queue: Arc<SubscriberQueue>) -> Subscription {
        Subscription { queue }
    }

    /// The name given at subscription (for logs).
    pub fn name(&self) -> &str {
        &self.queue.name
    }

    /// Waits until at least one alert is pending, then returns all pending
    /// alerts (the latest version of each) in first-arrival order.
    pub async fn recv(&mut self) -> Vec<Arc<StoredAlert>> {
        loop {
            let batch = self.queue.drain();
            if !batch.is_empty() {
                return batch;
            }
            self.queue.wake.notified().await;
        }
    }

    /// Everything pending now, possibly nothing.
    pub fn try_recv(&mut self) -> Vec<Arc<StoredAlert>> {
        self.queue.drain()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.queue.closed.store(true, Ordering::Relaxed);
    }
}
