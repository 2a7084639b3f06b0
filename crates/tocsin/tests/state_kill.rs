//! Random SIGKILL test of the silences' durability, black-box against the
//! real `tocsin alertmanager` binary: in a bounded loop, client threads
//! create silences and update others in place as fast as the server
//! acknowledges them, the server is SIGKILLed (one time in four: SIGTERM,
//! which must exit 0) at a random moment and started again on the same
//! `--storage.path`; every start must succeed and every acknowledged
//! (HTTP 200) silence and update must be there.
//!
//! SIGKILL leaves the page cache alone, so this checks that nothing is
//! acknowledged before it is written to the file, not the fsync itself
//! (that needs a power cut).
//!
//! The updates carry large comments so that the file grows past the
//! compaction threshold within an iteration and some kills land during a
//! compaction (the test counts the compactions it sees: the file replaced
//! by a new one). The random seed is printed; `TOCSIN_KILL_SEED=<n>` replays
//! a run's kill schedule.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Server, http, matcher, silence_json, try_http};

const ITERATIONS: usize = 15;
/// The loop stops early rather than exceed this.
const TIME_BUDGET: Duration = Duration::from_secs(50);
/// Silences updated in place, over and over.
const UPDATED: usize = 6;
/// Size of the updates' comments.
const PADDING: usize = 32 * 1024;

/// xorshift64*: enough randomness for kill times, reproducible by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

fn seed() -> u64 {
    std::env::var("TOCSIN_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        })
}

/// What the clients had acknowledged, and what went wrong while the
/// server was up.
#[derive(Default)]
struct Acknowledged {
    created: Vec<String>,
    /// Latest acknowledged version of each updated silence.
    versions: BTreeMap<String, u64>,
    unexpected: Vec<String>,
}

/// A pending silence (so that in-place updates stay allowed) for
/// `owner=<owner>`.
fn pending_silence(owner: &str, comment: &str) -> serde_json::Value {
    let now = jiff::Timestamp::now();
    silence_json(
        json!([matcher("owner", "=", owner)]),
        now + jiff::SignedDuration::from_hours(1),
        now + jiff::SignedDuration::from_hours(2),
        comment,
    )
}

/// The version in an update's comment (`v<n> …`).
fn version_of(comment: &str) -> Option<u64> {
    comment.strip_prefix('v')?.split(' ').next()?.parse().ok()
}

/// Creates silences until `stop` or the first failed request.
fn create_loop(
    base: String,
    iteration: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let url = format!("{base}/api/v2/silences");
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let body = pending_silence(&format!("created-{iteration}-{n}"), "created").to_string();
        let Ok(r) = try_http("POST", &url, Some(&body)) else {
            return;
        };
        let mut acked = acked.lock().unwrap_or_else(|p| p.into_inner());
        match (r.status, r.json()["silenceID"].as_str()) {
            (200, Some(id)) => acked.created.push(id.to_owned()),
            _ if stop.load(Ordering::SeqCst) => return,
            _ => acked
                .unexpected
                .push(format!("create: {} {}", r.status, r.body)),
        }
    }
}

/// Updates the `updated` silences round-robin, each time with a higher
/// version, until `stop` or the first failed request.
fn update_loop(
    base: String,
    updated: Vec<(String, serde_json::Value)>,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let url = format!("{base}/api/v2/silences");
    let padding = "x".repeat(PADDING);
    for (id, template) in updated.iter().cycle() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let version = acked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .versions
            .get(id)
            .map_or(1, |v| v + 1);
        let mut body = template.clone();
        body["id"] = json!(id);
        body["comment"] = json!(format!("v{version} {padding}"));
        let Ok(r) = try_http("POST", &url, Some(&body.to_string())) else {
            return;
        };
        let mut acked = acked.lock().unwrap_or_else(|p| p.into_inner());
        match (r.status, r.json()["silenceID"].as_str()) {
            (200, Some(same)) if same == id => {
                acked.versions.insert(id.clone(), version);
            }
            _ if stop.load(Ordering::SeqCst) => return,
            _ => acked
                .unexpected
                .push(format!("update of {id}: {} {}", r.status, r.body)),
        }
    }
}

/// How many times the file at `path` was replaced by another (compaction
/// renames a new file over it) until `stop`.
fn count_replacements(path: &std::path::Path, stop: &AtomicBool) -> usize {
    use std::os::unix::fs::MetadataExt;
    let inode = || std::fs::metadata(path).map_or(0, |m| m.ino());
    let (mut last, mut changes) = (inode(), 0);
    while !stop.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(5));
        let now = inode();
        if now != last {
            changes += 1;
            last = now;
        }
    }
    changes
}

