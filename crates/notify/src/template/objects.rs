//! The dot of notification templates: Alertmanager's `template.Data`,
//! `Alerts`, `Alert`, `KV`, `Pairs`, `Pair` and `Strings` as template
//! objects over one shared [`TemplateData`], with Go's method sets, map
//! semantics (`.Labels.severity` of a missing label is `""`), range order
//! and `fmt` output. Values are built lazily: an object is an `Arc` to the
//! data plus an index, so handing the data to a template costs nothing per
//! alert until a template looks at it.

use std::sync::Arc;

use tocsin_alerting::alert::AlertStatus;
use tocsin_gotemplate::{FuncError, GoType, List, Object, Repr, Signature, Value};
use tocsin_model::LabelSet;

use super::gotime::{GoDurationValue, GoTime};
use crate::data::{TemplateAlert, TemplateData};
use crate::gojson::{GoJson, write_string, write_string_map};

pub(super) const KV_TYPE: &str = "template.KV";
pub(super) const STRINGS_TYPE: &str = "template.Strings";
const ALERT_TYPE: &str = "template.Alert";

/// The value templates see as `.` for `data`.
pub(super) fn data_value(data: Arc<TemplateData>) -> Value {
    Value::object(DataObject(data))
}

/// `*template.Data`.
struct DataObject(Arc<TemplateData>);

impl DataObject {
    fn kv(&self, field: KvField) -> Value {
        Kv::of(&self.0, field).value()
    }
}

impl Object for DataObject {
    fn type_name(&self) -> &str {
        "*template.Data"
    }

    fn repr(&self) -> Repr {
        let names = [
            "Receiver",
            "Status",
            "Alerts",
            "NotificationReason",
            "GroupLabels",
            "CommonLabels",
            "CommonAnnotations",
            "RouteLabels",
            "ExternalURL",
        ];
        Repr::Struct(
            names
                .iter()
                .map(|n| ((*n).to_owned(), self.field(n).unwrap_or_default()))
                .collect(),
        )
    }

    fn field(&self, name: &str) -> Option<Value> {
        let d = &self.0;
        Some(match name {
            "Receiver" => Value::from(d.receiver.as_str()),
            "Status" => Value::from(d.status.as_str()),
            "Alerts" => Value::object(AlertsObject(d.clone())),
            "NotificationReason" => Value::from(d.notification_reason.as_str()),
            "GroupLabels" => self.kv(KvField::Group),
            "CommonLabels" => self.kv(KvField::CommonLabels),
            "CommonAnnotations" => self.kv(KvField::CommonAnnotations),
            "RouteLabels" => self.kv(KvField::Route),
            "ExternalURL" => Value::from(d.external_url.as_str()),
            _ => return None,
        })
    }
}

/// `template.Alerts`: a named slice with `Firing` and `Resolved`.
struct AlertsObject(Arc<TemplateData>);

impl AlertsObject {
    fn alerts(&self) -> &[TemplateAlert] {
        &self.0.alerts
    }

    fn list(&self) -> Vec<Value> {
        (0..self.alerts().len())
            .map(|i| alert_value(&self.0, i))
            .collect()
    }

    /// `[]template.Alert` of the alerts with `status`.
    fn with_status(&self, status: AlertStatus) -> Value {
        let items = self
            .alerts()
            .iter()
            .enumerate()
            .filter(|(_, a)| a.status == status)
            .map(|(i, _)| alert_value(&self.0, i))
            .collect();
        Value::List(List::typed(GoType::Named(Arc::from(ALERT_TYPE)), items))
    }
}

fn alert_value(data: &Arc<TemplateData>, index: usize) -> Value {
    Value::object(AlertObject {
        data: data.clone(),
        index,
    })
}

impl Object for AlertsObject {
    fn type_name(&self) -> &str {
        "template.Alerts"
    }

