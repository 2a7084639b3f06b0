//! The three go-openapi `strfmt` formats the API uses, with upstream's exact
//! acceptance rules and messages: `date-time` (parsing tries strfmt v0.27's
//! eleven Go time layouts in order and reports the last layout's error;
//! printing is RFC 3339 with milliseconds in the value's own UTC offset),
//! `uuid` (google/uuid's `Parse`) and `uri` (Go's `url.ParseRequestURI`,
//! fragment stripped).

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::civil;
use jiff::tz::{Offset, TimeZone};

/// An instant together with the UTC offset it was written in (Go's
/// `time.Time` keeps the zone and prints it back).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub instant: Timestamp,
    pub offset: Offset,
}

impl DateTime {
    /// An instant shown in UTC.
    pub fn utc(instant: Timestamp) -> Self {
        DateTime {
            instant,
            offset: Offset::UTC,
        }
    }

    /// strfmt's `MarshalFormat` (`2006-01-02T15:04:05.000Z07:00`): the wall
    /// time in the value's offset, milliseconds truncated, `Z` for UTC.
    pub fn to_api_string(&self) -> String {
        let mut out = String::with_capacity(29);
        self.write_api(&mut out);
        out
    }

    /// Append [`DateTime::to_api_string`] to `out`.
    pub fn write_api(&self, out: &mut String) {
        let wall = TimeZone::fixed(self.offset).to_datetime(self.instant);
        let millis = wall.subsec_nanosecond() / 1_000_000;
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
            wall.year(),
            wall.month(),
            wall.day(),
            wall.hour(),
            wall.minute(),
            wall.second(),
            millis
        );
        let seconds = self.offset.seconds();
        if seconds == 0 {
            out.push('Z');
        } else {
            let minutes = seconds / 60;
            let sign = if seconds < 0 { '-' } else { '+' };
            let minutes = minutes.abs();
            let _ = write!(out, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
    }

    /// strfmt's `ParseDateTime`: `""` is the Unix epoch; otherwise the
    /// first of the eleven layouts that accepts the input wins, and on
    /// failure the last layout's Go error is returned.
    ///
    /// The RFC 3339 layout (`2006-01-02T15:04:05Z07:00`, which also takes
    /// any fraction) is tried first: every input an earlier layout accepts
    /// it accepts too, with the same result, so trying it first changes
    /// nothing but the cost of the common forms. Misses are only described;
    /// the message of the last one is built when it is the answer.
    pub fn parse(input: &str) -> Result<DateTime, String> {
        if input.is_empty() {
            return Ok(DateTime::utc(Timestamp::UNIX_EPOCH));
        }
        if let Ok(t) = parse_layout(&LAYOUTS[RFC3339_LAYOUT], input) {
            return Ok(t);
        }
        parse_in_order(input)
    }
}

/// Index in [`LAYOUTS`] of `2006-01-02T15:04:05Z07:00`.
const RFC3339_LAYOUT: usize = 4;

/// Every layout in strfmt's order; the last layout's error on failure.
fn parse_in_order(input: &str) -> Result<DateTime, String> {
    let mut last_miss = None;
    for layout in &LAYOUTS {
        match parse_layout(layout, input) {
            Ok(t) => return Ok(t),
            Err(miss) => last_miss = Some((layout, miss)),
        }
    }
    Err(match last_miss {
        Some((layout, miss)) => miss.message(layout, input),
        None => String::new(),
    })
}

/// Why one layout did not accept an input, kept cheap until its Go
/// `*time.ParseError` text is needed.
#[derive(Clone, Copy, Debug)]
enum Miss<'v> {
    /// `cannot parse <rest> as <element>`.
    Bad { element: Elem, rest: &'v [u8] },
    /// `<what> out of range`.
    OutOfRange(&'static str),
    /// `extra text: <rest>`.
    ExtraText(&'v [u8]),
}

impl Miss<'_> {
    fn message(&self, layout: &Layout, input: &str) -> String {
        match *self {
            Miss::Bad { element, rest } => format!(
                "parsing time {} as {}: cannot parse {} as {}",
                time_quote(input),
                time_quote(layout.text),
                time_quote(&String::from_utf8_lossy(rest)),
                time_quote(layout_text(element))
            ),
            Miss::OutOfRange(what) => {
                format!("parsing time {}: {what} out of range", time_quote(input))
            }
            Miss::ExtraText(rest) => format!(
                "parsing time {}: extra text: {}",
                time_quote(input),
                time_quote(&String::from_utf8_lossy(rest))
            ),
        }
    }
}

/// One element of a Go time layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Elem {
    Literal(&'static str),
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    /// `.000` / `.000000`: exactly this many digits.
    Frac(usize),
    /// `Z07:00`
    ZoneColon,
    /// `Z0700`
    ZoneNoColon,
}

struct Layout {
    text: &'static str,
    elems: &'static [Elem],
}

use Elem::{Day, Frac, Hour, Literal, Minute, Month, Second, Year, ZoneColon, ZoneNoColon};

const DATE: [Elem; 5] = [Year, Literal("-"), Month, Literal("-"), Day];

macro_rules! layout {
    ($text:expr, [$($e:expr),* $(,)?]) => {
        Layout { text: $text, elems: &[$($e),*] }
    };
}

/// strfmt v0.27 `DateTimeFormats`, in order.
const LAYOUTS: [Layout; 11] = [
    layout!(
        "2006-01-02T15:04:05.000000Z07:00",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second,
            Frac(6),
            ZoneColon
        ]
    ),
    layout!(
        "2006-01-02T15:04:05.000000Z0700",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second,
            Frac(6),
            ZoneNoColon
        ]
    ),
    layout!(
        "2006-01-02T15:04:05.000Z07:00",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second,
            Frac(3),
            ZoneColon
        ]
    ),
    layout!(
        "2006-01-02T15:04:05.000Z0700",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second,
            Frac(3),
            ZoneNoColon
        ]
    ),
    layout!(
        "2006-01-02T15:04:05Z07:00",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second,
            ZoneColon
        ]
    ),
    // time.RFC3339Nano: `.999999999` accepts any fraction, which the
    // seconds field already does on its own when parsing.
    layout!(
        "2006-01-02T15:04:05.999999999Z07:00",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second,
            ZoneColon
        ]
    ),
    layout!(
        "2006-01-02T15:04:05",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second
        ]
    ),
    layout!(
        "2006-01-02T15:04Z",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute,
            Literal("Z")
        ]
    ),
    layout!(
        "2006-01-02T15:04",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal("T"),
            Hour,
            Literal(":"),
            Minute
        ]
    ),
    layout!(
        "2006-01-02 15:04:05",
        [
            DATE[0],
            DATE[1],
            DATE[2],
            DATE[3],
            DATE[4],
            Literal(" "),
            Hour,
            Literal(":"),
            Minute,
            Literal(":"),
            Second
        ]
    ),
    layout!("2006-01-02", [DATE[0], DATE[1], DATE[2], DATE[3], DATE[4]]),
];

