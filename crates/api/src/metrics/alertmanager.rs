//! Alertmanager 0.34's own metrics: names, types, labels, HELP texts and
//! histogram buckets as upstream declares them (`api/`, `app/metrics.go`,
//! `config/coordinator.go`, `dispatch/metric.go`, `notify/metrics.go`,
//! `nflog/nflog.go`, `silence/silence.go`, `provider/mem/mem.go`, the
//! client_golang version collector). Cluster (gossip) metrics are not
//! declared until tocsin has HA.
//!
//! The core gets an `Arc<AlertmanagerMetrics>` and bumps the public
//! handles; values computed at scrape time (alerts by state, silences by
//! state) are installed as callbacks.

use std::sync::Arc;

use super::{
    Collect, Counter, DEFAULT_BUCKETS, Desc, Family, Gauge, GaugeCallback, Histogram,
    ProcessCollector, Registry, Single, Summary,
};
use crate::backend::VersionInfo;

/// Integration names pre-initialised to 0 (upstream `InitializeFor` without
/// the receiver-name feature flag).
pub const INTEGRATIONS: [&str; 18] = [
    "email",
    "pagerduty",
    "wechat",
    "pushover",
    "slack",
    "opsgenie",
    "webhook",
    "victorops",
    "sns",
    "telegram",
    "discord",
    "webex",
    "msteams",
    "msteamsv2",
    "incidentio",
    "jira",
    "rocketchat",
    "mattermost",
];

/// `reason` values of `alertmanager_notifications_failed_total`.
pub const FAILURE_REASONS: [&str; 7] = [
    "other",
    "clientError",
    "serverError",
    "contextCanceled",
    "contextDeadlineExceeded",
    "authError",
    "rateLimited",
];

/// `reason` of `alertmanager_notifications_suppressed_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressedReason {
    Silence,
    Inhibition,
    MuteTimeInterval,
    ActiveTimeInterval,
}

impl SuppressedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressedReason::Silence => "silence",
            SuppressedReason::Inhibition => "inhibition",
            SuppressedReason::MuteTimeInterval => "mute_time_interval",
            SuppressedReason::ActiveTimeInterval => "active_time_interval",
        }
    }
}

const NOTIFICATION_LATENCY_BUCKETS: &[f64] = &[1.0, 5.0, 10.0, 15.0, 20.0];
/// `prometheus.ExponentialBuckets(100, 10, 7)`.
const RESPONSE_SIZE_BUCKETS: &[f64] = &[100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

const fn desc(name: &'static str, help: &'static str) -> Desc {
    Desc {
        name,
        help,
        label_names: &[],
        const_labels: &[],
    }
}

const fn labelled(
    name: &'static str,
    help: &'static str,
    label_names: &'static [&'static str],
) -> Desc {
    Desc {
        name,
        help,
        label_names,
        const_labels: &[],
    }
}

/// Every Alertmanager metric tocsin exposes.
pub struct AlertmanagerMetrics {
    registry: Registry,

    // API (`api/metrics`, `api/api.go`, `app/metrics.go`).
    /// `{status="firing"|"resolved"}`, constant `version="v2"`.
    pub alerts_received: Arc<Family<Counter>>,
    pub alerts_invalid: Arc<Single<Counter>>,
    pub http_requests_in_flight: Arc<Single<Gauge>>,
    pub http_concurrency_limit_exceeded: Arc<Single<Counter>>,
    /// `{handler, method, code}`, Prometheus' default buckets.
    pub http_request_duration: Arc<Family<Histogram>>,
    /// `{handler, method}` (non-API handlers only, as upstream).
    pub http_response_size: Arc<Family<Histogram>>,
    pub cluster_enabled: Arc<Single<Gauge>>,
    pub receivers: Arc<Single<Gauge>>,
    pub integrations: Arc<Single<Gauge>>,
    pub inhibition_rules: Arc<Single<Gauge>>,

    // Configuration (`config/coordinator.go`).
    pub config_hash: Arc<Single<Gauge>>,
    pub config_last_reload_successful: Arc<Single<Gauge>>,
    pub config_last_reload_success_timestamp_seconds: Arc<Single<Gauge>>,

