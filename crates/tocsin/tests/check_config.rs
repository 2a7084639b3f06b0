//! `tocsin check-config` as a user meets it: amtool's summary and exit codes
//! (compared with Debian's amtool where installed), every problem reported
//! at once with file:line:column, and bad input that never panics or hangs.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn tocsin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tocsin"))
        .args(args)
        .output()
        .expect("tocsin runs")
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write test file");
    path.to_string_lossy().into_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const VALID: &str = "\
global:
  smtp_smarthost: 'smtp.example.org:587'
  smtp_from: 'alertmanager@example.org'
route:
  receiver: ops
  routes:
  - receiver: 'null'
    matchers: ['alertname=\"Watchdog\"']
inhibit_rules:
- source_matchers: ['severity=\"critical\"']
  target_matchers: ['severity=\"warning\"']
  equal: ['alertname']
receivers:
- name: 'null'
- name: ops
  email_configs:
  - to: 'ops@example.org'
  slack_configs:
  - api_url: 'https://hooks.slack.com/services/T/B/X'
    channel: #monitoring
    text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}'
    send_resolved: true
";

#[test]
fn valid_config_prints_amtools_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "am.yml", VALID.as_bytes());
    let out = tocsin(&["check-config", &file]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let expected = format!(
        "Checking '{file}'  SUCCESS\nFound:\n - global config\n - route\n - 1 inhibit rules\n - 2 receivers\n - 0 templates\n\n"
    );
    assert_eq!(text(&out.stdout), expected);
    if Command::new("amtool").arg("--version").output().is_ok() {
        let amtool = Command::new("amtool")
            .args(["check-config", &file])
            .output()
            .expect("amtool runs");
        assert_eq!(
            text(&amtool.stdout),
            expected,
            "amtool agrees on the summary"
        );
    } else {
        eprintln!("SKIPPED (amtool comparison): amtool not found on PATH");
    }
}

#[test]
fn rule_files_in_alertmanager_yml_names_the_key_line_and_prometheus_yml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(
        dir.path(),
        "am.yml",
        b"route:\n  receiver: x\nrule_files:\n  - /etc/prometheus/rules/*.yml\nreceivers:\n- name: x\n",
    );
    let out = tocsin(&["check-config", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAILED") && stdout.contains("rule_files"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{file}:3:1")),
        "location in: {stderr}"
    );
    assert!(stderr.contains("prometheus.yml"), "hint in: {stderr}");
    assert!(stderr.contains("failed to validate 1 file(s)"), "{stderr}");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(
        dir.path(),
        "am.yml",
        b"route:\n  receiver: missing\n  group_wiat: 30s\n  routes:\n  - receiver: also-missing\n    group_interval: 30x\nreceivers:\n- name: a\n- name: a\n",
    );
    let out = tocsin(&["check-config", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    for needle in [
        "group_wiat",
        "group_wait",
        "30x",
        "missing",
        "also-missing",
        "\"a\"",
    ] {
        assert!(
            stderr.contains(needle),
            "{needle:?} not reported in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains(&format!("{file}:3:3")),
        "unknown key located:\n{stderr}"
    );
}

#[test]
fn missing_file_is_an_error_before_anything_is_checked() {
    let out = tocsin(&["check-config", "/nonexistent/alertmanager.yml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "tocsin: error: path '/nonexistent/alertmanager.yml' does not exist\n\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_gives_a_clear_error_quickly_and_never_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut garbage = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push((x >> 24) as u8);
    }
    let big = {
        let mut s = String::from("route:\n  receiver: x\nreceivers:\n- name: x\n# ");
        s.push_str(&"y".repeat(10 * 1024 * 1024));
        s.push_str("\nbogus: [\n");
        s
    };
    let deep = format!("route:\n  receiver: {}\n", "[".repeat(20_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("whitespace", b"  \n\n".to_vec()),
        ("garbage", garbage),
        ("ten-megabytes", big.into_bytes()),
        ("deep-nesting", deep.into_bytes()),
        ("alias-bomb", b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\nroute: {receiver: x}\n".to_vec()),
    ];
    for (name, contents) in cases {
        let file = write(dir.path(), &format!("{name}.yml"), &contents);
        let started = Instant::now();
        let out = tocsin(&["check-config", &file]);
        let elapsed = started.elapsed();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: stderr {stderr}");
        assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
        assert!(
            text(&out.stdout).contains("FAILED: "),
            "{name}: {}",
            text(&out.stdout)
        );
        assert!(elapsed < Duration::from_secs(20), "{name} took {elapsed:?}");
    }
}

#[test]
fn reads_standard_input_when_no_file_is_given() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tocsin"))
        .arg("check-config")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(VALID.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Checking '/dev/stdin'  SUCCESS\n"));
}

#[test]
fn templates_are_parsed_like_amtool_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "good.tmpl", b"{{ define \"my.title\" }}[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }}{{ end }}\n");
    write(
        dir.path(),
        "bad.tmpl",
        b"{{ define \"broken\" }}\n{{ .Status }\n{{ end }}\n",
    );
    let base = "route:\n  receiver: x\nreceivers:\n- name: x\ntemplates:\n";
    let good = write(
        dir.path(),
        "good.yml",
        format!("{base}- 'good*.tmpl'\n").as_bytes(),
    );
    let bad = write(
        dir.path(),
        "bad.yml",
        format!("{base}- '*.tmpl'\n").as_bytes(),
    );
    let amtool = Command::new("amtool").arg("--version").output().is_ok();
    if !amtool {
        eprintln!("SKIPPED (amtool comparison): amtool not found on PATH");
    }

    let out = tocsin(&["check-config", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).ends_with(" - 1 templates\n  SUCCESS\n\n"),
        "{}",
        text(&out.stdout)
    );
    if amtool {
        let expected = Command::new("amtool")
            .args(["check-config", &good])
            .output()
            .expect("amtool");
        assert_eq!(text(&out.stdout), text(&expected.stdout));
    }

    let out = tocsin(&["check-config", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(" - 1 templates\n  FAILED: template: bad.tmpl:2:"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.tmpl:2:"), "location in: {stderr}");
    if amtool {
        let expected = Command::new("amtool")
            .args(["check-config", &bad])
            .output()
            .expect("amtool");
        assert_eq!(
            stdout,
            text(&expected.stdout),
            "same verdict and message as amtool"
        );
        assert_eq!(out.status.code(), expected.status.code());
    }
}
