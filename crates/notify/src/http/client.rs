//! The HTTP client every integration sends through: one pooled reqwest
//! client per integration, built once from [`HttpClientSettings`] (TLS,
//! proxy, redirects, HTTP/2), plus what upstream's round-trippers add per
//! request (authorization, OAuth 2.0 tokens from [`super::oauth2`],
//! `http_headers`, User-Agent). It returns the
//! status and body; deciding what a status means is the caller's job
//! (see [`crate::retry`]). Error texts name the method and hide the URL, as
//! upstream's `notify.RedactURL` does.

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::oauth2::TokenSource;
use super::settings::{
    Authorization, BasicAuth, HttpClientSettings, HttpHeader, ProxySettings, TlsSettings,
};
use super::tls;
use crate::goerror;

/// Response bodies are read up to this many bytes (upstream reads them
/// whole; the excess only ever ends up in an error message).
const MAX_BODY_BYTES: usize = 1 << 20;

/// The client could not be built from its settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpClientError {
    #[error("{0}")]
    Tls(String),
    #[error("invalid proxy configuration: {0}")]
    Proxy(String),
    #[error("invalid http_headers: {0}")]
    Header(String),
    #[error("unable to build HTTP client: {0}")]
    Build(String),
}

/// A request that got no HTTP answer. Displays as Go's redacted
/// `*url.Error`: `Post "<redacted>": <cause>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{method} \"<redacted>\": {cause}")]
pub struct RequestError {
    /// Go's method spelling in `url.Error` (`Post`).
    pub method: &'static str,
    pub cause: String,
    /// The per-request timeout expired (upstream: context deadline exceeded).
    pub timed_out: bool,
}

/// The HTTP methods integrations use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

impl Method {
    /// The request-line spelling (`POST`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }

    /// Go's spelling in `*url.Error` texts (`Post`).
    pub fn go_name(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
        }
    }

    fn reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
        }
    }
}

