//! Loading speed: a configuration with 5,000 routes and 1,000 receivers
//! loads and validates in well under 200 ms in release mode.
//!
//! Run with `cargo test -p tocsin-config --release --test perf -- --ignored`.

use std::fmt::Write;
use std::time::Instant;

fn big_config() -> String {
    let mut out = String::from(
        "global:\n  smtp_smarthost: mail:25\n  smtp_from: am@example.org\n  slack_api_url: https://hooks.slack.com/x\n",
    );
    out.push_str("route:\n  receiver: r0\n  group_by: [alertname, cluster]\n  routes:\n");
    // 100 teams × 49 services + the 100 team routes = 5,000 routes.
    for team in 0..100 {
        let _ = write!(
            out,
            "  - matchers: ['team=\"t{team}\"']\n    receiver: r{}\n    routes:\n",
            team * 10
        );
        for service in 0..49 {
            let _ = write!(
                out,
                "    - matchers: ['service=~\"svc{service}|api{service}\"', severity=\"critical\"]\n      receiver: r{}\n      group_wait: 10s\n      continue: {}\n",
                (team * 10 + service) % 1000,
                service % 2 == 0
            );
        }
    }
    out.push_str("receivers:\n");
    for i in 0..1000 {
        match i % 3 {
            0 => {
                let _ = write!(
                    out,
                    "- name: r{i}\n  webhook_configs:\n  - url: http://hook/{i}\n"
                );
            }
            1 => {
                let _ = write!(
                    out,
                    "- name: r{i}\n  email_configs:\n  - to: r{i}@example.org\n"
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "- name: r{i}\n  slack_configs:\n  - channel: '#c{i}'\n"
                );
            }
        }
    }
    out
}

#[test]
#[ignore = "timing; run in release mode"]
fn five_thousand_routes_load_fast() {
    let text = big_config();
    // Warm up (page in code, allocator).
    let _ = tocsin_config::load_str(&text, "big.yml");
    let start = Instant::now();
    let loaded = tocsin_config::load_str(&text, "big.yml").unwrap_or_else(|e| panic!("{e}"));
    let elapsed = start.elapsed();
    let mut routes = 0;
    let mut stack = vec![&loaded.config.route];
    while let Some(r) = stack.pop() {
        routes += 1;
        stack.extend(r.routes.iter());
    }
    assert_eq!(routes, 5001);
    assert_eq!(loaded.config.receivers.len(), 1000);
    eprintln!(
        "loaded {} bytes, {routes} routes, 1000 receivers in {elapsed:?}",
        text.len()
    );
    if cfg!(debug_assertions) {
        eprintln!("debug build: timing not asserted");
    } else {
        assert!(elapsed.as_millis() < 200, "took {elapsed:?}");
    }
}

/// Shapes that would expose quadratic checks: 5,000 sibling routes sharing
/// their first matcher, and a 20,000-entry map.
#[test]
#[ignore = "timing; run in release mode"]
fn wide_trees_and_big_maps_stay_linear() {
    let mut text = String::from("route:\n  receiver: r\n  routes:\n");
    for i in 0..5000 {
        let _ = writeln!(text, "  - matchers: [env=\"prod\", 'svc=\"s{i}\"']");
    }
    text.push_str("receivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    payload:\n");
    for i in 0..20_000 {
        let _ = writeln!(text, "      k{i}: v{i}");
    }
    let _ = tocsin_config::load_str(&text, "wide.yml");
    let start = Instant::now();
    let loaded = tocsin_config::load_str(&text, "wide.yml").unwrap_or_else(|e| panic!("{e}"));
    let elapsed = start.elapsed();
    assert_eq!(loaded.config.route.routes.len(), 5000);
    eprintln!("wide config ({} bytes) in {elapsed:?}", text.len());
    if !cfg!(debug_assertions) {
        assert!(elapsed.as_millis() < 200, "took {elapsed:?}");
    }
}
