//! `receivers:` entries: the decoded form (which remembers null entries and
//! positions for the later checks) and the final [`Receiver`] handed to the
//! rest of tocsin after `global` settings were applied.

use std::collections::BTreeMap;

use tocsin_model::goquote::go_quote;

use crate::decode::config_struct;
use crate::decode::{Checks, Spanned};
use crate::notifiers::*;
use crate::render::{Out, Render, push_field};
use crate::yaml::Mark;

/// One integration list entry as decoded: `None` for a null entry.
pub(crate) type Entries<T> = Vec<Spanned<Option<T>>>;

config_struct! {
    /// A `receivers:` entry as written.
    pub(crate) struct RawReceiver {
        go_type: "config.Receiver",
        decode_as: "config.plain",
        reset: false,
        list_element: "",
        check: Some(check_receiver),
    } {
        name: Spanned<String> = Spanned::default() => "name";
        labels: BTreeMap<String, String> = BTreeMap::new() => "labels", omitempty;
        discord_configs: Entries<DiscordConfig> = Vec::new() => "discord_configs", omitempty;
        email_configs: Entries<EmailConfig> = Vec::new() => "email_configs", omitempty;
        incidentio_configs: Entries<IncidentioConfig> = Vec::new() => "incidentio_configs", omitempty;
        pagerduty_configs: Entries<PagerdutyConfig> = Vec::new() => "pagerduty_configs", omitempty;
        slack_configs: Entries<SlackConfig> = Vec::new() => "slack_configs", omitempty;
        webhook_configs: Entries<WebhookConfig> = Vec::new() => "webhook_configs", omitempty;
        opsgenie_configs: Entries<OpsGenieConfig> = Vec::new() => "opsgenie_configs", omitempty;
        wechat_configs: Entries<WechatConfig> = Vec::new() => "wechat_configs", omitempty;
        pushover_configs: Entries<PushoverConfig> = Vec::new() => "pushover_configs", omitempty;
        victorops_configs: Entries<VictorOpsConfig> = Vec::new() => "victorops_configs", omitempty;
        sns_configs: Entries<SnsConfig> = Vec::new() => "sns_configs", omitempty;
        telegram_configs: Entries<TelegramConfig> = Vec::new() => "telegram_configs", omitempty;
        webex_configs: Entries<WebexConfig> = Vec::new() => "webex_configs", omitempty;
        msteams_configs: Entries<MsTeamsConfig> = Vec::new() => "msteams_configs", omitempty;
        msteamsv2_configs: Entries<MsTeamsV2Config> = Vec::new() => "msteamsv2_configs", omitempty;
        jira_configs: Entries<JiraConfig> = Vec::new() => "jira_configs", omitempty;
        rocketchat_configs: Entries<RocketchatConfig> = Vec::new() => "rocketchat_configs", omitempty;
        mattermost_configs: Entries<MattermostConfig> = Vec::new() => "mattermost_configs", omitempty;
    }
}

fn check_receiver(r: &mut RawReceiver, v: &mut Checks<'_, '_>) {
    if r.name.value.is_empty() {
        v.fail_hint(
            "name",
            "missing name in receiver",
            "every receiver needs a `name:` that routes refer to",
        );
        return;
    }
    if let Some(label) = r.labels.get("name")
        && *label != r.name.value
    {
        v.fail(
            "labels",
            format!(
                "receiver label \"name\" must match receiver name {}, got {}",
                go_quote(&r.name.value),
                go_quote(label)
            ),
        );
    }
    r.labels.insert("name".into(), r.name.value.clone());
}

/// A receiver with every integration's inherited settings filled in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Receiver {
    pub name: String,
    /// Labels for querying receivers; always contains `name` = the receiver name.
    pub labels: BTreeMap<String, String>,
    pub discord_configs: Vec<DiscordConfig>,
    pub email_configs: Vec<EmailConfig>,
    pub incidentio_configs: Vec<IncidentioConfig>,
    pub pagerduty_configs: Vec<PagerdutyConfig>,
    pub slack_configs: Vec<SlackConfig>,
    pub webhook_configs: Vec<WebhookConfig>,
    pub opsgenie_configs: Vec<OpsGenieConfig>,
    pub wechat_configs: Vec<WechatConfig>,
    pub pushover_configs: Vec<PushoverConfig>,
    pub victorops_configs: Vec<VictorOpsConfig>,
    pub sns_configs: Vec<SnsConfig>,
    pub telegram_configs: Vec<TelegramConfig>,
    pub webex_configs: Vec<WebexConfig>,
    pub msteams_configs: Vec<MsTeamsConfig>,
    pub msteamsv2_configs: Vec<MsTeamsV2Config>,
    pub jira_configs: Vec<JiraConfig>,
    pub rocketchat_configs: Vec<RocketchatConfig>,
    pub mattermost_configs: Vec<MattermostConfig>,
    /// Where the entry starts in the file.
    pub position: Option<Mark>,
}

impl Receiver {
    /// How many integrations this receiver notifies (0 = a "null" receiver
    /// that drops notifications, as commonly used for Watchdog alerts).
    pub fn integration_count(&self) -> usize {
        self.discord_configs.len()
            + self.email_configs.len()
            + self.incidentio_configs.len()
            + self.pagerduty_configs.len()
            + self.slack_configs.len()
            + self.webhook_configs.len()
            + self.opsgenie_configs.len()
            + self.wechat_configs.len()
            + self.pushover_configs.len()
            + self.victorops_configs.len()
            + self.sns_configs.len()
            + self.telegram_configs.len()
            + self.webex_configs.len()
            + self.msteams_configs.len()
            + self.msteamsv2_configs.len()
            + self.jira_configs.len()
            + self.rocketchat_configs.len()
            + self.mattermost_configs.len()
    }
}

impl Render for Receiver {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        push_field(&mut f, "name", &self.name, false);
        push_field(&mut f, "labels", &self.labels, true);
        push_field(&mut f, "discord_configs", &self.discord_configs, true);
        push_field(&mut f, "email_configs", &self.email_configs, true);
        push_field(&mut f, "incidentio_configs", &self.incidentio_configs, true);
        push_field(&mut f, "pagerduty_configs", &self.pagerduty_configs, true);
        push_field(&mut f, "slack_configs", &self.slack_configs, true);
        push_field(&mut f, "webhook_configs", &self.webhook_configs, true);
        push_field(&mut f, "opsgenie_configs", &self.opsgenie_configs, true);
        push_field(&mut f, "wechat_configs", &self.wechat_configs, true);
        push_field(&mut f, "pushover_configs", &self.pushover_configs, true);
        push_field(&mut f, "victorops_configs", &self.victorops_configs, true);
        push_field(&mut f, "sns_configs", &self.sns_configs, true);
        push_field(&mut f, "telegram_configs", &self.telegram_configs, true);
        push_field(&mut f, "webex_configs", &self.webex_configs, true);
        push_field(&mut f, "msteams_configs", &self.msteams_configs, true);
        push_field(&mut f, "msteamsv2_configs", &self.msteamsv2_configs, true);
        push_field(&mut f, "jira_configs", &self.jira_configs, true);
        push_field(&mut f, "rocketchat_configs", &self.rocketchat_configs, true);
        push_field(&mut f, "mattermost_configs", &self.mattermost_configs, true);
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        self.name.is_empty() && self.labels.is_empty() && self.integration_count() == 0
    }
}
