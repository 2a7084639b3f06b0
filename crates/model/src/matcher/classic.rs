//! The classic matcher syntax (`pkg/labels/parse.go`), Alertmanager's only
//! syntax before 0.27 and still the fallback: a forgiving, regex-shaped
//! parser. Label names are `[a-zA-Z_:][a-zA-Z0-9_:]*`; values may be bare
//! or double-quoted and use OpenMetrics escapes (`\\`, `\n`, `\"`), with any
//! other backslash kept literally.

use super::{MatchType, Matcher, RegexCache};

/// Upstream's message for a failed classic parse.
pub(super) type ClassicError = String;

/// `labels.ParseMatchers`: optional `{`/`}` trimmed, split on commas outside
/// double quotes, each part parsed with [`parse_matcher`].
pub(super) fn parse_matchers(
    input: &str,
    cache: &mut RegexCache,
) -> Result<Vec<Matcher>, ClassicError> {
    let s = input.strip_prefix('{').unwrap_or(input);
    let s = s.strip_suffix('}').unwrap_or(s);
    let mut tokens: Vec<String> = Vec::new();
    let mut token = String::new();
    let mut inside_quotes = false;
    let mut escaped = false;
    for c in s.chars() {
        match c {
            ',' if !inside_quotes => {
                tokens.push(std::mem::take(&mut token));
                continue;
            }
            ',' => {}
            '"' => {
                if escaped {
                    escaped = false;
                } else {
                    inside_quotes = !inside_quotes;
                }
            }
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
        token.push(c);
    }
    let last = token.trim();
    if !last.is_empty() {
        tokens.push(last.to_owned());
    }
    tokens.iter().map(|t| parse_matcher(t, cache)).collect()
}

/// Go's `\s` (no vertical tab).
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// `labels.ParseMatcher`: the regex
/// `^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$`, then the
/// value's optional quotes and OpenMetrics escapes.
pub(super) fn parse_matcher(input: &str, cache: &mut RegexCache) -> Result<Matcher, ClassicError> {
    let bad_format = || format!("bad matcher format: {input}");
    let rest = input.trim_start_matches(is_go_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| {
            let allowed =
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit());
            !allowed
        })
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return Err(bad_format());
    }
    let (name, rest) = rest.split_at(name_len);
    let rest = rest.trim_start_matches(is_go_space);
    let (kind, rest) = if let Some(r) = rest.strip_prefix("=~") {
        (MatchType::Regexp, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchType::Equal, r)
    } else if let Some(r) = rest.strip_prefix("!=") {
        (MatchType::NotEqual, r)
    } else if let Some(r) = rest.strip_prefix("!~") {
        (MatchType::NotRegexp, r)
    } else {
        return Err(bad_format());
    };
    let raw = rest.trim_matches(is_go_space);
    let value = unescape_value(raw)?;
    cache
        .matcher(kind, name.to_owned(), value)
        .map_err(|e| e.message)
}

/// Strips an opening quote (which then must be closed at the very end) and
/// applies OpenMetrics unescaping.
fn unescape_value(raw: &str) -> Result<String, ClassicError> {
    let unescaped_quote = || format!("matcher value contains unescaped double quote: {raw}");
    let (body, mut expect_trailing_quote) = match raw.strip_prefix('"') {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let mut value = String::with_capacity(body.len());
    let mut escaped = false;
    let last = body.len().saturating_sub(1);
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
            match c {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(c),
                _ => {
                    // A spurious escape: the backslash is literal.
                    value.push('\\');
                    value.push(c);
                }
            }
            continue;
        }
        match c {
            '\\' if i < last => escaped = true,
            '\\' => value.push('\\'),
            '"' => {
                if !expect_trailing_quote || i < last {
                    return Err(unescaped_quote());
                }
                expect_trailing_quote = false;
            }
            _ => value.push(c),
        }
    }
    if expect_trailing_quote {
        return Err(unescaped_quote());
    }
    Ok(value)
}
