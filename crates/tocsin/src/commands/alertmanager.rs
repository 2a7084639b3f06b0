//! `tocsin alertmanager`: Alertmanager 0.34's server command line (same
//! flag names, kingpin-style `--a.b` spellings, same defaults), turned into
//! validated [`Settings`] before anything starts. Logging is installed
//! first so that every later failure is a log line, as upstream does
//! (`level=error msg="…" err=…`, exit 1). The server itself lives in
//! [`crate::server`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use tocsin_model::GoDuration;

use crate::server::logging::{self, LogFormat};
use crate::server::settings::{ClusterFlags, Settings, SettingsError};

/// `tocsin alertmanager` flags (upstream `cmd/alertmanager/main.go`).
#[derive(Debug, Args)]
pub struct AlertmanagerArgs {
    /// Alertmanager configuration file name.
    #[arg(
        long = "config.file",
        value_name = "FILE",
        default_value = "alertmanager.yml"
    )]
    pub config_file: PathBuf,

    /// Base path for data storage: silences and the notification log, in
    /// Alertmanager's file format, written on every change.
    #[arg(long = "storage.path", value_name = "PATH", default_value = "data/")]
    pub storage_path: PathBuf,

    /// How long to keep data for.
    #[arg(long = "data.retention", value_name = "DURATION", default_value = "120h", value_parser = go_duration)]
    pub data_retention: i64,

    /// Interval between garbage collection of the silences and the
    /// notification logs.
    #[arg(long = "data.maintenance-interval", value_name = "DURATION", default_value = "15m", value_parser = go_duration)]
    pub data_maintenance_interval: i64,

    /// Maximum number of silences, including expired silences. If negative
    /// or zero, no limit is set.
    #[arg(
        long = "silences.max-silences",
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub silences_max_silences: i64,

    /// Maximum silence size in bytes. If negative or zero, no limit is set.
    #[arg(
        long = "silences.max-silence-size-bytes",
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub silences_max_silence_size_bytes: i64,

    /// Enable logging silences (accepted; tocsin logs silence changes at
    /// debug level).
    #[arg(long = "log.silences")]
    pub log_silences: bool,

    /// Interval between alert GC.
    #[arg(long = "alerts.gc-interval", value_name = "DURATION", default_value = "30m", value_parser = go_duration)]
    pub alerts_gc_interval: i64,

    /// Maximum number of alerts per alertname. If negative or zero, no limit
    /// is set.
    #[arg(
        long = "alerts.per-alertname-limit",
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub alerts_per_alertname_limit: i64,

    /// Interval between maintenance of aggregation groups in the dispatcher.
    #[arg(long = "dispatch.maintenance-interval", value_name = "DURATION", default_value = "30s", value_parser = go_duration)]
    pub dispatch_maintenance_interval: i64,

    /// Minimum amount of time to wait before dispatching alerts.
    #[arg(long = "dispatch.start-delay", value_name = "DURATION", default_value = "0s", value_parser = go_duration)]
    pub dispatch_start_delay: i64,

    /// Addresses on which to expose metrics and the web interface
    /// (repeatable).
    #[arg(
        long = "web.listen-address",
        value_name = "ADDRESS",
        default_value = ":9093"
    )]
    pub web_listen_address: Vec<String>,

    /// Use systemd socket activation listeners instead of port listeners
    /// (not supported by tocsin).
    #[arg(long = "web.systemd-socket")]
    pub web_systemd_socket: bool,

    /// Path to a configuration file that can enable TLS or authentication.
    #[arg(long = "web.config.file", value_name = "FILE", default_value = "")]
    pub web_config_file: String,

    /// The URL under which Alertmanager is externally reachable.
    #[arg(long = "web.external-url", value_name = "URL", default_value = "")]
    pub web_external_url: String,

    /// Prefix for the internal routes of web endpoints. Defaults to the path
    /// of --web.external-url.
    #[arg(long = "web.route-prefix", value_name = "PREFIX", default_value = "")]
    pub web_route_prefix: String,

    /// Maximum number of GET requests processed concurrently. If negative or
    /// zero, the limit is the number of CPUs or 8, whichever is larger.
    #[arg(
        long = "web.get-concurrency",
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub web_get_concurrency: i64,

    /// Timeout for HTTP requests. If negative or zero, no timeout is set.
    #[arg(long = "web.timeout", value_name = "DURATION", default_value = "0", value_parser = go_duration, allow_negative_numbers = true)]
    pub web_timeout: i64,

    /// The ratio of reserved memory (accepted for compatibility; unused).
    #[arg(
        long = "auto-gomemlimit.ratio",
        value_name = "RATIO",
        default_value_t = 0.9
    )]
    pub auto_gomemlimit_ratio: f64,

    /// Listen address for cluster. Set to empty string to disable HA mode
    /// (tocsin always runs as a single instance; see the log at start).
    #[arg(
        long = "cluster.listen-address",
        value_name = "ADDRESS",
        default_value = "0.0.0.0:9094"
    )]
    pub cluster_listen_address: String,

    /// Explicit address to advertise in cluster.
    #[arg(
        long = "cluster.advertise-address",
        value_name = "ADDRESS",
        default_value = ""
    )]
    pub cluster_advertise_address: String,

    /// Explicit name of the peer, rather than generating a random one.
    #[arg(long = "cluster.peer-name", value_name = "NAME", default_value = "")]
    pub cluster_peer_name: String,

    /// Initial peers (may be repeated).
    #[arg(long = "cluster.peer", value_name = "ADDRESS")]
    pub cluster_peer: Vec<String>,

    /// Time to wait between peers to send notifications.
    #[arg(long = "cluster.peer-timeout", value_name = "DURATION", default_value = "15s", value_parser = go_duration)]
    pub cluster_peer_timeout: i64,

    /// Time to resolve peers.
    #[arg(long = "cluster.peers-resolve-timeout", value_name = "DURATION", default_value = "15s", value_parser = go_duration)]
    pub cluster_peers_resolve_timeout: i64,

    /// Interval between sending gossip messages.
    #[arg(long = "cluster.gossip-interval", value_name = "DURATION", default_value = "200ms", value_parser = go_duration)]
    pub cluster_gossip_interval: i64,

    /// Interval for gossip state syncs.
    #[arg(long = "cluster.pushpull-interval", value_name = "DURATION", default_value = "1m0s", value_parser = go_duration)]
    pub cluster_pushpull_interval: i64,

    /// Timeout for establishing a stream connection with a remote node.
    #[arg(long = "cluster.tcp-timeout", value_name = "DURATION", default_value = "10s", value_parser = go_duration)]
    pub cluster_tcp_timeout: i64,

    /// Timeout to wait for an ack from a probed node.
    #[arg(long = "cluster.probe-timeout", value_name = "DURATION", default_value = "500ms", value_parser = go_duration)]
    pub cluster_probe_timeout: i64,

    /// Interval between random node probes.
    #[arg(long = "cluster.probe-interval", value_name = "DURATION", default_value = "1s", value_parser = go_duration)]
    pub cluster_probe_interval: i64,

    /// Maximum time to wait for cluster connections to settle.
    #[arg(long = "cluster.settle-timeout", value_name = "DURATION", default_value = "1m0s", value_parser = go_duration)]
    pub cluster_settle_timeout: i64,

    /// Interval between attempting to reconnect to lost peers.
    #[arg(long = "cluster.reconnect-interval", value_name = "DURATION", default_value = "10s", value_parser = go_duration)]
    pub cluster_reconnect_interval: i64,

    /// Length of time to attempt to reconnect to a lost peer.
    #[arg(long = "cluster.reconnect-timeout", value_name = "DURATION", default_value = "6h0m0s", value_parser = go_duration)]
    pub cluster_reconnect_timeout: i64,

    /// Path to a config file that can enable mutual TLS within the gossip
    /// protocol.
    #[arg(long = "cluster.tls-config", value_name = "FILE", default_value = "")]
    pub cluster_tls_config: String,

    /// Allow alertmanager to discover and listen on a public IP address.
    #[arg(long = "cluster.allow-insecure-public-advertise-address-discovery")]
    pub cluster_allow_insecure_public_advertise_address_discovery: bool,

    /// An optional string to include on each gossip packet and stream.
    #[arg(long = "cluster.label", value_name = "LABEL", default_value = "")]
    pub cluster_label: String,

    /// Comma-separated experimental features to enable: alert-names-in-metrics,
    /// receiver-name-in-metrics, group-key-in-metrics, classic-mode,
    /// utf8-strict-mode, auto-gomemlimit, event-recorder.
    #[arg(long = "enable-feature", value_name = "FEATURES")]
    pub enable_feature: Vec<String>,

    /// Only log messages with the given severity or above.
    #[arg(long = "log.level", value_name = "LEVEL", default_value = "info", value_parser = ["debug", "info", "warn", "error"])]
    pub log_level: String,

    /// Output format of log messages.
    #[arg(long = "log.format", value_name = "FORMAT", default_value = "logfmt", value_parser = ["logfmt", "json"])]
    pub log_format: String,
}

