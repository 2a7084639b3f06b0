//! `--web.config.file`, as Prometheus' exporter-toolkit (v0.17) reads it:
//! `tls_server_config` (certificate, key, client authentication, versions,
//! cipher suites, curves, allowed client SANs), `http_server_config`
//! (extra response headers from a fixed allow-list), `rate_limit`, and
//! `basic_auth_users` with bcrypt hashes.
//!
//! Like upstream, the file is re-read while serving: a changed file (or
//! certificate) takes effect on the next request / TLS handshake, and a
//! file that became unreadable makes requests fail with 500. Successful and
//! failed bcrypt checks are cached (upstream's 100-entry cache) so the
//! bcrypt cost is paid once per credential, and bcrypt runs one at a time.
//! TLS uses rustls with the `ring` provider; TLS 1.0/1.1 are not available
//! (a `min_version` below TLS 1.2 behaves as TLS 1.2).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue, header};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ServerConfig, WebPkiClientVerifier};
use rustls::{
    CipherSuite, DigitallySignedStruct, DistinguishedName, NamedGroup, RootCertStore,
    SignatureScheme, SupportedCipherSuite,
};
use serde::Deserialize;
use tocsin_model::GoDuration;
use tocsin_model::goquote::go_quote;

/// Why the web configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebConfigError {
    #[error("{0}")]
    Read(String),
    #[error("{0}")]
    Parse(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Tls(String),
}

/// The YAML document (unknown keys are refused, as `yaml.UnmarshalStrict`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    tls_server_config: TlsFileConfig,
    #[serde(default)]
    http_server_config: HttpFileConfig,
    #[serde(default)]
    rate_limit: RateLimitFileConfig,
    #[serde(default)]
    basic_auth_users: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsFileConfig {
    #[serde(default)]
    cert: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    client_ca: String,
    #[serde(default)]
    cert_file: String,
    #[serde(default)]
    key_file: String,
    #[serde(default)]
    client_auth_type: String,
    #[serde(default)]
    client_ca_file: String,
    #[serde(default)]
    cipher_suites: Vec<String>,
    #[serde(default)]
    curve_preferences: Vec<String>,
    #[serde(default)]
    min_version: Option<String>,
    #[serde(default)]
    max_version: Option<String>,
    #[serde(default)]
    prefer_server_cipher_suites: Option<bool>,
    #[serde(default)]
    client_allowed_sans: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpFileConfig {
    #[serde(default)]
    http2: Option<bool>,
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitFileConfig {
    #[serde(default)]
    burst: u32,
    #[serde(default)]
    interval: Option<DurationValue>,
}

/// yaml.v2 decodes a `time.Duration` from a Go duration string or an
/// integer of nanoseconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Nanos(i64),
    Text(String),
}

/// exporter-toolkit's allow-list of configurable headers and their values.
const EXTRA_HEADERS: [(&str, &[&str]); 5] = [
    ("Strict-Transport-Security", &[]),
    ("X-Content-Type-Options", &["nosniff"]),
    ("X-Frame-Options", &["deny", "sameorigin"]),
    ("X-XSS-Protection", &[]),
    ("Content-Security-Policy", &[]),
];

/// Go's `%q` of a `[]string`: `["a" "b"]`.
fn go_quote_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// The TLS part, resolved against the config file's directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TlsSettings {
    cert: String,
    key: String,
    client_ca: String,
    cert_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
    client_ca_file: Option<PathBuf>,
    client_auth_type: String,
    cipher_suites: Vec<String>,
    curve_preferences: Vec<String>,
    min_version: TlsVersion,
    max_version: TlsVersion,
    client_allowed_sans: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum TlsVersion {
    Tls10,
    Tls11,
    #[default]
    Tls12,
    Tls13,
}

fn parse_version(v: &str) -> Result<TlsVersion, WebConfigError> {
    match v {
        "TLS10" => Ok(TlsVersion::Tls10),
        "TLS11" => Ok(TlsVersion::Tls11),
        "TLS12" => Ok(TlsVersion::Tls12),
        "TLS13" => Ok(TlsVersion::Tls13),
        other => Err(WebConfigError::Parse(format!(
            "unknown TLS version: {other}"
        ))),
    }
}

impl TlsSettings {
    /// `TLSConfig.IsEnabled`: any TLS-related field set.
    fn enabled(&self) -> bool {
        !self.cert.is_empty()
            || !self.key.is_empty()
            || !self.client_ca.is_empty()
            || self.cert_file.is_some()
            || self.key_file.is_some()
            || self.client_ca_file.is_some()
            || !self.client_auth_type.is_empty()
    }
}

/// A parsed and validated web configuration.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    tls: TlsSettings,
    users: BTreeMap<String, String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    rate_limit: Option<(u32, std::time::Duration)>,
}