#[test]
fn acknowledged_silences_survive_random_sigkills() {
    let seed = seed();
    eprintln!("random SIGKILL test: seed {seed} (replay with TOCSIN_KILL_SEED={seed})");
    let mut rng = Rng(seed);
    let mut server = Server::start(
        "route:\n  receiver: quiet\nreceivers:\n- name: quiet\n",
        &[],
    );

    // The silences to update in place, with their unchanging parts.
    let mut updated = Vec::new();
    for i in 0..UPDATED {
        let body = pending_silence(&format!("updated-{i}"), "v0");
        let id = server.post_silence(&body).unwrap_or_else(|e| panic!("{e}"));
        let stored = server.silence(&id).unwrap_or_else(|e| panic!("{e}"));
        let mut template = body;
        template["startsAt"] = stored["startsAt"].clone();
        template["endsAt"] = stored["endsAt"].clone();
        updated.push((id, template));
    }

    let started = Instant::now();
    let acked: Arc<Mutex<Acknowledged>> = Arc::default();
    let (mut checked, mut damaged_starts, mut leftover_temps, mut iterations) = (0, 0, 0, 0);
    let (mut compactions, mut terms) = (0, 0);
    let mut sizes = Vec::new();
    for iteration in 0..ITERATIONS {
        if started.elapsed() > TIME_BUDGET {
            break;
        }
        iterations += 1;
        let stop = Arc::new(AtomicBool::new(false));
        let clients = [
            {
                let (base, stop, acked) =
                    (server.base.clone(), Arc::clone(&stop), Arc::clone(&acked));
                thread::spawn(move || create_loop(base, iteration, stop, acked))
            },
            {
                let (base, stop, acked) =
                    (server.base.clone(), Arc::clone(&stop), Arc::clone(&acked));
                let updated = updated.clone();
                thread::spawn(move || update_loop(base, updated, stop, acked))
            },
        ];
        let monitor = {
            let (path, stop) = (server.storage_path().join("silences"), Arc::clone(&stop));
            thread::spawn(move || count_replacements(&path, &stop))
        };
        let delay = rng.between(20, 1500);
        let graceful = rng.between(0, 4) == 0;
        thread::sleep(Duration::from_millis(delay));
        stop.store(true, Ordering::SeqCst);
        if graceful {
            server.signal("TERM");
            let status = server.wait_exit(Duration::from_secs(10));
            assert!(
                status.is_some_and(|s| s.success()),
                "iteration {iteration}: SIGTERM under load: {status:?}; log:\n{}",
                server.log_text()
            );
            terms += 1;
        } else {
            server.kill_hard();
        }
        for client in clients {
            client.join().expect("client thread");
        }
        compactions += monitor.join().expect("monitor thread");

        if let Err(e) = server.restart(&[]) {
            panic!("iteration {iteration} (seed {seed}, stop after {delay} ms): start failed: {e}");
        }
        if server.log_text().contains("state file damaged") {
            damaged_starts += 1;
        }
        if server
            .log_text()
            .contains("removed a leftover temporary state file")
        {
            leftover_temps += 1;
        }
        sizes
            .push(std::fs::metadata(server.storage_path().join("silences")).map_or(0, |m| m.len()));

        let acked = acked.lock().unwrap_or_else(|p| p.into_inner());
        assert!(
            acked.unexpected.is_empty(),
            "iteration {iteration}: failures while the server was up: {:?}",
            acked.unexpected
        );
        let listed = server.get("/api/v2/silences").json();
        let present: BTreeMap<String, serde_json::Value> = listed
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| Some((s["id"].as_str()?.to_owned(), s.clone())))
            .collect();
        let missing: Vec<&String> = acked
            .created
            .iter()
            .filter(|id| !present.contains_key(*id))
            .collect();
        assert!(
            missing.is_empty(),
            "iteration {iteration} (seed {seed}, stop after {delay} ms): {} of {} acknowledged silences lost, e.g. {:?}; log:\n{}",
            missing.len(),
            acked.created.len(),
            missing.iter().take(5).collect::<Vec<_>>(),
            server.log_text()
        );
        // The newest acknowledgements are the likeliest to be lost: GET
        // each of them by ID.
        for id in acked.created.iter().rev().take(50) {
            let r = http("GET", &server.url(&format!("/api/v2/silence/{id}")), None);
            assert_eq!(
                r.status, 200,
                "iteration {iteration}: GET silence {id}: {}",
                r.body
            );
            checked += 1;
        }
        for (id, version) in &acked.versions {
            let stored = server
                .silence(id)
                .unwrap_or_else(|e| panic!("iteration {iteration}: {e}"));
            let comment = stored["comment"].as_str().unwrap_or("");
            let stored_version = version_of(comment);
            assert!(
                stored_version.is_some_and(|v| v >= *version),
                "iteration {iteration} (seed {seed}, stop after {delay} ms): silence {id} acknowledged at v{version}, stored {:?}",
                stored_version
            );
            assert_eq!(stored["status"]["state"], "pending", "{stored}");
        }
        checked += acked.versions.len();
    }
    let acked = acked.lock().unwrap_or_else(|p| p.into_inner());
    eprintln!(
        "random SIGKILL test: {iterations} stops ({terms} of them SIGTERM) in {:.1}s, {} silences created and {} updated silences verified ({} GETs by ID), {compactions} compactions seen while running, {damaged_starts} starts on a torn tail, {leftover_temps} with a leftover compaction file; file sizes after each start: {sizes:?}",
        started.elapsed().as_secs_f64(),
        acked.created.len(),
        acked.versions.len(),
        checked,
    );
    assert!(
        acked.created.len() > iterations,
        "the clients hardly got anything acknowledged: {}",
        acked.created.len()
    );
}
