//! The API v2 models as amtool's generated Go client holds them, with the
//! two conversions that make amtool's behaviour visible:
//!
//! * decoding from JSON with `encoding/json` semantics (field names match
//!   case-insensitively, unknown fields are ignored, `null` leaves a nil
//!   pointer, the first type mismatch is reported with Go's text after the
//!   whole value was read; `allOf` models decode their parts one after the
//!   other from the same object, as go-swagger does);
//! * encoding back to JSON as amtool's `-o json` prints it (go-swagger's
//!   field order, nil → `null`, `omitempty` fields dropped, map keys sorted,
//!   `<`, `>`, `&` escaped).
//!
//! Optional Rust fields stand for Go's nil pointers, slices and maps, so a
//! value survives the round trip exactly as the Go client would re-print it.

use std::collections::BTreeMap;

use tocsin_api::gojson::{Value, write_string};
use tocsin_api::strfmt::DateTime;

/// `models.LabelSet` (Go `map[string]string`: printed with sorted keys).
pub type LabelSet = BTreeMap<String, String>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matcher {
    pub is_equal: Option<bool>,
    pub is_regex: Option<bool>,
    pub name: Option<String>,
    pub value: Option<String>,
}

/// The `silence` definition shared by postable and gettable silences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Silence {
    pub annotations: Option<LabelSet>,
    pub comment: Option<String>,
    pub created_by: Option<String>,
    pub ends_at: Option<DateTime>,
    pub matchers: Option<Vec<Option<Matcher>>>,
    pub starts_at: Option<DateTime>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GettableSilence {
    pub id: Option<String>,
    /// `status.state`; the outer option is the `status` pointer.
    pub status: Option<Option<String>>,
    pub updated_at: Option<DateTime>,
    pub silence: Silence,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostableSilence {
    /// Empty: omitted (a new silence).
    pub id: String,
    pub silence: Silence,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertStatus {
    pub inhibited_by: Option<Vec<String>>,
    pub muted_by: Option<Vec<String>>,
    pub silenced_by: Option<Vec<String>>,
    pub state: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GettableAlert {
    pub annotations: Option<LabelSet>,
    pub ends_at: Option<DateTime>,
    pub fingerprint: Option<String>,
    /// Receiver names (`[]*ReceiverReference`; `None` inside is a nil
    /// element, `Some(None)` a reference without a name).
    pub receivers: Option<Vec<Option<Option<String>>>>,
    pub starts_at: Option<DateTime>,
    pub status: Option<AlertStatus>,
    pub updated_at: Option<DateTime>,
    pub generator_url: String,
    pub labels: Option<LabelSet>,
}

/// What `POST /alerts` receives for `alert add`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostableAlert {
    pub annotations: LabelSet,
    /// Go's zero time when not given.
    pub ends_at: Option<DateTime>,
    pub starts_at: Option<DateTime>,
    pub generator_url: String,
    pub labels: LabelSet,
}

// ---------------------------------------------------------------------------
// Decoding

/// Go type names used in `cannot unmarshal` messages.
const GETTABLE_ALERT_PART0: &str = "struct { Annotations models.LabelSet \"json:\\\"annotations\\\"\"; EndsAt *strfmt.DateTime \"json:\\\"endsAt\\\"\"; Fingerprint *string \"json:\\\"fingerprint\\\"\"; Receivers []*models.ReceiverReference \"json:\\\"receivers\\\"\"; StartsAt *strfmt.DateTime \"json:\\\"startsAt\\\"\"; Status *models.AlertStatus \"json:\\\"status\\\"\"; UpdatedAt *strfmt.DateTime \"json:\\\"updatedAt\\\"\" }";
const GETTABLE_SILENCE_PART0: &str = "struct { ID *string \"json:\\\"id\\\"\"; Status *models.SilenceStatus \"json:\\\"status\\\"\"; UpdatedAt *strfmt.DateTime \"json:\\\"updatedAt\\\"\" }";
const POSTABLE_SILENCE_PART0: &str = "struct { ID string \"json:\\\"id,omitempty\\\"\" }";

/// One `json.Unmarshal` call: the first type mismatch is kept and decoding
/// goes on; other errors (from `UnmarshalJSON` methods) stop it.
#[derive(Default)]
struct Decoding {
    saved: Option<String>,
}

impl Decoding {
    fn mismatch(&mut self, kind: &str, struct_name: &str, path: &str, go_type: &str) {
        if self.saved.is_none() {
            self.saved = Some(format!(
                "json: cannot unmarshal {kind} into Go struct field {struct_name}.{path} of type {go_type}"
            ));
        }
    }

    fn finish(self) -> Result<(), String> {
        self.saved.map_or(Ok(()), Err)
    }
}

fn value_mismatch(kind: &str, go_type: &str) -> String {
    format!("json: cannot unmarshal {kind} into Go value of type {go_type}")
}

/// Go matches a JSON key to a field exactly or, failing that, ignoring case.
fn field_is(key: &str, name: &str) -> bool {
    key == name || key.eq_ignore_ascii_case(name)
}

fn decode_string(
    value: &Value,
    target: &mut Option<String>,
    d: &mut Decoding,
    owner: &str,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::String(s) => *target = Some(s.clone()),
        other => d.mismatch(other.kind(), owner, path, "string"),
    }
}

fn decode_bool(
    value: &Value,
    target: &mut Option<bool>,
    d: &mut Decoding,
    owner: &str,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::Bool(b) => *target = Some(*b),
        other => d.mismatch(other.kind(), owner, path, "bool"),
    }
}

