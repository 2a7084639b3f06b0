//! The `tocsin alertmanager` server: a drop-in for Alertmanager 0.34's
//! process (upstream `app/`), wiring the finished crates together.
//!
//! [`run`] follows upstream's start-up order: signals first (so an early
//! SIGHUP or SIGTERM is handled, not fatal), the configuration, the
//! long-lived state (alert store, silences, notification log, group
//! marker), the listeners and external URL, the first [`core::Core`]
//! generation, the HTTP API, the upkeep tasks; then it serves until SIGTERM
//! or SIGINT, reloading on SIGHUP and `POST /-/reload`. Shutdown stops
//! accepting connections, lets in-flight requests and notifications finish
//! (a few seconds at most), stops the dispatcher and returns.
//!
//! Silences and the notification log are opened from `--storage.path`
//! (`tocsin_alerting::persist`): every acknowledged change is on disk, in
//! upstream's file format, and the files are flushed at shutdown.
//!
//! Not here: clustering (the flags are validated, the status reports
//! `disabled`) and the UI.

mod config_hash;
mod convert;
mod core;
mod drain;
mod generation;
mod integrations;
mod listen;
pub mod logging;
mod maintenance;
mod route_labels;
pub mod settings;
mod telemetry;
mod time_intervals;

use std::sync::{Arc, Weak};
use std::time::Duration;

use tocsin_alerting::clock::Clock;
use tocsin_alerting::persist::{self, PersistOptions};
use tocsin_alerting::pipeline::GroupMarker;
use tocsin_alerting::silence::SilencesOptions;
use tocsin_alerting::store::{AlertStore, StoreOptions};
use tocsin_api::{AlertmanagerMetrics, ApiOptions, ServeOptions, VersionInfo, WebConfigFile};
use tocsin_config::LoadOptions;
use tocsin_notify::IntegrationEnv;
use tokio::signal::unix::{SignalKind, signal};

use self::core::{Core, CoreParts};
use self::drain::FlushGate;
use self::generation::SharedParts;
use self::maintenance::Maintenance;
use self::settings::Settings;

/// How long shutdown waits for in-flight HTTP requests, then for
/// in-flight notifications (upstream's `shutdownTimeout`).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why the server could not start (or stopped abnormally).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("error loading configuration file: {0}")]
    Config(String),
    #[error("failed to apply initial configuration: {0}")]
    Apply(String),
    #[error("{0}")]
    Listen(String),
    #[error("failed to determine external URL: {0}")]
    ExternalUrl(String),
    #[error("{0}")]
    WebConfig(#[from] tocsin_api::WebConfigError),
    #[error("installing signal handlers: {0}")]
    Signals(std::io::Error),
    #[error("HTTP listener failed: {0}")]
    Serve(String),
    #[error("opening state in --storage.path: {0}")]
    Storage(String),
}

/// Build information as `GET /api/v2/status` and `alertmanager_build_info`
/// report it: tocsin's own version (not the upstream version it mirrors).
pub fn version_info() -> VersionInfo {
    VersionInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        revision: option_env!("TOCSIN_BUILD_REVISION")
            .unwrap_or("unknown")
            .to_owned(),
        branch: option_env!("TOCSIN_BUILD_BRANCH")
            .unwrap_or("unknown")
            .to_owned(),
        build_user: option_env!("TOCSIN_BUILD_USER")
            .unwrap_or("unknown")
            .to_owned(),
        build_date: option_env!("TOCSIN_BUILD_DATE")
            .unwrap_or("unknown")
            .to_owned(),
        go_version: option_env!("TOCSIN_RUSTC_VERSION")
            .unwrap_or("unknown")
            .to_owned(),
    }
}

