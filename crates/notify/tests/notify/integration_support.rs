//! Fixtures for the integration tests: receivers loaded from YAML through
//! the real configuration loader (so defaults and global settings apply as
//! they do for users), a fixed clock, the built-in templates and a small
//! firing / resolved alert group.

use std::sync::Arc;

use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::notifier::{FailureReason, NotifyContext, NotifyError};
use tocsin_config::Receiver;
use tocsin_notify::IntegrationEnv;
use tocsin_notify::template::Templates;

use crate::support::{alert, context, utc};

/// The wall clock of every notification in these tests.
pub const NOW: &str = "2026-11-21T04:28:40Z";

pub fn env() -> IntegrationEnv {
    IntegrationEnv {
        external_url: "http://am.example:9093".to_owned(),
        user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
        clock: Clock::starting_at(NOW.parse().expect("now")),
    }
}

pub fn templates() -> Arc<Templates> {
    Arc::new(Templates::builtin())
}

/// The first receiver of a configuration made of `global` (may be empty)
/// and one receiver `team-x` whose body is `block` (YAML at receiver
/// level, e.g. `discord_configs:\n- webhook_url: …`).
pub fn receiver_with_global(global: &str, block: &str) -> Receiver {
    let indented: String = block.lines().map(|l| format!("  {l}\n")).collect();
    let global = if global.is_empty() {
        String::new()
    } else {
        let g: String = global.lines().map(|l| format!("  {l}\n")).collect();
        format!("global:\n{g}")
    };
    let yaml =
        format!("{global}route:\n  receiver: team-x\nreceivers:\n- name: team-x\n{indented}");
    match tocsin_config::load_str(&yaml, "test.yml") {
        Ok(loaded) => loaded
            .config
            .receivers
            .into_iter()
            .next()
            .expect("receiver"),
        Err(failure) => panic!("config does not load: {failure:?}\n{yaml}"),
    }
}

pub fn receiver(block: &str) -> Receiver {
    receiver_with_global("", block)
}

/// Two firing alerts of group `alertname=Disk` (same severity, different
/// instances).
pub fn firing() -> Vec<Alert> {
    let started = utc("2026-11-21T04:00:00Z");
    vec![
        alert(
            &[
                ("alertname", "Disk"),
                ("instance", "a"),
                ("severity", "page"),
            ],
            &[("summary", "disk full")],
            started,
            Time::ZERO,
        ),
        alert(
            &[
                ("alertname", "Disk"),
                ("instance", "b"),
                ("severity", "page"),
            ],
            &[("summary", "disk full")],
            started,
            Time::ZERO,
        ),
    ]
}

/// The same group, all resolved before [`NOW`].
pub fn resolved() -> Vec<Alert> {
    firing()
        .into_iter()
        .map(|mut a| {
            a.ends_at = utc("2026-11-21T04:20:00Z");
            a
        })
        .collect()
}

pub fn ctx() -> NotifyContext {
    context("team-x", &[("alertname", "Disk")], "first notification")
}

/// The comparable parts of a notification error.
pub fn parts(err: &NotifyError) -> (bool, FailureReason, &str) {
    (err.retry, err.reason, err.message.as_str())
}
