//! OAuth 2.0 client credentials for the HTTP client, as prometheus/common's
//! oauth2 round-tripper does it with golang.org/x/oauth2's
//! `clientcredentials`: a form `POST` of `grant_type=client_credentials`
//! (plus `scope` and `endpoint_params`) to `token_url` over the token
//! endpoint's own TLS and proxy settings, client authentication first as an
//! HTTP Basic header of the URL-escaped id and secret and, when that
//! attempt fails, as `client_id`/`client_secret` form fields (x/oauth2's
//! auto-detection, remembered once one style works). The token is cached
//! until 10 seconds before `expires_in` runs out (x/oauth2's expiry delta)
//! and dropped when the client secret (file) changes. Only producing the
//! `Authorization` value lives here; [`super::client`] puts it on requests.

use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, HeaderValue};

use super::settings::OAuth2Settings;
use crate::urlenc::{QueryValues, query_escape};

/// A token is renewed this long before it expires (x/oauth2's `expiryDelta`).
const EXPIRY_DELTA: Duration = Duration::from_secs(10);
/// Token answers are read up to this many bytes (x/oauth2's limit).
const MAX_TOKEN_BODY_BYTES: usize = 1 << 20;

/// How the client authenticates to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthStyle {
    /// `Authorization: Basic base64(escape(id):escape(secret))`.
    InHeader,
    /// `client_id` / `client_secret` form fields.
    InParams,
}

/// A token ready to send.
struct CachedToken {
    authorization: HeaderValue,
    /// `None` when the server gave no `expires_in` (the token never expires).
    expires_at: Option<Instant>,
}

impl CachedToken {
    fn is_fresh(&self, now: Instant) -> bool {
        self.expires_at
            .is_none_or(|at| now.checked_add(EXPIRY_DELTA).is_some_and(|soon| soon < at))
    }
}

/// What survives between requests; reset when the secret changes.
#[derive(Default)]
struct State {
    secret: Option<String>,
    style: Option<AuthStyle>,
    token: Option<CachedToken>,
}

/// Fetches, caches and renews the token of one `oauth2` block.
pub(crate) struct TokenSource {
    settings: OAuth2Settings,
    client: reqwest::Client,
    state: tokio::sync::Mutex<State>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("client_id", &self.settings.client_id)
            .field("token_url", &self.settings.token_url)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// `client` is the token endpoint's own client (its TLS and proxy).
    pub(crate) fn new(settings: OAuth2Settings, client: reqwest::Client) -> Self {
        TokenSource {
            settings,
            client,
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    /// The `Authorization` value for the next request, fetching a token when
    /// none is cached or the cached one is about to expire. Concurrent
    /// callers wait for a single fetch. The error is the text upstream
    /// shows after `Post "<url>": `.
    pub(crate) async fn authorization(
        &self,
        timeout: Option<Duration>,
    ) -> Result<HeaderValue, String> {
        let secret = self
            .settings
            .client_secret
            .read()
            .map_err(|e| format!("unable to read oauth2 client secret: {e}"))?
            .into_owned();
        let mut state = self.state.lock().await;
        if state.secret.as_deref() != Some(secret.as_str()) {
            *state = State {
                secret: Some(secret.clone()),
                ..State::default()
            };
        }
        if let Some(token) = state.token.as_ref().filter(|t| t.is_fresh(Instant::now())) {
            return Ok(token.authorization.clone());
        }
        let form = self.form()?;
        let token = match state.style {
            Some(style) => self.fetch(style, &secret, &form, timeout).await?,
            None => match self
                .fetch(AuthStyle::InHeader, &secret, &form, timeout)
                .await
            {
                Ok(token) => {
                    state.style = Some(AuthStyle::InHeader);
                    token
                }
                Err(_) => {
                    let token = self
                        .fetch(AuthStyle::InParams, &secret, &form, timeout)
                        .await?;
                    state.style = Some(AuthStyle::InParams);
                    token
                }
            },
        };
        let authorization = token.authorization.clone();
        state.token = Some(token);
        Ok(authorization)
    }

    /// The token request's form without client authentication.
    fn form(&self) -> Result<QueryValues, String> {
        let mut form = QueryValues::new();
        form.set("grant_type", "client_credentials");
        if !self.settings.scopes.is_empty() {
            form.set("scope", self.settings.scopes.join(" "));
        }
        for (key, value) in &self.settings.endpoint_params {
            // x/oauth2 lets only grant_type be overridden.
            if key != "grant_type" && form.pairs().iter().any(|(k, _)| k == key) {
                return Err(format!("oauth2: cannot overwrite parameter {key:?}"));
            }
            form.set(key, value.clone());
        }
        Ok(form)
    }

    async fn fetch(
        &self,
        style: AuthStyle,
        secret: &str,
        form: &QueryValues,
        timeout: Option<Duration>,
    ) -> Result<CachedToken, String> {
        let mut form = form.clone();
        let mut request = self.client.post(&self.settings.token_url);
        match style {
            AuthStyle::InHeader => {
                request = request.basic_auth(
                    query_escape(&self.settings.client_id),
                    Some(query_escape(secret)),
                );
            }
            AuthStyle::InParams => {
                if !self.settings.client_id.is_empty() {
                    form.set("client_id", self.settings.client_id.clone());
                }
                if !secret.is_empty() {
                    form.set("client_secret", secret.to_owned());
                }
            }
        }
        request = request
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(form.encode());
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let started = Instant::now();
        let mut response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                "oauth2: cannot fetch token: context deadline exceeded".to_owned()
            } else {
                format!(
                    "oauth2: cannot fetch token: {}",
                    super::client::error_chain(&e)
                )
            }
        })?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("oauth2: cannot fetch token: {e}"))?
        {
            let room = MAX_TOKEN_BODY_BYTES.saturating_sub(body.len());
            body.extend_from_slice(chunk.get(..chunk.len().min(room)).unwrap_or_default());
            if body.len() >= MAX_TOKEN_BODY_BYTES {
                break;
            }
        }
        if !status.is_success() {
            return Err(retrieve_error(status, &body));
        }
        let answer = parse_answer(&content_type, &body)?;
        if answer.access_token.is_empty() {
            return Err("oauth2: server response missing access_token".to_owned());
        }
        let mut authorization = HeaderValue::from_str(&format!(
            "{} {}",
            token_type(&answer.token_type),
            answer.access_token
        ))
        .map_err(|e| format!("oauth2: invalid access token: {e}"))?;
        authorization.set_sensitive(true);
        Ok(CachedToken {
            authorization,
            expires_at: (answer.expires_in > 0)
                .then(|| started.checked_add(Duration::from_secs(answer.expires_in)))
                .flatten(),
        })
    }
}

