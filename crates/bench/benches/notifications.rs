//! Issue-5 performance goals: the default Slack message for a 100-alert
//! group renders in < 200 µs, the default email HTML for it in < 2 ms, and
//! the webhook integration delivers ≥ 1,000 notifications/s on one core
//! (a current-thread runtime drives both the notifier and a minimal
//! keep-alive HTTP receiver on loopback, so the figure includes both sides).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::{Notifier, NotifyContext};
use tocsin_bench::{bench_now, hundred_alert_group, hundred_alerts};
use tocsin_notify::IntegrationEnv;
use tocsin_notify::template::Templates;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The Slack integration's default fields.
const SLACK_FIELDS: [&str; 9] = [
    r#"{{ template "slack.default.title" . }}"#,
    r#"{{ template "slack.default.titlelink" . }}"#,
    r#"{{ template "slack.default.username" . }}"#,
    r#"{{ template "slack.default.fallback" . }}"#,
    r#"{{ template "slack.default.text" . }}"#,
    r#"{{ template "slack.default.pretext" . }}"#,
    r#"{{ template "slack.default.color" . }}"#,
    r#"{{ template "slack.default.footer" . }}"#,
    r#"{{ template "slack.default.iconemoji" . }}"#,
];

fn templates(c: &mut Criterion) {
    let templates = Templates::builtin();
    let data = hundred_alert_group();
    c.bench_function("template/slack_default_100_alerts", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for field in SLACK_FIELDS {
                bytes += templates
                    .execute_text(field, black_box(&data))
                    .expect("renders")
                    .len();
            }
            bytes
        })
    });
    c.bench_function("template/email_default_html_100_alerts", |b| {
        b.iter(|| {
            templates
                .execute_html(r#"{{ template "email.default.html" . }}"#, black_box(&data))
                .expect("renders")
                .len()
        })
    });
}

/// Answers every HTTP/1.1 request on a connection with an empty 200.
async fn sink(listener: TcpListener) {
    loop {
        let Ok((mut conn, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut buf = vec![0u8; 1 << 16];
            let mut pending = Vec::new();
            loop {
                let Ok(n) = conn.read(&mut buf).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                pending.extend_from_slice(&buf[..n]);
                // One response per complete request (headers + body).
                while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&pending[..end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if pending.len() < end + 4 + length {
                        break;
                    }
                    pending.drain(..end + 4 + length);
                    if conn
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
    }
}

fn webhook_throughput(c: &mut Criterion) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = rt
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    rt.spawn(sink(listener));
    let yaml = format!(
        "route: {{receiver: hook}}\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: 'http://{addr}/'\n"
    );
    let config = tocsin_config::load_str(&yaml, "bench.yml")
        .unwrap_or_else(|f| panic!("{}", f.first_upstream_message()))
        .config;
    let env = IntegrationEnv::new("http://alertmanager:9093");
    let notifier = tocsin_notify::WebhookNotifier::from_config(
        &config.receivers[0].webhook_configs[0],
        0,
        Arc::new(Templates::builtin()),
        &env,
    )
    .expect("webhook builds");
    let alerts: Vec<_> = hundred_alerts().into_iter().take(10).collect();
    let ctx = NotifyContext {
        flush: FlushContext {
            now: bench_now(),
            group_key: "{}:{alertname=\"HighRequestLatency\"}".into(),
            group_labels: [("alertname", "HighRequestLatency")].into_iter().collect(),
            route_labels: Default::default(),
            receiver: "hook".into(),
            route_id: "{}".into(),
            group_interval: Duration::from_secs(300),
            repeat_interval: Duration::from_secs(14_400),
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            timeout: Duration::from_secs(300),
        },
        notification_reason: "first notification".into(),
        receiver_data: Default::default(),
    };
    let mut group = c.benchmark_group("webhook");
    group.throughput(Throughput::Elements(1));
    group.bench_function("notify_10_alerts_one_core", |b| {
        b.iter(|| {
            rt.block_on(notifier.notify(&ctx, &alerts))
                .expect("delivered")
        })
    });
    group.finish();
}

criterion_group!(benches, templates, webhook_throughput);
criterion_main!(benches);
