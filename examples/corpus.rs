//! The corpus run: every document of `../shared/corpus` (as its `manifest.tsv` lists them)
//! generated, then all SDKs compiled together with clippy `-D warnings`, documented with
//! rustdoc `-D warnings` and their doctests run, in one scratch workspace with one target
//! directory.
//!
//! `cargo run --release --example corpus -- [CORPUS_DIR] [--only TEXT] [--no-compile]`
//!
//! Prints a table (document, operations, types, fallbacks, result, time) and exits non-zero
//! when any row misses its target: a `generate` row must give an SDK that passes clippy and
//! rustdoc; an `invalid` row must give a diagnostic with a JSON pointer, or an SDK that passes.
//! CI runs it (`.ci/run`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sdkgen::{Options, Origin, Severity, Source};

#[path = "common/examples.rs"]
mod examples;
#[path = "common/workspace.rs"]
mod workspace;
use workspace::compile_all;

/// The repository's fixtures the run compiles beside the corpus (see `main`).
const OWN_FIXTURES: [&str; 4] = ["oauth.yaml", "calls.yaml", "streams.yaml", "paging.yaml"];

/// A generation that takes longer than this is a hang, reported as such.
const GENERATE_LIMIT: Duration = Duration::from_secs(60);

struct Row {
    path: String,
    expect: String,
    crate_name: String,
    ops_in_spec: usize,
    outcome: Outcome,
    millis: u128,
}

enum Outcome {
    Generated {
        operations: usize,
        types: usize,
        fallbacks: usize,
        compiled: Option<Result<(), String>>,
        examples: examples::Examples,
    },
    Refused {
        with_pointer: bool,
        first: String,
    },
    Panicked(String),
    Hung,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut only = None;
    let mut compile = true;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only = args.next(),
            "--no-compile" => compile = false,
            _ => corpus = PathBuf::from(arg),
        }
    }
    let manifest = match std::fs::read_to_string(corpus.join("manifest.tsv")) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {}/manifest.tsv: {e}", corpus.display());
            return ExitCode::from(2);
        }
    };
    let scratch = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus");
    let workspace = scratch.join("workspace");
    // Kept between runs, and files are written only when they change, so cargo rebuilds only
    // the SDKs that differ.
    std::fs::create_dir_all(&workspace).expect("scratch directory");

    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(path_col), Some(expect_col), Some(ops_col)) =
        (column("path"), column("expect"), column("operations"))
    else {
        eprintln!("manifest.tsv lacks a path, expect or operations column");
        return ExitCode::from(2);
    };

    // The manifest's documents, then the repository's own fixtures of the runtime's optional
    // parts (OAuth2, idempotency keys, event streams, paging): those compile clippy-, rustdoc-
    // and doctest-clean too, as crates with every feature of their own on.
    let mut entries: Vec<(String, PathBuf, String, Option<usize>)> = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        let path = cells[path_col].to_string();
        let file = corpus.join("specs").join(&path);
        let ops = cells[ops_col].parse().ok();
        entries.push((path, file, cells[expect_col].to_string(), ops));
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for fixture in OWN_FIXTURES {
        let path = format!("sdkgen/tests/fixtures/{fixture}");
        entries.push((path, fixtures.join(fixture), "generate".into(), None));
    }

    let mut rows = Vec::new();
    for (path, file, expect, ops) in entries {
        if only.as_deref().is_some_and(|o| !path.contains(o)) {
            continue;
        }
        let crate_name = crate_name(&path);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
        let started = Instant::now();
        let outcome = generate_into(&workspace.join(&crate_name), file, text, &crate_name);
        let generated = match &outcome {
            Outcome::Generated { operations, .. } => *operations,
            _ => 0,
        };
        rows.push(Row {
            expect,
            ops_in_spec: ops.unwrap_or(generated),
            crate_name,
            path,
            outcome,
            millis: started.elapsed().as_millis(),
        });
        eprint!(".");
    }
    eprintln!(" generated {} documents", rows.len());

    let mut failures = Vec::new();
    if compile {
        let mut members: Vec<&str> = Vec::new();
        for row in &rows {
            if let Outcome::Generated { examples, .. } = &row.outcome {
                members.push(row.crate_name.as_str());
                members.extend(examples.crate_name.as_deref());
            }
        }
        let prune = only.is_none();
        let target = scratch.join("target");
        let results = compile_all(&workspace, &target, &members, prune);
        for row in &mut rows {
            if let Outcome::Generated {
                compiled, examples, ..
            } = &mut row.outcome
            {
                let harness = examples.crate_name.as_ref().and_then(|n| results.get(n));
                *compiled = Some(match (results.get(&row.crate_name), harness) {
                    (None, None) => Ok(()),
                    (sdk, harness) => Err(format!(
                        "{}{}",
                        sdk.cloned().unwrap_or_default(),
                        harness.cloned().unwrap_or_default()
                    )),
                });
            }
        }
        let mut docs: Vec<&mut examples::Examples> = rows
            .iter_mut()
            .filter_map(|r| match &mut r.outcome {
                Outcome::Generated { examples, .. } => Some(examples),
                _ => None,
            })
            .collect();
        if let Err(e) = examples::run_all(&workspace, &target, &mut docs) {
            failures.push(format!("the example harnesses do not build:\n{e}"));
        }
    }

    let (table, below) = report(&rows);
    failures.extend(below);
    println!("{table}");
    let example_rows: Vec<(&str, &examples::Examples)> = rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Generated { examples, .. } => Some((r.path.as_str(), examples)),
            _ => None,
        })
        .collect();
    let (examples_table, classes) = examples::table(&example_rows);
    println!("## Examples\n\n{examples_table}");
    failures.extend(examples::unlisted(&classes));
    let _ = std::fs::write(
        scratch.join("report.md"),
        format!("{table}\n{examples_table}"),
    );
    workspace::exit_code(&failures, "failure(s)")
}

