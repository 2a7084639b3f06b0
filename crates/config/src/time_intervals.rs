//! `time_intervals:` and the deprecated `mute_time_intervals:`: named lists
//! of time interval specifications, read with upstream's parsing rules and
//! error messages (`timeinterval/timeinterval.go`) and printed back the way
//! upstream marshals them. Evaluating "is this instant inside?" is not done
//! here.

use tocsin_model::goquote::go_quote;

use crate::config_struct;
use crate::decode::{Checks, Decode, Decoder, Spanned};
use crate::render::{Out, Render, push_field};
use crate::yaml::{Mark, NodeId};

/// `[start, end)` in minutes of the day; `end` may be 1440 (`24:00`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub start_minute: u32,
    pub end_minute: u32,
}

/// An inclusive range of weekdays (0 = Sunday), days of the month (negative
/// = counted from the end), months (1–12) or years.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InclusiveRange {
    pub begin: i64,
    pub end: i64,
}

/// One entry of a named interval's `time_intervals:`; every non-empty field
/// must match (an instant is inside when all of them contain it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeIntervalSpec {
    pub times: Vec<TimeRange>,
    pub weekdays: Vec<InclusiveRange>,
    pub days_of_month: Vec<InclusiveRange>,
    pub months: Vec<InclusiveRange>,
    pub years: Vec<InclusiveRange>,
    /// IANA time zone name (`Local` allowed); `None` = UTC.
    pub location: Option<String>,
}

const WEEKDAYS: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
];

/// Go's `strconv.Atoi`, with its error message.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(s)));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// upstream's `stringableRangeFromString`: `a` or `a:b`, lower-cased.
fn parse_range(input: &str, member: impl Fn(&str) -> Result<i64, String>) -> Result<InclusiveRange, String> {
    let lower = input.to_lowercase();
    if lower.contains(':') {
        let parts: Vec<&str> = lower.split(':').collect();
        let [a, b] = parts.as_slice() else {
            return Err(format!("couldn't parse range {lower}, invalid format"));
        };
        Ok(InclusiveRange { begin: member(a)?, end: member(b)? })
    } else {
        let v = member(&lower)?;
        Ok(InclusiveRange { begin: v, end: v })
    }
}

fn parse_weekdays(s: &str) -> Result<InclusiveRange, String> {
    let r = parse_range(s, |m| {
        WEEKDAYS.iter().position(|d| *d == m).map(|p| p as i64).ok_or_else(|| format!("{m} is not a valid weekday"))
    })?;
    if r.begin > r.end {
        return Err("start day cannot be before end day".into());
    }
    if !(0..=6).contains(&r.begin) || !(0..=6).contains(&r.end) {
        return Err(format!("{s} is not a valid day of the week: out of range"));
    }
    Ok(r)
}

fn parse_days_of_month(s: &str) -> Result<InclusiveRange, String> {
    let r = parse_range(s, atoi)?;
    let valid = |d: i64| d != 0 && (-31..=31).contains(&d);
    if !valid(r.begin) {
        return Err(format!("{} is not a valid day of the month: out of range", r.begin));
    }
    if !valid(r.end) {
        return Err(format!("{} is not a valid day of the month: out of range", r.end));
    }
    if r.begin < 0 && r.end > 0 {
        return Err("end day must be negative if start day is negative".into());
    }
    let check_begin = if r.begin < 0 { 28 + r.begin } else { r.begin };
    let check_end = if r.end < 0 { 28 + r.end } else { r.end };
    if check_begin > check_end {
        return Err(format!("end day {} is always before start day {}", r.end, r.begin));
    }
    Ok(r)
}

fn month_name(n: i64) -> &'static str {
    usize::try_from(n - 1).ok().and_then(|i| MONTHS.get(i)).copied().unwrap_or("")
}

fn parse_months(s: &str) -> Result<InclusiveRange, String> {
    let r = parse_range(s, |m| match MONTHS.iter().position(|x| *x == m) {
        Some(p) => Ok(p as i64 + 1),
        None => atoi(m).map_err(|_| format!("{m} is not a valid month")),
    })?;
    if r.begin > r.end {
        return Err(format!("end month {} is before start month {}", month_name(r.end), month_name(r.begin)));
    }
    Ok(r)
}

fn parse_years(s: &str) -> Result<InclusiveRange, String> {
    let r = parse_range(s, atoi)?;
    if r.begin > r.end {
        return Err(format!("end year {} is before start year {}", r.end, r.begin));
    }
    Ok(r)
}

/// `HH:MM` (00:00–23:59) or `24:00`, in minutes.
fn parse_time(s: &str) -> Result<u32, String> {
    let b = s.as_bytes();
    let valid = s == "24:00"
        || (b.len() == 5
            && b[2] == b':'
            && ((matches!(b[0], b'0' | b'1') && b[1].is_ascii_digit()) || (b[0] == b'2' && (b'0'..=b'3').contains(&b[1])))
            && (b'0'..=b'5').contains(&b[3])
            && b[4].is_ascii_digit());
    if !valid {
        return Err(format!("couldn't parse timestamp {s}, invalid format"));
    }
    let hours = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let minutes = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    Ok(hours * 60 + minutes)
}

