//! Configurations users actually write, and the mistakes they actually
//! make (see shared/reference/ecosystem.md §1.10).

use tocsin_config::{Severity, load_str};

#[test]
fn slack_with_text_template_and_send_resolved() {
    let yaml = r#"
route:
  receiver: slack
  group_by: [alertname, cluster]
receivers:
- name: slack
  slack_configs:
  - api_url: https://hooks.slack.com/services/T000/B000/XXXX
    channel: '#alerts'
    send_resolved: true
    title: '{{ .CommonLabels.alertname }}'
    text: >-
      {{ range .Alerts }}*{{ .Annotations.summary }}*
      {{ end }}
"#;
    let loaded = load_str(yaml, "alertmanager.yml").unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let slack = &loaded.config.receivers[0].slack_configs[0];
    assert!(slack.send_resolved);
    assert_eq!(slack.channel, "#alerts");
    assert_eq!(
        slack.text,
        "{{ range .Alerts }}*{{ .Annotations.summary }}* {{ end }}"
    );
    assert_eq!(
        slack.api_url.as_ref().map(|u| u.expose()).as_deref(),
        Some("https://hooks.slack.com/services/T000/B000/XXXX")
    );
    // Defaults for what was not written.
    assert_eq!(slack.footer, "{{ template \"slack.default.footer\" . }}");
    assert!(
        slack
            .http_config
            .as_ref()
            .is_some_and(|h| h.follow_redirects)
    );
    let shown = loaded.config.to_yaml();
    assert!(shown.contains("    api_url: <secret>\n"), "{shown}");
    assert!(!shown.contains("hooks.slack.com"));
}

#[test]
fn email_through_the_global_smarthost() {
    let yaml = r#"
global:
  smtp_smarthost: smtp.example.org:587
  smtp_from: alertmanager@example.org
  smtp_auth_username: am
  smtp_auth_password: hunter2
route:
  receiver: ops
receivers:
- name: ops
  email_configs:
  - to: ops@example.org
"#;
    let c = load_str(yaml, "alertmanager.yml")
        .unwrap_or_else(|e| panic!("{e}"))
        .config;
    let e = &c.receivers[0].email_configs[0];
    assert_eq!(e.smarthost.to_string(), "smtp.example.org:587");
    assert_eq!(e.from, "alertmanager@example.org");
    assert_eq!(e.auth_username, "am");
    assert_eq!(e.auth_password.expose(), "hunter2");
    assert_eq!(e.hello, "localhost");
    assert_eq!(e.require_tls, Some(true));
    assert!(!e.send_resolved);
    assert!(!c.to_yaml().contains("hunter2"));
    assert_eq!(format!("{:?}", e.auth_password), "<secret>");
}

#[test]
fn null_receiver_for_watchdog() {
    let yaml = r#"
route:
  receiver: default
  routes:
  - matchers: [alertname="Watchdog"]
    receiver: "null"
receivers:
- name: default
  webhook_configs:
  - url: http://hooks.internal/alert
- name: "null"
"#;
    let loaded = load_str(yaml, "alertmanager.yml").unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let null = loaded.config.receiver("null").expect("null receiver");
    assert_eq!(null.integration_count(), 0);
    assert_eq!(
        loaded.config.route.routes[0].receiver.as_deref(),
        Some("null")
    );
}

