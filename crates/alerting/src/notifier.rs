//! The seam between the pipeline and the integrations: a [`Notifier`] sends
//! one notification for one integration of a receiver and classifies
//! failure the way upstream's retrier does (retry or give up, and the
//! `reason` label of `alertmanager_notifications_failed_total`). It also
//! carries the integration's per-group [`ReceiverData`] between
//! notifications: the pipeline fills it from the notification log and
//! records what the notifier left in it (upstream `nflog.Store`).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::alert::Alert;
use crate::flush::FlushContext;
use crate::nflog::ReceiverDataValue;

/// What a notifier knows about the notification it is asked to send.
#[derive(Clone, Debug)]
pub struct NotifyContext {
    pub flush: FlushContext,
    /// The dedup stage's decision, e.g. `first notification`; sent as
    /// `notification_reason` in webhook payloads.
    pub notification_reason: String,
    /// The data the previous notification of this group left for this
    /// integration (empty on a first notification, and outside the
    /// pipeline); whatever the notifier leaves here is logged with the
    /// notification.
    pub receiver_data: ReceiverData,
}

/// An integration's key/value data kept in the notification-log entry of a
/// group (upstream `nflog.Store`, e.g. Slack's `threadTs`/`channelId`).
/// Notifiers read and write it through a shared [`NotifyContext`]; keys they
/// do not touch keep their previous values.
#[derive(Default)]
pub struct ReceiverData {
    values: Mutex<BTreeMap<String, ReceiverDataValue>>,
}

impl ReceiverData {
    pub fn new(values: BTreeMap<String, ReceiverDataValue>) -> Self {
        ReceiverData {
            values: Mutex::new(values),
        }
    }

    /// The string stored under `key`; `None` when absent or not a string.
    pub fn get_str(&self, key: &str) -> Option<String> {
        match self.lock().get(key) {
            Some(ReceiverDataValue::Str(value)) => Some(value.clone()),
            _ => None,
        }
    }

    /// Stores `value` under `key`, replacing any previous value.
    pub fn set_str(&self, key: &str, value: &str) {
        self.lock()
            .insert(key.to_owned(), ReceiverDataValue::Str(value.to_owned()));
    }

    /// Every key and value, as the notification log records them.
    pub fn snapshot(&self) -> BTreeMap<String, ReceiverDataValue> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, ReceiverDataValue>> {
        // The map stays consistent even if a holder panicked.
        self.values.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clone for ReceiverData {
    fn clone(&self) -> Self {
        ReceiverData::new(self.snapshot())
    }
}

impl fmt::Debug for ReceiverData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.lock().iter()).finish()
    }
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
