//! What `tocsin alert` / `tocsin silence` send over the wire, compared with
//! amtool: both clients talk to a small recording HTTP server, and the
//! recorded request lines, `Authorization` headers and bodies must be the
//! same (URL prefixes, query encoding, basic auth from the URL or from
//! `--http.config.file`, bearer tokens, request bodies). The same server
//! answers with statuses the API does not declare, to check tocsin's
//! wording of those failures. Skips, with a message, without amtool.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

const AMTOOL: &str = "/usr/bin/amtool";

/// One recorded request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    line: String,
    authorization: Option<String>,
    body: String,
}

/// A canned answer: status line, content type, body.
type Answer = (&'static str, &'static str, &'static str);

/// A recording server on 127.0.0.1 that answers every request with
/// `answer(request line)`; it lives as long as the test process.
struct Recorder {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut authorization = None;
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "authorization" => authorization = Some(value.trim().to_owned()),
            "content-length" => length = value.trim().parse().ok()?,
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        line: line.trim_end().to_owned(),
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

impl Recorder {
    fn start(answer: fn(&str) -> Answer) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let (status, content_type, body) = answer(&request.line);
                if let Ok(mut list) = recorded.lock() {
                    list.push(request);
                }
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Recorder { port, requests }
    }

    fn take(&self) -> Vec<Request> {
        self.requests
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

/// Plausible answers of a healthy Alertmanager.
fn healthy(line: &str) -> Answer {
    let json = "application/json";
    if line.starts_with("POST /") && line.contains("/silences") {
        (
            "200 OK",
            json,
            r#"{"silenceID":"11111111-2222-3333-4444-555555555555"}"#,
        )
    } else if line.starts_with("GET /") && line.contains("/silence/") {
        (
            "200 OK",
            json,
            r#"{"id":"11111111-2222-3333-4444-555555555555","status":{"state":"active"},"updatedAt":"2030-01-01T00:00:00.000Z","comment":"c","createdBy":"me","endsAt":"2030-01-02T00:00:00.000Z","matchers":[{"isEqual":true,"isRegex":false,"name":"a","value":"b"}],"startsAt":"2030-01-01T00:00:00.000Z"}"#,
        )
    } else if line.starts_with("GET ") {
        ("200 OK", json, "[]")
    } else {
        ("200 OK", json, "")
    }
}

struct Outcome {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(program: &str, home: &Path, args: &[String]) -> Outcome {
    let output = Command::new(program)
        .args(args)
        .env("HOME", home)
        .stdin(Stdio::null())
        .output()
        .expect("run client");
    Outcome {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Runs both clients with `args` and returns what each sent; amtool's
/// version check (`GET /status`, which tocsin skips) is left out.
fn both(recorder: &Recorder, home: &Path, args: &[String]) -> (Vec<Request>, Vec<Request>) {
    let ours = run(env!("CARGO_BIN_EXE_tocsin"), home, args);
    assert_eq!(ours.code, 0, "tocsin {args:?}: {}", ours.stderr);
    let sent_by_us = recorder.take();
    let theirs = run(AMTOOL, home, args);
    assert_eq!(theirs.code, 0, "amtool {args:?}: {}", theirs.stderr);
    let sent_by_amtool = recorder
        .take()
        .into_iter()
        .filter(|r| !r.line.contains("/api/v2/status "))
        .collect();
    (sent_by_us, sent_by_amtool)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

#[test]
fn requests_match_amtool() {
    if !Path::new(AMTOOL).exists() {
        eprintln!("SKIP: no amtool at {AMTOOL}");
        return;
    }
    let recorder = Recorder::start(healthy);
    let home = tempfile::tempdir().expect("home");
    let base = format!("http://127.0.0.1:{}", recorder.port);
    let prefixed = format!("--alertmanager.url={base}/some/prefix/");
    let with_user = format!(
        "--alertmanager.url=http://us%20er:p%40ss@127.0.0.1:{}/",
        recorder.port
    );
    let plain = format!("--alertmanager.url={base}");
    let cases: Vec<Vec<String>> = vec![
        strings(&[
            &prefixed,
            "alert",
            "query",
            "alertname=test1",
            "a=~b c",
            "-s",
            "--receiver=team-.*",
        ]),
        strings(&[&prefixed, "silence", "query", "alertname=x", "b!=ä&="]),
        strings(&[&with_user, "silence", "query"]),
        strings(&[
            &plain,
            "silence",
            "expire",
            "11111111-2222-3333-4444-555555555555",
            "00000000-0000-0000-0000-000000000000",
        ]),
        strings(&[
            &plain,
            "silence",
            "add",
            "alertname=x",
            "b=~c.*",
            "-c",
            "a <comment> & more",
            "-a",
            "me",
            "--start=2030-01-01T00:00:00+02:00",
            "--end=2030-01-02T00:00:00Z",
        ]),
        strings(&[
            &plain,
            "silence",
            "update",
            "11111111-2222-3333-4444-555555555555",
            "-d",
            "2h",
            "-c",
            "new",
        ]),
        strings(&[
            &plain,
            "alert",
            "add",
            "alertname=x",
            "y=z",
            "--annotation=summary=s",
            "--generator-url=http://gen/",
            "--start=2030-01-01T00:00:00Z",
            "--end=2030-01-02T00:00:00-05:00",
        ]),
    ];
    for args in &cases {
        let (ours, theirs) = both(&recorder, home.path(), args);
        assert_eq!(ours, theirs, "requests for {args:?}");
    }

    // Credentials from an HTTP client configuration file.
    let config = home.path().join("http.yml");
    for (text, expected) in [
        (
            "basic_auth:\n  username: alice\n  password: secret\n",
            "Basic YWxpY2U6c2VjcmV0",
        ),
        ("authorization:\n  credentials: t0ken\n", "Bearer t0ken"),
    ] {
        std::fs::write(&config, text).expect("config");
        let args = strings(&[
            &plain,
            &format!("--http.config.file={}", config.display()),
            "alert",
            "query",
        ]);
        let (ours, theirs) = both(&recorder, home.path(), &args);
        assert_eq!(ours, theirs, "requests with {text:?}");
        assert_eq!(
            ours.first().and_then(|r| r.authorization.as_deref()),
            Some(expected)
        );
    }
    let both_auth = run(
        env!("CARGO_BIN_EXE_tocsin"),
        home.path(),
        &strings(&[
            &with_user,
            &format!("--http.config.file={}", config.display()),
            "alert",
            "query",
        ]),
    );
    assert_eq!(
        (both_auth.code, both_auth.stderr.as_str()),
        (
            1,
            "tocsin: error: basic authentication and http.config.file are mutually exclusive\n"
        )
    );
}

/// Answers an API client cannot expect.
fn unusual(line: &str) -> Answer {
    if line.contains("/alerts") {
        ("418 I'm a teapot", "application/json", "{}")
    } else if line.contains("/silences") {
        ("500 Internal Server Error", "text/plain", "out of <luck>")
    } else {
        ("200 OK", "application/json", "not json")
    }
}

#[test]
fn unusual_answers_are_reported_like_the_0_34_client() {
    let recorder = Recorder::start(unusual);
    let home = tempfile::tempdir().expect("home");
    let url = format!("--alertmanager.url=http://127.0.0.1:{}", recorder.port);
    let tocsin = |args: &[&str]| {
        let mut all = vec![url.clone()];
        all.extend(args.iter().map(|a| (*a).to_owned()));
        run(env!("CARGO_BIN_EXE_tocsin"), home.path(), &all)
    };
    let teapot = tocsin(&["alert", "query"]);
    assert_eq!(
        (teapot.code, teapot.stderr.as_str()),
        (
            1,
            "tocsin: error: [GET /alerts] getAlerts (status 418): {}\n\n"
        )
    );
    let plain_text = tocsin(&["silence", "query"]);
    assert_eq!(
        plain_text.stderr,
        "tocsin: error: [GET /silences][500] getSilencesInternalServerError \"out of \\u003cluck\\u003e\"\n\n"
    );
    let garbage = tocsin(&["silence", "update", "x", "-c", "c"]);
    assert_eq!(
        garbage.stderr,
        "tocsin: error: invalid character 'o' in literal null (expecting 'u')\n\n"
    );
    assert_eq!(teapot.stdout, "");
}
