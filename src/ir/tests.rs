//! Lowering decisions stated directly on the IR: a small document in, assertions on what
//! emission will read. Snapshots show the code; these say which choice made it.

use super::*;

/// Lowers a YAML document as `generate` does, up to the IR. Panics on a refused document.
fn lower_str(yaml: &str) -> Api {
    let source = crate::Source::named("test.yaml", yaml);
    let doc = crate::spec::read(&source).unwrap_or_else(|e| panic!("{e}"));
    lower(&doc.openapi, &doc.webhooks, Settings::default())
        .unwrap_or_else(|e| panic!("{e:?}"))
        .api
}

fn ty<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type `{name}` in {:?}", names(api)))
}

fn names(api: &Api) -> Vec<&str> {
    api.types.iter().map(|t| t.name.as_str()).collect()
}

fn fields(def: &TypeDef) -> &[Field] {
    match &def.kind {
        TypeKind::Struct(s) => &s.fields,
        other => panic!("`{}` is not a struct: {other:?}", def.name),
    }
}

fn field<'a>(def: &'a TypeDef, wire: &str) -> &'a Field {
    fields(def)
        .iter()
        .find(|f| f.wire_name == wire)
        .unwrap_or_else(|| panic!("no field `{wire}` in `{}`", def.name))
}

fn operation<'a>(api: &'a Api, name: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|op| op.name == name)
        .unwrap_or_else(|| panic!("no operation `{name}`"))
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

/// The four shapes of a field, however the spec spells nullability: 3.0's `nullable`, 3.1's
/// type array, an `anyOf` with `null`, a `$ref` with a `nullable` sibling.
#[test]
fn presence_is_decided_by_required_and_nullable_whatever_the_spelling() {
    let api = lower_str(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Tag: {{type: string, enum: [a, b]}}\n    Pet:\n      type: object\n      required: [id, owner, nick]\n      properties:\n        id: {{type: integer}}\n        owner: {{type: [string, 'null']}}\n        nick: {{anyOf: [{{type: string}}, {{type: 'null'}}]}}\n        tag: {{$ref: '#/components/schemas/Tag'}}\n        note: {{type: string, nullable: true}}\n        kind: {{allOf: [{{$ref: '#/components/schemas/Tag'}}], nullable: true}}\n"
    ));
    let pet = ty(&api, "Pet");
    assert_eq!(field(pet, "id").presence, Presence::Required);
    assert_eq!(field(pet, "id").ty, Ty::I64);
    assert_eq!(field(pet, "owner").presence, Presence::RequiredNullable);
    assert_eq!(field(pet, "nick").presence, Presence::RequiredNullable);
    assert_eq!(field(pet, "tag").presence, Presence::Optional);
    assert_eq!(field(pet, "tag").ty, Ty::Named("Tag".into()));
    assert_eq!(field(pet, "note").presence, Presence::OptionalNullable);
    assert_eq!(field(pet, "kind").presence, Presence::OptionalNullable);
    assert_eq!(field(pet, "kind").ty, Ty::Named("Tag".into()));
}

/// Names clash-free in every scope: component names win over invented ones, operations that
/// differ only in case get distinct methods, and wire names are kept.
#[test]
fn names_are_claimed_once_and_keep_their_wire_names() {
    let api = lower_str(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getUser\n      responses: {{'204': {{description: ok}}}}\n  /b:\n    get:\n      operationId: get_user\n      responses: {{'204': {{description: ok}}}}\n  /c:\n    get:\n      operationId: new\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        type: {{type: string}}\n        userId: {{type: string}}\n        user_id: {{type: string}}\n"
    ));
    let ops: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(ops.len(), 3);
    assert!(ops.contains(&"get_user"), "{ops:?}");
    assert!(
        ops.iter().all(|o| *o != "new"),
        "`new` is the client's own: {ops:?}"
    );
    let unique: std::collections::BTreeSet<&&str> = ops.iter().collect();
    assert_eq!(unique.len(), 3, "{ops:?}");

    let thing = ty(&api, "Thing");
    let rust: Vec<&str> = fields(thing).iter().map(|f| f.name.as_str()).collect();
    let wire: Vec<&str> = fields(thing).iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(wire, ["type", "userId", "user_id"]);
    assert_ne!(rust[0], "type", "a keyword is not a field name");
    assert_ne!(rust[1], rust[2], "{rust:?}");
}

