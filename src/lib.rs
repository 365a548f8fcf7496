//! sdkgen: an OpenAPI 3.0/3.1 document in, a typed async Rust SDK out.
//!
//! The pipeline (see `ARCHITECTURE.md`): load → normalise → parse ([`spec`]) → lower to IR
//! ([`ir`]) → emit tokens ([`emit`]) → format and write ([`output`]).

#![warn(missing_docs)]

mod config;
mod diagnostics;
mod naming;
mod progress;

// The pipeline's stages and the tools of the repository's own runs (the corpus, the example
// harness, the benches and fuzzers use them). Not an API to build on: hidden from the docs
// and free to change.
#[doc(hidden)]
pub mod changes;
#[doc(hidden)]
pub mod emit;
#[doc(hidden)]
pub mod harness;
#[doc(hidden)]
pub mod ir;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod spec;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;

pub use config::{compile_spec, Config, Error};
pub use diagnostics::{Diagnostic, Severity, SpecError};
pub use output::{Dependency, File};
pub use progress::{Progress, Stage};
pub use spec::{Origin, Source};

/// The Modbox API document sdkgen ships with, used when no spec is given.
pub const EMBEDDED_SPEC: &str = include_str!("../spec/modbox.yaml");
/// The name the embedded spec goes by in messages and generated headers.
pub const EMBEDDED_SPEC_NAME: &str = "modbox.yaml";

/// Settings of one generation. The defaults (`Options::default()`) suit `include!` in a build
/// script: a crate name from the spec's file name, no tag features, every operation, lenient,
/// unknown fields kept.
#[derive(Debug, Clone)]
pub struct Options {
    /// The SDK's name: the crate name, and the first word of its `User-Agent`. Empty: made
    /// from the spec's file name (`modbox.yaml` → `modbox`).
    pub crate_name: String,
    /// Extra derives for every model, e.g. `"Eq"` or `"schemars::JsonSchema"`.
    pub extra_derives: Vec<String>,
    /// Gate operations and models behind a cargo feature per OpenAPI tag (see
    /// [`emit::EmitOptions::tag_features`]); for a standalone crate, not for `include!`.
    pub tag_features: bool,
    /// Directories besides the spec's own that files it refers to (`$ref: ../shared/x.yaml`)
    /// may be read from.
    pub allowed_dirs: Vec<std::path::PathBuf>,
    /// Generate only the operations of these tags (by tag or feature name) and what they use;
    /// empty: everything.
    pub only_tags: Vec<String>,
    /// Refuse the document where it breaks a rule that sdkgen would otherwise loosen with a
    /// note (a missing `info.version`, an undeclared path variable, a schema carried as
    /// `serde_json::Value`): every note becomes an error.
    pub strict: bool,
    /// Keep, in every model whose schema does not forbid them, the properties the spec does
    /// not name (a newer server's), and send them back: on by default, so that a
    /// read-modify-write loses nothing.
    pub keep_unknown_fields: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: String::new(),
            extra_derives: Vec::new(),
            tag_features: false,
            allowed_dirs: Vec::new(),
            only_tags: Vec::new(),
            strict: false,
            keep_unknown_fields: true,
        }
    }
}

/// A generated SDK, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate's name ([`Options::crate_name`]).
    pub crate_name: String,
    /// The spec's file name, without its directory, as the generated files name it.
    pub spec_name: String,
    /// The lowered document the code was emitted from.
    pub api: ir::Api,
    /// The SDK's code in parts: a crate's files, or (joined) the file to `include!`.
    pub parts: output::Code,
    /// The public API of each file, for a change report: `client.rs`, `types.rs`, then the
    /// modules of `parts` ([`Generated::surface`] is the whole SDK's).
    pub file_surfaces: Vec<changes::Surface>,
    /// What was loosened or left out, each with its place in the spec.
    pub notes: Vec<Diagnostic>,
    /// Other files the spec refers to (`$ref: schemas/pet.yaml`), which it was generated from
    /// too: a build script reruns when one changes.
    pub files: Vec<std::path::PathBuf>,
}

impl Generated {
    /// The crates the code needs in `[dependencies]`.
    pub fn dependencies(&self) -> Vec<Dependency> {
        output::dependencies(&self.api)
    }

    /// The whole SDK as one Rust file, to `include!` (a build script's output). Made from
    /// [`Generated::parts`] on each call, so a generation holds its code once.
    pub fn code(&self) -> String {
        output::include_file(&self.api, &self.parts, &self.spec_name)
    }

