//! OpsGenie against a stub: create with every field (responders, `teams`
//! splitting, tags, actions, details over common labels), `update_alerts`,
//! close, the `GenieKey` header (winning over `http_config` credentials),
//! key files and answer classification.

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyError};
use tocsin_notify::opsgenie::OpsGenieNotifier;
use tocsin_notify::preview::{Preview, Rendered};

use crate::support::{RecordingServer, Reply, context, env, firing, receiver, resolved, templates};

/// SHA-256 of `{}:{alertname="Test"}`, produced by Go 1.19.
const TEST_KEY_HASH: &str = "e9431e3956d0c42acc81f7e5efa9f884c86bb68f834cbecb73e7cb9a0c1271d5";

fn notifier(config: &str) -> OpsGenieNotifier {
    let receiver = receiver("", &format!("- name: team\n  opsgenie_configs:\n{config}"));
    let og = receiver.opsgenie_configs.first().expect("opsgenie config");
    OpsGenieNotifier::new(og, 0, templates(), &env()).expect("notifier")
}

async fn send(n: &OpsGenieNotifier, alerts: &[Alert]) -> Result<(), NotifyError> {
    n.notify(&context(&[("alertname", "Test")]), alerts).await
}

fn test_alert() -> Alert {
    firing(
        &[("alertname", "Test"), ("team", "ops"), ("env", "prod")],
        &[("summary", "s1")],
    )
}

#[tokio::test]
async fn create_with_every_field_then_updates() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!(
        r#"  - api_key: key-{{{{ .CommonLabels.env }}}}
    api_url: {}
    message: 'm {{{{ .GroupLabels.alertname }}}}'
    description: desc
    source: src
    details:
      env: overridden
      extra: '{{{{ .CommonLabels.team }}}}'
    entity: ent
    responders:
    - name: '{{{{ .CommonLabels.team }}}}'
      type: team
    - id: '{{{{ .CommonLabels.missing }}}}'
      type: '{{{{ .CommonLabels.missing }}}}'
    - name: 'a,b,,c '
      type: teams
    - username: u@example.org
      type: user
    tags: ' t1,t2 ,,t3 '
    note: n
    priority: P2
    actions: 'x,y'
    update_alerts: true
"#,
        stub.url("/og")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    let requests = stub.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    let create = &requests[0];
    assert_eq!(create.method, "POST");
    assert_eq!(create.uri, "/og/v2/alerts");
    assert_eq!(
        create.header_all("authorization"),
        vec!["GenieKey key-prod"]
    );
    assert_eq!(create.header("content-type"), Some("application/json"));
    assert_eq!(
        create.body_str(),
        format!(
            concat!(
                r#"{{"alias":"{hash}","message":"m Test","description":"desc","#,
                r#""details":{{"alertname":"Test","env":"overridden","extra":"ops","team":"ops"}},"source":"src","#,
                r#""responders":[{{"name":"ops","type":"team"}},{{"name":"a","type":"team"}},{{"name":"b","type":"team"}},{{"name":"c","type":"team"}},{{"username":"u@example.org","type":"user"}}],"#,
                r#""tags":["t1","t2 ","t3"],"note":"n","priority":"P2","entity":"ent","actions":["x","y"]}}"#,
                "\n"
            ),
            hash = TEST_KEY_HASH
        )
    );
    let message = &requests[1];
    assert_eq!(message.method, "PUT");
    assert_eq!(
        message.uri,
        format!("/og/v2/alerts/{TEST_KEY_HASH}/message?identifierType=alias")
    );
    assert_eq!(message.body_str(), "{\"message\":\"m Test\"}\n");
    assert_eq!(message.header("authorization"), Some("GenieKey key-prod"));
    let description = &requests[2];
    assert_eq!(description.method, "PUT");
    assert_eq!(
        description.uri,
        format!("/og/v2/alerts/{TEST_KEY_HASH}/description?identifierType=alias")
    );
    assert_eq!(description.body_str(), "{\"description\":\"desc\"}\n");
}

