//! Alertmanager's template layer on top of `tocsin-gotemplate`: the data
//! objects templates see (`.Alerts.Firing`, `.CommonLabels.SortedPairs`, …),
//! Alertmanager's function set, the named default templates, and the
//! `ExecuteTextString` / `ExecuteHTMLString` operations every integration
//! uses to render its fields.

use std::path::PathBuf;

use crate::data::TemplateData;

/// Why a template could not be loaded or rendered.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
}

/// The template set of one configuration: the built-in defaults plus the
/// user's `templates:` files, parsed for both text and HTML rendering.
#[derive(Clone)]
pub struct Templates {
    _private: (),
}

impl Templates {
    /// The built-in templates only.
    pub fn builtin() -> Self {
        todo!("template helper")
    }

    /// Built-ins, then every file matching `globs` (already resolved
    /// against the config file's directory), as upstream's `FromGlobs`.
    pub fn from_globs(globs: &[PathBuf]) -> Result<Self, TemplateError> {
        let _ = globs;
        todo!("template helper")
    }

    /// Upstream's `ExecuteTextString`: `""` renders to `""`; otherwise
    /// `text` is parsed as an anonymous template in a clone of the set and
    /// executed with `data` (text/template semantics, `missingkey=zero`).
    pub fn execute_text(&self, text: &str, data: &TemplateData) -> Result<String, TemplateError> {
        let _ = (text, data);
        todo!("template helper")
    }

    /// Upstream's `ExecuteHTMLString` (html/template escaping).
    pub fn execute_html(&self, text: &str, data: &TemplateData) -> Result<String, TemplateError> {
        let _ = (text, data);
        todo!("template helper")
    }
}
