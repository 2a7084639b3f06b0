//! The alerting core: the effective routing tree, the alert store, the
//! dispatcher with its aggregation groups and timers, inhibition, silences,
//! the notification log, and the notification pipeline that talks to
//! receivers through the [`notifier::Notifier`] trait.
//!
//! Time is injected through [`clock::Clock`], so timing tests run on paused
//! tokio time.

pub mod alert;
pub mod clock;
pub mod dispatch;
pub mod flush;
pub mod inhibit;
pub mod nflog;
pub mod notifier;
pub mod persist;
pub mod pipeline;
pub mod route;
pub mod silence;
pub mod store;