/// Go's `time.quote` (used in `*time.ParseError` messages): non-ASCII and
/// control bytes as `\xNN`, `"` and `\` backslash-escaped.
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
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

fn layout_text(elem: Elem) -> &'static str {
    match elem {
        Literal(s) => s,
        Year => "2006",
        Month => "01",
        Day => "02",
        Hour => "15",
        Minute => "04",
        Second => "05",
        Frac(3) => ".000",
        Frac(_) => ".000000",
        ZoneColon => "Z07:00",
        ZoneNoColon => "Z0700",
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(i32, &[u8])> {
    let first = *s.first().filter(|b| b.is_ascii_digit())?;
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i32::from(first - b'0'), s.get(1..).unwrap_or_default()));
    }
    let second = *s.get(1)?;
    Some((
        i32::from(first - b'0') * 10 + i32::from(second - b'0'),
        s.get(2..).unwrap_or_default(),
    ))
}

/// [`getnum`] for one layout element: `unreadable` when no number is
/// there, `<what> out of range` when it falls outside `range`.
fn ranged<'v>(
    value: &'v [u8],
    fixed: bool,
    range: std::ops::RangeInclusive<i32>,
    what: &'static str,
    unreadable: Miss<'v>,
) -> Result<(i32, &'v [u8]), Miss<'v>> {
    let (n, rest) = getnum(value, fixed).ok_or(unreadable)?;
    if !range.contains(&n) {
        return Err(Miss::OutOfRange(what));
    }
    Ok((n, rest))
}

/// Go's `parseNanoseconds` for `value[..n]` (a `.` or `,` then digits).
fn parse_nanos(value: &[u8], n: usize) -> Option<i32> {
    let digits = value.get(1..n)?;
    let mut nanos: i64 = 0;
    let mut scale = 0;
    for &d in digits.iter().take(9) {
        if !d.is_ascii_digit() {
            return None;
        }
        nanos = nanos * 10 + i64::from(d - b'0');
        scale += 1;
    }
    for &d in digits.iter().skip(9) {
        if !d.is_ascii_digit() {
            return None;
        }
    }
    for _ in scale..9 {
        nanos *= 10;
    }
    i32::try_from(nanos).ok()
}

fn days_in(month: i32, year: i32) -> i32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `time.ParseInLocation(layout, value, time.UTC)` for the layouts above.
fn parse_layout<'v>(layout: &Layout, input: &'v str) -> Result<DateTime, Miss<'v>> {
    let bad = |element: Elem, rest: &'v [u8]| Miss::Bad { element, rest };
    let range = Miss::OutOfRange;
    let mut value = input.as_bytes();
    let (mut year, mut month, mut day, mut hour, mut minute, mut second, mut nanos) =
        (0, 1, 1, 0, 0, 0, 0);
    let mut offset: Option<i32> = None;
    for (index, &elem) in layout.elems.iter().enumerate() {
        let start = value;
        match elem {
            Literal(lit) => {
                value = skip_literal(value, lit).ok_or_else(|| bad(elem, start))?;
            }
            Year => {
                let digits = value
                    .get(..4)
                    .filter(|d| d.iter().all(u8::is_ascii_digit))
                    .ok_or_else(|| bad(elem, start))?;
                year = digits
                    .iter()
                    .fold(0, |acc, d| acc * 10 + i32::from(d - b'0'));
                value = value.get(4..).unwrap_or_default();
            }
            Month => (month, value) = ranged(value, true, 1..=12, "month", bad(elem, start))?,
            Day => (day, value) = ranged(value, true, 0..=31, "day", bad(elem, start))?,
            Hour => (hour, value) = ranged(value, false, 0..=23, "hour", bad(elem, start))?,
            Minute => (minute, value) = ranged(value, true, 0..=59, "minute", bad(elem, start))?,
            Second => {
                (second, value) = ranged(value, true, 0..=59, "second", bad(elem, start))?;
                // A fraction the layout does not mention is still accepted.
                let next_is_frac = matches!(layout.elems.get(index + 1), Some(Frac(_)));
                if !next_is_frac
                    && value.len() >= 2
                    && matches!(value.first(), Some(b'.' | b','))
                    && is_digit(value, 1)
                {
                    let mut n = 2;
                    while is_digit(value, n) {
                        n += 1;
                    }
                    nanos = parse_nanos(value, n).ok_or_else(|| bad(elem, start))?;
                    value = value.get(n..).unwrap_or_default();
                }
            }
            Frac(digits) => {
                let n = digits + 1;
                if value.len() < n || !matches!(value.first(), Some(b'.' | b',')) {
                    return Err(bad(elem, start));
                }
                nanos = parse_nanos(value, n).ok_or_else(|| bad(elem, start))?;
                value = value.get(n..).unwrap_or_default();
            }
            ZoneColon | ZoneNoColon => {
                if value.first() == Some(&b'Z') {
                    value = value.get(1..).unwrap_or_default();
                    offset = Some(0);
                    continue;
                }
                let (sign, hh, mm, rest) = if elem == ZoneColon {
                    if value.len() < 6 || value.get(3) != Some(&b':') {
                        return Err(bad(elem, start));
                    }
                    (value[0], &value[1..3], &value[4..6], &value[6..])
                } else {
                    if value.len() < 5 {
                        return Err(bad(elem, start));
                    }
                    (value[0], &value[1..3], &value[3..5], &value[5..])
                };
                let (h, _) = getnum(hh, true).ok_or_else(|| bad(elem, start))?;
                let (m, _) = getnum(mm, true).ok_or_else(|| bad(elem, start))?;
                if h > 24 {
                    return Err(range("time zone offset hour"));
                }
                if m > 60 {
                    return Err(range("time zone offset minute"));
                }
                let seconds = (h * 60 + m) * 60;
                offset = Some(match sign {
                    b'+' => seconds,
                    b'-' => -seconds,
                    _ => return Err(bad(elem, start)),
                });
                value = rest;
            }
        }
    }
    if !value.is_empty() {
        return Err(Miss::ExtraText(value));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(range("day"));
    }
    let out_of_range = || Miss::OutOfRange("year");
    let wall = civil::DateTime::new(
        i16::try_from(year).map_err(|_| out_of_range())?,
        i8::try_from(month).map_err(|_| out_of_range())?,
        i8::try_from(day).map_err(|_| out_of_range())?,
        i8::try_from(hour).map_err(|_| out_of_range())?,
        i8::try_from(minute).map_err(|_| out_of_range())?,
        i8::try_from(second).map_err(|_| out_of_range())?,
        nanos,
    )
    .map_err(|_| out_of_range())?;
    let offset_seconds = offset.unwrap_or(0);
    let offset =
        Offset::from_seconds(offset_seconds).map_err(|_| range("time zone offset hour"))?;
    let instant = wall
        .to_zoned(TimeZone::fixed(offset))
        .map_err(|_| out_of_range())?
        .timestamp();
    Ok(DateTime { instant, offset })
}

