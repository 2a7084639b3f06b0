//! The flush test: post alerts forming many `group_by: [pod]` groups at
//! once, then time their notifications at the [`webhook`](super::webhook)
//! receiver. A group's delay is from the start of the request that carried
//! its first alert (an upper bound of when the server saw it) to its first
//! notification; the goal compares the largest delay with `group_wait`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::LoadError;
use super::alerts::{AlertSet, pod_name};
use super::http::Endpoint;
use super::ingest::post_all;
use super::stats::{Summary, ms};
use super::webhook::Receiver;

/// What to post and how long to wait.
#[derive(Clone, Debug)]
pub struct FlushOptions {
    pub alerts: usize,
    pub groups: usize,
    pub batch: usize,
    pub connections: usize,
    /// The server's `group_wait`, for the report.
    pub group_wait: Duration,
    /// How long to keep waiting after the posts for missing groups.
    pub patience: Duration,
}

/// The measurement.
#[derive(Debug)]
pub struct FlushReport {
    pub groups: usize,
    pub delivered_groups: usize,
    pub notifications: usize,
    pub notified_alerts: usize,
    pub receive_errors: usize,
    /// Notified groups without a `pod` group label this test posted.
    pub unknown_groups: usize,
    pub post_errors: usize,
    pub post_time: Duration,
    /// Last group's first notification, from the end of the posts.
    pub last_after_post_end: Option<Duration>,
    /// Per group: first notification − start of its first alert's request.
    pub delays: Option<Summary>,
    pub group_wait: Duration,
}

impl FlushReport {
    /// The line the driver script parses.
    pub fn line(&self) -> String {
        let (p50, p99, max) = self
            .delays
            .map(|s| (ms(s.p50), ms(s.p99), ms(s.max)))
            .unwrap_or_else(|| ("nan".into(), "nan".into(), "nan".into()));
        let over = self
            .delays
            .map(|s| ms(s.max.saturating_sub(self.group_wait)))
            .unwrap_or_else(|| "nan".into());
        format!(
            "flush groups={} delivered_groups={} notifications={} notified_alerts={} receive_errors={} unknown_groups={} post_errors={} post_ms={} last_after_post_end_ms={} delay_p50_ms={p50} delay_p99_ms={p99} delay_max_ms={max} max_over_group_wait_ms={over}",
            self.groups,
            self.delivered_groups,
            self.notifications,
            self.notified_alerts,
            self.receive_errors,
            self.unknown_groups,
            self.post_errors,
            ms(self.post_time),
            self.last_after_post_end
                .map(ms)
                .unwrap_or_else(|| "nan".into()),
        )
    }
}

/// Posts the alerts and collects notifications until every group has been
/// notified or `patience` has passed since the posts ended.
pub async fn run(
    endpoint: &Endpoint,
    receiver: &mut Receiver,
    opts: &FlushOptions,
) -> Result<FlushReport, LoadError> {
    let set = AlertSet::starting_now(opts.alerts, opts.groups);
    let batch = opts.batch.max(1);
    let batches = Arc::new(set.batches(batch));
    // Pod name → batch carrying its first alert.
    let first_batch: HashMap<String, usize> = (0..set.pods.min(set.alerts))
        .map(|p| (pod_name(p), p / batch))
        .collect();
    let pass = post_all(endpoint, batches, opts.connections).await?;
    let post_end = Instant::now();
    let deadline = post_end + opts.patience;

    let mut first_seen: HashMap<String, Instant> = HashMap::new();
    let mut delays = Vec::with_capacity(first_batch.len());
    let mut unknown_groups = HashSet::new();
    let (mut notifications, mut notified_alerts, mut receive_errors) = (0, 0, 0);
    while first_seen.len() + unknown_groups.len() < first_batch.len() {
        let Ok(Some(received)) =
            tokio::time::timeout_at(deadline.into(), receiver.received.recv()).await
        else {
            break;
        };
        let d = match received {
            Ok(d) => d,
            Err(e) => {
                if receive_errors == 0 {
                    eprintln!("webhook: {e}");
                }
                receive_errors += 1;
                continue;
            }
        };
        notifications += 1;
        notified_alerts += d.alerts;
        let pod = d.group_labels.get("pod");
        let Some(batch) = pod.and_then(|p| first_batch.get(p)) else {
            unknown_groups.insert(d.group_key);
            continue;
        };
        if first_seen.contains_key(&d.group_key) {
            continue;
        }
        if let Some(b) = pass.batches.get(*batch) {
            delays.push(d.at.saturating_duration_since(b.started));
        }
        first_seen.insert(d.group_key, d.at);
    }
    let last = first_seen.values().max().copied();
    Ok(FlushReport {
        groups: first_batch.len(),
        delivered_groups: first_seen.len(),
        notifications,
        notified_alerts,
        receive_errors,
        unknown_groups: unknown_groups.len(),
        post_errors: pass.errors(),
        post_time: pass.elapsed,
        last_after_post_end: last.map(|l| l.saturating_duration_since(post_end)),
        delays: Summary::of(delays),
        group_wait: opts.group_wait,
    })
}
