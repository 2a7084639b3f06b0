//! Everything around API v2 over real HTTP: health, readiness, reload,
//! `/metrics`, the v1 410 notices, httprouter behaviour, the route prefix,
//! the GET concurrency limit and timeout, `--web.config.file` (basic auth,
//! headers, TLS with a real handshake, client certificates) and graceful
//! shutdown. Expected texts follow Alertmanager 0.25 captures unless noted.

mod support;

use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use support::{FakeCore, Server, exchange};
use tocsin_api::{ApiOptions, ServeOptions, WebConfigFile};
use tokio::net::TcpStream;

#[tokio::test]
async fn health_ready_and_httprouter_behaviour() {
    let s = Server::start(ApiOptions::default()).await;
    for path in ["/-/healthy", "/-/ready"] {
        let r = s.get(path).await;
        assert_eq!((r.status, r.text().as_str()), (200, "OK"));
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        let r = s.send("HEAD", path, &[], b"").await;
        assert_eq!((r.status, r.header("content-type")), (200, None));
    }
    let r = s.send("POST", "/-/healthy", &[], b"").await;
    assert_eq!(
        (r.status, r.header("allow"), r.text().as_str()),
        (405, Some("GET, HEAD, OPTIONS"), "Method Not Allowed\n")
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let r = s.send("OPTIONS", "/-/healthy", &[], b"").await;
    assert_eq!(
        (r.status, r.header("allow"), r.body.len()),
        (200, Some("GET, HEAD, OPTIONS"), 0)
    );
    let r = s.get("/nope").await;
    assert_eq!((r.status, r.text().as_str()), (404, "404 page not found\n"));
    let r = s.send("OPTIONS", "/nope", &[], b"").await;
    assert_eq!(r.status, 404);
    // httprouter's trailing-slash and case redirects (307 for non-GET, v1.3).
    let r = s.get("/-/healthy/").await;
    assert_eq!((r.status, r.header("location")), (301, Some("/-/healthy")));
    let r = s.get("/-/HEALTHY?x=1").await;
    assert_eq!(
        (r.status, r.header("location")),
        (301, Some("/-/healthy?x=1"))
    );
    let r = s.send("POST", "/-/reload/", &[], b"").await;
    assert_eq!((r.status, r.header("location")), (307, Some("/-/reload")));
    let r = s.send("POST", "/metrics", &[], b"").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, OPTIONS")));
    let r = s.get("/").await;
    assert_eq!(r.status, 404, "no UI is served");
}

#[tokio::test]
async fn v1_is_gone() {
    let s = Server::start(ApiOptions::default()).await;
    let body = "{\"status\":\"deprecated\",\"error\":\"The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 - please use the equivalent route in the v2 API\"}\n";
    for (method, path) in [
        ("GET", "/api/v1/status"),
        ("POST", "/api/v1/alerts"),
        ("DELETE", "/api/v1/silence/abc"),
        ("GET", "/api/v1/receivers"),
    ] {
        let r = s.send(method, path, &[], b"").await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (410, body),
            "{method} {path}"
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    let r = s.send("PUT", "/api/v1/alerts", &[], b"").await;
    assert_eq!(
        (r.status, r.header("allow")),
        (405, Some("GET, OPTIONS, POST"))
    );
}

#[tokio::test]
async fn reload() {
    let s = Server::start(ApiOptions::default()).await;
    let r = s.send("POST", "/-/reload", &[], b"").await;
    assert_eq!(
        (r.status, r.body.len(), r.header("content-type")),
        (200, 0, None)
    );
    *s.core.reload_error.lock().unwrap() = Some("bad config".into());
    let r = s.send("POST", "/-/reload", &[], b"").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (500, "failed to reload config: bad config\n")
    );
    assert_eq!(s.core.reloads.load(std::sync::atomic::Ordering::Relaxed), 2);
    let r = s.get("/-/reload").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("OPTIONS, POST")));
}

