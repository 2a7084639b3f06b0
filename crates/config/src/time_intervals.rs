//! `time_intervals:` and the deprecated `mute_time_intervals:`: named lists
//! of [`TimeInterval`]s. This module reads the YAML structure (and prints
//! it back the way upstream marshals it); parsing each string and
//! evaluating intervals is `tocsin_model::timeinterval`'s job.

use tocsin_model::timeinterval::{
    DayOfMonthRange, InclusiveRange, Location, MonthRange, TimeInterval, TimeIntervalError,
    TimeRange, WeekdayRange, YearRange,
};

use crate::decode::config_struct;
use crate::decode::{Checks, Decode, Decoder, Spanned};
use crate::render::{Out, Render, push_field};
use crate::yaml::{Mark, NodeId, NodeKind};

/// A list of range strings, each parsed by `parse`; errors are reported at
/// the element. `go_type` names the list in yaml.v2 type errors.
fn decode_ranges<T>(
    id: NodeId,
    cx: &mut Decoder<'_>,
    go_type: &str,
    parse: fn(&str) -> Result<T, TimeIntervalError>,
) -> Option<Vec<T>> {
    if !matches!(cx.node(id).map(|n| &n.kind), Some(NodeKind::Sequence(_))) {
        cx.type_error(id, go_type);
        return None;
    }
    let mut items: Vec<Spanned<String>> = Vec::new();
    let before = cx.error_count();
    items.decode(id, cx);
    if cx.error_count() != before {
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match parse(&item.value) {
            Ok(r) => out.push(r),
            Err(e) => cx.decode_error(item.mark, e.message),
        }
    }
    Some(out)
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

fn decode_times(id: NodeId, cx: &mut Decoder<'_>) -> Option<Vec<TimeRange>> {
    let mut raw: Vec<Spanned<RawTimeRange>> = Vec::new();
    let before = cx.error_count();
    raw.decode(id, cx);
    if cx.error_count() != before {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    for item in raw {
        match TimeRange::parse(&item.value.start_time, &item.value.end_time) {
            Ok(r) => out.push(r),
            Err(e) => cx.decode_error(item.mark, e.message),
        }
    }
    Some(out)
}

impl Decode for TimeInterval {
    fn zero() -> Self {
        TimeInterval::default()
    }
    fn go_type() -> String {
        "timeinterval.TimeInterval".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        const KEYS: &[&str] = &[
            "times",
            "weekdays",
            "days_of_month",
            "months",
            "years",
            "location",
        ];
        cx.struct_fields(id, "timeinterval.TimeInterval", KEYS, |cx, index, value| {
            // A null value leaves the field absent, as yaml.v2 leaves a nil slice.
            let is_null = cx
                .scalar(cx.resolve_alias(value))
                .is_some_and(|s| s.is_null());
            if is_null {
                return;
            }
            match index {
                0 => self.times = decode_times(value, cx),
                1 => {
                    self.weekdays = decode_ranges(
                        value,
                        cx,
                        "[]timeinterval.WeekdayRange",
                        WeekdayRange::parse,
                    )
                }
                2 => {
                    self.days_of_month = decode_ranges(
                        value,
                        cx,
                        "[]timeinterval.DayOfMonthRange",
                        DayOfMonthRange::parse,
                    )
                }
                3 => {
                    self.months =
                        decode_ranges(value, cx, "[]timeinterval.MonthRange", MonthRange::parse)
                }
                4 => {
                    self.years =
                        decode_ranges(value, cx, "[]timeinterval.YearRange", YearRange::parse)
                }
                _ => {
                    let mut name = Spanned::<String>::default();
                    let before = cx.error_count();
                    cx.value(value, &mut name);
                    if cx.error_count() != before {
                        return;
                    }
                    match Location::parse(&name.value) {
                        Ok(location) => self.location = Some(location),
                        Err(e) => cx.decode_error(name.mark, e.message),
                    }
                }
            }
        });
    }
}

/// upstream's `InclusiveRange.MarshalText`: `a` or `a:b` (months and years
/// are printed as numbers too).
fn range_text(r: &InclusiveRange) -> String {
    if r.begin == r.end {
        r.begin.to_string()
    } else {
        format!("{}:{}", r.begin, r.end)
    }
}

const WEEKDAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

fn weekday_text(r: &InclusiveRange) -> String {
    let name = |d: i64| {
        usize::try_from(d)
            .ok()
            .and_then(|i| WEEKDAY_NAMES.get(i))
            .copied()
            .unwrap_or("")
    };
    if r.begin == r.end {
        name(r.begin).to_owned()
    } else {
        format!("{}:{}", name(r.begin), name(r.end))
    }
}

impl Render for TimeInterval {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        if let Some(times) = self.times.as_ref().filter(|t| !t.is_empty()) {
            let items = times
                .iter()
                .map(|t| {
                    Out::Map(vec![
                        (Out::Str("start_time".into()), Out::Str(t.start_time())),
                        (Out::Str("end_time".into()), Out::Str(t.end_time())),
                    ])
                })
                .collect();
            f.push((Out::Str("times".into()), Out::Seq(items)));
        }
        let mut flow = |key: &str, items: Vec<String>| {
            if !items.is_empty() {
                f.push((
                    Out::Str(key.into()),
                    Out::FlowSeq(items.into_iter().map(Out::Str).collect()),
                ));
            }
        };
        flow(
            "weekdays",
            self.weekdays
                .iter()
                .flatten()
                .map(|r| weekday_text(&r.0))
                .collect(),
        );
        flow(
            "days_of_month",
            self.days_of_month
                .iter()
                .flatten()
                .map(|r| range_text(&r.0))
                .collect(),
        );
        flow(
            "months",
            self.months
                .iter()
                .flatten()
                .map(|r| range_text(&r.0))
                .collect(),
        );
        flow(
            "years",
            self.years
                .iter()
                .flatten()
                .map(|r| range_text(&r.0))
                .collect(),
        );
        if let Some(location) = &self.location {
            push_field(&mut f, "location", &location.name().to_owned(), false);
        }
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        *self == TimeInterval::default()
    }
}

/// A named time interval, referenced by routes' `mute_time_intervals` and
/// `active_time_intervals`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamedTimeInterval {
    pub name: String,
    /// The instant is inside the named interval when any entry contains it.
    pub time_intervals: Vec<TimeInterval>,
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
        time_intervals: Vec<TimeInterval> = Vec::new() => "time_intervals";
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
        time_intervals: Vec<TimeInterval> = Vec::new() => "time_intervals";
    }
}

fn check_mute_time_interval(t: &mut RawMuteTimeInterval, v: &mut Checks<'_, '_>) {
    if t.name.value.is_empty() {
        v.fail("name", "missing name in mute time interval");
    }
}

impl RawTimeInterval {
    pub(crate) fn into_named(self) -> NamedTimeInterval {
        NamedTimeInterval {
            name: self.name.value,
            time_intervals: self.time_intervals,
            position: self.name.mark,
        }
    }
}

impl RawMuteTimeInterval {
    pub(crate) fn into_named(self) -> NamedTimeInterval {
        NamedTimeInterval {
            name: self.name.value,
            time_intervals: self.time_intervals,
            position: self.name.mark,
        }
    }
}
