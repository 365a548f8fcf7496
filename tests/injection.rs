//! Spec text reaches generated code only as string literals, doc attributes and sanitised
//! identifiers. `tests/fixtures/injection.json` puts `"`, `\`, `*/`, `#[`, `]; fn evil() {}`,
//! newlines, NUL and bidi controls into every place text comes from (title, version, server
//! URL, tags, operationId, parameter, property, schema and security scheme names, enum values
//! and variant names, descriptions, defaults, examples). The generated file is parsed with syn
//! and its items listed: the list is exactly the spec's (snapshotted), nothing is named `evil`,
//! and every attribute is one sdkgen writes. `tests/compile.rs` builds the fixture with clippy
//! and rustdoc, `-D warnings`.

use sdkgen::{generate, Options, Source};
use syn::visit::Visit;

fn generated() -> sdkgen::Generated {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/injection.json");
    let source = Source::from_path(std::path::Path::new(path)).unwrap();
    let options = Options {
        crate_name: "injection".into(),
        tag_features: true,
        ..Options::default()
    };
    generate(&source, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// Every item outside the runtime, with its kind and name, and the methods of impls.
#[derive(Default)]
struct Items {
    path: Vec<String>,
    listed: Vec<String>,
    idents: Vec<String>,
    attributes: Vec<String>,
}

impl<'ast> Visit<'ast> for Items {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let here = self.path.join("::");
        let entry = match item {
            syn::Item::Const(i) => Some(format!("const {}", i.ident)),
            syn::Item::Enum(i) => Some(format!(
                "enum {} {{ {} }}",
                i.ident,
                i.variants
                    .iter()
                    .map(|v| v.ident.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            syn::Item::Struct(i) => Some(format!(
                "struct {} {{ {} }}",
                i.ident,
                i.fields
                    .iter()
                    .enumerate()
                    .map(|(n, f)| f.ident.as_ref().map_or(n.to_string(), |i| i.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            syn::Item::Type(i) => Some(format!("type {}", i.ident)),
            syn::Item::Use(_) => Some("use".to_string()),
            syn::Item::Fn(i) => Some(format!("fn {}", i.sig.ident)),
            syn::Item::Macro(i) => Some(format!(
                "macro {}!",
                i.mac
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::")
            )),
            syn::Item::Impl(i) => {
                let ty = &i.self_ty;
                let head = match &i.trait_ {
                    Some((t, _)) => {
                        format!("impl {} for {}", quote::quote!(#t), quote::quote!(#ty))
                    }
                    None => format!("impl {}", quote::quote!(#ty)),
                };
                let methods: Vec<String> = i
                    .items
                    .iter()
                    .filter_map(|m| match m {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    })
                    .collect();
                Some(format!("{head} {{ {} }}", methods.join(", ")))
            }
            syn::Item::Mod(i) => {
                if i.ident == "runtime" {
                    return; // The runtime is the template, checked below.
                }
                self.listed.push(format!("{here}: mod {}", i.ident));
                self.path.push(i.ident.to_string());
                syn::visit::visit_item(self, item);
                self.path.pop();
                return;
            }
            other => Some(format!("other {}", quote::quote!(#other))),
        };
        if let Some(entry) = entry {
            self.listed.push(format!("{here}: {entry}"));
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.idents.push(ident.to_string());
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let path = &attr.path();
        self.attributes
            .push(quote::quote!(#path).to_string().replace(' ', ""));
        syn::visit::visit_attribute(self, attr);
    }
}

#[test]
fn spec_text_cannot_add_items_or_attributes() {
    let code = generated().code();
    let file = syn::parse_file(&code).expect("the generated file parses");
    let mut items = Items::default();
    items.visit_file(&file);

    insta::assert_snapshot!(items.listed.join("\n"));
    assert!(
        !items.idents.iter().any(|i| i == "evil"),
        "an identifier `evil` came from spec text"
    );
    let mut attributes = items.attributes.clone();
    attributes.sort();
    attributes.dedup();
    let allowed = [
        "allow",
        "cfg",
        "deprecated",
        "derive",
        "doc",
        "inline",
        "must_use",
        "non_exhaustive",
        "serde",
    ];
    for attr in &attributes {
        assert!(allowed.contains(&attr.as_str()), "attribute `#[{attr}]`");
    }

    // The runtime is exactly the templates (for `include!`: the base, its hooks and traces
    // off), whatever the spec says.
    let runtime = code.split("pub mod runtime {\n").nth(1).expect("runtime");
    let template = [
        include_str!("../templates/runtime.rs"),
        include_str!("../templates/hooks.rs"),
        include_str!("../templates/trace_off.rs"),
    ]
    .join("\n");
    let indented: String = template
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    assert!(
        runtime == format!("{indented}}}\n"),
        "the runtime module differs from its templates"
    );
}

#[test]
fn crate_files_hold_spec_text_as_data() {
    let generated = generated();
    for file in generated.crate_files() {
        if file.path.ends_with("Cargo.toml") {
            // A TOML parser reads the manifest and finds only the keys sdkgen writes.
            let manifest: toml::Table = file.contents.parse().expect("Cargo.toml parses");
            let mut keys: Vec<&String> = manifest.keys().collect();
            keys.sort();
            assert_eq!(keys, ["dependencies", "features", "package"]);
            let package = manifest["package"].as_table().unwrap();
            assert!(package["description"]
                .as_str()
                .unwrap()
                .contains("fn evil() {}"));
        }
    }
}
