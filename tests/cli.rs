//! The `sdkgen generate` command as a user runs it: files written, `--check`, exit codes and
//! error messages.

use std::path::Path;
use std::process::{Command, Output};

fn sdkgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("sdkgen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn generate_without_arguments_writes_the_modbox_crate() {
    let dir = tempfile::tempdir().unwrap();
    let out = sdkgen(dir.path(), &["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("generated/modbox"), "{stdout}");
    assert!(stdout.contains("1 operation, 5 types"), "{stdout}");
    let root = dir.path().join("generated/modbox");
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"modbox\""), "{cargo}");
    for dep in ["reqwest", "serde", "uuid", "chrono"] {
        assert!(
            cargo.contains(&format!("\n{dep} = ")),
            "{dep} missing from {cargo}"
        );
    }
    let client = std::fs::read_to_string(root.join("src/client.rs")).unwrap();
    assert!(client.contains("pub fn update_sandbox_image<'a>("));
    assert!(root.join("README.md").exists());

    // Running again changes nothing, and says so.
    let again = sdkgen(dir.path(), &["generate"]);
    assert!(
        text(&again.stdout).matches("unchanged").count() == 7,
        "{}",
        text(&again.stdout)
    );
}

/// A crate name in another case (`MyApi`) keeps its package name; its library is snake case,
/// and the CLI says so.
#[test]
fn a_crate_name_that_is_not_snake_case_gets_a_snake_case_library() {
    let dir = tempfile::tempdir().unwrap();
    let run = sdkgen(
        dir.path(),
        &["generate", "--crate-name", "MyApi", "--out", "sdk"],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("its library is `my_api`"),
        "{}",
        text(&run.stderr)
    );
    let cargo = std::fs::read_to_string(dir.path().join("sdk/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"MyApi\""), "{cargo}");
    assert!(
        cargo.contains("[lib]\nname = \"my_api\"\npath = \"src/lib.rs\""),
        "{cargo}"
    );
    let readme = std::fs::read_to_string(dir.path().join("sdk/README.md")).unwrap();
    assert!(readme.contains("my_api::Client::new("), "{readme}");
    let client = std::fs::read_to_string(dir.path().join("sdk/src/client.rs")).unwrap();
    assert!(client.contains("# use my_api::{runtime, types};"));
}