fn log_start(settings: &Settings, version: &VersionInfo) {
    tracing::info!(
        version = %format!(
            "(version={}, branch={}, revision={})",
            version.version, version.branch, version.revision
        ),
        "Starting Alertmanager"
    );
    tracing::info!(
        build_context = %format!(
            "(rust={}, platform={}/{}, user={}, date={})",
            version.go_version,
            std::env::consts::OS,
            std::env::consts::ARCH,
            version.build_user,
            version.build_date
        ),
        "Build context"
    );
    for feature in &settings.features.enabled {
        match feature.as_str() {
            "classic-mode" => tracing::warn!("Classic mode enabled"),
            "utf8-strict-mode" => tracing::warn!("UTF-8 strict mode enabled"),
            other => {
                tracing::warn!(feature = %other, "feature accepted but not implemented by tocsin; ignored")
            }
        }
    }
    if settings.cluster.requested() {
        if settings.cluster.peers.is_empty() {
            tracing::info!(
                listen_address = %settings.cluster.listen_address,
                "clustering is not implemented yet: tocsin runs as a single instance and reports cluster status \"disabled\" (pass --cluster.listen-address= to silence this)"
            );
        } else {
            tracing::warn!(
                peers = %settings.cluster.peers.join(","),
                "clustering is not implemented yet: tocsin runs as a single instance, does not gossip with the given peers, and reports cluster status \"disabled\"; notifications are NOT deduplicated across replicas"
            );
        }
    }
    tracing::info!(
        storage_path = %settings.storage_path.display(),
        "silences and the notification log are persisted on every change"
    );
}

/// Waits for SIGTERM or SIGINT while reloading on SIGHUP.
async fn wait_for_shutdown(
    core: Weak<Core>,
    mut hangup: tokio::signal::unix::Signal,
    mut terminate: tokio::signal::unix::Signal,
    mut interrupt: tokio::signal::unix::Signal,
) {
    loop {
        tokio::select! {
            _ = hangup.recv() => {
                let Some(core) = core.upgrade() else { return };
                if let Err(e) = core.reload_config().await {
                    tracing::error!(err = %e, "configuration reload failed");
                }
            }
            _ = terminate.recv() => return,
            _ = interrupt.recv() => return,
        }
    }
}

