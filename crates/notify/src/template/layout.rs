//! Go's reference-time layouts (`2006-01-02 15:04:05.999999999 -0700 MST`):
//! splitting a layout into its elements the way Go's `time` package does,
//! and formatting a broken-down time with them. Parsing with a layout lives
//! in [`super::layout_parse`]; the time value itself in [`super::gotime`].

use std::fmt::Write as _;

/// One element of a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Element {
    LongMonth,             // January
    Month,                 // Jan
    NumMonth,              // 1
    ZeroMonth,             // 01
    LongWeekDay,           // Monday
    WeekDay,               // Mon
    Day,                   // 2
    UnderDay,              // _2
    ZeroDay,               // 02
    UnderYearDay,          // __2
    ZeroYearDay,           // 002
    Hour,                  // 15
    Hour12,                // 3
    ZeroHour12,            // 03
    Minute,                // 4
    ZeroMinute,            // 04
    Second,                // 5
    ZeroSecond,            // 05
    LongYear,              // 2006
    Year,                  // 06
    Pm,                    // PM
    LowerPm,               // pm
    Tz,                    // MST
    Iso8601Tz,             // Z0700
    Iso8601SecondsTz,      // Z070000
    Iso8601ShortTz,        // Z07
    Iso8601ColonTz,        // Z07:00
    Iso8601ColonSecondsTz, // Z07:00:00
    NumTz,                 // -0700
    NumSecondsTz,          // -070000
    NumShortTz,            // -07
    NumColonTz,            // -07:00
    NumColonSecondsTz,     // -07:00:00
    /// `.000` / `,000` (`trim == false`) or `.999` (`trim == true`) with
    /// `digits` digits.
    Fraction {
        digits: usize,
        trim: bool,
        separator: char,
    },
}

