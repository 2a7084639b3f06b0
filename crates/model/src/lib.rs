//! The vocabulary every other tocsin crate speaks: label sets and their
//! fingerprints, label matchers (all syntaxes Alertmanager accepts), Go RE2
//! regular expressions, Prometheus and Go durations, Go-compatible string
//! quoting, and time intervals. Nothing here does I/O or knows about
//! configuration files, HTTP or notifications.

pub mod duration;
pub mod goquote;
pub mod goregex;
mod gounicode;
pub mod labels;
pub mod matcher;
pub mod timeinterval;

pub use duration::{GoDuration, PromDuration};
pub use goregex::GoRegex;
pub use labels::{Fingerprint, LabelSet};
pub use matcher::{MatchType, Matcher, Matchers};
