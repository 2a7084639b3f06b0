//! The notification pipeline end to end on paused tokio time: dedup,
//! send_resolved, repeat interval, retries, concurrency of integrations,
//! the muting stages, and receiver data carried from one notification of a
//! group to the next. Integrations are recording test doubles of the
//! `Notifier` boundary; everything else is the real code.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::flush::{FlushContext, FlushHandler};
use tocsin_alerting::inhibit::Inhibitor;
use tocsin_alerting::nflog::{Entry, NotificationLog, ReceiverDataValue, ReceiverKey, alert_hash};
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyContext, NotifyError};
use tocsin_alerting::pipeline::dedup::{NotifyReason, Partition, needs_update};
use tocsin_alerting::pipeline::{
    GroupMarker, Pipeline, PipelineMetrics, PipelineParts, SuppressionReason, TimeIntervals,
};
use tocsin_alerting::silence::{Silence, SilenceMatcher, Silences, SilencesOptions};
use tocsin_alerting::store::StoredAlert;
use tocsin_config::InhibitRule;
use tocsin_model::timeinterval::{TimeInterval, WeekdayRange};
use tocsin_model::{LabelSet, MatchType, Matcher};
use tokio::time::Instant;

const START: &str = "2026-03-02T10:00:00Z";
const RECEIVER: &str = "team";
const GROUP_KEY: &str = "{}:{alertname=\"HighLatency\"}";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().copied().collect()
}

/// An alert as the dispatcher hands it to the pipeline: firing alerts have
/// no end, resolved ones keep theirs.
fn firing(instance: &str) -> Alert {
    alert(instance, Time::ZERO)
}

fn resolved(instance: &str, at: Timestamp) -> Alert {
    alert(instance, Time::utc(at))
}

fn alert(instance: &str, ends_at: Time) -> Alert {
    Alert {
        labels: labels(&[("alertname", "HighLatency"), ("instance", instance)]),
        annotations: LabelSet::new(),
        starts_at: Time::utc(ts(START)),
        ends_at,
        generator_url: String::new(),
        updated_at: Time::utc(ts(START)),
        timeout: false,
    }
}

// ---------------------------------------------------------------------------
// Test doubles at the integration and metrics boundaries.

#[derive(Clone, Debug)]
struct Call {
    at: Instant,
    reason: String,
    instances: Vec<String>,
}

enum Behaviour {
    Succeed,
    Hang,
}

/// A notifier that records every call and answers from a script (then
/// with `default`).
struct Recorder {
    integration: &'static str,
    index: usize,
    send_resolved: bool,
    latency: Duration,
    script: Mutex<VecDeque<Result<(), NotifyError>>>,
    default: Behaviour,
    failing_forever: Option<NotifyError>,
    calls: Mutex<Vec<Call>>,
}

