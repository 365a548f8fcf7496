//! Stage 6: tokens to formatted text, the files of an SDK crate, and writing them.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

use quote::quote;

use crate::changes::{Reader, Surface};
pub use crate::emit::Parent;
use crate::emit::{FileKind, Items, Section};
use crate::ir::Api;

mod manifest;
mod readme;

pub use manifest::lib_name;
use manifest::{cargo_features, crate_reqwest, crate_version, lib_table, toml_string};
use readme::{first_call, operations_by_tag, optional_example, readme_features, readme_streams};

const RUNTIME: &str = include_str!("../../templates/runtime.rs");
const STREAMS: &str = include_str!("../../templates/streams.rs");
const UPLOADS: &str = include_str!("../../templates/uploads.rs");
const OAUTH: &str = include_str!("../../templates/oauth.rs");
const HOOKS: &str = include_str!("../../templates/hooks.rs");
const TRACE: &str = include_str!("../../templates/trace.rs");
const TRACE_OFF: &str = include_str!("../../templates/trace_off.rs");
const TESTING: &str = include_str!("../../templates/testing.rs");
const CARGO_TOML: &str = include_str!("../../templates/Cargo.toml.tmpl");
const README: &str = include_str!("../../templates/README.md.tmpl");

/// The SDK's code, formatted: the root module's items, the `types` module's contents, and
/// the files of the modules a crate split by features has under either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub root: String,
    pub types: String,
    pub modules: Vec<ModuleCode>,
}

/// A module's file: `src/client/<name>.rs` or `src/types/<name>.rs`, without its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleCode {
    pub parent: Parent,
    pub name: String,
    pub text: String,
}

impl ModuleCode {
    /// Its path in the crate.
    pub fn path(&self) -> PathBuf {
        Path::new("src")
            .join(self.parent.dir())
            .join(format!("{}.rs", self.name))
    }
}

/// The items the root re-exports from the runtime: everything a user names from it (the
/// runtime module itself is hidden from the docs).
const RUNTIME_EXPORTS: &str = "Attempt, File, Hook, Nullable, RequestOptions, Response, TokenFuture, TokenProvider, TokenRequest, Transport, TransportError, TransportFuture";

/// Emits and formats the code of `api`, file by file on as many threads as there are cores
/// (at most [`THREADS`]), counting the items done in `progress`. Reads each file's public API
/// as it goes, from the syntax trees the formatter parses anyway: a change report then never
/// parses the new code again, and parses of the old only the files that changed. The bytes
/// are the same whatever the number of threads: each file is formatted alone, and the files
/// and what was read of them are put in order after. The surfaces are the files', in the
/// order of `client.rs`, `types.rs`, then the modules of [`Code`].
pub fn format_code(
    api: &Api,
    options: &crate::emit::EmitOptions,
    progress: &crate::Progress,
) -> Result<(Code, Vec<Surface>), String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    format_code_on(api, options, progress, threads.clamp(1, THREADS))
}

