//! The template layer's API beyond byte-for-byte rendering (which
//! `template_oracle_cases.rs` covers): loading user files, route labels,
//! `title` against amtool, preview data and alert files.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use tocsin_alerting::alert::AlertStatus;
use tocsin_notify::data::TemplateData;
use tocsin_notify::template::{
    Templates, parse_alerts_json, parse_data_json, preview_data, sample_alerts, sample_data,
};

fn data(json: &str) -> TemplateData {
    parse_data_json(json).expect("valid data JSON")
}

fn simple_data() -> TemplateData {
    data(
        r#"{"receiver":"team","status":"firing","externalURL":"http://am",
            "groupLabels":{"alertname":"A"},"commonLabels":{"alertname":"A","sev":"page"},
            "alerts":[{"status":"firing","labels":{"alertname":"A","sev":"page"},
                       "startsAt":"2026-01-01T00:00:00Z","generatorURL":"http://g"}]}"#,
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

// ---- title ----------------------------------------------------------------

fn title_cases() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_cases/title.json"),
    )
    .expect("title.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("input").to_owned(),
                pair[1].as_str().expect("output").to_owned(),
            )
        })
        .collect()
}

fn render_title(templates: &Templates, input: &str) -> String {
    let mut json = serde_json::Map::new();
    json.insert("v".to_owned(), serde_json::Value::from(input));
    let data_json = serde_json::json!({ "commonAnnotations": json }).to_string();
    templates
        .execute_text("{{ .CommonAnnotations.v | title }}", &data(&data_json))
        .expect("title renders")
}

