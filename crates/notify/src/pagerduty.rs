//! PagerDuty (`pagerduty_configs`): one event per notification, through
//! Events API v2 (`routing_key`, `url`) or, when a `service_key` is set, the
//! legacy Events API v1. The event is `trigger` while any alert fires and
//! `resolve` otherwise; its deduplication key is the SHA-256 of the group
//! key, so PagerDuty folds every notification of a group into one incident.
//!
//! Body as upstream builds it: `details` rendered with
//! `DeepCopyWithTemplate` (so the 0.34 defaults, `{{ .Alerts.Firing | toJson
//! }}` and friends, arrive as JSON arrays and numbers), the summary /
//! description cut to 1024 characters, images and links without a `src` /
//! `href` dropped, and an event over 512 kB sent with its details replaced
//! by an explanation. Answers: 5xx retried, plus 429 (v2) or 403 (v1); for a
//! 400 the error quotes PagerDuty's `message` and `errors`, other statuses
//! carry no body text, as upstream's error-detail function has it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tocsin_alerting::alert::{Alert, AlertStatus};
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::notifiers::PagerdutyConfig;
use tocsin_model::GoDuration;
use tocsin_model::goquote::go_quote;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::group_key;
use crate::http::{HttpClient, RequestError};
use crate::json_template::{JsonTemplateError, JsonValue, render_value};
use crate::outgoing::{HttpRequest, client_for, final_error, read_trimmed};
use crate::preview::{Preview, Rendered};
use crate::retry::failure_reason_from_status;
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

/// Events API v1 endpoint (not configurable upstream).
pub const EVENTS_V1_URL: &str = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";

/// Largest event PagerDuty accepts (bytes of JSON).
const MAX_EVENT_BYTES: usize = 512_000;
/// PagerDuty's limit for the v1 description and the v2 summary.
const MAX_SUMMARY_RUNES: usize = 1024;

/// Sends events to one PagerDuty service.
pub struct PagerdutyNotifier {
    index: usize,
    config: PagerdutyConfig,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
    timeout: Option<Duration>,
    api: Api,
}

/// Which Events API the configuration selects.
#[derive(Clone, Debug)]
enum Api {
    /// v1, with the endpoint to post to.
    V1(String),
    /// v2, posting to the configured `url`.
    V2(String),
}

/// The event (upstream `pagerDutyMessage`, shared by both APIs).
#[derive(Default)]
struct Event {
    routing_key: String,
    service_key: String,
    dedup_key: String,
    incident_key: String,
    event_type: String,
    description: String,
    event_action: String,
    payload: Option<Payload>,
    client: String,
    client_url: String,
    details: BTreeMap<String, JsonValue>,
    images: Vec<Image>,
    links: Vec<Link>,
}

/// The v2 `payload`.
struct Payload {
    summary: String,
    source: String,
    severity: String,
    class: String,
    component: String,
    group: String,
    custom_details: BTreeMap<String, JsonValue>,
}

struct Image {
    src: String,
    alt: String,
    href: String,
}

struct Link {
    href: String,
    text: String,
}

fn non_empty(o: &mut ObjectWriter<'_>, name: &str, value: &str) -> Result<(), JsonError> {
    if value.is_empty() {
        Ok(())
    } else {
        o.field(name, value)
    }
}

fn write_details(
    o: &mut ObjectWriter<'_>,
    name: &str,
    details: &BTreeMap<String, JsonValue>,
) -> Result<(), JsonError> {
    if details.is_empty() {
        Ok(())
    } else {
        o.field(name, &JsonValue::Object(details.clone()))
    }
}

impl GoJson for Event {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "routing_key", &self.routing_key)?;
        non_empty(&mut o, "service_key", &self.service_key)?;
        non_empty(&mut o, "dedup_key", &self.dedup_key)?;
        non_empty(&mut o, "incident_key", &self.incident_key)?;
        non_empty(&mut o, "event_type", &self.event_type)?;
        non_empty(&mut o, "description", &self.description)?;
        o.field("event_action", &self.event_action)?;
        match &self.payload {
            Some(payload) => o.field("payload", payload)?,
            None => o.key("payload").extend_from_slice(b"null"),
        }
        non_empty(&mut o, "client", &self.client)?;
        non_empty(&mut o, "client_url", &self.client_url)?;
        write_details(&mut o, "details", &self.details)?;
        if !self.images.is_empty() {
            o.field("images", &self.images)?;
        }
        if !self.links.is_empty() {
            o.field("links", &self.links)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for Payload {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("summary", &self.summary)?;
        o.field("source", &self.source)?;
        o.field("severity", &self.severity)?;
        // `timestamp` is never set upstream.
        non_empty(&mut o, "class", &self.class)?;
        non_empty(&mut o, "component", &self.component)?;
        non_empty(&mut o, "group", &self.group)?;
        write_details(&mut o, "custom_details", &self.custom_details)?;
        o.end();
        Ok(())
    }
}

