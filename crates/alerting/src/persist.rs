//! Crash-safe persistence of the silences and the notification log in
//! `--storage.path`, in Go Alertmanager's own file formats, so either
//! program can start on the other's directory.
//!
//! **Format.** `<storage>/silences` and `<storage>/nflog` are upstream's
//! snapshot files: a concatenation of varint-length-delimited protobuf
//! messages, `silencepb.MeshSilence` and `nflogpb.MeshEntry` respectively
//! ([`proto`] declares them field for field). Silences are written with both
//! the legacy `matchers` field and `matcher_sets`, as 0.33.1+ does, so
//! 0.25–0.32 read them too. Upstream's loader keeps the *last* record of
//! each silence ID / nflog key, so a file that only ever grows by appending
//! full records is at every moment a valid upstream snapshot: it is our
//! write-ahead log and our snapshot at once.
//!
//! **Writes.** Each store gets a sink ([`crate::silence::SilenceSink`],
//! [`crate::nflog::LogSink`]) that encodes every accepted change under the
//! store's lock (so the file sees changes in the order memory did) and
//! queues it for a writer thread per file, which appends whatever is queued
//! with one `write` and one `fdatasync` (group commit). Guarantees:
//!
//! * silences: [`Silences::set`] and [`Silences::expire`] return only after
//!   the change is on disk (they block the calling thread for the fsync,
//!   a few milliseconds); if it cannot be written they return
//!   [`crate::silence::SilenceError::Persist`] and the change stays in
//!   memory, to be written by the next successful write. Merges (gossip) are
//!   queued without waiting.
//! * notification log: [`NotificationLog::log`] never waits. The writer
//!   starts a batch as soon as anything is queued (no timer), so an entry is
//!   on disk once the batch in progress, a compaction if one is due, and
//!   the next batch have been written and fsynced — without a compaction,
//!   within two write+fsync times of the call. A
//!   crash inside that window can lose the newest entries, which at worst
//!   repeats a notification after restart. A caller that must know awaits
//!   [`NotificationLog::wait_durable`], which resolves after the fsync of
//!   the batch holding everything logged so far (concurrent waiters share
//!   one fsync).
//! * GC removals write nothing: a removed record has expired, and expired
//!   records are dropped at load.
//!
//! **Compaction.** When the file exceeds both
//! [`PersistOptions::compact_min_bytes`] and
//! [`PersistOptions::compact_ratio`] × the live state, the writer thread
//! rewrites it from its copy of the live state: `<file>.<random>.tmp`,
//! fsync, rename over the file, fsync the directory. Appends queued
//! meanwhile wait for the rename and go to the new file, so none is lost.
//! After any write error the file is rewritten whole instead of appended
//! to, on the next change or within a second.
//!
//! **Load.** [`open_silences`] / [`open_nflog`] read the file record by
//! record up to the first truncated or undecodable one, keep everything
//! before it, and report the byte offset and what was dropped in the
//! [`LoadReport`] (and the log); the damaged file is kept as
//! `<file>.damaged`. Records that decode but cannot be used (an
//! uncompilable matcher, as upstream skips, a timestamp out of range,
//! receiver matchers tocsin does not implement) are skipped one by one.
//! Expired records are dropped, legacy `comments` become
//! `comment`/`created_by`, and the file is rewritten clean before the
//! writer starts. Leftover `<file>.*.tmp` files are removed. A missing file
//! is an empty state; only I/O errors (unreadable file, unwritable
//! directory) fail the open.
//!
//! Not done here: locking the directory against a second process, and
//! checksums (upstream's format has none, so corruption that still decodes
//! is not detected).

mod framing;
mod load;
mod nflog_codec;
pub mod proto;
mod replace;
mod silence_codec;
mod sinks;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::nflog::NotificationLog;
use crate::silence::{Silences, SilencesOptions};

pub use framing::Damage;
pub use load::{LoadReport, SkippedRecord};
pub use writer::FileStats;

use load::{ReadOutcome, read_state_file};
use sinks::{LogFileSink, SilenceFileSink};
use writer::StateWriter;

/// File name of the silences inside `--storage.path` (upstream's).
pub const SILENCES_FILE: &str = "silences";
/// File name of the notification log inside `--storage.path` (upstream's).
pub const NFLOG_FILE: &str = "nflog";

/// When to compact a state file.
#[derive(Clone, Debug)]
pub struct PersistOptions {
    /// Compact when the file is this many times the size of the live state
    /// (at least 2).
    pub compact_ratio: u64,
    /// …and larger than this.
    pub compact_min_bytes: u64,
}

