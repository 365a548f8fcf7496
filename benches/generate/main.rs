//! `cargo bench --bench generate`: generation time, in memory (no file is written), for the
//! embedded spec, three corpus documents and synthetic specs of 100, 1,000 and 10,000
//! operations; and the floor, parsing the same text into a JSON value only, to compare with.
//! The corpus documents are read from `../shared/corpus` beside the checkout.

mod synthetic;

use std::path::Path;

use sdkgen::{Options, Source};

fn main() {
    divan::main();
}

fn corpus(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/specs")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn text(name: &str) -> String {
    match name {
        "modbox" => sdkgen::EMBEDDED_SPEC.to_string(),
        "nexus" => corpus("oxide/nexus.json"),
        "figma" => corpus("figma/openapi.yaml"),
        "shipengine" => corpus("shipengine/openapi.json"),
        "synthetic-100" => synthetic::spec(100),
        "synthetic-1000" => synthetic::spec(1_000),
        "synthetic-10000" => synthetic::spec(10_000),
        other => panic!("no spec {other}"),
    }
}

const SPECS: &[&str] = &[
    "modbox",
    "nexus",
    "figma",
    "shipengine",
    "synthetic-100",
    "synthetic-1000",
    "synthetic-10000",
];

#[divan::bench(args = SPECS, sample_count = 10)]
fn generate(bencher: divan::Bencher, name: &str) {
    let source = Source::named(format!("{name}.json"), text(name));
    let options = Options {
        crate_name: "bench".into(),
        tag_features: true,
        ..Options::default()
    };
    bencher.bench(|| sdkgen::generate(&source, &options).expect("generates"));
}

#[divan::bench(args = SPECS, sample_count = 10)]
fn floor(bencher: divan::Bencher, name: &str) {
    let text = text(name);
    bencher.bench(|| {
        if text.trim_start().starts_with('{') {
            serde_json::from_str::<serde_json::Value>(&text)
                .map(drop)
                .is_ok()
        } else {
            serde_yaml::from_str::<serde_yaml::Value>(&text)
                .map(drop)
                .is_ok()
        }
    });
}
