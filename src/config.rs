//! The library front end for build scripts, in prost-build's shape: [`compile_spec`] for the
//! one-line case and the [`Config`] builder for the rest.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     sdkgen::compile_spec("spec/modbox.yaml")?;
//!     Ok(())
//! }
//! // src/lib.rs:  include!(concat!(env!("OUT_DIR"), "/modbox.rs"));
//! ```

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::output::{write_if_changed, Dependency};
use crate::{Generated, Options, Severity, Source, SpecError};

/// Generates the SDK for `spec` into `$OUT_DIR/<spec stem>.rs` and tells cargo to rerun the
/// build script when the spec changes. Returns the path written.
pub fn compile_spec(spec: impl AsRef<Path>) -> Result<PathBuf, Error> {
    Config::new().compile(spec)
}

/// How to generate, for build scripts and other library users.
#[derive(Debug, Clone)]
pub struct Config {
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    crate_name: Option<String>,
    allowed_dirs: Vec<PathBuf>,
    only_tags: Vec<String>,
    extra_derives: Vec<String>,
    rerun_if_changed: bool,
    notes_as_warnings: bool,
    strict: bool,
    keep_unknown_fields: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            out_dir: None,
            file_name: None,
            crate_name: None,
            allowed_dirs: Vec::new(),
            only_tags: Vec::new(),
            extra_derives: Vec::new(),
            rerun_if_changed: true,
            notes_as_warnings: false,
            strict: false,
            keep_unknown_fields: true,
        }
    }
}

