//! Rust names for spec names: one sanitiser, and namespaces that hand out unique names.
//!
//! Every name in generated code comes from here, so `getUser` beside `get_user`, `self`
//! beside `Self`, or a property called `1st` all end up as distinct, legal identifiers; the
//! wire name is kept separately by the caller (`#[serde(rename)]`, the request builder).

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers, or only as raw identifiers (which `self`, `Self`,
/// `super`, `crate` cannot be at all). Covers the 2015-2024 editions and reserved words.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, parameters, functions.
    Snake,
    /// `UpperCamelCase`: types and variants.
    Camel,
}

/// Turns any text into a legal Rust identifier in the given case.
///
/// Characters that cannot stand in an identifier separate words; non-ASCII letters are spelled
/// as `u<hex>` so that names stay ASCII (rustc warns on confusable scripts) and distinct.
pub fn ident(text: &str, case: Case) -> String {
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            ascii.push(c);
        } else if c.is_ascii() {
            ascii.push(' ');
        } else {
            ascii.push_str(&format!(" u{:x} ", c as u32));
        }
    }
    let mut name = match case {
        Case::Snake => ascii.to_snake_case(),
        Case::Camel => ascii.to_upper_camel_case(),
    };
    if name.is_empty() {
        name = match case {
            Case::Snake => "value".into(),
            Case::Camel => "Value".into(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = match case {
            Case::Snake => format!("n{name}"),
            Case::Camel => format!("N{name}"),
        };
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// One scope of names (the types of a module, the fields of a struct, the methods of the
/// client...). The first to ask for a name gets it; later ones get `_2`, `_3`... (or `2`,
/// `3` for camel case), so the outcome depends only on the order of the spec.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` names are already taken (the emitter's own names).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims a unique identifier for `text` in `case`.
    pub fn claim(&mut self, text: &str, case: Case) -> String {
        let base = ident(text, case);
        if self.taken.insert(base.clone()) {
            return base;
        }
        let sep = match case {
            Case::Snake => "_",
            Case::Camel => "",
        };
        let base = base.trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always has a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_keywords() {
        assert_eq!(
            ident("update-sandbox-image", Case::Snake),
            "update_sandbox_image"
        );
        assert_eq!(
            ident("HTTPValidationError", Case::Camel),
            "HttpValidationError"
        );
        assert_eq!(ident("type", Case::Snake), "type_");
        assert_eq!(ident("self", Case::Snake), "self_");
        assert_eq!(ident("Self", Case::Camel), "Self_");
        assert_eq!(ident("1st", Case::Snake), "n1st");
        assert_eq!(ident("", Case::Camel), "Value");
        assert_eq!(ident("$ref", Case::Snake), "ref_");
        assert_eq!(ident("名前", Case::Snake), "u540d_u524d");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("getUser", Case::Snake), "get_user");
        assert_eq!(ns.claim("get_user", Case::Snake), "get_user_2");
        assert_eq!(ns.claim("type", Case::Snake), "type_");
        assert_eq!(ns.claim("type_", Case::Snake), "type_2");
        let mut types = Namespace::with_reserved(&["Client"]);
        assert_eq!(types.claim("client", Case::Camel), "Client2");
        assert_eq!(types.claim("foo_bar", Case::Camel), "FooBar");
        assert_eq!(types.claim("FooBar", Case::Camel), "FooBar2");
    }
}
