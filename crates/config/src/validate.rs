//! The checks upstream runs after decoding (`Config.UnmarshalYAML` and
//! `config.Load`): unique receiver names, `global` settings flowing into
//! every integration (with the errors when a required one is missing
//! everywhere), the root route's constraints, and references from routes
//! to receivers and time intervals. Produces the final [`Config`].
//!
//! Upstream stops at the first failure; here every check runs, in
//! upstream's order, so the first error reported is the one Alertmanager
//! would print.

use std::collections::{HashMap, HashSet};

use tocsin_model::goquote::go_quote;

use crate::config::{Config, RawConfig};
use crate::decode::Decoder;
use crate::diagnostic::Upstream;
use crate::global::GlobalConfig;
use crate::hints::closest;
use crate::http::{Authorization, HttpClientConfig};
use crate::notifiers::*;
use crate::receiver::{Entries, RawReceiver, Receiver};
use crate::route::{Route, RouteMarks};
use crate::yaml::Mark;

/// The decoded configuration plus the positions the lints need.
pub(crate) struct Built {
    pub(crate) config: Config,
    pub(crate) route_marks: RouteMarks,
}

/// Emits upstream's post-decoding errors.
struct Post<'c, 'a> {
    cx: &'c mut Decoder<'a>,
}

impl Post<'_, '_> {
    fn fail(&mut self, at: Option<Mark>, message: impl Into<String>) {
        self.cx.error(at, message.into(), None, Upstream::Check);
    }
    fn fail_hint(&mut self, at: Option<Mark>, message: impl Into<String>, hint: impl Into<String>) {
        self.cx
            .error(at, message.into(), Some(hint.into()), Upstream::Check);
    }
}

/// Run upstream's post-decoding checks and apply `global` inheritance.
pub(crate) fn build(raw: RawConfig, cx: &mut Decoder<'_>) -> Built {
    let mut post = Post { cx };
    // A `receivers:` block that did not decode as a list would make every
    // route's receiver look undefined.
    let receivers_unknown = raw.failed("receivers") && raw.receivers.is_empty();
    let route_failed = raw.failed("route");
    let intervals_unknown = raw.failed("time_intervals") || raw.failed("mute_time_intervals");
    let global = raw.global.unwrap_or_default();
    let mut names: HashSet<String> = HashSet::new();
    let mut receivers = Vec::with_capacity(raw.receivers.len());
    for r in raw.receivers {
        let position = r.mark;
        let name = r.value.name.value.clone();
        if names.contains(&name) {
            post.fail_hint(
                r.value.name.mark.or(position),
                format!("notification config name {} is not unique", go_quote(&name)),
                "receiver names must be unique; rename or merge the two receivers",
            );
        }
        receivers.push(inherit(r.value, position, &global, &mut post));
        names.insert(name);
    }

    let has_route = raw.route.value.is_some();
    let (route, route_marks) = match raw.route.value {
        Some(r) => r.into_route(raw.route.mark),
        None => {
            post.fail_hint(
                None,
                "no routes provided",
                "add a `route:` block with at least `receiver: <name>`; it is the entry point for every alert",
            );
            (Route::default(), RouteMarks::default())
        }
    };
    if has_route {
        check_root(&route, &route_marks, route_failed, &mut post);
        if !receivers_unknown {
            let known: Vec<&str> = receivers.iter().map(|r| r.name.as_str()).collect();
            check_receivers(&route, &route_marks, &names, &known, &mut post);
        }
    }

    let mute_time_intervals: Vec<_> = raw
        .mute_time_intervals
        .into_iter()
        .map(|t| t.value.into_named())
        .collect();
    let time_intervals: Vec<_> = raw
        .time_intervals
        .into_iter()
        .map(|t| t.value.into_named())
        .collect();
    let mut interval_names: HashSet<&str> = HashSet::new();
    for t in &mute_time_intervals {
        if !interval_names.insert(&t.name) {
            post.fail(
                t.position,
                format!("mute time interval {} is not unique", go_quote(&t.name)),
            );
        }
    }
    for t in &time_intervals {
        if !interval_names.insert(&t.name) {
            post.fail(
                t.position,
                format!("time interval {} is not unique", go_quote(&t.name)),
            );
        }
    }
    if has_route {
        if !intervals_unknown {
            let known: Vec<&str> = interval_names.iter().copied().collect();
            check_time_intervals(&route, &route_marks, &interval_names, &known, &mut post);
        }
        if route.r#continue {
            post.fail_hint(
                route_marks.continue_,
                "cannot have continue in root route",
                "the root route receives every alert; put `continue: true` on its child routes instead",
            );
        }
    }

    let tracing = (raw.tracing != crate::decode::Decode::zero()).then_some(raw.tracing);
    let config = Config {
        global,
        route,
        inhibit_rules: raw
            .inhibit_rules
            .into_iter()
            .map(|r| r.value.into_rule(r.mark))
            .collect(),
        receivers,
        templates: raw.templates.into_iter().map(|t| t.value).collect(),
        mute_time_intervals,
        time_intervals,
        tracing,
        event_recorder: raw.event_recorder,
        original: String::new(),
    };
    Built {
        config,
        route_marks,
    }
}