    // Dispatcher (`dispatch/metric.go`).
    /// `{state}`: install a callback returning `active`, `suppressed`,
    /// `unprocessed` counts once the dispatcher runs.
    pub alerts_by_state: Arc<GaugeCallback>,
    pub dispatcher_aggregation_groups: Arc<Single<Gauge>>,
    pub dispatcher_alert_processing_duration_seconds: Arc<Single<Summary>>,
    pub dispatcher_aggregation_group_limit_reached: Arc<Single<Counter>>,

    // Notifications (`notify/metrics.go`); integrations pre-initialised.
    /// `{integration}`
    pub notifications: Arc<Family<Counter>>,
    /// `{integration, reason}`
    pub notifications_failed: Arc<Family<Counter>>,
    /// `{integration}`
    pub notification_requests: Arc<Family<Counter>>,
    /// `{integration}`
    pub notification_requests_failed: Arc<Family<Counter>>,
    /// `{integration}`, buckets 1, 5, 10, 15, 20 s.
    pub notification_latency_seconds: Arc<Family<Histogram>>,
    /// `{reason}` (see [`SuppressedReason`]), created on first use.
    pub notifications_suppressed: Arc<Family<Counter>>,

    // Notification log (`nflog/nflog.go`).
    pub nflog_gc_duration_seconds: Arc<Single<Summary>>,
    pub nflog_snapshot_duration_seconds: Arc<Single<Summary>>,
    pub nflog_snapshot_size_bytes: Arc<Single<Gauge>>,
    pub nflog_maintenance: Arc<Single<Counter>>,
    pub nflog_maintenance_errors: Arc<Single<Counter>>,
    pub nflog_queries: Arc<Single<Counter>>,
    pub nflog_query_errors: Arc<Single<Counter>>,
    pub nflog_query_duration_seconds: Arc<Single<Histogram>>,
    pub nflog_gossip_messages_propagated: Arc<Single<Counter>>,

    // Silences (`silence/silence.go`).
    /// `{state}`: install a callback returning `active`, `pending`,
    /// `expired` counts.
    pub silences_by_state: Arc<GaugeCallback>,
    pub silences_gc_duration_seconds: Arc<Single<Summary>>,
    pub silences_gc_errors: Arc<Single<Counter>>,
    pub silences_snapshot_duration_seconds: Arc<Single<Summary>>,
    pub silences_snapshot_size_bytes: Arc<Single<Gauge>>,
    pub silences_maintenance: Arc<Single<Counter>>,
    pub silences_maintenance_errors: Arc<Single<Counter>>,
    /// `{stage="index"|"load_snapshot"}`
    pub silences_matcher_compile_errors: Arc<Family<Counter>>,
    pub silences_queries: Arc<Single<Counter>>,
    pub silences_query_errors: Arc<Single<Counter>>,
    pub silences_query_duration_seconds: Arc<Single<Histogram>>,
    pub silences_query_silences_scanned: Arc<Single<Counter>>,
    pub silences_query_silences_skipped: Arc<Single<Counter>>,
    pub silences_gossip_messages_propagated: Arc<Single<Counter>>,
    pub silences_state_size: Arc<Single<Gauge>>,
    pub silences_matcher_index_size: Arc<Single<Gauge>>,
    pub silences_version_index_size: Arc<Single<Gauge>>,

    // Alert store (`provider/mem/mem.go`).
    pub alerts_per_alert_limit: Arc<Single<Gauge>>,
    /// No labels; appears after the first drop (`with(&[])`).
    pub alerts_limited: Arc<Family<Counter>>,
    /// `{subscriber}`
    pub alerts_subscriber_channel_writes: Arc<Family<Counter>>,
}

fn single<M: super::Metric>(registry: &Registry, desc: Desc, m: M) -> Arc<Single<M>> {
    let s = Arc::new(Single::new(desc, m));
    registry.register(s.clone() as Arc<dyn Collect>);
    s
}

fn family<M: super::Metric>(registry: &Registry, desc: Desc, make: fn() -> M) -> Arc<Family<M>> {
    let f = Arc::new(Family::new(desc, make));
    registry.register(f.clone() as Arc<dyn Collect>);
    f
}

fn default_histogram() -> Histogram {
    Histogram::new(DEFAULT_BUCKETS)
}

