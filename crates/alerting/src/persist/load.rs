//! Reading a state file at start: framing, conversion, upstream's "the last
//! record of a key wins", and the [`LoadReport`] that says what was kept and
//! what was not. Damage never fails the load: everything before it is kept,
//! and the damaged file is preserved next to the original as
//! `<file>.damaged` before the caller rewrites it.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::PersistError;
use super::framing::{Damage, read_frames};

/// Why one well-framed record was not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordProblem {
    /// The record lacks what every record must have (upstream refuses the
    /// whole file); reading stops here as if the file were damaged.
    Corrupt(String),
    /// The record is readable but cannot be used (bad timestamp, matcher
    /// that does not compile, …); it is skipped and reading goes on.
    Skip(String),
}

/// A record that was read but not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedRecord {
    /// Byte offset of the record in the file.
    pub offset: u64,
    pub reason: String,
}

/// What loading one state file found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub path: PathBuf,
    /// Whether the file existed.
    pub found: bool,
    pub file_bytes: u64,
    /// Records read before any damage (every version of every key).
    pub records: usize,
    /// Older versions replaced by a later record of the same key.
    pub superseded: usize,
    /// Latest versions already past their `expires_at`, dropped.
    pub expired: usize,
    /// Entries now in memory.
    pub loaded: usize,
    pub skipped: Vec<SkippedRecord>,
    pub damage: Option<Damage>,
    /// Where the damaged file was preserved, if it was.
    pub damaged_copy: Option<PathBuf>,
}

impl LoadReport {
    /// Nothing skipped and nothing damaged.
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty() && self.damage.is_none()
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.found {
            return write!(f, "{}: no file, starting empty", self.path.display());
        }
        write!(
            f,
            "{}: {} bytes, {} records, {} loaded, {} superseded, {} expired, {} skipped",
            self.path.display(),
            self.file_bytes,
            self.records,
            self.loaded,
            self.superseded,
            self.expired,
            self.skipped.len()
        )?;
        if let Some(damage) = &self.damage {
            write!(f, "; {damage}")?;
            if let Some(copy) = &self.damaged_copy {
                write!(f, " (original kept as {})", copy.display())?;
            }
        }
        Ok(())
    }
}

/// The usable records of a file, last version per key, ordered by where
/// each key first appeared (creation order), plus the report so far (`loaded` and `expired` are
/// the caller's to fill).
pub struct ReadOutcome<R> {
    pub records: Vec<R>,
    pub report: LoadReport,
}

/// Reads `path`, decoding each frame as `M` and converting it with
/// `convert`, which returns the record and its key.
pub fn read_state_file<M, R>(
    path: &Path,
    convert: impl Fn(M) -> Result<(String, R), RecordProblem>,
) -> Result<ReadOutcome<R>, PersistError>
where
    M: prost::Message + Default,
{
    let mut report = LoadReport {
        path: path.to_owned(),
        ..LoadReport::default()
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(ReadOutcome {
                records: Vec::new(),
                report,
            });
        }
        Err(source) => {
            return Err(PersistError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    report.found = true;
    report.file_bytes = bytes.len() as u64;

    let (frames, mut damage) = read_frames::<M>(&bytes);
    let mut latest: HashMap<String, (usize, R)> = HashMap::new();
    for (position, frame) in frames.into_iter().enumerate() {
        match convert(frame.message) {
            Ok((key, record)) => {
                report.records += 1;
                match latest.get_mut(&key) {
                    Some(slot) => {
                        slot.1 = record;
                        report.superseded += 1;
                    }
                    None => {
                        latest.insert(key, (position, record));
                    }
                }
            }
            Err(RecordProblem::Skip(reason)) => {
                report.records += 1;
                report.skipped.push(SkippedRecord {
                    offset: frame.offset,
                    reason,
                });
            }
            Err(RecordProblem::Corrupt(reason)) => {
                damage = Some(Damage {
                    offset: frame.offset,
                    dropped_bytes: report.file_bytes.saturating_sub(frame.offset),
                    reason,
                });
                break;
            }
        }
    }
    report.damage = damage;
    if report.damage.is_some() {
        report.damaged_copy = preserve_damaged(path);
    }

    let mut ordered: Vec<(usize, R)> = latest.into_values().collect();
    ordered.sort_unstable_by_key(|(position, _)| *position);
    Ok(ReadOutcome {
        records: ordered.into_iter().map(|(_, record)| record).collect(),
        report,
    })
}

/// Copies a damaged file to `<file>.damaged` (replacing an older copy), so
/// rewriting the file does not destroy what could not be read.
fn preserve_damaged(path: &Path) -> Option<PathBuf> {
    let mut name = path.file_name()?.to_owned();
    name.push(".damaged");
    let copy = path.with_file_name(name);
    match std::fs::copy(path, &copy) {
        Ok(_) => Some(copy),
        Err(e) => {
            tracing::warn!(file = %path.display(), err = %e, "could not keep a copy of the damaged state file");
            None
        }
    }
}
