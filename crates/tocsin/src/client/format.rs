//! amtool's three output formats for alerts and silences (`-o simple`,
//! `-o extended`, `-o json`), byte for byte: the tables are built as amtool
//! builds them (tab-separated cells, every row tab-terminated, rows sorted
//! with Go's unstable `sort.Sort` by start or end time) and aligned by the
//! [`tabwriter`](super::tabwriter) clone; dates use `--date.format`; JSON is
//! the models re-encoded, unsorted, as Go's encoder writes them.

use tocsin_api::strfmt::DateTime;
use tocsin_model::matcher::{MatchType, Matcher};

use super::models::{self, GettableAlert, GettableSilence, LabelSet};
use super::{gosort, gotime, tabwriter};

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Simple,
    Extended,
    Json,
}

impl Output {
    /// kingpin's enum flag: the value or its error text.
    pub fn parse(value: &str) -> Result<Output, String> {
        match value {
            "simple" => Ok(Output::Simple),
            "extended" => Ok(Output::Extended),
            "json" => Ok(Output::Json),
            other => Err(format!(
                "enum value must be one of simple,extended,json, got '{other}'"
            )),
        }
    }
}

/// Prints alerts and silences in one output format.
pub struct Formatter {
    pub output: Output,
    /// Go layout for dates (`--date.format`).
    pub date_format: String,
}

/// Go's zero `time.Time`, shown for a missing time (where Go would crash).
fn zero_time() -> DateTime {
    DateTime::parse("0001-01-01T00:00:00Z").unwrap_or_else(|_| DateTime::utc(jiff::Timestamp::MIN))
}

/// `a.Before(b)` with a missing time as the zero time.
fn before(a: Option<&DateTime>, b: Option<&DateTime>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.instant < b.instant,
        (None, Some(_)) => true,
        _ => false,
    }
}

fn label<'a>(labels: Option<&'a LabelSet>, name: &str) -> &'a str {
    labels.and_then(|l| l.get(name)).map_or("", String::as_str)
}

/// `name="value"` pairs, sorted as strings and joined by spaces (values
/// are not escaped, as amtool prints them with `%s`).
fn extended_pairs(labels: Option<&LabelSet>) -> String {
    let mut pairs: Vec<String> = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect();
    pairs.sort();
    pairs.join(" ")
}

/// The matcher a silence's API matcher stands for (`isEqual` missing means
/// true, as for servers older than 0.22; a missing `isRegex` is false).
fn match_type(m: &models::Matcher) -> MatchType {
    match (m.is_regex.unwrap_or(false), m.is_equal.unwrap_or(true)) {
        (false, true) => MatchType::Equal,
        (false, false) => MatchType::NotEqual,
        (true, true) => MatchType::Regexp,
        (true, false) => MatchType::NotRegexp,
    }
}

/// Upstream's `labels.Matcher.String()` of an API matcher. The server
/// validated the regex; should it not compile here, the text is printed
/// all the same (it is never evaluated).
fn matcher_string(m: &models::Matcher) -> String {
    let name = m.name.as_deref().unwrap_or_default();
    let value = m.value.as_deref().unwrap_or_default();
    let kind = match_type(m);
    if let Ok(matcher) = Matcher::new(kind, name, value) {
        return matcher.to_string();
    }
    let plain = |n: &str, v: &str| {
        Matcher::new(MatchType::Equal, n, v)
            .map(|m| m.to_string())
            .unwrap_or_default()
    };
    let name_part = plain(name, "");
    let name_part = name_part
        .strip_suffix("=\"\"")
        .unwrap_or(&name_part)
        .to_owned();
    let whole = plain(name, value);
    let value_part = whole.get(name_part.len() + 1..).unwrap_or_default();
    format!("{name_part}{}{value_part}", kind.as_str())
}

fn matchers_of(s: &GettableSilence) -> impl Iterator<Item = &models::Matcher> {
    s.silence.matchers.iter().flatten().flatten()
}

impl Formatter {
    fn date(&self, t: Option<&DateTime>) -> String {
        match t {
            Some(t) => gotime::format(t, &self.date_format),
            None => gotime::format(&zero_time(), &self.date_format),
        }
    }

