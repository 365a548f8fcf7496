//! The normalised document's schemas in JSON Schema 2020-12 terms, for a validator.
//!
//! Normalisation gives every document OpenAPI 3.0's schema dialect; a JSON Schema validator
//! reads 2020-12. The differences that change what is valid are rewritten in place:
//! `nullable: true` admits `null`, `exclusiveMinimum: true` beside `minimum` is the number,
//! a required `readOnly` or `writeOnly` property is not required (OpenAPI requires it in one
//! direction only), and a `oneOf` with a `discriminator` is an `anyOf` (the discriminator
//! picks the branch; an object that several branches accept is not invalid).

use serde_json::{json, Map, Value};

/// Rewrites every object of the document that is not data (examples, defaults, enums,
/// extensions).
pub fn json_schema_view(mut doc: Value) -> Value {
    let snapshot = doc.clone();
    rewrite(&mut doc, &snapshot, 0);
    doc
}

/// The document's own nesting is bounded (the readers refuse past 128); this bounds the walk
/// even so.
const MAX_DEPTH: usize = 256;

fn rewrite(value: &mut Value, doc: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(object) => {
            rewrite_schema(object, doc);
            for (key, child) in object.iter_mut() {
                if !is_data(key) {
                    rewrite(child, doc, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, doc, depth + 1)),
        _ => {}
    }
}

fn is_data(key: &str) -> bool {
    key.starts_with("x-") || matches!(key, "example" | "examples" | "default" | "enum" | "const")
}

fn rewrite_schema(schema: &mut Map<String, Value>, doc: &Value) {
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match schema.get(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(limit) = schema.remove(bound) {
                    schema.insert(exclusive.into(), limit);
                }
            }
            Some(Value::Bool(false)) => {
                schema.remove(exclusive);
            }
            _ => {}
        }
    }
    if schema.contains_key("discriminator") {
        if let Some(branches) = schema.remove("oneOf") {
            schema.insert("anyOf".into(), branches);
        }
    }
    not_required_one_way(schema, doc);
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        schema.remove("nullable");
        admit_null(schema);
    }
}

/// `type: t` → `[t, "null"]`, `null` added to an `enum`, and what only an object or value of
/// the other branches satisfies (`allOf`, `oneOf`, `anyOf`, `$ref`, `not`) moved into an
/// `anyOf` beside `{type: null}`.
fn admit_null(schema: &mut Map<String, Value>) {
    match schema.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            schema.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    let mut moved = Map::new();
    for key in ["allOf", "oneOf", "anyOf", "$ref", "not"] {
        if let Some(v) = schema.remove(key) {
            moved.insert(key.into(), v);
        }
    }
    if !moved.is_empty() {
        schema.insert(
            "anyOf".into(),
            json!([{"type": "null"}, Value::Object(moved)]),
        );
    }
}

/// Drops from `required` the properties marked `readOnly` or `writeOnly` (inline or on the
/// schema they refer to): OpenAPI requires them in responses or requests only, and the
/// example of the other direction leaves them out.
fn not_required_one_way(schema: &mut Map<String, Value>, doc: &Value) {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    let one_way: Vec<String> = properties
        .iter()
        .filter(|(_, p)| {
            let target = p
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| doc.pointer(pointer))
                .unwrap_or(p);
            [*p, target].iter().any(|s| {
                s.get("readOnly") == Some(&Value::Bool(true))
                    || s.get("writeOnly") == Some(&Value::Bool(true))
            })
        })
        .map(|(name, _)| name.clone())
        .collect();
    if one_way.is_empty() {
        return;
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|name| {
            !name
                .as_str()
                .is_some_and(|n| one_way.iter().any(|w| w == n))
        });
    }
}
