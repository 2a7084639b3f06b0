//! Slack (`slack_configs`): one `POST` of a message with a single legacy
//! attachment, either to an incoming-webhook URL (`api_url` /
//! `api_url_file`) or to the Web API (`chat.postMessage` with a bot token,
//! which the configuration layer turns into `http_config.authorization` and
//! `api_url = app_url`). The attachment title is cut to 1024 characters.
//!
//! Answers: non-2xx statuses go through the plain [`Retrier`] (5xx retried);
//! a 2xx answer is then checked as upstream checks it: a JSON answer
//! (`Content-Type: application/json…`, the Web API) must say `"ok":true`,
//! otherwise Slack's `error` (e.g. `invalid_token`) is reported and not
//! retried; any other answer (incoming webhooks) must be exactly `ok`.
//! Every error names the channel, as upstream's do.
//!
//! A failing template fails the notification (not retried) with the
//! template's error. This is a deliberate difference: upstream's Slack
//! notifier ignores the error and posts the message with the failing field
//! and every later one empty, which users only notice as blank messages.
//!
//! `update_message` (0.34) edits the group's message in place, as upstream:
//! a successful Web API answer's `ts` and `channel` are kept in the
//! notification log's receiver data (keys `threadTs` and `channelId`, as
//! upstream names them); when both are there, the next notification of the
//! group goes to `chat.update` with them as `ts` and `channel`. The pipeline
//! starts a group's first notification (also the first after all its alerts
//! resolved) with no data, so that one posts a new message; an "all
//! resolved" notification still edits the last one. Upstream posts updates
//! to the fixed `https://slack.com/api/chat.update`; here the method is
//! swapped in the configured URL, which the configuration check pins to
//! `https://slack.com/api/chat.postMessage`, so it is the same address.

use std::sync::Arc;
use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::notifiers::{SlackAction, SlackConfig, SlackField};
use tocsin_model::GoDuration;
use tocsin_model::goquote::go_quote;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::{HttpClient, HttpResponse};
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed};
use crate::preview::{Preview, Rendered};
use crate::retry::Retrier;
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

/// Slack's limit for attachment titles (characters).
const MAX_TITLE_RUNES: usize = 1024;

/// Receiver-data keys of the message to update (upstream's names).
const THREAD_TS_KEY: &str = "threadTs";
const CHANNEL_ID_KEY: &str = "channelId";

/// `mrkdwn_in` when none is configured.
const DEFAULT_MRKDWN_IN: [&str; 3] = ["fallback", "pretext", "text"];

/// Sends notifications to one Slack channel.
pub struct SlackNotifier {
    index: usize,
    config: SlackConfig,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
    timeout: Option<Duration>,
}

/// The message (upstream `request`).
struct SlackMessage {
    channel: String,
    /// The message to edit (`chat.update` only).
    ts: String,
    username: String,
    icon_emoji: String,
    icon_url: String,
    link_names: bool,
    text: String,
    attachment: Attachment,
}

/// The single attachment (upstream `attachment`).
struct Attachment {
    title: String,
    title_link: String,
    pretext: String,
    text: String,
    fallback: String,
    callback_id: String,
    fields: Vec<Field>,
    actions: Vec<Action>,
    image_url: String,
    thumb_url: String,
    footer: String,
    color: String,
    mrkdwn_in: Vec<String>,
}

/// A rendered `fields` entry; `short` is always sent.
struct Field {
    title: String,
    value: String,
    short: bool,
}

/// A rendered `actions` entry.
struct Action {
    kind: String,
    text: String,
    url: String,
    style: String,
    name: String,
    value: String,
    confirm: Option<Confirm>,
}

/// A rendered confirmation dialog.
struct Confirm {
    text: String,
    title: String,
    ok_text: String,
    dismiss_text: String,
}

/// Writes `name: value` unless `value` is empty (Go's `omitempty`).
fn non_empty(o: &mut ObjectWriter<'_>, name: &str, value: &str) -> Result<(), JsonError> {
    if value.is_empty() {
        Ok(())
    } else {
        o.field(name, value)
    }
}

impl GoJson for SlackMessage {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "channel", &self.channel)?;
        non_empty(&mut o, "ts", &self.ts)?;
        non_empty(&mut o, "username", &self.username)?;
        non_empty(&mut o, "icon_emoji", &self.icon_emoji)?;
        non_empty(&mut o, "icon_url", &self.icon_url)?;
        if self.link_names {
            o.field("link_names", &true)?;
        }
        non_empty(&mut o, "text", &self.text)?;
        let attachments = o.key("attachments");
        attachments.push(b'[');
        self.attachment.write_json(attachments)?;
        attachments.push(b']');
        o.end();
        Ok(())
    }
}

