//! A small metrics registry and its Prometheus text exposition (format
//! 0.0.4, what Prometheus scrapes by default and what Alertmanager serves).
//!
//! Why not `prometheus-client`: it writes OpenMetrics only (counters
//! renamed with `_total`, `# EOF`, different float printing), while a
//! drop-in must serve Alertmanager's exact names, HELP texts and Go's float
//! formatting (`1e+06`). The primitives here are plain atomics, cheap to
//! bump from hot paths; labelled families hand out `Arc` children that
//! callers can keep. [`AlertmanagerMetrics`] declares Alertmanager's
//! metrics; the core receives it as its handle.

mod alertmanager;
mod exposition;
mod process;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub use alertmanager::{AlertmanagerMetrics, FAILURE_REASONS, INTEGRATIONS, SuppressedReason};
pub use exposition::{CONTENT_TYPE, format_go_float};
pub use process::ProcessCollector;

/// Prometheus' `DefBuckets`.
pub const DEFAULT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A monotonically increasing count.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn inc_by(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that can go up and down.
#[derive(Debug, Default)]
pub struct Gauge(AtomicU64);

impl Gauge {
    pub fn set(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
    pub fn add(&self, delta: f64) {
        add_f64(&self.0, delta);
    }
    pub fn inc(&self) {
        self.add(1.0);
    }
    pub fn dec(&self) {
        self.add(-1.0);
    }
}

fn add_f64(cell: &AtomicU64, delta: f64) {
    let _ = cell.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
        Some((f64::from_bits(bits) + delta).to_bits())
    });
}

/// Observations counted into fixed buckets (cumulative on exposition).
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    buckets: Box<[AtomicU64]>,
    count: AtomicU64,
    sum: AtomicU64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        Histogram {
            bounds,
            buckets: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0f64.to_bits()),
        }
    }

    pub fn observe(&self, v: f64) {
        if let Some(i) = self.bounds.iter().position(|b| v <= *b)
            && let Some(bucket) = self.buckets.get(i)
        {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        add_f64(&self.sum, v);
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    pub fn sum(&self) -> f64 {
        f64::from_bits(self.sum.load(Ordering::Relaxed))
    }

    /// Cumulative counts per upper bound (without `+Inf`).
    fn cumulative(&self) -> Vec<(f64, u64)> {
        let mut total = 0;
        self.bounds
            .iter()
            .zip(self.buckets.iter())
            .map(|(b, c)| {
                total += c.load(Ordering::Relaxed);
                (*b, total)
            })
            .collect()
    }
}

/// A summary without quantiles (upstream's summaries have no objectives):
/// only `_sum` and `_count`.
#[derive(Debug, Default)]
pub struct Summary {
    count: AtomicU64,
    sum: AtomicU64,
}

impl Summary {
    pub fn observe(&self, v: f64) {
        self.count.fetch_add(1, Ordering::Relaxed);
        add_f64(&self.sum, v);
    }
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
    pub fn sum(&self) -> f64 {
        f64::from_bits(self.sum.load(Ordering::Relaxed))
    }
}

/// The exposition type of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
    Summary,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
            Kind::Summary => "summary",
        }
    }
}

/// One line of a family: name suffix (`_bucket`, `_sum`, …), label pairs
/// in output order, value.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub suffix: &'static str,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

/// A family as collected for one scrape.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilySnapshot {
    pub name: String,
    pub help: String,
    pub kind: Kind,
    /// Series in output order; each series' samples stay together.
    pub samples: Vec<Sample>,
}

/// Something that contributes families to a scrape.
pub trait Collect: Send + Sync {
    fn collect(&self, out: &mut Vec<FamilySnapshot>);
}

/// Name, help and label names of a family, plus constant labels.
#[derive(Clone, Debug)]
pub struct Desc {
    pub name: &'static str,
    pub help: &'static str,
    pub label_names: &'static [&'static str],
    pub const_labels: &'static [(&'static str, &'static str)],
}

impl Desc {
    /// The label pairs of one series: constant and variable labels sorted
    /// by name (as client_golang does).
    fn pairs(&self, values: &[String]) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .const_labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain(
                self.label_names
                    .iter()
                    .zip(
                        values
                            .iter()
                            .map(String::as_str)
                            .chain(std::iter::repeat("")),
                    )
                    .map(|(k, v)| ((*k).to_owned(), v.to_owned())),
            )
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs
    }
}

/// A metric kind that can write its samples.
pub trait Metric: Send + Sync + 'static {
    const KIND: Kind;
    fn samples(&self, labels: Vec<(String, String)>, out: &mut Vec<Sample>);
}

impl Metric for Counter {
    const KIND: Kind = Kind::Counter;
    fn samples(&self, labels: Vec<(String, String)>, out: &mut Vec<Sample>) {
        out.push(Sample {
            suffix: "",
            labels,
            value: self.get() as f64,
        });
    }
}

