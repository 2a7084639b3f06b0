//! What the loader tells the user: [`Diagnostic`] (one problem, with file,
//! line, column, source excerpt and hint), [`LoadFailure`] (every error of a
//! rejected file) and the reconstruction of the single message Alertmanager
//! itself would have printed for the same file.
//!
//! Each diagnostic remembers how Alertmanager would have surfaced it (a YAML
//! syntax error, one entry of yaml.v2's collected "unmarshal errors", an
//! error that aborts decoding, or an error from the checks that run after
//! decoding) so that [`LoadFailure::first_upstream_message`] can replay
//! upstream's stop-at-the-first-error order while we report everything.

use std::fmt;

use crate::yaml::Mark;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// How Alertmanager 0.34 would have reported an error (see module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Upstream {
    /// Not an error Alertmanager raises (warnings, our own limits).
    None,
    /// A YAML syntax error: `yaml: line N: …`.
    Syntax { line: u32 },
    /// One of yaml.v2's collected type errors: `line N: …`.
    Type { line: u32 },
    /// An error returned while decoding; the first one aborts the load.
    Decode,
    /// An error from the checks after decoding, which run only when
    /// decoding produced no error at all.
    Check,
    /// A failure before any YAML is read (missing file, invalid UTF-8).
    Read,
}

