mod support;
use std::collections::BTreeMap;
use std::sync::Arc;
use tocsin_gotemplate::*;

struct AmKv(BTreeMap<String, String>);
impl AmKv {
    fn sorted(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some(i) = v.iter().position(|(k, _)| k == "alertname") { let a = v.remove(i); v.insert(0, a); }
        v
    }
}
impl Object for AmKv {
    fn type_name(&self) -> &str { "template.KV" }
    fn repr(&self) -> Repr { Repr::Value(Value::map(self.0.iter().map(|(k, v)| (k.as_str(), Value::from(v.as_str()))))) }
    fn field(&self, name: &str) -> Option<Value> { self.0.get(name).map(|v| Value::from(v.as_str())) }
    fn map_zero(&self) -> Option<Value> { Some(Value::from("")) }
    fn method(&self, name: &str) -> Option<Signature> {
        match name { "SortedPairs" | "Names" | "Values" => Some(Signature::fixed(vec![])), "Remove" => Some(Signature::fixed(vec![GoType::string_list()])), _ => None }
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let s = self.sorted();
        Ok(match name {
            "SortedPairs" => Value::object(AmPairs(s)),
            "Names" => Value::string_list(s.into_iter().map(|p| p.0)),
            "Values" => Value::string_list(s.into_iter().map(|p| p.1)),
            _ => { let mut m = self.0.clone(); if let Some(Value::List(l)) = args.first() { for k in l.items() { if let Some(k) = k.as_str() { m.remove(k); } } } Value::object(AmKv(m)) }
        })
    }
    fn len(&self) -> Option<usize> { Some(self.0.len()) }
    fn range(&self) -> Option<Vec<(Value, Value)>> { Some(self.0.iter().map(|(k, v)| (Value::from(k.as_str()), Value::from(v.as_str()))).collect()) }
}
struct AmPairs(Vec<(String, String)>);
impl Object for AmPairs {
    fn type_name(&self) -> &str { "template.Pairs" }
    fn repr(&self) -> Repr { Repr::Value(Value::list(self.0.iter().map(|(k, v)| Value::object(AmPair(k.clone(), v.clone()))))) }
    fn method(&self, name: &str) -> Option<Signature> { matches!(name, "Names" | "Values").then(|| Signature::fixed(vec![])) }
    fn call_method(&self, name: &str, _: &[Value]) -> Result<Value, FuncError> {
        Ok(if name == "Names" { Value::string_list(self.0.iter().map(|p| p.0.clone())) } else { Value::string_list(self.0.iter().map(|p| p.1.clone())) })
    }
    fn len(&self) -> Option<usize> { Some(self.0.len()) }
    fn range(&self) -> Option<Vec<(Value, Value)>> { Some(self.0.iter().enumerate().map(|(i, (k, v))| (Value::from(i), Value::object(AmPair(k.clone(), v.clone())))).collect()) }
}
struct AmPair(String, String);
impl Object for AmPair {
    fn type_name(&self) -> &str { "template.Pair" }
    fn repr(&self) -> Repr { Repr::Struct(vec![("Name".into(), Value::from(self.0.as_str())), ("Value".into(), Value::from(self.1.as_str()))]) }
    fn field(&self, n: &str) -> Option<Value> { match n { "Name" => Some(Value::from(self.0.as_str())), "Value" => Some(Value::from(self.1.as_str())), _ => None } }
}
#[derive(Clone)]
struct AmAlert { status: String, labels: Arc<AmKv>, annotations: Arc<AmKv>, url: String }
impl Object for AmAlert {
    fn type_name(&self) -> &str { "template.Alert" }
    fn repr(&self) -> Repr { Repr::Struct(vec![]) }
    fn field(&self, n: &str) -> Option<Value> { match n {
        "Status" => Some(Value::from(self.status.as_str())), "Labels" => Some(Value::Object(self.labels.clone())),
        "Annotations" => Some(Value::Object(self.annotations.clone())), "GeneratorURL" => Some(Value::from(self.url.as_str())), "Fingerprint" => Some(Value::from("")), _ => None } }
}
struct AmAlerts(Vec<AmAlert>);
impl Object for AmAlerts {
    fn type_name(&self) -> &str { "template.Alerts" }
    fn repr(&self) -> Repr { Repr::Value(Value::list(self.0.iter().map(|a| Value::object(a.clone())))) }
    fn method(&self, n: &str) -> Option<Signature> { matches!(n, "Firing" | "Resolved").then(|| Signature::fixed(vec![])) }
    fn call_method(&self, n: &str, _: &[Value]) -> Result<Value, FuncError> {
        let want = if n == "Firing" { "firing" } else { "resolved" };
        Ok(Value::List(List::typed(GoType::Named(Arc::from("template.Alert")), self.0.iter().filter(|a| a.status == want).map(|a| Value::object(a.clone())).collect())))
    }
    fn len(&self) -> Option<usize> { Some(self.0.len()) }
    fn range(&self) -> Option<Vec<(Value, Value)>> { Some(self.0.iter().enumerate().map(|(i, a)| (Value::from(i), Value::object(a.clone()))).collect()) }
}
struct AmData { alerts: Arc<AmAlerts>, group: Arc<AmKv>, common: Arc<AmKv>, ann: Arc<AmKv> }
impl Object for AmData {
    fn type_name(&self) -> &str { "*template.Data" }
    fn repr(&self) -> Repr { Repr::Struct(vec![]) }
    fn field(&self, n: &str) -> Option<Value> { match n {
        "Receiver" => Some(Value::from("team\\-X")), "Status" => Some(Value::from("firing")), "ExternalURL" => Some(Value::from("http://am.example:9093")),
        "Alerts" => Some(Value::Object(self.alerts.clone())), "GroupLabels" => Some(Value::Object(self.group.clone())),
        "CommonLabels" => Some(Value::Object(self.common.clone())), "CommonAnnotations" => Some(Value::Object(self.ann.clone())), _ => None } }
}
fn kv(p: &[(&str, &str)]) -> Arc<AmKv> { Arc::new(AmKv(p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())) }