impl Default for PersistOptions {
    fn default() -> Self {
        PersistOptions {
            compact_ratio: 4,
            compact_min_bytes: 1 << 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("create storage directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the writer of {path} stopped abnormally")]
    WriterPanicked { path: PathBuf },
    #[error("{path} does not hold the latest changes: {message}")]
    Unwritten { path: PathBuf, message: String },
}

/// A store loaded from its file and wired to it.
#[derive(Debug)]
pub struct Opened<S> {
    pub store: S,
    pub file: StateFile,
    pub report: LoadReport,
}

/// The handle of one state file's writer. The writer runs while this handle
/// or the store it feeds is alive; dropping both flushes and stops it.
#[derive(Clone, Debug)]
pub struct StateFile {
    writer: Arc<StateWriter>,
}

impl StateFile {
    pub fn path(&self) -> &Path {
        self.writer.path()
    }

    pub fn stats(&self) -> FileStats {
        self.writer.stats()
    }

    /// Writes everything queued and stops the writer; later changes of the
    /// store fail (silences) or are not persisted (nflog). Call at shutdown,
    /// after the API and the pipeline have stopped. Idempotent.
    pub fn close(&self) -> Result<(), PersistError> {
        self.writer.close()
    }
}

/// Loads `<storage>/silences` into a new silence store whose every later
/// change is written back to that file.
pub fn open_silences(
    storage: &Path,
    options: SilencesOptions,
    clock: Clock,
    persist: &PersistOptions,
) -> Result<Opened<Silences>, PersistError> {
    let path = prepare(storage, SILENCES_FILE)?;
    let ReadOutcome {
        records,
        mut report,
    } = read_state_file(&path, silence_codec::from_proto)?;
    let store = Silences::new(options, clock);
    let now = clock.now();
    let mut live = Vec::with_capacity(records.len());
    for record in records {
        let encoded = silence_codec::encode(&record);
        let id = record.silence.id.clone();
        if store.merge(record, now) {
            live.push((id, encoded));
        } else {
            report.expired += 1;
        }
    }
    report.loaded = live.len();
    let writer = Arc::new(StateWriter::start(path, live, persist)?);
    log_report(&report);
    let store = store.with_sink(Arc::new(SilenceFileSink(Arc::clone(&writer))));
    Ok(Opened {
        store,
        file: StateFile { writer },
        report,
    })
}

/// Loads `<storage>/nflog` into a new notification log (entries kept at
/// most `retention`) whose every later change is written back to that file.
pub fn open_nflog(
    storage: &Path,
    retention: Duration,
    clock: Clock,
    persist: &PersistOptions,
) -> Result<Opened<NotificationLog>, PersistError> {
    let path = prepare(storage, NFLOG_FILE)?;
    let ReadOutcome {
        records,
        mut report,
    } = read_state_file(&path, nflog_codec::from_proto)?;
    let log = NotificationLog::new(retention);
    let now = clock.now();
    let mut live = Vec::with_capacity(records.len());
    for record in records {
        let encoded = nflog_codec::encode(&record);
        let key = record.key();
        if log.merge(record, now) {
            live.push((key, encoded));
        } else {
            report.expired += 1;
        }
    }
    report.loaded = live.len();
    let writer = Arc::new(StateWriter::start(path, live, persist)?);
    log_report(&report);
    let log = log.with_sink(Arc::new(LogFileSink(Arc::clone(&writer))));
    Ok(Opened {
        store: log,
        file: StateFile { writer },
        report,
    })
}

/// Creates the directory and clears leftovers; returns the file's path.
fn prepare(storage: &Path, file_name: &str) -> Result<PathBuf, PersistError> {
    std::fs::create_dir_all(storage).map_err(|source| PersistError::CreateDir {
        path: storage.to_owned(),
        source,
    })?;
    let path = storage.join(file_name);
    replace::remove_stale_temps(&path);
    Ok(path)
}

fn log_report(report: &LoadReport) {
    for skipped in &report.skipped {
        tracing::warn!(
            file = %report.path.display(),
            offset = skipped.offset,
            reason = %skipped.reason,
            "skipped an unusable record of a state file"
        );
    }
    if let Some(damage) = &report.damage {
        tracing::warn!(
            file = %report.path.display(),
            offset = damage.offset,
            dropped_bytes = damage.dropped_bytes,
            reason = %damage.reason,
            kept_copy = ?report.damaged_copy,
            "state file damaged; loaded the records before the damage"
        );
    }
    tracing::info!(report = %report, "state file loaded");
}
