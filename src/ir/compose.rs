//! `allOf`: every branch holds at once, so object branches merge into one struct.
//!
//! Branches are flattened first: a `$ref` to a component that is itself an `allOf`, an `allOf`
//! inside a branch, and an object schema that has `allOf` beside its own `properties` all
//! contribute their parts. Branches that only annotate (`{description: ...}`) add nothing. A
//! property defined twice merges when one definition refines the other (a `string` and the
//! same string with an `enum`; the same schema with other docs); a real conflict is a note and
//! the property becomes `serde_json::Value`.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, Type};

use super::intersect::{self, Contradiction, Meet};
use super::schemas::{Schemas, COMPONENT_PREFIX};
use super::{Ty, TypeKind};
use crate::diagnostics::unescape_token;
use crate::diagnostics::{join, Diagnostic};

/// How deep `allOf` may nest (through references included) before it is given up on; real
/// specs stay under five, and a cycle is caught earlier by the reference check.
const MAX_DEPTH: usize = 32;

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// What one flattened branch contributes.
enum Piece<'s> {
    /// Properties, required names, additional properties.
    Object {
        properties: &'s Properties,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
        pointer: String,
    },
    /// A branch that is not an object: a reference to one, or a schema of another kind.
    Other {
        schema: &'s ReferenceOr<Schema>,
        pointer: String,
    },
}

