//! Schemas to types. Component schemas keep their names (claimed before any invented one);
//! inline objects, enums and unions get names from where they stand (`Parent` + `Field`).

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{
    Additional, Docs, EnumValue, Field, Gate, IntValue, Presence, Settings, Struct, Tagged,
    TaggedVariant, Ty, TypeDef, TypeKind, Uses, Variant,
};
use crate::diagnostics::{join, unescape_token, Diagnostic, Sink};
use crate::naming::{Case, Namespace};

pub(super) const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Converts schemas, collecting the named types they need.
pub struct Schemas<'a> {
    pub(super) components: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// Component name → Rust type name.
    names: HashMap<String, String>,
    namespace: Namespace,
    pub types: BTreeMap<String, TypeDef>,
    /// Where every note of lowering goes (operations reach it through here too).
    pub sink: Sink,
    pub uses: Uses,
    /// Named types made for inline schemas, by the schema's pointer: a schema reached again
    /// (through an `allOf` that merges it into several structs) is the same type.
    inline: HashMap<String, Ty>,
    /// Inline types by what they are, to give equal ones one name.
    inline_shapes: HashMap<(TypeKind, Docs), String>,
    /// The hints each deduplicated inline type was reached with: one named for its first
    /// user is renamed for what its users share ([`Schemas::shared_names`]).
    inline_hints: BTreeMap<String, Vec<String>>,
    /// Inline schemas being lowered, by pointer: the hint they were named from, and the name
    /// reserved when one is reached again while it is lowered (an `allOf` merges a component's
    /// properties, and one of them leads back): that use refers to the type by name instead of
    /// lowering it forever.
    in_progress: HashMap<String, (String, Option<String>)>,
    /// How many inline schemas are being lowered inside each other.
    depth: usize,
    settings: Settings,
    /// The type lowered at each schema's place, when [`Settings::record_places`] asks.
    pub places: HashMap<String, SchemaType>,
}

/// Inline schemas lowered inside each other beyond this depth can only come from references
/// that `allOf` merging keeps following (the document's own nesting stops at 128, where the
/// JSON and YAML readers refuse it): the schema there becomes `serde_json::Value`.
const MAX_NESTING: usize = 128;

/// A type and whether `null` is one of its values.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaType {
    pub ty: Ty,
    pub nullable: bool,
}

impl<'a> Schemas<'a> {
    /// Claims every component's name before anything is lowered, so references resolve in any
    /// order (recursive schemas included) and spec names win over invented ones.
    pub fn new(components: &'a IndexMap<String, ReferenceOr<Schema>>, settings: Settings) -> Self {
        let mut namespace = Namespace::default();
        // A name the spec gives for SDKs (`x-speakeasy-name-override`) wins over the key.
        let names = components
            .iter()
            .map(|(k, schema)| {
                let wanted = match schema {
                    ReferenceOr::Item(s) => {
                        super::operations::name_override(&s.schema_data.extensions)
                    }
                    ReferenceOr::Reference { .. } => None,
                };
                (k.clone(), namespace.claim(wanted.unwrap_or(k), Case::Camel))
            })
            .collect();
        Schemas {
            components,
            names,
            namespace,
            types: BTreeMap::new(),
            sink: Sink::new(),
            uses: Uses::default(),
            inline: HashMap::new(),
            inline_shapes: HashMap::new(),
            inline_hints: BTreeMap::new(),
            in_progress: HashMap::new(),
            depth: 0,
            settings,
            places: HashMap::new(),
        }
    }

    /// Adds a type sdkgen invents (not a schema's), named from `hint`; returns its name.
    pub fn add_type(&mut self, hint: &str, doc: &str, kind: TypeKind) -> String {
        let docs = Docs {
            summary: Some(doc.to_string()),
            description: None,
        };
        self.insert_type(hint, docs, kind)
    }

    /// Names a new type from `hint` (unique among all types) and keeps it.
    fn insert_type(&mut self, hint: &str, docs: Docs, kind: TypeKind) -> String {
        let name = self.namespace.claim(hint, Case::Camel);
        self.insert_named(name.clone(), docs, kind);
        name
    }

