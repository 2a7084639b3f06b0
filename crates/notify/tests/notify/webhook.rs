//! The webhook notifier against a real HTTP server: request shape, exact
//! body bytes, authentication headers, truncation and retry classification.

use std::path::PathBuf;
use std::time::Duration;

use tocsin_alerting::clock::Clock;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyError};
use tocsin_notify::http::{Authorization, BasicAuth, HttpClientSettings, HttpHeader, Secret};
use tocsin_notify::{IntegrationEnv, WebhookNotifier, WebhookSettings, WebhookUrl};

use crate::support::{RecordingServer, Reply, alert, context, utc};
use tocsin_alerting::alert::Time;

fn env_at(now: &str) -> IntegrationEnv {
    IntegrationEnv {
        external_url: "http://vm:19093".to_owned(),
        user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
        clock: Clock::starting_at(now.parse().expect("now")),
    }
}

fn settings(url: &str) -> WebhookSettings {
    WebhookSettings {
        url: WebhookUrl::Inline(url.to_owned()),
        max_alerts: 0,
        timeout: Duration::ZERO,
        send_resolved: true,
        http: HttpClientSettings::default(),
    }
}

fn notifier(settings: WebhookSettings) -> WebhookNotifier {
    WebhookNotifier::new(settings, 0, &env_at("2026-11-21T04:28:40Z")).expect("notifier")
}

/// The comparable parts of a notification error.
fn parts(err: &NotifyError) -> (bool, FailureReason, &str) {
    (err.retry, err.reason, err.message.as_str())
}

/// Sends one firing alert through `n`.
async fn send_one(n: &WebhookNotifier) -> Result<(), NotifyError> {
    let ctx = context("team", &[("alertname", "A")], "first notification");
    let alerts = [alert(
        &[("alertname", "A")],
        &[],
        utc("2026-11-21T04:00:00Z"),
        Time::ZERO,
    )];
    n.notify(&ctx, &alerts).await
}

/// Alertmanager 0.25's payload, captured from the real binary
/// (reference/alertmanager.md §4.1).
const CAPTURE_025: &str = r#"{"receiver":"my\\.recv","status":"firing","alerts":[{"status":"resolved","labels":{"alertname":"Test","instance":"a","severity":"warn"},"annotations":{"summary":"s1"},"startsAt":"2026-11-21T04:28:27.0073962Z","endsAt":"2026-11-21T04:28:31.313Z","generatorURL":"","fingerprint":"4a5257ba46575675"},{"status":"firing","labels":{"alertname":"Test","instance":"b","severity":"warn"},"annotations":{"summary":"s1"},"startsAt":"2026-11-21T04:28:27.0073962Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"0e75c89236ebaf8e"}],"groupLabels":{"alertname":"Test"},"commonLabels":{"alertname":"Test","severity":"warn"},"commonAnnotations":{"summary":"s1"},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"Test\"}","truncatedAlerts":0}"#;

/// The same notification as 0.34 encodes it: produced by Go 1.19.8's
/// `json.NewEncoder(...).Encode` on structs with 0.34's `template.Data`,
/// `template.Alert` and `webhook.Message` field order and tags.
const EXPECTED_034: &str = "{\"receiver\":\"my\\\\.recv\",\"status\":\"firing\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"Test\",\"instance\":\"a\",\"severity\":\"warn\"},\"annotations\":{\"summary\":\"s1\"},\"startsAt\":\"2026-11-21T04:28:27.0073962Z\",\"endsAt\":\"2026-11-21T04:28:31.313Z\",\"generatorURL\":\"\",\"fingerprint\":\"4a5257ba46575675\"},{\"status\":\"firing\",\"labels\":{\"alertname\":\"Test\",\"instance\":\"b\",\"severity\":\"warn\"},\"annotations\":{\"summary\":\"s1\"},\"startsAt\":\"2026-11-21T04:28:27.0073962Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\",\"fingerprint\":\"0e75c89236ebaf8e\"}],\"notification_reason\":\"first notification\",\"groupLabels\":{\"alertname\":\"Test\"},\"commonLabels\":{\"alertname\":\"Test\",\"severity\":\"warn\"},\"commonAnnotations\":{\"summary\":\"s1\"},\"routeLabels\":{},\"externalURL\":\"http://vm:19093\",\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"Test\\\"}\",\"truncatedAlerts\":0}\n";

