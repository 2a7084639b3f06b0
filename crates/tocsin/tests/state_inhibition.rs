//! Inhibition as upstream applies it, black-box against the real
//! `tocsin alertmanager` binary (reference §1.5, §3.4, §3.8, §7):
//! upstream's acceptance scenarios `TestInhibiting`, `TestAlwaysInhibiting`
//! and `TestEmptyInhibitionRule`, `equal` across two clusters (a label
//! missing on both sides counts as equal), and an alert matching both sides
//! of a rule never inhibiting itself or its likes. The API's `inhibitedBy`
//! (the source's fingerprint) and `state` are checked after each step.
//!
//! Schedules are anchored on the first notification F (upstream anchors
//! them on its ticks); windows are a few hundred ms wide. The scenarios
//! run concurrently.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{
    Delivery, Outcome, Server, Webhook, alert_json, at, ensure, run_concurrently, wall_clock,
};

fn config(url: &str, rules: &str) -> String {
    format!(
        "route:\n  receiver: hook\n  group_by: []\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1s\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{url}'\ninhibit_rules:\n{rules}"
    )
}

/// The rule of upstream's inhibition acceptance tests.
const JOB_DOWN_RULE: &str = "- source_match:\n    alertname: JobDown\n  target_match:\n    alertname: InstanceDown\n  equal:\n    - job\n    - zone\n";

fn alert_set(d: &Delivery) -> Vec<String> {
    let mut a = d.alerts();
    a.sort();
    a
}