    /// Keeps a type under a name already claimed.
    fn insert_named(&mut self, name: String, docs: Docs, kind: TypeKind) {
        let def = TypeDef {
            name: name.clone(),
            docs,
            kind,
            gate: Gate::new(),
            pointer: String::new(),
        };
        self.types.insert(name, def);
    }

    /// New names for inline types that several places share: named for their first user
    /// (`ReposListForOrg direction` gave `ReposListForOrgDirection`), they are named for what
    /// all their users have in common (`Direction`). Old name → new name.
    pub fn shared_names(&mut self) -> HashMap<String, String> {
        let mut renames = HashMap::new();
        for (name, hints) in &self.inline_hints {
            if hints.len() < 2 {
                continue;
            }
            let words: Vec<Vec<String>> = hints
                .iter()
                .map(|h| {
                    heck::AsSnakeCase(h)
                        .to_string()
                        .split('_')
                        .filter(|w| !w.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .collect();
            let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
            let first = &words[0];
            let from_end = |w: &Vec<String>, i: usize| w.len() - 1 - i;
            let suffix = (0..shortest)
                .take_while(|&i| {
                    words
                        .iter()
                        .all(|w| w[from_end(w, i)] == first[from_end(first, i)])
                })
                .count();
            if suffix == 0 {
                continue;
            }
            // What the users share at both ends: `IssuesList state` and `IssuesListForRepo
            // state` give `IssuesListState`; users with nothing in front give `State`.
            let prefix = (0..shortest - suffix)
                .take_while(|&i| words.iter().all(|w| w[i] == first[i]))
                .count();
            let mut chosen: Vec<&str> = first[..prefix].iter().map(String::as_str).collect();
            chosen.extend(first[first.len() - suffix..].iter().map(String::as_str));
            let wanted = chosen.join(" ");
            if crate::naming::ident(&wanted, Case::Camel) == *name {
                continue;
            }
            renames.insert(name.clone(), self.namespace.claim(&wanted, Case::Camel));
        }
        renames
    }

    /// Whether `ty` names a struct (a model with properties).
    pub fn is_struct(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(n) if matches!(self.types.get(n), Some(TypeDef { kind: TypeKind::Struct(_), .. })))
    }

    /// Lowers every component schema into a named type.
    pub fn lower_components(&mut self) {
        for (key, schema) in self.components {
            let name = self.names[key].clone();
            let pointer = join("/components/schemas", key);
            let kind = match schema {
                ReferenceOr::Reference { reference } => {
                    TypeKind::Alias(self.reference(reference, &pointer).ty)
                }
                ReferenceOr::Item(schema) => self.kind(schema, &name, &pointer),
            };
            let mut docs = match schema {
                ReferenceOr::Item(s) => docs_of(s),
                ReferenceOr::Reference { .. } => Docs::default(),
            };
            // A title that only repeats the schema's name says nothing.
            if docs
                .summary
                .as_deref()
                .is_some_and(|t| crate::naming::ident(t, Case::Camel) == name)
            {
                docs.summary = None;
            }
            let nullable = matches!(schema, ReferenceOr::Item(s) if s.schema_data.nullable);
            let lowered = SchemaType {
                ty: Ty::Named(name.clone()),
                nullable,
            };
            self.record(&pointer, &lowered);
            self.types.insert(
                name.clone(),
                TypeDef {
                    name,
                    docs,
                    kind,
                    gate: Gate::new(),
                    pointer,
                },
            );
        }
    }

    /// The type of a schema standing at `pointer`; `hint` names an inline type if one is made.
    pub fn lower(&mut self, schema: &ReferenceOr<Schema>, hint: &str, pointer: &str) -> SchemaType {
        let lowered = match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(s) => self.item(s, hint, pointer),
        };
        self.record(pointer, &lowered);
        lowered
    }

    fn lower_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> SchemaType {
        let lowered = match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(s) => self.item(s, hint, pointer),
        };
        self.record(pointer, &lowered);
        lowered
    }

