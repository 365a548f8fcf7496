//! The whole generate step on any bytes: a diagnostic, or Rust that parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = sdkgen::Source::named("fuzz.yaml", text);
    let options = sdkgen::Options {
        crate_name: "fuzz".into(),
        tag_features: true,
        ..sdkgen::Options::default()
    };
    if let Ok(generated) = sdkgen::generate(&source, &options) {
        if let Err(e) = syn::parse_file(&generated.code()) {
            panic!("generated code does not parse: {e}");
        }
    }
});
