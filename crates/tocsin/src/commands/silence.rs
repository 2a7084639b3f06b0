//! `tocsin silence [query]|add|expire|import|update`: amtool's `silence`
//! commands (`cli/silence*.go`), same flags, same heuristics, same output
//! and error texts; one module per subcommand. The shared flags
//! (`--alertmanager.url`, `-o`, …) may be given before or after the
//! command name.

mod add;
mod expire;
mod import;
mod query;
mod update;

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tocsin_api::strfmt::DateTime;
use tocsin_model::duration::PromDuration;

use crate::client::{ClientFlags, Failure, finish};

pub use add::SilenceAddCommand;
pub use expire::SilenceExpireCommand;
pub use import::SilenceImportCommand;
pub use query::{SilenceQueryArgs, SilenceQueryCommand};
pub use update::SilenceUpdateCommand;

/// `tocsin silence`: without a subcommand, `query`.
#[derive(Debug, Args)]
pub struct SilenceArgs {
    #[command(flatten)]
    pub client: ClientFlags,

    #[command(flatten)]
    pub query: SilenceQueryArgs,

    #[command(subcommand)]
    pub command: Option<SilenceCommand>,
}

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Add a new alertmanager silence.
    ///
    /// The arguments are matchers (`alertname=foo`, `node=~web.*`); a first
    /// argument that is not a matcher is taken as the alert name
    /// (`tocsin silence add foo node=bar`).
    Add(SilenceAddCommand),
    /// Expire alertmanager silences.
    Expire(SilenceExpireCommand),
    /// Import alertmanager silences from a JSON file or standard input.
    ///
    /// The input is a JSON array of silences, as `silence query -o json`
    /// prints them.
    Import(SilenceImportCommand),
    /// Query Alertmanager silences.
    ///
    /// The arguments are matchers the silences must have; a first argument
    /// that is not a matcher is taken as the alert name. `--within 8h` shows
    /// the silences expiring in the next 8 hours; with `--expired`, those
    /// that expired in the last 8 hours.
    Query(SilenceQueryCommand),
    /// Update silences.
    Update(SilenceUpdateCommand),
}

/// Runs `tocsin silence …`; failures are printed here, as amtool prints them.
pub fn run(root: &ClientFlags, args: SilenceArgs) -> anyhow::Result<ExitCode> {
    let outer = ClientFlags::merged(root, &args.client);
    Ok(finish(match args.command {
        None => query::run(&outer, &ClientFlags::default(), &args.query),
        Some(SilenceCommand::Query(cmd)) => query::run(&outer, &cmd.client, &cmd.args),
        Some(SilenceCommand::Add(cmd)) => add::run(&outer, &cmd),
        Some(SilenceCommand::Expire(cmd)) => expire::run(&outer, &cmd),
        Some(SilenceCommand::Import(cmd)) => import::run(&outer, &cmd),
        Some(SilenceCommand::Update(cmd)) => update::run(&outer, &cmd),
    }))
}

/// Prometheus' `model.ParseDuration` for `--duration`, refusing zero.
fn silence_duration(text: &str) -> Result<std::time::Duration, Failure> {
    let duration = PromDuration::parse(text)
        .map_err(|e| Failure::error(e.message))?
        .0;
    if duration.is_zero() {
        return Err(Failure::error("silence duration must be greater than 0"));
    }
    Ok(duration)
}

/// `t.UTC().Add(d)` (saturating at the end of representable time).
fn utc_plus(t: &DateTime, d: std::time::Duration) -> DateTime {
    let shifted = jiff::SignedDuration::try_from(d)
        .ok()
        .and_then(|d| t.instant.checked_add(d).ok())
        .unwrap_or(jiff::Timestamp::MAX);
    DateTime::utc(shifted)
}
