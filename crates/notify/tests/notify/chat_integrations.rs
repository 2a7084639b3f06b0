//! Webex, Microsoft Teams (both flavours), Mattermost and Rocket.Chat
//! against stand-in servers. Expected bodies were produced by Go 1.19's
//! `json.NewEncoder(…).Encode` on upstream 0.34's message structs filled
//! with the same values (see each test).

use tocsin_alerting::notifier::{FailureReason, Notifier};
use tocsin_notify::mattermost::MattermostNotifier;
use tocsin_notify::msteams::MsTeamsNotifier;
use tocsin_notify::msteamsv2::MsTeamsV2Notifier;
use tocsin_notify::preview::{Preview, Rendered};
use tocsin_notify::rocketchat::RocketchatNotifier;
use tocsin_notify::webex::WebexNotifier;

use crate::integration_support::{ctx, env, firing, parts, receiver, resolved, templates};
use crate::support::{RecordingServer, Reply};

#[tokio::test]
async fn webex_posts_markdown_to_the_room_with_the_bot_token() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "webex_configs:\n- api_url: {}\n  room_id: 'room-{{{{ .GroupLabels.alertname }}}}'\n  message: 'M <{{{{ .Status }}}}>'\n  http_config:\n    authorization:\n      credentials: bot-token\n",
        server.url("/v1/messages")
    ));
    let n = WebexNotifier::new(&r.webex_configs[0], 0, templates(), &env()).expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(
        (req.method.as_str(), req.uri.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(req.header("authorization"), Some("Bearer bot-token"));
    assert_eq!(
        req.body_str(),
        "{\"markdown\":\"M \\u003cfiring\\u003e\",\"roomId\":\"room-Disk\"}\n"
    );
}

#[tokio::test]
async fn webex_cuts_messages_at_7439_bytes() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "webex_configs:\n- api_url: {}\n  room_id: r\n  message: '{}'\n  http_config:\n    authorization:\n      credentials: t\n",
        server.url("/m"),
        "€".repeat(3000)
    ));
    let n = WebexNotifier::new(&r.webex_configs[0], 0, templates(), &env()).expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let body: serde_json::Value = serde_json::from_slice(&server.single_request().body).unwrap();
    let markdown = body["markdown"].as_str().unwrap();
    // 7436 bytes of text hold 2478 whole euro signs (3 bytes each).
    assert_eq!(markdown, format!("{}…", "€".repeat(2478)));
    assert!(markdown.len() <= 7439);
}

#[tokio::test]
async fn msteams_sends_a_message_card() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "msteams_configs:\n- webhook_url: {}\n  title: 'T {{{{ .Status }}}}'\n  summary: 'S <1>'\n  text: 'X & y'\n",
        server.url("/webhookb2/x")
    ));
    let n = MsTeamsNotifier::new(&r.msteams_configs[0], 0, templates(), &env()).expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        req.body_str(),
        "{\"@context\":\"http://schema.org/extensions\",\"type\":\"MessageCard\",\"title\":\"T firing\",\"summary\":\"S \\u003c1\\u003e\",\"text\":\"X \\u0026 y\",\"themeColor\":\"8C1A1A\"}\n"
    );
    let failing = RecordingServer::start(|_| Reply::status(413).with_body("too big")).await;
    let r2 = receiver(&format!(
        "msteams_configs:\n- webhook_url: {}\n",
        failing.url("/x")
    ));
    let err = MsTeamsNotifier::new(&r2.msteams_configs[0], 0, templates(), &env())
        .expect("notifier")
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::ClientError,
            "unexpected status code 413: too big"
        )
    );
}

