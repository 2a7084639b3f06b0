//! Test helpers: a recording HTTP server on 127.0.0.1:0 standing in for a
//! provider (answers with a chosen status, content type and body), loading
//! receivers from YAML through the real configuration loader, and alert /
//! context builders.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::NotifyContext;
use tocsin_config::Receiver;
use tocsin_model::LabelSet;
use tocsin_notify::IntegrationEnv;
use tocsin_notify::template::Templates;
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
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            content_type: None,
            body: String::new(),
            delay: Duration::ZERO,
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

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Responder = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// A recording HTTP/1.1 server; stops when dropped.
pub struct StubServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl StubServer {
    pub async fn start(reply: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let reply: Arc<Responder> = Arc::new(reply);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (reply, log) = (reply.clone(), log.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let (reply, log) = (reply.clone(), log.clone());
                        async move { Ok::<_, Infallible>(handle(req, &*reply, &log).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        StubServer {
            addr,
            requests,
            task,
        }
    }

    /// Answers everything with `status` and an empty body.
    pub async fn answering(status: u16) -> Self {
        Self::start(move |_| Reply::status(status)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    pub fn single_request(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:?}");
        all.into_iter().next().expect("one request")
    }
}

impl Drop for StubServer {
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
    response
        .body(Full::new(Bytes::from(answer.body)))
        .expect("response")
}

/// A path under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// The first receiver of an `alertmanager.yml` whose `receivers:` list is
/// `receivers_yaml` (and optional `global:` block), loaded by the real
/// configuration loader (defaults, inheritance, validation).
pub fn receiver(global_yaml: &str, receivers_yaml: &str) -> Receiver {
    let text =
        format!("global:\n{global_yaml}\nroute:\n  receiver: team\nreceivers:\n{receivers_yaml}\n");
    match tocsin_config::load_str(&text, "test.yml") {
        Ok(loaded) => loaded
            .config
            .receivers
            .into_iter()
            .next()
            .expect("a receiver"),
        Err(failure) => panic!("config does not load: {failure:?}\n{text}"),
    }
}

pub fn templates() -> Arc<Templates> {
    Arc::new(Templates::builtin())
}

/// An environment with a fixed external URL and the system clock.
pub fn env() -> IntegrationEnv {
    IntegrationEnv {
        external_url: "http://am.example:9093".to_owned(),
        user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
        clock: Clock::system(),
    }
}

pub fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

pub fn utc(s: &str) -> Time {
    Time::utc(s.parse().expect("timestamp"))
}

/// An alert firing since 2026-01-01 (ending far in the future).
pub fn firing(label_pairs: &[(&str, &str)], annotation_pairs: &[(&str, &str)]) -> Alert {
    alert(label_pairs, annotation_pairs, utc("2099-01-01T00:00:00Z"))
}

/// An alert that ended on 2026-01-01 at 01:00.
pub fn resolved(label_pairs: &[(&str, &str)], annotation_pairs: &[(&str, &str)]) -> Alert {
    alert(label_pairs, annotation_pairs, utc("2026-01-01T01:00:00Z"))
}

fn alert(label_pairs: &[(&str, &str)], annotation_pairs: &[(&str, &str)], ends_at: Time) -> Alert {
    let starts_at = utc("2026-01-01T00:00:00Z");
    Alert {
        labels: labels(label_pairs),
        annotations: labels(annotation_pairs),
        starts_at,
        ends_at,
        generator_url: "http://prom.example/graph?g0.expr=up".to_owned(),
        updated_at: starts_at,
        timeout: false,
    }
}

/// A notification context for receiver `team` and a group keyed by
/// `group_labels`.
pub fn context(group_labels: &[(&str, &str)]) -> NotifyContext {
    let group_labels = labels(group_labels);
    NotifyContext {
        flush: FlushContext {
            now: Timestamp::now(),
            group_key: format!("{{}}:{group_labels}"),
            group_labels,
            route_labels: LabelSet::new(),
            receiver: "team".to_owned(),
            route_id: "{}".to_owned(),
            group_interval: Duration::from_secs(300),
            repeat_interval: Duration::from_secs(3600),
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            timeout: Duration::from_secs(300),
        },
        notification_reason: "first notification".to_owned(),
        receiver_data: Default::default(),
    }
}

/// Quoted-printable decoding (RFC 2045), written for the test.
pub fn qp_decode(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}
