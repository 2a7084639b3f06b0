//! Go's `html/template`: contextual auto-escaping of templates that
//! produce HTML. `escaper` computes contexts and rewrites trees; the other
//! modules hold the context model, the context transitions and the escaping
//! functions per context (HTML, attributes, URLs, JS, CSS). Execution of the
//! rewritten trees is the ordinary executor's job.

pub(crate) mod attr;
pub(crate) mod context;
pub(crate) mod css;
pub(crate) mod entity;
pub(crate) mod escaper;
pub(crate) mod escapers;
pub(crate) mod js;
pub(crate) mod transition;
pub(crate) mod url;
