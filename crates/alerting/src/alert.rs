//! Alerts as the store, the dispatcher and the integrations see them, with
//! upstream's validation, resolution and merge rules, and the two time
//! formats users see (API: millisecond UTC; payloads: Go RFC 3339 with the
//! original offset kept).
//!
//! Where the edges are: the HTTP layer fills in defaults (`startsAt`,
//! `endsAt` from `resolve_timeout`, `updatedAt`) before calling
//! [`Alert::validate`]; the store ([`crate::store`]) applies [`Lifespan::merge`]
//! on every put; the dispatcher sorts notifications with
//! [`notification_order`]. Label access goes through [`LabelView`] so the
//! same rules work on a [`LabelSet`] and on the store's packed labels.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
pub use tocsin_model::LabelView;
use tocsin_model::goquote::go_quote;
use tocsin_model::labels::is_valid_legacy_label_name;
use tocsin_model::matcher::ParseMode;
use tocsin_model::{Fingerprint, LabelSet};

use crate::clock::Clock;

/// An instant plus the UTC offset it was expressed in (Go's `time.Time`
/// keeps the zone, and webhook payloads print it back). `Time::ZERO` is Go's
/// zero time, printed `0001-01-01T00:00:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    pub instant: Timestamp,
    pub offset: Offset,
}

/// Seconds of Go's zero time (`0001-01-01T00:00:00Z`) since the Unix epoch.
const GO_ZERO_SECONDS: i64 = -62_135_596_800;

impl Time {
    /// Go's zero `time.Time`: "not set".
    pub const ZERO: Time = Time {
        instant: Timestamp::constant(GO_ZERO_SECONDS, 0),
        offset: Offset::UTC,
    };

    /// `instant` expressed in UTC.
    pub fn utc(instant: Timestamp) -> Time {
        Time {
            instant,
            offset: Offset::UTC,
        }
    }

    /// `instant` expressed in the process' local zone, as Go's `time.Now()`
    /// values are (server-assigned `startsAt`/`endsAt`/`updatedAt`).
    pub fn local(instant: Timestamp) -> Time {
        static LOCAL: OnceLock<TimeZone> = OnceLock::new();
        let zone = LOCAL.get_or_init(TimeZone::system);
        Time {
            instant,
            offset: zone.to_offset(instant),
        }
    }

    /// The clock's current time in the local zone.
    pub fn now_local(clock: &Clock) -> Time {
        Time::local(clock.now())
    }

    /// Go's `IsZero`: the instant is the zero time, whatever the offset.
    pub fn is_zero(&self) -> bool {
        self.instant == Time::ZERO.instant
    }

    /// `self + d` in the same offset (saturating at jiff's maximum).
    pub fn saturating_add(self, d: Duration) -> Time {
        Time {
            instant: self.instant.checked_add(d).unwrap_or(Timestamp::MAX),
            offset: self.offset,
        }
    }

