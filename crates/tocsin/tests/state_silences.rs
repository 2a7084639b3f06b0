//! Silences as upstream applies them, black-box against the real
//! `tocsin alertmanager` binary (reference §2.4, §3.4, §3.8, §3.9, §7):
//! upstream's acceptance scenarios `TestSilencing` (a pending silence takes
//! effect on time and ends on time), `TestSilenceDelete` (expiring lets the
//! next group_interval tick notify) and `TestAlertGetReturnsCurrentAlertStatus`
//! (the API predicts status at query time), plus a scenario checking that a
//! silence suppresses exactly the alerts its matchers select, with the
//! API's `silencedBy` / `state` in `/api/v2/alerts` and
//! `/api/v2/alerts/groups` after each step.
//!
//! Timers are short (group_wait/group_interval 1s) and windows a few
//! hundred ms wide; schedules are anchored on the first notification where
//! upstream anchors them on its ticks, so a slow start does not shift the
//! expectations. The scenarios run concurrently.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{
    Delivery, Outcome, Server, Webhook, alert_json, at, ensure, matcher, run_concurrently,
    silence_json, sorted_strings, wall_clock,
};

fn hook_config(url: &str, route: &str) -> String {
    format!(
        "route:\n  receiver: hook\n{route}\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{url}'\n"
    )
}

fn alert_set(d: &Delivery) -> Vec<String> {
    let mut a = d.alerts();
    a.sort();
    a
}

/// Deliveries that arrived before `t0 + seconds`.
fn arrived_before(hook: &Webhook, t0: Instant, seconds: f64) -> Vec<Delivery> {
    let limit = t0 + Duration::from_secs_f64(seconds);
    hook.deliveries()
        .into_iter()
        .filter(|d| d.at < limit)
        .collect()
}

