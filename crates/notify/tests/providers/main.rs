//! Integration tests of the Slack, PagerDuty, OpsGenie, VictorOps and email
//! integrations, one binary: each against a real server on 127.0.0.1:0
//! standing in for the provider (an HTTP stub or a small SMTP server), the
//! `http_config` mapping, and the differential test against the real
//! Alertmanager 0.25.

#[path = "../common/recording_server.rs"]
mod recording_server;
#[path = "../common/upstream.rs"]
mod upstream;

mod differential;
mod email;
mod http_config;
mod oauth2;
mod opsgenie;
mod pagerduty;
mod slack;
mod smtp_server;
mod support;
mod victorops;
