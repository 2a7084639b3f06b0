//! Dispatcher lifecycle: `--dispatch.start-delay`, reload (a new
//! dispatcher rebuilding groups from the store, alertmanager.md §3.10,
//! upstream acceptance `TestReload` and `TestColdStart`), stop cancelling
//! everything without leaking tasks, and the groups snapshot.

mod dispatch_support;

use std::sync::Arc;
use std::time::Duration;

use dispatch_support::{Harness, Response, alert, describe, root, wall};
use tocsin_alerting::dispatch::DispatcherOptions;

fn flush_lines(h: &Harness) -> Vec<(f64, Vec<String>)> {
    h.recorder.summaries()
}

fn names(h: &Harness) -> Vec<(f64, Vec<String>)> {
    h.recorder
        .all()
        .iter()
        .map(|f| {
            (
                f.at,
                f.alerts
                    .iter()
                    .map(|a| a.labels.value_or_empty("alertname").to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn v(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Groups created before the start time wait for it; the tick handed to
/// the pipeline is when their timer fired.
#[tokio::test(start_paused = true)]
async fn start_delay_holds_groups_until_start() {
    let options = DispatcherOptions {
        start_at: Some(wall(5.0)),
        ..DispatcherOptions::default()
    };
    let h = Harness::with_options(root(&[], 1.0, 6.0, 600.0), options);
    h.at(1.0).await;
    h.push([alert(&[("alertname", "test1")]).active_until(1.0, 100.0)]);
    h.at(2.0).await;
    h.push([alert(&[("alertname", "test2")]).active_until(2.0, 100.0)]);
    h.at(11.5).await;
    assert_eq!(
        names(&h),
        [
            (5.0, v(&["test1", "test2"])),
            (11.0, v(&["test1", "test2"]))
        ]
    );
    let ticks: Vec<_> = h.recorder.all().iter().map(|f| f.ctx.now).collect();
    assert_eq!(ticks, [wall(2.0), wall(11.0)]);
}

/// Upstream `TestColdStart`, with the reload half a second after the
/// start time: the reloaded dispatcher starts at once and its group,
/// holding old alerts, flushes immediately; timers restart from there.
#[tokio::test(start_paused = true)]
async fn cold_start_then_reload() {
    let options = DispatcherOptions {
        start_at: Some(wall(5.0)),
        ..DispatcherOptions::default()
    };
    let mut h = Harness::with_options(root(&[], 1.0, 6.0, 600.0), options);
    h.at(1.0).await;
    h.push([alert(&[("alertname", "test1")]).active_until(1.0, 100.0)]);
    h.at(2.0).await;
    h.push([alert(&[("alertname", "test2")]).active_until(2.0, 100.0)]);
    h.at(5.5).await;
    h.reload().await;
    h.at(6.0).await;
    h.push([alert(&[("alertname", "test3")]).active_until(6.0, 100.0)]);
    h.at(7.0).await;
    h.push([alert(&[("alertname", "test4")]).active_until(7.0, 100.0)]);
    h.at(12.0).await;
    assert_eq!(
        names(&h),
        [
            (5.0, v(&["test1", "test2"])),
            (5.5, v(&["test1", "test2"])),
            (11.5, v(&["test1", "test2", "test3", "test4"])),
        ]
    );
}

/// Upstream `TestReload`: flush at 2, reload at 3 flushes at once (dedup
/// would suppress it), the next tick is 6 s after the reload.
#[tokio::test(start_paused = true)]
async fn reload_rebuilds_groups_from_the_store() {
    let mut h = Harness::new(root(&[], 1.0, 6.0, 600.0));
    h.at(1.0).await;
    h.push([alert(&[("alertname", "test1")]).active_until(1.0, 100.0)]);
    h.at(3.0).await;
    h.reload().await;
    h.dispatcher().wait_loaded().await;
    assert_eq!(h.dispatcher().groups(|_| true).len(), 1);
    h.at(4.0).await;
    h.push([alert(&[("alertname", "test2")]).active_until(4.0, 100.0)]);
    h.at(9.5).await;
    assert_eq!(
        names(&h),
        [
            (2.0, v(&["test1"])),
            (3.0, v(&["test1"])),
            (9.0, v(&["test1", "test2"]))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn stop_cancels_flushes_and_leaks_no_task() {
    let mut h = Harness::new(root(&["alertname"], 1.0, 2.0, 600.0));
    h.recorder
        .respond_with(|_, _| Response::SlowOk(Duration::from_secs(100)));
    h.push([
        alert(&[("alertname", "a")]).active_until(0.0, 100.0),
        alert(&[("alertname", "b")]).active_until(0.0, 100.0),
    ]);
    h.at(3.0).await;
    let dispatcher = h.dispatcher.take().unwrap();
    dispatcher.stop().await;
    h.push([alert(&[("alertname", "c")]).active_until(3.0, 100.0)]);
    h.at(30.0).await;
    let flushes = h.recorder.all();
    assert_eq!(flushes.len(), 2);
    assert!(
        flushes.iter().all(|f| !f.completed),
        "in-flight flushes were cancelled"
    );
    drop(dispatcher);
    assert_eq!(
        Arc::strong_count(&h.recorder),
        1,
        "no task holds the handler any more"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_a_running_dispatcher_ends_its_tasks() {
    let mut h = Harness::new(root(&["alertname"], 1.0, 2.0, 600.0));
    h.push([alert(&[("alertname", "a")]).active_until(0.0, 100.0)]);
    h.at(1.5).await;
    h.dispatcher = None;
    h.at(2.0).await;
    tokio::task::yield_now().await;
    assert_eq!(Arc::strong_count(&h.recorder), 1);
    assert_eq!(h.recorder.all().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn groups_snapshot_is_sorted_and_skips_empty_groups() {
    let h = Harness::new(root(&["alertname"], 1.0, 1.0, 600.0));
    h.push([
        alert(&[("alertname", "b"), ("instance", "2")]).active_until(0.0, 100.0),
        alert(&[("alertname", "b"), ("instance", "1"), ("job", "z")]).active_until(0.0, 100.0),
        alert(&[("alertname", "a")]).active_until(0.0, 100.0),
        alert(&[("alertname", "gone")]).active_until(0.0, 0.5),
    ]);
    h.dispatcher().wait_loaded().await;
    h.at(0.1).await;
    let groups = h.dispatcher().groups(|_| true);
    let shown: Vec<(String, Vec<String>)> = groups
        .iter()
        .map(|g| {
            (
                g.group_key.clone(),
                g.alerts.iter().map(|a| describe(&a.to_alert())).collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                r#"{}:{alertname="a"}"#.to_string(),
                v(&[r#"{alertname="a"} {} 0..100"#])
            ),
            (
                r#"{}:{alertname="b"}"#.to_string(),
                v(&[
                    r#"{alertname="b", instance="1", job="z"} {} 0..100"#,
                    r#"{alertname="b", instance="2"} {} 0..100"#
                ])
            ),
            (
                r#"{}:{alertname="gone"}"#.to_string(),
                v(&[r#"{alertname="gone"} {} 0..0.5"#])
            ),
        ]
    );
    assert_eq!(groups[0].receiver, "default");
    assert_eq!(groups[0].route_id, "{}");
    assert_eq!(groups[0].route, 0);
    assert!(h.dispatcher().groups(|_| false).is_empty());
    // After the first flush the resolved alert's group is destroyed and hidden.
    h.at(1.5).await;
    let keys: Vec<String> = h
        .dispatcher()
        .groups(|_| true)
        .into_iter()
        .map(|g| g.group_key)
        .collect();
    assert_eq!(keys, [r#"{}:{alertname="a"}"#, r#"{}:{alertname="b"}"#]);
    assert_eq!(h.dispatcher().group_count(), 3);
    assert_eq!(flush_lines(&h).len(), 3);
}

/// One alert routed to two routes (`continue`) lands in two groups with
/// equal labels: listed by receiver; each flushes on its own route's timer.
#[tokio::test(start_paused = true)]
async fn continue_routes_give_one_group_per_route() {
    use tocsin_config::Route;
    let mut route = root(&["alertname"], 1.0, 10.0, 600.0);
    let first = Route {
        receiver: Some("zeta".into()),
        r#continue: true,
        ..Route::default()
    };
    let second = Route {
        receiver: Some("alpha".into()),
        group_wait: Some(tocsin_model::PromDuration(Duration::from_secs(3))),
        ..Route::default()
    };
    route.routes = vec![first, second];
    let h = Harness::new(route);
    h.push([alert(&[("alertname", "x")]).active_until(0.0, 100.0)]);
    h.at(0.5).await;
    let groups = h.dispatcher().groups(|_| true);
    let shown: Vec<(&str, &str, &str)> = groups
        .iter()
        .map(|g| {
            (
                g.receiver.as_str(),
                g.route_id.as_str(),
                g.group_key.as_str(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("alpha", "{}/{}/1", r#"{}/{}:{alertname="x"}"#),
            ("zeta", "{}/{}/0", r#"{}/{}:{alertname="x"}"#)
        ]
    );
    assert!(
        h.dispatcher()
            .groups(|node| node.receiver() == "zeta")
            .iter()
            .all(|g| g.receiver == "zeta")
    );
    h.at(3.5).await;
    let flushes: Vec<(f64, String)> = h
        .recorder
        .all()
        .iter()
        .map(|f| (f.at, f.ctx.receiver.clone()))
        .collect();
    assert_eq!(
        flushes,
        [(1.0, "zeta".to_string()), (3.0, "alpha".to_string())]
    );
}
