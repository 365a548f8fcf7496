//! Updates a sandbox image with the generated Modbox SDK (`examples/modbox-sdk`).
//!
//! ```sh
//! npx prism mock spec/modbox.yaml -p 4010 &            # or any Modbox server
//! MODBOX_TOKEN=secret MODBOX_BASE_URL=http://127.0.0.1:4010 \
//!     cargo run --example update_sandbox_image -- 3fa85f64-5717-4562-b3fc-2c963f66afa6
//! ```

use modbox::types::SandboxImageUpdate;
use modbox::{Client, Error, ErrorBody, Nullable};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("MODBOX_TOKEN").map_err(|_| "set MODBOX_TOKEN to your API token")?;
    let mut client = Client::new(token);
    if let Ok(base_url) = std::env::var("MODBOX_BASE_URL") {
        client = client.with_base_url(base_url);
    }
    let image_id: uuid::Uuid = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "3fa85f64-5717-4562-b3fc-2c963f66afa6".into())
        .parse()?;
    let update = SandboxImageUpdate {
        description: Nullable::Null,      // clears the description
        memory_mb: Nullable::Value(2048), // sets the memory
        ..Default::default()              // leaves everything else as it is
    };
    match client.update_sandbox_image(image_id, &update).await {
        Ok(detail) => println!(
            "updated {} ({}): {} MiB",
            detail.name, detail.id, detail.memory_mb
        ),
        Err(Error::Api {
            status,
            body: ErrorBody::HttpValidationError(e),
            ..
        }) => {
            for problem in e.detail.unwrap_or_default() {
                eprintln!("{status}: {:?}: {}", problem.loc, problem.msg);
            }
            std::process::exit(1);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
