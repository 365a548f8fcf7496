//! The generated crate's `Cargo.toml`: its version, library name and features.

use super::is_bidi_control;
use crate::ir::Api;

/// The name a crate is used by in Rust code: its package name in snake case (`my-api` and
/// `MyApi` are both `my_api`; rustc would warn on a library called `MyApi`).
pub fn lib_name(crate_name: &str) -> String {
    crate::naming::ident(crate_name, crate::naming::Case::Snake)
}

/// A `[lib]` table when the library's name is not cargo's default for the package.
pub(super) fn lib_table(crate_name: &str) -> String {
    let lib = lib_name(crate_name);
    if lib == crate_name.replace('-', "_") {
        String::new()
    } else {
        format!("\n[lib]\nname = \"{lib}\"\npath = \"src/lib.rs\"\n")
    }
}

/// The `[features]` table: the TLS stack (rustls by default, or the platform's own), and one
/// feature per OpenAPI tag, all on by default.
pub(super) fn cargo_features(api: &Api) -> String {
    let models = crate::ir::model_features(api);
    let names: Vec<String> = std::iter::once("rustls")
        .chain(api.features.iter().map(|f| f.name.as_str()))
        .chain(models.iter().map(|(name, _)| *name))
        .map(|name| format!("\"{name}\""))
        .collect();
    let mut out = String::from("\n[features]\n");
    out.push_str(&format!("default = [{}]\n", names.join(", ")));
    out.push_str(
        "# HTTPS through rustls, or the platform's TLS (OpenSSL on Linux, for a corporate CA\n\
         # store); with `default-features = false`, name one of them.\n\
         rustls = [\"reqwest/rustls\"]\nnative-tls = [\"reqwest/native-tls\"]\n\
         # A span for every call, with OpenTelemetry's HTTP attributes.\n\
         tracing = [\"dep:tracing\"]\n\
         # `testing::MockTransport`: answers calls in tests, with no socket.\n\
         testing = [\"dep:http\", \"dep:http-body\"]\n",
    );
    if !api.features.is_empty() {
        out.push_str("# One feature per OpenAPI tag: its operations and the models they use.\n");
    }
    for f in &api.features {
        out.push_str(&format!("{} = []\n", f.name));
    }
    for (name, holds) in models {
        out.push_str(&format!("# {}.\n{name} = []\n", capitalised(holds)));
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// reqwest as a crate of its own names it: without its default TLS, which the crate's
/// `rustls` and `native-tls` features choose (proxies and HTTP/2 as reqwest's defaults have
/// them).
pub(super) fn crate_reqwest(dependency: &super::Dependency, uploads: bool) -> String {
    let stream = if uploads { ", \"stream\"" } else { "" };
    match dependency.name {
        "reqwest" => format!(
            "reqwest = {{ version = \"0.13\", default-features = false, features = [\"http2\", \"system-proxy\"{stream}] }}"
        ),
        _ => dependency.to_string(),
    }
}

/// The API's version if it is a semantic version, else `0.1.0`.
pub(super) fn crate_version(api_version: &str) -> String {
    let parts: Vec<&str> = api_version.split('.').collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        api_version.to_string()
    } else {
        "0.1.0".to_string()
    }
}

/// A TOML basic string holding exactly `text`.
pub(super) fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The `[features]` a crate declares are its tags', its models' and
    /// [`crate::ir::CRATE_FEATURES`]: the list tag names are kept off is the list written.
    #[test]
    fn the_crate_s_own_features_are_the_reserved_ones() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tags.yaml");
        let source = crate::Source::from_path(std::path::Path::new(path)).unwrap();
        let options = crate::Options {
            tag_features: true,
            ..crate::Options::default()
        };
        let api = crate::generate(&source, &options).unwrap().api;
        let table: toml::Table = super::cargo_features(&api).parse().unwrap();
        let declared: BTreeSet<&str> = table["features"]
            .as_table()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let others: BTreeSet<&str> = api
            .features
            .iter()
            .map(|f| f.name.as_str())
            .chain(crate::ir::model_features(&api).iter().map(|m| m.0))
            .collect();
        let own: BTreeSet<&str> = declared.difference(&others).copied().collect();
        assert_eq!(own, crate::ir::CRATE_FEATURES.into_iter().collect());
    }
}
