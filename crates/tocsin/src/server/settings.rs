//! The validated settings of one `tocsin alertmanager` process: the raw flag
//! values ([`Flags`], [`ClusterFlags`]) checked the way upstream's
//! `app.Options.validate`, `featurecontrol.NewFlags` and the cluster setup
//! check them, with upstream's messages, and turned into typed values.
//!
//! Clustering is not implemented: the cluster flags are accepted and
//! validated (so that upstream command lines keep working), and
//! [`ClusterSettings::requested`] tells the caller whether the user asked
//! for HA, so it can say that tocsin runs as a single instance.

use std::path::PathBuf;
use std::time::Duration;

use tocsin_model::matcher::ParseMode;

/// The flag values of everything but clustering, as parsed (durations are
/// Go's signed nanosecond counts, integers may be negative).
#[derive(Debug)]
pub struct Flags {
    pub config_file: PathBuf,
    pub storage_path: PathBuf,
    pub retention: i64,
    pub maintenance_interval: i64,
    pub max_silences: i64,
    pub max_silence_size_bytes: i64,
    pub log_silences: bool,
    pub alerts_gc_interval: i64,
    pub per_alertname_limit: i64,
    pub dispatch_maintenance_interval: i64,
    pub dispatch_start_delay: i64,
    pub listen_addresses: Vec<String>,
    pub systemd_socket: bool,
    pub web_config_file: Option<PathBuf>,
    pub external_url: Option<String>,
    pub route_prefix: Option<String>,
    pub get_concurrency: i64,
    pub web_timeout: i64,
    pub features: Vec<String>,
    pub auto_gomemlimit_ratio: f64,
}

/// The `--cluster.*` flag values, as parsed.
#[derive(Debug)]
pub struct ClusterFlags {
    pub listen_address: String,
    pub advertise_address: String,
    pub peer_name: String,
    pub peers: Vec<String>,
    pub peer_timeout: i64,
    pub peers_resolve_timeout: i64,
    pub gossip_interval: i64,
    pub pushpull_interval: i64,
    pub tcp_timeout: i64,
    pub probe_timeout: i64,
    pub probe_interval: i64,
    pub reconnect_interval: i64,
    pub reconnect_timeout: i64,
    pub tls_config: Option<PathBuf>,
    pub label: String,
    pub allow_insecure_advertise: bool,
}

/// A flag combination the server cannot start with.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0} must be positive")]
    NotPositive(&'static str),
    #[error("{0} must be positive when clustering is enabled")]
    ClusterNotPositive(&'static str),
    #[error("unknown option '{0}' for --enable-feature")]
    UnknownFeature(String),
    #[error("cannot have both classic and UTF-8 modes enabled")]
    ConflictingModes,
    #[error("--auto-gomemlimit.ratio must be greater than 0 and less than or equal to 1.")]
    MemlimitRatio,
    #[error("at least one --web.listen-address is required")]
    NoListenAddress,
    #[error("--web.systemd-socket is not supported by tocsin; use --web.listen-address")]
    SystemdSocket,
    #[error("{flag}: address {address}: {reason}")]
    Address {
        flag: &'static str,
        address: String,
        reason: &'static str,
    },
    #[error("unable to initialize TLS transport configuration for gossip mesh: {0}")]
    ClusterTls(String),
}

/// Experimental features (`--enable-feature`) and what they change.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Every feature named, in order, for the start-up log.
    pub enabled: Vec<String>,
    /// `classic-mode` / `utf8-strict-mode`, else the fallback parser.
    pub matcher_mode: ParseMode,
}

/// The known feature names (upstream `featurecontrol.AllowedFlags`).
const KNOWN_FEATURES: [&str; 7] = [
    "alert-names-in-metrics",
    "receiver-name-in-metrics",
    "group-key-in-metrics",
    "classic-mode",
    "utf8-strict-mode",
    "auto-gomemlimit",
    "event-recorder",
];

impl Features {
    /// `featurecontrol.NewFlags` over every `--enable-feature` value (each
    /// a comma-separated list; upstream takes one, tocsin joins repeats).
    pub fn parse(values: &[String]) -> Result<Features, SettingsError> {
        let mut features = Features::default();
        for value in values.iter().filter(|v| !v.is_empty()) {
            for name in value.split(',') {
                if !KNOWN_FEATURES.contains(&name) {
                    return Err(SettingsError::UnknownFeature(name.to_owned()));
                }
                features.enabled.push(name.to_owned());
            }
        }
        let classic = features.is_enabled("classic-mode");
        let strict = features.is_enabled("utf8-strict-mode");
        features.matcher_mode = match (classic, strict) {
            (true, true) => return Err(SettingsError::ConflictingModes),
            (true, false) => ParseMode::Classic,
            (false, true) => ParseMode::Utf8Strict,
            (false, false) => ParseMode::Fallback,
        };
        Ok(features)
    }

    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.iter().any(|f| f == name)
    }
}

