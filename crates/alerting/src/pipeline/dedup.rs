//! The dedup stage: compares what a flush would notify with the last
//! notification-log entry of the same group and integration, and decides
//! whether to notify and why (upstream `notify/dedup_stage.go`,
//! `needsUpdate`). It reads the log; writing is the set-notifies stage's job.

use std::collections::HashSet;
use std::time::Duration;

use jiff::Timestamp;

use crate::alert::Alert;
use crate::nflog::{Entry, alert_hash};

/// Why a notification is sent (`notification_reason` in payloads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotifyReason {
    DoNotNotify,
    FirstNotification,
    NewAlertsInGroup,
    NewResolvedAlerts,
    AllAlertsResolved,
    RepeatIntervalElapsed,
}

impl NotifyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyReason::DoNotNotify => "none",
            NotifyReason::FirstNotification => "first notification",
            NotifyReason::NewAlertsInGroup => "new alerts added",
            NotifyReason::NewResolvedAlerts => "some alerts resolved",
            NotifyReason::AllAlertsResolved => "all alerts resolved",
            NotifyReason::RepeatIntervalElapsed => "repeat interval elapsed",
        }
    }
}

/// The alerts reaching the stage, split by state, as nflog hashes (lists
/// in alert order for the log, sets for the comparisons).
#[derive(Clone, Debug, Default)]
pub struct Partition {
    pub firing: Vec<u64>,
    pub resolved: Vec<u64>,
    pub firing_set: HashSet<u64>,
    pub resolved_set: HashSet<u64>,
}

/// Splits `alerts` into firing and resolved at `now`.
pub fn partition(alerts: &[Alert], now: Timestamp) -> Partition {
    let mut p = Partition::default();
    for alert in alerts {
        let hash = alert_hash(&alert.labels);
        if alert.resolved_at(now) {
            p.resolved.push(hash);
            p.resolved_set.insert(hash);
        } else {
            p.firing.push(hash);
            p.firing_set.insert(hash);
        }
    }
    p
}

/// Upstream's decision table, checked in order.
pub fn needs_update(
    entry: Option<&Entry>,
    alerts: &Partition,
    send_resolved: bool,
    repeat_interval: Duration,
    now: Timestamp,
) -> NotifyReason {
    let Some(entry) = entry else {
        return if alerts.firing_set.is_empty() {
            NotifyReason::DoNotNotify
        } else {
            NotifyReason::FirstNotification
        };
    };
    if !entry.is_firing_subset(&alerts.firing_set) {
        return if entry.firing_alerts.is_empty() {
            NotifyReason::FirstNotification
        } else {
            NotifyReason::NewAlertsInGroup
        };
    }
    if alerts.firing_set.is_empty() {
        // Sent regardless of send_resolved so the log forgets the firing
        // alerts; the retry stage then skips the actual send.
        return if entry.firing_alerts.is_empty() {
            NotifyReason::DoNotNotify
        } else {
            NotifyReason::AllAlertsResolved
        };
    }
    if send_resolved && !entry.is_resolved_subset(&alerts.resolved_set) {
        return NotifyReason::NewResolvedAlerts;
    }
    let repeat_due = match now.checked_sub(repeat_interval) {
        Ok(threshold) => entry.timestamp < threshold,
        Err(_) => false,
    };
    if repeat_due {
        NotifyReason::RepeatIntervalElapsed
    } else {
        NotifyReason::DoNotNotify
    }
}
