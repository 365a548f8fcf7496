//! Problems found in a spec, each tied to where it is.
//!
//! Stages 1-4 collect every problem they find instead of stopping at the first, so a user
//! fixing a broken spec sees all of it at once.

use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on, but something was rewritten or loosened; worth a look.
    Note,
    /// Generation cannot go on.
    Error,
}

/// One finding, located by JSON pointer and, where known, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// An error (the document is refused) or a note (something was loosened).
    pub severity: Severity,
    /// RFC 6901 pointer into the document (`""` is the whole document).
    pub pointer: String,
    /// What is wrong, and where it helps, what was done about it.
    pub message: String,
    /// 1-based line and column in the source text.
    pub position: Option<(usize, usize)>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, pointer, message)
    }

    /// A note at `pointer`.
    pub fn note(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, pointer, message)
    }

    fn new(severity: Severity, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            pointer: pointer.into(),
            message: message.into(),
            position: None,
        }
    }

    /// The same, at 1-based `line` and `col` of the source text.
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.position = Some((line, col));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Note => "note",
        };
        let pointer = if self.pointer.is_empty() {
            "(document root)"
        } else {
            &self.pointer
        };
        write!(f, "{kind}: {}\n  at {pointer}", self.message)?;
        if let Some((line, col)) = self.position {
            write!(f, " (line {line}, column {col})")?;
        }
        Ok(())
    }
}

/// The error every fallible stage returns: all problems found, errors first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec's name in messages ([`crate::Origin::name`]): a path as given, the embedded
    /// spec's file name, or the name text was handed over with.
    pub origin: String,
    /// Every problem found, each at its place.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        write!(
            f,
            "{}: cannot generate an SDK: {errors} error{}",
            self.origin,
            if errors == 1 { "" } else { "s" }
        )?;
        for d in &self.diagnostics {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Where lowering's findings go: one per document, passed along, and closed once with
/// [`Sink::finish`] (serde_derive's `Ctxt`). A sink dropped without being finished lost its
/// findings: a bug in sdkgen, which debug builds (the tests) catch.
#[derive(Debug, Default)]
pub struct Sink {
    found: Vec<Diagnostic>,
    finished: bool,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Sink {
        Sink::default()
    }

    /// Something was loosened at `pointer`; generation goes on.
    pub fn note(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.found.push(Diagnostic::note(pointer, message));
    }

    /// A finding made elsewhere.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.found.push(diagnostic);
    }

    /// Closes the sink: the notes, or every finding when one of them is an error.
    pub fn finish(mut self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        self.finished = true;
        let found = std::mem::take(&mut self.found);
        if found.iter().any(|d| d.severity == Severity::Error) {
            Err(found)
        } else {
            Ok(found)
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        debug_assert!(
            self.finished || std::thread::panicking(),
            "a diagnostics sink was dropped unfinished, losing {} finding(s)",
            self.found.len()
        );
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reads one reference token of a JSON pointer back (`~1` → `/`, `~0` → `~`).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends one token to a pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}
