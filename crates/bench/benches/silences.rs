//! Issue-4 performance goals with 10,000 silences and 100,000 alerts:
//! creating (and expiring) a silence, including the fsync that makes it
//! durable, < 50 ms; and computing every alert's silence status — the work
//! behind `GET /api/v2/alerts`, whose status is computed at query time, so a
//! new silence shows immediately — within the API listing's 1 s budget.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::persist::{self, PersistOptions};
use tocsin_alerting::silence::{Silence, SilenceMatcher, Silences, SilencesOptions};
use tocsin_model::{LabelSet, MatchType};

const SILENCES: usize = 10_000;
const ALERTS: usize = 100_000;

fn matcher(kind: MatchType, name: &str, pattern: String) -> SilenceMatcher {
    SilenceMatcher {
        kind,
        name: name.to_owned(),
        pattern,
    }
}

/// Maintenance-window style silences: most pin an instance, some use a
/// regex over a service, a few exclude a severity.
fn silence(i: usize, now: Timestamp) -> Silence {
    let set = match i % 10 {
        0..=6 => vec![
            matcher(
                MatchType::Equal,
                "instance",
                format!("host-{}:9100", i * 7 % 20_000),
            ),
            matcher(MatchType::Equal, "alertname", format!("Alert{}", i % 50)),
        ],
        7 | 8 => vec![
            matcher(
                MatchType::Regexp,
                "service",
                format!("svc{}|svc{}-canary", i % 300, i % 300),
            ),
            matcher(MatchType::Equal, "cluster", format!("c{}", i % 20)),
        ],
        _ => vec![
            matcher(MatchType::Equal, "namespace", format!("ns{}", i % 500)),
            matcher(MatchType::NotEqual, "severity", "critical".to_owned()),
        ],
    };
    Silence {
        id: String::new(),
        matcher_sets: vec![set],
        starts_at: now,
        ends_at: now + SignedDuration::from_hours(2),
        updated_at: now,
        created_by: "bench".to_owned(),
        comment: "maintenance".to_owned(),
        annotations: Default::default(),
    }
}

fn alert_labels(i: usize) -> LabelSet {
    [
        ("alertname", format!("Alert{}", i % 50)),
        ("instance", format!("host-{}:9100", i % 20_000)),
        ("service", format!("svc{}", i % 300)),
        ("cluster", format!("c{}", i % 20)),
        ("namespace", format!("ns{}", i % 500)),
        (
            "severity",
            if i.is_multiple_of(3) {
                "critical"
            } else {
                "warning"
            }
            .to_owned(),
        ),
        ("job", "node".to_owned()),
    ]
    .into_iter()
    .collect()
}

fn fill(store: &Silences, now: Timestamp) {
    for i in 0..SILENCES {
        store.set(silence(i, now)).expect("valid silence");
    }
}

fn silences(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let _guard = rt.enter();
    let clock = Clock::system();
    let now = clock.now();
    let alerts: Vec<LabelSet> = (0..ALERTS).map(alert_labels).collect();

    // Durable store on a real file, as the server runs it.
    let dir = tempfile::tempdir().expect("tempdir");
    let opened = persist::open_silences(
        dir.path(),
        SilencesOptions::default(),
        clock,
        &PersistOptions::default(),
    )
    .expect("open silences");
    let durable = opened.store;
    fill(&durable, now);
    let mut group = c.benchmark_group("silences_10k");
    group.sample_size(30);
    group.bench_function("create_and_expire_durable", |b| {
        let mut i = SILENCES;
        b.iter(|| {
            i += 1;
            let id = durable.set(silence(i, now)).expect("created");
            durable.expire(black_box(&id)).expect("expired");
        })
    });
    group.finish();

    let memory = Silences::new(SilencesOptions::default(), clock);
    fill(&memory, now);
    // Creation clamps a start in the past to the moment of creation.
    let now = clock.now();
    let silenced = alerts
        .iter()
        .filter(|a| !memory.silenced_by(a, now).is_empty())
        .count();
    assert!(
        silenced > 0 && silenced < ALERTS,
        "a realistic mix: {silenced} of {ALERTS} silenced"
    );
    let mut group = c.benchmark_group("silences_10k");
    group.sample_size(10);
    group.bench_function("status_of_100k_alerts", |b| {
        b.iter(|| {
            alerts
                .iter()
                .filter(|a| !memory.silenced_by(a, now).is_empty())
                .count()
        })
    });
    group.finish();
    drop(opened.file);
}

criterion_group!(benches, silences);
criterion_main!(benches);
