//! Process-level behaviour of the real `tocsin alertmanager` binary:
//! configuration reloads (SIGHUP and `POST /-/reload`, failing and
//! succeeding, reference §3.10), graceful shutdown on SIGTERM/SIGINT,
//! start-up failures (exit 1 with upstream's log line), the log formats,
//! and the README's example configuration.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Server, Webhook, at};

fn config(url: &str, receiver: &str, group_interval: &str) -> String {
    format!(
        "route:\n  receiver: {receiver}\n  group_by: []\n  group_wait: 1s\n  group_interval: {group_interval}\n  repeat_interval: 1h\nreceivers:\n- name: {receiver}\n  webhook_configs:\n  - url: '{url}'\n"
    )
}

#[test]
fn failed_reload_keeps_the_running_configuration() {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook.url("/a"), "first", "1s"), &[]);
    let hash_before = server.metric("alertmanager_config_hash");
    server.post_alerts(&json!([{"labels": {"alertname": "X"}}]));
    hook.wait_for(1, Duration::from_secs(4));

    server.write_config("route:\n  receiver: missing\nreceivers:\n- name: first\n");
    let r = server.post("/-/reload", "");
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(
        r.body.starts_with("failed to reload config: ") && r.body.contains("undefined receiver"),
        "{:?}",
        r.body
    );
    assert!(
        server
            .wait_log(
                "msg=\"Loading configuration file failed\"",
                Duration::from_secs(2)
            )
            .is_some_and(|l| l.contains("undefined receiver")),
        "{}",
        server.log_text()
    );
    assert_eq!(
        server.metric("alertmanager_config_last_reload_successful"),
        Some(0.0)
    );
    assert_eq!(server.metric("alertmanager_config_hash"), hash_before);
    let original = server.get("/api/v2/status").json()["config"]["original"].clone();
    assert!(
        original.as_str().unwrap().contains("receiver: first"),
        "{original}"
    );

    // SIGHUP with the same broken file: logged, still running.
    server.signal("HUP");
    assert!(
        server
            .wait_log(
                "msg=\"configuration reload failed\"",
                Duration::from_secs(5)
            )
            .is_some(),
        "{}",
        server.log_text()
    );

    // The old configuration still routes new alerts.
    server.post_alerts(&json!([{"labels": {"alertname": "Y"}}]));
    let got = hook.wait_for(2, Duration::from_secs(4));
    assert_eq!(got.len(), 2, "old configuration must keep notifying");
    assert_eq!(got[1].path, "/a");

    // A good file applies: new receiver, alerts re-flushed to it at once.
    server.write_config(&config(&hook.url("/b"), "second", "1s"));
    let reloaded = Instant::now();
    let r = server.post("/-/reload", "");
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(
        server.metric("alertmanager_config_last_reload_successful"),
        Some(1.0)
    );
    assert_ne!(server.metric("alertmanager_config_hash"), hash_before);
    let names: Vec<String> = server
        .get("/api/v2/receivers")
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["second"]);
    let got = hook.wait_for(3, Duration::from_secs(3));
    let to_b = got.get(2).expect("the new receiver is notified");
    assert_eq!(to_b.path, "/b");
    assert!(
        to_b.at.duration_since(reloaded) < Duration::from_millis(900),
        "groups rebuilt at reload flush their old alerts immediately"
    );
    assert_eq!(to_b.alerts().len(), 2);
}

/// Upstream's `TestReload`: the reload recreates the groups, whose
/// immediate flush is deduplicated, and restarts their timers.
#[test]
fn reload_restarts_group_timers_without_duplicates() {
    let hook = Webhook::start();
    let server = Server::start(&config(&hook.url("/"), "hook", "2s"), &[]);
    let t0 = Instant::now();
    server.post_alerts(&json!([{"labels": {"alertname": "test1"}}]));
    let first = hook.wait_for(1, Duration::from_secs(3));
    let arrived = first[0].since(t0);
    assert!(
        (0.8..1.9).contains(&arrived),
        "first notification at {arrived:.2}s"
    );
    at(t0, 1.5);
    server.signal("HUP");
    assert!(
        server
            .wait_log(
                "msg=\"Completed loading of configuration file\"",
                Duration::from_secs(3)
            )
            .is_some()
    );
    at(t0, 2.0);
    server.post_alerts(&json!([{"labels": {"alertname": "test2"}}]));
    // The old timer would tick at 3.0; the new one ticks 2s after the
    // reload (≈3.5).
    let all = hook.wait_for(2, Duration::from_secs(4));
    let second = all.get(1).expect("second notification");
    let t = second.since(t0);
    assert!((3.3..4.3).contains(&t), "second notification at {t:.2}s");
    let mut alerts = second.alerts();
    alerts.sort();
    assert_eq!(alerts, ["test1:firing", "test2:firing"]);
    at(t0, 4.5);
    assert_eq!(
        hook.deliveries().len(),
        2,
        "the post-reload flush is deduplicated"
    );
}

