//! Models: the `types` module.

use std::rc::Rc;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::derives::Derives;
use super::{doc_attrs, gate_attr, ty_tokens, unions, EmitOptions, Scope, Section};
use crate::ir::{
    Api, EnumValue, Field, IntValue, Presence, StatusMatch, StatusVariant, Struct, Success, Ty,
    TypeDef, TypeKind,
};

/// The `types` module's own file: its docs and lints, the models `types` (indices into the
/// API's), then `modules`, the declarations of the files holding the others.
pub fn emit_types(
    api: &Api,
    options: EmitOptions,
    derives: Rc<Derives>,
    types: Vec<usize>,
    modules: Vec<TokenStream>,
) -> Section<'_> {
    let allows = super::generated_allows().to_string();
    // Inner attributes: the module is a file of its own in a crate, inline for `include!`.
    let allows: TokenStream = allows.replacen('#', "#!", 1).parse().expect("an attribute");
    // The modules' models name the runtime as `super::runtime`, as this file's do.
    let runtime = (!modules.is_empty()).then(|| {
        quote! {
            #[allow(unused_imports)]
            use super::runtime;
        }
    });
    let top = quote! {
        //! The API's models, one per schema.
        #allows
        #runtime
    };
    let models = models(api, options, derives, types);
    Section::Top(Box::new(std::iter::once(top).chain(models).chain(modules)))
}

/// A file of models (`src/types/<tag>.rs`), which sees the rest through its parent's names.
pub fn emit_types_module(
    api: &Api,
    options: EmitOptions,
    derives: Rc<Derives>,
    types: Vec<usize>,
) -> Section<'_> {
    let imports = quote! {
        #[allow(unused_imports)]
        use super::*;
    };
    Section::Top(Box::new(
        std::iter::once(imports).chain(models(api, options, derives, types)),
    ))
}

/// The models `types`, each with its multipart writer when a form sends it.
fn models(
    api: &Api,
    options: EmitOptions,
    derives: Rc<Derives>,
    types: Vec<usize>,
) -> impl Iterator<Item = TokenStream> + '_ {
    let options = Rc::new(options);
    let sent_as_parts: std::collections::HashSet<&str> =
        api.part_types.iter().map(String::as_str).collect();
    let parts: Vec<usize> = types
        .iter()
        .copied()
        .filter(|&i| sent_as_parts.contains(api.types[i].name.as_str()))
        .collect();
    let items = {
        let options = options.clone();
        types
            .into_iter()
            .map(move |i| &api.types[i])
            .map(move |t| emit_type(t, api, &derives.for_type(t), &options))
    };
    let parts = parts.into_iter().filter_map(move |i| {
        let t = &api.types[i];
        match &t.kind {
            TypeKind::Struct(s) => Some(emit_parts(&t.name, s, &gate_attr(&t.gate, &options))),
            _ => None,
        }
    });
    items.chain(parts)
}

