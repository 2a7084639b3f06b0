//! The boundary between the HTTP surface and the alerting core: the
//! [`AlertmanagerCore`] trait and the plain data it exchanges.
//!
//! Everything the API decides on its own (query parsing, filters, defaults
//! for posted alerts, validation, sorting, JSON shapes, status codes) lives
//! on this side; the core only stores, routes, groups and predicts. The
//! types here carry no HTTP or JSON concerns.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use jiff::Timestamp;
use tocsin_model::{Fingerprint, LabelSet, MatchType, PackedLabelSet, PackedLabels};

pub use crate::strfmt::DateTime;

/// A boxed future returned by the core's asynchronous methods.
pub type CoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An alert as stored by the core. For posted alerts the API has already
/// applied upstream's defaults (`updated_at = now`; missing `starts_at` →
/// `ends_at` or now; missing `ends_at` → now + resolve_timeout with
/// `timeout = true`), removed empty-valued labels and validated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub labels: PackedLabelSet,
    pub annotations: PackedLabelSet,
    pub starts_at: DateTime,
    pub ends_at: DateTime,
    pub updated_at: DateTime,
    /// Empty when the client sent none.
    pub generator_url: String,
    /// `ends_at` was derived from `resolve_timeout`.
    pub timeout: bool,
}

/// A stored alert with the receivers the current route tree sends it to
/// (route-match order, duplicates kept), for `GET /api/v2/alerts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutedAlert {
    pub alert: Alert,
    /// The fingerprint of `alert.labels` (the store already knows it).
    pub fingerprint: Fingerprint,
    pub receivers: Vec<String>,
}

/// An alert's state as the API reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertState {
    Unprocessed,
    Active,
    Suppressed,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Unprocessed => "unprocessed",
            AlertState::Active => "active",
            AlertState::Suppressed => "suppressed",
        }
    }
}

/// The status predicted for a label set at query time (upstream runs the
/// inhibitor and the silencer against a fresh marker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertStatus {
    pub state: AlertState,
    /// IDs of the silences muting the alert.
    pub silenced_by: Vec<String>,
    /// Fingerprints (16 hex digits) of the alerts inhibiting it.
    pub inhibited_by: Vec<String>,
}

/// One live aggregation group of the current dispatcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertGroup {
    /// The group labels (values of the route's `group_by`).
    pub labels: LabelSet,
    /// The route's `labels:` (0.34).
    pub route_labels: LabelSet,
    pub receiver: String,
    /// Names of the time intervals muting the group right now (upstream's
    /// group marker); empty when the group is not muted.
    pub muted_by: Vec<String>,
    pub alerts: Vec<Alert>,
}

/// One matcher of a silence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilenceMatcher {
    pub name: String,
    /// The value or regular expression as the user wrote it.
    pub value: String,
    pub kind: MatchType,
}

/// A stored silence. Times are instants (0.34 stores them as protobuf
/// timestamps and reports them in UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<SilenceMatcher>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub updated_at: Timestamp,
    pub created_by: String,
    pub comment: String,
    pub annotations: BTreeMap<String, String>,
}

/// A silence to create, or to update when `id` is set. The API has checked
/// `starts_at < ends_at` and that `ends_at` is not in the past; the core
/// applies `silence.Set` (validation, update-in-place or replace, clamping
/// `starts_at` to now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSilence {
    pub id: Option<String>,
    pub matchers: Vec<SilenceMatcher>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub created_by: String,
    pub comment: String,
    pub annotations: BTreeMap<String, String>,
}

/// A configured receiver (config order), with its `labels:` (0.33+
/// includes `name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver {
    pub name: String,
    pub labels: LabelSet,
}

/// The cluster part of `GET /api/v2/status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterStatus {
    /// This peer's name; `None` when clustering is disabled.
    pub name: Option<String>,
    pub state: ClusterState,
    /// Other peers; the API sorts them by name.
    pub peers: Vec<Peer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterState {
    Ready,
    Settling,
    Disabled,
}

