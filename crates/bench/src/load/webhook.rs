//! A local webhook receiver for the flush test: accepts Alertmanager
//! webhook notifications on `127.0.0.1:0`, answers 200 at once, and hands
//! each notification's arrival time, group key and group labels to the
//! measurement over a channel. It keeps no state of its own.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::LoadError;

/// One notification as received.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub at: Instant,
    pub group_key: String,
    pub group_labels: HashMap<String, String>,
    pub alerts: usize,
}

/// What the receiver reports: a notification, or a request it could not
/// read (counted as an error by the measurement).
pub type Received = Result<Delivery, String>;

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "groupKey")]
    group_key: String,
    #[serde(rename = "groupLabels", default)]
    group_labels: HashMap<String, String>,
    #[serde(default)]
    alerts: Vec<IgnoredAny>,
}

/// A running receiver.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/`, for the server's `webhook_configs`.
    pub url: String,
    pub received: mpsc::UnboundedReceiver<Received>,
}

/// Binds `127.0.0.1:0` and serves until the runtime stops.
pub async fn start() -> Result<Receiver, LoadError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/", listener.local_addr()?);
    let (tx, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors and the like: report, back off.
                    let _ = tx.send(Err(format!("accept: {e}")));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let tx = tx.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| handle(req, tx.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(Receiver { url, received })
}

async fn handle(
    req: Request<Incoming>,
    tx: mpsc::UnboundedSender<Received>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let _ = tx.send(Err(format!("reading a notification: {e}")));
            return Ok(status(StatusCode::BAD_REQUEST));
        }
    };
    let at = Instant::now();
    match serde_json::from_slice::<Payload>(&body) {
        Ok(p) => {
            let _ = tx.send(Ok(Delivery {
                at,
                group_key: p.group_key,
                group_labels: p.group_labels,
                alerts: p.alerts.len(),
            }));
            Ok(status(StatusCode::OK))
        }
        Err(e) => {
            let _ = tx.send(Err(format!("decoding a notification: {e}")));
            Ok(status(StatusCode::BAD_REQUEST))
        }
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = code;
    r
}