impl Recorder {
    fn new(send_resolved: bool) -> Self {
        Recorder {
            integration: "webhook",
            index: 0,
            send_resolved,
            latency: Duration::ZERO,
            script: Mutex::new(VecDeque::new()),
            default: Behaviour::Succeed,
            failing_forever: None,
            calls: Mutex::new(Vec::new()),
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
}

fn error(retry: bool, message: &str) -> NotifyError {
    NotifyError {
        retry,
        reason: FailureReason::ServerError,
        message: message.to_owned(),
    }
}

impl Notifier for Recorder {
    fn integration(&self) -> &str {
        self.integration
    }
    fn index(&self) -> usize {
        self.index
    }
    fn send_resolved(&self) -> bool {
        self.send_resolved
    }
    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>> {
        Box::pin(async move {
            self.calls.lock().unwrap().push(Call {
                at: Instant::now(),
                reason: ctx.notification_reason.clone(),
                instances: alerts
                    .iter()
                    .map(|a| a.labels.value_or_empty("instance").to_owned())
                    .collect(),
            });
            tokio::time::sleep(self.latency).await;
            if let Some(e) = &self.failing_forever {
                return Err(e.clone());
            }
            let scripted = self.script.lock().unwrap().pop_front();
            match (scripted, &self.default) {
                (Some(result), _) => result,
                (None, Behaviour::Succeed) => Ok(()),
                (None, Behaviour::Hang) => std::future::pending().await,
            }
        })
    }
}

#[derive(Default)]
struct Counts {
    attempted: HashMap<String, usize>,
    failed: HashMap<(String, &'static str), usize>,
    requests: HashMap<String, usize>,
    failed_requests: HashMap<String, usize>,
    suppressed: HashMap<&'static str, usize>,
}

#[derive(Default)]
struct RecordingMetrics(Mutex<Counts>);

impl PipelineMetrics for RecordingMetrics {
    fn notification_attempted(&self, integration: &str) {
        *self
            .0
            .lock()
            .unwrap()
            .attempted
            .entry(integration.to_owned())
            .or_default() += 1;
    }
    fn notification_failed(&self, integration: &str, reason: FailureReason) {
        *self
            .0
            .lock()
            .unwrap()
            .failed
            .entry((integration.to_owned(), reason.as_str()))
            .or_default() += 1;
    }
    fn request_completed(&self, integration: &str, _latency: Duration, failed: bool) {
        let mut c = self.0.lock().unwrap();
        *c.requests.entry(integration.to_owned()).or_default() += 1;
        if failed {
            *c.failed_requests.entry(integration.to_owned()).or_default() += 1;
        }
    }
    fn suppressed(&self, reason: SuppressionReason, alerts: usize) {
        *self
            .0
            .lock()
            .unwrap()
            .suppressed
            .entry(reason.as_str())
            .or_default() += alerts;
    }
}

// ---------------------------------------------------------------------------
// The harness: a pipeline over real silences, inhibitor and nflog.

struct Harness {
    pipeline: Pipeline,
    clock: Clock,
    nflog: Arc<NotificationLog>,
    silences: Arc<Silences>,
    marker: Arc<GroupMarker>,
    metrics: Arc<RecordingMetrics>,
    inhibitor: Arc<Inhibitor>,
}

struct Setup {
    notifiers: Vec<Arc<dyn Notifier>>,
    inhibit_rules: Vec<InhibitRule>,
    intervals: TimeIntervals,
}

impl Setup {
    fn new(notifiers: Vec<Arc<dyn Notifier>>) -> Self {
        Setup {
            notifiers,
            inhibit_rules: Vec::new(),
            intervals: TimeIntervals::new(),
        }
    }

    fn build(self) -> Harness {
        let clock = Clock::starting_at(ts(START));
        let nflog = Arc::new(NotificationLog::new(Duration::from_secs(120 * 3600)));
        let silences = Arc::new(Silences::new(SilencesOptions::default(), clock));
        let marker = Arc::new(GroupMarker::new());
        let metrics = Arc::new(RecordingMetrics::default());
        let inhibitor = Arc::new(Inhibitor::new(&self.inhibit_rules));
        let pipeline = Pipeline::new(PipelineParts {
            receivers: HashMap::from([
                (RECEIVER.to_owned(), self.notifiers),
                ("empty".to_owned(), Vec::new()),
            ]),
            inhibitor: Arc::clone(&inhibitor),
            silences: Arc::clone(&silences),
            time_intervals: self.intervals,
            nflog: Arc::clone(&nflog),
            group_marker: Arc::clone(&marker),
            clock,
            metrics: metrics.clone(),
        });
        Harness {
            pipeline,
            clock,
            nflog,
            silences,
            marker,
            metrics,
            inhibitor,
        }
    }
}

impl Harness {
    fn ctx(&self, repeat_interval: Duration) -> FlushContext {
        let group_interval = Duration::from_secs(60);
        FlushContext {
            now: self.clock.now(),
            group_key: GROUP_KEY.to_owned(),
            group_labels: labels(&[("alertname", "HighLatency")]),
            route_labels: LabelSet::new(),
            receiver: RECEIVER.to_owned(),
            route_id: "{}/0".to_owned(),
            group_interval,
            repeat_interval,
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            timeout: group_interval.max(Duration::from_secs(10)),
        }
    }

    async fn flush(&self, alerts: Vec<Alert>) -> Result<(), String> {
        self.flush_with(self.ctx(Duration::from_secs(4 * 3600)), alerts)
            .await
    }

    async fn flush_with(&self, ctx: FlushContext, alerts: Vec<Alert>) -> Result<(), String> {
        self.pipeline.flush(ctx, alerts).await.map_err(|e| e.0)
    }

    fn entry(&self) -> Option<Entry> {
        self.nflog.query(GROUP_KEY, &webhook_key(0))
    }
}

fn webhook_key(index: u32) -> ReceiverKey {
    ReceiverKey {
        receiver: RECEIVER.to_owned(),
        integration: "webhook".to_owned(),
        index,
    }
}

fn hashes(alerts: &[Alert]) -> Vec<u64> {
    alerts.iter().map(|a| alert_hash(&a.labels)).collect()
}

fn reasons(r: &Recorder) -> Vec<String> {
    r.calls().into_iter().map(|c| c.reason).collect()
}

// ---------------------------------------------------------------------------
// The dedup decision table, row by row.

fn entry_with(firing: &[u64], resolved: &[u64], at: Timestamp) -> Entry {
    Entry {
        group_key: GROUP_KEY.to_owned(),
        receiver: webhook_key(0),
        timestamp: at,
        firing_alerts: firing.to_vec(),
        resolved_alerts: resolved.to_vec(),
        receiver_data: BTreeMap::new(),
    }
}

fn split(firing: &[u64], resolved: &[u64]) -> Partition {
    Partition {
        firing: firing.to_vec(),
        resolved: resolved.to_vec(),
        firing_set: firing.iter().copied().collect::<HashSet<_>>(),
        resolved_set: resolved.iter().copied().collect::<HashSet<_>>(),
    }
}

#[test]
fn dedup_table_row_by_row() {
    let now = ts("2026-03-02T12:00:00Z");
    let repeat = Duration::from_secs(3600);
    let recent = ts("2026-03-02T11:30:00Z");
    let old = ts("2026-03-02T10:59:59Z");
    let decide = |entry: Option<&Entry>, p: &Partition, send_resolved: bool| {
        needs_update(entry, p, send_resolved, repeat, now)
    };

    // No entry.
    assert_eq!(
        decide(None, &split(&[1], &[]), true),
        NotifyReason::FirstNotification
    );
    assert_eq!(
        decide(None, &split(&[], &[2]), true),
        NotifyReason::DoNotNotify
    );
    // Firing not a subset; the previous entry had no firing alerts.
    let e = entry_with(&[], &[1], recent);
    assert_eq!(
        decide(Some(&e), &split(&[1], &[]), false),
        NotifyReason::FirstNotification
    );
    // Firing not a subset of a non-empty firing set.
    let e = entry_with(&[1], &[], recent);
    assert_eq!(
        decide(Some(&e), &split(&[1, 2], &[]), false),
        NotifyReason::NewAlertsInGroup
    );
    // Nothing firing any more, something was firing: sent even without send_resolved.
    assert_eq!(
        decide(Some(&e), &split(&[], &[1]), false),
        NotifyReason::AllAlertsResolved
    );
    assert_eq!(
        decide(Some(&e), &split(&[], &[1]), true),
        NotifyReason::AllAlertsResolved
    );
    // Nothing firing now or then.
    let e = entry_with(&[], &[1], recent);
    assert_eq!(
        decide(Some(&e), &split(&[], &[1, 3]), true),
        NotifyReason::DoNotNotify
    );
    // New resolved alerts matter only with send_resolved.
    let e = entry_with(&[1, 2], &[], recent);
    assert_eq!(
        decide(Some(&e), &split(&[1], &[2]), true),
        NotifyReason::NewResolvedAlerts
    );
    assert_eq!(
        decide(Some(&e), &split(&[1], &[2]), false),
        NotifyReason::DoNotNotify
    );
    // A shrinking firing set alone never notifies.
    assert_eq!(
        decide(Some(&e), &split(&[1], &[]), true),
        NotifyReason::DoNotNotify
    );
    // Repeat interval: strictly older than now - repeat.
    let e = entry_with(&[1], &[], old);
    assert_eq!(
        decide(Some(&e), &split(&[1], &[]), true),
        NotifyReason::RepeatIntervalElapsed
    );
    let e = entry_with(&[1], &[], ts("2026-03-02T11:00:00Z"));
    assert_eq!(
        decide(Some(&e), &split(&[1], &[]), true),
        NotifyReason::DoNotNotify
    );
    // Already-notified resolved alerts do not count as new.
    let e = entry_with(&[1], &[2], recent);
    assert_eq!(
        decide(Some(&e), &split(&[1], &[2]), true),
        NotifyReason::DoNotNotify
    );

    let strings: Vec<&str> = [
        NotifyReason::DoNotNotify,
        NotifyReason::FirstNotification,
        NotifyReason::NewAlertsInGroup,
        NotifyReason::NewResolvedAlerts,
        NotifyReason::AllAlertsResolved,
        NotifyReason::RepeatIntervalElapsed,
    ]
    .iter()
    .map(|r| r.as_str())
    .collect();
    assert_eq!(
        strings,
        [
            "none",
            "first notification",
            "new alerts added",
            "some alerts resolved",
            "all alerts resolved",
            "repeat interval elapsed"
        ]
    );
}

// ---------------------------------------------------------------------------
// Dedup and set-notifies through the pipeline.

#[tokio::test(start_paused = true)]
async fn first_notification_then_nothing_then_new_alert() {
    let mut recorder = Recorder::new(true);
    recorder.latency = Duration::from_millis(1500);
    let recorder = Arc::new(recorder);
    let h = Setup::new(vec![recorder.clone()]).build();

    h.flush(vec![firing("a")]).await.unwrap();
    let entry = h.entry().expect("logged");
    assert_eq!(reasons(&recorder), ["first notification"]);
    assert_eq!(entry.firing_alerts, hashes(&[firing("a")]));
    assert!(entry.resolved_alerts.is_empty());
    // Stamped after the send completed, not at the tick.
    assert_eq!(entry.timestamp, ts("2026-03-02T10:00:01.5Z"));

    tokio::time::sleep(Duration::from_secs(60)).await;
    h.flush(vec![firing("a")]).await.unwrap();
    assert_eq!(
        recorder.calls().len(),
        1,
        "unchanged group is not notified again"
    );
    assert_eq!(
        h.entry().unwrap().timestamp,
        entry.timestamp,
        "nflog untouched"
    );

    tokio::time::sleep(Duration::from_secs(60)).await;
    h.flush(vec![firing("a"), firing("b")]).await.unwrap();
    let calls = recorder.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].reason, "new alerts added");
    assert_eq!(calls[1].instances, ["a", "b"]);

    let counts = h.metrics.0.lock().unwrap();
    assert_eq!(counts.attempted["webhook"], 2);
    assert_eq!(counts.requests["webhook"], 2);
    assert!(counts.failed.is_empty());
}

#[tokio::test(start_paused = true)]
async fn send_resolved_true_notifies_new_resolved_alerts() {
    let recorder = Arc::new(Recorder::new(true));
    let h = Setup::new(vec![recorder.clone()]).build();
    h.flush(vec![firing("a"), firing("b")]).await.unwrap();

    tokio::time::sleep(Duration::from_secs(60)).await;
    let gone = resolved("b", h.clock.now() - Duration::from_secs(5));
    h.flush(vec![firing("a"), gone.clone()]).await.unwrap();
    let calls = recorder.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].reason, "some alerts resolved");
    assert_eq!(
        calls[1].instances,
        ["a", "b"],
        "resolved alerts are part of the payload"
    );
    let entry = h.entry().unwrap();
    assert_eq!(entry.firing_alerts, hashes(&[firing("a")]));
    assert_eq!(entry.resolved_alerts, hashes(&[gone]));
}