fn join_dir(dir: &Path, file: &str) -> Option<PathBuf> {
    if file.is_empty() {
        return None;
    }
    let p = Path::new(file);
    Some(if p.is_absolute() {
        p.to_owned()
    } else {
        dir.join(p)
    })
}

impl WebConfig {
    /// Parse a web configuration file's text; relative paths are taken
    /// from `dir`. Checks what exporter-toolkit's `Validate` checks
    /// (headers, bcrypt hashes, TLS settings and files).
    pub fn parse(text: &str, dir: &Path) -> Result<WebConfig, WebConfigError> {
        let file: FileConfig = if text.trim().is_empty() {
            FileConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| WebConfigError::Parse(e.to_string()))?
        };
        let mut headers = Vec::new();
        for (name, value) in file.http_server_config.headers.unwrap_or_default() {
            let Some((_, allowed)) = EXTRA_HEADERS.iter().find(|(n, _)| *n == name) else {
                return Err(WebConfigError::Invalid(format!(
                    "HTTP header {} can not be configured",
                    go_quote(&name)
                )));
            };
            if !allowed.is_empty() && !allowed.contains(&value.as_str()) {
                return Err(WebConfigError::Invalid(format!(
                    "invalid value for {name}. Expected one of: {}, but got: {}",
                    go_quote_list(allowed),
                    go_quote(&value)
                )));
            }
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| WebConfigError::Invalid(e.to_string()))?;
            let v = HeaderValue::from_str(&value)
                .map_err(|e| WebConfigError::Invalid(format!("header {name}: {e}")))?;
            headers.push((n, v));
        }
        let users = file.basic_auth_users.unwrap_or_default();
        for hash in users.values() {
            validate_bcrypt_hash(hash)?;
        }
        let rate_limit = match file.rate_limit.interval {
            None => None,
            Some(DurationValue::Nanos(0)) => None,
            Some(DurationValue::Nanos(n)) => Some((
                file.rate_limit.burst,
                std::time::Duration::from_nanos(n.unsigned_abs()),
            )),
            Some(DurationValue::Text(t)) => {
                let d = GoDuration::parse(&t).map_err(|e| WebConfigError::Parse(e.to_string()))?;
                (!d.0.is_zero()).then_some((file.rate_limit.burst, d.0))
            }
        };
        let t = file.tls_server_config;
        let tls = TlsSettings {
            cert: t.cert,
            key: t.key,
            client_ca: t.client_ca,
            cert_file: join_dir(dir, &t.cert_file),
            key_file: join_dir(dir, &t.key_file),
            client_ca_file: join_dir(dir, &t.client_ca_file),
            client_auth_type: t.client_auth_type,
            cipher_suites: t.cipher_suites,
            curve_preferences: t.curve_preferences,
            min_version: t
                .min_version
                .as_deref()
                .map_or(Ok(TlsVersion::Tls12), parse_version)?,
            max_version: t
                .max_version
                .as_deref()
                .map_or(Ok(TlsVersion::Tls13), parse_version)?,
            client_allowed_sans: t.client_allowed_sans,
        };
        let _ = (t.prefer_server_cipher_suites, file.http_server_config.http2);
        let config = WebConfig {
            tls,
            users,
            headers,
            rate_limit,
        };
        if config.tls.enabled() {
            config.server_config()?;
        }
        Ok(config)
    }

    /// Whether connections must be TLS.
    pub fn tls_enabled(&self) -> bool {
        self.tls.enabled()
    }

    /// Whether requests need basic auth.
    pub fn auth_enabled(&self) -> bool {
        !self.users.is_empty()
    }

    /// The rustls server configuration (`ConfigToTLSConfig`).
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, WebConfigError> {
        build_server_config(&self.tls)
    }
}

