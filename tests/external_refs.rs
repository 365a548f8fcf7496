//! `$ref`s to other files: read relative to the file that refers, only inside the spec's own
//! directory or one the user allows, never from a URL; each refusal names the reference's place.

use std::path::Path;
use std::process::{Command, Output};

fn sdkgen(args: &[&str], spec: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .args(["generate", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_spec_split_over_several_files_is_one_sdk() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split/openapi.yaml");
    let out = tempfile::tempdir().unwrap();
    let run = sdkgen(&[], &spec, out.path());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let code = std::fs::read_to_string(out.path().join("src/client.rs")).unwrap();
    let types = std::fs::read_to_string(out.path().join("src/types.rs")).unwrap();
    let types = syn::parse_file(&types).unwrap();
    let mut names: Vec<String> = types
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    names.sort();
    // Pet from a whole file (and recursive through it), Owner under the root's own name, Kind
    // from the file's own `#/$defs`, Problem reached from two files and copied once.
    assert_eq!(names, ["Kind", "Local", "Owner", "Pet", "Problem"]);
    for method in [
        "pub fn list_pets<",
        "pub fn get_pet<",
        "pub fn limit(",
        "pet_id: i64",
    ] {
        assert!(code.contains(method), "no `{method}`");
    }
    assert!(code.contains("Problem(::std::boxed::Box<types::Problem>)"));
}

/// A spec in `spec/` beside `outside/`: refers to `target`, optionally allowing `outside/`.
fn refuse(target: &str, allow: bool) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("spec")).unwrap();
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    std::fs::write(
        dir.path().join("outside/secret.yaml"),
        "Secret:\n  type: object\n  properties:\n    key: {type: string}\n",
    )
    .unwrap();
    let spec = dir.path().join("spec/openapi.yaml");
    std::fs::write(
        &spec,
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: \"{target}\"\n"
        ),
    )
    .unwrap();
    let outside = dir.path().join("outside");
    let args: Vec<&str> = if allow {
        vec!["--allow-dir", outside.to_str().unwrap()]
    } else {
        vec![]
    };
    sdkgen(&args, &spec, &dir.path().join("sdk"))
}

fn assert_refused(out: &Output, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    // The place of the reference, with its line and column.
    assert!(
        stderr.contains("at /components/schemas/A/$ref (line 7, column"),
        "{stderr}"
    );
    assert!(!stderr.contains("root:"), "file content leaked: {stderr}");
}

#[test]
fn files_outside_the_spec_directory_are_refused_unless_allowed() {
    assert_refused(
        &refuse("../outside/secret.yaml#/Secret", false),
        "is outside the spec's directory",
    );
    assert_refused(&refuse("../../../../../../etc/passwd", false), "is outside");
    assert_refused(&refuse("/etc/passwd", false), "is outside");
    let allowed = refuse("../outside/secret.yaml#/Secret", true);
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}

#[test]
fn urls_are_never_fetched_and_missing_files_are_named() {
    assert_refused(
        &refuse("https://example.com/schemas.yaml#/Pet", false),
        "never fetches",
    );
    assert_refused(
        &refuse("missing.yaml#/Pet", false),
        "cannot read `missing.yaml`",
    );
    assert_refused(
        &refuse("../outside/secret.yaml#/Nope", true),
        "has nothing at `#/Nope`",
    );
}

/// Text handed to the library with a name that is not its file has no directory: a reference
/// to a file is refused rather than read from wherever the process runs.
#[test]
fn a_document_not_read_from_a_file_reads_no_other_file() {
    let source = sdkgen::Source::named(
        "not-a-file-here.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: /etc/passwd\n"
    );
    let options = sdkgen::Options {
        crate_name: "t".into(),
        ..sdkgen::Options::default()
    };
    let err = sdkgen::generate(&source, &options).unwrap_err().to_string();
    assert!(
        err.contains("this document was not read from a file"),
        "{err}"
    );
    assert!(!err.contains("root:"), "{err}");
}