fn describe(deliveries: &[Delivery], t0: Instant) -> String {
    deliveries
        .iter()
        .map(|d| {
            format!(
                "  {:.2}s {:?} ({})",
                d.since(t0),
                alert_set(d),
                d.body["notification_reason"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a sequence of notifications: each `(offset, alerts)` must arrive
/// within `[offset - 0.3, offset + 0.45]` seconds of `t0` carrying exactly
/// `alerts`, and nothing else may arrive before the last window closes.
fn expect_schedule(hook: &Webhook, t0: Instant, want: &[(f64, &[&str])]) -> Outcome {
    let end = want.last().map_or(0.0, |(t, _)| t + 0.45);
    at(t0, end);
    let got = arrived_before(hook, t0, end);
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

fn state_of(
    statuses: &std::collections::BTreeMap<String, Value>,
    name: &str,
) -> (String, Vec<String>) {
    statuses
        .get(name)
        .map_or((String::from("<missing>"), Vec::new()), |s| {
            (
                s["state"].as_str().unwrap_or("").to_owned(),
                sorted_strings(&s["silencedBy"]),
            )
        })
}

/// `(state, silencedBy)` of `name` in both `/alerts` and `/alerts/groups`.
fn expect_status(
    server: &Server,
    name: &str,
    state: &str,
    silenced_by: &[&str],
    step: &str,
) -> Outcome {
    let mut want: Vec<String> = silenced_by.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    let want = (state.to_owned(), want);
    let listed = state_of(&server.alert_statuses(""), name);
    // Groups appear once the dispatcher has taken the alerts in: allow it
    // a moment.
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut grouped = state_of(&server.group_alert_statuses(""), name);
    while grouped != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        grouped = state_of(&server.group_alert_statuses(""), name);
    }
    ensure(listed == want && grouped == want, || {
        format!(
            "{step}: {name} (state, silencedBy) in /alerts {listed:?}, in /alerts/groups {grouped:?}, expected {want:?}"
        )
    })
}

fn silence_state(server: &Server, id: &str) -> Result<String, String> {
    Ok(server.silence(id)?["status"]["state"]
        .as_str()
        .unwrap_or("")
        .to_owned())
}

fn expect_silence_state(server: &Server, id: &str, want: &str, step: &str) -> Outcome {
    let got = silence_state(server, id)?;
    ensure(got == want, || {
        format!("{step}: silence {id} is {got:?}, expected {want:?}")
    })
}

/// Upstream's `TestSilencing`, anchored on the first notification F: a
/// silence for test1 created at ≈F+0.1 for [F+0.5, F+2.5] is pending at
/// first, mutes test1 at the ticks F+1 and F+2 (repeat_interval 1ms resends
/// test2 each tick) and lets it through again at F+3.
fn pending_silence_takes_effect_on_time() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(
            &hook.url("/"),
            "  group_by: []\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1ms",
        ),
        &[],
    );
    let t0 = Instant::now();
    server.post_alerts(&json!([alert_json("test1", &[]), alert_json("test2", &[])]));
    let first = hook.wait_for(1, Duration::from_secs(4));
    let f = first.first().ok_or("no first notification")?.at;
    let first_at = first.first().map_or(0.0, |d| d.since(t0));
    ensure((0.8..=1.9).contains(&first_at), || {
        format!("first notification at {first_at:.2}s, expected after group_wait (1s)")
    })?;

    let starts = f + Duration::from_millis(500);
    let ends = f + Duration::from_millis(2500);
    let id = server.post_silence(&silence_json(
        json!([matcher("alertname", "=", "test1")]),
        wall_clock(starts),
        wall_clock(ends),
        "TestSilencing",
    ))?;
    if Instant::now() < starts - Duration::from_millis(50) {
        expect_silence_state(&server, &id, "pending", "before its start")?;
        expect_status(&server, "test1", "active", &[], "pending silence")?;
        let listed = server.get("/api/v2/silences").json();
        ensure(
            listed[0]["id"] == json!(id) && listed[0]["status"]["state"] == "pending",
            || format!("GET /silences while pending: {listed}"),
        )?;
    } else {
        eprintln!("pending silence: machine too slow to observe the pending state");
    }
    at(f, 0.75);
    expect_silence_state(&server, &id, "active", "after its start")?;
    expect_status(&server, "test1", "suppressed", &[&id], "active silence")?;
    expect_status(&server, "test2", "active", &[], "active silence")?;
    let unsilenced: Vec<String> = server
        .alert_statuses("?silenced=false")
        .into_keys()
        .collect();
    ensure(unsilenced == ["test2"], || {
        format!("?silenced=false while silenced: {unsilenced:?}")
    })?;

    at(f, 2.75);
    expect_silence_state(&server, &id, "expired", "after its end")?;
    expect_status(&server, "test1", "active", &[], "expired silence")?;

    expect_schedule(
        &hook,
        f,
        &[
            (0.0, &["test1:firing", "test2:firing"]),
            (1.0, &["test2:firing"]),
            (2.0, &["test2:firing"]),
            (3.0, &["test1:firing", "test2:firing"]),
        ],
    )?;
    let reasons: Vec<Value> = arrived_before(&hook, f, 3.45)
        .iter()
        .map(|d| d.body["notification_reason"].clone())
        .collect();
    ensure(
        reasons
            == [
                json!("first notification"),
                json!("repeat interval elapsed"),
                json!("repeat interval elapsed"),
                json!("new alerts added"),
            ],
        || format!("notification reasons {reasons:?}"),
    )
}

/// Upstream's `TestSilenceDelete`: everything silenced (`alertname=~".+"`,
/// pending for a moment) for two ticks, then the silence is deleted and the
/// next tick notifies both alerts.
fn deleted_silence_lets_the_next_tick_notify() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(
            &hook.url("/"),
            "  group_by: []\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1ms",
        ),
        &[],
    );
    let t0 = Instant::now();
    server.post_alerts(&json!([alert_json("test1", &[]), alert_json("test2", &[])]));
    at(t0, 0.3);
    let id = server.post_silence(&silence_json(
        json!([matcher("alertname", "=~", ".+")]),
        wall_clock(t0 + Duration::from_millis(500)),
        wall_clock(t0 + Duration::from_secs(100)),
        "TestSilenceDelete",
    ))?;
    at(t0, 0.7);
    expect_status(&server, "test1", "suppressed", &[&id], "silenced")?;
    expect_status(&server, "test2", "suppressed", &[&id], "silenced")?;
    at(t0, 2.5);
    let r = server.delete(&format!("/api/v2/silence/{id}"));
    ensure(r.status == 200, || {
        format!("DELETE: {} {}", r.status, r.body)
    })?;
    let deleted = wall_clock(Instant::now());
    let silence = server.silence(&id)?;
    let ends: jiff::Timestamp = silence["endsAt"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("endsAt of {silence}"))?;
    ensure(
        silence["status"]["state"] == "expired"
            && ends.duration_since(deleted).abs() < jiff::SignedDuration::from_secs(1),
        || format!("a deleted active silence ends now: {silence}"),
    )?;
    expect_status(&server, "test1", "active", &[], "after DELETE")?;
    let r = server.delete(&format!("/api/v2/silence/{id}"));
    ensure(r.status == 200, || {
        format!(
            "DELETE of an expired silence is a no-op 200: {} {}",
            r.status, r.body
        )
    })?;
    expect_schedule(&hook, t0, &[(3.0, &["test1:firing", "test2:firing"])])?;
    let silenced = server.metric("alertmanager_notifications_suppressed_total{reason=\"silence\"}");
    ensure(silenced.is_some_and(|v| v >= 2.0), || {
        format!("suppressed-by-silence counter after two muted ticks: {silenced:?}")
    })
}

/// A silence suppresses exactly the alerts its matchers (`=`, `!=`, `=~`,
/// `!~`) select; an alert under two silences lists both; a pending silence
/// mutes nothing. Notifications (repeat_interval 1h) go out only for
/// unsilenced groups; expiring a silence, or replacing it by one with other
/// matchers, lets the next group_interval tick send "first notification"
/// for the released group, while an in-place update keeps the ID and
/// keeps silencing.
fn silences_select_exactly_their_alerts() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(
            &hook.url("/"),
            "  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h",
        ),
        &[],
    );
    let now = jiff::Timestamp::now();
    let hours = |h: i64| now + jiff::SignedDuration::from_hours(h);
    let db_not_critical = json!([
        matcher("team", "=", "db"),
        matcher("severity", "!=", "critical")
    ]);
    let s_db = server.post_silence(&silence_json(db_not_critical.clone(), now, hours(3), "db"))?;
    let s_disk = server.post_silence(&silence_json(
        json!([matcher("alertname", "=~", "Disk.*")]),
        now,
        hours(1),
        "disk",
    ))?;
    let s_not_prod = server.post_silence(&silence_json(
        json!([
            matcher("team", "=", "web"),
            matcher("env", "!~", "prod|staging")
        ]),
        now,
        hours(2),
        "web outside prod",
    ))?;
    let s_pending = server.post_silence(&silence_json(
        json!([matcher("alertname", "=", "WebDown")]),
        hours(1),
        hours(2),
        "later",
    ))?;
    let t0 = Instant::now();
    server.post_alerts(&json!([
        alert_json("DiskFull", &[("team", "db"), ("severity", "warning")]),
        alert_json("DbSlow", &[("team", "db"), ("severity", "critical")]),
        alert_json(
            "DiskSlow",
            &[("team", "web"), ("severity", "critical"), ("env", "prod")]
        ),
        alert_json(
            "WebDown",
            &[("team", "web"), ("severity", "warning"), ("env", "prod")]
        ),
        alert_json("WebTest", &[("team", "web"), ("env", "test")]),
    ]));
    expect_status(
        &server,
        "DiskFull",
        "suppressed",
        &[&s_db, &s_disk],
        "start",
    )?;
    expect_status(&server, "DbSlow", "active", &[], "start")?;
    expect_status(&server, "DiskSlow", "suppressed", &[&s_disk], "start")?;
    expect_status(&server, "WebDown", "active", &[], "start (pending silence)")?;
    expect_status(&server, "WebTest", "suppressed", &[&s_not_prod], "start")?;
    let unsilenced: Vec<String> = server
        .alert_statuses("?silenced=false")
        .into_keys()
        .collect();
    ensure(unsilenced == ["DbSlow", "WebDown"], || {
        format!("?silenced=false: {unsilenced:?}")
    })?;
    let only_silenced: Vec<String> = server
        .alert_statuses("?active=false&inhibited=false")
        .into_keys()
        .collect();
    ensure(only_silenced == ["DiskFull", "DiskSlow", "WebTest"], || {
        format!("?active=false: {only_silenced:?}")
    })?;

    // Only the unsilenced groups notify.
    at(t0, 1.9);
    let mut got: Vec<Vec<String>> = hook.deliveries().iter().map(alert_set).collect();
    got.sort();
    ensure(
        got == [
            vec!["DbSlow{severity=critical,team=db}:firing".to_owned()],
            vec!["WebDown{env=prod,severity=warning,team=web}:firing".to_owned()],
        ],
        || format!("first notifications: {got:?}"),
    )?;

    // Expiring the Disk silence releases DiskSlow at the next tick;
    // DiskFull stays under the db silence.
    let r = server.delete(&format!("/api/v2/silence/{s_disk}"));
    ensure(r.status == 200, || {
        format!("DELETE: {} {}", r.status, r.body)
    })?;
    let expired_at = Instant::now();
    expect_status(&server, "DiskSlow", "active", &[], "Disk silence expired")?;
    expect_status(
        &server,
        "DiskFull",
        "suppressed",
        &[&s_db],
        "Disk silence expired",
    )?;
    let all = hook.wait_for(3, Duration::from_secs(3));
    let released = all
        .get(2)
        .ok_or("no notification after the silence expired")?;
    let after = released
        .at
        .saturating_duration_since(expired_at)
        .as_secs_f64();
    ensure(
        after <= 1.5
            && alert_set(released) == ["DiskSlow{env=prod,severity=critical,team=web}:firing"]
            && released.body["notification_reason"] == "first notification",
        || {
            format!(
                "released group: {:?} {} {after:.2}s after the expiry",
                alert_set(released),
                released.body["notification_reason"]
            )
        },
    )?;

    // Extending the db silence (same matchers and start) updates it in
    // place: same ID, still silencing.
    let current = server.silence(&s_db)?;
    let mut extended = silence_json(db_not_critical, now, hours(4), "db, extended");
    extended["id"] = json!(s_db);
    extended["startsAt"] = current["startsAt"].clone();
    let same = server.post_silence(&extended)?;
    ensure(same == s_db, || {
        format!("in-place update returned {same}, expected {s_db}")
    })?;
    expect_status(
        &server,
        "DiskFull",
        "suppressed",
        &[&s_db],
        "extended silence",
    )?;

    // Changing its matchers creates a new silence and expires the old one:
    // DiskFull is released at the next tick.
    let mut narrowed = extended.clone();
    narrowed["matchers"] = json!([matcher("team", "=", "db"), matcher("severity", "=", "none")]);
    let replacement = server.post_silence(&narrowed)?;
    let replaced_at = Instant::now();
    ensure(replacement != s_db, || {
        "changing the matchers must create a new silence".into()
    })?;
    expect_silence_state(&server, &s_db, "expired", "replaced silence")?;
    expect_silence_state(&server, &replacement, "active", "replacement")?;
    expect_status(&server, "DiskFull", "active", &[], "replaced silence")?;
    let all = hook.wait_for(4, Duration::from_secs(3));
    let released = all.get(3).ok_or("no notification after the replacement")?;
    let after = released
        .at
        .saturating_duration_since(replaced_at)
        .as_secs_f64();
    ensure(
        after <= 1.5 && alert_set(released) == ["DiskFull{severity=warning,team=db}:firing"],
        || {
            format!(
                "released DiskFull: {:?} {after:.2}s after",
                alert_set(released)
            )
        },
    )?;
    std::thread::sleep(Duration::from_millis(1500));
    ensure(hook.deliveries().len() == 4, || {
        format!(
            "unexpected notifications:\n{}",
            describe(&hook.deliveries(), t0)
        )
    })?;
    expect_silence_state(&server, &s_pending, "pending", "end")?;
    ensure(
        server.metric("alertmanager_silences{state=\"active\"}") == Some(2.0)
            && server.metric("alertmanager_silences{state=\"pending\"}") == Some(1.0)
            && server.metric("alertmanager_silences{state=\"expired\"}") == Some(2.0),
        || {
            format!(
                "alertmanager_silences gauges: {:?}",
                ["active", "pending", "expired"]
                    .map(|s| server.metric(&format!("alertmanager_silences{{state=\"{s}\"}}")))
            )
        },
    )
}

