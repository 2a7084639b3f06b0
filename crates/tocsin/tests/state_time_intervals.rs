//! Routes' `mute_time_intervals` and `active_time_intervals` as upstream
//! applies them, black-box against the real `tocsin alertmanager` binary
//! (reference §1.8, §3.4, §3.8): a group muted by a time interval sends
//! nothing and `/api/v2/alerts/groups` reports `mutedBy` (with state
//! `suppressed`), and the group notifies once the interval no longer
//! holds.
//!
//! In/out checks use calendar intervals that certainly hold or certainly
//! do not hold now (today's weekday, day of month, month and year, in UTC
//! or in a zone whose date differs from UTC's); the resume check builds intervals around the current wall-clock
//! minute and waits for the next minute boundary (at most ~70 s, once).

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use serde_json::{Value, json};
use support::{Outcome, Server, Webhook, alert_json, at, ensure, run_concurrently};

fn hook_config(url: &str, routes: &str, intervals: &str) -> String {
    format!(
        "route:\n  receiver: hook\n  group_by: [case]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n  routes:\n{routes}receivers:\n- name: hook\n  webhook_configs:\n  - url: '{url}'\ntime_intervals:\n{intervals}"
    )
}

/// `mutedBy` and the alerts' states of each group, keyed by its `case`
/// group label.
fn groups_by_case(server: &Server) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let r = server.get("/api/v2/alerts/groups");
    assert_eq!(r.status, 200, "{}", r.body);
    let mut out = BTreeMap::new();
    for group in r.json().as_array().into_iter().flatten() {
        let case = group["labels"]["case"].as_str().unwrap_or("").to_owned();
        let alerts = group["alerts"].as_array().cloned().unwrap_or_default();
        let muted_by = alerts
            .first()
            .map(|a| strings(&a["status"]["mutedBy"]))
            .unwrap_or_default();
        let states = alerts
            .iter()
            .map(|a| a["status"]["state"].as_str().unwrap_or("").to_owned())
            .collect();
        out.insert(case, (muted_by, states));
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// Polls the groups until `case` reports `muted_by` (the time stages set
/// it at the group's first flush), at most 3 s.
fn expect_muted(server: &Server, case: &str, muted_by: &[&str], step: &str) -> Outcome {
    let want_state = if muted_by.is_empty() {
        "active"
    } else {
        "suppressed"
    };
    let want = (
        muted_by.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        vec![want_state.to_owned()],
    );
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let got = groups_by_case(server).get(case).cloned();
        if got.as_ref() == Some(&want) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{step}: group {case} (mutedBy, states) {got:?}, expected {want:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A zone whose date differs from UTC's right now: UTC+14 from 10:00 UTC,
/// UTC-11 before 11:00 UTC.
fn zone_on_another_day() -> &'static str {
    let hour = jiff::Timestamp::now().to_zoned(TimeZone::UTC).time().hour();
    if hour >= 10 {
        "Pacific/Kiritimati"
    } else {
        "Pacific/Pago_Pago"
    }
}

fn seconds_to_midnight(now: &jiff::Zoned) -> i64 {
    let t = now.time();
    86_400 - i64::from(t.hour()) * 3600 - i64::from(t.minute()) * 60 - i64::from(t.second())
}

/// Waits, if needed, so that the day changes neither in UTC nor in `zone`
/// during a scenario lasting `seconds`.
fn away_from_midnight(zone: &TimeZone, seconds: i64) {
    let now = jiff::Timestamp::now();
    let left = seconds_to_midnight(&now.to_zoned(TimeZone::UTC))
        .min(seconds_to_midnight(&now.to_zoned(zone.clone())));
    if left < seconds {
        std::thread::sleep(Duration::from_secs(u64::try_from(left + 1).unwrap_or(1)));
    }
}

/// Calendar intervals certainly in or out now: a route muted by a
/// holding interval and one whose active interval does not hold send
/// nothing and report `mutedBy` (only the holding names for mute
/// intervals, all the names for active ones), while the opposite routes
/// notify; an interval's `location` decides its day (a zone whose date is
/// not UTC's); `GET /api/v2/alerts` does not report group muting (upstream
/// passes no `mutedBy` there).
fn calendar_intervals_in_and_out() -> Outcome {
    let zone_name = zone_on_another_day();
    let zone = TimeZone::get(zone_name).map_err(|e| e.to_string())?;
    away_from_midnight(&zone, 30);
    let now = jiff::Timestamp::now().to_zoned(TimeZone::UTC);
    let tomorrow = now.tomorrow().map_err(|e| e.to_string())?;
    let weekday = |z: &jiff::Zoned| z.strftime("%A").to_string().to_lowercase();
    let there = now.with_time_zone(zone);
    // The zone's date holds there, not in UTC.
    let zone_intervals = format!(
        "- name: zone_today\n  time_intervals:\n  - weekdays: ['{wd}']\n    days_of_month: ['{d}']\n    location: '{zone_name}'\n- name: zone_today_in_utc\n  time_intervals:\n  - weekdays: ['{wd}']\n    days_of_month: ['{d}']\n",
        wd = weekday(&there),
        d = there.day(),
    );
    let intervals = format!(
        "- name: now\n  time_intervals:\n  - weekdays: ['{}']\n    days_of_month: ['{}']\n    months: ['{}']\n    years: ['{}']\n    times: [{{start_time: '00:00', end_time: '24:00'}}]\n- name: not_now\n  time_intervals:\n  - weekdays: ['{}']\n  - years: ['{}:{}']\n  - days_of_month: ['{}']\n",
        weekday(&now),
        now.day(),
        now.strftime("%B").to_string().to_lowercase(),
        now.year(),
        weekday(&tomorrow),
        now.year() + 1,
        now.year() + 2,
        tomorrow.day(),
    ) + &zone_intervals;
    let routes = "  - matchers: [case=mute-now]\n    mute_time_intervals: [not_now, now]\n  - matchers: [case=active-elsewhere]\n    active_time_intervals: [not_now]\n  - matchers: [case=mute-elsewhere]\n    mute_time_intervals: [not_now]\n  - matchers: [case=active-now]\n    active_time_intervals: [not_now, now]\n  - matchers: [case=muted-while-active]\n    active_time_intervals: [now]\n    mute_time_intervals: [now]\n  - matchers: [case=zone-muted]\n    mute_time_intervals: [zone_today_in_utc, zone_today]\n  - matchers: [case=zone-not-in-utc]\n    mute_time_intervals: [zone_today_in_utc]\n";
    let hook = Webhook::start();
    let server = Server::start(&hook_config(&hook.url("/"), routes, &intervals), &[]);
    let t0 = Instant::now();
    let cases = [
        "mute-now",
        "active-elsewhere",
        "mute-elsewhere",
        "active-now",
        "muted-while-active",
        "zone-muted",
        "zone-not-in-utc",
    ];
    let alerts: Vec<Value> = cases
        .iter()
        .map(|c| alert_json("T", &[("case", c)]))
        .collect();
    server.post_alerts(&json!(alerts));
    hook.wait_for(3, Duration::from_secs(4));
    expect_muted(&server, "mute-now", &["now"], "mute interval holding")?;
    expect_muted(
        &server,
        "active-elsewhere",
        &["not_now"],
        "active interval not holding",
    )?;
    expect_muted(&server, "muted-while-active", &["now"], "active and muted")?;
    expect_muted(
        &server,
        "zone-muted",
        &["zone_today"],
        "interval in another zone",
    )?;
    expect_muted(&server, "zone-not-in-utc", &[], "the zone's day in UTC")?;
    expect_muted(&server, "mute-elsewhere", &[], "mute interval not holding")?;
    expect_muted(&server, "active-now", &[], "active interval holding")?;
    let listed = server.get("/api/v2/alerts").json();
    ensure(
        listed.as_array().is_some_and(|a| {
            a.len() == 7
                && a.iter().all(|a| {
                    a["status"]["state"] == "active" && a["status"]["mutedBy"] == json!([])
                })
        }),
        || format!("GET /api/v2/alerts does not report group muting: {listed}"),
    )?;
    let unmuted = server.get("/api/v2/alerts/groups?muted=false").json();
    let mut cases_left: Vec<String> = unmuted
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["labels"]["case"].as_str().map(str::to_owned))
        .collect();
    cases_left.sort();
    ensure(
        cases_left == ["active-now", "mute-elsewhere", "zone-not-in-utc"],
        || format!("?muted=false groups: {cases_left:?}"),
    )?;
    at(t0, 3.5);
    let mut notified: Vec<String> = hook
        .deliveries()
        .iter()
        .map(|d| {
            d.body["groupLabels"]["case"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    notified.sort();
    ensure(
        notified == ["active-now", "mute-elsewhere", "zone-not-in-utc"],
        || format!("notified groups: {notified:?}"),
    )?;
    for (reason, least) in [("mute_time_interval", 3.0), ("active_time_interval", 1.0)] {
        let series = format!("alertmanager_notifications_suppressed_total{{reason=\"{reason}\"}}");
        let value = server.metric(&series);
        ensure(value.is_some_and(|v| v >= least), || {
            format!("{series}: {value:?}")
        })?;
    }
    Ok(())
}

/// `HH:MM` of a minute of the day (0..=1440; 1440 is upstream's `24:00`).
fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// One `times` range per minute in `[from, to)` (minutes of the day, to
/// at most 1440 + 1: a range past midnight wraps to 00:00).
fn minute_ranges(from: i64, to: i64) -> String {
    let ranges: Vec<String> = (from..to)
        .map(|m| {
            let m = m % 1440;
            format!(
                "{{start_time: '{}', end_time: '{}'}}",
                clock(m),
                clock(m + 1)
            )
        })
        .collect();
    format!("[{}]", ranges.join(", "))
}

/// A mute interval covering the current minute (and the next one when
/// fewer than 6 s are left) and an active interval covering the minute
/// after it: both groups stay silent and report `mutedBy` until the
/// boundary, then notify within a group_interval and report no muting.
fn resume_at_the_minute_boundary() -> Outcome {
    let now = jiff::Timestamp::now().to_zoned(TimeZone::UTC);
    let minute = i64::from(now.time().hour()) * 60 + i64::from(now.time().minute());
    let minutes_muted = if now.time().second() < 54 { 1 } else { 2 };
    let boundary_minute = minute + minutes_muted;
    let minute_start = now.timestamp().as_second().div_euclid(60) * 60;
    let boundary_wall = jiff::Timestamp::from_second(minute_start + minutes_muted * 60)
        .map_err(|e| e.to_string())?;
    let until_boundary = boundary_wall.duration_since(jiff::Timestamp::now());
    let boundary =
        Instant::now() + Duration::try_from(until_boundary).map_err(|e| e.to_string())?;

    let intervals = format!(
        "- name: this_minute\n  time_intervals:\n  - times: {}\n- name: next_minute\n  time_intervals:\n  - times: {}\n",
        minute_ranges(minute, boundary_minute),
        minute_ranges(boundary_minute, boundary_minute + 1),
    );
    let routes = "  - matchers: [case=muted-until-boundary]\n    mute_time_intervals: [this_minute]\n  - matchers: [case=active-from-boundary]\n    active_time_intervals: [next_minute]\n";
    let hook = Webhook::start();
    let server = Server::start(&hook_config(&hook.url("/"), routes, &intervals), &[]);
    server.post_alerts(&json!([
        alert_json("M", &[("case", "muted-until-boundary")]),
        alert_json("A", &[("case", "active-from-boundary")]),
    ]));
    expect_muted(
        &server,
        "muted-until-boundary",
        &["this_minute"],
        "before the boundary",
    )?;
    expect_muted(
        &server,
        "active-from-boundary",
        &["next_minute"],
        "before the boundary",
    )?;
    let early = hook.deliveries();
    ensure(early.is_empty(), || {
        format!(
            "notified before the boundary: {:?}",
            early.iter().map(|d| d.alerts()).collect::<Vec<_>>()
        )
    })?;

    let got = hook.wait_for(
        2,
        boundary.saturating_duration_since(Instant::now()) + Duration::from_secs(3),
    );
    let mut arrivals: Vec<(String, f64)> = got
        .iter()
        .map(|d| {
            let case = d.body["groupLabels"]["case"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            let after = if d.at >= boundary {
                d.at.duration_since(boundary).as_secs_f64()
            } else {
                -boundary.duration_since(d.at).as_secs_f64()
            };
            (case, after)
        })
        .collect();
    arrivals.sort_by(|a, b| a.0.cmp(&b.0));
    ensure(
        arrivals.len() == 2
            && arrivals[0].0 == "active-from-boundary"
            && arrivals[1].0 == "muted-until-boundary"
            && arrivals
                .iter()
                .all(|(_, after)| (0.0..=1.6).contains(after)),
        || format!("notifications (case, seconds after the boundary): {arrivals:?}"),
    )?;
    expect_muted(&server, "muted-until-boundary", &[], "after the boundary")?;
    expect_muted(&server, "active-from-boundary", &[], "after the boundary")?;
    let reasons: Vec<Value> = got
        .iter()
        .map(|d| d.body["notification_reason"].clone())
        .collect();
    ensure(reasons.iter().all(|r| r == "first notification"), || {
        format!("reasons {reasons:?}")
    })
}

#[test]
fn time_interval_scenarios() {
    run_concurrently(vec![
        (
            "calendar intervals in and out",
            calendar_intervals_in_and_out,
        ),
        (
            "resume at the minute boundary",
            resume_at_the_minute_boundary,
        ),
    ]);
}
