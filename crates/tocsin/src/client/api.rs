//! The Alertmanager API v2 calls amtool makes, over HTTP(S) with reqwest,
//! and their failures worded as amtool's go-swagger client words them:
//! a declared error status prints `[GET /alerts][400] getAlertsBadRequest
//! "message"`, an undeclared one `[GET /alerts] getAlerts (status 418): {}`,
//! and a request that got no answer Go's `Get "<url>": <cause>` (for
//! example `dial tcp 127.0.0.1:1: connect: connection refused` or
//! `context deadline exceeded`).
//!
//! Every call has a deadline: amtool runs each command under one
//! `--timeout` context, and go-openapi caps each request at 30 seconds.

use std::error::Error as _;
use std::net::ToSocketAddrs as _;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use tocsin_api::gojson::{self, SyntaxError, Value};

use super::endpoint::Endpoint;
use super::http_config::HttpOptions;
use super::models::{self, GettableAlert, GettableSilence, PostableAlert, PostableSilence};

/// go-openapi's per-request timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A failed API call, displayed as amtool prints it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// A status the API declares, e.g. `[POST /silences][404]
    /// postSilencesNotFound "…"` (the payload JSON-quoted, if any).
    #[error("[{method} {path}][{code}] {name}{payload}")]
    Declared {
        method: &'static str,
        path: &'static str,
        code: u16,
        name: &'static str,
        /// Empty, or a space and the JSON-encoded payload.
        payload: String,
    },
    /// A status the API does not declare.
    #[error("[{method} {path}] {operation} (status {code}): {{}}")]
    Undeclared {
        method: &'static str,
        path: &'static str,
        operation: &'static str,
        code: u16,
    },
    /// No HTTP answer: `Get "<url>": <cause>`.
    #[error("{method} \"{url}\": {cause}")]
    Transport {
        method: &'static str,
        url: String,
        cause: String,
    },
    /// The answer could not be read (Go's JSON or content-type errors).
    #[error("{0}")]
    Body(String),
}

impl ApiError {
    /// `POST /silences` answered 404: the silence to update does not exist.
    pub fn is_post_silences_not_found(&self) -> bool {
        matches!(
            self,
            ApiError::Declared {
                path: "/silences",
                code: 404,
                ..
            }
        )
    }
}

/// One API operation: how go-swagger names it and which statuses it
/// declares (with whether their payload is a string).
struct Operation {
    method: &'static str,
    path: &'static str,
    operation: &'static str,
    /// Declared error statuses: code, response name, has a string payload.
    errors: &'static [(u16, &'static str, bool)],
}

const GET_ALERTS: Operation = Operation {
    method: "GET",
    path: "/alerts",
    operation: "getAlerts",
    errors: &[
        (400, "getAlertsBadRequest", true),
        (500, "getAlertsInternalServerError", true),
    ],
};
const POST_ALERTS: Operation = Operation {
    method: "POST",
    path: "/alerts",
    operation: "postAlerts",
    errors: &[
        (400, "postAlertsBadRequest", true),
        (500, "postAlertsInternalServerError", true),
    ],
};
const GET_SILENCES: Operation = Operation {
    method: "GET",
    path: "/silences",
    operation: "getSilences",
    errors: &[
        (400, "getSilencesBadRequest", true),
        (500, "getSilencesInternalServerError", true),
    ],
};
const GET_STATUS: Operation = Operation {
    method: "GET",
    path: "/status",
    operation: "getStatus",
    errors: &[],
};
const GET_SILENCE: Operation = Operation {
    method: "GET",
    path: "/silence/{silenceID}",
    operation: "getSilence",
    errors: &[
        (404, "getSilenceNotFound", false),
        (500, "getSilenceInternalServerError", true),
    ],
};
const DELETE_SILENCE: Operation = Operation {
    method: "DELETE",
    path: "/silence/{silenceID}",
    operation: "deleteSilence",
    errors: &[
        (404, "deleteSilenceNotFound", false),
        (500, "deleteSilenceInternalServerError", true),
    ],
};
const POST_SILENCES: Operation = Operation {
    method: "POST",
    path: "/silences",
    operation: "postSilences",
    errors: &[
        (400, "postSilencesBadRequest", true),
        (404, "postSilencesNotFound", true),
    ],
};

