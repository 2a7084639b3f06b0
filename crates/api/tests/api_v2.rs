//! API v2 over real HTTP against the in-memory core. Expected bodies follow
//! captures of Alertmanager 0.25 for the same requests (fingerprints,
//! field order, escaping, status codes, error texts), adjusted where 0.34
//! differs as noted.

mod support;

use support::{Server, labels, ts};
use tocsin_api::{Alert, ApiOptions, DateTime, Silence, SilenceMatcher};
use tocsin_model::MatchType;

const TWO_ALERTS: &str = r#"[{"labels":{"alertname":"Test","instance":"b","severity":"warning","team":"a"},"annotations":{"summary":"s1"}},{"labels":{"alertname":"Test","instance":"b","severity":"critical"},"generatorURL":"http://x/y"}]"#;

// The two alerts as 0.25 returned them (plus 0.34's `mutedBy`), with the
// test clock at 05:00:00 and resolve_timeout 5m.
const CRITICAL: &str = r#"{"annotations":{},"endsAt":"2026-11-21T05:05:00.000Z","fingerprint":"d9f2464086155b19","receivers":[{"name":"team-b"}],"startsAt":"2026-11-21T05:00:00.000Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-21T05:00:00.000Z","generatorURL":"http://x/y","labels":{"alertname":"Test","instance":"b","severity":"critical"}}"#;
const WARNING: &str = r#"{"annotations":{"summary":"s1"},"endsAt":"2026-11-21T05:05:00.000Z","fingerprint":"efd7abc189e330ee","receivers":[{"name":"team-a"}],"startsAt":"2026-11-21T05:00:00.000Z","status":{"inhibitedBy":["d9f2464086155b19"],"mutedBy":[],"silencedBy":[],"state":"suppressed"},"updatedAt":"2026-11-21T05:00:00.000Z","labels":{"alertname":"Test","instance":"b","severity":"warning","team":"a"}}"#;

async fn with_two_alerts() -> Server {
    let s = Server::start(ApiOptions::default()).await;
    let r = s.post_json("/api/v2/alerts", TWO_ALERTS).await;
    assert_eq!(r.status, 200, "{}", r.text());
    s
}

#[tokio::test]
async fn post_then_get_alerts() {
    let s = with_two_alerts().await;
    let stored = s.core.alerts.lock().unwrap().clone();
    assert!(
        stored.iter().all(|a| a.timeout),
        "endsAt came from resolve_timeout"
    );

    let r = s.get("/api/v2/alerts").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("vary"), Some("Origin"));
    assert_eq!(r.text(), format!("[{CRITICAL},{WARNING}]\n"));
}