impl GoJson for Attachment {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "title", &self.title)?;
        non_empty(&mut o, "title_link", &self.title_link)?;
        non_empty(&mut o, "pretext", &self.pretext)?;
        o.field("text", &self.text)?;
        o.field("fallback", &self.fallback)?;
        o.field("callback_id", &self.callback_id)?;
        if !self.fields.is_empty() {
            o.field("fields", &self.fields)?;
        }
        if !self.actions.is_empty() {
            o.field("actions", &self.actions)?;
        }
        non_empty(&mut o, "image_url", &self.image_url)?;
        non_empty(&mut o, "thumb_url", &self.thumb_url)?;
        o.field("footer", &self.footer)?;
        non_empty(&mut o, "color", &self.color)?;
        if !self.mrkdwn_in.is_empty() {
            o.field("mrkdwn_in", &self.mrkdwn_in)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for Field {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "title", &self.title)?;
        non_empty(&mut o, "value", &self.value)?;
        o.field("short", &self.short)?;
        o.end();
        Ok(())
    }
}

impl GoJson for Action {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "type", &self.kind)?;
        non_empty(&mut o, "text", &self.text)?;
        non_empty(&mut o, "url", &self.url)?;
        non_empty(&mut o, "style", &self.style)?;
        non_empty(&mut o, "name", &self.name)?;
        non_empty(&mut o, "value", &self.value)?;
        if let Some(confirm) = &self.confirm {
            o.field("confirm", confirm)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for Confirm {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        non_empty(&mut o, "text", &self.text)?;
        non_empty(&mut o, "title", &self.title)?;
        non_empty(&mut o, "ok_text", &self.ok_text)?;
        non_empty(&mut o, "dismiss_text", &self.dismiss_text)?;
        o.end();
        Ok(())
    }
}

/// The prepared request and the channel errors are reported for.
struct Prepared {
    request: HttpRequest,
    channel: String,
}

impl SlackNotifier {
    /// The notifier for `slack_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &SlackConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        if config.api_url.is_none() && config.api_url_file.is_empty() {
            return Err(BuildError::Invalid(
                "no Slack API URL nor App token set either inline or in a file".into(),
            ));
        }
        Ok(SlackNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
            timeout: (!config.timeout.0.is_zero()).then_some(config.timeout.0),
        })
    }

    fn prepare(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Prepared, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let c = &self.config;
        let group_key = ctx.flush.group_key.as_str();

        let mrkdwn_in = if c.mrkdwn_in.is_empty() {
            DEFAULT_MRKDWN_IN.iter().map(|s| (*s).to_owned()).collect()
        } else {
            c.mrkdwn_in.clone()
        };
        let (title, cut) = truncate_in_runes(&tmpl.text(&c.title), MAX_TITLE_RUNES);
        if cut {
            tracing::warn!(group_key, max_runes = MAX_TITLE_RUNES, "Truncated title");
        }
        let mut attachment = Attachment {
            title,
            title_link: tmpl.text(&c.title_link),
            pretext: tmpl.text(&c.pretext),
            text: tmpl.text(&c.text),
            fallback: tmpl.text(&c.fallback),
            callback_id: tmpl.text(&c.callback_id),
            fields: Vec::new(),
            actions: Vec::new(),
            image_url: tmpl.text(&c.image_url),
            thumb_url: tmpl.text(&c.thumb_url),
            footer: tmpl.text(&c.footer),
            color: tmpl.text(&c.color),
            mrkdwn_in,
        };
        attachment.fields = c
            .fields
            .iter()
            .map(|field| render_field(&mut tmpl, field, c.short_fields))
            .collect();
        attachment.actions = c
            .actions
            .iter()
            .map(|action| render_action(&mut tmpl, action))
            .collect();

        let mut url = match &c.api_url {
            Some(url) => url.expose(),
            None => read_trimmed(&c.api_url_file).map_err(final_error)?,
        };

        let mut message = SlackMessage {
            channel: tmpl.text(&c.channel),
            ts: String::new(),
            username: tmpl.text(&c.username),
            icon_emoji: tmpl.text(&c.icon_emoji),
            icon_url: tmpl.text(&c.icon_url),
            link_names: c.link_names,
            text: tmpl.text(&c.message_text),
            attachment,
        };
        if let Some(err) = tmpl.error() {
            return Err(final_error(format!(
                "failed to template Slack message: {err}"
            )));
        }
        if c.update_message
            && let Some(ts) = ctx.receiver_data.get_str(THREAD_TS_KEY)
            && let Some(channel) = ctx.receiver_data.get_str(CHANNEL_ID_KEY)
            && !ts.is_empty()
            && !channel.is_empty()
        {
            tracing::debug!(
                group_key,
                thread_ts = %ts,
                channel_id = %channel,
                "updating previously sent message"
            );
            url = chat_update_url(&url);
            message.ts = ts;
            message.channel = channel;
        }
        let body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        Ok(Prepared {
            request: HttpRequest::post(url, SECRET_MASK.to_owned(), "application/json", body),
            channel: message.channel,
        })
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let Prepared { request, channel } = self.prepare(ctx, alerts)?;
        let response = request
            .send(&self.client, self.timeout)
            .await
            .map_err(|e| {
                let mut message = e.to_string();
                if e.timed_out
                    && let Some(timeout) = self.timeout
                {
                    message.push_str(&format!(
                        ": configured slack timeout reached ({})",
                        GoDuration(timeout)
                    ));
                }
                NotifyError {
                    retry: true,
                    reason: FailureReason::Other,
                    message,
                }
            })?;
        let posted = check_answer(&response).map_err(|mut err| {
            err.message = format!("channel {}: {}", go_quote(&channel), err.message);
            err
        })?;
        if self.config.update_message
            && let Some(posted) = posted
        {
            ctx.receiver_data.set_str(THREAD_TS_KEY, &posted.ts);
            ctx.receiver_data.set_str(CHANNEL_ID_KEY, &posted.channel);
        }
        Ok(())
    }
}