#[tokio::test]
async fn golden_payload_reproduces_the_alertmanager_capture() {
    let server = RecordingServer::ok().await;
    let n = notifier(settings(&server.url("/hook?x=1")));
    let ctx = context("my.recv", &[("alertname", "Test")], "first notification");
    let started = utc("2026-11-21T04:28:27.0073962Z");
    // The firing alert's end lies in the future (resolve_timeout), which the
    // payload hides behind Go's zero time.
    let alerts = [
        alert(
            &[
                ("alertname", "Test"),
                ("instance", "a"),
                ("severity", "warn"),
            ],
            &[("summary", "s1")],
            started,
            utc("2026-11-21T04:28:31.313Z"),
        ),
        alert(
            &[
                ("alertname", "Test"),
                ("instance", "b"),
                ("severity", "warn"),
            ],
            &[("summary", "s1")],
            started,
            utc("2026-11-21T04:33:27Z"),
        ),
    ];
    n.notify(&ctx, &alerts).await.expect("sent");

    let req = server.single_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.uri, "/hook?x=1");
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("user-agent"), Some("Alertmanager/0.34.0"));
    assert_eq!(
        req.header("content-length"),
        Some(req.body.len().to_string().as_str())
    );
    assert_eq!(req.body_str(), EXPECTED_034);

    // Without the two fields 0.25 lacked, the bytes are 0.25's capture.
    let as_025 = req
        .body_str()
        .replace("\"notification_reason\":\"first notification\",", "")
        .replace("\"routeLabels\":{},", "");
    assert_eq!(as_025, format!("{CAPTURE_025}\n"));
}

#[tokio::test]
async fn route_labels_reason_and_escaping_in_payload() {
    let server = RecordingServer::ok().await;
    let n = notifier(settings(&server.url("/")));
    let mut ctx = context("r(1)", &[], "repeat interval elapsed");
    ctx.flush.route_labels = crate::support::labels(&[("team", "<ops & dev>")]);
    let alerts = [alert(
        &[("alertname", "A"), ("q", "\"x\"\n\u{2028}")],
        &[],
        utc("2026-01-01T00:00:00Z"),
        Time::ZERO,
    )];
    n.notify(&ctx, &alerts).await.expect("sent");
    let body = server.single_request().body_str().to_owned();
    assert!(
        body.starts_with(r#"{"receiver":"r\\(1\\)","status":"firing","#),
        "{body}"
    );
    assert!(body.contains(r#""q":"\"x\"\n\u2028""#), "{body}");
    assert!(
        body.contains(r#""notification_reason":"repeat interval elapsed","groupLabels":{},"#),
        "{body}"
    );
    assert!(
        body.contains(r#""routeLabels":{"team":"\u003cops \u0026 dev\u003e"},"externalURL""#),
        "{body}"
    );
}

#[tokio::test]
async fn max_alerts_truncates_before_common_labels() {
    let server = RecordingServer::ok().await;
    let mut s = settings(&server.url("/"));
    s.max_alerts = 2;
    let n = notifier(s);
    let ctx = context("r", &[("alertname", "A")], "first notification");
    let t = utc("2026-01-01T00:00:00Z");
    let alerts = [
        alert(
            &[("alertname", "A"), ("sev", "x"), ("i", "1")],
            &[],
            t,
            Time::ZERO,
        ),
        alert(
            &[("alertname", "A"), ("sev", "x"), ("i", "2")],
            &[],
            t,
            Time::ZERO,
        ),
        alert(
            &[("alertname", "A"), ("sev", "y"), ("i", "3")],
            &[],
            t,
            Time::ZERO,
        ),
    ];
    n.notify(&ctx, &alerts).await.expect("sent");
    let body = server.single_request().body_str().to_owned();
    assert_eq!(body.matches("\"fingerprint\"").count(), 2, "{body}");
    assert!(
        body.contains(r#""commonLabels":{"alertname":"A","sev":"x"}"#),
        "{body}"
    );
    assert!(body.ends_with("\"truncatedAlerts\":1}\n"), "{body}");
}

#[tokio::test]
async fn basic_auth_header() {
    let server = RecordingServer::ok().await;
    let mut s = settings(&server.url("/"));
    s.http.basic_auth = Some(BasicAuth {
        username: Secret::Inline("user".into()),
        password: Secret::Inline("pa:ss".into()),
    });
    send_one(&notifier(s)).await.expect("sent");
    // base64("user:pa:ss")
    assert_eq!(
        server.single_request().header("authorization"),
        Some("Basic dXNlcjpwYTpzcw==")
    );
}

#[tokio::test]
async fn authorization_header_default_and_custom_type() {
    let server = RecordingServer::ok().await;
    let mut s = settings(&server.url("/"));
    s.http.authorization = Some(Authorization {
        credentials: Secret::Inline("tok".into()),
        ..Default::default()
    });
    send_one(&notifier(s.clone())).await.expect("sent");
    s.http.authorization = Some(Authorization {
        auth_type: "Token".into(),
        credentials: Secret::Inline("abc".into()),
    });
    send_one(&notifier(s)).await.expect("sent");
    let auth: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        auth,
        [Some("Bearer tok".to_owned()), Some("Token abc".to_owned())]
    );
}

#[tokio::test]
async fn credentials_file_is_read_on_every_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = dir.path().join("token");
    std::fs::write(&token, "one\n").expect("write");
    let server = RecordingServer::ok().await;
    let mut s = settings(&server.url("/"));
    s.http.authorization = Some(Authorization {
        credentials: Secret::File(token.clone()),
        ..Default::default()
    });
    let n = notifier(s);
    send_one(&n).await.expect("sent");
    std::fs::write(&token, "two").expect("write");
    send_one(&n).await.expect("sent");
    let auth: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        auth,
        [Some("Bearer one".to_owned()), Some("Bearer two".to_owned())]
    );

    std::fs::remove_file(&token).expect("remove");
    let err = send_one(&n).await.expect_err("no credentials");
    assert!(
        err.retry,
        "upstream fails inside the round-tripper, which the webhook retries"
    );
    assert_eq!(
        err.message,
        format!(
            "Post \"<redacted>\": unable to read authorization credentials: unable to read file {0}: open {0}: no such file or directory",
            token.display()
        )
    );
}

#[tokio::test]
async fn http_headers_are_added() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("h");
    std::fs::write(&file, " from-file \n").expect("write");
    let server = RecordingServer::ok().await;
    let mut s = settings(&server.url("/"));
    s.http.http_headers = vec![HttpHeader {
        name: "X-Team".into(),
        values: vec!["a".into(), "b".into()],
        secrets: vec!["s".into()],
        files: vec![file],
    }];
    send_one(&notifier(s)).await.expect("sent");
    assert_eq!(
        server.single_request().header_all("x-team"),
        ["a", "b", "s", "from-file"]
    );
}

#[tokio::test]
async fn server_errors_are_retried_with_upstream_text() {
    let server = RecordingServer::start(|_| Reply::status(500).with_body("boom")).await;
    let err = send_one(&notifier(settings(&server.url("/"))))
        .await
        .expect_err("500");
    assert_eq!(
        parts(&err),
        (
            true,
            FailureReason::ServerError,
            "unexpected status code 500: boom"
        )
    );
}

#[tokio::test]
async fn client_errors_are_final() {
    let server = RecordingServer::start(|_| Reply::status(404)).await;
    let err = send_one(&notifier(settings(&server.url("/"))))
        .await
        .expect_err("404");
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::ClientError,
            "unexpected status code 404"
        )
    );
}

