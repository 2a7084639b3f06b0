//! Differential test against the real Alertmanager 0.25 for the
//! integrations it has (Discord, Webex, Telegram, Pushover, WeChat, SNS):
//! one receiver with all of them (plus a webhook that tells us the alerts
//! exactly as Alertmanager held them) is configured in both Alertmanager
//! and tocsin, each pointed at its own stand-in servers; the requests must
//! match byte for byte except where 0.25 and 0.34 differ:
//!
//! * SNS: 0.25 (AWS SDK v1) sends `Content-Type: application/x-www-form-
//!   urlencoded; charset=utf-8`, 0.34 (SDK v2) without the charset; the
//!   signatures differ in their signed-header sets and times, so instead
//!   Alertmanager's own signature is recomputed with tocsin's signer.
//! * Pushover: 0.34 always sends `device` (empty when unset); 0.25 had no
//!   `device` setting at all.
//! * User agents differ by version (Discord, Webex, Pushover, WeChat).
//!
//! Pushover's endpoint is fixed (`https://api.pushover.net`), so both send
//! through an HTTP CONNECT proxy that terminates TLS with a test
//! certificate for that name. Skipped, with a message, when no
//! Alertmanager binary is found (`TOCSIN_ALERTMANAGER_BIN`,
//! `alertmanager`, `prometheus-alertmanager`).

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use jiff::tz::Offset;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::notifier::{Notifier, NotifyContext};
use tocsin_config::Receiver;
use tocsin_notify::IntegrationEnv;
use tocsin_notify::discord::DiscordNotifier;
use tocsin_notify::pushover::PushoverNotifier;
use tocsin_notify::sigv4::{self, Credentials, Scope, SigningRequest};
use tocsin_notify::sns::SnsNotifier;
use tocsin_notify::telegram::TelegramNotifier;
use tocsin_notify::template::Templates;
use tocsin_notify::webex::WebexNotifier;
use tocsin_notify::wechat::WechatNotifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::{Recorded, RecordingServer, Reply, context};
use crate::upstream;

const EXTERNAL_URL: &str = "http://am.example:9093";
const RECEIVER: &str = "diff.team";

