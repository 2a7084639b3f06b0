//! `http_config` and `tls_config` as prometheus/common (v0.70) defines them:
//! basic auth, authorization, OAuth2, TLS, proxy settings and extra headers,
//! with their defaults, their validation messages and the resolution of
//! relative file paths against the configuration file's directory.

use std::collections::BTreeMap;
use std::path::Path;

use tocsin_model::goquote::go_quote;

use crate::common::{ProxyUrl, Secret};
use crate::decode::config_struct;
use crate::decode::{Checks, Decode, Decoder, Value, decode_string_map};
use crate::render::{Out, Render, key_order};
use crate::yaml::NodeId;

/// Join a relative path to `dir` (upstream's `JoinDir`, i.e. Go's
/// `filepath.Join`, which also cleans the result).
pub(crate) fn join_dir(dir: &Path, path: &mut String) {
    if path.is_empty() || Path::new(path.as_str()).is_absolute() {
        return;
    }
    *path = go_clean(&format!("{}/{}", dir.to_string_lossy(), path));
}

/// Go's `filepath.Clean` for `/`-separated paths.
pub(crate) fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// A TLS protocol version (`TLS10` … `TLS13`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    #[default]
    Unset,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl TlsVersion {
    fn name(self) -> Option<&'static str> {
        match self {
            TlsVersion::Unset => None,
            TlsVersion::Tls10 => Some("TLS10"),
            TlsVersion::Tls11 => Some("TLS11"),
            TlsVersion::Tls12 => Some("TLS12"),
            TlsVersion::Tls13 => Some("TLS13"),
        }
    }
}

impl Decode for TlsVersion {
    fn zero() -> Self {
        TlsVersion::Unset
    }
    fn go_type() -> String {
        "config.TLSVersion".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let mut s = String::new();
        let before = cx.error_count();
        s.decode(id, cx);
        if cx.error_count() != before {
            return;
        }
        *self = match s.as_str() {
            "TLS10" => TlsVersion::Tls10,
            "TLS11" => TlsVersion::Tls11,
            "TLS12" => TlsVersion::Tls12,
            "TLS13" => TlsVersion::Tls13,
            _ => {
                let at = cx.mark(id);
                cx.error(
                    at,
                    format!("unknown TLS version: {s}"),
                    Some("use one of TLS10, TLS11, TLS12, TLS13".into()),
                    crate::diagnostic::Upstream::Decode,
                );
                return;
            }
        };
    }
}

impl Render for TlsVersion {
    fn render(&self) -> Out {
        self.name().map_or(Out::Null, |n| Out::Str(n.into()))
    }
    fn is_zero(&self) -> bool {
        *self == TlsVersion::Unset
    }
}

config_struct! {
    /// `tls_config`.
    pub struct TlsConfig {
        go_type: "config.TLSConfig",
        decode_as: "config.plain",
        reset: false,
        list_element: "",
        check: Some(check_tls),
    } {
        ca: String = String::new() => "ca", omitempty;
        cert: String = String::new() => "cert", omitempty;
        key: Secret = Secret::default() => "key", omitempty;
        ca_file: String = String::new() => "ca_file", omitempty;
        cert_file: String = String::new() => "cert_file", omitempty;
        key_file: String = String::new() => "key_file", omitempty;
        ca_ref: String = String::new() => "ca_ref", omitempty;
        cert_ref: String = String::new() => "cert_ref", omitempty;
        key_ref: String = String::new() => "key_ref", omitempty;
        server_name: String = String::new() => "server_name", omitempty;
        insecure_skip_verify: bool = false => "insecure_skip_verify";
        min_version: TlsVersion = TlsVersion::Unset => "min_version", omitempty;
        max_version: TlsVersion = TlsVersion::Unset => "max_version", omitempty;
    }
}

fn count_set(values: &[bool]) -> usize {
    values.iter().filter(|v| **v).count()
}

