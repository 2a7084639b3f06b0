//! Telegram (`telegram_configs`): `sendMessage` through the Bot API the way
//! upstream's telebot client calls it: `POST <api_url>/bot<token>/sendMessage`
//! with a JSON object of string parameters (chat, text, parse mode, thread,
//! silent flag, link previews off), no User-Agent of Alertmanager's own
//! (Go's default is sent). The bot token and chat id may come from files,
//! read at send time. With `parse_mode: HTML` the message is rendered with
//! HTML escaping and replaced by a fixed notice when longer than 4096
//! characters; otherwise it is cut to 4096 characters. Telegram answers
//! with `{"ok": false, "description": …}` on failure; that description is
//! the error (as telebot formats it). Every failure is retried, as upstream
//! retries them.

use std::collections::BTreeMap;
use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::TelegramConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson;
use crate::gojson_read::{GoStruct, decode_first, unmarshal};
use crate::http::HttpClient;
use crate::outgoing::{HttpRequest, SECRET_MASK, client_for, final_error, read_raw, retry_error};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

/// Telegram's message limit in characters.
const MAX_MESSAGE_RUNES: usize = 4096;

/// What upstream sends instead of an HTML message that is too long (the
/// line break and tabs are part of upstream's text).
const HTML_TOO_LONG: &str = "Alertmanager notification could not be sent: message length exceeds Telegram limits.\n\t\t\tPlease check the template used for producing the message content.";

/// Go's own User-Agent, which telebot's requests carry.
const GO_USER_AGENT: &str = "Go-http-client/1.1";

/// Sends notifications to one Telegram chat.
pub struct TelegramNotifier {
    index: usize,
    config: TelegramConfig,
    api_url: String,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

impl TelegramNotifier {
    /// The notifier for `telegram_configs[index]`; `api_url` must be
    /// resolved (the global default applies when unset).
    pub fn new(
        config: &TelegramConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let api_url = config
            .api_url
            .as_ref()
            .ok_or_else(|| BuildError::Invalid("telegram_configs: api_url is not set".into()))?
            .to_string();
        Ok(TelegramNotifier {
            index,
            client: client_for(config.http_config.as_ref(), GO_USER_AGENT)?,
            config: config.clone(),
            api_url,
            templates,
            env: env.clone(),
        })
    }

    fn message_text(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<String, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        if self.config.parse_mode == "HTML" {
            let text = tmpl.html(&self.config.message);
            tmpl.check().map_err(|e| final_error(e.message))?;
            if text.chars().count() > MAX_MESSAGE_RUNES {
                return Ok(HTML_TOO_LONG.to_owned());
            }
            return Ok(text);
        }
        let (text, cut) = truncate_in_runes(&tmpl.text(&self.config.message), MAX_MESSAGE_RUNES);
        tmpl.check().map_err(|e| final_error(e.message))?;
        if cut {
            tracing::warn!(
                group_key = ctx.flush.group_key.as_str(),
                max_runes = MAX_MESSAGE_RUNES,
                "Truncated message"
            );
        }
        Ok(text)
    }

    fn bot_token(&self) -> Result<String, NotifyError> {
        let file = &self.config.bot_token_file;
        if file.is_empty() {
            return Ok(self.config.bot_token.expose().to_owned());
        }
        read_raw(file)
            .map(|content| content.trim().to_owned())
            .map_err(|e| retry_error(format!("could not read {file}: {e}")))
    }

    fn chat_id(&self) -> Result<i64, NotifyError> {
        let file = &self.config.chat_id_file;
        if file.is_empty() {
            return Ok(self.config.chat_id);
        }
        let content =
            read_raw(file).map_err(|e| retry_error(format!("could not read {file}: {e}")))?;
        let text = content.trim();
        text.parse::<i64>().map_err(|e| {
            retry_error(format!(
                "could not parse chat_id from {file}: strconv.ParseInt: parsing {}: {}",
                tocsin_model::goquote::go_quote(text),
                match e.kind() {
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                        "value out of range"
                    }
                    _ => "invalid syntax",
                }
            ))
        })
    }