#[tokio::test]
async fn rate_limiting_is_final_for_webhooks() {
    let server = RecordingServer::start(|_| Reply::status(429).with_body("slow down")).await;
    let err = send_one(&notifier(settings(&server.url("/"))))
        .await
        .expect_err("429");
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::RateLimited,
            "unexpected status code 429: slow down"
        )
    );
}

#[tokio::test]
async fn auth_failures_are_final() {
    let server = RecordingServer::start(|_| Reply::status(403)).await;
    let err = send_one(&notifier(settings(&server.url("/"))))
        .await
        .expect_err("403");
    assert_eq!((err.retry, err.reason), (false, FailureReason::AuthError));
}

#[tokio::test]
async fn timeout_is_retried_and_named() {
    let server = RecordingServer::start(|_| Reply::status(200).after(Duration::from_secs(5))).await;
    let mut s = settings(&server.url("/secret-path"));
    s.timeout = Duration::from_millis(200);
    let started = std::time::Instant::now();
    let err = send_one(&notifier(s)).await.expect_err("timeout");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        parts(&err),
        (
            true,
            FailureReason::Other,
            "Post \"<redacted>\": context deadline exceeded: configured webhook timeout reached (200ms)"
        )
    );
}

#[tokio::test]
async fn connection_refused_is_retried_without_leaking_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = format!("http://user:secret@{addr}/token-in-path");
    let err = send_one(&notifier(settings(&url)))
        .await
        .expect_err("refused");
    assert!(err.retry);
    assert_eq!(err.reason, FailureReason::Other);
    assert!(
        err.message.starts_with("Post \"<redacted>\": "),
        "{}",
        err.message
    );
    assert!(
        !err.message.contains("secret") && !err.message.contains("token-in-path"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn url_file_is_read_at_send_time() {
    let first = RecordingServer::ok().await;
    let second = RecordingServer::ok().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("url");
    std::fs::write(&path, format!("{}\n", first.url("/a"))).expect("write");
    let mut s = settings("");
    s.url = WebhookUrl::File(path.clone());
    let n = notifier(s);
    send_one(&n).await.expect("sent");
    std::fs::write(&path, second.url("/b")).expect("write");
    send_one(&n).await.expect("sent");
    assert_eq!(first.single_request().uri, "/a");
    assert_eq!(second.single_request().uri, "/b");

    std::fs::write(&path, "  \n").expect("write");
    let err = send_one(&n).await.expect_err("empty");
    assert_eq!(
        (err.retry, err.message.as_str()),
        (false, "webhook URL is empty after templating")
    );

    let missing = PathBuf::from("/nonexistent/tocsin/url");
    let mut s = settings("");
    s.url = WebhookUrl::File(missing);
    let err = send_one(&notifier(s)).await.expect_err("missing");
    assert_eq!(
        (err.retry, err.message.as_str()),
        (
            false,
            "read url_file: open /nonexistent/tocsin/url: no such file or directory"
        )
    );
}

#[tokio::test]
async fn redirects_follow_the_setting() {
    let server = RecordingServer::start(|r| {
        if r.uri == "/old" {
            Reply::status(307).redirect_to("/new")
        } else {
            Reply::status(200)
        }
    })
    .await;
    send_one(&notifier(settings(&server.url("/old"))))
        .await
        .expect("followed");
    let uris: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.uri))
        .collect();
    assert_eq!(
        uris,
        [
            ("POST".to_owned(), "/old".to_owned()),
            ("POST".to_owned(), "/new".to_owned())
        ]
    );

    let mut s = settings(&server.url("/old"));
    s.http.follow_redirects = false;
    let err = send_one(&notifier(s)).await.expect_err("not followed");
    assert_eq!(
        (err.retry, err.message.as_str()),
        (false, "unexpected status code 307")
    );
}

