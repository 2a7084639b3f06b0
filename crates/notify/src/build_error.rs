//! Why an integration could not be built from its configuration: the
//! shared error of every `XNotifier::new`. Building happens once per
//! configuration load; sending never produces a [`BuildError`].

use crate::http::HttpClientError;

/// An integration that cannot be built from its (already validated)
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The HTTP client (TLS material, proxy, headers) could not be set up.
    #[error(transparent)]
    Http(#[from] HttpClientError),
    /// The configuration uses something tocsin does not implement yet.
    #[error("{0} is not supported")]
    Unsupported(String),
    /// A value the configuration layer let through but which cannot be used.
    #[error("{0}")]
    Invalid(String),
}
