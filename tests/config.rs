//! `sdkgen::Config` outside a build script: where it writes, what it returns, how it fails.

use std::path::Path;

use sdkgen::Config;

fn tasks_spec() -> String {
    format!(
        "{}/examples/build-rs/spec/tasks.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn compile_writes_the_named_file_once_and_generate_returns_the_same_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new();
    config
        .out_dir(dir.path())
        .file_name("api.rs")
        .crate_name("tasks_api")
        .extra_derive("Eq")
        .emit_rerun_if_changed(false);
    let path = config.compile(tasks_spec()).unwrap();
    assert_eq!(path, dir.path().join("api.rs"));
    let written = std::fs::read_to_string(&path).unwrap();
    let generated = config.generate(tasks_spec()).unwrap();
    assert_eq!(written, generated.code());
    assert!(written.contains("\"tasks_api/1.0.0 (Rust; sdkgen "));
    assert!(written.contains("::serde::Serialize, Eq)]"), "extra derive");

    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    config.compile(tasks_spec()).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "an unchanged SDK is not rewritten"
    );
}

#[test]
fn the_default_file_is_named_after_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let path = Config::new()
        .out_dir(dir.path())
        .emit_rerun_if_changed(false)
        .compile(tasks_spec())
        .unwrap();
    assert_eq!(path, dir.path().join("tasks.rs"));
}

#[test]
fn dependencies_are_reported_for_a_spec() {
    let deps = Config::new().dependencies(tasks_spec()).unwrap();
    let names: Vec<&str> = deps.iter().map(|d| d.name).collect();
    assert!(names.contains(&"uuid") && names.contains(&"chrono") && names.contains(&"reqwest"));
    assert!(!names.contains(&"clap"));
}

#[test]
fn errors_read_the_same_in_debug_as_in_display() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n",
    )
    .unwrap();
    // Lenient by default: a note; strict: the error, at its place.
    let generated = Config::new().generate(&spec).unwrap();
    assert!(generated.notes.iter().any(|n| n.message.contains("Nope")));
    let err = Config::new().strict(true).generate(&spec).unwrap_err();
    let shown = format!("{err:?}");
    assert_eq!(shown, err.to_string());
    assert!(
        shown.contains("bad.yaml: cannot generate an SDK: 1 error"),
        "{shown}"
    );
    assert!(shown.contains("(line 11, column"), "{shown}");

    let missing = Config::new()
        .generate(dir.path().join("nope.yaml"))
        .unwrap_err();
    assert!(matches!(missing, sdkgen::Error::Io { .. }), "{missing}");
    assert!(missing.to_string().contains("nope.yaml"), "{missing}");

    std::fs::write(&spec, b"openapi: \xff\n").unwrap();
    let not_utf8 = Config::new().generate(&spec).unwrap_err();
    assert!(
        not_utf8
            .to_string()
            .contains("not UTF-8 text (invalid byte at offset 9)"),
        "{not_utf8}"
    );
}

#[test]
fn outside_a_build_script_the_output_directory_must_be_given() {
    assert!(std::env::var_os("OUT_DIR").is_none());
    let err = Config::new()
        .emit_rerun_if_changed(false)
        .compile(Path::new(&tasks_spec()))
        .unwrap_err();
    assert!(err.to_string().contains("OUT_DIR is not set"), "{err}");
}

/// `Config::tags`: only the chosen tags' operations and what they use are generated; models no
/// operation uses stay; an unknown tag is an error naming the spec's tags.
#[test]
fn tags_choose_the_operations_generated() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tags.yaml");
    let code = Config::new().tags(["Pets"]).generate(spec).unwrap().code();
    for present in [
        "pub fn list_pets<",
        "pub fn order_pet<",
        "pub fn health<",
        "pub struct Pet ",
        "pub struct Coupon",
        "PetProblem(",
    ] {
        assert!(code.contains(present), "missing `{present}`");
    }
    for absent in [
        "place_order",
        "pub struct Order {",
        "pub struct Receipt",
        "ReceiptStatus",
    ] {
        assert!(!code.contains(absent), "`{absent}` was generated");
    }
    assert!(
        !code.contains("#[cfg(feature"),
        "build.rs output has no features"
    );
    // By feature name too.
    let by_feature = Config::new()
        .tags(["store-orders"])
        .generate(spec)
        .unwrap()
        .code();
    assert!(by_feature.contains("place_order") && !by_feature.contains("list_pets"));

    let err = Config::new()
        .tags(["Cats"])
        .generate(spec)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no operation has the tag `Cats`; the tags are: Pets, Store Orders"),
        "{err}"
    );
}

#[test]
fn an_extra_derive_that_is_not_a_path_is_an_error_naming_it() {
    let err = Config::new()
        .extra_derive("Eq, Hash")
        .generate(tasks_spec())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the extra derive `Eq, Hash` is not a Rust path"),
        "{err}"
    );
}