#[tokio::test]
async fn resolved_groups_close_the_alert() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!("  - api_key: k\n    api_url: {}\n", stub.url("/")));
    send(&n, &[resolved(&[("alertname", "Test")], &[])])
        .await
        .expect("sent");
    let request = stub.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.uri,
        format!("/v2/alerts/{TEST_KEY_HASH}/close?identifierType=alias")
    );
    // opsgenie.default.source is the Alertmanager URL.
    assert_eq!(
        request.body_str(),
        "{\"source\":\"http://am.example:9093/#/alerts?receiver=team\"}\n"
    );
}

#[tokio::test]
async fn default_create_body() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!("  - api_key: k\n    api_url: {}\n", stub.url("/")));
    send(&n, &[test_alert()]).await.expect("sent");
    let body = stub.single_request().json();
    assert_eq!(body["message"], "[FIRING:1] Test (prod ops)");
    assert_eq!(
        body["source"],
        "http://am.example:9093/#/alerts?receiver=team"
    );
    assert_eq!(
        body["details"],
        serde_json::json!({"alertname": "Test", "env": "prod", "team": "ops"})
    );
    assert!(body.get("responders").is_none() && body.get("tags").is_none());
}

#[tokio::test]
async fn genie_key_wins_over_http_config_credentials() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!(
        "  - api_key: k\n    api_url: {}\n    http_config:\n      authorization:\n        credentials: other\n",
        stub.url("/")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(
        stub.single_request().header_all("authorization"),
        vec!["GenieKey k"]
    );
}

#[tokio::test]
async fn answers() {
    for (reply, retry, reason, message) in [
        (
            Reply::json(
                422,
                r#"{"message":"Request body is not processable","took":0.1}"#,
            ),
            false,
            FailureReason::ClientError,
            r#"unexpected status code 422: {"message":"Request body is not processable","took":0.1}"#,
        ),
        (
            Reply::status(429),
            true,
            FailureReason::RateLimited,
            "unexpected status code 429",
        ),
        (
            Reply::text(503, "down"),
            true,
            FailureReason::ServerError,
            "unexpected status code 503: down",
        ),
        (
            Reply::status(401),
            false,
            FailureReason::AuthError,
            "unexpected status code 401",
        ),
    ] {
        let stub = RecordingServer::start(move |_| reply.clone()).await;
        let n = notifier(&format!(
            "  - api_key: k\n    api_url: {}\n    update_alerts: true\n",
            stub.url("/")
        ));
        let err = send(&n, &[test_alert()]).await.unwrap_err();
        assert_eq!(err.message, message);
        assert_eq!(err.retry, retry, "{message}");
        assert_eq!(err.reason, reason, "{message}");
        // The updates are not attempted after a failed create.
        assert_eq!(stub.requests().len(), 1);
    }
}

#[tokio::test]
async fn api_key_file_is_templated_and_trimmed() {
    let stub = RecordingServer::answering(202).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("key");
    std::fs::write(&path, "  file-{{ .CommonLabels.env }}\n").expect("write");
    let n = notifier(&format!(
        "  - api_key_file: {}\n    api_url: {}\n",
        path.display(),
        stub.url("/")
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(
        stub.single_request().header("authorization"),
        Some("GenieKey file-prod")
    );
    std::fs::remove_file(&path).expect("remove");
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "read key_file error: open {0}: no such file or directory",
            path.display()
        )
    );
    assert!(!err.retry);
}

#[tokio::test]
async fn long_messages_are_cut_to_130_characters() {
    let stub = RecordingServer::answering(202).await;
    let n = notifier(&format!(
        "  - api_key: k\n    api_url: {}\n    message: '{}'\n",
        stub.url("/"),
        "m".repeat(200)
    ));
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(
        stub.single_request().json()["message"],
        format!("{}…", "m".repeat(129))
    );
}

#[tokio::test]
async fn preview_masks_the_key() {
    let n = notifier("  - api_key: secret-key\n    api_url: http://og.example/\n");
    let rendered = n
        .preview(&context(&[("alertname", "Test")]), &[test_alert()])
        .expect("preview");
    let [Rendered::Http { url, headers, .. }] = rendered.as_slice() else {
        panic!("one request expected: {rendered:?}");
    };
    assert_eq!(url, "http://og.example/v2/alerts");
    assert!(
        headers.contains(&("Authorization".to_owned(), "GenieKey <secret>".to_owned())),
        "{headers:?}"
    );
}
