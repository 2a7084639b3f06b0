//! Re-runs Go on every case of `tests/cases.json` (through
//! `tests/oracle/main.go`) when a Go 1.19 toolchain is on PATH, and checks
//! that the committed expectations are what Go produces today and that the
//! engine matches them; also regenerates the Unicode tables. Skips, saying
//! so, when `go` is missing or another Go version is installed (newer Go
//! releases changed a few behaviours, see `KNOWN_DIFFERENCES`).

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};

use support::{Suite, cases_path, expected_outcome, run_case};

/// Whether the reference Go (1.19) is on PATH; says why not otherwise.
fn go_available() -> bool {
    let version = Command::new("go")
        .arg("version")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    match version {
        Some(v) if v.contains("go1.19") => true,
        Some(v) => {
            eprintln!(
                "SKIPPED: expectations come from Go 1.19; found {}",
                v.trim()
            );
            false
        }
        None => {
            eprintln!("SKIPPED: `go` is not on PATH");
            false
        }
    }
}

#[test]
fn committed_expectations_match_a_fresh_go_run() {
    if !go_available() {
        eprintln!("SKIPPED: not regenerating tests/cases.json expectations");
        return;
    }
    let input = std::fs::read(cases_path()).expect("read cases.json");
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new("go")
        .args(["run", "tests/oracle/main.go"])
        .current_dir(dir)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start go run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write cases to go");
    let output = child.wait_with_output().expect("go run");
    assert!(
        output.status.success(),
        "go run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fresh: Suite = serde_json::from_slice(&output.stdout).expect("parse go output");
    let committed: Suite = serde_json::from_slice(&input).expect("parse cases.json");
    assert_eq!(fresh.cases.len(), committed.cases.len());
    let mut problems = Vec::new();
    for (go, old) in fresh.cases.iter().zip(&committed.cases) {
        assert_eq!(go.name, old.name);
        if (&go.output, &go.error, &go.phase) != (&old.output, &old.error, &old.phase) {
            problems.push(format!(
                "{}: committed expectation is stale (go now says output {:?} error {:?})",
                go.name, go.output, go.error
            ));
            continue;
        }
        let got = run_case(&fresh, go);
        if got != expected_outcome(go, &got) {
            problems.push(format!("{}: engine differs from Go: {:?}", go.name, got));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn unicode_tables_match_go() {
    if !go_available() {
        eprintln!("SKIPPED: not regenerating src/unicode_tables.rs");
        return;
    }
    let dir = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("go")
        .args(["run", "tests/oracle/gentables/main.go"])
        .current_dir(dir)
        .env("GO111MODULE", "off")
        .output()
        .expect("go run gentables");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let committed =
        std::fs::read_to_string(format!("{dir}/src/unicode_tables.rs")).expect("read tables");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        committed,
        "src/unicode_tables.rs is stale"
    );
}
