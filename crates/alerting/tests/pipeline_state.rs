//! The state the pipeline consults: the silence store (create, update in
//! place or replace, expire, states, limits, GC, API query, fast matching)
//! and the inhibitor (equal labels, missing labels, self-inhibition, GC).

use std::collections::BTreeMap;
use std::time::{Duration, Instant as StdInstant};

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::inhibit::Inhibitor;
use tocsin_alerting::silence::{
    Silence, SilenceError, SilenceMatcher, SilenceState, Silences, SilencesOptions, StateCounts,
};
use tocsin_alerting::store::StoredAlert;
use tocsin_config::InhibitRule;
use tocsin_model::matcher::ParseMode;
use tocsin_model::{LabelSet, MatchType, Matcher};

const START: &str = "2026-03-02T10:00:00Z";
const HOUR: Duration = Duration::from_secs(3600);

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().copied().collect()
}

fn m(kind: MatchType, name: &str, pattern: &str) -> SilenceMatcher {
    SilenceMatcher {
        kind,
        name: name.to_owned(),
        pattern: pattern.to_owned(),
    }
}

fn eq(name: &str, pattern: &str) -> SilenceMatcher {
    m(MatchType::Equal, name, pattern)
}

fn silence(matchers: Vec<SilenceMatcher>, starts_at: Timestamp, ends_at: Timestamp) -> Silence {
    Silence {
        id: String::new(),
        matcher_sets: vec![matchers],
        starts_at,
        ends_at,
        updated_at: Timestamp::UNIX_EPOCH,
        created_by: "alice".to_owned(),
        comment: "maintenance".to_owned(),
        annotations: BTreeMap::new(),
    }
}

fn store(options: SilencesOptions) -> (Silences, Clock) {
    let clock = Clock::starting_at(ts(START));
    (Silences::new(options, clock), clock)
}

async fn advance(d: Duration) {
    tokio::time::sleep(d).await;
}

// ---------------------------------------------------------------------------
// Silences.

#[tokio::test(start_paused = true)]
async fn create_assigns_an_id_and_clamps_a_past_start() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    let id = s
        .set(silence(vec![eq("job", "api")], now - HOUR, now + HOUR))
        .unwrap();
    assert_eq!(id.len(), 36);
    let stored = s.get(&id).unwrap();
    assert_eq!(stored.id, id);
    assert_eq!(
        stored.starts_at, now,
        "a start in the past is clamped to now"
    );
    assert_eq!(stored.updated_at, now);
    assert_eq!(stored.created_by, "alice");
    assert_eq!(stored.state(now), SilenceState::Active);

    let future = s
        .set(silence(vec![eq("job", "api")], now + HOUR, now + 2 * HOUR))
        .unwrap();
    assert_ne!(future, id);
    assert_eq!(s.get(&future).unwrap().starts_at, now + HOUR);
    assert_eq!(s.get(&future).unwrap().state(now), SilenceState::Pending);
}

#[tokio::test(start_paused = true)]
async fn validation_messages() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    let end = now + HOUR;
    let invalid = |sil: Silence| s.set(sil).unwrap_err().to_string();

    let mut none = silence(vec![], now, end);
    none.matcher_sets.clear();
    assert_eq!(
        invalid(none),
        "invalid silence: at least one matcher set required"
    );
    assert_eq!(
        invalid(silence(vec![], now, end)),
        "invalid silence: matcher set 0 is empty"
    );
    assert_eq!(
        invalid(silence(vec![eq("a", "b"), eq("", "x")], now, end)),
        "invalid silence: invalid label matcher 1 in set 0: invalid label name \"\""
    );
    assert_eq!(
        invalid(silence(
            vec![eq("a", ""), m(MatchType::Regexp, "b", ".*")],
            now,
            end
        )),
        "invalid silence: matcher set 0: at least one matcher must not match the empty string"
    );
    // Upstream only counts `=` and `=~` as matching the empty string.
    s.set(silence(vec![m(MatchType::NotEqual, "c", "x")], now, end))
        .unwrap();
    assert_eq!(
        invalid(silence(vec![m(MatchType::Regexp, "a", "(")], now, end)),
        "invalid silence: invalid label matcher 0 in set 0: invalid regular expression \"(\": \
         error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(
        invalid(silence(vec![eq("a", "b")], end, now)),
        "invalid silence: end time must not be before start time"
    );
    let go_zero = Time::ZERO.instant;
    assert_eq!(
        invalid(silence(vec![eq("a", "b")], now, go_zero)),
        "invalid silence: invalid zero end timestamp"
    );

    // A zero start means "now".
    let id = s.set(silence(vec![eq("a", "b")], go_zero, end)).unwrap();
    assert_eq!(s.get(&id).unwrap().starts_at, now);

    // Classic mode restricts label names.
    let (classic, _) = store(SilencesOptions {
        matcher_mode: ParseMode::Classic,
        ..Default::default()
    });
    assert_eq!(
        classic
            .set(silence(vec![eq("dotted.name", "x")], now, end))
            .unwrap_err()
            .to_string(),
        "invalid silence: invalid label matcher 0 in set 0: invalid label name \"dotted.name\""
    );
    s.set(silence(vec![eq("dotted.name", "x")], now, end))
        .unwrap();

    let mut unknown = silence(vec![eq("a", "b")], now, end);
    unknown.id = "no-such-id".to_owned();
    assert_eq!(s.set(unknown), Err(SilenceError::NotFound));
}

