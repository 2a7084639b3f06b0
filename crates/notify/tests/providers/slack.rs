//! Slack against a stub: exact bodies with every field configured, the
//! default templates, bot-token requests, title truncation, answer
//! classification (`ok`, `{"ok":false,"error":"invalid_token"}`, statuses)
//! and `api_url_file`; `update_message` posting once, then editing that
//! message through `chat.update` with the stored `ts` and channel.

use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyError, ReceiverData};
use tocsin_config::notifiers::SlackConfig;
use tocsin_notify::preview::{Preview, Rendered};
use tocsin_notify::slack::SlackNotifier;

use crate::support::{RecordingServer, Reply, context, env, firing, receiver, resolved, templates};

fn slack_config(global: &str, config: &str) -> SlackConfig {
    let receiver = receiver(global, &format!("- name: team\n  slack_configs:\n{config}"));
    receiver
        .slack_configs
        .first()
        .expect("slack config")
        .clone()
}

fn notifier(global: &str, config: &str) -> SlackNotifier {
    SlackNotifier::new(&slack_config(global, config), 0, templates(), &env()).expect("notifier")
}

async fn send(n: &SlackNotifier, alerts: &[Alert]) -> Result<(), NotifyError> {
    n.notify(&context(&[("alertname", "Test")]), alerts).await
}

fn test_alert() -> Alert {
    firing(
        &[
            ("alertname", "Test"),
            ("severity", "critical"),
            ("team", "a"),
        ],
        &[("summary", "s1")],
    )
}

const EVERY_FIELD: &str = r##"    channel: '#alerts'
    username: 'bot {{ .CommonLabels.team }}'
    color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'
    title: 'T {{ .GroupLabels.alertname }}'
    title_link: 'http://x/{{ .GroupLabels.alertname }}'
    pretext: pre
    text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}'
    fields:
    - title: sev
      value: '{{ .CommonLabels.severity }}'
    - title: long
      value: v
      short: false
    short_fields: true
    footer: foot
    fallback: fb
    callback_id: cb
    icon_emoji: ':fire:'
    icon_url: 'http://i/x.png'
    image_url: 'http://i/img.png'
    thumb_url: 'http://i/th.png'
    link_names: true
    mrkdwn_in: [text, pretext]
    message_text: 'msg <@U1>'
    actions:
    - type: button
      text: Runbook
      url: 'http://runbook/{{ .GroupLabels.alertname }}'
      style: primary
    - type: button
      text: Ack
      name: ack
      value: '{{ .GroupLabels.alertname }}'
      confirm:
        text: Sure?
        title: Confirm
        ok_text: 'Yes'
        dismiss_text: 'No'
"##;

/// The body upstream's `request`/`attachment` structs encode for
/// [`EVERY_FIELD`] (field order and omitempty from `notify/slack/types.go`
/// and `config.SlackField`/`SlackAction`/`SlackConfirmationField`).
const EVERY_FIELD_BODY: &str = concat!(
    r##"{"channel":"#alerts","username":"bot a","icon_emoji":":fire:","icon_url":"http://i/x.png","link_names":true,"text":"msg \u003c@U1\u003e","attachments":[{"##,
    r##""title":"T Test","title_link":"http://x/Test","pretext":"pre","text":"s1","fallback":"fb","callback_id":"cb","##,
    r##""fields":[{"title":"sev","value":"critical","short":true},{"title":"long","value":"v","short":false}],"##,
    r##""actions":[{"type":"button","text":"Runbook","url":"http://runbook/Test","style":"primary"},{"type":"button","text":"Ack","name":"ack","value":"Test","confirm":{"text":"Sure?","title":"Confirm","ok_text":"Yes","dismiss_text":"No"}}],"##,
    r##""image_url":"http://i/img.png","thumb_url":"http://i/th.png","footer":"foot","color":"danger","mrkdwn_in":["text","pretext"]}]}"##,
    "\n"
);