impl Metric for Gauge {
    const KIND: Kind = Kind::Gauge;
    fn samples(&self, labels: Vec<(String, String)>, out: &mut Vec<Sample>) {
        out.push(Sample {
            suffix: "",
            labels,
            value: self.get(),
        });
    }
}

impl Metric for Histogram {
    const KIND: Kind = Kind::Histogram;
    fn samples(&self, labels: Vec<(String, String)>, out: &mut Vec<Sample>) {
        let count = self.count() as f64;
        for (bound, n) in self.cumulative() {
            let mut l = labels.clone();
            l.push(("le".to_owned(), format_go_float(bound)));
            out.push(Sample {
                suffix: "_bucket",
                labels: l,
                value: n as f64,
            });
        }
        let mut l = labels.clone();
        l.push(("le".to_owned(), "+Inf".to_owned()));
        out.push(Sample {
            suffix: "_bucket",
            labels: l,
            value: count,
        });
        out.push(Sample {
            suffix: "_sum",
            labels: labels.clone(),
            value: self.sum(),
        });
        out.push(Sample {
            suffix: "_count",
            labels,
            value: count,
        });
    }
}

impl Metric for Summary {
    const KIND: Kind = Kind::Summary;
    fn samples(&self, labels: Vec<(String, String)>, out: &mut Vec<Sample>) {
        out.push(Sample {
            suffix: "_sum",
            labels: labels.clone(),
            value: self.sum(),
        });
        out.push(Sample {
            suffix: "_count",
            labels,
            value: self.count() as f64,
        });
    }
}

/// Label name/value pairs in output order.
type LabelPairs = Vec<(String, String)>;
/// A family child: its label values and the metric.
type Child<M> = (Vec<String>, Arc<M>);

/// A family of metrics of one kind, one child per label-value tuple.
/// Children appear in the exposition once created (as in client_golang).
pub struct Family<M: Metric> {
    desc: Desc,
    make: fn() -> M,
    children: RwLock<BTreeMap<String, Child<M>>>,
}

/// A length-prefixed key, unambiguous whatever the values contain.
fn child_key(values: &[&str]) -> String {
    let mut key = String::new();
    for v in values {
        key.push_str(&v.len().to_string());
        key.push(':');
        key.push_str(v);
    }
    key
}

impl<M: Metric> Family<M> {
    pub fn new(desc: Desc, make: fn() -> M) -> Self {
        Family {
            desc,
            make,
            children: RwLock::new(BTreeMap::new()),
        }
    }

    /// The child for these label values (in `label_names` order), created
    /// on first use. Keep the `Arc` on hot paths.
    pub fn with(&self, values: &[&str]) -> Arc<M> {
        let key = child_key(values);
        if let Ok(children) = self.children.read()
            && let Some((_, child)) = children.get(&key)
        {
            return Arc::clone(child);
        }
        let mut children = match self.children.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = children.entry(key).or_insert_with(|| {
            (
                values.iter().map(|v| (*v).to_owned()).collect(),
                Arc::new((self.make)()),
            )
        });
        Arc::clone(&entry.1)
    }

    /// Drop every child (used when label values change on reload).
    pub fn reset(&self) {
        if let Ok(mut children) = self.children.write() {
            children.clear();
        }
    }
}

impl<M: Metric> Collect for Family<M> {
    fn collect(&self, out: &mut Vec<FamilySnapshot>) {
        let children: Vec<Child<M>> = match self.children.read() {
            Ok(c) => c.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        };
        let mut series: Vec<(LabelPairs, Arc<M>)> = children
            .into_iter()
            .map(|(values, m)| (self.desc.pairs(&values), m))
            .collect();
        series.sort_by(|a, b| a.0.iter().map(|p| &p.1).cmp(b.0.iter().map(|p| &p.1)));
        let mut samples = Vec::new();
        for (pairs, m) in series {
            m.samples(pairs, &mut samples);
        }
        out.push(FamilySnapshot {
            name: self.desc.name.to_owned(),
            help: self.desc.help.to_owned(),
            kind: M::KIND,
            samples,
        });
    }
}

/// A metric without labels (always exposed).
pub struct Single<M: Metric> {
    desc: Desc,
    metric: Arc<M>,
}

impl<M: Metric> Single<M> {
    pub fn new(desc: Desc, metric: M) -> Self {
        Single {
            desc,
            metric: Arc::new(metric),
        }
    }
}

impl<M: Metric> std::ops::Deref for Single<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.metric
    }
}

impl<M: Metric> Collect for Single<M> {
    fn collect(&self, out: &mut Vec<FamilySnapshot>) {
        let mut samples = Vec::new();
        self.metric.samples(self.desc.pairs(&[]), &mut samples);
        out.push(FamilySnapshot {
            name: self.desc.name.to_owned(),
            help: self.desc.help.to_owned(),
            kind: M::KIND,
            samples,
        });
    }
}

/// Values computed at scrape time: `(label values, value)` per series.
pub type GaugeFn = Box<dyn Fn() -> Vec<(Vec<String>, f64)> + Send + Sync>;