impl GoJson for Image {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("src", &self.src)?;
        o.field("alt", &self.alt)?;
        o.field("href", &self.href)?;
        o.end();
        Ok(())
    }
}

impl GoJson for Link {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("href", &self.href)?;
        o.field("text", &self.text)?;
        o.end();
        Ok(())
    }
}

impl PagerdutyNotifier {
    /// The notifier for `pagerduty_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &PagerdutyConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let api = if !config.service_key.is_empty() || !config.service_key_file.is_empty() {
            Api::V1(EVENTS_V1_URL.to_owned())
        } else {
            let url = config
                .url
                .as_ref()
                .ok_or_else(|| BuildError::Invalid("no global PagerDuty URL set".to_owned()))?;
            Api::V2(url.to_string())
        };
        Ok(PagerdutyNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
            timeout: (!config.timeout.0.is_zero()).then_some(config.timeout.0),
            api,
        })
    }

    /// Posts v1 events to `url` instead of PagerDuty's fixed endpoint (for
    /// tests and relays); no effect on a v2 configuration.
    pub fn with_events_v1_url(mut self, url: impl Into<String>) -> Self {
        if let Api::V1(endpoint) = &mut self.api {
            *endpoint = url.into();
        }
        self
    }

    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let trigger = data.status == AlertStatus::Firing;
        let details = self.render_details(&data)?;
        let key_hash = group_key::hash(&ctx.flush.group_key);
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let c = &self.config;
        let group_key = ctx.flush.group_key.as_str();

        let (mut event, url) = match &self.api {
            Api::V1(url) => {
                let (description, cut) =
                    truncate_in_runes(&tmpl.text(&c.description), MAX_SUMMARY_RUNES);
                if cut {
                    tracing::warn!(
                        group_key,
                        max_runes = MAX_SUMMARY_RUNES,
                        "Truncated description"
                    );
                }
                let service_key = if c.service_key.is_empty() {
                    read_trimmed(&c.service_key_file).map_err(|e| {
                        final_error(format!("failed to read service key from file: {e}"))
                    })?
                } else {
                    c.service_key.expose().to_owned()
                };
                let mut event = Event {
                    service_key: tmpl.text(&service_key),
                    event_type: if trigger { "trigger" } else { "resolve" }.to_owned(),
                    incident_key: key_hash,
                    description,
                    details,
                    ..Event::default()
                };
                if trigger {
                    event.client = tmpl.text(&c.client);
                    event.client_url = tmpl.text(&c.client_url);
                }
                if let Some(err) = tmpl.error() {
                    return Err(final_error(format!(
                        "failed to template PagerDuty v1 message: {err}"
                    )));
                }
                if event.service_key.is_empty() {
                    return Err(final_error("service key cannot be empty"));
                }
                (event, url)
            }
            Api::V2(url) => {
                let (summary, cut) =
                    truncate_in_runes(&tmpl.text(&c.description), MAX_SUMMARY_RUNES);
                if cut {
                    tracing::warn!(
                        group_key,
                        max_runes = MAX_SUMMARY_RUNES,
                        "Truncated summary"
                    );
                }
                let routing_key = if c.routing_key.is_empty() {
                    read_trimmed(&c.routing_key_file).map_err(|e| {
                        final_error(format!("failed to read routing key from file: {e}"))
                    })?
                } else {
                    c.routing_key.expose().to_owned()
                };
                let severity = if c.severity.is_empty() {
                    "error"
                } else {
                    &c.severity
                };
                let mut event = Event {
                    client: tmpl.text(&c.client),
                    client_url: tmpl.text(&c.client_url),
                    routing_key: tmpl.text(&routing_key),
                    event_action: if trigger { "trigger" } else { "resolve" }.to_owned(),
                    dedup_key: key_hash,
                    ..Event::default()
                };
                event.payload = Some(Payload {
                    summary,
                    source: tmpl.text(&c.source),
                    severity: tmpl.text(severity),
                    class: tmpl.text(&c.class),
                    component: tmpl.text(&c.component),
                    group: tmpl.text(&c.group),
                    custom_details: details,
                });
                for image in &c.images {
                    let image = Image {
                        src: tmpl.text(&image.src),
                        alt: tmpl.text(&image.alt),
                        href: tmpl.text(&image.href),
                    };
                    if !image.src.is_empty() {
                        event.images.push(image);
                    }
                }
                for link in &c.links {
                    let link = Link {
                        href: tmpl.text(&link.href),
                        text: tmpl.text(&link.text),
                    };
                    if !link.href.is_empty() {
                        event.links.push(link);
                    }
                }
                if let Some(err) = tmpl.error() {
                    return Err(final_error(format!(
                        "failed to template PagerDuty v2 message: {err}"
                    )));
                }
                if event.routing_key.is_empty() {
                    return Err(final_error("routing key cannot be empty"));
                }
                (event, url)
            }
        };
        let body = self.encode(&mut event)?;
        Ok(HttpRequest::post(
            url.clone(),
            url.clone(),
            "application/json",
            body,
        ))
    }

    /// `details` rendered value by value (the top-level keys as written).
    fn render_details(
        &self,
        data: &TemplateData,
    ) -> Result<BTreeMap<String, JsonValue>, NotifyError> {
        let mut tmpl = FieldRenderer::new(&self.templates, data);
        let mut render = |text: &str| {
            let rendered = tmpl.text(text);
            match tmpl.error() {
                Some(err) => Err(err.message.clone()),
                None => Ok(rendered),
            }
        };
        let mut details = BTreeMap::new();
        for (key, value) in &self.config.details {
            let rendered = render_value(value, &mut render).map_err(|e| match e {
                JsonTemplateError::Template(message) => {
                    final_error(format!("failed to render details: {message}"))
                }
                unsupported @ JsonTemplateError::UnsupportedValue(_) => {
                    final_error(format!("failed to encode PagerDuty message: {unsupported}"))
                }
            })?;
            details.insert(key.clone(), rendered);
        }
        Ok(details)
    }

    /// The event's JSON; over PagerDuty's size limit, the details are
    /// replaced by an explanation and the event encoded again.
    fn encode(&self, event: &mut Event) -> Result<Vec<u8>, NotifyError> {
        let encode = |event: &Event| {
            gojson::encode(event)
                .map_err(|e| final_error(format!("failed to encode PagerDuty message: {e}")))
        };
        let body = encode(event)?;
        if body.len() <= MAX_EVENT_BYTES {
            return Ok(body);
        }
        let explanation: BTreeMap<String, JsonValue> = [(
            "error".to_owned(),
            JsonValue::String(format!(
                "Custom details have been removed because the original event exceeds the maximum size of {}",
                metric_bytes(MAX_EVENT_BYTES)
            )),
        )]
        .into();
        match (&self.api, &mut event.payload) {
            (Api::V2(_), Some(payload)) => payload.custom_details = explanation,
            _ => event.details = explanation,
        }
        tracing::warn!(
            "Truncated Details because message of size {} exceeds limit {}",
            metric_bytes(body.len()),
            metric_bytes(MAX_EVENT_BYTES)
        );
        encode(event)
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        let (what, retry_code, with_reason) = match self.api {
            Api::V1(_) => ("PagerDuty v1", 403, false),
            Api::V2(_) => ("PagerDuty", 429, true),
        };
        let response = request
            .send(&self.client, self.timeout)
            .await
            .map_err(|e| self.transport_error(what, &request.url, &e))?;
        check_status(response.status, &response.body, retry_code, with_reason)
    }

    /// Upstream's unredacted `failed to post message to …: Post "<url>": …`,
    /// plus the configured timeout when it expired.
    fn transport_error(&self, what: &str, url: &str, err: &RequestError) -> NotifyError {
        let mut message = format!(
            "failed to post message to {what}: {} {}: {}",
            err.method,
            go_quote(url),
            err.cause
        );
        if err.timed_out
            && let Some(timeout) = self.timeout
        {
            message.push_str(&format!(
                ": configured pagerduty timeout reached ({})",
                GoDuration(timeout)
            ));
        }
        NotifyError {
            retry: true,
            reason: FailureReason::Other,
            message,
        }
    }
}

