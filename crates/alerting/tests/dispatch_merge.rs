//! Store merge rules seen through the dispatcher: upstream's acceptance
//! scenarios `TestMergeAlerts`, `TestMergeAlertsWithEndsAt`, `TestRepeat`
//! and `TestResolved` (test/with_api_v2/acceptance/send_test.go), checked
//! at the flush handler with exact times. Upstream accepts each expected
//! notification within a 0.5 s window; here every flush time is exact, and
//! since the pipeline runs at every tick (dedup decides what is sent), all
//! flushes are listed, not only those that would produce a notification.

mod dispatch_support;

use dispatch_support::{Harness, alert, root};

fn s(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

const TEST: &[(&str, &str)] = &[("alertname", "test")];

async fn run_merge_scenario(with_ends_at: bool) {
    let h = Harness::new(root(&["alertname"], 1.0, 1.0, 0.001));
    let active = |start: f64| {
        let a = alert(TEST);
        if with_ends_at {
            a.active_until(start, start + 3.0)
        } else {
            a.active(start)
        }
    };
    h.at(1.0).await;
    h.push([active(1.1)]);
    h.at(1.2).await;
    // Another Prometheus sending later with an earlier start.
    h.push([alert(TEST).active(1.0)]);
    h.at(2.1).await;
    h.push([active(2.0).annotate("ann", "v1")]);
    h.at(3.6).await;
    h.push([active(1.5).annotate("ann", "v2")]);
    h.at(4.6).await;
    h.push([alert(TEST).annotate("ann", "v2").active_until(3.0, 4.5)]);
    h.at(4.8).await;
    h.push([alert(TEST).annotate("ann", "v3").active_until(2.9, 4.8)]);
    h.push([alert(TEST).annotate("ann", "v3").active_until(2.9, 4.1)]);
    h.at(5.3).await;
    // Re-fired after resolution: no overlap, no merge.
    h.push([active(5.0)]);
    h.at(6.5).await;

    assert_eq!(
        h.recorder.summaries(),
        vec![
            (2.0, s(&[r#"{alertname="test"} {} 1.."#])),
            (3.0, s(&[r#"{alertname="test"} {ann="v1"} 1.."#])),
            (4.0, s(&[r#"{alertname="test"} {ann="v2"} 1.."#])),
            (5.0, s(&[r#"{alertname="test"} {ann="v3"} 1..4.8"#])),
            // The group was destroyed after the resolved flush; the new
            // alert creates a new group with a new group_wait.
            (6.3, s(&[r#"{alertname="test"} {} 5.."#])),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn merge_alerts() {
    run_merge_scenario(false).await;
}

#[tokio::test(start_paused = true)]
async fn merge_alerts_with_ends_at() {
    run_merge_scenario(true).await;
}

#[tokio::test(start_paused = true)]
async fn repeat_then_resolve() {
    let h = Harness::new(root(&["alertname"], 1.0, 1.0, 0.001));
    h.at(1.0).await;
    h.push([alert(TEST).active(1.0)]);
    h.at(3.5).await;
    h.push([alert(TEST).active_until(1.0, 3.0)]);
    h.at(5.5).await;
    assert_eq!(
        h.recorder.summaries(),
        vec![
            (2.0, s(&[r#"{alertname="test"} {} 1.."#])),
            (3.0, s(&[r#"{alertname="test"} {} 1.."#])),
            (4.0, s(&[r#"{alertname="test"} {} 1..3"#])),
        ]
    );
    assert_eq!(
        h.dispatcher().groups(|_| true).len(),
        0,
        "resolved and notified: group is empty"
    );
}

/// `TestResolved`: alerts without `endsAt` resolve by resolve_timeout
/// (here 300 s) and are flushed resolved at the next tick.
#[tokio::test(start_paused = true)]
async fn resolved_by_timeout() {
    let h = Harness::new(root(&["alertname"], 1.0, 5.0, 3600.0));
    h.at(1.0).await;
    h.push((1..=3).map(|i| alert(&[("alertname", "test"), ("lbl", &format!("v{i}"))])));
    h.at(307.0).await;
    let flushes = h.recorder.summaries();
    let firing = s(&[
        r#"{alertname="test", lbl="v1"} {} 1.."#,
        r#"{alertname="test", lbl="v2"} {} 1.."#,
        r#"{alertname="test", lbl="v3"} {} 1.."#,
    ]);
    let resolved = s(&[
        r#"{alertname="test", lbl="v1"} {} 1..301"#,
        r#"{alertname="test", lbl="v2"} {} 1..301"#,
        r#"{alertname="test", lbl="v3"} {} 1..301"#,
    ]);
    // Ticks at 2, 7, …, 297 firing; 302 resolved; then the group is gone.
    assert_eq!(flushes.len(), 61);
    assert_eq!(flushes.first(), Some(&(2.0, firing.clone())));
    assert_eq!(flushes.get(59), Some(&(297.0, firing)));
    assert_eq!(flushes.last(), Some(&(302.0, resolved)));
}
