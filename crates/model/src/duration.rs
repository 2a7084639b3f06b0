//! Durations in the two syntaxes alertmanager.yml uses: Prometheus'
//! `model.Duration` (`1d2h30m`, `1w`, `1y`; printed back the same way) for
//! route timers and retention, and Go's `time.Duration` (`1m30s`, `500ms`,
//! `1.5h`) for notifier `timeout:` fields.
//!
//! Parsing and printing follow prometheus/common v0.70 `model/time.go` and
//! Go's `time/format.go` respectively, including their error messages.

use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct DurationError {
    /// Upstream's message, e.g. `not a valid duration string: "30x"`.
    pub message: String,
}

impl DurationError {
    fn new(message: String) -> Self {
        DurationError { message }
    }
}

const NANOS_PER_MILLI: u64 = 1_000_000;
const MILLIS_PER_SECOND: u128 = 1000;
const MILLIS_PER_MINUTE: u128 = 60 * MILLIS_PER_SECOND;
const MILLIS_PER_HOUR: u128 = 60 * MILLIS_PER_MINUTE;
const MILLIS_PER_DAY: u128 = 24 * MILLIS_PER_HOUR;
const MILLIS_PER_WEEK: u128 = 7 * MILLIS_PER_DAY;
const MILLIS_PER_YEAR: u128 = 365 * MILLIS_PER_DAY;

/// Prometheus `model.Duration`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct PromDuration(pub Duration);

impl PromDuration {
    /// `model.ParseDuration`: units `y w d h m s ms`, each at most once and
    /// from biggest to smallest, or the bare `0`. A year is 365 days.
    pub fn parse(s: &str) -> Result<Self, DurationError> {
        match s {
            "0" => return Ok(PromDuration(Duration::ZERO)),
            "" => return Err(DurationError::new("empty duration string".to_owned())),
            _ => {}
        }
        let invalid =
            || DurationError::new(format!("not a valid duration string: {}", go_quote(s)));
        const MAX_NANOS: u64 = i64::MAX as u64;
        let mut total: u64 = 0;
        let mut last_unit_rank = 0;
        let mut rest = s;
        while !rest.is_empty() {
            let digits_end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits_end == 0 {
                return Err(invalid());
            }
            let value: u64 = rest[..digits_end].parse().map_err(|_| invalid())?;
            rest = &rest[digits_end..];
            let unit_end = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            if unit_end == 0 {
                return Err(invalid());
            }
            let unit = &rest[..unit_end];
            rest = &rest[unit_end..];
            let (rank, nanos_per_unit): (u8, u64) = match unit {
                "y" => (1, 365 * 24 * 3600 * 1_000_000_000),
                "w" => (2, 7 * 24 * 3600 * 1_000_000_000),
                "d" => (3, 24 * 3600 * 1_000_000_000),
                "h" => (4, 3600 * 1_000_000_000),
                "m" => (5, 60 * 1_000_000_000),
                "s" => (6, 1_000_000_000),
                "ms" => (7, NANOS_PER_MILLI),
                _ => {
                    return Err(DurationError::new(format!(
                        "unknown unit {} in duration {}",
                        go_quote(unit),
                        go_quote(s)
                    )));
                }
            };
            if rank <= last_unit_rank {
                return Err(invalid());
            }
            last_unit_rank = rank;
            let out_of_range = || DurationError::new("duration out of range".to_owned());
            if value > (1u64 << 63) / nanos_per_unit {
                return Err(out_of_range());
            }
            total = total
                .checked_add(value * nanos_per_unit)
                .filter(|&t| t <= MAX_NANOS)
                .ok_or_else(out_of_range)?;
        }
        Ok(PromDuration(Duration::from_nanos(total)))
    }
}

