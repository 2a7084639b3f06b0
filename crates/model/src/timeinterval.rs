//! Time intervals (`time_intervals:` in alertmanager.yml): parsing of times,
//! weekdays, days of month, months, years and location from the strings
//! the YAML uses, and the question "does this instant fall inside the
//! interval?".
//!
//! Parsing and evaluation follow upstream's `timeinterval/timeinterval.go`,
//! including its error messages. Reading the YAML structure itself (field
//! names, lists) is the configuration loader's job; it hands each string
//! to the constructors here.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::goquote::go_quote;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct TimeIntervalError {
    /// Upstream's message, e.g. `start time cannot be equal or greater than end time`.
    pub message: String,
}

fn err<T>(message: impl Into<String>) -> Result<T, TimeIntervalError> {
    Err(TimeIntervalError {
        message: message.into(),
    })
}

/// One element of a named interval's `time_intervals` list. An instant is
/// inside when every present field matches (any range of a field may
/// match).
///
/// `None` means the field is absent (or `null`) and imposes nothing.
/// `Some(vec![])` is an explicit empty list, which upstream treats as a
/// field no instant can match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeInterval {
    pub times: Option<Vec<TimeRange>>,
    pub weekdays: Option<Vec<WeekdayRange>>,
    pub days_of_month: Option<Vec<DayOfMonthRange>>,
    pub months: Option<Vec<MonthRange>>,
    pub years: Option<Vec<YearRange>>,
    /// Where the calendar fields are evaluated; UTC when absent.
    pub location: Option<Location>,
}

/// `[start_minute, end_minute)` within a day of 1440 minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub start_minute: u32,
    pub end_minute: u32,
}

/// An inclusive range of integers (`begin:end`, or one value for both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InclusiveRange {
    pub begin: i64,
    pub end: i64,
}

/// Weekdays, 0 = Sunday … 6 = Saturday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WeekdayRange(pub InclusiveRange);

/// Days of the month; negative values count from the month's end (-1 = last day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DayOfMonthRange(pub InclusiveRange);

/// Months, 1 = January.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MonthRange(pub InclusiveRange);

/// Calendar years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct YearRange(pub InclusiveRange);

/// A time zone loaded by name, remembering the name it was given.
#[derive(Clone, Debug)]
pub struct Location {
    name: String,
    time_zone: TimeZone,
}

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Go's `strconv.Atoi`, with its error messages.
fn atoi(s: &str) -> Result<i64, TimeIntervalError> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>().or_else(|_| {
        err(format!(
            "strconv.Atoi: parsing {}: value out of range",
            go_quote(s)
        ))
    })
}

/// Upstream's `stringableRangeFromString`: lower-cases the input, then reads
/// `member` or `member:member`.
fn parse_range(
    input: &str,
    member: impl Fn(&str) -> Result<i64, TimeIntervalError>,
) -> Result<InclusiveRange, TimeIntervalError> {
    let lowered = input.to_lowercase();
    if lowered.contains(':') {
        let parts: Vec<&str> = lowered.split(':').collect();
        let [begin, end] = parts.as_slice() else {
            return err(format!("couldn't parse range {lowered}, invalid format"));
        };
        return Ok(InclusiveRange {
            begin: member(begin)?,
            end: member(end)?,
        });
    }
    let value = member(&lowered)?;
    Ok(InclusiveRange {
        begin: value,
        end: value,
    })
}

/// `HH:MM` (00:00 to 23:59) or `24:00`, as minutes since midnight.
fn parse_time(input: &str) -> Result<u32, TimeIntervalError> {
    let invalid = || err(format!("couldn't parse timestamp {input}, invalid format"));
    if input == "24:00" {
        return Ok(24 * 60);
    }
    let b = input.as_bytes();
    let valid = b.len() == 5
        && b[2] == b':'
        && ((matches!(b[0], b'0' | b'1') && b[1].is_ascii_digit())
            || (b[0] == b'2' && (b'0'..=b'3').contains(&b[1])))
        && (b'0'..=b'5').contains(&b[3])
        && b[4].is_ascii_digit();
    if !valid {
        return invalid();
    }
    let hours = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let minutes = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    Ok(hours * 60 + minutes)
}

