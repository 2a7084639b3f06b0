//! Go RE2 regular expressions on top of the `regex` crate.
//!
//! A pattern is parsed with Go's `regexp/syntax` rules by [`syntax`], which
//! reports Go's exact errors and prints an equivalent `regex` pattern (the
//! places where the two dialects disagree are listed in
//! shared/reference/rust-crates.md §4). This module compiles that pattern and
//! offers the Go operations alerting needs: `MatchString`, and
//! `ReplaceAllString` with Go's `$1` / `${name}` template rules.

mod compiled;
mod syntax;
mod unicode_names;

use std::sync::Arc;

use crate::gounicode;

/// A compiled regular expression with Go RE2 syntax and semantics.
#[derive(Clone, Debug)]
pub struct GoRegex {
    source: String,
    anchored: bool,
    re: regex::Regex,
    /// Go's `SubexpNames()`: index 0 is the whole match.
    capture_names: Arc<[Option<String>]>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct RegexError {
    /// Go-style message, e.g. ``error parsing regexp: missing closing ): `(a` ``.
    pub message: String,
}

/// Compiled-program budget for the `regex` crate. Go's own limit is about
/// 3.3 million instructions; this leaves room for the bigger UTF-8 automata
/// the `regex` crate builds for Unicode classes.
const SIZE_LIMIT: usize = 64 << 20;
/// Go nests up to 1000 levels; the printed pattern may add one group per level.
const NEST_LIMIT: u32 = 2100;
/// The `regex` crate compiles recursively: patterns nested deeper than this
/// are compiled on a helper thread with [`DEEP_STACK`] bytes of stack, so a
/// legal Go pattern cannot overflow a small (e.g. async worker) stack.
const SHALLOW_DEPTH: u32 = 64;
const DEEP_STACK: usize = 16 << 20;

impl GoRegex {
    /// Compile `pattern` anchored as Alertmanager does: `^(?:pattern)$`.
    /// Errors quote the anchored text, as Go's do.
    pub fn new_anchored(pattern: &str) -> Result<Self, RegexError> {
        compiled::cached(pattern, true, || {
            Self::compile(pattern, &format!("^(?:{pattern})$"), true)
        })
    }

    /// Compile `pattern` unanchored (Go `regexp.Compile`).
    pub fn new(pattern: &str) -> Result<Self, RegexError> {
        compiled::cached(pattern, false, || Self::compile(pattern, pattern, false))
    }

