//! The vocabulary every other tocsin crate speaks: label sets (owned and
//! packed) and their fingerprints, label matchers (all syntaxes Alertmanager accepts), Go RE2
//! regular expressions, Prometheus and Go durations, Go-compatible string
//! quoting and JSON string escaping, and time intervals. Nothing here knows about configuration
//! files, HTTP or notifications; the only I/O is reading the system time
//! zone database when a time interval names a location.

pub mod duration;
pub mod gojson;
pub mod goquote;
pub mod goregex;
mod gounicode;
pub mod labels;
pub mod matcher;
pub mod packed;
pub mod timeinterval;

pub use duration::{GoDuration, PromDuration};
pub use goregex::GoRegex;
pub use labels::{Fingerprint, LabelSet, fingerprint_pairs};
pub use matcher::{MatchType, Matcher, Matchers, ParseMode};
pub use packed::{LabelView, PackedLabelSet, PackedLabels};
pub use timeinterval::TimeInterval;
