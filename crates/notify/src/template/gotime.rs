//! Go's `time.Time` and `time.Duration` as template objects: an instant
//! with the location it is shown in (UTC, the process' local zone, a
//! named IANA zone or a fixed offset) and, for `now`, Go's monotonic clock
//! reading. Printing (`String`), layout formatting and the methods real
//! templates call (`Format`, `Unix`, `UTC`, `Add`, `Sub`, ...) live here;
//! the layout grammar itself lives in [`super::layout`].

use std::sync::{Arc, OnceLock};

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use tocsin_alerting::alert::Time;
use tocsin_gotemplate::{FuncError, GoType, Object, Repr, Signature, Value};
use tocsin_model::GoDuration;

use super::layout::{self, Civil};

/// Go's type name of time values.
pub(super) const TIME_TYPE: &str = "time.Time";
/// Go's type name of durations.
pub(super) const DURATION_TYPE: &str = "time.Duration";

/// Where a time is shown (Go's `*time.Location`).
#[derive(Clone, Debug)]
pub(super) enum Location {
    Utc,
    /// The process' zone (`time.Local`).
    Local,
    /// A zone loaded by name (`time.LoadLocation`).
    Named(TimeZone),
    /// `time.FixedZone(name, offset)`.
    Fixed(Arc<str>, i32),
}

/// The process' zone, read once.
pub(super) fn local_zone() -> &'static TimeZone {
    static LOCAL: OnceLock<TimeZone> = OnceLock::new();
    LOCAL.get_or_init(TimeZone::system)
}

impl Location {
    /// The zone abbreviation and offset in effect at `instant`.
    fn lookup(&self, instant: Timestamp) -> (String, i32) {
        match self {
            Location::Utc => ("UTC".to_owned(), 0),
            Location::Fixed(name, offset) => (name.to_string(), *offset),
            Location::Local => zone_lookup(local_zone(), instant),
            Location::Named(zone) => zone_lookup(zone, instant),
        }
    }
}

fn zone_lookup(zone: &TimeZone, instant: Timestamp) -> (String, i32) {
    let info = zone.to_offset_info(instant);
    (info.abbreviation().to_owned(), info.offset().seconds())
}

/// A Go `time.Time`.
#[derive(Clone, Debug)]
pub(super) struct GoTime {
    pub instant: Timestamp,
    pub location: Location,
    /// Go's monotonic clock reading (nanoseconds since process start), set
    /// only on values from `now`.
    pub monotonic: Option<i64>,
}

impl GoTime {
    /// A time from alert data: shown in its own offset. Go gives a time
    /// parsed from RFC 3339 the UTC location for `Z`, the local zone when
    /// that zone has the same offset at that instant, and otherwise an
    /// unnamed fixed zone.
    pub fn from_alert_time(time: &Time) -> GoTime {
        let offset = time.offset.seconds();
        let location = if offset == 0 {
            Location::Utc
        } else if local_zone().to_offset(time.instant).seconds() == offset {
            Location::Local
        } else {
            Location::Fixed(Arc::from(""), offset)
        };
        GoTime {
            instant: time.instant,
            location,
            monotonic: None,
        }
    }

    /// The instant with the offset in effect in its location.
    pub fn as_alert_time(&self) -> Time {
        let (_, offset) = self.location.lookup(self.instant);
        Time {
            instant: self.instant,
            offset: Offset::from_seconds(offset).unwrap_or(Offset::UTC),
        }
    }

