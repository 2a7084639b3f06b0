//! One configuration's share of the running server (upstream
//! `app/reloader.go`): the routing tree, the receivers' notifiers, the
//! time intervals, the inhibitor (fed by its own store subscription) and
//! the dispatcher with its pipeline.
//!
//! [`Blueprint::build`] does everything that can fail and touches nothing
//! running; [`Generation::start`] cannot fail. A reload builds the new
//! blueprint first, so a bad configuration leaves the old generation
//! running untouched.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::clock::Clock;
use tocsin_alerting::dispatch::{Dispatcher, DispatcherOptions};
use tocsin_alerting::inhibit::Inhibitor;
use tocsin_alerting::nflog::NotificationLog;
use tocsin_alerting::notifier::Notifier;
use tocsin_alerting::pipeline::{
    GroupMarker, Pipeline, PipelineMetrics, PipelineParts, TimeIntervals,
};
use tocsin_alerting::route::RouteTree;
use tocsin_alerting::silence::Silences;
use tocsin_alerting::store::AlertStore;
use tocsin_config::Config;
use tocsin_notify::IntegrationEnv;
use tokio::task::JoinHandle;

use super::drain::{FlushGate, GatedFlush};
use super::integrations;
use super::route_labels::TemplateRouteLabels;
use super::telemetry::ConfigCounts;
use super::time_intervals;
use tocsin_alerting::dispatch::RouteLabelRenderer;
use tocsin_notify::template::Templates;

/// Why a configuration cannot be applied (the reload error text).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Route(#[from] tocsin_alerting::route::RouteTreeError),
    #[error("{0}")]
    Integration(#[from] integrations::ReceiverError),
    #[error("{0}")]
    Templates(#[from] tocsin_notify::template::TemplateError),
}

/// Everything built from one configuration, not yet running.
pub struct Blueprint {
    pub config: Arc<Config>,
    /// `config.original` of `GET /api/v2/status`.
    pub config_yaml: String,
    pub tree: Arc<RouteTree>,
    notifiers: HashMap<String, Vec<Arc<dyn Notifier>>>,
    time_intervals: TimeIntervals,
    route_labels: Arc<dyn RouteLabelRenderer>,
    pub counts: ConfigCounts,
    /// `(receiver, reason)` for integrations that cannot send.
    pub unavailable: Vec<(String, String)>,
}

impl Blueprint {
    pub fn build(config: Config, env: &IntegrationEnv) -> Result<Blueprint, BuildError> {
        let tree = RouteTree::new(&config.route)?;
        let used: BTreeSet<&str> = tree.nodes().iter().map(|n| n.receiver()).collect();
        let globs: Vec<std::path::PathBuf> = config.templates.iter().map(Into::into).collect();
        let templates = Arc::new(Templates::from_globs(&globs)?);
        let built = integrations::build_all(&config.receivers, &used, &templates, env)?;
        let route_labels = Arc::new(TemplateRouteLabels {
            templates,
            external_url: env.external_url.clone(),
            clock: env.clock,
        });
        let time_intervals = time_intervals::build(&config);
        let mut unavailable = Vec::new();
        let mut notifiers = HashMap::with_capacity(built.len());
        let mut integration_count = 0;
        for (name, receiver) in built {
            integration_count += receiver.notifiers.len();
            unavailable.extend(receiver.unavailable.into_iter().map(|r| (name.clone(), r)));
            notifiers.insert(name, receiver.notifiers);
        }
        unavailable.sort();
        let counts = ConfigCounts {
            receivers: used.len(),
            integrations: integration_count,
            inhibition_rules: config.inhibit_rules.len(),
        };
        Ok(Blueprint {
            config_yaml: config.to_yaml(),
            config: Arc::new(config),
            tree: Arc::new(tree),
            notifiers,
            time_intervals,
            route_labels,
            counts,
            unavailable,
        })
    }
}

/// The long-lived parts every generation shares.
pub struct SharedParts {
    pub store: Arc<AlertStore>,
    pub silences: Arc<Silences>,
    pub nflog: Arc<NotificationLog>,
    pub group_marker: Arc<GroupMarker>,
    pub clock: Clock,
    pub metrics: Arc<dyn PipelineMetrics>,
    pub gate: Arc<FlushGate>,
    /// Process start + `--dispatch.start-delay` (`None` without a delay).
    pub start_at: Option<Timestamp>,
    pub dispatch_maintenance_interval: Duration,
}

/// A running configuration.
pub struct Generation {
    pub config: Arc<Config>,
    pub config_yaml: String,
    pub tree: Arc<RouteTree>,
    pub inhibitor: Arc<Inhibitor>,
    pub dispatcher: Dispatcher,
    /// Follows the store for the inhibitor (none without inhibit rules).
    inhibitor_feed: Option<JoinHandle<()>>,
}

impl Generation {
    /// Starts the inhibitor (loaded with every stored alert before the
    /// dispatcher sees any, so nothing inhibited is sent by accident) and
    /// the dispatcher, and waits until the dispatcher has routed the stored
    /// alerts (upstream `WaitForLoading`).
    pub async fn start(blueprint: Blueprint, shared: &SharedParts) -> Generation {
        let inhibitor = Arc::new(Inhibitor::new(&blueprint.config.inhibit_rules));
        // Without rules nothing is inhibited: no need to follow the store.
        let inhibitor_feed = inhibitor.has_rules().then(|| {
            let mut subscription = shared.store.subscribe("inhibitor");
            for alert in subscription.try_recv() {
                inhibitor.observe(&alert);
            }
            let fed = Arc::clone(&inhibitor);
            tokio::spawn(async move {
                loop {
                    for alert in subscription.recv().await {
                        fed.observe(&alert);
                    }
                }
            })
        });
        let pipeline = Pipeline::new(PipelineParts {
            receivers: blueprint.notifiers,
            inhibitor: Arc::clone(&inhibitor),
            silences: Arc::clone(&shared.silences),
            time_intervals: blueprint.time_intervals,
            nflog: Arc::clone(&shared.nflog),
            group_marker: Arc::clone(&shared.group_marker),
            clock: shared.clock,
            metrics: Arc::clone(&shared.metrics),
        });
        let marker = Arc::clone(&shared.group_marker);
        let dispatcher = Dispatcher::start(
            &shared.store,
            Arc::clone(&blueprint.tree),
            Arc::new(GatedFlush {
                inner: pipeline,
                gate: Arc::clone(&shared.gate),
            }),
            shared.clock,
            DispatcherOptions {
                start_at: shared.start_at,
                maintenance_interval: shared.dispatch_maintenance_interval,
                route_labels: Some(blueprint.route_labels),
                on_group_removed: Some(Arc::new(move |route_id: &str, group_key: &str| {
                    marker.delete(route_id, group_key);
                })),
            },
        );
        dispatcher.wait_loaded().await;
        Generation {
            config: blueprint.config,
            config_yaml: blueprint.config_yaml,
            tree: blueprint.tree,
            inhibitor,
            dispatcher,
            inhibitor_feed,
        }
    }

    /// Stops the dispatcher (cancelling flushes in progress) and the
    /// inhibitor's feed.
    pub async fn stop(&self) {
        if let Some(feed) = &self.inhibitor_feed {
            feed.abort();
        }
        self.dispatcher.stop().await;
    }
}

impl Drop for Generation {
    fn drop(&mut self) {
        if let Some(feed) = &self.inhibitor_feed {
            feed.abort();
        }
    }
}