#[test]
fn check_reports_drift_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("sdk");
    let out_arg = out_dir.to_str().unwrap();
    let missing = sdkgen(dir.path(), &["generate", "--out", out_arg, "--check"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!out_dir.exists(), "--check must not write");

    assert!(sdkgen(dir.path(), &["generate", "--out", out_arg])
        .status
        .success());
    let fresh = sdkgen(dir.path(), &["generate", "--out", out_arg, "--check"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));

    let lib = out_dir.join("src/lib.rs");
    std::fs::write(&lib, "// edited by hand\n").unwrap();
    let stale = sdkgen(dir.path(), &["generate", "--out", out_arg, "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale.stderr).contains("src/lib.rs"),
        "{}",
        text(&stale.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        "// edited by hand\n"
    );
}

#[test]
fn checked_in_sdk_is_up_to_date_with_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = sdkgen(
        root,
        &[
            "generate",
            "--spec",
            "spec/modbox.yaml",
            "--out",
            "examples/modbox-sdk",
            "--crate-name",
            "modbox",
            "--check",
        ],
    );
    assert!(
        out.status.success(),
        "examples/modbox-sdk is stale: run `cargo run -- generate --spec spec/modbox.yaml --out examples/modbox-sdk`\n{}",
        text(&out.stderr)
    );
}

#[test]
fn the_embedded_spec_is_the_seed_spec_verbatim() {
    // The seed as the project was given it, copied byte for byte (tests/fixtures/seed/README.md).
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed/modbox.yaml");
    let seed = std::fs::read_to_string(&seed).unwrap();
    assert_eq!(seed, sdkgen::EMBEDDED_SPEC);
}

fn spec_error(yaml: &str) -> (Option<i32>, String) {
    run_on(yaml, &[])
}

/// Like [`spec_error`], with `--strict`: notes are errors.
fn strict_error(yaml: &str) -> (Option<i32>, String) {
    run_on(yaml, &["--strict"])
}

fn run_on(yaml: &str, flags: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    std::fs::write(&spec, yaml).unwrap();
    let mut args = vec!["generate", "--spec", "api.yaml"];
    args.extend_from_slice(flags);
    let out = sdkgen(dir.path(), &args);
    assert!(
        !dir.path().join("generated").exists(),
        "a failed run must write nothing"
    );
    (out.status.code(), text(&out.stderr))
}

/// Lenient by default: a reference to nothing leaves that part loose, with a note at its
/// place; `--strict` refuses the document there.
#[test]
fn a_missing_reference_is_a_note_and_under_strict_an_error_at_its_pointer_and_line() {
    let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("api.yaml"), yaml).unwrap();
    let out = sdkgen(dir.path(), &["generate", "--spec", "api.yaml"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "note: `#/components/schemas/Missing` points to a schema that does not exist"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("line 10"), "{stderr}");
    let (code, stderr) = strict_error(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'\n",
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("#/components/schemas/Missing"), "{stderr}");
    assert!(
        stderr.contains("/components/schemas/A/properties/b/$ref"),
        "{stderr}"
    );
    assert!(stderr.contains("line 10"), "{stderr}");
}

#[test]
fn invalid_yaml_names_line_and_column() {
    let (code, stderr) = spec_error("openapi: 3.1.0\ninfo: [unclosed\n");
    assert_eq!(code, Some(3));
    assert!(stderr.contains("invalid YAML"), "{stderr}");
    assert!(stderr.contains("line "), "{stderr}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let (code, stderr) = strict_error(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n",
    );
    assert_eq!(code, Some(3));
    assert!(stderr.contains("2 errors"), "{stderr}");
    assert!(stderr.contains("no path parameter `id`"), "{stderr}");
    assert!(stderr.contains("Nope"), "{stderr}");
}

#[test]
fn swagger_2_is_refused_with_a_reason() {
    let (code, stderr) = spec_error("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(code, Some(3));
    assert!(stderr.contains("Swagger 2.0"), "{stderr}");
}

#[test]
fn a_missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sdkgen(dir.path(), &["generate", "--spec", "nope.yaml"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("nope.yaml"));
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sdkgen(dir.path(), &["generate", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/changes/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn regenerating_over_an_sdk_prints_its_api_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (fixture("before"), fixture("after"));
    let args = |spec: &str| -> Vec<String> {
        [
            "generate",
            "--spec",
            spec,
            "--out",
            "sdk",
            "--crate-name",
            "pets",
        ]
        .map(String::from)
        .to_vec()
    };
    let run = |spec: &str| {
        let args = args(spec);
        sdkgen(
            dir.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let first = run(&before);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        !text(&first.stdout).contains("API changes"),
        "a new SDK has nothing to compare with"
    );
    let second = run(&after);
    let stdout = text(&second.stdout);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        stdout.contains("API changes: 8 breaking, 7 other"),
        "{stdout}"
    );
    assert!(
        stdout.contains("BREAKING  operation `delete_pet` removed"),
        "{stdout}"
    );
    assert!(stdout.contains("type `Owner` added"), "{stdout}");
    // The same spec again: files unchanged, no report.
    let third = run(&after);
    assert!(!text(&third.stdout).contains("API changes"));
}

/// An SDK an older sdkgen wrote (one `lib.rs`, optional parameters as positional `Option`s):
/// regenerating it reports each optional parameter that is now set by name as breaking, and
/// nothing else that stayed the same.
#[test]
fn regenerating_an_sdk_of_positional_options_reports_the_move_to_setters() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sdk/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("lib.rs"),
        "pub type Error = runtime::Error<ErrorBody>;\n\
         pub struct Client { core: runtime::Core }\n\
         impl Client {\n\
             pub async fn list_pets(&self, limit: ::std::option::Option<i64>) \
                 -> ::std::result::Result<::std::vec::Vec<types::Pet>, Error> { todo!() }\n\
         }\n\
         pub mod types {\n\
             pub struct Pet { pub id: i32, pub name: ::std::string::String }\n\
         }\n",
    )
    .unwrap();
    let run = sdkgen(
        dir.path(),
        &[
            "generate",
            "--spec",
            &fixture("before"),
            "--out",
            "sdk",
            "--crate-name",
            "pets",
        ],
    );
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        stdout.contains(
            "BREAKING  operation `list_pets`: parameter `limit` is now optional, set by name (`.limit(..)`)"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("list_pets`: returns"), "{stdout}");
}

#[test]
fn check_shows_a_short_diff_and_the_api_changes_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (fixture("before"), fixture("after"));
    let out = dir.path().join("sdk");
    let out_arg = out.to_str().unwrap();
    let written = sdkgen(
        dir.path(),
        &["generate", "--spec", &after, "--out", out_arg],
    );
    assert!(written.status.success(), "{}", text(&written.stderr));
    let client_before = std::fs::read(out.join("src/client.rs")).unwrap();

    let check = sdkgen(
        dir.path(),
        &["generate", "--spec", &before, "--out", out_arg, "--check"],
    );
    let stderr = text(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stale: "), "{stderr}");
    assert!(stderr.contains("src/client.rs"), "{stderr}");
    // A unified diff, cut short.
    assert!(stderr.contains("\n    @@ -"), "{stderr}");
    assert!(
        stderr.contains("\n    -    /// let answer = client.list_pets(owner).limit(limit).await?;"),
        "{stderr}"
    );
    assert!(stderr.contains("more diff lines"), "{stderr}");
    assert!(
        stderr.contains("BREAKING  operation `adopt_pet` removed"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("--spec {before}")), "{stderr}");
    assert_eq!(
        std::fs::read(out.join("src/client.rs")).unwrap(),
        client_before
    );
}

/// A user's spec that shares the embedded spec's file name: the `--check` hint must still name
/// it, and following the hint must regenerate from it, not from the embedded spec.
#[test]
fn the_check_hint_names_the_spec_that_was_used() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("modbox.yaml");
    std::fs::write(&spec, sdkgen::EMBEDDED_SPEC).unwrap();
    let written = sdkgen(
        dir.path(),
        &["generate", "--spec", "modbox.yaml", "--out", "out"],
    );
    assert!(written.status.success(), "{}", text(&written.stderr));

    let edited = sdkgen::EMBEDDED_SPEC.replace(
        "summary: Update Sandbox Image",
        "summary: Replace a sandbox image's settings",
    );
    assert_ne!(edited, sdkgen::EMBEDDED_SPEC);
    std::fs::write(&spec, edited).unwrap();
    let check = sdkgen(
        dir.path(),
        &[
            "generate",
            "--spec",
            "modbox.yaml",
            "--out",
            "out",
            "--check",
        ],
    );
    let stderr = text(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    let hint = stderr
        .split("regenerate it with `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no hint in: {stderr}"));
    assert_eq!(hint, "sdkgen generate --spec modbox.yaml --out out");

    // Following the hint brings the SDK in line with the user's spec.
    let args: Vec<&str> = hint.split_whitespace().skip(1).collect();
    let followed = sdkgen(dir.path(), &args);
    assert!(followed.status.success(), "{}", text(&followed.stderr));
    let client = std::fs::read_to_string(dir.path().join("out/src/client.rs")).unwrap();
    assert!(client.contains("Replace a sandbox image's settings"));
    let again = sdkgen(
        dir.path(),
        &[
            "generate",
            "--spec",
            "modbox.yaml",
            "--out",
            "out",
            "--check",
        ],
    );
    assert!(again.status.success(), "{}", text(&again.stderr));

    // A path with a space is quoted, so the hint can be pasted as it is.
    let spaced = dir.path().join("my api.yaml");
    std::fs::write(&spaced, sdkgen::EMBEDDED_SPEC).unwrap();
    let check = sdkgen(
        dir.path(),
        &[
            "generate",
            "--spec",
            "my api.yaml",
            "--out",
            "out",
            "--check",
        ],
    );
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains("`sdkgen generate --spec 'my api.yaml' --out out`"),
        "{stderr}"
    );
}

