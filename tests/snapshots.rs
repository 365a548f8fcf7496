//! Snapshots of generated code: each model and the operation of the embedded spec, the
//! normalised document, and one small fixture per nullable case and format.

use sdkgen::{generate, Options, Source};

fn source(name: &str, text: &str) -> Source {
    Source::named(name, text)
}

fn generate_code(src: &Source) -> String {
    let options = Options {
        crate_name: "fixture".into(),
        tag_features: true,
        ..Options::default()
    };
    generate(src, &options)
        .unwrap_or_else(|e| panic!("{e}"))
        .code()
}

fn fixture(name: &str) -> Source {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    Source::from_path(std::path::Path::new(&path)).unwrap()
}

/// The item named `name` in the generated file (in the root or in `types`), formatted alone.
fn item(code: &str, name: &str) -> String {
    let file = syn::parse_file(code).expect("generated code parses");
    let mut found = Vec::new();
    collect(&file.items, name, &mut found);
    assert!(!found.is_empty(), "no item `{name}` in the generated code");
    found.join("\n")
}

fn collect(items: &[syn::Item], name: &str, found: &mut Vec<String>) {
    let one = |item: syn::Item| unparse_item(&item);
    // An operation's method comes with its request builder: the struct and its impls.
    let builder = heck::AsUpperCamelCase(name).to_string();
    let is_builder = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == builder));
    for item in items {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        syn::Item::Struct(s) if s.ident == builder => found.push(one(item.clone())),
                        syn::Item::Impl(i) if is_builder(&i.self_ty) => {
                            found.push(one(item.clone()))
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Struct(s) if s.ident == name => found.push(one(item.clone())),
            syn::Item::Enum(e) if e.ident == name => found.push(one(item.clone())),
            syn::Item::Type(t) if t.ident == name => found.push(one(item.clone())),
            // A runtime macro's impls for the type (`impl_deserialize!(Name { .. })`).
            syn::Item::Macro(m)
                if m.mac.tokens.clone().into_iter().next().is_some_and(
                    |t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == name),
                ) =>
            {
                found.push(one(item.clone()))
            }
            // `types`, and the files of a crate split by features, inline.
            syn::Item::Mod(m) if m.ident != "runtime" => {
                if let Some((_, items)) = &m.content {
                    collect(items, name, found);
                }
            }
            syn::Item::Impl(i) => {
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member {
                        if f.sig.ident == name {
                            found.push(prettyplease::unparse(&syn::parse_quote!(#f)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The generated `types` module alone.
fn types_module(code: &str) -> String {
    let file = syn::parse_file(code).unwrap();
    let types = file
        .items
        .into_iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"))
        .expect("a types module");
    unparse_item(&types)
}

fn unparse_item(item: &syn::Item) -> String {
    prettyplease::unparse(&syn::parse_quote!(#item))
}

fn modbox() -> String {
    generate_code(&source("modbox.yaml", sdkgen::EMBEDDED_SPEC))
}

#[test]
fn modbox_models_and_operation() {
    let code = modbox();
    for name in [
        "SandboxImageUpdate",
        "SandboxImageDetail",
        "HttpValidationError",
        "ValidationError",
        "ValidationErrorLocItems",
        "update_sandbox_image",
    ] {
        insta::assert_snapshot!(name, item(&code, name));
    }
}

#[test]
fn modbox_normalised_document() {
    let mut json = sdkgen::spec::load::load(sdkgen::EMBEDDED_SPEC).unwrap();
    let report = sdkgen::spec::normalize::normalize(&mut json);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    insta::assert_snapshot!(serde_json::to_string_pretty(&json).unwrap());
}

#[test]
fn nullable_table_rows() {
    for name in [
        "nullable-required",
        "nullable-required-nullable",
        "nullable-optional",
        "nullable-optional-nullable",
    ] {
        insta::assert_snapshot!(name, item(&generate_code(&fixture(name)), "Thing"));
    }
}

#[test]
fn nullable_spellings_land_on_one_representation() {
    let reference = types_module(&generate_code(&fixture("spelling-type-array")));
    insta::assert_snapshot!("nullable-spellings", reference);
    for name in [
        "spelling-nullable-true",
        "spelling-one-of-null",
        "spelling-any-of-null",
    ] {
        assert_eq!(
            types_module(&generate_code(&fixture(name))),
            reference,
            "{name}"
        );
    }
}

#[test]
fn formats() {
    insta::assert_snapshot!(types_module(&generate_code(&fixture("formats"))));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(modbox(), modbox());
}

fn notes(name: &str) -> Vec<String> {
    let options = Options {
        crate_name: "fixture".into(),
        tag_features: true,
        ..Options::default()
    };
    generate(&fixture(name), &options)
        .unwrap()
        .notes
        .iter()
        .map(|n| format!("{}: {}", n.pointer, n.message))
        .collect()
}

#[test]
fn all_of_branches_merge_into_one_struct() {
    // $ref + refinement, nested allOf through references, `type: object` beside allOf,
    // annotation-only branches, an enum narrowed by a later branch; the narrowings of real
    // documents (nullable made required, string to enum, inline enum against its $ref, a choice
    // narrowed, an inline object restated); real conflicts, each said.
    insta::assert_snapshot!(types_module(&generate_code(&fixture("all-of"))));
    assert_eq!(
        notes("all-of"),
        [
            "/components/schemas/Conflicted/allOf/1/properties/size: allOf branches define \
             property `size` in conflicting ways: `string` against `integer`, so no value fits \
             both; it is generated as serde_json::Value",
            "/components/schemas/Conflicted/allOf/1/properties/kind: allOf branches define \
             property `kind` in conflicting ways: enum [\"a\", \"b\"] against enum [\"c\"], so no \
             value fits both; it is generated as serde_json::Value"
        ]
    );
}

#[test]
fn additional_properties_true_schema_false_and_free_form() {
    insta::assert_snapshot!(types_module(&generate_code(&fixture(
        "additional-properties"
    ))));
    assert!(notes("additional-properties").is_empty());
}

#[test]
fn markdown_descriptions_are_safe_for_rustdoc() {
    let code = generate_code(&fixture("docs-markdown"));
    let generated = &code[..code.find("pub mod runtime").unwrap()];
    let docs: Vec<&str> = generated
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("///"))
        .collect();
    insta::assert_snapshot!(docs.join("\n"));
}

#[test]
fn unions_tagged_untagged_and_merged_enums() {
    insta::assert_snapshot!(types_module(&generate_code(&fixture("unions"))));
    assert!(notes("unions").is_empty());
}

#[test]
fn bodies_of_every_encoding() {
    let code = generate_code(&fixture("bodies"));
    for name in [
        "create_pet",
        "create_pet_form",
        "login",
        "upload_photo",
        "put_blob",
        "get_blob",
        "add_note",
        "set_permission",
        "reset_permission",
    ] {
        insta::assert_snapshot!(format!("bodies-{name}"), item(&code, name));
    }
    assert!(notes("bodies").is_empty());
}

#[test]
fn streaming_senders_for_events_pages_and_bodies() {
    let streams = generate_code(&fixture("streams"));
    for name in ["create_completion", "watch_job", "upload_file"] {
        insta::assert_snapshot!(format!("streams-{name}"), item(&streams, name));
    }
    assert!(notes("streams").is_empty());
    let paging = generate_code(&fixture("paging"));
    for name in ["project_list", "get_customers"] {
        insta::assert_snapshot!(format!("paging-{name}"), item(&paging, name));
    }
}

#[test]
fn idempotency_keys_declared_and_by_extension() {
    let code = generate_code(&fixture("calls"));
    for name in ["create_charge", "create_refund"] {
        insta::assert_snapshot!(format!("idempotency-{name}"), item(&code, name));
    }
}

#[test]
fn oauth2_client_credentials_constructor() {
    let code = generate_code(&fixture("oauth"));
    insta::assert_snapshot!(item(&code, "from_client_credentials"));
    assert!(notes("oauth").is_empty());
}

#[test]
fn servers_and_security_requirements() {
    let servers = generate_code(&fixture("servers"));
    for name in ["get_status", "get_from_gateway", "put_to_gateway"] {
        insta::assert_snapshot!(format!("servers-{name}"), item(&servers, name));
    }
    let security = generate_code(&fixture("security"));
    for name in ["both", "either", "public", "with_session_2", "with_oauth"] {
        insta::assert_snapshot!(format!("security-{name}"), item(&security, name));
    }
}

#[test]
fn success_statuses_with_different_bodies() {
    let code = generate_code(&fixture("responses"));
    for name in ["start_job", "StartJobResponse", "get_log"] {
        insta::assert_snapshot!(format!("responses-{name}"), item(&code, name));
    }
    assert!(notes("responses").is_empty());
}

#[test]
fn integer_enums_const_directions_and_defaults() {
    insta::assert_snapshot!(types_module(&generate_code(&fixture(
        "scalars-and-directions"
    ))));
    assert!(notes("scalars-and-directions").is_empty());
}

#[test]
fn parameter_styles() {
    let code = generate_code(&fixture("parameter-styles"));
    for name in ["query", "path"] {
        insta::assert_snapshot!(format!("parameter-styles-{name}"), item(&code, name));
    }
}

#[test]
fn webhook_payloads_are_models() {
    insta::assert_snapshot!(types_module(&generate_code(&fixture("webhooks"))));
    assert!(notes("webhooks").is_empty());
}

/// A feature per tag in `Cargo.toml` and the README, and the gates on operations, models and
/// error bodies: a model two tags use is on with either, one no operation names is never gated.
#[test]
fn tag_features() {
    let options = Options {
        crate_name: "shop".into(),
        tag_features: true,
        ..Options::default()
    };
    let generated = generate(&fixture("tags"), &options).unwrap();
    let files = generated.crate_files();
    let manifest = &files
        .iter()
        .find(|f| f.path.ends_with("Cargo.toml"))
        .unwrap()
        .contents;
    let features = &manifest[manifest.find("[features]").unwrap()..];
    insta::assert_snapshot!("tags-cargo-features", features);
    let file = syn::parse_file(&generated.code()).unwrap();
    let gates: Vec<String> = [
        "ErrorBody",
        "list_pets",
        "order_pet",
        "count_pets",
        "count_orders",
        "health",
        "Pet",
        "Coupon",
    ]
    .iter()
    .map(|name| {
        let mut found = Vec::new();
        gates_of(&file.items, name, &mut Vec::new(), &mut found);
        assert!(!found.is_empty(), "{name}");
        format!("{name}: {}", found.join("; "))
    })
    .collect();
    insta::assert_snapshot!("tags-gates", gates.join("\n"));
    // Each module a file of its own, declared in client.rs or types.rs.
    let paths: Vec<String> = files
        .iter()
        .map(|f| f.path.to_string_lossy().replace('\\', "/"))
        .filter(|p| p.starts_with("src/"))
        .collect();
    insta::assert_snapshot!("tags-files", paths.join("\n"));
}

/// Where the item `name` is, and what compiles it: each module around it (`mod pets`) and the
/// item itself, with its `cfg` if it has one.
fn gates_of(items: &[syn::Item], name: &str, outer: &mut Vec<String>, found: &mut Vec<String>) {
    let cfg = |attrs: &[syn::Attribute]| {
        let text = attrs
            .iter()
            .find(|a| a.path().is_ident("cfg"))
            .map(|a| format!(" {}", quote::quote!(#a)))
            .unwrap_or_default();
        [("# [", "#["), (" (", "("), (" )", ")"), (" ,", ",")]
            .iter()
            .fold(text, |text, (from, to)| text.replace(from, to))
    };
    let here = |attrs: &[syn::Attribute], outer: &Vec<String>, found: &mut Vec<String>| {
        let mut place = outer.clone();
        place.push(format!("the item{}", cfg(attrs)));
        found.push(place.join(" > "));
    };
    for item in items {
        match item {
            syn::Item::Struct(s) if s.ident == name => here(&s.attrs, outer, found),
            syn::Item::Enum(e) if e.ident == name => {
                here(&e.attrs, outer, found);
                for v in &e.variants {
                    found.push(format!("variant {}{}", v.ident, cfg(&v.attrs)));
                }
            }
            syn::Item::Impl(i) => {
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member {
                        if f.sig.ident == name {
                            here(&f.attrs, outer, found);
                        }
                    }
                }
            }
            syn::Item::Mod(m) if m.ident != "builder" => {
                if let Some((_, items)) = &m.content {
                    outer.push(format!("mod {}{}", m.ident, cfg(&m.attrs)));
                    gates_of(items, name, outer, found);
                    outer.pop();
                }
            }
            _ => {}
        }
    }
}

/// What a user reads for broken documents: every error of the document at once, each with its
/// pointer, line and column, and what was expected.
#[test]
fn diagnostics_of_broken_documents() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/broken");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let src = source(
            &format!("broken/{name}"),
            &std::fs::read_to_string(&path).unwrap(),
        );
        let options = Options {
            crate_name: "broken".into(),
            tag_features: true,
            ..Options::default()
        };
        let error = match generate(&src, &options) {
            Ok(_) => panic!("{name} generated"),
            Err(e) => e.to_string(),
        };
        insta::assert_snapshot!(format!("broken-{name}"), error);
    }
}

#[test]
fn models_decoded_from_answers_keep_unnamed_properties() {
    // tests/examples.rs decodes this fixture's examples: `Account` (an answer and a request
    // body) and the union's structs keep what the spec does not name; `Problem` and the
    // declared maps (`plan`, `usage`) keep their declared types.
    insta::assert_snapshot!(types_module(&generate_code(&fixture("examples"))));
    assert_eq!(
        notes("examples"),
        ["/components/schemas/Account/properties/quota: this integer's bounds pass i64; it is generated as u64"]
    );
}
