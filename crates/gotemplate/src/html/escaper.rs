//! html/template's contextual auto-escaper: walks a template and the
//! templates it calls, computes the HTML context at every action, and
//! records edits (escaper functions appended to action pipelines, comments
//! stripped from text, calls redirected to context-specialised copies of
//! templates). Committing the edits produces the escaped trees the executor
//! runs. Mirrors Go's `escape.go`, including its error messages.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::ast::{
    ActionNode, Arg, BranchNode, CommandNode, IdentifierNode, ListNode, Node, NodeId, PipeNode,
    Pos, TemplateNode, TextNode, Tree, TreeMap,
};
use crate::error::{EscapeError, EscapeErrorCode};
use crate::html::context::{Attr, Context, Delim, ErrorInfo, JsCtx, State, UrlPart};
use crate::html::entity;
use crate::html::escapers::Escaper;
use crate::html::js::is_js_type;
use crate::html::transition::{attr_start_state, quote_bytes, t_special_tag_end, transition};
use crate::stack::StackGuard;
use crate::strconv::quote::quote_str;

/// Stack budget for the escaper's recursion.
const ESCAPE_STACK_BUDGET: usize = 512 * 1024;

/// The escaping state of one template set (Go's `nameSpace` + `escaper`).
#[derive(Clone, Default)]
pub(crate) struct Namespace {
    /// The trees as the executor should run them: escaped versions replace
    /// the originals once escaped, and derived templates are added.
    pub trees: TreeMap,
    /// Output context of each template (by derived name) escaped so far.
    output: HashMap<String, Context>,
    /// The result of escaping each entry template.
    results: HashMap<String, Result<(), EscapeError>>,
    /// Incremented whenever `trees` changes.
    version: u64,
}

impl Namespace {
    /// A namespace over the given (unescaped) trees.
    pub(crate) fn new(trees: TreeMap) -> Namespace {
        Namespace {
            trees,
            output: HashMap::new(),
            results: HashMap::new(),
            version: 0,
        }
    }

    /// Changes the number every time `trees` changes.
    pub(crate) fn version(&self) -> u64 {
        self.version
    }

    /// Whether template `name` was escaped (successfully or not).
    pub(crate) fn has_result(&self, name: &str) -> bool {
        self.results.contains_key(name)
    }

    /// Replaces the (unescaped) body of `name`.
    pub(crate) fn set_tree(&mut self, name: &str, tree: Arc<Tree>) {
        self.trees.insert(Arc::from(name), tree);
        self.version += 1;
    }

    /// Escapes the template `name` (Go's `escapeTemplate`) unless that was
    /// done before; the result is remembered.
    pub(crate) fn escape(&mut self, name: &str) -> Result<(), EscapeError> {
        if let Some(result) = self.results.get(name) {
            return result.clone();
        }
        let Some(tree) = self.trees.get(name).cloned() else {
            return Err(EscapeError {
                code: EscapeErrorCode::NoSuchTemplate,
                message: format!(
                    "template: {} is an incomplete or empty template",
                    quote_str(name)
                ),
            });
        };
        let mut walker = Walker::new(&self.trees, self.output.clone(), Vec::new());
        let root_location = tree.location(tree.root.pos);
        let (c, _) = walker.escape_tree(Context::default(), Some(root_location), name, 0);
        let error = if let Some(info) = &c.err {
            let mut info = ErrorInfo::clone(info);
            info.name = name.to_string();
            Some(info.to_error())
        } else if c.state != State::Text {
            let info = ErrorInfo {
                code: EscapeErrorCode::EndContext,
                location: None,
                name: name.to_string(),
                line: 0,
                description: format!("ends in a non-text context: {c}"),
            };
            Some(info.to_error())
        } else {
            None
        };
        if let Some(error) = error {
            self.results.insert(name.to_string(), Err(error.clone()));
            return Err(error);
        }
        let edits = walker.into_edits();
        self.commit(edits);
        self.results.insert(name.to_string(), Ok(()));
        Ok(())
    }

