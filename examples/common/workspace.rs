//! What the corpus runs share: building many generated crates in one scratch workspace with
//! one target directory, and telling which crate each error belongs to.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Clippy and rustdoc (both `-D warnings`) and doctests over every generated crate at once.
/// Returns the first errors of each crate that failed, by crate name.
pub fn compile_all(
    workspace: &Path,
    target: &Path,
    members: &[&str],
    prune: bool,
) -> BTreeMap<String, String> {
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    // Crates of documents no longer in the manifest would sit in the directory forever. (With
    // --only, the others stay for the next whole run.)
    for entry in std::fs::read_dir(workspace).expect("workspace").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if prune && entry.path().is_dir() && !members.contains(&name.as_str()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    sdkgen::output::write_if_changed(
        &workspace.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .expect("workspace manifest");
    // The versions sdkgen's own tests already built, so nothing is resolved anew.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let lock = std::fs::read_to_string(lock).expect("Cargo.lock");
    sdkgen::output::write_if_changed(&workspace.join("Cargo.lock"), &lock).expect("Cargo.lock");

    let mut failures = BTreeMap::new();
    // Every SDK with its test transport and its traces on (both off by default), so their
    // code passes too; a harness crate has neither feature, and cargo lets it be.
    let features = "--features=testing,tracing";
    let steps: [(&str, &[&str]); 3] = [
        (
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--keep-going",
                features,
            ],
        ),
        (
            "rustdoc",
            &["doc", "--workspace", "--no-deps", "--keep-going", features],
        ),
        (
            "doctest",
            &["test", "--doc", "--workspace", "--no-fail-fast", features],
        ),
    ];
    for (step, args) in steps {
        let started = Instant::now();
        // Through `sh` so that cargo's stderr ("Doc-tests NAME") and the test harness's stdout
        // arrive in one stream, in order, and a failed doctest is tied to its crate.
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("\"$@\" 2>&1")
            .arg("sh")
            .arg(cargo)
            .args(args)
            .arg("--message-format=json")
            .current_dir(workspace)
            .env("CARGO_TARGET_DIR", target)
            .env("RUSTDOCFLAGS", "-D warnings");
        if step == "clippy" {
            command.args(["--", "-D", "warnings"]);
        }
        let out = command.output().expect("cargo runs");
        let before = failures.len();
        let mut current: Option<&str> = None;
        // What rustdoc printed for each crate's doctests: a doctest that fails to build says
        // so only in text, and cargo's summary then names the crate (`-p NAME --doc`).
        let mut doc_text: BTreeMap<&str, String> = BTreeMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                if let Some(name) = line.trim().strip_prefix("Doc-tests ") {
                    current = members.iter().copied().find(|m| *m == name.trim());
                } else if let Some(name) = line
                    .trim()
                    .strip_prefix("`-p ")
                    .and_then(|rest| rest.strip_suffix(" --doc`"))
                {
                    if let Some(name) = members.iter().copied().find(|m| *m == name) {
                        let text = doc_text.get(name).cloned().unwrap_or_default();
                        failures
                            .entry(name.to_string())
                            .or_insert_with(|| format!("[doctest] rustdoc failed:\n{text}"));
                    }
                } else if let Some(name) = current {
                    let text = doc_text.entry(name).or_default();
                    if text.lines().count() < 40 {
                        text.push_str(line);
                        text.push('\n');
                    }
                }
                if line.starts_with("test result: FAILED") {
                    if let Some(name) = current {
                        failures
                            .entry(name.to_string())
                            .or_insert_with(String::new)
                            .push_str("[doctest] a doctest failed\n");
                    }
                }
                continue;
            };
            if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
                continue;
            }
            let package = message["package_id"].as_str().unwrap_or_default();
            let Some(name) = members.iter().find(|m| package_name_is(package, m)) else {
                continue;
            };
            let entry = failures.entry(name.to_string()).or_insert_with(String::new);
            if entry.lines().count() < 40 {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                let _ = writeln!(entry, "[{step}] {rendered}");
            }
        }
        if !out.status.success() && failures.len() == before {
            // A failure not tied to one crate (a resolver error, say) fails every row.
            let text = String::from_utf8_lossy(&out.stdout);
            let why: Vec<&str> = text.lines().filter(|l| !l.starts_with('{')).collect();
            let why = why[why.len().saturating_sub(30)..].join("\n");
            for m in members {
                failures.insert(m.to_string(), format!("[{step}] {why}"));
            }
        }
        eprintln!("{step}: {:.1} s", started.elapsed().as_secs_f64());
    }
    failures
}

/// Cargo's package ids are `path+file:///…/NAME#VERSION` (or older `NAME VERSION (…)`).
fn package_name_is(id: &str, name: &str) -> bool {
    id.starts_with(&format!("{name} "))
        || id.contains(&format!("/{name}#"))
        || id.contains(&format!("/{name}/"))
}

/// Success, or failure after listing `failures` (`what` names them: "row(s) below target").
pub fn exit_code(failures: &[String], what: &str) -> ExitCode {
    if failures.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!("{} {what}:", failures.len());
    for f in failures {
        eprintln!("{f}");
    }
    ExitCode::FAILURE
}
