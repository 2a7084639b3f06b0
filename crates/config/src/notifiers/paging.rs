//! Incident and paging integrations: PagerDuty, OpsGenie, VictorOps,
//! Pushover, incident.io and Jira, with upstream's defaults and checks.

use std::collections::BTreeMap;

use tocsin_model::{GoDuration, PromDuration};

use crate::common::{Secret, TextDuration, Url, contains_templating};
use crate::decode::config_struct;
use crate::decode::{Checks, Decode, Decoder, Value};
use crate::http::HttpClientConfig;
use crate::render::{Out, Render, push_field};
use crate::yaml::{NodeId, NodeKind};

config_struct! {
    /// An image attached to a PagerDuty event.
    pub struct PagerdutyImage {
        go_type: "pagerduty.PagerdutyImage",
        decode_as: "pagerduty.PagerdutyImage",
        reset: false,
        list_element: "",
        check: None,
    } {
        src: String = String::new() => "src", omitempty;
        alt: String = String::new() => "alt", omitempty;
        href: String = String::new() => "href", omitempty;
    }
}

config_struct! {
    /// A link attached to a PagerDuty event.
    pub struct PagerdutyLink {
        go_type: "pagerduty.PagerdutyLink",
        decode_as: "pagerduty.PagerdutyLink",
        reset: false,
        list_element: "",
        check: None,
    } {
        href: String = String::new() => "href", omitempty;
        text: String = String::new() => "text", omitempty;
    }
}

config_struct! {
    /// One `pagerduty_configs` entry (`url` may come from `global`).
    pub struct PagerdutyConfig {
        go_type: "pagerduty.PagerdutyConfig",
        decode_as: "pagerduty.plain",
        reset: true,
        list_element: "*",
        check: Some(check_pagerduty),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        /// Events API v1 integration key.
        service_key: Secret = Secret::default() => "service_key", omitempty;
        service_key_file: String = String::new() => "service_key_file", omitempty;
        /// Events API v2 integration key.
        routing_key: Secret = Secret::default() => "routing_key", omitempty;
        routing_key_file: String = String::new() => "routing_key_file", omitempty;
        url: Option<Url> = None => "url", omitempty;
        client: String = r#"{{ template "pagerduty.default.client" . }}"#.to_owned() => "client", omitempty;
        client_url: String = r#"{{ template "pagerduty.default.clientURL" . }}"#.to_owned() => "client_url", omitempty;
        description: String = r#"{{ template "pagerduty.default.description" .}}"#.to_owned() => "description", omitempty;
        /// Defaults `firing`, `resolved`, `num_firing`, `num_resolved` are added when absent.
        details: BTreeMap<String, Value> = BTreeMap::new() => "details", omitempty;
        images: Vec<PagerdutyImage> = Vec::new() => "images", omitempty;
        links: Vec<PagerdutyLink> = Vec::new() => "links", omitempty;
        /// Defaults to `client` when empty.
        source: String = String::new() => "source", omitempty;
        severity: String = String::new() => "severity", omitempty;
        class: String = String::new() => "class", omitempty;
        component: String = String::new() => "component", omitempty;
        group: String = String::new() => "group", omitempty;
        timeout: GoDuration = GoDuration::default() => "timeout";
    }
}

fn check_pagerduty(c: &mut PagerdutyConfig, v: &mut Checks<'_, '_>) {
    if c.routing_key.is_empty()
        && c.service_key.is_empty()
        && c.routing_key_file.is_empty()
        && c.service_key_file.is_empty()
    {
        v.fail_hint(
            "routing_key",
            "missing service or routing key in PagerDuty config",
            "set `routing_key` (Events API v2) or `service_key` (Events API v1), or their `_file` forms",
        );
    }
    if !c.routing_key.is_empty() && !c.routing_key_file.is_empty() {
        v.fail(
            "routing_key_file",
            "at most one of routing_key & routing_key_file must be configured",
        );
    }
    if !c.service_key.is_empty() && !c.service_key_file.is_empty() {
        v.fail(
            "service_key_file",
            "at most one of service_key & service_key_file must be configured",
        );
    }
    if c.source.is_empty() {
        c.source = c.client.clone();
    }
    for (key, value) in [
        ("firing", "{{ .Alerts.Firing | toJson }}"),
        ("resolved", "{{ .Alerts.Resolved | toJson }}"),
        ("num_firing", "{{ .Alerts.Firing | len }}"),
        ("num_resolved", "{{ .Alerts.Resolved | len }}"),
    ] {
        c.details
            .entry(key.to_owned())
            .or_insert_with(|| Value::String(value.to_owned()));
    }
}

