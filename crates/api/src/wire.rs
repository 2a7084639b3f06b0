//! API v2 bodies on the wire: decoding `postableAlerts` and
//! `postableSilence` with go-swagger's rules and messages, and writing the
//! gettable shapes with upstream's field order and escaping.
//!
//! Decoding follows what the generated go-swagger code does: the body is
//! read as JSON (syntax errors → 400 `parsing alerts body from "" failed,
//! because …`), mapped onto the model with `encoding/json` semantics (field
//! names match case-insensitively, `null` keeps or clears a field, maps
//! merge on duplicate keys, type mismatches are reported with Go's
//! `json: cannot unmarshal …` text), then validated against the schema
//! (→ 422 with go-openapi error codes; only the first error is reported,
//! as go-openapi does).

use std::borrow::Cow;
use std::collections::BTreeMap;

use tocsin_model::PackedLabelSet;
use tocsin_model::goquote::go_quote;

use crate::gojson::{self, Cursor, SyntaxError, Value, write_string, write_string_map};
use crate::strfmt::{DateTime, is_request_uri};

/// go-openapi error code for a missing required value.
pub const CODE_REQUIRED: u16 = 602;
/// go-openapi error code for a value of the wrong format.
pub const CODE_INVALID_TYPE: u16 = 601;
/// go-openapi error code for an array with too few items.
pub const CODE_TOO_FEW_ITEMS: u16 = 612;

/// Why a request body was refused before reaching the handler.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Served as 400 `{"code":400,"message":…}`.
    #[error("{0}")]
    Parse(String),
    /// Served as 422 `{"code":<code>,"message":…}`.
    #[error("{message}")]
    Validation { code: u16, message: String },
}

/// One element of `postableAlerts` after decoding (absent times are
/// `None`, Go's zero time).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostableAlert {
    pub labels: Option<PackedLabelSet>,
    pub annotations: Option<PackedLabelSet>,
    pub starts_at: Option<DateTime>,
    pub ends_at: Option<DateTime>,
    pub generator_url: String,
}

/// A decoded and schema-valid `postableSilence`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostableSilence {
    /// Empty when not given.
    pub id: String,
    pub matchers: Vec<PostableMatcher>,
    pub starts_at: DateTime,
    pub ends_at: DateTime,
    pub created_by: String,
    pub comment: String,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostableMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    pub is_equal: bool,
}

const ALERT_PART0_TYPE: &str = "struct { Annotations models.LabelSet \"json:\\\"annotations,omitempty\\\"\"; EndsAt strfmt.DateTime \"json:\\\"endsAt,omitempty\\\"\"; StartsAt strfmt.DateTime \"json:\\\"startsAt,omitempty\\\"\" }";
const SILENCE_PART0_TYPE: &str = "struct { ID string \"json:\\\"id,omitempty\\\"\" }";

fn parse_error(what: &str, err: &str) -> BodyError {
    BodyError::Parse(format!(
        "parsing {what} body from \"\" failed, because {err}"
    ))
}

fn required(name: &str) -> BodyError {
    BodyError::Validation {
        code: CODE_REQUIRED,
        message: format!("{name} in body is required"),
    }
}

fn value_type_error(kind: &str, go_type: &str) -> String {
    format!("json: cannot unmarshal {kind} into Go value of type {go_type}")
}

/// Decoding state for one `json.Unmarshal` call: type mismatches are kept
/// (the first one wins) and decoding continues; other errors stop it.
#[derive(Default)]
struct Decoding {
    saved: Option<String>,
}

impl Decoding {
    fn mismatch(&mut self, kind: &str, struct_name: &str, path: &str, go_type: &str) {
        if self.saved.is_none() {
            self.saved = Some(field_type_error(kind, struct_name, path, go_type));
        }
    }

    fn finish(self) -> Result<(), String> {
        match self.saved {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn field_type_error(kind: &str, struct_name: &str, path: &str, go_type: &str) -> String {
    format!(
        "json: cannot unmarshal {kind} into Go struct field {struct_name}.{path} of type {go_type}"
    )
}

/// Go matches JSON keys to struct fields exactly or, failing that,
/// case-insensitively.
fn field_is(key: &str, name: &str) -> bool {
    key == name || key.eq_ignore_ascii_case(name)
}

/// A `models.LabelSet` field: `null` clears it, an object merges into it.
/// The decoded value is taken out of the tree (left `null`).
fn decode_label_set(
    value: &mut Value,
    target: &mut Option<BTreeMap<String, String>>,
    decoding: &mut Decoding,
    struct_name: &str,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::Object(members) => {
            let map = target.get_or_insert_with(BTreeMap::new);
            for (k, v) in std::mem::take(members) {
                match v {
                    Value::String(s) => {
                        map.insert(k, s);
                    }
                    Value::Null => {
                        map.entry(k).or_default();
                    }
                    other => {
                        decoding.mismatch(other.kind(), struct_name, path, "string");
                        map.entry(k).or_default();
                    }
                }
            }
            *value = Value::Null;
        }
        other => decoding.mismatch(other.kind(), struct_name, path, "models.LabelSet"),
    }
}

/// A `strfmt.DateTime` field (its own `UnmarshalJSON`: errors stop decoding).
fn decode_date_time(
    value: &Value,
    struct_name: &str,
    path: &str,
) -> Result<Option<Option<DateTime>>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => DateTime::parse(s).map(|t| Some(Some(t))),
        other => Err(field_type_error(other.kind(), struct_name, path, "string")),
    }
}

