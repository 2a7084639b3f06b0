//! API v2 query parameters as go-swagger binds them: repeated `filter` /
//! `receiver_matchers` values, booleans that default to true and are read
//! with go-openapi's `ConvertBool` (the last value wins, empty means
//! default, anything not "true"-like is false), and the anchored
//! `receiver` regular expression.

use tocsin_model::matcher::{ParseMode, parse_matcher};
use tocsin_model::{GoRegex, Matcher};

/// The decoded query string, in order, repeated keys kept.
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of `key`, if any and non-empty.
    pub fn last_non_empty(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A boolean parameter defaulting to true.
    pub fn flag(&self, key: &str) -> bool {
        self.last_non_empty(key).is_none_or(convert_bool)
    }
}

/// go-openapi `swag.ConvertBool`: these strings (any case) are true,
/// everything else is false.
pub fn convert_bool(s: &str) -> bool {
    const TRUE: [&str; 10] = [
        "true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled",
    ];
    TRUE.iter().any(|t| t.eq_ignore_ascii_case(s))
}

/// `parseFilter`: each value parsed as one matcher in `mode`; the first
/// failure's message is returned.
pub fn parse_filter(values: &[&str], mode: ParseMode) -> Result<Vec<Matcher>, String> {
    values
        .iter()
        .map(|v| parse_matcher(v, mode).map_err(|e| e.message))
        .collect()
}

/// The `receiver` parameter compiled as upstream does,
/// `regexp.Compile("^(?:" + receiver + ")$")`, so error texts show the
/// wrapped pattern.
pub fn receiver_regex(receiver: &str) -> Result<GoRegex, String> {
    GoRegex::new(&format!("^(?:{receiver})$"))
        .map_err(|e| format!("failed to parse receiver param: {}", e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_go_openapi() {
        let q = Query::parse(Some(
            "active=false&silenced=maybe&inhibited=&muted=YES&expired=0&pending=true&pending=no",
        ));
        assert!(!q.flag("active"));
        assert!(!q.flag("silenced"), "unknown words are false");
        assert!(q.flag("inhibited"), "empty means the default");
        assert!(q.flag("muted"));
        assert!(!q.flag("expired"));
        assert!(!q.flag("pending"), "the last value wins");
        assert!(q.flag("unprocessed"), "absent means the default");
    }

    #[test]
    fn repeated_values_and_decoding() {
        let q = Query::parse(Some("filter=a%3D%22b%22&filter=c!~d+e&receiver="));
        assert_eq!(q.all("filter"), vec!["a=\"b\"", "c!~d e"]);
        assert_eq!(q.last_non_empty("receiver"), None);
    }
}
