//! Property tests: printing a matcher and parsing it back gives the same
//! matcher, negated operators answer the opposite, and a label set's
//! fingerprint does not depend on insertion order.

use proptest::prelude::*;
use tocsin_model::matcher::{
    MatchType, Matcher, Matchers, ParseMode, parse_matcher, parse_matchers,
};
use tocsin_model::{GoRegex, LabelSet};

/// Names: non-empty, including characters that force the quoted form.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        "[a-z {}!=~,\\\\\"'`🙂Σé\\t\\n\u{a0}$.:-]{1,8}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

/// Values: anything, including escapes and quotes.
fn value() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9 ,{}\"\\\\\\n\\t'`=~!é🙂]{0,10}", any::<String>()]
}

/// Regex values that compile: built from a small safe vocabulary.
fn regex_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("b|c"),
            Just(".*"),
            Just("[a-z]+"),
            Just("\\d"),
            Just("(x)?"),
            Just("é"),
            Just("\\\\"),
            Just("\""),
            Just(","),
            Just("{"),
            Just("}"),
            Just(" "),
            Just("\\n"),
            Just("[\"]"),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn matcher() -> impl Strategy<Value = Matcher> {
    prop_oneof![
        (
            name(),
            value(),
            prop_oneof![Just(MatchType::Equal), Just(MatchType::NotEqual)]
        )
            .prop_map(|(n, v, k)| Matcher::new(k, n, v).expect("equality matchers always build")),
        (
            name(),
            regex_value(),
            prop_oneof![Just(MatchType::Regexp), Just(MatchType::NotRegexp)]
        )
            .prop_map(|(n, v, k)| Matcher::new(k, n, v).expect("vocabulary regexes compile")),
    ]
}

proptest! {
    #[test]
    fn single_matchers_round_trip(m in matcher()) {
        let printed = m.to_string();
        for mode in [ParseMode::Utf8Strict, ParseMode::Fallback] {
            let parsed = parse_matcher(&printed, mode)
                .map_err(|e| TestCaseError::fail(format!("{printed:?} ({mode:?}): {e}")))?;
            prop_assert_eq!(parsed.to_string(), printed.clone());
            prop_assert_eq!(&parsed, &m);
        }
    }

    #[test]
    fn matcher_lists_round_trip(list in proptest::collection::vec(matcher(), 0..5)) {
        let printed = Matchers(list.clone()).to_string();
        let parsed = parse_matchers(&printed, ParseMode::Utf8Strict)
            .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
        prop_assert_eq!(Matchers(parsed.clone()).to_string(), printed);
        prop_assert_eq!(parsed, list);
    }

    #[test]
    fn negated_operators_answer_the_opposite(n in name(), v in regex_value(), input in value()) {
        let eq = Matcher::new(MatchType::Equal, n.clone(), v.clone()).expect("builds");
        let ne = Matcher::new(MatchType::NotEqual, n.clone(), v.clone()).expect("builds");
        prop_assert_ne!(eq.matches(&input), ne.matches(&input));
        prop_assert!(eq.matches(&v));
        let re = Matcher::new(MatchType::Regexp, n.clone(), v.clone()).expect("compiles");
        let nre = Matcher::new(MatchType::NotRegexp, n, v.clone()).expect("compiles");
        prop_assert_ne!(re.matches(&input), nre.matches(&input));
        let unanchored = GoRegex::new(&v).expect("compiles");
        if re.matches(&input) {
            prop_assert!(unanchored.is_match(&input), "an anchored match is also a match");
        }
    }

    #[test]
    fn fingerprint_ignores_insertion_order(
        pairs in proptest::collection::btree_map("[a-z_]{1,6}", ".{0,6}", 0..8),
        rotation in 0usize..8,
    ) {
        let mut pairs: Vec<(String, String)> = pairs.into_iter().collect();
        let forward: LabelSet = pairs.iter().cloned().collect();
        if !pairs.is_empty() {
            let by = rotation % pairs.len();
            pairs.rotate_left(by);
        }
        pairs.reverse();
        let mut shuffled = LabelSet::new();
        for (k, v) in pairs {
            shuffled.insert(k, v);
        }
        prop_assert_eq!(forward.fingerprint(), shuffled.fingerprint());
        prop_assert_eq!(forward.to_string(), shuffled.to_string());
    }
}