#[tokio::test]
async fn post_alerts_response_and_defaults() {
    let s = Server::start(ApiOptions::default()).await;
    let r = s
        .post_json(
            "/api/v2/alerts",
            r#"[{"labels":{"alertname":"Off","empty":""},"startsAt":"2026-11-21T06:00:00.123456+01:00"},{"labels":{"alertname":"Res"},"endsAt":"2026-11-21T04:00:00Z"}]"#,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"");
    assert_eq!(
        r.header("content-type"),
        None,
        "go-swagger removes the content type"
    );
    let stored = s.core.alerts.lock().unwrap().clone();
    let off = stored
        .iter()
        .find(|a| a.labels.get("alertname") == Some("Off"))
        .unwrap();
    assert_eq!(off.labels.len(), 1, "empty-valued labels are removed");
    assert_eq!(
        off.starts_at.to_api_string(),
        "2026-11-21T06:00:00.123+01:00",
        "offset kept"
    );
    let res = stored
        .iter()
        .find(|a| a.labels.get("alertname") == Some("Res"))
        .unwrap();
    assert_eq!(res.starts_at, res.ends_at, "startsAt defaults to endsAt");
    assert!(!res.timeout);
    let metrics = s.metrics.render();
    assert!(
        metrics
            .contains("alertmanager_alerts_received_total{status=\"firing\",version=\"v2\"} 1\n")
    );
    assert!(
        metrics
            .contains("alertmanager_alerts_received_total{status=\"resolved\",version=\"v2\"} 1\n")
    );

    // Resolved alerts are not listed; the offset survives on the way out.
    let r = s.get("/api/v2/alerts").await;
    assert!(
        r.text()
            .contains(r#""startsAt":"2026-11-21T06:00:00.123+01:00""#),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("Res"));
}

#[tokio::test]
async fn post_alerts_errors() {
    let s = Server::start(ApiOptions::default()).await;
    // Best effort: the valid alert is stored, the errors are joined (0.34:
    // one per line; 0.25 joined with "; ").
    let r = s
        .post_json(
            "/api/v2/alerts",
            r#"[{"labels":{}},{"labels":{"a":"b"},"startsAt":"2026-11-21T06:00:00+01:00","endsAt":"2026-11-21T04:00:00Z"},{"labels":{"ok":"1"}}]"#,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.text(),
        "\"at least one label pair required\\nstart time must be before end time\"\n"
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(s.core.alerts.lock().unwrap().len(), 1);
    assert!(
        s.metrics
            .render()
            .contains("alertmanager_alerts_invalid_total{version=\"v2\"} 2\n")
    );

    let r = s.post_json("/api/v2/alerts", "").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            422,
            r#"{"code":602,"message":"alerts in body is required"}"#
        )
    );
    let r = s
        .post_json("/api/v2/alerts", r#"[{"annotations":{}}]"#)
        .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            422,
            r#"{"code":602,"message":"0.labels in body is required"}"#
        )
    );
    let r = s
        .post_json(
            "/api/v2/alerts",
            r#"[{"labels":{"a":"b"},"generatorURL":"not a url"}]"#,
        )
        .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            422,
            r#"{"code":601,"message":"0.generatorURL in body must be of type uri: \"not a url\""}"#
        )
    );
    let r = s
        .post_json("/api/v2/alerts", r#"[{"labels":{"a":"b"}"#)
        .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            r#"{"code":400,"message":"parsing alerts body from \"\" failed, because unexpected EOF"}"#
        )
    );
    let r = s
        .post_json(
            "/api/v2/alerts",
            r#"[{"labels":{"a":"b"},"startsAt":"yesterday"}]"#,
        )
        .await;
    assert_eq!(
        r.text(),
        r#"{"code":400,"message":"parsing alerts body from \"\" failed, because parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\""}"#
    );
    let r = s
        .send(
            "POST",
            "/api/v2/alerts",
            &[("Content-Type", "text/plain")],
            b"[]",
        )
        .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            415,
            r#"{"code":415,"message":"unsupported media type \"text/plain\", only [application/json] are allowed"}"#
        )
    );
    let r = s.send("POST", "/api/v2/alerts", &[], b"[]").await;
    assert_eq!(r.status, 415);
    assert!(r.text().contains("application/octet-stream"));
    let r = s
        .send(
            "POST",
            "/api/v2/alerts",
            &[("Content-Type", "application/json; charset=utf-8")],
            b"[]",
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn alert_groups() {
    let s = with_two_alerts().await;
    let r = s.get("/api/v2/alerts/groups").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text(),
        format!(
            r#"[{{"alerts":[{WARNING}],"labels":{{"alertname":"Test"}},"receiver":{{"name":"team-a"}},"routeLabels":{{"team":"a"}}}},{{"alerts":[{CRITICAL}],"labels":{{"alertname":"Test"}},"receiver":{{"name":"team-b"}},"routeLabels":{{}}}}]
"#
        )
    );

    // A group muted by a time interval: state suppressed, mutedBy listed,
    // dropped with muted=false.
    s.core
        .muted
        .lock()
        .unwrap()
        .insert("team-b".into(), vec!["night".into()]);
    let r = s.get("/api/v2/alerts/groups").await;
    assert!(r.text().contains(r#""status":{"inhibitedBy":[],"mutedBy":["night"],"silencedBy":[],"state":"suppressed"}"#), "{}", r.text());
    let r = s.get("/api/v2/alerts/groups?muted=false").await;
    assert!(!r.text().contains("team-b"));
    assert!(r.text().contains("team-a"));

    // Receiver regex (anchored) and its error text.
    let r = s.get("/api/v2/alerts/groups?receiver=team-").await;
    assert_eq!(r.text(), "[]\n");
    let r = s.get("/api/v2/alerts/groups?receiver=team-.").await;
    assert!(r.text().contains("team-a") && r.text().contains("team-b"));
    let r = s.get("/api/v2/alerts/groups?receiver=(x").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            "\"failed to parse receiver param: error parsing regexp: missing closing ): `^(?:(x)$`\"\n"
        )
    );
}