fn check_tls(c: &mut TlsConfig, v: &mut Checks<'_, '_>) {
    if count_set(&[
        !c.ca.is_empty(),
        !c.ca_file.is_empty(),
        !c.ca_ref.is_empty(),
    ]) > 1
    {
        v.fail(
            "ca_file",
            "at most one of ca, ca_file & ca_ref must be configured",
        );
    }
    if count_set(&[
        !c.cert.is_empty(),
        !c.cert_file.is_empty(),
        !c.cert_ref.is_empty(),
    ]) > 1
    {
        v.fail(
            "cert_file",
            "at most one of cert, cert_file & cert_ref must be configured",
        );
    }
    if count_set(&[
        !c.key.is_empty(),
        !c.key_file.is_empty(),
        !c.key_ref.is_empty(),
    ]) > 1
    {
        v.fail(
            "key_file",
            "at most one of key and key_file must be configured",
        );
    }
    let using_cert = !c.cert.is_empty() || !c.cert_file.is_empty() || !c.cert_ref.is_empty();
    let using_key = !c.key.is_empty() || !c.key_file.is_empty() || !c.key_ref.is_empty();
    if using_cert && !using_key {
        v.fail("cert_file", "exactly one of key or key_file must be configured when a client certificate is configured");
    } else if using_key && !using_cert {
        v.fail(
            "key_file",
            "exactly one of cert or cert_file must be configured when a client key is configured",
        );
    }
}

impl TlsConfig {
    pub(crate) fn resolve_paths(&mut self, dir: &Path) {
        join_dir(dir, &mut self.ca_file);
        join_dir(dir, &mut self.cert_file);
        join_dir(dir, &mut self.key_file);
    }
}

config_struct! {
    /// `basic_auth`.
    pub struct BasicAuth {
        go_type: "config.BasicAuth",
        decode_as: "config.plain",
        reset: false,
        list_element: "",
        check: None,
    } {
        username: String = String::new() => "username", omitempty;
        username_file: String = String::new() => "username_file", omitempty;
        username_ref: String = String::new() => "username_ref", omitempty;
        password: Secret = Secret::default() => "password", omitempty;
        password_file: String = String::new() => "password_file", omitempty;
        password_ref: String = String::new() => "password_ref", omitempty;
    }
}

config_struct! {
    /// `authorization` (an `Authorization:` header; type defaults to `Bearer`).
    pub struct Authorization {
        go_type: "config.Authorization",
        decode_as: "config.Authorization",
        reset: false,
        list_element: "",
        check: None,
    } {
        auth_type: String = String::new() => "type", omitempty;
        credentials: Secret = Secret::default() => "credentials", omitempty;
        credentials_file: String = String::new() => "credentials_file", omitempty;
        credentials_ref: String = String::new() => "credentials_ref", omitempty;
    }
}

/// `proxy_connect_header`: header name → values (secrets).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProxyHeader(pub BTreeMap<String, Vec<Secret>>);

impl Decode for ProxyHeader {
    fn zero() -> Self {
        ProxyHeader::default()
    }
    fn go_type() -> String {
        "config.ProxyHeader".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        decode_string_map(&mut self.0, id, cx, "config.ProxyHeader");
    }
}

