//! The whole file: [`Config`] as the rest of tocsin sees it, the decoded
//! top-level block it is built from, and its YAML rendering (upstream's
//! `Config.String()`).

use crate::decode::{Decode, Decoder, Spanned};
use crate::event_recorder::EventRecorderConfig;
use crate::global::GlobalConfig;
use crate::receiver::{RawReceiver, Receiver};
use crate::render::{Out, Render, emit, push_field};
use crate::route::{InhibitRule, RawInhibitRule, RawRoute, Route};
use crate::time_intervals::{NamedTimeInterval, RawMuteTimeInterval, RawTimeInterval};
use crate::tracing::TracingConfig;
use crate::yaml::NodeId;

/// The top level of alertmanager.yml as written, plus which blocks had
/// errors (so that later checks do not pile follow-up errors on them).
#[derive(Default)]
pub(crate) struct RawConfig {
    pub(crate) global: Option<GlobalConfig>,
    pub(crate) route: Spanned<Option<RawRoute>>,
    pub(crate) inhibit_rules: Vec<Spanned<RawInhibitRule>>,
    pub(crate) receivers: Vec<Spanned<RawReceiver>>,
    pub(crate) templates: Vec<Spanned<String>>,
    pub(crate) mute_time_intervals: Vec<Spanned<RawMuteTimeInterval>>,
    pub(crate) time_intervals: Vec<Spanned<RawTimeInterval>>,
    pub(crate) tracing: TracingConfig,
    pub(crate) event_recorder: EventRecorderConfig,
    /// Whether decoding the block under each of [`RawConfig::KEYS`] failed somewhere.
    pub(crate) failed: [bool; 9],
}

impl RawConfig {
    pub(crate) const KEYS: &'static [&'static str] = &[
        "global",
        "route",
        "inhibit_rules",
        "receivers",
        "templates",
        "mute_time_intervals",
        "time_intervals",
        "tracing",
        "event_recorder",
    ];

    pub(crate) fn failed(&self, key: &str) -> bool {
        Self::KEYS
            .iter()
            .position(|k| *k == key)
            .and_then(|i| self.failed.get(i))
            .copied()
            .unwrap_or(false)
    }
}

impl Decode for RawConfig {
    fn zero() -> Self {
        RawConfig {
            tracing: TracingConfig::zero(),
            ..RawConfig::default()
        }
    }
    fn go_type() -> String {
        "config.Config".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        cx.struct_fields(id, "config.plain", Self::KEYS, |cx, index, value| {
            let before = cx.error_count();
            match index {
                0 => cx.value(value, &mut self.global),
                1 => cx.value(value, &mut self.route),
                2 => cx.value(value, &mut self.inhibit_rules),
                3 => cx.value(value, &mut self.receivers),
                4 => cx.value(value, &mut self.templates),
                5 => cx.value(value, &mut self.mute_time_intervals),
                6 => cx.value(value, &mut self.time_intervals),
                7 => cx.value(value, &mut self.tracing),
                _ => cx.value(value, &mut self.event_recorder),
            }
            if let Some(failed) = self.failed.get_mut(index) {
                *failed |= cx.error_count() != before;
            }
        });
    }
}

/// A loaded, validated alertmanager.yml with every default and every
/// inherited `global` setting filled in, and relative paths (templates,
/// TLS and credential files of `http_config`) resolved against the
/// configuration file's directory.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub global: GlobalConfig,
    pub route: Route,
    pub inhibit_rules: Vec<InhibitRule>,
    pub receivers: Vec<Receiver>,
    /// Template file globs (the last path component may be a wildcard).
    pub templates: Vec<String>,
    /// Deprecated spelling of `time_intervals`; both share one namespace.
    pub mute_time_intervals: Vec<NamedTimeInterval>,
    pub time_intervals: Vec<NamedTimeInterval>,
    /// `None` when the `tracing:` block is absent.
    pub tracing: Option<TracingConfig>,
    pub event_recorder: EventRecorderConfig,
    /// The file's text as read.
    pub original: String,
}

impl Config {
    /// The receiver called `name`.
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name == name)
    }

    /// The time interval called `name`, from either list.
    pub fn time_interval(&self, name: &str) -> Option<&NamedTimeInterval> {
        self.time_intervals
            .iter()
            .chain(&self.mute_time_intervals)
            .find(|t| t.name == name)
    }

    /// The configuration as Alertmanager prints it (`config.original` of
    /// `GET /api/v2/status`, `amtool config show`): re-marshalled with
    /// defaults filled in and secrets shown as `<secret>`.
    pub fn to_yaml(&self) -> String {
        emit(&self.render())
    }
}

impl Render for Config {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        push_field(&mut f, "global", &Some(self.global.clone()), true);
        push_field(&mut f, "route", &Some(self.route.clone()), true);
        push_field(&mut f, "inhibit_rules", &self.inhibit_rules, true);
        push_field(&mut f, "receivers", &self.receivers, true);
        push_field(&mut f, "templates", &self.templates, false);
        push_field(
            &mut f,
            "mute_time_intervals",
            &self.mute_time_intervals,
            true,
        );
        push_field(&mut f, "time_intervals", &self.time_intervals, true);
        push_field(&mut f, "tracing", &self.tracing, true);
        push_field(&mut f, "event_recorder", &self.event_recorder, true);
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        false
    }
}