/// A discriminator makes a tagged union told by the property, with a variant for tags a
/// newer server sends; without one, an untagged union.
#[test]
fn unions_are_tagged_by_their_discriminator_or_untagged() {
    let api = lower_str(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Cat: {{type: object, required: [kind], properties: {{kind: {{type: string}}, purrs: {{type: boolean}}}}}}\n    Dog: {{type: object, required: [kind], properties: {{kind: {{type: string}}, barks: {{type: boolean}}}}}}\n    Pet:\n      oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}]\n      discriminator:\n        propertyName: kind\n        mapping: {{cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}\n    Either:\n      oneOf: [{{type: string}}, {{type: integer}}]\n"
    ));
    let TypeKind::Tagged(pet) = &ty(&api, "Pet").kind else {
        panic!("Pet: {:?}", ty(&api, "Pet").kind);
    };
    assert_eq!(pet.property, "kind");
    let tags: Vec<(&str, Vec<&str>)> = pet
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.tags.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(tags, [("Cat", vec!["cat"]), ("Dog", vec!["dog"])]);
    assert!(!pet.other.is_empty());

    let TypeKind::Untagged(either) = &ty(&api, "Either").kind else {
        panic!("Either: {:?}", ty(&api, "Either").kind);
    };
    let tys: Vec<&Ty> = either.iter().map(|v| &v.ty).collect();
    assert_eq!(tys.len(), 2);
    assert!(
        tys.contains(&&Ty::String) && tys.contains(&&Ty::I64),
        "{tys:?}"
    );
}

/// Each tag is a feature; an operation is gated by its tags, a model by the operations that
/// use it. What no operation uses has features of its own: a webhook's payload and what it
/// holds `webhooks` (with any operation's gate where one shares it), any other model
/// `unreferenced-models`.
#[test]
fn tags_gate_operations_and_the_models_they_use() {
    let api = lower_str(&format!(
        "{HEAD}tags: [{{name: pets}}, {{name: Store Admin}}]\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      tags: [pets]\n      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}\n  /orders:\n    get:\n      operationId: listOrders\n      tags: [Store Admin]\n      responses: {{'204': {{description: ok}}}}\nwebhooks:\n  petBorn:\n    post:\n      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Birth'}}}}}}}}\n      responses: {{'200': {{description: ok}}}}\ncomponents:\n  schemas:\n    Pet: {{type: object, properties: {{name: {{type: string}}}}}}\n    Birth: {{type: object, properties: {{pet: {{$ref: '#/components/schemas/Pet'}}, at: {{$ref: '#/components/schemas/When'}}}}}}\n    When: {{type: object, properties: {{day: {{type: string}}}}}}\n    Unused: {{type: object, properties: {{x: {{$ref: '#/components/schemas/When'}}}}}}\n"
    ));
    let features: Vec<(&str, &str)> = api
        .features
        .iter()
        .map(|f| (f.tag.as_str(), f.name.as_str()))
        .collect();
    assert_eq!(features, [("pets", "pets"), ("Store Admin", "store-admin")]);
    assert_eq!(operation(&api, "list_pets").gate, ["pets"]);
    assert_eq!(operation(&api, "list_orders").gate, ["store-admin"]);
    assert_eq!(ty(&api, "Pet").gate, ["pets", "webhooks"]);
    assert_eq!(ty(&api, "Birth").gate, ["webhooks"]);
    assert_eq!(ty(&api, "When").gate, ["unreferenced-models", "webhooks"]);
    assert_eq!(ty(&api, "Unused").gate, ["unreferenced-models"]);
    let features: Vec<&str> = crate::ir::model_features(&api)
        .iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(features, ["webhooks", "unreferenced-models"]);
}

/// 2xx statuses with one body type decode into it; with different ones, into a named enum of
/// statuses. Documented errors get typed bodies; a `4XX` range stays a range.
#[test]
fn statuses_decide_the_success_type_and_the_typed_errors() {
    let api = lower_str(&format!(
        "{HEAD}paths:\n  /same:\n    get:\n      operationId: same\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n        '201': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n  /different:\n    get:\n      operationId: different\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n        '202': {{description: later, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Job'}}}}}}}}\n        '404': {{description: no, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Problem'}}}}}}}}\n        4XX: {{description: bad, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Problem'}}}}}}}}\ncomponents:\n  schemas:\n    Pet: {{type: object, properties: {{name: {{type: string}}}}}}\n    Job: {{type: object, properties: {{id: {{type: string}}}}}}\n    Problem: {{type: object, properties: {{title: {{type: string}}}}}}\n"
    ));
    assert_eq!(
        operation(&api, "same").success,
        Success::Json(Ty::Named("Pet".into()))
    );
    let Success::Statuses(name) = &operation(&api, "different").success else {
        panic!("{:?}", operation(&api, "different").success);
    };
    let TypeKind::Statuses(variants) = &ty(&api, name).kind else {
        panic!("{:?}", ty(&api, name).kind);
    };
    let statuses: Vec<StatusMatch> = variants.iter().map(|v| v.status).collect();
    assert_eq!(statuses, [StatusMatch::Code(200), StatusMatch::Code(202)]);

    let errors = &operation(&api, "different").errors;
    let matched: Vec<StatusMatch> = errors.iter().map(|e| e.status).collect();
    assert_eq!(matched, [StatusMatch::Code(404), StatusMatch::Range(4)]);
    // One error type, one variant of the SDK's error body.
    assert_eq!(errors[0].body, errors[1].body);
    assert_eq!(
        api.error_bodies[errors[0].body].ty,
        Ty::Named("Problem".into())
    );
}