    fn record(&mut self, pointer: &str, lowered: &SchemaType) {
        if self.settings.record_places {
            self.places.insert(pointer.to_string(), lowered.clone());
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> SchemaType {
        let target = reference.strip_prefix(COMPONENT_PREFIX).map(unescape_token);
        match target
            .as_deref()
            .and_then(|t| self.names.get(t).map(|n| (t, n.clone())))
        {
            Some((key, name)) => {
                // A nullable component makes every use of it nullable; the named type itself
                // is the non-null form.
                let nullable =
                    matches!(&self.components[key], ReferenceOr::Item(s) if s.schema_data.nullable);
                SchemaType {
                    ty: Ty::Named(name),
                    nullable,
                }
            }
            None if target.is_some() => {
                self.sink.push(Diagnostic::note(
                    join(pointer, "$ref"),
                    format!(
                        "`{reference}` points to a schema that does not exist; this one is \
                         generated as serde_json::Value"
                    ),
                ));
                SchemaType {
                    ty: Ty::Json,
                    nullable: false,
                }
            }
            None => {
                self.sink.push(Diagnostic::note(
                    join(pointer, "$ref"),
                    format!(
                        "`{reference}` is not a component schema; generated as serde_json::Value"
                    ),
                ));
                SchemaType {
                    ty: Ty::Json,
                    nullable: false,
                }
            }
        }
    }

    fn item(&mut self, schema: &Schema, hint: &str, pointer: &str) -> SchemaType {
        let nullable = schema.schema_data.nullable;
        // A wrapper with one branch that says what the value is (`allOf: [$ref]` made from a
        // `$ref` with siblings; `allOf: [$ref, {description}]`, how Swagger converters document
        // a reference) is that branch, null if any part says so.
        if let Some((at, branch, annotated_null)) = sole_branch(schema) {
            let inner = self.lower(branch, hint, &format!("{pointer}/{at}"));
            return SchemaType {
                ty: inner.ty,
                nullable: nullable || annotated_null || inner.nullable,
            };
        }
        if let Some(ty) = self.inline.get(pointer) {
            return SchemaType {
                ty: ty.clone(),
                nullable,
            };
        }
        if let Some((first_hint, reserved)) = self.in_progress.get(pointer) {
            let name = match reserved {
                Some(name) => name.clone(),
                None => {
                    // The name the outer use would have given it.
                    let name = self.namespace.claim(&first_hint.clone(), Case::Camel);
                    self.in_progress.insert(
                        pointer.to_string(),
                        (first_hint.clone(), Some(name.clone())),
                    );
                    name
                }
            };
            return SchemaType {
                ty: Ty::Named(name),
                nullable,
            };
        }
        if self.depth >= MAX_NESTING {
            self.sink.push(Diagnostic::note(
                pointer,
                format!(
                    "schemas here nest more than {MAX_NESTING} levels deep through references \
                     that allOf merges; this one is generated as serde_json::Value"
                ),
            ));
            return SchemaType {
                ty: Ty::Json,
                nullable,
            };
        }
        self.in_progress
            .insert(pointer.to_string(), (hint.to_string(), None));
        self.depth += 1;
        let kind = self.kind(schema, hint, pointer);
        self.depth -= 1;
        let reserved = self.in_progress.remove(pointer).and_then(|(_, name)| name);
        let docs = docs_of(schema);
        let ty = match (kind, reserved) {
            // Reached again while lowered: it must exist under the name already handed out.
            (kind, Some(name)) => {
                self.insert_named(name.clone(), docs, kind);
                Ty::Named(name)
            }
            (TypeKind::Alias(ty), None) => ty,
            (kind, None) => {
                // A spec inlined by a bundler repeats one schema wherever it is used: equal
                // inline types are one type (children were deduplicated first, bottom up).
                let key = (kind, docs);
                let name = match self.inline_shapes.get(&key) {
                    Some(name) => name.clone(),
                    None => {
                        let (kind, docs) = key.clone();
                        let name = self.insert_type(hint, docs, kind);
                        self.inline_shapes.insert(key, name.clone());
                        name
                    }
                };
                let hints = self.inline_hints.entry(name.clone()).or_default();
                if !hints.iter().any(|h| h == hint) {
                    hints.push(hint.to_string());
                }
                Ty::Named(name)
            }
        };
        if let Ty::Named(_) = ty {
            self.inline.insert(pointer.to_string(), ty.clone());
        }
        SchemaType { ty, nullable }
    }

    /// What a schema is. Scalars and lists come back as [`TypeKind::Alias`]; objects, enums
    /// and unions as the named kinds.
    fn kind(&mut self, schema: &Schema, hint: &str, pointer: &str) -> TypeKind {
        // A discriminator with a mapping and nothing else to say (Fern writes these): its
        // branches are the schemas the mapping names.
        let mapped = schema
            .schema_data
            .discriminator
            .as_ref()
            .map(mapped_branches);
        if mapped.is_some_and(|m| !m.is_empty()) && says_nothing_else(&schema.schema_kind) {
            return self.union(schema, &[], hint, &join(pointer, "oneOf"));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    let names = given_names(&schema.schema_data.extensions, values.len());
                    return TypeKind::StringEnum(named_enum_values(&values, names));
                }
                TypeKind::Alias(self.string_format(&s.format))
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().any(Option::is_some) => {
                TypeKind::IntEnum(int_values(&i.enumeration, &schema.schema_data.extensions))
            }
            SchemaKind::Type(Type::Integer(i)) => TypeKind::Alias(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                // Set by the normaliser where the bounds pass i64 (and accepted as written).
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" => Ty::U64,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "int128" => Ty::I128,
                _ => Ty::I64,
            }),
            // `format: float` too: JSON carries doubles, and an `f32` would round what the
            // server sends (a coordinate's last digits) and send the rounded value back.
            SchemaKind::Type(Type::Number(_)) => TypeKind::Alias(Ty::F64),
            SchemaKind::Type(Type::Boolean(_)) => TypeKind::Alias(Ty::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                TypeKind::Alias(self.array(a.items.as_ref(), hint, pointer))
            }
            SchemaKind::Type(Type::Object(o)) => self.object(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                None,
                hint,
                pointer,
            ),
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.union(schema, branches, hint, &join(pointer, keyword))
            }
            SchemaKind::AllOf { all_of } => self.all_of(None, all_of, hint, pointer),
            SchemaKind::Any(any) if !any.all_of.is_empty() => {
                self.all_of(Some(schema), &any.all_of, hint, pointer)
            }
            SchemaKind::Not { .. } => {
                self.sink.push(Diagnostic::note(
                    join(pointer, "not"),
                    "`not` cannot be expressed as a Rust type; generated as serde_json::Value",
                ));
                TypeKind::Alias(Ty::Json)
            }
            SchemaKind::Any(any) => self.any(schema, any, hint, pointer),
        }
    }

    fn string_format(&mut self, format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
        match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                self.uses.chrono = true;
                Ty::DateTime
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => {
                self.uses.chrono = true;
                Ty::Date
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Binary,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => {
                self.uses.uuid = true;
                Ty::Uuid
            }
            _ => Ty::String,
        }
    }

    fn array(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, hint: &str, pointer: &str) -> Ty {
        let Some(items) = items else {
            return Ty::Vec(Box::new(Ty::Json));
        };
        let item = self.lower_boxed(items, &format!("{hint} Item"), &join(pointer, "items"));
        Ty::Vec(Box::new(nullable_inner(item)))
    }

    /// A struct (or a map, with no properties). `origins` gives a property's own pointer when
    /// it was merged in from elsewhere (an `allOf` branch), so it is lowered once, as there.
    pub(super) fn object(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        origins: Option<&HashMap<String, String>>,
        hint: &str,
        pointer: &str,
    ) -> TypeKind {
        let declared = match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let v = self.lower(
                    s,
                    &format!("{hint} Value"),
                    &join(pointer, "additionalProperties"),
                );
                Some(nullable_inner(v))
            }
            // Any other property is allowed and kept, so nothing is lost on a round trip.
            Some(AdditionalProperties::Any(true)) => Some(Ty::Json),
            Some(AdditionalProperties::Any(false)) | None => None,
        };
        // Where the schema says nothing, JSON Schema allows any other property: a server newer
        // than its spec sends them, and a model that dropped them would delete them on the next
        // write of what it decoded. They are kept too, unless the settings say otherwise.
        let undeclared = additional.is_none() && self.settings.keep_unknown_fields;
        if properties.is_empty() {
            // A map, or a free-form object when nothing says what the values are.
            return TypeKind::Alias(Ty::Map(Box::new(declared.unwrap_or(Ty::Json))));
        }
        let mut fields_ns = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, prop) in properties {
            let item = match prop {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { .. } => None,
            };
            let wanted = item
                .and_then(|s| super::operations::name_override(&s.schema_data.extensions))
                .unwrap_or(wire);
            let name = fields_ns.claim(wanted, Case::Snake);
            let prop_pointer = match origins.and_then(|o| o.get(wire)) {
                Some(origin) => origin.clone(),
                None => join(&join(pointer, "properties"), wire),
            };
            let lowered = self.lower_boxed(prop, &format!("{hint} {wire}"), &prop_pointer);
            let mut docs = match prop {
                ReferenceOr::Item(s) => docs_of(s),
                ReferenceOr::Reference { .. } => Docs::default(),
            };
            // One model serves both directions: a required `readOnly` property is absent from
            // requests, a required `writeOnly` one from responses, so in Rust both are optional.
            let (read_only, write_only) = match prop {
                ReferenceOr::Item(s) => (s.schema_data.read_only, s.schema_data.write_only),
                ReferenceOr::Reference { .. } => (false, false),
            };
            let direction = match (read_only, write_only) {
                (true, _) => {
                    Some("Read-only: set by the server; left out of requests when `None`.")
                }
                (_, true) => Some("Write-only: sent in requests; servers do not return it."),
                _ => None,
            };
            if let Some(direction) = direction {
                docs.description = Some(match docs.description.take() {
                    Some(d) => format!("{d}\n\n{direction}"),
                    None => direction.to_string(),
                });
            }
            let required_both_ways = required.contains(wire) && direction.is_none();
            fields.push(Field {
                name,
                wire_name: wire.clone(),
                ty: lowered.ty,
                presence: Presence::of(required_both_ways, lowered.nullable),
                boxed: false,
                docs,
                deprecated: item.is_some_and(|s| s.schema_data.deprecated),
            });
        }
        // Claimed after the properties, so a property called `additional_properties` keeps
        // its name and the catch-all field gets a suffix.
        let additional = match declared {
            Some(ty) => Some((ty, true)),
            None => undeclared.then_some((Ty::Json, false)),
        }
        .map(|(ty, declared)| Additional {
            name: fields_ns.claim("additional_properties", Case::Snake),
            ty,
            declared,
        });
        TypeKind::Struct(Struct { fields, additional })
    }

    fn union(
        &mut self,
        owner: &Schema,
        branches: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
    ) -> TypeKind {
        let mapped = match (branches, &owner.schema_data.discriminator) {
            ([], Some(discriminator)) => {
                // A target this document cannot resolve (another file's schema) is no branch:
                // said, not guessed.
                for target in discriminator.mapping.values().filter(|t| !maps_here(t)) {
                    self.sink.push(Diagnostic::note(
                        // `pointer` is the union's `oneOf`/`anyOf`; the mapping is beside it.
                        pointer
                            .rsplit_once('/')
                            .map_or(pointer, |(owner, _)| owner)
                            .to_string()
                            + "/discriminator/mapping",
                        format!(
                            "the mapping's target `{target}` is not a schema of this document, \
                             so it is not a branch of the union"
                        ),
                    ));
                }
                mapped_branches(discriminator)
            }
            _ => Vec::new(),
        };
        let branches = match (branches, mapped.as_slice()) {
            ([], []) => {
                self.sink.push(Diagnostic::note(
                    pointer,
                    "a union with no branches (and no discriminator mapping to name them) \
                     says nothing about its values; generated as serde_json::Value",
                ));
                return TypeKind::Alias(Ty::Json);
            }
            ([], mapped) => mapped,
            (branches, _) => branches,
        };
        if branches.len() == 1 {
            return TypeKind::Alias(self.lower(&branches[0], hint, &format!("{pointer}/0")).ty);
        }
        // Strings, some of them enums (oxide spells one enum as a oneOf of one-value enums,
        // each with its own docs): one enum of every listed value, open to others.
        if let Some(values) = self.string_values(branches) {
            let values: Vec<&String> = values.iter().collect();
            return TypeKind::StringEnum(enum_values(&values));
        }
        if let Some(discriminator) = &owner.schema_data.discriminator {
            if let Some(tagged) = self.tagged(discriminator, branches, pointer) {
                return TypeKind::Tagged(tagged);
            }
        }
        let mut names = Namespace::default();
        let mut variants: Vec<Variant> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let lowered = self.lower(
                branch,
                &format!("{hint} Variant{i}"),
                &format!("{pointer}/{i}"),
            );
            let ty = nullable_inner(lowered);
            if variants.iter().any(|v| v.ty == ty) {
                continue; // the same type twice adds nothing a value could match
            }
            let name = names.claim(&variant_name(&ty), Case::Camel);
            variants.push(Variant { name, ty });
        }
        // Tried in this order (objects: the variant that knows the most of the value's keys
        // first, see the runtime's `untagged_order`): the strict ones first, so `1` is an
        // integer rather than a float and a specific struct wins over a map.
        variants.sort_by_key(|v| specificity(&v.ty));
        TypeKind::Untagged(variants)
    }

    /// The values of a union whose branches are all strings, and at least one an enum.
    fn string_values(&self, branches: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
        let mut values = Vec::new();
        let mut any_enum = false;
        for branch in branches {
            let schema = match branch {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix(COMPONENT_PREFIX)
                    .and_then(|k| self.components.get(&unescape_token(k)))
                    .and_then(ReferenceOr::as_item)?,
            };
            let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
                return None;
            };
            if !matches!(s.format, VariantOrUnknownOrEmpty::Empty) {
                return None; // a uuid or a date is a type of its own
            }
            any_enum |= !s.enumeration.is_empty();
            values.extend(s.enumeration.iter().flatten().cloned());
        }
        any_enum.then_some(values)
    }

    /// A discriminated union, when every branch is a reference to a component (the tag values
    /// name schemas). Otherwise `None`, with a note, and the union is untagged.
    fn tagged(
        &mut self,
        discriminator: &openapiv3::Discriminator,
        branches: &[ReferenceOr<Schema>],
        pointer: &str,
    ) -> Option<Tagged> {
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let ReferenceOr::Reference { reference } = branch else {
                self.sink.push(Diagnostic::note(
                    format!("{pointer}/{i}"),
                    "a discriminated union's branch is not a reference, so no tag names it; \
                     the union is decoded by shape instead",
                ));
                return None;
            };
            let ty = self.reference(reference, &format!("{pointer}/{i}")).ty;
            let key = reference
                .strip_prefix(COMPONENT_PREFIX)
                .map(unescape_token)
                .unwrap_or_default();
            let mut tags: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| *target == reference || **target == key)
                .map(|(value, _)| value.clone())
                .collect();
            if tags.is_empty() {
                tags.push(key); // the default: the schema's name
            }
            let name = names.claim(&variant_name(&ty), Case::Camel);
            variants.push(TaggedVariant { name, ty, tags });
        }
        Some(Tagged {
            property: discriminator.property_name.clone(),
            variants,
            other: names.claim("Other", Case::Camel),
        })
    }

    /// Schemas `openapiv3` could not fit into one of its typed shapes.
    fn any(
        &mut self,
        schema: &Schema,
        any: &openapiv3::AnySchema,
        hint: &str,
        pointer: &str,
    ) -> TypeKind {
        if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
            return self.object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                None,
                hint,
                pointer,
            );
        }
        if any.items.is_some() || any.typ.as_deref() == Some("array") {
            return TypeKind::Alias(self.array(any.items.as_ref(), hint, pointer));
        }
        if !any.one_of.is_empty() {
            return self.union(schema, &any.one_of, hint, &join(pointer, "oneOf"));
        }
        if !any.any_of.is_empty() {
            return self.union(schema, &any.any_of, hint, &join(pointer, "anyOf"));
        }
        // `enum` (or a `const`) without `type`: the values say what they are.
        let strings: Option<Vec<&String>> = any
            .enumeration
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Some(s),
                _ => None,
            })
            .collect();
        if let Some(values) = strings.filter(|v| !v.is_empty()) {
            return TypeKind::StringEnum(enum_values(&values));
        }
        let integers: Option<Vec<Option<i64>>> = any
            .enumeration
            .iter()
            .map(|v| v.as_i64().map(Some))
            .collect();
        if let Some(values) = integers.filter(|v| !v.is_empty()) {
            return TypeKind::IntEnum(int_values(&values, &schema.schema_data.extensions));
        }
        TypeKind::Alias(match any.typ.as_deref() {
            Some("string") => Ty::String,
            Some("integer") => Ty::I64,
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            _ => Ty::Json,
        })
    }
}