/// Go's `time.ParseDuration`, as a signed nanosecond count.
fn go_duration(s: &str) -> Result<i64, String> {
    GoDuration::parse_nanos(s).map_err(|e| e.to_string())
}

pub fn run(args: AlertmanagerArgs) -> anyhow::Result<ExitCode> {
    let level = match args.log_level.as_str() {
        "debug" => tracing::Level::DEBUG,
        "warn" => tracing::Level::WARN,
        "error" => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    let format = if args.log_format == "json" {
        LogFormat::Json
    } else {
        LogFormat::Logfmt
    };
    logging::install(level, format)?;
    let settings = match settings_from(args) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(err = %e, "invalid command-line flags");
            return Ok(ExitCode::from(1));
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(crate::server::run(settings));
    // Nothing left to wait for once the server has shut down (a blocking
    // DNS lookup of a webhook, say, must not hold the process).
    runtime.shutdown_timeout(Duration::from_millis(500));
    match outcome {
        Ok(()) => {
            tracing::info!("Received shutdown signal, exiting gracefully...");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            tracing::error!(err = %format!("{e:#}"), "alertmanager exited with error");
            Ok(ExitCode::from(1))
        }
    }
}

fn settings_from(a: AlertmanagerArgs) -> Result<Settings, SettingsError> {
    let non_empty = |s: String| Some(s).filter(|s| !s.is_empty());
    Settings::new(
        crate::server::settings::Flags {
            config_file: a.config_file,
            storage_path: a.storage_path,
            retention: a.data_retention,
            maintenance_interval: a.data_maintenance_interval,
            max_silences: a.silences_max_silences,
            max_silence_size_bytes: a.silences_max_silence_size_bytes,
            log_silences: a.log_silences,
            alerts_gc_interval: a.alerts_gc_interval,
            per_alertname_limit: a.alerts_per_alertname_limit,
            dispatch_maintenance_interval: a.dispatch_maintenance_interval,
            dispatch_start_delay: a.dispatch_start_delay,
            listen_addresses: a.web_listen_address,
            systemd_socket: a.web_systemd_socket,
            web_config_file: non_empty(a.web_config_file).map(PathBuf::from),
            external_url: non_empty(a.web_external_url),
            route_prefix: non_empty(a.web_route_prefix),
            get_concurrency: a.web_get_concurrency,
            web_timeout: a.web_timeout,
            features: a.enable_feature,
            auto_gomemlimit_ratio: a.auto_gomemlimit_ratio,
        },
        ClusterFlags {
            listen_address: a.cluster_listen_address,
            advertise_address: a.cluster_advertise_address,
            peer_name: a.cluster_peer_name,
            peers: a.cluster_peer,
            peer_timeout: a.cluster_peer_timeout,
            peers_resolve_timeout: a.cluster_peers_resolve_timeout,
            gossip_interval: a.cluster_gossip_interval,
            pushpull_interval: a.cluster_pushpull_interval,
            tcp_timeout: a.cluster_tcp_timeout,
            probe_timeout: a.cluster_probe_timeout,
            probe_interval: a.cluster_probe_interval,
            reconnect_interval: a.cluster_reconnect_interval,
            reconnect_timeout: a.cluster_reconnect_timeout,
            tls_config: non_empty(a.cluster_tls_config).map(PathBuf::from),
            label: a.cluster_label,
            allow_insecure_advertise: a.cluster_allow_insecure_public_advertise_address_discovery,
        },
    )
}
