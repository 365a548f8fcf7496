//! The `builder` module: a request builder per operation. A `Client` method takes the required
//! parameters and the body; the builder it returns has a setter per optional parameter and is
//! sent by `.await` (it implements `IntoFuture`), `send()` or `send_with_response()`.
//!
//! Each builder's code is synchronous (`request` builds, `read` decodes); the one future is the
//! runtime's `Core::execute`, shared by all, and `runtime::Call` adds only a small `poll`.
//! Everything a builder does is `#[inline]`: compiled in the crate that calls it, like an
//! `async fn`'s body, so an SDK of a thousand operations does not codegen (and decode-
//! monomorphise) a thousand operations the user never calls. Without it the nexus SDK took
//! 1.5x as long to compile.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attrs, gate_attr, ty_tokens, EmitOptions, Scope, Section};
use crate::ir::{
    Api, AuthKind, BodyEncoding, Operation, Param, ParamLocation, RequestBody, StatusMatch,
    Success, Ty, TypeKind,
};

/// The `builder` module: the builders of the operations `ops`, then `exports` (the client's
/// re-exports of the builders in other files).
pub fn emit_builders(
    api: &Api,
    options: EmitOptions,
    ops: Vec<usize>,
    exports: Vec<TokenStream>,
) -> Section<'_> {
    let allows = super::generated_allows();
    let builders = ops
        .into_iter()
        .map(move |i| builder(api, &api.operations[i], &options));
    Section::Block {
        head: quote! {
            /// What the client's methods return: a request to set optional parameters on, then
            /// send with `.await` (the body), `send()` (the same) or `send_with_response()` (the
            /// status and headers too).
            #allows
            pub mod builder
        },
        items: Box::new(builders.chain(exports)),
    }
}

/// How a parameter is stored and passed: text and lists borrowed, everything else by value.
pub(crate) fn borrowed(ty: &Ty) -> bool {
    matches!(ty, Ty::String | Ty::Vec(_))
}

