//! The template parser: turns lexer items into [`Tree`]s following Go's
//! `text/template/parse` grammar (actions, pipelines, declarations,
//! `if/else if/else`, `range` with `break`/`continue`, `with/else with`,
//! `define`, `template`, `block`), with Go's error messages. One call parses
//! one text into the top-level tree plus every `define`/`block` tree.

use std::sync::Arc;

use crate::ast::{
    ActionNode, Arg, BranchNode, ChainNode, CommandNode, ControlNode, FieldNode, IdealConstant,
    IdentifierNode, ListNode, Node, NodeId, NumberNode, PipeNode, Pos, StringNode, TemplateNode,
    TextNode, Tree, VariableNode, is_empty_list,
};
use crate::error::ParseError;
use crate::lex::{Item, ItemKind, Lexer};
use crate::stack::StackGuard;
use crate::strconv::parse::{parse_float, parse_int, parse_uint};
use crate::strconv::quote::{quote_str, unquote, unquote_char};

/// Stack budget for parser recursion (nested actions and parentheses).
const PARSE_STACK_BUDGET: usize = 512 * 1024;

/// What to parse and with which environment.
pub(crate) struct ParseInput<'a> {
    /// Name of the top-level template.
    pub name: &'a str,
    pub text: &'a str,
    pub left_delim: &'a str,
    pub right_delim: &'a str,
    /// Whether a function of this name is defined (user or builtin).
    pub has_function: &'a dyn Fn(&str) -> bool,
}

/// Parses `input.text`; returns the trees in definition order (the
/// top-level tree last), with Go's rules for repeated definitions within
/// one text.
pub(crate) fn parse(input: &ParseInput<'_>) -> Result<Vec<Tree>, ParseError> {
    let text: Arc<str> = Arc::from(input.text);
    let mut parser = Parser {
        lex: Lexer::new(
            input.text,
            input.left_delim,
            input.right_delim,
            !(input.has_function)("break"),
            !(input.has_function)("continue"),
        ),
        text,
        parse_name: Arc::from(input.name),
        has_function: input.has_function,
        trees: Vec::new(),
        states: Vec::new(),
        next_id: 0,
        guard: StackGuard::new(PARSE_STACK_BUDGET),
    };
    parser.push_state(input.name);
    let root = parser.parse_top()?;
    parser.add(root)?;
    Ok(parser.trees)
}

/// A node or one of the markers that end a list.
enum Parsed {
    Node(Node),
    End,
    Else(Pos),
}

impl Parsed {
    fn describe(&self) -> &'static str {
        match self {
            Parsed::End => "{{end}}",
            Parsed::Else(_) => "{{else}}",
            Parsed::Node(_) => "node",
        }
    }
}

/// Per-tree parsing state (Go keeps it in each `parse.Tree`).
struct TreeState<'a> {
    name: Arc<str>,
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<Arc<str>>,
    action_line: usize,
    range_depth: usize,
}

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    text: Arc<str>,
    parse_name: Arc<str>,
    has_function: &'f dyn Fn(&str) -> bool,
    trees: Vec<Tree>,
    states: Vec<TreeState<'a>>,
    next_id: NodeId,
    guard: StackGuard,
}

