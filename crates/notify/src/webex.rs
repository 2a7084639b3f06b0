//! Webex (`webex_configs`): POSTs `{"markdown": …, "roomId": …}` to the
//! messages API with the bot token from `http_config.authorization`. The
//! message is cut to Webex's 7439-byte limit (upstream's
//! `TruncateInBytes`); a failing `room_id` template is ignored as upstream
//! ignores it (the room is then left out). Answers are classified by the
//! plain [`Retrier`].

use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::WebexConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::HttpClient;
use crate::outgoing::{HttpRequest, client_for, final_error};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;
use crate::truncate::truncate_in_bytes;

/// Webex's maximum message length in bytes.
const MAX_MESSAGE_BYTES: usize = 7439;

/// Sends notifications to one Webex room.
pub struct WebexNotifier {
    index: usize,
    config: WebexConfig,
    api_url: String,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

struct WebexMessage {
    markdown: String,
    room_id: String,
}

impl GoJson for WebexMessage {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("markdown", &self.markdown)?;
        if !self.room_id.is_empty() {
            o.field("roomId", &self.room_id)?;
        }
        o.end();
        Ok(())
    }
}

impl WebexNotifier {
    /// The notifier for `webex_configs[index]`; `api_url` must be resolved
    /// (the global default applies when unset).
    pub fn new(
        config: &WebexConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let api_url = config
            .api_url
            .as_ref()
            .ok_or_else(|| BuildError::Invalid("webex_configs: api_url is not set".into()))?
            .to_string();
        Ok(WebexNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            api_url,
            templates,
            env: env.clone(),
        })
    }

    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let message = tmpl.text(&self.config.message);
        tmpl.check().map_err(|e| final_error(e.message))?;
        let (markdown, cut) = truncate_in_bytes(&message, MAX_MESSAGE_BYTES);
        if cut {
            tracing::debug!(
                group_key = ctx.flush.group_key.as_str(),
                truncated_message = markdown.as_str(),
                "message truncated due to exceeding maximum allowed length by webex"
            );
        }
        let message = WebexMessage {
            markdown,
            room_id: tmpl.text(&self.config.room_id),
        };
        let body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        Ok(HttpRequest::post(
            self.api_url.clone(),
            self.api_url.clone(),
            "application/json",
            body,
        ))
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        request.send_checked(&self.client).await
    }
}

impl_notifier!(WebexNotifier, "webex");

impl Preview for WebexNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}
