//! Stage 5: IR to tokens. Reads only the IR: every name and every decision is already made.

mod builder;
mod client;
mod derives;
mod docs;
mod streams;

pub(crate) use builder::borrowed;
pub(crate) use derives::is_derive_path;
pub(crate) use docs::for_rustdoc;
mod types;
mod unions;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Docs, Gate, Ty};

/// What the emitted code needs to know besides the API.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Sent as `User-Agent`: the SDK's name and version.
    pub user_agent: String,
    /// Extra derives for every generated model (`Eq`, `Hash`, a schema derive...).
    pub extra_derives: Vec<String>,
    /// Gate operations and models behind their tags' cargo features (`#[cfg(feature)]`): for
    /// a crate of its own, whose `Cargo.toml` declares the features. Off for `include!`,
    /// where the features would be the including crate's.
    pub tag_features: bool,
    /// The crate's name, for an example call in each operation's docs (compiled as doctests);
    /// `None` when the code is `include!`d, where the crate is the includer's.
    pub example_crate: Option<String>,
}

/// The SDK's code, in the two parts the output stage places: the root (the client, its
/// request builders, the error body) and the `types` module's contents. The runtime module is
/// added by the output stage as text, so its comments survive.
///
/// Items are made on demand, a few at a time as the formatter takes them: the tokens of a large
/// API never all exist at once (Microsoft Graph's would take gigabytes).
pub struct Emitted<'a> {
    pub root: Vec<Section<'a>>,
    pub types: Vec<Section<'a>>,
}

/// Items, each made when it is asked for.
pub type Items<'a> = Box<dyn Iterator<Item = TokenStream> + 'a>;

/// A run of items in the generated file.
pub enum Section<'a> {
    /// Items at the file's top level (a first item may be the file's inner attributes).
    Top(Items<'a>),
    /// Items inside braces; `head` is what comes before the braces: attributes and
    /// `impl Client` or `pub mod builder`.
    Block { head: TokenStream, items: Items<'a> },
}

pub fn emit<'a>(api: &'a Api, options: &'a EmitOptions) -> Emitted<'a> {
    let mut root = client::emit_client(api, options);
    root.push(builder::emit_builders(api, options));
    Emitted {
        root,
        types: vec![types::emit_types(api, options)],
    }
}

/// Lints that spec text and spec names can trip and that say nothing about the generated
/// code's quality: Markdown layout in descriptions, placeholder names like `foo` chosen by
/// the API's authors, long variant names, deep nested types spelled out in full.
pub(crate) fn generated_allows() -> TokenStream {
    quote! {
        #[allow(
            clippy::enum_variant_names,
            clippy::large_enum_variant,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::disallowed_names,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::tabs_in_doc_comments,
            deprecated
        )]
    }
}

/// `#[cfg(any(feature = ...))]` for an item only some tags need; nothing for the rest.
pub(crate) fn gate_attr(gate: &Gate, options: &EmitOptions) -> TokenStream {
    if !options.tag_features || gate.is_empty() {
        return TokenStream::new();
    }
    match gate.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #gate),*))]),
    }
}

/// Where a type is named from: the `types` module itself, or the SDK's root module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Types,
    Root,
    /// A module beside `types` (the `builder` module).
    Nested,
    /// Another crate, which depends on the SDK under the name `sdk` (the example harness).
    Sdk,
}

/// The Rust type for `ty`, with fully qualified paths so no schema name can shadow them.
pub(crate) fn ty_tokens(ty: &Ty, scope: Scope) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U64 => quote!(u64),
        Ty::I128 => quote!(i128),
        Ty::F64 => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Uuid => quote!(::uuid::Uuid),
        Ty::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Ty::Date => quote!(::chrono::NaiveDate),
        Ty::Json => quote!(::serde_json::Value),
        Ty::Binary => match scope {
            Scope::Types | Scope::Nested => quote!(super::runtime::File),
            Scope::Root => quote!(runtime::File),
            Scope::Sdk => quote!(::sdk::File),
        },
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Nullable(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(::std::option::Option<#inner>)
        }
        Ty::Named(name) => {
            let ident = format_ident!("{}", name);
            match scope {
                Scope::Types => quote!(#ident),
                Scope::Root => quote!(types::#ident),
                Scope::Nested => quote!(super::types::#ident),
                Scope::Sdk => quote!(::sdk::types::#ident),
            }
        }
    }
}

/// `#[doc]` attributes for an item: summary, description, then any extra lines.
pub(crate) fn doc_attrs(docs: &Docs, extra: &[String]) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    for text in [&docs.summary, &docs.description].into_iter().flatten() {
        let text = docs::for_rustdoc(text.trim());
        if !text.is_empty() && !paragraphs.contains(&text) {
            paragraphs.push(text);
        }
    }
    paragraphs.extend(extra.iter().cloned());
    let mut lines: Vec<String> = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(p.lines().map(|l| format!(" {}", l.trim_end())));
    }
    quote! { #( #[doc = #lines] )* }
}
