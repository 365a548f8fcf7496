//! What changed in an SDK's public API between two generations.
//!
//! Read from the generated code itself, not from the old spec: when `generate` overwrites an
//! SDK, the spec it came from is usually gone (edited in place), but the old `lib.rs` is on
//! disk. Anything sdkgen wrote can be compared, whichever version of the spec produced it.
//!
//! "Breaking" follows what a caller's code meets: a removed operation, type, field, enum
//! variant or optional parameter; a field, parameter or return type narrowed or replaced; a
//! newly required field or parameter; and, since required parameters are positional, any new
//! or reordered argument. Optional parameters are set by name on the request builder, so a new
//! one breaks nobody. Widening (`T` to `Option<T>`, `i32` to `i64`, anything to
//! `serde_json::Value`) and additions are listed but not marked.

use std::collections::BTreeMap;
use std::fmt;

use quote::ToTokens;

mod items;

/// The public API of one generated SDK: operations and types, by Rust name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Surface {
    operations: BTreeMap<String, Signature>,
    types: BTreeMap<String, Shape>,
}

#[derive(Debug, Clone, PartialEq)]
struct Signature {
    /// Positional arguments.
    params: Vec<(String, Ty)>,
    /// Parameters set by name on the request builder.
    options: Vec<(String, Ty)>,
    returns: Ty,
}

/// A request builder: its setters, and what awaiting it gives.
#[derive(Debug, Clone, Default)]
struct Builder {
    setters: Vec<(String, Ty)>,
    output: Option<Ty>,
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Struct(Vec<(String, Ty)>),
    Enum(Vec<String>),
    Alias(Ty),
}

/// A Rust type reduced to last path segments: `::std::option::Option<types::Task>` is
/// `Option<Task>`. References and `impl Trait` keep their sigil as the name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ty {
    name: String,
    args: Vec<Ty>,
}

impl Surface {
    /// The surface of a generated file (the one an SDK for `include!` is, or the `lib.rs` of
    /// sdkgen's single-file crates), or `None` when the text is not Rust.
    pub fn of(code: &str) -> Option<Surface> {
        Surface::of_files(code, None)
    }

    /// The surface of a crate's `client.rs` and `types.rs` (the `types` module's contents),
    /// each parsed a batch of items at a time; or, when a batch does not parse (a layout
    /// that is not sdkgen's), each parsed whole.
    pub fn of_files(root: &str, types: Option<&str>) -> Option<Surface> {
        let mut reader = Reader::default();
        Surface::read_into(&mut reader, root, false)?;
        if let Some(types) = types {
            Surface::read_into(&mut reader, types, true)?;
        }
        Some(reader.finish())
    }

    /// Reads one file into `reader`: the root module's (`types`: false) or the `types`
    /// module's, in batches, or whole when a batch does not parse. A file at a time, so a
    /// caller can drop each text once read.
    pub fn read_into(reader: &mut Reader, text: &str, types: bool) -> Option<()> {
        let mut batch = Reader::default();
        let visit = |reader: &mut Reader, item: &syn::Item| match types {
            true => reader.types_item(item),
            false => reader.root_item(item),
        };
        if items::for_each(text, true, &mut |item| visit(&mut batch, item)).is_some() {
            reader.absorb(batch);
            return Some(());
        }
        items::for_each(text, false, &mut |item| visit(reader, item))
    }

    /// Adds what `other` has: the surfaces of two files of one SDK.
    pub fn merge(&mut self, other: Surface) {
        self.operations.extend(other.operations);
        self.types.extend(other.types);
    }

    /// An item of module `module`, where a private module inline is a file of its models.
    fn add_module_item(&mut self, module: &str, item: &syn::Item) {
        match item {
            syn::Item::Mod(m) if !is_pub(&m.vis) => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    self.add_module_item(module, item);
                }
            }
            item => self.add_type(Some(module), item),
        }
    }

    fn add_type(&mut self, module: Option<&str>, item: &syn::Item) {
        let (ident, shape) = match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => (&s.ident, Shape::Struct(fields(&s.fields))),
            syn::Item::Enum(e) if is_pub(&e.vis) => (
                &e.ident,
                Shape::Enum(e.variants.iter().map(|v| v.ident.to_string()).collect()),
            ),
            syn::Item::Type(t) if is_pub(&t.vis) => (&t.ident, Shape::Alias(Ty::of(&t.ty))),
            _ => return,
        };
        if ident == "Client" {
            return;
        }
        let name = match module {
            Some(m) if m != "types" => format!("{m}::{ident}"),
            _ => ident.to_string(),
        };
        self.types.insert(name, shape);
    }
}

