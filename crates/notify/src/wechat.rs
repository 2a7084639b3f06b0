//! WeChat Work (`wechat_configs`): an access token is fetched with
//! `GET <api_url>gettoken?corpid=…&corpsecret=…` and cached for two hours
//! (or until WeChat reports it expired, errcode 42001, which clears it and
//! asks for a retry); then `POST <api_url>message/send?access_token=…`
//! carries the text or markdown message with its recipients. A non-200
//! status is retried; WeChat's `errcode`/`errmsg` answer decides the rest,
//! as upstream decides it (only 42001 refreshes the token).

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::common::GoUrl;
use tocsin_config::notifiers::WechatConfig;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::gojson::{self, GoJson, JsonError, ObjectWriter};
use crate::gojson_read::{GoStruct, decode_first, unmarshal};
use crate::http::{HttpClient, Method};
use crate::outgoing::{
    HttpRequest, SECRET_MASK, client_for, final_error, read_trimmed, retry_error, transport_error,
};
use crate::preview::{Preview, Rendered};
use crate::provider_url::ProviderUrl;
use crate::retry::failure_reason_from_status;
use crate::template::Templates;
use crate::urlenc::QueryValues;

/// How long a fetched access token is used before fetching a new one.
const TOKEN_LIFETIME: SignedDuration = SignedDuration::from_hours(2);

/// WeChat's "access token expired" error code.
const ERRCODE_TOKEN_EXPIRED: i64 = 42001;

/// Sends notifications through one WeChat Work application.
pub struct WechatNotifier {
    index: usize,
    config: WechatConfig,
    api_url: GoUrl,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
    token: Mutex<Option<CachedToken>>,
}

#[derive(Clone)]
struct CachedToken {
    value: String,
    fetched_at: Timestamp,
}

/// Upstream's `weChatMessage`. `text` and `markdown` are structs, which Go
/// writes even when empty (`omitempty` does not apply to structs).
struct WechatMessage {
    text: String,
    to_user: String,
    to_party: String,
    to_tag: String,
    agent_id: String,
    message_type: String,
    markdown: String,
}

impl GoJson for WechatMessage {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        fn content(o: &mut ObjectWriter<'_>, name: &str, text: &str) -> Result<(), JsonError> {
            let mut inner = ObjectWriter::begin(o.key(name));
            inner.field("content", text)?;
            inner.end();
            Ok(())
        }
        let mut o = ObjectWriter::begin(out);
        content(&mut o, "text", &self.text)?;
        for (name, value) in [
            ("touser", &self.to_user),
            ("toparty", &self.to_party),
            ("totag", &self.to_tag),
            ("agentid", &self.agent_id),
        ] {
            if !value.is_empty() {
                o.field(name, value)?;
            }
        }
        o.field("safe", "0")?;
        if !self.message_type.is_empty() {
            o.field("msgtype", &self.message_type)?;
        }
        content(&mut o, "markdown", &self.markdown)?;
        o.end();
        Ok(())
    }
}

impl WechatNotifier {
    /// The notifier for `wechat_configs[index]`; `api_url` must be resolved
    /// (the global default applies when unset).
    pub fn new(
        config: &WechatConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let api_url = config
            .api_url
            .as_ref()
            .ok_or_else(|| BuildError::Invalid("wechat_configs: api_url is not set".into()))?
            .0
            .clone();
        Ok(WechatNotifier {
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            api_url,
            templates,
            env: env.clone(),
            token: Mutex::new(None),
        })
    }

    fn cached_token(&self) -> Option<String> {
        let now = self.env.clock.now();
        let guard = self.token.lock().ok()?;
        guard
            .as_ref()
            .filter(|t| now.duration_since(t.fetched_at) <= TOKEN_LIFETIME)
            .map(|t| t.value.clone())
    }

    fn store_token(&self, value: Option<String>) {
        if let Ok(mut guard) = self.token.lock() {
            *guard = value.map(|value| CachedToken {
                value,
                fetched_at: self.env.clock.now(),
            });
        }
    }

    /// `GET <api_url>gettoken?corpid=…&corpsecret=…`, rendered with `tmpl`.
    fn token_request(&self, tmpl: &mut FieldRenderer<'_>) -> Result<HttpRequest, NotifyError> {
        let secret = if self.config.api_secret_file.is_empty() {
            self.config.api_secret.expose().to_owned()
        } else {
            read_trimmed(&self.config.api_secret_file).map_err(final_error)?
        };
        let mut parameters = QueryValues::new();
        parameters.add("corpsecret", tmpl.text(&secret));
        parameters.add("corpid", tmpl.text(&self.config.corp_id));
        let mut masked = parameters.clone();
        masked.set("corpsecret", SECRET_MASK);
        Ok(HttpRequest {
            method: Method::Get,
            url: self.endpoint("gettoken", &parameters),
            url_masked: self.endpoint("gettoken", &masked),
            content_type: None,
            headers: Vec::new(),
            body: None,
        })
    }

