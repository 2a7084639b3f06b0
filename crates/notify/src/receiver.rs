//! A receiver's integrations (upstream `receiver.BuildReceiverIntegrations`):
//! one [`Integration`] per entry of each `*_configs` list, in upstream's
//! order of integration types (webhook, email, pagerduty, opsgenie, wechat,
//! slack, victorops, pushover, sns, telegram, discord, webex, msteams,
//! msteamsv2, jira, incidentio, rocketchat, mattermost), each with its index
//! within its own list. Every integration is both the [`Notifier`] the
//! pipeline sends through and the [`Preview`] `tocsin notify render` prints.
//!
//! Building never sends anything. An entry that cannot be built (bad TLS
//! material, a setting tocsin does not support yet) is reported with its
//! name and index; [`build_each`] keeps
//! the other entries, [`build_integrations`] reports every problem at once,
//! as upstream joins the errors of all entries.

use std::sync::Arc;

use tocsin_alerting::notifier::Notifier;
use tocsin_config::Receiver;

use crate::BuildError;
use crate::discord::DiscordNotifier;
use crate::email::EmailNotifier;
use crate::env::IntegrationEnv;
use crate::incidentio::IncidentioNotifier;
use crate::jira::JiraNotifier;
use crate::mattermost::MattermostNotifier;
use crate::msteams::MsTeamsNotifier;
use crate::msteamsv2::MsTeamsV2Notifier;
use crate::opsgenie::OpsGenieNotifier;
use crate::pagerduty::PagerdutyNotifier;
use crate::preview::Preview;
use crate::pushover::PushoverNotifier;
use crate::rocketchat::RocketchatNotifier;
use crate::slack::SlackNotifier;
use crate::sns::SnsNotifier;
use crate::telegram::TelegramNotifier;
use crate::template::Templates;
use crate::victorops::VictorOpsNotifier;
use crate::webex::WebexNotifier;
use crate::webhook::WebhookNotifier;
use crate::wechat::WechatNotifier;

/// One integration of one receiver, e.g. `slack_configs[1]`.
#[derive(Clone)]
pub struct Integration {
    /// Upstream's integration name (`webhook`, `slack`, ...), as used in
    /// metrics and the notification log.
    pub name: &'static str,
    /// Position within the receiver's list of this type.
    pub index: usize,
    pub notifier: Arc<dyn Notifier>,
    pub preview: Arc<dyn Preview>,
}

impl std::fmt::Debug for Integration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Integration({}[{}])", self.name, self.index)
    }
}

/// One entry that could not be built, e.g. `slack[0]: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{integration}[{index}]: {problem}")]
pub struct IntegrationError {
    pub integration: &'static str,
    pub index: usize,
    pub problem: BuildError,
}

/// Every entry of a receiver that could not be built, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverBuildError {
    pub receiver: String,
    pub errors: Vec<IntegrationError>,
}

impl std::fmt::Display for ReceiverBuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "receiver {:?}: {e}", self.receiver)?;
        }
        Ok(())
    }
}

impl std::error::Error for ReceiverBuildError {}

