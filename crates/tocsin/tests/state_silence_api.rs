//! The silences API's rules and bad-input answers, black-box against the
//! real `tocsin alertmanager` binary and, where installed, differentially
//! against Alertmanager 0.25 (reference §2.4):
//!
//! * every kind of bad input gets upstream's status code and text, and the
//!   server keeps serving. The expected texts are 0.34's (from upstream's
//!   `api/v2/api.go` and `silence/silence.go` at v0.34.0); the same request
//!   is sent to 0.25, whose answer is checked against 0.25's own text where
//!   the two versions differ (each such case says how);
//! * update in place versus a new ID, expiry of active and pending
//!   silences, and the order of `GET /api/v2/silences`, on both programs;
//! * the limits `--silences.max-silences` and
//!   `--silences.max-silence-size-bytes` (0.26+, so tocsin only).

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{Outcome, Server, matcher, silence_json, upstream_binary};

const QUIET: &str = "route:\n  receiver: quiet\nreceivers:\n- name: quiet\n";
const UNKNOWN: &str = "7e9c3f9a-1a1b-4c2d-9e8f-0a1b2c3d4e5f";

/// What a body must be.
#[derive(Clone, Copy, Debug)]
enum Body {
    /// Exactly this text.
    Is(&'static str),
    /// Contains this text.
    Has(&'static str),
}

impl Body {
    fn accepts(self, body: &str) -> bool {
        match self {
            Body::Is(text) => body.trim_end() == text,
            Body::Has(text) => body.contains(text),
        }
    }
}

/// One request and the answers expected from 0.34 (tocsin) and 0.25.
struct Case {
    what: &'static str,
    method: &'static str,
    path: String,
    body: Option<String>,
    /// 0.34's answer.
    want: (u16, Body),
    /// 0.25's answer where it differs from 0.34's.
    upstream_025: Option<(u16, Body)>,
}

fn now_plus(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::now() + jiff::SignedDuration::from_secs(seconds)
}

/// A valid silence body with `changes` applied (`null` removes a field).
fn silence_with(changes: Value) -> String {
    let mut s = silence_json(
        json!([matcher("a", "=", "b")]),
        now_plus(0),
        now_plus(3600),
        "c",
    );
    for (k, v) in changes.as_object().into_iter().flatten() {
        if v.is_null() {
            s.as_object_mut().map(|o| o.remove(k));
        } else {
            s[k] = v.clone();
        }
    }
    s.to_string()
}

fn post(
    what: &'static str,
    changes: Value,
    want: (u16, Body),
    upstream_025: Option<(u16, Body)>,
) -> Case {
    Case {
        what,
        method: "POST",
        path: "/api/v2/silences".into(),
        body: Some(silence_with(changes)),
        want,
        upstream_025,
    }
}

fn raw(
    what: &'static str,
    method: &'static str,
    path: &str,
    body: Option<&str>,
    want: (u16, Body),
    upstream_025: Option<(u16, Body)>,
) -> Case {
    Case {
        what,
        method,
        path: path.to_owned(),
        body: body.map(str::to_owned),
        want,
        upstream_025,
    }
}

fn bad_input_cases() -> Vec<Case> {
    use Body::{Has, Is};
    let in_a_minute = now_plus(60).to_string();
    let m = |name: &str, op: &str, value: &str| matcher(name, op, value);
    vec![
        post(
            "no matchers",
            json!({"matchers": []}),
            (
                422,
                Is(r#"{"code":612,"message":"matchers in body should have at least 1 items"}"#),
            ),
            None,
        ),
        post(
            "a matcher matching everything",
            json!({"matchers": [m("a", "=~", ".*")]}),
            (
                400,
                Is(
                    r#""invalid silence: matcher set 0: at least one matcher must not match the empty string""#,
                ),
            ),
            Some((
                400,
                Is(r#""silence invalid: at least one matcher must not match the empty string""#),
            )),
        ),
        post(
            "matchers that all match the empty string",
            json!({"matchers": [m("a", "=~", ".*"), m("b", "=", "")]}),
            (
                400,
                Is(
                    r#""invalid silence: matcher set 0: at least one matcher must not match the empty string""#,
                ),
            ),
            Some((
                400,
                Is(r#""silence invalid: at least one matcher must not match the empty string""#),
            )),
        ),
        post(
            "end before start",
            json!({"startsAt": now_plus(3600).to_string(), "endsAt": now_plus(60).to_string()}),
            (
                400,
                Is(r#""Failed to create silence: start time must be before end time""#),
            ),
            None,
        ),
        post(
            "end equal to start",
            json!({"startsAt": in_a_minute, "endsAt": in_a_minute}),
            (
                400,
                Is(r#""Failed to create silence: start time must be before end time""#),
            ),
            None,
        ),
        post(
            "end in the past",
            json!({"startsAt": now_plus(-7200).to_string(), "endsAt": now_plus(-3600).to_string()}),
            (
                400,
                Is(r#""Failed to create silence: end time can't be in the past""#),
            ),
            None,
        ),
        post(
            "unknown ID",
            json!({"id": UNKNOWN}),
            (404, Is(r#""silence not found""#)),
            None,
        ),
        post(
            "an ID that is no UUID",
            json!({"id": "notauuid"}),
            (404, Is(r#""silence not found""#)),
            None,
        ),
        post(
            "invalid regular expression",
            json!({"matchers": [m("a", "=~", "(")]}),
            (
                400,
                Is(
                    r#""invalid silence: invalid label matcher 0 in set 0: invalid regular expression \"(\": error parsing regexp: missing closing ): `(`""#,
                ),
            ),
            Some((
                400,
                Is(
                    r#""silence invalid: invalid label matcher 0: invalid regular expression \"(\": error parsing regexp: missing closing ): `(`""#,
                ),
            )),
        ),
        post(
            "repeat count over 1000",
            json!({"matchers": [m("a", "=~", "x{2,1001}")]}),
            (
                400,
                Is(
                    r#""invalid silence: invalid label matcher 0 in set 0: invalid regular expression \"x{2,1001}\": error parsing regexp: invalid repeat count: `{2,1001}`""#,
                ),
            ),
            Some((
                400,
                Is(
                    r#""silence invalid: invalid label matcher 0: invalid regular expression \"x{2,1001}\": error parsing regexp: invalid repeat count: `{2,1001}`""#,
                ),
            )),
        ),
        // Go 1.22 (0.34's toolchain) accepts (?<name>…); Go 1.19 (0.25's) did not.
        post(
            "named group in Go 1.22 syntax",
            json!({"matchers": [m("a", "=~", "(?<n>x)")]}),
            (200, Has("silenceID")),
            Some((400, Has("invalid or unsupported Perl syntax: `(?<`"))),
        ),
        post(
            "empty label name",
            json!({"matchers": [m("", "=", "x")]}),
            (
                400,
                Is(
                    r#""invalid silence: invalid label matcher 0 in set 0: invalid label name \"\"""#,
                ),
            ),
            Some((
                400,
                Is(r#""silence invalid: invalid label matcher 0: invalid label name \"\"""#),
            )),
        ),
        // 0.34 validates label names as UTF-8 (the default matcher mode).
        post(
            "label name starting with a digit",
            json!({"matchers": [m("0a", "=", "x")]}),
            (200, Has("silenceID")),
            Some((
                400,
                Is(r#""silence invalid: invalid label matcher 0: invalid label name \"0a\"""#),
            )),
        ),
        post(
            "matcher without a value",
            json!({"matchers": [{"name": "a", "isRegex": false}]}),
            (
                422,
                Is(r#"{"code":602,"message":"matchers.0.value in body is required"}"#),
            ),
            None,
        ),
        post(
            "matcher without isRegex",
            json!({"matchers": [{"name": "a", "value": "x"}]}),
            (
                422,
                Is(r#"{"code":602,"message":"matchers.0.isRegex in body is required"}"#),
            ),
            None,
        ),
        post(
            "no startsAt",
            json!({"startsAt": null}),
            (
                422,
                Is(r#"{"code":602,"message":"startsAt in body is required"}"#),
            ),
            None,
        ),
        post(
            "no createdBy",
            json!({"createdBy": null}),
            (
                422,
                Is(r#"{"code":602,"message":"createdBy in body is required"}"#),
            ),
            None,
        ),
        post(
            "no comment",
            json!({"comment": null}),
            (
                422,
                Is(r#"{"code":602,"message":"comment in body is required"}"#),
            ),
            None,
        ),
        // The layout named in the message depends on go-openapi's version.
        post(
            "unparsable time",
            json!({"startsAt": "yesterday"}),
            (
                400,
                Has(r#"parsing silence body from \"\" failed, because parsing time \"yesterday\""#),
            ),
            None,
        ),
        raw(
            "truncated JSON",
            "POST",
            "/api/v2/silences",
            Some("{\"matchers\":"),
            (
                400,
                Is(
                    r#"{"code":400,"message":"parsing silence body from \"\" failed, because unexpected EOF"}"#,
                ),
            ),
            None,
        ),
        raw(
            "GET of an unknown ID",
            "GET",
            &format!("/api/v2/silence/{UNKNOWN}"),
            None,
            (404, Is("")),
            None,
        ),
        // 0.34 maps ErrNotFound to 404; 0.25 answered 500.
        raw(
            "DELETE of an unknown ID",
            "DELETE",
            &format!("/api/v2/silence/{UNKNOWN}"),
            None,
            (404, Is("")),
            Some((500, Is(r#""silence not found""#))),
        ),
        raw(
            "GET of a non-UUID ID",
            "GET",
            "/api/v2/silence/notauuid",
            None,
            (
                422,
                Is(
                    r#"{"code":601,"message":"silenceID in path must be of type uuid: \"notauuid\""}"#,
                ),
            ),
            None,
        ),
        raw(
            "DELETE of a non-UUID ID",
            "DELETE",
            "/api/v2/silence/notauuid",
            None,
            (
                422,
                Is(
                    r#"{"code":601,"message":"silenceID in path must be of type uuid: \"notauuid\""}"#,
                ),
            ),
            None,
        ),
        raw(
            "filter with an invalid regular expression",
            "GET",
            "/api/v2/silences?filter=a%3D~%22(%22",
            None,
            (
                400,
                Is(r#""error parsing regexp: missing closing ): `^(?:()$`""#),
            ),
            None,
        ),
        // No request size limit upstream: a 2 MB comment is a silence.
        post(
            "2 MB comment without a size limit",
            json!({"comment": "x".repeat(2 << 20)}),
            (200, Has("silenceID")),
            None,
        ),
    ]
}

/// Runs the cases against `server`; `upstream` picks 0.25's expectations.
fn check_cases(server: &Server, cases: &[Case], upstream: bool) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let (status, body) = match (upstream, case.upstream_025) {
            (true, Some(differs)) => differs,
            _ => case.want,
        };
        let r = support::http(case.method, &server.url(&case.path), case.body.as_deref());
        if r.status != status || !body.accepts(&r.body) {
            failures.push(format!(
                "{} ({} {}): got {} {:?}, expected {status} {body:?}",
                case.what,
                case.method,
                case.path,
                r.status,
                r.body.chars().take(300).collect::<String>()
            ));
        }
    }
    failures
}

/// The server still works after the bad input.
fn still_serving(server: &Server) -> Vec<String> {
    let mut failures = Vec::new();
    let healthy = server.get("/-/healthy");
    if healthy.status != 200 {
        failures.push(format!("/-/healthy after bad input: {}", healthy.status));
    }
    let body = silence_json(
        json!([matcher("after", "=", "bad input")]),
        now_plus(0),
        now_plus(60),
        "ok",
    );
    if let Err(e) = server.post_silence(&body) {
        failures.push(format!("a valid silence after bad input: {e}"));
    }
    failures
}

#[test]
fn bad_input_gets_upstream_answers() {
    let cases = bad_input_cases();
    let server = Server::start(QUIET, &[]);
    let mut failures = check_cases(&server, &cases, false);
    failures.extend(still_serving(&server));
    if let Some(binary) = upstream_binary("the bad-input answers against Alertmanager 0.25") {
        let upstream = Server::start_upstream(binary, QUIET, &[]).unwrap_or_else(|e| panic!("{e}"));
        failures.extend(
            check_cases(&upstream, &cases, true)
                .into_iter()
                .map(|f| format!("Alertmanager 0.25: {f}")),
        );
        failures.extend(
            still_serving(&upstream)
                .into_iter()
                .map(|f| format!("Alertmanager 0.25: {f}")),
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn silence_limits() {
    let server = Server::start(
        QUIET,
        &[
            "--silences.max-silences=3",
            "--silences.max-silence-size-bytes=1000",
        ],
    );
    let body = |owner: &str, comment: &str| {
        silence_json(
            json!([matcher("owner", "=", owner)]),
            now_plus(0),
            now_plus(3600),
            comment,
        )
    };
    let too_big = server.post(
        "/api/v2/silences",
        &body("big", &"x".repeat(2000)).to_string(),
    );
    let text: String = serde_json::from_str(&too_big.body).unwrap_or_default();
    let size: Option<u64> = text
        .strip_prefix("silence exceeded maximum size: ")
        .and_then(|rest| rest.strip_suffix(" bytes (limit: 1000 bytes)"))
        .and_then(|n| n.parse().ok());
    assert!(
        too_big.status == 400 && size.is_some_and(|n| n > 2000 && n < 2300),
        "oversized silence: {} {}",
        too_big.status,
        too_big.body
    );

    let first = server
        .post_silence(&body("one", "small"))
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .post_silence(&body("two", "small"))
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .post_silence(&body("three", "small"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = server.post("/api/v2/silences", &body("four", "small").to_string());
    assert_eq!(
        (r.status, r.body.trim_end()),
        (
            400,
            r#""exceeded maximum number of silences: 3 (limit: 3)""#
        )
    );
    // Expired silences count until they are garbage-collected.
    assert_eq!(
        server.delete(&format!("/api/v2/silence/{first}")).status,
        200
    );
    let r = server.post("/api/v2/silences", &body("four", "small").to_string());
    assert_eq!(
        (r.status, r.body.trim_end()),
        (
            400,
            r#""exceeded maximum number of silences: 3 (limit: 3)""#
        )
    );
    // An update in place is no new silence: allowed at the limit, but
    // still subject to the size limit.
    let second = server
        .get("/api/v2/silences?filter=owner%3D%22two%22")
        .json()[0]
        .clone();
    let id = second["id"].as_str().unwrap_or_default().to_owned();
    let mut update = body("two", "edited");
    update["id"] = json!(id);
    update["startsAt"] = second["startsAt"].clone();
    assert_eq!(server.post_silence(&update), Ok(id.clone()));
    update["comment"] = json!("x".repeat(2000));
    let r = server.post("/api/v2/silences", &update.to_string());
    assert!(
        r.status == 400 && r.body.contains("silence exceeded maximum size: "),
        "oversized update: {} {}",
        r.status,
        r.body
    );
    assert_eq!(server.get("/-/healthy").status, 200);
}

/// `(state, startsAt, endsAt)` of a silence.
fn times(server: &Server, id: &str) -> Result<(String, String, String), String> {
    let s = server.silence(id)?;
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    Ok((
        text(&s["status"]["state"]),
        text(&s["startsAt"]),
        text(&s["endsAt"]),
    ))
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Outcome {
    if cond { Ok(()) } else { Err(what()) }
}

/// Update in place versus a new ID (reference §2.4 `canUpdate`), and
/// expiry of active and pending silences.
fn update_rules(server: &Server) -> Outcome {
    let silence = |start: i64, end: i64| {
        silence_json(
            json!([matcher("rules", "=", "1")]),
            now_plus(start),
            now_plus(end),
            "c",
        )
    };
    let with_id = |mut body: Value, id: &str| {
        body["id"] = json!(id);
        body
    };

    // Active: same start (as stored: the server clamps a past start to
    // now) and a later end → same ID.
    let active = server.post_silence(&silence(0, 3600))?;
    let (state, starts, _) = times(server, &active)?;
    check(state == "active", || format!("new silence is {state}"))?;
    let mut extended = with_id(silence(0, 7200), &active);
    extended["startsAt"] = json!(starts);
    let same = server.post_silence(&extended)?;
    check(same == active, || {
        format!("extending an active silence gave {same}")
    })?;
    let mut comment_only = extended.clone();
    comment_only["comment"] = json!("edited");
    check(server.post_silence(&comment_only)? == active, || {
        "editing the comment must keep the ID".into()
    })?;
    check(server.silence(&active)?["comment"] == "edited", || {
        "comment not updated".into()
    })?;

    // Active with another start → new ID, the old one expired.
    let moved = server.post_silence(&with_id(silence(-60, 7200), &active))?;
    check(moved != active, || {
        "moving the start of an active silence must give a new ID".into()
    })?;
    let (old_state, _, _) = times(server, &active)?;
    check(old_state == "expired", || {
        format!("replaced silence is {old_state}")
    })?;
    check(times(server, &moved)?.0 == "active", || {
        "replacement not active".into()
    })?;

    // Expired → always a new ID; the expired one stays as it was.
    let before = times(server, &active)?;
    let revived = server.post_silence(&with_id(silence(0, 3600), &active))?;
    check(
        revived != active && times(server, &active)? == before,
        || "updating an expired silence must create a new one and leave it".into(),
    )?;

    // Other matchers → new ID, old expired.
    let mut other = with_id(silence(0, 3600), &revived);
    other["matchers"] = json!([matcher("rules", "=", "2")]);
    let renamed = server.post_silence(&other)?;
    check(
        renamed != revived && times(server, &revived)?.0 == "expired",
        || "changing matchers must expire the old silence and give a new ID".into(),
    )?;

    // Pending: a later start in the future → same ID; a start in the past
    // → new ID (started now), the pending one expired with start = end.
    let pending = server.post_silence(&silence(3600, 7200))?;
    check(times(server, &pending)?.0 == "pending", || {
        "future silence not pending".into()
    })?;
    check(
        server.post_silence(&with_id(silence(1800, 7200), &pending))? == pending,
        || "moving a pending silence within the future must keep its ID".into(),
    )?;
    let started = server.post_silence(&with_id(silence(-60, 7200), &pending))?;
    let (state, starts, ends) = times(server, &pending)?;
    check(
        started != pending && state == "expired" && starts == ends,
        || format!("pending silence after a past start: {state} {starts} {ends}"),
    )?;
    let (state, _, _) = times(server, &started)?;
    check(state == "active", || format!("its replacement is {state}"))?;

    // DELETE of a pending silence: start = end = now, expired; again: 200.
    let doomed = server.post_silence(&silence(3600, 7200))?;
    for _ in 0..2 {
        let r = server.delete(&format!("/api/v2/silence/{doomed}"));
        check(r.status == 200, || {
            format!("DELETE pending: {} {}", r.status, r.body)
        })?;
    }
    let (state, starts, ends) = times(server, &doomed)?;
    check(state == "expired" && starts == ends, || {
        format!("deleted pending silence: {state} {starts} {ends}")
    })
}

/// `GET /api/v2/silences`: active by end ascending, then pending by start
/// ascending, then expired by end descending; `filter` compares matchers
/// literally.
fn listing_order(server: &Server) -> Outcome {
    let owner = |o: &str| json!([matcher("order", "=", "x"), matcher("owner", "=", o)]);
    let make = |o: &str, start: i64, end: i64| {
        server.post_silence(&silence_json(owner(o), now_plus(start), now_plus(end), o))
    };
    let expired_early = make("expired-early", 0, 3600)?;
    server.delete(&format!("/api/v2/silence/{expired_early}"));
    std::thread::sleep(Duration::from_millis(20));
    let expired_late = make("expired-late", 0, 3600)?;
    server.delete(&format!("/api/v2/silence/{expired_late}"));
    let active_3h = make("active-3h", 0, 3 * 3600)?;
    let pending_2h = make("pending-2h", 2 * 3600, 4 * 3600)?;
    let active_1h = make("active-1h", 0, 3600)?;
    let pending_1h = make("pending-1h", 3600, 5 * 3600)?;
    let active_2h = make("active-2h", 0, 2 * 3600)?;
    let listed = server.get("/api/v2/silences?filter=order%3D%22x%22").json();
    let ids: Vec<&str> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    let want = [
        &active_1h,
        &active_2h,
        &active_3h,
        &pending_1h,
        &pending_2h,
        &expired_late,
        &expired_early,
    ];
    check(ids == want, || {
        let names: Vec<&str> = listed
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["comment"].as_str())
            .collect();
        format!("order: {names:?}")
    })?;
    // A regex filter only finds silences with that very regex matcher.
    let regex = server
        .get("/api/v2/silences?filter=order%3D~%22x%22")
        .json();
    check(regex == json!([]), || {
        format!("filter order=~\"x\": {regex}")
    })
}

/// 0.34's `active` / `pending` / `expired` query flags (0.25 ignores them).
fn state_flags(server: &Server) -> Outcome {
    let listed = |query: &str| -> Vec<String> {
        let v = server
            .get(&format!("/api/v2/silences?filter=order%3D%22x%22&{query}"))
            .json();
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["status"]["state"].as_str().map(str::to_owned))
            .collect()
    };
    let only_pending = listed("active=false&expired=false");
    check(only_pending == ["pending", "pending"], || {
        format!("pending only: {only_pending:?}")
    })?;
    let not_expired = listed("expired=false");
    check(
        not_expired.len() == 5 && !not_expired.iter().any(|s| s == "expired"),
        || format!("expired=false: {not_expired:?}"),
    )
}

#[test]
fn update_rules_and_listing_order() {
    let server = Server::start(QUIET, &[]);
    let mut failures: Vec<String> = [
        update_rules(&server),
        listing_order(&server),
        state_flags(&server),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if let Some(binary) = upstream_binary("the silence update rules against Alertmanager 0.25") {
        let upstream = Server::start_upstream(binary, QUIET, &[]).unwrap_or_else(|e| panic!("{e}"));
        failures.extend(
            [update_rules(&upstream), listing_order(&upstream)]
                .into_iter()
                .filter_map(Result::err)
                .map(|e| format!("Alertmanager 0.25: {e}")),
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
