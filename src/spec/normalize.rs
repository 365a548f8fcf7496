//! Stage 2: rewrite an OpenAPI 3.1 document, as a JSON value, into the 3.0 shape that
//! `openapiv3` reads, without losing meaning.
//!
//! Each rule is one small function over one schema object. The walker knows where schemas
//! stand in a document (`components.schemas`, every `schema` key of a parameter, header or
//! media type, and the subschema keywords inside a schema), so a key that merely looks like a
//! schema keyword elsewhere (`type: http` in a security scheme, `examples` of a media type) is
//! never touched. Every rewrite is recorded, and what cannot be carried becomes a note.

use serde_json::{json, Map, Value};

use crate::diagnostics::{join, Diagnostic};

/// One rewrite the normaliser made, for tests and for `--verbose` style reporting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub pointer: String,
    pub rule: &'static str,
}

/// What normalising did besides changing the document.
#[derive(Debug, Default)]
pub struct Report {
    pub rewrites: Vec<Rewrite>,
    /// Constructs carried loosely (as `serde_json::Value`, or a constraint ignored).
    pub notes: Vec<Diagnostic>,
}

impl Report {
    fn rewrote(&mut self, pointer: &str, rule: &'static str) {
        self.rewrites.push(Rewrite {
            pointer: pointer.to_string(),
            rule,
        });
    }
}

/// Normalises `doc` in place.
pub fn normalize(doc: &mut Value) -> Report {
    let mut report = Report::default();
    if let Value::Object(root) = doc {
        if !root.contains_key("paths") {
            root.insert("paths".into(), json!({}));
            report.rewrote("/paths", "missing paths → {}");
        }
    }
    info_fields(doc, &mut report);
    operation_responses(doc, &mut report);
    mutual_tls_schemes(doc, &mut report);
    walk_document(doc, "", &mut report);
    report
}

/// `info.title` and `info.version` name the SDK and its `User-Agent`; nothing else depends on
/// them. A missing one gets a stand-in, a number (YAML's `version: 1.0`) becomes its text,
/// each with a note.
fn info_fields(doc: &mut Value, report: &mut Report) {
    let Value::Object(root) = doc else { return };
    let info = root
        .entry("info")
        .or_insert_with(|| Value::Object(Map::new()));
    if !info.is_object() {
        *info = Value::Object(Map::new());
    }
    let Value::Object(info) = info else { return };
    for (key, stand_in) in [("title", "API"), ("version", "0.0.0")] {
        let (value, message) = match info.get(key) {
            Some(Value::String(_)) => continue,
            Some(v @ (Value::Number(_) | Value::Bool(_))) => (
                Value::String(v.to_string()),
                format!("`info.{key}` is not a string; it is read as \"{v}\""),
            ),
            _ => (
                Value::from(stand_in),
                format!("the document has no `info.{key}`; \"{stand_in}\" stands in"),
            ),
        };
        info.insert(key.into(), value);
        report
            .notes
            .push(Diagnostic::note(join("/info", key), message));
    }
}

/// Whether a path item's key is an operation's HTTP method.
pub fn is_method(key: &str) -> bool {
    METHODS.contains(&key)
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// 3.1 makes an operation's `responses` optional; 3.0 (and `openapiv3`) require it. A missing
/// one means "nothing documented", which is `{}`.
fn operation_responses(doc: &mut Value, report: &mut Report) {
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(items)) = doc.get_mut(section) else {
            continue;
        };
        for (path, item) in items.iter_mut() {
            let Value::Object(item) = item else { continue };
            for method in METHODS {
                if let Some(Value::Object(op)) = item.get_mut(method) {
                    if !op.contains_key("responses") {
                        op.insert("responses".into(), json!({}));
                        let pointer = join(&join(&format!("/{section}"), path), method);
                        report.rewrote(&pointer, "missing responses → {}");
                    }
                }
            }
        }
    }
}

/// 3.1's `mutualTLS` scheme has no 3.0 form: it is a client certificate, which the SDK user
/// configures on the `reqwest::Client` they pass in. Dropped with a note.
fn mutual_tls_schemes(doc: &mut Value, report: &mut Report) {
    let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") else {
        return;
    };
    let mutual: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(k, _)| k.clone())
        .collect();
    for key in mutual {
        schemes.shift_remove(&key);
        report.notes.push(Diagnostic::note(
            join("/components/securitySchemes", &key),
            "mutualTLS: configure the client certificate on the reqwest::Client given to `with_http_client`",
        ));
    }
}

