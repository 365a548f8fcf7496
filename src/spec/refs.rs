//! Stage 1c: a local `$ref` may point anywhere in the document, not only at
//! `#/components/<kind>/<name>`: into a schema's properties, items or branches, into
//! `definitions` nested in a schema, at another operation's response or parameter, through a
//! chain of references. Later stages read only component references, so:
//!
//! - a schema reached this way is moved into `components/schemas` once, under a name from its
//!   place (`Pet` + `owner` → `PetOwner`), and both its old place and every reference to it
//!   refer there: it is lowered once, and reused;
//! - anything else (a response, parameter, request body, path item, callback) is copied in
//!   where it is named, as `openapiv3` cannot read a reference in some of those places
//!   (callbacks) and lowering resolves only components;
//! - a schema named where a response or request body belongs is taken as its JSON body, with
//!   a note.
//!
//! A reference that leads nowhere or round in a circle is left as it is, for lowering to
//! report where it stands.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::bundle::is_schema_place;
use super::places;
use crate::diagnostics::{escape_token, join, unescape_token, Diagnostic};

/// Copies in place beyond this many are taken for references that keep copying each other.
const MAX_COPIES: usize = 10_000;
/// References followed from one to the next before a chain is taken for a cycle.
const MAX_FOLLOWS: usize = 64;

/// Resolves the local references later stages cannot read; returns notes on what was
/// loosened.
pub fn resolve(doc: &mut Value) -> Vec<Diagnostic> {
    let mut jobs: Vec<Job> = places::refs(doc, "")
        .into_iter()
        .filter(|(at, target)| needs_work(doc, at, target))
        .map(|(at, target)| Job {
            at,
            target,
            chain: Vec::new(),
        })
        .collect();
    if jobs.is_empty() {
        return Vec::new();
    }
    jobs.reverse();
    let mut resolver = Resolver {
        hoisted: HashMap::new(),
        copies: 0,
        notes: Vec::new(),
    };
    while let Some(job) = jobs.pop() {
        resolver.resolve(doc, job, &mut jobs);
    }
    resolver.notes
}

/// A reference to resolve: where its object is (as it was written: it may have moved with a
/// schema since), its target, and the places it was copied from (to stop a copy that would
/// contain itself).
struct Job {
    at: String,
    target: String,
    chain: Vec<String>,
}

struct Resolver {
    /// A schema's old place → its name in `components/schemas`.
    hoisted: HashMap<String, String>,
    copies: usize,
    notes: Vec<Diagnostic>,
}

/// What a reference stands for, by where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Schema,
    Response,
    RequestBody,
    /// Callbacks and path items: `openapiv3` reads no reference in a callback.
    CopiedAlways,
    /// A parameter, header, link or security scheme: a component reference is read as is.
    Component(&'static str),
    Other,
}

fn place_of(at: &str) -> Place {
    if is_schema_place(at) {
        return Place::Schema;
    }
    let tokens: Vec<&str> = at.split('/').collect();
    let last = tokens.last().copied().unwrap_or("");
    let parent = tokens.len().checked_sub(2).map_or("", |i| tokens[i]);
    let grandparent = tokens.len().checked_sub(3).map_or("", |i| tokens[i]);
    match (grandparent, parent, last) {
        (_, "responses", _) => Place::Response,
        (_, "requestBodies", _) | (_, _, "requestBody") => Place::RequestBody,
        (_, "callbacks", _) | ("callbacks", _, _) => Place::CopiedAlways,
        ("", "paths", _) | (_, "pathItems", _) | ("", "webhooks", _) => Place::CopiedAlways,
        (_, "parameters", _) => Place::Component("parameters"),
        (_, "headers", _) => Place::Component("headers"),
        (_, "links", _) => Place::Component("links"),
        (_, "securitySchemes", _) => Place::Component("securitySchemes"),
        _ => Place::Other,
    }
}

