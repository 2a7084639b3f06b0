//! Test support: an in-memory stand-in for the alerting core (routing,
//! grouping, silences and inhibition reduced to what the HTTP tests need),
//! a server started on 127.0.0.1:0, and a tiny raw HTTP/1.1 client that
//! shows status, headers and body bytes exactly as sent.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_api::{
    Alert, AlertGroup, AlertState, AlertStatus, AlertmanagerCore, AlertmanagerMetrics, ApiOptions,
    ClusterState, ClusterStatus, CoreError, CoreFuture, DateTime, NewSilence, Receiver,
    RoutedAlert, ServeOptions, Silence, SilenceError, Status, VersionInfo,
};
use tocsin_model::{GoRegex, LabelSet, MatchType, PackedLabelSet, PackedLabels};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

pub fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

/// The stand-in core. Routing mirrors this configuration:
/// `route: {receiver: default, group_by: [alertname], routes: [{receiver: team-a,
/// matchers: [team="a"], continue: true}, {receiver: team-b, matchers: [severity="critical"]}]}`
/// and inhibition `severity="critical"` → `severity="warning"` with `equal: [instance]`.
pub struct FakeCore {
    pub now: Mutex<Timestamp>,
    pub resolve_timeout: Duration,
    pub alerts: Mutex<Vec<Alert>>,
    pub silences: Mutex<Vec<Silence>>,
    pub receivers: Vec<Receiver>,
    /// Receiver name → time intervals muting its groups.
    pub muted: Mutex<BTreeMap<String, Vec<String>>>,
    pub reload_error: Mutex<Option<String>>,
    pub reloads: AtomicUsize,
    /// How long `alerts()` / `alert_groups()` take.
    pub delay: Mutex<Duration>,
    next_id: AtomicUsize,
}

impl Default for FakeCore {
    fn default() -> Self {
        let receiver = |name: &str, extra: &[(&str, &str)]| {
            let mut l = labels(extra);
            l.insert("name", name);
            Receiver {
                name: name.to_owned(),
                labels: l,
            }
        };
        FakeCore {
            now: Mutex::new(ts("2026-11-21T05:00:00Z")),
            resolve_timeout: Duration::from_secs(300),
            alerts: Mutex::new(Vec::new()),
            silences: Mutex::new(Vec::new()),
            receivers: vec![
                receiver("default", &[]),
                receiver("team-a", &[("owner", "a")]),
                receiver("team-b", &[("owner", "b")]),
            ],
            muted: Mutex::new(BTreeMap::new()),
            reload_error: Mutex::new(None),
            reloads: AtomicUsize::new(0),
            delay: Mutex::new(Duration::ZERO),
            next_id: AtomicUsize::new(1),
        }
    }
}

fn matcher_matches(kind: MatchType, pattern: &str, value: &str) -> bool {
    let re = || {
        GoRegex::new_anchored(pattern)
            .map(|r| r.is_match(value))
            .unwrap_or(false)
    };
    match kind {
        MatchType::Equal => value == pattern,
        MatchType::NotEqual => value != pattern,
        MatchType::Regexp => re(),
        MatchType::NotRegexp => !re(),
    }
}

impl FakeCore {
    pub fn set_now(&self, t: &str) {
        *self.now.lock().unwrap() = ts(t);
    }

    pub fn route(labels: &PackedLabelSet) -> Vec<String> {
        let mut out = Vec::new();
        if labels.get("team") == Some("a") {
            out.push("team-a".to_owned());
        }
        if labels.get("severity") == Some("critical") {
            out.push("team-b".to_owned());
        }
        if out.is_empty() {
            out.push("default".to_owned());
        }
        out
    }

    async fn wait(&self) {
        let d = *self.delay.lock().unwrap();
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }
}