#[test]
fn dependencies_prints_what_the_build_rs_example_declares() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = sdkgen(
        root,
        &[
            "dependencies",
            "--spec",
            "examples/build-rs/spec/tasks.yaml",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.starts_with("[dependencies]\n"), "{stdout}");
    assert!(stdout.contains("\nuuid = "), "{stdout}");
    assert!(stdout.contains("\nchrono = "), "{stdout}");
    // The example's Cargo.toml names each of them (tokio with more features, for main.rs).
    let manifest = std::fs::read_to_string(root.join("examples/build-rs/Cargo.toml")).unwrap();
    for line in stdout.lines().skip(1) {
        let name = line.split(" = ").next().unwrap();
        if name == "tokio" {
            assert!(manifest.contains("\ntokio = "), "{manifest}");
        } else {
            assert!(
                manifest.contains(&format!("\n{line}\n")),
                "`{line}` missing"
            );
        }
    }
    // Without --spec: the embedded spec's list.
    let modbox = text(&sdkgen(root, &["dependencies"]).stdout);
    assert!(modbox.contains("\nreqwest = "), "{modbox}");
}

#[test]
fn watch_without_a_spec_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sdkgen(dir.path(), &["generate", "--watch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--watch needs --spec"));
    let both = sdkgen(
        dir.path(),
        &["generate", "--watch", "--check", "--spec", "x"],
    );
    assert_eq!(both.status.code(), Some(2));
}

