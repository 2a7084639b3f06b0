//! VictorOps / Splunk On-Call (`victorops_configs`): one `POST` to
//! `<api_url><api_key>/<routing_key>` (the routing key templated) of a flat
//! JSON object: `message_type` (the configured type while firing, replaced
//! by `CRITICAL` unless it is `INFO`, `WARNING` or `CRITICAL`; `RECOVERY`
//! once resolved), `entity_id` (SHA-256 of the group key, so one incident
//! per group), `entity_display_name`, `state_message` (cut to 20480
//! characters), `monitoring_tool` and the templated `custom_fields`, keys
//! sorted as Go writes a map. Answers use the plain [`Retrier`].

use std::collections::BTreeMap;
use std::sync::Arc;

use tocsin_alerting::alert::{Alert, AlertStatus};
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::VictorOpsConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson;
use crate::group_key;
use crate::http::HttpClient;
use crate::outgoing::{
    HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed, retry_error,
};
use crate::preview::{Preview, Rendered};
use crate::provider_url::ProviderUrl;
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

/// VictorOps' limit for `state_message` (characters).
const MAX_STATE_MESSAGE_RUNES: usize = 20480;

/// Message types a firing notification may carry.
const FIRING_MESSAGE_TYPES: [&str; 3] = ["INFO", "WARNING", "CRITICAL"];

/// Sends notifications to one VictorOps routing key.
pub struct VictorOpsNotifier {
    index: usize,
    config: VictorOpsConfig,
    api_url: ProviderUrl,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

impl VictorOpsNotifier {
    /// The notifier for `victorops_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &VictorOpsConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let api_url = config
            .api_url
            .as_ref()
            .ok_or_else(|| BuildError::Invalid("no global VictorOps URL set".to_owned()))?;
        Ok(VictorOpsNotifier {
            index,
            api_url: ProviderUrl::new(&api_url.0),
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let c = &self.config;

        let api_key = if c.api_key.is_empty() {
            read_trimmed(&c.api_key_file)
                .map_err(|e| final_error(format!("failed to read API key from file: {e}")))?
        } else {
            c.api_key.expose().to_owned()
        };
        let mut url_tmpl = FieldRenderer::new(&self.templates, &data);
        let routing_key = url_tmpl.text(&c.routing_key);
        if let Some(err) = url_tmpl.error() {
            return Err(final_error(format!("templating error: {err}")));
        }
        let mut url = self.api_url.clone();
        url.push_path(&format!("{api_key}/{routing_key}"));
        let mut masked = self.api_url.clone();
        masked.push_path(&format!("{SECRET_MASK}/{routing_key}"));

        // Upstream asks for a retry when the body fails to render.
        let body = self.body(ctx, &data).map_err(retry_error)?;
        Ok(HttpRequest::post(
            url.to_string(),
            masked.to_string(),
            "application/json",
            body,
        ))
    }

    /// The JSON object sent (upstream `createVictorOpsPayload`).
    fn body(&self, ctx: &NotifyContext, data: &TemplateData) -> Result<Vec<u8>, String> {
        let c = &self.config;
        let mut tmpl = FieldRenderer::new(&self.templates, data);
        let mut message_type = tmpl.text(&c.message_type);
        let state_message = tmpl.text(&c.state_message);
        match data.status {
            AlertStatus::Firing if !FIRING_MESSAGE_TYPES.contains(&message_type.as_str()) => {
                message_type = "CRITICAL".to_owned();
            }
            AlertStatus::Firing => {}
            AlertStatus::Resolved => message_type = "RECOVERY".to_owned(),
        }
        let (state_message, cut) = truncate_in_runes(&state_message, MAX_STATE_MESSAGE_RUNES);
        if cut {
            tracing::warn!(
                group_key = ctx.flush.group_key.as_str(),
                max_runes = MAX_STATE_MESSAGE_RUNES,
                "Truncated state_message"
            );
        }
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        fields.insert("message_type".into(), message_type);
        fields.insert("entity_id".into(), group_key::hash(&ctx.flush.group_key));
        fields.insert(
            "entity_display_name".into(),
            tmpl.text(&c.entity_display_name),
        );
        fields.insert("state_message".into(), state_message);
        fields.insert("monitoring_tool".into(), tmpl.text(&c.monitoring_tool));
        if let Some(err) = tmpl.error() {
            return Err(format!("templating error: {err}"));
        }
        for (key, value) in &c.custom_fields {
            let rendered = tmpl.text(value);
            if let Some(err) = tmpl.error() {
                return Err(format!("templating error: {err}"));
            }
            fields.insert(key.clone(), rendered);
        }
        gojson::encode(&fields).map_err(|e| e.to_string())
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        request.send_checked(&self.client).await
    }
}

impl_notifier!(VictorOpsNotifier, "victorops");

impl Preview for VictorOpsNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}
