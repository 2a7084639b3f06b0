//! The retry stage: sends one notification through one integration,
//! retrying retryable failures with exponential backoff until the flush
//! deadline (upstream `notify/retry_stage.go` with `cenkalti/backoff/v5`
//! defaults), and applies `send_resolved` (only firing alerts are sent; when
//! none are firing nothing is sent and the stage still succeeds).

use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;

use crate::alert::Alert;
use crate::notifier::{FailureReason, Notifier, NotifyContext, NotifyError};

use super::metrics::PipelineMetrics;

/// Exponential backoff with upstream's defaults: 500 ms initial interval,
/// ×1.5 per step, ±50 % jitter, intervals capped at 60 s.
#[derive(Clone, Debug)]
pub struct Backoff {
    current: Duration,
}

impl Backoff {
    pub const INITIAL: Duration = Duration::from_millis(500);
    pub const MULTIPLIER: f64 = 1.5;
    pub const RANDOMIZATION: f64 = 0.5;
    pub const MAX_INTERVAL: Duration = Duration::from_secs(60);

    pub fn new() -> Self {
        Backoff {
            current: Self::INITIAL,
        }
    }

    /// The next wait: uniformly random within ±50 % of the current
    /// interval, which then grows by ×1.5 up to the cap.
    pub fn next_wait(&mut self) -> Duration {
        let current = self.current.as_secs_f64();
        let delta = Self::RANDOMIZATION * current;
        let wait = (current - delta) + random_unit() * (2.0 * delta);
        let max = Self::MAX_INTERVAL.as_secs_f64();
        self.current = if current >= max / Self::MULTIPLIER {
            Self::MAX_INTERVAL
        } else {
            self.current.mul_f64(Self::MULTIPLIER)
        };
        Duration::from_secs_f64(wait.max(0.0))
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

/// A uniform value in [0, 1); 0.5 (no jitter) if the OS has no randomness.
fn random_unit() -> f64 {
    match getrandom::u64() {
        Ok(bits) => (bits >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

/// A notification that finally failed: upstream's error text and the
/// `reason` label for `notifications_failed_total`.
#[derive(Clone, Debug)]
pub struct SendFailure {
    pub message: String,
    pub reason: FailureReason,
}

/// Everything one send needs.
pub struct SendRequest<'a> {
    pub notifier: &'a dyn Notifier,
    pub context: &'a NotifyContext,
    pub alerts: &'a [Alert],
    /// Whether any alert was firing when dedup looked.
    pub any_firing: bool,
    /// When alerts count as resolved for send_resolved filtering.
    pub now: Timestamp,
    pub deadline: Instant,
    pub metrics: &'a dyn PipelineMetrics,
}

/// Runs the stage. Retries only what the notifier calls retryable, never
/// past `deadline`; each attempt is also cut off at the deadline.
pub async fn send(s: SendRequest<'_>) -> Result<(), SendFailure> {
    let integration = s.notifier.integration();
    s.metrics.notification_attempted(integration);

    let to_send: Vec<Alert>;
    let alerts: &[Alert] = if s.notifier.send_resolved() {
        s.alerts
    } else {
        if !s.any_firing {
            return Ok(());
        }
        to_send = s
            .alerts
            .iter()
            .filter(|a| !a.resolved_at(s.now))
            .cloned()
            .collect();
        &to_send
    };

    let result = attempt_until_deadline(&s, alerts).await;
    if let Err(failure) = &result {
        s.metrics.notification_failed(integration, failure.reason);
    }
    result
}

async fn attempt_until_deadline(s: &SendRequest<'_>, alerts: &[Alert]) -> Result<(), SendFailure> {
    let notifier = s.notifier;
    let name = format!(
        "{}/{}[{}]",
        s.context.flush.receiver,
        notifier.integration(),
        notifier.index()
    );
    let mut backoff = Backoff::new();
    let mut attempts = 0u64;
    let mut last_error = None;
    let mut next_attempt = Instant::now();

    while next_attempt < s.deadline && Instant::now() < s.deadline {
        tokio::time::sleep_until(next_attempt).await;
        let started = Instant::now();
        // The backoff timer runs while the attempt does, as upstream's ticker.
        next_attempt = started + backoff.next_wait();
        let outcome = tokio::time::timeout_at(s.deadline, notifier.notify(s.context, alerts)).await;
        attempts += 1;
        let failed = !matches!(outcome, Ok(Ok(())));
        s.metrics
            .request_completed(notifier.integration(), started.elapsed(), failed);
        match outcome {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) if !e.retry => {
                return Err(SendFailure {
                    message: format!(
                        "{name}: notify retry canceled due to unrecoverable error after {attempts} attempts: {e}"
                    ),
                    reason: e.reason,
                });
            }
            Ok(Err(e)) => {
                if Instant::now() < s.deadline {
                    if last_error
                        .as_ref()
                        .is_none_or(|prev: &NotifyError| prev.message != e.message)
                    {
                        tracing::warn!(integration = %name, attempts, err = %e, "Notify attempt failed, will retry later");
                    }
                    last_error = Some(e);
                }
            }
            // Cut off by the deadline: the loop ends below.
            Err(_) => {}
        }
    }
    // Like upstream, give up only when the deadline has come.
    tokio::time::sleep_until(s.deadline).await;
    let (reason, cause) = match last_error {
        Some(e) => (e.reason, e.message),
        None => (
            FailureReason::ContextDeadlineExceeded,
            "context deadline exceeded".to_owned(),
        ),
    };
    Err(SendFailure {
        message: format!("{name}: notify retry canceled after {attempts} attempts: {cause}"),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_half_with_jitter_and_caps_at_a_minute() {
        let mut backoff = Backoff::new();
        let mut nominal = 0.5f64;
        for step in 0..40 {
            let wait = backoff.next_wait().as_secs_f64();
            assert!(
                wait >= nominal * 0.5 - 1e-9 && wait <= nominal * 1.5 + 1e-9,
                "step {step}: {wait}s around {nominal}s"
            );
            nominal = if nominal >= 60.0 / 1.5 {
                60.0
            } else {
                nominal * 1.5
            };
        }
        assert_eq!(backoff.current, Backoff::MAX_INTERVAL);
    }
}
