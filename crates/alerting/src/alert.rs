//! Alerts as the store, the dispatcher and the integrations see them, with
//! upstream's validation, resolution and merge rules, and the two time
//! formats users see (API: millisecond UTC; payloads: Go RFC 3339 with the
//! original offset kept).

use jiff::Timestamp;
use jiff::tz::Offset;
use tocsin_model::LabelSet;

/// An instant plus the UTC offset it was expressed in (Go's `time.Time`
/// keeps the zone, and webhook payloads print it back). `Time::ZERO` is Go's
/// zero time, printed `0001-01-01T00:00:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    pub instant: Timestamp,
    pub offset: Offset,
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub starts_at: Time,
    pub ends_at: Time,
    pub generator_url: String,
    pub updated_at: Time,
    /// `true` when `ends_at` was derived from resolve_timeout (the client sent none).
    pub timeout: bool,
}
