//! [`Core`]: the alerting core of one running server, as the HTTP API sees
//! it ([`AlertmanagerCore`]). It owns the long-lived state (alert store,
//! silences, notification log, group marker) and the current
//! [`Generation`], and applies configurations: [`Core::reload`] re-reads
//! the file, builds the new generation's [`Blueprint`] (a failure changes
//! nothing but the `last_reload_successful` gauge), stops the old
//! dispatcher and starts the new one over the same store (upstream
//! `config.Coordinator.Reload` + `app/reloader.go`).
//!
//! Alert statuses are predicted at query time from the silences and the
//! current inhibitor, as upstream's API does.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::clock::Clock;
use tocsin_alerting::nflog::NotificationLog;
use tocsin_alerting::silence::{SilenceState, Silences};
use tocsin_alerting::store::AlertStore;
use tocsin_api::{
    AlertGroup, AlertState, AlertStatus, AlertmanagerCore, AlertmanagerMetrics, ClusterState,
    ClusterStatus, CoreError, CoreFuture, DateTime, NewSilence, Receiver, RoutedAlert, Silence,
    SilenceError, Status, VersionInfo,
};
use tocsin_config::{Config, LoadOptions};
use tocsin_model::matcher::ParseMode;
use tocsin_model::{LabelView, PackedLabels};
use tocsin_notify::IntegrationEnv;

use super::convert;
use super::generation::{Blueprint, Generation, SharedParts};
use super::telemetry;

/// What [`Core::new`] needs besides the first configuration.
pub struct CoreParts {
    pub config_file: PathBuf,
    pub matcher_mode: ParseMode,
    pub shared: SharedParts,
    pub metrics: Arc<AlertmanagerMetrics>,
    pub env: IntegrationEnv,
    pub version: VersionInfo,
    pub started: Timestamp,
    pub log_silences: bool,
}

/// The running alerting core.
pub struct Core {
    config_file: PathBuf,
    load_options: LoadOptions,
    shared: SharedParts,
    metrics: Arc<AlertmanagerMetrics>,
    env: IntegrationEnv,
    version: VersionInfo,
    started: Timestamp,
    log_silences: bool,
    current: RwLock<Arc<Generation>>,
    /// One reload at a time.
    reloading: tokio::sync::Mutex<()>,
}

/// Reads and validates the configuration file, logging what upstream logs.
pub fn load_config(path: &PathBuf, options: &LoadOptions) -> Result<Config, String> {
    match tocsin_config::load_file_with(path, options) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                tracing::warn!(
                    file = %format!("{}:{}:{}", w.path, w.line, w.column),
                    warning = %w.message,
                    hint = %w.hint.as_deref().unwrap_or(""),
                    "configuration warning"
                );
            }
            Ok(loaded.config)
        }
        Err(failure) => {
            for d in failure.diagnostics.iter().filter(|d| d.is_error()) {
                tracing::debug!(
                    file = %format!("{}:{}:{}", d.path, d.line, d.column),
                    err = %d.message,
                    hint = %d.hint.as_deref().unwrap_or(""),
                    "configuration problem"
                );
            }
            Err(failure.first_upstream_message())
        }
    }
}

fn log_blueprint(blueprint: &Blueprint) {
    for (receiver, reason) in &blueprint.unavailable {
        tracing::warn!(
            receiver = %receiver,
            err = %reason,
            "integration cannot send; its notifications will fail"
        );
    }
    for node in blueprint.tree.nodes() {
        let options = node.options();
        if options.repeat_interval < options.group_interval {
            tracing::warn!(
                repeat_interval = %tocsin_model::GoDuration(options.repeat_interval),
                group_interval = %tocsin_model::GoDuration(options.group_interval),
                route = %node.key(),
                "repeat_interval is less than group_interval. Notifications will not repeat until the next group_interval."
            );
        }
    }
}

impl Core {
    /// Applies `config` (already loaded) and returns the running core.
    pub async fn new(parts: CoreParts, config: Config) -> Result<Arc<Core>, String> {
        let blueprint = Blueprint::build(config, &parts.env).map_err(|e| e.to_string())?;
        log_blueprint(&blueprint);
        let file_text = blueprint.config.original.clone();
        let counts = blueprint.counts;
        let generation = Generation::start(blueprint, &parts.shared).await;
        telemetry::record_reload_success(
            &parts.metrics,
            &file_text,
            counts,
            parts.shared.clock.now(),
        );
        Ok(Arc::new(Core {
            config_file: parts.config_file,
            load_options: LoadOptions {
                matcher_mode: parts.matcher_mode,
                ..LoadOptions::default()
            },
            shared: parts.shared,
            metrics: parts.metrics,
            env: parts.env,
            version: parts.version,
            started: parts.started,
            log_silences: parts.log_silences,
            current: RwLock::new(Arc::new(generation)),
            reloading: tokio::sync::Mutex::new(()),
        }))
    }

