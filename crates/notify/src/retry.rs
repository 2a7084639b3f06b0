//! What an HTTP answer means for a notification, as upstream's
//! `notify.Retrier` and `GetFailureReasonFromStatusCode` decide it: 2xx is
//! success, 5xx (plus any integration-specific codes) is worth retrying,
//! everything else is final; the failure reason labels the
//! `alertmanager_notifications_failed_total` counter.

use tocsin_alerting::notifier::{FailureReason, NotifyError};

/// Status classification for one integration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retrier {
    /// Non-5xx statuses that are retried too (e.g. 429 for PagerDuty).
    pub retry_codes: &'static [u16],
}

impl Retrier {
    /// `Ok` for 2xx; otherwise the error upstream reports:
    /// `unexpected status code <code>` followed by `: <body>` when the body
    /// is not empty.
    pub fn check(&self, status: u16, body: &[u8]) -> Result<(), NotifyError> {
        if status / 100 == 2 {
            return Ok(());
        }
        let retry = status / 100 == 5 || self.retry_codes.contains(&status);
        let mut message = format!("unexpected status code {status}");
        if !body.is_empty() {
            message.push_str(": ");
            message.push_str(&String::from_utf8_lossy(body));
        }
        Err(NotifyError {
            retry,
            reason: failure_reason_from_status(status),
            message,
        })
    }
}

/// Upstream's `GetFailureReasonFromStatusCode`.
pub fn failure_reason_from_status(status: u16) -> FailureReason {
    match status {
        401 | 403 => FailureReason::AuthError,
        429 => FailureReason::RateLimited,
        400..=499 => FailureReason::ClientError,
        500..=599 => FailureReason::ServerError,
        _ => FailureReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_retrier_retries_only_5xx() {
        let r = Retrier::default();
        for status in [200, 201, 202, 204, 299] {
            assert!(r.check(status, b"").is_ok(), "{status}");
        }
        for status in [500, 502, 503, 599] {
            assert!(r.check(status, b"").unwrap_err().retry, "{status}");
        }
        for status in [100, 301, 302, 400, 401, 403, 404, 429] {
            assert!(!r.check(status, b"").unwrap_err().retry, "{status}");
        }
    }

    #[test]
    fn extra_retry_codes() {
        let r = Retrier {
            retry_codes: &[429],
        };
        assert!(r.check(429, b"").unwrap_err().retry);
        assert!(!r.check(404, b"").unwrap_err().retry);
    }

    // Upstream webhook_test.go TestWebhookRetry "test retry error details".
    #[test]
    fn error_text_includes_body_when_present() {
        let r = Retrier::default();
        assert_eq!(
            r.check(400, br#"{"status":"invalid event"}"#)
                .unwrap_err()
                .message,
            r#"unexpected status code 400: {"status":"invalid event"}"#
        );
        assert_eq!(
            r.check(400, b"").unwrap_err().message,
            "unexpected status code 400"
        );
    }

    #[test]
    fn failure_reasons() {
        use FailureReason::*;
        let cases = [
            (401, AuthError),
            (403, AuthError),
            (429, RateLimited),
            (400, ClientError),
            (404, ClientError),
            (500, ServerError),
            (503, ServerError),
            (302, Other),
            (100, Other),
        ];
        for (status, reason) in cases {
            assert_eq!(failure_reason_from_status(status), reason, "{status}");
            assert_eq!(
                Retrier::default().check(status, b"").unwrap_err().reason,
                reason,
                "{status}"
            );
        }
    }
}