/// A surface read an item at a time: from a file's items (parsed whole or in batches, a
/// large block as several partial copies of itself), or from the items the formatter parses
/// as it writes the code, so a generation knows its own surface without parsing it again.
#[derive(Default)]
pub struct Reader {
    surface: Surface,
    builders: BTreeMap<String, Builder>,
    methods: Vec<(String, Method)>,
}

impl Reader {
    /// An item of the root module (`client.rs`, or the file for `include!`).
    pub fn root_item(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Impl(imp) if is_client(&imp.self_ty) && imp.trait_.is_none() => {
                self.methods
                    .extend(imp.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(f) if is_pub(&f.vis) => {
                            Some((f.sig.ident.to_string(), method(&f.sig)?))
                        }
                        _ => None,
                    }));
            }
            // A file of the client's operations, inline (the code for `include!`).
            syn::Item::Mod(m) if !is_pub(&m.vis) => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    self.root_item(item);
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    read_builder(item, &mut self.builders);
                }
            }
            syn::Item::Mod(m) if is_pub(&m.vis) && m.ident != "runtime" => {
                let module = m.ident.to_string();
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    self.surface.add_module_item(&module, item);
                }
            }
            other => self.surface.add_type(None, other),
        }
    }

    /// What another reader read, added to this one's.
    fn absorb(&mut self, other: Reader) {
        self.surface.merge(other.surface);
        for (name, builder) in other.builders {
            let mine = self.builders.entry(name).or_default();
            mine.setters.extend(builder.setters);
            if builder.output.is_some() {
                mine.output = builder.output;
            }
        }
        self.methods.extend(other.methods);
    }

    /// An item of the `types` module.
    pub fn types_item(&mut self, item: &syn::Item) {
        self.surface.add_module_item("types", item);
    }

    pub fn finish(mut self) -> Surface {
        for (name, method) in self.methods {
            if let Some(op) = operation(method, &self.builders) {
                self.surface.operations.insert(name, op);
            }
        }
        self.surface
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// A client method as read, before the builders it returns are known: an `async fn` (sdkgen
/// before request builders) is a whole signature; a method that returns a request builder
/// waits for the builder's setters and output.
enum Method {
    Whole(Signature),
    Builder {
        params: Vec<(String, Ty)>,
        builder: String,
    },
}

/// The operation a client method is, or `None` for the client's own methods.
fn method(sig: &syn::Signature) -> Option<Method> {
    let params = arguments(sig);
    let returns = match &sig.output {
        syn::ReturnType::Default => Ty::named("()"),
        syn::ReturnType::Type(_, ty) => Ty::of(ty),
    };
    if sig.asyncness.is_some() {
        return Some(Method::Whole(Signature {
            params,
            options: Vec::new(),
            returns,
        }));
    }
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let is_builder = path.path.segments.len() == 2 && path.path.segments[0].ident == "builder";
    let builder = path.path.segments.last()?.ident.to_string();
    is_builder.then_some(Method::Builder { params, builder })
}

/// An operation's signature, its builder's setters and output joined in.
fn operation(method: Method, builders: &BTreeMap<String, Builder>) -> Option<Signature> {
    match method {
        Method::Whole(signature) => Some(signature),
        Method::Builder { params, builder } => {
            let builder = builders.get(&builder)?;
            Some(Signature {
                params,
                options: builder.setters.clone(),
                returns: builder.output.clone().unwrap_or_else(|| Ty::named("?")),
            })
        }
    }
}

fn arguments(sig: &syn::Signature) -> Vec<(String, Ty)> {
    sig.inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => Some((t.pat.to_token_stream().to_string(), Ty::of(&t.ty))),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// A builder's setters (its `pub fn`s but the senders) and its `IntoFuture::Output`: from
/// its `impl IntoFuture`, or from the runtime's `impl_sender!(Builder, Ok, Headers)`, which
/// makes that impl.
fn read_builder(item: &syn::Item, builders: &mut BTreeMap<String, Builder>) {
    if let syn::Item::Macro(m) = item {
        if m.mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "impl_sender")
        {
            let sender = |input: syn::parse::ParseStream| {
                let name: syn::Ident = input.parse()?;
                input.parse::<syn::Token![,]>()?;
                let ok: syn::Type = input.parse()?;
                input.parse::<proc_macro2::TokenStream>()?;
                Ok((name, ok))
            };
            if let Ok((name, ok)) = syn::parse::Parser::parse2(sender, m.mac.tokens.clone()) {
                builders.entry(name.to_string()).or_default().output = Some(Ty {
                    name: "Result".into(),
                    args: vec![Ty::of(&ok), Ty::named("Error")],
                });
            }
        }
        return;
    }
    let syn::Item::Impl(imp) = item else {
        return;
    };
    let syn::Type::Path(path) = &*imp.self_ty else {
        return;
    };
    let Some(name) = path.path.segments.last().map(|s| s.ident.to_string()) else {
        return;
    };
    let builder = builders.entry(name).or_default();
    for item in &imp.items {
        match item {
            syn::ImplItem::Type(t) if imp.trait_.is_some() && t.ident == "Output" => {
                builder.output = Some(Ty::of(&t.ty));
            }
            syn::ImplItem::Fn(f) if imp.trait_.is_none() && is_pub(&f.vis) => {
                // A setter takes its value; a sender (`send`, `stream`, `items`...) takes
                // nothing but the request.
                if let Some((_, ty)) = arguments(&f.sig).pop() {
                    builder.setters.push((f.sig.ident.to_string(), ty));
                }
            }
            _ => {}
        }
    }
}

fn fields(fields: &syn::Fields) -> Vec<(String, Ty)> {
    fields
        .iter()
        .filter(|f| is_pub(&f.vis))
        .enumerate()
        .map(|(i, f)| {
            let name = f
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), ToString::to_string);
            (name, Ty::of(&f.ty))
        })
        .collect()
}