    /// `time.Now()`: the local zone plus a monotonic reading.
    pub fn now() -> GoTime {
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        let start = *START.get_or_init(std::time::Instant::now);
        let mono = i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX);
        GoTime {
            instant: Timestamp::now(),
            location: Location::Local,
            monotonic: Some(mono),
        }
    }

    pub fn utc(instant: Timestamp) -> GoTime {
        GoTime {
            instant,
            location: Location::Utc,
            monotonic: None,
        }
    }

    pub fn value(self) -> Value {
        Value::object(self)
    }

    /// The broken-down time in its location.
    fn civil_parts(&self) -> (jiff::civil::DateTime, String, i32) {
        let (name, offset) = self.location.lookup(self.instant);
        let offset_value = Offset::from_seconds(offset).unwrap_or(Offset::UTC);
        (offset_value.to_datetime(self.instant), name, offset)
    }

    /// Go's `Format(layout)`.
    pub fn format(&self, layout_text: &str) -> String {
        let (dt, name, offset) = self.civil_parts();
        let civil = Civil {
            year: i64::from(dt.year()),
            month: usize::try_from(dt.month()).unwrap_or(1),
            day: i64::from(dt.day()),
            hour: i64::from(dt.hour()),
            minute: i64::from(dt.minute()),
            second: i64::from(dt.second()),
            nanosecond: i64::from(dt.subsec_nanosecond()),
            weekday: usize::try_from(dt.weekday().to_sunday_zero_offset()).unwrap_or(0),
            year_day: i64::from(dt.day_of_year()),
            zone_name: &name,
            offset: i64::from(offset),
        };
        layout::format(&civil, layout_text)
    }

    /// Go's `String()`: `2006-01-02 15:04:05.999999999 -0700 MST`, plus
    /// ` m=±s.nnnnnnnnn` when a monotonic reading is present.
    pub fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(mono) = self.monotonic {
            let sign = if mono < 0 { '-' } else { '+' };
            let abs = mono.unsigned_abs();
            s.push_str(&format!(
                " m={sign}{}.{:09}",
                abs / 1_000_000_000,
                abs % 1_000_000_000
            ));
        }
        s
    }

    /// Seconds and nanoseconds since the Unix epoch.
    fn unix_nanos(&self) -> i128 {
        self.instant.as_nanosecond()
    }

    fn with_instant(&self, instant: Timestamp) -> GoTime {
        GoTime {
            instant,
            location: self.location.clone(),
            monotonic: self.monotonic,
        }
    }

    fn in_location(&self, location: Location) -> GoTime {
        GoTime {
            instant: self.instant,
            location,
            monotonic: None,
        }
    }

    /// `t + d`, saturating at the range this implementation can represent.
    pub fn add_nanos(&self, nanos: i64) -> GoTime {
        let span = jiff::SignedDuration::from_nanos(nanos);
        let instant = self.instant.checked_add(span).unwrap_or(if nanos < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        let mut result = self.with_instant(instant);
        result.monotonic = self.monotonic.map(|m| m.saturating_add(nanos));
        result
    }
}

/// Go's `t.Sub(u)`, saturating at the duration limits as Go does.
pub(super) fn sub(t: &GoTime, u: &GoTime) -> i64 {
    if let (Some(a), Some(b)) = (t.monotonic, u.monotonic) {
        return a.saturating_sub(b);
    }
    let nanos = t.unix_nanos() - u.unix_nanos();
    i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX })
}

fn time_arg(args: &[Value], i: usize) -> Result<&GoTime, FuncError> {
    match args.get(i) {
        Some(Value::Object(object)) => object
            .downcast_ref::<GoTime>()
            .ok_or_else(|| FuncError::new("expected time.Time")),
        _ => Err(FuncError::new("expected time.Time")),
    }
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

/// The single `time.Duration` argument: an integer or a duration.
fn duration_arg(args: &[Value]) -> Result<i64, FuncError> {
    match args.first() {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Uint(n)) => {
            i64::try_from(*n).map_err(|_| FuncError::new("duration out of range"))
        }
        Some(Value::Object(object)) => object
            .downcast_ref::<GoDurationValue>()
            .map(|d| d.0)
            .ok_or_else(|| wrong_duration(object.type_name())),
        Some(other) => Err(wrong_duration(&other.type_name())),
        None => Err(wrong_duration("nothing")),
    }
}

fn wrong_duration(got: &str) -> FuncError {
    FuncError::new(format!(
        "wrong type for value; expected {DURATION_TYPE}; got {got}"
    ))
}

fn time_type() -> GoType {
    GoType::Named(Arc::from(TIME_TYPE))
}

impl Object for GoTime {
    fn type_name(&self) -> &str {
        TIME_TYPE
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(self.go_string())
    }