fn emit_type(t: &TypeDef, api: &Api, extra: &[TokenStream], options: &EmitOptions) -> TokenStream {
    let name = format_ident!("{}", t.name);
    let docs = doc_attrs(&t.docs, &[]);
    let cfg = gate_attr(&t.gate, options);
    let cfg = &cfg;
    match &t.kind {
        TypeKind::Struct(s) => emit_struct(&name, docs, cfg, s, extra),
        TypeKind::StringEnum(values) => emit_string_enum(&name, docs, cfg, values, extra),
        TypeKind::IntEnum(values) => emit_int_enum(&name, docs, cfg, values, extra),
        TypeKind::Untagged(variants) => {
            let known = unions::known_keys(variants, api);
            unions::emit_untagged(&name, docs, cfg, variants, &known, extra)
        }
        TypeKind::Tagged(tagged) => unions::emit_tagged(&name, docs, cfg, tagged, extra),
        TypeKind::Statuses(variants) => emit_statuses(&name, docs, cfg, variants),
        TypeKind::Headers(fields) => emit_headers(&name, docs, cfg, fields),
        TypeKind::Newtype(ty) => {
            let ty = ty_tokens(ty, Scope::Types);
            quote! {
                #cfg
                #docs
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize #(, #extra)*)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, Scope::Types);
            quote! { #cfg #docs pub type #name = #ty; }
        }
    }
}

fn emit_struct(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    s: &Struct,
    extra: &[TokenStream],
) -> TokenStream {
    // `Default` only where it means "send nothing": every field may be left out or null.
    let all_optional = s.fields.iter().all(|f| f.presence != Presence::Required);
    let default = all_optional.then(|| quote!(::std::default::Default,));
    let fields = s.fields.iter().map(emit_field);
    let additional = s.additional.as_ref().map(|a| {
        let name = format_ident!("{}", a.name);
        let ty = ty_tokens(&a.ty, Scope::Types);
        let doc = if a.declared {
            " Properties not named above."
        } else {
            " Properties the spec does not name (a newer server's), sent back as they came."
        };
        quote! {
            #[doc = #doc]
            #[serde(flatten)]
            pub #name: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let decoding = impl_deserialize(name, s);
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize #(, #extra)*)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #cfg
        #decoding
    }
}

/// The struct's `Deserialize`, by the runtime's `impl_deserialize!`: its fields, those that
/// must be there and those that may be left out, each with its wire name where that is not
/// the field's own, and where properties the model does not name go. (serde's derive wrote
/// the same decoding in over twice the code, most of a large SDK's compile time.)
fn impl_deserialize(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let entry = |f: &Field| {
        let ident = format_ident!("{}", f.name);
        if f.name == f.wire_name {
            quote!(#ident)
        } else {
            let wire = &f.wire_name;
            quote!(#ident = #wire)
        }
    };
    let required = s.fields.iter().filter(|f| is_required(f)).map(entry);
    let optional = s.fields.iter().filter(|f| !is_required(f)).map(entry);
    let rest = s.additional.as_ref().map(|a| {
        let rest = format_ident!("{}", a.name);
        quote!(, rest = #rest)
    });
    quote! {
        super::runtime::impl_deserialize!(#name {
            required = [#(#required),*],
            optional = [#(#optional),*]
            #rest
        });
    }
}

/// Whether the field goes in the macro's `required` list: every field the spec requires,
/// nullable or not (the runtime decodes a required nullable field left out as `None`, as
/// serde's derive did).
fn is_required(f: &Field) -> bool {
    matches!(f.presence, Presence::Required | Presence::RequiredNullable)
}

/// The typed headers of an answer: each optional, read leniently by the runtime.
fn emit_headers(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    fields: &[Field],
) -> TokenStream {
    let fields = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.name);
        let ty = ty_tokens(&f.ty, Scope::Types);
        let docs = doc_attrs(&f.docs, &[format!("`{}`", f.wire_name)]);
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #docs
            #deprecated
            pub #ident: ::std::option::Option<#ty>,
        }
    });
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq, ::std::default::Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn emit_field(f: &Field) -> TokenStream {
    let name = format_ident!("{}", f.name);
    let docs = doc_attrs(&f.docs, &[]);
    let mut inner = ty_tokens(&f.ty, Scope::Types);
    if f.boxed {
        inner = quote!(::std::boxed::Box<#inner>);
    }
    let rename = (f.name != f.wire_name).then(|| {
        let wire = &f.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    // `default` is for the derives that read serde's attributes besides serde's own (a user's
    // `schemars::JsonSchema` takes it for "may be left out"); decoding is `impl_deserialize!`.
    let (ty, attrs) = match f.presence {
        Presence::Required => (inner, quote!()),
        Presence::RequiredNullable => (quote!(::std::option::Option<#inner>), quote!()),
        Presence::Optional => (
            quote!(::std::option::Option<#inner>),
            quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
        ),
        Presence::OptionalNullable => (
            quote!(super::runtime::Nullable<#inner>),
            quote!(#[serde(default, skip_serializing_if = "super::runtime::Nullable::is_absent")]),
        ),
    };
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        #rename
        #attrs
        pub #name: #ty,
    }
}

fn emit_string_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    values: &[EnumValue],
    extra: &[TokenStream],
) -> TokenStream {
    let variants = values.iter().map(|v| format_ident!("{}", v.name));
    let pairs = values.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let wire = &v.wire;
        quote! { #ident = #wire }
    });
    // The impls (`as_str`, `From<&str>`, `Display`, serde as the string) come from one macro in
    // the runtime: spelled out, they were most of the file's enum code and its formatting time.
    // Serde by hand, not derived: a derive with an `#[serde(untagged)]` catch-all buffers every
    // value and tries each variant in turn, several times the code of one string match.
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord #(, #extra)*)]
        pub enum #name {
            #(#variants,)*
            /// A value this SDK does not know (a newer server's), kept as it was sent.
            Unknown(::std::string::String),
        }

        #cfg
        super::runtime::impl_string_enum!(#name { #(#pairs),* });
    }
}

fn emit_int_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    values: &[IntValue],
    extra: &[TokenStream],
) -> TokenStream {
    let variants = values.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let doc = format!(" `{}`", v.value);
        quote! { #[doc = #doc] #ident, }
    });
    let to_value = values.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = v.value;
        quote! { #name::#ident => #value, }
    });
    let from_value = values.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = v.value;
        quote! { #value => #name::#ident, }
    });
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord #(, #extra)*)]
        pub enum #name {
            #(#variants)*
            /// A value this SDK does not know (a newer server's), kept as it was sent.
            Unknown(i64),
        }

        #cfg
        impl #name {
            /// The value as it is sent.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_value)*
                    #name::Unknown(value) => value,
                }
            }
        }

        #cfg
        impl ::std::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => #name::Unknown(other),
                }
            }
        }

        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(#name::from)
            }
        }
    }
}

