//! Receivers → the pipeline's [`Notifier`]s (upstream
//! `receiver.BuildReceiverIntegrations`), through `tocsin_notify::receiver`:
//! one notifier per entry of each `*_configs` list, in upstream's order,
//! rendering with the configuration's templates.
//!
//! An entry that cannot be built fails the (re)load, as upstream — except
//! one that uses a setting tocsin does not support yet (such as `oauth2`):
//! it becomes an [`UnavailableNotifier`] that fails every send with a clear
//! message, so the gap shows in the start-up warning, the log and
//! `alertmanager_notifications_failed_total`, and the rest of a valid
//! configuration still runs.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyContext, NotifyError};
use tocsin_config::Receiver;
use tocsin_notify::receiver::{IntegrationError, build_each};
use tocsin_notify::template::Templates;
use tocsin_notify::{BuildError, IntegrationEnv};

/// A receiver's integrations could not be built (the reload fails).
#[derive(Debug, thiserror::Error)]
#[error("receiver {receiver:?}: {error}")]
pub struct ReceiverError {
    pub receiver: String,
    pub error: IntegrationError,
}

/// An integration that cannot send, and why.
#[derive(Debug)]
pub struct UnavailableNotifier {
    integration: &'static str,
    index: usize,
    send_resolved: bool,
    reason: String,
}

impl Notifier for UnavailableNotifier {
    fn integration(&self) -> &str {
        self.integration
    }

    fn index(&self) -> usize {
        self.index
    }

    fn send_resolved(&self) -> bool {
        self.send_resolved
    }

    fn notify<'a>(
        &'a self,
        _ctx: &'a NotifyContext,
        _alerts: &'a [Alert],
    ) -> Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>> {
        Box::pin(async move {
            Err(NotifyError {
                retry: false,
                reason: FailureReason::Other,
                message: self.reason.clone(),
            })
        })
    }
}

/// The notifiers of one receiver, and why some of them cannot send (for
/// the start-up warning).
pub struct BuiltReceiver {
    pub notifiers: Vec<Arc<dyn Notifier>>,
    /// One reason per distinct problem.
    pub unavailable: BTreeSet<String>,
}

/// Every integration of `receiver`, in upstream's order.
pub fn build(
    receiver: &Receiver,
    templates: &Arc<Templates>,
    env: &IntegrationEnv,
) -> Result<BuiltReceiver, ReceiverError> {
    let mut built = BuiltReceiver {
        notifiers: Vec::new(),
        unavailable: BTreeSet::new(),
    };
    for entry in build_each(receiver, templates, env) {
        match entry {
            Ok(integration) => built.notifiers.push(integration.notifier),
            Err(IntegrationError {
                integration,
                index,
                problem: BuildError::Unsupported(what),
            }) => {
                let reason = format!("{integration}: {what} is not supported by tocsin yet");
                built.unavailable.insert(reason.clone());
                built.notifiers.push(Arc::new(UnavailableNotifier {
                    integration,
                    index,
                    send_resolved: send_resolved(receiver, integration, index),
                    reason,
                }));
            }
            Err(error) => {
                return Err(ReceiverError {
                    receiver: receiver.name.clone(),
                    error,
                });
            }
        }
    }
    Ok(built)
}

/// The `send_resolved` setting of `receiver.<integration>_configs[index]`.
fn send_resolved(receiver: &Receiver, integration: &str, index: usize) -> bool {
    macro_rules! lookup {
        ($($list:ident => $name:literal),* $(,)?) => {
            match integration {
                $($name => receiver.$list.get(index).is_some_and(|c| c.send_resolved),)*
                _ => false,
            }
        };
    }
    lookup!(
        webhook_configs => "webhook",
        email_configs => "email",
        pagerduty_configs => "pagerduty",
        opsgenie_configs => "opsgenie",
        wechat_configs => "wechat",
        slack_configs => "slack",
        victorops_configs => "victorops",
        pushover_configs => "pushover",
        sns_configs => "sns",
        telegram_configs => "telegram",
        discord_configs => "discord",
        webex_configs => "webex",
        msteams_configs => "msteams",
        msteamsv2_configs => "msteamsv2",
        jira_configs => "jira",
        incidentio_configs => "incidentio",
        rocketchat_configs => "rocketchat",
        mattermost_configs => "mattermost",
    )
}

