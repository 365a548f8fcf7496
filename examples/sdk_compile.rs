//! How long the generated SDK of a spec takes to compile on its own, and rustc's peak memory:
//! all tags, one tag, and none. Dependencies are built first and kept, so each figure is the
//! SDK crate alone, dev profile, as a user's `cargo build` after a regeneration pays it.
//!
//! `cargo run --release --example sdk_compile -- [SPEC] [TAG-FEATURE]`
//! (default: `../shared/corpus/specs/oxide/nexus.json` and its `disks` feature).
//!
//! Each build runs in a child of a fresh process of this example (`--measure`), whose
//! `RUSAGE_CHILDREN` peak is then rustc's (or cargo's, whichever is larger) for that build only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--measure") {
        return measure(&args[1..]);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/specs/oxide/nexus.json"));
    let one_tag = args.get(1).cloned().unwrap_or_else(|| "disks".to_string());
    let scratch = root.join("target/sdk-compile-bench");
    let krate = scratch.join("sdk");
    generate_crate(root, &spec, &krate, &[]);
    // The same SDK with models that drop unknown fields (what sdkgen generated before it kept
    // them): the peer the cost of keeping them is measured against, in the same run.
    let dropping = scratch.join("sdk-drop");
    generate_crate(root, &spec, &dropping, &["--drop-unknown-fields"]);
    let target = scratch.join("target");
    println!("dependencies: building once");
    run(&mut cargo_build(&krate, &target, &[]));

    println!(
        "{} ({} lines of Rust)",
        spec.display(),
        std::fs::read_to_string(krate.join("src/lib.rs"))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    );
    println!("| features | compile s | rustc peak MiB |\n|---|---|---|");
    let one = ["--no-default-features", "--features", one_tag.as_str()];
    for (label, features) in [
        ("all tags (default)", &[][..]),
        (&format!("one tag: {one_tag}")[..], &one[..]),
        ("no tag", &["--no-default-features"][..]),
    ] {
        let figures = clean_build(&krate, &target, features);
        println!("| {label} | {} |", figures.trim().replace(' ', " | "));
    }

    println!("\nunknown fields kept (default) vs dropped, all tags, 3 rounds alternating:");
    run(&mut cargo_build(&dropping, &target, &[]));
    let (mut kept, mut dropped) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        kept.push(timed_build(&krate, &target));
        dropped.push(timed_build(&dropping, &target));
    }
    let median = |v: &mut Vec<(f64, u64)>| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v[v.len() / 2]
    };
    let (k, d) = (median(&mut kept), median(&mut dropped));
    println!("| models | compile s (median) | rustc peak MiB |\n|---|---|---|");
    println!("| keep unknown fields | {:.2} | {} |", k.0, k.1);
    println!("| drop unknown fields | {:.2} | {} |", d.0, d.1);
    println!(
        "keep / drop: time {:.3}x, peak {:.3}x",
        k.0 / d.0,
        k.1 as f64 / d.1 as f64
    );
}

/// Writes the SDK of `spec` as the crate `sdk` at `krate`, a workspace of its own with
/// sdkgen's lock file (the versions the tests use).
fn generate_crate(root: &Path, spec: &Path, krate: &Path, flags: &[&str]) {
    let _ = std::fs::remove_dir_all(krate);
    run(Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--release",
            "--",
            "generate",
            "--crate-name",
            "sdk",
        ])
        .args(flags)
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(krate)
        .current_dir(root));
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("Cargo.toml");
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).expect("write");
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock");
}

/// One clean build of the crate at `krate`, measured in a fresh child: what it prints,
/// seconds and rustc's peak MiB.
fn clean_build(krate: &Path, target: &Path, features: &[&str]) -> String {
    run(Command::new(env!("CARGO"))
        .args(["clean", "--quiet", "-p", "sdk"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target));
    let out = Command::new(std::env::current_exe().expect("self"))
        .arg("--measure")
        .arg(krate)
        .arg(target)
        .args(features)
        .output()
        .expect("measure");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One clean build of the crate at `krate` in a fresh child: seconds and rustc's peak MiB.
fn timed_build(krate: &Path, target: &Path) -> (f64, u64) {
    let text = clean_build(krate, target, &[]);
    let mut figures = text.split_whitespace();
    let seconds = figures
        .next()
        .and_then(|s| s.parse().ok())
        .expect("seconds");
    let peak = figures.next().and_then(|s| s.parse().ok()).expect("peak");
    (seconds, peak)
}

/// Runs one build and prints its wall time in seconds and the peak RSS of its processes in MiB.
fn measure(args: &[String]) {
    let (krate, target) = (Path::new(&args[0]), Path::new(&args[1]));
    let features: Vec<&str> = args[2..].iter().map(String::as_str).collect();
    let start = Instant::now();
    run(&mut cargo_build(krate, target, &features));
    let seconds = start.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    // Linux reports `ru_maxrss` in KiB.
    let peak_kib = usage.max_rss();
    println!("{seconds:.2} {}", peak_kib / 1024);
}

fn cargo_build(krate: &Path, target: &Path, features: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "--quiet"])
        .args(features)
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target);
    command
}

fn run(command: &mut Command) {
    let status = command.status().expect("runs");
    assert!(status.success(), "{command:?} failed");
}
