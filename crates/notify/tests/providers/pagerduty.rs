//! PagerDuty against a stub: Events API v2 bodies (exact bytes for a fixed
//! configuration, the 0.34 default details as structured JSON), resolve
//! events, Events API v1, images and links, the 512 kB limit, key files and
//! answer classification.

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyError};
use tocsin_notify::pagerduty::PagerdutyNotifier;

use crate::support::{RecordingServer, Reply, context, env, firing, receiver, resolved, templates};

/// SHA-256 of `{}:{alertname="Test"}`, produced by Go 1.19.
const TEST_KEY_HASH: &str = "e9431e3956d0c42acc81f7e5efa9f884c86bb68f834cbecb73e7cb9a0c1271d5";

fn notifier(config: &str) -> PagerdutyNotifier {
    let receiver = receiver("", &format!("- name: team\n  pagerduty_configs:\n{config}"));
    let pd = receiver
        .pagerduty_configs
        .first()
        .expect("pagerduty config");
    PagerdutyNotifier::new(pd, 0, templates(), &env()).expect("notifier")
}

async fn send(n: &PagerdutyNotifier, alerts: &[Alert]) -> Result<(), NotifyError> {
    n.notify(&context(&[("alertname", "Test")]), alerts).await
}

fn test_alert() -> Alert {
    firing(
        &[("alertname", "Test"), ("instance", "i1")],
        &[("summary", "s1")],
    )
}

#[tokio::test]
async fn v2_trigger_with_every_field() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!(
        r#"  - routing_key: '0123456789abcdef0123456789abcdef'
    url: {}
    client: 'c {{{{ .Status }}}}'
    client_url: 'http://client/'
    description: 'd {{{{ .GroupLabels.alertname }}}}'
    severity: '{{{{ if eq .Status "firing" }}}}critical{{{{ end }}}}'
    class: cls
    component: comp
    group: grp
    source: src
    details:
      note: 'hello {{{{ .CommonLabels.instance }}}}'
      nested: {{ k: [a, 'v{{{{ .Status }}}}'] }}
    images:
    - src: 'http://img/1.png'
      alt: one
      href: 'http://img/'
    - src: ''
      alt: dropped
    links:
    - href: 'http://link/'
      text: runbook
    - text: dropped
"#,
        stub.url("/v2/enqueue")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let request = stub.single_request();
    assert_eq!(request.uri, "/v2/enqueue");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.body_str(),
        format!(
            concat!(
                r#"{{"routing_key":"0123456789abcdef0123456789abcdef","dedup_key":"{hash}","event_action":"trigger","#,
                r#""payload":{{"summary":"d Test","source":"src","severity":"critical","class":"cls","component":"comp","group":"grp","#,
                r#""custom_details":{{"firing":[{{"annotations":{{"summary":"s1"}},"endsAt":"0001-01-01T00:00:00Z","fingerprint":"{fp}","generatorURL":"http://prom.example/graph?g0.expr=up","labels":{{"alertname":"Test","instance":"i1"}},"startsAt":"2026-01-01T00:00:00Z","status":"firing"}}],"#,
                r#""nested":{{"k":["a","vfiring"]}},"note":"hello i1","num_firing":1,"num_resolved":0,"resolved":[]}}}},"#,
                r#""client":"c firing","client_url":"http://client/","#,
                r#""images":[{{"src":"http://img/1.png","alt":"one","href":"http://img/"}}],"links":[{{"href":"http://link/","text":"runbook"}}]}}"#,
                "\n"
            ),
            hash = TEST_KEY_HASH,
            fp = test_alert().fingerprint(),
        )
    );
}

#[tokio::test]
async fn v2_resolve_uses_the_defaults() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!(
        "  - routing_key: key\n    url: {}\n",
        stub.url("/v2/enqueue")
    ));
    send(&n, &[resolved(&[("alertname", "Test")], &[])])
        .await
        .expect("sent");
    let body = stub.single_request().json();
    assert_eq!(body["event_action"], "resolve");
    assert_eq!(body["dedup_key"], TEST_KEY_HASH);
    assert_eq!(body["payload"]["severity"], "error");
    assert_eq!(body["payload"]["summary"], "[RESOLVED] Test ");
    assert_eq!(body["payload"]["source"], "Alertmanager");
    assert_eq!(body["client"], "Alertmanager");
    assert_eq!(
        body["client_url"],
        "http://am.example:9093/#/alerts?receiver=team"
    );
    assert_eq!(body["payload"]["custom_details"]["num_resolved"], 1);
    assert_eq!(
        body["payload"]["custom_details"]["firing"],
        serde_json::json!([])
    );
    assert!(body.get("images").is_none() && body.get("links").is_none());
}

