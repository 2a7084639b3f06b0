//! alertmanager.yml: the schema with every default, inheritance of global
//! settings into receivers, validation that reports every problem at once
//! with file:line:column, and rendering back to YAML with secrets masked.
//!
//! This crate only describes configuration; it builds no routing tree and
//! sends nothing (see `tocsin-alerting` and `tocsin-notify`).
//!
//! Entry points: [`load_file`] / [`load_str`] (and their `_with` variants
//! taking [`LoadOptions`]) return [`Loaded`] (the [`Config`] plus warnings)
//! or a [`LoadFailure`] holding every [`Diagnostic`]. [`Config::to_yaml`]
//! prints the configuration as Alertmanager does.

pub mod common;
mod config;
mod decode;
pub mod diagnostic;
pub mod event_recorder;
pub mod global;
mod hints;
pub mod http;
mod lint;
mod load;
pub mod notifiers;
pub mod options;
pub mod receiver;
pub mod render;
pub mod route;
pub mod time_intervals;
pub mod tracing;
mod validate;
pub mod yaml;

pub use common::{HostPort, Secret, SecretTemplateUrl, SecretUrl, Url};
pub use config::Config;
pub use decode::Value;
pub use diagnostic::{Diagnostic, LoadFailure, Severity};
pub use global::GlobalConfig;
pub use load::{Loaded, load_bytes_with, load_file, load_file_with, load_str, load_str_with};
pub use options::LoadOptions;
pub use receiver::Receiver;
pub use route::{GroupBy, InhibitRule, Route, WrittenMatchers};
pub use time_intervals::NamedTimeInterval;
