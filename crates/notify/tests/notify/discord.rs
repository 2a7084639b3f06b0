//! Discord against a stand-in webhook: exact request, limits, colours,
//! error classification. Expected bodies follow upstream's `webhook` and
//! `webhookEmbed` structs (field order, `omitempty`) and Go's encoder.

use tocsin_alerting::notifier::{FailureReason, Notifier};
use tocsin_notify::discord::DiscordNotifier;
use tocsin_notify::preview::{Preview, Rendered};

use crate::integration_support::{ctx, env, firing, parts, receiver, resolved, templates};
use crate::support::{RecordingServer, Reply};

fn notifier(block: &str) -> DiscordNotifier {
    let r = receiver(block);
    DiscordNotifier::new(&r.discord_configs[0], 0, templates(), &env()).expect("notifier")
}

fn simple(url: &str) -> String {
    format!(
        "discord_configs:\n- webhook_url: {url}\n  title: 'T {{{{ .Status }}}}'\n  message: 'M {{{{ .CommonLabels.alertname }}}} <&>'\n"
    )
}

#[tokio::test]
async fn firing_request_is_exact() {
    let server = RecordingServer::ok().await;
    let n = notifier(&simple(&server.url("/api/webhooks/1/tok")));
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.uri, "/api/webhooks/1/tok");
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("user-agent"), Some("Alertmanager/0.34.0"));
    assert_eq!(
        req.body_str(),
        "{\"content\":\"\",\"embeds\":[{\"title\":\"T firing\",\"description\":\"M Disk \\u003c\\u0026\\u003e\",\"color\":10038562}]}\n"
    );
}

#[tokio::test]
async fn resolved_is_green_and_optional_fields_appear() {
    let server = RecordingServer::ok().await;
    let block = format!(
        "{}  content: 'C'\n  username: bot\n  avatar_url: http://img.example/a.png\n",
        simple(&server.url("/hook"))
    );
    let n = notifier(&block);
    assert!(
        n.send_resolved(),
        "discord sends resolved notifications by default"
    );
    n.notify(&ctx(), &resolved()).await.expect("sent");
    assert_eq!(
        server.single_request().body_str(),
        "{\"content\":\"C\",\"embeds\":[{\"title\":\"T resolved\",\"description\":\"M Disk \\u003c\\u0026\\u003e\",\"color\":3066993}],\"username\":\"bot\",\"avatar_url\":\"http://img.example/a.png\"}\n"
    );
}

#[tokio::test]
async fn bad_avatar_url_is_left_out() {
    let server = RecordingServer::ok().await;
    let block = format!(
        "{}  avatar_url: 'http://a b/%zz'\n",
        simple(&server.url("/hook"))
    );
    notifier(&block)
        .notify(&ctx(), &firing())
        .await
        .expect("sent");
    assert!(!server.single_request().body_str().contains("avatar_url"));
}

#[tokio::test]
async fn limits_cut_title_description_and_content() {
    let server = RecordingServer::ok().await;
    let block = format!(
        "discord_configs:\n- webhook_url: {}\n  title: '{}'\n  message: '{}'\n  content: '{}'\n",
        server.url("/hook"),
        "t".repeat(300),
        "é".repeat(5000),
        "c".repeat(2001)
    );
    notifier(&block)
        .notify(&ctx(), &firing())
        .await
        .expect("sent");
    let body: serde_json::Value = serde_json::from_slice(&server.single_request().body).unwrap();
    let title = body["embeds"][0]["title"].as_str().unwrap();
    assert_eq!(title, format!("{}…", "t".repeat(255)));
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert_eq!(description, format!("{}…", "é".repeat(4095)));
    assert_eq!(
        body["content"].as_str().unwrap(),
        format!("{}…", "c".repeat(1999))
    );
}

#[tokio::test]
async fn answers_are_classified_like_upstream() {
    for (status, body, retry, reason) in [
        (400, "bad", false, FailureReason::ClientError),
        (429, "", false, FailureReason::RateLimited),
        (500, "boom", true, FailureReason::ServerError),
    ] {
        let server = RecordingServer::start(move |_| Reply::status(status).with_body(body)).await;
        let err = notifier(&simple(&server.url("/hook")))
            .notify(&ctx(), &firing())
            .await
            .unwrap_err();
        let expected = if body.is_empty() {
            format!("unexpected status code {status}")
        } else {
            format!("unexpected status code {status}: {body}")
        };
        assert_eq!(parts(&err), (retry, reason, expected.as_str()));
    }
}

#[tokio::test]
async fn webhook_url_file_is_read_at_send_time() {
    let server = RecordingServer::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("url");
    let block = format!(
        "discord_configs:\n- webhook_url_file: {}\n  title: t\n  message: m\n",
        path.display()
    );
    let n = notifier(&block);
    let err = n.notify(&ctx(), &firing()).await.unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::Other,
            format!(
                "read webhook_url_file: open {}: no such file or directory",
                path.display()
            )
            .as_str()
        )
    );
    std::fs::write(&path, format!(" {}\n", server.url("/from-file"))).unwrap();
    n.notify(&ctx(), &firing()).await.expect("sent");
    assert_eq!(server.single_request().uri, "/from-file");
}

#[tokio::test]
async fn template_errors_are_final() {
    let server = RecordingServer::ok().await;
    let block = format!(
        "discord_configs:\n- webhook_url: {}\n  title: '{{{{ .Nope.Deeper }}}}'\n",
        server.url("/hook")
    );
    let err = notifier(&block)
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert!(!err.retry);
    assert!(err.message.starts_with("template: "), "{}", err.message);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn preview_is_the_request_with_the_url_masked() {
    let server = RecordingServer::ok().await;
    let n = notifier(&simple(&server.url("/hook")));
    let rendered = n.preview(&ctx(), &firing()).expect("preview");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let sent = server.single_request();
    match &rendered[..] {
        [
            Rendered::Http {
                method,
                url,
                url_masked,
                body,
                ..
            },
        ] => {
            assert_eq!(method, "POST");
            assert_eq!(url, &server.url("/hook"));
            assert_eq!(url_masked, "<secret>");
            assert_eq!(body, &sent.body);
        }
        other => panic!("unexpected preview {other:?}"),
    }
}

#[tokio::test]
async fn unreachable_webhooks_are_retried_without_showing_the_url() {
    // A port nothing listens on: bind, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = notifier(&simple(&format!(
        "http://127.0.0.1:{port}/api/webhooks/1/secret"
    )))
    .notify(&ctx(), &firing())
    .await
    .unwrap_err();
    assert!(err.retry);
    assert_eq!(err.reason, FailureReason::Other);
    assert!(
        err.message.starts_with("Post \"<redacted>\": "),
        "{}",
        err.message
    );
    assert!(!err.message.contains("secret"), "{}", err.message);
}
