//! Go's `time` behaviour that amtool shows its users: `time.Parse` with the
//! RFC 3339 layout (the `--start` / `--end` flags), with Go's exact error
//! texts, and `Time.Format` with any layout (`--date.format`, default
//! `2006-01-02 15:04:05 MST`).
//!
//! A time is an instant plus the UTC offset it was written with (as Go's
//! `time.Time` keeps its location). Formatting is the template layer's
//! (`tocsin_notify::template::format_go_time`): the zone *name* printed for
//! `MST` is derived as Go derives it after parsing: `UTC` for a zero
//! offset, the local zone's abbreviation when the offset is the local one
//! at that instant, and none otherwise (Go then prints `+0200`). Go would
//! print the local abbreviation for a `+00:00` input in a local zone such
//! as `Europe/London` in winter; here a zero offset always reads `UTC`.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use tocsin_alerting::alert::Time;
use tocsin_api::strfmt::DateTime;

/// Go's `time.RFC3339`.
pub const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// Go's `time.Parse(time.RFC3339, value)`.
pub fn parse_rfc3339(value: &str) -> Result<DateTime, String> {
    Rfc3339Parser { value }.parse()
}

/// The parts of the RFC 3339 layout, in order: a literal prefix and the
/// standard chunk that follows it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chunk {
    LongYear,
    ZeroMonth,
    ZeroDay,
    Hour,
    ZeroMinute,
    ZeroSecond,
    Iso8601ColonTz,
}

impl Chunk {
    fn layout_text(self) -> &'static str {
        match self {
            Chunk::LongYear => "2006",
            Chunk::ZeroMonth => "01",
            Chunk::ZeroDay => "02",
            Chunk::Hour => "15",
            Chunk::ZeroMinute => "04",
            Chunk::ZeroSecond => "05",
            Chunk::Iso8601ColonTz => "Z07:00",
        }
    }
}

const RFC3339_CHUNKS: [(&str, Chunk); 7] = [
    ("", Chunk::LongYear),
    ("-", Chunk::ZeroMonth),
    ("-", Chunk::ZeroDay),
    ("T", Chunk::Hour),
    (":", Chunk::ZeroMinute),
    (":", Chunk::ZeroSecond),
    ("", Chunk::Iso8601ColonTz),
];

struct Rfc3339Parser<'a> {
    value: &'a str,
}

/// Go's `time.ParseError` text.
fn cannot_parse(value: &str, value_elem: &str, layout_elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        time_quote(value),
        time_quote(RFC3339),
        time_quote(value_elem),
        time_quote(layout_elem)
    )
}

fn out_of_range(value: &str, what: &str) -> String {
    format!("parsing time {}: {what} out of range", time_quote(value))
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i32, &str)> {
    let bytes = s.as_bytes();
    let first = bytes.first().filter(|b| b.is_ascii_digit())?;
    match bytes.get(1).filter(|b| b.is_ascii_digit()) {
        Some(second) => Some((
            i32::from(first - b'0') * 10 + i32::from(second - b'0'),
            s.get(2..)?,
        )),
        None if fixed => None,
        None => Some((i32::from(first - b'0'), s.get(1..)?)),
    }
}

/// Go's `getnum(s, true)` on exactly two bytes.
fn two_digits(pair: [u8; 2]) -> Option<i32> {
    let [a, b] = pair;
    (a.is_ascii_digit() && b.is_ascii_digit())
        .then(|| i32::from(a - b'0') * 10 + i32::from(b - b'0'))
}

