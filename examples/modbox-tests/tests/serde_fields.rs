//! The four field kinds of the nullable table, on the wire and back, with the real generated
//! models of the Modbox spec.

use modbox::types::{
    HttpValidationError, SandboxImageDetail, SandboxImageUpdate, ValidationErrorLocItems,
};
use modbox::Nullable;
use serde_json::{json, Value};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: Value) -> Value {
    let decoded: T = serde_json::from_value(input).expect("decodes");
    serde_json::to_value(&decoded).expect("encodes")
}

#[test]
fn optional_nullable_absent_is_left_out_null_is_sent_value_is_sent() {
    let update = SandboxImageUpdate {
        description: Nullable::Null,
        memory_mb: Nullable::Value(2048),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&update).unwrap(),
        r#"{"description":null,"memory_mb":2048}"#
    );
    assert_eq!(
        serde_json::to_string(&SandboxImageUpdate::default()).unwrap(),
        "{}"
    );
}

#[test]
fn optional_nullable_keeps_absent_and_null_apart_when_decoding() {
    let update: SandboxImageUpdate =
        serde_json::from_str(r#"{"description":null,"name":"x"}"#).unwrap();
    assert_eq!(update.description, Nullable::Null);
    assert_eq!(update.name, Nullable::Value("x".to_string()));
    assert_eq!(update.tag, Nullable::Absent);
    for input in [
        json!({}),
        json!({"description": null}),
        json!({"description": "d", "enabled": false, "memory_mb": 0, "registry_id": null}),
        json!({"registry_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "ttl_seconds": null}),
    ] {
        assert_eq!(round_trip::<SandboxImageUpdate>(input.clone()), input);
    }
}

fn detail() -> Value {
    json!({
        "created_at": "2024-01-02T03:04:05Z",
        "description": null,
        "enabled": true,
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "image": "python:3.12",
        "is_default": false,
        "memory_mb": 512,
        "name": "py",
        "tag": "latest",
        "updated_at": "2024-01-02T03:04:05Z"
    })
}

#[test]
fn required_nullable_none_is_sent_as_null_never_left_out() {
    let decoded: SandboxImageDetail = serde_json::from_value(detail()).unwrap();
    assert_eq!(decoded.description, None);
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(encoded["description"], Value::Null);
    assert!(encoded.as_object().unwrap().contains_key("description"));
}

#[test]
fn required_field_is_always_sent_and_its_absence_is_an_error() {
    let mut input = detail();
    input.as_object_mut().unwrap().remove("memory_mb");
    let err = serde_json::from_value::<SandboxImageDetail>(input).unwrap_err();
    assert!(err.to_string().contains("memory_mb"), "{err}");
}

#[test]
fn detail_round_trips_without_loss_in_every_state() {
    let mut full = detail();
    let extra = json!({
        "readiness_port": 8080,
        "registry_id": null,
        "registry_name": "ghcr",
        "ttl_seconds": null,
        "workspace_id": "3fa85f64-5717-4562-b3fc-2c963f66afa7",
        "description": "text"
    });
    for (k, v) in extra.as_object().unwrap() {
        full[k] = v.clone();
    }
    assert_eq!(round_trip::<SandboxImageDetail>(full.clone()), full);
    assert_eq!(round_trip::<SandboxImageDetail>(detail()), detail());
}

#[test]
fn validation_error_loc_items_are_typed() {
    let body: HttpValidationError = serde_json::from_value(json!({
        "detail": [{"loc": ["body", "memory_mb", 0], "msg": "bad", "type": "value_error"}]
    }))
    .unwrap();
    let detail = body.detail.unwrap();
    assert_eq!(
        detail[0].loc,
        vec![
            ValidationErrorLocItems::String("body".into()),
            ValidationErrorLocItems::String("memory_mb".into()),
            ValidationErrorLocItems::Integer(0),
        ]
    );
    assert_eq!(detail[0].type_, "value_error");
}

#[test]
fn nullable_conversions() {
    assert_eq!(Nullable::from(5), Nullable::Value(5));
    assert_eq!(Nullable::<i32>::from(None), Nullable::Null);
    assert_eq!(Nullable::from(Some(1)).into_option(), Some(1));
    assert_eq!(Nullable::<i32>::default(), Nullable::Absent);
    assert_eq!(
        Nullable::Value(2).as_ref().map(|v| v * 2),
        Nullable::Value(4)
    );
    assert_eq!(Nullable::Value("a").value(), Some(&"a"));
    assert!(Nullable::<u8>::Null.is_null() && Nullable::<u8>::Absent.is_absent());
}

/// Models decode by the runtime's `impl_deserialize!`, not serde's derive: the same result
/// whether a key is borrowed from the input, escaped (so copied), or read from a stream.
#[test]
fn keys_decode_however_the_input_spells_them() {
    let text = serde_json::to_string(&detail()).unwrap();
    let from_str: SandboxImageDetail = serde_json::from_str(&text).unwrap();
    let from_reader: SandboxImageDetail = serde_json::from_reader(text.as_bytes()).unwrap();
    let escaped = text.replace("\"memory_mb\"", "\"memory\\u005fmb\"");
    let from_escaped: SandboxImageDetail = serde_json::from_str(&escaped).unwrap();
    assert_eq!(from_str.memory_mb, 512);
    assert_eq!(from_reader, from_str);
    assert_eq!(from_escaped, from_str);
    assert!(from_str.additional_properties.is_empty());
}

/// What serde's derive refused is still refused, with its words: a field twice, a required
/// one missing, a value that is not an object; a required nullable left out is `None`.
#[test]
fn decoding_errors_name_the_field_as_serde_did() {
    let text = serde_json::to_string(&detail()).unwrap();
    let twice = text.replacen('{', "{\"name\":\"a\",", 1);
    let err = serde_json::from_str::<SandboxImageDetail>(&twice).unwrap_err();
    assert!(err.to_string().contains("duplicate field `name`"), "{err}");

    let mut input = detail();
    input.as_object_mut().unwrap().remove("tag");
    let err = serde_json::from_value::<SandboxImageDetail>(input).unwrap_err();
    assert_eq!(err.to_string(), "missing field `tag`");

    let err = serde_json::from_str::<SandboxImageDetail>("[1]").unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid type: sequence, expected struct SandboxImageDetail"),
        "{err}"
    );

    let mut input = detail();
    input.as_object_mut().unwrap().remove("description");
    let decoded: SandboxImageDetail = serde_json::from_value(input).unwrap();
    assert_eq!(decoded.description, None);

    let kept: SandboxImageDetail = serde_json::from_value({
        let mut input = detail();
        input["newer"] = json!({"a": [1, 2]});
        input
    })
    .unwrap();
    assert_eq!(kept.additional_properties["newer"], json!({"a": [1, 2]}));
}
