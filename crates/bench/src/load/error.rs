//! The one error type of the `load` machinery: everything that can stop a
//! measurement (bad URL, connection failures, unexpected answers). Failed
//! requests during a measurement are counted, not raised.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("unsupported URL {0:?}: expected http://host:port[/prefix]")]
    BadUrl(String),
    #[error("connecting to {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("HTTP: {0}")]
    Http(#[from] hyper::Error),
    #[error("building a request: {0}")]
    Request(#[from] hyper::http::Error),
    #[error("{url} did not answer 200 on /-/ready within {waited:?}")]
    NotReady { url: String, waited: Duration },
    #[error("{path} answered {status}: {body}")]
    Status {
        path: String,
        status: u16,
        body: String,
    },
    #[error("decoding the answer of {path}: {source}")]
    Decode {
        path: String,
        source: serde_json::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("a posting task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}
