//! The example harness: every example a document gives (request and response bodies,
//! parameters, schemas), each with the Rust type the SDK reads it as, and a program that
//! decodes each one with the generated types and encodes it back.
//!
//! Not part of a user's SDK: the corpus runs (`examples/corpus.rs`, `examples/apis_guru.rs`)
//! write the program as a crate beside the SDK, validate each example against its schema
//! (vendors' examples are sometimes wrong), and hold the SDK to the valid ones.

mod calls;
mod cases;
mod program;
mod schema;

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostics::SpecError;
use crate::ir::{self, PlaceType};
use crate::{Options, Source};

pub use calls::calls_crate_files;
pub use cases::{Case, Kind};
pub use program::crate_files;

/// A document's examples and what the SDK makes of it.
pub struct Harness {
    pub cases: Vec<Case>,
    /// The SDK's types, to name each case's type and to tell which tag features it needs.
    pub api: ir::Api,
    /// The normalised document with its schemas in JSON Schema 2020-12 terms (`nullable`
    /// spelled as a `null` type, `readOnly`/`writeOnly` properties not required), for a
    /// validator to resolve each case's `schema` pointer in.
    pub document: Value,
    /// Each of `api.types` by name, for the lookups of [`Harness::decodable`] (once per case).
    types_by_name: HashMap<String, usize>,
}

/// Reads the document as [`crate::generate`] does and gathers its examples.
pub fn collect(source: &Source, options: &Options) -> Result<Harness, SpecError> {
    let doc = crate::spec::read_with(source, &options.allowed_dirs)?;
    let settings = ir::Settings {
        keep_unknown_fields: options.keep_unknown_fields,
        record_places: true,
    };
    let lowered = ir::lower(&doc.openapi, &doc.webhooks, settings)
        .map_err(|diagnostics| source.refuse(diagnostics))?;
    let mut api = lowered.api;
    if !options.only_tags.is_empty() {
        ir::select(&mut api, &options.only_tags)
            .map_err(|message| source.refuse(vec![crate::Diagnostic::error("/tags", message)]))?;
    }
    let places: HashMap<String, PlaceType> = lowered.places;
    let cases = cases::gather(&doc.json, &places);
    let types_by_name = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    Ok(Harness {
        cases,
        types_by_name,
        api,
        document: schema::json_schema_view(doc.json),
    })
}
