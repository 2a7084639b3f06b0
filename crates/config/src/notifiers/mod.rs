//! The integration blocks of a receiver (`*_configs`), one struct per
//! upstream notifier config with its defaults and its own checks. Settings
//! inherited from `global` are applied later, by the receiver checks.

pub mod chat;
pub mod email;
pub mod paging;
pub mod webhook;

pub use chat::{
    DiscordConfig, MattermostAttachment, MattermostConfig, MattermostField, MattermostPriority,
    MattermostProps, MsTeamsConfig, MsTeamsV2Config, RocketchatAttachmentAction,
    RocketchatAttachmentField, RocketchatConfig, SlackAction, SlackConfig, SlackConfirmationField,
    SlackField, TelegramConfig, WebexConfig, WechatConfig,
};
pub use email::{EmailConfig, ThreadingConfig};
pub use paging::{
    IncidentioConfig, JiraConfig, JiraFieldConfig, OpsGenieConfig, OpsGenieConfigResponder,
    PagerdutyConfig, PagerdutyImage, PagerdutyLink, PushoverConfig, VictorOpsConfig,
};
pub use webhook::{SigV4Config, SnsConfig, WebhookConfig};
