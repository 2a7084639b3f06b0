//! Hostile or broken input: always a clear error, quickly, never a panic,
//! a hang or a stack overflow.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use tocsin_config::{LoadFailure, load_bytes_with, load_file, load_str};

/// Generous bound: these run unoptimised on a shared two-core machine.
const FAST: Duration = Duration::from_secs(10);

fn timed<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < FAST, "took {:?}", start.elapsed());
    out
}

fn message(f: &LoadFailure) -> String {
    f.first_upstream_message()
}

#[test]
fn missing_file() {
    let f = load_file("/nonexistent/dir/alertmanager.yml").expect_err("missing");
    assert_eq!(
        message(&f),
        "open /nonexistent/dir/alertmanager.yml: no such file or directory"
    );
    let d = f.errors().next().expect("error");
    assert_eq!((d.line, d.column), (0, 0));
    assert_eq!(
        d.to_string().lines().next(),
        Some(
            "/nonexistent/dir/alertmanager.yml: error: open /nonexistent/dir/alertmanager.yml: no such file or directory"
        )
    );
}

#[test]
fn directory_instead_of_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = load_file(dir.path()).expect_err("directory");
    assert!(message(&f).ends_with("is a directory"), "{}", message(&f));
}

#[test]
fn empty_and_comment_only_files() {
    for text in [
        "",
        "   \n\n",
        "# only a comment\n",
        "---\n",
        "~\n",
        "null\n",
    ] {
        let f = load_str(text, "am.yml").expect_err("empty");
        assert_eq!(message(&f), "no route provided in config", "{text:?}");
    }
}