impl Config {
    /// The defaults: `$OUT_DIR`, `<spec stem>.rs`, `cargo:rerun-if-changed` on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where [`Config::compile`] writes (default: the `OUT_DIR` cargo gives build scripts).
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The file's name inside the output directory (default: the spec's stem plus `.rs`).
    pub fn file_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.file_name = Some(name.into());
        self
    }

    /// Lets the spec refer to files in `dir` (`$ref: ../shared/common.yaml#/Error`) besides
    /// its own directory. URLs are never fetched.
    pub fn allow_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.allowed_dirs.push(dir.into());
        self
    }

    /// Generates only the operations of these OpenAPI tags, and the models they use (models
    /// no operation uses are kept). A user of three endpoints of a large API compiles three.
    /// An unknown tag is an error that lists the spec's tags.
    pub fn tags<I, S>(&mut self, tags: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The SDK's name, the first word of its `User-Agent` (default: the spec's stem).
    pub fn crate_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.crate_name = Some(name.into());
        self
    }

    /// One more derive for every model, as a path: `"Eq"`, `"schemars::JsonSchema"`.
    ///
    /// Derives are a set: one a model has already (`Clone`, `PartialEq`, `Eq` on enums...) is
    /// not written twice. `Eq`, `Hash`, `PartialOrd`, `Ord`, `Default` and `Copy` are left off
    /// each model where they cannot hold: `Eq`, `Hash` and `Ord` where it holds an `f64`,
    /// `PartialOrd` and `Ord` where it holds a `serde_json::Value` (a struct's unknown fields, a
    /// union's catch-all), `Default` on enums, `Copy` on anything that owns memory; directly
    /// or through its fields' types. Any other derive goes on every model. A path that does
    /// not parse (`"Eq, Hash"`) fails generation, naming it.
    pub fn extra_derive(&mut self, path: impl Into<String>) -> &mut Self {
        self.extra_derives.push(path.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed=<spec>` (default: yes). Turn it off outside
    /// build scripts.
    pub fn emit_rerun_if_changed(&mut self, on: bool) -> &mut Self {
        self.rerun_if_changed = on;
        self
    }

    /// Whether each note (a construct loosened to `serde_json::Value`, an operation left out)
    /// becomes a `cargo:warning` (default: no; notes always go to the build script's stderr).
    pub fn notes_as_warnings(&mut self, on: bool) -> &mut Self {
        self.notes_as_warnings = on;
        self
    }

    /// Whether to refuse a spec where it breaks a rule that would otherwise be loosened with a
    /// note (default: no, generate and report the notes): every note becomes an error.
    pub fn strict(&mut self, on: bool) -> &mut Self {
        self.strict = on;
        self
    }

    /// Whether models keep the properties the spec does not name (default: yes). Each model
    /// whose schema does not say `additionalProperties: false` has an `additional_properties`
    /// map that keeps what a newer server sends and sends it back; `false` drops them, for
    /// slightly smaller models when a read-modify-write cannot lose data.
    pub fn keep_unknown_fields(&mut self, on: bool) -> &mut Self {
        self.keep_unknown_fields = on;
        self
    }

    /// Reads `spec` and generates the SDK in memory; writes nothing and prints nothing.
    pub fn generate(&self, spec: impl AsRef<Path>) -> Result<Generated, Error> {
        let source = Source::from_path(spec.as_ref())?;
        let options = Options {
            crate_name: self.crate_name.clone().unwrap_or_default(),
            extra_derives: self.extra_derives.clone(),
            tag_features: false,
            allowed_dirs: self.allowed_dirs.clone(),
            only_tags: self.only_tags.clone(),
            strict: self.strict,
            keep_unknown_fields: self.keep_unknown_fields,
        };
        crate::generate(&source, &options).map_err(Error::Spec)
    }

    /// Generates the SDK for `spec` and writes it to the output directory, only if its content
    /// changed (so cargo does not rebuild what includes it). Returns the path of the file.
    pub fn compile(&self, spec: impl AsRef<Path>) -> Result<PathBuf, Error> {
        let spec = spec.as_ref();
        // Printed first, so that after a failed build an edit of the spec reruns the script.
        if self.rerun_if_changed {
            println!("cargo:rerun-if-changed={}", spec.display());
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Config(
                        "OUT_DIR is not set: outside a build script, call Config::out_dir".into(),
                    )
                })?,
        };
        let generated = self.generate(spec)?;
        if self.rerun_if_changed {
            for file in &generated.files {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
        for note in generated
            .notes
            .iter()
            .filter(|n| n.severity == Severity::Note)
        {
            let text = format!("{}: {note}", spec.display());
            if self.notes_as_warnings {
                println!("cargo:warning={}", text.replace('\n', " "));
            } else {
                eprintln!("{text}");
            }
        }
        let file_name = match &self.file_name {
            Some(name) => name.clone(),
            None => format!("{}.rs", file_stem(spec)),
        };
        let path = out_dir.join(file_name);
        write_if_changed(&path, &generated.code()).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// The crates the generated code needs in `[dependencies]`, as `Cargo.toml` lines.
    pub fn dependencies(&self, spec: impl AsRef<Path>) -> Result<Vec<Dependency>, Error> {
        Ok(self.generate(spec)?.dependencies())
    }
}

fn file_stem(spec: &Path) -> String {
    spec.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sdk".into())
}

/// Why a library call failed. Its `Debug` is its `Display`, so a build script's
/// `fn main() -> Result<(), Box<dyn Error>>` prints the same diagnostics as the CLI.
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The spec has errors; each names its JSON pointer and line.
    Spec(SpecError),
    /// The call itself is wrong, e.g. no `OUT_DIR` outside a build script.
    Config(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Spec(e) => write!(f, "{e}"),
            Error::Config(message) => write!(f, "{message}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Spec(e) => Some(e),
            Error::Config(_) => None,
        }
    }
}

impl Source {
    /// Reads a spec file. Text that is not UTF-8 is a spec error naming the byte offset.
    pub fn from_path(path: &Path) -> Result<Source, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let origin = crate::Origin::File(path.to_path_buf());
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source { origin, text }),
            Err(e) => Err(Error::Spec(SpecError {
                origin: origin.name(),
                diagnostics: vec![crate::Diagnostic::error(
                    "",
                    format!(
                        "the file is not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                )],
            })),
        }
    }
}