/// The schemas a discriminator's mapping names, each once, in order, as references (a bare
/// name is a component's); references to other files are left out.
fn mapped_branches(discriminator: &openapiv3::Discriminator) -> Vec<ReferenceOr<Schema>> {
    let mut references: Vec<String> = Vec::new();
    for target in discriminator.mapping.values().filter(|t| maps_here(t)) {
        let reference = if target.starts_with(COMPONENT_PREFIX) {
            target.clone()
        } else {
            format!("{COMPONENT_PREFIX}{target}")
        };
        if !references.contains(&reference) {
            references.push(reference);
        }
    }
    references
        .into_iter()
        .map(|reference| ReferenceOr::Reference { reference })
        .collect()
}

/// Whether a mapping's target names a schema of this document: `#/components/schemas/X`, or a
/// bare component name.
fn maps_here(target: &str) -> bool {
    target.starts_with(COMPONENT_PREFIX) || !target.contains(['#', '/', '.'])
}

/// A schema kind that says nothing about a value besides, perhaps, that it is an object (or
/// an empty `oneOf`/`anyOf`): what a discriminator's mapping may complete.
fn says_nothing_else(kind: &SchemaKind) -> bool {
    match kind {
        SchemaKind::OneOf { one_of: b } | SchemaKind::AnyOf { any_of: b } => b.is_empty(),
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.is_empty() && o.additional_properties.is_none()
        }
        SchemaKind::Any(a) => {
            a.properties.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty()
                && a.items.is_none()
                && a.additional_properties.is_none()
                && matches!(a.typ.as_deref(), None | Some("object"))
        }
        _ => false,
    }
}

