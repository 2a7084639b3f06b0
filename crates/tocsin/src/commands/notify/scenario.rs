//! What `notify render` and `notify test` work on: the configuration, the
//! receiver's integrations, and the notifications the server would send
//! for a set of alerts — the alerts routed through the configuration's
//! routing tree, grouped per route and group labels as the dispatcher
//! groups them, each group with the flush context (group key, group
//! labels, route labels, timers) the dispatcher would hand the pipeline.
//!
//! Alerts that do not reach the receiver through the tree are still shown
//! through it: they are grouped under the first route that uses the
//! receiver (or a bare root when no route does), and a note says so.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time, notification_order};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::NotifyContext;
use tocsin_alerting::route::{RouteNode, RouteTree};
use tocsin_config::Config;
use tocsin_model::{LabelSet, MatchType};
use tocsin_notify::IntegrationEnv;
use tocsin_notify::receiver::{IntegrationError, build_each};
use tocsin_notify::template::Templates;

pub use tocsin_notify::receiver::Integration;

/// Shortest flush deadline (upstream's `notify` timeout floor).
const MIN_FLUSH_TIMEOUT: Duration = Duration::from_secs(10);

/// A loaded configuration, its routing tree and one of its receivers: where
/// alerts for that receiver end up, and with which flush context.
pub struct Routing {
    pub config: Config,
    pub tree: RouteTree,
    pub receiver: String,
    pub clock: Clock,
}

/// A receiver ready to notify: its routing and its integrations.
pub struct Scenario {
    pub routing: Routing,
    /// Built integrations and the entries that failed, in upstream order.
    pub integrations: Vec<Result<Integration, IntegrationError>>,
}

/// One notification: the flush context and the alerts in it, in
/// notification order, firing ones with their end hidden.
pub struct Notification {
    pub ctx: NotifyContext,
    pub alerts: Vec<Alert>,
}

impl Scenario {
    /// Loads `config_file` (warnings on standard error), its templates, and
    /// builds `receiver`'s integrations.
    pub fn load(
        config_file: &Path,
        receiver: &str,
        external_url: &str,
    ) -> anyhow::Result<Scenario> {
        let config = load_config(config_file)?;
        let templates = load_templates(&config)?;
        let routing = Routing::new(config, config_file, receiver)?;
        let mut env = IntegrationEnv::new(external_url);
        env.clock = routing.clock;
        let integrations = match routing.config.receiver(&routing.receiver) {
            Some(found) => build_each(found, &templates, &env),
            None => Vec::new(),
        };
        Ok(Scenario {
            routing,
            integrations,
        })
    }
}

impl Routing {
    /// The routing of `receiver` in `config` (read from `config_file`).
    pub fn new(config: Config, config_file: &Path, receiver: &str) -> anyhow::Result<Routing> {
        if config.receiver(receiver).is_none() {
            let names: Vec<&str> = config.receivers.iter().map(|r| r.name.as_str()).collect();
            bail!(
                "no receiver named {receiver:?} in {} (receivers: {})",
                config_file.display(),
                names.join(", ")
            );
        }
        let tree = RouteTree::new(&config.route).map_err(|e| anyhow!("{e}"))?;
        Ok(Routing {
            config,
            tree,
            receiver: receiver.to_owned(),
            clock: Clock::system(),
        })
    }

    /// The notifications the server would send `receiver` for `alerts`,
    /// and notes about alerts that had to be placed by hand.
    pub fn notifications(&self, alerts: Vec<Alert>) -> (Vec<Notification>, Vec<String>) {
        let now = self.clock.now();
        let mut groups: Vec<(usize, LabelSet, Vec<Alert>)> = Vec::new();
        let mut unrouted = Vec::new();
        for alert in alerts {
            let nodes: Vec<&RouteNode> = self
                .tree
                .match_alert(&alert.labels)
                .into_iter()
                .filter(|n| n.receiver() == self.receiver)
                .collect();
            if nodes.is_empty() {
                unrouted.push(alert);
                continue;
            }
            for node in nodes {
                add_to_group(&mut groups, node, alert.clone());
            }
        }
        let mut notes = Vec::new();
        if !unrouted.is_empty() {
            let node = self.fallback_route();
            notes.push(format!(
                "{} alert(s) do not route to receiver {:?}; shown as if they reached it through route {}",
                unrouted.len(),
                self.receiver,
                node.id()
            ));
            for alert in unrouted {
                add_to_group(&mut groups, node, alert);
            }
        }
        let notifications = groups
            .into_iter()
            .filter_map(|(index, group_labels, alerts)| {
                let node = self.tree.node(index)?;
                Some(self.notification(node, group_labels, alerts, now))
            })
            .collect();
        (notifications, notes)
    }

    /// All of `alerts` as one notification (what `notify test` sends): the
    /// group of the first alert that reaches the receiver, else the
    /// receiver's first route.
    pub fn single_notification(&self, alerts: Vec<Alert>) -> Notification {
        let now = self.clock.now();
        let node = alerts
            .iter()
            .find_map(|a| {
                self.tree
                    .match_alert(&a.labels)
                    .into_iter()
                    .find(|n| n.receiver() == self.receiver)
            })
            .unwrap_or_else(|| self.fallback_route());
        let group_labels = alerts
            .first()
            .map(|a| node.group_labels(&a.labels))
            .unwrap_or_default();
        self.notification(node, group_labels, alerts, now)
    }