impl fmt::Display for PromDuration {
    /// `model.Duration.String()`: millisecond precision; years and weeks only
    /// when they divide the whole duration exactly (`90d`, not `12w6d`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.0.as_millis();
        if ms == 0 {
            return f.write_str("0s");
        }
        let exact_units: [(&str, u128); 2] = [("y", MILLIS_PER_YEAR), ("w", MILLIS_PER_WEEK)];
        for (unit, size) in exact_units {
            if ms.is_multiple_of(size) && ms / size > 0 {
                write!(f, "{}{unit}", ms / size)?;
                ms = 0;
            }
        }
        let units: [(&str, u128); 5] = [
            ("d", MILLIS_PER_DAY),
            ("h", MILLIS_PER_HOUR),
            ("m", MILLIS_PER_MINUTE),
            ("s", MILLIS_PER_SECOND),
            ("ms", 1),
        ];
        for (unit, size) in units {
            let count = ms / size;
            if count > 0 {
                write!(f, "{count}{unit}")?;
                ms -= count * size;
            }
        }
        Ok(())
    }
}

/// Go `time.Duration` (parsed with `time.ParseDuration`, printed as `String()`).
///
/// The wrapped `std::time::Duration` cannot be negative, so [`GoDuration::parse`]
/// rejects negative values; [`GoDuration::parse_nanos`] and
/// [`GoDuration::format_nanos`] work on Go's signed nanosecond count directly.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct GoDuration(pub Duration);

impl GoDuration {
    /// `time.ParseDuration`, for non-negative results (`-0s` is zero).
    pub fn parse(s: &str) -> Result<Self, DurationError> {
        let nanos = Self::parse_nanos(s)?;
        let nanos = u64::try_from(nanos).map_err(|_| {
            DurationError::new(format!(
                "time: negative duration {} is not allowed here",
                time_quote(s)
            ))
        })?;
        Ok(GoDuration(Duration::from_nanos(nanos)))
    }

    /// `time.ParseDuration` exactly: an optionally signed sequence of decimal
    /// numbers with optional fractions and units `ns us µs μs ms s m h`.
    /// Returns Go's signed nanosecond count.
    pub fn parse_nanos(s: &str) -> Result<i64, DurationError> {
        let invalid = || DurationError::new(format!("time: invalid duration {}", time_quote(s)));
        let (negative, mut rest) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if rest == "0" {
            return Ok(0);
        }
        if rest.is_empty() {
            return Err(invalid());
        }
        const LIMIT: u64 = 1 << 63;
        let mut total: u64 = 0;
        while !rest.is_empty() {
            let first = rest.as_bytes()[0];
            if !(first == b'.' || first.is_ascii_digit()) {
                return Err(invalid());
            }
            let int_end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let mut whole: u64 = 0;
            for d in rest[..int_end].bytes() {
                if whole > LIMIT / 10 {
                    return Err(invalid());
                }
                whole = whole * 10 + u64::from(d - b'0');
                if whole > LIMIT {
                    return Err(invalid());
                }
            }
            let had_int = int_end > 0;
            rest = &rest[int_end..];
            let mut fraction: u64 = 0;
            let mut scale: f64 = 1.0;
            let mut had_fraction = false;
            if let Some(after_dot) = rest.strip_prefix('.') {
                let frac_end = after_dot
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(after_dot.len());
                had_fraction = frac_end > 0;
                let mut overflow = false;
                for d in after_dot[..frac_end].bytes() {
                    if overflow {
                        continue;
                    }
                    if fraction > (LIMIT - 1) / 10 {
                        overflow = true;
                        continue;
                    }
                    let next = fraction * 10 + u64::from(d - b'0');
                    if next > LIMIT {
                        overflow = true;
                        continue;
                    }
                    fraction = next;
                    scale *= 10.0;
                }
                rest = &after_dot[frac_end..];
            }
            if !had_int && !had_fraction {
                return Err(invalid());
            }
            let unit_end = rest
                .find(|c: char| c == '.' || c.is_ascii_digit())
                .unwrap_or(rest.len());
            if unit_end == 0 {
                return Err(DurationError::new(format!(
                    "time: missing unit in duration {}",
                    time_quote(s)
                )));
            }
            let unit = &rest[..unit_end];
            rest = &rest[unit_end..];
            let nanos_per_unit: u64 = match unit {
                "ns" => 1,
                "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60 * 1_000_000_000,
                "h" => 3600 * 1_000_000_000,
                _ => {
                    return Err(DurationError::new(format!(
                        "time: unknown unit {} in duration {}",
                        time_quote(unit),
                        time_quote(s)
                    )));
                }
            };
            if whole > LIMIT / nanos_per_unit {
                return Err(invalid());
            }
            let mut value = whole * nanos_per_unit;
            if fraction > 0 {
                // Go computes the fractional part in float64, truncating.
                value += (fraction as f64 * (nanos_per_unit as f64 / scale)) as u64;
                if value > LIMIT {
                    return Err(invalid());
                }
            }
            total += value;
            if total > LIMIT {
                return Err(invalid());
            }
        }
        if negative {
            // total <= 2^63, so the negation fits.
            return Ok((total as i64).wrapping_neg());
        }
        i64::try_from(total).map_err(|_| invalid())
    }