fn format_code_on(
    api: &Api,
    options: &crate::emit::EmitOptions,
    progress: &crate::Progress,
    threads: usize,
) -> Result<(Code, Vec<Surface>), String> {
    let plan = crate::emit::Plan::new(api, options);
    let files = plan.files();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = threads.min(files.len());
    let work = || -> Vec<Formatted> {
        let derives = crate::emit::derives(api, options);
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(kind, _)) = files.get(index) else {
                return done;
            };
            let sections = plan.emit_file(api, options, &derives, index);
            let mut reader = Reader::default();
            let text = match kind {
                FileKind::Types | FileKind::Module(Parent::Types) => {
                    format_sections(sections, progress, &mut |i| reader.types_item(i))
                }
                _ => format_sections(sections, progress, &mut |i| reader.root_item(i)),
            };
            done.push((index, text.map(|text| (text, reader))));
        }
    };
    let mut formatted: Vec<Formatted> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a formatting thread does not panic"))
                .collect()
        })
    };
    formatted.sort_by_key(|(index, _)| *index);
    let mut surfaces = Vec::with_capacity(files.len());
    let mut texts = Vec::with_capacity(files.len());
    for ((_, result), (_, name)) in formatted.into_iter().zip(&files) {
        let (text, reader) = result?;
        // A file holds its operations' methods and their builders both.
        surfaces.push(reader.finish());
        texts.push((text, name.to_string()));
    }
    let mut texts = texts.into_iter();
    let (root, types) = (
        texts.next().unwrap_or_default(),
        texts.next().unwrap_or_default(),
    );
    let modules = texts
        .zip(&files[2..])
        .map(|((text, name), (kind, _))| ModuleCode {
            parent: match kind {
                FileKind::Module(parent) => *parent,
                _ => unreachable!("files past the first two are modules"),
            },
            name,
            text,
        })
        .collect();
    Ok((
        Code {
            root: root.0,
            types: types.0,
            modules,
        },
        surfaces,
    ))
}

/// A file's index, and its text and what was read of its API, or why it could not be made.
type Formatted = (usize, Result<(String, Reader), String>);

/// At most this many formatting threads: each holds a batch's tokens and syntax tree, and
/// glibc gives each thread an arena of its own.
const THREADS: usize = 2;

/// How many items are formatted together: few enough that a batch's tokens and syntax tree
/// stay small beside the text, enough that the per-batch work stays rare. Smaller batches also
/// met glibc malloc at its worst (Microsoft Graph's beta: 64 or 256 items took 42 s, 1,024 29 s,
/// 4,096 26 s but 30% more memory).
const BATCH: usize = 1024;

/// Formats sections a batch of items at a time, so that memory holds the text and one
/// batch, not every item's tokens and syntax tree at once. The text is the one formatting the
/// whole file would give: prettyplease lays an item out by its own content and depth only.
fn format_sections(
    sections: Vec<Section>,
    progress: &crate::Progress,
    visit: &mut dyn FnMut(&syn::Item),
) -> Result<String, String> {
    let mut out = String::new();
    for section in sections {
        match section {
            Section::Top(items) => {
                for (batch, n) in batches(items) {
                    out.push_str(&unparse(batch, visit)?);
                    progress.advance(n);
                }
            }
            Section::Block { head, items } => {
                format_block(&mut out, &head, items, progress, visit)?
            }
        }
    }
    Ok(escape_bidi_controls(space_items(&out)))
}

