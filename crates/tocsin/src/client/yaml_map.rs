//! Reading small YAML files the way Go's `yaml.v2` decodes them into a
//! `map[string]string` (amtool's config file) or into a struct of scalars
//! (the `--http.config.file` subset): scalars keep their text, `null`
//! becomes empty, sequences or mappings where a string is expected are
//! collected as `yaml: unmarshal errors:` with line numbers, syntax errors
//! read `yaml: line N: …`. Aliases are followed.

use tocsin_config::yaml::{self, Document, NodeId, NodeKind};

/// One entry of a mapping: key and value text (or a type error).
pub struct Entry {
    pub key: String,
    pub value: Result<String, String>,
}

/// yaml.v2's short tag of a node, for type error texts.
fn short_tag(doc: &Document, id: NodeId) -> (String, Option<String>) {
    match doc.node(id).map(|n| &n.kind) {
        Some(NodeKind::Scalar(s)) => {
            let tag = s
                .tag
                .clone()
                .unwrap_or_else(|| s.resolve().tag().to_owned());
            (tag, Some(s.value.clone()))
        }
        Some(NodeKind::Sequence(_)) => ("!!seq".to_owned(), None),
        Some(NodeKind::Mapping(_)) => ("!!map".to_owned(), None),
        Some(NodeKind::Alias { target, .. }) => short_tag(doc, *target),
        None => ("!!null".to_owned(), None),
    }
}

/// yaml.v2's `terror` text: `line N: cannot unmarshal !!str `value` into T`.
fn type_error(doc: &Document, id: NodeId, into: &str) -> String {
    let line = doc.node(id).map_or(0, |n| n.mark.line);
    let (tag, value) = short_tag(doc, id);
    let shown = match value {
        Some(v) if v.len() > 10 => format!(" `{}...`", v.get(..7).unwrap_or(&v)),
        Some(v) => format!(" `{v}`"),
        None => String::new(),
    };
    format!("line {line}: cannot unmarshal {tag}{shown} into {into}")
}

fn resolve(doc: &Document, id: NodeId) -> NodeId {
    match doc.node(id).map(|n| &n.kind) {
        Some(NodeKind::Alias { target, .. }) => resolve(doc, *target),
        _ => id,
    }
}

/// The text of a scalar decoded into a Go string (`null` → empty).
fn scalar_text(doc: &Document, id: NodeId) -> Option<String> {
    match doc.node(resolve(doc, id)).map(|n| &n.kind) {
        Some(NodeKind::Scalar(s)) if s.is_null() => Some(String::new()),
        Some(NodeKind::Scalar(s)) => Some(s.value.clone()),
        _ => None,
    }
}

/// Parses YAML text (the first document).
pub fn parse(text: &str) -> Result<Document, String> {
    yaml::parse(text).map_err(|e| {
        if e.mark.line > 0 {
            format!("yaml: line {}: {}", e.mark.line, e.message)
        } else {
            format!("yaml: {}", e.message)
        }
    })
}

/// A mapping node's entries (key text, value node); `into` names the Go
/// type for the type error when the node is not a mapping. `null` and an
/// absent node have no entries.
pub fn mapping(
    doc: &Document,
    node: Option<NodeId>,
    into: &str,
) -> Result<Vec<(String, NodeId)>, String> {
    let Some(node) = node.map(|n| resolve(doc, n)) else {
        return Ok(Vec::new());
    };
    let members = match doc.node(node).map(|n| &n.kind) {
        Some(NodeKind::Mapping(members)) => members.clone(),
        Some(NodeKind::Scalar(s)) if s.is_null() => return Ok(Vec::new()),
        _ => return Err(unmarshal_errors(&[type_error(doc, node, into)])),
    };
    members
        .into_iter()
        .map(|(k, v)| {
            let key = scalar_text(doc, k)
                .ok_or_else(|| unmarshal_errors(&[type_error(doc, k, "string")]))?;
            Ok((key, v))
        })
        .collect()
}

/// A value decoded into a Go string, or yaml.v2's type error for it.
pub fn string_value(doc: &Document, node: NodeId) -> Result<String, String> {
    scalar_text(doc, node).ok_or_else(|| type_error(doc, resolve(doc, node), "string"))
}

/// The line of a node.
pub fn line(doc: &Document, node: NodeId) -> u32 {
    doc.node(node).map_or(0, |n| n.mark.line)
}

/// The entries of the document's root mapping; `into` names the Go type
/// for type errors (`map[string]string`). An empty document has none.
pub fn entries(text: &str, into: &str) -> Result<Vec<Entry>, String> {
    let doc = parse(text)?;
    let mut out = Vec::new();
    for (key, v) in mapping(&doc, doc.root(), into)? {
        out.push(Entry {
            key,
            value: string_value(&doc, v),
        });
    }
    Ok(out)
}

/// Joins collected type errors as yaml.v2 reports them.
pub fn unmarshal_errors(errors: &[String]) -> String {
    format!("yaml: unmarshal errors:\n  {}", errors.join("\n  "))
}

/// Decodes a file as `map[string]string`.
pub fn string_map(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut errors = Vec::new();
    let mut map: Vec<(String, String)> = Vec::new();
    for entry in entries(text, "map[string]string")? {
        match entry.value {
            Ok(value) => match map.iter_mut().find(|(k, _)| *k == entry.key) {
                Some(slot) => slot.1 = value,
                None => map.push((entry.key, value)),
            },
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(unmarshal_errors(&errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// yaml.v2 messages for these inputs (amtool's config tests use
    /// `BAD` as the broken file).
    #[test]
    fn decodes_like_yaml_v2() {
        assert_eq!(
            string_map("id: id1\nurl: url1\n").expect("valid"),
            vec![
                ("id".to_owned(), "id1".to_owned()),
                ("url".to_owned(), "url1".to_owned())
            ]
        );
        assert_eq!(
            string_map("BAD").unwrap_err(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `BAD` into map[string]string"
        );
        assert_eq!(
            string_map("a: [1]\nb: true\nc: {x: 1}\n").unwrap_err(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n  line 3: cannot unmarshal !!map into string"
        );
        assert_eq!(string_map("").expect("empty"), vec![]);
        assert_eq!(
            string_map("a: ~\n").expect("null"),
            vec![("a".to_owned(), String::new())]
        );
    }
}