/// A map field: `null` makes it nil, an object merges into it.
fn decode_label_set(
    value: &Value,
    target: &mut Option<LabelSet>,
    d: &mut Decoding,
    owner: &str,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::Object(members) => {
            let map = target.get_or_insert_with(LabelSet::new);
            for (k, v) in members {
                match v {
                    Value::String(s) => {
                        map.insert(k.clone(), s.clone());
                    }
                    Value::Null => {
                        map.entry(k.clone()).or_default();
                    }
                    other => {
                        d.mismatch(other.kind(), owner, path, "string");
                        map.entry(k.clone()).or_default();
                    }
                }
            }
        }
        other => d.mismatch(other.kind(), owner, path, "models.LabelSet"),
    }
}

fn decode_string_list(
    value: &Value,
    target: &mut Option<Vec<String>>,
    d: &mut Decoding,
    owner: &str,
    path: &str,
) {
    match value {
        Value::Null => *target = None,
        Value::Array(items) => {
            let list = items
                .iter()
                .map(|item| match item {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => {
                        d.mismatch(other.kind(), owner, path, "string");
                        String::new()
                    }
                })
                .collect();
            *target = Some(list);
        }
        other => d.mismatch(other.kind(), owner, path, "[]string"),
    }
}

/// A `*strfmt.DateTime` field (its `UnmarshalJSON` errors stop decoding).
fn decode_date_time(
    value: &Value,
    target: &mut Option<DateTime>,
    owner: &str,
    path: &str,
) -> Result<(), String> {
    match value {
        Value::Null => *target = None,
        Value::String(s) => *target = Some(DateTime::parse(s)?),
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go struct field {owner}.{path} of type string",
                other.kind()
            ));
        }
    }
    Ok(())
}

/// A nested struct pointer: `null` makes it nil, an object fills it.
fn decode_object<'v, 't, T: Default>(
    value: &'v Value,
    target: &'t mut Option<T>,
    d: &mut Decoding,
    (owner, path, go_type): (&str, &str, &str),
) -> Option<(&'v [(String, Value)], &'t mut T)> {
    match value {
        Value::Null => {
            *target = None;
            None
        }
        Value::Object(members) => Some((members.as_slice(), target.get_or_insert_with(T::default))),
        other => {
            d.mismatch(other.kind(), owner, path, go_type);
            None
        }
    }
}

