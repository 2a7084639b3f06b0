//! Differential test: `tocsin config routes show|test` against Debian's
//! `amtool` (Alertmanager 0.25) on the same config and label sets. Skips
//! with a visible message when amtool is not installed (`.ci/run` installs
//! it, so CI always runs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn config_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/routes-differential.yml")
}

fn amtool_available() -> bool {
    let found = Command::new("amtool").arg("--version").output().is_ok();
    if !found {
        eprintln!(
            "SKIPPED: amtool not found on PATH (install Debian's prometheus-alertmanager to run this differential test)"
        );
    }
    found
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"))
}

fn tocsin(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_tocsin"), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Label sets covering every branch of the differential config.
const LABEL_SETS: &[&[&str]] = &[
    &[],
    &["alertname=Watchdog"],
    &["alertname=Watchdog", "service=mysql"],
    &["service=mysql", "severity=critical"],
    &["service=postgres", "severity=warning"],
    &["service=postgres", "severity=info"],
    &["service=mysql"],
    &["service=mysqlx", "severity=warning"],
    &["service=^(mysql|postgres)$"],
    &["team=web", "env=prod"],
    &["team=db", "env=prod"],
    &["env=staging"],
    &["env=dev", "team=web"],
    &["env=prod", "canary=yes"],
    &["env=prod", "canary=yes", "region=eu-west-1"],
    &["env=prod", "canary=", "region=us-east-1"],
    &["instance=router-12", "job=snmp"],
    &["instance=router-12", "job=snmp", "severity=warning"],
    &["instance=router-x", "job=snmp", "severity=warning"],
    &["severity=warning"],
    &["severity=Warning"],
    &[
        "service=mysql",
        "severity=warning",
        "env=prod",
        "instance=router-1",
        "job=snmp",
    ],
    &["alertname=\"quoted value\"", "severity=warning"],
];

#[test]
fn routes_test_names_the_same_receivers_as_amtool() {
    if !amtool_available() {
        return;
    }
    let config = config_path();
    let config_arg = format!("--config.file={}", config.display());
    for labels in LABEL_SETS {
        for tree in [false, true] {
            let mut args = vec!["config", "routes", "test", config_arg.as_str()];
            if tree {
                args.push("--tree");
            }
            args.extend_from_slice(labels);
            let expected = run("amtool", &args);
            let actual = tocsin(&args);
            assert_eq!(
                stdout(&actual),
                stdout(&expected),
                "labels {labels:?} (tree: {tree}); stderr: {}",
                String::from_utf8_lossy(&actual.stderr)
            );
            assert_eq!(
                actual.status.code(),
                expected.status.code(),
                "exit code for {labels:?}"
            );
        }
    }
}

#[test]
fn verify_receivers_exit_codes_match_amtool() {
    if !amtool_available() {
        return;
    }
    let config = config_path();
    let config_arg = format!("--config.file={}", config.display());
    for (expected_receivers, labels) in [
        (
            "team-db,db-warnings,catch-all",
            &["service=mysql", "severity=warning"][..],
        ),
        ("team-db", &["service=mysql", "severity=warning"][..]),
        ("default", &["foo=bar"][..]),
        ("null", &["foo=bar"][..]),
    ] {
        let verify = format!("--verify.receivers={expected_receivers}");
        let mut args = vec![
            "config",
            "routes",
            "test",
            config_arg.as_str(),
            verify.as_str(),
        ];
        args.extend_from_slice(labels);
        let expected = run("amtool", &args);
        let actual = tocsin(&args);
        assert_eq!(stdout(&actual), stdout(&expected), "{args:?}");
        assert_eq!(actual.status.code(), expected.status.code(), "{args:?}");
    }
}

#[test]
fn routes_show_draws_the_same_tree_as_amtool() {
    if !amtool_available() {
        return;
    }
    let config = config_path();
    let config_arg = format!("--config.file={}", config.display());
    for args in [
        vec!["config", "routes", "show", config_arg.as_str()],
        vec!["config", "routes", config_arg.as_str()],
    ] {
        let expected = run("amtool", &args);
        let actual = tocsin(&args);
        assert_eq!(stdout(&actual), stdout(&expected), "{args:?}");
        assert_eq!(actual.status.code(), Some(0));
    }
}
