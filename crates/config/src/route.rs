//! The `route:` tree and `inhibit_rules:` as written in the file (before
//! inheritance is applied; `tocsin-alerting` builds the effective tree).

use std::collections::BTreeMap;

use tocsin_model::{Matcher, PromDuration};

/// `group_by:` — either `['...']` (every label) or a list of label names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    All,
    Labels(Vec<String>),
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
}

/// One `inhibit_rules:` entry with legacy and new matcher forms merged.
#[derive(Clone, Debug, Default)]
pub struct InhibitRule {
    pub name: Option<String>,
    pub source_matchers: Vec<Matcher>,
    pub target_matchers: Vec<Matcher>,
    pub equal: Vec<String>,
}
