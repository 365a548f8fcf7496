//! The change report: what regenerating does to an SDK's public API, on a fixture spec pair
//! (`tests/fixtures/changes/before.yaml` → `after.yaml`) that holds one of each kind of change.

use sdkgen::changes::{compare, Surface};
use sdkgen::Config;

fn code(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/changes/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    Config::new()
        .crate_name("pets")
        .generate(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .code()
}

#[test]
fn every_kind_of_change_is_reported_and_the_breaking_ones_marked() {
    let before = Surface::of(&code("before")).expect("generated code parses");
    let after = Surface::of(&code("after")).expect("generated code parses");
    let report = compare(&before, &after);
    let breaking: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.breaking)
        .map(|c| c.text.as_str())
        .collect();
    // The three the issue names, each marked.
    assert!(breaking.contains(&"field `Pet.tag` removed"), "{report}");
    assert!(
        breaking.contains(&"field `Pet.weight` retyped Option<f64> → f64 (narrowed)"),
        "{report}"
    );
    assert!(
        breaking.contains(&"operation `list_pets`: newly required parameter `owner: &str`"),
        "{report}"
    );
    // Optional parameters are named: a removed one breaks the calls that set it, a new one
    // breaks nobody.
    assert!(
        breaking.contains(&"operation `get_pet`: optional parameter `fields: &str` removed"),
        "{report}"
    );
    // Widening and additions are listed, unmarked.
    let other: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| !c.breaking)
        .map(|c| c.text.as_str())
        .collect();
    assert!(
        other.contains(&"field `Pet.id` retyped i32 → i64 (widened)"),
        "{report}"
    );
    assert!(other.contains(&"type `Owner` added"), "{report}");
    assert!(
        other.contains(&"operation `list_pets`: new optional parameter `.status(Status)`"),
        "{report}"
    );
    insta::assert_snapshot!(report.to_string());
}

#[test]
fn regenerating_the_same_spec_reports_nothing() {
    let before = Surface::of(&code("before")).unwrap();
    assert!(compare(&before, &before).is_empty());
}

#[test]
fn the_report_reads_back_in_the_other_direction() {
    let before = Surface::of(&code("before")).unwrap();
    let after = Surface::of(&code("after")).unwrap();
    let back = compare(&after, &before);
    assert!(back
        .changes
        .iter()
        .any(|c| c.breaking && c.text == "field `Pet.id` retyped i64 → i32 (narrowed)"));
    assert!(back
        .changes
        .iter()
        .any(|c| !c.breaking && c.text == "field `Pet.tag: Option<String>` added"));
}

/// A generation reads its own API as it formats the code: the same surface as parsing the
/// code it wrote, for a crate's files and for the one file of `include!`, over fixtures with
/// every kind of operation, parameter, body and model.
#[test]
fn the_surface_read_while_formatting_is_the_code_s() {
    for fixture in [
        "changes/before.yaml",
        "changes/after.yaml",
        "calls.yaml",
        "streams.yaml",
        "paging.yaml",
        "bodies.yaml",
        "unions.yaml",
        "tags.yaml",
    ] {
        let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let generated = Config::new().generate(path).unwrap();
        let parts = &generated.parts;
        let parsed = Surface::of_files(&parts.root, Some(&parts.types)).unwrap();
        assert_eq!(generated.surface(), parsed, "{fixture}");
        assert_eq!(Surface::of(&generated.code()).unwrap(), parsed, "{fixture}");
        assert!(
            compare(&Surface::default(), &parsed).changes.len() > 2,
            "{fixture}"
        );
    }
}
