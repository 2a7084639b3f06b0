//! Go's `time.ParseInLocation(layout, value, time.UTC)` for `toDate` and
//! `mustToDate`: the value is matched element by element against the
//! layout (see [`super::layout`]) with Go's leniencies (one- or two-digit
//! numbers where Go allows them, case-insensitive names, fractional seconds
//! after seconds) and Go's error messages (`parsing time "x" as "2006":
//! cannot parse "x" as "2006"`, `…: month out of range`, `…: extra text`).

use std::sync::Arc;

use jiff::civil::{Date, DateTime, Time as CivilTime};
use jiff::tz::Offset;

use super::gotime::{GoTime, Location};
use super::layout::{Element, LONG_DAYS, LONG_MONTHS, next_chunk};

/// Go's `time.quote`: double quotes, with `"` and `\` escaped and bytes of
/// non-ASCII or control characters as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
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

/// The failure of one parse, rendered as Go's `ParseError`.
struct ParseFailure {
    layout_elem: String,
    value_elem: String,
    message: Option<String>,
}

fn render_error(layout: &str, value: &str, failure: ParseFailure) -> String {
    match failure.message {
        Some(message) => format!("parsing time {}{message}", quote(value)),
        None => format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(&failure.value_elem),
            quote(&failure.layout_elem)
        ),
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(s[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

/// Go's `getnum3`: up to three digits (exactly three when `fixed`).
fn getnum3(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(s[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

/// Go's `atoi`: an optional sign and digits, nothing else.
fn atoi(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: i64 = 0;
    for d in digits {
        n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    Some(if negative { -n } else { n })
}

/// Go's `lookup`: the first name that is an ASCII-case-insensitive prefix.
fn lookup<'v>(names: &[&str], value: &'v [u8]) -> Option<(usize, &'v [u8])> {
    names.iter().enumerate().find_map(|(i, name)| {
        let n = name.len();
        let candidate = value.get(..n)?;
        candidate
            .eq_ignore_ascii_case(name.as_bytes())
            .then(|| (i, &value[n..]))
    })
}

/// Go's `skip`: the literal layout text, where a space matches any run of
/// spaces (including none when the value has no space there).
fn skip<'v>(mut value: &'v [u8], prefix: &str) -> Result<&'v [u8], &'v [u8]> {
    let mut prefix = prefix.as_bytes();
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&v| v != b' ') {
                return Err(value);
            }
            prefix = trim_spaces(prefix);
            value = trim_spaces(value);
            continue;
        }
        if value.first() != Some(&p) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

fn trim_spaces(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b' ').count();
    &s[n..]
}

/// Go's `parseNanoseconds`: `value` starts with `.` or `,`; `nbytes`
/// includes it.
fn parse_nanoseconds(value: &[u8], nbytes: usize) -> Result<i64, ()> {
    if !matches!(value.first(), Some(b'.' | b',')) {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let digits = value.get(1..nbytes).ok_or(())?;
    let mut ns = atoi(digits).ok_or(())?;
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Ok(ns)
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of
/// `value`.
fn parse_time_zone(value: &[u8]) -> Option<usize> {
    if value.len() < 3 {
        return None;
    }
    if value.starts_with(b"ChST") || value.starts_with(b"MeST") {
        return Some(4);
    }
    if value.starts_with(b"GMT") {
        let rest = &value[3..];
        return Some(if rest.is_empty() {
            3
        } else {
            3 + parse_signed_offset(rest)
        });
    }
    if value[0] == b'+' || value[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let upper = value
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        3 => Some(3),
        4 if value[3] == b'T' || value.starts_with(b"WITA") => Some(4),
        5 if value[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `parseSignedOffset`: `+N`/`-N` hours, at most 23.
fn parse_signed_offset(value: &[u8]) -> usize {
    let Some(&sign) = value.first() else {
        return 0;
    };
    if sign != b'+' && sign != b'-' {
        return 0;
    }
    let digits = value[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return 0;
    }
    let Some(x) = atoi(&value[1..=digits]) else {
        return 0;
    };
    if x > 23 {
        return 0;
    }
    1 + digits
}

/// What the elements of the layout set.
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    year_day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanosecond: i64,
    am: bool,
    pm: bool,
    utc: bool,
    zone_offset: Option<i64>,
    zone_name: String,
}

/// Parses `value` with Go layout `layout`, in UTC unless the value names
/// a zone, returning Go's error text on failure.
pub(super) fn parse_in_utc(layout: &str, value: &str) -> Result<GoTime, String> {
    parse_fields(layout, value)
        .and_then(build)
        .map_err(|failure| render_error(layout, value, failure))
}

fn parse_fields(layout_text: &str, value_text: &str) -> Result<Fields, ParseFailure> {
    let mut f = Fields {
        year: 0,
        month: -1,
        day: -1,
        year_day: -1,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        am: false,
        pm: false,
        utc: false,
        zone_offset: None,
        zone_name: String::new(),
    };
    let mut layout = layout_text;
    let mut value = value_text.as_bytes();
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    loop {
        let chunk = next_chunk(layout);
        let element_text = &layout[chunk.prefix.len()..layout.len() - chunk.suffix.len()];
        value = skip(value, chunk.prefix).map_err(|rest| ParseFailure {
            layout_elem: chunk.prefix.to_owned(),
            value_elem: lossy(rest),
            message: None,
        })?;
        let Some(element) = chunk.element else {
            if !value.is_empty() {
                return Err(ParseFailure {
                    layout_elem: String::new(),
                    value_elem: String::new(),
                    message: Some(format!(": extra text: {}", quote(&lossy(value)))),
                });
            }
            return Ok(f);
        };
        layout = chunk.suffix;
        let hold = value;
        let mut range_error: Option<&str> = None;
        let step = parse_element(element, value, layout, &mut f, &mut range_error);
        if let Some(what) = range_error {
            let rest = step.map_or(hold, |rest| rest);
            return Err(ParseFailure {
                layout_elem: element_text.to_owned(),
                value_elem: lossy(rest),
                message: Some(format!(": {what} out of range")),
            });
        }
        value = step.ok_or_else(|| ParseFailure {
            layout_elem: element_text.to_owned(),
            value_elem: lossy(hold),
            message: None,
        })?;
    }
}

/// Parses one element at the start of `value`; returns the rest, or `None`
/// for "cannot parse". `layout_rest` is the layout after the element.
fn parse_element<'v>(
    element: Element,
    value: &'v [u8],
    layout_rest: &str,
    f: &mut Fields,
    range_error: &mut Option<&'static str>,
) -> Option<&'v [u8]> {
    match element {
        Element::Year => {
            let digits = value.get(..2)?;
            let year = atoi(digits)?;
            f.year = if year >= 69 { year + 1900 } else { year + 2000 };
            Some(&value[2..])
        }
        Element::LongYear => {
            if value.len() < 4 || !is_digit(value, 0) {
                return None;
            }
            f.year = atoi(&value[..4])?;
            Some(&value[4..])
        }
        Element::Month => {
            let short: Vec<&str> = LONG_MONTHS.iter().map(|m| &m[..3]).collect();
            let (i, rest) = lookup(&short, value)?;
            f.month = i as i64 + 1;
            Some(rest)
        }
        Element::LongMonth => {
            let (i, rest) = lookup(&LONG_MONTHS, value)?;
            f.month = i as i64 + 1;
            Some(rest)
        }
        Element::NumMonth | Element::ZeroMonth => {
            let (month, rest) = getnum(value, element == Element::ZeroMonth)?;
            f.month = month;
            if !(1..=12).contains(&month) {
                *range_error = Some("month");
            }
            Some(rest)
        }
        Element::WeekDay => {
            let short: Vec<&str> = LONG_DAYS.iter().map(|d| &d[..3]).collect();
            lookup(&short, value).map(|(_, rest)| rest)
        }
        Element::LongWeekDay => lookup(&LONG_DAYS, value).map(|(_, rest)| rest),
        Element::Day | Element::UnderDay | Element::ZeroDay => {
            let value = if element == Element::UnderDay && value.first() == Some(&b' ') {
                &value[1..]
            } else {
                value
            };
            let (day, rest) = getnum(value, element == Element::ZeroDay)?;
            f.day = day;
            Some(rest)
        }
        Element::UnderYearDay | Element::ZeroYearDay => {
            let mut value = value;
            for _ in 0..2 {
                if element == Element::UnderYearDay && value.first() == Some(&b' ') {
                    value = &value[1..];
                }
            }
            let (year_day, rest) = getnum3(value, element == Element::ZeroYearDay)?;
            f.year_day = year_day;
            Some(rest)
        }
        Element::Hour => {
            let (hour, rest) = getnum(value, false)?;
            f.hour = hour;
            if !(0..24).contains(&hour) {
                *range_error = Some("hour");
            }
            Some(rest)
        }
        Element::Hour12 | Element::ZeroHour12 => {
            let (hour, rest) = getnum(value, element == Element::ZeroHour12)?;
            f.hour = hour;
            if !(0..=12).contains(&hour) {
                *range_error = Some("hour");
            }
            Some(rest)
        }
        Element::Minute | Element::ZeroMinute => {
            let (minute, rest) = getnum(value, element == Element::ZeroMinute)?;
            f.minute = minute;
            if !(0..60).contains(&minute) {
                *range_error = Some("minute");
            }
            Some(rest)
        }
        Element::Second | Element::ZeroSecond => {
            let (second, mut rest) = getnum(value, element == Element::ZeroSecond)?;
            f.second = second;
            if !(0..60).contains(&second) {
                *range_error = Some("second");
                return Some(rest);
            }
            // A fraction in the value but not in the layout is accepted.
            if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && is_digit(rest, 1) {
                let next = next_chunk(layout_rest).element;
                if !matches!(next, Some(Element::Fraction { .. })) {
                    let mut n = 2;
                    while is_digit(rest, n) {
                        n += 1;
                    }
                    f.nanosecond = parse_nanoseconds(rest, n).ok()?;
                    rest = &rest[n..];
                }
            }
            Some(rest)
        }
        Element::Pm | Element::LowerPm => {
            let (am, pm): (&[u8], &[u8]) = if element == Element::Pm {
                (b"AM", b"PM")
            } else {
                (b"am", b"pm")
            };
            let p = value.get(..2)?;
            if p == pm {
                f.pm = true;
            } else if p == am {
                f.am = true;
            } else {
                return None;
            }
            Some(&value[2..])
        }
        Element::Iso8601Tz
        | Element::Iso8601ColonTz
        | Element::Iso8601SecondsTz
        | Element::Iso8601ShortTz
        | Element::Iso8601ColonSecondsTz
        | Element::NumTz
        | Element::NumShortTz
        | Element::NumColonTz
        | Element::NumSecondsTz
        | Element::NumColonSecondsTz => parse_offset(element, value, f),
        Element::Tz => {
            if value.starts_with(b"UTC") {
                f.utc = true;
                return Some(&value[3..]);
            }
            let n = parse_time_zone(value)?;
            f.zone_name = String::from_utf8_lossy(&value[..n]).into_owned();
            Some(&value[n..])
        }
        Element::Fraction { digits, trim, .. } => {
            if !trim {
                let n = 1 + digits;
                if value.len() < n {
                    return None;
                }
                f.nanosecond = parse_nanoseconds(value, n).ok()?;
                return Some(&value[n..]);
            }
            if value.len() < 2 || !matches!(value[0], b'.' | b',') || !is_digit(value, 1) {
                return Some(value);
            }
            let mut i = 0;
            while i < 9 && is_digit(value, i + 1) {
                i += 1;
            }
            f.nanosecond = parse_nanoseconds(value, 1 + i).ok()?;
            Some(&value[1 + i..])
        }
    }
}

fn parse_offset<'v>(element: Element, value: &'v [u8], f: &mut Fields) -> Option<&'v [u8]> {
    use Element::*;
    if matches!(element, Iso8601Tz | Iso8601ShortTz | Iso8601ColonTz)
        && value.first() == Some(&b'Z')
    {
        f.utc = true;
        return Some(&value[1..]);
    }
    let (sign, hour, minute, second, rest): (u8, &[u8], &[u8], &[u8], &[u8]) = match element {
        Iso8601ColonTz | NumColonTz => {
            if value.len() < 6 || value[3] != b':' {
                return None;
            }
            (value[0], &value[1..3], &value[4..6], b"00", &value[6..])
        }
        NumShortTz | Iso8601ShortTz => {
            if value.len() < 3 {
                return None;
            }
            (value[0], &value[1..3], b"00", b"00", &value[3..])
        }
        Iso8601ColonSecondsTz | NumColonSecondsTz => {
            if value.len() < 9 || value[3] != b':' || value[6] != b':' {
                return None;
            }
            (
                value[0],
                &value[1..3],
                &value[4..6],
                &value[7..9],
                &value[9..],
            )
        }
        Iso8601SecondsTz | NumSecondsTz => {
            if value.len() < 7 {
                return None;
            }
            (
                value[0],
                &value[1..3],
                &value[3..5],
                &value[5..7],
                &value[7..],
            )
        }
        _ => {
            if value.len() < 5 {
                return None;
            }
            (value[0], &value[1..3], &value[3..5], b"00", &value[5..])
        }
    };
    let (h, _) = getnum(hour, true)?;
    let (m, _) = getnum(minute, true)?;
    let (s, _) = getnum(second, true)?;
    let magnitude = (h * 60 + m) * 60 + s;
    f.zone_offset = Some(match sign {
        b'+' => magnitude,
        b'-' => -magnitude,
        _ => return None,
    });
    Some(rest)
}

/// Days in `month` of `year` (proleptic Gregorian).
fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap(year: i64) -> bool {
    days_in(2, year) == 29
}

/// Days before the first of each month in a common year.
const DAYS_BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

fn build(mut f: Fields) -> Result<GoTime, ParseFailure> {
    let fail = |message: &str| ParseFailure {
        layout_elem: String::new(),
        value_elem: String::new(),
        message: Some(format!(": {message}")),
    };
    if f.pm && f.hour < 12 {
        f.hour += 12;
    } else if f.am && f.hour == 12 {
        f.hour = 0;
    }
    if f.year_day >= 0 {
        let mut year_day = f.year_day;
        let mut day = 0;
        let mut month = 0;
        if is_leap(f.year) {
            if year_day == 31 + 29 {
                month = 2;
                day = 29;
            } else if year_day > 31 + 29 {
                year_day -= 1;
            }
        }
        if !(1..=365).contains(&year_day) {
            return Err(fail("day-of-year out of range"));
        }
        if month == 0 {
            month = (year_day - 1) / 31 + 1;
            if DAYS_BEFORE[usize::try_from(month).unwrap_or(0)] < year_day {
                month += 1;
            }
            day = year_day - DAYS_BEFORE[usize::try_from(month - 1).unwrap_or(0)];
        }
        if f.month >= 0 && f.month != month {
            return Err(fail("day-of-year does not match month"));
        }
        f.month = month;
        if f.day >= 0 && f.day != day {
            return Err(fail("day-of-year does not match day"));
        }
        f.day = day;
    } else {
        if f.month < 0 {
            f.month = 1;
        }
        if f.day < 0 {
            f.day = 1;
        }
    }
    if f.day < 1 || f.day > days_in(f.month, f.year) {
        return Err(fail("day out of range"));
    }
    let out_of_range = || fail("year out of range");
    let civil = DateTime::from_parts(
        Date::new(
            i16::try_from(f.year).map_err(|_| out_of_range())?,
            i8::try_from(f.month).map_err(|_| out_of_range())?,
            i8::try_from(f.day).map_err(|_| out_of_range())?,
        )
        .map_err(|_| out_of_range())?,
        CivilTime::new(
            i8::try_from(f.hour).map_err(|_| out_of_range())?,
            i8::try_from(f.minute).map_err(|_| out_of_range())?,
            i8::try_from(f.second).map_err(|_| out_of_range())?,
            i32::try_from(f.nanosecond).map_err(|_| out_of_range())?,
        )
        .map_err(|_| out_of_range())?,
    );
    let as_utc = Offset::UTC
        .to_timestamp(civil)
        .map_err(|_| out_of_range())?;
    if f.utc {
        return Ok(GoTime::utc(as_utc));
    }
    if let Some(offset) = f.zone_offset {
        let instant = as_utc
            .checked_sub(jiff::SignedDuration::from_secs(offset))
            .map_err(|_| out_of_range())?;
        // In UTC as the default location: offset 0 (named UTC or unnamed)
        // is UTC itself, anything else a fixed zone.
        if offset == 0 && (f.zone_name.is_empty() || f.zone_name == "UTC") {
            return Ok(GoTime::utc(instant));
        }
        let seconds = i32::try_from(offset).map_err(|_| out_of_range())?;
        return Ok(GoTime {
            instant,
            location: Location::Fixed(Arc::from(f.zone_name.as_str()), seconds),
            monotonic: None,
        });
    }
    if !f.zone_name.is_empty() {
        // An abbreviation other than UTC is unknown to the UTC location:
        // the wall time is kept as UTC and shown with that name (and the
        // hours of `GMT+N`).
        let offset = f
            .zone_name
            .strip_prefix("GMT")
            .filter(|rest| !rest.is_empty())
            .and_then(|rest| atoi(rest.as_bytes()))
            .map_or(0, |hours| hours * 3600);
        return Ok(GoTime {
            instant: as_utc,
            location: Location::Fixed(
                Arc::from(f.zone_name.as_str()),
                i32::try_from(offset).unwrap_or(0),
            ),
            monotonic: None,
        });
    }
    Ok(GoTime::utc(as_utc))
}
