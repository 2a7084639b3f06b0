//! `tocsin notify render`, black box: what it prints is what is sent. The
//! webhook body it shows is compared byte for byte with what `notify test`
//! and a running `tocsin alertmanager` actually POST to a loopback stand-in
//! for the same alerts; grouping follows the routing tree; secrets are
//! masked; nothing goes over the network.

mod cli_notify_support;

use std::time::Duration;

use cli_notify_support::{Files, Running, StandIn, run, stderr, stdout};
use serde_json::Value;

const EXTERNAL_URL: &str = "http://am.example:9093";

/// Alerts with fixed times: one firing, one resolved, same group.
const ALERTS: &str = r#"[
  {"labels": {"alertname": "DiskFull", "instance": "db2", "team": "a", "severity": "critical"},
   "annotations": {"summary": "Disk full on db2", "description": "98% <used> & \"more\""},
   "startsAt": "2026-01-01T10:00:00.123+01:00", "generatorURL": "http://prom:9090/graph?g0.expr=x"},
  {"labels": {"alertname": "DiskFull", "instance": "db1", "team": "a", "severity": "warning"},
   "annotations": {"summary": "Disk full on db1"},
   "startsAt": "2026-01-01T08:00:00Z", "endsAt": "2026-01-01T09:00:00Z"}
]"#;

fn config(webhook_url: &str) -> String {
    format!(
        r#"route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
  routes:
    - receiver: team-a
      matchers: ['team="a"']
      group_by: [alertname, team]
      group_wait: 1s
receivers:
  - name: default
  - name: team-a
    webhook_configs:
      - url: {webhook_url}/team-a
        send_resolved: true
"#
    )
}

/// The body of the first message of the first integration in
/// `notify render -o json` output.
fn rendered_body(json: &str) -> String {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["notifications"][0]["integrations"][0]["messages"][0]["body"]
        .as_str()
        .unwrap_or_else(|| panic!("no body in {json}"))
        .to_owned()
}

fn render_args<'a>(config: &'a str, alerts: &'a str) -> Vec<&'a str> {
    vec![
        "notify",
        "render",
        "--config.file",
        config,
        "--receiver",
        "team-a",
        "--alerts",
        alerts,
        "--web.external-url",
        EXTERNAL_URL,
    ]
}

#[test]
fn rendered_webhook_body_is_byte_for_byte_what_notify_test_sends() {
    let stand_in = StandIn::start(200, "text/plain", "");
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config(&stand_in.url));
    let alerts = files.write("alerts.json", ALERTS);
    let (config, alerts) = (config.to_str().unwrap(), alerts.to_str().unwrap());

    let mut args = render_args(config, alerts);
    args.extend(["-o", "json"]);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let body = rendered_body(&stdout(&output));
    assert!(
        stand_in.next(Duration::from_millis(200)).is_none(),
        "render must not send anything"
    );

    let mut args = render_args(config, alerts);
    args[1] = "test";
    let output = run(&args);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let sent = stand_in
        .next(Duration::from_secs(10))
        .expect("notify test sent nothing");
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.target, "/team-a");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        body,
        "render must show exactly the bytes sent"
    );

    // The text form carries the same bytes, verbatim, after the headers.
    let output = run(&render_args(config, alerts));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let expected_request = format!(
        "=== webhook[0] ===\nPOST {}/team-a\nContent-Type: application/json\nUser-Agent: Alertmanager/0.34.0\n\n{body}",
        stand_in.url
    );
    assert!(text.contains(&expected_request), "{text}");
}

#[test]
fn rendered_webhook_body_is_byte_for_byte_what_the_server_sends() {
    let stand_in = StandIn::start(200, "text/plain", "");
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config(&stand_in.url));
    let alerts = files.write("alerts.json", ALERTS);
    let storage = files.path("data");

    let mut args = render_args(config.to_str().unwrap(), alerts.to_str().unwrap());
    args.extend(["-o", "json"]);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let body = rendered_body(&stdout(&output));

    let config_flag = format!("--config.file={}", config.display());
    let storage_flag = format!("--storage.path={}", storage.display());
    let external_flag = format!("--web.external-url={EXTERNAL_URL}");
    let server = Running::start(&[
        "alertmanager",
        &config_flag,
        &storage_flag,
        "--web.listen-address=127.0.0.1:0",
        "--cluster.listen-address=",
        &external_flag,
    ]);
    let log = server.wait_for("msg=\"Listening on\"", Duration::from_secs(30));
    let address = log
        .lines()
        .filter(|l| l.contains("msg=\"Listening on\""))
        .flat_map(|l| l.split_whitespace())
        .find_map(|f| f.strip_prefix("address="))
        .expect("listen address in the log")
        .to_owned();
    let status = cli_notify_support::post(
        &format!("http://{address}/api/v2/alerts"),
        "application/json",
        ALERTS.as_bytes(),
    );
    assert_eq!(status, 200, "posting alerts");
    let sent = stand_in
        .next(Duration::from_secs(20))
        .unwrap_or_else(|| panic!("the server sent nothing; log:\n{}", server.text()));
    assert_eq!(sent.target, "/team-a");
    assert_eq!(String::from_utf8(sent.body).unwrap(), body);
}

