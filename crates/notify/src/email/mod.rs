//! Email (`email_configs`): one message per notification over SMTP, as
//! upstream's `notify/email` sends it. The session: connect to `smarthost`
//! (TLS from the first byte when `force_implicit_tls` is set, or by default
//! on port 465), optional `EHLO <hello>`, `STARTTLS` when `require_tls`
//! (failing if the server does not offer it), authentication with the first
//! advertised mechanism that has credentials, then `MAIL`, one `RCPT` per
//! address of `to`, `DATA` and `QUIT`.
//!
//! The message: the configured headers (`Subject`, `To`, `From` by default,
//! each rendered and RFC 2047-encoded when needed), `Message-Id:
//! <nanos.random@hostname>` unless configured, the threading headers,
//! `Date` (RFC 1123 with numeric zone), then a `multipart/alternative` body
//! with a quoted-printable `text/plain` part (when `text` is set) and a
//! quoted-printable `text/html` part (when `html` is set; the default).
//! Upstream writes the configured headers in Go's random map order; tocsin
//! writes them sorted by name.
//!
//! Modules: [`address`] (Go's address-list parser), [`mime`] (header
//! encoding, quoted-printable, multipart), [`auth`] (mechanism choice and
//! exchanges), [`smtp`] (the protocol client).

mod address;
mod auth;
mod mime;
mod smtp;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use jiff::tz::TimeZone;
use ring::rand::{SecureRandom, SystemRandom};
use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::notifiers::EmailConfig;
use tocsin_model::goquote::go_quote;

use crate::BuildError;
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::group_key;
use crate::http::{TlsSettings, client_config, tls_settings};
use crate::outgoing::{final_error, retry_error};
use crate::preview::{Preview, Rendered};
use crate::template::Templates;

use address::parse_address_list;
use auth::Credentials;
use mime::{Multipart, q_encode_header};
use smtp::Client;

/// The `Subject` template when none is configured (upstream
/// `DefaultEmailSubject`).
const DEFAULT_SUBJECT: &str = r#"{{ template "email.default.subject" . }}"#;

/// What `os.Hostname` falls back to upstream.
const FALLBACK_HOSTNAME: &str = "localhost.localdomain";

/// Sends notifications by email.
pub struct EmailNotifier {
    index: usize,
    config: EmailConfig,
    /// The configured headers plus `Subject`, `To` and `From` when absent.
    headers: BTreeMap<String, String>,
    credentials: Credentials,
    tls: TlsSettings,
    hostname: String,
    templates: Arc<Templates>,
    env: IntegrationEnv,
}

/// A message ready for the envelope.
struct Composed {
    from: String,
    to: Vec<String>,
    message: Vec<u8>,
}

/// This machine's name as Go's `os.Hostname` reads it on Linux.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim_end_matches('\n').to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| FALLBACK_HOSTNAME.to_owned())
}

/// `N` random bytes from the system's generator.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The system generator only fails when the OS has no entropy source;
    // a predictable boundary or Message-Id is harmless then.
    let _ = SystemRandom::new().fill(&mut buf);
    buf
}

