//! VictorOps against a stub: the URL built from the API key and the
//! templated routing key, the flat JSON body (message types, entity id,
//! custom fields) and answer classification.

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyError};
use tocsin_notify::victorops::VictorOpsNotifier;

use crate::support::{RecordingServer, Reply, context, env, firing, receiver, resolved, templates};

/// SHA-256 of `{}:{alertname="Test"}`, produced by Go 1.19.
const TEST_KEY_HASH: &str = "e9431e3956d0c42acc81f7e5efa9f884c86bb68f834cbecb73e7cb9a0c1271d5";

fn notifier(config: &str) -> VictorOpsNotifier {
    let receiver = receiver("", &format!("- name: team\n  victorops_configs:\n{config}"));
    let vo = receiver
        .victorops_configs
        .first()
        .expect("victorops config");
    VictorOpsNotifier::new(vo, 0, templates(), &env()).expect("notifier")
}

async fn send(n: &VictorOpsNotifier, alerts: &[Alert]) -> Result<(), NotifyError> {
    n.notify(&context(&[("alertname", "Test")]), alerts).await
}

fn test_alert() -> Alert {
    firing(
        &[("alertname", "Test"), ("team", "db ops")],
        &[("summary", "s1")],
    )
}

#[tokio::test]
async fn firing_body_and_url() {
    let stub = RecordingServer::answering(200).await;
    let n = notifier(&format!(
        r#"  - api_key: apikey
    api_url: {}
    routing_key: 'rk/{{{{ .CommonLabels.team }}}}?'
    message_type: '{{{{ .CommonLabels.severity }}}}'
    state_message: 'state {{{{ .Status }}}}'
    entity_display_name: 'name <{{{{ .GroupLabels.alertname }}}}>'
    monitoring_tool: tool
    custom_fields:
      zeta: '{{{{ .CommonLabels.team }}}}'
      alpha: a
"#,
        stub.url("/integrations/generic/20131114/alert")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let request = stub.single_request();
    assert_eq!(request.method, "POST");
    // The configuration layer adds the trailing slash; the routing key is
    // escaped as Go escapes a path.
    assert_eq!(
        request.uri,
        "/integrations/generic/20131114/alert/apikey/rk/db%20ops%3F"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.body_str(),
        format!(
            concat!(
                r#"{{"alpha":"a","entity_display_name":"name \u003cTest\u003e","entity_id":"{hash}","#,
                r#""message_type":"CRITICAL","monitoring_tool":"tool","state_message":"state firing","zeta":"db ops"}}"#,
                "\n"
            ),
            hash = TEST_KEY_HASH
        )
    );
}

#[tokio::test]
async fn message_types() {
    for (configured, alert, want) in [
        ("WARNING", test_alert(), "WARNING"),
        ("INFO", test_alert(), "INFO"),
        ("warning", test_alert(), "CRITICAL"),
        (
            "WARNING",
            resolved(&[("alertname", "Test")], &[]),
            "RECOVERY",
        ),
    ] {
        let stub = RecordingServer::answering(200).await;
        let n = notifier(&format!(
            "  - api_key: k\n    api_url: {}\n    routing_key: r\n    message_type: {configured}\n",
            stub.url("/")
        ));
        send(&n, &[alert]).await.expect("sent");
        assert_eq!(
            stub.single_request().json()["message_type"],
            want,
            "{configured}"
        );
    }
}

#[tokio::test]
async fn default_templates() {
    let stub = RecordingServer::answering(200).await;
    let n = notifier(&format!(
        "  - api_key: k\n    api_url: {}\n    routing_key: r\n",
        stub.url("/")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let body = stub.single_request().json();
    assert_eq!(body["entity_display_name"], "[FIRING:1] Test (db ops)");
    assert_eq!(body["monitoring_tool"], "Alertmanager");
    assert_eq!(body["message_type"], "CRITICAL");
}

#[tokio::test]
async fn answers_use_the_plain_retrier() {
    for (reply, retry, reason) in [
        (Reply::text(500, "x"), true, FailureReason::ServerError),
        (Reply::text(400, "bad"), false, FailureReason::ClientError),
        (Reply::status(429), false, FailureReason::RateLimited),
    ] {
        let stub = RecordingServer::start(move |_| reply.clone()).await;
        let n = notifier(&format!(
            "  - api_key: k\n    api_url: {}\n    routing_key: r\n",
            stub.url("/")
        ));
        let err = send(&n, &[test_alert()]).await.unwrap_err();
        assert_eq!(err.retry, retry, "{}", err.message);
        assert_eq!(err.reason, reason, "{}", err.message);
    }
    let n = notifier("  - api_key: k\n    api_url: http://127.0.0.1:1/\n    routing_key: r\n");
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(err.retry);
    assert!(
        err.message.starts_with("Post \"<redacted>\": "),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn body_template_errors_are_retried_like_upstream() {
    let n = notifier(
        "  - api_key: k\n    api_url: http://127.0.0.1:1/\n    routing_key: r\n    monitoring_tool: '{{ template \"nope\" . }}'\n",
    );
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(err.retry);
    assert!(
        err.message.starts_with("templating error: "),
        "{}",
        err.message
    );
    let n = notifier(
        "  - api_key: k\n    api_url: http://127.0.0.1:1/\n    routing_key: '{{ template \"nope\" . }}'\n",
    );
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(!err.retry);
}
