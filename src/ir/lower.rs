//! Stage 4's entry point: a parsed document to an [`Api`].

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr};

use super::operations::{auth_schemes, Operations, CLIENT_RESERVED};
use super::schemas::Schemas;
use super::{Api, AuthKind, BodyEncoding, Method, Ty, TypeDef, TypeKind};
use super::{PlaceType, Settings};
use crate::diagnostics::{join, Diagnostic, Sink};
use crate::naming::{Case, Namespace};

/// What lowering made, and the notes on what it loosened.
pub struct Lowered {
    pub api: Api,
    pub notes: Vec<Diagnostic>,
    /// The type of the schema at each place (JSON pointer), when [`Settings::record_places`]
    /// asked for them; empty otherwise.
    pub places: HashMap<String, PlaceType>,
}

/// Lowers a parsed document; fails with every problem found. `webhooks` is the 3.1 `webhooks` object, which `openapiv3` does
/// not model: its payloads become models like any other schema.
pub fn lower(
    doc: &OpenAPI,
    webhooks: Option<&serde_json::Value>,
    settings: Settings,
) -> Result<Lowered, Vec<Diagnostic>> {
    let empty = indexmap::IndexMap::new();
    let components = doc.components.as_ref();
    let mut schemas = Schemas::new(components.map(|c| &c.schemas).unwrap_or(&empty), settings);
    schemas.lower_components();

    let mut auth = auth_schemes(components, &mut schemas.sink);
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
        left_out: Vec::new(),
    };
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        // A `$ref` to another path's item (`#/paths/~1other`) is that item at this path.
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/paths/")
                    .map(crate::diagnostics::unescape_token)
                    .and_then(|t| doc.paths.paths.get(&t))
                    .and_then(ReferenceOr::as_item);
                match target {
                    Some(item) => item,
                    None => {
                        ops.schemas.sink.note(
                            join(&join("/paths", path), "$ref"),
                            format!(
                                "`{reference}` is not a path item sdkgen can find; this path is left out"
                            ),
                        );
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
    // Operations are left out one by one; a document that keeps none has no SDK to give.
    if operations.is_empty() && !ops.left_out.is_empty() {
        // The reasons, not the notes on them: each operation's note says the same.
        let reasons = std::mem::take(&mut ops.left_out);
        let _ = schemas.sink.finish();
        return Err(reasons);
    }
    webhook_payloads(ops.schemas, webhooks);
    let mut sink = schemas.sink;
    let places = schemas.places;
    let mut types: Vec<TypeDef> = schemas.types.into_values().collect();
    break_alias_cycles(&mut types, &mut sink);
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

    let mut api = Api {
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
        features: Vec::new(),
    };
    super::features::assign(&mut api);
    super::features::drop_unknown_fields_of_sent_types(&mut api);
    let notes = sink.finish()?;
    Ok(Lowered { api, notes, places })
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
            schemas.sink.note(
                pointer,
                "this webhook is not a path item sdkgen can read; no payload type is made for it",
            );
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
/// not through a `Vec` or map, which already allocate) would have infinite size: box each
/// field whose type leads back to its struct, i.e. lies in the struct's strongly connected
/// component of the "holds inline" graph. Linear in types and fields, so a chain of 5,000
/// schemas each holding the one before costs no more than 5,000 unrelated ones.
fn box_recursive_fields(types: &mut [TypeDef]) {
    let (index, edges) = type_graph(types, inline_targets);
    let component = strongly_connected(&edges);
    for (ti, t) in types.iter_mut().enumerate() {
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                if let Some(&target) = inline_named(&f.ty).and_then(|n| index.get(n)) {
                    f.boxed = component[target] == component[ti];
                }
            }
        }
    }
}

/// Type aliases that refer back to themselves (`A: {$ref: A}`, `A: {items: {$ref: A}}`), which
/// Rust rejects. A cycle of bare references constrains nothing: each becomes any JSON value, with
/// a note. A list or map that contains itself becomes a tuple struct, which Rust allows.
fn break_alias_cycles(types: &mut [TypeDef], sink: &mut Sink) {
    let (_, edges) = type_graph(types, |kind| {
        let mut named = Vec::new();
        if let TypeKind::Alias(ty) = kind {
            super::features::named(ty, &mut named);
        }
        named
    });
    let component = strongly_connected(&edges);
    let mut size: HashMap<usize, usize> = HashMap::new();
    for c in &component {
        *size.entry(*c).or_default() += 1;
    }
    let cyclic = |i: usize| size[&component[i]] > 1 || edges[i].contains(&i);
    for (i, t) in types.iter_mut().enumerate() {
        if !cyclic(i) {
            continue;
        }
        let TypeKind::Alias(ty) = &t.kind else {
            continue;
        };
        if inline_named(ty).is_some() {
            sink.note(
                t.pointer.clone(),
                format!(
                    "`{}` only refers to itself through `$ref`s, which constrains nothing: it is any JSON value",
                    t.name
                ),
            );
            t.kind = TypeKind::Alias(Ty::Json);
        } else {
            t.kind = TypeKind::Newtype(ty.clone());
        }
    }
}

/// Each type's index by name, and the edges `targets` gives between types, as indexes.
fn type_graph(
    types: &[TypeDef],
    targets: impl Fn(&TypeKind) -> Vec<&str>,
) -> (HashMap<String, usize>, Vec<Vec<usize>>) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let edges = types
        .iter()
        .map(|t| {
            targets(&t.kind)
                .into_iter()
                .filter_map(|n| index.get(n).copied())
                .collect()
        })
        .collect();
    (index, edges)
}

/// The named types a type holds inline.
fn inline_targets(kind: &TypeKind) -> Vec<&str> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| inline_named(&f.ty))
            .collect(),
        TypeKind::Untagged(vs) => vs.iter().filter_map(|v| inline_named(&v.ty)).collect(),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| inline_named(&v.ty))
            .collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => inline_named(ty).into_iter().collect(),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Statuses(_) => Vec::new(),
    }
}

/// Tarjan's strongly connected components, iteratively (a recursive walk would overflow the
/// stack on a long chain of references). Returns each node's component number.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let mut component = vec![UNSEEN; n];
    let (mut next, mut components) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, i)) = work.last() {
            if let Some(&w) = edges[v].get(i) {
                work.last_mut().expect("not empty").1 += 1;
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(u, _)) = work.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

/// The named type a field holds inline (not behind a heap pointer), if any.
fn inline_named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(n) => Some(n),
        Ty::Nullable(inner) => inline_named(inner),
        _ => None,
    }
}
