//! Paths and operations to client methods.

use indexmap::IndexMap;
use openapiv3::{
    Components, MediaType, Operation as SpecOperation, Parameter, ParameterSchemaOrContent,
    ReferenceOr, RequestBody as SpecBody, Response, StatusCode,
};

use super::schemas::{SchemaType, Schemas};
use super::{
    AuthKind, AuthScheme, BodyEncoding, Docs, ErrorBody, ErrorResponse, Field, Gate, Method,
    Operation, Param, ParamLocation, ParamStyle, Presence, RequestBody, StatusMatch, StatusVariant,
    Success, Ty, TypeKind,
};
use crate::diagnostics::{join, unescape_token, Diagnostic, Sink};
use crate::naming::{Case, Namespace};

/// Names the generated `Client` defines itself; operations get other names.
pub const CLIENT_RESERVED: &[&str] = &[
    "new",
    "from_client_credentials",
    "with_token_provider",
    "with_base_url",
    "with_http_client",
    "with_transport",
    "with_hook",
    "with_timeout",
    "with_max_retries",
    "with_options",
    "with_basic_auth",
    "with_bearer_token",
    "base_url",
    "clone",
    "fmt",
];

/// Names the `builder` module must not give a builder: the prelude's, which its code uses.
pub const BUILDER_MODULE_RESERVED: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Send",
    "Sync",
    "Sized",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Future",
    "IntoFuture",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "From",
    "Into",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Eq",
];

/// Names a request builder defines itself (its fields, methods and locals); parameters get
/// other names.
const BUILDER_RESERVED: &[&str] = &[
    "request",
    "response",
    "answer",
    "self_",
    "client",
    "body",
    "send",
    "send_with_response",
    "into_future",
    "call",
    "read",
    "request_streaming",
];

/// Names of the senders a builder has only where they apply (events, pages, a download):
/// reserved in those builders alone, so no other operation's setters are renamed for them.
pub(super) const STREAM_SENDERS: &[&str] = &["stream", "items", "pages", "bytes_stream"];

/// The name a spec gives an item for SDKs, over the one sdkgen would make
/// (`x-speakeasy-name-override`, Fern's `x-fern-parameter-name`).
pub(super) fn name_override(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
) -> Option<&str> {
    ["x-speakeasy-name-override", "x-fern-parameter-name"]
        .iter()
        .find_map(|k| extensions.get(*k)?.as_str())
        .filter(|name| !name.trim().is_empty())
}

/// The method name an operation asks for: `x-speakeasy-name-override`, or Fern's
/// `x-fern-sdk-group-name` and `x-fern-sdk-method-name` (`group_method`), else its
/// `operationId`.
fn method_label(op: &SpecOperation) -> Option<String> {
    if let Some(name) = name_override(&op.extensions) {
        return Some(name.to_string());
    }
    let method = op.extensions.get("x-fern-sdk-method-name")?.as_str()?;
    let group = match op.extensions.get("x-fern-sdk-group-name") {
        Some(serde_json::Value::String(g)) => vec![g.as_str()],
        Some(serde_json::Value::Array(groups)) => {
            groups.iter().filter_map(|g| g.as_str()).collect()
        }
        _ => Vec::new(),
    };
    let mut words = group;
    words.push(method);
    Some(words.join(" "))
}

/// The headers a document's `x-fern-idempotency-headers` lists, with the parameter name each
/// gives (`[{header: Idempotency-Key, name: idempotency_key}]`; the header when none).
pub(super) fn idempotency_headers(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
) -> Vec<(String, String)> {
    extensions
        .get("x-fern-idempotency-headers")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| {
            let header = h.get("header")?.as_str().filter(|h| is_token(h))?;
            let name = h.get("name").and_then(|n| n.as_str()).unwrap_or(header);
            Some((header.to_string(), name.to_string()))
        })
        .collect()
}

pub struct Operations<'s, 'a> {
    pub schemas: &'s mut Schemas<'a>,
    pub components: Option<&'a Components>,
    pub auth: &'s [AuthScheme],
    pub global_security: Option<&'a Vec<openapiv3::SecurityRequirement>>,
    pub methods: Namespace,
    /// Request builders' names (the `builder` module holds nothing else).
    pub builders: Namespace,
    pub error_bodies: Vec<ErrorBody>,
    /// Why operations were left out.
    pub left_out: Vec<Diagnostic>,
    /// What `x-fern-idempotency-headers` lists ([`idempotency_headers`]).
    pub idempotency_headers: Vec<(String, String)>,
}