impl AlertmanagerMetrics {
    /// Declare every metric (with upstream's pre-initialised series) and
    /// the process collector. `build` labels `alertmanager_build_info`.
    pub fn new(build: &VersionInfo) -> Arc<Self> {
        let r = Registry::default();
        let counter = Counter::default;

        let alerts_received = family(
            &r,
            Desc {
                name: "alertmanager_alerts_received_total",
                help: "The total number of received alerts.",
                label_names: &["status"],
                const_labels: &[("version", "v2")],
            },
            counter,
        );
        alerts_received.with(&["firing"]);
        alerts_received.with(&["resolved"]);

        let build_info = family(
            &r,
            labelled(
                "alertmanager_build_info",
                "A metric with a constant '1' value labeled by version, revision, branch, goversion from which alertmanager was built, and the goos and goarch for the build.",
                &[
                    "version",
                    "revision",
                    "branch",
                    "goversion",
                    "goos",
                    "goarch",
                    "tags",
                ],
            ),
            Gauge::default,
        );
        build_info
            .with(&[
                &build.version,
                &build.revision,
                &build.branch,
                &build.go_version,
                std::env::consts::OS,
                goarch(),
                "unknown",
            ])
            .set(1.0);

        let integration = &["integration"];
        let notifications = family(
            &r,
            labelled(
                "alertmanager_notifications_total",
                "The total number of attempted notifications.",
                integration,
            ),
            counter,
        );
        let notifications_failed = family(
            &r,
            labelled(
                "alertmanager_notifications_failed_total",
                "The total number of failed notifications.",
                &["integration", "reason"],
            ),
            counter,
        );
        let notification_requests = family(
            &r,
            labelled(
                "alertmanager_notification_requests_total",
                "The total number of attempted notification requests.",
                integration,
            ),
            counter,
        );
        let notification_requests_failed = family(
            &r,
            labelled(
                "alertmanager_notification_requests_failed_total",
                "The total number of failed notification requests.",
                integration,
            ),
            counter,
        );
        let notification_latency_seconds = family(
            &r,
            labelled(
                "alertmanager_notification_latency_seconds",
                "The latency of notifications in seconds.",
                integration,
            ),
            || Histogram::new(NOTIFICATION_LATENCY_BUCKETS),
        );
        for name in INTEGRATIONS {
            notifications.with(&[name]);
            notification_requests.with(&[name]);
            notification_requests_failed.with(&[name]);
            notification_latency_seconds.with(&[name]);
            for reason in FAILURE_REASONS {
                notifications_failed.with(&[name, reason]);
            }
        }

        let silences_matcher_compile_errors = family(
            &r,
            labelled(
                "alertmanager_silences_matcher_compile_errors_total",
                "How many silence matcher compilations failed.",
                &["stage"],
            ),
            counter,
        );
        silences_matcher_compile_errors.with(&["index"]);
        silences_matcher_compile_errors.with(&["load_snapshot"]);

        let alerts_by_state = Arc::new(GaugeCallback::new(labelled(
            "alertmanager_alerts",
            "How many alerts by state.",
            &["state"],
        )));
        r.register(alerts_by_state.clone());
        let silences_by_state = Arc::new(GaugeCallback::new(labelled(
            "alertmanager_silences",
            "How many silences by state.",
            &["state"],
        )));
        r.register(silences_by_state.clone());
        r.register(Arc::new(ProcessCollector));

        Arc::new(AlertmanagerMetrics {
            alerts_received,
            alerts_invalid: single(
                &r,
                Desc {
                    name: "alertmanager_alerts_invalid_total",
                    help: "The total number of received alerts that were invalid.",
                    label_names: &[],
                    const_labels: &[("version", "v2")],
                },
                Counter::default(),
            ),
            http_requests_in_flight: single(
                &r,
                Desc {
                    name: "alertmanager_http_requests_in_flight",
                    help: "Current number of HTTP requests being processed.",
                    label_names: &[],
                    const_labels: &[("method", "get")],
                },
                Gauge::default(),
            ),
            http_concurrency_limit_exceeded: single(
                &r,
                Desc {
                    name: "alertmanager_http_concurrency_limit_exceeded_total",
                    help: "Total number of times an HTTP request failed because the concurrency limit was reached.",
                    label_names: &[],
                    const_labels: &[("method", "get")],
                },
                Counter::default(),
            ),
            http_request_duration: family(
                &r,
                labelled(
                    "alertmanager_http_request_duration_seconds",
                    "Histogram of latencies for HTTP requests.",
                    &["handler", "method", "code"],
                ),
                default_histogram,
            ),
            http_response_size: family(
                &r,
                labelled(
                    "alertmanager_http_response_size_bytes",
                    "Histogram of response size for HTTP requests.",
                    &["handler", "method"],
                ),
                || Histogram::new(RESPONSE_SIZE_BUCKETS),
            ),
            cluster_enabled: single(
                &r,
                desc(
                    "alertmanager_cluster_enabled",
                    "Indicates whether the clustering is enabled or not.",
                ),
                Gauge::default(),
            ),
            receivers: single(
                &r,
                desc("alertmanager_receivers", "Number of configured receivers."),
                Gauge::default(),
            ),
            integrations: single(
                &r,
                desc(
                    "alertmanager_integrations",
                    "Number of configured integrations.",
                ),
                Gauge::default(),
            ),
            inhibition_rules: single(
                &r,
                desc(
                    "alertmanager_inhibition_rules",
                    "Number of configured inhibition rules.",
                ),
                Gauge::default(),
            ),
            config_hash: single(
                &r,
                desc(
                    "alertmanager_config_hash",
                    "Hash of the currently loaded alertmanager configuration. Note that this is not a cryptographically strong hash.",
                ),
                Gauge::default(),
            ),
            config_last_reload_successful: single(
                &r,
                desc(
                    "alertmanager_config_last_reload_successful",
                    "Whether the last configuration reload attempt was successful.",
                ),
                Gauge::default(),
            ),
            config_last_reload_success_timestamp_seconds: single(
                &r,
                desc(
                    "alertmanager_config_last_reload_success_timestamp_seconds",
                    "Timestamp of the last successful configuration reload.",
                ),
                Gauge::default(),
            ),
            alerts_by_state,
            dispatcher_aggregation_groups: single(
                &r,
                desc(
                    "alertmanager_dispatcher_aggregation_groups",
                    "Number of active aggregation groups",
                ),
                Gauge::default(),
            ),
            dispatcher_alert_processing_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_dispatcher_alert_processing_duration_seconds",
                    "Summary of latencies for the processing of alerts.",
                ),
                Summary::default(),
            ),
            dispatcher_aggregation_group_limit_reached: single(
                &r,
                desc(
                    "alertmanager_dispatcher_aggregation_group_limit_reached_total",
                    "Number of times when dispatcher failed to create new aggregation group due to limit.",
                ),
                Counter::default(),
            ),
            notifications,
            notifications_failed,
            notification_requests,
            notification_requests_failed,
            notification_latency_seconds,
            notifications_suppressed: family(
                &r,
                labelled(
                    "alertmanager_notifications_suppressed_total",
                    "The total number of notifications suppressed for being silenced, inhibited, outside of active time intervals or within muted time intervals.",
                    &["reason"],
                ),
                counter,
            ),
            nflog_gc_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_nflog_gc_duration_seconds",
                    "Duration of the last notification log garbage collection cycle.",
                ),
                Summary::default(),
            ),
            nflog_snapshot_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_nflog_snapshot_duration_seconds",
                    "Duration of the last notification log snapshot.",
                ),
                Summary::default(),
            ),
            nflog_snapshot_size_bytes: single(
                &r,
                desc(
                    "alertmanager_nflog_snapshot_size_bytes",
                    "Size of the last notification log snapshot in bytes.",
                ),
                Gauge::default(),
            ),
            nflog_maintenance: single(
                &r,
                desc(
                    "alertmanager_nflog_maintenance_total",
                    "How many maintenances were executed for the notification log.",
                ),
                Counter::default(),
            ),
            nflog_maintenance_errors: single(
                &r,
                desc(
                    "alertmanager_nflog_maintenance_errors_total",
                    "How many maintenances were executed for the notification log that failed.",
                ),
                Counter::default(),
            ),
            nflog_queries: single(
                &r,
                desc(
                    "alertmanager_nflog_queries_total",
                    "Number of notification log queries were received.",
                ),
                Counter::default(),
            ),
            nflog_query_errors: single(
                &r,
                desc(
                    "alertmanager_nflog_query_errors_total",
                    "Number notification log received queries that failed.",
                ),
                Counter::default(),
            ),
            nflog_query_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_nflog_query_duration_seconds",
                    "Duration of notification log query evaluation.",
                ),
                default_histogram(),
            ),
            nflog_gossip_messages_propagated: single(
                &r,
                desc(
                    "alertmanager_nflog_gossip_messages_propagated_total",
                    "Number of received gossip messages that have been further gossiped.",
                ),
                Counter::default(),
            ),
            silences_by_state,
            silences_gc_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_silences_gc_duration_seconds",
                    "Duration of the last silence garbage collection cycle.",
                ),
                Summary::default(),
            ),
            silences_gc_errors: single(
                &r,
                desc(
                    "alertmanager_silences_gc_errors_total",
                    "How many silence GC errors were encountered.",
                ),
                Counter::default(),
            ),
            silences_snapshot_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_silences_snapshot_duration_seconds",
                    "Duration of the last silence snapshot.",
                ),
                Summary::default(),
            ),
            silences_snapshot_size_bytes: single(
                &r,
                desc(
                    "alertmanager_silences_snapshot_size_bytes",
                    "Size of the last silence snapshot in bytes.",
                ),
                Gauge::default(),
            ),
            silences_maintenance: single(
                &r,
                desc(
                    "alertmanager_silences_maintenance_total",
                    "How many maintenances were executed for silences.",
                ),
                Counter::default(),
            ),
            silences_maintenance_errors: single(
                &r,
                desc(
                    "alertmanager_silences_maintenance_errors_total",
                    "How many maintenances were executed for silences that failed.",
                ),
                Counter::default(),
            ),
            silences_matcher_compile_errors,
            silences_queries: single(
                &r,
                desc(
                    "alertmanager_silences_queries_total",
                    "How many silence queries were received.",
                ),
                Counter::default(),
            ),
            silences_query_errors: single(
                &r,
                desc(
                    "alertmanager_silences_query_errors_total",
                    "How many silence received queries did not succeed.",
                ),
                Counter::default(),
            ),
            silences_query_duration_seconds: single(
                &r,
                desc(
                    "alertmanager_silences_query_duration_seconds",
                    "Duration of silence query evaluation.",
                ),
                default_histogram(),
            ),
            silences_query_silences_scanned: single(
                &r,
                desc(
                    "alertmanager_silences_query_silences_scanned_total",
                    "How many silences were scanned during query evaluation.",
                ),
                Counter::default(),
            ),
            silences_query_silences_skipped: single(
                &r,
                desc(
                    "alertmanager_silences_query_silences_skipped_total",
                    "How many silences were skipped during query evaluation using the version index.",
                ),
                Counter::default(),
            ),
            silences_gossip_messages_propagated: single(
                &r,
                desc(
                    "alertmanager_silences_gossip_messages_propagated_total",
                    "Number of received gossip messages that have been further gossiped.",
                ),
                Counter::default(),
            ),
            silences_state_size: single(
                &r,
                desc(
                    "alertmanager_silences_state_size",
                    "The number of silences in the state map.",
                ),
                Gauge::default(),
            ),
            silences_matcher_index_size: single(
                &r,
                desc(
                    "alertmanager_silences_matcher_index_size",
                    "The number of entries in the matcher cache index.",
                ),
                Gauge::default(),
            ),
            silences_version_index_size: single(
                &r,
                desc(
                    "alertmanager_silences_version_index_size",
                    "The number of entries in the version index.",
                ),
                Gauge::default(),
            ),
            alerts_per_alert_limit: single(
                &r,
                desc(
                    "alertmanager_alerts_per_alert_limit",
                    "Current limit on number of alerts per alert name",
                ),
                Gauge::default(),
            ),
            alerts_limited: family(
                &r,
                desc(
                    "alertmanager_alerts_limited_total",
                    "Total number of alerts that were dropped due to per alert name limit",
                ),
                counter,
            ),
            alerts_subscriber_channel_writes: family(
                &r,
                labelled(
                    "alertmanager_alerts_subscriber_channel_writes_total",
                    "Number of times alerts were written to subscriber channels",
                    &["subscriber"],
                ),
                counter,
            ),
            registry: r,
        })
    }

    /// The `firing` child of `alertmanager_alerts_received_total`.
    pub fn alerts_received_firing(&self) -> Arc<Counter> {
        self.alerts_received.with(&["firing"])
    }

    /// The `resolved` child of `alertmanager_alerts_received_total`.
    pub fn alerts_received_resolved(&self) -> Arc<Counter> {
        self.alerts_received.with(&["resolved"])
    }

    /// Count one suppressed notification batch.
    pub fn notifications_suppressed_by(&self, reason: SuppressedReason, n: u64) {
        self.notifications_suppressed
            .with(&[reason.as_str()])
            .inc_by(n);
    }

    /// Add another collector (e.g. cluster metrics) to the exposition.
    pub fn register(&self, collector: Arc<dyn Collect>) {
        self.registry.register(collector);
    }

    /// The whole exposition in text format 0.0.4.
    pub fn render(&self) -> String {
        self.registry.render()
    }
}

