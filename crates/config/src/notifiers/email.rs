//! `email_configs` (`config.EmailConfig`) and its threading settings.

use std::collections::BTreeMap;

use tocsin_model::goquote::go_quote;

use crate::common::{HostPort, Secret};
use crate::decode::Checks;
use crate::decode::config_struct;
use crate::http::{TlsConfig, canonical_header_key};

config_struct! {
    /// `threading` of an email config.
    pub struct ThreadingConfig {
        go_type: "config.ThreadingConfig",
        decode_as: "config.ThreadingConfig",
        reset: false,
        list_element: "",
        check: None,
    } {
        enabled: bool = false => "enabled", omitempty;
        /// `none` or `daily`.
        thread_by_date: String = String::new() => "thread_by_date", omitempty;
    }
}

config_struct! {
    /// One `email_configs` entry. `from`, `smarthost`, `hello`, the
    /// `auth_*` fields, `require_tls`, `tls_config` and `force_implicit_tls`
    /// are filled from `global` when absent.
    pub struct EmailConfig {
        go_type: "config.EmailConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "*",
        check: Some(check_email),
    } {
        send_resolved: bool = false => "send_resolved";
        to: String = String::new() => "to", omitempty;
        from: String = String::new() => "from", omitempty;
        hello: String = String::new() => "hello", omitempty;
        smarthost: HostPort = HostPort::default() => "smarthost", omitempty;
        auth_username: String = String::new() => "auth_username", omitempty;
        auth_password: Secret = Secret::default() => "auth_password", omitempty;
        auth_password_file: String = String::new() => "auth_password_file", omitempty;
        auth_secret: Secret = Secret::default() => "auth_secret", omitempty;
        auth_secret_file: String = String::new() => "auth_secret_file", omitempty;
        auth_identity: String = String::new() => "auth_identity", omitempty;
        /// Header names are canonicalised (`x-foo` → `X-Foo`) when loading.
        headers: BTreeMap<String, String> = BTreeMap::new() => "headers", omitempty;
        html: String = r#"{{ template "email.default.html" . }}"#.to_owned() => "html", omitempty;
        text: String = String::new() => "text", omitempty;
        require_tls: Option<bool> = None => "require_tls", omitempty;
        tls_config: Option<TlsConfig> = None => "tls_config", omitempty;
        /// `None`: implicit TLS exactly when the port is 465.
        force_implicit_tls: Option<bool> = None => "force_implicit_tls", omitempty;
        threading: ThreadingConfig = ThreadingConfig::default() => "threading", omitempty;
    }
}

fn check_email(c: &mut EmailConfig, v: &mut Checks<'_, '_>) {
    if c.to.is_empty() {
        v.fail_hint(
            "to",
            "missing to address in email config",
            "add `to: someone@example.org`",
        );
    }
    let mut normalized: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &c.headers {
        let canonical = canonical_header_key(name);
        if normalized.contains_key(&canonical) {
            v.fail_hint(
                "headers",
                format!("duplicate header {} in email config", go_quote(&canonical)),
                "header names are case-insensitive; keep one spelling",
            );
        }
        normalized.insert(canonical, value.clone());
    }
    c.headers = normalized;
    if c.threading.enabled {
        if c.headers.contains_key("References") {
            v.fail("threading", "conflicting configuration: threading.enabled conflicts with custom References header");
        }
        if c.headers.contains_key("In-Reply-To") {
            v.fail("threading", "conflicting configuration: threading.enabled conflicts with custom In-Reply-To header");
        }
        if !["none", "daily"].contains(&c.threading.thread_by_date.as_str()) {
            v.fail(
                "threading",
                "threading.thread_by_date must be either 'none' or 'daily'",
            );
        }
    }
}