    /// The `sendMessage` request for `alerts`.
    fn request(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<HttpRequest, NotifyError> {
        let text = self.message_text(ctx, alerts)?;
        let token = self.bot_token()?;
        let chat_id = self.chat_id()?;

        // telebot's parameters: a map of strings, encoded with sorted keys.
        let mut params = BTreeMap::new();
        params.insert("chat_id".to_owned(), chat_id.to_string());
        params.insert("text".to_owned(), text);
        params.insert("disable_web_page_preview".to_owned(), "true".to_owned());
        if self.config.disable_notifications {
            params.insert("disable_notification".to_owned(), "true".to_owned());
        }
        if !self.config.parse_mode.is_empty() {
            params.insert("parse_mode".to_owned(), self.config.parse_mode.clone());
        }
        if self.config.message_thread_id != 0 {
            params.insert(
                "message_thread_id".to_owned(),
                self.config.message_thread_id.to_string(),
            );
        }
        let body = gojson::encode(&params).map_err(|e| final_error(e.to_string()))?;
        Ok(HttpRequest::post(
            format!("{}/bot{token}/sendMessage", self.api_url),
            format!("{}/bot{SECRET_MASK}/sendMessage", self.api_url),
            "application/json",
            body,
        ))
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let request = self.request(ctx, alerts)?;
        let response = request
            .send(&self.client, None)
            .await
            .map_err(|e| retry_error(format!("telebot: {e}")))?;
        check_answer(&response.body).map_err(retry_error)
    }
}

/// telebot's reading of a Bot API answer: `"ok": false` is an error in
/// telebot's words; an answer that is not a message is an error too. The
/// HTTP status itself is not looked at.
fn check_answer(body: &[u8]) -> Result<(), String> {
    if let Some((ok, description, code)) = api_status(body)
        && !ok
    {
        return Err(api_error(&description, code));
    }
    // telebot then reads `result` as a message, and failing that as a bool.
    let value = unmarshal(body).map_err(|e| format!("telebot: {e}"))?;
    let kind = match &value {
        serde_json::Value::Object(object) => match object.get("result").or_else(|| {
            object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("result"))
                .map(|(_, v)| v)
        }) {
            // A message (or nothing, which upstream cannot handle either).
            None | Some(serde_json::Value::Null | serde_json::Value::Object(_)) => return Ok(()),
            Some(serde_json::Value::Bool(true)) => return Err("telebot: result is True".to_owned()),
            Some(serde_json::Value::Bool(false)) => {
                return Err("telebot: json: cannot unmarshal bool into Go struct field .Result of type telebot.Message".to_owned());
            }
            Some(other) => format!("{} into Go struct field .Result", json_kind(other)),
        },
        serde_json::Value::Null => return Ok(()),
        other => format!("{} into Go value", json_kind(other)),
    };
    Err(format!(
        "telebot: json: cannot unmarshal {kind} of type {}",
        if kind.contains(".Result") {
            "bool"
        } else {
            "struct { Result bool }"
        }
    ))
}

/// Go's kind names in unmarshal errors.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// telebot's `extractOk` decoding: `ok`, `description` and `error_code`,
/// or `None` when the answer does not decode into that shape (telebot then
/// ignores the status).
fn api_status(body: &[u8]) -> Option<(bool, String, i64)> {
    let value = decode_first(body).ok()?;
    let answer = GoStruct::new(&value, "struct").ok()?;
    let parameters_ok = matches!(
        answer.get("parameters"),
        None | Some(serde_json::Value::Object(_))
    );
    if !parameters_ok {
        return None;
    }
    Some((
        answer.bool("ok").ok()?,
        answer.string("description").ok()?,
        answer.int("error_code").ok()?,
    ))
}

/// telebot's error text for a Bot API failure: known descriptions read as
/// `telegram: <short text> (<code>)`, others as
/// `telegram: <description> (<code>)`.
fn api_error(description: &str, code: i64) -> String {
    if let Some((known_code, message)) = known_error(description) {
        return format!("telegram: {message} ({known_code})");
    }
    if code == 429 {
        return format!("telegram: {} ({code})", short_description(description));
    }
    format!("telegram: {description} ({code})")
}

/// The text after `Bad Request: ` and the like, when there is exactly one
/// such separator.
fn short_description(description: &str) -> &str {
    let mut parts = description.split(": ");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(second), None) => second,
        _ => description,
    }
}

