//! `tocsin template render`, black box. Outputs are compared with Go's:
//! the real `amtool template render` (Alertmanager 0.25, on this machine)
//! runs the same template text against the same `--template.data` file
//! and the same template files, and the bytes must match. The templates
//! avoid what changed between 0.25 and 0.34 (`KV` and `Pairs` gained a
//! `String` method; the Debian amtool lacks the default templates).
//! Tests needing amtool skip with a message when it is absent.

mod cli_notify_support;

use std::process::Command;

use cli_notify_support::{Files, available, run, stderr, stdout};

const AMTOOL: &str = "/usr/bin/amtool";

/// template.Data as a webhook receives it: one firing alert, one resolved
/// alert whose start has a +02:00 offset.
const DATA: &str = r#"{"receiver":"team\\.a","status":"firing","alerts":[
 {"status":"firing","labels":{"alertname":"DiskFull","instance":"db1","severity":"critical"},
  "annotations":{"summary":"Disk full on db1","description":"98% <b>used</b> & \"more\""},
  "startsAt":"2026-01-01T10:00:00.5Z","endsAt":"0001-01-01T00:00:00Z",
  "generatorURL":"http://prom/graph?g0.expr=x","fingerprint":"0123456789abcdef"},
 {"status":"resolved","labels":{"alertname":"DiskFull","instance":"db2","severity":"critical"},
  "annotations":{"summary":"Disk full on db2"},
  "startsAt":"2026-01-01T09:00:00+02:00","endsAt":"2026-01-01T10:30:00Z",
  "generatorURL":"","fingerprint":"fedcba9876543210"}],
 "groupLabels":{"alertname":"DiskFull"},
 "commonLabels":{"alertname":"DiskFull","severity":"critical"},
 "commonAnnotations":{},"externalURL":"http://am.example:9093"}"#;

const TEMPLATES: &str = r#"{{ define "my.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }}{{ end }}
{{ define "my.body" }}{{ range .Alerts }}* {{ .Labels.instance }}: {{ .Annotations.summary }} ({{ .Status }}, since {{ .StartsAt.Format "2006-01-02T15:04:05Z07:00" }}){{ "\n" }}{{ end }}{{ end }}
"#;

/// Template texts whose output must match Go's byte for byte.
const TEXTS: &[&str] = &[
    r#"{{ template "my.title" . }}|{{ template "my.body" . }}"#,
    r#"{{ .Receiver }}|{{ .ExternalURL }}|{{ range .Alerts.Resolved }}{{ .EndsAt }} {{ .Fingerprint }} {{ .StartsAt }}{{ end }}"#,
    r#"{{ title "disk is full" }} {{ toLower "ABC" }} {{ reReplaceAll "(d[a-z]+)" "<$1>" .CommonLabels.instance }}{{ reReplaceAll "(a+)" "<$1>" "xaay" }} {{ match "^Disk" .CommonLabels.alertname }} {{ (.CommonLabels.Remove (stringSlice "severity")).Names | join "," }}"#,
    r#"{{ range $i, $a := .Alerts }}{{ $i }}={{ $a.Labels.SortedPairs.Names | join "+" }};{{ end }} {{ printf "%q %5.2f" .Status 3.14159 }} {{ len .CommonAnnotations }}"#,
    r#"{{ with index .Alerts 0 }}{{ .Annotations.description }}{{ end }}"#,
];

fn amtool_render(files: &Files, text: &str, html: bool) -> Option<(String, String)> {
    if !available(AMTOOL) {
        eprintln!("SKIP: {AMTOOL} not found; the Go comparison is not run");
        return None;
    }
    let glob = files.dir.path().join("tmpl").join("*.tmpl");
    let mut command = Command::new(AMTOOL);
    command
        .arg("template")
        .arg("render")
        .arg(format!("--template.glob={}", glob.display()))
        .arg(format!(
            "--template.data={}",
            files.path("data.json").display()
        ))
        .arg(format!("--template.text={text}"));
    if html {
        command.arg("--template.type=html");
    }
    let output = command.output().expect("run amtool");
    assert!(
        output.status.success(),
        "amtool failed: {}",
        stderr(&output)
    );
    Some((stdout(&output), stderr(&output)))
}

fn setup() -> Files {
    let files = Files::new();
    std::fs::create_dir(files.dir.path().join("tmpl")).unwrap();
    files.write("tmpl/my.tmpl", TEMPLATES);
    files.write("data.json", DATA);
    files.write(
        "alertmanager.yml",
        "route:\n  receiver: team-a\nreceivers:\n  - name: team-a\ntemplates: ['tmpl/*.tmpl']\n",
    );
    files
}

