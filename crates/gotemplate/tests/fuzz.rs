//! Robustness: arbitrary input must never panic or hang the parser, the
//! html escaper or the executor. Inputs are random strings, random
//! sequences of template-like fragments, and the templates of
//! `tests/cases.json` with random edits (these reach deep into escaping and
//! execution).

mod support;

use std::sync::LazyLock;

use proptest::prelude::*;
use support::{Suite, cases_path, load_suite, oracle_funcs, run_case};

static SUITE: LazyLock<Suite> = LazyLock::new(|| load_suite(&cases_path()));
use tocsin_gotemplate::{Template, Value};

const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    " ",
    "\n",
    "{{/*",
    "*/}}",
    ".",
    ".a",
    ".b.c",
    "$",
    "$x",
    ":=",
    "=",
    "|",
    "(",
    ")",
    "\"s\"",
    "`r`",
    "'c'",
    "1",
    "-2",
    "0x1F",
    "1.5e3",
    "nil",
    "true",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    "\"t\"",
    "len",
    "index",
    "slice",
    "printf",
    "\"%d %s %v %q\"",
    "print",
    "eq",
    "lt",
    "and",
    "or",
    "not",
    "html",
    "js",
    "urlquery",
    "call",
    "upper",
    "add",
    "<a href=\"",
    "\">",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "'",
    "\"",
    "<p title=",
    ">",
    "onclick=\"",
    "url(",
    "/*",
    "//",
    "`",
    "<textarea>",
    "</textarea>",
    "{{.}}",
    "{{range .l}}",
    "{{end}}",
    "{{else}}",
    "{{if .a}}",
    "{{template \"t\" .}}",
    "{{define \"t\"}}",
    "é",
    "\u{2028}",
];

fn data() -> Value {
    Value::map([
        ("a", Value::from(1)),
        ("b", Value::map([("c", Value::from("<x>"))])),
        (
            "l",
            Value::list([Value::from(1), Value::from("two"), Value::Nil]),
        ),
        ("s", Value::from("str")),
    ])
}

fn exercise(text: &str) {
    for html in [false, true] {
        let mut t = if html {
            Template::new_html("fuzz")
        } else {
            Template::new("fuzz")
        };
        t.funcs(oracle_funcs()).expect("funcs");
        t.max_output(Some(1 << 16));
        if t.parse(text).is_ok() {
            let _ = t.execute_to_string(&data());
            let _ = t.execute_to_string(&Value::Nil);
            for name in t.template_names() {
                let mut out = String::new();
                let _ = t.execute_template(&name, &data(), &mut out);
            }
        }
    }
}

/// 400 cases per property unless `PROPTEST_CASES` asks for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_strings_never_panic(text in "\\PC{0,60}") {
        exercise(&text);
    }

    #[test]
    fn edited_case_templates_never_panic(
        case in 0..SUITE.cases.len(),
        edits in proptest::collection::vec(
            (any::<proptest::sample::Index>(), proptest::option::of(proptest::sample::select(FRAGMENTS))),
            1..5,
        )
    ) {
        let mut edited = SUITE.cases[case].clone();
        if let serde_json::Value::String(text) = &edited.template {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, insert) in &edits {
                let pos = at.index(chars.len() + 1);
                match insert {
                    Some(fragment) => {
                        for (k, ch) in fragment.chars().enumerate() {
                            chars.insert(pos + k, ch);
                        }
                    }
                    None if pos < chars.len() => {
                        chars.remove(pos);
                    }
                    None => {}
                }
            }
            edited.template = serde_json::Value::String(chars.into_iter().collect());
            let _ = run_case(&SUITE, &edited);
        }
    }

    #[test]
    fn random_template_fragments_never_panic(
        parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)
    ) {
        exercise(&parts.concat());
    }
}
