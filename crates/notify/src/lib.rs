//! Notification integrations: each turns a group of alerts into the exact
//! request its provider expects and classifies the answer for retries.
//!
//! Foundation shared by every integration: [`data`] (the template data of
//! one notification), [`gojson`] (Go-compatible JSON bytes), [`http`] (the
//! configured HTTP client), [`retry`] (what a status code means) and
//! [`env`] (process-wide inputs), [`template`] (Alertmanager's templates and
//! functions) and [`preview`] (what a notification would send, without
//! sending it). Integrations: [`webhook`].

pub mod data;
pub mod env;
mod goerror;
pub mod gojson;
pub mod http;
pub mod preview;
pub mod retry;
pub mod template;
pub mod webhook;

pub use env::IntegrationEnv;
pub use webhook::{WebhookNotifier, WebhookSettings, WebhookUrl};
