//! amtool's matcher handling (`compat.Matcher(input, "cli")` and the
//! feature flags that choose the parser), including the log lines amtool
//! writes about it: like amtool 0.34, they go to standard output in slog's
//! text format, warnings always (features enabled, input only the classic
//! parser accepts, parsers disagreeing), debug lines with `--verbose`.
//! Timestamps and source positions cannot match amtool's byte for byte.

use std::fmt::Write as _;

use tocsin_model::matcher::{FallbackNote, Matcher, ParseMode, parse_matcher_with_note};

use super::print_out;

/// amtool 0.34's advice when only the classic parser accepts the input.
const FALLBACK_WARNING: &str = "Alertmanager is moving to a new parser for labels and matchers, and this input is incompatible. Alertmanager has instead parsed the input using the classic matchers parser as a fallback. To make this input compatible with the UTF-8 matchers parser please make sure all regular expressions and values are double-quoted and backslashes are escaped. If you are still seeing this message please open an issue.";

/// Feature names `--enable-feature` accepts (all of amtool 0.34's, though
/// only the two parser modes change what the client does).
const FEATURES: [(&str, &str); 7] = [
    ("alert-names-in-metrics", "Alert names in metrics enabled"),
    (
        "receiver-name-in-metrics",
        "Experimental receiver name in metrics enabled",
    ),
    (
        "group-key-in-metrics",
        "Experimental group key in metrics enabled",
    ),
    ("classic-mode", "Classic mode enabled"),
    ("utf8-strict-mode", "UTF-8 strict mode enabled"),
    (
        "auto-gomemlimit",
        "Automatically set GOMEMLIMIT to match the Linux container or system memory limit.",
    ),
    ("event-recorder", "Experimental event recorder enabled"),
];

/// The matcher parser and its logger.
pub struct MatcherParser {
    mode: ParseMode,
    verbose: bool,
}

/// slog's text-handler quoting of a value.
fn log_value(out: &mut String, value: &str) {
    let needs_quotes = value.is_empty()
        || value
            .chars()
            .any(|c| c == ' ' || c == '=' || c == '"' || c.is_control() || c.is_whitespace());
    if needs_quotes {
        out.push_str(&tocsin_model::goquote::go_quote(value));
    } else {
        out.push_str(value);
    }
}

/// One log line: `time=… level=WARN source=parse.go:136 msg="…" k=v…`.
fn log(level: &str, source: &str, msg: &str, attrs: &[(&str, &str)]) {
    let now = jiff::Zoned::now();
    let mut line = format!(
        "time={} level={level} source={source} msg=",
        now.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z")
    )
    .replace("+00:00 level", "Z level");
    log_value(&mut line, msg);
    for (key, value) in attrs {
        let _ = write!(line, " {key}=");
        log_value(&mut line, value);
    }
    print_out(&format!("{line}\n"));
}

impl MatcherParser {
    /// `--enable-feature` as amtool's `featurecontrol.NewFlags` reads it.
    pub fn new(features: &str, verbose: bool) -> Result<MatcherParser, String> {
        let (mut classic, mut strict) = (false, false);
        if !features.is_empty() {
            for feature in features.split(',') {
                let Some((_, message)) = FEATURES.iter().find(|(name, _)| *name == feature) else {
                    return Err(format!(
                        "error parsing the feature flag list: unknown option '{feature}' for --enable-feature"
                    ));
                };
                log("WARN", "featurecontrol.go:146", message, &[]);
                classic |= feature == "classic-mode";
                strict |= feature == "utf8-strict-mode";
            }
        }
        if classic && strict {
            return Err("error parsing the feature flag list: cannot have both classic and UTF-8 modes enabled".into());
        }
        let mode = match (classic, strict) {
            (true, _) => ParseMode::Classic,
            (_, true) => ParseMode::Utf8Strict,
            _ => ParseMode::Fallback,
        };
        Ok(MatcherParser { mode, verbose })
    }

    /// `compat.Matcher(input, "cli")`.
    pub fn matcher(&self, input: &str) -> Result<Matcher, String> {
        if self.verbose {
            let (source, msg) = match self.mode {
                ParseMode::Classic => ("parse.go:79", "Parsing with classic matchers parser"),
                ParseMode::Utf8Strict => ("parse.go:97", "Parsing with UTF-8 matchers parser"),
                ParseMode::Fallback => (
                    "parse.go:120",
                    "Parsing with UTF-8 matchers parser, with fallback to classic matchers parser",
                ),
            };
            log("DEBUG", source, msg, &[("input", input), ("origin", "cli")]);
        }
        let parsed = parse_matcher_with_note(input, self.mode).map_err(|e| e.message)?;
        match parsed.fallback {
            Some(FallbackNote::ClassicOnly {
                utf8_error,
                suggestion,
            }) => log(
                "WARN",
                "parse.go:136",
                FALLBACK_WARNING,
                &[
                    ("input", input),
                    ("origin", "cli"),
                    ("err", &utf8_error.message),
                    ("suggestion", &suggestion),
                ],
            ),
            Some(FallbackNote::Disagreement) => log(
                "WARN",
                "parse.go:142",
                "Matchers input has disagreement",
                &[("input", input), ("origin", "cli")],
            ),
            None => {}
        }
        Ok(parsed.value)
    }

    /// amtool's heuristic for the first positional argument: when it is not
    /// a matcher, it is the value of `alertname` (Go-quoted).
    pub fn with_alertname_heuristic(&self, args: &[String]) -> Vec<String> {
        let mut args = args.to_vec();
        if let Some(first) = args.first_mut()
            && self.matcher(first).is_err()
        {
            *first = format!("alertname={}", tocsin_model::goquote::go_quote(first));
        }
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_words_become_alertname_matchers() {
        let parser = MatcherParser::new("", false).expect("no features");
        assert_eq!(
            parser.with_alertname_heuristic(&["test1".into(), "a=b".into()]),
            vec!["alertname=\"test1\"".to_owned(), "a=b".to_owned()]
        );
        // amtool's acceptance test: braces are not a matcher, so they become
        // part of the alert name.
        assert_eq!(
            parser.with_alertname_heuristic(&["{alertname=test3}".into()]),
            vec!["alertname=\"{alertname=test3}\"".to_owned()]
        );
        assert_eq!(
            parser.with_alertname_heuristic(&["a=~b.*".into()]),
            vec!["a=~b.*".to_owned()]
        );
    }

    #[test]
    fn feature_list_errors_read_like_amtool() {
        assert_eq!(
            MatcherParser::new("bogus", false).err(),
            Some(
                "error parsing the feature flag list: unknown option 'bogus' for --enable-feature"
                    .to_owned()
            )
        );
        assert_eq!(
            MatcherParser::new("classic-mode,utf8-strict-mode", false).err(),
            Some("error parsing the feature flag list: cannot have both classic and UTF-8 modes enabled".to_owned())
        );
    }
}
