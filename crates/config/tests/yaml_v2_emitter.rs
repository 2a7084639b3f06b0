//! Differential test of the YAML emitter against Go's gopkg.in/yaml.v2.
//!
//! Runs only when `go` is on PATH and `TOCSIN_YAML_V2_DIR` points at a
//! checkout of gopkg.in/yaml.v2 v2.4.0 (the module Alertmanager uses; no
//! network is needed). Otherwise it skips with a message.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use tocsin_config::render::{Out, Render, emit};

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tagged(o: &Out) -> String {
    match o {
        Out::Null => r#"{"t":"null"}"#.into(),
        Out::Bool(b) => format!(r#"{{"t":"bool","v":{b}}}"#),
        Out::Int(i) => format!(r#"{{"t":"int","v":"{i}"}}"#),
        Out::Uint(u) => format!(r#"{{"t":"uint","v":"{u}"}}"#),
        Out::Float(f) => format!(r#"{{"t":"float","v":"{f:e}"}}"#),
        Out::Str(s) => format!(r#"{{"t":"str","v":{}}}"#, json_str(s)),
        Out::Seq(items) | Out::FlowSeq(items) => {
            format!(
                r#"{{"t":"seq","v":[{}]}}"#,
                items.iter().map(tagged).collect::<Vec<_>>().join(",")
            )
        }
        Out::Map(pairs) => format!(
            r#"{{"t":"map","v":[{}]}}"#,
            pairs
                .iter()
                .map(|(k, v)| format!("[{},{}]", tagged(k), tagged(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn has_flow(o: &Out) -> bool {
    match o {
        Out::FlowSeq(_) => true,
        Out::Seq(items) => items.iter().any(has_flow),
        Out::Map(pairs) => pairs.iter().any(|(k, v)| has_flow(k) || has_flow(v)),
        _ => false,
    }
}

fn str_map(pairs: &[(&str, &str)]) -> Out {
    Out::Map(
        pairs
            .iter()
            .map(|(k, v)| (Out::Str((*k).into()), Out::Str((*v).into())))
            .collect(),
    )
}

fn cases() -> Vec<Out> {
    let long = "This is a rather long description of an alert that keeps going well past eighty columns so that it folds";
    let strings = [
        "",
        " ",
        "plain",
        "true",
        "yes",
        "no",
        "on",
        "y",
        "null",
        "~",
        "1",
        "0x10",
        "1.5",
        "1e3",
        "17:00",
        "1:5",
        "-",
        "- x",
        "-x",
        ":x",
        "a: b",
        "a:b",
        "#x",
        "a #b",
        "a#b",
        "'q'",
        "\"d\"",
        "it's",
        "{{ template \"x\" . }}",
        "[a]",
        "{a}",
        "a,b",
        "?x",
        "!x",
        "&x",
        "*x",
        "|x",
        ">x",
        "%x",
        "@x",
        "`x",
        "---",
        "...",
        "tab\there",
        "lead ",
        " lead",
        "new\nline",
        "trail\n",
        "two\n\n",
        "\nlead",
        "multi\nline\nwith trailing space \nok",
        "ünïcödé",
        "emoji 🔥",
        "bell\u{7}",
        "nbsp\u{a0}x",
        long,
        "short words then a very long unbreakable token aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b",
        "<secret>",
        "https://example.com/path?x=1",
        "2001-12-14",
        "0o17",
        "+1",
        ".inf",
        ".5",
        "1_000",
    ];
    let mut out = Vec::new();
    for s in strings {
        out.push(Out::Map(vec![(Out::Str("key".into()), Out::Str(s.into()))]));
        out.push(Out::Seq(vec![Out::Str(s.into())]));
        out.push(Out::Map(vec![(
            Out::Str("nested".into()),
            Out::Seq(vec![Out::Map(vec![
                (Out::Str("k".into()), Out::Str(s.into())),
                (Out::Str("n".into()), Out::Int(1)),
            ])]),
        )]));
        if !s.is_empty() && !s.contains('\n') {
            out.push(Out::Map(vec![(Out::Str(s.into()), Out::Str("v".into()))]));
        }
    }
    out.push(Out::Map(vec![
        (
            Out::Str("floats".into()),
            Out::Seq(vec![
                Out::Float(0.1),
                Out::Float(1e6),
                Out::Float(-2.5),
                Out::Float(123456789.0),
            ]),
        ),
        (
            Out::Str("ints".into()),
            Out::Seq(vec![
                Out::Int(-3),
                Out::Uint(u64::MAX),
                Out::Bool(true),
                Out::Null,
            ]),
        ),
        (Out::Str("empty_list".into()), Out::Seq(vec![])),
        (Out::Str("empty_map".into()), Out::Map(vec![])),
        (
            Out::Str("nested".into()),
            Out::Seq(vec![
                Out::Seq(vec![Out::Str("a".into())]),
                str_map(&[("x", "y")]),
            ]),
        ),
    ]));
    // Whole configurations from the conformance data, rendered.
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/conformance/alertmanager-config"
    );
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if let Ok(loaded) = tocsin_config::load_file(&p) {
                out.push(loaded.config.render());
            }
        }
    }
    out
}

#[test]
fn emitter_matches_go_yaml_v2() {
    let Ok(yaml_dir) = std::env::var("TOCSIN_YAML_V2_DIR") else {
        eprintln!(
            "SKIP emitter_matches_go_yaml_v2: set TOCSIN_YAML_V2_DIR to a gopkg.in/yaml.v2 v2.4.0 checkout"
        );
        return;
    };
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("SKIP emitter_matches_go_yaml_v2: `go` is not on PATH");
        return;
    }
    let work = tempfile::tempdir().expect("tempdir");
    let go_mod = format!(
        "module oracle\n\ngo 1.19\n\nrequire gopkg.in/yaml.v2 v2.4.0\n\nreplace gopkg.in/yaml.v2 => {yaml_dir}\n"
    );
    std::fs::write(work.path().join("go.mod"), go_mod).expect("go.mod");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/yaml_v2_marshal.go");
    std::fs::copy(&src, work.path().join("main.go")).expect("copy oracle");

    let docs: Vec<Out> = cases().into_iter().filter(|d| !has_flow(d)).collect();
    let input = format!(
        "[{}]",
        docs.iter().map(tagged).collect::<Vec<_>>().join(",")
    );
    let mut child = Command::new("go")
        .args(["run", "."])
        .current_dir(work.path())
        .env("GOFLAGS", "-mod=mod")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("go run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("go output");
    assert!(
        output.status.success(),
        "go failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf8");
    let expected: Vec<&str> = text.split("\0\n").collect();
    assert!(
        expected.len() > docs.len(),
        "oracle printed {} documents for {}",
        expected.len(),
        docs.len()
    );
    assert!(docs.len() > 250, "only {} documents compared", docs.len());
    let mut mismatches = 0;
    for (doc, want) in docs.iter().zip(expected) {
        let got = emit(doc);
        if got != want {
            mismatches += 1;
            eprintln!("--- yaml.v2:\n{want}--- tocsin:\n{got}");
        }
    }
    assert_eq!(mismatches, 0, "{mismatches} documents differ from yaml.v2");
}