/// `bcrypt.Cost` accepts the hash: its format, and a cost in 4..=31.
fn validate_bcrypt_hash(hash: &str) -> Result<(), WebConfigError> {
    let parts: bcrypt::HashParts = hash
        .parse()
        .map_err(|e| WebConfigError::Invalid(format!("invalid bcrypt hash: {e}")))?;
    if !(4..=31).contains(&parts.get_cost()) {
        return Err(WebConfigError::Invalid(format!(
            "crypto/bcrypt: cost {} is outside allowed range (4,31)",
            parts.get_cost()
        )));
    }
    Ok(())
}

fn read_file(what: &str, path: &Path) -> Result<Vec<u8>, WebConfigError> {
    fs::read(path).map_err(|e| {
        WebConfigError::Tls(format!("failed to read {what} ({}): {e}", path.display()))
    })
}

fn load_certified_key(
    t: &TlsSettings,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), WebConfigError> {
    if t.cert_file.is_none() && t.cert.is_empty() {
        return Err(WebConfigError::Tls(
            "missing one of cert or cert_file".into(),
        ));
    }
    if t.key_file.is_none() && t.key.is_empty() {
        return Err(WebConfigError::Tls("missing one of key or key_file".into()));
    }
    let cert_pem = match &t.cert_file {
        Some(p) => read_file("cert_file", p)?,
        None => t.cert.clone().into_bytes(),
    };
    let key_pem = match &t.key_file {
        Some(p) => read_file("key_file", p)?,
        None => t.key.clone().into_bytes(),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| WebConfigError::Tls(format!("failed to load X509KeyPair: {e}")))?;
    if certs.is_empty() {
        return Err(WebConfigError::Tls(
            "failed to load X509KeyPair: no certificate found".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| WebConfigError::Tls(format!("failed to load X509KeyPair: {e}")))?;
    Ok((certs, key))
}

fn client_roots(t: &TlsSettings) -> Result<Option<RootCertStore>, WebConfigError> {
    let pem = match (&t.client_ca_file, t.client_ca.is_empty()) {
        (Some(p), _) => {
            fs::read(p).map_err(|e| WebConfigError::Tls(format!("open {}: {e}", p.display())))?
        }
        (None, false) => t.client_ca.clone().into_bytes(),
        (None, true) => return Ok(None),
    };
    let mut roots = RootCertStore::empty();
    // Like Go's AppendCertsFromPEM, unusable blocks are skipped.
    for cert in CertificateDer::pem_slice_iter(&pem).flatten() {
        let _ = roots.add(cert);
    }
    Ok(Some(roots))
}

/// Go `tls.CipherSuites()` names → rustls suites (`None`: a TLS 1.3 suite,
/// always enabled as in Go; an error for suites rustls does not have).
fn cipher_suite(name: &str) -> Result<Option<CipherSuite>, WebConfigError> {
    Ok(Some(match name {
        "TLS_AES_128_GCM_SHA256" | "TLS_AES_256_GCM_SHA384" | "TLS_CHACHA20_POLY1305_SHA256" => {
            return Ok(None);
        }
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" => {
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        }
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" => {
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        }
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
        | "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305" => {
            CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        }
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" => {
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        }
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" => {
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        }
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" | "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305" => {
            CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        }
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"
        | "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"
        | "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
        | "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" => {
            return Err(WebConfigError::Parse(format!(
                "cipher suite {name} is not supported by tocsin (no CBC suites)"
            )));
        }
        other => return Err(WebConfigError::Parse(format!("unknown cipher: {other}"))),
    }))
}