/// The `chat.update` method beside the configured `chat.postMessage` (the
/// last path segment swapped); upstream's fixed URL if there is no path.
fn chat_update_url(post_message_url: &str) -> String {
    match post_message_url.rsplit_once('/') {
        Some((base, _)) if base.contains("://") => format!("{base}/chat.update"),
        _ => "https://slack.com/api/chat.update".to_owned(),
    }
}

fn render_field(tmpl: &mut FieldRenderer<'_>, field: &SlackField, short_fields: bool) -> Field {
    Field {
        title: tmpl.text(&field.title),
        value: tmpl.text(&field.value),
        short: field.short.unwrap_or(short_fields),
    }
}

fn render_action(tmpl: &mut FieldRenderer<'_>, action: &SlackAction) -> Action {
    let mut rendered = Action {
        kind: tmpl.text(&action.kind),
        text: tmpl.text(&action.text),
        url: tmpl.text(&action.url),
        style: tmpl.text(&action.style),
        name: tmpl.text(&action.name),
        value: tmpl.text(&action.value),
        confirm: None,
    };
    if let Some(confirm) = &action.confirm {
        // Rendered in upstream's order (title first), sent in field order.
        let title = tmpl.text(&confirm.title);
        rendered.confirm = Some(Confirm {
            text: tmpl.text(&confirm.text),
            title,
            ok_text: tmpl.text(&confirm.ok_text),
            dismiss_text: tmpl.text(&confirm.dismiss_text),
        });
    }
    rendered
}

/// Where a Web API answer says the message is (both fields non-empty).
#[derive(Debug, PartialEq)]
struct PostedMessage {
    ts: String,
    channel: String,
}

/// Upstream's status check followed by `slackResponseHandler`; on success,
/// the posted message if the answer names it.
fn check_answer(response: &HttpResponse) -> Result<Option<PostedMessage>, NotifyError> {
    Retrier::default().check(response.status, &response.body)?;
    let client_error = |message: String| NotifyError {
        retry: false,
        reason: FailureReason::ClientError,
        message,
    };
    if !response.content_type.starts_with("application/json") {
        return if response.body == b"ok" {
            Ok(None)
        } else {
            Err(client_error(format!(
                "received an error response from Slack: {}",
                String::from_utf8_lossy(&response.body)
            )))
        };
    }
    let answer = parse_answer(&response.body).map_err(|cause| NotifyError {
        retry: true,
        reason: FailureReason::ClientError,
        message: format!(
            "could not unmarshal JSON response {}: {cause}",
            go_quote(&String::from_utf8_lossy(&response.body))
        ),
    })?;
    if !answer.ok {
        return Err(client_error(format!(
            "error response from Slack: {}",
            answer.error
        )));
    }
    Ok(
        (!answer.ts.is_empty() && !answer.channel.is_empty()).then_some(PostedMessage {
            ts: answer.ts,
            channel: answer.channel,
        }),
    )
}

/// The fields of a Web API answer upstream looks at.
struct SlackAnswer {
    ok: bool,
    error: String,
    channel: String,
    ts: String,
}

