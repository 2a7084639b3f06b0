//! The effective routing tree (upstream `dispatch/route.go`): built once
//! per configuration from [`tocsin_config::Route`], with inheritance
//! applied, route keys and IDs precomputed, and depth-first matching with
//! `continue`. The dispatcher, `GET /api/v2/alerts` (receivers of an
//! alert) and `tocsin config routes show|test` all read it.
//!
//! Inheritance: a child starts from its parent's options; `receiver`
//! overrides when non-empty, `group_by` when the key is present (an
//! explicit `[]` included; `['...']` means every label), timers when set;
//! `labels:` merge parent → child. `continue`, matchers and the mute/active
//! time intervals are the node's own. The root starts from group_wait 30s,
//! group_interval 5m, repeat_interval 4h and no grouping.
//!
//! Matching allocates only the result vector. Nodes with many children
//! keep an index of the children's equality matchers on their most common
//! label, so a wide level costs one hash lookup instead of a scan.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::Duration;

use tocsin_config::{GroupBy, Route};
use tocsin_model::{Fingerprint, LabelSet, MatchType, Matchers};

use crate::alert::LabelView;

/// Upstream `DefaultRouteOpts`.
pub const DEFAULT_GROUP_WAIT: Duration = Duration::from_secs(30);
pub const DEFAULT_GROUP_INTERVAL: Duration = Duration::from_secs(5 * 60);
pub const DEFAULT_REPEAT_INTERVAL: Duration = Duration::from_secs(4 * 60 * 60);

/// Deeper trees are refused, so matching can recurse without risking the stack.
pub const MAX_DEPTH: usize = 512;

/// Children count from which a node indexes its children's equality matchers.
const INDEX_THRESHOLD: usize = 16;

/// A routing tree that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteTreeError {
    #[error("routing tree is deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// The options a node applies to the alerts it matches (upstream `RouteOpts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteOptions {
    pub receiver: String,
    /// `GroupBy::Labels` in configured order, or `GroupBy::All` for `...`.
    pub group_by: GroupBy,
    pub group_wait: Duration,
    pub group_interval: Duration,
    pub repeat_interval: Duration,
    /// The node's own (never inherited).
    pub mute_time_intervals: Vec<String>,
    /// The node's own (never inherited).
    pub active_time_intervals: Vec<String>,
    /// Route labels merged from the root down to this node (unrendered templates).
    pub labels: BTreeMap<String, String>,
}

impl Default for RouteOptions {
    fn default() -> Self {
        RouteOptions {
            receiver: String::new(),
            group_by: GroupBy::Labels(Vec::new()),
            group_wait: DEFAULT_GROUP_WAIT,
            group_interval: DEFAULT_GROUP_INTERVAL,
            repeat_interval: DEFAULT_REPEAT_INTERVAL,
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
            labels: BTreeMap::new(),
        }
    }
}

/// One node of the effective tree.
#[derive(Debug)]
pub struct RouteNode {
    index: usize,
    parent: Option<usize>,
    depth: usize,
    children: Vec<usize>,
    options: RouteOptions,
    /// `group_by` names sorted and deduplicated (for fingerprints).
    group_by_sorted: Vec<String>,
    matchers: Matchers,
    continue_matching: bool,
    key: String,
    id: String,
    child_index: Option<ChildIndex>,
}

impl RouteNode {
    /// Position in [`RouteTree::nodes`] (pre-order; the root is 0).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The parent's index; `None` for the root.
    pub fn parent(&self) -> Option<usize> {
        self.parent
    }

    /// 0 for the root.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Children's indices, in configured order.
    pub fn children(&self) -> &[usize] {
        &self.children
    }

    pub fn options(&self) -> &RouteOptions {
        &self.options
    }

    pub fn receiver(&self) -> &str {
        &self.options.receiver
    }

    /// The node's own matchers (sorted by name, value, type as configured).
    pub fn matchers(&self) -> &Matchers {
        &self.matchers
    }

    /// `continue: true`: siblings after this one are tried even if it matched.
    pub fn continue_matching(&self) -> bool {
        self.continue_matching
    }