/// Walks the parts of a document that are not schemas, looking for where schemas start.
fn walk_document(value: &mut Value, pointer: &str, report: &mut Report) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_pointer = join(pointer, key);
                if key.starts_with("x-") || key == "example" || key == "examples" {
                    continue; // data, not structure
                }
                if key == "schema" {
                    walk_schema(child, &child_pointer, report);
                } else if key == "schemas" && pointer == "/components" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            walk_schema(schema, &join(&child_pointer, name), report);
                        }
                    }
                } else {
                    walk_document(child, &child_pointer, report);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk_document(child, &format!("{pointer}/{i}"), report);
            }
        }
        _ => {}
    }
}

/// Keywords whose value is one subschema.
const SINGLE_SUBSCHEMAS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keywords whose value is a list of subschemas.
const LIST_SUBSCHEMAS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const MAP_SUBSCHEMAS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

fn walk_schema(value: &mut Value, pointer: &str, report: &mut Report) {
    boolean_schema(value, pointer, report);
    let Value::Object(schema) = value else {
        return;
    };
    // First, as it merges a branch's keywords into this schema (`anyOf: [{type: integer,
    // exclusiveMinimum: 0}, {type: 'null'}]`), where the rules below must see them.
    null_branch(schema, pointer, report);
    examples_to_example(schema, pointer, report);
    const_to_enum(schema, pointer, report);
    numeric_exclusive_bounds(schema, pointer, report);
    type_array(schema, pointer, report);
    integer_bounds(schema, pointer, report);
    constraint_types(schema, pointer, report);
    ref_with_siblings(schema, pointer, report);
    unsupported_keywords(schema, pointer, report);

    for (key, child) in schema.iter_mut() {
        let child_pointer = join(pointer, key);
        if key == "additionalProperties" && child.is_boolean() {
            continue; // 3.0 allows a boolean here too, and `openapiv3` reads it as one
        }
        if SINGLE_SUBSCHEMAS.contains(&key.as_str()) {
            walk_schema(child, &child_pointer, report);
        } else if LIST_SUBSCHEMAS.contains(&key.as_str()) {
            if let Value::Array(items) = child {
                for (i, item) in items.iter_mut().enumerate() {
                    walk_schema(item, &format!("{child_pointer}/{i}"), report);
                }
            }
        } else if MAP_SUBSCHEMAS.contains(&key.as_str()) {
            if let Value::Object(map) = child {
                for (name, item) in map.iter_mut() {
                    walk_schema(item, &join(&child_pointer, name), report);
                }
            }
        }
    }
}

/// 3.1 boolean schemas: `true` (anything) → `{}`; `false` (nothing) → `{not: {}}`.
fn boolean_schema(value: &mut Value, pointer: &str, report: &mut Report) {
    if let Value::Bool(b) = value {
        *value = if *b { json!({}) } else { json!({"not": {}}) };
        report.rewrote(pointer, "boolean schema → object");
    }
}

/// 3.1 `examples: [a, b]` → 3.0 `example: a`. The list stays beside it (`openapiv3` ignores
/// it) for the example harness, which checks every one.
fn examples_to_example(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    if let Some(Value::Array(examples)) = schema.get("examples") {
        let first = examples.first().cloned();
        if let (Some(first), false) = (first, schema.contains_key("example")) {
            schema.insert("example".into(), first);
        }
        report.rewrote(pointer, "examples → example");
    }
}

/// `const: v` → `enum: [v]`.
fn const_to_enum(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    if let Some(value) = schema.remove("const") {
        schema
            .entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
        report.rewrote(pointer, "const → enum");
    }
}

/// Numeric `exclusiveMinimum: 5` → `minimum: 5, exclusiveMinimum: true` (and the maximum).
fn numeric_exclusive_bounds(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound @ Value::Number(_)) = schema.get(exclusive).cloned() {
            schema.insert(inclusive.into(), bound);
            schema.insert(exclusive.into(), Value::Bool(true));
            report.rewrote(pointer, "numeric exclusive bound → 3.0 form");
        }
    }
}

