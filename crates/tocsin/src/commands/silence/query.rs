//! `tocsin silence query` (amtool's `cli/silence_query.go`): the server
//! filters by matchers; expiry (`--expired`, `--within`), author and ID are
//! filtered here, as amtool does.

use clap::Args;
use jiff::Timestamp;

use crate::client::flags::tri_state;
use crate::client::models::GettableSilence;
use crate::client::session::{Prepared, go_duration};
use crate::client::{ClientFlags, Failure, print_out};

#[derive(Debug, Args)]
pub struct SilenceQueryCommand {
    #[command(flatten)]
    pub client: ClientFlags,
    #[command(flatten)]
    pub args: SilenceQueryArgs,
}

#[derive(Debug, Clone, Default, Args)]
pub struct SilenceQueryArgs {
    /// Show expired silences instead of active.
    #[arg(long = "expired", overrides_with = "no_expired")]
    pub expired: bool,
    #[arg(long = "no-expired", hide = true, overrides_with = "expired")]
    pub no_expired: bool,

    /// Only show silence ids.
    #[arg(short = 'q', long = "quiet", overrides_with = "no_quiet")]
    pub quiet: bool,
    #[arg(long = "no-quiet", hide = true, overrides_with = "quiet")]
    pub no_quiet: bool,

    /// Show silences that belong to this creator.
    #[arg(long = "created-by", value_name = "AUTHOR")]
    pub created_by: Option<String>,

    /// Get a single silence by its ID.
    #[arg(long = "id", value_name = "ID")]
    pub id: Option<String>,

    /// Show silences that will expire or have expired within a duration.
    #[arg(long = "within", value_name = "DURATION")]
    pub within: Option<String>,

    /// Query filter: matchers, the first one possibly a bare alert name.
    #[arg(value_name = "MATCHER-GROUPS")]
    pub matcher_groups: Vec<String>,
}

pub fn run(
    outer: &ClientFlags,
    inner: &ClientFlags,
    args: &SilenceQueryArgs,
) -> Result<(), Failure> {
    let prepared = Prepared::new(outer, inner)?;
    let defaults = &prepared.defaults;
    let expired = defaults
        .boolean(tri_state(args.expired, args.no_expired), "expired", false)
        .map_err(Failure::Error)?;
    let quiet = defaults
        .boolean(tri_state(args.quiet, args.no_quiet), "quiet", false)
        .map_err(Failure::Error)?;
    let created_by = defaults.string(args.created_by.as_deref(), "created-by", "");
    let id = defaults.string(args.id.as_deref(), "id", "");
    let within = match args.within.as_deref().or_else(|| defaults.get("within")) {
        Some(text) => go_duration(text)?,
        None => std::time::Duration::ZERO,
    };
    let session = prepared.connect()?;

    let filter = session
        .matchers
        .with_alertname_heuristic(&args.matcher_groups);
    let api = session.api()?;
    let silences = session.block_on(api.get_silences(&filter, session.deadline()))?;

    let ends = |s: &GettableSilence| s.silence.ends_at.map_or(Timestamp::MIN, |t| t.instant);
    let shown: Vec<GettableSilence> = silences
        .into_iter()
        .flatten()
        .flatten()
        .filter(|s| {
            let now = Timestamp::now();
            let ends_at = ends(s);
            let within_set = !within.is_zero();
            let keep = if expired {
                ends_at <= now
                    && !(within_set && now.checked_sub(within).is_ok_and(|limit| ends_at < limit))
            } else {
                ends_at >= now
                    && !(within_set && now.checked_add(within).is_ok_and(|limit| ends_at > limit))
            };
            keep && (created_by.is_empty()
                || s.silence.created_by.as_deref() == Some(created_by.as_str()))
                && (id.is_empty() || s.id.as_deref() == Some(id.as_str()))
        })
        .collect();
    if quiet {
        for s in &shown {
            print_out(&format!("{}\n", s.id.as_deref().unwrap_or_default()));
        }
    } else {
        print_out(&session.formatter.silences(shown));
    }
    Ok(())
}