#[tokio::test]
async fn metrics_endpoint_and_instrumentation() {
    let s = Server::start(ApiOptions::default()).await;
    assert_eq!(s.get("/-/healthy").await.status, 200);
    assert_eq!(s.post_json("/api/v2/alerts", "[]").await.status, 200);
    assert_eq!(
        s.get("/api/v2/silence/00000000-0000-0000-0000-000000000000")
            .await
            .status,
        404
    );
    let r = s.get("/metrics").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8; escaping=underscores")
    );
    let text = r.text();
    for line in [
        "alertmanager_http_request_duration_seconds_count{code=\"200\",handler=\"/-/healthy\",method=\"get\"} 1\n",
        "alertmanager_http_request_duration_seconds_count{code=\"200\",handler=\"/api/v2/alerts\",method=\"post\"} 1\n",
        "alertmanager_http_request_duration_seconds_count{code=\"404\",handler=\"/api/v2/silence/{silenceID}\",method=\"get\"} 1\n",
        "alertmanager_http_response_size_bytes_bucket{handler=\"/-/healthy\",method=\"get\",le=\"100\"} 1\n",
        "alertmanager_http_response_size_bytes_sum{handler=\"/-/healthy\",method=\"get\"} 2\n",
        "alertmanager_http_requests_in_flight{method=\"get\"} 1\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[tokio::test]
async fn route_prefix() {
    let s = Server::start(ApiOptions {
        route_prefix: "/am/".into(),
        ..ApiOptions::default()
    })
    .await;
    let r = s.get("/?x=1").await;
    assert_eq!(
        (r.status, r.header("location"), r.text().as_str()),
        (302, Some("/am"), "<a href=\"/am\">Found</a>.\n\n")
    );
    let r = s.send("POST", "/", &[], b"").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, OPTIONS")));
    assert_eq!(s.get("/am/-/healthy").await.text(), "OK");
    assert_eq!(s.get("/am/api/v2/alerts").await.text(), "[]\n");
    let r = s.get("/am/api/v2/nope").await;
    assert_eq!(
        r.text(),
        r#"{"code":404,"message":"path /api/v2/nope was not found"}"#
    );
    assert_eq!(s.get("/api/v2/status").await.text(), "404 page not found\n");
    assert_eq!(s.get("/-/healthy").await.status, 404);
    assert_eq!(s.get("/amx/api/v2/status").await.status, 404);
    assert_eq!(
        s.get("/am/api/v2").await.header("location"),
        Some("/am/api/v2/")
    );
}

#[tokio::test]
async fn get_concurrency_limit() {
    let core = Arc::new(FakeCore::default());
    *core.delay.lock().unwrap() = Duration::from_millis(500);
    let s = Server::start_with(
        core,
        ApiOptions {
            get_concurrency: 1,
            ..ApiOptions::default()
        },
        ServeOptions::default(),
    )
    .await;
    let slow = s.get("/api/v2/alerts");
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        s.get("/api/v2/status").await
    };
    let (slow, second) = tokio::join!(slow, second);
    assert_eq!(slow.status, 200);
    assert_eq!(
        (second.status, second.text().as_str()),
        (
            503,
            "Limit of concurrent GET requests reached (1), try again later.\n\n"
        )
    );
    // POSTs are not limited.
    assert!(
        s.metrics
            .render()
            .contains("alertmanager_http_concurrency_limit_exceeded_total{method=\"get\"} 1\n")
    );
}

#[tokio::test]
async fn web_timeout() {
    let core = Arc::new(FakeCore::default());
    *core.delay.lock().unwrap() = Duration::from_millis(400);
    let s = Server::start_with(
        core,
        ApiOptions {
            timeout: Duration::from_millis(100),
            ..ApiOptions::default()
        },
        ServeOptions::default(),
    )
    .await;
    let r = s.get("/api/v2/alerts/groups").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (503, "Exceeded configured timeout of 100ms.\n")
    );
    assert_eq!(s.get("/-/healthy").await.status, 200);
}

