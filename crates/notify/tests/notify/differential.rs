//! Differential test against the real Alertmanager 0.25 binary: the same
//! alerts go through upstream (posted to its API) and through our webhook
//! notifier, and the two bodies must be byte-identical once the fields 0.25
//! does not have (`notification_reason`, `routeLabels`) are taken out of
//! ours (also with `max_alerts: 1`). Skipped, with a message, when no Alertmanager binary is found
//! (`TOCSIN_ALERTMANAGER_BIN`, `alertmanager` or `prometheus-alertmanager`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::Offset;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::notifier::Notifier;
use tocsin_notify::http::HttpClientSettings;
use tocsin_notify::{IntegrationEnv, WebhookNotifier, WebhookSettings, WebhookUrl};

use crate::support::{Recorded, RecordingServer, context, labels};
use crate::upstream;

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

fn string_map(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
        .collect()
}

async fn wait_for_request(server: &RecordingServer, deadline: Duration) -> Option<Recorded> {
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
    let upstream_sink = RecordingServer::ok().await;
    let upstream_truncated_sink = RecordingServer::ok().await;
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
    let upstream = upstream::start(&binary, &config, dir.path(), &[]).await;
    let api = reqwest::Client::new();
    let base = upstream.base.clone();

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
        let our_sink = RecordingServer::ok().await;
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
