//! Stage 4's entry point: a parsed document to an [`Api`].

use openapiv3::{OpenAPI, ReferenceOr};

use super::operations::{auth_schemes, Operations, CLIENT_RESERVED};
use super::schemas::Schemas;
use super::{Api, AuthKind, BodyEncoding, Field, Method, Ty, TypeDef, TypeKind};
use crate::diagnostics::{join, Diagnostic};
use crate::naming::{Case, Namespace};

/// What lowering made, and the notes on what it loosened.
pub struct Lowered {
    pub api: Api,
    pub notes: Vec<Diagnostic>,
}

/// Lowers a document; fails with every problem found.
/// Lowers a parsed document. `webhooks` is the 3.1 `webhooks` object, which `openapiv3` does
/// not model: its payloads become models like any other schema.
pub fn lower(
    doc: &OpenAPI,
    webhooks: Option<&serde_json::Value>,
) -> Result<Lowered, Vec<Diagnostic>> {
    let empty = indexmap::IndexMap::new();
    let components = doc.components.as_ref();
    let mut schemas = Schemas::new(components.map(|c| &c.schemas).unwrap_or(&empty));
    schemas.lower_components();

    let mut notes = Vec::new();
    let mut auth = auth_schemes(components, &mut notes);
    let mut methods = Namespace::with_reserved(CLIENT_RESERVED);
    for scheme in &mut auth {
        if matches!(scheme.kind, AuthKind::ApiKey { .. }) {
            scheme.setter = methods.claim(&format!("with {}", scheme.key), Case::Snake);
        }
    }
    let mut ops = Operations {
        schemas: &mut schemas,
        components,
        auth: &auth,
        global_security: doc.security.as_ref(),
        methods,
        error_bodies: Vec::new(),
    };
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        // A `$ref` to another path's item (`#/paths/~1other`) is that item at this path.
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/paths/")
                    .map(|t| t.replace("~1", "/").replace("~0", "~"))
                    .and_then(|t| doc.paths.paths.get(&t))
                    .and_then(ReferenceOr::as_item);
                match target {
                    Some(item) => item,
                    None => {
                        ops.schemas.notes.push(Diagnostic::note(
                            join(&join("/paths", path), "$ref"),
                            format!(
                                "`{reference}` is not a path item sdkgen can find; this path is left out"
                            ),
                        ));
                        continue;
                    }
                }
            }
        };
        let methods = [
            (Method::Get, &item.get),
            (Method::Put, &item.put),
            (Method::Post, &item.post),
            (Method::Delete, &item.delete),
            (Method::Options, &item.options),
            (Method::Head, &item.head),
            (Method::Patch, &item.patch),
            (Method::Trace, &item.trace),
        ];
        for (method, op) in methods {
            if let Some(op) = op {
                operations.extend(ops.lower(path, method, item, op));
            }
        }
    }
    let error_bodies = std::mem::take(&mut ops.error_bodies);
    webhook_payloads(ops.schemas, webhooks);

    if !schemas.problems.is_empty() {
        return Err(schemas.problems);
    }
    notes.append(&mut schemas.notes);
    let mut types: Vec<TypeDef> = schemas.types.into_values().collect();
    box_recursive_fields(&mut types);

    let mut part_types: Vec<String> = operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .filter(|b| matches!(b.encoding, BodyEncoding::Form | BodyEncoding::Multipart))
        .filter_map(|b| match &b.ty {
            Ty::Named(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    part_types.sort();
    part_types.dedup();

    Ok(Lowered {
        api: Api {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            base_url: base_url(doc),
            types,
            operations,
            auth,
            error_bodies,
            uses: schemas.uses,
            part_types,
        },
        notes,
    })
}

/// The request body of each webhook is a payload the API sends to the user's server: a model
/// the user decodes. Inline payloads are named `<Webhook>Payload`.
fn webhook_payloads(schemas: &mut Schemas, webhooks: Option<&serde_json::Value>) {
    let Some(serde_json::Value::Object(webhooks)) = webhooks else {
        return;
    };
    for (name, item) in webhooks {
        let pointer = join("/webhooks", name);
        let Ok(item) = serde_json::from_value::<openapiv3::PathItem>(item.clone()) else {
            schemas.notes.push(Diagnostic::note(
                pointer,
                "this webhook is not a path item sdkgen can read; no payload type is made for it",
            ));
            continue;
        };
        for (method, op) in item.iter() {
            let Some(ReferenceOr::Item(body)) = &op.request_body else {
                continue;
            };
            for (content_type, media) in &body.content {
                if let Some(schema) = &media.schema {
                    let at = join(
                        &format!("{}/requestBody/content", join(&pointer, method)),
                        content_type,
                    );
                    schemas.lower(schema, &format!("{name} Payload"), &join(&at, "schema"));
                }
            }
        }
    }
}

/// The first server's URL, with each `{variable}` set to its default.
fn base_url(doc: &OpenAPI) -> Option<String> {
    server_url(&doc.servers)
}

/// The first of `servers`, with each `{variable}` set to its default.
pub(super) fn server_url(servers: &[openapiv3::Server]) -> Option<String> {
    let server = servers.first()?;
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    Some(url.trim_end_matches('/').to_string())
}

/// A struct that contains itself (directly, or through other structs, unions or aliases, but
/// not through a `Vec` or map, which already allocate) would have infinite size: box the
/// field that closes the loop.
fn box_recursive_fields(types: &mut [TypeDef]) {
    let index: std::collections::HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let mut boxed = Vec::new();
    for (ti, t) in types.iter().enumerate() {
        if let TypeKind::Struct(s) = &t.kind {
            for (fi, f) in s.fields.iter().enumerate() {
                if let Some(target) = inline_named(&f.ty) {
                    if reaches(types, &index, target, &t.name, &mut Vec::new()) {
                        boxed.push((ti, fi));
                    }
                }
            }
        }
    }
    for (ti, fi) in boxed {
        if let TypeKind::Struct(s) = &mut types[ti].kind {
            s.fields[fi].boxed = true;
        }
    }
}

/// The named type a field holds inline (not behind a heap pointer), if any.
fn inline_named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(n) => Some(n),
        Ty::Nullable(inner) => inline_named(inner),
        _ => None,
    }
}

fn reaches(
    types: &[TypeDef],
    index: &std::collections::HashMap<String, usize>,
    from: &str,
    target: &str,
    seen: &mut Vec<String>,
) -> bool {
    if from == target {
        return true;
    }
    if seen.iter().any(|s| s == from) {
        return false;
    }
    seen.push(from.to_string());
    let Some(&i) = index.get(from) else {
        return false;
    };
    let next: Vec<&str> = match &types[i].kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter(|f: &&Field| !f.boxed)
            .filter_map(|f| inline_named(&f.ty))
            .collect(),
        TypeKind::Untagged(vs) => vs.iter().filter_map(|v| inline_named(&v.ty)).collect(),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| inline_named(&v.ty))
            .collect(),
        TypeKind::Alias(ty) => inline_named(ty).into_iter().collect(),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Statuses(_) => Vec::new(),
    };
    next.into_iter()
        .any(|n| reaches(types, index, n, target, seen))
}
