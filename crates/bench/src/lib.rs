//! Inputs for tocsin's benchmarks: generators of large but realistic
//! configurations and alert label sets. The benchmarks themselves live in
//! `benches/`; their figures are recorded in `docs/benchmarks.md`. The
//! [`load`] module is the machinery of the `load` command (HTTP load
//! against a running server).

use std::fmt::Write;

pub mod load;

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_model::LabelSet;
use tocsin_notify::data::TemplateData;
use tocsin_notify::template::preview_data;

/// An alertmanager.yml with `receivers` webhook receivers and a routing tree
/// of `teams × services_per_team` routes (plus the root): each team route
/// matches `team="tN"` and has one child per service mixing equality,
/// regex and negative matchers, as large real configs do.
pub fn large_config(receivers: usize, teams: usize, services_per_team: usize) -> String {
    let mut y = String::with_capacity(256 * (receivers + teams * services_per_team));
    y.push_str("global:\n  resolve_timeout: 5m\nroute:\n  receiver: r0\n  group_by: ['alertname', 'cluster']\n  routes:\n");
    for t in 0..teams {
        let _ = writeln!(
            y,
            "  - receiver: r{}\n    matchers: ['team=\"t{t}\"']\n    continue: {}\n    routes:",
            t % receivers,
            t % 7 == 0
        );
        for s in 0..services_per_team {
            let r = (t * services_per_team + s) % receivers;
            match s % 3 {
                0 => {
                    let _ = writeln!(
                        y,
                        "    - receiver: r{r}\n      matchers: ['service=\"svc{s}\"', 'severity=~\"critical|page\"']"
                    );
                }
                1 => {
                    let _ = writeln!(
                        y,
                        "    - receiver: r{r}\n      match_re:\n        service: 'svc{s}|svc{s}-canary'\n      group_wait: 10s"
                    );
                }
                _ => {
                    let _ = writeln!(
                        y,
                        "    - receiver: r{r}\n      matchers: ['service=\"svc{s}\"', 'env!=\"dev\"']\n      group_by: ['...']"
                    );
                }
            }
        }
    }
    y.push_str("receivers:\n");
    for r in 0..receivers {
        let _ = writeln!(
            y,
            "- name: r{r}\n  webhook_configs:\n  - url: http://127.0.0.1:9099/r{r}\n    send_resolved: true"
        );
    }
    y
}

/// Labels of an alert that walks deep into [`large_config`]'s tree: it
/// belongs to the last team, so every sibling before it is tried.
pub fn deep_alert(teams: usize, services_per_team: usize) -> LabelSet {
    [
        ("alertname", "HighErrorRate".to_owned()),
        ("cluster", "prod-eu-1".to_owned()),
        ("team", format!("t{}", teams - 1)),
        ("service", format!("svc{}", services_per_team - 1)),
        ("severity", "critical".to_owned()),
        ("env", "prod".to_owned()),
    ]
    .into_iter()
    .collect()
}

/// A 100-alert group as the default templates see it: one alertname, a
/// quarter of the alerts resolved, realistic labels and annotations.
pub fn hundred_alert_group() -> TemplateData {
    preview_data(
        &hundred_alerts(),
        "team-api",
        &["alertname"],
        "http://alertmanager:9093",
        bench_now(),
    )
}

/// The fixed instant benchmark alerts are relative to.
pub fn bench_now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().expect("valid timestamp")
}

/// 100 alerts of one group (see [`hundred_alert_group`]).
pub fn hundred_alerts() -> Vec<Alert> {
    let now = bench_now();
    (0..100)
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_config_has_the_requested_shape() {
        let y = large_config(10, 4, 5);
        assert_eq!(y.matches("- name: r").count(), 10);
        assert_eq!(y.matches("  - receiver:").count(), 4 + 4 * 5);
        assert_eq!(deep_alert(4, 5).get("team"), Some("t3"));
        let group = hundred_alert_group();
        assert_eq!(group.alerts.len(), 100);
        assert_eq!(
            group.alerts.iter().filter(|a| !a.ends_at.is_zero()).count(),
            25
        );
    }
}
