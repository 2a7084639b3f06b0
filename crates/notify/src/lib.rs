//! Notification integrations: each turns a group of alerts into the exact
//! request its provider expects and classifies the answer for retries.
//!
//! Foundation shared by every integration: [`data`] (the template data of
//! one notification), [`gojson`] (Go-compatible JSON bytes), [`http`] (the
//! configured HTTP client), [`retry`] (what a status code means) and
//! [`env`] (process-wide inputs), [`template`] (Alertmanager's templates and
//! functions) and [`preview`] (what a notification would send, without
//! sending it). Helpers for integrations: [`field_template`] (rendering
//! configured fields), [`outgoing`] (one prepared request, shown by previews
//! and sent by notifiers), [`json_template`] (templated JSON documents),
//! [`gojson_read`] (providers' answers with Go's error texts), [`urlenc`]
//! (Go's URL encoding), [`sigv4`] (AWS request signing). Integrations:
//! [`webhook`], [`discord`], [`webex`], [`telegram`], [`msteams`],
//! [`msteamsv2`], [`pushover`], [`wechat`], [`rocketchat`], [`mattermost`],
//! [`sns`], [`jira`], [`incidentio`], and the others listed below.

/// The [`Notifier`](tocsin_alerting::notifier::Notifier) implementation
/// every integration shares: `$ty` has an `index` field and an
/// `async fn send(&self, ctx, alerts)`, and reports `send_resolved` from
/// `self.config` unless an accessor is given.
macro_rules! impl_notifier {
    ($ty:ty, $name:literal) => {
        impl_notifier!($ty, $name, |n: &$ty| n.config.send_resolved);
    };
    ($ty:ty, $name:literal, $send_resolved:expr) => {
        impl tocsin_alerting::notifier::Notifier for $ty {
            fn integration(&self) -> &str {
                $name
            }

            fn index(&self) -> usize {
                self.index
            }

            fn send_resolved(&self) -> bool {
                ($send_resolved)(self)
            }

            fn notify<'a>(
                &'a self,
                ctx: &'a tocsin_alerting::notifier::NotifyContext,
                alerts: &'a [tocsin_alerting::alert::Alert],
            ) -> std::pin::Pin<
                Box<
                    dyn std::future::Future<
                            Output = Result<(), tocsin_alerting::notifier::NotifyError>,
                        > + Send
                        + 'a,
                >,
            > {
                Box::pin(self.send(ctx, alerts))
            }
        }
    };
}

mod aws_credentials;
mod build_error;
pub mod data;
pub mod discord;
pub mod email;
pub mod env;
pub mod field_template;
mod goerror;
pub mod gojson;
pub mod gojson_read;
pub mod group_key;
pub mod http;
pub mod incidentio;
pub mod jira;
pub mod json_template;
pub mod mattermost;
pub mod msteams;
pub mod msteamsv2;
pub mod opsgenie;
pub mod outgoing;
pub mod pagerduty;
pub mod preview;
pub mod provider_url;
pub mod pushover;
pub mod receiver;
pub mod retry;
pub mod rocketchat;
pub mod sigv4;
pub mod slack;
pub mod sns;
pub mod telegram;
pub mod template;
pub mod truncate;
pub mod urlenc;
pub mod victorops;
pub mod webex;
pub mod webhook;
pub mod wechat;

pub use build_error::BuildError;
pub use env::IntegrationEnv;
pub use webhook::{WebhookNotifier, WebhookSettings, WebhookUrl};
