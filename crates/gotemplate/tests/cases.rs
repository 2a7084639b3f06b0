//! Runs every case of `tests/cases.json` (expected output and errors
//! produced by Go 1.19's text/template and html/template through
//! `tests/oracle/main.go`) and requires byte-identical results, except for
//! the documented differences in `KNOWN_DIFFERENCES`, whose own expected
//! results are asserted instead.

mod support;

use support::{KNOWN_DIFFERENCES, cases_path, expected_outcome, load_suite, run_case};

#[test]
fn all_cases_match_go() {
    let suite = load_suite(&cases_path());
    let cases = &suite.cases;
    assert!(cases.len() >= 300, "expected at least 300 cases");
    let mut failures = Vec::new();
    for case in cases {
        let got = run_case(&suite, case);
        let difference = KNOWN_DIFFERENCES.iter().find(|d| d.name == case.name);
        let want = expected_outcome(case, &got);
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
