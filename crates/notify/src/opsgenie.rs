//! OpsGenie (`opsgenie_configs`): while any alert fires, `POST
//! <api_url>v2/alerts` creates (or deduplicates) an OpsGenie alert whose
//! alias is the SHA-256 of the group key; with `update_alerts`, two `PUT`s
//! then rewrite that alert's message and description. Once everything is
//! resolved, `POST <api_url>v2/alerts/<alias>/close?identifierType=alias`
//! closes it. Every request carries `Authorization: GenieKey <api_key>`
//! (the key is itself templated, as upstream does).
//!
//! Body details as upstream: `details` starts from the common labels, the
//! message is cut to 130 characters, `tags` and `actions` are comma lists,
//! responders that render empty are dropped and a `teams` responder becomes
//! one `team` responder per comma-separated name. Answers: 5xx and 429 are
//! retried, any other non-2xx status (e.g. 422 for an invalid alert) is
//! final, with OpsGenie's answer in the error text.

use std::collections::BTreeMap;
use std::sync::Arc;

use tocsin_alerting::alert::{Alert, AlertStatus};
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::notifiers::OpsGenieConfig;
use tocsin_model::goquote::go_quote;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::group_key;
use crate::http::{HttpClient, Method};
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_raw};
use crate::preview::{Preview, Rendered};
use crate::provider_url::ProviderUrl;
use crate::retry::Retrier;
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

/// OpsGenie's limit for alert messages (characters).
const MAX_MESSAGE_RUNES: usize = 130;

/// Sends notifications to one OpsGenie integration.
pub struct OpsGenieNotifier {
    index: usize,
    config: OpsGenieConfig,
    api_url: ProviderUrl,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

/// The create request (upstream `opsGenieCreateMessage`).
struct CreateAlert {
    alias: String,
    message: String,
    description: String,
    details: BTreeMap<String, String>,
    source: String,
    responders: Vec<Responder>,
    tags: Vec<String>,
    note: String,
    priority: String,
    entity: String,
    actions: Vec<String>,
}

#[derive(Clone, PartialEq, Eq)]
struct Responder {
    id: String,
    name: String,
    username: String,
    kind: String,
}

/// A body with one optional string field (`{"source":…}` for close, the
/// update bodies `{"message":…}` and `{"description":…}`).
struct SingleField {
    name: &'static str,
    value: String,
    omit_empty: bool,
}

fn non_empty(o: &mut ObjectWriter<'_>, name: &str, value: &str) -> Result<(), JsonError> {
    if value.is_empty() {
        Ok(())
    } else {
        o.field(name, value)
    }
}

impl GoJson for CreateAlert {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("alias", &self.alias)?;
        o.field("message", &self.message)?;
        non_empty(&mut o, "description", &self.description)?;
        o.field("details", &self.details)?;
        o.field("source", &self.source)?;
        if !self.responders.is_empty() {
            o.field("responders", &self.responders)?;
        }
        if !self.tags.is_empty() {
            o.field("tags", &self.tags)?;
        }
        non_empty(&mut o, "note", &self.note)?;
        non_empty(&mut o, "priority", &self.priority)?;
        non_empty(&mut o, "entity", &self.entity)?;
        if !self.actions.is_empty() {
            o.field("actions", &self.actions)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for Responder {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "id", &self.id)?;
        non_empty(&mut o, "name", &self.name)?;
        non_empty(&mut o, "username", &self.username)?;
        o.field("type", &self.kind)?;
        o.end();
        Ok(())
    }
}

impl GoJson for SingleField {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        if !(self.omit_empty && self.value.is_empty()) {
            o.field(self.name, &self.value)?;
        }
        o.end();
        Ok(())
    }
}