/// Upstream's `TestAlertGetReturnsCurrentAlertStatus`: with group_interval
/// 10m the pipeline does not run again, yet `GET /api/v2/alerts` reports a
/// new silence and a new inhibiting alert at once, and forgets the silence
/// as soon as it is deleted.
fn alert_status_is_computed_at_query_time() -> Outcome {
    let hook = Webhook::start();
    let config = format!(
        "{}inhibit_rules:\n- source_match:\n    severity: critical\n  target_match:\n    severity: warning\n  equal: [alertname]\n",
        hook_config(
            &hook.url("/"),
            "  group_by: []\n  group_wait: 1s\n  group_interval: 10m\n  repeat_interval: 1h"
        )
    );
    let server = Server::start(&config, &[]);
    let now = jiff::Timestamp::now();
    let in_5m = now + jiff::SignedDuration::from_mins(5);
    let mut warning = alert_json("test1", &[("severity", "warning")]);
    warning["startsAt"] = json!(now.to_string());
    warning["endsAt"] = json!(in_5m.to_string());
    server.post_alerts(&json!([warning.clone()]));
    expect_status(&server, "test1", "active", &[], "posted")?;
    hook.wait_for(1, Duration::from_secs(3));
    std::thread::sleep(Duration::from_millis(500));

    let id = server.post_silence(&silence_json(
        json!([matcher("alertname", "=", "test1")]),
        now,
        in_5m,
        "a",
    ))?;
    expect_status(&server, "test1", "suppressed", &[&id], "silenced")?;

    let mut critical = warning.clone();
    critical["labels"]["severity"] = json!("critical");
    server.post_alerts(&json!([critical]));
    let inhibited_as_upstream = |listed: &Value| {
        let alerts = listed.as_array().cloned().unwrap_or_default();
        let by_severity = |sev: &str| {
            alerts
                .iter()
                .find(|a| a["labels"]["severity"] == sev)
                .cloned()
                .unwrap_or(Value::Null)
        };
        let (warn, crit) = (by_severity("warning"), by_severity("critical"));
        alerts.len() == 2
            && warn["status"]["state"] == "suppressed"
            && warn["status"]["silencedBy"] == json!([id])
            && warn["status"]["inhibitedBy"] == json!([crit["fingerprint"]])
            && crit["status"]["silencedBy"] == json!([id])
            && crit["status"]["inhibitedBy"] == json!([])
    };
    // The silence applies at once; the inhibitor learns the new source from
    // the store's subscription (as upstream's does), so allow it a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut listed = server.get("/api/v2/alerts").json();
    while !inhibited_as_upstream(&listed) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(25));
        listed = server.get("/api/v2/alerts").json();
    }
    ensure(inhibited_as_upstream(&listed), || {
        format!("after the critical alert: {listed}")
    })?;

    let r = server.delete(&format!("/api/v2/silence/{id}"));
    ensure(r.status == 200, || {
        format!("DELETE: {} {}", r.status, r.body)
    })?;
    let listed = server.get("/api/v2/alerts").json();
    let states: Vec<(Value, Value, Value)> = listed
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["labels"]["severity"].clone(),
                a["status"]["state"].clone(),
                a["status"]["silencedBy"].clone(),
            )
        })
        .collect();
    let want_state = |sev: &str| {
        if sev == "critical" {
            "active"
        } else {
            "suppressed"
        }
    };
    ensure(
        states.len() == 2
            && states.iter().all(|(sev, state, silenced)| {
                *silenced == json!([]) && *state == want_state(sev.as_str().unwrap_or(""))
            }),
        || format!("after DELETE: {listed}"),
    )
}

#[test]
fn silence_acceptance_scenarios() {
    run_concurrently(vec![
        (
            "TestSilencing: pending silence on time",
            pending_silence_takes_effect_on_time,
        ),
        (
            "TestSilenceDelete",
            deleted_silence_lets_the_next_tick_notify,
        ),
        (
            "silences select exactly their alerts",
            silences_select_exactly_their_alerts,
        ),
        (
            "TestAlertGetReturnsCurrentAlertStatus",
            alert_status_is_computed_at_query_time,
        ),
    ]);
}
