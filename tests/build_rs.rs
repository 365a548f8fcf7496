//! The build.rs path end to end: a copy of `examples/build-rs` is built by cargo, its spec is
//! edited, and the next build regenerates; a broken spec fails the build with the diagnostic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

struct Crate {
    dir: PathBuf,
    target: PathBuf,
}

impl Crate {
    /// `examples/build-rs`, copied to `target/sdk-compile/<name>`, depending on this checkout of sdkgen.
    fn copy_of_the_example(name: &str) -> Crate {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let example = root.join("examples/build-rs");
        let scratch = root.join("target/sdk-compile");
        let dir = scratch.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        for file in ["build.rs", "spec/tasks.yaml", "src/main.rs", "src/lib.rs"] {
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(example.join(file), to).unwrap();
        }
        let manifest = std::fs::read_to_string(example.join("Cargo.toml"))
            .unwrap()
            .replace(
                "path = \"../..\"",
                &format!("path = {:?}", root.display().to_string()),
            );
        assert!(manifest.contains(&root.display().to_string()));
        std::fs::write(dir.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
        // The versions sdkgen's own tests already built, so nothing is resolved anew.
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        Crate {
            dir,
            target: scratch.join("target"),
        }
    }

    fn build(&self) -> Output {
        Command::new(env!("CARGO"))
            .args(["build", "--message-format=json-render-diagnostics"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .unwrap()
    }

    fn build_ok(&self) -> PathBuf {
        let out = self.build();
        assert!(
            out.status.success(),
            "the build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        generated_file(&out)
    }

    fn spec(&self) -> PathBuf {
        self.dir.join("spec/tasks.yaml")
    }

    fn append(&self, file: &str, text: &str) {
        let path = self.dir.join(file);
        let old = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, old + text).unwrap();
    }
}

/// `$OUT_DIR/tasks.rs`, from cargo's report of the build script's run.
fn generated_file(out: &Output) -> PathBuf {
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let message: serde_json::Value = serde_json::from_str(line).unwrap();
        if message["reason"] == "build-script-executed"
            && message["package_id"]
                .as_str()
                .unwrap()
                .contains("build-rs-copy")
        {
            return Path::new(message["out_dir"].as_str().unwrap()).join("tasks.rs");
        }
    }
    panic!("cargo reported no build script run for the example")
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

const ARCHIVE: &str = r##"
  /tasks/{task_id}/archive:
    post:
      operationId: archiveTask
      parameters:
        - { name: task_id, in: path, required: true, schema: { type: string, format: uuid } }
      responses:
        "200":
          description: The archived task.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Task" }
"##;

#[test]
fn a_build_rs_user_compiles_neither_clap_nor_the_watcher() {
    let krate = Crate::copy_of_the_example("build-rs-tree");
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--edges", "normal,build", "--prefix", "none"])
        .current_dir(&krate.dir)
        .env("CARGO_TARGET_DIR", &krate.target)
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tree.lines().any(|l| l.starts_with("sdkgen ")), "{tree}");
    for cli_only in ["clap ", "notify", "similar "] {
        assert!(
            !tree.lines().any(|l| l.starts_with(cli_only)),
            "{cli_only}in the tree:\n{tree}"
        );
    }
}

#[test]
fn an_edited_spec_regenerates_on_the_next_build() {
    let krate = Crate::copy_of_the_example("build-rs-copy");
    // The included file also works inside a module, not only at a crate's root.
    krate.append(
        "src/lib.rs",
        "\npub mod nested {\n    include!(concat!(env!(\"OUT_DIR\"), \"/tasks.rs\"));\n}\n",
    );
    let generated = krate.build_ok();
    let first = std::fs::read_to_string(&generated).unwrap();
    assert!(first.contains("pub fn list_tasks<'a>("));
    assert!(!first.contains("archive_task"));
    assert!(
        !first
            .lines()
            .any(|l| l.starts_with("#![") || l.starts_with("//!")),
        "an included file may not start with inner attributes"
    );
    // The script tells cargo which file it read (cargo keeps its output beside OUT_DIR).
    let script_output = generated.parent().unwrap().parent().unwrap().join("output");
    let script_output = std::fs::read_to_string(script_output).unwrap();
    assert!(
        script_output.contains("cargo:rerun-if-changed=spec/tasks.yaml"),
        "{script_output}"
    );

    // A new operation in the spec, and code that calls it: it builds only if regenerated.
    let spec = std::fs::read_to_string(krate.spec()).unwrap();
    let edited = spec.replacen(
        "components:\n",
        &format!("{}components:\n", &ARCHIVE[1..]),
        1,
    );
    std::fs::write(krate.spec(), &edited).unwrap();
    krate.append(
        "src/lib.rs",
        "\npub async fn archive(client: &Client, id: uuid::Uuid) -> Result<types::Task, Error> {\n    client.archive_task(id).await\n}\n",
    );
    let generated = krate.build_ok();
    let second = std::fs::read_to_string(&generated).unwrap();
    assert!(second.contains("pub fn archive_task<'a>("));

    // Saved again unchanged: the build script reruns, the file is not rewritten, so nothing
    // that includes it is rebuilt.
    let before = modified(&generated);
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(krate.spec(), &edited).unwrap();
    krate.build_ok();
    assert_eq!(modified(&generated), before);

    // A spec that is not OpenAPI 3 fails the build with the CLI's diagnostic: pointer and line.
    let broken = edited.replacen("openapi: 3.1.0", "openapi: 5.0.0", 1);
    assert_ne!(broken, edited);
    std::fs::write(krate.spec(), &broken).unwrap();
    let failed = krate.build();
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(
        stderr.contains("spec/tasks.yaml: cannot generate an SDK: 1 error"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unsupported OpenAPI version `5.0.0`"),
        "{stderr}"
    );
    assert!(stderr.contains("at /openapi (line 1, column"), "{stderr}");

    // Fixed: builds again.
    std::fs::write(krate.spec(), &edited).unwrap();
    krate.build_ok();
}
