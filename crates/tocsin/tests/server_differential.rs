//! Differential test: the same configuration and the same alert schedule
//! against tocsin and Debian's Alertmanager 0.25, each with its own
//! recording webhook. Both must send the same notifications — same count,
//! arrival times within a tolerance of each other, and the same bodies once
//! what must differ is normalised (times the servers assign, the external
//! URL, and the fields 0.34 added: `notification_reason`, `routeLabels`).
//! Skips with a visible message when Alertmanager is not installed.

mod support;

use std::thread;
use std::time::Instant;

use serde_json::{Value, json};
use support::{Delivery, Server, Webhook, at, upstream_binary};

/// Arrival times of matching notifications may differ by this much.
const TOLERANCE: f64 = 0.45;

fn config(url: &str) -> String {
    format!(
        "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n  routes:\n  - receiver: hook\n    matchers: ['team=\"db\"']\n    group_by: ['...']\n    continue: true\n  - receiver: quiet\n    matchers: ['team=\"db\"']\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{url}'\n    send_resolved: true\n- name: quiet\n  webhook_configs:\n  - url: '{url}quiet'\n    send_resolved: false\n    max_alerts: 1\n"
    )
}

fn alert(name: &str, instance: &str, team: &str) -> Value {
    json!({
        "labels": {"alertname": name, "instance": instance, "team": team},
        "annotations": {"summary": format!("{name} on {instance}"), "runbook": "http://runbooks/x?a=1&b=<2>"},
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
    })
}

fn resolved(name: &str, instance: &str, team: &str) -> Value {
    let mut a = alert(name, instance, team);
    a["endsAt"] = json!(jiff::Timestamp::now().to_string());
    a
}

/// Runs the schedule against `server`; returns `(t0, deliveries)`.
fn drive(server: &Server, hook: &Webhook) -> (Instant, Vec<Delivery>) {
    let t0 = Instant::now();
    server.post_alerts(&json!([
        alert("Down", "a", "web"),
        alert("Down", "b", "web"),
        alert("Lag", "db1", "db")
    ]));
    at(t0, 1.5);
    server.post_alerts(&json!([
        alert("Down", "c", "web"),
        alert("Lag", "db2", "db")
    ]));
    at(t0, 2.5);
    server.post_alerts(&json!([
        resolved("Down", "a", "web"),
        resolved("Lag", "db1", "db")
    ]));
    at(t0, 5.0);
    (t0, hook.deliveries())
}

/// The body with server-assigned times and version-specific fields made
/// comparable.
fn normalised(body: &Value) -> Value {
    let mut b = body.clone();
    if let Some(o) = b.as_object_mut() {
        o.remove("notification_reason");
        o.remove("routeLabels");
        o.insert("externalURL".into(), json!("<external>"));
    }
    if let Some(alerts) = b["alerts"].as_array_mut() {
        for a in alerts {
            a["startsAt"] = json!("<time>");
            if a["endsAt"] != json!("0001-01-01T00:00:00Z") {
                a["endsAt"] = json!("<time>");
            }
        }
    }
    b
}

/// Deliveries ordered by path, group, then arrival (groups flush
/// concurrently, so their relative order is not defined), as
/// `(seconds since t0, path, body)`.
fn timeline(t0: Instant, deliveries: &[Delivery]) -> Vec<(f64, String, Value)> {
    let mut out: Vec<(f64, String, Value)> = deliveries
        .iter()
        .map(|d| (d.since(t0), d.path.clone(), normalised(&d.body)))
        .collect();
    let group = |body: &Value| body["groupKey"].as_str().unwrap_or("").to_owned();
    out.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| group(&a.2).cmp(&group(&b.2)))
            .then(a.0.total_cmp(&b.0))
    });
    out
}

#[test]
fn notifications_match_alertmanager_0_25() {
    let Some(binary) = upstream_binary("tocsin's notifications against Alertmanager 0.25's") else {
        return;
    };
    let ours_hook = Webhook::start();
    let theirs_hook = Webhook::start();
    let ours = Server::start(&config(&ours_hook.url("/")), &[]);
    let theirs = Server::start_upstream(binary, &config(&theirs_hook.url("/")), &[])
        .expect("Alertmanager 0.25 starts");
    let (ours_run, theirs_run) = thread::scope(|s| {
        let a = s.spawn(|| drive(&ours, &ours_hook));
        let b = s.spawn(|| drive(&theirs, &theirs_hook));
        (
            a.join().expect("tocsin schedule"),
            b.join().expect("upstream schedule"),
        )
    });
    let ours_timeline = timeline(ours_run.0, &ours_run.1);
    let theirs_timeline = timeline(theirs_run.0, &theirs_run.1);
    let summary = |t: &[(f64, String, Value)]| -> Vec<String> {
        t.iter()
            .map(|(at, path, body)| {
                format!(
                    "{at:.2}s {path} {}",
                    body["alerts"].as_array().map_or(0, Vec::len)
                )
            })
            .collect()
    };
    assert_eq!(
        ours_timeline.len(),
        theirs_timeline.len(),
        "number of notifications\n tocsin:   {:?}\n upstream: {:?}",
        summary(&ours_timeline),
        summary(&theirs_timeline)
    );
    assert!(
        ours_timeline.len() >= 6,
        "the schedule produces several notifications: {:?}",
        summary(&ours_timeline)
    );
    for ((ours_at, ours_path, ours_body), (theirs_at, theirs_path, theirs_body)) in
        ours_timeline.iter().zip(&theirs_timeline)
    {
        assert_eq!(ours_path, theirs_path);
        assert!(
            (ours_at - theirs_at).abs() <= TOLERANCE,
            "{ours_path}: tocsin at {ours_at:.2}s, upstream at {theirs_at:.2}s"
        );
        assert_eq!(ours_body, theirs_body, "{ours_path} body at {ours_at:.2}s");
    }
    // tocsin's own additions are present and well-formed.
    for d in &ours_run.1 {
        assert!(d.body["notification_reason"].is_string(), "{}", d.body);
        assert!(d.body["routeLabels"].is_object(), "{}", d.body);
    }
}