    /// The generation running now.
    pub fn current(&self) -> Arc<Generation> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn clock(&self) -> Clock {
        self.shared.clock
    }

    pub fn store(&self) -> &Arc<AlertStore> {
        &self.shared.store
    }

    pub fn silences_store(&self) -> &Arc<Silences> {
        &self.shared.silences
    }

    pub fn nflog(&self) -> &Arc<NotificationLog> {
        &self.shared.nflog
    }

    /// Re-reads the configuration file and applies it; on failure the
    /// running configuration stays and the error is returned.
    pub async fn reload_config(&self) -> Result<(), String> {
        let _one_at_a_time = self.reloading.lock().await;
        let path = self.config_file.clone();
        tracing::info!(file = %path.display(), "Loading configuration file");
        let options = self.load_options.clone();
        let loaded = tokio::task::spawn_blocking(move || load_config(&path, &options))
            .await
            .unwrap_or_else(|e| Err(format!("loading the configuration panicked: {e}")));
        let config = match loaded {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(file = %self.config_file.display(), err = %e, "Loading configuration file failed");
                telemetry::record_reload_failure(&self.metrics);
                return Err(e);
            }
        };
        tracing::info!(file = %self.config_file.display(), "Completed loading of configuration file");
        let blueprint = match Blueprint::build(config, &self.env) {
            Ok(b) => b,
            Err(e) => {
                let e = e.to_string();
                tracing::error!(
                    file = %self.config_file.display(),
                    err = %e,
                    "one or more config change subscribers failed to apply new config"
                );
                telemetry::record_reload_failure(&self.metrics);
                return Err(e);
            }
        };
        log_blueprint(&blueprint);
        let file_text = blueprint.config.original.clone();
        let counts = blueprint.counts;
        self.current().stop().await;
        let generation = Arc::new(Generation::start(blueprint, &self.shared).await);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = generation;
        telemetry::record_reload_success(
            &self.metrics,
            &file_text,
            counts,
            self.shared.clock.now(),
        );
        Ok(())
    }

    /// Stops the current generation (at shutdown).
    pub async fn stop(&self) {
        self.current().stop().await;
    }

    /// The predicted status of an alert with `labels` at `now`.
    fn status_at<L: LabelView>(
        &self,
        generation: &Generation,
        labels: &L,
        now: Timestamp,
    ) -> AlertStatus {
        let silenced_by = self.shared.silences.silenced_by(labels, now);
        let inhibited_by: Vec<String> = generation
            .inhibitor
            .inhibited_by(labels, now)
            .map(|fp| fp.to_string())
            .into_iter()
            .collect();
        let state = if silenced_by.is_empty() && inhibited_by.is_empty() {
            AlertState::Active
        } else {
            AlertState::Suppressed
        };
        AlertStatus {
            state,
            silenced_by,
            inhibited_by,
        }
    }

    /// `alertmanager_alerts{state}`: alerts of the current dispatcher's
    /// groups, not resolved, each counted once with its strongest state
    /// (suppressed > active). tocsin predicts states at scrape time, so
    /// `unprocessed` is always 0.
    pub fn alerts_by_state(&self) -> (usize, usize) {
        let generation = self.current();
        let now = self.shared.clock.now();
        let mut seen: std::collections::HashMap<tocsin_model::Fingerprint, bool> =
            std::collections::HashMap::new();
        for group in generation.dispatcher.groups(|_| true) {
            let muted = !self
                .shared
                .group_marker
                .muted_by(&group.route_id, &group.group_key)
                .is_empty();
            for alert in &group.alerts {
                if alert.resolved_at(now) {
                    continue;
                }
                let fp = alert.fingerprint();
                if seen.get(&fp).copied().unwrap_or(false) {
                    continue;
                }
                let suppressed = muted
                    || self.status_at(&generation, &alert.labels(), now).state
                        == AlertState::Suppressed;
                seen.insert(fp, suppressed);
            }
        }
        let suppressed = seen.values().filter(|s| **s).count();
        (seen.len() - suppressed, suppressed)
    }
}

impl AlertmanagerCore for Core {
    fn now(&self) -> Timestamp {
        self.shared.clock.now()
    }

