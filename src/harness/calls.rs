//! The calls program: a crate beside the SDK that calls every operation needing no request
//! body through the generated client, with placeholder parameters, and prints one JSON line
//! per operation saying what became of the call. Run against a mock server (Prism in static
//! mode answers with the spec's examples) it shows whether the SDK decodes the answers the
//! document itself promises.

use std::collections::HashMap;
use std::path::PathBuf;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{ty_tokens, Scope};
use crate::ir::{Api, AuthKind, Param, Ty, TypeDef, TypeKind};
use crate::output::File;

/// How deep aliases of aliases are followed before a placeholder gives up.
const ALIAS_DEPTH: usize = 32;

/// The files of the calls crate `name` (a binary of the same name): `Cargo.toml`, with the SDK
/// crate `sdk_crate` at `sdk_path` (relative to the calls crate) under the name `sdk` and its
/// default features, and `src/main.rs`.
///
/// The binary takes the base URL as its first argument and prints, per operation without a
/// request body, `{"operation", "outcome", "status", "path", "detail"}`, with `outcome` one
/// of `decoded` (a 2xx answer decoded), `decode` (a body did not decode: `path` and `detail`
/// say where and why), `status` (an error status, documented or not), `transport`,
/// `invalid` (the request could not be built), `redirected` (a redirect to another host was
/// followed, and that host did not answer) or `skipped` (a required parameter is a model or
/// union, which has no placeholder). A `decode` line is followed by a `body` line whose
/// `detail` is the answer's text.
pub fn calls_crate_files(api: &Api, name: &str, sdk_crate: &str, sdk_path: &str) -> Vec<File> {
    let types: HashMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut functions = Vec::new();
    let mut steps = Vec::new();
    for op in api.operations.iter().filter(|op| op.body.is_none()) {
        let op_name = op.name.as_str();
        let placeholders: Result<Vec<(&Param, String)>, String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| placeholder(&p.ty, &types, 0).map(|json| (p, json)))
            .collect();
        let placeholders = match placeholders {
            Ok(list) => list,
            Err(why) => {
                steps.push(quote!(line(#op_name, "skipped", None, "", #why);));
                continue;
            }
        };
        let function = format_ident!("{}", op.name);
        let mut lets = Vec::new();
        let mut args = Vec::new();
        let mut values = placeholders.iter();
        for p in op.required_params() {
            let (_, json) = values.next().expect("a placeholder per required parameter");
            let local = format_ident!("a{}", lets.len());
            let ty = ty_tokens(&p.ty, Scope::Sdk);
            let wire = &p.wire_name;
            let json = Literal::string(json);
            lets.push(quote! {
                let ::std::option::Option::Some(#local) = super::arg::<#ty>(#op_name, #wire, #json) else {
                    return;
                };
            });
            args.push(pass(&p.ty, &local));
        }
        functions.push(quote! {
            pub async fn #function(client: &::sdk::Client) {
                #(#lets)*
                super::report(#op_name, client.#function(#(#args),*).await);
            }
        });
        steps.push(quote!(calls::#function(&client).await;));
    }
    let client = client_tokens(api);
    let code = quote! {
        /// The mock server's base URL, the first argument.
        static BASE_URL: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();

        /// One line of the report.
        fn line(operation: &str, outcome: &str, status: ::std::option::Option<u16>, path: &str, detail: &str) {
            let line = ::serde_json::json!({
                "operation": operation,
                "outcome": outcome,
                "status": status,
                "path": path,
                "detail": detail,
            });
            println!("{line}");
        }

        /// A placeholder parameter decoded into its type; `None` (and a `skipped` line) when
        /// the type does not take it.
        fn arg<T: ::serde::de::DeserializeOwned>(operation: &str, param: &str, json: &str) -> ::std::option::Option<T> {
            match ::serde_json::from_str(json) {
                ::std::result::Result::Ok(value) => ::std::option::Option::Some(value),
                ::std::result::Result::Err(e) => {
                    let detail = format!("the placeholder {json} for `{param}` does not decode: {e}");
                    line(operation, "skipped", ::std::option::Option::None, "", &detail);
                    ::std::option::Option::None
                }
            }
        }

        /// At most this many characters of a body or message in a line.
        fn bounded(text: &str) -> ::std::string::String {
            text.chars().take(500).collect()
        }

        fn report<T>(operation: &str, result: ::std::result::Result<T, ::sdk::Error>) {
            let none = ::std::option::Option::None;
            match result {
                ::std::result::Result::Ok(_) => line(operation, "decoded", none, "", ""),
                ::std::result::Result::Err(::sdk::Error::Decode { status, path, message, body }) => {
                    line(operation, "decode", ::std::option::Option::Some(status.as_u16()), &path, &message);
                    // The answer itself, for the runner to check against its schema.
                    let body = ::serde_json::json!({ "operation": operation, "outcome": "body", "detail": body });
                    println!("{body}");
                }
                ::std::result::Result::Err(::sdk::Error::Api { status, body, .. }) => {
                    let detail = bounded(&format!("documented: {body:?}"));
                    line(operation, "status", ::std::option::Option::Some(status.as_u16()), "", &detail);
                }
                ::std::result::Result::Err(::sdk::Error::UnexpectedStatus { status, body, .. }) => {
                    let detail = bounded(&format!("undocumented: {body}"));
                    line(operation, "status", ::std::option::Option::Some(status.as_u16()), "", &detail);
                }
                ::std::result::Result::Err(::sdk::Error::Transport(e)) => {
                    // A redirect to another host was followed (as the client does) to a host
                    // this machine may not reach: the call itself went as the spec says.
                    let elsewhere = e.url().is_some_and(|url| {
                        BASE_URL.get().and_then(|base| ::reqwest::Url::parse(base).ok()).is_some_and(|base| base.origin() != url.origin())
                    });
                    let outcome = if elsewhere { "redirected" } else { "transport" };
                    let mut detail = e.to_string();
                    let mut root = ::std::string::String::new();
                    let mut source = ::std::error::Error::source(&e);
                    while let ::std::option::Option::Some(cause) = source {
                        detail.push_str(": ");
                        detail.push_str(&cause.to_string());
                        root = cause.to_string();
                        source = cause.source();
                    }
                    if elsewhere {
                        let host = e.url().and_then(|url| url.host_str()).unwrap_or_default();
                        detail = format!("followed a redirect to {host}, which did not answer: {root}");
                    }
                    line(operation, outcome, none, "", &bounded(&detail));
                }
                ::std::result::Result::Err(::sdk::Error::InvalidRequest(message)) => {
                    line(operation, "invalid", none, "", &bounded(&message));
                }
                ::std::result::Result::Err(other) => {
                    let status = other.status().map(|s| s.as_u16());
                    line(operation, "other", status, "", &bounded(&other.to_string()));
                }
            }
        }

        /// One function per operation, named as the client's method.
        mod calls {
            #(#functions)*
        }

        #[tokio::main]
        async fn main() {
            let base_url = ::std::env::args().nth(1).expect("usage: calls BASE_URL");
            let client = #client.with_base_url(base_url.clone()).with_max_retries(0);
            let _ = BASE_URL.set(base_url);
            #(#steps)*
        }
    };
    let file = syn::parse2(code).expect("the calls program parses");
    let main = format!(
        "//! Calls every operation of the SDK that needs no request body, with placeholder \
         parameters, and prints what became of each call (sdkgen's calls program).\n\n{}",
        prettyplease::unparse(&file)
    );

    let mut deps: Vec<String> = crate::output::dependencies(api)
        .iter()
        .filter(|d| d.name != "tokio")
        .map(ToString::to_string)
        .collect();
    deps.push(
        "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"time\"] }"
            .into(),
    );
    deps.push(format!(
        "sdk = {{ package = {sdk_crate:?}, path = {sdk_path:?} }}"
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
    ]
}

/// `Client::new(..)` with a placeholder for every credential the API knows.
fn client_tokens(api: &Api) -> TokenStream {
    let mut client = if api.auth.iter().any(|a| a.kind == AuthKind::Bearer) {
        quote!(::sdk::Client::new("YOUR_TOKEN"))
    } else {
        quote!(::sdk::Client::new())
    };
    if api.auth.iter().any(|a| a.kind == AuthKind::Basic) {
        client = quote!(#client.with_basic_auth("user", "password"));
    }
    for scheme in &api.auth {
        if let AuthKind::ApiKey { .. } = scheme.kind {
            let setter = format_ident!("{}", scheme.setter);
            client = quote!(#client.#setter("YOUR_KEY"));
        }
    }
    client
}

/// The argument for the decoded placeholder `local`, as the client's method takes it (see
/// `param_type` in `emit::client`): strings and lists borrowed as slices, small copyable
/// values by value, the rest by reference.
fn pass(ty: &Ty, local: &proc_macro2::Ident) -> TokenStream {
    if crate::emit::borrowed(ty) {
        quote!(&#local)
    } else {
        quote!(#local)
    }
}

/// A placeholder value of `ty`, as JSON text; `Err` with the reason when the type has none (a
/// model, a union, a file).
fn placeholder(ty: &Ty, types: &HashMap<&str, &TypeDef>, depth: usize) -> Result<String, String> {
    Ok(match ty {
        Ty::String => "\"octocat\"".into(),
        Ty::I32 | Ty::I64 | Ty::U64 | Ty::I128 => "1".into(),
        Ty::F64 => "1.0".into(),
        Ty::Bool => "true".into(),
        Ty::Uuid => "\"00000000-0000-0000-0000-000000000001\"".into(),
        Ty::DateTime => "\"2020-01-01T00:00:00Z\"".into(),
        Ty::Date => "\"2020-01-01\"".into(),
        Ty::Json => "\"x\"".into(),
        Ty::Map(_) => "{}".into(),
        Ty::Vec(inner) => format!("[{}]", placeholder(inner, types, depth)?),
        Ty::Nullable(inner) => placeholder(inner, types, depth)?,
        Ty::Binary => return Err("a required parameter is a file".into()),
        Ty::Named(name) => {
            let Some(def) = types.get(name.as_str()) else {
                return Err(format!(
                    "a required parameter's type `{name}` is not generated"
                ));
            };
            match &def.kind {
                TypeKind::StringEnum(values) => match values.first() {
                    Some(value) => serde_json::Value::String(value.wire.clone()).to_string(),
                    None => return Err(format!("the enum `{name}` has no values")),
                },
                TypeKind::IntEnum(values) => match values.first() {
                    Some(value) => value.value.to_string(),
                    None => return Err(format!("the enum `{name}` has no values")),
                },
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) if depth < ALIAS_DEPTH => {
                    placeholder(inner, types, depth + 1)?
                }
                TypeKind::Alias(_) | TypeKind::Newtype(_) => {
                    return Err(format!("`{name}` is an alias nested too deep"))
                }
                TypeKind::Struct(_) => {
                    return Err(format!("a required parameter is the model `{name}`"))
                }
                // A union of scalars (`integer | string`, GitHub's `workflow_id`): the first
                // variant that has a placeholder.
                TypeKind::Untagged(variants) if depth < ALIAS_DEPTH => {
                    match variants
                        .iter()
                        .find_map(|v| placeholder(&v.ty, types, depth + 1).ok())
                    {
                        Some(json) => json,
                        None => return Err(format!("a required parameter is the union `{name}`")),
                    }
                }
                TypeKind::Untagged(_) | TypeKind::Tagged(_) => {
                    return Err(format!("a required parameter is the union `{name}`"))
                }
                TypeKind::Statuses(_) | TypeKind::Headers(_) => {
                    return Err(format!("a required parameter is `{name}`, not a model"))
                }
            }
        }
    })
}
