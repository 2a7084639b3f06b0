//! Generated configurations survive render → load: the rendering of a
//! loaded configuration loads again and renders identically (upstream's
//! `TestMarshalIdempotency`, generalised), and the meaning is kept.

use proptest::prelude::*;
use tocsin_config::load_str;

#[derive(Debug, Clone)]
struct GenRoute {
    receiver: Option<usize>,
    matchers: Vec<(String, String, &'static str)>,
    group_by: Option<Vec<String>>,
    continue_: bool,
    group_wait: Option<u32>,
    children: Vec<GenRoute>,
}

fn label_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}"
}

fn label_value() -> impl Strategy<Value = String> {
    // Printable text including characters that force quoting on output.
    "[ -~]{0,12}"
}

fn route(depth: u32, receivers: usize) -> BoxedStrategy<GenRoute> {
    let leaf = (
        prop::option::of(0..receivers),
        prop::collection::vec(
            (
                label_name(),
                label_value(),
                prop::sample::select(vec!["=", "!=", "=~", "!~"]),
            ),
            0..3,
        ),
        prop::option::of(
            prop::collection::btree_set(label_name(), 0..3)
                .prop_map(|s| s.into_iter().collect::<Vec<_>>()),
        ),
        any::<bool>(),
        prop::option::of(1u32..3600),
    );
    if depth == 0 {
        leaf.prop_map(
            |(receiver, matchers, group_by, continue_, group_wait)| GenRoute {
                receiver,
                matchers,
                group_by,
                continue_,
                group_wait,
                children: vec![],
            },
        )
        .boxed()
    } else {
        (
            leaf,
            prop::collection::vec(route(depth - 1, receivers), 0..3),
        )
            .prop_map(
                |((receiver, matchers, group_by, continue_, group_wait), children)| GenRoute {
                    receiver,
                    matchers,
                    group_by,
                    continue_,
                    group_wait,
                    children,
                },
            )
            .boxed()
    }
}

/// A double-quoted YAML scalar with Go-compatible escapes.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_route(r: &GenRoute, indent: usize, root: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut first = true;
    let mut line = |text: String, out: &mut String| {
        if root || !first {
            out.push_str(&pad);
        }
        out.push_str(&text);
        out.push('\n');
        first = false;
    };
    if root {
        line("receiver: r0".into(), out);
    } else {
        line(format!("continue: {}", r.continue_), out);
        if let Some(rcv) = r.receiver {
            line(format!("receiver: r{rcv}"), out);
        }
    }
    if !root && !r.matchers.is_empty() {
        let items: Vec<String> = r
            .matchers
            .iter()
            .map(|(n, v, op)| {
                let value = if op.contains('~') {
                    regex_safe(v)
                } else {
                    v.clone()
                };
                quoted(&format!("{n}{op}{}", quoted(&value)))
            })
            .collect();
        line(format!("matchers: [{}]", items.join(", ")), out);
    }
    if let Some(g) = &r.group_by {
        line(format!("group_by: [{}]", g.join(", ")), out);
    }
    if let Some(w) = r.group_wait {
        line(format!("group_wait: {w}s"), out);
    }
    if !r.children.is_empty() {
        line("routes:".into(), out);
        for child in &r.children {
            out.push_str(&format!("{pad}- "));
            write_route(child, indent + 2, false, out);
        }
    }
}

/// Regex values made of literal characters only (escaped), so that any
/// generated text is a valid RE2 expression.
fn regex_safe(v: &str) -> String {
    v.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect()
}

fn config(route: &GenRoute, receivers: usize, secrets: &[String]) -> String {
    let mut out =
        String::from("global:\n  smtp_smarthost: mail:25\n  smtp_from: am@example.org\nroute:\n");
    write_route(route, 2, true, &mut out);
    out.push_str("receivers:\n");
    for i in 0..receivers {
        out.push_str(&format!("- name: r{i}\n"));
        let secret = quoted(&secrets[i % secrets.len()]);
        match i % 4 {
            0 => out.push_str(&format!("  webhook_configs:\n  - url: http://hook/{i}\n    max_alerts: {i}\n    http_config:\n      basic_auth: {{username: u, password: {secret}}}\n")),
            1 => out.push_str(&format!("  email_configs:\n  - to: r{i}@example.org\n    headers: {{x-team: t{i}}}\n    auth_password: {secret}\n")),
            2 => out.push_str(&format!("  slack_configs:\n  - api_url: https://hooks.slack.com/{i}\n    channel: '#c{i}'\n    text: {secret}\n")),
            _ => out.push_str(&format!("  pagerduty_configs:\n  - routing_key: {secret}\n    details: {{k: v{i}}}\n")),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn render_then_load_is_a_fixed_point(
        receivers in 1usize..5,
        r in route(2, 4),
        secrets in prop::collection::vec("S3CRET-[ -~]{4,12}", 1..3),
    ) {
        let yaml = config(&r, receivers, &secrets);
        let first = match load_str(&yaml, "gen.yml") {
            Ok(l) => l.config,
            // Routes to receivers beyond the generated count are rejected as
            // upstream does; nothing to round-trip then.
            Err(f) => {
                prop_assert!(f.first_upstream_message().starts_with("undefined receiver"), "{}\n{}", f, yaml);
                return Ok(());
            }
        };
        let rendered = first.to_yaml();
        let second = load_str(&rendered, "rendered.yml").map_err(|e| TestCaseError::fail(format!("{e}\n--- rendered:\n{rendered}")))?.config;
        prop_assert_eq!(&second.to_yaml(), &rendered);
        // Meaning is kept (secrets are masked by design).
        prop_assert_eq!(second.receivers.len(), first.receivers.len());
        fn shape(r: &tocsin_config::Route) -> Vec<String> {
            // Upstream marshals an explicit `group_by: []` as nothing
            // (`omitempty`), so that override does not survive rendering
            // there either.
            let group_by = r.group_by.clone().filter(|g| *g != tocsin_config::GroupBy::Labels(vec![]));
            let mut out = vec![format!("{:?}|{:?}|{}|{:?}|{}", r.receiver, group_by, r.r#continue, r.group_wait,
                r.matchers.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))];
            for c in &r.routes { out.extend(shape(c)); }
            out
        }
        prop_assert_eq!(shape(&second.route), shape(&first.route));
        for secret in &secrets {
            // Slack `text` is a template, not a secret; the others are.
            let masked = rendered.matches("S3CRET-").count();
            let slack_texts = second.receivers.iter().map(|r| r.slack_configs.len()).sum::<usize>();
            prop_assert!(masked <= slack_texts, "a secret leaked: {secret}\n{rendered}");
        }
    }
}