impl<'s, 'a> Operations<'s, 'a> {
    pub fn lower(
        &mut self,
        path: &str,
        method: Method,
        item: &openapiv3::PathItem,
        op: &SpecOperation,
    ) -> Vec<Operation> {
        let path_params = &item.parameters;
        let pointer = join(&join("/paths", path), &method.as_str().to_lowercase());
        let label = method_label(op)
            .or_else(|| op.operation_id.clone())
            .unwrap_or_else(|| format!("{} {}", method.as_str().to_lowercase(), path_words(path)));
        let name = self.methods.claim(&label, Case::Snake);
        let hint = heck::AsUpperCamelCase(&name).to_string();

        let mut params_ns = Namespace::with_reserved(BUILDER_RESERVED);
        let mut auth: Vec<Vec<usize>> = self.security_requirements(op);
        // Why the operation cannot be called as written: all of them are gathered, then it is
        // left out.
        let mut problems = Vec::new();
        let merged = self.merged_params(path_params, op, &pointer, &mut problems);
        let mut params = self.params(merged, &hint, &mut auth);
        self.undeclared_path_params(path, &mut params, &pointer);
        let idempotency_wire = self.idempotency(op, &mut params);
        // Path parameters first, in template order, then the rest in spec order.
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => path.find(&format!("{{{}}}", p.wire_name)).unwrap_or(0),
            _ => usize::MAX,
        });

        // One method per way of writing the body; the first (JSON if offered) keeps the name.
        let bodies: Vec<Option<RequestBody>> = match &op.request_body {
            None => vec![None],
            Some(body) => {
                let body_pointer = join(&pointer, "requestBody");
                match self.request_bodies(body, &hint, &body_pointer) {
                    Ok(bodies) if bodies.is_empty() => vec![None],
                    Ok(bodies) => bodies.into_iter().map(Some).collect(),
                    Err(problem) => {
                        problems.push(problem);
                        vec![None]
                    }
                }
            }
        };
        let (success, errors, headers) =
            self.responses(op, &hint, &join(&pointer, "responses"), &mut problems);
        if !problems.is_empty() {
            return self.leave_out(problems);
        }
        let events = self.events(op, &hint, &pointer, bodies.first().and_then(Option::as_ref));
        let paging = self.paging(op, &params, &success, &pointer);
        // The senders a builder has only where they apply take their names before the
        // parameters do (see `STREAM_SENDERS`).
        let has = [
            events.is_some(),
            paging.is_some(),
            paging.is_some(),
            success == Success::Bytes,
        ];
        for (sender, _) in STREAM_SENDERS.iter().zip(has).filter(|(_, has)| *has) {
            params_ns.claim(sender, Case::Snake);
        }
        for p in &mut params {
            p.name = params_ns.claim(&p.name, Case::Snake);
        }
        let idempotency_key = params
            .iter()
            .find(|p| Some(&p.wire_name) == idempotency_wire.as_ref())
            .map(|p| p.name.clone());
        // An operation's servers override its path's, which override the document's.
        let server = server_url(&op.servers).or_else(|| server_url(&item.servers));
        let mut out = Vec::with_capacity(bodies.len());
        for (i, body) in bodies.into_iter().enumerate() {
            let name = match &body {
                Some(b) if i > 0 => self
                    .methods
                    .claim(&format!("{label} {}", b.encoding.suffix()), Case::Snake),
                _ => name.clone(),
            };
            out.push(Operation {
                builder: self.builders.claim(&name, Case::Camel),
                name,
                method,
                path: path.to_string(),
                docs: Docs {
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                },
                params: params.clone(),
                body,
                success: success.clone(),
                errors: errors.clone(),
                auth: auth.clone(),
                server: server.clone(),
                tags: op.tags.clone(),
                gate: Gate::new(),
                deprecated: op.deprecated,
                headers: headers.clone(),
                events: events.clone(),
                paging: paging.clone(),
                idempotency_key: idempotency_key.clone(),
            });
        }
        out
    }

    /// The operation's idempotency-key header, by its wire name: a declared string header
    /// called `Idempotency-Key` (any case), or, for an operation marked `x-fern-idempotent`,
    /// the first header the document's `x-fern-idempotency-headers` lists (added as an
    /// optional parameter when the operation does not declare it). Its docs say what it does.
    fn idempotency(&self, op: &SpecOperation, params: &mut Vec<Param>) -> Option<String> {
        let declared = params.iter().position(|p| {
            p.location == ParamLocation::Header
                && p.ty == Ty::String
                && p.wire_name.eq_ignore_ascii_case("idempotency-key")
        });
        let marked = op.extensions.get("x-fern-idempotent") == Some(&serde_json::Value::Bool(true));
        let index = match (declared, self.idempotency_headers.first()) {
            (Some(i), _) => i,
            (None, Some((header, name))) if marked => match params.iter().position(|p| {
                p.location == ParamLocation::Header && p.wire_name.eq_ignore_ascii_case(header)
            }) {
                Some(i) => i,
                None => {
                    params.push(Param {
                        name: name.clone(),
                        wire_name: header.clone(),
                        location: ParamLocation::Header,
                        ty: Ty::String,
                        required: false,
                        docs: Docs::default(),
                        style: None,
                        deprecated: false,
                    });
                    params.len() - 1
                }
            },
            _ => return None,
        };
        let param = &mut params[index];
        let note = "Makes retrying this call safe: the server does its work once per key. When \
                    none is given, a fresh random key is sent, the same on every attempt, so the \
                    call is retried like a `GET`.";
        param.docs.description = Some(match param.docs.description.take() {
            Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
            _ => note.to_string(),
        });
        Some(param.wire_name.clone())
    }

    /// The operation's parameters as the client method takes them (names claimed later, in
    /// order). A header or cookie whose name cannot be sent is left out with a note; one the
    /// spec also declares as a security scheme becomes that scheme's requirement.
    fn params(
        &mut self,
        merged: Vec<(&Parameter, String)>,
        hint: &str,
        auth: &mut Vec<Vec<usize>>,
    ) -> Vec<Param> {
        let mut params = Vec::new();
        for (param, param_pointer) in merged {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => ParamLocation::Cookie,
            };
            if matches!(location, ParamLocation::Header | ParamLocation::Cookie)
                && !is_token(&data.name)
            {
                self.schemas.sink.push(not_a_token(
                    join(&param_pointer, "name"),
                    &data.name,
                    location,
                ));
                continue;
            }
            // A header the spec also declares as a security scheme (`Authorization` beside an
            // HTTP bearer scheme) is the credential, given once to the client.
            if let Some(scheme) = self.scheme_for_param(location, &data.name) {
                if !auth.iter().any(|alternative| alternative.contains(&scheme)) {
                    auth.push(vec![scheme]);
                }
                continue;
            }
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let hint = format!("{hint} {}", data.name);
                    let lowered =
                        self.schemas
                            .lower(schema, &hint, &join(&param_pointer, "schema"));
                    lowered.ty
                }
                ParameterSchemaOrContent::Content(_) => Ty::String,
            };
            params.push(Param {
                style: param_style(param),
                // The name to claim; claimed in order once all are known.
                name: name_override(&data.extensions)
                    .unwrap_or(&data.name)
                    .to_string(),
                deprecated: data.deprecated.unwrap_or(false),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                docs: Docs {
                    summary: None,
                    description: data.description.clone(),
                },
            });
        }
        params
    }

    /// An operation that cannot be called as the spec describes it (a reference to a
    /// parameter, body or response that is not there) is left out, with a note for each
    /// reason; the reasons are kept, to refuse a document none of whose operations is left.
    fn leave_out(&mut self, problems: Vec<Diagnostic>) -> Vec<Operation> {
        for problem in problems {
            self.schemas.sink.push(Diagnostic::note(
                problem.pointer.clone(),
                format!("{}; this operation is left out", problem.message),
            ));
            self.left_out.push(problem);
        }
        Vec::new()
    }

    /// Path-item parameters, overridden by operation parameters of the same name and place.
    fn merged_params<'p>(
        &self,
        path_params: &'p [ReferenceOr<Parameter>],
        op: &'p SpecOperation,
        pointer: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<(&'p Parameter, String)>
    where
        'a: 'p,
    {
        let mut out: Vec<(&Parameter, String)> = Vec::new();
        let op_params = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{pointer}/parameters/{i}")));
        let item_pointer = pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        let item_params = path_params
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{item_pointer}/parameters/{i}")));
        for (p, at) in item_params.chain(op_params) {
            let Some(param) = self.resolve_param(p) else {
                problems.push(Diagnostic::error(
                    join(&at, "$ref"),
                    format!(
                        "{} is not a parameter in this document (a $ref to nothing, or to a $ref)",
                        reference_text(p)
                    ),
                ));
                continue;
            };
            let key = |q: &Parameter| {
                (
                    std::mem::discriminant(q),
                    q.parameter_data_ref().name.clone(),
                )
            };
            out.retain(|(q, _)| key(q) != key(param));
            out.push((param, at));
        }
        out
    }

    fn resolve_param<'p>(&self, p: &'p ReferenceOr<Parameter>) -> Option<&'p Parameter>
    where
        'a: 'p,
    {
        match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                component(&self.components?.parameters, "parameters", reference)
            }
        }
    }

    /// Every `{name}` in the template needs a path parameter, or the URL cannot be built. One
    /// the operation does not declare is a string the caller gives, with a note.
    fn undeclared_path_params(&mut self, path: &str, params: &mut Vec<Param>, pointer: &str) {
        for segment in path.split('{').skip(1) {
            let Some((name, _)) = segment.split_once('}') else {
                continue;
            };
            if params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire_name == name)
            {
                continue;
            }
            self.schemas.sink.push(Diagnostic::note(
                pointer,
                format!(
                    "the path has `{{{name}}}` but the operation declares no path parameter \
                     `{name}`; it is generated as a required string parameter"
                ),
            ));
            params.push(Param {
                style: None,
                name: name.to_string(),
                deprecated: false,
                wire_name: name.to_string(),
                location: ParamLocation::Path,
                ty: Ty::String,
                required: true,
                docs: Docs::default(),
            });
        }
    }

    /// The requirements in force (the operation's, else the document's): each alternative
    /// lists the schemes sent together (`{a: [], b: []}` is both). `{}` allows no credential.
    /// An alternative naming a scheme sdkgen cannot send (mutual TLS) is left out.
    fn security_requirements(&self, op: &SpecOperation) -> Vec<Vec<usize>> {
        let requirements = op.security.as_ref().or(self.global_security);
        let mut out: Vec<Vec<usize>> = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            let schemes: Option<Vec<usize>> = requirement
                .keys()
                .map(|key| self.auth.iter().position(|a| &a.key == key))
                .collect();
            if let Some(schemes) = schemes {
                if !out.contains(&schemes) {
                    out.push(schemes);
                }
            }
        }
        out
    }

    fn scheme_for_param(&self, location: ParamLocation, name: &str) -> Option<usize> {
        self.auth.iter().position(|a| match &a.kind {
            AuthKind::Bearer | AuthKind::Basic => {
                location == ParamLocation::Header && name.eq_ignore_ascii_case("authorization")
            }
            AuthKind::ApiKey {
                location: l,
                name: n,
            } => {
                *l == location
                    && if location == ParamLocation::Header {
                        n.eq_ignore_ascii_case(name)
                    } else {
                        n == name
                    }
            }
        })
    }

    /// The ways the operation's body can be written, best first: JSON, form, multipart, text,
    /// bytes; one media type per way (the first the spec lists).
    fn request_bodies(
        &mut self,
        body: &ReferenceOr<SpecBody>,
        hint: &str,
        pointer: &str,
    ) -> Result<Vec<RequestBody>, Diagnostic> {
        let body = match body {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => self
                .components
                .and_then(|c| component(&c.request_bodies, "requestBodies", reference))
                .ok_or_else(|| {
                    Diagnostic::error(
                        pointer,
                        format!("`{reference}` does not resolve to a request body"),
                    )
                })?,
        };
        let mut chosen: Vec<(BodyEncoding, &String, &MediaType)> = Vec::new();
        for (content_type, media) in &body.content {
            let encoding = BodyEncoding::of(content_type);
            if !chosen.iter().any(|(e, _, _)| *e == encoding) {
                chosen.push((encoding, content_type, media));
            }
        }
        chosen.sort_by_key(|(e, _, _)| *e);
        let mut out = Vec::new();
        for (encoding, content_type, media) in chosen {
            let at = join(&join(pointer, "content"), content_type);
            let ty = match encoding {
                BodyEncoding::Text => Ty::String,
                BodyEncoding::Bytes => Ty::Binary,
                _ => self.media_type(media, &format!("{hint} Body"), &at),
            };
            let parts = matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart);
            if parts && !self.schemas.is_struct(&ty) {
                self.schemas.sink.push(Diagnostic::note(
                    at,
                    "a form or multipart body whose schema is not an object with properties has \
                     no fields to name; this media type is left out",
                ));
                continue;
            }
            // A JSON body that may be `null`: the value's type, and a flag the emitter turns
            // into `Option` (required) or `Nullable` (optional), never `&Option<T>`.
            let (ty, nullable) = match ty {
                Ty::Nullable(inner) if encoding == BodyEncoding::Json => (*inner, true),
                ty => (ty, false),
            };
            out.push(RequestBody {
                ty,
                required: body.required,
                nullable,
                content_type: content_type.clone(),
                encoding,
            });
        }
        Ok(out)
    }

    pub(super) fn media_type(&mut self, media: &MediaType, hint: &str, pointer: &str) -> Ty {
        match &media.schema {
            Some(schema) => {
                let SchemaType { ty, nullable } =
                    self.schemas.lower(schema, hint, &join(pointer, "schema"));
                if nullable && ty != Ty::Json {
                    Ty::Nullable(Box::new(ty))
                } else {
                    ty
                }
            }
            None => Ty::Json,
        }
    }

    fn responses(
        &mut self,
        op: &SpecOperation,
        hint: &str,
        pointer: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> (Success, Vec<ErrorResponse>, Option<String>) {
        let mut successes: Vec<(StatusMatch, Success)> = Vec::new();
        let mut errors = Vec::new();
        let mut headers = ResponseHeaders::default();
        let mut all: Vec<(StatusMatch, String, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| match code {
                StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string(), r),
                StatusCode::Range(c) => (StatusMatch::Range(*c), format!("{c}XX"), r),
            })
            .collect();
        if let Some(default) = &op.responses.default {
            all.push((StatusMatch::Default, "default".into(), default));
        }
        for (status, key, response) in all {
            let at = join(pointer, &key);
            let Some(response) = self.resolve_response(response) else {
                problems.push(Diagnostic::error(
                    join(&at, "$ref"),
                    format!(
                        "{} is not a response in this document (a $ref to nothing, or to a $ref)",
                        reference_text(response)
                    ),
                ));
                continue;
            };
            let is_success = match status {
                StatusMatch::Code(c) => (200..300).contains(&c),
                StatusMatch::Range(r) => r == 2,
                StatusMatch::Default => false,
            };
            let json = response.content.iter().find(|(ct, _)| is_json(ct));
            if is_success {
                self.response_headers(response, hint, &at, &mut headers);
                let text = response
                    .content
                    .keys()
                    .any(|ct| BodyEncoding::of(ct) == BodyEncoding::Text);
                let success = match json {
                    Some((ct, media)) => {
                        let name = format!("{hint} Response");
                        Success::Json(self.media_type(
                            media,
                            &name,
                            &join(&join(&at, "content"), ct),
                        ))
                    }
                    None if response.content.is_empty() => Success::Empty,
                    None if text => Success::Text,
                    // A download: an image, a PDF, `application/octet-stream`.
                    None => Success::Bytes,
                };
                successes.push((status, success));
            } else if let Some((ct, media)) = json {
                let ty = self.media_type(
                    media,
                    &format!("{hint} Error"),
                    &join(&join(&at, "content"), ct),
                );
                errors.push(ErrorResponse {
                    status,
                    body: self.error_body(ty),
                });
            }
        }
        let headers = (!headers.fields.is_empty()).then(|| {
            self.schemas.add_type(
                &format!("{hint} Headers"),
                "The headers the operation's answer declares; each is `None` when missing or unreadable.",
                TypeKind::Headers(headers.fields),
            )
        });
        (self.one_success(successes, hint), errors, headers)
    }

    /// The headers a success response declares, added to `out` (the first declaration of a
    /// name wins). `Content-Type` is the body's, not a header the spec may describe.
    fn response_headers(
        &mut self,
        response: &Response,
        hint: &str,
        at: &str,
        out: &mut ResponseHeaders,
    ) {
        for (wire, header) in &response.headers {
            let lower = wire.to_ascii_lowercase();
            if lower == "content-type" || out.seen.contains(&lower) {
                continue;
            }
            let pointer = join(&join(at, "headers"), wire);
            if !is_token(wire) {
                self.schemas
                    .sink
                    .push(not_a_token(pointer, wire, ParamLocation::Header));
                continue;
            }
            let header = match header {
                ReferenceOr::Item(h) => h,
                ReferenceOr::Reference { reference } => {
                    match self
                        .components
                        .and_then(|c| component(&c.headers, "headers", reference))
                    {
                        Some(h) => h,
                        None => {
                            self.schemas.sink.note(
                                join(&pointer, "$ref"),
                                format!("`{reference}` is not a header in this document; the header is left out of the typed headers"),
                            );
                            continue;
                        }
                    }
                }
            };
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let lowered = self.schemas.lower(
                        schema,
                        &format!("{hint} {wire}"),
                        &join(&pointer, "schema"),
                    );
                    lowered.ty
                }
                ParameterSchemaOrContent::Content(_) => Ty::String,
            };
            out.seen.push(lower);
            out.fields.push(Field {
                name: out.names.claim(wire, Case::Snake),
                wire_name: wire.clone(),
                ty,
                presence: Presence::Optional,
                boxed: false,
                docs: Docs {
                    summary: None,
                    description: header.description.clone(),
                },
                deprecated: header.deprecated.unwrap_or(false),
            });
        }
    }

    /// One return type for all 2xx statuses: their common body, or, when they differ, an enum
    /// with a variant per status.
    fn one_success(&mut self, successes: Vec<(StatusMatch, Success)>, hint: &str) -> Success {
        let mut kinds: Vec<&Success> = Vec::new();
        for (_, s) in &successes {
            if !kinds.contains(&s) {
                kinds.push(s);
            }
        }
        match kinds.as_slice() {
            [] => Success::Empty,
            [one] => (*one).clone(),
            _ => {
                let mut names = Namespace::default();
                let variants = successes
                    .into_iter()
                    .map(|(status, body)| StatusVariant {
                        name: names.claim(&status_name(status), Case::Camel),
                        status,
                        body,
                    })
                    .collect();
                let name = self.schemas.add_type(
                    &format!("{hint} Response"),
                    "The answers the operation documents, one per status.",
                    TypeKind::Statuses(variants),
                );
                Success::Statuses(name)
            }
        }
    }

    fn error_body(&mut self, ty: Ty) -> usize {
        if let Some(i) = self.error_bodies.iter().position(|e| e.ty == ty) {
            return i;
        }
        let mut names = Namespace::with_reserved(&["Text"]);
        for e in &self.error_bodies {
            names.claim(&e.variant, Case::Camel);
        }
        let variant = names.claim(&super::schemas::variant_name(&ty), Case::Camel);
        self.error_bodies.push(ErrorBody {
            variant,
            ty,
            gate: Gate::new(),
        });
        self.error_bodies.len() - 1
    }

    pub(super) fn resolve_response<'r>(&self, r: &'r ReferenceOr<Response>) -> Option<&'r Response>
    where
        'a: 'r,
    {
        match r {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { reference } => {
                component(&self.components?.responses, "responses", reference)
            }
        }
    }
}

