//! The handful of Go `unicode` predicates whose answers leak into observable
//! output: `IsPrint` (what `strconv.Quote` leaves unescaped), `IsLetter` and
//! `IsDigit` (what `regexp.Expand` accepts in a `$name`).
//!
//! The tables are built once, on first use, from the Unicode data that
//! `regex-syntax` already carries, so no second copy of the Unicode database
//! is compiled in. That data may be a Unicode version or two newer than the
//! Go release Alertmanager was built with; only code points assigned in
//! between can answer differently.

use std::sync::LazyLock;

/// Sorted, non-overlapping inclusive ranges of code points.
struct RangeTable(Vec<(char, char)>);

impl RangeTable {
    /// Builds the table from a bracketed class of `\p{..}` items.
    fn from_class(class: &str) -> Self {
        let hir = regex_syntax::ParserBuilder::new().build().parse(class).ok();
        let ranges = match hir.as_ref().map(regex_syntax::hir::Hir::kind) {
            Some(regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c))) => {
                c.ranges().iter().map(|r| (r.start(), r.end())).collect()
            }
            // The classes below are fixed and valid; an empty table would
            // only make the predicates answer `false`.
            _ => Vec::new(),
        };
        RangeTable(ranges)
    }

    fn contains(&self, c: char) -> bool {
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

static GRAPHIC: LazyLock<RangeTable> =
    LazyLock::new(|| RangeTable::from_class(r"[\p{L}\p{M}\p{N}\p{P}\p{S}]"));
static LETTER: LazyLock<RangeTable> = LazyLock::new(|| RangeTable::from_class(r"[\p{L}]"));
static DIGIT: LazyLock<RangeTable> = LazyLock::new(|| RangeTable::from_class(r"[\p{Nd}]"));

/// Go's `unicode.IsPrint` / `strconv.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space (no other spaces).
pub fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    GRAPHIC.contains(c)
}

/// Go's `unicode.IsLetter` (general category L).
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    LETTER.contains(c)
}

/// Go's `unicode.IsDigit` (general category Nd).
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    DIGIT.contains(c)
}

/// Go's `unicode.IsSpace`, which is exactly Unicode's White_Space property,
/// as is Rust's `char::is_whitespace`.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_follows_go_categories() {
        assert!(is_print('a') && is_print(' ') && is_print('~') && is_print('é'));
        assert!(is_print('🙂') && is_print('\u{0301}'));
        assert!(!is_print('\u{7f}') && !is_print('\n') && !is_print('\u{a0}'));
        assert!(!is_print('\u{ad}') && !is_print('\u{2028}') && !is_print('\u{feff}'));
        assert!(!is_print('\u{e000}') && !is_print('\u{10ffff}'));
    }

    #[test]
    fn letters_and_digits() {
        assert!(is_letter('x') && is_letter('Σ') && !is_letter('_') && !is_letter('1'));
        assert!(is_digit('7') && is_digit('٣') && !is_digit('½') && !is_digit('a'));
    }

    #[test]
    fn spaces_are_go_spaces() {
        for c in [
            '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}',
        ] {
            assert!(is_space(c), "{c:?}");
        }
        assert!(!is_space('\u{200b}') && !is_space('x'));
    }
}
