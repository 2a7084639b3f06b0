//! Turning YAML nodes into typed values the way Go's `yaml.v2`
//! `UnmarshalStrict` does, but collecting every problem instead of
//! stopping at the first.
//!
//! The [`Decode`] trait is implemented for the primitive types, lists, maps,
//! optional values and free-form values here; configuration structs get
//! theirs from the [`config_struct!`](crate::config_struct) macro, which
//! declares a struct, its defaults, its decoder and its renderer from one
//! field list. Semantics copied from yaml.v2: null stores the Go zero value
//! (not the default), a struct with its own `UnmarshalYAML` is reset to its
//! defaults before its keys are applied, merge keys (`<<`) are applied in
//! place, unknown and repeated keys are type errors, and aliases are
//! expanded with yaml.v2's budget against alias bombs. A struct's
//! validation runs only when nothing inside it failed (as upstream, whose
//! validation never sees a half-decoded value), which also keeps one
//! mistake from producing a cascade of follow-up errors.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity, SourceMap, Upstream};
use crate::hints;
use crate::options::LoadOptions;
use crate::yaml::{Document, Mark, Node, NodeId, NodeKind, Resolved, Scalar, ScalarStyle};

/// At most this many diagnostics are kept; the rest are counted.
const MAX_DIAGNOSTICS: usize = 500;

/// A value that can be decoded from a YAML node.
pub(crate) trait Decode: Sized {
    /// Go's zero value of the upstream type: what yaml.v2 stores for null.
    fn zero() -> Self;
    /// The upstream Go type as yaml.v2 prints it (`bool`, `[]string`, `config.Receiver`).
    fn go_type() -> String;
    /// `"*"` when upstream holds lists of this type through pointers (`[]*T`).
    const LIST_ELEMENT_PREFIX: &'static str = "";
    /// Decode a node that is neither null nor an alias into `self`.
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>);
    /// Told where the value was written (used by [`Spanned`]).
    fn set_mark(&mut self, _mark: Mark) {}
}

/// Decoding state: the document, the collected diagnostics and the alias budget.
pub(crate) struct Decoder<'a> {
    doc: &'a Document,
    source: &'a SourceMap<'a>,
    pub(crate) options: &'a LoadOptions,
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    suppressed: usize,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active_aliases: Vec<NodeId>,
    depth: usize,
    aborted: bool,
    /// Matcher lines already parsed during this load.
    pub(crate) matcher_cache: MatcherCache,
}

pub(crate) type MatcherCache = std::collections::HashMap<
    String,
    Result<
        tocsin_model::matcher::Parsed<Vec<tocsin_model::Matcher>>,
        tocsin_model::matcher::MatcherError,
    >,
>;

impl<'a> Decoder<'a> {
    pub(crate) fn new(
        doc: &'a Document,
        source: &'a SourceMap<'a>,
        options: &'a LoadOptions,
    ) -> Self {
        Decoder {
            doc,
            source,
            options,
            diagnostics: Vec::new(),
            errors: 0,
            suppressed: 0,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active_aliases: Vec::new(),
            depth: 0,
            aborted: false,
            matcher_cache: MatcherCache::new(),
        }
    }

