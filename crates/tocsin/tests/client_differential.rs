//! Differential tests of `tocsin alert` / `tocsin silence` against amtool:
//! both clients talk to the same real Alertmanager (Debian's 0.25 build)
//! with the same arguments, and their standard output, standard error and
//! exit codes are compared (amtool's `amtool:` prefix read as `tocsin:`).
//!
//! Where amtool 0.25 and 0.34 differ (tocsin follows 0.34), the test
//! either normalises the one known difference (0.34's client prints
//! `"mutedBy":null` for a 0.25 server, and quotes error payloads as JSON)
//! or asserts tocsin's output on its own, with the 0.34 text taken from
//! upstream's `cli/` sources. Skips, with a message, when the Alertmanager
//! or amtool binaries are missing.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ALERTMANAGER_BINARIES: [&str; 2] =
    ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"];
const AMTOOL: &str = "/usr/bin/amtool";

/// A port nobody listens on right now (bind to port 0, read it, close).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running Alertmanager, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get_ok(port: u16, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

/// Starts Alertmanager, or `None` (after saying why) when it is missing.
fn start_server() -> Option<Server> {
    let Some(binary) = ALERTMANAGER_BINARIES.iter().find(|p| Path::new(p).exists()) else {
        eprintln!("SKIP: no Alertmanager binary at {ALERTMANAGER_BINARIES:?}");
        return None;
    };
    if !Path::new(AMTOOL).exists() {
        eprintln!("SKIP: no amtool at {AMTOOL}");
        return None;
    }
    for _attempt in 0..3 {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("alertmanager.yml");
        // The webhook points at a port nothing listens on: notifications
        // fail quietly, which does not matter to the API.
        let hook = free_port();
        std::fs::write(
            &config,
            format!(
                "route:\n  receiver: default\n  group_by: [alertname]\nreceivers:\n- name: default\n  webhook_configs:\n  - url: 'http://127.0.0.1:{hook}/'\n"
            ),
        )
        .expect("write config");
        let port = free_port();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start alertmanager");
        let mut server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if http_get_ok(port, "/-/ready") {
                return Some(server);
            }
            if server.child.try_wait().ok().flatten().is_some() {
                break; // the port was taken meanwhile: try another one
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        drop(server);
    }
    panic!("Alertmanager did not become ready");
}

/// What one client printed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    stdout: String,
    stderr: String,
    code: i32,
}

