//! Behaviour pinned by upstream's tests (`config/config_test.go`, the
//! notifier `config_test.go` files, `timeinterval_test.go` at v0.34),
//! re-expressed with our own inputs: each case states the message
//! Alertmanager 0.34 prints for it.

use tocsin_config::{LoadFailure, load_str};

fn rejected(yaml: &str) -> LoadFailure {
    match load_str(yaml, "alertmanager.yml") {
        Ok(_) => panic!("accepted, expected an error:\n{yaml}"),
        Err(f) => f,
    }
}

fn upstream(yaml: &str) -> String {
    rejected(yaml).first_upstream_message()
}

fn accepted(yaml: &str) -> tocsin_config::Config {
    load_str(yaml, "alertmanager.yml")
        .unwrap_or_else(|e| panic!("rejected:\n{e}"))
        .config
}

const RECEIVER: &str = "receivers:\n- name: team\n";

#[test]
fn route_rules() {
    assert_eq!(
        upstream("route:\n  group_wait: 30s\n"),
        "root route must specify a default receiver"
    );
    assert_eq!(upstream("receivers:\n- name: x\n"), "no routes provided");
    assert_eq!(
        upstream("route:\n  receiver: team\n  continue: true\nreceivers:\n- name: team\n"),
        "cannot have continue in root route"
    );
    assert_eq!(
        upstream(
            "route:\n  receiver: team\n  match:\n    severity: critical\nreceivers:\n- name: team\n"
        ),
        "root route must not have any matchers"
    );
    assert_eq!(
        upstream(
            "route:\n  receiver: team\n  matchers: ['severity=critical']\nreceivers:\n- name: team\n"
        ),
        "root route must not have any matchers"
    );
    assert_eq!(
        upstream("route:\n  receiver: team\n  group_interval: 0s\nreceivers:\n- name: team\n"),
        "group_interval cannot be zero"
    );
    assert_eq!(
        upstream("route:\n  receiver: team\n  repeat_interval: 0s\nreceivers:\n- name: team\n"),
        "repeat_interval cannot be zero"
    );
    // group_wait 0 is allowed.
    accepted(&format!(
        "route:\n  receiver: team\n  group_wait: 0s\n{RECEIVER}"
    ));
    assert_eq!(
        upstream(
            "route:\n  receiver: team\n  group_by: [alertname, cluster, service, cluster]\nreceivers:\n- name: team\n"
        ),
        "duplicated label \"cluster\" in group_by"
    );
    assert_eq!(
        upstream(
            "route:\n  receiver: team\n  group_by: [alertname, '...']\nreceivers:\n- name: team\n"
        ),
        "cannot have wildcard group_by (`...`) and other labels at the same time"
    );
    assert_eq!(
        upstream(
            "route:\n  receiver: x\n  routes:\n  - match: {foo: bar}\n    routes:\n    - match: {foo: bar}\n      receiver: nonexistent\nreceivers:\n- name: x\n"
        ),
        "undefined receiver \"nonexistent\" used in route"
    );
    assert_eq!(
        upstream("route:\n  receiver: team-X\nreceivers:\n- name: team-Y\n"),
        "undefined receiver \"team-X\" used in route"
    );
    // prometheus/common v0.70 (used by 0.34) names the bad unit; 0.25 said
    // `not a valid duration string: "30x"`.
    assert_eq!(
        upstream("route:\n  receiver: team\n  group_wait: 30x\nreceivers:\n- name: team\n"),
        "unknown unit \"x\" in duration \"30x\""
    );
    assert_eq!(
        upstream("route:\n  receiver: team\n  group_wait: x30\nreceivers:\n- name: team\n"),
        "not a valid duration string: \"x30\""
    );
}

