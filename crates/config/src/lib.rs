//! alertmanager.yml: the schema with every default, inheritance of global
//! settings into receivers, validation that reports every problem at once
//! with file:line:column, and rendering back to YAML with secrets masked.
//!
//! This crate only describes configuration; it builds no routing tree and
//! sends nothing (see `tocsin-alerting` and `tocsin-notify`).

pub mod decode;
pub mod diagnostic;
mod hints;
pub mod options;
pub mod render;
pub mod route;
pub mod yaml;

pub use route::{GroupBy, InhibitRule, Route};