    /// The first route (depth first) whose receiver is ours, else the root.
    pub fn fallback_route(&self) -> &RouteNode {
        self.tree
            .nodes()
            .iter()
            .find(|n| n.receiver() == self.receiver)
            .unwrap_or_else(|| self.tree.root())
    }

    /// Labels an alert needs to reach `node` through the tree: the equality
    /// matchers of the path from the root, a literal alternative of regex
    /// matchers (`a|b` gives `a`), nothing for negative matchers.
    pub fn labels_reaching(&self, node: &RouteNode) -> LabelSet {
        let mut path = vec![node];
        let mut current = node;
        while let Some(parent) = current.parent().and_then(|p| self.tree.node(p)) {
            path.push(parent);
            current = parent;
        }
        let mut labels = LabelSet::new();
        for step in path.iter().rev() {
            for m in &step.matchers().0 {
                let value = match m.kind {
                    MatchType::Equal => Some(m.value.clone()),
                    MatchType::Regexp => first_literal_alternative(&m.value),
                    MatchType::NotEqual | MatchType::NotRegexp => None,
                };
                if let Some(value) = value.filter(|v| m.matches(v)) {
                    labels.insert(m.name.clone(), value);
                }
            }
        }
        labels
    }

    fn notification(
        &self,
        node: &RouteNode,
        group_labels: LabelSet,
        mut alerts: Vec<Alert>,
        now: Timestamp,
    ) -> Notification {
        // As the dispatcher hands them over: sorted, firing ends hidden.
        alerts.sort_by(|a, b| notification_order(&a.labels, &b.labels));
        for alert in &mut alerts {
            if !alert.resolved_at(now) {
                alert.ends_at = Time::ZERO;
            }
        }
        let options = node.options();
        let any_firing = alerts.iter().any(|a| !a.resolved_at(now));
        let ctx = NotifyContext {
            flush: FlushContext {
                now,
                group_key: format!("{}:{}", node.key(), group_labels),
                group_labels,
                route_labels: options
                    .labels
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
                receiver: self.receiver.clone(),
                route_id: node.id().to_owned(),
                group_interval: options.group_interval,
                repeat_interval: options.repeat_interval,
                mute_time_intervals: options.mute_time_intervals.clone(),
                active_time_intervals: options.active_time_intervals.clone(),
                timeout: options.group_interval.max(MIN_FLUSH_TIMEOUT),
            },
            // What the dedup stage says for a group never notified before
            // (firing), or one whose alerts all resolved since.
            notification_reason: if any_firing {
                "first notification"
            } else {
                "all alerts resolved"
            }
            .to_owned(),
            receiver_data: Default::default(),
        };
        Notification { ctx, alerts }
    }
}

fn add_to_group(groups: &mut Vec<(usize, LabelSet, Vec<Alert>)>, node: &RouteNode, alert: Alert) {
    let group_labels = node.group_labels(&alert.labels);
    match groups
        .iter_mut()
        .find(|(index, labels, _)| *index == node.index() && *labels == group_labels)
    {
        Some((_, _, alerts)) => alerts.push(alert),
        None => groups.push((node.index(), group_labels, vec![alert])),
    }
}

/// `a` for `a|b|c` when `a` is a plain word; `None` for anything fancier.
fn first_literal_alternative(pattern: &str) -> Option<String> {
    let first = pattern.split('|').next()?;
    let plain = !first.is_empty()
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '/' | ' '));
    plain.then(|| first.to_owned())
}

/// The configuration, printing its warnings; every problem when it fails.
pub fn load_config(path: &Path) -> anyhow::Result<Config> {
    match tocsin_config::load_file(path) {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                eprintln!("{warning}");
            }
            Ok(loaded.config)
        }
        Err(failure) => {
            for d in &failure.diagnostics {
                eprintln!("{d}");
            }
            Err(anyhow!("{}", failure.first_upstream_message()))
        }
    }
}

/// The built-in templates plus the configuration's `templates:` globs.
pub fn load_templates(config: &Config) -> anyhow::Result<Arc<Templates>> {
    let globs: Vec<PathBuf> = config.templates.iter().map(PathBuf::from).collect();
    let templates = Templates::from_globs(&globs).context("cannot load the templates")?;
    Ok(Arc::new(templates))
}

/// `--web.external-url`, else upstream's default `http://<hostname>:9093`.
pub fn external_url(flag: Option<&str>) -> String {
    match flag {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|h| h.trim().to_owned())
                .ok()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "localhost".to_owned());
            format!("http://{host}:9093")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_alternatives_only() {
        assert_eq!(
            first_literal_alternative("mysql|postgres").as_deref(),
            Some("mysql")
        );
        assert_eq!(first_literal_alternative("web"), Some("web".into()));
        assert_eq!(first_literal_alternative("db.*"), None);
        assert_eq!(first_literal_alternative("|x"), None);
    }
}
