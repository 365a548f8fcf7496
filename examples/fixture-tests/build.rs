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
    ] {
        sdkgen::Config::new()
            .file_name(format!("{}.rs", fixture.replace('-', "_")))
            .compile(format!("../../tests/fixtures/{fixture}.yaml"))?;
    }
    Ok(())
}