fn tocsin_render(files: &Files, args: &[&str]) -> String {
    let config = files.path("alertmanager.yml");
    let data = files.path("data.json");
    let mut all = vec![
        "template",
        "render",
        "--config.file",
        config.to_str().unwrap(),
        "--template.data",
        data.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let output = run(&all);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn text_templates_render_as_go_renders_them() {
    let files = setup();
    for text in TEXTS {
        let Some((expected, _)) = amtool_render(&files, text, false) else {
            return;
        };
        assert_eq!(
            tocsin_render(&files, &["--template", text]),
            expected,
            "template {text}"
        );
    }
}

#[test]
fn html_templates_escape_as_go_escapes_them() {
    let files = setup();
    let texts = [
        r#"<a href="{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver }}">{{ template "my.title" . }}</a>"#,
        r#"<p title="{{ (index .Alerts 0).Annotations.description }}">{{ (index .Alerts 0).Annotations.description }}</p><script>var s = {{ .Receiver }};</script>"#,
    ];
    for text in texts {
        let Some((expected, _)) = amtool_render(&files, text, true) else {
            return;
        };
        assert_eq!(
            tocsin_render(&files, &["--template", text, "--html"]),
            expected,
            "template {text}"
        );
        assert_eq!(
            tocsin_render(
                &files,
                &["--template.text", text, "--template.type", "html"]
            ),
            expected,
            "amtool flags, template {text}"
        );
    }
}

#[test]
fn amtool_flags_and_template_files_work_without_a_configuration() {
    let files = setup();
    let text = TEXTS[0];
    let Some((expected, _)) = amtool_render(&files, text, false) else {
        return;
    };
    let glob = files.dir.path().join("tmpl").join("*.tmpl");
    let text_file = files.write("text.tmpl", text);
    let output = run(&[
        "template",
        "render",
        "--template.glob",
        glob.to_str().unwrap(),
        "--template.file",
        text_file.to_str().unwrap(),
        "--template.data",
        files.path("data.json").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), expected);
}

#[test]
fn alerts_are_routed_to_the_receiver_for_their_data() {
    let files = Files::new();
    let config = files.write(
        "alertmanager.yml",
        "route:\n  receiver: default\n  routes:\n    - receiver: team.a\n      matchers: ['team=\"a\"']\n      group_by: [alertname, team]\nreceivers:\n  - name: default\n  - name: team.a\n",
    );
    let alerts = files.write(
        "alerts.json",
        r#"[{"labels":{"alertname":"DiskFull","team":"a","instance":"db1"},"startsAt":"2026-01-01T10:00:00Z"},
            {"labels":{"alertname":"DiskFull","team":"a","instance":"db2"},"startsAt":"2026-01-01T10:00:00Z","endsAt":"2026-01-01T11:00:00Z"}]"#,
    );
    let output = run(&[
        "template",
        "render",
        "--config.file",
        config.to_str().unwrap(),
        "--receiver",
        "team.a",
        "--alerts",
        alerts.to_str().unwrap(),
        "--web.external-url",
        "http://am.example:9093/",
        "--template",
        "{{ .Receiver }}|{{ .Status }}|{{ .GroupLabels.SortedPairs.Values | join \",\" }}|{{ len .Alerts.Firing }}/{{ len .Alerts }}|{{ .ExternalURL }}|{{ .CommonLabels.instance }}",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The receiver name goes through regexp.QuoteMeta as in notifications;
    // the external URL loses its trailing slash as the server's does.
    assert_eq!(
        stdout(&output),
        "team\\.a|firing|DiskFull,a|1/2|http://am.example:9093|"
    );
}

#[test]
fn template_errors_fail_with_the_engine_message() {
    let files = setup();
    let config = files.path("alertmanager.yml");
    let output = run(&[
        "template",
        "render",
        "--config.file",
        config.to_str().unwrap(),
        "--template",
        "{{ template \"nope\" . }}",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("template \"nope\" not defined"),
        "{}",
        stderr(&output)
    );
    let output = run(&["template", "render", "--template", "{{ .Status "]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("tocsin: error: "),
        "{}",
        stderr(&output)
    );
    let output = run(&["template", "render"]);
    assert_eq!(output.status.code(), Some(1), "a template text is required");
}

#[test]
fn without_data_the_built_in_example_notification_is_used() {
    let output = run(&[
        "template",
        "render",
        "--template",
        "{{ .Status }}|{{ template \"slack.default.title\" . }}",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("firing|[FIRING:"), "{text}");

    let output = run(&[
        "template",
        "render",
        "--template",
        "x",
        "--alerts",
        "a.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--alerts needs --config.file"),
        "{}",
        stderr(&output)
    );
}
