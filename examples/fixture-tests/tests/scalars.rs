//! Integer enums and `const`, `readOnly`/`writeOnly`, defaults that are never sent unless
//! set, and empty lists that are sent.

use fixture_tests::round_trip;
use fixture_tests::scalars_and_directions::types::{Account, Kind, Level, Priority};
use serde_json::json;

#[test]
fn integer_enums_keep_known_and_unknown_values() {
    assert_eq!(round_trip::<Priority>(json!(2)), Priority::V2);
    assert_eq!(round_trip::<Priority>(json!(7)), Priority::Unknown(7));
    assert_eq!(round_trip::<Level>(json!(-1)), Level::Debug);
    assert_eq!(Level::Error.value(), 10);
    assert!(serde_json::from_value::<Priority>(json!("2")).is_err());
}

#[test]
fn const_is_a_one_value_enum() {
    assert_eq!(round_trip::<Kind>(json!("planet")), Kind::Planet);
}

#[test]
fn a_request_leaves_out_read_only_fields_and_a_response_may_leave_out_write_only_ones() {
    // What a client sends to create an account: no id, no created_at.
    let new = Account {
        name: "ada".into(),
        password: Some("secret".into()),
        id: None,
        created_at: None,
        priority: None,
        level: None,
        kind: None,
        notify: None,
        tags: None,
        additional_properties: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&new).unwrap(),
        json!({"name": "ada", "password": "secret"})
    );
    // What the server returns: no password.
    let got: Account = round_trip(json!({"id": "a-1", "name": "ada", "created_at": "2026-01-01"}));
    assert_eq!(got.id.as_deref(), Some("a-1"));
    assert_eq!(got.password, None);
}

#[test]
fn a_default_is_never_sent_unless_set_and_an_empty_list_is_sent() {
    let account = Account {
        name: "ada".into(),
        tags: Some(Vec::new()),
        id: None,
        created_at: None,
        password: None,
        priority: None,
        level: None,
        kind: None,
        notify: None,
        additional_properties: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&account).unwrap(),
        json!({"name": "ada", "tags": []})
    );
    let with_notify = Account {
        notify: Some(false),
        ..account
    };
    assert_eq!(
        serde_json::to_value(&with_notify).unwrap()["notify"],
        json!(false)
    );
}