/// One request for [`HttpClient::send`].
#[derive(Clone, Debug)]
pub struct OutgoingRequest<'a> {
    pub method: Method,
    pub url: &'a str,
    /// `Content-Type`, when there is one.
    pub content_type: Option<&'static str>,
    /// Further headers the integration sets (e.g. a provider token), in order.
    pub headers: &'a [(String, String)],
    pub body: Option<Vec<u8>>,
    /// Give up after this long.
    pub timeout: Option<Duration>,
}

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Content-Type` header; empty when absent (Go's `Header.Get`).
    pub content_type: String,
    /// The body, cut at 1 MiB; empty when reading it failed (as upstream's
    /// `readAll` gives up on errors).
    pub body: Vec<u8>,
}

/// What upstream's authorization round-trippers add.
#[derive(Clone, Debug)]
enum Credentials {
    Basic(BasicAuth),
    Authorization(Authorization),
    OAuth2(Arc<TokenSource>),
}

/// `http_headers` with their static values prepared once.
#[derive(Clone, Debug)]
struct ExtraHeader {
    name: HeaderName,
    fixed: Vec<HeaderValue>,
    files: Vec<std::path::PathBuf>,
}

/// A pooled HTTP client configured like prometheus/common's client for one
/// integration. Cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
    credentials: Option<Credentials>,
    headers: Vec<ExtraHeader>,
}

impl HttpClient {
    /// Builds the client; `user_agent` is sent on every request.
    pub fn new(settings: &HttpClientSettings, user_agent: &str) -> Result<Self, HttpClientError> {
        let client = build_client(
            &settings.tls,
            &settings.proxy,
            settings.enable_http2,
            settings.follow_redirects,
            user_agent,
        )?;
        // The token endpoint has its own TLS and proxy settings.
        let token_source = settings
            .oauth2
            .as_ref()
            .map(|oauth2| {
                build_client(
                    &oauth2.tls,
                    &oauth2.proxy,
                    settings.enable_http2,
                    true,
                    user_agent,
                )
                .map(|client| Arc::new(TokenSource::new(oauth2.clone(), client)))
            })
            .transpose()?;

        // Upstream's basic-auth round-tripper runs before the authorization
        // one and the latter leaves an existing header alone.
        // The oauth2 one runs last and overwrites the header.
        let credentials = match (&settings.basic_auth, &settings.authorization, token_source) {
            (_, _, Some(source)) => Some(Credentials::OAuth2(source)),
            (Some(basic), _, None) => Some(Credentials::Basic(basic.clone())),
            (None, Some(auth), None) => Some(Credentials::Authorization(auth.clone())),
            (None, None, None) => None,
        };
        let headers = settings
            .http_headers
            .iter()
            .map(prepare_header)
            .collect::<Result<_, _>>()?;
        Ok(HttpClient {
            client,
            credentials,
            headers,
        })
    }

    /// POSTs `body` with `Content-Type: content_type`, giving up after
    /// `timeout` when one is set.
    pub async fn post(
        &self,
        url: &str,
        content_type: &'static str,
        body: Vec<u8>,
        timeout: Option<Duration>,
    ) -> Result<HttpResponse, RequestError> {
        self.send(OutgoingRequest {
            method: Method::Post,
            url,
            content_type: Some(content_type),
            headers: &[],
            body: Some(body),
            timeout,
        })
        .await
    }

    /// Sends any request: the integration's own headers are set after the
    /// `http_headers` of the configuration and before its authorization.
    pub async fn send(&self, outgoing: OutgoingRequest<'_>) -> Result<HttpResponse, RequestError> {
        let fail = |cause: String, timed_out: bool| RequestError {
            method: outgoing.method.go_name(),
            cause,
            timed_out,
        };
        let mut request = self.client.request(outgoing.method.reqwest(), outgoing.url);
        if let Some(content_type) = outgoing.content_type {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        if let Some(body) = outgoing.body {
            request = request.body(body);
        }
        if let Some(timeout) = outgoing.timeout {
            request = request.timeout(timeout);
        }
        for header in &self.headers {
            for value in &header.fixed {
                request = request.header(header.name.clone(), value.clone());
            }
            for path in &header.files {
                let content = std::fs::read(path).map_err(|e| {
                    fail(
                        format!(
                            "unable to read headers file {}: {}",
                            path.display(),
                            goerror::path_error("open", path, &e)
                        ),
                        false,
                    )
                })?;
                let value = HeaderValue::from_str(String::from_utf8_lossy(&content).trim())
                    .map_err(|e| {
                        fail(
                            format!("invalid value in headers file {}: {e}", path.display()),
                            false,
                        )
                    })?;
                request = request.header(header.name.clone(), value);
            }
        }
        for (name, value) in outgoing.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| fail(format!("invalid header name {name:?}: {e}"), false))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| fail(format!("invalid value for header {name}: {e}"), false))?;
            request = request.header(name, value);
        }
        // Upstream's basic and authorization round-trippers leave a header
        // the integration set itself (OpsGenie's `GenieKey`) alone; the
        // oauth2 transport overwrites it.
        let own_authorization = outgoing
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"));
        let credentials = match &self.credentials {
            Some(Credentials::OAuth2(_)) => self.credentials.as_ref(),
            _ if own_authorization => None,
            other => other.as_ref(),
        };
        match credentials {
            Some(Credentials::OAuth2(source)) => {
                let value = source
                    .authorization(outgoing.timeout)
                    .await
                    .map_err(|cause| fail(cause, false))?;
                request = request.header(AUTHORIZATION, value);
            }
            Some(Credentials::Basic(basic)) => {
                let username = basic
                    .username
                    .read()
                    .map_err(|e| fail(format!("unable to read basic auth username: {e}"), false))?;
                let password = basic
                    .password
                    .read()
                    .map_err(|e| fail(format!("unable to read basic auth password: {e}"), false))?;
                request = request.basic_auth(username, Some(password));
            }
            Some(Credentials::Authorization(auth)) => {
                let credentials = auth.credentials.read().map_err(|e| {
                    fail(
                        format!("unable to read authorization credentials: {e}"),
                        false,
                    )
                })?;
                let auth_type = if auth.auth_type.trim().is_empty() {
                    "Bearer"
                } else {
                    auth.auth_type.trim()
                };
                let mut value = HeaderValue::from_str(&format!("{auth_type} {credentials}"))
                    .map_err(|e| fail(format!("invalid authorization credentials: {e}"), false))?;
                value.set_sensitive(true);
                request = request.header(AUTHORIZATION, value);
            }
            None => {}
        }

        let mut response = request
            .send()
            .await
            .map_err(|e| describe_send_error(&e, fail))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = MAX_BODY_BYTES - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if body.len() >= MAX_BODY_BYTES {
                        break;
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    body.clear();
                    break;
                }
            }
        }
        Ok(HttpResponse {
            status,
            content_type,
            body,
        })
    }
}

fn describe_send_error(
    err: &reqwest::Error,
    fail: impl Fn(String, bool) -> RequestError,
) -> RequestError {
    if err.is_timeout() {
        return fail("context deadline exceeded".to_owned(), true);
    }
    fail(error_chain(err), false)
}

/// An error and its sources joined with `: `, without any URL.
pub(super) fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        // reqwest appends ` for url (<url>)`; upstream never shows the URL.
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = err.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

/// A pooled reqwest client with prometheus/common's transport settings.
fn build_client(
    tls: &TlsSettings,
    proxy: &ProxySettings,
    enable_http2: bool,
    follow_redirects: bool,
    user_agent: &str,
) -> Result<reqwest::Client, HttpClientError> {
    let tls_config = tls::client_config(tls, enable_http2)?;
    let user_agent = HeaderValue::from_str(user_agent)
        .map_err(|e| HttpClientError::Build(format!("invalid User-Agent {user_agent:?}: {e}")))?;
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config)
        .user_agent(user_agent)
        .redirect(if follow_redirects {
            reqwest::redirect::Policy::limited(10)
        } else {
            reqwest::redirect::Policy::none()
        })
        // prometheus/common keeps idle connections for 5 minutes and up
        // to 1000 per host.
        .pool_idle_timeout(Duration::from_secs(300))
        .pool_max_idle_per_host(1000)
        // Go sends canonical header names (`Content-Type`).
        .http1_title_case_headers();
    if !enable_http2 {
        builder = builder.http1_only();
    }
    builder = configure_proxy(builder, proxy)?;
    builder
        .build()
        .map_err(|e| HttpClientError::Build(error_chain(&e)))
}

fn configure_proxy(
    builder: reqwest::ClientBuilder,
    proxy: &ProxySettings,
) -> Result<reqwest::ClientBuilder, HttpClientError> {
    if proxy.proxy_from_environment {
        // reqwest reads HTTP_PROXY / HTTPS_PROXY / NO_PROXY unless told not to.
        return Ok(builder);
    }
    let Some(url) = proxy.proxy_url.as_deref().filter(|u| !u.is_empty()) else {
        return Ok(builder.no_proxy());
    };
    let mut p = reqwest::Proxy::all(url).map_err(|e| HttpClientError::Proxy(error_chain(&e)))?;
    if let Some(no_proxy) = proxy.no_proxy.as_deref() {
        p = p.no_proxy(reqwest::NoProxy::from_string(no_proxy));
    }
    if !proxy.proxy_connect_header.is_empty() {
        let mut headers = HeaderMap::new();
        for (name, values) in &proxy.proxy_connect_header {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                HttpClientError::Proxy(format!("invalid proxy_connect_header name {name:?}: {e}"))
            })?;
            for value in values {
                let value = HeaderValue::from_str(value).map_err(|e| {
                    HttpClientError::Proxy(format!(
                        "invalid proxy_connect_header value for {name}: {e}"
                    ))
                })?;
                headers.append(name.clone(), value);
            }
        }
        p = p.headers(headers);
    }
    Ok(builder.proxy(p))
}

fn prepare_header(header: &HttpHeader) -> Result<ExtraHeader, HttpClientError> {
    let name = HeaderName::from_bytes(header.name.as_bytes()).map_err(|e| {
        HttpClientError::Header(format!("invalid header name {:?}: {e}", header.name))
    })?;
    let mut fixed = Vec::with_capacity(header.values.len() + header.secrets.len());
    for value in &header.values {
        fixed.push(HeaderValue::from_str(value).map_err(|e| {
            HttpClientError::Header(format!("invalid value for header {:?}: {e}", header.name))
        })?);
    }
    for secret in &header.secrets {
        let mut value = HeaderValue::from_str(secret).map_err(|e| {
            HttpClientError::Header(format!(
                "invalid secret value for header {:?}: {e}",
                header.name
            ))
        })?;
        value.set_sensitive(true);
        fixed.push(value);
    }
    Ok(ExtraHeader {
        name,
        fixed,
        files: header.files.clone(),
    })
}
