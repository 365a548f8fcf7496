//! The intersection of two schemas, as JSON Schema's `allOf` means it: what both allow.
//!
//! Real documents refine an inherited property in a later `allOf` branch: a nullable property
//! made non-null, a string narrowed to an enum, the same enum spelled inline in one branch and
//! by `$ref` in the other, an inline object that restates a richer one with fewer details. Each
//! of these has one precise type. Only a real contradiction (`string` against `integer`, two
//! enums without a common value) has none; it is reported with where and what contradicts.
//!
//! Works on the JSON form of the (normalised, 3.0) schemas: every keyword is a key, so the
//! rules below are one table, and the result converts back to a schema.

use std::cell::{Cell, RefCell};

use serde_json::{Map, Value};

/// How deep schemas are followed (nested properties, items, references); real documents stay
/// far below, and two lists of lists that refer to each other would otherwise never end.
const MAX_DEPTH: usize = 32;

/// Which schema the intersection is.
#[derive(Debug, PartialEq)]
pub(super) enum Meet {
    /// The first one as written: the second adds nothing to it.
    First,
    /// The second one as written.
    Second,
    /// A new schema that is neither.
    New(Value),
}

/// Two definitions that no value satisfies: where (relative to the property) and why.
#[derive(Debug, PartialEq)]
pub(super) struct Contradiction {
    pub path: String,
    pub reason: String,
}

impl Contradiction {
    fn new(reason: impl Into<String>) -> Self {
        Contradiction {
            path: String::new(),
            reason: reason.into(),
        }
    }

    fn under(mut self, step: &str) -> Self {
        self.path = if self.path.is_empty() {
            step.to_string()
        } else {
            format!("{step}/{}", self.path)
        };
        self
    }
}

/// A component's schema by its `$ref`, as JSON.
pub(super) type Resolve<'r> = &'r dyn Fn(&str) -> Option<Value>;

/// How many pairs of schemas one intersection may compare: real refinements take a few
/// hundred (GitHub's largest, a webhook's repository, about 400); two recursive schemas with
/// several self-references each would otherwise take exponentially many.
const MAX_STEPS: usize = 20_000;

/// What every step of one intersection shares.
struct Cx<'r> {
    resolve: Resolve<'r>,
    steps: Cell<usize>,
    /// Pairs of references being intersected: met again inside themselves (two recursive
    /// schemas), they are taken to agree, as the rest of their comparison decides.
    open: RefCell<Vec<(String, String)>>,
}

/// The intersection of `a` and `b`: one of them as written when it says everything the other
/// does (so a `$ref` stays a reference to its named type), else the merged schema.
pub(super) fn meet(a: &Value, b: &Value, resolve: Resolve) -> Result<Meet, Contradiction> {
    if a == b {
        return Ok(Meet::First);
    }
    let cx = &Cx {
        resolve,
        steps: Cell::new(0),
        open: RefCell::new(Vec::new()),
    };
    let (xa, xb) = (expand(a, cx, 0)?, expand(b, cx, 0)?);
    let merged = intersect(&xa, &xb, cx, 0)?;
    let shape = shape(&merged);
    let (same_a, same_b) = (shape == self::shape(&xa), shape == self::shape(&xb));
    let prefer_b = is_reference(b) && !is_reference(a)
        || is_reference(b) == is_reference(a) && xb.get("description").is_some();
    Ok(match (same_a, same_b) {
        (true, true) if prefer_b => Meet::Second,
        (true, _) => Meet::First,
        (_, true) => Meet::Second,
        _ => Meet::New(merged),
    })
}

fn is_reference(v: &Value) -> bool {
    v.get("$ref").is_some()
}

