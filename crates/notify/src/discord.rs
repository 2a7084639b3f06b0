//! Discord (`discord_configs`): one webhook execution per notification with
//! the rendered `content` and a single embed (title, description and a
//! colour for firing or resolved), truncated to Discord's limits (content
//! 2000, title 256, description 4096 characters) as upstream does. Answers
//! are classified by the plain [`Retrier`]: 5xx retried, other statuses
//! final, the provider's body quoted in the error.

use std::sync::Arc;

use tocsin_alerting::alert::{Alert, AlertStatus};
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::common::GoUrl;
use tocsin_config::notifiers::DiscordConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::HttpClient;
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

const MAX_TITLE_RUNES: usize = 256;
const MAX_DESCRIPTION_RUNES: usize = 4096;
const MAX_CONTENT_RUNES: usize = 2000;

const COLOR_RED: u64 = 0x992D22;
const COLOR_GREEN: u64 = 0x2ECC71;

/// Sends notifications to one Discord webhook.
pub struct DiscordNotifier {
    index: usize,
    config: DiscordConfig,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

/// The webhook execution body (upstream `webhook`).
struct DiscordMessage {
    content: String,
    title: String,
    description: String,
    color: u64,
    username: String,
    avatar_url: String,
}

impl GoJson for DiscordMessage {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("content", &self.content)?;
        let embeds = o.key("embeds");
        embeds.push(b'[');
        let mut embed = ObjectWriter::begin(embeds);
        embed.field("title", &self.title)?;
        embed.field("description", &self.description)?;
        embed.field("color", &self.color)?;
        embed.end();
        embeds.push(b']');
        if !self.username.is_empty() {
            o.field("username", &self.username)?;
        }
        if !self.avatar_url.is_empty() {
            o.field("avatar_url", &self.avatar_url)?;
        }
        o.end();
        Ok(())
    }
}

impl DiscordNotifier {
    /// The notifier for `discord_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &DiscordConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        Ok(DiscordNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    /// The request `notify` sends for `alerts`.
    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let group_key = &ctx.flush.group_key;

        let (title, cut) = truncate_in_runes(&tmpl.text(&self.config.title), MAX_TITLE_RUNES);
        tmpl.check().map_err(|e| final_error(e.message))?;
        if cut {
            tracing::warn!(group_key, max_runes = MAX_TITLE_RUNES, "Truncated title");
        }
        let (description, cut) =
            truncate_in_runes(&tmpl.text(&self.config.message), MAX_DESCRIPTION_RUNES);
        tmpl.check().map_err(|e| final_error(e.message))?;
        if cut {
            tracing::warn!(
                group_key,
                max_runes = MAX_DESCRIPTION_RUNES,
                "Truncated message"
            );
        }
        let (content, cut) = truncate_in_runes(&tmpl.text(&self.config.content), MAX_CONTENT_RUNES);
        tmpl.check().map_err(|e| final_error(e.message))?;
        if cut {
            tracing::warn!(
                group_key,
                max_runes = MAX_CONTENT_RUNES,
                "Truncated message"
            );
        }

        let color = match data.status {
            AlertStatus::Firing => COLOR_RED,
            AlertStatus::Resolved => COLOR_GREEN,
        };
        let url = match &self.config.webhook_url {
            Some(url) => url.expose(),
            None => read_trimmed(&self.config.webhook_url_file)
                .map_err(|e| final_error(format!("read webhook_url_file: {e}")))?,
        };
        let avatar_url = &self.config.avatar_url;
        let avatar_url = if avatar_url.is_empty() || GoUrl::parse(avatar_url).is_ok() {
            avatar_url.clone()
        } else {
            tracing::warn!(key = group_key.as_str(), "Bad avatar url");
            String::new()
        };
        let message = DiscordMessage {
            content,
            title,
            description,
            color,
            username: self.config.username.clone(),
            avatar_url,
        };
        let body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        Ok(HttpRequest::post(
            url,
            SECRET_MASK.to_owned(),
            "application/json",
            body,
        ))
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        request.send_checked(&self.client).await
    }
}

impl_notifier!(DiscordNotifier, "discord");

impl Preview for DiscordNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}