fn describe(deliveries: &[Delivery], t0: Instant) -> String {
    deliveries
        .iter()
        .map(|d| format!("  {:.2}s {:?}", d.since(t0), alert_set(d)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each `(offset, alerts)` must arrive within `[offset - 0.3, offset +
/// 0.45]` s of `t0` with exactly `alerts`; nothing else before the last
/// window closes.
fn expect_schedule(hook: &Webhook, t0: Instant, want: &[(f64, &[&str])]) -> Outcome {
    let end = want.last().map_or(0.0, |(t, _)| t + 0.45);
    at(t0, end);
    let limit = t0 + Duration::from_secs_f64(end);
    let got: Vec<Delivery> = hook
        .deliveries()
        .into_iter()
        .filter(|d| d.at < limit)
        .collect();
    let matches = got.len() == want.len()
        && got.iter().zip(want).all(|(d, (t, alerts))| {
            let s = d.since(t0);
            let mut alerts: Vec<String> = alerts.iter().map(|a| (*a).to_owned()).collect();
            alerts.sort();
            s >= t - 0.3 && s <= t + 0.45 && alert_set(d) == alerts
        });
    ensure(matches, || {
        format!(
            "notifications (seconds after the reference):\n{}\nexpected:\n{}",
            describe(&got, t0),
            want.iter()
                .map(|(t, a)| format!("  {t:.2}s {a:?}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Every listed alert keyed by its sorted `name=value` label pairs:
/// `(fingerprint, status)`.
fn listed(server: &Server) -> BTreeMap<String, (String, Value)> {
    let r = server.get("/api/v2/alerts");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let labels = a["labels"].as_object().cloned().unwrap_or_default();
            let mut pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            pairs.sort();
            let key = pairs.join(",");
            let fp = a["fingerprint"].as_str().unwrap_or("").to_owned();
            (key, (fp, a["status"].clone()))
        })
        .collect()
}

/// Checks, waiting up to 2 s, that exactly the alerts of `inhibited`
/// (label keys as [`listed`] spells them) are suppressed, each by one of
/// the sources given with it, and every other listed alert is active.
fn expect_inhibited(server: &Server, inhibited: &[(&str, &[&str])], step: &str) -> Outcome {
    // The inhibitor learns alerts from the store's subscription, after the
    // POST has returned (as upstream's does): allow it a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let problems = inhibition_problems(server, inhibited);
        if problems.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("{step}:\n{}", problems.join("\n")));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn inhibition_problems(server: &Server, inhibited: &[(&str, &[&str])]) -> Vec<String> {
    let alerts = listed(server);
    let mut problems = Vec::new();
    for (key, (_, status)) in &alerts {
        let want = inhibited.iter().find(|(k, _)| k == key);
        let by = status["inhibitedBy"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ok = match want {
            Some((_, sources)) => {
                let fps: Vec<String> = sources
                    .iter()
                    .filter_map(|s| alerts.get(*s).map(|(fp, _)| fp.clone()))
                    .collect();
                status["state"] == "suppressed"
                    && by.len() == 1
                    && by
                        .first()
                        .and_then(Value::as_str)
                        .is_some_and(|b| fps.iter().any(|f| f == b))
            }
            None => status["state"] == "active" && by.is_empty(),
        };
        if !ok {
            problems.push(format!(
                "  {key}: {status} (expected inhibited by {:?})",
                want.map(|w| w.1)
            ));
        }
    }
    for (key, _) in inhibited {
        if !alerts.contains_key(*key) {
            problems.push(format!("  {key}: not listed"));
        }
    }
    problems
}

fn with_times(mut alert: Value, starts: Instant, ends: Option<Instant>) -> Value {
    alert["startsAt"] = json!(wall_clock(starts).to_string());
    if let Some(ends) = ends {
        alert["endsAt"] = json!(wall_clock(ends).to_string());
    }
    alert
}

/// Upstream's `TestInhibiting`: JobDown{aa} arriving after the first
/// notification inhibits InstanceDown{aa} (same job and zone) but not
/// InstanceDown{ab}; once JobDown resolves, InstanceDown{aa} is notified
/// again together with the resolved JobDown.
fn inhibiting() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook.url("/"), JOB_DOWN_RULE), &[]);
    let t0 = Instant::now();
    let zone = |name: &str, z: &str| alert_json(name, &[("job", "testjob"), ("zone", z)]);
    server.post_alerts(&json!([
        with_times(zone("test1", "aa"), t0, None),
        with_times(zone("InstanceDown", "aa"), t0, None),
        with_times(zone("InstanceDown", "ab"), t0, None),
    ]));
    let first = hook.wait_for(1, Duration::from_secs(4));
    let f = first.first().ok_or("no first notification")?.at;
    expect_inhibited(&server, &[], "before JobDown")?;

    at(f, 0.2);
    let job_down_start = f + Duration::from_millis(200);
    server.post_alerts(&json!([with_times(
        zone("JobDown", "aa"),
        job_down_start,
        None
    )]));
    let instance_aa = "alertname=InstanceDown,job=testjob,zone=aa";
    let job_down = "alertname=JobDown,job=testjob,zone=aa";
    expect_inhibited(&server, &[(instance_aa, &[job_down])], "JobDown firing")?;
    let uninhibited = server.get("/api/v2/alerts?inhibited=false").json();
    ensure(uninhibited.as_array().map(Vec::len) == Some(3), || {
        format!("?inhibited=false while JobDown fires: {uninhibited}")
    })?;

    at(f, 1.6);
    let resolved_at = f + Duration::from_millis(1600);
    server.post_alerts(&json!([with_times(
        zone("JobDown", "aa"),
        job_down_start,
        Some(resolved_at)
    )]));
    expect_inhibited(&server, &[], "JobDown resolved")?;

    let test1 = "test1{job=testjob,zone=aa}:firing";
    let aa = "InstanceDown{job=testjob,zone=aa}:firing";
    let ab = "InstanceDown{job=testjob,zone=ab}:firing";
    expect_schedule(
        &hook,
        f,
        &[
            (0.0, &[test1, aa, ab]),
            (1.0, &[test1, ab, "JobDown{job=testjob,zone=aa}:firing"]),
            (
                2.0,
                &[test1, aa, ab, "JobDown{job=testjob,zone=aa}:resolved"],
            ),
        ],
    )?;
    let inhibited =
        server.metric("alertmanager_notifications_suppressed_total{reason=\"inhibition\"}");
    ensure(inhibited.is_some_and(|v| v >= 1.0), || {
        format!("suppressed-by-inhibition counter: {inhibited:?}")
    })
}

/// Upstream's `TestAlwaysInhibiting`: source and target fire and resolve
/// together; only the source is notified while firing, and the final
/// notification carries both resolved alerts.
fn always_inhibiting() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook.url("/"), JOB_DOWN_RULE), &[]);
    let t0 = Instant::now();
    let zone = |name: &str| alert_json(name, &[("job", "testjob"), ("zone", "aa")]);
    server.post_alerts(&json!([
        with_times(zone("InstanceDown"), t0, None),
        with_times(zone("JobDown"), t0, None),
    ]));
    expect_inhibited(
        &server,
        &[(
            "alertname=InstanceDown,job=testjob,zone=aa",
            &["alertname=JobDown,job=testjob,zone=aa"],
        )],
        "both firing",
    )?;
    let first = hook.wait_for(1, Duration::from_secs(4));
    let f = first.first().ok_or("no first notification")?.at;
    at(f, 0.6);
    let ends = f + Duration::from_millis(600);
    server.post_alerts(&json!([
        with_times(zone("JobDown"), t0, Some(ends)),
        with_times(zone("InstanceDown"), t0, Some(ends)),
    ]));
    expect_schedule(
        &hook,
        f,
        &[
            (0.0, &["JobDown{job=testjob,zone=aa}:firing"]),
            (
                1.0,
                &[
                    "InstanceDown{job=testjob,zone=aa}:resolved",
                    "JobDown{job=testjob,zone=aa}:resolved",
                ],
            ),
        ],
    )
}

/// Upstream's `TestEmptyInhibitionRule` (`inhibit_rules: [ - ]`): the
/// server starts and keeps serving; and, checked beyond upstream's test,
/// the empty rule (every alert is both source and target) inhibits nothing,
/// since an alert matching both sides is never inhibited by another that
/// does too.
fn empty_inhibition_rule() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook.url("/"), "-\n"), &[]);
    ensure(
        server.metric("alertmanager_inhibition_rules") == Some(1.0),
        || {
            format!(
                "inhibition rules gauge {:?}",
                server.metric("alertmanager_inhibition_rules")
            )
        },
    )?;
    at(Instant::now(), 1.5);
    ensure(hook.deliveries().is_empty(), || {
        "no alerts, no notifications".into()
    })?;
    let t0 = Instant::now();
    server.post_alerts(&json!([
        alert_json("A", &[]),
        alert_json("B", &[("x", "y")])
    ]));
    expect_inhibited(&server, &[], "empty rule")?;
    expect_schedule(&hook, t0, &[(1.0, &["A:firing", "B{x=y}:firing"])])?;
    let healthy = server.get("/-/healthy");
    ensure(healthy.status == 200, || {
        format!("healthy: {}", healthy.status)
    })
}

