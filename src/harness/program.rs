//! The harness program: a crate beside the SDK, with one match arm per type that examples
//! are read as, and the examples themselves.

use std::collections::HashMap;
use std::path::PathBuf;

use quote::quote;

use super::{Case, Harness};
use crate::emit::{ty_tokens, Scope};
use crate::ir::{PlaceType, Ty};
use crate::output::File;

const CHECK: &str = include_str!("../../templates/harness.rs");

impl Harness {
    /// Whether the SDK built with `features` (all of them: `None`) has the type `case` is
    /// read as: a type at the example's place, of JSON (not a file), whose models exist and
    /// are compiled.
    pub fn decodable(&self, case: &Case, features: Option<&[String]>) -> bool {
        let Some(place) = &case.ty else {
            return false;
        };
        let types = &self.types_by_name;
        let mut stack = vec![&place.ty];
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Binary => return false,
                Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => stack.push(inner),
                Ty::Named(name) => match types.get(name.as_str()) {
                    None => return false,
                    Some(&i) => {
                        let t = &self.api.types[i];
                        let on = t.gate.is_empty()
                            || features.is_none_or(|f| t.gate.iter().any(|g| f.contains(g)));
                        if !on {
                            return false;
                        }
                    }
                },
                _ => {}
            }
        }
        true
    }
}

/// The files of the harness crate `name`: `Cargo.toml` (the SDK crate `sdk_crate`, at
/// `sdk_path` from it, with `features` or its defaults), `src/main.rs` and `cases.json`.
/// `cases` must all be [`Harness::decodable`] with those features.
pub fn crate_files(
    harness: &Harness,
    cases: &[&Case],
    name: &str,
    sdk_crate: &str,
    sdk_path: &str,
    features: Option<&[String]>,
) -> Vec<File> {
    // One arm per distinct type, numbered in order of first use.
    let mut arms: HashMap<String, usize> = HashMap::new();
    let mut listed = Vec::new();
    let indexes: Vec<usize> = cases
        .iter()
        .map(|case| {
            let ty = rust_type(case.ty.as_ref().expect("decodable cases have a type"));
            *arms.entry(ty.to_string()).or_insert_with(|| {
                listed.push(ty.clone());
                listed.len() - 1
            })
        })
        .collect();
    let match_arms = listed.iter().enumerate().map(|(i, ty)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! { #i => check::round_trip::<#ty>(value), }
    });
    let code = quote! {
        fn decode(ty: usize, value: &::serde_json::Value) -> check::Outcome {
            match ty {
                #(#match_arms)*
                _ => unreachable!("a type index the harness does not list"),
            }
        }

        fn main() {
            check::run(include_str!("../cases.json"), decode);
        }
    };
    let file = syn::parse2(code).expect("the harness parses");
    let main = format!(
        "//! Decodes every example of the spec with the SDK's types and encodes it back \
         (sdkgen's example harness).\n\n{}\n{CHECK}",
        prettyplease::unparse(&file)
    );

    let list: Vec<serde_json::Value> = cases
        .iter()
        .zip(&indexes)
        .map(|(case, ty)| serde_json::json!({"id": case.id, "ty": ty, "value": case.value}))
        .collect();
    let cases_json = serde_json::to_string(&list).expect("JSON encodes");

    let sdk_features = match features {
        Some(f) => {
            let list: Vec<String> = f.iter().map(|f| format!("{f:?}")).collect();
            format!(
                ", default-features = false, features = [{}]",
                list.join(", ")
            )
        }
        None => String::new(),
    };
    let mut deps: Vec<String> = crate::output::dependencies(&harness.api)
        .iter()
        .filter(|d| d.name != "chrono")
        .map(ToString::to_string)
        .collect();
    // Date-times compare as instants, whether or not the SDK has any.
    deps.push(
        "chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }"
            .into(),
    );
    deps.push(format!(
        "sdk = {{ package = {sdk_crate:?}, path = {sdk_path:?}{sdk_features} }}"
    ));
    deps.sort();
    let manifest = format!(
        "[package]\nname = {name:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{}\n",
        deps.join("\n")
    );
    vec![
        File {
            path: PathBuf::from("Cargo.toml"),
            contents: manifest,
        },
        File {
            path: PathBuf::from("src/main.rs"),
            contents: main,
        },
        File {
            path: PathBuf::from("cases.json"),
            contents: cases_json,
        },
    ]
}

/// The type an example at a place is read as: `Option` of it where the schema admits `null`.
fn rust_type(place: &PlaceType) -> proc_macro2::TokenStream {
    let ty = ty_tokens(&place.ty, Scope::Sdk);
    if place.nullable && place.ty != Ty::Json {
        quote!(::std::option::Option<#ty>)
    } else {
        ty
    }
}