config_struct! {
    /// An OpsGenie responder (team, user, escalation or schedule).
    pub struct OpsGenieConfigResponder {
        go_type: "opsgenie.OpsGenieConfigResponder",
        decode_as: "opsgenie.OpsGenieConfigResponder",
        reset: false,
        list_element: "",
        check: None,
    } {
        id: String = String::new() => "id", omitempty;
        name: String = String::new() => "name", omitempty;
        username: String = String::new() => "username", omitempty;
        kind: String = String::new() => "type", omitempty;
    }
}

config_struct! {
    /// One `opsgenie_configs` entry (`api_url`, `api_key(_file)` may come from `global`).
    pub struct OpsGenieConfig {
        go_type: "opsgenie.OpsGenieConfig",
        decode_as: "opsgenie.plain",
        reset: true,
        list_element: "*",
        check: Some(check_opsgenie),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_key: Secret = Secret::default() => "api_key", omitempty;
        api_key_file: String = String::new() => "api_key_file", omitempty;
        api_url: Option<Url> = None => "api_url", omitempty;
        message: String = r#"{{ template "opsgenie.default.message" . }}"#.to_owned() => "message", omitempty;
        description: String = r#"{{ template "opsgenie.default.description" . }}"#.to_owned() => "description", omitempty;
        source: String = r#"{{ template "opsgenie.default.source" . }}"#.to_owned() => "source", omitempty;
        details: BTreeMap<String, String> = BTreeMap::new() => "details", omitempty;
        entity: String = String::new() => "entity", omitempty;
        responders: Vec<OpsGenieConfigResponder> = Vec::new() => "responders", omitempty;
        actions: String = String::new() => "actions", omitempty;
        tags: String = String::new() => "tags", omitempty;
        note: String = String::new() => "note", omitempty;
        priority: String = String::new() => "priority", omitempty;
        update_alerts: bool = false => "update_alerts", omitempty;
    }
}

fn check_opsgenie(c: &mut OpsGenieConfig, v: &mut Checks<'_, '_>) {
    if !c.api_key.is_empty() && !c.api_key_file.is_empty() {
        v.fail(
            "api_key_file",
            "at most one of api_key & api_key_file must be configured",
        );
    }
    for r in &c.responders {
        // Go's `%v` of the responder struct.
        let shown = format!("{{{} {} {} {}}}", r.id, r.name, r.username, r.kind);
        if r.id.is_empty() && r.username.is_empty() && r.name.is_empty() {
            v.fail(
                "responders",
                format!("opsGenieConfig responder {shown} has to have at least one of id, username or name specified"),
            );
        }
        match contains_templating(&r.kind) {
            Err(e) => v.fail(
                "responders",
                format!(
                    "opsGenieConfig responder {shown} type contains invalid template syntax: {e}"
                ),
            ),
            Ok(false) => {
                let lower = r.kind.to_lowercase();
                if !["team", "teams", "user", "escalation", "schedule"].contains(&lower.as_str()) {
                    v.fail_hint(
                        "responders",
                        format!("opsGenieConfig responder {shown} type does not match valid options ^(team|teams|user|escalation|schedule)$"),
                        "responder `type` must be team, teams, user, escalation or schedule",
                    );
                }
            }
            Ok(true) => {}
        }
    }
}

config_struct! {
    /// One `victorops_configs` entry (`api_url`, `api_key(_file)` may come from `global`).
    pub struct VictorOpsConfig {
        go_type: "config.VictorOpsConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "*",
        check: Some(check_victorops),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_key: Secret = Secret::default() => "api_key", omitempty;
        api_key_file: String = String::new() => "api_key_file", omitempty;
        api_url: Option<Url> = None => "api_url";
        routing_key: String = String::new() => "routing_key";
        message_type: String = "CRITICAL".to_owned() => "message_type";
        state_message: String = r#"{{ template "victorops.default.state_message" . }}"#.to_owned() => "state_message";
        entity_display_name: String = r#"{{ template "victorops.default.entity_display_name" . }}"#.to_owned() => "entity_display_name";
        monitoring_tool: String = r#"{{ template "victorops.default.monitoring_tool" . }}"#.to_owned() => "monitoring_tool";
        custom_fields: BTreeMap<String, String> = BTreeMap::new() => "custom_fields", omitempty;
    }
}

