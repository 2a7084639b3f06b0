//! Posting pre-serialised batches over N keep-alive connections, each
//! taking the next batch as soon as its previous one is answered (a
//! closed loop, as Prometheus' notifier queue drains). Used by the ingest
//! measurement and by the flush test's posting phase.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::Method;
use tokio::task::JoinSet;

use super::LoadError;
use super::http::{Connection, Endpoint};
use super::stats::Summary;

/// What happened to one batch.
#[derive(Clone, Copy, Debug)]
pub struct BatchResult {
    /// When its request started.
    pub started: Instant,
    pub latency: Duration,
    /// A 2xx answer.
    pub ok: bool,
}

/// One pass over every batch.
#[derive(Debug)]
pub struct Pass {
    pub elapsed: Duration,
    /// Indexed like the batches.
    pub batches: Vec<BatchResult>,
    /// The first failure, to show why errors were counted.
    pub first_error: Option<String>,
}

impl Pass {
    pub fn errors(&self) -> usize {
        self.batches.iter().filter(|b| !b.ok).count()
    }

    pub fn latencies(&self) -> Option<Summary> {
        Summary::of(self.batches.iter().map(|b| b.latency).collect())
    }

    /// The line the driver script parses.
    pub fn report(&self, name: &str, alerts: usize) -> String {
        let secs = self.elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            alerts as f64 / secs
        } else {
            0.0
        };
        let (p50, p99, max) = self
            .latencies()
            .map(|s| (s.p50, s.p99, s.max))
            .unwrap_or_default();
        format!(
            "ingest pass={name} alerts={alerts} requests={} errors={} seconds={secs:.3} alerts_per_s={rate:.0} p50_ms={} p99_ms={} max_ms={}",
            self.batches.len(),
            self.errors(),
            super::stats::ms(p50),
            super::stats::ms(p99),
            super::stats::ms(max),
        )
    }
}

/// Posts every batch to `POST /api/v2/alerts` over `connections`
/// connections. A request that fails at the transport level is counted as
/// an error and its connection reopened; failing to reopen ends the pass
/// with an error.
pub async fn post_all(
    endpoint: &Endpoint,
    batches: Arc<Vec<Bytes>>,
    connections: usize,
) -> Result<Pass, LoadError> {
    let target = endpoint.target("/api/v2/alerts");
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections.max(1) {
        conns.push(Connection::open(endpoint).await?);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for mut conn in conns {
        let (batches, next, target, endpoint) = (
            Arc::clone(&batches),
            Arc::clone(&next),
            target.clone(),
            endpoint.clone(),
        );
        tasks.spawn(async move {
            let mut done: Vec<(usize, BatchResult)> = Vec::new();
            let mut first_error = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = batches.get(i) else { break };
                let started = Instant::now();
                let sent = conn.send(Method::POST, &target, Some(body.clone())).await;
                let latency = started.elapsed();
                let ok = match sent {
                    Ok((status, _)) if status.is_success() => true,
                    Ok((status, answer)) => {
                        first_error.get_or_insert_with(|| {
                            format!("{status}: {}", String::from_utf8_lossy(&answer))
                        });
                        false
                    }
                    Err(e) => {
                        first_error.get_or_insert_with(|| e.to_string());
                        conn = Connection::open(&endpoint).await?;
                        false
                    }
                };
                done.push((
                    i,
                    BatchResult {
                        started,
                        latency,
                        ok,
                    },
                ));
            }
            Ok::<_, LoadError>((done, first_error))
        });
    }
    let mut results: Vec<(usize, BatchResult)> = Vec::with_capacity(batches.len());
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        let (done, error) = joined??;
        results.extend(done);
        first_error = first_error.or(error);
    }
    let elapsed = start.elapsed();
    results.sort_unstable_by_key(|(i, _)| *i);
    Ok(Pass {
        elapsed,
        batches: results.into_iter().map(|(_, r)| r).collect(),
        first_error,
    })
}
