//! Timing `GET` endpoints (`/api/v2/alerts`, `/api/v2/alerts/groups`):
//! wall time until the whole answer is read, its size, and how many items
//! (and, for groups, alerts) it holds, counted outside the timing.

use std::time::{Duration, Instant};

use hyper::Method;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::LoadError;
use super::http::{Connection, Endpoint};

/// One timed request.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub elapsed: Duration,
    pub bytes: usize,
}

/// Counts of a JSON array answer: its items, and the `alerts` arrays
/// nested in them (groups); alerts have no `alerts` field and count 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub items: usize,
    pub nested_alerts: usize,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    alerts: Vec<IgnoredAny>,
}

pub fn count(path: &str, body: &[u8]) -> Result<Counts, LoadError> {
    let items: Vec<Item> = serde_json::from_slice(body).map_err(|source| LoadError::Decode {
        path: path.to_owned(),
        source,
    })?;
    Ok(Counts {
        items: items.len(),
        nested_alerts: items.iter().map(|i| i.alerts.len()).sum(),
    })
}

/// Requests `path` `repeat` times on one keep-alive connection; the first
/// answer is also counted. A non-200 answer stops with an error.
pub async fn run(
    endpoint: &Endpoint,
    path: &str,
    repeat: usize,
) -> Result<(Vec<Sample>, Option<Counts>), LoadError> {
    let target = endpoint.target(path);
    let mut conn = Connection::open(endpoint).await?;
    let mut samples = Vec::with_capacity(repeat);
    let mut counts = None;
    for _ in 0..repeat {
        let start = Instant::now();
        let (status, body) = conn.send(Method::GET, &target, None).await?;
        let elapsed = start.elapsed();
        if !status.is_success() {
            return Err(LoadError::Status {
                path: path.to_owned(),
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).chars().take(500).collect(),
            });
        }
        if counts.is_none() {
            counts = Some(count(path, &body)?);
        }
        samples.push(Sample {
            elapsed,
            bytes: body.len(),
        });
    }
    Ok((samples, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_alerts_and_groups() {
        let alerts = br#"[{"labels":{"a":"1"}},{"labels":{"a":"2"}}]"#;
        assert_eq!(
            count("/api/v2/alerts", alerts).unwrap(),
            Counts {
                items: 2,
                nested_alerts: 0
            }
        );
        let groups = br#"[{"alerts":[{},{},{}],"labels":{}},{"alerts":[{}],"labels":{}}]"#;
        assert_eq!(
            count("/api/v2/alerts/groups", groups).unwrap(),
            Counts {
                items: 2,
                nested_alerts: 4
            }
        );
        assert!(count("/x", b"{").is_err());
    }
}
