//! The command line: `sdkgen generate [--spec FILE] [--out DIR] [--crate-name NAME] [--check]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::{write_if_changed, WriteOutcome};
use crate::{crate_name_for, generate, spec_file_name, Options, Severity, Source};

/// Exit codes, documented in the README.
pub mod exit {
    /// `--check` found files that are stale or missing.
    pub const DRIFT: u8 = 1;
    /// The command line was wrong (clap's own code).
    pub const USAGE: u8 = 2;
    /// The spec could not be read or generated.
    pub const SPEC: u8 = 3;
    /// Reading or writing files failed.
    pub const IO: u8 = 4;
}

#[derive(Parser)]
#[command(
    name = "sdkgen",
    version,
    about = "Generate a typed async Rust SDK from an OpenAPI 3.0/3.1 document"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write an SDK crate (Cargo.toml, README.md, src/lib.rs) for a spec.
    Generate {
        /// The OpenAPI document, YAML or JSON. Default: the embedded Modbox spec.
        #[arg(long, value_name = "FILE")]
        spec: Option<PathBuf>,
        /// Where to write the crate. Default: generated/<crate name>.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The crate's name. Default: the spec file's stem.
        #[arg(long, value_name = "NAME")]
        crate_name: Option<String>,
        /// Write nothing; exit 1 if the crate on disk differs from what would be written.
        #[arg(long)]
        check: bool,
    },
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { 0 });
        }
    };
    match cli.command {
        Command::Generate {
            spec,
            out,
            crate_name,
            check,
        } => run_generate(spec, out, crate_name, check),
    }
}

fn run_generate(
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    check: bool,
) -> ExitCode {
    let source = match &spec {
        None => Source {
            origin: crate::EMBEDDED_SPEC_NAME.into(),
            text: crate::EMBEDDED_SPEC.into(),
        },
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Source {
                    origin: path.display().to_string(),
                    text,
                },
                Err(e) => {
                    eprintln!(
                        "error: {} is not UTF-8 text (invalid byte at offset {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    );
                    return ExitCode::from(exit::SPEC);
                }
            },
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::from(exit::IO);
            }
        },
    };
    let spec_name = spec_file_name(&source.origin);
    let crate_name = crate_name.unwrap_or_else(|| crate_name_for(&spec_name));
    if crate_name.is_empty() {
        eprintln!("error: cannot make a crate name from `{spec_name}`; pass --crate-name");
        return ExitCode::from(exit::USAGE);
    }
    let options = Options {
        crate_name: crate_name.clone(),
        extra_derives: Vec::new(),
    };
    let generated = match generate(&source, &options) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(exit::SPEC);
        }
    };
    for note in generated
        .notes
        .iter()
        .filter(|n| n.severity == Severity::Note)
    {
        eprintln!("{note}");
    }
    let out = out.unwrap_or_else(|| PathBuf::from("generated").join(&crate_name));
    let files = generated.crate_files(&crate_name, &spec_name);
    let summary = format!(
        "{} operation(s), {} type(s), {} note(s)",
        generated.api.operations.len(),
        generated.api.types.len(),
        generated.notes.len()
    );

    if check {
        let stale: Vec<String> = files
            .iter()
            .filter(|f| {
                std::fs::read(out.join(&f.path)).ok().as_deref() != Some(f.contents.as_bytes())
            })
            .map(|f| out.join(&f.path).display().to_string())
            .collect();
        if stale.is_empty() {
            println!("{} is up to date ({summary})", out.display());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} is not up to date with {}; run `cargo run -- generate` to regenerate:",
            out.display(),
            source.origin
        );
        for path in stale {
            eprintln!("  stale or missing: {path}");
        }
        return ExitCode::from(exit::DRIFT);
    }

    println!("sdkgen: {} → {} ({summary})", source.origin, out.display());
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
                return ExitCode::from(exit::IO);
            }
        }
    }
    ExitCode::SUCCESS
}
