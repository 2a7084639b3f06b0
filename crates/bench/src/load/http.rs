//! A minimal HTTP/1.1 client for plain `http://` servers: one
//! [`Connection`] is one keep-alive TCP connection carrying requests one at
//! a time, so "4 connections" means exactly four sockets. No TLS, no
//! redirects, no pooling: the load generator must stay cheap because it
//! shares the machine's cores with the server it measures.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::LoadError;

/// Where a server listens: `http://host:port` plus an optional path
/// prefix (the server's `--web.route-prefix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `host:port`, also sent as the `Host` header.
    pub authority: String,
    /// Empty or `/prefix` (no trailing slash).
    pub prefix: String,
}

impl Endpoint {
    pub fn parse(url: &str) -> Result<Endpoint, LoadError> {
        let bad = || LoadError::BadUrl(url.to_owned());
        let rest = url.strip_prefix("http://").ok_or_else(bad)?;
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.is_empty() || !authority.contains(':') {
            return Err(bad());
        }
        Ok(Endpoint {
            authority: authority.to_owned(),
            prefix: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The request target for an API path such as `/api/v2/alerts`.
    pub fn target(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    pub fn url(&self) -> String {
        format!("http://{}{}", self.authority, self.prefix)
    }
}

/// One keep-alive connection.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    authority: String,
}

impl Connection {
    pub async fn open(endpoint: &Endpoint) -> Result<Connection, LoadError> {
        let stream = TcpStream::connect(&endpoint.authority)
            .await
            .map_err(|source| LoadError::Connect {
                addr: endpoint.authority.clone(),
                source,
            })?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        // The connection task ends when the sender is dropped or the peer
        // closes; its error (if any) surfaces on the next request.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Connection {
            sender,
            authority: endpoint.authority.clone(),
        })
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(
        &mut self,
        method: Method,
        target: &str,
        body: Option<Bytes>,
    ) -> Result<(StatusCode, Bytes), LoadError> {
        let mut builder = Request::builder()
            .method(method)
            .uri(target)
            .header(HOST, &self.authority);
        if body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        let request = builder.body(Full::new(body.unwrap_or_default()))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

/// Polls `GET /-/ready` until it answers 200 or `timeout` passes.
pub async fn wait_ready(endpoint: &Endpoint, timeout: Duration) -> Result<(), LoadError> {
    let start = Instant::now();
    let target = endpoint.target("/-/ready");
    loop {
        if let Ok(mut c) = Connection::open(endpoint).await
            && let Ok((StatusCode::OK, _)) = c.send(Method::GET, &target, None).await
        {
            return Ok(());
        }
        if start.elapsed() > timeout {
            return Err(LoadError::NotReady {
                url: endpoint.url(),
                waited: timeout,
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let e = Endpoint::parse("http://127.0.0.1:9093").unwrap();
        assert_eq!(e.authority, "127.0.0.1:9093");
        assert_eq!(e.target("/api/v2/alerts"), "/api/v2/alerts");
        let e = Endpoint::parse("http://localhost:1/am/").unwrap();
        assert_eq!(e.target("/-/ready"), "/am/-/ready");
        assert_eq!(e.url(), "http://localhost:1/am");
        for bad in ["https://h:1", "127.0.0.1:9093", "http://", "http://host/x"] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