// Expected outputs recorded from amtool 0.25.0 (`amtool template render`),
// whose `title` is x/text's cases.Title(language.AmericanEnglish) as in 0.34.
#[test]
fn title_matches_recorded_amtool_output() {
    let templates = Templates::builtin();
    let cases = title_cases();
    assert!(cases.len() > 50);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let got = render_title(&templates, input);
            (got != *expected).then(|| format!("{input:?}: expected {expected:?}, got {got:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "title differs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn title_matches_amtool() {
    let amtool = Path::new("/usr/bin/amtool");
    if !amtool.exists() {
        eprintln!("SKIPPED title_matches_amtool: /usr/bin/amtool is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs: Vec<String> = title_cases().into_iter().map(|(i, _)| i).collect();
    let annotations: serde_json::Map<String, serde_json::Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("k{i:03}"), serde_json::Value::from(v.as_str())))
        .collect();
    let data_path = write(
        dir.path(),
        "data.json",
        &serde_json::json!({"receiver": "r", "status": "firing", "alerts": [],
            "groupLabels": {}, "commonLabels": {}, "commonAnnotations": annotations,
            "externalURL": "http://x"})
        .to_string(),
    );
    let glob = write(dir.path(), "t.tmpl", "x");
    let output = std::process::Command::new(amtool)
        .args(["template", "render"])
        .arg(format!("--template.glob={}", glob.display()))
        .arg(r#"--template.text={{ range .CommonAnnotations.SortedPairs }}{{ .Value | title }}{{ "\u001e" }}{{ end }}"#)
        .arg(format!("--template.data={}", data_path.display()))
        .output()
        .expect("run amtool");
    assert!(output.status.success(), "amtool failed: {output:?}");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let templates = Templates::builtin();
    for (input, expected) in inputs.iter().zip(stdout.split('\u{1e}')) {
        assert_eq!(
            render_title(&templates, input),
            expected,
            "title of {input:?}"
        );
    }
}

// ---- loading files --------------------------------------------------------

#[test]
fn user_files_load_after_builtins_in_glob_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "b.tmpl",
        r#"{{ define "mine" }}from b{{ end }}B top"#,
    );
    write(
        dir.path(),
        "a.tmpl",
        r#"{{ define "mine" }}from a{{ end }}{{ define "__subject" }}custom subject{{ end }}"#,
    );
    write(
        dir.path(),
        "c.txt",
        r#"{{ define "mine" }}from c.txt{{ end }}"#,
    );
    let templates =
        Templates::from_globs(&[dir.path().join("*.tmpl"), dir.path().join("nothing-*.tmpl")])
            .expect("load");
    let d = simple_data();
    // b.tmpl sorts after a.tmpl, so its definition wins; c.txt is not matched.
    assert_eq!(
        templates
            .execute_text(r#"{{ template "mine" . }}"#, &d)
            .unwrap(),
        "from b"
    );
    // Each file is also a template named after its base name.
    assert_eq!(
        templates
            .execute_text(r#"{{ template "b.tmpl" . }}"#, &d)
            .unwrap(),
        "B top"
    );
    // Redefining a building block changes the built-ins that use it.
    assert_eq!(
        templates
            .execute_text(r#"{{ template "slack.default.title" . }}"#, &d)
            .unwrap(),
        "custom subject"
    );
    // The built-ins themselves are untouched.
    assert_eq!(
        Templates::builtin()
            .execute_text(r#"{{ template "slack.default.title" . }}"#, &d)
            .unwrap(),
        "[FIRING:1] A (page)"
    );
    // A later glob overrides an earlier one.
    let later =
        Templates::from_globs(&[dir.path().join("*.tmpl"), dir.path().join("*.txt")]).unwrap();
    assert_eq!(
        later
            .execute_text(r#"{{ template "mine" . }}"#, &d)
            .unwrap(),
        "from c.txt"
    );
}

#[test]
fn empty_redefinition_does_not_replace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let glob = write(
        dir.path(),
        "x.tmpl",
        r#"{{ define "__subject" }} {{ end }}"#,
    );
    let templates = Templates::from_globs(&[glob]).expect("load");
    assert_eq!(
        templates
            .execute_text(r#"{{ template "__subject" . }}"#, &simple_data())
            .unwrap(),
        "[FIRING:1] A (page)"
    );
}

#[test]
fn syntax_errors_name_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "good.tmpl", r#"{{ define "ok" }}ok{{ end }}"#);
    let bad = write(
        dir.path(),
        "bad.tmpl",
        "line one\n{{ define \"x\" }}\n  {{ .Foo }\n{{ end }}",
    );
    let err = Templates::from_globs(&[dir.path().join("*.tmpl")]).expect_err("parse error");
    assert_eq!(
        err.message,
        r#"template: bad.tmpl:3: unexpected "}" in operand"#
    );

    let diagnostics = Templates::check_files(&[dir.path().join("*.tmpl")]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.path, bad);
    // `}` is the 11th byte of `  {{ .Foo }`.
    assert_eq!((d.line, d.column), (3, 11));
    assert_eq!(d.message, err.message);
    assert!(
        d.to_string()
            .starts_with(&format!("{}:3:11: template: bad.tmpl:3:", bad.display()))
    );
}

#[test]
fn check_files_reports_every_file_and_bad_patterns() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "one.tmpl", "{{ nosuchfunc }}");
    write(dir.path(), "two.tmpl", "{{ end }}");
    write(
        dir.path(),
        "fine.tmpl",
        "{{ define \"f\" }}{{ .Status }}{{ end }}",
    );
    let mut diagnostics = Templates::check_files(&[dir.path().join("*.tmpl"), PathBuf::from("[")]);
    diagnostics.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    let summary: Vec<(String, usize, String)> = diagnostics
        .iter()
        .map(|d| {
            let name = d
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, d.line, d.message.clone())
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("[".to_owned(), 0, "syntax error in pattern".to_owned()),
            (
                "one.tmpl".to_owned(),
                1,
                r#"template: one.tmpl:1: function "nosuchfunc" not defined"#.to_owned()
            ),
            (
                "two.tmpl".to_owned(),
                1,
                "template: two.tmpl:1: unexpected {{end}}".to_owned()
            ),
        ]
    );
    assert!(Templates::check_files(&[dir.path().join("fine.tmpl")]).is_empty());
    assert_eq!(
        Templates::from_globs(&[PathBuf::from("[")])
            .err()
            .map(|e| e.message),
        Some("syntax error in pattern".to_owned())
    );
}

#[test]
fn unreadable_match_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("d.tmpl")).expect("mkdir");
    let err = Templates::from_globs(&[dir.path().join("*.tmpl")]).expect_err("error");
    assert_eq!(
        err.message,
        format!(
            "read {}: is a directory",
            dir.path().join("d.tmpl").display()
        )
    );
}

// ---- execution ------------------------------------------------------------

#[test]
fn empty_text_renders_empty_and_errors_are_go_messages() {
    let templates = Templates::builtin();
    let d = simple_data();
    assert_eq!(templates.execute_text("", &d).unwrap(), "");
    assert_eq!(templates.execute_html("", &d).unwrap(), "");
    assert_eq!(
        templates
            .execute_text("{{ .Nope }}", &d)
            .unwrap_err()
            .message,
        r#"template: :1:3: executing "" at <.Nope>: can't evaluate field Nope in type *template.Data"#
    );
    assert_eq!(
        templates.execute_text("{{", &d).unwrap_err().message,
        "template: :1: unclosed action"
    );
    // A cached parse gives the same answers again.
    assert_eq!(
        templates.execute_text("{{ .Receiver }}", &d).unwrap(),
        "team"
    );
    assert_eq!(
        templates.execute_text("{{ .Receiver }}", &d).unwrap(),
        "team"
    );
    // Definitions made by one text do not leak into the set.
    templates
        .execute_text(r#"{{ define "leak" }}x{{ end }}"#, &d)
        .unwrap();
    assert!(
        templates
            .execute_text(r#"{{ template "leak" . }}"#, &d)
            .is_err()
    );
    assert!(!templates.template_names().contains(&"leak".to_owned()));
}

#[test]
fn text_and_html_escaping_differ() {
    let templates = Templates::builtin();
    let d = data(r#"{"receiver":"a<b>&c"}"#);
    assert_eq!(
        templates.execute_text("{{ .Receiver }}", &d).unwrap(),
        "a<b>&c"
    );
    assert_eq!(
        templates.execute_html("{{ .Receiver }}", &d).unwrap(),
        "a&lt;b&gt;&amp;c"
    );
}

#[test]
fn builtin_names_are_all_defined() {
    let names = Templates::builtin().template_names();
    for name in [
        "__alertmanager",
        "__alertmanagerURL",
        "__subject",
        "__description",
        "__text_alert_list",
        "__text_alert_list_markdown",
        "slack.default.title",
        "slack.default.username",
        "slack.default.fallback",
        "slack.default.callbackid",
        "slack.default.pretext",
        "slack.default.titlelink",
        "slack.default.iconemoji",
        "slack.default.iconurl",
        "slack.default.text",
        "slack.default.footer",
        "slack.default.color",
        "pagerduty.default.description",
        "pagerduty.default.client",
        "pagerduty.default.clientURL",
        "pagerduty.default.instances",
        "opsgenie.default.message",
        "opsgenie.default.description",
        "opsgenie.default.source",
        "wechat.default.message",
        "wechat.default.to_user",
        "wechat.default.to_party",
        "wechat.default.to_tag",
        "wechat.default.agent_id",
        "victorops.default.state_message",
        "victorops.default.entity_display_name",
        "victorops.default.monitoring_tool",
        "pushover.default.title",
        "pushover.default.message",
        "pushover.default.url",
        "sns.default.subject",
        "sns.default.message",
        "telegram.default.message",
        "discord.default.content",
        "discord.default.title",
        "discord.default.message",
        "webex.default.message",
        "msteams.default.summary",
        "msteams.default.title",
        "msteams.default.text",
        "msteamsv2.default.title",
        "msteamsv2.default.text",
        "jira.default.summary",
        "jira.default.description",
        "jira.default.priority",
        "rocketchat.default.title",
        "rocketchat.default.alias",
        "rocketchat.default.titlelink",
        "rocketchat.default.emoji",
        "rocketchat.default.iconurl",
        "rocketchat.default.text",
        "mattermost.default.color",
        "mattermost.default.username",
        "mattermost.default.title",
        "mattermost.default.titlelink",
        "mattermost.default.fallback",
        "mattermost.default.text",
        "email.default.subject",
        "email.default.html",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} is not defined");
    }
}

// ---- route labels ---------------------------------------------------------

// Cases from upstream's TestTemplateExpansion / TestRouteLabels*.
#[test]
fn route_labels_render_at_dispatch_time() {
    let templates = Templates::builtin();
    let d = data(
        r#"{"groupLabels":{"key1":"key1","x":"v"},
            "routeLabels":{"rl1":"rl1","rl2":"{{ .GroupLabels.key1 }}",
                           "rl3":"{{ routeLabels \"rl2\" }} recursive",
                           "top":"{{ routeLabels \"a\" }}-{{ routeLabels \"b\" }}",
                           "a":"{{ routeLabels \"leaf\" }}","b":"{{ routeLabels \"leaf\" }}",
                           "leaf":"{{ .GroupLabels.x }}",
                           "c1":"{{ routeLabels \"c2\" }}","c2":"{{ routeLabels \"c1\" }}",
                           "self":"{{ routeLabels \"self\" }}"}}"#,
    );
    let renderer = templates.route_label_renderer(&d);
    assert_eq!(renderer.render("rl1").unwrap(), "rl1");
    assert_eq!(renderer.render("rl2").unwrap(), "key1");
    assert_eq!(renderer.render("rl3").unwrap(), "key1 recursive");
    assert_eq!(renderer.render("top").unwrap(), "v-v");
    assert_eq!(renderer.render("nope").unwrap(), "");
    let cycle = renderer.render("c1").unwrap_err().message;
    assert!(
        cycle.ends_with("route label cycle detected: c1 -> c2 -> c1"),
        "{cycle}"
    );
    let self_cycle = renderer.render("self").unwrap_err().message;
    assert!(
        self_cycle.ends_with("route label cycle detected: self -> self"),
        "{self_cycle}"
    );
    // The renderer is still usable after a cycle.
    assert_eq!(renderer.render("rl3").unwrap(), "key1 recursive");
}

#[test]
fn route_labels_are_verbatim_when_notifying() {
    let templates = Templates::builtin();
    let d = data(r#"{"routeLabels":{"desc":"disk usage is {{ $value | humanize }}"}}"#);
    assert_eq!(
        templates
            .execute_text(r#"[{{ routeLabels "desc" }}][{{ routeLabels "x" }}]"#, &d)
            .unwrap(),
        "[disk usage is {{ $value | humanize }}][]"
    );
    assert_eq!(
        templates
            .execute_html(r#"{{ routeLabels "desc" }}"#, &d)
            .unwrap(),
        "disk usage is {{ $value | humanize }}"
    );
}

// ---- preview data ---------------------------------------------------------

#[test]
fn sample_data_has_two_firing_and_one_resolved() {
    let d = sample_data();
    let statuses: Vec<AlertStatus> = d.alerts.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [
            AlertStatus::Firing,
            AlertStatus::Firing,
            AlertStatus::Resolved
        ]
    );
    assert_eq!(d.status, AlertStatus::Firing);
    assert_eq!(d.group_labels.get("alertname"), Some("HighRequestLatency"));
    assert!(d.common_labels.get("severity").is_none());
    assert_eq!(d.common_labels.get("job"), Some("api-server"));
    let title = Templates::builtin()
        .execute_text(r#"{{ template "slack.default.title" . }}"#, &d)
        .unwrap();
    assert_eq!(title, "[FIRING:2] HighRequestLatency (api-server platform)");

    let now: Timestamp = "2026-05-01T10:00:00Z".parse().unwrap();
    let alerts = sample_alerts(now);
    assert!(alerts.iter().all(|a| a.starts_at.instant < now));
    assert!(alerts[2].resolved_at(now) && !alerts[0].resolved_at(now));
    assert!(
        alerts
            .iter()
            .all(|a| a.validate(tocsin_model::ParseMode::default()).is_ok())
    );
}

#[test]
fn alerts_file_in_postable_format() {
    let now: Timestamp = "2026-05-01T10:00:00Z".parse().unwrap();
    let alerts = parse_alerts_json(
        r#"[{"labels":{"alertname":"Disk","instance":"a"},"annotations":{"summary":"full"},
             "startsAt":"2026-05-01T09:00:00+02:00","generatorURL":"http://g"},
            {"labels":{"alertname":"Disk","instance":"b"},
             "startsAt":"2026-05-01T08:00:00Z","endsAt":"2026-05-01T09:30:00Z"}]"#,
        now,
    )
    .expect("parse");
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].annotations.get("summary"), Some("full"));
    assert_eq!(
        alerts[0].starts_at.to_rfc3339_nano(),
        "2026-05-01T09:00:00+02:00"
    );
    assert!(alerts[0].ends_at.is_zero());
    let d = preview_data(&alerts, "r", &["alertname"], "http://am", now);
    assert_eq!(d.status, AlertStatus::Firing);
    assert_eq!(d.alerts[1].status, AlertStatus::Resolved);
    assert_eq!(
        Templates::builtin()
            .execute_text(
                r#"{{ template "__subject" . }}|{{ range .Alerts }}{{ .StartsAt }};{{ end }}"#,
                &d
            )
            .unwrap(),
        "[FIRING:1] Disk |2026-05-01 09:00:00 +0200 +0200;2026-05-01 08:00:00 +0000 UTC;"
    );

    let one = parse_alerts_json(r#"{"labels":{"a":"b"}}"#, now).expect("single object");
    assert_eq!(one[0].starts_at.instant, now);

    for (bad, message) in [
        ("nope", "invalid JSON"),
        ("3", "expected a JSON array of alerts"),
        (
            r#"[{"labels":{}}]"#,
            "alert 0: labels: at least one label pair required",
        ),
        (
            r#"[{"labels":{"a":1}}]"#,
            "alert 0: labels.a: expected a string",
        ),
        (
            r#"[{"labels":{"a":"b"},"startsAt":"yesterday"}]"#,
            "alert 0: startsAt: parsing time",
        ),
        (
            r#"[{"labels":{"a":"b"},"startsAt":"2026-01-02T00:00:00Z","endsAt":"2026-01-01T00:00:00Z"}]"#,
            "alert 0: start time must be before end time",
        ),
    ] {
        let err = parse_alerts_json(bad, now).unwrap_err().0;
        assert!(err.starts_with(message), "{bad}: {err}");
    }
}

#[test]
fn data_file_in_webhook_format() {
    let d = data(
        r#"{"receiver":"r\\.x","status":"resolved","notification_reason":"repeat",
            "alerts":[{"status":"resolved","labels":{"a":"b"},"fingerprint":"00000000000000ff",
                       "startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T01:00:00Z"}],
            "routeLabels":{"team":"x"}}"#,
    );
    assert_eq!(d.receiver, r"r\.x");
    assert_eq!(d.status, AlertStatus::Resolved);
    assert_eq!(d.alerts[0].fingerprint.to_string(), "00000000000000ff");
    assert_eq!(d.notification_reason, "repeat");
    assert!(parse_data_json(r#"{"alerts":[{"status":"maybe"}]}"#).is_err());
    assert!(parse_data_json("[]").is_err());
}

#[test]
fn now_and_since_use_the_clock() {
    let templates = Templates::builtin();
    let hour_ago = Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let d = data(&format!(
        r#"{{"alerts":[{{"status":"firing","labels":{{"a":"b"}},"startsAt":"{hour_ago}"}}]}}"#
    ));
    let year = templates
        .execute_text(r#"{{ now | date "2006" }}"#, &d)
        .unwrap();
    assert_eq!(year, Timestamp::now().strftime("%Y").to_string());
    let since = templates
        .execute_text(
            r#"{{ range .Alerts }}{{ since .StartsAt | humanizeDuration }}{{ end }}"#,
            &d,
        )
        .unwrap();
    assert!(since == "1h 0m 0s" || since == "1h 0m 1s", "{since}");
    let now = templates.execute_text("{{ now }}", &d).unwrap();
    assert!(now.contains(" m=+"), "{now}");
    assert_eq!(
        templates
            .execute_text("{{ printf \"%T\" (since .Alerts) }}", &d)
            .unwrap_err()
            .message,
        "template: :1:22: executing \"\" at <.Alerts>: wrong type for value; expected time.Time; got template.Alerts"
    );
}
