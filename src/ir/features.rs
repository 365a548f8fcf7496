//! Cargo features per OpenAPI tag: which operations, models and error bodies each tag needs,
//! so a user of three endpoints of a large API compiles three.
//!
//! An operation is gated by its tags (on when any of them is). A type is gated by the union
//! of the gates of every operation that reaches it through fields, variants and aliases; a
//! type that an untagged operation reaches is never gated. What no operation reaches has
//! features of its own, so that a user of a few tags compiles none of it: a webhook's payload
//! (and what it holds) [`WEBHOOKS`], any other model [`UNREFERENCED`]. All are on by default.
//!
//! build.rs users choose tags with [`select`] instead: what they leave out is not generated.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use heck::ToKebabCase;

use super::{Api, Operation, Success, Ty, TypeKind};

/// One cargo feature: its name in `Cargo.toml` and the tag it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    pub name: String,
    pub tag: String,
}

/// When an item is compiled: always (empty), or when any of these features is on.
pub type Gate = Vec<String>;

/// The features a generated crate has besides its tags' and its models' (`default`, the TLS
/// stacks, traces, the test transport): `Cargo.toml`'s `[features]` declares them, and no tag
/// takes their names.
pub const CRATE_FEATURES: [&str; 5] = ["default", "rustls", "native-tls", "tracing", "testing"];

/// The feature of the types only webhooks reach.
pub const WEBHOOKS: &str = "webhooks";
/// The feature of the models nothing reaches: defined by the spec, used by no operation and no
/// webhook (the user may still build or decode them by hand).
pub const UNREFERENCED: &str = "unreferenced-models";

/// The features of the models no operation reaches that this API has ([`WEBHOOKS`],
/// [`UNREFERENCED`]), each with what it holds, in words.
pub fn model_features(api: &Api) -> Vec<(&'static str, &'static str)> {
    let used = |feature: &str| {
        api.types
            .iter()
            .any(|t| t.gate.iter().any(|g| g == feature))
    };
    [
        (
            WEBHOOKS,
            "the payloads of the API's webhooks, which no operation uses",
        ),
        (UNREFERENCED, "the models no operation or webhook uses"),
    ]
    .into_iter()
    .filter(|(feature, _)| used(feature))
    .collect()
}

/// Names a feature per tag and sets the gate of every operation, type and error body.
pub fn assign(api: &mut Api) {
    let features = feature_names(api.operations.iter().flat_map(|op| &op.tags));
    let by_tag: HashMap<&str, &str> = features
        .iter()
        .map(|f| (f.tag.as_str(), f.name.as_str()))
        .collect();
    let mut op_gates: Vec<Option<BTreeSet<String>>> = api
        .operations
        .iter()
        .map(|op| {
            let gate: BTreeSet<String> = op
                .tags
                .iter()
                .filter_map(|t| by_tag.get(t.as_str()).map(|f| f.to_string()))
                .collect();
            (!gate.is_empty()).then_some(gate)
        })
        .collect();
    infer_untagged(api, &mut op_gates);

    let edges = type_edges(api);
    // `None`: always compiled. Absent from the map: no operation reaches it (yet).
    let mut type_gates: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    for (op, gate) in api.operations.iter().zip(&op_gates) {
        let roots = op_roots(op, api);
        spread(&edges, roots, gate, &mut type_gates);
    }
    let only = |feature: &str| Some(BTreeSet::from([feature.to_string()]));
    // With no tag at all there is nothing to choose among, and nothing is gated.
    let (webhooks, unreferenced) = if features.is_empty() {
        (None, None)
    } else {
        (only(WEBHOOKS), only(UNREFERENCED))
    };
    spread(
        &edges,
        api.webhook_types.clone(),
        &webhooks,
        &mut type_gates,
    );
    let unreached: Vec<String> = api
        .types
        .iter()
        .filter(|t| !type_gates.contains_key(&t.name))
        .map(|t| t.name.clone())
        .collect();
    spread(&edges, unreached, &unreferenced, &mut type_gates);

    let mut body_gates: Vec<Option<BTreeSet<String>>> =
        vec![Some(BTreeSet::new()); api.error_bodies.len()];
    for (op, gate) in api.operations.iter().zip(&op_gates) {
        for error in &op.errors {
            widen(&mut body_gates[error.body], gate);
        }
    }

    let to_gate = |g: &Option<BTreeSet<String>>| -> Gate {
        g.as_ref()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    };
    for (op, gate) in api.operations.iter_mut().zip(&op_gates) {
        op.gate = to_gate(gate);
    }
    for t in &mut api.types {
        t.gate = type_gates.get(&t.name).map(to_gate).unwrap_or_default();
    }
    for (body, gate) in api.error_bodies.iter_mut().zip(&body_gates) {
        // A body no operation names (none today) stays ungated.
        body.gate = match gate {
            Some(set) if set.is_empty() => Gate::new(),
            other => to_gate(other),
        };
    }
    api.features = features;
}