#[test]
fn alerts_are_grouped_as_the_routing_tree_groups_them() {
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config("http://127.0.0.1:9"));
    let alerts = files.write(
        "alerts.json",
        r#"[{"labels": {"alertname": "A", "team": "a"}},
            {"labels": {"alertname": "B", "team": "a"}},
            {"labels": {"alertname": "A", "team": "a", "instance": "x"}}]"#,
    );
    let output = run(&render_args(
        config.to_str().unwrap(),
        alerts.to_str().unwrap(),
    ));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("# Notification 1 of 2 to receiver \"team-a\"\n# group key:    {}/{team=\"a\"}:{alertname=\"A\", team=\"a\"}\n"),
        "{text}"
    );
    assert!(
        text.contains("# Notification 2 of 2 to receiver \"team-a\"\n# group key:    {}/{team=\"a\"}:{alertname=\"B\", team=\"a\"}\n"),
        "{text}"
    );
    assert!(
        text.contains("# alerts:       2 (2 firing, 0 resolved)\n"),
        "{text}"
    );
}

#[test]
fn sample_alerts_route_to_the_receiver() {
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config("http://127.0.0.1:9"));
    let output = run(&[
        "notify",
        "render",
        "--config.file",
        config.to_str().unwrap(),
        "--receiver",
        "team-a",
        "-o",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("do not route"),
        "samples should reach the receiver through the tree: {}",
        stderr(&output)
    );
    let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let group_key = v["notifications"][0]["groupKey"].as_str().unwrap();
    assert!(
        group_key.starts_with("{}/{team=\"a\"}:{alertname="),
        "{group_key}"
    );
    let body: Value = serde_json::from_str(&rendered_body(&stdout(&output))).unwrap();
    assert!(!body["alerts"].as_array().unwrap().is_empty());
    assert_eq!(body["commonLabels"]["team"], "a");
}

#[test]
fn alerts_that_do_not_reach_the_receiver_are_shown_with_a_note() {
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config("http://127.0.0.1:9"));
    let alerts = files.write("alerts.json", r#"[{"labels": {"alertname": "Other"}}]"#);
    let output = run(&render_args(
        config.to_str().unwrap(),
        alerts.to_str().unwrap(),
    ));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("1 alert(s) do not route to receiver \"team-a\""),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("# group key:    {}/{team=\"a\"}:{alertname=\"Other\"}\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn resolved_only_notifications_skip_integrations_without_send_resolved() {
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config("http://127.0.0.1:9").replace("send_resolved: true", "send_resolved: false"),
    );
    let alerts = files.write("alerts.json", ALERTS);
    let mut args = render_args(config.to_str().unwrap(), alerts.to_str().unwrap());
    args.extend(["--status", "resolved"]);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("# alerts:       2 (0 firing, 2 resolved)\n"),
        "{text}"
    );
    assert!(
        text.contains("# reason:       all alerts resolved\n"),
        "{text}"
    );
    assert!(
        text.contains("=== webhook[0] ===\n(skipped: every alert is resolved and send_resolved is false: nothing is sent)\n"),
        "{text}"
    );
}

#[test]
fn secrets_in_urls_are_masked_unless_asked() {
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config("http://user:hunter2@127.0.0.1:9").replace("/team-a", "/team-a?token=abc123"),
    );
    let alerts = files.write("alerts.json", ALERTS);
    let args = render_args(config.to_str().unwrap(), alerts.to_str().unwrap());
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("POST http://user:<secret>@127.0.0.1:9/team-a?token=<secret>\n"),
        "{text}"
    );
    assert!(
        !text.contains("hunter2") && !text.contains("abc123"),
        "{text}"
    );

    let mut args = args;
    args.push("--show-secrets");
    let text = stdout(&run(&args));
    assert!(
        text.contains("POST http://user:hunter2@127.0.0.1:9/team-a?token=abc123\n"),
        "{text}"
    );
}

