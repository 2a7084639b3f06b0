//! Value types shared by many configuration blocks, each with upstream's
//! parsing, validation messages and marshalling: [`Secret`], the URL types
//! (`config/common/url.go` and prometheus/common's proxy URL), [`HostPort`],
//! both duration syntaxes, label matchers and the legacy `match_re` maps.

use std::collections::BTreeMap;
use std::fmt;

use tocsin_model::goquote::go_quote;
pub(crate) use tocsin_model::matcher::sort_matchers;
use tocsin_model::matcher::{FallbackNote, MatchType, parse_matchers_with_note};
use tocsin_model::{GoDuration, GoRegex, Matcher, PromDuration};

use crate::decode::{Decode, Decoder, decode_string_map};
use crate::render::{Out, Render};
use crate::yaml::{NodeId, Resolved};

/// What upstream prints instead of a secret.
pub const SECRET_TOKEN: &str = "<secret>";

/// A credential. `Debug` and rendering print `<secret>`; use
/// [`Secret::expose`] to get the value for sending.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str(SECRET_TOKEN)
        }
    }
}

impl Decode for Secret {
    fn zero() -> Self {
        Secret::default()
    }
    fn go_type() -> String {
        "config.Secret".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id) {
            Some(s) => self.0 = s.value.clone(),
            None => cx.type_error(id, "config.plain"),
        }
    }
}

impl Render for Secret {
    fn render(&self) -> Out {
        if self.0.is_empty() {
            Out::Null
        } else {
            Out::Str(SECRET_TOKEN.into())
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

/// A URL split the way Go's `net/url` splits it, printed back like
/// `url.URL.String()`.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct GoUrl {
    pub scheme: String,
    /// For URLs without `//` after the scheme (`mailto:x`).
    pub opaque: String,
    /// `user[:password]` before the `@`, as written.
    pub userinfo: Option<String>,
    pub host: String,
    /// The path as written (still escaped).
    pub path: String,
    pub query: Option<String>,
    pub fragment: Option<String>,
}

impl GoUrl {
    /// Go's `url.Parse`, with its error messages (`parse "x": …`).
    pub fn parse(raw: &str) -> Result<GoUrl, String> {
        let wrap = |why: String| format!("parse {}: {}", go_quote(raw), why);
        if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return Err(wrap("net/url: invalid control character in URL".into()));
        }
        let (rest, fragment) = match raw.split_once('#') {
            Some((r, f)) => (r, Some(f.to_owned())),
            None => (raw, None),
        };
        let mut url = GoUrl {
            fragment,
            ..GoUrl::default()
        };
        if let Some(f) = &url.fragment {
            check_escapes(f).map_err(&wrap)?;
        }
        // Scheme.
        let mut rest = rest;
        for (i, c) in rest.char_indices() {
            match c {
                'a'..='z' | 'A'..='Z' => {}
                '0'..='9' | '+' | '-' | '.' if i > 0 => {}
                ':' if i == 0 => return Err(wrap("missing protocol scheme".into())),
                ':' => {
                    url.scheme = rest[..i].to_ascii_lowercase();
                    rest = &rest[i + 1..];
                    break;
                }
                _ => break,
            }
        }
        // Query.
        if rest.ends_with('?') && rest.matches('?').count() == 1 {
            url.query = Some(String::new());
            rest = &rest[..rest.len() - 1];
        } else if let Some((r, q)) = rest.split_once('?') {
            url.query = Some(q.to_owned());
            rest = r;
        }
        if !rest.starts_with('/') {
            if !url.scheme.is_empty() {
                url.opaque = rest.to_owned();
                return Ok(url);
            }
            let first_segment = rest.split('/').next().unwrap_or("");
            if first_segment.contains(':') {
                return Err(wrap(
                    "first path segment in URL cannot contain colon".into(),
                ));
            }
        }
        if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
            let after = &rest[2..];
            let end = after.find('/').unwrap_or(after.len());
            let authority = &after[..end];
            rest = &after[end..];
            let host = match authority.rfind('@') {
                Some(at) => {
                    let userinfo = &authority[..at];
                    if !userinfo
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c))
                    {
                        return Err(wrap("net/url: invalid userinfo".into()));
                    }
                    url.userinfo = Some(userinfo.to_owned());
                    &authority[at + 1..]
                }
                None => authority,
            };
            check_host(host).map_err(&wrap)?;
            url.host = host.to_owned();
        }
        check_escapes(rest).map_err(&wrap)?;
        url.path = rest.to_owned();
        Ok(url)
    }

    /// The password written in the userinfo, if any.
    pub fn password(&self) -> Option<&str> {
        self.userinfo
            .as_deref()
            .and_then(|u| u.split_once(':'))
            .map(|(_, p)| p)
    }

    /// Go's `URL.Redacted()`: the password replaced by `xxxxx`.
    pub fn redacted(&self) -> String {
        let mut copy = self.clone();
        if let Some(user) = self.userinfo.as_deref()
            && let Some((name, _)) = user.split_once(':')
        {
            copy.userinfo = Some(format!("{name}:xxxxx"));
        }
        copy.to_string()
    }
}

