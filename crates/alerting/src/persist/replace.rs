//! Crash-safe file replacement (write `<file>.<random>.tmp`, fsync it,
//! rename it over `<file>`, fsync the directory), the append handle, and the
//! removal of temporary files a crash left behind.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How far a replacement got before failing.
#[derive(Debug)]
pub enum ReplaceError {
    /// The original file is untouched.
    BeforeRename(io::Error),
    /// The new contents are in place but the rename may not survive a crash.
    AfterRename(io::Error),
}

impl ReplaceError {
    pub fn io(&self) -> &io::Error {
        match self {
            ReplaceError::BeforeRename(e) | ReplaceError::AfterRename(e) => e,
        }
    }

    pub fn into_io(self) -> io::Error {
        match self {
            ReplaceError::BeforeRename(e) | ReplaceError::AfterRename(e) => e,
        }
    }
}

/// Replaces `path` with `contents`: afterwards the file holds either the old
/// or the new contents whatever happens, and the new ones once this returns.
pub fn replace(path: &Path, contents: &[u8]) -> Result<(), ReplaceError> {
    let tmp = temp_path(path);
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        // Best effort: a leftover is removed at the next start anyway.
        let _ = std::fs::remove_file(&tmp);
        return Err(ReplaceError::BeforeRename(e));
    }
    sync_parent(path).map_err(ReplaceError::AfterRename)
}

/// Opens `path` (which must exist) for appending.
pub fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

/// Removes `<file>.*.tmp` files left by an interrupted [`replace`]; returns
/// how many were removed.
pub fn remove_stale_temps(path: &Path) -> usize {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return 0;
    };
    let Some(name) = name.to_str() else {
        return 0;
    };
    let prefix = format!("{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if file_name.starts_with(&prefix)
            && file_name.ends_with(".tmp")
            && std::fs::remove_file(entry.path()).is_ok()
        {
            tracing::info!(file = %entry.path().display(), "removed a leftover temporary state file");
            removed += 1;
        }
    }
    removed
}

fn sync_parent(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

fn temp_path(path: &Path) -> PathBuf {
    let mut random = [0u8; 8];
    if getrandom::fill(&mut random).is_err() {
        // Uniqueness only matters against other temporaries of this file,
        // and `create_new` refuses a clash.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        random = (nanos ^ u64::from(std::process::id())).to_le_bytes();
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{hex}.tmp"));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_swaps_contents_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("silences");
        replace(&path, b"one").unwrap();
        replace(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("silences")]);
    }

    #[test]
    fn stale_temporaries_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nflog");
        for name in [
            "nflog.0123.tmp",
            "nflog.abc.tmp",
            "nflog",
            "silences.1.tmp",
            "nflog.bak",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_stale_temps(&path), 2);
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, vec!["nflog", "nflog.bak", "silences.1.tmp"]);
    }
}
