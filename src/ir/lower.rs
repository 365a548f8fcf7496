//! Stage 4's entry point: a parsed document to an [`Api`].

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr};

use super::cycles::{box_recursive_fields, break_alias_cycles};
use super::operations::{
    auth_schemes, server_url, Operations, BUILDER_MODULE_RESERVED, CLIENT_RESERVED,
};
use super::schemas::Schemas;
use super::{Api, AuthKind, BodyEncoding, Method, Ty, TypeDef};
use super::{PlaceType, Settings};
use crate::diagnostics::{join, Diagnostic};
use crate::naming::{Case, Namespace};
use crate::spec::Webhooks;

/// What lowering made, and the notes on what it loosened.
pub struct Lowered {
    pub api: Api,
    pub notes: Vec<Diagnostic>,
    /// The type of the schema at each place (JSON pointer), when [`Settings::record_places`]
    /// asked for them; empty otherwise.
    pub places: HashMap<String, PlaceType>,
}

/// Lowers a parsed document; fails with every problem found. `webhooks` is the 3.1
/// `webhooks` object, which `openapiv3` does not model: its payloads become models like any
/// other schema.
pub fn lower(
    doc: &OpenAPI,
    webhooks: &Webhooks,
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
        builders: Namespace::with_reserved(BUILDER_MODULE_RESERVED),
        error_bodies: Vec::new(),
        left_out: Vec::new(),
        idempotency_headers: super::operations::idempotency_headers(&doc.extensions),
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
    let mut webhook_types = webhook_payloads(ops.schemas, webhooks);
    let renames = schemas.shared_names();
    let mut sink = schemas.sink;
    let mut places = schemas.places;
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
        webhook_types: Vec::new(),
    };
    webhook_types.sort();
    webhook_types.dedup();
    api.webhook_types = webhook_types;
    super::rename::rename_types(&mut api, &renames);
    for place in places.values_mut() {
        super::rename::rename_in(&mut place.ty, &renames);
    }
    super::features::assign(&mut api);
    super::features::drop_unknown_fields_of_sent_types(&mut api);
    let notes = sink.finish()?;
    Ok(Lowered { api, notes, places })
}

/// The request body of each webhook is a payload the API sends to the user's server: a model
/// the user decodes. Inline payloads are named `<Webhook>Payload`. Returns the payloads' named
/// types.
fn webhook_payloads(schemas: &mut Schemas, webhooks: &Webhooks) -> Vec<String> {
    let mut roots = Vec::new();
    for (name, item) in webhooks {
        let pointer = join("/webhooks", name);
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
                    let payload =
                        schemas.lower(schema, &format!("{name} Payload"), &join(&at, "schema"));
                    let mut named = Vec::new();
                    super::features::named(&payload.ty, &mut named);
                    roots.extend(named.into_iter().map(str::to_string));
                }
            }
        }
    }
    roots
}

/// The first server's URL, with each `{variable}` set to its default.
fn base_url(doc: &OpenAPI) -> Option<String> {
    server_url(&doc.servers)
}
