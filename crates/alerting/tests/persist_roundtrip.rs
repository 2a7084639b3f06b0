//! Persistence round trips: what the stores accept is what a restart loads
//! (silences and notification log), in upstream's record format, with
//! creation order, expiry at load, GC, compaction, closing, and the latency
//! of a durable silence write.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tocsin_alerting::clock::Clock;
use tocsin_alerting::nflog::{
    LogRecord, Notification, NotificationLog, ReceiverDataValue, ReceiverKey,
};
use tocsin_alerting::persist::{self, NFLOG_FILE, Opened, PersistOptions, SILENCES_FILE, proto};
use tocsin_alerting::silence::{
    Silence, SilenceError, SilenceMatcher, SilenceRecord, Silences, SilencesOptions,
};
use tocsin_model::{LabelSet, MatchType};

const HOUR: Duration = Duration::from_secs(3600);

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn matcher(kind: MatchType, name: &str, pattern: &str) -> SilenceMatcher {
    SilenceMatcher {
        kind,
        name: name.into(),
        pattern: pattern.into(),
    }
}

fn silence(sets: Vec<Vec<SilenceMatcher>>, starts_at: Timestamp, ends_at: Timestamp) -> Silence {
    Silence {
        id: String::new(),
        matcher_sets: sets,
        starts_at,
        ends_at,
        updated_at: Timestamp::UNIX_EPOCH,
        created_by: "alice".into(),
        comment: "maintenance".into(),
        annotations: BTreeMap::new(),
    }
}

fn open_silences(dir: &Path, clock: Clock) -> Opened<Silences> {
    open_silences_with(dir, clock, &PersistOptions::default())
}

fn open_silences_with(dir: &Path, clock: Clock, options: &PersistOptions) -> Opened<Silences> {
    persist::open_silences(dir, SilencesOptions::default(), clock, options).unwrap()
}

fn sorted(mut records: Vec<SilenceRecord>) -> Vec<SilenceRecord> {
    records.sort_by(|a, b| a.silence.id.cmp(&b.silence.id));
    records
}

/// The records of a file, decoded with the wire types alone.
fn raw_silences(dir: &Path) -> Vec<proto::MeshSilence> {
    let bytes = std::fs::read(dir.join(SILENCES_FILE)).unwrap();
    let mut rest = bytes.as_slice();
    let mut out = Vec::new();
    while !rest.is_empty() {
        out.push(prost::Message::decode_length_delimited(&mut rest).unwrap());
    }
    out
}

#[test]
fn silences_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let now = clock.now();
    let opened = open_silences(dir.path(), clock);
    assert!(!opened.report.found);
    let store = opened.store;

    let mut two_sets = silence(
        vec![
            vec![
                matcher(MatchType::Equal, "job", "api"),
                matcher(MatchType::NotRegexp, "env", "pro.*"),
            ],
            vec![matcher(MatchType::Regexp, "team", "a|b")],
        ],
        now,
        now + HOUR,
    );
    two_sets.annotations.insert("ticket".into(), "OPS-1".into());
    let a = store.set(two_sets).unwrap();
    let b = store
        .set(silence(
            vec![vec![matcher(MatchType::Equal, "job", "db")]],
            now + HOUR,
            now + 2 * HOUR,
        ))
        .unwrap();
    let c = store
        .set(silence(
            vec![vec![matcher(MatchType::NotEqual, "x", "y")]],
            now,
            now + HOUR,
        ))
        .unwrap();
    // Update in place, replace (new ID, old one expired), expire.
    let mut update = store.get(&a).unwrap();
    update.comment = "extended".into();
    update.ends_at = now + 3 * HOUR;
    assert_eq!(store.set(update).unwrap(), a);
    let mut replace = store.get(&b).unwrap();
    replace.matcher_sets = vec![vec![matcher(MatchType::Equal, "job", "db2")]];
    let b2 = store.set(replace).unwrap();
    assert_ne!(b2, b);
    store.expire(&c).unwrap();

    let before = sorted(store.records());
    assert_eq!(before.len(), 4);
    drop(store);
    opened.file.close().unwrap();

    let reopened = open_silences(dir.path(), clock);
    assert!(reopened.report.is_clean(), "{}", reopened.report);
    assert_eq!(reopened.report.loaded, 4);
    // Three creations, the update of a, the replacement (b expired, b2
    // created), the expiry of c: seven records for four silences.
    assert_eq!(reopened.report.records, 7, "{}", reopened.report);
    assert_eq!(reopened.report.superseded, 3);
    assert_eq!(sorted(reopened.store.records()), before);
    assert_eq!(reopened.store.get(&a).unwrap().comment, "extended");
}