    /// Go's `Format(time.RFC3339Nano)` (also its JSON form): the wall time in
    /// the stored offset, fractional seconds with trailing zeros trimmed,
    /// `Z` for a zero offset, e.g. `2026-11-21T04:28:27.0073962+02:00`.
    pub fn to_rfc3339_nano(&self) -> String {
        let mut out = String::with_capacity(35);
        self.write_civil(&mut out, self.offset);
        let nanos = self.instant.subsec_nanosecond().unsigned_abs();
        if nanos != 0 {
            let digits = format!("{nanos:09}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
        write_go_offset(&mut out, self.offset);
        out
    }

    /// The API's form (go-openapi `strfmt.DateTime`): UTC with exactly three
    /// fractional digits, truncated, e.g. `2026-11-21T04:28:27.007Z`.
    pub fn to_api_string(&self) -> String {
        let mut out = String::with_capacity(24);
        self.write_civil(&mut out, Offset::UTC);
        let millis = self.instant.subsec_nanosecond().unsigned_abs() / 1_000_000;
        let _ = write!(out, ".{millis:03}Z");
        out
    }

    /// `YYYY-MM-DDTHH:MM:SS` of the instant seen at `offset` (Go prints years
    /// with at least four digits and a leading `-` when negative).
    fn write_civil(&self, out: &mut String, offset: Offset) {
        let dt = offset.to_datetime(self.instant);
        let year = i32::from(dt.year());
        if year < 0 {
            out.push('-');
        }
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            year.unsigned_abs(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
    }

    /// Parses RFC 3339 as Go's `time.Time` JSON decoding does (Go ≥ 1.20,
    /// strict): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, fractional digits
    /// beyond nanoseconds truncated, the offset kept. Instants outside
    /// jiff's range (after 9999-12-30T22:00Z) are rejected although Go
    /// accepts them.
    pub fn parse_rfc3339(input: &str) -> Result<Time, TimeParseError> {
        let err = |reason: &'static str| TimeParseError {
            input: input.to_owned(),
            reason,
        };
        let b = input.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            digits.iter().try_fold(0i64, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
            })
        };
        let byte_is = |at: usize, c: u8| b.get(at) == Some(&c);
        if !(byte_is(4, b'-')
            && byte_is(7, b'-')
            && byte_is(10, b'T')
            && byte_is(13, b':')
            && byte_is(16, b':'))
        {
            return Err(err("not in the form 2006-01-02T15:04:05Z07:00"));
        }
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
            num(0..4),
            num(5..7),
            num(8..10),
            num(11..13),
            num(14..16),
            num(17..19),
        ) else {
            return Err(err("not in the form 2006-01-02T15:04:05Z07:00"));
        };
        let mut pos = 19;
        let mut nanos: i64 = 0;
        if byte_is(pos, b'.') {
            let start = pos + 1;
            let mut end = start;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end == start {
                return Err(err("missing fractional seconds after '.'"));
            }
            for i in 0..9 {
                let digit = b
                    .get(start + i)
                    .filter(|_| start + i < end)
                    .map_or(0, |c| i64::from(c - b'0'));
                nanos = nanos * 10 + digit;
            }
            pos = end;
        }
        let offset_seconds = match b.get(pos..) {
            Some(b"Z") => 0,
            Some([sign @ (b'+' | b'-'), _, _, b':', _, _]) => {
                let (Some(oh), Some(om)) = (num(pos + 1..pos + 3), num(pos + 4..pos + 6)) else {
                    return Err(err("bad time zone offset"));
                };
                if oh >= 24 {
                    return Err(err("timezone hour out of range"));
                }
                if om >= 60 {
                    return Err(err("timezone minute out of range"));
                }
                let magnitude = oh * 3600 + om * 60;
                if *sign == b'-' { -magnitude } else { magnitude }
            }
            _ => return Err(err("missing or malformed time zone (Z or ±HH:MM)")),
        };
        if !(1..=12).contains(&month) {
            return Err(err("month out of range"));
        }
        if hour >= 24 {
            return Err(err("hour out of range"));
        }
        if minute >= 60 {
            return Err(err("minute out of range"));
        }
        if second >= 60 {
            return Err(err("second out of range"));
        }
        let narrow = |v: i64| i8::try_from(v).map_err(|_| err("field out of range"));
        let date = jiff::civil::Date::new(
            i16::try_from(year).map_err(|_| err("year out of range"))?,
            narrow(month)?,
            narrow(day)?,
        )
        .map_err(|_| err("day out of range"))?;
        let time = jiff::civil::Time::new(
            narrow(hour)?,
            narrow(minute)?,
            narrow(second)?,
            i32::try_from(nanos).map_err(|_| err("fraction out of range"))?,
        )
        .map_err(|_| err("time out of range"))?;
        let offset = Offset::from_seconds(
            i32::try_from(offset_seconds).map_err(|_| err("timezone offset out of range"))?,
        )
        .map_err(|_| err("timezone offset out of range"))?;
        let instant = offset
            .to_timestamp(date.to_datetime(time))
            .map_err(|_| err("instant out of range"))?;
        Ok(Time { instant, offset })
    }
}

/// Go's `Z07:00`: `Z` for a zero offset, otherwise `±HH:MM` with the
/// offset's seconds truncated toward zero (as Go does).
fn write_go_offset(out: &mut String, offset: Offset) {
    let seconds = offset.seconds();
    if seconds == 0 {
        out.push('Z');
        return;
    }
    let mut minutes = seconds / 60;
    if minutes < 0 {
        out.push('-');
        minutes = -minutes;
    } else {
        out.push('+');
    }
    let _ = write!(out, "{:02}:{:02}", minutes / 60, minutes % 60);
}

