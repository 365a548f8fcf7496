//! Security requirements on the wire: alternatives, schemes required together (AND), `[]`,
//! the document's default, API keys in header, query and cookie.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::security::Client;
use support::{Recorded, Reply, Server};

async fn one_call<F, Fut>(client: Client, call: F) -> Recorded
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), fixture_tests::security::Error>>,
{
    let server = Server::start(vec![Reply::text(204, "")]).await;
    call(client.with_base_url(&server.base_url).with_max_retries(0))
        .await
        .unwrap();
    server.requests().remove(0)
}

fn everything() -> Client {
    Client::new("tok")
        .with_api_key("k-1")
        .with_app_id("app 1")
        .with_session("s=1")
}

#[tokio::test]
async fn schemes_required_together_are_all_sent_and_nothing_else() {
    let sent = one_call(everything(), |c| async move { c.both().await }).await;
    assert_eq!(sent.header("x-api-key"), Some("k-1"));
    assert_eq!(sent.target, "/both?app_id=app%201");
    assert_eq!(sent.header_count("authorization"), 0);
    assert_eq!(sent.header_count("cookie"), 0);
}

#[tokio::test]
async fn half_of_a_required_pair_sends_neither() {
    let client = Client::new("tok").with_api_key("k-1");
    let sent = one_call(client, |c| async move { c.both().await }).await;
    assert_eq!(sent.header_count("x-api-key"), 0);
    assert_eq!(sent.target, "/both");
}

#[tokio::test]
async fn the_first_alternative_held_is_used_once() {
    let sent = one_call(everything(), |c| async move { c.either().await }).await;
    assert_eq!(sent.header_count("authorization"), 1);
    assert_eq!(sent.header("authorization"), Some("Bearer tok"));
    assert_eq!(sent.header_count("x-api-key"), 0);
}

#[tokio::test]
async fn an_empty_requirement_list_sends_no_credential() {
    let sent = one_call(everything(), |c| async move { c.public().await }).await;
    assert_eq!(sent.header_count("authorization"), 0);
    assert_eq!(sent.header_count("x-api-key"), 0);
    assert_eq!(sent.header_count("cookie"), 0);
    assert_eq!(sent.target, "/public");
}

#[tokio::test]
async fn the_document_default_applies_and_oauth_sends_the_bearer_token() {
    let sent = one_call(everything(), |c| async move {
        c.uses_the_document_default().await
    })
    .await;
    assert_eq!(sent.header("authorization"), Some("Bearer tok"));
    let sent = one_call(everything(), |c| async move { c.with_oauth().await }).await;
    assert_eq!(sent.header("authorization"), Some("Bearer tok"));
}

#[tokio::test]
async fn a_cookie_key_is_sent_as_a_cookie() {
    // The operation `withSession` meets the setter of the `session` key: the setter keeps the
    // name, the operation gets a suffix, and both compile.
    let sent = one_call(everything(), |c| async move { c.with_session_2().await }).await;
    assert_eq!(sent.header("cookie"), Some("session=s%3D1"));
    assert_eq!(sent.header_count("authorization"), 0);
}

#[tokio::test]
async fn basic_credentials_are_sent_as_basic() {
    let sent = one_call(
        Client::new("tok").with_basic_auth("ada", "pa:ss"),
        |c| async move { c.with_basic().await },
    )
    .await;
    // base64("ada:pa:ss")
    assert_eq!(sent.header("authorization"), Some("Basic YWRhOnBhOnNz"));
}

#[tokio::test]
async fn a_redirect_to_another_origin_carries_no_credential_of_any_kind() {
    let target = Server::start(vec![Reply::text(204, ""), Reply::text(204, "")]).await;
    let hop =
        |path: &str| Reply::text(307, "").header("location", &format!("{}{path}", target.base_url));
    let origin = Server::start(vec![hop("/moved-both"), hop("/moved-cookie")]).await;
    let client = everything()
        .with_base_url(&origin.base_url)
        .with_max_retries(0);
    client.both().await.unwrap();
    client.with_session_2().await.unwrap();

    let asked = origin.requests();
    assert_eq!(asked[0].header("x-api-key"), Some("k-1"));
    assert_eq!(asked[1].header("cookie"), Some("session=s%3D1"));
    let followed = target.requests();
    assert_eq!(followed[0].target, "/moved-both");
    assert_eq!(followed[1].target, "/moved-cookie");
    for request in &followed {
        for secret in ["authorization", "x-api-key", "cookie"] {
            assert_eq!(
                request.header_count(secret),
                0,
                "{secret} sent to another origin"
            );
        }
    }
}
