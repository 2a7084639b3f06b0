//! Runs every case of `tests/cases.json` (expected output and errors
//! produced by Go 1.19's text/template and html/template through
//! `tests/oracle/main.go`) and requires byte-identical results, except for
//! the documented differences in `KNOWN_DIFFERENCES`, whose own expected
//! results are asserted instead.

mod support;

use support::{Outcome, cases_path, load_cases, run_case};

/// A case where this engine deliberately differs from Go 1.19.
struct Difference {
    name: &'static str,
    /// Why we differ.
    reason: &'static str,
    /// What we produce instead.
    output: &'static str,
    error: &'static str,
}

const KNOWN_DIFFERENCES: &[Difference] = &[
    Difference {
        name: "range_over_int",
        reason: "Go 1.22+ ranges over integers; 1.19 rejects it",
        output: "xxx",
        error: "",
    },
    Difference {
        name: "exec_error_range_int_var",
        reason: "Go 1.22+ message for two variables over an integer",
        output: "",
        error: "template: exec_error_range_int_var:1:18: executing \"exec_error_range_int_var\" at <3>: can't use 3 to iterate over more than one variable",
    },
    Difference {
        name: "parse_with_else_with",
        reason: "Go 1.23+ accepts {{else with}}",
        output: "a",
        error: "",
    },
    Difference {
        name: "parse_if_else_with",
        reason: "Go 1.23+ leaves the `with` of {{else with}} inside an if to the list parser",
        output: "",
        error: "template: parse_if_else_with:1: unexpected <with> in input",
    },
    Difference {
        name: "template_infinite",
        reason: "our template depth limit is 100 (Go: 100000)",
        output: "",
        error: "template: template_infinite:1:25: executing \"r\" at <{{template \"r\"}}>: exceeded maximum template depth (100)",
    },
    Difference {
        name: "func_value_printed",
        reason: "function values have no Go signature type name",
        output: "",
        error: "template: func_value_printed:1:2: executing \"func_value_printed\" at <{{adder}}>: can't print {{adder}} of type func",
    },
    Difference {
        name: "parse_complex",
        reason: "complex constants are not supported",
        output: "",
        error: "template: parse_complex:1: complex constant \"1+2i\" is not supported",
    },
    Difference {
        name: "parse_imaginary",
        reason: "complex constants are not supported",
        output: "",
        error: "template: parse_imaginary:1: complex constant \"2i\" is not supported",
    },
];

#[test]
fn all_cases_match_go() {
    let cases = load_cases(&cases_path());
    assert!(cases.len() >= 300, "expected at least 300 cases");
    let mut failures = Vec::new();
    for case in &cases {
        let got = run_case(case);
        let difference = KNOWN_DIFFERENCES.iter().find(|d| d.name == case.name);
        let (output, error) = match difference {
            Some(d) => (d.output.to_string(), d.error.to_string()),
            None => (case.output.clone(), case.error.clone()),
        };
        let phase = if error.is_empty() {
            String::new()
        } else if difference.is_some() {
            got.phase.clone()
        } else {
            case.phase.clone()
        };
        let want = Outcome {
            output,
            error,
            phase,
        };
        if got == want {
            continue;
        }
        failures.push(format!(
            "--- {}{}\n  want output {:?}\n  got  output {:?}\n  want error  {:?}\n  got  error  {:?}",
            case.name,
            difference.map_or(String::new(), |d| format!(" (known difference: {})", d.reason)),
            want.output,
            got.output,
            want.error,
            got.error
        ));
    }
    for d in KNOWN_DIFFERENCES {
        assert!(
            cases.iter().any(|c| c.name == d.name),
            "known difference {} names no case",
            d.name
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Go:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
