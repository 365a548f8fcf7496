//! How long the generated SDK of a spec takes to compile on its own, and rustc's peak memory:
//! all tags, one tag, and none. Dependencies are built first and kept, so each figure is the
//! SDK crate alone, dev profile, as a user's `cargo build` after a regeneration pays it.
//!
//! `cargo run --release --example sdk_compile -- [SPEC] [TAG-FEATURE] [--peer SDKGEN-BINARY]
//! [--peer-only]`
//! (default: `../shared/corpus/specs/oxide/nexus.json` and its `disks` feature). With `--peer`,
//! the SDK another sdkgen binary (an older build) generates for the same spec is compiled in
//! the same run, alternating, and the ratio printed: the cost of a change to the generated
//! code, measured against what it replaces on the same machine at the same time. With
//! `--peer-only`, only that: each feature set once for both, then all tags alternating. With
//! `--tag-only`, only the one tag and no tag, never all of them: for APIs whose whole SDK no
//! user compiles (Microsoft Graph's beta, 3.2 million lines).
//!
//! Each build runs in a child of a fresh process of this example (`--measure`), whose
//! `RUSAGE_CHILDREN` peak is then rustc's (or cargo's, whichever is larger) for that build only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--measure") {
        return measure(&args[1..]);
    }
    // Only this SDK against the peer's: each feature set once, then all tags 3 rounds.
    let peer_only = args
        .iter()
        .position(|a| a == "--peer-only")
        .map(|i| args.remove(i))
        .is_some();
    let tag_only = args
        .iter()
        .position(|a| a == "--tag-only")
        .map(|i| args.remove(i))
        .is_some();
    let peer = args.iter().position(|a| a == "--peer").map(|i| {
        let binary = args.get(i + 1).cloned().expect("--peer needs a binary");
        args.drain(i..i + 2);
        PathBuf::from(binary)
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/specs/oxide/nexus.json"));
    let one_tag = args.get(1).cloned().unwrap_or_else(|| "disks".to_string());
    let scratch = root.join("target/sdk-compile-bench");
    let krate = scratch.join("sdk");
    generate_crate(root, &spec, &krate, &[], None);
    let target = scratch.join("target");
    let one = ["--no-default-features", "--features", one_tag.as_str()];
    if tag_only {
        println!("dependencies: building once");
        run(&mut cargo_build(&krate, &target, &one));
        println!(
            "{} ({} lines of Rust)\n| features | compile s | rustc peak MiB |\n|---|---|---|",
            spec.display(),
            lines_of_rust(&krate)
        );
        for (label, features) in [
            (format!("one tag: {one_tag}"), &one[..]),
            ("no tag".to_string(), &["--no-default-features"][..]),
        ] {
            let figures = clean_build(&krate, &target, features);
            println!("| {label} | {} |", figures.trim().replace(' ', " | "));
        }
        return;
    }
    // The same SDK with models that drop unknown fields (what sdkgen generated before it kept
    // them): the peer the cost of keeping them is measured against, in the same run.
    let dropping = scratch.join("sdk-drop");
    generate_crate(root, &spec, &dropping, &["--drop-unknown-fields"], None);
    println!("dependencies: building once");
    run(&mut cargo_build(&krate, &target, &[]));

    println!(
        "{} ({} lines of Rust)",
        spec.display(),
        lines_of_rust(&krate)
    );
    let one_label = format!("one tag: {one_tag}");
    let feature_sets = [
        ("all tags (default)", &[][..]),
        (one_label.as_str(), &one[..]),
        ("no tag", &["--no-default-features"][..]),
    ];
    if !peer_only {
        println!("| features | compile s | rustc peak MiB |\n|---|---|---|");
        for (label, features) in feature_sets {
            let figures = clean_build(&krate, &target, features);
            println!("| {label} | {} |", figures.trim().replace(' ', " | "));
        }

        println!("\nunknown fields kept (default) vs dropped, all tags, 3 rounds alternating:");
        alternate(
            ("keep unknown fields", &krate),
            ("drop unknown fields", &dropping),
            &target,
        );
    }

    if let Some(binary) = peer {
        let older = scratch.join("sdk-peer");
        generate_crate(root, &spec, &older, &[], Some(&binary));
        if peer_only {
            println!("| features | this sdkgen: s, rustc peak MiB | peer: s, MiB |\n|---|---|---|");
            for (label, features) in feature_sets {
                let this = clean_build(&krate, &target, features);
                let peer = clean_build(&older, &target, features);
                println!("| {label} | {} | {} |", this.trim(), peer.trim());
            }
        }
        println!(
            "\nthis sdkgen vs {} ({} lines), all tags, 3 rounds alternating:",
            binary.display(),
            lines_of_rust(&older)
        );
        alternate(("this sdkgen", &krate), ("peer", &older), &target);
    }
}

/// Clean builds of two crates, alternating, 3 rounds: medians and their ratio.
fn alternate(a: (&str, &Path), b: (&str, &Path), target: &Path) {
    run(&mut cargo_build(b.1, target, &[]));
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        first.push(timed_build(a.1, target));
        second.push(timed_build(b.1, target));
    }
    let median = |v: &mut Vec<(f64, u64)>| {
        v.sort_by(|x, y| x.0.total_cmp(&y.0));
        v[v.len() / 2]
    };
    let (x, y) = (median(&mut first), median(&mut second));
    println!("| SDK | compile s (median) | rustc peak MiB |\n|---|---|---|");
    println!("| {} | {:.2} | {} |", a.0, x.0, x.1);
    println!("| {} | {:.2} | {} |", b.0, y.0, y.1);
    println!(
        "{} / {}: time {:.3}x, peak {:.3}x",
        a.0,
        b.0,
        x.0 / y.0,
        x.1 as f64 / y.1 as f64
    );
}

/// Lines of Rust in a crate's `src`.
/// The lines of the crate's `src/`, its module directories included.
fn lines_of_rust(krate: &Path) -> usize {
    fn lines_in(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .map(|dir| {
                dir.flatten()
                    .map(|e| match e.path() {
                        path if path.is_dir() => lines_in(&path),
                        path => std::fs::read_to_string(path).map_or(0, |t| t.lines().count()),
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    lines_in(&krate.join("src"))
}

/// Writes the SDK of `spec` as the crate `sdk` at `krate` (with this sdkgen, or the `binary`
/// given), a workspace of its own with sdkgen's lock file (the versions the tests use).
fn generate_crate(root: &Path, spec: &Path, krate: &Path, flags: &[&str], binary: Option<&Path>) {
    let _ = std::fs::remove_dir_all(krate);
    let mut command = match binary {
        Some(binary) => Command::new(binary),
        None => {
            let mut cargo = Command::new(env!("CARGO"));
            cargo.args(["run", "--quiet", "--release", "--"]);
            cargo
        }
    };
    run(command
        .args(["generate", "--crate-name", "sdk"])
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