#[tokio::test]
async fn group_alert_order_and_receivers() {
    let s = Server::start(ApiOptions::default()).await;
    let now = DateTime::utc(ts("2026-11-21T05:00:00Z"));
    let later = DateTime::utc(ts("2026-11-21T06:00:00Z"));
    let alert = |pairs: &[(&str, &str)]| Alert {
        labels: labels(pairs).into(),
        annotations: Default::default(),
        starts_at: now,
        ends_at: later,
        updated_at: now,
        generator_url: String::new(),
        timeout: false,
    };
    *s.core.alerts.lock().unwrap() = vec![
        alert(&[("alertname", "A"), ("instance", "z"), ("job", "b")]),
        alert(&[("alertname", "A"), ("job", "a")]),
        alert(&[("alertname", "A"), ("instance", "y")]),
        alert(&[("alertname", "A"), ("team", "a"), ("severity", "critical")]),
    ];
    let r = s.get("/api/v2/alerts/groups").await;
    let text = r.text();
    // default group: job=a, job=b, then the alert without job.
    let pos = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing in {text}"))
    };
    assert!(pos(r#""job":"a""#) < pos(r#""job":"b""#));
    assert!(pos(r#""job":"b""#) < pos(r#""instance":"y""#));
    // An alert in two groups lists both receivers, sorted.
    assert!(
        text.contains(r#""receivers":[{"name":"team-a"},{"name":"team-b"}]"#),
        "{text}"
    );
}

#[tokio::test]
async fn alert_status_flags() {
    let s = with_two_alerts().await;
    let r = s.get("/api/v2/alerts?active=false").await;
    assert_eq!(r.text(), format!("[{WARNING}]\n"));
    let r = s.get("/api/v2/alerts?inhibited=false").await;
    assert_eq!(r.text(), format!("[{CRITICAL}]\n"));
    let r = s.get("/api/v2/alerts?inhibited=maybe").await;
    assert_eq!(
        r.text(),
        format!("[{CRITICAL}]\n"),
        "unknown words are false"
    );
    let r = s.get("/api/v2/alerts?inhibited=&active=").await;
    assert_eq!(
        r.text(),
        format!("[{CRITICAL},{WARNING}]\n"),
        "empty values keep the default"
    );
    let r = s.get("/api/v2/alerts?receiver=team-b").await;
    assert_eq!(r.text(), format!("[{CRITICAL}]\n"));

    // Once the clock passes endsAt the alerts disappear.
    s.core.set_now("2026-11-21T05:06:00Z");
    assert_eq!(s.get("/api/v2/alerts").await.text(), "[]\n");
}

#[tokio::test]
async fn alert_filters() {
    let s = with_two_alerts().await;
    let r = s
        .get("/api/v2/alerts?filter=severity%3D%22critical%22")
        .await;
    assert_eq!(r.text(), format!("[{CRITICAL}]\n"));
    let r = s.get("/api/v2/alerts?filter=team%3D").await;
    assert_eq!(
        r.text(),
        format!("[{CRITICAL}]\n"),
        "`team=` keeps alerts without the label"
    );
    let r = s.get("/api/v2/alerts?filter=team!%3D").await;
    assert_eq!(
        r.text(),
        format!("[{WARNING}]\n"),
        "`team!=` keeps alerts having it"
    );
    let r = s
        .get("/api/v2/alerts?filter=alertname%3DTest&filter=severity%3D~warn.*")
        .await;
    assert_eq!(r.text(), format!("[{WARNING}]\n"));
    let r = s.get("/api/v2/alerts?filter=foo").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "\"bad matcher format: foo\"\n")
    );
    // 0.34 rejects braces in single-matcher contexts (0.25: "bad matcher format: {foo=bar}").
    let r = s.get("/api/v2/alerts?filter=%7Bfoo%3Dbar%7D").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "\"unexpected open or close brace: {foo=bar}\"\n")
    );
    let r = s.get("/api/v2/alerts?receiver_matchers=owner%3Db").await;
    assert_eq!(r.text(), format!("[{CRITICAL}]\n"));
    let r = s.get("/api/v2/alerts?receiver_matchers=foo").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            "\"failed to parse receiver_matchers param: bad matcher format: foo\"\n"
        )
    );
    let r = s
        .get("/api/v2/alerts/groups?receiver_matchers=owner%3Da")
        .await;
    assert!(r.text().contains("team-a") && !r.text().contains("team-b"));
}