impl<'a> Schemas<'a> {
    /// The type of `allOf: branches` (plus the object part of `owner`, when the schema holding
    /// the `allOf` also has properties of its own).
    pub(super) fn all_of(
        &mut self,
        owner: Option<&Schema>,
        branches: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
    ) -> TypeKind {
        let mut pieces = Vec::new();
        let mut seen = Vec::new();
        if let Some(own) = owner.and_then(object_part) {
            pieces.push(own.at(pointer));
        }
        let all_of_pointer = join(pointer, "allOf");
        for (i, branch) in branches.iter().enumerate() {
            self.flatten(
                branch,
                &format!("{all_of_pointer}/{i}"),
                &mut pieces,
                &mut seen,
                0,
            );
        }
        let objects: Vec<&Piece> = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Object { .. }))
            .collect();
        let others: Vec<&Piece> = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Other { .. }))
            .collect();
        match (others.as_slice(), objects.is_empty()) {
            ([], true) => TypeKind::Alias(Ty::Json), // only annotations: any value
            ([], false) => self.merge_objects(&objects, hint, pointer),
            ([Piece::Other { schema, pointer }], _)
                if objects.iter().all(|o| o.properties_len() == 0) =>
            {
                // One typed branch, the rest annotations or `required` lists: that type.
                let (schema, pointer) = (*schema, pointer.clone());
                TypeKind::Alias(self.lower(schema, hint, &pointer).ty)
            }
            _ => {
                // Several typed branches and no properties: one type if each refines the
                // last (`string` and `string` with `minLength`).
                if objects.iter().all(|o| o.properties_len() == 0) {
                    if let Some(merged) = self.merge_others(&others) {
                        let at = join(pointer, "allOf");
                        return TypeKind::Alias(self.lower(&merged, hint, &at).ty);
                    }
                }
                let first = others
                    .iter()
                    .find_map(|p| match p {
                        Piece::Other { pointer, .. } => Some(pointer.clone()),
                        Piece::Object { .. } => None,
                    })
                    .unwrap_or_else(|| pointer.to_string());
                self.sink.push(Diagnostic::note(
                    first,
                    "this allOf branch is not an object, so the branches cannot merge into one \
                     struct; the type is serde_json::Value",
                ));
                TypeKind::Alias(Ty::Json)
            }
        }
    }

    fn flatten<'s>(
        &self,
        branch: &'s ReferenceOr<Schema>,
        pointer: &str,
        pieces: &mut Vec<Piece<'s>>,
        seen: &mut Vec<String>,
        depth: usize,
    ) where
        'a: 's,
    {
        let other = || Piece::Other {
            schema: branch,
            pointer: pointer.to_string(),
        };
        if depth > MAX_DEPTH {
            pieces.push(other());
            return;
        }
        let (schema, pointer) = match branch {
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix(COMPONENT_PREFIX).map(unescape_token);
                let target = key.as_ref().and_then(|k| self.components.get(k));
                match (key, target) {
                    (Some(key), Some(ReferenceOr::Item(schema))) if !seen.contains(&key) => {
                        seen.push(key.clone());
                        (schema, join("/components/schemas", &key))
                    }
                    _ => {
                        pieces.push(other());
                        return;
                    }
                }
            }
            ReferenceOr::Item(schema) => (schema, pointer.to_string()),
        };
        let nested = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => Some(all_of),
            SchemaKind::Any(any) if !any.all_of.is_empty() => Some(&any.all_of),
            _ => None,
        };
        if let Some(nested) = nested {
            if let Some(own) = object_part(schema) {
                pieces.push(own.at(&pointer));
            }
            let nested_pointer = join(&pointer, "allOf");
            for (i, b) in nested.iter().enumerate() {
                self.flatten(b, &format!("{nested_pointer}/{i}"), pieces, seen, depth + 1);
            }
        } else if let Some(own) = object_part(schema) {
            pieces.push(own.at(&pointer));
        } else if !is_annotation(schema) {
            pieces.push(other());
        }
    }

    fn merge_objects(&mut self, objects: &[&Piece], hint: &str, pointer: &str) -> TypeKind {
        let mut properties: Properties = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional: Option<AdditionalProperties> = None;
        let mut origins: HashMap<String, String> = HashMap::new();
        for piece in objects {
            let Piece::Object {
                properties: props,
                required: req,
                additional: add,
                pointer: piece_pointer,
            } = piece
            else {
                continue;
            };
            for (name, schema) in props.iter() {
                let origin = join(&join(piece_pointer, "properties"), name);
                let Some(existing) = properties.get(name) else {
                    origins.insert(name.clone(), origin);
                    properties.insert(name.clone(), schema.clone());
                    continue;
                };
                // A definition kept as written is lowered once, where it was written; a merged
                // one is new, so it is lowered here.
                let merged = match self.merge_property(existing, schema) {
                    Ok((Meet::First, merged)) => merged,
                    Ok((Meet::Second, merged)) => {
                        origins.insert(name.clone(), origin);
                        merged
                    }
                    Ok((Meet::New(_), merged)) => {
                        origins.remove(name);
                        merged
                    }
                    Err(contradiction) => {
                        let at = match contradiction.path.as_str() {
                            "" => String::new(),
                            path => format!(" (at `{name}/{path}`)"),
                        };
                        self.sink.push(Diagnostic::note(
                            origin,
                            format!(
                                "allOf branches define property `{name}` in conflicting ways: \
                                 {}{at}, so no value fits both; it is generated as \
                                 serde_json::Value",
                                contradiction.reason
                            ),
                        ));
                        origins.remove(name);
                        ReferenceOr::Item(Box::new(any_value()))
                    }
                };
                properties.insert(name.clone(), merged);
            }
            for r in req.iter() {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
            // A map's value schema, or "anything else is kept", from whichever branch says so;
            // `false` in one branch does not undo what another allows.
            match (add, &additional) {
                (Some(a @ AdditionalProperties::Schema(_)), _) => additional = Some((*a).clone()),
                (Some(AdditionalProperties::Any(true)), None) => {
                    additional = Some(AdditionalProperties::Any(true))
                }
                _ => {}
            }
        }
        self.object(
            &properties,
            &required,
            additional.as_ref(),
            Some(&origins),
            hint,
            pointer,
        )
    }

    /// One definition for a property that two branches define: their intersection (see
    /// [`intersect`]), or what contradicts.
    fn merge_property(
        &self,
        a: &ReferenceOr<Box<Schema>>,
        b: &ReferenceOr<Box<Schema>>,
    ) -> Result<(Meet, ReferenceOr<Box<Schema>>), Contradiction> {
        let resolve = |reference: &str| {
            let key = unescape_token(reference.strip_prefix(COMPONENT_PREFIX)?);
            serde_json::to_value(self.components.get(&key)?).ok()
        };
        let as_json = |s: &ReferenceOr<Box<Schema>>| serde_json::to_value(s).unwrap_or_default();
        let meet = intersect::meet(&as_json(a), &as_json(b), &resolve)?;
        let schema = match &meet {
            Meet::First => a.clone(),
            Meet::Second => b.clone(),
            Meet::New(merged) => serde_json::from_value::<Schema>(merged.clone())
                .map(|s| ReferenceOr::Item(Box::new(s)))
                .map_err(|e| Contradiction {
                    path: String::new(),
                    reason: format!("the merged schema is not one OpenAPI 3.0 can hold ({e})"),
                })?,
        };
        Ok((meet, schema))
    }

    /// The typed branches folded into one schema, when each refines the ones before.
    fn merge_others(&self, others: &[&Piece]) -> Option<ReferenceOr<Schema>> {
        let boxed = |p: &Piece| match p {
            Piece::Other { schema, .. } => Some(match schema {
                ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s.clone())),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            }),
            Piece::Object { .. } => None,
        };
        let mut merged = boxed(others.first()?)?;
        for other in &others[1..] {
            merged = self.merge_property(&merged, &boxed(other)?).ok()?.1;
        }
        Some(match merged {
            ReferenceOr::Item(s) => ReferenceOr::Item(*s),
            ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        })
    }
}

impl Piece<'_> {
    fn properties_len(&self) -> usize {
        match self {
            Piece::Object { properties, .. } => properties.len(),
            Piece::Other { .. } => 0,
        }
    }
}

/// The object part of a schema: its properties, required names and additional properties.
struct ObjectPart<'s> {
    properties: &'s Properties,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
}

impl<'s> ObjectPart<'s> {
    fn at(self, pointer: &str) -> Piece<'s> {
        Piece::Object {
            properties: self.properties,
            required: self.required,
            additional: self.additional,
            pointer: pointer.to_string(),
        }
    }
}

fn object_part(schema: &Schema) -> Option<ObjectPart<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(ObjectPart {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        }),
        SchemaKind::Any(a)
            if (a.typ.is_none() || a.typ.as_deref() == Some("object"))
                && (a.typ.is_some()
                    || !a.properties.is_empty()
                    || !a.required.is_empty()
                    || a.additional_properties.is_some()) =>
        {
            Some(ObjectPart {
                properties: &a.properties,
                required: &a.required,
                additional: a.additional_properties.as_ref(),
            })
        }
        _ => None,
    }
}

/// A schema that says nothing about the value's type (only docs, `nullable`, an example).
pub(super) fn is_annotation(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}

fn any_value() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Any(AnySchema::default()),
    }
}
