//! Tests of the public API beyond Go-compatibility of outputs: template
//! set semantics (clone independence, the Alertmanager clone-and-parse
//! pattern, lookup), options and their errors, the object and function
//! extension points, limits (output size, template depth, nesting) and
//! thread safety. Expected strings of Go-visible behaviour were produced
//! with Go 1.19 (see the comments); the rest are this crate's own API
//! contracts.

mod support;

use std::sync::Arc;

use support::{Kv, oracle_funcs, string_map};
use tocsin_gotemplate::{
    Error, FuncError, FuncMap, Function, GoType, Object, Repr, Signature, Template, Value,
};

fn render(t: &Template, data: &Value) -> Result<String, Error> {
    t.execute_to_string(data)
}

fn parsed(name: &str, text: &str) -> Template {
    let mut t = Template::new(name);
    t.funcs(oracle_funcs()).unwrap();
    t.parse(text).unwrap();
    t
}

#[test]
fn template_and_value_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Template>();
    assert_send_sync::<Value>();
    assert_send_sync::<Error>();
}

#[test]
fn clones_are_independent() {
    let base = parsed("base", r#"{{define "x"}}base-x{{end}}[{{template "x"}}]"#);
    let mut clone = base.clone();
    clone
        .parse(r#"{{define "x"}}clone-x{{end}}[{{template "x"}}]"#)
        .unwrap();
    assert_eq!(render(&base, &Value::Nil).unwrap(), "[base-x]");
    assert_eq!(render(&clone, &Value::Nil).unwrap(), "[clone-x]");
}

#[test]
fn alertmanager_pattern_clone_new_parse_execute() {
    // The set holds shared definitions; each field is parsed as a new
    // anonymous template in a clone and executed.
    let mut base = Template::new("");
    base.option("missingkey=zero").unwrap();
    base.funcs(oracle_funcs()).unwrap();
    base.parse(r#"{{ define "subject" }}[{{ .status | upper }}] {{ .name }}{{ end }}"#)
        .unwrap();
    let data = Value::map([
        ("status", Value::from("firing")),
        ("name", Value::from("disk")),
    ]);
    for (field, want) in [
        (r#"{{ template "subject" . }}"#, "[FIRING] disk"),
        // Go prints <no value> for a missing key of a map[string]interface{}
        // even with missingkey=zero (the zero interface is "no value").
        ("{{ .missing }}", "<no value>"),
        (
            r#"{{ define "subject" }}override{{ end }}{{ template "subject" . }}"#,
            "override",
        ),
    ] {
        let mut t = base.new_template("");
        t.parse(field).unwrap();
        assert_eq!(render(&t, &data).unwrap(), want, "field {field}");
    }
    // The base set is unchanged by what the fields defined.
    let mut t = base.new_template("");
    t.parse(r#"{{ template "subject" . }}"#).unwrap();
    assert_eq!(render(&t, &data).unwrap(), "[FIRING] disk");
}

#[test]
fn lookup_and_execute_template() {
    let t = parsed(
        "main",
        r#"{{define "a"}}A{{.}}{{end}}{{define "b"}}B{{end}}main"#,
    );
    assert_eq!(t.template_names(), vec!["a", "b", "main"]);
    let a = t.lookup("a").expect("a is defined");
    assert_eq!(a.name(), "a");
    assert_eq!(render(&a, &Value::from(1)).unwrap(), "A1");
    assert!(t.lookup("zzz").is_none());
    let mut out = String::new();
    t.execute_template("b", &Value::Nil, &mut out).unwrap();
    assert_eq!(out, "B");
    // Go 1.19: template: no template "zzz" associated with template "main"
    let err = t
        .execute_template("zzz", &Value::Nil, &mut out)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: no template "zzz" associated with template "main""#
    );
    assert_eq!(
        t.defined_templates(),
        r#"; defined templates are: "a", "b", "main""#
    );
}

#[test]
fn executing_an_unparsed_template_fails_like_go() {
    // Go 1.19: template: t: "t" is an incomplete or empty template
    let t = Template::new("t");
    assert_eq!(
        render(&t, &Value::Nil).unwrap_err().to_string(),
        r#"template: t: "t" is an incomplete or empty template"#
    );
}

#[test]
fn functions_must_exist_at_parse_time() {
    let mut t = Template::new("t");
    let err = t.parse("{{ shout . }}").unwrap_err();
    // Go 1.19: template: t:1: function "shout" not defined
    assert_eq!(
        err.to_string(),
        r#"template: t:1: function "shout" not defined"#
    );
    assert!(matches!(&err, Error::Parse(p) if p.line == 1 && p.column == 3 && p.template == "t"));
    let err = Template::new("u").parse("a\nbc {{ .x | 1 }}").unwrap_err();
    // Go 1.19: template: u:2: non executable command in pipeline stage 2
    assert_eq!(
        err.to_string(),
        "template: u:2: non executable command in pipeline stage 2"
    );
    assert!(matches!(&err, Error::Parse(p) if p.line == 2 && p.column == 13));
    t.func(
        "shout",
        Function::new(|args| Ok(Value::from(format!("{}!", tocsin_gotemplate::sprint(args))))),
    )
    .unwrap();
    t.parse("{{ shout . }}").unwrap();
    assert_eq!(render(&t, &Value::from("hi")).unwrap(), "hi!");
}

#[test]
fn invalid_function_names_and_options_are_errors() {
    let mut t = Template::new("t");
    let mut funcs = FuncMap::new();
    funcs.insert("9lives".to_string(), Function::new(|_| Ok(Value::Nil)));
    let err = t.funcs(funcs).unwrap_err();
    // Go panics with: function name "9lives" is not a valid identifier
    assert_eq!(
        err.to_string(),
        r#"function name "9lives" is not a valid identifier"#
    );
    let err = t.option("missingkey=maybe").unwrap_err();
    assert_eq!(err.to_string(), "unrecognized option: missingkey=maybe");
    assert!(t.option("missingkey=error").is_ok());
}

#[test]
fn function_errors_keep_their_source() {
    let t = parsed("t", "{{ fail }}");
    let err = render(&t, &Value::Nil).unwrap_err();
    match &err {
        Error::Exec(e) => {
            assert_eq!(e.template, "t");
            assert_eq!(e.source.as_ref().map(FuncError::message), Some("boom"));
            let location = e.location.as_ref().expect("location");
            assert_eq!(location.position, "t:1:3");
            assert_eq!(location.context, "fail");
        }
        other => panic!("unexpected error {other:?}"),
    }
    // Go 1.19: template: t:1:3: executing "t" at <fail>: error calling fail: boom
    assert_eq!(
        err.to_string(),
        r#"template: t:1:3: executing "t" at <fail>: error calling fail: boom"#
    );
}

#[test]
fn output_limit_stops_execution() {
    let mut t = parsed("t", "{{range .}}0123456789{{end}}");
    t.max_output(Some(25));
    let data = Value::list((0..10).map(Value::from));
    let mut out = String::new();
    let err = t.execute(&data, &mut out).unwrap_err();
    assert!(matches!(err, Error::OutputLimit { limit: 25 }));
    assert_eq!(out.len(), 30, "stops at the first write past the limit");
    t.max_output(None);
    assert_eq!(render(&t, &data).unwrap().len(), 100);
}

#[test]
fn template_depth_limit_is_configurable() {
    let text =
        r#"{{define "r"}}{{if gt . 0}}{{template "r" (add . -1)}}{{end}}{{end}}{{template "r" .}}"#;
    let mut t = parsed("t", text);
    assert_eq!(render(&t, &Value::from(50)).unwrap(), "");
    t.max_depth(10);
    let err = render(&t, &Value::from(50)).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("exceeded maximum template depth (10)"),
        "{err}"
    );
}

/// Runs `f` on a thread with a 2 MiB stack, the common default.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("thread did not crash")
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    on_small_stack(|| {
        let parens = format!("{{{{{}1{}}}}}", "(".repeat(100_000), ")".repeat(100_000));
        let err = Template::new("p").parse(&parens).unwrap_err();
        assert!(
            err.to_string().contains("max expression depth exceeded"),
            "{err}"
        );

        let ifs = format!("{}x{}", "{{if 1}}".repeat(50_000), "{{end}}".repeat(50_000));
        let err = Template::new("i").parse(&ifs).unwrap_err();
        assert!(err.to_string().contains("nesting depth"), "{err}");

        let ifs = format!("{}x{}", "{{if 1}}".repeat(2_000), "{{end}}".repeat(2_000));
        let mut t = Template::new("e");
        if t.parse(&ifs).is_ok() {
            // Parsing fit in the budget; execution must stop cleanly too.
            let _ = t.execute_to_string(&Value::Nil);
        }

        let mut t = Template::new("top");
        t.max_depth(usize::MAX);
        t.parse(r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}"#)
            .unwrap();
        let err = t.execute_to_string(&Value::Nil).unwrap_err();
        assert!(
            err.to_string().contains("exceeded maximum nesting depth"),
            "{err}"
        );

        let mut h = Template::new_html("h");
        h.parse(&format!(
            "{}<b>{{{{.}}}}</b>{}",
            "{{if 1}}".repeat(1_500),
            "{{end}}".repeat(1_500)
        ))
        .ok();
        let _ = h.execute_to_string(&Value::from("x"));
    });
}

#[test]
fn concurrent_executions_of_one_html_template() {
    let mut t = Template::new_html("page");
    t.funcs(oracle_funcs()).unwrap();
    t.parse(r#"{{define "link"}}{{.}}{{end}}<a href="/q?x={{template "link" .}}">{{.}}</a>"#)
        .unwrap();
    let t = Arc::new(t);
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let t = Arc::clone(&t);
            std::thread::spawn(move || {
                let data = Value::from(format!("a&b {i}"));
                (0..50)
                    .map(|_| t.execute_to_string(&data).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        for out in handle.join().unwrap() {
            // Go 1.19 output for the same template and data.
            assert_eq!(
                out,
                format!(r#"<a href="/q?x=a%26b%20{i}">a&amp;b {i}</a>"#)
            );
        }
    }
}

/// A time-like object: prints like Go's time.Time and has a method with
/// an argument.
struct Clock {
    unix: i64,
}

impl Object for Clock {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn repr(&self) -> Repr {
        Repr::Stringer(format!("1970-01-01 00:00:{:02} +0000 UTC", self.unix))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Unix" => Some(Signature::fixed(vec![])),
            "Add" => Some(Signature::fixed(vec![GoType::Int])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        match (name, args) {
            ("Unix", []) => Ok(Value::Int(self.unix)),
            ("Add", [Value::Int(d)]) => Ok(Value::object(Clock {
                unix: self.unix + d,
            })),
            _ => Err(FuncError::new("unexpected call")),
        }
    }
}

#[test]
fn objects_plug_in_fields_methods_and_printing() {
    let t = parsed(
        "t",
        "{{.at}}|{{.at.Unix}}|{{(.at.Add 5).Unix}}|{{printf \"%s|%q|%T\" .at .at .at}}|{{.at.Add}}",
    );
    let data = Value::map([("at", Value::object(Clock { unix: 7 }))]);
    let err = render(&t, &data).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("wrong number of args for Add: want 1 got 0"),
        "{err}"
    );
    let t = parsed(
        "t",
        "{{.at}}|{{.at.Unix}}|{{(.at.Add 5).Unix}}|{{printf \"%s|%q|%T\" .at .at .at}}",
    );
    assert_eq!(
        render(&t, &data).unwrap(),
        "1970-01-01 00:00:07 +0000 UTC|7|12|1970-01-01 00:00:07 +0000 UTC|\"1970-01-01 00:00:07 +0000 UTC\"|time.Time"
    );
    if let Some(Value::Object(object)) = data.as_map_entry("at") {
        assert_eq!(object.downcast_ref::<Clock>().map(|c| c.unix), Some(7));
        assert!(object.downcast_ref::<Kv>().is_none());
    } else {
        panic!("object expected");
    }
}

trait MapEntry {
    fn as_map_entry(&self, key: &str) -> Option<&Value>;
}

impl MapEntry for Value {
    fn as_map_entry(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(map) => map.get(key),
            _ => None,
        }
    }
}

#[test]
fn missingkey_zero_uses_the_element_type() {
    let mut t = Template::new("t");
    t.option("missingkey=zero").unwrap();
    t.parse("[{{.typed.x}}] [{{.any.x}}] [{{.kv.x}}]").unwrap();
    let data = Value::map([
        ("typed", string_map(&[("a", "1")])),
        ("any", Value::map([("a", Value::from(1))])),
        (
            "kv",
            Value::object(Kv(std::collections::BTreeMap::from([(
                "a".to_string(),
                "1".to_string(),
            )]))),
        ),
    ]);
    // Go 1.19 with map[string]string, map[string]interface{} and a named
    // map[string]string type: "", "<no value>", "".
    assert_eq!(render(&t, &data).unwrap(), "[] [<no value>] []");
}

#[test]
fn html_safe_values_from_functions_pass_through() {
    let mut t = Template::new_html("t");
    t.funcs(oracle_funcs()).unwrap();
    t.parse(r#"<p>{{ safe .h }}</p><p>{{ .h }}</p>"#).unwrap();
    // Go 1.19 output.
    assert_eq!(
        render(&t, &Value::map([("h", Value::from("<i>x</i>"))])).unwrap(),
        "<p><i>x</i></p><p>&lt;i&gt;x&lt;/i&gt;</p>"
    );
}

#[test]
fn unsupported_html_contexts_fail_instead_of_emitting() {
    let mut t = Template::new_html("t");
    t.parse("<script>var s = `{{.}}`;</script>").unwrap();
    let mut out = String::new();
    let err = t.execute(&Value::from("x"), &mut out).unwrap_err();
    assert!(matches!(err, Error::Escape(_)), "{err:?}");
    assert!(out.is_empty());
    // The failure is remembered, as in Go.
    assert!(t.execute(&Value::from("x"), &mut out).is_err());
}

#[test]
fn value_helpers() {
    assert!(!Value::Nil.is_true());
    assert!(Value::from("x").is_true());
    assert!(!Value::list([]).is_true());
    assert_eq!(Value::string_list(["a"]).type_name(), "[]string");
    assert_eq!(
        Value::map([("a", Value::Nil)]).type_name(),
        "map[string]interface {}"
    );
    assert_eq!(Value::Uint(1).go_type(), GoType::Uint);
    assert_eq!(Value::html("x").type_name(), "template.HTML");
    assert_eq!(Value::Nil.type_name(), "<nil>");
    assert_eq!(
        tocsin_gotemplate::sprintf(
            "%5.1f|%v",
            &[Value::Float(2.25159), Value::list([Value::Nil])]
        ),
        "  2.3|[<nil>]"
    );
}

#[test]
fn step_limit_stops_runaway_loops() {
    let t = parsed("t", "{{range 99999999999}}{{end}}");
    let err = render(&t, &Value::Nil).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("exceeded maximum number of execution steps (10000000)"),
        "{err}"
    );
    let mut t = parsed("t", "{{range 1000}}{{.}}{{end}}");
    t.max_steps(Some(100));
    assert!(render(&t, &Value::Nil).is_err());
    t.max_steps(None);
    assert_eq!(render(&t, &Value::Nil).unwrap().len(), 2890);
}

/// A named slice type (like Alertmanager's `Alerts`).
struct Names(Vec<&'static str>);

impl Object for Names {
    fn type_name(&self) -> &str {
        "main.Names"
    }

    fn repr(&self) -> Repr {
        Repr::Value(Value::list(self.0.iter().map(|n| Value::from(*n))))
    }

    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }

    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, n)| (Value::from(i), Value::from(*n)))
                .collect(),
        )
    }
}

#[test]
fn slice_like_objects_index_range_and_print() {
    let t = parsed(
        "t",
        "{{index . 1}}|{{range $i, $n := .}}{{$i}}{{$n}}{{end}}|{{len .}}|{{.}}|{{printf \"%q\" .}}",
    );
    let data = Value::object(Names(vec!["a", "b"]));
    assert_eq!(render(&t, &data).unwrap(), "b|0a1b|2|[a b]|[\"a\" \"b\"]");
    let t = parsed("t", "{{index . 5}}");
    assert!(
        render(&t, &data)
            .unwrap_err()
            .to_string()
            .ends_with("error calling index: index out of range: 5")
    );
}
