//! Differential tests against Go for everything in this crate that copies
//! Go standard-library behaviour: `regexp` (compile errors, `MatchString`,
//! `ReplaceAllString`), `strconv.Quote` and `time.ParseDuration` /
//! `Duration.String()`.
//!
//! The tables below were produced by running Go (1.19.8, `regexp`,
//! `strconv`, `time` from the standard library) on exactly these inputs and
//! are checked into the source as literals. The tests compare this crate
//! against the literals; `recorded_tables_agree_with_live_go` re-runs the
//! same inputs through `go run` when a Go toolchain is on PATH, and
//! `random_patterns_agree_with_live_go` compares randomly generated patterns
//! directly. Both skip with a message when Go is absent.

use std::io::Write;
use std::process::{Command, Stdio};

use tocsin_model::GoRegex;
use tocsin_model::duration::GoDuration;
use tocsin_model::goquote::{go_quote, go_unquote};

struct RegexCase {
    pattern: &'static str,
    /// Compiled as Alertmanager's matchers do: `^(?:pattern)$`.
    anchored: bool,
    /// Go's verdict for each input, or Go's compile error.
    expect: Result<&'static [(&'static str, bool)], &'static str>,
}

struct ReplaceCase {
    pattern: &'static str,
    template: &'static str,
    src: &'static str,
    /// `ReplaceAllString(src, template)`, or Go's compile error.
    expect: Result<&'static str, &'static str>,
}

// ---- Tables recorded from Go 1.19.8 (do not edit by hand) ----