/// The cluster flags after validation. tocsin never gossips; these are kept
/// to report what was asked for.
#[derive(Clone, Debug)]
pub struct ClusterSettings {
    /// `--cluster.listen-address`; empty disables HA.
    pub listen_address: String,
    pub peers: Vec<String>,
}

impl ClusterSettings {
    /// Whether the flags ask for HA (a non-empty listen address, upstream's
    /// default).
    pub fn requested(&self) -> bool {
        !self.listen_address.is_empty()
    }
}

/// Everything the server needs from the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    pub config_file: PathBuf,
    pub storage_path: PathBuf,
    pub retention: Duration,
    pub maintenance_interval: Duration,
    /// 0 = unlimited.
    pub max_silences: usize,
    /// 0 = unlimited.
    pub max_silence_size_bytes: usize,
    pub log_silences: bool,
    pub alerts_gc_interval: Duration,
    /// 0 = unlimited.
    pub per_alertname_limit: usize,
    pub dispatch_maintenance_interval: Duration,
    pub dispatch_start_delay: Duration,
    pub listen_addresses: Vec<ListenAddress>,
    pub web_config_file: Option<PathBuf>,
    pub external_url: Option<String>,
    pub route_prefix: Option<String>,
    /// 0 = max(CPUs, 8).
    pub get_concurrency: usize,
    /// Zero = none.
    pub web_timeout: Duration,
    pub features: Features,
    pub cluster: ClusterSettings,
}

/// A `host:port` listen address split as Go's `net.SplitHostPort` does
/// (an empty host means every interface).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenAddress {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `net.SplitHostPort` plus a numeric port check; errors are Go's reasons.
pub fn split_host_port(address: &str) -> Result<ListenAddress, &'static str> {
    let Some(colon) = address.rfind(':') else {
        return Err("missing port in address");
    };
    let (host_part, port) = (&address[..colon], &address[colon + 1..]);
    let host = if let Some(inner) = host_part.strip_prefix('[') {
        match inner.strip_suffix(']') {
            Some(h) if !h.contains(['[', ']']) => h,
            _ => return Err("missing ']' in address"),
        }
    } else {
        if host_part.contains(':') {
            return Err("too many colons in address");
        }
        if host_part.contains(['[', ']']) {
            return Err("unexpected '[' in address");
        }
        host_part
    };
    let port = port.parse::<u16>().map_err(|_| "invalid port")?;
    Ok(ListenAddress {
        host: host.to_owned(),
        port,
    })
}

fn positive(nanos: i64, name: &'static str) -> Result<Duration, SettingsError> {
    match u64::try_from(nanos) {
        Ok(n) if n > 0 => Ok(Duration::from_nanos(n)),
        _ => Err(SettingsError::NotPositive(name)),
    }
}

/// Negative means zero (kingpin durations may be negative; upstream treats
/// "negative or zero" alike).
fn non_negative(nanos: i64) -> Duration {
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
}

