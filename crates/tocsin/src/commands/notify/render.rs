//! `tocsin notify render`: every message each integration of a receiver
//! would send for the notifications of [`super::scenario`], printed
//! without any network I/O — method, URL and headers with secrets masked,
//! then the exact body bytes (or, for email, the SMTP envelope and the
//! whole MIME message). `--pretty` indents JSON bodies, `--output json`
//! gives the same as one JSON document for scripts.

use std::io::Write as _;
use std::process::ExitCode;

use serde_json::{Value, json};
use tocsin_alerting::alert::Alert;
use tocsin_notify::preview::Rendered;

use super::json_text;
use super::scenario::{Notification, Scenario};

/// What a masked secret shows.
const SECRET_MASK: &str = "<secret>";

/// `-o/--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Headers and bodies as text.
    Text,
    /// One JSON document (bodies as strings).
    Json,
}

/// How to print.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub pretty: bool,
    pub show_secrets: bool,
    pub output: OutputFormat,
}

/// What one integration does with one notification.
enum Outcome {
    Messages(Vec<Rendered>),
    /// Nothing is sent, and why.
    Skipped(String),
    Failed(String),
}

struct IntegrationOutput {
    /// `webhook[0]`.
    title: String,
    outcome: Outcome,
}

/// Prints the messages of every notification; exit 1 when an integration
/// could not be built or rendered.
pub fn run(
    scenario: &Scenario,
    notifications: &[Notification],
    options: RenderOptions,
) -> anyhow::Result<ExitCode> {
    let now = scenario.routing.clock.now();
    let mut failed = false;
    let mut rendered = Vec::with_capacity(notifications.len());
    for notification in notifications {
        let outputs: Vec<IntegrationOutput> = scenario
            .integrations
            .iter()
            .map(|integration| match integration {
                Err(e) => IntegrationOutput {
                    title: format!("{}[{}]", e.integration, e.index),
                    outcome: Outcome::Failed(e.problem.to_string()),
                },
                Ok(integration) => {
                    let title = format!("{}[{}]", integration.name, integration.index);
                    let sent = alerts_sent(
                        integration.notifier.send_resolved(),
                        &notification.alerts,
                        now,
                    );
                    let outcome = match sent {
                        None => Outcome::Skipped(
                            "every alert is resolved and send_resolved is false: nothing is sent"
                                .into(),
                        ),
                        Some(alerts) => {
                            match integration.preview.preview(&notification.ctx, &alerts) {
                                Ok(messages) => Outcome::Messages(messages),
                                Err(e) => Outcome::Failed(e.message),
                            }
                        }
                    };
                    IntegrationOutput { title, outcome }
                }
            })
            .collect();
        failed |= outputs
            .iter()
            .any(|o| matches!(o.outcome, Outcome::Failed(_)));
        rendered.push(outputs);
    }
    let text = match options.output {
        OutputFormat::Text => text_output(scenario, notifications, &rendered, options),
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(&json_output(
                scenario,
                notifications,
                &rendered,
                options,
            ))?;
            text.push('\n');
            text.into_bytes()
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&text)?;
    stdout.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Upstream's retry stage: an integration with `send_resolved: false`
/// gets only the firing alerts, and nothing at all when none is firing.
pub fn alerts_sent(
    send_resolved: bool,
    alerts: &[Alert],
    now: jiff::Timestamp,
) -> Option<Vec<Alert>> {
    if send_resolved {
        return Some(alerts.to_vec());
    }
    let firing: Vec<Alert> = alerts
        .iter()
        .filter(|a| !a.resolved_at(now))
        .cloned()
        .collect();
    (!firing.is_empty()).then_some(firing)
}

fn text_output(
    scenario: &Scenario,
    notifications: &[Notification],
    rendered: &[Vec<IntegrationOutput>],
    options: RenderOptions,
) -> Vec<u8> {
    let now = scenario.routing.clock.now();
    let mut out = Vec::new();
    let total = notifications.len();
    for (n, (notification, outputs)) in notifications.iter().zip(rendered).enumerate() {
        let flush = &notification.ctx.flush;
        let firing = notification
            .alerts
            .iter()
            .filter(|a| !a.resolved_at(now))
            .count();
        let _ = writeln!(
            out,
            "# Notification {} of {total} to receiver {:?}",
            n + 1,
            scenario.routing.receiver
        );
        let _ = writeln!(out, "# group key:    {}", flush.group_key);
        let _ = writeln!(out, "# group labels: {}", flush.group_labels);
        let _ = writeln!(
            out,
            "# alerts:       {} ({firing} firing, {} resolved)",
            notification.alerts.len(),
            notification.alerts.len() - firing
        );
        let _ = writeln!(
            out,
            "# reason:       {}",
            notification.ctx.notification_reason
        );
        if outputs.is_empty() {
            let _ = writeln!(
                out,
                "# (this receiver has no integrations: nothing is sent)"
            );
        }
        out.push(b'\n');
        for output in outputs {
            let _ = writeln!(out, "=== {} ===", output.title);
            match &output.outcome {
                Outcome::Skipped(why) => {
                    let _ = writeln!(out, "(skipped: {why})");
                }
                Outcome::Failed(why) => {
                    let _ = writeln!(out, "error: {why}");
                }
                Outcome::Messages(messages) => {
                    for (i, message) in messages.iter().enumerate() {
                        if i > 0 {
                            out.push(b'\n');
                        }
                        write_message(&mut out, message, options);
                    }
                }
            }
            out.push(b'\n');
        }
    }
    out
}

fn write_message(out: &mut Vec<u8>, message: &Rendered, options: RenderOptions) {
    match message {
        Rendered::Http {
            method,
            url,
            url_masked,
            headers,
            body,
        } => {
            let shown_url = if options.show_secrets {
                url
            } else {
                url_masked
            };
            let _ = writeln!(out, "{method} {shown_url}");
            for (name, value) in headers {
                let _ = writeln!(out, "{name}: {}", mask_header(name, value));
            }
            out.push(b'\n');
            write_body(out, body, options.pretty);
        }
        Rendered::Email {
            smarthost,
            from,
            to,
            message,
        } => {
            let _ = writeln!(out, "SMTP {smarthost}");
            let _ = writeln!(out, "MAIL FROM:<{from}>");
            for rcpt in to {
                let _ = writeln!(out, "RCPT TO:<{rcpt}>");
            }
            out.push(b'\n');
            write_body(out, message, false);
        }
    }
}

/// The body as is (or indented); a body not ending in a newline gets one
/// plus a marker line, so the exact bytes stay recoverable.
fn write_body(out: &mut Vec<u8>, body: &[u8], pretty: bool) {
    if pretty && let Some(indented) = json_text::indent(body) {
        out.extend_from_slice(indented.as_bytes());
        out.push(b'\n');
        return;
    }
    out.extend_from_slice(body);
    if !body.is_empty() && !body.ends_with(b"\n") {
        out.extend_from_slice(b"\n\\ No newline at end of body\n");
    }
}

/// `value` unless `name` usually carries a credential (integrations mask
/// theirs already; this catches any that do not); `Authorization` keeps
/// its scheme (`Bearer <secret>`).
pub fn mask_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "authorization" || lower == "proxy-authorization" {
        return match value.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} {SECRET_MASK}"),
            None => SECRET_MASK.to_owned(),
        };
    }
    let sensitive = [
        "token",
        "secret",
        "key",
        "password",
        "auth",
        "signature",
        "cookie",
    ]
    .iter()
    .any(|word| lower.contains(word));
    if sensitive {
        SECRET_MASK.to_owned()
    } else {
        value.to_owned()
    }
}