/// The headers an operation's success responses declare, gathered across statuses.
#[derive(Default)]
struct ResponseHeaders {
    fields: Vec<Field>,
    /// Lower-cased wire names: header names are case-insensitive.
    seen: Vec<String>,
    names: Namespace,
}

/// The first of `servers`, with each `{variable}` set to its default.
pub(super) fn server_url(servers: &[openapiv3::Server]) -> Option<String> {
    let server = servers.first()?;
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    Some(url.trim_end_matches('/').to_string())
}

/// The component a local `$ref` names in one section of `components` (`#/components/responses/
/// not~1found` is the response `not/found`: the pointer's escapes undone).
fn component<'c, T>(
    section: &'c indexmap::IndexMap<String, ReferenceOr<T>>,
    name: &str,
    reference: &str,
) -> Option<&'c T> {
    let key = reference
        .strip_prefix("#/components/")?
        .strip_prefix(name)?
        .strip_prefix('/')?;
    section.get(&unescape_token(key))?.as_item()
}

/// A parameter's style where it is not its location's default.
fn param_style(param: &Parameter) -> Option<ParamStyle> {
    use openapiv3::{PathStyle, QueryStyle};
    match param {
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => {
            let explode = parameter_data.explode.unwrap_or(true);
            match style {
                QueryStyle::Form if explode => None,
                QueryStyle::Form => Some(ParamStyle::FormCompact),
                QueryStyle::SpaceDelimited => Some(ParamStyle::SpaceDelimited),
                QueryStyle::PipeDelimited => Some(ParamStyle::PipeDelimited),
                QueryStyle::DeepObject => Some(ParamStyle::DeepObject),
            }
        }
        Parameter::Path {
            parameter_data,
            style,
        } => {
            let explode = parameter_data.explode.unwrap_or(false);
            match (style, explode) {
                (PathStyle::Simple, false) => None,
                (PathStyle::Simple, true) => Some(ParamStyle::SimpleExplode),
                (PathStyle::Label, false) => Some(ParamStyle::Label),
                (PathStyle::Label, true) => Some(ParamStyle::LabelExplode),
                (PathStyle::Matrix, false) => Some(ParamStyle::Matrix),
                (PathStyle::Matrix, true) => Some(ParamStyle::MatrixExplode),
            }
        }
        Parameter::Header { parameter_data, .. } => parameter_data
            .explode
            .unwrap_or(false)
            .then_some(ParamStyle::SimpleExplode),
        Parameter::Cookie { .. } => None,
    }
}

