//! Upstream's `notify.TruncateInRunes` and `notify.TruncateInBytes`: cut a
//! rendered field to a provider's limit and end it with `…`, reporting
//! whether anything was cut so the caller can log it. No other module
//! decides how text is shortened.

/// What replaces the cut-off part.
pub const TRUNCATION_MARKER: &str = "…";

/// At most `n` characters (Unicode scalar values, Go's runes); when cut, the
/// last kept character is replaced by `…` (for `n <= 3`, the first `n`
/// characters without a marker).
pub fn truncate_in_runes(s: &str, n: usize) -> (String, bool) {
    let Some((cut_at, _)) = s.char_indices().nth(n) else {
        return (s.to_owned(), false);
    };
    if n <= 3 {
        return (s[..cut_at].to_owned(), true);
    }
    let keep = s.char_indices().nth(n - 1).map_or(s.len(), |(i, _)| i);
    (format!("{}{TRUNCATION_MARKER}", &s[..keep]), true)
}

/// At most `n` bytes without splitting a character; when cut, the text ends
/// with `…` (3 bytes). Below 4 bytes there is no room for text: `…` for 3,
/// dots for fewer.
pub fn truncate_in_bytes(s: &str, n: usize) -> (String, bool) {
    if s.len() <= n {
        return (s.to_owned(), false);
    }
    if n <= 3 {
        return (
            if n == 3 {
                TRUNCATION_MARKER.to_owned()
            } else {
                ".".repeat(n)
            },
            true,
        );
    }
    let target = n - 3;
    let mut keep = target;
    while !s.is_char_boundary(keep) {
        keep -= 1;
    }
    (format!("{}{TRUNCATION_MARKER}", &s[..keep]), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values produced by Go 1.19 running upstream's two functions
    // (`❤️` is two runes: the heart and a variation selector).
    #[test]
    fn runes() {
        let cases: &[(&str, usize, &str, bool)] = &[
            ("", 5, "", false),
            ("abcde", 2, "ab", true),
            ("abcde", 4, "abc…", true),
            ("abcde", 5, "abcde", false),
            ("abcdefgh", 5, "abcd…", true),
            ("a⌘cde", 5, "a⌘cde", false),
            ("a⌘cdef", 5, "a⌘cd…", true),
            ("世界cdef", 3, "世界c", true),
            (
                "❤️✅🚀🔥❌❤️✅🚀🔥❌❤️✅🚀🔥❌❤️✅🚀🔥❌",
                19,
                "❤️✅🚀🔥❌❤️✅🚀🔥❌❤️✅🚀🔥❌…",
                true,
            ),
        ];
        for (input, n, want, cut) in cases {
            assert_eq!(
                truncate_in_runes(input, *n),
                ((*want).to_owned(), *cut),
                "{input} {n}"
            );
        }
    }

    #[test]
    fn bytes() {
        let cases: &[(&str, usize, &str, bool)] = &[
            ("", 5, "", false),
            ("abcde", 2, "..", true),
            ("abcde", 3, "…", true),
            ("abcde", 4, "a…", true),
            ("abcde", 5, "abcde", false),
            ("abcdefgh", 5, "ab…", true),
            ("a⌘cde", 5, "a…", true),
            ("a⌘cdef", 7, "a⌘…", true),
            ("世界cdef", 10, "世界cdef", false),
            ("世界cdef", 8, "世…", true),
            ("❤️✅🚀🔥❌", 18, "❤️✅🚀…", true),
        ];
        for (input, n, want, cut) in cases {
            assert_eq!(
                truncate_in_bytes(input, *n),
                ((*want).to_owned(), *cut),
                "{input} {n}"
            );
        }
    }
}