#[tokio::test(start_paused = true)]
async fn active_silence_updates_in_place_or_is_replaced() {
    let (s, clock) = store(SilencesOptions::default());
    let t0 = clock.now();
    let id = s
        .set(silence(vec![eq("job", "api")], t0, t0 + HOUR))
        .unwrap();
    advance(Duration::from_secs(600)).await;
    let now = clock.now();

    // Same matchers, same start (to the second), end extended: same ID.
    let mut extended = s.get(&id).unwrap();
    extended.ends_at = now + 2 * HOUR;
    extended.starts_at = t0 + Duration::from_millis(300);
    extended.comment = "longer".to_owned();
    assert_eq!(s.set(extended).unwrap(), id);
    let stored = s.get(&id).unwrap();
    assert_eq!(stored.ends_at, now + 2 * HOUR);
    assert_eq!(stored.comment, "longer");
    assert_eq!(stored.updated_at, now);
    assert_eq!(s.len(), 1);

    // An end in the past cannot be written in place: new ID, old expired now.
    let mut shortened = s.get(&id).unwrap();
    shortened.ends_at = now - Duration::from_secs(1);
    shortened.starts_at = t0;
    let new_id = s.set(shortened).unwrap();
    assert_ne!(new_id, id);
    assert_eq!(s.get(&id).unwrap().ends_at, now);
    assert_eq!(
        s.get(&id).unwrap().state(now + Duration::from_nanos(1)),
        SilenceState::Expired
    );

    // Changed matchers: new ID, and the previous one is expired.
    let mut changed = s.get(&new_id).unwrap();
    changed.matcher_sets = vec![vec![eq("job", "web")]];
    changed.ends_at = now + HOUR;
    let third = s.set(changed).unwrap();
    assert_ne!(third, new_id);
    assert_eq!(
        s.get(&third).unwrap().starts_at,
        now,
        "a replacement starts now at the earliest"
    );
}

#[tokio::test(start_paused = true)]
async fn pending_and_expired_silences() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    let pending = s
        .set(silence(vec![eq("job", "api")], now + HOUR, now + 2 * HOUR))
        .unwrap();

    // A pending silence may move its start as long as it stays in the future.
    let mut later = s.get(&pending).unwrap();
    later.starts_at = now + 90 * Duration::from_secs(60);
    assert_eq!(s.set(later).unwrap(), pending);
    assert_eq!(
        s.get(&pending).unwrap().starts_at,
        now + 90 * Duration::from_secs(60)
    );

    // ... but a start in the past makes a new silence; the pending one is
    // expired by setting both ends to now.
    let mut started = s.get(&pending).unwrap();
    started.starts_at = now - Duration::from_secs(60);
    let replaced = s.set(started).unwrap();
    assert_ne!(replaced, pending);
    let old = s.get(&pending).unwrap();
    assert_eq!((old.starts_at, old.ends_at), (now, now));
    assert_eq!(s.get(&replaced).unwrap().starts_at, now);

    // An expired silence is never updated; the replacement leaves it alone.
    s.expire(&replaced).unwrap();
    advance(Duration::from_secs(1)).await;
    let expired_before = s.get(&replaced).unwrap();
    let mut revive = expired_before.clone();
    revive.ends_at = clock.now() + HOUR;
    let revived = s.set(revive).unwrap();
    assert_ne!(revived, replaced);
    assert_eq!(s.get(&replaced).unwrap(), expired_before);
}

