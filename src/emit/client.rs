//! The client: constructor, settings, one async method per operation, and the error body.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, gate_attr, ty_tokens, EmitOptions, Scope};
use crate::ir::{
    Api, AuthKind, BodyEncoding, Docs, Operation, Param, ParamLocation, RequestBody, StatusMatch,
    Success, Ty, TypeKind,
};

pub fn emit_client(api: &Api, options: &EmitOptions) -> TokenStream {
    let base_url = api.base_url.clone().unwrap_or_default();
    let user_agent = &options.user_agent;
    let has_bearer = api.auth.iter().any(|a| a.kind == AuthKind::Bearer);
    let constructor = constructor(has_bearer, &base_url);
    let credentials = credential_setters(api, has_bearer);
    let operations = api.operations.iter().map(|op| operation(api, op, options));
    let allows = super::generated_allows();
    let error_variants = api.error_bodies.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let ty = ty_tokens(&e.ty, Scope::Root);
        let cfg = gate_attr(&e.gate, options);
        // Boxed, so that `Result<T, Error>` stays small whatever the schema's size (clippy's
        // `result_large_err` fires on users' functions otherwise).
        quote!(#cfg #variant(::std::boxed::Box<#ty>),)
    });
    let api_docs = doc_attrs(
        &Docs {
            summary: Some(format!("A client for {} {}.", api.title, api.version)),
            description: api.description.clone(),
        },
        &["Cheap to clone: clones share one connection pool.".to_string()],
    );
    quote! {
        pub use self::runtime::{Nullable, RequestOptions};

        /// What a call returns when it fails: see the variants for what the caller gets.
        pub type Error = runtime::Error<ErrorBody>;

        /// The decoded body of an error status the API documents, by type.
        #[derive(Debug, Clone, PartialEq)]
        pub enum ErrorBody {
            #(#error_variants)*
        }

        /// The server the API names first; change it with `Client::with_base_url`.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// Sent as `User-Agent` with every request.
        pub const USER_AGENT: &str = #user_agent;

        #api_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            core: runtime::Core,
        }

        #allows
        impl Client {
            #constructor

            /// Sends requests to `url` instead of the default server.
            pub fn with_base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.set_base_url(url.into());
                self
            }

            /// Sends requests with a `reqwest::Client` you built (proxies, TLS, middleware...).
            pub fn with_http_client(mut self, http: ::reqwest::Client) -> Self {
                self.core.set_http_client(http);
                self
            }

            /// How long one attempt may take, from connecting to the end of the response body
            /// (default: [`runtime::DEFAULT_TIMEOUT`]).
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.add_options(RequestOptions::new().timeout(timeout));
                self
            }

            /// How many times a failed request is retried (default:
            /// [`runtime::DEFAULT_MAX_RETRIES`]; `0` turns retries off).
            pub fn with_max_retries(mut self, max_retries: u32) -> Self {
                self.core.add_options(RequestOptions::new().max_retries(max_retries));
                self
            }

            /// A client that sends these options (headers, timeout, retries) on top of its own:
            /// `client.with_options(RequestOptions::new().header("X-Trace", id)).some_call()`.
            pub fn with_options(&self, options: RequestOptions) -> Self {
                let mut client = self.clone();
                client.core.add_options(options);
                client
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            #credentials

            #(#operations)*
        }
    }
}

fn constructor(has_bearer: bool, base_url: &str) -> TokenStream {
    let server = if base_url.is_empty() {
        " The API names no server: set one with `with_base_url`.".to_string()
    } else {
        format!(" Requests go to `{base_url}` unless `with_base_url` says otherwise.")
    };
    if has_bearer {
        quote! {
            /// A client that sends `token` as `Authorization: Bearer <token>`.
            ///
            #[doc = #server]
            pub fn new(token: impl ::std::convert::Into<::std::string::String>) -> Self {
                let mut core = runtime::Core::new(DEFAULT_BASE_URL, USER_AGENT);
                core.set_bearer(token.into());
                Client { core }
            }
        }
    } else {
        quote! {
            /// A client with no credentials set.
            ///
            #[doc = #server]
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Client { core: runtime::Core::new(DEFAULT_BASE_URL, USER_AGENT) }
            }
        }
    }
}