#[tokio::test]
async fn every_field_is_sent_as_upstream_encodes_it() {
    let stub = RecordingServer::start(|_| Reply::text(200, "ok")).await;
    let n = notifier(
        "",
        &format!(
            "  - api_url: {}\n{EVERY_FIELD}",
            stub.url("/services/T/B/X")
        ),
    );
    send(&n, &[test_alert()]).await.expect("sent");
    let request = stub.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.uri, "/services/T/B/X");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some("Alertmanager/0.34.0"));
    assert_eq!(request.body_str(), EVERY_FIELD_BODY);

    // The preview is the same request.
    let preview = n
        .preview(&context(&[("alertname", "Test")]), &[test_alert()])
        .expect("preview");
    let [
        Rendered::Http {
            body, url_masked, ..
        },
    ] = preview.as_slice()
    else {
        panic!("one HTTP request expected: {preview:?}");
    };
    assert_eq!(body, &request.body);
    assert_eq!(url_masked, "<secret>");
}

#[tokio::test]
async fn default_templates() {
    let stub = RecordingServer::start(|_| Reply::text(200, "ok")).await;
    let n = notifier("", &format!("  - api_url: {}\n", stub.url("/hook")));
    send(&n, &[test_alert()]).await.expect("sent");
    let title_link = "http://am.example:9093/#/alerts?receiver=team";
    assert_eq!(
        stub.single_request().body_str(),
        format!(
            concat!(
                r#"{{"username":"Alertmanager","attachments":[{{"title":"[FIRING:1] Test (critical a)","#,
                r#""title_link":"{link}","text":"","fallback":"[FIRING:1] Test (critical a) | {link}","#,
                r#""callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}}]}}"#,
                "\n"
            ),
            link = title_link
        )
    );

    let stub = RecordingServer::start(|_| Reply::text(200, "ok")).await;
    let n = notifier("", &format!("  - api_url: {}\n", stub.url("/hook")));
    send(&n, &[resolved(&[("alertname", "Test")], &[])])
        .await
        .expect("sent");
    let body = stub.single_request().json();
    assert_eq!(body["attachments"][0]["color"], "good");
    assert_eq!(body["attachments"][0]["title"], "[RESOLVED] Test ");
}

#[tokio::test]
async fn bot_tokens_post_to_the_web_api_and_surface_slacks_error() {
    let stub = RecordingServer::start(|_| {
        Reply::json(200, r#"{"ok":false,"error":"invalid_token","warning":"x"}"#)
    })
    .await;
    let n = notifier(
        &format!("  slack_app_url: {}\n", stub.url("/api/chat.postMessage")),
        "  - app_token: xoxb-123\n    channel: '#ops'\n",
    );
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        r##"channel "#ops": error response from Slack: invalid_token"##
    );
    assert!(!err.retry);
    assert_eq!(err.reason, FailureReason::ClientError);
    let request = stub.single_request();
    assert_eq!(request.uri, "/api/chat.postMessage");
    assert_eq!(request.header("authorization"), Some("Bearer xoxb-123"));

    let ok =
        RecordingServer::start(|_| Reply::json(200, r#"{"ok":true,"channel":"C1","ts":"1.2"}"#))
            .await;
    let n = notifier(
        &format!("  slack_app_url: {}\n", ok.url("/api/chat.postMessage")),
        "  - app_token: xoxb-123\n    update_message: false\n",
    );
    send(&n, &[test_alert()]).await.expect("ok:true is success");
}

#[tokio::test]
async fn webhook_answers_other_than_ok_are_final_errors() {
    let stub = RecordingServer::start(|_| Reply::text(200, "invalid_payload")).await;
    let n = notifier("", &format!("  - api_url: {}\n", stub.url("/hook")));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        r#"channel "": received an error response from Slack: invalid_payload"#
    );
    assert!(!err.retry);
}

#[tokio::test]
async fn statuses_use_the_plain_retrier() {
    for (reply, retry, reason, message) in [
        (
            Reply::text(500, "oops"),
            true,
            FailureReason::ServerError,
            "channel \"\": unexpected status code 500: oops",
        ),
        (
            Reply::text(404, "no_service"),
            false,
            FailureReason::ClientError,
            "channel \"\": unexpected status code 404: no_service",
        ),
        (
            Reply::status(429),
            false,
            FailureReason::RateLimited,
            "channel \"\": unexpected status code 429",
        ),
    ] {
        let stub = RecordingServer::start(move |_| reply.clone()).await;
        let n = notifier("", &format!("  - api_url: {}\n", stub.url("/hook")));
        let err = send(&n, &[test_alert()]).await.unwrap_err();
        assert_eq!(err.message, message);
        assert_eq!(err.retry, retry, "{message}");
        assert_eq!(err.reason, reason, "{message}");
    }
}

#[tokio::test]
async fn long_titles_are_cut_to_1024_characters() {
    let stub = RecordingServer::start(|_| Reply::text(200, "ok")).await;
    let title = "é".repeat(1100);
    let n = notifier(
        "",
        &format!("  - api_url: {}\n    title: '{title}'\n", stub.url("/hook")),
    );
    send(&n, &[test_alert()]).await.expect("sent");
    let sent = stub.single_request().json()["attachments"][0]["title"]
        .as_str()
        .expect("title")
        .to_owned();
    assert_eq!(sent.chars().count(), 1024);
    assert_eq!(sent, format!("{}…", "é".repeat(1023)));
}

#[tokio::test]
async fn api_url_file_is_read_at_send_time() {
    let stub = RecordingServer::start(|_| Reply::text(200, "ok")).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("url");
    let n = notifier("", &format!("  - api_url_file: {}\n", path.display()));
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        format!("open {}: no such file or directory", path.display())
    );
    assert!(!err.retry);
    std::fs::write(&path, format!("  {}\n", stub.url("/from-file"))).expect("write");
    send(&n, &[test_alert()]).await.expect("sent");
    assert_eq!(stub.single_request().uri, "/from-file");
}

