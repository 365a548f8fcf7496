//! Bringing an SDK crate on disk in line with a spec: `--check` compares, plain `generate`
//! writes. Both say what changed in the SDK's public API.

use std::path::Path;
use std::time::Duration;

use super::{exit, Outcome};
use crate::changes::{compare, Reader, Report, Surface};
use crate::output::{write_if_changed, WriteOutcome};
use crate::{Generated, Origin, Source};

/// Diff lines shown per stale file; the rest is counted.
const DIFF_LINES: usize = 24;

/// Exit 0 when every file on disk is what `generate` would write, else 1 with what differs.
/// Writes nothing.
pub fn check(source: &Source, generated: &Generated, out: &Path, on_disk: OnDisk) -> Outcome {
    let files = generated.crate_files();
    let mut stale = Vec::new();
    for file in &files {
        let path = out.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(old) if old == file.contents => {}
            Ok(old) => {
                stale.push(format!(
                    "  stale: {}\n{}",
                    path.display(),
                    short_diff(&old, &file.contents)
                ));
            }
            Err(_) => stale.push(format!("  missing: {}", path.display())),
        }
    }
    if stale.is_empty() {
        println!("{} is up to date ({})", out.display(), summary(generated));
        return Ok(());
    }
    let report = api_changes(on_disk, generated);
    // The spec that was used, named as it was given: without `--spec`, `generate` would
    // read the embedded one and overwrite the user's SDK with it.
    let spec_arg = match &source.origin {
        Origin::Embedded => String::new(),
        origin => format!(" --spec {}", shell_word(&origin.name())),
    };
    eprintln!(
        "{} is not up to date with {}; regenerate it with `sdkgen generate{spec_arg} --out {}`:",
        out.display(),
        source.origin,
        out.display()
    );
    for entry in stale {
        eprintln!("{entry}");
    }
    if let Some(report) = report {
        eprintln!("{report}");
    }
    Err(exit::DRIFT)
}

/// Writes the crate's files (only those whose content changed) and reports the API changes
/// against what was there.
pub fn write(source: &Source, generated: &Generated, out: &Path, on_disk: OnDisk) -> Outcome {
    // What the API was, from the files as they were before this writes them.
    let report = api_changes(on_disk, generated);
    let files = generated.crate_files();
    println!(
        "sdkgen: {} → {} ({})",
        source.origin,
        out.display(),
        summary(generated)
    );
    for file in &files {
        let path = out.join(&file.path);
        match write_if_changed(&path, &file.contents) {
            Ok(outcome) => {
                let what = match outcome {
                    WriteOutcome::Created => "created",
                    WriteOutcome::Updated => "updated",
                    WriteOutcome::Unchanged => "unchanged",
                };
                println!("  {what:9} {}", path.display());
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Err(exit::IO);
            }
        }
    }
    if let Some(report) = report {
        println!("{report}");
    }
    Ok(())
}

/// A word as a POSIX shell reads it: quoted when it holds anything but plain path characters.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn summary(generated: &Generated) -> String {
    use crate::output::count;
    format!(
        "{}, {}, {}",
        count(generated.api.operations.len(), "operation"),
        count(generated.api.types.len(), "type"),
        count(generated.notes.len(), "note")
    )
}

/// Where the SDK on disk is, to read its public API from before anything overwrites it.
///
/// Read after generating, on the same thread, not beside it: the allocator's memory that
/// generating freed is reused (a thread of its own gets an arena of its own, and on Microsoft
/// Graph the report then cost 0.2 GB more for 9 s less).
pub struct OnDisk(Option<std::path::PathBuf>);

impl OnDisk {
    pub fn read(out: &Path) -> OnDisk {
        let src = out.join("src");
        let there = src.join("client.rs").is_file() || src.join("lib.rs").is_file();
        OnDisk(there.then_some(src))
    }
}

fn surface_on_disk(src: &Path) -> Option<Surface> {
    let read = |name: &str| std::fs::read_to_string(src.join(name)).ok();
    match read("client.rs") {
        // A file at a time, each text dropped once read.
        Some(client) => {
            let mut reader = Reader::default();
            Surface::read_into(&mut reader, &client, false)?;
            drop(client);
            if let Some(types) = read("types.rs") {
                Surface::read_into(&mut reader, &types, true)?;
            }
            Some(reader.finish())
        }
        // The single `lib.rs` sdkgen wrote before the crate had modules of its own.
        None => Surface::of(&read("lib.rs")?),
    }
}

/// The public API changes from the SDK on disk to the generated one, when the API moved (the
/// new one was read as its code was formatted; the old one is read now, a batch of items at
/// a time).
fn api_changes(on_disk: OnDisk, generated: &Generated) -> Option<Report> {
    let src = on_disk.0?;
    let progress = std::sync::Arc::new(crate::Progress::default());
    progress.begin(crate::Stage::Comparing, 0);
    let status = super::status::StatusLine::start(progress, generated.spec_name.clone());
    let old = surface_on_disk(&src);
    drop(status);
    let old = old?;
    let report = compare(&old, &generated.surface);
    (!report.is_empty()).then_some(report)
}

/// A unified diff of two texts, at most [`DIFF_LINES`] lines, indented under its file name.
fn short_diff(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::configure()
        .timeout(Duration::from_secs(2))
        .diff_lines(old, new);
    let text = diff.unified_diff().context_radius(2).to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in lines.iter().take(DIFF_LINES) {
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    if lines.len() > DIFF_LINES {
        out.push_str(&format!(
            "    ... {}\n",
            crate::output::count(lines.len() - DIFF_LINES, "more diff line")
        ));
    }
    out.pop();
    out
}
