//! Amazon SNS (`sns_configs`): one `Publish` call through the Query API
//! (`POST` of a form body `Action=Publish&Version=2010-03-31&…`, keys
//! sorted as the AWS SDK encodes them), signed with SigV4 ([`crate::sigv4`])
//! for the service `sns`. The endpoint is `api_url` (a template) or
//! `https://sns.<region>.amazonaws.com/`. Topic, target or phone number,
//! subject, message and message attributes are templates; messages are cut
//! at 256 KiB (1600 bytes for SMS) and then carry a `truncated` attribute;
//! FIFO topics get the hashed group key as deduplication and group id.
//!
//! Credentials are the static `sigv4.access_key`/`secret_key`, else the
//! `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`)
//! environment variables at send time; the region is `sigv4.region`, else
//! `AWS_REGION`/`AWS_DEFAULT_REGION`. Without static keys, `sigv4.profile`
//! takes the credentials from that profile of the shared credentials file
//! instead of the environment; with `sigv4.role_arn` those base credentials
//! assume the role through STS and the temporary ones sign the request
//! (see [`crate::aws_credentials`]). Error answers quote SNS's own
//! `<Message>`.

use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::common::GoUrl;
use tocsin_config::notifiers::SnsConfig;

use crate::BuildError;
use crate::aws_credentials::{self, AssumedRole};
use crate::data::TemplateData;
use crate::env::IntegrationEnv;
use crate::field_template::FieldRenderer;
use crate::group_key;
use crate::http::{HttpClient, HttpClientSettings, Method};
use crate::outgoing::{HttpRequest, client_for, retry_error, transport_error};
use crate::preview::{Preview, Rendered};
use crate::retry::{Retrier, failure_reason_from_status};
use crate::sigv4::{self, Credentials, Scope, SigningRequest};
use crate::template::Templates;
use crate::urlenc::{query_escape, query_escape_bytes};

/// SNS's limit for a message, in bytes.
const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// The limit for SMS messages (phone numbers), in bytes.
const MAX_SMS_BYTES: usize = 1600;

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Publishes notifications to one SNS topic, target or phone number.
pub struct SnsNotifier {
    index: usize,
    config: SnsConfig,
    templates: Arc<Templates>,
    env: IntegrationEnv,
    client: HttpClient,
    /// Set when `sigv4.role_arn` is.
    role: Option<AssumedRole>,
}

/// A failure while preparing the request: retried, as upstream returns
/// every such error with `retry = true`.
fn client_error(message: String) -> NotifyError {
    NotifyError {
        retry: true,
        reason: FailureReason::ClientError,
        message,
    }
}

impl SnsNotifier {
    /// The notifier for `sns_configs[index]`. STS is reached with a default
    /// HTTP client (upstream's STS session does not use `http_config`).
    pub fn new(
        config: &SnsConfig,
        index: usize,
        templates: Arc<Templates>,
        env: &IntegrationEnv,
    ) -> Result<Self, BuildError> {
        let role = if config.sigv4.role_arn.is_empty() {
            None
        } else {
            let sts_client = HttpClient::new(&HttpClientSettings::default(), &env.user_agent)?;
            Some(AssumedRole::new(config.sigv4.role_arn.clone(), sts_client))
        };
        Ok(SnsNotifier {
            role,
            index,
            client: client_for(config.http_config.as_ref(), &env.user_agent)?,
            config: config.clone(),
            templates,
            env: env.clone(),
        })
    }

    fn region(&self) -> Option<String> {
        [
            Some(self.config.sigv4.region.clone()),
            std::env::var("AWS_REGION").ok(),
            std::env::var("AWS_DEFAULT_REGION").ok(),
        ]
        .into_iter()
        .flatten()
        .find(|r| !r.is_empty())
    }

    /// The credentials that sign the request: the base ones, or those of
    /// the assumed role.
    async fn signing_credentials(&self, region: &str) -> Result<Credentials, NotifyError> {
        let base = self.base_credentials()?;
        match &self.role {
            None => Ok(base),
            Some(role) => role
                .credentials(&base, region, self.env.clock.now())
                .await
                .map_err(|e| retry_error(format!("failed to sign request: {e}"))),
        }
    }

