//! Telegram, Pushover, WeChat and incident.io against stand-in APIs:
//! request shapes, secrets from files, limits and the providers' own error
//! answers. Expected texts follow upstream 0.34 (telebot v3.3.8 for
//! Telegram); the Alertmanager 0.25 differential test covers the default
//! templates byte for byte.

use tocsin_alerting::notifier::{FailureReason, Notifier};
use tocsin_notify::incidentio::IncidentioNotifier;
use tocsin_notify::preview::{Preview, Rendered};
use tocsin_notify::pushover::PushoverNotifier;
use tocsin_notify::telegram::TelegramNotifier;
use tocsin_notify::wechat::WechatNotifier;

use crate::integration_support::{ctx, env, firing, parts, receiver, templates};
use crate::support::{RecordingServer, Reply};

const TELEGRAM_OK: &str = r#"{"ok":true,"result":{"message_id":1,"chat":{"id":-100}}}"#;

fn telegram(block: &str) -> TelegramNotifier {
    let r = receiver(block);
    TelegramNotifier::new(&r.telegram_configs[0], 0, templates(), &env()).expect("notifier")
}

#[tokio::test]
async fn telegram_plain_mode_request() {
    let server = RecordingServer::start(|_| Reply::status(200).with_body(TELEGRAM_OK)).await;
    let n = telegram(&format!(
        "telegram_configs:\n- api_url: {}\n  bot_token: '123:abc'\n  chat_id: -100\n  message_thread_id: 7\n  parse_mode: ''\n  message: 'M <{{{{ .Status }}}}> & x'\n",
        server.url("")
    ));
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.uri, "/bot123:abc/sendMessage");
    assert_eq!(req.header("user-agent"), Some("Go-http-client/1.1"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    // telebot's parameters: a map of strings, keys sorted; no parse_mode.
    assert_eq!(
        req.body_str(),
        "{\"chat_id\":\"-100\",\"disable_web_page_preview\":\"true\",\"message_thread_id\":\"7\",\"text\":\"M \\u003cfiring\\u003e \\u0026 x\"}\n"
    );
    let preview = n.preview(&ctx(), &firing()).expect("preview");
    let Rendered::Http { url_masked, .. } = &preview[0] else {
        panic!("http preview expected");
    };
    assert_eq!(url_masked, &server.url("/bot<secret>/sendMessage"));
}

#[tokio::test]
async fn telegram_html_mode_escapes_and_replaces_long_messages() {
    let server = RecordingServer::start(|_| Reply::status(200).with_body(TELEGRAM_OK)).await;
    let block = |message: &str| {
        format!(
            "telegram_configs:\n- api_url: {}\n  bot_token: t\n  chat_id: 1\n  disable_notifications: true\n  message: '{message}'\n",
            server.url("")
        )
    };
    telegram(&block("<b>{{ .CommonLabels.alertname }}</b> {{ \"<&>\" }}"))
        .notify(&ctx(), &firing())
        .await
        .expect("sent");
    telegram(&block(&"x".repeat(4097)))
        .notify(&ctx(), &firing())
        .await
        .expect("sent");
    let requests = server.requests();
    assert_eq!(
        requests[0].body_str(),
        "{\"chat_id\":\"1\",\"disable_notification\":\"true\",\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\",\"text\":\"\\u003cb\\u003eDisk\\u003c/b\\u003e \\u0026lt;\\u0026amp;\\u0026gt;\"}\n"
    );
    let long: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(
        long["text"],
        "Alertmanager notification could not be sent: message length exceeds Telegram limits.\n\t\t\tPlease check the template used for producing the message content."
    );
}

#[tokio::test]
async fn telegram_errors_are_retried_with_telegrams_words() {
    let server = RecordingServer::start(|_| {
        Reply::status(400).with_body(
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
        )
    })
    .await;
    let err = telegram(&format!(
        "telegram_configs:\n- api_url: {}\n  bot_token: t\n  chat_id: 1\n",
        server.url("")
    ))
    .notify(&ctx(), &firing())
    .await
    .unwrap_err();
    assert_eq!(
        parts(&err),
        (true, FailureReason::Other, "telegram: chat not found (400)")
    );
}

#[tokio::test]
async fn telegram_token_and_chat_from_files() {
    let server = RecordingServer::start(|_| Reply::status(200).with_body(TELEGRAM_OK)).await;
    let dir = tempfile::tempdir().unwrap();
    let (token, chat) = (dir.path().join("token"), dir.path().join("chat"));
    std::fs::write(&token, "file-token\n").unwrap();
    std::fs::write(&chat, " 12x\n").unwrap();
    let n = telegram(&format!(
        "telegram_configs:\n- api_url: {}\n  bot_token_file: {}\n  chat_id_file: {}\n",
        server.url(""),
        token.display(),
        chat.display()
    ));
    let err = n.notify(&ctx(), &firing()).await.unwrap_err();
    assert_eq!(
        parts(&err),
        (
            true,
            FailureReason::Other,
            format!(
                "could not parse chat_id from {}: strconv.ParseInt: parsing \"12x\": invalid syntax",
                chat.display()
            )
            .as_str()
        )
    );
    std::fs::write(&chat, "-42\n").unwrap();
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.uri, "/botfile-token/sendMessage");
    assert!(
        req.body_str().starts_with("{\"chat_id\":\"-42\","),
        "{}",
        req.body_str()
    );
}