/// The one branch of an `allOf`, `oneOf` or `anyOf` that says what a value is, when there is
/// one: its place (`allOf/1`), the branch, and whether an annotating branch says `nullable`.
/// An `allOf`'s other branches may only annotate (docs, `nullable`); a `oneOf`/`anyOf` must
/// have one branch, since there an empty branch would allow any value.
fn sole_branch(schema: &Schema) -> Option<(String, &ReferenceOr<Schema>, bool)> {
    let (keyword, branches) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => ("allOf", all_of),
        SchemaKind::OneOf { one_of } if one_of.len() == 1 => ("oneOf", one_of),
        SchemaKind::AnyOf { any_of } if any_of.len() == 1 => ("anyOf", any_of),
        _ => return None,
    };
    let annotation = |b: &ReferenceOr<Schema>| match b {
        ReferenceOr::Item(s) => super::compose::is_annotation(s).then_some(s.schema_data.nullable),
        ReferenceOr::Reference { .. } => None,
    };
    let mut typed = branches
        .iter()
        .enumerate()
        .filter(|(_, b)| annotation(b).is_none());
    let (i, branch) = typed.next()?;
    if typed.next().is_some() {
        return None;
    }
    let nullable = branches.iter().filter_map(annotation).any(|n| n);
    Some((format!("{keyword}/{i}"), branch, nullable))
}