impl AlertmanagerCore for FakeCore {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap()
    }

    fn resolve_timeout(&self) -> Duration {
        self.resolve_timeout
    }

    fn put_alerts(&self, alerts: Vec<Alert>) -> CoreFuture<'_, Result<(), CoreError>> {
        Box::pin(async move {
            let mut stored = self.alerts.lock().unwrap();
            for a in alerts {
                stored.retain(|s| s.labels != a.labels);
                stored.push(a);
            }
            Ok(())
        })
    }

    fn alerts(&self) -> CoreFuture<'_, Result<Vec<RoutedAlert>, CoreError>> {
        Box::pin(async move {
            self.wait().await;
            let alerts = self.alerts.lock().unwrap().clone();
            Ok(alerts
                .into_iter()
                .map(|a| RoutedAlert {
                    receivers: Self::route(&a.labels),
                    fingerprint: a.labels.fingerprint(),
                    alert: a,
                })
                .collect())
        })
    }

    fn alert_groups(&self) -> CoreFuture<'_, Result<Vec<AlertGroup>, CoreError>> {
        Box::pin(async move {
            self.wait().await;
            let alerts = self.alerts.lock().unwrap().clone();
            let muted = self.muted.lock().unwrap().clone();
            let mut groups: BTreeMap<(String, String), AlertGroup> = BTreeMap::new();
            for a in alerts {
                for receiver in Self::route(&a.labels) {
                    let name = a.labels.get("alertname").unwrap_or("").to_owned();
                    let group = groups
                        .entry((receiver.clone(), name.clone()))
                        .or_insert_with(|| AlertGroup {
                            labels: labels(&[("alertname", &name)]),
                            route_labels: if receiver == "team-a" {
                                labels(&[("team", "a")])
                            } else {
                                LabelSet::new()
                            },
                            receiver: receiver.clone(),
                            muted_by: muted.get(&receiver).cloned().unwrap_or_default(),
                            alerts: Vec::new(),
                        });
                    group.alerts.push(a.clone());
                }
            }
            // Deliberately unsorted: the API must order groups itself.
            Ok(groups.into_values().rev().collect())
        })
    }

    fn alert_status(&self, l: PackedLabels<'_>) -> AlertStatus {
        let now = self.now();
        let silenced_by: Vec<String> = self
            .silences
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.starts_at <= now && now < s.ends_at)
            .filter(|s| {
                s.matchers
                    .iter()
                    .all(|m| matcher_matches(m.kind, &m.value, l.get(&m.name).unwrap_or_default()))
            })
            .map(|s| s.id.clone())
            .collect();
        let mut inhibited_by = Vec::new();
        if l.get("severity") == Some("warning") {
            for a in self.alerts.lock().unwrap().iter() {
                if a.labels.get("severity") == Some("critical")
                    && a.labels.get("instance") == l.get("instance")
                    && a.ends_at.instant > now
                {
                    inhibited_by.push(a.labels.fingerprint().to_string());
                }
            }
        }
        let state = if silenced_by.is_empty() && inhibited_by.is_empty() {
            AlertState::Active
        } else {
            AlertState::Suppressed
        };
        AlertStatus {
            state,
            silenced_by,
            inhibited_by,
        }
    }

    fn silences(&self) -> CoreFuture<'_, Result<Vec<Silence>, CoreError>> {
        Box::pin(async move { Ok(self.silences.lock().unwrap().clone()) })
    }

    fn silence(&self, id: &str) -> CoreFuture<'_, Result<Option<Silence>, CoreError>> {
        let id = id.to_owned();
        Box::pin(async move {
            Ok(self
                .silences
                .lock()
                .unwrap()
                .iter()
                .find(|s| s.id == id)
                .cloned())
        })
    }

    fn set_silence(&self, new: NewSilence) -> CoreFuture<'_, Result<String, SilenceError>> {
        Box::pin(async move {
            if let Some(i) = new.matchers.iter().position(|m| m.name.is_empty()) {
                return Err(SilenceError::Invalid(format!(
                    "invalid silence: invalid label matcher {i} in set 0: invalid label name \"\""
                )));
            }
            let now = self.now();
            let mut silences = self.silences.lock().unwrap();
            let id = match new.id {
                Some(id) => {
                    let Some(existing) = silences.iter_mut().find(|s| s.id == id) else {
                        return Err(SilenceError::NotFound);
                    };
                    existing.matchers = new.matchers;
                    existing.ends_at = new.ends_at;
                    existing.comment = new.comment;
                    existing.updated_at = now;
                    id
                }
                None => {
                    let n = self.next_id.fetch_add(1, Ordering::Relaxed);
                    let id = format!("{n:08x}-0000-4000-8000-{n:012x}");
                    silences.push(Silence {
                        id: id.clone(),
                        matchers: new.matchers,
                        starts_at: new.starts_at.max(now),
                        ends_at: new.ends_at,
                        updated_at: now,
                        created_by: new.created_by,
                        comment: new.comment,
                        annotations: new.annotations,
                    });
                    id
                }
            };
            Ok(id)
        })
    }

    fn expire_silence(&self, id: &str) -> CoreFuture<'_, Result<(), SilenceError>> {
        let id = id.to_owned();
        Box::pin(async move {
            let now = self.now();
            let mut silences = self.silences.lock().unwrap();
            let s = silences
                .iter_mut()
                .find(|s| s.id == id)
                .ok_or(SilenceError::NotFound)?;
            if s.ends_at > now {
                s.ends_at = now;
                if s.starts_at > now {
                    s.starts_at = now;
                }
            }
            Ok(())
        })
    }

    fn receivers(&self) -> Vec<Receiver> {
        self.receivers.clone()
    }

    fn status(&self) -> Status {
        Status {
            cluster: ClusterStatus {
                name: None,
                state: ClusterState::Disabled,
                peers: Vec::new(),
            },
            version: version(),
            config_original: "route:\n  receiver: default\n".to_owned(),
            uptime: DateTime::utc(ts("2026-11-21T04:00:00.5Z")),
        }
    }

    fn reload(&self) -> CoreFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.reloads.fetch_add(1, Ordering::Relaxed);
            match self.reload_error.lock().unwrap().clone() {
                Some(e) => Err(e),
                None => Ok(()),
            }
        })
    }
}