#[tokio::test(start_paused = true)]
async fn send_resolved_false_resolved_only_is_logged_but_not_sent() {
    let recorder = Arc::new(Recorder::new(false));
    let h = Setup::new(vec![recorder.clone()]).build();
    h.flush(vec![firing("a"), firing("b")]).await.unwrap();

    // One resolves: nothing new to tell a receiver that ignores resolutions.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let t = h.clock.now();
    h.flush(vec![firing("a"), resolved("b", t)]).await.unwrap();
    assert_eq!(recorder.calls().len(), 1);

    // All resolved: "all alerts resolved" is decided, the send is skipped,
    // and the log forgets the firing alerts.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let t = h.clock.now();
    let all = vec![resolved("a", t), resolved("b", t)];
    h.flush(all.clone()).await.unwrap();
    assert_eq!(recorder.calls().len(), 1, "no send without firing alerts");
    let entry = h.entry().unwrap();
    assert!(entry.firing_alerts.is_empty());
    assert_eq!(entry.resolved_alerts, hashes(&all));
    assert_eq!(entry.timestamp, t);
    assert_eq!(
        h.metrics.0.lock().unwrap().attempted["webhook"],
        2,
        "the skipped send still counts"
    );

    // A re-fire after that is a first notification again.
    tokio::time::sleep(Duration::from_secs(60)).await;
    h.flush(vec![firing("a")]).await.unwrap();
    assert_eq!(
        reasons(&recorder),
        ["first notification", "first notification"]
    );
}

