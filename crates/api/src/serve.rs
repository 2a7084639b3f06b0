//! Serving the router on listeners: HTTP/1.1 over plain TCP or TLS (as
//! `--web.config.file` says), the web config's per-request gate (rate
//! limit, basic auth, extra headers), and graceful shutdown: when the
//! shutdown future completes, listeners stop accepting, in-flight requests
//! finish (up to the grace period), idle keep-alive connections close.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, Request, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio_rustls::LazyConfigAcceptor;
use tower_service::Service as _;

use crate::web_config::{Gate, WebConfigFile};

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("no listeners to serve on")]
    NoListeners,
    #[error("{0}")]
    WebConfig(#[from] crate::web_config::WebConfigError),
}

/// What [`serve`] needs besides the router and the listeners.
#[derive(Clone)]
pub struct ServeOptions {
    /// `--web.config.file`, already opened (validated).
    pub web_config: Option<Arc<WebConfigFile>>,
    /// How long to wait for in-flight requests after shutdown is asked.
    pub grace_period: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            web_config: None,
            grace_period: Duration::from_secs(30),
        }
    }
}

/// Serve `router` on every listener until `shutdown` completes, then shut
/// down gracefully. TLS is used when the web config enables it.
pub async fn serve(
    listeners: Vec<TcpListener>,
    router: axum::Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if listeners.is_empty() {
        return Err(ServeError::NoListeners);
    }
    let tls = match &options.web_config {
        Some(wc) => wc.current()?.tls_enabled(),
        None => false,
    };
    for l in &listeners {
        if let Ok(addr) = l.local_addr() {
            tracing::info!(address = %addr, tls, "Listening on");
        }
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every connection task holds a sender; when all are gone the
    // receiver sees the channel closed.
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let mut accept_loops = Vec::new();
    for listener in listeners {
        let ctx = ConnectionContext {
            router: router.clone(),
            web_config: options.web_config.clone(),
            tls,
            stop: stop_rx.clone(),
            alive: alive_tx.clone(),
        };
        let mut stop = stop_rx.clone();
        accept_loops.push(tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped(&mut stop) => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, peer)) => ctx.spawn_connection(stream, peer),
                        Err(e) => {
                            tracing::debug!(err = %e, "accept failed");
                            // Back off a little on e.g. EMFILE.
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    },
                }
            }
        }));
    }
    drop(alive_tx);
    shutdown.await;
    let _ = stop_tx.send(true);
    for l in accept_loops {
        let _ = l.await;
    }
    if tokio::time::timeout(options.grace_period, alive_rx.recv())
        .await
        .is_err()
    {
        tracing::warn!("graceful shutdown timed out; dropping remaining connections");
    }
    Ok(())
}

#[derive(Clone)]
struct ConnectionContext {
    router: axum::Router,
    web_config: Option<Arc<WebConfigFile>>,
    tls: bool,
    stop: watch::Receiver<bool>,
    alive: mpsc::Sender<()>,
}

/// Resolves once shutdown has been asked for.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await.map(|_| ());
}

/// Serve one connection; on shutdown, finish the request in flight and
/// close.
async fn drive<I>(io: I, service: RequestService, mut stop: watch::Receiver<bool>, peer: SocketAddr)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new());
    let conn = builder.serve_connection(
        io,
        hyper::service::service_fn(move |req| service.clone().call(req)),
    );
    tokio::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        _ = stopped(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%peer, err = %e, "connection error");
    }
}

impl ConnectionContext {
    fn spawn_connection(&self, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let service = RequestService {
            router: self.router.clone(),
            web_config: self.web_config.clone(),
        };
        let alive = self.alive.clone();
        let mut stop = self.stop.clone();
        if !self.tls {
            tokio::spawn(async move {
                drive(TokioIo::new(stream), service, stop, peer).await;
                drop(alive);
            });
            return;
        }
        let Some(web_config) = self.web_config.clone() else {
            return;
        };
        tokio::spawn(async move {
            let handshake = async {
                let start =
                    LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream).await?;
                let config = web_config.tls_config().map_err(std::io::Error::other)?;
                start.into_stream(config).await
            };
            let outcome = tokio::select! {
                r = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake) => r,
                _ = stopped(&mut stop) => return,
            };
            match outcome {
                Ok(Ok(tls_stream)) => drive(TokioIo::new(tls_stream), service, stop, peer).await,
                Ok(Err(e)) => tracing::debug!(%peer, err = %e, "TLS handshake error"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
            drop(alive);
        });
    }
}

/// The router behind the web config's gate.
#[derive(Clone)]
struct RequestService {
    router: axum::Router,
    web_config: Option<Arc<WebConfigFile>>,
}

impl RequestService {
    async fn call(mut self, req: Request<Incoming>) -> Result<Response, Infallible> {
        let mut extra = Vec::new();
        if let Some(wc) = &self.web_config {
            match wc.gate(req.headers()).await {
                Gate::Pass(headers) => extra = headers,
                Gate::Refuse(status, headers, text) => {
                    let mut resp = Response::new(Body::from(format!("{text}\n")));
                    *resp.status_mut() = status;
                    let h = resp.headers_mut();
                    for (k, v) in headers {
                        h.insert(k, v);
                    }
                    h.insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; charset=utf-8"),
                    );
                    h.insert(
                        "x-content-type-options",
                        HeaderValue::from_static("nosniff"),
                    );
                    return Ok(resp);
                }
            }
        }
        let req = req.map(Body::new);
        let mut resp = match self.router.call(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let h = resp.headers_mut();
        for (k, v) in extra {
            h.insert(k, v);
        }
        Ok(resp)
    }
}
