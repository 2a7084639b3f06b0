//! Shared harness for the dispatcher tests: a store and dispatcher on
//! paused tokio time, a recording [`FlushHandler`], and alert builders that
//! fill in defaults the way `POST /api/v2/alerts` does. Times in tests are
//! seconds after the harness was created.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use tocsin_alerting::alert::{Alert, Time};
use tocsin_alerting::clock::Clock;
use tocsin_alerting::dispatch::{Dispatcher, DispatcherOptions};
use tocsin_alerting::flush::{FlushContext, FlushError, FlushHandler, FlushResult};
use tocsin_alerting::route::RouteTree;
use tocsin_alerting::store::{AlertStore, StoreOptions};
use tocsin_config::{GroupBy, Route};
use tocsin_model::{LabelSet, PromDuration};
use tokio::time::Instant;

/// Wall time at harness creation.
pub const T0: &str = "2030-01-01T00:00:00Z";

/// Upstream's default `resolve_timeout`.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(300);

pub fn t0() -> Timestamp {
    T0.parse().unwrap()
}

/// Wall time `secs` after T0.
pub fn wall(secs: f64) -> Timestamp {
    t0().checked_add(ms(secs)).unwrap()
}

/// Seconds after T0 of `t`, printed with up to millisecond precision.
pub fn rel(t: Time) -> String {
    let ms = t.instant.duration_since(t0()).as_millis();
    let secs = ms as f64 / 1000.0;
    format!("{secs}")
}

/// A root route with the given grouping and timers (seconds).
pub fn root(
    group_by: &[&str],
    group_wait: f64,
    group_interval: f64,
    repeat_interval: f64,
) -> Route {
    Route {
        receiver: Some("default".into()),
        group_by: Some(GroupBy::Labels(
            group_by.iter().map(|s| s.to_string()).collect(),
        )),
        group_wait: Some(PromDuration(ms(group_wait))),
        group_interval: Some(PromDuration(ms(group_interval))),
        repeat_interval: Some(PromDuration(ms(repeat_interval))),
        ..Route::default()
    }
}

/// What the handler answers for one flush.
#[derive(Clone, Copy, Debug)]
pub enum Response {
    Ok,
    Fail,
    /// Succeed after this long.
    SlowOk(Duration),
}

type Responder = Box<dyn FnMut(usize, &FlushContext) -> Response + Send>;

/// One recorded call of the handler.
#[derive(Clone, Debug)]
pub struct Flush {
    /// Seconds after harness creation when the handler was called.
    pub at: f64,
    pub ctx: FlushContext,
    pub alerts: Vec<Alert>,
    /// Whether the handler's future ran to completion (not cancelled).
    pub completed: bool,
}

impl Flush {
    /// `at` plus one line per alert, see [`describe`].
    pub fn summary(&self) -> (f64, Vec<String>) {
        (self.at, self.alerts.iter().map(describe).collect())
    }
}

/// `labels annotations start..end` with times relative to T0 and an
/// open end for a zero `ends_at`, e.g. `{alertname="test"} {} 1..`.
pub fn describe(alert: &Alert) -> String {
    let ends = if alert.ends_at.is_zero() {
        String::new()
    } else {
        rel(alert.ends_at)
    };
    format!(
        "{} {} {}..{}",
        alert.labels,
        alert.annotations,
        rel(alert.starts_at),
        ends
    )
}

pub struct Recorder {
    start: Instant,
    pub flushes: Mutex<Vec<Flush>>,
    responder: Mutex<Responder>,
}

impl Recorder {
    pub fn new(start: Instant) -> Recorder {
        Recorder {
            start,
            flushes: Mutex::new(Vec::new()),
            responder: Mutex::new(Box::new(|_, _| Response::Ok)),
        }
    }

    pub fn respond_with(&self, f: impl FnMut(usize, &FlushContext) -> Response + Send + 'static) {
        *self.responder.lock().unwrap() = Box::new(f);
    }

    pub fn all(&self) -> Vec<Flush> {
        self.flushes.lock().unwrap().clone()
    }

    pub fn summaries(&self) -> Vec<(f64, Vec<String>)> {
        self.all().iter().map(Flush::summary).collect()
    }
}

/// Marks the recorded flush completed when the handler future finishes,
/// and leaves it incomplete when the future is dropped mid-way.
struct Completion<'a> {
    recorder: &'a Recorder,
    index: usize,
}

impl Completion<'_> {
    fn done(self) {
        if let Some(f) = self.recorder.flushes.lock().unwrap().get_mut(self.index) {
            f.completed = true;
        }
    }
}

