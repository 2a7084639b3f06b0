//! The stand-in for webhook receivers and providers in both test binaries
//! (`tests/notify`, `tests/providers`): a real HTTP/1.1 (or HTTPS) server on
//! 127.0.0.1:0 that records every request and answers as the test says
//! (status, content type, body, `Location`, delay). Stops when dropped.
//! Each binary uses part of it.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("body is UTF-8")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// How the server answers one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
    pub delay: Duration,
    pub location: Option<String>,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            content_type: None,
            body: String::new(),
            delay: Duration::ZERO,
            location: None,
        }
    }

    pub fn text(status: u16, body: &str) -> Self {
        Reply {
            content_type: Some("text/plain; charset=utf-8".into()),
            body: body.into(),
            ..Reply::status(status)
        }
    }

    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            content_type: Some("application/json; charset=utf-8".into()),
            body: body.into(),
            ..Reply::status(status)
        }
    }

    pub fn with_body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn redirect_to(mut self, location: &str) -> Self {
        self.location = Some(location.to_owned());
        self
    }
}

type Responder = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// A recording HTTP/1.1 server; stops when dropped.
pub struct RecordingServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
    scheme: &'static str,
}

impl RecordingServer {
    /// A plain HTTP server answering every request with `reply`.
    pub async fn start(reply: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_inner(Arc::new(reply), None).await
    }

    /// An HTTPS server using `tls`.
    pub async fn start_tls(
        tls: Arc<rustls::ServerConfig>,
        reply: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_inner(Arc::new(reply), Some(tokio_rustls::TlsAcceptor::from(tls))).await
    }

    /// Always `200 OK` with an empty body.
    pub async fn ok() -> Self {
        Self::answering(200).await
    }

    /// Answers everything with `status` and an empty body.
    pub async fn answering(status: u16) -> Self {
        Self::start(move |_| Reply::status(status)).await
    }

    async fn start_inner(reply: Arc<Responder>, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let scheme = if tls.is_some() { "https" } else { "http" };
        let (req_log, conn_count) = (requests.clone(), connections.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                conn_count.fetch_add(1, Ordering::SeqCst);
                let (reply, req_log, tls) = (reply.clone(), req_log.clone(), tls.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let (reply, req_log) = (reply.clone(), req_log.clone());
                        async move { Ok::<_, Infallible>(handle(req, &*reply, &req_log).await) }
                    });
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let _ = http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), service)
                                    .await;
                            }
                        }
                        None => {
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                    }
                });
            }
        });
        RecordingServer {
            addr,
            requests,
            connections,
            task,
            scheme,
        }
    }

    /// `http://127.0.0.1:<port><path>` (or https).
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    /// The only request received (panics otherwise).
    pub fn single_request(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:?}");
        all.into_iter().next().expect("one request")
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    req: Request<Incoming>,
    reply: &Responder,
    log: &Mutex<Vec<Recorded>>,
) -> Response<Full<Bytes>> {
    let method = req.method().to_string();
    let uri = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let headers = req
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let recorded = Recorded {
        method,
        uri,
        headers,
        body,
    };
    let answer = reply(&recorded);
    log.lock().expect("lock").push(recorded);
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let mut response = Response::builder().status(answer.status);
    if let Some(content_type) = &answer.content_type {
        response = response.header("content-type", content_type);
    }
    if let Some(location) = &answer.location {
        response = response.header("location", location);
    }
    response
        .body(Full::new(Bytes::from(answer.body)))
        .expect("response")
}
