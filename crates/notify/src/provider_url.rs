//! Provider URLs built from a configured base URL the way upstream builds
//! them with Go's `net/url`: path segments appended to the decoded path and
//! the whole path re-escaped (`URL.Path += …; URL.String()`), and query
//! parameters set through `URL.Query()` / `Values.Encode()` (which re-encodes
//! and sorts any query the base URL already had). Used for the VictorOps
//! routing path and the OpsGenie alert endpoints.

use tocsin_config::common::GoUrl;

use crate::urlenc::QueryValues;

/// A URL being extended, kept in Go's parts: the path decoded, the query raw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderUrl {
    /// `scheme://[userinfo@]host`.
    authority: String,
    /// The decoded path (Go's `URL.Path`).
    path: String,
    raw_query: Option<String>,
    fragment: Option<String>,
}

impl ProviderUrl {
    /// The parts of a configured (already validated) URL.
    pub fn new(url: &GoUrl) -> Self {
        let mut authority = String::new();
        if !url.scheme.is_empty() {
            authority.push_str(&url.scheme);
            authority.push(':');
        }
        authority.push_str("//");
        if let Some(userinfo) = &url.userinfo {
            authority.push_str(userinfo);
            authority.push('@');
        }
        authority.push_str(&url.host);
        ProviderUrl {
            authority,
            path: unescape_path(&url.path),
            raw_query: url.query.clone(),
            fragment: url.fragment.clone(),
        }
    }

    /// Go's `u.Path += suffix` (the suffix is taken as decoded text).
    pub fn push_path(&mut self, suffix: &str) {
        self.path.push_str(suffix);
    }

    /// Go's `q := u.Query(); q.Set(key, value); u.RawQuery = q.Encode()`.
    pub fn set_query(&mut self, key: &str, value: &str) {
        let mut values = QueryValues::parse(self.raw_query.as_deref().unwrap_or(""));
        values.set(key, value);
        self.raw_query = Some(values.encode());
    }
}

impl std::fmt::Display for ProviderUrl {
    /// Go's `URL.String()` with the path escaped by `EscapedPath`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.authority)?;
        if !self.path.is_empty() && !self.path.starts_with('/') {
            f.write_str("/")?;
        }
        f.write_str(&escape_path(&self.path))?;
        if let Some(query) = &self.raw_query {
            write!(f, "?{query}")?;
        }
        if let Some(fragment) = &self.fragment {
            write!(f, "#{fragment}")?;
        }
        Ok(())
    }
}

/// Go's `shouldEscape(b, encodePath)`.
fn should_escape_in_path(b: u8) -> bool {
    !(b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'$'
                | b'&'
                | b'+'
                | b','
                | b'/'
                | b':'
                | b';'
                | b'='
                | b'@'
        ))
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Go's `escape(path, encodePath)`: `%XX` (upper-case hex) for the bytes
/// that need it.
fn escape_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if should_escape_in_path(b) {
            out.push('%');
            out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
            out.push(char::from(UPPER_HEX[usize::from(b & 0xf)]));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// Go's `unescape(path, encodePath)` of a path as written: `%XX`
/// sequences decoded (the configuration layer already rejected malformed
/// ones; any left are kept as written).
fn unescape_path(s: &str) -> String {
    percent_decode(s).unwrap_or_else(|| s.to_owned())
}

/// Decodes `%XX`; `None` for a malformed escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| char::from(*b).to_digit(16))?;
                let lo = bytes.get(i + 2).and_then(|b| char::from(*b).to_digit(16))?;
                out.push(u8::try_from(hi * 16 + lo).ok()?);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> ProviderUrl {
        ProviderUrl::new(&GoUrl::parse(s).unwrap())
    }

    // Expected values produced by Go 1.19: u, _ := url.Parse(base);
    // u.Path += suffix; (query set as shown); u.String().
    #[test]
    fn appended_paths_are_escaped_like_go() {
        let mut u = url("https://alert.victorops.com/integrations/generic/20131114/alert/");
        u.push_path("key/route with space?#%é");
        assert_eq!(
            u.to_string(),
            "https://alert.victorops.com/integrations/generic/20131114/alert/key/route%20with%20space%3F%23%25%C3%A9"
        );
        let mut u = url("http://u:p@h:1/a%2Fb/?x=1");
        u.push_path("c!*'()$&+,;=:@");
        assert_eq!(
            u.to_string(),
            "http://u:p@h:1/a/b/c%21%2A%27%28%29$&+,;=:@?x=1"
        );
    }

    #[test]
    fn query_is_reencoded_and_sorted_like_go() {
        let mut u = url("https://api.opsgenie.com/");
        u.push_path("v2/alerts/abc/close");
        u.set_query("identifierType", "alias");
        assert_eq!(
            u.to_string(),
            "https://api.opsgenie.com/v2/alerts/abc/close?identifierType=alias"
        );
        let mut u = url("https://h/p/?z=1&a=b+c%21&bad=%zz&semi=1;2&a=2#frag");
        u.push_path("x");
        u.set_query("identifierType", "a b&c");
        assert_eq!(
            u.to_string(),
            "https://h/p/x?a=b+c%21&a=2&identifierType=a+b%26c&z=1#frag"
        );
    }
}
