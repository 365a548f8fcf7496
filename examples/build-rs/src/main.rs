//! Lists the open tasks of a Tasks server:
//! `TASKS_TOKEN=... TASKS_BASE_URL=http://127.0.0.1:4010 cargo run -p tasks-client`.

use tasks_client::types::NewTask;
use tasks_client::{Client, Error, Nullable};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let token = std::env::var("TASKS_TOKEN").unwrap_or_default();
    let mut client = Client::new(token);
    if let Ok(url) = std::env::var("TASKS_BASE_URL") {
        client = client.with_base_url(url);
    }
    if let Some(title) = std::env::args().nth(1) {
        let task = NewTask {
            title,
            due: Nullable::Absent,
        };
        let created = client.create_task(&task).await?;
        println!("created {} ({})", created.title, created.id);
    }
    for task in client.list_tasks().limit(20).done(false).await? {
        println!("[ ] {} ({})", task.title, task.id);
    }
    Ok(())
}