/// Go's `time.LoadLocation` acceptance.
fn check_location(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "UTC" || name == "Local" {
        return Ok(());
    }
    if name.contains("..") || name.starts_with('/') || name.contains('\\') {
        return Err("time: invalid location name".into());
    }
    jiff::tz::TimeZone::get(name).map(|_| ()).map_err(|_| format!("unknown time zone {name}"))
}

/// A string list element parsed by `parse`, errors reported at the element.
fn decode_ranges(
    id: NodeId,
    cx: &mut Decoder<'_>,
    go_type: &str,
    parse: fn(&str) -> Result<InclusiveRange, String>,
) -> Vec<InclusiveRange> {
    if !matches!(cx.node(id).map(|n| &n.kind), Some(crate::yaml::NodeKind::Sequence(_))) {
        cx.type_error(id, go_type);
        return Vec::new();
    }
    let mut items: Vec<Spanned<String>> = Vec::new();
    let before = cx.error_count();
    items.decode(id, cx);
    if cx.error_count() != before {
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in items {
        match parse(&item.value) {
            Ok(r) => out.push(r),
            Err(e) => cx.decode_error(item.mark, e),
        }
    }
    out
}

config_struct! {
    /// The raw `{start_time, end_time}` mapping of a `times:` item.
    pub(crate) struct RawTimeRange {
        go_type: "timeinterval.TimeRange",
        decode_as: "timeinterval.yamlTimeRange",
        reset: false,
        list_element: "",
        check: None,
    } {
        start_time: String = String::new() => "start_time";
        end_time: String = String::new() => "end_time";
    }
}

impl Decode for TimeIntervalSpec {
    fn zero() -> Self {
        TimeIntervalSpec::default()
    }
    fn go_type() -> String {
        "timeinterval.TimeInterval".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        const KEYS: &[&str] = &["times", "weekdays", "days_of_month", "months", "years", "location"];
        cx.struct_fields(id, "timeinterval.TimeInterval", KEYS, |cx, index, value| match index {
            0 => self.times = decode_times(value, cx),
            1 => self.weekdays = decode_ranges(value, cx, "[]timeinterval.WeekdayRange", parse_weekdays),
            2 => self.days_of_month = decode_ranges(value, cx, "[]timeinterval.DayOfMonthRange", parse_days_of_month),
            3 => self.months = decode_ranges(value, cx, "[]timeinterval.MonthRange", parse_months),
            4 => self.years = decode_ranges(value, cx, "[]timeinterval.YearRange", parse_years),
            _ => {
                let mut name = Spanned::<String>::default();
                let before = cx.error_count();
                cx.value(value, &mut name);
                if cx.error_count() != before {
                    return;
                }
                match check_location(&name.value) {
                    Ok(()) => self.location = Some(name.value).filter(|n| !n.is_empty()),
                    Err(e) => cx.decode_error(name.mark, e),
                }
            }
        });
    }
}

fn decode_times(id: NodeId, cx: &mut Decoder<'_>) -> Vec<TimeRange> {
    let mut raw: Vec<Spanned<RawTimeRange>> = Vec::new();
    let before = cx.error_count();
    raw.decode(id, cx);
    if cx.error_count() != before {
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in raw {
        let r = item.value;
        if r.start_time.is_empty() || r.end_time.is_empty() {
            cx.decode_error(item.mark, "both start and end times must be provided");
            continue;
        }
        let parsed = parse_time(&r.start_time).and_then(|s| parse_time(&r.end_time).map(|e| (s, e)));
        match parsed {
            Err(e) => cx.decode_error(item.mark, e),
            Ok((start, end)) if start >= end => {
                cx.decode_error(item.mark, "start time cannot be equal or greater than end time");
            }
            Ok((start_minute, end_minute)) => out.push(TimeRange { start_minute, end_minute }),
        }
    }
    out
}

impl InclusiveRange {
    /// upstream's `InclusiveRange.MarshalText`: `a` or `a:b`.
    fn text(&self) -> String {
        if self.begin == self.end { self.begin.to_string() } else { format!("{}:{}", self.begin, self.end) }
    }
}

impl Render for TimeIntervalSpec {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        if !self.times.is_empty() {
            let times = self
                .times
                .iter()
                .map(|t| {
                    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
                    Out::Map(vec![
                        (Out::Str("start_time".into()), Out::Str(hm(t.start_minute))),
                        (Out::Str("end_time".into()), Out::Str(hm(t.end_minute))),
                    ])
                })
                .collect();
            f.push((Out::Str("times".into()), Out::Seq(times)));
        }
        let weekday = |d: i64| usize::try_from(d).ok().and_then(|i| WEEKDAYS.get(i)).copied().unwrap_or("");
        if !self.weekdays.is_empty() {
            let days = self
                .weekdays
                .iter()
                .map(|r| {
                    if r.begin == r.end {
                        Out::Str(weekday(r.begin).into())
                    } else {
                        Out::Str(format!("{}:{}", weekday(r.begin), weekday(r.end)))
                    }
                })
                .collect();
            f.push((Out::Str("weekdays".into()), Out::FlowSeq(days)));
        }
        for (key, ranges) in [("days_of_month", &self.days_of_month), ("months", &self.months), ("years", &self.years)] {
            if !ranges.is_empty() {
                f.push((Out::Str(key.into()), Out::FlowSeq(ranges.iter().map(|r| Out::Str(r.text())).collect())));
            }
        }
        if let Some(location) = &self.location {
            push_field(&mut f, "location", location, true);
        }
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        *self == TimeIntervalSpec::default()
    }
}

/// A named time interval, referenced by routes' `mute_time_intervals` and
/// `active_time_intervals`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamedTimeInterval {
    pub name: String,
    /// The instant is inside the named interval when any entry contains it.
    pub time_intervals: Vec<TimeIntervalSpec>,
    pub position: Option<Mark>,
}

