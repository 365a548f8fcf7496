//! Server URLs: variables at their defaults, and operations that name a server of their own.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::servers::{Client, Error, RequestOptions, DEFAULT_BASE_URL};
use support::{Reply, Server};

fn ok() -> Reply {
    Reply::text(204, "")
}

#[test]
fn the_default_server_has_its_variables_filled_in() {
    assert_eq!(DEFAULT_BASE_URL, "https://eu.api.example.com/v2");
}

#[tokio::test]
async fn an_operation_with_its_own_server_goes_there_not_to_the_base_url() {
    let server = Server::start(vec![ok()]).await;
    let client = Client::new()
        .with_base_url(&server.base_url)
        .with_max_retries(0);
    client.get_status().await.unwrap();
    // The path-level server (127.0.0.1:9, nothing listening) is used, not the base URL.
    let err = client.get_from_gateway("abc").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let err = client.put_to_gateway("abc").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].target, "/status");
}

#[tokio::test]
async fn request_options_can_send_every_operation_to_one_server() {
    let server = Server::start(vec![ok(), ok()]).await;
    let client = Client::new()
        .with_max_retries(0)
        .with_options(RequestOptions::new().base_url(&server.base_url));
    client.get_from_gateway("abc").await.unwrap();
    client.get_status().await.unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/gateway/abc", "/status"]);
}

#[tokio::test]
async fn a_relative_server_is_on_the_clients_host() {
    let server = Server::start(vec![ok()]).await;
    let client = Client::new()
        .with_base_url(format!("{}/v2", server.base_url))
        .with_max_retries(0);
    client.get_relative().await.unwrap();
    assert_eq!(server.requests()[0].target, "/v3/relative");
}