/// Upstream's `safeSplit`: the trimmed text split at `sep`, empty items
/// dropped (items themselves are not trimmed).
fn safe_split(s: &str, sep: &str) -> Vec<String> {
    s.trim()
        .split(sep)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

impl OpsGenieNotifier {
    /// The notifier for `opsgenie_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &OpsGenieConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let api_url = config
            .api_url
            .as_ref()
            .ok_or_else(|| BuildError::Invalid("no global OpsGenie URL set".to_owned()))?;
        Ok(OpsGenieNotifier {
            index,
            api_url: ProviderUrl::new(&api_url.0),
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    /// The alert endpoint `path` under `api_url`, addressed by alias when
    /// `by_alias`.
    fn endpoint(&self, path: &str, by_alias: bool) -> String {
        let mut url = self.api_url.clone();
        url.push_path(path);
        if by_alias {
            url.set_query("identifierType", "alias");
        }
        url.to_string()
    }

    /// Every request of one notification, in sending order.
    fn requests(
        &self,
        ctx: &NotifyContext,
        alerts: &[Alert],
    ) -> Result<Vec<HttpRequest>, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let c = &self.config;
        let alias = group_key::hash(&ctx.flush.group_key);

        let mut details: BTreeMap<String, String> = data
            .common_labels
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        for (key, value) in &c.details {
            details.insert(key.clone(), tmpl.text(value));
        }

        let mut requests = Vec::new();
        let json =
            |value: &dyn GoJson| gojson::encode(value).map_err(|e| final_error(e.to_string()));
        match data.status {
            AlertStatus::Resolved => {
                let close = SingleField {
                    name: "source",
                    value: tmpl.text(&c.source),
                    omit_empty: false,
                };
                requests.push(request(
                    Method::Post,
                    self.endpoint(&format!("v2/alerts/{alias}/close"), true),
                    json(&close)?,
                ));
            }
            AlertStatus::Firing => {
                let (message, cut) = truncate_in_runes(&tmpl.text(&c.message), MAX_MESSAGE_RUNES);
                if cut {
                    tracing::warn!(
                        alert = ctx.flush.group_key.as_str(),
                        max_runes = MAX_MESSAGE_RUNES,
                        "Truncated message"
                    );
                }
                let mut responders = Vec::new();
                for r in &c.responders {
                    let responder = Responder {
                        id: tmpl.text(&r.id),
                        name: tmpl.text(&r.name),
                        username: tmpl.text(&r.username),
                        kind: tmpl.text(&r.kind),
                    };
                    if responder.id.is_empty()
                        && responder.name.is_empty()
                        && responder.username.is_empty()
                        && responder.kind.is_empty()
                    {
                        continue;
                    }
                    if responder.kind == "teams" {
                        for team in safe_split(&responder.name, ",") {
                            responders.push(Responder {
                                id: String::new(),
                                name: tmpl.text(&team),
                                username: String::new(),
                                kind: tmpl.text("team"),
                            });
                        }
                        continue;
                    }
                    responders.push(responder);
                }
                let create = CreateAlert {
                    alias: alias.clone(),
                    message,
                    description: tmpl.text(&c.description),
                    details,
                    source: tmpl.text(&c.source),
                    responders,
                    tags: safe_split(&tmpl.text(&c.tags), ","),
                    note: tmpl.text(&c.note),
                    priority: tmpl.text(&c.priority),
                    entity: tmpl.text(&c.entity),
                    actions: safe_split(&tmpl.text(&c.actions), ","),
                };
                requests.push(request(
                    Method::Post,
                    self.endpoint("v2/alerts", false),
                    json(&create)?,
                ));
                if c.update_alerts {
                    let message = SingleField {
                        name: "message",
                        value: create.message.clone(),
                        omit_empty: true,
                    };
                    requests.push(request(
                        Method::Put,
                        self.endpoint(&format!("v2/alerts/{alias}/message"), true),
                        json(&message)?,
                    ));
                    let description = SingleField {
                        name: "description",
                        value: create.description.clone(),
                        omit_empty: true,
                    };
                    requests.push(request(
                        Method::Put,
                        self.endpoint(&format!("v2/alerts/{alias}/description"), true),
                        json(&description)?,
                    ));
                }
            }
        }

        let api_key = if c.api_key.is_empty() {
            let content = read_raw(&c.api_key_file)
                .map_err(|e| final_error(format!("read key_file error: {e}")))?;
            tmpl.text(&content).trim().to_owned()
        } else {
            tmpl.text(c.api_key.expose())
        };
        if let Some(err) = tmpl.error() {
            return Err(final_error(format!("templating error: {err}")));
        }
        let authorization = format!("GenieKey {api_key}");
        for request in &mut requests {
            request
                .headers
                .push(("Authorization".to_owned(), authorization.clone()));
        }
        Ok(requests)
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let retrier = Retrier {
            retry_codes: &[429],
        };
        for request in self.requests(ctx, alerts)? {
            let response = request
                .send(&self.client, None)
                .await
                .map_err(|e| NotifyError {
                    // Upstream returns the client's error as is, URL included.
                    retry: true,
                    reason: FailureReason::Other,
                    message: format!("{} {}: {}", e.method, go_quote(&request.url), e.cause),
                })?;
            retrier.check(response.status, &response.body)?;
        }
        Ok(())
    }
}

/// A JSON request of `method` to `url`.
fn request(method: Method, url: String, body: Vec<u8>) -> HttpRequest {
    HttpRequest {
        method,
        url_masked: url.clone(),
        url,
        content_type: Some("application/json"),
        headers: Vec::new(),
        body: Some(body),
    }
}

impl_notifier!(OpsGenieNotifier, "opsgenie");

impl Preview for OpsGenieNotifier {
    /// The requests with the API key shown as `GenieKey <secret>`.
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(self
            .requests(ctx, alerts)?
            .into_iter()
            .map(|mut request| {
                for (name, value) in &mut request.headers {
                    if name == "Authorization" {
                        *value = format!("GenieKey {SECRET_MASK}");
                    }
                }
                request.rendered(&self.env.user_agent)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_split_trims_the_whole_and_drops_empty_items() {
        assert_eq!(safe_split(" a,b ,,c, ", ","), vec!["a", "b ", "c"]);
        assert!(safe_split("  ", ",").is_empty());
        assert!(safe_split(",,", ",").is_empty());
    }

    #[test]
    fn single_field_bodies_follow_omitempty() {
        let encode =
            |field: SingleField| String::from_utf8(gojson::marshal(&field).unwrap()).unwrap();
        assert_eq!(
            encode(SingleField {
                name: "source",
                value: String::new(),
                omit_empty: false
            }),
            r#"{"source":""}"#
        );
        assert_eq!(
            encode(SingleField {
                name: "message",
                value: String::new(),
                omit_empty: true
            }),
            "{}"
        );
    }
}