    fn method(&self, name: &str) -> Option<Signature> {
        let sig = match name {
            "Format" => Signature::fixed(vec![GoType::String]),
            // Declared `time.Duration` (an int64): integer constants and
            // durations are accepted, checked in `duration_arg`.
            "Add" | "Truncate" | "Round" => Signature::fixed(vec![GoType::Any]),
            "Sub" | "Before" | "After" | "Equal" => Signature::fixed(vec![time_type()]),
            "AddDate" => Signature::fixed(vec![GoType::Int, GoType::Int, GoType::Int]),
            "String" | "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" | "UTC" | "Local"
            | "IsZero" | "Year" | "Month" | "Day" | "Hour" | "Minute" | "Second" | "Nanosecond"
            | "Weekday" | "YearDay" => Signature::fixed(vec![]),
            _ => return None,
        };
        Some(sig)
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let nanos = self.unix_nanos();
        let (dt, _, _) = self.civil_parts();
        Ok(match name {
            "Format" => {
                Value::from(self.format(args.first().and_then(Value::as_str).unwrap_or("")))
            }
            "String" => Value::from(self.go_string()),
            "Unix" => Value::Int(self.instant.as_second()),
            "UnixMilli" => Value::Int(self.instant.as_millisecond()),
            "UnixMicro" => Value::Int(self.instant.as_microsecond()),
            "UnixNano" => Value::Int(i64::try_from(nanos).unwrap_or(i64::MIN)),
            "UTC" => self.in_location(Location::Utc).value(),
            "Local" => self.in_location(Location::Local).value(),
            "IsZero" => Value::Bool(self.instant == Time::ZERO.instant),
            "Add" => self.add_nanos(duration_arg(args)?).value(),
            "Sub" => GoDurationValue(sub(self, time_arg(args, 0)?)).value(),
            "Before" => Value::Bool(self.instant < time_arg(args, 0)?.instant),
            "After" => Value::Bool(self.instant > time_arg(args, 0)?.instant),
            "Equal" => Value::Bool(self.instant == time_arg(args, 0)?.instant),
            "AddDate" => self.add_date(int_arg(args, 0), int_arg(args, 1), int_arg(args, 2))?,
            "Truncate" => self.round_to(duration_arg(args)?, false).value(),
            "Round" => self.round_to(duration_arg(args)?, true).value(),
            "Year" => Value::Int(i64::from(dt.year())),
            "Month" => Value::object(GoMonth(usize::try_from(dt.month()).unwrap_or(1))),
            "Day" => Value::Int(i64::from(dt.day())),
            "Hour" => Value::Int(i64::from(dt.hour())),
            "Minute" => Value::Int(i64::from(dt.minute())),
            "Second" => Value::Int(i64::from(dt.second())),
            "Nanosecond" => Value::Int(i64::from(dt.subsec_nanosecond())),
            "Weekday" => Value::object(GoWeekday(
                usize::try_from(dt.weekday().to_sunday_zero_offset()).unwrap_or(0),
            )),
            "YearDay" => Value::Int(i64::from(dt.day_of_year())),
            _ => return Err(FuncError::new(format!("method {name} is not implemented"))),
        })
    }

    fn equals(&self, other: &dyn Object) -> Option<bool> {
        // Go compares time.Time structs field by field: same instant,
        // location and monotonic reading.
        let other = other.downcast_ref::<GoTime>()?;
        Some(
            self.instant == other.instant
                && self.monotonic == other.monotonic
                && self.location.lookup(self.instant) == other.location.lookup(other.instant),
        )
    }
}

impl GoTime {
    /// Go's `AddDate`: calendar arithmetic in the time's location, with
    /// out-of-range days normalised (Oct 32 → Nov 1).
    fn add_date(&self, years: i64, months: i64, days: i64) -> Result<Value, FuncError> {
        let (dt, _, offset) = self.civil_parts();
        let total_months = i64::from(dt.year()) * 12 + i64::from(dt.month()) - 1 + months;
        let year = total_months.div_euclid(12) + years;
        let month = total_months.rem_euclid(12) + 1;
        let out_of_range = || FuncError::new("time out of range");
        let year16 = i16::try_from(year).map_err(|_| out_of_range())?;
        let month8 = i8::try_from(month).map_err(|_| out_of_range())?;
        let first = jiff::civil::Date::new(year16, month8, 1).map_err(|_| out_of_range())?;
        let date = first
            .checked_add(jiff::Span::new().days(i64::from(dt.day()) - 1 + days))
            .map_err(|_| out_of_range())?;
        let civil = date.to_datetime(dt.time());
        let instant = match &self.location {
            Location::Utc => Offset::UTC.to_timestamp(civil),
            Location::Fixed(..) => Offset::from_seconds(offset)
                .unwrap_or(Offset::UTC)
                .to_timestamp(civil),
            Location::Local => local_zone().to_ambiguous_timestamp(civil).compatible(),
            Location::Named(zone) => zone.to_ambiguous_timestamp(civil).compatible(),
        }
        .map_err(|_| out_of_range())?;
        Ok(GoTime {
            instant,
            location: self.location.clone(),
            monotonic: None,
        }
        .value())
    }

