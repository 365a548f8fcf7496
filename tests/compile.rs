//! Generated SDKs compile, are clippy-clean and rustdoc-clean with `-D warnings`, their doc
//! examples compile, and `cargo fmt --check` passes on them: the embedded spec (through the CLI, exactly as a user runs it) and every fixture, built together in one
//! scratch workspace with one target directory, so dependencies are built once and kept.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{assert_success, fixture_specs, root, Scratch};

fn generate_into(workspace: &Path, spec: &Path, crate_name: &str) {
    generate_with(workspace, spec, crate_name, &[]);
}

fn generate_with(workspace: &Path, spec: &Path, crate_name: &str, flags: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .arg("generate")
        .args(flags)
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(workspace.join(crate_name))
        .arg("--crate-name")
        .arg(crate_name)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        spec.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_crates_are_clippy_clean() {
    let scratch = Scratch::new("workspace");
    let mut specs: Vec<(PathBuf, String)> =
        vec![(root().join("spec/modbox.yaml"), "modbox".into())];
    for path in fixture_specs() {
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        specs.push((path, format!("fixture_{stem}")));
    }
    // A spec split over several files (tests/external_refs.rs checks how it is read), under a
    // crate name that is not snake case: its library is `fixture_split` (no `non_snake_case`,
    // and its doc examples name it so).
    specs.push((
        root().join("tests/fixtures/split/openapi.yaml"),
        "FixtureSplit".into(),
    ));
    for (spec, name) in &specs {
        generate_into(&scratch.workspace, spec, name);
    }
    // The README's flags, all at once, on fixtures with enums, floats, maps, unions and
    // recursion (strict: they have no notes).
    let flagged = [
        "unions",
        "additional-properties",
        "scalars-and-directions",
        "tags",
    ];
    for fixture in flagged {
        let name = format!("flagged_{}", fixture.replace('-', "_"));
        let flags = [
            "--strict",
            "--drop-unknown-fields",
            "--extra-derive",
            "Eq",
            "--extra-derive",
            "Hash",
            "--extra-derive",
            "PartialOrd",
            "--extra-derive",
            "Ord",
        ];
        let spec = root().join(format!("tests/fixtures/{fixture}.yaml"));
        generate_with(&scratch.workspace, &spec, &name, &flags);
        specs.push((spec, name));
    }
    let members: Vec<&str> = specs.iter().map(|(_, n)| n.as_str()).collect();
    scratch.members(&members);

    let out = scratch.cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]);
    assert_success(&out, "generated code does not pass clippy");

    // Spec text becomes doc comments: rustdoc must find no broken link, bare URL or bad HTML.
    let doc = scratch.cargo_with(
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    assert_success(&doc, "generated docs do not pass rustdoc");

    // Each operation's example call compiles (`no_run` doctests).
    let doctests = scratch.cargo(&["test", "--workspace", "--doc", "--quiet"]);
    assert_success(&doctests, "generated doc examples do not compile");

    // A workspace holding generated crates stays `cargo fmt` clean.
    let fmt = scratch.cargo(&["fmt", "--all", "--", "--check"]);
    assert_success(&fmt, "generated crates are not rustfmt-clean");
}

/// Cargo features per OpenAPI tag: a user who turns the defaults off and enables one tag gets
/// that tag's operations and models, builds clippy-clean, and cannot call another tag's
/// operation; a model no operation uses (`Coupon`) comes with `unreferenced-models`; an
/// untagged operation under a tag's paths (`/pets/$count`) comes with that tag, one under none
/// (`/health`) always; the crate with no tag enabled still builds.
#[test]
fn tag_features_compile_only_the_enabled_tags() {
    let scratch = Scratch::new("features");
    let workspace = &scratch.workspace;
    std::fs::create_dir_all(workspace.join("user/src")).unwrap();
    generate_into(workspace, &root().join("tests/fixtures/tags.yaml"), "shop");
    scratch.members(&["shop", "user"]);
    std::fs::write(
        workspace.join("user/Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         shop = { path = \"../shop\", default-features = false, features = [\"rustls\", \"pets\", \"unreferenced-models\"] }\n",
    )
    .unwrap();
    let user_code = |extra: &str| {
        format!(
            "pub async fn run(client: &shop::Client) -> Result<(), shop::Error> {{\n\
             let pets: Vec<shop::types::Pet> = client.list_pets().await?;\n\
             let _ = (pets, client.order_pet(1).await?, client.health().await?);\n\
             let _: i64 = client.count_pets().await?;\n\
             let _ = shop::types::Coupon::default();\n\
             {extra}\n    Ok(())\n}}\n"
        )
    };
    std::fs::write(workspace.join("user/src/lib.rs"), user_code("")).unwrap();
    let out = scratch.cargo(&["clippy", "--workspace", "--quiet", "--", "-D", "warnings"]);
    assert_success(&out, "one tag enabled");

    let out = scratch.cargo(&[
        "clippy",
        "-p",
        "shop",
        "--no-default-features",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]);
    assert_success(&out, "no tag enabled");

    // The TLS stack is the user's choice: `native-tls` swaps rustls for the platform's TLS
    // (resolved, not built: building it needs OpenSSL's headers, which a clone cannot assume).
    let tls = |features: &str, package: &str| {
        let out = scratch.cargo(&[
            "tree",
            "-p",
            "shop",
            "--no-default-features",
            "--features",
            features,
            "-e",
            "normal",
            "-i",
            package,
        ]);
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains(package)
    };
    assert!(
        tls("native-tls,pets", "native-tls"),
        "native-tls does not bring native-tls"
    );
    assert!(
        !tls("native-tls,pets", "rustls"),
        "native-tls still brings rustls"
    );
    assert!(tls("rustls,pets", "rustls"), "rustls does not bring rustls");

    let other_tag = "let _ = client.place_order(&shop::types::Order { pet: shop::types::Pet { name: String::new(), kind: shop::types::PetKind::Cat }, note: None }).await?;\n\
                     let _ = client.count_orders().await?;";
    std::fs::write(workspace.join("user/src/lib.rs"), user_code(other_tag)).unwrap();
    let out = scratch.cargo(&["check", "-p", "user", "--quiet"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("no method named `place_order`"),
        "another tag's operation must be left out:\n{stderr}"
    );
    // An untagged operation under another tag's paths goes with that tag.
    assert!(
        stderr.contains("no method named `count_orders`"),
        "{stderr}"
    );
}
