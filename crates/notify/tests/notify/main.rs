//! Integration tests of tocsin-notify, one binary: webhook behaviour
//! against a real HTTP server, TLS settings against a real HTTPS server,
//! Go differential checks and the Alertmanager 0.25 differential tests;
//! the chat, paging and cloud integrations against stand-in providers.

mod chat_integrations;
#[path = "../common/recording_server.rs"]
mod recording_server;
#[path = "../common/upstream.rs"]
mod upstream;

mod differential;
mod differential_integrations;
mod discord;
mod go_oracle;
mod integration_support;
mod jira;
mod provider_apis;
mod sns;
mod support;
mod tls;
mod webhook;
mod webhook_templates;