    fn commit(&mut self, mut edits: Edits) {
        self.version += 1;
        self.output = std::mem::take(&mut edits.output);
        let mut names: HashSet<String> = edits.derived.keys().cloned().collect();
        names.extend(edits.actions.keys().map(|(n, _)| n.clone()));
        names.extend(edits.templates.keys().map(|(n, _)| n.clone()));
        names.extend(edits.texts.keys().map(|(n, _)| n.clone()));
        for name in names {
            let base = match edits.derived.get(&name) {
                Some(source) => source.clone(),
                None => match self.trees.get(name.as_str()) {
                    Some(tree) => tree.clone(),
                    None => continue,
                },
            };
            let rebuilt = Tree {
                name: Arc::from(name.as_str()),
                parse_name: base.parse_name.clone(),
                text: base.text.clone(),
                root: rebuild_list(&base.root, &name, &edits),
            };
            self.trees
                .insert(Arc::from(name.as_str()), Arc::new(rebuilt));
        }
    }
}

/// Edits collected by a walk, keyed by (template name, node id).
#[derive(Default)]
struct Edits {
    output: HashMap<String, Context>,
    derived: HashMap<String, Arc<Tree>>,
    actions: HashMap<(String, NodeId), Vec<Escaper>>,
    templates: HashMap<(String, NodeId), String>,
    texts: HashMap<(String, NodeId), String>,
}

/// Contexts at the `{{break}}`s and `{{continue}}`s of a range body.
#[derive(Clone, Default)]
struct RangeContext {
    breaks: Vec<Context>,
    continues: Vec<Context>,
}

/// Decides whether a scratch walk's edits are kept.
type Filter<'f> = &'f dyn Fn(&Walker<'_>, &Context) -> bool;

/// The template whose body is being walked.
#[derive(Clone)]
struct Current {
    name: String,
    tree: Arc<Tree>,
}

struct Walker<'n> {
    trees: &'n TreeMap,
    output: HashMap<String, Context>,
    derived: HashMap<String, Arc<Tree>>,
    called: HashSet<String>,
    actions: HashMap<(String, NodeId), Vec<Escaper>>,
    templates: HashMap<(String, NodeId), String>,
    texts: HashMap<(String, NodeId), String>,
    ranges: Vec<RangeContext>,
    current: Option<Current>,
    guard: StackGuard,
}

fn nudge(c: &Context) -> Context {
    let mut c = c.clone();
    match c.state {
        State::Tag => c.state = State::AttrName,
        State::BeforeValue => {
            c.state = attr_start_state(c.attr);
            c.delim = Delim::SpaceOrTagEnd;
            c.attr = Attr::None;
        }
        State::AfterName => {
            c.state = State::AttrName;
            c.attr = Attr::None;
        }
        _ => {}
    }
    c
}

/// Go's `join`: the context after branches ending in `a` and `b`.
fn join(a: &Context, b: &Context, location: Option<String>, node_name: &str) -> Context {
    if a.state == State::Error {
        return a.clone();
    }
    if b.state == State::Error {
        return b.clone();
    }
    if a.state == State::Dead {
        return b.clone();
    }
    if b.state == State::Dead {
        return a.clone();
    }
    if a.same(b) {
        return a.clone();
    }
    let mut c = a.clone();
    c.url_part = b.url_part;
    if c.same(b) {
        c.url_part = UrlPart::Unknown;
        return c;
    }
    let mut c = a.clone();
    c.js_ctx = b.js_ctx;
    if c.same(b) {
        c.js_ctx = JsCtx::Unknown;
        return c;
    }
    let (na, nb) = (nudge(a), nudge(b));
    if !(na.same(a) && nb.same(b)) {
        let e = join(&na, &nb, location.clone(), node_name);
        if e.state != State::Error {
            return e;
        }
    }
    Context::error(ErrorInfo::new(
        EscapeErrorCode::BranchEnd,
        location,
        0,
        format!("{{{{{node_name}}}}} branches end in different contexts: {a}, {b}"),
    ))
}

/// Go's `predefinedEscapers`.
fn is_predefined_escaper(name: &str) -> bool {
    name == "html" || name == "urlquery"
}

/// Go's `normalizeEscFn`: escapers equivalent to a predefined one.
fn normalize_esc_fn(name: &str) -> &str {
    match name {
        "_html_template_attrescaper"
        | "_html_template_htmlescaper"
        | "_html_template_rcdataescaper" => "html",
        "_html_template_urlescaper" | "_html_template_urlnormalizer" => "urlquery",
        other => other,
    }
}

