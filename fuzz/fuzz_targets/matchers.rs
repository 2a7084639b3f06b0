//! Fuzzes the matcher parsers in every mode: no input may panic, and every
//! list that parses must print to a string that parses back to the same
//! canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tocsin_model::matcher::{ParseMode, parse_matcher, parse_matchers};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    for mode in [ParseMode::Fallback, ParseMode::Utf8Strict, ParseMode::Classic] {
        let _ = parse_matcher(input, mode);
        if let Ok(matchers) = parse_matchers(input, ParseMode::Utf8Strict) {
            if mode != ParseMode::Utf8Strict {
                continue;
            }
            let printed: Vec<String> = matchers.iter().map(|m| m.to_string()).collect();
            let joined = format!("{{{}}}", printed.join(","));
            let reparsed = parse_matchers(&joined, ParseMode::Utf8Strict)
                .unwrap_or_else(|e| panic!("{joined:?} does not parse back: {e}"));
            let reprinted: Vec<String> = reparsed.iter().map(|m| m.to_string()).collect();
            assert_eq!(printed, reprinted);
        }
    }
});
