//! Stage 5: IR to tokens. Reads only the IR: every name and every decision is already made.

mod builder;
mod client;
mod derives;
mod docs;
mod layout;
mod streams;

pub(crate) use builder::borrowed;
pub(crate) use derives::is_derive_path;
pub(crate) use docs::for_rustdoc;
mod types;
mod unions;

use std::rc::Rc;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use derives::Derives;

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
    /// The features the file being emitted is compiled under: an item needs no `cfg` of
    /// its own for them. Empty but while emitting a file of a split crate.
    pub file_gate: Gate,
}

/// Which files the SDK's code is in ([`layout`]): the root module's (the client, its request
/// builders, the error body), the `types` module's, and in a crate split by features the
/// files of their modules. The runtime module is added by the output stage as text, so its
/// comments survive.
///
/// Each file's items are made on demand, a few at a time as the formatter takes them
/// ([`Plan::emit_file`]): the tokens of a large API never all exist at once (Microsoft Graph's
/// would take gigabytes), and files can be made and formatted on several threads.
pub struct Plan {
    client: Vec<layout::Unit>,
    types: Vec<layout::Unit>,
}

/// One file of the code, as [`Plan::files`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `client.rs`: the client, the error body, and operations no feature gates.
    Client,
    /// `types.rs`: models no feature gates.
    Types,
    /// A module's file under `client/` or `types/`.
    Module(Parent),
}

/// A module in a file of its own, under `client` or `types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    Client,
    Types,
}

impl Parent {
    /// The directory of its modules' files under `src/`, as the module is named.
    pub fn dir(self) -> &'static str {
        match self {
            Parent::Client => "client",
            Parent::Types => "types",
        }
    }
}

impl Plan {
    pub fn new(api: &Api, options: &EmitOptions) -> Plan {
        let layout::Layout { client, types } = layout::Layout::new(api, options.tag_features);
        Plan { client, types }
    }

    /// The files, in the order they are written: each with what it is and its module's name
    /// (empty for `client.rs` and `types.rs`).
    pub fn files(&self) -> Vec<(FileKind, &str)> {
        fn modules(units: &[layout::Unit], parent: Parent) -> Vec<(FileKind, &str)> {
            units[1..]
                .iter()
                .map(|u| (FileKind::Module(parent), u.module.as_deref().unwrap_or("")))
                .collect()
        }
        let mut files = vec![(FileKind::Client, ""), (FileKind::Types, "")];
        files.extend(modules(&self.client, Parent::Client));
        files.extend(modules(&self.types, Parent::Types));
        files
    }

    /// The sections of file `index` of [`Plan::files`].
    pub(crate) fn emit_file<'a>(
        &'a self,
        api: &'a Api,
        options: &'a EmitOptions,
        derives: &Rc<Derives>,
        index: usize,
    ) -> Vec<Section<'a>> {
        let (client_modules, types_modules) = (&self.client[1..], &self.types[1..]);
        let in_file = |gate: &Gate| EmitOptions {
            file_gate: gate.clone(),
            ..options.clone()
        };
        match index {
            0 => {
                let builders = client_modules.iter().map(|unit| {
                    let name = module_ident(unit);
                    let cfg = gate_attr(&unit.gate, options);
                    quote!(#cfg pub use super::#name::builder::*;)
                });
                let own = self.client[0].items.clone();
                let mut root = client::emit_client(
                    api,
                    options,
                    own.clone(),
                    declare(client_modules, options, false),
                );
                root.push(builder::emit_builders(
                    api,
                    options.clone(),
                    own,
                    builders.collect(),
                ));
                root
            }
            1 => vec![types::emit_types(
                api,
                options.clone(),
                derives.clone(),
                self.types[0].items.clone(),
                declare(types_modules, options, true),
            )],
            i if i - 2 < client_modules.len() => {
                let unit = &client_modules[i - 2];
                client::emit_client_module(api, in_file(&unit.gate), unit.items.clone())
            }
            i => {
                let unit = &types_modules[i - 2 - client_modules.len()];
                vec![types::emit_types_module(
                    api,
                    in_file(&unit.gate),
                    derives.clone(),
                    unit.items.clone(),
                )]
            }
        }
    }
}

/// What the extra derives of `options` go on: made once per thread that emits.
pub(crate) fn derives(api: &Api, options: &EmitOptions) -> Rc<Derives> {
    Rc::new(Derives::new(api, &options.extra_derives))
}

fn module_ident(unit: &layout::Unit) -> proc_macro2::Ident {
    format_ident!("{}", unit.module.as_deref().unwrap_or_default())
}

/// The declarations of `units`' modules, each behind its features, and (`reexport`) a glob
/// re-export of its items.
fn declare(units: &[layout::Unit], options: &EmitOptions, reexport: bool) -> Vec<TokenStream> {
    units
        .iter()
        .map(|unit| {
            let name = module_ident(unit);
            let cfg = gate_attr(&unit.gate, options);
            let export = reexport.then(|| quote!(#cfg pub use #name::*;));
            quote!(#cfg mod #name; #export)
        })
        .collect()
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
    if !options.tag_features || gate.is_empty() || *gate == options.file_gate {
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
