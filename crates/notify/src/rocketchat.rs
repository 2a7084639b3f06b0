//! Rocket.Chat (`rocketchat_configs`): POSTs `chat.postMessage` under the
//! configured API URL with the `X-Auth-Token` / `X-User-Id` headers (read
//! once, when the notifier is built, as upstream does) and one attachment
//! carrying title (cut to 1024 characters), link, text, colour, images,
//! fields and button actions. Upstream renders `link_names` nowhere, so
//! neither does tocsin. A 2xx answer must still say `"success": true`;
//! otherwise the provider's `error` is reported (not retried).

use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::notifiers::RocketchatConfig;
use tocsin_model::goquote::go_quote;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::gojson_read::{GoStruct, unmarshal};
use crate::http::HttpClient;
use crate::outgoing::{HttpRequest, client_for, final_error, read_trimmed, transport_error};
use crate::preview::{Preview, Rendered};
use crate::retry::Retrier;
use crate::template::Templates;
use crate::truncate::truncate_in_runes;
use crate::urlenc::join_path;

const MAX_TITLE_RUNES: usize = 1024;

/// Sends notifications to one Rocket.Chat channel.
pub struct RocketchatNotifier {
    index: usize,
    config: RocketchatConfig,
    url: String,
    /// `X-Auth-Token` and `X-User-Id`.
    auth_headers: Vec<(String, String)>,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

/// Upstream's `PostMessage` with its single attachment.
struct PostMessage {
    channel: String,
    emoji: String,
    avatar: String,
    attachment: Attachment,
}

struct Attachment {
    title: String,
    title_link: String,
    text: String,
    image_url: String,
    thumb_url: String,
    color: String,
    fields: Vec<Field>,
    actions: Vec<Action>,
}

struct Field {
    short: bool,
    title: String,
    value: String,
}

struct Action {
    text: String,
    url: String,
    msg: String,
}

fn optional(o: &mut ObjectWriter<'_>, name: &str, value: &str) -> Result<(), JsonError> {
    if value.is_empty() {
        Ok(())
    } else {
        o.field(name, value)
    }
}

impl GoJson for Field {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("short", &self.short)?;
        optional(&mut o, "title", &self.title)?;
        optional(&mut o, "value", &self.value)?;
        o.end();
        Ok(())
    }
}

impl GoJson for Action {
    /// Upstream's `RocketchatAttachmentAction` with only the button fields
    /// set; `is_webview` and `msg_in_chat_window` have no `omitempty`.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        o.field("type", "button")?;
        optional(&mut o, "text", &self.text)?;
        optional(&mut o, "url", &self.url)?;
        o.field("is_webview", &false)?;
        optional(&mut o, "msg", &self.msg)?;
        o.field("msg_in_chat_window", &false)?;
        o.end();
        Ok(())
    }
}

