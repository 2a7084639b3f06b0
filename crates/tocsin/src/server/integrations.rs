//! Receivers → the pipeline's [`Notifier`]s (upstream
//! `receiver.BuildReceiverIntegrations`): one notifier per entry of each
//! `*_configs` list, with its index within that list.
//!
//! `webhook_configs` become [`WebhookNotifier`]s. Integrations tocsin does
//! not implement yet (and webhooks using settings the HTTP client cannot
//! honour, such as `oauth2`) become an [`UnavailableNotifier`] that fails
//! every send with a clear message, so the failure shows up in the log and
//! in `alertmanager_notifications_failed_total`, never as a crash or as a
//! silently dropped notification.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{FailureReason, Notifier, NotifyContext, NotifyError};
use tocsin_config::Receiver;
use tocsin_config::notifiers::WebhookConfig;
use tocsin_notify::{IntegrationEnv, WebhookNotifier, WebhookSettings, WebhookUrl};

use super::http_client;

/// A receiver's integrations could not be built (the reload fails).
#[derive(Debug, thiserror::Error)]
#[error("receiver {receiver:?}: {integration}[{index}]: {message}")]
pub struct IntegrationError {
    pub receiver: String,
    pub integration: &'static str,
    pub index: usize,
    pub message: String,
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

fn webhook(
    receiver: &str,
    index: usize,
    config: &WebhookConfig,
    env: &IntegrationEnv,
    built: &mut BuiltReceiver,
) -> Result<(), IntegrationError> {
    let http = match http_client::settings(config.http_config.as_ref()) {
        Ok(http) => http,
        Err(unsupported) => {
            let reason = format!("webhook: {unsupported}");
            built.unavailable.insert(reason.clone());
            built.notifiers.push(Arc::new(UnavailableNotifier {
                integration: "webhook",
                index,
                send_resolved: config.send_resolved,
                reason,
            }));
            return Ok(());
        }
    };
    let url = if config.url.is_empty() {
        WebhookUrl::File(config.url_file.clone().into())
    } else {
        WebhookUrl::Inline(config.url.expose().to_owned())
    };
    let settings = WebhookSettings {
        url,
        max_alerts: config.max_alerts,
        timeout: config.timeout.0,
        send_resolved: config.send_resolved,
        http,
    };
    match WebhookNotifier::new(settings, index, env) {
        Ok(n) => {
            built.notifiers.push(Arc::new(n));
            Ok(())
        }
        Err(e) => Err(IntegrationError {
            receiver: receiver.to_owned(),
            integration: "webhook",
            index,
            message: e.to_string(),
        }),
    }
}

/// Every integration of `receiver`, in upstream's order of integration
/// types (webhook first).
pub fn build(receiver: &Receiver, env: &IntegrationEnv) -> Result<BuiltReceiver, IntegrationError> {
    let mut built = BuiltReceiver {
        notifiers: Vec::new(),
        unavailable: BTreeSet::new(),
    };
    for (index, config) in receiver.webhook_configs.iter().enumerate() {
        webhook(&receiver.name, index, config, env, &mut built)?;
    }
    let mut not_implemented =
        |integration: &'static str, send_resolved: &mut dyn Iterator<Item = bool>| {
            for (index, send_resolved) in send_resolved.enumerate() {
                let reason = format!("integration {integration:?} is not implemented yet");
                built.unavailable.insert(reason.clone());
                built.notifiers.push(Arc::new(UnavailableNotifier {
                    integration,
                    index,
                    send_resolved,
                    reason,
                }));
            }
        };
    macro_rules! unimplemented_lists {
        ($($field:ident => $name:literal),* $(,)?) => {
            $(not_implemented($name, &mut receiver.$field.iter().map(|c| c.send_resolved));)*
        };
    }
    unimplemented_lists!(
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
        rocketchat_configs => "rocketchat",
        mattermost_configs => "mattermost",
        incidentio_configs => "incidentio",
    );
    Ok(built)
}

/// Notifiers for every receiver in `receivers` whose name is in `used`
/// (upstream skips receivers no route refers to).
pub fn build_all<'a>(
    receivers: impl IntoIterator<Item = &'a Receiver>,
    used: &BTreeSet<&str>,
    env: &IntegrationEnv,
) -> Result<HashMap<String, BuiltReceiver>, IntegrationError> {
    let mut out = HashMap::new();
    for receiver in receivers {
        if !used.contains(receiver.name.as_str()) {
            tracing::info!(
                receiver = %receiver.name,
                "skipping creation of receiver not referenced by any route"
            );
            continue;
        }
        out.insert(receiver.name.clone(), build(receiver, env)?);
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
        }
    }

    #[tokio::test]
    async fn every_entry_gets_a_notifier_and_unsupported_ones_fail_clearly() {
        let r = receiver(
            "- name: r\n  webhook_configs:\n  - url: 'http://127.0.0.1:9/a'\n  - url: 'http://127.0.0.1:9/b'\n    send_resolved: false\n    http_config: {oauth2: {client_id: a, client_secret: b, token_url: 'http://t/'}}\n  slack_configs:\n  - api_url: 'http://127.0.0.1:9/'\n    channel: '#x'\n",
        );
        let built = build(&r, &IntegrationEnv::new("http://am")).unwrap();
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
        assert_eq!(
            built.unavailable.iter().cloned().collect::<Vec<_>>(),
            [
                "integration \"slack\" is not implemented yet",
                "webhook: http_config: oauth2 is not supported by tocsin yet",
            ]
        );
        let err = built.notifiers[2].notify(&ctx(), &[]).await.unwrap_err();
        assert!(!err.retry);
        assert_eq!(err.reason, FailureReason::Other);
        assert_eq!(err.message, "integration \"slack\" is not implemented yet");
    }

    #[test]
    fn unreferenced_receivers_are_skipped() {
        let yaml = "route: {receiver: a}\nreceivers:\n- name: a\n- name: b\n  webhook_configs: [{url: 'http://x/'}]\n";
        let config = tocsin_config::load_str(yaml, "t.yml").unwrap().config;
        let used: BTreeSet<&str> = ["a"].into_iter().collect();
        let built = build_all(&config.receivers, &used, &IntegrationEnv::new("http://am")).unwrap();
        assert_eq!(built.keys().collect::<Vec<_>>(), ["a"]);
        assert!(
            built["a"].notifiers.is_empty(),
            "a receiver without integrations is a no-op"
        );
    }
}