#[test]
fn non_mapping_documents() {
    assert_eq!(
        message(&load_str("hello\n", "am.yml").expect_err("scalar")),
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hello` into config.plain"
    );
    assert_eq!(
        message(&load_str("- a\n- b\n", "am.yml").expect_err("list")),
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into config.plain"
    );
    // Nothing else piles up after the root is known to be wrong.
    assert_eq!(
        load_str("- a\n", "am.yml")
            .expect_err("list")
            .errors()
            .count(),
        1
    );
}

#[test]
fn syntax_errors_have_positions() {
    let f = load_str("route:\n  receiver: a: b\n", "am.yml").expect_err("syntax");
    assert_eq!(
        message(&f),
        "yaml: line 2: mapping values are not allowed in this context"
    );
    let d = f.errors().next().expect("error");
    assert_eq!(d.line, 2);
    assert!(d.hint.is_some());
    let f = load_str("route:\n\treceiver: a\n", "am.yml").expect_err("tab");
    assert_eq!(f.errors().next().map(|d| d.line), Some(2));
    let f = load_str("a: *nothing\n", "am.yml").expect_err("alias");
    assert_eq!(
        message(&f),
        "yaml: line 1: unknown anchor 'nothing' referenced"
    );
}

#[test]
fn binary_garbage() {
    // Deterministic pseudo-random bytes (xorshift).
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let f =
        timed(|| load_bytes_with(&bytes, "garbage.bin", &Default::default())).expect_err("garbage");
    assert_eq!(message(&f), "yaml: invalid leading UTF-8 octet");
    let d = f.errors().next().expect("error");
    assert!(
        d.hint.as_deref().is_some_and(|h| h.contains("not UTF-8")),
        "{d}"
    );
    assert!(d.line >= 1);
    // Valid UTF-8 that is still nonsense, with control characters.
    let junk: String = bytes.iter().map(|&b| char::from(b % 0x7f)).collect();
    let f = timed(|| load_str(&junk, "junk.yml")).expect_err("junk");
    assert!(f.errors().count() >= 1);
}

#[test]
fn ten_megabyte_file() {
    let mut text = String::from("route:\n  receiver: r\nreceivers:\n- name: r\n");
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!("unknown_key_{i}: some value that is ignored\n"));
        i += 1;
    }
    let f = timed(|| load_str(&text, "big.yml")).expect_err("big");
    let shown: Vec<&tocsin_config::Diagnostic> = f.errors().collect();
    assert!(
        shown.len() <= 501,
        "diagnostics are capped, got {}",
        shown.len()
    );
    assert!(
        shown
            .last()
            .is_some_and(|d| d.message.ends_with("more problems not shown")),
        "{:?}",
        shown.last()
    );
    // One giant line.
    let line = format!(
        "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x/{}\n",
        "a".repeat(10 * 1024 * 1024)
    );
    assert!(timed(|| load_str(&line, "line.yml")).is_ok());
}

#[test]
fn size_limit_is_clear() {
    let options = tocsin_config::LoadOptions {
        max_bytes: 1000,
        ..Default::default()
    };
    let f = load_bytes_with(&[b'#'; 2000], "big.yml", &options).expect_err("too big");
    assert!(message(&f).contains("limit"), "{}", message(&f));
}

#[test]
fn ten_thousand_levels_of_nesting() {
    let flow = format!("route: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let f = timed(|| load_str(&flow, "deep.yml")).expect_err("deep flow");
    assert!(message(&f).contains("levels deep"), "{}", message(&f));
    let mut block = String::new();
    for depth in 0..10_000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("routes:\n");
    }
    let f = timed(|| load_str(&block, "deep.yml")).expect_err("deep block");
    assert!(message(&f).contains("levels deep"), "{}", message(&f));
    let mut seq = String::new();
    for depth in 0..10_000 {
        seq.push_str(&"  ".repeat(depth));
        seq.push_str("- \n");
    }
    assert!(timed(|| load_str(&seq, "deep.yml")).is_err());
}

#[test]
fn deep_but_legal_route_trees_load() {
    // 50 levels of nested routes (100 YAML levels): fine.
    let mut yaml = String::from("receivers:\n- name: r\nroute:\n  receiver: r\n");
    let mut indent = 2;
    for i in 0..50 {
        yaml.push_str(&format!(
            "{}routes:\n{}- matchers: ['l{i}=\"v\"']\n",
            " ".repeat(indent),
            " ".repeat(indent)
        ));
        indent += 2;
    }
    let c = timed(|| load_str(&yaml, "deep.yml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .config;
    let mut depth = 0;
    let mut r = &c.route;
    while let Some(child) = r.routes.first() {
        depth += 1;
        r = child;
    }
    assert_eq!(depth, 50);
}

#[test]
fn alias_bomb() {
    // "Billion laughs" inside a free-form field (webhook `payload`), where
    // every alias would be expanded: 9^9 leaves.
    let mut payload = String::from("{a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]");
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let refs = vec![format!("*{prev}"); 9].join(",");
        payload.push_str(&format!(", {name}: &{name} [{refs}]"));
        prev = name;
    }
    payload.push('}');
    let yaml = format!(
        "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    payload: {payload}\n"
    );
    let f = timed(|| load_str(&yaml, "bomb.yml")).expect_err("bomb");
    assert_eq!(message(&f), "yaml: document contains excessive aliasing");
    // Typed fields do not expand aliases of the wrong shape at all.
    let typed = "a: &a [x, x]\n".to_owned();
    assert!(load_str(&typed, "t.yml").is_err());
}

#[test]
fn self_referencing_anchor() {
    let f = timed(|| {
        load_str(
            "route: &r\n  receiver: x\n  routes:\n  - *r\nreceivers:\n- name: x\n",
            "self.yml",
        )
    });
    let f = f.expect_err("cycle");
    assert!(
        message(&f).contains("anchor 'r' value contains itself"),
        "{}",
        message(&f)
    );
}

#[test]
fn merge_key_with_a_scalar() {
    let f = load_str(
        "route:\n  <<: 3\n  receiver: r\nreceivers:\n- name: r\n",
        "m.yml",
    )
    .expect_err("bad merge");
    assert_eq!(
        message(&f),
        "yaml: map merge requires map or sequence of maps as the value"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// No input makes the loader panic.
    #[test]
    fn arbitrary_text_never_panics(text in "(?s)[ -~\\n\\t:#&*!|>'\"%@`{}\\[\\],-]{0,200}") {
        let _ = load_str(&text, "fuzz.yml");
    }

    /// Nor does a structurally plausible configuration with random values.
    #[test]
    fn plausible_shapes_never_panic(
        key in prop::sample::select(vec!["receiver", "group_by", "matchers", "routes", "continue", "group_wait", "labels", "match_re", "<<"]),
        value in prop::sample::select(vec!["x", "[a, b]", "{a: b}", "~", "''", "*x", "&x y", "30s", "[]", "0", "'a=~('", "true"]),
    ) {
        let yaml = format!("route:\n  receiver: r\n  routes:\n  - {key}: {value}\nreceivers:\n- name: r\n");
        let _ = load_str(&yaml, "fuzz.yml");
    }
}

/// The deepest document the parser accepts decodes, lints and renders
/// within a 1 MiB stack (test threads get 2 MiB; the main thread 8 MiB).
#[test]
fn maximum_depth_fits_a_small_stack() {
    let run = || {
        let depth = tocsin_config::yaml::MAX_DEPTH - 6;
        let payload = format!("{}x{}", "[".repeat(depth), "]".repeat(depth));
        let yaml = format!(
            "route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://x\n    payload: {payload}\n"
        );
        let loaded = load_str(&yaml, "deep.yml").unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.config.to_yaml().len() > depth);
        let mut routes = String::from("receivers:\n- name: r\nroute:\n  receiver: r\n");
        for i in 0..(tocsin_config::yaml::MAX_DEPTH / 2 - 2) {
            let pad = " ".repeat(2 + 2 * i);
            routes.push_str(&format!("{pad}routes:\n{pad}- receiver: r\n"));
        }
        let loaded = load_str(&routes, "deep.yml").unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.config.to_yaml().len() > 100);
    };
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(run)
        .expect("spawn")
        .join()
        .expect("no stack overflow");
}
