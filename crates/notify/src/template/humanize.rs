//! `humanizeDuration` (prometheus/common `HumanizeDuration`): seconds as
//! `1d 2h 3m 4s`, sub-second values with SI prefixes.

use tocsin_gotemplate::{FuncError, Value};

/// Formats a number of seconds.
pub(super) fn humanize_duration(value: &Value) -> Result<String, FuncError> {
    let _ = value;
    Err(FuncError::new("humanizeDuration is not available yet"))
}