fn silence(id: &str, name: &str, value: &str, starts: &str, ends: &str) -> Silence {
    Silence {
        id: id.into(),
        matchers: vec![SilenceMatcher {
            name: name.into(),
            value: value.into(),
            kind: MatchType::Equal,
        }],
        starts_at: ts(starts),
        ends_at: ts(ends),
        updated_at: ts("2026-11-21T04:00:00Z"),
        created_by: "me".into(),
        comment: "c".into(),
        annotations: Default::default(),
    }
}

#[tokio::test]
async fn silences_lifecycle() {
    let s = Server::start(ApiOptions::default()).await;
    let body = r#"{"matchers":[{"name":"instance","value":"b","isRegex":false}],"startsAt":"2026-11-21T04:00:00Z","endsAt":"2027-01-01T00:00:00+01:00","createdBy":"<me>","comment":"c&"}"#;
    let r = s.post_json("/api/v2/silences", body).await;
    assert_eq!(r.status, 200);
    let id = "00000001-0000-4000-8000-000000000001";
    assert_eq!(r.text(), format!("{{\"silenceID\":\"{id}\"}}\n"));

    // 0.34 reports silence times in UTC; gettable silences are HTML-escaped.
    let expected = format!(
        r#"{{"id":"{id}","status":{{"state":"active"}},"updatedAt":"2026-11-21T05:00:00.000Z","comment":"c\u0026","createdBy":"\u003cme\u003e","endsAt":"2026-12-31T23:00:00.000Z","matchers":[{{"isEqual":true,"isRegex":false,"name":"instance","value":"b"}}],"startsAt":"2026-11-21T05:00:00.000Z"}}"#
    );
    let r = s.get(&format!("/api/v2/silence/{id}")).await;
    assert_eq!((r.status, r.text()), (200, format!("{expected}\n")));
    let r = s.get("/api/v2/silences").await;
    assert_eq!(r.text(), format!("[{expected}]\n"));

    let r = s
        .send("DELETE", &format!("/api/v2/silence/{id}"), &[], b"")
        .await;
    assert_eq!(
        (r.status, r.body.len(), r.header("content-type")),
        (200, 0, None)
    );
    let r = s.get(&format!("/api/v2/silence/{id}")).await;
    assert!(r.text().contains(r#""status":{"state":"expired"}"#));

    // Unknown IDs: 404 with an empty body; non-UUIDs: 422.
    let unknown = "/api/v2/silence/00000000-0000-0000-0000-000000000000";
    let r = s.get(unknown).await;
    assert_eq!(
        (r.status, r.body.len(), r.header("content-type")),
        (404, 0, None)
    );
    let r = s.send("DELETE", unknown, &[], b"").await;
    assert_eq!(
        (r.status, r.body.len()),
        (404, 0),
        "0.34 (0.25 answered 500 \"silence not found\")"
    );
    let r = s.get("/api/v2/silence/xyz").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            422,
            r#"{"code":601,"message":"silenceID in path must be of type uuid: \"xyz\""}"#
        )
    );
    let r = s.send("DELETE", "/api/v2/silence/xyz", &[], b"").await;
    assert_eq!(r.status, 422);
}

