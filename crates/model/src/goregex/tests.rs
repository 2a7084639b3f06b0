//! Unit tests for behaviour the Go 1.19 oracle on this machine cannot show:
//! syntax added in later Go releases (cases taken from Go's own
//! `regexp/syntax/parse_test.go`), Go's size limits (reported as
//! `expression too large` since Go 1.20), and this crate's own API.
//! The bulk of the Go comparison lives in `tests/go_differential.rs`.

use super::*;

fn matches(pattern: &str, input: &str) -> bool {
    GoRegex::new_anchored(pattern)
        .unwrap_or_else(|e| panic!("{pattern:?} should compile: {e}"))
        .is_match(input)
}

#[test]
fn named_groups_in_dotnet_form_are_accepted() {
    // Go 1.22+: `(?<name>expr)` like `(?P<name>expr)`.
    let re = GoRegex::new("(?<first>a)(?P<second>b)").expect("compiles");
    assert_eq!(
        re.capture_names().collect::<Vec<_>>(),
        [None, Some("first"), Some("second")]
    );
    assert_eq!(re.replace_all("ab", "$second$first"), "ba");
    for (bad, expr) in [
        ("(?<name>a", "(?<name>a"),
        ("(?<x y>a)", "(?<x y>"),
        ("(?<>a)", "(?<>"),
    ] {
        let err = GoRegex::new(bad).expect_err(bad).message;
        let code = if bad == "(?<name>a" {
            "missing closing )"
        } else {
            "invalid named capture"
        };
        assert_eq!(err, format!("error parsing regexp: {code}: `{expr}`"));
    }
    // Lookbehind is not supported: the text up to `>` is taken as a name.
    assert_eq!(
        GoRegex::new("(?<=a)b").expect_err("lookbehind").message,
        "error parsing regexp: invalid named capture: `(?<=a)b`"
    );
}

#[test]
fn unicode_class_names_follow_go_1_25() {
    // Case-insensitive names ignoring `_`, `-` and spaces; category aliases;
    // Any, Assigned, ASCII; LC and Cn.
    assert!(matches(r"\p{Uppercase_Letter}", "A") && !matches(r"\p{Uppercase_Letter}", "a"));
    assert!(matches(r"\p{upper case-let ter}", "Ä"));
    assert!(matches(r"\p{__upper case-let ter}", "Ä"));
    assert!(matches(r"\p{greek}", "α") && matches(r"\p{old italic}", "\u{10300}"));
    assert!(matches(r"\pl", "x"));
    assert!(matches(r"\p{Letter}+", "héllo") && matches(r"\p{digit}", "٣"));
    assert!(matches(r"\p{Any}", "\n") && !matches(r"\p{^Any}", "a"));
    assert!(matches(r"(?i)\p{ascii}", "\u{17f}") && !matches(r"\p{ascii}", "\u{17f}"));
    assert!(matches(r"\p{Assigned}", "a") && !matches(r"\p{Assigned}", "\u{378}"));
    assert!(matches(r"\p{^Assigned}", "\u{378}") && matches(r"\p{Cn}", "\u{378}"));
    assert!(matches(r"\p{LC}", "a") && !matches(r"\p{LC}", "ª"));
    assert!(!matches(r"\p{Cs}", "a") && matches(r"\P{Cs}", "a"));
    assert_eq!(
        GoRegex::new(r"\p{Lettre}").expect_err("unknown").message,
        "error parsing regexp: invalid character class range: `\\p{Lettre}`"
    );
}

#[test]
fn go_size_limits_use_the_modern_error_code() {
    let too_long = format!("({}){{1000}}", "(xx?)".repeat(1000));
    assert_eq!(
        GoRegex::new(&too_long).expect_err("too long").message,
        format!("error parsing regexp: expression too large: `{too_long}`")
    );
    let too_deep = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
    assert_eq!(
        GoRegex::new(&too_deep).expect_err("too deep").message,
        format!("error parsing regexp: expression nests too deeply: `{too_deep}`")
    );
    let deep_enough = format!("{}{}", "(".repeat(999), ")".repeat(999));
    assert!(GoRegex::new(&deep_enough).is_ok());
    // The anchoring group adds a level, as in Go.
    assert!(GoRegex::new_anchored(&deep_enough).is_err());
    let wide = format!("({})", "|".repeat(12345));
    assert!(GoRegex::new(&wide).is_ok());
}

#[test]
fn anchoring_wraps_the_pattern_textually() {
    // `^(?:a)|(b)$`: Alertmanager's anchoring is plain string concatenation.
    let re = GoRegex::new_anchored("a)|(b").expect("valid once wrapped");
    assert!(re.is_match("a") && re.is_match("b") && !re.is_match("x"));
    assert!(
        re.is_match("a-anything"),
        "`^(?:a)` alone is only anchored at the start"
    );
    assert!(
        re.is_match("anything-b"),
        "`(b)$` alone is only anchored at the end"
    );
    assert_eq!(re.as_str(), "a)|(b");
    assert!(
        GoRegex::new("a)|(b").is_err(),
        "unanchored it is unbalanced"
    );
    assert_ne!(GoRegex::new("a").ok(), GoRegex::new_anchored("a").ok());
    assert_eq!(GoRegex::new("a").ok(), GoRegex::new("a").ok());
}

#[test]
fn replace_all_literal_does_not_expand() {
    let re = GoRegex::new("a(x*)b").expect("compiles");
    assert_eq!(re.replace_all_literal("-axb-", "$1"), "-$1-");
    assert_eq!(re.replace_all("-axb-", "$1"), "-x-");
}

#[test]
fn escapes_resolve_to_go_meaning() {
    assert!(matches(r"\x{263a}\101\0", "☺A\0"));
    assert!(matches(r"[\x{D800}-\x{E000}]", "\u{e000}"));
    assert!(!matches(r"[\x{D800}-\x{DFFF}]", "\u{fffd}"));
    assert!(matches(r"\Q(?i)\E", "(?i)"));
}

// `exact_matches`: the finite sets of strings an anchored regex matches.
fn exact(p: &str) -> Option<Vec<String>> {
    GoRegex::new_anchored(p).expect("valid").exact_matches(16)
}

#[test]
fn finite_patterns_list_every_string_they_match() {
    assert_eq!(
        exact("svc1|svc1-canary"),
        Some(vec!["svc1".into(), "svc1-canary".into()])
    );
    assert_eq!(
        exact("host-[12]"),
        Some(vec!["host-1".into(), "host-2".into()])
    );
    assert_eq!(exact("(?i)ab").map(|v| v.len()), Some(4));
    assert_eq!(exact("a"), Some(vec!["a".into()]));
}

#[test]
fn open_ended_or_large_patterns_are_not_listed() {
    for p in [
        ".*",
        "a+",
        "svc.+",
        "[a-z]",
        "a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q",
    ] {
        assert_eq!(exact(p), None, "{p}");
    }
    assert_eq!(GoRegex::new("a|b").expect("valid").exact_matches(16), None);
}

#[test]
fn listed_strings_cover_every_match() {
    let re = GoRegex::new_anchored("x(1|22|333)y?").expect("valid");
    let listed = re.exact_matches(16).expect("finite");
    for s in ["x1", "x22y", "x333", "x333y", "x4", "x1yy"] {
        assert_eq!(re.is_match(s), listed.iter().any(|l| l == s), "{s}");
    }
}