/// `equal: [cluster, dc]` with a source in cluster a only: the warning in
/// cluster a without `dc` is inhibited (dc missing on both sides counts as
/// equal), the one with `dc=x` and the one in cluster b are not; a second
/// source in cluster b then inhibits cluster b's warning too.
fn equal_across_two_clusters() -> Outcome {
    let hook = Webhook::start();
    let rule = "- source_matchers: [alertname=ClusterDown]\n  target_matchers: [severity=warning]\n  equal: [cluster, dc]\n";
    let server = Server::start(&config(&hook.url("/"), rule), &[]);
    let t0 = Instant::now();
    server.post_alerts(&json!([
        alert_json("ClusterDown", &[("cluster", "a"), ("severity", "critical")]),
        alert_json("Warn", &[("cluster", "a"), ("severity", "warning")]),
        alert_json(
            "WarnDc",
            &[("cluster", "a"), ("dc", "x"), ("severity", "warning")]
        ),
        alert_json("WarnB", &[("cluster", "b"), ("severity", "warning")]),
        alert_json("Crit", &[("cluster", "a"), ("severity", "critical")]),
    ]));
    let source_a = "alertname=ClusterDown,cluster=a,severity=critical";
    let warn_a = "alertname=Warn,cluster=a,severity=warning";
    expect_inhibited(&server, &[(warn_a, &[source_a])], "source in cluster a")?;
    let grouped_warn = || {
        let groups = server.get("/api/v2/alerts/groups").json();
        let state = groups[0]["alerts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["labels"]["alertname"] == "Warn")
            .map(|a| a["status"]["state"].clone());
        (state, groups)
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    let (mut state, mut groups) = grouped_warn();
    while state != Some(json!("suppressed")) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(25));
        (state, groups) = grouped_warn();
    }
    ensure(state == Some(json!("suppressed")), || {
        format!("Warn in /alerts/groups: {groups}")
    })?;
    expect_schedule(
        &hook,
        t0,
        &[(
            1.0,
            &[
                "ClusterDown{cluster=a,severity=critical}:firing",
                "Crit{cluster=a,severity=critical}:firing",
                "WarnB{cluster=b,severity=warning}:firing",
                "WarnDc{cluster=a,dc=x,severity=warning}:firing",
            ],
        )],
    )?;

    server.post_alerts(&json!([alert_json(
        "ClusterDown",
        &[("cluster", "b"), ("severity", "critical")]
    )]));
    expect_inhibited(
        &server,
        &[
            (warn_a, &[source_a]),
            (
                "alertname=WarnB,cluster=b,severity=warning",
                &["alertname=ClusterDown,cluster=b,severity=critical"],
            ),
        ],
        "sources in both clusters",
    )
}