#[test]
fn pretty_indents_json_bodies_keeping_field_order() {
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config("http://127.0.0.1:9"));
    let alerts = files.write("alerts.json", ALERTS);
    let mut args = render_args(config.to_str().unwrap(), alerts.to_str().unwrap());
    args.push("--pretty");
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "\n{\n  \"receiver\": \"team-a\",\n  \"status\": \"firing\",\n  \"alerts\": [\n    {\n"
        ),
        "{text}"
    );
}

#[test]
fn entries_that_cannot_be_built_are_reported_and_fail_the_command() {
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config("http://127.0.0.1:9").replace(
            "        send_resolved: true\n",
            "        send_resolved: true\n      - url: http://127.0.0.1:9/second\n        http_config:\n          oauth2:\n            client_id: x\n            client_secret_ref: y\n            token_url: http://127.0.0.1:9/token\n",
        ),
    );
    let alerts = files.write("alerts.json", ALERTS);
    let output = run(&render_args(
        config.to_str().unwrap(),
        alerts.to_str().unwrap(),
    ));
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("=== webhook[0] ===\nPOST http://127.0.0.1:9/team-a\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "=== webhook[1] ===\nerror: http_config oauth2.client_secret_ref is not supported\n"
        ),
        "{text}"
    );
}

#[test]
fn unknown_receivers_and_bad_alert_files_are_errors() {
    let files = Files::new();
    let config = files.write("alertmanager.yml", &config("http://127.0.0.1:9"));
    let alerts = files.write("alerts.json", ALERTS);
    let mut args = render_args(config.to_str().unwrap(), alerts.to_str().unwrap());
    args[5] = "nobody";
    let output = run(&args);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no receiver named \"nobody\"")
            && stderr(&output).contains("(receivers: default, team-a)"),
        "{}",
        stderr(&output)
    );

    let bad = files.write("bad.json", r#"[{"labels": {}}]"#);
    let output = run(&render_args(
        config.to_str().unwrap(),
        bad.to_str().unwrap(),
    ));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("bad.json: alert 0: ")
            && stderr(&output).contains("at least one label pair required"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn rendered_slack_message_is_what_notify_test_sends() {
    let slack = StandIn::start(200, "text/plain", "ok");
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        &config("http://127.0.0.1:9").replace(
            "    webhook_configs:\n      - url: http://127.0.0.1:9/team-a\n        send_resolved: true\n",
            &format!(
                "    slack_configs:\n      - api_url: {}/services/T0/B0/XYZ\n        channel: '#ops'\n        send_resolved: true\n        title: '{{{{ .CommonLabels.alertname }}}} for {{{{ .GroupLabels.team }}}}'\n",
                slack.url
            ),
        ),
    );
    let alerts = files.write("alerts.json", ALERTS);
    let (config, alerts) = (config.to_str().unwrap(), alerts.to_str().unwrap());

    let mut args = render_args(config, alerts);
    args.extend(["-o", "json", "--show-secrets"]);
    let output = run(&args);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let message = &v["notifications"][0]["integrations"][0]["messages"][0];
    assert_eq!(message["url"], format!("{}/services/T0/B0/XYZ", slack.url));
    let body = message["body"].as_str().unwrap().to_owned();
    let payload: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(payload["attachments"][0]["title"], "DiskFull for a");

    let mut args = render_args(config, alerts);
    args[1] = "test";
    let output = run(&args);
    assert!(output.status.success(), "{}", stdout(&output));
    let sent = slack.next(Duration::from_secs(10)).expect("sent to slack");
    assert_eq!(String::from_utf8(sent.body).unwrap(), body);

    // Without --show-secrets the Slack URL is hidden.
    let text = stdout(&run(&render_args(config, alerts)));
    assert!(text.contains("=== slack[0] ===\nPOST <secret>\n"), "{text}");
    assert!(!text.contains("XYZ"), "{text}");
}

#[test]
fn credential_headers_are_masked_unless_asked() {
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        "route:\n  receiver: pager\nreceivers:\n  - name: pager\n    opsgenie_configs:\n      - api_key: topsecretkey\n        api_url: http://127.0.0.1:9/\n",
    );
    let alerts = files.write("alerts.json", ALERTS);
    let mut args = vec![
        "notify",
        "render",
        "--config.file",
        config.to_str().unwrap(),
        "--receiver",
        "pager",
        "--alerts",
        alerts.to_str().unwrap(),
    ];
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("\nAuthorization: GenieKey <secret>\n"),
        "{text}"
    );
    assert!(!text.contains("topsecretkey"), "{text}");

    // Integrations never hand credentials in headers to the preview.
    args.push("--show-secrets");
    let text = stdout(&run(&args));
    assert!(!text.contains("topsecretkey"), "{text}");
}
