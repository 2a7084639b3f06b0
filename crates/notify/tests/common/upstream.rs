//! Starting Debian's Alertmanager 0.25 for the differential tests of both
//! test binaries (`tests/notify`, `tests/providers`): on a free loopback
//! port, cluster disabled, stopped when dropped. A free port can be taken by
//! a test running in parallel before Alertmanager binds it, so a start only
//! counts once *this* process answers `/api/v2/status` with a 0.2x
//! version; otherwise it is retried on another port.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running upstream Alertmanager; killed on drop.
pub struct Upstream {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starts `binary` with `config` (storage under `dir`) and `extra` flags,
/// and waits until it is ready.
pub async fn start(binary: &Path, config: &Path, dir: &Path, extra: &[String]) -> Upstream {
    // Tests' own reqwest clients need a process-wide crypto provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let api = reqwest::Client::new();
    for attempt in 1..=3 {
        let port = free_port();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.path={}",
                dir.join(format!("data{attempt}")).display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start alertmanager");
        let mut upstream = Upstream {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if upstream.child.try_wait().ok().flatten().is_some() {
                break;
            }
            let status = match api
                .get(format!("{}/api/v2/status", upstream.base))
                .send()
                .await
            {
                Ok(r) => r
                    .bytes()
                    .await
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()),
                Err(_) => None,
            };
            if status.is_some_and(|v| {
                v["versionInfo"]["version"]
                    .as_str()
                    .is_some_and(|v| v.starts_with("0.2"))
            }) {
                return upstream;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("alertmanager did not become ready");
}