fn check_victorops(c: &mut VictorOpsConfig, v: &mut Checks<'_, '_>) {
    if c.routing_key.is_empty() {
        v.fail("routing_key", "missing Routing key in VictorOps config");
    }
    if !c.api_key.is_empty() && !c.api_key_file.is_empty() {
        v.fail(
            "api_key_file",
            "at most one of api_key & api_key_file must be configured",
        );
    }
    for reserved in [
        "routing_key",
        "message_type",
        "state_message",
        "entity_display_name",
        "monitoring_tool",
        "entity_id",
        "entity_state",
    ] {
        if c.custom_fields.contains_key(reserved) {
            v.fail(
                "custom_fields",
                format!("victorOps config contains custom field {reserved} which cannot be used as it conflicts with the fixed/static fields"),
            );
        }
    }
}

config_struct! {
    /// One `pushover_configs` entry.
    pub struct PushoverConfig {
        go_type: "pushover.PushoverConfig",
        decode_as: "pushover.plain",
        reset: true,
        list_element: "*",
        check: Some(check_pushover),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        user_key: Secret = Secret::default() => "user_key", omitempty;
        user_key_file: String = String::new() => "user_key_file", omitempty;
        token: Secret = Secret::default() => "token", omitempty;
        token_file: String = String::new() => "token_file", omitempty;
        title: String = r#"{{ template "pushover.default.title" . }}"#.to_owned() => "title", omitempty;
        message: String = r#"{{ template "pushover.default.message" . }}"#.to_owned() => "message", omitempty;
        url: String = r#"{{ template "pushover.default.url" . }}"#.to_owned() => "url", omitempty;
        url_title: String = String::new() => "url_title", omitempty;
        device: String = String::new() => "device", omitempty;
        sound: String = String::new() => "sound", omitempty;
        /// Emergency (2) while firing, normal (0) when resolved.
        priority: String = r#"{{ if eq .Status "firing" }}2{{ else }}0{{ end }}"#.to_owned() => "priority", omitempty;
        retry: TextDuration = TextDuration(GoDuration(std::time::Duration::from_secs(60))) => "retry", omitempty;
        expire: TextDuration = TextDuration(GoDuration(std::time::Duration::from_secs(3600))) => "expire", omitempty;
        ttl: TextDuration = TextDuration::default() => "ttl", omitempty;
        html: bool = false => "html", omitempty;
        monospace: bool = false => "monospace", omitempty;
    }
}

fn check_pushover(c: &mut PushoverConfig, v: &mut Checks<'_, '_>) {
    if c.user_key.is_empty() && c.user_key_file.is_empty() {
        v.fail(
            "user_key",
            "one of user_key or user_key_file must be configured",
        );
    }
    if !c.user_key.is_empty() && !c.user_key_file.is_empty() {
        v.fail(
            "user_key_file",
            "at most one of user_key & user_key_file must be configured",
        );
    }
    if c.token.is_empty() && c.token_file.is_empty() {
        v.fail("token", "one of token or token_file must be configured");
    }
    if !c.token.is_empty() && !c.token_file.is_empty() {
        v.fail(
            "token_file",
            "at most one of token & token_file must be configured",
        );
    }
    if c.html && c.monospace {
        v.fail(
            "monospace",
            "at most one of monospace & html must be configured",
        );
    }
}

config_struct! {
    /// One `incidentio_configs` entry.
    pub struct IncidentioConfig {
        go_type: "incidentio.IncidentioConfig",
        decode_as: "incidentio.plain",
        reset: true,
        list_element: "*",
        check: Some(check_incidentio),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        url: Option<Url> = None => "url";
        url_file: String = String::new() => "url_file";
        alert_source_token: Secret = Secret::default() => "alert_source_token", omitempty;
        alert_source_token_file: String = String::new() => "alert_source_token_file", omitempty;
        /// 0 = no limit.
        max_alerts: u64 = 0 => "max_alerts";
        timeout: GoDuration = GoDuration::default() => "timeout";
    }
}