fn find_alertmanager() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TOCSIN_ALERTMANAGER_BIN") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            [
                dir.join("alertmanager"),
                dir.join("prometheus-alertmanager"),
            ]
        })
        .find(|candidate| candidate.is_file())
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// How the stand-in providers answer.
fn provider_answer(req: &Recorded) -> Reply {
    let path = req.uri.split('?').next().unwrap_or_default();
    if path.ends_with("/sendMessage") {
        Reply::status(200).with_body(r#"{"ok":true,"result":{"message_id":7,"chat":{"id":42}}}"#)
    } else if path.ends_with("/gettoken") {
        Reply::status(200).with_body(r#"{"access_token":"at-1","expires_in":7200}"#)
    } else if path.ends_with("/message/send") {
        Reply::status(200).with_body(r#"{"errcode":0,"errmsg":"ok"}"#)
    } else if path.starts_with("/sns") {
        Reply::status(200).with_body(
            r#"<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>"#,
        )
    } else {
        Reply::status(200)
    }
}

/// An HTTP CONNECT proxy that terminates TLS itself (as the provider
/// `api.pushover.net`) and records the requests inside the tunnel.
struct InterceptingProxy {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for InterceptingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl InterceptingProxy {
    async fn start() -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs = CertificateDer::pem_file_iter(fixture("api.pushover.net.pem"))
            .expect("cert")
            .collect::<Result<Vec<_>, _>>()
            .expect("cert");
        let key = PrivateKeyDer::from_pem_file(fixture("api.pushover.net.key")).expect("key");
        let tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let (acceptor, log) = (acceptor.clone(), log.clone());
                tokio::spawn(async move {
                    // Read the CONNECT request head.
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if stream.read_exact(&mut byte).await.is_err() {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    if !head.starts_with(b"CONNECT api.pushover.net:443 ") {
                        return;
                    }
                    if stream
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let service = service_fn(move |req: Request<Incoming>| {
                        let log = log.clone();
                        async move {
                            let recorded = record(req).await;
                            log.lock().expect("lock").push(recorded);
                            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(
                                r#"{"status":1,"request":"r-1"}"#,
                            ))))
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        InterceptingProxy {
            port,
            requests,
            task,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }
}

async fn record(req: Request<Incoming>) -> Recorded {
    let method = req.method().to_string();
    let uri = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let headers = req
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    Recorded {
        method,
        uri,
        headers,
        body,
    }
}

/// The receiver configuration (both implementations read the same YAML).
fn receiver_yaml(provider: &str, proxy_port: u16, capture: &str) -> String {
    format!(
        r#"route:
  receiver: {RECEIVER}
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
  repeat_interval: 1h
receivers:
- name: {RECEIVER}
  webhook_configs:
  - url: {capture}
  discord_configs:
  - webhook_url: {provider}/discord/hook
  webex_configs:
  - api_url: {provider}/webex/messages
    room_id: room-1
    http_config:
      authorization:
        credentials: webex-token
  telegram_configs:
  - api_url: {provider}/tg
    bot_token: tg-token
    chat_id: 42
    disable_notifications: true
  pushover_configs:
  - user_key: user-key
    token: app-token
    http_config:
      proxy_url: http://127.0.0.1:{proxy_port}
      tls_config:
        ca_file: {ca}
  wechat_configs:
  - api_url: {provider}/wechat/
    api_secret: wechat-secret
    corp_id: corp-1
    to_user: '@all'
    agent_id: '1000002'
  sns_configs:
  - api_url: {provider}/sns
    sigv4:
      region: eu-west-1
      access_key: AKIDEXAMPLE
      secret_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
    topic_arn: arn:aws:sns:eu-west-1:123456789012:alerts
    attributes:
      severity: '{{{{ .CommonLabels.severity }}}}'
      team: ops
"#,
        ca = fixture("provider-ca.pem").display(),
    )
}

async fn wait_until(deadline: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done()
}

fn path_of(req: &Recorded) -> &str {
    req.uri.split('?').next().unwrap_or_default()
}

fn find<'a>(requests: &'a [Recorded], path_suffix: &str) -> &'a Recorded {
    requests
        .iter()
        .find(|r| path_of(r).ends_with(path_suffix))
        .unwrap_or_else(|| panic!("no request to …{path_suffix} in {requests:#?}"))
}

fn string_map(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
        .collect()
}

/// The alerts as Alertmanager sent them to the capture webhook.
fn alerts_from_capture(payload: &serde_json::Value, now: Timestamp) -> Vec<Alert> {
    payload["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            let starts_at = Time::parse_rfc3339(a["startsAt"].as_str().expect("startsAt"))
                .expect("startsAt time");
            let ends_at = match a["status"].as_str() {
                Some("resolved") => {
                    Time::parse_rfc3339(a["endsAt"].as_str().expect("endsAt")).expect("endsAt")
                }
                _ => Time {
                    instant: now + jiff::SignedDuration::from_secs(300),
                    offset: Offset::UTC,
                },
            };
            Alert {
                labels: string_map(&a["labels"]).into_iter().collect(),
                annotations: string_map(&a["annotations"]).into_iter().collect(),
                starts_at,
                ends_at,
                generator_url: a["generatorURL"].as_str().expect("generatorURL").to_owned(),
                updated_at: starts_at,
                timeout: false,
            }
        })
        .collect()
}

/// Checks that Alertmanager's SigV4 `Authorization` header is what
/// tocsin's signer computes for the same request, time and headers.
fn verify_upstream_signature(req: &Recorded) {
    let authorization = req.header("authorization").expect("authorization");
    let signed = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("signed headers");
    let headers: Vec<(String, String)> = signed
        .split(';')
        .map(|name| {
            let value = req
                .header(name)
                .unwrap_or_else(|| panic!("signed header {name} not received"));
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let date = req.header("x-amz-date").expect("x-amz-date");
    let time: Timestamp = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &date[0..4],
        &date[4..6],
        &date[6..8],
        &date[9..11],
        &date[11..13],
        &date[13..15]
    )
    .parse()
    .expect("time");
    let ours = sigv4::authorization(
        &SigningRequest {
            method: &req.method,
            path: path_of(req),
            query: &[],
            headers: &headers,
            payload: &req.body,
        },
        &Scope {
            region: "eu-west-1",
            service: "sns",
            time,
        },
        &Credentials {
            access_key: "AKIDEXAMPLE".to_owned(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned(),
            session_token: None,
        },
    );
    assert_eq!(
        ours, authorization,
        "SigV4 signature of Alertmanager's request"
    );
}

/// Sends `alerts` through every tocsin notifier of `receiver`.
async fn send_through_tocsin(
    receiver: &Receiver,
    ctx: &NotifyContext,
    all: &[Alert],
    env: &IntegrationEnv,
) {
    let templates = Arc::new(Templates::builtin());
    let firing_only: Vec<Alert> = all
        .iter()
        .filter(|a| a.ends_at.instant > env.clock.now())
        .cloned()
        .collect();
    let notifiers: Vec<Box<dyn Notifier>> = vec![
        Box::new(
            DiscordNotifier::new(&receiver.discord_configs[0], 0, templates.clone(), env)
                .expect("discord"),
        ),
        Box::new(
            WebexNotifier::new(&receiver.webex_configs[0], 0, templates.clone(), env)
                .expect("webex"),
        ),
        Box::new(
            TelegramNotifier::new(&receiver.telegram_configs[0], 0, templates.clone(), env)
                .expect("telegram"),
        ),
        Box::new(
            PushoverNotifier::new(&receiver.pushover_configs[0], 0, templates.clone(), env)
                .expect("pushover"),
        ),
        Box::new(
            WechatNotifier::new(&receiver.wechat_configs[0], 0, templates.clone(), env)
                .expect("wechat"),
        ),
        Box::new(SnsNotifier::new(&receiver.sns_configs[0], 0, templates, env).expect("sns")),
    ];
    for notifier in &notifiers {
        // The retry stage hands resolved alerts only to integrations that
        // send them.
        let alerts = if notifier.send_resolved() {
            all
        } else {
            &firing_only
        };
        notifier
            .notify(ctx, alerts)
            .await
            .unwrap_or_else(|e| panic!("{} failed: {e}", notifier.integration()));
    }
}

#[tokio::test]
async fn requests_match_alertmanager_025() {
    let Some(binary) = find_alertmanager() else {
        eprintln!("SKIPPED: no Alertmanager binary found; integration differential test not run");
        return;
    };
    let theirs = RecordingServer::start(provider_answer).await;
    let their_capture = RecordingServer::ok().await;
    let their_proxy = InterceptingProxy::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("alertmanager.yml");
    std::fs::write(
        &config,
        receiver_yaml(
            &theirs.url(""),
            their_proxy.port,
            &their_capture.url("/capture"),
        ),
    )
    .expect("config");
    let upstream = upstream::start(
        &binary,
        &config,
        dir.path(),
        &[format!("--web.external-url={EXTERNAL_URL}")],
    )
    .await;
    let api = reqwest::Client::new();
    let base = upstream.base.clone();

    let now = Timestamp::now();
    let ago = |secs: i64| now - jiff::SignedDuration::from_secs(secs);
    let body = format!(
        r#"[{{"labels":{{"alertname":"Diff","instance":"db-1","severity":"critical","odd":"<b>&amp; \"q\" é</b>"}},
             "annotations":{{"summary":"Disk <full> & slow","description":"on db-1"}},
             "startsAt":"{started_a}","generatorURL":"http://prom:9090/graph?g0.expr=up&x=1"}},
            {{"labels":{{"alertname":"Diff","instance":"db-2","severity":"critical"}},
             "annotations":{{"summary":"Disk <full> & slow"}},
             "startsAt":"{started_b}","endsAt":"{ended_b}"}}]"#,
        started_a = ago(120),
        started_b = ago(90),
        ended_b = ago(5),
    );
    let posted = api
        .post(format!("{base}/api/v2/alerts"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("post alerts");
    assert_eq!(posted.status().as_u16(), 200, "{:?}", posted.text().await);

    let expected_paths = [
        "/discord/hook",
        "/webex/messages",
        "/sendMessage",
        "/message/send",
        "/sns/",
    ];
    let arrived = wait_until(Duration::from_secs(20), || {
        let all = theirs.requests();
        expected_paths
            .iter()
            .all(|p| all.iter().any(|r| path_of(r).ends_with(p)))
            && !their_proxy.requests().is_empty()
            && !their_capture.requests().is_empty()
    })
    .await;
    assert!(
        arrived,
        "alertmanager did not notify every integration: {:#?} / pushover {:?}",
        theirs.requests(),
        their_proxy.requests()
    );
    let capture: serde_json::Value =
        serde_json::from_slice(&their_capture.requests()[0].body).expect("capture json");

    // The same notification through tocsin.
    let ours = RecordingServer::start(provider_answer).await;
    let our_proxy = InterceptingProxy::start().await;
    let loaded = tocsin_config::load_str(
        &receiver_yaml(&ours.url(""), our_proxy.port, "http://127.0.0.1:1/unused"),
        "alertmanager.yml",
    )
    .expect("tocsin loads the configuration");
    let receiver = loaded
        .config
        .receivers
        .into_iter()
        .next()
        .expect("receiver");
    let env = IntegrationEnv {
        external_url: EXTERNAL_URL.to_owned(),
        user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
        clock: Clock::system(),
    };
    let ctx = context(RECEIVER, &[("alertname", "Diff")], "first notification");
    assert_eq!(
        capture["groupKey"].as_str(),
        Some(ctx.flush.group_key.as_str())
    );
    let alerts = alerts_from_capture(&capture, now);
    send_through_tocsin(&receiver, &ctx, &alerts, &env).await;

    let theirs = theirs.requests();
    let ours_requests = ours.requests();
    let same_body = |suffix: &str| {
        let (t, o) = (find(&theirs, suffix), find(&ours_requests, suffix));
        assert_eq!(o.method, t.method, "{suffix} method");
        assert_eq!(
            String::from_utf8_lossy(&o.body),
            String::from_utf8_lossy(&t.body),
            "{suffix} body"
        );
        assert_eq!(
            o.header("content-type"),
            t.header("content-type"),
            "{suffix} content type"
        );
        (t, o)
    };

    // Discord and Webex: identical bodies and headers but the version.
    same_body("/discord/hook");
    let (t, o) = same_body("/webex/messages");
    assert_eq!(o.header("authorization"), Some("Bearer webex-token"));
    assert_eq!(o.header("authorization"), t.header("authorization"));
    for (their_ua, our_ua) in [
        (
            find(&theirs, "/discord/hook"),
            find(&ours_requests, "/discord/hook"),
        ),
        (t, o),
    ] {
        assert_eq!(their_ua.header("user-agent"), Some("Alertmanager/0.25.0"));
        assert_eq!(our_ua.header("user-agent"), Some("Alertmanager/0.34.0"));
    }

    // Telegram: same URL, Go's user agent, HTML-escaped text.
    let (t, o) = same_body("/sendMessage");
    assert_eq!(t.uri, "/tg/bottg-token/sendMessage");
    assert_eq!(o.uri, t.uri);
    assert_eq!(o.header("user-agent"), Some("Go-http-client/1.1"));
    assert_eq!(o.header("user-agent"), t.header("user-agent"));

    // WeChat: the token request and the message.
    let (t, o) = (
        find(&theirs, "/gettoken"),
        find(&ours_requests, "/gettoken"),
    );
    assert_eq!(o.method, "GET");
    assert_eq!(o.uri, t.uri, "wechat token request");
    let (t, o) = same_body("/message/send");
    assert_eq!(o.uri, t.uri, "wechat message URL");

    // SNS: same form body; Alertmanager's signature checks out with ours.
    let (t, o) = (find(&theirs, "/sns/"), find(&ours_requests, "/sns/"));
    assert_eq!(o.uri, t.uri);
    assert_eq!(
        String::from_utf8_lossy(&o.body),
        String::from_utf8_lossy(&t.body),
        "sns body"
    );
    assert_eq!(
        t.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(
        o.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    verify_upstream_signature(t);
    assert!(
        o.header("authorization")
            .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")),
        "{:?}",
        o.header("authorization")
    );

    // Pushover, through the intercepting proxy.
    let (t, o) = (&their_proxy.requests()[0], &our_proxy.requests()[0]);
    assert_eq!(o.method, t.method);
    assert!(o.uri.starts_with("/1/messages.json?device=&"), "{}", o.uri);
    assert_eq!(
        o.uri.replacen("device=&", "", 1),
        t.uri,
        "pushover parameters but 0.34's device"
    );
    assert_eq!(o.body, t.body);
    assert_eq!(o.header("content-type"), t.header("content-type"));
}