fn curve(name: &str) -> Result<NamedGroup, WebConfigError> {
    match name {
        "CurveP256" => Ok(NamedGroup::secp256r1),
        "CurveP384" => Ok(NamedGroup::secp384r1),
        "X25519" => Ok(NamedGroup::X25519),
        "CurveP521" => Err(WebConfigError::Parse(
            "curve CurveP521 is not supported by tocsin".into(),
        )),
        other => Err(WebConfigError::Parse(format!("unknown curve: {other}"))),
    }
}

fn provider(t: &TlsSettings) -> Result<CryptoProvider, WebConfigError> {
    let mut p = rustls::crypto::ring::default_provider();
    if !t.cipher_suites.is_empty() {
        let mut wanted = Vec::new();
        for name in &t.cipher_suites {
            if let Some(s) = cipher_suite(name)? {
                wanted.push(s);
            }
        }
        let all = std::mem::take(&mut p.cipher_suites);
        let (tls13, tls12): (Vec<SupportedCipherSuite>, Vec<SupportedCipherSuite>) = all
            .into_iter()
            .partition(|s| matches!(s, SupportedCipherSuite::Tls13(_)));
        let mut suites = tls13;
        for w in &wanted {
            suites.extend(tls12.iter().filter(|s| s.suite() == *w).cloned());
        }
        p.cipher_suites = suites;
    }
    if !t.curve_preferences.is_empty() {
        let all = std::mem::take(&mut p.kx_groups);
        let mut groups = Vec::new();
        for name in &t.curve_preferences {
            let g = curve(name)?;
            groups.extend(all.iter().filter(|k| k.name() == g).copied());
        }
        p.kx_groups = groups;
    }
    Ok(p)
}