/// The receivers routes use (upstream skips the others and says so).
pub fn build_all<'a>(
    receivers: impl IntoIterator<Item = &'a Receiver>,
    used: &BTreeSet<&str>,
    templates: &Arc<Templates>,
    env: &IntegrationEnv,
) -> Result<HashMap<String, BuiltReceiver>, ReceiverError> {
    let mut out = HashMap::new();
    for receiver in receivers {
        if !used.contains(receiver.name.as_str()) {
            tracing::info!(
                receiver = %receiver.name,
                "skipping creation of receiver not referenced by any route"
            );
            continue;
        }
        out.insert(receiver.name.clone(), build(receiver, templates, env)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tocsin_alerting::flush::FlushContext;

    fn receiver(yaml_receivers: &str) -> Receiver {
        let yaml = format!("route: {{receiver: r}}\nreceivers:\n{yaml_receivers}");
        match tocsin_config::load_str(&yaml, "t.yml") {
            Ok(loaded) => loaded.config.receivers[0].clone(),
            Err(e) => panic!("{}", e.first_upstream_message()),
        }
    }

    fn ctx() -> NotifyContext {
        NotifyContext {
            flush: FlushContext {
                now: jiff::Timestamp::UNIX_EPOCH,
                group_key: "{}:{}".into(),
                group_labels: Default::default(),
                route_labels: Default::default(),
                receiver: "r".into(),
                route_id: "{}".into(),
                group_interval: Duration::from_secs(1),
                repeat_interval: Duration::from_secs(1),
                mute_time_intervals: Vec::new(),
                active_time_intervals: Vec::new(),
                timeout: Duration::from_secs(10),
            },
            notification_reason: "first notification".into(),
            receiver_data: Default::default(),
        }
    }

    #[tokio::test]
    async fn every_entry_gets_a_notifier_and_unsupported_ones_fail_clearly() {
        let r = receiver(
            "- name: r\n  webhook_configs:\n  - url: 'http://127.0.0.1:9/a'\n  - url: 'http://127.0.0.1:9/b'\n    send_resolved: false\n    http_config: {oauth2: {client_id: a, client_secret_ref: b, token_url: 'http://t/'}}\n  slack_configs:\n  - api_url: 'http://127.0.0.1:9/'\n    channel: '#x'\n",
        );
        let templates = Arc::new(Templates::builtin());
        let built = build(&r, &templates, &IntegrationEnv::new("http://am")).unwrap();
        let described: Vec<(String, usize, bool)> = built
            .notifiers
            .iter()
            .map(|n| (n.integration().to_owned(), n.index(), n.send_resolved()))
            .collect();
        assert_eq!(
            described,
            [
                ("webhook".to_owned(), 0, true),
                ("webhook".to_owned(), 1, false),
                ("slack".to_owned(), 0, false),
            ]
        );
        assert_eq!(built.unavailable.len(), 1, "{:?}", built.unavailable);
        let reason = built.unavailable.iter().next().unwrap();
        assert!(
            reason.starts_with("webhook: ") && reason.contains("oauth2"),
            "{reason}"
        );
        let err = built.notifiers[1].notify(&ctx(), &[]).await.unwrap_err();
        assert!(!err.retry);
        assert_eq!(err.reason, FailureReason::Other);
        assert_eq!(&err.message, reason);
    }

    #[test]
    fn unreferenced_receivers_are_skipped() {
        let yaml = "route: {receiver: a}\nreceivers:\n- name: a\n- name: b\n  webhook_configs: [{url: 'http://x/'}]\n";
        let config = tocsin_config::load_str(yaml, "t.yml").unwrap().config;
        let used: BTreeSet<&str> = ["a"].into_iter().collect();
        let templates = Arc::new(Templates::builtin());
        let built = build_all(
            &config.receivers,
            &used,
            &templates,
            &IntegrationEnv::new("http://am"),
        )
        .unwrap();
        assert_eq!(built.keys().collect::<Vec<_>>(), ["a"]);
        assert!(
            built["a"].notifiers.is_empty(),
            "a receiver without integrations is a no-op"
        );
    }
}