fn decode_silence_part(members: &[(String, Value)], s: &mut Silence) -> Result<(), String> {
    let mut d = Decoding::default();
    for (key, value) in members {
        if field_is(key, "annotations") {
            decode_label_set(value, &mut s.annotations, &mut d, "Silence", "annotations");
        } else if field_is(key, "comment") {
            decode_string(value, &mut s.comment, &mut d, "Silence", "comment");
        } else if field_is(key, "createdBy") {
            decode_string(value, &mut s.created_by, &mut d, "Silence", "createdBy");
        } else if field_is(key, "endsAt") {
            decode_date_time(value, &mut s.ends_at, "Silence", "endsAt")?;
        } else if field_is(key, "startsAt") {
            decode_date_time(value, &mut s.starts_at, "Silence", "startsAt")?;
        } else if field_is(key, "matchers") {
            match value {
                Value::Null => s.matchers = None,
                Value::Array(items) => {
                    let mut list = Vec::with_capacity(items.len());
                    for item in items {
                        let mut slot: Option<Matcher> = None;
                        if let Some((fields, m)) = decode_object(
                            item,
                            &mut slot,
                            &mut d,
                            ("Silence", "matchers", "models.Matcher"),
                        ) {
                            decode_matcher(fields, m, &mut d);
                        }
                        list.push(slot);
                    }
                    s.matchers = Some(list);
                }
                other => d.mismatch(other.kind(), "Silence", "matchers", "models.Matchers"),
            }
        }
    }
    d.finish()
}

fn decode_matcher(members: &[(String, Value)], m: &mut Matcher, d: &mut Decoding) {
    for (key, value) in members {
        if field_is(key, "isEqual") {
            decode_bool(value, &mut m.is_equal, d, "Matcher", "matchers.isEqual");
        } else if field_is(key, "isRegex") {
            decode_bool(value, &mut m.is_regex, d, "Matcher", "matchers.isRegex");
        } else if field_is(key, "name") {
            decode_string(value, &mut m.name, d, "Matcher", "matchers.name");
        } else if field_is(key, "value") {
            decode_string(value, &mut m.value, d, "Matcher", "matchers.value");
        }
    }
}

/// An element of a list of `allOf` models: `null` is a nil element, an
/// object is decoded, anything else fails as the first part's type.
fn element<'v>(item: &'v Value, part0_type: &str) -> Result<Option<&'v [(String, Value)]>, String> {
    match item {
        Value::Null => Ok(None),
        Value::Object(members) => Ok(Some(members)),
        other => Err(value_mismatch(other.kind(), part0_type)),
    }
}

/// A `gettableSilence` object.
fn decode_gettable_silence(members: &[(String, Value)]) -> Result<GettableSilence, String> {
    let mut s = GettableSilence::default();
    let mut d = Decoding::default();
    for (key, value) in members {
        if field_is(key, "id") {
            decode_string(value, &mut s.id, &mut d, "", "id");
        } else if field_is(key, "updatedAt") {
            decode_date_time(value, &mut s.updated_at, "", "updatedAt")?;
        } else if field_is(key, "status")
            && let Some((fields, state)) = decode_object(
                value,
                &mut s.status,
                &mut d,
                ("", "status", "models.SilenceStatus"),
            )
        {
            for (k, v) in fields {
                if field_is(k, "state") {
                    decode_string(v, state, &mut d, "SilenceStatus", "status.state");
                }
            }
        }
    }
    d.finish()?;
    decode_silence_part(members, &mut s.silence)?;
    Ok(s)
}

/// The body of `GET /silences` (`models.GettableSilences`).
pub fn decode_gettable_silences(
    value: &Value,
) -> Result<Option<Vec<Option<GettableSilence>>>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match element(item, GETTABLE_SILENCE_PART0)? {
                    None => list.push(None),
                    Some(members) => list.push(Some(decode_gettable_silence(members)?)),
                }
            }
            Ok(Some(list))
        }
        other => Err(value_mismatch(other.kind(), "models.GettableSilences")),
    }
}

/// The body of `GET /silence/{id}` (`*models.GettableSilence`).
pub fn decode_one_gettable_silence(value: &Value) -> Result<Option<GettableSilence>, String> {
    element(value, GETTABLE_SILENCE_PART0)?
        .map(decode_gettable_silence)
        .transpose()
}

