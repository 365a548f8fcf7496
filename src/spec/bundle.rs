//! Stage 1b: references to other files (`$ref: schemas/pet.yaml#/Pet`) become parts of the one
//! document the later stages read.
//!
//! A file is read relative to the file that refers to it, and only inside the spec's own
//! directory or a directory the user allows (`--allow-dir`): a spec from elsewhere must not read
//! `../../etc/passwd` into generated code. URLs are never fetched.
//!
//! A schema from another file is copied into `components/schemas` once (so recursion and reuse
//! work as for local schemas) and the reference points there; anything else (a path item, a
//! parameter, a response) is copied in place. Inside a copied part, `#/...` means its own file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::load;
use crate::diagnostics::{escape_token, join, unescape_token, Diagnostic};

/// Copies in place beyond this many are taken for a cycle of non-schema references.
const MAX_COPIES: usize = 10_000;

/// Brings every part of another file that `doc` refers to into `doc`. `origin` is the path of
/// the file `doc` was read from, if any; `allowed` are further directories files may come
/// from.
/// Returns the files read, sorted, for build scripts to watch.
pub fn bundle(
    doc: &mut Value,
    origin: Option<&Path>,
    allowed: &[PathBuf],
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    // Every generation passes here; most documents are one file. Find that out without
    // building a pointer for every value.
    if !refers_to_another_file(doc) {
        return Ok(Vec::new());
    }
    let mut pending = Vec::new();
    collect(doc, "", None, &mut pending);
    if pending.is_empty() {
        return Ok(Vec::new()); // the only ones were in examples or extensions
    }
    // A document that was not read from a file (text handed to the library, the embedded spec)
    // has no directory to read others from: its references to files are refused.
    let Some(Ok(root_file)) = origin.map(Path::canonicalize) else {
        return Err(pending
            .iter()
            .map(|r| {
                Diagnostic::error(
                    join(&r.at, "$ref"),
                    format!(
                        "`{}` refers to another file, but this document was not read from a file",
                        r.target
                    ),
                )
            })
            .collect());
    };
    let Some(root_dir) = root_file.parent().map(Path::to_path_buf) else {
        return Ok(Vec::new());
    };
    let mut bundler = Bundler {
        root_file,
        allowed: std::iter::once(root_dir)
            .chain(allowed.iter().filter_map(|d| d.canonicalize().ok()))
            .collect(),
        files: HashMap::new(),
        hoisted: HashMap::new(),
        copies: 0,
        problems: Vec::new(),
    };
    // Whole components first (`components/schemas/Pet: {$ref: pet.yaml}`), so that a schema
    // keeps the name the root document gives it even where another file reaches it first.
    let (components, mut rest): (Vec<Reference>, Vec<Reference>) = pending
        .into_iter()
        .partition(|r| r.at.starts_with("/components/schemas/") && r.at.matches('/').count() == 3);
    for reference in components {
        bundler.resolve(doc, reference, &mut rest);
    }
    while let Some(reference) = rest.pop() {
        bundler.resolve(doc, reference, &mut rest);
    }
    if bundler.problems.is_empty() {
        let mut files: Vec<PathBuf> = bundler.files.into_keys().collect();
        files.sort();
        Ok(files)
    } else {
        Err(bundler.problems)
    }
}

/// A `$ref` to resolve: where it is in the document, and the file it was written in (`None`:
/// the root document, whose `#/...` references stay as they are).
struct Reference {
    at: String,
    target: String,
    file: Option<PathBuf>,
}

struct Bundler {
    root_file: PathBuf,
    allowed: Vec<PathBuf>,
    files: HashMap<PathBuf, Result<Value, String>>,
    /// (file, pointer) → the name it was copied to in `components/schemas`.
    hoisted: HashMap<(PathBuf, String), String>,
    copies: usize,
    problems: Vec<Diagnostic>,
}

