//! The public face of the engine: [`Template`], a named handle on a set of
//! parsed templates with their functions and options, in text or html
//! flavour. It follows Go's `text/template.Template` and
//! `html/template.Template` semantics for parsing (later definitions
//! replace earlier ones, empty redefinitions do not), lookup and execution,
//! but with value semantics: a clone is an independent, cheap copy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::ast::{Tree, TreeMap, is_empty_list};
use crate::builtins::Builtin;
use crate::error::Error;
use crate::exec::{self, Env, MissingKey};
use crate::fasthash::FuncTable;
use crate::func::{FuncMap, Function, is_valid_func_name};
use crate::html::escaper::Namespace;
use crate::parse::{ParseInput, parse};
use crate::strconv::quote::quote_str;
use crate::value::Value;

/// Default limit on nested `{{template}}` calls. Go allows 100000; a
/// smaller limit keeps runaway recursion cheap and well inside the stack
/// (execution also stops with "exceeded maximum nesting depth" when its
/// stack use passes 1 MiB, whatever the limit).
pub const DEFAULT_MAX_DEPTH: usize = 100;

/// Default limit on the work one execution may do, counted in nodes walked
/// plus loop iterations, so that a template like `{{range 99999999999}}`
/// ends with an error instead of running for hours. Go has no such limit.
pub const DEFAULT_MAX_STEPS: u64 = 10_000_000;

/// Escaping state of an html template set, shared by clones of an
/// unchanged set.
#[derive(Default)]
struct EscapeState {
    namespace: Option<Namespace>,
    /// The escaped trees at a namespace version, shared by executions.
    snapshot: Option<(u64, Arc<TreeMap>)>,
}

#[derive(Clone)]
struct Set {
    templates: TreeMap,
    funcs: FuncTable,
    missing_key: MissingKey,
    left_delim: String,
    right_delim: String,
    html: bool,
    max_output: Option<usize>,
    max_depth: usize,
    max_steps: Option<u64>,
    escape: Arc<Mutex<EscapeState>>,
}

/// A template: a name, possibly a parsed body, and the set of associated
/// templates, functions and options it shares with the templates it
/// defines and calls (Go's `*template.Template`).
///
/// Cloning is cheap (reference-counted) and gives an independent copy:
/// parsing into the clone does not affect the original. A `Template` is
/// `Send + Sync`; executions may run concurrently.
#[derive(Clone)]
pub struct Template {
    name: Arc<str>,
    tree: Option<Arc<Tree>>,
    set: Arc<Set>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("html", &self.set.html)
            .field("templates", &self.template_names())
            .finish()
    }
}

impl Template {
    fn with_mode(name: &str, html: bool) -> Template {
        Template {
            name: Arc::from(name),
            tree: None,
            set: Arc::new(Set {
                templates: HashMap::new(),
                funcs: FuncTable::default(),
                missing_key: MissingKey::Default,
                left_delim: String::new(),
                right_delim: String::new(),
                html,
                max_output: None,
                max_depth: DEFAULT_MAX_DEPTH,
                max_steps: Some(DEFAULT_MAX_STEPS),
                escape: Arc::new(Mutex::new(EscapeState::default())),
            }),
        }
    }

    /// A new, empty `text/template` named `name`.
    pub fn new(name: &str) -> Template {
        Template::with_mode(name, false)
    }

    /// A new, empty `html/template` named `name`: output is contextually
    /// escaped.
    pub fn new_html(name: &str) -> Template {
        Template::with_mode(name, true)
    }

    /// The template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is an html/template.
    pub fn is_html(&self) -> bool {
        self.set.html
    }

    /// Go's `t.New(name)`: a template with the same associated templates,
    /// functions and options, named `name`, without a body of its own yet.
    pub fn new_template(&self, name: &str) -> Template {
        Template {
            name: Arc::from(name),
            tree: None,
            set: self.set.clone(),
        }
    }