    pub(crate) fn node(&self, id: NodeId) -> Option<&'a Node> {
        self.doc.node(id)
    }

    pub(crate) fn mark(&self, id: NodeId) -> Option<Mark> {
        self.node(id).map(|n| n.mark)
    }

    pub(crate) fn scalar(&self, id: NodeId) -> Option<&'a Scalar> {
        match &self.node(id)?.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Number of errors recorded so far (including suppressed ones).
    pub(crate) fn error_count(&self) -> usize {
        self.errors
    }

    /// Whether decoding stopped for good (alias bomb, self-referencing anchor).
    pub(crate) fn aborted(&self) -> bool {
        self.aborted
    }

    /// The diagnostics collected, and how many more were dropped.
    pub(crate) fn into_diagnostics(self) -> (Vec<Diagnostic>, usize) {
        (self.diagnostics, self.suppressed)
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        if d.is_error() {
            self.errors += 1;
        }
        if self.is_full() {
            self.suppressed += 1;
            return;
        }
        self.diagnostics.push(d);
    }

    /// Whether further diagnostics are only counted (so callers can skip
    /// the work of building hints and snippets nobody will see).
    pub(crate) fn is_full(&self) -> bool {
        self.diagnostics.len() >= MAX_DIAGNOSTICS
    }

    pub(crate) fn error(
        &mut self,
        at: Option<Mark>,
        message: String,
        hint: Option<String>,
        upstream: Upstream,
    ) {
        if self.is_full() {
            self.errors += 1;
            self.suppressed += 1;
            return;
        }
        let d = self
            .source
            .diagnostic(Severity::Error, at, message, hint, upstream);
        self.push(d);
    }

    pub(crate) fn warning(&mut self, at: Option<Mark>, message: String, hint: Option<String>) {
        if self.is_full() {
            self.suppressed += 1;
            return;
        }
        let d = self
            .source
            .diagnostic(Severity::Warning, at, message, hint, Upstream::None);
        self.push(d);
    }

    /// An error that Alertmanager raises while decoding.
    pub(crate) fn decode_error(&mut self, at: Option<Mark>, message: impl Into<String>) {
        self.error(at, message.into(), None, Upstream::Decode);
    }

    /// A yaml.v2 type error at `at`; `line` is the line yaml.v2 names.
    pub(crate) fn type_error_at(
        &mut self,
        at: Option<Mark>,
        message: String,
        hint: Option<String>,
    ) {
        let line = at.map_or(0, |m| m.line);
        self.error(at, message, hint, Upstream::Type { line });
    }

    /// yaml.v2's "cannot unmarshal !!str `abc` into bool".
    pub(crate) fn type_error(&mut self, id: NodeId, go_type: &str) {
        let Some(node) = self.node(id) else { return };
        let (tag, value) = match &node.kind {
            NodeKind::Scalar(s) => {
                let tag = s
                    .tag
                    .clone()
                    .unwrap_or_else(|| s.resolve().tag().to_owned());
                (tag, Some(s.value.as_str()))
            }
            NodeKind::Sequence(_) => ("!!seq".to_owned(), None),
            NodeKind::Mapping(_) => ("!!map".to_owned(), None),
            NodeKind::Alias { .. } => ("!!alias".to_owned(), None),
        };
        let shown = match value {
            None => String::new(),
            Some(v) if v.len() > 10 => format!(" `{}...`", truncate_bytes(v, 7)),
            Some(v) => format!(" `{v}`"),
        };
        let hint = self.type_hint(node, go_type);
        self.type_error_at(
            Some(node.mark),
            format!("cannot unmarshal {tag}{shown} into {go_type}"),
            hint,
        );
    }

    fn type_hint(&self, node: &Node, go_type: &str) -> Option<String> {
        let is_list = go_type.starts_with("[]");
        match (&node.kind, is_list) {
            (NodeKind::Scalar(_), true) => Some("a list is expected here; write each item on its own line starting with `- `, or use `[a, b]`".into()),
            (NodeKind::Mapping(_), true) => Some("a list is expected here; start each entry with `- `".into()),
            (NodeKind::Sequence(_), false) if go_type.contains("plain") || go_type.contains('.') => {
                Some("a mapping (`key: value` lines) is expected here, not a list".into())
            }
            (NodeKind::Scalar(s), false) if go_type == "bool" => {
                Some(format!("use `true` or `false` (found `{}`)", s.value))
            }
            (NodeKind::Scalar(_), false) if go_type.contains("plain") || go_type.starts_with("map[") => {
                Some("a mapping (`key: value` lines, indented below this key) is expected here".into())
            }
            _ => None,
        }
    }

    /// Stop decoding altogether (yaml.v2 panics out of the whole unmarshal).
    pub(crate) fn abort(&mut self, at: Option<Mark>, message: String, hint: Option<String>) {
        self.error(at, message, hint, Upstream::Decode);
        self.aborted = true;
    }

    /// Decode node `id` into `out`, following aliases and storing Go's
    /// zero value for null.
    pub(crate) fn value<T: Decode>(&mut self, id: NodeId, out: &mut T) {
        if self.aborted {
            return;
        }
        let Some(node) = self.node(id) else { return };
        if !self.count_decode(node.mark) {
            return;
        }
        if !matches!(&node.kind, NodeKind::Scalar(s) if s.is_null()) {
            out.set_mark(node.mark);
        }
        match &node.kind {
            NodeKind::Alias { target, name } => {
                let (target, name) = (*target, name.clone());
                self.through_alias(id, target, &name, node.mark, |cx, target| {
                    cx.value(target, out)
                });
            }
            NodeKind::Scalar(s) if s.is_null() => {
                *out = T::zero();
                out.set_mark(node.mark);
            }
            _ => {
                if self.depth > 2 * crate::yaml::MAX_DEPTH {
                    self.abort(
                        Some(node.mark),
                        "document nests too deeply through aliases".into(),
                        None,
                    );
                    return;
                }
                self.depth += 1;
                out.decode(id, self);
                self.depth -= 1;
            }
        }
    }

    /// yaml.v2's budget: once over 1000 decodes and 100 alias-driven ones,
    /// aliases may account for at most 99% (small documents) down to 10%
    /// (4M decodes) of all decode operations.
    fn count_decode(&mut self, at: Mark) -> bool {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100 && self.decode_count > 1000 {
            let allowed = match self.decode_count {
                n if n <= 400_000 => 0.99,
                n if n >= 4_000_000 => 0.10,
                n => 0.99 - 0.89 * ((n - 400_000) as f64 / 3_600_000.0),
            };
            if self.alias_count as f64 / self.decode_count as f64 > allowed {
                self.abort(
                    Some(at),
                    "yaml: document contains excessive aliasing".into(),
                    Some("aliases (`*name`) expand to far more data than the file holds; this looks like an alias bomb".into()),
                );
                return false;
            }
        }
        true
    }

    fn through_alias(
        &mut self,
        alias: NodeId,
        target: NodeId,
        name: &str,
        at: Mark,
        f: impl FnOnce(&mut Self, NodeId),
    ) {
        if self.active_aliases.contains(&alias) {
            self.abort(
                Some(at),
                format!("yaml: anchor '{name}' value contains itself"),
                None,
            );
            return;
        }
        self.active_aliases.push(alias);
        self.alias_depth += 1;
        f(self, target);
        self.alias_depth -= 1;
        self.active_aliases.pop();
    }

    /// The node an alias chain ends at (with cycle protection), for code that
    /// must look at a node's shape before decoding it.
    pub(crate) fn resolve_alias(&self, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.node(id).map(|n| &n.kind) {
                Some(NodeKind::Alias { target, .. }) => id = *target,
                _ => break,
            }
        }
        id
    }

    /// Decode a mapping into a struct with the given keys: `field` is
    /// called with the index of the matched key and the value node.
    /// `plain` is the Go type name used in yaml.v2's messages.
    pub(crate) fn struct_fields(
        &mut self,
        id: NodeId,
        plain: &str,
        keys: &'static [&'static str],
        mut field: impl FnMut(&mut Decoder<'a>, usize, NodeId),
    ) -> FieldMarks {
        let mut marks = FieldMarks {
            node: self.mark(id),
            keys,
            key_marks: vec![None; keys.len()],
        };
        self.struct_fields_into(id, plain, &mut marks, &mut field);
        marks
    }

    fn struct_fields_into(
        &mut self,
        id: NodeId,
        plain: &str,
        marks: &mut FieldMarks,
        field: &mut dyn FnMut(&mut Decoder<'a>, usize, NodeId),
    ) {
        let Some(node) = self.node(id) else { return };
        let NodeKind::Mapping(pairs) = &node.kind else {
            self.type_error(id, plain);
            return;
        };
        let mut done = vec![false; marks.keys.len()];
        for &(key_id, value_id) in pairs {
            if self.aborted {
                return;
            }
            if self.is_merge_key(key_id) {
                self.merge(value_id, &mut |cx, merged| {
                    cx.struct_fields_into(merged, plain, marks, field)
                });
                continue;
            }
            let Some(key) = self.key_text(key_id) else {
                continue;
            };
            let key_mark = self.mark(key_id);
            match marks.keys.iter().position(|k| *k == key) {
                Some(index) => {
                    if done[index] {
                        self.type_error_at(
                            key_mark,
                            format!("field {key} already set in type {plain}"),
                            Some(format!(
                                "`{key}` appears more than once in this block; keep one"
                            )),
                        );
                        continue;
                    }
                    done[index] = true;
                    marks.key_marks[index] = key_mark;
                    field(self, index, value_id);
                }
                None => {
                    let hint = if self.is_full() {
                        None
                    } else {
                        hints::unknown_key_hint(&key, marks.keys)
                    };
                    self.type_error_at(
                        key_mark,
                        format!("field {key} not found in type {plain}"),
                        hint,
                    );
                }
            }
        }
    }

    /// The text of a mapping key decoded as a Go string (null → "").
    fn key_text(&mut self, key_id: NodeId) -> Option<String> {
        let before = self.errors;
        let mut key = String::new();
        self.value(key_id, &mut key);
        (self.errors == before).then_some(key)
    }

    pub(crate) fn is_merge_key(&self, id: NodeId) -> bool {
        self.scalar(id).is_some_and(|s| {
            s.value == "<<"
                && ((s.style == ScalarStyle::Plain && s.tag.is_none())
                    || s.tag.as_deref() == Some("!!merge"))
        })
    }

    /// Apply a merge key's value: a mapping, an alias of one, or a sequence
    /// of those (earlier entries win, so they are applied last).
    pub(crate) fn merge(
        &mut self,
        value_id: NodeId,
        apply: &mut dyn FnMut(&mut Decoder<'a>, NodeId),
    ) {
        let Some(node) = self.node(value_id) else {
            return;
        };
        let want_map = |cx: &mut Self, at: Mark| {
            cx.abort(
                Some(at),
                "yaml: map merge requires map or sequence of maps as the value".into(),
                Some("`<<:` must be followed by an alias of a mapping (`<<: *defaults`) or a list of them".into()),
            );
        };
        match &node.kind {
            NodeKind::Mapping(_) => {
                if self.count_decode(node.mark) {
                    apply(self, value_id);
                }
            }
            NodeKind::Alias { target, name } => {
                let (target, name) = (*target, name.clone());
                if !matches!(
                    self.node(target).map(|n| &n.kind),
                    Some(NodeKind::Mapping(_))
                ) {
                    want_map(self, node.mark);
                    return;
                }
                if self.count_decode(node.mark) {
                    self.through_alias(value_id, target, &name, node.mark, |cx, t| {
                        if cx.count_decode(node.mark) {
                            apply(cx, t);
                        }
                    });
                }
            }
            NodeKind::Sequence(items) => {
                for &item in items.iter().rev() {
                    let resolved = self.resolve_alias(item);
                    if !matches!(
                        self.node(resolved).map(|n| &n.kind),
                        Some(NodeKind::Mapping(_))
                    ) {
                        want_map(self, self.mark(item).unwrap_or(node.mark));
                        return;
                    }
                    self.merge(item, apply);
                    if self.aborted {
                        return;
                    }
                }
            }
            NodeKind::Scalar(_) => want_map(self, node.mark),
        }
    }

    /// Decode a mapping into `(key, value)` pairs with yaml.v2's map
    /// semantics (merge keys, strict duplicate detection against what is
    /// already in `existing`).
    pub(crate) fn map_entries<K, V>(
        &mut self,
        id: NodeId,
        go_type: &str,
        existing: &mut Vec<(K, V, Option<Mark>)>,
        key_repr: &dyn Fn(&K) -> String,
    ) where
        K: Decode,
        V: Decode,
    {
        let mut seen: std::collections::HashSet<String> =
            existing.iter().map(|(k, _, _)| key_repr(k)).collect();
        self.map_entries_into(id, go_type, existing, &mut seen, key_repr);
    }

    fn map_entries_into<K, V>(
        &mut self,
        id: NodeId,
        go_type: &str,
        existing: &mut Vec<(K, V, Option<Mark>)>,
        seen: &mut std::collections::HashSet<String>,
        key_repr: &dyn Fn(&K) -> String,
    ) where
        K: Decode,
        V: Decode,
    {
        let Some(node) = self.node(id) else { return };
        let NodeKind::Mapping(pairs) = &node.kind else {
            self.type_error(id, go_type);
            return;
        };
        for &(key_id, value_id) in pairs {
            if self.aborted {
                return;
            }
            if self.is_merge_key(key_id) {
                self.merge(value_id, &mut |cx, merged| {
                    cx.map_entries_into(merged, go_type, existing, seen, key_repr)
                });
                continue;
            }
            let before = self.errors;
            let mut key = K::zero();
            self.value(key_id, &mut key);
            if self.errors != before {
                continue;
            }
            let mut value = V::zero();
            self.value(value_id, &mut value);
            let repr = key_repr(&key);
            if !seen.insert(repr.clone()) {
                let at = self.mark(value_id);
                let line = at.map_or(0, |m| m.line);
                let key_mark = self.mark(key_id);
                self.error(
                    key_mark,
                    format!("key {repr} already set in map"),
                    Some("this key appears more than once in the same mapping; keep one".into()),
                    Upstream::Type { line },
                );
                continue;
            }
            existing.push((key, value, self.mark(key_id)));
        }
    }
}

/// Where the keys of one decoded struct were written.
#[derive(Clone, Debug)]
pub(crate) struct FieldMarks {
    pub(crate) node: Option<Mark>,
    keys: &'static [&'static str],
    key_marks: Vec<Option<Mark>>,
}