/// Setters for the credentials `new` does not take.
fn credential_setters(api: &Api, has_bearer: bool) -> TokenStream {
    let mut out = TokenStream::new();
    if has_bearer {
        out.extend(quote! {
            /// Replaces the bearer token.
            pub fn with_bearer_token(mut self, token: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.set_bearer(token.into());
                self
            }
        });
    }
    if api.auth.iter().any(|a| a.kind == AuthKind::Basic) {
        out.extend(quote! {
            /// Sends `Authorization: Basic` with these credentials.
            pub fn with_basic_auth(
                mut self,
                user: impl ::std::convert::Into<::std::string::String>,
                password: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                self.core.set_basic(user.into(), password.into());
                self
            }
        });
    }
    for scheme in &api.auth {
        if let AuthKind::ApiKey { name, .. } = &scheme.kind {
            let method = format_ident!("{}", scheme.setter);
            let key = &scheme.key;
            let doc = format!(" Sets the API key of the `{key}` scheme (sent as `{name}`).");
            out.extend(quote! {
                #[doc = #doc]
                pub fn #method(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.core.set_api_key(#key, key.into());
                    self
                }
            });
        }
    }
    out
}

fn operation(api: &Api, op: &Operation, options: &EmitOptions) -> TokenStream {
    let name = format_ident!("{}", op.name);
    let mut extra = vec![format!("`{} {}`", op.method.as_str(), op.path)];
    if let Some(server) = &op.server {
        extra.push(format!(
            "Sent to `{server}`, this operation's own server, not the client's base URL (a \
             [`RequestOptions::base_url`] overrides both)."
        ));
    }
    let docs = doc_attrs(&op.docs, &extra);
    let method = format_ident!("{}", op.method.as_str());

    let mut args = Vec::new();
    let mut statements = Vec::new();
    for p in &op.params {
        let ident = format_ident!("{}", p.name);
        let ty = param_type(p);
        args.push(quote!(#ident: #ty));
        let wire = &p.wire_name;
        let style = p.style.map(|s| {
            let s = format_ident!("{}", s.as_str());
            quote!(runtime::Style::#s)
        });
        statements.push(match (p.location, style) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, Some(style)) => {
                quote!(request.query_in(#wire, &#ident, #style);)
            }
            (ParamLocation::Header, Some(style)) => {
                quote!(request.header_in(#wire, &#ident, #style);)
            }
            (ParamLocation::Query, None) => quote!(request.query(#wire, &#ident);),
            (ParamLocation::Header, None) => quote!(request.header(#wire, &#ident);),
            (ParamLocation::Cookie, _) => quote!(request.cookie(#wire, &#ident);),
        });
    }
    if let Some(server) = &op.server {
        statements.push(quote!(request.server = ::std::option::Option::Some(#server);));
    }
    if let Some(body) = &op.body {
        let (arg, statement) = body_tokens(body);
        args.push(arg);
        statements.push(statement);
    }
    let path = path_expr(op);
    let auth = op.auth.iter().map(|alternative| {
        let schemes = alternative
            .iter()
            .map(|&i| auth_tokens(&api.auth[i].kind, &api.auth[i].key));
        quote!(&[#(#schemes),*])
    });
    let (ok_ty, success_arms) = match &op.success {
        Success::Statuses(enum_name) => {
            let enum_ident = format_ident!("{}", enum_name);
            // Lowering makes the enum with the operation: a method without arms would
            // compile and answer every status with an error, so a missing one is sdkgen's bug.
            let variants = match api.type_named(enum_name).map(|t| &t.kind) {
                Some(TypeKind::Statuses(variants)) => variants.as_slice(),
                other => panic!("`{enum_name}` is not a statuses enum in the IR: {other:?}"),
            };
            // Exact codes before ranges, as in the error arms.
            let mut sorted: Vec<_> = variants.iter().collect();
            sorted.sort_by_key(|v| matches!(v.status, StatusMatch::Range(_)));
            let arms = sorted.iter().map(|v| {
                let variant = format_ident!("{}", v.name);
                let (_, read) = read_body(&v.body);
                let wrap = match v.body {
                    Success::Empty => {
                        quote!(::std::result::Result::Ok(types::#enum_ident::#variant))
                    }
                    _ => quote!(#read.map(types::#enum_ident::#variant)),
                };
                let pattern = match v.status {
                    StatusMatch::Code(code) => quote!(#code),
                    _ => quote!(200..=299),
                };
                quote!(#pattern => #wrap,)
            });
            (quote!(types::#enum_ident), quote!(#(#arms)*))
        }
        other => {
            let (ty, read) = read_body(other);
            (ty, quote!(200..=299 => #read,))
        }
    };
    let error_arms = error_arms(api, op);
    let documented = documented_statuses(op);
    let request_mut = (!statements.is_empty()).then(|| quote!(mut));
    let cfg = gate_attr(&op.gate, options);
    quote! {
        #cfg
        #docs
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#ok_ty, Error> {
            let #request_mut request = runtime::Request::new(::reqwest::Method::#method, #path, &[#(#auth),*]);
            #(#statements)*
            let response = self.core.execute(request, &[#(#documented),*]).await?;
            match response.status() {
                #success_arms
                #(#error_arms)*
            }
        }
    }
}

/// The statuses whose bodies an operation reads whole, as inclusive ranges: its successes and
/// documented errors (everything, with a `default`).
fn documented_statuses(op: &Operation) -> Vec<TokenStream> {
    // Every success, `Statuses` variants included, is a 2xx.
    let mut ranges: Vec<(u16, u16)> = vec![(200, 299)];
    for e in &op.errors {
        ranges.push(e.status.interval().unwrap_or((0, u16::MAX)));
    }
    ranges.sort_unstable();
    // Overlapping and adjacent ranges become one, so the list stays short.
    let mut merged: Vec<(u16, u16)> = Vec::new();
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    merged.iter().map(|(lo, hi)| quote!((#lo, #hi))).collect()
}

/// The Rust type of a success body and the expression that reads it from `response`.
fn read_body(success: &Success) -> (TokenStream, TokenStream) {
    match success {
        Success::Empty => (quote!(()), quote!(::std::result::Result::Ok(()))),
        Success::Json(ty) => (ty_tokens(ty, Scope::Root), quote!(response.json())),
        Success::Text => (quote!(::std::string::String), quote!(response.text())),
        Success::Bytes => (quote!(::std::vec::Vec<u8>), quote!(response.bytes())),
        Success::Statuses(_) => (quote!(()), quote!(::std::result::Result::Ok(()))),
    }
}

/// Match arms for documented error statuses: codes, then ranges, then `default` or the
/// catch-all for undocumented ones.
fn error_arms(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let mut sorted: Vec<_> = op.errors.iter().collect();
    sorted.sort_by_key(|e| match e.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    // Neighbours with the same body share one arm (`400..=499 | 500..=599`); only neighbours,
    // so no pattern moves ahead of a more specific one for another body.
    let mut groups: Vec<(usize, Vec<(u16, u16)>)> = Vec::new();
    let mut default = None;
    for e in sorted {
        let Some(interval) = e.status.interval() else {
            default = Some(e.body);
            continue;
        };
        match groups.last_mut() {
            // Touching intervals merge (`400..=599`, not `400..=499 | 500..=599`).
            Some((body, intervals)) if *body == e.body => match intervals.last_mut() {
                Some(last) if last.1.checked_add(1) == Some(interval.0) => last.1 = interval.1,
                _ => intervals.push(interval),
            },
            _ => groups.push((e.body, vec![interval])),
        }
    }
    let decode = |body: usize| {
        let variant = format_ident!("{}", api.error_bodies[body].variant);
        quote!(::std::result::Result::Err(response.error(ErrorBody::#variant)))
    };
    let mut arms: Vec<TokenStream> = groups
        .iter()
        .map(|(body, intervals)| {
            let decode = decode(*body);
            let patterns = intervals.iter().map(|&(lo, hi)| {
                if lo == hi {
                    quote!(#lo)
                } else {
                    quote!(#lo..=#hi)
                }
            });
            quote!(#(#patterns)|* => #decode,)
        })
        .collect();
    arms.push(match default {
        Some(body) => {
            let decode = decode(body);
            quote!(_ => #decode,)
        }
        None => quote!(_ => ::std::result::Result::Err(response.unexpected()),),
    });
    arms
}

fn auth_tokens(kind: &AuthKind, key: &str) -> TokenStream {
    match kind {
        AuthKind::Bearer => quote!(runtime::Auth::Bearer),
        AuthKind::Basic => quote!(runtime::Auth::Basic),
        AuthKind::ApiKey { location, name } => {
            let location = match location {
                ParamLocation::Query => quote!(runtime::KeyIn::Query),
                ParamLocation::Cookie => quote!(runtime::KeyIn::Cookie),
                _ => quote!(runtime::KeyIn::Header),
            };
            quote!(runtime::Auth::ApiKey { scheme: #key, location: #location, name: #name })
        }
    }
}

/// `format!("/sandbox-images/{}", runtime::path_segment("image_id", &image_id)?)`.
fn path_expr(op: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        template.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..start + len];
        if let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
        {
            let ident = format_ident!("{}", p.name);
            template.push_str("{}");
            args.push(match p.style {
                Some(style) => {
                    let style = format_ident!("{}", style.as_str());
                    quote!(runtime::path_segment_in(#wire, &#ident, runtime::Style::#style)?)
                }
                None => quote!(runtime::path_segment(#wire, &#ident)?),
            });
        }
        rest = &rest[start + len + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if args.is_empty() {
        quote!(::std::string::String::from(#template))
    } else {
        quote!(::std::format!(#template, #(#args),*))
    }
}

/// The body argument and the statement that writes it, by encoding. Models are borrowed;
/// an optional body is `impl Into<Option<..>>`, so `&body` and `None` both work, and `None`
/// sends no body at all.
fn body_tokens(body: &RequestBody) -> (TokenStream, TokenStream) {
    let content_type = &body.content_type;
    let (ty, write) = match body.encoding {
        BodyEncoding::Text => (quote!(str), quote!(request.text(body, #content_type))),
        BodyEncoding::Bytes => (quote!([u8]), quote!(request.bytes(body, #content_type))),
        BodyEncoding::Json => (
            ty_tokens(&body.ty, Scope::Root),
            quote!(request.json(body, #content_type)?),
        ),
        BodyEncoding::Form => (
            ty_tokens(&body.ty, Scope::Root),
            quote!(request.form(body, #content_type)),
        ),
        BodyEncoding::Multipart => (
            ty_tokens(&body.ty, Scope::Root),
            quote!(request.multipart(body)),
        ),
    };
    if body.required {
        (quote!(body: &#ty), quote!(#write;))
    } else {
        (
            quote!(body: impl ::std::convert::Into<::std::option::Option<&#ty>>),
            quote! {
                if let ::std::option::Option::Some(body) = body.into() {
                    #write;
                }
            },
        )
    }
}

/// How a parameter is passed: small copyable values by value, the rest by reference.
fn param_type(p: &Param) -> TokenStream {
    let borrowed = match &p.ty {
        Ty::String => quote!(&str),
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, Scope::Root);
            quote!(&[#inner])
        }
        Ty::I32
        | Ty::I64
        | Ty::U64
        | Ty::I128
        | Ty::F64
        | Ty::Bool
        | Ty::Uuid
        | Ty::DateTime
        | Ty::Date => ty_tokens(&p.ty, Scope::Root),
        other => {
            let ty = ty_tokens(other, Scope::Root);
            quote!(&#ty)
        }
    };
    if p.required {
        borrowed
    } else {
        quote!(::std::option::Option<#borrowed>)
    }
}