    /// Go's `Truncate`/`Round` (relative to the zero time, on the absolute
    /// instant; monotonic reading stripped).
    fn round_to(&self, d: i64, round: bool) -> GoTime {
        let mut result = GoTime {
            instant: self.instant,
            location: self.location.clone(),
            monotonic: None,
        };
        if d <= 0 {
            return result;
        }
        let since_zero = self.unix_nanos() - Time::ZERO.instant.as_nanosecond();
        let d = i128::from(d);
        let rem = since_zero.rem_euclid(d);
        let shift = if round && rem + rem >= d {
            d - rem
        } else {
            -rem
        };
        let nanos = i64::try_from(shift).unwrap_or(0);
        result.instant = self.add_nanos(nanos).instant;
        result
    }
}

/// The number behind a `time.Month` or `time.Weekday` (their JSON form).
pub(super) fn enum_number(object: &dyn Object) -> Option<usize> {
    if let Some(month) = object.downcast_ref::<GoMonth>() {
        return Some(month.0);
    }
    object.downcast_ref::<GoWeekday>().map(|d| d.0)
}

/// `time.Month`: prints as its English name.
struct GoMonth(usize);

impl Object for GoMonth {
    fn type_name(&self) -> &str {
        "time.Month"
    }
    fn repr(&self) -> Repr {
        Repr::Stringer(
            layout::LONG_MONTHS
                .get(self.0.wrapping_sub(1))
                .map_or_else(|| format!("%!Month({})", self.0), |m| (*m).to_owned()),
        )
    }
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(other.downcast_ref::<GoMonth>()?.0 == self.0)
    }
}

/// `time.Weekday`: prints as its English name.
struct GoWeekday(usize);

impl Object for GoWeekday {
    fn type_name(&self) -> &str {
        "time.Weekday"
    }
    fn repr(&self) -> Repr {
        Repr::Stringer(layout::LONG_DAYS[self.0 % 7].to_owned())
    }
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(other.downcast_ref::<GoWeekday>()?.0 == self.0)
    }
}

/// A Go `time.Duration` (nanoseconds), printed as Go prints it (`1h2m3s`).
#[derive(Clone, Copy, Debug)]
pub(super) struct GoDurationValue(pub i64);

impl GoDurationValue {
    pub fn value(self) -> Value {
        Value::object(self)
    }
}

impl Object for GoDurationValue {
    fn type_name(&self) -> &str {
        DURATION_TYPE
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(GoDuration::format_nanos(self.0))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "String" | "Seconds" | "Minutes" | "Hours" | "Milliseconds" | "Microseconds"
            | "Nanoseconds" | "Abs" => Some(Signature::fixed(vec![])),
            "Round" | "Truncate" => Some(Signature::fixed(vec![GoType::Any])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let d = self.0;
        let seconds_part = |unit: i64| (d / unit) as f64 + (d % unit) as f64 / unit as f64;
        Ok(match name {
            "String" => Value::from(GoDuration::format_nanos(d)),
            "Seconds" => Value::Float(seconds_part(1_000_000_000)),
            "Minutes" => Value::Float(seconds_part(60_000_000_000)),
            "Hours" => Value::Float(seconds_part(3_600_000_000_000)),
            "Milliseconds" => Value::Int(d / 1_000_000),
            "Microseconds" => Value::Int(d / 1_000),
            "Nanoseconds" => Value::Int(d),
            "Abs" => GoDurationValue(if d == i64::MIN { i64::MAX } else { d.abs() }).value(),
            "Truncate" => {
                let m = duration_arg(args)?;
                GoDurationValue(if m <= 0 { d } else { d - d % m }).value()
            }
            "Round" => GoDurationValue(round_duration(d, duration_arg(args)?)).value(),
            _ => return Err(FuncError::new(format!("method {name} is not implemented"))),
        })
    }

    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(other.downcast_ref::<GoDurationValue>()?.0 == self.0)
    }
}

/// Go's `Duration.Round`.
fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let (d, m) = (i128::from(d), i128::from(m));
    let mut r = d % m;
    let rounded = if d < 0 {
        r = -r;
        if r + r < m { d + r } else { d - m + r }
    } else if r + r < m {
        d - r
    } else {
        d + m - r
    };
    i64::try_from(rounded).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}