/// Go's `redundantFuncs`: `next` adds nothing after `last`.
fn is_redundant(last: &str, next: &str) -> bool {
    matches!(
        (last, next),
        (
            "_html_template_commentescaper",
            "_html_template_attrescaper"
                | "_html_template_nospaceescaper"
                | "_html_template_htmlescaper"
        ) | ("_html_template_cssescaper", "_html_template_attrescaper")
            | (
                "_html_template_jsregexpescaper",
                "_html_template_attrescaper"
            )
            | ("_html_template_jsstrescaper", "_html_template_attrescaper")
            | ("_html_template_urlescaper", "_html_template_urlnormalizer")
    )
}

fn first_ident(cmd: &CommandNode) -> Option<&str> {
    match cmd.args.first() {
        Some(Arg::Identifier(ident)) => Some(&ident.name),
        _ => None,
    }
}

fn ident_cmd(name: &str, pos: Pos) -> CommandNode {
    CommandNode {
        pos,
        args: vec![Arg::Identifier(IdentifierNode {
            pos,
            name: Arc::from(name),
        })],
    }
}

fn append_cmd(cmds: &mut Vec<CommandNode>, cmd: CommandNode) {
    if let (Some(last), Some(next)) = (cmds.last().and_then(first_ident), first_ident(&cmd))
        && is_redundant(last, next)
    {
        return;
    }
    cmds.push(cmd);
}

/// Go's `ensurePipelineContains`.
fn ensure_pipeline_contains(pipe: &mut PipeNode, escapers: &[Escaper]) {
    if escapers.is_empty() {
        return;
    }
    let mut names: Vec<String> = escapers.iter().map(|e| e.name().to_string()).collect();
    let mut pipeline_len = pipe.cmds.len();
    let last_escaper = pipe
        .cmds
        .last()
        .and_then(first_ident)
        .filter(|name| is_predefined_escaper(name))
        .map(str::to_string);
    if let Some(esc) = last_escaper {
        if pipe.cmds.len() == 1 && pipe.cmds[0].args.len() > 1 {
            let pos = pipe.cmds[0].args[0].pos();
            pipe.cmds[0].args[0] = Arg::Identifier(IdentifierNode {
                pos,
                name: Arc::from(Escaper::EvalArgs.name()),
            });
            append_cmd(&mut pipe.cmds, ident_cmd(&esc, pipe.pos));
            pipeline_len += 1;
        }
        let mut dup = false;
        for name in names.iter_mut() {
            if normalize_esc_fn(&esc) == normalize_esc_fn(name) {
                *name = esc.clone();
                dup = true;
            }
        }
        if dup {
            pipeline_len -= 1;
        }
    }
    let mut new_cmds: Vec<CommandNode> = pipe.cmds.iter().take(pipeline_len).cloned().collect();
    let inserted: HashSet<String> = new_cmds
        .iter()
        .filter_map(first_ident)
        .map(|name| normalize_esc_fn(name).to_string())
        .collect();
    for name in names {
        if !inserted.contains(normalize_esc_fn(&name)) {
            append_cmd(&mut new_cmds, ident_cmd(&name, pipe.pos));
        }
    }
    pipe.cmds = new_cmds;
}

fn rebuild_list(list: &ListNode, name: &str, edits: &Edits) -> ListNode {
    ListNode {
        pos: list.pos,
        nodes: list
            .nodes
            .iter()
            .map(|node| rebuild_node(node, name, edits))
            .collect(),
    }
}

fn rebuild_branch(branch: &BranchNode, name: &str, edits: &Edits) -> BranchNode {
    BranchNode {
        pos: branch.pos,
        line: branch.line,
        pipe: branch.pipe.clone(),
        list: rebuild_list(&branch.list, name, edits),
        else_list: branch
            .else_list
            .as_ref()
            .map(|list| rebuild_list(list, name, edits)),
    }
}

