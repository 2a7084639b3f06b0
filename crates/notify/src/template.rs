//! Alertmanager's template layer on top of `tocsin-gotemplate`: the data
//! objects templates see (`.Alerts.Firing`, `.CommonLabels.SortedPairs`, …),
//! Alertmanager's function set, the named default templates, and the
//! `ExecuteTextString` / `ExecuteHTMLString` operations every integration
//! uses to render its fields.
//!
//! Module map: [`Templates`] (this file) owns loading (built-ins, then the
//! user's files) and execution with its caches; `objects` builds the dot
//! from [`TemplateData`]; `funcs` is `DefaultFuncs`, helped by `casing`
//! (`toUpper`/`title`), `humanize`, `json` (`toJson`), `gotime` with
//! `layout` and `layout_parse` (`time.Time`); `route_labels` backs
//! `routeLabels`; `files` finds and checks template files; `sample` holds
//! preview alerts and the alerts-file reader.

mod casing;
mod files;
mod funcs;
mod gotime;
mod humanize;
mod json;
mod layout;
mod layout_parse;
mod objects;
mod route_labels;
mod sample;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tocsin_gotemplate::{Template, Value};

use crate::data::TemplateData;

pub use files::TemplateDiagnostic;
pub use route_labels::RouteLabelRenderer;
pub use sample::{
    AlertsFileError, parse_alerts_json, parse_data_json, preview_data, sample_alerts, sample_data,
};

/// Go's `Time.Format(layout)` for a time read from RFC 3339 text: shown in
/// its own offset, whose zone Go names `UTC` for a zero offset, the local
/// zone's abbreviation when that zone has the offset at that instant, and
/// nothing otherwise (see `gotime`).
pub fn format_go_time(time: &tocsin_alerting::alert::Time, layout: &str) -> String {
    gotime::GoTime::from_alert_time(time).format(layout)
}

/// Source of the built-in notification templates (`default.tmpl`).
const DEFAULT_TEMPLATES: &str = include_str!("../templates/default.tmpl");
/// Source of the built-in email templates (`email.tmpl`).
const EMAIL_TEMPLATES: &str = include_str!("../templates/email.tmpl");

/// Parsed anonymous templates kept per set and flavour; past this many
/// distinct texts the cache starts over.
const PARSE_CACHE_LIMIT: usize = 512;

/// Why a template could not be loaded or rendered. `message` is Go's text
/// (`template: :1: unexpected "}" in operand`, `template: x.tmpl:3: …`).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
}

impl TemplateError {
    fn from_engine(error: &tocsin_gotemplate::Error) -> TemplateError {
        TemplateError {
            message: error.to_string(),
        }
    }
}

/// The template set of one configuration: the built-in defaults plus the
/// user's `templates:` files, parsed for both text and HTML rendering.
/// Cloning is cheap (shared).
#[derive(Clone)]
pub struct Templates {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("templates", &self.inner.text.template_names().len())
            .finish_non_exhaustive()
    }
}

struct Inner {
    text: Template,
    html: Template,
    cache: Mutex<ParseCache>,
}

#[derive(Default)]
struct ParseCache {
    text: HashMap<Box<str>, Template>,
    html: HashMap<Box<str>, Template>,
}

thread_local! {
    /// The dot built for the most recent data rendered on this thread:
    /// integrations render several fields of one notification in a row.
    static LAST_DOT: RefCell<Option<(Arc<TemplateData>, Value)>> = const { RefCell::new(None) };
}

/// The dot for `data` (shared data plus its template value), reusing the
/// previous one when the data is the same.
fn dot_for(data: &TemplateData) -> (Arc<TemplateData>, Value) {
    LAST_DOT.with(|last| {
        if let Some((shared, value)) = &*last.borrow()
            && **shared == *data
        {
            return (shared.clone(), value.clone());
        }
        let shared = Arc::new(data.clone());
        let value = objects::data_value(shared.clone());
        *last.borrow_mut() = Some((shared.clone(), value.clone()));
        (shared, value)
    })
}

