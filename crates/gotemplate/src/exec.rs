//! The executor: walks a parsed tree against data and writes the output,
//! following Go's `text/template` evaluation rules (fields, map keys and
//! methods; function calls with argument checking; pipelines; variables and
//! their scopes; `if/with/range/template`; `missingkey`), and reporting
//! errors at the same node with the same words as Go. It also enforces the
//! nesting, template-depth and output-size limits.

use std::sync::Arc;

use crate::ast::{
    ActionNode, Arg, BranchNode, ChainNode, CommandNode, FieldNode, IdealConstant, IdentifierNode,
    ListNode, Node, NumberNode, PipeNode, Pos, TemplateNode, Tree, TreeMap, VariableNode,
};
use crate::builtins::Builtin;
use crate::error::{Error, ExecError, ExecLocation};
use crate::fasthash::FuncTable;
use crate::func::{FuncError, Function, Signature};
use crate::gofmt;
use crate::object::Object;
use crate::stack::StackGuard;
use crate::strconv::quote::quote_str;
use crate::value::{GoType, Value};

/// Stack budget for one execution.
const EXEC_STACK_BUDGET: usize = 1024 * 1024;

/// What a missing map key evaluates to (the `missingkey` option).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum MissingKey {
    /// `missingkey=default` / `invalid`: no value (`<no value>` when printed).
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type.
    Zero,
    /// `missingkey=error`: execution stops with an error.
    Error,
}

/// A value as the executor holds it, remembering whether it was read from
/// an `interface {}` slot (an element of `[]interface {}` or
/// `map[string]interface {}`), which changes a few of Go's error messages.
#[derive(Clone, Debug)]
pub(crate) struct Operand {
    pub value: Value,
    pub in_interface: bool,
}

impl Operand {
    fn concrete(value: Value) -> Operand {
        Operand {
            value,
            in_interface: false,
        }
    }

    /// Go's "dig down one level" into an `interface {}`.
    fn dig(self) -> Operand {
        Operand::concrete(self.value)
    }

    /// The Go type name of the slot (`interface {}` for interface slots).
    fn type_name(&self) -> String {
        if self.in_interface {
            "interface {}".to_string()
        } else {
            self.value.type_name()
        }
    }

    /// Whether this is Go's invalid `reflect.Value` (not a nil inside an
    /// interface slot).
    fn is_invalid(&self) -> bool {
        self.value.is_nil() && !self.in_interface
    }
}

/// Everything execution needs besides the entry tree and the data.
pub(crate) struct Env<'t> {
    /// Templates by name, for `{{template}}`.
    pub templates: &'t TreeMap,
    pub funcs: &'t FuncTable,
    /// Whether html/template's internal escaper functions are callable.
    pub escapers: bool,
    pub missing_key: MissingKey,
    pub max_output: Option<usize>,
    pub max_depth: usize,
    pub max_steps: Option<u64>,
}

/// Executes `tree` (the template called `name`) with `data`, appending to
/// `out`.
pub(crate) fn execute(
    env: &Env<'_>,
    tree: Option<&Arc<Tree>>,
    name: &str,
    data: &Value,
    out: &mut String,
) -> Result<(), Box<Error>> {
    let start = out.len();
    let Some(tree) = tree else {
        return Err(Box::new(Error::Exec(ExecError {
            template: name.to_string(),
            location: None,
            description: format!("{} is an incomplete or empty template", quote_str(name)),
            source: None,
        })));
    };
    let mut state = State {
        env,
        tree,
        name,
        out,
        out_start: start,
        at: At::None,
        vars: vec![("$", Operand::concrete(data.clone()))],
        var_base: 0,
        arg_pool: Vec::new(),
        value_pool: Vec::new(),
        steps: 0,
        depth: 0,
        guard: StackGuard::new(EXEC_STACK_BUDGET),
    };
    let dot = Operand::concrete(data.clone());
    state.walk_list(&dot, &tree.root).map(|_| ())
}