    /// Static keys, else the profile (which wins over the environment, as
    /// an explicitly named profile does in the SDK), else the environment.
    fn base_credentials(&self) -> Result<Credentials, NotifyError> {
        let sigv4 = &self.config.sigv4;
        if !sigv4.access_key.is_empty() {
            return Ok(Credentials {
                access_key: sigv4.access_key.clone(),
                secret_key: sigv4.secret_key.expose().to_owned(),
                session_token: None,
            });
        }
        if !sigv4.profile.is_empty() {
            return aws_credentials::profile_credentials(&sigv4.profile).map_err(|e| {
                retry_error(format!(
                    "failed to sign request: failed to retrieve credentials: {e}"
                ))
            });
        }
        let variable = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (
            variable("AWS_ACCESS_KEY_ID"),
            variable("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(access_key), Some(secret_key)) => Ok(Credentials {
                access_key,
                secret_key,
                session_token: variable("AWS_SESSION_TOKEN"),
            }),
            _ => Err(retry_error(
                "failed to sign request: failed to retrieve credentials: no static credentials in sigv4 and no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment",
            )),
        }
    }

    /// The `Publish` parameters (upstream's `createPublishInput`), with
    /// values as bytes (a message cut at a byte limit may end mid-character,
    /// as it does upstream).
    fn publish_parameters(
        &self,
        ctx: &NotifyContext,
        tmpl: &mut FieldRenderer<'_>,
    ) -> Result<Vec<(String, Vec<u8>)>, NotifyError> {
        let c = &self.config;
        let failed = |field: &str, tmpl: &FieldRenderer<'_>| {
            tmpl.check()
                .map_err(|e| client_error(format!("execute '{field}' template: {}", e.message)))
        };
        let mut attributes: Vec<(String, String)> = c
            .attributes
            .iter()
            .map(|(k, v)| (tmpl.text(k), tmpl.text(v)))
            .collect();
        failed("attributes", tmpl)?;
        let mut parameters: Vec<(String, Vec<u8>)> = vec![
            ("Action".to_owned(), b"Publish".to_vec()),
            ("Version".to_owned(), b"2010-03-31".to_vec()),
        ];
        let mut limit = MAX_MESSAGE_BYTES;
        if !c.topic_arn.is_empty() {
            let topic_arn = tmpl.text(&c.topic_arn);
            failed("topic_arn", tmpl)?;
            if topic_arn.ends_with(".fifo") {
                let key = group_key::hash(&ctx.flush.group_key);
                parameters.push((
                    "MessageDeduplicationId".to_owned(),
                    key.clone().into_bytes(),
                ));
                parameters.push(("MessageGroupId".to_owned(), key.into_bytes()));
            }
            parameters.push(("TopicArn".to_owned(), topic_arn.into_bytes()));
        }
        if !c.phone_number.is_empty() {
            let phone_number = tmpl.text(&c.phone_number);
            failed("phone_number", tmpl)?;
            parameters.push(("PhoneNumber".to_owned(), phone_number.into_bytes()));
            limit = MAX_SMS_BYTES;
        }
        if !c.target_arn.is_empty() {
            let target_arn = tmpl.text(&c.target_arn);
            failed("target_arn", tmpl)?;
            parameters.push(("TargetArn".to_owned(), target_arn.into_bytes()));
        }
        let message = tmpl.text(&c.message);
        failed("message", tmpl)?;
        let mut message = message.into_bytes();
        if message.len() > limit {
            message.truncate(limit);
            attributes.retain(|(k, _)| k != "truncated");
            attributes.push(("truncated".to_owned(), "true".to_owned()));
        }
        parameters.push(("Message".to_owned(), message));
        if !c.subject.is_empty() {
            let subject = tmpl.text(&c.subject);
            failed("subject", tmpl)?;
            parameters.push(("Subject".to_owned(), subject.into_bytes()));
        }
        // Later keys win, as in a Go map; the SDK numbers entries in key order.
        attributes.reverse();
        attributes.sort_by(|a, b| a.0.cmp(&b.0));
        attributes.dedup_by(|a, b| a.0 == b.0);
        for (i, (name, value)) in attributes.into_iter().enumerate() {
            let prefix = format!("MessageAttributes.entry.{}", i + 1);
            parameters.push((format!("{prefix}.Name"), name.into_bytes()));
            parameters.push((format!("{prefix}.Value.DataType"), b"String".to_vec()));
            parameters.push((format!("{prefix}.Value.StringValue"), value.into_bytes()));
        }
        Ok(parameters)
    }

    fn required_region(&self) -> Result<String, NotifyError> {
        self.region().ok_or_else(|| {
            retry_error("region not configured in sns.sigv4.region or in default credentials chain")
        })
    }

    /// The `Publish` request for `alerts`, signed with `credentials`.
    fn request(
        &self,
        ctx: &NotifyContext,
        alerts: &[Alert],
        credentials: &Credentials,
    ) -> Result<HttpRequest, NotifyError> {
        let data = TemplateData::new(ctx, alerts, &self.env.external_url, self.env.clock.now());
        let mut tmpl = FieldRenderer::new(&self.templates, &data);
        let api_url = tmpl.text(&self.config.api_url);
        tmpl.check()
            .map_err(|e| client_error(format!("execute 'api_url' template: {}", e.message)))?;
        let region = self.required_region()?;
        let endpoint = if api_url.is_empty() {
            format!("https://sns.{region}.amazonaws.com")
        } else {
            api_url
        };
        let endpoint = GoUrl::parse(&endpoint)
            .map_err(|e| retry_error(format!("invalid SNS endpoint: {e}")))?;
        let parameters = self.publish_parameters(ctx, &mut tmpl)?;
        let body = form_body(parameters);

        let path = format!("{}/", endpoint.path.trim_end_matches('/'));
        let host = host_header(&endpoint);
        let time = self.env.clock.now();
        let mut signed: Vec<(String, String)> = vec![
            ("Content-Type".to_owned(), CONTENT_TYPE.to_owned()),
            ("Host".to_owned(), host),
            ("X-Amz-Date".to_owned(), sigv4::amz_date(time)),
        ];
        if let Some(token) = &credentials.session_token {
            signed.push(("X-Amz-Security-Token".to_owned(), token.clone()));
        }
        let authorization = sigv4::authorization(
            &SigningRequest {
                method: "POST",
                path: &path,
                query: &[],
                headers: &signed,
                payload: &body,
            },
            &Scope {
                region: &region,
                service: "sns",
                time,
            },
            credentials,
        );
        // Content-Type and Host are set by the client itself.
        let mut headers: Vec<(String, String)> = signed.into_iter().skip(2).collect();
        headers.push(("Authorization".to_owned(), authorization));
        let url = format!("{}://{}{path}", endpoint.scheme, endpoint.host);
        Ok(HttpRequest {
            method: Method::Post,
            url: url.clone(),
            url_masked: url,
            content_type: Some(CONTENT_TYPE),
            headers,
            body: Some(body),
        })
    }

    async fn send(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<(), NotifyError> {
        let credentials = self.signing_credentials(&self.required_region()?).await?;
        let request = self.request(ctx, alerts, &credentials)?;
        let response = request
            .send(&self.client, None)
            .await
            .map_err(|e| transport_error(&e))?;
        if response.status / 100 == 2 {
            tracing::debug!("SNS message successfully published");
            return Ok(());
        }
        match xml_element(&response.body, "Message") {
            Some(message) => Retrier::default().check(response.status, message.as_bytes()),
            None => Err(NotifyError {
                retry: true,
                reason: failure_reason_from_status(response.status),
                message: format!(
                    "operation error SNS: Publish, https response error StatusCode: {}, deserialization failed",
                    response.status
                ),
            }),
        }
    }
}

