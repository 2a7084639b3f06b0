//! From an integration's `http_config:` as the configuration crate loaded
//! it (global settings already inherited, relative paths already resolved)
//! to the notify crate's [`HttpClientSettings`]. Settings the notify crate
//! cannot honour yet (`oauth2`, secret-manager `*_ref` fields) are reported
//! as [`Unsupported`], so the caller can make the integration fail loudly
//! instead of sending unauthenticated requests.

use std::path::PathBuf;

use tocsin_config::http::{HttpClientConfig, TlsConfig, TlsVersion as ConfigTlsVersion};
use tocsin_notify::http::{
    Authorization, BasicAuth, HttpClientSettings, HttpHeader, ProxySettings, Secret, TlsSettings,
    TlsVersion,
};

/// An `http_config` setting tocsin cannot apply yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("http_config: {0} is not supported by tocsin yet")]
pub struct Unsupported(pub &'static str);

/// `value` inline, else `file`, else nothing.
fn secret(value: &str, file: &str) -> Option<Secret> {
    if !value.is_empty() {
        Some(Secret::Inline(value.to_owned()))
    } else if !file.is_empty() {
        Some(Secret::File(PathBuf::from(file)))
    } else {
        None
    }
}

fn tls_version(v: ConfigTlsVersion) -> Option<TlsVersion> {
    match v {
        ConfigTlsVersion::Unset => None,
        ConfigTlsVersion::Tls10 => Some(TlsVersion::Tls10),
        ConfigTlsVersion::Tls11 => Some(TlsVersion::Tls11),
        ConfigTlsVersion::Tls12 => Some(TlsVersion::Tls12),
        ConfigTlsVersion::Tls13 => Some(TlsVersion::Tls13),
    }
}

fn tls(c: &TlsConfig) -> Result<TlsSettings, Unsupported> {
    if !c.ca_ref.is_empty() || !c.cert_ref.is_empty() || !c.key_ref.is_empty() {
        return Err(Unsupported("tls_config secret references (*_ref)"));
    }
    Ok(TlsSettings {
        ca: secret(&c.ca, &c.ca_file),
        cert: secret(&c.cert, &c.cert_file),
        key: secret(c.key.expose(), &c.key_file),
        server_name: Some(c.server_name.clone()).filter(|s| !s.is_empty()),
        insecure_skip_verify: c.insecure_skip_verify,
        min_version: tls_version(c.min_version),
        max_version: tls_version(c.max_version),
    })
}

/// The client settings for `config` (`None` = upstream's defaults).
pub fn settings(config: Option<&HttpClientConfig>) -> Result<HttpClientSettings, Unsupported> {
    let Some(c) = config else {
        return Ok(HttpClientSettings::default());
    };
    if c.oauth2.is_some() {
        return Err(Unsupported("oauth2"));
    }
    let basic_auth = match &c.basic_auth {
        None => None,
        Some(b) => {
            if !b.username_ref.is_empty() || !b.password_ref.is_empty() {
                return Err(Unsupported("basic_auth secret references (*_ref)"));
            }
            Some(BasicAuth {
                username: secret(&b.username, &b.username_file).unwrap_or_default(),
                password: secret(b.password.expose(), &b.password_file).unwrap_or_default(),
            })
        }
    };
    let authorization = match &c.authorization {
        None => None,
        Some(a) => {
            if !a.credentials_ref.is_empty() {
                return Err(Unsupported("authorization credentials_ref"));
            }
            Some(Authorization {
                auth_type: if a.auth_type.is_empty() {
                    "Bearer".to_owned()
                } else {
                    a.auth_type.clone()
                },
                credentials: secret(a.credentials.expose(), &a.credentials_file)
                    .unwrap_or_default(),
            })
        }
    };
    let proxy = ProxySettings {
        proxy_url: c
            .proxy_url
            .as_ref()
            .map(|u| u.0.to_string())
            .filter(|u| !u.is_empty()),
        no_proxy: Some(c.no_proxy.clone()).filter(|s| !s.is_empty()),
        proxy_from_environment: c.proxy_from_environment,
        proxy_connect_header: c
            .proxy_connect_header
            .0
            .iter()
            .map(|(name, values)| {
                (
                    name.clone(),
                    values.iter().map(|v| v.expose().to_owned()).collect(),
                )
            })
            .collect(),
    };
    let http_headers = c
        .http_headers
        .iter()
        .flat_map(|h| h.0.iter())
        .map(|(name, header)| HttpHeader {
            name: name.clone(),
            values: header.values.clone(),
            secrets: header
                .secrets
                .iter()
                .map(|s| s.expose().to_owned())
                .collect(),
            files: header.files.iter().map(PathBuf::from).collect(),
        })
        .collect();
    Ok(HttpClientSettings {
        basic_auth,
        authorization,
        tls: tls(&c.tls_config)?,
        proxy,
        follow_redirects: c.follow_redirects,
        enable_http2: c.enable_http2,
        http_headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> tocsin_config::Config {
        match tocsin_config::load_str(yaml, "test.yml") {
            Ok(loaded) => loaded.config,
            Err(e) => panic!("{}", e.first_upstream_message()),
        }
    }

    fn webhook_http(config: &tocsin_config::Config) -> Option<&HttpClientConfig> {
        config.receivers[0].webhook_configs[0].http_config.as_ref()
    }

    #[test]
    fn defaults_follow_upstream() {
        let c = load(
            "route: {receiver: r}\nreceivers:\n- name: r\n  webhook_configs: [{url: 'http://x/'}]\n",
        );
        let s = settings(webhook_http(&c)).unwrap();
        assert_eq!(s, HttpClientSettings::default());
    }

    #[test]
    fn credentials_tls_and_headers_are_carried_over() {
        let c = load(
            r#"
route: {receiver: r}
receivers:
- name: r
  webhook_configs:
  - url: 'http://x/'
    http_config:
      authorization: {credentials_file: /etc/token}
      tls_config: {ca_file: /etc/ca.pem, server_name: hook.example, min_version: TLS12}
      follow_redirects: false
      http_headers:
        X-Team: {values: [a, b]}
"#,
        );
        let s = settings(webhook_http(&c)).unwrap();
        let auth = s.authorization.unwrap();
        assert_eq!(auth.auth_type, "Bearer");
        assert_eq!(auth.credentials, Secret::File("/etc/token".into()));
        assert_eq!(s.tls.ca, Some(Secret::File("/etc/ca.pem".into())));
        assert_eq!(s.tls.server_name.as_deref(), Some("hook.example"));
        assert_eq!(s.tls.min_version, Some(TlsVersion::Tls12));
        assert!(!s.follow_redirects);
        assert_eq!(s.http_headers.len(), 1);
        assert_eq!(s.http_headers[0].values, ["a", "b"]);
    }

    #[test]
    fn oauth2_is_reported_unsupported() {
        let c = load(
            "route: {receiver: r}\nreceivers:\n- name: r\n  webhook_configs:\n  - url: 'http://x/'\n    http_config: {oauth2: {client_id: a, client_secret: b, token_url: 'http://t/'}}\n",
        );
        assert_eq!(settings(webhook_http(&c)), Err(Unsupported("oauth2")));
    }
}