/// Decode a `postableAlerts` body.
pub fn decode_alerts(body: &[u8]) -> Result<Vec<PostableAlert>, BodyError> {
    match decode_plain_alerts(body) {
        Some(alerts) => validate_alerts(alerts, &[]),
        None => decode_alerts_from_tree(body),
    }
}

/// The five JSON keys of a `postableAlert`, as Prometheus sends them.
const PLAIN_ALERT_KEYS: [&str; 5] = [
    "labels",
    "annotations",
    "startsAt",
    "endsAt",
    "generatorURL",
];

/// The shape Prometheus sends, read straight into alerts without building
/// a JSON tree: an array of objects whose keys are the exact field names,
/// each at most once, labels and annotations objects of strings, times
/// strings that parse, a string generatorURL. Anything else (`null`s,
/// other keys or types, duplicates, errors of any kind) gives `None` and
/// the body is decoded by [`decode_alerts_from_tree`], which produces
/// upstream's messages; for the bodies accepted here both give the same
/// alerts.
fn decode_plain_alerts(body: &[u8]) -> Option<Vec<PostableAlert>> {
    let mut cursor = Cursor::new(body);
    if !cursor.eat(b'[') {
        return None;
    }
    let mut alerts = Vec::new();
    if cursor.eat(b']') {
        return Some(alerts);
    }
    // Label pairs of the object being read, borrowed from the body where
    // possible; reused for every object.
    let mut pairs = Vec::new();
    loop {
        alerts.push(decode_plain_alert(&mut cursor, &mut pairs)?);
        if cursor.eat(b']') {
            return Some(alerts);
        }
        if !cursor.eat(b',') {
            return None;
        }
    }
}

type BorrowedPairs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

fn decode_plain_alert<'a>(
    cursor: &mut Cursor<'a>,
    pairs: &mut BorrowedPairs<'a>,
) -> Option<PostableAlert> {
    if !cursor.eat(b'{') {
        return None;
    }
    let mut alert = PostableAlert::default();
    if cursor.eat(b'}') {
        return Some(alert);
    }
    let mut seen = [false; PLAIN_ALERT_KEYS.len()];
    loop {
        let key = cursor.borrowed_string()?;
        if !cursor.eat(b':') {
            return None;
        }
        let field = PLAIN_ALERT_KEYS.iter().position(|name| *name == key)?;
        if std::mem::replace(seen.get_mut(field)?, true) {
            return None;
        }
        match field {
            0 => alert.labels = Some(decode_plain_string_map(cursor, pairs)?),
            1 => alert.annotations = Some(decode_plain_string_map(cursor, pairs)?),
            2 => alert.starts_at = Some(DateTime::parse(&cursor.borrowed_string()?).ok()?),
            3 => alert.ends_at = Some(DateTime::parse(&cursor.borrowed_string()?).ok()?),
            _ => alert.generator_url = cursor.string()?,
        }
        if cursor.eat(b'}') {
            return Some(alert);
        }
        if !cursor.eat(b',') {
            return None;
        }
    }
}

/// An object of string values (a later duplicate key wins, as in
/// [`decode_label_set`]), packed.
fn decode_plain_string_map<'a>(
    cursor: &mut Cursor<'a>,
    pairs: &mut BorrowedPairs<'a>,
) -> Option<PackedLabelSet> {
    if !cursor.eat(b'{') {
        return None;
    }
    pairs.clear();
    if !cursor.eat(b'}') {
        loop {
            let key = cursor.borrowed_string()?;
            if !cursor.eat(b':') {
                return None;
            }
            pairs.push((key, cursor.borrowed_string()?));
            if cursor.eat(b'}') {
                break;
            }
            if !cursor.eat(b',') {
                return None;
            }
        }
    }
    Some(PackedLabelSet::from_unsorted(pairs))
}

/// [`decode_alerts`] through a JSON tree, with upstream's error messages.
fn decode_alerts_from_tree(body: &[u8]) -> Result<Vec<PostableAlert>, BodyError> {
    let value = match gojson::parse(body) {
        Ok(v) => v,
        Err(SyntaxError::Empty) => return Err(required("alerts")),
        Err(e) => return Err(parse_error("alerts", &e.to_string())),
    };
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        other => {
            return Err(parse_error(
                "alerts",
                &value_type_error(other.kind(), "models.PostableAlerts"),
            ));
        }
    };
    let mut alerts = Vec::with_capacity(items.len());
    let mut null_items = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match item {
            Value::Null => {
                null_items.push(index);
                alerts.push(PostableAlert::default());
            }
            Value::Object(members) => {
                alerts.push(decode_alert(members).map_err(|e| parse_error("alerts", &e))?);
            }
            other => {
                return Err(parse_error(
                    "alerts",
                    &value_type_error(other.kind(), ALERT_PART0_TYPE),
                ));
            }
        }
    }
    validate_alerts(alerts, &null_items)
}

