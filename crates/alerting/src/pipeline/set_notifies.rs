//! The set-notifies stage: after a successful send (or a send that
//! send_resolved turned into a no-op), records the notified firing and
//! resolved alert hashes in the notification log, with the receiver data
//! the notifier left in its context, stamped with the wall clock at that
//! moment and kept for `2 × repeat_interval` (capped by the log's
//! retention) (upstream `notify/set_notifies_stage.go`).

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::flush::FlushContext;
use crate::nflog::{Notification, NotificationLog, ReceiverDataValue, ReceiverKey};

use super::dedup::Partition;

pub(super) fn record(
    nflog: &NotificationLog,
    ctx: &FlushContext,
    receiver: &ReceiverKey,
    alerts: Partition,
    receiver_data: BTreeMap<String, ReceiverDataValue>,
    now: Timestamp,
) {
    nflog.log(
        Notification {
            receiver: receiver.clone(),
            group_key: ctx.group_key.clone(),
            firing_alerts: alerts.firing,
            resolved_alerts: alerts.resolved,
            receiver_data,
            expiry: ctx.repeat_interval.saturating_mul(2),
        },
        now,
    );
}
