//! Where the server is reachable: binding `--web.listen-address`es (an
//! empty host listens on every interface, IPv6 and IPv4 as Go does), and
//! the external URL and route prefix derived from the flags and the first
//! bound address (upstream `app/listen.go`, `app/url.go`).

use std::net::SocketAddr;

use tocsin_config::common::GoUrl;
use tokio::net::TcpListener;

use super::settings::ListenAddress;

/// Binds every address, in order (`listen tcp <addr>: <cause>` on failure).
pub async fn bind_all(addresses: &[ListenAddress]) -> Result<Vec<TcpListener>, String> {
    let mut listeners = Vec::with_capacity(addresses.len());
    for address in addresses {
        let bound = if address.host.is_empty() {
            match TcpListener::bind(SocketAddr::from(([0u16; 8], address.port))).await {
                Ok(l) => Ok(l),
                Err(_) => TcpListener::bind(SocketAddr::from(([0u8; 4], address.port))).await,
            }
        } else {
            TcpListener::bind((address.host.as_str(), address.port)).await
        };
        let display = if address.host.is_empty() {
            format!(":{}", address.port)
        } else {
            address.to_string()
        };
        listeners.push(bound.map_err(|e| format!("listen tcp {display}: {e}"))?);
    }
    Ok(listeners)
}

/// The machine's host name as Go's `os.Hostname` reads it on Linux.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Upstream `extURL`: `--web.external-url`, else `http://<hostname>:<port>/`
/// of the first listener; only http and https; the path loses its
/// trailing slashes and gains a leading one.
pub fn external_url(flag: Option<&str>, first_listener_port: u16) -> Result<GoUrl, String> {
    let raw = match flag {
        Some(url) => url.to_owned(),
        None => format!("http://{}:{first_listener_port}/", hostname()),
    };
    let mut url = GoUrl::parse(&raw)?;
    if url.scheme != "http" && url.scheme != "https" {
        return Err(format!(
            "{}: invalid {} scheme, only 'http' and 'https' are supported",
            tocsin_model::goquote::go_quote(&url.to_string()),
            tocsin_model::goquote::go_quote(&url.scheme)
        ));
    }
    let trimmed = url.path.trim_end_matches('/');
    url.path = if trimmed.is_empty() || trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    };
    Ok(url)
}

/// `--web.route-prefix`, defaulting to the external URL's path.
pub fn route_prefix(flag: Option<&str>, external: &GoUrl) -> String {
    let prefix = flag.unwrap_or(&external.path);
    format!("/{}", prefix.trim_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_url_like_upstream() {
        let u = external_url(Some("https://am.example.com/alerts/"), 9093).unwrap();
        assert_eq!(u.to_string(), "https://am.example.com/alerts");
        assert_eq!(route_prefix(None, &u), "/alerts");
        assert_eq!(route_prefix(Some("other/"), &u), "/other");
        let derived = external_url(None, 1234).unwrap();
        assert!(derived.to_string().starts_with("http://"));
        assert!(derived.to_string().ends_with(":1234"), "{derived}");
        assert_eq!(route_prefix(None, &derived), "/");
        assert_eq!(
            external_url(Some("ftp://x/"), 1).unwrap_err(),
            "\"ftp://x/\": invalid \"ftp\" scheme, only 'http' and 'https' are supported"
        );
    }

    #[tokio::test]
    async fn binds_and_reports_failures_like_go() {
        let first = bind_all(&[ListenAddress {
            host: "127.0.0.1".into(),
            port: 0,
        }])
        .await
        .unwrap();
        let port = first[0].local_addr().unwrap().port();
        let err = bind_all(&[ListenAddress {
            host: "127.0.0.1".into(),
            port,
        }])
        .await
        .unwrap_err();
        assert!(
            err.starts_with(&format!("listen tcp 127.0.0.1:{port}: ")),
            "{err}"
        );
    }
}
