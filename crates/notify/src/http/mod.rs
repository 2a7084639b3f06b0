//! Outgoing HTTP for integrations: [`HttpClientSettings`] (prometheus/common's
//! `http_config`, as plain data), the rustls configuration built from its
//! `tls_config`, and [`HttpClient`], the pooled client that applies
//! authorization, extra headers and the User-Agent to each request.

mod client;
mod settings;
mod tls;

pub use client::{HttpClient, HttpClientError, HttpResponse, RequestError};
pub use settings::{
    Authorization, BasicAuth, HttpClientSettings, HttpHeader, ProxySettings, Secret, TlsSettings,
    TlsVersion,
};
