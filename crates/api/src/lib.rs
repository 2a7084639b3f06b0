//! The HTTP surface of `tocsin alertmanager`: Alertmanager's API v2 (as
//! `api/v2/openapi.yaml` and upstream's handlers define it), `/-/healthy`,
//! `/-/ready`, `/-/reload`, `/metrics`, the `/api/v1/*` 410 notices, the
//! `--web.config.file` (TLS, basic auth) and the server loop.
//!
//! The crate talks to the alerting core only through the
//! [`AlertmanagerCore`] trait and its plain data types ([`backend`]); all
//! HTTP behaviour (routing, parameters, filters, JSON shapes, status codes,
//! error bodies) lives here. [`metrics`] declares Alertmanager's metrics and
//! renders them in the Prometheus text format.

pub mod backend;
pub mod filter;
pub mod gojson;
pub mod metrics;
pub mod query;
pub mod router;
pub mod serve;
pub mod strfmt;
pub mod v2;
pub mod web_config;
pub mod wire;

pub use backend::{
    Alert, AlertGroup, AlertState, AlertStatus, AlertmanagerCore, ClusterState, ClusterStatus,
    CoreError, CoreFuture, DateTime, NewSilence, Peer, Receiver, RoutedAlert, Silence,
    SilenceError, SilenceMatcher, Status, VersionInfo,
};
pub use metrics::AlertmanagerMetrics;
pub use router::{ApiOptions, router};
pub use serve::{ServeError, ServeOptions, serve};
pub use web_config::{WebConfig, WebConfigError, WebConfigFile};