/// A component whose name holds `/` or `~` is referred to with the pointer's escapes
/// (`~1`, `~0`); parameters, bodies and responses resolve through them like schemas.
#[test]
fn references_to_components_undo_the_pointer_escapes() {
    let api = lower_str(&format!(
        "{HEAD}paths:\n  /pets:\n    post:\n      operationId: addPet\n      parameters: [{{$ref: '#/components/parameters/per~1page'}}]\n      requestBody: {{$ref: '#/components/requestBodies/new~0pet'}}\n      responses:\n        '200': {{$ref: '#/components/responses/pet~1ok'}}\ncomponents:\n  parameters:\n    per/page: {{name: per_page, in: query, schema: {{type: integer}}}}\n  requestBodies:\n    new~pet: {{required: true, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n  responses:\n    pet/ok: {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n  schemas:\n    Pet: {{type: object, properties: {{name: {{type: string}}}}}}\n"
    ));
    let op = operation(&api, "add_pet");
    let params: Vec<&str> = op.params.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(params, ["per_page"]);
    assert_eq!(
        op.body.as_ref().map(|b| &b.ty),
        Some(&Ty::Named("Pet".into()))
    );
    assert_eq!(op.success, Success::Json(Ty::Named("Pet".into())));
}

/// Response headers become one typed struct per operation: `Content-Type` is the body's, a
/// name repeated in another case is one header, and a header that cannot be typed is left out
/// with a note at its place.
#[test]
fn response_headers_are_typed_and_what_cannot_be_is_a_note() {
    let yaml = r##"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /x:
    get:
      operationId: getX
      responses:
        '200':
          description: ok
          headers:
            X-Count: {schema: {type: integer}}
            Content-Type: {schema: {type: string}}
            "Bad Name": {schema: {type: string}}
            X-Gone: {$ref: '#/components/headers/missing'}
        '201':
          description: created
          headers:
            x-count: {schema: {type: string}}
            Location: {schema: {type: string}}
"##;
    let generated = crate::generate(
        &crate::Source::named("test.yaml", yaml),
        &crate::Options::default(),
    )
    .unwrap();
    let api = &generated.api;
    let op = &api.operations[0];
    let headers = op.headers.as_deref().expect("a headers type");
    let TypeKind::Headers(fields) = &ty(api, headers).kind else {
        panic!("`{headers}` is not a headers type");
    };
    let wire: Vec<(&str, &Ty)> = fields
        .iter()
        .map(|f| (f.wire_name.as_str(), &f.ty))
        .collect();
    assert_eq!(
        wire,
        [("X-Count", &Ty::I64), ("Location", &Ty::String)],
        "the first declaration of a name wins, in any case"
    );
    let notes: Vec<(&str, &str)> = generated
        .notes
        .iter()
        .map(|n| (n.pointer.as_str(), n.message.as_str()))
        .collect();
    assert!(
        notes.iter().any(
            |(at, message)| *at == "/paths/~1x/get/responses/200/headers/Bad Name"
                && message.contains("not a valid HTTP header name")
        ),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(
            |(at, message)| *at == "/paths/~1x/get/responses/200/headers/X-Gone/$ref"
                && message.contains("left out of the typed headers")
        ),
        "{notes:?}"
    );
}

/// `x-rust-type` names a type in a crate the SDK does not depend on; trusting it would give
/// code that does not build, so the schema is generated as if the extension were absent.
#[test]
fn x_rust_type_is_not_trusted() {
    let api = lower_str(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Money:\n      type: object\n      x-rust-type: {{crate: rust_decimal, version: '1', path: rust_decimal::Decimal}}\n      properties:\n        amount: {{type: string}}\n"
    ));
    let money = ty(&api, "Money");
    assert_eq!(field(money, "amount").ty, Ty::String);
}