/// An operation without a tag in an API with tags goes with the tagged operations its path is
/// under: with those whose path shares the most segments with its own (parameters alike
/// whatever their names), at least one of them a literal one; with the first in the document
/// when several share as many. Microsoft Graph leaves its 2,870 `$count` operations untagged
/// (`GET /chats/{chat-id}/members/$count`): compiled always, they would cost every user of one
/// tag as much as the tag. An operation whose path shares nothing with a tagged one (`/health`)
/// stays untagged, and always compiled.
fn infer_untagged(api: &Api, gates: &mut [Option<BTreeSet<String>>]) {
    let segments = |path: &str| -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s.starts_with('{') && s.ends_with('}') {
                true => "{}".to_string(),
                false => s.to_string(),
            })
            .collect()
    };
    let mut by_prefix: HashMap<Vec<String>, usize> = HashMap::new();
    for (i, op) in api.operations.iter().enumerate() {
        if gates[i].is_some() {
            let path = segments(&op.path);
            for n in 1..=path.len() {
                by_prefix.entry(path[..n].to_vec()).or_insert(i);
            }
        }
    }
    if by_prefix.is_empty() {
        return;
    }
    for (i, op) in api.operations.iter().enumerate() {
        if gates[i].is_some() {
            continue;
        }
        let path = segments(&op.path);
        let under = (1..=path.len())
            .rev()
            .filter(|&n| path[..n].iter().any(|s| s != "{}"))
            .find_map(|n| by_prefix.get(&path[..n]));
        if let Some(&tagged) = under {
            gates[i] = gates[tagged].clone();
        }
    }
}

/// Takes the field for unnamed properties away from the structs that are only ever sent
/// (request bodies and parameters): no server's answer is decoded into them, so it would only
/// be one more field for the user to fill. Structs an answer or a webhook reaches, and those
/// nothing reaches (the user may decode them by hand), keep it.
pub(super) fn drop_unknown_fields_of_sent_types(api: &mut Api) {
    let edges = type_edges(api);
    let mut sent = Vec::new();
    let mut read = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            named(&p.ty, &mut sent);
        }
        if let Some(body) = &op.body {
            named(&body.ty, &mut sent);
        }
        success_named(&op.success, &mut read);
        if let Some(events) = &op.events {
            named(&events.item, &mut read);
        }
        for e in &op.errors {
            named(&api.error_bodies[e.body].ty, &mut read);
        }
    }
    let sent = reachable(&edges, sent);
    let read = reachable(&edges, read);
    let sent_only: BTreeSet<String> = sent
        .into_iter()
        .filter(|n| !read.contains(n))
        .map(str::to_string)
        .collect();
    for t in &mut api.types {
        if let TypeKind::Struct(s) = &mut t.kind {
            if sent_only.contains(&t.name) && s.additional.as_ref().is_some_and(|a| !a.declared) {
                s.additional = None;
            }
        }
    }
}

/// The types reachable from `roots` (iteratively: schemas nest deeper than the stack).
fn reachable<'a>(edges: &HashMap<&'a str, Vec<&'a str>>, roots: Vec<&'a str>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name) {
            if let Some(next) = edges.get(name) {
                stack.extend(next.iter().copied());
            }
        }
    }
    seen
}

