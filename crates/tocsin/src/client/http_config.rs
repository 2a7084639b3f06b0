//! `--http.config.file`: the prometheus/common `http_config` block amtool
//! accepts, read strictly (an unknown field is an error, as with yaml.v2's
//! `UnmarshalStrict`), and applied to the reqwest client.
//!
//! Supported: `basic_auth` (`username`, `username_file`, `password`,
//! `password_file`), `authorization` (`type`, `credentials`,
//! `credentials_file`), `bearer_token`, `bearer_token_file`, `tls_config`
//! (`ca`, `ca_file`, `cert`, `cert_file`, `key`, `key_file`,
//! `insecure_skip_verify`), `follow_redirects`, `enable_http2`, `proxy_url`,
//! `no_proxy`, `proxy_from_environment`. Other known fields (`oauth2`,
//! `http_headers`, `tls_config.server_name`, …) are refused with a clear
//! message. Relative file names are resolved against the parent of the
//! file's directory, as amtool does (it calls `SetDirectory` with
//! `filepath.Dir(filepath.Dir(filename))`). Secret files are read once,
//! when the client is built.

use std::path::{Path, PathBuf};

use tocsin_config::yaml::{Document, NodeId};

use super::flags::{io_error_text, parse_bool};
use super::yaml_map;

/// A value given inline or in a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Secret {
    #[default]
    Unset,
    Inline(String),
    File(PathBuf),
}

impl Secret {
    fn is_set(&self) -> bool {
        *self != Secret::Unset
    }

    /// The value; a file's content is trimmed as prometheus/common does.
    fn read(&self) -> Result<Option<String>, String> {
        match self {
            Secret::Unset => Ok(None),
            Secret::Inline(text) => Ok(Some(text.clone())),
            Secret::File(path) => std::fs::read(path)
                .map(|b| Some(String::from_utf8_lossy(&b).trim().to_owned()))
                .map_err(|e| {
                    format!(
                        "unable to read file {}: open {}: {}",
                        path.display(),
                        path.display(),
                        io_error_text(&e)
                    )
                }),
        }
    }
}

/// The parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    username: Secret,
    password: Secret,
    has_basic_auth: bool,
    auth_type: String,
    credentials: Secret,
    ca: Secret,
    cert: Secret,
    key: Secret,
    insecure_skip_verify: bool,
    follow_redirects: bool,
    enable_http2: bool,
    proxy_url: Option<String>,
    no_proxy: String,
    proxy_from_environment: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            username: Secret::Unset,
            password: Secret::Unset,
            has_basic_auth: false,
            auth_type: String::new(),
            credentials: Secret::Unset,
            ca: Secret::Unset,
            cert: Secret::Unset,
            key: Secret::Unset,
            insecure_skip_verify: false,
            follow_redirects: true,
            enable_http2: true,
            proxy_url: None,
            no_proxy: String::new(),
            proxy_from_environment: false,
        }
    }
}

/// Reads one mapping strictly: each key must be known to `accept`.
struct Strict<'a> {
    doc: &'a Document,
    unknown: Vec<String>,
}

impl Strict<'_> {
    fn fields(
        &mut self,
        node: Option<NodeId>,
        go_type: &str,
        mut accept: impl FnMut(&mut Self, &str, NodeId) -> Result<bool, String>,
    ) -> Result<(), String> {
        for (key, value) in yaml_map::mapping(self.doc, node, go_type)? {
            if !accept(self, &key, value)? {
                let line = yaml_map::line(self.doc, value);
                self.unknown.push(format!(
                    "line {line}: field {key} not found in type {go_type}"
                ));
            }
        }
        Ok(())
    }

    fn text(&self, node: NodeId) -> Result<String, String> {
        yaml_map::string_value(self.doc, node).map_err(|e| yaml_map::unmarshal_errors(&[e]))
    }

    fn flag(&self, node: NodeId) -> Result<bool, String> {
        parse_bool(&self.text(node)?)
    }
}

fn unsupported(field: &str) -> Result<bool, String> {
    Err(format!("{field} is not supported by tocsin"))
}

/// prometheus/common `JoinDir`.
fn join_dir(dir: &Path, file: String) -> Secret {
    if file.is_empty() {
        return Secret::Unset;
    }
    let path = PathBuf::from(&file);
    Secret::File(if path.is_absolute() {
        path
    } else {
        dir.join(path)
    })
}

