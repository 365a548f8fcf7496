// Generates the Tasks SDK from spec/tasks.yaml into $OUT_DIR/tasks.rs on every build where
// the spec changed (sdkgen prints `cargo:rerun-if-changed` for it).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    sdkgen::compile_spec("spec/tasks.yaml")?;
    Ok(())
}
