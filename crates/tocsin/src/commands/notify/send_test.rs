//! `tocsin notify test`: one notification sent for real through every
//! integration of a receiver, one after another, each with a time limit,
//! printing what each provider answered — `ok`, or the integration's error
//! (the provider's own words such as `invalid_token`, or the HTTP status
//! and body), with the failure reason and whether the server would retry.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use tocsin_notify::preview::Rendered;

use super::render::alerts_sent;
use super::scenario::{Notification, Scenario};

/// Sends `notification` through every integration; exit 1 if any failed.
pub fn run(
    scenario: &Scenario,
    notification: &Notification,
    timeout: Duration,
) -> anyhow::Result<ExitCode> {
    // The HTTP client is built on rustls without a default provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let now = scenario.routing.clock.now();
    let flush = &notification.ctx.flush;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "Sending a test notification ({} alert{}) to receiver {:?}, group {}",
        notification.alerts.len(),
        if notification.alerts.len() == 1 {
            ""
        } else {
            "s"
        },
        scenario.routing.receiver,
        flush.group_key
    )?;
    if scenario.integrations.is_empty() {
        writeln!(stdout, "The receiver has no integrations: nothing to send.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut failures = 0usize;
    for integration in &scenario.integrations {
        let integration = match integration {
            Ok(integration) => integration,
            Err(e) => {
                failures += 1;
                writeln!(
                    stdout,
                    "{}[{}]: FAILED: {}",
                    e.integration, e.index, e.problem
                )?;
                continue;
            }
        };
        let title = format!("{}[{}]", integration.name, integration.index);
        let target = integration
            .preview
            .preview(&notification.ctx, &notification.alerts)
            .ok()
            .and_then(|messages| messages.first().map(describe_target))
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let Some(alerts) = alerts_sent(
            integration.notifier.send_resolved(),
            &notification.alerts,
            now,
        ) else {
            writeln!(
                stdout,
                "{title}{target}: skipped (every alert is resolved and send_resolved is false)"
            )?;
            continue;
        };
        write!(stdout, "{title}{target}: ")?;
        stdout.flush()?;
        let result = runtime.block_on(async {
            tokio::time::timeout(
                timeout,
                integration.notifier.notify(&notification.ctx, &alerts),
            )
            .await
        });
        match result {
            Ok(Ok(())) => writeln!(stdout, "ok")?,
            Ok(Err(e)) => {
                failures += 1;
                writeln!(
                    stdout,
                    "FAILED: {}\n    reason: {}, the server would {}",
                    e.message,
                    e.reason.as_str(),
                    if e.retry { "retry" } else { "not retry" }
                )?;
            }
            Err(_) => {
                failures += 1;
                writeln!(
                    stdout,
                    "FAILED: no answer within {}\n    reason: contextDeadlineExceeded",
                    tocsin_model::GoDuration(timeout)
                )?;
            }
        }
    }
    stdout.flush()?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `POST https://hooks.slack.com/services/<secret>` or `SMTP host:port`.
fn describe_target(message: &Rendered) -> String {
    match message {
        Rendered::Http {
            method, url_masked, ..
        } => format!("{method} {url_masked}"),
        Rendered::Email { smarthost, .. } => format!("SMTP {smarthost}"),
    }
}