impl Render for NamedTimeInterval {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        push_field(&mut f, "name", &self.name, false);
        push_field(&mut f, "time_intervals", &self.time_intervals, false);
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        self.name.is_empty() && self.time_intervals.is_empty()
    }
}

config_struct! {
    /// A `time_intervals:` entry as written.
    pub(crate) struct RawTimeInterval {
        go_type: "config.TimeInterval",
        decode_as: "config.plain",
        reset: false,
        list_element: "",
        check: Some(check_time_interval),
    } {
        name: Spanned<String> = Spanned::default() => "name";
        time_intervals: Vec<TimeIntervalSpec> = Vec::new() => "time_intervals";
    }
}

fn check_time_interval(t: &mut RawTimeInterval, v: &mut Checks<'_, '_>) {
    if t.name.value.is_empty() {
        v.fail("name", "missing name in time interval");
    }
}

config_struct! {
    /// A deprecated `mute_time_intervals:` entry as written.
    pub(crate) struct RawMuteTimeInterval {
        go_type: "config.MuteTimeInterval",
        decode_as: "config.plain",
        reset: false,
        list_element: "",
        check: Some(check_mute_time_interval),
    } {
        name: Spanned<String> = Spanned::default() => "name";
        time_intervals: Vec<TimeIntervalSpec> = Vec::new() => "time_intervals";
    }
}

fn check_mute_time_interval(t: &mut RawMuteTimeInterval, v: &mut Checks<'_, '_>) {
    if t.name.value.is_empty() {
        v.fail("name", "missing name in mute time interval");
    }
}

impl RawTimeInterval {
    pub(crate) fn into_named(self) -> NamedTimeInterval {
        NamedTimeInterval { name: self.name.value, time_intervals: self.time_intervals, position: self.name.mark }
    }
}

impl RawMuteTimeInterval {
    pub(crate) fn into_named(self) -> NamedTimeInterval {
        NamedTimeInterval { name: self.name.value, time_intervals: self.time_intervals, position: self.name.mark }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_upstream_messages() {
        assert_eq!(parse_weekdays("Monday:Friday"), Ok(InclusiveRange { begin: 1, end: 5 }));
        assert_eq!(parse_weekdays("funday").expect_err("bad"), "funday is not a valid weekday");
        assert_eq!(parse_weekdays("friday:monday").expect_err("order"), "start day cannot be before end day");
        assert_eq!(parse_days_of_month("-3:-1"), Ok(InclusiveRange { begin: -3, end: -1 }));
        assert_eq!(parse_days_of_month("-3:5").expect_err("mix"), "end day must be negative if start day is negative");
        assert_eq!(parse_days_of_month("0").expect_err("zero"), "0 is not a valid day of the month: out of range");
        assert_eq!(parse_months("may:august"), Ok(InclusiveRange { begin: 5, end: 8 }));
        assert_eq!(parse_months("august:may").expect_err("order"), "end month may is before start month august");
        assert_eq!(parse_years("2022:2020").expect_err("order"), "end year 2020 is before start year 2022");
        assert_eq!(parse_years("x").expect_err("atoi"), "strconv.Atoi: parsing \"x\": invalid syntax");
        assert_eq!(parse_time("24:00"), Ok(1440));
        assert_eq!(parse_time("9:00").expect_err("format"), "couldn't parse timestamp 9:00, invalid format");
        assert!(check_location("Europe/Paris").is_ok());
        assert_eq!(check_location("Mars/Olympus").expect_err("tz"), "unknown time zone Mars/Olympus");
    }
}
