//! Matching, printing and ordering. Parsing in every mode is covered by
//! `tests/matcher_parsing.rs`.

use super::*;
use crate::LabelSet;

fn m(kind: MatchType, name: &str, value: &str) -> Matcher {
    Matcher::new(kind, name, value).unwrap_or_else(|e| panic!("{name}{kind}{value:?}: {e}"))
}

/// Cases of upstream's `pkg/labels/matcher_test.go` `TestMatcher`.
#[test]
fn matching_follows_upstream() {
    use MatchType::*;
    let cases: &[(MatchType, &str, &str, bool)] = &[
        (Equal, "bar", "bar", true),
        (Equal, "bar", "foo-bar", false),
        (NotEqual, "bar", "bar", false),
        (NotEqual, "bar", "foo-bar", true),
        (Regexp, "bar", "bar", true),
        (Regexp, "bar", "foo-bar", false),
        (Regexp, ".*bar", "foo-bar", true),
        (NotRegexp, "bar", "bar", false),
        (NotRegexp, "bar", "foo-bar", true),
        (NotRegexp, ".*bar", "foo-bar", false),
        (Regexp, "foo.bar", "foo-bar", true),
        (Regexp, r"foo\.bar", "foo-bar", false),
        (Regexp, r"foo\.bar", "foo.bar", true),
        (Equal, "foo\nbar", "foo\nbar", true),
        (Regexp, "foo.bar", "foo\nbar", false),
        (Regexp, "(?s)foo.bar", "foo\nbar", true),
        (Equal, "~!=\"", "~!=\"", true),
    ];
    for (kind, value, input, want) in cases {
        assert_eq!(
            m(*kind, "", value).matches(input),
            *want,
            "{kind}{value:?} on {input:?}"
        );
    }
}

#[test]
fn absent_labels_match_as_empty() {
    let labels: LabelSet = [("job", "api")].into_iter().collect();
    assert!(m(MatchType::Equal, "env", "").matches_labels(&labels));
    assert!(m(MatchType::Regexp, "env", "|prod").matches_labels(&labels));
    assert!(!m(MatchType::NotEqual, "env", "").matches_labels(&labels));
    assert!(m(MatchType::NotRegexp, "env", ".+").matches_labels(&labels));
    let all = Matchers(vec![
        m(MatchType::Equal, "job", "api"),
        m(MatchType::Equal, "env", ""),
    ]);
    assert!(all.matches(&labels));
    assert!(!Matchers(vec![m(MatchType::Equal, "env", "prod")]).matches(&labels));
    assert!(Matchers::default().matches(&labels));
}

#[test]
fn regex_matchers_are_anchored_with_go_semantics() {
    let re = m(MatchType::Regexp, "a", "foo|bar");
    assert!(re.matches("foo") && re.matches("bar") && !re.matches("foobar") && !re.matches("xfoo"));
    assert!(m(MatchType::Regexp, "a", r"\d+").matches("42"));
    assert!(
        !m(MatchType::Regexp, "a", r"\d+").matches("٤٢"),
        "\\d is ASCII-only in Go"
    );
    assert_eq!(re.regex().map(GoRegex::as_str), Some("foo|bar"));
    assert!(m(MatchType::Equal, "a", "x").regex().is_none());
    assert_eq!(
        Matcher::new(MatchType::Regexp, "a", "(")
            .expect_err("invalid")
            .message,
        "error parsing regexp: missing closing ): `^(?:()$`"
    );
}

/// Cases of upstream's `TestMatcherString`, plus quoting of values when the
/// name forces the quoted form.
#[test]
fn display_follows_upstream() {
    use MatchType::*;
    let cases: &[(&str, MatchType, &str, &str)] = &[
        ("foo", Equal, "bar", r#"foo="bar""#),
        ("foo", NotEqual, "bar", r#"foo!="bar""#),
        ("foo", Regexp, "bar", r#"foo=~"bar""#),
        ("foo", NotRegexp, "bar", r#"foo!~"bar""#),
        ("foo", Equal, r"back\slash", r#"foo="back\\slash""#),
        ("foo", Equal, r#"double"quote"#, r#"foo="double\"quote""#),
        ("foo", Equal, "new\nline", r#"foo="new\nline""#),
        ("foo", Equal, "tab\tstop", "foo=\"tab\tstop\""),
        ("foo", Equal, "🙂", "foo=\"🙂\""),
        ("foo!", NotEqual, "bar", r#""foo!"!="bar""#),
        ("foo🙂", Equal, "bar", r#"foo🙂="bar""#),
        ("foo bar", Equal, "baz", r#""foo bar"="baz""#),
        (
            "a\u{a0}b",
            Equal,
            "tab\t\u{7f}🙂",
            r#""a\u00a0b"="tab\t\x7f🙂""#,
        ),
        ("", Equal, "x", r#"="x""#),
    ];
    for (name, kind, value, want) in cases {
        assert_eq!(m(*kind, name, value).to_string(), *want);
    }
    let list = Matchers(vec![m(Equal, "a", "1"), m(Regexp, "b", "x")]);
    assert_eq!(list.to_string(), r#"{a="1",b=~"x"}"#);
    assert_eq!(Matchers::default().to_string(), "{}");
}

/// Upstream's `labels.Matchers.Less`: name, then value, then type.
#[test]
fn sort_order_follows_upstream() {
    use MatchType::*;
    let mut list = Matchers(vec![
        m(NotRegexp, "b", "1"),
        m(Equal, "b", "1"),
        m(Equal, "a", "2"),
        m(Regexp, "b", "1"),
        m(Equal, "B", "9"),
        m(NotEqual, "b", "1"),
        m(Equal, "a", "10"),
        m(Equal, "é", "0"),
    ]);
    list.sort();
    assert_eq!(
        list.to_string(),
        r#"{B="9",a="10",a="2",b="1",b!="1",b=~"1",b!~"1",é="0"}"#
    );
    assert_eq!(
        compare_matchers(&m(Equal, "a", "x"), &m(Equal, "a", "x")),
        Ordering::Equal
    );
}

#[test]
fn equality_ignores_the_compiled_regex() {
    let a = m(MatchType::Regexp, "a", "x+");
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, m(MatchType::NotRegexp, "a", "x+"));
    assert_ne!(a, m(MatchType::Regexp, "b", "x+"));
}

/// Upstream's `compat` tests `TestIsValidClassicLabelName` and
/// `TestIsValidUTF8LabelName`.
#[test]
fn label_name_validity_per_mode() {
    for (name, classic, utf8) in [
        ("foo", true, true),
        ("_foo1", true, true),
        ("", false, false),
        ("0foo", false, true),
        ("foo🙂", false, true),
        ("a:b", false, true),
    ] {
        assert_eq!(
            is_valid_label_name(name, ParseMode::Classic),
            classic,
            "{name:?}"
        );
        assert_eq!(
            is_valid_label_name(name, ParseMode::Utf8Strict),
            utf8,
            "{name:?}"
        );
        assert_eq!(
            is_valid_label_name(name, ParseMode::Fallback),
            utf8,
            "{name:?}"
        );
    }
}

#[test]
fn match_type_helpers() {
    assert_eq!(MatchType::NotRegexp.to_string(), "!~");
    assert!(MatchType::Regexp.is_regex() && !MatchType::NotEqual.is_regex());
    assert!(MatchType::NotEqual.is_negative() && !MatchType::Regexp.is_negative());
}
