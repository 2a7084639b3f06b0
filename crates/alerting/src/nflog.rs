//! The notification log: for every (aggregation group, receiver
//! integration) pair, what was last notified and when, so the dedup stage
//! can decide whether a flush needs to notify again.
//!
//! Entries are keyed `<groupKey>:<receiver>/<integration>/<idx>` and only
//! the latest one per key is kept (upstream `nflog/nflog.go`). Alerts are
//! identified by [`alert_hash`] (xxhash64 of the sorted labels, upstream
//! `hashAlert`). Every addition goes through [`NotificationLog::merge`]
//! (later timestamp wins, already expired records are ignored) and every
//! removal through [`NotificationLog::gc`]; an optional [`LogSink`] sees
//! both, in order (`crate::persist` is the sink that writes
//! `<storage>/nflog`). Logging never waits for the sink; a caller that wants
//! its entries durable awaits [`NotificationLog::wait_durable`].
//! [`NotificationLog::records`] is the snapshot view. Timestamps are passed
//! in by the caller, which reads the injected clock.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_model::LabelSet;

/// The identity of an alert inside the notification log: xxhash64 (seed 0)
/// of the labels in name order, each name and value followed by `0xff`.
pub fn alert_hash(labels: &LabelSet) -> u64 {
    const SEPARATOR: u8 = 0xff;
    let mut buf = Vec::with_capacity(256);
    for (name, value) in labels.iter() {
        buf.extend_from_slice(name.as_bytes());
        buf.push(SEPARATOR);
        buf.extend_from_slice(value.as_bytes());
        buf.push(SEPARATOR);
    }
    xxhash_rust::xxh64::xxh64(&buf, 0)
}

/// One integration of one receiver (upstream `nflogpb.Receiver`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReceiverKey {
    /// The receiver's name (upstream calls it `group_name`).
    pub receiver: String,
    /// The integration name, e.g. `webhook`.
    pub integration: String,
    /// Index of the integration within the receiver's list of that type.
    pub index: u32,
}

impl fmt::Display for ReceiverKey {
    /// `receiver/integration/idx`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.receiver, self.integration, self.index)
    }
}

/// A value an integration keeps between notifications of one group (e.g. the
/// Slack message timestamp for `update_message`).
#[derive(Clone, Debug, PartialEq)]
pub enum ReceiverDataValue {
    Str(String),
    Int(i64),
    Double(f64),
}

/// The last notification of one group to one integration.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub group_key: String,
    pub receiver: ReceiverKey,
    /// Wall-clock time at which the notification was logged (after the send).
    pub timestamp: Timestamp,
    /// [`alert_hash`]es of the firing alerts that were notified.
    pub firing_alerts: Vec<u64>,
    /// [`alert_hash`]es of the resolved alerts that were notified.
    pub resolved_alerts: Vec<u64>,
    pub receiver_data: BTreeMap<String, ReceiverDataValue>,
}

impl Entry {
    /// Whether every hash in `alerts` was firing in this entry.
    pub fn is_firing_subset(&self, alerts: &HashSet<u64>) -> bool {
        is_subset(alerts, &self.firing_alerts)
    }

    /// Whether every hash in `alerts` was resolved in this entry.
    pub fn is_resolved_subset(&self, alerts: &HashSet<u64>) -> bool {
        is_subset(alerts, &self.resolved_alerts)
    }
}

fn is_subset(subset: &HashSet<u64>, of: &[u64]) -> bool {
    if subset.is_empty() {
        return true;
    }
    let of: HashSet<u64> = of.iter().copied().collect();
    subset.iter().all(|h| of.contains(h))
}

/// An entry with the time after which it is forgotten (upstream `MeshEntry`):
/// the unit of gossip and of snapshots.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    pub entry: Entry,
    pub expires_at: Timestamp,
}

impl LogRecord {
    /// The state key `<groupKey>:<receiver>/<integration>/<idx>`.
    pub fn key(&self) -> String {
        state_key(&self.entry.group_key, &self.entry.receiver)
    }
}

fn state_key(group_key: &str, receiver: &ReceiverKey) -> String {
    format!("{group_key}:{receiver}")
}

/// What to record for one notification (the arguments of upstream `Log`).
#[derive(Clone, Debug)]
pub struct Notification {
    pub receiver: ReceiverKey,
    pub group_key: String,
    pub firing_alerts: Vec<u64>,
    pub resolved_alerts: Vec<u64>,
    pub receiver_data: BTreeMap<String, ReceiverDataValue>,
    /// Requested lifetime (`2 × repeat_interval`); capped by the retention.
    pub expiry: Duration,
}

/// A future that resolves once a sink has made a change durable, or with
/// why it could not.
pub type Durable = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// Receives every change the log accepts, in the order applied.
pub trait LogSink: Send + Sync + fmt::Debug {
    /// Queues the new record of one key. Called with the log's lock held, so
    /// it must not block on I/O. Returns a ticket for [`LogSink::wait`];
    /// tickets grow with every call.
    fn submit(&self, record: &LogRecord) -> u64;
    /// Notes that GC removed the record with this key (also under the lock).
    fn forget(&self, key: &str);
    /// Resolves once every change up to `ticket` is durable.
    fn wait(&self, ticket: u64) -> Durable;
}