/// The components section each place's references are read from.
fn section(place: Place) -> Option<&'static str> {
    match place {
        Place::Schema => Some("schemas"),
        Place::Response => Some("responses"),
        Place::RequestBody => Some("requestBodies"),
        Place::Component(section) => Some(section),
        Place::CopiedAlways | Place::Other => None,
    }
}

/// Whether a reference is one later stages cannot read as it is: anything but a reference to
/// an existing component of its own kind, which is not itself a reference.
fn needs_work(doc: &Value, at: &str, target: &str) -> bool {
    let Some(pointer) = local_pointer(target) else {
        return false; // another file's: bundled before this stage, or refused there
    };
    let place = place_of(at);
    let Some(section) = section(place) else {
        return place == Place::CopiedAlways;
    };
    let tokens: Vec<&str> = pointer.split('/').collect();
    let direct = tokens.len() == 4 && tokens[1] == "components" && tokens[2] == section;
    if place == Place::Schema {
        // Lowering reports a missing component schema at its place; a percent-encoded one is
        // spelled as lowering reads it.
        return !direct || target.contains('%');
    }
    !direct || doc.pointer(&pointer).is_none_or(is_bare_ref)
}

/// The JSON pointer of a local reference (`#/a/b`), percent-decoded; `None` for another file's.
fn local_pointer(target: &str) -> Option<String> {
    let fragment = target.strip_prefix('#')?;
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// `{$ref: ...}` and at most a description or summary beside it: a reference, not a value.
fn is_bare_ref(value: &Value) -> bool {
    value.as_object().is_some_and(|m| {
        m.get("$ref").is_some_and(Value::is_string)
            && m.keys()
                .all(|k| matches!(k.as_str(), "$ref" | "description" | "summary"))
    })
}

fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// Where `pointer` leads now: each token is looked up as written, and where a value has no
/// such key but is a local reference, the reference is followed first (so
/// `#/components/schemas/A/properties/b` reaches `b` when `A` is `{$ref: B}`, or when `A`'s
/// schema moved). `None` when it leads nowhere.
fn lookup(doc: &Value, pointer: &str) -> Option<String> {
    let mut budget = MAX_FOLLOWS;
    lookup_within(doc, pointer, &mut budget)
}

/// [`lookup`], following at most `budget` references in all, nested lookups included (`A:
/// {$ref: '#/B/x'}`, `B: {$ref: '#/A/x'}` would otherwise look each other up forever).
fn lookup_within(doc: &Value, pointer: &str, budget: &mut usize) -> Option<String> {
    let mut at = String::new();
    let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
    let mut i = 0;
    while i < tokens.len() {
        let value = doc.pointer(&at)?;
        let token = &tokens[i];
        let has = match value {
            Value::Object(m) => m.contains_key(token),
            Value::Array(items) => token.parse::<usize>().is_ok_and(|n| n < items.len()),
            _ => false,
        };
        if has {
            at = join(&at, token);
            i += 1;
            continue;
        }
        let next = local_pointer(ref_of(value)?)?;
        *budget = budget.checked_sub(1)?;
        at = lookup_within(doc, &next, budget)?;
    }
    Some(at)
}

/// Where the reference's object is now: it may have moved with a schema moved before it (or
/// be that schema, now behind a reference in its old place).
fn holder(doc: &Value, at: &str, target: &str) -> Option<String> {
    let mut at = lookup(doc, at)?;
    for _ in 0..MAX_FOLLOWS {
        let value = doc.pointer(&at)?;
        let reference = ref_of(value)?;
        if reference == target {
            return Some(at);
        }
        at = lookup(doc, &local_pointer(reference)?)?;
    }
    None
}

/// The place a reference finally leads to, following references to references; for a schema,
/// a component schema is a name of its own and ends the chain. `None` when the chain leads
/// nowhere or round in a circle.
fn follow(doc: &Value, target: &str, place: Place) -> Option<String> {
    let mut pointer = local_pointer(target)?;
    let mut seen: Vec<String> = Vec::new();
    loop {
        let at = lookup(doc, &pointer)?;
        if seen.contains(&at) || seen.len() > MAX_FOLLOWS {
            return None;
        }
        let value = doc.pointer(&at)?;
        if place == Place::Schema && is_component(&at, "schemas") {
            return Some(at);
        }
        match ref_of(value).filter(|_| is_bare_ref(value)) {
            Some(next) => pointer = local_pointer(next)?,
            None => return Some(at),
        }
        seen.push(at);
    }
}

impl Resolver {
    fn resolve(&mut self, doc: &mut Value, job: Job, jobs: &mut Vec<Job>) {
        let ref_at = join(&job.at, "$ref");
        let Some(holder) = holder(doc, &job.at, &job.target) else {
            return;
        };
        let place = place_of(&job.at);
        let Some(target) = follow(doc, &job.target, place) else {
            return; // nowhere, or a cycle: lowering reports it where it stands
        };
        match place {
            Place::Schema => self.schema(doc, &holder, &job.target, &target),
            _ if is_schema_place(&target) => {
                self.schema_as_body(doc, &holder, &target, place, &ref_at)
            }
            _ => self.copy(doc, &holder, &target, job, jobs),
        }
    }

    /// A schema reference: to the component it leads to, moving a schema that is not one
    /// into `components/schemas` first.
    fn schema(&mut self, doc: &mut Value, holder: &str, reference: &str, target: &str) {
        let name = if is_component(target, "schemas") {
            target.rsplit('/').next().map(unescape_token)
        } else if !is_schema_place(target) {
            self.notes.push(Diagnostic::note(
                join(holder, "$ref"),
                format!("`{target}` is not a schema; this one is generated as serde_json::Value"),
            ));
            None
        } else {
            Some(self.hoist(doc, target))
        };
        // Moving the schema may have moved the reference too (a schema that refers to itself).
        let (Some(name), Some(holder)) = (name, self::holder(doc, holder, reference)) else {
            return;
        };
        set_ref(
            doc,
            &holder,
            format!("#/components/schemas/{}", escape_token(&name)),
        );
    }

    /// Moves the schema at `target` into `components/schemas` (once), leaving a reference to
    /// it in its place; returns its name there.
    fn hoist(&mut self, doc: &mut Value, target: &str) -> String {
        if let Some(name) = self.hoisted.get(target) {
            return name.clone();
        }
        let name = free_name(doc, &place_name(doc, target));
        let reference = json!({"$ref": format!("#/components/schemas/{}", escape_token(&name))});
        let schema = doc
            .pointer_mut(target)
            .map(|slot| std::mem::replace(slot, reference))
            .unwrap_or_default();
        insert_component(doc, "schemas", &name, schema);
        self.hoisted.insert(target.to_string(), name.clone());
        name
    }

    /// A schema named where a response or request body belongs: its JSON body.
    fn schema_as_body(
        &mut self,
        doc: &mut Value,
        holder: &str,
        target: &str,
        place: Place,
        ref_at: &str,
    ) {
        let schema_ref = format!("#{target}");
        let content = json!({"application/json": {"schema": {"$ref": schema_ref}}});
        let replacement = match place {
            Place::Response => json!({"description": "", "content": content}),
            Place::RequestBody => json!({"content": content}),
            _ => return,
        };
        let what = if place == Place::Response {
            "response"
        } else {
            "request body"
        };
        self.notes.push(Diagnostic::note(
            ref_at,
            format!("this {what} refers to a schema; it is taken as the {what}'s JSON body"),
        ));
        if let Some(slot) = doc.pointer_mut(holder) {
            *slot = replacement;
        }
        // The schema reference inside is resolved like any other.
        let inner = format!("{holder}/content/application~1json/schema");
        self.schema(doc, &inner, &schema_ref, target);
    }

    /// Copies the value at `target` over the reference at `holder`, keeping the reference's own
    /// description and summary, and queues the references inside the copy.
    fn copy(&mut self, doc: &mut Value, holder: &str, target: &str, job: Job, jobs: &mut Vec<Job>) {
        let ref_at = join(&job.at, "$ref");
        let inside_itself = holder == target || holder.starts_with(&format!("{target}/"));
        if inside_itself || job.chain.iter().any(|c| c == target) || self.copies >= MAX_COPIES {
            self.notes.push(Diagnostic::note(
                ref_at,
                format!(
                    "`{}` contains itself, so it cannot be copied in here; it is left out",
                    job.target
                ),
            ));
            super::remove(doc, holder, &mut Vec::new());
            return;
        }
        self.copies += 1;
        let Some(mut value) = doc.pointer(target).cloned() else {
            return;
        };
        if let (Some(Value::Object(reference)), Value::Object(copy)) =
            (doc.pointer(holder), &mut value)
        {
            for key in ["description", "summary"] {
                if let Some(text) = reference.get(key) {
                    copy.insert(key.into(), text.clone());
                }
            }
        }
        let mut inner: Vec<Job> = places::refs(&value, holder)
            .into_iter()
            .filter(|(at, target)| needs_work(doc, at, target))
            .map(|(at, target)| {
                let mut chain = job.chain.clone();
                chain.push(target_of(&job));
                Job { at, target, chain }
            })
            .collect();
        if let Some(slot) = doc.pointer_mut(holder) {
            *slot = value;
        }
        inner.reverse();
        jobs.extend(inner);
    }
}

fn target_of(job: &Job) -> String {
    local_pointer(&job.target).unwrap_or_default()
}

/// Whether `pointer` is `/components/<section>/<name>`.
fn is_component(pointer: &str, section: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').collect();
    tokens.len() == 4 && tokens[1] == "components" && tokens[2] == section
}

/// A name for a schema from its place: the component, operation or webhook it is in, then
/// each property (`PetOwner`), `Item` for a list's items and `Value` for a map's values, or a
/// nested definition's own name.
fn place_name(doc: &Value, pointer: &str) -> String {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    match tokens.first().map(String::as_str) {
        Some("components") if tokens.len() > 2 => {
            words.push(tokens[2].clone());
            i = 3;
        }
        Some("paths") if tokens.len() > 2 => {
            let operation = doc.pointer(&format!(
                "/paths/{}/{}",
                escape_token(&tokens[1]),
                escape_token(&tokens[2])
            ));
            match operation
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
            {
                Some(id) => words.push(id.to_string()),
                None => {
                    words.push(tokens[2].clone());
                    words.push(tokens[1].clone());
                }
            }
            i = 3;
        }
        Some("webhooks") if tokens.len() > 1 => {
            words.push(tokens[1].clone());
            i = 2;
        }
        _ => {}
    }
    while i < tokens.len() {
        let token = tokens[i].as_str();
        let next = tokens.get(i + 1).cloned();
        match (token, next) {
            ("properties" | "patternProperties", Some(name)) => {
                words.push(name);
                i += 1;
            }
            ("definitions" | "$defs", Some(name)) => {
                words = vec![name];
                i += 1;
            }
            ("items", _) => words.push("Item".into()),
            ("additionalProperties", _) => words.push("Value".into()),
            ("oneOf" | "anyOf", Some(n)) => {
                words.push(format!("Variant{n}"));
                i += 1;
            }
            ("parameters", Some(_)) => {
                let param = doc.pointer(&tokens_pointer(&tokens[..=i + 1]));
                if let Some(name) = param.and_then(|p| p.get("name")).and_then(Value::as_str) {
                    words.push(name.to_string());
                }
                i += 1;
            }
            ("requestBody", _) => words.push("Body".into()),
            ("responses", Some(status)) => {
                words.push(format!("Response{status}"));
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let name = heck::AsUpperCamelCase(words.join(" ")).to_string();
    if name.is_empty() {
        "Schema".into()
    } else {
        name
    }
}

fn tokens_pointer(tokens: &[String]) -> String {
    tokens.iter().fold(String::new(), |p, t| join(&p, t))
}

/// `base`, or `base2`, `base3`, ...: a name no component schema has yet.
pub(super) fn free_name(doc: &Value, base: &str) -> String {
    let taken = |n: &str| doc.pointer(&join("/components/schemas", n)).is_some();
    let mut name = base.to_string();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Adds `value` as `components/<section>/<name>`, making the maps that are missing.
pub(super) fn insert_component(doc: &mut Value, section: &str, name: &str, value: Value) {
    let Value::Object(root) = doc else { return };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(components) = components {
        let entries = components
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(entries) = entries {
            entries.insert(name.to_string(), value);
        }
    }
}

/// Points the reference object at `at` to `target`.
pub(super) fn set_ref(doc: &mut Value, at: &str, target: String) {
    if let Some(Value::Object(map)) = doc.pointer_mut(at) {
        map.insert("$ref".into(), Value::String(target));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(mut doc: Value) -> (Value, Vec<Diagnostic>) {
        let notes = resolve(&mut doc);
        (doc, notes)
    }

    #[test]
    fn a_schema_inside_another_moves_to_the_components_once() {
        let (doc, _) = resolved(json!({"components": {"schemas": {
            "Pet": {"properties": {"owner": {"properties": {"name": {"type": "string"}}}}},
            "A": {"properties": {"o": {"$ref": "#/components/schemas/Pet/properties/owner"}}},
            "B": {"properties": {"o": {"$ref": "#/components/schemas/Pet/properties/owner"}}}
        }}}));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["PetOwner"]["properties"]["name"]["type"], "string");
        for (name, at) in [("Pet", "owner"), ("A", "o"), ("B", "o")] {
            assert_eq!(
                schemas[name]["properties"][at]["$ref"],
                "#/components/schemas/PetOwner"
            );
        }
    }

    #[test]
    fn chains_and_other_operations_parts_are_copied_in() {
        let (doc, _) = resolved(json!({"paths": {
            "/a": {"get": {"parameters": [{"name": "q", "in": "query"}],
                           "responses": {"401": {"description": "no"}}}},
            "/b": {"get": {"parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}],
                           "responses": {"401": {"$ref": "#/components/responses/R"}}}}
        }, "components": {"responses": {"R": {"$ref": "#/paths/~1a/get/responses/401"}}}}));
        let b = &doc["paths"]["/b"]["get"];
        assert_eq!(b["parameters"][0]["name"], "q");
        assert_eq!(b["responses"]["401"]["description"], "no");
    }

    #[test]
    fn a_schema_where_a_response_belongs_is_its_body() {
        let (doc, notes) = resolved(json!({"paths": {"/a": {"get": {"responses": {
            "400": {"$ref": "#/components/schemas/Bad"}}}}},
            "components": {"schemas": {"Bad": {"type": "object"}}}}));
        let response = &doc["paths"]["/a"]["get"]["responses"]["400"];
        assert_eq!(
            response["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Bad"
        );
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn cycles_and_dangling_references_are_left_for_lowering() {
        let doc = json!({"components": {"parameters": {
            "P": {"$ref": "#/components/parameters/Q"},
            "Q": {"$ref": "#/components/parameters/P"}},
            "schemas": {"S": {"$ref": "#/components/schemas/T/properties/missing"}}}});
        assert_eq!(resolved(doc.clone()).0, doc);
    }

    #[test]
    fn references_that_look_each_other_up_end() {
        let doc = json!({"A": {"$ref": "#/B/x"}, "B": {"$ref": "#/A/x"},
            "S": {"$ref": "#/A/x/y"}});
        assert_eq!(lookup(&doc, "/A/x"), None);
        assert_eq!(resolved(doc.clone()).0, doc);
    }

    #[test]
    fn pointers_are_percent_decoded_and_follow_references_on_the_way() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"properties": {"x": {"type": "string"}}}}}});
        assert_eq!(
            lookup(&doc, "/components/schemas/A/properties/x").as_deref(),
            Some("/components/schemas/B/properties/x")
        );
    }
}
