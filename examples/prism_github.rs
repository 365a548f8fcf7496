//! The GitHub API through Prism: GitHub's document (from APIs.guru) generated, a program
//! beside the SDK that calls every operation needing no request body with placeholder
//! parameters (`sdkgen::harness::calls_crate_files`), built, and run against Prism in static
//! mode, which answers with the document's own examples. Every 2xx answer must decode.
//!
//! `cargo run --release --example prism_github -- API_DIR`
//!
//! `API_DIR` is what `../shared/corpus/apis-guru/fetch.sh DIR` prints; the document is
//! `API_DIR/github.com/api.github.com.json`. Works in `target/prism-github` (the SDK and the
//! calls crate in `workspace/`, Prism's log in `prism.log`), built in the APIs.guru run's
//! target directory.
//!
//! Prints a Markdown table of outcomes, the 2xx answers that did not decode grouped by class
//! (the serde message without its values) with the first operation of each, and how long each
//! step took. Exits non-zero when a 2xx answer does not decode or a call fails in transport.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sdkgen::{Options, Source};

#[path = "common/examples.rs"]
#[allow(dead_code)] // only its schema checks
mod examples;
#[path = "common/prism.rs"]
mod prism;
#[path = "common/workspace.rs"]
#[allow(dead_code)] // only its `exit_code`
mod workspace;

const SDK: &str = "github";
const CALLS: &str = "github_calls";
/// GitHub's document is large: Prism takes a while to read it.
const PRISM_LIMIT: Duration = Duration::from_secs(300);
const GENERATE_LIMIT: Duration = Duration::from_secs(300);

/// One line of the calls program's output.
struct Call {
    operation: String,
    outcome: String,
    status: Option<u16>,
    path: String,
    detail: String,
}

fn main() -> ExitCode {
    let Some(api_dir) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --release --example prism_github -- API_DIR");
        return ExitCode::from(2);
    };
    let spec = Path::new(&api_dir).join("github.com/api.github.com.json");
    let spec = match spec.canonicalize() {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("{}: {e}", spec.display());
            return ExitCode::from(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = root.join("target/prism-github");
    let workspace = scratch.join("workspace");
    // The APIs.guru run's target directory: CI runs this after it, and the dependencies
    // (reqwest, tokio, serde) its harness crates built are reused, not built again.
    let target = root.join("target/apis-guru-run/target");
    std::fs::create_dir_all(&workspace).expect("scratch directory");
    let mut times: Vec<(&str, Duration)> = Vec::new();

    // Generate the SDK and the calls crate.
    let started = Instant::now();
    let (api, document) = match generate(&spec, &workspace) {
        Ok(generated) => generated,
        Err(e) => {
            eprintln!("generate: {e}");
            return ExitCode::FAILURE;
        }
    };
    times.push(("generate", started.elapsed()));
    eprintln!("generate: {:.1} s", started.elapsed().as_secs_f64());

    // Build them (debug) in their own workspace and target directory.
    let started = Instant::now();
    if let Err(e) = build(&workspace, &target) {
        eprintln!("build failed:\n{e}");
        return ExitCode::FAILURE;
    }
    times.push(("build", started.elapsed()));
    eprintln!("build: {:.1} s", started.elapsed().as_secs_f64());

    // Start Prism on the document.
    let started = Instant::now();
    let server = match prism::Prism::start(&spec, &scratch.join("prism.log"), PRISM_LIMIT) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("prism: {e}");
            return ExitCode::FAILURE;
        }
    };
    times.push(("Prism start", started.elapsed()));
    eprintln!("Prism start: {:.1} s", started.elapsed().as_secs_f64());

    // Call every operation.
    let started = Instant::now();
    let out = Command::new(target.join("debug").join(CALLS))
        .arg(&server.base_url)
        .output()
        .expect("the calls program runs");
    drop(server);
    times.push(("calls", started.elapsed()));
    eprintln!("calls: {:.1} s", started.elapsed().as_secs_f64());
    let mut bodies: BTreeMap<String, String> = BTreeMap::new();
    let mut calls: Vec<Call> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        if text("outcome") == "body" {
            bodies.insert(text("operation"), text("detail"));
            continue;
        }
        calls.push(Call {
            operation: text("operation"),
            outcome: text("outcome"),
            status: v["status"].as_u64().and_then(|s| u16::try_from(s).ok()),
            path: text("path"),
            detail: text("detail"),
        });
    }
    // An answer that did not decode is held against the SDK only when it is valid under its
    // schema: Prism answers with the document's examples, and vendors' examples are
    // sometimes wrong (the example harness counts those apart too).
    let mut schemas = examples::Schemas::new(&document);
    for call in calls.iter_mut().filter(|c| c.outcome == "decode") {
        let Some(op) = api.operations.iter().find(|op| op.name == call.operation) else {
            continue;
        };
        let (Some(status), Some(schemas)) = (call.status, schemas.as_mut()) else {
            continue;
        };
        let Some(pointer) = response_schema(&document, op, status) else {
            continue;
        };
        let answer = bodies
            .get(&call.operation)
            .map(String::as_str)
            .unwrap_or("");
        let Ok(answer) = serde_json::from_str::<serde_json::Value>(answer) else {
            continue;
        };
        if let examples::Validity::Invalid(reason) = schemas.check(&pointer, &answer) {
            call.outcome = "invalid answer".into();
            call.detail = format!("{reason}; the SDK: {}", call.detail);
        }
    }

    let mut failures = report(&api, &calls, &times);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        failures.push(format!(
            "the calls program failed ({}) after {} lines:\n{}",
            out.status,
            calls.len(),
            tail.join("\n")
        ));
    }
    workspace::exit_code(&failures, "failure(s)")
}

