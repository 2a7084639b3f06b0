//! One branch of the fan-out: the stages that run per integration of the
//! receiver — dedup against the notification log, send with retries, record
//! in the log — and the runner that starts every branch concurrently and
//! joins their errors (upstream `FanoutStage` of `createReceiverStage`).

use std::collections::HashMap;
use std::sync::Arc;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::alert::Alert;
use crate::clock::Clock;
use crate::flush::{FlushContext, FlushError};
use crate::nflog::{NotificationLog, ReceiverKey};
use crate::notifier::{Notifier, NotifyContext, ReceiverData};

use super::dedup::{NotifyReason, needs_update, partition};
use super::metrics::PipelineMetrics;
use super::{retry, set_notifies};

/// One integration of one receiver with what its stages need.
pub(super) struct Branch {
    pub notifier: Arc<dyn Notifier>,
    pub key: ReceiverKey,
    pub nflog: Arc<NotificationLog>,
    pub clock: Clock,
    pub metrics: Arc<dyn PipelineMetrics>,
}

impl Branch {
    pub fn new(
        receiver: &str,
        notifier: Arc<dyn Notifier>,
        nflog: Arc<NotificationLog>,
        clock: Clock,
        metrics: Arc<dyn PipelineMetrics>,
    ) -> Self {
        let key = ReceiverKey {
            receiver: receiver.to_owned(),
            integration: notifier.integration().to_owned(),
            index: u32::try_from(notifier.index()).unwrap_or(u32::MAX),
        };
        Branch {
            notifier,
            key,
            nflog,
            clock,
            metrics,
        }
    }

    /// Dedup → retry → set-notifies. Returns upstream's error text on failure.
    async fn run(
        &self,
        ctx: FlushContext,
        alerts: Arc<[Alert]>,
        deadline: Instant,
    ) -> Result<(), String> {
        let split = partition(&alerts, self.clock.now());
        let entry = self.nflog.query(&ctx.group_key, &self.key);
        let reason = needs_update(
            entry.as_ref(),
            &split,
            self.notifier.send_resolved(),
            ctx.repeat_interval,
            ctx.now,
        );
        if reason == NotifyReason::DoNotNotify {
            return Ok(());
        }
        // Upstream's dedup stage hands the notifier a copy of the entry's
        // data, except on a first notification (e.g. after all resolved).
        let previous_data = match (reason, entry) {
            (NotifyReason::FirstNotification, _) | (_, None) => Default::default(),
            (_, Some(entry)) => entry.receiver_data,
        };

        let notify_ctx = NotifyContext {
            flush: ctx,
            notification_reason: reason.as_str().to_owned(),
            receiver_data: ReceiverData::new(previous_data),
        };
        retry::send(retry::SendRequest {
            notifier: &*self.notifier,
            context: &notify_ctx,
            alerts: &alerts,
            any_firing: !split.firing.is_empty(),
            now: self.clock.now(),
            deadline,
            metrics: &*self.metrics,
        })
        .await
        .map_err(|failure| failure.message)?;

        set_notifies::record(
            &self.nflog,
            &notify_ctx.flush,
            &self.key,
            split,
            notify_ctx.receiver_data.snapshot(),
            self.clock.now(),
        );
        // The flush succeeds only once the entry is on disk, so a crash
        // right after cannot make the next process send this again.
        // (Concurrent branches share one fsync.) The notification itself
        // went out, so a write failure is logged, not retried.
        if let Err(e) = self.nflog.wait_durable().await {
            tracing::warn!(err = %e, "notification log entry not persisted");
        }
        Ok(())
    }
}

/// Runs every branch concurrently on its own task; waits for all of them.
/// Dropping the returned future aborts the branches still running.
pub(super) async fn run_all(
    branches: &[Arc<Branch>],
    ctx: &FlushContext,
    alerts: Vec<Alert>,
    deadline: Instant,
) -> Result<(), FlushError> {
    let alerts: Arc<[Alert]> = alerts.into();
    let mut tasks = JoinSet::new();
    let mut names = HashMap::new();
    for (position, branch) in branches.iter().enumerate() {
        let name = format!(
            "{}/{}[{}]",
            ctx.receiver, branch.key.integration, branch.key.index
        );
        let branch = Arc::clone(branch);
        let ctx = ctx.clone();
        let alerts = Arc::clone(&alerts);
        let handle = tasks.spawn(async move { branch.run(ctx, alerts, deadline).await });
        names.insert(handle.id(), (position, name));
    }
    let mut errors: Vec<(usize, String)> = Vec::new();
    while let Some(joined) = tasks.join_next_with_id().await {
        let failure = match joined {
            Ok((_, Ok(()))) => None,
            Ok((id, Err(message))) => Some((id, message)),
            Err(e) => {
                let name = names
                    .get(&e.id())
                    .map(|(_, name)| name.as_str())
                    .unwrap_or_default();
                Some((e.id(), format!("{name}: notify task failed: {e}")))
            }
        };
        if let Some((id, message)) = failure {
            let position = names.get(&id).map_or(usize::MAX, |(position, _)| *position);
            errors.push((position, message));
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by_key(|(position, _)| *position);
    let joined: Vec<String> = errors.into_iter().map(|(_, message)| message).collect();
    Err(FlushError(joined.join("\n")))
}