impl Templates {
    /// The built-in templates only (parsed once per process).
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::LazyLock<Templates> = std::sync::LazyLock::new(|| {
            let mut text = base_set(false);
            let mut html = base_set(true);
            for source in [DEFAULT_TEMPLATES, EMAIL_TEMPLATES] {
                // The built-in sources are part of this crate and a test
                // checks that they parse and define every upstream name;
                // a failure would leave the set without them.
                let _ = text.parse(source);
                let _ = html.parse(source);
            }
            Templates::from_parts(text, html)
        });
        BUILTIN.clone()
    }

    fn from_parts(text: Template, html: Template) -> Templates {
        Templates {
            inner: Arc::new(Inner {
                text,
                html,
                cache: Mutex::new(ParseCache::default()),
            }),
        }
    }

    /// Built-ins, then every file matching `globs` (already resolved
    /// against the config file's directory), as upstream's `FromGlobs`:
    /// each glob's matches in sorted order, each file defining a template
    /// named after its base name plus whatever it `define`s; later
    /// definitions replace earlier ones. A glob matching nothing is fine.
    pub fn from_globs(globs: &[PathBuf]) -> Result<Self, TemplateError> {
        let files = files::read_globs(globs)?;
        if files.is_empty() {
            return Ok(Templates::builtin());
        }
        let builtin = Templates::builtin();
        let mut text = builtin.inner.text.clone();
        let mut html = builtin.inner.html.clone();
        for file in &files {
            parse_into(&mut text, &file.name, &file.source)
                .map_err(|e| TemplateError::from_engine(&e))?;
            parse_into(&mut html, &file.name, &file.source)
                .map_err(|e| TemplateError::from_engine(&e))?;
        }
        Ok(Templates::from_parts(text, html))
    }

    /// Parses every file matching `globs` (after the built-ins, as
    /// [`Templates::from_globs`] would) and reports each problem with its
    /// file, line and column, for `check-config`. Empty when all is well.
    pub fn check_files(globs: &[PathBuf]) -> Vec<TemplateDiagnostic> {
        files::check(globs)
    }

    /// Names of all defined templates, sorted.
    pub fn template_names(&self) -> Vec<String> {
        self.inner.text.template_names()
    }

    /// Upstream's `ExecuteTextString`: `""` renders to `""`; otherwise
    /// `text` is parsed as an anonymous template in a clone of the set and
    /// executed with `data` (text/template semantics, `missingkey=zero`).
    pub fn execute_text(&self, text: &str, data: &TemplateData) -> Result<String, TemplateError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        let (shared, dot) = dot_for(data);
        let resolver = route_labels::Resolver::verbatim(shared);
        resolver.enter(|| self.run(false, text, &dot))
    }

    /// Upstream's `ExecuteHTMLString` (html/template escaping).
    pub fn execute_html(&self, text: &str, data: &TemplateData) -> Result<String, TemplateError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        let (shared, dot) = dot_for(data);
        let resolver = route_labels::Resolver::verbatim(shared);
        resolver.enter(|| self.run(true, text, &dot))
    }

    /// Upstream's `RouteLabelRenderer`: renders route label values (which
    /// may be templates) against `data` at dispatch time.
    pub fn route_label_renderer(&self, data: &TemplateData) -> RouteLabelRenderer {
        RouteLabelRenderer::new(self.clone(), Arc::new(data.clone()))
    }

    /// Executes `text` as a text template with `resolver` answering
    /// `routeLabels` (nested renders of route labels).
    fn execute_text_in(
        &self,
        text: &str,
        data: &Arc<TemplateData>,
        resolver: &Arc<route_labels::Resolver>,
    ) -> Result<String, TemplateError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        let dot = objects::data_value(data.clone());
        resolver.enter(|| self.run(false, text, &dot))
    }

    fn run(&self, html: bool, text: &str, dot: &Value) -> Result<String, TemplateError> {
        let template = self.anonymous(html, text)?;
        let mut out = String::with_capacity(text.len() + 64);
        template
            .execute(dot, &mut out)
            .map_err(|e| TemplateError::from_engine(&e))?;
        Ok(out)
    }

    /// The set with `text` parsed as the anonymous template `""`, cached.
    fn anonymous(&self, html: bool, text: &str) -> Result<Template, TemplateError> {
        let lock = || {
            self.inner
                .cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        {
            let cache = lock();
            let map = if html { &cache.html } else { &cache.text };
            if let Some(t) = map.get(text) {
                return Ok(t.clone());
            }
        }
        let base = if html {
            &self.inner.html
        } else {
            &self.inner.text
        };
        let mut template = base.new_template("");
        template
            .parse(text)
            .map_err(|e| TemplateError::from_engine(&e))?;
        let mut cache = lock();
        let map = if html {
            &mut cache.html
        } else {
            &mut cache.text
        };
        if map.len() >= PARSE_CACHE_LIMIT {
            map.clear();
        }
        map.insert(text.into(), template.clone());
        Ok(template)
    }
}

/// An empty set of the given flavour with `missingkey=zero` and the
/// default functions.
fn base_set(html: bool) -> Template {
    let mut t = if html {
        Template::new_html("")
    } else {
        Template::new("")
    };
    // Both calls only fail for invalid option strings or function names,
    // which are constants here.
    let _ = t.option("missingkey=zero");
    let _ = t.funcs(funcs::default_funcs());
    t
}

/// Parses `source` into `set`: into the root template for an empty name,
/// otherwise into a template called `name`.
fn parse_into(
    set: &mut Template,
    name: &str,
    source: &str,
) -> Result<(), tocsin_gotemplate::Error> {
    if name.is_empty() || name == set.name() {
        set.parse(source)?;
    } else {
        let mut named = set.new_template(name);
        named.parse(source)?;
        // Keep the root handle, now sharing the grown set.
        let root_name = set.name().to_owned();
        *set = named.new_template(&root_name);
        if let Some(root) = named.lookup(&root_name) {
            *set = root;
        }
    }
    Ok(())
}
