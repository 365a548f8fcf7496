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
    ] {
        sdkgen::Config::new()
            .file_name(format!("{}.rs", fixture.replace('-', "_")))
            .compile(format!("../../tests/fixtures/{fixture}.yaml"))?;
    }
    // One tag of a tagged API, as a build.rs user of a few endpoints generates it.
    sdkgen::Config::new()
        .file_name("tags_pets.rs")
        .tags(["Pets"])
        .compile("../../tests/fixtures/tags.yaml")?;
    Ok(())
}