/// Runs a client with an empty `$HOME` (no config file) and `stdin`.
fn run_in(program: &str, home: &Path, args: &[&str], stdin: &str) -> Outcome {
    let mut child = Command::new(program)
        .args(args)
        .env("HOME", home)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start client");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("client output");
    Outcome {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

struct Clients {
    home: tempfile::TempDir,
    url: String,
}

impl Clients {
    fn new(server: &Server) -> Clients {
        Clients {
            home: tempfile::tempdir().expect("home"),
            url: server.url.clone(),
        }
    }

    fn with_url<'a>(&'a self, args: &[&'a str]) -> Vec<String> {
        let mut all = vec![format!("--alertmanager.url={}", self.url)];
        all.extend(args.iter().map(|a| (*a).to_owned()));
        all
    }

    fn tocsin_stdin(&self, args: &[&str], stdin: &str) -> Outcome {
        let args = self.with_url(args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_in(env!("CARGO_BIN_EXE_tocsin"), self.home.path(), &args, stdin)
    }

    fn tocsin(&self, args: &[&str]) -> Outcome {
        self.tocsin_stdin(args, "")
    }

    fn amtool_stdin(&self, args: &[&str], stdin: &str) -> Outcome {
        let args = self.with_url(args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut out = run_in(AMTOOL, self.home.path(), &args, stdin);
        out.stderr = out.stderr.replace("amtool: error:", "tocsin: error:");
        out
    }

    fn amtool(&self, args: &[&str]) -> Outcome {
        self.amtool_stdin(args, "")
    }

    /// Runs both and asserts the same outcome, after `adjust` maps tocsin's
    /// output onto what amtool 0.25 prints.
    fn same(&self, args: &[&str], adjust: impl Fn(&str) -> String) -> Outcome {
        let ours = self.tocsin(args);
        let theirs = self.amtool(args);
        let adjusted = Outcome {
            stdout: adjust(&ours.stdout),
            stderr: adjust(&ours.stderr),
            code: ours.code,
        };
        assert_eq!(adjusted, theirs, "tocsin and amtool differ for {args:?}");
        ours
    }
}

/// The one JSON difference of a 0.34 client talking to a 0.25 server.
fn without_muted_by(text: &str) -> String {
    text.replace("\"mutedBy\":null,", "")
}

/// Blanks every `"updatedAt":"…"` value.
fn without_updated_at(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\"updatedAt\":\"") {
        let (head, tail) = rest.split_at(i + "\"updatedAt\":\"".len());
        out.push_str(head);
        rest = tail.find('"').map_or("", |end| &tail[end..]);
    }
    out.push_str(rest);
    out
}

fn unchanged(text: &str) -> String {
    text.to_owned()
}

fn tocsin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tocsin"))
}

#[test]
fn alert_add_and_query_match_amtool() {
    let Some(server) = start_server() else { return };
    let c = Clients::new(&server);
    let ok = |o: Outcome| assert_eq!((o.code, o.stderr.as_str()), (0, ""), "{o:?}");
    ok(c.tocsin(&[
        "alert",
        "add",
        "test1",
        "severity=warning",
        "--annotation=summary=the <sum> & more",
    ]));
    ok(c.amtool(&[
        "alert",
        "add",
        "alertname=test2",
        "node=a",
        "--annotation=summary=hi",
        "--generator-url=http://x/y",
    ]));
    ok(c.tocsin(&[
        "alert",
        "add",
        "alertname=test3",
        "--start=2020-01-01T00:00:00+02:00",
        "--end=2030-01-01T00:00:00Z",
    ]));
    ok(c.tocsin(&[
        "alert",
        "add",
        "alertname=alertname=test4",
        "--start=2021-06-01T10:00:00Z",
    ]));

    for output in ["simple", "extended", "json"] {
        for query in [
            &["alert", "query"][..],
            &["alert"],
            &["alert", "query", "test1"],
            &["alert", "query", "node=~a.*"],
        ] {
            let mut args = query.to_vec();
            args.extend(["-o", output]);
            c.same(&args, without_muted_by);
        }
    }
    let listed = c.same(&["alert", "query"], unchanged).stdout;
    assert!(
        listed.contains("test1") && listed.contains("test4"),
        "{listed}"
    );
    // The flags may come before or after the command, as with amtool.
    let before = run_in(
        tocsin_path().to_str().unwrap_or_default(),
        c.home.path(),
        &[
            "-o",
            "extended",
            "--alertmanager.url",
            &c.url,
            "alert",
            "query",
        ],
        "",
    );
    assert_eq!(
        before.stdout,
        c.tocsin(&["alert", "query", "-o", "extended"]).stdout
    );
    c.same(
        &["alert", "query", "--receiver=def.*", "-s", "-i", "-a", "-u"],
        unchanged,
    );
    c.same(
        &[
            "alert",
            "query",
            "--date.format=Jan 2 15:04",
            "-o",
            "extended",
        ],
        unchanged,
    );
    // Errors detected before any request.
    c.same(&["alert", "add", "a", "--start=bad"], unchanged);
    c.same(
        &["alert", "add", "a", "--end=2020-13-01T00:00:00Z"],
        unchanged,
    );
    c.same(&["-o", "yaml", "alert", "query"], unchanged);
    c.same(&["--timeout=1x", "alert", "query"], unchanged);
}

#[test]
fn alert_errors_follow_amtool_0_34() {
    let Some(server) = start_server() else { return };
    let c = Clients::new(&server);
    // amtool 0.34 parses labels with the matcher parser: a regex is no
    // label, a brace is refused (cli/alert_add.go, matcher/compat).
    let regex = c.tocsin(&["alert", "add", "a=~b"]);
    assert_eq!(
        (regex.code, regex.stderr.as_str()),
        (
            1,
            "tocsin: error: labels must be specified as key=value pairs\n\n"
        )
    );
    let annotation = c.tocsin(&["alert", "add", "a", "--annotation=b!=c"]);
    assert_eq!(
        annotation.stderr,
        "tocsin: error: annotations must be specified as key=value pairs\n\n"
    );
    let brace = c.tocsin(&["alert", "add", "a=b", "{foo=bar}"]);
    assert_eq!(
        (brace.code, brace.stderr.as_str()),
        (
            1,
            "tocsin: error: unexpected open or close brace: {foo=bar}\n\n"
        )
    );
    // A bare first word that is not a matcher is the alert name, braces
    // included (upstream's TestQueryAlert): nothing matches, no error.
    c.same(&["alert", "query", "{foo=bar}"], unchanged);
    // The server's 400 payload is JSON-quoted by the 0.34 client.
    let empty = c.tocsin(&["alert", "add"]);
    assert_eq!(
        (empty.code, empty.stderr.as_str()),
        (
            1,
            "tocsin: error: [POST /alerts][400] postAlertsBadRequest \"at least one label pair required\"\n\n"
        )
    );
    let theirs = c.amtool(&["alert", "add"]);
    assert_eq!(
        theirs.stderr,
        "tocsin: error: [POST /alerts][400] postAlertsBadRequest  at least one label pair required\n\n"
    );
}

#[test]
fn silences_add_query_update_expire_match_amtool() {
    let Some(server) = start_server() else { return };
    let c = Clients::new(&server);
    let add = |args: &[&str]| {
        let out = c.tocsin(args);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (0, ""),
            "{args:?}: {out:?}"
        );
        let id = out.stdout.trim().to_owned();
        assert_eq!(id.len(), 36, "a silence ID: {out:?}");
        id
    };
    let first = add(&["silence", "add", "test1", "-c", "first one", "-a", "alice"]);
    add(&[
        "silence",
        "add",
        "alertname=test2",
        "severity=~crit.*",
        "b!=c",
        "-c",
        "second",
        "-d",
        "2h",
    ]);
    add(&[
        "silence",
        "add",
        "x",
        "-c",
        "later <&>",
        "--start=2030-01-01T00:00:00+02:00",
        "--end=2030-01-02T00:00:00Z",
    ]);
    let theirs = c.amtool(&[
        "silence",
        "add",
        "from_amtool",
        "-c",
        "by amtool",
        "-a",
        "bob",
    ]);
    assert_eq!(theirs.code, 0, "{theirs:?}");

    for output in ["simple", "extended", "json"] {
        c.same(&["silence", "query", "-o", output], unchanged);
        c.same(&["silence", "-o", output], unchanged);
        c.same(&["silence", "query", "test1", "-o", output], unchanged);
    }
    c.same(&["silence", "query", "-q"], unchanged);
    c.same(&["silence", "query", "--within=90m"], unchanged);
    c.same(&["silence", "query", "--created-by=alice"], unchanged);
    c.same(
        &[
            "silence",
            "query",
            "--date.format=2006-01-02T15:04:05Z07:00",
            "-o",
            "extended",
        ],
        unchanged,
    );
    // `--id` is new in 0.34.
    let by_id = c.tocsin(&["silence", "query", "-q", "--id", &first]);
    assert_eq!(by_id.stdout, format!("{first}\n"));

    // Update: same table from both clients, each with its own comment.
    let ours = c.tocsin(&["silence", "update", &first, "-c", "updated", "-d", "3h"]);
    let theirs = c.amtool(&["silence", "update", &first, "-c", "updated", "-d", "3h"]);
    assert_eq!((ours.code, &ours.stdout), (0, &theirs.stdout));
    // Each update moves `updatedAt`; everything else is equal.
    let ours = c.tocsin(&["silence", "update", &first, "-o", "json"]);
    let theirs = c.amtool(&["silence", "update", &first, "-o", "json"]);
    assert_eq!(
        (ours.code, without_updated_at(&ours.stdout)),
        (theirs.code, without_updated_at(&theirs.stdout))
    );

    // Expire, then both list it as expired.
    let expired = c.tocsin(&["silence", "expire", &first]);
    assert_eq!(
        (
            expired.code,
            expired.stdout.as_str(),
            expired.stderr.as_str()
        ),
        (0, "", "")
    );
    c.same(&["silence", "query", "--expired", "-q"], unchanged);
    c.same(
        &[
            "silence",
            "query",
            "--expired",
            "--within=1h",
            "-o",
            "extended",
        ],
        unchanged,
    );

    // Local errors, before any request.
    for args in [
        &["silence", "add"][..],
        &["silence", "add", "x"],
        &["silence", "add", "x", "-c", "c", "-d", "0"],
        &["silence", "add", "x", "-c", "c", "--start=bad"],
        &[
            "silence",
            "add",
            "x",
            "-c",
            "c",
            "--end=2020-01-01T00:00:00Z",
        ],
        &["silence", "expire"],
        &["silence", "update"],
        &["silence", "query", "--within=1d"],
    ] {
        c.same(args, unchanged);
    }
    // prometheus/common v0.70 (Alertmanager 0.34) words bad units this way.
    let unit = c.tocsin(&["silence", "add", "x", "-c", "c", "-d", "1x"]);
    assert_eq!(
        unit.stderr,
        "tocsin: error: unknown unit \"x\" in duration \"1x\"\n\n"
    );
    // Error responses, as the 0.34 client prints them.
    let missing = c.tocsin(&["silence", "expire", "00000000-0000-0000-0000-000000000000"]);
    assert_eq!(
        missing.stderr,
        "tocsin: error: [DELETE /silence/{silenceID}][500] deleteSilenceInternalServerError \"silence not found\"\n\n"
    );
    let invalid = c.tocsin(&["silence", "expire", "not-a-uuid"]);
    assert_eq!(
        invalid.stderr,
        "tocsin: error: [DELETE /silence/{silenceID}] deleteSilence (status 422): {}\n\n"
    );
    let unknown = c.tocsin(&[
        "silence",
        "update",
        "00000000-0000-0000-0000-000000000000",
        "-c",
        "x",
    ]);
    assert_eq!(
        unknown.stderr,
        "tocsin: error: [GET /silence/{silenceID}][404] getSilenceNotFound\n\n"
    );
}

#[test]
fn silence_import_matches_amtool() {
    let Some(server) = start_server() else { return };
    let c = Clients::new(&server);
    for (name, comment) in [("test1", "test silence 1"), ("test2", "test silence 2")] {
        let out = c.tocsin(&["silence", "add", name, "severity=warning", "-c", comment]);
        assert_eq!(out.code, 0, "{out:?}");
    }
    let export = c.tocsin(&["silence", "query", "-o", "json"]).stdout;
    let ids = c.tocsin(&["silence", "query", "-q"]).stdout;
    for id in ids.lines() {
        assert_eq!(c.tocsin(&["silence", "expire", id]).code, 0);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("silences.json");
    std::fs::write(&file, &export).expect("write export");
    let file = file.to_str().unwrap_or_default();

    // The expired silences come back as two active ones.
    let imported = c.tocsin(&["silence", "import", file]);
    assert_eq!(
        (imported.code, imported.stderr.as_str()),
        (0, ""),
        "{imported:?}"
    );
    assert_eq!(imported.stdout.lines().count(), 2, "{imported:?}");
    let forced = c.tocsin_stdin(&["silence", "import", "-f"], &export);
    assert_eq!(forced.stdout.lines().count(), 2, "{forced:?}");
    assert_eq!(
        c.tocsin(&["silence", "query", "-q"]).stdout.lines().count(),
        4
    );

    // Invalid input: the same errors from both clients.
    for input in [
        r#"[{"broken": "json""#,
        "",
        "5",
        r#"{"a":1}"#,
        "[1]",
        r#"[{"comment":5}]"#,
        "]",
    ] {
        let ours = c.tocsin_stdin(&["silence", "import"], input);
        let theirs = c.amtool_stdin(&["silence", "import"], input);
        assert_eq!(ours, theirs, "input {input:?}");
    }
    c.same(&["silence", "import", "/nonexistent"], unchanged);
    c.same(&["silence", "import", "-w", "x"], unchanged);

    // An invalid silence: the server refuses it and the count is reported
    // (amtool 0.25 loses the count to a race fixed in 0.34, so only the
    // per-silence line is compared).
    let zero = r#"[{"matchers":[{"name":"alertname","value":"test","isRegex":false}],"startsAt":"0001-01-01T00:00:00.000Z","endsAt":"0001-01-01T00:00:00.000Z","createdBy":"test","comment":"invalid silence with zero timestamps"}]"#;
    let ours = c.tocsin_stdin(&["silence", "import"], zero);
    assert_eq!(ours.code, 1);
    assert!(
        ours.stderr
            .ends_with("tocsin: error: couldn't import 1 out of 1 silences\n\n"),
        "{ours:?}"
    );
    let theirs = c.amtool_stdin(&["silence", "import"], zero);
    let their_line = theirs.stderr.lines().next().unwrap_or_default();
    let our_line = ours.stderr.lines().next().unwrap_or_default();
    assert!(
        their_line.starts_with(
            "Error adding silence id='': [POST /silences][400] postSilencesBadRequest  "
        ),
        "{theirs:?}"
    );
    assert_eq!(
        our_line,
        their_line.replacen("postSilencesBadRequest  ", "postSilencesBadRequest \"", 1) + "\"",
        "the 0.34 client quotes the payload"
    );

    // Partial failure: two of five silences end before they start.
    let silence = |name: &str, start: &str, end: &str| {
        format!(
            r#"{{"matchers":[{{"name":"alertname","value":"{name}","isRegex":false}}],"startsAt":"{start}","endsAt":"{end}","createdBy":"test","comment":"c"}}"#
        )
    };
    let (now, later) = ("2029-01-01T00:00:00Z", "2030-01-01T00:00:00Z");
    let mixed = format!(
        "[{},{},{},{},{}]",
        silence("t1", now, later),
        silence("t2", later, now),
        silence("t3", now, later),
        silence("t4", later, now),
        silence("t5", now, later)
    );
    let ours = c.tocsin_stdin(&["silence", "import", "-w", "2"], &mixed);
    assert_eq!(ours.code, 1);
    assert_eq!(ours.stdout.lines().count(), 3, "{ours:?}");
    assert!(
        ours.stderr
            .ends_with("tocsin: error: couldn't import 2 out of 5 silences\n\n"),
        "{ours:?}"
    );
    assert_eq!(
        ours.stderr.matches("Error adding silence id=''").count(),
        2,
        "{ours:?}"
    );
}

#[test]
fn transport_and_flag_errors_match_amtool() {
    let Some(server) = start_server() else { return };
    drop(server);
    // Nothing listens on this port.
    let home = tempfile::tempdir().expect("home");
    let c = Clients {
        url: format!("http://127.0.0.1:{}", free_port()),
        home,
    };
    for args in [
        &["alert", "query"][..],
        &["alert", "add", "foo"],
        &["silence", "add", "a", "-c", "b"],
        &["silence", "expire", "9e22ad2f-023e-4c4b-a07c-04a53a7ec1c4"],
        &["silence", "query"],
    ] {
        let ours = c.same(args, unchanged);
        assert!(
            ours.stderr.contains("connect: connection refused"),
            "{ours:?}"
        );
    }
    // 0.34 quotes the alert name of the heuristic (`alertname="x"`).
    let quoted = c.tocsin(&["silence", "query", "x"]);
    assert!(
        quoted
            .stderr
            .contains("/api/v2/silences?filter=alertname%3D%22x%22\": dial tcp"),
        "{quoted:?}"
    );
    let expired = c.tocsin(&["--timeout=0s", "silence", "query"]);
    assert!(
        expired
            .stderr
            .ends_with("/api/v2/silences\": context deadline exceeded\n\n"),
        "{expired:?}"
    );

    // Without a URL (Debian's amtool has a default one, amtool 0.34 not).
    let none = run_in(
        tocsin_path().to_str().unwrap_or_default(),
        c.home.path(),
        &["alert", "query"],
        "",
    );
    assert_eq!(
        (none.code, none.stderr.as_str()),
        (
            1,
            "tocsin: error: required flag --alertmanager.url not provided\n"
        )
    );
    // amtool's config file supplies flag defaults.
    let config_dir = c.home.path().join(".config/amtool");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(
        config_dir.join("config.yml"),
        format!("alertmanager.url: {}\noutput: json\n", c.url),
    )
    .expect("config");
    let from_config = run_in(
        tocsin_path().to_str().unwrap_or_default(),
        c.home.path(),
        &["alert", "query"],
        "",
    );
    assert!(
        from_config.stderr.contains("connect: connection refused"),
        "{from_config:?}"
    );
    std::fs::write(config_dir.join("config.yml"), "BAD").expect("config");
    let bad = run_in(
        tocsin_path().to_str().unwrap_or_default(),
        c.home.path(),
        &["alert", "query"],
        "",
    );
    assert_eq!(
        bad.stderr,
        "tocsin: error: could not load config file: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `BAD` into map[string]string\n\n"
    );
    std::fs::remove_file(config_dir.join("config.yml")).expect("remove config");
    let features = c.tocsin(&["--enable-feature=bogus", "alert", "query"]);
    assert_eq!(
        features.stderr,
        "tocsin: error: error parsing the feature flag list: unknown option 'bogus' for --enable-feature\n\n"
    );
}