#[tokio::test(start_paused = true)]
async fn send_resolved_false_sends_only_firing_alerts() {
    let recorder = Arc::new(Recorder::new(false));
    let h = Setup::new(vec![recorder.clone()]).build();
    h.flush(vec![firing("a")]).await.unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let t = h.clock.now();
    h.flush(vec![resolved("a", t), firing("b")]).await.unwrap();
    let calls = recorder.calls();
    assert_eq!(calls[1].reason, "new alerts added");
    assert_eq!(calls[1].instances, ["b"]);
    assert_eq!(
        h.entry().unwrap().resolved_alerts,
        hashes(&[resolved("a", t)]),
        "resolved still logged"
    );
}

#[tokio::test(start_paused = true)]
async fn resolved_only_group_without_history_is_not_sent_nor_logged() {
    let recorder = Arc::new(Recorder::new(true));
    let h = Setup::new(vec![recorder.clone()]).build();
    let t = h.clock.now();
    h.flush(vec![resolved("a", t)]).await.unwrap();
    assert!(recorder.calls().is_empty());
    assert!(h.entry().is_none());
}

#[tokio::test(start_paused = true)]
async fn repeat_interval_of_k_group_intervals_fires_at_tick_k_plus_one() {
    let mut recorder = Recorder::new(true);
    recorder.latency = Duration::from_millis(20);
    let recorder = Arc::new(recorder);
    let h = Setup::new(vec![recorder.clone()]).build();
    let group_interval = Duration::from_secs(60);
    let repeat = 3 * group_interval;
    let start = Instant::now();

    let mut sent_at_ticks = Vec::new();
    for tick in 0..9u32 {
        tokio::time::sleep_until(start + group_interval * tick).await;
        let before = recorder.calls().len();
        h.flush_with(h.ctx(repeat), vec![firing("a")])
            .await
            .unwrap();
        if recorder.calls().len() > before {
            sent_at_ticks.push(tick);
        }
    }
    assert_eq!(sent_at_ticks, [0, 4, 8]);
    assert_eq!(reasons(&recorder)[1], "repeat interval elapsed");
}

