//! The writer of one state file: a dedicated thread that appends queued
//! records in batches (group commit: one `write` and one `fdatasync` per
//! batch, however many records queued up meanwhile), publishes which
//! tickets are durable, and compacts the file when it has grown to
//! `compact_ratio` × the live state.
//!
//! The thread keeps its own copy of the live state (the last encoded record
//! per key, minus keys GC forgot), so compaction needs no lock of the store.
//! Compaction and appends both run on this thread, so an append queued
//! during a compaction waits for it and lands in the new file: nothing
//! races. After any I/O error the file is no longer trusted (a failed
//! `fsync` may have dropped pages, a failed `write` may have left half a
//! record); the next batch, or a retry every second, rewrites the whole file
//! from the live state instead of appending.

use std::collections::HashMap;
use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

use super::replace::{self, ReplaceError};
use super::{PersistError, PersistOptions};

/// How often a writer whose file failed retries rewriting it.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// Counters of one state file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileStats {
    /// Current size of the file.
    pub file_bytes: u64,
    /// Size the file has right after a compaction.
    pub live_bytes: u64,
    /// Compactions (rewrites of the whole file) since open, the initial
    /// rewrite at open included.
    pub compactions: u64,
    /// Every change up to this ticket is durable.
    pub durable_ticket: u64,
}

/// A handle to a running writer. Dropping the last handle flushes what is
/// queued and stops the thread.
pub struct StateWriter {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for StateWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateWriter")
            .field("path", &self.shared.path)
            .finish_non_exhaustive()
    }
}

struct Shared {
    path: PathBuf,
    queue: Mutex<Queue>,
    queue_changed: Condvar,
    status: Mutex<Status>,
    status_changed: Condvar,
    status_watch: watch::Sender<Status>,
}

#[derive(Default)]
struct Queue {
    ops: Vec<Op>,
    last_ticket: u64,
    /// [`StateWriter::close`] was called: drain and stop.
    closing: bool,
    /// The final batch was taken; later submissions are refused.
    closed: bool,
}

enum Op {
    Put { key: String, bytes: Vec<u8> },
    Forget { key: String },
}

#[derive(Clone, Debug, Default)]
struct Status {
    stats: FileStats,
    /// The newest failed batch: tickets up to `upto` not yet durable failed.
    failure: Option<Failure>,
    /// The thread has stopped.
    stopped: bool,
}

#[derive(Clone, Debug)]
struct Failure {
    upto: u64,
    message: Arc<str>,
}

