//! `generate --watch`: regenerate whenever the spec file changes, until interrupted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};

use super::{exit, generate_reporting, read, sync, Outcome};
use crate::Options;

/// Events closer together than this are one change: editors write a file in several steps
/// (truncate, write, rename), and the SDK should be generated once, from the finished file.
const DEBOUNCE: Duration = Duration::from_millis(200);

pub fn run(spec: &Path, options: &Options, out: &Path) -> Outcome {
    let mut last = None;
    let mut seen = stamps(spec, &[]);
    let mut files = regenerate(spec, options, out, &mut last);

    // Directories are watched, not files: editors that save by writing a new file and renaming
    // it over the old one would end a watch on the file itself. The spec's directory, and the
    // directory of every file it refers to, as they become known.
    let dir = match spec.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, tx).map_err(|e| {
        eprintln!("error: cannot watch {}: {e}", dir.display());
        exit::IO
    })?;
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut watch = |dir: &Path, watched: &mut BTreeSet<PathBuf>| -> Outcome {
        if watched.insert(dir.to_path_buf()) {
            debouncer
                .watcher()
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|e| {
                    eprintln!("error: cannot watch {}: {e}", dir.display());
                    exit::IO
                })?;
        }
        Ok(())
    };
    watch(dir, &mut watched)?;
    for file in &files {
        if let Some(parent) = file.parent() {
            watch(parent, &mut watched)?;
        }
    }
    println!("watching {} for changes (Ctrl-C to stop)", spec.display());
    let name = spec.file_name();
    for events in rx {
        match events {
            Ok(events)
                if events.iter().any(|e| {
                    e.path.file_name() == name || files.iter().any(|f| same_file(f, &e.path))
                }) =>
            {
                // Reading a file raises an event of its own (inotify reports every open): only
                // a file that looks different from outside is read again.
                let now = stamps(spec, &files);
                if now == seen {
                    continue;
                }
                seen = now;
                let read = regenerate(spec, options, out, &mut last);
                if !read.is_empty() {
                    files = read;
                }
                for file in &files {
                    if let Some(parent) = file.parent() {
                        watch(parent, &mut watched)?;
                    }
                }
            }
            Ok(_) => {}
            Err(e) => eprintln!("warning: watching {}: {e}", dir.display()),
        }
    }
    Ok(())
}

/// A file as seen from outside, with `stat` (which raises no event): length and modification
/// time, `None` when it cannot be read. A save changes one or the other: saves within one
/// debounce window are one change, and a later one has a later time.
type Stamp = Option<(u64, SystemTime)>;

/// The stamps of the spec and the files it refers to.
fn stamps(spec: &Path, files: &[PathBuf]) -> Vec<Stamp> {
    std::iter::once(spec)
        .chain(files.iter().map(PathBuf::as_path))
        .map(|f| {
            let meta = std::fs::metadata(f).ok()?;
            Some((meta.len(), meta.modified().ok()?))
        })
        .collect()
}

/// Whether an event's path is `file` (event paths may not be canonical).
fn same_file(file: &Path, event: &Path) -> bool {
    file == event || event.canonicalize().is_ok_and(|e| e == file)
}

/// One round: read, generate, write, report. Errors are printed and the watch goes on, so a
/// half-typed spec never ends the session; the SDK on disk stays as it was. Returns the other
/// files the spec refers to (none when it could not be generated).
fn regenerate(
    spec: &Path,
    options: &Options,
    out: &Path,
    last: &mut Option<String>,
) -> Vec<PathBuf> {
    let Ok(source) = read(Some(spec)) else {
        return Vec::new();
    };
    match generate_reporting(&source, options) {
        Ok(generated) => {
            // Saved without a change (or touched): nothing to write, nothing to report.
            let code = generated.code();
            if last.as_deref() != Some(code.as_str()) {
                *last = Some(code);
                let _ = sync::write(&source, &generated, out);
            }
            generated.files
        }
        Err(_) => {
            *last = None;
            eprintln!("the SDK in {} is left as it was", out.display());
            Vec::new()
        }
    }
}