impl TimeRange {
    /// From the `start_time` / `end_time` strings (`""` when a field is missing).
    pub fn parse(start_time: &str, end_time: &str) -> Result<Self, TimeIntervalError> {
        if start_time.is_empty() || end_time.is_empty() {
            return err("both start and end times must be provided");
        }
        let start_minute = parse_time(start_time)?;
        let end_minute = parse_time(end_time)?;
        if start_minute >= end_minute {
            return err("start time cannot be equal or greater than end time");
        }
        Ok(TimeRange {
            start_minute,
            end_minute,
        })
    }

    /// `HH:MM` of the start, as upstream marshals it.
    pub fn start_time(&self) -> String {
        format!(
            "{:02}:{:02}",
            self.start_minute / 60,
            self.start_minute % 60
        )
    }

    /// `HH:MM` of the end (`24:00` for the end of the day).
    pub fn end_time(&self) -> String {
        format!("{:02}:{:02}", self.end_minute / 60, self.end_minute % 60)
    }
}

impl WeekdayRange {
    /// `monday`, `monday:friday` (case-insensitive names only).
    pub fn parse(input: &str) -> Result<Self, TimeIntervalError> {
        let range = parse_range(input, |name| {
            match WEEKDAYS.iter().position(|d| *d == name) {
                Some(index) => Ok(index as i64),
                None => err(format!("{name} is not a valid weekday")),
            }
        })?;
        if range.begin > range.end {
            return err("start day cannot be before end day");
        }
        if !(0..=6).contains(&range.begin) || !(0..=6).contains(&range.end) {
            return err(format!(
                "{input} is not a valid day of the week: out of range"
            ));
        }
        Ok(WeekdayRange(range))
    }
}

impl DayOfMonthRange {
    /// `1`, `1:5`, `-3:-1`, `20:-1`; days 1..=31 or -31..=-1.
    pub fn parse(input: &str) -> Result<Self, TimeIntervalError> {
        let range = parse_range(input, atoi)?;
        for day in [range.begin, range.end] {
            if day == 0 || !(-31..=31).contains(&day) {
                return err(format!(
                    "{day} is not a valid day of the month: out of range"
                ));
            }
        }
        if range.begin < 0 && range.end > 0 {
            return err("end day must be negative if start day is negative");
        }
        // With negative days only blatant errors can be caught; assume a
        // 28-day month as upstream does.
        let comparable = |day: i64| if day < 0 { 28 + day } else { day };
        if comparable(range.begin) > comparable(range.end) {
            return err(format!(
                "end day {} is always before start day {}",
                range.end, range.begin
            ));
        }
        Ok(DayOfMonthRange(range))
    }
}

impl MonthRange {
    /// `may`, `may:august`, `1:3` (names are case-insensitive).
    pub fn parse(input: &str) -> Result<Self, TimeIntervalError> {
        let range = parse_range(input, |member| {
            match MONTHS.iter().position(|m| *m == member) {
                Some(index) => Ok(index as i64 + 1),
                None => atoi(member).or_else(|_| err(format!("{member} is not a valid month"))),
            }
        })?;
        if range.begin > range.end {
            let name = |n: i64| {
                usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| MONTHS.get(i))
                    .copied()
                    .unwrap_or("")
            };
            return err(format!(
                "end month {} is before start month {}",
                name(range.end),
                name(range.begin)
            ));
        }
        Ok(MonthRange(range))
    }
}

impl YearRange {
    /// `2020`, `2020:2022`.
    pub fn parse(input: &str) -> Result<Self, TimeIntervalError> {
        let range = parse_range(input, atoi)?;
        if range.begin > range.end {
            return err(format!(
                "end year {} is before start year {}",
                range.end, range.begin
            ));
        }
        Ok(YearRange(range))
    }
}

