//! The wall clock, injected. [`Clock::now`] is a real timestamp that advances
//! with tokio's clock, so tests that pause and advance tokio time see wall
//! time move in step, and production code reads the system time.

use jiff::Timestamp;
use tokio::time::Instant;

/// A wall clock tied to tokio's monotonic clock.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    wall_at_start: Timestamp,
    instant_at_start: Instant,
}

impl Clock {
    /// A clock reading the system time now and advancing with tokio time.
    pub fn system() -> Self {
        Self::starting_at(Timestamp::now())
    }

    /// A clock that reads `wall` at this moment and advances with tokio time
    /// (with paused tokio time it only moves when the test advances it).
    pub fn starting_at(wall: Timestamp) -> Self {
        Clock {
            wall_at_start: wall,
            instant_at_start: Instant::now(),
        }
    }

    /// The current wall-clock time.
    pub fn now(&self) -> Timestamp {
        let elapsed = Instant::now().saturating_duration_since(self.instant_at_start);
        self.wall_at_start
            .checked_add(elapsed)
            .unwrap_or(Timestamp::MAX)
    }

    /// The tokio instant at which the wall clock reads `wall` (for timers).
    pub fn instant_at(&self, wall: Timestamp) -> Instant {
        let now_wall = self.now();
        let now = Instant::now();
        match wall.duration_since(now_wall).unsigned_abs() {
            d if wall >= now_wall => now + d,
            d => now.checked_sub(d).unwrap_or(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn wall_time_follows_paused_tokio_time() {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let clock = Clock::starting_at(start);
        assert_eq!(clock.now(), start);
        tokio::time::sleep(Duration::from_secs(90)).await;
        assert_eq!(clock.now(), "2026-01-01T00:01:30Z".parse().unwrap());
        let later: Timestamp = "2026-01-01T00:02:00Z".parse().unwrap();
        assert_eq!(
            clock.instant_at(later) - Instant::now(),
            Duration::from_secs(30)
        );
    }
}
