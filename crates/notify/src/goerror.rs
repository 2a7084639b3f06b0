//! Error texts in the shape Go's standard library prints them, for messages
//! users compare with upstream's logs: `*os.PathError` (`open /x: no such
//! file or directory`). Only the text is imitated; callers keep typed errors.

use std::io;
use std::path::Path;

/// Go's `*os.PathError` text: `<op> <path>: <reason>`, where the reason is
/// the lower-case C library description Go prints for OS errors.
pub fn path_error(op: &str, path: &Path, err: &io::Error) -> String {
    format!("{op} {}: {}", path.display(), reason(err))
}

/// The description of `err` without Rust's ` (os error N)` suffix and with
/// Go's lower-case first letter (`no such file or directory`).
fn reason(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match err.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_owned(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_reads_like_go() {
        let path = Path::new("/nonexistent/tocsin-url");
        let err = std::fs::read(path).unwrap_err();
        // Go: os.ReadFile("/nonexistent/tocsin-url") → this exact text.
        assert_eq!(
            path_error("open", path, &err),
            "open /nonexistent/tocsin-url: no such file or directory"
        );
    }

    #[test]
    fn non_os_errors_keep_their_text() {
        let err = io::Error::other("Boom happened");
        assert_eq!(
            path_error("open", Path::new("x"), &err),
            "open x: boom happened"
        );
    }
}
