//! The extra derives a user asks for (`Config::extra_derive`), as a set per type.
//!
//! A derive merges with those the type already has, by name (`Eq` and `::std::cmp::Eq` are one),
//! so none is written twice. The standard derives that need every field to have them (`Eq`,
//! `Hash`, `PartialOrd`, `Ord`, `Default`, `Copy`) are left off a type where that cannot hold:
//! `Eq` on a struct that holds an `f64`, `PartialOrd` on one that holds a `serde_json::Value`,
//! directly or through its fields' types, recursion included; `Ord` also where `Eq` or
//! `PartialOrd` is missing. Other derives (a schema derive, say) are the user's to vouch for,
//! and go on every model.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;

use crate::ir::{Api, Presence, Ty, TypeDef, TypeKind};

/// The standard derives whose every field must have them too.
const CONDITIONAL: &[&str] = &["Eq", "Hash", "PartialOrd", "Ord", "Default", "Copy"];

/// The extra derives, and for each conditional one the types it cannot go on.
pub struct Derives {
    extra: Vec<(String, TokenStream)>,
    cannot: HashMap<String, HashSet<String>>,
}

impl Derives {
    /// `paths` were checked to parse when the options were made; one that does not is skipped.
    pub fn new(api: &Api, paths: &[String]) -> Self {
        let mut extra: Vec<(String, TokenStream)> = Vec::new();
        for path in paths {
            let Ok(tokens) = path.parse::<TokenStream>() else {
                continue;
            };
            let name = last_segment(path);
            if !extra.iter().any(|(n, _)| *n == name) {
                extra.push((name, tokens));
            }
        }
        let cannot = extra
            .iter()
            .filter(|(name, _)| CONDITIONAL.contains(&name.as_str()))
            .map(|(name, _)| (name.clone(), cannot_hold(api, name)))
            .collect();
        Derives { extra, cannot }
    }

    /// The extra derives for `t`: those it does not have already and that can hold on it.
    pub fn for_type(&self, t: &TypeDef) -> Vec<TokenStream> {
        if self.extra.is_empty() {
            return Vec::new();
        }
        let has = |name: &str| has_builtin(&t.kind, name);
        let holds = |name: &str| !self.cannot.get(name).is_some_and(|c| c.contains(&t.name));
        let chosen: Vec<&(String, TokenStream)> = self
            .extra
            .iter()
            .filter(|(name, _)| !has(name) && holds(name))
            .collect();
        // `Ord` needs `Eq` and `PartialOrd` beside it: where either is missing, so is `Ord`.
        let present = |name: &str| has(name) || chosen.iter().any(|(n, _)| n == name);
        let ord_ok = present("Eq") && present("PartialOrd");
        chosen
            .into_iter()
            .filter(|(name, _)| name != "Ord" || ord_ok)
            .map(|(_, tokens)| tokens.clone())
            .collect()
    }
}

/// Whether `path` can be written in `#[derive(...)]`: a Rust path, nothing else.
pub fn is_derive_path(path: &str) -> bool {
    syn::parse_str::<syn::Path>(path).is_ok()
}

fn last_segment(path: &str) -> String {
    path.rsplit("::").next().unwrap_or(path).trim().to_string()
}

/// The traits a model already has, derived or written by the emitter (serde by hand for unions
/// and string enums). Kept beside the emitters' derive lists: a compile test turns every one of
/// these on as an extra derive, so a list that drifts fails it.
fn has_builtin(kind: &TypeKind, derive: &str) -> bool {
    const COMMON: &[&str] = &["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"];
    const ENUMS: &[&str] = &["Eq", "Hash", "PartialOrd", "Ord"];
    COMMON.contains(&derive)
        || match kind {
            TypeKind::Struct(s) => {
                derive == "Default" && s.fields.iter().all(|f| f.presence != Presence::Required)
            }
            TypeKind::StringEnum(_) => ENUMS.contains(&derive),
            TypeKind::IntEnum(_) => ENUMS.contains(&derive) || derive == "Copy",
            _ => false,
        }
}