#[tokio::test(start_paused = true)]
async fn nflog_expiry_is_twice_the_repeat_interval() {
    let recorder = Arc::new(Recorder::new(true));
    let h = Setup::new(vec![recorder]).build();
    h.flush_with(h.ctx(Duration::from_secs(3600)), vec![firing("a")])
        .await
        .unwrap();
    let record = h.nflog.records().pop().unwrap();
    assert_eq!(record.expires_at, ts("2026-03-02T12:00:00Z"));
}

// ---------------------------------------------------------------------------
// Retries.

#[tokio::test(start_paused = true)]
async fn retryable_errors_are_retried_with_backoff_until_success() {
    let recorder = Arc::new(Recorder::new(true));
    recorder.script.lock().unwrap().extend([
        Err(error(true, "503")),
        Err(error(true, "503")),
        Err(error(true, "503")),
    ]);
    let h = Setup::new(vec![recorder.clone()]).build();
    let start = Instant::now();

    h.flush(vec![firing("a")]).await.unwrap();
    let calls = recorder.calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].at, start, "first attempt is immediate");
    // Gap i is the i-th backoff: 500ms × 1.5^i, jittered by ±50 %.
    for i in 1..calls.len() {
        let gap = calls[i].at - calls[i - 1].at;
        let nominal = 0.5 * 1.5f64.powi(i as i32 - 1);
        let secs = gap.as_secs_f64();
        assert!(
            secs >= nominal * 0.5 - 1e-3 && secs <= nominal * 1.5 + 1e-3,
            "gap {i} = {secs}s"
        );
    }
    assert!(h.entry().is_some(), "logged after the successful attempt");
    let counts = h.metrics.0.lock().unwrap();
    assert_eq!(counts.requests["webhook"], 4);
    assert_eq!(counts.failed_requests["webhook"], 3);
    assert!(counts.failed.is_empty());
}

