//! Debian's Prometheus 2.42 with tocsin as its Alertmanager: an
//! always-firing rule reaches tocsin's webhook with Prometheus' labels,
//! annotations and generatorURL, and Prometheus scrapes tocsin's
//! `/metrics` (`up{job="tocsin"} == 1`). Skips with a visible message when
//! Prometheus is not installed.
//!
//! Prometheus logs its configured, not its bound, listen address, so it
//! gets a free port picked beforehand instead of port 0.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Server, Webhook, available, free_port, try_http};

/// Kills Prometheus when the test ends, whatever happens.
struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `up{job="tocsin"}` as Prometheus reports it, if it has a value yet.
fn up_value(prometheus: &str) -> Option<String> {
    let r = try_http(
        "GET",
        &format!("{prometheus}/api/v1/query?query=up%7Bjob%3D%22tocsin%22%7D"),
        None,
    )
    .ok()?;
    let v: serde_json::Value = serde_json::from_str(&r.body).ok()?;
    v["data"]["result"][0]["value"][1]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn prometheus_sends_alerts_to_tocsin_and_scrapes_it() {
    if !available("prometheus", "install Debian's prometheus to run this test") {
        return;
    }
    let hook = Webhook::start();
    let config = format!(
        "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: '{}'\n",
        hook.url("/")
    );
    let server = Server::start(&config, &[]);
    let tocsin_target = server.base.trim_start_matches("http://").to_owned();

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.yml"),
        r#"groups:
- name: tocsin-test
  interval: 1s
  rules:
  - alert: AlwaysFiring
    expr: vector(1)
    labels:
      severity: page
      team: tocsin
    annotations:
      summary: always firing
      description: 'value is {{ $value }}'
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("prometheus.yml"),
        format!(
            r#"global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
  - static_configs:
    - targets: ['{tocsin_target}']
scrape_configs:
- job_name: tocsin
  static_configs:
  - targets: ['{tocsin_target}']
"#
        ),
    )
    .unwrap();
    let port = free_port();
    let prometheus_url = format!("http://127.0.0.1:{port}");
    let _prometheus = Prometheus(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("tsdb").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // The first send may happen before the Alertmanager is
            // discovered; resend every second instead of every minute.
            .arg("--rules.alert.resend-delay=1s")
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus"),
    );

    let delivered = hook.wait_for(1, Duration::from_secs(30));
    let d = delivered
        .first()
        .expect("Prometheus' alert never reached the webhook");
    let alert = &d.body["alerts"][0];
    assert_eq!(alert["labels"]["alertname"], "AlwaysFiring", "{}", d.body);
    assert_eq!(alert["labels"]["severity"], "page");
    assert_eq!(alert["labels"]["team"], "tocsin");
    assert_eq!(alert["annotations"]["summary"], "always firing");
    assert_eq!(alert["annotations"]["description"], "value is 1");
    assert_eq!(alert["status"], "firing");
    let generator = alert["generatorURL"].as_str().unwrap_or("");
    assert!(
        generator.starts_with("http://") && generator.contains("/graph?g0.expr=vector%281%29"),
        "generatorURL {generator:?}"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let up = up_value(&prometheus_url);
        if up.as_deref() == Some("1") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never scraped tocsin successfully (up = {up:?})"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let received = server
        .metric("alertmanager_alerts_received_total{status=\"firing\",version=\"v2\"}")
        .unwrap_or(0.0);
    assert!(received >= 1.0, "received counter {received}");
}
