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
use serde_json::Value;

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
                let merged = match properties.get(name) {
                    None => schema.clone(),
                    Some(existing) => match self.merge_property(existing, schema) {
                        Some(merged) => merged,
                        None => {
                            self.sink.push(Diagnostic::note(
                                join(&join(piece_pointer, "properties"), name),
                                format!(
                                    "allOf branches define property `{name}` in conflicting ways; \
                                     it is generated as serde_json::Value"
                                ),
                            ));
                            ReferenceOr::Item(Box::new(any_value()))
                        }
                    },
                };
                let origin = join(&join(piece_pointer, "properties"), name);
                // A merged definition is new, so it is lowered here; an unchanged one is
                // lowered once, where it was written.
                if properties.contains_key(name) {
                    origins.remove(name);
                } else {
                    origins.insert(name.clone(), origin);
                }
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

    /// One definition for a property that two branches define, or `None` when they conflict.
    /// Refinements merge: the same type with other docs; a type and the same type narrowed to
    /// an `enum` or given a `format` (two enums: the values both allow).
    fn merge_property(
        &self,
        a: &ReferenceOr<Box<Schema>>,
        b: &ReferenceOr<Box<Schema>>,
    ) -> Option<ReferenceOr<Box<Schema>>> {
        self.merge_property_within(a, b, MAX_DEPTH)
    }

    /// [`Self::merge_property`], following lists of lists at most `depth` deep: two lists whose
    /// items refer back to them (`A: {items: {$ref: A}}`) would be followed forever.
    fn merge_property_within(
        &self,
        a: &ReferenceOr<Box<Schema>>,
        b: &ReferenceOr<Box<Schema>>,
        depth: usize,
    ) -> Option<ReferenceOr<Box<Schema>>> {
        if a == b {
            return Some(a.clone());
        }
        let depth = depth.checked_sub(1)?;
        let (sa, sb) = (self.resolve_boxed(a)?, self.resolve_boxed(b)?);
        if is_annotation(sb) {
            return Some(a.clone());
        }
        if is_annotation(sa) || is_free_object(sa) && is_object(sb, b) {
            return Some(b.clone());
        }
        if is_free_object(sb) && is_object(sa, a) {
            return Some(a.clone());
        }
        // Two lists: the list of the merged items (`object` items refined to `Station`).
        if let (SchemaKind::Type(Type::Array(x)), SchemaKind::Type(Type::Array(y))) =
            (&sa.schema_kind, &sb.schema_kind)
        {
            let items = match (&x.items, &y.items) {
                (None, other) | (other, None) => other.clone(),
                (Some(i), Some(j)) => Some(self.merge_property_within(i, j, depth)?),
            };
            let mut merged = sb.clone();
            if let SchemaKind::Type(Type::Array(m)) = &mut merged.schema_kind {
                m.items = items;
            }
            return Some(ReferenceOr::Item(Box::new(merged)));
        }
        let (mut va, mut vb) = (shape(sa), shape(sb));
        if va == vb {
            // The same type: keep the docs of the later, more specific branch when it has any.
            let b_has_docs = sb.schema_data.description.is_some();
            return Some(if b_has_docs { b.clone() } else { a.clone() });
        }
        let (ea, eb) = (take(&mut va, "enum"), take(&mut vb, "enum"));
        let (fa, fb) = (take(&mut va, "format"), take(&mut vb, "format"));
        if va != vb || (fa.is_some() && fb.is_some() && fa != fb) {
            return None;
        }
        // The narrower one, with the other's format if it lacks one.
        let mut merged =
            serde_json::to_value(if eb.is_some() || ea.is_none() { sb } else { sa }).ok()?;
        if let (Some(Value::Array(x)), Some(Value::Array(y))) = (&ea, &eb) {
            let both: Vec<Value> = x.iter().filter(|v| y.contains(v)).cloned().collect();
            if both.is_empty() {
                return None;
            }
            merged["enum"] = Value::Array(both);
        }
        if let Some(format) = fa.or(fb) {
            merged["format"] = format;
        }
        serde_json::from_value::<Schema>(merged)
            .ok()
            .map(|s| ReferenceOr::Item(Box::new(s)))
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
            merged = self.merge_property(&merged, &boxed(other)?)?;
        }
        Some(match merged {
            ReferenceOr::Item(s) => ReferenceOr::Item(*s),
            ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        })
    }

    fn resolve_boxed<'s>(&self, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix(COMPONENT_PREFIX)
                .and_then(|k| self.components.get(&unescape_token(k)))
                .and_then(ReferenceOr::as_item),
        }
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

/// `type: object` and nothing else: any object, which every object schema refines.
fn is_free_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.is_empty()
                && matches!(
                    o.additional_properties,
                    None | Some(AdditionalProperties::Any(true))
                )
        }
        SchemaKind::Any(a) => {
            a.typ.as_deref() == Some("object")
                && a.properties.is_empty()
                && a.all_of.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
        }
        _ => false,
    }
}

/// Whether a schema describes objects: an object schema, a composition, or a reference.
fn is_object(schema: &Schema, original: &ReferenceOr<Box<Schema>>) -> bool {
    matches!(original, ReferenceOr::Reference { .. })
        || object_part(schema).is_some()
        || matches!(
            schema.schema_kind,
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
        )
        || matches!(&schema.schema_kind, SchemaKind::Any(a) if !a.all_of.is_empty())
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

/// A schema without its documentation and the checks that do not change its Rust type, to
/// compare two definitions' types.
fn shape(schema: &Schema) -> Value {
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    for key in [
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "externalDocs",
        "readOnly",
        "writeOnly",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    ] {
        take(&mut value, key);
    }
    value
}

fn take(value: &mut Value, key: &str) -> Option<Value> {
    value.as_object_mut().and_then(|m| m.shift_remove(key))
}
