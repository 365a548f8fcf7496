//! Stage 4: the intermediate representation emission reads. Built by `lower` from
//! `openapiv3`, with every Rust name already claimed, so emission makes no decisions.

mod compose;
mod cycles;
mod features;
mod intersect;
mod lower;
mod operations;
mod rename;
mod schemas;
mod streams;

pub use features::{model_features, select, Gate, TagFeature, CRATE_FEATURES};
pub use lower::lower;
pub use operations::is_json as is_json_media;
pub use schemas::SchemaType as PlaceType;

/// Choices lowering makes on the user's behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Give every struct whose schema does not forbid other properties a field that keeps
    /// them (see [`Additional`]).
    pub keep_unknown_fields: bool,
    /// Remember the type lowered at each schema's place (`Lowered::places`): what
    /// the example harness decodes each example with.
    pub record_places: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            keep_unknown_fields: true,
            record_places: false,
        }
    }
}

/// A whole API, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The first server's URL with its variables set to their defaults.
    pub base_url: Option<String>,
    /// Named types, in the order they are emitted (sorted by name).
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub auth: Vec<AuthScheme>,
    /// The decoded bodies of documented error statuses, one variant per distinct type.
    pub error_bodies: Vec<ErrorBody>,
    /// Which optional crates the generated code names.
    pub uses: Uses,
    /// Types sent as form or `multipart/form-data` bodies: each gets the code that writes its
    /// parts.
    pub part_types: Vec<String>,
    /// A cargo feature per OpenAPI tag, in the order tags first appear.
    pub features: Vec<TagFeature>,
    /// The payload types of the document's `webhooks` (3.1): models the user's server decodes.
    pub webhook_types: Vec<String>,
}

impl Api {
    /// The named type `name`. `types` is sorted by name (lowering keeps them in a
    /// `BTreeMap`), so this is the one lookup every stage uses instead of a map of its own.
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        debug_assert!(self.types.windows(2).all(|w| w[0].name < w[1].name));
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.types[i])
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    pub uuid: bool,
    pub chrono: bool,
}

/// A Rust type, as a field, parameter or response names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    String,
    I32,
    I64,
    /// An integer whose bounds pass `i64::MAX` (`format: uint64`, or a maximum of 2^64).
    U64,
    /// An integer whose bounds pass both `i64` and `u64`.
    I128,
    /// Any number, `format: float` included.
    F64,
    Bool,
    Uuid,
    DateTime,
    Date,
    /// `format: binary`: bytes, with a file name and content type for multipart parts.
    Binary,
    /// Any JSON value: free-form schemas and documented fallbacks.
    Json,
    Vec(Box<Ty>),
    /// `additionalProperties`: string keys to values.
    Map(Box<Ty>),
    /// A nullable value inside a list or map (fields carry nullability as [`Presence`]).
    Nullable(Box<Ty>),
    /// A named type in the `types` module.
    Named(String),
}