/// In a list or map, nullability is part of the item type.
fn nullable_inner(l: SchemaType) -> Ty {
    if l.nullable && l.ty != Ty::Json {
        Ty::Nullable(Box::new(l.ty))
    } else {
        l.ty
    }
}

/// Variant names for integer values: the spec's own (`x-enum-varnames`, `x-enumNames`) when
/// it gives one per value, else `V1`, `VMinus1`.
fn int_values(
    values: &[Option<i64>],
    extensions: &IndexMap<String, serde_json::Value>,
) -> Vec<IntValue> {
    let values: Vec<i64> = {
        let mut seen = std::collections::HashSet::new();
        values
            .iter()
            .flatten()
            .copied()
            .filter(|v| seen.insert(*v))
            .collect()
    };
    let given = given_names(extensions, values.len());
    let mut names = Namespace::with_reserved(&["Unknown"]);
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let fallback = if value < 0 {
                format!("VMinus{}", value.unsigned_abs())
            } else {
                format!("V{value}")
            };
            let wanted = given.as_ref().map_or(fallback.as_str(), |g| g[i]);
            IntValue {
                name: names.claim(wanted, Case::Camel),
                value,
            }
        })
        .collect()
}

/// The variant names a spec gives its enum values (`x-enum-varnames`, `x-enumNames`), when it
/// gives one per value.
fn given_names(
    extensions: &IndexMap<String, serde_json::Value>,
    count: usize,
) -> Option<Vec<&str>> {
    ["x-enum-varnames", "x-enumNames"]
        .iter()
        .find_map(|k| extensions.get(*k)?.as_array())
        .and_then(|names| names.iter().map(|n| n.as_str()).collect::<Option<Vec<_>>>())
        .filter(|names| names.len() == count)
}

