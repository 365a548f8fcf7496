//! What an operation can stream: server-sent events, and the pages of a list. Found by rule,
//! never guessed: an operation no rule matches gets no streaming sender, and an extension
//! that is declared but cannot be followed is a note at its place.

use openapiv3::{Operation as SpecOperation, StatusCode};

use super::operations::Operations;
use super::{
    media_essence, BodyEncoding, EventDecode, Events, Field, Paging, PagingScheme, Param,
    ParamLocation, Presence, RequestBody, Success, Ty, TypeKind,
};
use crate::diagnostics::join;

/// Query parameters that carry a cursor, by name (the generic cursor rule).
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "page_cursor",
    "continuation_token",
    "continuationToken",
    "starting_token",
];

/// Body fields that give the next page's cursor, by name.
const NEXT_CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "next_page",
    "continuation_token",
    "continuationToken",
];

/// Objects in a body that may hold the next cursor (`meta.next_cursor`, Slack's
/// `response_metadata.next_cursor`).
const CURSOR_HOLDERS: &[&str] = &[
    "meta",
    "metadata",
    "pagination",
    "paging",
    "response_metadata",
];

/// Body fields that give a total count of items, or of pages.
const TOTAL_FIELDS: &[&str] = &[
    "total",
    "total_count",
    "totalCount",
    "total_results",
    "count",
];
const PAGE_COUNT_FIELDS: &[&str] = &["total_pages", "totalPages", "page_count", "pageCount"];

/// Names of the items field when a body has several lists.
const ITEMS_FIELDS: &[&str] = &["items", "data", "results", "records", "entries"];

impl Operations<'_, '_> {
    /// The operation's event stream: a 2xx answer offering `text/event-stream`, its schema the
    /// type of each event.
    pub(super) fn events(
        &mut self,
        op: &SpecOperation,
        hint: &str,
        pointer: &str,
        body: Option<&RequestBody>,
    ) -> Option<Events> {
        let (code, media_type, media) = op.responses.responses.iter().find_map(|(code, r)| {
            let success = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            let response = self.resolve_response(r).filter(|_| success)?;
            let (media_type, media) = response
                .content
                .iter()
                .find(|(ct, _)| media_essence(ct) == "text/event-stream")?;
            Some((code.to_string().replace('X', "XX"), media_type, media))
        })?;
        let at = join(
            &join(&join(&join(pointer, "responses"), &code), "content"),
            media_type,
        );
        let item = match &media.schema {
            None => Ty::String,
            Some(_) => self.media_type(media, &format!("{hint} Event"), &at),
        };
        let item = match item {
            Ty::Nullable(inner) => *inner,
            other => other,
        };
        let decode = match &item {
            Ty::String => EventDecode::Text,
            ty if self.describes_whole_events(ty) => EventDecode::Object,
            _ => EventDecode::Json,
        };
        let flag = body.and_then(|b| self.stream_flag(b));
        Some(Events { item, decode, flag })
    }