impl FieldMarks {
    /// Position of `key` if it was written, else of the struct itself.
    pub(crate) fn at(&self, key: &str) -> Option<Mark> {
        self.keys
            .iter()
            .position(|k| *k == key)
            .and_then(|i| self.key_marks.get(i).copied().flatten())
            .or(self.node)
    }
}

/// What a struct's validation sees: report errors positioned at its keys.
pub(crate) struct Checks<'c, 'a> {
    pub(crate) cx: &'c mut Decoder<'a>,
    pub(crate) marks: &'c FieldMarks,
    upstream: Upstream,
}

impl<'c, 'a> Checks<'c, 'a> {
    pub(crate) fn new(cx: &'c mut Decoder<'a>, marks: &'c FieldMarks) -> Self {
        Checks {
            cx,
            marks,
            upstream: Upstream::Decode,
        }
    }

    /// Report `message` at `key` (or at the block when `key` is absent).
    pub(crate) fn fail(&mut self, key: &str, message: impl Into<String>) {
        let at = self.marks.at(key);
        self.cx
            .error(at, message.into(), None, self.upstream.clone());
    }

    pub(crate) fn fail_hint(
        &mut self,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let at = self.marks.at(key);
        self.cx
            .error(at, message.into(), Some(hint.into()), self.upstream.clone());
    }