#[tokio::test(start_paused = true)]
async fn expire_and_states() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    let active = s.set(silence(vec![eq("a", "1")], now, now + HOUR)).unwrap();
    let pending = s
        .set(silence(vec![eq("a", "2")], now + HOUR, now + 2 * HOUR))
        .unwrap();
    assert_eq!(
        s.count_states(now),
        StateCounts {
            active: 1,
            pending: 1,
            expired: 0
        }
    );

    advance(Duration::from_secs(10)).await;
    let t = clock.now();
    s.expire(&active).unwrap();
    s.expire(&pending).unwrap();
    let a = s.get(&active).unwrap();
    assert_eq!((a.starts_at, a.ends_at, a.updated_at), (now, t, t));
    let p = s.get(&pending).unwrap();
    assert_eq!((p.starts_at, p.ends_at), (t, t));

    // At exactly ends_at the engine still counts it active, the API not.
    assert_eq!(a.state(t), SilenceState::Active);
    assert_eq!(a.api_state(t), SilenceState::Expired);
    assert!(s.silenced_by(&labels(&[("a", "1")]), t).len() == 1);
    assert!(
        s.silenced_by(&labels(&[("a", "1")]), t + Duration::from_nanos(1))
            .is_empty()
    );

    // Expiring an expired silence changes nothing; unknown IDs are errors.
    advance(Duration::from_secs(1)).await;
    s.expire(&active).unwrap();
    assert_eq!(s.get(&active).unwrap().updated_at, t);
    assert_eq!(s.expire("nope"), Err(SilenceError::NotFound));
}

#[tokio::test(start_paused = true)]
async fn gc_after_retention() {
    let (s, clock) = store(SilencesOptions {
        retention: HOUR,
        ..Default::default()
    });
    let now = clock.now();
    let id = s
        .set(silence(
            vec![eq("a", "1")],
            now,
            now + Duration::from_secs(60),
        ))
        .unwrap();
    advance(Duration::from_secs(60) + HOUR - Duration::from_secs(1)).await;
    assert_eq!(s.gc(), 0);
    assert!(
        s.get(&id).is_some(),
        "expired silences stay visible during the retention"
    );
    advance(Duration::from_secs(1)).await;
    let version = s.version();
    assert_eq!(s.gc(), 1);
    assert!(s.get(&id).is_none());
    assert!(s.is_empty());
    assert_ne!(s.version(), version);
}

