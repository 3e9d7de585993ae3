//! JSON → XML in the shapes Plex uses, for clients that do not send
//! `Accept: application/json` (python-plexapi among them).

use serde_json::Value;
use std::fmt::Write;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
        _ => None,
    }
}

/// Renders `{"Tag": {...}}` (one key) as an XML document.
pub fn document(root: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if let Value::Object(m) = root {
        for (tag, v) in m {
            element(&mut out, tag, v);
        }
    }
    out
}

/// `tag` is the element name; arrays of objects become child elements named by
/// their key, except `Metadata`, whose elements are named by item kind.
pub fn element(out: &mut String, tag: &str, v: &Value) {
    let _ = write!(out, "<{tag}");
    let Value::Object(m) = v else {
        out.push_str("/>");
        return;
    };
    for (k, val) in m {
        if let Some(s) = scalar(val) {
            let _ = write!(out, " {k}=\"{}\"", escape(&s));
        }
    }
    let children: Vec<_> = m.iter().filter(|(_, v)| v.is_array() || v.is_object()).collect();
    if children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for (k, val) in children {
        match val {
            Value::Array(items) => {
                for item in items {
                    let child_tag = if k == "Metadata" { metadata_tag(item) } else { k.as_str() };
                    element(out, child_tag, item);
                }
            }
            obj => element(out, k, obj),
        }
    }
    let _ = write!(out, "</{tag}>");
}

fn metadata_tag(item: &Value) -> &'static str {
    match item.get("type").and_then(Value::as_str) {
        Some("movie" | "episode" | "clip") => "Video",
        Some("track") => "Track",
        Some("photo") => "Photo",
        _ => "Directory",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metadata_elements_are_named_by_kind_and_attributes_escaped() {
        let v = json!({"MediaContainer": {"size": 2, "Metadata": [
            {"type": "movie", "title": "A & B", "Media": [{"id": 1, "Part": [{"id": 2}]}]},
            {"type": "show", "title": "\"Q\""}
        ]}});
        let x = document(&v);
        assert!(x.contains("<MediaContainer size=\"2\">"), "{x}");
        assert!(
            x.contains("<Video title=\"A &amp; B\" type=\"movie\"><Media id=\"1\"><Part id=\"2\"/></Media></Video>"),
            "{x}"
        );
        assert!(x.contains("<Directory title=\"&quot;Q&quot;\" type=\"show\"/>"), "{x}");
    }
}