    /// Upstream `Route.Key()`: the matchers of the path from the root, e.g.
    /// `{}/{team="frontend"}`. Identical siblings share a key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Upstream `Route.ID()`: like the key, with each non-root step followed
    /// by its position among its siblings, e.g. `{}/{team="frontend"}/0`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this node's own matchers accept `labels` (a missing label is `""`).
    pub fn matches<L: LabelView>(&self, labels: &L) -> bool {
        self.matchers
            .0
            .iter()
            .all(|m| m.matches(labels.label(&m.name).unwrap_or("")))
    }

    /// The labels alerts are grouped by on this node: the alert's labels
    /// restricted to `group_by` (all of them for `...`).
    pub fn group_labels<L: LabelView>(&self, labels: &L) -> LabelSet {
        self.group_label_pairs(labels).collect()
    }

    /// `self.group_labels(labels).fingerprint()` without building the set.
    pub fn group_fingerprint<L: LabelView>(&self, labels: &L) -> Fingerprint {
        fingerprint_of(self.group_label_pairs(labels))
    }

    /// The pairs of [`RouteNode::group_labels`], in name order, borrowed.
    pub fn group_label_pairs<'a, L: LabelView>(
        &'a self,
        labels: &'a L,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + Clone + 'a {
        let (every, chosen) = match self.options.group_by {
            GroupBy::All => (Some(labels.label_pairs()), &[][..]),
            GroupBy::Labels(_) => (None, self.group_by_sorted.as_slice()),
        };
        let chosen = chosen
            .iter()
            .filter_map(|name| labels.label(name).map(|value| (name.as_str(), value)));
        every.into_iter().flatten().chain(chosen)
    }
}

/// Upstream `labels.Matchers.String()`: `{a="1",b=~"x"}`.
fn matchers_string(matchers: &Matchers) -> String {
    let mut out = String::from("{");
    for (i, m) in matchers.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&m.to_string());
    }
    out.push('}');
    out
}

/// FNV-1a over `name 0xff value 0xff` for pairs in name order: the same
/// value as [`LabelSet::fingerprint`].
fn fingerprint_of<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Fingerprint {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for (name, value) in pairs {
        for &b in name
            .as_bytes()
            .iter()
            .chain([0xff].iter())
            .chain(value.as_bytes())
            .chain([0xff].iter())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    Fingerprint(h)
}

/// Children of one node indexed by the value of their equality matcher on
/// the most common label among them.
#[derive(Debug)]
struct ChildIndex {
    label: String,
    /// Value → positions (into `children`) of children requiring it.
    by_value: HashMap<String, Vec<usize>>,
    /// Positions of children without an equality matcher on `label`.
    unindexed: Vec<usize>,
}

impl ChildIndex {
    fn build(children: &[&Route]) -> Option<ChildIndex> {
        if children.len() < INDEX_THRESHOLD {
            return None;
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for child in children {
            let mut seen: Vec<&str> = Vec::new();
            for m in child.matchers.iter().filter(|m| m.kind == MatchType::Equal) {
                if !seen.contains(&m.name.as_str()) {
                    seen.push(&m.name);
                    *counts.entry(&m.name).or_default() += 1;
                }
            }
        }
        let (label, _) = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
        let mut index = ChildIndex {
            label: label.to_owned(),
            by_value: HashMap::new(),
            unindexed: Vec::new(),
        };
        for (position, child) in children.iter().enumerate() {
            match child
                .matchers
                .iter()
                .find(|m| m.kind == MatchType::Equal && m.name == label)
            {
                Some(m) => index
                    .by_value
                    .entry(m.value.clone())
                    .or_default()
                    .push(position),
                None => index.unindexed.push(position),
            }
        }
        Some(index)
    }

    /// Positions of the children that may match `labels`, ascending.
    fn candidates<'a, L: LabelView>(&'a self, labels: &L) -> MergeAscending<'a> {
        let value = labels.label(&self.label).unwrap_or("");
        let indexed = self.by_value.get(value).map_or(&[][..], Vec::as_slice);
        MergeAscending {
            a: indexed,
            b: &self.unindexed,
        }
    }
}