/// `v` with its reference followed and a one-branch `allOf` wrapper (how a nullable or
/// documented `$ref` is written) folded into the branch.
fn expand(v: &Value, cx: &Cx, depth: usize) -> Result<Value, Contradiction> {
    if depth > MAX_DEPTH {
        return Err(Contradiction::new("references nest too deep to compare"));
    }
    let Some(map) = v.as_object() else {
        return Ok(v.clone());
    };
    let inner = if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        (cx.resolve)(reference)
            .ok_or_else(|| Contradiction::new(format!("`{reference}` points to no schema")))?
    } else {
        match map
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) if !map.keys().any(|k| TYPE_KEYS.contains(&k.as_str())) => only.clone(),
            _ => return Ok(v.clone()),
        }
    };
    let mut expanded = expand(&inner, cx, depth + 1)?;
    if let Some(target) = expanded.as_object_mut() {
        for (key, value) in map {
            if key != "$ref" && key != "allOf" {
                target.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(expanded)
}

/// Keywords that say what a value is, beside `allOf` itself.
const TYPE_KEYS: &[&str] = &[
    "type",
    "properties",
    "additionalProperties",
    "items",
    "enum",
    "oneOf",
    "anyOf",
    "not",
];

/// The schema that both `a` and `b` (expanded) allow.
fn intersect(a: &Value, b: &Value, cx: &Cx, depth: usize) -> Result<Value, Contradiction> {
    if a == b {
        return Ok(a.clone());
    }
    if depth > MAX_DEPTH {
        return Err(Contradiction::new("schemas nest too deep to compare"));
    }
    cx.steps.set(cx.steps.get() + 1);
    if cx.steps.get() > MAX_STEPS {
        return Err(Contradiction::new("the schemas are too large to compare"));
    }
    let (Some(ma), Some(mb)) = (a.as_object(), b.as_object()) else {
        return Err(Contradiction::new("a schema that is not an object"));
    };
    // Anything (or any object) and a schema: that schema, compositions included.
    if is_free(ma, mb) {
        return Ok(b.clone());
    }
    if is_free(mb, ma) {
        return Ok(a.clone());
    }
    // A choice and a plain schema: the choices that fit it, (A | B) & C = A & C | B & C.
    for (choice, plain, plain_map) in [(ma, b, mb), (mb, a, ma)] {
        if !has_choice(plain_map) {
            if let Some(key) = ["oneOf", "anyOf"]
                .into_iter()
                .find(|k| choice.contains_key(*k))
            {
                return distribute(choice, key, plain, cx, depth);
            }
        }
    }
    let mut out = Map::new();
    match (type_of(ma), type_of(mb)) {
        (Some(x), Some(y)) if x == y => {
            out.insert("type".into(), Value::from(x));
        }
        (Some(x), Some(y)) if is_numeric_pair(x, y) => {
            out.insert("type".into(), Value::from("integer"));
        }
        (Some(x), Some(y)) => {
            return Err(Contradiction::new(format!("`{x}` against `{y}`")));
        }
        (Some(t), None) | (None, Some(t)) if ma.contains_key("type") || mb.contains_key("type") => {
            out.insert("type".into(), Value::from(t));
        }
        _ => {}
    }
    // A schema that does not say what its values are allows `null`; one that does allows it
    // only when it says `nullable`.
    let allows_null = |m: &Map<String, Value>| {
        type_of(m).is_none() && !has_composition(m) || m.get("nullable") == Some(&Value::Bool(true))
    };
    if allows_null(ma)
        && allows_null(mb)
        && (ma.contains_key("nullable") || mb.contains_key("nullable"))
    {
        out.insert("nullable".into(), Value::Bool(true));
    }
    for key in ma.keys().chain(mb.keys().filter(|k| !ma.contains_key(*k))) {
        if key == "type" || key == "nullable" {
            continue;
        }
        let merged = match (ma.get(key), mb.get(key)) {
            (Some(x), Some(y)) => meet_keyword(key, x, y, cx, depth)?,
            (Some(x), None) | (None, Some(x)) => {
                if is_composition(key)
                    && type_of(if ma.contains_key(key) { mb } else { ma }).is_some()
                {
                    return Err(Contradiction::new(format!(
                        "`{key}` in one branch against a plain schema in the other"
                    )));
                }
                Some(x.clone())
            }
            (None, None) => None,
        };
        if let Some(value) = merged {
            out.insert(key.clone(), value);
        }
    }
    Ok(Value::Object(out))
}

/// `choice`'s branches under `key` that fit `plain`, each narrowed by it.
fn distribute(
    choice: &Map<String, Value>,
    key: &str,
    plain: &Value,
    cx: &Cx,
    depth: usize,
) -> Result<Value, Contradiction> {
    let branches = choice
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut kept: Vec<Value> = branches
        .iter()
        .filter_map(|branch| member(branch, plain, cx, depth).ok())
        .collect();
    let mut rest = choice.clone();
    rest.remove(key);
    match kept.len() {
        0 => Err(Contradiction::new(format!(
            "none of the `{key}` branches fits the other definition"
        ))),
        1 => intersect(&Value::Object(rest), &kept.remove(0), cx, depth + 1),
        _ => {
            rest.insert(key.to_string(), Value::Array(kept));
            Ok(Value::Object(rest))
        }
    }
}

/// One keyword that both schemas give: `None` drops it.
fn meet_keyword(
    key: &str,
    x: &Value,
    y: &Value,
    cx: &Cx,
    depth: usize,
) -> Result<Option<Value>, Contradiction> {
    if x == y {
        return Ok(Some(x.clone()));
    }
    Ok(Some(match key {
        "enum" => {
            let (Some(vx), Some(vy)) = (x.as_array(), y.as_array()) else {
                return Err(Contradiction::new("an `enum` that is not a list"));
            };
            let both: Vec<Value> = vx.iter().filter(|v| vy.contains(v)).cloned().collect();
            if both.is_empty() {
                return Err(Contradiction::new(format!(
                    "enum {} against enum {}",
                    brief(x),
                    brief(y)
                )));
            }
            // Spelled as the narrower one when it is one of them.
            if both.len() == vy.len() {
                y.clone()
            } else {
                Value::Array(both)
            }
        }
        // An integer's narrower width; for strings the later branch's format, the refinement.
        "format" => match (x.as_str(), y.as_str()) {
            (Some("int32"), Some("int64")) => x.clone(),
            _ => y.clone(),
        },
        "minimum" | "minLength" | "minItems" | "minProperties" => bound(x, y, f64::max),
        "maximum" | "maxLength" | "maxItems" | "maxProperties" => bound(x, y, f64::min),
        "required" => {
            let mut names = x.as_array().cloned().unwrap_or_default();
            for name in y.as_array().into_iter().flatten() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
            Value::Array(names)
        }
        "properties" => {
            let (Some(px), Some(py)) = (x.as_object(), y.as_object()) else {
                return Err(Contradiction::new("`properties` that is not a map"));
            };
            let mut merged = px.clone();
            for (name, schema) in py {
                let value = match px.get(name) {
                    Some(existing) => member(existing, schema, cx, depth)
                        .map_err(|c| c.under(&format!("properties/{name}")))?,
                    None => schema.clone(),
                };
                merged.insert(name.clone(), value);
            }
            Value::Object(merged)
        }
        "items" => member(x, y, cx, depth).map_err(|c| c.under("items"))?,
        // A map's values from whichever says; `false` in one branch does not undo what the
        // other allows (a branch lists only its own properties).
        "additionalProperties" => match (x, y) {
            (Value::Object(_), Value::Object(_)) => {
                member(x, y, cx, depth).map_err(|c| c.under("additionalProperties"))?
            }
            (Value::Object(_), _) => x.clone(),
            (_, Value::Object(_)) => y.clone(),
            _ if x == &Value::Bool(true) || y == &Value::Bool(true) => Value::Bool(true),
            _ => return Ok(None),
        },
        "allOf" | "oneOf" | "anyOf" | "not" => {
            if shape(x) != shape(y) {
                return Err(Contradiction::new(format!("two different `{key}` lists")));
            }
            y.clone()
        }
        // Docs, examples, patterns, flags and extensions: the later, more specific branch's.
        _ => y.clone(),
    }))
}

/// The intersection of two member schemas (a property, the items), kept as written (a `$ref`
/// stays one) when one of them is the whole answer.
fn member(x: &Value, y: &Value, cx: &Cx, depth: usize) -> Result<Value, Contradiction> {
    if x == y {
        return Ok(x.clone());
    }
    let pair = match (
        x.get("$ref").and_then(Value::as_str),
        y.get("$ref").and_then(Value::as_str),
    ) {
        (Some(a), Some(b)) => Some((a.to_string(), b.to_string())),
        _ => None,
    };
    if let Some(pair) = &pair {
        if cx.open.borrow().contains(pair) {
            return Ok(y.clone());
        }
        cx.open.borrow_mut().push(pair.clone());
    }
    let (ex, ey) = (expand(x, cx, 0)?, expand(y, cx, 0)?);
    let merged = intersect(&ex, &ey, cx, depth + 1);
    if pair.is_some() {
        cx.open.borrow_mut().pop();
    }
    let merged = merged?;
    let merged_shape = shape(&merged);
    Ok(
        if merged_shape == shape(&ey) && (is_reference(y) || !is_reference(x)) {
            y.clone()
        } else if merged_shape == shape(&ex) {
            x.clone()
        } else if merged_shape == shape(&ey) {
            y.clone()
        } else {
            merged
        },
    )
}

fn bound(x: &Value, y: &Value, pick: fn(f64, f64) -> f64) -> Value {
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) if pick(a, b) == a => x.clone(),
        (Some(_), Some(_)) => y.clone(),
        _ => y.clone(),
    }
}

