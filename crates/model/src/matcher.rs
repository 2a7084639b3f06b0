//! Label matchers: the four operators, their canonical string form, their
//! sort order, and the parsers for every syntax Alertmanager accepts (the
//! UTF-8 syntax in [`utf8`], the classic syntax in [`classic`], and the
//! default fallback between them, `matcher/compat` upstream).
//!
//! Regex matchers are compiled once, anchored (`^(?:value)$`) with Go RE2
//! semantics; [`Matcher::matches`] never allocates. A missing label is
//! matched as the empty string.

mod classic;
mod utf8;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::goquote::write_go_quote;
use crate::goregex::{GoRegex, RegexError};
use crate::labels::is_valid_legacy_label_name;
use crate::packed::LabelView;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum MatchType {
    Equal,
    NotEqual,
    Regexp,
    NotRegexp,
}

impl MatchType {
    /// The operator: `=`, `!=`, `=~` or `!~`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Equal => "=",
            MatchType::NotEqual => "!=",
            MatchType::Regexp => "=~",
            MatchType::NotRegexp => "!~",
        }
    }

    /// `=~` or `!~`.
    pub fn is_regex(self) -> bool {
        matches!(self, MatchType::Regexp | MatchType::NotRegexp)
    }

    /// `!=` or `!~`.
    pub fn is_negative(self) -> bool {
        matches!(self, MatchType::NotEqual | MatchType::NotRegexp)
    }
}

impl fmt::Display for MatchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One label matcher. Regex matchers are anchored (`^(?:value)$`).
///
/// Build it with [`Matcher::new`] (or a parser); changing `kind` or `value`
/// afterwards does not recompile the regex. Equality, hashing and ordering
/// consider `kind`, `name` and `value` only.
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

impl MatcherError {
    fn new(message: impl Into<String>) -> Self {
        MatcherError {
            message: message.into(),
            offset: None,
        }
    }
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
    /// Build a matcher; compiles the regex for `Regexp`/`NotRegexp`. An
    /// invalid regex gives Go's message (``error parsing regexp: …``).
    pub fn new(
        kind: MatchType,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self, MatcherError> {
        let value = value.into();
        let re = if kind.is_regex() {
            Some(GoRegex::new_anchored(&value).map_err(|e| MatcherError::new(e.message))?)
        } else {
            None
        };
        Ok(Matcher {
            name: name.into(),
            value,
            kind,
            re,
        })
    }

    /// Does `value` (the label's value, `""` when the label is absent) match?
    pub fn matches(&self, value: &str) -> bool {
        match self.kind {
            MatchType::Equal => value == self.value,
            MatchType::NotEqual => value != self.value,
            MatchType::Regexp => self.re.as_ref().is_some_and(|re| re.is_match(value)),
            MatchType::NotRegexp => !self.re.as_ref().is_some_and(|re| re.is_match(value)),
        }
    }

    /// Matches this matcher's label in `labels` (absent = `""`).
    pub fn matches_labels<L: LabelView>(&self, labels: &L) -> bool {
        self.matches(labels.label(&self.name).unwrap_or_default())
    }

    /// The compiled, anchored regex of a `=~` / `!~` matcher.
    pub fn regex(&self) -> Option<&GoRegex> {
        self.re.as_ref()
    }
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.name == other.name && self.value == other.value
    }
}

impl Eq for Matcher {}

impl Hash for Matcher {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.value.hash(state);
        self.kind.hash(state);
    }
}