/// `Host` as the client sends it: the URL's host, with a port only when it
/// is not the scheme's default.
pub(crate) fn host_header(url: &GoUrl) -> String {
    let default_port = match url.scheme.as_str() {
        "https" => Some(":443"),
        "http" => Some(":80"),
        _ => None,
    };
    match default_port {
        Some(port) => url.host.strip_suffix(port).unwrap_or(&url.host).to_owned(),
        None => url.host.clone(),
    }
}

/// The form body: `key=value` pairs sorted by key (Go's `Values.Encode`).
pub(crate) fn form_body(mut parameters: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    parameters.sort_by(|a, b| a.0.cmp(&b.0));
    parameters
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape_bytes(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// The text of the first `<name>` element of an XML answer, entities
/// decoded.
pub(crate) fn xml_element(body: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text.get(start..)?.find(&close)?;
    let raw = text.get(start..end)?;
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

impl_notifier!(SnsNotifier, "sns");

impl Preview for SnsNotifier {
    /// The signed request, its signature masked. An assumed role is not
    /// contacted: the base credentials sign the preview.
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError> {
        let mut request = self.request(ctx, alerts, &self.base_credentials()?)?;
        for (name, value) in &mut request.headers {
            if name == "Authorization" || name == "X-Amz-Security-Token" {
                *value = crate::outgoing::SECRET_MASK.to_owned();
            }
        }
        Ok(vec![request.rendered(&self.env.user_agent)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_sort_keys_and_escape_bytes() {
        let body = form_body(vec![
            ("Version".to_owned(), b"2010-03-31".to_vec()),
            ("Action".to_owned(), b"Publish".to_vec()),
            ("Message".to_owned(), vec![b'a', b' ', 0xE2, 0x82]),
        ]);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "Action=Publish&Message=a+%E2%82&Version=2010-03-31"
        );
    }

    #[test]
    fn xml_errors_are_read() {
        let body = br#"<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn &amp; more</Message></Error><RequestId>x</RequestId></ErrorResponse>"#;
        assert_eq!(
            xml_element(body, "Message").as_deref(),
            Some("Invalid parameter: TopicArn & more")
        );
        assert_eq!(xml_element(b"oops", "Message"), None);
    }

    #[test]
    fn host_header_drops_default_ports() {
        let host = |s: &str| host_header(&GoUrl::parse(s).unwrap());
        assert_eq!(
            host("https://sns.eu-west-1.amazonaws.com:443/"),
            "sns.eu-west-1.amazonaws.com"
        );
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(host("http://[::1]:80/x"), "[::1]");
    }
}
