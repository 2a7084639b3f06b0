//! Rendering speed of the built-in templates for a 100-alert group: the
//! default Slack fields must render in under 200 µs and the default email
//! HTML in under 2 ms (optimised builds only; debug builds just report).

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_model::LabelSet;
use tocsin_notify::data::TemplateData;
use tocsin_notify::template::{Templates, preview_data};

fn hundred_alerts() -> TemplateData {
    let now: Timestamp = "2026-03-01T12:00:00Z".parse().expect("time");
    let alerts: Vec<Alert> = (0..100)
        .map(|i| {
            let labels: LabelSet = [
                ("alertname", "HighRequestLatency".to_owned()),
                ("instance", format!("api-{i}.example.com:8080")),
                ("job", "api".to_owned()),
                (
                    "severity",
                    if i % 3 == 0 { "critical" } else { "warning" }.to_owned(),
                ),
                ("cluster", "prod-eu-1".to_owned()),
            ]
            .into_iter()
            .collect();
            let annotations: LabelSet = [
                ("summary", format!("High latency on api-{i}")),
                ("description", "p99 above 500ms for 10 minutes".to_owned()),
            ]
            .into_iter()
            .collect();
            let start = Time::utc(now - jiff::SignedDuration::from_mins(i + 5));
            Alert {
                labels,
                annotations,
                starts_at: start,
                ends_at: if i % 4 == 0 {
                    Time::utc(now - jiff::SignedDuration::from_mins(1))
                } else {
                    Time::ZERO
                },
                generator_url: format!("http://prometheus:9090/graph?g0.expr=latency&i={i}"),
                updated_at: start,
                timeout: false,
            }
        })
        .collect();
    preview_data(
        &alerts,
        "team-api",
        &["alertname"],
        "http://alertmanager:9093",
        now,
    )
}

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

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn check(what: &str, took: Duration, limit: Duration) {
    eprintln!("{what}: {took:?} (limit {limit:?})");
    if cfg!(debug_assertions) {
        eprintln!(
            "SKIPPED the time limit check for {what}: not an optimised build (use --release)"
        );
        return;
    }
    assert!(took < limit, "{what} took {took:?}, limit {limit:?}");
}

#[test]
fn default_slack_message_for_100_alerts_is_fast() {
    let templates = Templates::builtin();
    let data = hundred_alerts();
    let mut rendered = 0;
    let took = best_of(50, || {
        for field in SLACK_FIELDS {
            rendered += templates.execute_text(field, &data).expect("render").len();
        }
    });
    assert!(rendered > 0);
    check(
        "slack default fields, 100 alerts",
        took,
        Duration::from_micros(200),
    );
}

#[test]
fn default_email_for_100_alerts_is_fast() {
    let templates = Templates::builtin();
    let data = hundred_alerts();
    let mut html = String::new();
    let took = best_of(20, || {
        html = templates
            .execute_html(r#"{{ template "email.default.html" . }}"#, &data)
            .expect("render");
    });
    assert!(html.contains("[75] Firing"), "unexpected email");
    check(
        "email.default.html, 100 alerts",
        took,
        Duration::from_millis(2),
    );
}
