//! `tocsin silence add` (amtool's `cli/silence_add.go`).

use clap::Args;
use tocsin_model::matcher::MatchType;

use super::{silence_duration, utc_plus};
use crate::client::flags::{tri_state, username};
use crate::client::models::{LabelSet, Matcher, PostableSilence, Silence};
use crate::client::session::Prepared;
use crate::client::{ClientFlags, Failure, gotime, print_out};

#[derive(Debug, Args)]
pub struct SilenceAddCommand {
    #[command(flatten)]
    pub client: ClientFlags,

    /// Username for CreatedBy field (default: the current user).
    #[arg(short = 'a', long = "author", value_name = "AUTHOR")]
    pub author: Option<String>,

    /// Require comment to be set (default true).
    #[arg(
        long = "require-comment",
        hide = true,
        overrides_with = "no_require_comment"
    )]
    pub require_comment: bool,
    #[arg(
        long = "no-require-comment",
        hide = true,
        overrides_with = "require_comment"
    )]
    pub no_require_comment: bool,

    /// Duration of silence (default 1h).
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

    /// Set an annotation to be included with the silence (`name=value`).
    #[arg(long = "annotation", value_name = "ANNOTATION")]
    pub annotations: Vec<String>,

    /// Matchers of the silence (the first may be a bare alert name).
    #[arg(value_name = "MATCHER-GROUPS")]
    pub matcher_groups: Vec<String>,
}

/// amtool's `TypeMatcher`: the API form of a matcher.
fn api_matcher(m: tocsin_model::matcher::Matcher) -> Matcher {
    let (is_equal, is_regex) = match m.kind {
        MatchType::Equal => (true, false),
        MatchType::NotEqual => (false, false),
        MatchType::Regexp => (true, true),
        MatchType::NotRegexp => (false, true),
    };
    Matcher {
        is_equal: Some(is_equal),
        is_regex: Some(is_regex),
        name: Some(m.name),
        value: Some(m.value),
    }
}

pub fn run(outer: &super::ClientFlags, cmd: &SilenceAddCommand) -> Result<(), Failure> {
    let prepared = Prepared::new(outer, &cmd.client)?;
    let defaults = &prepared.defaults;
    let author = defaults.string(cmd.author.as_deref(), "author", &username());
    let require_comment = defaults
        .boolean(
            tri_state(cmd.require_comment, cmd.no_require_comment),
            "require-comment",
            true,
        )
        .map_err(Failure::Error)?;
    let duration = defaults.string(cmd.duration.as_deref(), "duration", "1h");
    let start = defaults.string(cmd.start.as_deref(), "start", "");
    let end = defaults.string(cmd.end.as_deref(), "end", "");
    let comment = defaults.string(cmd.comment.as_deref(), "comment", "");
    let mut annotation_args = cmd.annotations.clone();
    if annotation_args.is_empty()
        && let Some(default) = defaults.get("annotation")
    {
        annotation_args.push(default.to_owned());
    }
    let session = prepared.connect()?;

    let args = session
        .matchers
        .with_alertname_heuristic(&cmd.matcher_groups);
    let mut matchers = Vec::with_capacity(args.len());
    for arg in &args {
        matchers.push(api_matcher(
            session.matchers.matcher(arg).map_err(Failure::Error)?,
        ));
    }
    if matchers.is_empty() {
        return Err(Failure::error("no matchers specified"));
    }
    let starts_at = if start.is_empty() {
        gotime::now_utc()
    } else {
        gotime::parse_rfc3339(&start).map_err(Failure::Error)?
    };
    let ends_at = if end.is_empty() {
        utc_plus(&starts_at, silence_duration(&duration)?)
    } else {
        gotime::parse_rfc3339(&end).map_err(Failure::Error)?
    };
    if starts_at.instant > ends_at.instant {
        return Err(Failure::error("silence cannot start after it ends"));
    }
    if require_comment && comment.is_empty() {
        return Err(Failure::error("comment required by config"));
    }
    let mut annotations: Option<LabelSet> = None;
    for arg in &annotation_args {
        let matcher = session.matchers.matcher(arg).map_err(Failure::Error)?;
        if matcher.kind != MatchType::Equal {
            return Err(Failure::error(
                "annotations must be specified as key=value pairs",
            ));
        }
        annotations
            .get_or_insert_with(LabelSet::new)
            .insert(matcher.name, matcher.value);
    }
    let silence = PostableSilence {
        id: String::new(),
        silence: Silence {
            annotations,
            comment: Some(comment),
            created_by: Some(author),
            ends_at: Some(ends_at),
            matchers: Some(matchers.into_iter().map(Some).collect()),
            starts_at: Some(starts_at),
        },
    };
    let api = session.api()?;
    let id = session.block_on(api.post_silence(&silence, session.deadline()))?;
    print_out(&format!("{id}\n"));
    Ok(())
}