    /// The associated template called `name`.
    pub fn lookup(&self, name: &str) -> Option<Template> {
        self.set.templates.get(name).map(|tree| Template {
            name: Arc::from(name),
            tree: Some(tree.clone()),
            set: self.set.clone(),
        })
    }

    /// Names of all associated templates, sorted.
    pub fn template_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.set.templates.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    }

    /// Go's `DefinedTemplates`: `; defined templates are: "a", "b"` (sorted
    /// here; Go's order is random), or empty.
    pub fn defined_templates(&self) -> String {
        let names = self.template_names();
        if names.is_empty() {
            return String::new();
        }
        let quoted: Vec<String> = names.iter().map(|n| quote_str(n)).collect();
        format!("; defined templates are: {}", quoted.join(", "))
    }

    /// Mutable access to the set, detached from other clones and from any
    /// escaping done for the old contents.
    fn set_mut(&mut self) -> &mut Set {
        let set = Arc::make_mut(&mut self.set);
        set.escape = Arc::new(Mutex::new(EscapeState::default()));
        set
    }

    /// Adds functions (Go's `Funcs`); they replace same-named ones. Names
    /// must be identifiers. Functions must be added before parsing templates
    /// that use them.
    pub fn funcs(&mut self, funcs: FuncMap) -> Result<&mut Template, Error> {
        if let Some(bad) = funcs.keys().find(|name| !is_valid_func_name(name)) {
            return Err(Error::InvalidFuncName(bad.clone()));
        }
        self.set_mut().funcs.extend(funcs);
        Ok(self)
    }

    /// Adds one function.
    pub fn func(&mut self, name: &str, function: Function) -> Result<&mut Template, Error> {
        let mut map = FuncMap::new();
        map.insert(name.to_string(), function);
        self.funcs(map)
    }

    /// Sets an option (Go's `Option`): `missingkey=default`,
    /// `missingkey=invalid`, `missingkey=zero` or `missingkey=error`.
    pub fn option(&mut self, option: &str) -> Result<&mut Template, Error> {
        let missing_key = match option.split_once('=') {
            Some(("missingkey", "default" | "invalid")) => MissingKey::Default,
            Some(("missingkey", "zero")) => MissingKey::Zero,
            Some(("missingkey", "error")) => MissingKey::Error,
            _ => return Err(Error::UnknownOption(option.to_string())),
        };
        self.set_mut().missing_key = missing_key;
        Ok(self)
    }

    /// Sets the action delimiters for later parses (empty means the default
    /// `{{` / `}}`).
    pub fn delims(&mut self, left: &str, right: &str) -> &mut Template {
        let set = self.set_mut();
        set.left_delim = left.to_string();
        set.right_delim = right.to_string();
        self
    }

    /// Limits the bytes one execution may write (`None`: unlimited).
    pub fn max_output(&mut self, limit: Option<usize>) -> &mut Template {
        self.set_mut().max_output = limit;
        self
    }

    /// Limits the work of one execution (default [`DEFAULT_MAX_STEPS`];
    /// `None`: unlimited, as in Go).
    pub fn max_steps(&mut self, limit: Option<u64>) -> &mut Template {
        self.set_mut().max_steps = limit;
        self
    }

    /// Limits nested `{{template}}` calls (default [`DEFAULT_MAX_DEPTH`]).
    pub fn max_depth(&mut self, depth: usize) -> &mut Template {
        self.set_mut().max_depth = depth;
        self
    }

    /// Parses `text` as the body of this template, adding every template it
    /// defines to the set (Go's `Parse`). A later definition replaces an
    /// earlier one unless it is empty (only white space).
    pub fn parse(&mut self, text: &str) -> Result<&mut Template, Error> {
        let set = &self.set;
        let has_function =
            |name: &str| set.funcs.contains_key(name) || Builtin::lookup(name).is_some();
        let trees = parse(&ParseInput {
            name: &self.name,
            text,
            left_delim: &set.left_delim,
            right_delim: &set.right_delim,
            has_function: &has_function,
        })?;
        let own_name = self.name.clone();
        let mut own_tree = self.tree.take();
        let set = self.set_mut();
        for tree in trees {
            let tree = Arc::new(tree);
            let name = tree.name.clone();
            let keep_old = set
                .templates
                .get(&name)
                .is_some_and(|_| is_empty_list(&tree.root));
            if !keep_old {
                set.templates.insert(name.clone(), tree.clone());
            }
            if name == own_name && (!keep_old || own_tree.is_none()) {
                own_tree = Some(tree);
            }
        }
        if set.html {
            // html/template re-reads every body from the set after parsing,
            // so a kept older definition wins over this handle's empty one.
            if let Some(tree) = set.templates.get(&own_name) {
                own_tree = Some(tree.clone());
            }
        }
        self.tree = own_tree;
        Ok(self)
    }

    /// Executes this template with `data`, appending to `out`. On error the
    /// output written so far stays in `out`, as in Go.
    pub fn execute(&self, data: &Value, out: &mut String) -> Result<(), Error> {
        self.run(&self.name, self.tree.as_ref(), data, out)
    }

    /// Executes the associated template `name` (Go's `ExecuteTemplate`).
    pub fn execute_template(
        &self,
        name: &str,
        data: &Value,
        out: &mut String,
    ) -> Result<(), Error> {
        match self.set.templates.get(name) {
            Some(tree) => self.run(name, Some(tree), data, out),
            None => Err(Error::NoSuchTemplate(if self.set.html {
                format!("html/template: {} is undefined", quote_str(name))
            } else {
                format!(
                    "template: no template {} associated with template {}",
                    quote_str(name),
                    quote_str(&self.name)
                )
            })),
        }
    }

    /// Executes this template and returns the output.
    pub fn execute_to_string(&self, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        self.execute(data, &mut out)?;
        Ok(out)
    }

    fn run(
        &self,
        name: &str,
        tree: Option<&Arc<Tree>>,
        data: &Value,
        out: &mut String,
    ) -> Result<(), Error> {
        if !self.set.html {
            let env = self.env(&self.set.templates);
            return exec::execute(&env, tree, name, data, out).map_err(|e| *e);
        }
        let Some(tree) = tree else {
            return Err(Error::NoSuchTemplate(format!(
                "template: {} is an incomplete or empty template",
                quote_str(name)
            )));
        };
        let snapshot = self.escaped(name, tree)?;
        let escaped_tree = snapshot.get(name).cloned();
        let env = self.env(&snapshot);
        exec::execute(&env, escaped_tree.as_ref(), name, data, out).map_err(|e| *e)
    }

    /// Escapes template `name` (html only) and returns the escaped trees.
    fn escaped(&self, name: &str, tree: &Arc<Tree>) -> Result<Arc<TreeMap>, Error> {
        let mut guard = self
            .set
            .escape
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let state = &mut *guard;
        let namespace = state
            .namespace
            .get_or_insert_with(|| Namespace::new(self.set.templates.clone()));
        let own_body_differs = self
            .set
            .templates
            .get(name)
            .is_none_or(|t| !Arc::ptr_eq(t, tree));
        if own_body_differs && !namespace.has_result(name) {
            namespace.set_tree(name, tree.clone());
        }
        let result = namespace.escape(name);
        let snapshot = match &state.snapshot {
            Some((version, snapshot)) if *version == namespace.version() => snapshot.clone(),
            _ => {
                let snapshot = Arc::new(namespace.trees.clone());
                state.snapshot = Some((namespace.version(), snapshot.clone()));
                snapshot
            }
        };
        result?;
        Ok(snapshot)
    }

    fn env<'t>(&'t self, templates: &'t TreeMap) -> Env<'t> {
        Env {
            templates,
            funcs: &self.set.funcs,
            escapers: self.set.html,
            missing_key: self.set.missing_key,
            max_output: self.set.max_output,
            max_depth: self.set.max_depth,
            max_steps: self.set.max_steps,
        }
    }
}
