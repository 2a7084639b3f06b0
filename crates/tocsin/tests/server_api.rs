//! Black-box API checks against the real `tocsin alertmanager` binary:
//! status, receivers, health and metrics answers, and bad input of every
//! kind getting upstream's status code (captured from Alertmanager 0.25 and
//! upstream 0.34's handlers) while the server keeps serving.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Server, Webhook};

fn config(hook: &Webhook) -> String {
    format!(
        "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{}'\n- name: unused\n  labels: {{team: ops}}\n",
        hook.url("/")
    )
}

#[test]
fn status_receivers_health_and_metrics() {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook), &[]);

    let status = server.get("/api/v2/status");
    assert_eq!(status.status, 200);
    let status = status.json();
    assert_eq!(status["cluster"]["status"], "disabled", "{status}");
    assert_eq!(status["cluster"]["peers"], json!([]));
    let original = status["config"]["original"].as_str().unwrap();
    assert!(original.contains("resolve_timeout: 5m"), "{original}");
    assert!(original.contains("receiver: hook"), "{original}");
    assert!(
        !status["versionInfo"]["version"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    let uptime: jiff::Timestamp = status["uptime"].as_str().unwrap().parse().unwrap();
    assert!(uptime <= jiff::Timestamp::now());

    let receivers = server.get("/api/v2/receivers").json();
    let names: Vec<&str> = receivers
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hook", "unused"], "configuration order");
    let ops = server
        .get("/api/v2/receivers?receiver_matchers=team%3Dops")
        .json();
    assert_eq!(
        ops,
        json!([{"name": "unused", "labels": {"name": "unused", "team": "ops"}}])
    );

    for path in ["/-/healthy", "/-/ready"] {
        let r = server.get(path);
        assert_eq!((r.status, r.body.as_str()), (200, "OK"), "{path}");
    }
    assert_eq!(server.get("/-/reload").status, 405, "GET /-/reload");

    assert_eq!(
        server.metric("alertmanager_config_last_reload_successful"),
        Some(1.0)
    );
    assert_eq!(server.metric("alertmanager_cluster_enabled"), Some(0.0));
    assert_eq!(
        server.metric("alertmanager_receivers"),
        Some(1.0),
        "only routed receivers count"
    );
    assert_eq!(server.metric("alertmanager_integrations"), Some(1.0));
    assert_eq!(server.metric("alertmanager_inhibition_rules"), Some(0.0));
    assert!(
        server
            .metric("alertmanager_config_hash")
            .is_some_and(|h| h > 0.0)
    );
    let reloaded_at = server
        .metric("alertmanager_config_last_reload_success_timestamp_seconds")
        .unwrap();
    assert!((reloaded_at - jiff::Timestamp::now().as_second() as f64).abs() < 60.0);

    server.post_alerts(&json!([{"labels": {"alertname": "M"}}]));
    let wait = Duration::from_secs(5);
    assert_eq!(
        server.wait_metric("alertmanager_alerts{state=\"active\"}", 1.0, wait),
        Some(1.0)
    );
    assert_eq!(
        server.metric("alertmanager_alerts{state=\"suppressed\"}"),
        Some(0.0)
    );
    assert_eq!(
        server.metric("alertmanager_dispatcher_aggregation_groups"),
        Some(1.0)
    );
    assert_eq!(
        server.metric("alertmanager_alerts_received_total{status=\"firing\",version=\"v2\"}"),
        Some(1.0)
    );
    assert_eq!(
        server.metric("alertmanager_silences{state=\"active\"}"),
        Some(0.0)
    );
    hook.wait_for(1, wait);
    for series in [
        "alertmanager_notifications_total{integration=\"webhook\"}",
        "alertmanager_notification_requests_total{integration=\"webhook\"}",
    ] {
        assert_eq!(server.wait_metric(series, 1.0, wait), Some(1.0), "{series}");
    }
}

#[test]
fn bad_input_gets_upstream_status_codes() {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook), &[]);
    let unknown = "7e9c3f9a-1a1b-4c2d-9e8f-0a1b2c3d4e5f";
    let silence = |extra: serde_json::Value| {
        let mut s = json!({
            "matchers": [{"name": "a", "value": "b", "isRegex": false}],
            "startsAt": "2025-01-01T00:00:00Z",
            "endsAt": "2039-01-01T00:00:00Z",
            "createdBy": "x",
            "comment": "c",
        });
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s.to_string()
    };
    // (method, path, body, status, text the body must contain)
    let cases: Vec<(&str, String, Option<String>, u16, &str)> = vec![
        ("POST", "/api/v2/alerts".into(), Some("{bad".into()), 400, "parsing alerts body"),
        ("POST", "/api/v2/alerts".into(), Some("{}".into()), 400, "parsing alerts body"),
        ("POST", "/api/v2/alerts".into(), Some(r#"[{"labels":{}}]"#.into()), 400, "at least one label pair required"),
        ("POST", "/api/v2/alerts".into(), Some(r#"[{"labels":{"a":""}}]"#.into()), 400, "at least one label pair required"),
        ("POST", "/api/v2/alerts".into(), Some(r#"[{"labels":{"a":"b"},"startsAt":"yesterday"}]"#.into()), 400, "yesterday"),
        ("POST", "/api/v2/alerts".into(), Some(r#"[{"labels":{"a":"b"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2029-01-01T00:00:00Z"}]"#.into()), 400, "start time must be before end time"),
        ("GET", "/api/v2/alerts?filter=foo".into(), None, 400, "bad matcher format: foo"),
        // 0.34's UTF-8 matcher parser words these two differently from 0.25.
        ("GET", "/api/v2/alerts?filter=%7Ba%3D~%22(%22%7D".into(), None, 400, ""),
        ("GET", "/api/v2/alerts/groups?receiver=(".into(), None, 400, "failed to parse receiver param"),
        ("GET", "/api/v2/silences?filter=%7B".into(), None, 400, ""),
        ("GET", "/api/v2/silences?filter=foo".into(), None, 400, "bad matcher format: foo"),
        ("GET", format!("/api/v2/silence/{unknown}"), None, 404, ""),
        ("DELETE", format!("/api/v2/silence/{unknown}"), None, 404, ""),
        ("GET", "/api/v2/silence/notauuid".into(), None, 422, "must be of type uuid"),
        ("POST", "/api/v2/silences".into(), Some(silence(json!({"id": unknown}))), 404, "silence not found"),
        ("POST", "/api/v2/silences".into(), Some(silence(json!({"endsAt": "2020-01-01T00:00:00Z"}))), 400, "start time must be before end time"),
        ("POST", "/api/v2/silences".into(), Some(silence(json!({"matchers": []}))), 422, "at least 1 items"),
        ("POST", "/api/v2/silences".into(), Some(silence(json!({"matchers": [{"name": "a", "value": ".*", "isRegex": true}]}))), 400, "at least one matcher must not match the empty string"),
        ("POST", "/api/v2/silences".into(), Some(silence(json!({"matchers": [{"name": "a", "value": "(", "isRegex": true}]}))), 400, "invalid regular expression"),
        ("POST", "/api/v2/silences".into(), Some("{\"matchers\":".into()), 400, ""),
        ("GET", "/api/v1/alerts".into(), None, 410, "deprecated"),
    ];
    let mut failures = Vec::new();
    for (method, path, body, want, text) in &cases {
        let r = support::http(method, &server.url(path), body.as_deref());
        if r.status != *want || !r.body.contains(text) {
            failures.push(format!(
                "{method} {path} {body:?}: got {} {:?}, expected {want} containing {text:?}",
                r.status, r.body
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // Valid alerts of a partly invalid batch are stored (best effort).
    let r = server.post(
        "/api/v2/alerts",
        r#"[{"labels":{"alertname":"Good"}},{"labels":{}}]"#,
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let listed = server.get("/api/v2/alerts").json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["labels"]["alertname"], "Good");
    assert_eq!(
        server.metric("alertmanager_alerts_invalid_total{version=\"v2\"}"),
        Some(4.0),
        "two empty label sets, one inverted time range, one in the mixed batch"
    );
    assert_eq!(server.get("/-/healthy").status, 200, "still serving");
}

#[test]
fn route_prefix_from_external_url() {
    let hook = Webhook::start();
    let server = Server::start(
        &config(&hook),
        &["--web.external-url=http://alerts.example.com/am/"],
    );
    assert_eq!(server.get("/am/api/v2/status").status, 200);
    assert_eq!(server.get("/am/-/healthy").status, 200);
    assert_eq!(server.get("/api/v2/status").status, 404);
    server.post_alerts_at("/am", &json!([{"labels": {"alertname": "Prefixed"}}]));
    let got = hook.wait_for(1, Duration::from_secs(4));
    assert_eq!(
        got.first().map(|d| d.body["externalURL"].clone()),
        Some(json!("http://alerts.example.com/am"))
    );
}