/// The type a schema declares, or implies by its keywords (`properties` mean an object).
fn type_of(m: &Map<String, Value>) -> Option<&str> {
    if let Some(t) = m.get("type").and_then(Value::as_str) {
        return Some(t);
    }
    if m.contains_key("properties") || m.contains_key("additionalProperties") {
        Some("object")
    } else if m.contains_key("items") {
        Some("array")
    } else {
        None
    }
}

/// A schema that only documents, or says only "an object" beside an object-like `other`.
fn is_free(m: &Map<String, Value>, other: &Map<String, Value>) -> bool {
    if m.keys()
        .any(|k| k != "type" && TYPE_KEYS.contains(&k.as_str()))
    {
        return false;
    }
    match m.get("type").and_then(Value::as_str) {
        None => true,
        Some("object") => type_of(other).is_none_or(|t| t == "object"),
        Some(_) => false,
    }
}

fn is_numeric_pair(x: &str, y: &str) -> bool {
    matches!((x, y), ("integer", "number") | ("number", "integer"))
}

fn is_composition(key: &str) -> bool {
    matches!(key, "allOf" | "oneOf" | "anyOf" | "not")
}

fn has_choice(m: &Map<String, Value>) -> bool {
    m.contains_key("oneOf") || m.contains_key("anyOf")
}