fn enum_values(values: &[&String]) -> Vec<EnumValue> {
    named_enum_values(values, None)
}

/// String enum variants: named as the spec says (one name per value, duplicates of a value
/// skipped with theirs), else from the values.
fn named_enum_values(values: &[&String], given: Option<Vec<&str>>) -> Vec<EnumValue> {
    let mut names = Namespace::with_reserved(&["Unknown"]);
    let mut seen = std::collections::HashSet::new();
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| seen.insert(v.as_str()))
        .map(|(i, v)| EnumValue {
            name: names.claim(given.as_ref().map_or(v.as_str(), |g| g[i]), Case::Camel),
            wire: (*v).clone(),
        })
        .collect()
}

pub fn variant_name(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::I32 | Ty::I64 | Ty::U64 | Ty::I128 => "Integer".into(),
        Ty::F64 => "Number".into(),
        Ty::Bool => "Boolean".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Binary => "File".into(),
        Ty::Json => "Json".into(),
        Ty::Vec(inner) => format!("{}List", variant_name(inner)),
        Ty::Map(inner) => format!("{}Map", variant_name(inner)),
        Ty::Nullable(inner) => variant_name(inner),
        Ty::Named(n) => n.clone(),
    }
}

/// Lower decodes first. Formats that are strings with a shape (a UUID, a date) come before
/// plain strings; integers before floats; anything before a free-form value.
fn specificity(ty: &Ty) -> u8 {
    match ty {
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::I128 | Ty::Uuid | Ty::DateTime | Ty::Date => 0,
        Ty::F64 => 1,
        Ty::Named(_) | Ty::Vec(_) | Ty::Nullable(_) => 2,
        Ty::String | Ty::Binary => 3,
        Ty::Map(_) => 4,
        Ty::Json => 5,
    }
}

/// A schema's title and description; where it has none, those of an `allOf` branch that only
/// annotates (`allOf: [$ref, {description}]` documents the reference that way).
pub fn docs_of(schema: &Schema) -> Docs {
    let data = &schema.schema_data;
    let annotation = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if data.title.is_none() && data.description.is_none() => {
            all_of.iter().find_map(|b| match b {
                ReferenceOr::Item(s) if super::compose::is_annotation(s) => Some(&s.schema_data),
                _ => None,
            })
        }
        _ => None,
    };
    let data = annotation.unwrap_or(data);
    Docs {
        summary: data.title.clone(),
        description: data.description.clone(),
    }
}