#[test]
fn the_file_carries_legacy_matchers_and_matcher_sets() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let now = clock.now();
    let opened = open_silences(dir.path(), clock);
    opened
        .store
        .set(silence(
            vec![
                vec![matcher(MatchType::Regexp, "a", "1|2")],
                vec![matcher(MatchType::Equal, "b", "3")],
            ],
            now,
            now + HOUR,
        ))
        .unwrap();
    let records = raw_silences(dir.path());
    assert_eq!(records.len(), 1);
    let s = records[0].silence.as_ref().unwrap();
    assert_eq!(s.matcher_sets.len(), 2);
    assert_eq!(s.matchers, s.matcher_sets[0].matchers);
    assert_eq!(s.matchers[0].kind, 1, "REGEXP is 1 in silencepb");
    assert_eq!(s.created_by, "alice");
    assert!(s.comments.is_empty());
}

#[test]
fn creation_order_survives_restart_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let now = clock.now();
    let eager = PersistOptions {
        compact_ratio: 2,
        compact_min_bytes: 0,
    };
    let labels: LabelSet = [("job", "api"), ("team", "a")].into_iter().collect();
    let opened = open_silences_with(dir.path(), clock, &eager);
    let mut ids = Vec::new();
    for set in [
        vec![matcher(MatchType::Equal, "team", "a")],
        vec![matcher(MatchType::Equal, "job", "api")],
        vec![matcher(MatchType::Regexp, "job", "a.*")],
    ] {
        ids.push(
            opened
                .store
                .set(silence(vec![set], now, now + HOUR))
                .unwrap(),
        );
    }
    // Rewrite the first silence often enough to force compactions.
    for i in 0..20 {
        let mut s = opened.store.get(&ids[0]).unwrap();
        s.comment = format!("edit {i}");
        opened.store.set(s).unwrap();
    }
    assert!(
        opened.file.stats().compactions > 1,
        "{:?}",
        opened.file.stats()
    );
    assert_eq!(opened.store.silenced_by(&labels, clock.now()), ids);
    drop(opened);

    let reopened = open_silences_with(dir.path(), clock, &eager);
    assert_eq!(reopened.store.silenced_by(&labels, clock.now()), ids);
    assert_eq!(reopened.store.get(&ids[0]).unwrap().comment, "edit 19");
}

#[test]
fn expired_silences_are_dropped_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let start = ts("2030-01-01T00:00:00Z");
    let options = SilencesOptions {
        retention: HOUR,
        ..SilencesOptions::default()
    };
    let opened = persist::open_silences(
        dir.path(),
        options.clone(),
        Clock::starting_at(start),
        &PersistOptions::default(),
    )
    .unwrap();
    let short = opened
        .store
        .set(silence(
            vec![vec![matcher(MatchType::Equal, "a", "1")]],
            start,
            start + Duration::from_secs(60),
        ))
        .unwrap();
    let long = opened
        .store
        .set(silence(
            vec![vec![matcher(MatchType::Equal, "a", "2")]],
            start,
            start + 5 * HOUR,
        ))
        .unwrap();
    drop(opened);

    // Two hours later the short silence's retention (end + 1h) has passed.
    let later = persist::open_silences(
        dir.path(),
        options,
        Clock::starting_at(start + 2 * HOUR),
        &PersistOptions::default(),
    )
    .unwrap();
    assert_eq!(later.report.expired, 1);
    assert_eq!(later.report.loaded, 1);
    assert!(later.store.get(&short).is_none());
    assert!(later.store.get(&long).is_some());
    // The rewritten file no longer holds it.
    assert_eq!(raw_silences(dir.path()).len(), 1);
}