    /// Go's `Duration.String()` for a signed nanosecond count:
    /// `1h0m0s`, `1m30s`, `1.5s`, `500ms`, `1.5µs`, `0s`, `-2m0s`.
    pub fn format_nanos(nanos: i64) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = write_go_duration(&mut out, nanos.unsigned_abs(), nanos < 0);
        out
    }
}

impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = u64::try_from(self.0.as_nanos()).unwrap_or(u64::MAX);
        write_go_duration(f, nanos, false)
    }
}

fn write_go_duration<W: fmt::Write>(out: &mut W, nanos: u64, negative: bool) -> fmt::Result {
    if nanos == 0 {
        return out.write_str("0s");
    }
    if negative {
        out.write_char('-')?;
    }
    if nanos < 1_000_000_000 {
        let (unit, digits, per_unit) = if nanos < 1_000 {
            ("ns", 0, 1)
        } else if nanos < 1_000_000 {
            ("\u{b5}s", 3, 1_000)
        } else {
            ("ms", 6, 1_000_000)
        };
        write_with_fraction(out, nanos / per_unit, nanos % per_unit, digits)?;
        return out.write_str(unit);
    }
    let seconds = nanos / 1_000_000_000;
    let hours = seconds / 3600;
    let minutes = (seconds / 60) % 60;
    if hours > 0 {
        write!(out, "{hours}h")?;
    }
    if hours > 0 || minutes > 0 {
        write!(out, "{minutes}m")?;
    }
    write_with_fraction(out, seconds % 60, nanos % 1_000_000_000, 9)?;
    out.write_char('s')
}

/// `whole.fraction` with the fraction printed in `digits` places and its
/// trailing zeros (and then a bare dot) dropped, as Go's `fmtFrac` does.
fn write_with_fraction<W: fmt::Write>(
    out: &mut W,
    whole: u64,
    fraction: u64,
    digits: usize,
) -> fmt::Result {
    write!(out, "{whole}")?;
    if fraction == 0 || digits == 0 {
        return Ok(());
    }
    let text = format!("{fraction:0digits$}");
    write!(out, ".{}", text.trim_end_matches('0'))
}

/// Go's `strconv.Quote`, which prometheus/common uses for `%q`.
fn go_quote(s: &str) -> String {
    crate::goquote::go_quote(s)
}