#[tokio::test]
async fn silence_post_errors() {
    let s = Server::start(ApiOptions::default()).await;
    let post = |body: String| {
        let s = &s;
        async move { s.post_json("/api/v2/silences", &body).await }
    };
    let with = |matchers: &str, starts: &str, ends: &str, extra: &str| {
        format!(
            r#"{{"matchers":{matchers},"startsAt":"{starts}","endsAt":"{ends}","createdBy":"me","comment":"c"{extra}}}"#
        )
    };
    let one = r#"[{"name":"a","value":"x","isRegex":false}]"#;
    let r = post(with(
        one,
        "2026-11-21T05:00:00Z",
        "2026-01-01T00:00:00Z",
        "",
    ))
    .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            "\"Failed to create silence: start time must be before end time\"\n"
        )
    );
    let r = post(with(
        one,
        "2026-11-21T04:00:00Z",
        "2026-11-21T04:30:00Z",
        "",
    ))
    .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            "\"Failed to create silence: end time can't be in the past\"\n"
        )
    );
    let r = post(with(
        one,
        "2026-11-21T05:00:00Z",
        "2027-01-01T00:00:00Z",
        r#","id":"0b0e2e1e-0000-4000-8000-000000000000""#,
    ))
    .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (404, "\"silence not found\"\n")
    );
    let r = post(with(
        r#"[{"name":"","value":"x","isRegex":false}]"#,
        "2026-11-21T05:00:00Z",
        "2027-01-01T00:00:00Z",
        "",
    ))
    .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            "\"invalid silence: invalid label matcher 0 in set 0: invalid label name \\\"\\\"\"\n"
        )
    );
    let r = post(with(
        "[]",
        "2026-11-21T05:00:00Z",
        "2027-01-01T00:00:00Z",
        "",
    ))
    .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            422,
            r#"{"code":612,"message":"matchers in body should have at least 1 items"}"#
        )
    );
    let r = post("{}".into()).await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            422,
            r#"{"code":602,"message":"comment in body is required"}"#
        )
    );
    let r = post(r#"{"matchers":[{"name":"a","value":"x","isRegex":"no"}]}"#.into()).await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            400,
            r#"{"code":400,"message":"parsing silence body from \"\" failed, because json: cannot unmarshal string into Go struct field Matcher.matchers.isRegex of type bool"}"#
        )
    );
    // Update in place keeps the ID.
    let r = post(with(
        one,
        "2026-11-21T05:00:00Z",
        "2027-01-01T00:00:00Z",
        "",
    ))
    .await;
    assert_eq!(r.status, 200);
    let id = "00000001-0000-4000-8000-000000000001";
    let r = post(with(
        one,
        "2026-11-21T05:00:00Z",
        "2027-02-01T00:00:00Z",
        &format!(r#","id":"{id}""#),
    ))
    .await;
    assert_eq!(r.text(), format!("{{\"silenceID\":\"{id}\"}}\n"));
}

