//! The passes that make recursive types legal Rust: a struct that holds itself gets boxed
//! fields, an alias that refers to itself becomes a tuple struct or any JSON value. Both walk
//! the "holds inline" graph of the named types, through Tarjan's strongly connected components.

use std::collections::HashMap;

use super::{Struct, Ty, TypeDef, TypeKind};
use crate::diagnostics::Sink;

/// A struct that contains itself (directly, or through other structs, unions or aliases, but
/// not through a `Vec` or map, which already allocate) would have infinite size: box each
/// field whose type leads back to its struct, i.e. lies in the struct's strongly connected
/// component of the "holds inline" graph. Linear in types and fields, so a chain of 5,000
/// schemas each holding the one before costs no more than 5,000 unrelated ones.
pub(super) fn box_recursive_fields(types: &mut [TypeDef]) {
    let (index, edges) = type_graph(types, inline_targets);
    let component = strongly_connected(&edges);
    for (ti, t) in types.iter_mut().enumerate() {
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                if let Some(&target) = inline_named(&f.ty).and_then(|n| index.get(n)) {
                    f.boxed = component[target] == component[ti];
                }
            }
        }
    }
}

/// Type aliases that refer back to themselves (`A: {$ref: A}`, `A: {items: {$ref: A}}`), which
/// Rust rejects. A cycle of bare references constrains nothing: each becomes any JSON value, with
/// a note. A list or map that contains itself becomes a tuple struct, which Rust allows.
pub(super) fn break_alias_cycles(types: &mut [TypeDef], sink: &mut Sink) {
    let (_, edges) = type_graph(types, |kind| {
        let mut named = Vec::new();
        if let TypeKind::Alias(ty) = kind {
            super::features::named(ty, &mut named);
        }
        named
    });
    let component = strongly_connected(&edges);
    let mut size: HashMap<usize, usize> = HashMap::new();
    for c in &component {
        *size.entry(*c).or_default() += 1;
    }
    let cyclic = |i: usize| size[&component[i]] > 1 || edges[i].contains(&i);
    for (i, t) in types.iter_mut().enumerate() {
        if !cyclic(i) {
            continue;
        }
        let TypeKind::Alias(ty) = &t.kind else {
            continue;
        };
        if inline_named(ty).is_some() {
            sink.note(
                t.pointer.clone(),
                format!(
                    "`{}` only refers to itself through `$ref`s, which constrains nothing: it is any JSON value",
                    t.name
                ),
            );
            t.kind = TypeKind::Alias(Ty::Json);
        } else {
            t.kind = TypeKind::Newtype(ty.clone());
        }
    }
}

/// Each type's index by name, and the edges `targets` gives between types, as indexes.
fn type_graph(
    types: &[TypeDef],
    targets: impl Fn(&TypeKind) -> Vec<&str>,
) -> (HashMap<String, usize>, Vec<Vec<usize>>) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let edges = types
        .iter()
        .map(|t| {
            targets(&t.kind)
                .into_iter()
                .filter_map(|n| index.get(n).copied())
                .collect()
        })
        .collect();
    (index, edges)
}

/// The named types a type holds inline.
fn inline_targets(kind: &TypeKind) -> Vec<&str> {
    match kind {
        TypeKind::Struct(Struct { fields, .. }) | TypeKind::Headers(fields) => {
            fields.iter().filter_map(|f| inline_named(&f.ty)).collect()
        }
        TypeKind::Untagged(vs) => vs.iter().filter_map(|v| inline_named(&v.ty)).collect(),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| inline_named(&v.ty))
            .collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => inline_named(ty).into_iter().collect(),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Statuses(_) => Vec::new(),
    }
}

/// Tarjan's strongly connected components, iteratively (a recursive walk would overflow the
/// stack on a long chain of references). Returns each node's component number.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let mut component = vec![UNSEEN; n];
    let (mut next, mut components) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, i)) = work.last() {
            if let Some(&w) = edges[v].get(i) {
                work.last_mut().expect("not empty").1 += 1;
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(u, _)) = work.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

/// The named type a field holds inline (not behind a heap pointer), if any.
fn inline_named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(n) => Some(n),
        Ty::Nullable(inner) => inline_named(inner),
        _ => None,
    }
}
