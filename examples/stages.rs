//! Where generation time goes: each stage of the pipeline timed on its own, for the specs given
//! (default: nexus and shipengine from the corpus).
//!
//! `cargo run --release --example stages -- [SPEC ...]`
//!
//! Prints, per spec, the median of several runs for load, normalise, parse, lower, emit and
//! format (one stage: items are made as the formatter takes them), and write, and the floor: parsing the same file into a `serde_json::Value` only.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sdkgen::{emit, ir, output, spec};

const RUNS: usize = 7;

fn main() {
    let mut specs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if specs.is_empty() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/specs");
        specs = vec![
            corpus.join("oxide/nexus.json"),
            corpus.join("shipengine/openapi.json"),
        ];
    }
    println!("| spec | floor | load | normalise | parse | lower | emit + format | write | total |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for path in specs {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut runs: Vec<[Duration; 7]> = (0..RUNS).map(|_| stages(&text)).collect();
        let median = |i: usize, runs: &mut Vec<[Duration; 7]>| {
            runs.sort_by_key(|r| r[i]);
            runs[RUNS / 2][i]
        };
        let cells: Vec<Duration> = (0..7).map(|i| median(i, &mut runs)).collect();
        let total: Duration = cells[1..].iter().sum();
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!(
            "| {name} | {} | {} |",
            cells.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(" | "),
            ms(total)
        );
    }
}

/// One run: the floor, then each stage, as durations.
fn stages(text: &str) -> [Duration; 7] {
    let mut times = [Duration::ZERO; 7];
    let mut lap = |i: usize, started: Instant| times[i] = started.elapsed();

    let t = Instant::now();
    let floor: Result<serde_json::Value, _> = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    };
    drop(floor);
    lap(0, t);

    let t = Instant::now();
    let mut json = spec::load::load(text).expect("loads");
    lap(1, t);
    let t = Instant::now();
    let _report = spec::normalize::normalize(&mut json);
    lap(2, t);
    let t = Instant::now();
    let openapi = spec::parse(&json).expect("parses");
    let webhooks = spec::webhooks(&json, &mut Vec::new());
    lap(3, t);
    let t = Instant::now();
    let lowered = ir::lower(&openapi, &webhooks, sdkgen::ir::Settings::default()).expect("lowers");
    lap(4, t);
    let t = Instant::now();
    let options = emit::EmitOptions {
        user_agent: "bench/1".into(),
        extra_derives: Vec::new(),
        tag_features: true,
        example_crate: Some("bench".into()),
        file_gate: Vec::new(),
    };
    let (code, _) =
        output::format_code(&lowered.api, &options, &sdkgen::Progress::default()).expect("formats");
    lap(5, t);
    let t = Instant::now();
    let dir = std::env::temp_dir().join("sdkgen-stages");
    for file in output::crate_files(&lowered.api, "bench", "spec", &code) {
        let path = dir.join(&file.path);
        let _ = std::fs::remove_file(&path); // measure a real write, not "unchanged"
        output::write_if_changed(&path, &file.contents).expect("writes");
    }
    lap(6, t);
    times
}