#[tokio::test]
async fn graceful_shutdown_finishes_requests() {
    let core = Arc::new(FakeCore::default());
    *core.delay.lock().unwrap() = Duration::from_millis(300);
    let mut s = Server::start_with(core, ApiOptions::default(), ServeOptions::default()).await;
    let addr = s.addr;
    let in_flight = tokio::spawn(async move {
        let stream = TcpStream::connect(addr).await.expect("connect");
        exchange(stream, "GET", "/api/v2/alerts", &[], b"").await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.shutdown().await;
    let r = in_flight.await.expect("request task");
    assert_eq!((r.status, r.text().as_str()), (200, "[]\n"));
    assert!(TcpStream::connect(addr).await.is_err(), "listener closed");
}

fn write(dir: &std::path::Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).expect("write");
}

#[tokio::test]
async fn basic_auth_and_headers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hash = bcrypt::hash("s3cret", 4).expect("hash");
    write(
        dir.path(),
        "web.yml",
        &format!(
            "basic_auth_users:\n  alice: '{hash}'\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n"
        ),
    );
    let web = WebConfigFile::open(dir.path().join("web.yml")).expect("web config");
    let s = Server::start_with(
        Arc::new(FakeCore::default()),
        ApiOptions::default(),
        ServeOptions {
            web_config: Some(web),
            ..ServeOptions::default()
        },
    )
    .await;
    let r = s.get("/-/healthy").await;
    assert_eq!(
        (r.status, r.header("www-authenticate"), r.text().as_str()),
        (401, Some("Basic"), "Unauthorized\n")
    );
    // alice:wrong
    let r = s
        .send(
            "GET",
            "/-/healthy",
            &[("Authorization", "Basic YWxpY2U6d3Jvbmc=")],
            b"",
        )
        .await;
    assert_eq!(r.status, 401);
    // bob:s3cret (unknown user)
    let r = s
        .send(
            "GET",
            "/-/healthy",
            &[("Authorization", "Basic Ym9iOnMzY3JldA==")],
            b"",
        )
        .await;
    assert_eq!(r.status, 401);
    // alice:s3cret, twice (the second check comes from the cache).
    for _ in 0..2 {
        let r = s
            .send(
                "GET",
                "/-/healthy",
                &[("Authorization", "Basic YWxpY2U6czNjcmV0")],
                b"",
            )
            .await;
        assert_eq!((r.status, r.text().as_str()), (200, "OK"));
        assert_eq!(r.header("x-frame-options"), Some("deny"));
    }
    // The file is re-read when it changes.
    write(
        dir.path(),
        "web.yml",
        "http_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n",
    );
    let r = s.get("/-/healthy").await;
    assert_eq!(
        (r.status, r.header("x-frame-options")),
        (200, Some("sameorigin"))
    );
    // A broken file makes requests fail with 500.
    write(dir.path(), "web.yml", "basic_auth_users: [\n");
    assert_eq!(s.get("/-/healthy").await.status, 500);
}

struct Pki {
    ca_pem: String,
    server_cert: String,
    server_key: String,
    client_chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    client_key: rustls::pki_types::PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key")).expect("ca");
    let server_key = KeyPair::generate().expect("server key");
    let server = CertificateParams::new(vec!["localhost".to_owned()])
        .expect("params")
        .signed_by(&server_key, &ca)
        .expect("server cert");
    let client_key = KeyPair::generate().expect("client key");
    let client = CertificateParams::new(vec!["client.example".to_owned()])
        .expect("params")
        .signed_by(&client_key, &ca)
        .expect("client cert");
    Pki {
        ca_pem: ca.pem(),
        server_cert: server.pem(),
        server_key: server_key.serialize_pem(),
        client_chain: vec![client.der().clone()],
        client_key: rustls::pki_types::PrivateKeyDer::try_from(client_key.serialize_der())
            .expect("client key der"),
    }
}

fn client_config(pki: &Pki, with_cert: bool) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(pki.ca_pem.as_bytes()) {
        roots.add(c.expect("ca pem")).expect("add root");
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots);
    let config = if with_cert {
        builder
            .with_client_auth_cert(pki.client_chain.clone(), pki.client_key.clone_key())
            .expect("client auth")
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(config)
}

async fn tls_get(
    addr: std::net::SocketAddr,
    config: Arc<rustls::ClientConfig>,
    headers: &[(&str, &str)],
) -> std::io::Result<support::Resp> {
    let tcp = TcpStream::connect(addr).await?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let tls = connector.connect(name, tcp).await?;
    Ok(exchange(tls, "GET", "/-/healthy", headers, b"").await)
}

