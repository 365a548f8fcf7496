//! Stages 1-3: source text → normalised JSON → `openapiv3::OpenAPI`.

pub mod bundle;
pub mod load;
pub mod normalize;
mod origin;
mod places;
mod refs;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, SpecError};

pub use origin::Origin;

/// A spec as the user handed it over.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where it came from: its name in messages, and the directory of the files it refers to.
    pub origin: Origin,
    pub text: String,
}

impl Source {
    /// The Modbox document sdkgen ships with.
    pub fn embedded() -> Source {
        Source {
            origin: Origin::Embedded,
            text: crate::EMBEDDED_SPEC.to_string(),
        }
    }

    /// Findings with their line and column in this source, in the document's order.
    pub fn locate(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut diagnostics = locate_all(&self.text, diagnostics);
        in_document_order(&mut diagnostics);
        diagnostics
    }

    /// The error that refuses this source for `diagnostics`, each located.
    pub fn refuse(&self, diagnostics: Vec<Diagnostic>) -> SpecError {
        SpecError {
            origin: self.origin.name(),
            diagnostics: self.locate(diagnostics),
        }
    }

    /// Text from elsewhere, called `name` in messages; `$ref`s to other files are refused.
    pub fn named(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            origin: Origin::Named(name.into()),
            text: text.into(),
        }
    }
}

/// A parsed document and what it took to read it.
pub struct Document {
    pub openapi: openapiv3::OpenAPI,
    /// The normalised JSON, kept for lookups `openapiv3` does not model (webhooks, 3.1 keys).
    pub json: Value,
    pub report: normalize::Report,
    /// Other files the document refers to, which were read into it.
    pub files: Vec<std::path::PathBuf>,
    /// The 3.1 `webhooks`, which `openapiv3` does not model, read as path items.
    pub webhooks: Webhooks,
}

/// Webhooks by name, each a path item whose request bodies are what the API sends.
pub type Webhooks = Vec<(String, openapiv3::PathItem)>;

/// The document's `webhooks` that read as path items; a note for each that does not.
pub fn webhooks(json: &Value, notes: &mut Vec<Diagnostic>) -> Webhooks {
    let Some(Value::Object(webhooks)) = json.get("webhooks") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, item) in webhooks {
        match openapiv3::PathItem::deserialize(item) {
            Ok(item) => out.push((name.clone(), item)),
            Err(_) => notes.push(Diagnostic::note(
                crate::diagnostics::join("/webhooks", name),
                "this webhook is not a path item sdkgen can read; no payload type is made for it",
            )),
        }
    }
    out
}

/// Loads, normalises and parses a document, reporting every problem with its position.
/// References to other files are read from the spec's own directory only.
pub fn read(source: &Source) -> Result<Document, SpecError> {
    read_with(source, &[])
}

/// [`read`], also reading referenced files from the `allowed` directories.
pub fn read_with(source: &Source, allowed: &[std::path::PathBuf]) -> Result<Document, SpecError> {
    let fail = |diagnostics: Vec<Diagnostic>| source.refuse(diagnostics);
    let mut json = load::load(&source.text).map_err(fail)?;
    check_root(&json).map_err(fail)?;
    let files = bundle::bundle(&mut json, source.origin.path(), allowed).map_err(fail)?;
    let resolved = refs::resolve(&mut json);
    let mut report = normalize::normalize(&mut json);
    report.notes.extend(resolved);
    let (openapi, loosened) = match loosen_unreadable(&mut json).map_err(fail)? {
        (Some(openapi), loosened) => (openapi, loosened),
        // Something unreadable that cannot be left loose: every error, at its place.
        (None, _) => match parse(&json) {
            Ok(openapi) => (openapi, Vec::new()),
            Err(errors) => return Err(fail(errors)),
        },
    };
    report.notes.extend(loosened);
    let webhooks = webhooks(&json, &mut report.notes);
    Ok(Document {
        openapi,
        json,
        report,
        files,
        webhooks,
    })
}