/// 2^63 and 2^64 as doubles: `i64::MAX` and `u64::MAX` printed through a double.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// An integer's `minimum`/`maximum` beyond `i64` (`18446744073709552000`, `u64::MAX` printed
/// through a double): the Rust type must hold them. `±2^63` is `i64`'s own limit; a maximum up
/// to 2^64 with no negative minimum is `u64` (`format: uint64`); beyond that `i128`
/// (`format: int128`), or `f64` past `i128` too. Bounds only constrain values, so those
/// outside `i64` (which `openapiv3` cannot read) are dropped once the type is chosen.
fn integer_bounds(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let (low, high) = (bound("minimum"), bound("maximum"));
    // Fractional bounds are `constraint_types`' to mend.
    let outside = |v: Option<f64>, key: &str| {
        v.is_some_and(|f| f.abs() >= TWO_POW_63)
            && schema.get(key).is_some_and(|b| b.as_i64().is_none())
    };
    if !outside(low, "minimum") && !outside(high, "maximum") {
        return;
    }
    let fits = |v: f64| (-TWO_POW_63..=TWO_POW_63).contains(&v);
    let (low_f, high_f) = (low.unwrap_or(0.0), high.unwrap_or(0.0));
    let chosen = if fits(low_f) && fits(high_f) {
        None // i64's own limits, through a double
    } else if low_f >= 0.0 && high_f <= TWO_POW_64 {
        Some(("uint64", "u64"))
    } else if low_f.abs() <= 2f64.powi(127) && high_f.abs() <= 2f64.powi(127) {
        Some(("int128", "i128"))
    } else {
        Some(("", "f64"))
    };
    for key in ["minimum", "maximum"] {
        let replace = match schema.get(key) {
            Some(v)
                if v.as_i64().is_none() && v.as_f64().is_some_and(|f| f.abs() >= TWO_POW_63) =>
            {
                v.as_f64().filter(|f| fits(*f)).map(|f| {
                    if f >= TWO_POW_63 {
                        i64::MAX
                    } else if f <= -TWO_POW_63 {
                        i64::MIN
                    } else {
                        f as i64
                    }
                })
            }
            _ => continue,
        };
        match (replace, chosen) {
            (Some(limit), None) => {
                schema.insert(key.into(), Value::from(limit));
            }
            _ => {
                schema.remove(key);
            }
        }
    }
    let Some((format, rust)) = chosen else {
        report.rewrote(pointer, "integer bound at i64's limit → i64");
        return;
    };
    if format.is_empty() {
        schema.insert("type".into(), Value::from("number"));
        schema.remove("format");
    } else {
        schema.insert("format".into(), Value::from(format));
    }
    report.notes.push(Diagnostic::note(
        pointer,
        format!("this integer's bounds pass i64; it is generated as {rust}"),
    ));
}

/// What `openapiv3` reads each value-constraining keyword as.
#[derive(Clone, Copy)]
enum Expected {
    Count,
    Number,
    Flag,
    Text,
}

/// Keywords that only constrain or describe values, each with the JSON type it must have.
const CONSTRAINTS: &[(&str, Expected)] = &[
    ("minLength", Expected::Count),
    ("maxLength", Expected::Count),
    ("minItems", Expected::Count),
    ("maxItems", Expected::Count),
    ("minProperties", Expected::Count),
    ("maxProperties", Expected::Count),
    ("multipleOf", Expected::Number),
    ("uniqueItems", Expected::Flag),
    ("readOnly", Expected::Flag),
    ("writeOnly", Expected::Flag),
    ("deprecated", Expected::Flag),
    ("nullable", Expected::Flag),
    ("exclusiveMinimum", Expected::Flag),
    ("exclusiveMaximum", Expected::Flag),
    ("pattern", Expected::Text),
    ("title", Expected::Text),
    ("description", Expected::Text),
];

