//! Black-box notification scenarios against the real `tocsin alertmanager`
//! binary, after upstream's acceptance suite (`test/with_api_v2/acceptance`,
//! reference §7): alerts are POSTed at chosen times, a local webhook records
//! what arrives and when, and each scenario checks the notifications, their
//! time windows (a few hundred ms of tolerance) and the API's view after
//! each step. Timers are short (group_wait/group_interval 1s).
//!
//! The scenarios are independent and mostly wait, so they run concurrently
//! (each with its own server and webhook) inside one test.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Delivery, Outcome, Server, Webhook, at, ensure, run_concurrently};

/// An alert with `alertname` and extra labels, firing (no times).
fn alert(name: &str, labels: &[(&str, &str)]) -> Value {
    let mut l = serde_json::Map::new();
    l.insert("alertname".into(), json!(name));
    for (k, v) in labels {
        l.insert((*k).into(), json!(v));
    }
    json!({"labels": l, "annotations": {"summary": format!("{name} summary")}})
}

/// The same alert resolved now.
fn resolved(name: &str, labels: &[(&str, &str)]) -> Value {
    let mut a = alert(name, labels);
    a["endsAt"] = json!(jiff::Timestamp::now().to_string());
    a
}

fn hook_config(url: &str, route: &str) -> String {
    format!(
        "route:\n  receiver: hook\n{route}\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{url}'\n"
    )
}

const FAST: &str = "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h";

fn window(d: &Delivery, t0: Instant, lo: f64, hi: f64, what: &str) -> Outcome {
    let t = d.since(t0);
    ensure(t >= lo && t <= hi, || {
        format!("{what}: arrived at {t:.2}s, expected within [{lo}, {hi}]")
    })
}

fn alert_set(d: &Delivery) -> Vec<String> {
    let mut a = d.alerts();
    a.sort();
    a
}

fn expect_alerts(d: &Delivery, want: &[&str], what: &str) -> Outcome {
    let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    let got = alert_set(d);
    ensure(got == want, || {
        format!("{what}: alerts {got:?}, expected {want:?}")
    })
}

fn expect_count(hook: &Webhook, n: usize, what: &str) -> Outcome {
    let all = hook.deliveries();
    ensure(all.len() == n, || {
        format!(
            "{what}: {} notifications, expected {n}: {:#?}",
            all.len(),
            all.iter()
                .map(|d| (d.path.clone(), d.alerts()))
                .collect::<Vec<_>>()
        )
    })
}

/// `GET /api/v2/alerts` (with a query) as `alertname{…}:state` strings.
fn api_alerts(server: &Server, query: &str) -> Vec<(String, Value)> {
    let r = server.get(&format!("/api/v2/alerts{query}"));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            (
                a["labels"]["alertname"].as_str().unwrap_or("").to_owned(),
                a,
            )
        })
        .collect()
}