/// go-swagger's validation of decoded alerts, in index order (`null_items`:
/// indexes of `null` elements).
fn validate_alerts(
    alerts: Vec<PostableAlert>,
    null_items: &[usize],
) -> Result<Vec<PostableAlert>, BodyError> {
    for (index, alert) in alerts.iter().enumerate() {
        if null_items.contains(&index) {
            // Upstream crashes on a null element; refuse it as missing.
            return Err(required(&index.to_string()));
        }
        if !alert.generator_url.is_empty() && !is_request_uri(&alert.generator_url) {
            return Err(BodyError::Validation {
                code: CODE_INVALID_TYPE,
                message: format!(
                    "{index}.generatorURL in body must be of type uri: {}",
                    go_quote(&alert.generator_url)
                ),
            });
        }
        if alert.labels.is_none() {
            return Err(required(&format!("{index}.labels")));
        }
    }
    Ok(alerts)
}

/// One `postableAlert` object: go-swagger decodes its two `allOf` parts one
/// after the other from the same JSON. The two parts read disjoint keys, so
/// part 0 may take its values out of `members` before part 1 runs.
fn decode_alert(mut members: Vec<(String, Value)>) -> Result<PostableAlert, String> {
    let mut alert = PostableAlert::default();
    let (mut labels, mut annotations) = (None, None);
    // Part 0: annotations, endsAt, startsAt (an anonymous struct).
    let mut decoding = Decoding::default();
    for (key, value) in &mut members {
        if field_is(key, "annotations") {
            decode_label_set(value, &mut annotations, &mut decoding, "", "annotations");
        } else if field_is(key, "endsAt") {
            if let Some(t) = decode_date_time(value, "", "endsAt")? {
                alert.ends_at = t;
            }
        } else if field_is(key, "startsAt")
            && let Some(t) = decode_date_time(value, "", "startsAt")?
        {
            alert.starts_at = t;
        }
    }
    decoding.finish()?;
    // Part 1: the `alert` definition (labels, generatorURL).
    let mut decoding = Decoding::default();
    for (key, value) in &mut members {
        if field_is(key, "labels") {
            decode_label_set(value, &mut labels, &mut decoding, "Alert", "labels");
        } else if field_is(key, "generatorURL") {
            match value {
                Value::Null => {}
                Value::String(s) => alert.generator_url = std::mem::take(s),
                other => {
                    return Err(field_type_error(
                        other.kind(),
                        "Alert",
                        "generatorURL",
                        "string",
                    ));
                }
            }
        }
    }
    decoding.finish()?;
    alert.labels = labels.map(PackedLabelSet::from);
    alert.annotations = annotations.map(PackedLabelSet::from);
    Ok(alert)
}

/// A silence as decoded, before the required-field checks.
#[derive(Default)]
struct RawSilence {
    id: String,
    matchers: Option<Vec<Option<RawMatcher>>>,
    starts_at: Option<DateTime>,
    ends_at: Option<DateTime>,
    created_by: Option<String>,
    comment: Option<String>,
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Default)]
struct RawMatcher {
    name: Option<String>,
    value: Option<String>,
    is_regex: Option<bool>,
    is_equal: Option<bool>,
}

/// A `*string` field: `null` clears it.
fn decode_optional_string(
    value: &Value,
    target: &mut Option<String>,
    decoding: &mut Decoding,
    struct_name: &str,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::String(s) => *target = Some(s.clone()),
        other => decoding.mismatch(other.kind(), struct_name, path, "string"),
    }
}

/// A `*bool` field: `null` clears it.
fn decode_optional_bool(
    value: &Value,
    target: &mut Option<bool>,
    decoding: &mut Decoding,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::Bool(b) => *target = Some(*b),
        other => decoding.mismatch(other.kind(), "Matcher", path, "bool"),
    }
}

fn decode_matcher(members: &[(String, Value)], decoding: &mut Decoding) -> RawMatcher {
    let mut m = RawMatcher::default();
    for (key, value) in members {
        if field_is(key, "name") {
            decode_optional_string(value, &mut m.name, decoding, "Matcher", "matchers.name");
        } else if field_is(key, "value") {
            decode_optional_string(value, &mut m.value, decoding, "Matcher", "matchers.value");
        } else if field_is(key, "isRegex") {
            decode_optional_bool(value, &mut m.is_regex, decoding, "matchers.isRegex");
        } else if field_is(key, "isEqual") {
            decode_optional_bool(value, &mut m.is_equal, decoding, "matchers.isEqual");
        }
    }
    m
}

/// Decode and validate a `postableSilence` body.
pub fn decode_silence(body: &[u8]) -> Result<PostableSilence, BodyError> {
    let value = match gojson::parse(body) {
        Ok(v) => v,
        Err(SyntaxError::Empty) => return Err(required("silence")),
        Err(e) => return Err(parse_error("silence", &e.to_string())),
    };
    let mut members = match value {
        Value::Null => Vec::new(),
        Value::Object(members) => members,
        other => {
            return Err(parse_error(
                "silence",
                &value_type_error(other.kind(), SILENCE_PART0_TYPE),
            ));
        }
    };
    let raw = decode_raw_silence(&mut members).map_err(|e| parse_error("silence", &e))?;
    validate_silence(raw)
}

