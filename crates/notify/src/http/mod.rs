//! Outgoing HTTP for integrations: [`HttpClientSettings`] (prometheus/common's
//! `http_config`, as plain data), the rustls configuration built from its
//! `tls_config`, and [`HttpClient`], the pooled client that applies
//! authorization (including OAuth 2.0 client-credentials tokens), extra
//! headers and the User-Agent to each request.
//! [`HttpClientSettings::from_config`] maps the configuration layer's
//! `http_config` onto the settings.

mod client;
mod from_config;
mod oauth2;
mod settings;
mod tls;

pub(crate) use from_config::tls_settings;
pub(crate) use tls::client_config;

pub use client::{
    HttpClient, HttpClientError, HttpResponse, Method, OutgoingRequest, RequestError,
};
pub use settings::{
    Authorization, BasicAuth, HttpClientSettings, HttpHeader, OAuth2Settings, ProxySettings,
    Secret, TlsSettings, TlsVersion,
};
