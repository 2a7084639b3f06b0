//! Log lines of `tocsin alertmanager`, in the two formats upstream's
//! `--log.format` offers (Go `log/slog` through prometheus/common's
//! promslog), written to standard error:
//!
//! * `logfmt`: `time=2026-01-02T15:04:05.000Z level=info source=file.rs:12
//!   msg="Listening on" address=127.0.0.1:9093` — values quoted with Go's
//!   `strconv.Quote` when slog's text handler would quote them (empty, or
//!   containing a space, `=`, `"` or a non-printable character);
//! * `json`: one object per line with the same keys, numbers and booleans
//!   unquoted.
//!
//! This is a small [`tracing::Subscriber`] of its own: events are formatted
//! as they come, spans carry nothing. Events of other crates are shown from
//! `warn` up only, so `--log.level=debug` is about tocsin itself.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tocsin_model::goquote::go_quote;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// `--log.format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Logfmt,
    Json,
}

/// Install the process-wide logger (once, at start).
pub fn install(
    max: Level,
    format: LogFormat,
) -> Result<(), tracing::subscriber::SetGlobalDefaultError> {
    tracing::subscriber::set_global_default(Logger {
        max,
        format,
        next_span: AtomicU64::new(1),
        zone: TimeZone::system(),
    })
}

struct Logger {
    max: Level,
    format: LogFormat,
    next_span: AtomicU64,
    zone: TimeZone,
}

/// One field value: text, or a number/boolean printed as is.
enum Value {
    Text(String),
    Raw(String),
}

#[derive(Default)]
struct Fields {
    message: String,
    pairs: Vec<(&'static str, Value)>,
}

impl Fields {
    fn push(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = match value {
                Value::Text(s) | Value::Raw(s) => s,
            };
        } else {
            self.pairs.push((field.name(), value));
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, Value::Text(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Value::Raw(value.to_string()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, Value::Raw(value.to_string()));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Value::Raw(value.to_string()));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Value::Raw(value.to_string()));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.push(field, Value::Text(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, Value::Text(format!("{value:?}")));
    }
}

impl Subscriber for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        let level = *metadata.level();
        level <= self.max && (metadata.target().starts_with("tocsin") || level <= Level::WARN)
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(self.max))
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed).max(1))
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let source = match (meta.file(), meta.line()) {
            (Some(file), Some(line)) => {
                let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
                format!("{base}:{line}")
            }
            _ => meta.target().to_owned(),
        };
        let line = Line {
            time: go_time(Timestamp::now(), &self.zone),
            level: level_name(*meta.level()),
            source,
            fields,
        };
        let text = match self.format {
            LogFormat::Logfmt => line.logfmt(),
            LogFormat::Json => line.json(),
        };
        // Logging must never take the process down; a closed stderr
        // loses the line.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "error",
        Level::WARN => "warn",
        Level::INFO => "info",
        // slog has no trace level; tocsin does not log at trace.
        Level::DEBUG | Level::TRACE => "debug",
    }
}

/// Go's `2006-01-02T15:04:05.000Z07:00` in the local zone.
fn go_time(now: Timestamp, zone: &TimeZone) -> String {
    let offset = zone.to_offset(now);
    let wall = offset.to_datetime(now);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
        wall.year(),
        wall.month(),
        wall.day(),
        wall.hour(),
        wall.minute(),
        wall.second(),
        wall.subsec_nanosecond() / 1_000_000
    );
    let seconds = offset.seconds();
    if seconds == 0 {
        out.push('Z');
    } else {
        let sign = if seconds < 0 { '-' } else { '+' };
        let minutes = seconds.unsigned_abs() / 60;
        let _ = write!(out, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
    }
    out
}

struct Line {
    time: String,
    level: &'static str,
    source: String,
    fields: Fields,
}

impl Line {
    fn logfmt(&self) -> String {
        let mut out = String::with_capacity(128);
        let _ = write!(
            out,
            "time={} level={} source={} msg={}",
            self.time,
            self.level,
            logfmt_value(&self.source),
            logfmt_value(&self.fields.message)
        );
        for (key, value) in &self.fields.pairs {
            let text = match value {
                Value::Text(s) => logfmt_value(s),
                Value::Raw(s) => s.clone(),
            };
            let _ = write!(out, " {}={}", logfmt_value(key), text);
        }
        out.push('\n');
        out
    }

    fn json(&self) -> String {
        let mut out = String::with_capacity(160);
        out.push_str("{\"time\":");
        json_string(&mut out, &self.time);
        out.push_str(",\"level\":");
        json_string(&mut out, self.level);
        out.push_str(",\"source\":");
        json_string(&mut out, &self.source);
        out.push_str(",\"msg\":");
        json_string(&mut out, &self.fields.message);
        for (key, value) in &self.fields.pairs {
            out.push(',');
            json_string(&mut out, key);
            out.push(':');
            match value {
                Value::Text(s) => json_string(&mut out, s),
                Value::Raw(s)
                    if s.parse::<f64>().is_ok_and(f64::is_finite)
                        || s == "true"
                        || s == "false" =>
                {
                    out.push_str(s)
                }
                Value::Raw(s) => json_string(&mut out, s),
            }
        }
        out.push_str("}\n");
        out
    }
}

/// slog's text handler: quote when empty or when any character is a space,
/// `=`, `"`, a control or other non-printable character.
fn logfmt_value(s: &str) -> String {
    let needs_quotes = s.is_empty()
        || s.chars().any(|c| {
            c == ' '
                || c == '='
                || c == '"'
                || c.is_control()
                || c.is_whitespace()
                || c == '\u{fffd}'
        });
    if needs_quotes {
        go_quote(s)
    } else {
        s.to_owned()
    }
}

/// A JSON string as slog writes it (no HTML escaping).
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pairs: Vec<(&'static str, Value)>) -> Line {
        Line {
            time: "2026-01-02T03:04:05.006Z".into(),
            level: "info",
            source: "listen.rs:42".into(),
            fields: Fields {
                message: "Listening on".into(),
                pairs,
            },
        }
    }

    #[test]
    fn logfmt_quotes_like_slog() {
        let l = line(vec![
            ("address", Value::Text("127.0.0.1:9093".into())),
            ("tls", Value::Raw("false".into())),
            ("err", Value::Text("a \"b\"\n".into())),
            ("empty", Value::Text(String::new())),
        ]);
        assert_eq!(
            l.logfmt(),
            "time=2026-01-02T03:04:05.006Z level=info source=listen.rs:42 msg=\"Listening on\" address=127.0.0.1:9093 tls=false err=\"a \\\"b\\\"\\n\" empty=\"\"\n"
        );
    }

    #[test]
    fn json_lines_are_objects() {
        let l = line(vec![
            ("count", Value::Raw("3".into())),
            ("file", Value::Text("a\tb".into())),
        ]);
        assert_eq!(
            l.json(),
            "{\"time\":\"2026-01-02T03:04:05.006Z\",\"level\":\"info\",\"source\":\"listen.rs:42\",\"msg\":\"Listening on\",\"count\":3,\"file\":\"a\\tb\"}\n"
        );
    }

    #[test]
    fn times_use_go_layout() {
        let t: Timestamp = "2026-03-04T05:06:07.891234Z".parse().unwrap();
        assert_eq!(go_time(t, &TimeZone::UTC), "2026-03-04T05:06:07.891Z");
        let zone = TimeZone::fixed(jiff::tz::offset(2));
        assert_eq!(go_time(t, &zone), "2026-03-04T07:06:07.891+02:00");
    }
}