/// Every integration of `receiver`, or every problem found.
pub fn build_integrations(
    receiver: &Receiver,
    templates: Arc<Templates>,
    env: &IntegrationEnv,
) -> Result<Vec<Integration>, ReceiverBuildError> {
    let mut built = Vec::new();
    let mut errors = Vec::new();
    for result in build_each(receiver, &templates, env) {
        match result {
            Ok(integration) => built.push(integration),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(built)
    } else {
        Err(ReceiverBuildError {
            receiver: receiver.name.clone(),
            errors,
        })
    }
}

/// Every entry of `receiver` in upstream's order, each built or failed on
/// its own (for a server that keeps the entries it can build).
pub fn build_each(
    receiver: &Receiver,
    templates: &Arc<Templates>,
    env: &IntegrationEnv,
) -> Vec<Result<Integration, IntegrationError>> {
    let mut out = Vec::with_capacity(receiver.integration_count());
    // `$list => $name: constructor` builds every entry of `receiver.$list`
    // with `constructor(config, index, templates, env)`.
    macro_rules! entries {
        ($($list:ident => $name:literal: $build:path),* $(,)?) => {$(
            for (index, config) in receiver.$list.iter().enumerate() {
                out.push(finish(
                    $name,
                    index,
                    $build(config, index, Arc::clone(templates), env),
                ));
            }
        )*};
    }
    entries!(
        webhook_configs => "webhook": WebhookNotifier::from_config,
        email_configs => "email": EmailNotifier::new,
        pagerduty_configs => "pagerduty": PagerdutyNotifier::new,
        opsgenie_configs => "opsgenie": OpsGenieNotifier::new,
        wechat_configs => "wechat": WechatNotifier::new,
        slack_configs => "slack": SlackNotifier::new,
        victorops_configs => "victorops": VictorOpsNotifier::new,
        pushover_configs => "pushover": PushoverNotifier::new,
        sns_configs => "sns": SnsNotifier::new,
        telegram_configs => "telegram": TelegramNotifier::new,
        discord_configs => "discord": DiscordNotifier::new,
        webex_configs => "webex": WebexNotifier::new,
        msteams_configs => "msteams": MsTeamsNotifier::new,
        msteamsv2_configs => "msteamsv2": MsTeamsV2Notifier::new,
        jira_configs => "jira": JiraNotifier::new,
        incidentio_configs => "incidentio": IncidentioNotifier::new,
        rocketchat_configs => "rocketchat": RocketchatNotifier::new,
        mattermost_configs => "mattermost": MattermostNotifier::new,
    );
    out
}

/// Names the result of building one entry.
fn finish<N: Notifier + Preview>(
    name: &'static str,
    index: usize,
    built: Result<N, BuildError>,
) -> Result<Integration, IntegrationError> {
    match built {
        Ok(n) => {
            let n = Arc::new(n);
            Ok(Integration {
                name,
                index,
                notifier: n.clone(),
                preview: n,
            })
        }
        Err(problem) => Err(IntegrationError {
            integration: name,
            index,
            problem,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver(entries: &str) -> Receiver {
        let yaml = format!("route: {{receiver: r}}\nreceivers:\n- name: r\n{entries}");
        match tocsin_config::load_str(&yaml, "test.yml") {
            Ok(loaded) => loaded.config.receivers[0].clone(),
            Err(e) => panic!("{}", e.first_upstream_message()),
        }
    }

    fn names(results: &[Result<Integration, IntegrationError>]) -> Vec<String> {
        results
            .iter()
            .map(|r| match r {
                Ok(i) => format!("{}[{}]", i.name, i.index),
                Err(e) => format!("{}[{}]!", e.integration, e.index),
            })
            .collect()
    }

    #[test]
    fn entries_come_in_upstream_type_order_with_their_own_indices() {
        // Written in another order than upstream builds them.
        let r = receiver(
            "  mattermost_configs: [{webhook_url: 'http://127.0.0.1:9/'}]
  rocketchat_configs: [{token_id: i, token: t}]
  incidentio_configs: [{url: 'http://127.0.0.1:9/', alert_source_token: t}]
  jira_configs: [{api_url: 'http://127.0.0.1:9/', project: P, issue_type: Bug}]
  msteamsv2_configs: [{webhook_url: 'http://127.0.0.1:9/'}]
  msteams_configs: [{webhook_url: 'http://127.0.0.1:9/'}]
  webex_configs: [{room_id: r, http_config: {authorization: {credentials: c}}}]
  discord_configs: [{webhook_url: 'http://127.0.0.1:9/'}]
  telegram_configs: [{bot_token: t, chat_id: 1}]
  sns_configs: [{topic_arn: 'arn:aws:sns:us-east-1:123456789012:t', sigv4: {region: us-east-1, access_key: a, secret_key: s}}]
  pushover_configs: [{user_key: u, token: t}]
  victorops_configs: [{api_key: k, routing_key: r}]
  slack_configs: [{api_url: 'http://127.0.0.1:9/', channel: '#a'}]
  wechat_configs: [{api_secret: s, corp_id: c}]
  opsgenie_configs: [{api_key: k}]
  pagerduty_configs: [{routing_key: k}]
  email_configs: [{to: a@example.com, from: b@example.com, smarthost: '127.0.0.1:25'}]
  webhook_configs: [{url: 'http://127.0.0.1:9/a'}, {url: 'http://127.0.0.1:9/b'}]
",
        );
        let built = build_each(
            &r,
            &Arc::new(Templates::builtin()),
            &IntegrationEnv::new("http://am"),
        );
        assert_eq!(
            names(&built),
            [
                "webhook[0]",
                "webhook[1]",
                "email[0]",
                "pagerduty[0]",
                "opsgenie[0]",
                "wechat[0]",
                "slack[0]",
                "victorops[0]",
                "pushover[0]",
                "sns[0]",
                "telegram[0]",
                "discord[0]",
                "webex[0]",
                "msteams[0]",
                "msteamsv2[0]",
                "jira[0]",
                "incidentio[0]",
                "rocketchat[0]",
                "mattermost[0]",
            ]
        );
        for integration in built.iter().flatten() {
            assert_eq!(integration.notifier.integration(), integration.name);
            assert_eq!(integration.notifier.index(), integration.index);
        }
    }

    #[test]
    fn every_problem_is_reported_with_receiver_integration_and_index() {
        // Secret-manager references are still refused.
        let oauth2 =
            "oauth2: {client_id: a, client_secret_ref: b, token_url: 'http://127.0.0.1:9/t'}";
        let r = receiver(&format!(
            "  webhook_configs:\n  - url: http://127.0.0.1:9/a\n  - url: http://127.0.0.1:9/b\n    http_config: {{{oauth2}}}\n  slack_configs:\n  - api_url: http://127.0.0.1:9/s\n    channel: '#a'\n    http_config: {{{oauth2}}}\n"
        ));
        let env = IntegrationEnv::new("http://am");
        let templates = Arc::new(Templates::builtin());
        let built = build_each(&r, &templates, &env);
        assert_eq!(names(&built), ["webhook[0]", "webhook[1]!", "slack[0]!"]);
        let err = build_integrations(&r, templates, &env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "receiver \"r\": webhook[1]: http_config oauth2.client_secret_ref is not supported\n\
             receiver \"r\": slack[0]: http_config oauth2.client_secret_ref is not supported"
        );
    }

    #[test]
    fn a_receiver_without_integrations_builds_to_nothing() {
        let r = receiver("");
        let built = build_integrations(
            &r,
            Arc::new(Templates::builtin()),
            &IntegrationEnv::new("http://am"),
        );
        assert!(built.unwrap().is_empty());
    }
}