    /// Go's `u := api.Copy(); u.Path += path; u.RawQuery = query.Encode()`.
    fn endpoint(&self, path: &str, query: &QueryValues) -> String {
        let mut base = self.api_url.clone();
        base.query = None;
        let fragment = base.fragment.take();
        let mut url = ProviderUrl::new(&base);
        url.push_path(path);
        let mut text = format!("{url}?{}", query.encode());
        if let Some(fragment) = fragment {
            text.push('#');
            text.push_str(&fragment);
        }
        text
    }

    /// The message and the `message/send` request for `access_token`.
    fn send_request(
        &self,
        tmpl: &mut FieldRenderer<'_>,
        access_token: &str,
    ) -> Result<HttpRequest, NotifyError> {
        let c = &self.config;
        let mut message = WechatMessage {
            to_user: tmpl.text(&c.to_user),
            to_party: tmpl.text(&c.to_party),
            to_tag: tmpl.text(&c.to_tag),
            agent_id: tmpl.text(&c.agent_id),
            message_type: c.message_type.clone(),
            text: String::new(),
            markdown: String::new(),
        };
        let content = tmpl.text(&c.message);
        if message.message_type == "markdown" {
            message.markdown = content;
        } else {
            message.text = content;
        }
        tmpl.check()
            .map_err(|e| final_error(format!("templating error: {}", e.message)))?;
        let body = gojson::encode(&message).map_err(|e| final_error(e.to_string()))?;
        let mut url = ProviderUrl::new(&self.api_url);
        url.push_path("message/send");
        let mut masked = url.clone();
        url.set_query("access_token", access_token);
        masked.set_query("access_token", SECRET_MASK);
        Ok(HttpRequest::post(
            url.to_string(),
            masked.to_string(),
            "application/json",
            body,
        ))
    }

    /// Fetches a new access token.
    async fn fetch_token(&self, request: HttpRequest) -> Result<String, NotifyError> {
        let response = request
            .send(&self.client, None)
            .await
            .map_err(|e| transport_error(&e))?;
        let token = decode_first(&response.body)
            .and_then(|value| GoStruct::new(&value, "wechat.token")?.string("access_token"))
            .map_err(final_error)?;
        if token.is_empty() {
            return Err(final_error(format!(
                "invalid APISecret for CorpID: {}",
                self.config.corp_id
            )));
        }
        Ok(token)
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let access_token = match self.cached_token() {
            Some(token) => token,
            None => {
                let request = self.token_request(&mut tmpl)?;
                let token = self.fetch_token(request).await?;
                self.store_token(Some(token.clone()));
                token
            }
        };
        let request = self.send_request(&mut tmpl, &access_token)?;
        let response = request
            .send(&self.client, None)
            .await
            .map_err(|e| transport_error(&e))?;
        if response.status != 200 {
            return Err(NotifyError {
                retry: true,
                reason: failure_reason_from_status(response.status),
                message: format!("unexpected status code {}", response.status),
            });
        }
        tracing::debug!("{}", String::from_utf8_lossy(&response.body));
        let (code, message) = unmarshal(&response.body)
            .and_then(|value| {
                let answer = GoStruct::new(&value, "wechat.weChatResponse")?;
                Ok((answer.int("errcode")?, answer.string("errmsg")?))
            })
            .map_err(retry_error)?;
        match code {
            0 => Ok(()),
            ERRCODE_TOKEN_EXPIRED => {
                self.store_token(None);
                Err(retry_error(message))
            }
            _ => Err(NotifyError {
                retry: false,
                reason: FailureReason::Other,
                message,
            }),
        }
    }
}

impl_notifier!(WechatNotifier, "wechat");

impl Preview for WechatNotifier {
    /// The token request (when no token is cached) and the message request,
    /// with the secret and the access token masked.
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let mut rendered = Vec::with_capacity(2);
        if self.cached_token().is_none() {
            rendered.push(
                self.token_request(&mut tmpl)?
                    .rendered(&self.env.user_agent),
            );
        }
        let mut send = self.send_request(&mut tmpl, SECRET_MASK)?;
        send.url = send.url_masked.clone();
        rendered.push(send.rendered(&self.env.user_agent));
        Ok(rendered)
    }
}