/// One alert fires, then is resolved: one firing and one resolved
/// notification, nothing more (the group is destroyed).
fn firing_then_resolved() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(&hook.url("/"), &format!("  group_by: [alertname]\n{FAST}")),
        &[],
    );
    let t0 = Instant::now();
    server.post_alerts(&json!([alert("Resolve", &[("instance", "a")])]));
    let first = hook.wait_for(1, Duration::from_secs(4));
    let d = first.first().ok_or("no firing notification")?;
    window(d, t0, 0.8, 1.9, "firing notification")?;
    expect_alerts(d, &["Resolve{instance=a}:firing"], "firing notification")?;
    let b = &d.body;
    ensure(b["status"] == "firing", || {
        format!("status {}", b["status"])
    })?;
    ensure(b["receiver"] == "hook", || {
        format!("receiver {}", b["receiver"])
    })?;
    ensure(b["version"] == "4", || format!("version {}", b["version"]))?;
    ensure(b["groupKey"] == "{}:{alertname=\"Resolve\"}", || {
        format!("groupKey {}", b["groupKey"])
    })?;
    ensure(b["groupLabels"] == json!({"alertname": "Resolve"}), || {
        format!("groupLabels {}", b["groupLabels"])
    })?;
    ensure(
        b["commonAnnotations"]["summary"] == "Resolve summary",
        || format!("commonAnnotations {}", b["commonAnnotations"]),
    )?;
    ensure(b["notification_reason"] == "first notification", || {
        format!("notification_reason {}", b["notification_reason"])
    })?;
    ensure(b["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z", || {
        format!("firing endsAt {}", b["alerts"][0]["endsAt"])
    })?;
    ensure(
        b["externalURL"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://")),
        || format!("externalURL {}", b["externalURL"]),
    )?;
    ensure(
        d.headers.get("user-agent").map(String::as_str) == Some("Alertmanager/0.34.0"),
        || format!("user agent {:?}", d.headers.get("user-agent")),
    )?;
    let listed = api_alerts(&server, "");
    ensure(listed.len() == 1, || format!("GET /alerts: {listed:?}"))?;
    let a = &listed[0].1;
    ensure(a["status"]["state"] == "active", || format!("state {a}"))?;
    ensure(a["receivers"] == json!([{"name": "hook"}]), || {
        format!("receivers {a}")
    })?;

    at(t0, 1.5);
    server.post_alerts(&json!([resolved("Resolve", &[("instance", "a")])]));
    ensure(api_alerts(&server, "").is_empty(), || {
        "resolved alerts must not be listed".into()
    })?;
    let both = hook.wait_for(2, Duration::from_secs(3));
    let d = both.get(1).ok_or("no resolved notification")?;
    window(d, t0, 1.5, 2.9, "resolved notification")?;
    expect_alerts(
        d,
        &["Resolve{instance=a}:resolved"],
        "resolved notification",
    )?;
    ensure(d.body["status"] == "resolved", || {
        format!("status {}", d.body["status"])
    })?;
    ensure(
        d.body["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z",
        || "resolved alert must carry its end".into(),
    )?;
    at(t0, 3.8);
    expect_count(&hook, 2, "after resolution")
}

/// Alerts arriving within group_wait go out together; one joining later
/// goes out at the next group_interval tick with the others.
fn grouping() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(&hook.url("/"), &format!("  group_by: []\n{FAST}")),
        &[],
    );
    let t0 = Instant::now();
    server.post_alerts(&json!([alert("G1", &[])]));
    at(t0, 0.4);
    server.post_alerts(&json!([alert("G2", &[])]));
    let d = hook.wait_for(1, Duration::from_secs(4));
    let d = d.first().ok_or("no notification")?;
    window(d, t0, 0.8, 1.9, "grouped notification")?;
    expect_alerts(d, &["G1:firing", "G2:firing"], "grouped notification")?;
    ensure(d.body["groupKey"] == "{}:{}", || {
        format!("groupKey {}", d.body["groupKey"])
    })?;
    let groups = server.get("/api/v2/alerts/groups").json();
    ensure(
        groups.as_array().map(Vec::len) == Some(1)
            && groups[0]["labels"] == json!({})
            && groups[0]["receiver"]["name"] == "hook"
            && groups[0]["alerts"].as_array().map(Vec::len) == Some(2),
        || format!("GET /alerts/groups: {groups}"),
    )?;

    at(t0, 1.5);
    server.post_alerts(&json!([alert("G3", &[])]));
    let all = hook.wait_for(2, Duration::from_secs(3));
    let d = all.get(1).ok_or("no second notification")?;
    window(d, t0, 1.5, 2.9, "notification with the late alert")?;
    expect_alerts(d, &["G1:firing", "G2:firing", "G3:firing"], "late alert")?;
    ensure(d.body["notification_reason"] == "new alerts added", || {
        format!("notification_reason {}", d.body["notification_reason"])
    })?;
    at(t0, 3.7);
    expect_count(&hook, 2, "nothing changed after the late alert")
}

/// An unchanged group is notified again once repeat_interval has passed
/// (measured from the previous send's completion, so a 1.5s repeat with 1s
/// ticks fires at the second tick after the first notification).
fn repeat_interval() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(
            &hook.url("/"),
            "  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1500ms",
        ),
        &[],
    );
    let t0 = Instant::now();
    server.post_alerts(&json!([alert("Repeat", &[])]));
    let all = hook.wait_for(2, Duration::from_secs(5));
    let first = all.first().ok_or("no notification")?;
    window(first, t0, 0.8, 1.9, "first notification")?;
    let second = all.get(1).ok_or("no repeat")?;
    window(second, t0, 2.6, 3.7, "repeat")?;
    expect_alerts(second, &["Repeat:firing"], "repeat")?;
    ensure(
        second.body["notification_reason"] == "repeat interval elapsed",
        || format!("notification_reason {}", second.body["notification_reason"]),
    )?;
    at(t0, 3.9);
    expect_count(&hook, 2, "one repeat")
}