fn decode_raw_silence(members: &mut [(String, Value)]) -> Result<RawSilence, String> {
    let mut raw = RawSilence::default();
    // Part 0: the ID.
    let mut decoding = Decoding::default();
    for (key, value) in members.iter() {
        if field_is(key, "id") {
            match value {
                Value::Null => {}
                Value::String(s) => raw.id.clone_from(s),
                other => decoding.mismatch(other.kind(), "", "id", "string"),
            }
        }
    }
    decoding.finish()?;
    // Part 1: the `silence` definition.
    let mut decoding = Decoding::default();
    for (key, value) in members.iter_mut() {
        if field_is(key, "annotations") {
            decode_label_set(
                value,
                &mut raw.annotations,
                &mut decoding,
                "Silence",
                "annotations",
            );
        } else if field_is(key, "comment") {
            decode_optional_string(value, &mut raw.comment, &mut decoding, "Silence", "comment");
        } else if field_is(key, "createdBy") {
            decode_optional_string(
                value,
                &mut raw.created_by,
                &mut decoding,
                "Silence",
                "createdBy",
            );
        } else if field_is(key, "endsAt") {
            match value {
                Value::Null => raw.ends_at = None,
                other => raw.ends_at = decode_date_time(other, "Silence", "endsAt")?.flatten(),
            }
        } else if field_is(key, "startsAt") {
            match value {
                Value::Null => raw.starts_at = None,
                other => raw.starts_at = decode_date_time(other, "Silence", "startsAt")?.flatten(),
            }
        } else if field_is(key, "matchers") {
            match value {
                Value::Null => raw.matchers = None,
                Value::Array(items) => {
                    let mut matchers = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Value::Null => matchers.push(None),
                            Value::Object(m) => {
                                matchers.push(Some(decode_matcher(m, &mut decoding)))
                            }
                            other => {
                                decoding.mismatch(
                                    other.kind(),
                                    "Silence",
                                    "matchers",
                                    "models.Matcher",
                                );
                                matchers.push(None);
                            }
                        }
                    }
                    raw.matchers = Some(matchers);
                }
                other => decoding.mismatch(other.kind(), "Silence", "matchers", "models.Matchers"),
            }
        }
    }
    decoding.finish()?;
    Ok(raw)
}

/// The generated `Silence.Validate`, in its order: comment, createdBy,
/// endsAt, matchers (required, at least one, each matcher's isRegex, name,
/// value), startsAt.
fn validate_silence(raw: RawSilence) -> Result<PostableSilence, BodyError> {
    let comment = raw.comment.ok_or_else(|| required("comment"))?;
    let created_by = raw.created_by.ok_or_else(|| required("createdBy"))?;
    let ends_at = raw.ends_at.ok_or_else(|| required("endsAt"))?;
    let raw_matchers = raw.matchers.ok_or_else(|| required("matchers"))?;
    if raw_matchers.is_empty() {
        return Err(BodyError::Validation {
            code: CODE_TOO_FEW_ITEMS,
            message: "matchers in body should have at least 1 items".to_owned(),
        });
    }
    let mut matchers = Vec::with_capacity(raw_matchers.len());
    for (i, m) in raw_matchers.into_iter().enumerate() {
        // Upstream skips null matchers in validation and then crashes on
        // them; refuse them as missing instead.
        let m = m.ok_or_else(|| required(&format!("matchers.{i}")))?;
        let is_regex = m
            .is_regex
            .ok_or_else(|| required(&format!("matchers.{i}.isRegex")))?;
        let name = m
            .name
            .ok_or_else(|| required(&format!("matchers.{i}.name")))?;
        let value = m
            .value
            .ok_or_else(|| required(&format!("matchers.{i}.value")))?;
        matchers.push(PostableMatcher {
            name,
            value,
            is_regex,
            is_equal: m.is_equal.unwrap_or(true),
        });
    }
    let starts_at = raw.starts_at.ok_or_else(|| required("startsAt"))?;
    Ok(PostableSilence {
        id: raw.id,
        matchers,
        starts_at,
        ends_at,
        created_by,
        comment,
        annotations: raw.annotations.unwrap_or_default(),
    })
}

/// `{"code":<code>,"message":<message>}` (go-openapi `errors.ServeError`,
/// HTML-escaped, no trailing newline).
pub fn error_object(code: u16, message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 24);
    out.push_str("{\"code\":");
    out.push_str(&code.to_string());
    out.push_str(",\"message\":");
    write_string(&mut out, message, true);
    out.push('}');
    out
}

/// A handler payload that is a plain string (400/404/500 bodies), as the
/// go-swagger JSON producer writes it.
pub fn string_payload(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 3);
    write_string(&mut out, message, false);
    out.push('\n');
    out
}

