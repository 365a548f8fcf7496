//! The example harness in the corpus runs: each example of a document validated against its
//! schema (the `jsonschema` crate, draft 2020-12, formats checked), the valid ones decoded with
//! the generated types and encoded back by a program written beside the SDK
//! (`sdkgen::harness`), and the outcomes counted by class.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use sdkgen::harness::{Case, Harness};
use serde_json::{json, Value};

/// Where the document is, for the validator's references (never fetched).
const BASE: &str = "https://sdkgen.invalid/spec.json";

/// One document's examples and what became of them.
#[derive(Default)]
pub struct Examples {
    /// The harness crate's name (also its binary's), when any example is decoded.
    pub crate_name: Option<String>,
    pub found: usize,
    /// Examples their schema rejects, by reason (first words of the validator's message).
    pub invalid: BTreeMap<String, usize>,
    /// Examples whose schema the validator cannot read (a pattern it does not support).
    pub unchecked: usize,
    /// Valid examples at a place the SDK reads no JSON type (another media type of the same
    /// response, a branch `allOf` merged away, a file).
    pub untyped: usize,
    /// Valid examples the harness decodes: their ids, and what each stands for (`request`,
    /// `response`, `parameter`, `schema`).
    pub decoded_ids: BTreeMap<String, &'static str>,
    /// Per outcome (`exact`, `spelling`, `decode`, `changed`): the cases, with path and detail.
    pub outcomes: BTreeMap<String, Vec<(String, String, String)>>,
}

/// Validates every example, and writes the harness crate for the valid, decodable ones into
/// `dir` (named `<sdk_crate>_examples`, depending on the SDK at `../<sdk_crate>`).
pub fn prepare(
    harness: &Harness,
    dir: &Path,
    sdk_crate: &str,
    features: Option<&[String]>,
) -> Examples {
    let mut out = Examples {
        found: harness.cases.len(),
        ..Examples::default()
    };
    let Some(mut schemas) = Schemas::new(&harness.document) else {
        out.unchecked = harness.cases.len();
        return out;
    };
    let mut decodable: Vec<&Case> = Vec::new();
    for case in &harness.cases {
        // A media type without a schema: anything goes, and the SDK reads it as JSON.
        if harness.document.pointer(&case.schema).is_none() {
            out.untyped += 1;
            continue;
        }
        match schemas.check(&case.schema, &case.value) {
            Validity::Valid => {}
            Validity::Invalid(reason) => {
                *out.invalid.entry(reason).or_default() += 1;
                continue;
            }
            Validity::Unchecked => {
                out.unchecked += 1;
                continue;
            }
        }
        if harness.decodable(case, features) {
            decodable.push(case);
        } else {
            out.untyped += 1;
        }
    }
    if decodable.is_empty() {
        return out;
    }
    let name = format!("{sdk_crate}_examples");
    let files = sdkgen::harness::crate_files(
        harness,
        &decodable,
        &name,
        sdk_crate,
        &format!("../{sdk_crate}"),
        features,
    );
    for file in files {
        sdkgen::output::write_if_changed(&dir.join(&name).join(&file.path), &file.contents)
            .expect("harness file");
    }
    out.decoded_ids = decodable
        .iter()
        .map(|c| (c.id.clone(), c.kind.as_str()))
        .collect();
    out.crate_name = Some(name);
    out
}

/// The schemas of one document, each compiled into a validator when first asked for.
pub struct Schemas<'a> {
    registry: jsonschema::Registry<'a>,
    validators: BTreeMap<String, Option<jsonschema::Validator>>,
}

/// What a validator says of a value.
pub enum Validity {
    Valid,
    /// Rejected, with the reason as a class (see [`reason`]).
    Invalid(String),
    /// The validator cannot read the schema (a pattern it does not support).
    Unchecked,
}

