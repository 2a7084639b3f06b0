//! Re-runs Go on every case of `tests/cases.json` (through
//! `tests/oracle/main.go`) when a `go` toolchain is on PATH, and checks
//! that the committed expectations are what Go produces today and that the
//! engine matches them. Skips, saying so, when Go is not available.

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};

use support::{Case, cases_path, expected_outcome, run_case};

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn committed_expectations_match_a_fresh_go_run() {
    if !go_available() {
        eprintln!("SKIPPED: `go` is not on PATH; cannot regenerate tests/cases.json expectations");
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
    let fresh: Vec<Case> = serde_json::from_slice(&output.stdout).expect("parse go output");
    let committed: Vec<Case> = serde_json::from_slice(&input).expect("parse cases.json");
    assert_eq!(fresh.len(), committed.len());
    let mut problems = Vec::new();
    for (go, old) in fresh.iter().zip(&committed) {
        assert_eq!(go.name, old.name);
        if (&go.output, &go.error, &go.phase) != (&old.output, &old.error, &old.phase) {
            problems.push(format!(
                "{}: committed expectation is stale (go now says output {:?} error {:?})",
                go.name, go.output, go.error
            ));
            continue;
        }
        let got = run_case(go);
        if got != expected_outcome(go, &got) {
            problems.push(format!("{}: engine differs from Go: {:?}", go.name, got));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