#[tokio::test(start_paused = true)]
async fn limits() {
    let (s, clock) = store(SilencesOptions {
        max_silences: 2,
        ..Default::default()
    });
    let now = clock.now();
    let first = s.set(silence(vec![eq("a", "1")], now, now + HOUR)).unwrap();
    let second = s.set(silence(vec![eq("a", "2")], now, now + HOUR)).unwrap();
    s.expire(&first).unwrap();
    advance(Duration::from_secs(1)).await;
    assert_eq!(
        s.set(silence(vec![eq("a", "3")], now, now + HOUR))
            .unwrap_err()
            .to_string(),
        "exceeded maximum number of silences: 2 (limit: 2)",
        "expired silences count"
    );
    // An in-place update needs no new slot ...
    let mut update = s.get(&second).unwrap();
    update.comment = "x".to_owned();
    assert_eq!(s.set(update).unwrap(), second);
    // ... but changing an expired silence creates one.
    let mut revive = s.get(&first).unwrap();
    revive.ends_at = now + HOUR;
    assert!(matches!(
        s.set(revive),
        Err(SilenceError::TooMany { count: 2, limit: 2 })
    ));

    let (small, clock) = store(SilencesOptions {
        max_silence_size_bytes: 150,
        ..Default::default()
    });
    let now = clock.now();
    let mut big = silence(vec![eq("a", "1")], now, now + HOUR);
    big.comment = "x".repeat(200);
    let err = small.set(big).unwrap_err();
    let SilenceError::TooLarge { size, limit } = err.clone() else {
        panic!("{err}")
    };
    assert_eq!(limit, 150);
    assert!(size > 200, "{size}");
    assert_eq!(
        err.to_string(),
        format!("silence exceeded maximum size: {size} bytes (limit: 150 bytes)")
    );
    small
        .set(silence(vec![eq("a", "1")], now, now + HOUR))
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn api_query_filters_by_exact_matchers_and_orders_by_state() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    let active_late = s
        .set(silence(
            vec![eq("job", "api"), eq("env", "prod")],
            now,
            now + 3 * HOUR,
        ))
        .unwrap();
    let active_soon = s
        .set(silence(vec![eq("job", "api")], now, now + HOUR))
        .unwrap();
    let pending_late = s
        .set(silence(
            vec![eq("job", "api")],
            now + 2 * HOUR,
            now + 5 * HOUR,
        ))
        .unwrap();
    let pending_soon = s
        .set(silence(vec![eq("job", "api")], now + HOUR, now + 5 * HOUR))
        .unwrap();
    let expired_early = s
        .set(silence(vec![eq("job", "api")], now, now + HOUR))
        .unwrap();
    let expired_late = s
        .set(silence(
            vec![m(MatchType::Regexp, "job", "api")],
            now,
            now + HOUR,
        ))
        .unwrap();
    s.expire(&expired_early).unwrap();
    advance(Duration::from_secs(60)).await;
    s.expire(&expired_late).unwrap();
    let now = clock.now();

    let all = [
        SilenceState::Active,
        SilenceState::Pending,
        SilenceState::Expired,
    ];
    let ids = |found: Vec<Silence>| found.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.query(&all, &[], now)),
        [
            &active_soon,
            &active_late,
            &pending_soon,
            &pending_late,
            &expired_late,
            &expired_early
        ]
        .map(String::as_str)
    );
    // Exact matcher equality, not label matching.
    let equal_api = Matcher::new(MatchType::Equal, "job", "api").unwrap();
    let regex_api = Matcher::new(MatchType::Regexp, "job", "api").unwrap();
    let regex_any = Matcher::new(MatchType::Regexp, "job", ".*").unwrap();
    assert_eq!(
        ids(s.query(&all, std::slice::from_ref(&regex_api), now)),
        [expired_late.as_str()]
    );
    assert!(s.query(&all, &[regex_any], now).is_empty());
    let prod = Matcher::new(MatchType::Equal, "env", "prod").unwrap();
    assert_eq!(
        ids(s.query(&all, &[equal_api.clone(), prod], now)),
        [active_late.as_str()]
    );
    assert_eq!(
        ids(s.query(&[SilenceState::Pending], &[equal_api], now)),
        [pending_soon.as_str(), pending_late.as_str()]
    );
    assert!(s.query(&[], &[], now).is_empty());
}

#[tokio::test(start_paused = true)]
async fn silenced_by_reports_active_matching_silences_in_creation_order() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    let by_regex = s
        .set(silence(
            vec![m(MatchType::Regexp, "instance", "web-.*")],
            now,
            now + HOUR,
        ))
        .unwrap();
    let by_equal = s
        .set(silence(
            vec![eq("job", "api"), m(MatchType::NotEqual, "env", "dev")],
            now,
            now + HOUR,
        ))
        .unwrap();
    s.set(silence(vec![eq("job", "api")], now + HOUR, now + 2 * HOUR))
        .unwrap(); // pending
    let mut two_sets = silence(vec![eq("job", "db")], now, now + HOUR);
    two_sets
        .matcher_sets
        .push(vec![m(MatchType::NotRegexp, "instance", "")]);
    let by_second_set = s.set(two_sets).unwrap();
    let version = s.version();

    let alert = labels(&[("job", "api"), ("instance", "web-1"), ("env", "prod")]);
    assert_eq!(
        s.silenced_by(&alert, now),
        [by_regex.as_str(), by_equal.as_str(), by_second_set.as_str()]
    );
    let dev = labels(&[("job", "api"), ("instance", "db-1"), ("env", "dev")]);
    assert_eq!(s.silenced_by(&dev, now), [by_second_set.as_str()]);
    assert!(
        s.silenced_by(&labels(&[("job", "api"), ("env", "dev")]), now)
            .is_empty()
    );
    assert_eq!(s.version(), version, "queries do not change the version");

    s.expire(&by_equal).unwrap();
    assert_ne!(s.version(), version);
    advance(Duration::from_secs(1)).await;
    assert_eq!(
        s.silenced_by(&alert, clock.now()),
        [by_regex.as_str(), by_second_set.as_str()]
    );
}

