//! One HTTP request an integration has fully prepared: method, URL (and its
//! masked form), the headers the integration itself sets and the body. The
//! same value is shown by `Preview` and handed to the [`HttpClient`], so
//! what a preview prints is exactly what is sent (the client adds only what
//! `http_config` asks for: authorization and extra headers). Failures to get
//! an answer become the retryable [`NotifyError`] upstream returns.

use std::time::Duration;

use tocsin_alerting::notifier::{FailureReason, NotifyError};

use tocsin_config::http::HttpClientConfig;

use crate::BuildError;
use crate::goerror;
use crate::http::{
    HttpClient, HttpClientSettings, HttpResponse, Method, OutgoingRequest, RequestError,
};
use crate::preview::Rendered;

/// What a masked URL shows instead of a secret.
pub const SECRET_MASK: &str = "<secret>";

/// A request ready to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// `url` with embedded secrets replaced by [`SECRET_MASK`].
    pub url_masked: String,
    pub content_type: Option<&'static str>,
    /// Headers beyond Content-Type and User-Agent, in the order set.
    pub headers: Vec<(String, String)>,
    /// `None` sends no body at all (Go's `nil` reader).
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    /// A POST of `body` with `content_type`.
    pub fn post(
        url: String,
        url_masked: String,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Self {
        HttpRequest {
            method: Method::Post,
            url,
            url_masked,
            content_type: Some(content_type),
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// The preview of this request as a client with `user_agent` sends it.
    pub fn rendered(&self, user_agent: &str) -> Rendered {
        let mut headers = Vec::with_capacity(self.headers.len() + 2);
        if let Some(content_type) = self.content_type {
            headers.push(("Content-Type".to_owned(), content_type.to_owned()));
        }
        headers.push(("User-Agent".to_owned(), user_agent.to_owned()));
        headers.extend(self.headers.iter().cloned());
        Rendered::Http {
            method: self.method.as_str().to_owned(),
            url: self.url.clone(),
            url_masked: self.url_masked.clone(),
            headers,
            body: self.body.clone().unwrap_or_default(),
        }
    }

    /// Sends the request through `client`.
    pub async fn send(
        &self,
        client: &HttpClient,
        timeout: Option<Duration>,
    ) -> Result<HttpResponse, RequestError> {
        client
            .send(OutgoingRequest {
                method: self.method,
                url: &self.url,
                content_type: self.content_type,
                headers: &self.headers,
                body: self.body.clone(),
                timeout,
            })
            .await
    }

    /// Sends the request through `client` without a per-request timeout
    /// and judges the answer as upstream's plain `Retrier` does (2xx ok,
    /// 5xx retried, other statuses final): the whole exchange of every
    /// integration that needs nothing more.
    pub async fn send_checked(&self, client: &HttpClient) -> Result<(), NotifyError> {
        let response = self
            .send(client, None)
            .await
            .map_err(|e| transport_error(&e))?;
        crate::retry::Retrier::default().check(response.status, &response.body)
    }
}

/// No HTTP answer (connection refused, TLS failure, timeout): upstream
/// retries with the redacted `*url.Error` text.
pub fn transport_error(err: &RequestError) -> NotifyError {
    NotifyError {
        retry: true,
        reason: FailureReason::Other,
        message: err.to_string(),
    }
}

/// An error upstream returns without asking for a retry.
pub fn final_error(message: impl Into<String>) -> NotifyError {
    NotifyError {
        retry: false,
        reason: FailureReason::Other,
        message: message.into(),
    }
}

/// An error upstream returns asking for a retry, without a status reason.
pub fn retry_error(message: impl Into<String>) -> NotifyError {
    NotifyError {
        retry: true,
        reason: FailureReason::Other,
        message: message.into(),
    }
}

/// The HTTP client of one integration, from its (inherited) `http_config`.
pub fn client_for(
    http_config: Option<&HttpClientConfig>,
    user_agent: &str,
) -> Result<HttpClient, BuildError> {
    let settings = match http_config {
        Some(config) => HttpClientSettings::from_config(config)?,
        None => HttpClientSettings::default(),
    };
    Ok(HttpClient::new(&settings, user_agent)?)
}

/// The content of a `*_file` setting with surrounding white space trimmed,
/// read at send time as upstream does; the error is Go's `*os.PathError`
/// text (`open /x: no such file or directory`).
pub fn read_trimmed(path: &str) -> Result<String, String> {
    read_raw(path).map(|content| content.trim().to_owned())
}

/// The content of a `*_file` setting as is (some integrations upstream do
/// not trim).
pub fn read_raw(path: &str) -> Result<String, String> {
    let path = std::path::Path::new(path);
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| goerror::path_error("open", path, &e))
}
