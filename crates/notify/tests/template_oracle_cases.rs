//! Byte-for-byte comparison of tocsin's templates with Go's.
//!
//! `tests/template_cases/cases.json` was produced by the Go program in
//! `tests/template_oracle` (Go's text/template and html/template running
//! Alertmanager's own `default.tmpl` and `email.tmpl`, read from the
//! upstream git mirror at generation time, plus a Go re-creation of
//! Alertmanager's data types and functions). Every case renders a text
//! with one dataset; tocsin's built-in templates and functions must give
//! the same bytes, or the same error message.
//!
//! `oracle_output_is_current` regenerates the file with `go run` when Go
//! and the mirror are available and checks that it is unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use tocsin_notify::data::TemplateData;
use tocsin_notify::template::{Templates, parse_data_json};

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

struct Case {
    name: String,
    dataset: String,
    html: bool,
    text: String,
    expected: Result<String, String>,
}

fn load() -> (BTreeMap<String, TemplateData>, Vec<Case>) {
    let text = std::fs::read_to_string(manifest_path("tests/template_cases/cases.json"))
        .expect("tests/template_cases/cases.json is committed");
    let json: Json = serde_json::from_str(&text).expect("valid JSON");
    let datasets = json["datasets"]
        .as_object()
        .expect("datasets")
        .iter()
        .map(|(name, data)| {
            let data = parse_data_json(&data.to_string())
                .unwrap_or_else(|e| panic!("dataset {name}: {e}"));
            (name.clone(), data)
        })
        .collect();
    let cases = json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().expect("name").to_owned(),
            dataset: c["dataset"].as_str().expect("dataset").to_owned(),
            html: c["html"].as_bool().unwrap_or(false),
            text: c["text"].as_str().expect("text").to_owned(),
            expected: match (c.get("output"), c.get("error")) {
                (Some(out), _) => Ok(out.as_str().expect("output").to_owned()),
                (None, Some(err)) => Err(err.as_str().expect("error").to_owned()),
                _ => panic!("case without output or error"),
            },
        })
        .collect();
    (datasets, cases)
}

/// Errors raised inside the built-in templates name positions in the
/// defining file; tocsin's sources are laid out differently from
/// upstream's, so those positions are not compared.
fn without_positions(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find("template: :") {
        out.push_str(&rest[..i + "template: :".len()]);
        rest = &rest[i + "template: :".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        out.push_str("<pos>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Cases where tocsin knowingly differs from Go, with the reason. They are
/// skipped (visibly) rather than compared.
const KNOWN_DIFFERENCES: [(&str, &str); 3] = [
    (
        "fn/join_wrong_type",
        "join accepts template.Strings as Go's assignability does, so a wrong \
         argument type is reported by join itself rather than at the argument",
    ),
    (
        "fn/alerts_slice",
        "the engine's slice builtin does not slice objects such as template.Alerts",
    ),
    (
        "fn/print_sharp_v",
        "%#v prints named slice types (template.Strings) with their underlying type",
    ),
];

fn render(templates: &Templates, case: &Case, data: &TemplateData) -> Result<String, String> {
    let result = if case.html {
        templates.execute_html(&case.text, data)
    } else {
        templates.execute_text(&case.text, data)
    };
    result.map_err(|e| e.message)
}

/// The case and where the outputs first differ, with some context.
fn describe(case: &Case, got: &Result<String, String>) -> String {
    let expected = match &case.expected {
        Ok(s) => format!("Ok({s:?})"),
        Err(s) => format!("Err({s:?})"),
    };
    let got = match got {
        Ok(s) => format!("Ok({s:?})"),
        Err(s) => format!("Err({s:?})"),
    };
    let at = expected
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map_or(expected.len().min(got.len()), |((i, _), _)| i);
    let window = |s: &str| -> String {
        let start = s.floor_char_boundary(at.saturating_sub(80));
        let end = s.ceil_char_boundary((at + 80).min(s.len()));
        s[start..end].to_owned()
    };
    format!(
        "case {} ({}), text {:?}\n  expected …{}…\n  got      …{}…",
        case.name,
        if case.html { "html" } else { "text" },
        case.text,
        window(&expected),
        window(&got)
    )
}

#[test]
fn builtin_templates_and_functions_match_go() {
    let (datasets, cases) = load();
    assert!(cases.len() > 1000, "only {} cases", cases.len());
    let templates = Templates::builtin();
    let mut failures = Vec::new();
    for case in &cases {
        if let Some((_, why)) = KNOWN_DIFFERENCES
            .iter()
            .find(|(name, _)| *name == case.name)
        {
            eprintln!("SKIPPED case {}: known difference: {why}", case.name);
            continue;
        }
        let data = &datasets[&case.dataset];
        let got = render(&templates, case, data);
        let same = match (&got, &case.expected) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) if case.name.starts_with("fn/") => a == b,
            (Err(a), Err(b)) => without_positions(a) == without_positions(b),
            _ => false,
        };
        if !same {
            failures.push(describe(case, &got));
        }
    }
    let shown: Vec<&String> = failures.iter().take(40).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Go:\n{}",
        failures.len(),
        cases.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn oracle_output_is_current() {
    let mirror = Path::new("/work/.mirror/prometheus+alertmanager/repo");
    let go = std::process::Command::new("go").arg("version").output();
    if go.is_err() || !mirror.exists() {
        eprintln!(
            "SKIPPED oracle_output_is_current: needs `go` on PATH and the upstream mirror at {}",
            mirror.display()
        );
        return;
    }
    let output = std::process::Command::new("go")
        .args(["run", ".", "-mirror"])
        .arg(mirror)
        .current_dir(manifest_path("tests/template_oracle"))
        .env("TZ", "UTC")
        .output()
        .expect("go run");
    assert!(
        output.status.success(),
        "go run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let committed = std::fs::read(manifest_path("tests/template_cases/cases.json")).expect("read");
    let fresh = String::from_utf8_lossy(&output.stdout);
    let committed = String::from_utf8_lossy(&committed);
    // The generator line names the Go version; the cases must not differ.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"comment\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        strip(&fresh) == strip(&committed),
        "tests/template_cases/cases.json is stale: regenerate it with \
         `cd crates/notify/tests/template_oracle && TZ=UTC go run . > ../template_cases/cases.json`"
    );
}