#[tokio::test(start_paused = true)]
async fn silenced_by_stays_fast_with_many_silences_and_alerts() {
    let (s, clock) = store(SilencesOptions::default());
    let now = clock.now();
    for i in 0..9_980 {
        s.set(silence(
            vec![eq("instance", &format!("host-{i}")), eq("job", "node")],
            now,
            now + HOUR,
        ))
        .unwrap();
    }
    for i in 0..20 {
        s.set(silence(
            vec![m(MatchType::Regexp, "pod", &format!("web-{i}-.*"))],
            now,
            now + HOUR,
        ))
        .unwrap();
    }
    let started = StdInstant::now();
    let mut silenced = 0;
    for i in 0..100_000 {
        let alert = labels(&[
            ("alertname", "Down"),
            ("instance", &format!("host-{}", i % 20_000)),
            ("job", "node"),
            ("pod", &format!("web-{}-x", i % 1000)),
        ]);
        if !s.silenced_by(&alert, now).is_empty() {
            silenced += 1;
        }
    }
    let elapsed = started.elapsed();
    let expected = (0..100_000)
        .filter(|i| i % 20_000 < 9_980 || i % 1000 < 20)
        .count();
    assert_eq!(silenced, expected);
    assert!(
        elapsed < Duration::from_secs(20),
        "100k lookups took {elapsed:?}"
    );
}

// ---------------------------------------------------------------------------
// Inhibition.

fn rule(source: Vec<Matcher>, target: Vec<Matcher>, equal: &[&str]) -> InhibitRule {
    InhibitRule {
        name: None,
        source_matchers: source,
        target_matchers: target,
        equal: equal.iter().map(|s| s.to_string()).collect(),
        ..InhibitRule::default()
    }
}

fn meq(name: &str, value: &str) -> Matcher {
    Matcher::new(MatchType::Equal, name, value).unwrap()
}

fn source_alert(pairs: &[(&str, &str)], ends_at: Timestamp) -> Alert {
    Alert {
        labels: labels(pairs),
        annotations: LabelSet::new(),
        starts_at: Time::utc(ts(START)),
        ends_at: Time::utc(ends_at),
        generator_url: String::new(),
        updated_at: Time::utc(ts(START)),
        timeout: false,
    }
}

#[test]
fn inhibition_needs_equal_labels_and_treats_missing_as_empty() {
    let now = ts(START);
    let later = ts("2026-03-02T11:00:00Z");
    let inhibitor = Inhibitor::new(&[rule(
        vec![meq("severity", "critical")],
        vec![meq("severity", "warning")],
        &["cluster", "zone"],
    )]);
    let source = source_alert(
        &[
            ("alertname", "Down"),
            ("severity", "critical"),
            ("cluster", "a"),
        ],
        later,
    );
    inhibitor.observe(&StoredAlert::pack(&source));

    // Missing `zone` on both sides counts as equal ("" == "").
    let target = labels(&[
        ("alertname", "Slow"),
        ("severity", "warning"),
        ("cluster", "a"),
    ]);
    assert_eq!(
        inhibitor.inhibited_by(&target, now),
        Some(source.labels.fingerprint())
    );
    // An explicitly empty value is the same as a missing one.
    let empty_zone = labels(&[("severity", "warning"), ("cluster", "a"), ("zone", "")]);
    assert!(inhibitor.inhibited_by(&empty_zone, now).is_some());
    // Different equal-label values.
    assert_eq!(
        inhibitor.inhibited_by(&labels(&[("severity", "warning"), ("cluster", "b")]), now),
        None
    );
    assert_eq!(
        inhibitor.inhibited_by(
            &labels(&[("severity", "warning"), ("cluster", "a"), ("zone", "z1")]),
            now
        ),
        None
    );
    // Target side does not match.
    assert_eq!(
        inhibitor.inhibited_by(&labels(&[("severity", "info"), ("cluster", "a")]), now),
        None
    );
    // A resolved source inhibits nothing.
    assert_eq!(inhibitor.inhibited_by(&target, later), None);
}

