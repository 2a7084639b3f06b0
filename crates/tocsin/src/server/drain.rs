//! Graceful shutdown of notifications: every flush the dispatcher starts
//! goes through a [`GatedFlush`], which counts it while it runs. At
//! shutdown the [`FlushGate`] is closed (flushes that would start from then
//! on fail at once, so the dispatcher keeps their alerts) and the server
//! waits, up to a bound, for the flushes already sending to finish before
//! it stops the dispatcher (which would cancel them).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::flush::{FlushContext, FlushError, FlushHandler, FlushResult};
use tokio::sync::Notify;

/// Counts flushes in progress; closed at shutdown.
#[derive(Debug, Default)]
pub struct FlushGate {
    closing: AtomicBool,
    in_flight: AtomicUsize,
    idle: Notify,
}

/// Held while one flush runs.
struct Running<'a>(&'a FlushGate);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl FlushGate {
    fn enter(&self) -> Option<Running<'_>> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let running = Running(self);
        (!self.closing.load(Ordering::SeqCst)).then_some(running)
    }

    /// Refuses new flushes from now on.
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
    }

    /// Waits until no flush runs, at most `limit`; `false` on timeout.
    pub async fn drained(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let idle = self.idle.notified();
                tokio::pin!(idle);
                idle.as_mut().enable();
                if self.in_flight.load(Ordering::SeqCst) == 0 {
                    return;
                }
                idle.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}

/// A flush handler that runs `inner` unless the gate is closed.
pub struct GatedFlush<H> {
    pub inner: H,
    pub gate: Arc<FlushGate>,
}

impl<H: FlushHandler> FlushHandler for GatedFlush<H> {
    fn flush(
        &self,
        ctx: FlushContext,
        alerts: Vec<Alert>,
    ) -> Pin<Box<dyn Future<Output = FlushResult> + Send + '_>> {
        Box::pin(async move {
            let Some(_running) = self.gate.enter() else {
                return Err(FlushError("shutting down".to_owned()));
            };
            self.inner.flush(ctx, alerts).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Slow;

    impl FlushHandler for Slow {
        fn flush(
            &self,
            _ctx: FlushContext,
            _alerts: Vec<Alert>,
        ) -> Pin<Box<dyn Future<Output = FlushResult> + Send + '_>> {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(2)).await;
                Ok(())
            })
        }
    }

    fn ctx() -> FlushContext {
        FlushContext {
            now: jiff::Timestamp::UNIX_EPOCH,
            group_key: "{}:{}".into(),
            group_labels: Default::default(),
            route_labels: Default::default(),
            receiver: "r".into(),
            route_id: "{}".into(),
            group_interval: Duration::from_secs(1),
            repeat_interval: Duration::from_secs(1),
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            timeout: Duration::from_secs(10),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn closing_waits_for_running_flushes_and_refuses_new_ones() {
        let gate = Arc::new(FlushGate::default());
        let handler = Arc::new(GatedFlush {
            inner: Slow,
            gate: Arc::clone(&gate),
        });
        let h = Arc::clone(&handler);
        let running = tokio::spawn(async move { h.flush(ctx(), Vec::new()).await });
        tokio::task::yield_now().await;
        gate.close();
        assert!(handler.flush(ctx(), Vec::new()).await.is_err());
        assert!(!gate.drained(Duration::from_secs(1)).await, "still sending");
        assert!(gate.drained(Duration::from_secs(5)).await);
        assert!(running.await.unwrap().is_ok());
    }
}