    fn repr(&self) -> Repr {
        Repr::Value(Value::List(List::typed(
            GoType::Named(Arc::from(ALERT_TYPE)),
            self.list(),
        )))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "Firing" | "Resolved").then(|| Signature::fixed(vec![]))
    }

    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, FuncError> {
        match name {
            "Firing" => Ok(self.with_status(AlertStatus::Firing)),
            "Resolved" => Ok(self.with_status(AlertStatus::Resolved)),
            _ => Err(FuncError::new(format!("no method {name}"))),
        }
    }

    fn len(&self) -> Option<usize> {
        Some(self.alerts().len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.list()
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
        )
    }
}

/// `template.Alert`.
struct AlertObject {
    data: Arc<TemplateData>,
    index: usize,
}

impl AlertObject {
    fn alert(&self) -> Option<&TemplateAlert> {
        self.data.alerts.get(self.index)
    }
}

const ALERT_FIELDS: [&str; 7] = [
    "Status",
    "Labels",
    "Annotations",
    "StartsAt",
    "EndsAt",
    "GeneratorURL",
    "Fingerprint",
];

impl Object for AlertObject {
    fn type_name(&self) -> &str {
        ALERT_TYPE
    }

    fn repr(&self) -> Repr {
        Repr::Struct(
            ALERT_FIELDS
                .iter()
                .map(|n| ((*n).to_owned(), self.field(n).unwrap_or_default()))
                .collect(),
        )
    }

    fn field(&self, name: &str) -> Option<Value> {
        let alert = self.alert()?;
        Some(match name {
            "Status" => Value::from(alert.status.as_str()),
            "Labels" => Kv::of(&self.data, KvField::AlertLabels(self.index)).value(),
            "Annotations" => Kv::of(&self.data, KvField::AlertAnnotations(self.index)).value(),
            "StartsAt" => GoTime::from_alert_time(&alert.starts_at).value(),
            "EndsAt" => GoTime::from_alert_time(&alert.ends_at).value(),
            "GeneratorURL" => Value::from(alert.generator_url.as_str()),
            "Fingerprint" => Value::from(alert.fingerprint.to_string()),
            _ => return None,
        })
    }

    fn equals(&self, other: &dyn Object) -> Option<bool> {
        let other = other.downcast_ref::<AlertObject>()?;
        Some(self.alert() == other.alert())
    }
}

/// Which label set of the data a [`Kv`] shows.
#[derive(Clone, Copy)]
enum KvField {
    Group,
    CommonLabels,
    CommonAnnotations,
    Route,
    AlertLabels(usize),
    AlertAnnotations(usize),
}

#[derive(Clone)]
enum KvSource {
    Data(Arc<TemplateData>, KvField),
    Owned(Arc<LabelSet>),
}

/// `template.KV`: a `map[string]string` with `SortedPairs`, `Remove`,
/// `Names`, `Values` and `String`.
#[derive(Clone)]
pub(super) struct Kv(KvSource);

static EMPTY: std::sync::LazyLock<LabelSet> = std::sync::LazyLock::new(LabelSet::new);

impl Kv {
    fn of(data: &Arc<TemplateData>, field: KvField) -> Kv {
        Kv(KvSource::Data(data.clone(), field))
    }

    pub(super) fn owned(set: LabelSet) -> Kv {
        Kv(KvSource::Owned(Arc::new(set)))
    }

    pub(super) fn value(self) -> Value {
        Value::object(self)
    }

    pub(super) fn set(&self) -> &LabelSet {
        match &self.0 {
            KvSource::Owned(set) => set,
            KvSource::Data(data, field) => match field {
                KvField::Group => &data.group_labels,
                KvField::CommonLabels => &data.common_labels,
                KvField::CommonAnnotations => &data.common_annotations,
                KvField::Route => &data.route_labels,
                KvField::AlertLabels(i) => data.alerts.get(*i).map_or(&EMPTY, |a| &a.labels),
                KvField::AlertAnnotations(i) => {
                    data.alerts.get(*i).map_or(&EMPTY, |a| &a.annotations)
                }
            },
        }
    }