/// What [`write_gettable_alert`] needs about an alert.
pub struct GettableAlert<'a> {
    pub alert: &'a crate::backend::Alert,
    pub fingerprint: tocsin_model::Fingerprint,
    pub receivers: &'a [String],
    pub status: &'a crate::backend::AlertStatus,
    pub muted_by: &'a [String],
}

fn write_string_array(out: &mut String, items: &[String], escape_html: bool) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, item, escape_html);
    }
    out.push(']');
}

/// A fingerprint as its 16 lowercase hex digits (`Fingerprint`'s
/// `Display`, which needs no JSON escaping).
fn write_fingerprint(out: &mut String, fingerprint: tocsin_model::Fingerprint) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..16).rev() {
        let nibble = (fingerprint.0 >> (shift * 4)) & 0xf;
        out.push(char::from(HEX[nibble as usize]));
    }
}

/// A `gettableAlert` (an `allOf` model: marshalled HTML-escaped, its own
/// properties first and the `alert` part after).
pub fn write_gettable_alert(out: &mut String, a: &GettableAlert<'_>) {
    out.push_str("{\"annotations\":");
    write_string_map(out, a.alert.annotations.iter(), true);
    out.push_str(",\"endsAt\":\"");
    a.alert.ends_at.write_api(out);
    out.push_str("\",\"fingerprint\":\"");
    write_fingerprint(out, a.fingerprint);
    out.push('"');
    out.push_str(",\"receivers\":[");
    for (i, r) in a.receivers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        write_string(out, r, true);
        out.push('}');
    }
    out.push_str("],\"startsAt\":\"");
    a.alert.starts_at.write_api(out);
    out.push_str("\",\"status\":{\"inhibitedBy\":");
    write_string_array(out, &a.status.inhibited_by, true);
    out.push_str(",\"mutedBy\":");
    write_string_array(out, a.muted_by, true);
    out.push_str(",\"silencedBy\":");
    write_string_array(out, &a.status.silenced_by, true);
    let state = if a.muted_by.is_empty() {
        a.status.state.as_str()
    } else {
        "suppressed"
    };
    out.push_str(",\"state\":\"");
    out.push_str(state);
    out.push_str("\"},\"updatedAt\":\"");
    a.alert.updated_at.write_api(out);
    out.push('"');
    if !a.alert.generator_url.is_empty() {
        out.push_str(",\"generatorURL\":");
        write_string(out, &a.alert.generator_url, true);
    }
    out.push_str(",\"labels\":");
    write_string_map(out, a.alert.labels.iter(), true);
    out.push('}');
}

/// A `gettableSilence` (`allOf`: HTML-escaped; id, status, updatedAt, then
/// the `silence` part with `annotations` omitted when empty).
pub fn write_gettable_silence(out: &mut String, s: &crate::backend::Silence, state: &str) {
    out.push_str("{\"id\":");
    write_string(out, &s.id, true);
    out.push_str(",\"status\":{\"state\":\"");
    out.push_str(state);
    out.push_str("\"},\"updatedAt\":\"");
    DateTime::utc(s.updated_at).write_api(out);
    out.push('"');
    if !s.annotations.is_empty() {
        out.push_str(",\"annotations\":");
        write_string_map(
            out,
            s.annotations.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            true,
        );
    }
    out.push_str(",\"comment\":");
    write_string(out, &s.comment, true);
    out.push_str(",\"createdBy\":");
    write_string(out, &s.created_by, true);
    out.push_str(",\"endsAt\":\"");
    DateTime::utc(s.ends_at).write_api(out);
    out.push_str("\",\"matchers\":[");
    for (i, m) in s.matchers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        use tocsin_model::MatchType::*;
        let (is_equal, is_regex) = match m.kind {
            Equal => (true, false),
            NotEqual => (false, false),
            Regexp => (true, true),
            NotRegexp => (false, true),
        };
        out.push_str(if is_equal {
            "{\"isEqual\":true"
        } else {
            "{\"isEqual\":false"
        });
        out.push_str(if is_regex {
            ",\"isRegex\":true"
        } else {
            ",\"isRegex\":false"
        });
        out.push_str(",\"name\":");
        write_string(out, &m.name, true);
        out.push_str(",\"value\":");
        write_string(out, &m.value, true);
        out.push('}');
    }
    out.push_str("],\"startsAt\":\"");
    DateTime::utc(s.starts_at).write_api(out);
    out.push_str("\"}");
}

/// `alertmanagerStatus` (plain model: not HTML-escaped).
pub fn write_status(out: &mut String, status: &crate::backend::Status) {
    let mut peers: Vec<&crate::backend::Peer> = status.cluster.peers.iter().collect();
    peers.sort_by(|a, b| a.name.cmp(&b.name));
    out.push_str("{\"cluster\":{");
    if let Some(name) = status.cluster.name.as_deref().filter(|n| !n.is_empty()) {
        out.push_str("\"name\":");
        write_string(out, name, false);
        out.push(',');
    }
    out.push_str("\"peers\":[");
    for (i, p) in peers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"address\":");
        write_string(out, &p.address, false);
        out.push_str(",\"name\":");
        write_string(out, &p.name, false);
        out.push('}');
    }
    out.push_str("],\"status\":\"");
    out.push_str(status.cluster.state.as_str());
    out.push_str("\"},\"config\":{\"original\":");
    write_string(out, &status.config_original, false);
    out.push_str("},\"uptime\":\"");
    status.uptime.write_api(out);
    let v = &status.version;
    out.push_str("\",\"versionInfo\":{\"branch\":");
    write_string(out, &v.branch, false);
    out.push_str(",\"buildDate\":");
    write_string(out, &v.build_date, false);
    out.push_str(",\"buildUser\":");
    write_string(out, &v.build_user, false);
    out.push_str(",\"goVersion\":");
    write_string(out, &v.go_version, false);
    out.push_str(",\"revision\":");
    write_string(out, &v.revision, false);
    out.push_str(",\"version\":");
    write_string(out, &v.version, false);
    out.push_str("}}");
}