#[tokio::test]
async fn msteamsv2_sends_an_adaptive_card() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "msteamsv2_configs:\n- webhook_url: {}\n  title: 'T {{{{ .Status }}}}'\n  text: ''\n",
        server.url("/workflows/x")
    ));
    let n =
        MsTeamsV2Notifier::new(&r.msteamsv2_configs[0], 0, templates(), &env()).expect("notifier");
    n.notify(&ctx(), &resolved()).await.expect("sent");
    assert_eq!(
        server.single_request().body_str(),
        "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.2\",\"body\":[{\"type\":\"TextBlock\",\"text\":\"T resolved\",\"weight\":\"Bolder\",\"size\":\"Medium\",\"wrap\":true,\"style\":\"heading\",\"color\":\"Good\"},{\"type\":\"TextBlock\",\"text\":\"\",\"wrap\":true}],\"msteams\":{\"width\":\"full\"}}}]}\n"
    );
}

#[tokio::test]
async fn msteamsv2_default_text_uses_the_markdown_alert_list() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "msteamsv2_configs:\n- webhook_url: {}\n",
        server.url("/w")
    ));
    let n =
        MsTeamsV2Notifier::new(&r.msteamsv2_configs[0], 0, templates(), &env()).expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let body: serde_json::Value = serde_json::from_slice(&server.single_request().body).unwrap();
    let blocks = &body["attachments"][0]["content"]["body"];
    assert_eq!(blocks[0]["text"], "[FIRING:2] Disk (page)");
    assert_eq!(blocks[0]["color"], "Attention");
    let text = blocks[1]["text"].as_str().unwrap();
    assert!(text.contains("# Alerts Firing:"), "{text}");
    assert!(text.contains("  - instance = b\n"), "{text}");
}

#[tokio::test]
async fn mattermost_single_attachment_with_fields_and_priority() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "mattermost_configs:\n- webhook_url: {}\n  channel: '#ops'\n  username: am\n  text: body\n  fallback: fb\n  color: danger\n  title: T\n  title_link: http://am/x\n  fields:\n  - {{title: a, value: '1', short: true}}\n  - {{title: b, value: '2'}}\n  priority: {{priority: IMPORTANT, requested_ack: true, persistent_notifications: true}}\n  props: {{card: card}}\n",
        server.url("/hooks/abc")
    ));
    let n = MattermostNotifier::new(&r.mattermost_configs[0], 0, templates(), &env())
        .expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    // Upstream lower-cases the priority and drops persistent notifications
    // below `urgent`.
    assert_eq!(
        server.single_request().body_str(),
        "{\"channel\":\"#ops\",\"username\":\"am\",\"attachments\":[{\"fallback\":\"fb\",\"color\":\"danger\",\"text\":\"body\",\"title\":\"T\",\"title_link\":\"http://am/x\",\"fields\":[{\"title\":\"a\",\"value\":\"1\",\"short\":true},{\"title\":\"b\",\"value\":\"2\"}]}],\"props\":{\"card\":\"card\"},\"priority\":{\"priority\":\"important\",\"requested_ack\":true}}\n"
    );
}

#[tokio::test]
async fn mattermost_configured_attachments_move_the_text_up() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "mattermost_configs:\n- webhook_url: {}\n  username: ''\n  text: top\n  attachments:\n  - title: A1\n  - text: A2\n    fields: [{{title: x, value: y, short: false}}]\n",
        server.url("/hooks/abc")
    ));
    let n = MattermostNotifier::new(&r.mattermost_configs[0], 0, templates(), &env())
        .expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    assert_eq!(
        server.single_request().body_str(),
        "{\"text\":\"top\",\"attachments\":[{\"title\":\"A1\"},{\"text\":\"A2\",\"fields\":[{\"title\":\"x\",\"value\":\"y\",\"short\":false}]}]}\n"
    );
}

#[tokio::test]
async fn mattermost_errors_name_the_channel() {
    let server = RecordingServer::start(|_| Reply::status(503).with_body("down")).await;
    let r = receiver(&format!(
        "mattermost_configs:\n- webhook_url: {}\n  channel: town-square\n",
        server.url("/h")
    ));
    let err = MattermostNotifier::new(&r.mattermost_configs[0], 0, templates(), &env())
        .expect("notifier")
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert_eq!(
        parts(&err),
        (
            true,
            FailureReason::ServerError,
            "channel \"town-square\": unexpected status code 503: down"
        )
    );
}