/// Go's spelling of a method in `url.Error` (`Get`, `Post`, `Delete`).
fn go_method(method: &str) -> &'static str {
    match method {
        "GET" => "Get",
        "POST" => "Post",
        _ => "Delete",
    }
}

/// `filter` and the state flags of `GET /alerts`.
pub struct AlertQuery<'a> {
    pub active: bool,
    pub inhibited: bool,
    pub silenced: bool,
    pub unprocessed: bool,
    pub receiver: &'a str,
    pub filter: &'a [String],
}

/// An HTTP answer.
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A client for one Alertmanager.
pub struct ApiClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    basic_auth: Option<(String, String)>,
    authorization: Option<String>,
}

impl ApiClient {
    /// Builds the client; the error reads as amtool's
    /// `failed to create a new HTTP client: …`.
    pub fn new(endpoint: Endpoint, options: Option<&HttpOptions>) -> Result<Self, String> {
        let fail = |e: String| format!("failed to create a new HTTP client: {e}");
        // reqwest is built without a default crypto provider; another part
        // of the binary may have installed one already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder =
            reqwest::Client::builder().user_agent(concat!("tocsin/", env!("CARGO_PKG_VERSION")));
        let mut basic_auth = endpoint.basic_auth.clone();
        let mut authorization = None;
        if let Some(options) = options {
            builder = options.configure(builder).map_err(fail)?;
            if let Some(auth) = options.basic_auth().map_err(fail)? {
                basic_auth = Some(auth);
            }
            authorization = options.authorization().map_err(fail)?;
        }
        let http = builder.build().map_err(|e| fail(error_chain(&e)))?;
        Ok(ApiClient {
            http,
            endpoint,
            basic_auth,
            authorization,
        })
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!(
            "{}://{}{}{}",
            self.endpoint.scheme, self.endpoint.host, self.endpoint.base_path, path
        );
        if !query.is_empty() {
            let mut pairs: Vec<&(&str, &str)> = query.iter().collect();
            // Go's url.Values.Encode sorts by key and keeps value order.
            pairs.sort_by_key(|(k, _)| *k);
            let encoded: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
                .collect();
            url.push('?');
            url.push_str(&encoded.join("&"));
        }
        url
    }

