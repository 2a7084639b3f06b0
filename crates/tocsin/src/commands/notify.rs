//! `tocsin notify render` (what each integration of a receiver would send,
//! no network) and `tocsin notify test` (send one marked test notification
//! and report each provider's answer). Both load the configuration, build
//! the receiver's integrations exactly as the server does, and route the
//! alerts through the routing tree so group keys and labels are real.

mod alerts_file;
pub mod json_text;
mod render;
mod samples;
mod scenario;
mod send_test;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};

use crate::client::ClientFlags;

pub use self::alerts_file::read_alerts;
use self::render::{OutputFormat, RenderOptions};
use self::samples::ForcedStatus;
pub use self::samples::sample_alerts;
use self::scenario::Scenario;
pub use self::scenario::{Routing, external_url, load_config};

#[derive(Debug, Args)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Print exactly what each integration of a receiver would send.
    ///
    /// Routes the alerts through the configuration's routing tree as the
    /// server does, groups them, and prints every request each integration
    /// would make: method, URL and headers (secrets masked) and the exact
    /// body; for email, the SMTP envelope and the whole MIME message.
    /// Nothing is sent. Without --alerts, two sample alerts that route to
    /// the receiver are used.
    Render(RenderArgs),
    /// Send one test notification through each integration of a receiver.
    ///
    /// The alert is marked as a test (alertname="TocsinTestNotification",
    /// summary "Test notification sent by tocsin notify test"). Prints each
    /// provider's answer: ok, or its error and the failure reason. Exits 1
    /// if any integration failed.
    Test(TestArgs),
}

/// What both subcommands need.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Alertmanager configuration file.
    #[arg(long = "config.file", value_name = "FILE", required = true)]
    pub config_file: PathBuf,

    /// Name of the receiver (as in `receivers:`).
    #[arg(long, value_name = "NAME")]
    pub receiver: String,

    /// JSON file with the alerts: a list as POSTed to /api/v2/alerts, or an
    /// object with an "alerts" list (a webhook payload, a line of
    /// `tocsin inspect --save`). `-` reads standard input.
    #[arg(long, value_name = "FILE.json")]
    pub alerts: Option<PathBuf>,

    /// The URL under which Alertmanager is externally reachable (sent as
    /// externalURL and used by templates). Default: http://<hostname>:9093.
    #[arg(long = "web.external-url", value_name = "URL")]
    pub external_url: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  # What would the team-a receiver get for two sample alerts?
  tocsin notify render --config.file alertmanager.yml --receiver team-a

  # The same as one JSON document, for scripts:
  tocsin notify render --config.file alertmanager.yml --receiver team-a -o json

  # ... for these alerts, as resolved notifications, JSON bodies indented:
  tocsin notify render --config.file alertmanager.yml --receiver team-a \\
      --alerts examples/alerts.json --status resolved --pretty")]
pub struct RenderArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Force every alert firing or resolved.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<ForcedStatus>,

    /// Indent JSON bodies (the exact bytes are printed otherwise).
    #[arg(long)]
    pub pretty: bool,

    /// Print secret URLs (e.g. Slack webhook URLs) unmasked. Credentials
    /// in headers stay masked.
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  # Does the team-a receiver work? (exit status 1 if any integration failed)
  tocsin notify test --config.file alertmanager.yml --receiver team-a

  # Wait at most 5 seconds for each integration:
  tocsin notify test --config.file alertmanager.yml --receiver team-a --timeout 5s

  # Send these alerts instead of the test alert, as one notification:
  tocsin notify test --config.file alertmanager.yml --receiver team-a --alerts examples/alerts.json")]
pub struct TestArgs {
    #[command(flatten)]
    pub target: TargetArgs,
}

/// How long `notify test` waits for each integration by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The global `-o/--output` as a render format: `json`, else text.
fn output_format(flags: &ClientFlags) -> anyhow::Result<OutputFormat> {
    match flags.output.as_deref() {
        None | Some("simple" | "extended" | "text") => Ok(OutputFormat::Text),
        Some("json") => Ok(OutputFormat::Json),
        Some(other) => bail!("unknown output format {other:?} (text or json)"),
    }
}

/// The global `--timeout` (Go duration), 30s when not given.
fn timeout(flags: &ClientFlags) -> anyhow::Result<Duration> {
    match flags.timeout.as_deref() {
        None => Ok(DEFAULT_TIMEOUT),
        Some(text) => tocsin_model::GoDuration::parse(text)
            .map(|d| d.0)
            .map_err(|e| anyhow!("--timeout: {e}")),
    }
}

/// Runs `notify render|test`; `-o json` and `--timeout` are the global
/// client flags.
pub fn run(flags: &ClientFlags, args: NotifyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        NotifyCommand::Render(args) => {
            let scenario = load(&args.target)?;
            let now = scenario.routing.clock.now();
            let mut alerts = match &args.target.alerts {
                Some(path) => alerts_file::read_alerts(path, now)?,
                None => samples::sample_alerts(&scenario.routing, now),
            };
            if let Some(status) = args.status {
                samples::force_status(&mut alerts, status, now);
            }
            let (notifications, notes) = scenario.routing.notifications(alerts);
            for note in notes {
                eprintln!("note: {note}");
            }
            render::run(
                &scenario,
                &notifications,
                RenderOptions {
                    pretty: args.pretty,
                    show_secrets: args.show_secrets,
                    output: output_format(flags)?,
                },
            )
        }
        NotifyCommand::Test(args) => {
            let scenario = load(&args.target)?;
            let now = scenario.routing.clock.now();
            let alerts = match &args.target.alerts {
                Some(path) => alerts_file::read_alerts(path, now)?,
                None => vec![samples::test_alert(&scenario.routing, now)],
            };
            let notification = scenario.routing.single_notification(alerts);
            send_test::run(&scenario, &notification, timeout(flags)?)
        }
    }
}

fn load(target: &TargetArgs) -> anyhow::Result<Scenario> {
    let external_url = scenario::external_url(target.external_url.as_deref());
    Scenario::load(&target.config_file, &target.receiver, &external_url)
}
