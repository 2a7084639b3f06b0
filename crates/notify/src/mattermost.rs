//! Mattermost (`mattermost_configs`): POSTs an incoming-webhook message to
//! the webhook URL. Without configured `attachments` the rendered text and
//! the other top-level fields form a single attachment; with them, each
//! configured attachment is rendered and the text goes to the message
//! itself (cut to 16383 characters). `priority` is normalised as upstream
//! does (unknown values become `standard`, acknowledgements only for
//! non-standard, persistent notifications only for `urgent`). Answers are
//! classified by the plain [`Retrier`], the channel named in the error.

use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{NotifyContext, NotifyError};
use tocsin_config::notifiers::{MattermostConfig, MattermostField};
use tocsin_model::goquote::go_quote;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::http::HttpClient;
use crate::outgoing::{
    HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed, transport_error,
};
use crate::preview::{Preview, Rendered};
use crate::retry::Retrier;
use crate::template::Templates;
use crate::truncate::truncate_in_runes;

const MAX_TEXT_RUNES: usize = 16383;

/// Sends notifications to one Mattermost webhook.
pub struct MattermostNotifier {
    index: usize,
    config: MattermostConfig,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
}

/// Upstream's `request`; every field is left out when empty.
#[derive(Default)]
struct Message {
    text: String,
    channel: String,
    username: String,
    icon_url: String,
    icon_emoji: String,
    attachments: Vec<Attachment>,
    kind: String,
    card: Option<String>,
    priority: Option<Priority>,
}

struct Priority {
    priority: String,
    requested_ack: bool,
    persistent_notifications: bool,
}

/// Upstream's `attachment`; every field is left out when empty.
#[derive(Default)]
struct Attachment {
    fallback: String,
    color: String,
    pretext: String,
    text: String,
    author_name: String,
    author_link: String,
    author_icon: String,
    title: String,
    title_link: String,
    fields: Vec<Field>,
    thumb_url: String,
    footer: String,
    footer_icon: String,
    image_url: String,
}

struct Field {
    title: String,
    value: String,
    short: Option<bool>,
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
        optional(&mut o, "title", &self.title)?;
        optional(&mut o, "value", &self.value)?;
        if let Some(short) = self.short {
            o.field("short", &short)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for Attachment {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        for (name, value) in [
            ("fallback", &self.fallback),
            ("color", &self.color),
            ("pretext", &self.pretext),
            ("text", &self.text),
            ("author_name", &self.author_name),
            ("author_link", &self.author_link),
            ("author_icon", &self.author_icon),
            ("title", &self.title),
            ("title_link", &self.title_link),
        ] {
            optional(&mut o, name, value)?;
        }
        if !self.fields.is_empty() {
            o.field("fields", &self.fields)?;
        }
        for (name, value) in [
            ("thumb_url", &self.thumb_url),
            ("footer", &self.footer),
            ("footer_icon", &self.footer_icon),
            ("image_url", &self.image_url),
        ] {
            optional(&mut o, name, value)?;
        }
        o.end();
        Ok(())
    }
}

impl GoJson for Message {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let mut o = ObjectWriter::begin(out);
        for (name, value) in [
            ("text", &self.text),
            ("channel", &self.channel),
            ("username", &self.username),
            ("icon_url", &self.icon_url),
            ("icon_emoji", &self.icon_emoji),
        ] {
            optional(&mut o, name, value)?;
        }
        if !self.attachments.is_empty() {
            o.field("attachments", &self.attachments)?;
        }
        optional(&mut o, "type", &self.kind)?;
        if let Some(card) = &self.card {
            let mut props = ObjectWriter::begin(o.key("props"));
            optional(&mut props, "card", card)?;
            props.end();
        }
        if let Some(priority) = &self.priority {
            let mut p = ObjectWriter::begin(o.key("priority"));
            optional(&mut p, "priority", &priority.priority)?;
            if priority.requested_ack {
                p.field("requested_ack", &true)?;
            }
            if priority.persistent_notifications {
                p.field("persistent_notifications", &true)?;
            }
            p.end();
        }
        o.end();
        Ok(())
    }
}

fn render_fields(tmpl: &mut FieldRenderer<'_>, fields: &[MattermostField]) -> Vec<Field> {
    fields
        .iter()
        .map(|f| Field {
            title: tmpl.text(&f.title),
            value: tmpl.text(&f.value),
            short: f.short,
        })
        .collect()
}