/// One element of a `silence import` file (`models.PostableSilence`).
pub fn decode_postable_silence(value: &Value) -> Result<PostableSilence, String> {
    let mut s = PostableSilence::default();
    let Some(members) = element(value, POSTABLE_SILENCE_PART0)? else {
        // `null` leaves the zero value.
        return Ok(s);
    };
    let mut d = Decoding::default();
    for (key, value) in members {
        if field_is(key, "id") {
            match value {
                Value::Null => {}
                Value::String(id) => s.id.clone_from(id),
                other => d.mismatch(other.kind(), "", "id", "string"),
            }
        }
    }
    d.finish()?;
    decode_silence_part(members, &mut s.silence)?;
    Ok(s)
}

/// A `gettableAlert` object.
fn decode_gettable_alert(members: &[(String, Value)]) -> Result<GettableAlert, String> {
    let mut a = GettableAlert::default();
    let mut d = Decoding::default();
    for (key, value) in members {
        if field_is(key, "annotations") {
            decode_label_set(value, &mut a.annotations, &mut d, "", "annotations");
        } else if field_is(key, "endsAt") {
            decode_date_time(value, &mut a.ends_at, "", "endsAt")?;
        } else if field_is(key, "fingerprint") {
            decode_string(value, &mut a.fingerprint, &mut d, "", "fingerprint");
        } else if field_is(key, "receivers") {
            decode_receivers(value, &mut a.receivers, &mut d);
        } else if field_is(key, "startsAt") {
            decode_date_time(value, &mut a.starts_at, "", "startsAt")?;
        } else if field_is(key, "updatedAt") {
            decode_date_time(value, &mut a.updated_at, "", "updatedAt")?;
        } else if field_is(key, "status")
            && let Some((fields, status)) = decode_object(
                value,
                &mut a.status,
                &mut d,
                ("", "status", "models.AlertStatus"),
            )
        {
            for (k, v) in fields {
                if field_is(k, "inhibitedBy") {
                    decode_string_list(
                        v,
                        &mut status.inhibited_by,
                        &mut d,
                        "AlertStatus",
                        "status.inhibitedBy",
                    );
                } else if field_is(k, "mutedBy") {
                    decode_string_list(
                        v,
                        &mut status.muted_by,
                        &mut d,
                        "AlertStatus",
                        "status.mutedBy",
                    );
                } else if field_is(k, "silencedBy") {
                    decode_string_list(
                        v,
                        &mut status.silenced_by,
                        &mut d,
                        "AlertStatus",
                        "status.silencedBy",
                    );
                } else if field_is(k, "state") {
                    decode_string(v, &mut status.state, &mut d, "AlertStatus", "status.state");
                }
            }
        }
    }
    d.finish()?;
    let mut d = Decoding::default();
    for (key, value) in members {
        if field_is(key, "labels") {
            decode_label_set(value, &mut a.labels, &mut d, "Alert", "labels");
        } else if field_is(key, "generatorURL") {
            match value {
                Value::Null => {}
                Value::String(url) => a.generator_url.clone_from(url),
                other => d.mismatch(other.kind(), "Alert", "generatorURL", "strfmt.URI"),
            }
        }
    }
    d.finish()?;
    Ok(a)
}

fn decode_receivers(
    value: &Value,
    target: &mut Option<Vec<Option<Option<String>>>>,
    d: &mut Decoding,
) {
    match value {
        Value::Null => *target = None,
        Value::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let mut slot: Option<Option<String>> = None;
                if let Some((fields, name)) = decode_object(
                    item,
                    &mut slot,
                    d,
                    ("", "receivers", "models.ReceiverReference"),
                ) {
                    for (k, v) in fields {
                        if field_is(k, "name") {
                            decode_string(v, name, d, "ReceiverReference", "receivers.name");
                        }
                    }
                }
                list.push(slot);
            }
            *target = Some(list);
        }
        other => d.mismatch(other.kind(), "", "receivers", "[]*models.ReceiverReference"),
    }
}

/// The body of `GET /alerts` (`models.GettableAlerts`).
pub fn decode_gettable_alerts(value: &Value) -> Result<Option<Vec<Option<GettableAlert>>>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match element(item, GETTABLE_ALERT_PART0)? {
                    None => list.push(None),
                    Some(members) => list.push(Some(decode_gettable_alert(members)?)),
                }
            }
            Ok(Some(list))
        }
        other => Err(value_mismatch(other.kind(), "models.GettableAlerts")),
    }
}