fn rebuild_node(node: &Node, name: &str, edits: &Edits) -> Node {
    let key = |id: NodeId| (name.to_string(), id);
    match node {
        Node::Text(text) => match edits.texts.get(&key(text.id)) {
            Some(new_text) => Node::Text(TextNode {
                id: text.id,
                pos: text.pos,
                text: Arc::from(new_text.as_str()),
            }),
            None => node.clone(),
        },
        Node::Action(action) => match edits.actions.get(&key(action.id)) {
            Some(escapers) => {
                let mut pipe = action.pipe.clone();
                ensure_pipeline_contains(&mut pipe, escapers);
                Node::Action(ActionNode {
                    id: action.id,
                    pos: action.pos,
                    line: action.line,
                    pipe,
                })
            }
            None => node.clone(),
        },
        Node::Template(call) => match edits.templates.get(&key(call.id)) {
            Some(callee) => Node::Template(TemplateNode {
                id: call.id,
                pos: call.pos,
                line: call.line,
                name: Arc::from(callee.as_str()),
                pipe: call.pipe.clone(),
            }),
            None => node.clone(),
        },
        Node::If(b) => Node::If(rebuild_branch(b, name, edits)),
        Node::Range(b) => Node::Range(rebuild_branch(b, name, edits)),
        Node::With(b) => Node::With(rebuild_branch(b, name, edits)),
        Node::Break(_) | Node::Continue(_) => node.clone(),
    }
}

