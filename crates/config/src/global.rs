//! The `global:` block: defaults shared by every receiver, with upstream's
//! default values and the checks that two ways of giving the same
//! credential are not both used.

use tocsin_model::PromDuration;

use crate::common::{HostPort, Secret, SecretUrl, Url};
use crate::decode::Checks;
use crate::decode::config_struct;
use crate::http::{HttpClientConfig, TlsConfig};

fn minutes(n: u64) -> PromDuration {
    PromDuration(std::time::Duration::from_secs(n * 60))
}

config_struct! {
    /// `global:`. Absent, empty or null blocks all mean "the defaults".
    pub struct GlobalConfig {
        go_type: "config.GlobalConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "*",
        check: Some(check_global),
    } {
        /// An alert without `endsAt` is resolved after this long without updates.
        resolve_timeout: PromDuration = minutes(5) => "resolve_timeout";
        http_config: Option<HttpClientConfig> = Some(HttpClientConfig::default()) => "http_config", omitempty;
        jira_api_url: Option<Url> = None => "jira_api_url", omitempty;
        smtp_from: String = String::new() => "smtp_from", omitempty;
        smtp_hello: String = "localhost".to_owned() => "smtp_hello", omitempty;
        smtp_smarthost: HostPort = HostPort::default() => "smtp_smarthost", omitempty;
        smtp_auth_username: String = String::new() => "smtp_auth_username", omitempty;
        smtp_auth_password: Secret = Secret::default() => "smtp_auth_password", omitempty;
        smtp_auth_password_file: String = String::new() => "smtp_auth_password_file", omitempty;
        smtp_auth_secret: Secret = Secret::default() => "smtp_auth_secret", omitempty;
        smtp_auth_secret_file: String = String::new() => "smtp_auth_secret_file", omitempty;
        smtp_auth_identity: String = String::new() => "smtp_auth_identity", omitempty;
        smtp_require_tls: bool = true => "smtp_require_tls";
        smtp_tls_config: Option<TlsConfig> = Some(TlsConfig::default()) => "smtp_tls_config", omitempty;
        smtp_force_implicit_tls: Option<bool> = None => "smtp_force_implicit_tls", omitempty;
        slack_api_url: Option<SecretUrl> = None => "slack_api_url", omitempty;
        slack_api_url_file: String = String::new() => "slack_api_url_file", omitempty;
        slack_app_token: Secret = Secret::default() => "slack_app_token", omitempty;
        slack_app_token_file: String = String::new() => "slack_app_token_file", omitempty;
        slack_app_url: Option<Url> = Some(Url::known("https://slack.com/api/chat.postMessage")) => "slack_app_url", omitempty;
        pagerduty_url: Option<Url> = Some(Url::known("https://events.pagerduty.com/v2/enqueue")) => "pagerduty_url", omitempty;
        opsgenie_api_url: Option<Url> = Some(Url::known("https://api.opsgenie.com/")) => "opsgenie_api_url", omitempty;
        opsgenie_api_key: Secret = Secret::default() => "opsgenie_api_key", omitempty;
        opsgenie_api_key_file: String = String::new() => "opsgenie_api_key_file", omitempty;
        wechat_api_url: Option<Url> = Some(Url::known("https://qyapi.weixin.qq.com/cgi-bin/")) => "wechat_api_url", omitempty;
        wechat_api_secret: Secret = Secret::default() => "wechat_api_secret", omitempty;
        wechat_api_secret_file: String = String::new() => "wechat_api_secret_file", omitempty;
        wechat_api_corp_id: String = String::new() => "wechat_api_corp_id", omitempty;
        victorops_api_url: Option<Url> = Some(Url::known("https://alert.victorops.com/integrations/generic/20131114/alert/")) => "victorops_api_url", omitempty;
        victorops_api_key: Secret = Secret::default() => "victorops_api_key", omitempty;
        victorops_api_key_file: String = String::new() => "victorops_api_key_file", omitempty;
        telegram_api_url: Option<Url> = Some(Url::known("https://api.telegram.org")) => "telegram_api_url", omitempty;
        telegram_bot_token: Secret = Secret::default() => "telegram_bot_token", omitempty;
        telegram_bot_token_file: String = String::new() => "telegram_bot_token_file", omitempty;
        webex_api_url: Option<Url> = Some(Url::known("https://webexapis.com/v1/messages")) => "webex_api_url", omitempty;
        rocketchat_api_url: Option<Url> = Some(Url::known("https://open.rocket.chat/")) => "rocketchat_api_url", omitempty;
        rocketchat_token: Option<Secret> = None => "rocketchat_token", omitempty;
        rocketchat_token_file: String = String::new() => "rocketchat_token_file", omitempty;
        rocketchat_token_id: Option<Secret> = None => "rocketchat_token_id", omitempty;
        rocketchat_token_id_file: String = String::new() => "rocketchat_token_id_file", omitempty;
        mattermost_webhook_url: Option<SecretUrl> = None => "mattermost_webhook_url", omitempty;
        mattermost_webhook_url_file: String = String::new() => "mattermost_webhook_url_file", omitempty;
    }
}