impl Bundler {
    fn resolve(&mut self, doc: &mut Value, reference: Reference, pending: &mut Vec<Reference>) {
        let ref_at = join(&reference.at, "$ref");
        let Reference { at, target, file } = reference;
        let (path, fragment) = match self.locate(&target, file.as_deref()) {
            Ok(found) => found,
            Err(message) => return self.problems.push(Diagnostic::error(ref_at, message)),
        };
        if path == self.root_file {
            // Back into the root document: a local reference.
            super::refs::set_ref(doc, &at, format!("#{fragment}"));
            return;
        }
        let target_value = match self.part(&path, &fragment) {
            Ok(value) => value,
            Err(message) => return self.problems.push(Diagnostic::error(ref_at, message)),
        };
        if is_schema_place(&at) {
            self.hoist(doc, &at, path, fragment, target_value, pending);
            return;
        }
        self.copies += 1;
        if self.copies > MAX_COPIES {
            if self.copies == MAX_COPIES + 1 {
                self.problems.push(Diagnostic::error(
                    ref_at,
                    format!("`{target}` leads to a cycle of references between files"),
                ));
            }
            return;
        }
        if let Some(slot) = doc.pointer_mut(&at) {
            *slot = target_value;
            collect(slot, &at, Some(&path), pending);
        }
    }

    /// The file and fragment `target` names, read relative to `file` (the root when `None`),
    /// or why sdkgen will not read it.
    fn locate(&self, target: &str, file: Option<&Path>) -> Result<(PathBuf, String), String> {
        if target.contains("://") {
            return Err(format!("`{target}` is a URL, and sdkgen never fetches one: download the file and refer to it by a relative path"));
        }
        let (path_part, fragment) = target.split_once('#').unwrap_or((target, ""));
        let base = file.unwrap_or(&self.root_file);
        let path = if path_part.is_empty() {
            base.to_path_buf()
        } else {
            let relative = base.parent().unwrap_or(Path::new(".")).join(path_part);
            relative.canonicalize().map_err(|e| {
                format!(
                    "cannot read `{path_part}` (relative to `{}`): {e}",
                    name(base)
                )
            })?
        };
        if !self.allowed.iter().any(|dir| path.starts_with(dir)) {
            return Err(format!(
                "`{path_part}` is outside the spec's directory; sdkgen reads files there only when you allow their directory (`--allow-dir`)"
            ));
        }
        Ok((path, fragment.to_string()))
    }

    /// A schema from another file becomes a component (once per file and fragment), and the
    /// reference at `at` points to it.
    fn hoist(
        &mut self,
        doc: &mut Value,
        at: &str,
        path: PathBuf,
        fragment: String,
        target_value: Value,
        pending: &mut Vec<Reference>,
    ) {
        let component = at
            .strip_prefix("/components/schemas/")
            .filter(|name| !name.contains('/'));
        let key = (path.clone(), fragment.clone());
        let name = match (self.hoisted.get(&key), component) {
            (Some(name), _) => name.clone(),
            // `components/schemas/Pet: {$ref: pet.yaml}`: the schema takes Pet's place.
            (None, Some(escaped)) => {
                self.hoisted.insert(key, unescape_token(escaped));
                if let Some(slot) = doc.pointer_mut(at) {
                    *slot = target_value;
                    collect(slot, at, Some(&path), pending);
                }
                return;
            }
            (None, None) => {
                let name = free_name(doc, &path, &fragment);
                self.hoisted.insert(key, name.clone());
                let place = join("/components/schemas", &name);
                super::refs::insert_component(doc, "schemas", &name, target_value);
                let slot = doc.pointer_mut(&place).expect("inserted");
                collect(slot, &place, Some(&path), pending);
                name
            }
        };
        let reference = format!("#/components/schemas/{}", escape_token(&name));
        super::refs::set_ref(doc, at, reference);
    }