#[tokio::test(start_paused = true)]
async fn retry_gives_up_at_the_flush_deadline() {
    let mut recorder = Recorder::new(true);
    recorder.failing_forever = Some(error(true, "unexpected status code 500"));
    let recorder = Arc::new(recorder);
    let h = Setup::new(vec![recorder.clone()]).build();
    let start = Instant::now();
    let mut ctx = h.ctx(Duration::from_secs(3600));
    ctx.timeout = Duration::from_secs(10);

    let err = h.flush_with(ctx, vec![firing("a")]).await.unwrap_err();
    let attempts = recorder.calls().len();
    assert_eq!(
        Instant::now() - start,
        Duration::from_secs(10),
        "returns at the deadline"
    );
    // Nominal attempt times 0, .5, 1.25, 2.4, 4.1, 6.6, 10.4: with ±50 % jitter
    // between 5 and 9 attempts fit in 10 s.
    assert!((5..=9).contains(&attempts), "{attempts} attempts");
    assert_eq!(
        err,
        format!(
            "team/webhook[0]: notify retry canceled after {attempts} attempts: unexpected status code 500"
        )
    );
    assert!(
        h.entry().is_none(),
        "nothing logged for a failed notification"
    );
    let counts = h.metrics.0.lock().unwrap();
    assert_eq!(counts.failed[&("webhook".to_owned(), "serverError")], 1);
    assert_eq!(counts.failed_requests["webhook"], attempts);
}