/// The type a parameter is passed as, with lifetime `'a` on borrows.
pub(crate) fn param_type(ty: &Ty, scope: Scope) -> TokenStream {
    match ty {
        Ty::String => quote!(&'a str),
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(&'a [#inner])
        }
        other => ty_tokens(other, scope),
    }
}

/// The body's type as borrowed (`&'a T`), by encoding.
pub(crate) fn body_type(body: &RequestBody, scope: Scope) -> TokenStream {
    match body.encoding {
        BodyEncoding::Text => quote!(&'a str),
        BodyEncoding::Bytes => quote!(&'a [u8]),
        _ => {
            let ty = ty_tokens(&body.ty, scope);
            quote!(&'a #ty)
        }
    }
}

/// The Rust type of a success body.
pub(crate) fn success_type(op: &Operation, scope: Scope) -> TokenStream {
    match &op.success {
        Success::Empty => quote!(()),
        Success::Json(ty) => ty_tokens(ty, scope),
        Success::Text => quote!(::std::string::String),
        Success::Bytes => quote!(::std::vec::Vec<u8>),
        Success::Statuses(name) => ty_tokens(&Ty::Named(name.clone()), scope),
    }
}

/// The type of the headers an operation's answer declares (`()` when none).
pub(crate) fn headers_type(op: &Operation, scope: Scope) -> TokenStream {
    match &op.headers {
        Some(name) => ty_tokens(&Ty::Named(name.clone()), scope),
        None => quote!(()),
    }
}

fn builder(api: &Api, op: &Operation, options: &EmitOptions) -> TokenStream {
    let name = format_ident!("{}", op.builder);
    let method = format_ident!("{}", op.name);
    let cfg = gate_attr(&op.gate, options);
    let scope = Scope::Nested;
    let mut fields = vec![quote!(pub(crate) client: &'a super::Client,)];
    for p in &op.params {
        let ident = format_ident!("{}", p.name);
        let ty = param_type(&p.ty, scope);
        fields.push(if p.required {
            quote!(pub(crate) #ident: #ty,)
        } else {
            quote!(pub(crate) #ident: Option<#ty>,)
        });
    }
    if let Some(body) = &op.body {
        let ty = body_type(body, scope);
        fields.push(match (op.uploads(), body.required, body.nullable) {
            (true, _, _) => quote!(pub(crate) body: super::runtime::Upload<'a>,),
            (_, true, false) => quote!(pub(crate) body: #ty,),
            // Required and nullable (`None` is `null`), or optional (`None` is no body).
            (_, true, true) | (_, false, false) => quote!(pub(crate) body: Option<#ty>,),
            (_, false, true) => quote!(pub(crate) body: super::runtime::Nullable<#ty>,),
        });
    }
    let setters = op.optional_params().map(setter);
    let ok = success_type(op, scope);
    let headers = headers_type(op, scope);
    let documented = documented_statuses(op);
    let request = request_fn(api, op);
    let read = read_fn(api, op);
    let streams = super::streams::senders(op, &ok, &headers);
    let doc = if op.optional_params().next().is_some() {
        format!(" The request of [`Client::{method}`](super::Client::{method}): set its optional parameters, then `.await` it.")
    } else {
        format!(" The request of [`Client::{method}`](super::Client::{method}), to `.await`.")
    };
    quote! {
        #cfg
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #name<'a> {
            #(#fields)*
        }

        #cfg
        impl<'a> #name<'a> {
            /// The statuses whose bodies are read whole: the successes and documented errors.
            const DOCUMENTED: &'static [(u16, u16)] = &[#(#documented),*];

            #(#setters)*

            #streams

            #request

            #read
        }

        // `send`, `send_with_response` and `.await`: the same for every builder but its types.
        #cfg
        super::runtime::impl_sender!(#name, #ok, #headers);
    }
}

/// A setter for an optional parameter, documented with the parameter's description.
fn setter(p: &Param) -> TokenStream {
    let ident = format_ident!("{}", p.name);
    let ty = param_type(&p.ty, Scope::Nested);
    let docs = doc_attrs(&p.docs, &[]);
    let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        #[inline]
        pub fn #ident(mut self, #ident: #ty) -> Self {
            self.#ident = Some(#ident);
            self
        }
    }
}

/// `fn request(&self)`: the operation's request, its parameters written.
fn request_fn(api: &Api, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
    let mut statements = Vec::new();
    for p in &op.params {
        let ident = format_ident!("{}", p.name);
        let wire = &p.wire_name;
        let style = p.style.map(|s| {
            let s = format_ident!("{}", s.as_str());
            quote!(super::runtime::Style::#s)
        });
        if op.idempotency_key.as_ref() == Some(&p.name) {
            let key = if p.required {
                quote!(Some(self.#ident))
            } else {
                quote!(self.#ident)
            };
            statements.push(quote!(request.idempotency_key(#wire, #key);));
            continue;
        }
        statements.push(match (p.location, style) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, Some(style)) => {
                quote!(request.query_in(#wire, &self.#ident, #style);)
            }
            (ParamLocation::Header, Some(style)) => {
                quote!(request.header_in(#wire, &self.#ident, #style);)
            }
            (ParamLocation::Query, None) => quote!(request.query(#wire, &self.#ident);),
            (ParamLocation::Header, None) => quote!(request.header(#wire, &self.#ident);),
            (ParamLocation::Cookie, _) => quote!(request.cookie(#wire, &self.#ident);),
        });
    }
    if let Some(server) = &op.server {
        statements.push(quote!(request.server = Some(#server);));
    }
    let flag = op.events.as_ref().and_then(|e| e.flag.as_ref());
    if let Some(body) = &op.body {
        if let (Some(flag), true) = (flag, body.required && !body.nullable) {
            statements.push(super::streams::flagged_body(
                &body.ty,
                flag,
                quote!(self.body),
            ));
            let content_type = &body.content_type;
            statements.push(quote!(request.json(body, #content_type)?;));
        } else {
            statements.push(body_statement(body));
        }
    }
    let path = path_expr(op);
    let auth = op.auth.iter().map(|alternative| {
        let schemes = alternative
            .iter()
            .map(|&i| auth_tokens(&api.auth[i].kind, &api.auth[i].key));
        quote!(&[#(#schemes),*])
    });
    // The operation's name and path template are what hooks and traces report.
    let (name, template) = (&op.name, &op.path);
    let new = quote!(super::runtime::Request::new(#name, ::reqwest::Method::#method, #template, #path, &[#(#auth),*]));
    // Without statements, no `mut` binding (clippy would flag it).
    let build = if statements.is_empty() {
        quote!(Ok(#new))
    } else {
        quote! {
            let mut request = #new;
            #(#statements)*
            Ok(request)
        }
    };
    if flag.is_some() {
        // The plain sender and `stream()` share one request, told apart by the flag.
        return quote! {
            #[inline]
            fn request(&self) -> Result<super::runtime::Request, super::Error> {
                self.request_streaming(false)
            }

            #[inline]
            fn request_streaming(&self, stream: bool) -> Result<super::runtime::Request, super::Error> {
                #build
            }
        };
    }
    quote! {
        #[inline]
        fn request(&self) -> Result<super::runtime::Request, super::Error> {
            #build
        }
    }
}

/// The statement that writes the body, by encoding; an optional body is written when set.
fn body_statement(body: &RequestBody) -> TokenStream {
    let content_type = &body.content_type;
    // A body that may be `null` is JSON: `None` or `Nullable::Null` is written as `null`.
    if body.nullable && body.required {
        return quote!(request.json(&self.body, #content_type)?;);
    }
    if body.nullable {
        return quote! {
            if !self.body.is_absent() {
                request.json(&self.body, #content_type)?;
            }
        };
    }
    let value = if body.required {
        quote!(self.body)
    } else {
        quote!(body)
    };
    let write = match body.encoding {
        BodyEncoding::Text => quote!(request.text(#value, #content_type)),
        // A required binary body is an `Upload` (bytes, a file or a stream).
        BodyEncoding::Bytes if body.required => quote!(request.upload(&#value, #content_type)),
        BodyEncoding::Bytes => quote!(request.bytes(#value, #content_type)),
        BodyEncoding::Json => quote!(request.json(#value, #content_type)?),
        BodyEncoding::Form => quote!(request.form(#value, #content_type)),
        BodyEncoding::Multipart => quote!(request.multipart(#value)),
    };
    if body.required {
        quote!(#write;)
    } else {
        quote! {
            if let Some(body) = self.body {
                #write;
            }
        }
    }
}

/// `fn read(answer)`: the body by status, the declared headers, or the error.
fn read_fn(api: &Api, op: &Operation) -> TokenStream {
    let ok = success_type(op, Scope::Nested);
    let headers_ty = headers_type(op, Scope::Nested);
    let error_arms = error_arms(api, op);
    let mut consumes = false;
    let mut read_body = |success: &Success| match success {
        Success::Empty => quote!(()),
        Success::Json(_) => quote!(answer.json()?),
        Success::Text => {
            consumes = true;
            quote!(answer.text()?)
        }
        Success::Bytes => {
            consumes = true;
            quote!(answer.bytes()?)
        }
        Success::Statuses(_) => unreachable!("a statuses variant holds a body"),
    };
    let decode = match &op.success {
        Success::Empty => quote! {
            match answer.status() {
                200..=299 => {}
                #(#error_arms)*
            }
        },
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
            let arms: Vec<TokenStream> = sorted
                .iter()
                .map(|v| {
                    let variant = format_ident!("{}", v.name);
                    let value = match v.body {
                        Success::Empty => quote!(super::types::#enum_ident::#variant),
                        ref body => {
                            let read = read_body(body);
                            quote!(super::types::#enum_ident::#variant(#read))
                        }
                    };
                    let pattern = match v.status {
                        StatusMatch::Code(code) => {
                            let code = Literal::u16_unsuffixed(code);
                            quote!(#code)
                        }
                        _ => quote!(200..=299),
                    };
                    quote!(#pattern => #value,)
                })
                .collect();
            quote! {
                let body = match answer.status() {
                    #(#arms)*
                    #(#error_arms)*
                };
            }
        }
        other => {
            let read = read_body(other);
            quote! {
                let body = match answer.status() {
                    200..=299 => #read,
                    #(#error_arms)*
                };
            }
        }
    };
    let body = match op.success {
        Success::Empty => quote!(()),
        _ => quote!(body),
    };
    let headers = match &op.headers {
        Some(name) => {
            let ident = format_ident!("{}", name);
            let fields = match api.type_named(name).map(|t| &t.kind) {
                Some(TypeKind::Headers(fields)) => fields,
                other => panic!("`{name}` is not a headers type in the IR: {other:?}"),
            };
            let fields = fields.iter().map(|f| {
                let field = format_ident!("{}", f.name);
                let wire = f.wire_name.to_ascii_lowercase();
                quote!(#field: answer.header(#wire),)
            });
            quote!(let headers = super::types::#ident { #(#fields)* };)
        }
        None => TokenStream::new(),
    };
    let headers_value = match op.headers {
        Some(_) => quote!(headers),
        None => quote!(()),
    };
    let answer = if consumes {
        quote!(mut answer)
    } else {
        quote!(answer)
    };
    quote! {
        #[inline]
        fn read(#answer: super::runtime::Answer) -> Result<super::runtime::Response<#ok, #headers_ty>, super::Error> {
            #decode
            #headers
            Ok(answer.respond(#body, #headers_value))
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
    merged
        .iter()
        .map(|&(lo, hi)| {
            let (lo, hi) = (Literal::u16_unsuffixed(lo), Literal::u16_unsuffixed(hi));
            quote!((#lo, #hi))
        })
        .collect()
}

/// Match arms for documented error statuses: codes, then ranges, then `default` or the
/// catch-all for undocumented ones. Each returns the error.
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
        quote!(return Err(answer.error(super::ErrorBody::#variant)))
    };
    let mut arms: Vec<TokenStream> = groups
        .iter()
        .map(|(body, intervals)| {
            let decode = decode(*body);
            let patterns = intervals.iter().map(|&(lo, hi)| {
                let (lo_lit, hi_lit) = (Literal::u16_unsuffixed(lo), Literal::u16_unsuffixed(hi));
                if lo == hi {
                    quote!(#lo_lit)
                } else {
                    quote!(#lo_lit..=#hi_lit)
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
        None => quote!(_ => return Err(answer.unexpected()),),
    });
    arms
}

fn auth_tokens(kind: &AuthKind, key: &str) -> TokenStream {
    match kind {
        AuthKind::Bearer => quote!(super::runtime::Auth::Bearer),
        AuthKind::Basic => quote!(super::runtime::Auth::Basic),
        AuthKind::ApiKey { location, name } => {
            let location = match location {
                ParamLocation::Query => quote!(super::runtime::KeyIn::Query),
                ParamLocation::Cookie => quote!(super::runtime::KeyIn::Cookie),
                _ => quote!(super::runtime::KeyIn::Header),
            };
            quote!(super::runtime::Auth::ApiKey { scheme: #key, location: #location, name: #name })
        }
    }
}

/// The path with its parameters encoded, as plain Rust:
/// `["/sandbox-images/", &super::runtime::path_segment("image_id", &self.image_id)?].concat()`.
fn path_expr(op: &Operation) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    let mut literal = String::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let wire = &rest[start + 1..start + len];
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == wire);
        literal.push_str(&rest[..start]);
        match param {
            Some(p) => {
                if !literal.is_empty() {
                    parts.push(quote!(#literal));
                    literal.clear();
                }
                let ident = format_ident!("{}", p.name);
                parts.push(match p.style {
                    Some(style) => {
                        let style = format_ident!("{}", style.as_str());
                        quote!(&super::runtime::path_segment_in(#wire, &self.#ident, super::runtime::Style::#style)?)
                    }
                    None => quote!(&super::runtime::path_segment(#wire, &self.#ident)?),
                });
            }
            // A template variable nothing fills stays as written.
            None => literal.push_str(&rest[start..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(quote!(#literal));
    }
    match parts.as_slice() {
        [] => quote!(String::new()),
        [only] if op.params.iter().all(|p| p.location != ParamLocation::Path) => {
            quote!(String::from(#only))
        }
        _ => quote!([#(#parts),*].concat()),
    }
}

/// The method's docs: the operation's, its HTTP line, its arguments, its setters, and (in a
/// crate of its own) an example call.
pub(crate) fn method_docs(op: &Operation, example_crate: Option<&str>) -> TokenStream {
    let mut extra = vec![format!("`{} {}`", op.method.as_str(), op.path)];
    if let Some(server) = &op.server {
        extra.push(format!(
            "Sent to `{server}`, this operation's own server, not the client's base URL (a \
             [`RequestOptions::base_url`] overrides both)."
        ));
    }
    let arguments: Vec<String> = op
        .required_params()
        .filter_map(|p| {
            let text = p.docs.description.as_deref()?.trim();
            let text = super::docs::for_rustdoc(text).replace('\n', "\n  ");
            (!text.is_empty()).then(|| format!("- `{}`: {text}", p.name))
        })
        .collect();
    if !arguments.is_empty() {
        extra.push(format!("# Arguments\n\n{}", arguments.join("\n")));
    }
    let optional: Vec<String> = op
        .optional_params()
        .map(|p| format!("[`{0}`](builder::{1}::{0})", p.name, op.builder))
        .collect();
    if !optional.is_empty() {
        extra.push(format!("Optional parameters: {}.", optional.join(", ")));
    }
    if let Some(krate) = example_crate {
        extra.push(example(op, krate));
    }
    doc_attrs(&op.docs, &extra)
}

/// A call of the operation that compiles (`no_run`): its arguments come from a hidden
/// function's parameters, so the example holds only the call.
fn example(op: &Operation, krate: &str) -> String {
    let mut inputs = vec![format!("client: {krate}::Client")];
    let mut args = Vec::new();
    let lifetime_free = |tokens: TokenStream| {
        let text = tokens.to_string().replace("'a ", "");
        text.replace(" :: ", "::")
            .replace(":: ", "::")
            .replace("& ", "&")
            .replace(" < ", "<")
            .replace(" >", ">")
    };
    for p in op.required_params() {
        inputs.push(format!(
            "{}: {}",
            p.name,
            lifetime_free(param_type(&p.ty, Scope::Root))
        ));
        args.push(p.name.clone());
    }
    let body = op.body.as_ref().map(|body| {
        let ty = lifetime_free(body_type(body, Scope::Root));
        match (body.required, body.nullable) {
            (true, true) => format!("body: Option<{ty}>"),
            _ => format!("body: {ty}"),
        }
    });
    if let Some(body) = body {
        inputs.push(body);
        args.push("body".into());
    }
    let mut call = format!("client.{}({})", op.name, args.join(", "));
    if let Some(p) = op.optional_params().find(|p| !p.deprecated) {
        inputs.push(format!(
            "{}: {}",
            p.name,
            lifetime_free(param_type(&p.ty, Scope::Root))
        ));
        call.push_str(&format!(".{0}({0})", p.name));
    }
    // An operation that streams shows its stream: what a user of it is after.
    let line = if op.events.is_some() {
        format!("let mut events = {call}.stream().await?;\nwhile let Some(event) = events.next().await {{\n    println!(\"{{:?}}\", event?);\n}}")
    } else if op.paging.is_some() {
        format!("let mut items = {call}.items();\nwhile let Some(item) = items.next().await {{\n    println!(\"{{:?}}\", item?);\n}}")
    } else {
        match op.success {
            Success::Empty => format!("{call}.await?;"),
            _ => format!("let answer = {call}.await?;"),
        }
    };
    let allow = if op.deprecated {
        "# #[allow(deprecated)]\n"
    } else {
        ""
    };
    format!(
        "```no_run\n# use {krate}::{{runtime, types}};\n{allow}# async fn example({}) -> Result<(), {krate}::Error> {{\n{line}\n# Ok(())\n# }}\n```",
        inputs.join(", ")
    )
}