impl EmailNotifier {
    /// The notifier for `email_configs[index]`.
    pub fn new(
        config: &EmailConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        if config.smarthost.is_empty() {
            return Err(BuildError::Invalid(
                "no global SMTP smarthost set".to_owned(),
            ));
        }
        let mut headers = config.headers.clone();
        headers
            .entry("Subject".to_owned())
            .or_insert_with(|| DEFAULT_SUBJECT.to_owned());
        headers
            .entry("To".to_owned())
            .or_insert_with(|| config.to.clone());
        headers
            .entry("From".to_owned())
            .or_insert_with(|| config.from.clone());
        let tls = match &config.tls_config {
            Some(tls) => tls_settings(tls)?,
            None => TlsSettings::default(),
        };
        Ok(EmailNotifier {
            index,
            headers,
            credentials: Credentials {
                username: config.auth_username.clone(),
                identity: config.auth_identity.clone(),
                password: config.auth_password.expose().to_owned(),
                password_file: config.auth_password_file.clone(),
                secret: config.auth_secret.expose().to_owned(),
                secret_file: config.auth_secret_file.clone(),
            },
            tls,
            hostname: hostname(),
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    /// Implicit TLS: as configured, otherwise exactly on port 465.
    fn implicit_tls(&self) -> bool {
        self.config
            .force_implicit_tls
            .unwrap_or(self.config.smarthost.port == "465")
    }

    /// The name the server certificate must carry.
    fn tls_server_name(&self) -> &str {
        self.tls
            .server_name
            .as_deref()
            .unwrap_or(&self.config.smarthost.host)
    }

    /// The TLS client configuration, built (and its files read) per send
    /// as upstream does.
    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>, NotifyError> {
        let mut config = client_config(&self.tls, false)
            .map_err(|e| final_error(format!("parse TLS configuration: {e}")))?;
        config.alpn_protocols.clear();
        Ok(Arc::new(config))
    }

    /// The envelope and the complete message (upstream renders these after
    /// authenticating; the texts of its errors are kept).
    fn compose(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Composed, NotifyError> {
        let now = self.env.clock.now();
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, now);
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let from = tmpl.text(&self.config.from);
        if let Some(err) = tmpl.error() {
            return Err(final_error(format!("execute 'from' template: {err}")));
        }
        let to = tmpl.text(&self.config.to);
        if let Some(err) = tmpl.error() {
            return Err(final_error(format!("execute 'to' template: {err}")));
        }
        let from = parse_address_list(&from)
            .map_err(|e| final_error(format!("parse 'from' addresses: {e}")))?;
        let [from] = <[String; 1]>::try_from(from).map_err(|all| {
            final_error(format!(
                "must be exactly one 'from' address (got: {})",
                all.len()
            ))
        })?;
        let to = parse_address_list(&to)
            .map_err(|e| final_error(format!("parse 'to' addresses: {e}")))?;

        let mut head = String::new();
        for (name, template) in &self.headers {
            let value = self.templates.execute_text(template, &data).map_err(|e| {
                final_error(format!("execute {} header template: {e}", go_quote(name)))
            })?;
            let _ = write!(head, "{name}: {}\r\n", q_encode_header(&value));
        }
        if !self.headers.contains_key("Message-Id") {
            let _ = write!(
                head,
                "Message-Id: <{}.{}@{}>\r\n",
                now.as_nanosecond(),
                u64::from_le_bytes(random_bytes::<8>()),
                self.hostname
            );
        }
        let local_now = now.to_zoned(TimeZone::system());
        if self.config.threading.enabled {
            let thread_by = if self.config.threading.thread_by_date == "none" {
                String::new()
            } else {
                local_now.strftime("%Y-%m-%d").to_string()
            };
            let key_hash = group_key::hash(&ctx.flush.group_key);
            let root = format!(
                "<alert-{}-{thread_by}@alertmanager>",
                key_hash.get(..16).unwrap_or(&key_hash)
            );
            let _ = write!(head, "References: {root}\r\nIn-Reply-To: {root}\r\n");
        }
        let boundary: String = random_bytes::<30>()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut parts = Multipart::new(boundary);
        let _ = write!(
            head,
            "Date: {}\r\nContent-Type: multipart/alternative;  boundary={}\r\nMIME-Version: 1.0\r\n\r\n",
            local_now.strftime("%a, %d %b %Y %H:%M:%S %z"),
            parts.boundary()
        );
        if !self.config.text.is_empty() {
            let body = self
                .templates
                .execute_text(&self.config.text, &data)
                .map_err(|e| final_error(format!("execute text template: {e}")))?;
            parts.quoted_printable_part("text/plain; charset=UTF-8", body.as_bytes());
        }
        if !self.config.html.is_empty() {
            let body = self
                .templates
                .execute_html(&self.config.html, &data)
                .map_err(|e| final_error(format!("execute html template: {e}")))?;
            parts.quoted_printable_part("text/html; charset=UTF-8", body.as_bytes());
        }
        let mut message = head.into_bytes();
        message.extend_from_slice(&parts.finish());
        Ok(Composed { from, to, message })
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let address = self.config.smarthost.to_string();
        let host = self.config.smarthost.host.as_str();
        let implicit = self.implicit_tls();
        let mut client = if implicit {
            let config = self.tls_config()?;
            let establish =
                |e: String| retry_error(format!("establish TLS connection to server: {e}"));
            let tcp = smtp::dial(&address).await.map_err(establish)?;
            let tls = smtp::handshake(tcp, config, self.tls_server_name())
                .await
                .map_err(establish)?;
            Client::implicit_tls(tls, host).await
        } else {
            let tcp = smtp::dial(&address)
                .await
                .map_err(|e| retry_error(format!("establish connection to server: {e}")))?;
            Client::plain(tcp, host).await
        }
        .map_err(|e| retry_error(format!("create SMTP client: {e}")))?;

        let result = self.session(&mut client, ctx, alerts, implicit).await;
        let quit = client.quit().await;
        if let (Ok(()), Err(err)) = (&result, quit) {
            tracing::warn!(err, "failed to close SMTP connection");
        }
        result
    }

    async fn session(
        &self,
        client: &mut Client,
        ctx: &NotifyContext,
        alerts: &[Alert],
        implicit: bool,
    ) -> Result<(), NotifyError> {
        if !self.config.hello.is_empty() {
            client
                .hello_as(&self.config.hello)
                .await
                .map_err(|e| retry_error(format!("send EHLO command: {e}")))?;
        }
        if self.config.require_tls.unwrap_or(true) && !implicit {
            if client.extension("STARTTLS").await.is_none() {
                return Err(retry_error(format!(
                    "'require_tls' is true (default) but {} does not advertise the STARTTLS extension",
                    go_quote(&self.config.smarthost.to_string())
                )));
            }
            let config = self.tls_config()?;
            client
                .start_tls(config, self.tls_server_name())
                .await
                .map_err(|e| retry_error(format!("send STARTTLS command: {e}")))?;
        }
        if let Some(advertised) = client.extension("AUTH").await {
            let mechanism =
                auth::choose(&advertised, &self.credentials, &self.config.smarthost.host)
                    .map_err(|e| retry_error(format!("find auth mechanism: {e}")))?;
            if let Some(mechanism) = mechanism {
                client.auth(&mechanism).await.map_err(|e| NotifyError {
                    retry: true,
                    reason: FailureReason::Other,
                    message: format!("{} auth: {e}", mechanism.go_type()),
                })?;
            }
        }
        let composed = self.compose(ctx, alerts)?;
        client
            .mail(&composed.from)
            .await
            .map_err(|e| retry_error(format!("send MAIL command: {e}")))?;
        for to in &composed.to {
            client
                .rcpt(to)
                .await
                .map_err(|e| retry_error(format!("send RCPT command: {e}")))?;
        }
        client
            .data()
            .await
            .map_err(|e| retry_error(format!("send DATA command: {e}")))?;
        client
            .send_message(&composed.message)
            .await
            .map_err(|e| retry_error(format!("delivery failure: {e}")))
    }
}

impl_notifier!(EmailNotifier, "email");

impl Preview for EmailNotifier {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        let composed = self.compose(ctx, alerts)?;
        Ok(vec![Rendered::Email {
            smarthost: self.config.smarthost.to_string(),
            from: composed.from,
            to: composed.to,
            message: composed.message,
        }])
    }
}