/// telebot v3.3's table of known Bot API errors: (description, code,
/// message when telebot gives its own).
const KNOWN_ERRORS: &[(&str, i64, Option<&str>)] = &[
    ("Request Entity Too Large", 400, None),
    ("Unauthorized", 401, None),
    ("Not Found", 404, None),
    ("Internal Server Error", 500, None),
    ("Bad Request: BUTTON_DATA_INVALID", 400, None),
    ("Bad Request: USER_ID_INVALID", 400, None),
    (
        "Bad Request: expected an Array of String as options",
        400,
        None,
    ),
    ("Bad Request: failed to get HTTP URL content", 400, None),
    ("Bad Request: message can't be edited", 400, None),
    ("Bad Request: can't remove chat owner", 400, None),
    ("Bad Request: can't upload file by URL", 400, None),
    (
        "Bad Request: can't use the media of the specified type in the album",
        400,
        None,
    ),
    ("Bad Request: chat description is not modified", 400, None),
    ("Bad Request: chat not found", 400, None),
    ("Bad Request: chat_id is empty", 400, None),
    ("Bad Request: message must be non-empty", 400, None),
    ("Bad Request: text is empty", 400, None),
    (
        "Bad Request: IMAGE_PROCESS_FAILED",
        400,
        Some("Image process failed"),
    ),
    (
        "Bad Request: group chat was upgraded to a supergroup chat",
        400,
        None,
    ),
    ("Bad Request: message is not modified", 400, None),
    ("Bad Request: message can't be deleted", 400, None),
    (
        "Bad Request: not enough rights to restrict/unrestrict chat member",
        400,
        None,
    ),
    ("Bad Request: have no rights to send a message", 400, None),
    (
        "Bad Request: CHAT_SEND_GIFS_FORBIDDEN",
        400,
        Some("sending GIFS is not allowed in this chat"),
    ),
    (
        "Bad Request: not enough rights to send photos to the chat",
        400,
        None,
    ),
    (
        "Bad Request: not enough rights to send stickers to the chat",
        400,
        None,
    ),
    ("Bad Request: message to delete not found", 400, None),
    ("Bad Request: message to forward not found", 400, None),
    ("Bad Request: reply message not found", 400, None),
    (
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
        400,
        None,
    ),
    (
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        400,
        None,
    ),
    ("Bad Request: invalid sticker emojis", 400, None),
    (
        "Bad Request: STICKERSET_INVALID",
        400,
        Some("Stickerset is invalid"),
    ),
    (
        "Bad Request: invalid sticker set name is specified",
        400,
        None,
    ),
    (
        "Bad Request: sticker set name is already occupied",
        400,
        None,
    ),
    ("Bad Request: reply markup is too long", 400, None),
    ("Bad Request: message is too long", 400, None),
    (
        "Bad Request: user is an administrator of the chat",
        400,
        None,
    ),
    (
        "Bad Request: wrong file identifier/HTTP URL specified",
        400,
        None,
    ),
    (
        "Bad Request: wrong remote file id specified: Wrong character in the string",
        400,
        None,
    ),
    (
        "Bad Request: wrong remote file id specified: Wrong string length",
        400,
        None,
    ),
    (
        "Bad Request: wrong remote file id specified: Wrong padding in the string",
        400,
        None,
    ),
    (
        "Bad Request: wrong remote file id specified: can't unserialize it. Wrong last symbol",
        400,
        None,
    ),
    ("Bad Request: wrong type of the web page content", 400, None),
    ("Bad Request: wrong HTTP URL specified", 400, None),
    (
        "Bad Request: administrators of the chat restricted message forwarding",
        400,
        None,
    ),
    (
        "Bad Request: USER_ALREADY_PARTICIPANT",
        400,
        Some("User is already a participant"),
    ),
    ("Bad Request: HIDE_REQUESTER_MISSING", 400, None),
    ("Bad Request: CHANNELS_TOO_MUCH", 400, None),
    ("Bad Request: USER_CHANNELS_TOO_MUCH", 400, None),
    ("Forbidden: bot was blocked by the user", 403, None),
    ("Forbidden: bot was kicked from the group chat", 403, None),
    (
        "Forbidden: bot was kicked from the supergroup chat",
        403,
        None,
    ),
    ("Forbidden: bot was kicked from the channel chat", 403, None),
    (
        "Forbidden: bot can't initiate conversation with a user",
        403,
        None,
    ),
    ("Forbidden: user is deactivated", 403, None),
    (
        "Forbidden: bot is not a member of the channel chat",
        403,
        None,
    ),
];

fn known_error(description: &str) -> Option<(i64, &'static str)> {
    KNOWN_ERRORS
        .iter()
        .find(|(known, _, _)| *known == description)
        .map(|(known, code, message)| (*code, message.unwrap_or_else(|| short_description(known))))
}

impl_notifier!(TelegramNotifier, "telegram");

impl Preview for TelegramNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![self.request(ctx, alerts)?.rendered(GO_USER_AGENT)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected texts produced by telebot v3.3.8 (Go 1.19) answering
    // `Bot.Send` with each body.
    #[test]
    fn bot_api_errors_read_like_telebot() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
                "telegram: chat not found (400)",
            ),
            (
                r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
                "telegram: Unauthorized (401)",
            ),
            (
                r#"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"}"#,
                "telegram: Bad Request: can't parse entities: Unsupported start tag (400)",
            ),
            (
                r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}"#,
                "telegram: retry after 5 (429)",
            ),
            (
                r#"{"ok":false,"error_code":400,"description":"Bad Request: IMAGE_PROCESS_FAILED"}"#,
                "telegram: Image process failed (400)",
            ),
            (
                "<html>bad gateway</html>",
                "telebot: invalid character '<' looking for beginning of value",
            ),
            (r#"{"ok":true,"result":true}"#, "telebot: result is True"),
            (
                r#"{"ok":true,"result":5}"#,
                "telebot: json: cannot unmarshal number into Go struct field .Result of type bool",
            ),
            ("null", "telegram:  (0)"),
            (
                r#"{"ok":true,"result":false}"#,
                "telebot: json: cannot unmarshal bool into Go struct field .Result of type telebot.Message",
            ),
            (
                "[1]",
                "telebot: json: cannot unmarshal array into Go value of type struct { Result bool }",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(check_answer(body.as_bytes()).unwrap_err(), *want, "{body}");
        }
        assert!(check_answer(br#"{"ok":true,"result":{"message_id":1,"chat":{"id":2}}}"#).is_ok());
        assert!(check_answer(br#"{"ok":"x","result":{"message_id":1}}"#).is_ok());
    }
}