/// The `time` package's own quoting: `"` and `\` escaped, and every byte of
/// a non-ASCII or control character written as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !c.is_ascii() || (c as u32) < 0x20 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prom(s: &str) -> Result<String, String> {
        PromDuration::parse(s)
            .map(|d| d.to_string())
            .map_err(|e| e.message)
    }

    /// Expected values produced by running prometheus/common v0.70.1's own
    /// `model.ParseDuration` and `Duration.String()` (built with Go 1.19)
    /// on these inputs.
    #[test]
    fn prometheus_durations() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("0", Ok("0s")),
            ("0s", Ok("0s")),
            ("0w", Ok("0s")),
            ("324ms", Ok("324ms")),
            ("3s", Ok("3s")),
            ("5m", Ok("5m")),
            ("1h", Ok("1h")),
            ("4d", Ok("4d")),
            ("4d1h", Ok("4d1h")),
            ("14d", Ok("2w")),
            ("3w", Ok("3w")),
            ("3w2d1h", Ok("23d1h")),
            ("10y", Ok("10y")),
            ("1y", Ok("1y")),
            ("90d", Ok("90d")),
            ("1h30m", Ok("1h30m")),
            ("90m", Ok("1h30m")),
            ("1500ms", Ok("1s500ms")),
            ("1y1w", Ok("372d")),
            ("1y1d", Ok("366d")),
            ("7d", Ok("1w")),
            ("60s", Ok("1m")),
            ("106751d23h47m16s854ms", Ok("106751d23h47m16s854ms")),
            ("", Err("empty duration string")),
            ("30x", Err("unknown unit \"x\" in duration \"30x\"")),
            ("1", Err("not a valid duration string: \"1\"")),
            ("-1s", Err("not a valid duration string: \"-1s\"")),
            ("1.5h", Err("unknown unit \".\" in duration \"1.5h\"")),
            ("1m1h", Err("not a valid duration string: \"1m1h\"")),
            ("1h1h", Err("not a valid duration string: \"1h1h\"")),
            ("1d1w", Err("not a valid duration string: \"1d1w\"")),
            ("00", Err("not a valid duration string: \"00\"")),
            (" 1s", Err("not a valid duration string: \" 1s\"")),
            ("1s ", Err("unknown unit \"s \" in duration \"1s \"")),
            (
                "1\u{b5}s",
                Err("unknown unit \"\u{b5}s\" in duration \"1\u{b5}s\""),
            ),
            ("300y", Err("duration out of range")),
            ("9223372036855ms", Err("duration out of range")),
            ("106751d23h47m16s855ms", Err("duration out of range")),
            (
                "99999999999999999999s",
                Err("not a valid duration string: \"99999999999999999999s\""),
            ),
            ("292y", Ok("292y")),
            ("1y2w3d4h5m6s7ms", Ok("382d4h5m6s7ms")),
            ("0ms", Ok("0s")),
            ("1ms", Ok("1ms")),
            ("1000ms", Ok("1s")),
            ("120s", Ok("2m")),
            ("1h0m", Ok("1h")),
            ("5m0s", Ok("5m")),
            ("52w", Ok("52w")),
            ("365d", Ok("1y")),
            ("730d", Ok("2y")),
            ("2y", Ok("2y")),
        ];
        for (input, want) in cases {
            let want = want.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(prom(input), want, "parsing {input:?}");
        }
    }

    #[test]
    fn prometheus_display_of_sub_millisecond_values() {
        assert_eq!(PromDuration(Duration::from_micros(999)).to_string(), "0s");
        assert_eq!(PromDuration(Duration::from_micros(1500)).to_string(), "1ms");
    }

    /// The full Go comparison is in `tests/go_differential.rs`.
    #[test]
    fn go_duration_type_rejects_negative_values() {
        assert_eq!(
            GoDuration::parse("1m30s").map(|d| d.to_string()).as_deref(),
            Ok("1m30s")
        );
        assert_eq!(GoDuration::parse("-0s").map(|d| d.0), Ok(Duration::ZERO));
        assert!(GoDuration::parse("-1s").is_err());
        assert_eq!(GoDuration(Duration::ZERO).to_string(), "0s");
    }
}
