//! Friendlier explanations for unknown keys: "did you mean `x`?" by edit
//! distance, keys that belong in prometheus.yml, and keys that exist in
//! alertmanager.yml but in another section. Pure functions over strings.

/// Top-level keys of prometheus.yml (and of rule files) that users put into
/// alertmanager.yml by mistake.
const PROMETHEUS_KEYS: &[&str] = &[
    "rule_files",
    "scrape_configs",
    "scrape_config_files",
    "alerting",
    "alertmanagers",
    "alert_relabel_configs",
    "evaluation_interval",
    "scrape_interval",
    "scrape_timeout",
    "scrape_protocols",
    "external_labels",
    "remote_write",
    "remote_read",
    "storage",
    "otlp",
    "tracing_config",
    "runtime",
    "query_log_file",
    "rule_query_offset",
    "groups",
    "rules",
    "static_configs",
    "relabel_configs",
    "metric_relabel_configs",
    "kubernetes_sd_configs",
    "file_sd_configs",
];

/// Where well-known alertmanager.yml keys live, for keys found elsewhere.
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "the top level of alertmanager.yml",
        &[
            "global",
            "route",
            "inhibit_rules",
            "receivers",
            "templates",
            "mute_time_intervals",
            "time_intervals",
            "tracing",
            "event_recorder",
        ],
    ),
    (
        "`global:`",
        &[
            "resolve_timeout",
            "smtp_from",
            "smtp_smarthost",
            "smtp_hello",
            "smtp_auth_username",
            "smtp_auth_password",
            "smtp_auth_password_file",
            "smtp_auth_secret",
            "smtp_auth_secret_file",
            "smtp_auth_identity",
            "smtp_require_tls",
            "smtp_tls_config",
            "smtp_force_implicit_tls",
            "slack_api_url",
            "slack_api_url_file",
            "slack_app_token",
            "slack_app_token_file",
            "slack_app_url",
            "pagerduty_url",
            "opsgenie_api_url",
            "opsgenie_api_key",
            "opsgenie_api_key_file",
            "wechat_api_url",
            "wechat_api_secret",
            "wechat_api_secret_file",
            "wechat_api_corp_id",
            "victorops_api_url",
            "victorops_api_key",
            "victorops_api_key_file",
            "telegram_api_url",
            "telegram_bot_token",
            "telegram_bot_token_file",
            "webex_api_url",
            "rocketchat_api_url",
            "rocketchat_token",
            "rocketchat_token_file",
            "rocketchat_token_id",
            "rocketchat_token_id_file",
            "mattermost_webhook_url",
            "mattermost_webhook_url_file",
            "jira_api_url",
        ],
    ),
    (
        "`route:` (or one of its `routes:`)",
        &[
            "receiver",
            "group_by",
            "continue",
            "match",
            "match_re",
            "matchers",
            "mute_time_intervals",
            "active_time_intervals",
            "routes",
            "group_wait",
            "group_interval",
            "repeat_interval",
        ],
    ),
    (
        "a `receivers:` entry",
        &[
            "discord_configs",
            "email_configs",
            "incidentio_configs",
            "pagerduty_configs",
            "slack_configs",
            "webhook_configs",
            "opsgenie_configs",
            "wechat_configs",
            "pushover_configs",
            "victorops_configs",
            "sns_configs",
            "telegram_configs",
            "webex_configs",
            "msteams_configs",
            "msteamsv2_configs",
            "jira_configs",
            "rocketchat_configs",
            "mattermost_configs",
        ],
    ),
    (
        "an `inhibit_rules:` entry",
        &[
            "source_match",
            "source_match_re",
            "source_matchers",
            "target_match",
            "target_match_re",
            "target_matchers",
            "equal",
        ],
    ),
    (
        "an integration's `http_config:`",
        &[
            "basic_auth",
            "authorization",
            "oauth2",
            "bearer_token",
            "bearer_token_file",
            "tls_config",
            "follow_redirects",
            "enable_http2",
            "proxy_url",
            "no_proxy",
            "proxy_from_environment",
            "proxy_connect_header",
            "http_headers",
        ],
    ),
];

/// The hint for an unknown `key` in a block whose valid keys are `valid`.
pub(crate) fn unknown_key_hint(key: &str, valid: &[&str]) -> Option<String> {
    if PROMETHEUS_KEYS.contains(&key) {
        return Some(format!(
            "`{key}` belongs in prometheus.yml (the Prometheus server's configuration), not in alertmanager.yml; remove it from this file"
        ));
    }
    if let Some(best) = closest(key, valid) {
        return Some(format!("did you mean `{best}`?"));
    }
    for (section, keys) in SECTIONS {
        if keys.contains(&key) && !valid.contains(&key) {
            return Some(format!("`{key}` is valid in {section}, not in this block"));
        }
    }
    if valid.is_empty() {
        return None;
    }
    let mut listed: Vec<&str> = valid.to_vec();
    listed.sort_unstable();
    Some(format!("valid keys here are: {}", listed.join(", ")))
}

/// The valid key nearest to `key`, if it is plausibly a typo of it.
pub(crate) fn closest<'a>(key: &str, valid: &[&'a str]) -> Option<&'a str> {
    let key_lower = key.to_ascii_lowercase().replace('-', "_");
    let limit = (key.chars().count() / 3).clamp(1, 3);
    valid
        .iter()
        .map(|candidate| (edit_distance(&key_lower, candidate), *candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Optimal string alignment distance (Levenshtein plus transpositions).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 {
        return a.len().abs_diff(b.len());
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("repeat_inteval", "repeat_interval"), 1);
        assert_eq!(edit_distance("recevier", "receiver"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggests_typos_and_foreign_keys() {
        let route = ["receiver", "group_by", "repeat_interval", "routes"];
        assert_eq!(
            unknown_key_hint("repeat_inteval", &route).as_deref(),
            Some("did you mean `repeat_interval`?")
        );
        assert!(
            unknown_key_hint("rule_files", &route).is_some_and(|h| h.contains("prometheus.yml"))
        );
        assert!(unknown_key_hint("slack_api_url", &route).is_some_and(|h| h.contains("`global:`")));
        assert_eq!(
            closest("webhook_config", &["webhook_configs", "email_configs"]),
            Some("webhook_configs")
        );
        assert_eq!(closest("zzz", &["receiver"]), None);
    }
}
