//! Black-box test helpers shared by the `server_*` tests: start the real
//! `tocsin alertmanager` binary on 127.0.0.1:0 with a temporary config
//! (reading the bound port from its `Listening on … address=` log line, as
//! upstream's acceptance framework does), talk HTTP/1.1 to it with a tiny
//! blocking client, receive its webhooks with a tiny recording server, and
//! run independent scenarios concurrently.
//!
//! Everything here is blocking std code (threads, `TcpStream`), so tests
//! measure real wall-clock time the way an operator would. Servers are
//! killed when their [`Server`] is dropped.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long a server may take to print its listen address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }
}

fn read_head<R: BufRead>(reader: &mut R) -> std::io::Result<Option<Vec<String>>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(if lines.is_empty() { None } else { Some(lines) });
        }
        let trimmed = line.trim_end_matches(['\r', '\n']).to_owned();
        if trimmed.is_empty() {
            if lines.is_empty() {
                continue;
            }
            return Ok(Some(lines));
        }
        lines.push(trimmed);
    }
}

fn header_map(lines: &[String]) -> BTreeMap<String, String> {
    lines
        .iter()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect()
}

fn read_chunked<R: BufRead>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        if size == 0 {
            let mut trailer = String::new();
            reader.read_line(&mut trailer)?;
            return Ok(body);
        }
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        chunk.truncate(size);
        body.extend(chunk);
    }
}