/// Nested routes: `continue`, a child route taking precedence over its
/// parent, a receiver without integrations, and `group_by: ['...']`.
fn routing() -> Outcome {
    let hook = Webhook::start();
    let receiver = |name: &str| {
        format!(
            "- name: {name}\n  webhook_configs:\n  - url: '{}'\n",
            hook.url(&format!("/{name}"))
        )
    };
    let config = format!(
        r#"route:
  receiver: default
  group_by: [alertname]
{FAST}
  routes:
  - matchers: ['alertname="Watchdog"']
    receiver: blackhole
  - matchers: ['team="db"']
    receiver: db
    continue: true
    routes:
    - matchers: ['severity="critical"']
      receiver: db-pager
  - matchers: ['team="db"']
    receiver: db-audit
  - matchers: ['team="web"']
    receiver: web
    group_by: ['...']
receivers:
- name: blackhole
{}{}{}{}{}"#,
        receiver("default"),
        receiver("db"),
        receiver("db-pager"),
        receiver("db-audit"),
        receiver("web"),
    );
    let server = Server::start(&config, &[]);
    let t0 = Instant::now();
    server.post_alerts(&json!([
        alert("Watchdog", &[]),
        alert("DbDown", &[("team", "db"), ("severity", "critical")]),
        alert("DbSlow", &[("team", "db"), ("severity", "warning")]),
        alert("Web", &[("team", "web"), ("instance", "1")]),
        alert("Web", &[("team", "web"), ("instance", "2")]),
        alert("Other", &[]),
    ]));
    hook.wait_for(7, Duration::from_secs(4));
    at(t0, 2.5);
    let names = |path: &str| -> Vec<Vec<String>> { hook.to(path).iter().map(alert_set).collect() };
    let mut db_audit = names("/db-audit");
    db_audit.sort();
    let mut web = names("/web");
    web.sort();
    let got = (
        names("/default"),
        names("/db"),
        names("/db-pager"),
        db_audit,
        web,
    );
    let want = (
        vec![vec!["Other:firing".to_owned()]],
        vec![vec!["DbSlow{severity=warning,team=db}:firing".to_owned()]],
        vec![vec!["DbDown{severity=critical,team=db}:firing".to_owned()]],
        vec![
            vec!["DbDown{severity=critical,team=db}:firing".to_owned()],
            vec!["DbSlow{severity=warning,team=db}:firing".to_owned()],
        ],
        vec![
            vec!["Web{instance=1,team=web}:firing".to_owned()],
            vec!["Web{instance=2,team=web}:firing".to_owned()],
        ],
    );
    ensure(got == want, || {
        format!("routing: got {got:#?}\nexpected {want:#?}")
    })?;
    expect_count(
        &hook,
        7,
        "no other notification (the null receiver sends nothing)",
    )?;
    let web_groups: Vec<Value> = hook
        .to("/web")
        .iter()
        .map(|d| d.body["groupLabels"].clone())
        .collect();
    ensure(
        web_groups
            .iter()
            .all(|g| g.as_object().map(|o| o.len()) == Some(3)),
        || format!("group_by ['...'] must group by every label: {web_groups:?}"),
    )?;

    let receivers_of = |name: &str| -> Vec<Value> {
        api_alerts(&server, "")
            .into_iter()
            .filter(|(n, _)| n == name)
            .map(|(_, a)| a["receivers"].clone())
            .collect()
    };
    ensure(
        receivers_of("DbDown") == vec![json!([{"name": "db-pager"}, {"name": "db-audit"}])],
        || format!("DbDown receivers {:?}", receivers_of("DbDown")),
    )?;
    ensure(
        receivers_of("Watchdog") == vec![json!([{"name": "blackhole"}])],
        || format!("Watchdog receivers {:?}", receivers_of("Watchdog")),
    )?;
    let audit = api_alerts(&server, "?receiver=db-audit");
    ensure(audit.len() == 2, || {
        format!("?receiver=db-audit: {audit:?}")
    })?;
    let groups = server.get("/api/v2/alerts/groups").json();
    ensure(groups.as_array().map(Vec::len) == Some(8), || {
        format!("expected 8 groups: {groups}")
    })
}

