//! `tocsin silence update` (amtool's `cli/silence_update.go`): fetches each
//! silence, changes its start, end (or duration from its start) and
//! comment, posts it back under its ID and prints the updated silences.
//! With `--quiet` it prints their new IDs (amtool prints the addresses of
//! the Go strings instead, an upstream bug).

use clap::Args;

use super::{silence_duration, utc_plus};
use crate::client::api::REQUEST_TIMEOUT;
use crate::client::flags::tri_state;
use crate::client::models::PostableSilence;
use crate::client::session::Prepared;
use crate::client::{ClientFlags, Failure, gotime, print_out};

#[derive(Debug, Args)]
pub struct SilenceUpdateCommand {
    #[command(flatten)]
    pub client: ClientFlags,

    /// Only show silence ids.
    #[arg(short = 'q', long = "quiet", overrides_with = "no_quiet")]
    pub quiet: bool,
    #[arg(long = "no-quiet", hide = true, overrides_with = "quiet")]
    pub no_quiet: bool,

    /// Duration of silence.
    #[arg(short = 'd', long = "duration", value_name = "DURATION")]
    pub duration: Option<String>,

    /// Set when the silence should start. RFC3339 format 2006-01-02T15:04:05-07:00
    #[arg(long = "start", value_name = "TIME")]
    pub start: Option<String>,

    /// Set when the silence should end (overwrites duration). RFC3339 format 2006-01-02T15:04:05-07:00
    #[arg(long = "end", value_name = "TIME")]
    pub end: Option<String>,

    /// A comment to help describe the silence.
    #[arg(short = 'c', long = "comment", value_name = "COMMENT")]
    pub comment: Option<String>,

    /// Silence IDs to update.
    #[arg(value_name = "UPDATE-IDS")]
    pub update_ids: Vec<String>,
}

pub fn run(outer: &ClientFlags, cmd: &SilenceUpdateCommand) -> Result<(), Failure> {
    let prepared = Prepared::new(outer, &cmd.client)?;
    let defaults = &prepared.defaults;
    let quiet = defaults
        .boolean(tri_state(cmd.quiet, cmd.no_quiet), "quiet", false)
        .map_err(Failure::Error)?;
    let duration = defaults.string(cmd.duration.as_deref(), "duration", "");
    let start = defaults.string(cmd.start.as_deref(), "start", "");
    let end = defaults.string(cmd.end.as_deref(), "end", "");
    let comment = defaults.string(cmd.comment.as_deref(), "comment", "");
    let session = prepared.connect()?;

    if cmd.update_ids.is_empty() {
        return Err(Failure::error("no silence IDs specified"));
    }
    let api = session.api()?;
    let mut updated = Vec::with_capacity(cmd.update_ids.len());
    for id in &cmd.update_ids {
        // amtool fetches without the command's context: only go-openapi's
        // own request timeout applies.
        let fetch_deadline = std::time::Instant::now() + REQUEST_TIMEOUT;
        let mut silence = session
            .block_on(api.get_silence(id, fetch_deadline))?
            .unwrap_or_default();
        if !start.is_empty() {
            silence.silence.starts_at =
                Some(gotime::parse_rfc3339(&start).map_err(Failure::Error)?);
        }
        if !end.is_empty() {
            silence.silence.ends_at = Some(gotime::parse_rfc3339(&end).map_err(Failure::Error)?);
        } else if !duration.is_empty() {
            let d = silence_duration(&duration)?;
            let from = silence
                .silence
                .starts_at
                .unwrap_or_else(|| tocsin_api::strfmt::DateTime::utc(jiff::Timestamp::UNIX_EPOCH));
            silence.silence.ends_at = Some(utc_plus(&from, d));
        }
        let instant = |t: Option<tocsin_api::strfmt::DateTime>| t.map(|t| t.instant);
        if instant(silence.silence.starts_at) > instant(silence.silence.ends_at) {
            return Err(Failure::error("silence cannot start after it ends"));
        }
        if !comment.is_empty() {
            silence.silence.comment = Some(comment.clone());
        }
        let postable = PostableSilence {
            id: silence.id.clone().unwrap_or_default(),
            silence: silence.silence.clone(),
        };
        let new_id = session.block_on(api.post_silence(&postable, session.deadline()))?;
        silence.id = Some(new_id);
        updated.push(silence);
    }
    if quiet {
        for silence in &updated {
            print_out(&format!("{}\n", silence.id.as_deref().unwrap_or_default()));
        }
    } else {
        print_out(&session.formatter.silences(updated));
    }
    Ok(())
}
