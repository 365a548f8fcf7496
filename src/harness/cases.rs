//! Finding the examples: where a document gives them, and the schema each must match.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::diagnostics::join;
use crate::ir::PlaceType;

/// What an example stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A request body (`requestBody/content/<type>/example(s)`).
    Request,
    /// A response body.
    Response,
    /// A parameter's value.
    Parameter,
    /// A schema's own `example` or `examples`.
    Schema,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Parameter => "parameter",
            Kind::Schema => "schema",
        }
    }
}

/// One example.
#[derive(Debug, Clone)]
pub struct Case {
    /// Where the example is: the JSON pointer of its value (of the `$ref` to it, for an entry
    /// of `components/examples`).
    pub id: String,
    pub kind: Kind,
    pub value: Value,
    /// The pointer of the schema it is an instance of, where it is in the document: through
    /// the `$ref`s on the way (a parameter or response that refers to `components`).
    pub schema: String,
    /// The type the SDK reads at that schema's place; `None` where it reads none (a media type
    /// other than the one the operation decodes, a schema `allOf` merged into another).
    pub ty: Option<PlaceType>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every example of the (normalised) document, in document order, then the schemas' own.
pub fn gather(doc: &Value, places: &HashMap<String, PlaceType>) -> Vec<Case> {
    let mut gatherer = Gatherer {
        doc,
        places,
        cases: Vec::new(),
    };
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_at = join("/paths", path);
            gatherer.parameters(item, &item_at);
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    gatherer.operation(op, &join(&item_at, method));
                }
            }
        }
    }
    let mut schema_places: Vec<&String> = places.keys().collect();
    schema_places.sort();
    for at in schema_places {
        if let Some(schema) = doc.pointer(at).and_then(Value::as_object) {
            gatherer.schema_examples(schema, at);
        }
    }
    gatherer.cases
}

struct Gatherer<'d> {
    doc: &'d Value,
    places: &'d HashMap<String, PlaceType>,
    cases: Vec<Case>,
}

impl<'d> Gatherer<'d> {
    fn operation(&mut self, op: &'d Value, at: &str) {
        self.parameters(op, at);
        let body_at = join(at, "requestBody");
        if let Some(body) = op.get("requestBody").map(|b| self.resolve(b)) {
            self.content(body, &body_at, Kind::Request);
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                let response = self.resolve(response);
                self.content(
                    response,
                    &join(&join(at, "responses"), status),
                    Kind::Response,
                );
            }
        }
    }

    fn parameters(&mut self, owner: &'d Value, at: &str) {
        let Some(params) = owner.get("parameters").and_then(Value::as_array) else {
            return;
        };
        for (i, param) in params.iter().enumerate() {
            let param_at = format!("{at}/parameters/{i}");
            let param = self.resolve(param);
            let schema = join(&param_at, "schema");
            self.media_examples(param, &param_at, &schema, Kind::Parameter);
        }
    }

    /// The JSON media types of a request body or response.
    fn content(&mut self, owner: &'d Value, at: &str, kind: Kind) {
        let Some(content) = owner.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media_type, media) in content {
            if !crate::ir::is_json_media(media_type) {
                continue;
            }
            let media_at = join(&join(at, "content"), media_type);
            let schema = join(&media_at, "schema");
            self.media_examples(media, &media_at, &schema, kind);
        }
    }

    /// `example` and `examples` (a map of Example objects, or of `$ref`s to them) of a media
    /// type or parameter.
    fn media_examples(&mut self, owner: &'d Value, at: &str, schema: &str, kind: Kind) {
        if let Some(value) = owner.get("example") {
            self.push(join(at, "example"), kind, value.clone(), schema);
        }
        let Some(examples) = owner.get("examples").and_then(Value::as_object) else {
            return;
        };
        for (name, example) in examples {
            let example = self.resolve(example);
            // `externalValue` points outside the document: never fetched.
            if let Some(value) = example.get("value") {
                let id = join(&join(at, "examples"), name);
                self.push(id, kind, value.clone(), schema);
            }
        }
    }

    /// A schema's `example`, or its 3.1 `examples` (the list normalisation keeps beside the
    /// `example` it makes of the first).
    fn schema_examples(&mut self, schema: &Map<String, Value>, at: &str) {
        match schema.get("examples") {
            Some(Value::Array(values)) => {
                for (i, value) in values.iter().enumerate() {
                    self.push(
                        format!("{at}/examples/{i}"),
                        Kind::Schema,
                        value.clone(),
                        at,
                    );
                }
            }
            _ => {
                if let Some(value) = schema.get("example") {
                    self.push(join(at, "example"), Kind::Schema, value.clone(), at);
                }
            }
        }
    }

    /// A case whose schema is at `schema` as the operation sees it: where lowering recorded
    /// its type, which may lie past a `$ref` (`/paths/~1x/get/parameters/0/schema` for a
    /// parameter that refers to `components/parameters`).
    fn push(&mut self, id: String, kind: Kind, value: Value, schema: &str) {
        self.cases.push(Case {
            id,
            kind,
            value,
            schema: self
                .through_refs(schema)
                .unwrap_or_else(|| schema.to_string()),
            ty: self.places.get(schema).cloned(),
        });
    }

    /// The pointer as it is in the document: each `$ref` met on the way down replaced by its
    /// target (the last value itself is not followed: a schema may be a `$ref`).
    fn through_refs(&self, pointer: &str) -> Option<String> {
        let mut at = String::new();
        for token in pointer.split('/').skip(1) {
            for _ in 0..16 {
                let value = self.doc.pointer(&at)?;
                let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                    break;
                };
                at = target.strip_prefix('#')?.to_string();
            }
            at.push('/');
            at.push_str(token);
        }
        self.doc.pointer(&at).map(|_| at)
    }

    /// Follows local `$ref`s (a chain of at most a few) to what they point to.
    fn resolve(&self, mut value: &'d Value) -> &'d Value {
        for _ in 0..16 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            match reference
                .strip_prefix('#')
                .and_then(|pointer| self.doc.pointer(pointer))
            {
                Some(target) => value = target,
                None => return value,
            }
        }
        value
    }
}