/// The checks that make `openapiv3`'s own errors unnecessary for the commonest mistakes.
fn check_root(json: &Value) -> Result<(), Vec<Diagnostic>> {
    let Value::Object(root) = json else {
        return Err(vec![Diagnostic::error(
            "",
            "expected an OpenAPI document (a mapping at the top level)",
        )]);
    };
    let mut problems = Vec::new();
    match root.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => {}
        Some(Value::String(v)) => problems.push(Diagnostic::error(
            "/openapi",
            format!("unsupported OpenAPI version `{v}`: sdkgen reads 3.0 and 3.1"),
        )),
        Some(_) => problems.push(Diagnostic::error(
            "/openapi",
            "expected the OpenAPI version as a string, like \"3.1.0\"",
        )),
        None if root.contains_key("swagger") => problems.push(Diagnostic::error(
            "/swagger",
            "this is a Swagger 2.0 document; sdkgen reads OpenAPI 3.0 and 3.1 (convert it first)",
        )),
        None => problems.push(Diagnostic::error(
            "",
            "missing `openapi`: this does not look like an OpenAPI document",
        )),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Sorts errors in the document's order; those without a place, then the cap's notice, last.
pub fn in_document_order(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| match d.message.starts_with(MORE_ERRORS) {
        true => (usize::MAX, usize::MAX),
        false => d.position.unwrap_or((usize::MAX, 0)),
    });
}

/// At most this many errors are reported for one document.
pub const MAX_ERRORS: usize = 20;
const MORE_ERRORS: &str = "more errors follow";
/// How many times the document is read again looking for further errors.
const MAX_READINGS: usize = 100;

/// Parses the normalised document into `openapiv3`'s model. The model's reader stops at the
/// first error; to report every error together, the offending value is removed and the rest
/// read again, up to [`MAX_ERRORS`]. An error that only follows from a removal (a required
/// field now missing, above an earlier error) is not reported.
pub fn parse(json: &Value) -> Result<openapiv3::OpenAPI, Vec<Diagnostic>> {
    let first = match serde_path_to_error::deserialize(json) {
        Ok(doc) => return Ok(doc),
        Err(e) => narrow(json, parse_error(e)),
    };
    let mut pruned = json.clone();
    let mut pointer = first.pointer.clone();
    let mut problems = vec![first];
    // List items removed so far (the list's pointer, the index), to give later errors the
    // place they have in the document as written.
    let mut removed: Vec<(String, usize)> = Vec::new();
    // Each reading is a whole parse: bounded, whatever the document.
    let mut readings = 0;
    while readings < MAX_READINGS && remove(&mut pruned, &pointer, &mut removed) {
        readings += 1;
        let mut next = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&pruned) {
            Ok(_) => break,
            Err(e) => narrow(&pruned, parse_error(e)),
        };
        pointer = next.pointer.clone();
        next.pointer = as_written(&next.pointer, &removed);
        let follows = problems.iter().any(|p| {
            p.pointer == next.pointer || p.pointer.starts_with(&format!("{}/", next.pointer))
        });
        if !follows {
            if problems.len() == MAX_ERRORS {
                problems.push(Diagnostic::error(
                    "",
                    format!("{MORE_ERRORS}; only the first {MAX_ERRORS} are shown"),
                ));
                break;
            }
            problems.push(next);
        }
    }
    Err(problems)
}