/// The running Alertmanager and amtool enable the UTF-8-aware matcher
/// mode, where any non-empty label name is valid in `group_by` and route
/// `labels` (upstream's unit tests run without it and reject `-invalid-`).
#[test]
fn label_names_follow_the_matcher_mode() {
    let yaml = format!(
        "route:\n  receiver: team\n  group_by: ['-invalid-']\n  labels:\n    \"-x-\": v\n{RECEIVER}"
    );
    accepted(&yaml);
    let classic = tocsin_config::LoadOptions {
        matcher_mode: tocsin_model::matcher::ParseMode::Classic,
        ..Default::default()
    };
    let f = tocsin_config::load_str_with(&yaml, "am.yml", &classic).expect_err("classic mode");
    let messages: Vec<&str> = f.errors().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"invalid label name \"-invalid-\" in group_by list"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"invalid label name \"-x-\" in route labels"),
        "{messages:?}"
    );
    // `match` keys are always classic label names.
    assert_eq!(
        upstream(
            "route:\n  receiver: team\n  routes:\n  - match: {\"a-b\": x}\nreceivers:\n- name: team\n"
        ),
        "invalid label name \"a-b\""
    );
    assert_eq!(
        upstream(&format!(
            "route:\n  receiver: team\n  labels:\n    \"\": v\n{RECEIVER}"
        )),
        "\"\" is not a valid label name"
    );
}

