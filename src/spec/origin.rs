//! Where a document came from: what messages call it, and whether it has a directory that the
//! files it refers to are read from.

use std::fmt;
use std::path::{Path, PathBuf};

/// The origin of a [`super::Source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The Modbox document sdkgen ships with ([`crate::EMBEDDED_SPEC`]).
    Embedded,
    /// A file on disk, by the path it was read from. `$ref`s to other files are read from
    /// its directory.
    File(PathBuf),
    /// Text handed over from elsewhere (a test, a fuzzer, a build script that fetched it),
    /// with the name messages give it. It has no directory: `$ref`s to files are refused.
    Named(String),
}

impl Origin {
    /// The name in messages: the path as given, the embedded document's file name, or the name.
    pub fn name(&self) -> String {
        match self {
            Origin::Embedded => crate::EMBEDDED_SPEC_NAME.to_string(),
            Origin::File(path) => path.display().to_string(),
            Origin::Named(name) => name.clone(),
        }
    }

    /// The file name alone, without a directory: what generated files name (so that they are
    /// the same on every machine) and what a default crate name is made from.
    pub fn file_name(&self) -> String {
        crate::spec_file_name(&self.name())
    }

    /// The file, when the document was read from one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Origin::File(path) => Some(path),
            Origin::Embedded | Origin::Named(_) => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}