impl fmt::Display for Time {
    /// Same as [`Time::to_rfc3339_nano`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339_nano())
    }
}

/// A timestamp that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parsing time {}: {reason}", go_quote(.input))]
pub struct TimeParseError {
    pub input: String,
    pub reason: &'static str,
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

/// `firing` or `resolved` (prometheus/common `model.AlertStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    Firing,
    Resolved,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Firing => "firing",
            AlertStatus::Resolved => "resolved",
        }
    }
}

/// Why an alert was rejected; the messages are upstream's (`alert/validate.go`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlertValidationError {
    #[error("start time missing")]
    StartTimeMissing,
    #[error("start time must be before end time")]
    EndsBeforeStart,
    #[error("at least one label pair required")]
    NoLabels,
    #[error("invalid label set: invalid name {}", go_quote(.0))]
    InvalidLabelName(String),
    #[error("invalid annotations: invalid name {}", go_quote(.0))]
    InvalidAnnotationName(String),
}

impl Alert {
    /// The fingerprint of the label set (the alert's identity).
    pub fn fingerprint(&self) -> Fingerprint {
        self.labels.fingerprint()
    }

    /// The `alertname` label, `""` when absent.
    pub fn name(&self) -> &str {
        self.labels.value_or_empty("alertname")
    }

    /// Resolved at `now`: `ends_at` is set and not after `now`.
    pub fn resolved_at(&self, now: Timestamp) -> bool {
        self.lifespan().resolved_at(now)
    }

    pub fn status_at(&self, now: Timestamp) -> AlertStatus {
        if self.resolved_at(now) {
            AlertStatus::Resolved
        } else {
            AlertStatus::Firing
        }
    }

    /// The times and flags merging looks at.
    pub fn lifespan(&self) -> Lifespan {
        Lifespan {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            updated_at: self.updated_at,
            timeout: self.timeout,
        }
    }

    /// Upstream's `Alert.Validate`, in its order. `mode` decides which label
    /// names are valid: classic mode wants `[a-zA-Z_][a-zA-Z0-9_]*`, the
    /// other modes any non-empty UTF-8. (Values are always valid: a Rust
    /// string is UTF-8.)
    pub fn validate(&self, mode: ParseMode) -> Result<(), AlertValidationError> {
        if self.starts_at.is_zero() {
            return Err(AlertValidationError::StartTimeMissing);
        }
        if !self.ends_at.is_zero() && self.ends_at.instant < self.starts_at.instant {
            return Err(AlertValidationError::EndsBeforeStart);
        }
        if self.labels.is_empty() {
            return Err(AlertValidationError::NoLabels);
        }
        let valid = |name: &str| match mode {
            ParseMode::Classic => is_valid_legacy_label_name(name),
            ParseMode::Fallback | ParseMode::Utf8Strict => !name.is_empty(),
        };
        if let Some(name) = self.labels.names().find(|n| !valid(n)) {
            return Err(AlertValidationError::InvalidLabelName(name.to_owned()));
        }
        if let Some(name) = self.annotations.names().find(|n| !valid(n)) {
            return Err(AlertValidationError::InvalidAnnotationName(name.to_owned()));
        }
        Ok(())
    }

    /// Upstream's `a.Merge(o)`: the alert updated later supplies labels,
    /// annotations, generator URL and the timeout flag; times follow
    /// [`Lifespan::merge`]. `now` stands for upstream's `time.Now()`.
    pub fn merge(&self, other: &Alert, now: Timestamp) -> Alert {
        let merged = self.lifespan().merge(&other.lifespan(), now);
        let mut result = if merged.other_is_younger {
            other.clone()
        } else {
            self.clone()
        };
        result.starts_at = merged.starts_at;
        result.ends_at = merged.ends_at;
        result
    }

    /// What the store keeps when `incoming` arrives for a fingerprint that
    /// holds `existing`: the merge when their activity ranges overlap
    /// ([`Lifespan::overlaps`]), otherwise `incoming` unchanged.
    pub fn merge_incoming(existing: &Alert, incoming: Alert, now: Timestamp) -> Alert {
        if incoming.lifespan().overlaps(&existing.lifespan()) {
            existing.merge(&incoming, now)
        } else {
            incoming
        }
    }
}

/// The times and flags of an alert that resolution and merging look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifespan {
    pub starts_at: Time,
    pub ends_at: Time,
    pub updated_at: Time,
    pub timeout: bool,
}