/// A constraint or description of the wrong JSON type (`pattern: 0`, `maxLength: "10"`,
/// `readOnly: "true"`) says nothing about the Rust type, but `openapiv3` would refuse the whole
/// document: it is read as what it clearly means, or dropped, with a note either way. So is
/// `minimum`/`maximum` that is not a number, or not a whole one on an integer.
fn constraint_types(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    // Swagger 2.0's `required: true` on a property: the parent's list says that in OpenAPI.
    if schema.get("required").is_some_and(|r| !r.is_array()) {
        let value = schema.remove("required").unwrap_or_default();
        report.notes.push(Diagnostic::note(
            join(pointer, "required"),
            format!("`required: {value}` is not a list of property names; it is ignored"),
        ));
    }
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let is_bound = |key: &str| matches!(key, "minimum" | "maximum");
    let fits = |expected: Expected, key: &str, value: &Value| match (expected, value) {
        (Expected::Count, v) => v.as_u64().is_some(),
        (Expected::Number, v) if is_bound(key) && integer => v.as_i64().is_some(),
        (Expected::Number, v) => v.is_number(),
        (Expected::Flag, v) => v.is_boolean(),
        (Expected::Text, v) => v.is_string(),
    };
    // One pass over the schema's own keys (most schemas need nothing) finds what to mend.
    let wrong: Vec<(&'static str, Expected)> = schema
        .iter()
        .filter_map(|(key, value)| {
            let (key, expected) = CONSTRAINTS
                .iter()
                .chain(&[("minimum", Expected::Number), ("maximum", Expected::Number)])
                .find(|(k, _)| k == key)
                .copied()?;
            (!fits(expected, key, value)).then_some((key, expected))
        })
        .collect();
    for (key, expected) in wrong {
        let Some(value) = schema.get(key) else {
            continue;
        };
        let fixed = match (expected, value) {
            (Expected::Count, Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX as f64)
                .map(|f| Value::from(f as u64)),
            (Expected::Count, Value::String(t)) => t.trim().parse::<u64>().ok().map(Value::from),
            (Expected::Number, Value::Number(n)) => {
                // A fractional bound on an integer: the whole numbers it allows.
                let f = n.as_f64().unwrap_or_default();
                let whole = if key == "minimum" {
                    f.ceil()
                } else {
                    f.floor()
                };
                (whole.abs() < TWO_POW_63).then(|| Value::from(whole as i64))
            }
            (Expected::Number, Value::String(t)) => t
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && (!integer || f.fract() == 0.0))
                .and_then(|f| match integer {
                    true if f.abs() < TWO_POW_63 => Some(Value::from(f as i64)),
                    true => None,
                    false => serde_json::Number::from_f64(f).map(Value::Number),
                }),
            (Expected::Flag, Value::String(t)) => match t.trim() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            (Expected::Text, Value::Number(_) | Value::Bool(_)) => {
                Some(Value::String(value.to_string()))
            }
            _ => None,
        };
        let message = match &fixed {
            Some(v) => format!("`{key}: {value}` is read as `{v}`"),
            None => format!("`{key}: {value}` is not what `{key}` takes; it is ignored"),
        };
        match fixed {
            Some(v) => {
                schema.insert(key.into(), v);
            }
            None => {
                schema.remove(key);
            }
        }
        report
            .notes
            .push(Diagnostic::note(join(pointer, key), message));
    }
}

fn is_null_type(v: &Value) -> bool {
    v.is_null() || v == "null"
}

/// `type: [T, null]` → `type: T, nullable: true`; two or more non-null types → `anyOf`, one
/// branch a type, with the keywords that belong to that type moved into its branch.
fn type_array(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    let Some(Value::Array(types)) = schema.get("type") else {
        if schema.get("type").is_some_and(is_null_type) {
            schema.remove("type");
            schema.insert("nullable".into(), Value::Bool(true));
            report.rewrote(pointer, "type: null → nullable");
        }
        return;
    };
    let nullable = types.iter().any(is_null_type);
    let mut rest: Vec<Value> = types.iter().filter(|t| !is_null_type(t)).cloned().collect();
    rest.dedup();
    schema.remove("type");
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    match rest.len() {
        0 => {}
        1 => {
            schema.insert("type".into(), rest.remove(0));
        }
        _ if schema.contains_key("anyOf") || schema.contains_key("oneOf") => {
            report.notes.push(Diagnostic::note(
                pointer,
                "a type list beside oneOf/anyOf: the type list is dropped, the oneOf/anyOf kept",
            ));
        }
        _ => {
            let branches = rest
                .into_iter()
                .map(|t| {
                    let mut branch = Map::new();
                    let moved: &[&str] = match t.as_str() {
                        Some("array") => &["items", "minItems", "maxItems", "uniqueItems"],
                        Some("object") => &["properties", "required", "additionalProperties"],
                        Some("string") => &["format", "pattern", "minLength", "maxLength"],
                        _ => &[],
                    };
                    for key in moved {
                        if let Some(v) = schema.get(*key) {
                            branch.insert((*key).into(), v.clone());
                        }
                    }
                    branch.insert("type".into(), t);
                    Value::Object(branch)
                })
                .collect();
            schema.insert("anyOf".into(), Value::Array(branches));
            report.rewrote(pointer, "type list → anyOf");
            return;
        }
    }
    report.rewrote(pointer, "type list with null → nullable");
}

