//! Load, normalise, parse and lower any bytes: a diagnostic or an IR, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = sdkgen::Source::named("fuzz.yaml", text);
    if let Ok(doc) = sdkgen::spec::read(&source) {
        let _ = sdkgen::ir::lower(&doc.openapi, &doc.webhooks, sdkgen::ir::Settings::default());
    }
});
