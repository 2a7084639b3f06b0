//! Go's `strconv.Quote`, used wherever Alertmanager prints a quoted string
//! (label set strings, matcher strings with reserved characters, messages).

/// Quote `s` exactly as Go's `strconv.Quote` does.
pub fn go_quote(s: &str) -> String {
    todo!("model helper: strconv.Quote semantics for {s}")
}
