//! Generated alerts shaped like a Kubernetes Prometheus' output, serialised
//! ahead of time into the JSON batches `POST /api/v2/alerts` takes, so the
//! measured loop only writes bytes to sockets.
//!
//! Alert `i` of a set with `pods` pods concerns pod `i % pods`; the
//! alertname cycles through [`ALERTNAMES`] and shifts by one on every pass
//! over the pods, so a set of up to `50 × pods` alerts has distinct label
//! sets. With `pods == alerts` every alert has its own pod (the ingest
//! test); with `group_by: [pod]` the pods are the groups (the flush test).

use bytes::Bytes;
use jiff::{Timestamp, Unit};
use serde_json::{Value, json};

/// 50 alert names, as a mid-sized rule set has.
pub const ALERTNAMES: [&str; 50] = [
    "KubePodCrashLooping",
    "KubePodNotReady",
    "KubeDeploymentReplicasMismatch",
    "KubeStatefulSetReplicasMismatch",
    "KubeContainerWaiting",
    "KubeJobFailed",
    "KubeHpaMaxedOut",
    "KubeCPUOvercommit",
    "KubeMemoryOvercommit",
    "KubeQuotaAlmostFull",
    "KubePersistentVolumeFillingUp",
    "KubePersistentVolumeErrors",
    "KubeNodeNotReady",
    "KubeNodeUnreachable",
    "KubeletTooManyPods",
    "KubeClientErrors",
    "KubeAPIErrorBudgetBurn",
    "CPUThrottlingHigh",
    "NodeFilesystemSpaceFillingUp",
    "NodeFilesystemAlmostOutOfSpace",
    "NodeFilesystemFilesFillingUp",
    "NodeNetworkReceiveErrs",
    "NodeNetworkTransmitErrs",
    "NodeHighNumberConntrackEntriesUsed",
    "NodeClockSkewDetected",
    "NodeMemoryHighUtilization",
    "NodeCPUHighUsage",
    "NodeDiskIOSaturation",
    "TargetDown",
    "Watchdog",
    "HighErrorRate",
    "HighLatencyP99",
    "HighRequestRate",
    "LowRequestRate",
    "SLOBurnRateFast",
    "SLOBurnRateSlow",
    "DatabaseConnectionsHigh",
    "DatabaseReplicationLag",
    "DatabaseSlowQueries",
    "CacheHitRatioLow",
    "QueueBacklogGrowing",
    "ConsumerLagHigh",
    "CertificateExpiringSoon",
    "ProbeFailed",
    "ContainerOOMKilled",
    "ContainerRestartingOften",
    "IngressHighErrorRate",
    "DNSLookupFailures",
    "BackupJobMissed",
    "DiskPredictedFull",
];

const CLUSTERS: [&str; 5] = [
    "prod-eu-west-1",
    "prod-us-east-1",
    "prod-ap-south-1",
    "staging-eu-west-1",
    "dev-us-east-1",
];

const NAMESPACES: [&str; 20] = [
    "payments",
    "checkout",
    "catalog",
    "search",
    "accounts",
    "billing",
    "shipping",
    "inventory",
    "recommendations",
    "notifications",
    "monitoring",
    "logging",
    "ingress-nginx",
    "kube-system",
    "cert-manager",
    "data-pipeline",
    "ml-serving",
    "auth",
    "cms",
    "analytics",
];

const JOBS: [&str; 10] = [
    "kubernetes-pods",
    "kube-state-metrics",
    "node-exporter",
    "kubelet",
    "cadvisor",
    "apiserver",
    "blackbox",
    "postgres-exporter",
    "redis-exporter",
    "kafka-exporter",
];

const SEVERITIES: [&str; 3] = ["critical", "warning", "info"];

/// What to generate.
#[derive(Clone, Debug)]
pub struct AlertSet {
    pub alerts: usize,
    /// Distinct pods (≥ 1); alert `i` concerns pod `i % pods`.
    pub pods: usize,
    /// RFC 3339, shared by every alert (Prometheus resends keep it).
    pub starts_at: String,
    /// RFC 3339; Prometheus sends a future `endsAt` with firing alerts.
    pub ends_at: String,
}

impl AlertSet {
    /// Alerts starting now and ending in an hour (longer than any run).
    pub fn starting_now(alerts: usize, pods: usize) -> AlertSet {
        let now = Timestamp::now()
            .round(Unit::Millisecond)
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let later = now
            .checked_add(jiff::SignedDuration::from_hours(1))
            .unwrap_or(now);
        AlertSet {
            alerts,
            pods: pods.max(1),
            starts_at: format!("{now:.3}"),
            ends_at: format!("{later:.3}"),
        }
    }