fn inline(text: String) -> Secret {
    if text.is_empty() {
        Secret::Unset
    } else {
        Secret::Inline(text)
    }
}

impl HttpOptions {
    /// Loads and validates the file.
    pub fn load(path: &Path) -> Result<HttpOptions, String> {
        let text = std::fs::read(path)
            .map_err(|e| format!("open {}: {}", path.display(), io_error_text(&e)))?;
        let dir = path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."))
            .to_path_buf();
        HttpOptions::parse(&String::from_utf8_lossy(&text), &dir)
    }

    fn parse(text: &str, dir: &Path) -> Result<HttpOptions, String> {
        let doc = yaml_map::parse(text)?;
        let mut o = HttpOptions::default();
        let mut bearer = Secret::Unset;
        let mut has_authorization = false;
        let mut strict = Strict {
            doc: &doc,
            unknown: Vec::new(),
        };
        strict.fields(doc.root(), "config.HTTPClientConfig", |s, key, v| {
            match key {
                "basic_auth" => {
                    o.has_basic_auth = true;
                    s.fields(Some(v), "config.BasicAuth", |s, key, v| {
                        match key {
                            "username" => o.username = inline(s.text(v)?),
                            "username_file" => o.username = join_dir(dir, s.text(v)?),
                            "password" => o.password = inline(s.text(v)?),
                            "password_file" => o.password = join_dir(dir, s.text(v)?),
                            "username_ref" | "password_ref" => {
                                return unsupported(&format!("basic_auth.{key}"));
                            }
                            _ => return Ok(false),
                        }
                        Ok(true)
                    })?;
                }
                "authorization" => {
                    has_authorization = true;
                    s.fields(Some(v), "config.Authorization", |s, key, v| {
                        match key {
                            "type" => o.auth_type = s.text(v)?,
                            "credentials" => o.credentials = inline(s.text(v)?),
                            "credentials_file" => o.credentials = join_dir(dir, s.text(v)?),
                            "credentials_ref" => {
                                return unsupported("authorization.credentials_ref");
                            }
                            _ => return Ok(false),
                        }
                        Ok(true)
                    })?;
                }
                "bearer_token" => {
                    let token = inline(s.text(v)?);
                    if token.is_set() && bearer.is_set() {
                        return Err(
                            "at most one of bearer_token & bearer_token_file must be configured"
                                .into(),
                        );
                    }
                    if token.is_set() {
                        bearer = token;
                    }
                }
                "bearer_token_file" => {
                    let file = join_dir(dir, s.text(v)?);
                    if file.is_set() && bearer.is_set() {
                        return Err(
                            "at most one of bearer_token & bearer_token_file must be configured"
                                .into(),
                        );
                    }
                    if file.is_set() {
                        bearer = file;
                    }
                }
                "tls_config" => {
                    s.fields(Some(v), "config.TLSConfig", |s, key, v| {
                        match key {
                            "ca" => o.ca = inline(s.text(v)?),
                            "ca_file" => o.ca = join_dir(dir, s.text(v)?),
                            "cert" => o.cert = inline(s.text(v)?),
                            "cert_file" => o.cert = join_dir(dir, s.text(v)?),
                            "key" => o.key = inline(s.text(v)?),
                            "key_file" => o.key = join_dir(dir, s.text(v)?),
                            "insecure_skip_verify" => o.insecure_skip_verify = s.flag(v)?,
                            "server_name" | "min_version" | "max_version" | "ca_ref"
                            | "cert_ref" | "key_ref" => {
                                return unsupported(&format!("tls_config.{key}"));
                            }
                            _ => return Ok(false),
                        }
                        Ok(true)
                    })?;
                }
                "follow_redirects" => o.follow_redirects = s.flag(v)?,
                "enable_http2" => o.enable_http2 = s.flag(v)?,
                "proxy_url" => o.proxy_url = Some(s.text(v)?).filter(|u| !u.is_empty()),
                "no_proxy" => o.no_proxy = s.text(v)?,
                "proxy_from_environment" => o.proxy_from_environment = s.flag(v)?,
                "oauth2" | "http_headers" | "proxy_connect_header" => return unsupported(key),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        if !strict.unknown.is_empty() {
            return Err(yaml_map::unmarshal_errors(&strict.unknown));
        }
        if bearer.is_set() {
            if o.has_basic_auth {
                return Err("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured".into());
            }
            if has_authorization {
                return Err(
                    "authorization is not compatible with bearer_token & bearer_token_file".into(),
                );
            }
            o.credentials = bearer;
            has_authorization = true;
        }
        if has_authorization {
            if o.has_basic_auth {
                return Err(
                    "at most one of basic_auth, oauth2 & authorization must be configured".into(),
                );
            }
            o.auth_type = o.auth_type.trim().to_owned();
            if o.auth_type.is_empty() {
                o.auth_type = "Bearer".to_owned();
            }
            if o.auth_type.eq_ignore_ascii_case("basic") {
                return Err(
                    "authorization type cannot be set to \"basic\", use \"basic_auth\" instead"
                        .into(),
                );
            }
        }
        if o.proxy_url.is_none() && !o.no_proxy.is_empty() {
            return Err("if no_proxy is configured, proxy_url must also be configured".into());
        }
        Ok(o)
    }

    /// Basic-auth credentials, if configured.
    pub fn basic_auth(&self) -> Result<Option<(String, String)>, String> {
        if !self.has_basic_auth {
            return Ok(None);
        }
        let user = self.username.read()?.unwrap_or_default();
        let password = self.password.read()?.unwrap_or_default();
        Ok(Some((user, password)))
    }

    /// The `Authorization` header value, if configured.
    pub fn authorization(&self) -> Result<Option<String>, String> {
        Ok(self
            .credentials
            .read()?
            .map(|c| format!("{} {c}", self.auth_type)))
    }

    /// Applies TLS, proxy, redirect and HTTP/2 settings.
    pub fn configure(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, String> {
        let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
        if let Some(ca) = self.ca.read()? {
            let certs = reqwest::Certificate::from_pem_bundle(ca.as_bytes())
                .map_err(|e| fail("unable to use specified CA cert", &e))?;
            builder = builder.tls_certs_only(certs);
        }
        match (self.cert.read()?, self.key.read()?) {
            (Some(cert), Some(key)) => {
                let identity = reqwest::Identity::from_pem(format!("{cert}\n{key}").as_bytes())
                    .map_err(|e| fail("unable to use specified client cert & key", &e))?;
                builder = builder.identity(identity);
            }
            (Some(_), None) => {
                return Err("exactly one of key or key_file must be configured when a client certificate is configured".into());
            }
            (None, Some(_)) => {
                return Err("exactly one of cert or cert_file must be configured when a client key is configured".into());
            }
            (None, None) => {}
        }
        if self.insecure_skip_verify {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        builder = builder.redirect(if self.follow_redirects {
            reqwest::redirect::Policy::limited(10)
        } else {
            reqwest::redirect::Policy::none()
        });
        if !self.enable_http2 {
            builder = builder.http1_only();
        }
        match &self.proxy_url {
            Some(url) => {
                let mut proxy =
                    reqwest::Proxy::all(url).map_err(|e| fail("invalid proxy_url", &e))?;
                if !self.no_proxy.is_empty() {
                    proxy = proxy.no_proxy(reqwest::NoProxy::from_string(&self.no_proxy));
                }
                builder = builder.proxy(proxy);
            }
            None if !self.proxy_from_environment => builder = builder.no_proxy(),
            None => {}
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HttpOptions, String> {
        HttpOptions::parse(text, Path::new("/base"))
    }

    #[test]
    fn reads_auth_and_resolves_files_against_the_grandparent() {
        let o = parse("basic_auth:\n  username: u\n  password_file: secret\n").expect("valid");
        assert_eq!(o.username, Secret::Inline("u".into()));
        assert_eq!(o.password, Secret::File(PathBuf::from("/base/secret")));
        let o = parse("bearer_token: abc\n").expect("valid");
        assert_eq!(o.authorization(), Ok(Some("Bearer abc".to_owned())));
    }

    #[test]
    fn unknown_and_conflicting_fields_are_refused() {
        assert_eq!(
            parse("bogus: 1\n").unwrap_err(),
            "yaml: unmarshal errors:\n  line 1: field bogus not found in type config.HTTPClientConfig"
        );
        assert_eq!(
            parse("basic_auth: {username: u}\nbearer_token: t\n").unwrap_err(),
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"
        );
        assert_eq!(
            parse("oauth2: {}\n").unwrap_err(),
            "oauth2 is not supported by tocsin"
        );
    }
}
