//! Durations in the two syntaxes alertmanager.yml uses: Prometheus'
//! `model.Duration` (`1d2h30m`, `1w`, `1y`; printed back the same way) for
//! route timers and retention, and Go's `time.Duration` (`1m30s`, `500ms`,
//! `1.5h`) for notifier `timeout:` fields.

use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct DurationError {
    /// Upstream's message, e.g. `not a valid duration string: "30x"`.
    pub message: String,
}

/// Prometheus `model.Duration`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct PromDuration(pub Duration);

impl PromDuration {
    pub fn parse(s: &str) -> Result<Self, DurationError> {
        todo!("model helper {s}")
    }
}

impl fmt::Display for PromDuration {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("model helper")
    }
}

/// Go `time.Duration` (parsed with `time.ParseDuration`, printed as `String()`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct GoDuration(pub Duration);

impl GoDuration {
    pub fn parse(s: &str) -> Result<Self, DurationError> {
        todo!("model helper {s}")
    }
}

impl fmt::Display for GoDuration {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("model helper")
    }
}