impl<'n> Walker<'n> {
    fn new(
        trees: &'n TreeMap,
        output: HashMap<String, Context>,
        ranges: Vec<RangeContext>,
    ) -> Walker<'n> {
        Walker {
            trees,
            output,
            derived: HashMap::new(),
            called: HashSet::new(),
            actions: HashMap::new(),
            templates: HashMap::new(),
            texts: HashMap::new(),
            ranges,
            current: None,
            guard: StackGuard::new(ESCAPE_STACK_BUDGET),
        }
    }

    fn into_edits(self) -> Edits {
        Edits {
            output: self.output,
            derived: self.derived,
            actions: self.actions,
            templates: self.templates,
            texts: self.texts,
        }
    }

    fn location(&self, pos: Pos) -> Option<String> {
        self.current.as_ref().map(|cur| cur.tree.location(pos))
    }

    fn key(&self, id: NodeId) -> (String, NodeId) {
        let name = self
            .current
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        (name, id)
    }

    fn template(&self, name: &str) -> Option<Arc<Tree>> {
        self.trees
            .get(name)
            .cloned()
            .or_else(|| self.derived.get(name).cloned())
    }

    fn escape(&mut self, c: Context, node: &Node) -> Context {
        if self.guard.exceeded() {
            return Context::error(ErrorInfo::new(
                EscapeErrorCode::Unsupported,
                None,
                0,
                "exceeded maximum nesting depth".to_string(),
            ));
        }
        match node {
            Node::Action(action) => self.escape_action(c, action),
            Node::Break(control) => {
                let mut c = c;
                c.line = control.line;
                c.break_location = self.location(control.pos).map(Arc::from);
                if let Some(range) = self.ranges.last_mut() {
                    range.breaks.push(c);
                }
                Context::of(State::Dead)
            }
            Node::Continue(control) => {
                let mut c = c;
                c.line = control.line;
                c.break_location = self.location(control.pos).map(Arc::from);
                if let Some(range) = self.ranges.last_mut() {
                    // Go records continues on top of the breaks list.
                    let mut continues = range.breaks.clone();
                    continues.push(c);
                    range.continues = continues;
                }
                Context::of(State::Dead)
            }
            Node::If(branch) => self.escape_branch(c, branch, "if"),
            Node::Range(branch) => self.escape_branch(c, branch, "range"),
            Node::With(branch) => self.escape_branch(c, branch, "with"),
            Node::Template(call) => self.escape_template(c, call),
            Node::Text(text) => self.escape_text(c, text),
        }
    }

    fn escape_action(&mut self, c: Context, action: &ActionNode) -> Context {
        if !action.pipe.decl.is_empty() {
            return c;
        }
        let mut c = nudge(&c);
        let n_cmds = action.pipe.cmds.len();
        for (pos, cmd) in action.pipe.cmds.iter().enumerate() {
            let Some(ident) = first_ident(cmd) else {
                continue;
            };
            if is_predefined_escaper(ident)
                && (pos < n_cmds - 1
                    || (c.state == State::Attr
                        && c.delim == Delim::SpaceOrTagEnd
                        && ident == "html"))
            {
                return Context::error(ErrorInfo::new(
                    EscapeErrorCode::PredefinedEscaper,
                    self.location(action.pos),
                    action.line,
                    format!(
                        "predefined escaper {} disallowed in template",
                        quote_str(ident)
                    ),
                ));
            }
        }
        let mut s: Vec<Escaper> = Vec::with_capacity(3);
        match c.state {
            State::Error => return c,
            State::Url
            | State::CssDqStr
            | State::CssSqStr
            | State::CssDqUrl
            | State::CssSqUrl
            | State::CssUrl => match c.url_part {
                UrlPart::None | UrlPart::PreQuery => {
                    if c.url_part == UrlPart::None {
                        s.push(Escaper::UrlFilter);
                    }
                    if matches!(c.state, State::CssDqStr | State::CssSqStr) {
                        s.push(Escaper::Css);
                    } else {
                        s.push(Escaper::UrlNormalizer);
                    }
                }
                UrlPart::QueryOrFrag => s.push(Escaper::Url),
                UrlPart::Unknown => {
                    return Context::error(ErrorInfo::new(
                        EscapeErrorCode::AmbigContext,
                        self.location(action.pos),
                        action.line,
                        format!(
                            "{} appears in an ambiguous context within a URL",
                            action.to_text()
                        ),
                    ));
                }
            },
            State::Js => {
                s.push(Escaper::JsVal);
                c.js_ctx = JsCtx::DivOp;
            }
            State::JsDqStr | State::JsSqStr => s.push(Escaper::JsStr),
            State::JsBqStr => {
                return Context::error(ErrorInfo::new(
                    EscapeErrorCode::JsTemplateLiteral,
                    self.location(action.pos),
                    action.line,
                    format!("{} appears in a JS template literal", action.to_text()),
                ));
            }
            State::JsRegexp => s.push(Escaper::JsRegexp),
            State::Css => s.push(Escaper::CssValueFilter),
            State::Text => s.push(Escaper::Html),
            State::Rcdata => s.push(Escaper::Rcdata),
            State::Attr => {}
            State::AttrName | State::Tag => {
                c.state = State::AttrName;
                s.push(Escaper::HtmlNameFilter);
            }
            State::Srcset => s.push(Escaper::Srcset),
            state if state.is_comment() => s.push(Escaper::Comment),
            other => {
                return Context::error(ErrorInfo::new(
                    EscapeErrorCode::Unsupported,
                    self.location(action.pos),
                    action.line,
                    format!("unexpected state {other:?} at {}", action.to_text()),
                ));
            }
        }
        match c.delim {
            Delim::None => {}
            Delim::SpaceOrTagEnd => s.push(Escaper::Nospace),
            _ => s.push(Escaper::Attr),
        }
        let key = self.key(action.id);
        self.actions.insert(key, s);
        c
    }

    fn escape_branch(&mut self, c: Context, branch: &BranchNode, node_name: &str) -> Context {
        let location = self.location(branch.pos);
        let mut c0;
        if node_name == "range" {
            self.ranges.push(RangeContext::default());
            c0 = self.escape_list(c.clone(), &branch.list);
            let range = self.ranges.pop().unwrap_or_default();
            if c0.state != State::Error {
                c0 = self.join_range(c0, &range);
            }
            if c0.state == State::Error {
                return c0;
            }
            // A second pass checks that re-entering the loop body from its
            // end context gives the same result.
            self.ranges.push(RangeContext::default());
            let (c1, _) = self.escape_list_conditionally(c0.clone(), &branch.list, None);
            c0 = join(&c0, &c1, location.clone(), node_name);
            let range = self.ranges.pop().unwrap_or_default();
            if c0.state == State::Error {
                if let Some(info) = &c0.err {
                    let mut info = ErrorInfo::clone(info);
                    info.line = branch.line;
                    info.description = format!("on range loop re-entry: {}", info.description);
                    c0 = Context::error(Arc::new(info));
                }
                return c0;
            }
            c0 = self.join_range(c0, &range);
            if c0.state == State::Error {
                return c0;
            }
        } else {
            c0 = self.escape_list(c.clone(), &branch.list);
        }
        let c1 = match &branch.else_list {
            Some(list) => self.escape_list(c, list),
            None => c,
        };
        join(&c0, &c1, location, node_name)
    }

    fn join_range(&self, mut c0: Context, range: &RangeContext) -> Context {
        for (contexts, what) in [(&range.breaks, "break"), (&range.continues, "continue")] {
            for c in contexts {
                let location = c.break_location.as_deref().map(str::to_string);
                c0 = join(&c0, c, location, "range");
                if c0.state == State::Error {
                    if let Some(info) = &c0.err {
                        let mut info = ErrorInfo::clone(info);
                        info.line = c.line;
                        info.description = format!("at range loop {what}: {}", info.description);
                        c0 = Context::error(Arc::new(info));
                    }
                    return c0;
                }
            }
        }
        c0
    }

    fn escape_list(&mut self, mut c: Context, list: &ListNode) -> Context {
        for node in &list.nodes {
            c = self.escape(c, node);
            if c.state == State::Dead {
                break;
            }
        }
        c
    }

    /// Escapes `list` in a scratch walker; keeps its edits only if
    /// `filter` accepts the result.
    fn escape_list_conditionally(
        &mut self,
        c: Context,
        list: &ListNode,
        filter: Option<Filter<'_>>,
    ) -> (Context, bool) {
        let ranges = std::mem::take(&mut self.ranges);
        let mut child = Walker::new(self.trees, self.output.clone(), ranges);
        child.current = self.current.clone();
        let c = child.escape_list(c, list);
        let ok = filter.is_some_and(|f| f(&child, &c));
        self.ranges = std::mem::take(&mut child.ranges);
        if ok {
            self.output.extend(child.output);
            self.derived.extend(child.derived);
            self.called.extend(child.called);
            self.actions.extend(child.actions);
            self.templates.extend(child.templates);
            self.texts.extend(child.texts);
        }
        (c, ok)
    }

    fn escape_template(&mut self, c: Context, call: &TemplateNode) -> Context {
        let location = self.location(call.pos);
        let (c, name) = self.escape_tree(c, location, &call.name, call.line);
        if name != *call.name {
            let key = self.key(call.id);
            self.templates.insert(key, name);
        }
        c
    }

    /// Go's `escapeTree`: the output context of template `name` started in
    /// context `c`, and the name of the specialised template to call.
    fn escape_tree(
        &mut self,
        c: Context,
        location: Option<String>,
        name: &str,
        line: usize,
    ) -> (Context, String) {
        let dname = c.mangle(name);
        self.called.insert(dname.clone());
        if let Some(out) = self.output.get(&dname) {
            return (out.clone(), dname);
        }
        let Some(tree) = self.template(name) else {
            return (
                Context::error(ErrorInfo::new(
                    EscapeErrorCode::NoSuchTemplate,
                    location,
                    line,
                    format!("no such template {}", quote_str(name)),
                )),
                dname,
            );
        };
        let tree = if dname != name {
            match self.template(&dname) {
                Some(derived) => derived,
                None => {
                    self.derived.insert(dname.clone(), tree.clone());
                    tree
                }
            }
        } else {
            tree
        };
        let out = self.compute_out_ctx(c, &dname, tree);
        (out, dname)
    }

    fn compute_out_ctx(&mut self, c: Context, name: &str, tree: Arc<Tree>) -> Context {
        let (mut c1, mut ok) = self.escape_template_body(c, name, &tree);
        if !ok {
            let (c2, ok2) = self.escape_template_body(c1.clone(), name, &tree);
            if ok2 {
                c1 = c2;
                ok = true;
            }
        }
        if !ok && c1.state != State::Error {
            return Context::error(ErrorInfo::new(
                EscapeErrorCode::OutputContext,
                Some(tree.location(tree.root.pos)),
                0,
                format!("cannot compute output context for template {name}"),
            ));
        }
        c1
    }

    fn escape_template_body(
        &mut self,
        c: Context,
        name: &str,
        tree: &Arc<Tree>,
    ) -> (Context, bool) {
        self.output.insert(name.to_string(), c.clone());
        let saved = self.current.replace(Current {
            name: name.to_string(),
            tree: tree.clone(),
        });
        let filter = |child: &Walker<'_>, c1: &Context| {
            if c1.state == State::Error {
                return false;
            }
            if !child.called.contains(name) {
                return true;
            }
            c.same(c1)
        };
        let result = self.escape_list_conditionally(c.clone(), &tree.root, Some(&filter));
        self.current = saved;
        result
    }

    fn escape_text(&mut self, c: Context, node: &TextNode) -> Context {
        let s = node.text.as_bytes();
        let mut c = c;
        let mut written = 0;
        let mut i = 0;
        let mut b: Vec<u8> = Vec::new();
        while i != s.len() {
            let (c1, nread) = context_after_text(&c, &s[i..]);
            let i1 = i + nread;
            if c.state == State::Text || c.state == State::Rcdata {
                let mut end = i1;
                if c1.state != c.state
                    && let Some(lt) = s[i..end].iter().rposition(|&ch| ch == b'<')
                {
                    end = i + lt;
                }
                for j in i..end {
                    if s[j] == b'<' && !starts_with_doctype(&s[j..]) {
                        b.extend_from_slice(&s[written..j]);
                        b.extend_from_slice(b"&lt;");
                        written = j + 1;
                    }
                }
            } else if c.state.is_comment() && c.delim == Delim::None {
                match c.state {
                    State::JsBlockCmt => {
                        let comment = String::from_utf8_lossy(&s[written..i1]);
                        if comment.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
                            b.push(b'\n');
                        } else {
                            b.push(b' ');
                        }
                    }
                    State::CssBlockCmt => b.push(b' '),
                    _ => {}
                }
                written = i1;
            }
            if c.state != c1.state && c1.state.is_comment() && c1.delim == Delim::None {
                let mut cs = i1 - 2;
                if c1.state == State::HtmlCmt {
                    cs -= 2;
                }
                if written <= cs {
                    b.extend_from_slice(&s[written..cs]);
                }
                written = i1;
            }
            if i == i1 && c.state == c1.state {
                return Context::error(ErrorInfo::new(
                    EscapeErrorCode::Unsupported,
                    self.location(node.pos),
                    0,
                    format!(
                        "no progress escaping text in context {c} at {}",
                        quote_bytes(&s[i..], Some(32))
                    ),
                ));
            }
            c = c1;
            i = i1;
        }
        if written != 0 && c.state != State::Error {
            if !c.state.is_comment() || c.delim != Delim::None {
                b.extend_from_slice(&s[written..]);
            }
            let key = self.key(node.id);
            self.texts
                .insert(key, String::from_utf8_lossy(&b).into_owned());
        }
        c
    }
}

