//! Microsoft Teams through legacy Office 365 connectors (`msteams_configs`):
//! POSTs a `MessageCard` (title, summary, text and a theme colour for
//! firing or resolved) to the connector's webhook URL. Answers are
//! classified by the plain [`Retrier`]. The Workflows flavour is
//! [`crate::msteamsv2`].

use std::sync::Arc;

use tocsin_alerting::alert::{Alert, AlertStatus};
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::MsTeamsConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::HttpClient;
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;

const COLOR_RED: &str = "8C1A1A";
const COLOR_GREEN: &str = "2DC72D";

/// Sends notifications to one Teams connector.
pub struct MsTeamsNotifier {
    index: usize,
    config: MsTeamsConfig,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

/// Upstream's `teamsMessage`.
struct MessageCard {
    title: String,
    summary: String,
    text: String,
    theme_color: &'static str,
}

impl GoJson for MessageCard {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("@context", "http://schema.org/extensions")?;
        o.field("type", "MessageCard")?;
        o.field("title", &self.title)?;
        o.field("summary", &self.summary)?;
        o.field("text", &self.text)?;
        o.field("themeColor", self.theme_color)?;
        o.end();
        Ok(())
    }
}

impl MsTeamsNotifier {
    /// The notifier for `msteams_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &MsTeamsConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        Ok(MsTeamsNotifier {
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
        let summary = tmpl.text(&self.config.summary);
        tmpl.check().map_err(|e| final_error(e.message))?;
        let theme_color = match data.status {
            AlertStatus::Firing => COLOR_RED,
            AlertStatus::Resolved => COLOR_GREEN,
        };
        let url = match &self.config.webhook_url {
            Some(url) => url.expose(),
            None => read_trimmed(&self.config.webhook_url_file)
                .map_err(|e| final_error(format!("read webhook_url_file: {e}")))?,
        };
        let card = MessageCard {
            title,
            summary,
            text,
            theme_color,
        };
        let body = gojson::encode(&card).map_err(|e| final_error(e.to_string()))?;
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

impl_notifier!(MsTeamsNotifier, "msteams");

impl Preview for MsTeamsNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}