/// Keeps only what the tags in `wanted` need (named by tag or by feature): their operations,
/// the models and error bodies those reach, and everything ungated. For build.rs, where the
/// SDK is part of the user's crate and cargo features are not the SDK's to declare.
pub fn select(api: &mut Api, wanted: &[String]) -> Result<(), String> {
    let mut chosen = BTreeSet::new();
    for w in wanted {
        match api.features.iter().find(|f| &f.tag == w || &f.name == w) {
            Some(f) => {
                chosen.insert(f.name.clone());
            }
            None => {
                let known: Vec<&str> = api.features.iter().map(|f| f.tag.as_str()).collect();
                return Err(format!(
                    "no operation has the tag `{w}`; the tags are: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
    }
    // Models no operation uses stay, as they do with every tag: they are not any tag's.
    chosen.extend([WEBHOOKS.to_string(), UNREFERENCED.to_string()]);
    let keep = |gate: &Gate| gate.is_empty() || gate.iter().any(|f| chosen.contains(f));
    api.operations.retain(|op| keep(&op.gate));
    api.types.retain(|t| keep(&t.gate));
    let mut renumber = Vec::new();
    let mut kept = 0;
    for body in &api.error_bodies {
        renumber.push(keep(&body.gate).then_some(kept));
        kept += usize::from(keep(&body.gate));
    }
    api.error_bodies.retain(|b| keep(&b.gate));
    for op in &mut api.operations {
        for e in &mut op.errors {
            // An operation kept has every error body it names kept: its gate is among theirs.
            e.body = renumber[e.body].expect("an error body of a kept operation is kept");
        }
    }
    let kept: Vec<String> = (api.part_types.iter())
        .filter(|n| api.type_named(n).is_some())
        .cloned()
        .collect();
    api.part_types = kept;
    api.features.retain(|f| chosen.contains(&f.name));
    Ok(())
}

/// A valid, distinct cargo feature name per tag, in the order tags first appear.
fn feature_names<'t>(tags: impl IntoIterator<Item = &'t String>) -> Vec<TagFeature> {
    let mut seen_tags = BTreeSet::new();
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for tag in tags {
        // An empty tag (modbox's `''`) groups nothing: its operations stay ungated.
        if tag.trim().is_empty() || !seen_tags.insert(tag.as_str()) {
            continue;
        }
        // Cargo allows ASCII letters, digits, `_`, `-` and `+`; keep it to the first three.
        let kebab: String = tag
            .to_kebab_case()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let mut base = kebab.trim_matches('-').to_string();
        // The crate's own features keep their names.
        let own =
            |name: &str| CRATE_FEATURES.contains(&name) || [WEBHOOKS, UNREFERENCED].contains(&name);
        if base.is_empty() || own(&base) {
            base = format!("tag-{base}").trim_end_matches('-').to_string();
        }
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.push(TagFeature {
            name,
            tag: tag.clone(),
        });
    }
    // Listed by name in Cargo.toml and the README; the names were given in order of appearance
    // so that `-2` suffixes go to the later tag.
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The named types each type mentions.
fn type_edges(api: &Api) -> HashMap<&str, Vec<&str>> {
    let mut edges = HashMap::new();
    for t in &api.types {
        let mut out = Vec::new();
        match &t.kind {
            TypeKind::Headers(fields) => fields.iter().for_each(|f| named(&f.ty, &mut out)),
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    named(&f.ty, &mut out);
                }
                if let Some(additional) = &s.additional {
                    named(&additional.ty, &mut out);
                }
            }
            TypeKind::Untagged(variants) => variants.iter().for_each(|v| named(&v.ty, &mut out)),
            TypeKind::Tagged(tagged) => tagged.variants.iter().for_each(|v| named(&v.ty, &mut out)),
            TypeKind::Statuses(variants) => variants
                .iter()
                .for_each(|v| success_named(&v.body, &mut out)),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => named(ty, &mut out),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
        edges.insert(t.name.as_str(), out);
    }
    edges
}

/// The types an operation names itself: parameters, body, answer and error bodies.
fn op_roots(op: &Operation, api: &Api) -> Vec<String> {
    let mut out = Vec::new();
    for p in &op.params {
        named(&p.ty, &mut out);
    }
    if let Some(body) = &op.body {
        named(&body.ty, &mut out);
    }
    success_named(&op.success, &mut out);
    out.extend(op.headers.as_deref());
    if let Some(events) = &op.events {
        named(&events.item, &mut out);
    }
    for e in &op.errors {
        named(&api.error_bodies[e.body].ty, &mut out);
    }
    out.into_iter().map(str::to_string).collect()
}

fn success_named<'a>(success: &'a Success, out: &mut Vec<&'a str>) {
    match success {
        Success::Json(ty) => named(ty, out),
        Success::Statuses(name) => out.push(name),
        Success::Empty | Success::Text | Success::Bytes => {}
    }
}

/// Every named type `ty` mentions, through lists, maps and nullability.
pub(super) fn named<'a>(ty: &'a Ty, out: &mut Vec<&'a str>) {
    match ty {
        Ty::Named(name) => out.push(name),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => named(inner, out),
        _ => {}
    }
}

/// Widens the gate of every type reachable from `roots` by `gate` (iteratively: schemas can
/// nest deeper than the stack).
fn spread(
    edges: &HashMap<&str, Vec<&str>>,
    roots: Vec<String>,
    gate: &Option<BTreeSet<String>>,
    gates: &mut BTreeMap<String, Option<BTreeSet<String>>>,
) {
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        let changed = match gates.get_mut(&name) {
            Some(current) => widen(current, gate),
            None => {
                gates.insert(name.clone(), gate.clone());
                true
            }
        };
        if changed {
            if let Some(next) = edges.get(name.as_str()) {
                stack.extend(next.iter().map(|n| n.to_string()));
            }
        }
    }
}

/// `current` becomes `current ∪ gate` (`None` is everything); whether it grew.
fn widen(current: &mut Option<BTreeSet<String>>, gate: &Option<BTreeSet<String>>) -> bool {
    match (current.as_mut(), gate) {
        (None, _) => false,
        (Some(_), None) => {
            *current = None;
            true
        }
        (Some(set), Some(add)) => {
            let before = set.len();
            set.extend(add.iter().cloned());
            set.len() != before
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_valid_and_distinct() {
        // Two operations' tags, in order.
        let tags: Vec<String> = ["Disks", "system/silos", "disks", "default", "✓", " "]
            .map(String::from)
            .into();
        let names: Vec<String> = feature_names(&tags).into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            ["disks", "disks-2", "system-silos", "tag", "tag-default"]
        );
    }
}