#[test]
fn no_self_inhibition_when_both_sides_match() {
    let now = ts(START);
    let later = ts("2026-03-02T11:00:00Z");
    // Source: any alert of team x; target: any alert of team x. Equal on alertname.
    let inhibitor = Inhibitor::new(&[rule(
        vec![meq("team", "x")],
        vec![meq("team", "x")],
        &["alertname"],
    )]);
    let a = source_alert(
        &[("alertname", "A"), ("team", "x"), ("instance", "1")],
        later,
    );
    inhibitor.observe(&StoredAlert::pack(&a));
    // T matches the source side too; S matches the target side: no inhibition.
    assert_eq!(
        inhibitor.inhibited_by(
            &labels(&[("alertname", "A"), ("team", "x"), ("instance", "2")]),
            now
        ),
        None
    );

    // A source that does not match the target side does inhibit a two-sided T.
    let inhibitor = Inhibitor::new(&[rule(
        vec![Matcher::new(MatchType::Regexp, "severity", "critical|page").unwrap()],
        vec![Matcher::new(MatchType::Regexp, "severity", "critical|warning").unwrap()],
        &["alertname"],
    )]);
    let both_sides = source_alert(&[("alertname", "A"), ("severity", "critical")], later);
    let source_only = source_alert(&[("alertname", "A"), ("severity", "page")], later);
    inhibitor.observe(&StoredAlert::pack(&both_sides));
    let t = labels(&[("alertname", "A"), ("severity", "critical"), ("x", "1")]);
    assert_eq!(inhibitor.inhibited_by(&t, now), None);
    inhibitor.observe(&StoredAlert::pack(&source_only));
    assert_eq!(
        inhibitor.inhibited_by(&t, now),
        Some(source_only.labels.fingerprint())
    );
    // A target that is not a source is inhibited by either.
    assert!(
        inhibitor
            .inhibited_by(&labels(&[("alertname", "A"), ("severity", "warning")]), now)
            .is_some()
    );
}

#[test]
fn another_source_with_the_same_tuple_takes_over_when_the_latest_resolves() {
    let now = ts(START);
    let inhibitor = Inhibitor::new(&[rule(
        vec![meq("alertname", "Down")],
        vec![meq("alertname", "Slow")],
        &["dc"],
    )]);
    let long = source_alert(
        &[("alertname", "Down"), ("dc", "1"), ("host", "a")],
        ts("2026-03-02T12:00:00Z"),
    );
    let short = source_alert(
        &[("alertname", "Down"), ("dc", "1"), ("host", "b")],
        ts("2026-03-02T11:00:00Z"),
    );
    inhibitor.observe(&StoredAlert::pack(&long));
    inhibitor.observe(&StoredAlert::pack(&short));
    let target = labels(&[("alertname", "Slow"), ("dc", "1")]);
    assert_eq!(
        inhibitor.inhibited_by(&target, now),
        Some(long.labels.fingerprint())
    );

    // The longer one resolves now (an update with an earlier end).
    let mut resolved_long = long.clone();
    resolved_long.ends_at = Time::utc(now);
    inhibitor.observe(&StoredAlert::pack(&resolved_long));
    assert_eq!(
        inhibitor.inhibited_by(&target, now),
        Some(short.labels.fingerprint())
    );

    // GC drops resolved sources only.
    assert_eq!(inhibitor.gc(now), 1);
    assert_eq!(
        inhibitor.inhibited_by(&target, now),
        Some(short.labels.fingerprint())
    );
    assert_eq!(inhibitor.gc(ts("2026-03-02T11:00:00Z")), 1);
    assert_eq!(inhibitor.inhibited_by(&target, now), None);
}

#[test]
fn first_matching_rule_wins_and_empty_rules_do_not_crash() {
    let now = ts(START);
    let later = ts("2026-03-02T11:00:00Z");
    let inhibitor = Inhibitor::new(&[
        InhibitRule::default(),
        rule(
            vec![meq("alertname", "Down")],
            vec![meq("alertname", "Slow")],
            &[],
        ),
    ]);
    let src = source_alert(&[("alertname", "Down")], later);
    inhibitor.observe(&StoredAlert::pack(&src));
    assert_eq!(
        inhibitor.inhibited_by(&labels(&[("alertname", "Slow")]), now),
        Some(src.labels.fingerprint())
    );
    // The empty rule matches everything on both sides, so it never inhibits.
    assert_eq!(
        inhibitor.inhibited_by(&labels(&[("alertname", "Other")]), now),
        None
    );
    assert_eq!(inhibitor.inhibited_by(&src.labels, now), None);

    // A source with no end (Go zero time) never resolves.
    let endless = Inhibitor::new(&[rule(
        vec![meq("alertname", "Down")],
        vec![meq("alertname", "Slow")],
        &[],
    )]);
    let mut forever = src.clone();
    forever.ends_at = Time::ZERO;
    endless.observe(&StoredAlert::pack(&forever));
    assert!(
        endless
            .inhibited_by(
                &labels(&[("alertname", "Slow")]),
                ts("2030-01-01T00:00:00Z")
            )
            .is_some()
    );
}