impl Ty {
    fn named(name: &str) -> Ty {
        Ty {
            name: name.into(),
            args: Vec::new(),
        }
    }

    fn of(ty: &syn::Type) -> Ty {
        match ty {
            syn::Type::Path(p) => match p.path.segments.last() {
                Some(last) => Ty {
                    name: last.ident.to_string(),
                    args: generic_args(&last.arguments),
                },
                None => Ty::named("?"),
            },
            syn::Type::Reference(r) => Ty {
                name: "&".into(),
                args: vec![Ty::of(&r.elem)],
            },
            syn::Type::ImplTrait(t) => {
                let bound = t.bounds.iter().find_map(|b| match b {
                    syn::TypeParamBound::Trait(tb) => tb.path.segments.last(),
                    _ => None,
                });
                match bound {
                    Some(seg) => Ty {
                        name: format!("impl {}", seg.ident),
                        args: generic_args(&seg.arguments),
                    },
                    None => Ty::named(&ty.to_token_stream().to_string()),
                }
            }
            syn::Type::Slice(s) => Ty {
                name: "[]".into(),
                args: vec![Ty::of(&s.elem)],
            },
            syn::Type::Tuple(t) if t.elems.is_empty() => Ty::named("()"),
            other => Ty::named(&other.to_token_stream().to_string()),
        }
    }

    /// Whether a caller can omit the value: `Option`, `Nullable`, or `impl Into<Option<_>>`.
    fn is_optional(&self) -> bool {
        match self.name.as_str() {
            "Option" | "Nullable" => true,
            "impl Into" => self.args.first().is_some_and(Ty::is_optional),
            _ => false,
        }
    }
}

fn generic_args(args: &syn::PathArguments) -> Vec<Ty> {
    match args {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(t) => Some(Ty::of(t)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name.as_str() {
            "&" => return write!(f, "&{}", self.args[0]),
            "[]" => return write!(f, "[{}]", self.args[0]),
            _ => write!(f, "{}", self.name)?,
        }
        if !self.args.is_empty() {
            write!(f, "<")?;
            for (i, arg) in self.args.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{arg}")?;
            }
            write!(f, ">")?;
        }
        Ok(())
    }
}

/// Whether every value of `old` is also a value of `new`.
fn widens(old: &Ty, new: &Ty) -> bool {
    if old == new || new.name == "Value" {
        return true;
    }
    let inner = |t: &Ty| t.args.first().cloned();
    match (old.name.as_str(), new.name.as_str()) {
        ("i32", "i64") | ("f32", "f64") => true,
        (_, "Option") if old.name != "Option" && old.name != "Nullable" => {
            inner(new).is_some_and(|n| widens(old, &n))
        }
        (_, "Nullable") if old.name != "Nullable" => {
            let new_inner = inner(new);
            let old_inner = if old.name == "Option" {
                inner(old)
            } else {
                Some(old.clone())
            };
            matches!((old_inner, new_inner), (Some(o), Some(n)) if widens(&o, &n))
        }
        _ => {
            old.name == new.name
                && old.args.len() == new.args.len()
                && old.args.iter().zip(&new.args).all(|(o, n)| widens(o, n))
        }
    }
}

