//! Bringing an SDK crate on disk in line with a spec: `--check` compares, plain `generate`
//! writes. Both say what changed in the SDK's public API.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{exit, Outcome};
use crate::changes::{compare, Reader, Report, Surface};
use crate::output::{write_if_changed, Parent, WriteOutcome};
use crate::{Generated, Origin, Source};

/// Diff lines shown per stale file; the rest is counted.
const DIFF_LINES: usize = 24;

/// Exit 0 when every file on disk is what `generate` would write, else 1 with what differs.
/// Writes nothing.
pub fn check(source: &Source, generated: &Generated, out: &Path) -> Outcome {
    let files = generated.crate_files();
    let on_disk = code_on_disk(out);
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
    for path in leftovers(out, &on_disk, &files) {
        stale.push(format!(
            "  extra: {} (sdkgen no longer writes it; `generate` removes it)",
            path.display()
        ));
    }
    if stale.is_empty() {
        println!("{} is up to date ({})", out.display(), summary(generated));
        return Ok(());
    }
    let report = api_changes(out, &on_disk, generated);
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
pub fn write(source: &Source, generated: &Generated, out: &Path) -> Outcome {
    // What the API was, from the files as they were before this writes them.
    let on_disk = code_on_disk(out);
    let report = api_changes(out, &on_disk, generated);
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
    // A module sdkgen wrote before (a tag since gone, a file a large tag needed): left in
    // place, it would be dead code that `--check` would have to ignore.
    for path in leftovers(out, &on_disk, &files) {
        if let Err(e) = std::fs::remove_file(&path) {
            eprintln!("error: cannot remove {}: {e}", path.display());
            return Err(exit::IO);
        }
        println!("  {:9} {}", "removed", path.display());
    }
    if let Some(report) = report {
        println!("{report}");
    }
    Ok(())
}

/// The code on disk, each file with whether it holds models: `client.rs` and the files of its
/// modules that sdkgen wrote, then `types.rs` and those of its modules.
fn code_on_disk(out: &Path) -> Vec<(bool, PathBuf)> {
    let src = out.join("src");
    let mut files = vec![(false, src.join("client.rs"))];
    files.extend(
        module_files(out, Parent::Client)
            .into_iter()
            .map(|p| (false, p)),
    );
    files.push((true, src.join("types.rs")));
    files.extend(
        module_files(out, Parent::Types)
            .into_iter()
            .map(|p| (true, p)),
    );
    files
}

/// The files in `src/client/` or `src/types/` that sdkgen wrote (by their first line), in the
/// order of their names.
fn module_files(out: &Path, parent: Parent) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out.join("src").join(parent.dir())) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rs") && written_by_sdkgen(path))
        .collect();
    files.sort();
    files
}

fn written_by_sdkgen(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut first = String::new();
    std::io::BufReader::new(file).read_line(&mut first).is_ok()
        && first.starts_with("// @generated by sdkgen ")
}

/// The files of [`code_on_disk`] that sdkgen would not write now: module files of a tag since
/// gone (`client.rs` and `types.rs` are always written).
fn leftovers(
    out: &Path,
    on_disk: &[(bool, PathBuf)],
    files: &[crate::output::File],
) -> Vec<PathBuf> {
    on_disk
        .iter()
        .map(|(_, path)| path)
        .filter(|path| !files.iter().any(|f| out.join(&f.path) == **path))
        .cloned()
        .collect()
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

/// The public API changes from the SDK on disk to the generated one, when the API moved. The
/// new API was read as its code was formatted; the old one is parsed only when its code differs
/// (a regeneration that changes nothing, or only `Cargo.toml` or the README, parses nothing),
/// a batch of items at a time, on this thread after generating: the allocator reuses the
/// memory generating freed (a thread of its own gets an arena of its own, and on Microsoft
/// Graph the report then cost 0.2 GB more).
fn api_changes(out: &Path, on_disk: &[(bool, PathBuf)], generated: &Generated) -> Option<Report> {
    if !on_disk[0].1.exists() {
        // The single `lib.rs` sdkgen wrote before the crate had modules of its own.
        let lib = std::fs::read_to_string(out.join("src").join("lib.rs")).ok()?;
        let report = compare(&Surface::of(&lib)?, &generated.surface());
        return (!report.is_empty()).then_some(report);
    }
    let generated_files = generated_code(out, generated);
    let unchanged = |path: &Path, old: &str| {
        generated_files
            .get(path)
            .filter(|(text, _)| old.ends_with(*text))
            .map(|(_, surface)| *surface)
    };
    let mut old = Surface::default();
    let mut reader = Reader::default();
    let mut changed = on_disk.len() != generated_files.len();
    let mut status = None;
    for (types, path) in on_disk {
        // A file at a time, each dropped once read; parsed only when it changed (what an
        // unchanged file holds was read as the new code was formatted).
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if let Some(surface) = unchanged(path, &text) {
            old.merge(surface.clone());
            continue;
        }
        changed = true;
        status.get_or_insert_with(|| {
            let progress = std::sync::Arc::new(crate::Progress::default());
            progress.begin(crate::Stage::Comparing, 0);
            super::status::StatusLine::start(progress, generated.spec_name.clone())
        });
        Surface::read_into(&mut reader, &text, *types)?;
    }
    if !changed {
        return None;
    }
    old.merge(reader.finish());
    let report = compare(&old, &generated.surface());
    (!report.is_empty()).then_some(report)
}

/// The generated code's files by path: each one's text (without the header and imports the
/// file on disk starts with), and its public API.
fn generated_code<'g>(
    out: &Path,
    generated: &'g Generated,
) -> std::collections::HashMap<PathBuf, (&'g str, &'g Surface)> {
    let (src, code) = (out.join("src"), &generated.parts);
    let paths = [src.join("client.rs"), src.join("types.rs")]
        .into_iter()
        .chain(code.modules.iter().map(|m| out.join(m.path())));
    let texts = [code.root.as_str(), code.types.as_str()]
        .into_iter()
        .chain(code.modules.iter().map(|m| m.text.as_str()));
    paths
        .zip(texts)
        .zip(&generated.file_surfaces)
        .map(|((path, text), surface)| (path, (text, surface)))
        .collect()
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