/// The node execution is at, for error messages.
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    List(&'t ListNode),
    Node(&'t Node),
    Action(&'t ActionNode),
    Pipe(&'t PipeNode),
    Command(&'t CommandNode),
    Arg(&'t Arg),
    Field(&'t FieldNode),
    Chain(&'t ChainNode),
    Variable(&'t VariableNode),
    Identifier(&'t IdentifierNode),
    Template(&'t TemplateNode),
}

impl At<'_> {
    fn position_and_text(&self) -> Option<(Pos, String)> {
        Some(match self {
            At::None => return None,
            At::List(list) => {
                let mut text = String::new();
                list.write_to(&mut text);
                (list.pos, text)
            }
            At::Node(node) => {
                let mut text = String::new();
                node.write_to(&mut text);
                let pos = match node {
                    Node::Text(t) => t.pos,
                    Node::Action(a) => a.pos,
                    Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
                    Node::Template(t) => t.pos,
                    Node::Break(c) | Node::Continue(c) => c.pos,
                };
                (pos, text)
            }
            At::Action(a) => (a.pos, a.to_text()),
            At::Pipe(p) => (p.pos, p.to_text()),
            At::Command(c) => (c.pos, c.to_text()),
            At::Arg(a) => (a.pos(), a.to_text()),
            At::Field(f) => (f.pos, Arg::Field((*f).clone()).to_text()),
            At::Chain(c) => (c.pos, Arg::Chain((*c).clone()).to_text()),
            At::Variable(v) => {
                let mut text = String::new();
                v.write_to(&mut text);
                (v.pos, text)
            }
            At::Identifier(i) => (i.pos, i.name.to_string()),
            At::Template(t) => (t.pos, t.to_text()),
        })
    }
}

/// How a walked node ends: normally or by `{{break}}`/`{{continue}}`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

/// A resolved function.
enum Callee<'t> {
    Builtin(Builtin),
    User(&'t Function),
    Method(Arc<dyn Object>, Signature),
}

impl Callee<'_> {
    fn signature(&self) -> &Signature {
        match self {
            Callee::Builtin(b) => b.signature(),
            Callee::User(f) => f.signature(),
            Callee::Method(_, sig) => sig,
        }
    }
}

type ExecResult<T> = Result<T, Box<Error>>;

struct State<'t, 'o> {
    env: &'t Env<'t>,
    tree: &'t Tree,
    name: &'t str,
    out: &'o mut String,
    out_start: usize,
    at: At<'t>,
    vars: Vec<(&'t str, Operand)>,
    /// Start of the current template's variables (no dynamic scoping).
    var_base: usize,
    /// Reusable argument vectors, to avoid allocating on every call.
    arg_pool: Vec<Vec<Operand>>,
    value_pool: Vec<Vec<Value>>,
    /// Nodes walked and loop iterations run so far.
    steps: u64,
    depth: usize,
    guard: StackGuard,
}

impl<'t> State<'t, '_> {
    fn at(&mut self, at: At<'t>) {
        self.at = at;
    }

    fn error(&self, description: String, source: Option<FuncError>) -> Box<Error> {
        let location = self
            .at
            .position_and_text()
            .map(|(pos, context)| ExecLocation {
                position: self.tree.location(pos),
                context,
            });
        Box::new(Error::Exec(ExecError {
            template: self.name.to_string(),
            location,
            description,
            source,
        }))
    }

    fn errorf(&self, description: impl Into<String>) -> Box<Error> {
        self.error(description.into(), None)
    }

    fn write(&mut self, text: &str) -> ExecResult<()> {
        self.out.push_str(text);
        self.check_output()
    }

    fn check_output(&self) -> ExecResult<()> {
        if let Some(limit) = self.env.max_output
            && self.out.len() - self.out_start > limit
        {
            return Err(Box::new(Error::OutputLimit { limit }));
        }
        Ok(())
    }

    fn step(&mut self) -> ExecResult<()> {
        self.steps += 1;
        if let Some(limit) = self.env.max_steps
            && self.steps > limit
        {
            return Err(self.errorf(format!(
                "exceeded maximum number of execution steps ({limit})"
            )));
        }
        Ok(())
    }

    fn check_stack(&self) -> ExecResult<()> {
        if self.guard.exceeded() {
            return Err(self.errorf("exceeded maximum nesting depth"));
        }
        Ok(())
    }

    // Variables.

    fn mark(&self) -> usize {
        self.vars.len()
    }

    fn pop(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }

    fn set_var(&mut self, name: &str, value: Operand) -> ExecResult<()> {
        let base = self.var_base;
        match self.vars[base..].iter_mut().rev().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: Operand) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
        }
    }

    fn var_value(&self, name: &str) -> ExecResult<Operand> {
        match self.vars[self.var_base..]
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
        {
            Some((_, value)) => Ok(value.clone()),
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    // Walking.

    fn walk_list(&mut self, dot: &Operand, list: &'t ListNode) -> ExecResult<Flow> {
        self.at(At::List(list));
        for node in &list.nodes {
            let flow = self.walk(dot, node)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Operand, node: &'t Node) -> ExecResult<Flow> {
        self.at(At::Node(node));
        self.step()?;
        match node {
            Node::Text(text) => self.write(&text.text)?,
            Node::Action(action) => {
                if self.print_simple(dot, action)? {
                    return Ok(Flow::Normal);
                }
                let value = self.eval_pipeline(dot, Some(&action.pipe))?;
                if action.pipe.decl.is_empty() {
                    self.print_value(action, &value)?;
                }
            }
            Node::If(branch) => return self.walk_if_or_with(false, dot, branch),
            Node::With(branch) => return self.walk_if_or_with(true, dot, branch),
            Node::Range(branch) => return self.walk_range(dot, branch),
            Node::Template(call) => self.walk_template(dot, call)?,
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(
        &mut self,
        is_with: bool,
        dot: &Operand,
        branch: &'t BranchNode,
    ) -> ExecResult<Flow> {
        self.check_stack()?;
        let mark = self.mark();
        let result = (|| {
            let value = self.eval_pipeline(dot, Some(&branch.pipe))?;
            if value.value.is_true() {
                if is_with {
                    self.walk_list(&value, &branch.list)
                } else {
                    self.walk_list(dot, &branch.list)
                }
            } else if let Some(else_list) = &branch.else_list {
                self.walk_list(dot, else_list)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.pop(mark);
        result
    }

    fn walk_range(&mut self, dot: &Operand, range: &'t BranchNode) -> ExecResult<Flow> {
        self.check_stack()?;
        let outer_mark = self.mark();
        let result = self.walk_range_inner(dot, range);
        self.pop(outer_mark);
        result.map(|flow| {
            if flow == Flow::Break {
                Flow::Normal
            } else {
                flow
            }
        })
    }

    fn walk_range_inner(&mut self, dot: &Operand, range: &'t BranchNode) -> ExecResult<Flow> {
        let value = self.eval_pipeline(dot, Some(&range.pipe))?;
        let mark = self.mark();
        let decls = range.pipe.decl.len();
        let ran = match &value.value {
            Value::List(list) => {
                let in_interface = *list.elem_type() == GoType::Any;
                for (i, elem) in list.items().iter().enumerate() {
                    let elem = Operand {
                        value: elem.clone(),
                        in_interface,
                    };
                    let index = Operand::concrete(Value::from(i));
                    if self.one_iteration(range, mark, index, elem)? == Flow::Break {
                        break;
                    }
                }
                !list.is_empty()
            }
            Value::Map(map) => {
                let in_interface = *map.elem_type() == GoType::Any;
                for (key, elem) in map.entries() {
                    let elem = Operand {
                        value: elem.clone(),
                        in_interface,
                    };
                    let key = Operand::concrete(Value::String(key.clone()));
                    if self.one_iteration(range, mark, key, elem)? == Flow::Break {
                        break;
                    }
                }
                !map.is_empty()
            }
            Value::Object(object) => match object.range() {
                Some(pairs) => {
                    let ran = !pairs.is_empty();
                    for (key, elem) in pairs {
                        let flow = self.one_iteration(
                            range,
                            mark,
                            Operand::concrete(key),
                            Operand::concrete(elem),
                        )?;
                        if flow == Flow::Break {
                            break;
                        }
                    }
                    ran
                }
                None => {
                    return Err(self.errorf(format!(
                        "range can't iterate over {}",
                        gofmt::sprintf("%v", std::slice::from_ref(&value.value))
                    )));
                }
            },
            Value::Int(_) | Value::Uint(_) => {
                if decls > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprintf("%v", std::slice::from_ref(&value.value))
                    )));
                }
                let (count, is_uint) = match value.value {
                    Value::Int(n) => (u64::try_from(n).unwrap_or(0), false),
                    Value::Uint(n) => (n, true),
                    _ => (0, false),
                };
                for i in 0..count {
                    let v = if is_uint {
                        Value::Uint(i)
                    } else {
                        Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
                    };
                    let operand = Operand::concrete(v);
                    if self.one_iteration(range, mark, operand.clone(), operand)? == Flow::Break {
                        break;
                    }
                }
                count > 0
            }
            Value::Nil => false,
            other => {
                return Err(self.errorf(format!(
                    "range can't iterate over {}",
                    gofmt::sprintf("%v", std::slice::from_ref(other))
                )));
            }
        };
        if !ran && let Some(else_list) = &range.else_list {
            return self.walk_list(dot, else_list);
        }
        Ok(Flow::Normal)
    }

    fn one_iteration(
        &mut self,
        range: &'t BranchNode,
        mark: usize,
        index: Operand,
        elem: Operand,
    ) -> ExecResult<Flow> {
        self.step()?;
        let decls = range.pipe.decl.len();
        if decls > 0 {
            self.set_top_var(1, elem.clone());
        }
        if decls > 1 {
            self.set_top_var(2, index);
        }
        let result = self.walk_list(&elem, &range.list);
        self.pop(mark);
        match result? {
            Flow::Break => Ok(Flow::Break),
            _ => Ok(Flow::Normal),
        }
    }

    fn walk_template(&mut self, dot: &Operand, call: &'t TemplateNode) -> ExecResult<()> {
        self.at(At::Template(call));
        let Some(tree) = self.env.templates.get(&call.name) else {
            return Err(self.errorf(format!("template {} not defined", quote_str(&call.name))));
        };
        if self.depth >= self.env.max_depth {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({})",
                self.env.max_depth
            )));
        }
        self.check_stack()?;
        let new_dot = self.eval_pipeline(dot, call.pipe.as_ref())?;
        let saved_tree = self.tree;
        let saved_name = self.name;
        let saved_base = self.var_base;
        let mark = self.mark();
        self.var_base = mark;
        self.vars.push(("$", new_dot.clone()));
        self.tree = tree;
        self.name = &call.name;
        self.depth += 1;
        let result = self.walk_list(&new_dot, &tree.root);
        self.depth -= 1;
        self.tree = saved_tree;
        self.name = saved_name;
        self.pop(mark);
        self.var_base = saved_base;
        result.map(|_| ())
    }

    /// Fast path for the commonest actions, `{{.}}`, `{{$x}}` and
    /// `{{.A.B}}` through plain maps: prints the value in place without
    /// copying it. Returns false (having done nothing) when the general
    /// path is needed, which then also produces any error.
    fn print_simple(&mut self, dot: &Operand, action: &'t ActionNode) -> ExecResult<bool> {
        let pipe = &action.pipe;
        if !pipe.decl.is_empty() || pipe.cmds.len() != 1 {
            return Ok(false);
        }
        let [arg] = pipe.cmds[0].args.as_slice() else {
            return Ok(false);
        };
        let vars = &self.vars[self.var_base..];
        let value: &Value = match arg {
            Arg::Dot(_) => &dot.value,
            Arg::Variable(var) if var.idents.len() == 1 => {
                let name: &str = &var.idents[0];
                match vars.iter().rev().find(|(n, _)| *n == name) {
                    Some((_, operand)) => &operand.value,
                    None => return Ok(false),
                }
            }
            Arg::Field(field) => {
                let mut current = &dot.value;
                for ident in &field.idents {
                    match current {
                        Value::Map(map) => match map.get(ident) {
                            Some(next) => current = next,
                            None => return Ok(false),
                        },
                        _ => return Ok(false),
                    }
                }
                current
            }
            _ => return Ok(false),
        };
        match value {
            Value::Func(_) | Value::Nil => return Ok(false),
            Value::String(s) | Value::Safe(_, s) => self.out.push_str(s),
            Value::Int(i) => {
                use std::fmt::Write as _;
                let _ = write!(self.out, "{i}");
            }
            other => gofmt::write_value(self.out, other),
        }
        self.at(At::Action(action));
        self.check_output()?;
        Ok(true)
    }

    fn print_value(&mut self, action: &'t ActionNode, value: &Operand) -> ExecResult<()> {
        self.at(At::Action(action));
        match &value.value {
            Value::Nil => self.write("<no value>"),
            Value::Func(_) => Err(self.errorf(format!(
                "can't print {} of type {}",
                action.to_text(),
                value.value.type_name()
            ))),
            Value::String(s) | Value::Safe(_, s) => self.write(s),
            Value::Int(i) => {
                use std::fmt::Write as _;
                let _ = write!(self.out, "{i}");
                self.check_output()
            }
            other => {
                gofmt::write_value(self.out, other);
                self.check_output()
            }
        }
    }

    // Evaluation.

    fn eval_pipeline(&mut self, dot: &Operand, pipe: Option<&'t PipeNode>) -> ExecResult<Operand> {
        let Some(pipe) = pipe else {
            return Ok(Operand::concrete(Value::Nil));
        };
        self.at(At::Pipe(pipe));
        let mut value: Option<Operand> = None;
        for cmd in &pipe.cmds {
            let result = self.eval_command(dot, cmd, value.take())?;
            value = Some(result.dig());
        }
        let value = value.unwrap_or(Operand::concrete(Value::Nil));
        for var in &pipe.decl {
            let name: &'t str = var.idents.first().map_or("$", |s| s);
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name, value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], final_value: &Option<Operand>) -> ExecResult<()> {
        if args.len() > 1 || final_value.is_some() {
            let first = args.first().map(Arg::to_text).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &Operand,
        cmd: &'t CommandNode,
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Arg::Field(field) => return self.eval_field_node(dot, field, &cmd.args, final_value),
            Arg::Chain(chain) => return self.eval_chain_node(dot, chain, &cmd.args, final_value),
            Arg::Identifier(ident) => {
                return self.eval_function(dot, ident, At::Command(cmd), &cmd.args, final_value);
            }
            Arg::Pipe(pipe) => {
                self.not_a_function(&cmd.args, &final_value)?;
                return self.eval_pipeline(dot, Some(pipe));
            }
            Arg::Variable(var) => {
                return self.eval_variable_node(dot, var, &cmd.args, final_value);
            }
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, &final_value)?;
        match first {
            Arg::Bool(_, b) => Ok(Operand::concrete(Value::Bool(*b))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf("nil is not a command")),
            Arg::Number(number) => self.ideal_constant(first, number).map(Operand::concrete),
            Arg::String(s) => Ok(Operand::concrete(Value::String(s.text.clone()))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                quote_str(&first.to_text())
            ))),
        }
    }

    /// A number constant where no type is expected: float if it is written
    /// like one, else int.
    fn ideal_constant(&mut self, node: &'t Arg, number: &NumberNode) -> ExecResult<Value> {
        self.at(At::Arg(node));
        match number.ideal {
            IdealConstant::Float(f) => Ok(Value::Float(f)),
            IdealConstant::Int(i) => Ok(Value::Int(i)),
            IdealConstant::Overflow => Err(self.errorf(format!("{} overflows int", number.text))),
            IdealConstant::Invalid => Ok(Value::Nil),
        }
    }

    fn eval_field_node(
        &mut self,
        dot: &Operand,
        field: &'t FieldNode,
        args: &'t [Arg],
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        self.at(At::Field(field));
        self.eval_field_chain(dot, dot, At::Field(field), &field.idents, args, final_value)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Operand,
        chain: &'t ChainNode,
        args: &'t [Arg],
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        self.at(At::Chain(chain));
        if chain.fields.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if let Arg::Nil(_) = chain.node.as_ref() {
            return Err(self.errorf(format!(
                "indirection through explicit nil in {}",
                Arg::Chain(chain.clone()).to_text()
            )));
        }
        let receiver = self.eval_arg(dot, &GoType::Any, &chain.node)?;
        self.eval_field_chain(
            dot,
            &receiver,
            At::Chain(chain),
            &chain.fields,
            args,
            final_value,
        )
    }

    fn eval_variable_node(
        &mut self,
        dot: &Operand,
        var: &'t VariableNode,
        args: &'t [Arg],
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        self.at(At::Variable(var));
        let name = var.idents.first().map_or("$", |s| s);
        if var.idents.len() == 1 {
            let value = self.var_value(name)?;
            self.not_a_function(args, &final_value)?;
            return Ok(value);
        }
        let base = self.var_base;
        let Some(index) = self.vars[base..].iter().rposition(|(n, _)| *n == name) else {
            return Err(self.errorf(format!("undefined variable: {name}")));
        };
        let value = self.vars[base + index].1.clone();
        self.eval_field_chain(
            dot,
            &value,
            At::Variable(var),
            &var.idents[1..],
            args,
            final_value,
        )
    }

    fn eval_field_chain(
        &mut self,
        dot: &Operand,
        receiver: &Operand,
        node: At<'t>,
        idents: &'t [Arc<str>],
        args: &'t [Arg],
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        let Some((last, init)) = idents.split_last() else {
            return Ok(receiver.clone());
        };
        let Some((first, middle)) = init.split_first() else {
            return self.eval_field(dot, last, node, args, final_value, receiver);
        };
        let mut current = self.eval_field(dot, first, node, &[], None, receiver)?;
        for ident in middle {
            current = self.eval_field(dot, ident, node, &[], None, &current)?;
        }
        self.eval_field(dot, last, node, args, final_value, &current)
    }

    fn eval_function(
        &mut self,
        dot: &Operand,
        ident: &'t IdentifierNode,
        cmd: At<'t>,
        args: &'t [Arg],
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        self.at(At::Identifier(ident));
        let name: &str = &ident.name;
        let callee = match self.find_function(name) {
            Some(callee) => callee,
            None => {
                return Err(self.errorf(format!("{} is not a defined function", quote_str(name))));
            }
        };
        self.eval_call(dot, callee, cmd, name, args, final_value)
    }

    fn find_function(&self, name: &str) -> Option<Callee<'t>> {
        if self.env.escapers
            && let Some(escaper) = crate::html::escapers::Escaper::lookup(name)
        {
            return Some(Callee::Builtin(Builtin::Escaper(escaper)));
        }
        if let Some(f) = self.env.funcs.get(name) {
            return Some(Callee::User(f));
        }
        Builtin::lookup(name).map(Callee::Builtin)
    }

    fn eval_field(
        &mut self,
        dot: &Operand,
        field_name: &str,
        node: At<'t>,
        args: &'t [Arg],
        final_value: Option<Operand>,
        receiver: &Operand,
    ) -> ExecResult<Operand> {
        if receiver.is_invalid() {
            if self.env.missing_key == MissingKey::Error {
                return Err(self.errorf(format!(
                    "nil data; no entry for key {}",
                    quote_str(field_name)
                )));
            }
            return Ok(Operand::concrete(Value::Nil));
        }
        if receiver.value.is_nil() {
            return Err(self.errorf(format!(
                "nil pointer evaluating {}.{field_name}",
                receiver.type_name()
            )));
        }
        if let Value::Object(object) = &receiver.value
            && let Some(signature) = object.method(field_name)
        {
            let callee = Callee::Method(object.clone(), signature);
            return self.eval_call(dot, callee, node, field_name, args, final_value);
        }
        let has_args = args.len() > 1 || final_value.is_some();
        match &receiver.value {
            Value::Object(object) => {
                if let Some(zero) = object.map_zero() {
                    if has_args {
                        return Err(
                            self.errorf(format!("{field_name} is not a method but has arguments"))
                        );
                    }
                    return match object.field(field_name) {
                        Some(value) => Ok(Operand::concrete(value)),
                        None => self.missing_key(field_name, zero, false),
                    };
                }
                if let Some(value) = object.field(field_name) {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{field_name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Operand::concrete(value));
                }
            }
            Value::Map(map) => {
                if has_args {
                    return Err(
                        self.errorf(format!("{field_name} is not a method but has arguments"))
                    );
                }
                let in_interface = *map.elem_type() == GoType::Any;
                return match map.get(field_name) {
                    Some(value) => Ok(Operand {
                        value: value.clone(),
                        in_interface,
                    }),
                    None => self.missing_key(field_name, map.elem_type().zero(), in_interface),
                };
            }
            _ => {}
        }
        Err(self.errorf(format!(
            "can't evaluate field {field_name} in type {}",
            receiver.type_name()
        )))
    }

    fn missing_key(&self, key: &str, zero: Value, in_interface: bool) -> ExecResult<Operand> {
        match self.env.missing_key {
            MissingKey::Default => Ok(Operand::concrete(Value::Nil)),
            MissingKey::Zero => Ok(Operand {
                value: zero,
                in_interface,
            }),
            MissingKey::Error => {
                Err(self.errorf(format!("map has no entry for key {}", quote_str(key))))
            }
        }
    }

    fn eval_call(
        &mut self,
        dot: &Operand,
        callee: Callee<'t>,
        node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_value: Option<Operand>,
    ) -> ExecResult<Operand> {
        let args = args.get(1..).unwrap_or(&[]);
        let signature = callee.signature();
        let num_params = signature.params.len();
        let num_in = args.len() + usize::from(final_value.is_some());
        let variadic = signature.variadic.is_some();
        if variadic {
            if num_in < num_params {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {num_params} got {}",
                    args.len()
                )));
            }
        } else if num_in != num_params {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {num_params} got {num_in}"
            )));
        }

        if let Callee::Builtin(builtin @ (Builtin::And | Builtin::Or)) = &callee {
            let builtin = *builtin;
            let want = builtin == Builtin::Or;
            let mut value = Operand::concrete(Value::Nil);
            for arg in args {
                value = self.eval_arg(dot, &GoType::Any, arg)?;
                if value.value.is_true() == want {
                    return Ok(value);
                }
            }
            if let Some(final_value) = final_value {
                value = self.validate_type(final_value, &GoType::Any)?;
            }
            return Ok(value);
        }

        let mut argv = self.arg_pool.pop().unwrap_or_default();
        argv.clear();
        for (i, arg) in args.iter().enumerate() {
            let ty = signature.param(i).unwrap_or(&GoType::Any);
            match self.eval_arg(dot, ty, arg) {
                Ok(value) => argv.push(value),
                Err(err) => {
                    self.arg_pool.push(argv);
                    return Err(err);
                }
            }
        }
        if let Some(final_value) = final_value {
            let ty = if variadic && num_in > num_params {
                signature.variadic.clone().unwrap_or(GoType::Any)
            } else {
                signature
                    .params
                    .get(num_in - 1)
                    .cloned()
                    .unwrap_or(GoType::Any)
            };
            match self.validate_type(final_value, &ty) {
                Ok(value) => argv.push(value),
                Err(err) => {
                    self.arg_pool.push(argv);
                    return Err(err);
                }
            }
        }
        let result = match &callee {
            Callee::Builtin(builtin) => builtin.call(&argv),
            Callee::User(_) | Callee::Method(..) => {
                let mut values = self.value_pool.pop().unwrap_or_default();
                values.clear();
                values.extend(argv.drain(..).map(|a| a.value));
                let result = match &callee {
                    Callee::User(function) => function.call(&values),
                    Callee::Method(object, _) => object.call_method(name, &values),
                    Callee::Builtin(_) => Err(FuncError::new("unreachable")),
                };
                values.clear();
                self.value_pool.push(values);
                result
            }
        };
        argv.clear();
        self.arg_pool.push(argv);
        match result {
            Ok(value) => Ok(Operand::concrete(value)),
            Err(err) => {
                self.at(node);
                Err(self.error(format!("error calling {name}: {err}"), Some(err)))
            }
        }
    }

    /// Go's `validateType`: the value must be assignable to `ty`.
    fn validate_type(&self, value: Operand, ty: &GoType) -> ExecResult<Operand> {
        if value.is_invalid() {
            if ty.can_be_nil() {
                return Ok(Operand::concrete(ty.zero()));
            }
            return Err(self.errorf(format!("invalid value; expected {ty}")));
        }
        if *ty == GoType::Any {
            return Ok(value);
        }
        if value.value.is_nil() {
            // A nil inside an interface slot.
            return Err(self.errorf(format!(
                "wrong type for value; expected {ty}; got interface {{}}"
            )));
        }
        if value.value.assignable_to(ty) {
            return Ok(Operand::concrete(value.value));
        }
        Err(self.errorf(format!(
            "wrong type for value; expected {ty}; got {}",
            value.value.type_name()
        )))
    }

    fn eval_arg(&mut self, dot: &Operand, ty: &GoType, arg: &'t Arg) -> ExecResult<Operand> {
        self.at(At::Arg(arg));
        match arg {
            Arg::Dot(_) => return self.validate_type(dot.clone(), ty),
            Arg::Nil(_) => {
                if ty.can_be_nil() {
                    return Ok(Operand::concrete(ty.zero()));
                }
                return Err(self.errorf(format!("cannot assign nil to {ty}")));
            }
            Arg::Field(field) => {
                let value = self.eval_field_node(dot, field, std::slice::from_ref(arg), None)?;
                return self.validate_type(value, ty);
            }
            Arg::Variable(var) => {
                let value = self.eval_variable_node(dot, var, &[], None)?;
                return self.validate_type(value, ty);
            }
            Arg::Pipe(pipe) => {
                self.check_stack()?;
                let value = self.eval_pipeline(dot, Some(pipe))?;
                return self.validate_type(value, ty);
            }
            Arg::Identifier(ident) => {
                let value = self.eval_function(dot, ident, At::Arg(arg), &[], None)?;
                return self.validate_type(value, ty);
            }
            Arg::Chain(chain) => {
                let value = self.eval_chain_node(dot, chain, &[], None)?;
                return self.validate_type(value, ty);
            }
            _ => {}
        }
        let found = || arg.to_text();
        match ty {
            GoType::Bool => match arg {
                Arg::Bool(_, b) => Ok(Operand::concrete(Value::Bool(*b))),
                _ => Err(self.errorf(format!("expected bool; found {}", found()))),
            },
            GoType::Float64 => match arg {
                Arg::Number(NumberNode { float: Some(f), .. }) => {
                    Ok(Operand::concrete(Value::Float(*f)))
                }
                _ => Err(self.errorf(format!("expected float; found {}", found()))),
            },
            GoType::Int => match arg {
                Arg::Number(NumberNode { int: Some(i), .. }) => {
                    Ok(Operand::concrete(Value::Int(*i)))
                }
                _ => Err(self.errorf(format!("expected integer; found {}", found()))),
            },
            GoType::Uint => match arg {
                Arg::Number(NumberNode { uint: Some(u), .. }) => {
                    Ok(Operand::concrete(Value::Uint(*u)))
                }
                _ => Err(self.errorf(format!("expected unsigned integer; found {}", found()))),
            },
            GoType::String => match arg {
                Arg::String(s) => Ok(Operand::concrete(Value::String(s.text.clone()))),
                _ => Err(self.errorf(format!("expected string; found {}", found()))),
            },
            GoType::Safe(kind) => match arg {
                Arg::String(s) => Ok(Operand::concrete(Value::Safe(*kind, s.text.clone()))),
                _ => Err(self.errorf(format!("expected string; found {}", found()))),
            },
            GoType::Any => self.eval_empty_interface(arg),
            other => Err(self.errorf(format!("can't handle {} for arg of type {other}", found()))),
        }
    }

    fn eval_empty_interface(&mut self, arg: &'t Arg) -> ExecResult<Operand> {
        self.at(At::Arg(arg));
        match arg {
            Arg::Bool(_, b) => Ok(Operand::concrete(Value::Bool(*b))),
            Arg::Number(number) => self.ideal_constant(arg, number).map(Operand::concrete),
            Arg::String(s) => Ok(Operand::concrete(Value::String(s.text.clone()))),
            _ => Err(self.errorf(format!(
                "can't handle assignment of {} to empty interface argument",
                arg.to_text()
            ))),
        }
    }
}
