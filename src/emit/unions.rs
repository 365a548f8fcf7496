//! `oneOf`/`anyOf` as Rust enums.
//!
//! With a discriminator, the tag's value picks the variant, and an unknown tag is kept as JSON
//! in a catch-all variant. Without one, serde's `untagged` takes the first variant that
//! decodes, which is wrong when several variants are objects (a struct whose fields are all
//! optional accepts any object): those unions decode through the runtime's `untagged_order`,
//! which tries first the variant that knows the most of the object's keys.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{ty_tokens, Scope};
use crate::ir::{Api, Tagged, Ty, TypeKind, Variant};

pub fn emit_tagged(
    name: &Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    t: &Tagged,
    extra: &[TokenStream],
) -> TokenStream {
    let other = format_ident!("{}", t.other);
    let property = &t.property;
    let variants = t.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let ty = ty_tokens(&v.ty, Scope::Types);
        let tags = v
            .tags
            .iter()
            .map(|tag| format!("`{tag}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let doc = format!(" `{property}`: {tags}.");
        quote! { #[doc = #doc] #ident(#ty), }
    });
    let serialize_arms = t.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        quote! { #name::#ident(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    let deserialize_arms = t.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let tags = &v.tags;
        quote! {
            ::std::option::Option::Some(#(#tags)|*) => super::runtime::decode_variant(&value).map(#name::#ident),
        }
    });
    let other_doc = format!(
        " A `{property}` this SDK does not know (a newer server's): the value as it was sent."
    );
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq #(, #extra)*)]
        pub enum #name {
            #(#variants)*
            #[doc = #other_doc]
            #other(::serde_json::Value),
        }

        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    #name::#other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(::serde_json::Value::as_str) {
                    #(#deserialize_arms)*
                    _ => ::std::result::Result::Ok(#name::#other(value)),
                }
            }
        }
    }
}

/// The wire names a variant's struct knows, for each variant; `None` for variants that are
/// not structs with a fixed set of properties.
pub fn known_keys(variants: &[Variant], api: &Api) -> Vec<Option<Vec<String>>> {
    variants
        .iter()
        .map(|v| match &v.ty {
            Ty::Named(n) => match api.type_named(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) if !s.additional.as_ref().is_some_and(|a| a.declared) => {
                    Some(s.fields.iter().map(|f| f.wire_name.clone()).collect())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

pub fn emit_untagged(
    name: &Ident,
    docs: TokenStream,
    cfg: &TokenStream,
    variants: &[Variant],
    known: &[Option<Vec<String>>],
    extra: &[TokenStream],
) -> TokenStream {
    let members = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let ty = ty_tokens(&v.ty, Scope::Types);
        quote! { #ident(#ty), }
    });
    // One object variant at most: serde's first-that-decodes is right, and cheaper to build.
    if known.iter().filter(|k| k.is_some()).count() < 2 {
        return quote! {
            #cfg
            #docs
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize #(, #extra)*)]
            #[serde(untagged)]
            pub enum #name {
                #(#members)*
            }
        };
    }
    let keys = known.iter().map(|k| {
        let k = k.iter().flatten();
        quote! { &[#(#k),*] }
    });
    let attempts = variants.iter().enumerate().map(|(i, v)| {
        let ident = format_ident!("{}", v.name);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! { #i => super::runtime::decode_variant::<_, D::Error>(&value).ok().map(#name::#ident), }
    });
    let mismatch = format!("the value matches none of `{name}`'s variants");
    quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize #(, #extra)*)]
        #[serde(untagged)]
        pub enum #name {
            #(#members)*
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                for i in super::runtime::untagged_order(&value, &[#(#keys),*]) {
                    let decoded: ::std::option::Option<Self> = match i {
                        #(#attempts)*
                        _ => ::std::option::Option::None,
                    };
                    if let ::std::option::Option::Some(decoded) = decoded {
                        return ::std::result::Result::Ok(decoded);
                    }
                }
                ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#mismatch))
            }
        }
    }
}