/// Upstream's `Retrier{RetryCodes, CustomDetailsFunc: errDetails}.Check`;
/// only the v2 notifier attaches the status's failure reason.
fn check_status(
    status: u16,
    body: &[u8],
    retry_code: u16,
    with_reason: bool,
) -> Result<(), NotifyError> {
    if status / 100 == 2 {
        return Ok(());
    }
    let mut message = format!("unexpected status code {status}");
    let details = error_details(status, body);
    if !details.is_empty() {
        message.push_str(": ");
        message.push_str(&details);
    }
    Err(NotifyError {
        retry: status / 100 == 5 || status == retry_code,
        reason: if with_reason {
            failure_reason_from_status(status)
        } else {
            FailureReason::Other
        },
        message,
    })
}

/// Upstream's `errDetails`: for a 400, `<message>: <errors joined by ,>`
/// from PagerDuty's JSON answer; nothing otherwise.
fn error_details(status: u16, body: &[u8]) -> String {
    if status != 400 {
        return String::new();
    }
    // Go's json.Decoder reads the first value and ignores what follows.
    let Some(Ok(serde_json::Value::Object(answer))) = serde_json::Deserializer::from_slice(body)
        .into_iter::<serde_json::Value>()
        .next()
    else {
        return String::new();
    };
    let text = |name: &str| match answer.get(name) {
        None | Some(serde_json::Value::Null) => Some(String::new()),
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(_) => None,
    };
    let errors = match answer.get("errors") {
        None | Some(serde_json::Value::Null) => Some(Vec::new()),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>(),
        Some(_) => None,
    };
    match (text("status"), text("message"), errors) {
        (Some(_), Some(message), Some(errors)) => format!("{message}: {}", errors.join(",")),
        _ => String::new(),
    }
}