#[test]
fn unquoted_channel_is_a_comment_and_is_accepted_with_a_warning() {
    let yaml = "route:\n  receiver: slack\nreceivers:\n- name: slack\n  slack_configs:\n  - api_url: https://hooks.slack.com/x\n    channel: #monitoring\n";
    let loaded = load_str(yaml, "alertmanager.yml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.config.receivers[0].slack_configs[0].channel, "");
    let w = loaded
        .warnings
        .iter()
        .find(|w| w.message.contains("#monitoring"))
        .expect("comment warning");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!((w.line, w.column), (7, 14));
    assert_eq!(
        w.hint.as_deref(),
        Some("quote it: `channel: '#monitoring'`")
    );
    assert!(
        w.to_string()
            .starts_with("alertmanager.yml:7:14: warning: "),
        "{w}"
    );
}

#[test]
fn rule_files_in_alertmanager_yml_is_explained() {
    let yaml = "global:\n  resolve_timeout: 5m\nroute:\n  receiver: default\nreceivers:\n- name: default\nrule_files:\n- /etc/prometheus/rules/*.yml\n";
    let f = load_str(yaml, "/etc/alertmanager/alertmanager.yml").expect_err("rejected");
    assert_eq!(
        f.first_upstream_message(),
        "yaml: unmarshal errors:\n  line 7: field rule_files not found in type config.plain"
    );
    let d = f.errors().next().expect("error");
    assert_eq!((d.line, d.column), (7, 1));
    assert_eq!(d.message, "field rule_files not found in type config.plain");
    assert!(
        d.hint
            .as_deref()
            .is_some_and(|h| h.contains("prometheus.yml")),
        "{d}"
    );
    assert_eq!(d.snippet, "rule_files:\n^");
    let shown = d.to_string();
    assert!(shown.starts_with("/etc/alertmanager/alertmanager.yml:7:1: error: field rule_files not found in type config.plain\n"));
    assert!(
        shown.contains("\n7 | rule_files:\n  | ^\n  = hint: "),
        "{shown}"
    );
}

#[test]
fn several_errors_in_one_file_are_all_reported_with_positions() {
    let yaml = "\
global:
  resolve_timeout: 5m
scrape_configs: []
route:
  recevier: team
  group_wait: 30s
  routes:
  - receiver: tema
    continue: maybe
receivers:
- name: team
  webhook_configs:
  - url: http://x
    sendresolved: true
";
    let f = load_str(yaml, "am.yml").expect_err("rejected");
    let errors: Vec<(u32, u32, &str, Option<&str>)> = f
        .errors()
        .map(|d| (d.line, d.column, d.message.as_str(), d.hint.as_deref()))
        .collect();
    let find = |needle: &str| {
        errors
            .iter()
            .find(|e| e.2.contains(needle))
            .unwrap_or_else(|| panic!("no error about {needle}: {errors:#?}"))
    };
    let scrape = find("scrape_configs");
    assert_eq!((scrape.0, scrape.1), (3, 1));
    assert!(scrape.3.is_some_and(|h| h.contains("prometheus.yml")));
    let typo = find("field recevier not found in type config.plain");
    assert_eq!((typo.0, typo.1), (5, 3));
    assert_eq!(typo.3, Some("did you mean `receiver`?"));
    let maybe = find("cannot unmarshal !!str `maybe` into bool");
    assert_eq!((maybe.0, maybe.1), (9, 15));
    let sendresolved = find("field sendresolved not found in type webhook.plain");
    assert_eq!((sendresolved.0, sendresolved.1), (14, 5));
    assert_eq!(sendresolved.3, Some("did you mean `send_resolved`?"));
    let undefined = find("undefined receiver \"tema\" used in route");
    assert_eq!((undefined.0, undefined.1), (8, 15));
    assert_eq!(undefined.3, Some("did you mean `team`?"));
    // Alertmanager itself stops at its collected type errors.
    assert_eq!(
        f.first_upstream_message(),
        "yaml: unmarshal errors:\n  line 3: field scrape_configs not found in type config.plain\n  line 5: field recevier not found in type config.plain\n  line 9: cannot unmarshal !!str `maybe` into bool\n  line 14: field sendresolved not found in type webhook.plain"
    );
}

#[test]
fn warnings_never_reject() {
    let yaml = r#"
route:
  receiver: a
  group_interval: 10m
  repeat_interval: 5m
  routes:
  - receiver: a
  - receiver: a
    matchers: [severity="critical"]
  - receiver: a
    match:
      service: "api|web"
receivers:
- name: a
- name: unused
"#;
    let loaded = load_str(yaml, "am.yml").unwrap_or_else(|e| panic!("{e}"));
    let messages: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("receiver \"unused\" is not used")),
        "{messages:?}"
    );
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.contains("can never match"))
            .count(),
        2,
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("service=\"api|web\"")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("repeat_interval (5m) is less than group_interval (10m)")),
        "{messages:?}"
    );
    let shadowed = loaded
        .warnings
        .iter()
        .find(|w| w.message.contains("can never match"))
        .expect("shadow warning");
    assert_eq!(shadowed.line, 8);
    assert!(
        shadowed
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("line 7")),
        "{shadowed}"
    );
}
