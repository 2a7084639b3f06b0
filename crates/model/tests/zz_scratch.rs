use tocsin_model::goquote::{go_quote, go_unquote};
use tocsin_model::matcher::*;

fn res(r: Result<(String, Option<FallbackNote>), MatcherError>) -> String {
    match r {
        Ok((s, n)) => format!("O {}{}", go_quote(&s), match n { None => "", Some(FallbackNote::ClassicOnly{..}) => " classic-only", Some(FallbackNote::Disagreement) => " disagree" }),
        Err(e) => format!("E {}", go_quote(&e.message)),
    }
}

#[test]
fn scratch() {
    let Ok(path) = std::env::var("SCRATCH_IN") else { return };
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let input = go_unquote(line).unwrap();
        let l = |m| parse_matchers_with_note(&input, m).map(|p| (Matchers(p.value).to_string(), p.fallback));
        let s = |m| parse_matcher_with_note(&input, m).map(|p| (p.value.to_string(), p.fallback));
        let strip = |r: Result<(String, Option<FallbackNote>), MatcherError>| r.map(|(s, _)| (s, None));
        let cols = [res(strip(l(ParseMode::Utf8Strict))), res(strip(l(ParseMode::Classic))), res(l(ParseMode::Fallback)),
            res(strip(s(ParseMode::Utf8Strict))), res(strip(s(ParseMode::Classic))), res(s(ParseMode::Fallback))];
        out.push_str(&cols.join("\t"));
        out.push('\n');
    }
    std::fs::write(std::env::var("SCRATCH_OUT").unwrap(), out).unwrap();
}