/// Merges two ascending slices.
struct MergeAscending<'a> {
    a: &'a [usize],
    b: &'a [usize],
}

impl Iterator for MergeAscending<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(a), Some(b)) => a < b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let side = if take_a { &mut self.a } else { &mut self.b };
        let (&first, rest) = side.split_first()?;
        *side = rest;
        Some(first)
    }
}

/// The effective routing tree.
#[derive(Debug)]
pub struct RouteTree {
    /// Pre-order (upstream `Walk` order); the root first.
    nodes: Vec<RouteNode>,
}

impl RouteTree {
    /// Builds the effective tree from the configured root route.
    pub fn new(root: &Route) -> Result<RouteTree, RouteTreeError> {
        let mut tree = RouteTree { nodes: Vec::new() };
        tree.add(root, None, &RouteOptions::default(), 0)?;
        Ok(tree)
    }

    fn add(
        &mut self,
        config: &Route,
        parent: Option<(usize, usize)>,
        inherited: &RouteOptions,
        depth: usize,
    ) -> Result<usize, RouteTreeError> {
        if depth > MAX_DEPTH {
            return Err(RouteTreeError::TooDeep);
        }
        let mut options = RouteOptions {
            mute_time_intervals: config.mute_time_intervals.clone(),
            active_time_intervals: config.active_time_intervals.clone(),
            ..inherited.clone()
        };
        if let Some(receiver) = config.receiver.as_deref().filter(|r| !r.is_empty()) {
            options.receiver = receiver.to_owned();
        }
        if let Some(group_by) = &config.group_by {
            options.group_by = group_by.clone();
        }
        if let Some(d) = config.group_wait {
            options.group_wait = d.0;
        }
        if let Some(d) = config.group_interval {
            options.group_interval = d.0;
        }
        if let Some(d) = config.repeat_interval {
            options.repeat_interval = d.0;
        }
        options
            .labels
            .extend(config.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        let group_by_sorted = match &options.group_by {
            GroupBy::All => Vec::new(),
            GroupBy::Labels(names) => {
                let mut names = names.clone();
                names.sort();
                names.dedup();
                names
            }
        };
        let matchers = Matchers(config.matchers.clone());
        let own = matchers_string(&matchers);
        let (key, id) = match parent.and_then(|(p, position)| Some((self.nodes.get(p)?, position)))
        {
            None => (own.clone(), own),
            Some((p, position)) => (
                format!("{}/{own}", p.key),
                format!("{}/{own}/{position}", p.id),
            ),
        };
        let children_config: Vec<&Route> = config.routes.iter().collect();
        let index = self.nodes.len();
        self.nodes.push(RouteNode {
            index,
            parent: parent.map(|(p, _)| p),
            depth,
            children: Vec::with_capacity(config.routes.len()),
            group_by_sorted,
            matchers,
            continue_matching: config.r#continue,
            key,
            id,
            child_index: ChildIndex::build(&children_config),
            options,
        });
        let inherited = self
            .nodes
            .get(index)
            .map(|n| n.options.clone())
            .unwrap_or_default();
        for (position, child) in config.routes.iter().enumerate() {
            let child_index = self.add(child, Some((index, position)), &inherited, depth + 1)?;
            if let Some(node) = self.nodes.get_mut(index) {
                node.children.push(child_index);
            }
        }
        Ok(index)
    }

    pub fn root(&self) -> &RouteNode {
        // `new` always pushes the root first.
        &self.nodes[0]
    }

    /// Every node in pre-order (the order upstream's `Walk` visits), which
    /// with [`RouteNode::depth`] is what drawing the tree needs.
    pub fn nodes(&self) -> &[RouteNode] {
        &self.nodes
    }

    pub fn node(&self, index: usize) -> Option<&RouteNode> {
        self.nodes.get(index)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Upstream `Route.Match`: the nodes an alert with `labels` is routed
    /// to, depth-first. At each node the children are tried in order; a
    /// matching child contributes its own matches, and the search stops at
    /// the first matching child without `continue`. A node none of whose
    /// children match is itself the match. Empty when the root's matchers
    /// reject the labels.
    pub fn match_labels<L: LabelView>(&self, labels: &L) -> Vec<&RouteNode> {
        let mut out = Vec::new();
        self.collect_matches(self.root(), labels, &mut out);
        out
    }

    /// [`RouteTree::match_labels`] for a [`LabelSet`].
    pub fn match_alert(&self, labels: &LabelSet) -> Vec<&RouteNode> {
        self.match_labels(labels)
    }

    fn collect_matches<'a, L: LabelView>(
        &'a self,
        node: &'a RouteNode,
        labels: &L,
        out: &mut Vec<&'a RouteNode>,
    ) -> bool {
        if !node.matches(labels) {
            return false;
        }
        let before = out.len();
        let try_child = |position: usize, out: &mut Vec<&'a RouteNode>| -> bool {
            let Some(child) = node.children.get(position).and_then(|&i| self.nodes.get(i)) else {
                return false;
            };
            self.collect_matches(child, labels, out) && !child.continue_matching
        };
        match &node.child_index {
            Some(index) => {
                for position in index.candidates(labels) {
                    if try_child(position, out) {
                        break;
                    }
                }
            }
            None => {
                for position in 0..node.children.len() {
                    if try_child(position, out) {
                        break;
                    }
                }
            }
        }
        if out.len() == before {
            out.push(node);
        }
        true
    }
}