/// Generates the SDK into `workspace/github` and the calls crate into
/// `workspace/github_calls`, with the workspace's manifest and lock file; returns the IR and
/// the document in JSON Schema terms (the example harness's view), to check answers in.
fn generate(spec: &Path, workspace: &Path) -> Result<(sdkgen::ir::Api, serde_json::Value), String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let origin = sdkgen::Origin::File(spec.to_path_buf());
    let (tx, rx) = mpsc::channel();
    // Deep documents need a deep stack, as in the corpus run.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let source = Source { origin, text };
            let options = Options {
                crate_name: SDK.to_string(),
                tag_features: true,
                ..Options::default()
            };
            let generated = sdkgen::generate(&source, &options).and_then(|generated| {
                let harness = sdkgen::harness::collect(&source, &options)?;
                Ok((generated, harness.document))
            });
            let _ = tx.send(generated.map_err(|e| e.to_string()));
        })
        .expect("thread");
    let (generated, document) = match rx.recv_timeout(GENERATE_LIMIT) {
        Ok(result) => result?,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            return Err(format!("no SDK within {} s", GENERATE_LIMIT.as_secs()))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => return Err("generation panicked".into()),
    };
    let write = |dir: &Path, files: Vec<sdkgen::output::File>| -> Result<(), String> {
        for file in files {
            let path = dir.join(&file.path);
            sdkgen::output::write_if_changed(&path, &file.contents)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    };
    write(&workspace.join(SDK), generated.crate_files())?;
    write(
        &workspace.join(CALLS),
        sdkgen::harness::calls_crate_files(&generated.api, CALLS, SDK, &format!("../{SDK}")),
    )?;
    sdkgen::output::write_if_changed(
        &workspace.join("Cargo.toml"),
        &format!("[workspace]\nresolver = \"2\"\nmembers = [{SDK:?}, {CALLS:?}]\n"),
    )
    .map_err(|e| format!("workspace manifest: {e}"))?;
    // The versions sdkgen's own tests already built, so nothing is resolved anew.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let lock = std::fs::read_to_string(lock).map_err(|e| format!("Cargo.lock: {e}"))?;
    sdkgen::output::write_if_changed(&workspace.join("Cargo.lock"), &lock)
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok((generated.api, document))
}