fn json_output(
    scenario: &Scenario,
    notifications: &[Notification],
    rendered: &[Vec<IntegrationOutput>],
    options: RenderOptions,
) -> Value {
    let now = scenario.routing.clock.now();
    let notifications: Vec<Value> = notifications
        .iter()
        .zip(rendered)
        .map(|(notification, outputs)| {
            let flush = &notification.ctx.flush;
            json!({
                "groupKey": flush.group_key,
                "groupLabels": flush.group_labels.as_map(),
                "notificationReason": notification.ctx.notification_reason,
                "alerts": notification.alerts.len(),
                "firing": notification.alerts.iter().filter(|a| !a.resolved_at(now)).count(),
                "integrations": outputs.iter().map(|o| integration_json(o, options)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "receiver": scenario.routing.receiver, "notifications": notifications })
}

fn integration_json(output: &IntegrationOutput, options: RenderOptions) -> Value {
    match &output.outcome {
        Outcome::Skipped(why) => json!({ "integration": output.title, "skipped": why }),
        Outcome::Failed(why) => json!({ "integration": output.title, "error": why }),
        Outcome::Messages(messages) => json!({
            "integration": output.title,
            "messages": messages.iter().map(|m| message_json(m, options)).collect::<Vec<_>>(),
        }),
    }
}

fn message_json(message: &Rendered, options: RenderOptions) -> Value {
    match message {
        Rendered::Http {
            method,
            url,
            url_masked,
            headers,
            body,
        } => {
            let headers: Vec<Value> = headers
                .iter()
                .map(|(name, value)| json!([name, mask_header(name, value)]))
                .collect();
            let mut value = json!({
                "type": "http",
                "method": method,
                "url": if options.show_secrets { url } else { url_masked },
                "headers": headers,
            });
            put_bytes(&mut value, "body", body);
            value
        }
        Rendered::Email {
            smarthost,
            from,
            to,
            message,
        } => {
            let mut value = json!({
                "type": "email",
                "smarthost": smarthost,
                "from": from,
                "to": to,
            });
            put_bytes(&mut value, "message", message);
            value
        }
    }
}

/// `bytes` as a string under `key`, or as numbers under `key_bytes` when
/// they are not UTF-8.
fn put_bytes(value: &mut Value, key: &str, bytes: &[u8]) {
    if let Value::Object(object) = value {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                object.insert(key.to_owned(), Value::from(text));
            }
            Err(_) => {
                object.insert(format!("{key}_bytes"), Value::from(bytes.to_vec()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_headers_are_masked() {
        assert_eq!(
            mask_header("Authorization", "Bearer abc"),
            "Bearer <secret>"
        );
        assert_eq!(mask_header("authorization", "abc"), "<secret>");
        assert_eq!(mask_header("X-Api-Key", "abc"), "<secret>");
        assert_eq!(
            mask_header("Content-Type", "application/json"),
            "application/json"
        );
    }

    #[test]
    fn bodies_keep_their_exact_bytes() {
        let mut out = Vec::new();
        write_body(&mut out, b"{\"a\":1}", false);
        assert_eq!(out, b"{\"a\":1}\n\\ No newline at end of body\n");
        let mut out = Vec::new();
        write_body(&mut out, b"{\"a\":1}\n", false);
        assert_eq!(out, b"{\"a\":1}\n");
        let mut out = Vec::new();
        write_body(&mut out, b"{\"a\":1}\n", true);
        assert_eq!(out, b"{\n  \"a\": 1\n}\n");
    }
}
