//! `tocsin inspect`, black box: a real `tocsin notify test` and a raw
//! client POST to it; it prints each notification readably, saves each
//! JSON payload as one line, survives malformed bodies, refuses non-POST
//! requests, and exits 0 on SIGINT and SIGTERM.

mod cli_notify_support;

use std::time::Duration;

use cli_notify_support::{Files, Running, post, run, stdout};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn prints_and_saves_what_arrives_and_exits_on_sigint() {
    let files = Files::new();
    let save = files.path("payloads.jsonl");
    let mut inspect = Running::start(&[
        "inspect",
        "--listen",
        "127.0.0.1:0",
        "--save",
        save.to_str().unwrap(),
    ]);
    let url = inspect.listening_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    // 1. A real notification, sent by `notify test` through a webhook.
    let config = files.write(
        "alertmanager.yml",
        &format!(
            "route:\n  receiver: team-a\n  group_by: [alertname]\nreceivers:\n  - name: team-a\n    webhook_configs:\n      - url: {url}/team-a\n"
        ),
    );
    let output = run(&[
        "notify",
        "test",
        "--config.file",
        config.to_str().unwrap(),
        "--receiver",
        "team-a",
        "--web.external-url",
        "http://am.example:9093",
    ]);
    assert!(output.status.success(), "{}", stdout(&output));
    let text = inspect.wait_for("fingerprint:", WAIT);
    for expected in [
        "#1 POST /team-a (",
        "Alertmanager/0.34.0",
        "receiver:       team-a\n",
        "status:         firing (1 alert: 1 firing, 0 resolved)\n",
        "reason:         first notification\n",
        "group labels:   {alertname=\"TocsinTestNotification\"}\n",
        "group key:      {}:{alertname=\"TocsinTestNotification\"}\n",
        "external URL:   http://am.example:9093\n",
        "  [1/1] FIRING TocsinTestNotification\n",
        "summary: Test notification sent by tocsin notify test",
        "    ends at:      -\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }

    // 2. A payload from a plain client, with a truncated count.
    let payload = r#"{"receiver":"raw","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"Raw"},"annotations":{},"startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T00:05:00Z","generatorURL":"","fingerprint":"00000000000000aa"}],"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","version":"4","groupKey":"{}:{}","truncatedAlerts":7}"#;
    assert_eq!(
        post(
            &format!("{url}/raw?x=1"),
            "application/json",
            payload.as_bytes()
        ),
        200
    );
    inspect.wait_for("#2 POST /raw?x=1", WAIT);
    let text = inspect.wait_for("  [1/1] RESOLVED Raw", WAIT);
    assert!(
        text.contains("truncated:      7 more alert(s) not sent (max_alerts)\n"),
        "{text}"
    );
    assert!(
        text.contains("    ends at:      2026-01-01T00:05:00Z ("),
        "{text}"
    );

    // 3. A malformed body: printed as such, answered 200, not saved.
    assert_eq!(
        post(
            &format!("{url}/bad"),
            "application/json",
            b"{\"alerts\": [oops"
        ),
        200
    );
    let text = inspect.wait_for("malformed payload: not JSON", WAIT);
    assert!(text.contains("#3 POST /bad"), "{text}");
    inspect.wait_for("(not saved: the body is not JSON)", WAIT);

    assert_eq!(inspect.signal_and_wait("INT", WAIT), Some(0));
    inspect.wait_for("Received SIGINT, exiting after 3 request(s).", WAIT);

    let saved = std::fs::read_to_string(&save).unwrap();
    let lines: Vec<&str> = saved.lines().collect();
    assert_eq!(lines.len(), 2, "{saved}");
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(
        first["alerts"][0]["labels"]["alertname"],
        "TocsinTestNotification"
    );
    assert_eq!(lines[1], payload, "a one-line payload is saved as sent");
}

#[test]
fn non_post_requests_get_405_and_sigterm_exits_cleanly() {
    let mut inspect = Running::start(&["inspect", "--listen", "127.0.0.1:0", "--color", "never"]);
    let url = inspect.listening_url();
    let address = url.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    use std::io::{Read, Write};
    stream
        .write_all(b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
    inspect.wait_for("#1 GET /x from 127.0.0.1:", WAIT);
    assert_eq!(inspect.signal_and_wait("TERM", WAIT), Some(0));
}

#[test]
fn an_address_in_use_is_an_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = run(&["inspect", "--listen", &address]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        cli_notify_support::stderr(&output).contains(&format!("cannot listen on {address}")),
        "{}",
        cli_notify_support::stderr(&output)
    );
}
