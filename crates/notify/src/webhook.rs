//! The generic webhook integration (`webhook_configs`): POSTs Alertmanager's
//! version-4 JSON message (the template data plus `version`, `groupKey` and
//! `truncatedAlerts`, encoded as Go's `json.Encoder` does, trailing newline
//! included), or, when `payload:` is configured (0.32+), that YAML document
//! with every string rendered as a template ([`crate::json_template`]). The
//! URL (inline or from `url_file`) is itself a template (0.31+). Answers are
//! classified with the plain [`Retrier`]: 2xx succeeds, 5xx and transport
//! failures are retried, any other status is final.
//!
//! Two ways to build one: [`WebhookNotifier::from_config`] (the integration
//! as configured, with the template set) and [`WebhookNotifier::new`] from
//! plain [`WebhookSettings`], which has no templates: its URL is used
//! verbatim and it sends the default message.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::Value;
use tocsin_config::notifiers::WebhookConfig;
use tocsin_model::GoDuration;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::goerror;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::{HttpClient, HttpClientError, HttpClientSettings};
use crate::json_template::render_value;
use crate::outgoing::{HttpRequest, client_for, final_error};
use crate::preview::{Preview, Rendered};
use crate::retry::Retrier;
use crate::template::Templates;

/// Where the webhook URL comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookUrl {
    /// `url`.
    Inline(String),
    /// `url_file`: read (and trimmed) on every send.
    File(PathBuf),
}

/// One `webhook_configs` entry, resolved against the global defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookSettings {
    pub url: WebhookUrl,
    /// Send at most this many alerts (the first ones); 0 sends all.
    pub max_alerts: u64,
    /// Per-request time limit; zero means none.
    pub timeout: Duration,
    pub send_resolved: bool,
    pub http: HttpClientSettings,
}

/// The message POSTed to the webhook (upstream `webhook.Message`; incident.io
/// sends the same shape with version `1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookMessage {
    pub data: TemplateData,
    /// The protocol version: `4` for webhooks.
    pub version: &'static str,
    pub group_key: String,
    pub truncated_alerts: u64,
}

impl GoJson for WebhookMessage {
    /// The embedded `Data` fields first, then the message's own.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        self.data.write_fields(&mut o)?;
        o.field("version", self.version)?;
        o.field("groupKey", &self.group_key)?;
        o.field("truncatedAlerts", &self.truncated_alerts)?;
        o.end();
        Ok(())
    }
}

/// Sends notifications to one webhook.
pub struct WebhookNotifier {
    index: usize,
    url: WebhookUrl,
    max_alerts: u64,
    timeout: Option<Duration>,
    send_resolved: bool,
    client: HttpClient,
    env: IntegrationEnv,
    /// Renders the URL and the payload; without it both are used as given.
    templates: Option<Arc<Templates>>,
    /// The custom `payload:` document, if any.
    payload: Option<Value>,
}

impl WebhookNotifier {
    /// The notifier for `webhook_configs[index]` of a receiver. Builds its
    /// HTTP client (and TLS configuration) once.
    pub fn new(
        settings: WebhookSettings,
        index: usize,
        env: &IntegrationEnv,
    ) -> Result<Self, HttpClientError> {
        let client = HttpClient::new(&settings.http, &env.user_agent)?;
        Ok(WebhookNotifier {
            index,
            url: settings.url,
            max_alerts: settings.max_alerts,
            timeout: (!settings.timeout.is_zero()).then_some(settings.timeout),
            send_resolved: settings.send_resolved,
            client,
            env: env.clone(),
            templates: None,
            payload: None,
        })
    }

    /// The notifier for `webhook_configs[index]` as configured: templated
    /// URL and, when set, the custom payload.
    pub fn from_config(
        config: &WebhookConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let url = if config.url.is_empty() {
            WebhookUrl::File(config.url_file.clone().into())
        } else {
            WebhookUrl::Inline(config.url.expose().to_owned())
        };
        Ok(WebhookNotifier {
            index,
            url,
            max_alerts: config.max_alerts,
            timeout: (!config.timeout.0.is_zero()).then_some(config.timeout.0),
            send_resolved: config.send_resolved,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            env: env.clone(),
            templates: Some(templates),
            payload: (config.payload != Value::Null).then(|| config.payload.clone()),
        })
    }

    /// The message for `alerts` in the flush `ctx`: at most `max_alerts`
    /// alerts, common labels computed over the alerts actually sent.
    pub fn message(&self, ctx: &NotifyContext, alerts: &[Alert]) -> WebhookMessage {
        let (sent, truncated_alerts) = truncate(alerts, self.max_alerts);
        WebhookMessage {
            data: TemplateData::new(ctx, sent, &self.env.external_url, self.env.clock.now()),
            version: "4",
            group_key: ctx.flush.group_key.clone(),
            truncated_alerts,
        }
    }

