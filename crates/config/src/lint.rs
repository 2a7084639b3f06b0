//! Warnings: things Alertmanager accepts but that are almost certainly not
//! what the author meant. None of these ever turns an accepted file into a
//! rejected one.
//!
//! * receivers no route refers to (upstream silently skips them);
//! * routes that can never match because an earlier sibling without
//!   `continue` catches every alert they would;
//! * `=` matchers whose value looks like a regular expression;
//! * `repeat_interval` shorter than `group_interval`;
//! * values emptied by a YAML comment (`channel: #alerts`);
//! * relative `*_file` paths that upstream resolves against its working
//!   directory rather than the configuration file's directory;
//! * template globs that match no file.

use std::collections::HashMap;
use std::path::Path;

use tocsin_model::{MatchType, Matcher, PromDuration};

use crate::config::Config;
use crate::decode::Decoder;
use crate::route::{Route, RouteMarks};
use crate::validate::receiver_uses;
use crate::yaml::{Document, NodeId, NodeKind, ScalarStyle};

/// Route defaults (`dispatch.DefaultRouteOpts`).
const DEFAULT_GROUP_INTERVAL: u64 = 5 * 60;
const DEFAULT_REPEAT_INTERVAL: u64 = 4 * 60 * 60;

pub(crate) fn lint_config(
    config: &Config,
    marks: &RouteMarks,
    base_dir: Option<&Path>,
    cx: &mut Decoder<'_>,
) {
    unused_receivers(config, cx);
    unreachable_routes(&config.route, marks, cx);
    regex_like_equality(config, marks, cx);
    let group = PromDuration(std::time::Duration::from_secs(DEFAULT_GROUP_INTERVAL));
    let repeat = PromDuration(std::time::Duration::from_secs(DEFAULT_REPEAT_INTERVAL));
    interval_order(&config.route, group, repeat, cx);
    if let Some(dir) = base_dir {
        unmatched_templates(config, dir, cx);
    }
}

fn unused_receivers(config: &Config, cx: &mut Decoder<'_>) {
    let uses = receiver_uses(&config.route);
    for r in &config.receivers {
        if !r.name.is_empty() && !uses.contains_key(&r.name) {
            cx.warning(
                r.position,
                format!("receiver \"{}\" is not used by any route", r.name),
                Some("Alertmanager does not even build it; route alerts to it or remove it".into()),
            );
        }
    }
}

/// How many earlier siblings sharing a first matcher are compared per route.
const SHADOW_CANDIDATES: usize = 64;

fn same_matcher(a: &Matcher, b: &Matcher) -> bool {
    a.name == b.name && a.value == b.value && a.kind == b.kind
}

/// A route is shadowed when an earlier sibling without `continue` has a
/// subset of its matchers: every alert it would take is taken first.
/// Earlier siblings are indexed by their first matcher and at most
/// [`SHADOW_CANDIDATES`] of them are examined per route, so this stays
/// linear in the number of routes.
fn unreachable_routes(route: &Route, marks: &RouteMarks, cx: &mut Decoder<'_>) {
    let key = |m: &'_ Matcher| -> (String, String, MatchType) {
        (m.name.clone(), m.value.clone(), m.kind)
    };
    let mut catch_all: Option<usize> = None;
    let mut by_first: HashMap<(String, String, MatchType), Vec<usize>> = HashMap::new();
    for (i, child) in route.routes.iter().enumerate() {
        let shadow = catch_all.or_else(|| {
            child.matchers.iter().find_map(|m| {
                by_first
                    .get(&key(m))?
                    .iter()
                    .copied()
                    .take(SHADOW_CANDIDATES)
                    .find(|&j| {
                        route.routes[j]
                            .matchers
                            .iter()
                            .all(|e| child.matchers.iter().any(|c| same_matcher(e, c)))
                    })
            })
        });
        if let Some(j) = shadow {
            let earlier = &route.routes[j];
            let at = marks
                .children
                .get(i)
                .and_then(|m| m.node)
                .or(child.position);
            let earlier_line = marks
                .children
                .get(j)
                .and_then(|m| m.node)
                .map(|m| m.line)
                .unwrap_or(0);
            let why = if earlier.matchers.is_empty() {
                "has no matchers"
            } else {
                "matches every alert this route matches"
            };
            cx.warning(
                at,
                "this route can never match: an earlier sibling catches all of its alerts first".into(),
                Some(format!(
                    "the sibling route at line {earlier_line} {why} and does not set `continue: true`; reorder the routes or add `continue: true` there"
                )),
            );
        }
        if !child.r#continue {
            match child.matchers.first() {
                None => {
                    catch_all.get_or_insert(i);
                }
                Some(first) => by_first.entry(key(first)).or_default().push(i),
            }
        }
    }
    for (child, child_marks) in route.routes.iter().zip(&marks.children) {
        unreachable_routes(child, child_marks, cx);
    }
}

