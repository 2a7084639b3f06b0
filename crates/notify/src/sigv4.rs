//! AWS Signature Version 4 for requests tocsin sends to AWS (SNS): the
//! canonical request, the string to sign, the derived signing key and the
//! `Authorization` header, as AWS specifies them
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>).
//! Only signing lives here; which headers a request carries and where
//! credentials come from is the caller's business. HMAC-SHA256 and SHA-256
//! come from `ring`.

use std::fmt::Write as _;

use jiff::Timestamp;
use ring::{digest, hmac};

/// Long-term (or session) credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: String,
    /// Sent as `X-Amz-Security-Token` (and signed) when present.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .finish_non_exhaustive()
    }
}

/// What a request looks like to the signer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningRequest<'a> {
    pub method: &'a str,
    /// The path as sent (not yet URI-encoded; `/` when empty).
    pub path: &'a str,
    /// Decoded query parameters (key, value), in any order.
    pub query: &'a [(String, String)],
    /// Headers to sign (name, value); names in any case.
    pub headers: &'a [(String, String)],
    pub payload: &'a [u8],
}

/// Where and when a signature applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub time: Timestamp,
}

/// `X-Amz-Date`'s format: `20150830T123600Z`.
pub fn amz_date(time: Timestamp) -> String {
    time.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
}

/// RFC 3986 percent-encoding with AWS's unreserved set (`A-Za-z0-9-_.~`);
/// `/` is kept when `keep_slash`.
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b'/' if keep_slash => out.push('/'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The canonical request and its signed-header list.
pub fn canonical_request(request: &SigningRequest<'_>) -> (String, String) {
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let mut query: Vec<(String, String)> = request
        .query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    query.sort();
    let query = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                value.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    headers.sort();
    let mut canonical_headers = String::new();
    for (name, value) in &headers {
        let _ = writeln!(canonical_headers, "{name}:{value}");
    }
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{query}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        uri_encode(path, true),
        sha256_hex(request.payload)
    );
    (canonical, signed_headers)
}

/// The `Authorization` header value for `request`.
pub fn authorization(
    request: &SigningRequest<'_>,
    scope: &Scope<'_>,
    credentials: &Credentials,
) -> String {
    let (canonical, signed_headers) = canonical_request(request);
    let date_time = amz_date(scope.time);
    let date = date_time.get(..8).unwrap_or_default();
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{date_time}\n{credential_scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let mut key = hmac_sha256(
        format!("AWS4{}", credentials.secret_key).as_bytes(),
        date.as_bytes(),
    );
    for part in [scope.region, scope.service, "aws4_request"] {
        key = hmac_sha256(key.as_ref(), part.as_bytes());
    }
    let signature = hex(hmac_sha256(key.as_ref(), string_to_sign.as_bytes()).as_ref());
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credentials, scope and time of AWS's published SigV4 test suite
    /// (`aws-sig-v4-test-suite`).
    fn suite_credentials() -> Credentials {
        Credentials {
            access_key: "AKIDEXAMPLE".to_owned(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned(),
            session_token: None,
        }
    }

    fn suite_scope() -> Scope<'static> {
        Scope {
            region: "us-east-1",
            service: "service",
            time: "2015-08-30T12:36:00Z".parse().unwrap(),
        }
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn sign(
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        extra: &[(&str, &str)],
        payload: &[u8],
    ) -> String {
        let mut headers = pairs(&[
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ]);
        headers.extend(pairs(extra));
        let query = pairs(query);
        authorization(
            &SigningRequest {
                method,
                path,
                query: &query,
                headers: &headers,
                payload,
            },
            &suite_scope(),
            &suite_credentials(),
        )
    }

    fn expected(signed_headers: &str, signature: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed_headers}, Signature={signature}"
        )
    }

    // Signatures below are AWS's published expectations from the SigV4
    // test suite, vector by vector.
    #[test]
    fn aws_test_suite_vectors() {
        assert_eq!(
            sign("GET", "/", &[], &[], b""),
            expected(
                "host;x-amz-date",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            "get-vanilla"
        );
        assert_eq!(
            sign("POST", "/", &[], &[], b""),
            expected(
                "host;x-amz-date",
                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
            ),
            "post-vanilla"
        );
        assert_eq!(
            sign(
                "GET",
                "/",
                &[("Param2", "value2"), ("Param1", "value1")],
                &[],
                b""
            ),
            expected(
                "host;x-amz-date",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
            ),
            "get-vanilla-query-order-key-case"
        );
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        assert_eq!(
            sign("GET", "/", &[(unreserved, unreserved)], &[], b""),
            expected(
                "host;x-amz-date",
                "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
            ),
            "get-vanilla-query-unreserved"
        );
        assert_eq!(
            sign("GET", "/", &[("ሴ", "bar")], &[], b""),
            expected(
                "host;x-amz-date",
                "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"
            ),
            "get-vanilla-utf8-query"
        );
        assert_eq!(
            sign("GET", "/ሴ", &[], &[], b""),
            expected(
                "host;x-amz-date",
                "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
            ),
            "get-utf8"
        );
        assert_eq!(
            sign("POST", "/", &[], &[("My-Header1", "value1")], b""),
            expected(
                "host;my-header1;x-amz-date",
                "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"
            ),
            "post-header-key-sort"
        );
        assert_eq!(
            sign(
                "GET",
                "/",
                &[],
                &[("My-Header1", "value1"), ("My-Header2", "\"a   b   c\"")],
                b""
            ),
            expected(
                "host;my-header1;my-header2;x-amz-date",
                "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
            ),
            "get-header-value-trim"
        );
        assert_eq!(
            sign(
                "POST",
                "/",
                &[],
                &[("Content-Type", "application/x-www-form-urlencoded")],
                b"Param1=value1"
            ),
            expected(
                "content-type;host;x-amz-date",
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
            ),
            "post-x-www-form-urlencoded"
        );
    }

    // AWS's documented derivation example (IAM ListUsers, 2015-08-30).
    #[test]
    fn iam_documentation_example() {
        let headers = pairs(&[
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ]);
        let query = pairs(&[("Action", "ListUsers"), ("Version", "2010-05-08")]);
        let auth = authorization(
            &SigningRequest {
                method: "GET",
                path: "/",
                query: &query,
                headers: &headers,
                payload: b"",
            },
            &Scope {
                region: "us-east-1",
                service: "iam",
                time: "2015-08-30T12:36:00Z".parse().unwrap(),
            },
            &suite_credentials(),
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }
}
