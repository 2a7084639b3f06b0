//! Every file of Alertmanager's own config test data gets the verdict
//! Alertmanager 0.34 gives it.
//!
//! Expected verdicts and messages come from upstream's
//! `config/config_test.go` at v0.34 (commit 68fb2d575). Cross-checked with
//! `amtool check-config` 0.25 on this machine; where 0.25 differs the
//! 0.34 verdict is used and the difference is noted next to the file.

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/conformance/alertmanager-config"
    ))
}

/// `None` = accepted; `Some(text)` = rejected, Alertmanager's message equals `text`.
const VERDICTS: &[(&str, Option<&str>)] = &[
    ("conf.empty-fields.yml", None),
    ("conf.good.yml", None),
    ("conf.group-by-all.yml", None),
    ("conf.http-config.good.yml", None),
    // 0.25 has no Mattermost integration ("field mattermost_webhook_url not found").
    (
        "conf.mattermost-both-webhook-url-and-file.yml",
        Some(
            "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured",
        ),
    ),
    ("conf.mattermost-default-webhook-url-file.yml", None),
    ("conf.mattermost-default-webhook-url.yml", None),
    (
        "conf.mattermost-no-webhook-url.yml",
        Some("missing webhook_url or webhook_url_file on mattermost_config"),
    ),
    (
        "conf.mattermost-valid-receiver-both-webhook-url-and-file.yml",
        Some(
            "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured",
        ),
    ),
    (
        "conf.nil-match_re-route.yml",
        Some("invalid regexp value for \"invalid_label\""),
    ),
    (
        "conf.nil-source_match_re-inhibition.yml",
        Some("invalid regexp value for \"invalid_source_label\""),
    ),
    (
        "conf.nil-target_match_re-inhibition.yml",
        Some("invalid regexp value for \"invalid_target_label\""),
    ),
    (
        "conf.opsgenie-both-file-and-apikey.yml",
        Some("at most one of opsgenie_api_key & opsgenie_api_key_file must be configured"),
    ),
    ("conf.opsgenie-default-apikey-file.yml", None),
    // 0.25 names the type config.plain; 0.34 moved OpsGenie into its own package.
    (
        "conf.opsgenie-default-apikey-old-team.yml",
        Some("yaml: unmarshal errors:\n  line 16: field teams not found in type opsgenie.plain"),
    ),
    ("conf.opsgenie-default-apikey.yml", None),
    (
        "conf.opsgenie-no-apikey.yml",
        Some("no global OpsGenie API Key set either inline or in a file"),
    ),
    // 0.25 has no `rocketchat_*` globals (unmarshal errors); 0.34 checks them.
    (
        "conf.rocketchat-both-token-and-tokenfile.yml",
        Some("at most one of rocketchat_token & rocketchat_token_file must be configured"),
    ),
    (
        "conf.rocketchat-both-tokenid-and-tokenidfile.yml",
        Some("at most one of rocketchat_token_id & rocketchat_token_id_file must be configured"),
    ),
    ("conf.rocketchat-default-token-file.yml", None),
    ("conf.rocketchat-default-token.yml", None),
    (
        "conf.rocketchat-no-token.yml",
        Some("no global Rocketchat Token set either inline or in a file"),
    ),
    // 0.25 has no `slack_app_token*` (unmarshal errors).
    (
        "conf.slack-both-file-and-token.yml",
        Some("at most one of slack_app_token & slack_app_token_file must be configured"),
    ),
    (
        "conf.slack-both-file-and-url.yml",
        Some("at most one of slack_api_url & slack_api_url_file must be configured"),
    ),
    (
        "conf.slack-both-url-and-token.yml",
        Some(
            "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured",
        ),
    ),
    ("conf.slack-default-api-url-file.yml", None),
    ("conf.slack-default-app-token.yml", None),
    // 0.25 said "no global Slack API URL set either inline or in a file".
    (
        "conf.slack-no-api-url-or-token.yml",
        Some("no Slack API URL nor App token set either inline or in a file"),
    ),
    (
        "conf.slack-update-message-and-webhook.yml",
        Some(
            "update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage",
        ),
    ),
    (
        "conf.smtp-both-password-and-file.yml",
        Some("at most one of smtp_auth_password & smtp_auth_password_file must be configured"),
    ),
    ("conf.smtp-no-username-or-password.yml", None),
    // 0.25 has no `smtp_auth_secret_file`.
    ("conf.smtp-password-global-and-local.yml", None),
    (
        "conf.sns-invalid.yml",
        Some("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"),
    ),
    ("conf.sns-topic-arn.yml", None),
    // 0.25 had no `telegram_bot_token_file` / global bot token fallback.
    (
        "conf.telegram-both-bot-token-and-file.yml",
        Some("at most one of telegram_bot_token & telegram_bot_token_file must be configured"),
    ),
    ("conf.telegram-default-bot-token-file.yml", None),
    ("conf.telegram-default-bot-token.yml", None),
    (
        "conf.telegram-no-bot-token.yml",
        Some("missing bot_token or bot_token_file on telegram_config"),
    ),
    (
        "conf.telegram-valid-receiver-both-bot-token-and-file.yml",
        Some("at most one of telegram_bot_token & telegram_bot_token_file must be configured"),
    ),
    (
        "conf.victorops-both-file-and-apikey.yml",
        Some("at most one of victorops_api_key & victorops_api_key_file must be configured"),
    ),
    ("conf.victorops-default-apikey-file.yml", None),
    ("conf.victorops-default-apikey.yml", None),
    (
        "conf.victorops-no-apikey.yml",
        Some("no global VictorOps API Key set"),
    ),
    // 0.25 has no `wechat_api_secret_file`.
    (
        "conf.wechat-both-file-and-secret.yml",
        Some("at most one of wechat_api_secret & wechat_api_secret_file must be configured"),
    ),
    ("conf.wechat-default-api-secret-file.yml", None),
    // 0.25 said "no global Wechat ApiSecret set".
    (
        "conf.wechat-no-api-secret.yml",
        Some("no global Wechat Api Secret set either inline or in a file"),
    ),
];