fn pushover(block: &str, api: &str) -> PushoverNotifier {
    let r = receiver(block);
    PushoverNotifier::new(&r.pushover_configs[0], 0, templates(), &env())
        .expect("notifier")
        .with_api_url(api)
}

#[tokio::test]
async fn pushover_sends_parameters_in_the_query() {
    let server = RecordingServer::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    // Upstream does not trim token files.
    std::fs::write(&token, "tok\n").unwrap();
    let n = pushover(
        &format!(
            "pushover_configs:\n- user_key: 'u {{{{ .Status }}}}'\n  token_file: {}\n  title: T\n  message: '  <b>{{{{ .CommonLabels.alertname }}}}</b>  '\n  html: true\n  url_title: Open\n  sound: siren\n  ttl: 90s\n  retry: 2m30s\n",
            token.display()
        ),
        &server.url("/1/messages.json"),
    );
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.header("content-type"), Some("text/plain"));
    assert!(req.body.is_empty());
    assert_eq!(
        req.uri,
        "/1/messages.json?device=&expire=3600&html=1&message=%3Cb%3EDisk%3C%2Fb%3E&priority=2&retry=150&sound=siren&title=T&token=tok%0A&ttl=90&url=http%3A%2F%2Fam.example%3A9093%2F%23%2Falerts%3Freceiver%3Dteam-x&url_title=Open&user=u+firing"
    );
    let preview = n.preview(&ctx(), &firing()).expect("preview");
    let Rendered::Http { url_masked, .. } = &preview[0] else {
        panic!("http preview expected");
    };
    assert!(url_masked.contains("&token=%3Csecret%3E&"), "{url_masked}");
    assert!(url_masked.ends_with("&user=%3Csecret%3E"), "{url_masked}");
}

#[tokio::test]
async fn pushover_empty_messages_and_errors() {
    let server = RecordingServer::start(|_| {
        Reply::status(400).with_body(
            r#"{"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0,"request":"r"}"#,
        )
    })
    .await;
    let n = pushover(
        "pushover_configs:\n- user_key: u\n  token: t\n  message: '   '\n  priority: '0'\n",
        &server.url("/1/messages.json"),
    );
    let err = n.notify(&ctx(), &firing()).await.unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::ClientError,
            r#"unexpected status code 400: {"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0,"request":"r"}"#
        )
    );
    assert!(
        server
            .single_request()
            .uri
            .contains("&message=%28no+details%29&"),
        "an empty message becomes (no details)"
    );
}

fn wechat_block(url: &str) -> String {
    format!(
        "wechat_configs:\n- api_url: {url}\n  api_secret: sec\n  corp_id: corp\n  message_type: markdown\n  message: '**hi**'\n  to_user: '@all'\n  agent_id: '1'\n"
    )
}