/// How a type moved, in words, and whether that breaks callers.
fn retyped(old: &Ty, new: &Ty) -> (bool, &'static str) {
    if widens(old, new) {
        (false, "widened")
    } else if widens(new, old) {
        (true, "narrowed")
    } else {
        (true, "replaced")
    }
}

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub breaking: bool,
    pub text: String,
}

/// Every difference, breaking ones first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    fn push(&mut self, breaking: bool, text: String) {
        self.changes.push(Change { breaking, text });
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let breaking = self.breaking();
        write!(
            f,
            "API changes: {breaking} breaking, {} other",
            self.changes.len() - breaking
        )?;
        for change in &self.changes {
            let mark = if change.breaking {
                "BREAKING"
            } else {
                "        "
            };
            write!(f, "\n  {mark}  {}", change.text)?;
        }
        Ok(())
    }
}

/// The differences from `old` to `new`.
pub fn compare(old: &Surface, new: &Surface) -> Report {
    let mut report = Report::default();
    for (name, before) in &old.operations {
        match new.operations.get(name) {
            None => report.push(true, format!("operation `{name}` removed")),
            Some(after) => compare_signatures(&mut report, name, before, after),
        }
    }
    for (name, after) in &new.operations {
        if !old.operations.contains_key(name) {
            report.push(
                false,
                format!("operation `{name}` added: {}", show_sig(after)),
            );
        }
    }
    for (name, before) in &old.types {
        match new.types.get(name) {
            None => report.push(true, format!("type `{name}` removed")),
            Some(after) => compare_shapes(&mut report, name, before, after),
        }
    }
    for name in new.types.keys() {
        if !old.types.contains_key(name) {
            report.push(false, format!("type `{name}` added"));
        }
    }
    // Stable: breaking first, then in the order found (operations, then types, by name).
    report.changes.sort_by_key(|c| !c.breaking);
    report
}

fn show_sig(sig: &Signature) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .map(|(n, t)| format!("{n}: {t}"))
        .collect();
    let options: String = sig
        .options
        .iter()
        .map(|(n, t)| format!(".{n}({t})"))
        .collect();
    format!("({}){options} -> {}", params.join(", "), sig.returns)
}

/// `what` retyped from `before` to `after`, breaking unless it widened.
fn push_retyped(report: &mut Report, what: &str, before: &Ty, after: &Ty) {
    let (breaking, how) = retyped(before, after);
    report.push(
        breaking,
        format!("{what} retyped {before} → {after} ({how})"),
    );
}

fn compare_signatures(report: &mut Report, op: &str, old: &Signature, new: &Signature) {
    let named = |list: &[(String, Ty)], name: &str| list.iter().any(|(n, _)| n == name);
    for (name, ty) in &old.params {
        if named(&new.options, name) {
            report.push(
                true,
                format!("operation `{op}`: parameter `{name}` is now optional, set by name (`.{name}(..)`)"),
            );
        } else if !named(&new.params, name) {
            report.push(
                true,
                format!("operation `{op}`: parameter `{name}: {ty}` removed"),
            );
        }
    }
    for (name, before) in &old.options {
        match new.options.iter().find(|(n, _)| n == name) {
            None if named(&new.params, name) => {}
            None => report.push(
                true,
                format!("operation `{op}`: optional parameter `{name}: {before}` removed"),
            ),
            Some((_, after)) if after != before => push_retyped(
                report,
                &format!("operation `{op}`: optional parameter `{name}`"),
                before,
                after,
            ),
            Some(_) => {}
        }
    }
    for (name, ty) in &new.options {
        if !named(&old.options, name) && !named(&old.params, name) {
            report.push(
                false,
                format!("operation `{op}`: new optional parameter `.{name}({ty})`"),
            );
        }
    }
    for (name, ty) in &new.params {
        match old.params.iter().find(|(n, _)| n == name) {
            None if named(&old.options, name) => report.push(
                true,
                format!("operation `{op}`: optional parameter `{name}: {ty}` is now required"),
            ),
            None if ty.is_optional() => report.push(
                true,
                format!(
                    "operation `{op}`: new optional argument `{name}: {ty}` (calls pass `None`)"
                ),
            ),
            None => report.push(
                true,
                format!("operation `{op}`: newly required parameter `{name}: {ty}`"),
            ),
            Some((_, before)) if before != ty => push_retyped(
                report,
                &format!("operation `{op}`: parameter `{name}`"),
                before,
                ty,
            ),
            Some(_) => {}
        }
    }
    let kept_old: Vec<&String> = old
        .params
        .iter()
        .map(|(n, _)| n)
        .filter(|n| new.params.iter().any(|(m, _)| m == *n))
        .collect();
    let kept_new: Vec<&String> = new
        .params
        .iter()
        .map(|(n, _)| n)
        .filter(|n| old.params.iter().any(|(m, _)| m == *n))
        .collect();
    if kept_old != kept_new {
        report.push(true, format!("operation `{op}`: parameters reordered"));
    }
    if old.returns != new.returns {
        let (breaking, how) = retyped(&old.returns, &new.returns);
        report.push(
            breaking,
            format!(
                "operation `{op}`: returns {} instead of {} ({how})",
                new.returns, old.returns
            ),
        );
    }
}

