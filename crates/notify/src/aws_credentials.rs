//! Where SNS's AWS credentials come from beyond static keys and the
//! environment: a profile of the shared credentials file
//! (`$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`), read at every
//! send as the AWS SDK reads it, and an IAM role assumed through STS
//! `AssumeRole` (a SigV4-signed Query API call with the base credentials),
//! whose temporary credentials are cached until a minute before their
//! `Expiration`. The STS endpoint is `$AWS_ENDPOINT_URL_STS` (the SDK's
//! service-specific endpoint variable), else
//! `https://sts.<region>.amazonaws.com`. Signing and the SNS request itself
//! live in [`crate::sigv4`] and [`crate::sns`].

use std::path::PathBuf;

use jiff::{SignedDuration, Timestamp};
use tocsin_config::common::GoUrl;

use crate::http::{HttpClient, Method, OutgoingRequest};
use crate::sigv4::{self, Credentials, Scope, SigningRequest};
use crate::sns::{form_body, host_header, xml_element};

/// Temporary credentials are renewed this long before they expire.
const RENEW_BEFORE_EXPIRY: SignedDuration = SignedDuration::from_secs(60);
/// The session length asked for (the SDK's default, 15 minutes).
const SESSION_SECONDS: &str = "900";

/// The credentials of `profile` in the shared credentials file.
pub(crate) fn profile_credentials(profile: &str) -> Result<Credentials, String> {
    let path = shared_credentials_path()?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "failed to load shared credentials file {}: {e}",
            path.display()
        )
    })?;
    let section = profile_section(&text, profile).ok_or_else(|| {
        format!(
            "failed to get shared config profile, {profile} (not in {})",
            path.display()
        )
    })?;
    let get = |key: &str| {
        section
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(access_key), Some(secret_key)) => Ok(Credentials {
            access_key,
            secret_key,
            session_token: get("aws_session_token"),
        }),
        _ => Err(format!(
            "shared credentials profile {profile} in {} has no aws_access_key_id and aws_secret_access_key",
            path.display()
        )),
    }
}

fn shared_credentials_path() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| PathBuf::from(home).join(".aws").join("credentials"))
        .ok_or_else(|| {
            "cannot locate the shared credentials file: neither AWS_SHARED_CREDENTIALS_FILE nor HOME is set"
                .to_owned()
        })
}

/// The `key = value` lines of `[profile]` in an INI text (`#`/`;` comments).
fn profile_section(text: &str, profile: &str) -> Option<Vec<(String, String)>> {
    let mut in_profile = false;
    let mut found = false;
    let mut entries = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_profile = name.trim() == profile;
            found |= in_profile;
            continue;
        }
        if in_profile && let Some((key, value)) = line.split_once('=') {
            entries.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    found.then_some(entries)
}

/// Temporary credentials and when they expire.
struct Session {
    credentials: Credentials,
    expiration: Timestamp,
}

/// One role to assume, with its cached session.
pub(crate) struct AssumedRole {
    role_arn: String,
    client: HttpClient,
    session: tokio::sync::Mutex<Option<Session>>,
}

impl std::fmt::Debug for AssumedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssumedRole")
            .field("role_arn", &self.role_arn)
            .finish_non_exhaustive()
    }
}

impl AssumedRole {
    /// `client` talks to STS.
    pub(crate) fn new(role_arn: String, client: HttpClient) -> Self {
        AssumedRole {
            role_arn,
            client,
            session: tokio::sync::Mutex::new(None),
        }
    }

    /// The role's temporary credentials, assuming the role with `base` when
    /// none are cached or they are about to expire.
    pub(crate) async fn credentials(
        &self,
        base: &Credentials,
        region: &str,
        now: Timestamp,
    ) -> Result<Credentials, String> {
        let mut session = self.session.lock().await;
        if let Some(current) = session.as_ref().filter(|s| {
            now.checked_add(RENEW_BEFORE_EXPIRY)
                .is_ok_and(|t| t < s.expiration)
        }) {
            return Ok(current.credentials.clone());
        }
        let fresh = self.assume(base, region, now).await?;
        let credentials = fresh.credentials.clone();
        *session = Some(fresh);
        Ok(credentials)
    }