/// Parts `openapiv3` cannot read, where leaving them loose still gives a meaningful SDK: a
/// schema becomes any JSON value (`{}`, keeping its description), an operation is left out;
/// each with a note naming what the reader found wrong. What remains unreadable is reported by
/// [`parse`]. A document that loses every operation this way is refused.
fn loosen_unreadable(json: &mut Value) -> Result<Loosened, Vec<Diagnostic>> {
    let mut notes = Vec::new();
    let mut operations_left_out = 0;
    // The document as written, kept once something is loosened: a refusal lists every error
    // of the document, not only the first of each operation.
    let mut original: Option<Value> = None;
    let mut openapi = None;
    for _ in 0..MAX_READINGS {
        let e = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&*json) {
            Ok(read) => {
                openapi = Some(read);
                break;
            }
            Err(e) => e,
        };
        let error = narrow(json, parse_error(e));
        let reason = error
            .message
            .strip_prefix("not a valid OpenAPI document here: ")
            .unwrap_or(&error.message)
            .to_string();
        let Some((place, what)) = ancestors(&error.pointer)
            .into_iter()
            .find_map(|p| loose_place(json, &p).map(|what| (p, what)))
        else {
            break;
        };
        original.get_or_insert_with(|| json.clone());
        let message = match what {
            Loose::Schema => {
                let description = json
                    .pointer(&place)
                    .and_then(|s| s.get("description"))
                    .filter(|d| d.is_string())
                    .cloned();
                let mut any = serde_json::Map::new();
                if let Some(description) = description {
                    any.insert("description".into(), description);
                }
                if let Some(slot) = json.pointer_mut(&place) {
                    *slot = Value::Object(any);
                }
                format!(
                    "this schema cannot be read ({reason}); it is generated as serde_json::Value"
                )
            }
            Loose::Operation => {
                operations_left_out += 1;
                remove(json, &place, &mut Vec::new());
                format!("this operation cannot be read ({reason}); it is left out")
            }
        };
        notes.push(Diagnostic::note(error.pointer.clone(), message));
    }
    if operations_left_out > 0 && operation_count(json) == 0 {
        return Err(match original.as_ref().map(parse) {
            Some(Err(errors)) => errors,
            _ => notes
                .into_iter()
                .map(|n| Diagnostic::error(n.pointer, n.message))
                .collect(),
        });
    }
    Ok((openapi, notes))
}

/// The document as read, unless something could not be left loose, and the notes.
type Loosened = (Option<openapiv3::OpenAPI>, Vec<Diagnostic>);

enum Loose {
    Schema,
    Operation,
}

/// Whether the value at `pointer` is a part that can be left loose, and which.
fn loose_place(json: &Value, pointer: &str) -> Option<Loose> {
    json.pointer(pointer)?;
    if bundle::is_schema_place(pointer) {
        return Some(Loose::Schema);
    }
    let tokens: Vec<&str> = pointer.split('/').collect();
    let method = tokens.len() == 4 && tokens[1] == "paths" && normalize::is_method(tokens[3]);
    method.then_some(Loose::Operation)
}

fn operation_count(json: &Value) -> usize {
    json.get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| item.keys().filter(|k| normalize::is_method(k)).count())
                .sum()
        })
}

/// Places where the document's reader keeps no path: `openapiv3` reads `$ref`-or-value and
/// parameters through buffering enums, so an error inside is reported at an ancestor (often
/// `/paths`). The error is moved to the first value under it that fails on its own, read as
/// the type its place holds, and so on down; at most [`NARROW_VISITS`] values are tried.
fn narrow(json: &Value, error: Diagnostic) -> Diagnostic {
    let mut error = error;
    let mut visits = 0;
    'deeper: loop {
        let Some(node) = json.pointer(&error.pointer) else {
            return error;
        };
        let mut queue = std::collections::VecDeque::from([(node, error.pointer.clone())]);
        while let Some((value, at)) = queue.pop_front() {
            visits += 1;
            if visits > NARROW_VISITS {
                return error;
            }
            if at != error.pointer {
                if let Some(Err((path, message))) = read_as_its_place(value, &at) {
                    let pointer = format!("{at}{path}");
                    if pointer == error.pointer {
                        return error;
                    }
                    error = Diagnostic::error(
                        pointer,
                        format!("not a valid OpenAPI document here: {message}"),
                    );
                    continue 'deeper;
                }
            }
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        queue.push_back((v, crate::diagnostics::join(&at, k)));
                    }
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        queue.push_back((v, format!("{at}/{i}")));
                    }
                }
                _ => {}
            }
        }
        return error;
    }
}

const NARROW_VISITS: usize = 20_000;