/// The outcome of [`Lifespan::merge`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergedLifespan {
    /// Whether the argument of `merge` (rather than the receiver) is the
    /// younger alert, i.e. supplies content and the timeout flag. Ties go to
    /// the argument, as upstream.
    pub other_is_younger: bool,
    pub starts_at: Time,
    pub ends_at: Time,
}

impl Lifespan {
    /// Resolved at `now`: `ends_at` set and `ends_at <= now`.
    pub fn resolved_at(&self, now: Timestamp) -> bool {
        !self.ends_at.is_zero() && self.ends_at.instant <= now
    }

    /// The store's overlap test (`provider/mem` `Put`), `self` being the
    /// incoming alert: its end lies strictly inside the existing range, or
    /// its start does.
    pub fn overlaps(&self, existing: &Lifespan) -> bool {
        let inside = |t: Timestamp| existing.starts_at.instant < t && t < existing.ends_at.instant;
        inside(self.ends_at.instant) || inside(self.starts_at.instant)
    }

    /// Upstream's `Merge` on times: the earliest start wins; if the younger
    /// alert (later `updated_at`, ties to `other`) is resolved at `now`, the
    /// older one's end wins only when it is resolved too and ends later;
    /// if the younger one is firing, the older end wins when it is later and
    /// was not derived from resolve_timeout.
    pub fn merge(&self, other: &Lifespan, now: Timestamp) -> MergedLifespan {
        let other_is_younger = other.updated_at.instant >= self.updated_at.instant;
        let (older, younger) = if other_is_younger {
            (self, other)
        } else {
            (other, self)
        };
        let starts_at = if older.starts_at.instant < younger.starts_at.instant {
            older.starts_at
        } else {
            younger.starts_at
        };
        let older_ends_later = older.ends_at.instant > younger.ends_at.instant;
        let ends_at = if younger.resolved_at(now) {
            if older.resolved_at(now) && older_ends_later {
                older.ends_at
            } else {
                younger.ends_at
            }
        } else if older_ends_later && !older.timeout {
            older.ends_at
        } else {
            younger.ends_at
        };
        MergedLifespan {
            other_is_younger,
            starts_at,
            ends_at,
        }
    }
}

/// The order alerts are notified and listed in (`alert.AlertSlice.Less`):
/// by `job`, then `instance` (an alert having the label sorts before one
/// lacking it), then by label set (`model.LabelSet.Before`).
pub fn notification_order<A: LabelView, B: LabelView>(a: &A, b: &B) -> Ordering {
    for name in ["job", "instance"] {
        match (a.label(name), b.label(name)) {
            (None, None) => continue,
            (Some(_), None) => return Ordering::Less,
            (None, Some(_)) => return Ordering::Greater,
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            (Some(_), Some(_)) => continue,
        }
    }
    label_set_order(a, b)
}

