//! A receiver's integrations (upstream `receiver.BuildReceiverIntegrations`):
//! one [`Integration`] per entry of each `*_configs` list, in upstream's
//! order of integration types (webhook, email, pagerduty, opsgenie, wechat,
//! slack, victorops, pushover, sns, telegram, discord, webex, msteams,
//! msteamsv2, jira, incidentio, rocketchat, mattermost), each with its index
//! within its own list. Every integration is both the [`Notifier`] the
//! pipeline sends through and the [`Preview`] `tocsin notify render` prints.
//!
//! Building never sends anything. An entry that cannot be built (bad TLS
//! material, an unsupported setting, an integration tocsin does not
//! implement yet) is reported with its name and index; [`build_each`] keeps
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

/// Why one entry could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntegrationProblem {
    #[error(transparent)]
    Build(#[from] BuildError),
    /// tocsin has no implementation of this integration type yet.
    #[error("the {0} integration is not implemented in tocsin yet")]
    NotImplemented(&'static str),
}

/// One entry that could not be built, e.g. `slack[0]: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{integration}[{index}]: {problem}")]
pub struct IntegrationError {
    pub integration: &'static str,
    pub index: usize,
    pub problem: IntegrationProblem,
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
    // `$list => $name: (constructor)` builds every entry of
    // `receiver.$list` with `constructor(config, index, templates, env)`;
    // `$list => $name: missing` reports each entry as not implemented.
    macro_rules! entries {
        ($($list:ident => $name:literal: $build:tt),* $(,)?) => {$(
            for (index, config) in receiver.$list.iter().enumerate() {
                entries!(@one $name, index, config, $build);
            }
        )*};
        (@one $name:literal, $index:ident, $config:ident, missing) => {{
            let _ = $config;
            out.push(Err(IntegrationError {
                integration: $name,
                index: $index,
                problem: IntegrationProblem::NotImplemented($name),
            }));
        }};
        (@one $name:literal, $index:ident, $config:ident, ($($build:tt)+)) => {
            out.push(finish(
                $name,
                $index,
                $($build)+($config, $index, Arc::clone(templates), env)
                    .map_err(IntegrationProblem::from),
            ))
        };
    }
    entries!(
        webhook_configs => "webhook": (WebhookNotifier::from_config),
        email_configs => "email": (EmailNotifier::new),
        pagerduty_configs => "pagerduty": (PagerdutyNotifier::new),
        opsgenie_configs => "opsgenie": (OpsGenieNotifier::new),
        wechat_configs => "wechat": (WechatNotifier::new),
        slack_configs => "slack": (SlackNotifier::new),
        victorops_configs => "victorops": (VictorOpsNotifier::new),
        pushover_configs => "pushover": (PushoverNotifier::new),
        sns_configs => "sns": (SnsNotifier::new),
        telegram_configs => "telegram": (TelegramNotifier::new),
        discord_configs => "discord": (DiscordNotifier::new),
        webex_configs => "webex": (WebexNotifier::new),
        msteams_configs => "msteams": (MsTeamsNotifier::new),
        msteamsv2_configs => "msteamsv2": (MsTeamsV2Notifier::new),
        jira_configs => "jira": missing,
        incidentio_configs => "incidentio": (IncidentioNotifier::new),
        rocketchat_configs => "rocketchat": (RocketchatNotifier::new),
        mattermost_configs => "mattermost": (MattermostNotifier::new),
    );
    out
}

/// Names the result of building one entry.
fn finish<N: Notifier + Preview>(
    name: &'static str,
    index: usize,
    built: Result<N, IntegrationProblem>,
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