/// Upstream runs these in `Config.UnmarshalYAML`, after decoding.
fn check_global(g: &mut GlobalConfig, v: &mut Checks<'_, '_>) {
    v.post_decoding();
    let pairs: [(bool, bool, &str, &str); 11] = [
        (
            !g.slack_app_token.is_empty(),
            !g.slack_app_token_file.is_empty(),
            "slack_app_token_file",
            "at most one of slack_app_token & slack_app_token_file must be configured",
        ),
        (
            g.slack_api_url.is_some(),
            !g.slack_api_url_file.is_empty(),
            "slack_api_url_file",
            "at most one of slack_api_url & slack_api_url_file must be configured",
        ),
        (
            !g.opsgenie_api_key.is_empty(),
            !g.opsgenie_api_key_file.is_empty(),
            "opsgenie_api_key_file",
            "at most one of opsgenie_api_key & opsgenie_api_key_file must be configured",
        ),
        (
            !g.victorops_api_key.is_empty(),
            !g.victorops_api_key_file.is_empty(),
            "victorops_api_key_file",
            "at most one of victorops_api_key & victorops_api_key_file must be configured",
        ),
        (
            !g.telegram_bot_token.is_empty(),
            !g.telegram_bot_token_file.is_empty(),
            "telegram_bot_token_file",
            "at most one of telegram_bot_token & telegram_bot_token_file must be configured",
        ),
        (
            !g.smtp_auth_password.is_empty(),
            !g.smtp_auth_password_file.is_empty(),
            "smtp_auth_password_file",
            "at most one of smtp_auth_password & smtp_auth_password_file must be configured",
        ),
        (
            g.rocketchat_token.is_some(),
            !g.rocketchat_token_file.is_empty(),
            "rocketchat_token_file",
            "at most one of rocketchat_token & rocketchat_token_file must be configured",
        ),
        (
            g.rocketchat_token_id.is_some(),
            !g.rocketchat_token_id_file.is_empty(),
            "rocketchat_token_id_file",
            "at most one of rocketchat_token_id & rocketchat_token_id_file must be configured",
        ),
        (
            !g.smtp_auth_secret.is_empty(),
            !g.smtp_auth_secret_file.is_empty(),
            "smtp_auth_secret_file",
            "at most one of smtp_auth_secret & smtp_auth_secret_file must be configured",
        ),
        (
            !g.wechat_api_secret.is_empty(),
            !g.wechat_api_secret_file.is_empty(),
            "wechat_api_secret_file",
            "at most one of wechat_api_secret & wechat_api_secret_file must be configured",
        ),
        (
            g.mattermost_webhook_url.is_some(),
            !g.mattermost_webhook_url_file.is_empty(),
            "mattermost_webhook_url_file",
            "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured",
        ),
    ];
    // Upstream checks the Slack token/URL combination third.
    for (i, (inline, file, key, message)) in pairs.iter().enumerate() {
        if *inline && *file {
            v.fail_hint(
                key,
                *message,
                "give the value inline or in a file, not both",
            );
        }
        if i == 1 {
            check_slack_token_and_url(g, v);
        }
    }
}

fn check_slack_token_and_url(g: &GlobalConfig, v: &mut Checks<'_, '_>) {
    let has_token = !g.slack_app_token.is_empty() || !g.slack_app_token_file.is_empty();
    let has_url = g.slack_api_url.is_some() || !g.slack_api_url_file.is_empty();
    if !(has_token && has_url) {
        return;
    }
    // Transition from the workaround of issue #2513: a global webhook URL
    // equal to the app URL is tolerated.
    let url = g.slack_api_url.as_ref().map(SecretUrl::expose);
    let app = g.slack_app_url.as_ref().map(ToString::to_string);
    if url.is_none() || url != app {
        v.fail_hint(
            "slack_app_token",
            "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured",
            "use either a bot token (`slack_app_token`) or an incoming-webhook URL (`slack_api_url`)",
        );
    }
}