/// The generated README counts in plain English, and its example of a named optional parameter
/// is one the API has (none when it has none).
#[test]
fn the_generated_readme_shows_a_setter_the_api_has() {
    let dir = tempfile::tempdir().unwrap();
    let run = sdkgen(dir.path(), &["generate", "--out", "seed"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let readme = std::fs::read_to_string(dir.path().join("seed/README.md")).unwrap();
    assert!(readme.contains("1 operation, 5 model types."), "{readme}");
    assert!(
        !readme.contains("(s)") && !readme.contains("per_page"),
        "{readme}"
    );

    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paging.yaml");
    let run = sdkgen(
        dir.path(),
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            "paging",
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let readme = std::fs::read_to_string(dir.path().join("paging/README.md")).unwrap();
    let shown = readme
        .split("on the request it returns (`.")
        .nth(1)
        .and_then(|rest| rest.split('(').next())
        .unwrap_or_else(|| panic!("no setter shown:\n{readme}"));
    let client = std::fs::read_to_string(dir.path().join("paging/src/client.rs")).unwrap();
    assert!(
        client.contains(&format!("pub fn {shown}(mut self")),
        "`.{shown}(..)` is not a setter of the SDK"
    );
}

#[path = "../benches/generate/synthetic.rs"]
mod synthetic;

/// A generation that takes more than a second shows its stage and count on stderr when stderr
/// is a terminal (`script` runs sdkgen on a pseudo-terminal), and erases the line at the end;
/// piped, stderr holds no status line at all.
#[test]
fn a_long_generation_shows_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.json"), synthetic::spec(3000)).unwrap();
    let started = std::time::Instant::now();
    let piped = sdkgen(
        dir.path(),
        &["generate", "--spec", "big.json", "--out", "piped"],
    );
    let took = started.elapsed();
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert!(
        !text(&piped.stderr).contains('\x1b'),
        "{}",
        text(&piped.stderr)
    );
    assert!(
        took > std::time::Duration::from_millis(1500),
        "the spec must take over a second to generate for this test to mean anything: {took:?}"
    );

    let command = format!(
        "{} generate --spec big.json --out tty",
        env!("CARGO_BIN_EXE_sdkgen")
    );
    let tty = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("script (util-linux) runs");
    assert!(tty.status.success());
    let shown = text(&tty.stdout);
    assert!(shown.contains("Generating"), "{shown}");
    assert!(shown.contains("big.json: "), "{shown}");
    assert!(shown.contains("items ("), "no count of items: {shown}");
    // Erased before the summary is printed.
    assert!(shown.contains("\r\x1b[2K"), "{shown}");
}

/// A crate with tags is a file per tag: a module file sdkgen wrote and would not write now
/// (a tag since gone) is drift for `--check` and removed by `generate`; a file of the user's
/// own beside them is neither.
#[test]
fn module_files_sdkgen_no_longer_writes_are_drift_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("{}/tests/fixtures/tags.yaml", env!("CARGO_MANIFEST_DIR"));
    let generate = ["generate", "--spec", &spec, "--out", "sdk"];
    let first = sdkgen(dir.path(), &generate);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let client = dir.path().join("sdk/src/client");
    let pets = std::fs::read_to_string(client.join("pets.rs")).unwrap();
    assert!(pets.contains("pub fn list_pets"), "{pets}");
    std::fs::write(client.join("gone.rs"), &pets).unwrap();
    std::fs::write(client.join("mine.rs"), "// notes of my own\n").unwrap();

    let check = sdkgen(dir.path(), &[&generate[..], &["--check"]].concat());
    let stderr = text(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("extra: sdk/src/client/gone.rs"), "{stderr}");
    assert!(!stderr.contains("mine.rs"), "{stderr}");

    let second = sdkgen(dir.path(), &generate);
    let stdout = text(&second.stdout);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        stdout.contains("removed   sdk/src/client/gone.rs"),
        "{stdout}"
    );
    assert!(!client.join("gone.rs").exists() && client.join("mine.rs").exists());
    let check = sdkgen(dir.path(), &[&generate[..], &["--check"]].concat());
    assert!(check.status.success(), "{}", text(&check.stderr));
}

/// The change report reads the SDK on disk across its module files: a parameter made required
/// in an operation of a tag's file is reported, breaking.
#[test]
fn the_change_report_reads_the_files_of_each_tag() {
    let dir = tempfile::tempdir().unwrap();
    let original = format!("{}/tests/fixtures/tags.yaml", env!("CARGO_MANIFEST_DIR"));
    let spec = dir.path().join("shop.yaml");
    std::fs::copy(&original, &spec).unwrap();
    let generate = ["generate", "--spec", "shop.yaml", "--out", "sdk"];
    let first = sdkgen(dir.path(), &generate);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(dir.path().join("sdk/src/client/pets.rs").exists());
    let changed = std::fs::read_to_string(&original).unwrap().replace(
        "      operationId: countPets\n",
        "      operationId: countPets\n      parameters:\n        - { name: kind, in: query, required: true, schema: { type: string } }\n",
    );
    std::fs::write(&spec, changed).unwrap();
    let second = sdkgen(dir.path(), &generate);
    let stdout = text(&second.stdout);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        stdout.contains("API changes: 1 breaking, 0 other"),
        "{stdout}"
    );
    assert!(
        stdout.contains("BREAKING  operation `count_pets`: newly required parameter `kind: &str`"),
        "{stdout}"
    );
}
