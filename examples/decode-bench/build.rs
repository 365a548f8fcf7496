//! The same SDKs twice: models that keep the properties their spec does not name (the default)
//! and models that drop them, so the bench compares the two in one run.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let nexus = root.join("../shared/corpus/specs/oxide/nexus.json");
    // GitHub's document comes from the APIs.guru directory (`fetch.sh`, see the README).
    let github = std::env::var_os("GITHUB_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/apis-guru/api/github.com/api.github.com.json"));
    if !github.exists() {
        return Err(format!(
            "{} is missing: run `../shared/corpus/apis-guru/fetch.sh target/apis-guru` first, \
             or set GITHUB_SPEC",
            github.display()
        )
        .into());
    }
    for (spec, stem, tags) in [
        (&nexus, "nexus", &[][..]),
        (&github, "github", &["repos", "issues", "pulls"][..]),
    ] {
        for keep in [true, false] {
            let suffix = if keep { "keep" } else { "drop" };
            sdkgen::Config::new()
                .file_name(format!("{stem}_{suffix}.rs"))
                .tags(tags.iter().copied())
                .keep_unknown_fields(keep)
                .compile(spec)?;
        }
    }
    Ok(())
}