impl<'a> Schemas<'a> {
    /// `None` when the document cannot be a validator's registry.
    pub fn new(document: &'a Value) -> Option<Schemas<'a>> {
        let registry = jsonschema::Registry::new()
            .add(BASE, document)
            .and_then(|b| b.prepare())
            .ok()?;
        Some(Schemas {
            registry,
            validators: BTreeMap::new(),
        })
    }

    /// Checks `value` against the schema at `pointer` in the document.
    pub fn check(&mut self, pointer: &str, value: &Value) -> Validity {
        let registry = &self.registry;
        let validator = self
            .validators
            .entry(pointer.to_string())
            .or_insert_with(|| {
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .with_registry(registry)
                    .should_validate_formats(true)
                    .offline()
                    .build(&json!({ "$ref": format!("{BASE}#{}", fragment(pointer)) }))
                    .ok()
            });
        match validator {
            None => Validity::Unchecked,
            Some(validator) => match validator.iter_errors(value).next() {
                Some(error) => Validity::Invalid(reason(&error.to_string())),
                None => Validity::Valid,
            },
        }
    }
}

/// A JSON pointer as a URI fragment: what is not unreserved (or `/`, `~`) percent-encoded.
fn fragment(pointer: &str) -> String {
    let mut out = String::new();
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A validator message as a class: the value and names removed, so that equal reasons count
/// together (`"x" is not of type "integer"` → `is not of type "integer"`).
fn reason(message: &str) -> String {
    let message = message.lines().next().unwrap_or_default();
    for marker in [
        " is not of type ",
        " is not of types ",
        " is not a ",
        "False schema does not allow",
        " is a required property",
        " is not one of ",
        " is not valid under any of the schemas",
        " is valid under more than one of the schemas",
        " is less than ",
        " is greater than ",
        " does not match ",
        " is shorter than ",
        " is longer than ",
        " has less than ",
        " has more than ",
        " is not a multiple of ",
        " is not allowed",
    ] {
        if let Some(i) = message.find(marker) {
            let rest = &message[i..];
            let keep = if matches!(
                marker,
                " is not of type " | " is not of types " | " is not a "
            ) {
                rest
            } else {
                marker
            };
            return keep.trim().to_string();
        }
    }
    message.chars().take(60).collect()
}

/// Builds the harness crates (already members of `workspace`) and runs each.
pub fn run_all(workspace: &Path, target: &Path, docs: &mut [&mut Examples]) -> Result<(), String> {
    if docs.iter().all(|d| d.crate_name.is_none()) {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Every member, as the doctests built them: the SDK libraries are reused, with the same
    // features, rather than built again for another set of packages.
    let out = Command::new(&cargo)
        .args(["build", "--workspace", "--bins", "--quiet"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        return Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    }
    eprintln!(
        "example harnesses built: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    for doc in docs.iter_mut() {
        let Some(name) = &doc.crate_name else {
            continue;
        };
        let run = Command::new(target.join("debug").join(name))
            .output()
            .map_err(|e| format!("{name}: {e}"))?;
        if !run.status.success() {
            let why = String::from_utf8_lossy(&run.stderr);
            doc.outcomes.entry("crash".into()).or_default().push((
                String::new(),
                String::new(),
                why.lines().take(5).collect::<Vec<_>>().join(" "),
            ));
        }
        for line in String::from_utf8_lossy(&run.stdout).lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            doc.outcomes.entry(text("outcome")).or_default().push((
                text("id"),
                text("path"),
                text("detail"),
            ));
        }
    }
    eprintln!(
        "example harnesses run: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

impl Examples {
    pub fn count(&self, outcome: &str) -> usize {
        self.outcomes.get(outcome).map_or(0, Vec::len)
    }

    pub fn valid(&self) -> usize {
        self.untyped + self.decoded_ids.len()
    }

    /// Failures: a valid example that does not decode, or does not come back the same.
    /// Each with what its example stands for and how it failed (`response decode`).
    pub fn failures(&self) -> impl Iterator<Item = (String, &(String, String, String))> {
        ["decode", "changed", "crash"]
            .into_iter()
            .flat_map(move |o| {
                self.outcomes.get(o).into_iter().flatten().map(move |case| {
                    let kind = self.decoded_ids.get(&case.0).copied().unwrap_or("harness");
                    (format!("{kind} {o}"), case)
                })
            })
    }
}

/// A failure's class: serde's message without the value (`invalid type: null, expected a
/// string`), or what changed on the way back (`dropped`, `null added`).
pub fn class(outcome: &str, detail: &str) -> String {
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    let simplified = if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let found = found.split_whitespace().next().unwrap_or(found);
        format!("invalid type: {found}, expected {expected}")
    } else if let Some(rest) = detail.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let found = found.split_whitespace().next().unwrap_or(found);
        format!("invalid value: {found}, expected {expected}")
    } else if detail.starts_with("missing field") {
        "missing field".to_string()
    } else if let Some((what, _)) = detail.split_once(": ") {
        what.to_string()
    } else if detail.contains(" became ") {
        "value changed".to_string()
    } else {
        detail.chars().take(60).collect()
    };
    format!("{outcome}: {simplified}")
}

/// The table of a run: one row per document with examples, and the failures by class.
pub fn table(rows: &[(&str, &Examples)]) -> (String, BTreeMap<String, Vec<String>>) {
    let mut out = String::from(
        "| document | examples | valid | invalid | unchecked | no type | decoded | exact | date-time spelling | failed |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut totals = [0usize; 9];
    let mut classes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut invalid_reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (doc, e) in rows {
        if e.found == 0 {
            continue;
        }
        let failed: Vec<_> = e.failures().collect();
        for (outcome, (id, path, detail)) in &failed {
            classes
                .entry(class(outcome, detail))
                .or_default()
                .push(format!("{doc} {id} {path}: {detail}"));
        }
        for (reason, n) in &e.invalid {
            *invalid_reasons.entry(reason.clone()).or_default() += n;
        }
        let invalid: usize = e.invalid.values().sum();
        let decoded = e.decoded_ids.len() - e.count("decode") - e.count("crash");
        let row = [
            e.found,
            e.valid(),
            invalid,
            e.unchecked,
            e.untyped,
            decoded,
            e.count("exact"),
            e.count("spelling"),
            failed.len(),
        ];
        for (t, v) in totals.iter_mut().zip(row) {
            *t += v;
        }
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "| {doc} | {} |", cells.join(" | "));
    }
    let cells: Vec<String> = totals.iter().map(|t| format!("**{t}**")).collect();
    let _ = writeln!(out, "| **all** | {} |", cells.join(" | "));
    if !invalid_reasons.is_empty() {
        out.push_str("\nInvalid under their schema (not held against the SDK), by reason:\n\n");
        let mut reasons: Vec<_> = invalid_reasons.into_iter().collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        for (reason, n) in reasons {
            let _ = writeln!(out, "- {n}: {reason}");
        }
    }
    if !classes.is_empty() {
        out.push_str("\nValid examples that failed, by class:\n\n");
        for (class, cases) in &classes {
            let _ = writeln!(out, "- {} × {class}; first: {}", cases.len(), cases[0]);
        }
    }
    (out, classes)
}

/// The README's heading over the failure classes accepted as known limits.
const LIMITS_HEADING: &str = "### Known limits of the example harness";

/// A failure line for each class the README does not list as a known limit (the first cell
/// of each row of the table under [`LIMITS_HEADING`], in backticks).
pub fn unlisted(classes: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap_or_default();
    let listed: Vec<String> = readme
        .split(LIMITS_HEADING)
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1))
        .filter_map(|cell| {
            cell.trim()
                .strip_prefix('`')?
                .strip_suffix('`')
                .map(str::to_string)
        })
        .collect();
    classes
        .iter()
        .filter(|(class, _)| !listed.contains(class))
        .map(|(class, cases)| {
            format!(
                "{} valid example(s) fail with `{class}`, a class the README does not list as \
                 a known limit; first: {}",
                cases.len(),
                cases[0]
            )
        })
        .collect()
}
