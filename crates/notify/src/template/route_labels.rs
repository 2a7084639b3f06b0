//! The `routeLabels "name"` function: the value of a route label for the
//! render in progress. A notification's route labels were already
//! rendered by the dispatcher, so they are returned verbatim; at dispatch
//! time ([`RouteLabelRenderer`]) a label value is itself a template that may
//! reference other route labels, rendered at most once per label with
//! cycles reported (`route label cycle detected: a -> b -> a`).
//!
//! Templates are parsed once and shared, so the function cannot capture
//! the render's data; the render in progress is kept in a thread-local
//! stack instead (executions are synchronous).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tocsin_gotemplate::{FuncError, Function, GoType, Signature, Value};

use super::{TemplateError, Templates};
use crate::data::TemplateData;

/// The route-label source of one top-level render.
pub(super) struct Resolver {
    data: Arc<TemplateData>,
    /// `Some` when label values are templates to render (dispatch time).
    renderer: Option<Templates>,
    state: Mutex<ResolverState>,
}

#[derive(Default)]
struct ResolverState {
    memo: HashMap<String, String>,
    in_progress: HashSet<String>,
    stack: Vec<String>,
}

thread_local! {
    static CURRENT: RefCell<Vec<Arc<Resolver>>> = const { RefCell::new(Vec::new()) };
}

impl Resolver {
    /// Verbatim route labels (notification time).
    pub(super) fn verbatim(data: Arc<TemplateData>) -> Arc<Resolver> {
        Arc::new(Resolver {
            data,
            renderer: None,
            state: Mutex::default(),
        })
    }

    /// The memo and cycle state; the lock is never held while rendering.
    fn state(&self) -> MutexGuard<'_, ResolverState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` with `self` as the render in progress.
    pub(super) fn enter<R>(self: &Arc<Self>, f: impl FnOnce() -> R) -> R {
        struct Exit;
        impl Drop for Exit {
            fn drop(&mut self) {
                CURRENT.with(|c| {
                    c.borrow_mut().pop();
                });
            }
        }
        CURRENT.with(|c| c.borrow_mut().push(self.clone()));
        let _exit = Exit;
        f()
    }

    fn resolve(self: &Arc<Self>, name: &str) -> Result<String, String> {
        let Some(raw) = self.data.route_labels.get(name) else {
            return Ok(String::new());
        };
        let Some(templates) = &self.renderer else {
            return Ok(raw.to_owned());
        };
        {
            let mut state = self.state();
            if let Some(done) = state.memo.get(name) {
                return Ok(done.clone());
            }
            if state.in_progress.contains(name) {
                let mut cycle = state.stack.clone();
                cycle.push(name.to_owned());
                return Err(format!(
                    "route label cycle detected: {}",
                    cycle.join(" -> ")
                ));
            }
            state.in_progress.insert(name.to_owned());
            state.stack.push(name.to_owned());
        }
        let result = templates.execute_text_in(raw, &self.data, self);
        let mut state = self.state();
        state.stack.pop();
        state.in_progress.remove(name);
        let value = result.map_err(|e| e.message)?;
        state.memo.insert(name.to_owned(), value.clone());
        Ok(value)
    }
}

/// The `routeLabels` function (`func(string) (string, error)`).
pub(super) fn function() -> Function {
    Function::with_signature(Signature::fixed(vec![GoType::String]), |args| {
        let name = args.first().and_then(Value::as_str).unwrap_or("");
        let current = CURRENT.with(|c| c.borrow().last().cloned());
        match current {
            None => Ok(Value::from("")),
            Some(resolver) => resolver
                .resolve(name)
                .map(Value::from)
                .map_err(FuncError::new),
        }
    })
}

/// Renders the route labels of a group at dispatch time (upstream's
/// `RouteLabelRenderer`): each label value is executed as a text template
/// over the group's data, at most once, with `routeLabels` references to
/// other labels resolved through the same renderer. It may move between
/// threads but is used by one at a time (`!Sync`), as cycle detection
/// tracks the labels being rendered.
pub struct RouteLabelRenderer {
    resolver: Arc<Resolver>,
    _one_thread_at_a_time: PhantomData<Cell<()>>,
}

impl RouteLabelRenderer {
    pub(super) fn new(templates: Templates, data: Arc<TemplateData>) -> RouteLabelRenderer {
        RouteLabelRenderer {
            resolver: Arc::new(Resolver {
                data,
                renderer: Some(templates),
                state: Mutex::default(),
            }),
            _one_thread_at_a_time: PhantomData,
        }
    }

    /// The rendered value of route label `name` (`""` for an unknown one).
    pub fn render(&self, name: &str) -> Result<String, TemplateError> {
        self.resolver
            .resolve(name)
            .map_err(|message| TemplateError { message })
    }
}