    fn compile(source: &str, go_pattern: &str, anchored: bool) -> Result<Self, RegexError> {
        let go_error = |code: &str, expr: &str| RegexError {
            message: format!("error parsing regexp: {code}: `{expr}`"),
        };
        let translation =
            syntax::translate(go_pattern).map_err(|e| go_error(e.code.as_str(), &e.expr))?;
        let build = || {
            regex::RegexBuilder::new(&translation.pattern)
                .size_limit(SIZE_LIMIT)
                .nest_limit(NEST_LIMIT)
                .build()
        };
        let built = if translation.depth > SHALLOW_DEPTH {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .stack_size(DEEP_STACK)
                    .spawn_scoped(scope, build)
                    .ok()
                    .and_then(|handle| handle.join().ok())
            })
        } else {
            Some(build())
        };
        let re = match built {
            Some(Ok(re)) => re,
            Some(Err(regex::Error::CompiledTooBig(_))) => {
                return Err(go_error(syntax::ErrorCode::Large.as_str(), go_pattern));
            }
            Some(Err(_)) | None => {
                return Err(go_error(
                    syntax::ErrorCode::InternalError.as_str(),
                    go_pattern,
                ));
            }
        };
        Ok(GoRegex {
            source: source.to_owned(),
            anchored,
            re,
            capture_names: translation.capture_names.into(),
        })
    }

    /// The pattern as the user wrote it (without added anchors).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Go's `MatchString`: does the pattern match anywhere in `s` (the whole
    /// of `s` for an anchored regex)? Does not allocate.
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }

    /// The complete set of strings an anchored regex matches, when that set
    /// is finite and has at most `limit` members — `a|b|c`, `(?i)ab`,
    /// `host-[12]` — so callers can index the matcher like equalities. The
    /// set may contain strings the regex rejects (look-arounds such as `\b`
    /// are ignored), never the other way round: callers must still run the
    /// matcher on what the index finds. `None` for unanchored regexes and
    /// for anything open-ended (`.*`, `a+`) or larger than `limit`.
    pub fn exact_matches(&self, limit: usize) -> Option<Vec<String>> {
        if !self.anchored {
            return None;
        }
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(self.re.as_str())
            .ok()?;
        let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
        if !seq.is_exact() {
            return None;
        }
        let literals = seq.literals()?;
        if literals.len() > limit {
            return None;
        }
        let mut out: Vec<String> = literals
            .iter()
            .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
            .collect::<Option<_>>()?;
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The underlying Rust regex (already translated and anchored as requested).
    /// Its capture groups have Go's numbering but no names; see
    /// [`GoRegex::capture_names`].
    pub fn regex(&self) -> &regex::Regex {
        &self.re
    }

    /// Go's `SubexpNames()`: one entry per group including group 0 (the
    /// whole match); `None` for unnamed groups.
    pub fn capture_names(&self) -> impl ExactSizeIterator<Item = Option<&str>> {
        self.capture_names.iter().map(Option::as_deref)
    }

    /// Go's `ReplaceAllString`: every match of the regex in `src` is replaced
    /// by `template`, in which `$1`, `$name`, `${1}` and `${name}` expand to
    /// the submatch and `$$` to `$` (Go's `Expand` rules: a name is the
    /// longest run of letters, digits and `_`, so `$1x` names group `1x`;
    /// unknown or unmatched groups expand to nothing).
    pub fn replace_all(&self, src: &str, template: &str) -> String {
        if !template.contains('$') {
            return self.replace_all_literal(src, template);
        }
        self.replace_with(
            src,
            |search_pos| self.re.captures_at(src, search_pos),
            |out, caps| self.expand_into(out, template, caps),
        )
    }

    /// Go's `ReplaceAllLiteralString`: like [`GoRegex::replace_all`] but the
    /// replacement is inserted as is, without `$` expansion.
    pub fn replace_all_literal(&self, src: &str, replacement: &str) -> String {
        self.replace_with(
            src,
            |search_pos| self.re.captures_at(src, search_pos),
            |out, _| out.push_str(replacement),
        )
    }

    /// Go's `replaceAll` loop: an empty match right after a previous match
    /// is not replaced, and the search always advances by at least one
    /// character.
    fn replace_with<'s, F, R>(&self, src: &'s str, mut find: F, mut replace: R) -> String
    where
        F: FnMut(usize) -> Option<regex::Captures<'s>>,
        R: FnMut(&mut String, &regex::Captures<'s>),
    {
        let mut out = String::with_capacity(src.len());
        let mut last_match_end = 0;
        let mut search_pos = 0;
        while search_pos <= src.len() {
            let Some(caps) = find(search_pos) else {
                break;
            };
            let Some(whole) = caps.get(0) else {
                break;
            };
            let (start, end) = (whole.start(), whole.end());
            out.push_str(src.get(last_match_end..start).unwrap_or(""));
            if end > last_match_end || start == 0 {
                replace(&mut out, &caps);
            }
            last_match_end = end;
            let width = src
                .get(search_pos..)
                .and_then(|r| r.chars().next())
                .map_or(0, char::len_utf8);
            if search_pos + width > end {
                search_pos += width;
            } else if search_pos + 1 > end {
                search_pos += 1;
            } else {
                search_pos = end;
            }
        }
        out.push_str(src.get(last_match_end..).unwrap_or(""));
        out
    }

    /// Go's `Regexp.Expand` for one match.
    fn expand_into(&self, out: &mut String, template: &str, caps: &regex::Captures<'_>) {
        let mut rest = template;
        while let Some(dollar) = rest.find('$') {
            out.push_str(&rest[..dollar]);
            rest = &rest[dollar + 1..];
            if let Some(after) = rest.strip_prefix('$') {
                out.push('$');
                rest = after;
                continue;
            }
            let Some((name, after)) = extract_group_name(rest) else {
                out.push('$');
                continue;
            };
            rest = after;
            let group = match group_number(name) {
                Some(index) => caps.get(index),
                None => self
                    .capture_names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.as_deref() == Some(name))
                    .find_map(|(index, _)| caps.get(index)),
            };
            if let Some(m) = group {
                out.push_str(m.as_str());
            }
        }
        out.push_str(rest);
    }
}

/// Go's `extract`: a leading `name` or `{name}` (letters, digits, `_`).
fn extract_group_name(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(gounicode::is_letter(c) || gounicode::is_digit(c) || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let rest = &body[end..];
    if braced {
        return rest.strip_prefix('}').map(|after| (name, after));
    }
    Some((name, rest))
}

/// A group name that is a number in Go's sense: ASCII digits, no leading
/// zero, below 10^8.
fn group_number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    let mut n: usize = 0;
    for b in name.bytes() {
        if n >= 100_000_000 {
            return None;
        }
        n = n * 10 + usize::from(b - b'0');
    }
    Some(n)
}

impl PartialEq for GoRegex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.anchored == other.anchored
    }
}

impl Eq for GoRegex {}

#[cfg(test)]
mod tests;