/// Runs the server until SIGTERM/SIGINT; `Ok` after a graceful shutdown.
pub async fn run(settings: Settings) -> Result<(), ServerError> {
    let hangup = signal(SignalKind::hangup()).map_err(ServerError::Signals)?;
    let terminate = signal(SignalKind::terminate()).map_err(ServerError::Signals)?;
    let interrupt = signal(SignalKind::interrupt()).map_err(ServerError::Signals)?;
    // reqwest is built without a default TLS provider. Installing fails only
    // when one is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let version = version_info();
    log_start(&settings, &version);
    let clock = Clock::system();
    let started = clock.now();

    let load_options = LoadOptions {
        matcher_mode: settings.features.matcher_mode,
        ..LoadOptions::default()
    };
    let config =
        core::load_config(&settings.config_file, &load_options).map_err(ServerError::Config)?;

    let metrics = AlertmanagerMetrics::new(&version);
    metrics.cluster_enabled.set(0.0);
    metrics
        .alerts_per_alert_limit
        .set(settings.per_alertname_limit as f64);
    // Silences and the notification log live in --storage.path in
    // upstream's file format; every acknowledged change is on disk.
    std::fs::create_dir_all(&settings.storage_path)
        .map_err(|e| ServerError::Storage(format!("{}: {e}", settings.storage_path.display())))?;
    let persist_options = PersistOptions::default();
    let opened_nflog = persist::open_nflog(
        &settings.storage_path,
        settings.retention,
        clock,
        &persist_options,
    )
    .map_err(|e| ServerError::Storage(e.to_string()))?;
    let opened_silences = persist::open_silences(
        &settings.storage_path,
        SilencesOptions {
            retention: settings.retention,
            max_silences: settings.max_silences,
            max_silence_size_bytes: settings.max_silence_size_bytes,
            matcher_mode: settings.features.matcher_mode,
        },
        clock,
        &persist_options,
    )
    .map_err(|e| ServerError::Storage(e.to_string()))?;
    let nflog = Arc::new(opened_nflog.store);
    let silences = Arc::new(opened_silences.store);
    let state_files = [opened_silences.file, opened_nflog.file];
    let store = Arc::new(AlertStore::new(
        clock,
        StoreOptions {
            per_alertname_limit: settings.per_alertname_limit,
        },
    ));

    let web_config = match &settings.web_config_file {
        Some(path) => Some(WebConfigFile::open(path)?),
        None => None,
    };
    let listeners = listen::bind_all(&settings.listen_addresses)
        .await
        .map_err(ServerError::Listen)?;
    let first_port = listeners
        .first()
        .and_then(|l| l.local_addr().ok())
        .map_or(0, |a| a.port());
    let external_url = listen::external_url(settings.external_url.as_deref(), first_port)
        .map_err(ServerError::ExternalUrl)?;
    let route_prefix = listen::route_prefix(settings.route_prefix.as_deref(), &external_url);
    tracing::debug!(external_url = %external_url, route_prefix = %route_prefix, "app setup");

    let gate = Arc::new(FlushGate::default());
    let start_delay = settings.dispatch_start_delay;
    let core = Core::new(
        CoreParts {
            config_file: settings.config_file.clone(),
            matcher_mode: settings.features.matcher_mode,
            shared: SharedParts {
                store,
                silences,
                nflog,
                group_marker: Arc::new(GroupMarker::new()),
                clock,
                metrics: Arc::new(telemetry::PipelineTelemetry(Arc::clone(&metrics))),
                gate: Arc::clone(&gate),
                start_at: (!start_delay.is_zero())
                    .then(|| started.checked_add(start_delay).ok())
                    .flatten(),
                dispatch_maintenance_interval: settings.dispatch_maintenance_interval,
            },
            metrics: Arc::clone(&metrics),
            env: IntegrationEnv {
                external_url: external_url.to_string(),
                user_agent: tocsin_notify::env::DEFAULT_USER_AGENT.to_owned(),
                clock,
            },
            version,
            started,
            log_silences: settings.log_silences,
        },
        config,
    )
    .await
    .map_err(ServerError::Apply)?;
    install_state_gauges(&core, &metrics);
    let maintenance = Maintenance::start(
        &core,
        Arc::clone(&metrics),
        settings.alerts_gc_interval,
        settings.maintenance_interval,
    );

    let router = tocsin_api::router(
        Arc::clone(&core) as Arc<dyn tocsin_api::AlertmanagerCore>,
        Arc::clone(&metrics),
        ApiOptions {
            route_prefix,
            get_concurrency: settings.get_concurrency,
            timeout: settings.web_timeout,
            matcher_mode: settings.features.matcher_mode,
        },
    );
    let (stop_serving, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(tocsin_api::serve(
        listeners,
        router,
        ServeOptions {
            web_config,
            grace_period: SHUTDOWN_GRACE,
        },
        async move {
            let _ = stopped.await;
        },
    ));

    let outcome = tokio::select! {
        () = wait_for_shutdown(Arc::downgrade(&core), hangup, terminate, interrupt) => Ok(()),
        served = &mut server => Err(ServerError::Serve(match served {
            Ok(Ok(())) => "stopped unexpectedly".to_owned(),
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        })),
    };
    tracing::info!("Shutting down gracefully");
    let _ = stop_serving.send(());
    if !server.is_finished() {
        let _ = server.await;
    }
    gate.close();
    if !gate.drained(SHUTDOWN_GRACE).await {
        tracing::warn!("notifications still in flight after the grace period; cancelling them");
    }
    maintenance.stop();
    core.stop().await;
    for file in state_files {
        let path = file.path().display().to_string();
        if let Err(e) = file.close() {
            tracing::error!(file = %path, err = %e, "failed to flush state file");
        }
    }
    outcome
}

/// `alertmanager_alerts{state}`, `alertmanager_silences{state}` and the
/// aggregation-group gauge, computed when `/metrics` is scraped.
fn install_state_gauges(core: &Arc<Core>, metrics: &Arc<AlertmanagerMetrics>) {
    let weak = Arc::downgrade(core);
    let groups_gauge = Arc::clone(&metrics.dispatcher_aggregation_groups);
    metrics.alerts_by_state.set(Box::new(move || {
        let Some(core) = weak.upgrade() else {
            return Vec::new();
        };
        // Rendered after this family (registration order), so the gauge is
        // current in the same scrape.
        groups_gauge.set(core.current().dispatcher.group_count() as f64);
        let (active, suppressed) = core.alerts_by_state();
        vec![
            (vec!["active".to_owned()], active as f64),
            (vec!["suppressed".to_owned()], suppressed as f64),
            (vec!["unprocessed".to_owned()], 0.0),
        ]
    }));
    let weak = Arc::downgrade(core);
    metrics.silences_by_state.set(Box::new(move || {
        let Some(core) = weak.upgrade() else {
            return Vec::new();
        };
        let counts = core.silences_store().count_states(core.clock().now());
        vec![
            (vec!["active".to_owned()], counts.active as f64),
            (vec!["expired".to_owned()], counts.expired as f64),
            (vec!["pending".to_owned()], counts.pending as f64),
        ]
    }));
}