impl Render for ProxyHeader {
    fn render(&self) -> Out {
        self.0.render()
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

config_struct! {
    /// One entry of `http_headers`.
    pub struct Header {
        go_type: "config.Header",
        decode_as: "config.Header",
        reset: false,
        list_element: "",
        check: None,
    } {
        values: Vec<String> = Vec::new() => "values", omitempty;
        secrets: Vec<Secret> = Vec::new() => "secrets", omitempty;
        files: Vec<String> = Vec::new() => "files", omitempty;
    }
}

/// `http_headers`: header name → values, secrets and files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headers(pub BTreeMap<String, Header>);

impl Decode for Headers {
    fn zero() -> Self {
        Headers::default()
    }
    fn go_type() -> String {
        "config.Headers".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        // The struct has only an inline map, so every key lands in the map.
        self.0.clear();
        decode_string_map(&mut self.0, id, cx, "config.Headers");
    }
}

impl Render for Headers {
    fn render(&self) -> Out {
        let mut entries: Vec<(Out, Out)> = self
            .0
            .iter()
            .map(|(k, v)| (Out::Str(k.clone()), v.render()))
            .collect();
        entries.sort_by(|a, b| key_order(&a.0, &b.0));
        Out::Map(entries)
    }
    fn is_zero(&self) -> bool {
        // A struct whose only field is a (possibly empty) map.
        self.0.is_empty()
    }
}

/// Go's `http.CanonicalHeaderKey`.
pub(crate) fn canonical_header_key(name: &str) -> String {
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        return name.to_owned();
    }
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

const RESERVED_HEADERS: &[&str] = &[
    "Authorization",
    "Host",
    "Content-Encoding",
    "Content-Length",
    "Content-Type",
    "User-Agent",
    "Connection",
    "Keep-Alive",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Www-Authenticate",
    "Accept-Encoding",
    "X-Prometheus-Remote-Write-Version",
    "X-Prometheus-Remote-Read-Version",
    "X-Prometheus-Scrape-Timeout-Seconds",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
];

config_struct! {
    /// `oauth2`.
    pub struct OAuth2 {
        go_type: "config.OAuth2",
        decode_as: "config.plain",
        reset: false,
        list_element: "",
        check: Some(check_oauth2),
    } {
        client_id: String = String::new() => "client_id", omitempty;
        client_secret: Secret = Secret::default() => "client_secret", omitempty;
        client_secret_file: String = String::new() => "client_secret_file", omitempty;
        client_secret_ref: String = String::new() => "client_secret_ref", omitempty;
        client_certificate_key_id: String = String::new() => "client_certificate_key_id", omitempty;
        client_certificate_key: Secret = Secret::default() => "client_certificate_key", omitempty;
        client_certificate_key_file: String = String::new() => "client_certificate_key_file", omitempty;
        client_certificate_key_ref: String = String::new() => "client_certificate_key_ref", omitempty;
        grant_type: String = String::new() => "grant_type", omitempty;
        signature_algorithm: String = String::new() => "signature_algorithm", omitempty;
        iss: String = String::new() => "iss", omitempty;
        audience: String = String::new() => "audience", omitempty;
        claims: BTreeMap<String, Value> = BTreeMap::new() => "claims", omitempty;
        scopes: Vec<String> = Vec::new() => "scopes", omitempty;
        token_url: String = String::new() => "token_url", omitempty;
        endpoint_params: BTreeMap<String, String> = BTreeMap::new() => "endpoint_params", omitempty;
        tls_config: TlsConfig = TlsConfig::default() => "tls_config", omitempty;
        proxy_url: Option<ProxyUrl> = None => "proxy_url", omitempty;
        no_proxy: String = String::new() => "no_proxy", omitempty;
        proxy_from_environment: bool = false => "proxy_from_environment", omitempty;
        proxy_connect_header: ProxyHeader = ProxyHeader::default() => "proxy_connect_header", omitempty;
    }
}

fn check_oauth2(c: &mut OAuth2, v: &mut Checks<'_, '_>) {
    check_proxy(
        &c.proxy_url,
        &c.no_proxy,
        c.proxy_from_environment,
        &c.proxy_connect_header,
        v,
    );
}

/// prometheus/common `ProxyConfig.Validate`.
fn check_proxy(
    url: &Option<ProxyUrl>,
    no_proxy: &str,
    from_env: bool,
    connect: &ProxyHeader,
    v: &mut Checks<'_, '_>,
) {
    let has_url = url.as_ref().is_some_and(|u| !u.0.to_string().is_empty());
    if !connect.0.is_empty() && !from_env && !has_url {
        v.fail("proxy_connect_header", "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
    }
    if from_env && has_url {
        v.fail(
            "proxy_from_environment",
            "if proxy_from_environment is configured, proxy_url must not be configured",
        );
    }
    if from_env && !no_proxy.is_empty() {
        v.fail(
            "no_proxy",
            "if proxy_from_environment is configured, no_proxy must not be configured",
        );
    }
    if url.is_none() && !no_proxy.is_empty() {
        v.fail(
            "no_proxy",
            "if no_proxy is configured, proxy_url must also be configured",
        );
    }
}

impl OAuth2 {
    pub(crate) fn resolve_paths(&mut self, dir: &Path) {
        join_dir(dir, &mut self.client_secret_file);
        self.tls_config.resolve_paths(dir);
    }
}

config_struct! {
    /// `http_config`: how an integration's HTTP client connects and authenticates.
    pub struct HttpClientConfig {
        go_type: "config.HTTPClientConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "",
        check: Some(check_http),
    } {
        basic_auth: Option<BasicAuth> = None => "basic_auth", omitempty;
        authorization: Option<Authorization> = None => "authorization", omitempty;
        oauth2: Option<OAuth2> = None => "oauth2", omitempty;
        /// Deprecated; moved into `authorization` when loading.
        bearer_token: Secret = Secret::default() => "bearer_token", omitempty;
        /// Deprecated; moved into `authorization` when loading.
        bearer_token_file: String = String::new() => "bearer_token_file", omitempty;
        tls_config: TlsConfig = TlsConfig::default() => "tls_config", omitempty;
        follow_redirects: bool = true => "follow_redirects";
        enable_http2: bool = true => "enable_http2";
        proxy_url: Option<ProxyUrl> = None => "proxy_url", omitempty;
        no_proxy: String = String::new() => "no_proxy", omitempty;
        proxy_from_environment: bool = false => "proxy_from_environment", omitempty;
        proxy_connect_header: ProxyHeader = ProxyHeader::default() => "proxy_connect_header", omitempty;
        http_headers: Option<Headers> = None => "http_headers", omitempty;
    }
}

/// prometheus/common `HTTPClientConfig.Validate`, including its rewrites
/// (bearer token → authorization, default authorization type).
fn check_http(c: &mut HttpClientConfig, v: &mut Checks<'_, '_>) {
    if !c.bearer_token.is_empty() && !c.bearer_token_file.is_empty() {
        v.fail(
            "bearer_token_file",
            "at most one of bearer_token & bearer_token_file must be configured",
        );
    }
    let has_bearer = !c.bearer_token.is_empty() || !c.bearer_token_file.is_empty();
    if (c.basic_auth.is_some() || c.oauth2.is_some()) && has_bearer {
        v.fail("bearer_token", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
    }
    if let Some(b) = &c.basic_auth {
        if count_set(&[
            !b.username.is_empty(),
            !b.username_file.is_empty(),
            !b.username_ref.is_empty(),
        ]) > 1
        {
            v.fail("basic_auth", "at most one of basic_auth username, username_file & username_ref must be configured");
        }
        if count_set(&[
            !b.password.is_empty(),
            !b.password_file.is_empty(),
            !b.password_ref.is_empty(),
        ]) > 1
        {
            v.fail("basic_auth", "at most one of basic_auth password, password_file & password_ref must be configured");
        }
    }
    if let Some(a) = &mut c.authorization {
        if has_bearer {
            v.fail(
                "authorization",
                "authorization is not compatible with bearer_token & bearer_token_file",
            );
        }
        if count_set(&[
            !a.credentials.is_empty(),
            !a.credentials_file.is_empty(),
            !a.credentials_ref.is_empty(),
        ]) > 1
        {
            v.fail(
                "authorization",
                "at most one of authorization credentials & credentials_file must be configured",
            );
        }
        a.auth_type = a.auth_type.trim().to_owned();
        if a.auth_type.is_empty() {
            a.auth_type = "Bearer".into();
        }
        if a.auth_type.eq_ignore_ascii_case("basic") {
            v.fail_hint(
                "authorization",
                "authorization type cannot be set to \"basic\", use \"basic_auth\" instead",
                "write `basic_auth: {username: …, password: …}` instead of `authorization`",
            );
        }
        if c.basic_auth.is_some() || c.oauth2.is_some() {
            v.fail(
                "authorization",
                "at most one of basic_auth, oauth2 & authorization must be configured",
            );
        }
    } else {
        if !c.bearer_token.is_empty() {
            c.authorization = Some(Authorization {
                auth_type: "Bearer".into(),
                credentials: std::mem::take(&mut c.bearer_token),
                ..Authorization::default()
            });
        }
        if !c.bearer_token_file.is_empty() {
            c.authorization = Some(Authorization {
                auth_type: "Bearer".into(),
                credentials_file: std::mem::take(&mut c.bearer_token_file),
                ..Authorization::default()
            });
        }
    }
    if let Some(o) = &c.oauth2 {
        if c.basic_auth.is_some() {
            v.fail(
                "oauth2",
                "at most one of basic_auth, oauth2 & authorization must be configured",
            );
        }
        if o.client_id.is_empty() {
            v.fail("oauth2", "oauth2 client_id must be configured");
        }
        if o.token_url.is_empty() {
            v.fail("oauth2", "oauth2 token_url must be configured");
        }
        if o.grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer" {
            if count_set(&[
                !o.client_certificate_key.is_empty(),
                !o.client_certificate_key_file.is_empty(),
                !o.client_certificate_key_ref.is_empty(),
            ]) > 1
            {
                v.fail("oauth2", "at most one of oauth2 client_certificate_key, client_certificate_key_file & client_certificate_key_ref must be configured using grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer");
            }
            if !o.signature_algorithm.is_empty()
                && !["RS256", "RS384", "RS512"].contains(&o.signature_algorithm.as_str())
            {
                v.fail(
                    "oauth2",
                    "valid signature algorithms are RS256, RS384 and RS512",
                );
            }
        } else if count_set(&[
            !o.client_secret.is_empty(),
            !o.client_secret_file.is_empty(),
            !o.client_secret_ref.is_empty(),
        ]) > 1
        {
            v.fail("oauth2", "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials");
        }
    }
    check_proxy(
        &c.proxy_url,
        &c.no_proxy,
        c.proxy_from_environment,
        &c.proxy_connect_header,
        v,
    );
    if let Some(h) = &c.http_headers {
        for name in h.0.keys() {
            let canonical = canonical_header_key(name);
            if RESERVED_HEADERS.contains(&canonical.as_str()) {
                v.fail(
                    "http_headers",
                    format!("setting header {} is not allowed", go_quote(&canonical)),
                );
            }
        }
    }
}

impl HttpClientConfig {
    /// upstream's `SetDirectory`: relative file paths become relative to `dir`.
    pub(crate) fn resolve_paths(&mut self, dir: &Path) {
        self.tls_config.resolve_paths(dir);
        if let Some(b) = &mut self.basic_auth {
            join_dir(dir, &mut b.password_file);
            join_dir(dir, &mut b.username_file);
        }
        if let Some(a) = &mut self.authorization {
            join_dir(dir, &mut a.credentials_file);
        }
        if let Some(o) = &mut self.oauth2 {
            o.resolve_paths(dir);
        }
        if let Some(h) = &mut self.http_headers {
            for header in h.0.values_mut() {
                for f in &mut header.files {
                    join_dir(dir, f);
                }
            }
        }
        join_dir(dir, &mut self.bearer_token_file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_joined_and_cleaned_like_go() {
        // filepath.Join results from Go 1.19.
        assert_eq!(go_clean("./a/../b//c/"), "b/c");
        assert_eq!(go_clean("/etc/am/./x"), "/etc/am/x");
        assert_eq!(go_clean("../x"), "../x");
        let mut p = "secrets/ca.pem".to_owned();
        join_dir(Path::new("."), &mut p);
        assert_eq!(p, "secrets/ca.pem");
        let mut p = "ca.pem".to_owned();
        join_dir(Path::new("/etc/am"), &mut p);
        assert_eq!(p, "/etc/am/ca.pem");
    }

    #[test]
    fn canonical_header_keys() {
        assert_eq!(canonical_header_key("content-type"), "Content-Type");
        assert_eq!(canonical_header_key("x-API-key"), "X-Api-Key");
        assert_eq!(canonical_header_key("bad header"), "bad header");
    }
}