#[tokio::test]
async fn v1_events_use_the_service_key_and_legacy_fields() {
    let stub = RecordingServer::answering(200).await;
    let n = notifier("  - service_key: svc\n    details:\n      a: b\n")
        .with_events_v1_url(stub.url("/generic/2010-04-15/create_event.json"));
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(
        stub.single_request().body_str(),
        format!(
            concat!(
                r#"{{"service_key":"svc","incident_key":"{hash}","event_type":"trigger","description":"[FIRING:1] Test (i1)","#,
                r#""event_action":"","payload":null,"client":"Alertmanager","client_url":"http://am.example:9093/#/alerts?receiver=team","#,
                r#""details":{{"a":"b","firing":[{{"annotations":{{"summary":"s1"}},"endsAt":"0001-01-01T00:00:00Z","fingerprint":"{fp}","generatorURL":"http://prom.example/graph?g0.expr=up","labels":{{"alertname":"Test","instance":"i1"}},"startsAt":"2026-01-01T00:00:00Z","status":"firing"}}],"num_firing":1,"num_resolved":0,"resolved":[]}}}}"#,
                "\n"
            ),
            hash = TEST_KEY_HASH,
            fp = test_alert().fingerprint(),
        )
    );

    // Resolve events carry no client.
    let stub = RecordingServer::answering(200).await;
    let n = notifier("  - service_key: svc\n").with_events_v1_url(stub.url("/v1"));
    send(&n, &[resolved(&[("alertname", "Test")], &[])])
        .await
        .expect("sent");
    let body = stub.single_request().json();
    assert_eq!(body["event_type"], "resolve");
    assert!(body.get("client").is_none());

    // v1 retries 403 (rate limit), without a status reason.
    let stub = RecordingServer::answering(403).await;
    let n = notifier("  - service_key: svc\n").with_events_v1_url(stub.url("/v1"));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(err.retry);
    assert_eq!(err.reason, FailureReason::Other);
    assert_eq!(err.message, "unexpected status code 403");
}

#[tokio::test]
async fn v2_answers() {
    let cases = [
        (Reply::status(429), true, FailureReason::RateLimited, "unexpected status code 429".to_owned()),
        (Reply::text(500, "busy"), true, FailureReason::ServerError, "unexpected status code 500".to_owned()),
        (Reply::status(403), false, FailureReason::AuthError, "unexpected status code 403".to_owned()),
        (
            Reply::json(400, r#"{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}"#),
            false,
            FailureReason::ClientError,
            "unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)".to_owned(),
        ),
    ];
    for (reply, retry, reason, message) in cases {
        let stub = RecordingServer::start(move |_| reply.clone()).await;
        let n = notifier(&format!(
            "  - routing_key: key\n    url: {}\n",
            stub.url("/e")
        ));
        let err = send(&n, &[test_alert()]).await.unwrap_err();
        assert_eq!(err.message, message);
        assert_eq!(err.retry, retry, "{message}");
        assert_eq!(err.reason, reason, "{message}");
    }

    let n = notifier("  - routing_key: key\n    url: http://127.0.0.1:1/e\n");
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(err.retry);
    assert!(
        err.message
            .starts_with("failed to post message to PagerDuty: Post \"http://127.0.0.1:1/e\": "),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn oversized_events_lose_their_details() {
    let stub = RecordingServer::answering(202).await;
    let big = "x".repeat(600_000);
    let n = notifier(&format!(
        "  - routing_key: key\n    url: {}\n    details:\n      big: {big}\n",
        stub.url("/e")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let request = stub.single_request();
    assert!(request.body.len() < 2_000, "{}", request.body.len());
    assert_eq!(
        request.json()["payload"]["custom_details"],
        serde_json::json!({"error": "Custom details have been removed because the original event exceeds the maximum size of 512KB"})
    );
}

#[tokio::test]
async fn routing_key_file_is_read_and_trimmed_at_send_time() {
    let stub = RecordingServer::answering(202).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("key");
    let n = notifier(&format!(
        "  - routing_key_file: {}\n    url: {}\n",
        path.display(),
        stub.url("/e")
    ));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "failed to read routing key from file: open {0}: no such file or directory",
            path.display()
        )
    );
    assert!(!err.retry);
    std::fs::write(&path, " from-file\n").expect("write");
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(stub.single_request().json()["routing_key"], "from-file");
}

#[tokio::test]
async fn template_errors_are_final() {
    let n = notifier(
        "  - routing_key: key\n    url: http://127.0.0.1:1/e\n    class: '{{ template \"nope\" . }}'\n",
    );
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(!err.retry);
    assert!(
        err.message
            .starts_with("failed to template PagerDuty v2 message: "),
        "{}",
        err.message
    );
    let n =
        notifier("  - routing_key: '{{ .CommonLabels.missing }}'\n    url: http://127.0.0.1:1/e\n");
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(err.message, "routing key cannot be empty");
}
