//! `toJson`: Go's `json.Marshal` over template values.

use tocsin_gotemplate::{FuncError, Value};

/// Go's `json.Marshal(v)` as a string.
pub(super) fn marshal(value: &Value) -> Result<String, FuncError> {
    let _ = value;
    Err(FuncError::new("toJson is not available yet"))
}