/// The pointer of the schema of `op`'s answer with `status` in its JSON media type: the
/// status itself, else its range (`2XX`), else `default`, through a `$ref` to
/// `components/responses`.
fn response_schema(
    document: &serde_json::Value,
    op: &sdkgen::ir::Operation,
    status: u16,
) -> Option<String> {
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    let base = format!(
        "/paths/{}/{}/responses",
        escape(&op.path),
        op.method.as_str().to_ascii_lowercase()
    );
    let responses = document.pointer(&base)?;
    let key = [
        status.to_string(),
        format!("{}XX", status / 100),
        "default".into(),
    ]
    .into_iter()
    .find(|k| responses.get(k).is_some())?;
    let mut at = format!("{base}/{}", escape(&key));
    for _ in 0..8 {
        match document.pointer(&at)?.get("$ref").and_then(|r| r.as_str()) {
            Some(target) => at = target.strip_prefix('#')?.to_string(),
            None => break,
        }
    }
    let content = document.pointer(&at)?.get("content")?.as_object()?;
    let media = content.keys().find(|m| sdkgen::ir::is_json_media(m))?;
    Some(format!("{at}/content/{}/schema", escape(media)))
}

/// `cargo build` of the calls program (and so the SDK); `Err` with the end of cargo's output.
fn build(workspace: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "-p", CALLS])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cargo does not run: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    Err(lines[lines.len().saturating_sub(80)..].join("\n"))
}

