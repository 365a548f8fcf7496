//! `generate --watch`: regenerate whenever the spec file changes, until interrupted.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};

use super::{exit, generate_reporting, read, sync, Outcome};

/// Events closer together than this are one change: editors write a file in several steps
/// (truncate, write, rename), and the SDK should be generated once, from the finished file.
const DEBOUNCE: Duration = Duration::from_millis(200);

pub fn run(spec: &Path, crate_name: &str, allowed_dirs: &[PathBuf], out: &Path) -> Outcome {
    let mut last = None;
    regenerate(spec, crate_name, allowed_dirs, out, &mut last);

    // The directory is watched, not the file: editors that save by writing a new file and
    // renaming it over the old one would end a watch on the file itself.
    let dir = match spec.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, tx).map_err(|e| {
        eprintln!("error: cannot watch {}: {e}", dir.display());
        exit::IO
    })?;
    debouncer
        .watcher()
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| {
            eprintln!("error: cannot watch {}: {e}", dir.display());
            exit::IO
        })?;
    println!("watching {} for changes (Ctrl-C to stop)", spec.display());
    let name = spec.file_name();
    for events in rx {
        match events {
            Ok(events) if events.iter().any(|e| e.path.file_name() == name) => {
                regenerate(spec, crate_name, allowed_dirs, out, &mut last);
            }
            Ok(_) => {}
            Err(e) => eprintln!("warning: watching {}: {e}", dir.display()),
        }
    }
    Ok(())
}

/// One round: read, generate, write, report. Errors are printed and the watch goes on, so a
/// half-typed spec never ends the session; the SDK on disk stays as it was.
fn regenerate(
    spec: &Path,
    crate_name: &str,
    allowed_dirs: &[PathBuf],
    out: &Path,
    last: &mut Option<String>,
) {
    let Ok(source) = read(Some(spec)) else {
        return;
    };
    // Saved without a change (or touched): nothing to do.
    if last.as_deref() == Some(source.text.as_str()) {
        return;
    }
    *last = Some(source.text.clone());
    match generate_reporting(&source, crate_name, allowed_dirs) {
        Ok(generated) => {
            let _ = sync::write(&source, &generated, crate_name, out);
        }
        Err(_) => eprintln!("the SDK in {} is left as it was", out.display()),
    }
}