fn rocketchat_block(url: &str) -> String {
    format!(
        "rocketchat_configs:\n- api_url: {url}\n  token: tok\n  token_id: uid\n  channel: '#alerts'\n  emoji: ':fire:'\n  icon_url: http://img/a.png\n  title: T\n  title_link: http://am\n  text: txt\n  short_fields: true\n  fields:\n  - {{title: f1, value: v1}}\n  - {{title: f2, value: v2, short: false}}\n  actions:\n  - {{type: button, text: Open, url: 'http://x'}}\n"
    )
}

#[tokio::test]
async fn rocketchat_posts_with_token_headers() {
    let server =
        RecordingServer::start(|_| Reply::status(200).with_body(r#"{"success":true}"#)).await;
    let r = receiver(&rocketchat_block(&server.url("/")));
    let n = RocketchatNotifier::new(&r.rocketchat_configs[0], 0, templates(), &env())
        .expect("notifier");
    assert!(!n.send_resolved(), "upstream's code default is false");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.uri, "/api/v1/chat.postMessage");
    assert_eq!(req.header("x-auth-token"), Some("tok"));
    assert_eq!(req.header("x-user-id"), Some("uid"));
    assert_eq!(
        req.body_str(),
        "{\"channel\":\"#alerts\",\"emoji\":\":fire:\",\"avatar\":\"http://img/a.png\",\"attachments\":[{\"title\":\"T\",\"title_link\":\"http://am\",\"text\":\"txt\",\"color\":\"red\",\"fields\":[{\"short\":true,\"title\":\"f1\",\"value\":\"v1\"},{\"short\":false,\"title\":\"f2\",\"value\":\"v2\"}],\"actions\":[{\"type\":\"button\",\"text\":\"Open\",\"url\":\"http://x\",\"is_webview\":false,\"msg_in_chat_window\":false}]}]}\n"
    );
    let preview = n.preview(&ctx(), &firing()).expect("preview");
    let Rendered::Http { headers, .. } = &preview[0] else {
        panic!("http preview expected");
    };
    assert!(headers.contains(&("X-Auth-Token".to_owned(), "<secret>".to_owned())));
}

#[tokio::test]
async fn rocketchat_answers_with_success_false_are_errors() {
    let cases = [
        (
            200,
            r#"{"success":false,"error":"error-not-allowed"}"#,
            (false, FailureReason::ClientError),
            "channel \"#alerts\": error response from Rocketchat: error-not-allowed".to_owned(),
        ),
        (
            200,
            "not json",
            (true, FailureReason::ClientError),
            "channel \"#alerts\": could not unmarshal JSON response \"not json\": invalid character 'o' in literal null (expecting 'u')".to_owned(),
        ),
        (
            401,
            r#"{"status":"error","message":"You must be logged in to do this."}"#,
            (false, FailureReason::AuthError),
            "channel \"#alerts\": unexpected status code 401: {\"status\":\"error\",\"message\":\"You must be logged in to do this.\"}".to_owned(),
        ),
    ];
    for (status, body, (retry, reason), message) in cases {
        let server = RecordingServer::start(move |_| Reply::status(status).with_body(body)).await;
        let r = receiver(&rocketchat_block(&server.url("/")));
        let err = RocketchatNotifier::new(&r.rocketchat_configs[0], 0, templates(), &env())
            .expect("notifier")
            .notify(&ctx(), &firing())
            .await
            .unwrap_err();
        assert_eq!(parts(&err), (retry, reason, message.as_str()), "{body}");
    }
}

#[tokio::test]
async fn rocketchat_token_files_are_read_when_built() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "from-file\n").unwrap();
    let r = receiver(&format!(
        "rocketchat_configs:\n- api_url: http://127.0.0.1:1/\n  token_file: {}\n  token_id_file: {}/missing\n",
        token.display(),
        dir.path().display()
    ));
    let err = RocketchatNotifier::new(&r.rocketchat_configs[0], 0, templates(), &env())
        .err()
        .expect("missing token id file");
    assert_eq!(
        err.to_string(),
        format!(
            "could not read {0}/missing: open {0}/missing: no such file or directory",
            dir.path().display()
        )
    );
}
