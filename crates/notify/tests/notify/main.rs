//! Integration tests of tocsin-notify, one binary: webhook behaviour
//! against a real HTTP server, TLS settings against a real HTTPS server,
//! Go differential checks and the Alertmanager 0.25 differential test.

mod differential;
mod go_oracle;
mod support;
mod tls;
mod webhook;
