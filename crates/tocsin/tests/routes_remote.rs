//! `tocsin config routes` without `--config.file` reads the configuration of
//! the running server at `--alertmanager.url`, as amtool does: the same tree
//! and the same receivers as from the file itself.

mod support;

use std::path::Path;
use std::process::Command;

use support::Server;

fn tocsin(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tocsin"))
        .args(args)
        .output()
        .expect("tocsin runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn routes_from_a_running_server_match_routes_from_its_file() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/routes-differential.yml");
    let config = std::fs::read_to_string(&file).expect("config file");
    let server = Server::start(&config, &[]);
    let url = format!("--alertmanager.url={}", server.url(""));
    let file_arg = format!("--config.file={}", file.display());

    let remote = tocsin(&["config", "routes", "show", &url]);
    let local = tocsin(&["config", "routes", "show", &file_arg]);
    assert_eq!(remote.0, Some(0));
    assert_eq!(remote.1, local.1);
    assert!(remote.1.contains("receiver: db-pager"), "{}", remote.1);

    for labels in [
        &["service=mysql", "severity=warning"][..],
        &["alertname=Watchdog"][..],
        &[][..],
    ] {
        let mut remote_args = vec!["config", "routes", "test", url.as_str(), "--tree"];
        remote_args.extend_from_slice(labels);
        let mut local_args = vec!["config", "routes", "test", file_arg.as_str(), "--tree"];
        local_args.extend_from_slice(labels);
        assert_eq!(tocsin(&remote_args), tocsin(&local_args), "{labels:?}");
    }

    let unreachable = tocsin(&[
        "config",
        "routes",
        "show",
        "--alertmanager.url=http://127.0.0.1:1",
    ]);
    assert_eq!(unreachable.0, Some(1));
}