    async fn call(
        &self,
        op: &Operation,
        path: &str,
        query: &[(&str, &str)],
        body: Option<String>,
        deadline: Instant,
    ) -> Result<Option<Value>, ApiError> {
        let url = self.url(path, query);
        let transport = |cause: String| ApiError::Transport {
            method: go_method(op.method),
            url: url.clone(),
            cause,
        };
        let remaining = deadline
            .saturating_duration_since(Instant::now())
            .min(REQUEST_TIMEOUT);
        if remaining.is_zero() {
            return Err(transport("context deadline exceeded".to_owned()));
        }
        let method = match op.method {
            "GET" => reqwest::Method::GET,
            "POST" => reqwest::Method::POST,
            _ => reqwest::Method::DELETE,
        };
        let mut request = self
            .http
            .request(method, &url)
            .timeout(remaining)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        if let Some((user, password)) = &self.basic_auth {
            request = request.basic_auth(user, Some(password));
        } else if let Some(value) = &self.authorization {
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        let answer = match tokio::time::timeout(remaining, self.send(request)).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(err)) => return Err(transport(self.describe(&err))),
            Err(_) => return Err(transport("context deadline exceeded".to_owned())),
        };
        self.interpret(op, answer)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await?.to_vec();
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }

    /// Maps the answer onto the operation's declared responses.
    fn interpret(&self, op: &Operation, answer: Answer) -> Result<Option<Value>, ApiError> {
        if answer.status == 200 {
            return read_payload(&answer);
        }
        let Some(&(code, name, has_payload)) =
            op.errors.iter().find(|(code, _, _)| *code == answer.status)
        else {
            return Err(ApiError::Undeclared {
                method: op.method,
                path: op.path,
                operation: op.operation,
                code: answer.status,
            });
        };
        let payload = if has_payload {
            let text = match read_payload(&answer)? {
                None => String::new(),
                Some(value) => models::decode_string_payload(&value).map_err(ApiError::Body)?,
            };
            let mut quoted = String::from(" ");
            gojson::write_string(&mut quoted, &text, true);
            quoted
        } else {
            String::new()
        };
        Err(ApiError::Declared {
            method: op.method,
            path: op.path,
            code,
            name,
            payload,
        })
    }

    /// Go's wording of a request that got no answer.
    fn describe(&self, err: &reqwest::Error) -> String {
        if err.is_timeout() {
            return "context deadline exceeded".to_owned();
        }
        if self.endpoint.scheme != "http" && self.endpoint.scheme != "https" {
            return format!("unsupported protocol scheme \"{}\"", self.endpoint.scheme);
        }
        let mut source = err.source();
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>()
                && let Some(errno) = go_errno_text(io.kind())
            {
                return format!("dial tcp {}: connect: {errno}", self.dialed_address());
            }
            source = cause.source();
        }
        let chain = error_chain(err);
        if chain.contains("dns error") || chain.contains("failed to lookup address") {
            return format!(
                "dial tcp: lookup {}: no such host",
                self.endpoint.hostname()
            );
        }
        chain
    }

    /// The address Go reports in dial errors: the first resolved address.
    fn dialed_address(&self) -> String {
        let host_port = self.endpoint.host_with_port();
        match host_port
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
        {
            Some(addr) => addr.to_string(),
            None => host_port,
        }
    }

    pub async fn get_alerts(
        &self,
        query: &AlertQuery<'_>,
        deadline: Instant,
    ) -> Result<Option<Vec<Option<GettableAlert>>>, ApiError> {
        let flag = |b: bool| if b { "true" } else { "false" };
        let mut params: Vec<(&str, &str)> = vec![
            ("active", flag(query.active)),
            ("inhibited", flag(query.inhibited)),
            ("silenced", flag(query.silenced)),
            ("unprocessed", flag(query.unprocessed)),
        ];
        if !query.receiver.is_empty() {
            params.push(("receiver", query.receiver));
        }
        params.extend(query.filter.iter().map(|f| ("filter", f.as_str())));
        match self
            .call(&GET_ALERTS, "/alerts", &params, None, deadline)
            .await?
        {
            None => Ok(None),
            Some(value) => models::decode_gettable_alerts(&value).map_err(ApiError::Body),
        }
    }

    pub async fn post_alert(
        &self,
        alert: &PostableAlert,
        deadline: Instant,
    ) -> Result<(), ApiError> {
        let body = models::encode_postable_alerts(alert);
        self.call(&POST_ALERTS, "/alerts", &[], Some(body), deadline)
            .await
            .map(|_| ())
    }

    pub async fn get_silences(
        &self,
        filter: &[String],
        deadline: Instant,
    ) -> Result<Option<Vec<Option<GettableSilence>>>, ApiError> {
        let params: Vec<(&str, &str)> = filter.iter().map(|f| ("filter", f.as_str())).collect();
        match self
            .call(&GET_SILENCES, "/silences", &params, None, deadline)
            .await?
        {
            None => Ok(None),
            Some(value) => models::decode_gettable_silences(&value).map_err(ApiError::Body),
        }
    }

    /// `config.original` of `GET /api/v2/status`: the running server's
    /// configuration as it renders it (what amtool's `config routes` reads
    /// when given `--alertmanager.url`).
    pub async fn get_config_original(&self, deadline: Instant) -> Result<String, ApiError> {
        let status = self
            .call(&GET_STATUS, "/status", &[], None, deadline)
            .await?;
        let field = |v: &Value, name: &str| match v {
            Value::Object(fields) => fields
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            _ => None,
        };
        status
            .and_then(|v| field(&v, "config"))
            .and_then(|c| field(&c, "original"))
            .and_then(|o| match o {
                Value::String(s) => Some(s),
                _ => None,
            })
            .ok_or_else(|| ApiError::Body("status has no config.original".to_owned()))
    }

    pub async fn get_silence(
        &self,
        id: &str,
        deadline: Instant,
    ) -> Result<Option<GettableSilence>, ApiError> {
        let path = format!("/silence/{}", path_escape(id));
        match self.call(&GET_SILENCE, &path, &[], None, deadline).await? {
            None => Ok(None),
            Some(value) => models::decode_one_gettable_silence(&value).map_err(ApiError::Body),
        }
    }

    pub async fn delete_silence(&self, id: &str, deadline: Instant) -> Result<(), ApiError> {
        let path = format!("/silence/{}", path_escape(id));
        self.call(&DELETE_SILENCE, &path, &[], None, deadline)
            .await
            .map(|_| ())
    }

    /// Creates or updates a silence; returns the ID the server assigned.
    pub async fn post_silence(
        &self,
        silence: &PostableSilence,
        deadline: Instant,
    ) -> Result<String, ApiError> {
        let body = models::encode_postable_silence(silence);
        match self
            .call(&POST_SILENCES, "/silences", &[], Some(body), deadline)
            .await?
        {
            None => Ok(String::new()),
            Some(value) => models::decode_silence_id(&value).map_err(ApiError::Body),
        }
    }
}