impl PartialOrd for Matcher {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Matcher {
    /// Upstream's `labels.Matchers.Less`: by name, then value, then type
    /// (`=` < `!=` < `=~` < `!~`), comparing strings bytewise.
    fn cmp(&self, other: &Self) -> Ordering {
        compare_matchers(self, other)
    }
}

/// Upstream's matcher order (`labels.Matchers.Less`): name, value, type.
/// Routes and inhibition rules sort their matchers with it.
pub fn compare_matchers(a: &Matcher, b: &Matcher) -> Ordering {
    a.name
        .cmp(&b.name)
        .then_with(|| a.value.cmp(&b.value))
        .then_with(|| a.kind.cmp(&b.kind))
}

/// Sorts matchers in upstream's order (see [`compare_matchers`]); stable.
pub fn sort_matchers(matchers: &mut [Matcher]) {
    matchers.sort_by(compare_matchers);
}

/// Whether `c` forces the quoted form of a matcher's name when printed.
fn is_reserved(c: char) -> bool {
    utf8::is_reserved(c)
}

/// OpenMetrics escaping: `\` → `\\`, newline → `\n`, `"` → `\"`.
fn write_openmetrics_escaped(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let mut plain_start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '\\' => "\\\\",
            '\n' => "\\n",
            '"' => "\\\"",
            _ => continue,
        };
        f.write_str(&s[plain_start..i])?;
        f.write_str(escape)?;
        plain_start = i + 1;
    }
    f.write_str(&s[plain_start..])
}

impl fmt::Display for Matcher {
    /// Upstream's `labels.Matcher.String()`: `name="value"` with OpenMetrics
    /// escaping; if the name contains whitespace or one of
    /// ``{ } ! = ~ , \ " ' ` `` both name and value are `strconv.Quote`d.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.chars().any(is_reserved) {
            write_go_quote(f, &self.name)?;
            f.write_str(self.kind.as_str())?;
            return write_go_quote(f, &self.value);
        }
        f.write_str(&self.name)?;
        f.write_str(self.kind.as_str())?;
        f.write_str("\"")?;
        write_openmetrics_escaped(f, &self.value)?;
        f.write_str("\"")
    }
}

/// A list of matchers, all of which must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Matchers(pub Vec<Matcher>);

impl Matchers {
    pub fn matches<L: LabelView>(&self, labels: &L) -> bool {
        self.0.iter().all(|m| m.matches_labels(labels))
    }

    /// Sorts in upstream's order (see [`compare_matchers`]).
    pub fn sort(&mut self) {
        sort_matchers(&mut self.0);
    }
}

impl From<Vec<Matcher>> for Matchers {
    fn from(matchers: Vec<Matcher>) -> Self {
        Matchers(matchers)
    }
}

impl fmt::Display for Matchers {
    /// `{a="1",b=~"x"}` — the form used in route keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{m}")?;
        }
        f.write_str("}")
    }
}

/// Whether `name` is a valid label name in `mode` (upstream's
/// `compat.IsValidLabelName`): the classic charset `[a-zA-Z_][a-zA-Z0-9_]*`
/// in classic mode, any non-empty string otherwise.
pub fn is_valid_label_name(name: &str, mode: ParseMode) -> bool {
    match mode {
        ParseMode::Classic => is_valid_legacy_label_name(name),
        ParseMode::Fallback | ParseMode::Utf8Strict => !name.is_empty(),
    }
}

/// What the fallback mode had to do; upstream logs a warning for both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FallbackNote {
    /// Only the classic parser accepted the input. `suggestion` is the
    /// result printed in a form the UTF-8 parser accepts.
    ClassicOnly {
        utf8_error: MatcherError,
        suggestion: String,
    },
    /// Both parsers accepted the input but read it differently; the classic
    /// result was used.
    Disagreement,
}

/// A parse result, with a note when fallback mode did not simply use the
/// UTF-8 parser's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed<T> {
    pub value: T,
    pub fallback: Option<FallbackNote>,
}

/// Compiled regexes shared by the parsers of one parse call, so fallback
/// mode compiles each regex once although both parsers build matchers.
#[derive(Default)]
struct RegexCache(HashMap<String, Result<GoRegex, RegexError>>);

impl RegexCache {
    fn matcher(
        &mut self,
        kind: MatchType,
        name: String,
        value: String,
    ) -> Result<Matcher, RegexError> {
        let re = if kind.is_regex() {
            let compiled = self
                .0
                .entry(value.clone())
                .or_insert_with(|| GoRegex::new_anchored(&value))
                .clone()?;
            Some(compiled)
        } else {
            None
        };
        Ok(Matcher {
            name,
            value,
            kind,
            re,
        })
    }
}

