//! What the integration tests share: the fixture list, and scratch workspaces that build
//! generated crates under `target/sdk-compile`, all with one target directory (dependencies
//! are built once) and sdkgen's own lock file (nothing is resolved anew).

// Each test crate uses some of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The single-file fixtures, `tests/fixtures/*.{yaml,json}`, sorted.
pub fn fixture_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    specs
}

/// A fresh workspace `target/sdk-compile/<name>`.
pub struct Scratch {
    pub workspace: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let workspace = root().join("target/sdk-compile").join(name);
        let _ = std::fs::remove_dir_all(&workspace);
        std::fs::create_dir_all(&workspace).unwrap();
        Scratch { workspace }
    }

    /// Writes the workspace's `Cargo.toml` with these members, and sdkgen's `Cargo.lock`.
    pub fn members(&self, members: &[&str]) {
        let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
        std::fs::write(
            self.workspace.join("Cargo.toml"),
            format!(
                "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
                members.join(", ")
            ),
        )
        .unwrap();
        std::fs::copy(root().join("Cargo.lock"), self.workspace.join("Cargo.lock")).unwrap();
    }

    /// Runs cargo in the workspace, with the shared target directory.
    pub fn cargo(&self, args: &[&str]) -> Output {
        self.cargo_with(args, &[])
    }

    pub fn cargo_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&self.workspace)
            .env("CARGO_TARGET_DIR", root().join("target/sdk-compile/target"))
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }
}

/// Panics with `what` and the command's stderr unless it succeeded.
pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
