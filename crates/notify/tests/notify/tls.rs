//! `tls_config` against a real HTTPS server using the test CA in
//! `tests/fixtures` (server certificate valid for `localhost` only).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::notifier::{Notifier, NotifyError};
use tocsin_notify::http::{HttpClientSettings, Secret, TlsSettings, TlsVersion};
use tocsin_notify::{IntegrationEnv, WebhookNotifier, WebhookSettings, WebhookUrl};

use crate::support::{RecordingServer, Reply, alert, context, utc};
use tocsin_alerting::alert::Time;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

fn server_config(require_client_cert: bool) -> Arc<rustls::ServerConfig> {
    server_config_with(
        require_client_cert,
        &[&rustls::version::TLS12, &rustls::version::TLS13],
    )
}

fn server_config_with(
    require_client_cert: bool,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture("server.pem"))
        .expect("pem")
        .collect::<Result<_, _>>()
        .expect("certs");
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).expect("key");
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .expect("versions");
    let builder = if require_client_cert {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(fixture("ca.pem")).expect("pem") {
            roots.add(cert.expect("cert")).expect("add");
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("verifier");
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(builder.with_single_cert(chain, key).expect("server config"))
}

fn notifier(url: String, tls: TlsSettings) -> WebhookNotifier {
    let settings = WebhookSettings {
        url: WebhookUrl::Inline(url),
        max_alerts: 0,
        timeout: Duration::from_secs(5),
        send_resolved: true,
        http: HttpClientSettings {
            tls,
            ..Default::default()
        },
    };
    let env = IntegrationEnv {
        external_url: "http://am".into(),
        user_agent: "Alertmanager/0.34.0".into(),
        clock: Clock::system(),
    };
    WebhookNotifier::new(settings, 0, &env).expect("notifier")
}

async fn send(n: &WebhookNotifier) -> Result<(), NotifyError> {
    let ctx = context("r", &[], "first notification");
    n.notify(
        &ctx,
        &[alert(
            &[("alertname", "A")],
            &[],
            utc("2026-01-01T00:00:00Z"),
            Time::ZERO,
        )],
    )
    .await
}

fn with_ca() -> TlsSettings {
    TlsSettings {
        ca: Some(Secret::File(fixture("ca.pem"))),
        ..Default::default()
    }
}

#[tokio::test]
async fn ca_file_verifies_the_server() {
    let server = RecordingServer::start_tls(server_config(false), |_| Reply::status(200)).await;
    let url = format!("https://localhost:{}/", server.addr.port());
    send(&notifier(url, with_ca())).await.expect("trusted");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_issuer_and_wrong_name_fail_retryably() {
    let server = RecordingServer::start_tls(server_config(false), |_| Reply::status(200)).await;
    let by_name = format!("https://localhost:{}/", server.addr.port());
    let err = send(&notifier(by_name, TlsSettings::default()))
        .await
        .expect_err("system roots lack the test CA");
    assert!(err.retry, "{err:?}");
    let by_ip = format!("https://127.0.0.1:{}/", server.addr.port());
    let err = send(&notifier(by_ip, with_ca()))
        .await
        .expect_err("certificate is for localhost");
    assert!(err.retry, "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn server_name_overrides_the_url_host() {
    let server = RecordingServer::start_tls(server_config(false), |_| Reply::status(200)).await;
    let by_ip = format!("https://127.0.0.1:{}/", server.addr.port());
    let tls = TlsSettings {
        server_name: Some("localhost".into()),
        ..with_ca()
    };
    send(&notifier(by_ip, tls))
        .await
        .expect("verified as localhost");
}

#[tokio::test]
async fn insecure_skip_verify_accepts_any_certificate() {
    let server = RecordingServer::start_tls(server_config(false), |_| Reply::status(200)).await;
    let by_ip = format!("https://127.0.0.1:{}/", server.addr.port());
    let tls = TlsSettings {
        insecure_skip_verify: true,
        ..Default::default()
    };
    send(&notifier(by_ip, tls)).await.expect("unverified");
}

#[tokio::test]
async fn client_certificate_for_mutual_tls() {
    let server = RecordingServer::start_tls(server_config(true), |_| Reply::status(200)).await;
    let url = format!("https://localhost:{}/", server.addr.port());
    send(&notifier(url.clone(), with_ca()))
        .await
        .expect_err("client certificate required");
    let tls = TlsSettings {
        cert: Some(Secret::File(fixture("client.pem"))),
        key: Some(Secret::File(fixture("client.key"))),
        ..with_ca()
    };
    send(&notifier(url, tls)).await.expect("mutual TLS");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn version_bounds_are_honoured() {
    let server = RecordingServer::start_tls(
        server_config_with(false, &[&rustls::version::TLS12]),
        |_| Reply::status(200),
    )
    .await;
    let url = format!("https://localhost:{}/", server.addr.port());
    send(&notifier(url.clone(), with_ca()))
        .await
        .expect("TLS 1.2 allowed by default");
    let tls = TlsSettings {
        min_version: Some(TlsVersion::Tls13),
        ..with_ca()
    };
    let err = send(&notifier(url, tls))
        .await
        .expect_err("server only speaks TLS 1.2");
    assert!(err.retry, "{err:?}");
    assert_eq!(server.requests().len(), 1);
}