/// Each paging rule, on the fixture that holds one operation per scheme: found by the rule
/// named, and an operation no rule matches has none.
#[test]
fn lists_page_by_the_first_rule_that_matches() {
    let source = crate::Source::from_path(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/paging.yaml"
    )))
    .unwrap();
    let generated = crate::generate(&source, &crate::Options::default()).unwrap();
    let api = &generated.api;
    let scheme = |name: &str| operation(api, name).paging.as_ref().map(|p| &p.scheme);
    assert_eq!(
        scheme("project_list"),
        Some(&PagingScheme::Cursor {
            param: "page_token".into(),
            next: "/next_page".into()
        })
    );
    assert_eq!(scheme("issues_list_for_repo"), Some(&PagingScheme::Link));
    assert_eq!(
        scheme("get_customers"),
        Some(&PagingScheme::After {
            param: "starting_after".into(),
            items: "/data".into(),
            has_more: "/has_more".into()
        })
    );
    assert_eq!(
        scheme("list_events"),
        Some(&PagingScheme::Cursor {
            param: "cursor".into(),
            next: "/meta/next_cursor".into()
        })
    );
    assert!(
        matches!(scheme("list_songs"), Some(PagingScheme::Offset { total: Some(t), .. }) if t == "/total")
    );
    assert!(
        matches!(scheme("list_albums"), Some(PagingScheme::Page { last: Some(l), first: 1, .. }) if l == "/total_pages")
    );
    assert_eq!(
        scheme("list_tickets"),
        Some(&PagingScheme::Cursor {
            param: "after".into(),
            next: "/paging/next".into()
        })
    );
    assert_eq!(
        scheme("list_notes"),
        Some(&PagingScheme::Cursor {
            param: "starting_from".into(),
            next: "/next".into()
        })
    );
    // A declared extension that names a parameter the operation lacks: a note, no paging.
    assert_eq!(scheme("list_widgets"), None);
    let note = generated
        .notes
        .iter()
        .find(|n| n.pointer == "/paths/~1widgets/get/x-fern-pagination")
        .expect("a note at the extension");
    assert!(note.message.contains("cannot follow"), "{}", note.message);
    // A `token` parameter and a list, but no next cursor: no rule, no guess.
    assert_eq!(scheme("list_things"), None);
}

/// An operation with events streams its schema's type, JSON or text or whole events, and
/// knows the body's `stream` flag; a sender's name is taken from its own builder's
/// parameters only.
#[test]
fn event_streams_and_sender_names() {
    let api = lower_str(&format!(
        "{HEAD}paths:\n  /a:\n    post:\n      operationId: chat\n      parameters:\n        - {{name: stream, in: query, schema: {{type: string}}}}\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                stream: {{type: boolean}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json: {{schema: {{type: object}}}}\n            text/event-stream: {{schema: {{type: string}}}}\n  /b:\n    get:\n      operationId: plain\n      parameters:\n        - {{name: stream, in: query, schema: {{type: string}}}}\n        - {{name: items, in: query, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok}}\n"
    ));
    let chat = operation(&api, "chat");
    let events = chat.events.as_ref().expect("events");
    assert_eq!(events.item, Ty::String);
    assert_eq!(events.decode, EventDecode::Text);
    assert_eq!(events.flag, Some(("stream".into(), Presence::Optional)));
    // The JSON answer stays what `.await` gives.
    assert!(matches!(chat.success, Success::Json(_)));
    // The setter of a `stream` parameter gives way to the sender, only where there is one.
    assert_eq!(chat.params[0].name, "stream_2");
    let plain = operation(&api, "plain");
    let names: Vec<&str> = plain.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["stream", "items"]);
}

/// A discriminator with no `oneOf` takes its branches from `mapping`; a target in another file
/// is no branch, and a note says so at the mapping.
#[test]
fn a_mapping_only_union_takes_local_targets_and_notes_the_others() {
    let yaml = r##"
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Cat: {type: object, properties: {kind: {type: string}}}
    Dog: {type: object, properties: {kind: {type: string}, barks: {type: boolean}}}
    Pet:
      oneOf: []
      discriminator:
        propertyName: kind
        mapping: {cat: Cat, dog: "#/components/schemas/Dog", fish: "fish.yaml#/Fish"}
"##;
    let source = crate::Source::named("test.yaml", yaml);
    let generated = crate::generate(&source, &crate::Options::default()).unwrap();
    let TypeKind::Tagged(tagged) = &ty(&generated.api, "Pet").kind else {
        panic!("`Pet` is not a tagged union");
    };
    let tags: Vec<&[String]> = tagged.variants.iter().map(|v| v.tags.as_slice()).collect();
    assert_eq!(tags, [["cat".to_string()], ["dog".to_string()]]);
    assert!(
        generated.notes.iter().any(|n| n.pointer
            == "/components/schemas/Pet/discriminator/mapping"
            && n.message
                .contains("`fish.yaml#/Fish` is not a schema of this document")),
        "{:?}",
        generated.notes
    );
}
