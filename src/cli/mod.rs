//! The command line: `sdkgen generate [--spec FILE] [--out DIR] [--crate-name NAME]
//! [--check | --watch]` and `sdkgen dependencies [--spec FILE]`.

mod status;
mod sync;
mod watch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    crate_name_for, generate_with, spec_file_name, Generated, Options, Progress, Severity, Source,
};

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
        #[command(flatten)]
        spec: SpecArgs,
        /// Where to write the crate. Default: generated/CRATE_NAME.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write nothing; exit 1 if the crate on disk differs from what would be written,
        /// showing a short diff and the API changes.
        #[arg(long, conflicts_with = "watch")]
        check: bool,
        /// Regenerate whenever the spec file changes, until interrupted.
        #[arg(long)]
        watch: bool,
    },
    /// Print the `[dependencies]` lines the spec's SDK needs (for build.rs users).
    Dependencies {
        #[command(flatten)]
        spec: SpecArgs,
    },
}

#[derive(clap::Args)]
struct SpecArgs {
    /// The OpenAPI document, YAML or JSON. Default: the embedded Modbox spec.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The crate's name. Default: the spec file's stem.
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,
    /// A directory besides the spec's own that files the spec refers to may be read from
    /// (repeatable). URLs are never fetched.
    #[arg(long, value_name = "DIR")]
    allow_dir: Vec<PathBuf>,
    /// Refuse the spec where it breaks a rule that would otherwise be loosened with a note
    /// (a missing `info.version`, an undeclared path variable, a schema generated as
    /// `serde_json::Value`): every note becomes an error.
    #[arg(long)]
    strict: bool,
    /// Drop the properties a server sends that the spec does not name, instead of keeping
    /// them in each model's `additional_properties` and sending them back.
    #[arg(long)]
    drop_unknown_fields: bool,
    /// One more derive for every model where it can hold, as a path (repeatable): `Eq`,
    /// `Hash`, `schemars::JsonSchema`. One a model has already is not written twice.
    #[arg(long, value_name = "PATH")]
    extra_derive: Vec<String>,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Generate {
            spec,
            out,
            check,
            watch,
        } => run_generate(spec, out, check, watch),
        Command::Dependencies { spec } => run_dependencies(spec),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// A failed step's exit code; its message is already printed.
type Outcome = Result<(), u8>;

fn run_generate(args: SpecArgs, out: Option<PathBuf>, check: bool, watch: bool) -> Outcome {
    if watch && args.spec.is_none() {
        eprintln!("error: --watch needs --spec FILE (the embedded spec never changes)");
        return Err(exit::USAGE);
    }
    let options = options(&args)?;
    let out = out.unwrap_or_else(|| PathBuf::from("generated").join(&options.crate_name));
    if watch {
        let spec = args.spec.expect("checked above");
        return watch::run(&spec, &options, &out);
    }
    let source = read(args.spec.as_deref())?;
    let generated = generate_reporting(&source, &options)?;
    if check {
        sync::check(&source, &generated, &out)
    } else {
        sync::write(&source, &generated, &out)
    }
}

fn run_dependencies(args: SpecArgs) -> Outcome {
    let options = options(&args)?;
    let source = read(args.spec.as_deref())?;
    let generated = generate_reporting(&source, &options)?;
    println!("[dependencies]");
    for dep in generated.dependencies() {
        println!("{dep}");
    }
    Ok(())
}

/// The settings of a generation from the command line.
fn options(args: &SpecArgs) -> Result<Options, u8> {
    Ok(Options {
        crate_name: crate_name(args)?,
        extra_derives: args.extra_derive.clone(),
        // The CLI writes a crate of its own, whose Cargo.toml declares a feature per tag.
        tag_features: true,
        allowed_dirs: args.allow_dir.clone(),
        only_tags: Vec::new(),
        strict: args.strict,
        keep_unknown_fields: !args.drop_unknown_fields,
    })
}

/// The crate name: given, or made from the spec file's stem.
fn crate_name(args: &SpecArgs) -> Result<String, u8> {
    let spec_name = match &args.spec {
        Some(path) => spec_file_name(&path.display().to_string()),
        None => crate::EMBEDDED_SPEC_NAME.to_string(),
    };
    let name = args
        .crate_name
        .clone()
        .unwrap_or_else(|| crate_name_for(&spec_name));
    if name.is_empty() {
        eprintln!("error: cannot make a crate name from `{spec_name}`; pass --crate-name");
        return Err(exit::USAGE);
    }
    let lib = crate::output::lib_name(&name);
    if lib != name.replace('-', "_") {
        eprintln!(
            "note: the package is `{name}`; its library is `{lib}` (Rust names crates in snake case), so code says `{lib}::Client`"
        );
    }
    Ok(name)
}

/// The spec's text: the file given, or the embedded spec.
fn read(spec: Option<&Path>) -> Result<Source, u8> {
    match spec {
        None => Ok(Source::embedded()),
        Some(path) => Source::from_path(path).map_err(|e| match e {
            crate::Error::Spec(_) => {
                eprintln!("{e}");
                exit::SPEC
            }
            _ => {
                eprintln!("error: cannot read {e}");
                exit::IO
            }
        }),
    }
}

/// Generates, printing the notes, or the errors with their places.
fn generate_reporting(source: &Source, options: &Options) -> Result<Generated, u8> {
    let progress = std::sync::Arc::new(Progress::default());
    let status = status::StatusLine::start(progress.clone(), source.origin.file_name());
    let generated = generate_with(source, options, &progress);
    drop(status);
    let generated = generated.map_err(|e| {
        eprintln!("{e}");
        exit::SPEC
    })?;
    for note in generated
        .notes
        .iter()
        .filter(|n| n.severity == Severity::Note)
    {
        eprintln!("{note}");
    }
    Ok(generated)
}