/// The payload of an answer as go-openapi's consumers read it: JSON
/// (also when no content type is given), or plain text; an empty JSON body
/// is no payload.
fn read_payload(answer: &Answer) -> Result<Option<Value>, ApiError> {
    let media_type = answer
        .content_type
        .as_deref()
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match media_type.as_str() {
        "application/json" => match gojson::parse(&answer.body) {
            Ok(value) => Ok(Some(value)),
            Err(SyntaxError::Empty) => Ok(None),
            Err(e) => Err(ApiError::Body(e.to_string())),
        },
        "text/plain" | "text/html" => Ok(Some(Value::String(
            String::from_utf8_lossy(&answer.body).into_owned(),
        ))),
        "" => Err(ApiError::Body(
            "parse content type: mime: no media type".to_owned(),
        )),
        _ => Err(ApiError::Body(format!(
            "no consumer: {}",
            tocsin_model::goquote::go_quote(answer.content_type.as_deref().unwrap_or_default())
        ))),
    }
}

/// Go's text for the connect errors amtool users meet.
fn go_errno_text(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    match kind {
        ConnectionRefused => Some("connection refused"),
        HostUnreachable => Some("no route to host"),
        NetworkUnreachable => Some("network is unreachable"),
        ConnectionReset => Some("connection reset by peer"),
        _ => None,
    }
}

/// An error and its sources joined with `: `.
fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b if is_unreserved(b) => out.push(char::from(b)),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `url.PathEscape`.
fn path_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if is_unreserved(b) || matches!(b, b'$' | b'&' | b'+' | b',' | b':' | b';' | b'=' | b'@') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_match_go_swagger() {
        let declared = ApiError::Declared {
            method: "DELETE",
            path: "/silence/{silenceID}",
            code: 500,
            name: "deleteSilenceInternalServerError",
            payload: " \"silence not found\"".into(),
        };
        assert_eq!(
            declared.to_string(),
            "[DELETE /silence/{silenceID}][500] deleteSilenceInternalServerError \"silence not found\""
        );
        let undeclared = ApiError::Undeclared {
            method: "DELETE",
            path: "/silence/{silenceID}",
            operation: "deleteSilence",
            code: 422,
        };
        assert_eq!(
            undeclared.to_string(),
            "[DELETE /silence/{silenceID}] deleteSilence (status 422): {}"
        );
    }

    #[test]
    fn query_strings_are_encoded_like_go() {
        assert_eq!(
            query_escape("alertname=\"a b\"/~"),
            "alertname%3D%22a+b%22%2F~"
        );
        assert_eq!(path_escape("a/b c:d"), "a%2Fb%20c:d");
    }
}