/// `readme/3.0/petstore.json` → `c_readme_3_0_petstore_json`.
fn crate_name(path: &str) -> String {
    let mut name = String::from("c_");
    for c in path.chars() {
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    name
}

/// Generates on a thread of its own, so a panic is a row, not the end of the run, and a
/// hang is reported instead of waited out.
fn generate_into(dir: &Path, file: PathBuf, text: String, crate_name: &str) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let (origin, name) = (Origin::File(file), crate_name.to_string());
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let source = Source { origin, text };
            let options = Options {
                crate_name: name,
                tag_features: true,
                ..Options::default()
            };
            let result = std::panic::catch_unwind(|| -> Result<_, sdkgen::SpecError> {
                let generated = sdkgen::generate(&source, &options)?;
                let harness = sdkgen::harness::collect(&source, &options)?;
                Ok((generated, harness))
            });
            let _ = tx.send(result);
        })
        .expect("thread");
    match rx.recv_timeout(GENERATE_LIMIT) {
        Err(_) => Outcome::Hung,
        Ok(Err(panic)) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
        Ok(Ok(Err(error))) => {
            let first = error
                .diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error);
            Outcome::Refused {
                with_pointer: first.is_some_and(|d| !d.pointer.is_empty() || d.position.is_some()),
                first: first.map(|d| d.to_string()).unwrap_or_default(),
            }
        }
        Ok(Ok(Ok((generated, harness)))) => {
            for file in generated.crate_files() {
                sdkgen::output::write_if_changed(&dir.join(&file.path), &file.contents)
                    .expect("crate file");
            }
            let workspace = dir.parent().expect("the workspace");
            let examples = examples::prepare(&harness, workspace, crate_name, None);
            Outcome::Generated {
                operations: generated.api.operations.len(),
                types: generated.api.types.len(),
                fallbacks: generated
                    .notes
                    .iter()
                    .filter(|n| n.severity == Severity::Note)
                    .count(),
                compiled: None,
                examples,
            }
        }
    }
}

/// The Markdown table, and one line per row below its target.
fn report(rows: &[Row]) -> (String, Vec<String>) {
    let mut table = String::from(
        "| document | expect | operations | types | fallbacks | result | generate ms |\n|---|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    let (mut ops_total, mut ops_spec_total, mut fallbacks_total) = (0, 0, 0);
    for row in rows {
        let (ops, types, fallbacks, result, pass) = match &row.outcome {
            Outcome::Generated {
                operations,
                types,
                fallbacks,
                compiled,
                ..
            } => {
                ops_total += operations;
                fallbacks_total += fallbacks;
                let (result, pass) = match compiled {
                    None => ("generated (not compiled)".to_string(), true),
                    Some(Ok(())) => ("clippy, rustdoc, doctests clean".to_string(), true),
                    Some(Err(errors)) => {
                        failures.push(format!("{}: does not compile cleanly:\n{errors}", row.path));
                        ("COMPILE ERRORS".to_string(), false)
                    }
                };
                (
                    format!("{operations}/{}", row.ops_in_spec),
                    types.to_string(),
                    fallbacks.to_string(),
                    result,
                    pass,
                )
            }
            Outcome::Refused {
                with_pointer,
                first,
            } => {
                let pass = row.expect == "invalid" && *with_pointer;
                if !pass {
                    failures.push(format!("{}: refused:\n{first}", row.path));
                }
                let first_line = first.lines().next().unwrap_or_default().replace('|', "\\|");
                (
                    format!("0/{}", row.ops_in_spec),
                    "-".into(),
                    "-".into(),
                    format!("refused: {first_line}"),
                    pass,
                )
            }
            Outcome::Panicked(message) => {
                failures.push(format!("{}: PANIC: {message}", row.path));
                ("-".into(), "-".into(), "-".into(), "PANIC".into(), false)
            }
            Outcome::Hung => {
                failures.push(format!("{}: no result within {GENERATE_LIMIT:?}", row.path));
                ("-".into(), "-".into(), "-".into(), "HANG".into(), false)
            }
        };
        ops_spec_total += row.ops_in_spec;
        let mark = if pass { "" } else { " ✗" };
        let _ = writeln!(
            table,
            "| {} | {} | {ops} | {types} | {fallbacks} | {result}{mark} | {} |",
            row.path, row.expect, row.millis
        );
    }
    let _ = writeln!(
        table,
        "| **{} documents** | | {ops_total}/{ops_spec_total} | | {fallbacks_total} | {} below target | |",
        rows.len(),
        failures.len()
    );
    (table, failures)
}
