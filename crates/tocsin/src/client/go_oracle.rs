//! Test support: runs a small Go program (the behaviour amtool inherits
//! from Go's standard library) and returns what it prints. Tests skip,
//! with a visible message, when the `go` tool is not installed.

use std::io::Write as _;
use std::process::{Command, Stdio};

/// Runs `program` (a complete `package main`) with `input` on standard
/// input; `None` (after printing why) when Go is unavailable.
pub fn run(program: &str, input: &str) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let source = dir.path().join("main.go");
    std::fs::write(&source, program).ok()?;
    let child = Command::new("go")
        .arg("run")
        .arg(&source)
        .env("GO111MODULE", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) => {
            eprintln!("SKIP: `go` is not available ({err}); Go oracle comparison not run");
            return None;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).ok()?;
    }
    let output = child.wait_with_output().ok()?;
    assert!(
        output.status.success(),
        "go run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}