fn has_composition(m: &Map<String, Value>) -> bool {
    m.keys().any(|k| is_composition(k))
}

/// A short spelling of an enum for a note: its first values.
fn brief(values: &Value) -> String {
    let list = values.as_array().map(Vec::as_slice).unwrap_or_default();
    let shown: Vec<String> = list.iter().take(4).map(Value::to_string).collect();
    let more = if list.len() > 4 { ", ..." } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

/// What a schema says about its values' Rust type, without docs and checks that do not change
/// it: two schemas with the same shape are one type. Followed into members; `required` and
/// `enum` compare as sets.
pub(super) fn shape(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if IGNORED.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let value = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => shape(value),
            "allOf" | "oneOf" | "anyOf" => {
                Value::Array(value.as_array().into_iter().flatten().map(shape).collect())
            }
            "required" | "enum" => {
                let mut items: Vec<String> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(Value::to_string)
                    .collect();
                items.sort();
                items.dedup();
                Value::from(items)
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// Keywords that do not change a value's Rust type.
const IGNORED: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "externalDocs",
    "readOnly",
    "writeOnly",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "xml",
];

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn components(reference: &str) -> Option<Value> {
        match reference {
            "#/components/schemas/CallStatus" => Some(json!({
                "type": "string", "enum": ["in_progress", "completed", "incomplete"]
            })),
            "#/components/schemas/CountryIso" => Some(json!({"type": "string"})),
            "#/components/schemas/Wide" => Some(json!({"type": "string", "enum": ["a", "b", "c"]})),
            "#/components/schemas/Narrow" => Some(json!({"type": "string", "enum": ["a", "b"]})),
            "#/components/schemas/User" => Some(json!({
                "type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer"}, "url": {"type": "string", "format": "uri"}}
            })),
            _ => None,
        }
    }

    fn meet_of(a: Value, b: Value) -> Result<Meet, Contradiction> {
        meet(&a, &b, &components)
    }

    #[test]
    fn nullable_and_non_null_is_non_null_with_the_narrower_bound() {
        let base = json!({"type": "integer", "nullable": true, "maximum": 50});
        let child = json!({"type": "integer", "maximum": 20, "description": "at most 20"});
        // The child says everything the base does, and more: the child, as written.
        assert_eq!(meet_of(base.clone(), child.clone()), Ok(Meet::Second));
        // Bounds do not change the Rust type: the non-null one, as written.
        let loose = json!({"type": "integer", "minimum": 0});
        assert_eq!(meet_of(base, loose), Ok(Meet::Second));
        let both = json!({"type": "string", "nullable": true});
        assert_eq!(meet_of(both.clone(), both), Ok(Meet::First));
    }

    #[test]
    fn a_reference_and_the_same_shape_inline_is_the_reference() {
        let inline = json!({"type": "string", "enum": ["completed", "in_progress", "incomplete"],
                            "description": "the call's status"});
        let reference = json!({"$ref": "#/components/schemas/CallStatus"});
        assert_eq!(meet_of(inline.clone(), reference.clone()), Ok(Meet::Second));
        assert_eq!(meet_of(reference, inline), Ok(Meet::First));
        // A nullable reference (how normalisation writes it) refined to a non-null one.
        let nullable = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/User"}]});
        let plain = json!({"$ref": "#/components/schemas/User"});
        assert_eq!(meet_of(nullable, plain), Ok(Meet::Second));
    }

    #[test]
    fn a_string_narrowed_to_an_enum_is_the_enum_and_enums_keep_common_values() {
        let country = json!({"$ref": "#/components/schemas/CountryIso"});
        let narrowed = json!({"enum": ["GBR", "IMN", "JEY", "GGY"]});
        assert_eq!(
            meet_of(country, narrowed),
            Ok(Meet::New(
                json!({"type": "string", "enum": ["GBR", "IMN", "JEY", "GGY"]})
            ))
        );
        let wide = json!({"$ref": "#/components/schemas/Wide"});
        let narrow = json!({"$ref": "#/components/schemas/Narrow"});
        assert_eq!(meet_of(wide.clone(), narrow.clone()), Ok(Meet::Second));
        assert_eq!(meet_of(narrow, wide.clone()), Ok(Meet::First));
        let overlap = json!({"type": "string", "enum": ["b", "c", "d"]});
        assert_eq!(
            meet_of(wide, overlap),
            Ok(Meet::New(json!({"type": "string", "enum": ["b", "c"]})))
        );
    }

    #[test]
    fn formats_and_docs_combine() {
        let a =
            json!({"type": "string", "format": "uuid", "description": "first", "maxLength": 40});
        let b = json!({"type": "string", "enum": ["x"], "description": "last", "maxLength": 10});
        assert_eq!(
            meet_of(a, b),
            Ok(Meet::New(json!({
                "type": "string", "format": "uuid", "description": "last", "maxLength": 10,
                "enum": ["x"]
            })))
        );
        let wide = json!({"type": "integer", "format": "int64"});
        let narrow = json!({"type": "integer", "format": "int32"});
        assert_eq!(meet_of(narrow, wide), Ok(Meet::First));
        let number = json!({"type": "number"});
        assert_eq!(
            meet_of(number, json!({"type": "integer"})),
            Ok(Meet::Second)
        );
    }

    #[test]
    fn objects_merge_property_by_property_and_arrays_by_items() {
        // A restatement with fewer details is the richer one, as written (its named type).
        let restated = json!({"type": "object", "properties": {"url": {"type": "string"}}});
        let user = json!({"$ref": "#/components/schemas/User"});
        assert_eq!(meet_of(restated.clone(), user.clone()), Ok(Meet::Second));
        // A refinement deep inside: a new object with both sides' properties and requirements.
        let a = json!({"type": "object", "required": ["owner"], "properties": {
            "owner": {"type": "object", "nullable": true, "properties": {"login": {"type": "string"}}},
            "tags": {"type": "array", "items": {"type": "string"}}
        }});
        let b = json!({"type": "object", "required": ["tags"], "properties": {
            "owner": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "tags": {"type": "array", "items": {"enum": ["x", "y"]}}
        }});
        assert_eq!(
            meet_of(a, b),
            Ok(Meet::New(
                json!({"type": "object", "required": ["owner", "tags"], "properties": {
                    "owner": {"type": "object", "properties": {
                        "login": {"type": "string"}, "id": {"type": "integer"}
                    }},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}}
                }})
            ))
        );
        // Anything, or any object, narrowed to a schema is that schema.
        assert_eq!(
            meet_of(json!({"type": "object"}), user.clone()),
            Ok(Meet::Second)
        );
        assert_eq!(
            meet_of(user, json!({"description": "who"})),
            Ok(Meet::First)
        );
    }

    #[test]
    fn a_choice_narrowed_by_a_plain_schema_keeps_the_branches_that_fit() {
        let either =
            json!({"oneOf": [{"type": "integer"}, {"type": "string", "format": "date-time"}]});
        assert_eq!(
            meet_of(either.clone(), json!({"type": "string"})),
            Ok(Meet::New(json!({"type": "string", "format": "date-time"})))
        );
        let err = meet_of(either, json!({"type": "boolean"})).unwrap_err();
        assert!(
            err.reason.contains("none of the `oneOf` branches"),
            "{err:?}"
        );
    }

    #[test]
    fn only_real_contradictions_fail_and_say_where() {
        let err = meet_of(json!({"type": "string"}), json!({"type": "integer"})).unwrap_err();
        assert_eq!(err.reason, "`string` against `integer`");
        let a = json!({"type": "object", "properties": {"kind": {"enum": ["a", "b"]}}});
        let b = json!({"type": "object", "properties": {"kind": {"enum": ["c"]}}});
        let err = meet_of(a, b).unwrap_err();
        assert_eq!(err.path, "properties/kind");
        assert_eq!(err.reason, r#"enum ["a", "b"] against enum ["c"]"#);
        let missing = json!({"$ref": "#/components/schemas/Missing"});
        assert!(meet_of(missing, json!({"type": "string"})).is_err());
    }

    #[test]
    fn lists_of_lists_that_refer_to_each_other_end() {
        fn looping(reference: &str) -> Option<Value> {
            let other = if reference.ends_with("/A") { "B" } else { "A" };
            Some(
                json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{other}")},
                        "description": reference}),
            )
        }
        let a = json!({"$ref": "#/components/schemas/A"});
        let b = json!({"$ref": "#/components/schemas/B"});
        // Either answer is fine; what matters is that it ends.
        let _ = meet(&a, &b, &looping);
    }

    #[test]
    fn two_trees_that_branch_into_themselves_meet_without_exponential_work() {
        fn trees(reference: &str) -> Option<Value> {
            let name = reference.rsplit('/').next().unwrap();
            let child = json!({"$ref": format!("#/components/schemas/{name}")});
            Some(
                json!({"type": "object", "description": name, "properties": {
                    "left": child, "right": child, "middle": child, "value": {"type": "string"}
                }}),
            )
        }
        let started = std::time::Instant::now();
        let met = meet(
            &json!({"$ref": "#/components/schemas/Tree"}),
            &json!({"$ref": "#/components/schemas/Other"}),
            &trees,
        );
        assert!(met.is_ok(), "{met:?}");
        // 3^32 comparisons without the cycle check; a handful with it.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