/// A layout split at its first element: the literal text before it, the
/// element, and the rest of the layout.
pub(super) struct Chunk<'a> {
    pub prefix: &'a str,
    pub element: Option<Element>,
    pub suffix: &'a str,
}

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`.
pub(super) fn next_chunk(layout: &str) -> Chunk<'_> {
    let b = layout.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let has = |i: usize, s: &str| b.get(i..i + s.len()) == Some(s.as_bytes());
    for j in 0..b.len() {
        let found: Option<(Element, usize)> = match b[j] {
            b'J' if has(j, "Jan") => {
                if has(j, "January") {
                    Some((Element::LongMonth, 7))
                } else if !starts_with_lower(&b[j + 3..]) {
                    Some((Element::Month, 3))
                } else {
                    None
                }
            }
            b'M' if has(j, "Mon") => {
                if has(j, "Monday") {
                    Some((Element::LongWeekDay, 6))
                } else if !starts_with_lower(&b[j + 3..]) {
                    Some((Element::WeekDay, 3))
                } else {
                    None
                }
            }
            b'M' if has(j, "MST") => Some((Element::Tz, 3)),
            b'0' => match at(j + 1) {
                Some(c @ b'1'..=b'6') => Some((
                    [
                        Element::ZeroMonth,
                        Element::ZeroDay,
                        Element::ZeroHour12,
                        Element::ZeroMinute,
                        Element::ZeroSecond,
                        Element::Year,
                    ][usize::from(c - b'1')],
                    2,
                )),
                Some(b'0') if at(j + 2) == Some(b'2') => Some((Element::ZeroYearDay, 3)),
                _ => None,
            },
            b'1' => {
                if at(j + 1) == Some(b'5') {
                    Some((Element::Hour, 2))
                } else {
                    Some((Element::NumMonth, 1))
                }
            }
            b'2' => {
                if has(j, "2006") {
                    Some((Element::LongYear, 4))
                } else {
                    Some((Element::Day, 1))
                }
            }
            b'_' => {
                if at(j + 1) == Some(b'2') {
                    if has(j + 1, "2006") {
                        // `_2006` is a literal `_` followed by the year.
                        return Chunk {
                            prefix: &layout[..j + 1],
                            element: Some(Element::LongYear),
                            suffix: &layout[j + 5..],
                        };
                    }
                    Some((Element::UnderDay, 2))
                } else if at(j + 1) == Some(b'_') && at(j + 2) == Some(b'2') {
                    Some((Element::UnderYearDay, 3))
                } else {
                    None
                }
            }
            b'3' => Some((Element::Hour12, 1)),
            b'4' => Some((Element::Minute, 1)),
            b'5' => Some((Element::Second, 1)),
            b'P' if at(j + 1) == Some(b'M') => Some((Element::Pm, 2)),
            b'p' if at(j + 1) == Some(b'm') => Some((Element::LowerPm, 2)),
            b'-' => {
                if has(j, "-070000") {
                    Some((Element::NumSecondsTz, 7))
                } else if has(j, "-07:00:00") {
                    Some((Element::NumColonSecondsTz, 9))
                } else if has(j, "-0700") {
                    Some((Element::NumTz, 5))
                } else if has(j, "-07:00") {
                    Some((Element::NumColonTz, 6))
                } else if has(j, "-07") {
                    Some((Element::NumShortTz, 3))
                } else {
                    None
                }
            }
            b'Z' => {
                if has(j, "Z070000") {
                    Some((Element::Iso8601SecondsTz, 7))
                } else if has(j, "Z07:00:00") {
                    Some((Element::Iso8601ColonSecondsTz, 9))
                } else if has(j, "Z0700") {
                    Some((Element::Iso8601Tz, 5))
                } else if has(j, "Z07:00") {
                    Some((Element::Iso8601ColonTz, 6))
                } else if has(j, "Z07") {
                    Some((Element::Iso8601ShortTz, 3))
                } else {
                    None
                }
            }
            c @ (b'.' | b',') => match at(j + 1) {
                Some(d @ (b'0' | b'9')) => {
                    let mut k = j + 1;
                    while at(k) == Some(d) {
                        k += 1;
                    }
                    if at(k).is_some_and(|c| c.is_ascii_digit()) {
                        None
                    } else {
                        return Chunk {
                            prefix: &layout[..j],
                            element: Some(Element::Fraction {
                                digits: k - (j + 1),
                                trim: d == b'9',
                                separator: char::from(c),
                            }),
                            suffix: &layout[k..],
                        };
                    }
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((element, len)) = found {
            return Chunk {
                prefix: &layout[..j],
                element: Some(element),
                suffix: &layout[j + len..],
            };
        }
    }
    Chunk {
        prefix: layout,
        element: None,
        suffix: "",
    }
}

pub(super) const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A time broken down in its zone, everything [`format`] needs.
pub(super) struct Civil<'a> {
    pub year: i64,
    /// 1..=12
    pub month: usize,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub nanosecond: i64,
    /// 0 = Sunday
    pub weekday: usize,
    /// 1..=366
    pub year_day: i64,
    /// Zone abbreviation (may be empty).
    pub zone_name: &'a str,
    /// Offset east of UTC in seconds.
    pub offset: i64,
}

fn pad(out: &mut String, value: i64, width: usize) {
    if value < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:0width$}", value.unsigned_abs());
}

/// Go's `Time.Format` over a broken-down time.
pub(super) fn format(civil: &Civil<'_>, layout: &str) -> String {
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    while !rest.is_empty() {
        let chunk = next_chunk(rest);
        out.push_str(chunk.prefix);
        let Some(element) = chunk.element else {
            break;
        };
        rest = chunk.suffix;
        format_element(&mut out, civil, element);
    }
    out
}

fn month_name(civil: &Civil<'_>) -> &'static str {
    LONG_MONTHS
        .get(civil.month.wrapping_sub(1))
        .copied()
        .unwrap_or("%!Month")
}

fn format_element(out: &mut String, c: &Civil<'_>, element: Element) {
    match element {
        Element::Year => pad(out, c.year.abs() % 100, 2),
        Element::LongYear => pad(out, c.year, 4),
        Element::Month => out.push_str(&month_name(c)[..3]),
        Element::LongMonth => out.push_str(month_name(c)),
        Element::NumMonth => pad(out, c.month as i64, 0),
        Element::ZeroMonth => pad(out, c.month as i64, 2),
        Element::WeekDay => out.push_str(&LONG_DAYS[c.weekday % 7][..3]),
        Element::LongWeekDay => out.push_str(LONG_DAYS[c.weekday % 7]),
        Element::Day => pad(out, c.day, 0),
        Element::UnderDay => {
            if c.day < 10 {
                out.push(' ');
            }
            pad(out, c.day, 0);
        }
        Element::ZeroDay => pad(out, c.day, 2),
        Element::UnderYearDay => {
            if c.year_day < 100 {
                out.push(' ');
                if c.year_day < 10 {
                    out.push(' ');
                }
            }
            pad(out, c.year_day, 0);
        }
        Element::ZeroYearDay => pad(out, c.year_day, 3),
        Element::Hour => pad(out, c.hour, 2),
        Element::Hour12 | Element::ZeroHour12 => {
            let mut hour = c.hour % 12;
            if hour == 0 {
                hour = 12;
            }
            pad(out, hour, if element == Element::Hour12 { 0 } else { 2 });
        }
        Element::Minute => pad(out, c.minute, 0),
        Element::ZeroMinute => pad(out, c.minute, 2),
        Element::Second => pad(out, c.second, 0),
        Element::ZeroSecond => pad(out, c.second, 2),
        Element::Pm => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
        Element::LowerPm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
        Element::Iso8601Tz
        | Element::Iso8601SecondsTz
        | Element::Iso8601ShortTz
        | Element::Iso8601ColonTz
        | Element::Iso8601ColonSecondsTz
        | Element::NumTz
        | Element::NumSecondsTz
        | Element::NumShortTz
        | Element::NumColonTz
        | Element::NumColonSecondsTz => format_offset(out, c.offset, element),
        Element::Tz => {
            if c.zone_name.is_empty() {
                let minutes = c.offset / 60;
                out.push(if minutes < 0 { '-' } else { '+' });
                pad(out, minutes.abs() / 60, 2);
                pad(out, minutes.abs() % 60, 2);
            } else {
                out.push_str(c.zone_name);
            }
        }
        Element::Fraction {
            digits,
            trim,
            separator,
        } => format_fraction(out, c.nanosecond, digits, trim, separator),
    }
}

fn format_offset(out: &mut String, offset: i64, element: Element) {
    use Element::*;
    let iso = matches!(
        element,
        Iso8601Tz | Iso8601SecondsTz | Iso8601ShortTz | Iso8601ColonTz | Iso8601ColonSecondsTz
    );
    if iso && offset == 0 {
        out.push('Z');
        return;
    }
    let minutes = offset / 60;
    out.push(if minutes < 0 { '-' } else { '+' });
    let minutes = minutes.abs();
    let seconds = offset.abs();
    pad(out, minutes / 60, 2);
    let colon = matches!(
        element,
        Iso8601ColonTz | NumColonTz | Iso8601ColonSecondsTz | NumColonSecondsTz
    );
    if colon {
        out.push(':');
    }
    if !matches!(element, NumShortTz | Iso8601ShortTz) {
        pad(out, minutes % 60, 2);
    }
    if matches!(
        element,
        Iso8601SecondsTz | NumSecondsTz | NumColonSecondsTz | Iso8601ColonSecondsTz
    ) {
        if colon {
            out.push(':');
        }
        pad(out, seconds % 60, 2);
    }
}

fn format_fraction(out: &mut String, nanos: i64, digits: usize, trim: bool, separator: char) {
    let all = format!("{:09}", nanos.unsigned_abs());
    if trim {
        let kept = &all[..digits.min(9)];
        let kept = kept.trim_end_matches('0');
        if !kept.is_empty() {
            out.push(separator);
            out.push_str(kept);
        }
    } else {
        out.push(separator);
        out.push_str(&all[..digits.min(9)]);
    }
}
