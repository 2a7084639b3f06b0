//! URL building the way Go's `net/url` does it for integrations that put
//! values into query strings or form bodies (`url.QueryEscape`,
//! `url.Values.Encode`: keys sorted, `+` for spaces, upper-case `%XX`) and
//! append API paths to a configured base (`URL.JoinPath`). Nothing here
//! parses URLs; parsed URLs come from the configuration layer.

use std::fmt::Write as _;

use tocsin_config::common::GoUrl;

/// Go's `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes
/// `+`, every other byte becomes `%XX`.
pub fn query_escape(s: &str) -> String {
    query_escape_bytes(s.as_bytes())
}

/// [`query_escape`] for bytes that need not be UTF-8 (Go strings are
/// bytes; a value cut at a byte limit may end inside a character).
pub fn query_escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Go's `url.Values`: a key may hold several values, kept in insertion order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryValues {
    pairs: Vec<(String, String)>,
}

impl QueryValues {
    pub fn new() -> Self {
        QueryValues::default()
    }

    /// `Values.Add`: appends a value to `key`.
    pub fn add(&mut self, key: &str, value: impl Into<String>) {
        self.pairs.push((key.to_owned(), value.into()));
    }

    /// `Values.Set`: replaces every value of `key`.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.pairs.retain(|(k, _)| k != key);
        self.add(key, value);
    }

    /// Go's `url.ParseQuery` for an already-encoded query, as `URL.Query()`
    /// reads it (malformed pairs are skipped, as Go drops them).
    pub fn parse(query: &str) -> Self {
        let mut values = QueryValues::new();
        for part in query.split('&') {
            if part.is_empty() || part.contains(';') {
                continue;
            }
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            if let (Some(key), Some(value)) = (query_unescape(key), query_unescape(value)) {
                values.add(&key, value);
            }
        }
        values
    }

    /// `Values.Encode`: `key=value` pairs joined by `&`, keys sorted
    /// byte-wise, values of one key in insertion order.
    pub fn encode(&self) -> String {
        let mut sorted: Vec<&(String, String)> = self.pairs.iter().collect();
        // A stable sort keeps each key's values in insertion order.
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut out = String::new();
        for (i, (key, value)) in sorted.into_iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&query_escape(key));
            out.push('=');
            out.push_str(&query_escape(value));
        }
        out
    }

    /// The pairs in insertion order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// Go's `url.QueryUnescape`; `None` for a malformed `%` escape or bytes
/// that are not UTF-8.
fn query_unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let text = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(text, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Go's `URL.JoinPath`: `elems` appended to the URL's path with `/`,
/// `.`/`..` and repeated slashes cleaned away, a trailing slash of the last
/// element kept.
pub fn join_path(url: &GoUrl, elems: &[&str]) -> GoUrl {
    let base = url.path.as_str();
    let relative = !base.starts_with('/');
    let mut all: Vec<&str> = Vec::with_capacity(elems.len() + 2);
    if relative {
        all.push("/");
    }
    all.push(base);
    all.extend_from_slice(elems);
    let mut joined = clean_path(
        &all.iter()
            .filter(|e| !e.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/"),
    );
    if relative {
        joined.remove(0);
    }
    let last = elems.last().copied().unwrap_or(base);
    if last.ends_with('/') && !joined.ends_with('/') {
        joined.push('/');
    }
    let mut out = url.clone();
    out.path = joined;
    out
}

/// Go's `path.Clean`.
fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> GoUrl {
        GoUrl::parse(s).unwrap()
    }

    // Expected values produced by Go 1.19 `url.QueryEscape` and `Values.Encode`.
    #[test]
    fn query_escaping_matches_go() {
        assert_eq!(
            query_escape("a b+c&d=e/é~_.-"),
            "a+b%2Bc%26d%3De%2F%C3%A9~_.-"
        );
        assert_eq!(query_escape("<secret>\n"), "%3Csecret%3E%0A");
        let mut v = QueryValues::new();
        v.add("user", "u 1");
        v.add("token", "t");
        v.add("a", "2");
        v.add("a", "1");
        v.add("B", "x");
        assert_eq!(v.encode(), "B=x&a=2&a=1&token=t&user=u+1");
        v.set("a", "3");
        assert_eq!(v.encode(), "B=x&a=3&token=t&user=u+1");
    }

    #[test]
    fn query_parsing_reads_go_encoding() {
        let v = QueryValues::parse("x=1&y=a+b%21&bad=%zz&z");
        assert_eq!(
            v.pairs(),
            &[
                ("x".to_owned(), "1".to_owned()),
                ("y".to_owned(), "a b!".to_owned()),
                ("z".to_owned(), String::new()),
            ]
        );
    }

    // Expected values produced by Go 1.19 `(*url.URL).JoinPath(...).String()`.
    #[test]
    fn join_path_matches_go() {
        let cases = [
            (
                "https://chat.example.com",
                "api/v1/chat.postMessage",
                "https://chat.example.com/api/v1/chat.postMessage",
            ),
            (
                "https://chat.example.com/",
                "api/v1/chat.postMessage",
                "https://chat.example.com/api/v1/chat.postMessage",
            ),
            (
                "https://x.atlassian.net/rest/api/2/",
                "issue",
                "https://x.atlassian.net/rest/api/2/issue",
            ),
            (
                "https://x.atlassian.net/rest/api/2",
                "/search/jql",
                "https://x.atlassian.net/rest/api/2/search/jql",
            ),
            ("http://h/a/b?q=1", "../c/", "http://h/a/c/?q=1"),
        ];
        for (base, elem, want) in cases {
            assert_eq!(
                join_path(&url(base), &[elem]).to_string(),
                want,
                "{base} + {elem}"
            );
        }
    }
}