/// An alert matching both sides of a rule does not inhibit itself, nor
/// another alert matching both sides; an alert matching only the target
/// side is inhibited by one of them (upstream indexes one source per
/// `equal` value, so which one is not specified), and only on its own
/// instance; a later source matching only the source side inhibits all
/// three.
fn no_self_inhibition() -> Outcome {
    let hook = Webhook::start();
    let rule = "- source_matchers: [severity=critical]\n  target_matchers: ['alertname=~Node.*']\n  equal: [instance]\n";
    let server = Server::start(&config(&hook.url("/"), rule), &[]);
    let node_down = "alertname=NodeDown,instance=1,severity=critical";
    let node_hot = "alertname=NodeHot,instance=1,severity=critical";
    server.post_alerts(&json!([alert_json(
        "NodeDown",
        &[("instance", "1"), ("severity", "critical")]
    )]));
    expect_inhibited(&server, &[], "one alert matching both sides")?;
    server.post_alerts(&json!([
        alert_json("NodeHot", &[("instance", "1"), ("severity", "critical")]),
        alert_json("NodeCpu", &[("instance", "1"), ("severity", "warning")]),
        alert_json("NodeCpu", &[("instance", "2"), ("severity", "warning")]),
    ]));
    expect_inhibited(
        &server,
        &[(
            "alertname=NodeCpu,instance=1,severity=warning",
            &[node_down, node_hot],
        )],
        "two alerts matching both sides and two targets",
    )?;
    // A source matching only the source side, resolving last, inhibits
    // them all (0.34 indexes the source resolving last; 0.25 scanned all).
    server.post_alerts(&json!([alert_json(
        "Other",
        &[("instance", "1"), ("severity", "critical")]
    )]));
    let other = "alertname=Other,instance=1,severity=critical";
    expect_inhibited(
        &server,
        &[
            (node_down, &[other]),
            (node_hot, &[other]),
            ("alertname=NodeCpu,instance=1,severity=warning", &[other]),
        ],
        "a one-sided source",
    )
}

#[test]
fn inhibition_acceptance_scenarios() {
    run_concurrently(vec![
        ("TestInhibiting", inhibiting),
        ("TestAlwaysInhibiting", always_inhibiting),
        ("TestEmptyInhibitionRule", empty_inhibition_rule),
        ("equal across two clusters", equal_across_two_clusters),
        ("no self-inhibition", no_self_inhibition),
    ]);
}
