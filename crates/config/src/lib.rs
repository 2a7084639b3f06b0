//! alertmanager.yml: the schema with every default, inheritance of global
//! settings into receivers, validation that reports every problem at once
//! with file:line:column, and rendering back to YAML with secrets masked.
//!
//! This crate only describes configuration; it builds no routing tree and
//! sends nothing (see `tocsin-alerting` and `tocsin-notify`).

pub mod route;

pub use route::{GroupBy, InhibitRule, Route};
