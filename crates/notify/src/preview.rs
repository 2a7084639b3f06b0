//! What an integration would send, without sending it: the basis of
//! `tocsin notify render` (print every request a receiver would make) and
//! of tests that assert exact requests. Every integration implements
//! [`Preview`] by running the same code path its `Notifier::notify` uses up
//! to the point of I/O.

use tocsin_alerting::alert::Alert;
use tocsin_alerting::notifier::{NotifyContext, NotifyError};

/// One outgoing message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rendered {
    /// An HTTP request. `url_masked` hides secrets embedded in the URL
    /// (tokens in paths or query strings) as `<secret>`.
    Http {
        method: String,
        url: String,
        url_masked: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// An email: envelope and the complete MIME message as it would be
    /// handed to the SMTP server.
    Email {
        smarthost: String,
        from: String,
        to: Vec<String>,
        message: Vec<u8>,
    },
}

/// Builds the message(s) a notification would produce (an integration may
/// send several requests for one notification, e.g. one per chat).
pub trait Preview: Send + Sync {
    fn preview(&self, ctx: &NotifyContext, alerts: &[Alert]) -> Result<Vec<Rendered>, NotifyError>;
}
