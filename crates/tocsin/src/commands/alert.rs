//! `tocsin alert [query]` and `tocsin alert add`: amtool's `alert`
//! commands (`cli/alert_query.go`, `cli/alert_add.go`), same flags, same
//! heuristics (a first argument that is not a matcher is the alert name),
//! same output and error texts. The shared flags (`--alertmanager.url`,
//! `-o`, …) may be given before or after the command name.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tocsin_model::matcher::MatchType;

use crate::client::api::AlertQuery;
use crate::client::flags::tri_state;
use crate::client::models::{LabelSet, PostableAlert};
use crate::client::session::{Prepared, Session};
use crate::client::{ClientFlags, Failure, finish, gotime, print_out};

/// `tocsin alert`: without a subcommand, `query`.
#[derive(Debug, Args)]
pub struct AlertArgs {
    #[command(flatten)]
    pub client: ClientFlags,

    #[command(flatten)]
    pub query: AlertQueryArgs,

    #[command(subcommand)]
    pub command: Option<AlertCommand>,
}

#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// View and search through current alerts.
    ///
    /// The arguments are matchers (`alertname=foo`, `node=~web.*`, ...) that
    /// every returned alert must match; a first argument that is not a
    /// matcher is taken as the alert name (`tocsin alert query foo`). Only
    /// active alerts are shown unless a state flag is given.
    Query(AlertQueryCommand),
    /// Add a new alert.
    ///
    /// `tocsin alert add alertname=foo node=bar`, or with the alert name
    /// first: `tocsin alert add foo node=bar`. Annotations are given with
    /// `--annotation=summary='...'`.
    Add(AlertAddCommand),
}

#[derive(Debug, Args)]
pub struct AlertQueryCommand {
    #[command(flatten)]
    pub client: ClientFlags,
    #[command(flatten)]
    pub args: AlertQueryArgs,
}

#[derive(Debug, Clone, Default, Args)]
pub struct AlertQueryArgs {
    /// Show inhibited alerts.
    #[arg(short = 'i', long = "inhibited", overrides_with = "no_inhibited")]
    pub inhibited: bool,
    #[arg(long = "no-inhibited", hide = true, overrides_with = "inhibited")]
    pub no_inhibited: bool,

    /// Show silenced alerts.
    #[arg(short = 's', long = "silenced", overrides_with = "no_silenced")]
    pub silenced: bool,
    #[arg(long = "no-silenced", hide = true, overrides_with = "silenced")]
    pub no_silenced: bool,

    /// Show active alerts.
    #[arg(short = 'a', long = "active", overrides_with = "no_active")]
    pub active: bool,
    #[arg(long = "no-active", hide = true, overrides_with = "active")]
    pub no_active: bool,

    /// Show unprocessed alerts.
    #[arg(short = 'u', long = "unprocessed", overrides_with = "no_unprocessed")]
    pub unprocessed: bool,
    #[arg(long = "no-unprocessed", hide = true, overrides_with = "unprocessed")]
    pub no_unprocessed: bool,

    /// Show alerts matching receiver (supports regex syntax).
    #[arg(short = 'r', long = "receiver", value_name = "RECEIVER")]
    pub receiver: Option<String>,