/// send_resolved false and max_alerts on the same receiver's second webhook.
fn send_resolved_and_max_alerts() -> Outcome {
    let hook = Webhook::start();
    let config = format!(
        "route:\n  receiver: both\n  group_by: [alertname]\n{FAST}\nreceivers:\n- name: both\n  webhook_configs:\n  - url: '{}'\n  - url: '{}'\n    send_resolved: false\n    max_alerts: 2\n",
        hook.url("/resolved"),
        hook.url("/firing-only"),
    );
    let server = Server::start(&config, &[]);
    let t0 = Instant::now();
    let m = |i: &'static str| [("i", i)];
    server.post_alerts(&json!([
        alert("M", &m("1")),
        alert("M", &m("2")),
        alert("M", &m("3"))
    ]));
    hook.wait_for(2, Duration::from_secs(4));
    let full = hook.to("/resolved");
    let cut = hook.to("/firing-only");
    let (full, cut) = (
        full.first().ok_or("no notification to /resolved")?,
        cut.first().ok_or("no notification to /firing-only")?,
    );
    window(full, t0, 0.8, 1.9, "first notification")?;
    ensure(
        full.alerts().len() == 3 && full.body["truncatedAlerts"] == 0,
        || format!("untruncated payload: {}", full.body),
    )?;
    ensure(
        cut.alerts().len() == 2 && cut.body["truncatedAlerts"] == 1,
        || format!("max_alerts 2 payload: {}", cut.body),
    )?;

    at(t0, 1.5);
    server.post_alerts(&json!([resolved("M", &m("1"))]));
    at(t0, 2.5);
    server.post_alerts(&json!([resolved("M", &m("2")), resolved("M", &m("3"))]));
    at(t0, 3.8);
    let full: Vec<Vec<String>> = hook.to("/resolved").iter().map(alert_set).collect();
    let want = vec![
        vec!["M{i=1}:firing", "M{i=2}:firing", "M{i=3}:firing"],
        vec!["M{i=1}:resolved", "M{i=2}:firing", "M{i=3}:firing"],
        vec!["M{i=2}:resolved", "M{i=3}:resolved"],
    ];
    ensure(full == want, || format!("/resolved got {full:#?}"))?;
    let reasons: Vec<Value> = hook
        .to("/resolved")
        .iter()
        .map(|d| d.body["notification_reason"].clone())
        .collect();
    ensure(
        reasons
            == vec![
                json!("first notification"),
                json!("some alerts resolved"),
                json!("all alerts resolved"),
            ],
        || format!("reasons {reasons:?}"),
    )?;
    let cut = hook.to("/firing-only");
    ensure(cut.len() == 1, || {
        format!(
            "send_resolved: false must not notify resolutions: {:?}",
            cut.iter().map(Delivery::alerts).collect::<Vec<_>>()
        )
    })
}

/// Alerts posted with times in the past: an already resolved one is never
/// notified nor listed; a firing one that started long ago creates a group
/// that flushes at once instead of waiting for group_wait.
fn past_times() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(
            &hook.url("/"),
            "  group_by: [alertname]\n  group_wait: 2s\n  group_interval: 1s\n  repeat_interval: 1h",
        ),
        &[],
    );
    let now = jiff::Timestamp::now();
    let hour_ago = (now - jiff::SignedDuration::from_hours(1)).to_string();
    let minute_ago = (now - jiff::SignedDuration::from_mins(1)).to_string();
    let t0 = Instant::now();
    let mut past = alert("Past", &[]);
    past["startsAt"] = json!(hour_ago);
    past["endsAt"] = json!(minute_ago);
    let mut old = alert("Old", &[]);
    old["startsAt"] = json!(hour_ago);
    server.post_alerts(&json!([past, old, alert("Fresh", &[])]));
    let listed: Vec<String> = api_alerts(&server, "")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    ensure(
        listed.len() == 2 && !listed.contains(&"Past".to_owned()),
        || format!("GET /alerts must hide the resolved alert: {listed:?}"),
    )?;
    let first = hook.wait_for(1, Duration::from_secs(3));
    let d = first.first().ok_or("no notification for the old alert")?;
    window(d, t0, 0.0, 0.9, "old alert (immediate flush)")?;
    expect_alerts(d, &["Old:firing"], "old alert")?;
    let all = hook.wait_for(2, Duration::from_secs(4));
    let d = all.get(1).ok_or("no notification for the fresh alert")?;
    window(d, t0, 1.8, 2.9, "fresh alert (group_wait 2s)")?;
    expect_alerts(d, &["Fresh:firing"], "fresh alert")?;
    at(t0, 3.3);
    expect_count(&hook, 2, "the alert resolved in the past is never notified")
}