impl Status {
    /// The fate of `ticket`, once known.
    fn outcome(&self, ticket: u64) -> Option<Result<(), String>> {
        if self.stats.durable_ticket >= ticket {
            return Some(Ok(()));
        }
        if let Some(failure) = &self.failure
            && failure.upto >= ticket
        {
            return Some(Err(failure.message.to_string()));
        }
        self.stopped
            .then(|| Err("the state file writer has stopped".to_owned()))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the data consistent before anything can
    // panic, so a poisoned lock still guards usable data.
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl StateWriter {
    /// Writes `live` (key and one length-delimited record, oldest key
    /// first) as the whole file, then starts the thread that appends to it.
    pub fn start(
        path: PathBuf,
        live: Vec<(String, Vec<u8>)>,
        options: &PersistOptions,
    ) -> Result<StateWriter, PersistError> {
        let (status_watch, _) = watch::channel(Status::default());
        let shared = Arc::new(Shared {
            path,
            queue: Mutex::new(Queue::default()),
            queue_changed: Condvar::new(),
            status: Mutex::new(Status::default()),
            status_changed: Condvar::new(),
            status_watch,
        });
        let mut worker = Worker {
            shared: Arc::clone(&shared),
            file: None,
            file_bytes: 0,
            live: HashMap::with_capacity(live.len()),
            live_bytes: 0,
            next_order: 0,
            compact_ratio: options.compact_ratio.max(2),
            compact_min_bytes: options.compact_min_bytes,
            compact_floor: 0,
            compactions: 0,
            broken: false,
        };
        for (key, bytes) in live {
            worker.put_live(key, bytes);
        }
        worker.rewrite().map_err(|e| PersistError::Write {
            path: shared.path.clone(),
            source: e.into_io(),
        })?;
        worker.publish(|_| {});
        let name = format!(
            "persist-{}",
            shared
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || worker.run())
            .map_err(|source| PersistError::Write {
                path: shared.path.clone(),
                source,
            })?;
        Ok(StateWriter {
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Queues the new record of `key`; returns its ticket.
    pub fn put(&self, key: String, bytes: Vec<u8>) -> u64 {
        let mut queue = lock(&self.shared.queue);
        queue.last_ticket += 1;
        let ticket = queue.last_ticket;
        if !queue.closed {
            queue.ops.push(Op::Put { key, bytes });
            self.shared.queue_changed.notify_one();
        }
        ticket
    }

    /// Queues the removal of `key` from the live state (no file write).
    pub fn forget(&self, key: String) {
        let mut queue = lock(&self.shared.queue);
        if !queue.closed {
            queue.ops.push(Op::Forget { key });
            self.shared.queue_changed.notify_one();
        }
    }

    /// Blocks until `ticket` is durable or has failed.
    pub fn wait_blocking(&self, ticket: u64) -> Result<(), String> {
        let mut status = lock(&self.shared.status);
        loop {
            if let Some(outcome) = status.outcome(ticket) {
                return outcome;
            }
            status = self
                .shared
                .status_changed
                .wait(status)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Resolves when `ticket` is durable or has failed.
    pub fn wait(&self, ticket: u64) -> impl Future<Output = Result<(), String>> + Send + 'static {
        let mut status = self.shared.status_watch.subscribe();
        async move {
            match status.wait_for(|s| s.outcome(ticket).is_some()).await {
                Ok(s) => s.outcome(ticket).unwrap_or(Ok(())),
                Err(_) => Err("the state file writer has stopped".to_owned()),
            }
        }
    }

    pub fn stats(&self) -> FileStats {
        lock(&self.shared.status).stats.clone()
    }

    /// Writes everything queued, stops the thread, and reports whether the
    /// file holds the whole state. Later changes are refused. Idempotent.
    pub fn close(&self) -> Result<(), PersistError> {
        let last = {
            let mut queue = lock(&self.shared.queue);
            queue.closing = true;
            self.shared.queue_changed.notify_one();
            queue.last_ticket
        };
        let thread = lock(&self.thread).take();
        if let Some(thread) = thread
            && thread.join().is_err()
        {
            return Err(PersistError::WriterPanicked {
                path: self.shared.path.clone(),
            });
        }
        let status = lock(&self.shared.status);
        match &status.failure {
            Some(failure) if status.stats.durable_ticket < last => Err(PersistError::Unwritten {
                path: self.shared.path.clone(),
                message: failure.message.to_string(),
            }),
            _ => Ok(()),
        }
    }
}

impl Drop for StateWriter {
    fn drop(&mut self) {
        if let Err(e) = self.close() {
            tracing::error!(err = %e, "closing a state file");
        }
    }
}

/// The thread's side.
struct Worker {
    shared: Arc<Shared>,
    /// The append handle; `None` after a failed rewrite.
    file: Option<File>,
    file_bytes: u64,
    /// Key → the latest record; rewrites keep the order keys first appeared.
    live: HashMap<String, Live>,
    live_bytes: u64,
    next_order: u64,
    compact_ratio: u64,
    compact_min_bytes: u64,
    /// After a failed compaction, the size to reach before trying again.
    compact_floor: u64,
    compactions: u64,
    /// The file is not trusted: rewrite it instead of appending.
    broken: bool,
}

struct Live {
    order: u64,
    bytes: Vec<u8>,
}

struct Batch {
    ops: Vec<Op>,
    upto: u64,
    last: bool,
}

impl Worker {
    fn run(mut self) {
        loop {
            let batch = self.next_batch();
            let mut appended = Vec::new();
            for op in batch.ops {
                match op {
                    Op::Put { key, bytes } => {
                        appended.extend_from_slice(&bytes);
                        self.put_live(key, bytes);
                    }
                    Op::Forget { key } => {
                        if let Some(old) = self.live.remove(&key) {
                            self.live_bytes -= old.bytes.len() as u64;
                        }
                    }
                }
            }
            let written = if self.broken {
                self.rewrite().map_err(|e| e.io().to_string())
            } else {
                self.append(&appended)
            };
            match written {
                Ok(()) => {
                    self.broken = false;
                    self.publish(|s| s.stats.durable_ticket = batch.upto);
                    if self.compaction_due() {
                        self.compact();
                    }
                }
                Err(message) => {
                    self.broken = true;
                    tracing::error!(file = %self.shared.path.display(), err = %message, "writing state file failed; will rewrite it");
                    self.publish(|s| {
                        s.failure = Some(Failure {
                            upto: batch.upto,
                            message: format!("write {}: {message}", self.shared.path.display())
                                .into(),
                        });
                    });
                }
            }
            if batch.last {
                return;
            }
        }
    }

    fn put_live(&mut self, key: String, bytes: Vec<u8>) {
        self.live_bytes += bytes.len() as u64;
        match self.live.get_mut(&key) {
            Some(live) => {
                self.live_bytes -= live.bytes.len() as u64;
                live.bytes = bytes;
            }
            None => {
                self.next_order += 1;
                let order = self.next_order;
                self.live.insert(key, Live { order, bytes });
            }
        }
    }

    /// Waits for work: queued operations, closing, or (when the file is
    /// broken) the retry interval.
    fn next_batch(&self) -> Batch {
        let mut queue = lock(&self.shared.queue);
        while queue.ops.is_empty() && !queue.closing {
            if self.broken {
                let (guard, timeout) = self
                    .shared
                    .queue_changed
                    .wait_timeout(queue, RETRY_INTERVAL)
                    .unwrap_or_else(|p| p.into_inner());
                queue = guard;
                if timeout.timed_out() {
                    break;
                }
            } else {
                queue = self
                    .shared
                    .queue_changed
                    .wait(queue)
                    .unwrap_or_else(|p| p.into_inner());
            }
        }
        let last = queue.closing;
        queue.closed |= last;
        Batch {
            ops: std::mem::take(&mut queue.ops),
            upto: queue.last_ticket,
            last,
        }
    }

    fn append(&mut self, bytes: &[u8]) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        let Some(file) = self.file.as_mut() else {
            return Err("no open file".to_owned());
        };
        file.write_all(bytes)
            .and_then(|()| file.sync_data())
            .map_err(|e| e.to_string())?;
        self.file_bytes += bytes.len() as u64;
        Ok(())
    }

    fn compaction_due(&self) -> bool {
        self.file_bytes > self.compact_min_bytes
            && self.file_bytes > self.compact_floor
            && self.file_bytes > self.live_bytes.saturating_mul(self.compact_ratio)
    }

    /// A background compaction; failing before the rename leaves the old
    /// file in use and postpones the next attempt.
    fn compact(&mut self) {
        match self.rewrite() {
            Ok(()) => {}
            Err(ReplaceError::BeforeRename(e)) => {
                // Appends continue on the old handle, which is still the file.
                self.compact_floor = self.file_bytes.saturating_mul(2);
                tracing::warn!(file = %self.shared.path.display(), err = %e, "compacting state file failed; still appending to it");
            }
            Err(ReplaceError::AfterRename(e)) => {
                self.broken = true;
                tracing::error!(file = %self.shared.path.display(), err = %e, "compacting state file failed; will rewrite it");
            }
        }
    }

    /// Replaces the file with the live state and reopens it for appending.
    fn rewrite(&mut self) -> Result<(), ReplaceError> {
        let mut ordered: Vec<&Live> = self.live.values().collect();
        ordered.sort_unstable_by_key(|live| live.order);
        let mut contents = Vec::with_capacity(self.live_bytes as usize);
        for live in ordered {
            contents.extend_from_slice(&live.bytes);
        }
        replace::replace(&self.shared.path, &contents)?;
        self.file = None;
        self.file =
            Some(replace::open_append(&self.shared.path).map_err(ReplaceError::AfterRename)?);
        self.file_bytes = contents.len() as u64;
        self.compact_floor = 0;
        self.compactions += 1;
        self.publish(|_| {});
        Ok(())
    }

    /// Updates the published status (stats are refreshed every time).
    fn publish(&self, change: impl FnOnce(&mut Status)) {
        let snapshot = {
            let mut status = lock(&self.shared.status);
            change(&mut status);
            status.stats.file_bytes = self.file_bytes;
            status.stats.live_bytes = self.live_bytes;
            status.stats.compactions = self.compactions;
            status.clone()
        };
        self.shared.status_changed.notify_all();
        self.shared.status_watch.send_replace(snapshot);
    }
}

impl Drop for Worker {
    /// Runs when the thread ends, normally or not, so no waiter hangs.
    fn drop(&mut self) {
        self.publish(|s| s.stopped = true);
    }
}
