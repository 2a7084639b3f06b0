//! The seam between the pipeline and the integrations: a [`Notifier`] sends
//! one notification for one integration of a receiver and classifies
//! failure the way upstream's retrier does (retry or give up, and the
//! `reason` label of `alertmanager_notifications_failed_total`).

use std::future::Future;
use std::pin::Pin;

use crate::alert::Alert;
use crate::flush::FlushContext;

/// What a notifier knows about the notification it is asked to send.
#[derive(Clone, Debug)]
pub struct NotifyContext {
    pub flush: FlushContext,
    /// The dedup stage's decision, e.g. `first notification`; sent as
    /// `notification_reason` in webhook payloads.
    pub notification_reason: String,
}

/// `reason` label values of `alertmanager_notifications_failed_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureReason {
    Other,
    ClientError,
    ServerError,
    ContextCanceled,
    ContextDeadlineExceeded,
    AuthError,
    RateLimited,
}

impl FailureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Other => "other",
            FailureReason::ClientError => "clientError",
            FailureReason::ServerError => "serverError",
            FailureReason::ContextCanceled => "contextCanceled",
            FailureReason::ContextDeadlineExceeded => "contextDeadlineExceeded",
            FailureReason::AuthError => "authError",
            FailureReason::RateLimited => "rateLimited",
        }
    }
}

/// A failed send: whether to retry, why, and the provider's own words.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct NotifyError {
    pub retry: bool,
    pub reason: FailureReason,
    pub message: String,
}

/// One integration of one receiver (e.g. `webhook_configs[0]` of `team-a`).
pub trait Notifier: Send + Sync + 'static {
    /// The integration name used in metrics and the nflog (`webhook`, `slack`, …).
    fn integration(&self) -> &str;
    /// Index of this integration within its receiver's list of that type.
    fn index(&self) -> usize;
    fn send_resolved(&self) -> bool;
    /// Send `alerts` (already filtered for send_resolved by the retry stage).
    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>>;
}