impl fmt::Display for RouteNode {
    /// The node's ID.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_model::{Matcher, PromDuration};

    fn eq(name: &str, value: &str) -> Matcher {
        Matcher::new(MatchType::Equal, name, value).unwrap()
    }

    fn re(name: &str, value: &str) -> Matcher {
        Matcher::new(MatchType::Regexp, name, value).unwrap()
    }

    fn route(receiver: Option<&str>, matchers: Vec<Matcher>, routes: Vec<Route>) -> Route {
        Route {
            receiver: receiver.map(str::to_owned),
            matchers,
            routes,
            ..Route::default()
        }
    }

    fn secs(s: u64) -> Option<PromDuration> {
        Some(PromDuration(Duration::from_secs(s)))
    }

    fn labels(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn by_label(names: &[&str]) -> Option<GroupBy> {
        Some(GroupBy::Labels(
            names.iter().map(|s| s.to_string()).collect(),
        ))
    }

    /// Upstream's `TestRouteMatch` tree (dispatch/route_test.go), with the
    /// `match_re` values as config loading produces them (anchored).
    fn upstream_tree() -> RouteTree {
        let team_a = Route {
            group_by: None,
            ..route(
                Some("notify-A"),
                vec![eq("owner", "team-A")],
                vec![
                    Route {
                        group_by: Some(GroupBy::All),
                        ..route(Some("notify-testing"), vec![eq("env", "testing")], vec![])
                    },
                    Route {
                        group_wait: secs(60),
                        r#continue: true,
                        ..route(
                            Some("notify-productionA"),
                            vec![eq("env", "production")],
                            vec![],
                        )
                    },
                    Route {
                        group_wait: secs(30),
                        group_interval: secs(300),
                        repeat_interval: secs(3600),
                        group_by: by_label(&["job"]),
                        ..route(
                            Some("notify-productionB"),
                            vec![re("env", "^(?:produ.*)$"), re("job", "^(?:.*)$")],
                            vec![],
                        )
                    },
                ],
            )
        };
        let team_bc = Route {
            group_by: by_label(&["foo", "bar"]),
            group_wait: secs(120),
            ..route(
                Some("notify-BC"),
                vec![re("owner", "^(?:team-(B|C))$")],
                vec![],
            )
        };
        let role = Route {
            group_by: by_label(&["role"]),
            ..route(
                None,
                vec![eq("group_by", "role")],
                vec![route(
                    Some("notify-testing"),
                    vec![eq("env", "testing")],
                    vec![Route {
                        group_wait: secs(120),
                        ..route(None, vec![eq("wait", "long")], vec![])
                    }],
                )],
            )
        };
        RouteTree::new(&route(
            Some("notify-def"),
            vec![],
            vec![team_a, team_bc, role],
        ))
        .unwrap()
    }

    fn summary(node: &RouteNode) -> (String, String, GroupBy, u64) {
        (
            node.key().to_owned(),
            node.receiver().to_owned(),
            node.options().group_by.clone(),
            node.options().group_wait.as_secs(),
        )
    }

    #[test]
    fn matches_like_upstream() {
        let tree = upstream_tree();
        let none = GroupBy::Labels(vec![]);
        type Expected<'a> = Vec<(&'a str, &'a str, GroupBy, u64)>;
        let cases: Vec<(LabelSet, Expected)> = vec![
            (
                labels(&[("owner", "team-A")]),
                vec![(r#"{}/{owner="team-A"}"#, "notify-A", none.clone(), 30)],
            ),
            (
                labels(&[("owner", "team-A"), ("env", "unset")]),
                vec![(r#"{}/{owner="team-A"}"#, "notify-A", none.clone(), 30)],
            ),
            (
                labels(&[("owner", "team-C")]),
                vec![(
                    r#"{}/{owner=~"^(?:team-(B|C))$"}"#,
                    "notify-BC",
                    by_label(&["foo", "bar"]).unwrap(),
                    120,
                )],
            ),
            (
                labels(&[("owner", "team-A"), ("env", "testing")]),
                vec![(
                    r#"{}/{owner="team-A"}/{env="testing"}"#,
                    "notify-testing",
                    GroupBy::All,
                    30,
                )],
            ),
            (
                labels(&[("owner", "team-A"), ("env", "production")]),
                vec![
                    (
                        r#"{}/{owner="team-A"}/{env="production"}"#,
                        "notify-productionA",
                        none.clone(),
                        60,
                    ),
                    (
                        r#"{}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}"#,
                        "notify-productionB",
                        by_label(&["job"]).unwrap(),
                        30,
                    ),
                ],
            ),
            (
                labels(&[("group_by", "role")]),
                vec![(
                    r#"{}/{group_by="role"}"#,
                    "notify-def",
                    by_label(&["role"]).unwrap(),
                    30,
                )],
            ),
            (
                labels(&[("env", "testing"), ("group_by", "role")]),
                vec![(
                    r#"{}/{group_by="role"}/{env="testing"}"#,
                    "notify-testing",
                    by_label(&["role"]).unwrap(),
                    30,
                )],
            ),
            (
                labels(&[("env", "testing"), ("group_by", "role"), ("wait", "long")]),
                vec![(
                    r#"{}/{group_by="role"}/{env="testing"}/{wait="long"}"#,
                    "notify-testing",
                    by_label(&["role"]).unwrap(),
                    120,
                )],
            ),
            (
                labels(&[("owner", "nobody")]),
                vec![("{}", "notify-def", none.clone(), 30)],
            ),
        ];
        for (input, want) in cases {
            let got: Vec<_> = tree.match_alert(&input).into_iter().map(summary).collect();
            let want: Vec<_> = want
                .into_iter()
                .map(|(k, r, g, w)| (k.to_owned(), r.to_owned(), g, w))
                .collect();
            assert_eq!(got, want, "input {input}");
        }
    }

    #[test]
    fn walk_is_preorder_and_ids_carry_sibling_positions() {
        let tree = upstream_tree();
        let receivers: Vec<&str> = tree.nodes().iter().map(RouteNode::receiver).collect();
        assert_eq!(
            receivers,
            [
                "notify-def",
                "notify-A",
                "notify-testing",
                "notify-productionA",
                "notify-productionB",
                "notify-BC",
                "notify-def",
                "notify-testing",
                "notify-testing",
            ]
        );
        let ids: Vec<&str> = tree.nodes().iter().map(RouteNode::id).collect();
        assert_eq!(ids[0], "{}");
        assert_eq!(ids[1], r#"{}/{owner="team-A"}/0"#);
        assert_eq!(ids[3], r#"{}/{owner="team-A"}/0/{env="production"}/1"#);
        assert_eq!(
            ids[8],
            r#"{}/{group_by="role"}/2/{env="testing"}/0/{wait="long"}/0"#
        );
        let depths: Vec<usize> = tree.nodes().iter().map(RouteNode::depth).collect();
        assert_eq!(depths, [0, 1, 2, 2, 2, 1, 1, 2, 3]);
        assert_eq!(tree.node(4).and_then(RouteNode::parent), Some(1));
        assert_eq!(tree.root().children(), &[1, 5, 6]);
    }

    #[test]
    fn identical_siblings_share_keys_not_ids() {
        let tree = RouteTree::new(&route(
            Some("r"),
            vec![],
            vec![
                route(None, vec![eq("a", "1")], vec![]),
                route(None, vec![eq("a", "1")], vec![]),
            ],
        ))
        .unwrap();
        let (x, y) = (tree.node(1).unwrap(), tree.node(2).unwrap());
        assert_eq!(x.key(), y.key());
        assert_eq!((x.id(), y.id()), (r#"{}/{a="1"}/0"#, r#"{}/{a="1"}/1"#));
    }

    #[test]
    fn inheritance_rules() {
        let mut grandchild = route(None, vec![eq("c", "1")], vec![]);
        grandchild.labels.insert("tier".into(), "gc".into());
        let mut child = Route {
            group_by: Some(GroupBy::Labels(vec![])),
            repeat_interval: secs(60),
            mute_time_intervals: vec!["child-only".into()],
            ..route(None, vec![eq("b", "1")], vec![grandchild])
        };
        child.labels.insert("team".into(), "b".into());
        let mut root = Route {
            group_by: by_label(&["alertname"]),
            group_interval: secs(10),
            ..route(Some("root"), vec![], vec![child])
        };
        root.labels.insert("team".into(), "root".into());
        root.labels.insert("env".into(), "prod".into());
        let tree = RouteTree::new(&root).unwrap();
        let gc = tree.match_alert(&labels(&[("b", "1"), ("c", "1")]))[0];
        let o = gc.options();
        assert_eq!(o.receiver, "root");
        assert_eq!(
            o.group_by,
            GroupBy::Labels(vec![]),
            "explicit [] inherited as []"
        );
        assert_eq!(o.group_wait, DEFAULT_GROUP_WAIT);
        assert_eq!(o.group_interval, Duration::from_secs(10));
        assert_eq!(o.repeat_interval, Duration::from_secs(60));
        assert!(
            o.mute_time_intervals.is_empty(),
            "time intervals are not inherited"
        );
        let want: BTreeMap<String, String> = [("env", "prod"), ("team", "b"), ("tier", "gc")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert_eq!(o.labels, want);
        assert_eq!(
            tree.node(1).unwrap().options().mute_time_intervals,
            ["child-only"]
        );
    }

    #[test]
    fn group_by_all_is_inherited_and_overridable() {
        let root = Route {
            group_by: Some(GroupBy::All),
            ..route(
                Some("r"),
                vec![],
                vec![
                    route(None, vec![eq("env", "child1")], vec![]),
                    Route {
                        group_by: by_label(&["foo"]),
                        ..route(None, vec![eq("env", "child2")], vec![])
                    },
                ],
            )
        };
        let tree = RouteTree::new(&root).unwrap();
        assert_eq!(tree.node(1).unwrap().options().group_by, GroupBy::All);
        assert_eq!(
            tree.node(2).unwrap().options().group_by,
            by_label(&["foo"]).unwrap()
        );
    }

    #[test]
    fn negative_and_regex_matchers_and_continue() {
        let ne = Matcher::new(MatchType::NotEqual, "level", "critical").unwrap();
        let nre = Matcher::new(MatchType::NotRegexp, "baz", ".*quux").unwrap();
        let root = route(
            Some("def"),
            vec![],
            vec![
                Route {
                    r#continue: true,
                    ..route(Some("all-noncritical"), vec![ne], vec![])
                },
                route(Some("no-quux"), vec![nre], vec![]),
                route(Some("never-reached"), vec![], vec![]),
            ],
        );
        let tree = RouteTree::new(&root).unwrap();
        let receivers = |l: &[(&str, &str)]| -> Vec<String> {
            tree.match_alert(&labels(l))
                .into_iter()
                .map(|n| n.receiver().to_owned())
                .collect()
        };
        assert_eq!(
            receivers(&[]),
            ["all-noncritical", "no-quux"],
            "missing labels are empty"
        );
        assert_eq!(receivers(&[("level", "critical")]), ["no-quux"]);
        assert_eq!(
            receivers(&[("level", "critical"), ("baz", "xquux")]),
            ["never-reached"]
        );
        assert_eq!(
            receivers(&[("baz", "aquux")]),
            ["all-noncritical", "never-reached"]
        );
    }

    #[test]
    fn root_matchers_can_reject_everything() {
        let tree = RouteTree::new(&route(Some("r"), vec![eq("a", "1")], vec![])).unwrap();
        assert!(tree.match_alert(&labels(&[("a", "2")])).is_empty());
        assert_eq!(tree.match_alert(&labels(&[("a", "1")])).len(), 1);
    }

    #[test]
    fn group_labels_and_fingerprints() {
        let root = Route {
            group_by: by_label(&["b", "a", "missing"]),
            ..route(
                Some("r"),
                vec![],
                vec![Route {
                    group_by: Some(GroupBy::All),
                    ..route(None, vec![eq("all", "yes")], vec![])
                }],
            )
        };
        let tree = RouteTree::new(&root).unwrap();
        let alert = labels(&[("a", "v1"), ("b", "v2"), ("c", "v3")]);
        let node = tree.root();
        assert_eq!(
            node.group_labels(&alert),
            labels(&[("a", "v1"), ("b", "v2")])
        );
        assert_eq!(
            node.group_fingerprint(&alert),
            labels(&[("a", "v1"), ("b", "v2")]).fingerprint()
        );
        let with_all = labels(&[("a", "v1"), ("all", "yes")]);
        let all = tree.match_alert(&with_all)[0];
        assert_eq!(all.group_labels(&with_all), with_all);
        assert_eq!(all.group_fingerprint(&with_all), with_all.fingerprint());
        let bare = labels(&[("x", "1")]);
        assert_eq!(node.group_labels(&bare), LabelSet::new());
        assert_eq!(node.group_fingerprint(&bare), LabelSet::new().fingerprint());
    }

    /// A wide level uses the child index; results must equal a plain scan.
    #[test]
    fn indexed_children_match_like_a_scan() {
        let mut children: Vec<Route> = (0..40)
            .map(|i| {
                route(
                    Some(&format!("team-{i}")),
                    vec![eq("team", &format!("t{}", i % 20))],
                    vec![],
                )
            })
            .collect();
        children.insert(
            5,
            Route {
                r#continue: true,
                ..route(Some("regex"), vec![re("team", "t1.*")], vec![])
            },
        );
        children.insert(30, route(Some("sev"), vec![eq("severity", "page")], vec![]));
        children[12].r#continue = true;
        let tree = RouteTree::new(&route(Some("def"), vec![], children)).unwrap();
        assert!(tree.root().child_index.is_some());
        let scan = |l: &LabelSet| -> Vec<String> {
            // Reference: upstream's linear algorithm over the root's children.
            let mut out = Vec::new();
            for &c in tree.root().children() {
                let child = tree.node(c).unwrap();
                if child.matches(l) {
                    out.push(child.receiver().to_owned());
                    if !child.continue_matching() {
                        break;
                    }
                }
            }
            if out.is_empty() {
                out.push("def".into());
            }
            out
        };
        for team in ["t0", "t1", "t11", "t12", "t19", "t3", "nope", ""] {
            for sev in ["page", "ticket"] {
                let l = labels(&[("team", team), ("severity", sev)]);
                let got: Vec<String> = tree
                    .match_alert(&l)
                    .into_iter()
                    .map(|n| n.receiver().to_owned())
                    .collect();
                assert_eq!(got, scan(&l), "team={team} severity={sev}");
            }
        }
    }

    #[test]
    fn too_deep_trees_are_refused() {
        let mut node = route(None, vec![], vec![]);
        for _ in 0..=MAX_DEPTH {
            node = route(None, vec![], vec![node]);
        }
        assert_eq!(RouteTree::new(&node).unwrap_err(), RouteTreeError::TooDeep);
    }
}
