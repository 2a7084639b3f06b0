//! `--alertmanager.url` as amtool reads it: parsed with the rules of Go's
//! `url.Parse` (a value Go rejects counts as not given, which amtool then
//! reports as a missing flag), then turned into the API v2 base the way
//! amtool's `NewAlertmanagerClient` does: host `localhost:9093` and scheme
//! `http` when absent, path `<url path>/api/v2` (cleaned like Go's
//! `path.Join`), and the URL's user info as basic-auth credentials.

/// Where the API lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: String,
    /// `host` or `host:port`, as written in the URL.
    pub host: String,
    /// The cleaned API base path, e.g. `/api/v2` or `/prefix/api/v2`.
    pub base_path: String,
    pub basic_auth: Option<(String, String)>,
}

/// Go's `getScheme`: `Ok(None)` when the text has no scheme.
fn split_scheme(raw: &str) -> Result<(Option<&str>, &str), ()> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(()),
            ':' => return Ok((raw.get(..i), raw.get(i + 1..).unwrap_or_default())),
            _ => return Ok((None, raw)),
        }
    }
    Ok((None, raw))
}

/// Go's `url.PathUnescape`-style decoding of `%XX` (invalid escapes fail).
fn unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Go's `path.Clean` on an absolute path.
fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

impl Endpoint {
    /// Parses the flag value; `None` when Go's `url.Parse` would refuse it.
    pub fn parse(raw: &str) -> Option<Endpoint> {
        if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return None;
        }
        let without_fragment = raw.split('#').next().unwrap_or_default();
        let (scheme, rest) = split_scheme(without_fragment).ok()?;
        let scheme = scheme.map(str::to_ascii_lowercase).unwrap_or_default();
        let rest = rest.split('?').next().unwrap_or_default();
        let (mut host, mut path, mut basic_auth) = (String::new(), String::new(), None);
        if !rest.starts_with('/') {
            if scheme.is_empty() {
                // "Avoid confusion with malformed schemes".
                let first_segment = rest.split('/').next().unwrap_or_default();
                if first_segment.contains(':') {
                    return None;
                }
                path = unescape(rest)?;
            }
            // With a scheme, the rest is opaque: no host, no path.
        } else if let Some(after) = rest.strip_prefix("//") {
            let (authority, tail) = match after.find('/') {
                Some(i) => after.split_at(i),
                None => (after, ""),
            };
            let (userinfo, host_part) = match authority.rfind('@') {
                Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
                None => (None, authority),
            };
            if let Some(userinfo) = userinfo {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                basic_auth = Some((unescape(user)?, unescape(password)?));
            }
            if !valid_host(host_part) {
                return None;
            }
            host = host_part.to_owned();
            path = unescape(tail)?;
        } else {
            path = unescape(rest)?;
        }
        Some(Endpoint {
            scheme: if scheme.is_empty() {
                "http".to_owned()
            } else {
                scheme
            },
            host: if host.is_empty() {
                "localhost:9093".to_owned()
            } else {
                host
            },
            base_path: clean_path(&format!("{path}/api/v2")),
            basic_auth,
        })
    }

    /// The host without its port (for DNS error texts).
    pub fn hostname(&self) -> &str {
        if let Some(rest) = self.host.strip_prefix('[') {
            return rest.split(']').next().unwrap_or_default();
        }
        self.host
            .rsplit_once(':')
            .map_or(self.host.as_str(), |(h, _)| h)
    }

    /// `host:port`, with the scheme's default port when none is written.
    pub fn host_with_port(&self) -> String {
        let has_port = match self.host.rfind(']') {
            Some(bracket) => self.host[bracket..].contains(':'),
            None => self.host.contains(':'),
        };
        if has_port {
            return self.host.clone();
        }
        let port = if self.scheme == "https" { 443 } else { 80 };
        format!("{}:{port}", self.host)
    }
}

/// Go's host checks: a bracketed IPv6 literal or a name, and a numeric
/// port after the last colon.
fn valid_host(host: &str) -> bool {
    let port = if let Some(rest) = host.strip_prefix('[') {
        let Some((_, after)) = rest.split_once(']') else {
            return false;
        };
        if after.is_empty() {
            return true;
        }
        match after.strip_prefix(':') {
            Some(port) => port,
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((_, port)) => port,
            None => return true,
        }
    };
    port.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_api_base_like_amtool() {
        let e = Endpoint::parse("http://user:p%40ss@am.example:9093/prefix/").expect("valid");
        assert_eq!(e.scheme, "http");
        assert_eq!(e.host, "am.example:9093");
        assert_eq!(e.base_path, "/prefix/api/v2");
        assert_eq!(e.basic_auth, Some(("user".to_owned(), "p@ss".to_owned())));
        assert_eq!(
            Endpoint::parse("https://am")
                .expect("valid")
                .host_with_port(),
            "am:443"
        );
        let bare = Endpoint::parse("/only/a/path").expect("valid");
        assert_eq!(
            (bare.scheme.as_str(), bare.host.as_str()),
            ("http", "localhost:9093")
        );
    }

    #[test]
    fn values_go_refuses_are_not_endpoints() {
        // Both were refused by amtool ("required flag --alertmanager.url
        // not provided").
        assert_eq!(Endpoint::parse(":bad"), None);
        assert_eq!(Endpoint::parse("127.0.0.1:9093"), None);
        assert_eq!(Endpoint::parse("http://host:port/"), None);
        // A scheme-like prefix makes an opaque URL, which Go accepts.
        assert_eq!(
            Endpoint::parse("localhost:9093").map(|e| e.scheme),
            Some("localhost".to_owned())
        );
    }
}
