//! The client: constructor, settings, one async method per operation, and the error body.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builder::{body_type, method_docs, param_type};
use super::{doc_attrs, gate_attr, ty_tokens, EmitOptions, Scope, Section};
use crate::ir::{Api, AuthKind, Docs, Operation};

/// The client's sections: the error types, constants and struct, then its `impl` block, whose
/// methods (those of the operations `ops`) are made one at a time, then the declarations of
/// the modules holding the other operations.
pub fn emit_client<'a>(
    api: &'a Api,
    options: &'a EmitOptions,
    ops: Vec<usize>,
    modules: Vec<TokenStream>,
) -> Vec<Section<'a>> {
    let base_url = api.base_url.clone().unwrap_or_default();
    let user_agent = &options.user_agent;
    let has_bearer = api.auth.iter().any(|a| a.kind == AuthKind::Bearer);
    let constructor = constructor(has_bearer, &base_url);
    let credentials = credential_setters(api, has_bearer);
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
            summary: Some(
                "One method per operation; each returns a request to `.await`.".to_string(),
            ),
            description: api.description.clone(),
        },
        &["Cheap to clone: clones share one connection pool.".to_string()],
    );
    let top = quote! {
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
    };
    let fixed = quote! {
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

        /// Sends every request through `transport` instead of HTTP: your own stack (a
        /// `reqwest-middleware` client, say), or the `testing` feature's `MockTransport`.
        /// Retries, timeouts and decoding stay the client's.
        pub fn with_transport(mut self, transport: impl runtime::Transport) -> Self {
            self.core.set_transport(transport);
            self
        }

        /// Calls `hook` before each attempt of every call (it may change the request, which
        /// it sees without credentials) and after it: for logs, metrics or signing.
        pub fn with_hook(mut self, hook: impl runtime::Hook) -> Self {
            self.core.add_hook(hook);
            self
        }

        /// How long one attempt may take, from connecting to the end of the response body
        /// (default: 60 seconds).
        pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.core.add_options(RequestOptions::new().timeout(timeout));
            self
        }

        /// How many times a failed request is retried (default: 2; `0` turns retries off).
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
    };
    let operations = ops
        .into_iter()
        .map(|i| operation(&api.operations[i], options));
    let mut sections = vec![
        Section::Top(Box::new(std::iter::once(top))),
        Section::Block {
            head: quote!(#allows impl Client),
            items: Box::new(std::iter::once(fixed).chain(operations)),
        },
    ];
    if !modules.is_empty() {
        sections.push(Section::Top(Box::new(modules.into_iter())));
    }
    sections
}

/// A file of operations (`src/client/<tag>.rs`): their methods, in an `impl Client` block of
/// its own, and their builders, in a `builder` module the client's re-exports.
pub fn emit_client_module(api: &Api, options: EmitOptions, ops: Vec<usize>) -> Vec<Section<'_>> {
    let allows = super::generated_allows();
    let imports = quote! {
        #[allow(unused_imports)]
        use super::*;
    };
    let methods = {
        let (ops, options) = (ops.clone(), options.clone());
        ops.into_iter()
            .map(move |i| operation(&api.operations[i], &options))
    };
    vec![
        Section::Top(Box::new(std::iter::once(imports))),
        Section::Block {
            head: quote!(#allows impl Client),
            items: Box::new(methods),
        },
        super::builder::emit_builders(api, options, ops, Vec::new()),
    ]
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

            /// Takes bearer tokens from `provider` (a vault, another OAuth2 flow) instead of a
            /// fixed token: asked before each call, and again once when the server answers
            /// `401`, with the refused token.
            pub fn with_token_provider(mut self, provider: impl runtime::TokenProvider) -> Self {
                self.core.set_token_provider(provider);
                self
            }
        });
    }
    if let Some((scheme, flow)) = api.client_credentials() {
        let url = &flow.token_url;
        let scopes = if flow.scopes.is_empty() {
            "The spec lists no scopes.".to_string()
        } else {
            let listed: Vec<String> = flow
                .scopes
                .iter()
                .map(|s| format!("`{}`", s.replace('`', "'")))
                .collect();
            format!("The scopes the spec lists: {}.", listed.join(", "))
        };
        let doc = format!(
            " A client that runs OAuth2's client credentials flow of the `{}` scheme: it fetches \
             a token from `{}` (relative to the base URL when the spec gives a path), caches \
             it, and replaces it before it expires or when the server refuses it. `scopes` are \
             asked for as given; none asks for the server's default. {scopes} See \
             `runtime::ClientCredentials`.",
            scheme.key.replace('`', "'"),
            url.replace('`', "'"),
        );
        out.extend(quote! {
            #[doc = #doc]
            pub fn from_client_credentials(
                client_id: impl ::std::convert::Into<::std::string::String>,
                client_secret: impl ::std::convert::Into<::std::string::String>,
                scopes: &[&str],
            ) -> Self {
                let mut core = runtime::Core::new(DEFAULT_BASE_URL, USER_AGENT);
                core.set_token_provider(runtime::ClientCredentials::new(#url, client_id, client_secret).scopes(scopes));
                Client { core }
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

/// The client method of an operation: its required parameters and body as arguments, the
/// rest set on the builder it returns.
fn operation(op: &Operation, options: &EmitOptions) -> TokenStream {
    let name = format_ident!("{}", op.name);
    let builder = format_ident!("{}", op.builder);
    let docs = method_docs(op, options.example_crate.as_deref());
    let mut args = Vec::new();
    let mut fields = vec![quote!(client: self,)];
    for p in &op.params {
        let ident = format_ident!("{}", p.name);
        if p.required {
            let ty = param_type(&p.ty, Scope::Root);
            args.push(quote!(#ident: #ty));
            fields.push(quote!(#ident,));
        } else {
            fields.push(quote!(#ident: ::std::option::Option::None,));
        }
    }
    if let Some(body) = &op.body {
        let ty = body_type(body, Scope::Root);
        if op.uploads() {
            // `&[u8]` as before, or a file or stream read as it is sent.
            args.push(quote!(body: impl ::std::convert::Into<runtime::Upload<'a>>));
            fields.push(quote!(body: body.into(),));
        } else if body.required && body.nullable {
            // `None` sends `null`.
            args.push(quote!(body: ::std::option::Option<#ty>));
            fields.push(quote!(body,));
        } else if body.required {
            args.push(quote!(body: #ty));
            fields.push(quote!(body,));
        } else if body.nullable {
            // `&body`, `Nullable::Null` (or `None`) to send `null`, `Nullable::Absent` for none.
            args.push(quote!(body: impl ::std::convert::Into<runtime::Nullable<#ty>>));
            fields.push(quote!(body: body.into(),));
        } else {
            // `&body` and `None` both work; `None` sends no body at all.
            args.push(quote!(body: impl ::std::convert::Into<::std::option::Option<#ty>>));
            fields.push(quote!(body: body.into(),));
        }
    }
    let cfg = gate_attr(&op.gate, options);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #cfg
        #docs
        #deprecated
        pub fn #name<'a>(&'a self, #(#args),*) -> builder::#builder<'a> {
            builder::#builder { #(#fields)* }
        }
    }
}
