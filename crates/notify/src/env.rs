//! What every integration shares with the rest of the process: the external
//! URL put in notifications, the User-Agent of outgoing requests and the
//! clock that decides whether an alert is resolved at send time.

use tocsin_alerting::clock::Clock;

/// Alertmanager's own User-Agent format (`version.ComponentUserAgent`), with
/// the upstream version tocsin is a drop-in for.
pub const DEFAULT_USER_AGENT: &str = "Alertmanager/0.34.0";

/// Process-wide inputs of every notifier.
#[derive(Clone, Debug)]
pub struct IntegrationEnv {
    /// `--web.external-url` (or the derived default), sent as `externalURL`.
    pub external_url: String,
    pub user_agent: String,
    pub clock: Clock,
}

impl IntegrationEnv {
    /// The environment of a running server: system clock, default User-Agent.
    pub fn new(external_url: impl Into<String>) -> Self {
        IntegrationEnv {
            external_url: external_url.into(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            clock: Clock::system(),
        }
    }
}
