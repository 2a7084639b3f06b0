//! `HttpClientSettings::from_config`: every `http_config` field loaded from
//! YAML by the real configuration loader lands in the client settings;
//! what tocsin cannot honour is refused.

use tocsin_notify::BuildError;
use tocsin_notify::http::{
    Authorization, BasicAuth, HttpClientSettings, HttpHeader, OAuth2Settings, ProxySettings,
    Secret, TlsSettings, TlsVersion,
};

use crate::support::receiver;

fn settings(http_config: &str) -> Result<HttpClientSettings, BuildError> {
    let receiver = receiver(
        "",
        &format!(
            "- name: team\n  webhook_configs:\n  - url: http://h/\n    http_config:\n{http_config}"
        ),
    );
    let webhook = receiver.webhook_configs.first().expect("webhook");
    HttpClientSettings::from_config(webhook.http_config.as_ref().expect("http_config"))
}

#[test]
fn every_field_is_mapped() {
    let got = settings(
        r#"      basic_auth:
        username: user
        password_file: /etc/pw
      tls_config:
        ca: "-----BEGIN CERTIFICATE-----"
        cert_file: /etc/cert.pem
        key_file: /etc/key.pem
        server_name: api.example
        insecure_skip_verify: true
        min_version: TLS12
        max_version: TLS13
      follow_redirects: false
      enable_http2: false
      proxy_url: http://proxy:3128
      no_proxy: localhost,10.0.0.0/8
      proxy_connect_header:
        X-Proxy: [a, b]
      http_headers:
        X-Team:
          values: [ops]
          secrets: [s3cret]
          files: [/etc/header]
"#,
    )
    .expect("settings");
    assert_eq!(
        got,
        HttpClientSettings {
            basic_auth: Some(BasicAuth {
                username: Secret::Inline("user".into()),
                password: Secret::File("/etc/pw".into()),
            }),
            authorization: None,
            oauth2: None,
            tls: TlsSettings {
                ca: Some(Secret::Inline("-----BEGIN CERTIFICATE-----".into())),
                cert: Some(Secret::File("/etc/cert.pem".into())),
                key: Some(Secret::File("/etc/key.pem".into())),
                server_name: Some("api.example".into()),
                insecure_skip_verify: true,
                min_version: Some(TlsVersion::Tls12),
                max_version: Some(TlsVersion::Tls13),
            },
            proxy: ProxySettings {
                proxy_url: Some("http://proxy:3128".into()),
                no_proxy: Some("localhost,10.0.0.0/8".into()),
                proxy_from_environment: false,
                proxy_connect_header: vec![("X-Proxy".into(), vec!["a".into(), "b".into()])],
            },
            follow_redirects: false,
            enable_http2: false,
            http_headers: vec![HttpHeader {
                name: "X-Team".into(),
                values: vec!["ops".into()],
                secrets: vec!["s3cret".into()],
                files: vec!["/etc/header".into()],
            }],
        }
    );
}

#[test]
fn bearer_tokens_become_authorization() {
    let got = settings("      bearer_token_file: /etc/token\n").expect("settings");
    assert_eq!(
        got.authorization,
        Some(Authorization {
            auth_type: "Bearer".into(),
            credentials: Secret::File("/etc/token".into()),
        })
    );
    let got = settings("      authorization:\n        type: Token\n        credentials: abc\n")
        .expect("settings");
    assert_eq!(
        got.authorization,
        Some(Authorization {
            auth_type: "Token".into(),
            credentials: Secret::Inline("abc".into()),
        })
    );
    assert_eq!(
        settings("      {}\n").expect("defaults"),
        HttpClientSettings::default()
    );
}

#[test]
fn oauth2_client_credentials_are_mapped() {
    let got = settings(
        "      oauth2:\n        client_id: id\n        client_secret_file: /etc/secret\n        scopes: [a, b]\n        token_url: http://t/token\n        endpoint_params:\n          audience: x\n        proxy_url: http://proxy:3128\n        tls_config:\n          server_name: t.example\n",
    )
    .expect("settings");
    assert_eq!(
        got.oauth2,
        Some(OAuth2Settings {
            client_id: "id".into(),
            client_secret: Secret::File("/etc/secret".into()),
            scopes: vec!["a".into(), "b".into()],
            token_url: "http://t/token".into(),
            endpoint_params: vec![("audience".into(), "x".into())],
            tls: TlsSettings {
                server_name: Some("t.example".into()),
                ..TlsSettings::default()
            },
            proxy: ProxySettings {
                proxy_url: Some("http://proxy:3128".into()),
                ..ProxySettings::default()
            },
        })
    );
}

#[test]
fn oauth2_secret_references_are_refused() {
    let err = settings(
        "      oauth2:\n        client_id: id\n        client_secret_ref: vault\n        token_url: http://t/\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "http_config oauth2.client_secret_ref is not supported"
    );
}
