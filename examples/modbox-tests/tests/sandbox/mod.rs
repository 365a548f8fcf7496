//! The sandbox image the modbox tests send and answer with: one token, one id, one detail.

#![allow(dead_code)]

use serde_json::json;

/// The client's bearer token: no error, hook, trace or `Debug` may show it.
pub const TOKEN: &str = "tok-SECRET-42";
pub const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

pub fn id() -> uuid::Uuid {
    ID.parse().unwrap()
}

/// A `SandboxImageDetail` as the server sends it: nulls and every required field.
pub fn detail_json() -> serde_json::Value {
    json!({
        "created_at": "2024-01-02T03:04:05Z",
        "description": null,
        "enabled": true,
        "id": ID,
        "image": "python:3.12",
        "is_default": false,
        "memory_mb": 512,
        "name": "py",
        "tag": "latest",
        "updated_at": "2024-01-02T03:04:05Z",
        "ttl_seconds": null
    })
}

/// [`detail_json`] as the body text.
pub fn detail() -> String {
    detail_json().to_string()
}
