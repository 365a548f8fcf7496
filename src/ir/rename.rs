//! Renaming named types after lowering: every place the IR names a type, walked once.

use std::collections::HashMap;

use super::{Api, Success, Ty, TypeKind};

/// Renames the types in `renames` (old name → new name) wherever the API names them, and
/// keeps `types` sorted by name.
pub fn rename_types(api: &mut Api, renames: &HashMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    let rename = |name: &mut String| {
        if let Some(new) = renames.get(name.as_str()) {
            *name = new.clone();
        }
    };
    for_each_ty(api, &mut |ty| {
        if let Ty::Named(name) = ty {
            rename(name);
        }
    });
    for t in &mut api.types {
        rename(&mut t.name);
    }
    api.types.sort_by(|a, b| a.name.cmp(&b.name));
    for name in &mut api.part_types {
        rename(name);
    }
    api.part_types.sort();
    for name in &mut api.webhook_types {
        rename(name);
    }
    api.webhook_types.sort();
    for op in &mut api.operations {
        if let Some(name) = &mut op.headers {
            rename(name);
        }
        if let Success::Statuses(name) = &mut op.success {
            rename(name);
        }
    }
}

/// Calls `f` on every type the API refers to: fields, variants, aliases, parameters, bodies,
/// answers and error bodies (nested types are reached through `f`'s own recursion).
pub fn for_each_ty(api: &mut Api, f: &mut impl FnMut(&mut Ty)) {
    let mut walk = |ty: &mut Ty| walk_ty(ty, f);
    for t in &mut api.types {
        match &mut t.kind {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|field| walk(&mut field.ty));
                if let Some(additional) = &mut s.additional {
                    walk(&mut additional.ty);
                }
            }
            TypeKind::Headers(fields) => fields.iter_mut().for_each(|field| walk(&mut field.ty)),
            TypeKind::Untagged(variants) => variants.iter_mut().for_each(|v| walk(&mut v.ty)),
            TypeKind::Tagged(tagged) => tagged.variants.iter_mut().for_each(|v| walk(&mut v.ty)),
            TypeKind::Statuses(variants) => {
                for v in variants {
                    if let Success::Json(ty) = &mut v.body {
                        walk(ty);
                    }
                }
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => walk(ty),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
    }
    for op in &mut api.operations {
        op.params.iter_mut().for_each(|p| walk(&mut p.ty));
        if let Some(body) = &mut op.body {
            walk(&mut body.ty);
        }
        if let Success::Json(ty) = &mut op.success {
            walk(ty);
        }
        if let Some(events) = &mut op.events {
            walk(&mut events.item);
        }
        if let Some(paging) = &mut op.paging {
            walk(&mut paging.item);
        }
    }
    for e in &mut api.error_bodies {
        walk(&mut e.ty);
    }
}

/// Renames the named types `ty` holds, nested ones included.
pub fn rename_in(ty: &mut Ty, renames: &HashMap<String, String>) {
    walk_ty(ty, &mut |ty| {
        if let Ty::Named(name) = ty {
            if let Some(new) = renames.get(name.as_str()) {
                *name = new.clone();
            }
        }
    });
}

fn walk_ty(ty: &mut Ty, f: &mut impl FnMut(&mut Ty)) {
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => walk_ty(inner, f),
        _ => {}
    }
    f(ty);
}