/// A variant name for a status: `Ok`, `Created`, `NoContent`, `Status207`, `Status2xx`,
/// `Other` for `default`.
fn status_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(205) => "ResetContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(code) => format!("Status{code}"),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Other".into(),
    }
}

/// `application/json`, `application/problem+json`, `application/json; charset=utf-8`...
pub fn is_json(content_type: &str) -> bool {
    let essence = super::media_essence(content_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// `/users/{id}/posts` → `users id posts`, for operations without an `operationId`.
fn path_words(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The security schemes a spec declares, as the client can send them.
/// An HTTP token (RFC 9110): what a header or cookie name may be. Anything else could never
/// be sent, so a spec that names one is refused rather than given code that always fails.
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn not_a_token(pointer: String, name: &str, location: ParamLocation) -> Diagnostic {
    let what = match location {
        ParamLocation::Cookie => "cookie",
        _ => "header",
    };
    Diagnostic::note(
        pointer,
        format!(
            "{name:?} is not a valid HTTP {what} name (letters, digits and !#$%&'*+-.^_`|~ only), so no message could carry it; it is left out"
        ),
    )
}

pub fn auth_schemes(components: Option<&Components>, sink: &mut Sink) -> Vec<AuthScheme> {
    use openapiv3::{APIKeyLocation, SecurityScheme};
    let empty = IndexMap::new();
    let schemes = components.map(|c| &c.security_schemes).unwrap_or(&empty);
    let mut out = Vec::new();
    for (key, scheme) in schemes {
        let pointer = join("/components/securitySchemes", key);
        let kind = match scheme {
            ReferenceOr::Reference { .. } => None,
            ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) => {
                match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => Some(AuthKind::Bearer),
                    "basic" => Some(AuthKind::Basic),
                    _ => None,
                }
            }
            ReferenceOr::Item(
                SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. },
            ) => Some(AuthKind::Bearer),
            ReferenceOr::Item(SecurityScheme::APIKey { location, name, .. }) => {
                let location = match location {
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                if location != ParamLocation::Query && !is_token(name) {
                    sink.push(not_a_token(join(&pointer, "name"), name, location));
                    continue;
                }
                Some(AuthKind::ApiKey {
                    location,
                    name: name.clone(),
                })
            }
        };
        match kind {
            Some(kind) => out.push(AuthScheme {
                key: key.clone(),
                kind,
                setter: String::new(), // named in `lower`, with the client's methods
                client_credentials: match scheme {
                    ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) => flows
                        .client_credentials
                        .as_ref()
                        .map(|flow| super::ClientCredentialsFlow {
                            token_url: flow.token_url.clone(),
                            scopes: flow.scopes.keys().cloned().collect(),
                        }),
                    _ => None,
                },
            }),
            None => sink.note(
                pointer,
                "this security scheme is not supported; set its header with RequestOptions",
            ),
        }
    }
    out
}

