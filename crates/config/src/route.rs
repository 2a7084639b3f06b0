//! The `route:` tree and `inhibit_rules:` as written in the file (before
//! inheritance is applied; `tocsin-alerting` builds the effective tree).
//!
//! Decoding happens in two steps: yaml → the `Raw*` structs (upstream's
//! field set, checks and error messages), then → [`Route`] / [`InhibitRule`]
//! with the legacy `match`/`match_re` maps merged into matcher lists the
//! way upstream merges them.

use std::collections::BTreeMap;

use tocsin_model::goquote::go_quote;
use tocsin_model::{Matcher, PromDuration};

use crate::common::{MatchRegexps, MatcherList, equality_matchers, regex_matchers, sort_matchers};
use crate::decode::config_struct;
use crate::decode::{Checks, Decode, Decoder, Spanned, decode_string_map};
use crate::render::{Out, Render, push_field};
use crate::yaml::{Mark, NodeId};

/// `group_by:` — either `['...']` (every label) or a list of label names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    All,
    Labels(Vec<String>),
}

/// The matcher fields exactly as written (`match`, `match_re`, `matchers`),
/// kept to print the configuration back.
#[derive(Clone, Debug, Default)]
pub struct WrittenMatchers {
    /// `match` / `source_match` / `target_match`: label → value.
    pub equal: BTreeMap<String, String>,
    /// `match_re` / `…_match_re`: label → regular expression (unanchored, as written).
    pub regex: BTreeMap<String, String>,
    /// `matchers` / `…_matchers`, parsed and sorted.
    pub matchers: Vec<Matcher>,
}

impl WrittenMatchers {
    pub fn is_empty(&self) -> bool {
        self.equal.is_empty() && self.regex.is_empty() && self.matchers.is_empty()
    }
}

/// One node of the routing tree exactly as configured.
#[derive(Clone, Debug, Default)]
pub struct Route {
    pub receiver: Option<String>,
    /// `None` when the key is absent (inherit); `Some(Labels([]))` for an explicit `[]`.
    pub group_by: Option<GroupBy>,
    pub r#continue: bool,
    /// `match` + `match_re` + `matchers`, concatenated then sorted as upstream.
    pub matchers: Vec<Matcher>,
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
    pub group_wait: Option<PromDuration>,
    pub group_interval: Option<PromDuration>,
    pub repeat_interval: Option<PromDuration>,
    /// `labels:` (0.34): name → template string, merged parent → child.
    pub labels: BTreeMap<String, String>,
    pub routes: Vec<Route>,
    /// The matcher fields as written (for printing the configuration back).
    pub written: WrittenMatchers,
    /// Where this route's block starts in the file.
    pub position: Option<Mark>,
}

/// One `inhibit_rules:` entry with legacy and new matcher forms merged.
#[derive(Clone, Debug, Default)]
pub struct InhibitRule {
    pub name: Option<String>,
    pub source_matchers: Vec<Matcher>,
    pub target_matchers: Vec<Matcher>,
    pub equal: Vec<String>,
    /// `source_match`, `source_match_re`, `source_matchers` as written.
    pub written_source: WrittenMatchers,
    /// `target_match`, `target_match_re`, `target_matchers` as written.
    pub written_target: WrittenMatchers,
    /// Where this rule starts in the file.
    pub position: Option<Mark>,
}

/// Route `labels:` (`model.LabelSet`): keys must be valid label names.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct RouteLabels(pub(crate) BTreeMap<String, Spanned<String>>);

impl Decode for RouteLabels {
    fn zero() -> Self {
        RouteLabels::default()
    }
    fn go_type() -> String {
        "model.LabelSet".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        decode_string_map(&mut self.0, id, cx, "model.LabelSet");
        for (name, value) in &self.0 {
            if name.is_empty() {
                cx.decode_error(
                    value.mark,
                    format!("{} is not a valid label name", go_quote(name)),
                );
            }
        }
    }
}