/// A gauge family whose values come from a callback installed by the core
/// (e.g. alerts by state from the dispatcher). Without a callback it
/// exposes nothing, as upstream's collectors before the dispatcher runs.
pub struct GaugeCallback {
    desc: Desc,
    callback: RwLock<Option<GaugeFn>>,
}

impl GaugeCallback {
    pub fn new(desc: Desc) -> Self {
        GaugeCallback {
            desc,
            callback: RwLock::new(None),
        }
    }

    /// Install (or replace) the callback.
    pub fn set(&self, f: GaugeFn) {
        match self.callback.write() {
            Ok(mut c) => *c = Some(f),
            Err(poisoned) => *poisoned.into_inner() = Some(f),
        }
    }
}

impl Collect for GaugeCallback {
    fn collect(&self, out: &mut Vec<FamilySnapshot>) {
        let values = match self.callback.read() {
            Ok(c) => c.as_ref().map(|f| f()),
            Err(_) => None,
        };
        let Some(values) = values else { return };
        let mut series: Vec<(Vec<(String, String)>, f64)> = values
            .into_iter()
            .map(|(labels, v)| (self.desc.pairs(&labels), v))
            .collect();
        series.sort_by(|a, b| a.0.iter().map(|p| &p.1).cmp(b.0.iter().map(|p| &p.1)));
        out.push(FamilySnapshot {
            name: self.desc.name.to_owned(),
            help: self.desc.help.to_owned(),
            kind: Kind::Gauge,
            samples: series
                .into_iter()
                .map(|(labels, value)| Sample {
                    suffix: "",
                    labels,
                    value,
                })
                .collect(),
        });
    }
}

/// A set of collectors rendered together.
#[derive(Default)]
pub struct Registry {
    collectors: RwLock<Vec<Arc<dyn Collect>>>,
}

impl Registry {
    pub fn register(&self, c: Arc<dyn Collect>) {
        match self.collectors.write() {
            Ok(mut cs) => cs.push(c),
            Err(poisoned) => poisoned.into_inner().push(c),
        }
    }

    /// Every family, sorted by name, empty ones left out.
    pub fn gather(&self) -> Vec<FamilySnapshot> {
        let collectors: Vec<Arc<dyn Collect>> = match self.collectors.read() {
            Ok(cs) => cs.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let mut families = Vec::new();
        for c in collectors {
            c.collect(&mut families);
        }
        families.retain(|f| !f.samples.is_empty());
        families.sort_by(|a, b| a.name.cmp(&b.name));
        families
    }

    /// The text exposition of every family.
    pub fn render(&self) -> String {
        exposition::render(&self.gather())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESC: Desc = Desc {
        name: "test_requests_total",
        help: "Requests.",
        label_names: &["code", "method"],
        const_labels: &[("version", "v2")],
    };

    #[test]
    fn families_sort_series_and_labels() {
        let family = Arc::new(Family::new(DESC, Counter::default));
        family.with(&["500", "get"]).inc();
        family.with(&["200", "post"]).inc_by(2);
        family.with(&["200", "get"]).inc_by(1_000_000);
        let registry = Registry::default();
        registry.register(family.clone());
        assert_eq!(
            registry.render(),
            "# HELP test_requests_total Requests.\n# TYPE test_requests_total counter\n\
             test_requests_total{code=\"200\",method=\"get\",version=\"v2\"} 1e+06\n\
             test_requests_total{code=\"200\",method=\"post\",version=\"v2\"} 2\n\
             test_requests_total{code=\"500\",method=\"get\",version=\"v2\"} 1\n"
        );
        assert!(Arc::ptr_eq(
            &family.with(&["200", "get"]),
            &family.with(&["200", "get"])
        ));
    }

    #[test]
    fn histograms_are_cumulative_with_le_last() {
        const H: Desc = Desc {
            name: "h_seconds",
            help: "H.",
            label_names: &["handler"],
            const_labels: &[],
        };
        const BOUNDS: &[f64] = &[1.0, 5.0];
        let family = Arc::new(Family::new(H, || Histogram::new(BOUNDS)));
        let h = family.with(&["/x"]);
        h.observe(0.5);
        h.observe(3.0);
        h.observe(7.0);
        let registry = Registry::default();
        registry.register(family);
        assert_eq!(
            registry.render(),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n\
             h_seconds_bucket{handler=\"/x\",le=\"1\"} 1\n\
             h_seconds_bucket{handler=\"/x\",le=\"5\"} 2\n\
             h_seconds_bucket{handler=\"/x\",le=\"+Inf\"} 3\n\
             h_seconds_sum{handler=\"/x\"} 10.5\n\
             h_seconds_count{handler=\"/x\"} 3\n"
        );
    }

    #[test]
    fn empty_families_are_left_out() {
        let registry = Registry::default();
        registry.register(Arc::new(Family::new(DESC, Counter::default)));
        registry.register(Arc::new(GaugeCallback::new(Desc {
            name: "cb",
            help: "cb",
            label_names: &[],
            const_labels: &[],
        })));
        assert_eq!(registry.render(), "");
    }
}