/// Reads `value` as the `openapiv3` type its place holds, when the place is one the reader
/// loses the path at: `None` for other places and for `$ref`s, else the path and message of
/// the error inside, if any.
fn read_as_its_place(value: &Value, at: &str) -> Option<Result<(), (String, String)>> {
    fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), (String, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .map(drop)
            .map_err(|e| (path_to_pointer(e.path()), e.inner().to_string()))
    }
    if value.get("$ref").is_some() {
        return None;
    }
    let tokens: Vec<&str> = at.split('/').collect();
    let last = tokens.last().copied().unwrap_or("");
    let parent = tokens.len().checked_sub(2).map_or("", |i| tokens[i]);
    let in_components =
        |kind: &str| tokens.len() == 4 && tokens[1] == "components" && tokens[2] == kind;
    Some(if tokens.len() == 3 && tokens[1] == "paths" {
        read::<openapiv3::PathItem>(value)
    } else if parent == "parameters" {
        read::<openapiv3::Parameter>(value)
    } else if last == "requestBody" || in_components("requestBodies") {
        read::<openapiv3::RequestBody>(value)
    } else if parent == "responses" {
        read::<openapiv3::Response>(value)
    } else if in_components("securitySchemes") {
        read::<openapiv3::SecurityScheme>(value)
    } else if parent == "headers" {
        read::<openapiv3::Header>(value)
    } else if last == "additionalProperties" {
        // `true` and `false` are as good here as a schema.
        read::<openapiv3::AdditionalProperties>(value)
    } else if bundle::is_schema_place(at) {
        read::<openapiv3::Schema>(value)
    } else {
        return None;
    })
}

fn parse_error(e: serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    Diagnostic::error(
        path_to_pointer(e.path()),
        format!("not a valid OpenAPI document here: {}", e.inner()),
    )
}

/// A pointer into the pruned document as a pointer into the document as written: each removed
/// list item, last first, moves the later items' indexes back up.
fn as_written(pointer: &str, removed: &[(String, usize)]) -> String {
    let mut pointer = pointer.to_string();
    for (list, index) in removed.iter().rev() {
        let Some(rest) = pointer.strip_prefix(&format!("{list}/")) else {
            continue;
        };
        let (token, tail) = rest.split_once('/').map_or((rest, ""), |(t, r)| (t, r));
        if let Ok(i) = token.parse::<usize>() {
            if i >= *index {
                let tail = if tail.is_empty() {
                    String::new()
                } else {
                    format!("/{tail}")
                };
                pointer = format!("{list}/{}{tail}", i + 1);
            }
        }
    }
    pointer
}

/// Removes the value at `pointer` from its parent; false when there is nothing to remove (the
/// root, or a place that is not there). A removed list item is recorded in `removed`.
fn remove(doc: &mut Value, pointer: &str, removed: &mut Vec<(String, usize)>) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = crate::diagnostics::unescape_token(last);
    let parent_pointer = parent;
    let parent = doc.pointer_mut(parent);
    match parent {
        Some(Value::Object(map)) => map.shift_remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                removed.push((parent_pointer.to_string(), i));
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer = crate::diagnostics::join(&pointer, key)
            }
            Segment::Unknown => break,
        }
    }
    pointer
}

/// Adds line and column to each diagnostic whose pointer is found in the source text; a
/// pointer made by normalising is located at its nearest enclosing value.
pub fn locate_all(text: &str, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let missing: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.position.is_none())
        .flat_map(|d| ancestors(&d.pointer))
        .collect();
    if missing.is_empty() {
        return diagnostics;
    }
    let wanted: Vec<&str> = missing.iter().map(String::as_str).collect();
    let found = load::locate(text, &wanted);
    for d in diagnostics.iter_mut().filter(|d| d.position.is_none()) {
        d.position = ancestors(&d.pointer)
            .into_iter()
            .find_map(|p| found.get(&p).copied());
    }
    diagnostics
}

/// A pointer and each of its parents, nearest first.
fn ancestors(pointer: &str) -> Vec<String> {
    let mut out = vec![pointer.to_string()];
    let mut p = pointer;
    while let Some(i) = p.rfind('/') {
        p = &p[..i];
        out.push(p.to_string());
    }
    out
}