/// Documentation of an item, as the spec gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Docs {
    pub summary: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The tag features that need this type (empty: always compiled).
    pub gate: Gate,
    /// Where the schema is in the document, for diagnostics (`""` for types sdkgen makes up).
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; unknown values are kept in a catch-all variant.
    StringEnum(Vec<EnumValue>),
    /// An integer enum (`enum: [1, 2, 3]`); unknown values are kept in a catch-all variant.
    IntEnum(Vec<IntValue>),
    /// `oneOf`/`anyOf` without a discriminator: the first variant that decodes wins, so
    /// variants are ordered most specific first.
    Untagged(Vec<Variant>),
    /// `oneOf`/`anyOf` with a discriminator: the property's value picks the variant.
    Tagged(Tagged),
    /// An operation's success statuses with different bodies: a variant per status (not a
    /// model: it is never sent or decoded as one JSON value).
    Statuses(Vec<StatusVariant>),
    Alias(Ty),
    /// A list or map that contains itself (`A: {type: array, items: {$ref: A}}`): a Rust type
    /// alias cannot refer to itself, a tuple struct around it can.
    Newtype(Ty),
    /// The headers an operation's success responses declare, each optional: a header that is
    /// missing or does not parse reads as `None` (not a model: never sent, never JSON).
    Headers(Vec<Field>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IntValue {
    pub name: String,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusVariant {
    pub name: String,
    pub status: StatusMatch,
    pub body: Success,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tagged {
    /// The discriminating property's wire name.
    pub property: String,
    pub variants: Vec<TaggedVariant>,
    /// The variant that keeps a value whose tag is unknown (a newer server's), as JSON.
    pub other: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaggedVariant {
    pub name: String,
    pub ty: Ty,
    /// The property values that select this variant.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The field that keeps properties not named in `fields`: those `additionalProperties`
    /// declares, or (unless it is `false`) those a newer server sends, so that a
    /// read-modify-write sends them back.
    pub additional: Option<Additional>,
}

/// A struct's field for the properties it does not name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Additional {
    /// Its Rust name, claimed in the struct's namespace after the properties.
    pub name: String,
    /// The values' type: what `additionalProperties` says, or any JSON.
    pub ty: Ty,
    /// Whether the schema declares them (`additionalProperties: true` or a schema); when not,
    /// the struct still knows exactly its properties (a union ranks it by them).
    pub declared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumValue {
    pub name: String,
    pub wire: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: String,
    pub ty: Ty,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: Ty,
    pub presence: Presence,
    /// The field refers back to a type that contains it: it is boxed.
    pub boxed: bool,
    pub docs: Docs,
    /// The schema says `deprecated: true`.
    pub deprecated: bool,
}

/// Requiredness and nullability of a field, decided once, in [`Presence::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// `T`: always sent.
    Required,
    /// `Option<T>`: `None` is sent as `null`, never left out.
    RequiredNullable,
    /// `Option<T>`: `None` is left out.
    Optional,
    /// `Nullable<T>`: absent, `null` or a value, each kept apart both ways.
    OptionalNullable,
}

impl Presence {
    /// The one table from (required, nullable) to a field's shape.
    pub fn of(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The client method's name.
    pub name: String,
    /// The name of the request builder the method returns (in the `builder` module).
    pub builder: String,
    pub method: Method,
    /// The path template, e.g. `/sandbox-images/{image_id}`.
    pub path: String,
    pub docs: Docs,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    /// What a 2xx answer decodes into.
    pub success: Success,
    /// Documented non-2xx statuses with a typed body: status, and the `ErrorBody` variant.
    pub errors: Vec<ErrorResponse>,
    /// The operation's security requirements: alternatives, each the schemes (indexes into
    /// [`Api::auth`]) sent together. The first whose credentials the client holds is used.
    pub auth: Vec<Vec<usize>>,
    /// The operation's own server (its `servers`, or its path's), variables at their defaults,
    /// when it has one; otherwise the client's base URL.
    pub server: Option<String>,
    /// The operation's OpenAPI tags.
    pub tags: Vec<String>,
    /// The tag features that turn it on (empty: always compiled).
    pub gate: Gate,
    /// The spec says `deprecated: true`.
    pub deprecated: bool,
    /// The type of the headers its success responses declare ([`TypeKind::Headers`]), if any.
    pub headers: Option<String>,
    /// Its answer as server-sent events, when a 2xx answer offers `text/event-stream`.
    pub events: Option<Events>,
    /// How its list pages, when a rule finds it (see `streams.rs`).
    pub paging: Option<Paging>,
    /// The Rust name of its idempotency-key header parameter (`Idempotency-Key`, or one
    /// `x-fern-idempotency-headers` names): filled with a fresh key when the caller gives none,
    /// the same on every attempt, so the call is retried whatever its method.
    pub idempotency_key: Option<String>,
}

/// An answer the operation can stream as server-sent events.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    /// What each event decodes into.
    pub item: Ty,
    pub decode: EventDecode,
    /// The request body's boolean `stream` property (its Rust name and presence), which the
    /// streaming sender sets to `true` and the plain one to `false`.
    pub flag: Option<(String, Presence)>,
}

/// How an event becomes an item, by the stream's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventDecode {
    /// The `data:` as JSON.
    Json,
    /// The `data:` as text (no schema, or a string schema).
    Text,
    /// The whole event as `{event, data, id, retry}` (a schema that describes events so).
    Object,
}

/// How a list operation pages, and where a page's items are.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    pub scheme: PagingScheme,
    /// An item's type.
    pub item: Ty,
    /// The body field holding the items (its Rust name and presence); `None`: the body is the
    /// list.
    pub items: Option<(String, Presence)>,
    /// The rule that found it, for the docs (`x-dropshot-pagination`, "a `Link` header"...).
    pub rule: String,
}

/// The runtime's `Paging`, with JSON pointers into the page's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingScheme {
    Cursor {
        param: String,
        next: String,
    },
    Link,
    NextUrl {
        next: String,
    },
    After {
        param: String,
        items: String,
        has_more: String,
    },
    Offset {
        param: String,
        items: String,
        total: Option<String>,
    },
    Page {
        param: String,
        items: String,
        first: i64,
        last: Option<String>,
    },
}

impl PagingScheme {
    /// The scheme's name, for the README's list of paging operations.
    pub fn name(&self) -> &'static str {
        match self {
            PagingScheme::Cursor { .. } => "cursor",
            PagingScheme::Link => "Link header",
            PagingScheme::NextUrl { .. } => "next URL",
            PagingScheme::After { .. } => "has_more + starting_after",
            PagingScheme::Offset { .. } => "offset",
            PagingScheme::Page { .. } => "page number",
        }
    }
}

impl Operation {
    /// Whether a builder streams: events, pages or a download as it arrives (the runtime's
    /// streams part, and its crates, come with such an operation).
    pub fn streams(&self) -> bool {
        self.events.is_some()
            || self.paging.is_some()
            || self.success == Success::Bytes
            || self.uploads()
    }