#[test]
fn sigterm_and_sigint_exit_zero_quickly() {
    for signal in ["TERM", "INT"] {
        let hook = Webhook::start();
        let mut server = Server::start(&config(&hook.url("/"), "hook", "1s"), &[]);
        server.post_alerts(&json!([{"labels": {"alertname": "Busy"}}]));
        let sent = Instant::now();
        server.signal(signal);
        let status = server
            .wait_exit(Duration::from_secs(8))
            .unwrap_or_else(|| panic!("SIG{signal}: still running"));
        assert!(status.success(), "SIG{signal}: {status}");
        assert!(
            sent.elapsed() < Duration::from_secs(3),
            "SIG{signal}: slow shutdown"
        );
        assert!(
            server
                .wait_log(
                    "Received shutdown signal, exiting gracefully",
                    Duration::from_secs(1)
                )
                .is_some(),
            "{}",
            server.log_text()
        );
    }
}

/// Runs the binary to completion (it must exit by itself).
fn run_to_exit(config: &str, flags: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alertmanager.yml");
    std::fs::write(&path, config).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tocsin"))
        .arg("alertmanager")
        .arg(format!("--config.file={}", path.display()))
        .args(flags)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn start_up_failures_exit_1_with_a_log_line() {
    let good = "route:\n  receiver: r\nreceivers:\n- name: r\n";
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_flag = format!("--web.listen-address={}", busy.local_addr().unwrap());
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "route:\n  receiver: nope\nreceivers:\n- name: r\n",
            vec!["--web.listen-address=127.0.0.1:0"],
            "err=\"error loading configuration file: undefined receiver \\\"nope\\\" used in route\"",
        ),
        (
            good,
            vec![
                "--web.listen-address=127.0.0.1:0",
                "--enable-feature=warp-drive",
            ],
            "unknown option 'warp-drive' for --enable-feature",
        ),
        (good, vec![busy_flag.as_str()], "listen tcp 127.0.0.1:"),
        (
            good,
            vec!["--web.listen-address=nope"],
            "missing port in address",
        ),
        (
            good,
            vec!["--web.listen-address=127.0.0.1:0", "--data.retention=0s"],
            "--data.retention must be positive",
        ),
        (
            good,
            vec!["--web.listen-address=127.0.0.1:0", "--cluster.peer=no-port"],
            "--cluster.peer: address no-port: missing port in address",
        ),
        (
            good,
            vec![
                "--web.listen-address=127.0.0.1:0",
                "--web.external-url=ftp://x/",
            ],
            "invalid \\\"ftp\\\" scheme",
        ),
    ];
    for (config, flags, expected) in cases {
        let (code, log) = run_to_exit(config, &flags);
        assert_eq!(code, 1, "{flags:?}: {log}");
        assert!(log.contains("level=error"), "{flags:?}: {log}");
        assert!(
            log.contains(expected),
            "{flags:?}: expected {expected:?} in\n{log}"
        );
    }
}

#[test]
fn json_logs_and_default_cluster_flags() {
    let config = "route:\n  receiver: r\nreceivers:\n- name: r\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alertmanager.yml");
    std::fs::write(&path, config).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tocsin"))
        .arg("alertmanager")
        .arg(format!("--config.file={}", path.display()))
        .args(["--web.listen-address=127.0.0.1:0", "--log.format=json"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let listening = loop {
        let line = lines
            .next()
            .expect("log ended before Listening on")
            .unwrap();
        let parsed: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        for key in ["time", "level", "source", "msg"] {
            assert!(parsed.get(key).is_some(), "{key} missing in {line}");
        }
        if parsed["msg"] == "Listening on" {
            break parsed;
        }
        seen.push(parsed);
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(listening["level"], "info");
    assert!(
        listening["address"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert!(
        seen.iter().any(|l| l["msg"]
            .as_str()
            .is_some_and(|m| m.contains("tocsin runs as a single instance"))),
        "the default --cluster.listen-address must be explained: {seen:?}"
    );
}

#[test]
fn readme_example_starts_and_serves() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/alertmanager.yml"
    );
    let config = std::fs::read_to_string(example).expect("examples/alertmanager.yml");
    let server = Server::start(&config, &[]);
    let receivers = server.get("/api/v2/receivers").json();
    assert_eq!(receivers.as_array().map(Vec::len), Some(5), "{receivers}");
    server.post_alerts(&json!([{"labels": {"alertname": "Watchdog"}}]));
    let alerts = server.get("/api/v2/alerts").json();
    assert_eq!(alerts[0]["receivers"], json!([{"name": "null"}]));
}