#[tokio::test]
async fn timeouts_are_retried_and_named() {
    let stub =
        RecordingServer::start(|_| Reply::text(200, "ok").after(Duration::from_secs(2))).await;
    let n = notifier(
        "",
        &format!("  - api_url: {}\n    timeout: 100ms\n", stub.url("/hook")),
    );
    let err = send(&n, &[test_alert()]).await.unwrap_err();
    assert!(err.retry);
    assert_eq!(
        err.message,
        "Post \"<redacted>\": context deadline exceeded: configured slack timeout reached (100ms)"
    );
}

/// A template that fails at run time fails the notification with the
/// template's error instead of posting a message with blank fields (a
/// deliberate difference from upstream), and nothing is sent.
#[tokio::test]
async fn a_failing_template_fails_the_notification_and_sends_nothing() {
    let stub = RecordingServer::start(|_| Reply::text(200, "ok")).await;
    let n = notifier(
        "",
        &format!(
            "  - api_url: '{}'\n    channel: '#alerts'\n    text: '{{{{ index .Alerts 5 }}}}'\n",
            stub.url("/hook")
        ),
    );
    let err = send(&n, &[test_alert()]).await.expect_err("template fails");
    assert!(!err.retry, "a template error is not retried");
    assert_eq!(err.reason, FailureReason::Other);
    assert!(
        err.message.contains("failed to template Slack message"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("index out of range"),
        "{}",
        err.message
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(stub.requests().is_empty(), "nothing may be posted");
}

/// A Web API stand-in: every method answers with where the message is, as
/// `chat.postMessage` and `chat.update` do.
async fn web_api() -> RecordingServer {
    RecordingServer::start(|_| {
        Reply::json(
            200,
            r#"{"ok":true,"channel":"C024BE91L","ts":"1503435956.000247","message":{}}"#,
        )
    })
    .await
}

/// A bot-token Slack integration with `update_message: true` against
/// `stub`. The configuration check only accepts Slack's own
/// `chat.postMessage` URL with update_message, so the flag is set after it.
fn updating_notifier(stub: &RecordingServer) -> SlackNotifier {
    let mut config = slack_config(
        &format!("  slack_app_url: {}\n", stub.url("/api/chat.postMessage")),
        "  - app_token: xoxb-123\n    channel: '#ops'\n    send_resolved: true\n",
    );
    config.update_message = true;
    SlackNotifier::new(&config, 0, templates(), &env()).expect("notifier")
}

#[tokio::test]
async fn update_message_posts_once_then_edits_that_message() {
    let stub = web_api().await;
    let n = updating_notifier(&stub);

    // First notification of the group: no receiver data yet.
    let first = context(&[("alertname", "Test")]);
    n.notify(&first, &[test_alert()]).await.expect("posted");
    assert_eq!(
        first.receiver_data.get_str("threadTs").as_deref(),
        Some("1503435956.000247")
    );
    assert_eq!(
        first.receiver_data.get_str("channelId").as_deref(),
        Some("C024BE91L")
    );

    // The next notification carries what the first one left (the pipeline
    // takes it from the notification log).
    let mut second = context(&[("alertname", "Test")]);
    second.receiver_data = ReceiverData::new(first.receiver_data.snapshot());
    let gone = resolved(&[("alertname", "Test"), ("severity", "critical")], &[]);
    n.notify(&second, &[test_alert(), gone])
        .await
        .expect("updated");

    let requests = stub.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].uri, "/api/chat.postMessage");
    let posted = requests[0].json();
    assert_eq!(posted["channel"], "#ops");
    assert!(posted.get("ts").is_none(), "a new message has no ts");

    assert_eq!(requests[1].uri, "/api/chat.update");
    assert_eq!(requests[1].header("authorization"), Some("Bearer xoxb-123"));
    let update = requests[1].json();
    assert_eq!(update["channel"], "C024BE91L");
    assert_eq!(update["ts"], "1503435956.000247");
    // The whole message is sent again, rendered for the new state.
    assert_eq!(
        posted["attachments"][0]["title"],
        "[FIRING:1] Test (critical a)"
    );
    assert_eq!(
        update["attachments"][0]["title"],
        "[FIRING:1] Test (critical)"
    );
    // Upstream's field order: `ts` right after `channel`.
    assert!(
        requests[1]
            .body_str()
            .starts_with(r#"{"channel":"C024BE91L","ts":"1503435956.000247","#),
        "{}",
        requests[1].body_str()
    );
}

#[tokio::test]
async fn a_failed_update_names_the_stored_channel_and_keeps_the_data() {
    let stub =
        RecordingServer::start(|_| Reply::json(200, r#"{"ok":false,"error":"message_not_found"}"#))
            .await;
    let n = updating_notifier(&stub);
    let ctx = context(&[("alertname", "Test")]);
    ctx.receiver_data.set_str("threadTs", "1.5");
    ctx.receiver_data.set_str("channelId", "C9");
    let err = n.notify(&ctx, &[test_alert()]).await.unwrap_err();
    assert_eq!(
        err.message,
        r#"channel "C9": error response from Slack: message_not_found"#
    );
    assert!(!err.retry);
    assert_eq!(stub.single_request().uri, "/api/chat.update");
    assert_eq!(
        ctx.receiver_data.get_str("threadTs").as_deref(),
        Some("1.5")
    );
}

#[tokio::test]
async fn without_update_message_nothing_is_stored_or_updated() {
    let stub = web_api().await;
    let n = notifier(
        &format!("  slack_app_url: {}\n", stub.url("/api/chat.postMessage")),
        "  - app_token: xoxb-123\n",
    );
    let ctx = context(&[("alertname", "Test")]);
    n.notify(&ctx, &[test_alert()]).await.expect("posted");
    assert_eq!(ctx.receiver_data.snapshot(), Default::default());
    ctx.receiver_data.set_str("threadTs", "1.5");
    ctx.receiver_data.set_str("channelId", "C9");
    n.notify(&ctx, &[test_alert()]).await.expect("posted");
    let uris: Vec<String> = stub.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(uris, ["/api/chat.postMessage", "/api/chat.postMessage"]);
}