impl fmt::Display for GoUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.scheme.is_empty() {
            write!(f, "{}:", self.scheme)?;
        }
        if !self.opaque.is_empty() {
            f.write_str(&self.opaque)?;
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.userinfo.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.userinfo.is_some() {
                    f.write_str("//")?;
                }
                if let Some(u) = &self.userinfo {
                    write!(f, "{u}@")?;
                }
                f.write_str(&self.host)?;
            }
            if !self.path.is_empty() && !self.path.starts_with('/') && !self.host.is_empty() {
                f.write_str("/")?;
            }
            f.write_str(&self.path)?;
        }
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        if let Some(frag) = &self.fragment {
            write!(f, "#{frag}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for GoUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

/// `%XX` escapes must be well formed (`invalid URL escape "%zz"`).
fn check_escapes(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                let end = (i + 3).min(b.len());
                return Err(format!(
                    "invalid URL escape {}",
                    go_quote(&String::from_utf8_lossy(&b[i..end]))
                ));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Go's `parseHost`: bracketed IPv6, an optional numeric port, and only
/// characters allowed in host names.
fn check_host(host: &str) -> Result<(), String> {
    let mut name = host;
    if host.starts_with('[') {
        let Some(close) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let port = &host[close + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
        name = &host[1..close];
    } else if let Some(colon) = host.rfind(':') {
        let port = &host[colon..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
    }
    check_escapes(name)?;
    for c in name.chars() {
        let allowed =
            !c.is_ascii() || c.is_ascii_alphanumeric() || "-_.~!$&'()*+,;=:[]<>\"%".contains(c);
        if !allowed {
            return Err(format!(
                "invalid character {} in host name",
                go_quote(&c.to_string())
            ));
        }
    }
    Ok(())
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// An http(s) URL validated at load time (`config/common` `URL`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Url(pub GoUrl);

impl Url {
    /// Upstream's `ParseURL`: Go `url.Parse`, then scheme and host checks.
    pub fn parse(s: &str) -> Result<Url, String> {
        let u = GoUrl::parse(s)?;
        if u.scheme != "http" && u.scheme != "https" {
            return Err(format!(
                "unsupported scheme {} for URL",
                go_quote(&u.scheme)
            ));
        }
        if u.host.is_empty() {
            return Err("missing host for URL".into());
        }
        Ok(Url(u))
    }

    /// A URL known to be valid (built-in defaults).
    pub(crate) fn known(s: &str) -> Url {
        Url(GoUrl::parse(s).unwrap_or_default())
    }

    /// Append `/` to the path when it lacks one (done upstream for the
    /// OpsGenie, VictorOps and WeChat API URLs).
    pub(crate) fn ensure_trailing_slash(&mut self) {
        if !self.0.path.ends_with('/') {
            self.0.path.push('/');
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Decode a string scalar and hand it to `parse`, reporting its error at the node.
fn decode_parsed<T>(
    id: NodeId,
    cx: &mut Decoder<'_>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let mut s = String::new();
    let before = cx.error_count();
    s.decode(id, cx);
    if cx.error_count() != before {
        return None;
    }
    match parse(&s) {
        Ok(v) => Some(v),
        Err(message) => {
            let at = cx.mark(id);
            cx.decode_error(at, message);
            None
        }
    }
}

impl Decode for Url {
    fn zero() -> Self {
        Url(GoUrl::default())
    }
    fn go_type() -> String {
        "common.URL".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        if let Some(u) = decode_parsed(id, cx, Url::parse) {
            *self = u;
        }
    }
}

impl Render for Url {
    fn render(&self) -> Out {
        Out::Str(self.0.to_string())
    }
    fn is_zero(&self) -> bool {
        false
    }
}

/// A URL that is itself a credential (Slack webhook URLs and the like):
/// rendered as `<secret>`. The literal `<secret>` is accepted when loading
/// (so that a rendered configuration loads again) and means "unknown".
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretUrl(pub Url);

impl SecretUrl {
    pub fn expose(&self) -> String {
        self.0.to_string()
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SECRET_TOKEN)
    }
}

impl Decode for SecretUrl {
    fn zero() -> Self {
        SecretUrl(Url::zero())
    }
    fn go_type() -> String {
        "common.SecretURL".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let parsed = decode_parsed(id, cx, |s| {
            if s == SECRET_TOKEN {
                Ok(Url::zero())
            } else {
                Url::parse(s)
            }
        });
        if let Some(u) = parsed {
            *self = SecretUrl(u);
        }
    }
}

impl Render for SecretUrl {
    fn render(&self) -> Out {
        Out::Str(SECRET_TOKEN.into())
    }
    fn is_zero(&self) -> bool {
        false
    }
}

/// The webhook `url`: a secret that may contain Go template syntax; only
/// URLs without templating are validated at load time.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SecretTemplateUrl(pub String);

impl SecretTemplateUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretTemplateUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str(SECRET_TOKEN)
        }
    }
}

/// Upstream's `ContainsTemplating`: whether `s` holds `{{`, and whether the
/// template syntax is well formed.
pub(crate) fn contains_templating(s: &str) -> Result<bool, String> {
    if !s.contains("{{") {
        return Ok(false);
    }
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => rest = &after[close + 2..],
            None => return Err("template: :1: unclosed action".into()),
        }
    }
    Ok(true)
}

impl Decode for SecretTemplateUrl {
    fn zero() -> Self {
        SecretTemplateUrl::default()
    }
    fn go_type() -> String {
        "common.SecretTemplateURL".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let parsed = decode_parsed(id, cx, |s| {
            if s.is_empty() || s == SECRET_TOKEN {
                return Ok(s.to_owned());
            }
            match contains_templating(s) {
                Err(e) => Err(format!("invalid template syntax: {e}")),
                Ok(true) => Ok(s.to_owned()),
                Ok(false) => Url::parse(s)
                    .map(|_| s.to_owned())
                    .map_err(|e| format!("invalid URL: {e}")),
            }
        });
        if let Some(s) = parsed {
            self.0 = s;
        }
    }
}

impl Render for SecretTemplateUrl {
    fn render(&self) -> Out {
        if self.0.is_empty() {
            Out::Null
        } else {
            Out::Str(SECRET_TOKEN.into())
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

/// prometheus/common's `URL` (used for `proxy_url`): any URL Go's
/// `url.Parse` accepts; printed with the password replaced by `xxxxx`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ProxyUrl(pub GoUrl);

impl Decode for ProxyUrl {
    fn zero() -> Self {
        ProxyUrl(GoUrl::default())
    }
    fn go_type() -> String {
        "config.URL".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        if let Some(u) = decode_parsed(id, cx, GoUrl::parse) {
            *self = ProxyUrl(u);
        }
    }
}

impl Render for ProxyUrl {
    fn render(&self) -> Out {
        Out::Str(self.0.redacted())
    }
    fn is_zero(&self) -> bool {
        false
    }
}

/// `host:port` (the SMTP smarthost).
#[derive(Clone, Default, PartialEq, Eq, Hash, Debug)]
pub struct HostPort {
    pub host: String,
    pub port: String,
}

impl HostPort {
    pub fn is_empty(&self) -> bool {
        self.host.is_empty() && self.port.is_empty()
    }

    /// Go's `net.SplitHostPort` plus upstream's empty-port check.
    pub fn parse(s: &str) -> Result<HostPort, String> {
        if s.is_empty() {
            return Ok(HostPort::default());
        }
        let err = |why: &str| format!("address {s}: {why}");
        let Some(last_colon) = s.rfind(':') else {
            return Err(err("missing port in address"));
        };
        let (host, open_after, close_after);
        if s.starts_with('[') {
            let Some(end) = s.find(']') else {
                return Err(err("missing ']' in address"));
            };
            if end + 1 == s.len() {
                return Err(err("missing port in address"));
            }
            if end + 1 != last_colon {
                return Err(if s.as_bytes().get(end + 1) == Some(&b':') {
                    err("too many colons in address")
                } else {
                    err("missing port in address")
                });
            }
            host = &s[1..end];
            open_after = 1;
            close_after = end + 1;
        } else {
            host = &s[..last_colon];
            if host.contains(':') {
                return Err(err("too many colons in address"));
            }
            open_after = 0;
            close_after = 0;
        }
        if s[open_after..].contains('[') {
            return Err(err("unexpected '[' in address"));
        }
        if s[close_after..].contains(']') {
            return Err(err("unexpected ']' in address"));
        }
        let port = &s[last_colon + 1..];
        if port.is_empty() {
            return Err(format!("address {}: port cannot be empty", go_quote(s)));
        }
        Ok(HostPort {
            host: host.to_owned(),
            port: port.to_owned(),
        })
    }
}

impl fmt::Display for HostPort {
    /// Go's `net.JoinHostPort` (empty for an unset address).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            Ok(())
        } else if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Decode for HostPort {
    fn zero() -> Self {
        HostPort::default()
    }
    fn go_type() -> String {
        "config.HostPort".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        if let Some(hp) = decode_parsed(id, cx, HostPort::parse) {
            *self = hp;
        }
    }
}

impl Render for HostPort {
    fn render(&self) -> Out {
        Out::Str(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Decode for PromDuration {
    fn zero() -> Self {
        PromDuration::default()
    }
    fn go_type() -> String {
        "model.Duration".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        if let Some(d) = decode_parsed(id, cx, |s| PromDuration::parse(s).map_err(|e| e.message)) {
            *self = d;
        }
    }
}

impl Render for PromDuration {
    fn render(&self) -> Out {
        Out::Str(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

/// Decode a Go `time.Duration` as yaml.v2 does: strings go through
/// `time.ParseDuration`, integers are nanoseconds.
fn decode_go_duration(id: NodeId, cx: &mut Decoder<'_>) -> Option<i64> {
    let resolved = cx.scalar(id).map(|s| (s.resolve(), s.value.clone()));
    match resolved {
        Some((Resolved::Str | Resolved::Timestamp, text)) => match GoDuration::parse_nanos(&text) {
            Ok(n) => Some(n),
            Err(_) => {
                cx.type_error(id, "time.Duration");
                None
            }
        },
        Some((Resolved::Int(i), _)) => Some(i),
        Some((Resolved::Float(f), _)) if f <= i64::MAX as f64 => Some(f as i64),
        _ => {
            cx.type_error(id, "time.Duration");
            None
        }
    }
}

fn nanos_to_go_duration(nanos: i64, id: NodeId, cx: &mut Decoder<'_>) -> GoDuration {
    match u64::try_from(nanos) {
        Ok(n) => GoDuration(std::time::Duration::from_nanos(n)),
        Err(_) => {
            let at = cx.mark(id);
            cx.warning(
                at,
                format!(
                    "negative duration {} is treated as 0s",
                    GoDuration::format_nanos(nanos)
                ),
                None,
            );
            GoDuration::default()
        }
    }
}

impl Decode for GoDuration {
    fn zero() -> Self {
        GoDuration::default()
    }
    fn go_type() -> String {
        "time.Duration".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        if let Some(n) = decode_go_duration(id, cx) {
            *self = nanos_to_go_duration(n, id, cx);
        }
    }
}

impl Render for GoDuration {
    fn render(&self) -> Out {
        Out::Str(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

/// A Go duration read through `encoding.TextUnmarshaler` (Pushover's
/// `retry`, `expire`, `ttl`): any scalar's text goes to `time.ParseDuration`
/// and a bad value aborts with Go's message (`time: invalid duration "x"`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct TextDuration(pub GoDuration);

impl Decode for TextDuration {
    fn zero() -> Self {
        TextDuration::default()
    }
    fn go_type() -> String {
        "pushover.duration".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id).map(|s| s.value.clone()) {
            Some(text) => match GoDuration::parse_nanos(&text) {
                Ok(n) => self.0 = nanos_to_go_duration(n, id, cx),
                Err(e) => {
                    let at = cx.mark(id);
                    cx.decode_error(at, e.message);
                }
            },
            None => cx.type_error(id, "pushover.duration"),
        }
    }
}

impl Render for TextDuration {
    fn render(&self) -> Out {
        self.0.render()
    }
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

impl Render for Matcher {
    fn render(&self) -> Out {
        Out::Str(self.to_string())
    }
    fn is_zero(&self) -> bool {
        false
    }
}

/// A `matchers:` list (`config/common` `Matchers`): each item holds one or
/// more matchers; the result is sorted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatcherList(pub Vec<Matcher>);

impl Decode for MatcherList {
    fn zero() -> Self {
        MatcherList::default()
    }
    fn go_type() -> String {
        "common.Matchers".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let mut lines: Vec<crate::decode::Spanned<String>> = Vec::new();
        let before = cx.error_count();
        lines.decode(id, cx);
        if cx.error_count() != before {
            return;
        }
        let mode = cx.options.matcher_mode;
        for line in lines {
            // Identical lines are common across large routing trees; parse
            // (and compile their regexes) once per load.
            let result = match cx.matcher_cache.get(&line.value) {
                Some(cached) => cached.clone(),
                None => {
                    let parsed = parse_matchers_with_note(&line.value, mode);
                    cx.matcher_cache.insert(line.value.clone(), parsed.clone());
                    parsed
                }
            };
            match result {
                Ok(parsed) => {
                    if let Some(note) = &parsed.fallback {
                        warn_on_fallback(&line.value, &parsed.value, note, line.mark, cx);
                    }
                    self.0.extend(parsed.value);
                }
                Err(e) => cx.decode_error(line.mark, e.message),
            }
        }
        sort_matchers(&mut self.0);
    }
}

/// Upstream logs a warning when an input only parses with the classic
/// parser, or when both parsers read it differently; we surface it.
fn warn_on_fallback(
    input: &str,
    parsed: &[Matcher],
    note: &FallbackNote,
    at: Option<crate::yaml::Mark>,
    cx: &mut Decoder<'_>,
) {
    match note {
        FallbackNote::ClassicOnly { utf8_error, suggestion } => cx.warning(
            at,
            format!("matcher {} only parses with the classic matcher parser: {}", go_quote(input), utf8_error.message),
            Some(format!(
                "Alertmanager accepts it for now but is moving to the UTF-8 parser; write it as `{suggestion}` (double-quote values and regular expressions, escape backslashes)"
            )),
        ),
        FallbackNote::Disagreement => {
            let shown: Vec<String> = parsed.iter().map(ToString::to_string).collect();
            cx.warning(
                at,
                format!("matcher {} is read differently by the classic and the UTF-8 parsers; the classic reading `{}` is used", go_quote(input), shown.join(",")),
                Some("quote the value with double quotes to make the meaning unambiguous".into()),
            );
        }
    }
}

impl Render for MatcherList {
    fn render(&self) -> Out {
        self.0.render()
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

/// A legacy `match_re` / `source_match_re` / `target_match_re` map: label
/// name → regular expression (anchored as `^(?:re)$`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchRegexps(pub BTreeMap<String, String>);

/// One regex value of a [`MatchRegexps`] map while decoding (null stays `None`).
#[derive(Clone, Debug, Default, PartialEq)]
struct RegexValue(Option<String>);

impl Decode for RegexValue {
    fn zero() -> Self {
        RegexValue(None)
    }
    fn go_type() -> String {
        "common.Regexp".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let compiled = decode_parsed(id, cx, |s| {
            GoRegex::new(&format!("^(?:{s})$"))
                .map(|_| s.to_owned())
                .map_err(|e| e.message)
        });
        if let Some(s) = compiled {
            self.0 = Some(s);
        }
    }
}

impl Decode for MatchRegexps {
    fn zero() -> Self {
        MatchRegexps::default()
    }
    fn go_type() -> String {
        "common.MatchRegexps".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let mut raw: BTreeMap<String, crate::decode::Spanned<RegexValue>> = BTreeMap::new();
        let before = cx.error_count();
        decode_string_map(&mut raw, id, cx, "common.plain");
        if cx.error_count() != before {
            return;
        }
        for (name, value) in raw {
            if !tocsin_model::labels::is_valid_legacy_label_name(&name) {
                cx.decode_error(
                    value.mark,
                    format!("invalid label name {}", go_quote(&name)),
                );
                continue;
            }
            match value.value.0 {
                Some(re) => {
                    self.0.insert(name, re);
                }
                None => cx.decode_error(
                    value.mark,
                    format!("invalid regexp value for {}", go_quote(&name)),
                ),
            }
        }
    }
}

impl Render for MatchRegexps {
    fn render(&self) -> Out {
        self.0.render()
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

/// Build the equality matchers of a legacy `match` map.
pub(crate) fn equality_matchers(map: &BTreeMap<String, String>) -> Vec<Matcher> {
    map.iter()
        .filter_map(|(n, v)| Matcher::new(MatchType::Equal, n.clone(), v.clone()).ok())
        .collect()
}

/// Build the regex matchers of a legacy `match_re` map. Upstream passes the
/// compiled regexp's `String()`, i.e. the anchored `^(?:re)$` form.
pub(crate) fn regex_matchers(map: &MatchRegexps) -> Vec<Matcher> {
    map.0
        .iter()
        .filter_map(|(n, v)| Matcher::new(MatchType::Regexp, n.clone(), format!("^(?:{v})$")).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_url_parse_and_print() {
        // Expected values from Go 1.19 net/url.
        let u = GoUrl::parse("https://user:pw@example.com:8443/a/b?x=1#f").expect("valid");
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "example.com:8443");
        assert_eq!(u.to_string(), "https://user:pw@example.com:8443/a/b?x=1#f");
        assert_eq!(
            u.redacted(),
            "https://user:xxxxx@example.com:8443/a/b?x=1#f"
        );
        assert_eq!(
            GoUrl::parse("HTTP://x").expect("valid").to_string(),
            "http://x"
        );
        assert_eq!(
            GoUrl::parse("http://exa mple.com").expect_err("space"),
            "parse \"http://exa mple.com\": invalid character \" \" in host name"
        );
        assert_eq!(
            GoUrl::parse("://x").expect_err("no scheme"),
            "parse \"://x\": missing protocol scheme"
        );
        assert_eq!(
            GoUrl::parse("http://x:abc/").expect_err("port"),
            "parse \"http://x:abc/\": invalid port \":abc\" after host"
        );
    }

    #[test]
    fn url_requires_http_and_host() {
        assert_eq!(
            Url::parse("ftp://x").expect_err("scheme"),
            "unsupported scheme \"ftp\" for URL"
        );
        assert_eq!(
            Url::parse("example.com/x").expect_err("scheme"),
            "unsupported scheme \"\" for URL"
        );
        assert_eq!(
            Url::parse("http:///x").expect_err("host"),
            "missing host for URL"
        );
        let mut u = Url::parse("https://api.opsgenie.com").expect("valid");
        u.ensure_trailing_slash();
        assert_eq!(u.to_string(), "https://api.opsgenie.com/");
    }

    #[test]
    fn host_port_like_go() {
        // Messages from Go 1.19 net.SplitHostPort.
        assert_eq!(
            HostPort::parse("localhost:25").expect("ok"),
            HostPort {
                host: "localhost".into(),
                port: "25".into()
            }
        );
        assert_eq!(
            HostPort::parse("localhost").expect_err("no port"),
            "address localhost: missing port in address"
        );
        assert_eq!(
            HostPort::parse("localhost:").expect_err("empty"),
            "address \"localhost:\": port cannot be empty"
        );
        assert_eq!(
            HostPort::parse("a:b:c").expect_err("colons"),
            "address a:b:c: too many colons in address"
        );
        let v6 = HostPort::parse("[fd12::1]:25").expect("ok");
        assert_eq!(v6.to_string(), "[fd12::1]:25");
    }

    #[test]
    fn templating_detection() {
        assert_eq!(contains_templating("http://x"), Ok(false));
        assert_eq!(contains_templating("http://x/{{ .A }}"), Ok(true));
        assert!(contains_templating("http://x/{{ .A").is_err());
    }
}
