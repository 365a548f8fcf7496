//! The public API the core issue pins, compiled exactly as a user writes it. If this file stops
//! compiling, the SDK's contract changed.

use modbox::types::{SandboxImageDetail, SandboxImageUpdate};
use modbox::{Client, Nullable};

#[allow(dead_code)]
async fn the_documented_calls() -> Result<SandboxImageDetail, Box<dyn std::error::Error>> {
    let client = Client::new("YOUR_TOKEN_HERE"); // base URL: the spec's first server
    assert_eq!(client.base_url(), "https://api.modbox.run");
    let client = Client::new("YOUR_TOKEN_HERE").with_base_url("http://127.0.0.1:4010");
    let update = SandboxImageUpdate {
        description: Nullable::Null,      // sends "description": null
        memory_mb: Nullable::Value(2048), // sends "memory_mb": 2048
        ..Default::default()              // every other field is left out
    };
    let image_id: uuid::Uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?;
    let detail: SandboxImageDetail = client.update_sandbox_image(image_id, &update).await?;
    Ok(detail)
}

#[test]
fn client_is_built_from_a_token_and_hides_it() {
    let client = Client::new("secret-token-123").with_base_url("http://127.0.0.1:4010/");
    assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    let debug = format!("{client:?}");
    assert!(!debug.contains("secret-token-123"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<modbox::Error>();
}
