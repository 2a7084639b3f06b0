//! `inspect --save FILE`: every JSON payload received, appended to `FILE`
//! as one line (JSON Lines), written and flushed before the request is
//! answered so a crash loses nothing that was acknowledged. Bodies that
//! are not JSON are not written (a JSON Lines file holds only JSON).

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::commands::notify::json_text;

/// An open JSON Lines file.
pub struct PayloadLog {
    path: PathBuf,
    file: File,
}

impl PayloadLog {
    /// Opens (creating if needed) `path` for appending.
    pub fn open(path: &Path) -> io::Result<PayloadLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(PayloadLog {
            path: path.to_owned(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `body` on one line; `Ok(false)` when it is not JSON (and
    /// nothing was written).
    pub fn append(&mut self, body: &[u8]) -> io::Result<bool> {
        let Some(mut line) = json_text::compact(body) else {
            return Ok(false);
        };
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_json_documents_one_per_line_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        std::fs::write(&path, "{\"before\":true}\n").unwrap();
        let mut log = PayloadLog::open(&path).unwrap();
        assert!(log.append(b"{\"a\": 1,\n \"b\": [2]}\n").unwrap());
        assert!(!log.append(b"not json").unwrap());
        assert!(log.append(b"[]").unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"before\":true}\n{\"a\":1,\"b\":[2]}\n[]\n"
        );
    }
}