    /// Report errors that upstream raises in its post-decoding checks.
    pub(crate) fn post_decoding(&mut self) {
        self.upstream = Upstream::Check;
    }
}

/// Cut `s` to at most `n` bytes on a character boundary (yaml.v2 cuts bytes).
fn truncate_bytes(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A decoded value together with where it was written.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) mark: Option<Mark>,
}

impl<T: crate::render::Render> crate::render::Render for Spanned<T> {
    fn render(&self) -> crate::render::Out {
        self.value.render()
    }
    fn is_zero(&self) -> bool {
        self.value.is_zero()
    }
}

impl<T: Decode> Decode for Spanned<T> {
    fn zero() -> Self {
        Spanned {
            value: T::zero(),
            mark: None,
        }
    }
    fn go_type() -> String {
        T::go_type()
    }
    const LIST_ELEMENT_PREFIX: &'static str = T::LIST_ELEMENT_PREFIX;
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        self.value.decode(id, cx);
    }
    fn set_mark(&mut self, mark: Mark) {
        if self.mark.is_none() {
            self.mark = Some(mark);
        }
    }
}

impl Decode for String {
    fn zero() -> Self {
        String::new()
    }
    fn go_type() -> String {
        "string".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id) {
            Some(s) => *self = s.value.clone(),
            None => cx.type_error(id, "string"),
        }
    }
}