fn looks_like_regex(value: &str) -> bool {
    value.contains(".*")
        || value.contains(".+")
        || value.contains('|')
        || (value.len() > 1 && value.starts_with('^') && value.ends_with('$'))
        || (value.contains('[') && value.contains(']'))
        || value.contains("\\d")
}

fn check_equality(matchers: &[Matcher], at: Option<crate::yaml::Mark>, cx: &mut Decoder<'_>) {
    for m in matchers {
        let op = match m.kind {
            MatchType::Equal => "=~",
            MatchType::NotEqual => "!~",
            MatchType::Regexp | MatchType::NotRegexp => continue,
        };
        if looks_like_regex(&m.value) {
            cx.warning(
                at,
                format!("matcher `{m}` compares for equality, but its value looks like a regular expression"),
                Some(format!("for a regular expression match write `{}{op}\"{}\"`", m.name, m.value.escape_default())),
            );
        }
    }
}

fn regex_like_equality(config: &Config, marks: &RouteMarks, cx: &mut Decoder<'_>) {
    fn walk(route: &Route, marks: &RouteMarks, cx: &mut Decoder<'_>) {
        check_equality(&route.matchers, marks.matchers.or(marks.node), cx);
        for (child, child_marks) in route.routes.iter().zip(&marks.children) {
            walk(child, child_marks, cx);
        }
    }
    walk(&config.route, marks, cx);
    for rule in &config.inhibit_rules {
        check_equality(&rule.source_matchers, rule.position, cx);
        check_equality(&rule.target_matchers, rule.position, cx);
    }
}

fn interval_order(route: &Route, group: PromDuration, repeat: PromDuration, cx: &mut Decoder<'_>) {
    let group_interval = route.group_interval.unwrap_or(group);
    let repeat_interval = route.repeat_interval.unwrap_or(repeat);
    let set_here = route.group_interval.is_some() || route.repeat_interval.is_some();
    if set_here && repeat_interval < group_interval {
        cx.warning(
            route.position,
            format!(
                "repeat_interval ({repeat_interval}) is less than group_interval ({group_interval}); notifications will not repeat until the next group_interval"
            ),
            Some("make repeat_interval at least as long as group_interval".into()),
        );
    }
    for child in &route.routes {
        interval_order(child, group_interval, repeat_interval, cx);
    }
}

fn unmatched_templates(config: &Config, dir: &Path, cx: &mut Decoder<'_>) {
    for pattern in &config.templates {
        let full = if Path::new(pattern).is_absolute() {
            pattern.clone()
        } else {
            dir.join(pattern).to_string_lossy().into_owned()
        };
        let matched = glob::glob(&full).map(|mut paths| paths.next().is_some());
        match matched {
            Ok(true) => {}
            Ok(false) => cx.warning(
                None,
                format!("template glob {pattern:?} matches no file"),
                Some("Alertmanager accepts this, but none of your templates will be loaded".into()),
            ),
            Err(e) => cx.warning(
                None,
                format!("template glob {pattern:?} is not a valid pattern: {e}"),
                None,
            ),
        }
    }
}

