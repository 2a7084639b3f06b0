//! Issue-2 performance goals: loading and validating a config with 5,000
//! routes and 1,000 receivers (< 200 ms), and routing one alert through that
//! tree (< 20 µs).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tocsin_alerting::route::RouteTree;
use tocsin_bench::{deep_alert, large_config};

const RECEIVERS: usize = 1_000;
const TEAMS: usize = 50;
const SERVICES: usize = 99; // 50 + 50 × 99 = 5,000 routes below the root

fn config_load(c: &mut Criterion) {
    let yaml = large_config(RECEIVERS, TEAMS, SERVICES);
    let mut group = c.benchmark_group("config");
    group.sample_size(20);
    group.bench_function("load_5000_routes_1000_receivers", |b| {
        b.iter(|| {
            let loaded =
                tocsin_config::load_str(black_box(&yaml), "bench.yml").unwrap_or_else(|f| {
                    panic!("generated config must load: {}", f.first_upstream_message())
                });
            black_box(loaded.config.receivers.len())
        })
    });
    group.finish();
}

fn routing(c: &mut Criterion) {
    let yaml = large_config(RECEIVERS, TEAMS, SERVICES);
    let loaded = tocsin_config::load_str(&yaml, "bench.yml")
        .unwrap_or_else(|f| panic!("generated config must load: {}", f.first_upstream_message()));
    let tree = RouteTree::new(&loaded.config.route).expect("tree builds");
    assert_eq!(tree.len(), 1 + TEAMS + TEAMS * SERVICES);
    let alert = deep_alert(TEAMS, SERVICES);
    assert!(!tree.match_alert(&alert).is_empty());
    c.bench_function("route/one_alert_5000_routes", |b| {
        b.iter(|| black_box(tree.match_alert(black_box(&alert)).len()))
    });
}

criterion_group!(benches, config_load, routing);
criterion_main!(benches);