/// Go's `GOARCH` spelling of the target architecture.
fn goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Arc<AlertmanagerMetrics> {
        AlertmanagerMetrics::new(&VersionInfo {
            version: "0.1.0".into(),
            revision: "abc".into(),
            branch: "main".into(),
            build_user: "me".into(),
            build_date: "today".into(),
            go_version: "rustc".into(),
        })
    }

    #[test]
    fn exposition_has_upstream_series() {
        let m = metrics();
        m.alerts_received_firing().inc();
        m.alerts_invalid.inc_by(2);
        m.notifications.with(&["webhook"]).inc();
        let text = m.render();
        // Lines as Alertmanager 0.25 prints them on a fresh start (except
        // the v1 series it still had).
        assert!(text.contains(
            "# HELP alertmanager_alerts_received_total The total number of received alerts.\n\
             # TYPE alertmanager_alerts_received_total counter\n\
             alertmanager_alerts_received_total{status=\"firing\",version=\"v2\"} 1\n\
             alertmanager_alerts_received_total{status=\"resolved\",version=\"v2\"} 0\n"
        ));
        assert!(text.contains("alertmanager_alerts_invalid_total{version=\"v2\"} 2\n"));
        assert!(text.contains("alertmanager_notifications_total{integration=\"webhook\"} 1\n"));
        assert!(text.contains("alertmanager_notifications_total{integration=\"email\"} 0\n"));
        assert!(text.contains("alertmanager_notifications_failed_total{integration=\"slack\",reason=\"rateLimited\"} 0\n"));
        assert!(text.contains(
            "alertmanager_notification_latency_seconds_bucket{integration=\"sns\",le=\"20\"} 0\n"
        ));
        assert!(text.contains("alertmanager_http_requests_in_flight{method=\"get\"} 0\n"));
        assert!(
            text.contains("alertmanager_nflog_query_duration_seconds_bucket{le=\"0.005\"} 0\n")
        );
        assert!(text.contains("alertmanager_silences_gc_duration_seconds_count 0\n"));
        assert!(text.contains("alertmanager_build_info{branch=\"main\",goarch=\""));
        assert!(
            !text.contains("alertmanager_alerts{"),
            "no dispatcher callback yet"
        );
        assert!(
            !text.contains("alertmanager_notifications_suppressed_total"),
            "created on first use"
        );
        let names: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# HELP "))
            .map(|l| l.split(' ').next().unwrap_or(""))
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "families are sorted by name");
    }

    #[test]
    fn callbacks_feed_state_gauges() {
        let m = metrics();
        m.silences_by_state.set(Box::new(|| {
            vec![
                (vec!["pending".into()], 0.0),
                (vec!["active".into()], 4.0),
                (vec!["expired".into()], 1.0),
            ]
        }));
        m.notifications_suppressed_by(SuppressedReason::MuteTimeInterval, 3);
        let text = m.render();
        assert!(text.contains(
            "# TYPE alertmanager_silences gauge\n\
             alertmanager_silences{state=\"active\"} 4\n\
             alertmanager_silences{state=\"expired\"} 1\n\
             alertmanager_silences{state=\"pending\"} 0\n"
        ));
        assert!(text.contains(
            "alertmanager_notifications_suppressed_total{reason=\"mute_time_interval\"} 3\n"
        ));
    }
}