impl ClusterState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterState::Ready => "ready",
            ClusterState::Settling => "settling",
            ClusterState::Disabled => "disabled",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub name: String,
    pub address: String,
}

/// Build information (`versionInfo`, and the labels of
/// `alertmanager_build_info`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VersionInfo {
    pub version: String,
    pub revision: String,
    pub branch: String,
    pub build_user: String,
    pub build_date: String,
    /// Upstream reports the Go version; tocsin reports its toolchain.
    pub go_version: String,
}

/// `GET /api/v2/status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub cluster: ClusterStatus,
    pub version: VersionInfo,
    /// The loaded configuration re-marshalled as YAML (secrets hidden).
    pub config_original: String,
    /// Process start time.
    pub uptime: DateTime,
}

/// A failure inside the core; served as 500 with the message as body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CoreError(pub String);

/// Why a silence could not be created, updated or expired.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SilenceError {
    /// Unknown ID (upstream `silence.ErrNotFound`, text `silence not found`).
    #[error("silence not found")]
    NotFound,
    /// Rejected input (validation, limits); served as 400 with this text.
    #[error("{0}")]
    Invalid(String),
    /// Anything else; served as 500.
    #[error("{0}")]
    Internal(String),
}

/// What the API needs from the alerting core.
///
/// Synchronous methods must not block on I/O or on other tasks: they run on
/// the HTTP worker threads. The asynchronous ones may wait (e.g. for the
/// dispatcher to finish loading, or for a reload).
pub trait AlertmanagerCore: Send + Sync + 'static {
    /// The wall clock used for defaults and for "expired/active" decisions.
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    /// `global.resolve_timeout` of the loaded configuration.
    fn resolve_timeout(&self) -> Duration;

    /// Store valid posted alerts (merging by fingerprint as upstream).
    fn put_alerts(&self, alerts: Vec<Alert>) -> CoreFuture<'_, Result<(), CoreError>>;

    /// Every stored alert (resolved ones included; the API drops those whose
    /// `ends_at` has passed), each with its route-tree receivers.
    fn alerts(&self) -> CoreFuture<'_, Result<Vec<RoutedAlert>, CoreError>>;

    /// Every live aggregation group of the current dispatcher with all its
    /// alerts (the API filters and sorts).
    fn alert_groups(&self) -> CoreFuture<'_, Result<Vec<AlertGroup>, CoreError>>;

    /// The status of an alert with these labels right now: inhibitor and
    /// silencer evaluated on a fresh marker, nothing recorded.
    fn alert_status(&self, labels: PackedLabels<'_>) -> AlertStatus;

    /// `true` when [`AlertmanagerCore::alert_status`] is certain to answer
    /// `active` with no silences and no inhibitors for every label set right
    /// now (e.g. no silences stored and no inhibition rules), so the API can
    /// skip asking alert by alert. `false` is always correct.
    fn all_statuses_active(&self) -> bool {
        false
    }

    /// Every stored silence, expired ones included.
    fn silences(&self) -> CoreFuture<'_, Result<Vec<Silence>, CoreError>>;

    /// One silence by ID (`Ok(None)` when unknown).
    fn silence(&self, id: &str) -> CoreFuture<'_, Result<Option<Silence>, CoreError>>;

    /// Create or update a silence; returns the ID of the resulting silence
    /// (a new one when the update could not be made in place).
    fn set_silence(&self, silence: NewSilence) -> CoreFuture<'_, Result<String, SilenceError>>;

    /// Expire a silence now (no-op for already expired ones).
    fn expire_silence(&self, id: &str) -> CoreFuture<'_, Result<(), SilenceError>>;

    /// Configured receivers in configuration order.
    fn receivers(&self) -> Vec<Receiver>;

    /// Data for `GET /api/v2/status`.
    fn status(&self) -> Status;

    /// Re-read and apply the configuration (`POST /-/reload`); the error
    /// text is served as `failed to reload config: <text>`.
    fn reload(&self) -> CoreFuture<'_, Result<(), String>>;
}