    /// The SDK's public API, its files' together.
    pub fn surface(&self) -> changes::Surface {
        let mut surface = changes::Surface::default();
        for file in &self.file_surfaces {
            surface.merge(file.clone());
        }
        surface
    }

    /// The files of a standalone crate: `Cargo.toml`, `README.md`, and in `src/` the root
    /// `lib.rs`, `client.rs`, `types.rs` and `runtime.rs`.
    pub fn crate_files(&self) -> Vec<output::File> {
        output::crate_files(&self.api, &self.crate_name, &self.spec_name, &self.parts)
    }
}

/// Runs the whole pipeline on one document, without touching the file system.
pub fn generate(source: &Source, options: &Options) -> Result<Generated, SpecError> {
    generate_with(source, options, &Progress::default())
}

/// [`generate`], telling `progress` where it is (for a status line on another thread).
pub fn generate_with(
    source: &Source,
    options: &Options,
    progress: &Progress,
) -> Result<Generated, SpecError> {
    progress.begin(Stage::Reading, 0);
    let crate_name = match options.crate_name.as_str() {
        "" => crate_name_for(&source.origin.file_name()),
        name => name.to_string(),
    };
    if let Some(bad) = options
        .extra_derives
        .iter()
        .find(|d| !emit::is_derive_path(d))
    {
        return Err(source.refuse(vec![Diagnostic::error(
            "",
            format!(
                "the extra derive `{bad}` is not a Rust path; give one derive per call, as \
                 `Eq` or `schemars::JsonSchema`"
            ),
        )]));
    }
    let doc = spec::read_with(source, &options.allowed_dirs)?;
    progress.begin(Stage::Lowering, 0);
    let settings = ir::Settings {
        keep_unknown_fields: options.keep_unknown_fields,
        ..ir::Settings::default()
    };
    let mut lowered = ir::lower(&doc.openapi, &doc.webhooks, settings)
        .map_err(|diagnostics| source.refuse(diagnostics))?;
    if !options.only_tags.is_empty() {
        ir::select(&mut lowered.api, &options.only_tags)
            .map_err(|message| source.refuse(vec![Diagnostic::error("/tags", message)]))?;
    }
    // The document (JSON and parsed, for a fully inlined spec several times the file's size)
    // is not needed past lowering: free it before the tokens and the formatted text exist.
    let mut notes = doc.report.notes;
    let files = doc.files;
    drop((doc.openapi, doc.json));
    let emit_options = emit::EmitOptions {
        user_agent: format!(
            "{}/{} (Rust; sdkgen {})",
            crate_name,
            lowered.api.version.replace(char::is_whitespace, "-"),
            env!("CARGO_PKG_VERSION")
        ),
        extra_derives: options.extra_derives.clone(),
        tag_features: options.tag_features,
        example_crate: options.tag_features.then(|| output::lib_name(&crate_name)),
        file_gate: ir::Gate::new(),
    };
    let spec_name = source.origin.file_name();
    // Each operation is a client method and a builder; each type one item (or a few).
    let items = 2 * lowered.api.operations.len() + lowered.api.types.len();
    progress.begin(Stage::Formatting, items);
    let (parts, file_surfaces) = output::format_code(&lowered.api, &emit_options, progress)
        .map_err(|message| source.refuse(vec![Diagnostic::error("", message)]))?;
    notes.extend(lowered.notes);
    if options.strict && !notes.is_empty() {
        let errors = notes.into_iter().map(|n| Diagnostic {
            severity: Severity::Error,
            ..n
        });
        return Err(source.refuse(errors.collect()));
    }
    let notes = source.locate(notes);
    Ok(Generated {
        crate_name,
        spec_name,
        api: lowered.api,
        parts,
        file_surfaces,
        notes,
        files,
    })
}

/// The file name of a spec's origin, without its directory: generated files never hold an
/// absolute path, so they are the same on every machine.
pub fn spec_file_name(origin: &str) -> String {
    std::path::Path::new(origin)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| origin.to_string())
}

/// A crate name from a spec file name: `modbox.yaml` → `modbox`, `My API.json` → `my_api`.
pub fn crate_name_for(spec_name: &str) -> String {
    let stem = std::path::Path::new(spec_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    naming::ident(&stem, naming::Case::Snake)
        .trim_end_matches('_')
        .to_string()
}