fn check_root(route: &Route, marks: &RouteMarks, route_failed: bool, post: &mut Post<'_, '_>) {
    // A misspelt `receiver:` is already reported as an unknown field.
    if route.receiver.is_none() && !route_failed {
        post.fail_hint(
            marks.node,
            "root route must specify a default receiver",
            "add `receiver: <name>` to `route:`; alerts that match no child route go there",
        );
    }
    if !route.matchers.is_empty() {
        post.fail_hint(
            marks.matchers,
            "root route must not have any matchers",
            "the root route must catch every alert; move the matchers to a child route under `routes:`",
        );
    }
    if !route.mute_time_intervals.is_empty() {
        post.fail(
            marks.mute,
            "root route must not have any mute time intervals",
        );
    }
    if !route.active_time_intervals.is_empty() {
        post.fail(
            marks.active,
            "root route must not have any active time intervals",
        );
    }
}

/// Children before parents, as upstream's `checkReceiver` walks.
fn check_receivers(
    route: &Route,
    marks: &RouteMarks,
    names: &HashSet<String>,
    known: &[&str],
    post: &mut Post<'_, '_>,
) {
    for (child, child_marks) in route.routes.iter().zip(&marks.children) {
        check_receivers(child, child_marks, names, known, post);
    }
    if let Some(receiver) = &route.receiver
        && !names.contains(receiver)
    {
        let hint = match closest(receiver, known) {
            Some(best) => format!("did you mean `{best}`?"),
            None if known.is_empty() => {
                "no receivers are defined; add one under `receivers:`".into()
            }
            None => format!("defined receivers: {}", known.join(", ")),
        };
        post.fail_hint(
            marks.receiver,
            format!("undefined receiver {} used in route", go_quote(receiver)),
            hint,
        );
    }
}

/// Children first, then `active_time_intervals`, then `mute_time_intervals`.
fn check_time_intervals(
    route: &Route,
    marks: &RouteMarks,
    names: &HashSet<&str>,
    known: &[&str],
    post: &mut Post<'_, '_>,
) {
    for (child, child_marks) in route.routes.iter().zip(&marks.children) {
        check_time_intervals(child, child_marks, names, known, post);
    }
    let lists = [
        (&route.active_time_intervals, &marks.active_items),
        (&route.mute_time_intervals, &marks.mute_items),
    ];
    for (list, item_marks) in lists {
        for (i, name) in list.iter().enumerate() {
            if !names.contains(name.as_str()) {
                let hint = closest(name, known)
                    .map(|b| format!("did you mean `{b}`?"))
                    .unwrap_or_else(|| "define it under `time_intervals:`".into());
                post.fail_hint(
                    item_marks.get(i).copied().flatten(),
                    format!("undefined time interval {} used in route", go_quote(name)),
                    hint,
                );
            }
        }
    }
}

/// `cmp.Or` on an optional HTTP client config: the integration's own, else
/// a copy of the global one.
fn http_or_global(own: &mut Option<HttpClientConfig>, global: &GlobalConfig) {
    if own.is_none() {
        own.clone_from(&global.http_config);
    }
}

fn or_str(own: &mut String, global: &str) {
    if own.is_empty() {
        global.clone_into(own);
    }
}

