//! Lenient by default: the classes of real documents that other tools accept and sdkgen once
//! refused or crashed on, one fixture each (`tests/fixtures/<class>.yaml`, compiled with clippy
//! and rustdoc by `compile.rs`). Each test states what users rely on, and snapshots the models
//! and notes so that a change to either is read, not waved through.

use sdkgen::{generate, Generated, Options, Severity, Source, SpecError};

fn options(strict: bool) -> Options {
    Options {
        crate_name: "fixture".into(),
        extra_derives: Vec::new(),
        tag_features: true,
        allowed_dirs: Vec::new(),
        only_tags: Vec::new(),
        strict,
        keep_unknown_fields: true,
    }
}

/// A fixture read from its file, as the CLI does: a reference to another file would be read.
fn fixture(name: &str) -> Source {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    Source::from_path(std::path::Path::new(&path)).unwrap()
}

fn lenient(name: &str) -> Generated {
    generate(&fixture(name), &options(false)).unwrap_or_else(|e| panic!("{e}"))
}

fn strict(name: &str) -> SpecError {
    match generate(&fixture(name), &options(true)) {
        Ok(_) => panic!("{name} generated under --strict"),
        Err(e) => e,
    }
}

/// The notes, one a line, with their places; then the `types` module.
fn notes_and_types(generated: &Generated) -> String {
    let notes: Vec<String> = generated
        .notes
        .iter()
        .filter(|n| n.severity == Severity::Note)
        .map(|n| n.to_string().replace(env!("CARGO_MANIFEST_DIR"), ""))
        .collect();
    let file = syn::parse_file(&generated.code()).unwrap();
    let types = file
        .items
        .into_iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"))
        .expect("a types module");
    format!(
        "{}\n\n{}",
        notes.join("\n"),
        prettyplease::unparse(&syn::parse_quote!(#types))
    )
}

fn has_note(generated: &Generated, pointer: &str, text: &str) -> bool {
    generated
        .notes
        .iter()
        .any(|n| n.pointer == pointer && n.message.contains(text))
}

/// Class 1: a property that refers back to its schema through `allOf` with a sibling, and the
/// same cycle through oneOf, anyOf, items and additionalProperties, generate (once a stack
/// overflow) and refer to themselves by name.
#[test]
fn cycles_through_all_of_refer_to_themselves() {
    let generated = lenient("ref-cycles");
    let code = &generated.code();
    for field in [
        "pub not: ::std::option::Option<::std::boxed::Box<Expression>>",
        "pub and: ::std::option::Option<::std::vec::Vec<Expression>>",
        "pub child: ::std::option::Option<::std::boxed::Box<ExtendedChild>>",
        "pub sections: ::std::option::Option<OutlineSections>",
    ] {
        assert!(code.contains(field), "{field} in\n{code}");
    }
    // The description on the sibling documents the field.
    assert!(code.contains("/// The expression to negate."));
    insta::assert_snapshot!(notes_and_types(&generated));
}

/// Class 2: references into properties, items, branches, nested `definitions`, other
/// operations' responses and parameters, callbacks and path items, and chains of them.
#[test]
fn references_to_any_place_resolve_once_and_are_reused() {
    let generated = lenient("ref-pointers");
    let api = &generated.api;
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    for hoisted in [
        "AccountOwner",
        "Kind",
        "ChannelVariant0",
        "MonsterActionsItem",
    ] {
        assert!(names.contains(&hoisted), "{hoisted} in {names:?}");
    }
    // The nested definition is one type, used by both its references.
    assert!(!names.iter().any(|n| n.starts_with("Kind2")), "{names:?}");
    let get_click = api
        .operations
        .iter()
        .find(|o| o.name == "get_click")
        .unwrap();
    let params: Vec<&str> = get_click
        .params
        .iter()
        .map(|p| p.wire_name.as_str())
        .collect();
    assert_eq!(params, ["id", "limit"]);
    assert_eq!(get_click.errors.len(), 1, "the 401 reached through a chain");
    // A path item by reference is the item it names.
    assert!(api
        .operations
        .iter()
        .any(|o| o.path == "/clicks-alias" && o.name != "list_clicks"));
    insta::assert_snapshot!(notes_and_types(&generated));
}

/// Class 3: integers past 64 bits load, and bounds past i64 pick the type that holds them.
#[test]
fn integers_past_64_bits_pick_the_type_that_holds_them() {
    let generated = lenient("big-integers");
    let code = &generated.code();
    for field in [
        "pub signed: ::std::option::Option<i64>",
        "pub unsigned: ::std::option::Option<u64>",
        "pub wide: ::std::option::Option<i128>",
        "pub huge: ::std::option::Option<f64>",
        "pub half: ::std::option::Option<i64>",
        "pub id: ::std::option::Option<i64>",
    ] {
        assert!(code.contains(field), "{field} in\n{code}");
    }
    let counters = "/components/schemas/Counters/properties";
    assert!(has_note(
        &generated,
        &format!("{counters}/unsigned"),
        "generated as u64"
    ));
    assert!(has_note(
        &generated,
        &format!("{counters}/wide"),
        "generated as i128"
    ));
    insta::assert_snapshot!(notes_and_types(&generated));
}

/// Class 4: examples, extensions and defaults are never resolved, so references in them to
/// files that do not exist open no file; constraints of the wrong type are read as meant.
#[test]
fn parts_that_never_reach_the_code_are_never_a_reason_to_refuse() {
    let generated = lenient("data-parts");
    assert!(generated.files.is_empty(), "{:?}", generated.files);
    assert!(generated
        .code()
        .contains("pub example: ::std::option::Option<Sample>"));
    assert!(has_note(
        &generated,
        "/components/schemas/Video/properties/timecode/pattern",
        "read as `\"0\"`"
    ));
    insta::assert_snapshot!(notes_and_types(&generated));
}

/// Class 5: rule breaks that do not change the code are notes, and the document an SDK.
#[test]
fn rule_breaks_are_notes_and_an_sdk() {
    let generated = lenient("rule-breaks");
    let api = &generated.api;
    assert_eq!(api.version, "0.0.0");
    let names: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["search"], "the unreadable operation is left out");
    let search = &api.operations[0];
    let params: Vec<(&str, bool)> = search
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.required))
        .collect();
    assert_eq!(params, [("term", true), ("page", true)]);
    assert_eq!(search.errors.len(), 1, "the schema is the 400's body");
    let schemes: Vec<&str> = api.auth.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(schemes, ["token"]);
    assert!(
        generated.code().contains("page: &str"),
        "{}",
        generated.code()
    );
    insta::assert_snapshot!(notes_and_types(&generated));
}