fn check_incidentio(c: &mut IncidentioConfig, v: &mut Checks<'_, '_>) {
    if c.url.is_none() && c.url_file.is_empty() {
        v.fail("url", "one of url or url_file must be configured");
    }
    if c.url.is_some() && !c.url_file.is_empty() {
        v.fail(
            "url_file",
            "at most one of url & url_file must be configured",
        );
    }
    let has_token = !c.alert_source_token.is_empty() || !c.alert_source_token_file.is_empty();
    if !c.alert_source_token.is_empty() && !c.alert_source_token_file.is_empty() {
        v.fail(
            "alert_source_token_file",
            "at most one of alert_source_token & alert_source_token_file must be configured",
        );
    }
    let has_auth = c
        .http_config
        .as_ref()
        .is_some_and(|h| h.authorization.is_some());
    if has_auth && has_token {
        v.fail("alert_source_token", "cannot specify alert_source_token or alert_source_token_file when using http_config.authorization");
    }
    if c.http_config.is_some() && !has_auth && !has_token {
        v.fail(
            "http_config",
            "at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured",
        );
    }
}

/// A Jira field template (`summary`, `description`): either a template
/// string or `{template: …, enable_update: …}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JiraFieldConfig {
    pub template: String,
    /// Whether the field is rewritten when an existing issue is updated
    /// (`None` = yes).
    pub enable_update: Option<bool>,
}

impl JiraFieldConfig {
    const KEYS: &'static [&'static str] = &["template", "enable_update"];

    fn with_template(template: &str) -> Self {
        JiraFieldConfig {
            template: template.to_owned(),
            enable_update: None,
        }
    }
}

impl Decode for JiraFieldConfig {
    fn zero() -> Self {
        JiraFieldConfig::default()
    }
    fn go_type() -> String {
        "jira.JiraFieldConfig".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        // Upstream first tries a plain string, then the object form.
        if let Some(s) = cx.scalar(id) {
            self.template = s.value.clone();
            return;
        }
        if !matches!(cx.node(id).map(|n| &n.kind), Some(NodeKind::Mapping(_))) {
            cx.type_error(id, "jira.plain");
            return;
        }
        cx.struct_fields(
            id,
            "jira.plain",
            Self::KEYS,
            |cx, index, value| match index {
                0 => cx.value(value, &mut self.template),
                _ => cx.value(value, &mut self.enable_update),
            },
        );
    }
}

impl Render for JiraFieldConfig {
    fn render(&self) -> Out {
        let mut fields = Vec::new();
        push_field(&mut fields, "template", &self.template, true);
        push_field(&mut fields, "enable_update", &self.enable_update, true);
        Out::Map(fields)
    }
    fn is_zero(&self) -> bool {
        self.template.is_empty() && self.enable_update.is_none()
    }
}

config_struct! {
    /// One `jira_configs` entry (`api_url` may come from `global.jira_api_url`).
    pub struct JiraConfig {
        go_type: "jira.JiraConfig",
        decode_as: "jira.plain",
        reset: true,
        list_element: "*",
        check: Some(check_jira),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_url: Option<Url> = None => "api_url", omitempty;
        /// `auto`, `cloud` or `datacenter`.
        api_type: String = "auto".to_owned() => "api_type", omitempty;
        project: String = String::new() => "project", omitempty;
        summary: JiraFieldConfig = JiraFieldConfig::with_template(r#"{{ template "jira.default.summary" . }}"#) => "summary", omitempty;
        description: JiraFieldConfig = JiraFieldConfig::with_template(r#"{{ template "jira.default.description" . }}"#) => "description", omitempty;
        labels: Vec<String> = Vec::new() => "labels", omitempty;
        priority: String = r#"{{ template "jira.default.priority" . }}"#.to_owned() => "priority", omitempty;
        issue_type: String = String::new() => "issue_type", omitempty;
        reopen_transition: String = String::new() => "reopen_transition", omitempty;
        resolve_transition: String = String::new() => "resolve_transition", omitempty;
        wont_fix_resolution: String = String::new() => "wont_fix_resolution", omitempty;
        reopen_duration: PromDuration = PromDuration::default() => "reopen_duration", omitempty;
        /// Custom fields, sent as given (templated string leaves).
        fields: BTreeMap<String, Value> = BTreeMap::new() => "fields", omitempty;
    }
}

fn check_jira(c: &mut JiraConfig, v: &mut Checks<'_, '_>) {
    if c.project.is_empty() {
        v.fail("project", "missing project in jira_config");
    }
    if c.issue_type.is_empty() {
        v.fail("issue_type", "missing issue_type in jira_config");
    }
    if !["auto", "cloud", "datacenter"].contains(&c.api_type.as_str()) {
        v.fail(
            "api_type",
            "unknown api_type on jira_config, must be auto, cloud or datacenter",
        );
    }
}
