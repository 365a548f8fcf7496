//! `allOf` merged into one struct, and `additionalProperties` kept or not, as a user's values
//! see them: decoded, and re-encoded unchanged.

use fixture_tests::additional_properties::types::{Closed, Counters, Open};
use fixture_tests::all_of::types::{FrameNode, FrameNodeType, Labelled};
use fixture_tests::round_trip;
use serde_json::json;

#[test]
fn nested_all_of_through_references_is_one_struct() {
    let node: FrameNode = round_trip(json!({
        "id": "1:2", "type": "FRAME", "clips": true,
        "children": [{"id": "1:3", "type": "FRAME", "children": []}]
    }));
    assert_eq!(node.type_, FrameNodeType::Frame);
    assert_eq!(node.children[0].id, "1:3");
    // Required fields from every branch are required.
    let missing = serde_json::from_value::<FrameNode>(json!({"id": "1", "type": "FRAME"}));
    assert!(missing.unwrap_err().to_string().contains("children"));
}

#[test]
fn properties_beside_all_of_are_kept() {
    let labelled: Labelled = round_trip(json!({"id": "n", "type": "TEXT", "label": "hi"}));
    assert_eq!(labelled.label.as_deref(), Some("hi"));
}

#[test]
fn additional_properties_true_keeps_the_others() {
    let open: Open = round_trip(json!({"name": "a", "colour": "red", "n": [1, 2]}));
    assert_eq!(open.additional_properties["colour"], json!("red"));
}

#[test]
fn additional_properties_with_a_schema_types_the_others() {
    let counters: Counters = round_trip(json!({"total": 3, "a": 1, "b": 2}));
    assert_eq!(counters.additional_properties["b"], 2);
    assert!(serde_json::from_value::<Counters>(json!({"a": "x"})).is_err());
}

#[test]
fn additional_properties_false_is_a_plain_struct() {
    let closed: Closed = round_trip(json!({"name": "a"}));
    assert_eq!(closed.name.as_deref(), Some("a"));
}