fn empty_item<'a>() -> Item<'a> {
    Item {
        kind: ItemKind::Eof,
        pos: 0,
        val: "".into(),
        line: 0,
    }
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a, '_> {
    fn push_state(&mut self, name: &str) {
        self.states.push(TreeState {
            name: Arc::from(name),
            token: [empty_item(), empty_item(), empty_item()],
            peek_count: 0,
            vars: vec![Arc::from("$")],
            action_line: 0,
            range_depth: 0,
        });
    }

    fn state(&mut self) -> &mut TreeState<'a> {
        let last = self.states.len() - 1;
        &mut self.states[last]
    }

    fn state_ref(&self) -> &TreeState<'a> {
        &self.states[self.states.len() - 1]
    }

    fn id(&mut self) -> NodeId {
        self.next_id += 1;
        self.next_id
    }

    // Token buffer, as Go's three-token lookahead.

    fn next(&mut self) -> Item<'a> {
        let st = self.state();
        if st.peek_count > 0 {
            st.peek_count -= 1;
        } else {
            let item = self.lex.next_item();
            self.state().token[0] = item;
        }
        let st = self.state_ref();
        st.token[st.peek_count].clone()
    }

    fn backup(&mut self) {
        self.state().peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        let st = self.state();
        st.token[1] = t1;
        st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        let st = self.state();
        st.token[1] = t1;
        st.token[2] = t2;
        st.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        let st = self.state_ref();
        if st.peek_count > 0 {
            return st.token[st.peek_count - 1].clone();
        }
        let item = self.lex.next_item();
        let st = self.state();
        st.peek_count = 1;
        st.token[0] = item.clone();
        item
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let token = self.next();
            if token.kind != ItemKind::Space {
                return token;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let token = self.next_non_space();
        self.backup();
        token
    }

    // Errors.

    fn errorf(&self, message: impl Into<String>) -> ParseError {
        let st = self.state_ref();
        let pos = st.token[0].pos.min(self.text.len());
        let before = self.text.get(..pos).unwrap_or("");
        let column = before.rfind('\n').map_or(pos, |nl| pos - nl - 1);
        ParseError {
            template: self.parse_name.to_string(),
            line: st.token[0].line,
            column,
            description: message.into(),
        }
    }

    fn unexpected(&self, token: &Item<'_>, context: &str) -> ParseError {
        if token.kind == ItemKind::Error {
            let action_line = self.state_ref().action_line;
            let mut extra = String::new();
            if action_line != 0 && action_line != token.line {
                extra = format!(" in action started at {}:{}", self.parse_name, action_line);
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    fn expect(&mut self, expected: ItemKind, context: &str) -> PResult<Item<'a>> {
        let token = self.next_non_space();
        if token.kind != expected {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    fn expect_one_of(&mut self, a: ItemKind, b: ItemKind, context: &str) -> PResult<Item<'a>> {
        let token = self.next_non_space();
        if token.kind != a && token.kind != b {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    fn check_stack(&self) -> PResult<()> {
        if self.guard.exceeded() {
            return Err(self.errorf("exceeded maximum nesting depth"));
        }
        Ok(())
    }

    /// Records the current tree (Go's `Tree.add`): a non-empty definition
    /// may not repeat a non-empty one of the same name within one text.
    fn add(&mut self, root: ListNode) -> PResult<()> {
        let name = self.state_ref().name.clone();
        let tree = Tree {
            name: name.clone(),
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root,
        };
        match self.trees.iter().position(|t| t.name == name) {
            None => self.trees.push(tree),
            Some(i) => {
                if is_empty_list(&self.trees[i].root) {
                    self.trees[i] = tree;
                } else if !is_empty_list(&tree.root) {
                    return Err(self.errorf(format!(
                        "template: multiple definition of template {}",
                        quote_str(&name)
                    )));
                }
            }
        }
        Ok(())
    }

    // Grammar.

    fn parse_top(&mut self) -> PResult<ListNode> {
        let pos = self.peek().pos;
        let mut root = ListNode {
            pos,
            nodes: Vec::new(),
        };
        while self.peek().kind != ItemKind::Eof {
            if self.peek().kind == ItemKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == ItemKind::Define {
                    self.push_state("definition");
                    let result = self.parse_definition();
                    self.states.pop();
                    result?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(node) => root.nodes.push(node),
                other => return Err(self.errorf(format!("unexpected {}", other.describe()))),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name = self.expect_one_of(ItemKind::String, ItemKind::RawString, context)?;
        let unquoted = unquote(&name.val).map_err(|_| self.errorf("invalid syntax"))?;
        self.state().name = Arc::from(unquoted);
        self.expect(ItemKind::RightDelim, context)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {}", end.describe(), context)));
        }
        self.add(root)
    }

    fn item_list(&mut self) -> PResult<(ListNode, Parsed)> {
        let pos = self.peek_non_space().pos;
        let mut list = ListNode {
            pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().kind != ItemKind::Eof {
            match self.text_or_action()? {
                Parsed::Node(node) => list.nodes.push(node),
                marker => return Ok((list, marker)),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            ItemKind::Text => {
                let id = self.id();
                Ok(Parsed::Node(Node::Text(TextNode {
                    id,
                    pos: token.pos,
                    text: Arc::from(token.val.as_ref()),
                })))
            }
            ItemKind::LeftDelim => {
                self.state().action_line = token.line;
                let result = self.action();
                self.state().action_line = 0;
                result
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        self.check_stack()?;
        let token = self.next_non_space();
        match token.kind {
            ItemKind::Block => return self.block_control().map(Parsed::Node),
            ItemKind::Break => return self.break_control(token.pos, token.line, true),
            ItemKind::Continue => return self.break_control(token.pos, token.line, false),
            ItemKind::Else => return self.else_control(),
            ItemKind::End => return self.end_control(),
            ItemKind::If => return self.if_control().map(Parsed::Node),
            ItemKind::Range => return self.range_control().map(Parsed::Node),
            ItemKind::Template => return self.template_control().map(Parsed::Node),
            ItemKind::With => return self.with_control().map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemKind::RightDelim)?;
        let id = self.id();
        Ok(Parsed::Node(Node::Action(ActionNode {
            id,
            pos: token.pos,
            line: token.line,
            pipe,
        })))
    }

    fn break_control(&mut self, pos: Pos, line: usize, is_break: bool) -> PResult<Parsed> {
        let context = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let token = self.next_non_space();
        if token.kind != ItemKind::RightDelim {
            return Err(self.unexpected(&token, context));
        }
        if self.state_ref().range_depth == 0 {
            return Err(self.errorf(format!("{context} outside {{{{range}}}}")));
        }
        let node = ControlNode { pos, line };
        Ok(Parsed::Node(if is_break {
            Node::Break(node)
        } else {
            Node::Continue(node)
        }))
    }

    fn pipeline(&mut self, context: &str, end: ItemKind) -> PResult<PipeNode> {
        let token = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: token.pos,
            line: token.line,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.kind != ItemKind::Variable {
                break;
            }
            self.next();
            let token_after_variable = self.peek();
            let next = self.peek_non_space();
            if next.kind == ItemKind::Assign || next.kind == ItemKind::Declare {
                pipe.is_assign = next.kind == ItemKind::Assign;
                self.next_non_space();
                pipe.decl.push(variable_node(v.pos, &v.val));
                self.state().vars.push(Arc::from(v.val.as_ref()));
                break;
            }
            if next.kind == ItemKind::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(variable_node(v.pos, &v.val));
                self.state().vars.push(Arc::from(v.val.as_ref()));
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().kind {
                        ItemKind::Variable | ItemKind::RightDelim | ItemKind::RightParen => {
                            continue 'decls;
                        }
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            }
            if token_after_variable.kind == ItemKind::Space {
                self.backup3(v, token_after_variable);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.kind {
                kind if kind == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemKind::Bool
                | ItemKind::CharConstant
                | ItemKind::Complex
                | ItemKind::Dot
                | ItemKind::Field
                | ItemKind::Identifier
                | ItemKind::Number
                | ItemKind::Nil
                | ItemKind::RawString
                | ItemKind::String
                | ItemKind::Variable
                | ItemKind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &PipeNode, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String(_),
            ) = cmd.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn parse_control(
        &mut self,
        context: &str,
    ) -> PResult<(Pos, usize, PipeNode, ListNode, Option<ListNode>)> {
        let vars_len = self.state_ref().vars.len();
        let result = self.parse_control_inner(context);
        self.state().vars.truncate(vars_len);
        result
    }

    #[allow(clippy::type_complexity)]
    fn parse_control_inner(
        &mut self,
        context: &str,
    ) -> PResult<(Pos, usize, PipeNode, ListNode, Option<ListNode>)> {
        let pipe = self.pipeline(context, ItemKind::RightDelim)?;
        if context == "range" {
            self.state().range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.state().range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        if let Parsed::Else(else_pos) = next {
            // `{{else if ...}}` and `{{else with ...}}` stand for
            // `{{else}}{{if ...}}...{{end}}{{end}}` with a single {{end}}.
            let peeked = self.peek().kind;
            if context == "if" && peeked == ItemKind::If {
                self.next();
                let nested = self.if_control()?;
                else_list = Some(ListNode {
                    pos: else_pos,
                    nodes: vec![nested],
                });
            } else if context == "with" && peeked == ItemKind::With {
                self.next();
                let nested = self.with_control()?;
                else_list = Some(ListNode {
                    pos: else_pos,
                    nodes: vec![nested],
                });
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, Parsed::End) {
                    return Err(self.errorf(format!("expected end; found {}", next.describe())));
                }
                else_list = Some(list);
            }
        }
        Ok((pipe.pos, pipe.line, pipe, list, else_list))
    }

    fn branch(&mut self, context: &str) -> PResult<BranchNode> {
        let (pos, line, pipe, list, else_list) = self.parse_control(context)?;
        Ok(BranchNode {
            pos,
            line,
            pipe,
            list,
            else_list,
        })
    }

    fn if_control(&mut self) -> PResult<Node> {
        Ok(Node::If(self.branch("if")?))
    }

    fn range_control(&mut self) -> PResult<Node> {
        Ok(Node::Range(self.branch("range")?))
    }

    fn with_control(&mut self) -> PResult<Node> {
        Ok(Node::With(self.branch("with")?))
    }

    fn end_control(&mut self) -> PResult<Parsed> {
        self.expect(ItemKind::RightDelim, "end")?;
        Ok(Parsed::End)
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.kind == ItemKind::If || peek.kind == ItemKind::With {
            return Ok(Parsed::Else(peek.pos));
        }
        let token = self.expect(ItemKind::RightDelim, "else")?;
        Ok(Parsed::Else(token.pos))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let pipe = self.pipeline(context, ItemKind::RightDelim)?;
        self.push_state(&name);
        let listed = self.item_list().and_then(|(root, end)| {
            if matches!(end, Parsed::End) {
                self.add(root)
            } else {
                Err(self.errorf(format!("unexpected {} in {}", end.describe(), context)))
            }
        });
        self.states.pop();
        listed?;
        let id = self.id();
        Ok(Node::Template(TemplateNode {
            id,
            pos: token.pos,
            line: token.line,
            name: Arc::from(name),
            pipe: Some(pipe),
        }))
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let pipe = if self.next_non_space().kind != ItemKind::RightDelim {
            self.backup();
            Some(self.pipeline(context, ItemKind::RightDelim)?)
        } else {
            None
        };
        let id = self.id();
        Ok(Node::Template(TemplateNode {
            id,
            pos: token.pos,
            line: token.line,
            name: Arc::from(name),
            pipe,
        }))
    }

    fn parse_template_name(&self, token: &Item<'_>, context: &str) -> PResult<String> {
        match token.kind {
            ItemKind::String | ItemKind::RawString => {
                unquote(&token.val).map_err(|_| self.errorf("invalid syntax"))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn command(&mut self) -> PResult<CommandNode> {
        let pos = self.peek_non_space().pos;
        let mut cmd = CommandNode {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.kind {
                ItemKind::Space => continue,
                ItemKind::RightDelim | ItemKind::RightParen => self.backup(),
                ItemKind::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != ItemKind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields: Vec<Arc<str>> = Vec::new();
        while self.peek().kind == ItemKind::Field {
            let field = self.next();
            fields.push(Arc::from(field.val.get(1..).unwrap_or("")));
        }
        Ok(Some(match node {
            Arg::Field(field) => {
                let mut idents = field.idents;
                idents.extend(fields);
                Arg::Field(FieldNode {
                    pos: chain_pos,
                    idents,
                })
            }
            Arg::Variable(var) => {
                let mut idents = var.idents;
                idents.extend(fields);
                Arg::Variable(VariableNode {
                    pos: chain_pos,
                    idents,
                })
            }
            Arg::Bool(..) | Arg::String(_) | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    quote_str(&node.to_text())
                )));
            }
            other => Arg::Chain(ChainNode {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            }),
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.kind {
            ItemKind::Identifier => {
                if !(self.has_function)(&token.val) {
                    return Err(
                        self.errorf(format!("function {} not defined", quote_str(&token.val)))
                    );
                }
                Arg::Identifier(IdentifierNode {
                    pos,
                    name: Arc::from(token.val.as_ref()),
                })
            }
            ItemKind::Dot => Arg::Dot(pos),
            ItemKind::Nil => Arg::Nil(pos),
            ItemKind::Variable => self.use_var(pos, &token.val)?,
            ItemKind::Field => Arg::Field(FieldNode {
                pos,
                idents: vec![Arc::from(token.val.get(1..).unwrap_or(""))],
            }),
            ItemKind::Bool => Arg::Bool(pos, token.val == "true"),
            ItemKind::CharConstant | ItemKind::Complex | ItemKind::Number => {
                let number = new_number(pos, &token.val, token.kind)
                    .map_err(|message| self.errorf(message))?;
                Arg::Number(number)
            }
            ItemKind::LeftParen => {
                if self.guard.exceeded() {
                    return Err(self.errorf("max expression depth exceeded"));
                }
                Arg::Pipe(Box::new(
                    self.pipeline("parenthesized pipeline", ItemKind::RightParen)?,
                ))
            }
            ItemKind::String | ItemKind::RawString => {
                let text = unquote(&token.val).map_err(|_| self.errorf("invalid syntax"))?;
                Arg::String(StringNode {
                    pos,
                    quoted: Arc::from(token.val.as_ref()),
                    text: Arc::from(text),
                })
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }

    fn use_var(&mut self, pos: Pos, name: &str) -> PResult<Arg> {
        if self.state_ref().vars.iter().any(|v| **v == *name) {
            return Ok(Arg::Variable(variable_node(pos, name)));
        }
        Err(self.errorf(format!("undefined variable {}", quote_str(name))))
    }
}

fn variable_node(pos: Pos, name: &str) -> VariableNode {
    VariableNode {
        pos,
        idents: name.split('.').map(Arc::from).collect(),
    }
}

/// Go's `newNumber`: the value under every type that represents it, or
/// the error description.
fn new_number(pos: Pos, text: &str, kind: ItemKind) -> Result<NumberNode, String> {
    let mut node = NumberNode {
        pos,
        int: None,
        uint: None,
        float: None,
        text: Arc::from(text),
        ideal: IdealConstant::Invalid,
    };
    let unsupported = || format!("complex constant {} is not supported", quote_str(text));
    match kind {
        ItemKind::CharConstant => {
            let body = text.get(1..).unwrap_or("");
            let (ch, tail) = unquote_char(body, b'\'').map_err(|_| "invalid syntax".to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            node.int = Some(i64::from(ch.value));
            node.uint = Some(u64::from(ch.value));
            node.float = Some(f64::from(ch.value));
            node.ideal = IdealConstant::of(text, node.int, node.uint, node.float);
            return Ok(node);
        }
        ItemKind::Complex => return Err(unsupported()),
        _ => {}
    }
    if let Some(imaginary) = text.strip_suffix('i')
        && parse_float(imaginary).is_some()
    {
        return Err(unsupported());
    }
    let unsigned = parse_uint(text);
    node.uint = unsigned;
    if let Some(i) = parse_int(text) {
        node.int = Some(i);
        if i == 0 {
            node.uint = Some(unsigned.unwrap_or(0));
        }
    }
    if let Some(i) = node.int {
        node.float = Some(i as f64);
    } else if let Some(u) = node.uint {
        node.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", quote_str(text)));
        }
        node.float = Some(f);
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            node.int = Some(f as i64);
        }
        if f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            node.uint = Some(f as u64);
        }
    }
    if node.int.is_none() && node.uint.is_none() && node.float.is_none() {
        return Err(format!("illegal number syntax: {}", quote_str(text)));
    }
    node.ideal = IdealConstant::of(text, node.int, node.uint, node.float);
    Ok(node)
}