fn starts_with_doctype(s: &[u8]) -> bool {
    s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE")
}

/// Go's `contextAfterText`: the context after (a prefix of) `s` and how
/// much of `s` it covers.
fn context_after_text(c: &Context, s: &[u8]) -> (Context, usize) {
    if c.delim == Delim::None {
        let (c1, i) = t_special_tag_end(c, s);
        if i == 0 {
            return (c1, 0);
        }
        return transition(c, &s[..i]);
    }
    let ends = c.delim.ends();
    let i = s.iter().position(|b| ends.contains(b)).unwrap_or(s.len());
    if c.delim == Delim::SpaceOrTagEnd
        && let Some(j) = s[..i].iter().position(|b| b"\"'<=`".contains(b))
    {
        return (
            Context::error(ErrorInfo::new(
                EscapeErrorCode::BadHtml,
                None,
                0,
                format!(
                    "{} in unquoted attr: {}",
                    quote_bytes(&s[j..=j], None),
                    quote_bytes(&s[..i], None)
                ),
            )),
            s.len(),
        );
    }
    if i == s.len() {
        let mut c = c.clone();
        let unescaped = entity::unescape(s);
        let mut u: &[u8] = &unescaped;
        while !u.is_empty() {
            let (c1, i1) = transition(&c, u);
            let stuck = i1 == 0 && c1.state == c.state;
            c = c1;
            if stuck {
                break;
            }
            u = &u[i1.min(u.len())..];
        }
        return (c, s.len());
    }
    let mut element = c.element;
    if c.state == State::Attr
        && c.element == crate::html::context::Element::Script
        && c.attr == Attr::ScriptType
        && !is_js_type(&String::from_utf8_lossy(&s[..i]))
    {
        element = crate::html::context::Element::None;
    }
    let mut i = i;
    if c.delim != Delim::SpaceOrTagEnd {
        i += 1;
    }
    (
        Context {
            state: State::Tag,
            element,
            ..Context::default()
        },
        i,
    )
}