/// The types `derive` cannot go on: those that fail it themselves, then, through the types
/// that use them, every type that holds one (a worklist over the reverse edges, so a cycle of
/// types is settled in one pass).
fn cannot_hold(api: &Api, derive: &str) -> HashSet<String> {
    let mut users: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut failed: Vec<&str> = Vec::new();
    for t in &api.types {
        let (fails, needs) = requirement(t, derive);
        if fails {
            failed.push(&t.name);
        }
        for n in needs {
            users.entry(n).or_default().push(&t.name);
        }
    }
    let mut cannot: HashSet<String> = HashSet::new();
    while let Some(name) = failed.pop() {
        if cannot.insert(name.to_string()) {
            failed.extend(users.get(name).into_iter().flatten());
        }
    }
    cannot
}

/// Whether `t` fails `derive` by itself, and the named types it needs to have it.
fn requirement<'t>(t: &'t TypeDef, derive: &str) -> (bool, Vec<&'t str>) {
    let mut needs = Vec::new();
    let mut types: Vec<&'t Ty> = Vec::new();
    let fails = match &t.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                // An optional field is `None` by default, whatever its type.
                if derive != "Default" || f.presence == Presence::Required {
                    types.push(&f.ty);
                }
            }
            if let Some(a) = &s.additional {
                types.push(&a.ty);
            }
            derive == "Copy" && (s.additional.is_some() || s.fields.iter().any(|f| f.boxed))
        }
        TypeKind::StringEnum(_) => matches!(derive, "Default" | "Copy"),
        TypeKind::IntEnum(_) => derive == "Default",
        TypeKind::Untagged(variants) => {
            types.extend(variants.iter().map(|v| &v.ty));
            derive == "Default"
        }
        TypeKind::Tagged(tagged) => {
            types.extend(tagged.variants.iter().map(|v| &v.ty));
            // The catch-all variant holds the value as JSON.
            derive == "Default" || !leaf_allows(&Ty::Json, derive, &mut Vec::new())
        }
        TypeKind::Newtype(ty) | TypeKind::Alias(ty) => {
            types.push(ty);
            false
        }
        // Not models: no extra derives.
        TypeKind::Statuses(_) | TypeKind::Headers(_) => false,
    };
    let mut all_allow = true;
    for ty in types {
        all_allow &= leaf_allows(ty, derive, &mut needs);
    }
    (fails || !all_allow, needs)
}

/// Whether `ty` can have `derive`, pushing the named types it depends on.
fn leaf_allows<'t>(ty: &'t Ty, derive: &str, needs: &mut Vec<&'t str>) -> bool {
    match ty {
        Ty::F64 => !matches!(derive, "Eq" | "Hash" | "Ord"),
        Ty::Json => !matches!(derive, "PartialOrd" | "Ord" | "Copy"),
        Ty::String | Ty::Binary => derive != "Copy",
        Ty::I32 | Ty::I64 | Ty::U64 | Ty::I128 | Ty::Bool | Ty::Uuid | Ty::DateTime | Ty::Date => {
            true
        }
        Ty::Vec(inner) | Ty::Map(inner) => derive != "Copy" && leaf_allows(inner, derive, needs),
        Ty::Nullable(inner) => leaf_allows(inner, derive, needs),
        Ty::Named(name) => {
            needs.push(name);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_paths_parse_or_are_refused() {
        for ok in ["Eq", "::std::hash::Hash", "schemars::JsonSchema"] {
            assert!(is_derive_path(ok), "{ok}");
        }
        for bad in ["", "Eq, Hash", "Eq Hash", "derive(Eq)", "1Eq", "std::"] {
            assert!(!is_derive_path(bad), "{bad}");
        }
        assert_eq!(last_segment("::std::cmp::Eq"), "Eq");
    }
}