    async fn assume(
        &self,
        base: &Credentials,
        region: &str,
        now: Timestamp,
    ) -> Result<Session, String> {
        let failed = |detail: String| {
            format!("failed to retrieve credentials: operation error STS: AssumeRole, {detail}")
        };
        let endpoint = std::env::var("AWS_ENDPOINT_URL_STS")
            .ok()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| format!("https://sts.{region}.amazonaws.com"));
        let endpoint =
            GoUrl::parse(&endpoint).map_err(|e| failed(format!("invalid STS endpoint: {e}")))?;
        let session_name = format!("aws-go-sdk-{}", now.as_nanosecond());
        let body = form_body(vec![
            ("Action".to_owned(), b"AssumeRole".to_vec()),
            (
                "DurationSeconds".to_owned(),
                SESSION_SECONDS.as_bytes().to_vec(),
            ),
            ("RoleArn".to_owned(), self.role_arn.as_bytes().to_vec()),
            ("RoleSessionName".to_owned(), session_name.into_bytes()),
            ("Version".to_owned(), b"2011-06-15".to_vec()),
        ]);
        let path = format!("{}/", endpoint.path.trim_end_matches('/'));
        let mut signed: Vec<(String, String)> = vec![
            (
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("Host".to_owned(), host_header(&endpoint)),
            ("X-Amz-Date".to_owned(), sigv4::amz_date(now)),
        ];
        if let Some(token) = &base.session_token {
            signed.push(("X-Amz-Security-Token".to_owned(), token.clone()));
        }
        let authorization = sigv4::authorization(
            &SigningRequest {
                method: "POST",
                path: &path,
                query: &[],
                headers: &signed,
                payload: &body,
            },
            &Scope {
                region,
                service: "sts",
                time: now,
            },
            base,
        );
        // Content-Type and Host are set by the client itself.
        let mut headers: Vec<(String, String)> = signed.into_iter().skip(2).collect();
        headers.push(("Authorization".to_owned(), authorization));
        let url = format!("{}://{}{path}", endpoint.scheme, endpoint.host);
        let response = self
            .client
            .send(OutgoingRequest {
                method: Method::Post,
                url: &url,
                content_type: Some("application/x-www-form-urlencoded"),
                headers: &headers,
                body: Some(body),
                timeout: None,
            })
            .await
            .map_err(|e| failed(format!("https request error: {e}")))?;
        if response.status / 100 != 2 {
            let code = xml_element(&response.body, "Code").unwrap_or_default();
            let message = xml_element(&response.body, "Message").unwrap_or_default();
            return Err(failed(format!(
                "https response error StatusCode: {}, api error {code}: {message}",
                response.status
            )));
        }
        let field = |name: &str| {
            xml_element(&response.body, name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| failed(format!("the answer has no {name}")))
        };
        let expiration = field("Expiration")?;
        Ok(Session {
            credentials: Credentials {
                access_key: field("AccessKeyId")?,
                secret_key: field("SecretAccessKey")?,
                session_token: Some(field("SessionToken")?),
            },
            expiration: expiration
                .parse()
                .map_err(|e| failed(format!("invalid Expiration {expiration:?}: {e}")))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_sections_are_found_with_comments_and_spacing() {
        let text = "# c\n[default]\naws_access_key_id=D\n\n[ prod ]\n; note\naws_access_key_id = P\naws_secret_access_key= S \n[other]\nx=y\n";
        assert_eq!(
            profile_section(text, "prod"),
            Some(vec![
                ("aws_access_key_id".to_owned(), "P".to_owned()),
                ("aws_secret_access_key".to_owned(), "S".to_owned()),
            ])
        );
        assert_eq!(profile_section(text, "missing"), None);
    }
}