/// Go's `skip`: a space in the layout matches one or more spaces.
fn skip_literal<'v>(mut value: &'v [u8], literal: &str) -> Option<&'v [u8]> {
    let mut prefix = literal.as_bytes();
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&b| b != b' ') {
                return None;
            }
            while prefix.first() == Some(&b' ') {
                prefix = &prefix[1..];
            }
            while value.first() == Some(&b' ') {
                value = &value[1..];
            }
            continue;
        }
        if value.first() != Some(&p) {
            return None;
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Some(value)
}

/// strfmt's `uuid` format (google/uuid `Parse`): 36 characters with dashes,
/// optionally wrapped as `{…}` (the braces are not checked, as upstream) or
/// prefixed `urn:uuid:`, or 32 bare hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    let hex_pair = |i: usize, b: &[u8]| {
        b.get(i).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
    };
    let dashed = |b: &[u8]| {
        b.len() >= 36
            && [8, 13, 18, 23].iter().all(|&i| b.get(i) == Some(&b'-'))
            && [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
                .iter()
                .all(|&i| hex_pair(i, b))
    };
    match b.len() {
        36 => dashed(b),
        45 => {
            b.get(..9)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"urn:uuid:"))
                && dashed(&b[9..])
        }
        38 => dashed(&b[1..]),
        32 => b.iter().all(u8::is_ascii_hexdigit),
        _ => false,
    }
}

