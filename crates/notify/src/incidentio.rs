//! incident.io (`incidentio_configs`): POSTs the webhook-shaped message
//! (template data, `version: "1"`, group key, truncated-alert count) to the
//! alert source URL, authenticated with the alert source token as a bearer
//! token (read once when the notifier is built; `http_config.authorization`
//! otherwise). Bodies above incident.io's 512 KiB limit keep only the first
//! alert. 429 and 5xx are retried; error answers are summarised from
//! incident.io's `message` / `error` / `errors` fields.

use std::sync::Arc;
use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::notifiers::IncidentioConfig;
use tocsin_model::GoDuration;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::gojson;
use crate::gojson_read::{GoStruct, decode_first};
use crate::http::{Authorization, HttpClient, HttpClientSettings, Secret};
use crate::outgoing::{HttpRequest, SECRET_MASK, final_error, read_trimmed};
use crate::preview::{Preview, Rendered};
use crate::retry::Retrier;
use crate::template::Templates;
use crate::webhook::WebhookMessage;

/// incident.io's maximum payload size.
const MAX_PAYLOAD_BYTES: usize = 512 * 1024;

/// Sends notifications to one incident.io alert source.
pub struct IncidentioNotifier {
    index: usize,
    config: IncidentioConfig,
    timeout: Option<Duration>,
    env: IntegrationEnv,
    client: HttpClient,
}

impl IncidentioNotifier {
    /// The notifier for `incidentio_configs[index]`: reads the alert source
    /// token and builds the HTTP client. incident.io uses no templates.
    pub fn new(
        config: &IncidentioConfig,
        index: usize,
        _templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let mut settings = match &config.http_config {
            Some(http) => HttpClientSettings::from_config(http)?,
            None => HttpClientSettings::default(),
        };
        let mut token = config.alert_source_token.expose().to_owned();
        if !config.alert_source_token_file.is_empty() {
            token = read_trimmed(&config.alert_source_token_file).map_err(|e| {
                BuildError::Invalid(format!("failed to read alert_source_token_file: {e}"))
            })?;
        }
        if !token.is_empty() {
            settings.authorization = Some(Authorization {
                auth_type: "Bearer".to_owned(),
                credentials: Secret::Inline(token),
            });
        }
        Ok(IncidentioNotifier {
            index,
            client: HttpClient::new(&settings, &env.user_agent)?,
            config: config.clone(),
            timeout: (!config.timeout.0.is_zero()).then_some(config.timeout.0),
            env: env.clone(),
        })
    }

    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let (sent, truncated_alerts) = truncate(alerts, self.config.max_alerts);
        let mut message = WebhookMessage {
            data: TemplateData::new(ctx, sent, &self.env.external_url, self.env.clock.now()),
            version: "1",
            group_key: ctx.flush.group_key.clone(),
            truncated_alerts,
        };
        let encode = |message: &WebhookMessage| {
            gojson::encode(message)
                .map_err(|e| final_error(format!("failed to encode incident.io message: {e}")))
        };
        let mut body = encode(&message)?;
        if body.len() > MAX_PAYLOAD_BYTES {
            let original_size = body.len();
            // Keep the first alert only; one incident.io alert per group
            // needs no more.
            message.data.alerts.truncate(1);
            body = encode(&message)?;
            if body.len() <= MAX_PAYLOAD_BYTES {
                tracing::warn!(
                    original_size,
                    final_size = body.len(),
                    max_size = MAX_PAYLOAD_BYTES,
                    "Truncated alert content due to incident.io payload size limit"
                );
            } else {
                tracing::error!(
                    original_size,
                    final_size = body.len(),
                    max_size = MAX_PAYLOAD_BYTES,
                    "Truncated alert content due to incident.io payload size limit, but still exceeds limit"
                );
            }
        }
        let url = match &self.config.url {
            Some(url) => url.to_string(),
            None => read_trimmed(&self.config.url_file)
                .map_err(|e| final_error(format!("read url_file: {e}")))?,
        };
        Ok(HttpRequest::post(
            url,
            SECRET_MASK.to_owned(),
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
                        ": configured incident.io timeout reached ({})",
                        GoDuration(timeout)
                    ));
                }
                NotifyError {
                    retry: true,
                    reason: FailureReason::Other,
                    message,
                }
            })?;
        Retrier {
            retry_codes: &[429],
        }
        .check(response.status, b"")
        .map_err(|mut e| {
            let details = error_details(&response.body);
            if !details.is_empty() {
                e.message = format!("{}: {details}", e.message);
            }
            e
        })
    }
}

/// The first `max_alerts` alerts (all for 0) and how many were left out.
fn truncate(alerts: &[Alert], max_alerts: u64) -> (&[Alert], u64) {
    let total = alerts.len() as u64;
    match usize::try_from(max_alerts) {
        Ok(kept) if max_alerts != 0 && total > max_alerts => {
            (alerts.get(..kept).unwrap_or(alerts), total - max_alerts)
        }
        _ => (alerts, 0),
    }
}

/// Upstream's `errDetails`: incident.io's `message`, `error` and `errors`
/// joined with `: `, or nothing when the answer does not decode.
fn error_details(body: &[u8]) -> String {
    let decoded = decode_first(body).and_then(|value| {
        let answer = GoStruct::new(&value, "struct")?;
        Ok((
            answer.string("message")?,
            answer.strings("errors")?,
            answer.string("error")?,
        ))
    });
    let Ok((message, errors, error)) = decoded else {
        return String::new();
    };
    let mut parts = Vec::new();
    if !message.is_empty() {
        parts.push(message);
    }
    if !error.is_empty() {
        parts.push(error);
    }
    if !errors.is_empty() {
        parts.push(errors.join(", "));
    }
    parts.join(": ")
}

impl_notifier!(IncidentioNotifier, "incidentio");

impl Preview for IncidentioNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Upstream TestErrDetails cases (notify/incidentio/incidentio_test.go).
    #[test]
    fn error_details_join_incidentio_fields() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"message":"Validation failed","errors":["Field is required","Value too long"]}"#,
                "Validation failed: Field is required, Value too long",
            ),
            (
                r#"{"message":"Too many requests","error":"Rate limit exceeded"}"#,
                "Too many requests: Rate limit exceeded",
            ),
            (r#"{"errors":[{"code":"x"}]}"#, ""),
            ("not json", ""),
            ("", ""),
        ];
        for (body, want) in cases {
            assert_eq!(error_details(body.as_bytes()), *want, "{body}");
        }
    }
}