    /// A schema describes whole events (OpenAPI 3.2's `itemSchema` style) when it, or every
    /// branch of its union, is an object with an `event` and a `data` property.
    fn describes_whole_events(&self, ty: &Ty) -> bool {
        let is_event = |ty: &Ty| {
            self.struct_fields(ty).is_some_and(|fields| {
                ["event", "data"]
                    .iter()
                    .all(|name| fields.iter().any(|f| f.wire_name == *name))
            })
        };
        let Ty::Named(name) = ty else {
            return false;
        };
        match self.schemas.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) => is_event(ty),
            Some(TypeKind::Tagged(tagged)) => {
                !tagged.variants.is_empty() && tagged.variants.iter().all(|v| is_event(&v.ty))
            }
            Some(TypeKind::Untagged(variants)) => {
                !variants.is_empty() && variants.iter().all(|v| is_event(&v.ty))
            }
            _ => false,
        }
    }

    /// The JSON body's boolean `stream` property, if it has one.
    fn stream_flag(&self, body: &RequestBody) -> Option<(String, Presence)> {
        if body.encoding != BodyEncoding::Json || !body.required {
            return None;
        }
        let field = self
            .struct_fields(&body.ty)?
            .iter()
            .find(|f| f.wire_name == "stream" && f.ty == Ty::Bool)?;
        Some((field.name.clone(), field.presence))
    }

    /// How the list pages: the first rule that matches, declared extensions first.
    pub(super) fn paging(
        &mut self,
        op: &SpecOperation,
        params: &[Param],
        success: &Success,
        pointer: &str,
    ) -> Option<Paging> {
        let Success::Json(body) = success else {
            return None;
        };
        let body = body.clone();
        for (extension, read) in [
            ("x-dropshot-pagination", dropshot as Reader),
            ("x-speakeasy-pagination", speakeasy),
            ("x-fern-pagination", fern),
        ] {
            let Some(value) = op.extensions.get(extension) else {
                continue;
            };
            let found = read(value).and_then(|d| self.declared(d, params, &body, extension));
            if found.is_none() {
                self.schemas.sink.note(
                    join(pointer, extension),
                    format!(
                        "`{extension}` is declared, but sdkgen cannot follow it here (it names a \
                         parameter, field or list the operation does not have, in a form sdkgen \
                         does not read); the operation has no `items()`/`pages()`"
                    ),
                );
            }
            return found;
        }
        self.by_rule(op, params, &body)
    }

    /// A scheme an extension declares, checked against the operation.
    fn declared(
        &self,
        declared: Declared,
        params: &[Param],
        body: &Ty,
        extension: &str,
    ) -> Option<Paging> {
        let (field, item) = self.items_at(body, declared.results.as_deref())?;
        let items = field.map(|f| (f.name.clone(), f.presence));
        let items_ptr = field.map_or(String::new(), |f| pointer_of(&[&f.wire_name]));
        let query = |name: &str| query_param(params, name).map(|p| p.wire_name.clone());
        let scheme = match declared.kind {
            DeclaredKind::Cursor { param, next } => PagingScheme::Cursor {
                param: query(&param)?,
                next: self.pointer_in(body, &next)?,
            },
            DeclaredKind::NextUrl { next } => PagingScheme::NextUrl {
                next: self.pointer_in(body, &next)?,
            },
            DeclaredKind::Offset { param } => PagingScheme::Offset {
                param: query(&param)?,
                items: items_ptr,
                total: None,
            },
            DeclaredKind::Page { param, last } => PagingScheme::Page {
                param: query(&param)?,
                items: items_ptr,
                first: 1,
                last: match last {
                    Some(last) => Some(self.pointer_in(body, &last)?),
                    None => None,
                },
            },
        };
        Some(Paging {
            scheme,
            item,
            items,
            rule: format!("`{extension}`"),
        })
    }

    /// The schemes sdkgen finds without an extension, in order: a `Link` header, Stripe's
    /// `has_more` + `starting_after`, a cursor parameter with a next-cursor field, an `offset`
    /// parameter, a `page` parameter. Each needs the page's list of items.
    fn by_rule(&mut self, op: &SpecOperation, params: &[Param], body: &Ty) -> Option<Paging> {
        let (field, item) = self.items_at(body, None)?;
        let items = field.map(|f| (f.name.clone(), f.presence));
        let items_ptr = field.map_or(String::new(), |f| pointer_of(&[&f.wire_name]));
        let fields = self.struct_fields(body).unwrap_or(&[]);
        let paging = |scheme, rule: &str| {
            Some(Paging {
                scheme,
                item: item.clone(),
                items: items.clone(),
                rule: rule.to_string(),
            })
        };
        if self.declares_link_header(op) {
            return paging(
                PagingScheme::Link,
                "a 2xx answer declares a `Link` header: its `rel=\"next\"` is the next page",
            );
        }
        let has_more = fields
            .iter()
            .find(|f| f.wire_name == "has_more" && f.ty == Ty::Bool);
        if let (Some(param), Some(has_more), Some(_)) =
            (query_param(params, "starting_after"), has_more, field)
        {
            return paging(
                PagingScheme::After {
                    param: param.wire_name.clone(),
                    items: items_ptr,
                    has_more: pointer_of(&[&has_more.wire_name]),
                },
                "a `starting_after` parameter and a `has_more` field: the last item's `id` starts the next page",
            );
        }
        if let Some(param) = CURSOR_PARAMS.iter().find_map(|n| query_param(params, n)) {
            if let Some(next) = self.next_cursor(fields) {
                return paging(
                    PagingScheme::Cursor {
                        param: param.wire_name.clone(),
                        next,
                    },
                    &format!(
                        "a `{}` parameter and a next-cursor field in the body",
                        param.wire_name
                    ),
                );
            }
        }
        let number = |name: &str| {
            query_param(params, name).filter(|p| matches!(p.ty, Ty::I32 | Ty::I64 | Ty::U64))
        };
        let field_named = |names: &[&str]| {
            fields
                .iter()
                .find(|f| names.contains(&f.wire_name.as_str()) && is_integer(&f.ty))
                .map(|f| pointer_of(&[&f.wire_name]))
        };
        if let Some(param) = number("offset") {
            return paging(
                PagingScheme::Offset {
                    param: param.wire_name.clone(),
                    items: items_ptr,
                    total: field_named(TOTAL_FIELDS),
                },
                "an `offset` parameter: the next page starts after the items seen",
            );
        }
        if let Some(param) = number("page") {
            return paging(
                PagingScheme::Page {
                    param: param.wire_name.clone(),
                    items: items_ptr,
                    first: 1,
                    last: field_named(PAGE_COUNT_FIELDS),
                },
                "a `page` parameter: pages are numbered from 1, until an empty one",
            );
        }
        None
    }

    fn declares_link_header(&self, op: &SpecOperation) -> bool {
        op.responses.responses.iter().any(|(code, r)| {
            let success = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            success
                && self
                    .resolve_response(r)
                    .is_some_and(|r| r.headers.keys().any(|h| h.eq_ignore_ascii_case("link")))
        })
    }

    /// A next-cursor field of the body: at its top, or in an object such as `meta`.
    fn next_cursor(&self, fields: &[Field]) -> Option<String> {
        let is_cursor =
            |f: &&Field| NEXT_CURSOR_FIELDS.contains(&f.wire_name.as_str()) && f.ty == Ty::String;
        if let Some(f) = fields.iter().find(is_cursor) {
            return Some(pointer_of(&[&f.wire_name]));
        }
        fields
            .iter()
            .filter(|holder| CURSOR_HOLDERS.contains(&holder.wire_name.as_str()))
            .find_map(|holder| {
                let inner = self.struct_fields(&holder.ty)?.iter().find(is_cursor)?;
                Some(pointer_of(&[&holder.wire_name, &inner.wire_name]))
            })
    }

    /// Where a page's items are: the body itself when it is a list, or the body's list field
    /// (the one list, or the one named `items`, `data`...; `results` as an extension names
    /// it). The field, and an item's type.
    fn items_at<'t>(&'t self, body: &Ty, results: Option<&str>) -> Option<(Option<&'t Field>, Ty)> {
        if let Ty::Vec(item) = body {
            return matches!(results, None | Some("")).then(|| (None, (**item).clone()));
        }
        let fields = self.struct_fields(body)?;
        let lists: Vec<&Field> = fields
            .iter()
            .filter(|f| matches!(f.ty, Ty::Vec(_)))
            .collect();
        let field = match results {
            Some(name) => *lists.iter().find(|f| f.wire_name == name)?,
            None if lists.len() == 1 => lists[0],
            None => *lists
                .iter()
                .find(|f| ITEMS_FIELDS.contains(&f.wire_name.as_str()))?,
        };
        let Ty::Vec(item) = &field.ty else {
            return None;
        };
        Some((Some(field), (**item).clone()))
    }

    /// The JSON pointer of a dotted field path (`meta.next`) in the body, each step a field
    /// the schema has.
    fn pointer_in(&self, body: &Ty, path: &str) -> Option<String> {
        let mut ty = body.clone();
        let mut steps = Vec::new();
        for step in path.split('.').filter(|s| !s.is_empty()) {
            let field = self
                .struct_fields(&ty)?
                .iter()
                .find(|f| f.wire_name == step)?;
            steps.push(field.wire_name.clone());
            ty = field.ty.clone();
        }
        let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
        (!steps.is_empty()).then(|| pointer_of(&steps))
    }

    fn struct_fields(&self, ty: &Ty) -> Option<&[Field]> {
        let Ty::Named(name) = ty else {
            return None;
        };
        match &self.schemas.types.get(name)?.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            TypeKind::Alias(inner) => self.struct_fields(inner),
            _ => None,
        }
    }
}