/// strfmt's `uri` format: Go's `url.ParseRequestURI` on the input without
/// its `#fragment`.
pub fn is_request_uri(s: &str) -> bool {
    let s = s.split_once('#').map_or(s, |(before, _)| before);
    if s.is_empty() || s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return false;
    }
    if s == "*" {
        return true;
    }
    // Scheme: a letter, then letters, digits, `+ - .`, up to `:`.
    let mut scheme_len = 0;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return false, // missing protocol scheme
            b':' => {
                scheme_len = i;
                break;
            }
            _ => break,
        }
    }
    let rest = if scheme_len > 0 {
        &s[scheme_len + 1..]
    } else {
        s
    };
    let rest = match rest.find('?') {
        Some(q) => &rest[..q],
        None => rest,
    };
    if !rest.starts_with('/') {
        // Rootless paths with a scheme are opaque and fine; without a scheme
        // they are not a request URI.
        return scheme_len > 0;
    }
    let path = if scheme_len > 0 && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let (authority, path) = match authority_and_path.find('/') {
            Some(i) => authority_and_path.split_at(i),
            None => (authority_and_path, ""),
        };
        if !valid_authority(authority) {
            return false;
        }
        path
    } else {
        rest
    };
    valid_escapes(path)
}

fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Go's `parseAuthority`/`parseHost`, reduced to what can fail: the
/// userinfo characters, bracketed IPv6 hosts, and the port being digits.
fn valid_authority(authority: &str) -> bool {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    if let Some(userinfo) = userinfo {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c);
        if !userinfo.chars().all(allowed) || !valid_escapes(userinfo) {
            return false;
        }
    }
    let port = if let Some(stripped) = host.strip_prefix('[') {
        match stripped.find(']') {
            Some(end) => &stripped[end + 1..],
            None => return false,
        }
    } else {
        match host.rfind(':') {
            Some(i) => &host[i..],
            None => "",
        }
    };
    if !port.is_empty() {
        let Some(digits) = port.strip_prefix(':') else {
            return false;
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    valid_host_chars(host)
}

/// Go's `unescape(host, encodeHost)`: ASCII outside the host character set
/// is refused, and `%XX` only for `%25` or bytes from 0x80.
fn valid_host_chars(host: &str) -> bool {
    let b = host.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let (Some(&h), Some(&l)) = (b.get(i + 1), b.get(i + 2)) else {
                return false;
            };
            if !h.is_ascii_hexdigit() || !l.is_ascii_hexdigit() {
                return false;
            }
            if h < b'8' && &b[i..i + 3] != b"%25" {
                return false;
            }
            i += 3;
            continue;
        }
        let allowed =
            c >= 0x80 || c.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"".contains(&c);
        if !allowed {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> String {
        match DateTime::parse(s) {
            Ok(t) => t.to_api_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn accepted_forms_and_printing() {
        // Expected values produced with Go 1.19 (/usr/bin/go): the same
        // layouts through `time.ParseInLocation`, printed with strfmt's
        // `MarshalFormat`.
        assert_eq!(
            parse_str("2026-11-21T06:00:00.123456+01:00"),
            "2026-11-21T06:00:00.123+01:00"
        );
        assert_eq!(
            parse_str("2026-11-21T06:00:00Z"),
            "2026-11-21T06:00:00.000Z"
        );
        assert_eq!(
            parse_str("2026-11-21T06:00:00+00:00"),
            "2026-11-21T06:00:00.000Z"
        );
        assert_eq!(
            parse_str("2026-11-21T06:00:00.1234567891-05:30"),
            "2026-11-21T06:00:00.123-05:30"
        );
        assert_eq!(
            parse_str("2026-11-21T06:00:00.123+0100"),
            "2026-11-21T06:00:00.123+01:00"
        );
        assert_eq!(parse_str("2026-11-21T06:00:00"), "2026-11-21T06:00:00.000Z");
        assert_eq!(parse_str("2026-11-21T06:00Z"), "2026-11-21T06:00:00.000Z");
        assert_eq!(parse_str("2026-11-21T6:00"), "2026-11-21T06:00:00.000Z");
        assert_eq!(
            parse_str("2026-11-21 06:00:00.5"),
            "2026-11-21T06:00:00.500Z"
        );
        assert_eq!(parse_str("2026-11-21"), "2026-11-21T00:00:00.000Z");
        assert_eq!(parse_str("2024-02-29"), "2024-02-29T00:00:00.000Z");
        assert_eq!(
            parse_str("2026-11-21T06:00:00,5Z"),
            "2026-11-21T06:00:00.500Z"
        );
        assert_eq!(
            parse_str("2026-11-21T06:00:00.12Z"),
            "2026-11-21T06:00:00.120Z"
        );
        assert_eq!(parse_str(""), "1970-01-01T00:00:00.000Z");
        assert_eq!(DateTime::utc(Timestamp::UNIX_EPOCH).offset, Offset::UTC);
    }

    #[test]
    fn rfc3339_first_agrees_with_strfmt_order() {
        // `parse` tries the RFC 3339 layout before the others; over many
        // shapes it must answer exactly what the plain ordered loop does.
        let dates = [
            "2026-11-21",
            "2024-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
        ];
        let times = [
            "",
            "T06:00",
            "T6:00",
            "T06:00:00",
            "T06:00:60",
            "T24:00:00",
            " 06:00:00",
            "  06:00:00",
        ];
        let fractions = [
            "",
            ".1",
            ",5",
            ".123",
            ".123456",
            ".1234567",
            ".123456789",
            ".1234567891",
            ".",
            ".x",
        ];
        let zones = [
            "", "Z", "z", "+01:00", "-05:30", "+0100", "-0530", "+25:00", "+01:61", "+1:00", "+01",
            "Zjunk", "é",
        ];
        let mut checked = 0;
        for date in dates {
            for time in times {
                for fraction in fractions {
                    for zone in zones {
                        let input = format!("{date}{time}{fraction}{zone}");
                        assert_eq!(
                            DateTime::parse(&input),
                            parse_in_order(&input),
                            "input {input:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 5 * 8 * 10 * 13);
    }

    #[test]
    fn errors_are_those_of_the_last_layout() {
        // Produced with Go 1.19 (/usr/bin/go): `time.ParseInLocation` over
        // the same eleven layouts in order, keeping the last error.
        assert_eq!(
            parse_str("yesterday"),
            r#"ERR parsing time "yesterday" as "2006-01-02": cannot parse "yesterday" as "2006""#
        );
        assert_eq!(
            parse_str("2026-13-01"),
            r#"ERR parsing time "2026-13-01": month out of range"#
        );
        assert_eq!(
            parse_str("2026-02-30"),
            r#"ERR parsing time "2026-02-30": day out of range"#
        );
        assert_eq!(
            parse_str("2026-02-1"),
            r#"ERR parsing time "2026-02-1" as "2006-01-02": cannot parse "1" as "02""#
        );
        assert_eq!(
            parse_str("2026/02/01"),
            r#"ERR parsing time "2026/02/01" as "2006-01-02": cannot parse "/02/01" as "-""#
        );
        assert_eq!(
            parse_str("2026-02-01T25:00:00Z"),
            r#"ERR parsing time "2026-02-01T25:00:00Z": extra text: "T25:00:00Z""#
        );
        assert_eq!(
            parse_str("2026-02-01é"),
            r#"ERR parsing time "2026-02-01\xc3\xa9": extra text: "\xc3\xa9""#
        );
        assert_eq!(
            parse_str("2026-11-21T06:00:00+0100"),
            r#"ERR parsing time "2026-11-21T06:00:00+0100": extra text: "T06:00:00+0100""#
        );
        assert_eq!(
            parse_str("2026-00-10"),
            r#"ERR parsing time "2026-00-10": month out of range"#
        );
        assert_eq!(
            parse_str("2026-11-00"),
            r#"ERR parsing time "2026-11-00": day out of range"#
        );
    }

    #[test]
    fn uuids_as_google_uuid() {
        assert!(is_uuid("3f22972b-dc44-463e-8eb5-9b762103dfcc"));
        assert!(is_uuid("3F22972B-DC44-463E-8EB5-9B762103DFCC"));
        assert!(is_uuid("{3f22972b-dc44-463e-8eb5-9b762103dfcc}"));
        assert!(is_uuid("urn:uuid:3f22972b-dc44-463e-8eb5-9b762103dfcc"));
        assert!(is_uuid("3f22972bdc44463e8eb59b762103dfcc"));
        assert!(!is_uuid("xyz"));
        assert!(!is_uuid("3f22972b-dc44-463e-8eb5-9b762103dfcz"));
        assert!(!is_uuid("3f22972b+dc44-463e-8eb5-9b762103dfcc"));
    }

    #[test]
    fn request_uris_as_go() {
        // Verdicts produced with Go 1.19's `url.ParseRequestURI` (/usr/bin/go).
        for ok in [
            "http://x/y",
            "https://host:9090/graph?g0.expr=up",
            "/relative",
            "mailto:a@b",
            "http://[::1]:80/",
            "https://host#@frag",
            "http://u@h/",
            "http://u:p@h:1/",
            "http://x:80:90/",
        ] {
            assert!(is_request_uri(ok), "{ok}");
        }
        for bad in [
            "not a url",
            "::",
            "",
            "http://host:port/",
            "x/y",
            "http://a b/%zz",
            "/%g0",
            "http://a b/",
            "http://[::1/",
            "1http://x",
            "http://%41/",
        ] {
            assert!(!is_request_uri(bad), "{bad}");
        }
    }
}
