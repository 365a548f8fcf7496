//! `allOf` merged into one struct, and `additionalProperties` kept or not, as a user's values
//! see them: decoded, and re-encoded unchanged.

use fixture_tests::additional_properties::types::{Closed, Counters, Open};
use fixture_tests::all_of::types::{
    Address, AddressCountryIso, CallStatus, FrameNode, FrameNodeType, Labelled, Logprobs,
    PushedRepo, Resource,
};
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
fn a_nullable_property_made_required_is_a_plain_value() {
    let logprobs: Logprobs = round_trip(json!({"top_logprobs": 5, "token": "a"}));
    let count: i64 = logprobs.top_logprobs;
    assert_eq!(count, 5);
    let null = serde_json::from_value::<Logprobs>(json!({"top_logprobs": null}));
    assert!(
        null.is_err(),
        "the refining branch made it non-null and required"
    );
}

#[test]
fn a_string_narrowed_to_an_enum_and_an_inline_enum_against_its_ref_are_enums() {
    let address: Address = round_trip(json!({"country_iso": "JEY", "line1": "1 Rue"}));
    assert_eq!(address.country_iso, AddressCountryIso::Jey);
    let resource: Resource = round_trip(json!({"status": "completed"}));
    // The component's own type, not a copy of it.
    let status: CallStatus = resource.status;
    assert_eq!(status, CallStatus::Completed);
}

#[test]
fn a_choice_and_an_object_narrowed_by_a_later_branch_are_typed() {
    let repo: PushedRepo = round_trip(json!({
        "pushed_at": "2026-01-02T03:04:05Z", "owner": {"login": "octo", "id": 1}
    }));
    assert_eq!(repo.pushed_at.timestamp(), 1_767_323_045);
    assert_eq!(
        (repo.owner.login.as_str(), repo.owner.id),
        ("octo", Some(1))
    );
    let no_login = json!({"pushed_at": "2026-01-02T03:04:05Z", "owner": {"id": 1}});
    assert!(serde_json::from_value::<PushedRepo>(no_login).is_err());
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