/// The notification log.
#[derive(Debug)]
pub struct NotificationLog {
    retention: Duration,
    state: Mutex<HashMap<String, LogRecord>>,
    sink: Option<Arc<dyn LogSink>>,
    /// The newest ticket the sink handed out.
    last_ticket: AtomicU64,
}

impl NotificationLog {
    /// An empty log whose entries live at most `retention` (`--data.retention`).
    pub fn new(retention: Duration) -> Self {
        NotificationLog {
            retention,
            state: Mutex::new(HashMap::new()),
            sink: None,
            last_ticket: AtomicU64::new(0),
        }
    }

    /// Hands every later change to `sink` (changes made before are not).
    pub fn with_sink(mut self, sink: Arc<dyn LogSink>) -> Self {
        self.sink = Some(sink);
        self
    }

    /// Resolves once every change made so far is durable (at once without a
    /// sink). Concurrent callers share the sink's writes.
    pub fn wait_durable(&self) -> Durable {
        match &self.sink {
            Some(sink) => sink.wait(self.last_ticket.load(Ordering::Acquire)),
            None => Box::pin(std::future::ready(Ok(()))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, LogRecord>> {
        // A panic while holding the lock cannot leave a half-written map
        // (every mutation is a single insert or retain), so keep going.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records that `notification` was sent at `now`. The entry expires after
    /// `min(retention, expiry)` (the retention alone when `expiry` is zero).
    /// An existing entry with a later timestamp is kept.
    pub fn log(&self, notification: Notification, now: Timestamp) {
        let lifetime = if !notification.expiry.is_zero() && self.retention > notification.expiry {
            notification.expiry
        } else {
            self.retention
        };
        let expires_at = now.checked_add(lifetime).unwrap_or(Timestamp::MAX);
        let record = LogRecord {
            entry: Entry {
                group_key: notification.group_key,
                receiver: notification.receiver,
                timestamp: now,
                firing_alerts: notification.firing_alerts,
                resolved_alerts: notification.resolved_alerts,
                receiver_data: notification.receiver_data,
            },
            expires_at,
        };
        self.merge(record, now);
    }

    /// Adds `record` unless it has already expired at `now` or the log holds
    /// an entry for the same key that is at least as recent. Returns whether
    /// the log changed. Every addition (local, gossip, snapshot) goes here.
    pub fn merge(&self, record: LogRecord, now: Timestamp) -> bool {
        if record.expires_at < now {
            return false;
        }
        let key = record.key();
        let mut state = self.lock();
        match state.get(&key) {
            Some(prev) if prev.entry.timestamp >= record.entry.timestamp => false,
            _ => {
                if let Some(sink) = &self.sink {
                    let ticket = sink.submit(&record);
                    self.last_ticket.fetch_max(ticket, Ordering::AcqRel);
                }
                state.insert(key, record);
                true
            }
        }
    }

    /// The latest entry for `group_key` and `receiver`, if any.
    pub fn query(&self, group_key: &str, receiver: &ReceiverKey) -> Option<Entry> {
        self.lock()
            .get(&state_key(group_key, receiver))
            .map(|r| r.entry.clone())
    }

    /// Deletes the entries whose expiry is at or before `now`; returns how many.
    pub fn gc(&self, now: Timestamp) -> usize {
        let mut state = self.lock();
        let before = state.len();
        state.retain(|key, record| {
            let keep = record.expires_at > now;
            if let (false, Some(sink)) = (keep, &self.sink) {
                sink.forget(key);
            }
            keep
        });
        before - state.len()
    }

    /// Every record, for snapshots.
    pub fn records(&self) -> Vec<LogRecord> {
        self.lock().values().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn recv() -> ReceiverKey {
        ReceiverKey {
            receiver: "team".into(),
            integration: "webhook".into(),
            index: 0,
        }
    }

    fn notification(firing: Vec<u64>, expiry: Duration) -> Notification {
        Notification {
            receiver: recv(),
            group_key: "{}:{alertname=\"A\"}".into(),
            firing_alerts: firing,
            resolved_alerts: vec![],
            receiver_data: BTreeMap::new(),
            expiry,
        }
    }

    #[test]
    fn xxhash64_known_vectors() {
        // Reference values of XXH64 with seed 0 from the xxHash specification's
        // sanity checks (also what Go's cespare/xxhash returns).
        assert_eq!(xxhash_rust::xxh64::xxh64(b"", 0), 0xef46_db37_51d8_e999);
        assert_eq!(xxhash_rust::xxh64::xxh64(b"abc", 0), 0x44bc_2cf5_ad77_0999);
    }

    #[test]
    fn alert_hash_hashes_sorted_name_value_pairs() {
        let labels: LabelSet = [("b", "2"), ("a", "1")].into_iter().collect();
        let expected = xxhash_rust::xxh64::xxh64(b"a\xff1\xffb\xff2\xff", 0);
        assert_eq!(alert_hash(&labels), expected);
        assert_eq!(alert_hash(&LabelSet::new()), 0xef46_db37_51d8_e999);
    }

    #[test]
    fn alert_hash_matches_alertmanager() {
        // Read back from the nflog snapshot Alertmanager 0.25 wrote after
        // notifying this alert (firing_alerts of the entry).
        let labels: LabelSet = [
            ("alertname", "Test"),
            ("instance", "a"),
            ("severity", "warn"),
        ]
        .into_iter()
        .collect();
        assert_eq!(alert_hash(&labels), 0xd30f_23fd_d749_015c);
    }

    #[test]
    fn key_format() {
        let record = LogRecord {
            entry: Entry {
                group_key: "{}:{a=\"b\"}".into(),
                receiver: recv(),
                timestamp: ts("2026-01-01T00:00:00Z"),
                firing_alerts: vec![],
                resolved_alerts: vec![],
                receiver_data: BTreeMap::new(),
            },
            expires_at: ts("2026-01-02T00:00:00Z"),
        };
        assert_eq!(record.key(), "{}:{a=\"b\"}:team/webhook/0");
    }

    #[test]
    fn expiry_is_min_of_retention_and_requested() {
        let log = NotificationLog::new(Duration::from_secs(120 * 3600));
        let now = ts("2026-01-01T00:00:00Z");
        log.log(notification(vec![1], Duration::from_secs(8 * 3600)), now);
        assert_eq!(log.records()[0].expires_at, ts("2026-01-01T08:00:00Z"));

        let short = NotificationLog::new(Duration::from_secs(3600));
        short.log(notification(vec![1], Duration::from_secs(8 * 3600)), now);
        assert_eq!(short.records()[0].expires_at, ts("2026-01-01T01:00:00Z"));

        let zero = NotificationLog::new(Duration::from_secs(3600));
        zero.log(notification(vec![1], Duration::ZERO), now);
        assert_eq!(zero.records()[0].expires_at, ts("2026-01-01T01:00:00Z"));
    }

    #[test]
    fn later_timestamp_wins_and_older_log_is_ignored() {
        let log = NotificationLog::new(Duration::from_secs(3600));
        let gk = "{}:{alertname=\"A\"}";
        log.log(
            notification(vec![1], Duration::ZERO),
            ts("2026-01-01T00:00:10Z"),
        );
        log.log(
            notification(vec![2], Duration::ZERO),
            ts("2026-01-01T00:00:05Z"),
        );
        assert_eq!(log.query(gk, &recv()).unwrap().firing_alerts, vec![1]);
        log.log(
            notification(vec![3], Duration::ZERO),
            ts("2026-01-01T00:00:20Z"),
        );
        assert_eq!(log.query(gk, &recv()).unwrap().firing_alerts, vec![3]);
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn merge_ignores_expired_records() {
        let log = NotificationLog::new(Duration::from_secs(3600));
        let mut record = LogRecord {
            entry: Entry {
                group_key: "g".into(),
                receiver: recv(),
                timestamp: ts("2026-01-01T00:00:00Z"),
                firing_alerts: vec![1],
                resolved_alerts: vec![],
                receiver_data: BTreeMap::new(),
            },
            expires_at: ts("2026-01-01T00:10:00Z"),
        };
        assert!(!log.merge(record.clone(), ts("2026-01-01T00:10:01Z")));
        assert!(log.is_empty());
        record.expires_at = ts("2026-01-01T00:20:00Z");
        assert!(log.merge(record.clone(), ts("2026-01-01T00:10:01Z")));
        assert!(
            !log.merge(record, ts("2026-01-01T00:10:01Z")),
            "same timestamp does not replace"
        );
    }

    #[test]
    fn gc_removes_expired_entries_and_query_is_per_receiver() {
        let log = NotificationLog::new(Duration::from_secs(60));
        let now = ts("2026-01-01T00:00:00Z");
        log.log(notification(vec![1], Duration::ZERO), now);
        let mut other = notification(vec![2], Duration::ZERO);
        other.receiver.index = 1;
        log.log(other, ts("2026-01-01T00:00:30Z"));
        assert_eq!(
            log.query("{}:{alertname=\"A\"}", &recv())
                .unwrap()
                .firing_alerts,
            vec![1]
        );
        assert_eq!(log.gc(ts("2026-01-01T00:00:59Z")), 0);
        assert_eq!(log.gc(ts("2026-01-01T00:01:00Z")), 1);
        assert!(log.query("{}:{alertname=\"A\"}", &recv()).is_none());
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn subsets() {
        let entry = Entry {
            group_key: "g".into(),
            receiver: recv(),
            timestamp: ts("2026-01-01T00:00:00Z"),
            firing_alerts: vec![1, 2],
            resolved_alerts: vec![3],
            receiver_data: BTreeMap::new(),
        };
        assert!(entry.is_firing_subset(&HashSet::from([1])));
        assert!(entry.is_firing_subset(&HashSet::new()));
        assert!(!entry.is_firing_subset(&HashSet::from([1, 3])));
        assert!(entry.is_resolved_subset(&HashSet::from([3])));
        assert!(!entry.is_resolved_subset(&HashSet::from([2])));
    }
}