/// The body of `POST /silences`: `{"silenceID": …}`.
pub fn decode_silence_id(value: &Value) -> Result<String, String> {
    let members = match value {
        Value::Null => return Ok(String::new()),
        Value::Object(members) => members,
        other => {
            return Err(value_mismatch(other.kind(), "silence.PostSilencesOKBody"));
        }
    };
    let mut id = None;
    let mut d = Decoding::default();
    for (key, value) in members {
        if field_is(key, "silenceID") {
            decode_string(value, &mut id, &mut d, "PostSilencesOKBody", "silenceID");
        }
    }
    d.finish()?;
    Ok(id.unwrap_or_default())
}

/// A string payload of an error response (`"message"`), or an empty one
/// when the body is empty.
pub fn decode_string_payload(value: &Value) -> Result<String, String> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        other => Err(value_mismatch(other.kind(), "string")),
    }
}

// ---------------------------------------------------------------------------
// Encoding (Go's json.Marshal; `<`, `>`, `&` escaped)

fn push_string(out: &mut String, s: &str) {
    write_string(out, s, true);
}

fn push_optional_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_string(out, s),
        None => out.push_str("null"),
    }
}

fn push_time(out: &mut String, t: Option<&DateTime>) {
    match t {
        Some(t) => {
            out.push('"');
            t.write_api(out);
            out.push('"');
        }
        None => out.push_str("null"),
    }
}

fn push_label_set(out: &mut String, labels: Option<&LabelSet>) {
    let Some(labels) = labels else {
        out.push_str("null");
        return;
    };
    out.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, k);
        out.push(':');
        push_string(out, v);
    }
    out.push('}');
}

fn push_string_list(out: &mut String, items: Option<&[String]>) {
    let Some(items) = items else {
        out.push_str("null");
        return;
    };
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, item);
    }
    out.push(']');
}

fn push_bool(out: &mut String, b: Option<bool>) {
    out.push_str(match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    });
}

/// The `silence` part's members (after an opening `{` or a `,`).
fn push_silence_members(out: &mut String, s: &Silence) {
    if let Some(annotations) = s.annotations.as_ref().filter(|a| !a.is_empty()) {
        out.push_str("\"annotations\":");
        push_label_set(out, Some(annotations));
        out.push(',');
    }
    out.push_str("\"comment\":");
    push_optional_string(out, s.comment.as_deref());
    out.push_str(",\"createdBy\":");
    push_optional_string(out, s.created_by.as_deref());
    out.push_str(",\"endsAt\":");
    push_time(out, s.ends_at.as_ref());
    out.push_str(",\"matchers\":");
    match &s.matchers {
        None => out.push_str("null"),
        Some(matchers) => {
            out.push('[');
            for (i, m) in matchers.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match m {
                    None => out.push_str("null"),
                    Some(m) => push_matcher(out, m),
                }
            }
            out.push(']');
        }
    }
    out.push_str(",\"startsAt\":");
    push_time(out, s.starts_at.as_ref());
}

fn push_matcher(out: &mut String, m: &Matcher) {
    out.push('{');
    if let Some(is_equal) = m.is_equal {
        out.push_str("\"isEqual\":");
        push_bool(out, Some(is_equal));
        out.push(',');
    }
    out.push_str("\"isRegex\":");
    push_bool(out, m.is_regex);
    out.push_str(",\"name\":");
    push_optional_string(out, m.name.as_deref());
    out.push_str(",\"value\":");
    push_optional_string(out, m.value.as_deref());
    out.push('}');
}

/// A `gettableSilence` as amtool prints it.
fn push_gettable_silence(out: &mut String, s: &GettableSilence) {
    out.push_str("{\"id\":");
    push_optional_string(out, s.id.as_deref());
    out.push_str(",\"status\":");
    match &s.status {
        None => out.push_str("null"),
        Some(state) => {
            out.push_str("{\"state\":");
            push_optional_string(out, state.as_deref());
            out.push('}');
        }
    }
    out.push_str(",\"updatedAt\":");
    push_time(out, s.updated_at.as_ref());
    out.push(',');
    push_silence_members(out, &s.silence);
    out.push('}');
}

