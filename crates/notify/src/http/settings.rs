//! Plain settings for an outgoing HTTP client, mirroring prometheus/common's
//! `HTTPClientConfig` (the `http_config:` block of every HTTP integration)
//! after the configuration layer has validated it and resolved relative file
//! paths. Nothing here does I/O except [`Secret::read`].

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use crate::goerror;

/// A value given inline or read from a file each time it is used (upstream
/// re-reads `*_file` secrets on every request, trimming surrounding white
/// space, so rotated credentials take effect without a reload).
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    Inline(String),
    File(PathBuf),
}

impl Default for Secret {
    fn default() -> Self {
        Secret::Inline(String::new())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Inline(_) => f.write_str("Secret::Inline(<redacted>)"),
            Secret::File(path) => f.debug_tuple("Secret::File").field(path).finish(),
        }
    }
}

impl Secret {
    /// The value; for a file, its content with surrounding white space
    /// trimmed. The error text is Go's (`unable to read file X: open X: …`).
    pub fn read(&self) -> Result<Cow<'_, str>, String> {
        match self {
            Secret::Inline(text) => Ok(Cow::Borrowed(text)),
            Secret::File(path) => match std::fs::read(path) {
                Ok(bytes) => Ok(Cow::Owned(
                    String::from_utf8_lossy(&bytes).trim().to_owned(),
                )),
                Err(err) => Err(format!(
                    "unable to read file {}: {}",
                    path.display(),
                    goerror::path_error("open", path, &err)
                )),
            },
        }
    }
}

/// `basic_auth`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BasicAuth {
    pub username: Secret,
    pub password: Secret,
}

/// `authorization`: sent as `Authorization: <auth_type> <credentials>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// `Bearer` unless configured (an empty value also means `Bearer`).
    pub auth_type: String,
    pub credentials: Secret,
}

impl Default for Authorization {
    fn default() -> Self {
        Authorization {
            auth_type: "Bearer".to_owned(),
            credentials: Secret::default(),
        }
    }
}

/// `tls_config.min_version` / `max_version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl TlsVersion {
    /// The configuration spelling (`TLS12`).
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::Tls10 => "TLS10",
            TlsVersion::Tls11 => "TLS11",
            TlsVersion::Tls12 => "TLS12",
            TlsVersion::Tls13 => "TLS13",
        }
    }
}

/// `tls_config`. CA, certificate and key are read once, when the client is
/// built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// `ca` / `ca_file`: when set, the only trusted roots (as in Go, the
    /// system roots are not added).
    pub ca: Option<Secret>,
    /// `cert` / `cert_file` (client certificate chain, PEM).
    pub cert: Option<Secret>,
    /// `key` / `key_file` (client private key, PEM).
    pub key: Option<Secret>,
    /// Name the server certificate must be valid for, instead of the URL's host.
    pub server_name: Option<String>,
    pub insecure_skip_verify: bool,
    pub min_version: Option<TlsVersion>,
    pub max_version: Option<TlsVersion>,
}

/// `proxy_url`, `no_proxy`, `proxy_from_environment`, `proxy_connect_header`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxySettings {
    pub proxy_url: Option<String>,
    /// Comma-separated hosts, domains and CIDRs that bypass `proxy_url`.
    pub no_proxy: Option<String>,
    /// Use `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` from the environment.
    pub proxy_from_environment: bool,
    /// Headers sent to `proxy_url` (name, values).
    pub proxy_connect_header: Vec<(String, Vec<String>)>,
}

/// One entry of `http_headers`: every value is added (not replaced), in
/// the order values, secrets, files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpHeader {
    pub name: String,
    pub values: Vec<String>,
    pub secrets: Vec<String>,
    /// Files read (and trimmed) on every request.
    pub files: Vec<PathBuf>,
}

/// `oauth2` with the client-credentials grant: a token is fetched from
/// `token_url` (through its own `tls` and `proxy`) and sent as
/// `Authorization: <token_type> <access_token>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuth2Settings {
    pub client_id: String,
    /// `client_secret` / `client_secret_file` (re-read on every request; a
    /// changed secret discards the cached token).
    pub client_secret: Secret,
    /// Sent space-separated as `scope` when not empty.
    pub scopes: Vec<String>,
    pub token_url: String,
    /// Extra form parameters of the token request, in key order.
    pub endpoint_params: Vec<(String, String)>,
    pub tls: TlsSettings,
    pub proxy: ProxySettings,
}

/// `http_config`. At most one of `basic_auth`, `authorization` and `oauth2` is set
/// (the configuration layer rejects both; if both arrive, `basic_auth` wins,
/// as upstream's round-tripper order makes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpClientSettings {
    pub basic_auth: Option<BasicAuth>,
    pub authorization: Option<Authorization>,
    pub oauth2: Option<OAuth2Settings>,
    pub tls: TlsSettings,
    pub proxy: ProxySettings,
    /// Follow up to 10 redirects (Go's default); otherwise a 3xx answer is
    /// returned as is.
    pub follow_redirects: bool,
    /// Offer HTTP/2 over TLS (ALPN); plain `http://` always uses HTTP/1.1.
    pub enable_http2: bool,
    pub http_headers: Vec<HttpHeader>,
}

impl Default for HttpClientSettings {
    /// Upstream's `DefaultHTTPClientConfig`.
    fn default() -> Self {
        HttpClientSettings {
            basic_auth: None,
            authorization: None,
            oauth2: None,
            tls: TlsSettings::default(),
            proxy: ProxySettings::default(),
            follow_redirects: true,
            enable_http2: true,
            http_headers: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_secrets_are_trimmed_and_reread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  first\n").unwrap();
        let secret = Secret::File(path.clone());
        assert_eq!(secret.read().unwrap(), "first");
        std::fs::write(&path, "second").unwrap();
        assert_eq!(secret.read().unwrap(), "second");
    }

    #[test]
    fn missing_secret_file_error_reads_like_go() {
        let secret = Secret::File(PathBuf::from("/nonexistent/token"));
        assert_eq!(
            secret.read().unwrap_err(),
            "unable to read file /nonexistent/token: open /nonexistent/token: no such file or directory"
        );
    }

    #[test]
    fn inline_secrets_are_redacted_in_debug() {
        let s = format!("{:?}", Secret::Inline("hunter2".to_owned()));
        assert!(!s.contains("hunter2"), "{s}");
    }
}
