//! `--alerts.per-alertname-limit`: at most N fingerprints per alertname
//! (upstream `limit/bucket.go` used by `store.Alerts.Set`).
//!
//! Each alertname has a bucket of fingerprints with an expiry (the alert's
//! `EndsAt`). A known fingerprint always gets in (its expiry is updated); a
//! new one gets in while the bucket has room, or by evicting the entry that
//! expires first if that one has already expired (expiry strictly before
//! now); otherwise it is rejected. Buckets whose entries have all expired
//! are dropped by [`AlertnameLimits::gc`].

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;

use super::fingerprint_hash::FingerprintMap;

#[derive(Debug)]
pub(super) struct AlertnameLimits {
    per_name: usize,
    buckets: HashMap<String, Bucket>,
}

#[derive(Debug, Default)]
struct Bucket {
    expiry: FingerprintMap<Timestamp>,
    by_expiry: BTreeSet<(Timestamp, u64)>,
}

impl AlertnameLimits {
    pub(super) fn new(per_name: usize) -> AlertnameLimits {
        AlertnameLimits {
            per_name,
            buckets: HashMap::new(),
        }
    }

    /// Whether `fingerprint` of `alertname` may be stored, recording it if so.
    pub(super) fn admit(
        &mut self,
        alertname: &str,
        fingerprint: u64,
        expiry: Timestamp,
        now: Timestamp,
    ) -> bool {
        if self.per_name == 0 {
            return false;
        }
        let bucket = match self.buckets.get_mut(alertname) {
            Some(bucket) => bucket,
            None => self.buckets.entry(alertname.to_owned()).or_default(),
        };
        if let Some(old) = bucket.expiry.insert(fingerprint, expiry) {
            bucket.by_expiry.remove(&(old, fingerprint));
            bucket.by_expiry.insert((expiry, fingerprint));
            return true;
        }
        if bucket.by_expiry.len() >= self.per_name {
            match bucket.by_expiry.first().copied() {
                Some(oldest) if oldest.0 < now => {
                    bucket.by_expiry.remove(&oldest);
                    bucket.expiry.remove(&oldest.1);
                }
                _ => {
                    bucket.expiry.remove(&fingerprint);
                    return false;
                }
            }
        }
        bucket.by_expiry.insert((expiry, fingerprint));
        true
    }

    /// Drops buckets whose every entry expired before `now`.
    pub(super) fn gc(&mut self, now: Timestamp) {
        self.buckets.retain(|_, bucket| {
            bucket
                .by_expiry
                .last()
                .is_some_and(|(latest, _)| *latest >= now)
        });
    }

    #[cfg(test)]
    fn bucket_count(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn admits_up_to_the_limit_then_evicts_only_expired() {
        let mut limits = AlertnameLimits::new(2);
        let now = at(100);
        assert!(limits.admit("A", 1, at(150), now));
        assert!(limits.admit("A", 2, at(200), now));
        assert!(!limits.admit("A", 3, at(300), now), "full, nothing expired");
        assert!(
            limits.admit("B", 3, at(300), now),
            "other names have their own bucket"
        );
        assert!(
            limits.admit("A", 1, at(120), now),
            "known fingerprints always pass"
        );
        assert!(
            !limits.admit("A", 3, at(300), at(120)),
            "expiry must be strictly before now"
        );
        assert!(
            limits.admit("A", 3, at(300), at(121)),
            "evicts the first to expire"
        );
        assert!(
            !limits.admit("A", 1, at(400), at(121)),
            "1 was evicted and 2 has not expired"
        );
        assert!(limits.admit("A", 2, at(130), at(121)));
    }

    #[test]
    fn gc_drops_fully_expired_buckets() {
        let mut limits = AlertnameLimits::new(5);
        limits.admit("A", 1, at(100), at(0));
        limits.admit("B", 2, at(100), at(0));
        limits.admit("B", 3, at(300), at(0));
        limits.gc(at(200));
        assert_eq!(limits.bucket_count(), 1);
        assert!(limits.admit("A", 9, at(500), at(200)));
    }
}