    /// The pod of alert `i`.
    pub fn pod_of(&self, i: usize) -> usize {
        i % self.pods
    }

    /// Alert `i` as `POST /api/v2/alerts` takes it.
    pub fn alert(&self, i: usize) -> Value {
        let p = self.pod_of(i);
        let pass = i / self.pods;
        let alertname = ALERTNAMES[(i + pass) % ALERTNAMES.len()];
        let cluster = CLUSTERS[(i / ALERTNAMES.len()) % CLUSTERS.len()];
        let namespace = NAMESPACES[(p / 7) % NAMESPACES.len()];
        let job = JOBS[(p / 3) % JOBS.len()];
        let severity = SEVERITIES[i % SEVERITIES.len()];
        let pod = pod_name(p);
        json!({
            "labels": {
                "alertname": alertname,
                "cluster": cluster,
                "namespace": namespace,
                "pod": pod,
                "instance": instance(p),
                "job": job,
                "severity": severity,
            },
            "annotations": {
                "summary": format!("{alertname} firing for {pod}"),
                "description": format!(
                    "Pod {namespace}/{pod} on {cluster} has matched the {alertname} rule for more than 5 minutes."
                ),
            },
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
            "generatorURL": format!(
                "http://prometheus-k8s-0.monitoring.svc:9090/graph?g0.expr=ALERTS%7Balertname%3D%22{alertname}%22%7D&g0.tab=1"
            ),
        })
    }

    /// The whole set as JSON arrays of at most `batch` alerts (`batch` ≥ 1).
    pub fn batches(&self, batch: usize) -> Vec<Bytes> {
        let batch = batch.max(1);
        (0..self.alerts)
            .step_by(batch)
            .map(|first| {
                let end = (first + batch).min(self.alerts);
                let array: Vec<Value> = (first..end).map(|i| self.alert(i)).collect();
                Bytes::from(Value::Array(array).to_string())
            })
            .collect()
    }
}

/// A Deployment-style pod name, unique per `p`.
pub fn pod_name(p: usize) -> String {
    const APPS: [&str; 12] = [
        "api-gateway",
        "checkout",
        "cart",
        "catalog",
        "search",
        "payments",
        "auth",
        "frontend",
        "worker",
        "scheduler",
        "indexer",
        "mailer",
    ];
    let replica_set = (p as u64 / 8).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 24;
    format!(
        "{}-{:010x}-{p:05}",
        APPS[p % APPS.len()],
        replica_set & 0xff_ffff_ffff
    )
}

fn instance(p: usize) -> String {
    format!(
        "10.{}.{}.{}:8080",
        16 + (p >> 16) % 16,
        (p >> 8) & 255,
        p & 255
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn label_sets(set: &AlertSet) -> HashSet<String> {
        (0..set.alerts)
            .map(|i| set.alert(i)["labels"].to_string())
            .collect()
    }

    #[test]
    fn every_alert_is_distinct() {
        let set = AlertSet::starting_now(5_000, 5_000);
        assert_eq!(label_sets(&set).len(), 5_000);
        // Several alerts per pod: still distinct, and `pods` distinct pods.
        let set = AlertSet::starting_now(3_000, 1_000);
        assert_eq!(label_sets(&set).len(), 3_000);
        let pods: HashSet<String> = (0..set.alerts)
            .map(|i| set.alert(i)["labels"]["pod"].to_string())
            .collect();
        assert_eq!(pods.len(), 1_000);
    }

    #[test]
    fn batches_cover_the_set_in_order() {
        let set = AlertSet::starting_now(130, 130);
        let batches = set.batches(64);
        assert_eq!(batches.len(), 3);
        let decoded: Vec<Vec<Value>> = batches
            .iter()
            .map(|b| serde_json::from_slice(b).unwrap())
            .collect();
        assert_eq!(
            decoded.iter().map(Vec::len).collect::<Vec<_>>(),
            [64, 64, 2]
        );
        assert_eq!(decoded[2][1], set.alert(129));
        assert!(decoded[0][0]["startsAt"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn realistic_sizes() {
        let set = AlertSet::starting_now(1, 1);
        let a = set.alert(0);
        let description = a["annotations"]["description"].as_str().unwrap();
        assert!((80..160).contains(&description.len()), "{description}");
        assert_eq!(a["labels"].as_object().unwrap().len(), 7);
    }
}
