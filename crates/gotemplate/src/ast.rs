//! Parse trees: the node types `parse` builds and `exec` and `html`
//! consume, and their textual form (Go's `Node.String()`), which appears in
//! execution error messages (`executing "t" at <.Foo>`). Trees are
//! immutable once built and shared through `Arc`.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::strconv::quote::quote_str;

/// Byte offset in the template text.
pub(crate) type Pos = usize;

/// Identity of an editable node (text, action, template call) within one
/// tree; the html escaper keys its edits by it.
pub(crate) type NodeId = u32;

/// Parsed templates by name.
pub(crate) type TreeMap = std::collections::HashMap<Arc<str>, Arc<Tree>>;

/// One parsed template.
#[derive(Debug)]
pub(crate) struct Tree {
    /// The template's name.
    pub name: Arc<str>,
    /// Name of the top-level template of the parse that produced this tree
    /// (error locations use it).
    pub parse_name: Arc<str>,
    /// The whole text given to that parse (error locations count lines in
    /// it).
    pub text: Arc<str>,
    /// The body.
    pub root: ListNode,
}

impl Tree {
    /// Go's `ErrorContext` location: `parse_name:line:column`, the column
    /// being the byte offset within the line.
    pub(crate) fn location(&self, pos: Pos) -> String {
        let before = self.text.get(..pos.min(self.text.len())).unwrap_or("");
        let (line, col) = match before.rfind('\n') {
            Some(nl) => (1 + before.matches('\n').count(), pos - nl - 1),
            None => (1, pos),
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }
}

/// Whether a tree holds nothing but white space (Go's `IsEmptyTree`).
pub(crate) fn is_empty_list(list: &ListNode) -> bool {
    list.nodes.iter().all(|node| match node {
        Node::Text(text) => text.text.trim_matches(is_go_space).is_empty(),
        _ => false,
    })
}

/// `bytes.TrimSpace`'s notion of white space, for ASCII and Unicode.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c > '\u{ff}' && c.is_whitespace())
}

/// A sequence of nodes.
#[derive(Clone, Debug)]
pub(crate) struct ListNode {
    pub pos: Pos,
    pub nodes: Vec<Node>,
}

/// A template node.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Text(TextNode),
    Action(ActionNode),
    If(BranchNode),
    Range(BranchNode),
    With(BranchNode),
    Template(TemplateNode),
    Break(ControlNode),
    Continue(ControlNode),
}

/// Plain text.
#[derive(Clone, Debug)]
pub(crate) struct TextNode {
    pub id: NodeId,
    pub pos: Pos,
    pub text: Arc<str>,
}

/// `{{pipeline}}`.
#[derive(Clone, Debug)]
pub(crate) struct ActionNode {
    pub id: NodeId,
    pub pos: Pos,
    pub line: usize,
    pub pipe: PipeNode,
}

/// `{{if}}`, `{{range}}` or `{{with}}`.
#[derive(Clone, Debug)]
pub(crate) struct BranchNode {
    pub pos: Pos,
    pub line: usize,
    pub pipe: PipeNode,
    pub list: ListNode,
    pub else_list: Option<ListNode>,
}

/// `{{template "name" pipeline}}`.
#[derive(Clone, Debug)]
pub(crate) struct TemplateNode {
    pub id: NodeId,
    pub pos: Pos,
    pub line: usize,
    pub name: Arc<str>,
    pub pipe: Option<PipeNode>,
}

/// `{{break}}` or `{{continue}}`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ControlNode {
    pub pos: Pos,
    pub line: usize,
}

/// A pipeline with optional variable declarations.
#[derive(Clone, Debug)]
pub(crate) struct PipeNode {
    pub pos: Pos,
    pub line: usize,
    pub is_assign: bool,
    pub decl: Vec<VariableNode>,
    pub cmds: Vec<CommandNode>,
}

/// One command of a pipeline: an operand possibly followed by arguments.
#[derive(Clone, Debug)]
pub(crate) struct CommandNode {
    pub pos: Pos,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    /// `.A.B`.
    Field(FieldNode),
    /// `(pipeline).A.B` or `$x.A` written on a non-variable term.
    Chain(ChainNode),
    /// A function name.
    Identifier(IdentifierNode),
    /// `$x.A.B`.
    Variable(VariableNode),
    /// `.`.
    Dot(Pos),
    /// `nil`.
    Nil(Pos),
    /// `true` / `false`.
    Bool(Pos, bool),
    /// A numeric or character constant.
    Number(NumberNode),
    /// A string constant.
    String(StringNode),
    /// A parenthesized pipeline.
    Pipe(Box<PipeNode>),
}

/// `.A.B.C`.
#[derive(Clone, Debug)]
pub(crate) struct FieldNode {
    pub pos: Pos,
    pub idents: Vec<Arc<str>>,
}

/// `term.A.B`.
#[derive(Clone, Debug)]
pub(crate) struct ChainNode {
    pub pos: Pos,
    pub node: Box<Arg>,
    pub fields: Vec<Arc<str>>,
}

/// A function name.
#[derive(Clone, Debug)]
pub(crate) struct IdentifierNode {
    pub pos: Pos,
    pub name: Arc<str>,
}

