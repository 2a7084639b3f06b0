//! Pushover (`pushover_configs`): one `POST` to the messages API with every
//! parameter in the query string and an empty `text/plain` body, exactly as
//! upstream sends it. Token and user key (inline, or read from their files
//! untrimmed, as upstream reads them) are rendered as templates too; title,
//! message and URL are cut to Pushover's 250/1024/512-character limits, an
//! empty message becomes `(no details)`. Answers are classified by the
//! plain [`Retrier`], so Pushover's own error JSON (`{"status":0,
//! "errors":[…]}`) is quoted in the error.

use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::PushoverConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::http::{HttpClient, Method};
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_raw};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;
use crate::truncate::truncate_in_runes;
use crate::urlenc::QueryValues;

/// Pushover's messages endpoint (upstream does not make it configurable).
pub const DEFAULT_API_URL: &str = "https://api.pushover.net/1/messages.json";

const MAX_TITLE_RUNES: usize = 250;
const MAX_MESSAGE_RUNES: usize = 1024;
const MAX_URL_RUNES: usize = 512;

/// Sends notifications to one Pushover user or group.
pub struct PushoverNotifier {
    index: usize,
    config: PushoverConfig,
    api_url: String,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

impl PushoverNotifier {
    /// The notifier for `pushover_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &PushoverConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        Ok(PushoverNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            api_url: DEFAULT_API_URL.to_owned(),
            templates,
            env: env.clone(),
        })
    }

    /// Sends to `api_url` instead of Pushover's (tests and stand-ins).
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = api_url.into();
        self
    }

    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let c = &self.config;
        let group_key = ctx.flush.group_key.as_str();
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);

        let token = if c.token.is_empty() {
            read_raw(&c.token_file).map_err(|e| final_error(format!("read token_file: {e}")))?
        } else {
            c.token.expose().to_owned()
        };
        let user_key = if c.user_key.is_empty() {
            read_raw(&c.user_key_file)
                .map_err(|e| final_error(format!("read user_key_file: {e}")))?
        } else {
            c.user_key.expose().to_owned()
        };

        let mut parameters = QueryValues::new();
        parameters.add("token", tmpl.text(&token));
        parameters.add("user", tmpl.text(&user_key));

        let (title, cut) = truncate_in_runes(&tmpl.text(&c.title), MAX_TITLE_RUNES);
        if cut {
            tracing::warn!(
                incident = group_key,
                max_runes = MAX_TITLE_RUNES,
                "Truncated title"
            );
        }
        parameters.add("title", title);

        let message = if c.html {
            parameters.add("html", "1");
            tmpl.html(&c.message)
        } else {
            tmpl.text(&c.message)
        };
        if c.monospace {
            parameters.add("monospace", "1");
        }
        let (message, cut) = truncate_in_runes(&message, MAX_MESSAGE_RUNES);
        if cut {
            tracing::warn!(
                incident = group_key,
                max_runes = MAX_MESSAGE_RUNES,
                "Truncated message"
            );
        }
        let message = match message.trim() {
            // Pushover rejects empty messages.
            "" => "(no details)",
            trimmed => trimmed,
        };
        parameters.add("message", message);

        let (url, cut) = truncate_in_runes(&tmpl.text(&c.url), MAX_URL_RUNES);
        if cut {
            tracing::warn!(
                incident = group_key,
                max_runes = MAX_URL_RUNES,
                "Truncated URL"
            );
        }
        parameters.add("url", url);
        parameters.add("url_title", tmpl.text(&c.url_title));
        parameters.add("priority", tmpl.text(&c.priority));
        parameters.add("retry", c.retry.0.0.as_secs().to_string());
        parameters.add("expire", c.expire.0.0.as_secs().to_string());
        parameters.add("device", tmpl.text(&c.device));
        parameters.add("sound", tmpl.text(&c.sound));
        let ttl = c.ttl.0.0.as_secs();
        if ttl > 0 {
            parameters.add("ttl", ttl.to_string());
        }
        tmpl.check().map_err(|e| final_error(e.message))?;

        let mut masked = parameters.clone();
        masked.set("token", SECRET_MASK);
        masked.set("user", SECRET_MASK);
        Ok(HttpRequest {
            method: Method::Post,
            url: with_query(&self.api_url, &parameters.encode()),
            url_masked: with_query(&self.api_url, &masked.encode()),
            content_type: Some("text/plain"),
            headers: Vec::new(),
            body: Some(Vec::new()),
        })
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        tracing::debug!(incident = ctx.flush.group_key.as_str(), "Sending message");
        request.send_checked(&self.client).await
    }
}

/// Go's `u.RawQuery = query; u.String()` for a URL without a fragment.
fn with_query(api_url: &str, query: &str) -> String {
    let base = api_url.split_once('?').map_or(api_url, |(base, _)| base);
    format!("{base}?{query}")
}

impl_notifier!(PushoverNotifier, "pushover");

impl Preview for PushoverNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}