/// A list of silences as `json.Encoder.Encode` writes it (with the final
/// newline); `None` is a nil slice.
pub fn encode_silences(silences: Option<&[GettableSilence]>) -> String {
    let mut out = String::new();
    match silences {
        None => out.push_str("null"),
        Some(silences) => {
            out.push('[');
            for (i, s) in silences.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_gettable_silence(&mut out, s);
            }
            out.push(']');
        }
    }
    out.push('\n');
    out
}

fn push_gettable_alert(out: &mut String, a: &GettableAlert) {
    out.push_str("{\"annotations\":");
    push_label_set(out, a.annotations.as_ref());
    out.push_str(",\"endsAt\":");
    push_time(out, a.ends_at.as_ref());
    out.push_str(",\"fingerprint\":");
    push_optional_string(out, a.fingerprint.as_deref());
    out.push_str(",\"receivers\":");
    match &a.receivers {
        None => out.push_str("null"),
        Some(receivers) => {
            out.push('[');
            for (i, r) in receivers.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match r {
                    None => out.push_str("null"),
                    Some(name) => {
                        out.push_str("{\"name\":");
                        push_optional_string(out, name.as_deref());
                        out.push('}');
                    }
                }
            }
            out.push(']');
        }
    }
    out.push_str(",\"startsAt\":");
    push_time(out, a.starts_at.as_ref());
    out.push_str(",\"status\":");
    match &a.status {
        None => out.push_str("null"),
        Some(status) => {
            out.push_str("{\"inhibitedBy\":");
            push_string_list(out, status.inhibited_by.as_deref());
            out.push_str(",\"mutedBy\":");
            push_string_list(out, status.muted_by.as_deref());
            out.push_str(",\"silencedBy\":");
            push_string_list(out, status.silenced_by.as_deref());
            out.push_str(",\"state\":");
            push_optional_string(out, status.state.as_deref());
            out.push('}');
        }
    }
    out.push_str(",\"updatedAt\":");
    push_time(out, a.updated_at.as_ref());
    if !a.generator_url.is_empty() {
        out.push_str(",\"generatorURL\":");
        push_string(out, &a.generator_url);
    }
    out.push_str(",\"labels\":");
    push_label_set(out, a.labels.as_ref());
    out.push('}');
}

/// A list of alerts as `json.Encoder.Encode` writes it; `None` entries are
/// nil elements, a `None` list a nil slice.
pub fn encode_alerts(alerts: Option<&[Option<GettableAlert>]>) -> String {
    let mut out = String::new();
    match alerts {
        None => out.push_str("null"),
        Some(alerts) => {
            out.push('[');
            for (i, a) in alerts.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match a {
                    None => out.push_str("null"),
                    Some(a) => push_gettable_alert(&mut out, a),
                }
            }
            out.push(']');
        }
    }
    out.push('\n');
    out
}

/// The body of `POST /silences` (as go-openapi's JSON producer, a
/// `json.Encoder`, writes it: newline-terminated).
pub fn encode_postable_silence(s: &PostableSilence) -> String {
    let mut out = String::from("{");
    if !s.id.is_empty() {
        out.push_str("\"id\":");
        push_string(&mut out, &s.id);
        out.push(',');
    }
    push_silence_members(&mut out, &s.silence);
    out.push_str("}\n");
    out
}

