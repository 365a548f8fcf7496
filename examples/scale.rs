//! How generation grows with a document's size: the synthetic family (the benches' generator:
//! five operations per resource, a schema per two operations, references between them) at
//! 1,000, 10,000 and 50,000 operations, each generated to files by the release binary in a
//! process of its own. Prints time and peak memory, and both per operation: linear growth
//! keeps the per-operation figures flat.
//!
//! `cargo run --release --example scale [-- SIZES...]`
//!
//! Each generation runs in a child of a fresh process of this example (`--measure`), whose
//! `RUSAGE_CHILDREN` peak is then that generation's alone.

#[path = "../benches/generate/synthetic.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--measure") {
        return measure(
            Path::new(&args[1]),
            Path::new(&args[2]),
            Path::new(&args[3]),
        );
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![1_000, 10_000, 50_000]
    } else {
        args.iter().map(|a| a.parse().expect("a size")).collect()
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "sdkgen"])
        .current_dir(root)
        .status()
        .expect("cargo runs");
    assert!(status.success());
    let me = std::env::current_exe().expect("this example");
    // target/release/examples/scale → target/release/sdkgen
    let sdkgen: PathBuf = me
        .parent()
        .and_then(Path::parent)
        .expect("target/release")
        .join("sdkgen");
    let scratch = root.join("target/scale");
    std::fs::create_dir_all(&scratch).expect("scratch");
    println!(
        "| operations | spec MB | seconds | peak MiB | ms per operation | KiB per operation |"
    );
    println!("|---|---|---|---|---|---|");
    for n in sizes {
        let spec = scratch.join(format!("synthetic-{n}.json"));
        let text = synthetic::spec(n);
        std::fs::write(&spec, &text).expect("spec");
        let out = scratch.join(format!("sdk-{n}"));
        let _ = std::fs::remove_dir_all(&out);
        let measured = Command::new(&me)
            .arg("--measure")
            .args([&sdkgen, &spec, &out])
            .output()
            .expect("measures");
        assert!(
            measured.status.success(),
            "{}",
            String::from_utf8_lossy(&measured.stderr)
        );
        let line = String::from_utf8_lossy(&measured.stdout).into_owned();
        let mut figures = line
            .split_whitespace()
            .map(|f| f.parse::<f64>().expect("a figure"));
        let (seconds, peak_kib) = (figures.next().unwrap(), figures.next().unwrap());
        println!(
            "| {n} | {:.1} | {seconds:.2} | {:.0} | {:.3} | {:.1} |",
            text.len() as f64 / 1e6,
            peak_kib / 1024.0,
            seconds * 1000.0 / n as f64,
            peak_kib / n as f64
        );
    }
}

/// Runs one generation as this process's only child: its wall time and peak RSS (KiB).
fn measure(sdkgen: &Path, spec: &Path, out: &Path) {
    let start = Instant::now();
    let status = Command::new(sdkgen)
        .args(["generate", "--crate-name", "synthetic", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("sdkgen runs");
    assert!(status.success());
    let seconds = start.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    // Linux reports `ru_maxrss` in KiB.
    println!("{seconds:.3} {}", usage.max_rss());
}