#[test]
fn real_alertmanager_templates() {
    let data = Value::object(AmData {
        group: kv(&[("alertname", "DiskFull"), ("env", "prod")]),
        common: kv(&[("alertname", "DiskFull"), ("env", "prod"), ("severity", "critical")]),
        ann: kv(&[("summary", "disk <90%> & rising")]),
        alerts: Arc::new(AmAlerts(vec![
            AmAlert { status: "firing".into(), labels: kv(&[("alertname", "DiskFull"), ("env", "prod"), ("severity", "critical"), ("instance", "a:9100")]), annotations: kv(&[("summary", "disk <90%> & rising"), ("runbook", "http://wiki/x?y=1&z=\"2\"")]), url: "http://prom:9090/graph?g0.expr=a%3Cb&g0.tab=1".into() },
            AmAlert { status: "resolved".into(), labels: kv(&[("alertname", "DiskFull"), ("env", "prod"), ("severity", "warning"), ("instance", "b:9100")]), annotations: kv(&[]), url: "javascript:alert(1)".into() },
        ])),
    });
    let mut funcs = FuncMap::new();
    funcs.insert("toUpper".into(), Function::with_signature(Signature::fixed(vec![GoType::String]), |a| Ok(Value::from(a[0].as_str().unwrap().to_uppercase()))));
    funcs.insert("join".into(), Function::with_signature(Signature::fixed(vec![GoType::String, GoType::string_list()]), |a| {
        let Value::List(l) = &a[1] else { unreachable!() };
        Ok(Value::from(l.items().iter().map(|v| v.as_str().unwrap().to_string()).collect::<Vec<_>>().join(a[0].as_str().unwrap())))
    }));
    let files: Vec<String> = ["default.tmpl", "email.tmpl"].iter().map(|f| std::fs::read_to_string(format!("/tmp/gt/am/{f}")).unwrap()).collect();
    let make = |html: bool| {
        let mut t = if html { Template::new_html("") } else { Template::new("") };
        t.option("missingkey=zero").unwrap();
        t.funcs(funcs.clone()).unwrap();
        for f in &files { t.parse(f).unwrap(); }
        t
    };
    let tt = make(false);
    let expected: BTreeMap<String, String> = serde_json::from_str(&std::fs::read_to_string("/tmp/gt/am/expected.json").unwrap()).unwrap();
    let mut got = BTreeMap::new();
    for name in tt.template_names() {
        let mut out = String::new();
        let r = tt.execute_template(&name, &data, &mut out);
        got.insert(format!("text:{name}"), match r { Ok(()) => out, Err(e) => format!("ERROR {e}") });
    }
    let ht = make(true);
    for name in ["email.default.html", "email.default.subject", "__subject", "__alertmanagerURL"] {
        let mut out = String::new();
        let r = ht.execute_template(name, &data, &mut out);
        got.insert(format!("html:{name}"), match r { Ok(()) => out, Err(e) => format!("ERROR {e}") });
    }
    for field in ["{{ template \"slack.default.title\" . }}", "{{ .CommonLabels.severity }}|{{ .CommonLabels.nope }}|{{ index .GroupLabels \"env\" }}", "  "] {
        for (prefix, base) in [("field", &tt), ("hfield", &make(true))] {
            let mut t = base.new_template("");
            t.option("missingkey=zero").unwrap();
            t.parse(field).unwrap();
            let mut out = String::new();
            let r = t.execute(&data, &mut out);
            got.insert(format!("{prefix}:{field}"), match r { Ok(()) => out, Err(e) => format!("ERROR {e}") });
        }
    }
    let mut bad = 0;
    for (k, v) in &expected {
        if got.get(k) != Some(v) { bad += 1; eprintln!("DIFF {k}\n want {v:?}\n got  {:?}", got.get(k)); }
    }
    assert_eq!(got.len(), expected.len());
    assert_eq!(bad, 0);
}
#[test]
fn time_email_flow() {
    let files: Vec<String> = ["default.tmpl", "email.tmpl"].iter().map(|f| std::fs::read_to_string(format!("/tmp/gt/am/{f}")).unwrap()).collect();
    let mut base = Template::new_html("");
    base.option("missingkey=zero").unwrap();
    let mut funcs = FuncMap::new();
    funcs.insert("toUpper".into(), Function::new(|a| Ok(a[0].clone())));
    funcs.insert("join".into(), Function::new(|_| Ok(Value::from("x"))));
    funcs.insert("title".into(), Function::new(|a| Ok(a[0].clone())));
    base.funcs(funcs).unwrap();
    for f in &files { base.parse(f).unwrap(); }
    let data = Value::object(AmData {
        group: kv(&[("alertname", "DiskFull"), ("env", "prod")]),
        common: kv(&[("alertname", "DiskFull"), ("env", "prod"), ("severity", "critical")]),
        ann: kv(&[("summary", "disk <90%> & rising")]),
        alerts: Arc::new(AmAlerts(vec![
            AmAlert { status: "firing".into(), labels: kv(&[("alertname", "DiskFull"), ("env", "prod"), ("severity", "critical"), ("instance", "a:9100")]), annotations: kv(&[("summary", "disk <90%> & rising")]), url: "http://prom:9090/graph?g0.expr=a%3Cb&g0.tab=1".into() },
        ])),
    });
    let start = std::time::Instant::now();
    let n = 200;
    let mut len = 0;
    for _ in 0..n {
        let mut t = base.new_template("");
        t.parse("{{ template \"email.default.html\" . }}").unwrap();
        let mut out = String::new();
        t.execute(&data, &mut out).unwrap();
        len = out.len();
    }
    eprintln!("email flow: {:?} per notification ({len} bytes)", start.elapsed() / n);
}