    /// `alert query` output. Nil elements (which would crash amtool's
    /// tables) are left out of the tables.
    pub fn alerts(&self, alerts: Option<Vec<Option<GettableAlert>>>) -> String {
        if self.output == Output::Json {
            return models::encode_alerts(alerts.as_deref());
        }
        let mut alerts: Vec<GettableAlert> = alerts.into_iter().flatten().flatten().collect();
        gosort::sort_by(&mut alerts, |a, b| {
            before(a.starts_at.as_ref(), b.starts_at.as_ref())
        });
        let mut table = String::new();
        let state = |a: &GettableAlert| {
            a.status
                .as_ref()
                .and_then(|s| s.state.clone())
                .unwrap_or_default()
        };
        if self.output == Output::Simple {
            table.push_str("Alertname\tStarts At\tSummary\tState\t\n");
            for a in &alerts {
                table.push_str(&format!(
                    "{}\t{}\t{}\t{}\t\n",
                    label(a.labels.as_ref(), "alertname"),
                    self.date(a.starts_at.as_ref()),
                    label(a.annotations.as_ref(), "summary"),
                    state(a)
                ));
            }
        } else {
            table.push_str("Labels\tAnnotations\tStarts At\tEnds At\tGenerator URL\tState\t\n");
            for a in &alerts {
                table.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t\n",
                    extended_pairs(a.labels.as_ref()),
                    extended_pairs(a.annotations.as_ref()),
                    self.date(a.starts_at.as_ref()),
                    self.date(a.ends_at.as_ref()),
                    a.generator_url,
                    state(a)
                ));
            }
        }
        tabwriter::align(&table, 2)
    }

    /// `silence query` / `silence update` output.
    pub fn silences(&self, mut silences: Vec<GettableSilence>) -> String {
        if self.output == Output::Json {
            return models::encode_silences(Some(&silences));
        }
        gosort::sort_by(&mut silences, |a, b| {
            before(a.silence.ends_at.as_ref(), b.silence.ends_at.as_ref())
        });
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut table = String::new();
        if self.output == Output::Simple {
            table.push_str("ID\tMatchers\tEnds At\tCreated By\tComment\t\n");
            for s in &silences {
                let matchers: Vec<String> = matchers_of(s).map(matcher_string).collect();
                table.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t\n",
                    text(&s.id),
                    matchers.join(" "),
                    self.date(s.silence.ends_at.as_ref()),
                    text(&s.silence.created_by),
                    text(&s.silence.comment)
                ));
            }
        } else {
            table.push_str("ID\tMatchers\tStarts At\tEnds At\tUpdated At\tCreated By\tComment\t\n");
            for s in &silences {
                let matchers: Vec<String> = matchers_of(s).map(matcher_string).collect();
                table.push_str(&format!(
                    "{}\t{{{}}}\t{}\t{}\t{}\t{}\t{}\t\n",
                    text(&s.id),
                    matchers.join(","),
                    self.date(s.silence.starts_at.as_ref()),
                    self.date(s.silence.ends_at.as_ref()),
                    self.date(s.updated_at.as_ref()),
                    text(&s.silence.created_by),
                    text(&s.silence.comment)
                ));
            }
        }
        tabwriter::align(&table, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_api::gojson;

    fn silences(body: &str) -> Vec<GettableSilence> {
        let value = gojson::parse(body.as_bytes()).expect("json");
        models::decode_gettable_silences(&value)
            .expect("decodes")
            .into_iter()
            .flatten()
            .flatten()
            .collect()
    }

    const SILENCE: &str = r#"[{"id":"9e22ad2f-023e-4c4b-a07c-04a53a7ec1c4","status":{"state":"active"},"updatedAt":"2026-11-21T05:24:28.352Z","comment":"first one","createdBy":"root","endsAt":"2026-11-21T06:24:28.351Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"test1"}],"startsAt":"2026-11-21T05:24:28.352Z"}]"#;

    /// Captured from amtool 0.25 for the same silence.
    #[test]
    fn simple_and_extended_silence_tables() {
        let simple = Formatter {
            output: Output::Simple,
            date_format: "2006-01-02 15:04:05 MST".into(),
        };
        assert_eq!(
            simple.silences(silences(SILENCE)),
            "ID                                    Matchers           Ends At                  Created By  Comment    \n\
             9e22ad2f-023e-4c4b-a07c-04a53a7ec1c4  alertname=\"test1\"  2026-11-21 06:24:28 UTC  root        first one  \n"
        );
        let extended = Formatter {
            output: Output::Extended,
            ..simple
        };
        assert_eq!(
            extended.silences(silences(SILENCE)),
            "ID                                    Matchers             Starts At                Ends At                  Updated At               Created By  Comment    \n\
             9e22ad2f-023e-4c4b-a07c-04a53a7ec1c4  {alertname=\"test1\"}  2026-11-21 05:24:28 UTC  2026-11-21 06:24:28 UTC  2026-11-21 05:24:28 UTC  root        first one  \n"
        );
    }

    #[test]
    fn matchers_print_like_upstream_even_with_a_bad_regex() {
        let m = |regex, equal, name: &str, value: &str| models::Matcher {
            is_equal: equal,
            is_regex: Some(regex),
            name: Some(name.into()),
            value: Some(value.into()),
        };
        assert_eq!(
            matcher_string(&m(true, Some(false), "a", "b.*")),
            "a!~\"b.*\""
        );
        assert_eq!(matcher_string(&m(false, None, "a", "q\"")), "a=\"q\\\"\"");
        assert_eq!(
            matcher_string(&m(true, Some(true), "a b", "(")),
            "\"a b\"=~\"(\""
        );
    }
}