/// Parse a list of matchers (`{a="b", c=~"d"}` or `a=b,c=~d`) in `mode`.
pub fn parse_matchers(input: &str, mode: ParseMode) -> Result<Vec<Matcher>, MatcherError> {
    parse_matchers_with_note(input, mode).map(|parsed| parsed.value)
}

/// Parse exactly one matcher (API `filter=`, amtool arguments): braces are rejected.
pub fn parse_matcher(input: &str, mode: ParseMode) -> Result<Matcher, MatcherError> {
    parse_matcher_with_note(input, mode).map(|parsed| parsed.value)
}

fn from_utf8_error(e: utf8::SyntaxError) -> MatcherError {
    MatcherError {
        message: e.message,
        offset: e.offset,
    }
}

/// [`parse_matchers`], also reporting what fallback mode did.
pub fn parse_matchers_with_note(
    input: &str,
    mode: ParseMode,
) -> Result<Parsed<Vec<Matcher>>, MatcherError> {
    let mut cache = RegexCache::default();
    let plain = |value| {
        Ok(Parsed {
            value,
            fallback: None,
        })
    };
    match mode {
        ParseMode::Utf8Strict => utf8::parse_matchers(input, &mut cache)
            .map_err(from_utf8_error)
            .and_then(plain),
        ParseMode::Classic => classic::parse_matchers(input, &mut cache)
            .map_err(MatcherError::new)
            .and_then(plain),
        ParseMode::Fallback => {
            let new = utf8::parse_matchers(input, &mut cache);
            let old = classic::parse_matchers(input, &mut cache);
            match (new, old) {
                (Err(_), Err(classic_error)) => Err(MatcherError::new(classic_error)),
                (Err(utf8_error), Ok(value)) => {
                    let suggestion = value
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(",");
                    let utf8_error = from_utf8_error(utf8_error);
                    Ok(Parsed {
                        value,
                        fallback: Some(FallbackNote::ClassicOnly {
                            utf8_error,
                            suggestion,
                        }),
                    })
                }
                // Upstream compares a nil list with an empty one as different.
                (Ok(new), Ok(value)) if new != value || new.is_empty() => Ok(Parsed {
                    value,
                    fallback: Some(FallbackNote::Disagreement),
                }),
                (Ok(value), _) => plain(value),
            }
        }
    }
}

fn reject_braces(input: &str) -> Result<(), MatcherError> {
    if input.starts_with('{') || input.ends_with('}') {
        return Err(MatcherError::new(format!(
            "unexpected open or close brace: {input}"
        )));
    }
    Ok(())
}

/// [`parse_matcher`], also reporting what fallback mode did.
pub fn parse_matcher_with_note(
    input: &str,
    mode: ParseMode,
) -> Result<Parsed<Matcher>, MatcherError> {
    let mut cache = RegexCache::default();
    let plain = |value| {
        Ok(Parsed {
            value,
            fallback: None,
        })
    };
    match mode {
        ParseMode::Classic => classic::parse_matcher(input, &mut cache)
            .map_err(MatcherError::new)
            .and_then(plain),
        ParseMode::Utf8Strict => {
            reject_braces(input)?;
            utf8::parse_matcher(input, &mut cache)
                .map_err(from_utf8_error)
                .and_then(plain)
        }
        ParseMode::Fallback => {
            reject_braces(input)?;
            let new = utf8::parse_matcher(input, &mut cache);
            let old = classic::parse_matcher(input, &mut cache);
            match (new, old) {
                (Err(_), Err(classic_error)) => Err(MatcherError::new(classic_error)),
                (Err(utf8_error), Ok(value)) => {
                    let suggestion = value.to_string();
                    let utf8_error = from_utf8_error(utf8_error);
                    Ok(Parsed {
                        value,
                        fallback: Some(FallbackNote::ClassicOnly {
                            utf8_error,
                            suggestion,
                        }),
                    })
                }
                (Ok(new), Ok(value)) if new != value => Ok(Parsed {
                    value,
                    fallback: Some(FallbackNote::Disagreement),
                }),
                (Ok(value), _) => plain(value),
            }
        }
    }
}

#[cfg(test)]
mod tests;