/// Lints on the YAML text itself (independent of the schema).
pub(crate) fn lint_document(doc: &Document, text: &str, cx: &mut Decoder<'_>) {
    if doc.has_more_documents {
        cx.warning(
            None,
            "the file holds more than one YAML document (`---`); only the first is read".into(),
            Some("Alertmanager ignores everything after the second `---`".into()),
        );
    }
    let Some(root) = doc.root() else { return };
    let mut stack: Vec<(NodeId, bool)> = vec![(root, false)];
    let mut visited = 0usize;
    while let Some((id, under_http_config)) = stack.pop() {
        visited += 1;
        if visited > 1_000_000 {
            return;
        }
        let Some(node) = doc.node(id) else { continue };
        match &node.kind {
            NodeKind::Mapping(pairs) => {
                for &(k, v) in pairs {
                    let key = match doc.node(k).map(|n| &n.kind) {
                        Some(NodeKind::Scalar(s)) => s.value.as_str(),
                        _ => continue,
                    };
                    comment_emptied_value(doc, text, key, v, cx);
                    relative_file_path(doc, key, v, under_http_config, cx);
                    let inside =
                        under_http_config || key == "http_config" || key == "event_recorder";
                    stack.push((v, inside));
                }
            }
            NodeKind::Sequence(items) => {
                stack.extend(items.iter().map(|&i| (i, under_http_config)))
            }
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
        }
    }
}

/// `channel: #alerts` — the `#` starts a comment, so the value is empty.
fn comment_emptied_value(
    doc: &Document,
    text: &str,
    key: &str,
    value: NodeId,
    cx: &mut Decoder<'_>,
) {
    let Some(node) = doc.node(value) else { return };
    let NodeKind::Scalar(s) = &node.kind else {
        return;
    };
    if !(s.value.is_empty() && s.style == ScalarStyle::Plain && s.tag.is_none()) {
        return;
    }
    let rest = text.get(node.mark.offset..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    // The parser places an empty value at the `:` that precedes it.
    let trimmed = line.trim_start();
    let trimmed = trimmed.strip_prefix(':').unwrap_or(trimmed).trim_start();
    let Some(comment) = trimmed.strip_prefix('#') else {
        return;
    };
    if comment.is_empty() || comment.starts_with(' ') || comment.starts_with('#') {
        return;
    }
    let word = comment.split_whitespace().next().unwrap_or(comment);
    let hash_offset = node.mark.offset + (line.len() - trimmed.len());
    let skipped = text
        .get(node.mark.offset..hash_offset)
        .map_or(0, |s| s.chars().count());
    let at = crate::yaml::Mark {
        line: node.mark.line,
        column: node.mark.column + skipped as u32,
        offset: hash_offset,
    };
    cx.warning(
        Some(at),
        format!("`{key}` is empty: `#{word}` starts a YAML comment, not a value"),
        Some(format!("quote it: `{key}: '#{word}'`")),
    );
}

/// Upstream joins relative paths with the config file's directory only
/// inside `http_config` (and event recorder outputs); other `*_file`
/// settings are opened relative to the process' working directory.
fn relative_file_path(
    doc: &Document,
    key: &str,
    value: NodeId,
    under_http_config: bool,
    cx: &mut Decoder<'_>,
) {
    if under_http_config || key == "http_config" || !key.ends_with("_file") {
        return;
    }
    let Some(node) = doc.node(value) else { return };
    let NodeKind::Scalar(s) = &node.kind else {
        return;
    };
    if s.value.is_empty() || Path::new(&s.value).is_absolute() {
        return;
    }
    cx.warning(
        Some(node.mark),
        format!("relative path {:?} in `{key}` is opened relative to Alertmanager's working directory, not this file's directory", s.value),
        Some("use an absolute path to avoid surprises when the process starts elsewhere".into()),
    );
}