/// prometheus/common `LabelSet.Before` as an ordering: fewer labels first;
/// then, walking names in order, the set holding the smaller name at the
/// first difference sorts *after* (it lacks the other's name), and equal
/// names compare by value.
pub fn label_set_order<A: LabelView, B: LabelView>(a: &A, b: &B) -> Ordering {
    a.label_count().cmp(&b.label_count()).then_with(|| {
        for ((an, av), (bn, bv)) in a.label_pairs().zip(b.label_pairs()) {
            match an.cmp(bn) {
                Ordering::Equal => match av.cmp(bv) {
                    Ordering::Equal => continue,
                    unequal => return unequal,
                },
                unequal => return unequal.reverse(),
            }
        }
        Ordering::Equal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn set(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn time_at(seconds: i64) -> Time {
        Time::utc(Timestamp::from_second(1_700_000_000 + seconds).unwrap())
    }

    fn span(starts: i64, ends: Option<i64>, updated: i64, timeout: bool) -> Lifespan {
        Lifespan {
            starts_at: time_at(starts),
            ends_at: ends.map_or(Time::ZERO, time_at),
            updated_at: time_at(updated),
            timeout,
        }
    }

    #[test]
    fn zero_time_is_go_zero() {
        assert_eq!(Time::ZERO.to_rfc3339_nano(), "0001-01-01T00:00:00Z");
        assert!(Time::ZERO.is_zero());
        let shifted = Time {
            offset: Offset::constant(2),
            ..Time::ZERO
        };
        assert!(shifted.is_zero());
        assert!(!time_at(0).is_zero());
    }

    /// Expected strings produced by Go 1.19's `time.Format(time.RFC3339Nano)`
    /// and `t.UTC().Format("2006-01-02T15:04:05.000Z07:00")`.
    #[test]
    fn formats_like_go() {
        let instant = ts("2026-01-02T03:04:05.0000006Z");
        let cases = [
            (0, "2026-01-02T03:04:05.0000006Z"),
            (-30, "2026-01-02T03:04:05.0000006+00:00"),
            (5415, "2026-01-02T03:04:05.0000006+01:30"),
            (-18059, "2026-01-02T03:04:05.0000006-05:00"),
            (7200, "2026-01-02T03:04:05.0000006+02:00"),
        ];
        for (offset, want) in cases {
            let offset = Offset::from_seconds(offset).unwrap();
            // Build the instant whose wall time at `offset` is 03:04:05.
            let instant = instant
                .checked_sub(jiff::SignedDuration::from_secs(offset.seconds().into()))
                .unwrap();
            assert_eq!(Time { instant, offset }.to_rfc3339_nano(), want);
        }
        let t = Time::parse_rfc3339("2026-11-21T04:28:27.0073962Z").unwrap();
        assert_eq!(t.to_rfc3339_nano(), "2026-11-21T04:28:27.0073962Z");
        assert_eq!(t.to_api_string(), "2026-11-21T04:28:27.007Z");
        let t = Time::parse_rfc3339("2026-11-21T04:28:27.9999+02:00").unwrap();
        assert_eq!(t.to_api_string(), "2026-11-21T02:28:27.999Z");
        assert_eq!(
            Time::utc(ts("2026-11-21T04:28:27Z")).to_api_string(),
            "2026-11-21T04:28:27.000Z"
        );
    }

    /// Inputs and results from Go 1.19's `time.Parse(time.RFC3339, …)`
    /// (unix seconds, nanos, offset, re-formatted); the strictness cases are
    /// Go ≥ 1.20 JSON decoding (`parseStrictRFC3339`).
    #[test]
    fn parses_like_go() {
        let ok = [
            (
                "2026-11-21T04:28:27Z",
                1_795_235_307,
                0,
                0,
                "2026-11-21T04:28:27Z",
            ),
            (
                "2026-11-21T04:28:27.0073962Z",
                1_795_235_307,
                7_396_200,
                0,
                "2026-11-21T04:28:27.0073962Z",
            ),
            (
                "2026-11-21T04:28:27.007396200+02:00",
                1_795_228_107,
                7_396_200,
                7200,
                "2026-11-21T04:28:27.0073962+02:00",
            ),
            (
                "2024-02-29T00:00:00Z",
                1_709_164_800,
                0,
                0,
                "2024-02-29T00:00:00Z",
            ),
            (
                "2026-11-21T04:28:27.1234567891234Z",
                1_795_235_307,
                123_456_789,
                0,
                "2026-11-21T04:28:27.123456789Z",
            ),
            (
                "2026-11-21T04:28:27-00:00",
                1_795_235_307,
                0,
                0,
                "2026-11-21T04:28:27Z",
            ),
            (
                "2026-11-21T04:28:27+05:30",
                1_795_215_507,
                0,
                19800,
                "2026-11-21T04:28:27+05:30",
            ),
            (
                "0001-01-01T00:00:00Z",
                -62_135_596_800,
                0,
                0,
                "0001-01-01T00:00:00Z",
            ),
            (
                "2026-11-21T04:28:27.999999999-23:59",
                1_795_321_647,
                999_999_999,
                -86340,
                "2026-11-21T04:28:27.999999999-23:59",
            ),
        ];
        for (input, secs, nanos, offset, formatted) in ok {
            let t = Time::parse_rfc3339(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (t.instant.as_second(), t.instant.subsec_nanosecond()),
                (secs, nanos),
                "{input}"
            );
            assert_eq!(t.offset.seconds(), offset, "{input}");
            assert_eq!(t.to_rfc3339_nano(), formatted, "{input}");
        }
        let bad = [
            "2026-11-21t04:28:27Z",
            "2026-11-21T04:28:27z",
            "2026-11-21T04:28:60Z",
            "2026-11-21T24:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-11-21T04:28:27",
            "2026-11-21T04:28:27.Z",
            "2026-11-21T4:28:27Z",
            "2026-11-21T04:28:27+0200",
            "2026-11-21T04:28:27 +02:00",
            " 2026-11-21T04:28:27Z",
            "2026-11-21T04:28:27+02:60",
            "2026-11-21T04:28:27+24:00",
            "2026-13-21T04:28:27Z",
            "2026-11-21T04:28:27,5Z",
            "",
            "2026-11-21T04:28:27Zjunk",
            // Go accepts this; it lies beyond jiff's range (9999-12-30T22:00Z).
            "9999-12-31T23:59:59.999999999-23:59",
        ];
        for input in bad {
            assert!(
                Time::parse_rfc3339(input).is_err(),
                "{input} should be rejected"
            );
        }
        let err = Time::parse_rfc3339("2026-11-21T24:00:00Z").unwrap_err();
        assert_eq!(
            err.to_string(),
            "parsing time \"2026-11-21T24:00:00Z\": hour out of range"
        );
    }

    #[test]
    fn resolution_and_status() {
        let mut alert = Alert {
            labels: set(&[("alertname", "A")]),
            annotations: LabelSet::new(),
            starts_at: time_at(0),
            ends_at: Time::ZERO,
            generator_url: String::new(),
            updated_at: time_at(0),
            timeout: false,
        };
        assert!(!alert.resolved_at(time_at(100).instant));
        alert.ends_at = time_at(10);
        assert!(!alert.resolved_at(time_at(9).instant));
        assert!(
            alert.resolved_at(time_at(10).instant),
            "EndsAt == now is resolved"
        );
        assert_eq!(alert.status_at(time_at(11).instant), AlertStatus::Resolved);
        assert_eq!(alert.status_at(time_at(9).instant).as_str(), "firing");
        assert_eq!(alert.name(), "A");
    }

    #[test]
    fn validation_messages_and_order() {
        let valid = Alert {
            labels: set(&[("alertname", "A")]),
            annotations: set(&[("summary", "s")]),
            starts_at: time_at(0),
            ends_at: time_at(0),
            generator_url: String::new(),
            updated_at: time_at(0),
            timeout: false,
        };
        assert_eq!(
            valid.validate(ParseMode::Fallback),
            Ok(()),
            "ends == starts is fine"
        );
        let check = |alert: &Alert, mode| alert.validate(mode).map_err(|e| e.to_string());
        let mut a = valid.clone();
        a.starts_at = Time::ZERO;
        a.labels = LabelSet::new();
        assert_eq!(
            check(&a, ParseMode::Fallback),
            Err("start time missing".into())
        );
        let mut a = valid.clone();
        a.ends_at = time_at(-1);
        a.labels = LabelSet::new();
        assert_eq!(
            check(&a, ParseMode::Fallback),
            Err("start time must be before end time".into())
        );
        let mut a = valid.clone();
        a.labels = LabelSet::new();
        a.annotations = set(&[("", "x")]);
        assert_eq!(
            check(&a, ParseMode::Fallback),
            Err("at least one label pair required".into())
        );
        let mut a = valid.clone();
        a.labels = set(&[("foo🙂", "x")]);
        assert_eq!(check(&a, ParseMode::Fallback), Ok(()));
        assert_eq!(
            check(&a, ParseMode::Classic),
            Err("invalid label set: invalid name \"foo🙂\"".into())
        );
        a.labels = set(&[("", "x")]);
        assert_eq!(
            check(&a, ParseMode::Utf8Strict),
            Err("invalid label set: invalid name \"\"".into())
        );
        let mut a = valid.clone();
        a.annotations = set(&[("a-b", "x")]);
        assert_eq!(
            check(&a, ParseMode::Classic),
            Err("invalid annotations: invalid name \"a-b\"".into())
        );
    }

    #[test]
    fn overlap_is_strict_on_both_ends() {
        let existing = span(10, Some(20), 0, false);
        assert!(
            span(5, Some(15), 1, false).overlaps(&existing),
            "end inside"
        );
        assert!(
            span(15, Some(30), 1, false).overlaps(&existing),
            "start inside"
        );
        assert!(
            !span(5, Some(10), 1, false).overlaps(&existing),
            "end on start"
        );
        assert!(
            !span(10, Some(30), 1, false).overlaps(&existing),
            "start on start"
        );
        assert!(
            !span(20, Some(30), 1, false).overlaps(&existing),
            "start on end"
        );
        assert!(
            !span(5, Some(25), 1, false).overlaps(&existing),
            "covering is not overlapping"
        );
        assert!(!span(25, None, 1, false).overlaps(&existing));
    }

    /// The scenarios of upstream's `Merge` (alert/alert.go), one rule each.
    #[test]
    fn merge_rules() {
        let now = time_at(100).instant;
        // Younger firing, older non-timeout end later: older end wins; earliest start.
        let older = span(10, Some(200), 1, false);
        let younger = span(20, Some(150), 2, true);
        let m = older.merge(&younger, now);
        assert!(m.other_is_younger);
        assert_eq!((m.starts_at, m.ends_at), (time_at(10), time_at(200)));
        // Same but the older end came from resolve_timeout: younger end stays.
        let m = span(10, Some(200), 1, true).merge(&younger, now);
        assert_eq!(m.ends_at, time_at(150));
        // Younger resolved, older resolved later: later explicit resolve wins.
        let m = span(10, Some(90), 1, false).merge(&span(20, Some(80), 2, false), now);
        assert_eq!(m.ends_at, time_at(90));
        // Younger resolved, older still firing later: younger's resolve stands.
        let m = span(10, Some(300), 1, false).merge(&span(20, Some(80), 2, false), now);
        assert_eq!(m.ends_at, time_at(80));
        // Roles by updated_at, not by argument position.
        let m = younger.merge(&older, now);
        assert!(!m.other_is_younger);
        assert_eq!((m.starts_at, m.ends_at), (time_at(10), time_at(200)));
        // Ties go to the argument.
        assert!(
            span(0, None, 5, false)
                .merge(&span(0, None, 5, false), now)
                .other_is_younger
        );
    }

    #[test]
    fn alert_merge_takes_content_from_younger() {
        let base = Alert {
            labels: set(&[("alertname", "A")]),
            annotations: set(&[("v", "1")]),
            starts_at: time_at(10),
            ends_at: time_at(200),
            generator_url: "old".into(),
            updated_at: time_at(1),
            timeout: true,
        };
        let newer = Alert {
            annotations: set(&[("v", "2")]),
            starts_at: time_at(20),
            ends_at: time_at(150),
            generator_url: String::new(),
            updated_at: time_at(2),
            timeout: false,
            ..base.clone()
        };
        let now = time_at(100).instant;
        let merged = Alert::merge_incoming(&base, newer.clone(), now);
        assert_eq!(merged.annotations, set(&[("v", "2")]));
        assert_eq!(merged.generator_url, "");
        assert_eq!(merged.starts_at, time_at(10));
        assert_eq!(
            merged.ends_at,
            time_at(150),
            "older end came from resolve_timeout"
        );
        assert!(!merged.timeout);
        // No overlap: replaced outright.
        let refire = Alert {
            starts_at: time_at(300),
            ends_at: time_at(400),
            ..newer
        };
        assert_eq!(Alert::merge_incoming(&base, refire.clone(), now), refire);
    }

    #[test]
    fn sort_order_is_alert_slice_less() {
        let mut alerts = [
            set(&[("alertname", "b")]),
            set(&[("alertname", "a"), ("instance", "i2")]),
            set(&[("alertname", "a"), ("instance", "i1"), ("job", "j2")]),
            set(&[("alertname", "z"), ("job", "j1")]),
            set(&[("alertname", "a")]),
            set(&[("alertname", "a"), ("instance", "i1")]),
            set(&[("a", "1"), ("c", "1")]),
            set(&[("b", "1"), ("c", "1")]),
        ];
        alerts.sort_by(notification_order);
        let printed: Vec<String> = alerts.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            [
                r#"{alertname="z", job="j1"}"#,
                r#"{alertname="a", instance="i1", job="j2"}"#,
                r#"{alertname="a", instance="i1"}"#,
                r#"{alertname="a", instance="i2"}"#,
                r#"{alertname="a"}"#,
                r#"{alertname="b"}"#,
                // Same size: the set with the smaller first name lacks the
                // other's name first, so it sorts after (LabelSet.Before).
                r#"{b="1", c="1"}"#,
                r#"{a="1", c="1"}"#,
            ]
        );
    }
}
