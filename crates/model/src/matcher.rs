//! Label matchers: the four operators, their canonical string form, and the
//! parsers for every syntax Alertmanager accepts (the UTF-8 syntax, the
//! classic syntax, and the default fallback between them).

use std::fmt;

use crate::goregex::GoRegex;
use crate::labels::LabelSet;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum MatchType {
    Equal,
    NotEqual,
    Regexp,
    NotRegexp,
}

/// One label matcher. Regex matchers are anchored (`^(?:value)$`).
#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub kind: MatchType,
    re: Option<GoRegex>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct MatcherError {
    /// Upstream's message where one exists.
    pub message: String,
    /// Byte offset into the input where the problem was found, if known.
    pub offset: Option<usize>,
}

/// Which parser `parse_*` uses (Alertmanager's `--enable-feature` modes).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ParseMode {
    /// UTF-8 parser, falling back to the classic one (upstream's default).
    #[default]
    Fallback,
    Utf8Strict,
    Classic,
}

impl Matcher {
    /// Build a matcher; compiles the regex for `Regexp`/`NotRegexp`.
    pub fn new(kind: MatchType, name: impl Into<String>, value: impl Into<String>) -> Result<Self, MatcherError> {
        let _ = (kind, name.into(), value.into());
        todo!("model helper")
    }
    /// Does `value` (the label's value, `""` when the label is absent) match?
    pub fn matches(&self, value: &str) -> bool {
        let _ = (value, &self.re);
        todo!("model helper")
    }
}

impl fmt::Display for Matcher {
    /// Upstream's `labels.Matcher.String()`.
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("model helper")
    }
}

/// A list of matchers, all of which must match.
#[derive(Clone, Debug, Default)]
pub struct Matchers(pub Vec<Matcher>);

impl Matchers {
    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.0.iter().all(|m| m.matches(labels.value_or_empty(&m.name)))
    }
}

impl fmt::Display for Matchers {
    /// `{a="1",b=~"x"}` — the form used in route keys.
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("model helper")
    }
}

/// Parse a list of matchers (`{a="b", c=~"d"}` or `a=b,c=~d`) in `mode`.
pub fn parse_matchers(input: &str, mode: ParseMode) -> Result<Vec<Matcher>, MatcherError> {
    todo!("model helper {input} {mode:?}")
}

/// Parse exactly one matcher (API `filter=`, amtool arguments): braces are rejected.
pub fn parse_matcher(input: &str, mode: ParseMode) -> Result<Matcher, MatcherError> {
    todo!("model helper {input} {mode:?}")
}