/// Prints the tables; returns the failures: 2xx answers that did not decode, transport errors.
fn report(api: &sdkgen::ir::Api, calls: &[Call], times: &[(&str, Duration)]) -> Vec<String> {
    let request: BTreeMap<&str, String> = api
        .operations
        .iter()
        .map(|op| {
            (
                op.name.as_str(),
                format!("{} {}", op.method.as_str(), op.path),
            )
        })
        .collect();
    let with_body = api.operations.iter().filter(|op| op.body.is_some()).count();
    let count = |outcome: &str| calls.iter().filter(|c| c.outcome == outcome).count();
    let is_2xx = |c: &&Call| c.status.is_some_and(|s| (200..300).contains(&s));
    let decode_2xx: Vec<&Call> = calls
        .iter()
        .filter(|c| c.outcome == "decode")
        .filter(is_2xx)
        .collect();
    let decode_other: Vec<&Call> = calls
        .iter()
        .filter(|c| c.outcome == "decode")
        .filter(|c| !is_2xx(c))
        .collect();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for c in calls.iter().filter(|c| c.outcome == "status") {
        *statuses.entry(c.status.unwrap_or(0)).or_default() += 1;
    }
    let skipped = count("skipped");
    let called = calls.len() - skipped;
    let by_status: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect();

    println!("## The GitHub API through Prism (static mode)\n");
    println!("| | operations |");
    println!("|---|---:|");
    println!("| in the document (generated) | {} |", api.operations.len());
    println!("| with a request body (not called) | {with_body} |");
    println!("| skipped (a required parameter has no placeholder) | {skipped} |");
    println!("| **called** | **{called}** |");
    println!("| 2xx, decoded | {} |", count("decoded"));
    println!("| 2xx, did not decode | {} |", decode_2xx.len());
    println!(
        "| 2xx, an answer its own schema rejects (not held against the SDK) | {} |",
        count("invalid answer")
    );
    println!(
        "| another status ({}) | {} |",
        if by_status.is_empty() {
            "none".to_string()
        } else {
            by_status.join(", ")
        },
        count("status")
    );
    println!(
        "| error status whose body did not decode | {} |",
        decode_other.len()
    );
    println!(
        "| redirected to another host (followed; not reachable from here) | {} |",
        count("redirected")
    );
    println!("| transport error | {} |", count("transport"));
    println!("| request not built (invalid) | {} |", count("invalid"));
    println!("| other | {} |", count("other"));
    let listed: usize = [
        "decoded",
        "decode",
        "invalid answer",
        "redirected",
        "status",
        "transport",
        "invalid",
        "other",
    ]
    .iter()
    .map(|o| count(o))
    .sum::<usize>()
        + skipped;
    if listed != calls.len() {
        println!("| (unknown outcome) | {} |", calls.len() - listed);
    }

    let table = |title: &str, list: &[&Call]| {
        if list.is_empty() {
            return;
        }
        let mut classes: BTreeMap<String, Vec<&Call>> = BTreeMap::new();
        for c in list {
            classes.entry(class(&c.detail)).or_default().push(c);
        }
        println!(
            "\n### {title}: {} in {} classes\n",
            list.len(),
            classes.len()
        );
        println!("| class | count | first operation | request | path | message |");
        println!("|---|---:|---|---|---|---|");
        let mut sorted: Vec<_> = classes.into_iter().collect();
        sorted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        for (class, calls) in sorted {
            let first = calls[0];
            println!(
                "| {} | {} | `{}` | `{}` | `{}` | {} |",
                cell(&class),
                calls.len(),
                first.operation,
                request
                    .get(first.operation.as_str())
                    .map(String::as_str)
                    .unwrap_or("?"),
                first.path,
                cell(&first.detail)
            );
        }
    };
    table("2xx answers that did not decode", &decode_2xx);
    let invalid_answers: Vec<&Call> = calls
        .iter()
        .filter(|c| c.outcome == "invalid answer")
        .collect();
    table("Answers their own schema rejects", &invalid_answers);
    let redirected: Vec<&Call> = calls.iter().filter(|c| c.outcome == "redirected").collect();
    table("Redirected to another host", &redirected);
    table("Error answers whose body did not decode", &decode_other);
    let transport: Vec<&Call> = calls.iter().filter(|c| c.outcome == "transport").collect();
    table("Transport errors", &transport);
    let invalid: Vec<&Call> = calls.iter().filter(|c| c.outcome == "invalid").collect();
    table("Requests not built", &invalid);
    let skipped: Vec<&Call> = calls.iter().filter(|c| c.outcome == "skipped").collect();
    table("Skipped", &skipped);

    println!("\n| step | time |");
    println!("|---|---:|");
    for (step, time) in times {
        println!("| {step} | {:.1} s |", time.as_secs_f64());
    }

    let mut failures = Vec::new();
    for c in decode_2xx.iter().chain(&transport) {
        failures.push(format!(
            "{} ({}): {} {} at `{}`: {}",
            c.operation,
            request
                .get(c.operation.as_str())
                .map(String::as_str)
                .unwrap_or("?"),
            c.outcome,
            c.status.map(|s| s.to_string()).unwrap_or_default(),
            c.path,
            c.detail
        ));
    }
    failures
}

/// A serde message without its values: quoted text and numbers replaced, the position cut
/// (`invalid type: string "x", expected i64 at line 1 column 9` →
/// `invalid type: string "…", expected i64`).
fn class(message: &str) -> String {
    let message = match message.find(" at line ") {
        Some(at) => &message[..at],
        None => message,
    };
    let mut out = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                out.push(c);
                out.push('…');
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push(c);
            }
            '0'..='9' => {
                out.push('N');
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    // `expected one of …` lists the enum's values: not part of the class.
    match out.find(", expected one of ") {
        Some(at) => format!("{}, expected one of …", &out[..at]),
        None => out,
    }
}

/// Text for a Markdown table cell: one line, no column breaks, bounded.
fn cell(text: &str) -> String {
    let one_line = text.replace('\n', " ").replace('|', "\\|");
    if one_line.chars().count() > 200 {
        let cut: String = one_line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}
