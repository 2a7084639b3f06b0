//! `http_config.oauth2` (client credentials) end to end: a loopback token
//! endpoint and a loopback receiver. The token request's form, client
//! authentication and scopes; one token reused across sends and renewed
//! once it is within 10 seconds of `expires_in`; the fallback to form
//! credentials; a rotated secret file; a failing token endpoint failing the
//! notification with a retryable, readable error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use tocsin_alerting::notifier::Notifier;
use tocsin_notify::http::{HttpClient, HttpClientSettings};
use tocsin_notify::webhook::WebhookNotifier;

use crate::support::{Recorded, RecordingServer, Reply, context, env, firing, receiver, templates};

/// A token endpoint handing out `tok-1`, `tok-2`, … valid `expires_in` seconds.
async fn token_server(expires_in: Option<u64>) -> RecordingServer {
    let issued = Arc::new(AtomicUsize::new(0));
    RecordingServer::start(move |_| {
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let expiry = expires_in.map_or(String::new(), |s| format!(r#","expires_in":{s}"#));
        Reply::json(
            200,
            &format!(r#"{{"access_token":"tok-{n}","token_type":"bearer"{expiry}}}"#),
        )
    })
    .await
}

fn client(oauth2_yaml: &str) -> HttpClient {
    let r = receiver(
        "",
        &format!(
            "- name: team\n  webhook_configs:\n  - url: http://h/\n    http_config:\n      oauth2:\n{oauth2_yaml}"
        ),
    );
    let config = r.webhook_configs[0]
        .http_config
        .as_ref()
        .expect("http_config");
    let settings = HttpClientSettings::from_config(config).expect("settings");
    HttpClient::new(&settings, "Alertmanager/test").expect("client")
}

fn basic_credentials(req: &Recorded) -> String {
    let header = req.header("authorization").expect("authorization");
    let encoded = header.strip_prefix("Basic ").expect("basic auth");
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64"),
    )
    .expect("utf-8")
}

async fn post(client: &HttpClient, url: &str) -> u16 {
    client
        .post(url, "application/json", b"{}".to_vec(), None)
        .await
        .expect("sent")
        .status
}

#[tokio::test]
async fn token_is_reused_until_shortly_before_expiry_then_renewed() {
    // 12 s minus the 10 s expiry margin: fresh for about 2 s.
    let tokens = token_server(Some(12)).await;
    let target = RecordingServer::answering(200).await;
    let client = client(&format!(
        "        client_id: my id\n        client_secret: s&cret/\n        scopes: [read, write]\n        token_url: {}\n        endpoint_params:\n          audience: alerts\n",
        tokens.url("/oauth/token")
    ));
    assert_eq!(post(&client, &target.url("/hook")).await, 200);
    assert_eq!(post(&client, &target.url("/hook")).await, 200);
    let token_requests = tokens.requests();
    assert_eq!(token_requests.len(), 1, "one token for both sends");
    let token_request = &token_requests[0];
    assert_eq!(
        (token_request.method.as_str(), token_request.uri.as_str()),
        ("POST", "/oauth/token")
    );
    assert_eq!(
        token_request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token_request.body_str(),
        "audience=alerts&grant_type=client_credentials&scope=read+write"
    );
    // x/oauth2 URL-escapes id and secret inside the Basic header.
    assert_eq!(basic_credentials(token_request), "my+id:s%26cret%2F");
    assert_eq!(
        token_request.header("user-agent"),
        Some("Alertmanager/test")
    );
    let sent: Vec<_> = target
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer tok-1", "Bearer tok-1"]);

    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(post(&client, &target.url("/hook")).await, 200);
    assert_eq!(tokens.requests().len(), 2, "renewed after expiry");
    assert_eq!(last_authorization(&target), "Bearer tok-2");
}

#[tokio::test]
async fn credentials_move_to_the_form_when_the_header_is_rejected() {
    let tokens = RecordingServer::start(|req| {
        if req.header("authorization").is_some() {
            Reply::json(401, r#"{"error":"invalid_client"}"#)
        } else {
            Reply::text(200, "access_token=form-token&token_type=bearer")
        }
    })
    .await;
    let target = RecordingServer::answering(200).await;
    let client = client(&format!(
        "        client_id: id\n        client_secret: secret\n        token_url: {}\n",
        tokens.url("/token")
    ));
    assert_eq!(post(&client, &target.url("/")).await, 200);
    assert_eq!(post(&client, &target.url("/")).await, 200);
    let token_requests = tokens.requests();
    assert_eq!(
        token_requests.len(),
        2,
        "header first, then the form; then cached"
    );
    assert_eq!(
        token_requests[1].body_str(),
        "client_id=id&client_secret=secret&grant_type=client_credentials"
    );
    assert_eq!(last_authorization(&target), "Bearer form-token");
}

#[tokio::test]
async fn a_changed_secret_file_fetches_a_new_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "first\n").expect("write");
    let tokens = token_server(None).await;
    let target = RecordingServer::answering(200).await;
    let client = client(&format!(
        "        client_id: id\n        client_secret_file: {}\n        token_url: {}\n",
        secret.display(),
        tokens.url("/token")
    ));
    assert_eq!(post(&client, &target.url("/")).await, 200);
    std::fs::write(&secret, "second").expect("write");
    assert_eq!(post(&client, &target.url("/")).await, 200);
    let secrets: Vec<_> = tokens.requests().iter().map(basic_credentials).collect();
    assert_eq!(secrets, ["id:first", "id:second"]);
    assert_eq!(last_authorization(&target), "Bearer tok-2");
}

#[tokio::test]
async fn a_failing_token_endpoint_fails_the_notification_retryably() {
    let tokens = RecordingServer::start(|_| Reply::text(500, "boom")).await;
    let target = RecordingServer::answering(200).await;
    let r = receiver(
        "",
        &format!(
            "- name: team\n  webhook_configs:\n  - url: {}\n    http_config:\n      oauth2:\n        client_id: id\n        client_secret: s\n        token_url: {}\n",
            target.url("/hook"),
            tokens.url("/token")
        ),
    );
    let notifier = WebhookNotifier::from_config(&r.webhook_configs[0], 0, templates(), &env())
        .expect("oauth2 is supported");
    let err = notifier
        .notify(&context(&[]), &[firing(&[("alertname", "A")], &[])])
        .await
        .expect_err("token endpoint fails");
    assert!(err.retry, "retried like a network error");
    assert_eq!(
        err.message,
        "Post \"<redacted>\": oauth2: cannot fetch token: 500 Internal Server Error\nResponse: boom"
    );
    assert!(target.requests().is_empty(), "nothing sent without a token");
}

/// The `Authorization` header of the latest request `server` received.
fn last_authorization(server: &RecordingServer) -> String {
    server
        .requests()
        .last()
        .and_then(|r| r.header("authorization"))
        .unwrap_or_default()
        .to_owned()
}
