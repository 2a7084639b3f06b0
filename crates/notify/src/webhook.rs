//! The generic webhook integration (`webhook_configs`): POSTs Alertmanager's
//! version-4 JSON message (the template data plus `version`, `groupKey` and
//! `truncatedAlerts`, encoded as Go's `json.Encoder` does, trailing newline
//! included) and classifies the answer with the plain [`Retrier`]: 2xx
//! succeeds, 5xx and transport failures are retried, any other status is
//! final.
//!
//! Not here yet: the custom `payload:` template map (0.32+) and templated
//! URLs (0.31+), which both need the template engine; URLs are used
//! verbatim.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyContext, NotifyError};
use tocsin_model::GoDuration;

use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::goerror;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::{HttpClient, HttpClientError, HttpClientSettings};
use crate::retry::Retrier;

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

/// The message POSTed to the webhook (upstream `webhook.Message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookMessage {
    pub data: TemplateData,
    pub group_key: String,
    pub truncated_alerts: u64,
}

impl GoJson for WebhookMessage {
    /// The embedded `Data` fields first, then the message's own.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        self.data.write_fields(&mut o)?;
        o.field("version", "4")?;
        o.field("groupKey", &self.group_key)?;
        o.field("truncatedAlerts", &self.truncated_alerts)?;
        o.end();
        Ok(())
    }
}

/// Sends notifications to one webhook.
#[derive(Debug)]
pub struct WebhookNotifier {
    index: usize,
    url: WebhookUrl,
    max_alerts: u64,
    timeout: Option<Duration>,
    send_resolved: bool,
    client: HttpClient,
    env: IntegrationEnv,
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
        })
    }

    /// The message for `alerts` in the flush `ctx`: at most `max_alerts`
    /// alerts, common labels computed over the alerts actually sent.
    pub fn message(&self, ctx: &NotifyContext, alerts: &[Alert]) -> WebhookMessage {
        let (sent, truncated_alerts) = truncate(alerts, self.max_alerts);
        WebhookMessage {
            data: TemplateData::new(ctx, sent, &self.env.external_url, self.env.clock.now()),
            group_key: ctx.flush.group_key.clone(),
            truncated_alerts,
        }
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let body =
            gojson::encode(&self.message(ctx, alerts)).map_err(|e| final_error(e.to_string()))?;
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
        if url.is_empty() {
            return Err(final_error(
                "webhook URL is empty after templating".to_owned(),
            ));
        }
        let response = self
            .client
            .post(&url, "application/json", body, self.timeout)
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

/// An error upstream returns without asking for a retry.
fn final_error(message: String) -> NotifyError {
    NotifyError {
        retry: false,
        reason: FailureReason::Other,
        message,
    }
}

impl Notifier for WebhookNotifier {
    fn integration(&self) -> &str {
        "webhook"
    }

    fn index(&self) -> usize {
        self.index
    }

    fn send_resolved(&self) -> bool {
        self.send_resolved
    }

    fn notify<'a>(
        &'a self,
        ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>> {
        Box::pin(self.send(ctx, alerts))
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