#[test]
fn gc_removals_leave_the_file_at_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let start = ts("2030-01-01T00:00:00Z");
    // Compaction needs the file to be twice the live state and non-empty.
    let eager = PersistOptions {
        compact_ratio: 2,
        compact_min_bytes: 0,
    };
    let options = SilencesOptions {
        retention: Duration::ZERO,
        ..SilencesOptions::default()
    };
    // A clock in the past, so a silence can end (and be collected) at once.
    let clock = Clock::starting_at(start);
    let opened = persist::open_silences(dir.path(), options, clock, &eager).unwrap();
    let mut big = silence(
        vec![vec![matcher(MatchType::Equal, "a", "1")]],
        start,
        start + Duration::from_millis(1),
    );
    big.comment = "x".repeat(500);
    let doomed = opened.store.set(big).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(opened.store.gc(), 1);
    let kept = opened
        .store
        .set(silence(
            vec![vec![matcher(MatchType::Equal, "a", "2")]],
            clock.now(),
            clock.now() + HOUR,
        ))
        .unwrap();
    // The file held the doomed and the kept record: twice the live state,
    // so the writer compacted it down to the kept one (compaction follows
    // the write that acknowledged `kept`; closing waits for it).
    opened.file.close().unwrap();
    let records = raw_silences(dir.path());
    let ids: Vec<&str> = records
        .iter()
        .map(|r| r.silence.as_ref().unwrap().id.as_str())
        .collect();
    assert_eq!(ids, vec![kept.as_str()], "doomed was {doomed}");
}

fn receiver(index: u32) -> ReceiverKey {
    ReceiverKey {
        receiver: "team".into(),
        integration: "webhook".into(),
        index,
    }
}

fn notification(group: &str, index: u32, firing: Vec<u64>) -> Notification {
    let mut receiver_data = BTreeMap::new();
    receiver_data.insert(
        "ts".into(),
        ReceiverDataValue::Str(format!("{group}-{index}")),
    );
    receiver_data.insert("n".into(), ReceiverDataValue::Int(i64::from(index)));
    Notification {
        receiver: receiver(index),
        group_key: format!("{{}}:{{alertname=\"{group}\"}}"),
        firing_alerts: firing,
        resolved_alerts: vec![7],
        receiver_data,
        expiry: 8 * HOUR,
    }
}

fn sorted_log(mut records: Vec<LogRecord>) -> Vec<LogRecord> {
    records.sort_by_key(LogRecord::key);
    records
}

#[tokio::test]
async fn notification_log_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let opened =
        persist::open_nflog(dir.path(), 120 * HOUR, clock, &PersistOptions::default()).unwrap();
    let log: &NotificationLog = &opened.store;
    log.log(notification("A", 0, vec![1]), clock.now());
    log.log(notification("A", 1, vec![1, 2]), clock.now());
    log.log(notification("B", 0, vec![3]), clock.now());
    log.log(notification("A", 0, vec![1, 4]), clock.now());
    log.wait_durable().await.unwrap();

    // Durable means in the file now, without closing anything.
    let bytes = std::fs::read(dir.path().join(NFLOG_FILE)).unwrap();
    let mut rest = bytes.as_slice();
    let mut on_disk = 0;
    while !rest.is_empty() {
        let _: proto::MeshEntry = prost::Message::decode_length_delimited(&mut rest).unwrap();
        on_disk += 1;
    }
    assert_eq!(on_disk, 4);

    let before = sorted_log(log.records());
    drop(opened);
    let reopened =
        persist::open_nflog(dir.path(), 120 * HOUR, clock, &PersistOptions::default()).unwrap();
    assert!(reopened.report.is_clean(), "{}", reopened.report);
    assert_eq!(reopened.report.loaded, 3);
    assert_eq!(reopened.report.superseded, 1);
    assert_eq!(sorted_log(reopened.store.records()), before);
    let entry = reopened
        .store
        .query("{}:{alertname=\"A\"}", &receiver(0))
        .unwrap();
    assert_eq!(entry.firing_alerts, vec![1, 4]);
}

