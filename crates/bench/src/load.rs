//! The `load` command's machinery: HTTP load against a running
//! Alertmanager-compatible server (tocsin or upstream), for the figures in
//! `docs/benchmarks.md` ("Alertmanager server"). It owns alert generation,
//! a minimal keep-alive HTTP/1.1 client, the posting loop, the query timer,
//! the webhook receiver and the flush measurement; it never starts or stops
//! servers (the driver script under `crates/bench/scripts/` does that).

pub mod alerts;
pub mod error;
pub mod flush;
pub mod http;
pub mod ingest;
pub mod procstat;
pub mod query;
pub mod stats;
pub mod webhook;

pub use error::LoadError;