/// The body of `POST /alerts` for one alert. Unset times are Go's zero
/// time, which the server reads as "not set".
pub fn encode_postable_alerts(alert: &PostableAlert) -> String {
    let zero = DateTime::parse("0001-01-01T00:00:00.000Z").ok();
    let mut out = String::from("[{");
    if !alert.annotations.is_empty() {
        out.push_str("\"annotations\":");
        push_label_set(&mut out, Some(&alert.annotations));
        out.push(',');
    }
    out.push_str("\"endsAt\":");
    push_time(&mut out, alert.ends_at.as_ref().or(zero.as_ref()));
    out.push_str(",\"startsAt\":");
    push_time(&mut out, alert.starts_at.as_ref().or(zero.as_ref()));
    if !alert.generator_url.is_empty() {
        out.push_str(",\"generatorURL\":");
        push_string(&mut out, &alert.generator_url);
    }
    out.push_str(",\"labels\":");
    push_label_set(&mut out, Some(&alert.labels));
    out.push_str("}]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_api::gojson;

    fn parse(text: &str) -> Value {
        gojson::parse(text.as_bytes()).expect("valid JSON")
    }

    /// A body Alertmanager 0.25 returned for `GET /api/v2/alerts` and the
    /// line amtool 0.25 printed with `-o json` for it (captured from the
    /// installed binaries); the 0.34 client adds `"mutedBy":null` for a
    /// server that does not send the field.
    #[test]
    fn alerts_round_trip_as_amtool_prints_them() {
        let body = r#"[{"annotations":{"summary":"the \u003csum\u003e \u0026 more"},"endsAt":"2026-11-21T05:29:23.712Z","fingerprint":"8f14a41207c8456c","receivers":[{"name":"default"}],"startsAt":"2020-01-01T00:00:00.000+02:00","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-21T05:24:23.712Z","generatorURL":"http://x/y","labels":{"severity":"warning","alertname":"test1"}}]"#;
        let alerts = decode_gettable_alerts(&parse(body))
            .expect("decodes")
            .expect("a list");
        assert_eq!(
            encode_alerts(Some(&alerts)),
            r#"[{"annotations":{"summary":"the \u003csum\u003e \u0026 more"},"endsAt":"2026-11-21T05:29:23.712Z","fingerprint":"8f14a41207c8456c","receivers":[{"name":"default"}],"startsAt":"2020-01-01T00:00:00.000+02:00","status":{"inhibitedBy":[],"mutedBy":null,"silencedBy":[],"state":"active"},"updatedAt":"2026-11-21T05:24:23.712Z","generatorURL":"http://x/y","labels":{"alertname":"test1","severity":"warning"}}]
"#
        );
    }

    #[test]
    fn silences_round_trip_and_empty_annotations_are_omitted() {
        let body = r#"[{"id":"9e22","status":{"state":"active"},"updatedAt":"2026-11-21T05:24:28.352Z","annotations":{},"comment":"first one","createdBy":"root","endsAt":"2026-11-21T06:24:28.351Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"test1"},{"isRegex":true,"name":"a","value":"b"}],"startsAt":"2026-11-21T05:24:28.352Z"}]"#;
        let silences: Vec<GettableSilence> = decode_gettable_silences(&parse(body))
            .expect("decodes")
            .expect("a list")
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(
            encode_silences(Some(&silences)),
            r#"[{"id":"9e22","status":{"state":"active"},"updatedAt":"2026-11-21T05:24:28.352Z","comment":"first one","createdBy":"root","endsAt":"2026-11-21T06:24:28.351Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"test1"},{"isRegex":true,"name":"a","value":"b"}],"startsAt":"2026-11-21T05:24:28.352Z"}]
"#
        );
    }

    /// Messages amtool 0.25 printed for these `silence import` inputs.
    #[test]
    fn import_elements_report_go_type_errors() {
        assert_eq!(
            decode_postable_silence(&parse("1")).unwrap_err(),
            r#"json: cannot unmarshal number into Go value of type struct { ID string "json:\"id,omitempty\"" }"#
        );
        assert_eq!(
            decode_postable_silence(&parse(r#"{"comment":5}"#)).unwrap_err(),
            "json: cannot unmarshal number into Go struct field Silence.comment of type string"
        );
    }

    #[test]
    fn keys_match_case_insensitively_and_unknown_ones_are_ignored() {
        let s = decode_postable_silence(&parse(
            r#"{"ID":"x","Comment":"c","extra":[1],"createdby":"me"}"#,
        ))
        .expect("decodes");
        assert_eq!(s.id, "x");
        assert_eq!(s.silence.comment.as_deref(), Some("c"));
        assert_eq!(s.silence.created_by.as_deref(), Some("me"));
        assert_eq!(
            encode_postable_silence(&s),
            "{\"id\":\"x\",\"comment\":\"c\",\"createdBy\":\"me\",\"endsAt\":null,\"matchers\":null,\"startsAt\":null}\n"
        );
    }
}