/// How a model sent as a form or `multipart/form-data` writes its parts: files (a
/// `format: binary` property, alone, optional or in a list) as file parts, every other
/// property as a value.
fn emit_parts(name: &str, s: &Struct, cfg: &TokenStream) -> TokenStream {
    let ident = format_ident!("{}", name);
    let parts = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        let wire = &f.wire_name;
        let is_file = match &f.ty {
            Ty::Binary => true,
            Ty::Vec(inner) => **inner == Ty::Binary,
            _ => false,
        };
        if is_file {
            quote!(parts.files(#wire, &self.#field);)
        } else {
            quote!(parts.value(#wire, &self.#field);)
        }
    });
    let additional = s.additional.as_ref().map(|a| {
        let field = format_ident!("{}", a.name);
        quote! {
            for (name, value) in &self.#field {
                parts.value(name, value);
            }
        }
    });
    quote! {
        #cfg
        impl super::runtime::ToParts for #ident {
            fn write_parts(&self, parts: &mut super::runtime::Parts) {
                #(#parts)*
                #additional
            }
        }
    }
}

/// What an operation with differently shaped 2xx answers returns: one variant per status.
fn emit_statuses(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    variants: &[StatusVariant],
) -> TokenStream {
    let variants = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let doc = match v.status {
            StatusMatch::Code(code) => format!(" Status {code}."),
            StatusMatch::Range(r) => format!(" A {r}xx status."),
            StatusMatch::Default => " Any other status.".to_string(),
        };
        let body = match &v.body {
            Success::Json(ty) => {
                let ty = ty_tokens(ty, Scope::Types);
                quote!((#ty))
            }
            Success::Text => quote!((::std::string::String)),
            Success::Bytes => quote!((::std::vec::Vec<u8>)),
            Success::Empty | Success::Statuses(_) => quote!(),
        };
        quote! { #[doc = #doc] #ident #body, }
    });
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}
