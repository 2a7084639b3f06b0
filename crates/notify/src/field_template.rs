//! Rendering an integration's templated configuration fields the way
//! upstream's `notify.TmplText` / `notify.TmplHTML` closures do: every field
//! is executed against the same notification data, and after the first
//! failure every further field renders to `""` while the first error is
//! kept for the caller to report. The template engine itself lives in
//! [`crate::template`]; this module only sequences calls and keeps the error.

use crate::data::TemplateData;
use crate::template::{TemplateError, Templates};

/// Renders fields one after another, remembering the first failure.
pub struct FieldRenderer<'a> {
    templates: &'a Templates,
    data: &'a TemplateData,
    error: Option<TemplateError>,
}

impl<'a> FieldRenderer<'a> {
    pub fn new(templates: &'a Templates, data: &'a TemplateData) -> Self {
        FieldRenderer {
            templates,
            data,
            error: None,
        }
    }

    /// `text` executed as a text template; `""` once a field has failed.
    pub fn text(&mut self, text: &str) -> String {
        self.run(text, Templates::execute_text)
    }

    /// `text` executed as an HTML template (html/template escaping); `""`
    /// once a field has failed.
    pub fn html(&mut self, text: &str) -> String {
        self.run(text, Templates::execute_html)
    }

    fn run(
        &mut self,
        text: &str,
        execute: fn(&Templates, &str, &TemplateData) -> Result<String, TemplateError>,
    ) -> String {
        if self.error.is_some() {
            return String::new();
        }
        match execute(self.templates, text, self.data) {
            Ok(rendered) => rendered,
            Err(e) => {
                self.error = Some(e);
                String::new()
            }
        }
    }

    /// The first failure so far, if any.
    pub fn error(&self) -> Option<&TemplateError> {
        self.error.as_ref()
    }

    /// `Ok` when every field rendered.
    pub fn check(&self) -> Result<(), TemplateError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}
