//! Differential test against the real Alertmanager 0.25 binary: the same
//! alerts go through upstream (posted to its API) and through our webhook
//! notifier, and the two bodies must be byte-identical once the fields 0.25
//! does not have (`notification_reason`, `routeLabels`) are taken out of
//! ours (also with `max_alerts: 1`). Skipped, with a message, when no Alertmanager binary is found
//! (`TOCSIN_ALERTMANAGER_BIN`, `alertmanager` or `prometheus-alertmanager`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::Offset;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::notifier::Notifier;
use tocsin_notify::http::HttpClientSettings;
use tocsin_notify::{IntegrationEnv, WebhookNotifier, WebhookSettings, WebhookUrl};

use crate::support::{Recorded, TestServer, context, labels};

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

/// Kills the Alertmanager this test started.
struct Upstream(Child);

impl Drop for Upstream {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn string_map(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
        .collect()
}

async fn wait_for_request(server: &TestServer, deadline: Duration) -> Option<Recorded> {
    let started = Instant::now();
    while started.elapsed() < deadline {
        if let Some(first) = server.requests().into_iter().next() {
            return Some(first);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test]
async fn webhook_body_matches_alertmanager_025() {
    let Some(binary) = find_alertmanager() else {
        eprintln!("SKIPPED: no Alertmanager binary found; differential webhook test not run");
        return;
    };
    let upstream_sink = TestServer::ok().await;
    let upstream_truncated_sink = TestServer::ok().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("alertmanager.yml");
    std::fs::write(
        &config,
        format!(
            "route:\n  receiver: my.recv\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1m\n  repeat_interval: 1h\n\
             receivers:\n- name: my.recv\n  webhook_configs:\n  - url: {}\n  - url: {}\n    max_alerts: 1\n",
            upstream_sink.url("/hook"),
            upstream_truncated_sink.url("/hook"),
        ),
    )
    .expect("config");
    // This test's own API client uses reqwest's defaults, which need a
    // process-wide crypto provider (tocsin's clients bring their own).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let api = reqwest::Client::new();
    // A free port can be taken by a test running in parallel before
    // Alertmanager binds it; then start again on another one. It counts as
    // started only once *its* API answers with its own version.
    let (_upstream, base) = {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port();
            let mut child = Command::new(&binary)
                .arg(format!("--config.file={}", config.display()))
                .arg(format!(
                    "--storage.path={}",
                    dir.path().join(format!("data{attempt}")).display()
                ))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--cluster.listen-address=")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start alertmanager");
            let base = format!("http://127.0.0.1:{port}");
            let started = Instant::now();
            let mut ours = false;
            while started.elapsed() < Duration::from_secs(15) {
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                let version = match api.get(format!("{base}/api/v2/status")).send().await {
                    Ok(r) => r
                        .bytes()
                        .await
                        .ok()
                        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()),
                    Err(_) => None,
                };
                if version.is_some_and(|v| {
                    v["versionInfo"]["version"]
                        .as_str()
                        .is_some_and(|v| v.starts_with("0.2"))
                }) {
                    ours = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let upstream = Upstream(child);
            if ours {
                break (upstream, base);
            }
            assert!(attempt < 3, "alertmanager did not become ready");
        }
    };

    let now = Timestamp::now();
    let ago = |secs: i64| {
        now.checked_sub(jiff::SignedDuration::from_secs(secs))
            .expect("time")
    };
    let starts_with_offset = Offset::from_seconds(2 * 3600 + 30 * 60)
        .expect("offset")
        .to_datetime(ago(60));
    let body = format!(
        r#"[{{"labels":{{"alertname":"Diff","instance":"a","severity":"warn","odd":"<&> \"q\" \u0001\t\n\u2028 é"}},
             "annotations":{{"summary":"s1","only_a":"x"}},
             "startsAt":"{starts_with_offset}+02:30","endsAt":"{ended}","generatorURL":"http://gen/graph?g0.expr=up&x=<1>"}},
            {{"labels":{{"alertname":"Diff","instance":"b","severity":"warn"}},
             "annotations":{{"summary":"s1"}},"startsAt":"{started_b}"}}]"#,
        ended = ago(5),
        started_b = ago(30),
    );
    let posted = api
        .post(format!("{base}/api/v2/alerts"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("post alerts");
    assert_eq!(posted.status().as_u16(), 200, "{:?}", posted.text().await);

    let theirs = wait_for_request(&upstream_sink, Duration::from_secs(15))
        .await
        .expect("alertmanager notified");
    let payload: serde_json::Value = serde_json::from_slice(&theirs.body).expect("json");
    eprintln!(
        "alertmanager sent User-Agent {:?}",
        theirs.header("user-agent")
    );

    // Feed our notifier the alerts exactly as upstream held them.
    let alerts: Vec<Alert> = payload["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            let starts_at = Time::parse_rfc3339(a["startsAt"].as_str().expect("startsAt"))
                .expect("startsAt time");
            let ends_at = match a["status"].as_str() {
                Some("resolved") => {
                    Time::parse_rfc3339(a["endsAt"].as_str().expect("endsAt")).expect("endsAt time")
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
        .collect();
    assert_eq!(alerts.len(), 2);

    let theirs_truncated = wait_for_request(&upstream_truncated_sink, Duration::from_secs(15))
        .await
        .expect("alertmanager notified");
    let env = IntegrationEnv {
        external_url: payload["externalURL"]
            .as_str()
            .expect("externalURL")
            .to_owned(),
        user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
        clock: Clock::system(),
    };
    let ctx = context("my.recv", &[("alertname", "Diff")], "first notification");
    assert_eq!(labels(&[("alertname", "Diff")]), ctx.flush.group_labels);
    for (max_alerts, theirs) in [(0, &theirs), (1, &theirs_truncated)] {
        let our_sink = TestServer::ok().await;
        let settings = WebhookSettings {
            url: WebhookUrl::Inline(our_sink.url("/hook")),
            max_alerts,
            timeout: Duration::ZERO,
            send_resolved: true,
            http: HttpClientSettings::default(),
        };
        let notifier = WebhookNotifier::new(settings, 0, &env).expect("notifier");
        notifier.notify(&ctx, &alerts).await.expect("sent");
        let ours = our_sink.single_request();

        let ours_as_025 = ours
            .body_str()
            .replace("\"notification_reason\":\"first notification\",", "")
            .replace("\"routeLabels\":{},", "");
        assert_eq!(ours_as_025, theirs.body_str(), "max_alerts {max_alerts}");
        assert_eq!(ours.method, theirs.method);
        assert_eq!(ours.uri, theirs.uri);
        assert_eq!(ours.header("content-type"), theirs.header("content-type"));
    }
    assert!(
        theirs_truncated
            .body_str()
            .ends_with("\"truncatedAlerts\":1}\n")
    );
    let theirs_agent = theirs.header("user-agent").unwrap_or_default();
    assert!(theirs_agent.starts_with("Alertmanager/"), "{theirs_agent}");
}