/// Reads `ok`, `error`, `channel` and `ts` from a JSON answer; a body that is not a JSON
/// object, or fields of the wrong type, are an error (Go's `Unmarshal`
/// into upstream's struct fails on both).
fn parse_answer(body: &[u8]) -> Result<SlackAnswer, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let object = value.as_object().ok_or_else(|| {
        "json: cannot unmarshal non-object into Go value of type slack.slackResponse".to_owned()
    })?;
    let ok = match object.get("ok") {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => {
            return Err(
                "json: cannot unmarshal value into Go struct field slackResponse.ok of type bool"
                    .to_owned(),
            );
        }
    };
    Ok(SlackAnswer {
        ok,
        error: string_field(object, "error")?,
        channel: string_field(object, "channel")?,
        ts: string_field(object, "ts")?,
    })
}

/// A string field of the answer; absent or `null` is empty.
fn string_field(
    object: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<String, String> {
    match object.get(name) {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!(
            "json: cannot unmarshal value into Go struct field slackResponse.{name} of type string"
        )),
    }
}

impl_notifier!(SlackNotifier, "slack");

impl Preview for SlackNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.prepare(ctx, alerts)?
                .request
                .rendered(&self.env.user_agent),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(
        status: u16,
        content_type: &str,
        body: &str,
    ) -> Result<Option<PostedMessage>, NotifyError> {
        check_answer(&HttpResponse {
            status,
            content_type: content_type.to_owned(),
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn web_api_errors_are_final_and_name_slacks_error() {
        let err = answer(
            200,
            "application/json; charset=utf-8",
            r#"{"ok":false,"error":"invalid_token"}"#,
        )
        .unwrap_err();
        assert!(!err.retry);
        assert_eq!(err.reason, FailureReason::ClientError);
        assert_eq!(err.message, "error response from Slack: invalid_token");
        assert!(answer(200, "application/json", r#"{"ok":true,"ts":"1.2"}"#).is_ok());
    }

    #[test]
    fn web_api_answers_name_the_posted_message() {
        let posted = answer(
            200,
            "application/json",
            r#"{"ok":true,"channel":"C1","ts":"1.2","message":{"text":"x"}}"#,
        )
        .unwrap();
        assert_eq!(
            posted,
            Some(PostedMessage {
                ts: "1.2".to_owned(),
                channel: "C1".to_owned(),
            })
        );
        // Both are needed to edit the message later.
        assert_eq!(
            answer(200, "application/json", r#"{"ok":true,"ts":"1.2"}"#).unwrap(),
            None
        );
        assert_eq!(answer(200, "text/plain", "ok").unwrap(), None);
        // Go's Unmarshal fails on a non-string ts; upstream retries that.
        assert!(
            answer(200, "application/json", r#"{"ok":true,"ts":1.2}"#)
                .unwrap_err()
                .retry
        );
    }

    #[test]
    fn updates_go_to_chat_update_beside_chat_post_message() {
        assert_eq!(
            chat_update_url("https://slack.com/api/chat.postMessage"),
            "https://slack.com/api/chat.update"
        );
        assert_eq!(
            chat_update_url("http://127.0.0.1:9/api/chat.postMessage"),
            "http://127.0.0.1:9/api/chat.update"
        );
        assert_eq!(
            chat_update_url("not a url"),
            "https://slack.com/api/chat.update"
        );
    }

    #[test]
    fn webhook_answers_must_be_ok() {
        assert!(answer(200, "text/html", "ok").is_ok());
        assert!(answer(200, "", "ok").is_ok());
        let err = answer(200, "text/plain", "no_service").unwrap_err();
        assert!(!err.retry);
        assert_eq!(
            err.message,
            "received an error response from Slack: no_service"
        );
        // A JSON body without the JSON content type is checked as text.
        assert!(answer(200, "text/plain", r#"{"ok":true}"#).is_err());
    }

    #[test]
    fn unreadable_json_is_retried() {
        let err = answer(200, "application/json", "<html>").unwrap_err();
        assert!(err.retry);
        assert!(
            err.message
                .starts_with(r#"could not unmarshal JSON response "<html>": "#),
            "{}",
            err.message
        );
        assert!(
            answer(200, "application/json", r#"{"ok":"yes"}"#)
                .unwrap_err()
                .retry
        );
    }

    #[test]
    fn status_errors_use_the_plain_retrier() {
        let err = answer(500, "text/plain", "boom").unwrap_err();
        assert!(err.retry);
        assert_eq!(err.message, "unexpected status code 500: boom");
        let err = answer(429, "text/plain", "").unwrap_err();
        assert!(!err.retry);
        assert_eq!(err.reason, FailureReason::RateLimited);
        let err = answer(403, "application/json", r#"{"ok":false}"#).unwrap_err();
        assert_eq!(err.reason, FailureReason::AuthError);
    }
}