/// A block's items, formatted in batches inside copies of the block: each copy's opening and
/// closing lines are the block's own, written once.
fn format_block(
    out: &mut String,
    head: &TokenStream,
    items: Items,
    progress: &crate::Progress,
    visit: &mut dyn FnMut(&syn::Item),
) -> Result<(), String> {
    let frame = unparse(quote!(#head { fn __sdkgen_items() {} }), &mut |_| {})?;
    let frame: Vec<&str> = frame.lines().collect();
    let at = frame
        .iter()
        .position(|line| line.contains("__sdkgen_items"))
        .expect("the marker item is printed on a line of its own");
    let (opening, closing) = (&frame[..at], &frame[at + 1..]);
    let mut opened = false;
    for (batch, n) in batches(items).filter(|(batch, _)| !batch.is_empty()) {
        progress.advance(n);
        let text = unparse(quote!(#head { #batch }), visit)?;
        let lines: Vec<&str> = text.lines().collect();
        debug_assert_eq!(
            &lines[..at],
            opening,
            "a block's head prints the same each time"
        );
        if !opened {
            push_lines(out, opening);
            opened = true;
        }
        push_lines(out, &lines[at..lines.len() - closing.len()]);
    }
    if opened {
        push_lines(out, closing);
    } else {
        out.push_str(&unparse(quote!(#head {}), visit)?);
    }
    Ok(())
}

fn push_lines(out: &mut String, lines: &[&str]) {
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
}

/// Up to `BATCH` items at a time, as one token stream, and how many.
fn batches(mut items: Items<'_>) -> impl Iterator<Item = (TokenStream, usize)> + '_ {
    std::iter::from_fn(move || {
        let mut batch = TokenStream::new();
        let mut taken = 0;
        for item in items.by_ref().take(BATCH) {
            batch.extend(item);
            taken += 1;
        }
        (taken > 0).then_some((batch, taken))
    })
}

/// Formats `tokens` as a file, showing `visit` each of its items first.
fn unparse(tokens: TokenStream, visit: &mut dyn FnMut(&syn::Item)) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        format!("internal error: sdkgen produced Rust that does not parse ({e}); please report this with the spec")
    })?;
    file.items.iter().for_each(&mut *visit);
    Ok(prettyplease::unparse(&file))
}

/// The first line of every generated file.
/// `1 operation`, `2 operations`: a count in prose.
pub(crate) fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn header(spec_name: &str) -> String {
    format!(
        "// @generated by sdkgen {} from `{spec_name}`. Regenerate rather than edit.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The SDK as one Rust file, for `include!`: no inner attributes or `//!` at its top, no
/// out-of-line modules.
pub fn include_file(api: &Api, code: &Code, spec_name: &str) -> String {
    let mut out = header(spec_name);
    out.push_str(&format!(
        "\npub use self::runtime::{{{RUNTIME_EXPORTS}}};\n\n"
    ));
    out.push_str(&inline_modules(&code.root, code, Parent::Client));
    out.push_str("\npub mod types {\n");
    indent_into(&mut out, &inline_modules(&code.types, code, Parent::Types));
    out.push_str("}\n\n#[doc(hidden)]\npub mod runtime {\n");
    indent_into(&mut out, &runtime(api, Kind::Include));
    out.push_str("}\n");
    out
}

/// `text` with each declaration of a module of `parent` (a line `mod name;`) replaced by the
/// module, inline: one file for the code of a crate split into several.
fn inline_modules(text: &str, code: &Code, parent: Parent) -> String {
    let modules: Vec<&ModuleCode> = code.modules.iter().filter(|m| m.parent == parent).collect();
    if modules.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let declared = line
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'))
            .and_then(|name| modules.iter().find(|m| m.name == name));
        match declared {
            Some(module) => {
                out.push_str(&format!("mod {} {{\n", module.name));
                indent_into(&mut out, &module.text);
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn indent_into(out: &mut String, text: &str) {
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// prettyplease puts items one under the other; a blank line between them, as rustfmt keeps
/// in hand-written code, makes the file readable. A line starts an item when it opens with a
/// doc comment, an attribute or an item keyword and follows the end of another at the same
/// indentation.
fn space_items(text: &str) -> String {
    const STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "fn ",
        "impl",
        "mod ",
        "const ",
        "super::runtime::impl_",
    ];
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let (p, c) = (prev.trim(), line.trim());
            let ended = (p == "}" || p.ends_with(';')) && !p.starts_with("//");
            let both_uses = p.starts_with("use ") || p.starts_with("pub use ");
            let continues = both_uses && (c.starts_with("use ") || c.starts_with("pub use "));
            if ended
                && !continues
                && indent(prev) == indent(line)
                && STARTS.iter().any(|s| c.starts_with(s))
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// Spec text with direction controls would make the code read differently from what it is
/// (and rustc rejects them in comments and literals): each becomes its `\u{..}` escape, which
/// in a string literal is the same character and in a comment is visible.
fn escape_bidi_controls(code: String) -> String {
    if !code.chars().any(is_bidi_control) {
        return code;
    }
    let mut out = String::with_capacity(code.len());
    for c in code.chars() {
        if is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A crate dependency of generated code, as a `Cargo.toml` line's key and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: &'static str,
    pub spec: &'static str,
}

impl std::fmt::Display for Dependency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {}", self.name, self.spec)
    }
}

/// The runtime an SDK carries: its streams part only where an operation streams (events,
/// pages, downloads), so that an SDK without pulls in none of their crates. A crate's runtime
/// traces calls with its `tracing` feature on; one for `include!` never does (the including
/// crate's features are its own).
fn runtime(api: &Api, kind: Kind) -> String {
    let mut runtime = RUNTIME.to_string();
    let mut part = |text: &str| {
        runtime.push('\n');
        runtime.push_str(text);
    };
    part(HOOKS);
    if kind == Kind::Crate {
        part(TRACE);
        part("#[cfg(not(feature = \"tracing\"))]");
    }
    part(TRACE_OFF);
    if streams(api) {
        part(STREAMS);
    }
    if uploads(api) {
        part(UPLOADS);
    }
    if api.client_credentials().is_some() {
        part(OAUTH);
    }
    runtime
}

/// What the generated code becomes: a crate of its own, or one file for `include!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Crate,
    Include,
}

fn streams(api: &Api) -> bool {
    api.operations.iter().any(crate::ir::Operation::streams)
}

fn uploads(api: &Api) -> bool {
    api.operations.iter().any(crate::ir::Operation::uploads)
}

/// The crates of a crate's own features: `testing` builds its answers as `http` responses
/// (and reads streamed bodies with `http-body`),
/// `tracing` makes spans (without its `attributes`, a proc-macro crate to compile).
const OPTIONAL_DEPENDENCIES: [&str; 3] = [
    "http = { version = \"1\", optional = true }",
    "http-body = { version = \"1\", optional = true }",
    "tracing = { version = \"0.1\", optional = true, default-features = false, features = [\"std\"] }",
];

/// Exactly the crates the generated code names.
pub fn dependencies(api: &Api) -> Vec<Dependency> {
    let (uploads, oauth) = (uploads(api), api.client_credentials().is_some());
    let mut deps = vec![
        // Text answers in the charset their `Content-Type` names (reqwest's own choice).
        Dependency {
            name: "encoding_rs",
            spec: "\"0.8\"",
        },
        Dependency {
            name: "httpdate",
            spec: "\"1\"",
        },
        Dependency {
            name: "percent-encoding",
            spec: "\"2\"",
        },
        Dependency {
            name: "reqwest",
            // Uploads send a body as it is read.
            spec: if uploads {
                "{ version = \"0.13\", features = [\"stream\"] }"
            } else {
                "\"0.13\""
            },
        },
        Dependency {
            name: "serde",
            spec: "{ version = \"1\", features = [\"derive\"] }",
        },
        // Without `float_roundtrip`, serde_json may read a number one unit in the last place
        // off, so a model would not write back the number it read (found by
        // tests/properties.rs).
        Dependency {
            name: "serde_json",
            spec: "{ version = \"1\", features = [\"float_roundtrip\"] }",
        },
        Dependency {
            name: "serde_path_to_error",
            spec: "\"0.1\"",
        },
        Dependency {
            name: "tokio",
            // Uploads read files as they send them; an OAuth2 flow fetches one token at a
            // time behind a lock.
            spec: match (uploads, oauth) {
                (true, true) => {
                    "{ version = \"1\", features = [\"fs\", \"io-util\", \"sync\", \"time\"] }"
                }
                (true, false) => "{ version = \"1\", features = [\"fs\", \"io-util\", \"time\"] }",
                (false, true) => "{ version = \"1\", features = [\"sync\", \"time\"] }",
                (false, false) => "{ version = \"1\", features = [\"time\"] }",
            },
        },
    ];
    if streams(api) {
        // The streams part: the `Stream` trait its streams implement, and the chunks of a
        // download (both already in reqwest's tree).
        deps.push(Dependency {
            name: "bytes",
            spec: "\"1\"",
        });
        deps.push(Dependency {
            name: "futures-core",
            spec: "\"0.3\"",
        });
    }
    if api.uses.chrono {
        deps.push(Dependency {
            name: "chrono",
            spec:
                "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }",
        });
    }
    if api.uses.uuid {
        deps.push(Dependency {
            name: "uuid",
            spec: "{ version = \"1\", features = [\"serde\"] }",
        });
    }
    deps.sort_by_key(|d| d.name);
    deps
}

/// One file of a generated crate, relative to the crate's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub contents: String,
}

/// The files of a standalone SDK crate.
pub fn crate_files(api: &Api, crate_name: &str, spec_name: &str, code: &Code) -> Vec<File> {
    let uploads = uploads(api);
    let mut deps: Vec<String> = dependencies(api)
        .iter()
        .map(|d| crate_reqwest(d, uploads))
        .chain(OPTIONAL_DEPENDENCIES.iter().map(|d| d.to_string()))
        .collect();
    deps.sort();
    let version = crate_version(&api.version);
    let constructor = if api
        .auth
        .iter()
        .any(|a| a.kind == crate::ir::AuthKind::Bearer)
    {
        "new(\"YOUR_TOKEN\")"
    } else {
        "new()"
    };
    let description = toml_string(&format!("Rust client for {}", one_line(&api.title)));
    let title = one_line(&api.title);
    let (lib, first_call) = (lib_name(crate_name), first_call(api));
    let fill = |template: &str, features: &str| {
        template
            .replace("{{sdkgen_version}}", env!("CARGO_PKG_VERSION"))
            .replace("{{spec}}", spec_name)
            .replace("{{name}}", crate_name)
            .replace("{{lib}}", &lib)
            .replace("{{first_call}}", &first_call)
            .replace("{{version}}", &version)
            .replace("{{description}}", &description)
            .replace("{{dependencies}}", &deps.join("\n"))
            .replace("{{title}}", &title)
            .replace("{{api_version}}", &api.version)
            .replace("{{operations}}", &count(api.operations.len(), "operation"))
            .replace("{{types}}", &count(api.types.len(), "model type"))
            .replace("{{optional_example}}", &optional_example(api))
            .replace("{{constructor}}", constructor)
            .replace("{{features}}", features)
            .replace(
                "{{base_url}}",
                api.base_url
                    .as_deref()
                    .unwrap_or("(none: the API names no server)"),
            )
    };
    let mut files = vec![
        File {
            path: "Cargo.toml".into(),
            contents: fill(CARGO_TOML, &cargo_features(api))
                .replace("{{lib_table}}", &lib_table(crate_name)),
        },
        File {
            path: "README.md".into(),
            contents: fill(README, &readme_features(api, crate_name))
                .replace("{{streams}}", &readme_streams(api))
                .replace("{{operations_by_tag}}", &operations_by_tag(api)),
        },
        File {
            path: PathBuf::from("src").join("lib.rs"),
            contents: crate_root(api, spec_name),
        },
        File {
            path: PathBuf::from("src").join("client.rs"),
            contents: format!(
                "{}\n#[allow(unused_imports)]\nuse super::{{runtime, types, RequestOptions}};\n\n{}",
                header(spec_name),
                code.root
            ),
        },
        File {
            path: PathBuf::from("src").join("types.rs"),
            contents: format!("{}\n{}", header(spec_name), code.types),
        },
    ];
    files.extend(code.modules.iter().map(|module| File {
        path: module.path(),
        contents: format!("{}\n{}", header(spec_name), module.text),
    }));
    files.extend([
        File {
            path: PathBuf::from("src").join("runtime.rs"),
            contents: format!("{}\n{}", header(spec_name), runtime(api, Kind::Crate)),
        },
        File {
            path: PathBuf::from("src").join("testing.rs"),
            contents: format!("{}\n{}", header(spec_name), TESTING),
        },
    ]);
    files
}

/// A crate's `lib.rs`: its docs, its modules and what it re-exports, laid out as rustfmt
/// would. The generated modules are prettyplease's layout and marked for rustfmt to skip, so
/// that `cargo fmt` in the user's workspace never makes `--check` see drift.
fn crate_root(api: &Api, spec_name: &str) -> String {
    let title = crate::emit::for_rustdoc(one_line(&api.title).trim());
    let mut docs = vec![format!("# {}", one_line(&title).trim())];
    docs.push(String::new());
    docs.push(
        "Start with [`Client`]: one method per operation, each returning a request to `.await`."
            .to_string(),
    );
    let mut out = header(spec_name);
    out.push('\n');
    for line in docs {
        out.push_str(if line.is_empty() { "//!" } else { "//! " });
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "\n// prettyplease's layout, not rustfmt's: `cargo fmt` leaves these as sdkgen wrote them.\n\
         #[rustfmt::skip]\nmod client;\n#[doc(hidden)]\npub mod runtime;\n#[cfg(feature = \"testing\")]\npub mod testing;\n#[rustfmt::skip]\npub mod types;\n\n\
         pub use client::*;\n{}",
        use_list("pub use runtime", RUNTIME_EXPORTS)
    ));
    escape_bidi_controls(out)
}

/// `head::{names};` as rustfmt lays it out: on one line when it fits in 100 columns, else the
/// names filled into indented lines of at most 100.
fn use_list(head: &str, names: &str) -> String {
    let line = format!("{head}::{{{names}}};\n");
    if line.len() <= 101 {
        return line;
    }
    let mut out = format!("{head}::{{\n");
    let mut current = String::from("   ");
    for name in names.split(", ") {
        if current.len() + 1 + name.len() + 1 > 100 {
            out.push_str(&current);
            out.push('\n');
            current = String::from("   ");
        }
        current.push(' ');
        current.push_str(name);
        current.push(',');
    }
    out.push_str(&current);
    out.push_str("\n};\n");
    out
}

/// Spec text on one line, control characters (newlines, bidi overrides) as spaces: for a
/// README heading and a crate description.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Unicode's explicit direction controls, which can make text read differently from what it
/// is (rustc rejects them in comments and literals for that reason).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// What happened to one file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Writes `contents` to `path` unless it already holds exactly that (so build systems see no
/// change), through a temporary file and a rename, so a reader never sees half a file.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<WriteOutcome> {
    let outcome = match fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => return Ok(WriteOutcome::Unchanged),
        Ok(_) => WriteOutcome::Updated,
        Err(e) if e.kind() == io::ErrorKind::NotFound => WriteOutcome::Created,
        Err(e) => return Err(e),
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("sdkgen-tmp");
    fs::write(&tmp, contents)?;
    fs::rename(&tmp, path)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use syn::visit::Visit;

    /// The first segment of every path in a file (where the code reaches for a crate), and
    /// the names the file makes itself: its modules and what it imports.
    #[derive(Default)]
    struct Roots {
        roots: BTreeSet<String>,
        own: BTreeSet<String>,
    }

    impl<'ast> Visit<'ast> for Roots {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path.segments.len() > 1 {
                self.roots.insert(path.segments[0].ident.to_string());
            }
            syn::visit::visit_path(self, path);
        }
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            self.own.insert(m.ident.to_string());
            syn::visit::visit_item_mod(self, m);
        }
        fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
            if let syn::UseTree::Path(p) = &u.tree {
                self.roots.insert(p.ident.to_string());
            }
            syn::visit::visit_item_use(self, u);
        }
        fn visit_use_name(&mut self, n: &'ast syn::UseName) {
            self.own.insert(n.ident.to_string());
        }
        fn visit_use_rename(&mut self, r: &'ast syn::UseRename) {
            self.own.insert(r.rename.to_string());
        }
    }

    /// `dependencies` is a copy of what the runtime and the emitted code use: the crates the
    /// code names must be exactly the ones it lists, for an API that needs all of them.
    #[test]
    fn dependencies_are_the_crates_the_code_names() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats.yaml");
        let source = crate::Source::from_path(std::path::Path::new(path)).unwrap();
        let generated = crate::generate(&source, &crate::Options::default()).unwrap();
        assert!(generated.api.uses.chrono && generated.api.uses.uuid);
        let file = syn::parse_file(&generated.code()).unwrap();
        let mut roots = Roots::default();
        roots.visit_file(&file);
        let language = [
            "std", "core", "alloc", "crate", "self", "super", "u8", "u16", "u32", "u64", "u128",
            "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64", "str", "bool",
            "char",
        ];
        // Tool attributes (`#[rustfmt::skip]`, `#[allow(clippy::x)]`) name no crate.
        let tools = ["rustfmt", "clippy"];
        let used: BTreeSet<String> = roots
            .roots
            .iter()
            .filter(|r| !language.contains(&r.as_str()) && !tools.contains(&r.as_str()))
            .filter(|r| !r.starts_with(char::is_uppercase) && !roots.own.contains(*r))
            .cloned()
            .collect();
        let listed: BTreeSet<String> = super::dependencies(&generated.api)
            .iter()
            .map(|d| d.name.replace('-', "_"))
            .collect();
        assert_eq!(used, listed);
    }

    /// One thread or several, the same files, bytes and surface (nexus: 32 files).
    #[test]
    fn threads_change_nothing() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/third-party/nexus.json"
        );
        let source = crate::Source::from_path(std::path::Path::new(path)).unwrap();
        let options = crate::Options {
            tag_features: true,
            ..crate::Options::default()
        };
        let generated = crate::generate(&source, &options).unwrap();
        let emit = crate::emit::EmitOptions {
            user_agent: "sdk/1".into(),
            extra_derives: vec!["Eq".into(), "Hash".into()],
            tag_features: true,
            example_crate: Some("sdk".into()),
            file_gate: Vec::new(),
        };
        let progress = crate::Progress::default();
        let one = super::format_code_on(&generated.api, &emit, &progress, 1).unwrap();
        assert!(one.0.modules.len() > 20, "{}", one.0.modules.len());
        for threads in [2, 3, 8] {
            let many = super::format_code_on(&generated.api, &emit, &progress, threads).unwrap();
            assert!(many == one, "{threads} threads");
        }
    }

    /// Formatting in batches gives the bytes formatting the whole file at once gives: across
    /// batch boundaries, inside a block whose head has attributes, and for an empty block.
    #[test]
    fn batches_format_as_the_whole_file_would() {
        use proc_macro2::TokenStream;
        use quote::{format_ident, quote};

        use crate::emit::Section;

        let methods = |n: usize| -> Vec<TokenStream> {
            (0..n)
                .map(|i| {
                    let name = format_ident!("method_{i}");
                    let long = format!("a doc line long enough to matter: {}", "x".repeat(i % 90));
                    quote! {
                        #[doc = #long]
                        pub fn #name(&self, first_argument: &str, second_argument: ::std::option::Option<i64>) -> ::std::result::Result<(), ::std::string::String> {
                            if first_argument.is_empty() { return Err(format!("{}", #i)); }
                            let _ = second_argument;
                            Ok(())
                        }
                    }
                })
                .collect()
        };
        let n = super::BATCH * 2 + 3;
        let head = quote!(#[allow(clippy::all)] impl Client);
        let all = methods(n);
        let whole = super::unparse(
            quote! {
                pub struct Client;
                #head { #(#all)* }
                pub mod builder {}
            },
            &mut |_| {},
        )
        .unwrap();
        let sections = vec![
            Section::Top(Box::new(std::iter::once(quote!(
                pub struct Client;
            )))),
            Section::Block {
                head: head.clone(),
                items: Box::new(methods(n).into_iter()),
            },
            Section::Block {
                head: quote!(pub mod builder),
                items: Box::new(std::iter::empty()),
            },
        ];
        let batched =
            super::format_sections(sections, &crate::Progress::default(), &mut |_| {}).unwrap();
        assert_eq!(
            batched,
            super::escape_bidi_controls(super::space_items(&whole))
        );
    }
}