#[test]
fn group_by_forms() {
    let c = accepted(&format!(
        "route:\n  receiver: team\n  group_by: [a, b]\n  routes:\n  - receiver: team\n    group_by: []\n  - receiver: team\n{RECEIVER}"
    ));
    assert_eq!(
        c.route.group_by,
        Some(tocsin_config::GroupBy::Labels(vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        c.route.routes[0].group_by,
        Some(tocsin_config::GroupBy::Labels(vec![]))
    );
    assert_eq!(c.route.routes[1].group_by, None);
    let all = accepted(&format!(
        "route:\n  receiver: team\n  group_by: [...]\n{RECEIVER}"
    ));
    assert_eq!(all.route.group_by, Some(tocsin_config::GroupBy::All));
    assert!(!all.to_yaml().contains("groupbyall"));
}

#[test]
fn matchers_are_merged_and_sorted() {
    let c = accepted(&format!(
        "route:\n  receiver: team\n  routes:\n  - receiver: team\n    match: {{z: '1'}}\n    match_re: {{a: 'x|y'}}\n    matchers: ['m=~\"v\"', 'b!=2']\n{RECEIVER}"
    ));
    let shown: Vec<String> = c.route.routes[0]
        .matchers
        .iter()
        .map(ToString::to_string)
        .collect();
    // match_re values are anchored the way upstream passes them on.
    assert_eq!(
        shown,
        ["a=~\"^(?:x|y)$\"", "b!=\"2\"", "m=~\"v\"", "z=\"1\""]
    );
    let yaml = c.to_yaml();
    assert!(yaml.contains("    match:\n      z: \"1\"\n    match_re:\n      a: x|y\n    matchers:\n    - b!=\"2\"\n    - m=~\"v\"\n"), "{yaml}");
}

#[test]
fn receiver_rules() {
    assert_eq!(
        upstream("route:\n  receiver: team-X\nreceivers:\n- name: 'team-X'\n- name: 'team-X'\n"),
        "notification config name \"team-X\" is not unique"
    );
    assert_eq!(
        upstream("route:\n\nreceivers:\n- name: ''\n"),
        "missing name in receiver"
    );
    assert_eq!(
        upstream(
            "route:\n  receiver: team-X\nreceivers:\n- name: team-X\n  labels:\n    name: other\n"
        ),
        "receiver label \"name\" must match receiver name \"team-X\", got \"other\""
    );
    let c = accepted(
        "route:\n  receiver: team-X\nreceivers:\n- name: team-X\n  labels:\n    owning-team: a\n",
    );
    assert_eq!(
        c.receivers[0].labels.get("name").map(String::as_str),
        Some("team-X")
    );
    assert_eq!(
        c.receivers[0].labels.get("owning-team").map(String::as_str),
        Some("a")
    );
}

#[test]
fn time_interval_rules() {
    let base = "receivers:\n- name: team\nroute:\n  receiver: team\n  routes:\n  - match: {severity: critical}\n";
    assert_eq!(
        upstream(&format!(
            "{base}    mute_time_intervals: [business_hours]\n"
        )),
        "undefined time interval \"business_hours\" used in route"
    );
    assert_eq!(
        upstream(&format!(
            "{base}    active_time_intervals: [business_hours]\n"
        )),
        "undefined time interval \"business_hours\" used in route"
    );
    assert_eq!(
        upstream(&format!(
            "time_intervals:\n- name:\n  time_intervals:\n  - times:\n    - start_time: '09:00'\n      end_time: '17:00'\n{base}"
        )),
        "missing name in time interval"
    );
    let dup = "- name: dup\n  time_intervals:\n  - weekdays: [monday]\n";
    assert_eq!(
        upstream(&format!(
            "mute_time_intervals:\n{dup}{dup}{base}    mute_time_intervals: [dup]\n"
        )),
        "mute time interval \"dup\" is not unique"
    );
    assert_eq!(
        upstream(&format!(
            "mute_time_intervals:\n{dup}time_intervals:\n{dup}{base}    mute_time_intervals: [dup]\n"
        )),
        "time interval \"dup\" is not unique"
    );
    assert_eq!(
        upstream(
            "time_intervals:\n- name: t\n  time_intervals: [{weekdays: [monday]}]\nreceivers:\n- name: team\nroute:\n  receiver: team\n  mute_time_intervals: [t]\n"
        ),
        "root route must not have any mute time intervals"
    );
    assert_eq!(
        upstream(
            "time_intervals:\n- name: t\n  time_intervals: [{weekdays: [monday]}]\nreceivers:\n- name: team\nroute:\n  receiver: team\n  active_time_intervals: [t]\n"
        ),
        "root route must not have any active time intervals"
    );
    let spec = |s: &str| {
        upstream(&format!(
            "time_intervals:\n- name: t\n  time_intervals:\n  - {s}\n{RECEIVER}route:\n  receiver: team\n"
        ))
    };
    assert_eq!(
        spec("times: [{start_time: '17:00', end_time: '09:00'}]"),
        "start time cannot be equal or greater than end time"
    );
    assert_eq!(
        spec("times: [{start_time: '17:00'}]"),
        "both start and end times must be provided"
    );
    assert_eq!(
        spec("weekdays: ['funday']"),
        "funday is not a valid weekday"
    );
    assert_eq!(
        spec("days_of_month: ['-3:5']"),
        "end day must be negative if start day is negative"
    );
    assert_eq!(spec("location: 'Mars/Base'"), "unknown time zone Mars/Base");
    assert_eq!(
        spec("bogus: 1"),
        "yaml: unmarshal errors:\n  line 4: field bogus not found in type timeinterval.TimeInterval"
    );
    let c = accepted(
        "time_intervals:\n- name: offhours\n  time_intervals:\n  - times: [{start_time: '17:00', end_time: '24:00'}]\n    weekdays: ['monday:friday', sunday]\n    days_of_month: ['1:5', '-3:-1']\n    months: ['may:august']\n    years: ['2020:2022']\n    location: Europe/Paris\nreceivers:\n- name: team\nroute:\n  receiver: team\n  routes:\n  - receiver: team\n    mute_time_intervals: [offhours]\n",
    );
    let yaml = c.to_yaml();
    // Layout of upstream's marshalling (flow lists, numeric months) as
    // gopkg.in/yaml.v2 v2.4.0 prints it.
    assert!(
        yaml.contains("time_intervals:\n- name: offhours\n  time_intervals:\n  - times:\n    - start_time: \"17:00\"\n      end_time: \"24:00\"\n    weekdays: ['monday:friday', sunday]\n    days_of_month: [\"1:5\", '-3:-1']\n    months: [\"5:8\"]\n    years: ['2020:2022']\n    location: Europe/Paris\n"),
        "{yaml}"
    );
}

#[test]
fn inhibit_rules() {
    let c = accepted(&format!(
        "route:\n  receiver: team\n{RECEIVER}inhibit_rules:\n- source_match: {{severity: critical}}\n  target_matchers: ['severity=\"warning\"']\n  equal: [alertname]\n-\n"
    ));
    assert_eq!(c.inhibit_rules.len(), 2);
    assert_eq!(
        c.inhibit_rules[0].source_matchers[0].to_string(),
        "severity=\"critical\""
    );
    assert_eq!(c.inhibit_rules[0].equal, ["alertname"]);
    assert_eq!(
        upstream(&format!(
            "route:\n  receiver: team\n{RECEIVER}inhibit_rules:\n- equal: ['']\n"
        )),
        "invalid label name \"\" in equal list"
    );
    assert_eq!(
        upstream(&format!(
            "route:\n  receiver: team\n{RECEIVER}inhibit_rules:\n- source_matchers: [a=b]\n  bogus: 1\n"
        )),
        "yaml: unmarshal errors:\n  line 7: field bogus not found in type common.plain"
    );
    // A decoding error aborts upstream's load, so it wins over collected type errors.
    let f = rejected(&format!(
        "route:\n  receiver: team\n{RECEIVER}inhibit_rules:\n- bogus: 1\n  source_matchers: ['a=~(']\n"
    ));
    assert!(
        f.first_upstream_message()
            .starts_with("error parsing regexp: missing closing ): "),
        "{}",
        f.first_upstream_message()
    );
    assert_eq!(f.errors().count(), 2, "both problems are reported");
}

/// TestEmptyConfigOfIntegration: a null entry in an integration list.
#[test]
fn null_integration_entries() {
    let cases = [
        ("discord_configs", "missing discord config"),
        ("email_configs", "missing email config"),
        ("incidentio_configs", "missing incidentio config"),
        ("pagerduty_configs", "missing pagerduty config"),
        ("webhook_configs", "missing webhook config"),
        ("pushover_configs", "missing pushover config"),
        ("victorops_configs", "missing victorops config"),
        ("sns_configs", "missing sns config"),
        ("telegram_configs", "missing telegram config"),
        ("webex_configs", "missing webex config"),
        ("msteams_configs", "missing msteams config"),
        ("msteamsv2_configs", "missing msteamsv2 config"),
        ("jira_configs", "missing jira config"),
        ("mattermost_configs", "missing mattermost config"),
        (
            "slack_configs",
            "no Slack API URL nor App token set either inline or in a file",
        ),
        (
            "opsgenie_configs",
            "no global OpsGenie API Key set either inline or in a file",
        ),
        (
            "wechat_configs",
            "no global Wechat Api Secret set either inline or in a file",
        ),
        (
            "rocketchat_configs",
            "no global Rocketchat TokenID set either inline or in a file",
        ),
    ];
    for (key, want) in cases {
        let yaml = format!(
            "global:\nroute:\n  receiver: 'test-receiver'\nreceivers:\n- name: 'test-receiver'\n  {key}:\n  -\n"
        );
        let f = rejected(&yaml);
        assert_eq!(f.first_upstream_message(), want, "{key}");
        let d = f.errors().next().expect("an error");
        assert_eq!((d.line, d.column), (7, 3), "{key}: {d}");
    }
}

#[test]
fn integration_checks() {
    let recv = |body: &str| format!("route:\n  receiver: r\nreceivers:\n- name: r\n{body}");
    assert_eq!(
        upstream(&recv("  webhook_configs:\n  - send_resolved: true\n")),
        "one of url or url_file must be configured"
    );
    assert_eq!(
        upstream(&recv(
            "  webhook_configs:\n  - url: http://x\n    url_file: /f\n"
        )),
        "at most one of url & url_file must be configured"
    );
    assert_eq!(
        upstream(&recv("  webhook_configs:\n  - url: ftp://x\n")),
        "invalid URL: unsupported scheme \"ftp\" for URL"
    );
    assert_eq!(
        upstream(&recv(
            "  webhook_configs:\n  - url: 'http://x/{{ .Invalid'\n"
        )),
        "invalid template syntax: template: :1: unclosed action"
    );
    accepted(&recv(
        "  webhook_configs:\n  - url: 'not-a-url-{{ .GroupLabels.alertname }}'\n",
    ));
    assert_eq!(
        upstream(&recv(
            "  webhook_configs:\n  - url: http://x\n    bogus: 1\n"
        )),
        "yaml: unmarshal errors:\n  line 7: field bogus not found in type webhook.plain"
    );
    assert_eq!(
        upstream(&recv(
            "  email_configs:\n  - smarthost: a:25\n    from: a@b\n"
        )),
        "missing to address in email config"
    );
    assert_eq!(
        upstream(&recv("  email_configs:\n  - to: a@b\n")),
        "no global SMTP smarthost set"
    );
    assert_eq!(
        upstream(&recv(
            "  email_configs:\n  - to: a@b\n    smarthost: localhost\n"
        )),
        "address localhost: missing port in address"
    );
    assert_eq!(
        upstream(&recv(
            "  email_configs:\n  - to: a@b\n    smarthost: h:25\n    from: f@b\n    headers: {subject: a, Subject: b}\n"
        )),
        "duplicate header \"Subject\" in email config"
    );
    assert_eq!(
        upstream(&recv("  pagerduty_configs:\n  - severity: x\n")),
        "missing service or routing key in PagerDuty config"
    );
    let pd = accepted(&recv(
        "  pagerduty_configs:\n  - routing_key: k\n    details: {firing: mine}\n",
    ));
    let p = &pd.receivers[0].pagerduty_configs[0];
    assert_eq!(p.details.len(), 4);
    assert_eq!(
        p.details.get("firing").and_then(|v| v.as_str()),
        Some("mine")
    );
    assert_eq!(p.source, p.client);
    assert_eq!(
        upstream(&recv("  pushover_configs:\n  - token: t\n")),
        "one of user_key or user_key_file must be configured"
    );
    assert_eq!(
        upstream(&recv(
            "  pushover_configs:\n  - token: t\n    user_key: u\n    retry: 30\n"
        )),
        "time: missing unit in duration \"30\""
    );
    assert_eq!(
        upstream(&recv("  telegram_configs:\n  - bot_token: t\n")),
        "missing chat_id or chat_id_file on telegram_config"
    );
    assert_eq!(
        upstream(&recv(
            "  telegram_configs:\n  - bot_token: t\n    chat_id: 1\n    parse_mode: md\n"
        )),
        "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string"
    );
    assert_eq!(
        upstream(&recv(
            "  opsgenie_configs:\n  - api_key: k\n    responders: [{type: team}]\n"
        )),
        "opsGenieConfig responder {   team} has to have at least one of id, username or name specified"
    );
    assert_eq!(
        upstream(&recv(
            "  opsgenie_configs:\n  - api_key: k\n    responders: [{name: n, type: squad}]\n"
        )),
        "opsGenieConfig responder { n  squad} type does not match valid options ^(team|teams|user|escalation|schedule)$"
    );
    accepted(&recv(
        "  opsgenie_configs:\n  - api_key: k\n    responders: [{name: n, type: '{{ .CommonLabels.t }}'}]\n",
    ));
    assert_eq!(
        upstream(&recv(
            "  sns_configs:\n  - topic_arn: a\n    phone_number: p\n"
        )),
        "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"
    );
    accepted(&recv(
        "  sns_configs:\n  - topic_arn: a\n    phone_number: p\n    target_arn: t\n",
    ));
    assert_eq!(
        upstream(&recv(
            "  sns_configs:\n  - topic_arn: a\n    sigv4: {access_key: a}\n"
        )),
        "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config"
    );
    assert_eq!(
        upstream(&recv("  webex_configs:\n  - room_id: r\n")),
        "missing webex_configs.http_config.authorization"
    );
    accepted(&recv(
        "  webex_configs:\n  - room_id: r\n    http_config: {bearer_token: t}\n",
    ));
    assert_eq!(
        upstream(&recv(
            "  jira_configs:\n  - project: P\n    issue_type: Bug\n"
        )),
        "no global Jira Cloud URL set"
    );
    assert_eq!(
        upstream(&recv(
            "  jira_configs:\n  - project: P\n    issue_type: Bug\n    api_url: http://j\n    api_type: x\n"
        )),
        "unknown api_type on jira_config, must be auto, cloud or datacenter"
    );
    let jira = accepted(&recv(
        "  jira_configs:\n  - project: P\n    issue_type: Bug\n    api_url: http://j\n    summary: {enable_update: false}\n    description: 'text'\n",
    ));
    let j = &jira.receivers[0].jira_configs[0];
    assert_eq!(
        j.summary.template,
        "{{ template \"jira.default.summary\" . }}"
    );
    assert_eq!(j.summary.enable_update, Some(false));
    assert_eq!(j.description.template, "text");
    assert_eq!(
        upstream(&recv("  discord_configs:\n  - title: t\n")),
        "one of webhook_url or webhook_url_file must be configured"
    );
    assert_eq!(
        upstream(&recv("  msteamsv2_configs:\n  - title: t\n")),
        "one of webhook_url or webhook_url_file must be configured"
    );
    assert_eq!(
        upstream(&recv(
            "  incidentio_configs:\n  - url: http://x\n    http_config: {}\n"
        )),
        "at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured"
    );
    assert_eq!(
        upstream(&recv(
            "  wechat_configs:\n  - api_secret: s\n    corp_id: c\n    message_type: html\n"
        )),
        "weChat message type \"html\" does not match valid options ^(text|markdown)$"
    );
    assert_eq!(
        upstream(&recv(
            "  victorops_configs:\n  - api_key: k\n    routing_key: r\n    custom_fields: {entity_state: x}\n"
        )),
        "victorOps config contains custom field entity_state which cannot be used as it conflicts with the fixed/static fields"
    );
    assert_eq!(
        upstream(&recv(
            "  slack_configs:\n  - api_url: http://x\n    actions: [{type: button}]\n"
        )),
        "missing text in Slack action configuration"
    );
    assert_eq!(
        upstream(&recv(
            "  slack_configs:\n  - app_token: t\n    http_config: {authorization: {credentials: c}}\n"
        )),
        "http authorization can't be set when using Slack App tokens"
    );
}

#[test]
fn http_config_rules() {
    let recv = |http: &str| {
        format!(
            "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    http_config:\n{http}"
        )
    };
    assert_eq!(
        upstream(&recv(
            "      basic_auth: {username: u}\n      bearer_token: t\n"
        )),
        "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"
    );
    assert_eq!(
        upstream(&recv(
            "      authorization: {type: Basic, credentials: c}\n"
        )),
        "authorization type cannot be set to \"basic\", use \"basic_auth\" instead"
    );
    assert_eq!(
        upstream(&recv("      oauth2: {token_url: http://t}\n")),
        "oauth2 client_id must be configured"
    );
    assert_eq!(
        upstream(&recv("      tls_config: {cert_file: /c}\n")),
        "exactly one of key or key_file must be configured when a client certificate is configured"
    );
    assert_eq!(
        upstream(&recv("      tls_config: {min_version: TLS14}\n")),
        "unknown TLS version: TLS14"
    );
    assert_eq!(
        upstream(&recv("      no_proxy: localhost\n")),
        "if no_proxy is configured, proxy_url must also be configured"
    );
    assert_eq!(
        upstream(&recv("      http_headers: {host: {values: [x]}}\n")),
        "setting header \"Host\" is not allowed"
    );
    let c = accepted(&recv(
        "      bearer_token: secret-token\n      tls_config: {ca_file: ca.pem}\n",
    ));
    let h = c.receivers[0].webhook_configs[0]
        .http_config
        .as_ref()
        .expect("http config");
    let a = h
        .authorization
        .as_ref()
        .expect("bearer token becomes authorization");
    assert_eq!(
        (a.auth_type.as_str(), a.credentials.expose()),
        ("Bearer", "secret-token")
    );
    assert!(h.bearer_token.is_empty());
    assert_eq!(
        h.tls_config.ca_file, "ca.pem",
        "relative to the directory of alertmanager.yml, i.e. `.`"
    );
}

#[test]
fn global_rules() {
    let with_global =
        |g: &str| format!("global:\n{g}route:\n  receiver: r\nreceivers:\n- name: r\n");
    assert_eq!(
        upstream(&with_global(
            "  slack_api_url: http://x\n  slack_api_url_file: /f\n"
        )),
        "at most one of slack_api_url & slack_api_url_file must be configured"
    );
    // The workaround of issue #2513 (webhook URL equal to the app URL) is tolerated.
    accepted(&with_global(
        "  slack_app_token: t\n  slack_api_url: https://slack.com/api/chat.postMessage\n",
    ));
    assert_eq!(
        upstream(&with_global("  resolve_timeout: 5x\n")),
        "unknown unit \"x\" in duration \"5x\""
    );
    assert_eq!(
        upstream(&with_global("  smtp_smarthost: 'localhost:'\n")),
        "address \"localhost:\": port cannot be empty"
    );
    let c = accepted(&with_global("  smtp_require_tls:\n"));
    assert!(
        !c.global.smtp_require_tls,
        "null stores Go's zero value, not the default"
    );
    let c = accepted(&with_global(""));
    assert!(c.global.smtp_require_tls);
    assert_eq!(c.global.resolve_timeout.to_string(), "5m");
}

#[test]
fn yaml_v2_semantics() {
    // Type errors are collected, one line each, in document order.
    assert_eq!(
        upstream(
            "route:\n  receiver: r\n  continue: maybe\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    send_resolved: 12\n"
        ),
        "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `maybe` into bool\n  line 8: cannot unmarshal !!int `12` into bool"
    );
    // A value longer than 10 bytes is cut to 7 (checked with yaml.v2 v2.4.0).
    assert_eq!(
        upstream("route:\n  receiver: r\n  continue: absolutely not\nreceivers:\n- name: r\n"),
        "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `absolut...` into bool"
    );
    assert_eq!(
        upstream("route: foo\n"),
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo` into config.plain"
    );
    assert_eq!(
        upstream("receivers: foo\nroute:\n  receiver: r\n"),
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo` into []config.Receiver"
    );
    assert_eq!(
        upstream("route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs: {url: x}\n"),
        "yaml: unmarshal errors:\n  line 5: cannot unmarshal !!map into []*webhook.WebhookConfig"
    );
    assert_eq!(
        upstream("route:\n  receiver: r\n  receiver: s\nreceivers:\n- name: r\n"),
        "yaml: unmarshal errors:\n  line 3: field receiver already set in type config.plain"
    );
    assert_eq!(
        upstream("route:\n  receiver: r\n  match:\n    a: b\n    a: c\nreceivers:\n- name: r\n"),
        "yaml: unmarshal errors:\n  line 5: key \"a\" already set in map"
    );
    // YAML 1.1 booleans.
    let c = accepted(
        "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    send_resolved: no\n",
    );
    assert!(!c.receivers[0].webhook_configs[0].send_resolved);
    // A string field takes any scalar's literal text.
    let c = accepted("route:\n  receiver: 0x10\nreceivers:\n- name: 0x10\n");
    assert_eq!(c.route.receiver.as_deref(), Some("0x10"));
    // Anchors, aliases and merge keys.
    let c = accepted(
        "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - &d\n    send_resolved: false\n    url: http://x\n  - <<: *d\n    max_alerts: 3\n",
    );
    let w = &c.receivers[0].webhook_configs;
    assert!(!w[1].send_resolved);
    assert_eq!(w[1].max_alerts, 3);
    assert_eq!(w[1].url.expose(), "http://x");
    // An unknown top-level key (even one only holding anchors) is rejected.
    assert_eq!(
        upstream("defaults: &d {url: x}\nroute:\n  receiver: r\nreceivers:\n- name: r\n"),
        "yaml: unmarshal errors:\n  line 1: field defaults not found in type config.plain"
    );
}

#[test]
fn go_durations() {
    let recv = |t: &str| {
        format!(
            "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    timeout: {t}\n"
        )
    };
    let c = accepted(&recv("1m30s"));
    assert_eq!(
        c.receivers[0].webhook_configs[0].timeout.0,
        std::time::Duration::from_secs(90)
    );
    // yaml.v2 reads an integer as nanoseconds.
    let c = accepted(&recv("10"));
    assert_eq!(
        c.receivers[0].webhook_configs[0].timeout.0,
        std::time::Duration::from_nanos(10)
    );
    assert_eq!(
        upstream(&recv("10x")),
        "yaml: unmarshal errors:\n  line 7: cannot unmarshal !!str `10x` into time.Duration"
    );
}

#[test]
fn tracing_and_event_recorder() {
    let base = "route:\n  receiver: r\nreceivers:\n- name: r\n";
    assert_eq!(
        upstream(&format!("{base}tracing:\n  insecure: true\n")),
        "tracing endpoint must be set"
    );
    assert_eq!(
        upstream(&format!(
            "{base}tracing:\n  endpoint: x:4317\n  client_type: udp\n"
        )),
        "expected tracing client type to be to be http or grpc, but got udp"
    );
    let c = accepted(&format!("{base}tracing:\n  endpoint: x:4317\n"));
    assert_eq!(
        c.tracing.as_ref().map(|t| t.client_type.0.as_str()),
        Some("grpc")
    );
    assert!(accepted(base).tracing.is_none());
    assert_eq!(
        upstream(&format!(
            "{base}event_recorder:\n  webhook_outputs:\n  - url: http://x\n    batch_max_events: 5\n"
        )),
        "event_recorder webhook batch settings require batch: true"
    );
    assert_eq!(
        upstream(&format!(
            "{base}event_recorder:\n  kafka_outputs:\n  - topic: t\n"
        )),
        "event_recorder kafka: at least one broker is required"
    );
    let c = accepted(&format!(
        "{base}event_recorder:\n  file_outputs: [{{path: events.jsonl}}]\n  stdout_outputs: [{{}}]\n  kafka_outputs: [{{brokers: ['b:9092'], topic: t}}]\n"
    ));
    assert_eq!(c.event_recorder.kafka_outputs[0].format, "json");
    assert_eq!(c.event_recorder.file_outputs[0].path, "events.jsonl");
}

#[test]
fn secret_template_url_and_host_port() {
    let recv = |u: &str| {
        format!("route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: {u}\n")
    };
    accepted(&recv("'http://example.com/{{ .GroupLabels.alertname }}'"));
    accepted(&recv("'<secret>'"));
    assert!(upstream(&recv("example.com/webhook")).contains("unsupported scheme"));
    let c = accepted(
        "global:\n  smtp_smarthost: '[fd12:3456:789a::1]:25'\n  smtp_from: a@b\nroute:\n  receiver: r\nreceivers:\n- name: r\n",
    );
    assert_eq!(c.global.smtp_smarthost.host, "fd12:3456:789a::1");
    assert!(
        c.to_yaml()
            .contains("smtp_smarthost: '[fd12:3456:789a::1]:25'\n")
    );
}