    /// The value at `fragment` in the file at `path`, read once.
    fn part(&mut self, path: &Path, fragment: &str) -> Result<Value, String> {
        let file = self.files.entry(path.to_path_buf()).or_insert_with(|| {
            let text =
                std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", name(path)))?;
            let text = String::from_utf8(text).map_err(|e| {
                format!(
                    "`{}` is not UTF-8 text (invalid byte at offset {})",
                    name(path),
                    e.utf8_error().valid_up_to()
                )
            })?;
            load::load(&text).map_err(|problems| {
                let first = &problems[0];
                let place = first
                    .position
                    .map(|(l, c)| format!(" (line {l}, column {c})"))
                    .unwrap_or_default();
                format!("in `{}`{place}: {}", name(path), first.message)
            })
        });
        let value = file.as_ref().map_err(Clone::clone)?;
        value
            .pointer(fragment)
            .cloned()
            .ok_or_else(|| format!("`{}` has nothing at `#{fragment}`", name(path)))
    }
}

fn refers_to_another_file(doc: &Value) -> bool {
    let mut stack = vec![doc];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    if !target.starts_with('#') {
                        return true;
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// Every `$ref` under `value` (at `at` in the document), to resolve as written in `file`: in
/// the root document only references to other files; in another file's part, all of them.
/// References in examples and extensions are data: never followed, their files never read.
fn collect(value: &Value, at: &str, file: Option<&Path>, out: &mut Vec<Reference>) {
    for (at, target) in super::places::refs(value, at) {
        if file.is_some() || !target.starts_with('#') {
            out.push(Reference {
                at,
                target,
                file: file.map(Path::to_path_buf),
            });
        }
    }
}

/// Whether the value at `pointer` is a schema (so a reference there is to a schema): a
/// component schema, or the `schema` of a parameter, header or media type, followed by
/// subschema keywords only (`properties/a`, `items`, `allOf/0`, ...). A key that merely looks
/// like one (`type: {not: ...}`, a property named `items`) is not a schema.
pub(crate) fn is_schema_place(pointer: &str) -> bool {
    const ONE: &[&str] = &[
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    ];
    const KEYED: &[&str] = &[
        "allOf",
        "oneOf",
        "anyOf",
        "prefixItems",
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
    ];
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let start = if tokens.len() >= 3 && tokens[0] == "components" && tokens[1] == "schemas" {
        3
    } else {
        match tokens.iter().position(|t| *t == "schema") {
            Some(i) if i > 0 => i + 1,
            _ => return false,
        }
    };
    let mut i = start;
    while i < tokens.len() {
        if ONE.contains(&tokens[i]) {
            i += 1;
        } else if KEYED.contains(&tokens[i]) && i + 1 < tokens.len() {
            i += 2;
        } else {
            return false;
        }
    }
    true
}

/// A name in `components/schemas` for a schema from another file: its own name (the last
/// token of the pointer, or the file's stem), made unique.
fn free_name(doc: &Value, path: &Path, fragment: &str) -> String {
    let base = fragment
        .rsplit('/')
        .next()
        .filter(|t| !t.is_empty())
        .map(unescape_token)
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "External".into())
        });
    super::refs::free_name(doc, &base)
}

/// A file's name for messages: never an absolute path (messages end up in CI logs).
fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_places() {
        assert!(is_schema_place("/components/schemas/Pet"));
        assert!(is_schema_place(
            "/paths/~1a/get/responses/200/content/application~1json/schema"
        ));
        assert!(is_schema_place("/components/schemas/Pet/properties/owner"));
        assert!(is_schema_place("/components/schemas/Pet/allOf/0"));
        assert!(!is_schema_place("/paths/~1pets"));
        assert!(!is_schema_place("/paths/~1pets/get/parameters/0"));
        assert!(!is_schema_place("/components/responses/NotFound"));
        assert!(is_schema_place(
            "/components/schemas/A/properties/items/items"
        ));
        assert!(is_schema_place(
            "/components/schemas/A/definitions/b/oneOf/0"
        ));
        assert!(!is_schema_place("/components/schemas/A/type/not"));
        assert!(!is_schema_place("/components/schemas/A/properties"));
        assert!(is_schema_place(
            "/webhooks/w/post/requestBody/content/a~1b/schema/not"
        ));
    }
}
