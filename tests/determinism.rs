//! The same spec gives byte-identical output: across runs and threads (no hash-map order: every
//! map in the generator is seeded randomly per instance, so each generation below sees a new
//! order), and wherever the spec and the output live (no absolute path, no time, no user name).

use std::path::{Path, PathBuf};
use std::process::Command;

use sdkgen::{generate, Options, Source};

mod support;

fn specs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs = support::fixture_specs();
    specs.push(root.join("spec/modbox.yaml"));
    // Two large real documents, with many maps of names to walk (copies the repository holds).
    for document in ["nexus.json", "figma.yaml"] {
        specs.push(root.join("tests/fixtures/third-party").join(document));
    }
    specs
}

fn generate_all(specs: &[PathBuf]) -> Vec<String> {
    specs
        .iter()
        .map(|path| {
            let source = Source::named(
                path.file_name().unwrap().to_string_lossy(),
                std::fs::read_to_string(path).unwrap(),
            );
            let options = Options {
                crate_name: "sdk".into(),
                tag_features: true,
                ..Options::default()
            };
            let generated = generate(&source, &options).unwrap();
            let notes: Vec<String> = generated.notes.iter().map(|n| n.to_string()).collect();
            let files: Vec<String> = generated
                .crate_files()
                .into_iter()
                .map(|f| format!("{}\n{}", f.path.display(), f.contents))
                .collect();
            format!("{}\n{}", files.join("\n"), notes.join("\n"))
        })
        .collect()
}

#[test]
fn the_same_spec_gives_the_same_bytes_in_every_run_and_thread() {
    let specs = specs();
    let first = generate_all(&specs);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let specs = specs.clone();
            std::thread::spawn(move || generate_all(&specs))
        })
        .collect();
    for thread in threads {
        let outputs = thread.join().unwrap();
        for ((spec, a), b) in specs.iter().zip(&first).zip(&outputs) {
            assert!(a == b, "{} differs between two runs", spec.display());
        }
    }
}

#[test]
fn the_output_does_not_depend_on_where_the_spec_or_the_output_is() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("tests/fixtures/third-party/nexus.json");
    let near = tempfile::tempdir().unwrap();
    let far = tempfile::tempdir().unwrap();
    let far_nested = far.path().join("a/b/c");
    std::fs::create_dir_all(&far_nested).unwrap();
    let mut outputs = Vec::new();
    for (dir, cwd) in [(near.path(), root), (far_nested.as_path(), far.path())] {
        std::fs::copy(&spec, dir.join("nexus.json")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
            .args(["generate", "--spec"])
            .arg(dir.join("nexus.json"))
            .arg("--out")
            .arg(dir.join("sdk"))
            .current_dir(cwd)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut files = Vec::new();
        for file in [
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "src/client.rs",
            "src/types.rs",
        ] {
            let text = std::fs::read_to_string(dir.join("sdk").join(file)).unwrap();
            for place in [dir, cwd, root] {
                let place = place.to_string_lossy();
                assert!(!text.contains(place.as_ref()), "{file} names {place}");
            }
            files.push(text);
        }
        outputs.push(files);
    }
    assert!(outputs[0] == outputs[1], "the output depends on the paths");
}