    /// Whether its body is binary and required: taken as a `runtime::Upload` (bytes, a file
    /// or a stream), which the runtime's uploads part brings.
    pub fn uploads(&self) -> bool {
        self.body
            .as_ref()
            .is_some_and(|b| b.required && b.encoding == BodyEncoding::Bytes)
    }

    /// Parameters the method takes as arguments, in order: path parameters, then the required
    /// rest. The others are the builder's setters.
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.required)
    }

    /// Parameters set by name on the builder, in spec order.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub docs: Docs,
    /// How the value is written; `None` is the location's default (query `form` exploded,
    /// path and header `simple`).
    pub style: Option<ParamStyle>,
    /// The spec says `deprecated: true`.
    pub deprecated: bool,
}

/// OpenAPI's `style` with `explode`, where it differs from the location's default. The names
/// are the runtime's `Style` variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    FormCompact,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    SimpleExplode,
    Label,
    LabelExplode,
    Matrix,
    MatrixExplode,
}

impl ParamStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::FormCompact => "FormCompact",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
            ParamStyle::SimpleExplode => "SimpleExplode",
            ParamStyle::Label => "Label",
            ParamStyle::LabelExplode => "LabelExplode",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::MatrixExplode => "MatrixExplode",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub ty: Ty,
    pub required: bool,
    /// A JSON body whose schema allows `null` (`ty` is then the value's type): `null` can be
    /// sent, as the setter's `Nullable::Null` or the argument's `None`.
    pub nullable: bool,
    pub content_type: String,
    pub encoding: BodyEncoding,
}

/// How a request body is written, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyEncoding {
    /// `application/json`, `*+json`: the model as JSON.
    Json,
    /// `application/x-www-form-urlencoded`: the model's properties as form fields.
    Form,
    /// `multipart/form-data`: one part per property, files with their name and type.
    Multipart,
    /// `text/*`: a string.
    Text,
    /// Anything else (`application/octet-stream`, images, CBOR, XML): bytes the caller made.
    Bytes,
}

/// A media type without its parameters, lower case: `Application/JSON; charset=utf-8` →
/// `application/json`.
pub fn media_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

impl BodyEncoding {
    pub fn of(content_type: &str) -> BodyEncoding {
        let essence = media_essence(content_type);
        if essence == "application/json" || essence.ends_with("+json") {
            BodyEncoding::Json
        } else if essence == "application/x-www-form-urlencoded" {
            BodyEncoding::Form
        } else if essence.starts_with("multipart/") {
            BodyEncoding::Multipart
        } else if essence.starts_with("text/") {
            BodyEncoding::Text
        } else {
            BodyEncoding::Bytes
        }
    }

    /// The suffix of the method that sends this encoding when it is not the first choice.
    pub fn suffix(self) -> &'static str {
        match self {
            BodyEncoding::Json => "json",
            BodyEncoding::Form => "form",
            BodyEncoding::Multipart => "multipart",
            BodyEncoding::Text => "text",
            BodyEncoding::Bytes => "bytes",
        }
    }
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Success {
    /// No documented body: `()`.
    Empty,
    /// One JSON type for every documented 2xx status.
    Json(Ty),
    /// A 2xx `text/*` body: its text.
    Text,
    /// A 2xx body of any other media type (a download): its bytes.
    Bytes,
    /// 2xx statuses with different bodies: the named enum ([`TypeKind::Statuses`]).
    Statuses(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    pub status: StatusMatch,
    /// Index into [`Api::error_bodies`].
    pub body: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX`: the first digit.
    Range(u16),
    Default,
}

impl StatusMatch {
    /// The statuses matched, as an inclusive range; `None` for `default` (any other).
    pub fn interval(self) -> Option<(u16, u16)> {
        match self {
            StatusMatch::Code(code) => Some((code, code)),
            StatusMatch::Range(r) => Some((r * 100, r * 100 + 99)),
            StatusMatch::Default => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    pub variant: String,
    pub ty: Ty,
    /// The tag features of the operations that can answer with it (empty: always compiled).
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthScheme {
    /// The name in `components.securitySchemes`.
    pub key: String,
    pub kind: AuthKind,
    /// The client method that sets an API key (`with_<key>`), claimed before any operation's
    /// name so the two cannot collide.
    pub setter: String,
    /// An OAuth2 scheme's client credentials flow, which the client can run itself.
    pub client_credentials: Option<ClientCredentialsFlow>,
}

/// Where an OAuth2 client credentials flow gets its tokens, and the scopes it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentialsFlow {
    pub token_url: String,
    pub scopes: Vec<String>,
}

impl Api {
    /// The first scheme whose client credentials flow the client can run.
    pub fn client_credentials(&self) -> Option<(&AuthScheme, &ClientCredentialsFlow)> {
        self.auth
            .iter()
            .find_map(|a| Some((a, a.client_credentials.as_ref()?)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// A key sent as a header, query parameter or cookie of the given name.
    ApiKey {
        location: ParamLocation,
        name: String,
    },
}

#[cfg(test)]
mod tests;