impl Decode for bool {
    fn zero() -> Self {
        false
    }
    fn go_type() -> String {
        "bool".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id).map(Scalar::resolve) {
            Some(Resolved::Bool(b)) => *self = b,
            _ => cx.type_error(id, "bool"),
        }
    }
}

impl Decode for i64 {
    fn zero() -> Self {
        0
    }
    fn go_type() -> String {
        "int64".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id).map(Scalar::resolve) {
            Some(Resolved::Int(i)) => *self = i,
            Some(Resolved::Float(f)) if f <= i64::MAX as f64 => *self = f as i64,
            _ => cx.type_error(id, "int64"),
        }
    }
}

impl Decode for u64 {
    fn zero() -> Self {
        0
    }
    fn go_type() -> String {
        "uint64".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id).map(Scalar::resolve) {
            Some(Resolved::Int(i)) if i >= 0 => *self = i as u64,
            Some(Resolved::Uint(u)) => *self = u,
            Some(Resolved::Float(f)) if f >= 0.0 && f <= u64::MAX as f64 => *self = f as u64,
            _ => cx.type_error(id, "uint64"),
        }
    }
}

impl Decode for f64 {
    fn zero() -> Self {
        0.0
    }
    fn go_type() -> String {
        "float64".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        match cx.scalar(id).map(Scalar::resolve) {
            Some(Resolved::Int(i)) => *self = i as f64,
            Some(Resolved::Uint(u)) => *self = u as f64,
            Some(Resolved::Float(f)) => *self = f,
            _ => cx.type_error(id, "float64"),
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn zero() -> Self {
        None
    }
    fn go_type() -> String {
        format!("*{}", T::go_type())
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let inner = self.get_or_insert_with(T::zero);
        inner.decode(id, cx);
    }
    fn set_mark(&mut self, mark: Mark) {
        if let Some(inner) = self {
            inner.set_mark(mark);
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn zero() -> Self {
        Vec::new()
    }
    fn go_type() -> String {
        format!("[]{}{}", T::LIST_ELEMENT_PREFIX, T::go_type())
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let Some(NodeKind::Sequence(items)) = cx.node(id).map(|n| &n.kind) else {
            cx.type_error(id, &Self::go_type());
            return;
        };
        let mut out = Vec::with_capacity(items.len());
        for &item in items {
            let mut element = T::zero();
            if let Some(mark) = cx.mark(item) {
                element.set_mark(mark);
            }
            cx.value(item, &mut element);
            out.push(element);
        }
        *self = out;
    }
}

impl<V: Decode> Decode for BTreeMap<String, V> {
    fn zero() -> Self {
        BTreeMap::new()
    }
    fn go_type() -> String {
        format!("map[string]{}", V::go_type())
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        decode_string_map(self, id, cx, &Self::go_type());
    }
}

/// Decode a mapping with string keys into `map`, keeping entries already
/// there (yaml.v2 decodes into the existing map).
pub(crate) fn decode_string_map<V: Decode>(
    map: &mut BTreeMap<String, V>,
    id: NodeId,
    cx: &mut Decoder<'_>,
    go_type: &str,
) {
    let mut entries: Vec<(String, V, Option<Mark>)> = Vec::new();
    let existing = std::mem::take(map);
    for (k, v) in existing {
        entries.push((k, v, None));
    }
    cx.map_entries(id, go_type, &mut entries, &|k: &String| {
        tocsin_model::goquote::go_quote(k)
    });
    *map = entries.into_iter().map(|(k, v, _)| (k, v)).collect();
}

/// A free-form YAML value (Go `any`), as used for custom fields, payload
/// templates and OAuth2 claims.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    String(String),
    Sequence(Vec<Value>),
    /// Keys in the order written.
    Mapping(Vec<(Value, Value)>),
}

impl Value {
    /// Go `%#v` of a map key, for duplicate-key messages.
    fn go_repr(&self) -> String {
        match self {
            Value::Null => "interface {}(nil)".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Uint(u) => format!("0x{u:x}"),
            Value::Float(f) => f.to_string(),
            Value::String(s) => tocsin_model::goquote::go_quote(s),
            Value::Sequence(_) | Value::Mapping(_) => "[...]".into(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl Decode for Value {
    fn zero() -> Self {
        Value::Null
    }
    fn go_type() -> String {
        "interface {}".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let Some(node) = cx.node(id) else { return };
        *self = match &node.kind {
            NodeKind::Scalar(s) => match s.resolve() {
                Resolved::Null => Value::Null,
                Resolved::Bool(b) => Value::Bool(b),
                Resolved::Int(i) => Value::Int(i),
                Resolved::Uint(u) => Value::Uint(u),
                Resolved::Float(f) => Value::Float(f),
                Resolved::Str | Resolved::Timestamp | Resolved::Merge => {
                    Value::String(s.value.clone())
                }
            },
            NodeKind::Sequence(_) => {
                let mut items: Vec<Value> = Vec::new();
                items.decode(id, cx);
                Value::Sequence(items)
            }
            NodeKind::Mapping(_) => {
                let mut entries: Vec<(Value, Value, Option<Mark>)> = Vec::new();
                cx.map_entries(
                    id,
                    "map[interface {}]interface {}",
                    &mut entries,
                    &Value::go_repr,
                );
                for (k, _, at) in &entries {
                    if matches!(k, Value::Sequence(_) | Value::Mapping(_)) {
                        cx.abort(*at, format!("yaml: invalid map key: {}", k.go_repr()), None);
                    }
                }
                Value::Mapping(entries.into_iter().map(|(k, v, _)| (k, v)).collect())
            }
            NodeKind::Alias { .. } => Value::Null,
        };
    }
}

/// Declares a configuration struct: its fields with upstream defaults, the
/// yaml keys in upstream's struct order, its decoder and its renderer.
///
/// ```ignore
/// config_struct! {
///     /// Docs.
///     pub struct Foo {
///         go_type: "pkg.Foo",        // the upstream Go type
///         decode_as: "pkg.plain",    // name in yaml.v2 messages while decoding
///         reset: true,               // upstream's UnmarshalYAML starts from the defaults
///         list_element: "*",         // "*" when upstream lists hold *Foo
///         check: Some(check_foo),    // fn(&mut Foo, &mut Checks) after a clean decode
///     } {
///         /// Field docs.
///         field: Type = default_expr => "yaml_key", omitempty;
///     }
/// }
/// ```
macro_rules! config_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            go_type: $go:literal,
            decode_as: $plain:literal,
            reset: $reset:literal,
            list_element: $elem:literal,
            check: $check:expr,
        } {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $default:expr => $key:literal $(, $flag:ident)* ;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            /// The yaml keys of this block, in upstream's order.
            pub(crate) const KEYS: &'static [&'static str] = &[$($key),*];
        }

        impl $crate::decode::Decode for $name {
            fn zero() -> Self {
                Self { $( $field: <$ty as $crate::decode::Decode>::zero(), )* }
            }
            fn go_type() -> String {
                $go.to_owned()
            }
            const LIST_ELEMENT_PREFIX: &'static str = $elem;
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn decode(&mut self, id: $crate::yaml::NodeId, cx: &mut $crate::decode::Decoder<'_>) {
                if $reset {
                    *self = Self::default();
                }
                let before = cx.error_count();
                let marks = cx.struct_fields(id, $plain, Self::KEYS, |cx, index, value| {
                    let mut i = 0usize;
                    $(
                        if index == i {
                            cx.value(value, &mut self.$field);
                            return;
                        }
                        i += 1;
                    )*
                });
                let check: Option<fn(&mut Self, &mut $crate::decode::Checks<'_, '_>)> = $check;
                if let Some(check) = check {
                    if cx.error_count() == before && !cx.aborted() {
                        let mut checks = $crate::decode::Checks::new(cx, &marks);
                        check(self, &mut checks);
                    }
                }
            }
        }

        impl $crate::render::Render for $name {
            #[allow(unused_mut)]
            fn render(&self) -> $crate::render::Out {
                let mut fields = Vec::new();
                $(
                    let omit_empty = false $( || stringify!($flag) == "omitempty" )*;
                    $crate::render::push_field(&mut fields, $key, &self.$field, omit_empty);
                )*
                $crate::render::Out::Map(fields)
            }
            fn is_zero(&self) -> bool {
                true $( && $crate::render::Render::is_zero(&self.$field) )*
            }
        }
    };
}

pub(crate) use config_struct;