/// `units.MetricBytes(n).String()`: `512KB`, `600KB123B`.
fn metric_bytes(n: usize) -> String {
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    if n == 0 {
        return "0B".to_owned();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for unit in UNITS {
        if !rest.is_multiple_of(1000) {
            parts.push(format!("{}{unit}B", rest % 1000));
        }
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    parts.reverse();
    parts.concat()
}

impl_notifier!(PagerdutyNotifier, "pagerduty");

impl Preview for PagerdutyNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.rendered(&self.env.user_agent),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_like_alecthomas_units() {
        // units.MetricBytes(n).String() for these n, run with Go 1.19.
        assert_eq!(metric_bytes(512_000), "512KB");
        assert_eq!(metric_bytes(600_123), "600KB123B");
        assert_eq!(metric_bytes(1_000_000), "1MB");
        assert_eq!(metric_bytes(999), "999B");
    }

    #[test]
    fn only_400_answers_carry_details() {
        let body = br#"{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}"#;
        let err = check_status(400, body, 429, true).unwrap_err();
        assert_eq!(
            err.message,
            "unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)"
        );
        assert!(!err.retry);
        assert_eq!(err.reason, FailureReason::ClientError);
        let err = check_status(500, b"ignored", 429, true).unwrap_err();
        assert_eq!(err.message, "unexpected status code 500");
        assert!(err.retry);
        assert_eq!(
            check_status(400, b"not json", 429, true)
                .unwrap_err()
                .message,
            "unexpected status code 400"
        );
        assert_eq!(
            check_status(
                400,
                br#"{"message":"m","errors":["a","b"]} trailing"#,
                429,
                true
            )
            .unwrap_err()
            .message,
            "unexpected status code 400: m: a,b"
        );
    }

    #[test]
    fn retry_codes_and_reasons_depend_on_the_api() {
        let v2 = check_status(429, b"", 429, true).unwrap_err();
        assert!(v2.retry);
        assert_eq!(v2.reason, FailureReason::RateLimited);
        let v1 = check_status(403, b"", 403, false).unwrap_err();
        assert!(v1.retry);
        assert_eq!(v1.reason, FailureReason::Other);
        assert!(!check_status(429, b"", 403, false).unwrap_err().retry);
        assert!(check_status(202, b"", 429, true).is_ok());
    }
}