/// A silence suppresses an alert (reported with silencedBy); once expired,
/// the alert goes out at the next tick.
fn silences() -> Outcome {
    let hook = Webhook::start();
    let server = Server::start(
        &hook_config(&hook.url("/"), &format!("  group_by: []\n{FAST}")),
        &[],
    );
    let id = server.add_silence(
        json!([{"name": "alertname", "value": "S1", "isRegex": false, "isEqual": true}]),
        Duration::from_secs(3600),
    );
    let t0 = Instant::now();
    server.post_alerts(&json!([alert("S1", &[]), alert("S2", &[])]));
    let listed = api_alerts(&server, "");
    let state = |name: &str| {
        listed
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a["status"].clone())
    };
    ensure(
        state("S1").is_some_and(|s| {
            s["state"] == "suppressed"
                && s["silencedBy"] == json!([id])
                && s["inhibitedBy"] == json!([])
        }),
        || format!("S1 status {:?}", state("S1")),
    )?;
    ensure(state("S2").is_some_and(|s| s["state"] == "active"), || {
        format!("S2 status {:?}", state("S2"))
    })?;
    let unsilenced: Vec<String> = api_alerts(&server, "?silenced=false")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    ensure(unsilenced == ["S2"], || {
        format!("?silenced=false: {unsilenced:?}")
    })?;
    let silence = server.get(&format!("/api/v2/silence/{id}")).json();
    ensure(silence["status"]["state"] == "active", || {
        format!("silence {silence}")
    })?;

    let first = hook.wait_for(1, Duration::from_secs(4));
    let d = first.first().ok_or("no notification")?;
    window(d, t0, 0.8, 1.9, "notification without the silenced alert")?;
    expect_alerts(d, &["S2:firing"], "silenced alert left out")?;

    at(t0, 1.5);
    let r = server.delete(&format!("/api/v2/silence/{id}"));
    ensure(r.status == 200, || {
        format!("DELETE silence: {} {}", r.status, r.body)
    })?;
    let silence = server.get(&format!("/api/v2/silence/{id}")).json();
    ensure(silence["status"]["state"] == "expired", || {
        format!("silence {silence}")
    })?;
    ensure(state_now(&server, "S1") == Some(json!("active")), || {
        "S1 must be active once the silence expired".into()
    })?;
    let all = hook.wait_for(2, Duration::from_secs(3));
    let d = all.get(1).ok_or("no notification after expiry")?;
    window(d, t0, 1.5, 2.9, "notification after expiry")?;
    expect_alerts(d, &["S1:firing", "S2:firing"], "after expiry")?;
    at(t0, 3.4);
    expect_count(&hook, 2, "silences")?;
    let suppressed =
        server.metric("alertmanager_notifications_suppressed_total{reason=\"silence\"}");
    ensure(suppressed.is_some_and(|v| v >= 1.0), || {
        format!("suppressed by silence metric: {suppressed:?}")
    })
}

fn state_now(server: &Server, name: &str) -> Option<Value> {
    api_alerts(server, "")
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, a)| a["status"]["state"].clone())
}