/// The fields of a token answer tocsin uses.
struct TokenAnswer {
    access_token: String,
    token_type: String,
    /// Seconds; 0 when absent.
    expires_in: u64,
}

/// A token answer: form-encoded for `application/x-www-form-urlencoded` and
/// `text/plain`, JSON otherwise (as x/oauth2 reads it).
fn parse_answer(content_type: &str, body: &[u8]) -> Result<TokenAnswer, String> {
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media_type == "application/x-www-form-urlencoded" || media_type == "text/plain" {
        let values = QueryValues::parse(&String::from_utf8_lossy(body));
        let get = |key: &str| {
            values
                .pairs()
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        return Ok(TokenAnswer {
            access_token: get("access_token"),
            token_type: get("token_type"),
            expires_in: get("expires_in").parse().unwrap_or(0),
        });
    }
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("oauth2: cannot parse json: {e}"))?;
    let text = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let expires_in = match json.get("expires_in") {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(serde_json::Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    };
    Ok(TokenAnswer {
        access_token: text("access_token"),
        token_type: text("token_type"),
        expires_in,
    })
}

/// x/oauth2's `Token.Type`: the usual types in canonical case, `Bearer`
/// when absent, anything else as given.
fn token_type(given: &str) -> &str {
    if given.eq_ignore_ascii_case("bearer") || given.is_empty() {
        "Bearer"
    } else if given.eq_ignore_ascii_case("mac") {
        "MAC"
    } else if given.eq_ignore_ascii_case("basic") {
        "Basic"
    } else {
        given
    }
}

/// x/oauth2's `RetrieveError` text: the OAuth error code (and description)
/// when the answer is a JSON error, else the status and the body.
fn retrieve_error(status: reqwest::StatusCode, body: &[u8]) -> String {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |key: &str| {
        json.as_ref()
            .and_then(|j| j.get(key))
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(code) = field("error") {
        let mut text = format!("oauth2: {code:?}");
        if let Some(description) = field("error_description") {
            text.push_str(&format!(" {description:?}"));
        }
        return text;
    }
    format!(
        "oauth2: cannot fetch token: {} {}\nResponse: {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default(),
        String::from_utf8_lossy(body)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_are_canonicalised_like_x_oauth2() {
        assert_eq!(token_type(""), "Bearer");
        assert_eq!(token_type("bearer"), "Bearer");
        assert_eq!(token_type("mac"), "MAC");
        assert_eq!(token_type("DPoP"), "DPoP");
    }

    #[test]
    fn form_and_json_answers_are_read() {
        let form = parse_answer(
            "application/x-www-form-urlencoded; charset=utf-8",
            b"access_token=a%2Bb&token_type=bearer&expires_in=60",
        )
        .unwrap();
        assert_eq!((form.access_token.as_str(), form.expires_in), ("a+b", 60));
        let json = parse_answer("", br#"{"access_token":"t","expires_in":"30"}"#).unwrap();
        assert_eq!((json.access_token.as_str(), json.expires_in), ("t", 30));
        assert!(
            parse_answer("application/json", b"nope")
                .err()
                .unwrap()
                .starts_with("oauth2: cannot parse json: ")
        );
    }

    #[test]
    fn oauth_error_answers_quote_the_code() {
        let text = retrieve_error(
            reqwest::StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_client","error_description":"bad secret"}"#,
        );
        assert_eq!(text, r#"oauth2: "invalid_client" "bad secret""#);
    }

    #[test]
    fn tokens_without_expiry_stay_fresh_and_others_expire_early() {
        let now = Instant::now();
        let never = CachedToken {
            authorization: HeaderValue::from_static("Bearer x"),
            expires_at: None,
        };
        assert!(never.is_fresh(now));
        let soon = CachedToken {
            authorization: HeaderValue::from_static("Bearer x"),
            expires_at: Some(now + Duration::from_secs(9)),
        };
        assert!(!soon.is_fresh(now));
    }
}