    /// Pairs with `alertname` first, the rest sorted by name.
    pub(super) fn sorted_pairs(&self) -> Vec<(String, String)> {
        let set = self.set();
        let mut pairs = Vec::with_capacity(set.len());
        if let Some(v) = set.get("alertname") {
            pairs.push(("alertname".to_owned(), v.to_owned()));
        }
        pairs.extend(
            set.iter()
                .filter(|(k, _)| *k != "alertname")
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        pairs
    }
}

/// `Pairs.String()` / `KV.String()`: `a=b, c=d`.
fn pairs_string(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The strings of a `[]string` value or of a `template.Strings` object.
pub(super) fn string_items(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::List(list) if *list.elem_type() == GoType::String => Some(
            list.items()
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect(),
        ),
        Value::Object(object) => object.downcast_ref::<StringsObject>().map(|s| s.0.to_vec()),
        _ => None,
    }
}

impl Object for Kv {
    fn type_name(&self) -> &str {
        KV_TYPE
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(pairs_string(&self.sorted_pairs()))
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.set().get(name).map(Value::from)
    }

    fn map_zero(&self) -> Option<Value> {
        Some(Value::from(""))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "SortedPairs" | "Names" | "Values" | "String" => Some(Signature::fixed(vec![])),
            // Declared `[]string`; `template.Strings` is accepted as Go's
            // assignability rules accept it (checked in `call_method`).
            "Remove" => Some(Signature::fixed(vec![GoType::Any])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        match name {
            "SortedPairs" => Ok(PairsObject(Arc::new(self.sorted_pairs())).value()),
            "Names" => Ok(StringsObject::from_iter(
                self.sorted_pairs().into_iter().map(|(k, _)| k),
            )),
            "Values" => Ok(StringsObject::from_iter(
                self.sorted_pairs().into_iter().map(|(_, v)| v),
            )),
            "String" => Ok(Value::from(pairs_string(&self.sorted_pairs()))),
            "Remove" => {
                let arg = args.first().cloned().unwrap_or_default();
                let keys = if arg.is_nil() {
                    Vec::new()
                } else {
                    string_items(&arg).ok_or_else(|| {
                        FuncError::new(format!(
                            "wrong type for value; expected []string; got {}",
                            arg.type_name()
                        ))
                    })?
                };
                let mut set = self.set().clone();
                for key in &keys {
                    set.remove(key);
                }
                Ok(Kv::owned(set).value())
            }
            _ => Err(FuncError::new(format!("no method {name}"))),
        }
    }

    fn len(&self) -> Option<usize> {
        Some(self.set().len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.set()
                .iter()
                .map(|(k, v)| (Value::from(k), Value::from(v)))
                .collect(),
        )
    }
}

/// `template.Pairs`.
struct PairsObject(Arc<Vec<(String, String)>>);

impl PairsObject {
    fn value(self) -> Value {
        Value::object(self)
    }

    fn items(&self) -> Vec<Value> {
        (0..self.0.len())
            .map(|i| {
                Value::object(PairObject {
                    pairs: self.0.clone(),
                    index: i,
                })
            })
            .collect()
    }
}

impl Object for PairsObject {
    fn type_name(&self) -> &str {
        "template.Pairs"
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(pairs_string(&self.0))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "Names" | "Values" | "String").then(|| Signature::fixed(vec![]))
    }

    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, FuncError> {
        match name {
            "Names" => Ok(StringsObject::from_iter(
                self.0.iter().map(|(k, _)| k.clone()),
            )),
            "Values" => Ok(StringsObject::from_iter(
                self.0.iter().map(|(_, v)| v.clone()),
            )),
            "String" => Ok(Value::from(pairs_string(&self.0))),
            _ => Err(FuncError::new(format!("no method {name}"))),
        }
    }

    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.items()
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
        )
    }
}

/// `template.Pair`: a struct with `Name` and `Value`.
struct PairObject {
    pairs: Arc<Vec<(String, String)>>,
    index: usize,
}

impl PairObject {
    fn pair(&self) -> (&str, &str) {
        self.pairs
            .get(self.index)
            .map_or(("", ""), |(k, v)| (k.as_str(), v.as_str()))
    }
}