#[test]
fn every_conformance_file_gets_upstreams_verdict() {
    let dir = dir();
    if !dir.is_dir() {
        eprintln!(
            "SKIP every_conformance_file_gets_upstreams_verdict: {} is absent",
            dir.display()
        );
        return;
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("read conformance dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for file in &files {
        let Some((_, expected)) = VERDICTS.iter().find(|(f, _)| f == file) else {
            failures.push(format!("{file}: no expected verdict recorded"));
            continue;
        };
        match (tocsin_config::load_file(dir.join(file)), expected) {
            (Ok(_), None) => {}
            (Ok(_), Some(want)) => failures.push(format!(
                "{file}: accepted, expected rejection with {want:?}"
            )),
            (Err(f), None) => failures.push(format!("{file}: rejected, expected acceptance:\n{f}")),
            (Err(f), Some(want)) => {
                let got = f.first_upstream_message();
                if got != *want {
                    failures.push(format!(
                        "{file}: upstream message {got:?}, expected {want:?}"
                    ));
                }
                if !f.errors().any(|d| d.line > 0 && !d.snippet.is_empty())
                    && !want.starts_with("no ")
                {
                    failures.push(format!("{file}: no error carries a position"));
                }
            }
        }
    }
    assert_eq!(
        files.len(),
        VERDICTS.len(),
        "the conformance folder changed"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Details upstream's tests check on the accepted files.
#[test]
fn accepted_files_carry_upstreams_values() {
    let dir = dir();
    if !dir.is_dir() {
        eprintln!(
            "SKIP accepted_files_carry_upstreams_values: {} is absent",
            dir.display()
        );
        return;
    }
    let load = |f: &str| {
        tocsin_config::load_file(dir.join(f))
            .unwrap_or_else(|e| panic!("{f}: {e}"))
            .config
    };

    let good = load("conf.good.yml");
    assert_eq!(good.global.smtp_hello, "host.example.org");
    // TestHideConfigSecrets: 13 secrets masked, none revealed.
    let shown = good.to_yaml();
    assert_eq!(shown.matches("<secret>").count(), 13, "{shown}");
    assert!(!shown.contains("mysecret"));
    // Rendering and loading again is a fixed point (TestMarshalIdempotency).
    let again = tocsin_config::load_str(&shown, "again.yml")
        .unwrap_or_else(|e| panic!("{e}"))
        .config;
    assert_eq!(again.to_yaml(), shown);

    let http = load("conf.http-config.good.yml");
    assert!(
        !http
            .global
            .http_config
            .as_ref()
            .expect("global http")
            .follow_redirects
    );
    assert!(
        http.receivers[0].slack_configs[0]
            .http_config
            .as_ref()
            .expect("http")
            .follow_redirects
    );

    let all = load("conf.group-by-all.yml");
    assert_eq!(all.route.group_by, Some(tocsin_config::GroupBy::All));

    // TestGlobalAndLocalSMTPPassword.
    let smtp = load("conf.smtp-password-global-and-local.yml");
    let emails = &smtp.receivers[0].email_configs;
    assert_eq!(emails[0].auth_password_file, "/tmp/globaluserpassword");
    assert!(emails[0].auth_password.is_empty());
    assert_eq!(emails[0].auth_secret_file, "/tmp/globalusersecret");
    assert_eq!(emails[1].auth_password_file, "/tmp/localuser1password");
    assert_eq!(emails[2].auth_password.expose(), "mysecret");
    assert!(emails[2].auth_password_file.is_empty());
    assert_eq!(emails[3].auth_secret.expose(), "myprecious");
    assert!(emails[3].auth_secret_file.is_empty());
    assert_eq!(emails[4].auth_secret_file, "/tmp/localuser4secret");
    assert!(emails[4].auth_secret.is_empty());

    // TestSlackGlobalAppToken.
    let slack = load("conf.slack-default-app-token.yml");
    let s = &slack.receivers[0].slack_configs;
    let auth = |i: usize| {
        s[i].http_config
            .as_ref()
            .and_then(|h| h.authorization.clone())
            .expect("authorization")
    };
    assert_eq!(s[0].app_token, slack.global.slack_app_token);
    assert_eq!(
        s[0].api_url.as_ref().map(|u| u.expose()),
        slack.global.slack_app_url.as_ref().map(|u| u.to_string())
    );
    assert_eq!(
        (auth(0).auth_type.as_str(), auth(0).credentials.expose()),
        ("Bearer", slack.global.slack_app_token.expose())
    );
    assert_eq!(auth(1).credentials.expose(), "xoxb-1234-xxxxxx");
    assert_eq!(
        s[2].app_url.as_ref().map(ToString::to_string).as_deref(),
        Some("http://api.fakeslack.example/")
    );
    assert!(s[3].app_token.is_empty());
    assert_eq!(auth(3).credentials.expose(), "xoxb-my-bot-token");
    assert_eq!(
        s[4].api_url.as_ref().map(|u| u.expose()).as_deref(),
        Some("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")
    );
    assert!(s[4].api_url_file.is_empty());

    let slack_file = load("conf.slack-default-api-url-file.yml");
    let s = &slack_file.receivers[0].slack_configs;
    assert_eq!(
        (s[0].api_url_file.as_str(), s[0].api_url.is_none()),
        ("/global_file", true)
    );
    assert_eq!(
        (s[1].api_url_file.as_str(), s[1].api_url.is_none()),
        ("/override_file", true)
    );
    assert_eq!(
        s[2].api_url.as_ref().map(|u| u.expose()).as_deref(),
        Some("http://mysecret.example.com/")
    );

    let victorops = load("conf.victorops-default-apikey.yml");
    assert_eq!(
        victorops.receivers[0].victorops_configs[0].api_key,
        victorops.global.victorops_api_key
    );
    assert_eq!(
        victorops.receivers[1].victorops_configs[0].api_key.expose(),
        "qwe456"
    );

    let telegram = load("conf.telegram-default-bot-token-file.yml");
    assert_eq!(
        telegram.receivers[0].telegram_configs[0].bot_token_file,
        telegram.global.telegram_bot_token_file
    );
    assert_eq!(
        telegram.receivers[1].telegram_configs[0].bot_token_file,
        "/override_file"
    );

    let opsgenie = load("conf.opsgenie-default-apikey.yml");
    assert_eq!(
        opsgenie.receivers[0].opsgenie_configs[0].api_key,
        opsgenie.global.opsgenie_api_key
    );
    assert_ne!(
        opsgenie.receivers[1].opsgenie_configs[0].api_key,
        opsgenie.global.opsgenie_api_key
    );

    let rocket = load("conf.rocketchat-default-token.yml");
    assert_eq!(
        rocket.receivers[0].rocketchat_configs[0].token,
        rocket.global.rocketchat_token
    );
    assert_eq!(
        rocket.receivers[1].rocketchat_configs[0]
            .token
            .as_ref()
            .map(|t| t.expose()),
        Some("token456")
    );
    assert_eq!(
        rocket.receivers[1].rocketchat_configs[0]
            .token_id
            .as_ref()
            .map(|t| t.expose()),
        Some("id456")
    );

    let mattermost = load("conf.mattermost-default-webhook-url-file.yml");
    assert_eq!(
        mattermost.receivers[0].mattermost_configs[0].webhook_url_file,
        mattermost.global.mattermost_webhook_url_file
    );

    let wechat = load("conf.wechat-default-api-secret-file.yml");
    assert_eq!(
        wechat.receivers[0].wechat_configs[0].api_secret_file,
        wechat.global.wechat_api_secret_file
    );
}

/// TestEmptyFieldsAndRegex: the rendering of conf.empty-fields.yml equals
/// the rendering of upstream's expected `Config` value in that test. The
/// text below is that value laid out in `config.go`'s field order with its
/// `omitempty` rules (the 0.34 defaults `smtp_tls_config`, `slack_app_url`,
/// `rocketchat_api_url` and the receiver `labels` included); the layout and
/// quoting rules are checked against yaml.v2 itself by `yaml_v2_emitter.rs`,
/// and the same file printed by Alertmanager 0.25 differs only in those
/// 0.34 additions.
#[test]
fn empty_fields_render_like_upstream() {
    let path = dir().join("conf.empty-fields.yml");
    if !path.is_file() {
        eprintln!(
            "SKIP empty_fields_render_like_upstream: {} is absent",
            path.display()
        );
        return;
    }
    let config = tocsin_config::load_file(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .config;
    let expected = r#"global:
  resolve_timeout: 5m
  http_config:
    follow_redirects: true
    enable_http2: true
  smtp_from: alertmanager@example.org
  smtp_smarthost: localhost:25
  smtp_require_tls: true
  smtp_tls_config:
    insecure_skip_verify: false
  slack_api_url: <secret>
  slack_app_url: https://slack.com/api/chat.postMessage
  pagerduty_url: https://events.pagerduty.com/v2/enqueue
  opsgenie_api_url: https://api.opsgenie.com/
  wechat_api_url: https://qyapi.weixin.qq.com/cgi-bin/
  victorops_api_url: https://alert.victorops.com/integrations/generic/20131114/alert/
  telegram_api_url: https://api.telegram.org
  webex_api_url: https://webexapis.com/v1/messages
  rocketchat_api_url: https://open.rocket.chat/
route:
  receiver: team-X-mails
  group_by:
  - alertname
  - cluster
  - service
  continue: false
  routes:
  - receiver: team-X-mails
    match_re:
      service: ^(foo1|foo2|baz)$
    continue: false
receivers:
- name: team-X-mails
  labels:
    name: team-X-mails
  email_configs:
  - send_resolved: false
    to: team-X+alerts@example.org
    from: alertmanager@example.org
    smarthost: localhost:25
    html: '{{ template "email.default.html" . }}'
    require_tls: true
    tls_config:
      insecure_skip_verify: false
templates:
- /etc/alertmanager/template/*.tmpl
"#;
    assert_eq!(config.to_yaml(), expected);
}