fn compare_shapes(report: &mut Report, name: &str, old: &Shape, new: &Shape) {
    match (old, new) {
        (Shape::Struct(before), Shape::Struct(after)) => {
            for (field, ty) in before {
                match after.iter().find(|(f, _)| f == field) {
                    None => report.push(true, format!("field `{name}.{field}` removed")),
                    Some((_, now)) if now != ty => {
                        let (breaking, how) = retyped(ty, now);
                        report.push(
                            breaking,
                            format!("field `{name}.{field}` retyped {ty} → {now} ({how})"),
                        );
                    }
                    Some(_) => {}
                }
            }
            for (field, ty) in after {
                if !before.iter().any(|(f, _)| f == field) {
                    if ty.is_optional() {
                        report.push(false, format!("field `{name}.{field}: {ty}` added"));
                    } else if field.starts_with("additional_properties") && ty.name == "BTreeMap" {
                        // The catch-all for properties not named: never required on the wire,
                        // but a struct literal must name it.
                        report.push(
                            true,
                            format!(
                                "field `{name}.{field}: {ty}` added (unnamed properties kept); \
                                 struct literals must name it"
                            ),
                        );
                    } else {
                        report.push(true, format!("newly required field `{name}.{field}: {ty}`"));
                    }
                }
            }
        }
        (Shape::Enum(before), Shape::Enum(after)) => {
            for variant in before.iter().filter(|v| !after.contains(v)) {
                report.push(true, format!("variant `{name}::{variant}` removed"));
            }
            for variant in after.iter().filter(|v| !before.contains(v)) {
                report.push(false, format!("variant `{name}::{variant}` added"));
            }
        }
        (Shape::Alias(before), Shape::Alias(after)) if before != after => {
            let (breaking, how) = retyped(before, after);
            report.push(
                breaking,
                format!("type `{name}` retyped {before} → {after} ({how})"),
            );
        }
        (Shape::Alias(_), Shape::Alias(_)) => {}
        _ => report.push(true, format!("type `{name}` changed kind")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> Ty {
        Ty::of(&syn::parse_str(text).unwrap())
    }

    #[test]
    fn types_read_as_their_last_segments() {
        assert_eq!(
            ty("::std::option::Option<super::runtime::Nullable<::chrono::DateTime<::chrono::Utc>>>")
                .to_string(),
            "Option<Nullable<DateTime<Utc>>>"
        );
        assert_eq!(
            ty("impl ::std::convert::Into<::std::option::Option<&types::Task>>").to_string(),
            "impl Into<Option<&Task>>"
        );
    }

    #[test]
    fn widening_and_narrowing() {
        assert!(widens(&ty("i32"), &ty("i64")));
        assert!(widens(&ty("String"), &ty("Option<String>")));
        assert!(widens(&ty("Option<String>"), &ty("Nullable<String>")));
        assert!(widens(&ty("Vec<i32>"), &ty("Vec<i64>")));
        assert!(widens(&ty("Task"), &ty("serde_json::Value")));
        assert!(!widens(&ty("Option<String>"), &ty("String")));
        assert!(!widens(&ty("String"), &ty("i64")));
        assert_eq!(retyped(&ty("Option<i64>"), &ty("i64")), (true, "narrowed"));
        assert_eq!(retyped(&ty("String"), &ty("Uuid")), (true, "replaced"));
    }
}