/// A `oneOf`/`anyOf` branch `{type: null}` → `nullable: true`; one branch left → that branch.
fn null_branch(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = schema.get_mut(keyword) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_branch(b));
        if branches.len() == before {
            continue;
        }
        schema.insert("nullable".into(), Value::Bool(true));
        report.rewrote(pointer, "null branch → nullable");
        let Some(Value::Array(branches)) = schema.get_mut(keyword) else {
            continue;
        };
        if branches.len() == 1 {
            let Value::Object(only) = branches.remove(0) else {
                continue;
            };
            schema.remove(keyword);
            for (k, v) in only {
                // The outer schema's own words (description, title) win over the branch's.
                schema.entry(k).or_insert(v);
            }
        } else if branches.is_empty() {
            schema.remove(keyword);
        }
    }
}

fn is_null_branch(b: &Value) -> bool {
    let Value::Object(m) = b else { return false };
    m.get("type").is_some_and(is_null_type)
        || m.get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| !t.is_empty() && t.iter().all(is_null_type))
        || (m.get("enum") == Some(&json!([null])))
}

/// `$ref` with siblings → `allOf: [{$ref}]` + the siblings, so `openapiv3` (which reads a
/// `$ref` object as a bare reference) does not drop `description`, `nullable` and the rest.
fn ref_with_siblings(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    if schema.len() < 2 || !schema.contains_key("$ref") {
        return;
    }
    let reference = schema.remove("$ref").unwrap_or_default();
    let mut branch = Map::new();
    branch.insert("$ref".into(), reference);
    match schema.get_mut("allOf") {
        Some(Value::Array(all)) => all.insert(0, Value::Object(branch)),
        _ => {
            schema.insert("allOf".into(), Value::Array(vec![Value::Object(branch)]));
        }
    }
    report.rewrote(pointer, "$ref with siblings → allOf");
}

