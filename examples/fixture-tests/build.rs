// Generates the SDK of each fixture the tests exercise into $OUT_DIR/<fixture>.rs.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    for fixture in [
        "unions",
        "all-of",
        "additional-properties",
        "bodies",
        "servers",
        "security",
        "responses",
        "scalars-and-directions",
        "parameter-styles",
        "calls",
        "streams",
        "paging",
        "oauth",
    ] {
        sdkgen::Config::new()
            .file_name(format!("{}.rs", fixture.replace('-', "_")))
            .compile(format!("../../tests/fixtures/{fixture}.yaml"))?;
    }
    // Every conditional derive, and two the models have already, over fixtures that hold enums,
    // floats, maps, JSON values, unions and recursion: each goes where it can hold, never twice
    // (tests/derives.rs).
    for fixture in [
        "unions",
        "all-of",
        "additional-properties",
        "ref-cycles",
        "scalars-and-directions",
    ] {
        let mut config = sdkgen::Config::new();
        config.file_name(format!("derived_{}.rs", fixture.replace('-', "_")));
        for derive in [
            "Eq",
            "Hash",
            "PartialOrd",
            "Ord",
            "Default",
            "Copy",
            "Clone",
            "::serde::Serialize",
        ] {
            config.extra_derive(derive);
        }
        config.compile(format!("../../tests/fixtures/{fixture}.yaml"))?;
    }
    // The README's `Config` example, every option on (strict: the fixture has no notes).
    sdkgen::Config::new()
        .file_name("readme_config.rs")
        .crate_name("my_api")
        .extra_derive("Eq")
        .tags(["Pets"])
        .allow_dir("../../tests/fixtures")
        .emit_rerun_if_changed(true)
        .notes_as_warnings(true)
        .strict(true)
        .keep_unknown_fields(false)
        .compile("../../tests/fixtures/tags.yaml")?;
    // One tag of a tagged API, as a build.rs user of a few endpoints generates it.
    sdkgen::Config::new()
        .file_name("tags_pets.rs")
        .tags(["Pets"])
        .compile("../../tests/fixtures/tags.yaml")?;
    Ok(())
}
