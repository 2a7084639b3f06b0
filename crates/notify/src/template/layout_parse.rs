//! Go's `time.ParseInLocation(layout, value, time.UTC)` for `toDate` and
//! `mustToDate`.

use super::gotime::GoTime;

/// Parses `value` with `layout`, UTC unless the value names an offset.
pub(super) fn parse_in_utc(layout: &str, value: &str) -> Result<GoTime, String> {
    let _ = (layout, value);
    Err("toDate is not available yet".to_owned())
}