    fn resolve_timeout(&self) -> Duration {
        self.current().config.global.resolve_timeout.0
    }

    fn put_alerts(&self, alerts: Vec<tocsin_api::Alert>) -> CoreFuture<'_, Result<(), CoreError>> {
        Box::pin(async move {
            let report = self
                .shared
                .store
                .put_packed(alerts.iter().map(convert::stored_alert).collect());
            if !report.limited.is_empty() {
                self.metrics
                    .alerts_limited
                    .with(&[])
                    .inc_by(report.limited.len() as u64);
                for (fingerprint, alertname) in &report.limited {
                    tracing::warn!(
                        alert = %fingerprint,
                        alertname = %alertname,
                        "alerts limited: per-alertname limit reached, alert dropped"
                    );
                }
            }
            Ok(())
        })
    }

    fn alerts(&self) -> CoreFuture<'_, Result<Vec<RoutedAlert>, CoreError>> {
        Box::pin(async move {
            let tree = Arc::clone(&self.current().tree);
            Ok(self
                .shared
                .store
                .list()
                .iter()
                .map(|stored| {
                    let labels = stored.labels();
                    RoutedAlert {
                        receivers: tree
                            .match_labels(&labels)
                            .iter()
                            .map(|node| node.receiver().to_owned())
                            .collect(),
                        alert: convert::api_alert(stored),
                        fingerprint: stored.fingerprint(),
                    }
                })
                .collect())
        })
    }

    fn alert_groups(&self) -> CoreFuture<'_, Result<Vec<AlertGroup>, CoreError>> {
        Box::pin(async move {
            let generation = self.current();
            generation.dispatcher.wait_loaded().await;
            Ok(generation
                .dispatcher
                .groups(|_| true)
                .into_iter()
                .map(|g| AlertGroup {
                    muted_by: self.shared.group_marker.muted_by(&g.route_id, &g.group_key),
                    labels: g.group_labels,
                    route_labels: g.route_labels,
                    receiver: g.receiver,
                    alerts: g.alerts.iter().map(|a| convert::api_alert(a)).collect(),
                })
                .collect())
        })
    }

    fn alert_status(&self, labels: PackedLabels<'_>) -> AlertStatus {
        self.status_at(&self.current(), &labels, self.shared.clock.now())
    }

    /// No silence stored and no inhibition rule configured: `status_at`
    /// finds nothing for any label set.
    fn all_statuses_active(&self) -> bool {
        self.shared.silences.is_empty() && self.current().config.inhibit_rules.is_empty()
    }

    fn silences(&self) -> CoreFuture<'_, Result<Vec<Silence>, CoreError>> {
        Box::pin(async move {
            let all = [
                SilenceState::Active,
                SilenceState::Pending,
                SilenceState::Expired,
            ];
            self.shared
                .silences
                .query(&all, &[], self.shared.clock.now())
                .into_iter()
                .map(convert::api_silence)
                .collect()
        })
    }

    fn silence(&self, id: &str) -> CoreFuture<'_, Result<Option<Silence>, CoreError>> {
        let found = self.shared.silences.get(id);
        Box::pin(async move { found.map(convert::api_silence).transpose() })
    }

    fn set_silence(&self, silence: NewSilence) -> CoreFuture<'_, Result<String, SilenceError>> {
        Box::pin(async move {
            let result = self.shared.silences.set(convert::core_silence(silence));
            if self.log_silences
                && let Ok(id) = &result
            {
                tracing::info!(id = %id, "Silence set");
            }
            result.map_err(convert::silence_error)
        })
    }

    fn expire_silence(&self, id: &str) -> CoreFuture<'_, Result<(), SilenceError>> {
        let id = id.to_owned();
        Box::pin(async move {
            let result = self.shared.silences.expire(&id);
            if self.log_silences && result.is_ok() {
                tracing::info!(id = %id, "Silence expired");
            }
            result.map_err(convert::silence_error)
        })
    }

    fn receivers(&self) -> Vec<Receiver> {
        self.current()
            .config
            .receivers
            .iter()
            .map(|r| Receiver {
                name: r.name.clone(),
                labels: r
                    .labels
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
            })
            .collect()
    }

    fn status(&self) -> Status {
        Status {
            cluster: ClusterStatus {
                name: None,
                state: ClusterState::Disabled,
                peers: Vec::new(),
            },
            version: self.version.clone(),
            config_original: self.current().config_yaml.clone(),
            uptime: DateTime::utc(self.started),
        }
    }

    fn reload(&self) -> CoreFuture<'_, Result<(), String>> {
        Box::pin(self.reload_config())
    }
}