const REGEX_CASES: &[RegexCase] = &[
    RegexCase {
        pattern: "foo",
        anchored: true,
        expect: Ok(&[("foo", true), ("xfoo", false), ("fooo", false), ("", false)]),
    },
    RegexCase {
        pattern: "foo|bar",
        anchored: true,
        expect: Ok(&[
            ("foo", true),
            ("bar", true),
            ("foobar", false),
            ("ba", false),
        ]),
    },
    RegexCase {
        pattern: ".*",
        anchored: true,
        expect: Ok(&[("", true), ("abc", true), ("a\nb", false)]),
    },
    RegexCase {
        pattern: "(?s).*",
        anchored: true,
        expect: Ok(&[("a\nb", true), ("", true)]),
    },
    RegexCase {
        pattern: ".",
        anchored: true,
        expect: Ok(&[("\n", false), ("a", true), ("\u{e9}", true)]),
    },
    RegexCase {
        pattern: "[^a]",
        anchored: true,
        expect: Ok(&[("\n", true), ("a", false), ("b", true)]),
    },
    RegexCase {
        pattern: "\\d+",
        anchored: true,
        expect: Ok(&[
            ("123", true),
            ("\u{661}\u{662}", false),
            ("12a", false),
            ("\u{ff11}", false),
        ]),
    },
    RegexCase {
        pattern: "\\D",
        anchored: true,
        expect: Ok(&[("a", true), ("1", false), ("\u{661}", true)]),
    },
    RegexCase {
        pattern: "\\w+",
        anchored: true,
        expect: Ok(&[
            ("abc_9", true),
            ("\u{e9}", false),
            ("\u{212a}", false),
            ("a-b", false),
        ]),
    },
    RegexCase {
        pattern: "\\W",
        anchored: true,
        expect: Ok(&[("\u{e9}", true), ("_", false), ("-", true)]),
    },
    RegexCase {
        pattern: "\\s",
        anchored: true,
        expect: Ok(&[
            (" ", true),
            ("\t", true),
            ("\u{b}", false),
            ("\u{a0}", false),
            ("\n", true),
            ("\r", true),
            ("\u{c}", true),
        ]),
    },
    RegexCase {
        pattern: "\\S+",
        anchored: true,
        expect: Ok(&[("ab", true), ("a b", false), ("\u{a0}", true)]),
    },
    RegexCase {
        pattern: "[\\d\\s]+",
        anchored: true,
        expect: Ok(&[("1 2", true), ("1\u{b}2", false), ("x", false)]),
    },
    RegexCase {
        pattern: "[[:alpha:]]+",
        anchored: true,
        expect: Ok(&[("abc", true), ("\u{e9}", false), ("Z", true)]),
    },
    RegexCase {
        pattern: "[[:^digit:]]",
        anchored: true,
        expect: Ok(&[("a", true), ("1", false), ("\u{661}", true)]),
    },
    RegexCase {
        pattern: "[[:space:]]",
        anchored: true,
        expect: Ok(&[("\u{b}", true), (" ", true), ("\u{a0}", false)]),
    },
    RegexCase {
        pattern: "[[:word:]]+",
        anchored: true,
        expect: Ok(&[("a_1", true), ("\u{e9}", false)]),
    },
    RegexCase {
        pattern: "[[:punct:]]+",
        anchored: true,
        expect: Ok(&[("!@[`{~", true), ("a", false)]),
    },
    RegexCase {
        pattern: "[[:foo:]]",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `[:foo:]`"),
    },
    RegexCase {
        pattern: "[[:alpha:]-z]+",
        anchored: true,
        expect: Ok(&[("a-z", true), ("-", true)]),
    },
    RegexCase {
        pattern: "\\bfoo\\b",
        anchored: false,
        expect: Ok(&[
            ("a foo b", true),
            ("\u{e9}foo\u{e9}", true),
            ("_foo", false),
            ("foo", true),
        ]),
    },
    RegexCase {
        pattern: "\\Bo\\B",
        anchored: false,
        expect: Ok(&[("foo", true), ("o", false)]),
    },
    RegexCase {
        pattern: "\\Qa.b\\E",
        anchored: true,
        expect: Ok(&[("a.b", true), ("axb", false)]),
    },
    RegexCase {
        pattern: "\\Q*+\\E+",
        anchored: true,
        expect: Ok(&[("*+", true), ("*++", true), ("*+*+", false)]),
    },
    RegexCase {
        pattern: "\\Qab",
        anchored: true,
        expect: Err("error parsing regexp: missing closing ): `^(?:\\Qab)$`"),
    },
    RegexCase {
        pattern: "\\Q\\E*",
        anchored: true,
        expect: Err("error parsing regexp: missing argument to repetition operator: `*`"),
    },
    RegexCase {
        pattern: "\\141\\0\\01\\012",
        anchored: true,
        expect: Ok(&[("a\u{0}\u{1}\n", true), ("a", false)]),
    },
    RegexCase {
        pattern: "\\8",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\8`"),
    },
    RegexCase {
        pattern: "\\1",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\1`"),
    },
    RegexCase {
        pattern: "\\x41\\x{1F642}",
        anchored: true,
        expect: Ok(&[("A\u{1f642}", true), ("A", false)]),
    },
    RegexCase {
        pattern: "\\x{110000}",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\x{110000`"),
    },
    RegexCase {
        pattern: "\\x{}",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\x{}`"),
    },
    RegexCase {
        pattern: "\\xZZ",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\xZZ`"),
    },
    RegexCase {
        pattern: "a\\x4",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\x4)`"),
    },
    RegexCase {
        pattern: "\\x{D800}|b",
        anchored: true,
        expect: Ok(&[("b", true), ("\u{fffd}", false)]),
    },
    RegexCase {
        pattern: "a{",
        anchored: true,
        expect: Ok(&[("a{", true), ("a", false)]),
    },
    RegexCase {
        pattern: "a{,2}",
        anchored: true,
        expect: Ok(&[("a{,2}", true), ("aa", false)]),
    },
    RegexCase {
        pattern: "a{1,2}",
        anchored: true,
        expect: Ok(&[("a", true), ("aa", true), ("aaa", false)]),
    },
    RegexCase {
        pattern: "a{01}",
        anchored: true,
        expect: Ok(&[("a{01}", true), ("a", false)]),
    },
    RegexCase {
        pattern: "a{2}?b",
        anchored: true,
        expect: Ok(&[("aab", true), ("ab", false)]),
    },
    RegexCase {
        pattern: "a{2,}",
        anchored: true,
        expect: Ok(&[("a", false), ("aaaa", true)]),
    },
    RegexCase {
        pattern: "a{1,",
        anchored: true,
        expect: Ok(&[("a{1,", true)]),
    },
    RegexCase {
        pattern: "a{1000}",
        anchored: true,
        expect: Ok(&[("aaa", false)]),
    },
    RegexCase {
        pattern: "a{1001}",
        anchored: true,
        expect: Err("error parsing regexp: invalid repeat count: `{1001}`"),
    },
    RegexCase {
        pattern: "a{2,1}",
        anchored: true,
        expect: Err("error parsing regexp: invalid repeat count: `{2,1}`"),
    },
    RegexCase {
        pattern: "a{100000}",
        anchored: false,
        expect: Err("error parsing regexp: invalid repeat count: `{100000}`"),
    },
    RegexCase {
        pattern: "a{99999999999}",
        anchored: false,
        expect: Err("error parsing regexp: invalid repeat count: `{99999999999}`"),
    },
    RegexCase {
        pattern: "a{1,99999999999}",
        anchored: false,
        expect: Err("error parsing regexp: invalid repeat count: `{1,99999999999}`"),
    },
    RegexCase {
        pattern: "(a{500}){3}",
        anchored: true,
        expect: Err("error parsing regexp: invalid repeat count: `{3}`"),
    },
    RegexCase {
        pattern: "(?:a{2}){500}",
        anchored: true,
        expect: Ok(&[("aa", false)]),
    },
    RegexCase {
        pattern: "(?:a{2}){501}",
        anchored: true,
        expect: Err("error parsing regexp: invalid repeat count: `{501}`"),
    },
    RegexCase {
        pattern: "x{2}{3}",
        anchored: true,
        expect: Err("error parsing regexp: invalid nested repetition operator: `{2}{3}`"),
    },
    RegexCase {
        pattern: "a**",
        anchored: true,
        expect: Err("error parsing regexp: invalid nested repetition operator: `**`"),
    },
    RegexCase {
        pattern: "a*?",
        anchored: true,
        expect: Ok(&[("", true), ("aa", true)]),
    },
    RegexCase {
        pattern: "a*??",
        anchored: false,
        expect: Err("error parsing regexp: invalid nested repetition operator: `*??`"),
    },
    RegexCase {
        pattern: "a++",
        anchored: false,
        expect: Err("error parsing regexp: invalid nested repetition operator: `++`"),
    },
    RegexCase {
        pattern: "*a",
        anchored: true,
        expect: Err("error parsing regexp: missing argument to repetition operator: `*`"),
    },
    RegexCase {
        pattern: "a|*",
        anchored: false,
        expect: Err("error parsing regexp: missing argument to repetition operator: `*`"),
    },
    RegexCase {
        pattern: "(*)",
        anchored: false,
        expect: Err("error parsing regexp: missing argument to repetition operator: `*`"),
    },
    RegexCase {
        pattern: "a(?i)*",
        anchored: true,
        expect: Ok(&[("", true), ("aaa", true), ("AA", false)]),
    },
    RegexCase {
        pattern: "(a",
        anchored: false,
        expect: Err("error parsing regexp: missing closing ): `(a`"),
    },
    RegexCase {
        pattern: "(a",
        anchored: true,
        expect: Err("error parsing regexp: missing closing ): `^(?:(a)$`"),
    },
    RegexCase {
        pattern: "a)",
        anchored: true,
        expect: Err("error parsing regexp: unexpected ): `^(?:a))$`"),
    },
    RegexCase {
        pattern: "a)",
        anchored: false,
        expect: Err("error parsing regexp: unexpected ): `a)`"),
    },
    RegexCase {
        pattern: "a)|(b",
        anchored: true,
        expect: Ok(&[("a", true), ("b", true), ("a)|(b", true), ("ab", true)]),
    },
    RegexCase {
        pattern: "(",
        anchored: false,
        expect: Err("error parsing regexp: missing closing ): `(`"),
    },
    RegexCase {
        pattern: "[a-",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `a-)`"),
    },
    RegexCase {
        pattern: "invalid[regexp",
        anchored: true,
        expect: Err("error parsing regexp: missing closing ]: `[regexp)$`"),
    },
    RegexCase {
        pattern: "[z-a]",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `z-a`"),
    },
    RegexCase {
        pattern: "[a-\\d]",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\d`"),
    },
    RegexCase {
        pattern: "[\\b]",
        anchored: true,
        expect: Err("error parsing regexp: invalid escape sequence: `\\b`"),
    },
    RegexCase {
        pattern: "[]a]+",
        anchored: true,
        expect: Ok(&[("]a", true), ("b", false)]),
    },
    RegexCase {
        pattern: "[^]a]",
        anchored: true,
        expect: Ok(&[("]", false), ("b", true)]),
    },
    RegexCase {
        pattern: "[a&&b]+",
        anchored: true,
        expect: Ok(&[("&", true), ("ab&", true)]),
    },
    RegexCase {
        pattern: "[a-z--b]+",
        anchored: true,
        expect: Ok(&[("-", true), ("0", true), ("c", true), ("b", true)]),
    },
    RegexCase {
        pattern: "[[]+",
        anchored: true,
        expect: Ok(&[("[", true), ("[[", true)]),
    },
    RegexCase {
        pattern: "[~~]",
        anchored: true,
        expect: Ok(&[("~", true)]),
    },
    RegexCase {
        pattern: "[a-]+",
        anchored: true,
        expect: Ok(&[("a-", true), ("b", false)]),
    },
    RegexCase {
        pattern: "\\pL+",
        anchored: true,
        expect: Ok(&[("h\u{e9}llo", true), ("123", false)]),
    },
    RegexCase {
        pattern: "\\p{Greek}+",
        anchored: true,
        expect: Ok(&[("\u{3b1}\u{3b2}\u{3b3}", true), ("abc", false)]),
    },
    RegexCase {
        pattern: "\\p{^Greek}",
        anchored: true,
        expect: Ok(&[("a", true), ("\u{3b1}", false)]),
    },
    RegexCase {
        pattern: "\\P{Greek}",
        anchored: true,
        expect: Ok(&[("a", true), ("\u{3b1}", false)]),
    },
    RegexCase {
        pattern: "\\PL",
        anchored: true,
        expect: Ok(&[("1", true), ("a", false)]),
    },
    RegexCase {
        pattern: "\\pN+",
        anchored: true,
        expect: Ok(&[("\u{bd}1", true), ("a", false)]),
    },
    RegexCase {
        pattern: "\\p{Lu}",
        anchored: true,
        expect: Ok(&[("A", true), ("a", false)]),
    },
    RegexCase {
        pattern: "(?i)\\p{Lu}",
        anchored: true,
        expect: Ok(&[("a", true), ("1", false)]),
    },
    RegexCase {
        pattern: "[^\\pL]",
        anchored: true,
        expect: Ok(&[("1", true), ("a", false)]),
    },
    RegexCase {
        pattern: "\\p{Foo}",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `\\p{Foo}`"),
    },
    RegexCase {
        pattern: "\\pX",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `\\pX`"),
    },
    RegexCase {
        pattern: "\\p{Greek",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `\\p{Greek)$`"),
    },
    RegexCase {
        pattern: "\\p",
        anchored: true,
        expect: Err("error parsing regexp: invalid character class range: `\\p)`"),
    },
    RegexCase {
        pattern: "\\pC",
        anchored: true,
        expect: Ok(&[("\u{378}", false), ("\u{1}", true), ("a", false)]),
    },
    RegexCase {
        pattern: "\\p{Old_Italic}",
        anchored: true,
        expect: Ok(&[("\u{10300}", true), ("a", false)]),
    },
    RegexCase {
        pattern: "(?i)stra\u{df}e",
        anchored: true,
        expect: Ok(&[
            ("STRA\u{df}E", true),
            ("STRASSE", false),
            ("strasse", false),
        ]),
    },
    RegexCase {
        pattern: "(?i)k",
        anchored: true,
        expect: Ok(&[("K", true), ("k", true), ("\u{212a}", true)]),
    },
    RegexCase {
        pattern: "(?i)[a-c]+",
        anchored: true,
        expect: Ok(&[("ABC", true), ("abd", false)]),
    },
    RegexCase {
        pattern: "(?i)\\W",
        anchored: true,
        expect: Ok(&[("\u{17f}", false), ("\u{212a}", false), ("-", true)]),
    },
    RegexCase {
        pattern: "(?i)\\w",
        anchored: true,
        expect: Ok(&[("\u{17f}", true), ("\u{212a}", true)]),
    },
    RegexCase {
        pattern: "(?i)[^k]",
        anchored: true,
        expect: Ok(&[("\u{212a}", false), ("K", false), ("x", true)]),
    },
    RegexCase {
        pattern: "(?i)\u{3a3}",
        anchored: true,
        expect: Ok(&[("\u{3c3}", true), ("\u{3c2}", true), ("\u{3a3}", true)]),
    },
    RegexCase {
        pattern: "(?m)^b$",
        anchored: false,
        expect: Ok(&[("a\nb\nc", true), ("ab", false)]),
    },
    RegexCase {
        pattern: "^b$",
        anchored: false,
        expect: Ok(&[("a\nb", false), ("b", true)]),
    },
    RegexCase {
        pattern: "a$",
        anchored: false,
        expect: Ok(&[("a\n", false), ("a", true)]),
    },
    RegexCase {
        pattern: "(?m)a$",
        anchored: false,
        expect: Ok(&[("a\n", true), ("a\r\n", false)]),
    },
    RegexCase {
        pattern: "a\\z",
        anchored: false,
        expect: Ok(&[("a\n", false), ("a", true)]),
    },
    RegexCase {
        pattern: "\\Aa",
        anchored: false,
        expect: Ok(&[("ba", false), ("ab", true)]),
    },
    RegexCase {
        pattern: "\\Z",
        anchored: false,
        expect: Err("error parsing regexp: invalid escape sequence: `\\Z`"),
    },
    RegexCase {
        pattern: "\\C",
        anchored: false,
        expect: Err("error parsing regexp: invalid escape sequence: `\\C`"),
    },
    RegexCase {
        pattern: "\\e",
        anchored: false,
        expect: Err("error parsing regexp: invalid escape sequence: `\\e`"),
    },
    RegexCase {
        pattern: "\\N",
        anchored: false,
        expect: Err("error parsing regexp: invalid escape sequence: `\\N`"),
    },
    RegexCase {
        pattern: "\\_\\ \\#\\~",
        anchored: true,
        expect: Ok(&[("_ #~", true)]),
    },
    RegexCase {
        pattern: "a\\",
        anchored: false,
        expect: Err("error parsing regexp: trailing backslash at end of expression: ``"),
    },
    RegexCase {
        pattern: "(?x)a",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
    },
    RegexCase {
        pattern: "(?i-s)a.",
        anchored: true,
        expect: Ok(&[("A\n", false), ("Ab", true)]),
    },
    RegexCase {
        pattern: "(?-)a",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"),
    },
    RegexCase {
        pattern: "(?i-)a",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`"),
    },
    RegexCase {
        pattern: "(?)a",
        anchored: true,
        expect: Ok(&[("a", true)]),
    },
    RegexCase {
        pattern: "(?",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?`"),
    },
    RegexCase {
        pattern: "(?i",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?i`"),
    },
    RegexCase {
        pattern: "(?im-sU:a+)b",
        anchored: true,
        expect: Ok(&[("AAb", true), ("aB", false)]),
    },
    RegexCase {
        pattern: "(?s-i:.)(?i)B",
        anchored: true,
        expect: Ok(&[("\nb", true), ("\nB", true)]),
    },
    RegexCase {
        pattern: "(?P<name>x)(y)",
        anchored: true,
        expect: Ok(&[("xy", true)]),
    },
    RegexCase {
        pattern: "(?P<n>a",
        anchored: false,
        expect: Err("error parsing regexp: missing closing ): `(?P<n>a`"),
    },
    RegexCase {
        pattern: "(?P<>a)",
        anchored: false,
        expect: Err("error parsing regexp: invalid named capture: `(?P<>`"),
    },
    RegexCase {
        pattern: "(?P<a-b>x)",
        anchored: false,
        expect: Err("error parsing regexp: invalid named capture: `(?P<a-b>`"),
    },
    RegexCase {
        pattern: "(?P<1x>a)",
        anchored: true,
        expect: Ok(&[("a", true)]),
    },
    RegexCase {
        pattern: "(?P=n)",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?P`"),
    },
    RegexCase {
        pattern: "(?=a)",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
    },
    RegexCase {
        pattern: "(?!a)",
        anchored: false,
        expect: Err("error parsing regexp: invalid or unsupported Perl syntax: `(?!`"),
    },
    RegexCase {
        pattern: "a|",
        anchored: true,
        expect: Ok(&[("", true), ("a", true), ("b", false)]),
    },
    RegexCase {
        pattern: "()",
        anchored: true,
        expect: Ok(&[("", true)]),
    },
    RegexCase {
        pattern: "(|a)*",
        anchored: true,
        expect: Ok(&[("", true), ("aaa", true)]),
    },
    RegexCase {
        pattern: "x*y*z*",
        anchored: true,
        expect: Ok(&[("", true), ("xz", true), ("zx", false)]),
    },
    RegexCase {
        pattern: "^*",
        anchored: false,
        expect: Ok(&[("", true), ("a", true)]),
    },
    RegexCase {
        pattern: "$+",
        anchored: false,
        expect: Ok(&[("a", true)]),
    },
    RegexCase {
        pattern: "\\b*",
        anchored: false,
        expect: Ok(&[("a", true)]),
    },
    RegexCase {
        pattern: "(?U)a+b",
        anchored: true,
        expect: Ok(&[("aab", true)]),
    },
    RegexCase {
        pattern: "\u{e9}+|\u{1f642}",
        anchored: true,
        expect: Ok(&[("\u{e9}\u{e9}", true), ("\u{1f642}", true), ("e", false)]),
    },
    RegexCase {
        pattern: "[\u{3b1}-\u{3b5}\u{263a}]+",
        anchored: true,
        expect: Ok(&[("\u{3b2}\u{263a}", true), ("\u{3b6}", false)]),
    },
    RegexCase {
        pattern: "[\\x{41}-\\x7a]+",
        anchored: true,
        expect: Ok(&[("AZaz", true), ("~", false)]),
    },
    RegexCase {
        pattern: "[\\012-\\234]",
        anchored: true,
        expect: Ok(&[("\n", true), ("\u{9c}", true), ("\u{9d}", false)]),
    },
    RegexCase {
        pattern: "((((((((((a))))))))))",
        anchored: true,
        expect: Ok(&[("a", true)]),
    },
    RegexCase {
        pattern: "\\pL{3}",
        anchored: true,
        expect: Ok(&[("abc", true), ("ab", false)]),
    },
    RegexCase {
        pattern: "[\\p{Nd}x]+",
        anchored: true,
        expect: Ok(&[("\u{669}1x", true), ("y", false)]),
    },
    RegexCase {
        pattern: "(?i)\\Q*A\\E",
        anchored: true,
        expect: Ok(&[("*a", true)]),
    },
    RegexCase {
        pattern: "\\",
        anchored: false,
        expect: Err("error parsing regexp: trailing backslash at end of expression: ``"),
    },
    RegexCase {
        pattern: "[\\",
        anchored: false,
        expect: Err("error parsing regexp: trailing backslash at end of expression: ``"),
    },
    RegexCase {
        pattern: "[a\\]",
        anchored: false,
        expect: Err("error parsing regexp: missing closing ]: `[a\\]`"),
    },
    RegexCase {
        pattern: "(?i)[[:upper:]]",
        anchored: true,
        expect: Ok(&[("a", true), ("\u{17f}", true), ("1", false)]),
    },
    RegexCase {
        pattern: "[[:^alpha:][:digit:]]",
        anchored: true,
        expect: Ok(&[("1", true), ("-", true), ("a", false)]),
    },
    RegexCase {
        pattern: "a{,}",
        anchored: true,
        expect: Ok(&[("a{,}", true)]),
    },
    RegexCase {
        pattern: "a{1}{2}",
        anchored: false,
        expect: Err("error parsing regexp: invalid nested repetition operator: `{1}{2}`"),
    },
    RegexCase {
        pattern: "(?:(?:a{10}){10}){10}",
        anchored: true,
        expect: Ok(&[("a", false)]),
    },
    RegexCase {
        pattern: "(?:(?:a{10}){10}){11}",
        anchored: true,
        expect: Err("error parsing regexp: invalid repeat count: `{11}`"),
    },
    RegexCase {
        pattern: "(?:a{0}){1001}",
        anchored: false,
        expect: Err("error parsing regexp: invalid repeat count: `{1001}`"),
    },
    RegexCase {
        pattern: "(?:a{0}){1000}",
        anchored: true,
        expect: Ok(&[("", true), ("a", false)]),
    },
    RegexCase {
        pattern: "(a){0}b",
        anchored: true,
        expect: Ok(&[("b", true)]),
    },
];

const REPLACE_CASES: &[ReplaceCase] = &[
    ReplaceCase {
        pattern: "a(x*)b",
        template: "${1}W",
        src: "-ab-axxb-",
        expect: Ok("-W-xxW-"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$1W",
        src: "-ab-axxb-",
        expect: Ok("---"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$1",
        src: "-ab-axxb-",
        expect: Ok("--xx-"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$$1",
        src: "-ab-axxb-",
        expect: Ok("-$1-$1-"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "${1",
        src: "-ab-axxb-",
        expect: Ok("-${1-${1-"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$",
        src: "-ab-axxb-",
        expect: Ok("-$-$-"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$-",
        src: "-ab-axxb-",
        expect: Ok("-$--$--"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$0$0",
        src: "-ab-axxb-",
        expect: Ok("-abab-axxbaxxb-"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "$01",
        src: "-ab-axxb-",
        expect: Ok("---"),
    },
    ReplaceCase {
        pattern: "a(x*)b",
        template: "${0}",
        src: "-ab-axxb-",
        expect: Ok("-ab-axxb-"),
    },
    ReplaceCase {
        pattern: "a(?P<x>x*)b",
        template: "[$x]",
        src: "-ab-axxb-",
        expect: Ok("-[]-[xx]-"),
    },
    ReplaceCase {
        pattern: "a(?P<x>x*)b",
        template: "[${x}y]",
        src: "-ab-axxb-",
        expect: Ok("-[y]-[xxy]-"),
    },
    ReplaceCase {
        pattern: "a(?P<x>x*)b",
        template: "[$xy]",
        src: "-ab-axxb-",
        expect: Ok("-[]-[]-"),
    },
    ReplaceCase {
        pattern: "(\\w+)@(\\w+)",
        template: "$2 at $1",
        src: "bob@example, al@host",
        expect: Ok("example at bob, host at al"),
    },
    ReplaceCase {
        pattern: "a*",
        template: "X",
        src: "baaac",
        expect: Ok("XbXcX"),
    },
    ReplaceCase {
        pattern: "x*",
        template: "-",
        src: "abc",
        expect: Ok("-a-b-c-"),
    },
    ReplaceCase {
        pattern: "x*",
        template: "-",
        src: "",
        expect: Ok("-"),
    },
    ReplaceCase {
        pattern: "(a)|(b)",
        template: "[$1|$2]",
        src: "ab",
        expect: Ok("[a|][|b]"),
    },
    ReplaceCase {
        pattern: "\u{e9}*",
        template: "|",
        src: "a\u{e9}b",
        expect: Ok("|a|b|"),
    },
    ReplaceCase {
        pattern: "(?U)a+",
        template: "X",
        src: "aaa",
        expect: Ok("XXX"),
    },
    ReplaceCase {
        pattern: "^",
        template: "X",
        src: "ab",
        expect: Ok("Xab"),
    },
    ReplaceCase {
        pattern: "$",
        template: "X",
        src: "ab",
        expect: Ok("abX"),
    },
    ReplaceCase {
        pattern: "(?m)^",
        template: ">",
        src: "a\nb",
        expect: Ok(">a\n>b"),
    },
    ReplaceCase {
        pattern: "\\b",
        template: "|",
        src: "ab cd",
        expect: Ok("|ab| |cd|"),
    },
    ReplaceCase {
        pattern: "(?P<n>\\d)",
        template: "${n}${n}",
        src: "a1b2",
        expect: Ok("a11b22"),
    },
    ReplaceCase {
        pattern: "(?P<1x>a)",
        template: "<$1x>",
        src: "a",
        expect: Ok("<a>"),
    },
    ReplaceCase {
        pattern: "(?P<d>a)|(?P<d>b)",
        template: "<$d>",
        src: "ab",
        expect: Ok("<a><b>"),
    },
    ReplaceCase {
        pattern: "(a)",
        template: "$2",
        src: "a",
        expect: Ok(""),
    },
    ReplaceCase {
        pattern: "(a)",
        template: "$1\u{e9}",
        src: "a",
        expect: Ok(""),
    },
    ReplaceCase {
        pattern: "(a)",
        template: "$\u{e9}",
        src: "a",
        expect: Ok(""),
    },
    ReplaceCase {
        pattern: "(a)",
        template: "${\u{e9}}",
        src: "a",
        expect: Ok(""),
    },
    ReplaceCase {
        pattern: "(?P<\u{e9}>a)",
        template: "$1",
        src: "a",
        expect: Err("error parsing regexp: invalid named capture: `(?P<\u{e9}>`"),
    },
    ReplaceCase {
        pattern: "a|",
        template: "X",
        src: "cab",
        expect: Ok("XcXbX"),
    },
    ReplaceCase {
        pattern: "",
        template: "-",
        src: "\u{e9}\u{e9}",
        expect: Ok("-\u{e9}-\u{e9}-"),
    },
    ReplaceCase {
        pattern: "[",
        template: "-",
        src: "x",
        expect: Err("error parsing regexp: missing closing ]: `[`"),
    },
];

const GO_DURATION_CASES: &[(&str, Result<&str, &str>)] = &[
    ("0", Ok("0s")),
    ("-0", Ok("0s")),
    ("+0", Ok("0s")),
    ("1.5h", Ok("1h30m0s")),
    ("-1m", Ok("-1m0s")),
    ("1h2m3.5s", Ok("1h2m3.5s")),
    ("90s", Ok("1m30s")),
    ("500ms", Ok("500ms")),
    ("1h", Ok("1h0m0s")),
    ("1.5us", Ok("1.5\u{b5}s")),
    ("1\u{b5}s", Ok("1\u{b5}s")),
    ("1\u{3bc}s", Ok("1\u{b5}s")),
    ("3ns", Ok("3ns")),
    (".5s", Ok("500ms")),
    ("5.s", Ok("5s")),
    ("1.000000001s", Ok("1.000000001s")),
    ("0.3333333333333333333h", Ok("20m0s")),
    ("2562047h47m16.854775807s", Ok("2562047h47m16.854775807s")),
    ("-2562047h47m16.854775808s", Ok("-2562047h47m16.854775808s")),
    (
        "2562047h47m16.854775808s",
        Err("time: invalid duration \"2562047h47m16.854775808s\""),
    ),
    (
        "9223372036854775808ns",
        Err("time: invalid duration \"9223372036854775808ns\""),
    ),
    ("", Err("time: invalid duration \"\"")),
    ("x", Err("time: invalid duration \"x\"")),
    (".", Err("time: invalid duration \".\"")),
    ("-.s", Err("time: invalid duration \"-.s\"")),
    ("1", Err("time: missing unit in duration \"1\"")),
    ("1d", Err("time: unknown unit \"d\" in duration \"1d\"")),
    ("1 s", Err("time: unknown unit \" s\" in duration \"1 s\"")),
    (
        "3\u{e9}",
        Err("time: unknown unit \"\\xc3\\xa9\" in duration \"3\\xc3\\xa9\""),
    ),
    (
        "1s\"",
        Err("time: unknown unit \"s\\\"\" in duration \"1s\\\"\""),
    ),
    ("1h1h", Ok("2h0m0s")),
    (
        "100000000000000000000s",
        Err("time: invalid duration \"100000000000000000000s\""),
    ),
    ("1.9999999999999999999999s", Ok("2s")),
    ("0.000000001s", Ok("1ns")),
    ("0.0000000001s", Ok("0s")),
    ("2h45m", Ok("2h45m0s")),
    ("-1.5h", Ok("-1h30m0s")),
    ("1m0.5s", Ok("1m0.5s")),
    ("59.99999999999s", Ok("59.999999999s")),
    ("100h", Ok("100h0m0s")),
    ("1e3s", Err("time: unknown unit \"e\" in duration \"1e3s\"")),
];

const QUOTE_CASES: &[(&str, &str)] = &[
    ("", "\"\""),
    ("plain", "\"plain\""),
    ("a\"b\\c", "\"a\\\"b\\\\c\""),
    ("\u{7}\u{8}\u{c}\n\r\t\u{b}", "\"\\a\\b\\f\\n\\r\\t\\v\""),
    (
        "\u{0}\u{1}\u{1b}\u{1f}\u{7f}",
        "\"\\x00\\x01\\x1b\\x1f\\x7f\"",
    ),
    (
        "\u{80}\u{9f}\u{a0}\u{ad}",
        "\"\\u0080\\u009f\\u00a0\\u00ad\"",
    ),
    (
        "\u{e9}\u{1f642}\u{3a3}\u{65e5}\u{672c}",
        "\"\u{e9}\u{1f642}\u{3a3}\u{65e5}\u{672c}\"",
    ),
    ("\u{2028}\u{feff}\u{e000}", "\"\\u2028\\ufeff\\ue000\""),
    (
        "\u{10ffff}\u{e0001}\u{1f642}",
        "\"\\U0010ffff\\U000e0001\u{1f642}\"",
    ),
    ("'`{}", "\"'`{}\""),
    ("\u{378}", "\"\\u0378\""),
    ("\u{300}", "\"\u{300}\""),
    ("\u{200b}\u{200d}", "\"\\u200b\\u200d\""),
    ("\u{3000}", "\"\\u3000\""),
    ("\u{2060}", "\"\\u2060\""),
    ("\u{e0100}", "\"\u{e0100}\""),
    ("\u{1f1e6}", "\"\u{1f1e6}\""),
    ("\u{600}", "\"\\u0600\""),
    ("\u{fffd}", "\"\u{fffd}\""),
    ("~ ", "\"~ \""),
    ("\u{85}", "\"\\u0085\""),
    ("\u{a0}x", "\"\\u00a0x\""),
];

// ---- Tests ----

fn compile(case: &RegexCase) -> Result<GoRegex, String> {
    let compiled = if case.anchored {
        GoRegex::new_anchored(case.pattern)
    } else {
        GoRegex::new(case.pattern)
    };
    compiled.map_err(|e| e.message)
}

#[test]
fn regex_table_matches_recorded_go_results() {
    let mut failures = Vec::new();
    for case in REGEX_CASES {
        match (compile(case), case.expect) {
            (Ok(re), Ok(inputs)) => {
                for (input, want) in inputs {
                    if re.is_match(input) != *want {
                        failures.push(format!(
                            "{:?} (anchored: {}) on {input:?}: want {want}",
                            case.pattern, case.anchored
                        ));
                    }
                }
            }
            (Err(got), Err(want)) if got == want => {}
            (got, want) => failures.push(format!(
                "{:?} (anchored: {}): got {:?}, want {:?}",
                case.pattern,
                case.anchored,
                got.map(|_| "compiled"),
                want.map(|_| "compiled")
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn replace(case: &ReplaceCase) -> Result<String, String> {
    GoRegex::new(case.pattern)
        .map(|re| re.replace_all(case.src, case.template))
        .map_err(|e| e.message)
}

#[test]
fn replace_table_matches_recorded_go_results() {
    for case in REPLACE_CASES {
        let want = case.expect.map(str::to_owned).map_err(str::to_owned);
        assert_eq!(
            replace(case),
            want,
            "{:?} / {:?} on {:?}",
            case.pattern,
            case.template,
            case.src
        );
    }
}

fn go_duration(input: &str) -> Result<String, String> {
    GoDuration::parse_nanos(input)
        .map(GoDuration::format_nanos)
        .map_err(|e| e.message)
}

#[test]
fn duration_table_matches_recorded_go_results() {
    for (input, want) in GO_DURATION_CASES {
        let want = want.map(str::to_owned).map_err(str::to_owned);
        assert_eq!(go_duration(input), want, "{input:?}");
    }
}

#[test]
fn quote_table_matches_recorded_go_results() {
    for (input, want) in QUOTE_CASES {
        assert_eq!(&go_quote(input), want, "{input:?}");
        assert_eq!(go_unquote(want).as_deref(), Ok(*input));
    }
}

// ---- Live Go oracle ----

/// A small Go program answering one request per line (tab-separated,
/// strings as Go quoted literals):
/// `R pattern anchored input...` -> `"error"` or `""` then one 1/0 per input;
/// `X pattern template src` -> `ok|err <quoted>`; `D duration` -> `ok|err
/// <quoted>`; `Q string` -> `strconv.Quote(string)`.
const GO_ORACLE: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func unq(s string) string {
	u, err := strconv.Unquote(s)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bad quoted field %s\n", s)
		os.Exit(2)
	}
	return u
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Split(in.Text(), "\t")
		switch f[0] {
		case "R":
			p := unq(f[1])
			if f[2] == "1" {
				p = "^(?:" + p + ")$"
			}
			re, err := regexp.Compile(p)
			if err != nil {
				fmt.Fprintln(out, strconv.Quote(err.Error()))
				continue
			}
			var b strings.Builder
			b.WriteString(`""`)
			for _, s := range f[3:] {
				if re.MatchString(unq(s)) {
					b.WriteString("\t1")
				} else {
					b.WriteString("\t0")
				}
			}
			fmt.Fprintln(out, b.String())
		case "X":
			re, err := regexp.Compile(unq(f[1]))
			if err != nil {
				fmt.Fprintf(out, "err\t%s\n", strconv.Quote(err.Error()))
				continue
			}
			fmt.Fprintf(out, "ok\t%s\n", strconv.Quote(re.ReplaceAllString(unq(f[3]), unq(f[2]))))
		case "D":
			d, err := time.ParseDuration(unq(f[1]))
			if err != nil {
				fmt.Fprintf(out, "err\t%s\n", strconv.Quote(err.Error()))
			} else {
				fmt.Fprintf(out, "ok\t%s\n", strconv.Quote(d.String()))
			}
		case "Q":
			fmt.Fprintln(out, strconv.Quote(unq(f[1])))
		}
	}
}
"#;

/// Quotes `s` for the oracle's input without relying on this crate:
/// printable ASCII as is, everything else as `\U` escapes.
fn transport(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Runs the oracle on `requests`; `None` (after saying why) when Go is not
/// available or cannot run here.
fn run_go(requests: &[String]) -> Option<Vec<String>> {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("SKIPPED: `go` is not on PATH; live Go comparison not run");
        return None;
    }
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tocsin-model-go-oracle-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).ok()?;
    let main = dir.join("main.go");
    std::fs::write(&main, GO_ORACLE).ok()?;
    let mut child = Command::new("go")
        .arg("run")
        .arg(&main)
        .env("GO111MODULE", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let mut input = requests.join("\n");
    input.push('\n');
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    let _ = writer.join();
    let _ = std::fs::remove_dir_all(&dir);
    if !output.status.success() {
        eprintln!(
            "SKIPPED: `go run` failed here: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    if lines.len() != requests.len() {
        eprintln!(
            "SKIPPED: Go oracle answered {} of {} requests",
            lines.len(),
            requests.len()
        );
        return None;
    }
    Some(lines)
}

fn unquote_go(field: &str) -> String {
    go_unquote(field)
        .unwrap_or_else(|e| panic!("Go printed {field:?}, which does not unquote: {e}"))
}

/// Go's answer to an `R` request: the error, or one verdict per input.
fn parse_regex_answer(line: &str) -> Result<Vec<bool>, String> {
    let mut fields = line.split('\t');
    let error = unquote_go(fields.next().unwrap_or("\"\""));
    if !error.is_empty() {
        return Err(error);
    }
    Ok(fields.map(|f| f == "1").collect())
}

fn regex_request(pattern: &str, anchored: bool, inputs: &[&str]) -> String {
    let mut fields = vec![
        "R".to_owned(),
        transport(pattern),
        if anchored { "1" } else { "0" }.to_owned(),
    ];
    fields.extend(inputs.iter().map(|i| transport(i)));
    fields.join("\t")
}

fn tagged_answer(line: &str) -> Result<String, String> {
    match line.split_once('\t') {
        Some(("ok", v)) => Ok(unquote_go(v)),
        Some(("err", v)) => Err(unquote_go(v)),
        _ => panic!("unexpected oracle line {line:?}"),
    }
}

#[test]
fn recorded_tables_agree_with_live_go() {
    let mut requests = Vec::new();
    for case in REGEX_CASES {
        let inputs: Vec<&str> = case
            .expect
            .map(|ins| ins.iter().map(|(i, _)| *i).collect())
            .unwrap_or_default();
        requests.push(regex_request(case.pattern, case.anchored, &inputs));
    }
    for case in REPLACE_CASES {
        requests.push(format!(
            "X\t{}\t{}\t{}",
            transport(case.pattern),
            transport(case.template),
            transport(case.src)
        ));
    }
    for (input, _) in GO_DURATION_CASES {
        requests.push(format!("D\t{}", transport(input)));
    }
    for (input, _) in QUOTE_CASES {
        requests.push(format!("Q\t{}", transport(input)));
    }
    let Some(answers) = run_go(&requests) else {
        return;
    };
    let mut answers = answers.iter();
    let mut next = || answers.next().map(String::as_str).unwrap_or_default();
    for case in REGEX_CASES {
        let recorded = case
            .expect
            .map(|ins| ins.iter().map(|(_, b)| *b).collect::<Vec<_>>())
            .map_err(str::to_owned);
        assert_eq!(
            parse_regex_answer(next()),
            recorded,
            "Go disagrees with the table on {:?}",
            case.pattern
        );
    }
    for case in REPLACE_CASES {
        let recorded = case.expect.map(str::to_owned).map_err(str::to_owned);
        assert_eq!(
            tagged_answer(next()),
            recorded,
            "Go disagrees on {:?}",
            case.pattern
        );
    }
    for (input, want) in GO_DURATION_CASES {
        let recorded = want.map(str::to_owned).map_err(str::to_owned);
        assert_eq!(
            tagged_answer(next()),
            recorded,
            "Go disagrees on duration {input:?}"
        );
    }
    for (input, want) in QUOTE_CASES {
        assert_eq!(next(), *want, "Go disagrees on quoting {input:?}");
    }
}

/// A tiny deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PATTERN_PIECES: &[&str] = &[
    "a",
    "b",
    "ab",
    "é",
    "K",
    "k",
    ".",
    "^",
    "$",
    "|",
    "(",
    ")",
    "(?:",
    "(?i)",
    "(?s)",
    "(?m)",
    "(?U)",
    "(?i:",
    "(?P<n>",
    "*",
    "+",
    "?",
    "*?",
    "{2}",
    "{1,3}",
    "{,2}",
    "{",
    "}",
    "{0}",
    "{2,}",
    "[",
    "]",
    "[^",
    "a-z",
    "-",
    "[:alpha:]",
    "[:^space:]",
    "\\d",
    "\\D",
    "\\s",
    "\\W",
    "\\w",
    "\\b",
    "\\B",
    "\\A",
    "\\z",
    "\\pL",
    "\\p{Greek}",
    "\\PN",
    "\\Q",
    "\\E",
    "\\x41",
    "\\x{e9}",
    "\\101",
    "\\0",
    "\\1",
    "\\.",
    "\\",
    " ",
    "\n",
    "_",
    "0",
    "9",
    "&&",
    "~",
    ":",
    "\\n",
    "\\t",
    "\\v",
    "\\f",
    "{1000}",
    "{500}",
    "{3,1001}",
    "(?-i)",
    "(?i-s:",
    "\\p{^Lu}",
    "\\x{",
    "[[",
    "))",
    "((",
    "\\Qa*\\E",
    "(?P<x>",
];

const INPUT_PIECES: &[&str] = &[
    "", "a", "b", "A", "ab", "é", "É", "K", "k", "\u{212a}", "\u{17f}", "s", "S", "\n", " ",
    "\u{b}", "\u{a0}", "1", "٣", "_", "-", "{", "}", "[", "]", "α", "Σ", "σ", "ς", ".", "aa", "bb",
    "z", "~", ":",
];

/// `TOCSIN_GO_FUZZ_CASES` and `TOCSIN_GO_FUZZ_SEED` widen the search locally.
#[test]
fn random_patterns_agree_with_live_go() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut rng = Rng(env("TOCSIN_GO_FUZZ_SEED", 0x9E37_79B9_7F4A_7C15) | 1);
    let mut cases: Vec<(String, bool, Vec<String>)> = Vec::new();
    for _ in 0..env("TOCSIN_GO_FUZZ_CASES", 3000) {
        let pieces = 1 + rng.next() % 10;
        let pattern: String = (0..pieces).map(|_| rng.pick(PATTERN_PIECES)).collect();
        let inputs: Vec<String> = (0..6)
            .map(|_| {
                (0..rng.next() % 4)
                    .map(|_| rng.pick(INPUT_PIECES))
                    .collect()
            })
            .collect();
        cases.push((pattern, rng.next().is_multiple_of(2), inputs));
    }
    let requests: Vec<String> = cases
        .iter()
        .map(|(p, anchored, inputs)| {
            let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            regex_request(p, *anchored, &inputs)
        })
        .collect();
    let Some(answers) = run_go(&requests) else {
        return;
    };
    let mut failures = Vec::new();
    for ((pattern, anchored, inputs), answer) in cases.iter().zip(&answers) {
        let compiled = if *anchored {
            GoRegex::new_anchored(pattern)
        } else {
            GoRegex::new(pattern)
        };
        let ours = compiled
            .map(|re| inputs.iter().map(|i| re.is_match(i)).collect::<Vec<_>>())
            .map_err(|e| e.message);
        let go = parse_regex_answer(answer);
        if ours != go {
            failures.push(format!(
                "{pattern:?} anchored={anchored} inputs={inputs:?}\n  ours={ours:?}\n  go  ={go:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
