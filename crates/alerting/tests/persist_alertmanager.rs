//! File compatibility with the real Go Alertmanager (0.25 on this machine):
//! tocsin loads the `silences` and `nflog` files Alertmanager wrote on
//! shutdown and finds what Alertmanager's API reported, and Alertmanager
//! starts on files tocsin wrote and lists tocsin's silences. Skips with a
//! message when no Alertmanager binary is installed.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::{Value, json};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::nflog::{Notification, ReceiverDataValue, ReceiverKey, alert_hash};
use tocsin_alerting::persist::{self, PersistOptions};
use tocsin_alerting::silence::{Silence, SilenceMatcher, SilenceRecord, SilencesOptions};
use tocsin_model::{LabelSet, MatchType};

const HOUR: Duration = Duration::from_secs(3600);
/// Alertmanager's default `--data.retention`.
const RETENTION: Duration = Duration::from_secs(120 * 3600);

fn alertmanager_binary() -> Option<PathBuf> {
    ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.0 exchange (the server closes the connection, so no
/// chunked bodies); returns the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// A running Alertmanager, stopped with SIGTERM (so it writes its
/// snapshots) when [`Alertmanager::stop`] is called, killed on drop.
struct Alertmanager {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Alertmanager {
    fn start(binary: &Path, work: &Path, storage: &Path, webhook_port: u16) -> Alertmanager {
        let config = work.join("alertmanager.yml");
        std::fs::write(
            &config,
            format!(
                "route:\n  receiver: my.recv\n  group_by: [alertname]\n  group_wait: 100ms\n  \
                 group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: my.recv\n    \
                 webhook_configs:\n      - url: http://127.0.0.1:{webhook_port}/hook\n"
            ),
        )
        .unwrap();
        let port = free_port();
        let log = work.join(format!("alertmanager-{port}.log"));
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", storage.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let am = Alertmanager { child, port, log };
        am.wait_until(|| matches!(http(port, "GET", "/-/ready", None), Ok((200, _))));
        am
    }

    fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !ready() {
            assert!(
                Instant::now() < deadline,
                "timed out; Alertmanager log:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let (status, text) = http(self.port, method, path, body.as_deref()).unwrap();
        assert_eq!(status, 200, "{method} {path}: {text}");
        if text.trim().is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&text).unwrap()
    }

    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "Alertmanager ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A loopback webhook receiver that answers 200 and keeps the bodies.
fn webhook_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (port, bodies)
}

fn parse_time(v: &Value) -> Timestamp {
    v.as_str().unwrap().parse().unwrap()
}

/// The API's matchers as `(kind, name, pattern)`.
fn api_matchers(silence: &Value) -> Vec<SilenceMatcher> {
    silence["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let regex = m["isRegex"].as_bool().unwrap();
            let equal = m["isEqual"].as_bool().unwrap_or(true);
            SilenceMatcher {
                kind: match (regex, equal) {
                    (false, true) => MatchType::Equal,
                    (false, false) => MatchType::NotEqual,
                    (true, true) => MatchType::Regexp,
                    (true, false) => MatchType::NotRegexp,
                },
                name: m["name"].as_str().unwrap().to_owned(),
                pattern: m["value"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

/// Asserts that a silence as the API shows it and as a record agree (the
/// API prints times with millisecond precision).
fn assert_same(api: &Value, record: &SilenceRecord) {
    let s = &record.silence;
    assert_eq!(api["id"].as_str().unwrap(), s.id);
    assert_eq!(api_matchers(api), s.matcher_sets[0], "{}", s.id);
    assert_eq!(api["createdBy"].as_str().unwrap(), s.created_by);
    assert_eq!(api["comment"].as_str().unwrap(), s.comment);
    for (field, value) in [
        ("startsAt", s.starts_at),
        ("endsAt", s.ends_at),
        ("updatedAt", s.updated_at),
    ] {
        assert_eq!(
            parse_time(&api[field]).as_millisecond(),
            value.as_millisecond(),
            "{} {field}",
            s.id
        );
    }
}

fn skip_without_alertmanager() -> Option<PathBuf> {
    let binary = alertmanager_binary();
    if binary.is_none() {
        eprintln!(
            "SKIPPED: no /usr/bin/prometheus-alertmanager or /usr/bin/alertmanager; \
             file compatibility with Go Alertmanager not checked"
        );
    }
    binary
}

#[test]
fn tocsin_loads_what_alertmanager_wrote() {
    let Some(binary) = skip_without_alertmanager() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let storage = work.path().join("data");
    std::fs::create_dir_all(&storage).unwrap();
    let (webhook_port, bodies) = webhook_server();
    let am = Alertmanager::start(&binary, work.path(), &storage, webhook_port);

    let now = Timestamp::now();
    let matcher = |name: &str, value: &str, regex: bool, equal: bool| json!({"name": name, "value": value, "isRegex": regex, "isEqual": equal});
    let requests = [
        (
            vec![matcher("job", "api", false, true)],
            now,
            now + HOUR,
            "alice",
            "maintenance window",
        ),
        (
            vec![
                matcher("job", "db", false, true),
                matcher("env", "pro.*", true, false),
            ],
            now,
            now + 2 * HOUR,
            "bob",
            "two matchers",
        ),
        (
            vec![
                matcher("team", "a|b", true, true),
                matcher("zone", "x", false, false),
            ],
            now + HOUR,
            now + 3 * HOUR,
            "carol",
            "pending ünïcode",
        ),
    ];
    let mut ids = Vec::new();
    for (matchers, starts, ends, by, comment) in requests {
        let created = am.api(
            "POST",
            "/api/v2/silences",
            Some(json!({
                "matchers": matchers,
                "startsAt": starts.to_string(),
                "endsAt": ends.to_string(),
                "createdBy": by,
                "comment": comment,
            })),
        );
        ids.push(created["silenceID"].as_str().unwrap().to_owned());
    }

    let labels: LabelSet = [
        ("alertname", "Test"),
        ("instance", "a"),
        ("severity", "warn"),
    ]
    .into_iter()
    .collect();
    am.api(
        "POST",
        "/api/v2/alerts",
        Some(json!([{"labels": {"alertname": "Test", "instance": "a", "severity": "warn"}}])),
    );
    am.wait_until(|| !bodies.lock().unwrap().is_empty());
    // The entry is logged right after the webhook answered.
    std::thread::sleep(Duration::from_millis(500));

    let listed = am.api("GET", "/api/v2/silences", None);
    let listed: BTreeMap<String, Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_owned(), s.clone()))
        .collect();
    assert_eq!(listed.len(), 3);
    am.stop();

    let silences = persist::open_silences(
        &storage,
        SilencesOptions::default(),
        Clock::system(),
        &PersistOptions::default(),
    )
    .unwrap();
    assert!(
        silences.report.found && silences.report.is_clean(),
        "{}",
        silences.report
    );
    assert_eq!(silences.report.loaded, 3);
    for id in &ids {
        let record = silences
            .store
            .records()
            .into_iter()
            .find(|r| &r.silence.id == id)
            .unwrap_or_else(|| panic!("silence {id} not loaded"));
        assert_same(&listed[id], &record);
        assert_eq!(record.expires_at, record.silence.ends_at + RETENTION);
    }

    let nflog = persist::open_nflog(
        &storage,
        RETENTION,
        Clock::system(),
        &PersistOptions::default(),
    )
    .unwrap();
    assert!(
        nflog.report.found && nflog.report.is_clean(),
        "{}",
        nflog.report
    );
    assert_eq!(nflog.report.loaded, 1);
    let receiver = ReceiverKey {
        receiver: "my.recv".into(),
        integration: "webhook".into(),
        index: 0,
    };
    let entry = nflog
        .store
        .query("{}:{alertname=\"Test\"}", &receiver)
        .expect("the webhook notification is in the nflog");
    assert_eq!(entry.firing_alerts, vec![alert_hash(&labels)]);
    assert!(entry.resolved_alerts.is_empty());
}

#[test]
fn alertmanager_loads_what_tocsin_wrote() {
    let Some(binary) = skip_without_alertmanager() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let storage = work.path().join("data");
    let clock = Clock::system();
    let now = clock.now();
    let silences = persist::open_silences(
        &storage,
        SilencesOptions::default(),
        clock,
        &PersistOptions::default(),
    )
    .unwrap();
    let matcher = |kind, name: &str, pattern: &str| SilenceMatcher {
        kind,
        name: name.into(),
        pattern: pattern.into(),
    };
    let mut created = Vec::new();
    for (sets, starts, ends, comment) in [
        (
            vec![vec![matcher(MatchType::Equal, "job", "api")]],
            now,
            now + HOUR,
            "plain",
        ),
        (
            vec![vec![
                matcher(MatchType::NotRegexp, "env", "pro.*"),
                matcher(MatchType::Equal, "job", "db"),
            ]],
            now + HOUR,
            now + 2 * HOUR,
            "pending",
        ),
        // 0.25 knows only the legacy field, so it sees the first set.
        (
            vec![
                vec![matcher(MatchType::Regexp, "team", "a|b")],
                vec![
                    matcher(MatchType::NotEqual, "zone", "x"),
                    matcher(MatchType::Equal, "k", "v"),
                ],
            ],
            now,
            now + 3 * HOUR,
            "two sets",
        ),
    ] {
        let id = silences
            .store
            .set(Silence {
                id: String::new(),
                matcher_sets: sets,
                starts_at: starts,
                ends_at: ends,
                updated_at: Timestamp::UNIX_EPOCH,
                created_by: "tocsin".into(),
                comment: comment.into(),
                annotations: BTreeMap::from([("k".into(), "v".into())]),
            })
            .unwrap();
        created.push(id);
    }
    // One update and one expiry, so the file holds superseded records.
    let mut updated = silences.store.get(&created[0]).unwrap();
    updated.comment = "plain, updated".into();
    silences.store.set(updated).unwrap();
    silences.store.expire(&created[1]).unwrap();
    let records = silences.store.records();
    silences.file.close().unwrap();

    let nflog =
        persist::open_nflog(&storage, RETENTION, clock, &PersistOptions::default()).unwrap();
    nflog.store.log(
        Notification {
            receiver: ReceiverKey {
                receiver: "my.recv".into(),
                integration: "webhook".into(),
                index: 0,
            },
            group_key: "{}:{alertname=\"Test\"}".into(),
            firing_alerts: vec![1, u64::MAX],
            resolved_alerts: vec![2],
            receiver_data: BTreeMap::from([("ts".into(), ReceiverDataValue::Str("1.5".into()))]),
            expiry: 2 * HOUR,
        },
        clock.now(),
    );
    let logged = nflog.store.records();
    nflog.file.close().unwrap();

    let (webhook_port, _) = webhook_server();
    let am = Alertmanager::start(&binary, work.path(), &storage, webhook_port);
    let listed = am.api("GET", "/api/v2/silences", None);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 3, "{listed:?}");
    for api in listed {
        let record = records
            .iter()
            .find(|r| r.silence.id == api["id"].as_str().unwrap())
            .unwrap();
        assert_same(api, record);
    }
    let states: BTreeMap<&str, &str> = listed
        .iter()
        .map(|s| {
            (
                s["comment"].as_str().unwrap(),
                s["status"]["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        BTreeMap::from([
            ("plain, updated", "active"),
            ("pending", "expired"),
            ("two sets", "active")
        ])
    );
    am.stop();

    // Alertmanager's own snapshot of our state loads back unchanged: 0.25
    // keeps the fields it does not know (annotations, matcher sets) as
    // unknown protobuf fields and writes them out again.
    let back = persist::open_silences(
        &storage,
        SilencesOptions::default(),
        clock,
        &PersistOptions::default(),
    )
    .unwrap();
    assert!(back.report.is_clean(), "{}", back.report);
    let mut back_records = back.store.records();
    back_records.sort_by(|a, b| a.silence.id.cmp(&b.silence.id));
    let mut records = records;
    records.sort_by(|a, b| a.silence.id.cmp(&b.silence.id));
    assert_eq!(back_records, records);
    let nflog_back =
        persist::open_nflog(&storage, RETENTION, clock, &PersistOptions::default()).unwrap();
    assert!(nflog_back.report.is_clean(), "{}", nflog_back.report);
    assert_eq!(nflog_back.store.records(), logged);
}