impl GoJson for Attachment {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        for (name, value) in [
            ("title", &self.title),
            ("title_link", &self.title_link),
            ("text", &self.text),
            ("image_url", &self.image_url),
            ("thumb_url", &self.thumb_url),
            ("color", &self.color),
        ] {
            optional(&mut o, name, value)?;
        }
        if !self.fields.is_empty() {
            o.field("fields", &self.fields)?;
        }
        if !self.actions.is_empty() {
            o.field("actions", &self.actions)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for PostMessage {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        optional(&mut o, "channel", &self.channel)?;
        optional(&mut o, "emoji", &self.emoji)?;
        optional(&mut o, "avatar", &self.avatar)?;
        let attachments = o.key("attachments");
        attachments.push(b'[');
        self.attachment.write_json(attachments)?;
        attachments.push(b']');
        o.end();
        Ok(())
    }
}

/// A token given inline or in a file (read now, trimmed).
fn token(
    inline: Option<&tocsin_config::Secret>,
    file: &str,
    name: &str,
) -> Result<String, BuildError> {
    if !file.is_empty() {
        return read_trimmed(file)
            .map_err(|e| BuildError::Invalid(format!("could not read {file}: {e}")));
    }
    inline
        .map(|secret| secret.expose().to_owned())
        .ok_or_else(|| BuildError::Invalid(format!("rocketchat_configs: {name} is not set")))
}

impl RocketchatNotifier {
    /// The notifier for `rocketchat_configs[index]`: reads both tokens and
    /// builds the HTTP client.
    pub fn new(
        config: &RocketchatConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let client = client_for(config.http_config.as_ref(), &env.user_agent)?;
        let auth_token = token(config.token.as_ref(), &config.token_file, "token")?;
        let user_id = token(config.token_id.as_ref(), &config.token_id_file, "token_id")?;
        let api_url = config
            .api_url
            .as_ref()
            .ok_or_else(|| BuildError::Invalid("rocketchat_configs: api_url is not set".into()))?;
        Ok(RocketchatNotifier {
            index,
            url: join_path(&api_url.0, &["api/v1/chat.postMessage"]).to_string(),
            auth_headers: vec![
                ("X-Auth-Token".to_owned(), auth_token),
                ("X-User-Id".to_owned(), user_id),
            ],
            client,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    fn message(&self, tmpl: &mut FieldRenderer<'_>) -> Result<PostMessage, NotifyError> {
        let c = &self.config;
        let title = tmpl.text(&c.title);
        tmpl.check().map_err(|e| final_error(e.message))?;
        let (title, cut) = truncate_in_runes(&title, MAX_TITLE_RUNES);
        if cut {
            tracing::warn!(max_runes = MAX_TITLE_RUNES, "Truncated title");
        }
        let mut attachment = Attachment {
            title,
            title_link: tmpl.text(&c.title_link),
            text: tmpl.text(&c.text),
            image_url: tmpl.text(&c.image_url),
            thumb_url: tmpl.text(&c.thumb_url),
            color: tmpl.text(&c.color),
            fields: Vec::new(),
            actions: Vec::new(),
        };
        for field in &c.fields {
            attachment.fields.push(Field {
                title: tmpl.text(&field.title),
                value: tmpl.text(&field.value),
                short: field.short.unwrap_or(c.short_fields),
            });
        }
        for action in &c.actions {
            attachment.actions.push(Action {
                text: tmpl.text(&action.text),
                url: tmpl.text(&action.url),
                msg: tmpl.text(&action.msg),
            });
        }
        let message = PostMessage {
            channel: tmpl.text(&c.channel),
            emoji: tmpl.text(&c.emoji),
            avatar: tmpl.text(&c.icon_url),
            attachment,
        };
        tmpl.check().map_err(|e| final_error(e.message))?;
        Ok(message)
    }

    fn request(
        &self,
        ctx: &NotifyContext,
        alerts: &[Alert],
    ) -> Result<(HttpRequest, String), NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let message = self.message(&mut tmpl)?;
        let body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        let mut request =
            HttpRequest::post(self.url.clone(), self.url.clone(), "application/json", body);
        request.headers = self.auth_headers.clone();
        Ok((request, message.channel))
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let (request, channel) = self.request(ctx, alerts)?;
        let in_channel = |mut e: NotifyError| {
            e.message = format!("channel {}: {}", go_quote(&channel), e.message);
            e
        };
        let response = request
            .send(&self.client, None)
            .await
            .map_err(|e| transport_error(&e))?;
        Retrier::default()
            .check(response.status, &response.body)
            .map_err(in_channel)?;
        check_success(&response.body).map_err(in_channel)
    }
}

/// Rocket.Chat reports some failures with a 2xx status and
/// `{"success": false, "error": …}`.
fn check_success(body: &[u8]) -> Result<(), NotifyError> {
    let fail = |retry: bool, message: String| NotifyError {
        retry,
        reason: FailureReason::ClientError,
        message,
    };
    let parsed = unmarshal(body)
        .and_then(|value| {
            let answer = GoStruct::new(&value, "rocketchat.response")?;
            Ok((answer.bool("success")?, answer.string("error")?))
        })
        .map_err(|e| {
            fail(
                true,
                format!(
                    "could not unmarshal JSON response {}: {e}",
                    go_quote(&String::from_utf8_lossy(body))
                ),
            )
        })?;
    match parsed {
        (true, _) => Ok(()),
        (false, error) => Err(fail(
            false,
            format!("error response from Rocketchat: {error}"),
        )),
    }
}

impl_notifier!(RocketchatNotifier, "rocketchat");

impl Preview for RocketchatNotifier {
    /// The request with its token headers masked.
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        let (mut request, _) = self.request(ctx, alerts)?;
        for (_, value) in &mut request.headers {
            *value = crate::outgoing::SECRET_MASK.to_owned();
        }
        Ok(vec![request.rendered(&self.env.user_agent)])
    }
}