/// `$x` or `$x.A.B`.
#[derive(Clone, Debug)]
pub(crate) struct VariableNode {
    pub pos: Pos,
    pub idents: Vec<Arc<str>>,
}

/// A number constant, stored under every Go type that can represent it
/// (Go's ideal constants).
#[derive(Clone, Debug)]
pub(crate) struct NumberNode {
    pub pos: Pos,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    /// The original text.
    pub text: Arc<str>,
    /// The value where no type is expected (Go's `idealConstant`).
    pub ideal: IdealConstant,
}

/// What a number constant means where no type is expected: a float if it
/// is written like one, else an int; an unsigned value beyond `int` is an
/// error at execution time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum IdealConstant {
    Float(f64),
    Int(i64),
    Overflow,
    Invalid,
}

impl IdealConstant {
    /// Classifies a parsed constant as Go's `idealConstant` does.
    pub(crate) fn of(text: &str, int: Option<i64>, uint: Option<u64>, float: Option<f64>) -> Self {
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes().get(1), Some(b'x' | b'X'))
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        match (float, int, uint) {
            (Some(f), _, _)
                if !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) =>
            {
                IdealConstant::Float(f)
            }
            (_, Some(i), _) => IdealConstant::Int(i),
            (_, None, Some(_)) => IdealConstant::Overflow,
            _ => IdealConstant::Invalid,
        }
    }
}

/// A string constant.
#[derive(Clone, Debug)]
pub(crate) struct StringNode {
    pub pos: Pos,
    /// The literal as written, with quotes.
    pub quoted: Arc<str>,
    /// The unquoted value.
    pub text: Arc<str>,
}

impl Arg {
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Arg::Field(n) => n.pos,
            Arg::Chain(n) => n.pos,
            Arg::Identifier(n) => n.pos,
            Arg::Variable(n) => n.pos,
            Arg::Dot(pos) | Arg::Nil(pos) | Arg::Bool(pos, _) => *pos,
            Arg::Number(n) => n.pos,
            Arg::String(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }

    pub(crate) fn write_to(&self, out: &mut String) {
        match self {
            Arg::Field(n) => {
                for ident in &n.idents {
                    out.push('.');
                    out.push_str(ident);
                }
            }
            Arg::Chain(n) => {
                if let Arg::Pipe(pipe) = n.node.as_ref() {
                    out.push('(');
                    pipe.write_to(out);
                    out.push(')');
                } else {
                    n.node.write_to(out);
                }
                for field in &n.fields {
                    out.push('.');
                    out.push_str(field);
                }
            }
            Arg::Identifier(n) => out.push_str(&n.name),
            Arg::Variable(n) => n.write_to(out),
            Arg::Dot(_) => out.push('.'),
            Arg::Nil(_) => out.push_str("nil"),
            Arg::Bool(_, b) => out.push_str(if *b { "true" } else { "false" }),
            Arg::Number(n) => out.push_str(&n.text),
            Arg::String(n) => out.push_str(&n.quoted),
            Arg::Pipe(p) => p.write_to(out),
        }
    }

    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

impl VariableNode {
    pub(crate) fn write_to(&self, out: &mut String) {
        for (i, ident) in self.idents.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(ident);
        }
    }
}

impl CommandNode {
    pub(crate) fn write_to(&self, out: &mut String) {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if let Arg::Pipe(pipe) = arg {
                out.push('(');
                pipe.write_to(out);
                out.push(')');
            } else {
                arg.write_to(out);
            }
        }
    }

    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

impl PipeNode {
    pub(crate) fn write_to(&self, out: &mut String) {
        if !self.decl.is_empty() {
            for (i, var) in self.decl.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                var.write_to(out);
            }
            out.push_str(" := ");
        }
        for (i, cmd) in self.cmds.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            cmd.write_to(out);
        }
    }

    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

impl ListNode {
    pub(crate) fn write_to(&self, out: &mut String) {
        for node in &self.nodes {
            node.write_to(out);
        }
    }
}

impl Node {
    pub(crate) fn write_to(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(&t.text),
            Node::Action(a) => a.write_to(out),
            Node::If(b) => b.write_to(out, "if"),
            Node::Range(b) => b.write_to(out, "range"),
            Node::With(b) => b.write_to(out, "with"),
            Node::Template(t) => t.write_to(out),
            Node::Break(_) => out.push_str("{{break}}"),
            Node::Continue(_) => out.push_str("{{continue}}"),
        }
    }
}

impl ActionNode {
    pub(crate) fn write_to(&self, out: &mut String) {
        out.push_str("{{");
        self.pipe.write_to(out);
        out.push_str("}}");
    }

    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

impl BranchNode {
    pub(crate) fn write_to(&self, out: &mut String, keyword: &str) {
        let _ = write!(out, "{{{{{keyword} ");
        self.pipe.write_to(out);
        out.push_str("}}");
        self.list.write_to(out);
        if let Some(else_list) = &self.else_list {
            out.push_str("{{else}}");
            else_list.write_to(out);
        }
        out.push_str("{{end}}");
    }
}

impl TemplateNode {
    pub(crate) fn write_to(&self, out: &mut String) {
        out.push_str("{{template ");
        out.push_str(&quote_str(&self.name));
        if let Some(pipe) = &self.pipe {
            out.push(' ');
            pipe.write_to(out);
        }
        out.push_str("}}");
    }

    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}