#[tokio::test]
async fn silence_listing_order_states_and_filters() {
    let s = Server::start(ApiOptions::default()).await;
    *s.core.silences.lock().unwrap() = vec![
        silence(
            "00000000-0000-4000-8000-00000000000a",
            "x",
            "1",
            "2026-11-21T04:00:00Z",
            "2026-11-21T07:00:00Z",
        ),
        silence(
            "00000000-0000-4000-8000-00000000000b",
            "x",
            "2",
            "2026-11-21T04:00:00Z",
            "2026-11-21T06:00:00Z",
        ),
        silence(
            "00000000-0000-4000-8000-00000000000c",
            "y",
            "1",
            "2026-11-21T08:00:00Z",
            "2026-11-21T09:00:00Z",
        ),
        silence(
            "00000000-0000-4000-8000-00000000000d",
            "y",
            "2",
            "2026-11-21T06:00:00Z",
            "2026-11-21T09:00:00Z",
        ),
        silence(
            "00000000-0000-4000-8000-00000000000e",
            "z",
            "1",
            "2026-11-21T01:00:00Z",
            "2026-11-21T02:00:00Z",
        ),
        silence(
            "00000000-0000-4000-8000-00000000000f",
            "z",
            "2",
            "2026-11-21T01:00:00Z",
            "2026-11-21T03:00:00Z",
        ),
    ];
    let ids = |text: String| -> String {
        text.match_indices("\"id\":\"")
            .map(|(i, _)| text.get(i + 41..i + 42).unwrap_or("?").to_owned())
            .collect()
    };
    // Active by endsAt asc, pending by startsAt asc, expired by endsAt desc.
    assert_eq!(ids(s.get("/api/v2/silences").await.text()), "badcfe");
    assert_eq!(
        ids(s.get("/api/v2/silences?active=false").await.text()),
        "dcfe"
    );
    assert_eq!(
        ids(s
            .get("/api/v2/silences?expired=false&pending=0")
            .await
            .text()),
        "ba"
    );
    let r = s.get("/api/v2/silences?filter=x%3D%221%22").await;
    assert_eq!(
        ids(r.text()),
        "a",
        "exact equality of name, operator and value"
    );
    let r = s.get("/api/v2/silences?filter=x%3D~%221%22").await;
    assert_eq!(
        r.text(),
        "[]\n",
        "a regex filter does not equal an equality matcher"
    );
    let r = s.get("/api/v2/silences?filter=foo").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "\"bad matcher format: foo\"\n")
    );
    let text = s.get("/api/v2/silences").await.text();
    assert!(
        text.contains(r#""status":{"state":"pending"}"#)
            && text.contains(r#""status":{"state":"expired"}"#)
    );
}

#[tokio::test]
async fn receivers_and_status() {
    let s = Server::start(ApiOptions::default()).await;
    let r = s.get("/api/v2/receivers").await;
    assert_eq!(
        r.text(),
        "[{\"labels\":{\"name\":\"default\"},\"name\":\"default\"},{\"labels\":{\"name\":\"team-a\",\"owner\":\"a\"},\"name\":\"team-a\"},{\"labels\":{\"name\":\"team-b\",\"owner\":\"b\"},\"name\":\"team-b\"}]\n"
    );
    let r = s.get("/api/v2/receivers?receiver_matchers=owner%3Db").await;
    assert_eq!(
        r.text(),
        "[{\"labels\":{\"name\":\"team-b\",\"owner\":\"b\"},\"name\":\"team-b\"}]\n"
    );
    let r = s.get("/api/v2/status").await;
    assert_eq!(
        r.text(),
        "{\"cluster\":{\"peers\":[],\"status\":\"disabled\"},\"config\":{\"original\":\"route:\\n  receiver: default\\n\"},\"uptime\":\"2026-11-21T04:00:00.500Z\",\"versionInfo\":{\"branch\":\"main\",\"buildDate\":\"20261121-00:00:00\",\"buildUser\":\"me@host\",\"goVersion\":\"rustc 1.95\",\"revision\":\"abc\",\"version\":\"0.34.0\"}}\n"
    );
}

#[tokio::test]
async fn routing_errors_and_negotiation() {
    let s = Server::start(ApiOptions::default()).await;
    let r = s.send("PUT", "/api/v2/alerts", &[], b"").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET,POST")));
    assert_eq!(
        r.text(),
        r#"{"code":405,"message":"method PUT is not allowed, but [GET,POST] are"}"#
    );
    let r = s.send("HEAD", "/api/v2/status", &[], b"").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET")));
    let r = s.get("/api/v2/foo").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            404,
            r#"{"code":404,"message":"path /api/v2/foo was not found"}"#
        )
    );
    let r = s.get("/api/v2/").await;
    assert_eq!(
        r.text(),
        r#"{"code":404,"message":"path /api/v2/ was not found"}"#
    );
    let r = s.get("/api/v2/alerts/").await;
    assert_eq!((r.status, r.text().as_str()), (200, "[]\n"));
    let r = s.get("/api/v2").await;
    assert_eq!((r.status, r.header("location")), (301, Some("/api/v2/")));
    let r = s.get("/api/v2//alerts?x=1").await;
    assert_eq!(
        (r.status, r.header("location")),
        (301, Some("/api/v2/alerts?x=1"))
    );
    assert_eq!(
        r.text(),
        "<a href=\"/api/v2/alerts?x=1\">Moved Permanently</a>.\n\n"
    );
    let r = s
        .send("GET", "/api/v2/receivers", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (
            406,
            r#"{"code":406,"message":"unsupported media type requested, only [application/json] are available"}"#
        )
    );
    let r = s
        .send(
            "GET",
            "/api/v2/receivers",
            &[("Accept", "text/html, application/json;q=0.9")],
            b"",
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn cors() {
    let s = Server::start(ApiOptions::default()).await;
    let r = s
        .send(
            "OPTIONS",
            "/api/v2/status",
            &[
                ("Origin", "http://x"),
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            b"",
        )
        .await;
    assert_eq!(r.status, 204, "rs/cors 1.11 answers preflights with 204");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-allow-methods"), Some("GET"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("content-type")
    );
    assert_eq!(
        r.header("vary"),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    );
    assert_eq!(r.header("cache-control"), None);

    let r = s
        .send(
            "OPTIONS",
            "/api/v2/status",
            &[
                ("Origin", "http://x"),
                ("Access-Control-Request-Method", "DELETE"),
            ],
            b"",
        )
        .await;
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (204, None)
    );
    let r = s.send("OPTIONS", "/api/v2/status", &[], b"").await;
    assert_eq!(
        (r.status, r.header("allow")),
        (405, Some("GET")),
        "not a preflight"
    );

    let r = s
        .send("GET", "/api/v2/status", &[("Origin", "http://x")], b"")
        .await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("vary"), Some("Origin"));
    let r = s
        .send(
            "DELETE",
            "/api/v2/silence/00000000-0000-0000-0000-000000000000",
            &[("Origin", "http://x")],
            b"",
        )
        .await;
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (404, None),
        "DELETE is not a CORS-simple method"
    );
}