#[tokio::test(start_paused = true)]
async fn unrecoverable_errors_are_not_retried() {
    let recorder = Arc::new(Recorder::new(true));
    recorder.script.lock().unwrap().push_back(Err(NotifyError {
        retry: false,
        reason: FailureReason::ClientError,
        message: "unexpected status code 400".to_owned(),
    }));
    let h = Setup::new(vec![recorder.clone()]).build();
    let start = Instant::now();
    let err = h.flush(vec![firing("a")]).await.unwrap_err();
    assert_eq!(Instant::now(), start);
    assert_eq!(recorder.calls().len(), 1);
    assert_eq!(
        err,
        "team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 400"
    );
    assert_eq!(
        h.metrics.0.lock().unwrap().failed[&("webhook".to_owned(), "clientError")],
        1
    );
    assert!(h.entry().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_hanging_integration_does_not_delay_another() {
    let mut hanging = Recorder::new(true);
    hanging.default = Behaviour::Hang;
    let hanging = Arc::new(hanging);
    let mut fast = Recorder::new(true);
    fast.index = 1;
    let fast = Arc::new(fast);
    let h = Setup::new(vec![hanging.clone(), fast.clone()]).build();
    let start = Instant::now();

    let err = h.flush(vec![firing("a")]).await.unwrap_err();
    assert_eq!(fast.calls()[0].at, start);
    let fast_entry = h
        .nflog
        .query(GROUP_KEY, &webhook_key(1))
        .expect("fast integration logged");
    assert_eq!(
        fast_entry.timestamp,
        ts(START),
        "logged right after its own send"
    );
    assert!(h.nflog.query(GROUP_KEY, &webhook_key(0)).is_none());
    assert_eq!(
        Instant::now() - start,
        Duration::from_secs(60),
        "the flush ends at its deadline"
    );
    assert_eq!(
        err,
        "team/webhook[0]: notify retry canceled after 1 attempts: context deadline exceeded"
    );
    assert_eq!(
        h.metrics.0.lock().unwrap().failed[&("webhook".to_owned(), "contextDeadlineExceeded")],
        1
    );
}

#[tokio::test(start_paused = true)]
async fn errors_of_several_integrations_are_joined() {
    let mut first = Recorder::new(true);
    first.failing_forever = Some(error(false, "boom"));
    let mut second = Recorder::new(true);
    second.index = 1;
    second.failing_forever = Some(error(false, "bang"));
    let h = Setup::new(vec![Arc::new(first), Arc::new(second)]).build();
    let err = h.flush(vec![firing("a")]).await.unwrap_err();
    assert_eq!(
        err,
        "team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: boom\n\
         team/webhook[1]: notify retry canceled due to unrecoverable error after 1 attempts: bang"
    );
}

#[tokio::test(start_paused = true)]
async fn unknown_and_empty_receivers() {
    let h = Setup::new(vec![]).build();
    let mut ctx = h.ctx(Duration::from_secs(60));
    ctx.receiver = "nobody".to_owned();
    assert_eq!(
        h.flush_with(ctx.clone(), vec![firing("a")])
            .await
            .unwrap_err(),
        "stage for receiver missing"
    );
    ctx.receiver = "empty".to_owned();
    h.flush_with(ctx, vec![firing("a")]).await.unwrap();
}

// ---------------------------------------------------------------------------
// Muting stages.

fn silence_instance(instance: &str, h: &Harness) -> String {
    let now = h.clock.now();
    h.silences
        .set(Silence {
            id: String::new(),
            matcher_sets: vec![vec![SilenceMatcher {
                kind: MatchType::Equal,
                name: "instance".to_owned(),
                pattern: instance.to_owned(),
            }]],
            starts_at: now,
            ends_at: now + Duration::from_secs(3600),
            updated_at: now,
            created_by: "test".to_owned(),
            comment: String::new(),
            annotations: BTreeMap::new(),
        })
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn silenced_alerts_are_dropped_and_a_fully_silenced_group_leaves_the_nflog_alone() {
    let recorder = Arc::new(Recorder::new(true));
    let h = Setup::new(vec![recorder.clone()]).build();
    silence_instance("b", &h);
    h.flush(vec![firing("a"), firing("b")]).await.unwrap();
    assert_eq!(recorder.calls()[0].instances, ["a"]);
    assert_eq!(h.entry().unwrap().firing_alerts, hashes(&[firing("a")]));

    // Resolved alerts are muted too, and a group left empty touches nothing.
    let before = h.entry().unwrap();
    silence_instance("a", &h);
    tokio::time::sleep(Duration::from_secs(60)).await;
    let t = h.clock.now();
    h.flush(vec![resolved("a", t), firing("b")]).await.unwrap();
    assert_eq!(recorder.calls().len(), 1);
    assert_eq!(h.entry().unwrap(), before);
    assert_eq!(h.metrics.0.lock().unwrap().suppressed["silence"], 3);
}

#[tokio::test(start_paused = true)]
async fn inhibited_alerts_are_dropped() {
    let recorder = Arc::new(Recorder::new(true));
    let mut setup = Setup::new(vec![recorder.clone()]);
    setup.inhibit_rules = vec![InhibitRule {
        name: None,
        source_matchers: vec![Matcher::new(MatchType::Equal, "alertname", "NodeDown").unwrap()],
        target_matchers: vec![Matcher::new(MatchType::Equal, "alertname", "HighLatency").unwrap()],
        equal: vec!["instance".to_owned()],
        ..InhibitRule::default()
    }];
    let h = setup.build();
    let mut source = firing("b");
    source.labels.insert("alertname", "NodeDown");
    source.ends_at = Time::utc(h.clock.now() + Duration::from_secs(300));
    h.inhibitor.observe(&StoredAlert::pack(&source));

    h.flush(vec![firing("a"), firing("b")]).await.unwrap();
    assert_eq!(recorder.calls()[0].instances, ["a"]);
    assert_eq!(h.metrics.0.lock().unwrap().suppressed["inhibition"], 1);
}

#[tokio::test(start_paused = true)]
async fn time_mute_and_time_active_drop_the_whole_group() {
    let recorder = Arc::new(Recorder::new(true));
    let mut setup = Setup::new(vec![recorder.clone()]);
    // START is a Monday, 10:00 UTC.
    let on = |days: &[&str]| TimeInterval {
        weekdays: Some(
            days.iter()
                .map(|d| WeekdayRange::parse(d).unwrap())
                .collect(),
        ),
        ..TimeInterval::default()
    };
    setup.intervals = TimeIntervals::from([
        (
            "mondays".to_owned(),
            vec![on(&["saturday"]), on(&["monday"])],
        ),
        ("weekends".to_owned(), vec![on(&["saturday", "sunday"])]),
    ]);
    let h = setup.build();
    let repeat = Duration::from_secs(3600);

    // Inside a mute interval.
    let mut ctx = h.ctx(repeat);
    ctx.mute_time_intervals = vec!["weekends".to_owned(), "mondays".to_owned()];
    h.flush_with(ctx.clone(), vec![firing("a"), firing("b")])
        .await
        .unwrap();
    assert!(recorder.calls().is_empty());
    assert!(
        h.entry().is_none(),
        "a muted group leaves the nflog untouched"
    );
    assert_eq!(h.marker.muted_by("{}/0", GROUP_KEY), ["mondays"]);

    // Outside every active interval.
    let mut ctx = h.ctx(repeat);
    ctx.active_time_intervals = vec!["weekends".to_owned()];
    h.flush_with(ctx, vec![firing("a")]).await.unwrap();
    assert!(recorder.calls().is_empty());
    assert_eq!(h.marker.muted_by("{}/0", GROUP_KEY), ["weekends"]);

    // Inside an active interval and outside the mute ones: sent, marker cleared.
    let mut ctx = h.ctx(repeat);
    ctx.active_time_intervals = vec!["mondays".to_owned()];
    ctx.mute_time_intervals = vec!["weekends".to_owned()];
    h.flush_with(ctx, vec![firing("a")]).await.unwrap();
    assert_eq!(recorder.calls().len(), 1);
    assert!(h.marker.muted_by("{}/0", GROUP_KEY).is_empty());

    let counts = h.metrics.0.lock().unwrap();
    assert_eq!(counts.suppressed["mute_time_interval"], 2);
    assert_eq!(counts.suppressed["active_time_interval"], 1);
}

#[tokio::test(start_paused = true)]
async fn unknown_time_interval_fails_the_flush() {
    let h = Setup::new(vec![Arc::new(Recorder::new(true))]).build();
    let mut ctx = h.ctx(Duration::from_secs(60));
    ctx.mute_time_intervals = vec!["holidays".to_owned()];
    assert_eq!(
        h.flush_with(ctx, vec![firing("a")]).await.unwrap_err(),
        "time interval holidays doesn't exist in config"
    );
}

// ---------------------------------------------------------------------------
// Receiver data: what one notification leaves for the next (upstream's
// nflog.Store, e.g. Slack's message timestamp for update_message).

/// A notifier that records the receiver data each call sees and, per call,
/// optionally stores one string (a script; later calls store nothing).
struct DataKeeper {
    writes: Mutex<VecDeque<Option<(&'static str, &'static str)>>>,
    seen: Mutex<Vec<BTreeMap<String, ReceiverDataValue>>>,
}

impl Notifier for DataKeeper {
    fn integration(&self) -> &str {
        "webhook"
    }
    fn index(&self) -> usize {
        0
    }
    fn send_resolved(&self) -> bool {
        true
    }
    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        _alerts: &'a [Alert],
    ) -> Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>> {
        Box::pin(async move {
            self.seen.lock().unwrap().push(ctx.receiver_data.snapshot());
            tokio::time::sleep(Duration::from_millis(200)).await;
            if let Some((key, value)) = self.writes.lock().unwrap().pop_front().flatten() {
                ctx.receiver_data.set_str(key, value);
            }
            Ok(())
        })
    }
}

fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, ReceiverDataValue> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), ReceiverDataValue::Str((*v).to_owned())))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn receiver_data_flows_from_one_flush_to_the_next() {
    let keeper = Arc::new(DataKeeper {
        writes: Mutex::new(VecDeque::from([
            Some(("threadTs", "1.1")),
            None,
            Some(("channelId", "C1")),
            Some(("threadTs", "2.2")),
        ])),
        seen: Mutex::new(Vec::new()),
    });
    let h = Setup::new(vec![keeper.clone()]).build();
    let seen = || keeper.seen.lock().unwrap().clone();

    // First notification: starts empty; what the notifier stored is logged.
    h.flush(vec![firing("a")]).await.unwrap();
    assert_eq!(seen(), [data(&[])]);
    assert_eq!(
        h.entry().unwrap().receiver_data,
        data(&[("threadTs", "1.1")])
    );

    // The next flush sees it; storing nothing keeps it.
    tokio::time::sleep(Duration::from_secs(60)).await;
    h.flush(vec![firing("a"), firing("b")]).await.unwrap();
    assert_eq!(seen()[1], data(&[("threadTs", "1.1")]));
    assert_eq!(
        h.entry().unwrap().receiver_data,
        data(&[("threadTs", "1.1")])
    );

    // "All alerts resolved" still sees it; a new key joins the old one.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let t = h.clock.now();
    h.flush(vec![resolved("a", t), resolved("b", t)])
        .await
        .unwrap();
    assert_eq!(seen()[2], data(&[("threadTs", "1.1")]));
    assert_eq!(
        h.entry().unwrap().receiver_data,
        data(&[("channelId", "C1"), ("threadTs", "1.1")])
    );

    // A re-fire is a first notification: it starts empty again (a new
    // message), and only what it stores is logged.
    tokio::time::sleep(Duration::from_secs(60)).await;
    h.flush(vec![firing("a")]).await.unwrap();
    assert_eq!(seen()[3], data(&[]));
    assert_eq!(
        h.entry().unwrap().receiver_data,
        data(&[("threadTs", "2.2")])
    );
    assert_eq!(seen().len(), 4);
}