impl Location {
    /// Go's `time.LoadLocation`: `""` and `UTC` are UTC, `Local` is the
    /// system zone, anything else an IANA name, matched exactly.
    pub fn parse(name: &str) -> Result<Self, TimeIntervalError> {
        let time_zone = match name {
            "" | "UTC" => TimeZone::UTC,
            "Local" => TimeZone::system(),
            _ if name.contains("..") || name.starts_with(['/', '\\']) => {
                return err("time: invalid location name");
            }
            _ => match jiff::tz::db().get(name) {
                // The database lookup ignores case; Go's file lookup does not.
                Ok(tz) if tz.iana_name() == Some(name) => tz,
                _ => return err(format!("unknown time zone {name}")),
            },
        };
        let name = if name.is_empty() { "UTC" } else { name };
        Ok(Location {
            name: name.to_owned(),
            time_zone,
        })
    }

    /// The name as configured (Go's `Location.String()`: `""` reads `UTC`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }
}

impl PartialEq for Location {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Location {}

macro_rules! from_str_via_parse {
    ($($ty:ty),*) => {$(
        impl FromStr for $ty {
            type Err = TimeIntervalError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }
    )*};
}

from_str_via_parse!(
    WeekdayRange,
    DayOfMonthRange,
    MonthRange,
    YearRange,
    Location
);

impl fmt::Display for InclusiveRange {
    /// `begin:end`, or one number when both are equal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.begin == self.end {
            write!(f, "{}", self.begin)
        } else {
            write!(f, "{}:{}", self.begin, self.end)
        }
    }
}

impl fmt::Display for WeekdayRange {
    /// `monday:friday` or `saturday`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |n: i64| {
            usize::try_from(n)
                .ok()
                .and_then(|i| WEEKDAYS.get(i))
                .copied()
                .unwrap_or("?")
        };
        if self.0.begin == self.0.end {
            f.write_str(name(self.0.begin))
        } else {
            write!(f, "{}:{}", name(self.0.begin), name(self.0.end))
        }
    }
}

impl fmt::Display for DayOfMonthRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for MonthRange {
    /// Numbers, as upstream marshals months (`1:3`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Whether any range of a present field contains `value`; an absent field
/// imposes nothing.
fn field_matches<T>(ranges: &Option<Vec<T>>, contains: impl Fn(&T) -> bool) -> bool {
    ranges
        .as_ref()
        .is_none_or(|ranges| ranges.iter().any(contains))
}

impl TimeInterval {
    /// Upstream's `ContainsTime`: `at` is converted to the interval's
    /// location (UTC by default) and every present field must match.
    pub fn contains(&self, at: Timestamp) -> bool {
        let zone = self
            .location
            .as_ref()
            .map_or(TimeZone::UTC, |l| l.time_zone.clone());
        let local = at.to_zoned(zone);
        let minute_of_day =
            u32::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        let times_ok = field_matches(&self.times, |r| {
            minute_of_day >= r.start_minute && minute_of_day < r.end_minute
        });
        let day = i64::from(local.day());
        let days_in_month = i64::from(local.days_in_month());
        let days_ok = field_matches(&self.days_of_month, |r| {
            let from_end = |d: i64| if d < 0 { days_in_month + d + 1 } else { d };
            let begin = from_end(r.0.begin);
            if begin > days_in_month {
                return false;
            }
            let begin = begin.clamp(-days_in_month, days_in_month);
            let end = from_end(r.0.end).clamp(-days_in_month, days_in_month);
            day >= begin && day <= end
        });
        let in_range = |r: &InclusiveRange, v: i64| v >= r.begin && v <= r.end;
        let month = i64::from(local.month());
        let weekday = i64::from(local.weekday().to_sunday_zero_offset());
        let year = i64::from(local.year());
        times_ok
            && days_ok
            && field_matches(&self.months, |r| in_range(&r.0, month))
            && field_matches(&self.weekdays, |r| in_range(&r.0, weekday))
            && field_matches(&self.years, |r| in_range(&r.0, year))
    }
}

#[cfg(test)]
mod tests;