/// An inhibition rule mutes the target while its source fires (reported
/// with inhibitedBy = the source's fingerprint) and releases it once the
/// source is resolved.
fn inhibition() -> Outcome {
    let hook = Webhook::start();
    let config = format!(
        "{}inhibit_rules:\n- source_matchers: ['alertname=\"JobDown\"']\n  target_matchers: ['alertname=\"InstanceDown\"']\n  equal: [job]\n",
        hook_config(&hook.url("/"), &format!("  group_by: []\n{FAST}"))
    );
    let server = Server::start(&config, &[]);
    let t0 = Instant::now();
    server.post_alerts(&json!([
        alert("InstanceDown", &[("job", "a")]),
        alert("InstanceDown", &[("job", "b")]),
        alert("JobDown", &[("job", "a")]),
    ]));
    // The inhibitor learns of alerts through the store's subscription, as
    // upstream's does, so the status may take a moment to show.
    let (source_fp, target) = {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let listed = api_alerts(&server, "");
            let source_fp = listed
                .iter()
                .find(|(n, _)| n == "JobDown")
                .map(|(_, a)| a["fingerprint"].clone())
                .ok_or("JobDown not listed")?;
            let target = listed
                .iter()
                .find(|(n, a)| n == "InstanceDown" && a["labels"]["job"] == "a")
                .map(|(_, a)| a["status"].clone())
                .ok_or("InstanceDown{job=a} not listed")?;
            if target["state"] == "suppressed" || Instant::now() >= deadline {
                break (source_fp, target);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    ensure(
        target["state"] == "suppressed" && target["inhibitedBy"] == json!([source_fp]),
        || format!("target status {target}, source fingerprint {source_fp}"),
    )?;
    let uninhibited = api_alerts(&server, "?inhibited=false");
    ensure(uninhibited.len() == 2, || {
        format!("?inhibited=false: {uninhibited:?}")
    })?;

    let first = hook.wait_for(1, Duration::from_secs(4));
    let d = first.first().ok_or("no notification")?;
    window(d, t0, 0.8, 1.9, "notification with inhibition")?;
    expect_alerts(
        d,
        &["InstanceDown{job=b}:firing", "JobDown{job=a}:firing"],
        "inhibited target left out",
    )?;

    at(t0, 1.5);
    server.post_alerts(&json!([resolved("JobDown", &[("job", "a")])]));
    let all = hook.wait_for(2, Duration::from_secs(3));
    let d = all
        .get(1)
        .ok_or("no notification after the source resolved")?;
    window(d, t0, 1.5, 2.9, "notification after the source resolved")?;
    expect_alerts(
        d,
        &[
            "InstanceDown{job=a}:firing",
            "InstanceDown{job=b}:firing",
            "JobDown{job=a}:resolved",
        ],
        "released target",
    )?;
    at(t0, 3.4);
    expect_count(&hook, 2, "inhibition")?;
    let suppressed =
        server.metric("alertmanager_notifications_suppressed_total{reason=\"inhibition\"}");
    ensure(suppressed.is_some_and(|v| v >= 1.0), || {
        format!("suppressed by inhibition metric: {suppressed:?}")
    })
}

/// A receiver whose Slack endpoint refuses connections keeps retrying
/// while its webhook is notified on time; route `labels:` (0.34) are
/// rendered as templates over the group and sent as `routeLabels`.
fn failing_integration_and_route_labels() -> Outcome {
    let hook = Webhook::start();
    let config = format!(
        "route:\n  receiver: mixed\n  group_by: [alertname]\n{FAST}\n  routes:\n  - matchers: [alertname=Mixed]\n    labels:\n      team: '{{{{ .GroupLabels.alertname }}}}-team'\n      static: plain\nreceivers:\n- name: mixed\n  webhook_configs:\n  - url: '{}'\n  slack_configs:\n  - api_url: 'http://127.0.0.1:9/'\n    channel: '#alerts'\n",
        hook.url("/ok")
    );
    let server = Server::start(&config, &[]);
    let t0 = Instant::now();
    server.post_alerts(&json!([alert("Mixed", &[])]));
    let got = hook.wait_for(1, Duration::from_secs(4));
    let d = got.first().ok_or("the webhook must still be notified")?;
    window(d, t0, 0.8, 1.9, "webhook next to a failing integration")?;
    ensure(
        d.body["routeLabels"] == json!({"static": "plain", "team": "Mixed-team"}),
        || format!("routeLabels {}", d.body["routeLabels"]),
    )?;
    at(t0, 1.8);
    let failed =
        server.metric("alertmanager_notification_requests_failed_total{integration=\"slack\"}");
    ensure(failed.is_some_and(|v| v >= 1.0), || {
        format!("slack failed requests metric: {failed:?}")
    })?;
    let groups = server.get("/api/v2/alerts/groups").json();
    ensure(
        groups.as_array().is_some_and(|g| {
            g.iter()
                .any(|g| g["routeLabels"] == json!({"static": "plain", "team": "Mixed-team"}))
        }),
        || format!("groups: {groups}"),
    )?;
    let healthy = server.get("/-/healthy");
    ensure(healthy.status == 200, || {
        format!("healthy: {}", healthy.status)
    })
}

#[test]
fn acceptance_scenarios() {
    run_concurrently(vec![
        ("firing then resolved", firing_then_resolved),
        ("grouping within group_wait", grouping),
        ("repeat interval", repeat_interval),
        (
            "nested routes, continue, null receiver, group_by ...",
            routing,
        ),
        (
            "send_resolved false and max_alerts",
            send_resolved_and_max_alerts,
        ),
        ("alerts with past times", past_times),
        ("silences", silences),
        ("inhibition", inhibition),
        (
            "failing integration and route labels",
            failing_integration_and_route_labels,
        ),
    ]);
}