impl MattermostNotifier {
    /// The notifier for `mattermost_configs[index]`; builds its HTTP client.
    pub fn new(
        config: &MattermostConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        Ok(MattermostNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    /// Upstream's `createRequest`.
    fn message(&self, tmpl: &mut FieldRenderer<'_>) -> Message {
        let c = &self.config;
        let text = tmpl.text(&c.text);
        let mut message = Message {
            channel: tmpl.text(&c.channel),
            username: tmpl.text(&c.username),
            icon_url: tmpl.text(&c.icon_url),
            icon_emoji: tmpl.text(&c.icon_emoji),
            kind: tmpl.text(&c.kind),
            ..Message::default()
        };
        if let Some(p) = c.priority.as_ref().filter(|p| !p.priority.is_empty()) {
            message.priority = Some(Priority {
                priority: tmpl.text(&p.priority),
                requested_ack: p.requested_ack,
                persistent_notifications: p.persistent_notifications,
            });
        }
        if let Some(props) = c.props.as_ref().filter(|p| !p.card.is_empty()) {
            message.card = Some(tmpl.text(&props.card));
        }
        if c.attachments.is_empty() {
            let mut attachment = Attachment {
                text,
                fallback: tmpl.text(&c.fallback),
                color: tmpl.text(&c.color),
                pretext: tmpl.text(&c.pretext),
                author_name: tmpl.text(&c.author_name),
                author_link: tmpl.text(&c.author_link),
                author_icon: tmpl.text(&c.author_icon),
                title: tmpl.text(&c.title),
                title_link: tmpl.text(&c.title_link),
                thumb_url: tmpl.text(&c.thumb_url),
                footer: tmpl.text(&c.footer),
                footer_icon: tmpl.text(&c.footer_icon),
                image_url: tmpl.text(&c.image_url),
                ..Attachment::default()
            };
            attachment.fields = render_fields(tmpl, &c.fields);
            message.attachments.push(attachment);
        } else {
            for a in &c.attachments {
                let mut attachment = Attachment {
                    fallback: tmpl.text(&a.fallback),
                    color: tmpl.text(&a.color),
                    pretext: tmpl.text(&a.pretext),
                    text: tmpl.text(&a.text),
                    author_name: tmpl.text(&a.author_name),
                    author_link: tmpl.text(&a.author_link),
                    author_icon: tmpl.text(&a.author_icon),
                    title: tmpl.text(&a.title),
                    title_link: tmpl.text(&a.title_link),
                    thumb_url: tmpl.text(&a.thumb_url),
                    footer: tmpl.text(&a.footer),
                    footer_icon: tmpl.text(&a.footer_icon),
                    image_url: tmpl.text(&a.image_url),
                    ..Attachment::default()
                };
                attachment.fields = render_fields(tmpl, &a.fields);
                message.attachments.push(attachment);
            }
            message.text = text;
        }
        message
    }

    fn request(
        &self,
        ctx: &NotifyContext,
        alerts: &[Alert],
    ) -> Result<(HttpRequest, String), NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let url = match &self.config.webhook_url {
            Some(url) => url.expose(),
            None => read_trimmed(&self.config.webhook_url_file).map_err(final_error)?,
        };
        if url.is_empty() {
            return Err(final_error("webhook url missing"));
        }
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let mut message = self.message(&mut tmpl);
        tmpl.check().map_err(|e| final_error(e.message))?;
        sanitize(&mut message, &ctx.flush.group_key);
        let body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        let request = HttpRequest::post(url, SECRET_MASK.to_owned(), "application/json", body);
        Ok((request, message.channel))
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let (request, channel) = self.request(ctx, alerts)?;
        let response = request
            .send(&self.client, None)
            .await
            .map_err(|e| transport_error(&e))?;
        Retrier::default()
            .check(response.status, &response.body)
            .map_err(|mut e| {
                e.message = format!("channel {}: {}", go_quote(&channel), e.message);
                e
            })
    }
}

/// Upstream's `sanitizeRequest`: the text limit and the priority rules.
fn sanitize(message: &mut Message, group_key: &str) {
    let (text, cut) = truncate_in_runes(&message.text, MAX_TEXT_RUNES);
    if cut {
        tracing::warn!(
            key = group_key,
            max_runes = MAX_TEXT_RUNES,
            "Truncated text"
        );
        message.text = text;
    }
    let Some(priority) = &mut message.priority else {
        return;
    };
    let lower = priority.priority.to_lowercase();
    if matches!(lower.as_str(), "urgent" | "important" | "standard") {
        priority.priority = lower;
    } else {
        tracing::warn!(
            key = group_key,
            priority = priority.priority.as_str(),
            "Priority is set to standard due to invalid value"
        );
        priority.priority = "standard".to_owned();
    }
    if priority.requested_ack && priority.priority == "standard" {
        tracing::warn!(
            key = group_key,
            "RequestedAck is set to false due to priority is standard"
        );
        priority.requested_ack = false;
    }
    if priority.persistent_notifications && priority.priority != "urgent" {
        tracing::warn!(
            key = group_key,
            "PersistentNotifications is set to false due to priority is not urgent"
        );
        priority.persistent_notifications = false;
    }
}

impl_notifier!(MattermostNotifier, "mattermost");

impl Preview for MattermostNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        Ok(vec![
            self.request(ctx, alerts)?.0.rendered(&self.env.user_agent),
        ])
    }
}