fn limit(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Settings {
    pub fn new(flags: Flags, cluster: ClusterFlags) -> Result<Settings, SettingsError> {
        let features = Features::parse(&flags.features)?;
        if features.is_enabled("auto-gomemlimit")
            && !(flags.auto_gomemlimit_ratio > 0.0 && flags.auto_gomemlimit_ratio <= 1.0)
        {
            return Err(SettingsError::MemlimitRatio);
        }
        if flags.systemd_socket {
            return Err(SettingsError::SystemdSocket);
        }
        if flags.listen_addresses.is_empty() {
            return Err(SettingsError::NoListenAddress);
        }
        let listen_addresses = flags
            .listen_addresses
            .iter()
            .map(|a| {
                split_host_port(a).map_err(|reason| SettingsError::Address {
                    flag: "--web.listen-address",
                    address: a.clone(),
                    reason,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Settings {
            config_file: flags.config_file,
            storage_path: flags.storage_path,
            retention: positive(flags.retention, "--data.retention")?,
            maintenance_interval: positive(
                flags.maintenance_interval,
                "--data.maintenance-interval",
            )?,
            max_silences: limit(flags.max_silences),
            max_silence_size_bytes: limit(flags.max_silence_size_bytes),
            log_silences: flags.log_silences,
            alerts_gc_interval: positive(flags.alerts_gc_interval, "--alerts.gc-interval")?,
            per_alertname_limit: limit(flags.per_alertname_limit),
            dispatch_maintenance_interval: positive(
                flags.dispatch_maintenance_interval,
                "--dispatch.maintenance-interval",
            )?,
            dispatch_start_delay: non_negative(flags.dispatch_start_delay),
            listen_addresses,
            web_config_file: flags.web_config_file,
            external_url: flags.external_url,
            route_prefix: flags.route_prefix,
            get_concurrency: limit(flags.get_concurrency),
            web_timeout: non_negative(flags.web_timeout),
            features,
            cluster: validate_cluster(cluster)?,
        })
    }
}

/// The checks upstream makes before creating its gossip peer; with an
/// empty listen address nothing is checked (HA disabled).
fn validate_cluster(c: ClusterFlags) -> Result<ClusterSettings, SettingsError> {
    if let Some(path) = &c.tls_config {
        // Upstream reads it even when HA is disabled.
        std::fs::metadata(path)
            .map_err(|e| SettingsError::ClusterTls(format!("open {}: {e}", path.display())))?;
    }
    if c.listen_address.is_empty() {
        return Ok(ClusterSettings {
            listen_address: String::new(),
            peers: Vec::new(),
        });
    }
    let address = |flag: &'static str, a: &str| {
        split_host_port(a)
            .map(|_| ())
            .map_err(|reason| SettingsError::Address {
                flag,
                address: a.to_owned(),
                reason,
            })
    };
    address("--cluster.listen-address", &c.listen_address)?;
    if !c.advertise_address.is_empty() {
        address("--cluster.advertise-address", &c.advertise_address)?;
    }
    for peer in &c.peers {
        address("--cluster.peer", peer)?;
    }
    let checks: [(i64, &'static str); 9] = [
        (c.peer_timeout, "--cluster.peer-timeout"),
        (c.peers_resolve_timeout, "--cluster.peers-resolve-timeout"),
        (c.gossip_interval, "--cluster.gossip-interval"),
        (c.pushpull_interval, "--cluster.pushpull-interval"),
        (c.tcp_timeout, "--cluster.tcp-timeout"),
        (c.probe_timeout, "--cluster.probe-timeout"),
        (c.probe_interval, "--cluster.probe-interval"),
        (c.reconnect_interval, "--cluster.reconnect-interval"),
        (c.reconnect_timeout, "--cluster.reconnect-timeout"),
    ];
    for (value, name) in checks {
        if value <= 0 {
            return Err(SettingsError::ClusterNotPositive(name));
        }
    }
    tracing::debug!(
        peer_name = %c.peer_name,
        label = %c.label,
        allow_insecure_advertise = c.allow_insecure_advertise,
        "cluster flags accepted"
    );
    Ok(ClusterSettings {
        listen_address: c.listen_address,
        peers: c.peers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_split_like_go() {
        assert_eq!(
            split_host_port(":9093"),
            Ok(ListenAddress {
                host: String::new(),
                port: 9093
            })
        );
        assert_eq!(
            split_host_port("[::1]:80").map(|a| a.host),
            Ok("::1".into())
        );
        assert_eq!(split_host_port("localhost"), Err("missing port in address"));
        assert_eq!(split_host_port("::1:80"), Err("too many colons in address"));
        assert_eq!(split_host_port("host:http"), Err("invalid port"));
        assert_eq!(
            split_host_port("[::1]:0").map(|a| a.to_string()),
            Ok("[::1]:0".into())
        );
    }

    #[test]
    fn features_follow_featurecontrol() {
        let f = Features::parse(&["classic-mode,event-recorder".into()]).unwrap();
        assert_eq!(f.matcher_mode, ParseMode::Classic);
        assert!(f.is_enabled("event-recorder"));
        assert_eq!(
            Features::parse(&["nope".into()]).unwrap_err().to_string(),
            "unknown option 'nope' for --enable-feature"
        );
        assert_eq!(
            Features::parse(&["classic-mode".into(), "utf8-strict-mode".into()])
                .unwrap_err()
                .to_string(),
            "cannot have both classic and UTF-8 modes enabled"
        );
        assert_eq!(
            Features::parse(&[String::new()]).unwrap().matcher_mode,
            ParseMode::Fallback
        );
    }
}
