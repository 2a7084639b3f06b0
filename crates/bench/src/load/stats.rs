//! Latency summaries (nearest-rank percentiles) and the number formats the
//! `load` command prints.

use std::time::Duration;

/// Percentiles of a set of request latencies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Summary {
    /// `None` when there are no samples.
    pub fn of(mut samples: Vec<Duration>) -> Option<Summary> {
        samples.sort_unstable();
        Some(Summary {
            count: samples.len(),
            p50: percentile(&samples, 0.50)?,
            p99: percentile(&samples, 0.99)?,
            max: *samples.last()?,
        })
    }
}

/// Nearest-rank percentile of sorted samples (`q` in 0..=1); `None` when
/// empty.
pub fn percentile(sorted: &[Duration], q: f64) -> Option<Duration> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * n as f64).ceil() as usize;
    sorted.get(rank.clamp(1, n) - 1).copied()
}

/// Milliseconds with three decimals, as printed.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let s = Summary::of(millis(&[5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).unwrap();
        assert_eq!(s.count, 10);
        assert_eq!(s.p50, Duration::from_millis(5));
        assert_eq!(s.p99, Duration::from_millis(10));
        assert_eq!(s.max, Duration::from_millis(10));
        let hundred: Vec<u64> = (1..=100).collect();
        let s = Summary::of(millis(&hundred)).unwrap();
        assert_eq!(s.p99, Duration::from_millis(99));
    }

    #[test]
    fn empty_and_single() {
        assert_eq!(Summary::of(Vec::new()), None);
        let s = Summary::of(millis(&[7])).unwrap();
        assert_eq!(
            (s.p50, s.p99),
            (Duration::from_millis(7), Duration::from_millis(7))
        );
    }
}
