//! A request builder's streaming senders, where the operation has them: `stream()` for
//! server-sent events, `items()` and `pages()` for a list that pages, `bytes_stream()` for a
//! download. Each is a call of the runtime's streams part with what differs per operation: its
//! statuses, its `read` (the errors), the item type and the paging scheme.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ty_tokens, Scope};
use crate::ir::{EventDecode, Operation, PagingScheme, Presence, Success, Ty};

/// The streaming senders of `op`'s builder (whose `DOCUMENTED` lists its statuses); `ok` and
/// `headers` are the types of its plain answer.
pub fn senders(op: &Operation, ok: &TokenStream, headers: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some(events) = &op.events {
        let item = ty_tokens(&events.item, Scope::Nested);
        let decode = match events.decode {
            EventDecode::Json => quote!(super::runtime::event_json),
            EventDecode::Text => quote!(super::runtime::event_text),
            EventDecode::Object => quote!(super::runtime::event_object),
        };
        let request = match events.flag {
            Some(_) => quote!(self.request_streaming(true)),
            None => quote!(self.request()),
        };
        let flag_doc = match &events.flag {
            Some(_) => {
                " It sends the body's `stream` as `true` (and `.await` sends `false` where the \
                 body says `true`)."
            }
            None => "",
        };
        let doc = format!(
            " Sends the request with `Accept: text/event-stream`, and gives the events as they \
             arrive, once the status says the call succeeded (a failed call is the error `.await` \
             gives).{flag_doc} See [`EventStream`](super::runtime::EventStream) for its end, \
             its errors and its timeout; it is never sent twice."
        );
        out.extend(quote! {
            #[doc = #doc]
            #[inline]
            pub fn stream(self) -> impl ::std::future::Future<Output = Result<super::runtime::EventStream<#item, super::ErrorBody>, super::Error>> + Send + 'a {
                super::runtime::events(&self.client.core, #request, Self::DOCUMENTED, Self::read, #decode)
            }
        });
    }
    if let Some(paging) = &op.paging {
        let item = ty_tokens(&paging.item, Scope::Nested);
        let take = match &paging.items {
            None => quote!(page),
            Some((field, presence)) => {
                let field = format_ident!("{}", field);
                match presence {
                    Presence::Required => quote!(page.#field),
                    Presence::Optional | Presence::RequiredNullable => {
                        quote!(page.#field.unwrap_or_default())
                    }
                    Presence::OptionalNullable => {
                        quote!(page.#field.into_option().unwrap_or_default())
                    }
                }
            }
        };
        let scheme = scheme_tokens(&paging.scheme);
        let rule = &paging.rule;
        let items_doc = format!(
            " Every item of the list, across its pages: a stream that asks for each page as it \
             is needed. Pages by rule: {rule}."
        );
        let pages_doc = format!(
            " The pages of the list, each a whole answer with its status and headers. Pages by \
             rule: {rule}. See [`Pages`](super::runtime::Pages) for what carries over and when \
             it ends."
        );
        out.extend(quote! {
            #[doc = #items_doc]
            #[inline]
            pub fn items(self) -> super::runtime::Items<'a, #ok, #headers, super::ErrorBody, #item> {
                super::runtime::items(self.pages(), |page: #ok| #take)
            }

            #[doc = #pages_doc]
            #[inline]
            pub fn pages(self) -> super::runtime::Pages<'a, #ok, #headers, super::ErrorBody> {
                super::runtime::pages(&self.client.core, self.request(), Self::DOCUMENTED, Self::read, #scheme)
            }
        });
    }
    if op.success == Success::Bytes {
        out.extend(quote! {
            /// Sends the request and gives the body as it arrives, in chunks, so a large
            /// download never sits whole in memory. `.await` gives it whole.
            #[inline]
            pub fn bytes_stream(self) -> impl ::std::future::Future<Output = Result<super::runtime::ByteStream<super::ErrorBody>, super::Error>> + Send + 'a {
                super::runtime::download(&self.client.core, self.request(), Self::DOCUMENTED, Self::read)
            }
        });
    }
    out
}

fn scheme_tokens(scheme: &PagingScheme) -> TokenStream {
    let opt = |v: &Option<String>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    match scheme {
        PagingScheme::Cursor { param, next } => {
            quote!(super::runtime::Paging::Cursor { param: #param, next: #next })
        }
        PagingScheme::Link => quote!(super::runtime::Paging::Link),
        PagingScheme::NextUrl { next } => quote!(super::runtime::Paging::NextUrl { next: #next }),
        PagingScheme::After {
            param,
            items,
            has_more,
        } => {
            quote!(super::runtime::Paging::After { param: #param, items: #items, has_more: #has_more })
        }
        PagingScheme::Offset {
            param,
            items,
            total,
        } => {
            let total = opt(total);
            quote!(super::runtime::Paging::Offset { param: #param, items: #items, total: #total })
        }
        PagingScheme::Page {
            param,
            items,
            first,
            last,
        } => {
            let last = opt(last);
            let first = proc_macro2::Literal::i64_unsuffixed(*first);
            quote!(super::runtime::Paging::Page { param: #param, items: #items, first: #first, last: #last })
        }
    }
}

/// The body written with its `stream` flag set to the `stream` argument: the user's body
/// as it is when it already says so, else a copy that does. `value` is the body's expression.
pub fn flagged_body(
    body_ty: &Ty,
    (field, presence): &(String, Presence),
    value: TokenStream,
) -> TokenStream {
    let ty = ty_tokens(body_ty, Scope::Nested);
    let field = format_ident!("{}", field);
    let (current, set) = match presence {
        Presence::Required => (quote!(#value.#field), quote!(stream)),
        Presence::Optional | Presence::RequiredNullable => {
            (quote!(#value.#field.unwrap_or(false)), quote!(Some(stream)))
        }
        Presence::OptionalNullable => (
            quote!(#value.#field.value().copied().unwrap_or(false)),
            quote!(super::runtime::Nullable::Value(stream)),
        ),
    };
    quote! {
        let flagged;
        let body = if #current == stream {
            #value
        } else {
            flagged = #ty { #field: #set, ..#value.clone() };
            &flagged
        };
    }
}
