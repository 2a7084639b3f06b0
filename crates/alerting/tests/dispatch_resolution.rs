//! What happens to resolved alerts and emptied groups (alertmanager.md
//! §3.3 step 4–5): deletion only after a successful flush and only if the
//! alert did not change meanwhile; an emptied group is destroyed, a new
//! alert then starts a new group with a fresh group_wait, and maintenance
//! forgets destroyed groups.

mod dispatch_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dispatch_support::{Harness, Response, alert, describe, root};
use tocsin_alerting::dispatch::DispatcherOptions;

const A: &[(&str, &str)] = &[("alertname", "A")];

fn flushed(h: &Harness) -> Vec<(f64, Vec<String>, bool)> {
    h.recorder
        .all()
        .iter()
        .map(|f| (f.at, f.alerts.iter().map(describe).collect(), f.completed))
        .collect()
}

fn line(s: &str) -> Vec<String> {
    vec![s.to_string()]
}

#[tokio::test(start_paused = true)]
async fn resolved_alerts_are_deleted_only_after_success() {
    let h = Harness::new(root(&["alertname"], 1.0, 1.0, 3600.0));
    h.recorder.respond_with(|i, _| {
        if i == 2 || i == 3 {
            Response::Fail
        } else {
            Response::Ok
        }
    });
    h.push([alert(A).active_until(0.0, 100.0)]);
    // Sent after its end: a resolving update (a still-future end would lose
    // the merge to the stored, later, explicit end).
    h.at(2.6).await;
    h.push([alert(A).active_until(0.0, 2.5)]);
    h.at(8.0).await;
    let firing = r#"{alertname="A"} {} 0.."#;
    let resolved = r#"{alertname="A"} {} 0..2.5"#;
    assert_eq!(
        h.recorder.summaries(),
        vec![
            (1.0, line(firing)),
            (2.0, line(firing)),
            (3.0, line(resolved)),
            (4.0, line(resolved)),
            (5.0, line(resolved))
        ],
        "ticks 3 and 4 failed, so the resolved alert stays until the successful tick at 5"
    );
    assert!(h.dispatcher().groups(|_| true).is_empty());
    assert_eq!(
        h.dispatcher().group_count(),
        1,
        "destroyed but not yet removed by maintenance"
    );
}

#[tokio::test(start_paused = true)]
async fn resolved_alert_changed_during_flush_is_kept() {
    let h = Harness::new(root(&["alertname"], 1.0, 1.0, 3600.0));
    h.recorder.respond_with(|i, _| {
        if i == 0 {
            Response::SlowOk(Duration::from_millis(500))
        } else {
            Response::Ok
        }
    });
    h.push([alert(A).active_until(0.0, 0.5)]);
    h.at(1.2).await;
    // Re-fires while the resolved version is being flushed.
    h.push([alert(A).active_until(1.2, 50.0)]);
    h.at(2.5).await;
    assert_eq!(
        flushed(&h),
        vec![
            (1.0, line(r#"{alertname="A"} {} 0..0.5"#), true),
            (2.0, line(r#"{alertname="A"} {} 1.2.."#), true),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn destroyed_group_is_replaced_with_a_new_group_wait() {
    let removed = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&removed);
    let options = DispatcherOptions {
        maintenance_interval: Duration::from_secs(30),
        on_group_removed: Some(Arc::new(move |route_id: &str, key: &str| {
            seen.lock().unwrap().push(format!("{route_id} {key}"));
        })),
        ..DispatcherOptions::default()
    };
    let h = Harness::with_options(root(&["alertname"], 2.0, 5.0, 3600.0), options);
    h.push([alert(A).active_until(0.0, 1.0)]);
    // Flushed resolved at 2 → destroyed. Maintenance runs at 30, 60, …
    h.at(10.0).await;
    h.push([alert(A).active_until(10.0, 100.0)]);
    assert_eq!(
        h.dispatcher().group_count(),
        1,
        "the destroyed group was swapped out"
    );
    h.at(29.0).await;
    // 12 = 10 + group_wait, then every 5 s.
    let times: Vec<f64> = h.recorder.all().iter().map(|f| f.at).collect();
    assert_eq!(times, [2.0, 12.0, 17.0, 22.0, 27.0]);
    h.at(31.0).await;
    assert!(
        removed.lock().unwrap().is_empty(),
        "the live group is not removed"
    );

    // Resolve it; after the flush at 32 the group is destroyed, and the
    // maintenance tick at 60 removes it.
    h.push([alert(A).active_until(10.0, 31.0)]);
    h.at(59.0).await;
    assert_eq!(h.dispatcher().group_count(), 1);
    h.at(61.0).await;
    assert_eq!(h.dispatcher().group_count(), 0);
    assert_eq!(*removed.lock().unwrap(), [r#"{} {}:{alertname="A"}"#]);
    let times: Vec<f64> = h.recorder.all().iter().map(|f| f.at).collect();
    assert_eq!(times.last(), Some(&32.0));
    h.push([alert(A).active_until(61.0, 500.0)]);
    h.at(64.0).await;
    let last = h.recorder.all().last().map(|f| (f.at, f.ctx.now)).unwrap();
    assert_eq!(last, (63.0, dispatch_support::wall(63.0)));
}
