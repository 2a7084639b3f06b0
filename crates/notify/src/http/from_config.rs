//! The bridge from the configuration layer to the HTTP client:
//! [`HttpClientSettings::from_config`] turns a validated `http_config`
//! block (`tocsin_config::http::HttpClientConfig`, paths already resolved,
//! deprecated `bearer_token` already moved into `authorization`) into plain
//! client settings. Inline values and `*_file` paths are kept apart so files
//! are read when used, as upstream does. What tocsin cannot honour yet
//! (the `*_ref` secret-manager references, `oauth2`'s JWT-bearer grant) is
//! refused here rather than silently sending unauthenticated requests.

use tocsin_config::common::ProxyUrl;
use tocsin_config::http::{
    Authorization as AuthorizationConfig, BasicAuth as BasicAuthConfig, HttpClientConfig,
    OAuth2 as OAuth2Config, ProxyHeader, TlsConfig, TlsVersion as ConfigTlsVersion,
};

use super::settings::{
    Authorization, BasicAuth, HttpClientSettings, HttpHeader, OAuth2Settings, ProxySettings,
    Secret, TlsSettings, TlsVersion,
};
use crate::BuildError;

impl HttpClientSettings {
    /// The client settings of one `http_config` block.
    pub fn from_config(config: &HttpClientConfig) -> Result<Self, BuildError> {
        let basic_auth = config.basic_auth.as_ref().map(basic_auth).transpose()?;
        let authorization = config
            .authorization
            .as_ref()
            .map(authorization)
            .transpose()?;
        let oauth2 = config.oauth2.as_ref().map(oauth2).transpose()?;
        let http_headers = match &config.http_headers {
            None => Vec::new(),
            Some(headers) => headers
                .0
                .iter()
                .map(|(name, header)| HttpHeader {
                    name: name.clone(),
                    values: header.values.clone(),
                    secrets: header
                        .secrets
                        .iter()
                        .map(|s| s.expose().to_owned())
                        .collect(),
                    files: header.files.iter().map(Into::into).collect(),
                })
                .collect(),
        };
        Ok(HttpClientSettings {
            basic_auth,
            authorization,
            oauth2,
            tls: tls_settings(&config.tls_config)?,
            proxy: proxy_settings(
                config.proxy_url.as_ref(),
                &config.no_proxy,
                config.proxy_from_environment,
                &config.proxy_connect_header,
            ),
            follow_redirects: config.follow_redirects,
            enable_http2: config.enable_http2,
            http_headers,
        })
    }
}

/// The `tls_config` of an HTTP client (also used for SMTP connections).
pub(crate) fn tls_settings(config: &TlsConfig) -> Result<TlsSettings, BuildError> {
    for (field, value) in [
        ("ca_ref", &config.ca_ref),
        ("cert_ref", &config.cert_ref),
        ("key_ref", &config.key_ref),
    ] {
        refuse_ref(&format!("tls_config.{field}"), value)?;
    }
    Ok(TlsSettings {
        ca: inline_or_file(&config.ca, &config.ca_file),
        cert: inline_or_file(&config.cert, &config.cert_file),
        key: inline_or_file(config.key.expose(), &config.key_file),
        server_name: (!config.server_name.is_empty()).then(|| config.server_name.clone()),
        insecure_skip_verify: config.insecure_skip_verify,
        min_version: tls_version(config.min_version),
        max_version: tls_version(config.max_version),
    })
}

fn proxy_settings(
    proxy_url: Option<&ProxyUrl>,
    no_proxy: &str,
    proxy_from_environment: bool,
    proxy_connect_header: &ProxyHeader,
) -> ProxySettings {
    ProxySettings {
        proxy_url: proxy_url.map(|u| u.0.to_string()),
        no_proxy: (!no_proxy.is_empty()).then(|| no_proxy.to_owned()),
        proxy_from_environment,
        proxy_connect_header: proxy_connect_header
            .0
            .iter()
            .map(|(name, values)| {
                (
                    name.clone(),
                    values.iter().map(|v| v.expose().to_owned()).collect(),
                )
            })
            .collect(),
    }
}

/// Only the client-credentials grant (upstream's default) is supported.
fn oauth2(config: &OAuth2Config) -> Result<OAuth2Settings, BuildError> {
    refuse_ref("oauth2.client_secret_ref", &config.client_secret_ref)?;
    if !config.grant_type.is_empty() && config.grant_type != "client_credentials" {
        return Err(BuildError::Unsupported(format!(
            "http_config oauth2.grant_type {:?}",
            config.grant_type
        )));
    }
    Ok(OAuth2Settings {
        client_id: config.client_id.clone(),
        client_secret: secret(config.client_secret.expose(), &config.client_secret_file),
        scopes: config.scopes.clone(),
        token_url: config.token_url.clone(),
        endpoint_params: config
            .endpoint_params
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        tls: tls_settings(&config.tls_config)?,
        proxy: proxy_settings(
            config.proxy_url.as_ref(),
            &config.no_proxy,
            config.proxy_from_environment,
            &config.proxy_connect_header,
        ),
    })
}

fn basic_auth(config: &BasicAuthConfig) -> Result<BasicAuth, BuildError> {
    refuse_ref("basic_auth.username_ref", &config.username_ref)?;
    refuse_ref("basic_auth.password_ref", &config.password_ref)?;
    Ok(BasicAuth {
        username: secret(&config.username, &config.username_file),
        password: secret(config.password.expose(), &config.password_file),
    })
}

fn authorization(config: &AuthorizationConfig) -> Result<Authorization, BuildError> {
    refuse_ref("authorization.credentials_ref", &config.credentials_ref)?;
    Ok(Authorization {
        auth_type: config.auth_type.clone(),
        credentials: secret(config.credentials.expose(), &config.credentials_file),
    })
}

fn refuse_ref(field: &str, value: &str) -> Result<(), BuildError> {
    if value.is_empty() {
        Ok(())
    } else {
        Err(BuildError::Unsupported(format!("http_config {field}")))
    }
}

/// A file wins over an inline value (the configuration layer allows only
/// one of them).
fn secret(inline: &str, file: &str) -> Secret {
    if file.is_empty() {
        Secret::Inline(inline.to_owned())
    } else {
        Secret::File(file.into())
    }
}

fn inline_or_file(inline: &str, file: &str) -> Option<Secret> {
    match (inline.is_empty(), file.is_empty()) {
        (true, true) => None,
        _ => Some(secret(inline, file)),
    }
}

fn tls_version(version: ConfigTlsVersion) -> Option<TlsVersion> {
    match version {
        ConfigTlsVersion::Unset => None,
        ConfigTlsVersion::Tls10 => Some(TlsVersion::Tls10),
        ConfigTlsVersion::Tls11 => Some(TlsVersion::Tls11),
        ConfigTlsVersion::Tls12 => Some(TlsVersion::Tls12),
        ConfigTlsVersion::Tls13 => Some(TlsVersion::Tls13),
    }
}
