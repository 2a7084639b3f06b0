//! Debian's `amtool` (Alertmanager 0.25's client, API v2 only) against the
//! real `tocsin alertmanager`: alerts, silences, `config show` and
//! `cluster show` work and print what they should. Skips with a visible
//! message when amtool is not installed.
//!
//! Not covered: `amtool config routes show` against a server — amtool 0.25
//! re-parses `config.original` with its own (older) schema and rejects the
//! fields 0.34 prints (`smtp_tls_config`, receiver `labels`, …), exactly as
//! it would against an upstream 0.34 server.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{Server, Webhook, available};

/// Runs amtool against `server`; returns (success, stdout, stderr).
fn amtool(server: &Server, args: &[&str]) -> (bool, String, String) {
    let output = Command::new("amtool")
        .arg(format!("--alertmanager.url={}", server.base))
        .args(args)
        .output()
        .expect("run amtool");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn ok(server: &Server, args: &[&str]) -> String {
    let (success, out, err) = amtool(server, args);
    assert!(success, "amtool {args:?} failed:\n{out}\n{err}");
    out
}

#[test]
fn amtool_drives_tocsin() {
    if !available(
        "amtool",
        "install Debian's prometheus-alertmanager to run this test",
    ) {
        return;
    }
    let hook = Webhook::start();
    let config = format!(
        "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 1s\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{}'\n",
        hook.url("/")
    );
    let server = Server::start(&config, &[]);

    ok(
        &server,
        &[
            "alert",
            "add",
            "alertname=AmtoolTest",
            "severity=warning",
            "--annotation=summary=hello",
        ],
    );
    let listed = ok(&server, &["alert", "query"]);
    let row = listed
        .lines()
        .find(|l| l.starts_with("AmtoolTest"))
        .unwrap_or_else(|| panic!("alert not listed:\n{listed}"));
    assert!(
        row.contains("hello") && row.trim_end().ends_with("active"),
        "{row}"
    );
    let delivered = hook.wait_for(1, Duration::from_secs(4));
    assert_eq!(
        delivered.first().map(|d| d.alerts()),
        Some(vec!["AmtoolTest{severity=warning}:firing".to_owned()]),
        "the alert added with amtool is notified"
    );
    let extended = ok(
        &server,
        &["alert", "query", "-o", "extended", "severity=warning"],
    );
    assert!(extended.contains("alertname=\"AmtoolTest\""), "{extended}");

    let id = ok(
        &server,
        &[
            "silence",
            "add",
            "alertname=AmtoolTest",
            "-c",
            "from amtool",
            "-a",
            "tester",
        ],
    );
    let id = id.trim();
    assert_eq!(id.len(), 36, "silence ID: {id:?}");
    let silences = ok(&server, &["silence", "query"]);
    assert!(
        silences.contains(id) && silences.contains("tester") && silences.contains("from amtool"),
        "{silences}"
    );
    let active = ok(&server, &["alert", "query"]);
    assert!(
        !active.contains("AmtoolTest"),
        "silenced alerts are hidden by default:\n{active}"
    );
    let suppressed = ok(&server, &["alert", "query", "--silenced"]);
    assert!(
        suppressed
            .lines()
            .any(|l| l.starts_with("AmtoolTest") && l.trim_end().ends_with("suppressed")),
        "{suppressed}"
    );

    ok(&server, &["silence", "expire", id]);
    let expired = ok(&server, &["silence", "query", "--expired", "-q"]);
    assert_eq!(expired.trim(), id);
    assert!(ok(&server, &["silence", "query", "-q"]).trim().is_empty());
    let (success, _, err) = amtool(
        &server,
        &["silence", "expire", "7e9c3f9a-1a1b-4c2d-9e8f-0a1b2c3d4e5f"],
    );
    assert!(!success, "expiring an unknown silence must fail: {err}");

    let shown = ok(&server, &["config", "show"]);
    assert!(
        shown.contains("receiver: hook") && shown.contains("group_wait: 1s"),
        "{shown}"
    );
    let cluster = ok(&server, &["cluster", "show"]);
    assert!(
        cluster.contains("Cluster Status:") && cluster.contains("disabled"),
        "{cluster}"
    );
}