/// Go's `atoi` on an all-digit string (callers check the first digit).
fn atoi(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Rfc3339Parser<'_> {
    fn parse(&self) -> Result<DateTime, String> {
        let full = self.value;
        let mut value = full;
        let (mut year, mut month, mut day) = (0i64, 1i32, 1i32);
        let (mut hour, mut minute, mut second, mut nanos) = (0i32, 0i32, 0i32, 0i64);
        let mut offset: Option<i32> = None;
        for (prefix, chunk) in RFC3339_CHUNKS {
            match value.strip_prefix(prefix) {
                Some(rest) => value = rest,
                None => return Err(cannot_parse(full, value, prefix)),
            }
            let stdstr = chunk.layout_text();
            let bad = |rest: &str| cannot_parse(full, rest, stdstr);
            match chunk {
                Chunk::LongYear => {
                    if value.len() < 4 || !value.as_bytes().first().is_some_and(u8::is_ascii_digit)
                    {
                        return Err(bad(value));
                    }
                    let (digits, rest) = value.split_at_checked(4).ok_or_else(|| bad(value))?;
                    value = rest;
                    year = atoi(digits).ok_or_else(|| bad(value))?;
                }
                Chunk::ZeroMonth => {
                    let (n, rest) = getnum(value, true).ok_or_else(|| bad(value))?;
                    value = rest;
                    if !(1..=12).contains(&n) {
                        return Err(out_of_range(full, "month"));
                    }
                    month = n;
                }
                Chunk::ZeroDay => {
                    let (n, rest) = getnum(value, true).ok_or_else(|| bad(value))?;
                    value = rest;
                    day = n;
                }
                Chunk::Hour => {
                    let (n, rest) = getnum(value, false).ok_or_else(|| bad(value))?;
                    value = rest;
                    if n >= 24 {
                        return Err(out_of_range(full, "hour"));
                    }
                    hour = n;
                }
                Chunk::ZeroMinute => {
                    let (n, rest) = getnum(value, true).ok_or_else(|| bad(value))?;
                    value = rest;
                    if n >= 60 {
                        return Err(out_of_range(full, "minute"));
                    }
                    minute = n;
                }
                Chunk::ZeroSecond => {
                    let (n, rest) = getnum(value, true).ok_or_else(|| bad(value))?;
                    value = rest;
                    if n >= 60 {
                        return Err(out_of_range(full, "second"));
                    }
                    second = n;
                    // A fraction in the input although the layout has none.
                    let bytes = value.as_bytes();
                    if bytes.len() >= 2
                        && matches!(bytes[0], b'.' | b',')
                        && bytes[1].is_ascii_digit()
                    {
                        let n = 2 + bytes[2..].iter().take_while(|b| b.is_ascii_digit()).count();
                        let digits = value.get(1..n.min(10)).unwrap_or_default();
                        let fraction = atoi(digits).ok_or_else(|| bad(value))?;
                        nanos = fraction * 10i64.pow(10u32.saturating_sub(n.min(10) as u32));
                        value = value.get(n..).unwrap_or_default();
                    }
                }
                Chunk::Iso8601ColonTz => {
                    if let Some(rest) = value.strip_prefix('Z') {
                        value = rest;
                        offset = Some(0);
                        continue;
                    }
                    let bytes = value.as_bytes();
                    if bytes.len() < 6 || bytes[3] != b':' {
                        return Err(bad(value));
                    }
                    let (sign, hh, mm) = (bytes[0], [bytes[1], bytes[2]], [bytes[4], bytes[5]]);
                    value = value.get(6..).ok_or_else(|| bad(value))?;
                    // Go parses hours, then minutes; a range problem is
                    // reported before a syntax one.
                    let hr = two_digits(hh);
                    let mn = hr.and_then(|_| two_digits(mm));
                    if mn.is_some_and(|m| m > 60) {
                        return Err(out_of_range(full, "time zone offset minute"));
                    }
                    if hr.is_some_and(|h| h > 24) {
                        return Err(out_of_range(full, "time zone offset hour"));
                    }
                    let (Some(hr), Some(mn)) = (hr, mn) else {
                        return Err(bad(value));
                    };
                    let seconds = (hr * 60 + mn) * 60;
                    offset = Some(match sign {
                        b'+' => seconds,
                        b'-' => -seconds,
                        _ => return Err(bad(value)),
                    });
                }
            }
        }
        if !value.is_empty() {
            return Err(format!(
                "parsing time {}: extra text: {}",
                time_quote(full),
                time_quote(value)
            ));
        }
        if day < 1 || day > days_in(month, year) {
            return Err(format!(
                "parsing time {}: day out of range",
                time_quote(full)
            ));
        }
        let offset_seconds = offset.unwrap_or(0);
        let out_of_range_time = || format!("parsing time {}: year out of range", time_quote(full));
        let civil = jiff::civil::DateTime::new(
            i16::try_from(year).map_err(|_| out_of_range_time())?,
            month as i8,
            day as i8,
            hour as i8,
            minute as i8,
            second as i8,
            nanos as i32,
        )
        .map_err(|_| out_of_range_time())?;
        let offset = Offset::from_seconds(offset_seconds).map_err(|_| out_of_range_time())?;
        let instant = civil
            .to_zoned(TimeZone::fixed(offset))
            .map_err(|_| out_of_range_time())?
            .timestamp();
        Ok(DateTime { instant, offset })
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in(month: i32, year: i64) -> i32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.quote` (used in parse errors): like `strconv.Quote` for
/// printable ASCII; other bytes are written as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_ascii() && c >= ' ' {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    out.push('"');
    out
}

/// The current time in UTC, as `time.Now().UTC()`.
pub fn now_utc() -> DateTime {
    DateTime::utc(Timestamp::now())
}

/// Go's `Time.Format(layout)`, by the template layer's implementation of
/// Go's layouts (one implementation for `--date.format` and templates).
pub fn format(t: &DateTime, layout: &str) -> String {
    let time = Time {
        instant: t.instant,
        offset: t.offset,
    };
    tocsin_notify::template::format_go_time(&time, layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::go_oracle;

    const GO_PARSE_AND_FORMAT: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 2)
		t, err := time.Parse(time.RFC3339, parts[0])
		if err != nil {
			fmt.Printf("E %s\n", err)
			continue
		}
		fmt.Printf("T %d %d|%s\n", t.Unix(), t.Nanosecond(), t.Format(parts[1]))
	}
}
"#;

    /// Layouts exercising every chunk; none prints a zone name, which
    /// depends on the local zone of the machine running the oracle.
    const LAYOUTS: [&str; 8] = [
        "2006-01-02 15:04:05",
        "Mon Jan _2 3:4:5 PM 06 -0700 Z07:00",
        "Monday January 2 __2 002 03:04:05.000 pm -07:00:00 Z070000",
        ".999999999 ,000 .9 -07 Z07 Z07:00:00 January2006 _2006",
        "Janet Month Mond 1 01 2 02 15 3 03 4 04 5 05",
        "2006-01-02T15:04:05.999999999Z07:00",
        "Jan 2, 2006 at 3:04pm (-0700)",
        "Jan. plain text 2 and 2006 with 5 and .0 .00",
    ];

    const INPUTS: [&str; 24] = [
        "2024-02-29T23:59:59Z",
        "2020-01-01T00:00:00+02:00",
        "2020-06-15T12:30:45.123456789-07:30",
        "2020-06-15T12:30:45,5Z",
        "2020-06-15T12:30:45.12345678912Z",
        "1999-12-31T01:02:03+24:00",
        "2023-02-29T00:00:00Z",
        "2020-13-01T00:00:00Z",
        "2020-00-01T00:00:00Z",
        "2020-01-01T24:00:00Z",
        "2020-01-01T23:60:00Z",
        "2020-01-01T23:59:60Z",
        "2020-01-01T5:04:05Z",
        "2020-01-01T05:04:05",
        "2020-01-01T05:04:05Zjunk",
        "2020-01-01 05:04:05Z",
        "bad",
        "",
        "20x0-01-01T00:00:00Z",
        "2020-1-01T00:00:00Z",
        "2020-01-01T00:00:00+0200",
        "2020-01-01T00:00:00*02:00",
        "2020-01-01T00:00:00.Z",
        "ünïcode\"quote\\",
    ];

    #[test]
    fn parse_and_format_match_go() {
        let mut input = String::new();
        let mut cases = Vec::new();
        for (i, value) in INPUTS.iter().enumerate() {
            let layout = LAYOUTS[i % LAYOUTS.len()];
            input.push_str(&format!("{value}\t{layout}\n"));
            cases.push((value, layout));
        }
        let Some(output) = go_oracle::run(GO_PARSE_AND_FORMAT, &input) else {
            return;
        };
        for ((value, layout), line) in cases.into_iter().zip(output.lines()) {
            let ours = match parse_rfc3339(value) {
                Err(e) => format!("E {e}"),
                Ok(t) => format!(
                    "T {} {}|{}",
                    t.instant.as_second(),
                    t.instant.subsec_nanosecond(),
                    format(&t, layout)
                ),
            };
            assert_eq!(ours, line, "input {value:?} layout {layout:?}");
        }
    }

    #[test]
    fn every_layout_formats_like_go_for_several_instants() {
        let instants = [
            "2024-02-29T23:59:59.000000001Z",
            "2001-09-09T01:46:40.5+05:45",
            "1970-01-01T12:00:00-11:00",
            "2038-01-19T03:14:07.999Z",
        ];
        let mut input = String::new();
        let mut cases = Vec::new();
        for value in instants {
            for layout in LAYOUTS {
                input.push_str(&format!("{value}\t{layout}\n"));
                cases.push((value, layout));
            }
        }
        let Some(output) = go_oracle::run(GO_PARSE_AND_FORMAT, &input) else {
            return;
        };
        for ((value, layout), line) in cases.into_iter().zip(output.lines()) {
            let t = parse_rfc3339(value).expect("valid test instant");
            let ours = format!(
                "T {} {}|{}",
                t.instant.as_second(),
                t.instant.subsec_nanosecond(),
                format(&t, layout)
            );
            assert_eq!(ours, line, "input {value:?} layout {layout:?}");
        }
    }

    /// Go 1.20 added range checks on zone offsets (amtool 0.34 is built
    /// with Go 1.25; the local oracle, Go 1.19, still accepts these). The
    /// texts follow Go's `time/format.go`.
    #[test]
    fn zone_offsets_out_of_range_are_refused_as_in_current_go() {
        assert_eq!(
            parse_rfc3339("2020-01-01T00:00:00+25:00").unwrap_err(),
            "parsing time \"2020-01-01T00:00:00+25:00\": time zone offset hour out of range"
        );
        assert_eq!(
            parse_rfc3339("2020-01-01T00:00:00+02:61").unwrap_err(),
            "parsing time \"2020-01-01T00:00:00+02:61\": time zone offset minute out of range"
        );
        assert!(parse_rfc3339("2020-01-01T00:00:00+24:00").is_ok());
    }

    #[test]
    fn default_date_format_names_utc_and_unknown_offsets() {
        let utc = parse_rfc3339("2026-11-21T05:24:23Z").expect("valid");
        assert_eq!(
            format(&utc, "2006-01-02 15:04:05 MST"),
            "2026-11-21 05:24:23 UTC"
        );
        // An offset of no local zone (the oracle run above cannot check
        // MST: it depends on the local zone) prints as a numeric offset,
        // as amtool printed `+0200` against Alertmanager 0.25.
        let odd = parse_rfc3339("2020-01-01T00:00:00+13:17").expect("valid");
        assert_eq!(
            format(&odd, "2006-01-02 15:04:05 MST"),
            "2020-01-01 00:00:00 +1317"
        );
    }
}