    /// Query filter: matchers, the first one possibly a bare alert name.
    #[arg(value_name = "MATCHER-GROUPS")]
    pub matcher_groups: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AlertAddCommand {
    #[command(flatten)]
    pub client: ClientFlags,

    /// Set the URL of the source that generated the alert.
    #[arg(long = "generator-url", value_name = "URL")]
    pub generator_url: Option<String>,

    /// Set when the alert should start. RFC3339 format 2006-01-02T15:04:05-07:00
    #[arg(long = "start", value_name = "TIME")]
    pub start: Option<String>,

    /// Set when the alert should end. RFC3339 format 2006-01-02T15:04:05-07:00
    #[arg(long = "end", value_name = "TIME")]
    pub end: Option<String>,

    /// Set an annotation to be included with the alert (`name=value`).
    #[arg(long = "annotation", value_name = "ANNOTATION")]
    pub annotations: Vec<String>,

    /// Labels of the alert (`name=value`; the first may be a bare alert name).
    #[arg(value_name = "LABELS")]
    pub labels: Vec<String>,
}

/// Runs `tocsin alert …`; failures are printed here, as amtool prints them.
pub fn run(root: &ClientFlags, args: AlertArgs) -> anyhow::Result<ExitCode> {
    let outer = ClientFlags::merged(root, &args.client);
    Ok(finish(match args.command {
        None => query(&outer, &ClientFlags::default(), &args.query),
        Some(AlertCommand::Query(cmd)) => query(&outer, &cmd.client, &cmd.args),
        Some(AlertCommand::Add(cmd)) => add(&outer, &cmd),
    }))
}

fn query(outer: &ClientFlags, inner: &ClientFlags, args: &AlertQueryArgs) -> Result<(), Failure> {
    let prepared = Prepared::new(outer, inner)?;
    let flag = |given: Option<bool>, name: &str| {
        prepared
            .defaults
            .boolean(given, name, false)
            .map_err(Failure::Error)
    };
    let inhibited = flag(tri_state(args.inhibited, args.no_inhibited), "inhibited")?;
    let silenced = flag(tri_state(args.silenced, args.no_silenced), "silenced")?;
    let mut active = flag(tri_state(args.active, args.no_active), "active")?;
    let unprocessed = flag(
        tri_state(args.unprocessed, args.no_unprocessed),
        "unprocessed",
    )?;
    let receiver = prepared
        .defaults
        .string(args.receiver.as_deref(), "receiver", "");
    let session = prepared.connect()?;

    let filter = session
        .matchers
        .with_alertname_heuristic(&args.matcher_groups);
    if !silenced && !inhibited && !active && !unprocessed {
        active = true;
    }
    let api = session.api()?;
    let query = AlertQuery {
        active,
        inhibited,
        silenced,
        unprocessed,
        receiver: &receiver,
        filter: &filter,
    };
    let alerts = session.block_on(api.get_alerts(&query, session.deadline()))?;
    print_out(&session.formatter.alerts(alerts));
    Ok(())
}

/// Parses `name=value` arguments into a label set; `what` names them in
/// the error (`labels`, `annotations`).
fn label_set(session: &Session, args: &[String], what: &str) -> Result<LabelSet, Failure> {
    let mut set = LabelSet::new();
    for arg in args {
        let matcher = session.matchers.matcher(arg).map_err(Failure::Error)?;
        if matcher.kind != MatchType::Equal {
            return Err(Failure::error(format!(
                "{what} must be specified as key=value pairs"
            )));
        }
        set.insert(matcher.name, matcher.value);
    }
    Ok(set)
}

fn add(outer: &ClientFlags, cmd: &AlertAddCommand) -> Result<(), Failure> {
    let prepared = Prepared::new(outer, &cmd.client)?;
    let defaults = &prepared.defaults;
    let generator_url = defaults.string(cmd.generator_url.as_deref(), "generator-url", "");
    let start = defaults.string(cmd.start.as_deref(), "start", "");
    let end = defaults.string(cmd.end.as_deref(), "end", "");
    let mut annotations = cmd.annotations.clone();
    if annotations.is_empty()
        && let Some(default) = defaults.get("annotation")
    {
        annotations.push(default.to_owned());
    }
    let session = prepared.connect()?;

    let labels = session.matchers.with_alertname_heuristic(&cmd.labels);
    let labels = label_set(&session, &labels, "labels")?;
    let annotations = label_set(&session, &annotations, "annotations")?;
    let parse_time = |text: &str| {
        if text.is_empty() {
            Ok(None)
        } else {
            gotime::parse_rfc3339(text)
                .map(Some)
                .map_err(Failure::Error)
        }
    };
    let alert = PostableAlert {
        annotations,
        starts_at: parse_time(&start)?,
        ends_at: parse_time(&end)?,
        generator_url,
        labels,
    };
    let api = session.api()?;
    session.block_on(api.post_alert(&alert, session.deadline()))?;
    Ok(())
}