#[tokio::test]
async fn wechat_fetches_caches_and_refreshes_the_token() {
    let sends = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = sends.clone();
    let server = RecordingServer::start(move |req| {
        if req.uri.starts_with("/cgi-bin/gettoken") {
            return Reply::status(200)
                .with_body(r#"{"errcode":0,"access_token":"at-1","expires_in":7200}"#);
        }
        // The second message finds the token expired.
        match counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            1 => {
                Reply::status(200).with_body(r#"{"errcode":42001,"errmsg":"access_token expired"}"#)
            }
            _ => Reply::status(200).with_body(r#"{"errcode":0,"errmsg":"ok"}"#),
        }
    })
    .await;
    let r = receiver(&wechat_block(&server.url("/cgi-bin/")));
    let n = WechatNotifier::new(&r.wechat_configs[0], 0, templates(), &env()).expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("first");
    let err = n.notify(&ctx(), &firing()).await.unwrap_err();
    assert_eq!(
        parts(&err),
        (true, FailureReason::Other, "access_token expired")
    );
    n.notify(&ctx(), &firing()).await.expect("third");
    let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        uris,
        [
            "/cgi-bin/gettoken?corpid=corp&corpsecret=sec",
            "/cgi-bin/message/send?access_token=at-1",
            "/cgi-bin/message/send?access_token=at-1",
            "/cgi-bin/gettoken?corpid=corp&corpsecret=sec",
            "/cgi-bin/message/send?access_token=at-1",
        ]
    );
    let first_send = &server.requests()[1];
    assert_eq!(first_send.header("content-type"), Some("application/json"));
    assert_eq!(
        first_send.body_str(),
        "{\"text\":{\"content\":\"\"},\"touser\":\"@all\",\"agentid\":\"1\",\"safe\":\"0\",\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"**hi**\"}}\n"
    );
}

#[tokio::test]
async fn wechat_answers_decide_retries() {
    let cases: [(u16, &str, (bool, FailureReason, &str)); 3] = [
        (
            200,
            r#"{"errcode":60020,"errmsg":"not allow to access from your ip"}"#,
            (
                false,
                FailureReason::Other,
                "not allow to access from your ip",
            ),
        ),
        (
            502,
            "",
            (
                true,
                FailureReason::ServerError,
                "unexpected status code 502",
            ),
        ),
        (
            200,
            "<html>",
            (
                true,
                FailureReason::Other,
                "invalid character '<' looking for beginning of value",
            ),
        ),
    ];
    for (status, body, expected) in cases {
        let server = RecordingServer::start(move |req| {
            if req.uri.contains("/gettoken") {
                Reply::status(200).with_body(r#"{"access_token":"at"}"#)
            } else {
                Reply::status(status).with_body(body)
            }
        })
        .await;
        let r = receiver(&wechat_block(&server.url("/cgi-bin/")));
        let err = WechatNotifier::new(&r.wechat_configs[0], 0, templates(), &env())
            .expect("notifier")
            .notify(&ctx(), &firing())
            .await
            .unwrap_err();
        assert_eq!(parts(&err), expected, "{body}");
    }
    let server = RecordingServer::start(|_| {
        Reply::status(200).with_body(r#"{"errcode":40001,"errmsg":"invalid credential"}"#)
    })
    .await;
    let r = receiver(&wechat_block(&server.url("/cgi-bin/")));
    let err = WechatNotifier::new(&r.wechat_configs[0], 0, templates(), &env())
        .expect("notifier")
        .notify(&ctx(), &firing())
        .await
        .unwrap_err();
    assert_eq!(
        parts(&err),
        (
            false,
            FailureReason::Other,
            "invalid APISecret for CorpID: corp"
        )
    );
}

#[tokio::test]
async fn incidentio_posts_version_1_with_the_alert_source_token() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "incidentio_configs:\n- url: {}\n  alert_source_token: src-token\n  max_alerts: 1\n",
        server.url("/v2/alert_events/http/abc")
    ));
    let n = IncidentioNotifier::new(&r.incidentio_configs[0], 0, templates(), &env())
        .expect("notifier");
    n.notify(&ctx(), &firing()).await.expect("sent");
    let req = server.single_request();
    assert_eq!(req.header("authorization"), Some("Bearer src-token"));
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body["version"], "1");
    assert_eq!(body["truncatedAlerts"], 1);
    assert_eq!(body["alerts"].as_array().unwrap().len(), 1);
    assert_eq!(body["groupKey"], "{}:{alertname=\"Disk\"}");
    assert!(req.body_str().ends_with("\"truncatedAlerts\":1}\n"));
}

#[tokio::test]
async fn incidentio_retries_rate_limits_and_summarises_errors() {
    for (status, body, expected) in [
        (
            429,
            r#"{"error":"rate limit exceeded","message":"Too many requests"}"#,
            (
                true,
                FailureReason::RateLimited,
                "unexpected status code 429: Too many requests: rate limit exceeded",
            ),
        ),
        (
            422,
            r#"{"message":"Validation failed","errors":["title is required"]}"#,
            (
                false,
                FailureReason::ClientError,
                "unexpected status code 422: Validation failed: title is required",
            ),
        ),
        (
            400,
            "plain text",
            (
                false,
                FailureReason::ClientError,
                "unexpected status code 400",
            ),
        ),
    ] {
        let server = RecordingServer::start(move |_| Reply::status(status).with_body(body)).await;
        let r = receiver(&format!(
            "incidentio_configs:\n- url: {}\n  alert_source_token: t\n",
            server.url("/x")
        ));
        let err = IncidentioNotifier::new(&r.incidentio_configs[0], 0, templates(), &env())
            .expect("notifier")
            .notify(&ctx(), &firing())
            .await
            .unwrap_err();
        assert_eq!(parts(&err), expected);
    }
}

#[tokio::test]
async fn incidentio_keeps_one_alert_when_the_payload_is_too_large() {
    let server = RecordingServer::ok().await;
    let r = receiver(&format!(
        "incidentio_configs:\n- url: {}\n  alert_source_token: t\n",
        server.url("/x")
    ));
    let n = IncidentioNotifier::new(&r.incidentio_configs[0], 0, templates(), &env())
        .expect("notifier");
    let mut alerts = firing();
    let big = "x".repeat(300 * 1024);
    for a in &mut alerts {
        a.annotations = [("big", big.as_str())].into_iter().collect();
    }
    n.notify(&ctx(), &alerts).await.expect("sent");
    let body: serde_json::Value = serde_json::from_slice(&server.single_request().body).unwrap();
    assert_eq!(body["alerts"].as_array().unwrap().len(), 1);
    // Common annotations are computed before truncation, as upstream does.
    assert_eq!(
        body["commonAnnotations"]["big"].as_str().map(str::len),
        Some(300 * 1024)
    );
}