#[tokio::test]
async fn nflog_gc_and_expiry_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let start = ts("2030-01-01T00:00:00Z");
    let retention = HOUR;
    let opened = persist::open_nflog(
        dir.path(),
        retention,
        Clock::starting_at(start),
        &PersistOptions::default(),
    )
    .unwrap();
    let mut short = notification("short", 0, vec![1]);
    short.expiry = Duration::from_secs(60);
    opened.store.log(short, start);
    opened.store.log(notification("long", 0, vec![2]), start);
    assert_eq!(opened.store.gc(start + Duration::from_secs(61)), 1);
    opened.store.wait_durable().await.unwrap();
    drop(opened);

    let later = persist::open_nflog(
        dir.path(),
        retention,
        Clock::starting_at(start + Duration::from_secs(120)),
        &PersistOptions::default(),
    )
    .unwrap();
    assert_eq!((later.report.loaded, later.report.expired), (1, 1));
    assert!(
        later
            .store
            .query("{}:{alertname=\"long\"}", &receiver(0))
            .is_some()
    );
}

#[test]
fn a_closed_file_refuses_silence_changes() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let now = clock.now();
    let opened = open_silences(dir.path(), clock);
    let kept = opened
        .store
        .set(silence(
            vec![vec![matcher(MatchType::Equal, "a", "1")]],
            now,
            now + HOUR,
        ))
        .unwrap();
    opened.file.close().unwrap();
    opened.file.close().unwrap();
    let refused = opened.store.set(silence(
        vec![vec![matcher(MatchType::Equal, "a", "2")]],
        now,
        now + HOUR,
    ));
    assert!(
        matches!(refused, Err(SilenceError::Persist(_))),
        "{refused:?}"
    );
    assert_eq!(opened.store.len(), 2, "the refused change stays in memory");
    drop(opened);
    let reopened = open_silences(dir.path(), clock);
    let ids: Vec<String> = reopened
        .store
        .records()
        .into_iter()
        .map(|r| r.silence.id)
        .collect();
    assert_eq!(ids, vec![kept]);
}

#[tokio::test]
async fn nflog_waiters_after_close_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let opened = persist::open_nflog(dir.path(), HOUR, clock, &PersistOptions::default()).unwrap();
    opened.store.log(notification("A", 0, vec![1]), clock.now());
    opened.file.close().unwrap();
    // Already written before the close: durable.
    opened.store.wait_durable().await.unwrap();
    opened.store.log(notification("B", 0, vec![1]), clock.now());
    assert!(opened.store.wait_durable().await.is_err());
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durable_writes_are_fast() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::system();
    let opened = open_silences(dir.path(), clock);
    let mut latencies = Vec::new();
    for i in 0..200 {
        let now = clock.now();
        let s = silence(
            vec![vec![matcher(
                MatchType::Equal,
                "instance",
                &format!("host-{i}"),
            )]],
            now,
            now + HOUR,
        );
        let started = Instant::now();
        opened.store.set(s).unwrap();
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let (p50, p99, max) = (
        percentile(&latencies, 50),
        percentile(&latencies, 99),
        latencies[latencies.len() - 1],
    );
    eprintln!("silence create incl. fdatasync: p50 {p50:?}, p99 {p99:?}, max {max:?}");
    assert!(p50 < Duration::from_millis(50), "p50 {p50:?}");

    // Group commit: many concurrent nflog writers share fsyncs.
    let nflog = std::sync::Arc::new(
        persist::open_nflog(dir.path(), HOUR, clock, &PersistOptions::default())
            .unwrap()
            .store,
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..50u32 {
        let nflog = std::sync::Arc::clone(&nflog);
        tasks.push(tokio::spawn(async move {
            for i in 0..100u32 {
                nflog.log(
                    notification(&format!("g{task}"), i, vec![u64::from(i)]),
                    clock.now(),
                );
                nflog.wait_durable().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    eprintln!(
        "nflog: 5000 durable logs from 50 concurrent tasks in {elapsed:?} ({:.0}/s)",
        5000.0 / elapsed.as_secs_f64()
    );
    assert_eq!(nflog.len(), 5000);
}

#[test]
fn unreadable_state_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(SILENCES_FILE)).unwrap();
    let err = persist::open_silences(
        dir.path(),
        SilencesOptions::default(),
        Clock::system(),
        &PersistOptions::default(),
    )
    .unwrap_err();
    let path = dir.path().join(SILENCES_FILE);
    assert!(
        err.to_string()
            .starts_with(&format!("read {}", path.display())),
        "{err}"
    );
}
