//! Stages 1-3: source text → normalised JSON → `openapiv3::OpenAPI`.

pub mod bundle;
pub mod load;
pub mod normalize;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, SpecError};

/// A spec as the user handed it over.
#[derive(Debug, Clone)]
pub struct Source {
    /// How to name it in messages: a path, or `<embedded>`.
    pub origin: String,
    pub text: String,
}

/// A parsed document and what it took to read it.
pub struct Document {
    pub openapi: openapiv3::OpenAPI,
    /// The normalised JSON, kept for lookups `openapiv3` does not model (webhooks, 3.1 keys).
    pub json: Value,
    pub report: normalize::Report,
    /// Other files the document refers to, which were read into it.
    pub files: Vec<std::path::PathBuf>,
}

/// Loads, normalises and parses a document, reporting every problem with its position.
/// References to other files are read from the spec's own directory only.
pub fn read(source: &Source) -> Result<Document, SpecError> {
    read_with(source, &[])
}

/// [`read`], also reading referenced files from the `allowed` directories.
pub fn read_with(source: &Source, allowed: &[std::path::PathBuf]) -> Result<Document, SpecError> {
    let fail = |diagnostics: Vec<Diagnostic>| {
        let mut diagnostics = locate_all(&source.text, diagnostics);
        // In the document's order, those without a place last.
        diagnostics.sort_by_key(|d| d.position.unwrap_or((usize::MAX, 0)));
        SpecError {
            origin: source.origin.clone(),
            diagnostics,
        }
    };
    let mut json = load::load(&source.text).map_err(fail)?;
    check_root(&json).map_err(fail)?;
    let files =
        bundle::bundle(&mut json, std::path::Path::new(&source.origin), allowed).map_err(fail)?;
    let report = normalize::normalize(&mut json);
    let openapi = parse(&json).map_err(|d| fail(vec![d]))?;
    Ok(Document {
        openapi,
        json,
        report,
        files,
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
    if !matches!(root.get("info"), Some(Value::Object(_))) {
        problems.push(Diagnostic::error(
            "/info",
            "missing or invalid `info` object",
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Reads the normalised value with `openapiv3`, naming the exact place of a mismatch.
pub fn parse(json: &Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Diagnostic::error(
            pointer,
            format!("not a valid OpenAPI document here: {}", e.inner()),
        )
    })
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