/// Fill one receiver's integrations from `global`, in upstream's order.
fn inherit(
    raw: RawReceiver,
    position: Option<Mark>,
    g: &GlobalConfig,
    post: &mut Post<'_, '_>,
) -> Receiver {
    let mut out = Receiver {
        name: raw.name.value,
        labels: raw.labels,
        position,
        ..Receiver::default()
    };
    /// Null entries: an error for most integrations.
    fn present<T>(
        entries: Entries<T>,
        what: &str,
        post: &mut Post<'_, '_>,
    ) -> Vec<(T, Option<Mark>)> {
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            match e.value {
                Some(v) => out.push((v, e.mark)),
                None => post.fail_hint(
                    e.mark,
                    format!("missing {what} config"),
                    format!(
                        "this `{what}_configs` entry is empty; remove the stray `-` or fill it in"
                    ),
                ),
            }
        }
        out
    }
    /// Null entries that upstream replaces by an empty config.
    fn defaulted<T: Default>(entries: Entries<T>) -> Vec<(T, Option<Mark>)> {
        entries
            .into_iter()
            .map(|e| (e.value.unwrap_or_default(), e.mark))
            .collect()
    }

    for (mut c, _) in present(raw.webhook_configs, "webhook", post) {
        http_or_global(&mut c.http_config, g);
        out.webhook_configs.push(c);
    }
    for (mut c, at) in present(raw.email_configs, "email", post) {
        if c.tls_config.is_none() {
            c.tls_config.clone_from(&g.smtp_tls_config);
        }
        if c.smarthost.is_empty() {
            c.smarthost = g.smtp_smarthost.clone();
        }
        if c.smarthost.is_empty() {
            post.fail_hint(
                at,
                "no global SMTP smarthost set",
                "set `smarthost: host:port` here or `smtp_smarthost` under `global:`",
            );
        }
        or_str(&mut c.from, &g.smtp_from);
        if c.from.is_empty() {
            post.fail_hint(
                at,
                "no global SMTP from set",
                "set `from:` here or `smtp_from` under `global:`",
            );
        }
        or_str(&mut c.hello, &g.smtp_hello);
        or_str(&mut c.auth_username, &g.smtp_auth_username);
        if c.auth_password.is_empty() && c.auth_password_file.is_empty() {
            c.auth_password = g.smtp_auth_password.clone();
            c.auth_password_file.clone_from(&g.smtp_auth_password_file);
        }
        if c.auth_secret.is_empty() && c.auth_secret_file.is_empty() {
            c.auth_secret = g.smtp_auth_secret.clone();
            c.auth_secret_file.clone_from(&g.smtp_auth_secret_file);
        }
        or_str(&mut c.auth_identity, &g.smtp_auth_identity);
        if c.require_tls.is_none() {
            c.require_tls = Some(g.smtp_require_tls);
        }
        if c.force_implicit_tls.is_none() {
            c.force_implicit_tls = g.smtp_force_implicit_tls;
        }
        out.email_configs.push(c);
    }
    for (mut c, at) in defaulted::<SlackConfig>(raw.slack_configs) {
        if c.app_url.is_none() {
            c.app_url.clone_from(&g.slack_app_url);
        }
        if c.app_url.is_none() {
            post.fail(at, "no global Slack App URL set");
        }
        let own_auth = c
            .http_config
            .as_ref()
            .is_some_and(|h| h.authorization.is_some());
        if c.app_token.is_empty() && c.app_token_file.is_empty() && !own_auth && c.api_url.is_none()
        {
            c.app_token = g.slack_app_token.clone();
            c.app_token_file.clone_from(&g.slack_app_token_file);
        }
        if c.api_url.is_none() && c.api_url_file.is_empty() {
            c.api_url.clone_from(&g.slack_api_url);
            c.api_url_file.clone_from(&g.slack_api_url_file);
        }
        let has_token = !c.app_token.is_empty() || !c.app_token_file.is_empty();
        if c.api_url.is_none() && c.api_url_file.is_empty() && !has_token {
            post.fail_hint(
                at,
                "no Slack API URL nor App token set either inline or in a file",
                "set `api_url` (an incoming-webhook URL) or `app_token` here, or `slack_api_url` / `slack_app_token` under `global:`",
            );
        }
        http_or_global(&mut c.http_config, g);
        if has_token {
            let http = c.http_config.get_or_insert_with(HttpClientConfig::default);
            if http.authorization.is_some() {
                post.fail(
                    at,
                    "http authorization can't be set when using Slack App tokens",
                );
            } else {
                http.authorization = Some(Authorization {
                    auth_type: "Bearer".into(),
                    credentials: c.app_token.clone(),
                    credentials_file: c.app_token_file.clone(),
                    ..Authorization::default()
                });
            }
            c.api_url = c.app_url.clone().map(crate::common::SecretUrl);
        }
        out.slack_configs.push(c);
    }
    for (mut c, _) in present(raw.pushover_configs, "pushover", post) {
        http_or_global(&mut c.http_config, g);
        out.pushover_configs.push(c);
    }
    for (mut c, at) in present(raw.pagerduty_configs, "pagerduty", post) {
        http_or_global(&mut c.http_config, g);
        if c.url.is_none() {
            c.url.clone_from(&g.pagerduty_url);
        }
        if c.url.is_none() {
            post.fail(at, "no global PagerDuty URL set");
        }
        out.pagerduty_configs.push(c);
    }
    for (mut c, _) in present(raw.incidentio_configs, "incidentio", post) {
        http_or_global(&mut c.http_config, g);
        out.incidentio_configs.push(c);
    }
    for (mut c, at) in defaulted::<OpsGenieConfig>(raw.opsgenie_configs) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.opsgenie_api_url);
        }
        match &mut c.api_url {
            None => post.fail(at, "no global OpsGenie URL set"),
            Some(u) => u.ensure_trailing_slash(),
        }
        if c.api_key.is_empty() {
            c.api_key = g.opsgenie_api_key.clone();
        }
        or_str(&mut c.api_key_file, &g.opsgenie_api_key_file);
        if c.api_key.is_empty() && c.api_key_file.is_empty() {
            post.fail_hint(
                at,
                "no global OpsGenie API Key set either inline or in a file",
                "set `api_key` here or `opsgenie_api_key` under `global:`",
            );
        }
        out.opsgenie_configs.push(c);
    }
    for (mut c, at) in defaulted::<WechatConfig>(raw.wechat_configs) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.wechat_api_url);
        }
        if c.api_url.is_none() {
            post.fail(at, "no global Wechat URL set");
        }
        if c.api_secret.is_empty() && c.api_secret_file.is_empty() {
            if g.wechat_api_secret.is_empty() && g.wechat_api_secret_file.is_empty() {
                post.fail_hint(
                    at,
                    "no global Wechat Api Secret set either inline or in a file",
                    "set `api_secret` here or `wechat_api_secret` under `global:`",
                );
            }
            c.api_secret = g.wechat_api_secret.clone();
            c.api_secret_file.clone_from(&g.wechat_api_secret_file);
        }
        or_str(&mut c.corp_id, &g.wechat_api_corp_id);
        if c.corp_id.is_empty() {
            post.fail(at, "no global Wechat CorpID set");
        }
        if let Some(u) = &mut c.api_url {
            u.ensure_trailing_slash();
        }
        out.wechat_configs.push(c);
    }
    for (mut c, at) in present(raw.victorops_configs, "victorops", post) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.victorops_api_url);
        }
        match &mut c.api_url {
            None => post.fail(at, "no global VictorOps URL set"),
            Some(u) => u.ensure_trailing_slash(),
        }
        if c.api_key.is_empty() {
            c.api_key = g.victorops_api_key.clone();
        }
        or_str(&mut c.api_key_file, &g.victorops_api_key_file);
        if c.api_key.is_empty() && c.api_key_file.is_empty() {
            post.fail_hint(
                at,
                "no global VictorOps API Key set",
                "set `api_key` here or `victorops_api_key` under `global:`",
            );
        }
        out.victorops_configs.push(c);
    }
    for (mut c, _) in present(raw.sns_configs, "sns", post) {
        http_or_global(&mut c.http_config, g);
        out.sns_configs.push(c);
    }
    for (mut c, at) in present(raw.telegram_configs, "telegram", post) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.telegram_api_url);
        }
        if c.bot_token.is_empty() && c.bot_token_file.is_empty() {
            if g.telegram_bot_token.is_empty() && g.telegram_bot_token_file.is_empty() {
                post.fail_hint(
                    at,
                    "missing bot_token or bot_token_file on telegram_config",
                    "set `bot_token` here or `telegram_bot_token` under `global:`",
                );
            }
            c.bot_token = g.telegram_bot_token.clone();
            c.bot_token_file.clone_from(&g.telegram_bot_token_file);
        }
        out.telegram_configs.push(c);
    }
    for (mut c, at) in present(raw.discord_configs, "discord", post) {
        http_or_global(&mut c.http_config, g);
        if c.webhook_url.is_none() && c.webhook_url_file.is_empty() {
            post.fail(at, "no discord webhook URL or URLFile provided");
        }
        out.discord_configs.push(c);
    }
    for (mut c, at) in present(raw.webex_configs, "webex", post) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.webex_api_url);
        }
        if c.api_url.is_none() {
            post.fail(at, "no global Webex URL set");
        }
        out.webex_configs.push(c);
    }
    for (mut c, at) in present(raw.msteams_configs, "msteams", post) {
        http_or_global(&mut c.http_config, g);
        if c.webhook_url.is_none() && c.webhook_url_file.is_empty() {
            post.fail(at, "no msteams webhook URL or URLFile provided");
        }
        out.msteams_configs.push(c);
    }
    for (mut c, at) in present(raw.msteamsv2_configs, "msteamsv2", post) {
        match &mut c.http_config {
            None => c.http_config.clone_from(&g.http_config),
            Some(own) if own.proxy_url.is_none() => {
                own.proxy_url = g.http_config.as_ref().and_then(|h| h.proxy_url.clone());
            }
            Some(_) => {}
        }
        if c.webhook_url.is_none() && c.webhook_url_file.is_empty() {
            post.fail(at, "no msteamsv2 webhook URL or URLFile provided");
        }
        out.msteamsv2_configs.push(c);
    }
    for (mut c, at) in present(raw.jira_configs, "jira", post) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.jira_api_url);
        }
        if c.api_url.is_none() {
            post.fail_hint(
                at,
                "no global Jira Cloud URL set",
                "set `api_url` here or `jira_api_url` under `global:`",
            );
        }
        out.jira_configs.push(c);
    }
    for (mut c, at) in defaulted::<RocketchatConfig>(raw.rocketchat_configs) {
        http_or_global(&mut c.http_config, g);
        if c.api_url.is_none() {
            c.api_url.clone_from(&g.rocketchat_api_url);
        }
        if c.token_id.is_none() {
            c.token_id.clone_from(&g.rocketchat_token_id);
        }
        or_str(&mut c.token_id_file, &g.rocketchat_token_id_file);
        if c.token_id.is_none() && c.token_id_file.is_empty() {
            post.fail_hint(
                at,
                "no global Rocketchat TokenID set either inline or in a file",
                "set `token_id` here or `rocketchat_token_id` under `global:`",
            );
        }
        if c.token.is_none() {
            c.token.clone_from(&g.rocketchat_token);
        }
        or_str(&mut c.token_file, &g.rocketchat_token_file);
        if c.token.is_none() && c.token_file.is_empty() {
            post.fail_hint(
                at,
                "no global Rocketchat Token set either inline or in a file",
                "set `token` here or `rocketchat_token` under `global:`",
            );
        }
        out.rocketchat_configs.push(c);
    }
    for (mut c, at) in present(raw.mattermost_configs, "mattermost", post) {
        http_or_global(&mut c.http_config, g);
        if c.webhook_url.is_none() && c.webhook_url_file.is_empty() {
            if g.mattermost_webhook_url.is_none() && g.mattermost_webhook_url_file.is_empty() {
                post.fail_hint(
                    at,
                    "missing webhook_url or webhook_url_file on mattermost_config",
                    "set `webhook_url` here or `mattermost_webhook_url` under `global:`",
                );
            }
            c.webhook_url.clone_from(&g.mattermost_webhook_url);
            c.webhook_url_file
                .clone_from(&g.mattermost_webhook_url_file);
        }
        out.mattermost_configs.push(c);
    }
    out
}

/// Count how many routes use each receiver (used by the lints).
pub(crate) fn receiver_uses(route: &Route) -> HashMap<String, usize> {
    let mut uses = HashMap::new();
    let mut stack = vec![route];
    while let Some(r) = stack.pop() {
        if let Some(name) = &r.receiver {
            *uses.entry(name.clone()).or_insert(0) += 1;
        }
        stack.extend(r.routes.iter());
    }
    uses
}