fn query_param<'p>(params: &'p [Param], name: &str) -> Option<&'p Param> {
    params
        .iter()
        .find(|p| p.location == ParamLocation::Query && p.wire_name == name)
}

fn is_integer(ty: &Ty) -> bool {
    matches!(ty, Ty::I32 | Ty::I64 | Ty::U64)
}

fn pointer_of(steps: &[&str]) -> String {
    steps
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// What a pagination extension declares, in the terms of the operation's parameters and its
/// body's fields (dotted paths).
struct Declared {
    kind: DeclaredKind,
    /// The field holding the items; `None`: the one list field; `""`: the body itself.
    results: Option<String>,
}

enum DeclaredKind {
    Cursor { param: String, next: String },
    NextUrl { next: String },
    Offset { param: String },
    Page { param: String, last: Option<String> },
}

type Reader = fn(&serde_json::Value) -> Option<Declared>;

/// Oxide's dropshot: `page_token` in, `next_page` and `items` out.
fn dropshot(_: &serde_json::Value) -> Option<Declared> {
    Some(Declared {
        kind: DeclaredKind::Cursor {
            param: "page_token".into(),
            next: "next_page".into(),
        },
        results: Some("items".into()),
    })
}

/// Speakeasy's `{type: cursor | offsetLimit | url, inputs: [{name, in, type}], outputs:
/// {results, nextCursor, nextUrl, numPages}}`, outputs as JSONPath (`$.data.next`).
fn speakeasy(value: &serde_json::Value) -> Option<Declared> {
    let kind = value.get("type")?.as_str()?;
    let outputs = value.get("outputs");
    let output = |name: &str| {
        outputs
            .and_then(|o| o.get(name))
            .and_then(|v| v.as_str())
            .and_then(|p| json_path(p, "$"))
    };
    let input = |wanted: &str| {
        value.get("inputs")?.as_array()?.iter().find_map(|i| {
            (i.get("type")?.as_str()? == wanted && i.get("in")?.as_str()? == "parameters")
                .then(|| i.get("name")?.as_str().map(str::to_string))?
        })
    };
    let kind = match kind {
        "cursor" => DeclaredKind::Cursor {
            param: input("cursor")?,
            next: output("nextCursor")?,
        },
        "url" => DeclaredKind::NextUrl {
            next: output("nextUrl")?,
        },
        "offsetLimit" => match input("offset") {
            Some(param) => DeclaredKind::Offset { param },
            None => DeclaredKind::Page {
                param: input("page")?,
                last: output("numPages"),
            },
        },
        _ => return None,
    };
    Some(Declared {
        kind,
        results: output("results"),
    })
}

/// Fern's `{cursor: $request.x, next_cursor: $response.y, results: $response.z}` or
/// `{offset: $request.page, results, step?: $request.limit}` (with a step the offset counts
/// items, without it pages).
fn fern(value: &serde_json::Value) -> Option<Declared> {
    let get = |name: &str| value.get(name).and_then(|v| v.as_str());
    let request = |name: &str| json_path(get(name)?, "$request");
    let response = |name: &str| json_path(get(name)?, "$response");
    let kind = if let Some(param) = request("cursor") {
        DeclaredKind::Cursor {
            param,
            next: response("next_cursor")?,
        }
    } else {
        let param = request("offset")?;
        if get("step").is_some() {
            DeclaredKind::Offset { param }
        } else {
            DeclaredKind::Page { param, last: None }
        }
    };
    Some(Declared {
        kind,
        results: response("results"),
    })
}

/// `$.a.b` (or `$request.a`) as the dotted path `a.b`; `None` for anything but plain names.
fn json_path(path: &str, root: &str) -> Option<String> {
    let rest = path.trim().strip_prefix(root)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    let rest = rest.strip_prefix('.')?;
    rest.split('.')
        .all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
        .then(|| rest.to_string())
}