pub fn version() -> VersionInfo {
    VersionInfo {
        version: "0.34.0".into(),
        revision: "abc".into(),
        branch: "main".into(),
        build_user: "me@host".into(),
        build_date: "20261121-00:00:00".into(),
        go_version: "rustc 1.95".into(),
    }
}

/// A running server.
pub struct Server {
    pub addr: std::net::SocketAddr,
    pub core: Arc<FakeCore>,
    pub metrics: Arc<AlertmanagerMetrics>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), tocsin_api::ServeError>>>,
}

impl Server {
    pub async fn start(options: ApiOptions) -> Server {
        Self::start_with(
            Arc::new(FakeCore::default()),
            options,
            ServeOptions::default(),
        )
        .await
    }

    pub async fn start_with(
        core: Arc<FakeCore>,
        options: ApiOptions,
        serve: ServeOptions,
    ) -> Server {
        let metrics = AlertmanagerMetrics::new(&version());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = tocsin_api::router(core.clone(), metrics.clone(), options);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(tocsin_api::serve(
            vec![listener],
            router,
            serve,
            async move {
                let _ = stopped.await;
            },
        ));
        Server {
            addr,
            core,
            metrics,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("serve task").expect("serve result");
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, &[], b"").await
    }

    pub async fn post_json(&self, path: &str, body: &str) -> Resp {
        self.send(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
        .await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let stream = TcpStream::connect(self.addr).await.expect("connect");
        exchange(stream, method, path, headers, body).await
    }
}

/// A response as received.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One request on a fresh connection (`Connection: close`), read to EOF.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    parse_response(&raw, method == "HEAD")
}

pub fn parse_response(raw: &[u8], head: bool) -> Resp {
    // No complete response (e.g. the peer closed the connection): status 0.
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Resp {
            status: 0,
            headers: Vec::new(),
            body: raw.to_vec(),
        };
    };
    let head_text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if head {
        Vec::new()
    } else if chunked {
        let mut out = Vec::new();
        let mut rest = rest;
        loop {
            let line_end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("chunk size line");
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16)
                .expect("chunk size");
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        out
    } else {
        rest.to_vec()
    };
    Resp {
        status,
        headers,
        body,
    }
}