#[tokio::test]
async fn tls_with_basic_auth() {
    let pki = pki();
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "cert.pem", &pki.server_cert);
    write(dir.path(), "key.pem", &pki.server_key);
    let hash = bcrypt::hash("pw", 4).expect("hash");
    write(
        dir.path(),
        "web.yml",
        &format!(
            "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS12\nbasic_auth_users:\n  u: '{hash}'\n"
        ),
    );
    let web = WebConfigFile::open(dir.path().join("web.yml")).expect("web config");
    let s = Server::start_with(
        Arc::new(FakeCore::default()),
        ApiOptions::default(),
        ServeOptions {
            web_config: Some(web),
            ..ServeOptions::default()
        },
    )
    .await;
    let config = client_config(&pki, false);
    let r = tls_get(s.addr, config.clone(), &[])
        .await
        .expect("TLS exchange");
    assert_eq!(
        (r.status, r.header("www-authenticate")),
        (401, Some("Basic"))
    );
    // u:pw
    let r = tls_get(s.addr, config, &[("Authorization", "Basic dTpwdw==")])
        .await
        .expect("TLS exchange");
    assert_eq!((r.status, r.text().as_str()), (200, "OK"));
    // Plain HTTP on a TLS listener gets no HTTP answer.
    let r = tokio::time::timeout(Duration::from_secs(5), async {
        let mut tcp = TcpStream::connect(s.addr).await.expect("connect");
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        tcp.write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        let mut buf = Vec::new();
        let _ = tcp.read_to_end(&mut buf).await;
        buf
    })
    .await
    .expect("server closes the connection");
    assert!(!r.starts_with(b"HTTP/1.1 200"));
}

#[tokio::test]
async fn tls_client_certificates() {
    let pki = pki();
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "cert.pem", &pki.server_cert);
    write(dir.path(), "key.pem", &pki.server_key);
    write(dir.path(), "ca.pem", &pki.ca_pem);
    write(
        dir.path(),
        "web.yml",
        "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_ca_file: ca.pem\n  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [client.example]\n",
    );
    let web = WebConfigFile::open(dir.path().join("web.yml")).expect("web config");
    let s = Server::start_with(
        Arc::new(FakeCore::default()),
        ApiOptions::default(),
        ServeOptions {
            web_config: Some(web),
            ..ServeOptions::default()
        },
    )
    .await;
    let r = tls_get(s.addr, client_config(&pki, true), &[])
        .await
        .expect("TLS exchange with a client certificate");
    assert_eq!((r.status, r.text().as_str()), (200, "OK"));
    let refused = tls_get(s.addr, client_config(&pki, false), &[]).await;
    assert!(
        refused.is_err() || refused.is_ok_and(|r| r.status != 200),
        "no client certificate, no service"
    );

    // A SAN that is not allowed is refused.
    write(
        dir.path(),
        "web.yml",
        "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_ca_file: ca.pem\n  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [other.example]\n",
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    let refused = tls_get(s.addr, client_config(&pki, true), &[]).await;
    assert!(refused.is_err() || refused.is_ok_and(|r| r.status != 200));

    // CA without a policy is a configuration error.
    write(
        dir.path(),
        "bad.yml",
        "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_ca_file: ca.pem\n",
    );
    let err = WebConfigFile::open(dir.path().join("bad.yml"))
        .err()
        .expect("refused");
    assert_eq!(
        err.to_string(),
        "client CA's have been configured without a Client Auth Policy"
    );
}

#[tokio::test]
async fn rate_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "web.yml",
        "rate_limit:\n  burst: 2\n  interval: 1h\n",
    );
    let web = WebConfigFile::open(dir.path().join("web.yml")).expect("web config");
    let s = Server::start_with(
        Arc::new(FakeCore::default()),
        ApiOptions::default(),
        ServeOptions {
            web_config: Some(web),
            ..ServeOptions::default()
        },
    )
    .await;
    assert_eq!(s.get("/-/healthy").await.status, 200);
    assert_eq!(s.get("/-/healthy").await.status, 200);
    let r = s.get("/-/healthy").await;
    assert_eq!((r.status, r.text().as_str()), (429, "Too Many Requests\n"));
}