impl Render for RouteLabels {
    fn render(&self) -> Out {
        self.0.render()
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

config_struct! {
    /// A route as written.
    pub(crate) struct RawRoute {
        go_type: "config.Route",
        decode_as: "config.plain",
        reset: false,
        list_element: "*",
        check: Some(check_route),
    } {
        receiver: Spanned<String> = Spanned::default() => "receiver", omitempty;
        group_by: Spanned<Option<Vec<Spanned<String>>>> = Spanned::default() => "group_by", omitempty;
        match_equal: Spanned<BTreeMap<String, String>> = Spanned::default() => "match", omitempty;
        match_re: Spanned<MatchRegexps> = Spanned::default() => "match_re", omitempty;
        matchers: Spanned<MatcherList> = Spanned::default() => "matchers", omitempty;
        mute_time_intervals: Spanned<Vec<Spanned<String>>> = Spanned::default() => "mute_time_intervals", omitempty;
        active_time_intervals: Spanned<Vec<Spanned<String>>> = Spanned::default() => "active_time_intervals", omitempty;
        continue_: Spanned<bool> = Spanned::default() => "continue";
        routes: Vec<Spanned<RawRoute>> = Vec::new() => "routes", omitempty;
        group_wait: Spanned<Option<PromDuration>> = Spanned::default() => "group_wait", omitempty;
        group_interval: Spanned<Option<PromDuration>> = Spanned::default() => "group_interval", omitempty;
        repeat_interval: Spanned<Option<PromDuration>> = Spanned::default() => "repeat_interval", omitempty;
        labels: RouteLabels = RouteLabels::default() => "labels", omitempty;
    }
}

fn check_route(r: &mut RawRoute, v: &mut Checks<'_, '_>) {
    for name in r.match_equal.value.keys() {
        if !tocsin_model::labels::is_valid_legacy_label_name(name) {
            v.fail_hint(
                "match",
                format!("invalid label name {}", go_quote(name)),
                "`match` keys must be classic label names ([a-zA-Z_][a-zA-Z0-9_]*); use `matchers:` for other names",
            );
        }
    }
    for name in r.labels.0.keys() {
        if !v.cx.options.is_valid_label_name(name) {
            v.fail(
                "labels",
                format!("invalid label name {} in route labels", go_quote(name)),
            );
        }
    }
    if let Some(group_by) = &r.group_by.value {
        let mut all = false;
        let mut names: Vec<&str> = Vec::new();
        for label in group_by {
            if label.value == "..." {
                all = true;
            } else if !v.cx.options.is_valid_label_name(&label.value) {
                v.cx.decode_error(
                    label.mark,
                    format!(
                        "invalid label name {} in group_by list",
                        go_quote(&label.value)
                    ),
                );
            } else {
                names.push(&label.value);
            }
        }
        if all && !names.is_empty() {
            v.fail_hint(
                "group_by",
                "cannot have wildcard group_by (`...`) and other labels at the same time",
                "`...` already groups by every label; remove the other names or the `...`",
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for label in group_by {
            if label.value == "..." {
                continue;
            }
            if seen.contains(&label.value.as_str()) {
                v.cx.decode_error(
                    label.mark,
                    format!("duplicated label {} in group_by", go_quote(&label.value)),
                );
            }
            seen.push(&label.value);
        }
    }
    if r.group_interval.value.is_some_and(|d| d.0.is_zero()) {
        v.fail("group_interval", "group_interval cannot be zero");
    }
    if r.repeat_interval.value.is_some_and(|d| d.0.is_zero()) {
        v.fail("repeat_interval", "repeat_interval cannot be zero");
    }
}

/// Positions of a route's parts, for the checks after decoding.
#[derive(Clone, Debug, Default)]
pub(crate) struct RouteMarks {
    pub(crate) node: Option<Mark>,
    pub(crate) receiver: Option<Mark>,
    pub(crate) continue_: Option<Mark>,
    pub(crate) matchers: Option<Mark>,
    pub(crate) mute: Option<Mark>,
    pub(crate) mute_items: Vec<Option<Mark>>,
    pub(crate) active: Option<Mark>,
    pub(crate) active_items: Vec<Option<Mark>>,
    pub(crate) children: Vec<RouteMarks>,
}

impl RawRoute {
    /// The route (and its subtree) in the shape the rest of tocsin uses.
    pub(crate) fn into_route(self, node: Option<Mark>) -> (Route, RouteMarks) {
        let mut matchers = equality_matchers(&self.match_equal.value);
        matchers.extend(regex_matchers(&self.match_re.value));
        matchers.extend(self.matchers.value.0.iter().cloned());
        sort_matchers(&mut matchers);
        let group_by = self.group_by.value.as_ref().map(|list| {
            if list.iter().any(|l| l.value == "...") {
                GroupBy::All
            } else {
                GroupBy::Labels(list.iter().map(|l| l.value.clone()).collect())
            }
        });
        let matchers_mark = self
            .match_equal
            .mark
            .or(self.match_re.mark)
            .or(self.matchers.mark);
        let mut marks = RouteMarks {
            node,
            receiver: self.receiver.mark,
            continue_: self.continue_.mark,
            matchers: matchers_mark,
            mute: self.mute_time_intervals.mark,
            mute_items: self
                .mute_time_intervals
                .value
                .iter()
                .map(|s| s.mark)
                .collect(),
            active: self.active_time_intervals.mark,
            active_items: self
                .active_time_intervals
                .value
                .iter()
                .map(|s| s.mark)
                .collect(),
            children: Vec::new(),
        };
        let mut routes = Vec::with_capacity(self.routes.len());
        for child in self.routes {
            let (route, child_marks) = child.value.into_route(child.mark);
            routes.push(route);
            marks.children.push(child_marks);
        }
        let route = Route {
            receiver: Some(self.receiver.value).filter(|r| !r.is_empty()),
            group_by,
            r#continue: self.continue_.value,
            matchers,
            mute_time_intervals: self
                .mute_time_intervals
                .value
                .into_iter()
                .map(|s| s.value)
                .collect(),
            active_time_intervals: self
                .active_time_intervals
                .value
                .into_iter()
                .map(|s| s.value)
                .collect(),
            group_wait: self.group_wait.value,
            group_interval: self.group_interval.value,
            repeat_interval: self.repeat_interval.value,
            labels: self
                .labels
                .0
                .into_iter()
                .map(|(k, v)| (k, v.value))
                .collect(),
            routes,
            written: WrittenMatchers {
                equal: self.match_equal.value,
                regex: self.match_re.value.0,
                matchers: self.matchers.value.0,
            },
            position: node,
        };
        (route, marks)
    }
}

impl Render for Route {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        push_field(
            &mut f,
            "receiver",
            &self.receiver.clone().unwrap_or_default(),
            true,
        );
        let group_by: Vec<String> = match &self.group_by {
            None => Vec::new(),
            Some(GroupBy::All) => vec!["...".into()],
            Some(GroupBy::Labels(l)) => l.clone(),
        };
        push_field(&mut f, "group_by", &group_by, true);
        push_field(&mut f, "match", &self.written.equal, true);
        push_field(&mut f, "match_re", &self.written.regex, true);
        push_field(&mut f, "matchers", &self.written.matchers, true);
        push_field(
            &mut f,
            "mute_time_intervals",
            &self.mute_time_intervals,
            true,
        );
        push_field(
            &mut f,
            "active_time_intervals",
            &self.active_time_intervals,
            true,
        );
        push_field(&mut f, "continue", &self.r#continue, false);
        push_field(&mut f, "routes", &self.routes, true);
        push_field(&mut f, "group_wait", &self.group_wait, true);
        push_field(&mut f, "group_interval", &self.group_interval, true);
        push_field(&mut f, "repeat_interval", &self.repeat_interval, true);
        push_field(&mut f, "labels", &self.labels, true);
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        false
    }
}

config_struct! {
    /// An inhibition rule as written.
    pub(crate) struct RawInhibitRule {
        go_type: "common.InhibitRule",
        decode_as: "common.plain",
        reset: false,
        list_element: "",
        check: Some(check_inhibit_rule),
    } {
        name: String = String::new() => "name", omitempty;
        source_match: BTreeMap<String, String> = BTreeMap::new() => "source_match", omitempty;
        source_match_re: MatchRegexps = MatchRegexps::default() => "source_match_re", omitempty;
        source_matchers: MatcherList = MatcherList::default() => "source_matchers", omitempty;
        target_match: BTreeMap<String, String> = BTreeMap::new() => "target_match", omitempty;
        target_match_re: MatchRegexps = MatchRegexps::default() => "target_match_re", omitempty;
        target_matchers: MatcherList = MatcherList::default() => "target_matchers", omitempty;
        equal: Vec<Spanned<String>> = Vec::new() => "equal", omitempty;
    }
}

fn check_inhibit_rule(r: &mut RawInhibitRule, v: &mut Checks<'_, '_>) {
    for (key, map) in [
        ("source_match", &r.source_match),
        ("target_match", &r.target_match),
    ] {
        for name in map.keys() {
            if !tocsin_model::labels::is_valid_legacy_label_name(name) {
                v.fail(key, format!("invalid label name {}", go_quote(name)));
            }
        }
    }
    for label in &r.equal {
        if !v.cx.options.is_valid_label_name(&label.value) {
            v.cx.decode_error(
                label.mark,
                format!(
                    "invalid label name {} in equal list",
                    go_quote(&label.value)
                ),
            );
        }
    }
}

impl RawInhibitRule {
    pub(crate) fn into_rule(self, position: Option<Mark>) -> InhibitRule {
        let side = |equal: BTreeMap<String, String>, regex: MatchRegexps, list: MatcherList| {
            let mut merged = equality_matchers(&equal);
            merged.extend(regex_matchers(&regex));
            merged.extend(list.0.iter().cloned());
            (
                merged,
                WrittenMatchers {
                    equal,
                    regex: regex.0,
                    matchers: list.0,
                },
            )
        };
        let (source_matchers, written_source) = side(
            self.source_match,
            self.source_match_re,
            self.source_matchers,
        );
        let (target_matchers, written_target) = side(
            self.target_match,
            self.target_match_re,
            self.target_matchers,
        );
        InhibitRule {
            name: Some(self.name).filter(|n| !n.is_empty()),
            source_matchers,
            target_matchers,
            equal: self.equal.into_iter().map(|e| e.value).collect(),
            written_source,
            written_target,
            position,
        }
    }
}

impl Render for InhibitRule {
    fn render(&self) -> Out {
        let mut f = Vec::new();
        push_field(&mut f, "name", &self.name.clone().unwrap_or_default(), true);
        push_field(&mut f, "source_match", &self.written_source.equal, true);
        push_field(&mut f, "source_match_re", &self.written_source.regex, true);
        push_field(
            &mut f,
            "source_matchers",
            &self.written_source.matchers,
            true,
        );
        push_field(&mut f, "target_match", &self.written_target.equal, true);
        push_field(&mut f, "target_match_re", &self.written_target.regex, true);
        push_field(
            &mut f,
            "target_matchers",
            &self.written_target.matchers,
            true,
        );
        push_field(&mut f, "equal", &self.equal, true);
        Out::Map(f)
    }
    fn is_zero(&self) -> bool {
        self.name.is_none()
            && self.written_source.is_empty()
            && self.written_target.is_empty()
            && self.equal.is_empty()
    }
}
