//! Aggregation-group timers (alertmanager.md §3.2–3.3) on paused time:
//! group_wait, ticks every group_interval anchored at the first flush,
//! immediate flush for old alerts, the tick time handed to the pipeline,
//! the flush timeout, and slow flushes delaying the next tick.

mod dispatch_support;

use std::sync::Arc;
use std::time::Duration;

use dispatch_support::{Harness, Response, alert, root, wall};
use tocsin_alerting::alert::Alert;
use tocsin_alerting::dispatch::{DispatcherOptions, RouteLabelRenderer};
use tocsin_alerting::route::RouteNode;
use tocsin_model::LabelSet;

fn names(alerts: &[Alert]) -> Vec<String> {
    alerts
        .iter()
        .map(|a| a.labels.value_or_empty("instance").to_owned())
        .collect()
}

fn times(h: &Harness) -> Vec<f64> {
    h.recorder.all().iter().map(|f| f.at).collect()
}

/// The timeline of alertmanager.md §3.3: A at 0 → 30 s; B at 2 min joins
/// and goes out at the 5m30s tick; then a flush every 5 min.
#[tokio::test(start_paused = true)]
async fn group_wait_then_ticks_every_group_interval() {
    let h = Harness::new(root(&["alertname"], 30.0, 300.0, 14400.0));
    // Explicit far ends: without them resolve_timeout (5 min) would end both.
    h.push([alert(&[("alertname", "A"), ("instance", "a")]).active_until(0.0, 5000.0)]);
    h.at(120.0).await;
    h.push([alert(&[("alertname", "A"), ("instance", "b")]).active_until(120.0, 5000.0)]);
    h.at(930.5).await;
    let flushes = h.recorder.all();
    assert_eq!(times(&h), [30.0, 330.0, 630.0, 930.0]);
    assert_eq!(names(&flushes[0].alerts), ["a"]);
    assert_eq!(names(&flushes[1].alerts), ["a", "b"]);
    for f in &flushes {
        assert_eq!(f.ctx.now, wall(f.at), "ctx.now is the tick");
        assert!(
            f.alerts.iter().all(|a| a.ends_at.is_zero()),
            "firing alerts go out without endsAt"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn alert_older_than_group_wait_flushes_immediately() {
    let h = Harness::new(root(&["alertname"], 30.0, 300.0, 14400.0));
    h.at(100.0).await;
    // StartsAt + group_wait = 99 < now = 100: immediate.
    h.push([alert(&[("alertname", "old"), ("instance", "a")]).active(69.0)]);
    // StartsAt + group_wait = 100, not before now: regular group_wait.
    h.push([alert(&[("alertname", "borderline"), ("instance", "a")]).active(70.0)]);
    h.at(131.0).await;
    let flushes: Vec<(f64, String)> = h
        .recorder
        .all()
        .iter()
        .map(|f| (f.at, f.ctx.group_key.clone()))
        .collect();
    assert_eq!(
        flushes,
        [
            (100.0, r#"{}:{alertname="old"}"#.to_string()),
            (130.0, r#"{}:{alertname="borderline"}"#.to_string())
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn joining_alerts_never_move_the_timer() {
    let h = Harness::new(root(&["alertname"], 30.0, 300.0, 14400.0));
    h.at(100.0).await;
    h.push([alert(&[("alertname", "A"), ("instance", "new")])]);
    h.at(110.0).await;
    // Old enough to flush a new group at once, but the group exists.
    h.push([alert(&[("alertname", "A"), ("instance", "old")]).active(1.0)]);
    h.at(131.0).await;
    assert_eq!(times(&h), [130.0]);
    assert_eq!(names(&h.recorder.all()[0].alerts), ["new", "old"]);
}

struct Upper;

impl RouteLabelRenderer for Upper {
    fn render(&self, node: &RouteNode, group_labels: &LabelSet, alerts: &[Alert]) -> LabelSet {
        node.options()
            .labels
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    format!(
                        "{}:{}:{}",
                        v.to_uppercase(),
                        group_labels.len(),
                        alerts.len()
                    ),
                )
            })
            .collect()
    }
}

#[tokio::test(start_paused = true)]
async fn flush_context_carries_the_route_and_group() {
    let mut route = root(&["alertname", "cluster"], 1.0, 1.0, 7.0);
    route.labels.insert("team".into(), "infra".into());
    route.mute_time_intervals = vec!["nights".into()];
    route.active_time_intervals = vec!["weekdays".into()];
    let h = Harness::new(route.clone());
    h.push([alert(&[
        ("alertname", "A"),
        ("cluster", "eu"),
        ("instance", "1"),
    ])]);
    h.at(1.5).await;
    let f = h.recorder.all().remove(0);
    assert_eq!(f.ctx.group_key, r#"{}:{alertname="A", cluster="eu"}"#);
    assert_eq!(
        f.ctx.group_labels.to_string(),
        r#"{alertname="A", cluster="eu"}"#
    );
    assert_eq!(f.ctx.receiver, "default");
    assert_eq!(f.ctx.route_id, "{}");
    assert_eq!(f.ctx.group_interval, Duration::from_secs(1));
    assert_eq!(f.ctx.repeat_interval, Duration::from_secs(7));
    assert_eq!(
        f.ctx.timeout,
        Duration::from_secs(10),
        "max(group_interval, 10s)"
    );
    assert_eq!(f.ctx.mute_time_intervals, ["nights"]);
    assert_eq!(f.ctx.active_time_intervals, ["weekdays"]);
    assert_eq!(
        f.ctx.route_labels.to_string(),
        r#"{team="infra"}"#,
        "unrendered without a renderer"
    );

    let options = DispatcherOptions {
        route_labels: Some(Arc::new(Upper)),
        ..DispatcherOptions::default()
    };
    let h = Harness::with_options(root(&["alertname"], 1.0, 60.0, 7.0), options.clone());
    h.push([alert(&[("alertname", "A")])]);
    h.at(1.5).await;
    let f = h.recorder.all().remove(0);
    assert_eq!(f.ctx.timeout, Duration::from_secs(60));
    assert!(
        f.ctx.route_labels.is_empty(),
        "no route labels, nothing rendered"
    );
    let h = Harness::with_options(route, options);
    h.push([
        alert(&[("alertname", "A"), ("cluster", "eu")]),
        alert(&[("alertname", "A"), ("cluster", "eu"), ("x", "y")]),
    ]);
    h.at(1.5).await;
    assert_eq!(
        h.recorder.all()[0].ctx.route_labels.to_string(),
        r#"{team="INFRA:2:2"}"#
    );
}

/// The timer is re-armed before the flush; a flush longer than
/// group_interval makes the next one start as soon as it ends, with the
/// tick time of when the timer fired.
#[tokio::test(start_paused = true)]
async fn slow_flush_delays_the_next_tick() {
    let h = Harness::new(root(&["alertname"], 1.0, 5.0, 3600.0));
    h.recorder.respond_with(|i, _| {
        if i == 0 {
            Response::SlowOk(Duration::from_secs(7))
        } else {
            Response::Ok
        }
    });
    h.push([alert(&[("alertname", "A")])]);
    h.at(14.0).await;
    let flushes = h.recorder.all();
    assert_eq!(times(&h), [1.0, 8.0, 13.0]);
    assert_eq!(
        flushes[1].ctx.now,
        wall(6.0),
        "tick of the timer that fired during the slow flush"
    );
    assert_eq!(flushes[2].ctx.now, wall(13.0));
    assert!(flushes[0].completed);
}

/// A flush running past max(group_interval, 10s) is cancelled and counts
/// as failed: the resolved alert it carried is flushed again.
#[tokio::test(start_paused = true)]
async fn flush_timeout_cancels_and_fails() {
    let h = Harness::new(root(&["alertname"], 1.0, 5.0, 3600.0));
    h.recorder.respond_with(|i, _| {
        if i == 0 {
            Response::SlowOk(Duration::from_secs(15))
        } else {
            Response::Ok
        }
    });
    h.push([alert(&[("alertname", "A")]).active_until(0.0, 0.5)]);
    h.at(20.0).await;
    let flushes = h.recorder.all();
    assert_eq!(times(&h), [1.0, 11.0]);
    assert!(
        !flushes[0].completed,
        "handler future dropped at the deadline"
    );
    assert_eq!(flushes[1].ctx.now, wall(6.0));
    assert_eq!(
        flushes[1].alerts.len(),
        1,
        "still there after the failed flush"
    );
    assert!(flushes[1].completed);
    assert_eq!(
        h.dispatcher().groups(|_| true).len(),
        0,
        "deleted after the successful one"
    );
}