fn build_server_config(t: &TlsSettings) -> Result<Arc<ServerConfig>, WebConfigError> {
    let (certs, key) = load_certified_key(t)?;
    let provider = Arc::new(provider(t)?);
    let mut versions: Vec<&'static rustls::SupportedProtocolVersion> = Vec::new();
    if t.min_version <= TlsVersion::Tls12 && t.max_version >= TlsVersion::Tls12 {
        versions.push(&rustls::version::TLS12);
    }
    if t.max_version >= TlsVersion::Tls13 && t.min_version <= TlsVersion::Tls13 {
        versions.push(&rustls::version::TLS13);
    }
    if versions.is_empty() {
        return Err(WebConfigError::Tls(
            "no TLS version between min_version and max_version is supported (TLS 1.2 or 1.3)"
                .into(),
        ));
    }
    let roots = client_roots(t)?;
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Option<Arc<dyn ClientCertVerifier>> = match t.client_auth_type.as_str() {
        "" | "NoClientCert" => {
            if roots.is_some() {
                return Err(WebConfigError::Tls(
                    "client CA's have been configured without a Client Auth Policy".into(),
                ));
            }
            None
        }
        "RequestClientCert" => Some(Arc::new(AnyClientCert {
            mandatory: false,
            algorithms,
        })),
        "RequireAnyClientCert" | "RequireClientCert" => Some(Arc::new(AnyClientCert {
            mandatory: true,
            algorithms,
        })),
        kind @ ("VerifyClientCertIfGiven" | "RequireAndVerifyClientCert") => {
            let roots = roots.ok_or_else(|| {
                WebConfigError::Tls(format!(
                    "client_auth_type {kind} needs client_ca_file or client_ca"
                ))
            })?;
            let builder =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider));
            let builder = if kind == "VerifyClientCertIfGiven" {
                builder.allow_unauthenticated()
            } else {
                builder
            };
            Some(
                builder
                    .build()
                    .map_err(|e| WebConfigError::Tls(e.to_string()))?,
            )
        }
        other => return Err(WebConfigError::Tls(format!("invalid ClientAuth: {other}"))),
    };
    let verifier = match (verifier, &t.client_allowed_sans) {
        (Some(inner), Some(sans)) => Some(Arc::new(AllowedSans {
            inner,
            sans: sans.clone(),
        }) as Arc<dyn ClientCertVerifier>),
        (v, _) => v,
    };
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions)
        .map_err(|e| WebConfigError::Tls(e.to_string()))?;
    let builder = match verifier {
        Some(v) => builder.with_client_cert_verifier(v),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| WebConfigError::Tls(format!("failed to load X509KeyPair: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Go's `RequestClientCert` / `RequireAnyClientCert`: a certificate is
/// asked for (or required) but its chain is not verified; only the
/// handshake signature is.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `client_allowed_sans`: after the configured verification, the client
/// certificate must carry one of these DNS or IP SANs (e-mail and URI SANs
/// are not checked by tocsin).
#[derive(Debug)]
struct AllowedSans {
    inner: Arc<dyn ClientCertVerifier>,
    sans: Vec<String>,
}

impl AllowedSans {
    fn allowed(&self, cert: &CertificateDer<'_>) -> bool {
        let Ok(parsed) = webpki::EndEntityCert::try_from(cert) else {
            return false;
        };
        if parsed
            .valid_dns_names()
            .any(|n| self.sans.iter().any(|s| s == n))
        {
            return true;
        }
        self.sans
            .iter()
            .filter_map(|s| s.parse::<IpAddr>().ok())
            .any(|ip| {
                let name = ServerName::IpAddress(ip.into());
                parsed.verify_is_valid_for_subject_name(&name).is_ok()
            })
    }
}

impl ClientCertVerifier for AllowedSans {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }
    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verified = self
            .inner
            .verify_client_cert(end_entity, intermediates, now)?;
        if self.allowed(end_entity) {
            Ok(verified)
        } else {
            Err(rustls::Error::General(format!(
                "could not find allowed SANs in client cert, found: {:?}",
                self.sans
            )))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// What identifies the on-disk state a loaded config was built from.
type Stamp = Vec<Option<(SystemTime, u64)>>;

fn stamp_of(paths: &[&Path]) -> Stamp {
    paths
        .iter()
        .map(|p| {
            fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

struct Loaded {
    stamp: Stamp,
    config: Result<Arc<WebConfig>, WebConfigError>,
    tls: Option<Result<Arc<ServerConfig>, WebConfigError>>,
}

/// A token bucket as `golang.org/x/time/rate`'s limiter.
struct TokenBucket {
    burst: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The bcrypt hash of "fakepassword" upstream checks unknown users
/// against, so that timing does not reveal which users exist.
const FAKE_HASH: &str = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
const AUTH_CACHE_SIZE: usize = 100;

/// A `--web.config.file` being served: reloads on change, checks basic
/// auth and the rate limit, adds the configured headers, and hands out the
/// TLS configuration per handshake.
pub struct WebConfigFile {
    path: PathBuf,
    loaded: Mutex<Loaded>,
    auth_cache: Mutex<HashMap<(String, String, String), bool>>,
    bcrypt_lock: Arc<Mutex<()>>,
    limiter: Option<Mutex<TokenBucket>>,
}

/// The outcome of the per-request checks.
pub enum Gate {
    /// Serve the request, then add these headers to the response.
    Pass(Vec<(HeaderName, HeaderValue)>),
    /// Answer with this status, headers and body instead.
    Refuse(
        http::StatusCode,
        Vec<(HeaderName, HeaderValue)>,
        &'static str,
    ),
}

impl WebConfigFile {
    /// Load and validate the file (exporter-toolkit's `Validate`).
    pub fn open(path: impl Into<PathBuf>) -> Result<Arc<Self>, WebConfigError> {
        let path = path.into();
        let loaded = Self::load(&path);
        let config = loaded.config.clone()?;
        if let Some(Err(e)) = &loaded.tls {
            return Err(e.clone());
        }
        let limiter = config.rate_limit.map(|(burst, interval)| {
            Mutex::new(TokenBucket {
                burst: f64::from(burst),
                per_second: 1.0 / interval.as_secs_f64().max(f64::MIN_POSITIVE),
                tokens: f64::from(burst),
                last: Instant::now(),
            })
        });
        Ok(Arc::new(WebConfigFile {
            path,
            loaded: Mutex::new(loaded),
            auth_cache: Mutex::new(HashMap::new()),
            bcrypt_lock: Arc::new(Mutex::new(())),
            limiter,
        }))
    }

    fn load(path: &Path) -> Loaded {
        let dir = path.parent().unwrap_or(Path::new("."));
        let config = fs::read_to_string(path)
            .map_err(|e| WebConfigError::Read(format!("open {}: {e}", path.display())))
            .and_then(|text| WebConfig::parse(&text, dir))
            .map(Arc::new);
        let tls = match &config {
            Ok(c) if c.tls_enabled() => Some(c.server_config()),
            _ => None,
        };
        let stamp = Self::stamp_for(path, config.as_ref().ok().map(Arc::as_ref));
        Loaded { stamp, config, tls }
    }

    fn stamp_for(path: &Path, config: Option<&WebConfig>) -> Stamp {
        let mut paths: Vec<&Path> = vec![path];
        if let Some(c) = config {
            paths.extend(
                [&c.tls.cert_file, &c.tls.key_file, &c.tls.client_ca_file]
                    .into_iter()
                    .flatten()
                    .map(PathBuf::as_path),
            );
        }
        stamp_of(&paths)
    }

    /// The current state, re-read if the file or its certificates changed.
    fn refreshed<T>(&self, f: impl FnOnce(&Loaded) -> T) -> T {
        let mut loaded = match self.loaded.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        let current = Self::stamp_for(&self.path, loaded.config.as_ref().ok().map(Arc::as_ref));
        if current != loaded.stamp {
            *loaded = Self::load(&self.path);
        }
        f(&loaded)
    }

    /// The configuration in force now.
    pub fn current(&self) -> Result<Arc<WebConfig>, WebConfigError> {
        self.refreshed(|l| l.config.clone())
    }

    /// Whether the listener must speak TLS (decided at start, as upstream).
    pub fn tls_enabled(&self) -> bool {
        self.current().is_ok_and(|c| c.tls_enabled())
    }

    /// The TLS configuration for a new handshake.
    pub fn tls_config(&self) -> Result<Arc<ServerConfig>, WebConfigError> {
        self.refreshed(|l| match &l.tls {
            Some(t) => t.clone(),
            None => match &l.config {
                Ok(_) => Err(WebConfigError::Tls("TLS config is not present".into())),
                Err(e) => Err(e.clone()),
            },
        })
    }

    /// exporter-toolkit's `webHandler`: config readable (else 500), rate
    /// limit (429), headers, then basic auth (401 with
    /// `WWW-Authenticate: Basic`).
    pub async fn gate(&self, request_headers: &HeaderMap) -> Gate {
        let config = match self.current() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(err = %e, "Unable to parse configuration");
                return Gate::Refuse(
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    Vec::new(),
                    "Internal Server Error",
                );
            }
        };
        if let Some(limiter) = &self.limiter {
            let allowed = match limiter.lock() {
                Ok(mut l) => l.allow(),
                Err(poisoned) => poisoned.into_inner().allow(),
            };
            if !allowed {
                return Gate::Refuse(
                    http::StatusCode::TOO_MANY_REQUESTS,
                    Vec::new(),
                    "Too Many Requests",
                );
            }
        }
        let headers = config.headers.clone();
        if config.users.is_empty() {
            return Gate::Pass(headers);
        }
        if let Some((user, pass)) = basic_auth(request_headers) {
            let known = config.users.get(&user);
            let hash = known.cloned().unwrap_or_else(|| FAKE_HASH.to_owned());
            if self.check_password(user, hash, pass).await && known.is_some() {
                return Gate::Pass(headers);
            }
        }
        let mut refuse_headers = headers;
        refuse_headers.push((header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic")));
        Gate::Refuse(
            http::StatusCode::UNAUTHORIZED,
            refuse_headers,
            "Unauthorized",
        )
    }

    async fn check_password(&self, user: String, hash: String, pass: String) -> bool {
        let key = (user, hash, pass);
        if let Ok(cache) = self.auth_cache.lock()
            && let Some(ok) = cache.get(&key)
        {
            return *ok;
        }
        let lock = Arc::clone(&self.bcrypt_lock);
        let (hash, pass) = (key.1.clone(), key.2.clone());
        let verified = tokio::task::spawn_blocking(move || {
            let _one_at_a_time = lock.lock();
            bcrypt::verify(pass.as_bytes(), &hash).unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        if let Ok(mut cache) = self.auth_cache.lock() {
            if cache.len() >= AUTH_CACHE_SIZE {
                let evict: Vec<_> = cache.keys().take(cache.len() / 10 + 1).cloned().collect();
                for k in evict {
                    cache.remove(&k);
                }
            }
            cache.insert(key, verified);
        }
        verified
    }
}

/// Go's `Request.BasicAuth`.
fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let prefix = value.get(..6)?;
    if !prefix.eq_ignore_ascii_case("Basic ") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.get(6..)?)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_allow_list_as_exporter_toolkit() {
        let dir = Path::new("/");
        assert_eq!(
            WebConfig::parse("http_server_config:\n  headers:\n    X-Foo: bar\n", dir).unwrap_err(),
            WebConfigError::Invalid("HTTP header \"X-Foo\" can not be configured".into())
        );
        assert_eq!(
            WebConfig::parse("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", dir).unwrap_err(),
            WebConfigError::Invalid("invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: \"allow\"".into())
        );
        let ok = WebConfig::parse("http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=1\n", dir).unwrap();
        assert_eq!(ok.headers.len(), 2);
        assert!(!ok.tls_enabled());
        assert!(
            WebConfig::parse("bogus: 1\n", dir).is_err(),
            "unknown keys are refused"
        );
        assert!(WebConfig::parse("", dir).is_ok());
    }

    #[test]
    fn tls_errors() {
        let dir = Path::new("/");
        assert_eq!(
            WebConfig::parse("tls_server_config:\n  key_file: k.pem\n", dir).unwrap_err(),
            WebConfigError::Tls("missing one of cert or cert_file".into())
        );
        assert_eq!(
            WebConfig::parse("tls_server_config:\n  cert_file: c.pem\n", dir).unwrap_err(),
            WebConfigError::Tls("missing one of key or key_file".into())
        );
        assert!(matches!(
            WebConfig::parse("tls_server_config:\n  cert_file: /nonexistent/c.pem\n  key_file: k.pem\n", dir),
            Err(WebConfigError::Tls(m)) if m.starts_with("failed to read cert_file (/nonexistent/c.pem)")
        ));
        assert_eq!(
            WebConfig::parse("tls_server_config:\n  min_version: TLS9\n", dir).unwrap_err(),
            WebConfigError::Parse("unknown TLS version: TLS9".into())
        );
    }

    #[test]
    fn basic_auth_header_parsing() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("basic dXNlcjpwYTpzcw=="),
        );
        assert_eq!(basic_auth(&h), Some(("user".into(), "pa:ss".into())));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(basic_auth(&h), None);
    }

    #[test]
    fn bad_bcrypt_hashes_are_refused() {
        let dir = Path::new("/");
        assert!(matches!(
            WebConfig::parse("basic_auth_users:\n  alice: notahash\n", dir),
            Err(WebConfigError::Invalid(_))
        ));
        assert!(
            WebConfig::parse(&format!("basic_auth_users:\n  alice: '{FAKE_HASH}'\n"), dir).is_ok()
        );
    }
}