/// 3.1 keywords with no 3.0 form. Each one is named in a note; none is silently dropped.
fn unsupported_keywords(schema: &mut Map<String, Value>, pointer: &str, report: &mut Report) {
    if schema.contains_key("$dynamicRef") {
        schema.remove("$dynamicRef");
        report.notes.push(Diagnostic::note(
            join(pointer, "$dynamicRef"),
            "$dynamicRef is not supported: this schema is generated as serde_json::Value",
        ));
    }
    if schema.contains_key("prefixItems") && !schema.contains_key("items") {
        report.notes.push(Diagnostic::note(
            join(pointer, "prefixItems"),
            "tuple arrays (prefixItems) are generated as Vec<serde_json::Value>",
        ));
    }
    for keyword in [
        "if",
        "then",
        "else",
        "dependentSchemas",
        "unevaluatedProperties",
    ] {
        if schema.contains_key(keyword) {
            report.notes.push(Diagnostic::note(
                join(pointer, keyword),
                format!(
                    "`{keyword}` only constrains values; it is not checked by the generated code"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(v: Value) -> (Value, Report) {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": v}}});
        let report = normalize(&mut doc);
        (doc["components"]["schemas"]["S"].clone(), report)
    }

    #[test]
    fn type_list_with_null_becomes_nullable() {
        let (s, _) = schema(json!({"type": ["string", "null"], "format": "uuid"}));
        assert_eq!(
            s,
            json!({"type": "string", "format": "uuid", "nullable": true})
        );
        let (s, _) = schema(json!({"type": ["integer", null]}));
        assert_eq!(s, json!({"type": "integer", "nullable": true}));
    }

    #[test]
    fn type_list_of_several_types_becomes_any_of() {
        let (s, _) = schema(json!({"type": ["string", "integer", "null"]}));
        assert_eq!(
            s,
            json!({"nullable": true, "anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn null_branch_becomes_nullable_and_single_branch_is_inlined() {
        let (s, _) = schema(
            json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}], "description": "d"}),
        );
        assert_eq!(
            s,
            json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        let (s, _) =
            schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}));
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn ref_with_siblings_keeps_them() {
        let (s, r) = schema(json!({"$ref": "#/components/schemas/T", "description": "d"}));
        assert_eq!(
            s,
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert!(r
            .rewrites
            .iter()
            .any(|w| w.rule == "$ref with siblings → allOf"));
        let (s, _) = schema(json!({"$ref": "#/components/schemas/T"}));
        assert_eq!(s, json!({"$ref": "#/components/schemas/T"}));
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        let (s, _) = schema(json!({"const": "a", "examples": ["x", "y"], "exclusiveMinimum": 0}));
        assert_eq!(
            s,
            json!({"enum": ["a"], "example": "x", "examples": ["x", "y"], "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn missing_paths_is_added() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}});
        normalize(&mut doc);
        assert_eq!(doc["paths"], json!({}));
    }

    #[test]
    fn non_schema_keys_are_left_alone() {
        let mut doc = json!({
            "components": {"securitySchemes": {"b": {"type": "http", "scheme": "bearer"}}},
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {
                "examples": {"one": {"value": {"type": ["a", "null"]}}},
                "schema": {"type": ["string", "null"]}
            }}}}}}}
        });
        let before = doc["components"].clone();
        normalize(&mut doc);
        assert_eq!(doc["components"], before);
        let media = &doc["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            media["examples"]["one"]["value"]["type"],
            json!(["a", "null"])
        );
        assert_eq!(media["schema"], json!({"type": "string", "nullable": true}));
    }

    #[test]
    fn nested_schemas_are_normalised() {
        let (s, _) = schema(
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {"type": ["number", "null"]}}}}),
        );
        assert_eq!(
            s["properties"]["a"]["items"],
            json!({"type": "number", "nullable": true})
        );
    }

    #[test]
    fn additional_properties_booleans_stay_booleans() {
        let (s, _) = schema(json!({"type": "object", "additionalProperties": false,
            "properties": {"a": {"type": "object", "additionalProperties": true}}}));
        assert_eq!(s["additionalProperties"], json!(false));
        assert_eq!(s["properties"]["a"]["additionalProperties"], json!(true));
    }

    #[test]
    fn boolean_schemas_become_objects() {
        let (s, _) = schema(json!({"type": "object", "properties": {"a": true, "b": false}}));
        assert_eq!(s["properties"], json!({"a": {}, "b": {"not": {}}}));
        let (s, _) = schema(json!(true));
        assert_eq!(s, json!({}));
    }

    #[test]
    fn missing_responses_are_added() {
        let mut doc = json!({"paths": {"/a": {"get": {"summary": "x"}, "parameters": []}}});
        normalize(&mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["responses"], json!({}));
        assert_eq!(doc["paths"]["/a"]["parameters"], json!([]));
    }

    #[test]
    fn mutual_tls_is_dropped_with_a_note() {
        let mut doc = json!({"paths": {}, "components": {"securitySchemes": {
            "m": {"type": "mutualTLS"}, "b": {"type": "http", "scheme": "bearer"}}}});
        let report = normalize(&mut doc);
        assert_eq!(
            doc["components"]["securitySchemes"],
            json!({"b": {"type": "http", "scheme": "bearer"}})
        );
        assert!(report
            .notes
            .iter()
            .any(|n| n.pointer == "/components/securitySchemes/m"));
    }

    #[test]
    fn dynamic_ref_is_a_note() {
        let (s, r) = schema(json!({"$dynamicRef": "#node"}));
        assert_eq!(s, json!({}));
        assert!(r
            .notes
            .iter()
            .any(|n| n.pointer == "/components/schemas/S/$dynamicRef"));
    }
}