#[tokio::test]
async fn connections_are_reused() {
    let server = RecordingServer::ok().await;
    let n = notifier(settings(&server.url("/")));
    for _ in 0..50 {
        send_one(&n).await.expect("sent");
    }
    assert_eq!(server.requests().len(), 50);
    assert_eq!(server.connections(), 1);
}

/// Not a pass/fail test: measures sequential notifications per second on
/// this machine (`cargo test -p tocsin-notify --release -- --ignored
/// --nocapture throughput`).
#[tokio::test]
#[ignore = "measurement, run by hand"]
async fn throughput() {
    let server = RecordingServer::ok().await;
    let n = notifier(settings(&server.url("/")));
    let ctx = context("team", &[("alertname", "A")], "first notification");
    let t = utc("2026-11-21T04:00:00Z");
    let alerts: Vec<_> = (0..10)
        .map(|i| {
            alert(
                &[("alertname", "A"), ("instance", &format!("host-{i}"))],
                &[("summary", "s")],
                t,
                Time::ZERO,
            )
        })
        .collect();
    let count = 5000;
    let started = std::time::Instant::now();
    for _ in 0..count {
        n.notify(&ctx, &alerts).await.expect("sent");
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{count} notifications (10 alerts each) in {elapsed:?}: {:.0}/s",
        count as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::test]
async fn unusable_urls_are_retried_like_upstream() {
    // Upstream returns `true, RedactURL(err)` for every request error,
    // including URLs that `http.NewRequest` rejects.
    for url in ["not a url", "ftp://example.com/hook"] {
        let err = send_one(&notifier(settings(url))).await.expect_err("fails");
        assert!(err.retry, "{url}: {err:?}");
        assert!(
            err.message.starts_with("Post \"<redacted>\": "),
            "{url}: {err:?}"
        );
    }
}

#[tokio::test]
async fn proxy_url_and_no_proxy() {
    let proxy = RecordingServer::ok().await;
    let mut s = settings("http://webhook.invalid/hook");
    s.http.proxy.proxy_url = Some(proxy.url(""));
    send_one(&notifier(s.clone()))
        .await
        .expect("sent through the proxy");
    let req = proxy.single_request();
    assert_eq!(req.header("host"), Some("webhook.invalid"));
    assert_eq!(req.method, "POST");

    // Bypassing the proxy means resolving `webhook.invalid`, which fails.
    s.http.proxy.no_proxy = Some("example.com,webhook.invalid".into());
    let err = send_one(&notifier(s)).await.expect_err("direct connection");
    assert!(err.retry, "{err:?}");
    assert_eq!(proxy.requests().len(), 1);
}
