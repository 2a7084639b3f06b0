//! `tocsin notify test`, black box: one marked test notification per
//! integration, each provider's answer printed, exit 1 when any failed.
//! Providers are loopback stand-ins answering success or an error.

mod cli_notify_support;

use std::time::Duration;

use cli_notify_support::{Files, StandIn, run, stderr, stdout};
use serde_json::Value;

fn config(receivers: &str) -> String {
    format!(
        r#"route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: team-a
      matchers: ['team="a"']
receivers:
  - name: default
{receivers}"#
    )
}

fn webhook_receiver(name: &str, urls: &[&str]) -> String {
    let mut out = format!("  - name: {name}\n    webhook_configs:\n");
    for url in urls {
        out.push_str(&format!("      - url: {url}\n"));
    }
    out
}

fn test_args(config: &str) -> Vec<&str> {
    vec![
        "notify",
        "test",
        "--config.file",
        config,
        "--receiver",
        "team-a",
    ]
}

#[test]
fn a_marked_test_notification_reaches_every_integration() {
    let first = StandIn::start(200, "text/plain", "");
    let second = StandIn::start(204, "text/plain", "");
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config(&webhook_receiver(
            "team-a",
            &[
                &format!("{}/one", first.url),
                &format!("{}/two", second.url),
            ],
        )),
    );
    let output = run(&test_args(config.to_str().unwrap()));
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(
        text.contains(&format!("webhook[0] (POST {}/one): ok\n", first.url)),
        "{text}"
    );
    assert!(
        text.contains(&format!("webhook[1] (POST {}/two): ok\n", second.url)),
        "{text}"
    );
    for (stand_in, path) in [(&first, "/one"), (&second, "/two")] {
        let sent = stand_in
            .next(Duration::from_secs(10))
            .expect("nothing sent");
        assert_eq!(sent.target, path);
        let payload: Value = serde_json::from_slice(&sent.body).unwrap();
        let alerts = payload["alerts"].as_array().unwrap();
        assert_eq!(alerts.len(), 1, "exactly one test alert");
        assert_eq!(alerts[0]["labels"]["alertname"], "TocsinTestNotification");
        assert_eq!(
            alerts[0]["labels"]["team"], "a",
            "labels that route to the receiver"
        );
        assert_eq!(
            alerts[0]["annotations"]["summary"],
            "Test notification sent by tocsin notify test"
        );
        assert_eq!(payload["status"], "firing");
        assert_eq!(payload["receiver"], "team-a");
        assert_eq!(
            payload["groupKey"],
            "{}/{team=\"a\"}:{alertname=\"TocsinTestNotification\"}"
        );
        assert!(
            stand_in.next(Duration::from_millis(100)).is_none(),
            "one notification only"
        );
    }
}

#[test]
fn provider_errors_are_printed_with_the_failure_reason_and_fail_the_command() {
    let ok = StandIn::start(200, "text/plain", "");
    let refusing = StandIn::start(403, "application/json", r#"{"error":"forbidden: bad key"}"#);
    let broken = StandIn::start(503, "text/plain", "try later");
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config(&webhook_receiver(
            "team-a",
            &[&ok.url, &refusing.url, &broken.url],
        )),
    );
    let output = run(&test_args(config.to_str().unwrap()));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}\n{}", stderr(&output));
    assert!(
        text.contains(&format!("webhook[0] (POST {}): ok\n", ok.url)),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "webhook[1] (POST {}): FAILED: unexpected status code 403: {{\"error\":\"forbidden: bad key\"}}\n    reason: authError, the server would not retry\n",
            refusing.url
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "webhook[2] (POST {}): FAILED: unexpected status code 503: try later\n    reason: serverError, the server would retry\n",
            broken.url
        )),
        "{text}"
    );
}

#[test]
fn an_unreachable_provider_is_a_failure_not_a_hang() {
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config(&webhook_receiver(
            "team-a",
            &[&format!("http://127.0.0.1:{port}/x")],
        )),
    );
    let mut args = test_args(config.to_str().unwrap());
    args.extend(["--timeout", "5s"]);
    let output = run(&args);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("webhook[0] ("), "{text}");
    assert!(text.contains("FAILED: "), "{text}");
    assert!(text.contains("the server would retry"), "{text}");
}

#[test]
fn alerts_from_a_file_are_sent_as_one_notification() {
    let stand_in = StandIn::start(200, "text/plain", "");
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config(&webhook_receiver("team-a", &[&stand_in.url])),
    );
    let alerts = files.write(
        "alerts.json",
        r#"[{"labels": {"alertname": "A", "team": "a"}}, {"labels": {"alertname": "B", "team": "a"}}]"#,
    );
    let mut args = test_args(config.to_str().unwrap());
    args.extend(["--alerts", alerts.to_str().unwrap()]);
    let output = run(&args);
    assert!(output.status.success(), "{}", stdout(&output));
    let sent = stand_in.next(Duration::from_secs(10)).expect("sent");
    let payload: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(payload["alerts"].as_array().unwrap().len(), 2);
    assert!(stand_in.next(Duration::from_millis(100)).is_none());
}

#[test]
fn a_receiver_without_integrations_sends_nothing_successfully() {
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config("  - name: team-a\n"));
    let output = run(&test_args(config.to_str().unwrap()));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("The receiver has no integrations: nothing to send."),
        "{}",
        stdout(&output)
    );
}

fn slack_receiver(api_url: &str) -> String {
    format!(
        "  - name: team-a\n    slack_configs:\n      - api_url: {api_url}/services/T0/B0/secret-part\n        channel: '#alerts'\n"
    )
}

#[test]
fn slack_errors_in_a_200_answer_are_reported_in_slack_words() {
    let slack = StandIn::start(
        200,
        "application/json",
        r#"{"ok":false,"error":"invalid_token"}"#,
    );
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config(&slack_receiver(&slack.url)));
    let output = run(&test_args(config.to_str().unwrap()));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}\n{}", stderr(&output));
    assert!(
        text.contains("slack[0] (POST <secret>): FAILED: "),
        "{text}"
    );
    assert!(text.contains("invalid_token"), "{text}");
    assert!(
        !text.contains("secret-part"),
        "the webhook URL is a secret: {text}"
    );
    let sent = slack.next(Duration::from_secs(10)).expect("sent to slack");
    assert_eq!(sent.target, "/services/T0/B0/secret-part");
    let payload: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(payload["channel"], "#alerts");
}

#[test]
fn slack_success_is_ok() {
    let slack = StandIn::start(200, "text/plain", "ok");
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config(&slack_receiver(&slack.url)));
    let output = run(&test_args(config.to_str().unwrap()));
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("slack[0] (POST <secret>): ok\n"),
        "{}",
        stdout(&output)
    );
    let sent = slack.next(Duration::from_secs(10)).expect("sent to slack");
    let payload: Value = serde_json::from_slice(&sent.body).unwrap();
    let title = payload["attachments"][0]["title"].as_str().unwrap();
    assert!(title.contains("TocsinTestNotification"), "{title}");
}