/// One blocking HTTP/1.1 request (`Connection: close`).
pub fn http(method: &str, url: &str, body: Option<&str>) -> Response {
    try_http(method, url, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

pub fn try_http(method: &str, url: &str, body: Option<&str>) -> std::io::Result<Response> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// URLs"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut reader = BufReader::new(stream);
    let head = read_head(&mut reader)?.ok_or_else(|| std::io::Error::other("no response"))?;
    let status = head
        .first()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {head:?}")))?;
    let headers = header_map(&head);
    let bytes = if headers
        .get("transfer-encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        read_chunked(&mut reader)?
    } else if let Some(len) = headers.get("content-length").and_then(|l| l.parse().ok()) {
        let mut b = vec![0; len];
        reader.read_exact(&mut b)?;
        b
    } else {
        let mut b = Vec::new();
        reader.read_to_end(&mut b)?;
        b
    };
    Ok(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// One notification received by a [`Webhook`].
#[derive(Debug, Clone)]
pub struct Delivery {
    pub at: Instant,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

impl Delivery {
    /// `alertname` (or the whole label set) of every alert, in payload order,
    /// each with its status: `A:firing`.
    pub fn alerts(&self) -> Vec<String> {
        self.body["alerts"]
            .as_array()
            .map(|alerts| {
                alerts
                    .iter()
                    .map(|a| {
                        let labels = &a["labels"];
                        let name = labels["alertname"]
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| labels.to_string());
                        let extra = labels
                            .as_object()
                            .map(|o| {
                                o.iter()
                                    .filter(|(k, _)| *k != "alertname")
                                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                                    .collect::<Vec<_>>()
                                    .join(",")
                            })
                            .unwrap_or_default();
                        let status = a["status"].as_str().unwrap_or("?");
                        if extra.is_empty() {
                            format!("{name}:{status}")
                        } else {
                            format!("{name}{{{extra}}}:{status}")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Seconds since `t0`.
    pub fn since(&self, t0: Instant) -> f64 {
        self.at.saturating_duration_since(t0).as_secs_f64()
    }
}

#[derive(Default)]
struct Recorded {
    deliveries: Vec<Delivery>,
}

/// A webhook receiver on 127.0.0.1:0 recording every request (arrival time,
/// path, JSON body) and answering with a configurable status (200 unless
/// set).
pub struct Webhook {
    pub addr: SocketAddr,
    recorded: Arc<(Mutex<Recorded>, Condvar)>,
    status: Arc<AtomicU16>,
}

impl Webhook {
    pub fn start() -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind webhook");
        let addr = listener.local_addr().expect("webhook address");
        let recorded: Arc<(Mutex<Recorded>, Condvar)> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let (rec, st) = (Arc::clone(&recorded), Arc::clone(&status));
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (rec, st) = (Arc::clone(&rec), Arc::clone(&st));
                thread::spawn(move || serve_webhook_connection(stream, &rec, &st));
            }
        });
        Webhook {
            addr,
            recorded,
            status,
        }
    }

    /// `http://127.0.0.1:PORT<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The status code answered from now on.
    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.recorded
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .deliveries
            .clone()
    }

    /// Deliveries to `path`.
    pub fn to(&self, path: &str) -> Vec<Delivery> {
        self.deliveries()
            .into_iter()
            .filter(|d| d.path == path)
            .collect()
    }

    /// Waits until at least `n` deliveries arrived (any path), at most `limit`.
    pub fn wait_for(&self, n: usize, limit: Duration) -> Vec<Delivery> {
        let (lock, cond) = &*self.recorded;
        let deadline = Instant::now() + limit;
        let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        while guard.deliveries.len() < n {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            guard = cond
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        guard.deliveries.clone()
    }
}

fn serve_webhook_connection(
    stream: TcpStream,
    recorded: &(Mutex<Recorded>, Condvar),
    status: &AtomicU16,
) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    // Keep-alive: one request after another until the client closes.
    while let Ok(Some(head)) = read_head(&mut reader) {
        let at = Instant::now();
        let headers = header_map(&head);
        let path = head
            .first()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("")
            .to_owned();
        let body = if headers
            .get("transfer-encoding")
            .is_some_and(|t| t.contains("chunked"))
        {
            read_chunked(&mut reader).unwrap_or_default()
        } else {
            let len = headers
                .get("content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            let mut b = vec![0; len];
            if reader.read_exact(&mut b).is_err() {
                return;
            }
            b
        };
        let body = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        {
            let (lock, cond) = recorded;
            lock.lock()
                .unwrap_or_else(|p| p.into_inner())
                .deliveries
                .push(Delivery {
                    at,
                    path,
                    headers,
                    body,
                });
            cond.notify_all();
        }
        let code = status.load(Ordering::SeqCst);
        let answer = format!("HTTP/1.1 {code} X\r\nContent-Length: 0\r\n\r\n");
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// A running `tocsin alertmanager`, killed on drop.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub dir: tempfile::TempDir,
    log: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Server {
    /// Starts the binary with `config` and upstream's acceptance flags
    /// (`--web.listen-address=127.0.0.1:0`, clustering off, debug logs),
    /// plus `extra` flags.
    pub fn start(config: &str, extra: &[&str]) -> Server {
        Self::try_start(config, extra).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_start(config: &str, extra: &[&str]) -> Result<Server, String> {
        let mut flags = vec![
            "--web.listen-address=127.0.0.1:0",
            "--cluster.listen-address=",
            "--log.level=debug",
        ];
        flags.extend_from_slice(extra);
        Self::start_with_flags(config, &flags)
    }

    /// Starts the binary with `config` and exactly `flags` (besides
    /// `--config.file` and `--storage.path`); the flags must make it log
    /// in logfmt and listen somewhere.
    pub fn start_with_flags(config: &str, flags: &[&str]) -> Result<Server, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let config_path = dir.path().join("alertmanager.yml");
        std::fs::write(&config_path, config).map_err(|e| e.to_string())?;
        let mut args: Vec<String> = vec![
            "alertmanager".into(),
            format!("--config.file={}", config_path.display()),
            format!("--storage.path={}", dir.path().join("data").display()),
        ];
        args.extend(flags.iter().map(|s| (*s).to_owned()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_tocsin"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawning tocsin: {e}"))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let log: Arc<(Mutex<Vec<String>>, Condvar)> = Arc::default();
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if std::env::var_os("TOCSIN_TEST_LOG").is_some() {
                    eprintln!("[tocsin] {line}");
                }
                let (lock, cond) = &*sink;
                lock.lock().unwrap_or_else(|p| p.into_inner()).push(line);
                cond.notify_all();
            }
        });
        let mut server = Server {
            child: Some(child),
            base: String::new(),
            dir,
            log,
        };
        let line = server
            .wait_log("msg=\"Listening on\"", START_TIMEOUT)
            .ok_or_else(|| format!("tocsin did not start; log:\n{}", server.log_text()))?;
        let address = line
            .split_whitespace()
            .find_map(|field| field.strip_prefix("address="))
            .ok_or_else(|| format!("no address in {line:?}"))?;
        server.base = format!("http://{address}");
        Ok(server)
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("alertmanager.yml")
    }

    /// Replaces the config file (apply with [`Server::signal`] or `/-/reload`).
    pub fn write_config(&self, config: &str) {
        std::fs::write(self.config_path(), config).expect("write config");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Response {
        http("GET", &self.url(path), None)
    }

    pub fn post(&self, path: &str, body: &str) -> Response {
        http("POST", &self.url(path), Some(body))
    }

    pub fn delete(&self, path: &str) -> Response {
        http("DELETE", &self.url(path), None)
    }

    /// POSTs alerts and asserts 200.
    pub fn post_alerts(&self, alerts: &Value) {
        self.post_alerts_at("", alerts);
    }

    /// POSTs alerts under a route prefix and asserts 200.
    pub fn post_alerts_at(&self, prefix: &str, alerts: &Value) {
        let r = self.post(&format!("{prefix}/api/v2/alerts"), &alerts.to_string());
        assert_eq!(r.status, 200, "POST {prefix}/api/v2/alerts: {}", r.body);
    }

    /// Creates a silence and returns its ID.
    pub fn add_silence(&self, matchers: Value, duration: Duration) -> String {
        let now = jiff::Timestamp::now();
        let ends = now + jiff::SignedDuration::try_from(duration).expect("duration");
        let body = serde_json::json!({
            "matchers": matchers,
            "startsAt": now.to_string(),
            "endsAt": ends.to_string(),
            "createdBy": "tests",
            "comment": "test silence",
        });
        let r = self.post("/api/v2/silences", &body.to_string());
        assert_eq!(r.status, 200, "POST /api/v2/silences: {}", r.body);
        r.json()["silenceID"]
            .as_str()
            .expect("silenceID")
            .to_owned()
    }

    /// The value of a metric series (`name` or `name{labels}` as exposed).
    pub fn metric(&self, series: &str) -> Option<f64> {
        let text = self.get("/metrics").body;
        text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            (name == series).then(|| value.parse().ok()).flatten()
        })
    }

    /// Polls `/metrics` until `series` has `value`, at most `limit`;
    /// returns the last value seen.
    pub fn wait_metric(&self, series: &str, value: f64, limit: Duration) -> Option<f64> {
        let deadline = Instant::now() + limit;
        loop {
            let seen = self.metric(series);
            if seen == Some(value) || Instant::now() >= deadline {
                return seen;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends a signal (`HUP`, `TERM`, …) with `kill`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit, at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        let child = self.child.as_mut()?;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_text(&self) -> String {
        self.log
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .join("\n")
    }

    /// The first log line containing `needle`, waiting up to `limit`.
    pub fn wait_log(&self, needle: &str, limit: Duration) -> Option<String> {
        let (lock, cond) = &*self.log;
        let deadline = Instant::now() + limit;
        let mut lines = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(l) = lines.iter().find(|l| l.contains(needle)) {
                return Some(l.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            lines = cond
                .wait_timeout(lines, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sleeps until `t0 + seconds`.
pub fn at(t0: Instant, seconds: f64) {
    let target = t0 + Duration::from_secs_f64(seconds);
    let now = Instant::now();
    if target > now {
        thread::sleep(target - now);
    }
}

/// A scenario's verdict: `Err` carries a readable explanation.
pub type Outcome = Result<(), String>;

/// A named scenario for [`run_concurrently`].
pub type Scenario = (&'static str, fn() -> Outcome);

/// Runs independent scenarios on their own threads and fails with every
/// failing scenario's explanation (tests stay short on a 2-core machine
/// because the scenarios mostly wait).
pub fn run_concurrently(scenarios: Vec<Scenario>) {
    let handles: Vec<_> = scenarios
        .into_iter()
        .map(|(name, f)| (name, thread::spawn(f)))
        .collect();
    let mut failures = Vec::new();
    for (name, handle) in handles {
        match handle.join() {
            Ok(Ok(())) => eprintln!("scenario {name}: ok"),
            Ok(Err(e)) => failures.push(format!("scenario {name}: {e}")),
            Err(panic) => {
                let text = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("scenario {name} panicked: {text}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// `check(cond, message)` as an [`Outcome`].
pub fn ensure(cond: bool, message: impl FnOnce() -> String) -> Outcome {
    if cond { Ok(()) } else { Err(message()) }
}

/// Whether `program` runs (`--version`), printing a visible SKIP otherwise.
pub fn available(program: &str, why: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("SKIPPED: {program} not found on PATH ({why})");
    }
    found
}

/// A free TCP port on 127.0.0.1 (for programs that log the configured, not
/// the bound, address).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

// ---------------------------------------------------------------------------
// Restarts on the same `--storage.path`, and the upstream binary (added for
// the `state_*` tests; the helpers above are unchanged).

/// Where Debian and upstream install Alertmanager.
pub const UPSTREAM_BINARIES: [&str; 2] =
    ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"];

/// The installed upstream Alertmanager, or `None` after a visible SKIP
/// message saying what is not checked.
pub fn upstream_binary(what: &str) -> Option<&'static str> {
    let found = UPSTREAM_BINARIES
        .iter()
        .copied()
        .find(|p| std::path::Path::new(p).exists());
    if found.is_none() {
        eprintln!("SKIPPED: no Alertmanager at {UPSTREAM_BINARIES:?}; not checked: {what}");
    }
    found
}

type SharedLog = Arc<(Mutex<Vec<String>>, Condvar)>;

/// Spawns `program` with `args`, collecting its standard error line by
/// line (echoed with `TOCSIN_TEST_LOG` set, as [`Server::start`] does).
fn spawn_logged(program: &str, args: &[String]) -> Result<(Child, SharedLog), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawning {program}: {e}"))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let log: SharedLog = Arc::default();
    let sink = Arc::clone(&log);
    let tag = std::path::Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if std::env::var_os("TOCSIN_TEST_LOG").is_some() {
                eprintln!("[{tag}] {line}");
            }
            let (lock, cond) = &*sink;
            lock.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            cond.notify_all();
        }
    });
    Ok((child, log))
}

impl Server {
    /// This server's `--storage.path`.
    pub fn storage_path(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// SIGKILL (no chance to flush anything) and reap the process.
    pub fn kill_hard(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts `tocsin alertmanager` again on the same configuration file and
    /// storage directory, with upstream's acceptance flags plus `extra`
    /// (as [`Server::try_start`]); a previous process still running is
    /// killed first. The log starts afresh; `base` is the new address.
    pub fn restart(&mut self, extra: &[&str]) -> Result<(), String> {
        self.kill_hard();
        let mut args: Vec<String> = vec![
            "alertmanager".into(),
            format!("--config.file={}", self.config_path().display()),
            format!("--storage.path={}", self.storage_path().display()),
            "--web.listen-address=127.0.0.1:0".into(),
            "--cluster.listen-address=".into(),
            "--log.level=debug".into(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let (child, log) = spawn_logged(env!("CARGO_BIN_EXE_tocsin"), &args)?;
        self.child = Some(child);
        self.log = log;
        let line = self
            .wait_log("msg=\"Listening on\"", START_TIMEOUT)
            .ok_or_else(|| format!("tocsin did not restart; log:\n{}", self.log_text()))?;
        let address = line
            .split_whitespace()
            .find_map(|field| field.strip_prefix("address="))
            .ok_or_else(|| format!("no address in {line:?}"))?;
        self.base = format!("http://{address}");
        Ok(())
    }

    /// Starts an upstream Alertmanager `binary` with `config` and the same
    /// directory layout and acceptance flags as [`Server::start`], on a
    /// free port (0.25 logs the configured, not the bound, address), and
    /// waits until `/-/ready` answers 200.
    pub fn start_upstream(binary: &str, config: &str, extra: &[&str]) -> Result<Server, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join("alertmanager.yml"), config).map_err(|e| e.to_string())?;
        let mut server = Server {
            child: None,
            base: String::new(),
            dir,
            log: Arc::default(),
        };
        server.restart_upstream(binary, extra)?;
        Ok(server)
    }

    /// [`Server::restart`] for a server started with
    /// [`Server::start_upstream`]: same directory, a fresh free port (tried
    /// again on another one if something took it meanwhile).
    pub fn restart_upstream(&mut self, binary: &str, extra: &[&str]) -> Result<(), String> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.spawn_upstream(binary, extra) {
                Err(e) if attempts < 3 && e.contains("address already in use") => continue,
                outcome => return outcome,
            }
        }
    }

    fn spawn_upstream(&mut self, binary: &str, extra: &[&str]) -> Result<(), String> {
        self.kill_hard();
        let port = free_port();
        let mut args: Vec<String> = vec![
            format!("--config.file={}", self.config_path().display()),
            format!("--storage.path={}", self.storage_path().display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
            "--cluster.listen-address=".into(),
            "--log.level=debug".into(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let (child, log) = spawn_logged(binary, &args)?;
        self.child = Some(child);
        self.log = log;
        self.base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if let Some(status) = exited {
                // Let the log reader catch up with the last lines.
                thread::sleep(Duration::from_millis(50));
                return Err(format!(
                    "{binary} exited ({status}) before it was ready; log:\n{}",
                    self.log_text()
                ));
            }
            // Ready, and really this process (its log says it listens).
            if try_http("GET", &self.url("/-/ready"), None).is_ok_and(|r| r.status == 200)
                && self.log_text().contains("Listening on")
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("{binary} not ready; log:\n{}", self.log_text()));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// An alert to POST: `alertname` plus `labels`, no times (the server
/// stamps them).
pub fn alert_json(name: &str, labels: &[(&str, &str)]) -> Value {
    let mut l = serde_json::Map::new();
    l.insert("alertname".into(), Value::from(name));
    for (k, v) in labels {
        l.insert((*k).into(), Value::from(*v));
    }
    serde_json::json!({ "labels": l })
}

/// The wall-clock time at `instant` (in the past or the future), for
/// timestamps that must line up with [`at`] schedules.
pub fn wall_clock(instant: Instant) -> jiff::Timestamp {
    let now = Instant::now();
    let (now_wall, offset) = (jiff::Timestamp::now(), instant.checked_duration_since(now));
    match offset {
        Some(ahead) => now_wall + jiff::SignedDuration::try_from(ahead).unwrap_or_default(),
        None => {
            let behind = now.saturating_duration_since(instant);
            now_wall - jiff::SignedDuration::try_from(behind).unwrap_or_default()
        }
    }
}

/// A silence body for `POST /api/v2/silences`.
pub fn silence_json(
    matchers: Value,
    starts: jiff::Timestamp,
    ends: jiff::Timestamp,
    comment: &str,
) -> Value {
    serde_json::json!({
        "matchers": matchers,
        "startsAt": starts.to_string(),
        "endsAt": ends.to_string(),
        "createdBy": "tests",
        "comment": comment,
    })
}

/// One silence matcher as the API spells it (`op` is `=`, `!=`, `=~` or
/// `!~`).
pub fn matcher(name: &str, op: &str, value: &str) -> Value {
    serde_json::json!({
        "name": name,
        "value": value,
        "isRegex": op.ends_with('~'),
        "isEqual": !op.starts_with('!'),
    })
}

impl Server {
    /// POSTs a silence body; `Ok(id)` on 200, `Err(status and body)`
    /// otherwise.
    pub fn post_silence(&self, body: &Value) -> Result<String, String> {
        let r = self.post("/api/v2/silences", &body.to_string());
        if r.status != 200 {
            return Err(format!("POST /api/v2/silences: {} {}", r.status, r.body));
        }
        r.json()["silenceID"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no silenceID in {}", r.body))
    }

    /// `GET /api/v2/silence/{id}` as JSON, or `Err` with the status.
    pub fn silence(&self, id: &str) -> Result<Value, String> {
        let r = self.get(&format!("/api/v2/silence/{id}"));
        if r.status != 200 {
            return Err(format!("GET /api/v2/silence/{id}: {} {}", r.status, r.body));
        }
        Ok(r.json())
    }

    /// The `status` of every alert `GET /api/v2/alerts{query}` lists, by
    /// `alertname` (the scenarios using it keep alert names unique).
    pub fn alert_statuses(&self, query: &str) -> BTreeMap<String, Value> {
        let r = self.get(&format!("/api/v2/alerts{query}"));
        assert_eq!(r.status, 200, "GET /api/v2/alerts{query}: {}", r.body);
        r.json()
            .as_array()
            .map(|alerts| {
                alerts
                    .iter()
                    .map(|a| {
                        let name = a["labels"]["alertname"].as_str().unwrap_or("").to_owned();
                        (name, a["status"].clone())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Like [`Server::alert_statuses`] for the alerts inside
    /// `GET /api/v2/alerts/groups{query}`.
    pub fn group_alert_statuses(&self, query: &str) -> BTreeMap<String, Value> {
        let r = self.get(&format!("/api/v2/alerts/groups{query}"));
        assert_eq!(
            r.status, 200,
            "GET /api/v2/alerts/groups{query}: {}",
            r.body
        );
        let mut statuses = BTreeMap::new();
        for group in r.json().as_array().into_iter().flatten() {
            for a in group["alerts"].as_array().into_iter().flatten() {
                let name = a["labels"]["alertname"].as_str().unwrap_or("").to_owned();
                statuses.insert(name, a["status"].clone());
            }
        }
        statuses
    }
}

/// The strings of a JSON array, sorted (for ID lists whose order upstream
/// leaves unspecified).
pub fn sorted_strings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}
