//! Go RE2 regular expressions on top of the `regex` crate.
//!
//! Translates the places where Go's `regexp/syntax` and Rust's `regex`
//! disagree (see shared/reference/rust-crates.md §4) before compiling.

/// A compiled regular expression with Go RE2 syntax and semantics.
#[derive(Clone, Debug)]
pub struct GoRegex {
    source: String,
    re: regex::Regex,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct RegexError {
    /// Go-style message, e.g. ``error parsing regexp: missing closing ): `(a` ``.
    pub message: String,
}

impl GoRegex {
    /// Compile `pattern` anchored as Alertmanager does: `^(?:pattern)$`.
    pub fn new_anchored(pattern: &str) -> Result<Self, RegexError> {
        todo!("model helper {pattern}")
    }
    /// Compile `pattern` unanchored (Go `regexp.Compile`).
    pub fn new(pattern: &str) -> Result<Self, RegexError> {
        todo!("model helper {pattern}")
    }
    /// The pattern as the user wrote it (without added anchors).
    pub fn as_str(&self) -> &str {
        &self.source
    }
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }
    /// The underlying Rust regex (already translated and anchored as requested).
    pub fn regex(&self) -> &regex::Regex {
        &self.re
    }
}