impl FlushHandler for Recorder {
    fn flush(
        &self,
        ctx: FlushContext,
        alerts: Vec<Alert>,
    ) -> Pin<Box<dyn Future<Output = FlushResult> + Send + '_>> {
        let at = round_ms(Instant::now().duration_since(self.start));
        let index = {
            let mut flushes = self.flushes.lock().unwrap();
            flushes.push(Flush {
                at,
                ctx: ctx.clone(),
                alerts,
                completed: false,
            });
            flushes.len() - 1
        };
        let response = (self.responder.lock().unwrap())(index, &ctx);
        Box::pin(async move {
            let completion = Completion {
                recorder: self,
                index,
            };
            let result = match response {
                Response::Ok => Ok(()),
                Response::Fail => Err(FlushError("receiver failed".into())),
                Response::SlowOk(d) => {
                    tokio::time::sleep(d).await;
                    Ok(())
                }
            };
            completion.done();
            result
        })
    }
}

/// `secs` as a whole number of milliseconds (test times are exact in ms).
pub fn ms(secs: f64) -> Duration {
    Duration::from_millis((secs * 1000.0).round() as u64)
}

fn round_ms(d: Duration) -> f64 {
    d.as_millis() as f64 / 1000.0
}

pub struct Harness {
    pub start: Instant,
    pub clock: Clock,
    pub store: Arc<AlertStore>,
    pub recorder: Arc<Recorder>,
    pub tree: Arc<RouteTree>,
    pub options: DispatcherOptions,
    pub dispatcher: Option<Dispatcher>,
}

impl Harness {
    /// A store and a started dispatcher at T0.
    pub fn new(route: Route) -> Harness {
        Harness::with_options(route, DispatcherOptions::default())
    }

    pub fn with_options(route: Route, options: DispatcherOptions) -> Harness {
        let mut h = Harness::without_dispatcher(route, options);
        h.start_dispatcher();
        h
    }

    pub fn without_dispatcher(route: Route, options: DispatcherOptions) -> Harness {
        let start = Instant::now();
        let clock = Clock::starting_at(t0());
        Harness {
            start,
            clock,
            store: Arc::new(AlertStore::new(clock, StoreOptions::default())),
            recorder: Arc::new(Recorder::new(start)),
            tree: Arc::new(RouteTree::new(&route).unwrap()),
            options,
            dispatcher: None,
        }
    }

    /// Starts a (new) dispatcher on the same store, as a reload does.
    pub fn start_dispatcher(&mut self) {
        self.dispatcher = Some(Dispatcher::start(
            &self.store,
            Arc::clone(&self.tree),
            self.recorder.clone(),
            self.clock,
            self.options.clone(),
        ));
    }

    pub fn dispatcher(&self) -> &Dispatcher {
        self.dispatcher.as_ref().unwrap()
    }

    /// Stops the current dispatcher and starts a new one.
    pub async fn reload(&mut self) {
        if let Some(old) = self.dispatcher.take() {
            old.stop().await;
        }
        self.start_dispatcher();
    }

    /// Sleeps until `secs` after harness creation.
    pub async fn at(&self, secs: f64) {
        tokio::time::sleep_until(self.start + ms(secs)).await;
    }

    pub fn now(&self) -> f64 {
        round_ms(Instant::now().duration_since(self.start))
    }

    /// Posts alerts as the API does (defaults filled in at the current time).
    pub fn push(&self, alerts: impl IntoIterator<Item = TestAlert>) {
        let now = self.clock.now();
        let alerts: Vec<Alert> = alerts.into_iter().map(|a| a.into_alert(now)).collect();
        self.store.put(alerts);
    }
}

/// An alert as a client sends it: times in seconds after T0, unset = `None`.
#[derive(Clone, Debug)]
pub struct TestAlert {
    labels: LabelSet,
    annotations: BTreeMap<String, String>,
    starts_at: Option<f64>,
    ends_at: Option<f64>,
}

pub fn alert(labels: &[(&str, &str)]) -> TestAlert {
    TestAlert {
        labels: labels.iter().map(|(k, v)| (*k, *v)).collect(),
        annotations: BTreeMap::new(),
        starts_at: None,
        ends_at: None,
    }
}

impl TestAlert {
    pub fn annotate(mut self, name: &str, value: &str) -> TestAlert {
        self.annotations.insert(name.into(), value.into());
        self
    }

    /// Upstream acceptance tests' `Active(start[, end])`.
    pub fn active(mut self, starts_at: f64) -> TestAlert {
        self.starts_at = Some(starts_at);
        self
    }

    pub fn active_until(mut self, starts_at: f64, ends_at: f64) -> TestAlert {
        self.starts_at = Some(starts_at);
        self.ends_at = Some(ends_at);
        self
    }

    /// `POST /api/v2/alerts` defaulting at `now`.
    fn into_alert(self, now: Timestamp) -> Alert {
        let at = |secs: f64| Time::utc(wall(secs));
        let now = Time::utc(now);
        let ends_at = self.ends_at.map(at);
        let starts_at = self.starts_at.map(at).or(ends_at).unwrap_or(now);
        let (ends_at, timeout) = match ends_at {
            Some(end) => (end, false),
            None => (now.saturating_add(RESOLVE_TIMEOUT), true),
        };
        Alert {
            labels: self.labels,
            annotations: self.annotations.into_iter().collect(),
            starts_at,
            ends_at,
            generator_url: String::new(),
            updated_at: now,
            timeout,
        }
    }
}