/// A `receiver` (plain model; `labels` omitted when empty).
pub fn write_receiver(out: &mut String, r: &crate::backend::Receiver) {
    out.push('{');
    if !r.labels.is_empty() {
        out.push_str("\"labels\":");
        write_string_map(out, r.labels.iter(), false);
        out.push(',');
    }
    out.push_str("\"name\":");
    write_string(out, &r.name, false);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alerts_err(body: &str) -> BodyError {
        match decode_alerts(body.as_bytes()) {
            Ok(a) => panic!("expected an error for {body}, got {a:?}"),
            Err(e) => e,
        }
    }

    fn parse_msg(body: &str) -> String {
        match alerts_err(body) {
            BodyError::Parse(m) => m,
            other => panic!("expected a parse error for {body}, got {other:?}"),
        }
    }

    fn silence_err(body: &str) -> BodyError {
        match decode_silence(body.as_bytes()) {
            Ok(s) => panic!("expected an error for {body}, got {s:?}"),
            Err(e) => e,
        }
    }

    const PREFIX: &str = "parsing alerts body from \"\" failed, because ";

    #[test]
    fn alert_body_errors_match_upstream() {
        // Messages captured from Alertmanager 0.25 for the same bodies.
        assert_eq!(
            parse_msg("{}"),
            format!(
                "{PREFIX}json: cannot unmarshal object into Go value of type models.PostableAlerts"
            )
        );
        assert_eq!(
            parse_msg("[1]"),
            format!(
                "{PREFIX}json: cannot unmarshal number into Go value of type {ALERT_PART0_TYPE}"
            )
        );
        assert!(parse_msg("[1]").ends_with(r#"of type struct { Annotations models.LabelSet "json:\"annotations,omitempty\""; EndsAt strfmt.DateTime "json:\"endsAt,omitempty\""; StartsAt strfmt.DateTime "json:\"startsAt,omitempty\"" }"#));
        assert_eq!(
            parse_msg(r#"[{"labels":"x"}]"#),
            format!(
                "{PREFIX}json: cannot unmarshal string into Go struct field Alert.labels of type models.LabelSet"
            )
        );
        assert_eq!(
            parse_msg(r#"[{"labels":{"a":1}}]"#),
            format!(
                "{PREFIX}json: cannot unmarshal number into Go struct field Alert.labels of type string"
            )
        );
        assert_eq!(
            parse_msg(r#"[{"labels":{"a":"b"},"annotations":{"x":1}}]"#),
            format!(
                "{PREFIX}json: cannot unmarshal number into Go struct field .annotations of type string"
            )
        );
        assert_eq!(
            parse_msg(r#"[{"labels":{"a":"b"},"startsAt":{}}]"#),
            format!(
                "{PREFIX}json: cannot unmarshal object into Go struct field .startsAt of type string"
            )
        );
        assert_eq!(
            parse_msg(r#"[{"labels":{"a":"b"},"generatorURL":1}]"#),
            format!(
                "{PREFIX}json: cannot unmarshal number into Go struct field Alert.generatorURL of type string"
            )
        );
        assert_eq!(
            parse_msg("[{\"labels\":{\"a\":\"b\"}"),
            format!("{PREFIX}unexpected EOF")
        );
        assert_eq!(
            alerts_err(""),
            BodyError::Validation {
                code: 602,
                message: "alerts in body is required".into()
            }
        );
        assert_eq!(
            alerts_err(r#"[{"annotations":{}},{"labels":null}]"#),
            BodyError::Validation {
                code: 602,
                message: "0.labels in body is required".into()
            }
        );
        assert_eq!(
            alerts_err(r#"[{"labels":{"a":"b"},"generatorURL":"not a url"}]"#),
            BodyError::Validation {
                code: 601,
                message: "0.generatorURL in body must be of type uri: \"not a url\"".into()
            }
        );
    }

    #[test]
    fn alert_bodies_decode_like_go() {
        let alerts = decode_alerts(
            br#"[{"LABELS":{"a":"b","e":null},"labels":{"c":"d"},"startsAt":"2026-11-21T06:00:00+01:00","endsAt":null,"bogus":1}]"#,
        )
        .unwrap();
        let labels = alerts[0].labels.clone().unwrap();
        assert_eq!(labels.get("a"), Some("b"));
        assert_eq!(labels.get("c"), Some("d"));
        assert_eq!(labels.get("e"), Some(""));
        assert_eq!(
            alerts[0].starts_at.unwrap().to_api_string(),
            "2026-11-21T06:00:00.000+01:00"
        );
        assert_eq!(alerts[0].ends_at, None);
        assert!(decode_alerts(b"null").unwrap().is_empty());
        assert!(decode_alerts(b"[] trailing").unwrap().is_empty());
    }

    /// Random `postableAlerts`-like bodies: mostly the shape Prometheus
    /// sends, with escapes, non-ASCII, repeated names, long strings, odd
    /// times and the occasional wrong type or broken byte mixed in.
    fn random_body(seed: &mut u64) -> Vec<u8> {
        let mut next = |n: u64| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed % n
        };
        const STRINGS: [&str; 12] = [
            "alertname",
            "job",
            "",
            "a\\\"b",
            "\\u00e9t\\u00e9",
            "ünï",
            "x\\n",
            "\\ud83d\\ude00",
            "v",
            "<&>",
            "instance",
            "\\/",
        ];
        const TIMES: [&str; 6] = [
            "2026-11-21T06:00:00Z",
            "2026-11-21T06:00:00.123+01:00",
            "",
            "2026-11-21",
            "yesterday",
            "2026-02-30T00:00:00Z",
        ];
        let string = |next: &mut dyn FnMut(u64) -> u64| -> String {
            match next(10) {
                0 => "l".repeat(120 + next(20) as usize),
                _ => STRINGS[next(STRINGS.len() as u64) as usize].to_owned(),
            }
        };
        let mut body = String::from("[");
        for i in 0..next(4) {
            if i > 0 {
                body.push(',');
            }
            body.push('{');
            let mut fields = Vec::new();
            for key in ["labels", "annotations"] {
                if next(6) == 0 {
                    continue;
                }
                let mut pairs = Vec::new();
                for _ in 0..next(5) {
                    let value = match next(25) {
                        0 => "null".to_owned(),
                        1 => "7".to_owned(),
                        _ => format!("\"{}\"", string(&mut next)),
                    };
                    pairs.push(format!("\"{}\":{value}", string(&mut next)));
                }
                fields.push(format!("\"{key}\":{{{}}}", pairs.join(",")));
            }
            for key in ["startsAt", "endsAt"] {
                if next(2) == 0 {
                    fields.push(format!("\"{key}\":\"{}\"", TIMES[next(6) as usize]));
                }
            }
            if next(2) == 0 {
                let url = ["http://p:9090/graph?g0.expr=up", "", "%zz", "/rel"][next(4) as usize];
                fields.push(format!("\"generatorURL\":\"{url}\""));
            }
            if next(20) == 0 {
                fields.push("\"Labels\":{}".to_owned());
            }
            body.push_str(&fields.join(","));
            body.push('}');
        }
        body.push(']');
        let mut bytes = body.into_bytes();
        if next(30) == 0 && !bytes.is_empty() {
            let at = next(bytes.len() as u64) as usize;
            bytes[at] = [0xff, b'"', b'{', 0xc3][next(4) as usize];
        }
        bytes
    }

    #[test]
    fn random_bodies_decode_as_through_the_tree() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut direct = 0;
        for _ in 0..5_000 {
            let body = random_body(&mut seed);
            direct += usize::from(decode_plain_alerts(&body).is_some());
            assert_eq!(
                decode_alerts(&body),
                decode_alerts_from_tree(&body),
                "body {:?}",
                String::from_utf8_lossy(&body)
            );
        }
        // Many bodies take the direct path, so it is what is being compared.
        assert!(direct > 1_500, "only {direct} bodies decoded directly");
    }

    #[test]
    fn plain_alert_bodies_decode_as_through_the_tree() {
        // The direct decoder must give what the tree gives, for bodies it
        // accepts and (by falling back) for every other one.
        let bodies: &[&str] = &[
            r#"[{"labels":{"alertname":"A","pod":"p-1","empty":""},"annotations":{"summary":"s \"q\" \u00e9"},"startsAt":"2026-11-21T06:00:00.123456789Z","endsAt":"2026-11-21T07:00:00+01:00","generatorURL":"http://prom:9090/graph?g0.expr=up"}]"#,
            " \n[ { \"labels\" : { \"a\" : \"b\" , \"a\" : \"c\" } } , {\"labels\":{}} ] trailing",
            r#"[{"labels":{"a":"b"},"annotations":{},"startsAt":"","endsAt":"2026-11-21"}]"#,
            r#"[]"#,
            r#"[{}]"#,
            r#"[{"annotations":{"x":"y"}}]"#,
            r#"[{"labels":{"a":"b"},"generatorURL":"not a uri"}]"#,
            r#"[{"labels":{"a":"b"}},{"labels":{"a":"b"},"generatorURL":"%zz"}]"#,
            r#"[{"labels":{"a":"b"},"labels":{"c":"d"}}]"#,
            r#"[{"Labels":{"a":"b"}}]"#,
            r#"[{"labels":{"a":null}}]"#,
            r#"[{"labels":{"a":1}}]"#,
            r#"[{"labels":{"a":"b"},"startsAt":"yesterday"}]"#,
            r#"[{"labels":{"a":"b"},"startsAt":"2026-02-30T00:00:00Z"}]"#,
            r#"[{"labels":{"a":"b"},"endsAt":null}]"#,
            r#"[{"labels":{"a":"b"},"other":[1,2]}]"#,
            r#"[null,{"labels":{"a":"b"}}]"#,
            r#"[{"labels":{"a":"b"}} {"labels":{}}]"#,
            r#"[{"labels":{"a":"b"}"#,
            r#"[{"labels":{"a":"b\x"}}]"#,
            "[{\"labels\":{\"a\":\"b\nc\"}}]",
            r#"{"labels":{"a":"b"}}"#,
            r#""#,
            r#"null"#,
        ];
        for body in bodies {
            assert_eq!(
                decode_alerts(body.as_bytes()),
                decode_alerts_from_tree(body.as_bytes()),
                "body {body:?}"
            );
        }
        // Unsorted and repeated names, long values, bytes that are not UTF-8.
        let long = "v".repeat(300);
        let more: Vec<Vec<u8>> = vec![
            format!(r#"[{{"labels":{{"z":"1","b":"{long}","a":"2","b":"3","m":"{long}"}}}}]"#)
                .into_bytes(),
            b"[{\"labels\":{\"a\":\"x\xff\xfey\",\"\xc3\":\"\xe2\x82\"}}]".to_vec(),
        ];
        for body in &more {
            assert!(decode_plain_alerts(body).is_some());
            assert_eq!(decode_alerts(body), decode_alerts_from_tree(body));
        }
        assert!(decode_plain_alerts(bodies[0].as_bytes()).is_some());
        assert!(decode_plain_alerts(bodies[1].as_bytes()).is_some());
        assert!(decode_plain_alerts(bodies[9].as_bytes()).is_none());
    }

    #[test]
    fn silence_body_errors_match_upstream() {
        // Captured from Alertmanager 0.25 (except annotations, added in 0.32).
        let p = "parsing silence body from \"\" failed, because ";
        assert_eq!(
            silence_err("1"),
            BodyError::Parse(format!(
                "{p}json: cannot unmarshal number into Go value of type struct {{ ID string \"json:\\\"id,omitempty\\\"\" }}"
            ))
        );
        assert_eq!(
            silence_err(r#"{"id":1}"#),
            BodyError::Parse(format!(
                "{p}json: cannot unmarshal number into Go struct field .id of type string"
            ))
        );
        assert_eq!(
            silence_err(r#"{"matchers":[1]}"#),
            BodyError::Parse(format!(
                "{p}json: cannot unmarshal number into Go struct field Silence.matchers of type models.Matcher"
            ))
        );
        assert_eq!(
            silence_err(r#"{"matchers":[{"isEqual":"x"}]}"#),
            BodyError::Parse(format!(
                "{p}json: cannot unmarshal string into Go struct field Matcher.matchers.isEqual of type bool"
            ))
        );
        assert_eq!(
            silence_err(r#"{"endsAt":"x"}"#),
            BodyError::Parse(format!(
                "{p}parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
            ))
        );
        assert_eq!(
            silence_err("{}"),
            BodyError::Validation {
                code: 602,
                message: "comment in body is required".into()
            }
        );
        assert_eq!(
            silence_err("null"),
            BodyError::Validation {
                code: 602,
                message: "comment in body is required".into()
            }
        );
        let base = r#""startsAt":"2026-11-21T05:00:00Z","endsAt":"2027-01-01T00:00:00Z","createdBy":"me","comment":"c""#;
        assert_eq!(
            silence_err(&format!(r#"{{"matchers":[],{base}}}"#)),
            BodyError::Validation {
                code: 612,
                message: "matchers in body should have at least 1 items".into()
            }
        );
        assert_eq!(
            silence_err(&format!(
                r#"{{"matchers":[{{"name":"a","value":"b","isRegex":false}},{{"name":"c"}}],{base}}}"#
            )),
            BodyError::Validation {
                code: 602,
                message: "matchers.1.isRegex in body is required".into()
            }
        );
        assert_eq!(
            silence_err(&format!(
                r#"{{"matchers":[{{"name":"a","value":"b","isRegex":false}}],{base},"startsAt":null}}"#
            )),
            BodyError::Validation {
                code: 602,
                message: "startsAt in body is required".into()
            }
        );
        let ok = decode_silence(format!(r#"{{"matchers":[{{"name":"a","value":"b","isRegex":true}}],{base},"annotations":{{"k":"v"}}}}"#).as_bytes()).unwrap();
        assert_eq!(
            ok.matchers,
            vec![PostableMatcher {
                name: "a".into(),
                value: "b".into(),
                is_regex: true,
                is_equal: true
            }]
        );
        assert_eq!(ok.annotations.get("k").map(String::as_str), Some("v"));
        assert_eq!(ok.created_by, "me");
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            error_object(602, "a <b>"),
            r#"{"code":602,"message":"a \u003cb\u003e"}"#
        );
        assert_eq!(string_payload("bad <x>"), "\"bad <x>\"\n");
    }
}