/// `--strict` refuses the same document, each note an error at the same place.
#[test]
fn strict_turns_every_note_into_an_error() {
    let generated = lenient("rule-breaks");
    let error = strict("rule-breaks");
    let notes: Vec<(&str, Option<(usize, usize)>)> = generated
        .notes
        .iter()
        .map(|n| (n.pointer.as_str(), n.position))
        .collect();
    let mut errors: Vec<(&str, Option<(usize, usize)>)> = error
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Error);
            (d.pointer.as_str(), d.position)
        })
        .collect();
    let mut notes_sorted = notes.clone();
    notes_sorted.sort();
    errors.sort();
    assert_eq!(errors, notes_sorted);
    // A document with nothing loosened generates under --strict too.
    assert!(generate(&Source::embedded(), &options(true)).is_ok());
}

/// Class 6: 3.1 keywords apply inside `anyOf: [X, {type: 'null'}]`, as Pydantic writes
/// `Optional[conint(gt=0)]`, and beside `additionalProperties: false`.
#[test]
fn json_schema_2020_keywords_apply_in_every_position() {
    let generated = lenient("json-schema-2020");
    let code = &generated.code();
    for field in [
        "pub count: super::runtime::Nullable<i64>",
        "pub ratio: super::runtime::Nullable<f64>",
    ] {
        assert!(code.contains(field), "{field} in\n{code}");
    }
    insta::assert_snapshot!(notes_and_types(&generated));
}

/// An unreadable schema is reported once, at its own place, and nowhere else.
#[test]
fn the_error_search_reports_only_the_place_that_is_wrong() {
    let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      additionalProperties: false\n      properties:\n        n:\n          anyOf:\n            - {type: integer, exclusiveMinimum: 0}\n            - {type: 'null'}\n        bad: {type: 7}\n";
    let source = Source::named("api.yaml", yaml);
    let error = generate(&source, &options(true)).unwrap_err();
    let places: Vec<&str> = error
        .diagnostics
        .iter()
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(places, ["/components/schemas/A/properties/bad"], "{error}");
    let generated = generate(&source, &options(false)).unwrap();
    assert!(generated
        .code()
        .contains("pub n: super::runtime::Nullable<i64>"));
}

/// Class 7: descriptions written as HTML give doc comments clippy accepts (`compile.rs`
/// builds the fixture with `-D warnings`); a line under a list item is indented into it.
#[test]
fn html_descriptions_keep_their_lines_inside_list_items() {
    let generated = lenient("docs-html");
    assert!(
        generated
            .code()
            .contains("///   <br/><br/>Pagination is by cursor."),
        "{}",
        generated.code()
    );
}
