//! Cases ported (as data) from upstream's `timeinterval/timeinterval_test.go`.

use super::*;

/// An instant written in Go's RFC822Z layout, `02 Jan 06 15:04 -0700`.
fn at(s: &str) -> Timestamp {
    jiff::fmt::strtime::parse("%d %b %y %H:%M %z", s)
        .and_then(|t| t.to_timestamp())
        .unwrap_or_else(|e| panic!("bad test time {s:?}: {e}"))
}

/// Builds an interval from the strings its YAML would contain; an empty
/// slice leaves the field absent.
#[derive(Default)]
struct Spec<'a> {
    times: &'a [(&'a str, &'a str)],
    weekdays: &'a [&'a str],
    days_of_month: &'a [&'a str],
    months: &'a [&'a str],
    years: &'a [&'a str],
    location: Option<&'a str>,
}

fn present<T>(
    items: &[&str],
    parse: impl Fn(&str) -> Result<T, TimeIntervalError>,
) -> Result<Option<Vec<T>>, TimeIntervalError> {
    if items.is_empty() {
        return Ok(None);
    }
    items
        .iter()
        .map(|s| parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

impl Spec<'_> {
    fn build(&self) -> Result<TimeInterval, TimeIntervalError> {
        let times = if self.times.is_empty() {
            None
        } else {
            Some(
                self.times
                    .iter()
                    .map(|(s, e)| TimeRange::parse(s, e))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        };
        Ok(TimeInterval {
            times,
            weekdays: present(self.weekdays, WeekdayRange::parse)?,
            days_of_month: present(self.days_of_month, DayOfMonthRange::parse)?,
            months: present(self.months, MonthRange::parse)?,
            years: present(self.years, YearRange::parse)?,
            location: self.location.map(Location::parse).transpose()?,
        })
    }
}

fn check(spec: Spec<'_>, inside: &[&str], outside: &[&str]) {
    let interval = spec.build().expect("valid interval");
    for t in inside {
        assert!(interval.contains(at(t)), "{interval:?} should contain {t}");
    }
    for t in outside {
        assert!(
            !interval.contains(at(t)),
            "{interval:?} should not contain {t}"
        );
    }
}

#[test]
fn empty_interval_contains_everything() {
    check(
        Spec::default(),
        &[
            "02 Jan 06 15:04 +0000",
            "03 Jan 07 10:04 +0000",
            "04 Jan 06 09:04 +0000",
        ],
        &[],
    );
}

#[test]
fn business_hours() {
    check(
        Spec {
            times: &[("09:00", "17:00")],
            weekdays: &["monday:friday"],
            ..Spec::default()
        },
        &[
            "04 May 20 15:04 +0000",
            "05 May 20 10:04 +0000",
            "09 Jun 20 09:04 +0000",
        ],
        &[
            "03 May 20 15:04 +0000",
            "04 May 20 08:59 +0000",
            "05 May 20 05:00 +0000",
        ],
    );
}

#[test]
fn easter_2020() {
    check(
        Spec {
            days_of_month: &["4:6"],
            months: &["april"],
            years: &["2020"],
            ..Spec::default()
        },
        &[
            "04 Apr 20 15:04 +0000",
            "05 Apr 20 00:00 +0000",
            "06 Apr 20 23:05 +0000",
        ],
        &[
            "03 May 18 15:04 +0000",
            "03 Apr 20 23:59 +0000",
            "04 Jun 20 23:59 +0000",
            "06 Apr 19 23:59 +0000",
            "07 Apr 20 00:00 +0000",
        ],
    );
}

#[test]
fn last_three_days_of_each_month() {
    check(
        Spec {
            days_of_month: &["-3:-1"],
            ..Spec::default()
        },
        &[
            "31 Jan 20 15:04 +0000",
            "30 Jan 20 15:04 +0000",
            "29 Jan 20 15:04 +0000",
            "30 Jun 20 00:00 +0000",
            "29 Feb 20 23:05 +0000",
        ],
        &[
            "03 May 18 15:04 +0000",
            "27 Jan 20 15:04 +0000",
            "03 Apr 20 23:59 +0000",
            "04 Jun 20 23:59 +0000",
            "06 Apr 19 23:59 +0000",
            "07 Apr 20 00:00 +0000",
            "01 Mar 20 00:00 +0000",
        ],
    );
}

#[test]
fn out_of_bound_days_are_clamped_to_the_month() {
    // Upstream builds this one directly: parsing would reject `-31:31`.
    let june = TimeInterval {
        months: Some(vec![MonthRange(InclusiveRange { begin: 6, end: 6 })]),
        days_of_month: Some(vec![DayOfMonthRange(InclusiveRange {
            begin: -31,
            end: 31,
        })]),
        ..TimeInterval::default()
    };
    for (t, inside) in [
        ("30 Jun 20 00:00 +0000", true),
        ("01 Jun 20 00:00 +0000", true),
        ("31 May 20 00:00 +0000", false),
        ("01 Jul 20 00:00 +0000", false),
    ] {
        assert_eq!(june.contains(at(t)), inside, "{t}");
    }
    // A start after the end of the month is skipped, not clamped.
    check(
        Spec {
            days_of_month: &["30:31"],
            years: &["2020:2023"],
            months: &["february"],
            ..Spec::default()
        },
        &[],
        &["28 Feb 21 13:00 +0000"],
    );
}

#[test]
fn locations_shift_the_evaluation() {
    let sydney_business = Spec {
        times: &[("09:00", "17:00")],
        weekdays: &["monday:friday"],
        location: Some("Australia/Sydney"),
        ..Spec::default()
    };
    check(
        sydney_business,
        &["06 Apr 21 13:00 +1000"],
        &["06 Apr 21 13:00 +0000"],
    );
    check(
        Spec {
            times: &[("09:00", "17:00")],
            weekdays: &["monday:friday"],
            months: &["11"],
            location: Some("Australia/Sydney"),
            ..Spec::default()
        },
        &["01 Nov 21 09:00 +1100", "31 Oct 21 22:00 +0000"],
        &["31 Oct 21 21:00 +0000"],
    );
    check(
        Spec {
            days_of_month: &["-1"],
            location: Some("America/New_York"),
            ..Spec::default()
        },
        &["31 Mar 21 12:00 -0400"],
        &["30 Mar 21 12:00 -0400"],
    );
}

#[test]
fn negative_ranges_and_several_ranges_per_field() {
    check(
        Spec {
            weekdays: &["monday:friday", "sunday"],
            months: &["january:march"],
            days_of_month: &["-7:-1"],
            years: &["2020:2025", "2030:2035"],
            times: &[("09:00", "17:00")],
            ..Spec::default()
        },
        &[
            "27 Jan 21 09:00 +0000",
            "28 Jan 21 16:59 +0000",
            "29 Jan 21 13:00 +0000",
            "31 Mar 25 13:00 +0000",
            "31 Jan 35 13:00 +0000",
        ],
        &[
            "30 Jan 21 13:00 +0000",
            "01 Apr 21 13:00 +0000",
            "30 Jan 26 13:00 +0000",
            "31 Jan 35 17:01 +0000",
        ],
    );
    check(
        Spec {
            weekdays: &["monday:wednesday", "saturday", "sunday"],
            times: &[("13:00", "15:00")],
            days_of_month: &["1", "10", "20:-1"],
            years: &["2020:2023"],
            months: &["january:march"],
            ..Spec::default()
        },
        &["10 Jan 21 13:00 +0000", "30 Jan 21 14:24 +0000"],
        &[
            "09 Jan 21 13:00 +0000",
            "20 Jan 21 12:59 +0000",
            "02 Feb 21 13:00 +0000",
        ],
    );
}

/// Upstream's `TestIntervener_Mutes` expectations, per interval.
#[test]
fn evenings_and_weekends_in_sydney() {
    let sydney = Location::parse("Australia/Sydney").expect("known zone");
    let evenings = TimeInterval {
        times: Some(vec![
            TimeRange {
                start_minute: 0,
                end_minute: 540,
            },
            TimeRange {
                start_minute: 1020,
                end_minute: 1440,
            },
        ]),
        location: Some(sydney.clone()),
        ..TimeInterval::default()
    };
    let weekends = TimeInterval {
        weekdays: Some(vec![
            WeekdayRange(InclusiveRange { begin: 6, end: 6 }),
            WeekdayRange(InclusiveRange { begin: 0, end: 0 }),
        ]),
        location: Some(sydney),
        ..TimeInterval::default()
    };
    let in_sydney = |s: &str| {
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", s)
            .and_then(|dt| dt.to_zoned(TimeZone::get("Australia/Sydney")?))
            .map(|z| z.timestamp())
            .expect("valid")
    };
    let utc = |s: &str| {
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", s)
            .and_then(|dt| dt.to_zoned(TimeZone::UTC))
            .map(|z| z.timestamp())
            .expect("valid")
    };
    for (now, in_evenings, in_weekends) in [
        (in_sydney("2024-01-01 00:00"), true, false),
        (in_sydney("2024-01-01 09:00"), false, false),
        (in_sydney("2024-01-06 10:00"), false, true),
        (in_sydney("2024-01-06 17:00"), true, true),
        (utc("2024-01-01 10:00"), true, false),
        (utc("2024-01-06 10:00"), true, true),
    ] {
        assert_eq!(evenings.contains(now), in_evenings, "evenings at {now}");
        assert_eq!(weekends.contains(now), in_weekends, "weekends at {now}");
    }
}

#[test]
fn explicit_empty_lists_match_nothing() {
    let interval = TimeInterval {
        times: Some(vec![]),
        ..TimeInterval::default()
    };
    assert!(!interval.contains(at("04 May 20 15:04 +0000")));
}

#[test]
fn time_ranges() {
    let ok: &[(&str, &str, u32, u32)] = &[
        ("00:00", "24:00", 0, 1440),
        ("01:35", "17:39", 95, 1059),
        ("09:35", "09:39", 575, 579),
    ];
    for (start, end, start_minute, end_minute) in ok {
        let range = TimeRange::parse(start, end).expect("valid");
        assert_eq!(
            (range.start_minute, range.end_minute),
            (*start_minute, *end_minute)
        );
        assert_eq!(
            (range.start_time().as_str(), range.end_time().as_str()),
            (*start, *end)
        );
    }
    let bad: &[(&str, &str, &str)] = &[
        (
            "17:31",
            "17:31",
            "start time cannot be equal or greater than end time",
        ),
        (
            "12:30",
            "24:01",
            "couldn't parse timestamp 24:01, invalid format",
        ),
        (
            "09:30",
            "07:41",
            "start time cannot be equal or greater than end time",
        ),
        (
            "24:00",
            "17:41",
            "start time cannot be equal or greater than end time",
        ),
        ("14:03", "", "both start and end times must be provided"),
        ("", "14:03", "both start and end times must be provided"),
        (
            "01:99",
            "23:59",
            "couldn't parse timestamp 01:99, invalid format",
        ),
        (
            "00:00",
            "99:99",
            "couldn't parse timestamp 99:99, invalid format",
        ),
        (
            "9:00",
            "10:00",
            "couldn't parse timestamp 9:00, invalid format",
        ),
        (
            "09:00 ",
            "10:00",
            "couldn't parse timestamp 09:00 , invalid format",
        ),
        (
            "24:00",
            "24:00",
            "start time cannot be equal or greater than end time",
        ),
    ];
    for (start, end, message) in bad {
        assert_eq!(
            TimeRange::parse(start, end).expect_err("invalid").message,
            *message,
            "{start}-{end}"
        );
    }
}

#[test]
fn range_errors_follow_upstream() {
    type Parse = fn(&str) -> Result<(), TimeIntervalError>;
    let cases: &[(Parse, &str, &str)] = &[
        (
            |s| WeekdayRange::parse(s).map(drop),
            "friday:monday",
            "start day cannot be before end day",
        ),
        (
            |s| WeekdayRange::parse(s).map(drop),
            "blurgsday:flurgsday",
            "blurgsday is not a valid weekday",
        ),
        (
            |s| WeekdayRange::parse(s).map(drop),
            "Blurgsday",
            "blurgsday is not a valid weekday",
        ),
        (
            |s| WeekdayRange::parse(s).map(drop),
            "1:3",
            "1 is not a valid weekday",
        ),
        (
            |s| WeekdayRange::parse(s).map(drop),
            "-2:-1",
            "-2 is not a valid weekday",
        ),
        (
            |s| WeekdayRange::parse(s).map(drop),
            "monday:tuesday:friday",
            "couldn't parse range monday:tuesday:friday, invalid format",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "0",
            "0 is not a valid day of the month: out of range",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "-50:-20",
            "-50 is not a valid day of the month: out of range",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "1:50",
            "50 is not a valid day of the month: out of range",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "-15:5",
            "end day must be negative if start day is negative",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "10:-25",
            "end day -25 is always before start day 10",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "x",
            "strconv.Atoi: parsing \"x\": invalid syntax",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "1:",
            "strconv.Atoi: parsing \"\": invalid syntax",
        ),
        (
            |s| DayOfMonthRange::parse(s).map(drop),
            "99999999999999999999",
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range",
        ),
        (
            |s| MonthRange::parse(s).map(drop),
            "martius:june",
            "martius is not a valid month",
        ),
        (
            |s| MonthRange::parse(s).map(drop),
            "march:junius",
            "junius is not a valid month",
        ),
        (
            |s| MonthRange::parse(s).map(drop),
            "december:january",
            "end month january is before start month december",
        ),
        (
            |s| MonthRange::parse(s).map(drop),
            "13:2",
            "end month february is before start month ",
        ),
        (
            |s| YearRange::parse(s).map(drop),
            "2022:2020",
            "end year 2020 is before start year 2022",
        ),
        (
            |s| YearRange::parse(s).map(drop),
            "twenty",
            "strconv.Atoi: parsing \"twenty\": invalid syntax",
        ),
        (
            |s| Location::parse(s).map(drop),
            "Mars/Olympus",
            "unknown time zone Mars/Olympus",
        ),
        (
            |s| Location::parse(s).map(drop),
            "europe/paris",
            "unknown time zone europe/paris",
        ),
        (
            |s| Location::parse(s).map(drop),
            "utc",
            "unknown time zone utc",
        ),
        (
            |s| Location::parse(s).map(drop),
            "Europe/Paris ",
            "unknown time zone Europe/Paris ",
        ),
        (
            |s| Location::parse(s).map(drop),
            "../etc/passwd",
            "time: invalid location name",
        ),
        (
            |s| Location::parse(s).map(drop),
            "/etc/localtime",
            "time: invalid location name",
        ),
    ];
    for (parse, input, message) in cases {
        assert_eq!(
            parse(input).expect_err(input).message,
            *message,
            "{input:?}"
        );
    }
}

#[test]
fn valid_ranges_and_their_printed_forms() {
    let weekday = WeekdayRange::parse("Monday:FRIDAY").expect("valid");
    assert_eq!(
        (weekday.0.begin, weekday.0.end, weekday.to_string()),
        (1, 5, "monday:friday".to_owned())
    );
    assert_eq!(
        WeekdayRange::parse("sunday")
            .map(|w| w.to_string())
            .as_deref(),
        Ok("sunday")
    );
    let days = DayOfMonthRange::parse("1:-1").expect("valid");
    assert_eq!(
        (days.0.begin, days.0.end, days.to_string()),
        (1, -1, "1:-1".to_owned())
    );
    assert_eq!(
        DayOfMonthRange::parse("-3:-1").map(|d| d.0),
        Ok(InclusiveRange { begin: -3, end: -1 })
    );
    assert_eq!(
        MonthRange::parse("January:december")
            .map(|m| m.to_string())
            .as_deref(),
        Ok("1:12")
    );
    assert_eq!(
        MonthRange::parse("may:august").map(|m| m.0),
        Ok(InclusiveRange { begin: 5, end: 8 })
    );
    assert_eq!(
        MonthRange::parse("+3").map(|m| m.to_string()).as_deref(),
        Ok("3")
    );
    assert_eq!(
        YearRange::parse("2020:2022")
            .map(|y| y.to_string())
            .as_deref(),
        Ok("2020:2022")
    );
    assert_eq!("2021".parse::<YearRange>().map(|y| y.0.begin), Ok(2021));
    for name in [
        "Europe/Paris",
        "Australia/Sydney",
        "UTC",
        "Local",
        "US/Eastern",
        "Etc/GMT+5",
    ] {
        let location = Location::parse(name).unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(location.to_string(), name);
    }
    assert_eq!(
        Location::parse("").map(|l| l.to_string()).as_deref(),
        Ok("UTC")
    );
    assert_eq!(
        Location::parse("").map(|l| l.time_zone().clone()).ok(),
        Some(TimeZone::UTC)
    );
}