impl Object for PairObject {
    fn type_name(&self) -> &str {
        "template.Pair"
    }

    fn repr(&self) -> Repr {
        let (name, value) = self.pair();
        Repr::Struct(vec![
            ("Name".to_owned(), Value::from(name)),
            ("Value".to_owned(), Value::from(value)),
        ])
    }

    fn field(&self, name: &str) -> Option<Value> {
        let (n, v) = self.pair();
        match name {
            "Name" => Some(Value::from(n)),
            "Value" => Some(Value::from(v)),
            _ => None,
        }
    }

    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(other.downcast_ref::<PairObject>()?.pair() == self.pair())
    }
}

/// `template.Strings`: a `[]string` with `Join`.
pub(super) struct StringsObject(Arc<[String]>);

impl StringsObject {
    fn from_iter(items: impl Iterator<Item = String>) -> Value {
        Value::object(StringsObject(items.collect()))
    }

    fn list(&self) -> Value {
        Value::string_list(self.0.iter().map(String::as_str))
    }
}

impl Object for StringsObject {
    fn type_name(&self) -> &str {
        STRINGS_TYPE
    }

    fn repr(&self) -> Repr {
        Repr::Value(self.list())
    }

    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Join").then(|| Signature::fixed(vec![GoType::String]))
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        match name {
            "Join" => Ok(Value::from(
                self.0
                    .join(args.first().and_then(Value::as_str).unwrap_or("")),
            )),
            _ => Err(FuncError::new(format!("no method {name}"))),
        }
    }

    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, s)| (Value::from(i), Value::from(s.as_str())))
                .collect(),
        )
    }
}

/// Appends Go's `json.Marshal` output for one of this crate's objects
/// (Alertmanager's types with their JSON field names, `time.Time`,
/// `time.Duration`).
pub(super) fn write_object_json(out: &mut Vec<u8>, object: &dyn Object) -> Result<(), FuncError> {
    let json_error = |e: crate::gojson::JsonError| FuncError::new(e.to_string());
    if let Some(data) = object.downcast_ref::<DataObject>() {
        return data.0.write_json(out).map_err(json_error);
    }
    if let Some(alert) = object.downcast_ref::<AlertObject>() {
        let Some(a) = alert.alert() else {
            out.extend_from_slice(b"null");
            return Ok(());
        };
        return a.write_json(out).map_err(json_error);
    }
    if let Some(alerts) = object.downcast_ref::<AlertsObject>() {
        return alerts.alerts().write_json(out).map_err(json_error);
    }
    if let Some(kv) = object.downcast_ref::<Kv>() {
        write_string_map(out, kv.set().as_map());
        return Ok(());
    }
    if let Some(pairs) = object.downcast_ref::<PairsObject>() {
        out.push(b'[');
        for (i, (name, value)) in pairs.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_pair(out, name, value);
        }
        out.push(b']');
        return Ok(());
    }
    if let Some(pair) = object.downcast_ref::<PairObject>() {
        let (name, value) = pair.pair();
        write_pair(out, name, value);
        return Ok(());
    }
    if let Some(strings) = object.downcast_ref::<StringsObject>() {
        out.push(b'[');
        for (i, s) in strings.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_string(out, s);
        }
        out.push(b']');
        return Ok(());
    }
    if let Some(time) = object.downcast_ref::<GoTime>() {
        return crate::gojson::write_time(out, &time.as_alert_time()).map_err(json_error);
    }
    if let Some(duration) = object.downcast_ref::<GoDurationValue>() {
        out.extend_from_slice(duration.0.to_string().as_bytes());
        return Ok(());
    }
    if let Some(number) = super::gotime::enum_number(object) {
        out.extend_from_slice(number.to_string().as_bytes());
        return Ok(());
    }
    Err(FuncError::new(format!(
        "json: unsupported type: {}",
        object.type_name()
    )))
}

fn write_pair(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(b"{\"Name\":");
    write_string(out, name);
    out.extend_from_slice(b",\"Value\":");
    write_string(out, value);
    out.push(b'}');
}