    /// The request `notify` sends: the body (default message or rendered
    /// payload) and the rendered URL.
    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let message = self.message(ctx, alerts);
        let mut body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        if let (Some(payload), Some(templates)) = (&self.payload, &self.templates) {
            let mut render = |text: &str| {
                templates
                    .execute_text(text, &message.data)
                    .map_err(|e| e.message)
            };
            let rendered = render_value(payload, &mut render)
                .map_err(|e| final_error(format!("failed to render custom payload: {e}")))?;
            body = gojson::encode(&rendered).map_err(|e| final_error(e.to_string()))?;
        }
        let url = match &self.url {
            WebhookUrl::Inline(url) => url.clone(),
            WebhookUrl::File(path) => match std::fs::read(path) {
                Ok(content) => String::from_utf8_lossy(&content).trim().to_owned(),
                Err(e) => {
                    return Err(final_error(format!(
                        "read url_file: {}",
                        goerror::path_error("open", path, &e)
                    )));
                }
            },
        };
        let url = match &self.templates {
            Some(templates) => {
                let mut tmpl = FieldRenderer::new(templates, &message.data);
                let url = tmpl.text(&url);
                tmpl.check().map_err(|e| {
                    final_error(format!("failed to template webhook URL: {}", e.message))
                })?;
                url
            }
            None => url,
        };
        if url.is_empty() {
            return Err(final_error("webhook URL is empty after templating"));
        }
        Ok(HttpRequest::post(
            url.clone(),
            mask_url(&url),
            "application/json",
            body,
        ))
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        let response = request
            .send(&self.client, self.timeout)
            .await
            .map_err(|e| {
                let mut message = e.to_string();
                if e.timed_out
                    && let Some(timeout) = self.timeout
                {
                    message.push_str(&format!(
                        ": configured webhook timeout reached ({})",
                        GoDuration(timeout)
                    ));
                }
                NotifyError {
                    retry: true,
                    reason: FailureReason::Other,
                    message,
                }
            })?;
        Retrier::default().check(response.status, &response.body)
    }
}

/// A webhook URL with its user-info password and query values shown as
/// `<secret>`: the parts of a webhook URL that usually carry tokens.
fn mask_url(url: &str) -> String {
    const SECRET_MASK: &str = crate::outgoing::SECRET_MASK;
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = String::with_capacity(url.len());
    match base.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => {
                    match userinfo.split_once(':') {
                        Some((user, _password)) => {
                            out.push_str(user);
                            out.push(':');
                            out.push_str(SECRET_MASK);
                        }
                        None => out.push_str(userinfo),
                    }
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(base),
    }
    if let Some(query) = query {
        out.push('?');
        let masked: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) => format!("{name}={SECRET_MASK}"),
                None => pair.to_owned(),
            })
            .collect();
        out.push_str(&masked.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The first `max_alerts` alerts (all for 0) and how many were left out.
fn truncate(alerts: &[Alert], max_alerts: u64) -> (&[Alert], u64) {
    let total = alerts.len() as u64;
    if max_alerts != 0 && total > max_alerts {
        let kept = usize::try_from(max_alerts)
            .unwrap_or(alerts.len())
            .min(alerts.len());
        (&alerts[..kept], total - max_alerts)
    } else {
        (alerts, 0)
    }
}

impl_notifier!(WebhookNotifier, "webhook", |n: &WebhookNotifier| n
    .send_resolved);

impl Preview for WebhookNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::Offset;
    use tocsin_alerting::alert::Time;

    fn alerts(n: usize) -> Vec<Alert> {
        let t = Time {
            instant: jiff::Timestamp::UNIX_EPOCH,
            offset: Offset::UTC,
        };
        (0..n)
            .map(|i| Alert {
                labels: [("i", i.to_string())].into_iter().collect(),
                annotations: Default::default(),
                starts_at: t,
                ends_at: t,
                generator_url: String::new(),
                updated_at: t,
                timeout: false,
            })
            .collect()
    }

    #[test]
    fn url_masking_hides_passwords_and_query_values_only() {
        assert_eq!(
            mask_url("http://127.0.0.1:9099/team-a"),
            "http://127.0.0.1:9099/team-a"
        );
        assert_eq!(
            mask_url("https://user:pw@hooks.example.com/x?token=abc&debug#frag"),
            "https://user:<secret>@hooks.example.com/x?token=<secret>&debug#frag"
        );
    }

    // Upstream TestWebhookTruncateAlerts.
    #[test]
    fn truncation_keeps_the_first_alerts_and_counts_the_rest() {
        let all = alerts(10);
        assert_eq!(truncate(&all, 0), (&all[..], 0));
        assert_eq!(truncate(&all, 4), (&all[..4], 6));
        assert_eq!(truncate(&all, 100), (&all[..], 0));
        assert_eq!(truncate(&all, 10), (&all[..], 0));
    }
}
