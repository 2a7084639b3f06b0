//! Microsoft Teams through Power Automate workflows (`msteamsv2_configs`):
//! POSTs a message with one Adaptive Card (a heading coloured for firing or
//! resolved, then the text) to the workflow's webhook URL, shaped exactly
//! as upstream's structs encode it. Answers are classified by the plain
//! [`Retrier`].

use std::sync::Arc;

use tocsin_alerting::alert::{Alert, AlertStatus};
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::MsTeamsV2Config;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::HttpClient;
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;

const COLOR_RED: &str = "Attention";
const COLOR_GREEN: &str = "Good";

/// Sends notifications to one Teams workflow.
pub struct MsTeamsV2Notifier {
    index: usize,
    config: MsTeamsV2Config,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

/// The message with its single adaptive card.
struct WorkflowMessage {
    title: String,
    text: String,
    color: &'static str,
}

/// Upstream's `Body` (a `TextBlock`); empty optional fields are left out.
struct TextBlock<'a> {
    text: &'a str,
    weight: &'a str,
    size: &'a str,
    wrap: bool,
    style: &'a str,
    color: &'a str,
}

impl GoJson for TextBlock<'_> {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("type", "TextBlock")?;
        o.field("text", self.text)?;
        for (name, value) in [("weight", self.weight), ("size", self.size)] {
            if !value.is_empty() {
                o.field(name, value)?;
            }
        }
        if self.wrap {
            o.field("wrap", &true)?;
        }
        for (name, value) in [("style", self.style), ("color", self.color)] {
            if !value.is_empty() {
                o.field(name, value)?;
            }
        }
        o.end();
        Ok(())
    }
}

impl GoJson for WorkflowMessage {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("type", "message")?;
        let attachments = o.key("attachments");
        attachments.push(b'[');
        let mut attachment = ObjectWriter::begin(attachments);
        attachment.field("contentType", "application/vnd.microsoft.card.adaptive")?;
        attachment.key("contentUrl").extend_from_slice(b"null");
        let mut content = ObjectWriter::begin(attachment.key("content"));
        content.field(
            "$schema",
            "http://adaptivecards.io/schemas/adaptive-card.json",
        )?;
        content.field("type", "AdaptiveCard")?;
        content.field("version", "1.2")?;
        let body = [
            TextBlock {
                text: &self.title,
                weight: "Bolder",
                size: "Medium",
                wrap: true,
                style: "heading",
                color: self.color,
            },
            TextBlock {
                text: &self.text,
                weight: "",
                size: "",
                wrap: true,
                style: "",
                color: "",
            },
        ];
        content.field("body", &body[..])?;
        let mut msteams = ObjectWriter::begin(content.key("msteams"));
        msteams.field("width", "full")?;
        msteams.end();
        content.end();
        attachment.end();
        attachments.push(b']');
        o.end();
        Ok(())
    }
}

impl MsTeamsV2Notifier {
    /// The notifier for `msteamsv2_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &MsTeamsV2Config,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        Ok(MsTeamsV2Notifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let title = tmpl.text(&self.config.title);
        let text = tmpl.text(&self.config.text);
        tmpl.check().map_err(|e| final_error(e.message))?;
        let color = match data.status {
            AlertStatus::Firing => COLOR_RED,
            AlertStatus::Resolved => COLOR_GREEN,
        };
        let url = match &self.config.webhook_url {
            Some(url) => url.expose(),
            None => read_trimmed(&self.config.webhook_url_file)
                .map_err(|e| final_error(format!("read webhook_url_file: {e}")))?,
        };
        let message = WorkflowMessage { title, text, color };
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

impl_notifier!(MsTeamsV2Notifier, "msteamsv2");

impl Preview for MsTeamsV2Notifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}
