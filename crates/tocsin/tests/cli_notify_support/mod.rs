//! Helpers for the black-box tests of `notify`, `template` and `inspect`:
//! run the real `tocsin` binary, stand in for a provider with a tiny
//! recording HTTP server on 127.0.0.1:0 that answers what the test says,
//! start long-running commands whose first line announces their address,
//! and write temporary configuration files.
//!
//! Blocking std code only (threads, `TcpStream`); every child process is
//! killed when its handle is dropped.

// Each test binary uses a different subset.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The binary under test.
pub fn tocsin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tocsin"))
}

/// Runs `tocsin args…` to completion.
pub fn run(args: &[&str]) -> Output {
    tocsin()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tocsin")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temporary directory holding files the test writes.
pub struct Files {
    pub dir: tempfile::TempDir,
}

impl Files {
    pub fn new() -> Files {
        Files {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// Writes `content` to `name` in the directory and returns its path.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write file");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// One request as the stand-in received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    /// Names lower-cased, in arrival order.
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
}

/// A provider stand-in: records every request and answers each with the
/// same status, content type and body.
pub struct StandIn {
    pub url: String,
    received: Receiver<Recorded>,
}

impl StandIn {
    pub fn start(status: u16, content_type: &str, body: &str) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind stand-in");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (sender, received) = channel();
        let answer = Arc::new((status, content_type.to_owned(), body.to_owned()));
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let sender = sender.clone();
                let answer = Arc::clone(&answer);
                thread::spawn(move || serve(stream, &sender, &answer));
            }
        });
        StandIn { url, received }
    }

    /// The next request, waiting up to `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Recorded> {
        self.received.recv_timeout(timeout).ok()
    }
}

fn serve(stream: TcpStream, sender: &Sender<Recorded>, answer: &(u16, String, String)) {
    let mut reader = BufReader::new(stream);
    let Some(recorded) = read_request(&mut reader) else {
        return;
    };
    let _ = sender.send(recorded);
    let (status, content_type, body) = answer;
    let response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = reader.into_inner();
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

/// Reads one request with a Content-Length (or empty) body.
fn read_request<R: BufRead>(reader: &mut R) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// POSTs `body` to `url` (`http://host:port/path`) and returns the status.
pub fn post(url: &str, content_type: &str, body: &[u8]) -> u16 {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"))
}

/// A long-running `tocsin` command whose standard output is collected
/// line by line; killed on drop.
pub struct Running {
    child: Option<Child>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Running {
    pub fn start(args: &[&str]) -> Running {
        let mut child = tocsin()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tocsin");
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let sink = Arc::clone(&lines);
            thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { return };
                    sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
                }
            });
        }
        Running {
            child: Some(child),
            lines,
        }
    }

    /// Everything printed so far, one line each.
    pub fn text(&self) -> String {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .join("\n")
    }

    /// Waits until the output contains `needle`; the output so far, or a
    /// panic with it after `timeout`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("{needle:?} not printed within {timeout:?}; output:\n{text}");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `http://host:port` of a `Listening on http://…` line.
    pub fn listening_url(&self) -> String {
        let text = self.wait_for("Listening on http://", Duration::from_secs(30));
        text.lines()
            .find_map(|l| l.strip_prefix("Listening on "))
            .expect("listening line")
            .trim()
            .to_owned()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends `signal` (e.g. `INT`) and waits for the exit code.
    pub fn signal_and_wait(&mut self, signal: &str, timeout: Duration) -> Option<i32> {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
        let mut child = self.child.take()?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("did not exit within {timeout:?} after SIG{signal}");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether `program` can be run (for differential tests that skip).
pub fn available(program: &str) -> bool {
    Path::new(program).exists()
        || Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
}