/// One problem found in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as given to the loader (or the name passed to `load_str`).
    pub path: String,
    /// 1-based line; 0 when the problem has no position (e.g. missing file).
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub column: u32,
    /// The message, worded exactly as Alertmanager words it where it has one.
    pub message: String,
    /// Our explanation or suggested fix.
    pub hint: Option<String>,
    /// The offending source line followed by a line with a caret under the
    /// column; empty when there is no position.
    pub snippet: String,
    pub(crate) upstream: Upstream,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message as Alertmanager prints it when this is the error it stops at.
    pub fn upstream_text(&self) -> String {
        match self.upstream {
            Upstream::Syntax { line } if line > 0 => format!("yaml: line {line}: {}", self.message),
            Upstream::Syntax { .. } => format!("yaml: {}", self.message),
            Upstream::Type { line } => format!("line {line}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: message`, the source line, a caret, `= hint: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.path, self.line, self.column, self.severity, self.message
            )?;
        } else {
            write!(f, "{}: {}: {}", self.path, self.severity, self.message)?;
        }
        if !self.snippet.is_empty() {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let mut lines = self.snippet.lines();
            if let (Some(source), Some(caret)) = (lines.next(), lines.next()) {
                write!(f, "\n{pad} |\n{gutter} | {source}\n{pad} | {caret}")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Builds diagnostics for one source text.
#[derive(Clone, Debug)]
pub(crate) struct SourceMap<'t> {
    path: &'t str,
    text: &'t str,
}

impl<'t> SourceMap<'t> {
    pub(crate) fn new(path: &'t str, text: &'t str) -> Self {
        SourceMap { path, text }
    }

    pub(crate) fn diagnostic(
        &self,
        severity: Severity,
        at: Option<Mark>,
        message: String,
        hint: Option<String>,
        upstream: Upstream,
    ) -> Diagnostic {
        let (line, column, snippet) = match at {
            Some(m) if m.line > 0 => (m.line, m.column, self.snippet(m)),
            _ => (0, 0, String::new()),
        };
        Diagnostic {
            severity,
            path: self.path.to_owned(),
            line,
            column,
            message,
            hint,
            snippet,
            upstream,
        }
    }

    /// The line holding `mark` and a caret line under its column.
    fn snippet(&self, mark: Mark) -> String {
        let offset = mark.offset.min(self.text.len());
        let start = self
            .text
            .get(..offset)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |p| p + 1);
        let end = self
            .text
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(self.text.len(), |p| start + p);
        let line = self
            .text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r');
        // Very long lines (minified or binary input) are cut around the caret.
        const WIDTH: usize = 120;
        let chars: Vec<char> = line.chars().collect();
        let col = (mark.column.max(1) as usize - 1).min(chars.len());
        let from = col.saturating_sub(WIDTH / 2);
        let to = (from + WIDTH).min(chars.len());
        let shown: String = chars
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .map(|&c| printable(c))
            .collect();
        let caret: String = chars
            .get(from..col)
            .unwrap_or(&[])
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' })
            .chain(std::iter::once('^'))
            .collect();
        format!("{shown}\n{caret}")
    }
}

fn printable(c: char) -> char {
    if c == '\t' || !c.is_control() {
        c
    } else {
        '\u{fffd}'
    }
}

/// A configuration file that could not be loaded. Displays every
/// diagnostic, separated by blank lines.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", display_all(.diagnostics))]
pub struct LoadFailure {
    /// Every error found, in file order of discovery, followed by warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadFailure {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }

    /// The error text Alertmanager 0.34 (and `amtool check-config`) would
    /// print for this file: it stops at the first problem in its own order.
    pub fn first_upstream_message(&self) -> String {
        let errors: Vec<&Diagnostic> = self.errors().collect();
        let first = |want: fn(&Upstream) -> bool| errors.iter().find(|d| want(&d.upstream));
        if let Some(d) = first(|u| matches!(u, Upstream::Read)) {
            return d.upstream_text();
        }
        if let Some(d) = first(|u| matches!(u, Upstream::Syntax { .. })) {
            return d.upstream_text();
        }
        if let Some(d) = first(|u| matches!(u, Upstream::Decode)) {
            return d.upstream_text();
        }
        let type_errors: Vec<String> = errors
            .iter()
            .filter(|d| matches!(d.upstream, Upstream::Type { .. }))
            .map(|d| d.upstream_text())
            .collect();
        if !type_errors.is_empty() {
            return format!("yaml: unmarshal errors:\n  {}", type_errors.join("\n  "));
        }
        if let Some(d) = first(|u| matches!(u, Upstream::Check)) {
            return d.upstream_text();
        }
        errors
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default()
    }
}

fn display_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(line: u32, column: u32, offset: usize) -> Option<Mark> {
        Some(Mark {
            line,
            column,
            offset,
        })
    }

    #[test]
    fn display_is_compiler_style() {
        let text = "route:\n  receiver: x\nrule_files:\n  - a.yml\n";
        let map = SourceMap::new("am.yml", text);
        let d = map.diagnostic(
            Severity::Error,
            mark(3, 1, 21),
            "field rule_files not found in type config.plain".into(),
            Some("this belongs in prometheus.yml".into()),
            Upstream::Type { line: 3 },
        );
        assert_eq!(
            d.to_string(),
            "am.yml:3:1: error: field rule_files not found in type config.plain\n  |\n3 | rule_files:\n  | ^\n  = hint: this belongs in prometheus.yml"
        );
    }

    #[test]
    fn caret_follows_column() {
        let map = SourceMap::new("f", "a: b\n\tkey: 1\n");
        let d = map.diagnostic(
            Severity::Warning,
            mark(2, 3, 7),
            "m".into(),
            None,
            Upstream::None,
        );
        assert_eq!(d.snippet, "\tkey: 1\n\t ^");
    }

    #[test]
    fn upstream_order_prefers_decode_errors_then_type_errors_then_checks() {
        let map = SourceMap::new("f", "x\n");
        let ty = map.diagnostic(
            Severity::Error,
            mark(1, 1, 0),
            "field a not found in type config.plain".into(),
            None,
            Upstream::Type { line: 1 },
        );
        let ty2 = map.diagnostic(
            Severity::Error,
            mark(2, 1, 0),
            "field b not found in type config.plain".into(),
            None,
            Upstream::Type { line: 2 },
        );
        let check = map.diagnostic(
            Severity::Error,
            None,
            "no routes provided".into(),
            None,
            Upstream::Check,
        );
        let decode = map.diagnostic(
            Severity::Error,
            None,
            "missing name in receiver".into(),
            None,
            Upstream::Decode,
        );
        let failure = LoadFailure {
            diagnostics: vec![ty.clone(), ty2.clone(), check.clone()],
        };
        assert_eq!(
            failure.first_upstream_message(),
            "yaml: unmarshal errors:\n  line 1: field a not found in type config.plain\n  line 2: field b not found in type config.plain"
        );
        let failure = LoadFailure {
            diagnostics: vec![ty, check.clone(), decode],
        };
        assert_eq!(failure.first_upstream_message(), "missing name in receiver");
        let failure = LoadFailure {
            diagnostics: vec![check],
        };
        assert_eq!(failure.first_upstream_message(), "no routes provided");
    }
}