/// A `$ref`'s target as quoted in messages.
fn reference_text<T>(r: &ReferenceOr<T>) -> String {
    match r {
        ReferenceOr::Reference { reference } => format!("`{reference}`"),
        ReferenceOr::Item(_) => "this".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// [`super::CLIENT_RESERVED`] is a copy of the names the emitted `Client` defines besides
    /// its operations: for an API with every kind of credential, the two must be the same.
    #[test]
    fn client_reserved_is_what_the_client_defines() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/security.yaml");
        let source = crate::Source::from_path(std::path::Path::new(path)).unwrap();
        let generated = crate::generate(&source, &crate::Options::default()).unwrap();
        let file = syn::parse_file(&generated.code()).unwrap();
        let operations: BTreeSet<&str> = generated
            .api
            .operations
            .iter()
            .map(|op| op.name.as_str())
            .collect();
        let setters: BTreeSet<&str> = generated
            .api
            .auth
            .iter()
            .map(|scheme| scheme.setter.as_str())
            .collect();
        let mut defined = BTreeSet::new();
        for item in &file.items {
            // What a derive puts on the client: `client.clone()`, `Debug`'s `fmt`.
            if let syn::Item::Struct(s) = item {
                if s.ident == "Client" {
                    let derives = s.attrs.iter().map(|a| quote::quote!(#a).to_string());
                    let derives: String = derives.collect();
                    if derives.contains("Clone") {
                        defined.insert("clone".to_string());
                    }
                    if derives.contains("Debug") {
                        defined.insert("fmt".to_string());
                    }
                }
            }
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(ty) = &*block.self_ty else {
                continue;
            };
            if ty.path.segments.last().is_none_or(|s| s.ident != "Client") {
                continue;
            }
            for item in &block.items {
                if let syn::ImplItem::Fn(f) = item {
                    defined.insert(f.sig.ident.to_string());
                }
            }
        }
        // Each credential's setter is named from its scheme and claimed as it is lowered.
        let own: BTreeSet<&str> = defined
            .iter()
            .map(String::as_str)
            .filter(|name| !operations.contains(name) && !setters.contains(name))
            .collect();
        let reserved: BTreeSet<&str> = super::CLIENT_RESERVED.iter().copied().collect();
        assert_eq!(own, reserved);
    }

    /// [`super::BUILDER_RESERVED`] holds the names a request builder defines besides its
    /// parameters (fields and methods): every one the emitted builders define must be in it,
    /// or a parameter could take a name the builder already uses.
    #[test]
    fn builder_reserved_covers_what_the_builders_define() {
        let mut own = BTreeSet::new();
        // Optional parameters of every style, and bodies of every encoding.
        for fixture in ["calls.yaml", "bodies.yaml", "streams.yaml", "paging.yaml"] {
            let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
            let source = crate::Source::from_path(std::path::Path::new(&path)).unwrap();
            let generated = crate::generate(&source, &crate::Options::default()).unwrap();
            let params: BTreeSet<&str> = generated
                .api
                .operations
                .iter()
                .flat_map(|op| op.params.iter().map(|p| p.name.as_str()))
                .collect();
            let file = syn::parse_file(&generated.code()).unwrap();
            let builder = file.items.iter().find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
                _ => None,
            });
            for item in &builder.expect("a builder module").1 {
                let names: Vec<String> = match item {
                    syn::Item::Struct(s) => s
                        .fields
                        .iter()
                        .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                        .collect(),
                    syn::Item::Impl(block) => block
                        .items
                        .iter()
                        .filter_map(|item| match item {
                            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                            _ => None,
                        })
                        .collect(),
                    // The senders the runtime's macro adds: the functions its body defines.
                    syn::Item::Macro(m)
                        if m.mac.path.segments.last().unwrap().ident == "impl_sender" =>
                    {
                        let runtime = include_str!("../../templates/runtime.rs");
                        let body = runtime.split("macro_rules! impl_sender").nth(1).unwrap();
                        let body = body.split("macro_rules!").next().unwrap();
                        body.split("fn ")
                            .skip(1)
                            .map(|rest| rest.split(['(', '<']).next().unwrap().to_string())
                            .collect()
                    }
                    _ => Vec::new(),
                };
                own.extend(names.into_iter().filter(|n| !params.contains(n.as_str())));
            }
        }
        let own: BTreeSet<&str> = own.iter().map(String::as_str).collect();
        assert!(own.contains("send") && own.contains("body"), "{own:?}");
        let reserved: BTreeSet<&str> = super::BUILDER_RESERVED
            .iter()
            .chain(super::STREAM_SENDERS)
            .copied()
            .collect();
        let missing: Vec<&&str> = own.difference(&reserved).collect();
        assert!(
            missing.is_empty(),
            "defined by builders, not reserved: {missing:?}"
        );
    }
}
